/*
 * json.c: a job as one line of JSON.
 */
#include <inttypes.h>
#include <string.h>

#include "format.h"

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

void
fmt_json_string(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;

	putc('"', f);
	for (size_t i = 0; i < n; i += len) {
		len = utf8_len(s + i, n - i);
		if (len == 0) {
			fprintf(f, "\\udc%02x", s[i]);
			len = 1;
		} else if (s[i] == '"' || s[i] == '\\')
			fprintf(f, "\\%c", s[i]);
		else if (s[i] == '\n')
			fputs("\\n", f);
		else if (s[i] == '\t')
			fputs("\\t", f);
		else if (s[i] < 0x20 || s[i] == 0x7f)
			fprintf(f, "\\u%04x", s[i]);
		else
			fwrite(s + i, 1, len, f);
	}
	putc('"', f);
}

void
fmt_secs(FILE *f, job_time_t d)
{
	if (d % JOB_NSEC == 0)
		fprintf(f, "%" PRId64, d / JOB_NSEC);
	else
		fprintf(f, "%.9g", (double)d / JOB_NSEC);
}

struct json {
	FILE *f;
	const struct job *job;
	int n;
};

static void
json_args(FILE *f, const struct job *job)
{
	putc('[', f);
	for (size_t i = 0; i < job->nargs; i++) {
		if (i)
			putc(',', f);
		fmt_json_string(f, job->args[i], strlen(job->args[i]));
	}
	putc(']', f);
}

static void
json_field(void *ctx, const char *name, const struct fmt_value *v)
{
	struct json *j = ctx;
	char buf[64];

	fprintf(j->f, "%s\"%s\":", j->n++ ? "," : "{", name);
	switch (v->type) {
	case FMT_NULL:
		fputs("null", j->f);
		break;
	case FMT_STR:
		fmt_json_string(j->f, v->s, strlen(v->s));
		break;
	case FMT_INT:
		fprintf(j->f, "%" PRId64, v->n);
		break;
	case FMT_TIME:
		job_time_format_utc(v->n, buf, sizeof buf);
		fprintf(j->f, "\"%s\"", buf);
		break;
	case FMT_SECS:
		fmt_secs(j->f, v->n);
		break;
	case FMT_ARGS:
		json_args(j->f, j->job);
		break;
	}
}

void
fmt_json(FILE *f, const struct job *job)
{
	struct json j = { f, job, 0 };

	fmt_fields(job, json_field, &j);
	fputs("}\n", f);
}
