/*
 * liveness.c: is an executor alive?  Each executor holds an exclusive
 * flock(2) on run/TOKEN for its whole life.  The kernel drops the lock
 * when the process dies, however it dies, so a lock that can be taken
 * means a dead owner; unlike a PID, a token is never reused.
 *
 * The executor's guard (guard.c) shares the lock and keeps it for the
 * moment it takes to kill a dead executor's handlers.  So that a checker
 * does not mistake that moment for life, the file also names the
 * executor's PID and start time: a lock still held whose executor is gone
 * is waited for, briefly, then taken as dead.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"

#define GUARD_WAIT_MS 2000

static int
lock_path(const char *dir, uint64_t token, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "%s/%s/%016" PRIx64, dir, JOB_RUN_DIR, token);
	return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}

/* The start time of a process (clock ticks since boot), or 0. */
static unsigned long long
start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* Field 22, counted after the command name's closing parenthesis. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (int field = 2; *p && field < 22; p++)
		field += *p == ' ';
	sscanf(p, "%llu", &t);
	return t;
}

int
job_liveness_acquire(const char *dir, uint64_t token, int *fd)
{
	char path[4096], who[64];
	int rc, n;

	if ((rc = lock_path(dir, token, path, sizeof path)) != 0)
		return rc;
	/* O_RDWR: its close at death raises IN_CLOSE_WRITE for watchers. */
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd == -1)
		return errno;
	if (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
		rc = errno;
		close(*fd);
		return rc;
	}
	n = snprintf(who, sizeof who, "%d %llu\n", (int)getpid(),
	    start_time(getpid()));
	if (pwrite(*fd, who, (size_t)n, 0) != n) {
		rc = errno ? errno : EIO;
		close(*fd);
		return rc;
	}
	return 0;
}

void
job_liveness_release(const char *dir, uint64_t token, int fd)
{
	char path[4096];

	if (lock_path(dir, token, path, sizeof path) == 0)
		unlink(path);
	close(fd);
}

/* Is the executor named in the lock file still the process it was? */
static int
executor_running(int fd)
{
	char buf[64];
	unsigned long long t;
	ssize_t n;
	int pid;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 1;	/* not written yet: just started */
	buf[n] = 0;
	if (sscanf(buf, "%d %llu", &pid, &t) != 2)
		return 1;
	return start_time(pid) == t;
}

/* Waits for a dead executor's guard to let go of the lock. */
static int
wait_guard(int fd)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < GUARD_WAIT_MS; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		nanosleep(&ms, NULL);
	}
	return 1;
}

int
job_liveness_alive(const char *dir, uint64_t token)
{
	char path[4096];
	int fd, alive;

	if (lock_path(dir, token, path, sizeof path) != 0)
		return 1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno != ENOENT;
	alive = flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	if (alive && !executor_running(fd))
		alive = wait_guard(fd);
	if (!alive)
		unlink(path);
	close(fd);
	return alive;
}
