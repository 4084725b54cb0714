/*
 * test_spec.c: the library from its man page alone.  Every bad spec
 * given to job_add() and its kin, and every bad option given to
 * job_run(), is refused with its code and leaves the store as it was;
 * zeroed options are the documented defaults; the run times libjob
 * computes past the end of time saturate, never wrap.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

#define S(x) ((job_time_t)(x) * JOB_NSEC)

static char top[256] = "/tmp/test_spec.XXXXXX";
static char handlers[512];

static job_store *
fresh_store(const char *name)
{
	job_store *s = NULL;
	char dir[512];

	snprintf(dir, sizeof dir, "%s/%s", top, name);
	CHECK_INT(job_store_open(&s, dir, JOB_STORE_CREATE), 0, "open creates");
	return s;
}

static int
count_all(job_store *s)
{
	uint64_t c[JOB_NSTATES];

	if (job_count(s, c) != 0)
		return -1;
	return (int)(c[0] + c[1] + c[2] + c[3]);
}

/* A handler script in the test's handlers directory. */
static void
make_handler(const char *name, const char *body)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", handlers, name);
	f = fopen(path, "w");
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
}

struct bad_spec {
	const char *what;
	struct job_spec spec;
	int want;
	const char *field;
};

static char *one_arg[] = { "x" };
static char *null_arg[] = { "x", NULL };
static char big_arg[JOB_ARG_MAX + 2];
static char *big_args[] = { big_arg };
static char long_key[JOB_KEY_MAX + 2];
static const unsigned char bytes[] = "abc";

#define H .handler = "ok"

static const struct bad_spec bad_specs[] = {
	{ "no handler", { .nargs = 0 }, JOB_EBADNAME, "handler" },
	{ "bad handler", { .handler = "a b" }, JOB_EBADNAME, "handler" },
	{ "bad queue", { H, .queue = "" }, JOB_EBADNAME, "queue" },
	{ "bad name", { H, .name = ".x", .every = S(1) }, JOB_EBADNAME,
	    "name" },
	{ "nargs without args", { H, .nargs = 1 }, JOB_EINVAL, "args" },
	{ "a NULL arg", { H, .args = null_arg, .nargs = 2 }, JOB_EINVAL,
	    "args" },
	{ "too many args", { H, .args = one_arg, .nargs = JOB_NARGS_MAX + 1 },
	    JOB_ETOOLONG, "args" },
	{ "an arg of 128 KiB", { H, .args = big_args, .nargs = 1 },
	    JOB_ETOOLONG, "args" },
	{ "payload_len without payload", { H, .payload_len = 3,
	    .has_payload = 1 }, JOB_EINVAL, "payload" },
	{ "payload without has_payload", { H, .payload = bytes,
	    .payload_len = 3 }, JOB_EINVAL, "payload" },
	{ "empty key", { H, .key = "" }, JOB_EINVAL, "key" },
	{ "key too long", { H, .key = long_key }, JOB_ETOOLONG, "key" },
	{ "retries UINT32_MAX", { H, .retries = UINT32_MAX }, JOB_ERANGE,
	    "retries" },
	{ "negative timeout", { H, .timeout = -1 }, JOB_ERANGE, "timeout" },
	{ "timeout past the end of time", { H, .timeout = JOB_TIME_MAX },
	    JOB_ETIMERANGE, "timeout" },
	{ "every without a name", { H, .every = S(60) }, JOB_EINVAL, "every" },
	{ "cron without a name", { H, .cron = "@daily" }, JOB_EINVAL, "cron" },
	{ "jitter without a name", { H, .jitter = S(1) }, JOB_EINVAL,
	    "jitter" },
	{ "catchup without a name", { H, .catchup = 1 }, JOB_EINVAL,
	    "catchup" },
	{ "replace without a name", { H, .replace = 1 }, JOB_EINVAL,
	    "replace" },
	{ "a name without every or cron", { H, .name = "n" }, JOB_EINVAL,
	    "every" },
	{ "every and cron", { H, .name = "n", .every = S(60),
	    .cron = "@daily" }, JOB_EINVAL, "every" },
	{ "every of 1 ns", { H, .name = "n", .every = 1 }, JOB_ERANGE,
	    "every" },
	{ "every below 1 s", { H, .name = "n", .every = JOB_EVERY_MIN - 1 },
	    JOB_ERANGE, "every" },
	{ "negative every", { H, .name = "n", .every = -S(1) }, JOB_ERANGE,
	    "every" },
	{ "cron that does not parse", { H, .name = "n", .cron = "0 0 30 2 *" },
	    JOB_EBADCRON, "cron" },
	{ "negative jitter", { H, .name = "n", .every = S(1), .jitter = -1 },
	    JOB_ERANGE, "jitter" },
	{ "catchup 7", { H, .name = "n", .every = S(1), .catchup = 7 },
	    JOB_EINVAL, "catchup" },
	{ "every 15000w", { H, .name = "n", .every = S(15000LL * 604800) },
	    JOB_ETIMERANGE, "every" },
	{ "every past the end from run_at", { H, .name = "n", .every = S(2),
	    .has_run_at = 1, .run_at = JOB_TIME_MAX - S(1) },
	    JOB_ETIMERANGE, "every" },
	{ "jitter past the end", { H, .name = "n", .every = S(1),
	    .jitter = S(10), .has_run_at = 1, .run_at = JOB_TIME_MAX - S(5) },
	    JOB_ETIMERANGE, "jitter" },
	{ "cron whose first run is past the end", { H, .name = "n",
	    .cron = "0 0 * * *", .has_run_at = 1,
	    .run_at = JOB_TIME_MAX - S(3600) }, JOB_ETIMERANGE, "cron" },
};
#define NBAD (sizeof bad_specs / sizeof bad_specs[0])

static void
test_spec_check(void)
{
	struct job_spec ok = { H, .args = one_arg, .nargs = 1 };
	char what[160];
	const char *field;

	for (size_t i = 0; i < NBAD; i++) {
		field = "unset";
		snprintf(what, sizeof what, "check: %s", bad_specs[i].what);
		CHECK_INT(job_spec_check(&bad_specs[i].spec, &field),
		    bad_specs[i].want, what);
		snprintf(what, sizeof what, "check: %s: field",
		    bad_specs[i].what);
		CHECK_STR(field, bad_specs[i].field, what);
	}
	field = "unset";
	CHECK_INT(job_spec_check(&ok, &field), 0, "check: a good spec");
	CHECK(field == NULL, "check: no field when good");
	CHECK_INT(job_spec_check(&ok, NULL), 0, "check: field may be NULL");
	CHECK_INT(job_spec_check(NULL, NULL), JOB_EINVAL, "check: NULL spec");
}

/* The largest args that pass, and one byte more. */
static void
test_arg_limits(void)
{
	static char arg[JOB_ARG_MAX + 1];
	static char *args[16];
	struct job_spec spec = { H, .args = args };
	size_t each = JOB_ARGS_MAX / 8 - 1;

	memset(arg, 'a', JOB_ARG_MAX);
	args[0] = arg;
	spec.nargs = 1;
	CHECK_INT(job_spec_check(&spec, NULL), 0, "an arg of 131071 bytes");
	/* Eight args of 131071 bytes and their NULs: 1 MiB. */
	arg[each] = '\0';
	for (int i = 0; i < 8; i++)
		args[i] = arg;
	spec.nargs = 8;
	CHECK_INT(job_spec_check(&spec, NULL), 0, "args of 1 MiB together");
	args[8] = "x";
	spec.nargs = 9;
	CHECK_INT(job_spec_check(&spec, NULL), JOB_ETOOLONG,
	    "args past 1 MiB together");
	memset(long_key, 'k', JOB_KEY_MAX);
	long_key[JOB_KEY_MAX] = '\0';
	spec.nargs = 0;
	spec.key = long_key;
	CHECK_INT(job_spec_check(&spec, NULL), 0, "a key of 65536 bytes");
	long_key[JOB_KEY_MAX] = 'k';
}

/* Every bad spec is refused by job_add and its kin, writing nothing. */
static void
test_add_refused(void)
{
	job_store *s = fresh_store("refused");
	struct job_spec ok = { H };
	struct job_spec two[2] = { { H }, { H, .key = "" } };
	char *items[] = { "a", big_arg };
	uint64_t id = 0, ids[2];
	char what[160];
	int existed;

	for (size_t i = 0; i < NBAD; i++) {
		snprintf(what, sizeof what, "job_add: %s", bad_specs[i].what);
		CHECK_INT(job_add(s, &bad_specs[i].spec, &id, &existed),
		    bad_specs[i].want, what);
	}
	CHECK_INT(job_add_many(s, two, 2, ids), JOB_EINVAL,
	    "job_add_many: one bad spec");
	CHECK_INT(job_add_each(s, &ok, items, 2, ids), JOB_ETOOLONG,
	    "job_add_each: one item too long");
	items[1] = NULL;
	CHECK_INT(job_add_each(s, &ok, items, 2, ids), JOB_EINVAL,
	    "job_add_each: a NULL item");
	CHECK_INT(job_add_each(s, &bad_specs[1].spec, items, 1, ids),
	    JOB_EBADNAME, "job_add_each: a bad spec");
	CHECK_INT(job_add(s, NULL, &id, NULL), JOB_EINVAL, "job_add: NULL");
	CHECK_INT(job_add(s, &ok, NULL, NULL), JOB_EINVAL,
	    "job_add: NULL id");
	CHECK_INT(job_add(NULL, &ok, &id, NULL), JOB_EINVAL,
	    "job_add: NULL store");
	CHECK_INT(count_all(s), 0, "nothing was written");
	CHECK_INT(job_add(s, &ok, &id, NULL), 0, "a good spec after them");
	CHECK_INT(id, 1, "takes the first id: none was used up");
	job_store_close(s);
}

static int
count_cb(const struct job *job, void *arg)
{
	(void)job;
	++*(int *)arg;
	return 0;
}

static void
test_list_null(void)
{
	job_store *s = fresh_store("list");
	struct job_spec ok = { H };
	uint64_t id;
	int n = 0;

	job_add(s, &ok, &id, NULL);
	CHECK_INT(job_list(s, NULL, NULL, NULL, NULL), JOB_EINVAL,
	    "job_list: a NULL callback");
	CHECK_INT(job_list(s, NULL, count_cb, NULL, &n), 0, "job_list: NULL "
	    "filter");
	CHECK_INT(n, 1, "job_list: NULL filter lists the job");
	job_store_close(s);
}

/* One job of handler, run by job_run with opts (once); its state. */
static int
run_one(job_store *s, const struct job_run_options *opts, int *rc)
{
	struct job_spec spec = { H };
	struct job job;
	uint64_t id;
	int state;

	if (job_add(s, &spec, &id, NULL) != 0)
		return -1;
	*rc = job_run(s, opts);
	if (job_get(s, id, &job) != 0)
		return -2;
	state = job.state;
	job_free_fields(&job);
	return state;
}

static void
test_run_bad_options(void)
{
	job_store *s = fresh_store("badopts");
	const char *none[] = { NULL }, *bad[] = { "a b", NULL };
	struct job_run_options o;

	o = (struct job_run_options){ .once = 1, .slots = JOB_SLOTS_MAX + 1 };
	CHECK_INT(job_run(s, &o), JOB_ERANGE, "job_run: slots 1025");
	o = (struct job_run_options){ .once = 1, .slots = 5000 };
	CHECK_INT(job_run(s, &o), JOB_ERANGE, "job_run: slots 5000");
	o = (struct job_run_options){ .once = 1, .keep = -1 };
	CHECK_INT(job_run(s, &o), JOB_ERANGE, "job_run: negative keep");
	o = (struct job_run_options){ .once = 1, .grace = -1 };
	CHECK_INT(job_run(s, &o), JOB_ERANGE, "job_run: negative grace");
	o = (struct job_run_options){ .once = 1, .queues = none };
	CHECK_INT(job_run(s, &o), JOB_EINVAL, "job_run: no queues");
	o = (struct job_run_options){ .once = 1, .queues = bad };
	CHECK_INT(job_run(s, &o), JOB_EBADNAME, "job_run: a bad queue");
	o = (struct job_run_options){ .once = 1, .handlers = "" };
	CHECK_INT(job_run(s, &o), JOB_EINVAL, "job_run: handlers \"\"");
	CHECK_INT(job_run(NULL, &o), JOB_EINVAL, "job_run: NULL store");
	job_store_close(s);
}

/*
 * Zero means the default: handlers NULL is the default directory (here
 * $JOB_HANDLERS), slots 0 is 1.
 */
static void
test_run_zeroed(void)
{
	job_store *s = fresh_store("zeroed");
	struct job_run_options o = { .once = 1 };
	int rc = -1;

	CHECK_INT(run_one(s, &o, &rc), JOB_DONE,
	    "handlers NULL and slots 0: the job is done");
	CHECK_INT(rc, 0, "job_run returns 0");
	job_store_close(s);
}

/*
 * keep 0 is 7 days: a zeroed struct (once unset) with a SIGTERM already
 * pending starts, prunes, and stops; the done job is still there.
 */
static void
test_run_zeroed_keep(void)
{
	job_store *s = fresh_store("keep");
	struct job_run_options zero = { 0 }, once = { .once = 1 };
	sigset_t set, old;
	int rc = -1;

	CHECK_INT(run_one(s, &once, &rc), JOB_DONE, "a done job");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGTERM);
	CHECK_INT(job_run(s, &zero), 0, "a zeroed struct: stops at SIGTERM");
	CHECK_INT(count_all(s), 1, "keep 0 pruned nothing: it is 7 days");
	raise(SIGTERM);
	CHECK_INT(job_run(s, NULL), 0, "opts NULL: stops at SIGTERM");
	CHECK_INT(count_all(s), 1, "opts NULL pruned nothing");
	sigprocmask(SIG_SETMASK, &old, NULL);
	job_store_close(s);
}

static void
test_preview(void)
{
	struct job_spec every = { H, .every = S(15000LL * 604800) };
	struct job_spec near = { H, .every = S(604800), .has_run_at = 1,
		.run_at = JOB_TIME_MAX - S(604800 + 1) };
	struct job_spec both = { H, .every = S(1), .cron = "@daily" };
	struct job_spec tiny = { H, .every = 1 };
	job_time_t t[3] = { 0, 0, 0 };

	CHECK_INT(job_recur_preview(&every, S(1796119200), t, 3),
	    JOB_ETIMERANGE, "preview: --every 15000w from 2026");
	CHECK(t[0] == S(1796119200) && t[1] == 0,
	    "preview: the first time, then no wrapped one");
	CHECK_INT(job_recur_preview(&near, 0, t, 2), 0,
	    "preview: two weeks before the end");
	CHECK_INT(job_recur_preview(&near, 0, t, 3), JOB_ETIMERANGE,
	    "preview: not a third");
	CHECK_INT(job_recur_preview(&both, 0, t, 1), JOB_EINVAL,
	    "preview: every and cron");
	CHECK_INT(job_recur_preview(&tiny, 0, t, 1), JOB_ERANGE,
	    "preview: every of 1 ns");
	CHECK_INT(job_recur_preview(&tiny, 0, NULL, 1), JOB_EINVAL,
	    "preview: NULL times");
}

/* The next runs libjob computes: past the end of time is the end. */
static void
test_next_saturates(void)
{
	struct job job;
	job_time_t next = 0;

	job_init(&job);
	job.name = "n";
	job.every = S(8);
	job.anchor = JOB_TIME_MAX - S(10);
	CHECK_INT(job_recur_next(&job, JOB_TIME_MAX - S(9), &next), 0,
	    "grid: next after a run near the end");
	CHECK_INT(next, JOB_TIME_MAX - S(2), "grid: the last point");
	CHECK_INT(job_recur_next(&job, JOB_TIME_MAX - S(1), &next), 0,
	    "grid: none left");
	CHECK_INT(next, JOB_TIME_MAX, "grid: the end of time, not 1677");
	job.anchor = JOB_TIME_MIN;
	job.every = S(15000LL * 604800);
	CHECK_INT(job_recur_next(&job, S(1796119200), &next), 0,
	    "grid: from 1677 by 15000w");
	CHECK_INT(next, JOB_TIME_MIN + S(15000LL * 604800) +
	    S(15000LL * 604800), "grid: a span past INT64_MAX still reckoned");
	job.anchor = S(1796119200);
	CHECK_INT(job_recur_next(&job, S(1796119200 + 60), &next), 0,
	    "grid: 15000w from 2026");
	CHECK_INT(next, JOB_TIME_MAX, "grid: the end of time, not 1691");
	job.every = 0;
	job.cron = "0 0 * * *";
	setenv("TZ", "UTC", 1);
	CHECK_INT(job_recur_next(&job, JOB_TIME_MAX - S(3600), &next), 0,
	    "cron: next past the end of time");
	CHECK_INT(next, JOB_TIME_MAX, "cron: the end of time");
	job.sched_at = JOB_TIME_MAX - S(1);
	job.jitter = JOB_TIME_MAX;
	job_recur_jitter(&job);
	CHECK(job.run_at >= job.sched_at, "jitter: never before its time");
	job.cron = NULL;
	job.name = NULL;
}

int
main(void)
{
	char cmd[512];

	if (mkdtemp(top) == NULL)
		return perror("mkdtemp"), 1;
	snprintf(handlers, sizeof handlers, "%s/handlers", top);
	mkdir(handlers, 0755);
	chmod(top, 0755);
	setenv("JOB_HANDLERS", handlers, 1);
	setenv("TZ", "UTC", 1);
	make_handler("ok", "exit 0");
	memset(big_arg, 'b', sizeof big_arg - 1);
	memset(long_key, 'k', sizeof long_key - 1);
	test_spec_check();
	test_arg_limits();
	test_add_refused();
	test_list_null();
	test_run_bad_options();
	test_run_zeroed();
	test_run_zeroed_keep();
	test_preview();
	test_next_saturates();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	CHECK_INT(system(cmd), 0, "clean up");
	return check_done();
}
