/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text port (-T): a second loopback TCP port that streams the
 * console's bytes.  A client first gets the current screen as escape
 * sequences, then the live stream; what it sends is typed into the
 * console.  Every socket is non-blocking and every queue bounded: a client
 * that falls behind is dropped, never waited for.
 */
#ifndef VNCTERM_TEXTPORT_H
#define VNCTERM_TEXTPORT_H

#include <poll.h>
#include <stddef.h>

struct textport;

struct textport_callbacks {
	/* The bytes a new client sees first (malloc'd; the text port frees them). */
	int (*snapshot)(char **buf, size_t *len, void *user);
	/* Bytes a client typed. */
	void (*input)(const char *buf, size_t len, void *user);
};

struct textport *textport_new(const char *addr, int first_port, const struct textport_callbacks *cb,
			      void *user, char *err, int errlen);
void textport_free(struct textport *tp);
int textport_port(const struct textport *tp);

/* Its sockets to poll (at most max); returns how many. */
int textport_pollfds(const struct textport *tp, struct pollfd *fds, int max);
/* Act on what poll() reported for the sockets textport_pollfds() gave. */
void textport_handle(struct textport *tp, const struct pollfd *fds, int n);
/* The console's output, to every client. */
void textport_broadcast(struct textport *tp, const char *buf, size_t len);

#endif
