/*
 * fields.c: the fields of a job, in the order every view shows them,
 * with the names of the JSON.  The JSON and the detail view differ only
 * in how they write a value.
 */
#include "format.h"

struct walk {
	fmt_emit_fn *emit;
	void *ctx;
};

static void
put(struct walk *w, const char *name, int type, const char *s, int64_t n)
{
	struct fmt_value v = { type, s, n };

	w->emit(w->ctx, name, &v);
}

static void
str(struct walk *w, const char *name, const char *s)
{
	put(w, name, s ? FMT_STR : FMT_NULL, s, 0);
}

static void
num(struct walk *w, const char *name, int64_t n, int null)
{
	put(w, name, null ? FMT_NULL : FMT_INT, NULL, n);
}

/* A time; 0 is "none" where optional. */
static void
when(struct walk *w, const char *name, job_time_t t, int optional)
{
	put(w, name, optional && t == 0 ? FMT_NULL : FMT_TIME, NULL, t);
}

/* A duration in seconds; 0 is "none". */
static void
secs(struct walk *w, const char *name, job_time_t d)
{
	put(w, name, d == 0 ? FMT_NULL : FMT_SECS, NULL, d);
}

static const char *
catch_up(const struct job *job)
{
	if (job->name == NULL)
		return NULL;
	return job->catchup == JOB_CATCHUP_SKIP ? "skip" : "once";
}

void
fmt_fields(const struct job *job, fmt_emit_fn *emit, void *ctx)
{
	struct walk w = { emit, ctx };

	num(&w, "id", (int64_t)job->id, 0);
	str(&w, "state", job_state_name(job->state));
	str(&w, "handler", job->handler);
	put(&w, "args", FMT_ARGS, NULL, 0);
	str(&w, "queue", job->queue ? job->queue : "default");
	num(&w, "priority", job->priority, 0);
	when(&w, "run_at", job->run_at, 0);
	when(&w, "created_at", job->created_at, 0);
	when(&w, "started_at", job->started_at, 1);
	when(&w, "finished_at", job->finished_at, 1);
	num(&w, "attempts", job->attempts, 0);
	num(&w, "max_attempts", job->max_attempts, 0);
	secs(&w, "timeout", job->timeout);
	str(&w, "key", job->key);
	str(&w, "name", job->name);
	secs(&w, "every", job->every);
	str(&w, "cron", job->cron);
	str(&w, "catch_up", catch_up(job));
	secs(&w, "jitter", job->jitter);
	num(&w, "payload_size", (int64_t)job->payload_len, !job->has_payload);
	num(&w, "last_exit", job->last_exit, job->last_exit < 0);
	num(&w, "last_signal", job->last_signal, job->last_signal < 0);
	str(&w, "last_error", job->last_error);
	if (job->name) {
		num(&w, "runs", (int64_t)job->runs, 0);
		num(&w, "failures", (int64_t)job->failures, 0);
	}
}
