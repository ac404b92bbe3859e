/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One reader per console.  Two locks, both flock(2)s, so that the kernel
 * drops them when their holder dies, however it dies:
 *  - ours, per console path: <XENCONS_LOCK_DIR, else /run/xen>/<path with
 *    '/' as '_'>.lock, exclusive, the holder's pid written in it.  It keeps
 *    our readers (vncterm, xenconsole) of one console apart and tells the
 *    next one which pid held it last (for the stale state, stale.h);
 *  - Xen's client's, per domain: <XENCONS_XEN_LOCK_DIR, else
 *    XENCONS_LOCK_DIR, else /var/lock>/xenconsole.<domid>.  Xen 4.17's
 *    xenconsole (tools/console/client/main.c, console_lock()) opens it with
 *    O_CREAT, takes flock(LOCK_EX | LOCK_NB), gives up at once if it is
 *    held ("Could not lock ..."), retries if the file it locked is no
 *    longer the one at that path, and unlinks it at exit.  We take it
 *    shared, with the same check: Xen's client is refused while any of ours
 *    reads any console of the domain (its lock is per domain) and ours are
 *    refused while it runs, while our readers of two consoles of one domain
 *    (console and device/console/1) still coexist.
 * A file left by a holder that was killed is harmless to both sides (an
 * flock on it is free), so nothing has to clean it: the next reader, ours
 * or Xen's, locks it again.
 */
#ifndef XENCONSOLE_LOCK_H
#define XENCONSOLE_LOCK_H

#include <stddef.h>

struct xencons_lock {
	int fd;                /* ours, or -1 */
	int xen_fd;            /* Xen's client's, or -1 */
	char path[300];
	char xen_path[300];
};

/* Nothing held yet (fds -1): what xencons_lock_release() may always be given. */
void xencons_lock_init(struct xencons_lock *l);

/*
 * Take both locks for the console at cons_path of domid.  *prev is the
 * pid the previous holder of ours recorded (0 if none).  -EBUSY with a
 * message naming the holder (pid and program) when either is held, else
 * 0 or -errno (message in err).
 */
int xencons_lock_take(struct xencons_lock *l, const char *cons_path, unsigned int domid,
		      long *prev, char *err, int errlen);

/*
 * Let go of both.  Xen's file is unlinked when no other reader holds it
 * (as Xen's client does at exit), so that the directory does not fill up.
 */
void xencons_lock_release(struct xencons_lock *l);

/* The first word of pid's command line (its program), or "?". */
void xencons_program_of(long pid, char *prog, size_t size);

#endif
