/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * WebSocket garbage from viewers that mean harm, against the real daemon:
 * an upgrade request that never ends, frames with opcodes, lengths and
 * masks that no client may send, before the RFB handshake and after
 * ServerInit.  libvncserver closes each connection; vncterm stays up and
 * a viewer that behaves still sees the right screen and still types.
 *
 * Display 127.0.0.1:108 is this file's.
 */
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_hostile_viewer.h"
#include "tests/integration/util_raw.h"

static const char ws_upgrade[] = WS_UPGRADE;

/* Upgrade fd to WebSocket; the server's answer is read up to its blank line. */
static void ws_open(int fd)
{
	char resp[1024];
	size_t n = 0;

	send_all(fd, ws_upgrade, sizeof(ws_upgrade) - 1);
	resp[0] = '\0';
	while (n < sizeof(resp) - 1 && !strstr(resp, "\r\n\r\n")) {
		read_exact(fd, resp + n, 1);
		resp[++n] = '\0';
	}
	ck_assert_msg(!strncmp(resp, "HTTP/1.1 101", 12), "no protocol switch: %s", resp);
}

/*
 * One client frame: opcode, FIN, masked or not; a len64 other than 0 is
 * put in the 64-bit length field, whatever the payload.
 */
static size_t ws_frame(unsigned char *out, int opcode, bool fin, bool masked, const void *data,
		       size_t n, uint64_t len64)
{
	static const unsigned char mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	size_t k = 0;

	out[k++] = (unsigned char)((fin ? 0x80 : 0) | opcode);
	if (len64 || n > 125) {
		uint64_t l = len64 ? len64 : n;

		out[k++] = (unsigned char)((masked ? 0x80 : 0) | 127);
		for (int s = 56; s >= 0; s -= 8)
			out[k++] = (unsigned char)(l >> s);
	} else {
		out[k++] = (unsigned char)((masked ? 0x80 : 0) | n);
	}
	if (masked) {
		memcpy(out + k, mask, 4);
		k += 4;
	}
	for (size_t i = 0; i < n; i++)
		out[k + i] = ((const unsigned char *)data)[i] ^ (masked ? mask[i % 4] : 0);
	return k + n;
}

/* One server frame's payload (short binary frames only). */
static size_t ws_read(int fd, unsigned char *out, size_t max)
{
	unsigned char hd[2];
	size_t n;

	read_exact(fd, hd, 2);
	ck_assert_msg((hd[0] & 0x0f) == 2 && (hd[1] & 0x7f) < 126, "unexpected server frame %02x %02x",
		      hd[0], hd[1]);
	n = hd[1] & 0x7f;
	ck_assert_uint_le(n, max);
	read_exact(fd, out, n);
	return n;
}

/* A WebSocket viewer through ServerInit, to misbehave at the RFB level. */
static void ws_rfb_handshake(int fd)
{
	unsigned char f[64], buf[256];

	ws_open(fd);
	ck_assert_uint_eq(ws_read(fd, buf, sizeof(buf)), 12);
	send_all(fd, f, ws_frame(f, 2, true, true, "RFB 003.008\n", 12, 0));
	ws_read(fd, buf, sizeof(buf));
	send_all(fd, f, ws_frame(f, 2, true, true, "\x01", 1, 0));
	ck_assert_uint_eq(ws_read(fd, buf, sizeof(buf)), 4);
	send_all(fd, f, ws_frame(f, 2, true, true, "\x01", 1, 0));
	ck_assert_uint_ge(ws_read(fd, buf, sizeof(buf)), 24);
}

enum ws_case {
	WS_ENDLESS_LINE,
	WS_ENDLESS_HEADERS,
	WS_BAD_OPCODE_OPEN,
	WS_BAD_OPCODE_EOF,
	WS_CONTINUATION_FIRST,
	WS_LENGTH_2_63,
	WS_LENGTH_2_63_IN_RFB,
	WS_UNMASKED,
	WS_UNMASKED_IN_RFB,
	WS_CLOSE_THEN_DATA,
	WS_CASES
};

static const char *const ws_names[WS_CASES] = {
	[WS_ENDLESS_LINE] = "a request line of 64 KiB without CRLF",
	[WS_ENDLESS_HEADERS] = "10000 header lines",
	[WS_BAD_OPCODE_OPEN] = "a frame with opcode 3, kept open",
	[WS_BAD_OPCODE_EOF] = "a frame with opcode 0xb, then EOF",
	[WS_CONTINUATION_FIRST] = "a continuation frame first",
	[WS_LENGTH_2_63] = "a frame of 2^63 bytes",
	[WS_LENGTH_2_63_IN_RFB] = "a frame of 2^63 bytes after ServerInit",
	[WS_UNMASKED] = "an unmasked client frame",
	[WS_UNMASKED_IN_RFB] = "an unmasked client frame after ServerInit",
	[WS_CLOSE_THEN_DATA] = "a close frame, then data",
};

/* A request line of 64 KiB without its CRLF. */
static void send_endless_line(int fd)
{
	char *line = malloc(64 * 1024 + 5);

	ck_assert_ptr_nonnull(line);
	memcpy(line, "GET /", 5);
	memset(line + 5, 'A', 64 * 1024);
	/* the server may stop reading (and reset) before the end */
	send(fd, line, 64 * 1024 + 5, MSG_NOSIGNAL);
	free(line);
}

/* A request line and 10000 header lines, without the blank line that ends them. */
static void send_endless_headers(int fd)
{
	static const char hdr[] = "X-Filler: yes\r\n";
	char *req = malloc(16 + 10000 * (sizeof(hdr) - 1));
	size_t n;

	ck_assert_ptr_nonnull(req);
	n = (size_t)sprintf(req, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 10000; i++, n += sizeof(hdr) - 1)
		memcpy(req + n, hdr, sizeof(hdr) - 1);
	send(fd, req, n, MSG_NOSIGNAL);
	free(req);
}

/*
 * Send case's garbage on fd, a connection that has not spoken yet; the
 * ms the server may take to close it.
 */
static int send_ws_garbage(int fd, enum ws_case which)
{
	static const unsigned char fur[10] = { 3, 0, 0, 0, 0, 0, 0, 8, 0, 8 };
	unsigned char f[256];
	size_t n;

	switch (which) {
	case WS_ENDLESS_LINE:
		send_endless_line(fd);
		break;
	case WS_ENDLESS_HEADERS:
		send_endless_headers(fd);
		break;
	case WS_BAD_OPCODE_OPEN:
		ws_open(fd);
		send_all(fd, f, ws_frame(f, 3, true, true, "RFB 003.008\n", 12, 0));
		return READ_WAIT_MS + 1500;
	case WS_BAD_OPCODE_EOF:
		ws_open(fd);
		send_all(fd, f, ws_frame(f, 0xb, true, true, "RFB 003.008\n", 12, 0));
		shutdown(fd, SHUT_WR);
		break;
	case WS_CONTINUATION_FIRST:
		ws_open(fd);
		send_all(fd, f, ws_frame(f, 0, true, true, "RFB 003.008\n", 12, 0));
		break;
	case WS_LENGTH_2_63:
	case WS_LENGTH_2_63_IN_RFB:
		if (which == WS_LENGTH_2_63)
			ws_open(fd);
		else
			ws_rfb_handshake(fd);
		n = ws_frame(f, 2, true, true, NULL, 0, 1ull << 63);
		memset(f + n, 0, 64);
		send_all(fd, f, n + 64);
		break;
	case WS_UNMASKED:
		ws_open(fd);
		send_all(fd, f, ws_frame(f, 2, true, false, "RFB 003.008\n", 12, 0));
		break;
	case WS_UNMASKED_IN_RFB:
		ws_rfb_handshake(fd);
		send_all(fd, f, ws_frame(f, 2, true, false, fur, sizeof(fur), 0));
		break;
	case WS_CLOSE_THEN_DATA:
		ws_open(fd);
		n = ws_frame(f, 8, true, true, "\x03\xe8", 2, 0);
		n += ws_frame(f + n, 2, true, true, "RFB 003.008\n", 12, 0);
		send_all(fd, f, n);
		break;
	case WS_CASES:
		break;
	}
	return 1000;
}

/*
 * libvncserver 0.9.14 closes the connection in every case: at once, or
 * (an unknown opcode on an open connection) after its read timeout.
 */
START_TEST(websocket_garbage)
{
	const char *const args[] = { "-v", "127.0.0.1:108", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", ECHO_CMD, NULL };
	struct vncterm *v = start_daemon(args, 108);
	rfbClient *c = connect_to("127.0.0.1", v);
	int fd, wait;

	assert_screen(c, 4, 20, "ready", 5000);
	/* A WebSocket client must speak within 100 ms, or it is greeted as RFB. */
	fd = tcp_open(AF_INET, v->port, false);
	wait = send_ws_garbage(fd, (enum ws_case)_i);
	ck_assert_msg(closed_within(fd, wait, NULL), "%s: connection not closed", ws_names[_i]);
	close(fd);
	assert_still_serving(v, c, XK_x, "readyx", ws_names[_i]);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

Suite *hostile_websocket_suite(void)
{
	Suite *s = suite_create("hostile_websocket");
	TCase *ws = tcase_create("WebSocket garbage");

	signal(SIGPIPE, SIG_IGN);
	/* each test takes seconds; this only bounds a hang */
	tcase_set_timeout(ws, 20);
	tcase_add_loop_test(ws, websocket_garbage, 0, WS_CASES);
	suite_add_tcase(s, ws);
	return s;
}
