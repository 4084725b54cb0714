/*
 * wake.c: telling executors that the store changed.
 *
 * Executors watch the store's "wake" file with inotify.  Opening it for
 * writing and closing it raises IN_CLOSE_WRITE in every watcher at once:
 * each executor wakes (a FIFO would wake only the one that reads the
 * byte), nobody registers, and with no executor running it costs the
 * writer two system calls.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"

void
job_wake(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, JOB_WAKE_FILE);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK)) != -1)
		close(fd);
}
