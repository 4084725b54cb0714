/*
 * text.c: a job as a table line or as "field: value" lines.
 */
#include <inttypes.h>
#include <string.h>

#include "format.h"

/* Does s need quoting to read back as one shell word? */
static int
needs_quotes(const char *s)
{
	if (*s == 0)
		return 1;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-./:=@%+,", *s))
			return 1;
	return 0;
}

/*
 * Writes s as one shell word: bare if safe, else in single quotes, with
 * control and non-ASCII bytes as \xNN inside $'...'.
 */
static void
shell_word(FILE *f, const char *s)
{
	int plain = 1;

	if (!needs_quotes(s)) {
		fputs(s, f);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			plain = 0;
	fputs(plain ? "'" : "$'", f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\'')
			fputs(plain ? "'\\''" : "\\'", f);
		else if (!plain && *p == '\\')
			fputs("\\\\", f);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			putc(*p, f);
	}
	putc('\'', f);
}

static void
args_words(FILE *f, const struct job *job)
{
	for (size_t i = 0; i < job->nargs; i++) {
		if (i)
			putc(' ', f);
		shell_word(f, job->args[i]);
	}
}

/* The time the table shows: next run, start, or finish. */
static job_time_t
shown_time(const struct job *job)
{
	switch (job->state) {
	case JOB_RUNNING:
		return job->started_at;
	case JOB_PENDING:
		return job->run_at;
	default:
		return job->finished_at;
	}
}

static void
schedule(const struct job *job, char *buf, size_t size)
{
	char d[64];

	if (job->name == NULL) {
		snprintf(buf, size, "-");
		return;
	}
	if (job->cron)
		snprintf(buf, size, "%s(cron %s)", job->name, job->cron);
	else {
		job_duration_format(job->every, d, sizeof d);
		snprintf(buf, size, "%s(every %s)", job->name, d);
	}
}

void
fmt_table_header(FILE *f)
{
	fprintf(f, "%-6s %-7s %-10s %4s %-25s %-8s %-16s %-20s %s\n", "ID",
	    "STATE", "QUEUE", "PRI", "TIME", "ATTEMPTS", "HANDLER",
	    "NAME/SCHEDULE", "ARGS");
}

void
fmt_table(FILE *f, const struct job *job)
{
	char when[64], tries[32], sched[512];
	job_time_t t = shown_time(job);

	if (t)
		job_time_format_local(t, when, sizeof when);
	else
		snprintf(when, sizeof when, "-");
	snprintf(tries, sizeof tries, "%" PRIu32 "/%" PRIu32, job->attempts,
	    job->max_attempts);
	schedule(job, sched, sizeof sched);
	fprintf(f, "%-6" PRIu64 " %-7s %-10s %4" PRId64 " %-25s %-8s %-16s "
	    "%-20s ", job->id, job_state_name(job->state),
	    job->queue ? job->queue : "default", job->priority, when, tries,
	    job->handler, sched);
	args_words(f, job);
	putc('\n', f);
}

/* Plain text shows as is; anything that could mislead is quoted. */
static int
plain_text(const char *s)
{
	if (*s == 0 || strcmp(s, "null") == 0 || *s == '"')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

static void
detail_str(FILE *f, const char *name, const char *s)
{
	fprintf(f, "%s: ", name);
	if (s == NULL)
		fputs("null", f);
	else if (plain_text(s))
		fputs(s, f);
	else
		fmt_json_string(f, s, strlen(s));
	putc('\n', f);
}

static void
detail_time(FILE *f, const char *name, job_time_t t, int zero_is_null)
{
	char buf[64];

	if (t == 0 && zero_is_null) {
		fprintf(f, "%s: null\n", name);
		return;
	}
	job_time_format_utc(t, buf, sizeof buf);
	fprintf(f, "%s: %s\n", name, buf);
}

static void
detail_secs(FILE *f, const char *name, job_time_t d)
{
	if (d == 0)
		fprintf(f, "%s: null\n", name);
	else if (d % JOB_NSEC == 0)
		fprintf(f, "%s: %" PRId64 "\n", name, d / JOB_NSEC);
	else
		fprintf(f, "%s: %.9g\n", name, (double)d / JOB_NSEC);
}

static void
detail_num(FILE *f, const char *name, int64_t v, int null)
{
	if (null)
		fprintf(f, "%s: null\n", name);
	else
		fprintf(f, "%s: %" PRId64 "\n", name, v);
}

void
fmt_detail(FILE *f, const struct job *job)
{
	fprintf(f, "id: %" PRIu64 "\nstate: %s\n", job->id,
	    job_state_name(job->state));
	detail_str(f, "handler", job->handler);
	fputs("args: ", f);
	args_words(f, job);
	fprintf(f, "\nqueue: %s\n", job->queue ? job->queue : "default");
	detail_num(f, "priority", job->priority, 0);
	detail_time(f, "run_at", job->run_at, 0);
	detail_time(f, "created_at", job->created_at, 0);
	detail_time(f, "started_at", job->started_at, 1);
	detail_time(f, "finished_at", job->finished_at, 1);
	detail_num(f, "attempts", job->attempts, 0);
	detail_num(f, "max_attempts", job->max_attempts, 0);
	detail_secs(f, "timeout", job->timeout);
	detail_str(f, "key", job->key);
	detail_str(f, "name", job->name);
	detail_secs(f, "every", job->every);
	detail_str(f, "cron", job->cron);
	detail_str(f, "catch_up", job->name ?
	    (job->catchup == JOB_CATCHUP_SKIP ? "skip" : "once") : NULL);
	detail_secs(f, "jitter", job->jitter);
	detail_num(f, "payload_size", (int64_t)job->payload_len,
	    !job->has_payload);
	detail_num(f, "last_exit", job->last_exit, job->last_exit < 0);
	detail_num(f, "last_signal", job->last_signal, job->last_signal < 0);
	detail_str(f, "last_error", job->last_error);
	if (job->name) {
		detail_num(f, "runs", (int64_t)job->runs, 0);
		detail_num(f, "failures", (int64_t)job->failures, 0);
	}
}
