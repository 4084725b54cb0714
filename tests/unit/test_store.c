/*
 * test_store.c: the store and the job API over real LMDB in a fresh
 * directory: ids, indexes, due order, keys, names, counts, removal,
 * growth of the map.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "exec.h"
#include "lmdb_impl.h"

static char top[256] = "/tmp/test_store.XXXXXX";

/* A new store in a fresh directory under one temporary directory. */
static job_store *
fresh_store(const char *name)
{
	job_store *s = NULL;
	char dir[512];

	snprintf(dir, sizeof dir, "%s/%s", top, name);
	CHECK_INT(job_store_open(&s, dir, JOB_STORE_CREATE), 0, "open creates");
	return s;
}

static uint64_t
add(job_store *s, const char *handler, const char *queue, int64_t prio,
    job_time_t run_at)
{
	struct job_spec spec = { .handler = handler, .queue = queue,
		.priority = prio, .has_run_at = 1, .run_at = run_at };
	uint64_t id = 0;

	if (job_add(s, &spec, &id, NULL) != 0)
		return 0;
	return id;
}

/*
 * Claims one job the way the executor does, also one coming due within
 * ahead; returns its id or 0, and its started_at in *started.
 */
static uint64_t
claim_ahead(job_store *s, const char *const *queues, job_time_t ahead,
    job_time_t *started)
{
	struct job claimed;
	struct job_event ev[4];
	struct job_event_text texts[4];
	struct job_txn_plan p = { .owner = 7, .queues = queues, .want = 1,
		.ahead = ahead, .claimed = &claimed, .events = ev,
		.texts = texts };
	uint64_t id = 0;

	job_init(&claimed);
	if (job_record_and_claim(s, &p) == 0 && p.nclaimed == 1) {
		id = claimed.id;
		*started = claimed.started_at;
	}
	job_free_fields(&claimed);
	return id;
}

static uint64_t
claim(job_store *s, const char *const *queues)
{
	job_time_t started;

	return claim_ahead(s, queues, 0, &started);
}

static void
test_missing(void)
{
	job_store *s = NULL;

	CHECK_INT(job_store_open(&s, "/nonexistent/job-store", 0),
	    JOB_ENOSTORE, "a missing store is JOB_ENOSTORE");
}

/* Writes a file of n bytes of fill into dir, made first. */
static void
write_file(const char *dir, const char *name, size_t n, int fill)
{
	char path[600];
	FILE *f;

	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		putc(fill < 0 ? (int)(i * 7919 % 251) : fill, f);
	fclose(f);
}

static int
exists(const char *dir, const char *name)
{
	char path[600];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/*
 * What is not a job store is refused, with nothing created; an empty
 * data file has no jobs, and reading it creates nothing either.
 */
static void
test_not_a_store(void)
{
	char junk[512], empty[512];
	job_store *s = NULL;

	snprintf(junk, sizeof junk, "%s/junk", top);
	snprintf(empty, sizeof empty, "%s/empty", top);
	write_file(junk, "data.mdb", 20000, -1);
	CHECK_INT(job_store_open(&s, junk, 0), JOB_ECORRUPT,
	    "random bytes: corrupt, for reading");
	CHECK_INT(job_store_open(&s, junk, JOB_STORE_CREATE), JOB_ECORRUPT,
	    "and for writing");
	CHECK(!exists(junk, "lock.mdb") && !exists(junk, "logs") &&
	    !exists(junk, "wake"), "nothing created");
	write_file(empty, "data.mdb", 0, 0);
	CHECK_INT(job_store_open(&s, empty, 0), JOB_ENOSTORE,
	    "an empty data file: no store yet");
	CHECK(!exists(empty, "lock.mdb"), "nothing created");
	CHECK_INT(job_store_open(&s, empty, JOB_STORE_CREATE), 0,
	    "a writer makes it a store");
	job_store_close(s);
}

static void
test_order(void)
{
	job_store *s = fresh_store("test_store_order");
	job_time_t now = job_now();
	const char *qa[] = { "a", NULL }, *qab[] = { "b", "a", NULL };
	uint64_t low, high, early, late, future, other;

	low = add(s, "h", NULL, 0, now - 5 * JOB_NSEC);
	high = add(s, "h", NULL, 5, now);
	early = add(s, "h", NULL, 1, now - 10 * JOB_NSEC);
	late = add(s, "h", NULL, 1, now - 1 * JOB_NSEC);
	future = add(s, "h", NULL, 9, now + 3600 * JOB_NSEC);
	other = add(s, "h", "a", 0, now - 20 * JOB_NSEC);
	CHECK(low && high && early && late && future && other, "adds");
	CHECK_INT(claim(s, qa), other, "queue a only: its job");
	CHECK_INT(claim(s, qa), 0, "queue a: nothing more");
	CHECK_INT(claim(s, NULL), high, "highest priority first");
	CHECK_INT(claim(s, NULL), early, "then earliest run_at");
	CHECK_INT(claim(s, NULL), late, "then the later one");
	CHECK_INT(claim(s, qab), 0, "queues b,a: nothing due");
	CHECK_INT(claim(s, NULL), low, "then priority 0");
	CHECK_INT(claim(s, NULL), 0, "the future job is not due");
	job_store_close(s);
}

static void
test_same_time_ids(void)
{
	job_store *s = fresh_store("test_store_ids");
	job_time_t t = job_now() - JOB_NSEC;
	uint64_t a = add(s, "h", NULL, 0, t), b = add(s, "h", NULL, 0, t);

	CHECK(b > a, "ids increase");
	CHECK_INT(claim(s, NULL), a, "same time: lowest id first");
	CHECK_INT(job_remove(s, b, 0), 0, "remove pending");
	CHECK(add(s, "h", NULL, 0, t) > b, "ids are never reused");
	job_store_close(s);
}

/* Records that the attempt of id was interrupted by a shutdown. */
static int
interrupt(job_store *s, uint64_t id)
{
	struct job_outcome o = { .id = id, .attempt = 1, .exit_status = -1,
		.signal = SIGTERM, .interrupted = 1 };
	struct job_event ev[4];
	struct job_event_text texts[4];
	struct job_txn_plan p = { .owner = 7, .outcomes = &o, .noutcomes = 1,
		.events = ev, .texts = texts };

	o.started = o.ended = job_now();
	return job_record_and_claim(s, &p);
}

static void
no_event(const struct job_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

/* State and run_at of job id, as "state run_at" in buf. */
static const char *
state_at(job_store *s, uint64_t id, job_time_t at, char *buf, size_t size)
{
	struct job job;

	job_init(&job);
	if (job_get(s, id, &job) != 0)
		snprintf(buf, size, "missing");
	else
		snprintf(buf, size, "%s %s", job_state_name(job.state),
		    job.run_at == at ? "at its time" : "moved");
	job_free_fields(&job);
	return buf;
}

/*
 * A job coming due within the executor's window is claimed ahead, with
 * its run_at as started_at; interrupted or lost before it ran, it is
 * pending again at its own time, never earlier.
 */
static void
test_ahead(void)
{
	job_store *s = fresh_store("test_store_ahead");
	job_time_t hour = 3600 * JOB_NSEC, at = job_now() + hour, started = 0;
	const char *def[] = { "default", NULL };
	uint64_t id, other;
	char buf[64];
	int others;

	other = add(s, "h", "b", 9, at - JOB_NSEC);
	id = add(s, "h", NULL, 0, at);
	CHECK(id && other, "adds");
	CHECK_INT(claim_ahead(s, def, 0, &started), 0, "not due: not claimed");
	CHECK_INT(claim_ahead(s, def, hour / 2, &started), 0,
	    "not within the window: not claimed");
	CHECK_INT(claim_ahead(s, def, 2 * hour, &started), id,
	    "within the window, of our queue: claimed ahead");
	CHECK(started == at, "started_at is its run_at");
	CHECK_INT(interrupt(s, id), 0, "interrupted");
	CHECK_STR(state_at(s, id, at, buf, sizeof buf), "pending at its time",
	    "interrupted ahead: pending at its time, not at once");
	CHECK_INT(claim(s, def), 0, "so not due");
	CHECK_INT(claim_ahead(s, def, 2 * hour, &started), id, "claimed again");
	CHECK_INT(job_recover(s, 9, &others, no_event, NULL), 0,
	    "its executor (7) is dead: recovered");
	CHECK_STR(state_at(s, id, at, buf, sizeof buf), "pending at its time",
	    "lost ahead: pending at its time, not at once");
	CHECK_INT(claim(s, NULL), 0, "nothing due");
	job_store_close(s);
}

/*
 * A due job interrupted or lost keeps its place: due again at its own
 * run_at, it comes before the jobs that came due after it.
 */
static void
test_keep_place(void)
{
	job_store *s = fresh_store("test_store_place");
	job_time_t now = job_now(), at = now - 10 * JOB_NSEC;
	uint64_t a, b, c;
	char buf[64];
	int others;

	a = add(s, "h", NULL, 0, at);
	CHECK_INT(claim(s, NULL), a, "the first job is claimed");
	b = add(s, "h", NULL, 0, now - 5 * JOB_NSEC);
	c = add(s, "h", NULL, 0, now - JOB_NSEC);
	CHECK_INT(interrupt(s, a), 0, "interrupted");
	CHECK_STR(state_at(s, a, at, buf, sizeof buf), "pending at its time",
	    "interrupted: pending at its own time");
	CHECK_INT(claim(s, NULL), a, "and claimed first again");
	CHECK_INT(job_recover(s, 9, &others, no_event, NULL), 0,
	    "its executor (7) is dead: recovered");
	CHECK_STR(state_at(s, a, at, buf, sizeof buf), "pending at its time",
	    "lost: pending at its own time");
	CHECK_INT(claim(s, NULL), a, "claimed before the later ones");
	CHECK_INT(claim(s, NULL), b, "then the next");
	CHECK_INT(claim(s, NULL), c, "then the last");
	job_store_close(s);
}

static void
test_key_and_counts(void)
{
	job_store *s = fresh_store("test_store_key");
	struct job_spec spec = { .handler = "h", .key = "k1" };
	uint64_t id1, id2, counts[JOB_NSTATES];
	int existed;

	CHECK_INT(job_add(s, &spec, &id1, &existed), 0, "add with key");
	CHECK_INT(existed, 0, "new key");
	CHECK_INT(job_add(s, &spec, &id2, &existed), 0, "add same key");
	CHECK_INT(existed, 1, "existing key");
	CHECK_INT(id2, id1, "same id for the same key");
	CHECK_INT(claim(s, NULL), id1, "claim it");
	CHECK_INT(job_count(s, counts), 0, "count");
	CHECK_INT(counts[JOB_PENDING], 0, "pending 0");
	CHECK_INT(counts[JOB_RUNNING], 1, "running 1");
	CHECK_INT(job_remove(s, id1, 0), JOB_ERUNNING, "running: refused");
	CHECK_INT(job_remove(s, id1, 1), 0, "running: forced");
	CHECK_INT(job_add(s, &spec, &id2, &existed), 0, "key free again");
	CHECK(id2 > id1 && !existed, "a new job");
	job_store_close(s);
}

static void
test_names(void)
{
	job_store *s = fresh_store("test_store_names");
	struct job_spec spec = { .handler = "h", .name = "n",
		.every = 60 * JOB_NSEC };
	uint64_t id1, id2, found;
	struct job job;
	int existed;

	CHECK_INT(job_add(s, &spec, &id1, &existed), 0, "recurring add");
	CHECK_INT(job_add(s, &spec, &id2, &existed), 0, "same definition");
	CHECK(id2 == id1 && existed, "is a no-op with the same id");
	spec.every = 120 * JOB_NSEC;
	CHECK_INT(job_add(s, &spec, &id2, &existed), JOB_ECONFLICT,
	    "another definition conflicts");
	spec.replace = 1;
	CHECK_INT(job_add(s, &spec, &id2, &existed), 0, "--replace");
	CHECK_INT(id2, id1, "keeps the id");
	CHECK_INT(job_get(s, id1, &job), 0, "get");
	CHECK_INT(job.every, 120 * JOB_NSEC, "new schedule");
	job_free_fields(&job);
	CHECK_INT(job_find_name(s, "n", &found), 0, "find by name");
	CHECK_INT(found, id1, "the same job");
	CHECK_INT(job_remove(s, id1, 0), 0, "remove");
	CHECK_INT(job_find_name(s, "n", &found), JOB_ENOJOB, "name gone");
	job_store_close(s);
}

/*
 * job_add_each(): one job per item, the item the last arg, ids in order,
 * all or none.  Queue "b" first: its keys end the ready index and are
 * appended; then queue "a", whose keys fall before them.
 */
static void
test_each(void)
{
	job_store *s = fresh_store("test_store_each");
	char *args[] = { "first" }, *items[] = { "one", "two", "three" };
	char *bad[] = { "four", NULL };
	struct job_spec spec = { .handler = "h", .args = args, .nargs = 1,
		.queue = "b" };
	const char *qa[] = { "a", NULL };
	uint64_t b[3], a[3], x[2], counts[JOB_NSTATES];
	struct job job;

	CHECK_INT(job_add_each(s, &spec, items, 3, b), 0, "each, queue b");
	CHECK(b[1] == b[0] + 1 && b[2] == b[1] + 1, "ids in order");
	CHECK_INT(job_get(s, b[2], &job), 0, "get the last");
	CHECK(job.nargs == 2 && strcmp(job.args[0], "first") == 0 &&
	    strcmp(job.args[1], "three") == 0, "the item is the last arg");
	job_free_fields(&job);
	spec.queue = "a";
	CHECK_INT(job_add_each(s, &spec, items, 3, a), 0, "each, queue a");
	CHECK_INT(job_add_each(s, &spec, bad, 2, x), JOB_EINVAL,
	    "a NULL item: JOB_EINVAL");
	CHECK_INT(job_count(s, counts), 0, "count");
	CHECK_INT(counts[JOB_PENDING], 6, "6 pending: none of the failed");
	CHECK_INT(claim(s, qa), a[0], "queue a: its first");
	CHECK_INT(claim(s, qa), a[1], "queue a: its second");
	CHECK_INT(claim(s, NULL), b[0], "all queues: b's, added earlier");
	CHECK_INT(claim(s, NULL), b[1], "b's second");
	CHECK_INT(claim(s, NULL), b[2], "b's third");
	CHECK_INT(claim(s, NULL), a[2], "a's last");
	CHECK_INT(claim(s, NULL), 0, "nothing more");
	job_store_close(s);
}

/*
 * Puts past the end of an index (appends), puts before it, and deletes,
 * at random in one transaction; then every record and every ready entry
 * read back in order.  A model says what the store should hold.
 */
enum { MIX_IDS = 8000, MIX_OPS = 4000, MIX_ABORT = 12345 };

struct mix {
	uint64_t next;			/* the next id past the end */
	unsigned char live[MIX_IDS];
	unsigned char queue[MIX_IDS];	/* "q" or "r" */
	int64_t prio[MIX_IDS];
	job_time_t run_at[MIX_IDS];
};

static uint64_t mix_seed = 1;

static uint64_t
mix_rand(uint64_t n)
{
	mix_seed = mix_seed * 6364136223846793005u + 1442695040888963407u;
	return (mix_seed >> 33) % n;
}

static void
mix_index(const struct mix *m, uint64_t id, struct store_index *ix)
{
	memset(ix, 0, sizeof *ix);
	ix->id = id;
	ix->state = JOB_PENDING;
	ix->queue = m->queue[id] ? "r" : "q";
	ix->priority = m->prio[id];
	ix->run_at = m->run_at[id];
}

static int
mix_fill(struct store_txn *t, void *arg)
{
	struct mix *m = arg;
	struct store_index ix;
	uint64_t id;
	int rc;

	for (int i = 0; i < MIX_OPS; i++) {
		uint64_t r = mix_rand(10);

		id = r < 5 ? m->next++ : 1 + mix_rand(m->next - 1);
		if (r >= 8 && m->live[id]) {
			mix_index(m, id, &ix);
			if ((rc = store_del(t, &ix)) != 0)
				return rc;
			m->live[id] = 0;
			continue;
		}
		if (r >= 8 || m->live[id])
			continue;
		m->live[id] = 1;
		m->queue[id] = (unsigned char)mix_rand(2);
		m->prio[id] = (int64_t)mix_rand(3) - 1;
		m->run_at[id] = store_txn_now(t) - (job_time_t)mix_rand(3);
		mix_index(m, id, &ix);
		if ((rc = store_put(t, NULL, &ix, &id, sizeof id)) != 0)
			return rc;
	}
	return 0;
}

struct mix_walk {
	const struct mix *m;
	uint64_t last;
	int bad;
};

static int
mix_record(uint64_t id, const void *rec, size_t len, void *arg)
{
	struct mix_walk *w = arg;

	for (w->last++; w->last < id; w->last++)
		w->bad += w->m->live[w->last];		/* missing */
	if (id >= MIX_IDS || !w->m->live[id] || len != sizeof id ||
	    memcmp(rec, &id, len) != 0)
		w->bad++;
	return 0;
}

/* The records are the model's, in id order. */
static int
mix_records(struct store_txn *t, const struct mix *m)
{
	struct mix_walk w = { m, 0, 0 };
	int rc;

	if ((rc = store_each(t, 1, mix_record, &w)) != 0)
		return rc;
	for (w.last++; w.last < MIX_IDS; w.last++)
		w.bad += m->live[w.last];
	return w.bad ? JOB_ECORRUPT : 0;
}

/* Takes the best due job, as the model says, until none is left. */
static int
mix_ready(struct store_txn *t, struct mix *m)
{
	struct store_index ix;
	uint64_t id, best;
	int rc;

	for (;;) {
		best = 0;
		for (id = 1; id < m->next; id++)
			if (m->live[id] && (best == 0 ||
			    m->prio[id] > m->prio[best] ||
			    (m->prio[id] == m->prio[best] &&
			    m->run_at[id] < m->run_at[best])))
				best = id;
		rc = store_next_due(t, NULL, &id);
		if (rc == JOB_ENOJOB && best == 0)
			return 0;
		if (rc)
			return rc;
		if (id != best)
			return JOB_ECORRUPT;
		mix_index(m, id, &ix);
		if ((rc = store_del(t, &ix)) != 0)
			return rc;
		m->live[id] = 0;
	}
}

static int
mix_first(struct store_txn *t, void *arg)
{
	int rc = mix_fill(t, arg);

	return rc ? rc : mix_records(t, arg);
}

static int
mix_second(struct store_txn *t, void *arg)
{
	int rc;

	if ((rc = mix_fill(t, arg)) != 0 || (rc = mix_records(t, arg)) != 0 ||
	    (rc = mix_ready(t, arg)) != 0)
		return rc;
	return MIX_ABORT;
}

static int
mix_check(struct store_txn *t, void *arg)
{
	return mix_records(t, arg);
}

static void
test_mixed_puts(void)
{
	job_store *s = fresh_store("test_store_mixed");
	struct mix *m = calloc(2, sizeof *m);

	m[0].next = MIX_IDS / 4;
	CHECK_INT(store_write(s->st, mix_first, &m[0]), 0,
	    "appends, inserts and deletes in one transaction");
	m[1] = m[0];
	CHECK_INT(store_write(s->st, mix_second, &m[1]), MIX_ABORT,
	    "more of them; every ready entry in order");
	CHECK_INT(store_read(s->st, mix_check, &m[0]), 0,
	    "the aborted transaction left the store as it was");
	free(m);
	job_store_close(s);
}

static void
test_growth(void)
{
	job_store *s = fresh_store("test_store_growth");
	enum { N = 100, SIZE = 1 << 20 };
	struct job_spec *specs = calloc(N, sizeof *specs);
	unsigned char *payload = calloc(1, SIZE);
	uint64_t ids[N], counts[JOB_NSTATES];

	for (int i = 0; i < N; i++)
		specs[i] = (struct job_spec){ .handler = "h",
		    .payload = payload, .payload_len = SIZE,
		    .has_payload = 1 };
	CHECK_INT(job_add_many(s, specs, N, ids), 0,
	    "100 MiB in one transaction: the map grows");
	CHECK_INT(job_count(s, counts), 0, "count");
	CHECK_INT(counts[JOB_PENDING], N, "all there");
	free(specs);
	free(payload);
	job_store_close(s);
}

/* One job bigger than the map: store_write() fills it, grows it, redoes. */
static void
test_growth_midway(void)
{
	job_store *s = fresh_store("test_store_growth_midway");
	enum { SIZE = 80 << 20 };
	unsigned char *payload = calloc(1, SIZE);
	struct job_spec spec = { .handler = "h", .payload = payload,
		.payload_len = SIZE, .has_payload = 1 };
	struct job job;
	uint64_t id;

	CHECK_INT(job_add(s, &spec, &id, NULL), 0,
	    "80 MiB in a 64 MiB map: it grows");
	CHECK_INT(job_get(s, id, &job), 0, "get");
	CHECK_INT(job.payload_len, SIZE, "all of it");
	job_free_fields(&job);
	free(payload);
	job_store_close(s);
}

/* Dangling index entries ------------------------------------------------- */

static int
unrecord_fn(struct store_txn *txn, void *arg)
{
	unsigned char k[8];

	put_u64(k, *(uint64_t *)arg);
	return map_err(mdb_del(txn->txn, txn->st->dbi[DB_JOBS],
	    &(MDB_val){ 8, k }, NULL));
}

/* Deletes the record of id and nothing else: its index entries dangle. */
static void
unrecord(job_store *s, uint64_t id)
{
	CHECK_INT(store_write(s->st, unrecord_fn, &id), 0, "record deleted");
}

static int
needs_repair_fn(struct store_txn *txn, void *arg)
{
	(void)arg;
	return store_needs_repair(txn);
}

/* The counts, as "P R D F". */
static const char *
counts_of(job_store *s, char *buf, size_t size)
{
	uint64_t c[JOB_NSTATES] = { 0 };

	job_count(s, c);
	snprintf(buf, size, "%llu %llu %llu %llu", (unsigned long long)c[0],
	    (unsigned long long)c[1], (unsigned long long)c[2],
	    (unsigned long long)c[3]);
	return buf;
}

static int
count_fn(const struct job *job, void *arg)
{
	(void)job;
	++*(int *)arg;
	return 0;
}

/*
 * Claiming, due or ahead, takes an id without a record out of the
 * indexes, reports it, and claims the others in the same step.
 */
static void
test_dangling_claim(void)
{
	job_store *s = fresh_store("test_store_dangling_claim");
	job_time_t now = job_now();
	struct job claimed[4];
	struct job_event ev[10];
	struct job_event_text texts[10];
	struct job_txn_plan p = { .owner = 7, .want = 3, .claimed = claimed,
		.events = ev, .texts = texts, .ahead = 3600 * JOB_NSEC };
	uint64_t a, b, c, soon;
	char buf[64];
	int n = 0;

	a = add(s, "h", NULL, 0, now - JOB_NSEC);
	b = add(s, "h", NULL, 0, now - JOB_NSEC);
	c = add(s, "h", NULL, 0, now - JOB_NSEC);
	soon = add(s, "h", NULL, 0, now + 60 * JOB_NSEC);
	for (int i = 0; i < 4; i++)
		job_init(&claimed[i]);
	unrecord(s, b);
	unrecord(s, soon);
	CHECK_INT(store_read(s->st, needs_repair_fn, NULL), 1,
	    "the store knows it needs repair");
	CHECK_INT(job_list(s, NULL, count_fn, NULL, &n), JOB_EREPAIR,
	    "job_list says the store needs repair");
	CHECK_INT(n, 2, "and still lists the jobs it holds");
	CHECK_INT(job_record_and_claim(s, &p), 0, "the step commits");
	CHECK_INT(p.nclaimed, 2, "the two jobs with records are claimed");
	CHECK(p.nclaimed == 2 && claimed[0].id == a && claimed[1].id == c,
	    "a and c");
	CHECK_INT(p.ndangling, 2, "two ids reported");
	CHECK(p.ndangling == 2 && p.dangling[0] == b && p.dangling[1] == soon,
	    "b (due) and the one claimed ahead");
	CHECK_STR(counts_of(s, buf, sizeof buf), "0 2 0 0",
	    "the counts are right");
	CHECK_INT(store_read(s->st, needs_repair_fn, NULL), 0,
	    "no repair needed any more");
	n = 0;
	CHECK_INT(job_list(s, NULL, count_fn, NULL, &n), 0, "job_list agrees");
	for (int i = 0; i < 4; i++)
		job_free_fields(&claimed[i]);
	job_store_close(s);
}

static void
collect_event(const struct job_event *ev, void *arg)
{
	uint64_t *ids = arg;

	if (ev->kind == JOB_EV_ERROR && ids[0] < 7)
		ids[++ids[0]] = ev->job;
}

/*
 * The executor's recovery repairs the store: ids without a record, in
 * any index, out of every index, each reported once; the counts right.
 */
static void
test_dangling_repair(void)
{
	job_store *s = fresh_store("test_store_dangling_repair");
	job_time_t now = job_now();
	uint64_t waiting, running, done, ids[8] = { 0 };
	struct job_spec keyed = { .handler = "h", .key = "K" };
	char buf[64];
	int others;

	waiting = add(s, "h", NULL, 0, now + 3600 * JOB_NSEC);
	running = add(s, "h", NULL, 0, now - JOB_NSEC);
	CHECK_INT(claim(s, NULL), running, "claimed");
	CHECK_INT(job_add(s, &keyed, &done, NULL), 0, "keyed job added");
	unrecord(s, waiting);
	unrecord(s, running);
	CHECK_INT(job_recover(s, 9, &others, collect_event, ids), 0,
	    "recovery");
	CHECK_INT(ids[0], 2, "two ids reported");
	CHECK(ids[1] == waiting && ids[2] == running, "the waiting and the "
	    "running one");
	CHECK_STR(counts_of(s, buf, sizeof buf), "1 0 0 0",
	    "the counts are right");
	ids[0] = 0;
	CHECK_INT(job_recover(s, 9, &others, collect_event, ids), 0,
	    "recovery again");
	CHECK_INT(ids[0], 0, "nothing more to report");
	job_store_close(s);
}

/*
 * A key or a recurring name whose record is missing is free: adding
 * with it makes a new job, never returns the dead id.
 */
static void
test_dangling_key_name(void)
{
	job_store *s = fresh_store("test_store_dangling_key");
	struct job_spec keyed = { .handler = "h", .key = "K" };
	struct job_spec recur = { .handler = "h", .name = "n",
		.every = 3600 * JOB_NSEC };
	uint64_t k1, k2, n1, n2, found;
	int existed = 1;
	char buf[64];

	CHECK_INT(job_add(s, &keyed, &k1, NULL), 0, "keyed job");
	CHECK_INT(job_add(s, &recur, &n1, NULL), 0, "recurring job");
	unrecord(s, k1);
	unrecord(s, n1);
	CHECK_INT(job_find_name(s, "n", &found), JOB_ENOJOB,
	    "a name without a record names no job");
	CHECK_INT(job_add(s, &keyed, &k2, &existed), 0, "keyed again");
	CHECK(k2 != k1 && !existed, "a new job, not the dead id");
	CHECK_INT(job_add(s, &recur, &n2, &existed), 0, "recurring again");
	CHECK(n2 != n1 && !existed, "a new job, not the dead id");
	CHECK_STR(counts_of(s, buf, sizeof buf), "2 0 0 0",
	    "the counts are right");
	job_store_close(s);
}

/* Pruning and removing by state take finished ids without records out. */
static void
test_dangling_finished(void)
{
	job_store *s = fresh_store("test_store_dangling_finished");
	job_time_t now = job_now();
	struct job_outcome o = { .exit_status = 3, .signal = -1 };
	struct job_event ev[4];
	struct job_event_text texts[4];
	struct job_txn_plan p = { .owner = 7, .outcomes = &o, .noutcomes = 1,
		.events = ev, .texts = texts };
	uint64_t a, b, removed = 0;
	char buf[64];

	a = add(s, "h", NULL, 0, now - JOB_NSEC);
	b = add(s, "h", NULL, 0, now - JOB_NSEC);
	CHECK_INT(claim(s, NULL), a, "a claimed");
	CHECK_INT(claim(s, NULL), b, "b claimed");
	o.id = a;
	o.attempt = 1;
	o.started = o.ended = now;
	CHECK_INT(job_record_and_claim(s, &p), 0, "a failed");
	o.id = b;
	o.exit_status = 0;
	CHECK_INT(job_record_and_claim(s, &p), 0, "b done");
	unrecord(s, a);
	unrecord(s, b);
	CHECK_INT(job_remove_finished(s, JOB_FAILED, now + 3600 * JOB_NSEC,
	    &removed), 0, "removing failed jobs works");
	CHECK_INT(job_remove_finished(s, JOB_DONE, now + 3600 * JOB_NSEC,
	    &removed), 0, "pruning done jobs works");
	CHECK_STR(counts_of(s, buf, sizeof buf), "0 0 0 0",
	    "the counts are right");
	job_store_close(s);
}

/* An entry of the wrong size, first in the index of waiting jobs. */
static int
bad_waiting_fn(struct store_txn *txn, void *arg)
{
	(void)arg;
	return map_err(mdb_put(txn->txn, txn->st->dbi[DB_WAITING],
	    &(MDB_val){ 1, "" }, &(MDB_val){ 0, "" }, 0));
}

/* The executor's questions report a store they cannot read, never "no". */
static void
test_query_errors(void)
{
	job_store *s = fresh_store("query-errors");
	job_time_t now = job_now(), when;

	add(s, "h", NULL, 0, now + 3600 * JOB_NSEC);
	CHECK_INT(job_any_due(s, NULL), JOB_ENOJOB, "nothing due yet");
	CHECK_INT(job_due_soon(s, NULL, now + JOB_NSEC), JOB_ENOJOB,
	    "nothing due soon");
	CHECK_INT(job_next_due_time(s, &when), 0, "a next due time");
	CHECK_INT(store_write(s->st, bad_waiting_fn, NULL), 0, "damaged");
	CHECK_INT(job_any_due(s, NULL), JOB_ECORRUPT, "any due: the error");
	CHECK_INT(job_any_due(s, (const char *const[]){ "q", NULL }),
	    JOB_ECORRUPT, "any due in a queue: the error");
	CHECK_INT(job_due_soon(s, NULL, now + JOB_NSEC), JOB_ECORRUPT,
	    "due soon: the error");
	CHECK_INT(job_next_due_time(s, &when), JOB_ECORRUPT,
	    "next due time: the error");
	job_store_close(s);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(top) == NULL)
		return perror("mkdtemp"), 1;
	test_missing();
	test_not_a_store();
	test_order();
	test_same_time_ids();
	test_ahead();
	test_keep_place();
	test_key_and_counts();
	test_names();
	test_each();
	test_mixed_puts();
	test_growth();
	test_growth_midway();
	test_dangling_claim();
	test_dangling_repair();
	test_dangling_key_name();
	test_dangling_finished();
	test_query_errors();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	CHECK_INT(system(cmd), 0, "clean up");
	return check_done();
}
