/*
 * format.h: how job-list shows a job: JSON Lines, a table line, or one
 * "field: value" line per field.
 */
#ifndef JOB_CMD_FORMAT_H
#define JOB_CMD_FORMAT_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "job.h"

/* The kinds of value a field has. */
enum { FMT_NULL, FMT_STR, FMT_INT, FMT_TIME, FMT_SECS, FMT_ARGS };

struct fmt_value {
	int type;
	const char *s;		/* FMT_STR */
	int64_t n;		/* FMT_INT, FMT_TIME and FMT_SECS (ns) */
};

typedef void fmt_emit_fn(void *ctx, const char *name,
    const struct fmt_value *v);

/* Calls emit for each field of job, in order (FMT_ARGS: job's args). */
void fmt_fields(const struct job *job, fmt_emit_fn *emit, void *ctx);

/* Writes a duration in seconds, with fractions only when needed. */
void fmt_secs(FILE *f, job_time_t d);

/* Appends job to b as one JSON object on one line; returns 0 or ENOMEM. */
int fmt_json(struct buf *b, const struct job *job);

/* One table line; fmt_table_header() for the header. */
void fmt_table(FILE *f, const struct job *job);
void fmt_table_header(FILE *f);

/* The full record, "field: value" per line. */
void fmt_detail(FILE *f, const struct job *job);

/*
 * Writes bytes as a JSON string: valid UTF-8 as is (escaping what JSON
 * requires), every other byte as a lone surrogate \udc80-\udcff, as
 * Python's surrogateescape does, so that the original bytes can be
 * recovered.
 */
void fmt_json_string(FILE *f, const char *s, size_t n);

#endif
