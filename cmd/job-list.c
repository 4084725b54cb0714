/*
 * job-list: show jobs: a table, one job in full, JSON Lines, the counts
 * per state, or a job's captured output.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "format.h"

static const char usage[] =
    "usage: job-list [-a] [--json] [-d dir] [-s state[,state]] "
    "[--handler handler]\n"
    "                [-q queue] [--name name]\n"
    "       job-list [--json] [-d dir] id ...\n"
    "       job-list -c [-d dir] [--handler handler] [-q queue] "
    "[--name name]\n"
    "       job-list -l id [-d dir]";

static const char help[] =
    "  -a, --all              include done jobs\n"
    "  -s, --state S[,S]      only jobs in these states\n"
    "      --handler H        only jobs of handler H\n"
    "  -q, --queue Q          only jobs in queue Q\n"
    "      --name N           only the recurring job named N\n"
    "      --json             JSON Lines, one object per job\n"
    "  -c, --count            one line 'STATE N' per state (of the jobs\n"
    "                         that -q, --handler and --name select)\n"
    "  -l, --log ID           the captured output of job ID\n"
    "  -d, --db DIR           store directory\n"
    "  -h, --help             this help\n"
    "  -V, --version          version\n";

/* --json output is written in blocks of about this size. */
#define FLUSH_AT 65536

struct list {
	struct job_filter filter;
	int json;
	int corrupt;
	struct buf out;		/* JSON lines not yet written */
	size_t flush_at;	/* 0: each line at once, as on a terminal */
};

static unsigned
parse_states(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	unsigned states = 0;
	int st;

	if (copy == NULL)
		cmd_die(EXIT_CANNOT, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		if (job_state_parse(tok, &st) != 0)
			cmd_usage_error(usage, "invalid state: '%s' (pending, "
			    "running, done or failed)", tok);
		states |= 1u << st;
	}
	free(copy);
	if (states == 0)
		cmd_usage_error(usage, "invalid state list: '%s'", arg);
	return states;
}

/* Writes the JSON lines held; returns 0 or the write's errno. */
static int
flush_json(struct list *l)
{
	if (l->out.len > 0)
		fwrite(l->out.s, 1, l->out.len, stdout);
	l->out.len = 0;
	return cmd_stdout_error();
}

/* Lines go out in blocks: a tenth of the writes of stdio's 4 KiB buffer. */
static int
print_json(struct list *l, const struct job *job)
{
	if (fmt_json(&l->out, job) != 0)
		return ENOMEM;
	return l->out.len >= l->flush_at ? flush_json(l) : 0;
}

static int
print_job(const struct job *job, void *arg)
{
	struct list *l = arg;

	if (l->json)
		return print_json(l, job);
	fmt_table(stdout, job);
	return cmd_stdout_error();
}

/* Exits for rc: a write error as such, else what the store said. */
static _Noreturn void
fail(int rc)
{
	if (cmd_stdout_error())
		cmd_write_error(cmd_stdout_error());
	cmd_die(EXIT_CANNOT, "%s", job_strerror(rc));
}

static void
report_corrupt(uint64_t id, void *arg)
{
	struct list *l = arg;

	l->corrupt = 1;
	cmd_warn("job %" PRIu64 ": corrupt record, skipped", id);
}

static int
list_all(job_store *store, struct list *l)
{
	int rc;

	if (!l->json)
		cmd_check_tz();		/* the table shows local times */
	if (!l->json && isatty(STDOUT_FILENO))
		fmt_table_header(stdout);
	if (store == NULL)
		return 0;
	rc = job_list(store, &l->filter, print_job, report_corrupt, l);
	/* A store that needs repair still shows every job it holds. */
	if ((rc == 0 || rc == JOB_EREPAIR) && flush_json(l) != 0)
		rc = EIO;
	if (rc)
		fail(rc);
	return l->corrupt;
}

/* Shows the jobs named on the command line; unknown ones are errors. */
static int
list_ids(job_store *store, char **ids, int n, struct list *l)
{
	struct job job;
	uint64_t id;
	int ok, bad = 0, shown = 0, rc;

	for (int i = 0; i < n; i++) {
		id = cmd_parse_id(ids[i], &ok);
		if (!ok)
			cmd_usage_error(usage, "invalid job id: '%s'", ids[i]);
	}
	for (int i = 0; i < n; i++) {
		id = cmd_parse_id(ids[i], &ok);
		rc = store ? job_get(store, id, &job) : JOB_ENOJOB;
		if (rc) {
			cmd_warn("job %" PRIu64 ": %s", id, job_strerror(rc));
			bad = 1;
			continue;
		}
		if (l->json)
			rc = print_json(l, &job);
		else {
			if (shown++ > 0)
				putchar('\n');
			fmt_detail(stdout, &job);
		}
		job_free_fields(&job);
		if (rc == 0)
			rc = cmd_stdout_error();
		if (rc)
			fail(rc);
	}
	if ((rc = flush_json(l)) != 0)
		fail(rc);
	return bad;
}

/*
 * The counts of the jobs that pass -q, --handler and --name, in every
 * state: without those, the store's own counts, at no cost per job.
 */
static int
show_count(job_store *store, struct list *l)
{
	const struct job_filter *f = &l->filter;
	uint64_t counts[JOB_NSTATES] = { 0 };
	int rc = 0;

	if (store && (f->handler || f->queue || f->name))
		rc = job_count_matching(store, f, counts, report_corrupt, l);
	else if (store)
		rc = job_count(store, counts);
	if (rc)
		cmd_die(EXIT_CANNOT, "%s", job_strerror(rc));
	for (int s = 0; s < JOB_NSTATES; s++)
		printf("%s %" PRIu64 "\n", job_state_name(s), counts[s]);
	return l->corrupt;
}

static int
write_log(const void *buf, size_t len, void *arg)
{
	(void)arg;
	fwrite(buf, 1, len, stdout);
	return cmd_stdout_error();
}

static int
show_log(job_store *store, const char *arg)
{
	uint64_t id;
	int ok, rc;

	id = cmd_parse_id(arg, &ok);
	if (!ok)
		cmd_usage_error(usage, "invalid job id: '%s'", arg);
	rc = store ? job_log_read(store, id, write_log, NULL) : JOB_ENOJOB;
	if (rc && rc == cmd_stdout_error())
		cmd_write_error(rc);
	if (rc)
		cmd_die(EXIT_CANNOT, "job %" PRIu64 ": %s", id,
		    job_strerror(rc));
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "state", required_argument, NULL, 's' },
		{ "handler", required_argument, NULL, 'N' },
		{ "queue", required_argument, NULL, 'q' },
		{ "name", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "count", no_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct list l = { 0 };
	const char *db = NULL, *log = NULL;
	int opt, all = 0, count = 0, status;
	job_store *store;

	cmd_init(argv[0]);
	cmd_sigpipe(0);
	fmt_use_locale();
	while ((opt = getopt_long(argc, argv, "+:as:q:cl:d:hV", longopts,
	    NULL)) != -1)
		switch (opt) {
		case 'a': all = 1; break;
		case 's': l.filter.states = parse_states(optarg); break;
		case 'N': l.filter.handler = optarg; break;
		case 'q': l.filter.queue = optarg; break;
		case 'n': l.filter.name = optarg; break;
		case 'j': l.json = 1; break;
		case 'c': count = 1; break;
		case 'l': log = optarg; break;
		case 'd': db = optarg; break;
		case 'h': cmd_help(usage, help);
		case 'V': cmd_version();
		default: cmd_bad_option(usage, opt, argv);
		}
	if (all && l.filter.states == 0)
		l.filter.states = (1u << JOB_NSTATES) - 1;
	if ((count || log) && optind < argc)
		cmd_usage_error(usage, "unexpected argument: '%s'",
		    argv[optind]);
	if (!isatty(STDOUT_FILENO))
		l.flush_at = FLUSH_AT;
	store = cmd_store_open(db, 0);
	if (count)
		status = show_count(store, &l);
	else if (log)
		status = show_log(store, log);
	else if (optind < argc)
		status = list_ids(store, argv + optind, argc - optind, &l);
	else
		status = list_all(store, &l);
	job_store_close(store);
	buf_free(&l.out);
	cmd_close_stdout();
	return status ? EXIT_CANNOT : 0;
}
