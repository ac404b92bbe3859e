/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A console nobody looks at: its framebuffer is drawn only while a
 * viewer is connected, its pages given back when the last one leaves,
 * and a viewer that comes later still sees everything the console wrote
 * in between.  The console is a pty the test writes into, served by a
 * sandboxed worker when run as root.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"

#define HIDE_BYTES "\033[?25l"
#define ROWS 50
#define COLS 160
/* The framebuffer: 160x50 cells of 8x16 pixels, 4 bytes each (5,000 kB). */
#define FB_KB (COLS * 8 * ROWS * 16 * 4 / 1024)

/* A screenful of text: every cell drawn, every page of the framebuffer touched. */
static char *full_screen(const char *tag)
{
	size_t size = (size_t)ROWS * (COLS + 2) + 64;
	char *s = malloc(size);
	size_t n = (size_t)snprintf(s, size, HIDE_BYTES "\033[H");

	for (int r = 0; r < ROWS; r++) {
		for (int c = 0; c < COLS; c++)
			s[n++] = c < (int)strlen(tag) ? tag[c] : (char)('!' + (r * 7 + c) % 90);
		if (r < ROWS - 1) {
			s[n++] = '\r';
			s[n++] = '\n';
		}
	}
	s[n] = '\0';
	return s;
}

/* The worker's anonymous resident memory, in kB. */
static long anon_kb(pid_t pid)
{
	return status_kb(pid, "RssAnon");
}

/* Wait up to ms for the worker's anonymous memory to fall below kb. */
static bool anon_below(pid_t pid, long kb, int ms)
{
	int64_t end = now_ms() + ms;

	while (anon_kb(pid) >= kb && now_ms() < end)
		sleep_ms(20);
	return anon_kb(pid) < kb;
}

START_TEST(drawn_only_while_watched)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	char name[64], geometry[32];

	ck_assert_int_ge(m, 0);
	ck_assert(grantpt(m) == 0 && unlockpt(m) == 0 && ptsname_r(m, name, sizeof(name)) == 0);
	snprintf(geometry, sizeof(geometry), "%dx%d", COLS, ROWS);
	const char *const args[] = { "-v", "127.0.0.1:52", "--geometry", geometry, "-p", name, NULL };
	struct vncterm *v = start_daemon(args, 52);
	pid_t w = geteuid() == 0 ? worker_of(v->pid) : v->pid;
	char *one = full_screen("first screen"), *two = full_screen("second screen");

	ck_assert_int_gt(w, 0);
	/* No viewer yet: a screenful of text is not drawn. */
	ck_assert_int_eq(write(m, one, strlen(one)), (ssize_t)strlen(one));
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, ROWS, COLS, one, 10000);
	long watched = anon_kb(w);

	ck_assert_msg(watched >= FB_KB, "%ld kB resident with a viewer: the framebuffer is %d kB",
		      watched, FB_KB);
	vnc_disconnect(c);
	/* The last viewer gone: the framebuffer's pages are given back. */
	ck_assert_msg(anon_below(w, watched - FB_KB / 2, 10000),
		      "%ld kB resident after the viewer left (%ld kB with it)", anon_kb(w), watched);
	/* Written while nobody looks, and all there for the next viewer. */
	ck_assert_int_eq(write(m, two, strlen(two)), (ssize_t)strlen(two));
	c = connect_to("127.0.0.1", v);
	assert_screen(c, ROWS, COLS, two, 10000);
	vnc_disconnect(c);
	stop_daemon(v);
	close(m);
	free(one);
	free(two);
}
END_TEST

/* The runner declares it from a generated list; this keeps the prototype check. */
Suite *idle_suite(void);

Suite *idle_suite(void)
{
	Suite *s = suite_create("idle");
	TCase *tc = tcase_create("idle");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, drawn_only_while_watched);
	suite_add_tcase(s, tc);
	return s;
}
