/*
 * record.c: the life of a struct job in memory, and the names of states.
 */
#include <stdlib.h>
#include <string.h>

#include "job.h"

static const char *const state_names[JOB_NSTATES] = {
	"pending", "running", "done", "failed"
};

void
job_init(struct job *job)
{
	memset(job, 0, sizeof(*job));
	job->state = JOB_PENDING;
	job->last_exit = -1;
	job->last_signal = -1;
	/* Pointers are not guaranteed to be all-zero bits by C. */
	job->handler = NULL;
	job->args = NULL;
	job->payload = NULL;
	job->queue = NULL;
	job->key = NULL;
	job->last_error = NULL;
	job->name = NULL;
	job->cron = NULL;
}

void
job_free_fields(struct job *job)
{
	size_t i;

	free(job->handler);
	if (job->args != NULL) {
		for (i = 0; i < job->nargs; i++)
			free(job->args[i]);
		free(job->args);
	}
	free(job->payload);
	free(job->queue);
	free(job->key);
	free(job->last_error);
	free(job->name);
	free(job->cron);
	job_init(job);
}

const char *
job_state_name(int state)
{
	if (state < 0 || state >= JOB_NSTATES)
		return NULL;
	return state_names[state];
}

int
job_state_parse(const char *name, int *state)
{
	int i;

	if (name == NULL)
		return JOB_EINVAL;
	for (i = 0; i < JOB_NSTATES; i++) {
		if (strcmp(name, state_names[i]) == 0) {
			*state = i;
			return 0;
		}
	}
	return JOB_EINVAL;
}
