/*
 * guard.c: a small process that outlives a killed executor just long
 * enough to kill the process groups of the handlers it was running.
 *
 * PR_SET_PDEATHSIG kills a handler when its executor dies, but not the
 * handler's own children; left alive, they would run on beside the
 * attempt that recovers their job.  So the executor forks a guard at
 * start and keeps each running handler's process group in a table of
 * memory it shares with the guard: no system call and no wake-up of the
 * guard per handler.  The guard sleeps on a pipe; when the pipe reaches
 * end-of-file without a word of farewell, the executor is gone, and the
 * guard SIGKILLs the groups left in the table and exits.  The guard also
 * holds the executor's liveness lock, so other executors see the death,
 * and recover the jobs, only once the groups are dead.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"

#define GUARD_MAX 4096	/* groups: slots and pending kills fit */
#define TABLE_SIZE (GUARD_MAX * sizeof(pid_t))

/* In the guard: waits for the executor's farewell or death. */
static void
guard_loop(int in, const pid_t *groups)
{
	ssize_t r;
	char op;

	while ((r = read(in, &op, 1)) == -1 && errno == EINTR)
		;
	if (r == 1 && op == 'q')
		_exit(0);
	for (size_t i = 0; i < GUARD_MAX; i++) {
		pid_t pgid = __atomic_load_n(&groups[i], __ATOMIC_ACQUIRE);

		if (pgid > 0)
			kill(-pgid, SIGKILL);
	}
	_exit(0);
}

/* Keeps only the pipe (as fd 3) and the lock (as fd 4); never returns. */
static void
guard_main(int in, int lockfd, const pid_t *groups)
{
	sigset_t none;
	int max = (int)sysconf(_SC_OPEN_MAX);

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 3) == -1 || dup2(lockfd, 4) == -1)
		_exit(1);
	if (close_range(5, ~0U, 0) == -1)
		for (int fd = 5; fd < (max > 0 && max < 65536 ? max : 65536);
		    fd++)
			close(fd);
	close(0);
	close(1);
	guard_loop(3, groups);
}

int
job_guard_start(struct job_guard *g, int lockfd)
{
	int p[2], e;

	g->groups = mmap(NULL, TABLE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g->groups == MAP_FAILED) {
		g->groups = NULL;
		return errno;
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		e = errno;
		goto fail;
	}
	if ((g->pid = fork()) == 0) {
		close(p[1]);
		guard_main(p[0], lockfd, g->groups);
	}
	e = errno;
	close(p[0]);
	if (g->pid == -1) {
		close(p[1]);
		goto fail;
	}
	g->fd = p[1];
	return 0;
fail:
	munmap(g->groups, TABLE_SIZE);
	g->groups = NULL;
	return e;
}

/* Sets the first table entry holding was to now. */
static void
swap_entry(struct job_guard *g, pid_t was, pid_t now)
{
	if (g->groups == NULL)
		return;
	for (size_t i = 0; i < GUARD_MAX; i++)
		if (g->groups[i] == was) {
			__atomic_store_n(&g->groups[i], now, __ATOMIC_RELEASE);
			return;
		}
}

void
job_guard_add(struct job_guard *g, pid_t pgid)
{
	swap_entry(g, 0, pgid);
}

void
job_guard_remove(struct job_guard *g, pid_t pgid)
{
	swap_entry(g, pgid, 0);
}

void
job_guard_stop(struct job_guard *g)
{
	if (g->fd != -1) {
		(void)!write(g->fd, "q", 1);
		close(g->fd);
		g->fd = -1;
		while (waitpid(g->pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	if (g->groups)
		munmap(g->groups, TABLE_SIZE);
	g->groups = NULL;
}
