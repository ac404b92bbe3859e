/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenstore keys a console's reader publishes for the host agent
 * (vnc-port, tc-port, vncterm-pid), shared by vncterm's monitor and its
 * unsandboxed path.  Several readers may serve one domain (its primary
 * console and device/console/N), and a reader that is replaced may end
 * after the new one has started: each has its own pid key, and a reader
 * removes only the values it wrote.
 */
#ifndef XENCONSOLE_KEYS_H
#define XENCONSOLE_KEYS_H

#include <stddef.h>

struct xs_handle;

/*
 * Where the pid goes: /local/domain/<domid>/vncterm-pid for the primary
 * console (the host agent's contract), <path>/vncterm-pid for another.
 */
void xencons_pid_key(const char *path, unsigned int domid, char *buf, size_t size);

/*
 * Remove key if it still holds value, in one transaction (retried while
 * xenstored says EAGAIN): 1 if removed, 0 if it held something else or
 * was gone, -errno.
 */
int xencons_rm_if(struct xs_handle *xs, const char *key, const char *value);

#endif
