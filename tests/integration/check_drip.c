/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Viewers that drip: a message, or a WebSocket request, sent a byte at a
 * time, each byte soon enough that a read never times out.  Six of them,
 * and 25 connections that never finish the handshake, against the real
 * daemon while an honest viewer types.  While each key is on its way the
 * attackers hold still, every one halfway through its message: the key
 * must show before any of them sends another byte or is cut (a daemon
 * that waited for an attacker would show it only once the attacker's
 * read timed out and it was closed).  That is an order of events, not a
 * time, so a loaded machine makes the test slower, never wrong.  Then
 * --handshake-timeout must have cut every handshake and every message
 * that never ends, and the daemon's fds, threads and memory stay
 * bounded.
 *
 * Displays 127.0.0.1:210 to :219 are this file's.
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
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_hostile_viewer.h"

#define HANDSHAKE_S 8
/* Echoes this slow are counted in the figures printed; nothing asserts a time. */
#define ECHO_MAX_MS 50
#define SAMPLES 20
#define HALF_OPEN 25
#define DRIP_MS 300
/* A WebSocket request's bytes, faster: the request is short. */
#define WS_DRIP_MS 60
/*
 * Longer than vncterm waits for the rest of a message an attacker left
 * (2 s): a daemon that waited for one shows the key only after that
 * attacker is cut, which the test sees.
 */
#define ECHO_GIVE_UP_MS 3000

static const char ws_request[] =
	"GET /websockify HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
	"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n";

/* SetEncodings claiming 1000 encodings: 4000 bytes to drip. */
static const unsigned char set_encodings[] = { 2, 0, 0x03, 0xe8 };
/* ClientCutText claiming 1000 bytes. */
static const unsigned char cut_text[] = { 6, 0, 0, 0, 0, 0, 0x03, 0xe8 };
/* A key release of keysym 0, over and over: it types nothing. */
static const unsigned char key_event[] = { 4, 0, 0, 0, 0, 0, 0, 0 };
/* A pointer event at 0,0 without buttons, likewise. */
static const unsigned char pointer_event[] = { 5, 0, 0, 0, 0, 0 };

struct dripper {
	const char *what;
	int fd;
	const unsigned char *msg; /* dripped from its start, then again */
	size_t len;
	size_t head;     /* sent at once: libvncserver looks at "GET " before it reads a line */
	size_t at;
	bool repeat;     /* start the message again once sent (else: 'x' bytes after it) */
	int interval;    /* ms between bytes */
	int64_t next;
	bool closed;
};

static void drip_or_hold(struct dripper *ds, int n, bool paused);

static void drip(struct dripper *ds, int n)
{
	drip_or_hold(ds, n, false);
}

static void drip_start(struct dripper *d, const char *what, int fd, const void *msg, size_t len,
		       size_t head, bool repeat, int interval)
{
	*d = (struct dripper){ .what = what, .fd = fd, .msg = msg, .len = len, .head = head,
			       .repeat = repeat, .interval = interval, .next = now_ms() };
	if (head) {
		ck_assert(send(fd, msg, head, MSG_NOSIGNAL) == (ssize_t)head);
		d->at = head;
	}
}

/* Notice a close; unless paused, send the next byte of those that are due. */
static void drip_or_hold(struct dripper *ds, int n, bool paused)
{
	int64_t now = now_ms();

	for (int i = 0; i < n; i++) {
		struct dripper *d = &ds[i];
		char buf[4096];

		if (d->closed)
			continue;
		ssize_t k;

		while ((k = recv(d->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			;
		if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
			d->closed = true;
			continue;
		}
		if (paused || now < d->next)
			continue;
		unsigned char b = d->at < d->len ? d->msg[d->at] : 'x';

		if (send(d->fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1 && errno != EAGAIN) {
			d->closed = true;
			continue;
		}
		d->at++;
		if (d->repeat && d->at == d->len)
			d->at = 0;
		d->next = now + d->interval;
	}
}

/* Closed by the server, what it sent before (its greeting) read and dropped. */
static bool closed_now(int fd)
{
	char buf[4096];
	ssize_t k;

	while ((k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	return k == 0 || (errno != EAGAIN && errno != EINTR);
}

/* 25 connections that never finish the handshake: silent, or a version cut short. */
static void open_half_open(int *half, int port)
{
	for (int i = 0; i < HALF_OPEN; i++) {
		half[i] = tcp_connect(port);
		if (i % 2)
			ck_assert(send(half[i], "RFB 003", 7, MSG_NOSIGNAL) == 7);
	}
}

/* Six drip attackers: messages after a full handshake, and WebSocket requests. */
static void start_drippers(struct dripper *d, int port)
{
	drip_start(&d[0], "ClientCutText of 1000 bytes", raw_connect(port, 0), cut_text,
		   sizeof(cut_text), 0, false, DRIP_MS);
	drip_start(&d[1], "SetEncodings of 1000 encodings", raw_connect(port, 0),
		   set_encodings, sizeof(set_encodings), 0, false, DRIP_MS);
	drip_start(&d[2], "KeyEvents", raw_connect(port, 0), key_event, sizeof(key_event), 0,
		   true, DRIP_MS);
	drip_start(&d[3], "PointerEvents", raw_connect(port, 0), pointer_event,
		   sizeof(pointer_event), 0, true, DRIP_MS);
	drip_start(&d[4], "a WebSocket request", tcp_connect(port), ws_request,
		   sizeof(ws_request) - 1, 4, false, WS_DRIP_MS);
	drip_start(&d[5], "a WebSocket request", tcp_connect(port), ws_request,
		   sizeof(ws_request) - 1, 4, false, WS_DRIP_MS);
}

/*
 * Key i typed (appended to typed, the screen's text) while the attackers
 * hold still: it must show before any of them is cut.  The ms it took.
 */
static int64_t echo_while_held(rfbClient *c, struct dripper *d, char *typed, int i)
{
	int w, h;
	size_t n = strlen(typed);

	typed[n] = (char)('a' + i);
	typed[n + 1] = '\0';
	uint32_t *want = expected_screen(4, 20, typed, &w, &h);
	int64_t t0 = now_ms(), t;

	ck_assert_msg(vnc_key(c, XK_a + (uint32_t)i), "the viewer's connection broke");
	bool cut = false, shown;

	/* The attackers hold still, mid-message, until the key shows or one is cut. */
	while (!(shown = vnc_shows(c, want, w, h)) && !cut &&
	       now_ms() - t0 < ECHO_GIVE_UP_MS) {
		drip_or_hold(d, 6, true);
		for (int k = 0; k < 6; k++)
			cut |= d[k].closed;
		ck_assert_msg(vnc_handle_one(c, 5), "the viewer's connection broke");
	}
	t = now_ms() - t0;
	ck_assert_msg(shown && !cut, "key %d of %d: %s", i + 1, SAMPLES,
		      shown ? "shown only after an attacker was cut" :
		      cut ? "not shown before an attacker was cut: vncterm waited for it" :
			    "never shown");
	free(want);
	return t;
}

/* What the echoes took, and what the daemon held meanwhile. */
struct echoes {
	int64_t worst, total;
	int peak_fds, peak_threads, over, samples;
};

/* The honest viewer types SAMPLES keys, the drips going on between them. */
static void sample_echoes(struct vncterm *v, rfbClient *c, struct dripper *d, char *typed,
			  struct echoes *e)
{
	/* A key that did not show in ECHO_GIVE_UP_MS ends the sampling: the verdict is in. */
	for (int i = 0; i < SAMPLES && e->worst < ECHO_GIVE_UP_MS; i++) {
		int64_t t = echo_while_held(c, d, typed, i);

		e->worst = t > e->worst ? t : e->worst;
		e->total += t;
		e->samples++;
		e->over += t >= ECHO_MAX_MS;
		int fds = fd_count(v->pid);
		int threads = (int)status_kb(v->pid, "Threads");

		e->peak_fds = fds > e->peak_fds ? fds : e->peak_fds;
		e->peak_threads = threads > e->peak_threads ? threads : e->peak_threads;
		/* Keys come a viewer's typing apart, the drips go on between. */
		for (int64_t until = now_ms() + 100; now_ms() < until;) {
			drip(d, 6);
			vnc_pump(c, now_ms() + 5);
		}
	}
}

/*
 * --handshake-timeout cuts handshakes and messages that never end.
 * Whole messages dripped one after the other are a viewer that types
 * slowly: they stay, and cost nobody anything.  Those are closed here.
 */
static void assert_unfinished_cut(rfbClient *c, struct dripper *d, const int *half, int64_t start)
{
	int64_t deadline = start + HANDSHAKE_S * 1000 + 3000;
	bool all = false;

	while (!all && now_ms() < deadline) {
		drip(d, 6);
		vnc_pump(c, now_ms() + 20);
		all = true;
		for (int i = 0; i < 6; i++)
			all &= d[i].closed || d[i].repeat;
	}
	for (int i = 0; i < 6; i++)
		ck_assert_msg(d[i].closed != d[i].repeat, "the attacker dripping %s is %s after %d s",
			      d[i].what, d[i].closed ? "disconnected" : "still connected",
			      (int)((now_ms() - start) / 1000));
	for (int i = 0; i < 6; i++)
		if (d[i].repeat) {
			close(d[i].fd);
			d[i].closed = true;
		}
	for (int i = 0; i < HALF_OPEN; i++)
		ck_assert_msg(closed_now(half[i]), "half-open connection %d is still open", i);
}

/*
 * The honest viewer types through it all: every key must show while the
 * attackers hold still mid-message.  When libvncserver read messages in
 * the loop, one dripping viewer held the daemon for as long as it
 * dripped.
 */
START_TEST(drip_attackers_do_not_delay_viewers)
{
	char hs[8];

	snprintf(hs, sizeof(hs), "%d", HANDSHAKE_S);
	const char *const args[] = { "-v", "127.0.0.1:210", "--geometry", "20x4",
				     "--handshake-timeout", hs, "-c", "/bin/sh", "-c", ECHO_CMD,
				     NULL };
	struct vncterm *v = start_daemon(args, 210);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, "ready", 5000);
	int base_fds = fd_count(v->pid);
	long base_rss = status_kb(v->pid, "VmRSS");
	int64_t start = now_ms();
	int half[HALF_OPEN];
	struct dripper d[6];

	open_half_open(half, v->port);
	start_drippers(d, v->port);
	/* Let every drip get under way: each attacker has sent a few bytes. */
	for (int64_t until = now_ms() + 3 * DRIP_MS; now_ms() < until;) {
		drip(d, 6);
		ck_assert(vnc_pump(c, now_ms() + 10));
	}

	char typed[64] = "ready";
	struct echoes e = { 0 };

	sample_echoes(v, c, d, typed, &e);
	long rss = status_kb(v->pid, "VmRSS");

	fprintf(stderr, "drip: %d echoes under 6 drip attackers and %d half-open connections: "
			"mean %lld ms, worst %lld ms (%d at or over %d ms); fds %d -> peak %d, "
			"threads peak %d, VmRSS %ld -> %ld KiB\n",
		e.samples, HALF_OPEN, (long long)(e.total / e.samples), (long long)e.worst, e.over,
		ECHO_MAX_MS, base_fds, e.peak_fds, e.peak_threads, base_rss, rss);
	for (int i = 0; i < 6; i++)
		ck_assert_msg(!d[i].closed, "the attacker dripping %s was closed before its time",
			      d[i].what);
	/*
	 * Two threads whatever comes (the loop and the relay; ThreadSanitizer adds its own), and at most
	 * three fds per connection (its socket and its socketpair to
	 * libvncserver), --max-viewers (32) of them at most.
	 */
	ck_assert_msg(e.peak_threads <= 2 + SANITIZER_THREADS, "%d threads", e.peak_threads);
	ck_assert_msg(e.peak_fds <= base_fds + 3 * 32, "%d fds, %d before", e.peak_fds, base_fds);
	ck_assert_msg(rss - base_rss < 64 * 1024, "VmRSS grew from %ld to %ld KiB", base_rss, rss);
	assert_unfinished_cut(c, d, half, start);
	/* And the honest viewer is still served. */
	typed[strlen(typed)] = '\0';
	ck_assert(vnc_key(c, XK_z));
	strcat(typed, "z");
	assert_screen(c, 4, 20, typed, 5000);
	for (int64_t end = now_ms() + 3000; fd_count(v->pid) != base_fds && now_ms() < end;)
		vnc_pump(c, now_ms() + 20);
	ck_assert_msg(fd_count(v->pid) == base_fds, "%d fds held after the attack, %d before",
		      fd_count(v->pid), base_fds);
	for (int i = 0; i < HALF_OPEN; i++)
		close(half[i]);
	for (int i = 0; i < 6; i++)
		if (!d[i].repeat)
			close(d[i].fd);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * The opposite of a drip: one viewer sends pointer events as fast as it
 * can.  What it sends waits in its own queue, and past QUEUE_ITEMS its
 * thread stops reading it: the daemon's memory stays where it was, and
 * the honest viewer still types.
 */
#define FLOOD_EVENTS 1000000
/* ASan keeps freed memory in quarantine (256 MiB at most): each event freed counts there. */
#ifdef __SANITIZE_ADDRESS__
#define FLOOD_HWM_KB ((256 + 16) * 1024)
#else
#define FLOOD_HWM_KB (4 * 1024)
#endif

START_TEST(event_flood_is_bounded)
{
	const char *const args[] = { "-v", "127.0.0.1:211", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", ECHO_CMD, NULL };
	struct vncterm *v = start_daemon(args, 211);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, "ready", 5000);
	long base_hwm = status_kb(v->pid, "VmHWM");
	int fd = raw_connect(v->port, 0);
	size_t len = (size_t)FLOOD_EVENTS * sizeof(pointer_event), sent = 0;
	unsigned char *buf = malloc(len);

	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < FLOOD_EVENTS; i++) {
		memcpy(buf + i * sizeof(pointer_event), pointer_event, sizeof(pointer_event));
		buf[i * sizeof(pointer_event) + 5] = (unsigned char)i; /* y moves: each one counts */
	}
	int64_t start = now_ms(), typed_at = -1, w, h;
	int iw, ih;
	uint32_t *want = expected_screen(4, 20, "readyq", &iw, &ih);

	w = iw;
	h = ih;
	ck_assert(vnc_key(c, XK_q));
	while (sent < len && now_ms() - start < 30000) {
		ssize_t k = send(fd, buf + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (k > 0)
			sent += (size_t)k;
		else
			ck_assert_msg(errno == EAGAIN, "the flooding viewer was cut off: %s",
				      strerror(errno));
		vnc_pump(c, now_ms() + 2);
		if (typed_at < 0 && vnc_shows(c, want, (int)w, (int)h))
			typed_at = now_ms();
	}
	for (int64_t end = now_ms() + 3000; typed_at < 0 && now_ms() < end;) {
		vnc_pump(c, now_ms() + 10);
		if (vnc_shows(c, want, (int)w, (int)h))
			typed_at = now_ms();
	}
	long hwm = status_kb(v->pid, "VmHWM");

	fprintf(stderr, "drip: %zu of %zu bytes of pointer events sent in %lld ms; key shown after "
			"%lld ms; VmHWM %ld -> %ld KiB\n", sent, len, (long long)(now_ms() - start),
		(long long)(typed_at - start), base_hwm, hwm);
	ck_assert_msg(sent == len, "the daemon stopped reading the flooding viewer");
	ck_assert_msg(typed_at >= 0, "a key typed during the flood never showed");
	/* QUEUE_ITEMS (256) queued events are kilobytes; the flood is 6 MB. */
	ck_assert_msg(hwm - base_hwm < FLOOD_HWM_KB, "VmHWM grew from %ld to %ld KiB", base_hwm, hwm);
	ck_assert_msg(vncterm_alive(v), "vncterm died");
	free(want);
	free(buf);
	close(fd);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

Suite *drip_suite(void)
{
	Suite *s = suite_create("drip");
	TCase *t = tcase_create("dripping viewers");

	signal(SIGPIPE, SIG_IGN);
	/* about 15 s; this only bounds a hang */
	tcase_set_timeout(t, 60);
	tcase_add_test(t, drip_attackers_do_not_delay_viewers);
	tcase_add_test(t, event_flood_is_bounded);
	suite_add_tcase(s, t);
	return s;
}
