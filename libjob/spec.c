/*
 * spec.c: the rules of a job spec, in one place.  job_add() and its kin
 * apply them before they write anything, and the commands before they
 * open the store (so that a bad command line is exit 2 and creates
 * nothing): a spec that passes is one whose record reads back, whose
 * handler execve() can start, and whose times do not wrap.
 */
#include <string.h>

#include "internal.h"

/* Names the field a code is about. */
static int
fault(const char **field, const char *name, int rc)
{
	*field = name;
	return rc;
}

static int
check_names(const struct job_spec *spec, const char **field)
{
	if (!job_name_valid(spec->handler))
		return fault(field, "handler", JOB_EBADNAME);
	if (spec->queue && !job_name_valid(spec->queue))
		return fault(field, "queue", JOB_EBADNAME);
	if (spec->name && !job_name_valid(spec->name))
		return fault(field, "name", JOB_EBADNAME);
	return 0;
}

/*
 * One more arg: execve() refuses a string of MAX_ARG_STRLEN (128 KiB)
 * with its NUL, and all of them past ARG_MAX; *total counts their bytes.
 */
static int
check_arg(const char *arg, size_t *total)
{
	size_t len;

	if (arg == NULL)
		return JOB_EINVAL;
	if ((len = strnlen(arg, JOB_ARG_MAX + 1)) > JOB_ARG_MAX)
		return JOB_ETOOLONG;
	*total += len + 1;
	return *total > JOB_ARGS_MAX ? JOB_ETOOLONG : 0;
}

static int
check_args(const struct job_spec *spec, const char **field, size_t *total)
{
	int rc;

	*total = 0;
	if (spec->nargs > 0 && spec->args == NULL)
		return fault(field, "args", JOB_EINVAL);
	if (spec->nargs > JOB_NARGS_MAX)
		return fault(field, "args", JOB_ETOOLONG);
	for (size_t i = 0; i < spec->nargs; i++)
		if ((rc = check_arg(spec->args[i], total)) != 0)
			return fault(field, "args", rc);
	return 0;
}

/* The payload, key and numbers: each within its range. */
static int
check_fields(const struct job_spec *spec, const char **field)
{
	if (spec->payload_len > 0 &&
	    (spec->payload == NULL || !spec->has_payload))
		return fault(field, "payload", JOB_EINVAL);
	if (spec->key && *spec->key == '\0')
		return fault(field, "key", JOB_EINVAL);
	if (spec->key && strnlen(spec->key, JOB_KEY_MAX + 1) > JOB_KEY_MAX)
		return fault(field, "key", JOB_ETOOLONG);
	if (spec->retries >= UINT32_MAX)
		return fault(field, "retries", JOB_ERANGE);
	if (spec->timeout < 0)
		return fault(field, "timeout", JOB_ERANGE);
	return 0;
}

/* The schedule of a recurring job (or of a preview). */
static int
schedule_rules(const struct job_spec *spec, const char **field)
{
	struct job_cron cron;

	if ((spec->cron != NULL) == (spec->every != 0))
		return fault(field, "every", JOB_EINVAL);
	if (spec->every < 0 || (spec->every > 0 &&
	    spec->every < JOB_EVERY_MIN))
		return fault(field, "every", JOB_ERANGE);
	if (spec->cron && job_cron_parse(spec->cron, &cron, NULL) != 0)
		return fault(field, "cron", JOB_EBADCRON);
	if (spec->jitter < 0)
		return fault(field, "jitter", JOB_ERANGE);
	if (spec->catchup != JOB_CATCHUP_ONCE &&
	    spec->catchup != JOB_CATCHUP_SKIP)
		return fault(field, "catchup", JOB_EINVAL);
	return 0;
}

/* What only a recurring job may have, on one that is not. */
static int
not_recurring(const struct job_spec *spec, const char **field)
{
	if (spec->every)
		return fault(field, "every", JOB_EINVAL);
	if (spec->cron)
		return fault(field, "cron", JOB_EINVAL);
	if (spec->jitter)
		return fault(field, "jitter", JOB_EINVAL);
	if (spec->catchup)
		return fault(field, "catchup", JOB_EINVAL);
	if (spec->replace)
		return fault(field, "replace", JOB_EINVAL);
	return 0;
}

/*
 * The first run, and that plus each duration, must be representable
 * (the later runs of a recurring job saturate: recur.c).
 */
static int
check_times(const struct job_spec *spec, const char **field)
{
	struct job_cron cron;
	job_time_t first = spec->has_run_at ? spec->run_at : job_now(), t;
	int rc;

	/* Parsed already by schedule_rules(). */
	if (spec->name && spec->cron && ((rc = job_cron_parse(spec->cron,
	    &cron, NULL)) != 0 || (rc = job_cron_next(&cron, first,
	    &first)) != 0))
		return fault(field, "cron", rc);
	if (job_time_add(first, spec->every, &t) != 0)
		return fault(field, "every", JOB_ETIMERANGE);
	if (job_time_add(first, spec->jitter, &t) != 0)
		return fault(field, "jitter", JOB_ETIMERANGE);
	if (job_time_add(first, spec->timeout, &t) != 0)
		return fault(field, "timeout", JOB_ETIMERANGE);
	return 0;
}

int
job_spec_check(const struct job_spec *spec, const char **field)
{
	const char *unused;
	size_t total;
	int rc;

	if (field == NULL)
		field = &unused;
	*field = NULL;
	if (spec == NULL)
		return JOB_EINVAL;
	if ((rc = check_names(spec, field)) != 0 ||
	    (rc = check_args(spec, field, &total)) != 0 ||
	    (rc = check_fields(spec, field)) != 0)
		return rc;
	rc = spec->name ? schedule_rules(spec, field) :
	    not_recurring(spec, field);
	return rc ? rc : check_times(spec, field);
}

int
job_spec_check_items(const struct job_spec *spec, char *const *items,
    size_t n)
{
	const char *field;
	size_t base, total;
	int rc;

	if ((rc = check_args(spec, &field, &base)) != 0)
		return rc;
	if (n > 0 && items == NULL)
		return JOB_EINVAL;
	if (n > 0 && spec->nargs + 1 > JOB_NARGS_MAX)
		return JOB_ETOOLONG;
	for (size_t i = 0; i < n; i++) {
		total = base;
		if ((rc = check_arg(items[i], &total)) != 0)
			return rc;
	}
	return 0;
}

int
job_schedule_check(const struct job_spec *spec)
{
	const char *field;

	return spec ? schedule_rules(spec, &field) : JOB_EINVAL;
}
