/*
 * internal.h: what libjob's modules share and do not export.
 */
#ifndef JOB_INTERNAL_H
#define JOB_INTERNAL_H

#include "job.h"
#include "store.h"

struct job_store {
	struct store *st;
	char *dir;
};

/* Fills ix with the indexed fields of job (pointing into job). */
void job_index_of(const struct job *job, struct store_index *ix);

/* Reads and decodes record id in txn into *job (job_init'ed). */
int job_load(struct store_txn *txn, uint64_t id, struct job *job);

/*
 * Encodes job and stores it, moving its index entries from old (NULL for
 * a new job).
 */
int job_save(struct store_txn *txn, const struct store_index *old,
    const struct job *job);

/* job_save() encoding into rec, a buffer reused from job to job. */
struct job_buf;
int job_save_into(struct store_txn *txn, const struct store_index *old,
    const struct job *job, struct job_buf *rec);

/*
 * Loads the payload that job keeps apart in the store into job->payload
 * (nothing to do for one in memory or none).  A payload the record
 * names but the store lacks is JOB_ECORRUPT.
 */
int job_load_payload(struct store_txn *txn, struct job *job);

/* What a change function of job_update() returns to save nothing. */
#define JOB_UNCHANGED 1000000

/*
 * Loads job id, lets change modify it, and saves it with its index
 * entries moved; change returns 0 to save, JOB_UNCHANGED to leave it,
 * or an error.
 */
int job_update(struct store_txn *txn, uint64_t id,
    int (*change)(struct job *job, void *arg), void *arg);

/* Deletes job from the store, its indexes with it. */
int job_delete(struct store_txn *txn, const struct job *job);

/* Deep-copies a record. Returns 0 or ENOMEM. */
int job_copy(struct job *dst, const struct job *src);

/* Duplicates a string, NULL staying NULL. Returns 0 or ENOMEM. */
int job_strdup(char **dst, const char *src);

/* Tells executors waiting on the store that it changed. */
void job_wake(const char *dir);

/* Removes a job's output log files. */
void job_log_remove(const char *dir, uint64_t id);

/* Paths inside the store directory. */
#define JOB_WAKE_FILE "wake"
#define JOB_LOG_DIR "logs"
#define JOB_RUN_DIR "run"

/* Next run of a recurring job after a run that ended at `end`. */
int job_recur_next(const struct job *job, job_time_t end, job_time_t *next);

/* First run time of a new recurring job added at `now`. */
int job_recur_first(const struct job *job, job_time_t now,
    job_time_t *first);

/* A random delay in [0, max] (for jitter). */
job_time_t job_random_delay(job_time_t max);

/* Sets run_at to sched_at plus a random jitter, at most the end of time. */
void job_recur_jitter(struct job *job);

/*
 * Moves a recurring job to its next run after a run that ended at end:
 * sched_at and run_at.  Returns 0 or JOB_EBADCRON.
 */
int job_recur_advance(struct job *job, job_time_t end);

/*
 * A recurring job's run has ended at end, failed or not: counts it, and
 * sets the job pending for its next run with no attempt made yet.
 */
int job_recur_run_ended(struct job *job, job_time_t end, int failed);

/* The schedule rules of spec.c, for a preview (no name needed). */
int job_schedule_check(const struct job_spec *spec);

/* The arg limits of spec.c, for spec's args with each item appended. */
int job_spec_check_items(const struct job_spec *spec, char *const *items,
    size_t n);

/* job_run()'s options with their defaults filled in, checked (runopts.c). */
struct job_run_config {
	struct job_run_options o;
	char handlers[4096];
};

int job_run_config(struct job_run_config *cfg,
    const struct job_run_options *opts);

#endif
