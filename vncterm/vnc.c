/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvncserver, set up explicitly and owned by the loop's thread alone
 * (vnc_internal.h says how viewers reach it):
 * - it gets a private argv, so it parses none of ours;
 * - we create the listening sockets ourselves, bound to the addresses we
 *   chose (libvncserver would otherwise listen on every IPv4 and IPv6
 *   address), count the port up from 5900+N, and accept on them
 *   ourselves (port and ipv6port left at 0, so it opens none);
 * - updates are not deferred, and the framebuffer is 0x00RRGGBB;
 * - its cursor is an invisible one: libvncserver reads the cursor's shape
 *   for every viewer without cursor shapes (a scroll's CopyRect, say), and
 *   our renderer draws the text cursor itself (a mouse pointer painted
 *   into the pixels would hide a cell).
 *
 * A viewer that stops reading must not stall the console: its output
 * queues in the relay (relay.h), and once HOLD_BYTES are queued it is put
 * on hold (sent nothing, read no more), looked at again every RECHECK_MS,
 * and disconnected when held for STALL_MS.
 *
 * This file: set-up, what the daemon asks of the viewers (title,
 * clipboard, framebuffer, damage), and each round's output: the desktop
 * name, the clipboard and the framebuffer update each viewer is due.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vncterm/bytes.h"
#include "vncterm/listen.h"
#include "vncterm/log.h"
#include "vncterm/vnc_internal.h"

/* libvncserver's blocking writes go into the relay's socketpair: this bounds a stuck one. */
#define MAX_WAIT_MS 2000

long long vnc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void seterr(char *err, int errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, int errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, (size_t)errlen, fmt, ap);
	va_end(ap);
}

/* 0x00RRGGBB, and the same again after a new framebuffer. */
static void set_format(rfbScreenInfoPtr s)
{
	s->serverFormat.redShift = 16;
	s->serverFormat.greenShift = 8;
	s->serverFormat.blueShift = 0;
}

static int screen_new(struct vnc *v, const char *title, uint32_t *fb, int width, int height)
{
	char arg0[] = "vncterm";
	char *argv[] = { arg0, NULL };
	int argc = 1;
	/* A 1x1 cursor with nothing in its mask: libvncserver has a shape to read, viewers see none. */
	static char blank[] = " ";

	rfbMaxClientWait = MAX_WAIT_MS;
	rfbLogEnable(v->log_level >= 3);
	snprintf(v->title, sizeof(v->title), "%s", title ? title : "vncterm");
	v->screen = rfbGetScreen(&argc, argv, width, height, 8, 3, 4);
	if (!v->screen)
		return -ENOMEM;
	rfbScreenInfoPtr s = v->screen;

	s->screenData = v;
	s->frameBuffer = (char *)fb;
	set_format(s);
	s->desktopName = v->title;
	s->alwaysShared = TRUE;
	s->autoPort = FALSE;
	s->port = 0;
	s->ipv6port = 0;
	s->httpDir = NULL;
	s->deferUpdateTime = 0;
	s->deferPtrUpdateTime = 0;
	v->cursor = rfbMakeXCursor(1, 1, blank, blank);
	if (!v->cursor)
		return -ENOMEM;
	rfbSetCursor(s, v->cursor);
	viewer_callbacks(s);
	rfbInitServer(s);
	return 0;
}

static void vnc_release(struct vnc *v)
{
	viewer_free_all(v);
	relay_free(v->relay);
	if (v->screen) {
		rfbShutdownServer(v->screen, TRUE);
		rfbScreenCleanup(v->screen);
	}
	for (int i = 0; i < LISTEN_FDS; i++)
		if (v->listen_fds[i] >= 0)
			close(v->listen_fds[i]);
	if (v->wake_fd >= 0)
		close(v->wake_fd);
	if (v->spare_fd >= 0)
		close(v->spare_fd);
	explicit_bzero(v->passwords, sizeof(v->passwords));
	compose_table_free(v->compose);
	free(v->clip);
	free(v->conns);
	free(v);
}

/*
 * Here, before the sandbox: the table's file is found and mapped from
 * /usr/share/X11/locale, which the worker's chroot does not have (it is
 * compiled at the first key).  Without one, viewers still
 * type, only dead keys and Multi_key sequences type nothing.
 */
static void load_compose(struct vnc *v)
{
	char why[256];

	v->compose = compose_table_load(NULL, why, sizeof(why));
	if (!v->compose)
		log_msg(LOG_WARNING, "%s: dead keys and Compose sequences will type nothing", why);
}

struct vnc *vnc_new(const char *addr, int display, bool tcp, const char *title, uint32_t *fb,
		    int width, int height, int log_level, int max_viewers,
		    const struct vnc_callbacks *cb, void *user, char *err, int errlen)
{
	struct vnc *v = calloc(1, sizeof(*v));
	int r;

	if (!v) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	for (int i = 0; i < LISTEN_FDS; i++)
		v->listen_fds[i] = -1;
	v->wake_fd = v->spare_fd = -1;
	v->tcp = tcp;
	v->max_clients = max_viewers > 0 ? max_viewers : 1;
	v->log_level = log_level;
	v->cb = *cb;
	v->user = user;
	v->conns = calloc((size_t)v->max_clients, sizeof(*v->conns));
	v->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!v->conns || v->wake_fd < 0) {
		seterr(err, errlen, "viewers' set-up: %s", v->conns ? strerror(errno) : "out of memory");
		goto fail;
	}
	/* Given up when the descriptors run out, to shed a connection (viewer.c). */
	v->spare_fd = fcntl(v->wake_fd, F_DUPFD_CLOEXEC, 0);
	/*
	 * The relay is one thread: glibc's arena per thread would reserve
	 * 64 MiB of address space for it, against RLIMIT_AS.
	 */
	mallopt(M_ARENA_MAX, 2);
	/*
	 * Blocks from 128 KiB up (the encoders' scratch buffers, encmem.c;
	 * a slow viewer's queue) are mmap()ed and so given back when freed:
	 * left to itself, glibc raises the threshold past the first such
	 * block freed, and later ones stay dirty in the heap.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	v->relay = relay_new(v->wake_fd, &r);
	if (!v->relay) {
		seterr(err, errlen, "the viewers' output thread: %s", strerror(-r));
		goto fail;
	}
	if (listen_open(addr, 5900 + display, tcp, v->listen_fds, &v->port, err, errlen) < 0) {
		v->listen_fds[0] = v->listen_fds[1] = -1;
		goto fail;
	}
	for (int i = 0; i < 2; i++)
		if (v->listen_fds[i] >= 0 &&
		    fcntl(v->listen_fds[i], F_SETFL, fcntl(v->listen_fds[i], F_GETFL) | O_NONBLOCK) < 0) {
			seterr(err, errlen, "O_NONBLOCK on the listening socket: %s", strerror(errno));
			goto fail;
		}
	if (screen_new(v, title, fb, width, height) < 0) {
		seterr(err, errlen, "rfbGetScreen %dx%d failed", width, height);
		goto fail;
	}
	load_compose(v);
	return v;
fail:
	vnc_release(v);
	return NULL;
}

void vnc_free(struct vnc *v)
{
	if (v)
		vnc_release(v);
}

int vnc_set_passwords(struct vnc *v, const char *full, const char *view_only)
{
	int n = 0;

	if ((full && strlen(full) > PASSWORD_MAX) || (view_only && strlen(view_only) > PASSWORD_MAX))
		return -EINVAL;
	if (full) {
		snprintf(v->passwords[0], sizeof(v->passwords[0]), "%s", full);
		v->password_list[n++] = v->passwords[0];
	}
	v->screen->authPasswdFirstViewOnly = n;
	if (view_only) {
		snprintf(v->passwords[1], sizeof(v->passwords[1]), "%s", view_only);
		v->password_list[n++] = v->passwords[1];
	}
	v->password_list[n] = NULL;
	if (n == 0)
		return 0;
	/* rfbCheckPasswordByList marks viewers from authPasswdFirstViewOnly on as view-only. */
	v->screen->authPasswdData = v->password_list;
	v->screen->passwordCheck = rfbCheckPasswordByList;
	return 0;
}

void vnc_set_handshake_timeout(struct vnc *v, int ms)
{
	v->handshake_ms = ms > 0 ? ms : 0;
}

void vnc_listen_unix(struct vnc *v, int fd)
{
	if (v->listen_fds[LISTEN_UNIX] >= 0)
		close(v->listen_fds[LISTEN_UNIX]);
	v->listen_fds[LISTEN_UNIX] = fd;
}

void vnc_set_idle_timeout(struct vnc *v, int ms)
{
	v->idle_ms = ms > 0 ? ms : 0;
}

int vnc_port(const struct vnc *v)
{
	return v->port;
}

int vnc_clients(const struct vnc *v)
{
	return v->nclients;
}

void vnc_set_debug(struct vnc *v, bool on)
{
	(void)v;
	rfbLogEnable(on);
}

void vnc_set_title(struct vnc *v, const char *title)
{
	if (!strncmp(v->title, title, sizeof(v->title) - 1))
		return;
	snprintf(v->title, sizeof(v->title), "%s", title);
	v->title_serial++;
}

int vnc_pollfds(struct vnc *v, struct pollfd *fds, int max, int *timeout)
{
	long long now = vnc_now_ms();
	int n = 0;

	viewer_deadlines(v, timeout);
	if (n < max)
		fds[n++] = (struct pollfd){ .fd = v->wake_fd, .events = POLLIN };
	for (int i = v->tcp ? 0 : LISTEN_UNIX;
	     i < LISTEN_FDS && !v->accept_waits && now >= v->accept_resume; i++)
		if (v->listen_fds[i] >= 0 && n < max)
			fds[n++] = (struct pollfd){ .fd = v->listen_fds[i], .events = POLLIN };
	for (int i = 0; i < v->nconns && n < max; i++) {
		struct conn *c = v->conns[i];

		if (c->phase == PHASE_CLOSED)
			continue;
		long long due = encmem_due(c);

		if (due >= 0 && (*timeout < 0 || due - now < *timeout))
			*timeout = due < now ? 0 : (int)(due - now);
		/* A held viewer is looked at again every RECHECK_MS, until STALL_MS. */
		if (c->held_since) {
			long long left = c->held_since + STALL_MS - now;

			if (left > RECHECK_MS)
				left = RECHECK_MS;
			if (*timeout < 0 || left < *timeout)
				*timeout = left < 0 ? 0 : (int)left;
			continue;
		}
		fds[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
	}
	return n;
}

/*
 * An update holding one DesktopName rectangle (pseudo-encoding -307,
 * which libvncserver 0.9.14 lacks), between libvncserver's updates.
 */
static void send_name(struct conn *c, const char *title)
{
	size_t len = strlen(title);
	unsigned char msg[4 + 12 + 4 + 256] = { rfbFramebufferUpdate, 0, 0, 1 };

	put32(msg + 12, (uint32_t)ENCODING_DESKTOP_NAME);
	msg[19] = (unsigned char)len; /* title[] is under 256 bytes */
	memcpy(msg + 20, title, len);
	if (rfbWriteExact(c->cl, (char *)msg, (int)(20 + len)) < 0)
		rfbCloseClient(c->cl);
}

/*
 * RFB's Bell, written here rather than by rfbSendBell(), which writes to
 * every client, those in the middle of their handshake and those on hold
 * too.
 */
static void send_bell(struct conn *c)
{
	char msg[1] = { rfbBell };

	if (rfbWriteExact(c->cl, msg, (int)sizeof(msg)) < 0)
		rfbCloseClient(c->cl);
}

/* Hold a viewer that is not reading; drop it once it stopped for good.  false: dropped. */
static bool throttle(struct conn *c, long long now)
{
	int queued = 0;
	size_t pending = relay_pending(c->out);

	if (ioctl(c->fd, SIOCOUTQ, &queued) == 0 && queued > 0)
		pending += (size_t)queued;
	if (pending < HOLD_BYTES) {
		c->held_since = 0;
		c->cl->onHold = FALSE;
		return true;
	}
	if (!c->held_since)
		c->held_since = now;
	c->cl->onHold = TRUE;
	if (now - c->held_since < STALL_MS)
		return true;
	/* What it never read is thrown away, not kept for it in an orphaned socket. */
	struct linger now_please = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &now_please, sizeof(now_please));
	viewer_close(c, LOG_WARNING, "stopped reading for %d s: disconnected", STALL_MS / 1000);
	return false;
}

/* What this viewer is due: its name, a bell, the clipboard, the framebuffer. */
static void serve(struct vnc *v, struct conn *c, long long now, bool ring)
{
	if (relay_broken(c->out)) {
		viewer_close(c, LOG_DEBUG, "went away");
		return;
	}
	if (c->cl->state != RFB_NORMAL || !throttle(c, now))
		return;
	/*
	 * A held viewer is sent nothing: the latest title and text are due
	 * once it reads.  Not a bell: that is news, not state.
	 */
	if (c->cl->onHold)
		return;
	if (c->wants_name && (c->name_fresh || c->name_serial != v->title_serial)) {
		char name[sizeof(v->title)];

		c->name_fresh = false;
		c->name_serial = v->title_serial;
		send_name(c, policy_name(c, name, sizeof(name)));
	}
	/* The console's bell, or --idle-timeout's warning (policy.c). */
	if ((ring || c->idle_ring) && viewer_alive(c))
		send_bell(c);
	c->idle_ring = false;
	if (viewer_alive(c))
		clip_send(c);
	if (viewer_alive(c) && rfbUpdateClient(c->cl))
		encmem_sent(c, now);
	/* What it was just sent may be what fills its socket: start the clock now. */
	if (viewer_alive(c))
		throttle(c, now);
	if (c->phase != PHASE_CLOSED && !viewer_alive(c))
		viewer_close(c, LOG_DEBUG, "disconnected while being sent to");
}

/*
 * Every viewer's socket is read without blocking each round (an idle one
 * costs one read that finds nothing), so the loop need not say which
 * were readable.
 */
void vnc_process(struct vnc *v)
{
	uint64_t news;

	if (read(v->wake_fd, &news, sizeof(news)) < 0) {
		/* Nothing from the relay this round. */
	}
	/* Slots freed first: a viewer may connect the moment another was cut. */
	viewer_reap(v);
	viewer_accept(v);
	for (int i = 0; i < v->nconns; i++)
		viewer_input(v->conns[i]);
	long long now = vnc_now_ms();
	bool ring = v->bell_due && now - v->bell_at >= VNC_BELL_MS;

	v->bell_due = false;
	if (ring)
		v->bell_at = now;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < v->nconns; i++)
		if (v->conns[i]->phase == PHASE_RFB && viewer_alive(v->conns[i]))
			serve(v, v->conns[i], now, ring);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	v->send_cost_us += (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
	bool freed = false;

	for (int i = 0; i < v->nconns; i++)
		if (viewer_alive(v->conns[i]))
			freed |= encmem_idle(v->conns[i], now);
	/* The smaller ones lie in the heap, between blocks in use: given back too. */
	if (freed)
		malloc_trim(0);
	viewer_reap(v);
}

void vnc_flush(struct vnc *v)
{
	for (int i = 0; i < v->nconns; i++)
		if (v->conns[i]->phase == PHASE_RFB && viewer_alive(v->conns[i]))
			relay_flush(v->conns[i]->out);
}

long long vnc_take_send_cost(struct vnc *v)
{
	long long us = v->send_cost_us;

	v->send_cost_us = 0;
	return us;
}

void vnc_bell(struct vnc *v)
{
	v->bell_due = true;
}

void vnc_set_paste_on_receive(struct vnc *v, bool on)
{
	v->paste_on_receive = on;
}

void vnc_set_clipboard(struct vnc *v, const char *utf8, size_t len)
{
	char *copy;

	if (len > CLIP_TEXT_MAX)
		len = CLIP_TEXT_MAX;
	copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, utf8, len);
	copy[len] = '\0';
	free(v->clip);
	v->clip = copy;
	v->clip_len = len;
	v->clip_order = ++v->clip_events; /* newer than what any viewer sent before */
	/* Each viewer gets it in the next round, or once it reads again. */
	v->clip_serial++;
}

void vnc_set_framebuffer(struct vnc *v, uint32_t *fb, int width, int height)
{
	rfbNewFramebuffer(v->screen, (char *)fb, width, height, 8, 3, 4);
	/* Same depth, so the format stands; say so in case the library reset it. */
	set_format(v->screen);
}

void vnc_damage(struct vnc *v, int x, int y, int w, int h)
{
	rfbMarkRectAsModified(v->screen, x, y, x + w, y + h);
}

void vnc_copy(struct vnc *v, int x, int y, int w, int h, int dx, int dy)
{
	rfbScheduleCopyRect(v->screen, x, y, x + w, y + h, dx, dy);
}
