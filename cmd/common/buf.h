/*
 * buf.h: a growable byte buffer, for output that is built in memory and
 * written with one call.
 */
#ifndef JOB_CMD_BUF_H
#define JOB_CMD_BUF_H

#include <stddef.h>

struct buf {
	char *s;
	size_t len;		/* bytes written */
	size_t size;		/* bytes allocated */
};

/* Makes room for n more bytes in b; returns 0 or ENOMEM. */
int buf_grow(struct buf *b, size_t n);

/* Frees what b holds and empties it. */
void buf_free(struct buf *b);

/*
 * Returns where the next n bytes go, or NULL if out of memory.  The
 * caller writes up to n bytes there and hands the end to buf_end().
 */
static inline char *
buf_room(struct buf *b, size_t n)
{
	if (b->size - b->len < n && buf_grow(b, n) != 0)
		return NULL;
	return b->s + b->len;
}

/* Marks the bytes up to end (within buf_room()'s) as written. */
static inline void
buf_end(struct buf *b, const char *end)
{
	b->len = (size_t)(end - b->s);
}

#endif
