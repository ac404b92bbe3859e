/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The privilege drop (design.md section 4).  sandbox_prepare() runs as root
 * before the worker exists; sandbox_enter() runs in the worker once
 * everything it needs is open, and applies every step in order.  Any
 * failure is fatal to the caller: a half-applied sandbox is never run.
 */
#ifndef VNCTERM_SANDBOX_H
#define VNCTERM_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "xenconsole/keys.h" /* XENCONS_STATE_ROOT: where the host agent looks */

#define SANDBOX_USER "vncterm_base"
#define SANDBOX_ROOT XENCONS_STATE_ROOT
/*
 * The per-instance ids are vncterm_base's plus the bound TCP port, as in
 * the original: every id from the base to base + 65535 must be free of
 * accounts (install-user.sh reserves and checks the range).
 */
#define SANDBOX_ID_RANGE 65536

struct sandbox {
	uid_t base_uid, base_gid; /* vncterm_base's */
	uid_t uid;      /* base_uid + the bound port (sandbox_set_ids) */
	gid_t gid;
	char dir[64];   /* SANDBOX_ROOT/<pid>: empty, root-owned, 0755 */
	bool debug;     /* --sandbox-debug: forbidden calls trap (SIGSYS) instead of killing */
	int domid;      /* Xen handles are restricted to this domain; -1: none */
	unsigned long long file_max; /* --log-file-max: the console log may grow to this; 0: no log */
	int threads;    /* the most threads the worker starts besides its main one */
};

/*
 * Find vncterm_base and make the empty directory for pid.  0, or -errno
 * with a message in err.
 */
int sandbox_prepare(struct sandbox *sb, pid_t pid, bool debug, char *err, int errlen);
/*
 * The per-instance ids for the bound TCP port (1-65535): base + port.
 * Refuses ids that belong to an account or group.  0, or -errno with a
 * message in err.  Before sandbox_enter(), while /etc can still be read.
 */
int sandbox_set_ids(struct sandbox *sb, int port, char *err, int errlen);

/*
 * In order: Xen handles restricted to sb->domid, chroot into sb->dir, no supplementary
 * groups, the per-instance gid and uid (and proof that root cannot be
 * regained), rlimits, no new privileges, the seccomp allow-list.  0, or
 * -errno with the failed step named in err.
 */
int sandbox_enter(const struct sandbox *sb, char *err, int errlen);

#endif
