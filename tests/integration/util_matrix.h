/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The viewer matrix's helpers (check_matrix.c): a test proxy that gives
 * libvncclient the transports and protocol versions it cannot choose
 * itself, and libvncclient viewers in any pixel format, many of them
 * served by one thread, whose framebuffers are compared with the
 * renderer's screen.
 */
#ifndef TESTS_INTEGRATION_UTIL_MATRIX_H
#define TESTS_INTEGRATION_UTIL_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rfb/rfbclient.h>

/* ---- the proxy (util_matrix_proxy.c) ---- */

/* How one proxied connection reaches vncterm. */
struct mx_route {
	int minor;      /* RFB 3.minor offered to the viewer: 3, 7 or 8 */
	bool websocket; /* RFC 6455 between the proxy and vncterm */
	bool fragment;  /* ... with fragmented messages and pings too */
};

struct mx_proxy;

/*
 * A proxy for n connections to vncterm on loopback port.  Each is
 * connected now; fds[i] receives the viewer's end (a socketpair: hand it
 * to mx_viewer_connect()).  NULL if a connection failed.
 */
struct mx_proxy *mx_proxy_start(int port, const struct mx_route *routes, int n, int *fds);
/*
 * What went wrong on connection i ("" if nothing): a viewer that did not
 * answer the version offered, a WebSocket handshake refused, a server
 * frame that breaks RFC 6455.
 */
const char *mx_proxy_error(struct mx_proxy *p, int i);
/* Frames, fragments and pings connection i sent to vncterm (WebSocket only). */
void mx_proxy_counts(struct mx_proxy *p, int i, unsigned *frames, unsigned *fragmented,
		     unsigned *pings);
/* Stop the thread and close everything. */
void mx_proxy_stop(struct mx_proxy *p);

/* ---- viewers (util_matrix.c) ---- */

/* A pixel format a viewer asks for. */
struct mx_format {
	const char *name;
	int bpp, depth;
	bool true_colour, big_endian;
	int red_max, green_max, blue_max, red_shift, green_shift, blue_shift;
};

#define MX_FORMATS 5
extern const struct mx_format mx_formats[MX_FORMATS];

/* RFB's extended clipboard pseudo-encoding (0xC0A1E5CE). */
#define MX_EXT_CLIPBOARD ((int32_t)0xc0a1e5ceu)

struct mx_viewer {
	rfbClient *c;
	const struct mx_format *fmt;
	/*
	 * It announced the extended clipboard: libvncclient 0.9.14 cannot
	 * read that form, so its ServerCutText is read here.
	 */
	bool ext_clip;
	uint8_t palette[256][3]; /* colour map (8 bpp colour map only) */
	int palette_colours;
	char cut[256];          /* the last clipboard text from vncterm, NUL-terminated */
	int cuts;               /* ServerCutText messages with text */
	bool cut_ext;           /* ... the last one in the extended form */
	bool broken;            /* the connection failed; why says how */
	char why[200];
};

/*
 * Run libvncclient's handshake on fd (a proxy socket) and send the
 * format and encodings: encodings is appData.encodingsString (NULL:
 * libvncclient's default); list, if not NULL, is then sent as the whole
 * SetEncodings (a real viewer's list, nlist entries).  Safe to call from
 * several threads at once, for different viewers.  False with v->why set.
 */
bool mx_viewer_connect(struct mx_viewer *v, int fd, const struct mx_format *fmt,
		       const char *encodings, bool cursor, const int32_t *list, int nlist);
void mx_viewer_close(struct mx_viewer *v);
/* Handle every viewer's messages that arrive within ms (broken ones skipped). */
void mx_pump(struct mx_viewer *const *vs, int n, int ms);
/*
 * Whether the viewer's framebuffer, converted from its pixel format, is
 * want (0x00RRGGBB, w x h) as the server's translation to that format
 * rounds it; if not, why says where they differ.
 */
bool mx_viewer_shows(struct mx_viewer *v, const uint32_t *want, int w, int h, char *why,
		     size_t whylen);
/* Clipboard text to vncterm: the extended (UTF-8) form, or Latin-1. */
bool mx_send_cut(struct mx_viewer *v, const char *utf8, const char *latin1);
/* SetDesktopSize for w x h (one screen), with libvncclient's SendExtDesktopSize if it can. */
bool mx_send_resize(struct mx_viewer *v, int w, int h);

#endif
