/*
 * runopts.c: the options of job_run(), with their defaults and ranges in
 * one place.  Zero means the documented default everywhere, so that a
 * zeroed struct job_run_options is a working executor, never one that
 * prunes every done job at start or fails jobs for a NULL path.
 */
#include <string.h>

#include "internal.h"

static int
check_queues(const char *const *queues)
{
	if (queues == NULL)
		return 0;
	if (queues[0] == NULL)
		return JOB_EINVAL;	/* it would serve nothing */
	for (size_t i = 0; queues[i]; i++)
		if (!job_name_valid(queues[i]))
			return JOB_EBADNAME;
	return 0;
}

int
job_run_config(struct job_run_config *cfg, const struct job_run_options *opts)
{
	struct job_run_options *o = &cfg->o;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	if (opts)
		*o = *opts;
	if (o->slots > JOB_SLOTS_MAX || o->keep < 0 || o->grace < 0)
		return JOB_ERANGE;
	if ((rc = check_queues(o->queues)) != 0)
		return rc;
	/* "" is no directory: only NULL means the default. */
	if (o->handlers && *o->handlers == '\0')
		return JOB_EINVAL;
	if ((rc = job_handlers_path(o->handlers, cfg->handlers,
	    sizeof cfg->handlers)) != 0)
		return rc;
	o->handlers = cfg->handlers;
	if (o->slots == 0)
		o->slots = 1;
	if (o->keep == 0)
		o->keep = JOB_KEEP_DEFAULT;
	if (o->grace == 0)
		o->grace = JOB_GRACE_DEFAULT;
	return 0;
}
