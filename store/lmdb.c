/*
 * lmdb.c: the LMDB backend of store.h.
 *
 * One environment, eight named databases:
 *   meta      "version" -> u32, "next_id" -> u64, "count" -> 4 x u64
 *   jobs      id -> encoded record
 *   waiting   run_at, id -> priority, queue  (pending, not yet due)
 *   ready     queue NUL ~priority run_at id -> ""  (pending and due)
 *   keys      idempotency key (SHA-256 if long) -> id
 *   names     recurring name -> id
 *   finished  state finished_at id -> ""  (done and failed)
 *   running   id -> owner
 * Integers in keys are big-endian, signed ones with the sign bit flipped,
 * so that byte order is numeric order and every lookup is a cursor seek.
 * A pending job goes to "ready" if it is due when written, else to
 * "waiting", from which store_next_due() moves it once due: the best due
 * job of a queue is then the first key with the queue's prefix.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lmdb_impl.h"
#include "sha256.h"

static int save_meta(struct store_txn *t);
static void puts_close(struct store_txn *t);

/* Transactions ---------------------------------------------------------- */

static int
txn_begin(struct store *st, int write, struct store_txn *t)
{
	int rc;

	memset(t, 0, sizeof *t);
	t->st = st;
	t->write = write;
	t->now = job_now();
	if (st->env == NULL)
		return JOB_EBACKEND;
	rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
	if (rc == MDB_MAP_RESIZED) {
		/* Another process grew the map: adopt its size. */
		mdb_env_set_mapsize(st->env, 0);
		rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY,
		    &t->txn);
	}
	return map_err(rc);
}

/* Doubles the map after MDB_MAP_FULL; no transaction may be open. */
static int
grow_map(struct store *st)
{
	MDB_envinfo info;

	mdb_env_info(st->env, &info);
	return map_err(mdb_env_set_mapsize(st->env, info.me_mapsize * 2));
}

/*
 * Grows the map to hold twice `bytes` past the pages in use: pages are
 * not full, and a transaction writes the pages it touches anew.  Only
 * address space: the file grows as pages are written.
 */
int
store_reserve(struct store *st, size_t bytes)
{
	MDB_envinfo info;
	MDB_stat stat;
	size_t used, want, size;

	if (lmdb_writable(st) != 0)
		return 0;	/* no use: store_write() will say */
	mdb_env_info(st->env, &info);
	mdb_env_stat(st->env, &stat);
	used = (info.me_last_pgno + 1) * stat.ms_psize;
	if (bytes > SIZE_MAX / 8 || used > SIZE_MAX / 8)
		return 0;	/* no use: store_write() will say */
	want = used + 2 * bytes;
	for (size = info.me_mapsize; size < want; size *= 2)
		;
	if (size == info.me_mapsize)
		return 0;
	return map_err(mdb_env_set_mapsize(st->env, size));
}

int
store_write(struct store *st, int (*fn)(struct store_txn *, void *),
    void *arg)
{
	struct store_txn t;
	int rc;

	if ((rc = lmdb_writable(st)) != 0)
		return rc;
	for (;;) {
		if ((rc = txn_begin(st, 1, &t)) != 0)
			return rc;
		rc = fn(&t, arg);
		if (rc == 0)
			rc = save_meta(&t);
		puts_close(&t);
		if (rc == 0)
			rc = mdb_txn_commit(t.txn);
		else
			mdb_txn_abort(t.txn);
		if (rc != MDB_MAP_FULL)
			break;
		if ((rc = grow_map(st)) != 0)
			return rc;
	}
	if (rc == 0)
		lmdb_reserve_keep(st);
	return lmdb_write_error(st->dir, map_err(rc));
}

int
store_read(struct store *st, int (*fn)(struct store_txn *, void *),
    void *arg)
{
	struct store_txn t;
	int rc;

	if ((rc = txn_begin(st, 0, &t)) != 0)
		return rc;
	rc = fn(&t, arg);
	puts_close(&t);
	mdb_txn_abort(t.txn);
	return rc;
}

job_time_t
store_txn_now(const struct store_txn *txn)
{
	return txn->now;
}

/* Puts ------------------------------------------------------------------- */

/*
 * Writing a million jobs in one transaction is mostly putting keys past
 * the end of "jobs" (ids only grow) and of "ready" (one queue, one
 * priority, one time, growing ids).  LMDB appends such a key without a
 * search when asked (MDB_APPEND), but fails if the key is not past the
 * last one; so each database keeps, for the transaction, a cursor and a
 * key at least as large as its last key: a put past that key appends,
 * any other is an ordinary put.  Deletes leave the bound true.
 */

/* Finds out the last key of e's database, once per transaction. */
static int
end_load(struct put_end *e)
{
	MDB_val k, v;
	int rc;

	rc = mdb_cursor_get(e->cursor, &k, &v, MDB_LAST);
	if (rc == MDB_NOTFOUND) {
		e->state = END_EMPTY;
		return 0;
	}
	if (rc)
		return map_err(rc);
	if (k.mv_size > sizeof e->key) {
		e->state = END_NONE;
		return 0;
	}
	memcpy(e->key, k.mv_data, k.mv_size);
	e->len = k.mv_size;
	e->state = END_KEY;
	return 0;
}

/* Is k past the end of e's database? */
static int
end_before(struct store_txn *t, int db, struct put_end *e, MDB_val *k)
{
	MDB_val last = { e->len, e->key };

	if (e->state == END_EMPTY)
		return 1;
	return e->state == END_KEY && k->mv_size <= sizeof e->key &&
	    mdb_cmp(t->txn, t->st->dbi[db], k, &last) > 0;
}

int
lmdb_put(struct store_txn *t, int db, MDB_val k, MDB_val v)
{
	struct put_end *e = &t->end[db];
	int rc, append;

	if (e->cursor == NULL && (rc = mdb_cursor_open(t->txn,
	    t->st->dbi[db], &e->cursor)) != 0)
		return map_err(rc);
	if (e->state == END_UNKNOWN && (rc = end_load(e)) != 0)
		return rc;
	append = end_before(t, db, e, &k);
	rc = mdb_cursor_put(e->cursor, &k, &v, append ? MDB_APPEND : 0);
	if (rc)
		return map_err(rc);
	if (append) {
		memcpy(e->key, k.mv_data, k.mv_size);
		e->len = k.mv_size;
		e->state = END_KEY;
	}
	return 0;
}

/* Closes the put cursors: before the transaction ends. */
static void
puts_close(struct store_txn *t)
{
	for (int db = 0; db < DB_COUNT; db++)
		if (t->end[db].cursor)
			mdb_cursor_close(t->end[db].cursor);
}

/* Meta ------------------------------------------------------------------- */

/* Reads the id counter and the counts into the transaction, once. */
static int
load_meta(struct store_txn *t)
{
	MDB_val v;
	int rc;

	if (t->meta_loaded)
		return 0;
	t->next_id = 1;
	memset(t->counts, 0, sizeof t->counts);
	rc = db_get(t, DB_META, str_val("next_id"), &v);
	if (rc == 0 && v.mv_size != sizeof t->next_id)
		return JOB_ECORRUPT;
	if (rc == 0)
		memcpy(&t->next_id, v.mv_data, sizeof t->next_id);
	else if (rc != JOB_ENOJOB)
		return rc;
	rc = db_get(t, DB_META, str_val("count"), &v);
	if (rc == 0 && v.mv_size != sizeof t->counts)
		return JOB_ECORRUPT;
	if (rc == 0)
		memcpy(t->counts, v.mv_data, sizeof t->counts);
	else if (rc != JOB_ENOJOB)
		return rc;
	t->meta_loaded = 1;
	return 0;
}

/* Writes back what load_meta() read and the transaction changed. */
static int
save_meta(struct store_txn *t)
{
	int rc;

	if (!t->meta_dirty)
		return 0;
	rc = lmdb_put(t, DB_META, str_val("next_id"),
	    val(&t->next_id, sizeof t->next_id));
	if (rc == 0)
		rc = lmdb_put(t, DB_META, str_val("count"),
		    val(t->counts, sizeof t->counts));
	return rc;
}

int
store_next_id(struct store_txn *t, uint64_t *id)
{
	int rc;

	if ((rc = load_meta(t)) != 0)
		return rc;
	*id = t->next_id++;
	t->meta_dirty = 1;
	return 0;
}

int
store_count(struct store_txn *t, uint64_t counts[JOB_NSTATES])
{
	int rc;

	if ((rc = load_meta(t)) != 0)
		return rc;
	memcpy(counts, t->counts, sizeof t->counts);
	return 0;
}

/* Adds delta to the count of state. */
int
lmdb_count_add(struct store_txn *t, int state, int delta)
{
	int rc;

	if (state < 0 || state >= JOB_NSTATES)
		return JOB_EINVAL;
	if ((rc = load_meta(t)) != 0)
		return rc;
	t->counts[state] += (uint64_t)(int64_t)delta;
	t->meta_dirty = 1;
	return 0;
}

/* Marks the meta record changed, so that the transaction commits it. */
int
lmdb_meta_touch(struct store_txn *t)
{
	int rc;

	if ((rc = load_meta(t)) != 0)
		return rc;
	t->meta_dirty = 1;
	return 0;
}

/* Sets every count (a repair). */
int
lmdb_count_set(struct store_txn *t, const uint64_t counts[JOB_NSTATES])
{
	int rc;

	if ((rc = load_meta(t)) != 0)
		return rc;
	memcpy(t->counts, counts, sizeof t->counts);
	t->meta_dirty = 1;
	return 0;
}

/* Index keys --------------------------------------------------------------- */

static void
wait_key(unsigned char *k, const struct store_index *ix)
{
	put_i64(k, ix->run_at);
	put_u64(k + WAIT_ID, ix->id);
}

/* Writes the suffix of a ready key: ~priority, run_at, id. */
void
lmdb_ready_suffix(unsigned char *k, int64_t priority, job_time_t run_at,
    uint64_t id)
{
	put_i64(k, priority);
	for (int i = 0; i < READY_RUN_AT; i++)
		k[i] = (unsigned char)~k[i];
	put_i64(k + READY_RUN_AT, run_at);
	put_u64(k + READY_ID, id);
}

/* Builds a ready key in k (QUEUE_MAX + 1 + READY_SUFFIX bytes). */
static size_t
ready_key(unsigned char *k, const struct store_index *ix)
{
	size_t n = strlen(ix->queue);

	if (n > QUEUE_MAX)
		n = QUEUE_MAX;
	memcpy(k, ix->queue, n);
	k[n] = 0;
	lmdb_ready_suffix(k + n + 1, ix->priority, ix->run_at, ix->id);
	return n + 1 + READY_SUFFIX;
}

static void
finished_key(unsigned char *k, const struct store_index *ix)
{
	k[0] = (unsigned char)ix->state;
	put_i64(k + FINISHED_AT, ix->finished_at);
	put_u64(k + FINISHED_ID, ix->id);
}

/* Adds the pending entry: ready if due now, else waiting. */
int
lmdb_add_pending(struct store_txn *t, const struct store_index *ix)
{
	unsigned char k[QUEUE_MAX + 1 + READY_SUFFIX];
	unsigned char v[WAIT_QUEUE + QUEUE_MAX];
	size_t qn;

	if (ix->run_at <= t->now)
		return lmdb_put(t, DB_READY, val(k, ready_key(k, ix)),
		    val("", 0));
	wait_key(k, ix);
	qn = strlen(ix->queue);
	if (qn > QUEUE_MAX)
		qn = QUEUE_MAX;
	put_i64(v, ix->priority);
	memcpy(v + WAIT_QUEUE, ix->queue, qn);
	return lmdb_put(t, DB_WAITING, val(k, WAIT_KEY),
	    val(v, WAIT_QUEUE + qn));
}

static int
del_pending(struct store_txn *t, const struct store_index *ix)
{
	unsigned char k[QUEUE_MAX + 1 + READY_SUFFIX];
	int rc;

	if ((rc = db_del(t, DB_READY, val(k, ready_key(k, ix)))) != 0)
		return rc;
	wait_key(k, ix);
	return db_del(t, DB_WAITING, val(k, WAIT_KEY));
}

static int
add_state(struct store_txn *t, const struct store_index *ix)
{
	unsigned char k[FINISHED_KEY], o[ID_KEY];

	switch (ix->state) {
	case JOB_PENDING:
		return lmdb_add_pending(t, ix);
	case JOB_RUNNING:
		put_u64(k, ix->id);
		put_u64(o, ix->owner);
		return lmdb_put(t, DB_RUNNING, val(k, ID_KEY), val(o, ID_KEY));
	default:
		finished_key(k, ix);
		return lmdb_put(t, DB_FINISHED, val(k, FINISHED_KEY),
		    val("", 0));
	}
}

static int
del_state(struct store_txn *t, const struct store_index *ix)
{
	unsigned char k[FINISHED_KEY];

	switch (ix->state) {
	case JOB_PENDING:
		return del_pending(t, ix);
	case JOB_RUNNING:
		put_u64(k, ix->id);
		return db_del(t, DB_RUNNING, val(k, ID_KEY));
	default:
		finished_key(k, ix);
		return db_del(t, DB_FINISHED, val(k, FINISHED_KEY));
	}
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/*
 * The index key of an idempotency key or a name: the string itself when
 * LMDB can hold it (so stores written before read the same), else a NUL
 * byte and the string's SHA-256, which no string can equal: none starts
 * with NUL.  The string itself stays in the record.
 */
static MDB_val
unique_key(const char *s, unsigned char hash[1 + SHA256_LEN])
{
	size_t n = strlen(s);

	if (n <= KEY_MAX)
		return val(s, n);
	hash[0] = 0;
	store_sha256(s, n, hash + 1);
	return val(hash, 1 + SHA256_LEN);
}

/* Points name index db at id for s, removing old's entry if it differs. */
static int
move_unique(struct store_txn *t, int db, const char *was, const char *s,
    uint64_t id)
{
	unsigned char k[ID_KEY], hash[1 + SHA256_LEN];
	int rc;

	if (same_str(was, s))
		return 0;
	if (was && (rc = db_del(t, db, unique_key(was, hash))) != 0)
		return rc;
	if (s == NULL || *s == 0)
		return 0;
	put_u64(k, id);
	return lmdb_put(t, db, unique_key(s, hash), val(k, ID_KEY));
}

/* Records ------------------------------------------------------------------- */

int
store_get(struct store_txn *t, uint64_t id, const void **rec, size_t *len)
{
	unsigned char k[ID_KEY];
	MDB_val v;
	int rc;

	put_u64(k, id);
	if ((rc = db_get(t, DB_JOBS, val(k, ID_KEY), &v)) != 0)
		return rc;
	*rec = v.mv_data;
	*len = v.mv_size;
	return 0;
}

static int
move_indexes(struct store_txn *t, const struct store_index *old,
    const struct store_index *ix)
{
	int rc;

	if (old && (rc = del_state(t, old)) != 0)
		return rc;
	if ((rc = add_state(t, ix)) != 0)
		return rc;
	if ((rc = move_unique(t, DB_KEYS, old ? old->key : NULL, ix->key,
	    ix->id)) != 0)
		return rc;
	if ((rc = move_unique(t, DB_NAMES, old ? old->name : NULL, ix->name,
	    ix->id)) != 0)
		return rc;
	if (old && old->state == ix->state)
		return 0;
	if (old && (rc = lmdb_count_add(t, old->state, -1)) != 0)
		return rc;
	return lmdb_count_add(t, ix->state, 1);
}

int
store_put(struct store_txn *t, const struct store_index *old,
    const struct store_index *ix, const void *rec, size_t len)
{
	unsigned char k[ID_KEY];
	int rc;

	if (strlen(ix->queue) > QUEUE_MAX)
		return JOB_EBADNAME;
	if ((rc = move_indexes(t, old, ix)) != 0)
		return rc;
	put_u64(k, ix->id);
	return lmdb_put(t, DB_JOBS, val(k, ID_KEY), val(rec, len));
}

int
store_del(struct store_txn *t, const struct store_index *ix)
{
	unsigned char k[ID_KEY];
	int rc;

	if ((rc = del_state(t, ix)) != 0)
		return rc;
	if ((rc = move_unique(t, DB_KEYS, ix->key, NULL, ix->id)) != 0)
		return rc;
	if ((rc = move_unique(t, DB_NAMES, ix->name, NULL, ix->id)) != 0)
		return rc;
	if ((rc = lmdb_count_add(t, ix->state, -1)) != 0)
		return rc;
	if ((rc = store_payload_del(t, ix->id)) != 0)
		return rc;
	put_u64(k, ix->id);
	return map_err(mdb_del(t->txn, t->st->dbi[DB_JOBS],
	    &(MDB_val){ ID_KEY, k }, NULL));
}

/* Payloads ------------------------------------------------------------------ */

/*
 * A payload lives apart from its record, so that a job's state changes
 * (each rewrites the record) never copy it: a 100 MB payload is written
 * once, when the job is added.
 */
int
store_payload_put(struct store_txn *t, uint64_t id, const void *p,
    size_t len)
{
	unsigned char k[ID_KEY];

	put_u64(k, id);
	return lmdb_put(t, DB_PAYLOADS, val(k, ID_KEY), val(p, len));
}

int
store_payload_get(struct store_txn *t, uint64_t id, const void **p,
    size_t *len)
{
	unsigned char k[ID_KEY];
	MDB_val v;
	int rc;

	if (t->st->missing & (1u << DB_PAYLOADS))
		return JOB_ENOJOB;	/* a store from before payloads apart */
	put_u64(k, id);
	if ((rc = db_get(t, DB_PAYLOADS, val(k, ID_KEY), &v)) != 0)
		return rc;
	*p = v.mv_data;
	*len = v.mv_size;
	return 0;
}

int
store_payload_del(struct store_txn *t, uint64_t id)
{
	unsigned char k[ID_KEY];

	put_u64(k, id);
	return db_del(t, DB_PAYLOADS, val(k, ID_KEY));
}

static int
find_unique(struct store_txn *t, int db, const char *s, uint64_t *id)
{
	unsigned char hash[1 + SHA256_LEN];
	MDB_val v;
	int rc;

	if (*s == 0)
		return JOB_ENOJOB;
	if ((rc = db_get(t, db, unique_key(s, hash), &v)) != 0)
		return rc;
	if (v.mv_size != ID_KEY)
		return JOB_ECORRUPT;
	*id = get_u64(v.mv_data);
	return 0;
}

int
store_find_key(struct store_txn *t, const char *key, uint64_t *id)
{
	return find_unique(t, DB_KEYS, key, id);
}

int
store_find_name(struct store_txn *t, const char *name, uint64_t *id)
{
	return find_unique(t, DB_NAMES, name, id);
}
