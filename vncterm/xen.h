/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vncterm's side of xenstore: the console source (xenconsole/console.h)
 * when the console is a domain's, and the keys the host agent reads
 * (design.md section 3): <path>/vnc-port, <path>/tc-port,
 * /local/domain/<d>/vncterm-pid and, after SIGUSR1, <path>/statefile.
 */
#ifndef VNCTERM_XEN_H
#define VNCTERM_XEN_H

#include <stdbool.h>

struct options;
struct xencons;
struct xen;

/*
 * Connect to xenstore for -x PATH and/or --domid N; with console set, also
 * take the domain's console (ring with --domid, else xenconsoled's pty).
 * NULL with a message in err.
 */
struct xen *xen_open(const struct options *o, bool console,
		     void (*log_at)(int level, const char *msg, void *user), void *user, char *err,
		     int errlen);
/* Remove the keys this process wrote (if the domain is still there) and disconnect. */
void xen_free(struct xen *x);

/* The console source, or NULL when the console is not the domain's. */
struct xencons *xen_console(struct xen *x);

/* Write vnc-port, tc-port (if tc_port > 0) and vncterm-pid.  0 or -errno (message in err). */
int xen_publish(struct xen *x, int vnc_port, int tc_port, char *err, int errlen);
/* Record where the statefile was written.  0 or -errno. */
int xen_record_statefile(struct xen *x, const char *abs_path);
/* Ask the domain for SysRq key (xencons_sysrq_send()): 0 or -errno, -EBUSY with *pending. */
int xen_sysrq(struct xen *x, char key, char *pending);

#endif
