/*
 * handler.c: whether a handler is one the executor may run, the one rule
 * that job-run applies at each start and the enqueue commands at enqueue.
 *
 * HANDLERS/NAME is resolved one component at a time from /, as the
 * kernel would, following each symbolic link (at most 40).  Each
 * directory entered on the way must be one that only the user or root
 * can change: owned by one of them, and writable by neither group nor
 * others unless it has the sticky bit (as /tmp has), where others cannot
 * rename or remove entries they do not own, and the entry below is
 * checked in turn.  The handlers directory and the final file get no
 * such leniency.  So nobody else can swap the file that will be exec'd,
 * wherever the links lead, nor any directory or link on the way to it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "job.h"

#define MAX_LINKS 40

/* A path half resolved: done is absolute and free of links. */
struct walk {
	char done[PATH_MAX];
	char rest[PATH_MAX];
	char comp[PATH_MAX];
	int links;
	struct stat sb;		/* of done, once the walk has ended */
};

/* What a check reports and to whom. */
struct report {
	const char *dir;	/* as given */
	const char *name;	/* NULL: the directory alone */
	char *why;
	size_t size;
};

/*
 * Could someone other than the user or root change it?  1: writable by
 * group or others (a sticky directory is not, if lenient); 2: owned by
 * neither.
 */
static int
changeable(const struct stat *sb, int lenient)
{
	if (sb->st_uid != getuid() && sb->st_uid != 0)
		return 2;
	if ((sb->st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return 0;
	if (lenient && S_ISDIR(sb->st_mode) && (sb->st_mode & S_ISVTX))
		return 0;
	return 1;
}

/* Takes the first component off w->rest into w->comp; 0 if none left. */
static int
pop(struct walk *w)
{
	char *p = w->rest, *slash;
	size_t n;

	while (*p == '/')
		p++;
	if (*p == '\0') {
		w->rest[0] = '\0';
		return 0;
	}
	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	memcpy(w->comp, p, n);
	w->comp[n] = '\0';
	p += n;
	memmove(w->rest, p, strlen(p) + 1);
	return 1;
}

/* Sets w->rest to s followed by what is left of it. */
static int
prepend(struct walk *w, const char *s)
{
	size_t n = strlen(s), left = strlen(w->rest);

	if (n + 1 + left + 1 > sizeof w->rest)
		return ENAMETOOLONG;
	memmove(w->rest + n + 1, w->rest, left + 1);
	memcpy(w->rest, s, n);
	w->rest[n] = '/';
	return 0;
}

static void
parent(struct walk *w)
{
	char *slash = strrchr(w->done, '/');

	if (slash == w->done)
		w->done[1] = '\0';
	else
		*slash = '\0';
}

/* Appends w->comp to w->done. */
static int
child(struct walk *w)
{
	size_t n = strlen(w->done), c = strlen(w->comp);

	if (n + 1 + c + 1 > sizeof w->done)
		return ENAMETOOLONG;
	if (n > 1)
		w->done[n++] = '/';
	memcpy(w->done + n, w->comp, c + 1);
	return 0;
}

/* Follows the link w->done names: its target goes before the rest. */
static int
follow(struct walk *w)
{
	char target[PATH_MAX];
	ssize_t n;
	int rc;

	if (++w->links > MAX_LINKS)
		return ELOOP;
	if ((n = readlink(w->done, target, sizeof target)) == -1)
		return errno;
	if ((size_t)n >= sizeof target)
		return ENAMETOOLONG;
	target[n] = '\0';
	if ((rc = prepend(w, target)) != 0)
		return rc;
	if (target[0] == '/')
		snprintf(w->done, sizeof w->done, "/");
	else
		parent(w);
	return 0;
}

/*
 * One step: enters, follows or ends at w->comp.  Returns 0 or an errno,
 * or -1 or -2 as changeable() for a directory others could change.
 */
static int
step(struct walk *w)
{
	int rc;

	if (strcmp(w->comp, ".") == 0)
		return 0;
	if (strcmp(w->comp, "..") == 0) {
		parent(w);	/* already checked on the way in */
		return 0;
	}
	if ((rc = child(w)) != 0)
		return rc;
	if (lstat(w->done, &w->sb) == -1)
		return errno;
	if (S_ISLNK(w->sb.st_mode))
		return follow(w);
	if (S_ISDIR(w->sb.st_mode))
		return -changeable(&w->sb, 1);
	return w->rest[strspn(w->rest, "/")] ? ENOTDIR : 0;
}

/*
 * Walks w->rest to its end; w->done and w->sb are where it ended, or,
 * on an error, the path at fault.
 */
static int
walk(struct walk *w)
{
	int rc;

	while (pop(w))
		if ((rc = step(w)) != 0)
			return rc;
	if (lstat(w->done, &w->sb) == -1)
		return errno;
	return 0;
}

/* Starts the walk at / (checked too) with path, made absolute. */
static int
start(struct walk *w, const char *path)
{
	size_t n = strlen(path);
	int rc;

	memset(w, 0, sizeof *w);
	if (n + 1 > sizeof w->rest)
		return ENAMETOOLONG;
	memcpy(w->rest, path, n + 1);
	if (path[0] != '/') {
		if (getcwd(w->comp, sizeof w->comp) == NULL)
			return errno;
		if ((rc = prepend(w, w->comp)) != 0)
			return rc;
	}
	snprintf(w->done, sizeof w->done, "/");
	if (lstat(w->done, &w->sb) == -1)
		return errno;
	return -changeable(&w->sb, 1);
}

/* Says why a handler cannot run: the offending path and what is wrong. */
static void
say(const struct report *r, const char *path, const char *what)
{
	if (r->why == NULL || r->size == 0)
		return;
	snprintf(r->why, r->size, "cannot run handler %s: %s %s", r->name,
	    path, what);
}

/* A changeable() verdict as a code and a message. */
static int
unsafe(const struct report *r, const char *path, int how)
{
	say(r, path, how == 2 ? "belongs to neither the user nor root" :
	    "is writable by group or others");
	return JOB_EUNSAFE;
}

/* The handlers directory cannot be reached or used. */
static int
no_dir(const struct report *r, const char *path, int e)
{
	if (r->why == NULL || r->size == 0)
		return JOB_ENOHANDLERS;
	if (r->name && strcmp(path, r->dir) == 0)
		snprintf(r->why, r->size, "cannot run handler %s: handlers "
		    "directory %s: %s", r->name, r->dir, strerror(e));
	else if (r->name)
		snprintf(r->why, r->size, "cannot run handler %s: handlers "
		    "directory %s: %s: %s", r->name, r->dir, path,
		    strerror(e));
	else
		snprintf(r->why, r->size, "handlers directory %s: %s", r->dir,
		    strerror(e));
	return JOB_ENOHANDLERS;
}

/* Resolves and checks the handlers directory; *w ends in it. */
static int
check_dir(struct walk *w, const struct report *r)
{
	char what[PATH_MAX + 32];
	int rc;

	if ((rc = start(w, r->dir)) == 0)
		rc = walk(w);
	if (rc < 0 && w->rest[strspn(w->rest, "/")] == '\0')
		rc = 0;		/* the handlers directory: checked below */
	if (rc < 0)
		return unsafe(r, w->done, -rc);
	if (rc == 0 && !S_ISDIR(w->sb.st_mode))
		rc = ENOTDIR;
	if (rc == 0 && access(w->done, X_OK) == -1)
		rc = errno;
	if (rc)
		return no_dir(r, w->done, rc);
	if ((rc = changeable(&w->sb, 0)) != 0) {
		snprintf(what, sizeof what, "handlers directory %s", w->done);
		return unsafe(r, what, rc);
	}
	return 0;
}

/* From the handlers directory, resolves and checks the handler file. */
static int
check_file(struct walk *w, const struct report *r)
{
	int rc;

	snprintf(w->rest, sizeof w->rest, "%s", r->name);
	if ((rc = walk(w)) < 0)
		return unsafe(r, w->done, -rc);
	if (rc == ENOENT) {
		if (r->why && r->size)
			snprintf(r->why, r->size, "handler %s not registered: "
			    "%s: %s", r->name, w->done, strerror(rc));
		return JOB_ENOHANDLER;
	}
	if (rc) {
		if (r->why && r->size)
			snprintf(r->why, r->size, "cannot run handler %s: "
			    "%s: %s", r->name, w->done, strerror(rc));
		return rc;
	}
	if (!S_ISREG(w->sb.st_mode)) {
		say(r, w->done, "is not a regular file");
		return EACCES;
	}
	if ((rc = changeable(&w->sb, 0)) != 0)
		return unsafe(r, w->done, rc);
	if (access(w->done, X_OK) == -1) {
		say(r, w->done, "is not executable");
		return EACCES;
	}
	return 0;
}

/* The directory alone: what job-run needs to start. */
static int
check_usable(const struct report *r)
{
	struct stat sb;

	if (stat(r->dir, &sb) == -1)
		return no_dir(r, r->dir, errno);
	if (!S_ISDIR(sb.st_mode))
		return no_dir(r, r->dir, ENOTDIR);
	if (access(r->dir, R_OK | X_OK) == -1)
		return no_dir(r, r->dir, errno);
	return 0;
}

int
job_handler_check(const char *dir, const char *name, char *why,
    size_t size)
{
	struct report r = { dir, name, why, size };
	struct walk w;
	int rc;

	if (why && size)
		why[0] = '\0';
	if (dir == NULL || *dir == '\0')
		return no_dir(&r, "", ENOENT);
	if (name == NULL)
		return check_usable(&r);
	if (!job_name_valid(name)) {
		if (why && size)
			snprintf(why, size, "invalid handler name");
		return JOB_EBADNAME;
	}
	if ((rc = check_dir(&w, &r)) != 0)
		return rc;
	return check_file(&w, &r);
}
