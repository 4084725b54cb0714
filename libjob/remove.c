/*
 * remove.c: removing jobs by id, by name, by age once finished, and
 * every pending one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "codec.h"
#include "internal.h"

struct remove_arg {
	uint64_t id;
	int force;
};

static int
remove_fn(struct store_txn *txn, void *arg)
{
	struct remove_arg *r = arg;
	struct job job;
	int rc;

	job_init(&job);
	if ((rc = job_load(txn, r->id, &job)) == 0) {
		if (job.state == JOB_RUNNING && !r->force)
			rc = JOB_ERUNNING;
		else
			rc = job_delete(txn, &job);
	} else if (rc == JOB_ECORRUPT || rc == JOB_ESCHEMA)
		rc = store_purge(txn, r->id);	/* unreadable: remove as is */
	job_free_fields(&job);
	return rc;
}

int
job_remove(job_store *store, uint64_t id, int force)
{
	struct remove_arg r = { id, force };
	int rc;

	if ((rc = store_write_freeing(store->st, remove_fn, &r)) != 0)
		return rc;
	job_log_remove(store->dir, id);
	/* An executor running it sees it gone and stops its handler. */
	if (force)
		job_wake(store->dir);
	return 0;
}

struct find_arg {
	const char *name;
	uint64_t id;
};

/* A name whose record is missing names no job (adding it repairs it). */
static int
find_name_fn(struct store_txn *txn, void *arg)
{
	struct find_arg *a = arg;
	const void *rec;
	size_t len;
	int rc;

	if ((rc = store_find_name(txn, a->name, &a->id)) != 0)
		return rc;
	return store_get(txn, a->id, &rec, &len);
}

int
job_find_name(job_store *store, const char *name, uint64_t *id)
{
	struct find_arg a = { name, 0 };
	int rc;

	if ((rc = store_read(store->st, find_name_fn, &a)) == 0)
		*id = a.id;
	return rc;
}

struct finished_arg {
	int state;
	job_time_t before;
	uint64_t *ids;
	size_t n, cap;
};

static int
collect_fn(uint64_t id, void *arg)
{
	struct finished_arg *f = arg;
	uint64_t *p;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		if ((p = realloc(f->ids, f->cap * sizeof *p)) == NULL)
			return ENOMEM;
		f->ids = p;
	}
	f->ids[f->n++] = id;
	return 0;
}

static int
remove_finished_fn(struct store_txn *txn, void *arg)
{
	struct finished_arg *f = arg;
	struct job job;
	int rc;

	f->n = 0;
	rc = store_each_finished(txn, f->state, f->before, collect_fn, f);
	for (size_t i = 0; i < f->n && rc == 0; i++) {
		job_init(&job);
		if ((rc = job_load(txn, f->ids[i], &job)) == 0)
			rc = job_delete(txn, &job);
		else if (rc == JOB_ECORRUPT || rc == JOB_ESCHEMA ||
		    rc == JOB_ENOJOB)	/* unreadable, or only in the index */
			rc = store_purge(txn, f->ids[i]);
		job_free_fields(&job);
	}
	return rc;
}

int
job_remove_finished(job_store *store, int state, job_time_t before,
    uint64_t *removed)
{
	struct finished_arg f = { state, before, NULL, 0, 0 };
	int rc;

	*removed = 0;
	if (state != JOB_DONE && state != JOB_FAILED)
		return JOB_EINVAL;
	rc = store_write_freeing(store->st, remove_finished_fn, &f);
	if (rc == 0) {
		for (size_t i = 0; i < f.n; i++)
			job_log_remove(store->dir, f.ids[i]);
		*removed = f.n;
	}
	free(f.ids);
	return rc;
}

/* Notes the id of each pending job (a running one is not touched). */
static int
pending_fn(uint64_t id, const void *rec, size_t len, void *arg)
{
	struct job job;
	int rc;

	job_init(&job);
	rc = job_decode(rec, len, &job);
	if (rc == 0 && job.state == JOB_PENDING)
		rc = collect_fn(id, arg);
	else if (rc == JOB_ECORRUPT || rc == JOB_ESCHEMA)
		rc = 0;		/* no state to go by: left alone */
	job_free_fields(&job);
	return rc;
}

static int
remove_pending_fn(struct store_txn *txn, void *arg)
{
	struct finished_arg *f = arg;
	struct job job;
	int rc;

	f->n = 0;
	rc = store_each(txn, 0, pending_fn, f);
	for (size_t i = 0; i < f->n && rc == 0; i++) {
		job_init(&job);
		if ((rc = job_load(txn, f->ids[i], &job)) == 0)
			rc = job_delete(txn, &job);
		job_free_fields(&job);
	}
	return rc;
}

int
job_remove_pending(job_store *store, uint64_t *removed)
{
	struct finished_arg f = { JOB_PENDING, 0, NULL, 0, 0 };
	int rc;

	*removed = 0;
	rc = store_write_freeing(store->st, remove_pending_fn, &f);
	if (rc == 0) {
		for (size_t i = 0; i < f.n; i++)
			job_log_remove(store->dir, f.ids[i]);
		*removed = f.n;
	}
	free(f.ids);
	return rc;
}
