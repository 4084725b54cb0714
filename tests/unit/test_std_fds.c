/*
 * test_std_fds.c: job_std_fds_ensure() and job_store_open() put
 * /dev/null on closed standard descriptors, so that the store's files
 * never take 0, 1 or 2, and leave open ones alone.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "job.h"

static char top[256] = "/tmp/test_std_fds.XXXXXX";

/* Is fd open on /dev/null? */
static int
is_null(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 &&
	    S_ISCHR(a.st_mode) && a.st_rdev == b.st_rdev;
}

/* Is fd open on the same file as it was, as *was records? */
static int
same(int fd, const struct stat *was)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 && sb.st_dev == was->st_dev &&
	    sb.st_ino == was->st_ino;
}

/*
 * In a child: closes the descriptors in mask (bit n: descriptor n), runs
 * fn, and exits with a bit set for each descriptor that is wrong after:
 * a closed one not on /dev/null, or an open one changed.
 */
static int
in_child(unsigned mask, int (*fn)(void))
{
	struct stat was[3];
	int status, bad = 0;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		for (int fd = 0; fd < 3; fd++) {
			fstat(fd, &was[fd]);
			if (mask & (1u << fd))
				close(fd);
		}
		if (fn() != 0)
			_exit(64);
		for (int fd = 0; fd < 3; fd++)
			if (mask & (1u << fd) ? !is_null(fd) :
			    !same(fd, &was[fd]))
				bad |= 1 << fd;
		_exit(bad);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 128;
	return WEXITSTATUS(status);
}

static int
ensure(void)
{
	return job_std_fds_ensure();
}

/* Opens a store, and checks that its files lie above 2. */
static int
open_store(void)
{
	static int n;
	char dir[512], path[1024], link[1024];
	job_store *s;
	ssize_t len;

	snprintf(dir, sizeof dir, "%s/s%d", top, n++);
	if (job_store_open(&s, dir, JOB_STORE_CREATE) != 0)
		return 1;
	for (int fd = 0; fd < 3; fd++) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		len = readlink(path, link, sizeof link - 1);
		if (len > 0 && (link[len] = 0, strstr(link, dir)))
			return 1;
	}
	job_store_close(s);
	return 0;
}

int
main(void)
{
	char what[128], cmd[512];

	if (mkdtemp(top) == NULL) {
		perror(top);
		return 1;
	}
	for (unsigned mask = 0; mask < 8; mask++) {
		snprintf(what, sizeof what, "ensure with closed mask %u: "
		    "/dev/null there, the rest untouched", mask);
		CHECK_INT(in_child(mask, ensure), 0, what);
		snprintf(what, sizeof what, "job_store_open with closed mask "
		    "%u: no store file on 0-2", mask);
		CHECK_INT(in_child(mask, open_store), 0, what);
	}
	CHECK_INT(job_std_fds_ensure(), 0, "all open: nothing to do");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	CHECK_INT(system(cmd), 0, "clean up");
	return check_done();
}
