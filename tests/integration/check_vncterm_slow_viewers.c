/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Viewers that do not keep up with the daemon (../vncterm/vncterm, run as
 * check_vncterm.c runs it): one that asks for updates while nothing
 * changes gets none and costs no CPU, and one that stops reading while
 * the console floods neither stalls the console nor the other viewer,
 * and is dropped after the stall limit.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_vncterm_cmd.h"

/*
 * A viewer that completes the RFB 3.8 handshake, asks for many full
 * updates in raw encoding, and then never reads again.
 */
static int stalled_viewer(int port)
{
	int fd = raw_connect(port, 4096);

	ck_assert_int_eq(write(fd, "\x02\x00\x00\x01\x00\x00\x00\x00", 8), 8); /* raw only */
	for (int i = 0; i < 200; i++) {
		static const unsigned char req[10] = { 3, 0, 0, 0, 0, 0, 640 >> 8, 640 & 0xff,
						       400 >> 8, 400 & 0xff };

		ck_assert_int_eq(write(fd, req, sizeof(req)), (ssize_t)sizeof(req));
	}
	return fd;
}

/* Drain what the server sent; true if it has closed the connection. */
static bool drained_to_eof(int fd)
{
	char buf[65536];

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		ssize_t k = read(fd, buf, sizeof(buf));

		if (k == 0)
			return true;
		if (k < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK;
	}
}

static int frames_tag;

static void count_frame(rfbClient *c)
{
	(*(int *)rfbClientGetClientData(c, &frames_tag))++;
}

/*
 * A viewer that keeps asking for updates (they all do) gets none while
 * nothing changes, and costs no CPU: an update that answered each request
 * with the cursor cell made a busy loop of request and answer.
 */
START_TEST(idle_viewer_costs_nothing)
{
	const char *const args[] = { "-v", "127.0.0.1:57", "--geometry", "20x4", "-c", "/bin/sh", "-c",
				     "printf ready; " IDLE, NULL };
	struct vncterm *v = start_daemon(args, 57);
	rfbClient *c = connect_to("127.0.0.1", v);
	int frames = 0;

	assert_screen(c, 4, 20, "ready", 3000);
	rfbClientSetClientData(c, &frames_tag, &frames);
	c->FinishedFrameBufferUpdate = count_frame;
	ck_assert(vnc_pump(c, now_ms() + 200));
	frames = 0;
	double cpu0 = cpu_seconds(v->pid);

	ck_assert(vnc_pump(c, now_ms() + 1500));
	double cpu = cpu_seconds(v->pid) - cpu0;

	ck_assert_msg(frames == 0, "%d updates in 1.5 s with nothing on the console", frames);
	ck_assert_msg(cpu < 0.1, "idle with one viewer, vncterm used %.2f s of CPU in 1.5 s", cpu);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * A viewer that stops reading while the console floods: the other viewer
 * still gets the final screen, and the console was never blocked on the
 * stalled one (it is held, not yet dropped, at that point); after the
 * stall limit (10 s) the stalled viewer is disconnected.
 */
START_TEST(stalled_viewer_does_not_stall)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "-c", "/bin/sh", "-c",
		"sleep 1; seq 1 300000; printf '\\033[2J\\033[H" HIDE "DONE'; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 50);
	int stalled = stalled_viewer(v->port);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 25, 80, "\033[2J\033[H" HIDE_BYTES "DONE", 9000);
	ck_assert_msg(vncterm_alive(v), "vncterm died");
	/* still connected: vncterm held it rather than blocking and dropping it */
	int keep = dup(stalled);

	ck_assert_msg(!drained_to_eof(keep), "the stalled viewer was dropped before the screen settled");
	close(keep);
	/*
	 * Ask again and stop reading; it is dropped once held for the stall
	 * limit.  (Its 200 requests were read at once and answered with one
	 * update, which it just read: without asking it would only be idle.)
	 */
	static const unsigned char again[10] = { 3, 0, 0, 0, 0, 0, 640 >> 8, 640 & 0xff,
						 400 >> 8, 400 & 0xff };

	ck_assert_int_eq(write(stalled, again, sizeof(again)), (ssize_t)sizeof(again));
	ck_assert(vnc_pump(c, now_ms() + 11000));
	ck_assert_msg(drained_to_eof(stalled),
		      "the stalled viewer was never disconnected");
	close(stalled);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

Suite *vncterm_slow_viewers_suite(void)
{
	Suite *s = suite_create("vncterm_slow_viewers");
	TCase *tc = tcase_create("vncterm");

	/* Each test takes a few seconds; this only bounds a hang. */
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, stalled_viewer_does_not_stall);
	tcase_add_test(tc, idle_viewer_costs_nothing);
	suite_add_tcase(s, tc);
	return s;
}
