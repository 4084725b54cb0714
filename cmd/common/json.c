/*
 * json.c: a job as one line of JSON.
 *
 * The line is built by hand in a buffer that the caller writes at once:
 * with a printf or putc per value, stdio took four fifths of the time of
 * job-list --json.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "format.h"

/* Room for any value but a string: an int64_t, a quoted time, "%.9g". */
#define SCALAR_MAX 32

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t c;

	return fmt_utf8_char(s, n, &c);
}

/*
 * Length of the run at s that a JSON string holds as is: printable ASCII
 * but '"' and '\\', and valid UTF-8.
 */
static size_t
plain_run(const unsigned char *s, size_t n)
{
	size_t i = 0, len;

	while (i < n) {
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			if (s[i] == '"' || s[i] == '\\')
				break;
			i++;
		} else if (s[i] >= 0x80 && (len = utf8_len(s + i, n - i)) > 0)
			i += len;
		else
			break;
	}
	return i;
}

/*
 * Writes the escape of byte c, one that ends a plain run, to out (6 bytes
 * at most); returns its length.  A byte that is not UTF-8 becomes a lone
 * surrogate \udcXX.
 */
static size_t
escape(char *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	switch (c) {
	case '"':
	case '\\':
		out[1] = (char)c;
		return 2;
	case '\n':
		out[1] = 'n';
		return 2;
	case '\t':
		out[1] = 't';
		return 2;
	}
	memcpy(out + 1, c >= 0x80 ? "udc" : "u00", 3);
	out[4] = hex[c >> 4];
	out[5] = hex[c & 0xf];
	return 6;
}

/* Writes code point c as \uXXXX, or as a surrogate pair past U+FFFF. */
static void
put_code_point(FILE *f, uint32_t c)
{
	if (c < 0x10000)
		fprintf(f, "\\u%04x", (unsigned)c);
	else
		fprintf(f, "\\u%04x\\u%04x", 0xd800 + ((c - 0x10000) >> 10),
		    0xdc00 + ((c - 0x10000) & 0x3ff));
}

void
fmt_json_string(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char esc[6];
	uint32_t c;
	size_t len;

	putc('"', f);
	for (; n > 0; s += len, n -= len) {
		len = fmt_shown_len(s, n);
		if (len > 0 && *s != '"' && *s != '\\')
			fwrite(s, 1, len, f);
		else if (*s >= 0x80 && (len = fmt_utf8_char(s, n, &c)) > 0)
			put_code_point(f, c);
		else {
			len = 1;
			fwrite(esc, 1, escape(esc, *s), f);
		}
	}
	putc('"', f);
}

/* Appends s as a JSON string; returns 0 or ENOMEM. */
static int
put_string(struct buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run;
	char *p;

	/* Each byte takes at most 6, as \udcXX. */
	if (n > (SIZE_MAX - 2) / 6 || (p = buf_room(b, 6 * n + 2)) == NULL)
		return ENOMEM;
	*p++ = '"';
	for (;;) {
		run = plain_run(s, n);
		memcpy(p, s, run);
		p += run, s += run, n -= run;
		if (n == 0)
			break;
		p += escape(p, *s);
		s++, n--;
	}
	*p++ = '"';
	buf_end(b, p);
	return 0;
}

/* Writes n in decimal at p; returns the end. */
static char *
put_int(char *p, int64_t n)
{
	char tmp[20], *t = tmp + sizeof tmp;
	uint64_t u = n < 0 ? -(uint64_t)n : (uint64_t)n;
	size_t len;

	do
		*--t = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (n < 0)
		*p++ = '-';
	len = (size_t)(tmp + sizeof tmp - t);
	memcpy(p, t, len);
	return p + len;
}

/* Writes n (0 to 99) as two digits at p; returns the end. */
static char *
put2(char *p, int n)
{
	p[0] = (char)('0' + n / 10);
	p[1] = (char)('0' + n % 10);
	return p + 2;
}

/* The date of day z after 1970-01-01: H. Hinnant's civil_from_days. */
static void
civil(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/*
 * Writes t as job_time_format_utc() does, 2026-12-01T10:00:00Z, without
 * its gmtime_r() and snprintf(); returns the end.  An int64_t of
 * nanoseconds spans the years 1677 to 2262: always four digits.
 */
static char *
put_time(char *p, job_time_t t)
{
	/* Rounded down, so that times before 1970 land in the right second. */
	int64_t s = t / JOB_NSEC - (t % JOB_NSEC < 0);
	int64_t days = s / 86400 - (s % 86400 < 0);
	int sec = (int)(s - days * 86400), y, m, d;

	civil(days, &y, &m, &d);
	p = put2(put2(p, y / 100), y % 100);
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, sec / 3600);
	*p++ = ':';
	p = put2(p, sec / 60 % 60);
	*p++ = ':';
	p = put2(p, sec % 60);
	*p++ = 'Z';
	return p;
}

/* Writes duration d in seconds at p (SCALAR_MAX bytes); returns the end. */
static char *
put_secs(char *p, job_time_t d)
{
	if (d % JOB_NSEC == 0)
		return put_int(p, d / JOB_NSEC);
	/* Fractions are rare: printf keeps their rounding. */
	return p + snprintf(p, SCALAR_MAX, "%.9g", (double)d / JOB_NSEC);
}

void
fmt_secs(FILE *f, job_time_t d)
{
	char buf[SCALAR_MAX];

	fwrite(buf, 1, (size_t)(put_secs(buf, d) - buf), f);
}

/* Writes a value that is not a string at p; returns the end. */
static char *
put_scalar(char *p, const struct fmt_value *v)
{
	switch (v->type) {
	case FMT_INT:
		return put_int(p, v->n);
	case FMT_TIME:
		*p++ = '"';
		p = put_time(p, v->n);
		*p++ = '"';
		return p;
	case FMT_SECS:
		return put_secs(p, v->n);
	default:
		memcpy(p, "null", 4);
		return p + 4;
	}
}

/* Appends byte c; returns 0 or ENOMEM. */
static int
put_char(struct buf *b, char c)
{
	char *p;

	if ((p = buf_room(b, 1)) == NULL)
		return ENOMEM;
	*p = c;
	buf_end(b, p + 1);
	return 0;
}

static int
put_args(struct buf *b, const struct job *job)
{
	if (put_char(b, '[') != 0)
		return ENOMEM;
	for (size_t i = 0; i < job->nargs; i++)
		if ((i > 0 && put_char(b, ',') != 0) ||
		    put_string(b, job->args[i], strlen(job->args[i])) != 0)
			return ENOMEM;
	return put_char(b, ']');
}

struct json {
	struct buf *b;
	const struct job *job;
	int n;			/* fields written */
	int err;
};

static void
json_field(void *ctx, const char *name, const struct fmt_value *v)
{
	struct json *j = ctx;
	size_t len = strlen(name);
	char *p;

	if (j->err)
		return;
	if ((p = buf_room(j->b, len + 4 + SCALAR_MAX)) == NULL) {
		j->err = ENOMEM;
		return;
	}
	*p++ = j->n++ ? ',' : '{';
	*p++ = '"';
	memcpy(p, name, len);
	p += len;
	*p++ = '"';
	*p++ = ':';
	buf_end(j->b, p);
	if (v->type == FMT_STR)
		j->err = put_string(j->b, v->s, strlen(v->s));
	else if (v->type == FMT_ARGS)
		j->err = put_args(j->b, j->job);
	else
		buf_end(j->b, put_scalar(p, v));
}

int
fmt_json(struct buf *b, const struct job *job)
{
	struct json j = { b, job, 0, 0 };
	char *p;

	fmt_fields(job, json_field, &j);
	if (j.err)
		return j.err;
	if ((p = buf_room(b, 2)) == NULL)
		return ENOMEM;
	memcpy(p, "}\n", 2);
	buf_end(b, p + 2);
	return 0;
}
