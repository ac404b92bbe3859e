/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvncserver, set up explicitly:
 * - it gets a private argv, so it parses none of ours;
 * - we create the listening sockets ourselves, bound to the addresses we
 *   chose (libvncserver would otherwise listen on every IPv4 and IPv6
 *   address), count the port up from 5900+N, and hand them over after
 *   rfbInitServer() with port and ipv6port left at 0 so it opens none;
 * - updates are not deferred, and the framebuffer is 0x00RRGGBB.
 * Each viewer's modifier keys, and the dead key it may have pressed
 * (vt100/compose.h), are tracked in its clientData: two viewers typing at
 * once never combine each other's accents.
 *
 * A viewer that stops reading must not stall the console: libvncserver
 * writes updates with blocking sends.  So before each round of updates a
 * viewer whose socket still holds HOLD_BYTES unsent is put on hold
 * (libvncserver sends nothing to it) and looked at again shortly, and a
 * viewer held for STALL_MS is disconnected.  Its queue is
 * the kernel's send buffer; one update in flight is what may still block,
 * for at most rfbMaxClientWait (lowered to MAX_WAIT_MS).
 *
 * At most max_viewers viewers are served at once; more are disconnected
 * as they connect (refuse_excess(), and on_new_client() for those that
 * get past it), so that a flood of connections exhausts neither the fds
 * nor the loop.
 *
 * The extended clipboard (UTF-8) needs help from us: see clip_round().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <rfb/keysym.h>
#include <rfb/rfb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vncterm/log.h"
#include "vncterm/listen.h"
#include "vncterm/password.h"
#include "vncterm/vnc.h"
#include "vt100/compose.h"
#include "vt100/keys.h"

#define HOLD_BYTES (64 * 1024)
#define STALL_MS 10000
#define MAX_WAIT_MS 2000
#define RECHECK_MS 50
#define REFUSAL_LOG_MS 1000
/* RFB's DesktopName pseudo-encoding, which libvncserver 0.9.14 lacks. */
#define ENCODING_DESKTOP_NAME (-307)
/* The most text libvncserver takes in one extended clipboard message. */
#define CLIP_TEXT_MAX (1u << 20)
/* An extended ClientCutText of flags alone (Notify, Request, Peek): header and flags. */
#define CLIP_FLAGS_MSG 12u

struct vnc {
	rfbScreenInfoPtr screen;
	int port;
	int nclients;
	int max_clients;            /* --max-viewers */
	int handshake_ms;           /* --handshake-timeout; 0: none */
	int log_level;
	long long refusal_logged_at; /* ms */
	unsigned long refusals_unlogged;
	char title[256];
	unsigned title_serial;      /* counts title changes */
	int name_encodings[2];      /* the DesktopName pseudo-encoding, 0-terminated */
	rfbProtocolExtension name_ext;
	char passwords[2][PASSWORD_MAX + 1];
	char *password_list[3]; /* full access first, view-only after: libvncserver's order */
	struct vnc_callbacks cb;
	void *user;
};

/* Per viewer: which modifier keys are held, its dead key; since when it is on hold. */
struct client_state {
	struct vnc *vnc;
	bool shift_l, shift_r, ctrl_l, ctrl_r, alt_l, alt_r;
	struct vt_compose compose; /* zeroed by calloc(): no dead key waiting */
	long long held_since; /* ms, 0 if not held */
	int buttons;          /* RFB button mask last seen */
	long long connected_at; /* ms */
	bool wants_name;      /* announced the DesktopName pseudo-encoding */
	unsigned name_serial; /* the title_serial it last got */
	int x, y;
	/* The extended clipboard, as clip_round() follows it from libvncserver's counts. */
	uint32_t encodings_seen; /* SetEncodings messages received */
	uint32_t cuts_seen;      /* ClientCutText messages received ... */
	uint32_t cut_bytes_seen; /* ... and their bytes */
	uint32_t answers_before; /* ServerCutText messages sent before this round */
	unsigned latin1_cuts;    /* Latin-1 pastes this round */
	bool caps_due;           /* our Caps, once the viewer is not on hold */
	bool request_due;        /* a Request for its text, likewise */
};

static long long now_ms(void)
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

static unsigned mods_of(const struct client_state *c)
{
	return (c->shift_l || c->shift_r ? VT_MOD_SHIFT : 0) |
	       (c->ctrl_l || c->ctrl_r ? VT_MOD_CTRL : 0) |
	       (c->alt_l || c->alt_r ? VT_MOD_ALT : 0);
}

static void on_key(rfbBool down, rfbKeySym key, rfbClientPtr cl)
{
	struct client_state *c = cl->clientData;

	if (!c)
		return;
	switch (key) {
	case XK_Shift_L: c->shift_l = down; return;
	case XK_Shift_R: c->shift_r = down; return;
	case XK_Control_L: c->ctrl_l = down; return;
	case XK_Control_R: c->ctrl_r = down; return;
	case XK_Alt_L:
	case XK_Meta_L: c->alt_l = down; return;
	case XK_Alt_R:
	case XK_Meta_R: c->alt_r = down; return;
	default: break;
	}
	if (!down || cl->viewOnly || !c->vnc->cb.key)
		return;
	/* A dead key and its letter become one keysym: the owner sees only characters. */
	uint32_t out[VT_COMPOSE_MAX];
	unsigned mods = mods_of(c);
	int n = vt_compose_feed(&c->compose, (uint32_t)key, mods, out);

	for (int i = 0; i < n; i++)
		c->vnc->cb.key(out[i], mods, c->vnc->user);
}

/* Turn RFB's button masks into presses, releases and moves. */
static void on_pointer(int mask, int x, int y, rfbClientPtr cl)
{
	struct client_state *c = cl->clientData;

	if (!c || cl->viewOnly || !c->vnc->cb.pointer)
		return;
	unsigned mods = mods_of(c);

	if (x != c->x || y != c->y) {
		c->x = x;
		c->y = y;
		c->vnc->cb.pointer(-1, false, x, y, (unsigned)c->buttons, mods, c->vnc->user);
	}
	for (int b = 0; b < 5; b++) {
		int bit = 1 << b;

		if ((mask ^ c->buttons) & bit) {
			c->buttons ^= bit;
			c->vnc->cb.pointer(b, (mask & bit) != 0, x, y, (unsigned)c->buttons, mods,
					   c->vnc->user);
		}
	}
}

static int on_set_desktop_size(int width, int height, int nscreens,
			       struct rfbExtDesktopScreen *screens, rfbClientPtr cl)
{
	struct client_state *c = cl->clientData;

	(void)nscreens;
	(void)screens;
	if (!c || cl->viewOnly || !c->vnc->cb.resize)
		return rfbExtDesktopSize_ResizeProhibited;
	int r = c->vnc->cb.resize(width, height, c->vnc->user);

	return r == 0 ? rfbExtDesktopSize_Success :
	       r == -EPERM ? rfbExtDesktopSize_ResizeProhibited :
	       r == -ENOMEM ? rfbExtDesktopSize_OutOfResources : rfbExtDesktopSize_InvalidScreenLayout;
}

/*
 * The extended clipboard's text ends at its NUL.  libvncserver 0.9.14
 * passes the length the viewer claimed, not what it decompressed, and the
 * rest of its buffer is not the viewer's: see vnc_new().
 */
static void on_cut_utf8(char *str, int len, rfbClientPtr cl)
{
	struct client_state *c = cl->clientData;

	if (len > 0)
		len = (int)strnlen(str, (size_t)len);
	if (c && !cl->viewOnly && len > 0 && c->vnc->cb.paste)
		c->vnc->cb.paste(str, (size_t)len, c->vnc->user);
}

/* Viewers without the UTF-8 extension send Latin-1: convert it. */
static void on_cut_latin1(char *str, int len, rfbClientPtr cl)
{
	struct client_state *c = cl->clientData;
	char *u;

	/* A 4-byte Latin-1 paste is as long as a Notify: clip_round() must tell them apart. */
	if (c)
		c->latin1_cuts++;
	if (len <= 0 || len > (1 << 24))
		return;
	u = malloc(2 * (size_t)len);
	if (!u)
		return;
	size_t n = 0;

	for (int i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)str[i];

		if (ch < 0x80) {
			u[n++] = (char)ch;
		} else {
			u[n++] = (char)(0xc0 | ch >> 6);
			u[n++] = (char)(0x80 | (ch & 0x3f));
		}
	}
	on_cut_utf8(u, (int)n, cl);
	free(u);
}

static void on_client_gone(rfbClientPtr cl)
{
	struct client_state *c = cl->clientData;

	if (c) {
		log_msg(LOG_INFO, "viewer %s disconnected", cl->host && *cl->host ? cl->host : "?");
		c->vnc->nclients--;
		free(c);
		cl->clientData = NULL;
	}
}

/* A viewer announced DesktopName: it can learn title changes while connected. */
static rfbBool on_name_encoding(rfbClientPtr cl, void **data, int encoding)
{
	struct client_state *c = cl->clientData;

	(void)data;
	if (encoding != ENCODING_DESKTOP_NAME || !c)
		return FALSE;
	c->wants_name = true;
	/* The name may have changed since its ServerInit: send it once now. */
	c->name_serial = c->vnc->title_serial - 1;
	return TRUE;
}

static rfbBool on_name_new_client(rfbClientPtr cl, void **data)
{
	(void)cl;
	(void)data;
	return TRUE;
}

/*
 * An update holding one DesktopName rectangle.  Sent between rounds of
 * rfbProcessEvents(), when no other message to this viewer is half written.
 */
static void send_name(rfbClientPtr cl, const char *title)
{
	size_t len = strlen(title);
	unsigned char msg[4 + 12 + 4 + 256] = { rfbFramebufferUpdate, 0, 0, 1 };
	int32_t enc = ENCODING_DESKTOP_NAME;

	msg[12] = (unsigned char)((uint32_t)enc >> 24);
	msg[13] = (unsigned char)((uint32_t)enc >> 16);
	msg[14] = (unsigned char)((uint32_t)enc >> 8);
	msg[15] = (unsigned char)(uint32_t)enc;
	msg[19] = (unsigned char)len; /* title[] is under 256 bytes */
	memcpy(msg + 20, title, len);
	if (rfbWriteExact(cl, (char *)msg, (int)(20 + len)) < 0)
		rfbCloseClient(cl);
}

static void send_names(struct vnc *v)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(v->screen);
	rfbClientPtr cl;

	while ((cl = rfbClientIteratorNext(it))) {
		struct client_state *c = cl->clientData;

		/* A held viewer gets it once it reads again. */
		if (!c || !c->wants_name || c->name_serial == v->title_serial || cl->onHold ||
		    cl->sock < 0 || cl->state != RFB_NORMAL)
			continue;
		c->name_serial = v->title_serial;
		send_name(cl, v->title);
	}
	rfbReleaseClientIterator(it);
}

/*
 * The extended clipboard (pseudo-encoding 0xC0A1E5CE) carries UTF-8 text.
 * libvncserver 0.9.14 does part of it: it answers the pseudo-encoding with
 * a Caps message (Caps, Request, Peek, Provide; text), inflates a viewer's
 * Provide for on_cut_utf8(), and answers Request and Peek.  It neither
 * announces Notify nor does anything with a viewer's Notify.  noVNC (1.3,
 * Debian 12's) pastes through the extension only to a server that
 * announces Notify: it sends Notify and provides the text once asked
 * with a Request.  To any other server it sends ClientCutText with each
 * UTF-16 unit cut to a byte, and all beyond Latin-1 is lost.
 *
 * So after each round of rfbProcessEvents(), clip_round():
 * - sends a viewer whose SetEncodings libvncserver answered with its Caps
 *   our own Caps after it, the same plus Notify (a viewer goes by the last
 *   Caps it got);
 * - asks a viewer that sent a Notify for its text with a Request.
 * libvncserver shows nothing of a message it ignores, only its per-viewer
 * counts (rfbStat*).  ClientCutTexts of exactly 12 bytes (header and
 * flags) that were not Latin-1 and that libvncserver sent nothing in
 * answer to are a Notify, or a Request or Peek it had no text for; a
 * viewer sends those only after libvncserver's own Notify, which comes
 * with text.  A Notify that offers no text gets a Request too, which the
 * viewer has nothing to answer with.  Viewers whose Caps do not list
 * Request, and view-only ones, get no Request.
 *
 * At most one Request a round, each for at least 12 bytes the viewer
 * sent, and none while it is on hold (the flag waits): a viewer makes us
 * send no more than it sends, and nothing queues up here.
 */
static void put32(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)(x >> 24);
	p[1] = (unsigned char)(x >> 16);
	p[2] = (unsigned char)(x >> 8);
	p[3] = (unsigned char)x;
}

/* An extended ServerCutText of flags alone, or a Caps with the text size limit. */
static int clip_send(rfbClientPtr cl, uint32_t flags)
{
	unsigned char msg[16] = { rfbServerCutText };
	uint32_t body = flags & rfbExtendedClipboard_Caps ? 8 : 4;
	int r;

	put32(msg + 4, -body); /* a negative length marks the extended form */
	put32(msg + 8, flags);
	put32(msg + 12, CLIP_TEXT_MAX);
	/* libvncserver's own clipboard messages go out under this lock. */
	LOCK(cl->sendMutex);
	r = rfbWriteExact(cl, (char *)msg, (int)(8 + body));
	UNLOCK(cl->sendMutex);
	if (r < 0) {
		rfbCloseClient(cl);
		return -EIO;
	}
	return 0;
}

/* What libvncserver has sent each viewer so far, to see what it answers this round. */
static void clip_before_round(struct vnc *v)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(v->screen);
	rfbClientPtr cl;

	while ((cl = rfbClientIteratorNext(it))) {
		struct client_state *c = cl->clientData;

		if (!c)
			continue;
		c->answers_before = (uint32_t)rfbStatGetMessageCountSent(cl, rfbServerCutText);
		c->latin1_cuts = 0;
	}
	rfbReleaseClientIterator(it);
}

/* Between rounds, when no other message to a viewer is half written. */
static void clip_round(struct vnc *v)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(v->screen);
	rfbClientPtr cl;

	while ((cl = rfbClientIteratorNext(it))) {
		struct client_state *c = cl->clientData;

		if (!c || cl->sock < 0 || cl->state != RFB_NORMAL)
			continue;
		uint32_t encs = (uint32_t)rfbStatGetMessageCountRcvd(cl, rfbSetEncodings);

		if (encs != c->encodings_seen && cl->enableExtendedClipboard)
			c->caps_due = true;
		c->encodings_seen = encs;

		rfbStatList *cuts = rfbStatLookupMessage(cl, rfbClientCutText);

		if (cuts) {
			uint32_t n = cuts->rcvdCount - c->cuts_seen;
			uint32_t bytes = cuts->bytesRcvd - c->cut_bytes_seen;
			uint32_t answers = (uint32_t)rfbStatGetMessageCountSent(cl, rfbServerCutText) -
					   c->answers_before;

			c->cuts_seen = cuts->rcvdCount;
			c->cut_bytes_seen = cuts->bytesRcvd;
			/* Each is at least 12 bytes unless Latin-1: all were 12. */
			if (n && bytes / n == CLIP_FLAGS_MSG && bytes % n == 0 && !c->latin1_cuts &&
			    answers < n && cl->enableExtendedClipboard && !cl->viewOnly &&
			    (cl->extClipboardUserCap & rfbExtendedClipboard_Request))
				c->request_due = true;
		}
		if (cl->onHold)
			continue;
		if (c->caps_due) {
			c->caps_due = false;
			if (clip_send(cl, rfbExtendedClipboard_Caps | rfbExtendedClipboard_Request |
				      rfbExtendedClipboard_Peek | rfbExtendedClipboard_Notify |
				      rfbExtendedClipboard_Provide | rfbExtendedClipboard_Text) < 0)
				continue;
		}
		if (c->request_due) {
			c->request_due = false;
			clip_send(cl, rfbExtendedClipboard_Request | rfbExtendedClipboard_Text);
		}
	}
	rfbReleaseClientIterator(it);
}

/*
 * One line a refusal, but at most one a second: a flood of connections
 * must not become a flood of log lines.  Those held back are counted in
 * a line of their own a second later (log_refusals_held()).
 */
static void log_refusal(struct vnc *v, const char *host)
{
	long long now = now_ms();

	if (v->log_level < 1)
		return;
	if (v->refusal_logged_at && now - v->refusal_logged_at < REFUSAL_LOG_MS) {
		v->refusals_unlogged++;
		return;
	}
	log_msg(LOG_WARNING, "viewer %s refused: %d connected already (--max-viewers %d)",
		host, v->nclients, v->max_clients);
	v->refusal_logged_at = now;
}

static void log_refusals_held(struct vnc *v)
{
	long long now = now_ms();

	if (!v->refusals_unlogged || now - v->refusal_logged_at < REFUSAL_LOG_MS)
		return;
	log_msg(LOG_WARNING, "%lu more viewers refused (--max-viewers %d)",
		v->refusals_unlogged, v->max_clients);
	v->refusals_unlogged = 0;
	v->refusal_logged_at = now;
}

static enum rfbNewClientAction on_new_client(rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;
	struct client_state *c;

	/* Each viewer costs a socket and its buffers: a flood of them must not exhaust either. */
	if (v->nclients >= v->max_clients) {
		log_refusal(v, cl->host && *cl->host ? cl->host : "?");
		return RFB_CLIENT_REFUSE;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return RFB_CLIENT_REFUSE;
	c->vnc = v;
	c->connected_at = now_ms();
	cl->clientData = c;
	cl->clientGoneHook = on_client_gone;
	v->nclients++;
	log_msg(LOG_INFO, "viewer %s connected (%d of at most %d)",
		cl->host && *cl->host ? cl->host : "?", v->nclients, v->max_clients);
	return RFB_CLIENT_ACCEPT;
}

/*
 * At the limit, connections are refused here, before libvncserver takes
 * them: it first waits up to 100 ms on each new socket for a WebSocket
 * request, with the whole daemon stopped, and only then asks
 * on_new_client().  Refused that way, a burst of 200 connections took
 * about half a minute to turn away, one per round of the loop, with the
 * console down to a few frames a second meanwhile.  Closed here, each
 * costs an accept().
 */
static void refuse_excess(struct vnc *v)
{
	int socks[2] = { v->screen->listenSock, v->screen->listen6Sock };

	log_refusals_held(v);
	for (int i = 0; i < 2; i++) {
		/* Bounded, so that a steady stream cannot keep the loop here. */
		for (int n = 0; n < 64 && v->nclients >= v->max_clients && socks[i] >= 0; n++) {
			struct pollfd p = { .fd = socks[i], .events = POLLIN };
			struct sockaddr_storage ss;
			socklen_t len = sizeof(ss);
			char host[INET6_ADDRSTRLEN] = "?";

			if (poll(&p, 1, 0) != 1)
				break;
			int fd = accept4(socks[i], (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);

			if (fd < 0)
				break;
			if (ss.ss_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
					  sizeof(host));
			else if (ss.ss_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host,
					  sizeof(host));
			close(fd);
			log_refusal(v, host);
		}
	}
}

struct vnc *vnc_new(const char *addr, int display, const char *title, uint32_t *fb, int width,
		    int height, int log_level, int max_viewers, const struct vnc_callbacks *cb,
		    void *user, char *err, int errlen)
{
	char arg0[] = "vncterm";
	char *argv[] = { arg0, NULL };
	int argc = 1;
	/*
	 * libvncserver 0.9.14 gives an extended-clipboard paste a buffer of
	 * the size the viewer claims, filled only as far as the text it sent:
	 * the rest held whatever the heap did before, another viewer's paste
	 * among it, and a viewer that may type could have it typed into the
	 * console.  glibc then hands out new memory zeroed (and fills freed
	 * memory), so the text ends at its NUL.  Small blocks reused from
	 * glibc's per-thread cache are not covered: at most ~1 KiB of them.
	 */
	mallopt(M_PERTURB, 0xff);
	struct vnc *v = calloc(1, sizeof(*v));

	if (!v) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	int fds[2];

	if (listen_open(addr, 5900 + display, fds, &v->port, err, errlen) < 0) {
		free(v);
		return NULL;
	}
	int fd = fds[0], fd6 = fds[1];

	v->cb = *cb;
	v->user = user;
	v->max_clients = max_viewers > 0 ? max_viewers : 1;
	v->log_level = log_level;
	snprintf(v->title, sizeof(v->title), "%s", title ? title : "vncterm");
	rfbMaxClientWait = MAX_WAIT_MS;
	/* libvncserver's own log is a debugging aid: dozens of lines a viewer. */
	rfbLogEnable(log_level >= 3);
	v->screen = rfbGetScreen(&argc, argv, width, height, 8, 3, 4);
	if (!v->screen) {
		seterr(err, errlen, "rfbGetScreen %dx%d failed", width, height);
		close(fd);
		if (fd6 >= 0)
			close(fd6);
		free(v);
		return NULL;
	}
	rfbScreenInfoPtr s = v->screen;

	s->screenData = v;
	s->frameBuffer = (char *)fb;
	s->serverFormat.redShift = 16;
	s->serverFormat.greenShift = 8;
	s->serverFormat.blueShift = 0;
	s->desktopName = v->title;
	s->alwaysShared = TRUE;
	s->autoPort = FALSE;
	s->port = 0;
	s->ipv6port = 0;
	s->httpDir = NULL;
	s->deferUpdateTime = 0;
	/*
	 * Our renderer draws the text cursor; a mouse pointer painted into the
	 * pixels would hide a cell from viewers without cursor-shape support.
	 */
	s->cursor = NULL;
	s->kbdAddEvent = on_key;
	s->ptrAddEvent = on_pointer;
	s->setDesktopSizeHook = on_set_desktop_size;
	s->setXCutText = on_cut_latin1;
	s->setXCutTextUTF8 = on_cut_utf8;
	s->newClientHook = on_new_client;
	v->name_encodings[0] = ENCODING_DESKTOP_NAME;
	v->name_ext.newClient = on_name_new_client;
	v->name_ext.pseudoEncodings = v->name_encodings;
	v->name_ext.enablePseudoEncoding = on_name_encoding;
	rfbRegisterProtocolExtension(&v->name_ext);
	rfbInitServer(s);
	s->listenSock = fd;
	FD_SET(fd, &s->allFds);
	s->maxFd = fd > s->maxFd ? fd : s->maxFd;
	if (fd6 >= 0) {
		s->listen6Sock = fd6;
		FD_SET(fd6, &s->allFds);
		s->maxFd = fd6 > s->maxFd ? fd6 : s->maxFd;
	}
	return v;
}

void vnc_free(struct vnc *v)
{
	if (!v)
		return;
	rfbShutdownServer(v->screen, TRUE);
	rfbScreenCleanup(v->screen);
	rfbUnregisterProtocolExtension(&v->name_ext);
	explicit_bzero(v->passwords, sizeof(v->passwords));
	free(v);
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

/* Shorten *timeout (ms, -1: none) to left ms, no less than 0. */
static void wake_within(int *timeout, long long left)
{
	int ms = left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;

	if (*timeout < 0 || ms < *timeout)
		*timeout = ms;
}

int vnc_pollfds(const struct vnc *v, struct pollfd *fds, int max, int *timeout)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(v->screen);
	long long now = now_ms();
	rfbClientPtr cl;
	fd_set held;
	int n = 0;

	FD_ZERO(&held);
	while ((cl = rfbClientIteratorNext(it))) {
		struct client_state *c = cl->clientData;

		if (!c)
			continue;
		if (cl->state != RFB_NORMAL && v->handshake_ms > 0)
			wake_within(timeout, c->connected_at + v->handshake_ms - now);
		if (!c->held_since)
			continue;
		/*
		 * libvncserver does not read a held viewer: what it sent waits,
		 * and polling its socket for input would return at once, every
		 * time.  It is looked at again every RECHECK_MS instead (its
		 * socket stays writable while its buffer is only partly full, so
		 * POLLOUT would spin); no timer runs while no viewer is held.
		 */
		if (cl->sock >= 0 && cl->sock < FD_SETSIZE)
			FD_SET(cl->sock, &held);
		long long left = c->held_since + STALL_MS - now;

		wake_within(timeout, left < RECHECK_MS ? left : RECHECK_MS);
	}
	rfbReleaseClientIterator(it);
	for (int fd = 0; fd <= v->screen->maxFd && n < max; fd++) {
		if (FD_ISSET(fd, &v->screen->allFds) && !FD_ISSET(fd, &held)) {
			fds[n].fd = fd;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			n++;
		}
	}
	if (v->refusals_unlogged)
		wake_within(timeout, v->refusal_logged_at + REFUSAL_LOG_MS - now);
	return n;
}

/* Hold viewers that are not reading; drop the ones that stopped for good. */
static void throttle(struct vnc *v)
{
	rfbClientIteratorPtr it = rfbGetClientIterator(v->screen);
	long long now = now_ms();
	rfbClientPtr cl;

	while ((cl = rfbClientIteratorNext(it))) {
		struct client_state *c = cl->clientData;
		int queued = 0;

		if (!c || cl->sock < 0)
			continue;
		/* A slot held by a connection that never gets to the console is a slot lost. */
		if (cl->state != RFB_NORMAL && v->handshake_ms > 0 &&
		    now - c->connected_at >= v->handshake_ms) {
			log_msg(LOG_WARNING, "viewer %s did not finish the RFB handshake in %d s: "
					     "disconnected (--handshake-timeout)",
				cl->host && *cl->host ? cl->host : "?", v->handshake_ms / 1000);
			rfbCloseClient(cl);
			continue;
		}
		if (ioctl(cl->sock, SIOCOUTQ, &queued) < 0 || queued < HOLD_BYTES) {
			c->held_since = 0;
			cl->onHold = FALSE;
			continue;
		}
		if (!c->held_since)
			c->held_since = now;
		cl->onHold = TRUE;
		if (now - c->held_since >= STALL_MS) {
			log_msg(LOG_WARNING, "viewer %s stopped reading for %d s: disconnected",
			       cl->host ? cl->host : "?", STALL_MS / 1000);
			rfbCloseClient(cl);
		}
	}
	rfbReleaseClientIterator(it);
}

void vnc_process(struct vnc *v)
{
	refuse_excess(v);
	throttle(v);
	send_names(v);
	clip_before_round(v);
	rfbProcessEvents(v->screen, 0);
	clip_round(v);
}

/* UTF-8 to Latin-1 for viewers without the UTF-8 extension: others become '?'. */
static size_t to_latin1(const unsigned char *u, size_t len, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		unsigned char c = u[i++];

		if (c < 0x80) {
			out[n++] = (char)c;
			continue;
		}
		if ((c == 0xc2 || c == 0xc3) && i < len && (u[i] & 0xc0) == 0x80) {
			out[n++] = (char)((c & 0x03) << 6 | (u[i++] & 0x3f));
			continue;
		}
		out[n++] = '?';
		while (i < len && (u[i] & 0xc0) == 0x80)
			i++;
	}
	return n;
}

void vnc_set_clipboard(struct vnc *v, const char *utf8, size_t len)
{
	char *latin1;

	if (len > (1u << 24))
		return;
	latin1 = malloc(len + 1);
	if (!latin1)
		return;
	size_t n = to_latin1((const unsigned char *)utf8, len, latin1);

	rfbSendServerCutTextUTF8(v->screen, (char *)utf8, (int)len, latin1, (int)n);
	free(latin1);
}

void vnc_set_framebuffer(struct vnc *v, uint32_t *fb, int width, int height)
{
	rfbNewFramebuffer(v->screen, (char *)fb, width, height, 8, 3, 4);
	/* Same depth, so the format stands; say so in case the library reset it. */
	v->screen->serverFormat.redShift = 16;
	v->screen->serverFormat.greenShift = 8;
	v->screen->serverFormat.blueShift = 0;
}

void vnc_damage(struct vnc *v, int x, int y, int w, int h)
{
	rfbMarkRectAsModified(v->screen, x, y, x + w, y + h);
}

void vnc_copy(struct vnc *v, int x, int y, int w, int h, int dx, int dy)
{
	rfbScheduleCopyRect(v->screen, x, y, x + w, y + h, dx, dy);
}
