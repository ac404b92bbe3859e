/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The clipboard both ways, all of it ours: libvncserver never sees a
 * ClientCutText (the gate takes it) nor the extended clipboard's
 * pseudo-encoding (viewer_set_encodings() takes it out).
 *
 * From a viewer: ClientCutText is Latin-1, converted to UTF-8 and kept as
 * that viewer's clipboard, typed when it pastes (or at once: paste()).
 * The extended clipboard (pseudo-encoding 0xC0A1E5CE; a ClientCutText of
 * negative length, flags first) carries UTF-8: Caps says what the viewer
 * takes, Notify that it has text (we ask for it with a Request), Provide
 * brings it zlib-compressed (4-byte length, text, NUL), Request and Peek
 * ask for ours.  noVNC (1.3, Debian 12's) pastes through the extension
 * only to a server whose Caps lists Notify, so ours does.
 *
 * To a viewer: the console's selection, once per change and only while
 * the viewer is not on hold (the latest text is what counts): Provide to
 * an extended viewer that takes it unasked at that size, else Notify; a
 * Latin-1 ServerCutText to the others (characters beyond it as '?').
 *
 * At most one answer per message a viewer sent, and one Request per
 * Notify: a viewer makes us send no more than it sends.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "vncterm/bytes.h"
#include "vncterm/log.h"
#include "vncterm/vnc_internal.h"

#define EXT_TEXT rfbExtendedClipboard_Text
#define EXT_CAPS rfbExtendedClipboard_Caps
#define EXT_REQUEST rfbExtendedClipboard_Request
#define EXT_PEEK rfbExtendedClipboard_Peek
#define EXT_NOTIFY rfbExtendedClipboard_Notify
#define EXT_PROVIDE rfbExtendedClipboard_Provide

void clip_begin(struct conn *c, const struct gate_unit *u)
{
	c->cut = (struct cut){ .active = true, .extended = u->cut_extended, .len = u->cut_len };
	c->cut.buf = malloc(u->cut_len ? u->cut_len : 1);
	if (!c->cut.buf)
		viewer_close(c, LOG_WARNING, "disconnected: no memory for its clipboard");
	else if (!u->cut_len)
		clip_end(c);
}

size_t clip_feed(struct conn *c, const uint8_t *buf, size_t len)
{
	size_t n = c->cut.len - c->cut.got;

	if (n > len)
		n = len;
	memcpy(c->cut.buf + c->cut.got, buf, n);
	c->cut.got += (uint32_t)n;
	if (c->cut.got == c->cut.len)
		clip_end(c);
	return n;
}

static void type_text(struct conn *c, const char *utf8, size_t len)
{
	struct vnc *v = c->vnc;

	if (len && !c->cl->viewOnly && v->cb.paste) {
		v->cb.paste(utf8, len, v->user);
		viewer_changed(v);
	}
}

/*
 * Text a viewer sent.  Viewers send their clipboard whenever it changes
 * (TigerVNC, noVNC's panel): typed at once, whatever an admin copied
 * anywhere would run on the console.  So it is kept, the newest only,
 * until that viewer pastes (clip_paste()); --paste-on-receive types it.
 */
static void paste(struct conn *c, const char *utf8, size_t len)
{
	struct vnc *v = c->vnc;

	len = strnlen(utf8, len); /* the extended form's text ends at its NUL */
	if (!len || c->cl->viewOnly)
		return; /* a viewer that cannot type has nothing to paste */
	if (v->paste_on_receive) {
		type_text(c, utf8, len);
		return;
	}
	if (len > CLIP_TEXT_MAX)
		len = CLIP_TEXT_MAX; /* the daemon types at most as much (PASTE_MAX) */
	free(c->sent);
	c->sent = malloc(len);
	c->sent_len = c->sent ? len : 0;
	c->sent_order = ++v->clip_events;
	if (c->sent)
		memcpy(c->sent, utf8, len);
	log_msg(LOG_DEBUG, "viewer %s: its clipboard (%zu bytes) kept for its paste", c->host,
		c->sent_len);
}

void clip_paste(struct conn *c)
{
	struct vnc *v = c->vnc;

	if (c->sent && c->sent_order > v->clip_order)
		type_text(c, c->sent, c->sent_len);
	else if (v->clip)
		type_text(c, v->clip, v->clip_len);
}

void clip_free(struct conn *c)
{
	free(c->cut.buf);
	c->cut = (struct cut){ 0 };
	free(c->sent);
	c->sent = NULL;
	c->sent_len = 0;
}

/* Latin-1, two UTF-8 bytes at most each. */
static void paste_latin1(struct conn *c, const uint8_t *s, size_t len)
{
	char *u = malloc(2 * len + 1);
	size_t n = 0;

	if (!u)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x80) {
			u[n++] = (char)s[i];
		} else {
			u[n++] = (char)(0xc0 | s[i] >> 6);
			u[n++] = (char)(0x80 | (s[i] & 0x3f));
		}
	}
	u[n] = '\0';
	paste(c, u, n);
	free(u);
}

/* A Provide's text: the first format, as text comes first; at most CLIP_TEXT_MAX of it. */
static void provided(struct conn *c, uint32_t flags, const uint8_t *z, size_t zlen)
{
	uint8_t *out = malloc(4 + CLIP_TEXT_MAX + 1);
	z_stream s = { .next_in = (Bytef *)z, .avail_in = (uInt)zlen };

	if (!(flags & EXT_TEXT) || !out || inflateInit(&s) != Z_OK) {
		free(out);
		return;
	}
	s.next_out = out;
	s.avail_out = 4 + CLIP_TEXT_MAX;
	int r = inflate(&s, Z_SYNC_FLUSH);
	size_t made = 4 + CLIP_TEXT_MAX - s.avail_out;

	inflateEnd(&s);
	if ((r == Z_OK || r == Z_STREAM_END || r == Z_BUF_ERROR) && made >= 4) {
		size_t len = get32(out);

		/* libvncserver's limit, and noVNC's: a larger claim is a broken or hostile viewer. */
		if (len > CLIP_TEXT_MAX + 1) {
			free(out);
			viewer_close(c, LOG_WARNING, "sent a clipboard text claiming %zu bytes: "
						     "disconnected", len);
			return;
		}
		if (len > made - 4)
			len = made - 4; /* longer than CLIP_TEXT_MAX, or cut short: what came */
		out[4 + len] = '\0';
		paste(c, (const char *)out + 4, len);
	}
	free(out);
}

static void extended(struct conn *c, const uint8_t *b, size_t len)
{
	uint32_t flags = get32(b);

	if (!c->ext_clip)
		return; /* it did not announce the extension: the message means nothing */
	if (flags & EXT_CAPS) {
		c->clip_caps = flags;
		/* The sizes follow, one per format; text's is first. */
		c->clip_text_max = (flags & EXT_TEXT) && len >= 8 ? get32(b + 4) : 0;
	} else if (flags & EXT_REQUEST) {
		c->provide_due = (flags & EXT_TEXT) && c->vnc->clip;
	} else if (flags & EXT_PEEK) {
		c->notify_due = true;
	} else if (flags & EXT_NOTIFY) {
		c->request_due = (flags & EXT_TEXT) && !c->cl->viewOnly &&
				 (c->clip_caps & EXT_REQUEST);
	} else if (flags & EXT_PROVIDE) {
		provided(c, flags, b + 4, len - 4);
	}
}

void clip_end(struct conn *c)
{
	struct cut cut = c->cut;

	c->cut = (struct cut){ 0 };
	if (cut.extended)
		extended(c, cut.buf, cut.len);
	else
		paste_latin1(c, cut.buf, cut.len);
	free(cut.buf);
}

/* libvncserver's write, so that ours go in order with its own. */
static void send_msg(struct conn *c, const uint8_t *msg, size_t len)
{
	if (rfbWriteExact(c->cl, (const char *)msg, (int)len) < 0)
		rfbCloseClient(c->cl);
}

/* An extended ServerCutText: flags alone, or with the text size limit for Caps. */
static void send_flags(struct conn *c, uint32_t flags)
{
	uint8_t msg[16] = { rfbServerCutText };
	uint32_t body = flags & EXT_CAPS ? 8 : 4;

	put32(msg + 4, 0u - body); /* a negative length marks the extended form */
	put32(msg + 8, flags);
	put32(msg + 12, CLIP_TEXT_MAX);
	send_msg(c, msg, 8 + body);
}

static void send_provide(struct conn *c)
{
	struct vnc *v = c->vnc;
	uLong raw = 4 + (uLong)v->clip_len + 1, zlen = compressBound(raw);
	uint8_t *in = malloc(raw), *msg = malloc(12 + zlen);

	if (in && msg) {
		put32(in, (uint32_t)v->clip_len + 1);
		memcpy(in + 4, v->clip, v->clip_len);
		in[raw - 1] = '\0';
		if (compress(msg + 12, &zlen, in, raw) == Z_OK) {
			msg[0] = rfbServerCutText;
			msg[1] = msg[2] = msg[3] = 0;
			put32(msg + 4, 0u - (uint32_t)(4 + zlen));
			put32(msg + 8, EXT_PROVIDE | EXT_TEXT);
			send_msg(c, msg, 12 + zlen);
		}
	}
	free(in);
	free(msg);
}

/* UTF-8 to Latin-1: characters beyond it become '?'. */
static void send_latin1(struct conn *c)
{
	const uint8_t *u = (const uint8_t *)c->vnc->clip;
	size_t len = c->vnc->clip_len, n = 8;
	uint8_t *msg = malloc(8 + len);

	if (!msg)
		return;
	for (size_t i = 0; i < len;) {
		uint8_t ch = u[i++];

		if (ch < 0x80) {
			msg[n++] = ch;
		} else if ((ch == 0xc2 || ch == 0xc3) && i < len && (u[i] & 0xc0) == 0x80) {
			msg[n++] = (uint8_t)((ch & 0x03) << 6 | (u[i++] & 0x3f));
		} else {
			msg[n++] = '?';
			while (i < len && (u[i] & 0xc0) == 0x80)
				i++;
		}
	}
	msg[0] = rfbServerCutText;
	msg[1] = msg[2] = msg[3] = 0;
	put32(msg + 4, (uint32_t)(n - 8));
	send_msg(c, msg, n);
	free(msg);
}

/* The console's text, changed since this viewer last had it. */
static void send_text(struct conn *c)
{
	struct vnc *v = c->vnc;

	c->clip_serial = v->clip_serial;
	if (!v->clip)
		return;
	/* Before its Caps, a viewer takes what libvncserver assumes: text up to 20 MiB. */
	uint32_t max = c->clip_caps ? c->clip_text_max : 20u << 20;

	if (!c->ext_clip)
		send_latin1(c);
	else if ((c->clip_caps & EXT_PROVIDE || !c->clip_caps) && v->clip_len < max)
		send_provide(c);
	else if (c->clip_caps & EXT_NOTIFY || !c->clip_caps)
		send_flags(c, EXT_NOTIFY | EXT_TEXT);
}

void clip_send(struct conn *c)
{
	struct vnc *v = c->vnc;

	if (c->caps_due) {
		c->caps_due = false;
		send_flags(c, EXT_CAPS | EXT_REQUEST | EXT_PEEK | EXT_NOTIFY | EXT_PROVIDE | EXT_TEXT);
	}
	if (c->request_due && viewer_alive(c)) {
		c->request_due = false;
		send_flags(c, EXT_REQUEST | EXT_TEXT);
	}
	if (c->notify_due && viewer_alive(c)) {
		c->notify_due = false;
		send_flags(c, EXT_NOTIFY | (v->clip ? EXT_TEXT : 0));
	}
	if (c->provide_due && viewer_alive(c)) {
		c->provide_due = false;
		if (v->clip)
			send_provide(c);
	}
	if (c->clip_serial != v->clip_serial && viewer_alive(c))
		send_text(c);
}
