/*
 * spawn.c: starting a handler: the checks of job_handler_check(), then
 * fork and execve with no shell, in a new process group, stdin the
 * payload (through a pipe fed by feed.c), stdout and stderr into a pipe, and the JOB_* environment; or,
 * for a job claimed ahead of its time, a child that waits for that time
 * and then does the execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"

extern char **environ;

#define NJOBVARS 8
#define SHELL "/bin/sh"

static int
is_job_var(const char *s)
{
	static const char *const names[] = { "JOB_ID=", "JOB_HANDLER=",
		"JOB_ATTEMPT=", "JOB_QUEUE=", "JOB_RUN_AT=", "JOB_DB=",
		"JOB_NAME=" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strncmp(s, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

/* Builds the handler's environment: ours, with the JOB_* variables. */
static char **
make_env(const struct job *job, const char *store_dir, char *vars,
    size_t varsize)
{
	char **env, *p = vars;
	size_t n = 0, i = 0;
	job_time_t run_at = job->run_at / JOB_NSEC;

	while (environ[n])
		n++;
	if ((env = calloc(n + NJOBVARS + 1, sizeof *env)) == NULL)
		return NULL;
	for (size_t k = 0; k < n; k++)
		if (!is_job_var(environ[k]))
			env[i++] = environ[k];
#define ADD(...) do {							\
	int len_ = snprintf(p, varsize - (size_t)(p - vars), __VA_ARGS__); \
	if (len_ < 0 || (size_t)len_ >= varsize - (size_t)(p - vars)) {	\
		free(env);						\
		return NULL;						\
	}								\
	env[i++] = p;							\
	p += len_ + 1;							\
} while (0)
	ADD("JOB_ID=%" PRIu64, job->id);
	ADD("JOB_HANDLER=%s", job->handler);
	ADD("JOB_ATTEMPT=%" PRIu32, job->attempts);
	ADD("JOB_QUEUE=%s", job->queue ? job->queue : "default");
	ADD("JOB_RUN_AT=%" PRId64, run_at);
	ADD("JOB_DB=%s", store_dir);
	if (job->name)
		ADD("JOB_NAME=%s", job->name);
#undef ADD
	env[i] = NULL;
	return env;
}

/*
 * The handler's argv, after one more slot: with "/bin/sh" there, it is
 * the argv of a script without "#!" run by the shell, as execvp(3) does.
 */
static char **
make_argv(const struct job *job, const char *path)
{
	char **argv;

	if ((argv = calloc(job->nargs + 3, sizeof *argv)) == NULL)
		return NULL;
	argv[0] = (char *)SHELL;
	argv[1] = (char *)path;
	for (size_t i = 0; i < job->nargs; i++)
		argv[i + 2] = job->args[i];
	return argv;
}

/*
 * Sleeps until at (CLOCK_REALTIME), however often interrupted; returns
 * 0, or an error number, and then the time may not have come.
 */
static int
wait_until(job_time_t at)
{
	struct timespec ts = { at / JOB_NSEC, at % JOB_NSEC };
	int rc;

	prctl(PR_SET_TIMERSLACK, 1UL);
	while ((rc = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts,
	    NULL)) == EINTR)
		;
	return rc;
}

/* What the child needs, prepared before the fork. */
struct child_args {
	const char *path;
	char **argv, **env;	/* argv[0]: the shell, for a script */
	int in, out, err;
	pid_t parent;
	job_time_t not_before;	/* 0: exec at once */
};

/* In the child: never returns. */
static void
child(const struct child_args *a)
{
	sigset_t none;
	int e;

	setpgid(0, 0);
	/* Dies with the executor so that a recovered job is not run twice. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != a->parent)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(a->in, 0) == -1 || dup2(a->out, 1) == -1 ||
	    dup2(a->out, 2) == -1) {
		e = errno;
		(void)!write(a->err, &e, sizeof e);
		_exit(127);
	}
	/* Never before its time: a sleep that fails is an exec that fails. */
	if (a->not_before && (e = wait_until(a->not_before)) != 0) {
		(void)!write(a->err, &e, sizeof e);
		_exit(127);
	}
	execve(a->path, a->argv + 1, a->env);
	/* No "#!": POSIX has a shell run it; the args are never parsed. */
	if (errno == ENOEXEC)
		execve(SHELL, a->argv, a->env);
	e = errno;
	(void)!write(a->err, &e, sizeof e);
	_exit(127);
}

/*
 * vfork: no copy of the executor's page tables (costly under a
 * hypervisor); the parent is suspended only until the child's execve.
 */
static pid_t
spawn_now(const struct child_args *a)
{
	pid_t pid = vfork();

	if (pid == 0)
		child(a);
	return pid;
}

/* fork: the executor goes on while the child waits for its time. */
static pid_t
spawn_later(const struct child_args *a)
{
	pid_t pid = fork();

	if (pid == 0)
		child(a);
	return pid;
}

static int
make_pipes(int out[2], int err[2])
{
	int e;

	if (pipe2(out, O_CLOEXEC) == -1)
		return errno;
	if (pipe2(err, O_CLOEXEC) == -1) {
		e = errno;
		close(out[0]);
		close(out[1]);
		return e;
	}
	return 0;
}

/* In the parent, after the fork: keeps the read ends, or cleans up. */
static int
after_fork(struct job_child *c, pid_t pid, int e, int out[2], int err[2])
{
	close(out[1]);
	close(err[1]);
	if (pid == -1) {
		close(out[0]);
		close(err[0]);
		return e;
	}
	setpgid(pid, pid);	/* either side may win the race */
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	c->pid = pid;
	c->out = out[0];
	c->err = err[0];
	return 0;
}

/*
 * Starts the handler; returns 0 or the errno of a failed fork.  A failed
 * exec is reported on c->err.
 */
static int
start(struct job_child *c, const char *path, char **argv, char **env,
    int in, job_time_t not_before)
{
	struct child_args a = { path, argv, env, in, -1, -1, getpid(), 0 };
	int out[2], err[2], rc;
	pid_t pid;

	if ((rc = make_pipes(out, err)) != 0)
		return rc;
	a.out = out[1];
	a.err = err[1];
	if (not_before > job_now()) {
		a.not_before = not_before;
		pid = spawn_later(&a);
	} else
		pid = spawn_now(&a);
	return after_fork(c, pid, pid == -1 ? errno : 0, out, err);
}

int
job_spawn_status(struct job_child *c)
{
	ssize_t r;
	int e = 0;

	if (c->err == -1)
		return 0;
	while ((r = read(c->err, &e, sizeof e)) == -1 && errno == EINTR)
		;
	close(c->err);
	c->err = -1;
	return r == sizeof e ? e : 0;
}

int
job_spawn(const struct job *job, const char *handlers, const char *store_dir,
    job_time_t not_before, struct job_feed *feed, struct job_child *c,
    char *why, size_t size)
{
	char path[4096], vars[8192];
	char **argv = NULL, **env = NULL;
	int in = -1, rc;

	if ((rc = job_handler_check(handlers, job->handler, why, size)) != 0)
		return rc;
	snprintf(path, sizeof path, "%s/%s", handlers, job->handler);
	argv = make_argv(job, path);
	env = make_env(job, store_dir, vars, sizeof vars);
	if (argv == NULL || env == NULL)
		rc = ENOMEM;
	else if ((rc = job_feed_open(feed, job, &in)) == 0 &&
	    (rc = start(c, path, argv, env, in, not_before)) != 0)
		job_feed_close(feed);
	if (rc)
		job_text_cannot_run(why, size, job->handler, strerror(rc));
	if (in != -1)
		close(in);
	free(argv);
	free(env);
	return rc;
}
