/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Listening sockets, bound explicitly: an address and, for a loopback
 * address, the other family's loopback on the same port, counting up from
 * a first port to the first one free on both.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vncterm/listen.h"

static void seterr(char *err, int errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, int errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, (size_t)errlen, fmt, ap);
	va_end(ap);
}

/*
 * A listening socket on addr:port, or -errno.  The backlog is as long as
 * the system allows: with a short one, a burst of connections overflows
 * it and the kernel (SYN cookies) leaves the excess half open, connected
 * as the client sees it but unknown here, so vncterm can neither serve
 * nor refuse them, and a viewer waiting for the server's greeting hangs.
 */
static int listen_on(const char *addr, int port, bool listening)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int family, fd, one = 1;

	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in6);
	} else {
		return -EINVAL;
	}
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || (listening && listen(fd, SOMAXCONN) < 0)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/*
 * The loopback of the other family, so that "localhost" works whichever
 * way a viewer resolves it; NULL for other addresses.
 */
static const char *twin_of(const char *addr)
{
	if (strcmp(addr, "127.0.0.1") == 0)
		return "::1";
	if (strcmp(addr, "::1") == 0)
		return "127.0.0.1";
	return NULL;
}

int listen_open(const char *addr, int first_port, bool listening, int fds[2], int *port, char *err,
		int errlen)
{
	const char *twin = twin_of(addr);

	for (int p = first_port; p <= 65535; p++) {
		int a = listen_on(addr, p, listening), b = -1;

		if (a == -EADDRINUSE)
			continue;
		if (a < 0) {
			seterr(err, errlen, "listen on %s port %d: %s", addr, p, strerror(-a));
			return a;
		}
		if (twin) {
			b = listen_on(twin, p, listening);
			if (b == -EADDRINUSE) {
				close(a);
				continue;
			}
			if (b < 0)
				b = -1; /* no such family here (e.g. IPv6 disabled): serve the one */
		}
		fds[0] = a;
		fds[1] = b;
		*port = p;
		return 0;
	}
	seterr(err, errlen, "listen on %s: no free port from %d", addr, first_port);
	return -EADDRINUSE;
}

