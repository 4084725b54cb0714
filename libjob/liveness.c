/*
 * liveness.c: is an executor alive?  Each executor holds an exclusive
 * flock(2) on run/TOKEN for its whole life.  The kernel drops the lock
 * when the process dies, however it dies, so a lock that can be taken
 * means a dead owner; unlike a PID, a token is never reused.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "exec.h"

static int
lock_path(const char *dir, uint64_t token, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "%s/%s/%016" PRIx64, dir, JOB_RUN_DIR, token);
	return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}

int
job_liveness_acquire(const char *dir, uint64_t token, int *fd)
{
	char path[4096];
	int rc;

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
	if (!alive)
		unlink(path);
	close(fd);
	return alive;
}
