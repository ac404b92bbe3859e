/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The viewer matrix's viewers: libvncclient 0.9.14 at its defaults but for
 * the pixel format, the encodings and the cursor pseudo-encodings, on a
 * proxy socket (util_matrix_proxy.c).  Two server messages it cannot
 * read are read here, with its own ReadFromRFBServer() so its buffering
 * stays right:
 * - SetColourMapEntries: libvncclient takes the type byte and leaves the
 *   rest (the reading is commented out in rfbproto.c), so an 8 bpp
 *   colour-map viewer would lose its place in the stream.  Its pixels it
 *   decodes fine; they are indices into the map read here.
 * - ServerCutText in the extended clipboard's form (a negative length),
 *   which 0.9.14 predates, for viewers that announce it.
 */
#include "tests/integration/util_matrix.h"

#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <zlib.h>

#include "tests/integration/util_vncterm.h"

#define EXT_TEXT 1u
#define EXT_CAPS (1u << 24)
#define EXT_PROVIDE (1u << 28)
#define DESKTOP_NAME (-307)

const struct mx_format mx_formats[MX_FORMATS] = {
	{ "32bpp-le", 32, 24, true, false, 255, 255, 255, 16, 8, 0 },
	{ "32bpp-be", 32, 24, true, true, 255, 255, 255, 16, 8, 0 },
	{ "16bpp-565", 16, 16, true, false, 31, 63, 31, 11, 5, 0 },
	{ "8bpp-bgr233", 8, 8, true, false, 7, 7, 3, 0, 3, 6 },
	{ "8bpp-colourmap", 8, 8, false, false, 7, 7, 3, 0, 3, 6 },
};

static int viewer_tag;

static uint32_t get_be(const unsigned char *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

static void put_be(unsigned char *p, uint32_t v, int n)
{
	while (n--)
		*p++ = (unsigned char)(v >> (8 * n));
}

/* libvncclient chats about every step; only failures matter, and those say why here. */
static void quiet(const char *format, ...)
{
	(void)format;
}

static void on_cut(rfbClient *c, const char *text, int len)
{
	struct mx_viewer *v = rfbClientGetClientData(c, &viewer_tag);

	if (len < 0 || (size_t)len >= sizeof(v->cut))
		len = (int)sizeof(v->cut) - 1;
	memcpy(v->cut, text, (size_t)len);
	v->cut[len] = '\0';
	v->cuts++;
	v->cut_ext = false;
}

/* DesktopName (noVNC and TigerVNC announce it): 0.9.14 has no decoder for it. */
static rfbBool on_encoding(rfbClient *c, rfbFramebufferUpdateRectHeader *rect)
{
	unsigned char len[4];
	char name[256];

	if ((int32_t)rect->encoding != DESKTOP_NAME)
		return FALSE;
	if (!ReadFromRFBServer(c, (char *)len, 4))
		return FALSE;
	for (uint32_t left = get_be(len, 4); left > 0;) {
		uint32_t k = left < sizeof(name) ? left : sizeof(name);

		if (!ReadFromRFBServer(c, name, (unsigned)k))
			return FALSE;
		left -= k;
	}
	return TRUE;
}

static int no_encodings[] = { 0 };
static rfbClientProtocolExtension desktop_name_ext = {
	/* nothing announced: only what a viewer's own list says */
	.encodings = no_encodings,
	.handleEncoding = on_encoding,
};

/* Once for all viewers: libvncclient's log hooks are globals, set before any thread uses them. */
static void register_once(void)
{
	rfbClientRegisterExtension(&desktop_name_ext);
	/* MX_DEBUG=1: libvncclient's own messages, to see why a viewer failed. */
	if (!getenv("MX_DEBUG"))
		rfbClientLog = rfbClientErr = quiet;
}

/* SetColourMapEntries, whose type byte is still unread. */
static bool read_colour_map(struct mx_viewer *v)
{
	unsigned char hd[5], rgb[6];

	/* padding, first colour, number of colours */
	if (!ReadFromRFBServer(v->c, (char *)hd, sizeof(hd)))
		return false;
	uint32_t first = get_be(hd + 1, 2), n = get_be(hd + 3, 2);

	for (uint32_t i = 0; i < n; i++) {
		if (!ReadFromRFBServer(v->c, (char *)rgb, sizeof(rgb)))
			return false;
		if (first + i < 256)
			for (int k = 0; k < 3; k++)
				v->palette[first + i][k] = rgb[2 * k]; /* the top byte of 16 bits */
	}
	if (first + n > (uint32_t)v->palette_colours)
		v->palette_colours = (int)(first + n > 256 ? 256 : first + n);
	return true;
}

/* An extended clipboard message's zlib data: Provide's text, if any. */
static bool ext_provide(struct mx_viewer *v, uint32_t flags, unsigned char *data, size_t n)
{
	unsigned char out[sizeof(v->cut) + 4];
	z_stream z = { 0 };

	/* Caps (whose action bits include Provide), Notify, Request, Peek: nothing to show */
	if ((flags & EXT_CAPS) || !(flags & EXT_PROVIDE) || !(flags & EXT_TEXT))
		return true;
	if (inflateInit(&z) != Z_OK)
		return false;
	z.next_in = data;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = sizeof(out) - 1;
	int r = inflate(&z, Z_SYNC_FLUSH);
	size_t got = sizeof(out) - 1 - z.avail_out;

	inflateEnd(&z);
	if ((r != Z_OK && r != Z_STREAM_END) || got < 4)
		return false;
	uint32_t size = get_be(out, 4);

	if (size > got - 4)
		size = (uint32_t)(got - 4);
	out[4 + size] = '\0';
	snprintf(v->cut, sizeof(v->cut), "%s", (char *)out + 4); /* up to its NUL */
	v->cuts++;
	v->cut_ext = true;
	return true;
}

/* ServerCutText for a viewer that announced the extended clipboard. */
static bool read_cut(struct mx_viewer *v)
{
	unsigned char hd[8];

	if (!ReadFromRFBServer(v->c, (char *)hd, sizeof(hd)))
		return false;
	int32_t len = (int32_t)get_be(hd + 4, 4);
	uint32_t n = len < 0 ? (uint32_t)-len : (uint32_t)len;

	if (n > (1u << 20) || (len < 0 && n < 4))
		return false;
	unsigned char *buf = malloc(n + 1);
	bool ok = buf && ReadFromRFBServer(v->c, (char *)buf, n);

	if (ok && len >= 0) {
		buf[n] = '\0';
		on_cut(v->c, (char *)buf, (int)n);
	} else if (ok) {
		ok = ext_provide(v, get_be(buf, 4), buf + 4, n - 4);
	}
	free(buf);
	return ok;
}

/* The next message's type without taking it: from libvncclient's buffer or the socket. */
static int peek_type(rfbClient *c)
{
	unsigned char b;

	if (c->buffered > 0)
		return (unsigned char)*c->bufoutptr;
	return recv(c->sock, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 1 ? b : -1;
}

static void broke(struct mx_viewer *v, const char *what)
{
	if (!v->broken)
		snprintf(v->why, sizeof(v->why), "%s", what);
	v->broken = true;
}

/* One server message, by libvncclient or, for the two above, here. */
static void handle_one(struct mx_viewer *v)
{
	int type = peek_type(v->c);
	bool ok;

	if (type == rfbSetColourMapEntries)
		ok = ReadFromRFBServer(v->c, (char[1]){ 0 }, 1) && read_colour_map(v);
	else if (type == rfbServerCutText && v->ext_clip)
		ok = read_cut(v);
	else
		ok = HandleRFBServerMessage(v->c);
	if (!ok) {
		char what[64];

		snprintf(what, sizeof(what), "a server message of type %d failed to decode", type);
		broke(v, type < 0 ? "connection closed" : what);
	}
}

static void set_format(rfbClient *c, const struct mx_format *f)
{
	c->format.bitsPerPixel = (uint8_t)f->bpp;
	c->format.depth = (uint8_t)f->depth;
	c->format.trueColour = f->true_colour;
	c->format.bigEndian = f->big_endian;
	c->format.redMax = (uint16_t)f->red_max;
	c->format.greenMax = (uint16_t)f->green_max;
	c->format.blueMax = (uint16_t)f->blue_max;
	c->format.redShift = (uint8_t)f->red_shift;
	c->format.greenShift = (uint8_t)f->green_shift;
	c->format.blueShift = (uint8_t)f->blue_shift;
}

/* A real viewer's SetEncodings, in its order. */
static bool send_encodings(struct mx_viewer *v, const int32_t *list, int n)
{
	unsigned char msg[4 + 4 * 64];

	if (n > 64)
		return false;
	msg[0] = rfbSetEncodings;
	msg[1] = 0;
	put_be(msg + 2, (uint32_t)n, 2);
	for (int i = 0; i < n; i++) {
		put_be(msg + 4 + 4 * i, (uint32_t)list[i], 4);
		v->ext_clip |= list[i] == MX_EXT_CLIPBOARD;
	}
	return WriteToRFBServer(v->c, (char *)msg, 4 + 4 * n);
}

bool mx_viewer_connect(struct mx_viewer *v, int fd, const struct mx_format *fmt,
		       const char *encodings, bool cursor, const int32_t *list, int nlist)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	char name[] = "check_matrix";
	char *argv[] = { name, NULL };
	int argc = 1;

	pthread_once(&once, register_once);
	v->fmt = fmt;
	v->c = rfbGetClient(8, 3, 4);
	if (!v->c) {
		broke(v, "rfbGetClient failed");
		return false;
	}
	set_format(v->c, fmt);
	if (encodings)
		v->c->appData.encodingsString = encodings;
	v->c->appData.useRemoteCursor = cursor;
	/* Already connected: the proxy's socket stands for an accepted connection. */
	v->c->listenSpecified = TRUE;
	v->c->sock = fd;
	v->c->serverHost = strdup("proxy");
	v->c->readTimeout = 20;
	v->c->GotXCutText = on_cut;
	rfbClientSetClientData(v->c, &viewer_tag, v);
	/* On failure rfbInitClient() has freed the client (and closed fd). */
	if (!rfbInitClient(v->c, &argc, argv)) {
		v->c = NULL;
		broke(v, "the RFB handshake failed");
		return false;
	}
	if (list && !send_encodings(v, list, nlist)) {
		broke(v, "SetEncodings could not be sent");
		return false;
	}
	return true;
}

void mx_viewer_close(struct mx_viewer *v)
{
	if (!v->c)
		return;
	free(v->c->frameBuffer);
	v->c->frameBuffer = NULL;
	rfbClientCleanup(v->c);
	v->c = NULL;
}

void mx_pump(struct mx_viewer *const *vs, int n, int ms)
{
	struct pollfd *fds = calloc((size_t)n, sizeof(*fds));
	int64_t deadline = now_ms() + ms;
	bool buffered = false;

	do {
		for (int i = 0; i < n; i++) {
			bool live = vs[i]->c && !vs[i]->broken;

			fds[i] = (struct pollfd){ .fd = live ? vs[i]->c->sock : -1, .events = POLLIN };
			/* Bytes libvncclient already holds are invisible to poll(). */
			buffered |= live && vs[i]->c->buffered > 0;
		}
		int64_t left = deadline - now_ms();
		int r = poll(fds, (nfds_t)n, buffered ? 0 : left > 0 ? (int)left : 0);

		if (r < 0 && errno != EINTR)
			break;
		buffered = false;
		for (int i = 0; i < n; i++) {
			struct mx_viewer *v = vs[i];

			if (v->c && !v->broken && (fds[i].revents || v->c->buffered > 0))
				handle_one(v);
		}
	} while (now_ms() < deadline);
	free(fds);
}

/* Pixel i of the viewer's framebuffer as the number its format says. */
static uint32_t fb_pixel(const struct mx_viewer *v, long i)
{
	const unsigned char *p = (const unsigned char *)v->c->frameBuffer + i * (v->fmt->bpp / 8);

	switch (v->fmt->bpp) {
	case 8:
		return p[0];
	case 16:
		return v->fmt->big_endian ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
	default:
		return v->fmt->big_endian ? get_be(p, 4) :
		       (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	}
}

/* 0x00RRGGBB as libvncserver translates it: each channel scaled, rounded to nearest. */
static uint32_t to_format(const struct mx_format *f, uint32_t rgb)
{
	uint32_t r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255;

	return ((r * (uint32_t)f->red_max + 127) / 255) << f->red_shift |
	       ((g * (uint32_t)f->green_max + 127) / 255) << f->green_shift |
	       ((b * (uint32_t)f->blue_max + 127) / 255) << f->blue_shift;
}

/* What the viewer shows for pixel value px: its channels, or its colour map entry. */
static uint32_t shown(const struct mx_viewer *v, uint32_t px)
{
	const struct mx_format *f = v->fmt;

	if (!f->true_colour)
		return (uint32_t)v->palette[px & 255][0] << 16 | (uint32_t)v->palette[px & 255][1] << 8 |
		       v->palette[px & 255][2];
	return (px >> f->red_shift & (uint32_t)f->red_max) << 16 |
	       (px >> f->green_shift & (uint32_t)f->green_max) << 8 |
	       (px >> f->blue_shift & (uint32_t)f->blue_max);
}

bool mx_viewer_shows(struct mx_viewer *v, const uint32_t *want, int w, int h, char *why,
		     size_t whylen)
{
	long diffs = 0, first = -1;

	if (!v->c || v->broken) {
		snprintf(why, whylen, "%s", v->why);
		return false;
	}
	if (v->c->width != w || v->c->height != h) {
		snprintf(why, whylen, "framebuffer %dx%d, screen %dx%d", v->c->width, v->c->height, w, h);
		return false;
	}
	if (!v->fmt->true_colour && v->palette_colours < 256) {
		snprintf(why, whylen, "colour map of %d entries", v->palette_colours);
		return false;
	}
	for (long i = 0; i < (long)w * h; i++) {
		uint32_t got = shown(v, fb_pixel(v, i)), exp = shown(v, to_format(v->fmt, want[i]));

		if (got != exp && diffs++ == 0)
			first = i;
	}
	if (diffs)
		snprintf(why, whylen, "%ld pixels differ, the first at (%ld,%ld): 0x%x, not 0x%x", diffs,
			 first % w, first / w, fb_pixel(v, first), to_format(v->fmt, want[first]));
	return diffs == 0;
}

/*
 * The extended form: Provide|Text, zlib data of the size and the text with
 * its NUL.  Flushed, not finished, as TigerVNC sends it: libvncserver
 * 0.9.14 takes a finished stream's end for an error.
 */
static bool send_ext_cut(struct mx_viewer *v, const char *utf8)
{
	size_t len = strlen(utf8) + 1;
	unsigned char raw[260], msg[12 + 512];
	z_stream z = { 0 };

	if (len > sizeof(raw) - 4 || deflateInit(&z, Z_DEFAULT_COMPRESSION) != Z_OK)
		return false;
	put_be(raw, (uint32_t)len, 4);
	memcpy(raw + 4, utf8, len);
	z.next_in = raw;
	z.avail_in = (uInt)(4 + len);
	z.next_out = msg + 12;
	z.avail_out = (uInt)(sizeof(msg) - 12);
	int r = deflate(&z, Z_SYNC_FLUSH);
	size_t zlen = sizeof(msg) - 12 - z.avail_out;

	deflateEnd(&z);
	if (r != Z_OK || z.avail_in)
		return false;
	msg[0] = rfbClientCutText;
	msg[1] = msg[2] = msg[3] = 0;
	put_be(msg + 4, (uint32_t)-(int32_t)(4 + zlen), 4);
	put_be(msg + 8, EXT_PROVIDE | EXT_TEXT, 4);
	return WriteToRFBServer(v->c, (char *)msg, (int)(12 + zlen));
}

bool mx_send_cut(struct mx_viewer *v, const char *utf8, const char *latin1)
{
	if (v->ext_clip)
		return send_ext_cut(v, utf8);
	return SendClientCutText(v->c, (char *)latin1, (int)strlen(latin1));
}

bool mx_send_resize(struct mx_viewer *v, int w, int h)
{
	unsigned char msg[24] = { rfbSetDesktopSize };

	/* libvncclient sends it only once the server has told it its screen. */
	if (v->c->screen.width || v->c->screen.height)
		return SendExtDesktopSize(v->c, (uint16_t)w, (uint16_t)h);
	put_be(msg + 2, (uint32_t)w, 2);
	put_be(msg + 4, (uint32_t)h, 2);
	msg[6] = 1;                   /* one screen, id 0, at 0,0 */
	put_be(msg + 16, (uint32_t)w, 2);
	put_be(msg + 18, (uint32_t)h, 2);
	return WriteToRFBServer(v->c, (char *)msg, sizeof(msg));
}
