/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <zlib.h>

#include "tests/integration/util_raw.h"
#include "tests/integration/util_vncterm.h"

/* A TCP connection to the daemon's port; nonblocking ones may still be connecting. */
int tcp_open(int family, int port, bool nonblock)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	ck_assert_int_ge(fd, 0);
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	}
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		ck_assert_msg(nonblock && errno == EINPROGRESS, "connect to port %d: %s", port,
			      strerror(errno));
	}
	return fd;
}

void send_all(int fd, const void *buf, size_t n)
{
	ck_assert_msg(send(fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n, "send: %s", strerror(errno));
}

void cut_header(unsigned char h[8], uint32_t len)
{
	h[0] = 6; /* ClientCutText */
	h[1] = h[2] = h[3] = 0;
	h[4] = (unsigned char)(len >> 24);
	h[5] = (unsigned char)(len >> 16);
	h[6] = (unsigned char)(len >> 8);
	h[7] = (unsigned char)len;
}

void put32(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)(x >> 24);
	p[1] = (unsigned char)(x >> 16);
	p[2] = (unsigned char)(x >> 8);
	p[3] = (unsigned char)x;
}

/* A raw viewer that announced the extended clipboard (libvncserver's answer is left unread). */
int ext_clipboard_viewer(int port)
{
	unsigned char enc[8] = { 2, 0, 0, 1 };
	int fd = raw_connect(port, 0);

	put32(enc + 4, EXT_CLIPBOARD);
	send_all(fd, enc, sizeof(enc));
	return fd;
}

/*
 * An extended ClientCutText (negative length): Provide|Text, then a zlib
 * stream of the 4-byte size field claimed and the text.  The stream is
 * flushed, not finished, as TigerVNC sends it: libvncserver 0.9.14 takes
 * the end of a finished stream for an error and closes the connection.
 */
void send_ext_provide(int fd, uint32_t claimed, const char *text, size_t len)
{
	unsigned char raw[256], msg[8 + 4 + 512];
	z_stream z = { 0 };

	ck_assert_uint_le(len, sizeof(raw) - 4);
	put32(raw, claimed);
	memcpy(raw + 4, text, len);
	ck_assert_int_eq(deflateInit(&z, Z_DEFAULT_COMPRESSION), Z_OK);
	z.next_in = raw;
	z.avail_in = (uInt)(4 + len);
	z.next_out = msg + 12;
	z.avail_out = (uInt)(sizeof(msg) - 12);
	ck_assert_int_eq(deflate(&z, Z_SYNC_FLUSH), Z_OK);
	ck_assert_uint_eq(z.avail_in, 0);
	size_t zlen = sizeof(msg) - 12 - z.avail_out;

	deflateEnd(&z);
	cut_header(msg, (uint32_t)-(int32_t)(4 + zlen));
	put32(msg + 8, EXT_PROVIDE | EXT_TEXT);
	send_all(fd, msg, 12 + zlen);
}

/* An extended ClientCutText of flags alone, or (EXT_CAPS) a Caps with one size, 0. */
void send_ext_flags(int fd, uint32_t flags)
{
	unsigned char m[16] = { 0 };
	uint32_t len = flags & EXT_CAPS ? 8 : 4;

	cut_header(m, -len);
	put32(m + 8, flags);
	send_all(fd, m, 8 + len);
}

void raw_middle_click(int fd)
{
	static const unsigned char click[12] = { 5, 2, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0 };

	send_all(fd, click, sizeof(click));
}
