/*
 * msg.c: messages, exit statuses and checked standard output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

const char *cmd_prog = "job";

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

/* As sbase's fshut: output that could not be written is an error. */
void
cmd_close_stdout(void)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	if (fclose(stdout) != 0)
		bad = 1;
	if (bad)
		cmd_die(EXIT_CANNOT, "write error: %s",
		    strerror(errno ? errno : EIO));
}
