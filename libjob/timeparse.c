/*
 * timeparse.c: the TIME and DURATION arguments of every command.
 *
 * Digits are read by hand: strptime(), strtol() and <ctype.h> depend on the
 * locale, and strtol() accepts signs and spaces that SPEC.md does not.
 * Every step that can overflow int64_t nanoseconds is checked first.  The
 * errors say which: JOB_EBADTIME or JOB_EBADDURATION for a malformed
 * argument, JOB_ETIMERANGE for a well-formed one past the ends of time
 * (1677 and 2262), JOB_ETIMEGAP for a local time that a daylight-saving
 * change skips.
 */
#include <stdint.h>
#include <time.h>

#include "job.h"

/* A broken-down TIME as written, before any zone is applied. */
struct fields {
	int year, mon, day;		/* mon 1-12 */
	int hour, min, sec;
	long nsec;
	int has_sec;
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads exactly n digits (so "2026-1-5" is refused) into *v. */
static int
digits(const char **sp, int n, int *v)
{
	const char *s = *sp;
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	return 0;
}

/*
 * Reads one or more digits into a non-negative int64_t.  Returns -1 if
 * there is none, 1 if the number does not fit (all its digits read, *v
 * INT64_MAX), else 0.
 */
static int
read_int(const char **sp, int64_t *v)
{
	const char *s = *sp;
	int big = 0;

	if (!is_digit(*s))
		return -1;
	for (*v = 0; is_digit(*s); s++) {
		if (big || *v > (INT64_MAX - (*s - '0')) / 10) {
			big = 1;
			*v = INT64_MAX;
		} else
			*v = *v * 10 + (*s - '0');
	}
	*sp = s;
	return big;
}

static int
skip(const char **sp, char c)
{
	if (**sp != c)
		return -1;
	(*sp)++;
	return 0;
}

static int
days_in_month(int year, int mon)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : days[mon - 1];
}

/* YYYY-MM-DD, a date that exists. */
static int
parse_date(const char **sp, struct fields *f)
{
	if (digits(sp, 4, &f->year) == -1 || skip(sp, '-') == -1 ||
	    digits(sp, 2, &f->mon) == -1 || skip(sp, '-') == -1 ||
	    digits(sp, 2, &f->day) == -1)
		return -1;
	if (f->mon < 1 || f->mon > 12 || f->day < 1 ||
	    f->day > days_in_month(f->year, f->mon))
		return -1;
	return 0;
}

/* .F to .FFFFFFFFF, as nanoseconds. */
static int
parse_fraction(const char **sp, long *nsec)
{
	const char *s = *sp;
	long scale = 100000000;

	if (!is_digit(*s))
		return -1;
	for (*nsec = 0; is_digit(*s); s++, scale /= 10) {
		if (scale == 0)
			return -1;
		*nsec += (*s - '0') * scale;
	}
	*sp = s;
	return 0;
}

/* hh:mm[:ss[.F]]; a leap second (ss 60) is refused. */
static int
parse_clock(const char **sp, struct fields *f)
{
	f->sec = 0;
	f->nsec = 0;
	f->has_sec = 0;
	if (digits(sp, 2, &f->hour) == -1 || skip(sp, ':') == -1 ||
	    digits(sp, 2, &f->min) == -1)
		return -1;
	if (skip(sp, ':') == 0) {
		f->has_sec = 1;
		if (digits(sp, 2, &f->sec) == -1)
			return -1;
		if (skip(sp, '.') == 0 && parse_fraction(sp, &f->nsec) == -1)
			return -1;
	}
	if (f->hour > 23 || f->min > 59 || f->sec > 59)
		return -1;
	return 0;
}

/* Z, or +hh:mm / -hh:mm, as seconds east of UTC. */
static int
parse_offset(const char **sp, int *off)
{
	int sign, h, m;

	if (skip(sp, 'Z') == 0 || skip(sp, 'z') == 0) {
		*off = 0;
		return 0;
	}
	if (**sp != '+' && **sp != '-')
		return -1;
	sign = *(*sp)++ == '-' ? -1 : 1;
	if (digits(sp, 2, &h) == -1 || skip(sp, ':') == -1 ||
	    digits(sp, 2, &m) == -1 || h > 23 || m > 59)
		return -1;
	*off = sign * (h * 3600 + m * 60);
	return 0;
}

/* Days since 1970-01-01 in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t
utc_seconds(const struct fields *f)
{
	return days_from_civil(f->year, f->mon, f->day) * 86400 +
	    f->hour * 3600 + f->min * 60 + f->sec;
}

static int
same_fields(const struct tm *tm, const struct fields *f)
{
	return tm->tm_year == f->year - 1900 && tm->tm_mon == f->mon - 1 &&
	    tm->tm_mday == f->day && tm->tm_hour == f->hour &&
	    tm->tm_min == f->min && tm->tm_sec == f->sec;
}

/*
 * In a fall-back overlap a wall-clock time occurs twice and mktime() may
 * return either.  We take the earlier: it comes first, so a job scheduled
 * for "02:30" that night is never late.  The earlier one is under the
 * larger offset in force before the change, which we look for a day back
 * (no zone changes its offset twice in a day).
 */
static time_t
earliest(time_t t, const struct fields *f)
{
	struct tm tm;
	time_t before = t - 86400, t1;
	long off;

	if (localtime_r(&t, &tm) == NULL)
		return t;
	off = tm.tm_gmtoff;
	if (localtime_r(&before, &tm) == NULL || tm.tm_gmtoff <= off)
		return t;
	t1 = t - (tm.tm_gmtoff - off);
	if (localtime_r(&t1, &tm) != NULL && same_fields(&tm, f))
		return t1;
	return t;
}

/* Local time in TZ to seconds since the Epoch, or a JOB_E code. */
static int
local_seconds(const struct fields *f, int64_t *sec)
{
	struct tm tm = { 0 };
	time_t t;

	tm.tm_year = f->year - 1900;
	tm.tm_mon = f->mon - 1;
	tm.tm_mday = f->day;
	tm.tm_hour = f->hour;
	tm.tm_min = f->min;
	tm.tm_sec = f->sec;
	tm.tm_isdst = -1;
	tm.tm_wday = -1;
	t = mktime(&tm);
	/* (time_t)-1 is also a valid time; failure leaves tm_wday alone. */
	if (tm.tm_wday == -1)
		return JOB_ETIMERANGE;
	/* A time in a spring-forward gap does not exist: mktime() moves it. */
	if (!same_fields(&tm, f))
		return JOB_ETIMEGAP;
	*sec = earliest(t, f);
	return 0;
}

/* sec + nsec / 10^9 as nanoseconds; nsec in [0, 10^9). */
static int
to_ns(int64_t sec, long nsec, job_time_t *out)
{
	job_time_t hi;

	if (sec >= 0) {
		if (sec > (INT64_MAX - nsec) / JOB_NSEC)
			return -1;
		*out = sec * JOB_NSEC + nsec;
		return 0;
	}
	/* Go through sec + 1 so that the product cannot overflow first. */
	if (sec + 1 < INT64_MIN / JOB_NSEC)
		return -1;
	hi = (sec + 1) * JOB_NSEC;
	if (hi < INT64_MIN + (JOB_NSEC - nsec))
		return -1;
	*out = hi - (JOB_NSEC - nsec);
	return 0;
}

/*
 * @EPOCHSECONDS: digits, after a '-' for a time before 1970, as GNU date
 * reads it.
 */
static int
parse_epoch(const char *s, job_time_t *out)
{
	int neg = *s == '-';
	int64_t sec;
	int rc;

	s += neg;
	if ((rc = read_int(&s, &sec)) == -1 || *s != '\0')
		return JOB_EBADTIME;
	if (rc == 1 || to_ns(neg ? -sec : sec, 0, out) == -1)
		return JOB_ETIMERANGE;
	return 0;
}

/*
 * DATE (T|t|space) hh:mm[:ss[.F]] [offset].  Without an offset the time is
 * local; with one, RFC 3339 requires the seconds.
 */
int
job_time_parse(const char *s, job_time_t *out)
{
	struct fields f;
	int64_t sec;
	int off, rc;

	if (s == NULL)
		return JOB_EBADTIME;
	if (*s == '@')
		return parse_epoch(s + 1, out);
	if (parse_date(&s, &f) == -1 ||
	    (*s != 'T' && *s != 't' && *s != ' '))
		return JOB_EBADTIME;
	s++;
	if (parse_clock(&s, &f) == -1)
		return JOB_EBADTIME;
	if (*s == '\0') {
		if ((rc = local_seconds(&f, &sec)) != 0)
			return rc;
	} else {
		if (!f.has_sec || parse_offset(&s, &off) == -1 || *s != '\0')
			return JOB_EBADTIME;
		sec = utc_seconds(&f) - off;
	}
	/* Four-digit years are well-formed, but most are out of range. */
	if (to_ns(sec, f.nsec, out) == -1)
		return JOB_ETIMERANGE;
	return 0;
}

static const struct {
	char c;
	int64_t sec;
} units[] = {
	{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 },
	{ 's', 1 }
};
#define NUNITS (sizeof(units) / sizeof(units[0]))

/* Index of unit c among units[from..], or NUNITS: each used once, in order. */
static size_t
unit_index(char c, size_t from)
{
	size_t i;

	for (i = from; i < NUNITS; i++)
		if (units[i].c == c)
			return i;
	return NUNITS;
}

/*
 * The form is checked to the end before the range, so that "1h30" past
 * the end of time is still malformed.
 */
int
job_duration_parse(const char *s, job_time_t *out)
{
	job_time_t total = 0, n, mult;
	size_t u, next = 0;
	int rc, big = 0;

	if (s == NULL || *s == '\0')
		return JOB_EBADDURATION;
	while (*s != '\0') {
		if ((rc = read_int(&s, &n)) == -1)
			return JOB_EBADDURATION;
		/* Only a lone number is bare seconds: "1h30" is an error. */
		if (*s == '\0' && next == 0)
			u = NUNITS - 1;
		else if ((u = unit_index(*s++, next)) == NUNITS)
			return JOB_EBADDURATION;
		mult = units[u].sec * JOB_NSEC;
		if (rc == 1 || n > (INT64_MAX - total) / mult)
			big = 1;
		else
			total += n * mult;
		next = u + 1;
	}
	if (big)
		return JOB_ETIMERANGE;
	if (total <= 0)
		return JOB_EBADDURATION;
	*out = total;
	return 0;
}
