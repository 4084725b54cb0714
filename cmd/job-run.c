/*
 * job-run: the executor.  Runs due jobs by exec'ing their handlers, at
 * most N at once, until SIGTERM or SIGINT (or, with --once, until no job
 * is due and none is running), and logs one line per event on stderr.
 *
 * The lines go through a buffer to a writer thread of their own, so that
 * a reader of stderr that stalls never holds up the loop (its timeouts,
 * its reaping): when the buffer is full, lines are dropped and counted,
 * and an event=dropped line says how many once there is room again.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
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

/* Writes t as RFC 3339 UTC with milliseconds, as each line begins. */
static void
format_time(FILE *f, job_time_t t)
{
	char when[64];

	job_time_format_utc(t, when, sizeof when);
	/* replace the Z by .mmmZ */
	when[strlen(when) - 1] = 0;
	fprintf(f, "%s.%03dZ", when,
	    (int)((t % JOB_NSEC + JOB_NSEC) % JOB_NSEC / 1000000));
}

/* Formats one event line into f. */
static void
format_event(FILE *f, const struct job_event *ev)
{
	char when[64], secs[64];

	format_time(f, ev->time);
	fprintf(f, " event=%s", event_names[ev->kind]);
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

/* The event log's writer --------------------------------------------------- */

#define LOG_BUFFER ((size_t)1 << 20)	/* lines waiting, at most */
#define LOG_LINE_MAX ((size_t)1 << 16)	/* a longer one is dropped */
#define LOG_EXIT_WAIT 2			/* seconds, at exit */

/* A ring of lines: the loop appends, the writer thread takes. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t more, drained;
	char *buf;
	size_t head, len;
	uint64_t dropped;		/* since the last dropped line */
	int running;			/* the thread started */
} evlog = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	PTHREAD_COND_INITIALIZER, NULL, 0, 0, 0, 0 };

static void
ring_put(const char *s, size_t n)
{
	size_t at = (evlog.head + evlog.len) % LOG_BUFFER;

	for (size_t i = 0; i < n; i++)
		evlog.buf[(at + i) % LOG_BUFFER] = s[i];
	evlog.len += n;
}

/*
 * Copies whole lines from the ring into out, as many as fit in PIPE_BUF
 * bytes (one at least), so that a write of them is as atomic as a write
 * of one line was: executors sharing a log never tear each other's lines.
 */
static size_t
ring_take(char *out)
{
	size_t n = 0, whole = 0;

	while (n < evlog.len) {
		char c = evlog.buf[(evlog.head + n) % LOG_BUFFER];

		if (whole > 0 && n >= PIPE_BUF)
			break;
		out[n++] = c;
		if (c != '\n')
			continue;
		if (whole > 0 && n > PIPE_BUF)
			break;
		whole = n;
	}
	return whole ? whole : n;
}

/* Writes it all, unless the reader is gone: then the lines are lost. */
static void
write_out(const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(STDERR_FILENO, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void *
writer_main(void *arg)
{
	char *out = arg;
	size_t n;

	pthread_mutex_lock(&evlog.lock);
	for (;;) {
		while (evlog.len == 0)
			pthread_cond_wait(&evlog.more, &evlog.lock);
		n = ring_take(out);
		pthread_mutex_unlock(&evlog.lock);
		write_out(out, n);
		pthread_mutex_lock(&evlog.lock);
		evlog.head = (evlog.head + n) % LOG_BUFFER;
		evlog.len -= n;
		pthread_cond_broadcast(&evlog.drained);
	}
	return NULL;
}

/*
 * Starts the writer thread, which inherits the signal mask: SIGTERM,
 * SIGINT and SIGCHLD are the loop's.  Without it, lines are written
 * directly.
 */
static void
evlog_start(void)
{
	static char out[LOG_LINE_MAX + PIPE_BUF];	/* the writer's */
	pthread_t t;

	if ((evlog.buf = malloc(LOG_BUFFER)) == NULL)
		return;
	if (pthread_create(&t, NULL, writer_main, out) != 0) {
		free(evlog.buf);
		evlog.buf = NULL;
		return;
	}
	pthread_detach(t);
	evlog.running = 1;
}

/* The line that says how many were dropped, into buf. */
static size_t
dropped_line(char *buf, size_t size)
{
	FILE *f = fmemopen(buf, size, "w");
	long n;

	if (f == NULL)
		return 0;
	format_time(f, job_now());
	fprintf(f, " event=dropped count=%" PRIu64 "\n", evlog.dropped);
	n = ftell(f);
	fclose(f);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* Queues a line for the writer, or counts it dropped if there is no room. */
static void
evlog_put(const char *line, size_t len)
{
	char drop[128];
	size_t dlen = 0;

	if (!evlog.running) {
		(void)!write(STDERR_FILENO, line, len);
		return;
	}
	pthread_mutex_lock(&evlog.lock);
	if (evlog.dropped && evlog.len + sizeof drop + len <= LOG_BUFFER)
		dlen = dropped_line(drop, sizeof drop);
	/* The count goes where the lines went missing, with the next one. */
	if (dlen && evlog.len + dlen + len <= LOG_BUFFER) {
		ring_put(drop, dlen);
		evlog.dropped = 0;
	}
	if (len == 0)
		;
	else if (evlog.dropped == 0 && len <= LOG_LINE_MAX &&
	    evlog.len + len <= LOG_BUFFER)
		ring_put(line, len);
	else
		evlog.dropped++;
	pthread_cond_signal(&evlog.more);
	pthread_mutex_unlock(&evlog.lock);
}

/* At exit: gives the writer a bounded time to write what is left. */
static void
evlog_finish(void)
{
	struct timespec until;

	if (!evlog.running)
		return;
	if (evlog.dropped)
		evlog_put("", 0);	/* the dropped line, if it fits */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += LOG_EXIT_WAIT;
	pthread_mutex_lock(&evlog.lock);
	while (evlog.len > 0 && pthread_cond_timedwait(&evlog.drained,
	    &evlog.lock, &until) == 0)
		;
	pthread_mutex_unlock(&evlog.lock);
}

/* Hands each event line to the writer, never waiting for it. */
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
		evlog_put(line, len);
	free(line);
}

/* A last message, through the writer, then exit 1. */
static _Noreturn void
die_logged(const char *msg)
{
	char *line = NULL;

	if (asprintf(&line, "%s: %s\n", cmd_prog, msg) > 0)
		evlog_put(line, strlen(line));
	free(line);
	evlog_finish();
	exit(EXIT_CANNOT);
}

/* job_run() gave up: says why, naming the handlers directory if need be. */
static _Noreturn void
run_failed(int rc, const char *dir)
{
	char why[4200];

	if (rc != JOB_ENOHANDLERS)
		die_logged(job_strerror(rc));
	if (job_handler_check(dir, NULL, why, sizeof why) == 0)
		snprintf(why, sizeof why, "handlers directory %s: %s", dir,
		    job_strerror(rc));
	strncat(why, "; due jobs left pending", sizeof why - strlen(why) - 1);
	die_logged(why);
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
	cmd_sigpipe(1);		/* a log nobody reads ends no executor */
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
	cmd_check_tz();		/* the next times of --cron jobs are local */
	store = cmd_store_open(db, 1);
	evlog_start();
	rc = job_run(store, &o);
	job_store_close(store);
	free(queues);
	if (rc)
		run_failed(rc, dir);
	evlog_finish();
	return 0;
}
