/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvncserver, set up explicitly:
 * - it gets a private argv, so it parses none of ours;
 * - we create the listening sockets ourselves, bound to the addresses we
 *   chose (libvncserver would otherwise listen on every IPv4 and IPv6
 *   address), count the port up from 5900+N, and accept on them
 *   ourselves (port and ipv6port left at 0, so it opens none);
 * - updates are not deferred, and the framebuffer is 0x00RRGGBB.
 * Each viewer's modifier keys, and the dead key it may have pressed
 * (vt100/compose.h), are tracked in its conn (clientData): two viewers
 * typing at once never combine each other's accents.
 *
 * A viewer that stops reading must not stall the console: libvncserver
 * writes updates with blocking sends.  So before and after each update a
 * viewer whose socket still holds HOLD_BYTES unsent is put on hold
 * (libvncserver sends nothing to it) and looked at again shortly, and a
 * viewer held for STALL_MS is disconnected.  Its queue is
 * the kernel's send buffer; one update in flight is what may still block,
 * for at most rfbMaxClientWait (lowered to MAX_WAIT_MS).
 *
 * At most max_viewers connections are served at once, handshakes
 * included; more are closed as they are accepted (accept_new()), so that
 * a flood of connections exhausts neither the fds, nor the threads, nor
 * the loop.
 *
 * The extended clipboard (UTF-8) needs help from us: see clip_round().
 *
 * Threads.  libvncserver reads a message with blocking reads (a byte
 * every rfbMaxClientWait keeps it reading), and rfbNewClient() first
 * waits 100 ms for a WebSocket request, then reads it byte by byte: in
 * the loop's thread one viewer could stop the whole daemon.  So each
 * connection has a thread of its own that calls rfbNewClient() and then
 * rfbProcessClientMessage() as its socket becomes readable; everything
 * else stays in the loop's thread: accepting, the emulator (what a
 * viewer sends is queued, evqueue.h), and all output, framebuffer
 * updates included, so the framebuffer is only ever read by the thread
 * that draws and replaces it.  A viewer's thread and the loop never work
 * on its rfbClientRec at once: the thread is "busy" inside a message, the
 * loop is "out" while it sends to it.  Only the thread ever waits for the
 * other; the loop skips a busy viewer (a dripping one is busy for good)
 * and is woken when the message is done.  The loop stops a thread by
 * shutdown() of the socket, on a descriptor of its own (conn.fd) while
 * rfbNewClient() may still close libvncserver's, so that the number is
 * never one the loop could mistake for a newer connection's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
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

#include "vncterm/evqueue.h"
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

/* Queued per viewer before its thread waits (evqueue.h): keys, moves, pastes. */
#define QUEUE_ITEMS 256
#define QUEUE_BYTES (2u << 20)
/* Events handed to the emulator per round, so that one flood cannot keep the loop. */
#define DELIVER_MAX 1024
/* A viewer's thread: libvncserver's reads and handshake need little. */
#define THREAD_STACK (512 * 1024)

struct vnc;

/* One connection, from accept() to the end of its thread. */
struct conn {
	struct vnc *vnc;
	/*
	 * For shutdown() and SIOCOUTQ, under vnc.mu: a dup of libvncserver's
	 * lib_fd while rfbNewClient() may close that, then lib_fd itself.
	 */
	int fd;
	int lib_fd;
	pthread_t thread;
	pthread_cond_t cond;    /* the loop is no longer out; a resize was answered */
	struct evq_source src;
	char host[INET6_ADDRSTRLEN];
	long long connected_at; /* ms */
	/* Under vnc.mu. */
	rfbClientPtr cl;        /* once libvncserver took the connection */
	bool ready, done, busy, out, normal, stopped;
	long long busy_since;   /* ms */
	bool resize_done;
	int resize_result;
	/* The loop's only. */
	bool announced;
	bool joined;            /* its thread, by vnc_free() */
	long long held_since;   /* ms, 0 if not held */
	unsigned name_serial;   /* the title_serial it last got */
	/* The extended clipboard, as clip_round() follows it from libvncserver's counts. */
	uint32_t encodings_seen; /* SetEncodings messages received */
	uint32_t cuts_seen;      /* ClientCutText messages received ... */
	uint32_t cut_bytes_seen; /* ... and their bytes */
	uint32_t answers_before; /* ServerCutText messages sent before this round */
	bool clip_unsure;        /* we sent it ours while it was busy: its counts say nothing */
	bool caps_due;           /* our Caps, once the viewer is not on hold */
	bool request_due;        /* a Request for its text, likewise */
	/* Its thread's, or the loop's while it is out (the hand-over orders them). */
	bool shift_l, shift_r, ctrl_l, ctrl_r, alt_l, alt_r;
	struct vt_compose compose; /* zeroed by calloc(): no dead key waiting */
	int buttons;            /* RFB button mask last seen */
	int x, y;
	bool wants_name;        /* announced the DesktopName pseudo-encoding */
	bool name_fresh;        /* ... just now: send the name once */
	unsigned latin1_cuts;   /* Latin-1 pastes this round */
};

struct vnc {
	rfbScreenInfoPtr screen;
	int port;
	int listen_fds[2];
	pthread_mutex_t mu;         /* the conns' hand-over flags */
	struct evq q;
	struct conn **conns;        /* max_clients slots; changed by the loop under mu */
	int nconns;                 /* connections, handshakes included */
	int nclients;               /* of them, taken by libvncserver */
	bool stopping;
	bool accept_waits;          /* for a connection on its way out: see accept_new() */
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

/* What a viewer's thread hands the loop. */
enum event_type { EV_KEY, EV_POINTER, EV_PASTE, EV_RESIZE };

struct event {
	struct evq_item item;   /* first: the queue's */
	struct conn *from;
	enum event_type type;
	uint32_t keysym;
	unsigned mods, buttons;
	int button, x, y;
	bool down;
	size_t len;
	char text[];
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

static unsigned mods_of(const struct conn *c)
{
	return (c->shift_l || c->shift_r ? VT_MOD_SHIFT : 0) |
	       (c->ctrl_l || c->ctrl_r ? VT_MOD_CTRL : 0) |
	       (c->alt_l || c->alt_r ? VT_MOD_ALT : 0);
}

/*
 * The callbacks below run in the viewer's own thread, inside
 * rfbProcessClientMessage(): they touch nothing but their conn and hand
 * the rest to the loop.
 */
static struct event *event_new(struct conn *c, enum event_type type, size_t len)
{
	struct event *e = calloc(1, sizeof(*e) + len);

	if (e) {
		e->from = c;
		e->type = type;
		e->len = len;
	}
	return e;
}

/* Waits while this viewer has too much queued; dropped only as it goes away. */
static void post(struct conn *c, struct event *e)
{
	if (e && evq_push(&c->vnc->q, &c->src, &e->item, sizeof(*e) + e->len) < 0)
		free(e);
}

static void on_key(rfbBool down, rfbKeySym key, rfbClientPtr cl)
{
	struct conn *c = cl->clientData;

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
	/*
	 * A dead key and its letter become one keysym: the loop sees only
	 * characters.  The compose state is this viewer's, in its thread.
	 */
	uint32_t out[VT_COMPOSE_MAX];
	unsigned mods = mods_of(c);
	int n = vt_compose_feed(&c->compose, (uint32_t)key, mods, out);

	for (int k = 0; k < n; k++) {
		struct event *e = event_new(c, EV_KEY, 0);

		if (e) {
			e->keysym = out[k];
			e->mods = mods;
		}
		post(c, e);
	}
}

static void post_pointer(struct conn *c, int button, bool down, int x, int y)
{
	struct event *e = event_new(c, EV_POINTER, 0);

	if (e) {
		e->button = button;
		e->down = down;
		e->x = x;
		e->y = y;
		e->buttons = (unsigned)c->buttons;
		e->mods = mods_of(c);
	}
	post(c, e);
}

/* Turn RFB's button masks into presses, releases and moves. */
static void on_pointer(int mask, int x, int y, rfbClientPtr cl)
{
	struct conn *c = cl->clientData;

	if (!c || cl->viewOnly || !c->vnc->cb.pointer)
		return;
	if (x != c->x || y != c->y) {
		c->x = x;
		c->y = y;
		post_pointer(c, -1, false, x, y);
	}
	for (int b = 0; b < 5; b++) {
		int bit = 1 << b;

		if ((mask ^ c->buttons) & bit) {
			c->buttons ^= bit;
			post_pointer(c, b, (mask & bit) != 0, x, y);
		}
	}
}

/* libvncserver wants the answer now: the thread waits for the loop to resize. */
static int on_set_desktop_size(int width, int height, int nscreens,
			       struct rfbExtDesktopScreen *screens, rfbClientPtr cl)
{
	struct conn *c = cl->clientData;

	(void)nscreens;
	(void)screens;
	if (!c || cl->viewOnly || !c->vnc->cb.resize)
		return rfbExtDesktopSize_ResizeProhibited;
	struct vnc *v = c->vnc;
	struct event *e = event_new(c, EV_RESIZE, 0);
	int r = -ECANCELED;

	if (!e)
		return rfbExtDesktopSize_OutOfResources;
	e->x = width;
	e->y = height;
	pthread_mutex_lock(&v->mu);
	c->resize_done = false;
	pthread_mutex_unlock(&v->mu);
	if (evq_push(&v->q, &c->src, &e->item, sizeof(*e)) < 0) {
		free(e);
	} else {
		pthread_mutex_lock(&v->mu);
		while (!c->resize_done && !v->stopping)
			pthread_cond_wait(&c->cond, &v->mu);
		if (c->resize_done)
			r = c->resize_result;
		pthread_mutex_unlock(&v->mu);
	}
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
	struct conn *c = cl->clientData;

	if (len > 0)
		len = (int)strnlen(str, (size_t)len);
	if (!c || cl->viewOnly || len <= 0 || !c->vnc->cb.paste)
		return;
	struct event *e = event_new(c, EV_PASTE, (size_t)len);

	if (e)
		memcpy(e->text, str, (size_t)len);
	post(c, e);
}

/* Viewers without the UTF-8 extension send Latin-1: convert it. */
static void on_cut_latin1(char *str, int len, rfbClientPtr cl)
{
	struct conn *c = cl->clientData;
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

/* The loop reaps the connection and says so; libvncserver is freeing its half. */
static void on_client_gone(rfbClientPtr cl)
{
	cl->clientData = NULL;
}

/* A viewer announced DesktopName: it can learn title changes while connected. */
static rfbBool on_name_encoding(rfbClientPtr cl, void **data, int encoding)
{
	struct conn *c = cl->clientData;

	(void)data;
	if (encoding != ENCODING_DESKTOP_NAME || !c)
		return FALSE;
	c->wants_name = true;
	/* The name may have changed since its ServerInit: send it once now. */
	c->name_fresh = true;
	return TRUE;
}

static rfbBool on_name_new_client(rfbClientPtr cl, void **data)
{
	(void)cl;
	(void)data;
	return TRUE;
}

/*
 * An update holding one DesktopName rectangle.  Sent by the loop between
 * updates, when no other message to this viewer is half written.
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

/* A held viewer gets it once it reads again. */
static void send_name_to(struct vnc *v, struct conn *c)
{
	rfbClientPtr cl = c->cl;

	if (!c->wants_name || (!c->name_fresh && c->name_serial == v->title_serial) ||
	    cl->onHold || cl->state != RFB_NORMAL)
		return;
	c->name_fresh = false;
	c->name_serial = v->title_serial;
	send_name(cl, v->title);
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
 * So each round, for each viewer not busy in a message, clip_round():
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

/*
 * A round is what a viewer sent since the last one: its thread processes
 * messages whenever they come, the loop looks between them.
 */
static void clip_round(struct conn *c)
{
	rfbClientPtr cl = c->cl;

	if (cl->state != RFB_NORMAL)
		return;
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
		    !c->clip_unsure && answers < n && cl->enableExtendedClipboard && !cl->viewOnly &&
		    (cl->extClipboardUserCap & rfbExtendedClipboard_Request))
			c->request_due = true;
	}
	c->clip_unsure = false;
	c->latin1_cuts = 0;
	if (!cl->onHold) {
		if (c->caps_due) {
			c->caps_due = false;
			if (clip_send(cl, rfbExtendedClipboard_Caps | rfbExtendedClipboard_Request |
				      rfbExtendedClipboard_Peek | rfbExtendedClipboard_Notify |
				      rfbExtendedClipboard_Provide | rfbExtendedClipboard_Text) < 0)
				return;
		}
		if (c->request_due) {
			c->request_due = false;
			clip_send(cl, rfbExtendedClipboard_Request | rfbExtendedClipboard_Text);
		}
	}
	/* What libvncserver sends from here on answers the next round's messages. */
	c->answers_before = (uint32_t)rfbStatGetMessageCountSent(cl, rfbServerCutText);
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
		host, v->nconns, v->max_clients);
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

/* In the connection's thread, inside rfbNewClient(): find its conn by the descriptor. */
static enum rfbNewClientAction on_new_client(rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;
	struct conn *c = NULL;

	pthread_mutex_lock(&v->mu);
	for (int i = 0; i < v->nconns; i++)
		if (v->conns[i]->lib_fd == cl->sock)
			c = v->conns[i];
	pthread_mutex_unlock(&v->mu);
	if (!c)
		return RFB_CLIENT_REFUSE;
	cl->clientData = c;
	cl->clientGoneHook = on_client_gone;
	return RFB_CLIENT_ACCEPT;
}

/*
 * With backgroundLoop set, rfbCloseClient() only marks the client
 * RFB_SHUTDOWN; the socket is closed by rfbClientConnectionGone(), when
 * the loop reaps it.
 */
static bool alive(rfbClientPtr cl)
{
	return cl->sock >= 0 && cl->state != RFB_SHUTDOWN;
}

/* The thread is done with rfbProcessClientMessage(): the loop may send to it again. */
static void thread_idle(struct conn *c, rfbClientPtr cl)
{
	struct vnc *v = c->vnc;

	pthread_mutex_lock(&v->mu);
	c->busy = false;
	if (cl)
		c->normal = cl->state == RFB_NORMAL;
	pthread_mutex_unlock(&v->mu);
	evq_kick(&v->q);
}

/*
 * A connection's thread: the WebSocket check and handshake in
 * rfbNewClient(), then each message as it comes.  Ends once libvncserver
 * closed the connection (the loop makes it do so by shutdown(c->fd)).
 */
static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	struct vnc *v = c->vnc;
	rfbClientPtr cl = rfbNewClient(v->screen, c->lib_fd);

	/*
	 * rfbCloseClient() frees the WebSocket request's path and leaves it
	 * set: closed twice (the loop's write failing after this thread's
	 * read did), it would be freed twice.  Nothing reads it after the
	 * handshake.
	 */
	if (cl) {
		free(cl->wspath);
		cl->wspath = NULL;
	}
	pthread_mutex_lock(&v->mu);
	/*
	 * From here libvncserver closes its descriptor only in
	 * rfbClientConnectionGone(), which the loop calls: ours is not needed
	 * any more, and a viewer costs one descriptor, not two.
	 */
	if (cl) {
		close(c->fd);
		c->fd = c->lib_fd;
	}
	c->cl = cl;
	c->ready = cl != NULL;
	pthread_mutex_unlock(&v->mu);
	thread_idle(c, cl);
	/*
	 * rfbCloseClient() neither shuts the socket down nor closes it (with
	 * backgroundLoop set that is left to its thread, us): a client it
	 * closed in a message ends the loop at once; when the loop closed
	 * one, it also shut the socket down, which ends our poll().  Whether
	 * it is open is read while busy or under the lock: the loop may be
	 * closing it otherwise.
	 */
	bool open = cl != NULL;

	while (open) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break; /* not for a valid fd: the loop's shutdown() is what ends us */
		pthread_mutex_lock(&v->mu);
		while (c->out)
			pthread_cond_wait(&c->cond, &v->mu);
		open = alive(cl);
		if (open) {
			c->busy = true;
			c->busy_since = now_ms();
		}
		pthread_mutex_unlock(&v->mu);
		if (!open)
			break;
		do
			rfbProcessClientMessage(cl);
		while (alive(cl) && webSocketsHasDataInBuffer(cl));
		open = alive(cl);
		thread_idle(c, cl);
	}
	evq_close(&v->q, &c->src);
	pthread_mutex_lock(&v->mu);
	c->done = true;
	pthread_mutex_unlock(&v->mu);
	evq_kick(&v->q);
	return NULL;
}

static void host_of(const struct sockaddr_storage *ss, char *host, size_t len)
{
	snprintf(host, len, "?");
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, host, (socklen_t)len);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, host,
			  (socklen_t)len);
}

static int conn_start(struct vnc *v, int fd, const char *host)
{
	struct conn *c = calloc(1, sizeof(*c));
	pthread_attr_t attr;
	int r;

	if (!c)
		return -ENOMEM;
	c->vnc = v;
	c->fd = fd;
	c->connected_at = now_ms();
	snprintf(c->host, sizeof(c->host), "%s", host);
	c->lib_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (c->lib_fd < 0) {
		r = -errno;
		free(c);
		return r;
	}
	c->busy = true; /* until rfbNewClient() returns: the loop must not send */
	c->busy_since = c->connected_at;
	pthread_cond_init(&c->cond, NULL);
	pthread_mutex_lock(&v->mu);
	v->conns[v->nconns++] = c;
	pthread_mutex_unlock(&v->mu);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	r = -pthread_create(&c->thread, &attr, conn_thread, c);
	pthread_attr_destroy(&attr);
	if (r < 0) {
		pthread_mutex_lock(&v->mu);
		v->conns[--v->nconns] = NULL;
		pthread_mutex_unlock(&v->mu);
		pthread_cond_destroy(&c->cond);
		close(c->lib_fd);
		free(c);
	}
	return r;
}

/*
 * New connections are accepted here and handed to a thread each, at most
 * max_clients at once, handshakes included: past that each is closed as
 * it comes, for the cost of an accept().
 */
static void accept_new(struct vnc *v)
{
	log_refusals_held(v);
	/*
	 * At the limit with a connection on its way out (shut down, its
	 * thread ending): the next one waits in the backlog until that one
	 * is reaped, rather than being refused for a slot freed a moment
	 * later.  The ending thread's kick brings the loop back.
	 */
	v->accept_waits = false;
	pthread_mutex_lock(&v->mu);
	for (int i = 0; v->nconns >= v->max_clients && i < v->nconns; i++)
		v->accept_waits |= v->conns[i]->stopped || v->conns[i]->done;
	pthread_mutex_unlock(&v->mu);
	if (v->accept_waits)
		return;
	for (int i = 0; i < 2; i++) {
		/* Bounded, so that a steady stream cannot keep the loop here. */
		for (int n = 0; n < 64 && v->listen_fds[i] >= 0; n++) {
			struct sockaddr_storage ss;
			socklen_t len = sizeof(ss);
			char host[INET6_ADDRSTRLEN];
			int fd = accept4(v->listen_fds[i], (struct sockaddr *)&ss, &len,
					 SOCK_CLOEXEC | SOCK_NONBLOCK);

			if (fd < 0)
				break;
			host_of(&ss, host, sizeof(host));
			if (v->nconns >= v->max_clients) {
				close(fd);
				log_refusal(v, host);
				continue;
			}
			int r = conn_start(v, fd, host);

			if (r < 0) {
				log_msg(LOG_WARNING, "viewer %s refused: cannot start its thread: %s",
					host, strerror(-r));
				close(fd);
			}
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
	/*
	 * Viewers' threads allocate little (queued events): glibc's arena per
	 * thread would reserve 64 MiB of address space each, against RLIMIT_AS.
	 */
	mallopt(M_ARENA_MAX, 2);
	struct vnc *v = calloc(1, sizeof(*v));

	if (!v) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	v->max_clients = max_viewers > 0 ? max_viewers : 1;
	v->conns = calloc((size_t)v->max_clients, sizeof(*v->conns));
	int r = v->conns ? evq_init(&v->q, QUEUE_ITEMS, QUEUE_BYTES) : -ENOMEM;

	if (r < 0) {
		seterr(err, errlen, "viewers' event queue: %s", strerror(-r));
		free(v->conns);
		free(v);
		return NULL;
	}
	pthread_mutex_init(&v->mu, NULL);
	int fds[2];

	if (listen_open(addr, 5900 + display, fds, &v->port, err, errlen) < 0) {
		fds[0] = fds[1] = -1;
		goto fail;
	}
	int fd = fds[0], fd6 = fds[1];

	/* accept_new() takes what is there, never waits. */
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0 && fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK) < 0) {
			seterr(err, errlen, "O_NONBLOCK on the listening socket: %s", strerror(errno));
			goto fail;
		}
	v->listen_fds[0] = fd;
	v->listen_fds[1] = fd6;

	v->cb = *cb;
	v->user = user;
	v->log_level = log_level;
	snprintf(v->title, sizeof(v->title), "%s", title ? title : "vncterm");
	rfbMaxClientWait = MAX_WAIT_MS;
	/* libvncserver's own log is a debugging aid: dozens of lines a viewer. */
	rfbLogEnable(log_level >= 3);
	v->screen = rfbGetScreen(&argc, argv, width, height, 8, 3, 4);
	if (!v->screen) {
		seterr(err, errlen, "rfbGetScreen %dx%d failed", width, height);
		goto fail;
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
	/* Pointer events are handed on as they come (the loop does the rest). */
	s->deferPtrUpdateTime = 0;
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
	/*
	 * Our threads call rfbNewClient() and rfbClientConnectionGone() while
	 * the loop walks the client list: libvncserver frees a client only
	 * once no iterator holds it when this is set (its own threaded mode
	 * sets it).  We call neither rfbRunEventLoop() nor rfbProcessEvents():
	 * the listening sockets are ours, not given to libvncserver at all.
	 */
	s->backgroundLoop = TRUE;
	return v;
fail:
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	evq_destroy(&v->q);
	pthread_mutex_destroy(&v->mu);
	free(v->conns);
	free(v);
	return NULL;
}

static void conn_free(struct vnc *v, struct conn *c)
{
	if (!c->joined)
		pthread_join(c->thread, NULL);
	if (c->cl) {
		rfbClientConnectionGone(c->cl);
		if (c->announced) {
			v->nclients--;
			log_msg(LOG_INFO, "viewer %s disconnected", c->host);
		}
	} else {
		close(c->fd); /* libvncserver closed its own */
	}
	pthread_cond_destroy(&c->cond);
	free(c);
}

void vnc_free(struct vnc *v)
{
	if (!v)
		return;
	/* Every thread is woken: from its read, its queue, or a resize it waits for. */
	evq_close(&v->q, NULL);
	pthread_mutex_lock(&v->mu);
	v->stopping = true;
	for (int i = 0; i < v->nconns; i++) {
		shutdown(v->conns[i]->fd, SHUT_RDWR);
		pthread_cond_broadcast(&v->conns[i]->cond);
	}
	pthread_mutex_unlock(&v->mu);
	/* What they queued goes before they do: each item points at its conn. */
	for (int i = 0; i < v->nconns; i++) {
		pthread_join(v->conns[i]->thread, NULL);
		v->conns[i]->joined = true;
	}
	for (struct evq_item *it; (it = evq_pop(&v->q));)
		free(it);
	for (int i = 0; i < v->nconns; i++)
		conn_free(v, v->conns[i]);
	v->nconns = 0;
	/* Else rfbShutdownServer() waits for a listener thread that never was. */
	v->screen->backgroundLoop = FALSE;
	rfbShutdownServer(v->screen, TRUE);
	rfbScreenCleanup(v->screen);
	rfbUnregisterProtocolExtension(&v->name_ext);
	for (int i = 0; i < 2; i++)
		if (v->listen_fds[i] >= 0)
			close(v->listen_fds[i]);
	evq_destroy(&v->q);
	pthread_mutex_destroy(&v->mu);
	explicit_bzero(v->passwords, sizeof(v->passwords));
	free(v->conns);
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

int vnc_pollfds(struct vnc *v, struct pollfd *fds, int max, int *timeout)
{
	long long now = now_ms();
	int n = 0;

	pthread_mutex_lock(&v->mu);
	for (int i = 0; i < v->nconns; i++) {
		struct conn *c = v->conns[i];

		if (c->done || c->stopped)
			continue;
		/* A handshake, or a message under way, has as long as the handshake. */
		if (v->handshake_ms > 0 && (!c->ready || !c->normal))
			wake_within(timeout, c->connected_at + v->handshake_ms - now);
		else if (v->handshake_ms > 0 && c->busy)
			wake_within(timeout, c->busy_since + v->handshake_ms - now);
		if (!c->held_since)
			continue;
		/*
		 * A held viewer is looked at again every RECHECK_MS (its socket
		 * stays writable while its buffer is only partly full, so POLLOUT
		 * would spin); no timer runs while no viewer is held.
		 */
		long long left = c->held_since + STALL_MS - now;

		wake_within(timeout, left < RECHECK_MS ? left : RECHECK_MS);
	}
	pthread_mutex_unlock(&v->mu);
	/* Viewers' sockets are their threads' to poll; the loop hears from them here. */
	if (n < max)
		fds[n++] = (struct pollfd){ .fd = v->q.fd, .events = POLLIN };
	for (int i = 0; i < 2 && n < max && !v->accept_waits; i++)
		if (v->listen_fds[i] >= 0)
			fds[n++] = (struct pollfd){ .fd = v->listen_fds[i], .events = POLLIN };
	if (v->refusals_unlogged)
		wake_within(timeout, v->refusal_logged_at + REFUSAL_LOG_MS - now);
	return n;
}

/* Hand the emulator what viewers sent, in the order they sent it. */
static void deliver(struct vnc *v)
{
	struct evq_item *it;
	int n = 0;

	for (; n < DELIVER_MAX && (it = evq_pop(&v->q)); n++) {
		struct event *e = (struct event *)it;

		switch (e->type) {
		case EV_KEY:
			v->cb.key(e->keysym, e->mods, v->user);
			break;
		case EV_POINTER:
			v->cb.pointer(e->button, e->down, e->x, e->y, e->buttons, e->mods, v->user);
			break;
		case EV_PASTE:
			v->cb.paste(e->text, e->len, v->user);
			break;
		case EV_RESIZE: {
			int r = v->cb.resize(e->x, e->y, v->user);

			pthread_mutex_lock(&v->mu);
			e->from->resize_result = r;
			e->from->resize_done = true;
			pthread_cond_broadcast(&e->from->cond);
			pthread_mutex_unlock(&v->mu);
			break;
		}
		}
		free(e);
	}
	/*
	 * The loop draws before it calls us: what these events changed on
	 * the screen (a selection, say) is drawn on the next round, so make
	 * there be one.  So is what is left over a round's worth.
	 */
	if (n)
		evq_kick(&v->q);
}

/* Threads that ended, once nothing of theirs is queued. */
static void reap(struct vnc *v)
{
	for (int i = 0; i < v->nconns;) {
		struct conn *c = v->conns[i];

		pthread_mutex_lock(&v->mu);
		bool done = c->done;

		pthread_mutex_unlock(&v->mu);
		if (!done || evq_queued(&v->q, &c->src)) {
			i++;
			continue;
		}
		pthread_mutex_lock(&v->mu);
		v->conns[i] = v->conns[--v->nconns];
		v->conns[v->nconns] = NULL;
		pthread_mutex_unlock(&v->mu);
		conn_free(v, c);
	}
}

/* Make the thread end: its reads fail, and libvncserver closes the connection. */
static void conn_stop(struct conn *c)
{
	c->stopped = true;
	shutdown(c->fd, SHUT_RDWR);
}

/* Handshakes and messages that take too long; under v->mu. */
static void enforce_deadlines(struct vnc *v, struct conn *c, long long now)
{
	if (c->done || c->stopped || v->handshake_ms <= 0)
		return;
	/* A slot held by a connection that never gets to the console is a slot lost. */
	if ((!c->ready || !c->normal) && now - c->connected_at >= v->handshake_ms) {
		log_msg(LOG_WARNING, "viewer %s did not finish the RFB handshake in %d s: "
				     "disconnected (--handshake-timeout)",
			c->host, v->handshake_ms / 1000);
		conn_stop(c);
	} else if (c->busy && c->normal && now - c->busy_since >= v->handshake_ms) {
		log_msg(LOG_WARNING, "viewer %s took over %d s to send one message: "
				     "disconnected (--handshake-timeout)",
			c->host, v->handshake_ms / 1000);
		conn_stop(c);
	}
}

/* The viewer's thread is idle: the loop may use its rfbClientRec until conn_release(). */
static bool conn_acquire(struct vnc *v, struct conn *c)
{
	pthread_mutex_lock(&v->mu);
	bool ok = c->ready && !c->busy && !c->done && !c->stopped;

	if (ok)
		c->out = true;
	pthread_mutex_unlock(&v->mu);
	return ok;
}

static void conn_release(struct vnc *v, struct conn *c)
{
	pthread_mutex_lock(&v->mu);
	c->out = false;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&v->mu);
}

/* Hold a viewer that is not reading; drop it once it stopped for good.  false: dropped. */
static bool throttle(struct conn *c, long long now)
{
	rfbClientPtr cl = c->cl;
	int queued = 0;

	if (ioctl(c->fd, SIOCOUTQ, &queued) < 0 || queued < HOLD_BYTES) {
		c->held_since = 0;
		cl->onHold = FALSE;
		return true;
	}
	if (!c->held_since)
		c->held_since = now;
	cl->onHold = TRUE;
	if (now - c->held_since >= STALL_MS) {
		log_msg(LOG_WARNING, "viewer %s stopped reading for %d s: disconnected",
			c->host, STALL_MS / 1000);
		/* What it never read is thrown away, not kept for it in an orphaned socket. */
		struct linger now_please = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &now_please, sizeof(now_please));
		rfbCloseClient(cl);
		return false;
	}
	return true;
}

void vnc_process(struct vnc *v)
{
	evq_clear(&v->q);
	deliver(v);
	/* Slots freed first: a viewer may connect the moment another was cut. */
	reap(v);
	accept_new(v);
	long long now = now_ms();

	for (int i = 0; i < v->nconns; i++) {
		struct conn *c = v->conns[i];

		pthread_mutex_lock(&v->mu);
		enforce_deadlines(v, c, now);
		pthread_mutex_unlock(&v->mu);
		if (!conn_acquire(v, c))
			continue;
		rfbClientPtr cl = c->cl;

		if (!c->announced) {
			c->announced = true;
			v->nclients++;
			log_msg(LOG_INFO, "viewer %s connected (%d of at most %d)", c->host,
				v->nconns, v->max_clients);
		}
		if (alive(cl) && throttle(c, now)) {
			send_name_to(v, c);
			if (alive(cl))
				rfbUpdateClient(cl);
			/* What it was just sent may be what fills its socket: start the clock now. */
			if (alive(cl) && throttle(c, now))
				clip_round(c);
		}
		/* Closed by libvncserver or us just now: its thread must hear of it. */
		pthread_mutex_lock(&v->mu);
		if (!alive(cl))
			conn_stop(c);
		pthread_mutex_unlock(&v->mu);
		conn_release(v, c);
	}
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

	/*
	 * libvncserver writes it to every viewer under its sendMutex, ours
	 * and those busy in a message alike.  What it sends counts as answers
	 * in clip_round(): for viewers not busy it is taken off again, for the
	 * others the next round's Notify guess is skipped.
	 */
	bool *mine = calloc((size_t)v->max_clients, sizeof(*mine));
	uint32_t *sent = calloc((size_t)v->max_clients, sizeof(*sent));

	for (int i = 0; mine && sent && i < v->nconns; i++) {
		struct conn *c = v->conns[i];

		mine[i] = conn_acquire(v, c);
		if (mine[i])
			sent[i] = (uint32_t)rfbStatGetMessageCountSent(c->cl, rfbServerCutText);
	}
	rfbSendServerCutTextUTF8(v->screen, (char *)utf8, (int)len, latin1, (int)n);
	for (int i = 0; i < v->nconns; i++) {
		struct conn *c = v->conns[i];

		if (mine && sent && mine[i]) {
			c->answers_before += (uint32_t)rfbStatGetMessageCountSent(c->cl, rfbServerCutText) -
					     sent[i];
			pthread_mutex_lock(&v->mu);
			if (!alive(c->cl))
				conn_stop(c);
			pthread_mutex_unlock(&v->mu);
			conn_release(v, c);
		} else {
			pthread_mutex_lock(&v->mu);
			bool ready = c->ready;

			pthread_mutex_unlock(&v->mu);
			if (ready)
				c->clip_unsure = true;
		}
	}
	free(mine);
	free(sent);
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
