/*
 * outcome.c: what an attempt's end says, in the three places it is said:
 * the status word of its event line ("exit:3"), the job's last_error
 * ("handler mail.send exited with status 3") and the outcome in the
 * attempt's log header ("exit 3 after 0.020s"); and the other texts a
 * job's last_error can hold.  One place for each text: job-run(1) lists
 * them all, and tests/outcome-texts.bats checks that list against what
 * job-run writes.
 */
#include <inttypes.h>
#include <stdio.h>

#include "exec.h"

enum how { HOW_EXIT, HOW_SIGNAL, HOW_TIMEOUT, HOW_ERROR };

static enum how
how_ended(const struct job_outcome *o)
{
	if (o->error)
		return HOW_ERROR;
	if (o->timed_out)
		return HOW_TIMEOUT;
	return o->signal > 0 ? HOW_SIGNAL : HOW_EXIT;
}

void
job_outcome_status(const struct job_outcome *o, char *buf, size_t size)
{
	switch (how_ended(o)) {
	case HOW_ERROR:
		snprintf(buf, size, "error");
		break;
	case HOW_TIMEOUT:
		snprintf(buf, size, "timeout");
		break;
	case HOW_SIGNAL:
		snprintf(buf, size, "signal:%d", o->signal);
		break;
	default:
		snprintf(buf, size, "exit:%d", o->exit_status);
	}
}

void
job_outcome_error(const struct job_outcome *o, const char *handler,
    char *buf, size_t size)
{
	switch (how_ended(o)) {
	case HOW_ERROR:
		snprintf(buf, size, "%s", o->error);
		break;
	case HOW_TIMEOUT:
		snprintf(buf, size, "handler %s timeout", handler);
		break;
	case HOW_SIGNAL:
		snprintf(buf, size, "handler %s killed by signal %d", handler,
		    o->signal);
		break;
	default:
		snprintf(buf, size, "handler %s exited with status %d",
		    handler, o->exit_status);
	}
}

void
job_outcome_header(const struct job_outcome *o, char *buf, size_t size)
{
	double secs = (double)(o->ended - o->started) / JOB_NSEC;

	switch (how_ended(o)) {
	case HOW_ERROR:
		snprintf(buf, size, "error");
		break;
	case HOW_TIMEOUT:
		snprintf(buf, size, "timeout after %.3fs", secs);
		break;
	case HOW_SIGNAL:
		snprintf(buf, size, "signal %d after %.3fs", o->signal, secs);
		break;
	default:
		snprintf(buf, size, "exit %d after %.3fs", o->exit_status,
		    secs);
	}
}

void
job_text_lost(char *buf, size_t size, const char *handler, uint32_t attempt)
{
	snprintf(buf, size, "executor lost while running handler %s "
	    "(attempt %" PRIu32 ")", handler, attempt);
}

void
job_text_cannot_run(char *buf, size_t size, const char *handler,
    const char *reason)
{
	snprintf(buf, size, "cannot run handler %s: %s", handler, reason);
}

void
job_text_payload(char *buf, size_t size, const char *handler,
    const char *reason)
{
	snprintf(buf, size, "payload of handler %s could not be read: %s",
	    handler, reason);
}
