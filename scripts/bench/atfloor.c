/*
 * atfloor.c: the floor of starting a process at a given time, as job-run
 * does for a scheduled job: a child forked ahead of the time sleeps until
 * it (clock_nanosleep on CLOCK_REALTIME, absolute) and execs the handler.
 * Reads "ID NANOSECONDS" lines on stdin, in time order, and starts
 * HANDLER FILE for each with JOB_ID=ID, one at a time.
 *
 * usage: atfloor HANDLER FILE < times
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define AHEAD_NS 20000000LL	/* as job-run: fork 20 ms ahead */

static void
sleep_until(long long ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

static void
start_at(const char *handler, const char *file, const char *id, long long at)
{
	char *argv[] = { (char *)handler, (char *)file, NULL };
	pid_t pid;

	sleep_until(at - AHEAD_NS);
	if ((pid = fork()) == -1) {
		perror("atfloor: fork");
		exit(1);
	}
	if (pid == 0) {
		prctl(PR_SET_TIMERSLACK, 1UL);
		setenv("JOB_ID", id, 1);
		sleep_until(at);
		execv(handler, argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

int
main(int argc, char **argv)
{
	char id[32];
	long long at;

	if (argc != 3) {
		fprintf(stderr, "usage: atfloor HANDLER FILE < times\n");
		return 2;
	}
	while (scanf("%31s %lld", id, &at) == 2)
		start_at(argv[1], argv[2], id, at);
	return 0;
}
