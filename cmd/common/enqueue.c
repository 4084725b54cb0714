/*
 * enqueue.c: the options and the ending that job-add, job-schedule and
 * job-recur share.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

const char cmd_enqueue_help[] =
    "  -q, --queue NAME       queue (default: default)\n"
    "  -p, --priority N       higher runs first among due jobs (default 0)\n"
    "  -r, --retries N        attempts after a failed one (default 0)\n"
    "  -t, --timeout DURATION kill the handler when exceeded\n"
    "  -k, --key KEY          idempotency key: add nothing if KEY exists\n"
    "  -i, --input FILE       payload for the handler's stdin (- : stdin)\n"
    "  -H, --handlers DIR     handlers directory\n"
    "  -f, --force            enqueue even if the handler is not registered\n"
    "  -d, --db DIR           store directory\n"
    "  -h, --help             this help\n"
    "  -V, --version          version\n";

int
cmd_enqueue_option(struct cmd_enqueue *e, int opt, const char *arg,
    const char *usage, const char *help)
{
	switch (opt) {
	case 'q':
		if (!job_name_valid(arg))
			cmd_usage_error(usage, "invalid queue name: '%s'", arg);
		e->spec.queue = arg;
		return 1;
	case 'p':
		e->spec.priority = cmd_parse_int(usage, "priority", arg,
		    INT32_MIN, INT32_MAX);
		return 1;
	case 'r':
		e->spec.retries = (uint32_t)cmd_parse_int(usage, "retries",
		    arg, 0, 1000000);
		return 1;
	case 't':
		e->spec.timeout = cmd_parse_duration(usage, "timeout", arg);
		return 1;
	case 'k':
		if (*arg == 0)
			cmd_usage_error(usage, "empty key");
		e->spec.key = arg;
		return 1;
	case 'i':
		e->input = arg;
		return 1;
	case 'H':
		if (*arg == 0)
			cmd_usage_error(usage, "empty handlers directory");
		e->handlers = arg;
		return 1;
	case 'f':
		e->force = 1;
		return 1;
	case 'd':
		e->db = arg;
		return 1;
	case 'h':
		cmd_help(usage, help);
	case 'V':
		cmd_version();
	}
	return 0;
}

/*
 * Refuses, as a usage error, a handler the executor would refuse to run:
 * the same check, so that what -f does not force is never a surprise.
 */
static void
check_handler(const struct cmd_enqueue *e, const char *name,
    const char *usage)
{
	char dir[4096], why[8400];
	int rc;

	if ((rc = job_handlers_path(e->handlers, dir, sizeof dir)) != 0)
		cmd_die(EXIT_CANNOT, "cannot locate the handlers: %s",
		    job_strerror(rc));
	if (job_handler_check(dir, name, why, sizeof why) != 0)
		cmd_usage_error(usage, "%s (-f to enqueue anyway)", why);
}

size_t
cmd_read_file(const char *path, unsigned char **buf)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t len = 0, cap = 0, n;
	unsigned char *p = NULL, *q;

	if (f == NULL)
		cmd_die(EXIT_CANNOT, "%s: %s", path, strerror(errno));
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((q = realloc(p, cap)) == NULL)
				cmd_die(EXIT_CANNOT, "%s: %s", path,
				    strerror(ENOMEM));
			p = q;
		}
		n = fread(p + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f))
		cmd_die(EXIT_CANNOT, "%s: %s", path, strerror(errno));
	if (f != stdin)
		fclose(f);
	*buf = p;
	return len;
}

void
cmd_enqueue_finish(struct cmd_enqueue *e, int argc, char **argv,
    const char *usage, int handler_optional)
{
	if (optind >= argc) {
		if (handler_optional)
			return;
		cmd_usage_error(usage, "missing handler");
	}
	e->spec.handler = argv[optind];
	if (!job_name_valid(e->spec.handler))
		cmd_usage_error(usage, "invalid handler name: '%s'",
		    e->spec.handler);
	e->spec.args = argv + optind + 1;
	e->spec.nargs = (size_t)(argc - optind - 1);
	if (!e->force)
		check_handler(e, e->spec.handler, usage);
	if (e->input) {
		e->spec.payload_len = cmd_read_file(e->input, &e->payload);
		e->spec.payload = e->payload;
		e->spec.has_payload = 1;
	}
	cmd_check_spec(usage, &e->spec);
}

void
cmd_enqueue_free(struct cmd_enqueue *e)
{
	free(e->payload);
	e->payload = NULL;
}

void
cmd_enqueue_add(struct cmd_enqueue *e)
{
	job_store *store = cmd_store_open(e->db, 1);
	uint64_t id;
	int rc, existed;

	rc = job_add(store, &e->spec, &id, &existed);
	job_store_close(store);
	cmd_enqueue_free(e);
	if (rc == JOB_ECONFLICT)
		cmd_die(EXIT_CANNOT, "recurring job '%s' exists with another "
		    "definition (id %" PRIu64 "); --replace to update it",
		    e->spec.name, id);
	if (rc)
		cmd_die(EXIT_CANNOT, "cannot add job: %s", job_strerror(rc));
	/* The job is in: a failure to say its id must say so. */
	cmd_sigpipe(1);
	printf("%" PRIu64 "\n", id);
	if ((rc = cmd_stdout_close()) != 0)
		cmd_ids_unwritten(id, id, existed, rc);
	exit(0);
}
