/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Viewers that mean harm, against the real daemon: a flood of connections,
 * connections that never finish the handshake, and RFB messages that are
 * malformed or cut short.  Whatever libvncserver does with each (it
 * closes the connection or ignores the message; both are asserted as
 * they are), vncterm stays up, its fds stay bounded, and a viewer that
 * behaves still sees the right screen and still types.  Clipboard
 * messages, WebSocket garbage and viewers that never read have suites of
 * their own (check_hostile_clipboard.c, check_hostile_websocket.c,
 * check_hostile_stalled.c).
 *
 * Displays 127.0.0.1:100 to :103, :106, :107, :110 and :183 are this file's.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_hostile_viewer.h"
#include "tests/integration/util_raw.h"

/* vncterm's default --max-viewers */
#define MAX_VIEWERS 32

/* ---- too many viewers ---- */

#define FLOOD 200

/*
 * 200 connections at once that never speak, against a daemon serving one
 * viewer already: c, which types during the flood and must see it, or
 * (c NULL) one the caller keeps.  At most --max-viewers are served; the
 * rest are closed by the server within seconds; the fds the daemon's
 * process fd_pid holds stay bounded and go back to where they were.
 */
static void flood(struct vncterm *v, pid_t fd_pid, rfbClient *c, const char *label)
{
	int socks[FLOOD], w = 0, h = 0, want_closed = FLOOD - (MAX_VIEWERS - 1);
	bool closed[FLOOD] = { false }, greeted[FLOOD] = { false };
	uint32_t *typed = c ? expected_screen(4, 20, "readya", &w, &h) : NULL;
	int base = fd_count(fd_pid), peak = base, nclosed = 0;
	int64_t start = now_ms(), typed_at = c ? -1 : start, deadline = start + 10000;
	int64_t last_closed = start;
	char buf[256];

	for (int i = 0; i < FLOOD; i++)
		socks[i] = tcp_open(AF_INET, v->port, true);
	/* typed while the flood is being dealt with */
	if (c)
		ck_assert(vnc_key(c, XK_a));
	/* Refusals may all come before the greetings (each waits 100 ms for a WebSocket request). */
	for (int ngreeted = 0; now_ms() < deadline &&
	     (nclosed < want_closed || typed_at < 0 || ngreeted + nclosed < FLOOD);) {
		struct pollfd p[FLOOD];

		for (int i = 0; i < FLOOD; i++)
			p[i] = (struct pollfd){ .fd = closed[i] ? -1 : socks[i], .events = POLLIN };
		poll(p, FLOOD, 10);
		for (int i = 0; i < FLOOD; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t k = recv(socks[i], buf, sizeof(buf), MSG_DONTWAIT);

			if (k > 0) {
				bool was = greeted[i];

				greeted[i] |= k >= 4 && !memcmp(buf, "RFB ", 4);
				ngreeted += greeted[i] && !was;
			} else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
				closed[i] = true;
				nclosed++;
				last_closed = now_ms();
			}
		}
		int n = fd_count(fd_pid);

		peak = n > peak ? n : peak;
		if (c) {
			ck_assert_msg(vnc_pump(c, now_ms() + 10),
				      "%s: the viewer lost its connection in the flood", label);
			if (typed_at < 0 && vnc_shows(c, typed, w, h))
				typed_at = now_ms();
		}
	}
	ck_assert_msg(vncterm_alive(v), "%s: vncterm died in the flood", label);
	ck_assert_msg(typed_at >= 0, "%s: a key typed during the flood never showed", label);
	/* the viewer already there holds one place */
	ck_assert_msg(nclosed == want_closed,
		      "%s: %d of %d connections closed by vncterm within 10 s, want %d", label,
		      nclosed, FLOOD, want_closed);
	for (int i = 0; i < FLOOD; i++)
		ck_assert_msg(closed[i] || greeted[i], "%s: connection %d open but never served", label,
			      i);
	/*
	 * The served ones, three each (the viewer's socket, and the
	 * socketpair through which libvncserver is handed whole messages),
	 * plus one being refused at any moment.
	 */
	ck_assert_msg(peak <= base + 3 * (MAX_VIEWERS - 1) + 1, "%s: %d fds held, %d before the flood",
		      label, peak, base);
	if (getenv("VNCTERM_TEST_FIGURES"))
		fprintf(stderr,
			"%s: fds %d -> peak %d; %d refused, the last after %lld ms; "
			"key shown after %lld ms\n", label, base, peak, nclosed,
			(long long)(last_closed - start), c ? (long long)(typed_at - start) : -1LL);
	for (int i = 0; i < FLOOD; i++)
		close(socks[i]);
	for (int64_t end = now_ms() + 5000; fd_count(fd_pid) != base && now_ms() < end;) {
		if (c)
			vnc_pump(c, now_ms() + 20);
		else
			sleep_ms(20);
	}
	ck_assert_msg(fd_count(fd_pid) == base, "%s: %d fds held after the flood, %d before", label,
		      fd_count(fd_pid), base);
	free(typed);
}

/*
 * The flood against a command console: a viewer connected before types
 * and sees it during the flood, and one connecting after works.
 */
START_TEST(connection_flood)
{
	const char *const args[] = { "-v", "127.0.0.1:100", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", ECHO_CMD, NULL };
	struct vncterm *v = start_daemon(args, 100);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, "ready", 5000);
	flood(v, v->pid, c, "command console");
	assert_still_serving(v, c, XK_b, "readyab", "after the flood");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * The same against a sandboxed console (a file source): the worker lives
 * on 256 fds under seccomp, and turning viewers away must stay inside
 * both.
 */
START_TEST(connection_flood_sandboxed)
{
	char path[] = "/tmp/vncterm-hostile-XXXXXX";

	temp_file(path, "sandboxed", 9);
	const char *const args[] = { "-v", "127.0.0.1:110", "--geometry", "20x4", "-s", "--input",
				     path, NULL };
	struct vncterm *v = start_daemon(args, 110);
	pid_t worker = worker_of(v->pid);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, "sandboxed", 5000);
	flood(v, worker, NULL, "sandboxed console");
	ck_assert_msg(kill(worker, 0) == 0, "the sandboxed worker died");
	rfbClient *fresh = connect_to("127.0.0.1", v);

	assert_screen(fresh, 4, 20, "sandboxed", 5000);
	vnc_disconnect(fresh);
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(path);
}
END_TEST

/* --max-viewers 2: a third viewer is turned away, and gets in once one leaves. */
START_TEST(max_viewers_option)
{
	const char *const args[] = { "-v", "127.0.0.1:101", "--max-viewers", "2", "--geometry",
				     "20x4", "-c", "/bin/sh", "-c", ECHO_CMD, NULL };
	struct vncterm *v = start_daemon(args, 101);
	rfbClient *a = connect_to("127.0.0.1", v), *b = connect_to("127.0.0.1", v), *c = NULL;
	int extra = tcp_open(AF_INET, v->port, false);
	size_t got = 0;

	ck_assert_msg(closed_within(extra, 1000, &got), "a third viewer was not refused");
	ck_assert_msg(got == 0, "a refused viewer was sent %zu bytes", got);
	close(extra);
	assert_screen(a, 4, 20, "ready", 5000);
	assert_screen(b, 4, 20, "ready", 5000);
	int both = fd_count(v->pid);

	vnc_disconnect(a);
	/* vncterm notices the departure (its socket closes) on its next round */
	for (int64_t end = now_ms() + 3000; fd_count(v->pid) >= both && now_ms() < end;)
		sleep_ms(20);
	c = connect_to("127.0.0.1", v);
	ck_assert(vnc_key(c, XK_z));
	assert_screen(b, 4, 20, "readyz", 5000);
	vnc_disconnect(b);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * Connections that never finish the handshake (silent, or stopped after
 * the version) hold the only two slots; --handshake-timeout 1 frees them,
 * while a viewer that finished its handshake long before stays.
 */
START_TEST(unfinished_handshakes_are_dropped)
{
	static const char version[] = "RFB 003.008\n";
	const char *const args[] = { "-v", "127.0.0.1:183", "--max-viewers", "3",
				     "--handshake-timeout", "1", "--geometry", "20x4", "-c",
				     "/bin/sh", "-c", ECHO_CMD, NULL };
	struct vncterm *v = start_daemon(args, 183);
	int done = raw_connect(v->port, 0);

	sleep_ms(1500); /* past the timeout: a finished handshake is never timed out */
	int silent = tcp_open(AF_INET, v->port, false), halfway = tcp_open(AF_INET, v->port, false);

	send_all(halfway, version, sizeof(version) - 1);
	int64_t t0 = now_ms();
	int extra = tcp_open(AF_INET, v->port, false);

	ck_assert_msg(closed_within(extra, 500, NULL), "a fourth connection was not refused");
	close(extra);
	ck_assert_msg(closed_within(silent, 3000, NULL), "a silent connection was kept");
	ck_assert_msg(closed_within(halfway, 3000, NULL), "a connection stopped after its version "
							   "was kept");
	int64_t took = now_ms() - t0;

	ck_assert_msg(took >= 700, "dropped after %lld ms, before the timeout", (long long)took);
	struct pollfd p = { .fd = done, .events = POLLRDHUP };

	ck_assert_msg(poll(&p, 1, 0) == 0, "the viewer that finished its handshake was dropped");
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, "ready", 5000);
	close(silent);
	close(halfway);
	close(done);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * --max-viewers 1 with one connection on each family at the same moment:
 * libvncserver may take both in one round, so the limit must hold there
 * too (newClientHook), not only where vncterm refuses before accepting.
 */
START_TEST(max_viewers_both_families)
{
	const char *const args[] = { "-v", "127.0.0.1:102", "--max-viewers", "1", "--geometry",
				     "20x4", "-c", "/bin/sh", "-c", ECHO_CMD, NULL };
	struct vncterm *v = start_daemon(args, 102);
	int s4 = tcp_open(AF_INET, v->port, true), s6 = tcp_open(AF_INET6, v->port, true);
	int served = 0, refused = 0;

	for (int i = 0; i < 2; i++) {
		int fd = i ? s6 : s4;
		char greeting[12];
		struct pollfd p = { .fd = fd, .events = POLLIN };
		size_t n = 0;

		/* A served connection is greeted at once, a refused one closed. */
		while (n < sizeof(greeting) && poll(&p, 1, 2000) == 1) {
			ssize_t k = recv(fd, greeting + n, sizeof(greeting) - n, 0);

			if (k <= 0)
				break;
			n += (size_t)k;
		}
		if (n == sizeof(greeting) && !closed_within(fd, 300, NULL))
			served++;
		else if (closed_within(fd, 1000, NULL))
			refused++;
	}
	ck_assert_msg(served == 1 && refused == 1,
		      "--max-viewers 1, one IPv4 and one IPv6 connection: %d served, %d refused",
		      served, refused);
	close(s4);
	close(s6);
	ck_assert(vncterm_alive(v));
	stop_daemon(v);
}
END_TEST

static const char *const bad_max_viewers[] = { "0", "1001", "-1", "lots", "" };

/* A bad --max-viewers is a bad command line: one line on stderr, status 2. */
START_TEST(max_viewers_bad_values)
{
	const char *const args[] = { "-v", "127.0.0.1:103", "--max-viewers", bad_max_viewers[_i],
				     "-c", "/bin/true", NULL };
	struct vncterm_run res;
	const char *nl;

	ck_assert_int_eq(vncterm_run(args, 3000, &res), 0);
	ck_assert_msg(res.exited && WIFEXITED(res.status) && WEXITSTATUS(res.status) == 2,
		      "--max-viewers '%s': wait status 0x%x, want exit status 2", bad_max_viewers[_i],
		      res.status);
	nl = strchr(res.err, '\n');
	ck_assert_msg(nl && nl[1] == '\0' && strstr(res.err, "--max-viewers"),
		      "--max-viewers '%s': stderr \"%s\"", bad_max_viewers[_i], res.err);
	ck_assert_str_eq(res.out, "");
}
END_TEST

/* ---- malformed RFB ---- */

enum stage {
	AT_CONNECT,     /* sent before the server's greeting is read */
	AFTER_GREETING, /* in place of the client's protocol version */
	AFTER_VERSION,  /* in place of the security type */
	AFTER_INIT,     /* a normal message, after ServerInit */
};

/*
 * CLOSED_LATE: a viewer that stops halfway through a message is closed
 * once READ_WAIT_MS pass without a byte from it (as libvncserver's own
 * reads would); vncterm serves the others meanwhile (check_drip.c).
 */
enum outcome {
	CLOSED,      /* the server closes the connection at once */
	CLOSED_LATE, /* ... after waiting READ_WAIT_MS for the rest of the message */
	IGNORED,     /* nothing happens; the connection goes on */
	ANSWERED,    /* the server answers; the connection goes on */
};

struct malformed {
	const char *what;
	enum stage stage;
	const char *bytes; /* len bytes */
	size_t len;
	bool half_close;   /* shut down our side after sending (the client went away) */
	enum outcome expect;
};

#define M(s) s, sizeof(s) - 1
/* SetPixelFormat: bits per pixel, depth, true colour, maxima and shifts */
#define PIXEL_FORMAT(bpp, depth, tc, max, shift) \
	"\x00\0\0\0" bpp depth "\x00" tc max max max shift shift shift "\x00\x00\x00"

static const struct malformed malformed[] = {
	{ "unknown message type 200", AFTER_INIT, M("\xc8"), false, CLOSED },
	{ "QEMU client message (255), unsupported", AFTER_INIT, M("\xff\0\0\0"), false, CLOSED },
	{ "FixColourMapEntries, unsupported", AFTER_INIT, M("\x01\0\0\0\0\0"), false, CLOSED },
	{ "SetEncodings of 65535, 3 sent, then EOF", AFTER_INIT,
	  M("\x02\0\xff\xff\0\0\0\0\0\0\0\0\0\0\0\0"), true, CLOSED },
	{ "SetEncodings of 65535, refused on its header", AFTER_INIT,
	  M("\x02\0\xff\xff\0\0\0\0\0\0\0\0\0\0\0\0"), false, CLOSED },
	{ "SetEncodings of 3, 2 sent, kept open", AFTER_INIT,
	  M("\x02\0\x00\x03\0\0\0\0\0\0\0\0"), false, CLOSED_LATE },
	{ "KeyEvent cut short, kept open", AFTER_INIT, M("\x04\x01\x00"), false, CLOSED_LATE },
	{ "SetPixelFormat 7 bpp", AFTER_INIT, M(PIXEL_FORMAT("\x07", "\x07", "\x01", "\0\xff",
							     "\x00")), false, CLOSED },
	{ "SetPixelFormat 0 bpp", AFTER_INIT, M(PIXEL_FORMAT("\x00", "\x00", "\x01", "\0\xff",
							     "\x00")), false, CLOSED },
	{ "SetPixelFormat 64 bpp", AFTER_INIT, M(PIXEL_FORMAT("\x40", "\x18", "\x01", "\0\xff",
							      "\x00")), false, CLOSED },
	{ "SetPixelFormat 8 bpp colour map", AFTER_INIT,
	  M(PIXEL_FORMAT("\x08", "\x08", "\x00", "\0\0", "\x00")), false, ANSWERED },
	{ "SetPixelFormat 32 bpp, maxima 0, shifts 255", AFTER_INIT,
	  M(PIXEL_FORMAT("\x20", "\x18", "\x01", "\0\0", "\xff")), false, CLOSED },
	{ "update request outside the framebuffer", AFTER_INIT,
	  M("\x03\x00\x27\x10\x27\x10\x00\x0a\x00\x0a"), false, IGNORED },
	{ "update request 65535x65535 at 65535,65535", AFTER_INIT,
	  M("\x03\x00\xff\xff\xff\xff\xff\xff\xff\xff"), false, IGNORED },
	{ "KeyEvent cut short, then EOF", AFTER_INIT, M("\x04\x01\x00"), true, CLOSED },
	{ "PointerEvent cut short, then EOF", AFTER_INIT, M("\x05\x01\x00"), true, CLOSED },
	{ "FileTransfer, not offered", AFTER_INIT, M("\x07\0\0\0\0\0\0\0\0\0\0\0"), false, CLOSED },
	{ "SetScale 0", AFTER_INIT, M("\x08\x00\x00\x00"), false, CLOSED },
	{ "SetScale 255 (a division by it at the next resize)", AFTER_INIT,
	  M("\x08\xff\x00\x00"), false, CLOSED },
	{ "PalmVNC SetScale", AFTER_INIT, M("\x0f\x00\x02\x00"), false, CLOSED },
	{ "TextChat of 5000 bytes", AFTER_INIT, M("\x0b\0\0\0\x00\x00\x13\x88"), false, CLOSED },
	{ "SetDesktopSize 65535x65535", AFTER_INIT,
	  M("\xfb\x00\xff\xff\xff\xff\x01\x00" "\0\0\0\0\0\0\0\0\xff\xff\xff\xff\0\0\0\0"), false,
	  IGNORED },
	{ "SetDesktopSize 0x0, no screens", AFTER_INIT, M("\xfb\x00\x00\x00\x00\x00\x00\x00"), false,
	  IGNORED },
	{ "xvp, not served", AFTER_INIT, M("\xfa\x00\x01\x02"), false, CLOSED },
	{ "protocol version RFB 999.999", AFTER_GREETING, M("RFB 999.999\n"), false, CLOSED },
	{ "garbage before the protocol version", AFTER_GREETING, M("\x00\x01junkRFB 003.008\n"),
	  false, CLOSED },
	{ "protocol version RFB 003.999", AFTER_GREETING, M("RFB 003.999\n"), false, ANSWERED },
	{ "garbage before the greeting", AT_CONNECT, M("\x00\x01junkRFB 003.008\n"), false, CLOSED },
	{ "a TLS ClientHello before the greeting", AT_CONNECT,
	  M("\x16\x03\x01\x00\x10\x01\x00\x00\x0c\x03\x03\0\0\0\0\0\0\0\0\0\0"), false, CLOSED },
	{ "security type 2, not offered", AFTER_VERSION, M("\x02"), false, CLOSED },
	{ "security type 255", AFTER_VERSION, M("\xff"), false, CLOSED },
};

/* A connection brought to stage: the bytes sent there are the test's. */
static int connect_at(int port, enum stage stage)
{
	unsigned char buf[256];
	int fd;

	if (stage == AFTER_INIT)
		return raw_connect(port, 0);
	fd = tcp_open(AF_INET, port, false);
	if (stage == AT_CONNECT)
		return fd;
	read_exact(fd, buf, 12);
	ck_assert_msg(!memcmp(buf, "RFB 003.008\n", 12), "no RFB 3.8 greeting");
	if (stage == AFTER_GREETING)
		return fd;
	send_all(fd, "RFB 003.008\n", 12);
	read_exact(fd, buf, 1);
	ck_assert_msg(buf[0] > 0, "no security types offered");
	read_exact(fd, buf + 1, buf[0]);
	return fd;
}

/* A small full update request is answered: the connection still works. */
static void assert_answers_update(int fd, const char *what)
{
	static const unsigned char req[10] = { 3, 0, 0, 0, 0, 0, 0, 8, 0, 8 };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[64];

	send_all(fd, req, sizeof(req));
	ck_assert_msg(poll(&p, 1, 2000) == 1, "%s: a valid update request went unanswered", what);
	ck_assert_msg(recv(fd, buf, sizeof(buf), 0) > 0, "%s: closed after a valid update request",
		      what);
}

START_TEST(malformed_rfb)
{
	const struct malformed *m = &malformed[_i];
	const char *const args[] = { "-v", "127.0.0.1:106", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", ECHO_CMD, NULL };
	struct vncterm *v = start_daemon(args, 106);
	rfbClient *c = connect_to("127.0.0.1", v);
	size_t got = 0;

	assert_screen(c, 4, 20, "ready", 5000);
	/*
	 * Only now: libvncserver waits 100 ms after accepting for a client
	 * that speaks first (WebSocket), and greets any other as RFB.
	 */
	int fd = connect_at(v->port, m->stage);

	send_all(fd, m->bytes, m->len);
	if (m->half_close)
		shutdown(fd, SHUT_WR);
	switch (m->expect) {
	case CLOSED:
		ck_assert_msg(closed_within(fd, 1000, NULL), "%s: connection not closed", m->what);
		break;
	case CLOSED_LATE:
		ck_assert_msg(closed_within(fd, READ_WAIT_MS + 1500, NULL),
			      "%s: connection not closed after libvncserver's read timeout", m->what);
		break;
	case IGNORED:
		ck_assert_msg(!closed_within(fd, 300, &got), "%s: connection closed", m->what);
		ck_assert_msg(got == 0, "%s: %zu bytes in answer", m->what, got);
		assert_answers_update(fd, m->what);
		break;
	case ANSWERED:
		ck_assert_msg(!closed_within(fd, 300, &got), "%s: connection closed", m->what);
		ck_assert_msg(got > 0, "%s: no answer", m->what);
		if (m->stage == AFTER_INIT)
			assert_answers_update(fd, m->what);
		break;
	}
	close(fd);
	assert_still_serving(v, c, XK_x, "readyx", m->what);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * An update request for 65535x65535 is clipped to the framebuffer: the
 * rectangles that come back lie inside it.
 */
START_TEST(update_request_clipped)
{
	const char *const args[] = { "-v", "127.0.0.1:107", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", ECHO_CMD, NULL };
	struct vncterm *v = start_daemon(args, 107);
	int fd = raw_connect(v->port, 0);
	static const unsigned char raw_only[8] = { 2, 0, 0, 1, 0, 0, 0, 0 };
	static const unsigned char req[10] = { 3, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };
	unsigned char hd[12];
	long area = 0;

	send_all(fd, raw_only, sizeof(raw_only));
	send_all(fd, req, sizeof(req));
	read_exact(fd, hd, 4);
	ck_assert_int_eq(hd[0], 0); /* FramebufferUpdate */
	for (uint32_t n = be_uint(hd + 2, 2); n > 0; n--) {
		read_exact(fd, hd, 12);
		uint32_t x = be_uint(hd, 2), y = be_uint(hd + 2, 2);
		uint32_t w = be_uint(hd + 4, 2), h = be_uint(hd + 6, 2);

		ck_assert_uint_eq(be_uint(hd + 8, 4), 0); /* raw */
		ck_assert_msg(x + w <= 160 && y + h <= 64, "rectangle %ux%u at %u,%u outside 160x64", w,
			      h, x, y);
		char *px = malloc((size_t)w * h * 4 + 1);

		ck_assert_ptr_nonnull(px);
		read_exact(fd, px, (size_t)w * h * 4);
		free(px);
		area += (long)w * h;
	}
	ck_assert_int_eq(area, 160 * 64);
	close(fd);
	ck_assert(vncterm_alive(v));
	stop_daemon(v);
}
END_TEST

Suite *hostile_viewers_suite(void)
{
	Suite *s = suite_create("hostile_viewers");
	TCase *flood = tcase_create("too many viewers");
	TCase *rfb = tcase_create("malformed RFB");

	signal(SIGPIPE, SIG_IGN);
	/* each test takes seconds; these only bound a hang */
	tcase_set_timeout(flood, 30);
	tcase_add_test(flood, connection_flood);
	tcase_add_test(flood, connection_flood_sandboxed);
	tcase_add_test(flood, max_viewers_option);
	tcase_add_test(flood, max_viewers_both_families);
	tcase_add_test(flood, unfinished_handshakes_are_dropped);
	tcase_add_loop_test(flood, max_viewers_bad_values, 0,
			    (int)(sizeof(bad_max_viewers) / sizeof(bad_max_viewers[0])));
	suite_add_tcase(s, flood);
	tcase_set_timeout(rfb, 20);
	tcase_add_loop_test(rfb, malformed_rfb, 0, (int)(sizeof(malformed) / sizeof(malformed[0])));
	tcase_add_test(rfb, update_request_clipped);
	suite_add_tcase(s, rfb);
	return s;
}
