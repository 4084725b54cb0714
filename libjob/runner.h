/*
 * runner.h: the executor's state, shared by the loop (run.c) and the
 * slots that run handlers (runner.c).
 */
#ifndef JOB_RUNNER_H
#define JOB_RUNNER_H

#include <poll.h>

#include "exec.h"

#define RUNNER_MAX_SLOTS 1024
#define RUNNER_MAX_KILLS 256
#define RUNNER_LINE 4096
#define RUNNER_MAX_LINGER 64		/* pipes read after their handler */

/*
 * A job coming due this soon is claimed and its handler's process
 * created ahead of time, so that only the execve is left for its time.
 */
#define RUNNER_AHEAD (JOB_NSEC / 50)	/* 20 ms */

/* A partial line of a handler's output, for -v, and whose it is. */
struct echo {
	uint64_t job;
	uint32_t attempt;
	char handler[136];
	char line[RUNNER_LINE];
	size_t len;
};

/* One running handler. */
struct slot {
	int used;
	struct job job;			/* as claimed */
	struct job_child child;
	struct job_feed feed;		/* its stdin, the payload */
	int feed_errno;			/* the payload could not be read */
	struct job_outlog log;
	job_time_t started;
	job_time_t deadline;		/* timeout; 0: none */
	job_time_t kill_at;		/* SIGKILL after the grace; 0: none */
	int timed_out;
	int interrupted;
	int removed;
	int exited;
	int exec_errno;			/* the handler could not be exec'd */
	int ahead;			/* claimed ahead: waits for started */
	int announced;			/* start event reported */
	job_time_t signalled;		/* first stopped; 0: not */
	int status;			/* from waitpid */
	struct echo echo;		/* for -v */
};

/*
 * The output pipe of a handler that exited, still held by processes it
 * left behind, and its job's log: read until they close it (output.c).
 */
struct linger {
	int fd;				/* -1: a free entry */
	struct job_outlog log;		/* the outcome is in its header */
	struct echo echo;
	job_time_t since;
};

/* A process group to SIGKILL once the grace is over. */
struct pending_kill {
	pid_t pgid;
	job_time_t at;
};

struct runner {
	job_store *store;
	const struct job_run_options *o;
	uint64_t token;
	int lockfd;
	struct job_guard guard;
	int sigfd;
	int infd;
	int wake_wd;
	int run_wd;
	sigset_t oldmask;
	int was_subreaper;		/* restored on return */
	struct slot *slots;
	unsigned nslots;
	struct linger *lingers;		/* RUNNER_MAX_LINGER of them */
	unsigned nrunning;
	struct job_outcome *outcomes;
	char (*errors)[512];
	size_t noutcomes;
	struct job_txn_plan plan;
	struct pending_kill kills[RUNNER_MAX_KILLS];
	size_t nkills;
	int stopping;
	int others;
	size_t claimed;
	job_time_t next_prune;		/* 0: nothing to prune */
	int done_since_prune;
	job_time_t next_recover;
	job_time_t retry_at;
	unsigned store_errors;		/* failed steps in a row */
	int handlers_said;		/* the handlers directory is unusable */
	job_time_t handlers_retry;	/* no claim before; 0: none */
};

/* Setting up, tearing down, and what the loop asks (runner.c). */
int runner_init(struct runner *r, job_store *store,
    const struct job_run_options *o);
void runner_free(struct runner *r);
void runner_outcomes_clear(struct runner *r);
int runner_due(struct runner *r);
job_time_t runner_timeout(struct runner *r, job_time_t now);

/* Slots (slot.c). */
struct slot *runner_free_slot(struct runner *r);
void runner_slot_start(struct runner *r, struct slot *s);
void runner_reap(struct runner *r);
void runner_exec_status(struct runner *r, struct slot *s);
void runner_feed(struct runner *r, struct slot *s);
void runner_collect(struct runner *r, job_time_t now);
void runner_check_timers(struct runner *r, job_time_t now);
void runner_kill_all(struct runner *r, int sig);
void runner_check_removed(struct runner *r);

/* Output (output.c). */
void runner_echo_init(struct echo *e, const struct job *job);
void runner_echo_flush(struct runner *r, struct echo *e);
void runner_read_output(struct runner *r, struct slot *s);
void runner_linger(struct runner *r, struct slot *s);
void runner_linger_read(struct runner *r, struct linger *l);
void runner_linger_end(struct runner *r, uint64_t job);
void runner_linger_end_all(struct runner *r);

#endif
