/*
 * retry.c: when a failed attempt is tried again.  The k-th retry of a
 * job waits about 2^(k-1) s (1 s, 2 s, 4 s, ... at most an hour) plus up
 * to 25% jitter, so that jobs that failed together do not all come back
 * at once; a recurring job's retry never delays its next run.  The
 * executor's own retries of a step the store refused double the same
 * way (run.c), up to a minute.
 */
#include "exec.h"

#define BACKOFF_MAX (3600 * JOB_NSEC)

job_time_t
job_retry_delay(uint32_t k, job_time_t max)
{
	job_time_t d = JOB_NSEC;

	for (uint32_t i = 1; i < k && d < max; i++)
		d *= 2;
	return d < max ? d : max;
}

job_time_t
job_backoff(uint32_t k)
{
	job_time_t base = job_retry_delay(k, BACKOFF_MAX);

	return base + job_random_delay(base / 4);
}

int
job_retry_at(const struct job *job, job_time_t now, job_time_t *at)
{
	uint32_t charged = job->attempts - job->uncharged;
	job_time_t next;

	if (charged >= job->max_attempts)
		return 0;
	*at = job_time_add_sat(now, job_backoff(charged));
	/* The next run of a recurring job comes first: no retry past it. */
	return !(job->name && job_recur_next(job, now, &next) == 0 &&
	    *at >= next);
}
