/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * WebSocket, RFC 6455, the parts a VNC server needs.  The request is
 * checked as browsers and websockify send it (GET, HTTP/1.1, Upgrade:
 * websocket, a key, version 13); the accept key is SHA-1 and base64 from
 * nettle.  Frames from the client must be masked (5.1); a data message
 * may be fragmented, with control frames between its fragments (5.4).
 */
#include <ctype.h>
#include <errno.h>
#include <nettle/base64.h>
#include <nettle/sha1.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vncterm/websocket.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_KEY_MAX 64

int ws_request_end(const char *buf, size_t len)
{
	size_t n = len < WS_REQUEST_MAX ? len : WS_REQUEST_MAX;

	for (size_t i = 3; i < n; i++)
		if (!memcmp(buf + i - 3, "\r\n\r\n", 4))
			return (int)i + 1;
	return len >= WS_REQUEST_MAX ? -EMSGSIZE : 0;
}

/* Whether the comma-separated list [v, end) has token tok, without regard to case. */
static bool has_token(const char *v, const char *end, const char *tok)
{
	size_t tl = strlen(tok);

	while (v < end) {
		while (v < end && (*v == ' ' || *v == '\t' || *v == ','))
			v++;
		const char *s = v;

		while (v < end && *v != ',')
			v++;
		const char *e = v;

		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - s) == tl && !strncasecmp(s, tok, tl))
			return true;
	}
	return false;
}

struct ws_request {
	bool upgrade, connection, version, protocol_given, binary;
	char key[WS_KEY_MAX + 1];
};

/* One "Name: value" line, [line, end). */
static void header(struct ws_request *r, const char *line, const char *end)
{
	const char *colon = memchr(line, ':', (size_t)(end - line));

	if (!colon)
		return;
	size_t nl = (size_t)(colon - line);
	const char *v = colon + 1;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	const char *ve = end;

	while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
		ve--;
#define IS(name) (nl == sizeof(name) - 1 && !strncasecmp(line, name, nl))
	if (IS("Upgrade")) {
		r->upgrade = has_token(v, ve, "websocket");
	} else if (IS("Connection")) {
		r->connection = has_token(v, ve, "upgrade");
	} else if (IS("Sec-WebSocket-Version")) {
		r->version = ve - v == 2 && !memcmp(v, "13", 2);
	} else if (IS("Sec-WebSocket-Protocol")) {
		r->protocol_given = true;
		r->binary |= has_token(v, ve, "binary");
	} else if (IS("Sec-WebSocket-Key") && ve - v > 0 && ve - v <= WS_KEY_MAX) {
		memcpy(r->key, v, (size_t)(ve - v));
		r->key[ve - v] = '\0';
	}
#undef IS
}

static int parse(const char *req, size_t len, struct ws_request *r, const char **why)
{
	const char *end = req + len, *eol = memchr(req, '\n', len);

	*r = (struct ws_request){ 0 };
	if (!eol || len < 4 || memcmp(req, "GET ", 4) || eol - req < 9 ||
	    memcmp(eol - 9, "HTTP/1.1\r", 9)) {
		*why = "not an HTTP/1.1 GET request";
		return -EINVAL;
	}
	for (const char *line = eol + 1; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));

		if (!nl)
			break;
		const char *le = nl > line && nl[-1] == '\r' ? nl - 1 : nl;

		for (const char *p = line; p < le; p++)
			if (!isprint((unsigned char)*p) && *p != '\t') {
				*why = "a header with control characters";
				return -EINVAL;
			}
		header(r, line, le);
		line = nl + 1;
	}
	if (!r->upgrade || !r->connection)
		*why = "an HTTP request that is not a WebSocket upgrade";
	else if (!r->version)
		*why = "a WebSocket version other than 13";
	else if (!r->key[0])
		*why = "a WebSocket request without a key";
	else if (r->protocol_given && !r->binary)
		*why = "a WebSocket subprotocol other than binary";
	else
		return 0;
	return -EINVAL;
}

int ws_answer(const char *req, size_t len, char *answer, const char **why)
{
	struct ws_request r;
	struct sha1_ctx sha;
	uint8_t digest[SHA1_DIGEST_SIZE];
	char accept[BASE64_ENCODE_RAW_LENGTH(SHA1_DIGEST_SIZE) + 1];

	if (parse(req, len, &r, why) < 0)
		return -EINVAL;
	sha1_init(&sha);
	sha1_update(&sha, strlen(r.key), (const uint8_t *)r.key);
	sha1_update(&sha, sizeof(WS_GUID) - 1, (const uint8_t *)WS_GUID);
	sha1_digest(&sha, sizeof(digest), digest);
	base64_encode_raw(accept, sizeof(digest), digest);
	accept[sizeof(accept) - 1] = '\0';
	snprintf(answer, WS_ANSWER_MAX,
		 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
		 "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n%s\r\n",
		 accept, r.protocol_given ? "Sec-WebSocket-Protocol: binary\r\n" : "");
	return 0;
}

size_t ws_frame_header(uint8_t *h, int opcode, uint64_t len)
{
	h[0] = (uint8_t)(0x80 | opcode);
	if (len < 126) {
		h[1] = (uint8_t)len;
		return 2;
	}
	if (len <= 0xffff) {
		h[1] = 126;
		h[2] = (uint8_t)(len >> 8);
		h[3] = (uint8_t)len;
		return 4;
	}
	h[1] = 127;
	for (int i = 0; i < 8; i++)
		h[2 + i] = (uint8_t)(len >> (56 - 8 * i));
	return 10;
}

/* The header is whole in d->hdr: check it and start the payload. */
static int start_frame(struct ws_decoder *d, const char **why)
{
	uint8_t op = d->hdr[0] & 0x0f;
	unsigned n = d->hdr[1] & 0x7f, at = 2;

	if (d->hdr[0] & 0x70) {
		*why = "a WebSocket frame with reserved bits set";
		return -EPROTO;
	}
	if (!(d->hdr[1] & 0x80)) {
		*why = "an unmasked WebSocket frame";
		return -EPROTO;
	}
	d->fin = d->hdr[0] & 0x80;
	if (n == 126) {
		d->left = (uint64_t)d->hdr[2] << 8 | d->hdr[3];
		at = 4;
	} else if (n == 127) {
		d->left = 0;
		for (int i = 0; i < 8; i++)
			d->left = d->left << 8 | d->hdr[2 + i];
		at = 10;
	} else {
		d->left = n;
	}
	memcpy(d->mask, d->hdr + at, 4);
	d->mask_at = 0;
	if (op >= WS_CLOSE) {
		if (op > WS_PONG || !d->fin || d->left > WS_CONTROL_MAX) {
			*why = "a bad WebSocket control frame";
			return -EPROTO;
		}
		d->control_len = 0;
	} else if (op == WS_CONT ? !d->fragmented : (op > WS_BINARY || d->fragmented)) {
		*why = "a bad WebSocket data frame or fragment";
		return -EPROTO;
	} else {
		d->fragmented = !d->fin;
	}
	d->opcode = op;
	d->in_payload = true;
	return WS_DATA;
}

/* How long the header in d->hdr is, once its first two bytes are in. */
static unsigned header_len(const struct ws_decoder *d)
{
	unsigned n = d->hdr[1] & 0x7f;

	return 2 + (n == 126 ? 2 : n == 127 ? 8 : 0) + 4;
}

/* A control frame's payload is all in: say what it was. */
static int end_control(struct ws_decoder *d)
{
	d->in_payload = false;
	d->hdr_len = 0;
	return d->opcode == WS_CLOSE ? WS_EV_CLOSE : d->opcode == WS_PING ? WS_EV_PING : WS_DATA;
}

int ws_decode(struct ws_decoder *d, const uint8_t *in, size_t in_len, size_t *used, uint8_t *out,
	      size_t out_len, size_t *made, const char **why)
{
	size_t i = 0, o = 0;
	int r = WS_DATA;

	while (i < in_len && r == WS_DATA) {
		if (!d->in_payload) {
			d->hdr[d->hdr_len++] = in[i++];
			if (d->hdr_len >= 2 && d->hdr_len == header_len(d))
				r = start_frame(d, why);
			if (r < 0)
				break;
			if (d->in_payload && d->left == 0 && d->opcode >= WS_CLOSE)
				r = end_control(d);
			else if (d->in_payload && d->left == 0)
				d->in_payload = false, d->hdr_len = 0;
			continue;
		}
		size_t n = in_len - i;

		if (n > d->left)
			n = (size_t)d->left;
		if (d->opcode < WS_CLOSE && n > out_len - o)
			n = out_len - o;
		if (n == 0)
			break; /* out is full */
		for (size_t k = 0; k < n; k++) {
			uint8_t b = in[i + k] ^ d->mask[d->mask_at++ & 3];

			if (d->opcode >= WS_CLOSE)
				d->control[d->control_len++] = b;
			else
				out[o++] = b;
		}
		i += n;
		d->left -= n;
		if (d->left == 0 && d->opcode >= WS_CLOSE)
			r = end_control(d);
		else if (d->left == 0)
			d->in_payload = false, d->hdr_len = 0;
	}
	*used = i;
	*made = o;
	return r;
}
