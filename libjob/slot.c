/*
 * slot.c: one handler run from start to outcome: its log, its output,
 * its deadline, its signals and its exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

struct slot *
slot_find_free(struct runner *r)
{
	for (unsigned i = 0; i < r->nslots; i++)
		if (!r->slots[i].used)
			return &r->slots[i];
	return NULL;
}

static struct job_outcome *
new_outcome(struct runner *r, const struct slot *s, job_time_t now)
{
	struct job_outcome *o = &r->outcomes[r->noutcomes];

	memset(o, 0, sizeof *o);
	o->id = s->job.id;
	o->attempt = s->job.attempts;
	o->exit_status = -1;
	o->signal = -1;
	o->started = s->started;
	o->ended = now;
	o->log_error = s->log.error;
	snprintf(o->handler, sizeof o->handler, "%s", s->job.handler);
	r->errors[r->noutcomes][0] = 0;
	r->noutcomes++;
	return o;
}

static void
release(struct runner *r, struct slot *s)
{
	job_feed_close(&s->feed);	/* what is left of stdin: EOF */
	job_free_fields(&s->job);
	memset(s, 0, sizeof *s);
	job_init(&s->job);
	s->child.out = -1;
	s->child.err = -1;
	job_feed_init(&s->feed);
	s->log.fd = -1;
	r->nrunning--;
}

/* Reports the start event, once. */
static void
announce(struct runner *r, struct slot *s)
{
	struct job_event ev = { .kind = JOB_EV_START };

	if (s->announced)
		return;
	s->announced = 1;
	ev.time = s->started;
	ev.job = s->job.id;
	ev.handler = s->job.handler;
	ev.attempt = s->job.attempts;
	runner_emit(r, &ev);
}

/*
 * A handler that could not be started fails its attempt at once, unless
 * its handlers directory went away since the loop looked (rc
 * JOB_ENOHANDLERS): that is not the job's fault, and the job is pending
 * again, uncharged, as an interrupted one.
 */
static void
start_failed(struct runner *r, struct slot *s, const char *why, int rc)
{
	job_time_t now = job_now();
	struct job_outcome *o;
	char *err;

	if (s->started > now)
		s->started = now;	/* claimed ahead, it ends before then */
	o = new_outcome(r, s, now);
	err = r->errors[r->noutcomes - 1];
	snprintf(err, sizeof r->errors[0], "%s", why);
	o->error = err;
	o->interrupted = rc == JOB_ENOHANDLERS;
	if (o->interrupted)
		r->handlers_retry = job_now() + JOB_NSEC;
	else
		announce(r, s);		/* its attempt is charged: it has one */
	o->announced = s->announced;
	job_outlog_write(&s->log, why, strlen(why));
	job_outlog_write(&s->log, "\n", 1);
	job_outlog_close(&s->log, o->interrupted ? "interrupted" : "error");
	release(r, s);
}

/*
 * Starts a claimed job.  One claimed ahead of its time (started_at still
 * to come) is announced only once its handler is exec'd.  The log is
 * opened after the start, which the output pipe does not wait for.
 */
void
slot_start(struct runner *r, struct slot *s)
{
	char why[512];
	int rc;

	s->used = 1;
	r->nrunning++;
	s->started = s->job.started_at ? s->job.started_at : job_now();
	s->ahead = s->started > job_now();
	output_echo_init(&s->echo, &s->job);
	/* An earlier attempt's leftovers write no more into this one. */
	output_linger_end(r, s->job.id);
	rc = job_spawn(&s->job, r->opts->handlers, job_store_dir(r->store),
	    s->ahead ? s->started : 0, &s->feed, &s->child, why, sizeof why);
	if (job_outlog_open(&s->log, job_store_dir(r->store), s->job.id,
	    s->job.attempts, s->started) != 0)
		s->log.fd = -1;
	if (rc) {
		start_failed(r, s, why, rc);
		return;
	}
	job_guard_add(&r->guard, s->child.pid);
	slot_feed(r, s);		/* a small payload goes at once */
	if (s->job.timeout > 0)
		s->deadline = job_time_add_sat(s->started, s->job.timeout);
	if (!s->ahead)
		announce(r, s);
}

void
slots_reap(struct runner *r)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (unsigned i = 0; i < r->nslots; i++) {
			struct slot *s = &r->slots[i];

			if (s->used && s->child.pid == pid) {
				s->exited = 1;
				s->status = status;
			}
		}
}

/*
 * Has every process of group pgid ended and been reaped?  The executor is
 * their subreaper, so their zombies do not linger.
 */
static int
group_gone(pid_t pgid)
{
	return kill(-pgid, 0) == -1 && errno == ESRCH;
}

/* Remembers a process group to SIGKILL when its grace is over. */
static void
kill_later(struct runner *r, pid_t pgid, job_time_t at)
{
	if (at && r->nkills < RUNNER_MAX_KILLS && !group_gone(pgid))
		r->kills[r->nkills++] = (struct pending_kill){ pgid, at };
	else
		job_guard_remove(&r->guard, pgid);
}

/*
 * The execve failed.  If the handlers directory is gone, the start lost
 * the race with its removal (the check passed a moment before): the job
 * is pending again, uncharged, as when job_spawn() finds it gone.
 */
static void
exec_failed(struct runner *r, const struct slot *s, struct job_outcome *o)
{
	char *err = r->errors[r->noutcomes - 1];
	size_t size = sizeof r->errors[0];
	char why[512];

	if (job_handler_check(r->opts->handlers, NULL, why, sizeof why) != 0)
		o->interrupted = 1;
	else
		snprintf(why, sizeof why, "%s", strerror(s->exec_errno));
	job_text_cannot_run(err, size, s->job.handler, why);
	o->error = err;
}

/*
 * A job removed while it ran (job-rm -f) has no record to update: its
 * attempt's closing event is reported at once, if it had a start.
 */
static void
removed_event(struct runner *r, const struct job_outcome *o)
{
	struct job_event ev = { .kind = JOB_EV_INTERRUPT };

	if (!o->announced)
		return;
	ev.time = o->ended;
	ev.job = o->id;
	ev.handler = o->handler;
	ev.attempt = o->attempt;
	ev.duration = o->ended - o->started;
	ev.text = JOB_REMOVED_TEXT;
	ev.text_len = strlen(ev.text);
	runner_emit(r, &ev);
}

/* How the handler ended: its exec failed, or its exit status. */
static void
set_status(struct runner *r, struct slot *s, struct job_outcome *o)
{
	if (s->exec_errno) {
		exec_failed(r, s, o);
		job_outlog_write(&s->log, o->error, strlen(o->error));
		job_outlog_write(&s->log, "\n", 1);
	} else if (s->feed_errno) {
		/* Whatever it did, it did with a cut payload: not done. */
		job_text_payload(r->errors[r->noutcomes - 1],
		    sizeof r->errors[0], s->job.handler,
		    job_strerror(s->feed_errno));
		o->error = r->errors[r->noutcomes - 1];
	} else if (WIFEXITED(s->status))
		o->exit_status = WEXITSTATUS(s->status);
	else if (WIFSIGNALED(s->status))
		o->signal = WTERMSIG(s->status);
}

void
slot_feed(struct runner *r, struct slot *s)
{
	int rc;

	if ((rc = job_feed_write(&s->feed, r->store)) != 0 && !s->feed_errno)
		s->feed_errno = rc;
}

/*
 * Writes the outcome into the log's header; then closes the log and the
 * pipe, or, if processes the handler left behind still hold the pipe,
 * leaves both to be read until they close it (output.c).
 */
static void
end_output(struct runner *r, struct slot *s, const struct job_outcome *o)
{
	char text[96];

	job_outcome_header(o, text, sizeof text);
	job_outlog_end(&s->log, o->interrupted ? "interrupted" :
	    o->error ? "error" : text);
	if (s->child.out != -1 && s->log.fd != -1 && !o->removed) {
		output_linger(r, s);
		return;
	}
	if (s->child.out != -1)
		close(s->child.out);
	s->child.out = -1;
	output_echo_flush(r, &s->echo);
	job_outlog_close(&s->log, NULL);
}

/* Turns an exited slot into an outcome. */
static void
finish(struct runner *r, struct slot *s, job_time_t now)
{
	struct job_outcome *o;

	output_read(r, s);
	kill_later(r, s->child.pid, s->kill_at);
	if (s->child.err != -1)
		slot_exec_status(r, s);
	o = new_outcome(r, s, now);
	set_status(r, s, o);
	o->timed_out = s->timed_out;
	o->removed = s->removed;
	o->interrupted |= s->interrupted && !s->timed_out &&
	    !(o->exit_status == 0);
	/* A charged attempt has a start event before its closing one. */
	if (!o->interrupted && !o->removed)
		announce(r, s);
	o->announced = s->announced;
	end_output(r, s, o);
	if (o->removed) {
		removed_event(r, o);
		r->noutcomes--;		/* nothing to record */
	}
	release(r, s);
}

void
slots_collect(struct runner *r, job_time_t now)
{
	for (unsigned i = 0; i < r->nslots; i++)
		if (r->slots[i].used && r->slots[i].exited)
			finish(r, &r->slots[i], now);
}

static void
signal_slot(struct runner *r, struct slot *s, int sig)
{
	if (s->signalled == 0)
		s->signalled = job_now();
	kill(-s->child.pid, sig);
	if (sig == SIGTERM && s->kill_at == 0)
		s->kill_at = job_time_add_sat(job_now(), r->opts->grace);
}

/*
 * The handler was exec'd, or could not be.  A handler claimed ahead is
 * announced now, unless it was signalled before its time, while it
 * waited (its pipe closed because it died, not because of the exec).
 */
void
slot_exec_status(struct runner *r, struct slot *s)
{
	s->exec_errno = job_spawn_status(&s->child);
	if (!s->exec_errno && (!s->signalled || s->signalled >= s->started))
		announce(r, s);
}

void
slots_check_timers(struct runner *r, job_time_t now)
{
	size_t k = 0;

	for (unsigned i = 0; i < r->nslots; i++) {
		struct slot *s = &r->slots[i];

		if (!s->used || s->exited)
			continue;
		if (s->deadline && now >= s->deadline && !s->timed_out) {
			s->timed_out = 1;
			signal_slot(r, s, SIGTERM);
		}
		if (s->kill_at && now >= s->kill_at) {
			kill(-s->child.pid, SIGKILL);
			s->kill_at = 0;
		}
	}
	/* A group that is gone, or is killed now, is forgotten. */
	for (size_t i = 0; i < r->nkills; i++)
		if (now >= r->kills[i].at || group_gone(r->kills[i].pgid)) {
			kill(-r->kills[i].pgid, SIGKILL);
			job_guard_remove(&r->guard, r->kills[i].pgid);
		} else
			r->kills[k++] = r->kills[i];
	r->nkills = k;
}

void
slots_kill_all(struct runner *r, int sig)
{
	for (unsigned i = 0; i < r->nslots; i++) {
		struct slot *s = &r->slots[i];

		if (!s->used || s->exited)
			continue;
		s->interrupted = 1;
		signal_slot(r, s, sig);
	}
}

void
slots_check_removed(struct runner *r)
{
	int rc, said = 0;

	for (unsigned i = 0; i < r->nslots; i++) {
		struct slot *s = &r->slots[i];

		if (!s->used || s->exited || s->removed)
			continue;
		if ((rc = job_owned(r->store, s->job.id, r->token)) ==
		    JOB_ENOJOB) {
			s->removed = 1;
			signal_slot(r, s, SIGTERM);
		} else if (rc != 0 && !said++)
			runner_emit_error(r, rc);	/* it runs on */
	}
}
