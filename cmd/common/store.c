/*
 * store.c: finding and opening the store for a command.
 */
#include <stdlib.h>

#include "common.h"

void
cmd_store_path(const char *dir, char *buf, size_t size)
{
	int rc;

	if ((rc = job_store_path(dir, buf, size)) != 0)
		cmd_die(EXIT_CANNOT, "cannot locate the store: %s%s",
		    job_strerror(rc), rc == JOB_EINVAL ?
		    " (set -d, JOB_DB or HOME)" : "");
}

job_store *
cmd_store_open(const char *dir, int create)
{
	char path[4096];
	job_store *store;
	int rc;

	cmd_store_path(dir, path, sizeof path);
	rc = job_store_open(&store, path, create ? JOB_STORE_CREATE : 0);
	if (rc == JOB_ENOSTORE && !create)
		return NULL;
	if (rc)
		cmd_die(EXIT_CANNOT, "%s: %s", path, job_strerror(rc));
	return store;
}
