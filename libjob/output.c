/*
 * output.c: handlers' output, from their pipes into their jobs' logs and,
 * with -v, into output events.
 *
 * When a handler exits, processes it left behind may still hold its
 * pipe, as cron's jobs' children do; cron reads until the last writer
 * closes, and so does the executor.  The attempt's outcome is recorded
 * at the handler's exit all the same, and its slot is free: the pipe and
 * the log move to a table of their own (RUNNER_MAX_LINGER entries), read
 * until end of file.  A lingering pipe is closed early, so that its
 * writers get EPIPE, when the table is full (the oldest goes), when the
 * job's next attempt starts (on this executor, or on another one, seen
 * when the log is no longer the pipe's alone), when the job is removed,
 * and when the executor exits.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

#define PUMP_READS 4		/* 256 KiB per descriptor and turn */

/* Reports complete lines of output for -v; flush: the partial one too. */
static void
echo_lines(struct runner *r, struct echo *e, const char *buf, size_t n,
    int flush)
{
	struct job_event ev = { .kind = JOB_EV_OUTPUT, .job = e->job };

	if (!r->opts->verbose || r->opts->on_event == NULL)
		return;
	ev.handler = e->handler;
	ev.attempt = e->attempt;
	for (size_t i = 0; i < n || flush; i++) {
		int end = i == n;

		if (!end && buf[i] != '\n' && e->len < RUNNER_LINE) {
			e->line[e->len++] = buf[i];
			continue;
		}
		if (e->len > 0 || !end) {
			ev.time = job_now();
			ev.text = e->line;
			ev.text_len = e->len;
			r->opts->on_event(&ev, r->opts->arg);
		}
		e->len = 0;
		if (!end && buf[i] != '\n')
			e->line[e->len++] = buf[i];
		if (end)
			break;
	}
}

void
output_echo_init(struct echo *e, const struct job *job)
{
	e->job = job->id;
	e->attempt = job->attempts;
	snprintf(e->handler, sizeof e->handler, "%s", job->handler);
	e->len = 0;
}

void
output_echo_flush(struct runner *r, struct echo *e)
{
	echo_lines(r, e, "", 0, 1);
}

/*
 * Reads what fd has into log (only while the log is the pipe's alone, if
 * alone is set), a bounded amount at a time, so that a handler writing
 * faster than the executor reads cannot keep the loop from its timers.
 * Returns 0 when fd has nothing more for now, 1 at its end (or when the
 * log is no longer its own).
 */
static int
pump(struct runner *r, int fd, struct job_outlog *log, struct echo *e,
    int alone)
{
	char buf[65536];
	ssize_t n;

	for (int i = 0; i < PUMP_READS; i++) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0 || (alone && !job_outlog_alone(log)))
			return 1;
		job_outlog_write(log, buf, (size_t)n);
		echo_lines(r, e, buf, (size_t)n, 0);
	}
	return 0;	/* the rest at the loop's next turn */
}

void
output_read(struct runner *r, struct slot *s)
{
	if (s->child.out != -1 &&
	    pump(r, s->child.out, &s->log, &s->echo, 0)) {
		close(s->child.out);
		s->child.out = -1;
	}
}

static void
linger_close(struct runner *r, struct linger *l)
{
	output_echo_flush(r, &l->echo);
	close(l->fd);
	l->fd = -1;
	job_outlog_close(&l->log, NULL);
}

void
output_linger_read(struct runner *r, struct linger *l)
{
	if (l->fd != -1 && pump(r, l->fd, &l->log, &l->echo, 1))
		linger_close(r, l);
}

/* A free entry, or the one lingering longest, closed to make room. */
static struct linger *
linger_slot(struct runner *r)
{
	struct linger *oldest = &r->lingers[0];

	for (size_t i = 0; i < RUNNER_MAX_LINGER; i++) {
		if (r->lingers[i].fd == -1)
			return &r->lingers[i];
		if (r->lingers[i].since < oldest->since)
			oldest = &r->lingers[i];
	}
	output_linger_read(r, oldest);
	if (oldest->fd != -1)
		linger_close(r, oldest);
	return oldest;
}

void
output_linger(struct runner *r, struct slot *s)
{
	struct linger *l = linger_slot(r);

	l->fd = s->child.out;
	l->log = s->log;
	l->echo = s->echo;
	l->since = job_now();
	s->child.out = -1;
	s->log.fd = -1;
}

void
output_linger_end(struct runner *r, uint64_t job)
{
	for (size_t i = 0; i < RUNNER_MAX_LINGER; i++) {
		struct linger *l = &r->lingers[i];

		if (l->fd == -1 || l->echo.job != job)
			continue;
		output_linger_read(r, l);
		if (l->fd != -1)
			linger_close(r, l);
	}
}

void
output_linger_end_all(struct runner *r)
{
	for (size_t i = 0; r->lingers && i < RUNNER_MAX_LINGER; i++) {
		struct linger *l = &r->lingers[i];

		output_linger_read(r, l);
		if (l->fd != -1)
			linger_close(r, l);
	}
}
