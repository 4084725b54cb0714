/*
 * job-rm: remove jobs by id, a recurring job by name, finished jobs by
 * state and age, or every pending job.  A running job is refused unless
 * -f, which has its executor stop the handler.
 */
#include <inttypes.h>
#include <string.h>

#include "common.h"

static const char usage[] =
    "usage: job-rm [-f] [-d dir] id ...\n"
    "       job-rm [-f] [-d dir] --name name\n"
    "       job-rm [-d dir] --state pending\n"
    "       job-rm [-d dir] --state done|failed [--older-than duration]";

static const char help[] =
    "  -f, --force            remove running jobs too, stopping them\n"
    "      --name NAME        remove the recurring job NAME\n"
    "      --state STATE      remove every pending, done or failed job\n"
    "      --older-than D     with --state done|failed: only those\n"
    "                         finished D ago\n"
    "  -d, --db DIR           store directory\n"
    "  -h, --help             this help\n"
    "  -V, --version          version\n";

static int
remove_one(job_store *store, uint64_t id, int force)
{
	int rc = store ? job_remove(store, id, force) : JOB_ENOJOB;

	if (rc == JOB_ERUNNING)
		cmd_warn("job %" PRIu64 " is running (-f to stop and remove "
		    "it)", id);
	else if (rc)
		cmd_warn("job %" PRIu64 ": %s", id, job_strerror(rc));
	return rc != 0;
}

static int
remove_ids(job_store *store, char **ids, int n, int force)
{
	uint64_t id;
	int ok, bad = 0;

	for (int i = 0; i < n; i++) {
		cmd_parse_id(ids[i], &ok);
		if (!ok)
			cmd_usage_error(usage, "invalid job id: '%s'", ids[i]);
	}
	for (int i = 0; i < n; i++) {
		id = cmd_parse_id(ids[i], &ok);
		bad |= remove_one(store, id, force);
	}
	return bad;
}

static int
remove_name(job_store *store, const char *name, int force)
{
	uint64_t id;
	int rc = store ? job_find_name(store, name, &id) : JOB_ENOJOB;

	if (rc) {
		cmd_warn("recurring job '%s': %s", name, job_strerror(rc));
		return 1;
	}
	return remove_one(store, id, force);
}

/* Removes the jobs in state and prints how many, alone on a line. */
static int
remove_state(job_store *store, int state, job_time_t older)
{
	uint64_t n = 0;
	int rc = 0;

	if (store && state == JOB_PENDING)
		rc = job_remove_pending(store, &n);
	else if (store)
		rc = job_remove_finished(store, state, job_now() - older, &n);
	if (rc) {
		cmd_warn("%s", job_strerror(rc));
		return 1;
	}
	printf("%" PRIu64 "\n", n);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 's' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *name = NULL, *state = NULL, *older = NULL;
	job_time_t age = 0;
	int opt, force = 0, st = -1, modes, status;
	job_store *store;

	cmd_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "+:fd:hV", longopts, NULL)) !=
	    -1)
		switch (opt) {
		case 'f': force = 1; break;
		case 'n': name = optarg; break;
		case 's': state = optarg; break;
		case 'o': older = optarg; break;
		case 'd': db = optarg; break;
		case 'h': cmd_help(usage, help);
		case 'V': cmd_version();
		default: cmd_bad_option(usage, opt, argv);
		}
	modes = (name != NULL) + (state != NULL) + (optind < argc);
	if (modes != 1)
		cmd_usage_error(usage, modes ? "give ids, --name or --state, "
		    "one of them" : "nothing to remove");
	if (state && (job_state_parse(state, &st) != 0 || st == JOB_RUNNING))
		cmd_usage_error(usage, "invalid --state '%s' (pending, done "
		    "or failed)", state);
	if (older && st != JOB_DONE && st != JOB_FAILED)
		cmd_usage_error(usage, "--older-than goes with --state done "
		    "or failed");
	if (older)
		age = cmd_parse_duration(usage, "age", older);
	if (name && !job_name_valid(name))
		cmd_usage_error(usage, "invalid name: '%s'", name);
	store = cmd_store_open(db, 0);
	if (name)
		status = remove_name(store, name, force);
	else if (state)
		status = remove_state(store, st, age);
	else
		status = remove_ids(store, argv + optind, argc - optind, force);
	job_store_close(store);
	cmd_close_stdout();
	return status ? EXIT_CANNOT : 0;
}
