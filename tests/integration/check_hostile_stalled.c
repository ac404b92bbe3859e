/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Viewers that never read, against the real daemon: three stop reading
 * while the console floods, and a held one goes on sending.  A viewer
 * that reads keeps getting updates, no console output is lost, the
 * stalled ones are held (not dropped) until the hold limit, and a held
 * viewer's input does not make vncterm spin.
 *
 * Displays 127.0.0.1:109 and :182 are this file's.
 */
#include <check.h>
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

#include "tests/integration/util_raw.h"
#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/*
 * A viewer with a small receive buffer that asks for many full updates in
 * raw encoding and then never reads (as check_vncterm_slow_viewers.c's
 * stalled viewer).
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

Suite *hostile_stalled_suite(void)
{
	Suite *s = suite_create("hostile_stalled");
	TCase *stall = tcase_create("viewers that never read");

	signal(SIGPIPE, SIG_IGN);
	/* each test takes seconds; this only bounds a hang */
	tcase_set_timeout(stall, 30);
	tcase_add_test(stall, three_stalled_viewers);
	tcase_add_test(stall, held_viewer_sending_does_not_spin);
	suite_add_tcase(s, stall);
	return s;
}
