/*
 * job-run: the executor.  Runs due jobs by exec'ing their handlers, at
 * most N at once, until SIGTERM or SIGINT (or, with --once, until no job
 * is due and none is running), and logs one line per event on stderr.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char usage[] =
    "usage: job-run [-v] [--once] [-d dir] [-H dir] [-j n] [-q queue[,queue]]"
    "\n               [--keep duration] [--grace duration]";

static const char help[] =
    "  -j, --jobs N           run at most N jobs at once (default 1)\n"
    "  -q, --queue Q[,Q]      serve only these queues (default all)\n"
    "      --once             run until no job is due and none runs\n"
    "      --keep DURATION    prune done jobs after DURATION (default 7d)\n"
    "      --grace DURATION   SIGTERM to SIGKILL (default 10s)\n"
    "  -v, --verbose          log handlers' output lines too\n"
    "  -H, --handlers DIR     handlers directory\n"
    "  -d, --db DIR           store directory\n"
    "  -h, --help             this help\n"
    "  -V, --version          version\n";

static const char *const event_names[] = {
	"start", "done", "fail", "retry", "timeout", "lost", "prune",
	"output", "error", "interrupt"
};

/* Writes a value for key=value: bare if simple, else quoted. */
static void
log_value(FILE *f, const char *s, size_t n)
{
	int bare = n > 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '"' || s[i] == '\\' ||
		    (unsigned char)s[i] < 0x20 || s[i] == '=')
			bare = 0;
	if (bare) {
		fwrite(s, 1, n, f);
		return;
	}
	putc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}

/* Formats one event line into f. */
static void
format_event(FILE *f, const struct job_event *ev)
{
	char when[64], secs[64];

	job_time_format_utc(ev->time, when, sizeof when);
	/* RFC 3339 with milliseconds: replace the Z by .mmmZ */
	when[strlen(when) - 1] = 0;
	fprintf(f, "%s.%03dZ event=%s", when,
	    (int)((ev->time % JOB_NSEC + JOB_NSEC) % JOB_NSEC / 1000000),
	    event_names[ev->kind]);
	if (ev->job)
		fprintf(f, " job=%" PRIu64, ev->job);
	if (ev->handler)
		fprintf(f, " handler=%s", ev->handler);
	if (ev->attempt)
		fprintf(f, " attempt=%" PRIu32, ev->attempt);
	if (ev->status)
		fprintf(f, " status=%s", ev->status);
	if (ev->kind == JOB_EV_DONE || ev->kind == JOB_EV_FAIL ||
	    ev->kind == JOB_EV_RETRY || ev->kind == JOB_EV_TIMEOUT ||
	    ev->kind == JOB_EV_INTERRUPT) {
		snprintf(secs, sizeof secs, "%.3f",
		    (double)ev->duration / JOB_NSEC);
		fprintf(f, " duration=%s", secs);
	}
	if (ev->next) {
		job_time_format_utc(ev->next, when, sizeof when);
		fprintf(f, " next=%s", when);
	}
	if (ev->kind == JOB_EV_PRUNE)
		fprintf(f, " count=%" PRIu64, ev->count);
	if (ev->text) {
		fputs(ev->kind == JOB_EV_OUTPUT ? " line=" : " error=", f);
		log_value(f, ev->text, ev->text_len);
	}
	putc('\n', f);
}

/*
 * Writes each event line with one write(2), so that executors sharing a
 * log file never tear each other's lines.
 */
static void
on_event(const struct job_event *ev, void *arg)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	(void)arg;
	if ((f = open_memstream(&line, &len)) == NULL)
		return;
	format_event(f, ev);
	if (fclose(f) == 0)
		(void)!write(STDERR_FILENO, line, len);
	free(line);
}

/* Splits "a,b" into a NULL-terminated list of valid queue names. */
static const char **
parse_queues(char *arg)
{
	size_t n = 2;
	const char **q;
	char *save = NULL, *tok;

	for (char *p = arg; *p; p++)
		n += *p == ',';
	if ((q = calloc(n, sizeof *q)) == NULL)
		cmd_die(EXIT_CANNOT, "out of memory");
	n = 0;
	for (tok = strtok_r(arg, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		if (!job_name_valid(tok))
			cmd_usage_error(usage, "invalid queue name: '%s'", tok);
		q[n++] = tok;
	}
	if (n == 0)
		cmd_usage_error(usage, "empty queue list");
	return q;
}

/* From the start: a SIGTERM that comes early still means a clean stop. */
static void
block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "queue", required_argument, NULL, 'q' },
		{ "once", no_argument, NULL, 'o' },
		{ "keep", required_argument, NULL, 'k' },
		{ "grace", required_argument, NULL, 'g' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "handlers", required_argument, NULL, 'H' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct job_run_options o = { .slots = 1, .keep = 7 * 86400 * JOB_NSEC,
		.grace = 10 * JOB_NSEC, .on_event = on_event };
	const char *db = NULL, *handlers = NULL, **queues = NULL;
	char dir[4096], why[4200];
	job_store *store;
	int opt, rc;

	cmd_init(argv[0]);
	block_signals();
	while ((opt = getopt_long(argc, argv, "+:j:q:vH:d:hV", longopts,
	    NULL)) != -1)
		switch (opt) {
		case 'j':
			o.slots = (unsigned)cmd_parse_int(usage, "job count",
			    optarg, 1, 1024);
			break;
		case 'q': queues = parse_queues(optarg); break;
		case 'o': o.once = 1; break;
		case 'k': o.keep = cmd_parse_duration(usage, "keep", optarg);
			break;
		case 'g': o.grace = cmd_parse_duration(usage, "grace", optarg);
			break;
		case 'v': o.verbose = 1; break;
		case 'H':
			if (*optarg == 0)
				cmd_usage_error(usage, "empty handlers "
				    "directory");
			handlers = optarg;
			break;
		case 'd': db = optarg; break;
		case 'h': cmd_help(usage, help);
		case 'V': cmd_version();
		default: cmd_bad_option(usage, opt, argv);
		}
	if (optind < argc)
		cmd_usage_error(usage, "unexpected argument: '%s'",
		    argv[optind]);
	if ((rc = job_handlers_path(handlers, dir, sizeof dir)) != 0)
		cmd_die(EXIT_CANNOT, "cannot locate the handlers: %s",
		    job_strerror(rc));
	/* Before the store is created: nothing to run from, nothing made. */
	if (job_handler_check(dir, NULL, why, sizeof why) != 0)
		cmd_die(EXIT_CANNOT, "%s", why);
	o.handlers = dir;
	o.queues = queues;
	store = cmd_store_open(db, 1);
	rc = job_run(store, &o);
	job_store_close(store);
	free(queues);
	if (rc == JOB_ENOHANDLERS &&
	    job_handler_check(dir, NULL, why, sizeof why) == 0)
		snprintf(why, sizeof why, "handlers directory %s: %s", dir,
		    job_strerror(rc));
	if (rc == JOB_ENOHANDLERS)
		cmd_die(EXIT_CANNOT, "%s; due jobs left pending", why);
	if (rc)
		cmd_die(EXIT_CANNOT, "%s", job_strerror(rc));
	return 0;
}
