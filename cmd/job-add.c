/*
 * job-add: enqueue a job to run as soon as possible, or with --each one
 * job per line (or NUL-terminated item) of stdin, all in one
 * transaction.  Prints each job's id.
 */
#include <limits.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char usage[] =
    "usage: job-add [-f] [-d dir] [-H dir] [-i file] [-k key] [-p priority]\n"
    "               [-q queue] [-r retries] [-t timeout] handler [arg ...]\n"
    "       job-add --each [-0] [options] handler [arg ...]";

static const char help_each[] =
    "      --each             one job per line of stdin, appended as last arg\n"
    "  -0, --null             with --each: items end with NUL, not newline\n";

struct items {
	char *buf;
	char **item;
	size_t n;
};

/* Splits stdin into items, skipping empty ones. */
static void
read_items(struct items *it, int sep)
{
	unsigned char *data;
	size_t len = cmd_read_file("-", &data), cap = 0;
	char *p, *end, *e;

	/* Room for the terminator of a last item without a separator. */
	if ((data = realloc(data, len + 1)) == NULL)
		cmd_die(EXIT_CANNOT, "out of memory");
	data[len] = (unsigned char)sep;
	it->buf = (char *)data;
	it->item = NULL;
	it->n = 0;
	end = it->buf + len;
	for (p = it->buf; p <= end; p = e + 1) {
		/* Found by end at the latest. */
		e = memchr(p, sep, (size_t)(end - p) + 1);
		*e = 0;
		if (e == p)
			continue;
		if (it->n == cap) {
			cap = cap ? cap * 2 : 1024;
			it->item = realloc(it->item, cap * sizeof *it->item);
			if (it->item == NULL)
				cmd_die(EXIT_CANNOT, "out of memory");
		}
		it->item[it->n++] = p;
	}
}

/*
 * Prints ids one per line: a million printf calls show in a profile.
 * Stops at a write that fails.
 */
static void
print_ids(const uint64_t *ids, size_t n)
{
	char out[65536], *p = out, digits[20], *d;
	uint64_t v;

	for (size_t i = 0; i < n; i++) {
		if (out + sizeof out - p <= (ptrdiff_t)sizeof digits) {
			fwrite(out, 1, (size_t)(p - out), stdout);
			if (cmd_stdout_error())
				return;
			p = out;
		}
		d = digits + sizeof digits;
		v = ids[i];
		do
			*--d = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		memcpy(p, d, (size_t)(digits + sizeof digits - d));
		p += digits + sizeof digits - d;
		*p++ = '\n';
	}
	fwrite(out, 1, (size_t)(p - out), stdout);
}

/*
 * Prints the ids of the n > 0 jobs added, and frees them; if that fails,
 * says which jobs are in the store all the same.
 */
static void
report_ids(const struct cmd_enqueue *e, uint64_t *ids, size_t n)
{
	uint64_t first = ids[0], last = ids[n - 1];
	int rc;

	cmd_sigpipe(1);
	print_ids(ids, n);
	free(ids);
	/* With a key, the job may have been there before. */
	if ((rc = cmd_stdout_close()) != 0)
		cmd_ids_unwritten(first, last, e->spec.key ? -1 : 0, rc);
}

/* Adds one job per item, in one transaction, and prints their ids. */
static void
add_each(struct cmd_enqueue *e, int sep)
{
	struct items it;
	uint64_t *ids;
	job_store *store;
	int rc;

	read_items(&it, sep);
#ifdef M_TRIM_THRESHOLD
	/*
	 * The transaction's pages (100 MB for a million jobs) go back to
	 * malloc when the store closes, and giving them back to the system
	 * 128 kB at a time, as glibc does, costs more than writing them.
	 * The process ends right after: keep them.
	 */
	mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
	if ((ids = calloc(it.n + 1, sizeof *ids)) == NULL)
		cmd_die(EXIT_CANNOT, "out of memory");
	store = it.n ? cmd_store_open(e->db, 1) : NULL;
	rc = it.n ? job_add_each(store, &e->spec, it.item, it.n, ids) : 0;
	job_store_close(store);
	free(it.item);
	free(it.buf);
	if (rc || it.n == 0)
		free(ids);
	if (rc)
		cmd_die(EXIT_CANNOT, "cannot add jobs: %s", job_strerror(rc));
	if (it.n > 0)
		report_ids(e, ids, it.n);
	else
		cmd_close_stdout();
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_ENQUEUE_LONG,
		{ "each", no_argument, NULL, 'E' },
		{ "null", no_argument, NULL, '0' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_enqueue e = { 0 };
	char help[2048];
	int opt, each = 0, sep = '\n';

	cmd_init(argv[0]);
	snprintf(help, sizeof help, "%s%s", cmd_enqueue_help, help_each);
	while ((opt = getopt_long(argc, argv, "+:" CMD_ENQUEUE_SHORT "0",
	    longopts, NULL)) != -1) {
		if (cmd_enqueue_option(&e, opt, optarg, usage, help))
			continue;
		if (opt == 'E')
			each = 1;
		else if (opt == '0')
			sep = 0;
		else
			cmd_bad_option(usage, opt, argv);
	}
	if (sep == 0 && !each)
		cmd_usage_error(usage, "-0 goes with --each");
	if (each && e.input && strcmp(e.input, "-") == 0)
		cmd_usage_error(usage, "--each reads the items from stdin: "
		    "-i - cannot read the payload from it too");
	cmd_enqueue_finish(&e, argc, argv, usage, 0);
	if (!each)
		cmd_enqueue_add(&e);
	add_each(&e, sep);
	cmd_enqueue_free(&e);
	return 0;
}
