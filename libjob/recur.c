/*
 * recur.c: when a recurring job runs: its first run, its next run after
 * one ends, and the preview of job-recur --next.
 *
 * An --every job keeps to the grid anchor + k * every: after a run it
 * waits for the first grid point after the run ended, so that missed
 * points coalesce into one run and runs never overlap.  A --cron job
 * runs at the first matching time after the previous run ended.
 *
 * A next run that cannot be represented (past 2262-04-11T23:47:16Z) is
 * the last instant that can: the job is never early, and in practice
 * never runs again.  The enqueue checks (spec.c) refuse a schedule whose
 * second run is already past it.
 */
#include <sys/random.h>

#include "internal.h"

static int
cron_after(const char *expr, job_time_t after, job_time_t *next)
{
	struct job_cron cron;
	int field, rc;

	if ((rc = job_cron_parse(expr, &cron, &field)) != 0)
		return rc;
	return job_cron_next(&cron, after, next);
}

/*
 * The first point of the grid (anchor, every) strictly after t, or the
 * end of time.  t - anchor and k * every may pass INT64_MAX while the sum
 * does not: they are reckoned in uint64_t, where they fit.
 */
static job_time_t
grid_after(job_time_t anchor, job_time_t every, job_time_t t)
{
	uint64_t k, step, room;

	if (t < anchor)
		return anchor;
	k = ((uint64_t)t - (uint64_t)anchor) / (uint64_t)every + 1;
	room = (uint64_t)JOB_TIME_MAX - (uint64_t)anchor;
	if (__builtin_mul_overflow(k, (uint64_t)every, &step) || step > room)
		return JOB_TIME_MAX;
	return (job_time_t)((uint64_t)anchor + step);
}

int
job_recur_first(const struct job *job, job_time_t at, job_time_t *first)
{
	if (job->cron)
		return cron_after(job->cron, at, first);
	if (job->every <= 0)
		return JOB_EINVAL;
	*first = at;
	return 0;
}

int
job_recur_next(const struct job *job, job_time_t end, job_time_t *next)
{
	int rc;

	if (job->cron) {
		rc = cron_after(job->cron, end, next);
		if (rc == JOB_ETIMERANGE)
			*next = JOB_TIME_MAX;
		return rc == JOB_ETIMERANGE ? 0 : rc;
	}
	if (job->every <= 0)
		return JOB_EINVAL;
	*next = grid_after(job->anchor, job->every, end);
	return 0;
}

void
job_recur_jitter(struct job *job)
{
	job->run_at = job_time_add_sat(job->sched_at,
	    job_random_delay(job->jitter));
}

int
job_recur_advance(struct job *job, job_time_t end)
{
	int rc;

	if ((rc = job_recur_next(job, end, &job->sched_at)) != 0)
		return rc;
	job_recur_jitter(job);
	return 0;
}

int
job_recur_run_ended(struct job *job, job_time_t end, int failed)
{
	job->runs++;
	if (failed)
		job->failures++;
	job->attempts = 0;
	job->uncharged = 0;
	job->state = JOB_PENDING;
	return job_recur_advance(job, end);
}

/* The n times of an --every preview: first, then the grid after it. */
static int
preview_every(job_time_t every, job_time_t t, job_time_t *times, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && job_time_add(t, every, &t) != 0)
			return JOB_ETIMERANGE;
		times[i] = t;
	}
	return 0;
}

int
job_recur_preview(const struct job_spec *spec, job_time_t from,
    job_time_t *times, size_t n)
{
	struct job_cron cron;
	job_time_t t = spec->has_run_at ? spec->run_at : from;
	int rc;

	if (times == NULL && n > 0)
		return JOB_EINVAL;
	if ((rc = job_schedule_check(spec)) != 0)
		return rc;
	if (spec->cron == NULL)
		return preview_every(spec->every, t, times, n);
	if ((rc = job_cron_parse(spec->cron, &cron, NULL)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = job_cron_next(&cron, t, &t)) != 0)
			return rc;
		times[i] = t;
	}
	return 0;
}

job_time_t
job_random_delay(job_time_t max)
{
	uint64_t r = 0;

	if (max <= 0)
		return 0;
	if (getrandom(&r, sizeof r, 0) != sizeof r)
		r = (uint64_t)job_now();
	return (job_time_t)(r % ((uint64_t)max + 1));
}
