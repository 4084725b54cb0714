/*
 * name.c: what a handler, queue or recurring-job name may be.  Names become
 * file names in the handlers directory, so no '/', no leading '.' or '-'.
 */
#include "job.h"

#define NAME_MAX_LEN 128

/* Byte tests by hand: <ctype.h> would depend on the locale. */
static int
is_word(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

int
job_name_valid(const char *s)
{
	size_t i;

	if (s == NULL || !is_word((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= NAME_MAX_LEN)
			return 0;
		if (!is_word((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != ':' && s[i] != '-')
			return 0;
	}
	return 1;
}
