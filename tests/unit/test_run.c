/*
 * test_run.c: job_run() leaves the process as it found it: the
 * disposition of SIGPIPE, the signal mask and the subreaper flag are
 * what they were before, whatever they were, once it returns.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "check.h"
#include "job.h"

static char top[256] = "/tmp/test_run.XXXXXX";

static void
on_pipe(int sig)
{
	(void)sig;
}

/* A handlers directory with one handler, "ok", that exits 0. */
static void
make_handlers(char *dir, size_t size)
{
	char path[600];
	FILE *f;

	snprintf(dir, size, "%s/handlers", top);
	CHECK_INT(mkdir(dir, 0755), 0, "handlers directory");
	snprintf(path, sizeof path, "%s/ok", dir);
	if ((f = fopen(path, "w")) != NULL) {
		fputs("#!/bin/sh\nexit 0\n", f);
		fclose(f);
	}
	CHECK_INT(chmod(path, 0755), 0, "handler ok");
}

/* Runs one job with job_run(once) under the given SIGPIPE action. */
static void
run_under(job_store *s, const char *handlers, void (*action)(int),
    const char *what)
{
	struct job_run_options opts = { .handlers = handlers, .once = 1 };
	struct job_spec spec = { .handler = "ok" };
	struct sigaction sa, now;
	struct job job;
	sigset_t mask, before, after;
	int sub_before = -1, sub_after = -2;
	uint64_t id;
	char msg[128];

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = action;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_SETMASK, &mask, &before);
	sigprocmask(SIG_SETMASK, NULL, &before);
	prctl(PR_GET_CHILD_SUBREAPER, &sub_before);
	CHECK_INT(job_add(s, &spec, &id, NULL), 0, "a job to run");
	CHECK_INT(job_run(s, &opts), 0, "job_run --once");
	job_init(&job);
	CHECK(job_get(s, id, &job) == 0 && job.state == JOB_DONE,
	    "the job ran and is done");
	job_free_fields(&job);
	sigaction(SIGPIPE, NULL, &now);
	snprintf(msg, sizeof msg, "SIGPIPE %s again after job_run", what);
	CHECK(now.sa_handler == action && (now.sa_flags & SA_RESTART), msg);
	sigprocmask(SIG_SETMASK, NULL, &after);
	CHECK(sigismember(&after, SIGUSR1) && !sigismember(&after, SIGCHLD) &&
	    !sigismember(&after, SIGTERM) && !sigismember(&after, SIGINT),
	    "the signal mask as it was");
	prctl(PR_GET_CHILD_SUBREAPER, &sub_after);
	CHECK_INT(sub_after, sub_before, "the subreaper flag as it was");
	sigemptyset(&mask);
	sigprocmask(SIG_SETMASK, &mask, NULL);
}

int
main(void)
{
	char db[512], handlers[512], cmd[600];
	job_store *s = NULL;

	if (mkdtemp(top) == NULL)
		return perror("mkdtemp"), 1;
	make_handlers(handlers, sizeof handlers);
	snprintf(db, sizeof db, "%s/db", top);
	CHECK_INT(job_store_open(&s, db, JOB_STORE_CREATE), 0, "a store");
	run_under(s, handlers, SIG_DFL, "SIG_DFL");
	run_under(s, handlers, on_pipe, "caught");
	run_under(s, handlers, SIG_IGN, "SIG_IGN");
	job_store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	CHECK_INT(system(cmd), 0, "clean up");
	return check_done();
}
