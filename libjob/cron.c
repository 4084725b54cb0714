/*
 * cron.c: five-field cron expressions, parsed into bit sets, and the next
 * matching time after a given instant.
 *
 * The next time is searched for in local wall-clock time, field by field
 * (month, day, hour, minute), jumping to the next set bit of each field;
 * days of a month are matched as one 31-bit mask.  Day-of-month and
 * day-of-week follow Vixie cron: when both fields are restricted (neither
 * starts with '*') a day matching either runs, otherwise both must match.
 *
 * Daylight-saving time.  A wall-clock time runs at the first instant at
 * which the local clock reads that time or later:
 *
 *  - A time skipped by a spring-forward gap runs once, at the first instant
 *    after the gap.  All the times of one gap, and the time the clock jumps
 *    to, are one run: in Europe/Berlin on 2026-03-29, "30 2 * * *" runs at
 *    03:00 CEST (01:00Z), and "0-59/15 * * * *" runs at 01:45 CET, then
 *    once at 03:00 CEST for 02:00 to 03:00, then at 03:15 CEST.
 *  - A time repeated by a fall-back runs once, at its first occurrence,
 *    and times the clock has already shown never run again: in
 *    Europe/Berlin on 2026-10-25, "30 2 * * *" runs at 02:30 CEST (00:30Z)
 *    only, and "0 * * * *" runs at 02:00 CEST, then 03:00 CET, skipping
 *    02:00 CET.
 *
 * So each call returns a time strictly later than the one before, and
 * chaining calls never repeats or goes back.  The search gives up after
 * 400 years, a full cycle of the Gregorian calendar: by then an expression
 * that has not matched never will.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "job.h"

#define DAY		86400
#define HORIZON_YEARS	400
/*
 * How far around an instant to look for a change of the UTC offset.  Two
 * changes are assumed to be more than three windows apart, and each to
 * move the clock by less than one; DST is well inside both.
 */
#define WINDOW		(26 * 3600)

struct field {
	int min, max;
	const char *const *names;	/* three-letter names, or NULL */
	int nnames;
	int name0;			/* value of names[0] */
};

static const char *const month_names[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};
static const char *const wday_names[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

static const struct field fields[5] = {
	{ 0, 59, NULL, 0, 0 },
	{ 0, 23, NULL, 0, 0 },
	{ 1, 31, NULL, 0, 0 },
	{ 1, 12, month_names, 12, 1 },
	{ 0, 7, wday_names, 7, 0 }	/* 7 is Sunday too */
};

static const struct {
	const char *name;
	const char *expr;
} macros[] = {
	{ "@hourly", "0 * * * *" },
	{ "@daily", "0 0 * * *" },
	{ "@midnight", "0 0 * * *" },
	{ "@weekly", "0 0 * * 0" },
	{ "@monthly", "0 0 1 * *" },
	{ "@yearly", "0 0 1 1 *" },
	{ "@annually", "0 0 1 1 *" }
};

/* A local wall-clock minute. */
struct wall {
	int64_t year;
	int mon, mday, hour, min;
};

static int
isblank_c(int c)
{
	return c == ' ' || c == '\t';
}

/* Parses a number or a name of field f at *sp, up to e. */
static int
parse_value(const char **sp, const char *e, const struct field *f, int *v)
{
	const char *s = *sp;
	int i, n = 0;

	if (s < e && *s >= '0' && *s <= '9') {
		for (; s < e && *s >= '0' && *s <= '9'; s++)
			if ((n = n * 10 + (*s - '0')) > f->max)
				return -1;
	} else {
		while (s < e && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')
			s++;
		if (s - *sp != 3)
			return -1;
		for (i = 0; i < f->nnames; i++)
			if (strncasecmp(*sp, f->names[i], 3) == 0)
				break;
		if (i == f->nnames)
			return -1;
		n = f->name0 + i;
	}
	if (n < f->min)
		return -1;
	*v = n;
	*sp = s;
	return 0;
}

/* Parses a step: a positive number; any size is fine, it just skips more. */
static int
parse_step(const char **sp, const char *e, int *step)
{
	const char *s = *sp;
	int n = 0;

	if (s == e || *s < '0' || *s > '9')
		return -1;
	for (; s < e && *s >= '0' && *s <= '9'; s++)
		if ((n = n * 10 + (*s - '0')) > 1000)
			n = 1000;
	if (n == 0)
		return -1;
	*step = n;
	*sp = s;
	return 0;
}

/* Parses one list item: "*", "N" or "N-M", with an optional "/STEP". */
static int
parse_item(const char **sp, const char *e, const struct field *f,
    uint64_t *bits)
{
	const char *s = *sp;
	int lo, hi, step = 1, v;

	if (s < e && *s == '*') {
		lo = f->min;
		hi = f->max;
		s++;
	} else {
		if (parse_value(&s, e, f, &lo) != 0)
			return -1;
		hi = lo;
		if (s < e && *s == '-') {
			s++;
			if (parse_value(&s, e, f, &hi) != 0 || hi < lo)
				return -1;
		} else if (s < e && *s == '/')
			hi = f->max;	/* N/STEP is N-max/STEP */
	}
	if (s < e && *s == '/') {
		s++;
		if (parse_step(&s, e, &step) != 0)
			return -1;
	}
	for (v = lo; v <= hi; v += step)
		*bits |= (uint64_t)1 << v;
	*sp = s;
	return 0;
}

/* Parses the comma list s..e of field f into *bits. */
static int
parse_field(const char *s, const char *e, const struct field *f,
    uint64_t *bits)
{
	*bits = 0;
	for (;;) {
		if (parse_item(&s, e, f, bits) != 0)
			return -1;
		if (s == e)
			return 0;
		if (*s++ != ',')
			return -1;
	}
}

/* Returns the length of month mon (1-12); February has 29 if leap. */
static int
month_days(int mon, int leap)
{
	static const int len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return len[mon - 1] + (mon == 2 && leap);
}

/* Mask of the days 1..n in bits 1..n. */
static uint32_t
days_mask(int n)
{
	return (uint32_t)((((uint64_t)1 << n) - 1) << 1);
}

/*
 * With day-of-month restricted and day-of-week '*', some selected month
 * must have some selected day, or the expression never runs.
 */
static int
can_match(const struct job_cron *c)
{
	int mon;

	if (c->mday_star || !c->wday_star)
		return 1;
	for (mon = 1; mon <= 12; mon++)
		if ((c->months >> mon & 1) &&
		    (c->mdays & days_mask(month_days(mon, 1))))
			return 1;
	return 0;
}

/* Parses exactly five fields from s. */
static int
parse_fields(const char *s, struct job_cron *c, int *bad)
{
	const char *start[5], *end[5];
	uint64_t bits[5];
	int n, i;

	for (n = 0;; n++) {
		while (isblank_c(*s))
			s++;
		if (*s == '\0')
			break;
		if (n == 5) {
			*bad = 0;
			return -1;
		}
		start[n] = s;
		while (*s != '\0' && !isblank_c(*s))
			s++;
		end[n] = s;
	}
	if (n != 5) {
		*bad = 0;
		return -1;
	}
	for (i = 0; i < 5; i++) {
		if (parse_field(start[i], end[i], &fields[i], &bits[i]) != 0) {
			*bad = i + 1;
			return -1;
		}
	}
	memset(c, 0, sizeof(*c));
	c->minutes = bits[0];
	c->hours = (uint32_t)bits[1];
	c->mdays = (uint32_t)bits[2];
	c->months = (uint16_t)bits[3];
	c->wdays = (uint8_t)((bits[4] | bits[4] >> 7) & 0x7f);
	c->mday_star = *start[2] == '*';
	c->wday_star = *start[4] == '*';
	if (!can_match(c)) {
		*bad = 3;
		return -1;
	}
	return 0;
}

/* Expands an @macro, ignoring case and trailing blanks. */
static const char *
macro_expr(const char *s)
{
	size_t n, i;

	for (n = 0; s[n] != '\0' && !isblank_c(s[n]); n++)
		;
	for (i = n; isblank_c(s[i]); i++)
		;
	if (s[i] != '\0')
		return NULL;
	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (strlen(macros[i].name) == n &&
		    strncasecmp(s, macros[i].name, n) == 0)
			return macros[i].expr;
	return NULL;
}

int
job_cron_parse(const char *expr, struct job_cron *cron, int *bad_field)
{
	struct job_cron c;
	const char *s = expr;
	int bad = 0;

	if (s == NULL)
		goto fail;
	while (isblank_c(*s))
		s++;
	if (*s == '@' && (s = macro_expr(s)) == NULL)
		goto fail;
	if (parse_fields(s, &c, &bad) != 0)
		goto fail;
	*cron = c;
	return 0;
fail:
	if (bad_field != NULL)
		*bad_field = bad;
	return JOB_EBADCRON;
}

/* Calendar arithmetic --------------------------------------------------- */

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void
civil_from_days(int64_t z, struct wall *w)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	w->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	w->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	w->year = yoe + era * 400 + (w->mon <= 2);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Wall-clock seconds: local time counted as if it were UTC. */
static int64_t
wall_seconds(const struct wall *w)
{
	return days_from_civil(w->year, w->mon, w->mday) * DAY +
	    w->hour * 3600 + w->min * 60;
}

/* The search in wall-clock time ---------------------------------------- */

/* Lowest set bit of set at or above from, or -1. */
static int
next_bit(uint64_t set, int from)
{
	if (from > 63)
		return -1;
	set &= ~(uint64_t)0 << from;
	return set != 0 ? __builtin_ctzll(set) : -1;
}

/* The days of month mon of year y that match, as bits 1-31. */
static uint32_t
day_set(const struct job_cron *c, int64_t y, int mon)
{
	uint64_t p, week;
	int64_t w1;

	/* Weekday of the 1st; 1970-01-01 was a Thursday. */
	w1 = (days_from_civil(y, mon, 1) % 7 + 11) % 7;
	p = (c->wdays >> w1 | c->wdays << (7 - w1)) & 0x7f;
	week = (p | p << 7 | p << 14 | p << 21 | p << 28) << 1;
	if (c->mday_star || c->wday_star)
		p = c->mdays & week;
	else
		p = c->mdays | week;
	return (uint32_t)p & days_mask(month_days(mon, is_leap(y)));
}

/*
 * Moves w to the first matching minute at or after it.  Each field that
 * has no match left carries into the one above and restarts from zero.
 */
static int
search(const struct job_cron *c, struct wall *w)
{
	int64_t last = w->year + HORIZON_YEARS;
	int v;

	while (w->year <= last) {
		if ((v = next_bit(c->months, w->mon)) < 0) {
			*w = (struct wall){ w->year + 1, 1, 1, 0, 0 };
			continue;
		}
		if (v != w->mon)
			*w = (struct wall){ w->year, v, 1, 0, 0 };
		if ((v = next_bit(day_set(c, w->year, w->mon), w->mday)) < 0) {
			*w = (struct wall){ w->year, w->mon + 1, 1, 0, 0 };
			continue;
		}
		if (v != w->mday)
			*w = (struct wall){ w->year, w->mon, v, 0, 0 };
		if ((v = next_bit(c->hours, w->hour)) < 0) {
			w->mday++;
			w->hour = w->min = 0;
			continue;
		}
		if (v != w->hour)
			w->min = 0;
		w->hour = v;
		if ((v = next_bit(c->minutes, w->min)) < 0) {
			w->hour++;
			w->min = 0;
			continue;
		}
		w->min = v;
		return 0;
	}
	return -1;
}

/* Instants and local time ---------------------------------------------- */

/* The UTC offset in seconds at instant t. */
static int
utc_offset(int64_t t, int64_t *off)
{
	struct tm tm;
	time_t tt = (time_t)t;
	struct wall w;

	if ((int64_t)tt != t || localtime_r(&tt, &tm) == NULL)
		return -1;
	w = (struct wall){ tm.tm_year + (int64_t)1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min };
	*off = wall_seconds(&w) + tm.tm_sec - t;
	return 0;
}

/*
 * Between lo and hi, whose offsets differ, finds the first second of
 * the offset at hi, assuming one change only.
 */
static int
find_change(int64_t lo, int64_t hi, int64_t off_lo, int64_t *change)
{
	int64_t mid, off;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (utc_offset(mid, &off) != 0)
			return -1;
		if (off == off_lo)
			lo = mid;
		else
			hi = mid;
	}
	*change = hi;
	return 0;
}

/*
 * The latest wall-clock second the clock has shown up to instant s, given
 * the offsets at s and a window before: past a fall-back, that is the
 * second before the clock was set back.
 */
static int
wall_max(int64_t s, int64_t off, int64_t off0, int64_t *max)
{
	int64_t change;

	*max = s + off;
	if (off0 <= off)
		return 0;
	if (find_change(s - WINDOW, s, off0, &change) != 0)
		return -1;
	if (change - 1 + off0 > *max)
		*max = change - 1 + off0;
	return 0;
}

/*
 * The first instant at which the clock reads wall-clock second ws or later,
 * near ws - off: its first occurrence, or the end of the gap it falls in.
 */
static int
first_instant(int64_t ws, int64_t off, int64_t *t)
{
	int64_t p = ws - off, ob, oe, change;

	if (utc_offset(p - WINDOW, &ob) != 0 ||
	    utc_offset(p + WINDOW, &oe) != 0)
		return -1;
	if (ob == oe) {
		*t = ws - ob;
		return 0;
	}
	if (find_change(p - WINDOW, p + WINDOW, ob, &change) != 0)
		return -1;
	if (ws < change + ob)
		*t = ws - ob;
	else if (ws < change + oe)
		*t = change;		/* in the gap */
	else
		*t = ws - oe;
	return 0;
}

/* The first matching wall-clock minute after wall-clock second max. */
static int
next_wall(const struct job_cron *c, int64_t max, int64_t *ws)
{
	struct wall w;
	int64_t day = floor_div(max, DAY), sec = max - day * DAY;

	civil_from_days(day, &w);
	w.hour = (int)(sec / 3600);
	w.min = (int)(sec % 3600 / 60) + 1;
	if (search(c, &w) != 0)
		return JOB_EBADCRON;
	*ws = wall_seconds(&w);
	return 0;
}

/*
 * The general case, for when the offset changes near s (after, in
 * seconds) or the run: off0 is the offset a window before s.
 */
static int
next_instant(const struct job_cron *c, int64_t s, int64_t off0, int64_t *t)
{
	int64_t off, max, ws;
	int rc;

	if (utc_offset(s, &off) != 0 || wall_max(s, off, off0, &max) != 0)
		return JOB_ETIMERANGE;
	for (;;) {
		if ((rc = next_wall(c, max, &ws)) != 0)
			return rc;
		if (first_instant(ws, off, t) != 0)
			return JOB_ETIMERANGE;
		if (*t > s)
			return 0;
		max = ws;	/* it ran already; only odd zones get here */
	}
}

int
job_cron_next(const struct job_cron *cron, job_time_t after,
    job_time_t *next)
{
	struct job_cron c = *cron;
	int64_t s, off, off1, ws, t;
	int rc;

	/* Ignore stray bits of a hand-made or decoded struct. */
	c.minutes &= ((uint64_t)1 << 60) - 1;
	c.hours &= 0xffffff;
	c.mdays &= days_mask(31);
	c.months &= 0x1ffe;
	c.wdays &= 0x7f;

	tzset();	/* localtime_r() need not notice a new TZ */
	s = floor_div(after, JOB_NSEC);
	if (utc_offset(s - WINDOW, &off) != 0)
		return JOB_ETIMERANGE;
	/*
	 * Mostly the offset is the same from a window before s to a window
	 * after the run found, so no change is near: two look-ups suffice.
	 */
	if ((rc = next_wall(&c, s + off, &ws)) != 0)
		return rc;
	t = ws - off;
	if (t - s > WINDOW || utc_offset(t + WINDOW, &off1) != 0 ||
	    off1 != off) {
		if ((rc = next_instant(&c, s, off, &t)) != 0)
			return rc;
	}
	if (t > JOB_TIME_MAX / JOB_NSEC)
		return JOB_ETIMERANGE;
	*next = t * JOB_NSEC;
	return 0;
}
