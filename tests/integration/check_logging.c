/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's own log (--log, --log-level): one line per event that
 * matters, on stderr or through syslog; SIGUSR2's debug toggle.  Displays
 * 127.0.0.1:160 to :169.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"

START_TEST(viewer_connect_and_disconnect_logged)
{
	char log[] = "/tmp/vncterm-logging-XXXXXX", buf[8192];
	int fd = mkstemp(log);

	ck_assert(fd >= 0);
	close(fd);
	const char *const args[] = { "-v", "127.0.0.1:160", "--log-level", "2", "-c",
				     "/bin/sleep", "30", NULL };
	struct vncterm *v = start_logged(args, 160, log);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_msg(file_says(log, "vncterm: audit event=connect id=1 transport=tcp "
				     "peer=127.0.0.1:", 3000, buf, sizeof(buf)),
		      "no connect line: \"%s\"", buf);
	vnc_disconnect(c);
	ck_assert_msg(file_says(log, "vncterm: audit event=disconnect id=1 transport=tcp "
				     "peer=127.0.0.1:", 3000, buf, sizeof(buf)),
		      "no disconnect line: \"%s\"", buf);
	ck_assert_msg(strstr(buf, "console source: /bin/sleep started on a pty"),
		      "no source line: \"%s\"", buf);
	stop_daemon(v);
	unlink(log);
}
END_TEST

/*
 * The default level (1) has each viewer's audit lines (a connect, a
 * disconnect), and nothing else of a viewer that behaves.
 */
START_TEST(viewers_audited_at_default_level)
{
	char log[] = "/tmp/vncterm-logging-XXXXXX", buf[8192];
	int fd = mkstemp(log);

	ck_assert(fd >= 0);
	close(fd);
	const char *const args[] = { "-v", "127.0.0.1:161", "-c", "/bin/sleep", "30", NULL };
	struct vncterm *v = start_logged(args, 161, log);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 25, 80, "", 3000);
	vnc_disconnect(c);
	sleep_ms(300);
	stop_daemon(v);
	read_file(log, buf, sizeof(buf));
	ck_assert_msg(!strstr(buf, "viewer 127.0.0.1"), "viewer lines at level 1: \"%s\"", buf);
	ck_assert_msg(strstr(buf, "audit event=connect id=1 ") &&
		      strstr(buf, "audit event=disconnect id=1 "), "no audit lines: \"%s\"", buf);
	ck_assert_msg(strstr(buf, "without a sandbox"), "warning missing: \"%s\"", buf);
	unlink(log);
}
END_TEST

static int count_of(const char *path, const char *what)
{
	char buf[16384];
	int n = 0;

	read_file(path, buf, sizeof(buf));
	for (const char *p = buf; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/*
 * SIGUSR2 turns debug messages on, and again back to --log-level, as the
 * original's did: it must not end vncterm.  Unsandboxed (-c), then
 * sandboxed (a pty), where the monitor passes it on to the worker.
 */
START_TEST(sigusr2_toggles_debug)
{
	char log[] = "/tmp/vncterm-logging-XXXXXX", buf[16384], tty[64];
	int fd = mkstemp(log), master = -1, slave = -1;

	ck_assert(fd >= 0);
	close(fd);
	const char *const cmd_args[] = { "-v", "127.0.0.1:163", "-c", "/bin/sleep", "30", NULL };
	const char *pty_args[] = { "-v", "127.0.0.1:163", "-p", tty, NULL };

	if (_i == 1)
		ck_assert_int_eq(openpty(&master, &slave, tty, NULL, NULL), 0);
	struct vncterm *v = start_logged(_i == 0 ? cmd_args : pty_args, 163, log);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 25, 80, "", 3000);
	vnc_disconnect(c);
	/* Its end is seen before debug goes on: the audit line comes after it, at level 1. */
	ck_assert_msg(file_says(log, "audit event=disconnect id=1 ", 3000, buf, sizeof(buf)),
		      "no disconnect line: \"%s\"", buf);
	ck_assert_int_eq(count_of(log, "viewer 127.0.0.1 closed the connection"), 0);
	ck_assert_int_eq(kill(v->pid, SIGUSR2), 0);
	ck_assert_msg(file_says(log, "debug messages on (SIGUSR2", 3000, buf, sizeof(buf)),
		      "no 'debug messages on' line: \"%s\"", buf);
	c = connect_to("127.0.0.1", v);
	assert_screen(c, 25, 80, "", 3000);
	vnc_disconnect(c);
	ck_assert_msg(file_says(log, "viewer 127.0.0.1 closed the connection", 3000, buf,
				sizeof(buf)), "no debug line with debug on: \"%s\"", buf);
	ck_assert_int_eq(kill(v->pid, SIGUSR2), 0);
	ck_assert_msg(file_says(log, "debug messages off (SIGUSR2): back to --log-level 1", 3000, buf,
				sizeof(buf)), "no 'debug messages off' line: \"%s\"", buf);
	c = connect_to("127.0.0.1", v);
	assert_screen(c, 25, 80, "", 3000);
	vnc_disconnect(c);
	ck_assert_msg(file_says(log, "audit event=disconnect id=3 ", 3000, buf, sizeof(buf)),
		      "no disconnect line: \"%s\"", buf);
	ck_assert_msg(vncterm_alive(v), "SIGUSR2 ended vncterm");
	ck_assert_int_eq(count_of(log, "viewer 127.0.0.1 closed the connection"), 1);
	stop_daemon(v);
	if (master >= 0) {
		close(master);
		close(slave);
	}
	unlink(log);
}
END_TEST

static const char *const bad_log_args[][3] = {
	{ "--log", "file", "--log" },
	{ "--log", "", "--log" },
	{ "--log", "SYSLOG", "--log" },
	{ "--log-level", "4", "--log-level" },
};

START_TEST(bad_log_values_exit_2)
{
	const char *const args[] = { "-v", "127.0.0.1:162", bad_log_args[_i][0],
				     bad_log_args[_i][1], "-c", "/bin/true", NULL };
	struct vncterm_run r;

	ck_assert_int_eq(vncterm_run(args, 5000, &r), 0);
	ck_assert_msg(r.exited && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2,
		      "status %#x", r.status);
	char *nl = strchr(r.err, '\n');

	ck_assert_msg(nl && nl[1] == '\0' && strstr(r.err, bad_log_args[_i][2]),
		      "not one line naming the option: \"%s\"", r.err);
	ck_assert_str_eq(r.out, "");
}
END_TEST

/*
 * Bind path (a tmpfs) over /dev in this process's own mount namespace,
 * with the device nodes vncterm needs bound in from the real /dev, so
 * that /dev/log can be a socket of the test's without touching the host.
 */
static int private_dev(const char *dir)
{
	static const char *const nodes[] = { "null", "zero", "ptmx", "urandom", "random" };
	char src[64], dst[300];

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", dir, "tmpfs", 0, "mode=0755") < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(src, sizeof(src), "/dev/%s", nodes[i]);
		snprintf(dst, sizeof(dst), "%s/%s", dir, nodes[i]);
		int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);

		if (fd < 0)
			return -errno;
		close(fd);
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			return -errno;
	}
	snprintf(dst, sizeof(dst), "%s/pts", dir);
	if (mkdir(dst, 0755) < 0 || mount("/dev/pts", dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	if (mount(dir, "/dev", NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	return 0;
}

/* In a child with a private /dev: 0 if the daemon's lines came through /dev/log. */
static int syslog_child(bool sandboxed)
{
	char dir[] = "/tmp/vncterm-logging-dev-XXXXXX", got[8192] = "";
	size_t len = 0;
	int e;

	if (!mkdtemp(dir))
		return 10;
	e = private_dev(dir);
	if (e < 0) {
		fprintf(stderr, "private /dev: %s\n", strerror(-e));
		return 11;
	}
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 12;
	/* A file, not a command: a pty would need the real /dev's devpts instance. */
	const char *const plain[] = { "-v", "127.0.0.1:163", "--log", "syslog", "--log-level", "2",
				      "-S", "--input", "/dev/null", NULL };
	/* As root, --input runs sandboxed: the worker's lines after the chroot must come too. */
	const char *const boxed[] = { "-v", "127.0.0.1:164", "--log", "syslog", "--log-level", "2",
				      "--input", "/dev/null", NULL };
	const char *const *args = sandboxed ? boxed : plain;
	struct vncterm_run r;

	if (vncterm_run(args, 5000, &r) < 0 || !r.exited || !WIFEXITED(r.status) ||
	    WEXITSTATUS(r.status) != 0) {
		fprintf(stderr, "vncterm --log syslog: status %#x, stderr \"%s\"\n", r.status, r.err);
		return 13;
	}
	if (r.err[0]) {
		fprintf(stderr, "a warning went to stderr, not syslog: \"%s\"\n", r.err);
		return 14;
	}
	for (;;) {
		struct pollfd p = { .fd = s, .events = POLLIN };

		if (poll(&p, 1, 500) <= 0)
			break;
		ssize_t n = recv(s, got + len, sizeof(got) - 1 - len, 0);

		if (n <= 0)
			break;
		len += (size_t)n;
		got[len++] = '\n';
		if (len >= sizeof(got) - 2)
			break;
	}
	got[len] = '\0';
	/* <facility*8+level>: daemon (3) warning (4) is <28>, daemon info is <30>. */
	if (!strstr(got, "vncterm[") || !strstr(got, "<30>") ||
	    !strstr(got, "console source: file /dev/null opened") ||
	    !strstr(got, "console source closed (end of file)") ||
	    (!sandboxed && (!strstr(got, "<28>") ||
			    !strstr(got, "running as root without a sandbox (-S)"))) ||
	    (sandboxed && !strstr(got, "sandbox applied: uid "))) {
		fprintf(stderr, "syslog got: \"%s\"\n", got);
		return 15;
	}
	return 0;
}

START_TEST(syslog_delivery)
{
	if (geteuid() != 0)
		return; /* a private mount namespace (and the sandbox) need root */
	pid_t pid = fork();

	ck_assert(pid >= 0);
	if (pid == 0)
		_exit(syslog_child(_i == 1));
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "syslog child: status %#x", st);
}
END_TEST

Suite *logging_suite(void)
{
	Suite *s = suite_create("logging");
	TCase *tc = tcase_create("daemon log");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, viewer_connect_and_disconnect_logged);
	tcase_add_test(tc, viewers_audited_at_default_level);
	tcase_add_loop_test(tc, sigusr2_toggles_debug, 0, 2); /* -c, then sandboxed */
	tcase_add_loop_test(tc, bad_log_values_exit_2, 0,
			    (int)(sizeof(bad_log_args) / sizeof(bad_log_args[0])));
	tcase_add_loop_test(tc, syslog_delivery, 0, 2); /* -S, then sandboxed */
	suite_add_tcase(s, tc);
	return s;
}
