/*
 * error.c: one message for every code libjob returns.
 */
#include <string.h>

#include "job.h"

static const char *const messages[] = {
	"success",
	"corrupt record or store",
	"no such job",
	"job is running",
	"a job with that name exists with another definition",
	"store does not exist",
	"store written by a newer version",
	"invalid name",
	"handler not registered",
	"invalid time",
	"invalid duration",
	"invalid cron expression",
	"store backend failure",
	"number out of range",
	"invalid argument",
	"time out of range (1677-09-21 to 2262-04-11 UTC)",
	"no such local time (skipped by a daylight-saving change)",
	"not a job store",
	"handler unsafe: others could have changed it",
	"handlers directory missing or unusable",
	"too long",
	"store needs repair: its indexes count jobs it does not hold "
	    "(job-run repairs it)"
};

const char *
job_strerror(int code)
{
	size_t n = sizeof messages / sizeof messages[0];

	if (code > 0)
		return strerror(code);
	if ((size_t)-code < n)
		return messages[-code];
	return "unknown error";
}
