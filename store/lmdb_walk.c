/*
 * lmdb_walk.c: the LMDB backend's queries over its indexes: the next due
 * job, the next due time, and the walks over records, finished jobs and
 * running jobs.
 */
#include <stdlib.h>

#include "lmdb_impl.h"

static int
cursor_open(struct store_txn *t, int db, MDB_cursor **c)
{
	return map_err(mdb_cursor_open(t->txn, t->st->dbi[db], c));
}

/* Moves one waiting entry, due by now, into the ready index. */
static int
promote(struct store_txn *t, MDB_val *k, MDB_val *v)
{
	char queue[QUEUE_MAX + 1];
	struct store_index ix = { 0 };
	size_t qn;

	if (k->mv_size != WAIT_KEY || v->mv_size < WAIT_QUEUE ||
	    v->mv_size > WAIT_QUEUE + QUEUE_MAX)
		return JOB_ECORRUPT;
	qn = v->mv_size - WAIT_QUEUE;
	memcpy(queue, (char *)v->mv_data + WAIT_QUEUE, qn);
	queue[qn] = 0;
	ix.queue = queue;
	ix.state = JOB_PENDING;
	ix.priority = get_i64(v->mv_data);
	ix.run_at = get_i64(k->mv_data);
	ix.id = get_u64((unsigned char *)k->mv_data + WAIT_ID);
	return lmdb_add_pending(t, &ix);
}

/* Moves every waiting job due by the transaction's time to "ready". */
static int
promote_due(struct store_txn *t)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = cursor_open(t, DB_WAITING, &c)) != 0)
		return rc;
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_FIRST)) == 0) {
		if (k.mv_size != WAIT_KEY)
			rc = JOB_ECORRUPT;
		else if (get_i64(k.mv_data) > t->now)
			break;
		else if ((rc = promote(t, &k, &v)) == 0)
			rc = mdb_cursor_del(c, 0);
		if (rc)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND || rc == 0 ? 0 : map_err(rc);
}

/* Keeps in best (READY_SUFFIX bytes) the smaller of it and k's suffix. */
static void
consider(MDB_val *k, unsigned char *best, int *found)
{
	const unsigned char *s;

	s = (unsigned char *)k->mv_data + k->mv_size - READY_SUFFIX;
	if (!*found || memcmp(s, best, READY_SUFFIX) < 0)
		memcpy(best, s, READY_SUFFIX);
	*found = 1;
}

/* The best ready entry of one queue: the first key with its prefix. */
static int
best_of_queue(MDB_cursor *c, const char *q, unsigned char *best, int *found)
{
	unsigned char prefix[QUEUE_MAX + 1];
	size_t n = strlen(q);
	MDB_val k;
	int rc;

	if (n > QUEUE_MAX)
		return 0;
	memcpy(prefix, q, n);
	prefix[n] = 0;
	k.mv_data = prefix;
	k.mv_size = n + 1;
	rc = mdb_cursor_get(c, &k, NULL, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return map_err(rc);
	if (k.mv_size == n + 1 + READY_SUFFIX &&
	    memcmp(k.mv_data, prefix, n + 1) == 0)
		consider(&k, best, found);
	return 0;
}

/* The best ready entry over all queues: one seek per distinct queue. */
static int
best_of_all(MDB_cursor *c, unsigned char *best, int *found)
{
	unsigned char next[QUEUE_MAX + 1];
	MDB_val k;
	int rc;
	size_t n;

	rc = mdb_cursor_get(c, &k, NULL, MDB_FIRST);
	while (rc == 0) {
		if (k.mv_size <= READY_SUFFIX)
			return JOB_ECORRUPT;
		n = k.mv_size - READY_SUFFIX - 1;
		if (n > QUEUE_MAX)
			return JOB_ECORRUPT;
		consider(&k, best, found);
		/* Skip to the next queue: past every "queue NUL ..." key. */
		memcpy(next, k.mv_data, n);
		next[n] = 1;
		k.mv_data = next;
		k.mv_size = n + 1;
		rc = mdb_cursor_get(c, &k, NULL, MDB_SET_RANGE);
	}
	return rc == MDB_NOTFOUND ? 0 : map_err(rc);
}

static int
best_ready(struct store_txn *t, const char *const *queues,
    unsigned char *best, int *found)
{
	MDB_cursor *c;
	int rc = 0;

	*found = 0;
	if ((rc = cursor_open(t, DB_READY, &c)) != 0)
		return rc;
	if (queues == NULL)
		rc = best_of_all(c, best, found);
	for (; queues && *queues && rc == 0; queues++)
		rc = best_of_queue(c, *queues, best, found);
	mdb_cursor_close(c);
	return rc;
}

int
store_next_due(struct store_txn *t, const char *const *queues, uint64_t *id)
{
	unsigned char best[READY_SUFFIX];
	int rc, found;

	if (t->write && (rc = promote_due(t)) != 0)
		return rc;
	if ((rc = best_ready(t, queues, best, &found)) != 0)
		return rc;
	if (!found)
		return JOB_ENOJOB;
	*id = get_u64(best + READY_ID);
	return 0;
}

int
store_next_time(struct store_txn *t, job_time_t *when)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = cursor_open(t, DB_WAITING, &c)) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	if (rc == 0 && k.mv_size != WAIT_KEY)
		rc = JOB_ECORRUPT;
	else if (rc == 0)
		*when = get_i64(k.mv_data);
	mdb_cursor_close(c);
	return map_err(rc);
}

static int
in_queues(const MDB_val *v, const char *const *queues)
{
	if (queues == NULL)
		return 1;
	for (const char *const *q = queues; *q; q++)
		if (v->mv_size == WAIT_QUEUE + strlen(*q) &&
		    memcmp((char *)v->mv_data + WAIT_QUEUE, *q,
		    strlen(*q)) == 0)
			return 1;
	return 0;
}

/*
 * The first waiting entry of queues due by `until`, in run_at order: 0
 * and *id, JOB_ENOJOB, or an error.  It walks only entries due by then.
 */
static int
waiting_first(struct store_txn *t, const char *const *queues,
    job_time_t until, uint64_t *id)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = cursor_open(t, DB_WAITING, &c)) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != WAIT_KEY) {
			rc = JOB_ECORRUPT;
			break;
		}
		if (get_i64(k.mv_data) > until) {
			rc = MDB_NOTFOUND;
			break;
		}
		if (in_queues(&v, queues)) {
			*id = get_u64((unsigned char *)k.mv_data + WAIT_ID);
			break;
		}
	}
	mdb_cursor_close(c);
	return map_err(rc);
}

int
store_next_soon(struct store_txn *t, const char *const *queues,
    job_time_t until, uint64_t *id)
{
	return waiting_first(t, queues, until, id);
}

int
store_any_due(struct store_txn *t, const char *const *queues)
{
	unsigned char best[READY_SUFFIX];
	uint64_t id;
	int rc, found;

	if ((rc = best_ready(t, queues, best, &found)) != 0 || found)
		return rc;
	return waiting_first(t, queues, t->now, &id);
}

int
store_each(struct store_txn *t, uint64_t from,
    int (*fn)(uint64_t id, const void *rec, size_t len, void *arg),
    void *arg)
{
	unsigned char start[ID_KEY];
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = cursor_open(t, DB_JOBS, &c)) != 0)
		return rc;
	put_u64(start, from);
	k = val(start, ID_KEY);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != ID_KEY) {
			rc = JOB_ECORRUPT;
			break;
		}
		if ((rc = fn(get_u64(k.mv_data), v.mv_data, v.mv_size,
		    arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : map_err(rc);
}

int
store_each_finished(struct store_txn *t, int state, job_time_t before,
    int (*fn)(uint64_t id, void *arg), void *arg)
{
	unsigned char start[1] = { (unsigned char)state };
	MDB_cursor *c;
	MDB_val k;
	int rc;

	if ((rc = cursor_open(t, DB_FINISHED, &c)) != 0)
		return rc;
	k = val(start, 1);
	for (rc = mdb_cursor_get(c, &k, NULL, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, NULL, MDB_NEXT)) {
		const unsigned char *p = k.mv_data;

		if (k.mv_size != FINISHED_KEY || p[0] != state ||
		    get_i64(p + FINISHED_AT) >= before)
			break;
		if ((rc = fn(get_u64(p + FINISHED_ID), arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : map_err(rc);
}

int
store_oldest_finished(struct store_txn *t, int state, job_time_t *when)
{
	unsigned char start[1] = { (unsigned char)state };
	MDB_cursor *c;
	MDB_val k;
	int rc;

	if ((rc = cursor_open(t, DB_FINISHED, &c)) != 0)
		return rc;
	k = val(start, 1);
	rc = mdb_cursor_get(c, &k, NULL, MDB_SET_RANGE);
	if (rc == 0 && (k.mv_size != FINISHED_KEY ||
	    ((unsigned char *)k.mv_data)[0] != state))
		rc = MDB_NOTFOUND;
	if (rc == 0)
		*when = get_i64((unsigned char *)k.mv_data + FINISHED_AT);
	mdb_cursor_close(c);
	return map_err(rc);
}

int
store_each_running(struct store_txn *t,
    int (*fn)(uint64_t id, uint64_t owner, void *arg), void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = cursor_open(t, DB_RUNNING, &c)) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != ID_KEY || v.mv_size != ID_KEY) {
			rc = JOB_ECORRUPT;
			break;
		}
		if ((rc = fn(get_u64(k.mv_data), get_u64(v.mv_data),
		    arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : map_err(rc);
}

/*
 * Deletes every entry of db that names id: in its key at offset `at`
 * (from the end if at < 0), or in its value if in_value.  Sets *hit to
 * the first byte of the last key deleted plus one (0: none).
 */
static int
drop_id(struct store_txn *t, int db, uint64_t id, int at, int in_value,
    int *hit)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	*hit = 0;
	if ((rc = cursor_open(t, db, &c)) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		MDB_val *x = in_value ? &v : &k;
		size_t off = at < 0 ? x->mv_size - ID_KEY : (size_t)at;

		if (x->mv_size < ID_KEY || x->mv_size < off + ID_KEY ||
		    get_u64((unsigned char *)x->mv_data + off) != id)
			continue;
		*hit = 1 + ((unsigned char *)k.mv_data)[0];
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : map_err(rc);
}

/* Takes id out of the due indexes; it no longer counts as pending. */
int
store_quarantine(struct store_txn *t, uint64_t id)
{
	int rc, ready, waiting;

	if ((rc = drop_id(t, DB_READY, id, -1, 0, &ready)) != 0 ||
	    (rc = drop_id(t, DB_WAITING, id, WAIT_ID, 0, &waiting)) != 0)
		return rc;
	return ready || waiting ? lmdb_count_add(t, JOB_PENDING, -1) : 0;
}

int
store_purge(struct store_txn *t, uint64_t id)
{
	unsigned char k[ID_KEY];
	int rc, hit;

	if ((rc = store_quarantine(t, id)) != 0)
		return rc;
	if ((rc = drop_id(t, DB_RUNNING, id, 0, 0, &hit)) != 0)
		return rc;
	if (hit && (rc = lmdb_count_add(t, JOB_RUNNING, -1)) != 0)
		return rc;
	if ((rc = drop_id(t, DB_FINISHED, id, FINISHED_ID, 0, &hit)) != 0)
		return rc;
	if (hit && (rc = lmdb_count_add(t, hit - 1, -1)) != 0)
		return rc;
	if ((rc = drop_id(t, DB_KEYS, id, 0, 1, &hit)) != 0 ||
	    (rc = drop_id(t, DB_NAMES, id, 0, 1, &hit)) != 0 ||
	    (rc = store_payload_del(t, id)) != 0)
		return rc;
	put_u64(k, id);
	return db_del(t, DB_JOBS, val(k, ID_KEY));
}

/* Repair ------------------------------------------------------------------ */

static int
entries(struct store_txn *t, int db, uint64_t *n)
{
	MDB_stat ms;
	int rc;

	if ((rc = mdb_stat(t->txn, t->st->dbi[db], &ms)) != 0)
		return map_err(rc);
	*n = ms.ms_entries;
	return 0;
}

/* Each job has one entry in the index of its state. */
static const int state_dbs[] = { DB_READY, DB_WAITING, DB_RUNNING,
	DB_FINISHED };

int
store_needs_repair(struct store_txn *t)
{
	uint64_t counts[JOB_NSTATES], sum = 0, indexed = 0, n, jobs;
	int rc;

	if ((rc = store_count(t, counts)) != 0)
		return rc;
	for (int s = 0; s < JOB_NSTATES; s++)
		sum += counts[s];
	for (size_t i = 0; i < sizeof state_dbs / sizeof *state_dbs; i++) {
		if ((rc = entries(t, state_dbs[i], &n)) != 0)
			return rc;
		indexed += n;
	}
	if ((rc = entries(t, DB_JOBS, &jobs)) != 0)
		return rc;
	return sum != indexed || sum > jobs;
}

/* The id an entry of index db names, or 0 for none. */
static uint64_t
entry_id(int db, const MDB_val *k, const MDB_val *v)
{
	const unsigned char *p = k->mv_data;

	switch (db) {
	case DB_READY:
		return k->mv_size > READY_SUFFIX ?
		    get_u64(p + k->mv_size - READY_SUFFIX + READY_ID) : 0;
	case DB_WAITING:
		return k->mv_size == WAIT_KEY ? get_u64(p + WAIT_ID) : 0;
	case DB_RUNNING:
		return k->mv_size == ID_KEY ? get_u64(p) : 0;
	case DB_FINISHED:
		return k->mv_size == FINISHED_KEY ?
		    get_u64(p + FINISHED_ID) : 0;
	default:
		return v->mv_size == ID_KEY ? get_u64(v->mv_data) : 0;
	}
}

struct idset {
	uint64_t *ids;
	size_t n, cap;
};

static int
idset_add(struct idset *s, uint64_t id)
{
	uint64_t *p;

	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i] == id)
			return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		if ((p = realloc(s->ids, s->cap * sizeof *p)) == NULL)
			return ENOMEM;
		s->ids = p;
	}
	s->ids[s->n++] = id;
	return 0;
}

static int
has_record(struct store_txn *t, uint64_t id)
{
	unsigned char k[ID_KEY];
	MDB_val v;

	put_u64(k, id);
	return db_get(t, DB_JOBS, val(k, ID_KEY), &v) != JOB_ENOJOB;
}

/* Adds to s the ids that entries of db name without a record. */
static int
find_dangling(struct store_txn *t, int db, struct idset *s)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t id;
	int rc;

	if ((rc = cursor_open(t, db, &c)) != 0)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
		if ((id = entry_id(db, &k, &v)) != 0 && !has_record(t, id) &&
		    (rc = idset_add(s, id)) != 0)
			break;
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : map_err(rc);
}

/* Sets the counts from the indexes. */
static int
recount(struct store_txn *t)
{
	uint64_t counts[JOB_NSTATES] = { 0 }, n;
	MDB_cursor *c;
	MDB_val k;
	int rc;

	if ((rc = entries(t, DB_READY, &counts[JOB_PENDING])) != 0 ||
	    (rc = entries(t, DB_WAITING, &n)) != 0 ||
	    (rc = entries(t, DB_RUNNING, &counts[JOB_RUNNING])) != 0 ||
	    (rc = cursor_open(t, DB_FINISHED, &c)) != 0)
		return rc;
	counts[JOB_PENDING] += n;
	for (rc = mdb_cursor_get(c, &k, NULL, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, NULL, MDB_NEXT)) {
		unsigned state = ((unsigned char *)k.mv_data)[0];

		if (k.mv_size == FINISHED_KEY && (state == JOB_DONE ||
		    state == JOB_FAILED))
			counts[state]++;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return map_err(rc);
	return lmdb_count_set(t, counts);
}

int
store_repair(struct store_txn *t, int (*fn)(uint64_t id, void *arg),
    void *arg)
{
	static const int dbs[] = { DB_READY, DB_WAITING, DB_RUNNING,
		DB_FINISHED, DB_KEYS, DB_NAMES };
	struct idset s = { NULL, 0, 0 };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof dbs / sizeof *dbs; i++)
		rc = find_dangling(t, dbs[i], &s);
	for (size_t i = 0; rc == 0 && i < s.n; i++)
		if ((rc = store_purge(t, s.ids[i])) == 0 && fn)
			rc = fn(s.ids[i], arg);
	free(s.ids);
	return rc ? rc : recount(t);
}
