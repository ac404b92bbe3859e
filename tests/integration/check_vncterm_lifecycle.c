/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * When the daemon runs and when it ends (../vncterm/vncterm, run as
 * check_vncterm.c runs it): bad options are refused before anything
 * starts, it ends with its command unless a viewer is still there or -s
 * keeps it, and -r restarts a failing command no faster than once a
 * second.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_vncterm_cmd.h"

/* Exit status 2 and exactly one line on stderr; nothing on stdout. */
static void assert_usage_error(const char *const *args, const char *what)
{
	struct vncterm_run res;
	const char *nl;

	ck_assert_int_eq(vncterm_run(args, 3000, &res), 0);
	ck_assert_msg(res.exited, "%s: vncterm still running after 3 s", what);
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 2,
		      "%s: wait status 0x%x, want exit status 2 (stderr \"%s\")", what,
		      res.status, res.err);
	nl = strchr(res.err, '\n');
	ck_assert_msg(nl && nl != res.err && nl[1] == '\0',
		      "%s: stderr is not one line: \"%s\"", what, res.err);
	ck_assert_msg(res.out[0] == '\0', "%s: stdout is not empty: \"%s\"", what, res.out);
}

/*
 * Each case names a listen address on loopback and a command that ends,
 * so that a daemon wrongly accepting it does little and soon stops.
 */
static const char *const bad_options[][10] = {
	{ "-v", "127.0.0.1:60", "--no-such-option", "-c", "/bin/true" },
	{ "-v", "127.0.0.1:60", "--geometry", "0x0", "-c", "/bin/true" },
	{ "-v", "127.0.0.1:60", "--geometry", "80", "-c", "/bin/true" },
	{ "-v", "127.0.0.1:60", "--geometry", "axb", "-c", "/bin/true" },
	{ "-v", "127.0.0.1:60", "--font-scale", "4", "-c", "/bin/true" },
	{ "-v", "127.0.0.1:60", "--font-scale", "0", "-c", "/bin/true" },
	{ "-v", "127.0.0.1:notaport", "-c", "/bin/true" },
	{ "-v" },
	{ "--vnclisten", "127.0.0.1:60", "--pty", "-c", "/bin/true" },
};

START_TEST(refuses_bad_options)
{
	char what[128] = "vncterm";

	for (int i = 0; bad_options[_i][i]; i++)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " %s",
			 bad_options[_i][i]);
	assert_usage_error(bad_options[_i], what);
}
END_TEST

START_TEST(exits_with_command)
{
	const char *const args[] = { "-v", "127.0.0.1:61", "-c", "/bin/true", NULL };
	struct vncterm *v = vncterm_start(args);

	ck_assert_ptr_nonnull(v);
	ck_assert_msg(vncterm_wait_exit(v, 3000),
		      "vncterm still running 3 s after its command exited, with no viewer");
	ck_assert_msg(WIFEXITED(v->status) && WEXITSTATUS(v->status) == 0,
		      "wait status 0x%x, want exit status 0", v->status);
	vncterm_stop(v, 0);
}
END_TEST

/* A viewer still connected keeps it up; its leaving ends it. */
START_TEST(viewer_keeps_it_up)
{
	const char *const args[] = {
		"-v", "127.0.0.1:62", "--geometry", "20x5", "-c", "/bin/sh", "-c",
		"printf '" HIDE "bye'; sleep 2", NULL,
	};
	struct vncterm *v = start_daemon(args, 62);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 20, HIDE_BYTES "bye", 3000);
	/* Well past the command's end. */
	ck_assert_msg(vnc_pump(c, now_ms() + 3000), "vncterm dropped the viewer");
	ck_assert_msg(vncterm_alive(v), "vncterm exited with a viewer connected");
	vnc_disconnect(c);
	ck_assert_msg(vncterm_wait_exit(v, 3000),
		      "vncterm still running 3 s after the last viewer left");
	vncterm_stop(v, 0);
}
END_TEST

/* -s: it stays after the command exits, until SIGTERM. */
START_TEST(stays_with_s)
{
	const char *const args[] = { "-s", "-v", "127.0.0.1:63", "-c", "/bin/true", NULL };
	struct vncterm *v = start_daemon(args, 63);

	ck_assert_msg(!vncterm_wait_exit(v, 2000), "vncterm -s exited with its command");
	stop_daemon(v);
}
END_TEST

/* -r restarts the command, but a command that fails at once cannot make it spin. */
START_TEST(restart_is_rate_limited)
{
	char path[] = "/tmp/vncterm-restarts-XXXXXX", cmd[128];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "echo x >> %s; exit 1", path);
	const char *const args[] = { "-v", "127.0.0.1:50", "-r", "-c", "/bin/sh", "-c", cmd, NULL };
	struct vncterm *v = start_daemon(args, 50);

	usleep(2500 * 1000);
	stop_daemon(v);
	FILE *f = fopen(path, "r");
	int runs = 0, ch;

	while (f && (ch = fgetc(f)) != EOF)
		runs += ch == '\n';
	if (f)
		fclose(f);
	unlink(path);
	/* restarted (more than once), but about once a second: not hundreds of times */
	ck_assert_msg(runs >= 2 && runs <= 10, "the command ran %d times in 2.5 s", runs);
}
END_TEST

Suite *vncterm_lifecycle_suite(void)
{
	Suite *s = suite_create("vncterm_lifecycle");
	TCase *tc = tcase_create("vncterm");

	/* Each test takes a few seconds; this only bounds a hang. */
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, restart_is_rate_limited);
	tcase_add_loop_test(tc, refuses_bad_options, 0,
			    (int)(sizeof(bad_options) / sizeof(bad_options[0])));
	tcase_add_test(tc, exits_with_command);
	tcase_add_test(tc, viewer_keeps_it_up);
	tcase_add_test(tc, stays_with_s);
	suite_add_tcase(s, tc);
	return s;
}
