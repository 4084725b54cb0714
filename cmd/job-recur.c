/*
 * job-recur: enqueue a recurring job, every DURATION or on a cron
 * schedule, identified by its name; or, with --next, print when such a
 * job would run and store nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char usage[] =
    "usage: job-recur [-f] [-d dir] [-H dir] [-i file] [-k key] "
    "[-p priority]\n"
    "                 [-q queue] [-r retries] [-t timeout] [--name name]\n"
    "                 [--replace] [--catch-up once|skip] [--jitter duration]\n"
    "                 [--at time | --in duration]\n"
    "                 (--every duration | --cron expr) handler [arg ...]\n"
    "       job-recur (--every duration | --cron expr) --next n [--from time]"
    "\n                 [handler [arg ...]]";

static const char help_recur[] =
    "      --every DURATION   run every DURATION, on a fixed grid\n"
    "      --cron EXPR        run on a cron schedule (local time)\n"
    "      --name NAME        the job's unique name (default: the handler)\n"
    "      --replace          update an existing job of that name\n"
    "      --catch-up POLICY  after downtime: once (default) or skip\n"
    "      --jitter DURATION  start each run up to DURATION late, at random\n"
    "      --at TIME          first run of --every at TIME\n"
    "      --in DURATION      first run of --every DURATION from now\n"
    "      --next N           print the next N run times; store nothing\n"
    "      --from TIME        with --next: start from TIME (default now)\n";

struct recur_opts {
	const char *at, *in, *every, *from, *catchup, *jitter;
	long next;
};

static void
print_next(const struct job_spec *spec, const struct recur_opts *r)
{
	job_time_t from, *times;
	char buf[64];
	int rc;

	from = r->from ? cmd_parse_time(usage, "time", r->from) : job_now();
	if ((times = calloc((size_t)r->next, sizeof *times)) == NULL)
		cmd_die(EXIT_CANNOT, "out of memory");
	rc = job_recur_preview(spec, from, times, (size_t)r->next);
	if (rc)
		free(times);
	if (rc == JOB_ETIMERANGE) {
		job_time_format_utc(JOB_TIME_MAX, buf, sizeof buf);
		cmd_usage_error(usage, "--next %ld: out of range: a run time "
		    "would be past %s, the last time that can be represented",
		    r->next, buf);
	}
	if (rc)
		cmd_die(EXIT_CANNOT, "cannot compute run times: %s",
		    job_strerror(rc));
	for (long i = 0; i < r->next; i++) {
		job_time_format_local(times[i], buf, sizeof buf);
		printf("%s\n", buf);
	}
	free(times);
	cmd_close_stdout();
	exit(0);
}

static void
check_cron(const char *expr)
{
	static const char *const fields[] = { "expression", "minute", "hour",
		"day-of-month", "month", "day-of-week" };
	struct job_cron cron;
	int field = 0;

	if (job_cron_parse(expr, &cron, &field) != 0)
		cmd_usage_error(usage, "invalid cron expression '%s': bad %s%s",
		    expr, fields[field < 0 || field > 5 ? 0 : field],
		    field == 0 ? " (five fields or an @macro)" : " field");
}

/* Turns the recurring options into the spec. */
static void
apply(struct cmd_enqueue *e, const struct recur_opts *r)
{
	if ((r->every == NULL) == (e->spec.cron == NULL))
		cmd_usage_error(usage, "give one of --every and --cron");
	if (r->every)
		e->spec.every = cmd_parse_duration(usage, "interval", r->every);
	else
		check_cron(e->spec.cron);
	if (r->at && r->in)
		cmd_usage_error(usage, "give at most one of --at and --in");
	e->spec.has_run_at = r->at || r->in;
	if (r->at)
		e->spec.run_at = cmd_parse_time(usage, "time", r->at);
	if (r->in)
		e->spec.run_at = cmd_parse_in(usage, "duration", r->in);
	if (r->jitter)
		e->spec.jitter = cmd_parse_duration(usage, "jitter", r->jitter);
	if (r->catchup && strcmp(r->catchup, "once") == 0)
		e->spec.catchup = JOB_CATCHUP_ONCE;
	else if (r->catchup && strcmp(r->catchup, "skip") == 0)
		e->spec.catchup = JOB_CATCHUP_SKIP;
	else if (r->catchup)
		cmd_usage_error(usage, "invalid --catch-up '%s' (once or skip)",
		    r->catchup);
	if (r->from && r->next == 0)
		cmd_usage_error(usage, "--from goes with --next");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_ENQUEUE_LONG,
		{ "every", required_argument, NULL, 'E' },
		{ "cron", required_argument, NULL, 'C' },
		{ "name", required_argument, NULL, 'N' },
		{ "replace", no_argument, NULL, 'R' },
		{ "catch-up", required_argument, NULL, 'U' },
		{ "jitter", required_argument, NULL, 'J' },
		{ "at", required_argument, NULL, 'A' },
		{ "in", required_argument, NULL, 'I' },
		{ "next", required_argument, NULL, 'X' },
		{ "from", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_enqueue e = { 0 };
	struct recur_opts r = { 0 };
	char help[4096];
	int opt;

	cmd_init(argv[0]);
	snprintf(help, sizeof help, "%s%s", help_recur, cmd_enqueue_help);
	while ((opt = getopt_long(argc, argv, "+:" CMD_ENQUEUE_SHORT,
	    longopts, NULL)) != -1) {
		if (cmd_enqueue_option(&e, opt, optarg, usage, help))
			continue;
		switch (opt) {
		case 'E': r.every = optarg; break;
		case 'C': e.spec.cron = optarg; break;
		case 'N':
			if (!job_name_valid(optarg))
				cmd_usage_error(usage, "invalid name: '%s'",
				    optarg);
			e.spec.name = optarg;
			break;
		case 'R': e.spec.replace = 1; break;
		case 'U': r.catchup = optarg; break;
		case 'J': r.jitter = optarg; break;
		case 'A': r.at = optarg; break;
		case 'I': r.in = optarg; break;
		case 'X':
			r.next = (long)cmd_parse_int(usage, "count", optarg, 1,
			    100000);
			break;
		case 'F': r.from = optarg; break;
		default: cmd_bad_option(usage, opt, argv);
		}
	}
	apply(&e, &r);
	if (e.spec.cron || r.next > 0)
		cmd_check_tz();		/* cron and --next are local times */
	/* The name defaults to the handler, checked as one by the finish. */
	if (e.spec.name == NULL && optind < argc)
		e.spec.name = argv[optind];
	cmd_enqueue_finish(&e, argc, argv, usage, r.next > 0);
	if (r.next > 0)
		print_next(&e.spec, &r);
	cmd_enqueue_add(&e);
}
