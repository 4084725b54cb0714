/*
 * outlog.c: a job's output log, logs/ID in the store.
 *
 * Each attempt starts with a header line naming the attempt, its start
 * time and its outcome; the outcome is written as "running" at the start
 * (padded to a fixed width) and overwritten in place when the attempt
 * ends, so that the log can be read while the handler runs.  Processes
 * the handler left behind may write on after that, until the log is
 * closed; a cut log keeps the outcome in the header it writes again.
 * When the log grows past twice its cap it is cut to the newest cap
 * bytes, starting at a line, so a chatty handler cannot fill the disk.
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

#define OUTCOME_WIDTH 64

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

/*
 * The outcome as the header shows it: with a note when output was lost,
 * and never wider than the header's room, so that rewriting the header
 * in place overwrites no output (and, on a full disk, needs no block).
 */
static void
header_outcome(const struct job_outlog *log, const char *outcome,
    char *buf)
{
	int n = snprintf(buf, OUTCOME_WIDTH + 1, "%s", outcome);

	if (log->error == 0 || strcmp(outcome, "running") == 0)
		return;
	n = snprintf(buf, OUTCOME_WIDTH + 1, "%s; %s: %s", outcome,
	    JOB_LOG_INCOMPLETE, job_strerror(log->error));
	if (n > OUTCOME_WIDTH)
		snprintf(buf, OUTCOME_WIDTH + 1, "%s; %s", outcome,
		    JOB_LOG_INCOMPLETE);
}

/* Formats the header line of the current attempt into line. */
static size_t
header_line(const struct job_outlog *log, const char *outcome, char *line,
    size_t size)
{
	char when[40], text[OUTCOME_WIDTH + 1];
	int n;

	job_time_format_utc(log->started, when, sizeof when);
	header_outcome(log, outcome, text);
	n = snprintf(line, size, "== attempt %" PRIu32 " at %s: %-*s==\n",
	    log->attempt, when, OUTCOME_WIDTH, text);
	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

/* Writes the attempt's header at the end of fd, noting where it is. */
static int
write_header(struct job_outlog *log, int fd)
{
	char line[160];
	size_t n = header_line(log, log->outcome, line, sizeof line);

	if (n == 0)
		return JOB_EINVAL;
	log->header_at = log->size;
	log->size += (off_t)n;
	return write_all(fd, line, n);
}

int
job_outlog_open(struct job_outlog *log, const char *dir, uint64_t id,
    uint32_t attempt, job_time_t started)
{
	struct stat sb;

	log->error = 0;
	snprintf(log->path, sizeof log->path, "%s/%s/%" PRIu64, dir,
	    JOB_LOG_DIR, id);
	log->fd = open(log->path, O_WRONLY | O_CREAT | O_CLOEXEC,
	    0600);
	/* No O_APPEND: Linux pwrite() would append the header rewrite. */
	if (log->fd == -1 || fstat(log->fd, &sb) == -1 ||
	    lseek(log->fd, 0, SEEK_END) == -1) {
		log->error = errno;
		if (log->fd != -1)
			close(log->fd);
		log->fd = -1;
		return log->error;
	}
	log->size = sb.st_size;
	log->attempt = attempt;
	log->started = started;
	snprintf(log->outcome, sizeof log->outcome, "running");
	/* A header that did not fit: its output is dropped, and noted. */
	if ((log->error = write_header(log, log->fd)) != 0)
		log->size = sb.st_size;
	return 0;
}

/*
 * Reads the newest JOB_LOG_CAP bytes of the log into *buf, from the
 * start of a line; *from is their offset in the log.
 */
static int
read_tail(struct job_outlog *log, char **buf, size_t *len, off_t *from)
{
	char *nl;
	ssize_t r;
	int fd;

	if ((fd = open(log->path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	if ((*buf = malloc((size_t)JOB_LOG_CAP)) == NULL) {
		close(fd);
		return ENOMEM;
	}
	*from = log->size - JOB_LOG_CAP;
	r = pread(fd, *buf, (size_t)JOB_LOG_CAP, *from);
	close(fd);
	if (r < 0)
		return errno;
	nl = memchr(*buf, '\n', (size_t)r);
	*len = nl ? (size_t)(*buf + r - (nl + 1)) : (size_t)r;
	if (nl) {
		*from += nl + 1 - *buf;
		memmove(*buf, nl + 1, *len);
	}
	return 0;
}

/*
 * Writes the cut log: a mark, the current attempt's header if the cut
 * dropped it (so that its output stays headed by it), then the tail.
 */
static int
write_cut(struct job_outlog *log, int out, const char *tail, size_t len,
    off_t from)
{
	static const char cut[] = "== earlier output dropped ==\n";
	off_t header_at = log->header_at;
	int rc;

	log->size = 0;
	if ((rc = write_all(out, cut, sizeof cut - 1)) != 0)
		return rc;
	log->size = sizeof cut - 1;
	if (header_at >= from)
		log->header_at = header_at - from + log->size;
	else if ((rc = write_header(log, out)) != 0)
		return rc;
	log->size += (off_t)len;
	return write_all(out, tail, len);
}

/* Cuts the log to its newest JOB_LOG_CAP bytes, in a new file. */
static int
trim(struct job_outlog *log)
{
	char tmp[4200], *tail = NULL;
	size_t len = 0;
	off_t from = 0;
	int out, rc;

	if ((rc = read_tail(log, &tail, &len, &from)) != 0) {
		free(tail);
		return rc;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp", log->path);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out == -1)
		rc = errno;
	else if ((rc = write_cut(log, out, tail, len, from)) == 0 &&
	    rename(tmp, log->path) == -1)
		rc = errno;
	free(tail);
	if (rc) {
		if (out != -1)
			close(out);
		unlink(tmp);
		return rc;
	}
	close(log->fd);
	log->fd = out;
	return 0;
}

int
job_outlog_write(struct job_outlog *log, const char *buf, size_t n)
{
	int rc;

	if (log->fd == -1 || log->error)
		return 0;
	if ((rc = write_all(log->fd, buf, n)) != 0) {
		log->error = rc;	/* dropped from here on: a cut, noted */
		return rc;
	}
	log->size += (off_t)n;
	if (log->size > 2 * JOB_LOG_CAP)
		return trim(log);
	return 0;
}

/* Writes the header again, in place, with log->outcome. */
static void
rewrite_header(struct job_outlog *log)
{
	char line[160];
	size_t n = header_line(log, log->outcome, line, sizeof line);

	if (n > 0)
		(void)!pwrite(log->fd, line, n, log->header_at);
}

void
job_outlog_end(struct job_outlog *log, const char *outcome)
{
	if (log->fd == -1)
		return;
	snprintf(log->outcome, sizeof log->outcome, "%s", outcome);
	rewrite_header(log);
}

void
job_outlog_close(struct job_outlog *log, const char *outcome)
{
	if (log->fd == -1)
		return;
	if (outcome)
		job_outlog_end(log, outcome);
	else if (log->error)
		rewrite_header(log);	/* leftovers' output was lost: noted */
	close(log->fd);
	log->fd = -1;
}

int
job_outlog_alone(const struct job_outlog *log)
{
	struct stat sb;

	if (log->fd == -1 || fstat(log->fd, &sb) == -1)
		return 0;
	return sb.st_nlink > 0 && sb.st_size == log->size;
}

void
job_log_remove(const char *dir, uint64_t id)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s/%" PRIu64, dir, JOB_LOG_DIR, id);
	unlink(path);
}
