/*
 * args.c: numbers, durations and times on the command line, and the
 * whole job they make.  Each message says what was wrong: the form, or
 * the range (a number's bounds; a time past the ends of time, or a
 * duration that, added to now, would be; a length past its limit).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

int64_t
cmd_parse_int(const char *usage, const char *what, const char *s,
    int64_t min, int64_t max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == 0 || *end != 0 || errno == ERANGE || v < min || v > max ||
	    *s == ' ' || *s == '+')
		cmd_usage_error(usage, "invalid %s: '%s' (an integer from %"
		    PRId64 " to %" PRId64 ")", what, s, min, max);
	return v;
}

/* The message of a duration that cannot be added to now. */
_Noreturn static void
duration_range(const char *usage, const char *what, const char *s)
{
	char end[32];

	job_time_format_utc(JOB_TIME_MAX, end, sizeof end);
	cmd_usage_error(usage, "invalid %s: '%s': out of range: now plus it "
	    "would be past %s, the last time that can be represented",
	    what, s, end);
}

/*
 * A DURATION is refused unless now plus it can be represented (SPEC.md):
 * whatever it is added to later, it never wraps there.
 */
job_time_t
cmd_parse_duration(const char *usage, const char *what, const char *s)
{
	job_time_t d, t;
	int rc;

	if ((rc = job_duration_parse(s, &d)) == JOB_ETIMERANGE ||
	    (rc == 0 && job_time_add(job_now(), d, &t) != 0))
		duration_range(usage, what, s);
	if (rc != 0)
		cmd_usage_error(usage, "invalid %s: '%s' (a duration such as "
		    "90, 90s, 15m, 2h, 1d, 1h30m)", what, s);
	return d;
}

job_time_t
cmd_parse_in(const char *usage, const char *what, const char *s)
{
	job_time_t d = cmd_parse_duration(usage, what, s), t;

	if (job_time_add(job_now(), d, &t) != 0)
		duration_range(usage, what, s);
	return t;
}

void
cmd_check_tz(void)
{
	static int warned;
	const char *tz = getenv("TZ");

	if (warned || job_tz_valid(tz))
		return;
	warned = 1;
	cmd_warn("TZ '%s' is not a known time zone; using UTC", tz);
}

/* Is s a local TIME: a date, then no Z and no offset after it? */
static int
is_local(const char *s)
{
	size_t n = strlen(s);

	return *s != '@' && n > 10 && s[n - 1] != 'Z' && s[n - 1] != 'z' &&
	    strpbrk(s + 10, "+-") == NULL;
}

job_time_t
cmd_parse_time(const char *usage, const char *what, const char *s)
{
	job_time_t t;
	int rc;

	if (is_local(s))
		cmd_check_tz();

	if ((rc = job_time_parse(s, &t)) == JOB_ETIMERANGE ||
	    rc == JOB_ETIMEGAP)
		cmd_usage_error(usage, "invalid %s: '%s': %s", what, s,
		    job_strerror(rc));
	if (rc != 0)
		cmd_usage_error(usage, "invalid %s: '%s' (RFC 3339, "
		    "'YYYY-MM-DD HH:MM[:SS]' or @EPOCHSECONDS)", what, s);
	return t;
}

/* The option of the command line that sets a field of struct job_spec. */
static const char *
option_of(const char *field)
{
	static const char *const map[][2] = {
		{ "args", "arguments" }, { "payload", "-i" },
		{ "queue", "-q" }, { "key", "-k" }, { "retries", "-r" },
		{ "timeout", "-t" }, { "name", "--name" },
		{ "every", "--every" }, { "cron", "--cron" },
		{ "jitter", "--jitter" }, { "catchup", "--catch-up" },
		{ "replace", "--replace" }
	};

	for (size_t i = 0; field && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(field, map[i][0]) == 0)
			return map[i][1];
	return field ? field : "job";
}

void
cmd_check_spec(const char *usage, const struct job_spec *spec)
{
	const char *field, *opt;
	char end[32];
	int rc;

	if ((rc = job_spec_check(spec, &field)) == 0)
		return;
	opt = option_of(field);
	job_time_format_utc(JOB_TIME_MAX, end, sizeof end);
	if (rc == JOB_ETIMERANGE)
		cmd_usage_error(usage, "%s: out of range: %s would be past %s, "
		    "the last time that can be represented", opt,
		    strcmp(opt, "--cron") == 0 ? "the first run" :
		    "the run time plus it", end);
	if (rc == JOB_ETOOLONG && strcmp(opt, "-k") == 0)
		cmd_usage_error(usage, "-k: key too long (at most %d bytes)",
		    JOB_KEY_MAX);
	if (rc == JOB_ETOOLONG)
		cmd_usage_error(usage, "arguments too long (each at most %d "
		    "bytes; together at most %d bytes, one more each, and %d "
		    "arguments)", JOB_ARG_MAX, JOB_ARGS_MAX, JOB_NARGS_MAX);
	cmd_usage_error(usage, "%s: %s", opt, job_strerror(rc));
}

/* A job id: a positive decimal integer. */
uint64_t
cmd_parse_id(const char *s, int *ok)
{
	char *end;
	unsigned long long v;

	errno = 0;
	*ok = 0;
	if (*s < '0' || *s > '9')
		return 0;
	v = strtoull(s, &end, 10);
	if (*end != 0 || errno == ERANGE || v == 0)
		return 0;
	*ok = 1;
	return v;
}
