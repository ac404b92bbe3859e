/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server side of WebSocket (RFC 6455), as noVNC and websockify speak
 * it: the HTTP Upgrade request and its answer, the client's frames
 * decoded as they arrive (a byte at a time is fine), and the header of
 * the server's frames.  Binary frames only: the old base64 subprotocol is
 * refused.  Pure: no I/O.
 */
#ifndef VNCTERM_WEBSOCKET_H
#define VNCTERM_WEBSOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An Upgrade request longer than this is refused. */
#define WS_REQUEST_MAX 8192
/* The answer: status line, headers, the accept key. */
#define WS_ANSWER_MAX 256
/* The longest server frame header: 2 bytes and a 64-bit length. */
#define WS_HEADER_MAX 10
/* A control frame's payload (a ping's, a close's) is at most this. */
#define WS_CONTROL_MAX 125

/*
 * Where the request ends in buf: its length, headers and blank line
 * included; 0 if it has not ended yet; -EMSGSIZE past WS_REQUEST_MAX.
 */
int ws_request_end(const char *buf, size_t len);

/*
 * Check a whole request (what ws_request_end() measured) and write the
 * answer (NUL-terminated) into answer, at least WS_ANSWER_MAX bytes.
 * 0, or -EINVAL with why set to a static reason.
 */
int ws_answer(const char *req, size_t len, char *answer, const char **why);

/* The header of one unmasked server frame carrying len bytes; its length. */
size_t ws_frame_header(uint8_t *hdr, int opcode, uint64_t len);

enum ws_opcode { WS_CONT = 0, WS_TEXT = 1, WS_BINARY = 2, WS_CLOSE = 8, WS_PING = 9, WS_PONG = 10 };

/* A decoder of the client's frames; zero it to start. */
struct ws_decoder {
	uint8_t hdr[14];
	unsigned hdr_len;
	bool in_payload;
	bool fragmented;     /* a data message continues in the next frame */
	uint8_t opcode;      /* of the frame being read */
	bool fin;
	uint64_t left;       /* its payload still to come */
	uint8_t mask[4];
	unsigned mask_at;
	uint8_t control[WS_CONTROL_MAX];
	unsigned control_len;
};

enum ws_event {
	WS_DATA,      /* data, or nothing yet: go on */
	WS_EV_PING,   /* a ping whose payload (d->control, d->control_len) wants a pong */
	WS_EV_CLOSE,  /* the viewer closes */
};

/*
 * Decode from in (in_len bytes) into out (room for out_len): data
 * payload goes to out, control frames are kept in the decoder.  Sets
 * *used and *made; stops after a control frame, so that the caller
 * answers it before going on, and when out is full.  Returns a
 * ws_event, or -EPROTO with *why set (an unmasked frame, reserved bits,
 * a bad opcode or fragment, an oversized control frame).
 */
int ws_decode(struct ws_decoder *d, const uint8_t *in, size_t in_len, size_t *used, uint8_t *out,
	      size_t out_len, size_t *made, const char **why);

#endif
