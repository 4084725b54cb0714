/*
 * runner.h: the executor's state, shared by its loop (run.c), its
 * setting up and the questions the loop asks (runner.c), the slots that
 * run handlers (slot.c) and their output (output.c).
 */
#ifndef JOB_RUNNER_H
#define JOB_RUNNER_H

#include <poll.h>
#include <signal.h>

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

/* The executor: what job_run() sets up, and what its loop keeps. */
struct runner {
	job_store *store;
	const struct job_run_options *opts;	/* defaults filled in */
	uint64_t token;			/* this executor's owner id */
	int lockfd;			/* its liveness lock, run/TOKEN */
	struct job_guard guard;		/* kills its handlers if it dies */
	int sigfd;			/* SIGCHLD, SIGTERM, SIGINT */
	int infd;			/* inotify: the wake file and run/ */
	int wake_wd;
	int run_wd;
	/* What it changes in the process, restored on return: */
	sigset_t oldmask;
	int was_subreaper;
	struct sigaction oldpipe;
	int pipe_taken;			/* oldpipe holds SIGPIPE's action */
	struct slot *slots;
	unsigned nslots;
	struct linger *lingers;		/* RUNNER_MAX_LINGER of them */
	unsigned nrunning;		/* slots in use */
	struct job_outcome *outcomes;	/* ended, to record at the next step */
	char (*errors)[512];		/* their error texts */
	size_t noutcomes;
	struct job_txn_plan plan;
	struct pending_kill kills[RUNNER_MAX_KILLS];
	size_t nkills;
	int stopping;			/* SIGTERM or SIGINT came */
	int others;			/* other live executors run jobs */
	size_t step_claimed;		/* jobs the last step claimed */
	job_time_t next_prune;		/* 0: nothing to prune */
	int done_since_prune;
	job_time_t next_recover;
	job_time_t retry_at;		/* a failed step is tried again */
	unsigned store_errors;		/* failed steps in a row */
	int handlers_said;		/* the handlers directory is unusable */
	job_time_t handlers_retry;	/* no claim before; 0: none */
};

/* Setting up, tearing down, and what the loop asks (runner.c) ------------- */

/* Sets up r to run the jobs of store: returns 0 or an error (r freed). */
int runner_init(struct runner *r, job_store *store,
    const struct job_run_options *opts);

/* Closes what runner_init opened and restores what it changed. */
void runner_teardown(struct runner *r);

/* Reports an event to the caller of job_run(), if it asked. */
void runner_emit(struct runner *r, const struct job_event *ev);

/* Reports an error event saying what rc is. */
void runner_emit_error(struct runner *r, int rc);

/* Forgets the outcomes once a step has recorded them. */
void runner_outcomes_clear(struct runner *r);

/* Sets *due if a step has a job to claim or move; returns 0 or an error. */
int runner_due(struct runner *r, int *due);

/* How long the loop may sleep from now; -1: until something happens. */
job_time_t runner_timeout(struct runner *r, job_time_t now);

/* Slots: one handler run each (slot.c) ------------------------------------ */

/* Returns a slot not in use, or NULL. */
struct slot *slot_find_free(struct runner *r);

/* Starts the handler of the job just put in s (or fails its attempt). */
void slot_start(struct runner *r, struct slot *s);

/* Reaps every child that exited, marking its slot. */
void slots_reap(struct runner *r);

/* Reads whether s's handler was exec'd; announces its start if so. */
void slot_exec_status(struct runner *r, struct slot *s);

/* Writes what its stdin pipe takes of s's payload. */
void slot_feed(struct runner *r, struct slot *s);

/* Turns each slot whose handler exited into an outcome, freeing it. */
void slots_collect(struct runner *r, job_time_t now);

/* Signals handlers past their deadline or grace; forgets dead groups. */
void slots_check_timers(struct runner *r, job_time_t now);

/* Sends sig to every running handler's group: they are interrupted. */
void slots_kill_all(struct runner *r, int sig);

/* Stops the handlers of jobs removed (job-rm -f); a store error: run on. */
void slots_check_removed(struct runner *r);

/* Output: from pipes to logs and -v (output.c) ---------------------------- */

/* Starts e for the output of job's current attempt. */
void output_echo_init(struct echo *e, const struct job *job);

/* Reports the partial last line of e, if any (-v). */
void output_echo_flush(struct runner *r, struct echo *e);

/* Reads what s's handler wrote into its log, a bounded amount a turn. */
void output_read(struct runner *r, struct slot *s);

/* Moves s's pipe and log, still held by leftovers, to the lingerers. */
void output_linger(struct runner *r, struct slot *s);

/* Reads a lingering pipe; closes it at its end. */
void output_linger_read(struct runner *r, struct linger *l);

/* Closes the lingering pipe of job, if any (its next attempt starts). */
void output_linger_end(struct runner *r, uint64_t job);

/* Closes every lingering pipe, after reading what is there. */
void output_linger_end_all(struct runner *r);

#endif
