/*
 * recover.c: jobs left running by an executor that died.  The lost
 * attempt stays counted in attempts, but is not charged against the
 * retries; the fifth loss in a row fails the job (a handler that kills
 * its executor every time must not loop forever).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

#define MAX_LOST 5

struct running {
	uint64_t id, owner;
};

struct scan {
	const char *dir;
	uint64_t self;
	struct running *lost;
	size_t nlost, cap;
	int others;
	/* a small cache: owners seen alive or dead in this scan */
	uint64_t alive[16], dead[16];
	size_t nalive, ndead;
};

static int
seen(const uint64_t *set, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == v)
			return 1;
	return 0;
}

static int
owner_alive(struct scan *s, uint64_t owner)
{
	int alive;

	if (seen(s->alive, s->nalive, owner))
		return 1;
	if (seen(s->dead, s->ndead, owner))
		return 0;
	alive = job_liveness_alive(s->dir, owner);
	if (alive && s->nalive < 16)
		s->alive[s->nalive++] = owner;
	else if (!alive && s->ndead < 16)
		s->dead[s->ndead++] = owner;
	return alive;
}

static int
scan_fn(uint64_t id, uint64_t owner, void *arg)
{
	struct scan *s = arg;
	struct running *p;

	if (owner == s->self)
		return 0;
	if (owner_alive(s, owner)) {
		s->others = 1;
		return 0;
	}
	if (s->nlost == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		if ((p = realloc(s->lost, s->cap * sizeof *p)) == NULL)
			return ENOMEM;
		s->lost = p;
	}
	s->lost[s->nlost].id = id;
	s->lost[s->nlost++].owner = owner;
	return 0;
}

struct lose_arg {
	const struct running *r;
	job_time_t now;
	struct job_event *ev;
	struct job_event_text *text;
	int hit;
};

static int
lose_change(struct job *job, void *arg)
{
	struct lose_arg *a = arg;

	if (job->state != JOB_RUNNING || job->owner != a->r->owner)
		return JOB_UNCHANGED;
	a->hit = 1;
	job->owner = 0;
	job->uncharged++;
	job->lost_streak++;
	job->last_exit = -1;
	job->last_signal = -1;
	job_text_lost(a->text->text, sizeof a->text->text, job->handler,
	    job->attempts);
	snprintf(a->text->handler, sizeof a->text->handler, "%s",
	    job->handler);
	free(job->last_error);
	if (job_strdup(&job->last_error, a->text->text))
		return ENOMEM;
	a->ev->job = job->id;
	a->ev->attempt = job->attempts;
	/*
	 * Due again at its own time: before the jobs that came due after
	 * it, and never early if it was claimed ahead of that time.
	 */
	job->state = JOB_PENDING;
	if (job->lost_streak < MAX_LOST)
		return 0;
	job->lost_streak = 0;
	if (job->name)
		return job_recur_run_ended(job, a->now, 1);
	job->state = JOB_FAILED;
	job->finished_at = a->now;
	return 0;
}

struct recovery {
	struct scan scan;
	struct job_event *events;
	struct job_event_text *texts;
	size_t nevents, cap;
};

/* Room for one event per lost job. */
static int
reserve(struct recovery *rv, size_t n)
{
	struct job_event *ev;
	struct job_event_text *tx;

	if (n <= rv->cap)
		return 0;
	if ((ev = realloc(rv->events, n * sizeof *ev)) == NULL)
		return ENOMEM;
	rv->events = ev;
	if ((tx = realloc(rv->texts, n * sizeof *tx)) == NULL)
		return ENOMEM;
	rv->texts = tx;
	rv->cap = n;
	return 0;
}

/* Reports an id an index named without a record, now out of them. */
static int
repaired_fn(uint64_t id, void *arg)
{
	struct recovery *rv = arg;
	struct job_event *ev;
	int rc;

	if ((rc = reserve(rv, rv->nevents + 1)) != 0)
		return rc;
	ev = &rv->events[rv->nevents++];
	memset(ev, 0, sizeof *ev);
	ev->kind = JOB_EV_ERROR;
	ev->time = job_now();
	ev->job = id;
	ev->text = JOB_DANGLING_TEXT;
	ev->text_len = strlen(ev->text);
	return 0;
}

/* Takes an id without a record out of every index, and reports it. */
static int
dangling(struct store_txn *txn, struct recovery *rv, uint64_t id)
{
	int rc;

	if ((rc = store_purge(txn, id)) != 0)
		return rc;
	return repaired_fn(id, rv);
}

static int
lose(struct store_txn *txn, struct recovery *rv, const struct running *r)
{
	struct lose_arg a = { r, store_txn_now(txn), &rv->events[rv->nevents],
		&rv->texts[rv->nevents], 0 };
	int rc;

	memset(a.ev, 0, sizeof *a.ev);
	rc = job_update(txn, r->id, lose_change, &a);
	if (rc == JOB_ECORRUPT || rc == JOB_ESCHEMA)
		rc = store_quarantine(txn, r->id);
	if (rc == JOB_ENOJOB)	/* the running index named no record */
		return dangling(txn, rv, r->id);
	if (rc)
		return rc;
	if (a.hit) {
		a.ev->kind = JOB_EV_LOST;
		a.ev->time = a.now;
		a.ev->handler = a.text->handler;
		a.ev->text = a.text->text;
		a.ev->text_len = strlen(a.text->text);
		rv->nevents++;
	}
	return 0;
}

/* Repairs indexes that name jobs the store does not hold. */
static int
repair(struct store_txn *txn, struct recovery *rv)
{
	int rc = store_needs_repair(txn);

	if (rc <= 0)
		return rc;
	return store_repair(txn, repaired_fn, rv);
}

/*
 * Scans and recovers in one write transaction: a read snapshot could be
 * older than the last commit of an executor killed in mid-commit.
 */
static int
recover_txn(struct store_txn *txn, void *arg)
{
	struct recovery *rv = arg;
	struct scan *s = &rv->scan;
	int rc;

	s->nlost = 0;
	s->others = 0;
	s->nalive = s->ndead = 0;
	rv->nevents = 0;
	if ((rc = repair(txn, rv)) != 0 ||
	    (rc = store_each_running(txn, scan_fn, s)) != 0)
		return rc;
	if ((rc = reserve(rv, rv->nevents + s->nlost)) != 0)
		return rc;
	for (size_t i = 0; i < s->nlost; i++)
		if ((rc = lose(txn, rv, &s->lost[i])) != 0)
			return rc;
	return 0;
}

int
job_recover(job_store *store, uint64_t self, int *others,
    void (*ev)(const struct job_event *, void *), void *arg)
{
	struct recovery rv = { .scan = { .dir = store->dir, .self = self } };
	int rc;

	rc = store_write(store->st, recover_txn, &rv);
	for (size_t i = 0; rc == 0 && ev && i < rv.nevents; i++)
		ev(&rv.events[i], arg);
	*others = rv.scan.others;
	free(rv.scan.lost);
	free(rv.events);
	free(rv.texts);
	return rc;
}
