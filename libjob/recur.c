/*
 * recur.c: when a recurring job runs: its first run, its next run after
 * one ends, and the preview of job-recur --next.
 *
 * An --every job keeps to the grid anchor + k * every: after a run it
 * waits for the first grid point after the run ended, so that missed
 * points coalesce into one run and runs never overlap.  A --cron job
 * runs at the first matching time after the previous run ended.
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

/* The first point of the grid (anchor, every) strictly after t. */
static job_time_t
grid_after(job_time_t anchor, job_time_t every, job_time_t t)
{
	job_time_t k;

	if (t < anchor)
		return anchor;
	k = (t - anchor) / every + 1;
	return anchor + k * every;
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
	if (job->cron)
		return cron_after(job->cron, end, next);
	if (job->every <= 0)
		return JOB_EINVAL;
	*next = grid_after(job->anchor, job->every, end);
	return 0;
}

int
job_recur_preview(const struct job_spec *spec, job_time_t from,
    job_time_t *times, size_t n)
{
	struct job_cron cron;
	job_time_t t = spec->has_run_at ? spec->run_at : from;
	int field, rc;

	if (spec->cron == NULL && spec->every <= 0)
		return JOB_EINVAL;
	if (spec->cron &&
	    (rc = job_cron_parse(spec->cron, &cron, &field)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (spec->cron) {
			if ((rc = job_cron_next(&cron, t, &t)) != 0)
				return rc;
		} else if (i > 0)
			t += spec->every;
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
