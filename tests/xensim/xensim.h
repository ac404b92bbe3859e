/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulated Xen host for the tests.  libxensim.so (xensim.c), preloaded
 * into xenstored or vncterm, answers their hypervisor calls from files in
 * $XENSIM_DIR; the functions below (util_xensim.c) are the guest's side
 * of the same files, plus starting the real xenstored.
 *
 * $XENSIM_DIR layout (the contract both sides keep):
 *   dom<N>/               domain N exists (dom0 always does)
 *   dom<N>/dying          domain N is reported dying and shut down
 *   dom<N>/gref-<R>       page behind grant ref R (GNTTAB_RESERVED_*)
 *   dom<N>/pfn-<F>        page behind guest frame F (foreign mapping)
 *   dom<N>/no-grant       grant maps of missing gref files fail (EPERM)
 *   dom<N>/evtchn-<P>.up  FIFO, one byte per guest notify of port P
 *   dom<N>/evtchn-<P>.down FIFO, one byte per backend notify of port P
 *   virq-<V>              FIFO, one byte per raised VIRQ V
 *   dom0/xsd_port, dom0/xsd_kva  what xenstored reads in /proc/xen
 * Pages are 4096-byte files mapped MAP_SHARED, created on first use.
 */
#ifndef TESTS_XENSIM_XENSIM_H
#define TESTS_XENSIM_XENSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define XENSIM_PAGE_SIZE 4096
/* The event channel port dom0's xenstore page is said to use. */
#define XENSIM_XSD_PORT 1
/* Grant refs the toolstack reserves (xen/grant_table.h). */
#define XENSIM_GREF_CONSOLE 0
#define XENSIM_GREF_XENSTORE 1

struct xencons_interface;

/*
 * A fresh directory under /tmp, made $XENSIM_DIR of this process (and so
 * of its children).  dir gets the path.  0 or -errno.  Directories left
 * by test processes that died (a failed assertion) are removed first.
 */
int xensim_dir_create(char *dir, size_t size);
/* Remove the directory and everything in it; unset $XENSIM_DIR. */
void xensim_dir_remove(const char *dir);
/*
 * Absolute path of libxensim.so (beside the test runner, or $XENSIM_LIB),
 * to put in a child's LD_PRELOAD; NULL if it is not there.
 */
const char *xensim_lib(void);

/* Domain N: create its directory, mark it dying, remove it.  0 or -errno. */
int xensim_dom_create(unsigned int domid);
int xensim_dom_set_dying(unsigned int domid);
int xensim_dom_remove(unsigned int domid);
/* Take the console's grant away: later grant maps of it fail with EPERM. */
int xensim_dom_no_grant(unsigned int domid);

/*
 * Map page `name` (e.g. "gref-1") of domain N, created zeroed if missing.
 * NULL with errno on failure.  Unmap with xensim_page_unmap().
 */
void *xensim_page_map(unsigned int domid, const char *name);
void xensim_page_unmap(void *page);
/*
 * The console page: a zeroed struct xencons_interface reachable both as
 * gref-0 (grant map) and pfn-<pfn> (foreign map), mapped here too.
 */
struct xencons_interface *xensim_console_create(unsigned int domid, unsigned long pfn);

/* The guest notifies the backend on its port P.  0 or -errno. */
int xensim_notify(unsigned int domid, unsigned int port);
/*
 * Wait up to timeout_ms (0: just look) for backend notifications on the
 * guest's port P and consume them: how many arrived, 0 on timeout, -errno.
 */
int xensim_wait_notify(unsigned int domid, unsigned int port, int timeout_ms);
/* Raise VIRQ V (VIRQ_DOM_EXC = 3 makes xenstored look at domains). */
int xensim_raise_virq(unsigned int virq);

/* The real xenstored, preloaded with libxensim.so. */
struct xsd {
	pid_t pid;
	char dir[64];    /* its $XENSIM_DIR, also its run directory */
	char sock[96];   /* $XENSTORED_PATH (fits sun_path) */
};

/*
 * Make a fresh $XENSIM_DIR, point $XENSTORED_RUNDIR and $XENSTORED_PATH of
 * this process at it, start xenstored there and wait (5 s at most) until
 * its socket accepts.  0, or -errno with the reason on stderr.  The daemon
 * is killed if this process dies first.
 */
int xsd_start(struct xsd *x);
/* Kill it, remove the directory, unset the variables. */
void xsd_stop(struct xsd *x);
/*
 * Introduce domain N to xenstored as the toolstack does: the domain's
 * directory and xenstore page (gref-1), /local/domain/N (read-only to N,
 * with name and domid), then XS_INTRODUCE with store_port.  0 or -errno.
 */
int xsd_introduce(unsigned int domid, unsigned int store_port);

#endif
