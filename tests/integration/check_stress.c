/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Everything at once, for RUN_MS, against a sandboxed daemon (a pty
 * console, so that resizing works) whose console scrolls numbered lines
 * the whole time, with --log-file.  Each round of a bounded loop does a
 * fixed share of:
 *  - a selection: a viewer drags with the left button, so the daemon
 *    sends ServerCutText to every viewer, those in their handshake too;
 *  - WebSocket handshakes that reset: part or all of an HTTP Upgrade
 *    request, then close with SO_LINGER 0 (RST);
 *  - viewers connecting and leaving: libvncclient ones, and raw sockets
 *    left at a step of the handshake;
 *  - SetPixelFormat (8, 16 and 32 bpp, a colour map too), SetDesktopSize,
 *    extended-clipboard messages (Request, Notify, Peek, Caps, Provide);
 *  - SIGUSR1 (statefile), SIGHUP (the log rotated), SIGSTOP and SIGCONT
 *    to the monitor and the worker, with work queued while they stand.
 * Then vncterm must be alive and serving (a fresh viewer sees the last
 * lines), the log files must hold exactly what the console printed, in
 * order, and the worker's fds and threads must come back to where they
 * were, its memory and the monitor's fds stay bounded.  Nothing asserted
 * depends on timing; the deadlines only bound what must happen anyway.
 *
 * Displays 127.0.0.1:430 to :439 are this file's.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tests/integration/util_raw.h"
#include "tests/integration/util_vncterm.h"
#include "vncterm/render.h"
#include "vncterm/sandbox.h"
#include "vncterm/statefile.h"

#define DISPLAY 430
#define DISPLAY_ARG "127.0.0.1:430"
#define ROWS 10
#define COLS 40
#define RUN_MS 30000
/* Bounds the loop whatever the clock does; a round takes milliseconds. */
#define MAX_ROUNDS 100000
#define LINES_PER_ROUND 4
/* libvncclient viewers that take turns, one joining every POOL_EVERY rounds. */
#define POOL 4
#define POOL_EVERY 3
/* Raw connections left in the middle of the handshake. */
#define HALF 6
/* Raw viewers of each other kind kept open at once (closed unread: a reset). */
#define KEEP 2
/* A signal every SIGNAL_EVERY rounds: USR1, HUP, STOP/CONT in turn. */
#define SIGNAL_EVERY 20
/* For what must happen: it only bounds a failure. */
#define SETTLE_MS 30000
/*
 * ASan keeps freed memory in quarantine (256 MiB at most) and its
 * allocator caches per size class besides: both count in VmRSS (one run
 * reached 338 MiB of growth).  A leak of the size this bounds would still
 * show: the plain run has 64 MiB.
 */
#ifdef __SANITIZE_ADDRESS__
#define RSS_GROWTH_KB ((256 + 192) * 1024)
#else
#define RSS_GROWTH_KB (64 * 1024)
#endif

/* What the console was given: numbered lines, every byte kept to compare with the log. */
struct console {
	int master;     /* the pty's master side, nonblocking */
	char *buf;
	size_t len, cap;
	size_t sent;    /* how much of buf the pty took so far */
	int lines;
};

struct ring {
	int fd[KEEP];
	int at;
};

struct stress {
	struct vncterm *v;
	pid_t worker;
	int port, slave;
	char dir[64], log[96], err[96];
	struct console con;
	rfbClient *watcher, *dragger, *pool[POOL];
	int half[HALF];
	struct ring fmt, rsz, ext;
	int round, rotations, cuts;
	int drags, ws, joins, lost, formats, resizes, exts, usr1, hups, stops;
};

/* ---- the console ---- */

static void console_add(struct console *k, int lines)
{
	for (int i = 0; i < lines; i++) {
		if (k->cap - k->len < 32) {
			k->cap = k->cap ? 2 * k->cap : 1 << 20;
			k->buf = realloc(k->buf, k->cap);
			ck_assert_ptr_nonnull(k->buf);
		}
		k->len += (size_t)snprintf(k->buf + k->len, k->cap - k->len, "line %06d\r\n",
					   ++k->lines);
	}
}

/* Give the pty what it takes now; drop what vncterm typed into it (pastes). */
static void console_flush(struct console *k)
{
	char junk[4096];
	ssize_t w;

	while (read(k->master, junk, sizeof(junk)) > 0)
		;
	while (k->sent < k->len && (w = write(k->master, k->buf + k->sent, k->len - k->sent)) > 0)
		k->sent += (size_t)w;
}

/* ---- liveness, with the daemon's last words when it died ---- */

static void err_tail(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n = -1;

	if (fd >= 0 && fstat(fd, &st) == 0) {
		off_t from = st.st_size > (off_t)size - 1 ? st.st_size - (off_t)size + 1 : 0;

		n = pread(fd, out, size - 1, from);
	}
	if (fd >= 0)
		close(fd);
	out[n > 0 ? n : 0] = '\0';
}

static bool dead(struct stress *s)
{
	return !vncterm_alive(s->v) || kill(s->worker, 0) < 0 || proc_state(s->worker) == 'Z';
}

/*
 * End the test with what went wrong: when vncterm died (it may take a
 * moment to show once a viewer saw it), how, and its stderr's last words.
 */
static void fail_round(struct stress *s, const char *what)
{
	char tail[1200], how[96] = "vncterm is still running";

	for (int64_t end = now_ms() + 2000; !dead(s) && now_ms() < end;)
		sleep_ms(10);
	if (dead(s)) {
		vncterm_wait_exit(s->v, 3000);
		int st = s->v->status;

		/* The monitor exits 128 + N when the worker was killed by signal N. */
		if (!s->v->reaped)
			snprintf(how, sizeof(how), "vncterm died: the worker is gone");
		else if (WIFSIGNALED(st))
			snprintf(how, sizeof(how), "vncterm died: the monitor was killed by signal %d",
				 WTERMSIG(st));
		else if (WEXITSTATUS(st) > 128)
			snprintf(how, sizeof(how), "vncterm died: the worker was killed by signal %d",
				 WEXITSTATUS(st) - 128);
		else
			snprintf(how, sizeof(how), "vncterm died: exit status %d", WEXITSTATUS(st));
	}
	err_tail(s->err, tail, sizeof(tail));
	ck_abort_msg("%s, in round %d (%s); its stderr ends:\n%s", what, s->round, how, tail);
}

/* Before what would block on a dead daemon: fail with its last words instead. */
static void assert_alive(struct stress *s, const char *when)
{
	char what[128];

	if (dead(s)) {
		snprintf(what, sizeof(what), "vncterm died %s", when);
		fail_round(s, what);
	}
}

/* Handle what a viewer has been sent; false if its connection broke. */
static bool drain(rfbClient *c)
{
	for (int i = 0; i < 16; i++)
		if (!vnc_handle_one(c, 0))
			return false;
	return true;
}

static void pump_all(struct stress *s)
{
	if (!drain(s->watcher) || !drain(s->dragger)) {
		fail_round(s, "a viewer connected from the start lost its connection");
	}
	for (int i = 0; i < POOL; i++) {
		if (s->pool[i] && !drain(s->pool[i])) {
			vnc_disconnect(s->pool[i]);
			s->pool[i] = NULL;
			s->lost++;
		}
	}
}

/* ---- what each round does ---- */

static int cuts_tag;

static void got_cut(rfbClient *c, const char *text, int len)
{
	int *n = rfbClientGetClientData(c, &cuts_tag);

	(void)text;
	(void)len;
	if (n)
		++*n;
}

/*
 * A drag with the left button from one cell to another: on release the
 * selection goes to every viewer's clipboard.  Cells within 32x8, the
 * smallest size the resizes ask for.
 */
static void drag(struct stress *s)
{
	int r = s->round, c0 = r % 30, r0 = r % 7, c1 = (c0 + 1 + r % 5) % 32, r1 = (r0 + 1) % 8;
	int x0 = c0 * RENDER_CELL_W + 2, y0 = r0 * RENDER_CELL_H + 2;
	int x1 = c1 * RENDER_CELL_W + 2, y1 = r1 * RENDER_CELL_H + 2;

	if (!SendPointerEvent(s->dragger, x0, y0, rfbButton1Mask) ||
	    !SendPointerEvent(s->dragger, x1, y1, rfbButton1Mask) ||
	    !SendPointerEvent(s->dragger, x1, y1, 0)) {
		fail_round(s, "the dragging viewer lost its connection");
	}
	s->drags++;
}

/* Close what was kept longest, keep fd. */
static void keep(struct ring *k, int fd)
{
	if (k->fd[k->at] >= 0)
		close(k->fd[k->at]);
	k->fd[k->at] = fd;
	k->at = (k->at + 1) % KEEP;
}

/*
 * A WebSocket handshake cut by a reset: a part of the request (none to
 * all of it, round by round), and every fourth time the whole of it with
 * the server's answer awaited, so that the reset comes after the upgrade.
 */
static void ws_reset(struct stress *s, bool await)
{
	static const char req[] = WS_UPGRADE;
	size_t k = await ? sizeof(req) - 1 : (size_t)s->round * 37 % sizeof(req);
	int fd = tcp_open(AF_INET, s->port, false);
	struct linger l = { 1, 0 };

	if (k)
		send(fd, req, k, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (await) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, 1000);
	}
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
	s->ws++;
}

/*
 * A connection left at a step of the handshake: connected, the version
 * sent, or the version and the security type sent (then ClientInit is
 * awaited).  Sent unread, so that the server's writes find a full pipe
 * sooner or later.
 */
static void half_open(struct stress *s, int i)
{
	static const char hello[] = "RFB 003.008\n\x01";
	static const size_t steps[3] = { 0, 12, 13 };
	size_t n = steps[s->round % 3];

	if (s->half[i] >= 0)
		close(s->half[i]);
	s->half[i] = tcp_open(AF_INET, s->port, false);
	if (n)
		send(s->half[i], hello, n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void pool_turn(struct stress *s)
{
	int i = s->round / POOL_EVERY % POOL;

	vnc_disconnect(s->pool[i]);
	s->pool[i] = NULL;
	assert_alive(s, "before a viewer joined");
	s->pool[i] = vnc_connect("127.0.0.1", s->port);
	if (!s->pool[i]) {
		fail_round(s, "a viewer could not connect");
	}
	s->joins++;
}

/* SetPixelFormat (8, 16, 32 bpp true colour; 8 with a colour map), then a full update request. */
static void pixel_format(struct stress *s)
{
	static const unsigned char formats[4][16] = {
		{ 8, 8, 0, 1, 0, 7, 0, 7, 0, 3, 0, 3, 6 },
		{ 16, 16, 0, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0 },
		{ 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0 },
		{ 8, 8, 0, 0 },
	};
	static const unsigned char enc[8] = { 2, 0, 0, 1, 0, 0, 0, 0 }; /* raw */
	unsigned char m[20] = { 0 };
	unsigned char req[10] = { 3, 0, 0, 0, 0, 0, (COLS * RENDER_CELL_W) >> 8,
				  (COLS * RENDER_CELL_W) & 0xff, (ROWS * RENDER_CELL_H) >> 8,
				  (ROWS * RENDER_CELL_H) & 0xff };

	assert_alive(s, "before a SetPixelFormat");
	int fd = raw_connect(s->port, 0);

	memcpy(m + 4, formats[s->round / 4 % 4], 16);
	send_all(fd, m, sizeof(m));
	send_all(fd, enc, sizeof(enc));
	send_all(fd, req, sizeof(req));
	keep(&s->fmt, fd);
	s->formats++;
}

static void resize(struct stress *s)
{
	static const int cells[3][2] = { { 48, 12 }, { 32, 8 }, { COLS, ROWS } };
	const int *c = cells[s->round / 4 % 3];

	assert_alive(s, "before a SetDesktopSize");
	int fd = raw_connect(s->port, 0);

	send_resize(fd, c[0] * RENDER_CELL_W, c[1] * RENDER_CELL_H);
	keep(&s->rsz, fd);
	s->resizes++;
}

/* An extended-clipboard viewer sends one of Request, Notify, Peek, Caps, Provide. */
static void ext_clipboard(struct stress *s)
{
	static const uint32_t flags[5] = {
		EXT_REQUEST | EXT_TEXT, EXT_NOTIFY | EXT_TEXT, EXT_PEEK,
		EXT_CAPS | EXT_REQUEST | EXT_PEEK | EXT_NOTIFY | EXT_PROVIDE | EXT_TEXT, 0,
	};
	uint32_t f = flags[s->round / 4 % 5];

	assert_alive(s, "before an extended clipboard message");
	int fd = ext_clipboard_viewer(s->port);

	if (f) {
		send_ext_flags(fd, f);
	} else {
		send_ext_provide(fd, 7, "stress", 7);
		raw_middle_click(fd); /* typed into the pty: dropped there */
	}
	keep(&s->ext, fd);
	s->exts++;
}

/* The log renamed away, then SIGHUP: the monitor opens it anew and hands it over. */
static void rotate(struct stress *s)
{
	char old[128];

	snprintf(old, sizeof(old), "%s.%d", s->log, s->rotations + 1);
	ck_assert_msg(rename(s->log, old) == 0, "rename %s: %s", s->log, strerror(errno));
	s->rotations++;
	ck_assert_int_eq(kill(s->v->pid, SIGHUP), 0);
	for (int64_t end = now_ms() + SETTLE_MS; access(s->log, F_OK) < 0 && now_ms() < end;)
		sleep_ms(1);
	assert_alive(s, "after SIGHUP");
	ck_assert_msg(access(s->log, F_OK) == 0, "SIGHUP did not reopen %s", s->log);
	s->hups++;
}

static bool both_stopped(struct stress *s)
{
	return proc_state(s->v->pid) == 'T' && proc_state(s->worker) == 'T';
}

/*
 * Monitor and worker stopped together (their process group), and work
 * queued meanwhile: output, resets, a connection.  The worker, stopped in
 * poll(), goes on through restart_syscall.
 */
static void stop_and_continue(struct stress *s)
{
	ck_assert_int_eq(kill(-s->v->pid, SIGSTOP), 0);
	for (int64_t end = now_ms() + SETTLE_MS; !both_stopped(s) && now_ms() < end;)
		sleep_ms(1);
	if (!both_stopped(s)) {
		fail_round(s, "vncterm never stopped");
	}
	console_add(&s->con, LINES_PER_ROUND);
	console_flush(&s->con);
	ws_reset(s, false);
	half_open(s, s->round % HALF);
	ck_assert_int_eq(kill(-s->v->pid, SIGCONT), 0);
	s->stops++;
}

static void signal_turn(struct stress *s)
{
	switch (s->round / SIGNAL_EVERY % 3) {
	case 0:
		ck_assert_int_eq(kill(s->v->pid, SIGUSR1), 0);
		s->usr1++;
		break;
	case 1:
		rotate(s);
		break;
	default:
		stop_and_continue(s);
	}
}

static void one_round(struct stress *s)
{
	int r = s->round;

	console_add(&s->con, LINES_PER_ROUND);
	console_flush(&s->con);
	drag(s);
	ws_reset(s, r % 4 == 0);
	half_open(s, r % HALF);
	if (r % POOL_EVERY == 0)
		pool_turn(s);
	switch (r % 4) {
	case 1: pixel_format(s); break;
	case 2: resize(s); break;
	case 3: ext_clipboard(s); break;
	default: break;
	}
	if (r % SIGNAL_EVERY == SIGNAL_EVERY - 1)
		signal_turn(s);
	pump_all(s);
	if (!vnc_pump(s->watcher, now_ms() + 5)) {
		fail_round(s, "the watching viewer lost its connection");
	}
}

/* ---- setup, the checks at the end ---- */

static void start(struct stress *s)
{
	char tty[64];
	struct termios t;
	int master;

	memset(s, 0, sizeof(*s));
	strcpy(s->dir, "/tmp/vncterm-stress-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s->dir));
	snprintf(s->log, sizeof(s->log), "%s/console.log", s->dir);
	snprintf(s->err, sizeof(s->err), "%s/stderr", s->dir);
	ck_assert_int_eq(openpty(&master, &s->slave, tty, NULL, NULL), 0);
	/* Raw: the lines reach vncterm byte for byte, and nothing is echoed. */
	ck_assert_int_eq(tcgetattr(s->slave, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(s->slave, TCSANOW, &t), 0);
	fcntl(master, F_SETFL, O_NONBLOCK);
	s->con.master = master;
	for (int i = 0; i < HALF; i++)
		s->half[i] = -1;
	for (int i = 0; i < KEEP; i++)
		s->fmt.fd[i] = s->rsz.fd[i] = s->ext.fd[i] = -1;
	const char *const args[] = { "-p", tty, "-v", DISPLAY_ARG, "--geometry", "40x10",
				     "--max-viewers", "48", "--log-file", s->log, NULL };

	s->v = start_logged(args, DISPLAY, s->err);
	s->port = s->v->port;
	s->worker = worker_of(s->v->pid);
	s->watcher = connect_to("127.0.0.1", s->v);
	s->watcher->GotXCutText = got_cut;
	rfbClientSetClientData(s->watcher, &cuts_tag, &s->cuts);
	s->dragger = connect_to("127.0.0.1", s->v);
}

/* Everything the test opened, closed (the watcher and the dragger stay). */
static void close_all(struct stress *s)
{
	for (int i = 0; i < HALF; i++)
		if (s->half[i] >= 0)
			close(s->half[i]);
	for (int i = 0; i < KEEP; i++) {
		int fds[3] = { s->fmt.fd[i], s->rsz.fd[i], s->ext.fd[i] };

		for (int j = 0; j < 3; j++)
			if (fds[j] >= 0)
				close(fds[j]);
	}
	for (int i = 0; i < POOL; i++) {
		vnc_disconnect(s->pool[i]);
		s->pool[i] = NULL;
	}
}

/* The rotated logs then the current one, end to end; the caller frees it. */
static char *whole_log(struct stress *s, size_t *len)
{
	size_t cap = s->con.len + 65536, n = 0;
	char *buf = malloc(cap), path[128];

	ck_assert_ptr_nonnull(buf);
	for (int i = 1; i <= s->rotations + 1; i++) {
		if (i <= s->rotations)
			snprintf(path, sizeof(path), "%s.%d", s->log, i);
		else
			snprintf(path, sizeof(path), "%s", s->log);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t k;

		ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
		while (n < cap && (k = read(fd, buf + n, cap - n)) > 0)
			n += (size_t)k;
		close(fd);
	}
	*len = n;
	return buf;
}

/* Every line the console printed is in the log files, in order, and nothing else. */
static void assert_log_whole(struct stress *s)
{
	size_t len = 0;
	char *got = NULL;

	for (int64_t end = now_ms() + SETTLE_MS; now_ms() < end; sleep_ms(20)) {
		free(got);
		got = whole_log(s, &len);
		if (len >= s->con.len)
			break;
	}
	size_t at = 0;

	while (at < len && at < s->con.len && got[at] == s->con.buf[at])
		at++;
	ck_assert_msg(len == s->con.len && at == len,
		      "the log (%zu bytes in %d files) differs from the %zu bytes printed, from "
		      "byte %zu: \"%.24s\" where \"%.24s\" was printed",
		      len, s->rotations + 1, s->con.len, at, at < len ? got + at : "",
		      s->con.buf + at);
	free(got);
}

/* A fresh viewer sees the console's last lines at the size asked for last. */
static void assert_fresh_viewer(struct stress *s)
{
	int w, h;
	uint32_t *want = expected_pixels(ROWS, COLS, s->con.buf, s->con.len, 0, &w, &h);
	rfbClient *fresh = vnc_connect("127.0.0.1", s->port);

	ck_assert_ptr_nonnull(want);
	if (!fresh)
		fail_round(s, "a fresh viewer cannot connect");
	if (!wait_for_screen(fresh, want, w, h, now_ms() + SETTLE_MS))
		fail_round(s, "a fresh viewer does not see the console's last lines");
	vnc_disconnect(fresh);
	free(want);
}

/* Wait for pid's fds and threads to come back to fds, threads; true if they did. */
static bool settled(struct stress *s, pid_t pid, int fds, int threads)
{
	for (int64_t end = now_ms() + SETTLE_MS; now_ms() < end;) {
		if (fd_count(pid) == fds && status_kb(pid, "Threads") == threads)
			return true;
		pump_all(s);
		sleep_ms(20);
	}
	return false;
}

/*
 * The end: everything closed and gone from the daemon too (so that no
 * SetDesktopSize of before is still to come), the selection cleared, the
 * size back, the last lines out.
 */
static void finish(struct stress *s, int fds, int threads)
{
	int w = 0, h = 0, col = (s->round + 15) % 30; /* not where the last drag began */

	close_all(s);
	assert_alive(s, "after the loop");
	ck_assert_msg(settled(s, s->worker, fds, threads),
		      "the worker holds %d fds and %d threads after it all, %d and %d before",
		      fd_count(s->worker), (int)status_kb(s->worker, "Threads"), fds, threads);
	/* A click without a drag: the highlight goes, and no ServerCutText. */
	SendPointerEvent(s->dragger, col * RENDER_CELL_W + 2, 2, rfbButton1Mask);
	SendPointerEvent(s->dragger, col * RENDER_CELL_W + 2, 2, 0);
	ck_assert_int_eq(raw_resize(s->port, COLS * RENDER_CELL_W, ROWS * RENDER_CELL_H, &w, &h), 0);
	ck_assert_int_eq(w, COLS * RENDER_CELL_W);
	ck_assert_int_eq(h, ROWS * RENDER_CELL_H);
	console_add(&s->con, ROWS + 2);
	for (int64_t end = now_ms() + SETTLE_MS; s->con.sent < s->con.len && now_ms() < end;) {
		console_flush(&s->con);
		pump_all(s);
		sleep_ms(5);
	}
	ck_assert_msg(s->con.sent == s->con.len, "the console stopped reading its pty");
}

START_TEST(everything_at_once)
{
	struct stress s;

	signal(SIGPIPE, SIG_IGN);
	start(&s);
	int base_fds = fd_count(s.worker), base_threads = (int)status_kb(s.worker, "Threads");
	int mon_fds = fd_count(s.v->pid);
	long base_rss = status_kb(s.worker, "VmRSS");
	int64_t t0 = now_ms();

	for (s.round = 0; s.round < MAX_ROUNDS && now_ms() - t0 < RUN_MS; s.round++)
		one_round(&s);
	finish(&s, base_fds, base_threads);
	assert_log_whole(&s);
	assert_alive(&s, "at the end");
	ck_assert_msg(worker_of(s.v->pid) == s.worker, "the worker was replaced");
	assert_fresh_viewer(&s);
	bool back = settled(&s, s.worker, base_fds, base_threads);
	int fds = fd_count(s.worker), threads = (int)status_kb(s.worker, "Threads");
	long rss = status_kb(s.worker, "VmRSS");

	fprintf(stderr,
		"stress: %d rounds in %lld ms: %d lines, %d drags (%d ServerCutText seen), %d "
		"WebSocket resets, %d viewers joined (%d dropped), %d pixel formats, %d resizes, "
		"%d extended clipboard messages, %d SIGUSR1, %d SIGHUP, %d SIGSTOP; worker fds %d "
		"-> %d, threads %d -> %d, VmRSS %ld -> %ld KiB\n",
		s.round, (long long)(now_ms() - t0), s.con.lines, s.drags, s.cuts, s.ws, s.joins,
		s.lost, s.formats, s.resizes, s.exts, s.usr1, s.hups, s.stops, base_fds, fds,
		base_threads, threads, base_rss, rss);
	ck_assert_msg(back, "the worker holds %d fds and %d threads after it all, %d and %d before",
		      fds, threads, base_fds, base_threads);
	ck_assert_msg(rss - base_rss < RSS_GROWTH_KB, "the worker's VmRSS grew from %ld to %ld KiB",
		      base_rss, rss);
	ck_assert_msg(fd_count(s.v->pid) == mon_fds, "the monitor holds %d fds, %d before",
		      fd_count(s.v->pid), mon_fds);
	ck_assert_msg(s.cuts > 0, "no selection reached the watching viewer");
	char state[128];

	snprintf(state, sizeof(state), "%s/%d/%s", SANDBOX_ROOT, (int)s.v->pid, STATEFILE_NAME);
	ck_assert_msg(access(state, F_OK) == 0, "SIGUSR1 wrote no statefile (%s)", state);
	vnc_disconnect(s.watcher);
	vnc_disconnect(s.dragger);
	stop_daemon(s.v);
	close(s.con.master);
	close(s.slave);
	free(s.con.buf);
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", s.dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *stress_suite(void)
{
	Suite *s = suite_create("stress");
	TCase *t = tcase_create("everything at once");

	/* RUN_MS and the end's settling; this only bounds a hang (tripled under sanitizers). */
	tcase_set_timeout(t, 120);
	tcase_add_test(t, everything_at_once);
	suite_add_tcase(s, t);
	return s;
}
