/*
 * test_codec.c: job records survive encoding, and no input, however
 * broken, makes the decoder crash, read out of bounds or leak.  Every
 * input is decoded from a malloc'd copy of its exact size, so that ASan
 * catches any read past its end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "check.h"
#include "codec.h"

/* Decodes an exact-size copy of buf. */
static int
decode_copy(const void *buf, size_t len, struct job *job)
{
	unsigned char *copy;
	int rc;

	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		return ENOMEM;
	memcpy(copy, buf, len);
	rc = job_decode(len > 0 ? copy : NULL, len, job);
	free(copy);
	return rc;
}

static void
fill_full(struct job *j)
{
	static const char bin[] = "\x80\x81\xc3\x28\xfe\xff";

	job_init(j);
	j->id = UINT64_C(12345678901234);
	j->state = JOB_FAILED;
	j->handler = strdup("mail.send");
	j->nargs = 3;
	j->args = calloc(j->nargs + 1, sizeof(*j->args));
	j->args[0] = strdup("to@example.org");
	j->args[1] = strdup("");
	j->args[2] = strdup(bin);
	j->payload_len = 5;
	j->payload = malloc(j->payload_len);
	memcpy(j->payload, "a\0b\0c", j->payload_len);
	j->has_payload = 1;
	j->queue = strdup("mail");
	j->priority = -42;
	j->run_at = 1798761600 * JOB_NSEC + 123;
	j->created_at = -1;
	j->started_at = 1798761601 * JOB_NSEC;
	j->finished_at = 1798761602 * JOB_NSEC;
	j->attempts = 3;
	j->max_attempts = UINT32_MAX;
	j->uncharged = 2;
	j->lost_streak = 1;
	j->timeout = 90 * JOB_NSEC;
	j->key = strdup("k\xff-1");		/* not UTF-8 */
	j->last_exit = 3;
	j->last_signal = 9;
	j->last_error = strdup("mail.send: exit 3 \xc3\xa9");
	j->name = strdup("nightly");
	j->every = 3600 * JOB_NSEC;
	j->cron = strdup("0 3 * * *");
	j->catchup = JOB_CATCHUP_SKIP;
	j->jitter = INT64_MAX;
	j->anchor = INT64_MIN;
	j->sched_at = 1798761600 * JOB_NSEC;
	j->runs = UINT64_MAX;
	j->failures = 7;
	j->owner = 99;
}

static void
check_args(const struct job *a, const struct job *b)
{
	size_t i;

	CHECK_INT(a->nargs, b->nargs, "nargs");
	for (i = 0; i < a->nargs && i < b->nargs; i++)
		CHECK_STR(a->args[i], b->args[i], "args[i]");
	CHECK(a->nargs == 0 || a->args[a->nargs] == NULL,
	    "args NULL-terminated");
	CHECK_INT(a->has_payload, b->has_payload, "has_payload");
	CHECK_INT(a->payload_len, b->payload_len, "payload_len");
	CHECK(a->payload_len == b->payload_len && (a->payload_len == 0 ||
	    memcmp(a->payload, b->payload, a->payload_len) == 0), "payload");
}

static void
check_same(const struct job *a, const struct job *b)
{
	CHECK_INT(a->id, b->id, "id");
	CHECK_INT(a->state, b->state, "state");
	CHECK_STR(a->handler, b->handler, "handler");
	check_args(a, b);
	CHECK_STR(a->queue, b->queue, "queue");
	CHECK_INT(a->priority, b->priority, "priority");
	CHECK_INT(a->run_at, b->run_at, "run_at");
	CHECK_INT(a->created_at, b->created_at, "created_at");
	CHECK_INT(a->started_at, b->started_at, "started_at");
	CHECK_INT(a->finished_at, b->finished_at, "finished_at");
	CHECK_INT(a->attempts, b->attempts, "attempts");
	CHECK_INT(a->max_attempts, b->max_attempts, "max_attempts");
	CHECK_INT(a->uncharged, b->uncharged, "uncharged");
	CHECK_INT(a->lost_streak, b->lost_streak, "lost_streak");
	CHECK_INT(a->timeout, b->timeout, "timeout");
	CHECK_STR(a->key, b->key, "key");
	CHECK_INT(a->last_exit, b->last_exit, "last_exit");
	CHECK_INT(a->last_signal, b->last_signal, "last_signal");
	CHECK_STR(a->last_error, b->last_error, "last_error");
	CHECK_STR(a->name, b->name, "name");
	CHECK_INT(a->every, b->every, "every");
	CHECK_STR(a->cron, b->cron, "cron");
	CHECK_INT(a->catchup, b->catchup, "catchup");
	CHECK_INT(a->jitter, b->jitter, "jitter");
	CHECK_INT(a->anchor, b->anchor, "anchor");
	CHECK_INT(a->sched_at, b->sched_at, "sched_at");
	CHECK_INT(a->runs, b->runs, "runs");
	CHECK_INT(a->failures, b->failures, "failures");
	CHECK_INT(a->owner, b->owner, "owner");
}

static void
round_trip(const struct job *in, const char *what)
{
	struct job out;
	unsigned char *buf = NULL;
	size_t len = 0;

	printf("# round trip: %s\n", what);
	CHECK_INT(job_encode(in, &buf, &len), 0, "encode");
	CHECK_INT(decode_copy(buf, len, &out), 0, "decode");
	check_same(&out, in);
	job_free_fields(&out);
	free(buf);
}

/*
 * A payload kept apart is written as its length alone (key 31) and
 * read back so, not loaded; one both inline and apart is corrupt.
 */
static void
test_payload_apart(void)
{
	static const unsigned char both[] =
	    "\xa3\x00\x02\x05\x41x\x18\x1f\x01";
	static const unsigned char zero[] = "\xa2\x00\x02\x18\x1f\x00";
	struct job j, back;
	unsigned char *buf;
	size_t len;

	job_init(&j);
	j.has_payload = 1;
	j.payload_len = 100000000;
	CHECK(job_payload_apart(&j), "a payload without its bytes is apart");
	CHECK_INT(job_encode(&j, &buf, &len), 0, "encode apart");
	CHECK(len == 10 && memcmp(buf, "\xa2\x00\x02\x18\x1f\x1a\x05\xf5"
	    "\xe1\x00", 10) == 0, "apart: {0: 2, 31: length}");
	CHECK_INT(job_decode(buf, len, &back), 0, "decode apart");
	CHECK(back.has_payload && back.payload == NULL &&
	    back.payload_len == 100000000, "read back apart, not loaded");
	job_free_fields(&back);
	free(buf);
	CHECK_INT(job_decode(both, sizeof both - 1, &back), JOB_ECORRUPT,
	    "inline and apart at once is corrupt");
	CHECK_INT(job_decode(zero, sizeof zero - 1, &back), JOB_ECORRUPT,
	    "an empty payload is never apart");
}

static void
test_round_trips(void)
{
	struct job j;
	unsigned char *buf;
	size_t len;

	fill_full(&j);
	round_trip(&j, "every field");
	job_free_fields(&j);

	job_init(&j);
	j.id = 1;
	j.handler = strdup("x");
	round_trip(&j, "minimal");
	j.has_payload = 1;
	j.payload = malloc(1);
	round_trip(&j, "empty payload");
	job_free_fields(&j);

	/* An empty record is just {0: version}. */
	CHECK_INT(job_encode(&j, &buf, &len), 0, "encode empty");
	CHECK(len == 3 && memcmp(buf, "\xa1\x00\x02", 3) == 0,
	    "empty record is {0: 2}");
	free(buf);

	/* Text that is not UTF-8 goes out as a byte string. */
	j.key = strdup("k\xff");
	j.queue = strdup("q");
	CHECK_INT(job_encode(&j, &buf, &len), 0, "encode key");
	CHECK(len == 10 && memcmp(buf, "\xa3\x00\x02\x06\x61q\x11\x42k\xff",
	    10) == 0, "UTF-8 as text, other bytes as a byte string");
	free(buf);
	job_free_fields(&j);
}

/*
 * libcbor's own loader reads a full record as one well-formed map, to its
 * last byte: records are CBOR for any reader, not only for ours.
 */
static void
test_libcbor_reads(void)
{
	struct cbor_load_result res;
	cbor_item_t *item;
	struct job j;
	unsigned char *buf = NULL;
	size_t len = 0;

	fill_full(&j);
	CHECK_INT(job_encode(&j, &buf, &len), 0, "encode every field");
	item = cbor_load(buf, len, &res);
	CHECK(item != NULL && res.error.code == CBOR_ERR_NONE &&
	    res.read == len, "libcbor loads the whole record");
	CHECK(item != NULL && cbor_isa_map(item) &&
	    cbor_map_is_definite(item) && cbor_map_size(item) > 20,
	    "as one definite map of every field");
	if (item)
		cbor_decref(&item);
	free(buf);
	job_free_fields(&j);
}

/*
 * Integers at the edges of each head size, in the fewest bytes (RFC 8949
 * appendix A): {0: 1, 1: id} and {0: 1, 7: priority}.
 */
static void
test_heads(void)
{
	static const struct {
		int key;
		int64_t v;
		const char *head;
		size_t len;
	} t[] = {
		{ 1, 23, "\x17", 1 },
		{ 1, 24, "\x18\x18", 2 },
		{ 1, 255, "\x18\xff", 2 },
		{ 1, 256, "\x19\x01\x00", 3 },
		{ 1, 65535, "\x19\xff\xff", 3 },
		{ 1, 65536, "\x1a\x00\x01\x00\x00", 5 },
		{ 1, 4294967295, "\x1a\xff\xff\xff\xff", 5 },
		{ 1, 4294967296, "\x1b\x00\x00\x00\x01\x00\x00\x00\x00", 9 },
		{ 7, -1, "\x20", 1 },
		{ 7, -24, "\x37", 1 },
		{ 7, -25, "\x38\x18", 2 },
		{ 7, -256, "\x38\xff", 2 },
		{ 7, -257, "\x39\x01\x00", 3 },
		{ 7, INT64_MIN, "\x3b\x7f\xff\xff\xff\xff\xff\xff\xff", 9 },
	};
	unsigned char want[16], *buf;
	size_t len, bad = 0;
	struct job j;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		job_init(&j);
		if (t[i].key == 1)
			j.id = (uint64_t)t[i].v;
		else
			j.priority = t[i].v;
		memcpy(want, "\xa2\x00", 2);
		want[2] = JOB_SCHEMA_VERSION;
		want[3] = (unsigned char)t[i].key;
		memcpy(want + 4, t[i].head, t[i].len);
		buf = NULL;
		if (job_encode(&j, &buf, &len) != 0 || len != 4 + t[i].len ||
		    memcmp(buf, want, len) != 0) {
			printf("# %d: %lld\n", t[i].key, (long long)t[i].v);
			bad++;
		}
		free(buf);
	}
	CHECK_INT(bad, 0, "integer heads in the fewest bytes");
}

/* One buffer reused: each encoding is the same as job_encode's alone. */
static void
test_reused_buffer(void)
{
	struct job full, small;
	struct job_buf b = { NULL, 0, 0 };
	unsigned char *buf;
	size_t len;

	fill_full(&full);
	job_init(&small);
	small.id = 7;
	small.handler = strdup("x");
	CHECK_INT(job_encode_buf(&small, &b), 0, "encode small");
	CHECK_INT(job_encode_buf(&full, &b), 0, "encode full: grows");
	CHECK_INT(job_encode(&full, &buf, &len), 0, "encode full alone");
	CHECK(b.len == len && memcmp(b.p, buf, len) == 0,
	    "full: the same bytes");
	free(buf);
	CHECK_INT(job_encode_buf(&small, &b), 0, "encode small again");
	CHECK_INT(job_encode(&small, &buf, &len), 0, "encode small alone");
	CHECK(b.len == len && memcmp(b.p, buf, len) == 0,
	    "small after full: the same bytes, nothing left over");
	free(buf);
	free(b.p);
	job_free_fields(&full);
	job_free_fields(&small);
}

/* Every prefix of a good record is rejected, and leaves the job empty. */
static void
test_truncations(void)
{
	struct job j;
	unsigned char *buf;
	size_t len, i, bad = 0;
	int rc;

	fill_full(&j);
	CHECK_INT(job_encode(&j, &buf, &len), 0, "encode");
	job_free_fields(&j);
	for (i = 0; i < len; i++) {
		rc = decode_copy(buf, i, &j);
		if (rc != JOB_ECORRUPT || j.handler != NULL || j.args != NULL) {
			printf("# prefix %zu: %d\n", i, rc);
			bad++;
		}
		job_free_fields(&j);
	}
	CHECK_INT(bad, 0, "every truncation is JOB_ECORRUPT");
	free(buf);
}

/* Flipped bits and bytes: decoded or rejected, never a crash. */
static void
test_flips(void)
{
	static const unsigned char masks[] = {
		0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff
	};
	struct job j;
	unsigned char *buf;
	size_t len, i, m, bad = 0, decoded = 0;
	int rc;

	fill_full(&j);
	CHECK_INT(job_encode(&j, &buf, &len), 0, "encode");
	job_free_fields(&j);
	for (i = 0; i < len; i++) {
		for (m = 0; m < sizeof(masks); m++) {
			buf[i] ^= masks[m];
			rc = decode_copy(buf, len, &j);
			buf[i] ^= masks[m];
			if (rc == 0)
				decoded++;
			else if (rc != JOB_ECORRUPT)
				bad++;
			job_free_fields(&j);
		}
	}
	printf("# %zu of %zu flipped records still decode\n", decoded,
	    len * sizeof(masks));
	CHECK_INT(bad, 0, "flipped records: 0 or JOB_ECORRUPT");
	free(buf);
}

struct input {
	const char	*what;
	const char	*bytes;
	size_t		 len;
};

#define IN(what, lit)	{ what, lit, sizeof(lit) - 1 }

/* {0: 1, KEY: ...}, spelt out in hex: "\xa2\x00\x01" + key and value. */
static const struct input bad_inputs[] = {
	IN("empty input", ""),
	IN("not a map: array", "\x82\x00\x01"),
	IN("not a map: integer", "\x01"),
	IN("indefinite map", "\xbf\x00\x01\xff"),
	IN("missing version", "\xa1\x03\x61\x68"),
	IN("version 0", "\xa2\x00\x00\x03\x61\x68"),
	IN("version as text", "\xa1\x00\x61\x31"),
	IN("huge byte-string length",
	    "\xa2\x00\x01\x05\x5b\x40\x00\x00\x00\x00\x00\x00\x00"),
	IN("huge text length", "\xa2\x00\x01\x03\x7b\xff\xff\xff\xff\xff"
	    "\xff\xff\xff"),
	IN("string past the end", "\xa2\x00\x01\x03\x65\x61\x62"),
	IN("handler as integer", "\xa2\x00\x01\x03\x01"),
	IN("handler as array", "\xa2\x00\x01\x03\x80"),
	IN("handler indefinite", "\xa2\x00\x01\x03\x7f\x61\x61\xff"),
	IN("state 7", "\xa2\x00\x01\x02\x07"),
	IN("state -1", "\xa2\x00\x01\x02\x20"),
	IN("duplicate key", "\xa3\x00\x01\x03\x61\x61\x03\x61\x62"),
	IN("duplicate version", "\xa2\x00\x01\x00\x01"),
	IN("NUL inside handler", "\xa2\x00\x01\x03\x62\x61\x00"),
	IN("NUL inside an arg", "\xa2\x00\x01\x04\x81\x42\x61\x00"),
	IN("arg as text", "\xa2\x00\x01\x04\x81\x61\x61"),
	IN("args not an array", "\xa2\x00\x01\x04\x41\x61"),
	IN("args count past the end", "\xa2\x00\x01\x04\x9a\x00\x01\x00\x00"
	    "\x40"),
	IN("args count 2^64-1", "\xa2\x00\x01\x04\x9b\xff\xff\xff\xff\xff"
	    "\xff\xff\xff"),
	IN("payload as text", "\xa2\x00\x01\x05\x61\x61"),
	IN("attempts > UINT32_MAX", "\xa2\x00\x01\x0c\x1b\x00\x00\x00\x01"
	    "\x00\x00\x00\x00"),
	IN("attempts negative", "\xa2\x00\x01\x0c\x20"),
	IN("id negative", "\xa2\x00\x01\x01\x20"),
	IN("priority < INT64_MIN", "\xa2\x00\x01\x07\x3b\x80\x00\x00\x00"
	    "\x00\x00\x00\x00"),
	IN("priority > INT64_MAX", "\xa2\x00\x01\x07\x1b\x80\x00\x00\x00"
	    "\x00\x00\x00\x00"),
	IN("run_at as float", "\xa2\x00\x01\x08\xf9\x3c\x00"),
	IN("last_exit 256", "\xa2\x00\x01\x12\x19\x01\x00"),
	IN("catchup 2", "\xa2\x00\x01\x18\x18\x02"),
	IN("text key", "\xa2\x00\x01\x61\x61\x01"),
	IN("negative key", "\xa2\x00\x01\x20\x01"),
	IN("trailing byte", "\xa1\x00\x01\x00"),
	IN("map count past the end", "\xa3\x00\x01"),
	IN("unknown key, value cut", "\xa2\x00\x01\x18\x63\x82\x01"),
	IN("unknown key, no value", "\xa2\x00\x01\x18\x63"),
	IN("unknown key, stray break", "\xa2\x00\x01\x18\x63\xff"),
	IN("unknown key, reserved head", "\xa2\x00\x01\x18\x63\x1c"),
	IN("unknown key, mixed chunks", "\xa2\x00\x01\x18\x63\x5f\x61\x61"
	    "\xff"),
	IN("unknown key, break in map pair", "\xa2\x00\x01\x18\x63\xbf\x01"
	    "\xff"),
	IN("unknown key, open array", "\xa2\x00\x01\x18\x63\x9f\x01"),
	IN("unknown key, huge map", "\xa2\x00\x01\x18\x63\xbb\xff\xff\xff"
	    "\xff\xff\xff\xff\xff"),
};

static void
test_bad_inputs(void)
{
	struct job j;
	size_t i;

	for (i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		CHECK_INT(decode_copy(bad_inputs[i].bytes, bad_inputs[i].len,
		    &j), JOB_ECORRUPT, bad_inputs[i].what);
		CHECK(j.handler == NULL && j.args == NULL &&
		    j.last_exit == -1, "job left empty");
		job_free_fields(&j);
	}
}

/* {0: 1, 99: [[...[0]...]]} with `depth` arrays. */
static int
decode_nested(int depth)
{
	unsigned char buf[128];
	struct job j;
	size_t len = 0;
	int i, rc;

	memcpy(buf, "\xa2\x00\x01\x18\x63", 5);
	len = 5;
	for (i = 0; i < depth && len < sizeof(buf) - 1; i++)
		buf[len++] = 0x81;
	buf[len++] = 0x00;
	rc = decode_copy(buf, len, &j);
	job_free_fields(&j);
	return rc;
}

static const struct input good_inputs[] = {
	IN("unknown keys with nested values",
	    "\xa5\x00\x01"
	    /* 99: {1: [1, [_ 2]], 2: 1(1.5), "x": (_ h'61')} */
	    "\x18\x63\xa3\x01\x82\x01\x9f\x02\xff"
	    "\x02\xc1\xfb\x3f\xf8\x00\x00\x00\x00\x00\x00"
	    "\x61\x78\x5f\x41\x61\xff"
	    "\x18\x3f\xf6"			/* 63: null */
	    "\x19\x03\xe8\xf5"			/* 1000: true */
	    "\x03\x62\x6f\x6b"),		/* handler: "ok" */
	IN("schema version 5", "\xa2\x00\x05\x03\x62\x6f\x6b"),
	IN("schema version 2^64-1, unknown key first",
	    "\xa3\x18\x40\xbf\x01\x02\xff\x03\x62\x6f\x6b"
	    "\x00\x1b\xff\xff\xff\xff\xff\xff\xff\xff"),
	IN("handler as byte string", "\xa2\x00\x01\x03\x42\x6f\x6b"),
};

static void
test_good_inputs(void)
{
	struct job j;
	size_t i;

	for (i = 0; i < sizeof(good_inputs) / sizeof(good_inputs[0]); i++) {
		CHECK_INT(decode_copy(good_inputs[i].bytes, good_inputs[i].len,
		    &j), 0, good_inputs[i].what);
		CHECK_STR(j.handler, "ok", "handler read");
		CHECK_INT(j.last_exit, -1, "defaults kept");
		job_free_fields(&j);
	}
	CHECK_INT(decode_nested(16), 0, "unknown value nested 16 deep");
	CHECK_INT(decode_nested(17), JOB_ECORRUPT, "nested 17 deep");
	CHECK_INT(decode_nested(60), JOB_ECORRUPT, "nested 60 deep");
}

static void
test_states(void)
{
	int s = -1;

	CHECK_STR(job_state_name(JOB_PENDING), "pending", "name pending");
	CHECK_STR(job_state_name(JOB_FAILED), "failed", "name failed");
	CHECK(job_state_name(4) == NULL && job_state_name(-1) == NULL,
	    "name out of range");
	CHECK(job_state_parse("running", &s) == 0 && s == JOB_RUNNING,
	    "parse running");
	CHECK(job_state_parse("done", &s) == 0 && s == JOB_DONE, "parse done");
	CHECK_INT(job_state_parse("Done", &s), JOB_EINVAL, "parse Done");
	CHECK_INT(job_state_parse(NULL, &s), JOB_EINVAL, "parse NULL");
}

int
main(void)
{
	test_states();
	test_round_trips();
	test_payload_apart();
	test_heads();
	test_libcbor_reads();
	test_reused_buffer();
	test_truncations();
	test_flips();
	test_bad_inputs();
	test_good_inputs();
	return check_done();
}
