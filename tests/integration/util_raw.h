/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw viewers for the integration suites that misbehave on purpose: plain
 * TCP connections, the clipboard messages of RFB and of the extended
 * clipboard, a WebSocket upgrade request.  Failures end the test through
 * Check.
 */
#ifndef TESTS_INTEGRATION_UTIL_RAW_H
#define TESTS_INTEGRATION_UTIL_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What noVNC sends to open a WebSocket (sizeof - 1 bytes). */
#define WS_UPGRADE                                                                        \
	"GET /websockify HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"            \
	"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"           \
	"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n"                  \
	"Origin: http://127.0.0.1\r\n\r\n"

/* The extended clipboard: its pseudo-encoding and the flags of its messages. */
#define EXT_CLIPBOARD 0xc0a1e5ceu
#define EXT_TEXT 1u
#define EXT_CAPS (1u << 24)
#define EXT_REQUEST (1u << 25)
#define EXT_PEEK (1u << 26)
#define EXT_NOTIFY (1u << 27)
#define EXT_PROVIDE (1u << 28)

/* A TCP connection to the daemon's port; nonblocking ones may still be connecting. */
int tcp_open(int family, int port, bool nonblock);
/* Send all n bytes at once, or the test fails. */
void send_all(int fd, const void *buf, size_t n);
/* x big-endian at p. */
void put32(unsigned char *p, uint32_t x);
/* A ClientCutText header claiming len bytes (negative: the extended clipboard). */
void cut_header(unsigned char h[8], uint32_t len);
/* A raw viewer that announced the extended clipboard (libvncserver's answer is left unread). */
int ext_clipboard_viewer(int port);
/*
 * An extended ClientCutText (negative length): Provide|Text, then a zlib
 * stream of the 4-byte size field claimed and the text.
 */
void send_ext_provide(int fd, uint32_t claimed, const char *text, size_t len);
/* An extended ClientCutText of flags alone, or (EXT_CAPS) a Caps with one size, 0. */
void send_ext_flags(int fd, uint32_t flags);
/* A middle click at (0, 0) (two PointerEvents): vncterm types this viewer's clipboard. */
void raw_middle_click(int fd);

#endif
