/*
 * bstalk.c: a tiny beanstalkd client for the benchmarks, speaking the
 * text protocol (put, reserve, delete) over loopback TCP.
 *
 *   bstalk port                   print a free port on 127.0.0.1
 *   bstalk put PORT [N]           put N jobs (default 1) on one connection
 *   bstalk pickup PORT STAMPS N   put jobs one at a time, the put time in
 *                                 the body, each 20 ms after the previous
 *                                 one was taken; print the ms from put
 *                                 to take (one warm-up job not printed)
 *   bstalk stamp PORT STAMPS      worker: reserve, append "BODY NOW" to
 *                                 STAMPS, delete; until killed
 *   bstalk drain PORT             worker: reserve, fork/exec /bin/true,
 *                                 delete; until the tube is empty
 *   bstalk clear PORT             reserve and delete until it is empty
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "bench.h"

struct conn {
	int fd;
	FILE *in;
};

static void
die(const char *what)
{
	fprintf(stderr, "bstalk: %s\n", what);
	exit(1);
}

/* Connects to 127.0.0.1:port, retrying for 5 s while the server starts. */
static void
conn_open(struct conn *c, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timespec pause = { 0, 10000000 };
	int one = 1;

	for (int tries = 0; ; tries++) {
		if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			die(strerror(errno));
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			break;
		if (errno != ECONNREFUSED || tries == 500)
			die(strerror(errno));
		close(c->fd);
		nanosleep(&pause, NULL);
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((c->in = fdopen(dup(c->fd), "r")) == NULL)
		die(strerror(errno));
}

/* Sends a command (with its body, if any) and reads the reply line. */
static void
request(struct conn *c, const char *cmd, size_t len, char *reply, int size)
{
	if (write(c->fd, cmd, len) != (ssize_t)len)
		die("write failed");
	if (fgets(reply, size, c->in) == NULL)
		die("connection closed");
}

/* Puts one job with the given body. */
static void
put(struct conn *c, const char *body)
{
	char buf[256], reply[128];
	int n;

	n = snprintf(buf, sizeof buf, "put 0 0 60 %zu\r\n%s\r\n",
	    strlen(body), body);
	request(c, buf, (size_t)n, reply, sizeof reply);
	if (strncmp(reply, "INSERTED ", 9) != 0)
		die(reply);
}

/*
 * Reserves a job (waiting at most timeout seconds; -1: for ever), reads
 * its body into body and returns its id, or 0 if none came in time.
 */
static unsigned long long
reserve(struct conn *c, int timeout, char *body, size_t size)
{
	char cmd[64], reply[128];
	unsigned long long id;
	size_t len;
	int n;

	if (timeout < 0)
		n = snprintf(cmd, sizeof cmd, "reserve\r\n");
	else
		n = snprintf(cmd, sizeof cmd, "reserve-with-timeout %d\r\n",
		    timeout);
	request(c, cmd, (size_t)n, reply, sizeof reply);
	if (strncmp(reply, "TIMED_OUT", 9) == 0)
		return 0;
	if (sscanf(reply, "RESERVED %llu %zu", &id, &len) != 2 ||
	    len + 2 > size)
		die(reply);
	if (fread(body, 1, len + 2, c->in) != len + 2)
		die("short body");
	body[len] = '\0';
	return id;
}

static void
delete(struct conn *c, unsigned long long id)
{
	char cmd[64], reply[128];
	int n;

	n = snprintf(cmd, sizeof cmd, "delete %llu\r\n", id);
	request(c, cmd, (size_t)n, reply, sizeof reply);
	if (strncmp(reply, "DELETED", 7) != 0)
		die(reply);
}

/* Prints a port that nothing listens on (the kernel's pick). */
static int
free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) == -1)
		die(strerror(errno));
	printf("%d\n", ntohs(sa.sin_port));
	close(fd);
	return 0;
}

static int
pickup(struct conn *c, const char *path, long n)
{
	struct stamps st;
	char body[32];
	long long t0, t1;

	if (stamps_open(&st, path) == -1)
		die(strerror(errno));
	for (long i = -1; i < n; i++) {
		t0 = now_ns();
		snprintf(body, sizeof body, "%lld", t0);
		put(c, body);
		if ((t1 = stamps_next(&st, 10000)) == -1)
			die("a job was not taken");
		if (i >= 0)
			printf("%.3f\n", (double)(t1 - t0) / 1e6);
		settle();
	}
	return 0;
}

static void
stamp_worker(struct conn *c, const char *path)
{
	unsigned long long id;
	char body[64], line[128];
	long long t;
	int fd, n;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600)) == -1)
		die(strerror(errno));
	for (;;) {
		id = reserve(c, -1, body, sizeof body);
		t = now_ns();
		n = snprintf(line, sizeof line, "%s %lld\n", body, t);
		if (write(fd, line, (size_t)n) != n)
			die("write failed");
		delete(c, id);
	}
}

/* Takes jobs until none is left, running /bin/true for each if run. */
static int
drain_worker(struct conn *c, int run)
{
	unsigned long long id;
	char body[64];
	pid_t pid;
	int status;

	while ((id = reserve(c, 0, body, sizeof body)) != 0) {
		if (run) {
			if ((pid = fork()) == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (pid == -1 || waitpid(pid, &status, 0) == -1)
				die("fork failed");
		}
		delete(c, id);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct conn c;
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "port") == 0)
		return free_port();
	if (argc < 3)
		goto usage;
	conn_open(&c, atoi(argv[2]));
	if (strcmp(mode, "put") == 0 && argc <= 4) {
		for (long i = 0, n = argc == 4 ? atol(argv[3]) : 1; i < n; i++)
			put(&c, "true");
		return 0;
	}
	if (strcmp(mode, "pickup") == 0 && argc == 5)
		return pickup(&c, argv[3], atol(argv[4]));
	if (strcmp(mode, "stamp") == 0 && argc == 4)
		stamp_worker(&c, argv[3]);	/* does not return */
	if (strcmp(mode, "drain") == 0 && argc == 3)
		return drain_worker(&c, 1);
	if (strcmp(mode, "clear") == 0 && argc == 3)
		return drain_worker(&c, 0);
usage:
	fprintf(stderr, "usage: bstalk port | put port [n] | "
	    "pickup port stamps n | stamp port stamps | drain port | "
	    "clear port\n");
	return 2;
}
