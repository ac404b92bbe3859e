/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vncterm/listen.h"
#include "vncterm/textport.h"

#define TP_MAX_CLIENTS 8
#define TP_QUEUE_MAX (1024 * 1024) /* a client this far behind is dropped */

struct tp_client {
	int fd; /* -1: free slot */
	char *q;
	size_t qlen;
};

struct textport {
	int lfd[2];
	int port;
	struct tp_client c[TP_MAX_CLIENTS];
	struct textport_callbacks cb;
	void *user;
};

static void drop(struct tp_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->q);
	c->fd = -1;
	c->q = NULL;
	c->qlen = 0;
}

/* Write what the socket takes now; keep the rest, up to TP_QUEUE_MAX. */
static void send_client(struct tp_client *c, const char *buf, size_t len)
{
	if (c->qlen == 0) {
		while (len) {
			ssize_t k = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

			if (k < 0) {
				if (errno == EINTR)
					continue;
				if (errno != EAGAIN && errno != EWOULDBLOCK) {
					drop(c);
					return;
				}
				break;
			}
			buf += k;
			len -= (size_t)k;
		}
	}
	if (!len)
		return;
	if (c->qlen + len > TP_QUEUE_MAX) {
		drop(c);
		return;
	}
	char *q = realloc(c->q, c->qlen + len);

	if (!q) {
		drop(c);
		return;
	}
	memcpy(q + c->qlen, buf, len);
	c->q = q;
	c->qlen += len;
}

static void flush_client(struct tp_client *c)
{
	while (c->qlen) {
		ssize_t k = send(c->fd, c->q, c->qlen, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (k < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				drop(c);
			return;
		}
		memmove(c->q, c->q + k, c->qlen - (size_t)k);
		c->qlen -= (size_t)k;
	}
}

struct textport *textport_new(const char *addr, int first_port, const struct textport_callbacks *cb,
			      void *user, char *err, int errlen)
{
	struct textport *tp = calloc(1, sizeof(*tp));

	if (!tp)
		return NULL;
	for (int i = 0; i < TP_MAX_CLIENTS; i++)
		tp->c[i].fd = -1;
	if (listen_open(addr, first_port, true, tp->lfd, &tp->port, err, errlen) < 0) {
		free(tp);
		return NULL;
	}
	tp->cb = *cb;
	tp->user = user;
	return tp;
}

void textport_free(struct textport *tp)
{
	if (!tp)
		return;
	for (int i = 0; i < TP_MAX_CLIENTS; i++)
		drop(&tp->c[i]);
	for (int i = 0; i < 2; i++)
		if (tp->lfd[i] >= 0)
			close(tp->lfd[i]);
	free(tp);
}

int textport_port(const struct textport *tp)
{
	return tp->port;
}

int textport_pollfds(const struct textport *tp, struct pollfd *fds, int max)
{
	int n = 0;

	for (int i = 0; i < 2 && n < max; i++)
		if (tp->lfd[i] >= 0)
			fds[n++] = (struct pollfd){ .fd = tp->lfd[i], .events = POLLIN };
	for (int i = 0; i < TP_MAX_CLIENTS && n < max; i++)
		if (tp->c[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = tp->c[i].fd,
						    .events = POLLIN | (tp->c[i].qlen ? POLLOUT : 0) };
	return n;
}

static void accept_one(struct textport *tp, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct tp_client *c = NULL;

	if (fd < 0)
		return;
	for (int i = 0; i < TP_MAX_CLIENTS && !c; i++)
		if (tp->c[i].fd < 0)
			c = &tp->c[i];
	if (!c) {
		close(fd); /* full: refused by closing */
		return;
	}
	c->fd = fd;
	char *snap;
	size_t len;

	if (tp->cb.snapshot && tp->cb.snapshot(&snap, &len, tp->user) == 0) {
		send_client(c, snap, len);
		free(snap);
	}
}

static struct tp_client *client_of(struct textport *tp, int fd)
{
	for (int i = 0; i < TP_MAX_CLIENTS; i++)
		if (tp->c[i].fd == fd)
			return &tp->c[i];
	return NULL;
}

void textport_handle(struct textport *tp, const struct pollfd *fds, int n)
{
	for (int i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == tp->lfd[0] || fds[i].fd == tp->lfd[1]) {
			accept_one(tp, fds[i].fd);
			continue;
		}
		struct tp_client *c = client_of(tp, fds[i].fd);

		if (!c)
			continue;
		if (fds[i].revents & POLLOUT)
			flush_client(c);
		if (c->fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
			char buf[4096];
			ssize_t k = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

			if (k > 0 && tp->cb.input)
				tp->cb.input(buf, (size_t)k, tp->user);
			else if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
				drop(c);
		}
	}
}

void textport_broadcast(struct textport *tp, const char *buf, size_t len)
{
	for (int i = 0; i < TP_MAX_CLIENTS; i++)
		if (tp->c[i].fd >= 0)
			send_client(&tp->c[i], buf, len);
}
