/*
 * buf.c: a growable byte buffer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"

int
buf_grow(struct buf *b, size_t n)
{
	size_t size = b->size ? b->size : 256;
	char *s;

	if (n > SIZE_MAX - b->len)
		return ENOMEM;
	/* Doubling keeps appends linear overall. */
	while (size - b->len < n)
		size = size > SIZE_MAX / 2 ? SIZE_MAX : size * 2;
	if ((s = realloc(b->s, size)) == NULL)
		return ENOMEM;
	b->s = s;
	b->size = size;
	return 0;
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->size = 0;
}
