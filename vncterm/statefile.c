/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Statefile I/O.  Saving never leaves a half-written file under the real
 * name: a kill -9 during the write leaves the previous statefile intact.
 * Loading treats the file as untrusted; vt_state_load() checks everything.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vncterm/statefile.h"

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int statefile_write(const char *path, const uint8_t *buf, size_t len)
{
	char tmp[4096];
	int fd, err;

	/* A file the loader would refuse is no statefile: say so now. */
	if (len > STATEFILE_MAX)
		return -EFBIG;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	err = write_all(fd, buf, len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int statefile_save(const struct vt *vt, const char *path)
{
	uint8_t *buf;
	size_t len;
	int err = vt_state_save(vt, &buf, &len);

	if (err < 0)
		return err;
	err = statefile_write(path, buf, len);
	free(buf);
	return err;
}

int statefile_load(struct vt *vt, const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, err = 0;

	/* O_NONBLOCK: a FIFO at path must be refused, not waited on (it does not slow a file). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else if (st.st_size > (off_t)STATEFILE_MAX)
		err = -EFBIG;
	if (err) {
		close(fd);
		return err;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			err = k < 0 ? -errno : -EINVAL;
			break;
		}
		got += (size_t)k;
	}
	close(fd);
	if (!err)
		err = vt_state_load(vt, buf, got);
	free(buf);
	return err;
}
