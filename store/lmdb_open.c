/*
 * lmdb_open.c: opening a store's LMDB environment, and telling a job
 * store from anything else.
 *
 * A job store is an environment holding the databases of lmdb.c, its
 * "meta" holding the schema version: that record is the marker.  Nothing
 * is written to an environment before it is known to be one, and LMDB
 * itself would write: it creates lock.mdb whenever it opens an
 * environment with locking, and writes its meta pages into an empty
 * data.mdb (even when asked to open it read-only).  So:
 *
 *  - data.mdb's header (LMDB's magic) is checked before LMDB opens it;
 *  - a reader opens the environment read-only, and where there is no
 *    lock.mdb (no process has it open), without locks: it creates
 *    nothing.  An empty data.mdb reads as a store with no jobs yet.  The
 *    first write through a store opened for reading reopens it
 *    read-write;
 *  - a writer decides in one write transaction: an environment whose
 *    main database is empty is a new store, whose databases and marker
 *    it creates in that transaction (so concurrent creators both
 *    succeed); one with other contents and no marker is another
 *    program's, refused with the transaction aborted.  Where there is no
 *    lock.mdb the writer first checks as a reader, so that LMDB creates
 *    none in another program's environment.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lmdb_impl.h"

/* LMDB's file format (mdb.c): a meta page heads the data file. */
#define LMDB_PAGE_HEADER 16	/* PAGEHDRSZ: page number, pad, flags */
#define LMDB_P_META 0x08	/* mp_flags of a meta page */
#define LMDB_MAGIC 0xBEEFC0DEu	/* mm_magic */
#define LMDB_DATA_VERSION 1	/* mm_version */

const char *const lmdb_db_names[DB_COUNT] = {
	"meta", "jobs", "waiting", "ready", "keys", "names", "finished",
	"running"
};

enum { DATA_NONE, DATA_EMPTY, DATA_LMDB };

static int
file_path(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}

/* Is the header of data.mdb, h, an LMDB meta page? */
static int
lmdb_header(const unsigned char *h)
{
	uint16_t flags;
	uint32_t magic, version;

	memcpy(&flags, h + 10, sizeof flags);
	memcpy(&magic, h + LMDB_PAGE_HEADER, sizeof magic);
	memcpy(&version, h + LMDB_PAGE_HEADER + 4, sizeof version);
	return (flags & LMDB_P_META) && magic == LMDB_MAGIC &&
	    version == LMDB_DATA_VERSION;
}

/* Sets *kind to what data.mdb is: missing, empty, or LMDB's; else corrupt. */
static int
data_kind(const char *dir, int *kind)
{
	unsigned char h[LMDB_PAGE_HEADER + 8];
	char path[4096];
	struct stat sb;
	ssize_t n;
	int fd, rc;

	if ((rc = file_path(path, sizeof path, dir, "data.mdb")) != 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*kind = DATA_NONE;
		return errno == ENOENT ? 0 : errno;
	}
	if (fstat(fd, &sb) == -1)
		rc = errno;
	else if (!S_ISREG(sb.st_mode))
		rc = JOB_ENOTSTORE;
	else if (sb.st_size == 0)
		*kind = DATA_EMPTY;
	else if ((n = pread(fd, h, sizeof h, 0)) == -1)
		rc = errno;
	else if ((size_t)n < sizeof h || !lmdb_header(h))
		rc = JOB_ECORRUPT;
	else
		*kind = DATA_LMDB;
	close(fd);
	return rc;
}

static int
has_lock_file(const char *dir)
{
	char path[4096];

	return file_path(path, sizeof path, dir, "lock.mdb") == 0 &&
	    access(path, F_OK) == 0;
}

/* Handlers must not inherit the data file: LMDB leaves it open on exec. */
static void
set_cloexec(MDB_env *env)
{
	mdb_filehandle_t fd;
	int flags;

	if (mdb_env_get_fd(env, &fd) == 0 &&
	    (flags = fcntl(fd, F_GETFD)) != -1)
		fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

static void
env_close(struct store *st)
{
	if (st->env)
		mdb_env_close(st->env);
	st->env = NULL;
}

static int
env_open(struct store *st, unsigned flags)
{
	int rc, dead;

	if ((rc = mdb_env_create(&st->env)) != 0) {
		st->env = NULL;
		return map_err(rc);
	}
	mdb_env_set_maxdbs(st->env, DB_COUNT);
	mdb_env_set_maxreaders(st->env, MAX_READERS);
	mdb_env_set_mapsize(st->env, MAP_INITIAL);
	rc = mdb_env_open(st->env, st->dir, flags | MDB_NOTLS | MDB_NORDAHEAD,
	    0600);
	if (rc) {
		env_close(st);
		return map_err(rc);
	}
	set_cloexec(st->env);
	if (!(flags & MDB_NOLOCK))
		mdb_reader_check(st->env, &dead);
	return 0;
}

/* Sets *empty if the main database, which names the others, is empty. */
static int
env_empty(MDB_txn *txn, int *empty)
{
	MDB_dbi main;
	MDB_stat ms;
	int rc;

	if ((rc = mdb_dbi_open(txn, NULL, 0, &main)) != 0 ||
	    (rc = mdb_stat(txn, main, &ms)) != 0)
		return map_err(rc);
	*empty = ms.ms_entries == 0;
	return 0;
}

/* A new store: its databases, then its marker. */
static int
create_store(MDB_txn *txn, struct store *st)
{
	uint32_t version = JOB_SCHEMA_VERSION;
	MDB_val k = str_val("version"), v = val(&version, sizeof version);
	int rc;

	for (int i = 0; i < DB_COUNT; i++)
		if ((rc = mdb_dbi_open(txn, lmdb_db_names[i], MDB_CREATE,
		    &st->dbi[i])) != 0)
			return map_err(rc);
	return map_err(mdb_put(txn, st->dbi[DB_META], &k, &v, 0));
}

/* Opens the databases of a job store: JOB_ENOTSTORE if it is not one. */
static int
open_store(MDB_txn *txn, struct store *st)
{
	MDB_val k = str_val("version"), v;
	uint32_t version;
	int rc;

	for (int i = 0; i < DB_COUNT; i++) {
		rc = mdb_dbi_open(txn, lmdb_db_names[i], 0, &st->dbi[i]);
		if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE)
			return JOB_ENOTSTORE;
		if (rc)
			return map_err(rc);
	}
	rc = mdb_get(txn, st->dbi[DB_META], &k, &v);
	if (rc == MDB_NOTFOUND)
		return JOB_ENOTSTORE;
	if (rc)
		return map_err(rc);
	if (v.mv_size != sizeof version)
		return JOB_ECORRUPT;
	memcpy(&version, v.mv_data, sizeof version);
	return version > JOB_SCHEMA_VERSION ? JOB_ESCHEMA : 0;
}

/*
 * Tells in one transaction (a write one if write) what the environment
 * holds, opening the databases of a job store, or creating them in an
 * empty environment if create.
 */
static int
identify(struct store *st, int write, int create)
{
	unsigned flags = write ? 0 : MDB_RDONLY;
	MDB_txn *txn;
	int rc, empty;

	rc = mdb_txn_begin(st->env, NULL, flags, &txn);
	if (rc == MDB_MAP_RESIZED) {
		mdb_env_set_mapsize(st->env, 0);
		rc = mdb_txn_begin(st->env, NULL, flags, &txn);
	}
	if (rc)
		return map_err(rc);
	if ((rc = env_empty(txn, &empty)) == 0)
		rc = !empty ? open_store(txn, st) :
		    create ? create_store(txn, st) : JOB_ENOSTORE;
	if (rc) {
		mdb_txn_abort(txn);
		return rc;
	}
	return map_err(mdb_txn_commit(txn));
}

/* Opens the environment with flags and identifies it. */
static int
env_check(struct store *st, unsigned flags, int create)
{
	int rc;

	if ((rc = env_open(st, flags)) == 0 &&
	    (rc = identify(st, !(flags & MDB_RDONLY), create)) != 0)
		env_close(st);
	return rc;
}

int
lmdb_env_open(struct store *st, int write, int create)
{
	int rc, kind, nolock;

	if ((rc = data_kind(st->dir, &kind)) != 0)
		return rc;
	if (kind != DATA_LMDB && !create)
		return JOB_ENOSTORE;	/* nothing in it yet */
	nolock = kind == DATA_LMDB && !has_lock_file(st->dir);
	if (!write || nolock) {
		rc = env_check(st, MDB_RDONLY | (nolock ? MDB_NOLOCK : 0), 0);
		if (rc || !write)
			return rc;
		env_close(st);
	}
	if ((rc = env_check(st, 0, create)) != 0)
		return lmdb_write_error(st->dir, rc);
	return 0;
}

int
lmdb_writable(struct store *st)
{
	int rc;

	if (!st->rdonly)
		return st->env ? 0 : JOB_EBACKEND;
	env_close(st);
	if ((rc = lmdb_env_open(st, 1, 0)) == 0)
		st->rdonly = 0;
	else
		lmdb_env_open(st, 0, 0);	/* reading still works */
	return rc;
}

int
store_open(struct store **out, const char *dir, int create)
{
	struct store *st;
	int rc;

	if ((st = calloc(1, sizeof *st)) == NULL)
		return ENOMEM;
	if ((st->dir = strdup(dir)) == NULL) {
		free(st);
		return ENOMEM;
	}
	st->rdonly = !create;
	if ((rc = lmdb_env_open(st, create, create)) != 0) {
		store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	env_close(st);
	free(st->dir);
	free(st);
}
