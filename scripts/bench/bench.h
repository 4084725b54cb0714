/*
 * bench.h: what the benchmark helpers share: the clock, and waiting for
 * the next line of a stamp file ("ID NANOSECONDS", appended by stamp.c or
 * by a beanstalkd worker) without polling: inotify wakes us on each write.
 */
#ifndef BENCH_H
#define BENCH_H

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

/* CLOCK_REALTIME in nanoseconds, the clock that stamp.c records. */
static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Pauses between two measured jobs so that each finds the executor idle:
 * the previous handler has exited and its end is recorded.
 */
static void
settle(void)
{
	struct timespec pause = { 0, 20000000 };

	nanosleep(&pause, NULL);
}

/* A stamp file being followed: its descriptor, inotify and read buffer. */
struct stamps {
	int fd;
	int ino;
	char buf[4096];
	size_t len;
};

/* Opens (creating it empty) the stamp file path and watches it. */
static int
stamps_open(struct stamps *s, const char *path)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fclose(f);
	s->len = 0;
	if ((s->fd = open(path, O_RDONLY)) == -1 ||
	    (s->ino = inotify_init1(IN_CLOEXEC)) == -1 ||
	    inotify_add_watch(s->ino, path, IN_MODIFY) == -1)
		return -1;
	return 0;
}

/*
 * Waits up to timeout_ms for the next complete line and returns its
 * second field (the nanoseconds), or -1 on timeout or error.
 */
static long long
stamps_next(struct stamps *s, int timeout_ms)
{
	struct pollfd p = { .fd = s->ino, .events = POLLIN };
	char ev[4096], *nl, *sp;
	long long ns;
	ssize_t n;

	for (;;) {
		if ((nl = memchr(s->buf, '\n', s->len)) != NULL) {
			*nl = '\0';
			sp = strchr(s->buf, ' ');
			ns = sp ? atoll(sp + 1) : -1;
			s->len -= (size_t)(nl + 1 - s->buf);
			memmove(s->buf, nl + 1, s->len);
			return ns;
		}
		n = read(s->fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
		if (n > 0) {
			s->len += (size_t)n;
			continue;
		}
		if (n < 0 || poll(&p, 1, timeout_ms) != 1 ||
		    read(s->ino, ev, sizeof ev) <= 0)
			return -1;
	}
}

#endif
