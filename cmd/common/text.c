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
	fprintf(f, "%-6" PRIu64 " %-7s %-10s %4" PRId64 " %-25s %-8s %-16s ",
	    job->id, job_state_name(job->state),
	    job->queue ? job->queue : "default", job->priority, when, tries,
	    job->handler);
	/* No trailing blanks when there are no args. */
	fprintf(f, job->nargs ? "%-20s " : "%s", sched);
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

struct detail {
	FILE *f;
	const struct job *job;
};

static void
detail_field(void *ctx, const char *name, const struct fmt_value *v)
{
	struct detail *d = ctx;
	char buf[64];

	fprintf(d->f, "%s: ", name);
	switch (v->type) {
	case FMT_NULL:
		fputs("null", d->f);
		break;
	case FMT_STR:
		if (plain_text(v->s))
			fputs(v->s, d->f);
		else
			fmt_json_string(d->f, v->s, strlen(v->s));
		break;
	case FMT_INT:
		fprintf(d->f, "%" PRId64, v->n);
		break;
	case FMT_TIME:
		job_time_format_utc(v->n, buf, sizeof buf);
		fputs(buf, d->f);
		break;
	case FMT_SECS:
		fmt_secs(d->f, v->n);
		break;
	case FMT_ARGS:
		args_words(d->f, d->job);
		break;
	}
	putc('\n', d->f);
}

void
fmt_detail(FILE *f, const struct job *job)
{
	struct detail d = { f, job };

	fmt_fields(job, detail_field, &d);
}
