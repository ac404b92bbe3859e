/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The privileged monitor, in OpenSSH's shape: vncterm forks before it
 * opens its sockets and console; the child (the worker) serves the console
 * and viewers and drops into the sandbox, the parent stays root and does,
 * over a socketpair, what the worker may no longer do:
 *  - write the statefile (into the per-instance directory, which is
 *    root's) and record its path in xenstore;
 *  - hold the only xenstore connection: publish vnc-port, tc-port and
 *    vncterm-pid, ask the domain for a SysRq (--sysrq), watch the console
 *    path and tell the worker the new ring or hand it the new pty (as an
 *    fd), and, when the domain is released,
 *    tell the worker (which shows it) and stay until SIGTERM, or with
 *    --exit-on-release end the worker.  The keys, the lock and the claim
 *    stay until the monitor exits, so that the pid the host agent wrote is
 *    this process until the agent itself stops it.
 * It also forwards signals, removes the directory when the worker ends and
 * exits with the worker's status.
 *
 * A message is { u32 type, u32 length } and length bytes.  The worker may
 * send SAVE_STATE (a state that must load; it is written as sent), PUBLISH
 * (u32 vnc port, u32 text port or 0), REOPEN (no bytes: the pty closed)
 * and SYSRQ (exactly one byte, one of Linux's SysRq commands; served only
 * with --sysrq on the domain's own console, written to that domain's
 * control/sysrq alone, and its failure logged here, unanswered);
 * SAVE_STATE and PUBLISH are answered with ANSWER (i32: 0 or -errno).
 * PUBLISH is served once, and only with the VNC port the sending
 * process's uid was derived from (uid - vncterm_base, which the kernel
 * attests): any other is answered -EPERM and the worker is killed.  The monitor sends RING
 * (u32 ring-ref, u32 port; all ones: gone), PTY (the tty's name, its fd
 * attached; no fd: gone), GONE (no bytes: the domain was released and
 * vncterm stays until SIGTERM, without --exit-on-release), LOG_FILE (u64 the file's length,
 * u32 which of files[], its fd attached: first of all, and again on SIGHUP,
 * which then rotates them instead of ending vncterm) and VNC_SOCKET (no bytes,
 * --unix's listening socket attached, made by the monitor as root: next, once).
 * Anything else is refused and ends
 * the channel.
 */
#ifndef VNCTERM_MONITOR_H
#define VNCTERM_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "vncterm/unixsock.h"
#include "xenconsole/console.h"
#include "xenconsole/keys.h"

enum {
	MONITOR_SAVE_STATE = 1,
	MONITOR_PUBLISH = 2,
	MONITOR_REOPEN = 3,
	MONITOR_SYSRQ = 4,
	MONITOR_ANSWER = 16,
	MONITOR_RING = 17,
	MONITOR_PTY = 18,
	MONITOR_LOG_FILE = 19,
	MONITOR_GONE = 20,
	MONITOR_VNC_SOCKET = 21,
};
#define MONITOR_STATE_MAX (64u << 20)
#define MONITOR_MSG_MAX 256 /* what the monitor sends: small */

struct xs_handle;

/* The files the console's output goes to, which the worker cannot open. */
#define MONITOR_FILES 2 /* 0: --log-file, 1: --record */
struct monitor_file {
	const char *path;       /* absolute; NULL: not asked for */
	const char *option;     /* for messages */
	bool fresh;             /* consolelog_open()'s: a record starts a file of its own */
};

struct monitor {
	char dir[64];           /* the per-instance directory */
	const char *xs_path;    /* -x: where the keys go; NULL for none */
	struct monitor_file files[MONITOR_FILES];
	const char *unix_path;  /* --unix: made here, published as vnc-socket, removed at the end */
	struct unixsock_id unix_id;
	bool no_tcp;            /* --no-tcp: the worker's port is held only, not published */
	int domid;              /* the domain of xs_path, or -1 */
	struct xs_handle *xs;   /* the privileged connection (Xen consoles), or NULL */
	struct xencons *watch;  /* watch-only console (Xen consoles), or NULL */
	bool want_watch;        /* open xenstore and the watch (after the fork) */
	struct xencons_params watch_params;
	uid_t base_uid;         /* vncterm_base's: a PUBLISH's port is its sender's uid - this */
	bool publish_served;    /* PUBLISH was served: another is refused */
	struct xencons_keys keys; /* what this monitor wrote, to remove exactly that */
	bool exit_on_release;   /* --exit-on-release: end when the domain is gone */
	bool sysrq;             /* --sysrq on the domain's console: SYSRQ is served */
	pid_t worker;
	int fd;                 /* the monitor's end of the socketpair */
	/* what the watch last reported, to send once the worker exists */
	long ring_ref, port;
	char tty[256];
};

/* A message as the worker receives it. */
struct monitor_msg {
	uint32_t type;
	uint32_t len;
	uint8_t data[MONITOR_MSG_MAX];
	int fd;                 /* PTY, LOG_FILE: the attached fd, or -1 */
};

/*
 * The channel: sp[0] the monitor's end, which learns each sender's uid
 * (SO_PASSCRED), sp[1] the worker's.  0 or -errno.
 */
int monitor_socketpair(int sp[2]);

/*
 * Fork the worker.  Returns 0 in the worker, with *fd its end of the
 * socketpair; in the parent it serves m until the worker ends and then
 * exits the process.  -errno (message in err) if the fork failed.
 */
int monitor_fork(struct monitor *m, int *fd, char *err, int errlen);

/* The signals vncterm (monitor and worker alike) takes through a signalfd. */
void monitor_signals(sigset_t *set);

/* The watch's callback (struct xencons_params.changed), user = the monitor. */
void monitor_console_changed(long ring_ref, long port, const char *tty, void *user);

/*
 * Read and answer one request from m->fd.  0 if served, -EPIPE when the
 * worker has gone or stalled (2 s without progress inside a message or
 * room for the answer), -EPERM for a PUBLISH a sound worker never sends
 * (the channel is ended; the caller ends the worker), another -errno if
 * the request was refused (it is answered with that error).
 */
int monitor_serve_one(struct monitor *m);

/* The worker's side: send one message (no fd).  0 or -errno. */
int monitor_send(int fd, uint32_t type, const void *data, size_t len);
/* The worker's side: receive one message (blocking).  0 or -errno. */
int monitor_recv(int fd, struct monitor_msg *msg);

#endif
