/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/grant_table.h>

#include "xenconsole/console.h"
#include "xenconsole/keys.h"
#include "xenconsole/lock.h"
#include "xenconsole/ring.h"
#include "xenconsole/stale.h"

#define TOKEN_PATH "xencons-path"
#define TOKEN_RELEASE "xencons-release"
/* Each event lets this much be read: a flooding guest is bounded by its events. */
#define READ_CREDIT (2 * (int)sizeof(((struct xencons_interface *)0)->out))
#define PAGE 4096

struct xencons {
	struct xs_handle *xs;
	struct xencons_params p;
	char path[256];
	struct xencons_lock lock;
	bool connected, gone, watching;
	/* ring mode */
	xengnttab_handle *gnt;
	xenforeignmemory_handle *fmem;
	xenevtchn_handle *evt;
	struct xencons_interface *intf;
	bool intf_granted;     /* mapped by grant, else foreign */
	bool secondary;        /* device/console/N: ring-ref is a grant ref of its own */
	long ring_ref;         /* -1: not mapped */
	long remote_port;      /* -1: not bound */
	evtchn_port_t local_port;
	bool broken_out, broken_in;
	int credit;            /* bytes that may still be read before the next event */
	int events;            /* in this period */
	long long period_start;
	bool throttled;        /* over budget: channel left masked */
	long long throttle_logged; /* ms of the last "held off" line; 0: none */
	bool claimed;
	bool stale_claim;      /* type held a dead reader's claim: give back xenconsoled's */
	char *old_type;        /* <path>/type before the claim; NULL if there was none */
	bool refused_logged;
	/* watch-only mode (params.changed): what was last reported */
	long told_ref, told_port;
	char told_tty[256];
	/* pty mode */
	int pty_fd;
	char tty[256];
	bool want_write;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void vsay_at(struct xencons *x, int level, const char *fmt, va_list ap)
{
	char msg[512];

	if (!x->p.log_at && (!x->p.log || level > XENCONS_LOG_WARNING))
		return; /* a plain log callback gets what it always got: warnings */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (x->p.log_at)
		x->p.log_at(level, msg, x->p.user);
	else
		x->p.log(msg, x->p.user);
}

static void say_at(struct xencons *x, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say_at(struct xencons *x, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay_at(x, level, fmt, ap);
	va_end(ap);
}

static void say(struct xencons *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct xencons *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay_at(x, XENCONS_LOG_WARNING, fmt, ap);
	va_end(ap);
}

/* <path>/<node>, or NULL if absent. The caller frees it. */
static char *node(struct xencons *x, const char *name)
{
	char full[300];
	unsigned int len;

	snprintf(full, sizeof(full), "%s/%s", x->path, name);
	return xs_read(x->xs, XBT_NULL, full, &len);
}

/* A node holding a decimal number in [0, max]; -1 if absent or malformed. */
static long number_node(struct xencons *x, const char *name, long max)
{
	char *s = node(x, name), *end;
	long v = -1;

	if (s) {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || end == s || *end || v < 0 || v > max)
			v = -1;
		free(s);
	}
	return v;
}

/* ---- the lock, and what a killed reader left ---- */

/*
 * Both locks (lock.h), then, holding them, repair what a reader killed
 * before us left on this console (stale.h).
 */
static int take_lock(struct xencons *x, char *err, int errlen)
{
	/* A watch-only reader (vncterm's monitor) claims the ring too, for its worker. */
	struct xencons_stale st = { .path = x->path, .domid = x->p.domid,
				    .ring = x->p.mode == XENCONS_RING };
	char msg[512];
	int e = xencons_lock_take(&x->lock, x->path, x->p.domid, &st.prev, err, errlen);

	if (e == -EBUSY) {
		/* Held by a vncterm: say where it serves the console instead. */
		char hint[300];
		size_t n = strlen(err);

		xencons_keys_hint(x->xs, x->path, hint, sizeof(hint));
		if (hint[0] && n < (size_t)errlen)
			snprintf(err + n, (size_t)errlen - n, "%s", hint);
	}
	if (e < 0)
		return e;
	if (xencons_stale_repair(x->xs, &st, &x->stale_claim, msg, sizeof(msg)) > 0)
		say(x, "%s", msg);
	return 0;
}

/* ---- ring mode ---- */

static void unmap_ring(struct xencons *x)
{
	if (x->intf) {
		if (x->intf_granted)
			xengnttab_unmap(x->gnt, x->intf, 1);
		else
			xenforeignmemory_unmap(x->fmem, x->intf, 1);
	}
	x->intf = NULL;
	x->ring_ref = -1;
	x->broken_out = x->broken_in = false;
}

static void unbind(struct xencons *x)
{
	if (x->remote_port >= 0)
		xenevtchn_unbind(x->evt, x->local_port);
	x->remote_port = -1;
}

static void disconnect(struct xencons *x)
{
	unmap_ring(x);
	unbind(x);
	if (x->pty_fd >= 0)
		close(x->pty_fd);
	x->pty_fd = -1;
	x->tty[0] = '\0';
	x->connected = false;
}

/*
 * The primary console: its reserved grant first (needs no guest frame
 * number), then the foreign mapping of ring-ref, a frame.  A vuart has no
 * grant (the reserved one is the PV console's page): its frame only.  A
 * secondary PV console (device/console/N) has no reserved grant either:
 * its ring-ref is a grant ref of its own.
 */
static int map_ring(struct xencons *x, long ring_ref)
{
	if (x->secondary) {
		x->intf = xengnttab_map_grant_ref(x->gnt, x->p.domid, (uint32_t)ring_ref,
						  PROT_READ | PROT_WRITE);
		x->intf_granted = true;
		if (!x->intf) {
			int e = errno;

			say(x, "cannot map console ring %s of domain %u (grant %ld): %s", x->path,
			    x->p.domid, ring_ref, strerror(e));
			return -e;
		}
		x->ring_ref = ring_ref;
		return 0;
	}
	x->intf = x->p.frame_only ? NULL :
				    xengnttab_map_grant_ref(x->gnt, x->p.domid, GNTTAB_RESERVED_CONSOLE,
							    PROT_READ | PROT_WRITE);
	x->intf_granted = x->intf != NULL;
	if (!x->intf) {
		xen_pfn_t pfn = (xen_pfn_t)ring_ref;

		x->intf = xenforeignmemory_map(x->fmem, x->p.domid, PROT_READ | PROT_WRITE, 1, &pfn,
					       NULL);
		if (!x->intf) {
			int e = errno;

			if (x->p.frame_only)
				say(x, "cannot map the console ring of domain %u (frame %ld): %s",
				    x->p.domid, ring_ref, strerror(e));
			else
				say(x, "cannot map the console ring of domain %u (grant %d, then frame %ld): %s",
				    x->p.domid, GNTTAB_RESERVED_CONSOLE, ring_ref, strerror(e));
			return -e;
		}
	}
	x->ring_ref = ring_ref;
	return 0;
}

static int bind_port(struct xencons *x, long port)
{
	xenevtchn_port_or_error_t local = xenevtchn_bind_interdomain(x->evt, x->p.domid,
								      (evtchn_port_t)port);

	if (local < 0) {
		int e = errno;

		say(x, "cannot bind event channel %ld of domain %u: %s", port, x->p.domid, strerror(e));
		return -e;
	}
	x->local_port = (evtchn_port_t)local;
	x->remote_port = port;
	return 0;
}

/* xenconsoled serves consoles whose type is "xenconsoled" or absent; it has one when it wrote tty. */
static bool xenconsoled_serves(struct xencons *x)
{
	char *type = node(x, "type"), *tty = node(x, "tty");
	bool serves = tty && (!type || !strcmp(type, "xenconsoled"));

	free(type);
	free(tty);
	return serves;
}

static void claim(struct xencons *x)
{
	const char *mine = x->p.claim_type ? x->p.claim_type : "vncterm";
	char full[300];

	if (x->claimed)
		return;
	x->old_type = x->stale_claim ? strdup("xenconsoled") : node(x, "type");
	snprintf(full, sizeof(full), "%s/type", x->path);
	if (!xs_write(x->xs, XBT_NULL, full, mine, (unsigned int)strlen(mine)))
		say(x, "cannot write %s: %s (xenconsoled may also read this ring)", full,
		    strerror(errno));
	x->claimed = true;
}

static void unclaim(struct xencons *x)
{
	char full[300];

	if (!x->claimed || x->gone)
		return;
	snprintf(full, sizeof(full), "%s/type", x->path);
	if (x->old_type)
		xs_write(x->xs, XBT_NULL, full, x->old_type, (unsigned int)strlen(x->old_type));
	else
		xs_rm(x->xs, XBT_NULL, full);
	x->claimed = false;
}

static void connect_ring(struct xencons *x, long ref, long port)
{
	bool was = x->connected, changed = ref != x->ring_ref || port != x->remote_port;

	if (ref != x->ring_ref) {
		unmap_ring(x);
		if (map_ring(x, ref) < 0) {
			disconnect(x);
			return;
		}
	}
	if (port != x->remote_port) {
		unbind(x);
		if (bind_port(x, port) < 0) {
			disconnect(x);
			return;
		}
	}
	if (!x->connected) {
		x->connected = true;
		x->credit = READ_CREDIT; /* what the guest wrote before we came */
		/* The guest may be waiting for room in out[] or for input. */
		xenevtchn_notify(x->evt, x->local_port);
	}
	if (changed || !was) {
		char how[48];

		if (x->intf_granted)
			snprintf(how, sizeof(how), "grant %ld",
				 x->secondary ? ref : (long)GNTTAB_RESERVED_CONSOLE);
		else
			snprintf(how, sizeof(how), "frame %ld", ref);
		say_at(x, XENCONS_LOG_INFO, "console ring of domain %u %s (%s, event channel %ld)",
		       x->p.domid, was ? "remapped" : "mapped", how, port);
	}
}

/* Watch-only mode: report what changed to whoever reads the console. */
static void tell(struct xencons *x, long ref, long port, const char *tty)
{
	if (ref == x->told_ref && port == x->told_port && !strcmp(tty ? tty : "", x->told_tty))
		return;
	x->told_ref = ref;
	x->told_port = port;
	snprintf(x->told_tty, sizeof(x->told_tty), "%s", tty ? tty : "");
	x->connected = ref >= 0 || (tty && *tty);
	x->p.changed(ref, port, tty, x->p.user);
}

static void refresh_ring(struct xencons *x)
{
	long ref = number_node(x, "ring-ref", 0xffffffffL);
	long port = number_node(x, "port", 0xffffffffL);

	if (ref < 0 || port < 0) {
		if (x->connected)
			say(x, "console of domain %u went away; waiting for it", x->p.domid);
		if (x->p.changed)
			tell(x, -1, -1, NULL);
		disconnect(x);
		return;
	}
	if (!x->claimed && xenconsoled_serves(x)) {
		if (!x->refused_logged)
			say(x, "xenconsoled serves %s (it wrote tty): not reading the ring", x->path);
		x->refused_logged = true;
		return;
	}
	claim(x);
	if (x->p.changed) {
		tell(x, ref, port, NULL);
		return;
	}
	connect_ring(x, ref, port);
}

/* ---- pty mode ---- */

int xencons_open_tty(const char *tty)
{
	int fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	struct termios t;

	if (fd < 0)
		return -errno;
	/* Bytes pass unchanged: the guest's terminal is not ours. */
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

static void refresh_pty(struct xencons *x)
{
	char *tty = node(x, "tty");

	if (!tty || !*tty || strlen(tty) >= sizeof(x->tty)) {
		if (x->connected)
			say(x, "console pty of domain %u went away; waiting for it", x->p.domid);
		free(tty);
		if (x->p.changed)
			tell(x, -1, -1, NULL);
		disconnect(x);
		return;
	}
	if (x->p.changed) {
		tell(x, -1, -1, tty);
		free(tty);
		return;
	}
	if (x->connected && !strcmp(tty, x->tty)) {
		free(tty);
		return;
	}
	disconnect(x);
	int fd = xencons_open_tty(tty);

	if (fd < 0) {
		say(x, "cannot open console pty %s of domain %u: %s", tty, x->p.domid, strerror(-fd));
		free(tty);
		return;
	}
	x->pty_fd = fd;
	snprintf(x->tty, sizeof(x->tty), "%s", tty);
	x->connected = true;
	say_at(x, XENCONS_LOG_INFO, "console pty %s of domain %u opened", tty, x->p.domid);
	free(tty);
}

static void refresh(struct xencons *x)
{
	if (x->gone)
		return;
	if (x->p.mode == XENCONS_RING)
		refresh_ring(x);
	else
		refresh_pty(x);
}

static void check_released(struct xencons *x)
{
	if (x->gone || xs_is_domain_introduced(x->xs, x->p.domid))
		return;
	/* The caller says so: it knows when its last output is out. */
	x->gone = true;
	say_at(x, XENCONS_LOG_INFO, "domain %u was released: its console is gone", x->p.domid);
	disconnect(x);
}

/* ---- the public side ---- */

bool xencons_is_primary(const char *path, unsigned int domid)
{
	char primary[64];

	if (!path)
		return true;
	snprintf(primary, sizeof(primary), "/local/domain/%u/console", domid);
	return !strcmp(path, primary);
}

static void set_path(struct xencons *x, const struct xencons_params *p)
{
	char vuart[64];

	if (p->path)
		snprintf(x->path, sizeof(x->path), "%s", p->path);
	else
		snprintf(x->path, sizeof(x->path), "/local/domain/%u/console", p->domid);
	/* A vuart's ring-ref is a frame, whoever names its path. */
	snprintf(vuart, sizeof(vuart), "/local/domain/%u/vuart/", p->domid);
	if (!strncmp(x->path, vuart, strlen(vuart)))
		x->p.frame_only = true;
	x->secondary = !x->p.frame_only && !xencons_is_primary(x->path, p->domid);
}

static int open_handles(struct xencons *x, char *err, int errlen)
{
	x->gnt = xengnttab_open(NULL, 0);
	x->fmem = xenforeignmemory_open(NULL, 0);
	x->evt = xenevtchn_open(NULL, 0);
	if (!x->gnt || !x->fmem || !x->evt) {
		snprintf(err, (size_t)errlen,
			 "cannot open %s: %s (run as root on a Xen host with xen-gntdev, "
			 "xen-privcmd and xen-evtchn loaded)",
			 !x->gnt ? "the grant table (/dev/xen/gntdev)" :
			 !x->fmem ? "foreign memory (/dev/xen/privcmd)" :
				    "event channels (/dev/xen/evtchn)",
			 strerror(errno));
		return -ENODEV;
	}
	return 0;
}

struct xencons *xencons_open_direct(const struct xencons_params *p, char *err, int errlen)
{
	struct xencons *x = calloc(1, sizeof(*x));

	if (!x) {
		snprintf(err, (size_t)errlen, "out of memory");
		return NULL;
	}
	x->p = *p;
	x->p.changed = NULL;
	if (!x->p.budget)
		x->p.budget = XENCONS_DEFAULT_BUDGET;
	if (!x->p.period_ms)
		x->p.period_ms = XENCONS_DEFAULT_PERIOD_MS;
	x->pty_fd = -1;
	xencons_lock_init(&x->lock);
	x->ring_ref = x->remote_port = -1;
	x->period_start = now_ms();
	set_path(x, p);
	if (p->mode == XENCONS_RING && open_handles(x, err, errlen) < 0) {
		xencons_free(x);
		return NULL;
	}
	return x;
}

void xencons_set_ring(struct xencons *x, long ring_ref, long port)
{
	if (ring_ref < 0 || port < 0) {
		if (x->connected)
			say_at(x, XENCONS_LOG_INFO, "console ring of domain %u unmapped",
			       x->p.domid);
		disconnect(x);
	} else
		connect_ring(x, ring_ref, port);
}

void xencons_set_pty(struct xencons *x, int fd, const char *tty)
{
	if (x->connected)
		say_at(x, XENCONS_LOG_INFO, "console pty %s of domain %u closed", x->tty,
		       x->p.domid);
	disconnect(x);
	if (fd < 0)
		return;
	x->pty_fd = fd;
	snprintf(x->tty, sizeof(x->tty), "%s", tty ? tty : "?");
	x->connected = true;
	say_at(x, XENCONS_LOG_INFO, "console pty %s of domain %u opened", x->tty, x->p.domid);
}

struct xencons *xencons_open(struct xs_handle *xs, const struct xencons_params *p, char *err,
			     int errlen)
{
	struct xencons *x = calloc(1, sizeof(*x));

	if (!x) {
		snprintf(err, (size_t)errlen, "out of memory");
		return NULL;
	}
	x->xs = xs;
	x->p = *p;
	if (!x->p.budget)
		x->p.budget = XENCONS_DEFAULT_BUDGET;
	if (!x->p.period_ms)
		x->p.period_ms = XENCONS_DEFAULT_PERIOD_MS;
	x->pty_fd = -1;
	xencons_lock_init(&x->lock);
	x->ring_ref = x->remote_port = -1;
	set_path(x, p);
	if (!xs_is_domain_introduced(xs, p->domid)) {
		snprintf(err, (size_t)errlen, "domain %u does not exist (xenstore: not introduced)",
			 p->domid);
		goto fail;
	}
	if (take_lock(x, err, errlen) < 0)
		goto fail;
	x->told_ref = x->told_port = -1;
	if (p->mode == XENCONS_RING && !p->changed && open_handles(x, err, errlen) < 0)
		goto fail;
	if (p->mode == XENCONS_RING) {
		if (xenconsoled_serves(x)) {
			snprintf(err, (size_t)errlen,
				 "xenconsoled serves %s (type is xenconsoled and it wrote tty): "
				 "use its pty, or have the toolstack set type to vncterm or xenconsole "
				 "before xenconsoled starts serving it",
				 x->path);
			goto fail;
		}
	}
	if (!xs_watch(xs, x->path, TOKEN_PATH) || !xs_watch(xs, "@releaseDomain", TOKEN_RELEASE)) {
		snprintf(err, (size_t)errlen, "xenstore watch on %s: %s", x->path, strerror(errno));
		goto fail;
	}
	x->watching = true;
	x->period_start = now_ms();
	refresh(x);
	return x;
fail:
	xencons_free(x);
	return NULL;
}

void xencons_free(struct xencons *x)
{
	if (!x)
		return;
	if (x->watching && x->xs) {
		xs_unwatch(x->xs, x->path, TOKEN_PATH);
		xs_unwatch(x->xs, "@releaseDomain", TOKEN_RELEASE);
	}
	unclaim(x);
	free(x->old_type);
	disconnect(x);
	if (x->evt)
		xenevtchn_close(x->evt);
	if (x->fmem)
		xenforeignmemory_close(x->fmem);
	if (x->gnt)
		xengnttab_close(x->gnt);
	xencons_lock_release(&x->lock);
	free(x);
}

int xencons_pollfds(struct xencons *x, struct pollfd *fds, int max, int *timeout)
{
	int n = 0;

	if (x->xs && n < max)
		fds[n++] = (struct pollfd){ .fd = xs_fileno(x->xs), .events = POLLIN };
	if (x->p.changed)
		return n; /* watch-only: the console is someone else's */
	if (x->connected && x->p.mode == XENCONS_RING && n < max)
		fds[n++] = (struct pollfd){ .fd = xenevtchn_fd(x->evt), .events = POLLIN };
	if (x->connected && x->p.mode == XENCONS_PTY && n < max)
		fds[n++] = (struct pollfd){ .fd = x->pty_fd,
					    .events = POLLIN | (x->want_write ? POLLOUT : 0) };
	if (x->throttled) {
		long long left = x->period_start + x->p.period_ms - now_ms();
		int ms = left < 0 ? 0 : (int)left;

		if (*timeout < 0 || ms < *timeout)
			*timeout = ms;
	}
	return n;
}

/* Events beyond the budget leave the channel masked until the period ends. */
static void take_events(struct xencons *x)
{
	long long now = now_ms();
	int fd = xenevtchn_fd(x->evt);

	if (now - x->period_start >= x->p.period_ms) {
		x->period_start = now;
		x->events = 0;
		if (x->throttled) {
			x->throttled = false;
			xenevtchn_unmask(x->evt, x->local_port);
			x->credit = READ_CREDIT;
		}
	}
	/* xenevtchn_pending() blocks when nothing is pending: look first. */
	for (int i = 0; i < 64; i++) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };

		if (poll(&pf, 1, 0) <= 0 || !(pf.revents & POLLIN))
			break;
		xenevtchn_port_or_error_t port = xenevtchn_pending(x->evt);

		if (port < 0)
			break;
		if ((evtchn_port_t)port != x->local_port) {
			xenevtchn_unmask(x->evt, (evtchn_port_t)port); /* a channel since rebound */
			continue;
		}
		x->credit = READ_CREDIT;
		if (++x->events > x->p.budget) {
			/* Once a second at most: a flood must not become a flood of lines. */
			if (!x->throttled && (!x->throttle_logged || now - x->throttle_logged >= 1000)) {
				say_at(x, XENCONS_LOG_INFO,
				       "domain %u is flooding its console: held off after %d events "
				       "in %d ms (--event-budget)", x->p.domid, x->p.budget,
				       x->p.period_ms);
				x->throttle_logged = now;
			}
			x->throttled = true;
			continue;
		}
		xenevtchn_unmask(x->evt, x->local_port);
	}
}

void xencons_handle(struct xencons *x)
{
	char **w;

	while (x->xs && (w = xs_check_watch(x->xs))) {
		if (!strcmp(w[XS_WATCH_TOKEN], TOKEN_RELEASE))
			check_released(x);
		else if (!strcmp(w[XS_WATCH_TOKEN], TOKEN_PATH))
			refresh(x);
		free(w);
	}
	if (x->connected && x->p.mode == XENCONS_RING && !x->p.changed)
		take_events(x);
}

ssize_t xencons_read(struct xencons *x, char *buf, size_t size)
{
	if (!x->connected)
		return -EAGAIN;
	if (x->p.mode == XENCONS_PTY) {
		ssize_t n = read(x->pty_fd, buf, size);

		if (n > 0)
			return n;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return -EAGAIN;
		/*
		 * xenconsoled closed its side.  Look again at once: a new pty may
		 * already be named, maybe under the same (recycled) name, whose
		 * watch event was taken while the old fd still looked alive.
		 */
		say(x, "console pty %s closed; waiting for a new one", x->tty);
		disconnect(x);
		if (x->xs)
			refresh(x);
		return -EAGAIN;
	}
	if (x->throttled || x->broken_out || x->credit <= 0)
		return -EAGAIN;
	if (size > (size_t)x->credit)
		size = (size_t)x->credit;
	int n = ring_read_out(x->intf, buf, size);

	if (n == -EPROTO) {
		say(x, "console ring of domain %u is broken (output indices %u..%u): no longer read",
		    x->p.domid, x->intf->out_cons, x->intf->out_prod);
		x->broken_out = true;
		return -EAGAIN;
	}
	if (n <= 0)
		return -EAGAIN;
	x->credit -= n;
	xenevtchn_notify(x->evt, x->local_port);
	return n;
}

ssize_t xencons_write(struct xencons *x, const char *buf, size_t len)
{
	if (!x->connected)
		return -EPIPE;
	if (x->p.mode == XENCONS_PTY) {
		ssize_t n = write(x->pty_fd, buf, len);

		x->want_write = n < 0 && errno == EAGAIN;
		if (n >= 0)
			return n;
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -EPIPE;
	}
	if (x->broken_in)
		return -EPIPE;
	int n = ring_write_in(x->intf, buf, len);

	if (n == -EPROTO) {
		say(x, "console ring of domain %u is broken (input indices %u..%u): input stopped",
		    x->p.domid, x->intf->in_cons, x->intf->in_prod);
		x->broken_in = true;
		return -EPIPE;
	}
	if (n == 0)
		return -EAGAIN; /* in[] is full: the guest's next event says it took some */
	xenevtchn_notify(x->evt, x->local_port);
	return n;
}

void xencons_retell(struct xencons *x)
{
	x->told_ref = x->told_port = -3; /* matches nothing: the next refresh reports */
	x->told_tty[0] = '\1';
	x->told_tty[1] = '\0';
	refresh(x);
}

bool xencons_connected(const struct xencons *x)
{
	return x->connected;
}

bool xencons_gone(const struct xencons *x)
{
	return x->gone;
}

const char *xencons_tty(const struct xencons *x)
{
	return x->connected && x->p.mode == XENCONS_PTY ? x->tty : NULL;
}
