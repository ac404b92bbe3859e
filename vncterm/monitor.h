/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The privileged monitor, in OpenSSH's shape: vncterm forks before it
 * opens anything; the child (the worker) serves the console and viewers
 * and then drops into the sandbox, the parent stays root and does, on the
 * worker's request over a socketpair, the one thing the worker may no
 * longer do: write the statefile (into the per-instance directory, which
 * is root's) and record its path in xenstore.  It also forwards signals
 * to the worker, removes the directory when the worker ends, and exits
 * with the worker's status.
 *
 * A request is a header { u32 type, u32 length } and length bytes; the
 * only type is MONITOR_SAVE_STATE, whose bytes must be a valid emulator
 * state (they are loaded, then written out anew).  The answer is an i32:
 * 0 or -errno.  Anything else is refused.
 */
#ifndef VNCTERM_MONITOR_H
#define VNCTERM_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MONITOR_SAVE_STATE 1u
#define MONITOR_STATE_MAX (64u << 20)

struct monitor {
	char dir[64];          /* the per-instance directory */
	const char *xs_path;   /* -x: where to record the statefile; NULL for none */
	pid_t worker;
	int fd;                /* the monitor's end of the socketpair */
};

/*
 * Fork the worker.  Returns 0 in the worker, with *fd its end of the
 * socketpair; in the parent it serves m until the worker ends and then
 * exits the process.  -errno (message in err) if the fork failed.
 */
int monitor_fork(struct monitor *m, int *fd, char *err, int errlen);

/*
 * Read and answer one request from m->fd.  0 if served, -EPIPE when the
 * worker has gone, another -errno if the request was refused (it is
 * answered with that error, and the monitor goes on).
 */
int monitor_serve_one(struct monitor *m);

/* The worker's side: hand a state to the monitor.  0 or -errno. */
int monitor_save_state(int fd, const uint8_t *state, size_t len);

#endif
