/*
 * std_fds.c: making sure that descriptors 0, 1 and 2 are open.
 *
 * A process started with one of them closed hands that number to the
 * next file it opens: LMDB's data.mdb or lock.mdb, say.  A message meant
 * for standard error, or an event line, then lands in the store and
 * corrupts it.  /dev/null in each closed one keeps every later file
 * above 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "job.h"

int
job_std_fds_ensure(void)
{
	int fd;

	for (int want = 0; want <= 2; want++) {
		if (fcntl(want, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free number, want, as the ones below are open. */
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			return errno;
		/* Another thread took want meanwhile: it is open, as needed. */
		if (fd > 2)
			close(fd);
	}
	return 0;
}
