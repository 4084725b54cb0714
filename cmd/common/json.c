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

static void
json_str(FILE *f, const char *name, const char *s)
{
	fprintf(f, ",\"%s\":", name);
	if (s)
		fmt_json_string(f, s, strlen(s));
	else
		fputs("null", f);
}

static void
json_time(FILE *f, const char *name, job_time_t t, int zero_is_null)
{
	char buf[64];

	if (t == 0 && zero_is_null) {
		fprintf(f, ",\"%s\":null", name);
		return;
	}
	job_time_format_utc(t, buf, sizeof buf);
	fprintf(f, ",\"%s\":\"%s\"", name, buf);
}

/* A duration in seconds (with fractions only when needed), or null. */
static void
json_secs(FILE *f, const char *name, job_time_t d)
{
	if (d == 0)
		fprintf(f, ",\"%s\":null", name);
	else if (d % JOB_NSEC == 0)
		fprintf(f, ",\"%s\":%" PRId64, name, d / JOB_NSEC);
	else
		fprintf(f, ",\"%s\":%.9g", name, (double)d / JOB_NSEC);
}

static void
json_num(FILE *f, const char *name, int64_t v, int null)
{
	if (null)
		fprintf(f, ",\"%s\":null", name);
	else
		fprintf(f, ",\"%s\":%" PRId64, name, v);
}

void
fmt_json(FILE *f, const struct job *job)
{
	fprintf(f, "{\"id\":%" PRIu64 ",\"state\":\"%s\"", job->id,
	    job_state_name(job->state));
	json_str(f, "handler", job->handler);
	fputs(",\"args\":[", f);
	for (size_t i = 0; i < job->nargs; i++) {
		if (i)
			putc(',', f);
		fmt_json_string(f, job->args[i], strlen(job->args[i]));
	}
	putc(']', f);
	json_str(f, "queue", job->queue ? job->queue : "default");
	json_num(f, "priority", job->priority, 0);
	json_time(f, "run_at", job->run_at, 0);
	json_time(f, "created_at", job->created_at, 0);
	json_time(f, "started_at", job->started_at, 1);
	json_time(f, "finished_at", job->finished_at, 1);
	json_num(f, "attempts", job->attempts, 0);
	json_num(f, "max_attempts", job->max_attempts, 0);
	json_secs(f, "timeout", job->timeout);
	json_str(f, "key", job->key);
	json_str(f, "name", job->name);
	json_secs(f, "every", job->every);
	json_str(f, "cron", job->cron);
	json_str(f, "catch_up", job->name ?
	    (job->catchup == JOB_CATCHUP_SKIP ? "skip" : "once") : NULL);
	json_secs(f, "jitter", job->jitter);
	json_num(f, "payload_size", (int64_t)job->payload_len,
	    !job->has_payload);
	json_num(f, "last_exit", job->last_exit, job->last_exit < 0);
	json_num(f, "last_signal", job->last_signal, job->last_signal < 0);
	json_str(f, "last_error", job->last_error);
	if (job->name) {
		json_num(f, "runs", (int64_t)job->runs, 0);
		json_num(f, "failures", (int64_t)job->failures, 0);
	}
	fputs("}\n", f);
}
