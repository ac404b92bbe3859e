/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each viewer from accept() to its end, in the loop's thread.
 *
 * A connection starts in PHASE_SNIFF: an RFB viewer waits for the
 * server's version, a WebSocket one sends "GET " at once.  Bytes, or
 * SNIFF_MS of silence, decide; a WebSocket request is read whole and
 * answered here (websocket.h).  Then libvncserver gets a socketpair's end
 * as the viewer's socket: rfbNewClient() first peeks four bytes for a
 * WebSocket request (waiting 100 ms for them), so "RFB " is put there for
 * it to find, and taken back once it has looked.  From then on the loop
 * reads the viewer's socket without blocking, decodes WebSocket frames,
 * and hands each whole handshake step and message to
 * rfbProcessClientMessage() through the pair (gate.h), which therefore
 * never waits.  ClientCutText is the clipboard's (clipboard.c), never
 * libvncserver's.  What libvncserver writes goes out through relay.h.
 *
 * A connection costs its slot until its output is flushed and the relay
 * has closed its descriptors (PHASE_CLOSED, then viewer_reap()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <malloc.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <rfb/keysym.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vncterm/bytes.h"
#include "vncterm/log.h"
#include "vncterm/vnc_internal.h"
#include "vt100/keys.h"

/* libvncserver's own wait for a WebSocket request. */
#define SNIFF_MS 100
/* A closed viewer's last words (a refusal's reason) get this long to go out. */
#define FLUSH_MS 1000
/* Units handed to libvncserver per viewer per round: one flood cannot keep the loop. */
#define UNITS_PER_ROUND 256
/* Accepting again after the fds ran out. */
#define EMFILE_BACKOFF_MS 250
/*
 * A message (or handshake step) begun and then left: closed after this
 * long without a byte, as libvncserver's own reads time out
 * (rfbMaxClientWait).  A viewer that keeps dripping is bounded by
 * --handshake-timeout instead.
 */
#define MSG_IDLE_MS 2000

static void wake_within(int *timeout, long long left)
{
	int ms = left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;

	if (*timeout < 0 || ms < *timeout)
		*timeout = ms;
}

bool viewer_alive(const struct conn *c)
{
	return c->phase != PHASE_CLOSED && (!c->cl || c->cl->sock >= 0);
}

void viewer_close(struct conn *c, int level, const char *fmt, ...)
{
	struct vnc *v = c->vnc;

	if (c->phase == PHASE_CLOSED)
		return;
	if (fmt) {
		char msg[256];
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		log_msg(level, "viewer %s %s", c->host, msg);
		audit_reason(c, msg);
	}
	if (c->cl) {
		/* Closes libvncserver's end of the pair: the relay sees its end after its last bytes. */
		if (c->cl->sock >= 0)
			rfbCloseClient(c->cl);
		rfbClientConnectionGone(c->cl);
		c->cl = NULL;
	}
	clip_free(c);
	if (c->out)
		relay_close(c->out, FLUSH_MS);
	else
		close(c->fd);
	if (c->announced)
		v->nclients--; /* its audit line comes once its output is flushed */
	c->phase = PHASE_CLOSED;
}

/* libvncserver is freeing its half (viewer_close() called it). */
static void on_client_gone(rfbClientPtr cl)
{
	cl->clientData = NULL;
}

/*
 * The loop draws before it reads the viewers: what their input changed on
 * the screen (a selection, a scroll back) is drawn on the next round, so
 * make there be one at once.
 */
void viewer_changed(struct vnc *v)
{
	uint64_t one = 1;

	if (write(v->wake_fd, &one, sizeof(one)) < 0) {
		/* The counter is full: the loop is woken anyway. */
	}
}

static unsigned mods_of(const struct conn *c)
{
	return (c->shift_l || c->shift_r ? VT_MOD_SHIFT : 0) |
	       (c->ctrl_l || c->ctrl_r ? VT_MOD_CTRL : 0) | (c->alt_l || c->alt_r ? VT_MOD_ALT : 0);
}

static void on_key(rfbBool down, rfbKeySym key, rfbClientPtr cl)
{
	struct conn *c = cl->clientData;
	bool modifier = true;

	if (!c)
		return;
	switch (key) {
	case XK_Shift_L: c->shift_l = down; break;
	case XK_Shift_R: c->shift_r = down; break;
	case XK_Control_L: c->ctrl_l = down; break;
	case XK_Control_R: c->ctrl_r = down; break;
	case XK_Alt_L:
	case XK_Meta_L: c->alt_l = down; break;
	case XK_Alt_R:
	case XK_Meta_R: c->alt_r = down; break;
	default: modifier = false; break;
	}
	/* Before Compose, and whatever the viewer: nothing of a sequence is typed (sysrq.h). */
	if (c->vnc->cb.sysrq) {
		enum sysrq_step st = sysrq_feed(&c->sysrq, (uint32_t)key, down, c->alt_l || c->alt_r);

		if (st == SYSRQ_COMMAND)
			c->vnc->cb.sysrq((uint32_t)key, c->host, cl->viewOnly, c->vnc->user);
		if (st != SYSRQ_PASS)
			return;
	}
	if (modifier || !down || cl->viewOnly || !c->vnc->cb.key)
		return;
	/* A dead key and its letter become one keysym, composed per viewer. */
	uint32_t out[COMPOSE_MAX];
	unsigned mods = mods_of(c);
	int n = compose_feed(&c->compose, c->vnc->compose, (uint32_t)key, mods, out);

	for (int k = 0; k < n; k++)
		if (c->vnc->cb.key(out[k], mods, c->vnc->user))
			clip_paste(c);
	viewer_changed(c->vnc);
}

/* RFB's button masks as presses, releases and moves. */
static void on_pointer(int mask, int x, int y, rfbClientPtr cl)
{
	struct conn *c = cl->clientData;

	if (!c || cl->viewOnly || !c->vnc->cb.pointer)
		return;
	struct vnc *v = c->vnc;

	if (x != c->x || y != c->y) {
		c->x = x;
		c->y = y;
		v->cb.pointer(-1, false, x, y, (unsigned)c->buttons, mods_of(c), v->user);
	}
	for (int b = 0; b < 5; b++) {
		int bit = 1 << b;

		if ((mask ^ c->buttons) & bit) {
			c->buttons ^= bit;
			if (v->cb.pointer(b, (mask & bit) != 0, x, y, (unsigned)c->buttons,
					  mods_of(c), v->user))
				clip_paste(c);
		}
	}
	viewer_changed(v);
}

/*
 * SetDesktopSize, done here as libvncserver 0.9.14 does it, but for the
 * client iterator it takes and never releases (24 bytes a request: a
 * viewer could grow the daemon without bound).  The answer, an
 * ExtendedDesktopSize rectangle, goes with the next update as
 * libvncserver's own does.  m: the whole message (gate.h).
 */
static void desktop_size(struct conn *c, const uint8_t *m)
{
	struct vnc *v = c->vnc;
	rfbClientPtr cl = c->cl;
	int width = m[2] << 8 | m[3], height = m[4] << 8 | m[5], r = -EPERM;

	if (m[6] == 0)
		return; /* no screens: nothing asked */
	if (!cl->viewOnly && v->cb.resize)
		r = v->cb.resize(width, height, v->user);
	cl->requestedDesktopSizeChange = rfbExtDesktopSize_ClientRequestedChange;
	cl->lastDesktopSizeChangeError =
		r == 0 ? rfbExtDesktopSize_Success :
		r == -EPERM ? rfbExtDesktopSize_ResizeProhibited :
		r == -ENOMEM ? rfbExtDesktopSize_OutOfResources : rfbExtDesktopSize_InvalidScreenLayout;
	if (r == 0) {
		/* The others learn that another viewer asked (the new framebuffer tells them). */
		for (int i = 0; i < v->nconns; i++)
			if (v->conns[i] != c && v->conns[i]->cl)
				v->conns[i]->cl->requestedDesktopSizeChange =
					rfbExtDesktopSize_OtherClientRequestedChange;
		viewer_changed(v);
	} else {
		cl->newFBSizePending = TRUE; /* the refusal is answered at once */
	}
}

/* ClientCutText and SetDesktopSize never reach libvncserver; these only make sure. */
static void ignore_cut(char *str, int len, rfbClientPtr cl)
{
	(void)str;
	(void)len;
	(void)cl;
}

void viewer_callbacks(rfbScreenInfoPtr s)
{
	s->kbdAddEvent = on_key;
	s->ptrAddEvent = on_pointer;
	s->setXCutText = ignore_cut;
	s->setXCutTextUTF8 = ignore_cut;
}

/*
 * The pseudo-encodings vncterm serves itself are noted and taken out of
 * the list: DesktopName, which libvncserver lacks, and the extended
 * clipboard, which it must not answer (clipboard.c does); xvp too, which
 * nobody here serves.
 */
void viewer_set_encodings(struct conn *c, uint8_t *msg, size_t *len)
{
	size_t n = (*len - 4) / 4, kept = 0;

	/* Each SetEncodings says it all again: what it leaves out is off. */
	c->wants_name = c->name_fresh = c->ext_clip = c->caps_due = false;
	for (size_t i = 0; i < n; i++) {
		uint32_t enc = get32(msg + 4 + 4 * i);

		if (enc == (uint32_t)ENCODING_DESKTOP_NAME) {
			/* The name may have changed since its ServerInit: send it once now. */
			c->wants_name = c->name_fresh = true;
		} else if (enc == rfbEncodingExtendedClipboard) {
			c->ext_clip = true;
			c->caps_due = true;
		} else if (enc != rfbEncodingXvp) {
			put32(msg + 4 + 4 * kept++, enc);
		}
	}
	msg[2] = (uint8_t)(kept >> 8);
	msg[3] = (uint8_t)kept;
	*len = 4 + 4 * kept;
}

static void host_of(const struct sockaddr_storage *ss, char *host, size_t len)
{
	snprintf(host, len, ss->ss_family == AF_UNIX ? "(local)" : "?");
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, host, (socklen_t)len);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, host,
			  (socklen_t)len);
}

/*
 * Out of descriptors: the connection waits in the backlog, where a
 * level-triggered poll() would report it again at once.  So it is shed
 * (the spare descriptor given up for one accept() and close()), the
 * listening sockets are left alone for EMFILE_BACKOFF_MS, and it is said
 * once until a connection is accepted again.
 */
static void out_of_fds(struct vnc *v, int listen_fd, int err)
{
	if (v->spare_fd >= 0 && listen_fd >= 0) {
		close(v->spare_fd);
		v->spare_fd = -1;
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0)
			close(fd);
		/* Any descriptor does; the sandbox has nothing to open(). */
		v->spare_fd = fcntl(v->wake_fd, F_DUPFD_CLOEXEC, 0);
	}
	v->accept_resume = vnc_now_ms() + EMFILE_BACKOFF_MS;
	if (!v->fds_out_logged)
		log_msg(LOG_WARNING, "cannot accept a viewer: %s; connections are shed until "
				     "descriptors are free (raise the open files limit, or lower "
				     "--max-viewers)", strerror(err));
	v->fds_out_logged = true;
}

static void conn_add(struct vnc *v, int fd, const struct sockaddr_storage *ss);

int vnc_add_viewer(struct vnc *v, int fd)
{
	struct sockaddr_storage ss = { .ss_family = AF_UNSPEC };
	socklen_t len = sizeof(ss);

	if (v->nconns >= v->max_clients)
		return -EBUSY;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		ss.ss_family = AF_UNSPEC;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -errno;
	conn_add(v, fd, &ss);
	return 0;
}

static void conn_add(struct vnc *v, int fd, const struct sockaddr_storage *ss)
{
	struct conn *c = calloc(1, sizeof(*c));
	int one = 1;

	if (!c) {
		log_msg(LOG_WARNING, "viewer refused: out of memory");
		close(fd);
		return;
	}
	c->vnc = v;
	c->fd = fd;
	c->pair_fd = -1;
	c->connected_at = c->last_byte_at = vnc_now_ms();
	/* A viewer gets selections made while it is connected, not the one before. */
	c->clip_serial = v->clip_serial;
	host_of(ss, c->host, sizeof(c->host));
	audit_start(c, ss);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	v->conns[v->nconns++] = c;
	if (v->nconns == 1 && v->cb.watched)
		v->cb.watched(true, v->user);
}

/* At most max_clients connections, handshakes included; past that each is closed as it comes. */
void viewer_accept(struct vnc *v)
{
	audit_refusals_held(v);
	v->accept_waits = false;
	/*
	 * At the limit with a connection on its way out: the next one waits
	 * in the backlog until that one is reaped, rather than being refused
	 * for a slot freed a moment later.  The relay's release wakes us.
	 */
	for (int i = 0; v->nconns >= v->max_clients && i < v->nconns; i++)
		v->accept_waits |= v->conns[i]->phase == PHASE_CLOSED;
	if (v->accept_waits || vnc_now_ms() < v->accept_resume)
		return;
	for (int i = v->tcp ? 0 : LISTEN_UNIX; i < LISTEN_FDS; i++) {
		for (int n = 0; n < 64 && v->listen_fds[i] >= 0; n++) {
			struct sockaddr_storage ss;
			socklen_t len = sizeof(ss);
			int fd = accept4(v->listen_fds[i], (struct sockaddr *)&ss, &len,
					 SOCK_CLOEXEC | SOCK_NONBLOCK);

			if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
				       errno == ENOMEM)) {
				out_of_fds(v, v->listen_fds[i], errno);
				return;
			}
			if (fd < 0)
				break;
			if (v->nconns >= v->max_clients) {
				audit_refused_at_limit(v, fd, &ss);
				close(fd);
				continue;
			}
			conn_add(v, fd, &ss);
		}
	}
}

/*
 * Hand the connection to libvncserver: a socketpair stands for the
 * viewer's socket, and the relay takes the socket's output side.
 */
static void start_rfb(struct conn *c, bool ws)
{
	struct vnc *v = c->vnc;
	int sv[2];
	char peek[4];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0) {
		int err = errno;

		/* Out of descriptors: said once, as for accept(), not once a viewer. */
		if (err == EMFILE || err == ENFILE) {
			viewer_close(c, LOG_DEBUG, "refused: socketpair: %s", strerror(err));
			out_of_fds(v, -1, err);
		} else {
			viewer_close(c, LOG_WARNING, "refused: socketpair: %s", strerror(err));
		}
		return;
	}
	/* libvncserver waits in select(): a descriptor past FD_SETSIZE would overflow its set. */
	if (sv[0] >= FD_SETSIZE || sv[1] >= FD_SETSIZE) {
		close(sv[0]);
		close(sv[1]);
		viewer_close(c, LOG_WARNING, "refused: descriptor %d is past select()'s %d "
					     "(lower --max-viewers)", sv[1], FD_SETSIZE);
		return;
	}
	/* rfbNewClient() peeks for a WebSocket request: this tells it there is none. */
	if (write(sv[1], "RFB ", 4) != 4) {
		close(sv[0]);
		close(sv[1]);
		viewer_close(c, LOG_WARNING, "refused: socketpair write: %s", strerror(errno));
		return;
	}
	c->out = relay_add(v->relay, sv[1], c->fd, ws);
	if (!c->out) {
		close(sv[0]);
		close(sv[1]);
		viewer_close(c, LOG_WARNING, "refused: no memory or no thread for its output");
		return;
	}
	c->pair_fd = sv[1];
	c->ws = ws;
	c->phase = PHASE_RFB;
	c->cl = rfbNewClient(v->screen, sv[0]);
	if (!c->cl) {
		viewer_close(c, LOG_WARNING, "refused: libvncserver did not take the connection");
		return;
	}
	c->cl->clientData = c;
	c->cl->clientGoneHook = on_client_gone;
	v->fds_out_logged = false; /* a viewer served: running out again is news */
	if (recv(sv[0], peek, sizeof(peek), MSG_DONTWAIT) != 4 || memcmp(peek, "RFB ", 4))
		viewer_close(c, LOG_WARNING, "refused: libvncserver read what was not the viewer's");
}

/* RFB's viewer waits for the server; WebSocket's sends "GET " at once. */
static void sniff(struct conn *c)
{
	static const char get[] = "GET ", rfb[] = "RFB ";
	size_t n = c->raw_len < 4 ? c->raw_len : 4;

	if (!memcmp(c->raw, get, n) && n == 4) {
		c->phase = PHASE_WS_REQUEST;
	} else if (!memcmp(c->raw, rfb, n) && n == 4) {
		start_rfb(c, false);
	} else if (memcmp(c->raw, get, n) && memcmp(c->raw, rfb, n)) {
		viewer_close(c, LOG_WARNING, "sent neither an RFB version nor a WebSocket request: "
					     "disconnected");
	}
}

static void drop_raw(struct conn *c, size_t n)
{
	memmove(c->raw, c->raw + n, c->raw_len - n);
	c->raw_len -= n;
}

static void ws_request(struct conn *c)
{
	int end = ws_request_end((const char *)c->raw, c->raw_len);
	char answer[WS_ANSWER_MAX];
	const char *why = NULL;

	if (end == 0)
		return;
	if (end < 0 || ws_answer((const char *)c->raw, (size_t)end, answer, &why) < 0) {
		static const char bad[] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";

		ssize_t n = send(c->fd, bad, sizeof(bad) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);

		c->audit.out += n > 0 ? (uint64_t)n : 0; /* it is being closed anyway */
		viewer_close(c, LOG_WARNING, "sent %s: disconnected",
			     why ? why : "a WebSocket request of over 8 KiB");
		return;
	}
	/* The socket is new and empty: the answer fits, or the viewer is not reading at all. */
	size_t len = strlen(answer);

	ssize_t sent = send(c->fd, answer, len, MSG_NOSIGNAL | MSG_DONTWAIT);

	c->audit.out += sent > 0 ? (uint64_t)sent : 0;
	if (sent != (ssize_t)len) {
		viewer_close(c, LOG_WARNING, "did not take the WebSocket answer: disconnected");
		return;
	}
	drop_raw(c, (size_t)end);
	start_rfb(c, true);
}

/* Move what was read into c->in: WebSocket frames decoded, control frames answered. */
static void decode(struct conn *c)
{
	if (!c->ws) {
		size_t n = c->raw_len < IN_MAX - c->in_len ? c->raw_len : IN_MAX - c->in_len;

		memcpy(c->in + c->in_len, c->raw, n);
		c->in_len += n;
		drop_raw(c, n);
		return;
	}
	while (c->raw_len && viewer_alive(c)) {
		size_t used, made;
		const char *why = NULL;
		int r = ws_decode(&c->wsd, c->raw, c->raw_len, &used, c->in + c->in_len,
				  IN_MAX - c->in_len, &made, &why);

		drop_raw(c, used);
		c->in_len += made;
		if (r < 0) {
			viewer_close(c, LOG_WARNING, "sent %s: disconnected", why);
		} else if (r == WS_EV_PING) {
			relay_control(c->out, WS_PONG, c->wsd.control, c->wsd.control_len);
		} else if (r == WS_EV_CLOSE) {
			relay_control(c->out, WS_CLOSE, c->wsd.control, c->wsd.control_len < 2 ? 0 : 2);
			viewer_close(c, LOG_DEBUG, "closed its WebSocket");
		} else if (used == 0) {
			break; /* c->in is full */
		}
	}
}

static void drop_in(struct conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

/* One whole unit to libvncserver, which reads exactly it and so never waits. */
static void hand_over(struct conn *c, const uint8_t *unit, size_t len)
{
	struct vnc *v = c->vnc;
	bool was_normal = c->cl->state == RFB_NORMAL;
	int left = 0;

	/* The pair is empty (libvncserver read all of the last unit) and holds far more than a unit. */
	if (len && write(c->pair_fd, unit, len) != (ssize_t)len) {
		viewer_close(c, LOG_WARNING, "disconnected: socketpair write: %s", strerror(errno));
		return;
	}
	/* ServerInit names the desktop as this viewer sees it (policy.c). */
	char name[sizeof(v->title)];

	if (c->cl->state == RFB_INITIALISATION)
		v->screen->desktopName = policy_name(c, name, sizeof(name));
	rfbProcessClientMessage(c->cl);
	v->screen->desktopName = v->title;
	if (!viewer_alive(c)) {
		viewer_close(c, was_normal ? LOG_INFO : LOG_WARNING,
			     was_normal ? "closed by libvncserver" : "failed the RFB handshake");
		return;
	}
	if (ioctl(c->cl->sock, FIONREAD, &left) == 0 && left) {
		viewer_close(c, LOG_WARNING, "disconnected: libvncserver left %d bytes unread", left);
		return;
	}
	if (!c->announced && c->cl->state == RFB_NORMAL) {
		c->announced = true;
		v->nclients++;
		audit_connected(c);
	}
}

/* The next unit from c->in; false when it must wait for more bytes (or is closed). */
static bool next_unit(struct conn *c)
{
	if (c->cut.active) {
		size_t fed = clip_feed(c, c->in, c->in_len);

		drop_in(c, fed);
		return viewer_alive(c) && fed;
	}
	if (c->cl->state != RFB_NORMAL) {
		int need = gate_handshake_len(c->cl->state);

		if (need < 0) {
			viewer_close(c, LOG_WARNING, "reached a handshake state vncterm does not know "
						     "(security type?): disconnected");
			return false;
		}
		if ((size_t)need > c->in_len)
			return false;
		/* The longest step is VNC authentication's response, not the version. */
		uint8_t unit[CHALLENGESIZE];

		_Static_assert(CHALLENGESIZE >= sz_rfbProtocolVersionMsg, "a handshake step fits");
		memcpy(unit, c->in, (size_t)need);
		drop_in(c, (size_t)need);
		hand_over(c, unit, (size_t)need);
		return viewer_alive(c);
	}
	if (!c->in_len)
		return false;
	struct gate_unit u;
	uint8_t unit[GATE_UNIT_MAX];

	switch (gate_message(c->in, c->in_len, &u)) {
	case GATE_MORE:
		return false;
	case GATE_REFUSE:
		viewer_close(c, LOG_WARNING, "sent %s: disconnected", u.reason);
		return false;
	case GATE_CUT:
		drop_in(c, u.len);
		clip_begin(c, &u);
		return viewer_alive(c);
	case GATE_UNIT:
		break;
	}
	memcpy(unit, c->in, u.len);
	drop_in(c, u.len);
	if (u.type == rfbSetDesktopSize) {
		desktop_size(c, unit);
		return viewer_alive(c);
	}
	if (u.type == rfbSetEncodings)
		viewer_set_encodings(c, unit, &u.len);
	if (u.type == rfbKeyEvent || u.type == rfbPointerEvent)
		policy_input(c);
	hand_over(c, unit, u.len);
	return viewer_alive(c);
}

/* Read what the socket has (unless the viewer's output is backed up) and hand it on. */
void viewer_input(struct conn *c)
{
	if (c->phase == PHASE_CLOSED || (c->out && relay_pending(c->out) >= HOLD_BYTES))
		return;
	if (c->raw_len < RAW_MAX) {
		ssize_t n = recv(c->fd, c->raw + c->raw_len, RAW_MAX - c->raw_len, MSG_DONTWAIT);

		if (n == 0) {
			viewer_close(c, LOG_DEBUG, "closed the connection");
			return;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			viewer_close(c, LOG_DEBUG, "disconnected: %s", strerror(errno));
			return;
		}
		if (n > 0) {
			c->audit.in += (uint64_t)n;
			c->raw_len += (size_t)n;
			c->last_byte_at = vnc_now_ms();
		}
	}
	if (c->phase == PHASE_SNIFF && c->raw_len)
		sniff(c);
	if (c->phase == PHASE_WS_REQUEST)
		ws_request(c);
	int units = 0;

	while (c->phase == PHASE_RFB && viewer_alive(c) && units < UNITS_PER_ROUND) {
		decode(c);
		if (!viewer_alive(c) || !next_unit(c))
			break;
		units++;
	}
	if (!viewer_alive(c))
		return;
	c->more = units == UNITS_PER_ROUND;
	bool partial = c->in_len || c->raw_len || c->cut.active || c->wsd.hdr_len ||
		       c->wsd.in_payload;

	if (!partial)
		c->partial_since = 0;
	else if (!c->partial_since)
		c->partial_since = vnc_now_ms();
}

/*
 * Time-outs, and when the loop must come back for them: the sniffing
 * silence, the handshake, one message under way (--handshake-timeout
 * bounds each), and input left over from a busy round.
 */
void viewer_deadlines(struct vnc *v, int *timeout)
{
	long long now = vnc_now_ms();
	int hs = v->handshake_ms;

	for (int i = 0; i < v->nconns; i++) {
		struct conn *c = v->conns[i];

		if (c->phase == PHASE_SNIFF && now - c->connected_at >= SNIFF_MS)
			start_rfb(c, false);
		if (c->phase == PHASE_CLOSED)
			continue;
		bool normal = c->cl && c->cl->state == RFB_NORMAL;

		if (hs > 0 && !normal && now - c->connected_at >= hs) {
			viewer_close(c, LOG_WARNING, "did not finish the RFB handshake in %d s: "
						     "disconnected (--handshake-timeout)", hs / 1000);
			continue;
		}
		if (c->partial_since && now - c->last_byte_at >= MSG_IDLE_MS) {
			viewer_close(c, LOG_WARNING, "sent part of a message, then nothing for %d s: "
						     "disconnected", MSG_IDLE_MS / 1000);
			continue;
		}
		if (hs > 0 && normal && c->partial_since && now - c->partial_since >= hs) {
			viewer_close(c, LOG_WARNING, "took over %d s to send one message: "
						     "disconnected (--handshake-timeout)", hs / 1000);
			continue;
		}
		if (c->phase == PHASE_SNIFF)
			wake_within(timeout, c->connected_at + SNIFF_MS - now);
		if (c->partial_since)
			wake_within(timeout, c->last_byte_at + MSG_IDLE_MS - now);
		if (hs > 0 && !normal)
			wake_within(timeout, c->connected_at + hs - now);
		else if (hs > 0 && c->partial_since)
			wake_within(timeout, c->partial_since + hs - now);
		if (c->more)
			wake_within(timeout, 0);
		long long idle_at = policy_idle(c, now);

		if (idle_at >= 0)
			wake_within(timeout, idle_at - now);
	}
	if (v->refusals_unlogged)
		wake_within(timeout, v->refusal_logged_at + REFUSAL_LOG_MS - now);
	if (v->accept_resume > now)
		wake_within(timeout, v->accept_resume - now);
}

/* Connections whose output is flushed and whose descriptors the relay closed. */
void viewer_reap(struct vnc *v)
{
	bool reaped = false;

	for (int i = 0; i < v->nconns;) {
		struct conn *c = v->conns[i];

		if (c->phase != PHASE_CLOSED || (c->out && !relay_released(c->out))) {
			i++;
			continue;
		}
		audit_end(c);
		if (c->out)
			relay_free_port(c->out);
		v->conns[i] = v->conns[--v->nconns];
		v->conns[v->nconns] = NULL;
		compose_release(&c->compose);
		free(c);
		reaped = true;
		if (v->nconns == 0 && v->cb.watched)
			v->cb.watched(false, v->user);
	}
	/* What it used lies free between blocks still in use: given back, not kept dirty. */
	if (reaped)
		malloc_trim(0);
}

void viewer_free_all(struct vnc *v)
{
	for (int i = 0; i < v->nconns; i++) {
		struct conn *c = v->conns[i];

		audit_reason(c, "vncterm is ending");
		viewer_close(c, LOG_DEBUG, NULL);
		if (c->out) {
			/* Nothing more is flushed at exit: the relay closes at once. */
			relay_close(c->out, 0);
			while (!relay_released(c->out))
				poll(NULL, 0, 1);
		}
		audit_end(c);
		if (c->out)
			relay_free_port(c->out);
		compose_release(&c->compose);
		free(c);
	}
	v->nconns = 0;
}
