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

/*
 * One table line; fmt_table_header() for the header.  The columns have
 * fixed widths: a longer text is cut, with a mark, but not a number nor
 * the last column, the args.
 */
void fmt_table(FILE *f, const struct job *job);
void fmt_table_header(FILE *f);

/* The full record, "field: value" per line. */
void fmt_detail(FILE *f, const struct job *job);

/*
 * Writes bytes as a JSON string for a reader on a terminal: what
 * fmt_shown_len() passes as is, every other character as \uXXXX, every
 * byte that is not UTF-8 as a lone surrogate \udc80-\udcff, as Python's
 * surrogateescape does, so that the original bytes can be recovered.
 */
void fmt_json_string(FILE *f, const char *s, size_t n);

/*
 * From now on, shows text as the locale (LC_CTYPE, from the environment)
 * allows: under UTF-8, printable characters as they are.
 */
void fmt_use_locale(void);

/*
 * Returns the length of the character at s (n > 0 bytes left) if a
 * terminal may be given it as is, else 0 (its bytes are to be escaped):
 * printable ASCII; under a UTF-8 locale, also a valid UTF-8 character
 * that the locale finds printable, and that neither looks blank nor is
 * invisible (a bidirectional control could reorder what is shown).
 */
size_t fmt_shown_len(const unsigned char *s, size_t n);

/*
 * Returns the length of the valid UTF-8 sequence at s (n > 0 bytes left)
 * and sets *c to its code point, or returns 0 if the bytes there are not
 * one (overlong, a surrogate, past U+10FFFF, cut short).
 */
static inline size_t
fmt_utf8_char(const unsigned char *s, size_t n, uint32_t *c)
{
	size_t len;

	if (s[0] < 0x80)
		return *c = s[0], 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, *c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, *c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, *c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*c = *c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && *c < 0x800) || (len == 4 && *c < 0x10000) ||
	    *c > 0x10ffff || (*c >= 0xd800 && *c <= 0xdfff))
		return 0;
	return len;
}

#endif
