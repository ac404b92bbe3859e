/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VNC passwords, end to end: the real daemon with password files, real
 * libvncclient viewers answering VNC authentication.  A viewer with the
 * full password types; one with the view-only password watches but its
 * keys never reach the console; a wrong or missing password gets no
 * session; an unusable password file is a command-line error.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

struct pwfiles {
	char dir[64];
	char full[96], view[96];
};

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void make_files(struct pwfiles *p)
{
	snprintf(p->dir, sizeof(p->dir), "/tmp/vncterm-auth-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(p->dir));
	snprintf(p->full, sizeof(p->full), "%s/full", p->dir);
	snprintf(p->view, sizeof(p->view), "%s/view", p->dir);
	write_file(p->full, "s3cret\n", 0600);
	write_file(p->view, "lookonly\n", 0640);
}

static void remove_files(struct pwfiles *p)
{
	unlink(p->full);
	unlink(p->view);
	rmdir(p->dir);
}

static rfbClient *connect_pw(const struct vncterm *v, const char *pw)
{
	rfbClient *c = vnc_connect_password("127.0.0.1", v->port, true, pw);

	ck_assert_msg(c != NULL, "password '%s' gave no session", pw);
	return c;
}

START_TEST(view_only_viewer_cannot_type)
{
	struct pwfiles p;

	make_files(&p);
	const char *const args[] = {
		"-v", "127.0.0.1:70", "--geometry", "40x5", "--password", p.full,
		"--view-only-password", p.view, "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '" HIDE "ready\\r\\n'; exec cat -v", NULL,
	};
	struct vncterm *v = start_daemon(args, 70);
	rfbClient *watcher = connect_pw(v, "lookonly");
	rfbClient *typist = connect_pw(v, "s3cret");

	assert_screen(watcher, 5, 40, HIDE_BYTES "ready\r\n", 5000);
	/* The watcher's keys, paste and clicks go nowhere... */
	ck_assert(vnc_key(watcher, XK_x));
	ck_assert(SendClientCutText(watcher, "pasted", 6));
	ck_assert(vnc_middle_click(watcher));
	ck_assert(SendKeyEvent(watcher, XK_Shift_L, TRUE));
	ck_assert(vnc_key(watcher, XK_Insert));
	ck_assert(SendKeyEvent(watcher, XK_Shift_L, FALSE));
	/* ...while the typist's arrive after them, and alone. */
	ck_assert(vnc_key(typist, XK_y));
	assert_screen(watcher, 5, 40, HIDE_BYTES "ready\r\ny", 5000);
	assert_screen(typist, 5, 40, HIDE_BYTES "ready\r\ny", 5000);
	vnc_disconnect(watcher);
	vnc_disconnect(typist);
	stop_daemon(v);
	remove_files(&p);
}
END_TEST

START_TEST(wrong_password_gets_no_session)
{
	struct pwfiles p;

	make_files(&p);
	const char *const args[] = { "-v", "127.0.0.1:71", "--password", p.full,
				     "-c", "/bin/sh", "-c", "exec cat >/dev/null", NULL };
	struct vncterm *v = start_daemon(args, 71);

	ck_assert_ptr_null(vnc_connect_password("127.0.0.1", v->port, true, "guess"));
	ck_assert_ptr_null(vnc_connect_password("127.0.0.1", v->port, true, ""));
	/* The right one still works afterwards, and the daemon is unharmed. */
	rfbClient *c = connect_pw(v, "s3cret");

	vnc_disconnect(c);
	stop_daemon(v);
	remove_files(&p);
}
END_TEST

/* Only the view-only password: everyone authenticates, nobody types. */
START_TEST(view_only_password_alone)
{
	struct pwfiles p;

	make_files(&p);
	const char *const args[] = {
		"-v", "127.0.0.1:72", "--geometry", "40x5", "--view-only-password", p.view, "-c",
		"/bin/sh", "-c", "stty raw -echo; printf '" HIDE "ready\\r\\n'; exec cat -v", NULL,
	};
	struct vncterm *v = start_daemon(args, 72);

	ck_assert_ptr_null(vnc_connect_password("127.0.0.1", v->port, true, "s3cret"));
	rfbClient *c = connect_pw(v, "lookonly");

	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\n", 5000);
	ck_assert(vnc_key(c, XK_z));
	/* Nothing may change: pump a while and compare again. */
	ck_assert(vnc_pump(c, now_ms() + 500));
	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\n", 100);
	vnc_disconnect(c);
	stop_daemon(v);
	remove_files(&p);
}
END_TEST

static const char *const bad_file[][2] = {
	{ "world-readable", "readable by every user" },
	{ "too-long", "1 to 8 characters" },
	{ "empty", "1 to 8 characters" },
	{ "missing", "No such file" },
};

START_TEST(unusable_password_file)
{
	struct pwfiles p;
	char path[128];
	struct vncterm_run r;

	make_files(&p);
	snprintf(path, sizeof(path), "%s/%s", p.dir, bad_file[_i][0]);
	if (!strcmp(bad_file[_i][0], "world-readable"))
		write_file(path, "s3cret\n", 0644);
	else if (!strcmp(bad_file[_i][0], "too-long"))
		write_file(path, "ninechars\n", 0600);
	else if (!strcmp(bad_file[_i][0], "empty"))
		write_file(path, "\n", 0600);
	const char *const args[] = { "-v", "127.0.0.1:73", "--password", path, "-c", "/bin/true",
				     NULL };

	ck_assert_int_eq(vncterm_run(args, 5000, &r), 0);
	ck_assert_msg(r.exited && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2,
		      "%s password file: want exit status 2", bad_file[_i][0]);
	ck_assert_msg(strstr(r.err, path) && strstr(r.err, bad_file[_i][1]),
		      "%s password file: message '%s' should name %s and say '%s'", bad_file[_i][0],
		      r.err, path, bad_file[_i][1]);
	unlink(path);
	remove_files(&p);
}
END_TEST

Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("passwords");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, view_only_viewer_cannot_type);
	tcase_add_test(tc, wrong_password_gets_no_session);
	tcase_add_test(tc, view_only_password_alone);
	tcase_add_loop_test(tc, unusable_password_file, 0, (int)(sizeof(bad_file) / sizeof(bad_file[0])));
	suite_add_tcase(s, tc);
	return s;
}
