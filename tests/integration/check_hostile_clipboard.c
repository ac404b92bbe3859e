/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clipboard messages from viewers that mean harm, against the real
 * daemon: messages that claim gigabytes, that stop halfway, extended
 * clipboard texts whose claimed size lies, and a storm of Notifies.
 * Whatever libvncserver does with each (it closes the connection or
 * ignores the message; both are asserted as they are), vncterm stays up,
 * its memory stays bounded, no stale memory is typed, and a viewer that
 * behaves still sees the right screen and still types.
 *
 * Displays 127.0.0.1:104, :105, :111, :180 and :181 are this file's.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_hostile_viewer.h"
#include "tests/integration/util_raw.h"

/* What libvncserver 0.9.14 accepts in one clipboard message. */
#define CUT_MAX (1 << 20)

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

Suite *hostile_clipboard_suite(void)
{
	Suite *s = suite_create("hostile_clipboard");
	TCase *clip = tcase_create("clipboard");

	signal(SIGPIPE, SIG_IGN);
	/* each test takes seconds; this only bounds a hang */
	tcase_set_timeout(clip, 30);
	tcase_add_test(clip, huge_clipboard);
	tcase_add_test(clip, extended_clipboard);
	tcase_add_test(clip, extended_clipboard_no_stale_memory);
	tcase_add_test(clip, extended_clipboard_notify);
	tcase_add_test(clip, extended_clipboard_notify_storm);
	suite_add_tcase(s, clip);
	return s;
}
