/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the VNC side's files share (vnc.c: set-up and the update round;
 * viewer.c: each connection from accept() to its end, and what it sends;
 * clipboard.c: the clipboard both ways).  Not a public interface.
 *
 * One thread, the loop's, owns libvncserver: every call into it, and
 * every read or write of its rfbScreenInfo and rfbClientRec, happens
 * there.  The loop reads each viewer without blocking and hands
 * libvncserver only whole handshake steps and messages (gate.h) through
 * a socketpair, so that libvncserver's blocking reads never wait; its
 * writes go into the same socketpair, which relay.h's thread drains.
 */
#ifndef VNCTERM_VNC_INTERNAL_H
#define VNCTERM_VNC_INTERNAL_H

#include <netinet/in.h>
#include <rfb/rfb.h>
#include <stdbool.h>
#include <stdint.h>

#include "vncterm/compose.h"
#include "vncterm/gate.h"
#include "vncterm/password.h"
#include "vncterm/relay.h"
#include "vncterm/sysrq.h"
#include "vncterm/vnc.h"
#include "vncterm/websocket.h"

/* RFB's DesktopName pseudo-encoding, which libvncserver 0.9.14 lacks: vncterm sends it. */
#define ENCODING_DESKTOP_NAME (-307)
/* Bytes read from a socket and not yet decoded: a WebSocket request fits. */
#define RAW_MAX (WS_REQUEST_MAX + 8192)
/* RFB bytes not yet handed on: any unit fits, with room for the next. */
#define IN_MAX (2 * GATE_UNIT_MAX)
/* A viewer with this much output unsent is sent no more and read no more. */
#define HOLD_BYTES (64 * 1024)
#define STALL_MS 10000
#define RECHECK_MS 50
/* The text a viewer is sent at most, and takes at most, through the clipboard. */
#define CLIP_TEXT_MAX (1u << 20)

enum conn_phase {
	PHASE_SNIFF,      /* nothing yet: RFB's client speaks second, WebSocket's first */
	PHASE_WS_REQUEST, /* reading the HTTP Upgrade request */
	PHASE_RFB,        /* libvncserver has it */
	PHASE_CLOSED,     /* its output is being flushed, then it is reaped */
};

/* Refusals at --max-viewers: one line a second at most (audit.c). */
#define REFUSAL_LOG_MS 1000
/* The listening sockets: -v's address, its loopback twin, --unix's socket. */
#define LISTEN_UNIX 2
#define LISTEN_FDS 3

/* One connection's accounting, for its audit lines (audit.c). */
struct audit {
	unsigned long id;
	bool unix_peer;          /* a UNIX socket's: credentials, not an address */
	char peer[80];           /* "peer=ADDR:PORT" or "uid=U pid=P" */
	uint64_t in, out;        /* bytes read from it; sent to it past the relay */
	char why[160];           /* how it ended: viewer_close()'s reason */
	bool connected, view_only; /* its connect line is out; as what */
};

/* A ClientCutText being received (clipboard.c). */
struct cut {
	bool active, extended;
	uint8_t *buf;
	uint32_t len, got;
};

struct conn {
	struct vnc *vnc;
	enum conn_phase phase;
	int fd;                 /* the viewer's socket; the relay's to close once it has it */
	int pair_fd;            /* our end of libvncserver's socketpair, likewise */
	struct relay_port *out; /* once in PHASE_RFB */
	rfbClientPtr cl;        /* likewise, until closed */
	bool ws;
	struct ws_decoder wsd;
	char host[INET6_ADDRSTRLEN];
	long long connected_at;  /* ms */
	long long partial_since; /* ms a message has been under way, 0 if none */
	long long last_byte_at;  /* ms */
	bool more;               /* input left for the next round */
	uint8_t raw[RAW_MAX];    /* read, not yet decoded */
	size_t raw_len;
	uint8_t in[IN_MAX];      /* RFB bytes, not yet handed on */
	size_t in_len;
	struct cut cut;
	bool announced;
	long long held_since;    /* ms, 0 if not held */
	/* DesktopName (-307): libvncserver 0.9.14 lacks it, so we send it. */
	bool wants_name, name_fresh;
	unsigned name_serial;
	/* The extended clipboard (0xC0A1E5CE): ours entirely, libvncserver never sees it. */
	bool ext_clip;
	uint32_t clip_caps;      /* the viewer's Caps flags */
	uint32_t clip_text_max;  /* the most text it takes unasked */
	bool caps_due, request_due, provide_due, notify_due;
	unsigned clip_serial;    /* the vnc's clip_serial it has */
	/* The text it last sent, kept until it pastes (at most CLIP_TEXT_MAX), and when. */
	char *sent;
	size_t sent_len;
	unsigned long long sent_order;   /* the vnc's clip_events then */
	/* Modifiers, the Compose sequence and the Alt+SysRq under way, per viewer. */
	bool shift_l, shift_r, ctrl_l, ctrl_r, alt_l, alt_r;
	struct compose compose;
	struct sysrq_seq sysrq;
	int buttons, x, y;
	struct audit audit;
	/* --idle-timeout (policy.c): its last key or pointer event, ms; the warning. */
	long long input_at;
	bool idle_warned, idle_ring;
	long long encoded_at;    /* ms: it was last sent an update (encmem.c) */
};

struct vnc {
	rfbScreenInfoPtr screen;
	int port;
	int listen_fds[LISTEN_FDS]; /* -1: none */
	bool tcp;                 /* listen_fds[0..1] are listened on (not --no-tcp's held port) */
	int idle_ms;              /* --idle-timeout; 0: never */
	unsigned long last_id;    /* the audit lines' connection ids */
	int wake_fd;              /* eventfd: the relay has news */
	struct relay *relay;
	int spare_fd;             /* given up to shed a connection when fds run out */
	long long accept_resume;  /* ms: fds ran out, accept again then */
	bool fds_out_logged;
	struct conn **conns;      /* max_clients slots */
	int nconns, nclients;
	bool accept_waits;
	int max_clients, handshake_ms, log_level;
	long long refusal_logged_at;
	unsigned long refusals_unlogged;
	char title[256];
	unsigned title_serial;
	bool bell_due;            /* the console rang since the last round */
	long long send_cost_us;   /* spent in serve() since vnc_take_send_cost() */
	long long bell_at;        /* ms: the viewers were last rung */
	char *clip;               /* the console's selection, UTF-8 */
	size_t clip_len;
	unsigned clip_serial;
	/* Clipboard texts so far, a viewer's or the console's: which is newer. */
	unsigned long long clip_events;
	unsigned long long clip_order;  /* clip_events when clip was set */
	bool paste_on_receive;
	char passwords[2][PASSWORD_MAX + 1];
	char *password_list[3];
	rfbCursorPtr cursor;
	struct vnc_callbacks cb;
	void *user;
	struct compose_table *compose; /* NULL: none found, keys pass uncomposed */
};

long long vnc_now_ms(void);

/* viewer.c */
void viewer_accept(struct vnc *v);
void viewer_changed(struct vnc *v);
void viewer_input(struct conn *c);
void viewer_deadlines(struct vnc *v, int *timeout);
void viewer_close(struct conn *c, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void viewer_reap(struct vnc *v);
void viewer_free_all(struct vnc *v);
void viewer_callbacks(rfbScreenInfoPtr s);
bool viewer_alive(const struct conn *c);
void viewer_set_encodings(struct conn *c, uint8_t *msg, size_t *len);

/* audit.c: one line per connect, disconnect and refusal (README's format). */
void audit_start(struct conn *c, const struct sockaddr_storage *ss);
void audit_connected(struct conn *c);
void audit_reason(struct conn *c, const char *why);
/* Its last line, once its output is flushed (before relay_free_port()). */
void audit_end(struct conn *c);
/* A connection closed at accept (--max-viewers): at most one line a second. */
void audit_refused_at_limit(struct vnc *v, int fd, const struct sockaddr_storage *ss);
void audit_refusals_held(struct vnc *v);

/* policy.c: --idle-timeout, and the desktop name each viewer is shown. */
void policy_input(struct conn *c);
/* Warn or disconnect an idle viewer; the time (ms) to look again, or -1. */
long long policy_idle(struct conn *c, long long now);
const char *policy_name(const struct conn *c, char *buf, size_t size);

/* encmem.c: the encoders' scratch buffers, freed once a viewer is idle. */
void encmem_sent(struct conn *c, long long now);
/* When its scratch buffers are due to be freed (ms), or -1 if it holds none. */
long long encmem_due(const struct conn *c);
/* Free them if due; true if it did. */
bool encmem_idle(struct conn *c, long long now);

/* clipboard.c */
void clip_begin(struct conn *c, const struct gate_unit *u);
size_t clip_feed(struct conn *c, const uint8_t *buf, size_t len);
void clip_end(struct conn *c);
/* What is due to this viewer: our Caps, a Request, the console's text. */
void clip_send(struct conn *c);
/* Type this viewer's clipboard (vnc.h's paste). */
void clip_paste(struct conn *c);
/* Its clipboard memory, at its end. */
void clip_free(struct conn *c);

#endif
