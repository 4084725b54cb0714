/*
 * timefmt.c: times and durations as the commands print them, in the forms
 * that timeparse.c reads back.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "job.h"

/* Whole seconds, rounded down, so that -0.5 s is 1969-12-31T23:59:59Z. */
static time_t
floor_seconds(job_time_t t)
{
	job_time_t s = t / JOB_NSEC;

	if (t % JOB_NSEC < 0)
		s--;
	return (time_t)s;
}

/* Turns snprintf()'s result into ours: the length, or 0 and "" if cut. */
static size_t
result(int n, char *buf, size_t size)
{
	if (n < 0 || (size_t)n >= size) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	return (size_t)n;
}

/* Writes tm as RFC 3339 with offset off (seconds east, whole minutes). */
static size_t
format_tm(const struct tm *tm, long off, char *buf, size_t size)
{
	char zone[32];
	long a = off < 0 ? -off : off;

	if (off == 0)
		strcpy(zone, "Z");
	else
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld",
		    off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
	return result(snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s",
	    tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
	    tm->tm_min, tm->tm_sec, zone), buf, size);
}

size_t
job_time_format_utc(job_time_t t, char *buf, size_t size)
{
	time_t sec = floor_seconds(t);
	struct tm tm;

	if (gmtime_r(&sec, &tm) == NULL)
		return result(-1, buf, size);
	return format_tm(&tm, 0, buf, size);
}

size_t
job_time_format_local(job_time_t t, char *buf, size_t size)
{
	time_t sec = floor_seconds(t);
	struct tm tm;
	long off;

	if (localtime_r(&sec, &tm) == NULL)
		return result(-1, buf, size);
	off = tm.tm_gmtoff;
	if (off % 60 != 0) {
		/*
		 * Local mean time before standard zones (Berlin: +00:53:28)
		 * is not whole minutes, as RFC 3339 offsets must be: show
		 * the same instant under the offset cut to minutes.
		 */
		off -= off % 60;
		sec += off;
		if (gmtime_r(&sec, &tm) == NULL)
			return result(-1, buf, size);
	}
	return format_tm(&tm, off, buf, size);
}

/*
 * Largest units first, zero ones left out: "1h30m", "1w".  Fractions of a
 * second are dropped, but a non-zero duration never shows as "0s".
 */
size_t
job_duration_format(job_time_t d, char *buf, size_t size)
{
	static const struct {
		char c;
		uint64_t sec;
	} units[] = {
		{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 },
		{ 'm', 60 }, { 's', 1 }
	};
	char tmp[64];
	size_t i, len = 0;
	uint64_t sec;

	/* Negation in uint64_t, where INT64_MIN has a magnitude. */
	sec = (d < 0 ? -(uint64_t)d : (uint64_t)d) / (uint64_t)JOB_NSEC;
	if (sec == 0 && d != 0)
		sec = 1;
	if (sec == 0)
		return result(snprintf(buf, size, "0s"), buf, size);
	if (d < 0)
		tmp[len++] = '-';
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (sec < units[i].sec)
			continue;
		len += snprintf(tmp + len, sizeof(tmp) - len, "%" PRIu64 "%c",
		    sec / units[i].sec, units[i].c);
		sec %= units[i].sec;
	}
	return result(snprintf(buf, size, "%s", tmp), buf, size);
}
