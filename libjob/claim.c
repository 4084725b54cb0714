/*
 * claim.c: the executor's transactions.  Recording the outcomes of the
 * attempts that ended and claiming the next due jobs share one write
 * transaction, so that a busy executor pays one fsync per turn of its
 * loop, not one per state change.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

#define SKIP_LATE (60 * JOB_NSEC)

/* Adds an event to the plan; its strings are copied into the plan. */
static struct job_event *
plan_event(struct job_txn_plan *p, int kind, const struct job *job,
    const struct job_outcome *o, job_time_t now, const char *text)
{
	struct job_event *ev = &p->events[p->nevents];
	struct job_event_text *t = &p->texts[p->nevents];

	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	ev->time = now;
	ev->job = job->id;
	ev->attempt = job->attempts;
	snprintf(t->handler, sizeof t->handler, "%s", job->handler);
	ev->handler = t->handler;
	if (o && kind != JOB_EV_INTERRUPT) {
		job_outcome_status(o, t->status, sizeof t->status);
		ev->status = t->status;
	}
	if (o)
		ev->duration = o->ended - o->started;
	if (text) {
		snprintf(t->text, sizeof t->text, "%s", text);
		ev->text = t->text;
		ev->text_len = strlen(t->text);
	}
	p->nevents++;
	return ev;
}

static int
set_error(struct job *job, const char *text)
{
	free(job->last_error);
	return job_strdup(&job->last_error, text);
}

/* Sets last_error to text (or none), noting output the log lost. */
static int
set_outcome_error(struct job *job, const struct job_outcome *o,
    const char *text)
{
	char buf[640];

	if (o->log_error == 0)
		return set_error(job, text);
	snprintf(buf, sizeof buf, "%s%s%s: %s", text ? text : "",
	    text ? "; " : "", JOB_LOG_INCOMPLETE, job_strerror(o->log_error));
	return set_error(job, buf);
}


/* A failed attempt: retry, next run, or failed for good. */
static int
record_failure(struct job_txn_plan *p, struct job *job,
    const struct job_outcome *o, job_time_t now)
{
	job_time_t retry_at;

	if (job_retry_at(job, now, &retry_at)) {
		job->state = JOB_PENDING;
		job->run_at = retry_at;
		plan_event(p, JOB_EV_RETRY, job, o, now,
		    job->last_error)->next = retry_at;
		return 0;
	}
	plan_event(p, JOB_EV_FAIL, job, o, now, job->last_error);
	if (job->name)
		return job_recur_run_ended(job, now, 1);
	job->state = JOB_FAILED;
	job->finished_at = now;
	return 0;
}

static int
apply_outcome(struct job_txn_plan *p, struct job *job,
    const struct job_outcome *o, job_time_t now)
{
	char text[512];

	job->finished_at = o->ended;
	job->lost_streak = 0;
	job->owner = 0;
	if (o->interrupted) {
		job->uncharged++;
		/*
		 * Due at once, keeping its place before the jobs that came
		 * due after it, and never before its time (claimed ahead).
		 */
		job->state = JOB_PENDING;
		if (set_outcome_error(job, o, o->error ? o->error :
		    JOB_INTERRUPTED_TEXT))
			return ENOMEM;
		if (o->announced)
			plan_event(p, JOB_EV_INTERRUPT, job, o, now,
			    job->last_error);
		return 0;
	}
	job->last_exit = o->error || o->signal > 0 ? -1 : o->exit_status;
	job->last_signal = o->signal > 0 ? o->signal : -1;
	if (!o->error && !o->timed_out && o->signal <= 0 &&
	    o->exit_status == 0) {
		plan_event(p, JOB_EV_DONE, job, o, now, NULL);
		if (set_outcome_error(job, o, NULL))
			return ENOMEM;
		if (job->name)
			return job_recur_run_ended(job, now, 0);
		job->state = JOB_DONE;
		return 0;
	}
	job_outcome_error(o, job->handler, text, sizeof text);
	if (set_outcome_error(job, o, text))
		return ENOMEM;
	if (o->timed_out)
		plan_event(p, JOB_EV_TIMEOUT, job, o, now, text);
	return record_failure(p, job, o, now);
}

struct outcome_arg {
	struct job_txn_plan *plan;
	const struct job_outcome *outcome;
	job_time_t now;
};

static int
outcome_change(struct job *job, void *arg)
{
	struct outcome_arg *a = arg;

	if (a->outcome->removed)
		return JOB_UNCHANGED;
	/* Removed and re-claimed elsewhere, or not ours: nothing to do. */
	if (job->state != JOB_RUNNING || job->owner != a->plan->owner)
		return JOB_UNCHANGED;
	return apply_outcome(a->plan, job, a->outcome, a->now);
}

/*
 * A job removed (job-rm -f) before its executor saw it: the attempt that
 * ended is closed by an interrupt event all the same.
 */
static void
removed_event(struct job_txn_plan *p, const struct job_outcome *o,
    job_time_t now)
{
	struct job job;

	if (!o->announced)
		return;
	job_init(&job);
	job.id = o->id;
	job.handler = (char *)o->handler;
	job.attempts = o->attempt;
	plan_event(p, JOB_EV_INTERRUPT, &job, o, now, JOB_REMOVED_TEXT);
}

static int
record_outcome(struct store_txn *txn, struct job_txn_plan *p,
    const struct job_outcome *o)
{
	struct outcome_arg a = { p, o, store_txn_now(txn) };
	int rc;

	rc = job_update(txn, o->id, outcome_change, &a);
	if (rc == JOB_ENOJOB)
		removed_event(p, o, a.now);
	return rc == JOB_ENOJOB || rc == JOB_ECORRUPT ? 0 : rc;
}

struct claim_arg {
	struct job_txn_plan *plan;
	job_time_t now;
	int skipped;
};

/* With --catch-up skip, a run found this late was missed: drop it. */
static int
missed(const struct job *job, job_time_t now)
{
	return job->name && job->catchup == JOB_CATCHUP_SKIP &&
	    job->attempts == 0 &&
	    now > job_time_add_sat(job->run_at, SKIP_LATE);
}

static int
claim_change(struct job *job, void *arg)
{
	struct claim_arg *a = arg;
	struct job_txn_plan *p = a->plan;
	int rc;

	if (job->state != JOB_PENDING)
		return JOB_ECORRUPT;	/* an index out of step */
	if (missed(job, a->now)) {
		a->skipped = 1;
		return job_recur_advance(job, a->now);
	}
	job->state = JOB_RUNNING;
	job->owner = p->owner;
	job->attempts++;
	/* Claimed ahead of its time, it starts at that time. */
	job->started_at = job->run_at > a->now ? job->run_at : a->now;
	if ((rc = job_copy(&p->claimed[p->nclaimed], job)) != 0)
		return rc;
	p->nclaimed++;
	return 0;
}

/*
 * Claims job id; a record that cannot be read is reported, never run,
 * and an id without a record is taken out of every index (and counts).
 */
static int
claim_one(struct store_txn *txn, uint64_t id, struct claim_arg *a)
{
	struct job_txn_plan *p = a->plan;
	int rc;

	rc = job_update(txn, id, claim_change, a);
	if (rc == JOB_ECORRUPT || rc == JOB_ESCHEMA)
		rc = store_quarantine(txn, id);
	else if (rc == JOB_ENOJOB && (rc = store_purge(txn, id)) == 0)
		p->dangling[p->ndangling++] = id;
	return rc;
}

/*
 * The next job to claim: the best due one, or once none is left (*ahead
 * set), the first coming due within p->ahead.
 */
static int
next_claim(struct store_txn *txn, struct job_txn_plan *p, job_time_t now,
    int *ahead, uint64_t *id)
{
	int rc;

	if (!*ahead && (rc = store_next_due(txn, p->queues, id)) !=
	    JOB_ENOJOB)
		return rc;
	if (p->ahead <= 0)
		return JOB_ENOJOB;
	*ahead = 1;
	return store_next_soon(txn, p->queues, now + p->ahead, id);
}

/*
 * Claims due jobs, then, with slots still free, jobs coming due within
 * p->ahead: their handlers wait for their time before the execve.
 */
static int
claim_due(struct store_txn *txn, struct job_txn_plan *p)
{
	struct claim_arg a = { p, store_txn_now(txn), 0 };
	uint64_t id;
	int rc, ahead = 0;

	while (p->nclaimed < p->want && p->ndangling < JOB_PLAN_DANGLING) {
		if ((rc = next_claim(txn, p, a.now, &ahead, &id)) != 0)
			return rc == JOB_ENOJOB ? 0 : rc;
		if ((rc = claim_one(txn, id, &a)) != 0)
			return rc;
	}
	return 0;
}

static void
plan_reset(struct job_txn_plan *p)
{
	for (size_t i = 0; i < p->nclaimed; i++)
		job_free_fields(&p->claimed[i]);
	p->nclaimed = 0;
	p->nevents = 0;
	p->ndangling = 0;
}

static int
step_fn(struct store_txn *txn, void *arg)
{
	struct job_txn_plan *p = arg;
	int rc;

	/* store_write may run this again after growing the map. */
	plan_reset(p);
	for (size_t i = 0; i < p->noutcomes; i++)
		if ((rc = record_outcome(txn, p, &p->outcomes[i])) != 0)
			return rc;
	return claim_due(txn, p);
}

int
job_record_and_claim(job_store *store, struct job_txn_plan *plan)
{
	int rc;

	if ((rc = store_write(store->st, step_fn, plan)) != 0)
		plan_reset(plan);
	return rc;
}
