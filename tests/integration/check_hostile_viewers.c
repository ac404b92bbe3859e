/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Viewers that mean harm, against the real daemon: a flood of connections,
 * clipboard messages that claim gigabytes, RFB and WebSocket messages
 * that are malformed or cut short, viewers that never read.  Whatever
 * libvncserver does with each (it closes the connection or ignores the
 * message; both are asserted as they are), vncterm stays up, its fds and
 * memory stay bounded, and a viewer that behaves still sees the right
 * screen and still types.
 *
 * Displays 127.0.0.1:100 to :119, :180 and :181 are this file's.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <rfb/keysym.h>

#include "tests/integration/util_raw.h"
#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/* A console that shows what is typed (and pasted) as it comes. */
#define ECHO_CMD "stty raw -echo; printf ready; exec cat"
/* vncterm's default --max-viewers */
#define MAX_VIEWERS 32
/* libvncserver gives up on a viewer's half-sent message after this (vnc.c's MAX_WAIT_MS). */
#define READ_WAIT_MS 2000
/* What libvncserver 0.9.14 accepts in one clipboard message. */
#define CUT_MAX (1 << 20)

/* ---- helpers ---- */

/*
 * Read and drop what arrives for up to ms; true once the server closed
 * the connection (end of file or reset).  *got counts the bytes, if given.
 */
static bool closed_within(int fd, int ms, size_t *got)
{
	int64_t deadline = now_ms() + ms;
	char buf[65536];

	for (int64_t left; (left = deadline - now_ms()) > 0;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, (int)left) <= 0)
			continue;
		ssize_t k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
			return true;
		if (k > 0 && got)
			*got += (size_t)k;
	}
	return false;
}

/*
 * The daemon survived: alive, the viewer that was there all along still
 * types (key) and sees it, and a viewer connecting now sees the same.
 */
static void assert_still_serving(struct vncterm *v, rfbClient *c, uint32_t key, const char *screen,
				 const char *what)
{
	ck_assert_msg(vncterm_alive(v), "%s: vncterm died", what);
	ck_assert_msg(vnc_key(c, key), "%s: the viewer's connection broke", what);
	assert_screen(c, 4, 20, screen, 5000);
	rfbClient *fresh = vnc_connect("127.0.0.1", v->port);

	ck_assert_msg(fresh != NULL, "%s: a new viewer cannot connect", what);
	assert_screen(fresh, 4, 20, screen, 5000);
	vnc_disconnect(fresh);
}

/* ---- 1: too many viewers ---- */

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

/* ---- 2: clipboard messages ---- */

/*
 * Keep sending a message of len bytes (the header already sent) until the
 * server closes or deadline; returns the bytes the kernel took.
 */
static size_t send_until_closed(int fd, size_t len, int64_t deadline, bool *closed)
{
	static char chunk[64 * 1024];
	size_t sent = 0;

	memset(chunk, 'x', sizeof(chunk));
	*closed = false;
	while (sent < len && now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (poll(&p, 1, 50) <= 0)
			continue;
		size_t n = len - sent < sizeof(chunk) ? len - sent : sizeof(chunk);
		ssize_t k = send(fd, chunk, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (k < 0 && errno != EAGAIN && errno != EINTR) {
			*closed = true;
			break;
		}
		if (k > 0)
			sent += (size_t)k;
	}
	return sent;
}

/*
 * Clipboard messages claiming 2 GiB and 100 MiB, and one that stops
 * halfway: libvncserver 0.9.14 closes any viewer whose ClientCutText
 * claims more than 1 MiB as soon as it has the header (it never reads or
 * allocates the body), and drops a half-sent one after its read timeout.
 * Memory stays put, and a paste of exactly 1 MiB (the most either
 * libvncserver or vncterm's PASTE_MAX takes) still reaches the program in
 * full.
 */
START_TEST(huge_clipboard)
{
	const char *const args[] = {
		"-v", "127.0.0.1:104", "--geometry", "20x4", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf ready; head -c 1048576 >/dev/null; printf ' done'; "
		"head -c 1048576 >/dev/null; printf ' again'; exec cat",
		NULL,
	};
	struct vncterm *v = start_daemon(args, 104);
	rfbClient *c = connect_to("127.0.0.1", v);
	unsigned char h[8];
	bool closed;

	assert_screen(c, 4, 20, "ready", 5000);
	long hwm0 = status_kb(v->pid, "VmHWM");

	/* 0x7fffffff: closed on the header, even with the connection kept open */
	int fd = raw_connect(v->port, 0);

	cut_header(h, 0x7fffffffu);
	send_all(fd, h, sizeof(h));
	send_all(fd, "abc", 3);
	ck_assert_msg(closed_within(fd, 1000, NULL), "a 2 GiB clipboard message was not refused");
	close(fd);

	/* 100 MiB, really sent: the server stops it early */
	fd = raw_connect(v->port, 0);
	cut_header(h, 100u << 20);
	send_all(fd, h, sizeof(h));
	size_t sent = send_until_closed(fd, 100u << 20, now_ms() + 10000, &closed);

	ck_assert_msg(closed || closed_within(fd, 1000, NULL),
		      "a 100 MiB clipboard message was read (%zu bytes taken)", sent);
	ck_assert_msg(sent < (50u << 20), "%zu bytes of a 100 MiB clipboard message taken", sent);
	close(fd);

	/* 1 MiB announced, 1000 bytes sent, then silence: dropped after the read timeout */
	fd = raw_connect(v->port, 0);
	cut_header(h, CUT_MAX);
	send_all(fd, h, sizeof(h));
	char part[1000];

	memset(part, 'y', sizeof(part));
	send_all(fd, part, sizeof(part));
	ck_assert_msg(closed_within(fd, READ_WAIT_MS + 1500, NULL),
		      "a half-sent clipboard message kept its viewer connected");
	close(fd);
	ck_assert_msg(vncterm_alive(v), "vncterm died");

	/*
	 * Exactly 1 MiB, twice, each once the last is typed (a paste beyond
	 * what is still queued is cut at PASTE_MAX): each fills a head -c 1M.
	 */
	for (int i = 0; i < 2; i++) {
		fd = raw_connect(v->port, 0);
		cut_header(h, CUT_MAX);
		send_all(fd, h, sizeof(h));
		ck_assert_int_eq(send_until_closed(fd, CUT_MAX, now_ms() + 5000, &closed), CUT_MAX);
		raw_middle_click(fd); /* kept until the viewer pastes */
		ck_assert_msg(!closed_within(fd, 200, NULL), "a 1 MiB paste was refused");
		close(fd);
		assert_screen(c, 4, 20, i ? "ready done again" : "ready done", 10000);
	}
	long hwm = status_kb(v->pid, "VmHWM");

	if (getenv("VNCTERM_TEST_FIGURES"))
		fprintf(stderr, "clipboard: VmHWM %ld KiB before, %ld KiB after; %zu of 100 MiB taken\n",
			hwm0, hwm, sent);
	/* a 1 MiB paste costs a few copies of it; 100 MiB read would show */
	ck_assert_msg(hwm - hwm0 < 32 * 1024, "vncterm's peak memory grew by %ld KiB", hwm - hwm0);
	ck_assert_msg(hwm < 200 * 1024, "vncterm's peak memory is %ld KiB", hwm);
	assert_still_serving(v, c, XK_k, "ready done againk", "after the clipboard messages");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * The extended clipboard (UTF-8): a length of 2 GiB in the message, or
 * inside its compressed text, is refused by closing the viewer; honest
 * UTF-8 text arrives as UTF-8, and Latin-1 from an old viewer as UTF-8
 * too.
 */
START_TEST(extended_clipboard)
{
	const char *const args[] = { "-v", "127.0.0.1:105", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", "stty raw -echo; printf ready; exec cat -v", NULL };
	struct vncterm *v = start_daemon(args, 105);
	rfbClient *c = connect_to("127.0.0.1", v);
	unsigned char h[12];

	assert_screen(c, 4, 20, "ready", 5000);
	/* the message itself claims 0x7fffffff bytes */
	int fd = ext_clipboard_viewer(v->port);

	cut_header(h, 0x80000001u);
	put32(h + 8, EXT_PROVIDE | EXT_TEXT);
	send_all(fd, h, sizeof(h));
	ck_assert_msg(closed_within(fd, 1000, NULL), "a 2 GiB extended clipboard message was kept");
	close(fd);
	/* a short message whose text claims 0x7fffffff bytes */
	fd = ext_clipboard_viewer(v->port);
	send_ext_provide(fd, 0x7fffffffu, "x", 1);
	ck_assert_msg(closed_within(fd, 1000, NULL), "a text claiming 2 GiB was accepted");
	close(fd);
	ck_assert_msg(vncterm_alive(v), "vncterm died");
	/* honest: "héllo" and its terminating NUL (which is not typed) */
	fd = ext_clipboard_viewer(v->port);
	send_ext_provide(fd, 7, "h\xc3\xa9llo", 7);
	raw_middle_click(fd);
	/* cat -v spells the UTF-8 of é (c3 a9) M-CM-) */
	assert_screen(c, 4, 20, "readyhM-CM-)llo", 5000);
	close(fd);
	/* Latin-1 é from a viewer without the extension */
	fd = raw_connect(v->port, 0);
	cut_header(h, 1);
	h[8] = 0xe9;
	send_all(fd, h, 9);
	raw_middle_click(fd);
	assert_screen(c, 4, 20, "readyhM-CM-)lloM-CM-)", 5000);
	close(fd);
	assert_still_serving(v, c, XK_q, "readyhM-CM-)lloM-CM-)q", "after the clipboard messages");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* The bytes of path from offset on (NUL-terminated, at most max - 1). */
static size_t file_tail(const char *path, size_t offset, char *out, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	if (f) {
		if (fseek(f, (long)offset, SEEK_SET) == 0)
			n = fread(out, 1, max - 1, f);
		fclose(f);
	}
	out[n] = '\0';
	return n;
}

static size_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

/*
 * libvncserver 0.9.14 hands the paste handler a buffer of the size the
 * viewer claims inside its compressed text, not of what it decompressed:
 * the rest is whatever the heap held there, such as another viewer's
 * earlier paste.  A claim of 100 kB carrying "hello" must type "hello"
 * and nothing of that earlier paste.
 */
START_TEST(extended_clipboard_no_stale_memory)
{
	char out[] = "/tmp/vncterm-clip.XXXXXX", cmd[128], tail[4096];
	int ofd = mkstemp(out);

	ck_assert_int_ge(ofd, 0);
	close(ofd);
	snprintf(cmd, sizeof(cmd), "stty raw -echo; printf ready; exec cat > %s", out);
	const char *const args[] = { "-v", "127.0.0.1:111", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", cmd, NULL };
	struct vncterm *v = start_daemon(args, 111);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, "ready", 5000);
	/* Another viewer pastes a secret of 48 kB (classic ClientCutText). */
	static char secret[48 * 1024];

	for (size_t i = 0; i < sizeof(secret); i++)
		secret[i] = "SECRET"[i % 6];
	ck_assert(SendClientCutText(c, secret, sizeof(secret)));
	ck_assert(vnc_middle_click(c));
	for (int64_t end = now_ms() + 5000; file_size(out) < sizeof(secret) && now_ms() < end;)
		vnc_pump(c, now_ms() + 50);
	size_t before = file_size(out);

	ck_assert_uint_eq(before, sizeof(secret));
	/* A viewer that may type claims 100 kB and sends "hello". */
	int fd = ext_clipboard_viewer(v->port);

	send_ext_provide(fd, 100 * 1000, "hello", 5);
	raw_middle_click(fd); /* its own clipboard, not the other viewer's */
	for (int64_t end = now_ms() + 3000; now_ms() < end;)
		vnc_pump(c, now_ms() + 50);
	close(fd);
	size_t n = file_tail(out, before, tail, sizeof(tail));

	ck_assert_msg(n == 5 && !memcmp(tail, "hello", 5),
		      "the claim typed %zu bytes, not \"hello\": \"%.40s\"%s", n, tail,
		      strstr(tail, "SECRET") ? " (the earlier paste)" : "");
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(out);
}
END_TEST

/* What noVNC 1.3 answers a server's Caps with: every action, for text. */
#define NOVNC_CAPS (EXT_CAPS | EXT_REQUEST | EXT_PEEK | EXT_NOTIFY | EXT_PROVIDE | EXT_TEXT)

/*
 * An extended ServerCutText arriving within ms: true with its flags (and,
 * for a Caps, the text size it allows in *size); false if nothing came.
 */
static bool read_ext_cut(int fd, int ms, uint32_t *flags, uint32_t *size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char h[8], body[64];

	if (poll(&p, 1, ms) != 1)
		return false;
	read_exact(fd, h, sizeof(h));
	ck_assert_msg(h[0] == 3, "message type %d, not ServerCutText", h[0]);
	uint32_t len = -be_uint(h + 4, 4);

	ck_assert_msg(len >= 4 && len <= sizeof(body), "an extended ServerCutText of %u bytes", len);
	read_exact(fd, body, len);
	*flags = be_uint(body, 4);
	if (size)
		*size = len >= 8 ? be_uint(body + 4, 4) : 0;
	return true;
}

/*
 * A raw viewer that announces the extended clipboard, reads the Caps it
 * gets, and answers with its own (caps, unless 0).  vncterm's Caps lists
 * Notify, which noVNC needs to paste UTF-8; it is the only one (the
 * extension is vncterm's, libvncserver never sees the pseudo-encoding).
 */
static int ext_clipboard_session(int port, uint32_t caps)
{
	int fd = ext_clipboard_viewer(port);
	uint32_t flags, size;

	ck_assert_msg(read_ext_cut(fd, 2000, &flags, &size), "no Caps from vncterm");
	ck_assert_uint_eq(flags, NOVNC_CAPS);
	ck_assert_uint_eq(size, CUT_MAX);
	if (caps)
		send_ext_flags(fd, caps);
	return fd;
}

/* Wait up to ms for the file at path to hold want from offset on (exactly). */
static void assert_file_tail(const char *path, size_t offset, const char *want, int ms)
{
	size_t len = strlen(want), n = 0;
	char tail[256];

	for (int64_t end = now_ms() + ms; now_ms() < end; sleep_ms(20)) {
		n = file_tail(path, offset, tail, sizeof(tail));
		if (n >= len)
			break;
	}
	ck_assert_msg(n == len && !memcmp(tail, want, len), "typed \"%s\", not \"%s\"", tail, want);
}

/*
 * noVNC's way to paste UTF-8: Notify, vncterm's Request, Provide.  The
 * text reaches the console byte for byte; a Provide whose text claims
 * more than it holds types only what it holds; a 4-byte Latin-1 paste
 * (as long as a Notify) is taken as Latin-1 and asked nothing; a viewer
 * whose Caps lack Request is sent none.
 */
START_TEST(extended_clipboard_notify)
{
	char out[] = "/tmp/vncterm-notify.XXXXXX", cmd[128];
	int ofd = mkstemp(out);
	uint32_t flags;

	ck_assert_int_ge(ofd, 0);
	close(ofd);
	snprintf(cmd, sizeof(cmd), "stty raw -echo; printf ready; exec cat > %s", out);
	const char *const args[] = { "-v", "127.0.0.1:180", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", cmd, NULL };
	struct vncterm *v = start_daemon(args, 180);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, "ready", 5000);
	int fd = ext_clipboard_session(v->port, NOVNC_CAPS);

	/* U+2713, CJK, u-umlaut; noVNC sends CRLF and a NUL, vncterm types CR. */
	static const char text[] = "\xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xc3\xbc\r\n";

	send_ext_flags(fd, EXT_NOTIFY | EXT_TEXT);
	ck_assert_msg(read_ext_cut(fd, 2000, &flags, NULL), "no Request after a Notify");
	ck_assert_uint_eq(flags, EXT_REQUEST | EXT_TEXT);
	send_ext_provide(fd, sizeof(text), text, sizeof(text));
	raw_middle_click(fd); /* typed when the viewer pastes */
	assert_file_tail(out, 0, "\xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xc3\xbc\r", 5000);
	size_t at = file_size(out);

	/* Latin-1 of 4 bytes, 12 in all like a Notify: typed as UTF-8, no Request. */
	unsigned char latin1[12];

	cut_header(latin1, 4);
	memcpy(latin1 + 8, "ab\xe9!", 4);
	send_all(fd, latin1, sizeof(latin1));
	raw_middle_click(fd); /* typed when the viewer pastes */
	assert_file_tail(out, at, "ab\xc3\xa9!", 5000);
	at = file_size(out);
	ck_assert_msg(!read_ext_cut(fd, 300, &flags, NULL), "a Latin-1 paste got %#x", flags);

	/* Asked again, the text claims 200 kB and holds "ok": "ok" is typed. */
	send_ext_flags(fd, EXT_NOTIFY | EXT_TEXT);
	ck_assert_msg(read_ext_cut(fd, 2000, &flags, NULL), "no Request after a second Notify");
	ck_assert_uint_eq(flags, EXT_REQUEST | EXT_TEXT);
	send_ext_provide(fd, 200 * 1000, "ok", 2);
	raw_middle_click(fd); /* typed when the viewer pastes */
	assert_file_tail(out, at, "ok", 5000);
	at = file_size(out);

	/* A viewer that does not take Requests is sent none. */
	int fd2 = ext_clipboard_session(v->port, EXT_CAPS | EXT_NOTIFY | EXT_PROVIDE | EXT_TEXT);

	send_ext_flags(fd2, EXT_NOTIFY | EXT_TEXT);
	ck_assert_msg(!read_ext_cut(fd2, 300, &flags, NULL), "a viewer without Request got %#x",
		      flags);
	close(fd2);
	close(fd);
	ck_assert_uint_eq(file_size(out), at);
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(out);
}
END_TEST

#define NOTIFY_STORM 10000
/*
 * ASan keeps freed memory in quarantine: a storm of small messages raises
 * its peak; TSan's shadow and metadata of the memory touched raise it too
 * (3 MiB seen).
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define STORM_HWM_KB (32 * 1024)
#else
#define STORM_HWM_KB (2 * 1024)
#endif

/*
 * A viewer sends Notifies as fast as it can and reads what comes: it gets
 * no more Requests than it sent Notifies, each a well-formed one, and
 * still exactly one for a Notify once it stops; vncterm's memory stays
 * put and another viewer still types.
 */
START_TEST(extended_clipboard_notify_storm)
{
	const char *const args[] = { "-v", "127.0.0.1:181", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", ECHO_CMD, NULL };
	struct vncterm *v = start_daemon(args, 181);
	rfbClient *c = connect_to("127.0.0.1", v);
	static unsigned char notifies[NOTIFY_STORM * 12], in[64 * 1024];
	size_t sent = 0, got = 0, requests = 0;
	uint32_t flags;

	assert_screen(c, 4, 20, "ready", 5000);
	long hwm0 = status_kb(v->pid, "VmHWM");
	int fd = ext_clipboard_session(v->port, NOVNC_CAPS);

	for (int i = 0; i < NOTIFY_STORM; i++) {
		cut_header(notifies + 12 * i, -4u);
		put32(notifies + 12 * i + 8, EXT_NOTIFY | EXT_TEXT);
	}
	int64_t start = now_ms(), deadline = start + 20000;

	while (sent < sizeof(notifies) && now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

		if (poll(&p, 1, 100) <= 0)
			continue;
		ck_assert_msg(!(p.revents & (POLLERR | POLLHUP)), "the storming viewer was dropped");
		if (p.revents & POLLOUT) {
			ssize_t k = send(fd, notifies + sent, sizeof(notifies) - sent,
					 MSG_NOSIGNAL | MSG_DONTWAIT);

			ck_assert_msg(k > 0 || errno == EAGAIN, "send: %s", strerror(errno));
			sent += k > 0 ? (size_t)k : 0;
		}
		/* Requests are 12 bytes each; check them whole. */
		ssize_t k = recv(fd, in + got, sizeof(in) - got, MSG_DONTWAIT);

		ck_assert_msg(k != 0, "the storming viewer was closed");
		if (k < 0)
			continue;
		got += (size_t)k;
		size_t whole = got - got % 12;

		for (size_t i = 0; i < whole; i += 12, requests++)
			ck_assert_msg(!memcmp(in + i, "\x03\0\0\0\xff\xff\xff\xfc\x02\0\0\x01", 12),
				      "message %zu is not a Request", requests);
		memmove(in, in + whole, got - whole);
		got -= whole;
	}
	ck_assert_uint_eq(sent, sizeof(notifies));
	/* What is still on its way, until quiet */
	while (read_ext_cut(fd, 500, &flags, NULL)) {
		ck_assert_uint_eq(flags, EXT_REQUEST | EXT_TEXT);
		requests++;
	}
	ck_assert_uint_eq(got, 0);
	long hwm = status_kb(v->pid, "VmHWM");

	if (getenv("VNCTERM_TEST_FIGURES"))
		fprintf(stderr, "notify storm: %d Notifies in %lld ms, %zu Requests back, "
			"VmHWM %ld KiB before, %ld KiB after\n", NOTIFY_STORM,
			(long long)(now_ms() - start), requests, hwm0, hwm);
	ck_assert_msg(requests >= 1 && requests <= NOTIFY_STORM, "%zu Requests for %d Notifies",
		      requests, NOTIFY_STORM);
	send_ext_flags(fd, EXT_NOTIFY | EXT_TEXT);
	ck_assert_msg(read_ext_cut(fd, 2000, &flags, NULL), "no Request after the storm");
	ck_assert_uint_eq(flags, EXT_REQUEST | EXT_TEXT);
	ck_assert_msg(!read_ext_cut(fd, 300, &flags, NULL), "two answers to one Notify");
	/* nothing is kept per Notify: 10,000 of them would show */
	ck_assert_msg(hwm - hwm0 < STORM_HWM_KB, "vncterm's peak memory grew by %ld KiB",
		      hwm - hwm0);
	close(fd);
	assert_still_serving(v, c, XK_k, "readyk", "after the Notify storm");
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* ---- 3: malformed RFB ---- */

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

/* ---- 4: WebSocket garbage ---- */

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

/*
 * libvncserver 0.9.14 closes the connection in every case: at once, or
 * (an unknown opcode on an open connection) after its read timeout.
 */
START_TEST(websocket_garbage)
{
	const char *const args[] = { "-v", "127.0.0.1:108", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", ECHO_CMD, NULL };
	static const unsigned char fur[10] = { 3, 0, 0, 0, 0, 0, 0, 8, 0, 8 };
	struct vncterm *v = start_daemon(args, 108);
	rfbClient *c = connect_to("127.0.0.1", v);
	int fd, wait = 1000;
	unsigned char f[256];
	size_t n = 0;

	assert_screen(c, 4, 20, "ready", 5000);
	/* A WebSocket client must speak within 100 ms, or it is greeted as RFB. */
	fd = tcp_open(AF_INET, v->port, false);
	switch ((enum ws_case)_i) {
	case WS_ENDLESS_LINE: {
		char *line = malloc(64 * 1024 + 5);

		ck_assert_ptr_nonnull(line);
		memcpy(line, "GET /", 5);
		memset(line + 5, 'A', 64 * 1024);
		/* the server may stop reading (and reset) before the end */
		send(fd, line, 64 * 1024 + 5, MSG_NOSIGNAL);
		free(line);
		break;
	}
	case WS_ENDLESS_HEADERS: {
		static const char hdr[] = "X-Filler: yes\r\n";
		char *req = malloc(16 + 10000 * (sizeof(hdr) - 1));

		ck_assert_ptr_nonnull(req);
		n = (size_t)sprintf(req, "GET / HTTP/1.1\r\n");
		for (int i = 0; i < 10000; i++, n += sizeof(hdr) - 1)
			memcpy(req + n, hdr, sizeof(hdr) - 1);
		send(fd, req, n, MSG_NOSIGNAL);
		free(req);
		break;
	}
	case WS_BAD_OPCODE_OPEN:
		ws_open(fd);
		send_all(fd, f, ws_frame(f, 3, true, true, "RFB 003.008\n", 12, 0));
		wait = READ_WAIT_MS + 1500;
		break;
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
		if (_i == WS_LENGTH_2_63)
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
	ck_assert_msg(closed_within(fd, wait, NULL), "%s: connection not closed", ws_names[_i]);
	close(fd);
	assert_still_serving(v, c, XK_x, "readyx", ws_names[_i]);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* ---- 5: viewers that never read ---- */

/*
 * A viewer with a small receive buffer that asks for many full updates in
 * raw encoding and then never reads (as check_vncterm.c's stalled viewer).
 */
static int stalled_viewer(int port)
{
	static const unsigned char raw_only[8] = { 2, 0, 0, 1, 0, 0, 0, 0 };
	static const unsigned char req[10] = { 3, 0, 0, 0, 0, 0, 640 >> 8, 640 & 0xff, 400 >> 8,
					       400 & 0xff };
	int fd = raw_connect(port, 4096);

	send_all(fd, raw_only, sizeof(raw_only));
	for (int i = 0; i < 200; i++)
		send_all(fd, req, sizeof(req));
	return fd;
}

static int frames_tag;

static void count_frame(rfbClient *c)
{
	(*(int *)rfbClientGetClientData(c, &frames_tag))++;
}

#define SEQ_N 1000000

/*
 * Three viewers stop reading while the console floods (what the existing
 * stalled_viewer_does_not_stall test does with one): a fourth keeps
 * getting updates all along and the final screen, none of the three is
 * dropped before the hold limit, and not a byte of the output is lost:
 * the text port carries all of it.
 */
START_TEST(three_stalled_viewers)
{
	char cmd[256];
	/* The flood must end within the hold limit: a sanitizer's slower daemon gets a shorter one. */
	int seq_n = SEQ_N / slowdown();

	snprintf(cmd, sizeof(cmd),
		 "stty raw -echo; head -c 1 >/dev/null; seq 1 %d; printf '\\033[2J\\033[H" HIDE
		 "DONE'; exec cat >/dev/null", seq_n);
	const char *const args[] = { "-v", "127.0.0.1:109", "-T", "--geometry", "80x25", "-c",
				     "/bin/sh", "-c", cmd, NULL };
	struct vncterm *v = start_daemon(args, 109);
	int tport = text_port_line(v), stalled[3], frames = 0, w, h;
	size_t cap = 16u << 20, len = 0, want_len = 0;
	char *stream = malloc(cap), *want = malloc(cap);

	ck_assert(stream && want);
	for (int i = 1; i <= seq_n; i++)
		want_len += (size_t)sprintf(want + want_len, "%d\n", i); /* raw: no CR added */
	for (int i = 0; i < 3; i++)
		stalled[i] = stalled_viewer(v->port);
	rfbClient *c = connect_to("127.0.0.1", v);
	int tp = tcp_open(AF_INET, tport, false);
	uint32_t *done = expected_screen(25, 80, "\033[2J\033[H" HIDE_BYTES "DONE", &w, &h);

	rfbClientSetClientData(c, &frames_tag, &frames);
	c->FinishedFrameBufferUpdate = count_frame;
	ck_assert(vnc_pump(c, now_ms() + 300));
	frames = 0;
	int64_t start = now_ms(), deadline = start + 15000, done_at = -1;

	ck_assert(vnc_key(c, XK_space)); /* go */
	bool text_done = false;

	while (now_ms() < deadline && (done_at < 0 || !text_done)) {
		struct pollfd p = { .fd = tp, .events = POLLIN };

		while (poll(&p, 1, 0) == 1 && len < cap) {
			ssize_t k = read(tp, stream + len, cap - len);
			size_t from = len > 3 ? len - 3 : 0;

			ck_assert_msg(k > 0, "the text port closed");
			len += (size_t)k;
			text_done |= memmem(stream + from, len - from, "DONE", 4) != NULL;
		}
		ck_assert_msg(vnc_pump(c, now_ms() + 5), "the reading viewer was disconnected");
		if (done_at < 0 && vnc_shows(c, done, w, h))
			done_at = now_ms();
	}
	ck_assert_msg(done_at >= 0, "the reading viewer never saw the final screen");
	if (getenv("VNCTERM_TEST_FIGURES"))
		fprintf(stderr, "stalled: final screen after %lld ms, %d updates, %zu text bytes\n",
			(long long)(done_at - start), frames, len);
	/*
	 * Updates came all along, not only at the end: at least one per
	 * 100 ms of flood (frames are paced at 40 ms; a loop stuck on the
	 * stalled viewers would manage a few at most).
	 */
	ck_assert_msg(frames >= 2 && frames * 100 >= done_at - start,
		      "the reading viewer got %d updates in %lld ms of flood", frames,
		      (long long)(done_at - start));
	ck_assert_msg(memmem(stream, len, want, want_len) != NULL,
		      "the text port lost console output (%zu bytes received)", len);
	ck_assert_msg(vncterm_alive(v), "vncterm died");
	/* held, not dropped: the hold limit (10 s) is not reached yet */
	ck_assert_msg(done_at - start < 9000, "the flood took %lld ms", (long long)(done_at - start));
	for (int i = 0; i < 3; i++) {
		struct pollfd p = { .fd = stalled[i], .events = POLLRDHUP };

		ck_assert_msg(poll(&p, 1, 0) == 0, "stalled viewer %d was dropped before the hold limit",
			      i);
		close(stalled[i]);
	}
	close(tp);
	free(done);
	free(stream);
	free(want);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * A held viewer (its socket full) that goes on sending: libvncserver does
 * not read a held viewer, so its input waits, and the loop must not poll
 * for it meanwhile, or poll() returns at once and vncterm spins until the
 * hold limit drops the viewer.
 */
START_TEST(held_viewer_sending_does_not_spin)
{
	static const unsigned char req[10] = { 3, 0, 0, 0, 0, 0, 640 >> 8, 640 & 0xff, 400 >> 8,
					       400 & 0xff };
	const char *const args[] = { "-v", "127.0.0.1:182", "-c", "/bin/sleep", "60", NULL };
	struct vncterm *v = start_daemon(args, 182);
	int stalled = stalled_viewer(v->port);

	sleep_ms(1000); /* 200 full updates of 1 MB each: held long since */
	double idle0 = cpu_seconds(v->pid);

	sleep_ms(1000);
	double idle = cpu_seconds(v->pid) - idle0;

	for (int i = 0; i < 10; i++)
		send_all(stalled, req, sizeof(req));
	double busy0 = cpu_seconds(v->pid);

	sleep_ms(1500);
	double busy = cpu_seconds(v->pid) - busy0;

	if (getenv("VNCTERM_TEST_FIGURES"))
		fprintf(stderr, "held viewer: %.2f s CPU idle, %.2f s after it sent\n", idle, busy);
	ck_assert_msg(idle < 0.2, "%.2f s of CPU in 1 s with a held viewer", idle);
	ck_assert_msg(busy < 0.3, "%.2f s of CPU in 1.5 s once the held viewer sent requests", busy);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 25, 80, "", 5000);
	close(stalled);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

Suite *hostile_viewers_suite(void)
{
	Suite *s = suite_create("hostile_viewers");
	TCase *flood = tcase_create("too many viewers");
	TCase *clip = tcase_create("clipboard");
	TCase *rfb = tcase_create("malformed RFB");
	TCase *ws = tcase_create("WebSocket garbage");
	TCase *stall = tcase_create("viewers that never read");

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
	tcase_set_timeout(clip, 30);
	tcase_add_test(clip, huge_clipboard);
	tcase_add_test(clip, extended_clipboard);
	tcase_add_test(clip, extended_clipboard_no_stale_memory);
	tcase_add_test(clip, extended_clipboard_notify);
	tcase_add_test(clip, extended_clipboard_notify_storm);
	suite_add_tcase(s, clip);
	tcase_set_timeout(rfb, 20);
	tcase_add_loop_test(rfb, malformed_rfb, 0, (int)(sizeof(malformed) / sizeof(malformed[0])));
	tcase_add_test(rfb, update_request_clipped);
	suite_add_tcase(s, rfb);
	tcase_set_timeout(ws, 20);
	tcase_add_loop_test(ws, websocket_garbage, 0, WS_CASES);
	suite_add_tcase(s, ws);
	tcase_set_timeout(stall, 30);
	tcase_add_test(stall, three_stalled_viewers);
	tcase_add_test(stall, held_viewer_sending_does_not_spin);
	suite_add_tcase(s, stall);
	return s;
}
