/*
 * store_open.c: opening and closing a store directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Creates dir and its missing parents; the last one with mode 0700. */
static int
make_dirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);
	struct stat sb;

	if (n == 0 || n >= sizeof path)
		return n ? ENAMETOOLONG : JOB_EINVAL;
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			return errno;
		*p = '/';
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return errno;
	if (stat(path, &sb) == -1)
		return errno;
	return S_ISDIR(sb.st_mode) ? 0 : ENOTDIR;
}

/* Creates the store's log and run directories and its wake-up file. */
static int
make_layout(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, JOB_LOG_DIR);
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return errno;
	snprintf(path, sizeof path, "%s/%s", dir, JOB_RUN_DIR);
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return errno;
	snprintf(path, sizeof path, "%s/%s", dir, JOB_WAKE_FILE);
	/* Read-only: closing it must not wake the executors for nothing. */
	if ((fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return errno;
	close(fd);
	return 0;
}

/* Checks that a store directory that should exist does. */
static int
check_dir(const char *dir)
{
	struct stat sb;

	if (stat(dir, &sb) == -1)
		return errno == ENOENT ? JOB_ENOSTORE : errno;
	return S_ISDIR(sb.st_mode) ? 0 : ENOTDIR;
}

int
job_store_open(job_store **out, const char *dir, int flags)
{
	job_store *s;
	int rc, create = flags & JOB_STORE_CREATE;

	if ((rc = job_std_fds_ensure()) != 0)
		return rc;
	if (strlen(dir) > 4000)
		return ENAMETOOLONG;
	if ((rc = create ? make_dirs(dir) : check_dir(dir)) != 0)
		return rc;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return ENOMEM;
	if ((s->dir = strdup(dir)) == NULL) {
		free(s);
		return ENOMEM;
	}
	/* The layout only once the store is known to be job's. */
	if ((rc = store_open(&s->st, dir, create)) != 0 ||
	    (create && (rc = make_layout(dir)) != 0)) {
		job_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
job_store_close(job_store *s)
{
	if (s == NULL)
		return;
	store_close(s->st);
	free(s->dir);
	free(s);
}

const char *
job_store_dir(const job_store *s)
{
	return s->dir;
}
