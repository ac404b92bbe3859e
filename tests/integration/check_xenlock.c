/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One reader per console, against Xen 4.17's own xenconsole (Debian's
 * binary, util_xenhost.h): its lock is /var/lock/xenconsole.<domid>, an
 * flock(LOCK_EX | LOCK_NB) it gives up on at once ("Could not lock ...").
 * vncterm and our xenconsole take it shared (xenconsole/lock.h), so Xen's
 * is refused while ours run, ours are refused, naming its pid and program,
 * while Xen's runs, and a file left by a reader killed with SIGKILL keeps
 * no one out.  Each test has a domain of its own (the file is the host's).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_xenhost.h"

static char log_path[64], log2_path[64];

static void logs_setup(void)
{
	snprintf(log_path, sizeof(log_path), "/tmp/xenlock-%d.log", (int)getpid());
	snprintf(log2_path, sizeof(log2_path), "/tmp/xenlock-%d.2.log", (int)getpid());
}

static void logs_teardown(void)
{
	unlink(log_path);
	unlink(log2_path);
}

static void xen_lock_path(unsigned int domid, char *buf, size_t size)
{
	snprintf(buf, size, "/var/lock/xenconsole.%u", domid);
}

/* The host, with Xen's lock where Xen's binary takes it, and none left from before. */
static void up(struct xhost *h, unsigned int domid)
{
	char lock[64];

	ck_assert_msg(access(XEN_XENCONSOLE_BIN, X_OK) == 0, "%s: %s (make xen-utils)",
		      XEN_XENCONSOLE_BIN, strerror(errno));
	xen_lock_path(domid, lock, sizeof(lock));
	unlink(lock);
	xhost_up(h, domid, true);
}

static void down(struct xhost *h)
{
	char lock[64];

	xen_lock_path(h->domid, lock, sizeof(lock));
	unlink(lock);
	xhost_down(h);
}

/* Xen's client as `xl console` runs it (libxl_console_exec), output to log. */
static pid_t xen_client(unsigned int domid, const char *log)
{
	char dom[16];
	const char *argv[] = { dom, "--num", "0", "--type", "pv", NULL };

	snprintf(dom, sizeof(dom), "%u", domid);
	return xhost_spawn(XEN_XENCONSOLE_BIN, argv, log);
}

/* Attached: what the guest prints reaches the client's output. */
static bool attached(struct xhost *h, const char *log, const char *text)
{
	char buf[4096];

	if (write(h->master, text, strlen(text)) != (ssize_t)strlen(text))
		return false;
	return file_says(log, text, 5000, buf, sizeof(buf));
}

static void end_client(pid_t pid)
{
	int st;

	kill(pid, SIGTERM);
	ck_assert(xhost_wait(pid, 3000, &st));
}

/* vncterm as the agent starts it, on the console of h's domain. */
static struct vncterm *agent_vncterm(struct xhost *h, int display)
{
	char v[32];
	const char *argv[] = { "-x", h->cons, "-T", "-v", v, NULL };

	snprintf(v, sizeof(v), "127.0.0.1:%d", display);
	return start_logged(argv, display, log_path);
}

START_TEST(xen_client_refused_while_vncterm_runs)
{
	struct xhost h;
	char lock[64], buf[1024], want[128];
	int st;

	up(&h, 462);
	xen_lock_path(462, lock, sizeof(lock));
	struct vncterm *v = agent_vncterm(&h, 464);
	pid_t x = xen_client(462, log2_path);

	ck_assert_msg(xhost_wait(x, 5000, &st), "Xen's xenconsole attached beside vncterm");
	snprintf(want, sizeof(want), "Could not lock %s: Resource temporarily unavailable", lock);
	ck_assert_msg(strstr(xhost_slurp(log2_path, buf, sizeof(buf)), want), "Xen's said: %s", buf);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == EWOULDBLOCK, "status %#x", st);
	/* Ours likewise, naming the holder: vncterm's monitor. */
	const char *ours[] = { "462", NULL };

	x = xhost_spawn(XENCONSOLE_BIN, ours, log2_path);
	ck_assert(xhost_wait(x, 5000, &st));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x", st);
	snprintf(want, sizeof(want), "is in use by process %d (", (int)v->pid);
	ck_assert_msg(strstr(xhost_slurp(log2_path, buf, sizeof(buf)), want), "ours said: %s", buf);
	stop_daemon(v);
	/* The last reader removes Xen's file, as Xen's client does; then Xen's gets in. */
	ck_assert_msg(!xhost_exists(lock), "%s left by a clean exit", lock);
	x = xen_client(462, log2_path);
	ck_assert(attached(&h, log2_path, "xen's turn"));
	end_client(x);
	down(&h);
}
END_TEST

/* Wait until Xen's client holds its lock (an flock on the file is refused). */
static bool xen_holds(unsigned int domid, int ms)
{
	char lock[64];
	int64_t end = now_ms() + ms;

	xen_lock_path(domid, lock, sizeof(lock));
	do {
		int fd = open(lock, O_RDONLY | O_CLOEXEC);
		bool held = fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;

		if (fd >= 0)
			close(fd);
		if (held)
			return true;
		sleep_ms(20);
	} while (now_ms() < end);
	return false;
}

START_TEST(ours_refused_while_xen_client_runs)
{
	struct xhost h;
	struct vncterm_run r;
	char lock[64], want[256], buf[1024];
	const char *vargv[] = { "-x", "/local/domain/463/console", "-T", "-v", "127.0.0.1:465",
				NULL };
	const char *ours[] = { "463", NULL };
	int st;

	up(&h, 463);
	xen_lock_path(463, lock, sizeof(lock));
	pid_t x = xen_client(463, log2_path);

	ck_assert(xen_holds(463, 5000));
	snprintf(want, sizeof(want), "is in use by process %d (%s), which holds %s", (int)x,
		 XEN_XENCONSOLE_BIN, lock);
	ck_assert_int_eq(vncterm_run(vargv, 5000, &r), 0);
	ck_assert_msg(r.exited && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1,
		      "vncterm: status %#x", r.status);
	ck_assert_msg(strstr(r.err, want), "vncterm said: %s", r.err);
	pid_t c = xhost_spawn(XENCONSOLE_BIN, ours, log_path);

	ck_assert(xhost_wait(c, 5000, &st));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x", st);
	ck_assert_msg(strstr(xhost_slurp(log_path, buf, sizeof(buf)), want), "ours said: %s", buf);
	/* Killed, Xen's client leaves its file; it keeps no one out. */
	kill(x, SIGKILL);
	ck_assert(xhost_wait(x, 3000, &st));
	ck_assert(xhost_exists(lock));
	struct vncterm *v = agent_vncterm(&h, 465);

	stop_daemon(v);
	down(&h);
}
END_TEST

/* vncterm killed with SIGKILL leaves Xen's file too: Xen's client gets in all the same. */
START_TEST(xen_client_after_vncterm_killed)
{
	struct xhost h;
	char lock[64];

	up(&h, 464);
	xen_lock_path(464, lock, sizeof(lock));
	struct vncterm *v = agent_vncterm(&h, 466);

	kill(v->pid, SIGKILL);
	vncterm_stop(v, 2000);
	ck_assert(xhost_exists(lock));
	pid_t x = xen_client(464, log2_path);

	ck_assert(attached(&h, log2_path, "after the kill"));
	end_client(x);
	down(&h);
}
END_TEST

Suite *xenlock_suite(void)
{
	Suite *s = suite_create("xenlock");
	TCase *tc = tcase_create("Xen's xenconsole lock");

	tcase_add_checked_fixture(tc, logs_setup, logs_teardown);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, xen_client_refused_while_vncterm_runs);
	tcase_add_test(tc, ours_refused_while_xen_client_runs);
	tcase_add_test(tc, xen_client_after_vncterm_killed);
	suite_add_tcase(s, tc);
	return s;
}
