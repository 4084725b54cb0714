/*
 * run.c: the executor loop.
 *
 * One thread, one ppoll(2) over a signalfd (SIGCHLD, SIGTERM, SIGINT),
 * an inotify descriptor (the store's wake file, and its run directory
 * where a dying executor's lock file is closed) and the handlers' output
 * pipes, those that processes an exited handler left behind still hold
 * included.  The timeout is the nearest of: the next due job, a
 * handler's deadline, a SIGKILL after the grace, the next prune, a step
 * to retry, while other executors have jobs running a liveness check
 * once a second, and while the handlers directory is gone and jobs are
 * due a look at it once a second.  Idle with nothing scheduled, it
 * sleeps without a timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

#define PRUNE_EVERY (60 * JOB_NSEC)
#define RETRY_MAX (60 * JOB_NSEC)	/* longest wait after store errors */
#define ONCE_GIVE_UP 5			/* --once, stopping: errors in a row */

/* Reports ids an index named without a record (now out of them). */
static void
emit_dangling(struct runner *r, const struct job_txn_plan *p)
{
	struct job_event ev = { .kind = JOB_EV_ERROR, .time = job_now() };

	ev.text = JOB_DANGLING_TEXT;
	ev.text_len = strlen(ev.text);
	for (size_t i = 0; i < p->ndangling; i++) {
		ev.job = p->dangling[i];
		runner_emit(r, &ev);
	}
}

/*
 * A step that failed is tried again after 1 s, then 2 s, 4 s, ... up to
 * a minute while it keeps failing (retry.c), each failure logged once.
 * With --once, or once stopping, it is tried every second, and the loop
 * gives up after ONCE_GIVE_UP in a row: its jobs left running are
 * recovered as lost by the next executor.
 */
static void
step_failed(struct runner *r, int rc)
{
	runner_emit_error(r, rc);
	r->store_errors++;
	r->retry_at = job_now() + (r->opts->once || r->stopping ? JOB_NSEC :
	    job_retry_delay(r->store_errors, RETRY_MAX));
}

static void
emit_cb(const struct job_event *ev, void *arg)
{
	runner_emit(arg, ev);
}

/*
 * When to prune next: when the oldest done job comes of age, but not
 * sooner than a minute from now, so that pruning comes in batches; and
 * not at all while no job is done, so that an idle executor sleeps.
 */
static void
plan_prune(struct runner *r, job_time_t now)
{
	job_time_t oldest;
	int rc;

	r->next_prune = 0;
	if ((rc = job_oldest_done(r->store, &oldest)) == JOB_ENOJOB)
		return;
	if (rc) {
		runner_emit_error(r, rc);
		r->next_prune = now + PRUNE_EVERY;	/* to look again */
		return;
	}
	r->next_prune = job_time_add_sat(oldest, r->opts->keep);
	if (r->next_prune < now + PRUNE_EVERY)
		r->next_prune = now + PRUNE_EVERY;
}

/* Prunes done jobs past --keep. */
static void
prune(struct runner *r, job_time_t now)
{
	struct job_event ev = { .kind = JOB_EV_PRUNE, .time = now };
	uint64_t n;
	int rc;

	rc = job_remove_finished(r->store, JOB_DONE,
	    job_time_add_sat(now, -r->opts->keep), &n);
	plan_prune(r, now);
	if (rc)
		runner_emit_error(r, rc);
	else if (n > 0) {
		ev.count = n;
		runner_emit(r, &ev);
	}
}

static void
recover(struct runner *r, job_time_t now)
{
	int rc;

	r->next_recover = now + JOB_NSEC;
	rc = job_recover(r->store, r->token, &r->others, emit_cb, r);
	if (rc)
		runner_emit_error(r, rc);
}

/* Starts the jobs a step claimed, each in a free slot. */
static void
start_claimed(struct runner *r, struct job_txn_plan *p)
{
	for (size_t i = 0; i < p->nclaimed; i++) {
		struct slot *s = slot_find_free(r);

		s->job = p->claimed[i];
		job_init(&p->claimed[i]);
		slot_start(r, s);
	}
	p->nclaimed = 0;
}

/*
 * Is the handlers directory usable?  While it is not, no job is claimed
 * (each would fail for good), one error event says so, and it is looked
 * at again about once a second while jobs are due.  A start that found
 * it gone (slot.c) also holds claims back for that second.
 */
static int
handlers_ok(struct runner *r)
{
	struct job_event ev = { .kind = JOB_EV_ERROR };
	job_time_t now = job_now();
	char why[4200];

	if (r->handlers_said && now < r->handlers_retry)
		return 0;
	if (job_handler_check(r->opts->handlers, NULL, why, sizeof why) == 0) {
		r->handlers_said = 0;
		return now >= r->handlers_retry;
	}
	r->handlers_retry = now + JOB_NSEC;
	if (r->handlers_said)
		return 0;
	r->handlers_said = 1;
	ev.time = now;
	ev.text = why;
	ev.text_len = strlen(why);
	runner_emit(r, &ev);
	return 0;
}

/*
 * Has a step anything to do: outcomes to record, or a due job to claim
 * with a slot free and the handlers directory there?  Returns 0 and
 * *work, or the error that kept the store from saying.
 */
static int
step_work(struct runner *r, int *work)
{
	struct job_txn_plan *p = &r->plan;
	int rc, due = 0;

	p->outcomes = r->outcomes;
	p->noutcomes = r->noutcomes;
	p->want = r->stopping ? 0 : r->nslots - r->nrunning;
	if (p->want > 0 && p->noutcomes == 0 &&
	    (rc = runner_due(r, &due)) != 0)
		return rc;
	if (p->want > 0 && (p->noutcomes > 0 || due) && !handlers_ok(r))
		p->want = 0;
	*work = p->noutcomes > 0 || (p->want > 0 && due);
	return 0;
}

/* Records ended attempts and claims due jobs in one transaction. */
static int
step(struct runner *r)
{
	struct job_txn_plan *p = &r->plan;
	int rc, work = 0;

	if ((rc = step_work(r, &work)) == 0 && work)
		rc = job_record_and_claim(r->store, p);
	if (rc) {
		step_failed(r, rc);
		return rc;
	}
	r->retry_at = 0;
	r->store_errors = 0;
	if (!work)
		return 0;
	emit_dangling(r, p);
	runner_outcomes_clear(r);
	for (size_t i = 0; i < p->nevents; i++) {
		runner_emit(r, &p->events[i]);
		r->done_since_prune |= p->events[i].kind == JOB_EV_DONE;
	}
	r->step_claimed = p->nclaimed;
	start_claimed(r, p);
	return 0;
}

static void
on_signal(struct runner *r)
{
	struct signalfd_siginfo si;

	while (read(r->sigfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			slots_reap(r);
		else if (r->stopping)
			slots_kill_all(r, SIGKILL);
		else {
			r->stopping = 1;
			slots_kill_all(r, SIGTERM);
		}
	}
}

static void
on_inotify(struct runner *r)
{
	char buf[4096] __attribute__((aligned(8)));
	const struct inotify_event *ev;
	ssize_t n;
	int wake = 0, died = 0;

	while ((n = read(r->infd, buf, sizeof buf)) > 0)
		for (char *p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->wd == r->wake_wd)
				wake = 1;
			else if (ev->wd == r->run_wd)
				died = 1;
		}
	if (wake)
		slots_check_removed(r);
	if (died)
		recover(r, job_now());
}

/* What a descriptor of the poll set is for. */
struct source {
	enum { SRC_OUT, SRC_ERR, SRC_IN, SRC_LINGER } kind;
	void *p;		/* struct slot or struct linger */
};

#define MAX_FDS (2 + 3 * RUNNER_MAX_SLOTS + RUNNER_MAX_LINGER)

static nfds_t
poll_add(struct pollfd *pfd, struct source *src, nfds_t n, int fd,
    int kind, void *p)
{
	pfd[n] = (struct pollfd){ .fd = fd,
	    .events = kind == SRC_IN ? POLLOUT : POLLIN };
	src[n] = (struct source){ kind, p };
	return n + 1;
}

/* Adds the descriptors of running slots (their output, exec status and
 * stdin) and lingering pipes. */
static nfds_t
poll_output(struct runner *r, struct pollfd *pfd, struct source *src,
    nfds_t n)
{
	for (unsigned i = 0; i < r->nslots; i++) {
		struct slot *s = &r->slots[i];

		if (!s->used)
			continue;
		if (s->child.out != -1)
			n = poll_add(pfd, src, n, s->child.out, SRC_OUT, s);
		if (s->child.err != -1)
			n = poll_add(pfd, src, n, s->child.err, SRC_ERR, s);
		if (s->feed.fd != -1)
			n = poll_add(pfd, src, n, s->feed.fd, SRC_IN, s);
	}
	for (size_t i = 0; i < RUNNER_MAX_LINGER; i++)
		if (r->lingers[i].fd != -1)
			n = poll_add(pfd, src, n, r->lingers[i].fd, SRC_LINGER,
			    &r->lingers[i]);
	return n;
}

static void
on_output(struct runner *r, const struct source *src)
{
	if (src->kind == SRC_ERR)
		slot_exec_status(r, src->p);
	else if (src->kind == SRC_OUT)
		output_read(r, src->p);
	else if (src->kind == SRC_IN)
		slot_feed(r, src->p);
	else
		output_linger_read(r, src->p);
}

static int
wait_events(struct runner *r, job_time_t timeout)
{
	struct pollfd pfd[MAX_FDS];
	struct source src[MAX_FDS];
	struct timespec ts, *tp = NULL;
	nfds_t n;

	pfd[0] = (struct pollfd){ .fd = r->sigfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = r->infd, .events = POLLIN };
	n = poll_output(r, pfd, src, 2);
	if (timeout >= 0) {
		ts.tv_sec = timeout / JOB_NSEC;
		ts.tv_nsec = timeout % JOB_NSEC;
		tp = &ts;
	}
	if (ppoll(pfd, n, tp, NULL) == -1)
		return errno == EINTR ? 0 : errno;
	if (pfd[0].revents)
		on_signal(r);
	if (pfd[1].revents)
		on_inotify(r);
	for (nfds_t i = 2; i < n; i++)
		if (pfd[i].revents)
			on_output(r, &src[i]);
	return 0;
}

/* Should --once stop now? */
static int
once_done(struct runner *r)
{
	int due;

	return r->opts->once && r->nrunning == 0 && r->noutcomes == 0 &&
	    r->step_claimed == 0 && runner_due(r, &due) == 0 && !due;
}

/* Has --once nothing left to wait for but a handlers directory? */
static int
once_stuck(struct runner *r)
{
	return r->opts->once && (r->handlers_said ||
	    r->handlers_retry > job_now()) && r->nrunning == 0 &&
	    r->noutcomes == 0 && r->nkills == 0;
}

static int
loop(struct runner *r)
{
	job_time_t now;
	int rc;

	for (;;) {
		now = job_now();
		slots_check_timers(r, now);
		slots_collect(r, now);
		if ((r->retry_at == 0 || now >= r->retry_at) &&
		    (rc = step(r)) != 0 && (r->opts->once || r->stopping) &&
		    r->nrunning == 0 && r->store_errors >= ONCE_GIVE_UP)
			return rc;
		/* Not before what the handlers left in their groups is gone. */
		if (r->stopping && r->nrunning == 0 && r->noutcomes == 0 &&
		    r->nkills == 0)
			return 0;
		if (once_done(r))
			return 0;
		if (once_stuck(r))
			return JOB_ENOHANDLERS;
		r->step_claimed = 0;
		now = job_now();
		if (r->next_prune == 0 && r->done_since_prune)
			plan_prune(r, now);
		r->done_since_prune = 0;
		if (r->next_prune && now >= r->next_prune)
			prune(r, now);
		if (r->others && now >= r->next_recover)
			recover(r, now);
		if ((rc = wait_events(r, runner_timeout(r, now))) != 0)
			return rc;
	}
}

int
job_run(job_store *store, const struct job_run_options *opts)
{
	struct job_run_config cfg;
	struct runner r;
	int rc;

	if (store == NULL)
		return JOB_EINVAL;
	if ((rc = job_run_config(&cfg, opts)) != 0)
		return rc;
	/* A typo in a unit file must not fail every due job for good. */
	if (job_handler_check(cfg.o.handlers, NULL, NULL, 0) != 0)
		return JOB_ENOHANDLERS;
	if ((rc = runner_init(&r, store, &cfg.o)) != 0)
		return rc;
	recover(&r, job_now());
	prune(&r, job_now());
	rc = loop(&r);
	runner_teardown(&r);
	return rc;
}
