/*
 * runner.c: setting up and tearing down the executor, and what its loop
 * asks of the store: is a job due, how long may it sleep.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "runner.h"

static int
watch_store(struct runner *r)
{
	const char *dir = job_store_dir(r->store);
	char path[4096];

	r->infd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->infd == -1)
		return errno;
	snprintf(path, sizeof path, "%s/%s", dir, JOB_WAKE_FILE);
	if ((r->wake_wd = inotify_add_watch(r->infd, path,
	    IN_CLOSE_WRITE)) == -1)
		return errno;
	snprintf(path, sizeof path, "%s/%s", dir, JOB_RUN_DIR);
	if ((r->run_wd = inotify_add_watch(r->infd, path,
	    IN_CLOSE_WRITE)) == -1)
		return errno;
	return 0;
}

static int
take_signals(struct runner *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, &r->oldmask) == -1)
		return errno;
	r->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return r->sigfd == -1 ? errno : 0;
}

static int
alloc_tables(struct runner *r)
{
	size_t n = r->nslots, events = 2 * n + 2;

	r->slots = calloc(n, sizeof *r->slots);
	r->lingers = calloc(RUNNER_MAX_LINGER, sizeof *r->lingers);
	for (size_t i = 0; r->lingers && i < RUNNER_MAX_LINGER; i++)
		r->lingers[i].fd = -1;
	r->outcomes = calloc(n, sizeof *r->outcomes);
	r->errors = calloc(n, sizeof *r->errors);
	r->plan.claimed = calloc(n, sizeof *r->plan.claimed);
	r->plan.events = calloc(events, sizeof *r->plan.events);
	r->plan.texts = calloc(events, sizeof *r->plan.texts);
	if (!r->slots || !r->lingers || !r->outcomes || !r->errors ||
	    !r->plan.claimed || !r->plan.events || !r->plan.texts)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		r->slots[i].child.out = -1;
		job_feed_init(&r->slots[i].feed);
		r->slots[i].child.err = -1;
		r->slots[i].log.fd = -1;
		job_init(&r->slots[i].job);
		job_init(&r->plan.claimed[i]);
	}
	return 0;
}

int
runner_init(struct runner *r, job_store *store,
    const struct job_run_options *opts)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	int rc;

	memset(r, 0, sizeof *r);
	r->store = store;
	r->opts = opts;
	r->lockfd = r->sigfd = r->infd = r->guard.fd = -1;
	r->nslots = opts->slots < 1 ? 1 : opts->slots > RUNNER_MAX_SLOTS ?
	    RUNNER_MAX_SLOTS : opts->slots;
	if (getrandom(&r->token, sizeof r->token, 0) != sizeof r->token)
		return errno ? errno : EIO;
	r->token |= 1;		/* 0 means "no owner" */
	r->plan.owner = r->token;
	r->plan.queues = opts->queues;
	/* --once takes only what is due when it looks. */
	r->plan.ahead = opts->once ? 0 : RUNNER_AHEAD;
	/* A handler or log reader gone must be EPIPE, not our death. */
	r->pipe_taken = sigaction(SIGPIPE, &ignore, &r->oldpipe) == 0;
	/*
	 * Processes a handler leaves behind become the executor's children:
	 * it reaps them, and their end wakes it (SIGCHLD) when it waits for
	 * a group to be gone.
	 */
	prctl(PR_GET_CHILD_SUBREAPER, &r->was_subreaper);
	prctl(PR_SET_CHILD_SUBREAPER, 1UL);
	if ((rc = alloc_tables(r)) == 0 && (rc = take_signals(r)) == 0 &&
	    (rc = watch_store(r)) == 0)
		rc = job_liveness_acquire(job_store_dir(store), r->token,
		    &r->lockfd);
	if (rc == 0)
		rc = job_guard_start(&r->guard, r->lockfd);
	if (rc)
		runner_teardown(r);
	return rc;
}

void
runner_teardown(struct runner *r)
{
	/* What leftovers wrote so far is kept; later writes get EPIPE. */
	output_linger_end_all(r);
	job_guard_stop(&r->guard);
	prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)r->was_subreaper);
	if (r->pipe_taken)
		sigaction(SIGPIPE, &r->oldpipe, NULL);
	if (r->lockfd != -1)
		job_liveness_release(job_store_dir(r->store), r->token,
		    r->lockfd);
	if (r->infd != -1)
		close(r->infd);
	if (r->sigfd != -1) {
		close(r->sigfd);
		sigprocmask(SIG_SETMASK, &r->oldmask, NULL);
	}
	for (unsigned i = 0; r->slots && i < r->nslots; i++)
		job_free_fields(&r->slots[i].job);
	for (unsigned i = 0; r->plan.claimed && i < r->nslots; i++)
		job_free_fields(&r->plan.claimed[i]);
	free(r->slots);
	free(r->lingers);
	free(r->outcomes);
	free(r->errors);
	free(r->plan.claimed);
	free(r->plan.events);
	free(r->plan.texts);
	memset(r, 0, sizeof *r);
}

/* An answer of due.c as yes or no, and the error if it is neither. */
static int
answer(int rc, int *yes)
{
	*yes = rc == 0;
	return rc == JOB_ENOJOB ? 0 : rc;
}

/*
 * Is there work for a step: a job due in our queues, a waiting job of
 * any queue that came due and must move to the due index (else the
 * loop would wake for it again and again), or a job of our queues to
 * claim ahead of its time?
 */
int
runner_due(struct runner *r, int *due)
{
	job_time_t when, now;
	int rc;

	if ((rc = answer(job_any_due(r->store, r->opts->queues), due)) ||
	    *due)
		return rc;
	if ((rc = answer(job_next_due_time(r->store, &when), due)) ||
	    !*due)
		return rc;
	now = job_now();
	if (when <= now)
		return 0;
	*due = 0;
	if (!r->plan.ahead || when > now + r->plan.ahead)
		return 0;
	return answer(job_due_soon(r->store, r->opts->queues,
	    now + r->plan.ahead), due);
}

/*
 * When to wake for the next waiting job: ahead of its time, unless it is
 * already that near (and so not ours to claim: another queue's, or no
 * slot was free), then at its time, to move it to the due index.
 */
static job_time_t
wake_for(struct runner *r, job_time_t when, job_time_t now)
{
	if (when > now + r->plan.ahead)		/* when - ahead may wrap */
		return when - r->plan.ahead;
	return when > now ? when : now;
}

static job_time_t
nearer(job_time_t t, job_time_t at, job_time_t now)
{
	if (at == 0)
		return t;
	at = at > now ? at - now : 0;
	return t < 0 || at < t ? at : t;
}

/* How long the loop may sleep; -1 for as long as nothing happens. */
job_time_t
runner_timeout(struct runner *r, job_time_t now)
{
	job_time_t t = -1, when;
	int rc;

	if (r->noutcomes)
		return r->retry_at ? nearer(-1, r->retry_at, now) : 0;
	for (unsigned i = 0; i < r->nslots; i++) {
		struct slot *s = &r->slots[i];

		if (!s->used)
			continue;
		if (!s->timed_out)
			t = nearer(t, s->deadline, now);
		t = nearer(t, s->kill_at, now);
	}
	for (size_t i = 0; i < r->nkills; i++)
		t = nearer(t, r->kills[i].at, now);
	if (!r->stopping && r->nrunning < r->nslots) {
		rc = job_next_due_time(r->store, &when);
		if (rc == 0)
			t = nearer(t, wake_for(r, when, now), now);
		else if (rc != JOB_ENOJOB && r->retry_at == 0)
			return 0;	/* to a step, which reports it */
	}
	t = nearer(t, r->next_prune, now);	/* 0: none */
	t = nearer(t, r->retry_at, now);	/* a step that failed */
	/* Past, it waits for the next step that has a job to claim. */
	if (r->handlers_retry > now)
		t = nearer(t, r->handlers_retry, now);
	if (r->others)
		t = nearer(t, r->next_recover, now);
	return t;
}

void
runner_emit(struct runner *r, const struct job_event *ev)
{
	if (r->opts->on_event)
		r->opts->on_event(ev, r->opts->arg);
}

void
runner_emit_error(struct runner *r, int rc)
{
	struct job_event ev = { .kind = JOB_EV_ERROR, .time = job_now() };

	ev.text = job_strerror(rc);
	ev.text_len = strlen(ev.text);
	runner_emit(r, &ev);
}

void
runner_outcomes_clear(struct runner *r)
{
	r->noutcomes = 0;
}
