/*
 * feed.c: a handler's stdin, its job's payload, written into a pipe as
 * the handler reads it.
 *
 * The payload stays in the store, apart from the record: the executor
 * writes what the pipe takes straight from the store's pages, a pipe's
 * worth at a time in a short read transaction, and then waits for the
 * pipe to take more (POLLOUT in its loop).  So a payload of any size
 * costs the loop no stall and the executor no copy of it in memory.  A
 * record from before payloads were kept apart holds its payload, which
 * is written from memory the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "exec.h"

/* Fewer turns of the loop for a big payload; the default pipe is 64 KiB. */
#define FEED_PIPE_SIZE (1 << 20)

void
job_feed_init(struct job_feed *f)
{
	f->fd = -1;
	f->id = 0;
	f->mem = NULL;
	f->len = f->off = 0;
}

int
job_feed_open(struct job_feed *f, const struct job *job, int *in)
{
	int p[2];

	job_feed_init(f);
	if (!job->has_payload || job->payload_len == 0) {
		*in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		return *in == -1 ? errno : 0;
	}
	if (pipe2(p, O_CLOEXEC) == -1)
		return errno;
	if (job->payload_len > 65536)
		(void)fcntl(p[1], F_SETPIPE_SZ, FEED_PIPE_SIZE);
	(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
	f->fd = p[1];
	f->id = job->id;
	f->mem = job->payload;		/* NULL: kept apart in the store */
	f->len = job->payload_len;
	*in = p[0];
	return 0;
}

void
job_feed_close(struct job_feed *f)
{
	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
}

/* One write of what the pipe takes; the feed ends at the last byte. */
static int
feed_from(struct job_feed *f, const unsigned char *p, size_t len)
{
	ssize_t w;

	if (len != f->len)
		return JOB_ECORRUPT;
	while ((w = write(f->fd, p + f->off, f->len - f->off)) == -1 &&
	    errno == EINTR)
		;
	if (w == -1)
		return errno == EAGAIN ? 0 : errno;
	f->off += (size_t)w;
	if (f->off == f->len)
		job_feed_close(f);
	return 0;
}

static int
feed_fn(struct store_txn *txn, void *arg)
{
	struct job_feed *f = arg;
	const void *p;
	size_t len;
	int rc;

	/* The record says there is one: a payload gone is a corrupt store. */
	if ((rc = store_payload_get(txn, f->id, &p, &len)) != 0)
		return rc == JOB_ENOJOB ? JOB_ECORRUPT : rc;
	return feed_from(f, p, len);
}

int
job_feed_write(struct job_feed *f, job_store *store)
{
	int rc;

	if (f->fd == -1)
		return 0;
	rc = f->mem ? feed_from(f, f->mem, f->len) :
	    store_read(store->st, feed_fn, f);
	/* A handler that closed its stdin wants no more: not an error. */
	if (rc == EPIPE)
		rc = 0;
	if (rc)
		job_feed_close(f);
	return rc;
}
