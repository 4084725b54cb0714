/*
 * text.c: a job as a table line or as "field: value" lines, for a reader
 * on a terminal: no byte reaches it that could pass for another value or
 * act as a control, and every line ends with what it shows, not a blank.
 */
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <wctype.h>

#include "format.h"

/* Column widths of the table; ARGS, the last, has none. */
enum {
	W_ID = 6, W_STATE = 7, W_QUEUE = 10, W_PRI = 4, W_TIME = 25,
	W_ATTEMPTS = 8, W_HANDLER = 16, W_SCHED = 20
};

/* Set by fmt_use_locale(): the locale's character set is UTF-8. */
static int utf8;

void
fmt_use_locale(void)
{
	if (setlocale(LC_CTYPE, "") != NULL)
		utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* Does c show as a blank, though it is not the ASCII space? */
static int
looks_blank(uint32_t c)
{
	return iswspace((wint_t)c) || c == 0xa0 || c == 0x2007 || c == 0x202f;
}

/*
 * Is c shown as nothing, or does it reorder the line (bidirectional
 * controls, zero-width space and joiners' kin, byte order mark)?
 */
static int
invisible(uint32_t c)
{
	static const uint32_t ranges[][2] = {
		{ 0x00ad, 0x00ad }, { 0x061c, 0x061c }, { 0x180e, 0x180e },
		{ 0x200b, 0x200b }, { 0x200e, 0x200f }, { 0x202a, 0x202e },
		{ 0x2060, 0x2064 }, { 0x2066, 0x206f }, { 0xfeff, 0xfeff },
		{ 0xfff9, 0xfffb }
	};

	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (c >= ranges[i][0] && c <= ranges[i][1])
			return 1;
	return 0;
}

size_t
fmt_shown_len(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] < 0x7f;
	if (!utf8 || (len = fmt_utf8_char(s, n, &c)) == 0)
		return 0;
	return iswprint((wint_t)c) && !looks_blank(c) && !invisible(c) ? len :
	    0;
}

/* Can byte c stand in a shell word without quotes? */
static int
bare_byte(unsigned char c)
{
	return c != 0 && strchr("abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,", c) != NULL;
}

/*
 * Writes s as one shell word that reads back as s: bare if safe, else in
 * single quotes; in $'...', with \xNN for each byte not shown as is, if
 * there is one.
 */
static void
shell_word(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), len;
	int bare = n > 0, plain = 1;

	for (size_t i = 0; i < n; i += len ? len : 1) {
		len = fmt_shown_len(s + i, n - i);
		plain = plain && len > 0;
		bare = bare && (len > 1 || (len == 1 && bare_byte(s[i])));
	}
	if (bare) {
		fwrite(s, 1, n, f);
		return;
	}
	fputs(plain ? "'" : "$'", f);
	for (size_t i = 0; i < n; i += len) {
		if ((len = fmt_shown_len(s + i, n - i)) == 0) {
			fprintf(f, "\\x%02x", s[i]);
			len = 1;
		} else if (s[i] == '\'')
			fputs(plain ? "'\\''" : "\\'", f);
		else if (!plain && s[i] == '\\')
			fputs("\\\\", f);
		else
			fwrite(s + i, 1, len, f);
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

/*
 * Writes s in a column width wide, padded with blanks if pad; a longer s
 * is cut to fit, its last byte shown replaced by a mark.  Values here
 * are names and cron expressions, ASCII: any other byte (a tab between
 * cron fields, say) is shown as '?', as ls(1) does.
 */
static void
cell(FILE *f, const char *s, int width, int pad)
{
	size_t n = strlen(s), w = (size_t)width;
	size_t shown = n > w ? w - 1 : n;

	for (size_t i = 0; i < shown; i++)
		putc(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?', f);
	if (shown < n)
		fputs(utf8 ? "\xe2\x80\xa6" : "+", f);	/* … */
	else if (pad)
		fprintf(f, "%*s", (int)(w - n), "");
}

/*
 * The time the table shows: the next run, the start, or the finish.  A
 * run_at or started_at is a time whatever its value, 1970 included; a
 * finished_at of 0 means that the job never ran (NULL).
 */
static const job_time_t *
shown_time(const struct job *job)
{
	switch (job->state) {
	case JOB_RUNNING:
		return &job->started_at;
	case JOB_PENDING:
		return &job->run_at;
	default:
		return job->finished_at ? &job->finished_at : NULL;
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
	fprintf(f, "%-*s %-*s %-*s %*s %-*s %-*s %-*s %-*s %s\n", W_ID, "ID",
	    W_STATE, "STATE", W_QUEUE, "QUEUE", W_PRI, "PRI", W_TIME, "TIME",
	    W_ATTEMPTS, "ATTEMPTS", W_HANDLER, "HANDLER", W_SCHED,
	    "NAME/SCHEDULE", "ARGS");
}

void
fmt_table(FILE *f, const struct job *job)
{
	char when[64] = "-", tries[32], sched[512];
	const job_time_t *t = shown_time(job);

	if (t)
		job_time_format_local(*t, when, sizeof when);
	snprintf(tries, sizeof tries, "%" PRIu32 "/%" PRIu32, job->attempts,
	    job->max_attempts);
	schedule(job, sched, sizeof sched);
	/* Numbers are never cut: a wider one pushes the rest along. */
	fprintf(f, "%-*" PRIu64 " %-*s ", W_ID, job->id, W_STATE,
	    job_state_name(job->state));
	cell(f, job->queue ? job->queue : "default", W_QUEUE, 1);
	fprintf(f, " %*" PRId64 " %-*s %-*s ", W_PRI, job->priority, W_TIME,
	    when, W_ATTEMPTS, tries);
	cell(f, job->handler, W_HANDLER, 1);
	putc(' ', f);
	/* No trailing blanks when there are no args. */
	cell(f, sched, W_SCHED, job->nargs > 0);
	if (job->nargs > 0)
		putc(' ', f);
	args_words(f, job);
	putc('\n', f);
}

/*
 * Plain text shows as is; anything that could mislead, or end the line
 * with a blank, is quoted.
 */
static int
plain_text(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), len;

	if (n == 0 || strcmp(str, "null") == 0 || s[0] == '"' ||
	    s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	for (; n > 0; s += len, n -= len)
		if ((len = fmt_shown_len(s, n)) == 0)
			return 0;
	return 1;
}

struct detail {
	FILE *f;
	const struct job *job;
};

static void
detail_value(struct detail *d, const struct fmt_value *v)
{
	char buf[64];

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
}

static void
detail_field(void *ctx, const char *name, const struct fmt_value *v)
{
	struct detail *d = ctx;

	fprintf(d->f, "%s:", name);
	/* No args: "args:" alone, not a trailing blank. */
	if (v->type != FMT_ARGS || d->job->nargs > 0) {
		putc(' ', d->f);
		detail_value(d, v);
	}
	putc('\n', d->f);
}

void
fmt_detail(FILE *f, const struct job *job)
{
	struct detail d = { f, job };

	fmt_fields(job, detail_field, &d);
}
