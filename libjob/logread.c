/*
 * logread.c: reading a job's output log back (job-list -l), a block at a
 * time, so that a log of any size costs little memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"

int
job_log_read(job_store *store, uint64_t id,
    int (*fn)(const void *buf, size_t len, void *arg), void *arg)
{
	char path[4096], buf[65536];
	struct job job;
	ssize_t n;
	int fd, rc;

	if (store == NULL || fn == NULL)
		return JOB_EINVAL;
	if ((rc = job_get(store, id, &job)) != 0)
		return rc;
	job_free_fields(&job);
	if ((rc = job_log_path(store, id, path, sizeof path)) != 0)
		return rc;
	/* No log yet: the job has not run, or its output was pruned. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : errno;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = errno;
			break;
		}
		if ((rc = fn(buf, (size_t)n, arg)) != 0)
			break;
	}
	close(fd);
	return rc;
}
