/*
 * codec.h: CBOR encoding of job records.  The only module that sees
 * libcbor.
 */
#ifndef JOB_CODEC_H
#define JOB_CODEC_H

#include <stddef.h>

#include "job.h"

/*
 * Is job's payload kept apart from its record (in the store's payloads,
 * not loaded): has one of some bytes, but not the bytes?  A record
 * written before payloads were kept apart holds its payload inline.
 */
static inline int
job_payload_apart(const struct job *job)
{
	return job->has_payload && job->payload == NULL &&
	    job->payload_len > 0;
}

/*
 * Encodes job into a malloc'd buffer *buf of *len bytes.  Returns 0 or
 * ENOMEM.
 */
int job_encode(const struct job *job, unsigned char **buf, size_t *len);

/* A buffer that one encoding after another reuses: start it zeroed. */
struct job_buf {
	unsigned char	*p;
	size_t		 len, cap;
};

/*
 * Encodes job into b, replacing what b held and growing it as needed:
 * the record is b->p[0 .. b->len).  Returns 0 or ENOMEM; b stays the
 * caller's to free (free(b->p)) either way.
 */
int job_encode_buf(const struct job *job, struct job_buf *b);

/*
 * Decodes len bytes into *job (which the caller has job_init'ed; on
 * success it owns new allocations, on failure it is left initialised).
 * Rejects truncated, malformed, oversized or mistyped input with
 * JOB_ECORRUPT, a record of a newer schema it cannot read with
 * JOB_ESCHEMA; ignores unknown fields.  Returns 0 or one of those or
 * ENOMEM.
 */
int job_decode(const unsigned char *buf, size_t len, struct job *job);

#endif
