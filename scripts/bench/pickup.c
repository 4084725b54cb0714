/*
 * pickup.c: enqueue-to-start latency on an idle executor.  Enqueues N
 * jobs one at a time, each once the previous one has started, and prints
 * for each the milliseconds from just before the enqueue to the start
 * that the handler (stamp.c) appended to STAMPS.  One extra job first
 * warms up and is not printed.
 *
 *   pickup lib STORE STAMPS N      job_add() through libjob, which
 *                                  returns once the job is durable
 *   pickup cmd STAMPS N CMD [ARG]  spawns CMD (job-add, tsp, nq, or
 *                                  stamp itself for the floor) per job
 */
#include <inttypes.h>
#include <spawn.h>
#include <sys/wait.h>

#include "bench.h"
#include "job.h"

extern char **environ;

/* Enqueues one job and returns 0, or -1 after saying why. */
static int
enqueue(job_store *store, const char *stamps, char **cmd)
{
	char *args[1] = { (char *)stamps };
	struct job_spec spec = { .handler = "stamp", .args = args, .nargs = 1 };
	posix_spawn_file_actions_t fa;
	uint64_t id;
	pid_t pid;
	int rc;

	if (store != NULL) {
		if ((rc = job_add(store, &spec, &id, NULL)) != 0) {
			fprintf(stderr, "pickup: %s\n", job_strerror(rc));
			return -1;
		}
		return 0;
	}
	/* Enqueueing commands print ids; keep them off our output. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, cmd[0], &fa, NULL, cmd, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "pickup: %s: %s\n", cmd[0], strerror(rc));
		return -1;
	}
	if (waitpid(pid, &rc, 0) == -1 || rc != 0) {
		fprintf(stderr, "pickup: %s failed\n", cmd[0]);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct stamps st;
	job_store *store = NULL;
	const char *stamps;
	char **cmd = NULL;
	long long t0, t1;
	long n;
	int rc;

	if (argc == 5 && strcmp(argv[1], "lib") == 0) {
		stamps = argv[3];
		n = atol(argv[4]);
		rc = job_store_open(&store, argv[2], JOB_STORE_CREATE);
		if (rc != 0)
			return fprintf(stderr, "pickup: %s\n",
			    job_strerror(rc)), 1;
	} else if (argc >= 5 && strcmp(argv[1], "cmd") == 0) {
		stamps = argv[2];
		n = atol(argv[3]);
		cmd = argv + 4;
	} else {
		fprintf(stderr, "usage: pickup lib store stamps n\n"
		    "       pickup cmd stamps n command [arg ...]\n");
		return 2;
	}
	if (stamps_open(&st, stamps) == -1)
		return perror(stamps), 1;
	for (long i = -1; i < n; i++) {
		/*
		 * The command's own exit is waited for (a job-add returns
		 * once durable) but t0 is before it, so a start that comes
		 * first counts from t0 all the same.
		 */
		t0 = now_ns();
		if (enqueue(store, stamps, cmd) == -1)
			return 1;
		if ((t1 = stamps_next(&st, 10000)) == -1)
			return fprintf(stderr, "pickup: job %ld did not start\n",
			    i + 2), 1;
		if (i >= 0)
			printf("%.3f\n", (double)(t1 - t0) / 1e6);
		settle();
	}
	job_store_close(store);
	return 0;
}
