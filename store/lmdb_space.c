/*
 * lmdb_space.c: the LMDB backend on a full disk.
 *
 * LMDB reports a short write as EIO, though its usual cause is a full
 * file system or the file size limit (RLIMIT_FSIZE): those are found
 * out and named instead.
 *
 * Deleting needs room too: LMDB copies every page it changes, so on a
 * full disk even removing jobs fails, and space could never be freed.
 * So the store keeps a reserve, a file of RESERVE_SIZE bytes allocated
 * on the disk beside data.mdb.  A write that frees space (removing
 * jobs) and fails for want of room gives the reserve back to the file
 * system and tries again, once; any later write that succeeds makes the
 * reserve anew, if there is room for it by then.  Only writers touch
 * it: a reader creates nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lmdb_impl.h"

#define RESERVE_FILE "reserve"
#define RESERVE_SIZE ((off_t)1 << 20)
#define FULL_SLACK ((uint64_t)1 << 20)	/* free space that counts as none */

static int
path_of(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}

/* Does the file size limit stop data.mdb from growing? */
static int
at_size_limit(const char *dir)
{
	char path[4096];
	struct rlimit rl;
	struct stat sb;

	if (getrlimit(RLIMIT_FSIZE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    path_of(path, sizeof path, dir, "data.mdb") != 0 ||
	    stat(path, &sb) != 0)
		return 0;
	return (uint64_t)sb.st_size + FULL_SLACK / 16 >= rl.rlim_cur;
}

/* Is the file system of dir (all but) full, for this user? */
static int
disk_full(const char *dir)
{
	struct statvfs vfs;
	uint64_t blocks;

	if (statvfs(dir, &vfs) != 0)
		return 0;
	blocks = geteuid() == 0 ? vfs.f_bfree : vfs.f_bavail;
	return blocks * vfs.f_frsize < FULL_SLACK;
}

int
lmdb_write_error(const char *dir, int rc)
{
	if (rc != EIO)
		return rc;
	if (at_size_limit(dir))
		return EFBIG;
	return disk_full(dir) ? ENOSPC : rc;
}

void
lmdb_reserve_keep(struct store *st)
{
	char path[4096];
	struct rlimit rl;
	int fd;

	if (st->reserve_kept || st->rdonly ||
	    path_of(path, sizeof path, st->dir, RESERVE_FILE) != 0)
		return;
	if (access(path, F_OK) == 0) {
		st->reserve_kept = 1;
		return;
	}
	/* Past the size limit, allocating would raise SIGXFSZ. */
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)RESERVE_SIZE)
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		st->reserve_kept = errno == EEXIST;
		return;
	}
	if (posix_fallocate(fd, 0, RESERVE_SIZE) == 0)
		st->reserve_kept = 1;
	else
		unlink(path);	/* no room yet: next time */
	close(fd);
}

/* Gives the reserve back to the file system; 0 if there was one. */
static int
reserve_release(struct store *st)
{
	char path[4096];
	int rc;

	if ((rc = path_of(path, sizeof path, st->dir, RESERVE_FILE)) != 0)
		return rc;
	st->reserve_kept = 0;
	return unlink(path) == 0 ? 0 : errno;
}

/* A transaction that changes nothing but the transaction id. */
static int
touch_fn(struct store_txn *t, void *arg)
{
	(void)arg;
	return lmdb_meta_touch(t);
}

/*
 * LMDB reuses the pages a transaction freed only two transactions later;
 * after a delete that needed the reserve, on a disk that is full, one
 * more transaction makes what the delete freed usable by the next write.
 */
int
store_write_freeing(struct store *st,
    int (*fn)(struct store_txn *, void *), void *arg)
{
	int rc = store_write(st, fn, arg);

	if (rc != ENOSPC || reserve_release(st) != 0)
		return rc;
	if ((rc = store_write(st, fn, arg)) == 0)
		store_write(st, touch_fn, NULL);
	return rc;
}
