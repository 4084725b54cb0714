/*
 * guard.c: a small process that outlives a killed executor just long
 * enough to kill the process groups of the handlers it was running.
 *
 * PR_SET_PDEATHSIG kills a handler when its executor dies, but not the
 * handler's own children; left alive, they would run on beside the
 * attempt that recovers their job.  So the executor forks a guard at
 * start and tells it, over a pipe, each handler's process group as it
 * starts and ends.  When the pipe reaches end-of-file without a word of
 * farewell, the executor is gone: the guard SIGKILLs the groups it
 * still knows and exits.  The guard also holds the executor's liveness
 * lock, so other executors see the death, and recover the jobs, only
 * once the groups are dead.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"

#define GUARD_MAX 4096

struct guard_msg {
	char op;		/* '+' a group started, '-' it ended, 'q' bye */
	pid_t pgid;
};

/* In the guard: keeps the set of live groups until the pipe closes. */
static void
guard_loop(int in)
{
	static pid_t groups[GUARD_MAX];
	struct guard_msg m;
	size_t n = 0;
	ssize_t r;

	for (;;) {
		r = read(in, &m, sizeof m);
		if (r == -1 && errno == EINTR)
			continue;
		if (r != sizeof m)
			break;
		if (m.op == 'q')
			_exit(0);
		for (size_t i = 0; m.op == '-' && i < n; i++)
			if (groups[i] == m.pgid)
				groups[i--] = groups[--n];
		if (m.op == '+' && n < GUARD_MAX)
			groups[n++] = m.pgid;
	}
	for (size_t i = 0; i < n; i++)
		kill(-groups[i], SIGKILL);
	_exit(0);
}

/* Keeps only the pipe (as fd 3) and the lock (as fd 4); never returns. */
static void
guard_main(int in, int lockfd)
{
	sigset_t none;
	int max = (int)sysconf(_SC_OPEN_MAX);

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 3) == -1 || dup2(lockfd, 4) == -1)
		_exit(1);
	for (int fd = 5; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
		close(fd);
	close(0);
	close(1);
	guard_loop(3);
}

int
job_guard_start(struct job_guard *g, int lockfd)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		return errno;
	g->pid = fork();
	if (g->pid == 0) {
		close(p[1]);
		guard_main(p[0], lockfd);
	}
	close(p[0]);
	if (g->pid == -1) {
		close(p[1]);
		return errno;
	}
	g->fd = p[1];
	return 0;
}

static void
send_msg(struct job_guard *g, char op, pid_t pgid)
{
	struct guard_msg m;

	if (g->fd == -1)
		return;
	memset(&m, 0, sizeof m);
	m.op = op;
	m.pgid = pgid;
	(void)!write(g->fd, &m, sizeof m);
}

void
job_guard_add(struct job_guard *g, pid_t pgid)
{
	send_msg(g, '+', pgid);
}

void
job_guard_remove(struct job_guard *g, pid_t pgid)
{
	send_msg(g, '-', pgid);
}

void
job_guard_stop(struct job_guard *g)
{
	if (g->fd == -1)
		return;
	send_msg(g, 'q', 0);
	close(g->fd);
	g->fd = -1;
	while (waitpid(g->pid, NULL, 0) == -1 && errno == EINTR)
		;
}
