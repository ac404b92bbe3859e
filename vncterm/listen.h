/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNCTERM_LISTEN_H
#define VNCTERM_LISTEN_H

/*
 * Listen on addr, and on the other family's loopback too when addr is
 * 127.0.0.1 or ::1, at the first port from first_port free on both.
 * fds[0] is addr's socket, fds[1] the twin's or -1 (no such family here).
 * 0, or -errno with a message in err.
 */
int listen_open(const char *addr, int first_port, int fds[2], int *port, char *err, int errlen);

#endif
