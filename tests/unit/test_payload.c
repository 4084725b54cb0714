/*
 * test_payload.c: payloads kept apart from their records: written once
 * at enqueue, never copied by a state change or a claim, loaded by
 * job_get(), replaced with a recurring job's definition, removed with the
 * job; and a store of the schema before, whose records hold their
 * payloads inline, read as it is and moved over by its first write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "codec.h"
#include "exec.h"
#include "lmdb_impl.h"

static char top[256] = "/tmp/test_payload.XXXXXX";

static job_store *
fresh_store(const char *name)
{
	job_store *s = NULL;
	char dir[512];

	snprintf(dir, sizeof dir, "%s/%s", top, name);
	CHECK_INT(job_store_open(&s, dir, JOB_STORE_CREATE), 0, "open creates");
	return s;
}

struct raw {
	uint64_t id;
	struct job job;		/* the record as stored, decoded */
	const void *payload;	/* what the payloads database holds */
	size_t len;
	int found;
};

static int
raw_fn(struct store_txn *txn, void *arg)
{
	struct raw *r = arg;
	const void *rec;
	size_t len;
	int rc;

	rc = store_get(txn, r->id, &rec, &len);
	if (rc == 0)
		rc = job_decode(rec, len, &r->job);
	else if (rc == JOB_ENOJOB)
		rc = 0;		/* removed: is its payload gone too? */
	if (rc)
		return rc;
	r->found = store_payload_get(txn, r->id, &r->payload, &r->len) == 0;
	if (r->found) {
		/* Valid in the transaction only: keep a copy. */
		void *copy = malloc(r->len ? r->len : 1);

		memcpy(copy, r->payload, r->len);
		r->payload = copy;
	}
	return 0;
}

/* Reads record id as stored, and its payload apart, if any. */
static void
raw_read(job_store *s, uint64_t id, struct raw *r)
{
	memset(r, 0, sizeof *r);
	r->id = id;
	job_init(&r->job);
	CHECK_INT(store_read(s->st, raw_fn, r), 0, "record read as stored");
}

static void
raw_free(struct raw *r)
{
	job_free_fields(&r->job);
	free((void *)r->payload);
}

static uint64_t
add_payload(job_store *s, const char *bytes, size_t len)
{
	struct job_spec spec = { .handler = "h", .payload =
		(const unsigned char *)bytes, .payload_len = len,
		.has_payload = 1 };
	uint64_t id = 0;
	int existed;

	CHECK_INT(job_add(s, &spec, &id, &existed), 0, "added");
	return id;
}

/* Claims the next job as the executor does; returns its id or 0. */
static uint64_t
claim(job_store *s, struct job *claimed)
{
	struct job_event ev[4];
	struct job_event_text texts[4];
	struct job_txn_plan p = { .owner = 7, .want = 1, .claimed = claimed,
		.events = ev, .texts = texts };

	job_init(claimed);
	if (job_record_and_claim(s, &p) != 0 || p.nclaimed != 1)
		return 0;
	return claimed->id;
}

static void
test_apart(void)
{
	job_store *s = fresh_store("apart");
	char big[100000];
	struct job got, claimed;
	struct raw r;
	uint64_t id;

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7);
	id = add_payload(s, big, sizeof big);
	raw_read(s, id, &r);
	CHECK(job_payload_apart(&r.job) && r.job.payload_len == sizeof big,
	    "the record holds the payload's length, not its bytes");
	CHECK(r.found && r.len == sizeof big &&
	    memcmp(r.payload, big, sizeof big) == 0,
	    "the bytes are in the payloads, once");
	raw_free(&r);
	CHECK_INT(job_get(s, id, &got), 0, "job_get");
	CHECK(got.payload != NULL && got.payload_len == sizeof big &&
	    memcmp(got.payload, big, sizeof big) == 0, "job_get loads it");
	job_free_fields(&got);
	CHECK_INT(claim(s, &claimed), id, "claimed");
	CHECK(job_payload_apart(&claimed) && claimed.payload_len == sizeof big,
	    "a claim leaves the payload in the store, to be fed from there");
	job_free_fields(&claimed);
	raw_read(s, id, &r);
	CHECK(job_payload_apart(&r.job) && r.job.state == JOB_RUNNING,
	    "a state change leaves the payload apart");
	raw_free(&r);
	CHECK_INT(job_remove(s, id, 1), 0, "removed");
	raw_read(s, id, &r);
	raw_free(&r);
	CHECK(!r.found, "removing a job removes its payload");
	job_store_close(s);
}

/* A recurring job's payload is part of its definition. */
static void
test_redefine(void)
{
	job_store *s = fresh_store("redefine");
	struct job_spec spec = { .handler = "h", .payload =
		(const unsigned char *)"one", .payload_len = 3,
		.has_payload = 1, .name = "r", .every = 3600 * JOB_NSEC };
	struct raw r;
	uint64_t id, again;
	int existed;

	CHECK_INT(job_add(s, &spec, &id, &existed), 0, "recurring added");
	CHECK_INT(job_add(s, &spec, &again, &existed), 0, "same definition");
	CHECK(again == id && existed, "the same payload is the same job");
	spec.payload = (const unsigned char *)"two";
	CHECK_INT(job_add(s, &spec, &again, &existed), JOB_ECONFLICT,
	    "another payload is another definition");
	spec.replace = 1;
	CHECK_INT(job_add(s, &spec, &again, &existed), 0, "replaced");
	raw_read(s, id, &r);
	CHECK(r.found && r.len == 3 && memcmp(r.payload, "two", 3) == 0,
	    "the new payload replaces the old");
	raw_free(&r);
	spec.has_payload = 0;
	spec.payload = NULL;
	spec.payload_len = 0;
	CHECK_INT(job_add(s, &spec, &again, &existed), 0, "payload dropped");
	raw_read(s, id, &r);
	CHECK(!r.found && !r.job.has_payload, "and none is left behind");
	raw_free(&r);
	job_store_close(s);
}

/* A record of the schema before: its payload inline. */
static int
old_record_fn(struct store_txn *txn, void *arg)
{
	struct job job;
	struct store_index ix;
	unsigned char *buf;
	size_t len;
	uint64_t *id = arg;
	int rc;

	job_init(&job);
	job.handler = "h";
	job.queue = "default";
	job.payload = (unsigned char *)"inline";
	job.payload_len = 6;
	job.has_payload = 1;
	job.max_attempts = 1;
	if ((rc = store_next_id(txn, id)) != 0)
		return rc;
	job.id = *id;
	job.run_at = job.created_at = store_txn_now(txn);
	if ((rc = job_encode(&job, &buf, &len)) != 0)
		return rc;
	job_index_of(&job, &ix);
	rc = store_put(txn, NULL, &ix, buf, len);
	free(buf);
	return rc;
}

/* Makes s look like a store of schema 1: no payloads, version 1. */
static int
downgrade_fn(struct store_txn *txn, void *arg)
{
	uint32_t one = 1;
	MDB_val k = str_val("version"), v = val(&one, sizeof one);
	int rc;

	(void)arg;
	if ((rc = mdb_drop(txn->txn, txn->st->dbi[DB_PAYLOADS], 1)) != 0)
		return map_err(rc);
	return map_err(mdb_put(txn->txn, txn->st->dbi[DB_META], &k, &v, 0));
}

static int
version_fn(struct store_txn *txn, void *arg)
{
	MDB_val v;
	int rc;

	if ((rc = db_get(txn, DB_META, str_val("version"), &v)) == 0)
		memcpy(arg, v.mv_data, sizeof(uint32_t));
	return rc;
}

static void
test_old_store(void)
{
	job_store *s = fresh_store("old");
	char dir[512];
	struct job got, claimed;
	struct raw r;
	uint32_t version = 0;
	uint64_t id = 0;

	CHECK_INT(store_write(s->st, old_record_fn, &id), 0, "old record");
	CHECK_INT(store_write(s->st, downgrade_fn, NULL), 0, "schema 1");
	job_store_close(s);
	snprintf(dir, sizeof dir, "%s/old", top);
	CHECK_INT(job_store_open(&s, dir, 0), 0, "a reader opens schema 1");
	CHECK_INT(job_get(s, id, &got), 0, "and reads its record");
	CHECK(got.payload_len == 6 && memcmp(got.payload, "inline", 6) == 0,
	    "with its payload inline");
	job_free_fields(&got);
	job_store_close(s);
	CHECK_INT(job_store_open(&s, dir, JOB_STORE_CREATE), 0, "a writer");
	CHECK_INT(store_read(s->st, version_fn, &version), 0, "version");
	CHECK_INT(version, JOB_SCHEMA_VERSION, "brings it to this schema");
	CHECK_INT(claim(s, &claimed), id, "the old job is claimed");
	CHECK(claimed.payload_len == 6 &&
	    memcmp(claimed.payload, "inline", 6) == 0, "with its payload");
	job_free_fields(&claimed);
	raw_read(s, id, &r);
	CHECK(job_payload_apart(&r.job) && r.found && r.len == 6 &&
	    memcmp(r.payload, "inline", 6) == 0,
	    "its first change moves the payload apart");
	raw_free(&r);
	job_store_close(s);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(top) == NULL)
		return perror("mkdtemp"), 1;
	test_apart();
	test_redefine();
	test_old_store();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	CHECK_INT(system(cmd), 0, "clean up");
	return check_done();
}
