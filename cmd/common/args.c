/*
 * args.c: numbers, durations and times on the command line.
 */
#include <errno.h>
#include <stdlib.h>

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
		cmd_usage_error(usage, "invalid %s: '%s'", what, s);
	return v;
}

job_time_t
cmd_parse_duration(const char *usage, const char *what, const char *s)
{
	job_time_t d;

	if (job_duration_parse(s, &d) != 0)
		cmd_usage_error(usage, "invalid %s: '%s' (a duration such as "
		    "90, 90s, 15m, 2h, 1d, 1h30m)", what, s);
	return d;
}

job_time_t
cmd_parse_time(const char *usage, const char *what, const char *s)
{
	job_time_t t;

	if (job_time_parse(s, &t) != 0)
		cmd_usage_error(usage, "invalid %s: '%s' (RFC 3339, "
		    "'YYYY-MM-DD HH:MM[:SS]' or @EPOCHSECONDS)", what, s);
	return t;
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
