/*
 * lmdb_impl.h: what the files of the LMDB backend share: the handles,
 * the databases, and the encoding of integers in keys.
 */
#ifndef JOB_LMDB_IMPL_H
#define JOB_LMDB_IMPL_H

#include <errno.h>
#include <string.h>

#include <lmdb.h>

#include "store.h"

#define MAP_INITIAL ((size_t)64 << 20)
#define MAX_READERS 1024
#define QUEUE_MAX 128
#define KEY_MAX 511		/* LMDB's longest key, by default */

/*
 * The databases.  Those before DB_ADDED are in every job store (their
 * presence is part of the marker); later ones came with a newer schema,
 * so an older store gets them at its first write, and a reader of an
 * older store finds them missing (st->missing).
 */
enum { DB_META, DB_JOBS, DB_WAITING, DB_READY, DB_KEYS, DB_NAMES,
	DB_FINISHED, DB_RUNNING, DB_PAYLOADS, DB_COUNT };
#define DB_ADDED DB_PAYLOADS

struct store {
	MDB_env *env;			/* NULL: a reopening failed */
	MDB_dbi dbi[DB_COUNT];
	unsigned missing;		/* bit (1 << db): not in this store */
	char *dir;
	int rdonly;			/* reopened read-write to write */
	int reserve_kept;		/* the reserve is known to be there */
};

/* The names of the databases, in the order of the DB_ constants. */
extern const char *const lmdb_db_names[DB_COUNT];

/*
 * Opens st->env on st->dir and st->dbi, read-only or read-write;
 * creating a new store needs create (lmdb_open.c).
 */
int lmdb_env_open(struct store *st, int write, int create);

/* Makes a store opened read-only writable, before its first write. */
int lmdb_writable(struct store *st);

/*
 * The real cause of a failed write of the store in dir: LMDB says EIO
 * for a short write, which a full disk or the file size limit explains
 * (lmdb_space.c).
 */
int lmdb_write_error(const char *dir, int rc);

/* Makes the store's reserve for deletes on a full disk, if it can. */
void lmdb_reserve_keep(struct store *st);

/*
 * Where puts into one database go: a cursor kept for the transaction,
 * and a key known to be at least the last key of the database, so that
 * a put past it can append (MDB_APPEND) instead of searching the tree.
 */
struct put_end {
	MDB_cursor *cursor;		/* NULL until the first put */
	enum { END_UNKNOWN, END_EMPTY, END_KEY, END_NONE } state;
	size_t len;
	unsigned char key[KEY_MAX];
};

/*
 * A transaction.  The id counter and the per-state counts change with
 * nearly every write: they are read once, kept here, and written back
 * once before the commit, not once per job.
 */
struct store_txn {
	struct store *st;
	MDB_txn *txn;
	job_time_t now;
	int write;
	int meta_loaded;
	int meta_dirty;
	uint64_t next_id;
	uint64_t counts[JOB_NSTATES];
	struct put_end end[DB_COUNT];
};

/* Translates an LMDB result into a libjob one. */
static inline int
map_err(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return JOB_ENOJOB;
	case MDB_MAP_FULL:
		return MDB_MAP_FULL;	/* store_write grows the map */
	case MDB_TXN_FULL:
		return ENOMEM;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		return JOB_ECORRUPT;
	default:
		/* Pass errno values and JOB_E codes through. */
		return rc >= MDB_KEYEXIST && rc <= MDB_LAST_ERRCODE ?
		    JOB_EBACKEND : rc;
	}
}

static inline void
put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static inline uint64_t
get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Signed to order-preserving unsigned. */
static inline void
put_i64(unsigned char *p, int64_t v)
{
	put_u64(p, (uint64_t)v ^ UINT64_C(0x8000000000000000));
}

static inline int64_t
get_i64(const unsigned char *p)
{
	return (int64_t)(get_u64(p) ^ UINT64_C(0x8000000000000000));
}

static inline MDB_val
val(const void *p, size_t n)
{
	MDB_val v = { n, (void *)p };

	return v;
}

static inline MDB_val
str_val(const char *s)
{
	return val(s, strlen(s));
}

/* Puts k -> v into db, appending when k is past its end (lmdb.c). */
int lmdb_put(struct store_txn *t, int db, MDB_val k, MDB_val v);

/* Deletes a key; a missing key is not an error. */
static inline int
db_del(struct store_txn *t, int db, MDB_val k)
{
	int rc = mdb_del(t->txn, t->st->dbi[db], &k, NULL);

	return rc == MDB_NOTFOUND ? 0 : map_err(rc);
}

static inline int
db_get(struct store_txn *t, int db, MDB_val k, MDB_val *v)
{
	return map_err(mdb_get(t->txn, t->st->dbi[db], &k, v));
}

/*
 * Key layouts, offsets and sizes in bytes.  Integers are big-endian
 * (put_u64, put_i64), so that the order of the bytes is the order of
 * the numbers, and each index walks in the order it serves.
 *
 *   jobs, payloads, running:  id                     (-> owner: running)
 *   waiting:   run_at id                             -> priority queue
 *   ready:     queue NUL, then ~priority run_at id   -> nothing
 *   finished:  state finished_at id                  -> nothing
 *   keys, names: the string (or NUL and its SHA-256) -> id
 */
#define ID_KEY 8		/* a key, or value, that is one id */
#define WAIT_KEY 16		/* run_at, id */
#define WAIT_ID 8
#define WAIT_QUEUE 8		/* in its value, after the priority */
#define READY_SUFFIX 24		/* after the queue and its NUL */
#define READY_RUN_AT 8		/* after ~priority: higher sorts first */
#define READY_ID 16
#define FINISHED_KEY 17		/* state, finished_at, id */
#define FINISHED_AT 1
#define FINISHED_ID 9

void lmdb_ready_suffix(unsigned char *k, int64_t priority, job_time_t run_at,
    uint64_t id);
int lmdb_add_pending(struct store_txn *t, const struct store_index *ix);
int lmdb_count_add(struct store_txn *t, int state, int delta);
int lmdb_count_set(struct store_txn *t, const uint64_t counts[JOB_NSTATES]);
int lmdb_meta_touch(struct store_txn *t);

#endif
