/*
 * add.c: enqueueing jobs, now, at a time, or again and again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "internal.h"

struct add_batch {
	const struct job_spec *specs;	/* n of them, or one with items */
	size_t n;
	uint64_t *ids;
	int *existed;
	char *const *items;	/* job_add_each(): each job's last arg */
	char **args;		/* job_add_each(): specs->args, then it */
	struct job_buf rec;	/* each new record, encoded in turn */
};

/* Bytes of a string, NULL being none. */
static size_t
str_size(const char *s)
{
	return s ? strlen(s) : 0;
}

/*
 * About how much a job of spec takes in the store, for store_reserve():
 * its strings and payload, and a little for its numbers, the keys and
 * the index entries.
 */
static size_t
spec_size(const struct job_spec *spec)
{
	size_t n = 96 + spec->payload_len;

	n += str_size(spec->handler) + str_size(spec->queue) +
	    str_size(spec->key) + str_size(spec->name) + str_size(spec->cron);
	for (size_t i = 0; i < spec->nargs; i++)
		n += 2 + str_size(spec->args[i]);
	return n;
}

/*
 * Fills a record that points into spec (without id and times): to be
 * encoded, never freed.
 */
static void
spec_view(struct job *view, const struct job_spec *spec)
{
	struct job tmp;

	job_init(&tmp);
	tmp.handler = (char *)spec->handler;
	tmp.args = (char **)spec->args;
	tmp.nargs = spec->nargs;
	tmp.payload = (unsigned char *)spec->payload;
	tmp.payload_len = spec->payload_len;
	tmp.has_payload = spec->has_payload;
	tmp.queue = (char *)(spec->queue ? spec->queue : "default");
	tmp.priority = spec->priority;
	tmp.max_attempts = spec->retries + 1;
	tmp.timeout = spec->timeout;
	tmp.key = (char *)spec->key;
	tmp.name = (char *)spec->name;
	tmp.every = spec->every;
	tmp.cron = (char *)spec->cron;
	tmp.catchup = spec->catchup;
	tmp.jitter = spec->jitter;
	tmp.state = JOB_PENDING;
	*view = tmp;
}

/* Builds a record, owning its fields, from spec. */
static int
job_from_spec(struct job *job, const struct job_spec *spec)
{
	struct job view;

	spec_view(&view, spec);
	return job_copy(job, &view);
}

/* Sets a recurring job's first run from its schedule, after `at`. */
static int
schedule_first(struct job *job, job_time_t at)
{
	int rc;

	if ((rc = job_recur_first(job, at, &job->sched_at)) != 0)
		return rc;
	if (job->every)
		job->anchor = job->sched_at;
	job_recur_jitter(job);
	return 0;
}

/* When the spec says to start: its time if it has one, else now. */
static job_time_t
spec_time(const struct job_spec *spec, job_time_t now)
{
	return spec->has_run_at ? spec->run_at : now;
}

/* job_save() for a new job, encoded into rec: no allocation per job. */
static int
save_new(struct store_txn *txn, struct job_buf *rec, const struct job *job)
{
	struct store_index ix;
	int rc;

	if ((rc = job_encode_buf(job, rec)) != 0)
		return rc;
	job_index_of(job, &ix);
	return store_put(txn, NULL, &ix, rec->p, rec->len);
}

static int
add_new(struct store_txn *txn, const struct job_spec *spec,
    struct job_buf *rec, uint64_t *id)
{
	struct job job;
	job_time_t now = store_txn_now(txn);
	int rc = 0;

	/* The record only passes through to the encoder: no copies. */
	spec_view(&job, spec);
	job.created_at = now;
	if (job.name)
		rc = schedule_first(&job, spec_time(spec, now));
	else
		job.run_at = spec_time(spec, now);
	if (rc == 0)
		rc = store_next_id(txn, &job.id);
	if (rc == 0)
		rc = save_new(txn, rec, &job);
	*id = job.id;
	return rc;
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Is job's recurring definition the one spec gives? */
static int
same_definition(const struct job *job, const struct job *def)
{
	if (!same_str(job->handler, def->handler) ||
	    !same_str(job->queue, def->queue) ||
	    !same_str(job->cron, def->cron) || job->nargs != def->nargs ||
	    job->every != def->every || job->priority != def->priority ||
	    job->max_attempts != def->max_attempts ||
	    job->timeout != def->timeout || job->catchup != def->catchup ||
	    job->jitter != def->jitter || job->has_payload != def->has_payload ||
	    job->payload_len != def->payload_len)
		return 0;
	for (size_t i = 0; i < job->nargs; i++)
		if (strcmp(job->args[i], def->args[i]) != 0)
			return 0;
	return job->payload_len == 0 ||
	    memcmp(job->payload, def->payload, job->payload_len) == 0;
}

/* Gives job the definition of def, keeping id, counts and state. */
static int
redefine(struct job *job, const struct job *def, job_time_t at)
{
	struct job merged;
	int rc;

	if ((rc = job_copy(&merged, def)) != 0)
		return rc;
	merged.id = job->id;
	merged.state = job->state;
	merged.created_at = job->created_at;
	merged.started_at = job->started_at;
	merged.finished_at = job->finished_at;
	merged.attempts = job->attempts;
	merged.uncharged = job->uncharged;
	merged.lost_streak = job->lost_streak;
	merged.last_exit = job->last_exit;
	merged.last_signal = job->last_signal;
	merged.runs = job->runs;
	merged.failures = job->failures;
	merged.owner = job->owner;
	if (job->last_error && (merged.last_error = strdup(job->last_error))
	    == NULL)
		rc = ENOMEM;
	if (rc == 0)
		rc = schedule_first(&merged, at);
	if (rc == 0 && job->state == JOB_RUNNING)
		merged.run_at = job->run_at;	/* the run goes on */
	job_free_fields(job);
	*job = merged;
	return rc;
}

struct recur_arg {
	const struct job_spec *spec;
	job_time_t now;
	int existed;
	struct job def;
};

/* Keeps, refuses or replaces a recurring job's definition. */
static int
recur_change(struct job *job, void *arg)
{
	struct recur_arg *a = arg;

	if (same_definition(job, &a->def)) {
		a->existed = 1;
		return JOB_UNCHANGED;
	}
	if (!a->spec->replace)
		return JOB_ECONFLICT;
	return redefine(job, &a->def, spec_time(a->spec, a->now));
}

static int
add_recurring(struct store_txn *txn, const struct job_spec *spec,
    uint64_t existing, uint64_t *id, int *existed)
{
	struct recur_arg a = { .spec = spec, .now = store_txn_now(txn) };
	int rc;

	job_init(&a.def);
	*id = existing;
	if ((rc = job_from_spec(&a.def, spec)) == 0)
		rc = job_update(txn, existing, recur_change, &a);
	*existed = a.existed;
	job_free_fields(&a.def);
	return rc;
}

/*
 * Checks that an id the keys or names index gave has a record; one that
 * has none is taken out of every index, and the key or name is free.
 */
static int
check_found(struct store_txn *txn, int rc, uint64_t found)
{
	const void *rec;
	size_t len;

	if (rc == 0 && (rc = store_get(txn, found, &rec, &len)) == JOB_ENOJOB &&
	    (rc = store_purge(txn, found)) == 0)
		rc = JOB_ENOJOB;
	return rc;
}

static int
add_one(struct store_txn *txn, const struct job_spec *spec,
    struct job_buf *rec, uint64_t *id, int *existed)
{
	uint64_t found;
	int rc;

	*existed = 0;
	if (spec->key) {
		rc = store_find_key(txn, spec->key, &found);
		rc = check_found(txn, rc, found);
		if (rc == 0) {
			*id = found;
			*existed = 1;
			return 0;
		}
		if (rc != JOB_ENOJOB)
			return rc;
	}
	if (spec->name) {
		rc = store_find_name(txn, spec->name, &found);
		rc = check_found(txn, rc, found);
		if (rc == 0)
			return add_recurring(txn, spec, found, id, existed);
		if (rc != JOB_ENOJOB)
			return rc;
	}
	return add_new(txn, spec, rec, id);
}

static int
add_batch(struct store_txn *txn, void *arg)
{
	struct add_batch *b = arg;
	int existed, rc;

	for (size_t i = 0; i < b->n; i++) {
		const struct job_spec *spec = &b->specs[i];

		if (b->items) {
			spec = b->specs;
			b->args[spec->nargs - 1] = b->items[i];
		}
		rc = add_one(txn, spec, &b->rec, &b->ids[i], &existed);
		if (rc)
			return rc;
		if (b->existed)
			*b->existed = existed;
	}
	return 0;
}

int
job_add_many(job_store *store, const struct job_spec *specs, size_t n,
    uint64_t *ids)
{
	struct add_batch b = { .specs = specs, .n = n, .ids = ids };
	size_t bytes = 0;
	int rc;

	if (n == 0)
		return 0;
	if (store == NULL || specs == NULL || ids == NULL)
		return JOB_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if ((rc = job_spec_check(&specs[i], NULL)) != 0)
			return rc;
		bytes += spec_size(&specs[i]);
	}
	store_reserve(store->st, bytes);	/* a hint: errors can wait */
	rc = store_write(store->st, add_batch, &b);
	free(b.rec.p);
	if (rc == 0)
		job_wake(store->dir);
	return rc;
}

int
job_add_each(job_store *store, const struct job_spec *spec,
    char *const *items, size_t n, uint64_t *ids)
{
	struct job_spec each;
	struct add_batch b = { .specs = &each, .n = n, .ids = ids,
		.items = items };
	size_t bytes;
	int rc;

	if (store == NULL || (n > 0 && ids == NULL))
		return JOB_EINVAL;
	if ((rc = job_spec_check(spec, NULL)) != 0 ||
	    (rc = job_spec_check_items(spec, items, n)) != 0)
		return rc;
	if (n == 0)
		return 0;
	bytes = n * spec_size(spec);
	for (size_t i = 0; i < n; i++)
		bytes += 2 + str_size(items[i]);
	store_reserve(store->st, bytes);	/* a hint: errors can wait */
	/* One spec for all, its last arg set to each item in turn. */
	each = *spec;
	if ((b.args = calloc(spec->nargs + 1, sizeof *b.args)) == NULL)
		return ENOMEM;
	for (size_t i = 0; i < spec->nargs; i++)
		b.args[i] = spec->args[i];
	each.args = b.args;
	each.nargs = spec->nargs + 1;
	rc = store_write(store->st, add_batch, &b);
	free(b.args);
	free(b.rec.p);
	if (rc == 0)
		job_wake(store->dir);
	return rc;
}

int
job_add(job_store *store, const struct job_spec *spec, uint64_t *id,
    int *existed)
{
	struct add_batch b = { .specs = spec, .n = 1, .ids = id,
		.existed = existed };
	int rc, dummy;

	if (existed == NULL)
		b.existed = &dummy;
	if (store == NULL || id == NULL)
		return JOB_EINVAL;
	if ((rc = job_spec_check(spec, NULL)) != 0)
		return rc;
	rc = store_write(store->st, add_batch, &b);
	free(b.rec.p);
	if (rc == 0)
		job_wake(store->dir);
	return rc;
}
