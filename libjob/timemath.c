/*
 * timemath.c: the time now, and a duration added to a time, never
 * wrapped.
 *
 * job_time_t is int64_t nanoseconds, so times end in 1677 and 2262.  A
 * sum that a user asks for (now plus --in, --at plus --every) is refused
 * past those ends: job_time_add() gives JOB_ETIMERANGE.  A sum the
 * executor computes (a deadline, a retry, a next run, a SIGKILL after the
 * grace) is clamped to the end it passes: job_time_add_sat().  Past the
 * end of time means never, so that "never early" holds for any input.
 */
#include <time.h>

#include "job.h"

job_time_t
job_now(void)
{
	struct timespec ts;

	/* CLOCK_REALTIME cannot fail with a valid pointer. */
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (job_time_t)ts.tv_sec * JOB_NSEC + ts.tv_nsec;
}

int
job_time_add(job_time_t t, job_time_t d, job_time_t *sum)
{
	job_time_t s;

	if (__builtin_add_overflow(t, d, &s))
		return JOB_ETIMERANGE;
	*sum = s;
	return 0;
}

job_time_t
job_time_add_sat(job_time_t t, job_time_t d)
{
	job_time_t s;

	if (!__builtin_add_overflow(t, d, &s))
		return s;
	return d > 0 ? JOB_TIME_MAX : JOB_TIME_MIN;
}
