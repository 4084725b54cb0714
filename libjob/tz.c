/*
 * tz.c: is TZ a time zone the C library knows?  glibc takes any value it
 * cannot read as UTC, silently; the commands that compute local times
 * ask here so that they can say so.
 *
 * As glibc reads TZ: unset or empty is the default zone (or UTC); a
 * leading ':' is dropped; then a zone file (TZif) under $TZDIR or
 * /usr/share/zoneinfo, or at an absolute path; else a POSIX TZ string,
 * "std offset [dst [offset] [,rule,rule]]".
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"

/* Is name a compiled zone (a file that starts with the TZif magic)? */
static int
zone_file(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[PATH_MAX], magic[4];
	int fd, n;

	if (*name == '/')
		n = snprintf(path, sizeof path, "%s", name);
	else
		n = snprintf(path, sizeof path, "%s/%s",
		    dir && *dir ? dir : "/usr/share/zoneinfo", name);
	if (n < 0 || (size_t)n >= sizeof path)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = (int)read(fd, magic, sizeof magic);
	close(fd);
	return n == 4 && memcmp(magic, "TZif", 4) == 0;
}

static int
in(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

#define ALPHA "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define DIGIT "0123456789"

/* A zone name: three letters or more, or <...> of [A-Za-z0-9+-]. */
static int
tz_name(const char **sp)
{
	const char *s = *sp, *set = ALPHA;
	int quoted = *s == '<';
	size_t n;

	if (quoted) {
		set = ALPHA DIGIT "+-";
		s++;
	}
	for (n = 0; in(s[n], set); n++)
		;
	if (n < 3 || (quoted && s[n] != '>'))
		return 0;
	*sp = s + n + quoted;
	return 1;
}

/* 1 to 3 digits, at most max. */
static int
tz_number(const char **sp, int max)
{
	int v = 0, n = 0;

	for (; n < 3 && in(**sp, DIGIT); (*sp)++, n++)
		v = v * 10 + (**sp - '0');
	return n > 0 && v <= max;
}

/* [+-]hh[:mm[:ss]], hh at most maxh. */
static int
tz_offset(const char **sp, int maxh)
{
	if (in(**sp, "+-"))
		(*sp)++;
	if (!tz_number(sp, maxh))
		return 0;
	for (int i = 0; i < 2 && **sp == ':'; i++) {
		(*sp)++;
		if (!tz_number(sp, 59))
			return 0;
	}
	return 1;
}

/* Jn, n or Mm.w.d, then an optional /time. */
static int
tz_rule(const char **sp)
{
	if (**sp == 'J') {
		(*sp)++;
		if (!tz_number(sp, 365))
			return 0;
	} else if (**sp == 'M') {
		(*sp)++;
		if (!tz_number(sp, 12) || *(*sp)++ != '.' ||
		    !tz_number(sp, 5) || *(*sp)++ != '.' || !tz_number(sp, 6))
			return 0;
	} else if (!tz_number(sp, 365))
		return 0;
	if (**sp != '/')
		return 1;
	(*sp)++;
	return tz_offset(sp, 167);
}

static int
posix_tz(const char *s)
{
	if (!tz_name(&s) || !tz_offset(&s, 24))
		return 0;
	if (*s == '\0')
		return 1;
	if (!tz_name(&s))
		return 0;
	if (*s != ',' && *s != '\0' && !tz_offset(&s, 24))
		return 0;
	if (*s == '\0')
		return 1;
	return *s++ == ',' && tz_rule(&s) && *s++ == ',' && tz_rule(&s) &&
	    *s == '\0';
}

int
job_tz_valid(const char *tz)
{
	if (tz == NULL || *tz == '\0')
		return 1;
	if (*tz == ':')
		tz++;
	/* ":" alone, and names that mean UTC even without zone files. */
	if (*tz == '\0' || strcmp(tz, "UTC") == 0 || strcmp(tz, "GMT") == 0)
		return 1;
	return zone_file(tz) || posix_tz(tz);
}
