/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNCTERM_LISTEN_H
#define VNCTERM_LISTEN_H

#include <stdbool.h>

/*
 * Listen on addr, and on the other family's loopback too when addr is
 * 127.0.0.1 or ::1, at the first port from first_port free on both.
 * fds[0] is addr's socket, fds[1] the twin's or -1 (no such family here).
 * Without listening, the ports are only held (bound): nobody else can
 * take them, and a connection to them is refused.
 * 0, or -errno with a message in err.
 */
int listen_open(const char *addr, int first_port, bool listening, int fds[2], int *port, char *err,
		int errlen);

#endif
