/*
 * example.c: the public C API at work, as a plugin of the original
 * system used worker.add, addAsScheduled and addAsReccurring.  Built and
 * run by `make check` against a fresh store: tests/example DIR.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <job.h>

static int
fail(const char *what, int rc)
{
	fprintf(stderr, "example: %s: %s\n", what, job_strerror(rc));
	return 1;
}

static int
print_job(const struct job *job, void *arg)
{
	(void)arg;
	printf("%" PRIu64 " %s %s %s\n", job->id, job_state_name(job->state),
	    job->handler, job->name ? job->name : "-");
	return 0;
}

int
main(int argc, char **argv)
{
	char *mail_args[] = { "alice@example.org", "Welcome" };
	char *rm_args[] = { "/tmp/upload-42" };
	struct job_spec now = { .handler = "mail.send", .args = mail_args,
		.nargs = 2 };
	struct job_spec later = { .handler = "rm_tmp", .args = rm_args,
		.nargs = 1 };
	struct job_spec again = { .handler = "slivers:expire",
		.name = "slivers:expire", .every = 3600 * JOB_NSEC };
	job_store *store;
	uint64_t id;
	int rc;

	if (argc != 2)
		return fprintf(stderr, "usage: example dir\n"), 2;
	if ((rc = job_store_open(&store, argv[1], JOB_STORE_CREATE)) != 0)
		return fail(argv[1], rc);
	if ((rc = job_add(store, &now, &id, NULL)) != 0)
		return fail("add", rc);
	later.has_run_at = 1;
	later.run_at = job_now() + 2 * 86400 * JOB_NSEC;
	if ((rc = job_add(store, &later, &id, NULL)) != 0)
		return fail("schedule", rc);
	if ((rc = job_add(store, &again, &id, NULL)) != 0)
		return fail("recur", rc);
	if ((rc = job_list(store, NULL, print_job, NULL, NULL)) != 0)
		return fail("list", rc);
	job_store_close(store);
	return 0;
}
