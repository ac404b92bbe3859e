/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vncterm/password.h"

int password_read(const char *path, char *out, char *err, int errlen)
{
	/* Room for a longer line, so that it can be refused rather than cut. */
	char buf[64];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		int e = errno;

		snprintf(err, (size_t)errlen, "password file %s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, (size_t)errlen, "password file %s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_mode & S_IROTH) {
		close(fd);
		snprintf(err, (size_t)errlen,
			 "password file %s is readable by every user; chmod o-r it", path);
		return -EPERM;
	}
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0) {
		int e = errno;

		snprintf(err, (size_t)errlen, "password file %s: %s", path, strerror(e));
		return -e;
	}
	buf[n] = '\0';
	size_t len = strcspn(buf, "\r\n");

	if (len == 0 || len > PASSWORD_MAX) {
		snprintf(err, (size_t)errlen,
			 "password file %s: the first line must hold 1 to %d characters "
			 "(VNC authentication uses no more)",
			 path, PASSWORD_MAX);
		return -EINVAL;
	}
	if (memchr(buf, '\0', len)) {
		snprintf(err, (size_t)errlen, "password file %s: holds a NUL byte", path);
		return -EINVAL;
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	explicit_bzero(buf, sizeof(buf));
	return 0;
}
