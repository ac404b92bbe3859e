/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the xenconsole client's suites (check_xenconsole*.c) share, against
 * the real xenstored on the simulated Xen host (tests/xensim): the test
 * plays the toolstack (the console nodes), xenconsoled (a pty it makes and
 * names in console/tty) and the guest (the far end of that pty, or the
 * ring page and its event channel).  The client runs on pipes, or on a
 * pty of its own when its terminal handling is what is tested (all three
 * streams, or stdin alone).  Every client runs in its own process group
 * and dies with the test process.  Failures end the test through Check.
 */
#ifndef TESTS_INTEGRATION_UTIL_XENCLIENT_H
#define TESTS_INTEGRATION_UTIL_XENCLIENT_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>

#include <xen/io/console.h>
#include <xenstore.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_xenhost.h" /* XENCONSOLE_BIN, XEN_XENCONSOLE_BIN */
#include "tests/xensim/xensim.h"

#define DOMID 7
#define DOMID_STR "7"
#define STORE_PORT 3
#define CONS_PORT 5
#define CONS_PFN 1234
#define CONS "/local/domain/" DOMID_STR "/console"
#define SERIAL0 "/local/domain/" DOMID_STR "/serial/0"
#define VUART "/local/domain/" DOMID_STR "/vuart/0"
#define VUART_PORT 6
#define VUART_PFN 2345
/* The descriptor number the client gets its --start-notify-fd pipe on. */
#define NOTIFY_FD 9
#define NOTIFY_FD_STR "9"
/* How long anything the client should do may take. */
#define WAIT_MS 5000
#define SLICE_MS 20

/* ---- the host: xenstored, the lock directory, the toolstack's nodes ---- */

/* The checked fixture: xenstored up, a private lock directory, SIGPIPE ignored. */
void xc_host_setup(void);
void xc_host_teardown(void);
/* The test case "client" of a suite: the fixture above, 40 s for a hang. */
TCase *xc_client_tcase(void);
/* The connection to xenstored the fixture opened. */
struct xs_handle *xc_store(void);
void xc_put(const char *path, const char *val);
void xc_domain_create(void);
/* The nodes the toolstack writes for a PV console under base (xenconsoled adds tty). */
void xc_console_nodes_at(const char *base);

/* ---- xenconsoled's pty: the guest's end is the master ---- */

struct xc_pty {
	int master, slave;
	char name[64];
};

void xc_pty_open(struct xc_pty *p);
void xc_pty_close(struct xc_pty *p);
/* A console at base served by xenconsoled on a fresh pty. */
void xc_pty_console_at(struct xc_pty *p, const char *base);
void xc_pty_console(struct xc_pty *p);
/* Read what the client typed into the console, until want arrived. */
bool xc_pty_expect(struct xc_pty *p, const char *want, size_t len, int ms);

/* ---- the guest's ring ---- */

/* The PV console's page, and its nodes in xenstore. */
struct xencons_interface *xc_ring_console(void);
void xc_ring_put(struct xencons_interface *intf, const char *s);
/* What the client put into in[], consumed as the guest would. */
size_t xc_ring_take(struct xencons_interface *intf, char *buf, size_t size);

/* ---- the client ---- */

struct xc_client {
	pid_t pid;
	int in;    /* its stdin: a pipe, or its terminal's master */
	int out;   /* its stdout (the same master on a terminal) */
	int err;   /* its stderr; -1 on a terminal, where it shares out */
	int tty;   /* its terminal's slave, kept to read the modes; -1 on pipes */
	struct termios initial; /* that terminal's modes before the client ran */
	bool reaped;
	int status;
	char obuf[1 << 16], ebuf[4096];
	size_t olen, elen;
};

/* Where the client's stdin, stdout and stderr are. */
enum xc_client_io {
	XC_ON_PIPES,
	XC_ON_TTY,    /* all three on a terminal of its own */
	XC_TTY_STDIN, /* stdin on a terminal of its own, stdout and stderr on pipes */
};

/*
 * Run the client bin with args (NULL-terminated); notify: a descriptor
 * the client gets as NOTIFY_FD (as xl passes its pipe), or -1.
 */
struct xc_client *xc_client_spawn_bin(const char *bin, enum xc_client_io io,
				      const char *const *args, int notify);
/* The same with XENCONSOLE_BIN, ours. */
struct xc_client *xc_client_spawn(enum xc_client_io io, const char *const *args, int notify);
/* Run the client with args (NULL-terminated) on pipes, or on a terminal of its own. */
struct xc_client *xc_client_start(bool on_tty, const char *const *args);
/* Collect its output for up to ms. */
void xc_client_pump(struct xc_client *c, int ms);
bool xc_client_reap(struct xc_client *c);
/*
 * Wait up to ms for needle in its stdout (stderr too if err), calling
 * poke(arg) every slice: the guest's notification may go out before the
 * client has bound its port.
 */
bool xc_client_expect(struct xc_client *c, const char *needle, bool err, int ms,
		      void (*poke)(void *), void *arg);
void xc_client_send(struct xc_client *c, const char *bytes, size_t len);
/* True if it exited within ms; its output is collected meanwhile. */
bool xc_client_wait_exit(struct xc_client *c, int ms);
void xc_client_free(struct xc_client *c);
bool xc_exited_with(const struct xc_client *c, int code);

/* Its terminal's local modes: raw means no line editing, echo or signals. */
bool xc_tty_is_raw(const struct xc_client *c);
bool xc_wait_raw(const struct xc_client *c, int ms);
bool xc_same_modes(const struct termios *a, const struct termios *b);

/* Guest output written repeatedly until seen: pty writes before the client opened it are fine too. */
struct xc_pty_poke {
	struct xc_pty *p;
	const char *text;
	int64_t next;
};

/* Pokes for xc_client_expect(): arg a struct xc_pty_poke; none (the PV console's port). */
void xc_poke_pty(void *arg);
void xc_poke_ring(void *arg);
/* A client attached through the pty: what the guest writes there shows. */
struct xc_client *xc_attach_pty(struct xc_pty *p, bool on_tty, const char *const *args,
				const char *hello);

#endif
