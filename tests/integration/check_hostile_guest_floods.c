/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest that floods, against the real daemon; as in
 * check_hostile_guest.c, the guest is a shell command on vncterm's pty.
 * It sends titles and reply requests by the hundred thousand, 2 MB of
 * output at full speed, and costly sequences without end: vncterm must
 * stay up, keep its memory bounded, keep serving viewers and the text
 * port, and lose none of the console's output.
 *
 * Displays 127.0.0.1:124 to :139 are this file's.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_hostile_guest.h"

/* vncterm/daemon.h: keys and replies waiting for the source. */
#define OUTQ_MAX (64 * 1024)
/* What Linux holds towards a guest that does not read: flip buffers (TTYB_DEFAULT_MEM_LIMIT), n_tty's. */
#define PTY_BUFFER_MAX ((640 + 4) * 1024)

/* The size of a file, -1 if it is not there. */
static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : (long)st.st_size;
}

/* Read from fd into b, waiting up to ms for more; false on EOF or error. */
static bool read_some(int fd, struct buf *b, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char tmp[65536];

	if (poll(&p, 1, ms) <= 0)
		return true;
	ssize_t k = read(fd, tmp, sizeof(tmp));

	if (k <= 0)
		return false;
	buf_addn(b, tmp, (size_t)k);
	return true;
}

static bool shows_str(rfbClient *c, int rows, int cols, const char *bytes, int ms)
{
	return hg_shows(c, rows, cols, bytes, strlen(bytes), ms);
}

/* ---- titles ---- */

/* awk writes 100,000 OSC 0 titles "WORD 1" to "WORD 100000" in a row. */
#define SPAM(word) \
	"awk 'BEGIN { for (i = 1; i <= 100000; i++) printf \"\\033]0;" word " %d\\007\", i }'"

/* A raw viewer's view of DesktopName messages: how many, and the last. */
struct names {
	int count;
	char last[256];
};

/* A raw viewer that asks for the DesktopName pseudo-encoding and no pixels. */
static int name_viewer(int port)
{
	/* SetEncodings: raw, DesktopName (-307) */
	static const unsigned char enc[] = { 2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xfe, 0xcd };
	int fd = raw_connect(port, 0);

	ck_assert_int_eq(write(fd, enc, sizeof(enc)), (ssize_t)sizeof(enc));
	return fd;
}

/*
 * Read DesktopName messages until one names want (true) or deadline
 * passes (false; with want NULL, true: this only counted them).
 */
static bool read_names(int fd, struct names *n, const char *want, int64_t deadline)
{
	unsigned char hd[16], name[256];

	while (now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 20) <= 0)
			continue;
		read_exact(fd, hd, 1);
		if (hd[0] == 2) /* bell */
			continue;
		ck_assert_msg(hd[0] == 0, "unexpected server message %d", hd[0]);
		read_exact(fd, hd + 1, 3);
		for (uint32_t r = be_uint(hd + 2, 2); r > 0; r--) {
			read_exact(fd, hd, 12);
			ck_assert_msg((int32_t)be_uint(hd + 8, 4) == -307,
				      "an update this viewer never asked for (encoding %d)",
				      (int)be_uint(hd + 8, 4));
			read_exact(fd, hd, 4);
			uint32_t len = be_uint(hd, 4);

			ck_assert_uint_lt(len, sizeof(name));
			read_exact(fd, name, len);
			name[len] = '\0';
			n->count++;
			memcpy(n->last, name, len + 1);
		}
		if (want && !strcmp(n->last, want))
			return true;
	}
	return !want;
}

/* Wait up to ms for path to hold size bytes; the time it took, or -1. */
static int64_t wait_file(const char *path, long size, int ms)
{
	int64_t t0 = now_ms();

	while (now_ms() - t0 < ms) {
		if (file_size(path) >= size)
			return now_ms() - t0;
		sleep_ms(2);
	}
	return -1;
}

/*
 * 5. 100,000 title changes in a row, twice, and a stream of them while a
 * viewer types: a viewer that follows titles gets far fewer messages than
 * changes (one per loop at most) and ends with the last title; a viewer
 * connecting gets the current one; a key still reaches the guest at once;
 * memory stays bounded.
 */
START_TEST(title_spam)
{
	char dir[64], w[3][160], key[96];
	struct buf cmd = { 0 };
	struct names n = { 0 };

	hg_make_dir(dir, sizeof(dir));
	for (int i = 0; i < 3; i++)
		hg_wait_go(w[i], sizeof(w[i]), dir, i);
	snprintf(key, sizeof(key), "%s/key", dir);
	buf_add(&cmd, "stty raw -echo; printf '" HIDE "ready'; ");
	buf_add(&cmd, w[0]);
	buf_add(&cmd, SPAM("title") "; printf ' spammed'; ");
	buf_add(&cmd, w[1]);
	/* titles go on in the background until go2, while the foreground waits for a key */
	buf_addf(&cmd, "( while [ ! -e %s/go2 ]; do ", dir);
	buf_add(&cmd, SPAM("again") "; done ) & ");
	buf_addf(&cmd, "head -c 1 > %s; wait; ", key);
	buf_add(&cmd, SPAM("final") "; printf ' done'; exec cat >/dev/null");
	const char *const args[] = { "-v", "127.0.0.1:124", "--geometry", "40x5", "-c", "/bin/sh",
				     "-c", cmd.p, NULL };
	struct vncterm *v = start_daemon(args, 124);
	rfbClient *c = connect_to("127.0.0.1", v);
	int fd = name_viewer(v->port);

	ck_assert(shows_str(c, 5, 40, HIDE_BYTES "ready", 5000));
	int64_t t0 = now_ms();

	hg_go(dir, 0);
	ck_assert_msg(read_names(fd, &n, "title 100000", now_ms() + 10000),
		      "the viewer following titles never got the last one (last \"%s\")", n.last);
	int64_t spam_ms = now_ms() - t0;

	/* one message per loop at most, not one per change */
	ck_assert_msg(n.count < 1000, "%d DesktopName messages for 100,000 changes", n.count);
	ck_assert(shows_str(c, 5, 40, HIDE_BYTES "ready spammed", 5000));
	assert_title(v, "title 100000", "after 100,000 titles");
	int spam_msgs = n.count;

	/* while titles stream in: a key reaches the guest, a viewer connects */
	hg_go(dir, 1);
	sleep_ms(300);
	t0 = now_ms();
	rfbClient *c2 = connect_to("127.0.0.1", v);
	int64_t connect_ms = now_ms() - t0;

	t0 = now_ms();
	ck_assert(vnc_key(c, XK_k));
	int64_t key_ms = wait_file(key, 1, 5000);

	ck_assert_msg(key_ms >= 0, "the key never reached the guest during the title stream");
	ck_assert_msg(key_ms < 1500, "the key took %lld ms to reach the guest", (long long)key_ms);
	ck_assert_msg(connect_ms < 1500, "a viewer took %lld ms to connect", (long long)connect_ms);
	ck_assert(read_names(fd, &n, NULL, now_ms() + 200));
	hg_go(dir, 2);
	ck_assert(shows_str(c, 5, 40, HIDE_BYTES "ready spammed done", 10000));
	ck_assert_msg(read_names(fd, &n, "final 100000", now_ms() + 5000),
		      "the viewer following titles never got the final one (last \"%s\")", n.last);
	assert_title(v, "final 100000", "after the final titles");
	assert_bounded(v, "title spam");
	hg_figure("title spam: 100,000 titles in %lld ms, %d DesktopName messages; during the stream "
	       "a key took %lld ms, a viewer's handshake %lld ms; %d messages in all",
	       (long long)spam_ms, spam_msgs, (long long)key_ms, (long long)connect_ms, n.count);
	close(fd);
	vnc_disconnect(c2);
	vnc_disconnect(c);
	stop_daemon(v);
	hg_remove_dir(dir);
	free(cmd.p);
}
END_TEST

/* ---- replies ---- */

#define DA_REPLY "\033[?62;22c"
#define CPR_REPLY "\033[1;6R" /* the cursor after "ready" */

/*
 * The replies the guest read, in the file at path: each must be a whole
 * DA or CPR reply, counted in *da or *cpr.  Returns the bytes read.
 */
static size_t count_replies(const char *path, long *da, long *cpr)
{
	FILE *f = fopen(path, "rb");

	ck_assert_ptr_nonnull(f);
	struct buf got = { 0 };
	char tmp[65536];
	size_t k;

	while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_addn(&got, tmp, k);
	fclose(f);
	for (size_t i = 0; i < got.len;) {
		if (got.len - i >= strlen(DA_REPLY) && !memcmp(got.p + i, DA_REPLY, strlen(DA_REPLY))) {
			(*da)++;
			i += strlen(DA_REPLY);
		} else if (got.len - i >= strlen(CPR_REPLY) &&
			   !memcmp(got.p + i, CPR_REPLY, strlen(CPR_REPLY))) {
			(*cpr)++;
			i += strlen(CPR_REPLY);
		} else {
			ck_abort_msg("reply %ld is cut or garbled at byte %zu of %zu", *da + *cpr, i,
				     got.len);
		}
	}
	free(got.p);
	return got.len;
}

/*
 * 6. A million DA and a million DSR requests from a guest that does not
 * read its input.  The replies cannot be written, and vncterm must not
 * wait for them: it goes on reading the console (the guest's later text
 * shows), serves a new viewer and the text port, and keeps at most
 * OUTQ_MAX of them.  When the guest reads at last, it gets a bounded
 * number of whole replies: what the pty holds plus that queue, never a
 * reply cut in two.
 */
START_TEST(reply_flood)
{
	char dir[64], w0[160], path[96];
	struct buf cmd = { 0 }, snap = { 0 };

	hg_make_dir(dir, sizeof(dir));
	hg_wait_go(w0, sizeof(w0), dir, 0);
	snprintf(path, sizeof(path), "%s/replies", dir);
	buf_add(&cmd, "stty raw -echo; printf '" HIDE "ready'; "
		    "yes \"$(printf '\\033[c\\033[6n')\" | head -n 1000000 | tr -d '\\n'; "
		    "printf ' FLOODED'; ");
	buf_add(&cmd, w0);
	/* --foreground: cat stays in the terminal's foreground group, where it may read */
	buf_addf(&cmd, "timeout --foreground 1.5 cat > %s; printf ' DONE'; exec cat >/dev/null", path);
	const char *const args[] = { "-v", "127.0.0.1:125", "-T", "--geometry", "40x5", "-c",
				     "/bin/sh", "-c", cmd.p, NULL };
	int64_t t0 = now_ms();
	struct vncterm *v = start_daemon(args, 125);
	int tport = text_port_line(v);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_msg(shows_str(c, 5, 40, HIDE_BYTES "ready FLOODED", 20000),
		      "the guest's text after the requests never showed");
	int64_t flood_ms = now_ms() - t0;

	assert_bounded(v, "after 2,000,000 requests");
	/* the guest still reads nothing: vncterm serves a new viewer and the text port */
	t0 = now_ms();
	rfbClient *c2 = connect_to("127.0.0.1", v);

	ck_assert(shows_str(c2, 5, 40, HIDE_BYTES "ready FLOODED", 2000));
	int64_t viewer_ms = now_ms() - t0;
	int tfd = tcp_connect(tport);

	t0 = now_ms();
	while (!memmem(snap.p ? snap.p : "", snap.len, "FLOODED", 7) && now_ms() - t0 < 2000)
		ck_assert(read_some(tfd, &snap, 50));
	ck_assert_msg(snap.len && memmem(snap.p, snap.len, "FLOODED", 7),
		      "the text port gave no snapshot while the replies were stuck");
	int64_t tp_ms = now_ms() - t0;

	/* the guest reads now */
	hg_go(dir, 0);
	ck_assert(shows_str(c, 5, 40, HIDE_BYTES "ready FLOODED DONE", 5000));
	long da = 0, cpr = 0;
	size_t got = count_replies(path, &da, &cpr);

	hg_figure("reply flood: 2,000,000 requests handled in %lld ms; with the replies stuck a viewer "
	       "connected and showed the screen in %lld ms, the text port snapshot took %lld ms; "
	       "the guest then read %zu bytes: %ld DA and %ld CPR replies",
	       (long long)flood_ms, (long long)viewer_ms, (long long)tp_ms, got, da, cpr);
	ck_assert_msg(da > 0 && cpr > 0, "the first replies were lost");
	/* OUTQ_MAX plus what the kernel's pty buffers hold, of 16 MB of replies asked for */
	ck_assert_msg(got <= OUTQ_MAX + PTY_BUFFER_MAX, "the guest read %zu bytes of replies", got);
	assert_bounded(v, "reply flood");
	close(tfd);
	vnc_disconnect(c2);
	vnc_disconnect(c);
	stop_daemon(v);
	hg_remove_dir(dir);
	free(snap.p);
	free(cmd.p);
}
END_TEST

/* ---- nothing lost ---- */

#define LINES 270000

/*
 * 7. A guest writes 270,000 numbered lines (2 MB) as fast as it can
 * while a viewer and a text port client watch: the text port client
 * receives every byte, in order, and the viewer ends on the last lines.
 */
START_TEST(nothing_lost)
{
	char dir[64], w0[160];
	struct buf cmd = { 0 }, want = { 0 }, got = { 0 };

	hg_make_dir(dir, sizeof(dir));
	hg_wait_go(w0, sizeof(w0), dir, 0);
	buf_add(&cmd, "printf '" HIDE "go'; ");
	buf_add(&cmd, w0);
	buf_addf(&cmd, "printf 'START\\n'; seq 1 %d; printf 'END\\n'; exec cat >/dev/null", LINES);
	const char *const args[] = { "-v", "127.0.0.1:126", "-T", "--geometry", "80x25", "-c",
				     "/bin/sh", "-c", cmd.p, NULL };
	struct vncterm *v = start_daemon(args, 126);
	int tport = text_port_line(v);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert(shows_str(c, 25, 80, HIDE_BYTES "go", 5000));
	int tfd = tcp_connect(tport);
	int64_t t0 = now_ms();

	/* the snapshot first: the screen as it is */
	while (!(got.len && memmem(got.p, got.len, "go", 2)) && now_ms() - t0 < 5000)
		ck_assert(read_some(tfd, &got, 50));
	ck_assert_msg(got.len, "no snapshot on the text port");
	/* the terminal's output processing makes each newline CR LF */
	buf_add(&want, "START\r\n");
	for (int i = 1; i <= LINES; i++)
		buf_addf(&want, "%d\r\n", i);
	buf_add(&want, "END\r\n");
	fcntl(tfd, F_SETFL, fcntl(tfd, F_GETFL) | O_NONBLOCK);
	t0 = now_ms();
	hg_go(dir, 0);
	/* read the text port as fast as it comes, and keep the viewer served */
	while (now_ms() - t0 < 20000) {
		ck_assert_msg(read_some(tfd, &got, 5), "the text port closed (at %zu bytes)", got.len);
		if (got.len >= 5 && !memcmp(got.p + got.len - 5, "END\r\n", 5))
			break;
		ck_assert(vnc_pump(c, now_ms() + 2));
	}
	int64_t took = now_ms() - t0;
	char *start = memmem(got.p, got.len, "START\r\n", 7);

	ck_assert_msg(start, "the stream never started");
	size_t len = got.len - (size_t)(start - got.p);

	if (len != want.len || memcmp(start, want.p, len)) {
		size_t i = 0;

		while (i < len && i < want.len && start[i] == want.p[i])
			i++;
		ck_abort_msg("the text port's stream differs at byte %zu (got %zu of %zu bytes): "
			     "\"%.20s\"", i, len, want.len, start + i);
	}
	/* the viewer shows the last lines */
	struct buf screen = { 0 };

	buf_add(&screen, HIDE_BYTES "go");
	buf_addn(&screen, want.p, want.len);
	ck_assert_msg(hg_shows(c, 25, 80, screen.p, screen.len, 5000),
		      "the viewer does not end on the last lines");
	assert_bounded(v, "numbered lines");
	hg_figure("nothing lost: %zu bytes, %d lines, all through the text port in %lld ms",
	       want.len, LINES, (long long)took);
	close(tfd);
	vnc_disconnect(c);
	stop_daemon(v);
	hg_remove_dir(dir);
	free(screen.p);
	free(cmd.p);
	free(want.p);
	free(got.p);
}
END_TEST

/* ---- floods of costly sequences ---- */

/*
 * Sequences that cost the emulator far more than their bytes: a
 * screenful of characters for REP, both screens cleared for RIS, a
 * screen for ED.  The guest repeats one without end.
 */
static const struct flood {
	const char *what;
	const char *unit; /* as printf's format */
	const char *geometry;
} floods[] = {
	{ "REP", "x\\033[65535b", "80x25" },
	{ "REP on a larger screen", "x\\033[65535b", "200x60" },
	{ "RIS", "\\033c", "80x25" },
	{ "ED", "\\033[2J", "200x60" },
};

/*
 * 8. However costly each byte, vncterm serves viewers between slices of
 * console work: while the guest floods, a key still reaches it quickly
 * and a new viewer completes its handshake quickly.
 */
START_TEST(costly_floods)
{
	const struct flood *fl = &floods[_i];
	char dir[64], w0[160], key[96], listen[32];
	struct buf cmd = { 0 };

	hg_make_dir(dir, sizeof(dir));
	hg_wait_go(w0, sizeof(w0), dir, 0);
	snprintf(key, sizeof(key), "%s/key", dir);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", 127 + _i);
	buf_add(&cmd, "stty raw -echo; printf '" HIDE "ready'; ");
	buf_add(&cmd, w0);
	buf_addf(&cmd, "yes \"$(printf '%s')\" | tr -d '\\n' & head -c 1 > %s; exec cat >/dev/null",
	     fl->unit, key);
	const char *const args[] = { "-v", listen, "--geometry", fl->geometry, "-c", "/bin/sh", "-c",
				     cmd.p, NULL };
	struct vncterm *v = start_daemon(args, 127 + _i);
	rfbClient *c = connect_to("127.0.0.1", v);
	int cols = atoi(fl->geometry), rows = atoi(strchr(fl->geometry, 'x') + 1);

	ck_assert(shows_str(c, rows, cols, HIDE_BYTES "ready", 5000));
	hg_go(dir, 0);
	sleep_ms(500); /* the flood is under way */
	int64_t t0 = now_ms();
	rfbClient *c2 = connect_to("127.0.0.1", v);
	int64_t connect_ms = now_ms() - t0;

	t0 = now_ms();
	ck_assert(vnc_key(c, XK_k));
	int64_t key_ms = wait_file(key, 1, 10000);

	hg_figure("%s flood (%s): a viewer's handshake took %lld ms, a key %lld ms", fl->what,
	       fl->geometry, (long long)connect_ms, (long long)key_ms);
	ck_assert_msg(key_ms >= 0 && key_ms < 500 * slowdown(),
		      "%s flood: the key took %lld ms to reach the guest", fl->what, (long long)key_ms);
	ck_assert_msg(connect_ms < 1000 * slowdown(), "%s flood: a viewer took %lld ms to connect",
		      fl->what, (long long)connect_ms);
	assert_bounded(v, fl->what);
	vnc_disconnect(c2);
	vnc_disconnect(c);
	stop_daemon(v);
	hg_remove_dir(dir);
	free(cmd.p);
}
END_TEST

Suite *hostile_guest_floods_suite(void)
{
	Suite *s = suite_create("hostile_guest_floods");
	TCase *tc = tcase_create("floods");

	/* Each test takes a few seconds; the timeout only bounds a hang. */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, title_spam);
	tcase_add_test(tc, reply_flood);
	tcase_add_test(tc, nothing_lost);
	tcase_add_loop_test(tc, costly_floods, 0, (int)(sizeof(floods) / sizeof(floods[0])));
	suite_add_tcase(s, tc);
	return s;
}
