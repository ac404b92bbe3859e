/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A Xen domain's PV console, for the one process that reads it (vncterm or
 * the xenconsole client).  Two ways in:
 *  - ring: map the console page (grant GNTTAB_RESERVED_CONSOLE, else a
 *    foreign mapping of ring-ref), bind the guest's event channel, and run
 *    ring.c over it, with a flood budget;
 *  - pty: open the pty xenconsoled names in <path>/tty.
 * Either way a xenstore watch on the console path follows the domain:
 * new ring-ref/port (resume, migrate) remap and rebind, a new tty is
 * reopened, nodes that are not there yet are waited for; @releaseDomain
 * with the domain gone ends the session.
 *
 * Only one reader may take a console: an exclusive lock per domain
 * (XENCONS_LOCK_DIR, else /run/xen/console-<domid>.lock) keeps a second
 * one out.  In ring mode xenconsoled must leave the ring alone: it serves
 * only consoles whose <path>/type is "xenconsoled" (or absent), so the
 * ring is claimed by writing type "vncterm" (restored at close), and
 * refused while xenconsoled is serving it (type xenconsoled and a tty).
 */
#ifndef XENCONSOLE_CONSOLE_H
#define XENCONSOLE_CONSOLE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct xs_handle;
struct xencons;

enum xencons_mode { XENCONS_RING, XENCONS_PTY };

/* Defaults as xenconsoled's: 30 events per 200 ms. */
#define XENCONS_DEFAULT_BUDGET 30
#define XENCONS_DEFAULT_PERIOD_MS 200

/* syslog's levels, without making this code depend on <syslog.h>'s users. */
#define XENCONS_LOG_WARNING 4
#define XENCONS_LOG_INFO 6

struct xencons_params {
	unsigned int domid;
	const char *path;       /* console path; NULL: /local/domain/<domid>/console (the
				 * primary; another path's ring-ref is a grant ref) */
	enum xencons_mode mode;
	int budget;             /* ring events per period; 0: the default */
	int period_ms;          /* 0: the default */
	const char *claim_type; /* value written to <path>/type in ring mode; NULL: "vncterm" */
	/*
	 * ring-ref is a guest frame, never reached through the console grant:
	 * a vuart's (GNTTAB_RESERVED_CONSOLE is the PV console's page, and
	 * xenconsoled maps a vuart by frame only).
	 */
	bool frame_only;
	/*
	 * Watch-only mode (a privileged monitor's): if set, the console is not
	 * opened here; each change is reported instead: the ring (ring_ref,
	 * port; -1 when gone) or the tty path (NULL when gone).
	 */
	void (*changed)(long ring_ref, long port, const char *tty, void *user);
	/* Messages worth an admin's attention (one line, no newline). */
	void (*log)(const char *msg, void *user);
	/*
	 * Optional, taking precedence over log: the same messages with a
	 * syslog level (XENCONS_LOG_*), plus events worth a line at
	 * XENCONS_LOG_INFO (the console attached or detached, a flooding
	 * guest held off: at most one line a second).
	 */
	void (*log_at)(int level, const char *msg, void *user);
	void *user;
};

/*
 * Take domain's console.  xs stays the caller's, but its watch events are
 * read here: the caller must not read them.  NULL with a message in err
 * when the domain does not exist, the console is locked by another
 * reader, or xenconsoled serves the ring.  A console whose nodes are not
 * there yet is waited for (xencons_connected() is false until then).
 */
struct xencons *xencons_open(struct xs_handle *xs, const struct xencons_params *p, char *err,
			     int errlen);
void xencons_free(struct xencons *x);

/*
 * Without xenstore (a sandboxed reader): the hypervisor handles are opened
 * now (ring mode) and the console is set from outside, by what a watch-only
 * xencons reported.  No lock or claim: the watch-only side holds them.
 */
struct xencons *xencons_open_direct(const struct xencons_params *p, char *err, int errlen);
/* Map and bind (or, with -1, let go of) the ring. */
void xencons_set_ring(struct xencons *x, long ring_ref, long port);
/* Use the pty fd (owned from now on; -1: none). */
void xencons_set_pty(struct xencons *x, int fd, const char *tty);
/* Watch-only mode: report the console again, changed or not. */
void xencons_retell(struct xencons *x);
/*
 * Whether path (NULL: the default) is domain's primary console,
 * /local/domain/<domid>/console, rather than a secondary one such as
 * .../device/console/1, whose ring is its own grant.
 */
bool xencons_is_primary(const char *path, unsigned int domid);
/* Open a console pty raw and non-blocking: an fd or -errno. */
int xencons_open_tty(const char *tty);

/*
 * The descriptors to poll (at most max; returns how many) and, while the
 * flood budget is spent, a lowered *timeout (ms, -1 for none).
 */
int xencons_pollfds(struct xencons *x, struct pollfd *fds, int max, int *timeout);
/* After poll(): follow xenstore changes and take event notifications. */
void xencons_handle(struct xencons *x);

/*
 * Console output: bytes read into buf (> 0), or -EAGAIN for none now
 * (nothing there, over budget, waiting for the console, or a broken ring
 * stopped).  Never blocks.
 */
ssize_t xencons_read(struct xencons *x, char *buf, size_t size);
/* Input: bytes taken (> 0), -EAGAIN when none fits now, -EPIPE if not connected. */
ssize_t xencons_write(struct xencons *x, const char *buf, size_t len);

bool xencons_connected(const struct xencons *x);
/* The domain was released: the session is over (the caller says so). */
bool xencons_gone(const struct xencons *x);
/* The pty path in use (pty mode), or NULL. */
const char *xencons_tty(const struct xencons *x);

#endif
