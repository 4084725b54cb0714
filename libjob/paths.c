/*
 * paths.c: where the store and the handlers live by default.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "job.h"

/*
 * Writes dir, else $env, else ${xdg:-$HOME/fallback}/job[/sub] into buf.
 */
static int
resolve(const char *dir, const char *env, const char *xdg,
    const char *fallback, const char *sub, char *buf, size_t size)
{
	const char *s, *home;
	int n;

	if (dir == NULL && (s = getenv(env)) != NULL && *s)
		dir = s;
	if (dir)
		n = snprintf(buf, size, "%s", dir);
	else if ((s = getenv(xdg)) != NULL && *s == '/')
		n = snprintf(buf, size, "%s/job%s", s, sub);
	else if ((home = getenv("HOME")) != NULL && *home)
		n = snprintf(buf, size, "%s/%s/job%s", home, fallback, sub);
	else
		return JOB_EINVAL;
	if (n < 0 || (size_t)n >= size)
		return ENAMETOOLONG;
	return *buf ? 0 : JOB_EINVAL;
}

int
job_store_path(const char *dir, char *buf, size_t size)
{
	return resolve(dir, "JOB_DB", "XDG_STATE_HOME", ".local/state", "",
	    buf, size);
}

int
job_handlers_path(const char *dir, char *buf, size_t size)
{
	return resolve(dir, "JOB_HANDLERS", "XDG_CONFIG_HOME", ".config",
	    "/handlers", buf, size);
}
