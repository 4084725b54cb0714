/*
 * recstore.c: records to and from the store: decoding on load, encoding
 * and index upkeep on save.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "internal.h"

void
job_index_of(const struct job *job, struct store_index *ix)
{
	ix->id = job->id;
	ix->state = job->state;
	ix->queue = job->queue ? job->queue : "default";
	ix->priority = job->priority;
	ix->run_at = job->run_at;
	ix->finished_at = job->finished_at;
	ix->key = job->key;
	ix->name = job->name;
	ix->owner = job->owner;
}

int
job_load(struct store_txn *txn, uint64_t id, struct job *job)
{
	const void *rec;
	size_t len;
	int rc;

	if ((rc = store_get(txn, id, &rec, &len)) != 0)
		return rc;
	if ((rc = job_decode(rec, len, job)) != 0)
		return rc;
	job->id = id;
	return 0;
}

int
job_save_into(struct store_txn *txn, const struct store_index *old,
    const struct job *job, struct job_buf *rec)
{
	struct store_index ix;
	struct job view = *job;
	int rc;

	/* Bytes in memory (a new job, a record from before) go apart. */
	if (job->has_payload && job->payload != NULL && job->payload_len > 0) {
		if ((rc = store_payload_put(txn, job->id, job->payload,
		    job->payload_len)) != 0)
			return rc;
		view.payload = NULL;
	}
	if ((rc = job_encode_buf(&view, rec)) != 0)
		return rc;
	job_index_of(job, &ix);
	return store_put(txn, old, &ix, rec->p, rec->len);
}

int
job_save(struct store_txn *txn, const struct store_index *old,
    const struct job *job)
{
	struct job_buf rec = { NULL, 0, 0 };
	int rc;

	rc = job_save_into(txn, old, job, &rec);
	free(rec.p);
	return rc;
}

int
job_load_payload(struct store_txn *txn, struct job *job)
{
	const void *p;
	size_t len;
	int rc;

	if (!job_payload_apart(job))
		return 0;
	rc = store_payload_get(txn, job->id, &p, &len);
	if (rc == 0 && len != job->payload_len)
		rc = JOB_ECORRUPT;
	if (rc)
		return rc == JOB_ENOJOB ? JOB_ECORRUPT : rc;
	if ((job->payload = malloc(len)) == NULL)
		return ENOMEM;
	memcpy(job->payload, p, len);
	return 0;
}

int
job_update(struct store_txn *txn, uint64_t id,
    int (*change)(struct job *job, void *arg), void *arg)
{
	struct store_index old;
	struct job job, was;
	int rc;

	job_init(&job);
	if ((rc = job_load(txn, id, &job)) != 0)
		return rc;
	/* The old index entries point into a copy that change can't touch. */
	if ((rc = job_copy(&was, &job)) == 0) {
		job_index_of(&was, &old);
		rc = change(&job, arg);
		if (rc == 0)
			rc = job_save(txn, &old, &job);
		else if (rc == JOB_UNCHANGED)
			rc = 0;
		job_free_fields(&was);
	}
	job_free_fields(&job);
	return rc;
}

int
job_delete(struct store_txn *txn, const struct job *job)
{
	struct store_index ix;

	job_index_of(job, &ix);
	return store_del(txn, &ix);
}

int
job_strdup(char **dst, const char *src)
{
	*dst = NULL;
	if (src && (*dst = strdup(src)) == NULL)
		return ENOMEM;
	return 0;
}

static int
copy_args(struct job *dst, const struct job *src)
{
	if (src->nargs == 0)
		return 0;
	if ((dst->args = calloc(src->nargs, sizeof *dst->args)) == NULL)
		return ENOMEM;
	dst->nargs = src->nargs;
	for (size_t i = 0; i < src->nargs; i++)
		if (job_strdup(&dst->args[i], src->args[i]))
			return ENOMEM;
	return 0;
}

static int
copy_payload(struct job *dst, const struct job *src)
{
	if (!src->has_payload || src->payload == NULL || src->payload_len == 0)
		return 0;	/* none, or kept apart in the store */
	if ((dst->payload = malloc(src->payload_len)) == NULL)
		return ENOMEM;
	memcpy(dst->payload, src->payload, src->payload_len);
	return 0;
}

int
job_copy(struct job *dst, const struct job *src)
{
	int rc = 0;

	*dst = *src;
	dst->args = NULL;
	dst->nargs = 0;
	dst->payload = NULL;
	rc |= job_strdup(&dst->handler, src->handler);
	rc |= job_strdup(&dst->queue, src->queue);
	rc |= job_strdup(&dst->key, src->key);
	rc |= job_strdup(&dst->last_error, src->last_error);
	rc |= job_strdup(&dst->name, src->name);
	rc |= job_strdup(&dst->cron, src->cron);
	rc |= copy_args(dst, src);
	rc |= copy_payload(dst, src);
	if (rc) {
		job_free_fields(dst);
		return ENOMEM;
	}
	return 0;
}
