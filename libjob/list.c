/*
 * list.c: reading jobs back: one, all that match a filter, the counts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "internal.h"

struct get_arg {
	uint64_t id;
	struct job *job;
};

static int
get_fn(struct store_txn *txn, void *arg)
{
	struct get_arg *g = arg;

	return job_load(txn, g->id, g->job);
}

int
job_get(job_store *store, uint64_t id, struct job *job)
{
	struct get_arg g = { id, job };

	job_init(job);
	return store_read(store->st, get_fn, &g);
}

struct list_arg {
	const struct job_filter *filter;
	int (*fn)(const struct job *, void *);
	void (*corrupt)(uint64_t, void *);
	void *arg;
	uint64_t seen[JOB_NSTATES];	/* records by state, all of them */
	int unreadable;
};

static int
matches(const struct job_filter *f, const struct job *job)
{
	unsigned states = f->states ? f->states : ~(1u << JOB_DONE);

	if (!(states & (1u << job->state)))
		return 0;
	if (f->handler && strcmp(f->handler, job->handler) != 0)
		return 0;
	if (f->queue && strcmp(f->queue, job->queue ? job->queue :
	    "default") != 0)
		return 0;
	if (f->name && (job->name == NULL || strcmp(f->name, job->name) != 0))
		return 0;
	return 1;
}

static int
each_fn(uint64_t id, const void *rec, size_t len, void *arg)
{
	struct list_arg *l = arg;
	struct job job;
	int rc;

	job_init(&job);
	if ((rc = job_decode(rec, len, &job)) != 0) {
		if (rc != JOB_ECORRUPT && rc != JOB_ESCHEMA)
			return rc;
		l->unreadable = 1;
		if (l->corrupt)
			l->corrupt(id, l->arg);
		return 0;
	}
	job.id = id;
	if (job.state >= 0 && job.state < JOB_NSTATES)
		l->seen[job.state]++;
	rc = matches(l->filter, &job) ? l->fn(&job, l->arg) : 0;
	job_free_fields(&job);
	return rc;
}

/*
 * Walks every record; then, unless some could not be read (their state
 * unknown), checks them against the counts, which index entries without
 * a record would inflate.
 */
static int
list_fn(struct store_txn *txn, void *arg)
{
	struct list_arg *l = arg;
	uint64_t counts[JOB_NSTATES];
	int rc;

	if ((rc = store_each(txn, 0, each_fn, arg)) != 0 || l->unreadable ||
	    (rc = store_count(txn, counts)) != 0)
		return rc;
	for (int s = 0; s < JOB_NSTATES; s++)
		if (counts[s] > l->seen[s])
			return JOB_EREPAIR;
	return 0;
}

int
job_list(job_store *store, const struct job_filter *filter,
    int (*fn)(const struct job *, void *),
    void (*corrupt)(uint64_t, void *), void *arg)
{
	struct job_filter none = { 0 };
	struct list_arg l = { .filter = filter ? filter : &none, .fn = fn,
		.corrupt = corrupt, .arg = arg };

	if (store == NULL || fn == NULL)
		return JOB_EINVAL;
	return store_read(store->st, list_fn, &l);
}

static int
count_fn(struct store_txn *txn, void *arg)
{
	return store_count(txn, arg);
}

int
job_count(job_store *store, uint64_t counts[JOB_NSTATES])
{
	return store_read(store->st, count_fn, counts);
}

struct match_count {
	struct job_filter filter;	/* every state */
	uint64_t *counts;
	void (*corrupt)(uint64_t, void *);
	void *arg;
};

static int
count_one(const struct job *job, void *arg)
{
	struct match_count *m = arg;

	m->counts[job->state]++;
	return 0;
}

static void
count_corrupt(uint64_t id, void *arg)
{
	struct match_count *m = arg;

	if (m->corrupt)
		m->corrupt(id, m->arg);
}

static int
match_count_fn(struct store_txn *txn, void *arg)
{
	struct match_count *m = arg;
	struct list_arg l = { .filter = &m->filter, .fn = count_one,
		.corrupt = count_corrupt, .arg = m };

	for (int s = 0; s < JOB_NSTATES; s++)
		m->counts[s] = 0;
	return store_each(txn, 0, each_fn, &l);
}

/*
 * Unlike job_count(), it reads every record: the store keeps counts by
 * state only.
 */
int
job_count_matching(job_store *store, const struct job_filter *filter,
    uint64_t counts[JOB_NSTATES], void (*corrupt)(uint64_t id, void *arg),
    void *arg)
{
	struct match_count m = { { 0 }, counts, corrupt, arg };

	if (filter)
		m.filter = *filter;
	m.filter.states = (1u << JOB_NSTATES) - 1;
	return store_read(store->st, match_count_fn, &m);
}

int
job_log_path(job_store *store, uint64_t id, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "%s/%s/%llu", store->dir, JOB_LOG_DIR,
	    (unsigned long long)id);
	return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}
