/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenstore keys a console's reader publishes for the host agent
 * (design.md section 3): <path>/vnc-port, <path>/tc-port, <path>/vnc-socket
 * (--unix), the pid key and,
 * after SIGUSR1, <path>/statefile; written and removed here alone, for
 * vncterm's monitor and its unsandboxed path both.  Several readers may
 * serve one domain (its primary console and device/console/N), and a
 * reader that is replaced may end after the new one has started: each has
 * its own pid key, and a reader removes only the values it wrote.
 *
 * The statefile rule: <path>/statefile names a file that exists.  The
 * file (XENCONS_STATE_ROOT/<pid>/XENCONS_STATE_FILE, sandboxed) and the key
 * go together when vncterm ends, so the agent copies the file while
 * vncterm runs, which in -x mode is until the agent stops it.
 */
#ifndef XENCONSOLE_KEYS_H
#define XENCONSOLE_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* Where the agent (xenopsd's vncterm_statefile) looks: XENCONS_STATE_ROOT/<pid>/XENCONS_STATE_FILE. */
#define XENCONS_STATE_ROOT "/var/xen/vncterm"
#define XENCONS_STATE_FILE "vncterm.statefile"

struct xs_handle;

/* What one reader wrote, to remove exactly that. */
struct xencons_keys {
	char path[256];     /* the console path */
	char pid_key[300];  /* xencons_pid_key() */
	char vnc[16], tc[16], pid[24]; /* the values written; "" for none */
	char sock[108];     /* vnc-socket's: a UNIX socket's path fits sun_path */
	char statefile[300];
};

/*
 * Where the pid goes: /local/domain/<domid>/vncterm-pid for the primary
 * console (the host agent's contract), <path>/vncterm-pid for another.
 */
void xencons_pid_key(const char *path, unsigned int domid, char *buf, size_t size);

/* For the console at path of domid; nothing written yet. */
void xencons_keys_init(struct xencons_keys *k, const char *path, unsigned int domid);

/*
 * Write vnc-port (if vnc_port > 0), tc-port (if tc_port > 0), vnc-socket
 * (if vnc_socket is not NULL) and the pid key (pid).
 * 0 or -errno with a message naming the key in err.
 */
int xencons_keys_publish(struct xs_handle *xs, struct xencons_keys *k, unsigned int vnc_port,
			 unsigned int tc_port, const char *vnc_socket, long pid, char *err,
			 int errlen);

/*
 * For a reader refused the console: how the vncterm holding it serves it
 * instead ("; vncterm serves it on the UNIX socket S and port P"), from
 * the keys under path, or "" if it published none.
 */
void xencons_keys_hint(struct xs_handle *xs, const char *path, char *buf, size_t size);

/* Record file (absolute) in <path>/statefile.  0 or -errno. */
int xencons_keys_statefile(struct xs_handle *xs, struct xencons_keys *k, const char *file);

/* Remove every key k wrote that still holds what it wrote (never recreating a node). */
void xencons_keys_remove(struct xs_handle *xs, struct xencons_keys *k);

/*
 * Remove key if it still holds value, in one transaction (retried while
 * xenstored says EAGAIN): 1 if removed, 0 if it held something else or
 * was gone, -errno.
 */
int xencons_rm_if(struct xs_handle *xs, const char *key, const char *value);

/*
 * Remove a statefile directory (XENCONS_STATE_ROOT/<pid>): the statefile,
 * its temporary and the directory, if it is root's.  Anything else in
 * there is left for an admin (rmdir then fails).  0 or -errno.
 */
int xencons_state_dir_remove(const char *dir);

#endif
