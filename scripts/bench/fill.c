/*
 * fill.c: puts N pending jobs in a store, each scheduled a century ahead
 * so that no executor touches them, through job_add_many() in
 * transactions of up to 100,000 jobs.  It gives the scale figures a full
 * store without N durable commits.
 *
 * usage: fill STORE N
 */
#include <stdio.h>
#include <stdlib.h>

#include "job.h"

#define BATCH 100000

int
main(int argc, char **argv)
{
	static struct job_spec specs[BATCH];
	static uint64_t ids[BATCH];
	static char nums[BATCH][24];
	static char *args[BATCH][1];
	job_store *store;
	long n, done, k;
	int rc;

	if (argc != 3)
		return fprintf(stderr, "usage: fill store n\n"), 2;
	n = atol(argv[2]);
	if ((rc = job_store_open(&store, argv[1], JOB_STORE_CREATE)) != 0)
		return fprintf(stderr, "fill: %s\n", job_strerror(rc)), 1;
	for (done = 0; done < n; done += k) {
		k = n - done < BATCH ? n - done : BATCH;
		for (long i = 0; i < k; i++) {
			snprintf(nums[i], sizeof nums[i], "%ld", done + i + 1);
			args[i][0] = nums[i];
			specs[i] = (struct job_spec){ .handler = "true",
			    .args = args[i], .nargs = 1, .has_run_at = 1,
			    .run_at = job_now() + 100LL * 365 * 86400 *
			    JOB_NSEC };
		}
		if ((rc = job_add_many(store, specs, (size_t)k, ids)) != 0)
			return fprintf(stderr, "fill: %s\n",
			    job_strerror(rc)), 1;
	}
	job_store_close(store);
	return 0;
}
