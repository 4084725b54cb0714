/*
 * pickup.c: enqueue-to-start latency.  Adds N jobs of the "stamp"
 * handler through libjob, one at a time, each once the previous one has
 * started, and prints for each "ID ENQUEUE_NS" (the time just before
 * job_add(), which commits durably); stamp records the start.
 *
 * usage: pickup STORE STAMPFILE N
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "job.h"

/* Waits (with a deadline) until the stamp file has `lines` lines. */
static int
wait_lines(const char *path, long lines)
{
	struct timespec pause = { 0, 200000 };
	long n;
	int c;

	for (int tries = 0; tries < 50000; tries++) {
		FILE *f = fopen(path, "r");

		n = 0;
		if (f) {
			while ((c = getc(f)) != EOF)
				n += c == '\n';
			fclose(f);
		}
		if (n >= lines)
			return 0;
		nanosleep(&pause, NULL);
	}
	return -1;
}

int
main(int argc, char **argv)
{
	char *args[1];
	struct job_spec spec = { .handler = "stamp", .args = args, .nargs = 1 };
	job_store *store;
	job_time_t t0;
	uint64_t id;
	long n;
	int rc;

	if (argc != 4)
		return fprintf(stderr, "usage: pickup store stampfile n\n"), 2;
	args[0] = argv[2];
	n = atol(argv[3]);
	if ((rc = job_store_open(&store, argv[1], JOB_STORE_CREATE)) != 0)
		return fprintf(stderr, "pickup: %s\n", job_strerror(rc)), 1;
	for (long i = 0; i < n; i++) {
		t0 = job_now();
		if ((rc = job_add(store, &spec, &id, NULL)) != 0)
			return fprintf(stderr, "pickup: %s\n",
			    job_strerror(rc)), 1;
		printf("%" PRIu64 " %" PRId64 "\n", id, t0);
		if (wait_lines(argv[2], i + 1) != 0)
			return fprintf(stderr, "pickup: job %" PRIu64
			    " did not start\n", id), 1;
	}
	job_store_close(store);
	return 0;
}
