/*
 * msg.c: messages, exit statuses and checked standard output.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

const char *cmd_prog = "job";

/* Why writing stdout first failed, as cmd_stdout_error() saw it; or 0. */
static int stdout_errno;

void
cmd_init(const char *prog)
{
	/* Before anything opens a file that could take 0, 1 or 2. */
	int rc = job_std_fds_ensure();
	const char *slash;

	if (prog && *prog)
		cmd_prog = (slash = strrchr(prog, '/')) ? slash + 1 : prog;
	opterr = 0;	/* cmd_bad_option says it with the program's name */
	if (rc)
		cmd_die(EXIT_CANNOT, "cannot open /dev/null on a closed "
		    "standard descriptor: %s", strerror(rc));
}

void
cmd_bad_option(const char *usage, int opt, char **argv)
{
	const char *arg = argv[optind - 1];

	if (opt == ':' && optopt)
		cmd_usage_error(usage, "option -%c needs a value", optopt);
	if (opt == ':')
		cmd_usage_error(usage, "option %s needs a value", arg);
	if (optopt)
		cmd_usage_error(usage, "unknown option -%c", optopt);
	cmd_usage_error(usage, "unknown option %s", arg);
}

static void
vwarn(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cmd_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cmd_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
cmd_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(status);
}

void
cmd_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", usage);
	exit(EXIT_USAGE);
}

void
cmd_help(const char *usage, const char *options)
{
	printf("%s\n%s", usage, options ? options : "");
	cmd_close_stdout();
	exit(0);
}

void
cmd_version(void)
{
	printf("%s %s\n", cmd_prog, JOB_VERSION);
	cmd_close_stdout();
	exit(0);
}

void
cmd_sigpipe(int changes_store)
{
	signal(SIGPIPE, changes_store ? SIG_IGN : SIG_DFL);
}

int
cmd_stdout_error(void)
{
	/* errno is still the failed write's: callers ask right after it. */
	if (ferror(stdout) && stdout_errno == 0)
		stdout_errno = errno ? errno : EIO;
	return stdout_errno;
}

int
cmd_stdout_close(void)
{
	int rc;

	/* stdio keeps what it could not write, and fails on it again. */
	errno = 0;
	fflush(stdout);
	rc = cmd_stdout_error();
	errno = 0;
	if (fclose(stdout) != 0 && rc == 0)
		rc = errno ? errno : EIO;
	return rc;
}

void
cmd_write_error(int err)
{
	sigset_t set;

	if (err == EPIPE) {
		/* The reader is gone: end as SIGPIPE ends any filter. */
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(SIGPIPE);
		_exit(128 + SIGPIPE);
	}
	cmd_die(EXIT_CANNOT, "write error: %s", strerror(err));
}

/* As sbase's fshut: output that could not be written is an error. */
void
cmd_close_stdout(void)
{
	int rc = cmd_stdout_close();

	if (rc)
		cmd_write_error(rc);
}

void
cmd_ids_unwritten(uint64_t first, uint64_t last, int existed, int err)
{
	if (first != last)
		cmd_die(EXIT_CANNOT, "jobs %" PRIu64 "-%" PRIu64 " added, but "
		    "their ids could not be written: %s", first, last,
		    strerror(err));
	cmd_die(EXIT_CANNOT, "job %" PRIu64 " %s, but its id could not be "
	    "written: %s", first, existed == 0 ? "added" : existed > 0 ?
	    "was already in the store" : "is in the store", strerror(err));
}
