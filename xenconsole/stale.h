/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a reader killed with SIGKILL leaves on its console, repaired by
 * the next reader of that console (vncterm or xenconsole), which holds
 * the console's lock (lock.h) and so knows no reader of ours is alive
 * there:
 *  - <path>/type = vncterm or xenconsole, a ring claim that keeps
 *    xenconsoled off the console;
 *  - vnc-port, tc-port, vnc-socket, the pid key and statefile (keys.h), which send the
 *    host agent's viewers to ports someone else may bind next;
 *  - XENCONS_STATE_ROOT/<pid>, its statefile directory.
 * Only when the pid the pid key records (or, without one, the lock's
 * previous holder) is gone: no such process, or a process that is not a
 * vncterm or xenconsole (the pid was reused).  Said in one line.
 */
#ifndef XENCONSOLE_STALE_H
#define XENCONSOLE_STALE_H

#include <stdbool.h>
#include <stddef.h>

struct xs_handle;

struct xencons_stale {
	const char *path;   /* the console path */
	unsigned int domid;
	long prev;          /* the lock's previous holder (0: unknown) */
	bool ring;          /* the new reader claims the ring itself */
};

/*
 * Repair what s describes.  Returns 1 if something was repaired (what, in
 * msg), 0 if nothing was stale.  *stale_claim is set when type held a dead
 * reader's claim: in pty mode it is given back to xenconsoled here, in ring
 * mode the caller's claim must restore "xenconsoled", not that claim.
 */
int xencons_stale_repair(struct xs_handle *xs, const struct xencons_stale *s, bool *stale_claim,
			 char *msg, size_t size);

#endif
