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

#define SANDBOX_USER "vncterm_base"
#define SANDBOX_ROOT "/var/xen/vncterm"

struct sandbox {
	uid_t uid;      /* vncterm_base's uid + the display number */
	gid_t gid;
	char dir[64];   /* SANDBOX_ROOT/<pid>: empty, root-owned, 0755 */
	bool debug;     /* --sandbox-debug: forbidden calls trap (SIGSYS) instead of killing */
	int domid;      /* Xen handles are restricted to this domain; -1: none */
	unsigned long long file_max; /* --log-file-max: the console log may grow to this; 0: no log */
	int threads;    /* the most threads the worker starts besides its main one */
};

/*
 * Find the per-instance ids for display and make the empty directory for
 * pid.  Refuses uid/gid 0 and ids that belong to another account.  0, or
 * -errno with a message in err.
 */
int sandbox_prepare(struct sandbox *sb, int display, pid_t pid, bool debug, char *err, int errlen);

/*
 * In order: Xen handles restricted to sb->domid, own network namespace, chroot into sb->dir, no supplementary
 * groups, the per-instance gid and uid (and proof that root cannot be
 * regained), rlimits, no new privileges, the seccomp allow-list.  0, or
 * -errno with the failed step named in err.
 */
int sandbox_enter(const struct sandbox *sb, char *err, int errlen);

#endif
