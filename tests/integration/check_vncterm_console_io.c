/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's console sources and the text port (../vncterm/vncterm,
 * run as check_vncterm.c runs it): an existing pty (-p) and a file
 * (--input) shown and, for the pty, typed into; the text port's snapshot
 * and live stream; a viewer's resize reaching the program, and refused
 * where the source cannot resize.
 */
#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_vncterm_cmd.h"
#include "vt100/vt100.h"

/* -p: output written to an existing pty shows; typing comes back on it. */
START_TEST(existing_pty_source)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	char name[64], got[64] = "";

	ck_assert_int_ge(m, 0);
	ck_assert(grantpt(m) == 0 && unlockpt(m) == 0 && ptsname_r(m, name, sizeof(name)) == 0);
	const char *const args[] = { "-v", "127.0.0.1:50", "--geometry", "20x4", "-p", name, NULL };
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_int_eq(write(m, HIDE_BYTES "from pty", 14), 14);
	assert_screen(c, 4, 20, HIDE_BYTES "from pty", 5000);
	ck_assert(vnc_key(c, XK_k));
	ck_assert(vnc_key(c, XK_Return));
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	int64_t deadline = now_ms() + 5000;
	size_t n = 0;

	while (n < 2 && now_ms() < deadline) {
		ssize_t k = read(m, got + n, sizeof(got) - 1 - n);

		if (k > 0)
			n += (size_t)k;
		else
			vnc_pump(c, now_ms() + 20);
	}
	got[n] = '\0';
	ck_assert_str_eq(got, "k\r"); /* vncterm's side of the pty is raw */
	vnc_disconnect(c);
	stop_daemon(v);
	close(m);
}
END_TEST

/* --input: a file's bytes are drawn (the debugging source). */
START_TEST(input_file_source)
{
	char path[] = "/tmp/vncterm-input-XXXXXX";
	const char *bytes = HIDE_BYTES "\033[1;33mfrom a file\r\nline two";

	temp_file(path, bytes, strlen(bytes));
	const char *const args[] = { "-v", "127.0.0.1:50", "--geometry", "20x4", "-s",
				     "--input", path, NULL };
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 20, bytes, 5000);
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(path);
}
END_TEST

/* Read from fd until what arrived contains want; returns the bytes (static size). */
static size_t read_until(int fd, const char *want, char *buf, size_t size)
{
	size_t n = 0;
	int64_t deadline = now_ms() + 5000;

	while (n < size - 1 && now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t k = read(fd, buf + n, size - 1 - n);

		if (k <= 0)
			break;
		n += (size_t)k;
		buf[n] = '\0';
		if (memmem(buf, n, want, strlen(want)))
			break;
	}
	buf[n] = '\0';
	return n;
}

/* -T: a client gets the screen, then the live stream; what it sends is typed. */
START_TEST(text_port)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "-T", "--geometry", "40x5", "-c", "/bin/sh", "-c",
		"printf '\\033[1;31mbefore\\033[m\\r\\n'; exec cat", NULL,
	};
	struct vncterm *v = start_daemon(args, 50);
	int tport = text_port_line(v);
	char buf[8192];

	ck_assert_msg(tport > v->port, "no text port line (got %d)", tport);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, "\033[1;31mbefore\033[m\r\n", 5000);
	int fd = tcp_connect(tport);
	size_t n = read_until(fd, "before", buf, sizeof(buf));

	/* Bytes any terminal reads: no NUL, colours in SGR's semicolon form. */
	ck_assert_msg(memchr(buf, 0, n) == NULL, "a NUL byte in the snapshot");
	ck_assert_msg(strstr(buf, "\033[0;1;31mbefore"), "snapshot: \"%s\"", buf + 1);

	/* the snapshot makes a fresh terminal show the same screen */
	struct vt *want = vt_new(5, 40, NULL, NULL), *got = vt_new(5, 40, NULL, NULL);

	vt_write(want, "\033[1;31mbefore\033[m\r\n", 19);
	vt_write(got, buf, n);
	for (int col = 0; col < 40; col++) {
		struct vt_cell x, y;

		vt_get_cell(want, 0, col, &x);
		vt_get_cell(got, 0, col, &y);
		ck_assert_msg(x.ch == y.ch && x.attrs == y.attrs && x.fg == y.fg, "snapshot cell 0,%d",
			      col);
	}
	vt_free(want);
	vt_free(got);
	/* typed over the text port: the pty echoes it and cat repeats it */
	ck_assert_int_eq(write(fd, "typed\n", 6), 6);
	n = read_until(fd, "typed\r\ntyped", buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "typed\r\ntyped\r\n") != NULL, "live stream: \"%s\"", buf);
	assert_screen(c, 5, 40, "\033[1;31mbefore\033[m\r\ntyped\r\ntyped\r\n", 5000);
	close(fd);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* A viewer's resize reaches the program (SIGWINCH, new size) and every viewer. */
START_TEST(viewer_resize)
{
	char path[] = "/tmp/vncterm-winch-XXXXXX", cmd[160], size[32] = "";
	int fd = mkstemp(path), w = 0, h = 0;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "trap 'stty size > %s' WINCH; while :; do sleep 0.1; done", path);
	const char *const args[] = { "-v", "127.0.0.1:50", "--geometry", "40x10", "-c", "/bin/sh",
				     "-c", cmd, NULL };
	struct vncterm *v = start_daemon(args, 50);

	ck_assert_int_eq(raw_resize(v->port, 60 * 8, 12 * 16, &w, &h), 0);
	ck_assert_int_eq(w, 480);
	ck_assert_int_eq(h, 192);
	/* a viewer that connects now gets the new size */
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_int_eq(c->width, 480);
	ck_assert_int_eq(c->height, 192);
	int64_t deadline = now_ms() + 5000;

	while (now_ms() < deadline && strcmp(size, "12 60\n") != 0) {
		FILE *f = fopen(path, "r");

		if (f) {
			if (!fgets(size, sizeof(size), f))
				size[0] = '\0';
			fclose(f);
		}
		usleep(50 * 1000);
	}
	ck_assert_str_eq(size, "12 60\n");
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(path);
}
END_TEST

/* A source that cannot resize refuses; the size stays. */
START_TEST(resize_refused_for_files)
{
	char path[] = "/tmp/vncterm-input-XXXXXX";
	int w = 0, h = 0;

	temp_file(path, "file", 4);
	const char *const args[] = { "-v", "127.0.0.1:50", "--geometry", "20x4", "-s", "--input",
				     path, NULL };
	struct vncterm *v = start_daemon(args, 50);

	ck_assert_int_eq(raw_resize(v->port, 320, 160, &w, &h), 1); /* prohibited */
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_int_eq(c->width, 160);
	ck_assert_int_eq(c->height, 64);
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(path);
}
END_TEST

Suite *vncterm_console_io_suite(void)
{
	Suite *s = suite_create("vncterm_console_io");
	TCase *tc = tcase_create("vncterm");

	/* Each test takes a few seconds; this only bounds a hang. */
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, existing_pty_source);
	tcase_add_test(tc, input_file_source);
	tcase_add_test(tc, text_port);
	tcase_add_test(tc, viewer_resize);
	tcase_add_test(tc, resize_refused_for_files);
	suite_add_tcase(s, tc);
	return s;
}
