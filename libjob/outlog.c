/*
 * outlog.c: a job's output log, logs/ID in the store.
 *
 * Each attempt starts with a header line naming the attempt, its start
 * time and its outcome; the outcome is written as "running" at the start
 * (padded to a fixed width) and overwritten in place when the attempt
 * ends, so that the log can be read while the handler runs.  When the
 * log grows past twice its cap it is cut to the newest cap bytes,
 * starting at a line, so a chatty handler cannot fill the disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"

#define OUTCOME_WIDTH 40

static int
write_all(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, buf, n)) == -1) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
write_header(struct job_outlog *log, const char *outcome)
{
	char when[40], line[160];
	int n;

	job_time_format_utc(log->started, when, sizeof when);
	n = snprintf(line, sizeof line, "== attempt %" PRIu32 " at %s: %-*s==\n",
	    log->attempt, when, OUTCOME_WIDTH, outcome);
	if (n < 0 || (size_t)n >= sizeof line)
		return JOB_EINVAL;
	log->header_at = log->size;
	log->size += n;
	return write_all(log->fd, line, (size_t)n);
}

int
job_outlog_open(struct job_outlog *log, const char *dir, uint64_t id,
    uint32_t attempt, job_time_t started)
{
	struct stat sb;

	snprintf(log->path, sizeof log->path, "%s/%s/%" PRIu64, dir,
	    JOB_LOG_DIR, id);
	log->fd = open(log->path, O_WRONLY | O_CREAT | O_CLOEXEC,
	    0600);
	if (log->fd == -1)
		return errno;
	if (fstat(log->fd, &sb) == -1) {
		close(log->fd);
		log->fd = -1;
		return errno;
	}
	/* No O_APPEND: Linux pwrite() would append the header rewrite. */
	if (lseek(log->fd, 0, SEEK_END) == -1) {
		close(log->fd);
		log->fd = -1;
		return errno;
	}
	log->size = sb.st_size;
	log->attempt = attempt;
	log->started = started;
	return write_header(log, "running");
}

/* Cuts the log to its newest JOB_LOG_CAP bytes. */
static int
trim(struct job_outlog *log)
{
	char tmp[4200], *buf, *start;
	off_t keep = JOB_LOG_CAP;
	int in, out, rc = 0;
	ssize_t r;

	if ((in = open(log->path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	if ((buf = malloc((size_t)keep)) == NULL) {
		close(in);
		return ENOMEM;
	}
	r = pread(in, buf, (size_t)keep, log->size - keep);
	close(in);
	if (r <= 0) {
		free(buf);
		return r == 0 ? 0 : errno;
	}
	start = memchr(buf, '\n', (size_t)r);
	start = start ? start + 1 : buf;
	snprintf(tmp, sizeof tmp, "%s.tmp", log->path);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out == -1)
		rc = errno;
	else {
		static const char cut[] = "== earlier output dropped ==\n";

		rc = write_all(out, cut, sizeof cut - 1);
		if (rc == 0)
			rc = write_all(out, start, (size_t)(buf + r - start));
		if (rc == 0 && rename(tmp, log->path) == -1)
			rc = errno;
		if (rc) {
			close(out);
			unlink(tmp);
		} else {
			off_t from = log->size - r + (start - buf);

			close(log->fd);
			log->fd = out;
			log->size = (off_t)(sizeof cut - 1) + (buf + r - start);
			/* Keep track of the header if it survived the cut. */
			log->header_at = log->header_at >= from ?
			    log->header_at - from + (off_t)(sizeof cut - 1) : -1;
		}
	}
	free(buf);
	return rc;
}

int
job_outlog_write(struct job_outlog *log, const char *buf, size_t n)
{
	int rc;

	if (log->fd == -1)
		return 0;
	if ((rc = write_all(log->fd, buf, n)) != 0)
		return rc;
	log->size += (off_t)n;
	if (log->size > 2 * JOB_LOG_CAP)
		return trim(log);
	return 0;
}

void
job_outlog_close(struct job_outlog *log, const char *outcome)
{
	char line[160];
	char when[40];
	int n;

	if (log->fd == -1)
		return;
	job_time_format_utc(log->started, when, sizeof when);
	n = snprintf(line, sizeof line, "== attempt %" PRIu32 " at %s: %-*s==\n",
	    log->attempt, when, OUTCOME_WIDTH, outcome);
	if (log->header_at >= 0 && n > 0 && (size_t)n < sizeof line)
		(void)!pwrite(log->fd, line, (size_t)n, log->header_at);
	else if (n > 0 && (size_t)n < sizeof line)
		(void)!write(log->fd, line, (size_t)n);
	close(log->fd);
	log->fd = -1;
}

void
job_log_remove(const char *dir, uint64_t id)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s/%" PRIu64, dir, JOB_LOG_DIR, id);
	unlink(path);
}
