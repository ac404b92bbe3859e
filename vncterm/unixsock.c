/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VNC listener on a UNIX socket (unixsock.h).  A socket file outlives
 * its listener when vncterm is killed; the next start finds it, checks
 * that nobody listens (connect() is refused), and replaces it.  bind()
 * itself never replaces a file, so two starts racing for one path cannot
 * both win: the loser's bind() fails with EADDRINUSE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vncterm/unixsock.h"

static int failed(char *err, int errlen, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int failed(char *err, int errlen, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, (size_t)errlen, fmt, ap);
	va_end(ap);
	return -e;
}

/* Whether a process listens on the socket at a: a connection is taken (or queued). */
static bool listened_on(const struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	bool yes;

	if (fd < 0)
		return true; /* cannot tell: leave it */
	/* A full backlog says EAGAIN: someone listens, only busily. */
	yes = connect(fd, (const struct sockaddr *)a, sizeof(*a)) == 0 || errno == EAGAIN ||
	      errno == EINPROGRESS;
	close(fd);
	return yes;
}

/* What is at path already: nothing, a stale socket (removed), or a refusal. */
static int clear_path(const char *path, const struct sockaddr_un *a, char *err, int errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return failed(err, errlen, errno, "--unix %s: %s", path, strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		return failed(err, errlen, EEXIST,
			      "--unix %s: a file that is not a socket is there; refusing to replace "
			      "it (remove it, or choose another path)", path);
	if (listened_on(a))
		return failed(err, errlen, EADDRINUSE,
			      "--unix %s: another process listens on this socket (another vncterm "
			      "for this console?); stop it or choose another path", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return failed(err, errlen, errno, "--unix %s: removing the stale socket: %s", path,
			      strerror(errno));
	return 0;
}

/* bind() with the mode 0600 from the start: no moment in which others may connect. */
static int bind_private(int fd, const struct sockaddr_un *a)
{
	mode_t old = umask(0177);
	int r = bind(fd, (const struct sockaddr *)a, sizeof(*a));
	int e = errno;

	umask(old);
	errno = e;
	return r;
}

int unixsock_open(const char *path, struct unixsock_id *id, char *err, int errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, e;

	id->made = false;
	if (path[0] != '/')
		return failed(err, errlen, EINVAL, "--unix %s: expected an absolute path", path);
	if (strlen(path) >= sizeof(a.sun_path))
		return failed(err, errlen, ENAMETOOLONG,
			      "--unix %s: the path is %zu bytes, longer than a UNIX socket's %zu; "
			      "choose a shorter one", path, strlen(path), sizeof(a.sun_path) - 1);
	memcpy(a.sun_path, path, strlen(path) + 1);
	if ((e = clear_path(path, &a, err, errlen)) < 0)
		return e;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return failed(err, errlen, errno, "--unix %s: socket: %s", path, strerror(errno));
	if (bind_private(fd, &a) < 0) {
		e = errno;
		close(fd);
		if (e == ENOENT || e == ENOTDIR)
			return failed(err, errlen, e, "--unix %s: its directory does not exist; "
						      "create it first", path);
		return failed(err, errlen, e, "--unix %s: bind: %s", path, strerror(e));
	}
	/* Checked on the file made: an odd umask or file system must not leave it open to others. */
	if (lstat(path, &st) < 0)
		e = errno;
	else if (!S_ISSOCK(st.st_mode) || (st.st_mode & 0077))
		e = EPERM;
	else
		e = listen(fd, SOMAXCONN) < 0 ? errno : 0;
	if (e) {
		close(fd);
		unlink(path);
		return failed(err, errlen, e, "--unix %s: could not make it a private (0600) "
					      "listening socket: %s", path, strerror(e));
	}
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->made = true;
	return fd;
}

void unixsock_remove(const char *path, struct unixsock_id *id)
{
	struct stat st;

	if (!path || !id->made)
		return;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == id->dev &&
	    st.st_ino == id->ino)
		unlink(path);
	id->made = false;
}
