/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulated Xen host for the host agent's and the lock's tests
 * (check_xen_agent.c, check_xenlock.c): Debian's xenstored (tests/xensim)
 * with one domain, its console nodes, a pty standing for xenconsoled's,
 * and the test as the host agent (xenopsd's reads and stop sequence) or an
 * admin running a client.
 */
#ifndef TESTS_INTEGRATION_UTIL_XENHOST_H
#define TESTS_INTEGRATION_UTIL_XENHOST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <xen/io/console.h>

#include "tests/xensim/xensim.h"

#ifndef XENCONSOLE_BIN
#define XENCONSOLE_BIN "../xenconsole/xenconsole"
#endif
/* Xen 4.17's own client, from Debian's xen-utils (unpacked with xenstored). */
#ifndef XEN_XENCONSOLE_BIN
#define XEN_XENCONSOLE_BIN "../build/xen-utils/usr/lib/xen-4.17/bin/xenconsole"
#endif

struct xhost {
	struct xsd xsd;
	struct xs_handle *xs;
	unsigned int domid;
	char cons[64];                /* /local/domain/<domid>/console */
	struct xencons_interface *ring; /* the console page, for ring mode */
	int master, slave;            /* xenconsoled's pty (-1 without): the guest's end, the tty */
	char tty[64];
	char lockdir[PATH_MAX];       /* our lock's directory (XENCONS_LOCK_DIR) */
};

/*
 * xenstored, domain domid with a console page and the toolstack's console
 * nodes (type xenconsoled), and a pty named in console/tty.  With
 * xen_lock, Xen's client's lock stays where Xen's binary takes it
 * (/var/lock); else it is in the private lock directory too.
 */
void xhost_up(struct xhost *h, unsigned int domid, bool xen_lock);
/* Only xenstored, domain domid and its console page: no console nodes, no pty. */
void xhost_domain_up(struct xhost *h, unsigned int domid);
/* The toolstack's ring nodes: ring-ref, port, limit, type xenconsoled. */
void xhost_ring_nodes(struct xhost *h);
void xhost_down(struct xhost *h);

/* <cons>/<name> (name starting with '/': that absolute key) into buf, "" if absent. */
const char *xhost_get(struct xhost *h, const char *name, char *buf, size_t size);
void xhost_put(struct xhost *h, const char *name, const char *value);
/* The guest prints s on its console ring (as the ring has room) and notifies. */
void xhost_ring_print(struct xhost *h, const char *s);
/* Wait up to ms until the key holds something (want NULL) or want. */
bool xhost_wait_key(struct xhost *h, const char *name, const char *want, int ms);

/*
 * Read what the console's reader typed into xenconsoled's pty (master)
 * until len bytes came or ms passed: true if exactly want, else false with
 * what came on stderr.
 */
bool xhost_typed(struct xhost *h, const char *want, size_t len, int ms);

/*
 * Run bin with args (argv[1..]) in a process group of its own, stdin from
 * /dev/null, stdout and stderr to the file log.  Its pid.
 */
pid_t xhost_spawn(const char *bin, const char *const *args, const char *log);
/* Wait up to ms for pid to exit; its wait status in *status. */
bool xhost_wait(pid_t pid, int ms, int *status);
/* The file at path, as read now (NUL-terminated) into buf. */
const char *xhost_slurp(const char *path, char *buf, size_t size);
/* How many times what is in the file at path. */
int xhost_count(const char *path, const char *what);
/* Whether path exists. */
bool xhost_exists(const char *path);

#endif
