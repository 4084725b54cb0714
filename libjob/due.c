/*
 * due.c: what the executor asks the store without changing it: is a job
 * due, or coming due soon, when does the next one come due, when did
 * the oldest done job finish, is a running job still its own.
 */
#include "exec.h"

struct due_arg {
	const char *const *queues;
	job_time_t when;
};

static int
any_due_fn(struct store_txn *txn, void *arg)
{
	struct due_arg *d = arg;

	return store_any_due(txn, d->queues);
}

int
job_any_due(job_store *store, const char *const *queues)
{
	struct due_arg d = { queues, 0 };

	return store_read(store->st, any_due_fn, &d);
}

struct soon_arg {
	const char *const *queues;
	job_time_t until;
	uint64_t id;
};

static int
soon_fn(struct store_txn *txn, void *arg)
{
	struct soon_arg *s = arg;

	return store_next_soon(txn, s->queues, s->until, &s->id);
}

int
job_due_soon(job_store *store, const char *const *queues, job_time_t until)
{
	struct soon_arg s = { queues, until, 0 };

	return store_read(store->st, soon_fn, &s);
}

static int
next_time_fn(struct store_txn *txn, void *arg)
{
	struct due_arg *d = arg;

	return store_next_time(txn, &d->when);
}

int
job_next_due_time(job_store *store, job_time_t *when)
{
	struct due_arg d = { NULL, 0 };
	int rc;

	if ((rc = store_read(store->st, next_time_fn, &d)) == 0)
		*when = d.when;
	return rc;
}

static int
oldest_done_fn(struct store_txn *txn, void *arg)
{
	return store_oldest_finished(txn, JOB_DONE, arg);
}

int
job_oldest_done(job_store *store, job_time_t *when)
{
	return store_read(store->st, oldest_done_fn, when);
}

struct owned_arg {
	uint64_t id, owner;
};

/* A record that cannot be read is not taken for a removal: an error. */
static int
owned_fn(struct store_txn *txn, void *arg)
{
	struct owned_arg *o = arg;
	struct job job;
	int rc;

	job_init(&job);
	rc = job_load(txn, o->id, &job);
	if (rc == 0 && (job.state != JOB_RUNNING || job.owner != o->owner))
		rc = JOB_ENOJOB;
	job_free_fields(&job);
	return rc;
}

int
job_owned(job_store *store, uint64_t id, uint64_t owner)
{
	struct owned_arg o = { id, owner };

	return store_read(store->st, owned_fn, &o);
}
