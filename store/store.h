/*
 * store.h: the narrow interface between libjob and its storage backend.
 *
 * The backend keeps encoded job records by id and the indexes that make
 * every question libjob asks O(log n): which job is due next, when the
 * next one comes due, which id an idempotency key or a recurring name
 * has, which finished jobs are older than a time, which jobs are running.
 * libjob passes the indexed fields of a record (struct store_index) with
 * each change, so that the backend never decodes a record.  LMDB is the
 * first backend (store/lmdb.c); another is a new file with these
 * functions.  Every function returns 0, a JOB_E code, or an errno.
 */
#ifndef JOB_STORE_H
#define JOB_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "job.h"

struct store;
struct store_txn;

/* The fields of a record that the indexes hold. */
struct store_index {
	uint64_t id;
	int state;
	const char *queue;
	int64_t priority;
	job_time_t run_at;		/* pending: when due */
	job_time_t finished_at;		/* done/failed: when */
	const char *key;		/* idempotency key or NULL */
	const char *name;		/* recurring name or NULL */
	uint64_t owner;			/* running: executor token */
};

/*
 * Opens the backend in dir (which exists).  With create, a directory
 * without a store gets a new one.  Without create, one without a store
 * gives JOB_ENOSTORE, and the store is opened for reading: nothing in
 * dir is created or changed until the first store_write().  Anything
 * that is not a job store gives JOB_ENOTSTORE (another program's) or
 * JOB_ECORRUPT, with nothing written to it.
 */
int store_open(struct store **st, const char *dir, int create);

void store_close(struct store *st);

/*
 * Runs fn in a write transaction and commits it durably if fn returns 0;
 * aborts otherwise and returns fn's code.  When the map is full it grows
 * the map and runs fn again, so fn must not have side effects outside the
 * transaction that a rerun would repeat.
 */
int store_write(struct store *st, int (*fn)(struct store_txn *, void *),
    void *arg);

/*
 * store_write() for a change that frees space (removing jobs): on a
 * full disk it may use the store's reserve, so that space can always be
 * freed.
 */
int store_write_freeing(struct store *st,
    int (*fn)(struct store_txn *, void *), void *arg);

/*
 * Makes room in advance for a store_write() that adds about `bytes`, so
 * that a big one does not fill the map midway and run fn again.  Only a
 * hint: store_write() still grows the map when it must.
 */
int store_reserve(struct store *st, size_t bytes);

/* Runs fn in a read-only transaction. */
int store_read(struct store *st, int (*fn)(struct store_txn *, void *),
    void *arg);

/* The time the transaction was started (for due-ness). */
job_time_t store_txn_now(const struct store_txn *txn);

/* Allocates the next job id (never reused). */
int store_next_id(struct store_txn *txn, uint64_t *id);

/*
 * Points *rec at record id, valid until the transaction ends.  Returns 0
 * or JOB_ENOJOB.
 */
int store_get(struct store_txn *txn, uint64_t id, const void **rec,
    size_t *len);

/*
 * Stores record ix->id and moves its index entries from old (NULL for a
 * new record) to ix.
 */
int store_put(struct store_txn *txn, const struct store_index *old,
    const struct store_index *ix, const void *rec, size_t len);

/* Deletes record ix->id, its index entries and its payload. */
int store_del(struct store_txn *txn, const struct store_index *ix);

/*
 * A job's payload, kept apart from its record so that the record's
 * changes never copy it: put (replacing any), get (*p valid until the
 * transaction ends; JOB_ENOJOB if none), del (none is not an error).
 */
int store_payload_put(struct store_txn *txn, uint64_t id, const void *p,
    size_t len);
int store_payload_get(struct store_txn *txn, uint64_t id, const void **p,
    size_t *len);
int store_payload_del(struct store_txn *txn, uint64_t id);

/* Finds the job holding an idempotency key, or a recurring name. */
int store_find_key(struct store_txn *txn, const char *key, uint64_t *id);
int store_find_name(struct store_txn *txn, const char *name, uint64_t *id);

/*
 * Finds the best due pending job (highest priority, earliest run_at,
 * lowest id) among queues (NULL-terminated; NULL: all), first moving
 * jobs that came due by the transaction's time into the due index (a
 * write transaction is needed for that).  Returns 0 or JOB_ENOJOB.
 */
int store_next_due(struct store_txn *txn, const char *const *queues,
    uint64_t *id);

/*
 * Takes job id out of the due indexes, so that a record that cannot be
 * decoded is never picked again (it stays for inspection, counted in no
 * state).  Slow: it
 * scans those indexes, which is fine for what should never happen.
 */
int store_quarantine(struct store_txn *txn, uint64_t id);

/*
 * Deletes record id and every index entry naming it, without decoding
 * it: how a record that cannot be decoded is removed.  Slow, as above.
 */
int store_purge(struct store_txn *txn, uint64_t id);

/*
 * Returns 1 if the indexes may name ids that have no record, or if the
 * counts disagree with the indexes; 0 if neither; or an error.  Cheap:
 * it compares the counts with the sizes of the databases.
 */
int store_needs_repair(struct store_txn *txn);

/*
 * Takes every id that an index names without a record out of every
 * index, calling fn with each (a non-zero return stops it), then sets
 * the counts from the indexes.  Slow: it walks every index.
 */
int store_repair(struct store_txn *txn, int (*fn)(uint64_t id, void *arg),
    void *arg);

/*
 * Sets *when to the earliest run_at of pending jobs not yet due.
 * Returns 0, JOB_ENOJOB, or an error.
 */
int store_next_time(struct store_txn *txn, job_time_t *when);

/*
 * Finds the waiting (not yet due) job of queues that comes due first, if
 * it does by `until`.  Returns 0, JOB_ENOJOB, or an error.
 */
int store_next_soon(struct store_txn *txn, const char *const *queues,
    job_time_t until, uint64_t *id);

/*
 * Is a job of queues due now (read transactions too)?  Returns 0 if one
 * is, JOB_ENOJOB if none, or an error.
 */
int store_any_due(struct store_txn *txn, const char *const *queues);

/*
 * Walks records from id `from` upwards in id order; a non-zero return of
 * fn stops the walk and is returned.
 */
int store_each(struct store_txn *txn, uint64_t from,
    int (*fn)(uint64_t id, const void *rec, size_t len, void *arg),
    void *arg);

/* Walks jobs in state (done or failed) that finished before `before`. */
int store_each_finished(struct store_txn *txn, int state,
    job_time_t before, int (*fn)(uint64_t id, void *arg), void *arg);

/* Sets *when to the earliest finish of a job in state, or JOB_ENOJOB. */
int store_oldest_finished(struct store_txn *txn, int state,
    job_time_t *when);

/* Walks running jobs with their owners. */
int store_each_running(struct store_txn *txn,
    int (*fn)(uint64_t id, uint64_t owner, void *arg), void *arg);

/* Sets counts[state] for every state. */
int store_count(struct store_txn *txn, uint64_t counts[JOB_NSTATES]);

#endif
