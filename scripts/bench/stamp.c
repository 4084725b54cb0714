/*
 * stamp.c: a handler for benchmarks that appends "JOB_ID NANOSECONDS"
 * (CLOCK_REALTIME at its start) to the file named by its first argument;
 * the id is "-" when it runs outside job-run (under tsp, nq, or alone).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec ts;
	char line[64];
	const char *id = getenv("JOB_ID") ? getenv("JOB_ID") : "-";
	int fd, n;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (argc < 2)
		return 2;
	n = snprintf(line, sizeof line, "%s %lld\n", id,
	    (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if ((fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0600)) == -1)
		return 1;
	return write(fd, line, (size_t)n) == n ? 0 : 1;
}
