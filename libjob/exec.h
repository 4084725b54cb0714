/*
 * exec.h: the executor's internal modules.
 */
#ifndef JOB_EXEC_H
#define JOB_EXEC_H

#include <sys/types.h>

#include "internal.h"

/* Liveness (liveness.c) --------------------------------------------------- */

/* Creates and locks run/TOKEN for this executor; *fd holds the lock. */
int job_liveness_acquire(const char *dir, uint64_t token, int *fd);

/* Unlocks and removes run/TOKEN. */
void job_liveness_release(const char *dir, uint64_t token, int fd);

/* Returns 1 if the executor with token is alive, 0 if not. */
int job_liveness_alive(const char *dir, uint64_t token);

/* The guard (guard.c) ----------------------------------------------------- */

struct job_guard {
	pid_t pid;
	int fd;			/* write end of its pipe; -1: none */
	pid_t *groups;		/* the table shared with it; NULL: none */
};

/* Forks the guard, which shares the liveness lock lockfd. */
int job_guard_start(struct job_guard *g, int lockfd);

/* Tells the guard a handler's process group started, or ended. */
void job_guard_add(struct job_guard *g, pid_t pgid);
void job_guard_remove(struct job_guard *g, pid_t pgid);

/* Says goodbye (nothing to kill) and reaps the guard. */
void job_guard_stop(struct job_guard *g);

/* Output logs (outlog.c) -------------------------------------------------- */

#define JOB_LOG_CAP ((off_t)1 << 20)	/* per job: newest output kept */

/* How last_error and a log's header say that output was lost. */
#define JOB_LOG_INCOMPLETE "output log incomplete"

struct job_outlog {
	int fd;
	char path[4096];
	off_t size;
	off_t header_at;	/* where this attempt's header starts */
	uint32_t attempt;
	job_time_t started;
	int error;		/* why output was lost (an errno); 0: none */
	char outcome[48];	/* in the header: "running" until it ends */
};

/* Opens job id's log and writes the header of attempt. */
int job_outlog_open(struct job_outlog *log, const char *dir, uint64_t id,
    uint32_t attempt, job_time_t started);

/*
 * Appends handler output, trimming the log to its cap if need be.  Once
 * a write fails, output is dropped and log->error says why; the header's
 * outcome will say that the output is incomplete.
 */
int job_outlog_write(struct job_outlog *log, const char *buf, size_t n);

/*
 * Completes the attempt's header with its outcome, and leaves the log
 * open for what the handler's leftover processes still write.
 */
void job_outlog_end(struct job_outlog *log, const char *outcome);

/* Completes the header (unless outcome is NULL) and closes the log. */
void job_outlog_close(struct job_outlog *log, const char *outcome);

/*
 * Returns 1 if nobody else wrote to or removed the log since log did:
 * no next attempt of the job, on any executor, has opened it.
 */
int job_outlog_alone(const struct job_outlog *log);

/* Feeding a handler's stdin (feed.c) -------------------------------------- */

/* The payload on its way into a handler's stdin. */
struct job_feed {
	int fd;				/* the pipe's write end; -1: done */
	uint64_t id;			/* whose payload, apart in the store */
	const unsigned char *mem;	/* or held in memory (a record from
					   before payloads were kept apart) */
	size_t len, off;		/* its size, and what is written */
};

void job_feed_init(struct job_feed *f);

/*
 * Makes the stdin of job's handler: /dev/null without a payload, else
 * a pipe whose read end is *in (the caller gives it to the handler and
 * closes it) and whose write end f feeds.  Returns 0 or an errno.
 */
int job_feed_open(struct job_feed *f, const struct job *job, int *in);

/*
 * Writes as much of the payload as the pipe takes now, without
 * blocking; the feed closes itself after the last byte, or when the
 * handler closed its stdin.  Returns 0, or an error, the feed closed.
 */
int job_feed_write(struct job_feed *f, job_store *store);

void job_feed_close(struct job_feed *f);

/* Spawning (spawn.c) ------------------------------------------------------ */

struct job_child {
	pid_t pid;		/* also the process group */
	int out;		/* read end of the handler's stdout+stderr */
	int err;		/* read end of the exec status; -1 once read */
};

/*
 * Checks the handler of job and starts it, without waiting for its
 * execve() (see job_spawn_status); if not_before is still to come, the
 * child waits for it before the execve.  Its stdin is fed through feed
 * (see job_feed_write).  On a handler that cannot be run, returns
 * JOB_ENOHANDLER or an errno and writes why into why.
 */
int job_spawn(const struct job *job, const char *handlers,
    const char *store_dir, job_time_t not_before, struct job_feed *feed,
    struct job_child *child, char *why, size_t why_size);

/*
 * Reads whether the child's execve() succeeded: 0, or its errno.  Call
 * when child->err is readable or the child has exited.
 */
int job_spawn_status(struct job_child *child);

/* Outcomes and claims (claim.c) ------------------------------------------- */

/* How an attempt ended. */
struct job_outcome {
	uint64_t id;
	uint32_t attempt;
	int exit_status;	/* -1: none */
	int signal;		/* -1: none */
	int timed_out;
	int interrupted;	/* pending again, uncharged: by shutdown, or
				   the handlers directory went away */
	const char *error;	/* could not start, or NULL */
	job_time_t started;
	job_time_t ended;
	int removed;		/* removed while running: record nothing */
	int log_error;		/* output lost for want of a log: errno */
	int announced;		/* its start event was reported */
	char handler[136];	/* for the events of a removed job */
};

/* The error text of the interrupt event of a job removed while running. */
#define JOB_REMOVED_TEXT "job removed while running"

/* What an outcome says (outcome.c); job-run(1) lists every text. */
#define JOB_INTERRUPTED_TEXT "interrupted by executor shutdown"

/* The status word of an event line: "exit:3", "signal:9", "timeout". */
void job_outcome_status(const struct job_outcome *o, char *buf,
    size_t size);

/* A job's last_error: "handler NAME exited with status 3", ... */
void job_outcome_error(const struct job_outcome *o, const char *handler,
    char *buf, size_t size);

/* The outcome in a log header: "exit 3 after 0.020s", ... */
void job_outcome_header(const struct job_outcome *o, char *buf,
    size_t size);

/* The other texts of last_error. */
void job_text_lost(char *buf, size_t size, const char *handler,
    uint32_t attempt);
void job_text_cannot_run(char *buf, size_t size, const char *handler,
    const char *reason);
void job_text_payload(char *buf, size_t size, const char *handler,
    const char *reason);

/* Storage for the strings of one event of a plan. */
struct job_event_text {
	char handler[136];
	char status[32];
	char text[512];
};

/* At most this many ids without a record are taken out per step. */
#define JOB_PLAN_DANGLING 8

/* What an event reports about an id an index named without a record. */
#define JOB_DANGLING_TEXT "no such job: taken out of the store's indexes"

struct job_txn_plan {
	uint64_t owner;
	const char *const *queues;
	/* in: outcomes to record */
	struct job_outcome *outcomes;
	size_t noutcomes;
	/* in: how many jobs to claim; out: the claimed */
	size_t want;
	job_time_t ahead;	/* also claim jobs due within this; 0: not */
	struct job *claimed;
	size_t nclaimed;
	/* out: events to report once committed */
	struct job_event *events;
	size_t nevents;
	struct job_event_text *texts;
	/* out: ids an index named without a record, taken out of them */
	uint64_t dangling[JOB_PLAN_DANGLING];
	size_t ndangling;
};

/* Records outcomes and claims jobs in one durable transaction. */
int job_record_and_claim(job_store *store, struct job_txn_plan *plan);

/* Recovery (recover.c) ---------------------------------------------------- */

/*
 * Makes jobs of dead executors pending again (or failed after 5 losses
 * in a row); reports each through ev.  *others is set to 1 if running
 * jobs of live executors other than owner remain.
 */
int job_recover(job_store *store, uint64_t owner, int *others,
    void (*ev)(const struct job_event *, void *), void *arg);

/* Queries (due.c) --------------------------------------------------------- */

/*
 * The executor's questions.  Each returns 0 for yes, JOB_ENOJOB for no,
 * or the error that kept the store from answering: never "no" for an
 * error, so that a failing store is reported, not slept on.
 */

/* Is a job of queues (NULL: all) due now? */
int job_any_due(job_store *store, const char *const *queues);

/* Does a job of queues, not yet due, come due by until? */
int job_due_soon(job_store *store, const char *const *queues,
    job_time_t until);

/* Sets *when to the earliest time a waiting job comes due, if any. */
int job_next_due_time(job_store *store, job_time_t *when);

/* Sets *when to the earliest finish of a done job, if any. */
int job_oldest_done(job_store *store, job_time_t *when);

/* Is job id in the store, running, and owned by owner? */
int job_owned(job_store *store, uint64_t id, uint64_t owner);

/* Retries (retry.c) ------------------------------------------------------- */

/* 1 s before the first (k = 1) retry, doubling at each one, at most max. */
job_time_t job_retry_delay(uint32_t k, job_time_t max);

/* The delay before a job's k-th retry: 2^(k-1) s, at most 1 h, +25%. */
job_time_t job_backoff(uint32_t k);

/*
 * Returns 1 and sets *at to when job, whose attempt failed at now, is
 * tried again; 0 if it is not: every charged attempt is used, or the
 * retry would come at or after a recurring job's next run.
 */
int job_retry_at(const struct job *job, job_time_t now, job_time_t *at);

#endif
