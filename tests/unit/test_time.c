/*
 * test_time.c: TIME and DURATION parsing and formatting, and names.
 * Expected instants are written as UTC epoch seconds (checked with
 * Python's calendar.timegm) plus nanoseconds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "job.h"

#define S(x) ((job_time_t)(x) * JOB_NSEC)

/* 2026-12-01T10:00:00Z */
#define DEC1_10 1796119200

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

struct time_ok {
	const char *tz;
	const char *in;
	job_time_t want;
};

static const struct time_ok times_ok[] = {
	/* RFC 3339 */
	{ "UTC", "2026-12-01T10:00:00Z", S(DEC1_10) },
	{ "UTC", "2026-12-01t10:00:00z", S(DEC1_10) },
	{ "UTC", "2026-12-01 10:00:00Z", S(DEC1_10) },
	{ "UTC", "2026-12-01T10:00:00+00:00", S(DEC1_10) },
	{ "UTC", "2026-12-01T10:00:00-00:00", S(DEC1_10) },
	{ "UTC", "2026-12-01T10:00:00+01:00", S(DEC1_10 - 3600) },
	{ "UTC", "2026-12-01T10:00:00-05:30", S(DEC1_10 + 5 * 3600 + 1800) },
	{ "UTC", "2026-12-01T10:00:00+23:59", S(DEC1_10 - 86340) },
	{ "UTC", "2026-12-01T10:00:00.5Z", S(DEC1_10) + 500000000 },
	{ "UTC", "2026-12-01T10:00:00.123456789Z", S(DEC1_10) + 123456789 },
	{ "UTC", "2026-12-01T10:00:00.000000001+01:00",
	    S(DEC1_10 - 3600) + 1 },
	{ "Asia/Tokyo", "2026-12-01T10:00:00Z", S(DEC1_10) },
	{ "UTC", "1970-01-01T00:00:00Z", 0 },
	{ "UTC", "1969-12-31T23:59:59.5Z", -500000000 },
	{ "UTC", "2024-02-29T00:00:00Z", S(1709164800) },
	{ "UTC", "2000-02-29T12:00:00Z", S(951825600) },
	{ "UTC", "2262-04-11T23:47:16.854775807Z", INT64_MAX },
	{ "UTC", "1677-09-21T00:12:43.145224192Z", INT64_MIN },
	/* local */
	{ "UTC", "2026-12-01 10:00", S(DEC1_10) },
	{ "UTC", "2026-12-01 10:00:00", S(DEC1_10) },
	{ "UTC", "2026-12-01T10:00", S(DEC1_10) },
	{ "UTC", "2026-12-01T10:00:00", S(DEC1_10) },
	{ "UTC", "2026-12-01 10:00:00.25", S(DEC1_10) + 250000000 },
	{ "UTC", "1969-12-31 23:59:59", S(-1) },
	{ "Asia/Tokyo", "2026-12-01 10:00", S(DEC1_10 - 9 * 3600) },
	{ "Asia/Tokyo", "2026-12-01T10:00:00", S(DEC1_10 - 9 * 3600) },
	{ "Europe/Berlin", "2026-12-01 10:00", S(DEC1_10 - 3600) },
	{ "Europe/Berlin", "2026-07-01 10:00", S(1782892800) },
	{ "Europe/Berlin", "2026-03-29 01:59:59", S(1774745999) },
	{ "Europe/Berlin", "2026-03-29 03:00", S(1774746000) },
	/* fall back: 02:30 happens twice; the first is 00:30Z (+02:00) */
	{ "Europe/Berlin", "2026-10-25 02:30", S(1792888200) },
	{ "Europe/Berlin", "2026-10-25 02:00", S(1792888200 - 1800) },
	{ "Europe/Berlin", "2026-10-25 02:59:59", S(1792888200 + 1799) },
	{ "Europe/Berlin", "2026-10-25 03:00", S(1792893600) },
	{ "Europe/Berlin", "2026-10-25 01:59", S(1792886340) },
	{ "America/St_Johns", "2026-12-01 10:00", S(DEC1_10 + 3 * 3600 + 1800) },
	/* epoch */
	{ "UTC", "@0", 0 },
	{ "UTC", "@1796119200", S(DEC1_10) },
	{ "UTC", "@0001796119200", S(DEC1_10) },
	{ "UTC", "@9223372036", S(9223372036) },
	/* before 1970, as GNU date reads them */
	{ "UTC", "@-1", S(-1) },
	{ "UTC", "@-0", 0 },
	{ "UTC", "@-86400", S(-86400) },
	{ "UTC", "@-9223372036", S(-9223372036) },
	{ "Asia/Tokyo", "@-1", S(-1) },
	/* the last minute in range, under CEST */
	{ "Europe/Berlin", "2262-04-12 01:47", S(9223372020) },
};

struct time_bad {
	const char *tz;
	const char *in;
	int want;		/* 0: JOB_EBADTIME */
};

#define RANGE JOB_ETIMERANGE
#define GAP JOB_ETIMEGAP

static const struct time_bad times_bad[] = {
	{ "UTC", "", 0 },
	{ "UTC", "2026-12-01", 0 },
	{ "UTC", "2026-12-01T", 0 },
	{ "UTC", "2026-12-01 ", 0 },
	{ "UTC", "2026-12-01T10", 0 },
	{ "UTC", "2026-12-01T10:", 0 },
	{ "UTC", "2026-12-01T10:0", 0 },
	{ "UTC", "2026-12-01T10:00:", 0 },
	{ "UTC", "2026-12-01T10:00:0", 0 },
	{ "UTC", "2026-13-01 10:00", 0 },
	{ "UTC", "2026-00-01 10:00", 0 },
	{ "UTC", "2026-12-00 10:00", 0 },
	{ "UTC", "2026-12-32 10:00", 0 },
	{ "UTC", "2026-02-31 10:00", 0 },
	{ "UTC", "2026-04-31 10:00", 0 },
	{ "UTC", "2026-02-29 10:00", 0 },
	{ "UTC", "2100-02-29T10:00:00Z", 0 },
	{ "UTC", "2026-12-01 24:00", 0 },
	{ "UTC", "2026-12-01 10:60", 0 },
	{ "UTC", "2026-12-01 10:00:60", 0 },
	{ "UTC", "2026-12-31T23:59:60Z", 0 },
	{ "UTC", "2026-1-5 10:00", 0 },
	{ "UTC", "2026-01-5 10:00", 0 },
	{ "UTC", "2026-1-05 10:00", 0 },
	{ "UTC", "26-12-01 10:00", 0 },
	{ "UTC", "02026-12-01 10:00", 0 },
	{ "UTC", "2026-12-01 1:00", 0 },
	{ "UTC", "2026-12-01 10:0", 0 },
	{ "UTC", "2026/12/01 10:00", 0 },
	{ "UTC", "2026-12-01X10:00", 0 },
	{ "UTC", "2026-12-01\t10:00", 0 },
	{ "UTC", "2026-12-01  10:00", 0 },
	{ "UTC", " 2026-12-01 10:00", 0 },
	{ "UTC", "+2026-12-01 10:00", 0 },
	{ "UTC", "-2026-12-01 10:00", 0 },
	{ "UTC", "2026-12-01 10:00 ", 0 },
	{ "UTC", "2026-12-01 10:00x", 0 },
	{ "UTC", "2026-12-01 10:00\n", 0 },
	{ "UTC", "2026-12-01T10:00Z", 0 },
	{ "UTC", "2026-12-01T10:00+01:00", 0 },
	{ "UTC", "2026-12-01T10:00:00ZZ", 0 },
	{ "UTC", "2026-12-01T10:00:00Z ", 0 },
	{ "UTC", "2026-12-01T10:00:00UTC", 0 },
	{ "UTC", "2026-12-01T10:00:00 Z", 0 },
	{ "UTC", "2026-12-01T10:00:00+01", 0 },
	{ "UTC", "2026-12-01T10:00:00+0100", 0 },
	{ "UTC", "2026-12-01T10:00:00+1:00", 0 },
	{ "UTC", "2026-12-01T10:00:00+24:00", 0 },
	{ "UTC", "2026-12-01T10:00:00+01:60", 0 },
	{ "UTC", "2026-12-01T10:00:00.", 0 },
	{ "UTC", "2026-12-01T10:00:00.Z", 0 },
	{ "UTC", "2026-12-01T10:00:00,5Z", 0 },
	{ "UTC", "2026-12-01T10:00:00.1234567890Z", 0 },
	{ "UTC", "2026-12-01T10:00.5Z", 0 },
	{ "UTC", "2026-12-01 10:00:00.5 ", 0 },
	{ "UTC", "2262-04-11T23:47:16.854775808Z", RANGE },
	{ "UTC", "2262-04-11T23:47:17Z", RANGE },
	{ "UTC", "1677-09-21T00:12:43.145224191Z", RANGE },
	{ "UTC", "1677-09-21T00:12:42Z", RANGE },
	{ "UTC", "9999-12-31T23:59:59Z", RANGE },
	{ "UTC", "0000-01-01T00:00:00Z", RANGE },
	{ "UTC", "9999-12-31 23:59", RANGE },
	{ "UTC", "@", 0 },
	{ "UTC", "@-9223372037", RANGE },
	{ "UTC", "@-99999999999999999999999", RANGE },
	{ "UTC", "@-", 0 },
	{ "UTC", "@--1", 0 },
	{ "UTC", "@-+1", 0 },
	{ "UTC", "@- 1", 0 },
	{ "UTC", "@-1x", 0 },
	{ "UTC", "0000-01-01 00:00", RANGE },
	{ "UTC", "1677-09-21 00:12", RANGE },
	{ "UTC", "2262-04-12 00:00", RANGE },
	{ "Europe/Berlin", "2262-04-12 01:48", RANGE },
	{ "UTC", "@+1", 0 },
	{ "UTC", "@ 1", 0 },
	{ "UTC", "@1 ", 0 },
	{ "UTC", "@1.5", 0 },
	{ "UTC", "@12a", 0 },
	{ "UTC", "@0x10", 0 },
	{ "UTC", "@9223372037", RANGE },
	{ "UTC", "@99999999999999999999999", RANGE },
	{ "UTC", "1796119200", 0 },
	{ "UTC", "now", 0 },
	{ "UTC", "\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa6-12-01 10:00", 0 },
	/* spring forward: 02:00-02:59 does not exist in Berlin that day */
	{ "Europe/Berlin", "2026-03-29 02:30", GAP },
	{ "Europe/Berlin", "2026-03-29 02:00", GAP },
	{ "Europe/Berlin", "2026-03-29T02:59:59", GAP },
	{ "America/New_York", "2026-03-08 02:30", GAP },
	/* a gap that is also malformed is malformed */
	{ "Europe/Berlin", "2026-03-29 02:30x", 0 },
};

static void
test_time_parse(void)
{
	char what[160];
	job_time_t t;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(times_ok) / sizeof(times_ok[0]); i++) {
		set_tz(times_ok[i].tz);
		t = 12345;
		rc = job_time_parse(times_ok[i].in, &t);
		snprintf(what, sizeof(what), "time \"%s\" TZ=%s accepted",
		    times_ok[i].in, times_ok[i].tz);
		CHECK_INT(rc, 0, what);
		snprintf(what, sizeof(what), "time \"%s\" TZ=%s value",
		    times_ok[i].in, times_ok[i].tz);
		CHECK_INT(t, times_ok[i].want, what);
	}
	for (i = 0; i < sizeof(times_bad) / sizeof(times_bad[0]); i++) {
		set_tz(times_bad[i].tz);
		t = 12345;
		rc = job_time_parse(times_bad[i].in, &t);
		snprintf(what, sizeof(what), "time \"%s\" TZ=%s rejected",
		    times_bad[i].in, times_bad[i].tz);
		CHECK_INT(rc, times_bad[i].want ? times_bad[i].want :
		    JOB_EBADTIME, what);
		CHECK_INT(t, 12345, "output left alone on error");
	}
	CHECK_INT(job_time_parse(NULL, &t), JOB_EBADTIME, "time NULL");
}

static void
test_now(void)
{
	struct timespec ts;
	job_time_t a, b;

	clock_gettime(CLOCK_REALTIME, &ts);
	a = (job_time_t)ts.tv_sec * JOB_NSEC + ts.tv_nsec;
	b = job_now();
	CHECK(b >= a && b - a < 10 * JOB_NSEC, "job_now is CLOCK_REALTIME");
}

struct dur_ok {
	const char *in;
	job_time_t want;
};

static const struct dur_ok durs_ok[] = {
	{ "90", S(90) },
	{ "1", S(1) },
	{ "90s", S(90) },
	{ "15m", S(900) },
	{ "2h", S(7200) },
	{ "2d", S(172800) },
	{ "1w", S(604800) },
	{ "1h30m", S(5400) },
	{ "2d12h", S(216000) },
	{ "1w2d3h4m5s", S(604800 + 172800 + 10800 + 240 + 5) },
	{ "1w5s", S(604805) },
	{ "1d1m", S(86460) },
	{ "1h0m", S(3600) },
	{ "0h1s", S(1) },
	{ "0w0d0h0m1s", S(1) },
	{ "007s", S(7) },
	{ "100000m", S(6000000) },
	{ "9223372036", S(9223372036) },
	{ "9223372036s", S(9223372036) },
	{ "15250w", S(15250LL * 604800) },
	{ "15250w1d23h47m16s", S(9223372036) },
	{ "153722867m16s", S(9223372036) },
};

static const char *const durs_bad[] = {
	"", "0", "0s", "00", "0m0s", "0w0d0h0m0s", "-5m", "-5", "+5m", "+5",
	"1h30", "1m30", "1h30m30", "30m1h", "1s1m", "1d1w", "1h1h", "1m1m",
	"1s1s", "1.5h", "1,5h", "1.5", " 1h", "1h ", "1 h", "1h 30m", "\t1h",
	"1h\n", "h", "s", "1hm", "1ms", "1H", "1S", "1M", "1x", "1y", "1ns",
	"1us", "5sec", "5min", "0x10", "1e3", "1_000", "s1", "\xd9\xa1s",
	/* malformed past the end of time too: the form comes first */
	"99999999999999999999h30", "15251w1x", "99999999999999999999 ",
	"15250w1d23h47m16s1", "0w15251w",
};

/* Well-formed, but more nanoseconds than int64_t holds. */
static const char *const durs_range[] = {
	"9223372037", "9223372037s", "153722868m", "2562048h", "106752d",
	"15251w", "15250w2d", "15250w1d23h47m17s",
	"99999999999999999999", "99999999999999999999s",
	"18446744073709551616s", "9223372036854775808s", "2562047h60m",
	"153722867m17s", "1w99999999999999999999s",
};

static void
test_duration_parse(void)
{
	char what[160];
	job_time_t d;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(durs_ok) / sizeof(durs_ok[0]); i++) {
		d = 12345;
		rc = job_duration_parse(durs_ok[i].in, &d);
		snprintf(what, sizeof(what), "duration \"%s\" accepted",
		    durs_ok[i].in);
		CHECK_INT(rc, 0, what);
		snprintf(what, sizeof(what), "duration \"%s\" value",
		    durs_ok[i].in);
		CHECK_INT(d, durs_ok[i].want, what);
	}
	for (i = 0; i < sizeof(durs_bad) / sizeof(durs_bad[0]); i++) {
		d = 12345;
		rc = job_duration_parse(durs_bad[i], &d);
		snprintf(what, sizeof(what), "duration \"%s\" rejected",
		    durs_bad[i]);
		CHECK_INT(rc, JOB_EBADDURATION, what);
		CHECK_INT(d, 12345, "output left alone on error");
	}
	for (i = 0; i < sizeof(durs_range) / sizeof(durs_range[0]); i++) {
		d = 12345;
		rc = job_duration_parse(durs_range[i], &d);
		snprintf(what, sizeof(what), "duration \"%s\" out of range",
		    durs_range[i]);
		CHECK_INT(rc, JOB_ETIMERANGE, what);
		CHECK_INT(d, 12345, "output left alone on error");
	}
	CHECK_INT(job_duration_parse(NULL, &d), JOB_EBADDURATION,
	    "duration NULL");
}

struct fmt_case {
	const char *tz;
	job_time_t t;
	const char *want;
};

static const struct fmt_case utc_cases[] = {
	{ "UTC", S(DEC1_10), "2026-12-01T10:00:00Z" },
	{ "Asia/Tokyo", S(DEC1_10) + 999999999, "2026-12-01T10:00:00Z" },
	{ "UTC", 0, "1970-01-01T00:00:00Z" },
	{ "UTC", -1, "1969-12-31T23:59:59Z" },
	{ "UTC", -JOB_NSEC, "1969-12-31T23:59:59Z" },
	{ "UTC", -JOB_NSEC - 1, "1969-12-31T23:59:58Z" },
	{ "UTC", S(951825600), "2000-02-29T12:00:00Z" },
	{ "UTC", INT64_MAX, "2262-04-11T23:47:16Z" },
	{ "UTC", INT64_MIN, "1677-09-21T00:12:43Z" },
};

static const struct fmt_case local_cases[] = {
	{ "UTC", S(1796094000), "2026-12-01T03:00:00Z" },
	{ "UTC", S(1796094000) + 500000000, "2026-12-01T03:00:00Z" },
	{ "UTC", -1, "1969-12-31T23:59:59Z" },
	{ "Asia/Tokyo", S(1796061600), "2026-12-01T03:00:00+09:00" },
	{ "Europe/Berlin", S(1782892800), "2026-07-01T10:00:00+02:00" },
	{ "Europe/Berlin", S(DEC1_10 - 3600), "2026-12-01T10:00:00+01:00" },
	{ "Europe/Berlin", S(1792888200), "2026-10-25T02:30:00+02:00" },
	{ "Europe/Berlin", S(1792888200 + 3600), "2026-10-25T02:30:00+01:00" },
	{ "Europe/London", S(DEC1_10), "2026-12-01T10:00:00Z" },
	{ "America/St_Johns", S(DEC1_10), "2026-12-01T06:30:00-03:30" },
	{ "Asia/Kolkata", S(DEC1_10), "2026-12-01T15:30:00+05:30" },
	/* LMT +00:53:28: shown under +00:53, still the same instant */
	{ "Europe/Berlin", S(-3786825600LL), "1850-01-01T00:53:00+00:53" },
};

struct dfmt_case {
	job_time_t d;
	const char *want;
};

static const struct dfmt_case dur_cases[] = {
	{ 0, "0s" },
	{ 1, "1s" },
	{ 999999999, "1s" },
	{ S(1), "1s" },
	{ S(1) + 500000000, "1s" },
	{ S(59), "59s" },
	{ S(60), "1m" },
	{ S(90), "1m30s" },
	{ S(3600), "1h" },
	{ S(3601), "1h1s" },
	{ S(5400), "1h30m" },
	{ S(86400), "1d" },
	{ S(216000), "2d12h" },
	{ S(604800), "1w" },
	{ S(604800 + 172800 + 10800 + 240 + 5), "1w2d3h4m5s" },
	{ S(-5400), "-1h30m" },
	{ -1, "-1s" },
	{ INT64_MAX, "15250w1d23h47m16s" },
	{ INT64_MIN, "-15250w1d23h47m16s" },
};

static void
check_fmt(size_t n, const char *got, const char *want, const char *what)
{
	CHECK_STR(got, want, what);
	CHECK_INT(n, strlen(want), "returns the length");
}

static void
test_format(void)
{
	char buf[64], what[160];
	size_t i, n;

	for (i = 0; i < sizeof(utc_cases) / sizeof(utc_cases[0]); i++) {
		set_tz(utc_cases[i].tz);
		n = job_time_format_utc(utc_cases[i].t, buf, sizeof(buf));
		snprintf(what, sizeof(what), "utc %s", utc_cases[i].want);
		check_fmt(n, buf, utc_cases[i].want, what);
	}
	for (i = 0; i < sizeof(local_cases) / sizeof(local_cases[0]); i++) {
		set_tz(local_cases[i].tz);
		n = job_time_format_local(local_cases[i].t, buf, sizeof(buf));
		snprintf(what, sizeof(what), "local TZ=%s %s",
		    local_cases[i].tz, local_cases[i].want);
		check_fmt(n, buf, local_cases[i].want, what);
	}
	for (i = 0; i < sizeof(dur_cases) / sizeof(dur_cases[0]); i++) {
		n = job_duration_format(dur_cases[i].d, buf, sizeof(buf));
		snprintf(what, sizeof(what), "duration %s", dur_cases[i].want);
		check_fmt(n, buf, dur_cases[i].want, what);
	}
}

static void
test_format_small(void)
{
	char buf[32];

	set_tz("Asia/Tokyo");
	CHECK_INT(job_time_format_utc(0, buf, 21), 20, "utc fits in 21");
	CHECK_INT(job_time_format_utc(0, buf, 20), 0, "utc cut at 20");
	CHECK_STR(buf, "", "empty string when cut");
	CHECK_INT(job_time_format_utc(0, buf, 0), 0, "utc size 0");
	CHECK_INT(job_time_format_local(0, buf, 26), 25, "local fits in 26");
	CHECK_INT(job_time_format_local(0, buf, 25), 0, "local cut at 25");
	CHECK_INT(job_duration_format(S(5400), buf, 6), 5, "dur fits in 6");
	CHECK_INT(job_duration_format(S(5400), buf, 5), 0, "dur cut at 5");
	CHECK_INT(job_duration_format(0, buf, 2), 0, "0s cut at 2");
	CHECK_INT(job_time_format_utc(INT64_MIN, buf, sizeof(buf)), 20,
	    "utc fits in 32 at INT64_MIN");
}

/* What the formatters print, the parsers read back. */
static void
test_round_trip(void)
{
	static const job_time_t ts[] = {
		0, S(DEC1_10), S(1792888200), S(1792888200 + 3600),
		S(1774746000), S(-1), S(9223372036), S(-9223372036)
	};
	static const char *const zones[] = {
		"UTC", "Asia/Tokyo", "Europe/Berlin", "America/St_Johns"
	};
	char buf[64];
	job_time_t t;
	size_t i, z;
	int ok = 1;

	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		set_tz(zones[z]);
		for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
			if (job_time_format_local(ts[i], buf, sizeof(buf)) == 0 ||
			    job_time_parse(buf, &t) != 0 || t != ts[i])
				ok = 0;
			if (job_time_format_utc(ts[i], buf, sizeof(buf)) == 0 ||
			    job_time_parse(buf, &t) != 0 || t != ts[i])
				ok = 0;
		}
	}
	CHECK(ok, "times round-trip through format and parse");
	ok = 1;
	for (i = 0; i < sizeof(dur_cases) / sizeof(dur_cases[0]); i++) {
		if (dur_cases[i].d < JOB_NSEC || dur_cases[i].d % JOB_NSEC)
			continue;
		if (job_duration_format(dur_cases[i].d, buf, sizeof(buf)) == 0 ||
		    job_duration_parse(buf, &t) != 0 || t != dur_cases[i].d)
			ok = 0;
	}
	CHECK(ok, "durations round-trip through format and parse");
}

static void
test_time_add(void)
{
	job_time_t t;

	t = 7;
	CHECK_INT(job_time_add(S(1), S(2), &t), 0, "1 s + 2 s");
	CHECK_INT(t, S(3), "is 3 s");
	CHECK_INT(job_time_add(JOB_TIME_MAX - 1, 1, &t), 0, "to the end");
	CHECK_INT(t, JOB_TIME_MAX, "is the end of time");
	t = 7;
	CHECK_INT(job_time_add(JOB_TIME_MAX, 1, &t), JOB_ETIMERANGE,
	    "past the end");
	CHECK_INT(job_time_add(S(DEC1_10), S(15000LL * 604800), &t),
	    JOB_ETIMERANGE, "2026 + 15000w");
	CHECK_INT(job_time_add(JOB_TIME_MIN, -1, &t), JOB_ETIMERANGE,
	    "before the beginning");
	CHECK_INT(t, 7, "sum left alone on error");
	CHECK_INT(job_time_add(JOB_TIME_MIN, JOB_TIME_MAX, &t), 0,
	    "the whole range");
	CHECK_INT(t, -1, "is -1 ns");
	CHECK_INT(job_time_add_sat(S(1), S(2)), S(3), "sat: 1 s + 2 s");
	CHECK_INT(job_time_add_sat(S(DEC1_10), S(15000LL * 604800)),
	    JOB_TIME_MAX, "sat: 2026 + 15000w is the end of time");
	CHECK_INT(job_time_add_sat(JOB_TIME_MAX, JOB_TIME_MAX), JOB_TIME_MAX,
	    "sat: the end stays the end");
	CHECK_INT(job_time_add_sat(S(DEC1_10), -JOB_TIME_MAX),
	    S(DEC1_10) - JOB_TIME_MAX, "sat: back 292 years");
	CHECK_INT(job_time_add_sat(-S(DEC1_10), -JOB_TIME_MAX), JOB_TIME_MIN,
	    "sat: before the beginning is the beginning");
}

static void
test_tz_valid(void)
{
	static const char *const good[] = {
		"", ":", "UTC", "GMT", "Europe/Berlin", ":Europe/Berlin",
		"Asia/Tokyo", "/usr/share/zoneinfo/Asia/Tokyo",
		":/usr/share/zoneinfo/Asia/Tokyo", "JST-9", "EST5", "EST+5",
		"EST5EDT", "EST5EDT4", "EST5EDT,M3.2.0,M11.1.0",
		"CET-1CEST,M3.5.0,M10.5.0/3", "<+09>-9", "<-03>3",
		"IST-5:30", "XXX-5:30:15", "NZST-12NZDT,M9.5.0,M4.1.0/3",
		"WART4WARST,J1/0,J365/25", "AAA3BBB,0,365",
		"EST5EDT,M3.2.0/-2,M11.1.0/167",
	};
	static const char *const bad[] = {
		"Mars/Base", ":Mars/Base", "/nonexistent", ":/nonexistent",
		"garbage", "JST", "Europe", "Europe/", "/etc/passwd",
		"EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0",
		"EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0",
		"EST5x", "EST25", "<+9>-9", "<+09-9", "EST5EDT,J366,J1",
		"EST5EDT,M3.2.0/168,M11.1.0", "EST5:60", "EST5EDT,", "::UTC",
		"EST 5", "utc",
	};
	char what[160], dir[] = "/tmp/test_tz.XXXXXX", path[256];
	FILE *f;

	CHECK_INT(job_tz_valid(NULL), 1, "TZ unset is valid");
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(what, sizeof(what), "TZ '%s' valid", good[i]);
		CHECK_INT(job_tz_valid(good[i]), 1, what);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "TZ '%s' not valid", bad[i]);
		CHECK_INT(job_tz_valid(bad[i]), 0, what);
	}
	/* A zone of $TZDIR, and only there. */
	if (mkdtemp(dir) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/Mars", dir);
	if ((f = fopen(path, "w")) != NULL) {
		fputs("TZif2", f);
		fclose(f);
	}
	setenv("TZDIR", dir, 1);
	CHECK_INT(job_tz_valid("Mars"), 1, "TZ 'Mars' valid under its TZDIR");
	CHECK_INT(job_tz_valid("Europe/Berlin"), 0,
	    "TZ 'Europe/Berlin' not under that TZDIR");
	unsetenv("TZDIR");
	CHECK_INT(job_tz_valid("Mars"), 0, "TZ 'Mars' not valid without it");
	unlink(path);
	rmdir(dir);
}

static void
test_names(void)
{
	static const char *const good[] = {
		"mail.send", "rm_tmp", "slivers:expire", "_x", "9a", "a",
		"A-b.c:d_e9", "x..", "a-",
	};
	static const char *const bad[] = {
		"", ".x", "-x", ":x", "a/b", "a b", "..", ".", "/", "a\tb",
		"a\nb", "caf\xc3\xa9", "\xc3\xa9", "a*", "a$b", "a\\b",
	};
	char what[160], name[131];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(what, sizeof(what), "name \"%s\" valid", good[i]);
		CHECK_INT(job_name_valid(good[i]), 1, what);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "name \"%s\" invalid", bad[i]);
		CHECK_INT(job_name_valid(bad[i]), 0, what);
	}
	memset(name, 'a', 128);
	name[128] = '\0';
	CHECK_INT(job_name_valid(name), 1, "name of 128 bytes valid");
	name[128] = 'a';
	name[129] = '\0';
	CHECK_INT(job_name_valid(name), 0, "name of 129 bytes invalid");
	CHECK_INT(job_name_valid(NULL), 0, "name NULL invalid");
}

int
main(void)
{
	test_now();
	test_time_parse();
	test_duration_parse();
	test_format();
	test_format_small();
	test_round_trip();
	test_time_add();
	test_tz_valid();
	test_names();
	return check_done();
}
