/*
 * test_cron.c: cron expression parsing and next-time math, across months,
 * leap years, the Vixie day rule and daylight-saving changes.  A brute-force
 * search, minute by minute, checks job_cron_next() on random expressions
 * around every DST change of 2026 in a few zones.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "job.h"

#define MAXWANT 7

struct next_case {
	const char *tz, *expr, *from;
	const char *want[MAXWANT];
};

static const struct next_case next_cases[] = {
	{ "UTC", "* * * * *", "2026-01-01T00:00:00Z",
	    { "2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z" } },
	{ "UTC", "* * * * *", "2026-01-01T00:00:59Z",
	    { "2026-01-01T00:01:00Z" } },
	{ "UTC", "*/7 * * * *", "2026-01-01T10:55:00Z",
	    { "2026-01-01T10:56:00Z", "2026-01-01T11:00:00Z",
	    "2026-01-01T11:07:00Z" } },
	{ "UTC", "5/15 * * * *", "2026-01-01T10:50:00Z",
	    { "2026-01-01T11:05:00Z", "2026-01-01T11:20:00Z",
	    "2026-01-01T11:35:00Z", "2026-01-01T11:50:00Z",
	    "2026-01-01T12:05:00Z" } },
	{ "UTC", "10-20/4 3 * * *", "2026-01-01T00:00:00Z",
	    { "2026-01-01T03:10:00Z", "2026-01-01T03:14:00Z",
	    "2026-01-01T03:18:00Z", "2026-01-02T03:10:00Z" } },
	{ "UTC", "*/100 * * * *", "2026-01-01T10:00:00Z",
	    { "2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z" } },
	/* Month ends and leap days. */
	{ "UTC", "0 0 31 * *", "2026-04-01T00:00:00Z",
	    { "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z",
	    "2026-08-31T00:00:00Z", "2026-10-31T00:00:00Z",
	    "2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z" } },
	{ "UTC", "0 0 29 2 *", "2026-01-01T00:00:00Z",
	    { "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z" } },
	{ "UTC", "0 0 29 2 *", "2096-03-01T00:00:00Z",
	    { "2104-02-29T00:00:00Z" } },
	/* Vixie's AND: Sunday, February 29. */
	{ "UTC", "0 0 29 2 */7", "2033-01-01T00:00:00Z",
	    { "2060-02-29T00:00:00Z" } },
	{ "UTC", "59 23 31 12 *", "2026-12-31T23:59:00Z",
	    { "2027-12-31T23:59:00Z" } },
	{ "UTC", "* * * * *", "2026-12-31T23:59:00Z",
	    { "2027-01-01T00:00:00Z" } },
	/* Weekdays, and the Vixie rule both ways. */
	{ "UTC", "0 12 * * mon-fri", "2026-01-02T13:00:00Z",
	    { "2026-01-05T12:00:00Z", "2026-01-06T12:00:00Z" } },
	{ "UTC", "0 0 13 * fri", "2026-03-14T00:00:00Z",
	    { "2026-03-20T00:00:00Z", "2026-03-27T00:00:00Z",
	    "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z",
	    "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z" } },
	{ "UTC", "0 0 * * fri", "2026-04-09T00:00:00Z",
	    { "2026-04-10T00:00:00Z", "2026-04-17T00:00:00Z",
	    "2026-04-24T00:00:00Z" } },
	{ "UTC", "0 0 13 * *", "2026-04-09T00:00:00Z",
	    { "2026-04-13T00:00:00Z", "2026-05-13T00:00:00Z",
	    "2026-06-13T00:00:00Z" } },
	{ "UTC", "0 0 */2 * fri", "2026-04-01T00:00:00Z",
	    { "2026-04-03T00:00:00Z", "2026-04-17T00:00:00Z",
	    "2026-05-01T00:00:00Z", "2026-05-15T00:00:00Z",
	    "2026-05-29T00:00:00Z" } },
	{ "UTC", "0 0 1-7 * mon", "2026-06-05T12:00:00Z",
	    { "2026-06-06T00:00:00Z", "2026-06-07T00:00:00Z",
	    "2026-06-08T00:00:00Z", "2026-06-15T00:00:00Z",
	    "2026-06-22T00:00:00Z", "2026-06-29T00:00:00Z",
	    "2026-07-01T00:00:00Z" } },
	/* Names in any case, 7 for Sunday. */
	{ "UTC", "0 0 1 jan,Mar,MAY *", "2026-01-01T00:00:00Z",
	    { "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z",
	    "2027-01-01T00:00:00Z" } },
	{ "UTC", "0 9 * * MON-fri", "2026-01-02T10:00:00Z",
	    { "2026-01-05T09:00:00Z" } },
	{ "UTC", "0 0 1 feb-Apr/2 *", "2026-01-01T00:00:00Z",
	    { "2026-02-01T00:00:00Z", "2026-04-01T00:00:00Z",
	    "2027-02-01T00:00:00Z" } },
	{ "UTC", "30 6 * * sun,Sat", "2026-01-01T00:00:00Z",
	    { "2026-01-03T06:30:00Z", "2026-01-04T06:30:00Z",
	    "2026-01-10T06:30:00Z" } },
	{ "UTC", "0 0 * * 7", "2026-01-01T00:00:00Z",
	    { "2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z" } },
	{ "UTC", "0 0 * * 5-7", "2026-01-01T00:00:00Z",
	    { "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z",
	    "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z" } },
	/* Macros. */
	{ "UTC", "@hourly", "2026-01-01T10:30:00Z",
	    { "2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z" } },
	{ "UTC", "@daily", "2026-01-01T10:30:00Z",
	    { "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z" } },
	{ "UTC", "@midnight", "2026-01-01T10:30:00Z",
	    { "2026-01-02T00:00:00Z" } },
	{ "UTC", "@weekly", "2026-01-01T10:30:00Z",
	    { "2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z" } },
	{ "UTC", "@monthly", "2026-01-01T10:30:00Z",
	    { "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z" } },
	{ "UTC", "@yearly", "2026-01-01T10:30:00Z",
	    { "2027-01-01T00:00:00Z" } },
	{ "UTC", "@annually", "2026-01-01T10:30:00Z",
	    { "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z" } },
	{ "UTC", "@DAILY", "2026-01-01T10:30:00Z",
	    { "2026-01-02T00:00:00Z" } },
	{ "UTC", " \t@Weekly ", "2026-01-01T10:30:00Z",
	    { "2026-01-04T00:00:00Z" } },
	/* Lists, ranges, steps and both day fields at once. */
	{ "UTC", "*/7 9-17 1,15 * mon-fri", "2026-01-02T17:56:00Z",
	    { "2026-01-05T09:00:00Z", "2026-01-05T09:07:00Z" } },
	{ "UTC", "*/7 9-17 1,15 * mon-fri", "2026-02-13T17:57:00Z",
	    { "2026-02-15T09:00:00Z", "2026-02-15T09:07:00Z" } },
	{ "UTC", " \t0\t0  * * *\t", "2026-01-01T00:00:00Z",
	    { "2026-01-02T00:00:00Z" } },
	/* Europe/Berlin, spring forward: 02:00 CET is 03:00 CEST (01:00Z). */
	{ "Europe/Berlin", "30 2 * * *", "2026-03-28T12:00:00Z",
	    { "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z" } },
	{ "Europe/Berlin", "*/15 * * * *", "2026-03-29T00:40:00Z",
	    { "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z",
	    "2026-03-29T01:15:00Z" } },
	{ "Europe/Berlin", "0 * * * *", "2026-03-28T23:30:00Z",
	    { "2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z",
	    "2026-03-29T02:00:00Z" } },
	{ "Europe/Berlin", "0 3 * * *", "2026-03-28T12:00:00Z",
	    { "2026-03-29T01:00:00Z", "2026-03-30T01:00:00Z" } },
	{ "Europe/Berlin", "30 1 * * *", "2026-03-28T12:00:00Z",
	    { "2026-03-29T00:30:00Z", "2026-03-29T23:30:00Z" } },
	/* Europe/Berlin, fall back: 03:00 CEST is 02:00 CET (01:00Z). */
	{ "Europe/Berlin", "30 2 * * *", "2026-10-24T12:00:00Z",
	    { "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z" } },
	{ "Europe/Berlin", "30 2 * * *", "2026-10-25T01:10:00Z",
	    { "2026-10-26T01:30:00Z" } },
	{ "Europe/Berlin", "0 2 * * *", "2026-10-25T00:00:00Z",
	    { "2026-10-26T01:00:00Z" } },
	{ "Europe/Berlin", "0 * * * *", "2026-10-24T23:30:00Z",
	    { "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z",
	    "2026-10-25T03:00:00Z" } },
	{ "Europe/Berlin", "*/30 * * * *", "2026-10-25T00:10:00Z",
	    { "2026-10-25T00:30:00Z", "2026-10-25T02:00:00Z",
	    "2026-10-25T02:30:00Z" } },
	/* America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z). */
	{ "America/New_York", "30 2 * * *", "2026-03-07T12:00:00Z",
	    { "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z" } },
	/* 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z). */
	{ "America/New_York", "30 1 * * *", "2026-10-31T12:00:00Z",
	    { "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z" } },
	{ "America/New_York", "0 0 * * *", "2026-10-31T12:00:00Z",
	    { "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z" } },
	/* Lord Howe moves its clocks by half an hour. */
	{ "Australia/Lord_Howe", "15 2 * * *", "2026-10-03T00:00:00Z",
	    { "2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z" } },
	{ "Australia/Lord_Howe", "45 1 * * *", "2026-04-04T00:00:00Z",
	    { "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z" } },
};

/* Runs in (from, to] of chained calls: strictly increasing, this many. */
static const struct seq_case {
	const char *tz, *expr, *from, *to;
	int count;
} seq_cases[] = {
	{ "Europe/Berlin", "*/15 * * * *", "2026-03-28T00:00:00Z",
	    "2026-03-30T00:00:00Z", 192 },
	{ "Europe/Berlin", "*/15 * * * *", "2026-10-24T00:00:00Z",
	    "2026-10-26T00:00:00Z", 188 },
	{ "Europe/Berlin", "0 * * * *", "2026-03-28T00:00:00Z",
	    "2026-03-30T00:00:00Z", 48 },
	{ "Europe/Berlin", "0 * * * *", "2026-10-24T00:00:00Z",
	    "2026-10-26T00:00:00Z", 47 },
	{ "Europe/Berlin", "30 2 * * *", "2026-03-28T00:00:00Z",
	    "2026-03-30T00:00:00Z", 2 },
	{ "Europe/Berlin", "30 2 * * *", "2026-10-24T00:00:00Z",
	    "2026-10-26T00:00:00Z", 2 },
	{ "America/New_York", "*/15 * * * *", "2026-03-07T12:00:00Z",
	    "2026-03-09T12:00:00Z", 192 },
	{ "America/New_York", "*/15 * * * *", "2026-10-31T12:00:00Z",
	    "2026-11-02T12:00:00Z", 188 },
	{ "Australia/Lord_Howe", "*/15 * * * *", "2026-10-02T12:00:00Z",
	    "2026-10-04T12:00:00Z", 192 },
	{ "Australia/Lord_Howe", "*/15 * * * *", "2026-04-03T12:00:00Z",
	    "2026-04-05T12:00:00Z", 190 },
};

static const struct bad_case {
	const char *expr;
	int field;
} bad_cases[] = {
	{ "", 0 }, { "   ", 0 }, { "* * * *", 0 }, { "* * * * * *", 0 },
	{ "@reboot", 0 }, { "@foo", 0 }, { "@daily *", 0 }, { "@", 0 },
	{ "60 * * * *", 1 }, { "-1 * * * *", 1 }, { "* 24 * * *", 2 },
	{ "* * 0 * *", 3 }, { "* * 32 * *", 3 }, { "* * * 0 *", 4 },
	{ "* * * 13 *", 4 }, { "* * * * 8", 5 },
	{ "*/0 * * * *", 1 }, { "* * * * */0", 5 }, { "0-5/0 * * * *", 1 },
	{ "5-2 * * * *", 1 }, { "* * * * fri-mon", 5 },
	{ "* * * dec-jan *", 4 }, { "* 23-1 * * *", 2 },
	{ "1,,2 * * * *", 1 }, { "1, * * * *", 1 }, { ",1 * * * *", 1 },
	{ "a * * * *", 1 }, { "jan * * * *", 1 }, { "* * * * january", 5 },
	{ "* * * * mo", 5 }, { "* * * * mon-", 5 }, { "1-2-3 * * * *", 1 },
	{ "*/2/3 * * * *", 1 }, { "*-5 * * * *", 1 }, { "1/ * * * *", 1 },
	{ "/5 * * * *", 1 }, { "99999999999 * * * *", 1 },
	{ "* * * * 1.5", 5 }, { "* * * * *\n", 5 },
	{ "0 0 30 2 *", 3 }, { "0 0 31 4,6,9,11 *", 3 },
	{ "0 0 30,31 feb *", 3 }, { "0 0 31 2 */2", 3 },
};

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static job_time_t
parse_utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%d-%d-%dT%d:%d:%dZ", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		abort();
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (job_time_t)timegm(&tm) * JOB_NSEC;
}

/* Formats t as RFC 3339 UTC, whole seconds (which is all cron makes). */
static const char *
fmt_utc(job_time_t t, char *buf, size_t size)
{
	time_t s = (time_t)(t / JOB_NSEC - (t % JOB_NSEC < 0));
	struct tm tm;

	if (gmtime_r(&s, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "(bad time)");
	return buf;
}

static void
test_next(const struct next_case *tc)
{
	struct job_cron c;
	char what[200], got[40];
	job_time_t t = parse_utc(tc->from);
	int bad, i, rc;

	set_tz(tc->tz);
	snprintf(what, sizeof(what), "%s: parse '%s'", tc->tz, tc->expr);
	CHECK_INT(job_cron_parse(tc->expr, &c, &bad), 0, what);
	for (i = 0; i < MAXWANT && tc->want[i] != NULL; i++) {
		snprintf(what, sizeof(what), "%s: '%s' from %s, run %d",
		    tc->tz, tc->expr, tc->from, i + 1);
		if ((rc = job_cron_next(&c, t, &t)) != 0)
			snprintf(got, sizeof(got), "error %d", rc);
		else
			fmt_utc(t, got, sizeof(got));
		CHECK_STR(got, tc->want[i], what);
		if (rc != 0)
			break;
	}
}

static void
test_seq(const struct seq_case *tc)
{
	struct job_cron c;
	job_time_t t = parse_utc(tc->from), to = parse_utc(tc->to), next;
	char what[200];
	int bad, n = 0, increasing = 1;

	set_tz(tc->tz);
	if (job_cron_parse(tc->expr, &c, &bad) != 0)
		return;
	while (n < 10000 && job_cron_next(&c, t, &next) == 0 && next <= to) {
		increasing &= next > t;
		t = next;
		n++;
	}
	snprintf(what, sizeof(what), "%s: '%s' from %s to %s: increasing",
	    tc->tz, tc->expr, tc->from, tc->to);
	CHECK(increasing, what);
	snprintf(what, sizeof(what), "%s: '%s' from %s to %s: count",
	    tc->tz, tc->expr, tc->from, tc->to);
	CHECK_INT(n, tc->count, what);
}

/* Copies s with control characters shown as '?', to keep TAP lines whole. */
static const char *
printable(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		buf[i] = (unsigned char)s[i] < ' ' ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static void
test_bad(const struct bad_case *tc)
{
	struct job_cron c;
	char what[200], expr[100];
	int bad = -1;

	printable(tc->expr, expr, sizeof(expr));
	snprintf(what, sizeof(what), "reject '%s'", expr);
	CHECK_INT(job_cron_parse(tc->expr, &c, &bad), JOB_EBADCRON, what);
	snprintf(what, sizeof(what), "reject '%s': field %d", expr,
	    tc->field);
	CHECK_INT(bad, tc->field, what);
}

/* The parsed bit sets of a few expressions. */
static void
test_bits(void)
{
	struct job_cron c;
	int bad;

	CHECK(job_cron_parse("5/20 */6 */10 */4 */2", &c, &bad) == 0 &&
	    c.minutes == (1ull << 5 | 1ull << 25 | 1ull << 45) &&
	    c.hours == (1u << 0 | 1u << 6 | 1u << 12 | 1u << 18) &&
	    c.mdays == (1u << 1 | 1u << 11 | 1u << 21 | 1u << 31) &&
	    c.months == (1u << 1 | 1u << 5 | 1u << 9) &&
	    c.wdays == 0x55 && c.mday_star && c.wday_star,
	    "bits of '5/20 */6 */10 */4 */2'");
	CHECK(job_cron_parse("0 0 13 * 7,sat", &c, &bad) == 0 &&
	    c.wdays == (1u << 0 | 1u << 6) && !c.mday_star && !c.wday_star,
	    "bits of '0 0 13 * 7,sat'");
	CHECK(job_cron_parse("* * * * 0-7", &c, &bad) == 0 &&
	    c.wdays == 0x7f && !c.wday_star, "bits of '* * * * 0-7'");
	CHECK(job_cron_parse("0 0 29 2 *", &c, &bad) == 0,
	    "accept '0 0 29 2 *'");
	CHECK(job_cron_parse("0 0 30 2 fri", &c, &bad) == 0,
	    "accept '0 0 30 2 fri' (Fridays in February)");
}

/* Strictly after, to the nanosecond, and before 1970. */
static void
test_edges(void)
{
	struct job_cron c;
	job_time_t t;
	char buf[40];
	int bad;

	set_tz("UTC");
	job_cron_parse("* * * * *", &c, &bad);
	t = parse_utc("2026-01-01T00:00:00Z");
	CHECK(job_cron_next(&c, t - 1, &t) == 0 &&
	    t == parse_utc("2026-01-01T00:00:00Z"), "1 ns before a minute");
	CHECK(job_cron_next(&c, t, &t) == 0 &&
	    t == parse_utc("2026-01-01T00:01:00Z"), "on a minute");
	t = parse_utc("2026-01-01T00:00:00Z");
	CHECK(job_cron_next(&c, t + 1, &t) == 0 &&
	    t == parse_utc("2026-01-01T00:01:00Z"), "1 ns after a minute");
	CHECK(job_cron_next(&c, -1, &t) == 0 && t == 0, "from -1 ns");
	job_cron_parse("0 0 1 1 *", &c, &bad);
	CHECK(job_cron_next(&c, parse_utc("1960-06-01T00:00:00Z"), &t) == 0,
	    "from 1960");
	CHECK_STR(fmt_utc(t, buf, sizeof(buf)), "1961-01-01T00:00:00Z",
	    "from 1960: next");
	CHECK_INT(job_cron_next(&c, INT64_MAX, &t), JOB_ETIMERANGE,
	    "past the end of job_time_t");
	memset(&c, 0, sizeof(c));
	CHECK_INT(job_cron_next(&c, 0, &t), JOB_EBADCRON, "empty sets");
}

/* A brute-force job_cron_next() ------------------------------------------ */

/* Local wall-clock minutes since the Epoch (as if local time were UTC). */
static long long
wall_minute(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_sec = 0;
	return (long long)timegm(&tm) / 60;
}

static int
wall_matches(const struct job_cron *c, long long wm)
{
	time_t s = (time_t)(wm * 60);
	struct tm tm;
	int dom, dow;

	gmtime_r(&s, &tm);
	dom = c->mdays >> tm.tm_mday & 1;
	dow = c->wdays >> tm.tm_wday & 1;
	return (c->minutes >> tm.tm_min & 1) && (c->hours >> tm.tm_hour & 1) &&
	    (c->months >> (tm.tm_mon + 1) & 1) &&
	    (c->mday_star || c->wday_star ? dom && dow : dom || dow);
}

/*
 * Steps through the instants minute by minute: a matching wall-clock
 * minute runs at the first instant whose clock reads it or later.
 * Returns -1 when nothing runs within 40 days.
 */
static int
brute_next(const struct job_cron *c, long long s, long long *next)
{
	long long t0 = s / 60 * 60 - (s % 60 < 0) * 60, t, w, max, wt;

	max = wall_minute(t0);
	for (t = t0 - 26 * 3600; t < t0; t += 60)
		if ((w = wall_minute(t)) > max)
			max = w;
	for (t = t0 + 60; t < t0 + 40 * 86400LL; t += 60) {
		if ((wt = wall_minute(t)) <= max)
			continue;
		for (w = max + 1; w <= wt; w++)
			if (wall_matches(c, w)) {
				*next = t;
				return 0;
			}
		max = wt;
	}
	return -1;
}

static unsigned long long rng_state = 88172645463325252ull;

static unsigned
rng(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *const pool[5][8] = {
	{ "*", "*/15", "0", "30", "0,30", "*/7", "45-59/5", "10" },
	{ "*", "1-3", "2", "2,3", "*/2", "0-4", "1", "22-23,0-2" },
	{ "*", "*/2", "1-10", "13", "25-31", "*/3", "*", "*" },
	{ "*", "*", "*", "*", "mar,apr,oct,nov", "*/2", "*", "*" },
	{ "*", "sun", "0,6", "mon-fri", "*/2", "7", "*", "*" },
};

/* Finds the offset changes of 2026 in the current zone. */
static int
changes_2026(long long *out, int max)
{
	long long t = parse_utc("2026-01-01T00:00:00Z") / JOB_NSEC;
	long long end = t + 366 * 86400LL;
	int n = 0;

	for (; t < end && n < max; t += 900)
		if (wall_minute(t + 900) - wall_minute(t) != 15)
			out[n++] = t + 900;
	return n;
}

/*
 * Checks three chained runs from after (s in whole seconds) against the
 * brute force.  Returns how many runs agreed, or -1 on a disagreement.
 */
static int
oracle_runs(const struct job_cron *c, const char *expr, long long s,
    job_time_t after)
{
	char from[40], got[40], want[40];
	long long w;
	job_time_t t;
	int run, rc;

	for (run = 0; run < 3; run++, s = w, after = t) {
		if (brute_next(c, s, &w) != 0)
			return run;
		rc = job_cron_next(c, after, &t);
		if (rc == 0 && t == w * JOB_NSEC)
			continue;
		printf("# TZ=%s '%s' after %s: got %s, want %s\n",
		    getenv("TZ"), expr, fmt_utc(after, from, sizeof(from)),
		    rc != 0 ? "an error" : fmt_utc(t, got, sizeof(got)),
		    fmt_utc(w * JOB_NSEC, want, sizeof(want)));
		return -1;
	}
	return run;
}

/* Random expressions from around each offset change of 2026. */
static void
test_oracle(const char *tz, int per_change)
{
	struct job_cron c;
	long long changes[8], s;
	char expr[100], what[200];
	int nch, i, n, bad, runs = 0, wrong = 0;

	set_tz(tz);
	if ((nch = changes_2026(changes, 8)) == 0) {
		changes[0] = parse_utc("2026-06-01T00:00:00Z") / JOB_NSEC;
		nch = 1;
	}
	for (i = 0; i < nch * per_change; i++) {
		snprintf(expr, sizeof(expr), "%s %s %s %s %s",
		    pool[0][rng(8)], pool[1][rng(8)], pool[2][rng(8)],
		    pool[3][rng(8)], pool[4][rng(8)]);
		if (job_cron_parse(expr, &c, &bad) != 0)
			continue;
		s = changes[i % nch] - 30 * 3600 + rng(60 * 3600);
		n = oracle_runs(&c, expr, s,
		    (job_time_t)s * JOB_NSEC + rng(2) * (JOB_NSEC / 2));
		if (n < 0)
			wrong++;
		else
			runs += n;
	}
	snprintf(what, sizeof(what), "%s: %d random next-times near %d "
	    "offset changes agree with brute force", tz, runs, nch);
	CHECK(wrong == 0 && runs > 0, what);
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Not a test: prints how long a million chained next-times take. */
static void
time_next(const char *tz)
{
	struct job_cron c;
	job_time_t t = parse_utc("2026-01-01T00:00:00Z");
	double start;
	int bad, i;

	set_tz(tz);
	job_cron_parse("*/7 9-17 1,15 * mon-fri", &c, &bad);
	start = now_seconds();
	for (i = 0; i < 1000000; i++)
		if (job_cron_next(&c, t, &t) != 0)
			break;
	printf("# %d next-times in %.3f s (TZ=%s)\n", i,
	    now_seconds() - start, tz);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(next_cases) / sizeof(next_cases[0]); i++)
		test_next(&next_cases[i]);
	for (i = 0; i < sizeof(seq_cases) / sizeof(seq_cases[0]); i++)
		test_seq(&seq_cases[i]);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		test_bad(&bad_cases[i]);
	test_bits();
	test_edges();
	test_oracle("Europe/Berlin", 60);
	test_oracle("America/New_York", 60);
	test_oracle("Australia/Lord_Howe", 60);
	test_oracle("Pacific/Chatham", 30);
	test_oracle("UTC", 30);
	time_next("UTC");
	time_next("Europe/Berlin");
	return check_done();
}
