/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vncterm as the host agent runs it (design.md section 3), on the
 * simulated Xen host (util_xenhost.h): xenopsd's exact argv
 * (xc/device.ml PV_Vnc.start: -x /local/domain/N/console -T -v IP:1), the
 * pid key written by the agent itself, the ports read only while kill -0
 * succeeds and /proc/PID/cmdline names the console path, and its stop:
 * SIGTERM, a wait, SIGKILL, then the pid key removed.  Around a domain
 * release vncterm must stay that pid until the agent stops it; its keys
 * and statefile go as its one rule says; and what a SIGKILLed vncterm
 * left is repaired by the next reader of that console.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_xenhost.h"
#include "xenconsole/keys.h"

#define DOM 461
#define DOM_STR "461"
#define CONS "/local/domain/" DOM_STR "/console"
#define PID_KEY "/local/domain/" DOM_STR "/vncterm-pid"
/* xenopsd's Unixext.kill_and_wait waits this long before its SIGKILL. */
#define AGENT_WAIT_MS 5000

/* xenopsd's argv (xc/device.ml PV_Vnc.start), and with an extra option. */
static const char *const agent_argv[] = { "-x", CONS, "-T", "-v", "127.0.0.1:1", NULL };
static const char *const unit_argv[] = { "-x", CONS, "-T", "-v", "127.0.0.1:1",
					 "--exit-on-release", NULL };

static char log_path[64];

static void log_setup(void)
{
	snprintf(log_path, sizeof(log_path), "/tmp/xen-agent-%d.log", (int)getpid());
}

static void log_teardown(void)
{
	unlink(log_path);
}

/* The agent's start: fork vncterm, then write vncterm-pid itself. */
static struct vncterm *agent_start(struct xhost *h, const char *const *argv)
{
	char pid[24];
	struct vncterm *v = start_logged(argv, 1, log_path);

	snprintf(pid, sizeof(pid), "%d", (int)v->pid);
	xhost_put(h, PID_KEY, pid);
	return v;
}

/* xenopsd's is_vncterm_running: kill -0 and the console path among the cmdline's words. */
static bool agent_sees_running(pid_t pid)
{
	char path[64], buf[1024];
	ssize_t n;
	FILE *f;

	if (kill(pid, 0) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = (ssize_t)fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		if (!strcmp(buf + i, CONS))
			return true;
	return false;
}

/* xenopsd's PV_Vnc.stop: SIGTERM, wait, SIGKILL, then rm vncterm-pid.  True if SIGTERM did it. */
static bool agent_stop(struct xhost *h, struct vncterm *v)
{
	bool by_term;

	kill(v->pid, SIGTERM);
	by_term = vncterm_wait_exit(v, AGENT_WAIT_MS);
	if (!by_term) {
		kill(v->pid, SIGKILL);
		vncterm_wait_exit(v, AGENT_WAIT_MS);
	}
	xs_rm(h->xs, XBT_NULL, PID_KEY);
	return by_term;
}

/* No key of the agent's contract is left, nor the statefile directory of pid. */
static void assert_keys_gone(struct xhost *h, pid_t pid)
{
	char buf[256], dir[64];

	ck_assert_str_eq(xhost_get(h, "vnc-port", buf, sizeof(buf)), "");
	ck_assert_str_eq(xhost_get(h, "tc-port", buf, sizeof(buf)), "");
	ck_assert_str_eq(xhost_get(h, "statefile", buf, sizeof(buf)), "");
	ck_assert_str_eq(xhost_get(h, PID_KEY, buf, sizeof(buf)), "");
	snprintf(dir, sizeof(dir), "%s/%d", XENCONS_STATE_ROOT, (int)pid);
	ck_assert_msg(!xhost_exists(dir), "%s is left", dir);
}

/*
 * The domain is released; vncterm says so and stays, the same
 * pid naming the console path, until the agent's SIGTERM ends it (exit
 * 0, no SIGKILL needed), and its keys go then.
 */
START_TEST(release_then_agent_stop)
{
	struct xhost h;
	char buf[256], want[160];

	xhost_up(&h, DOM, false);
	struct vncterm *v = agent_start(&h, agent_argv);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert(agent_sees_running(v->pid));
	snprintf(want, sizeof(want), "%d", v->port);
	ck_assert_str_eq(xhost_get(&h, "vnc-port", buf, sizeof(buf)), want);
	ck_assert_str_ne(xhost_get(&h, "tc-port", buf, sizeof(buf)), "");
	ck_assert_int_eq(write(h.master, "\033[?25lhello", 11), 11);
	assert_screen(c, 25, 80, "\033[?25lhello", 5000);
	ck_assert(xs_release_domain(h.xs, DOM));
	ck_assert_msg(file_says(log_path, "domain " DOM_STR " is gone; staying until SIGTERM", 5000,
				buf, sizeof(buf)),
		      "log: %s", buf);
	assert_screen(c, 25, 80, "\033[?25lhello\r\n\033[0m[vncterm: domain " DOM_STR " is gone]\r\n",
		      5000);
	/*
	 * An exit on release would come in the loop round that logged it: a
	 * viewer served after that round shows the daemon stayed.
	 */
	rfbClient *late = connect_to("127.0.0.1", v);

	assert_screen(late, 25, 80, "\033[?25lhello\r\n\033[0m[vncterm: domain " DOM_STR " is gone]\r\n",
		      5000);
	vnc_disconnect(late);
	ck_assert_msg(vncterm_alive(v) && agent_sees_running(v->pid),
		      "vncterm left the pid the agent signals");
	ck_assert_str_eq(xhost_get(&h, "vnc-port", buf, sizeof(buf)), want);
	vnc_disconnect(c);
	pid_t pid = v->pid;

	ck_assert_msg(agent_stop(&h, v), "SIGTERM did not end vncterm: the agent had to SIGKILL");
	ck_assert_msg(WIFEXITED(v->status) && WEXITSTATUS(v->status) == 0, "status %#x", v->status);
	assert_keys_gone(&h, pid);
	vncterm_stop(v, 100);
	xhost_down(&h);
}
END_TEST

/* --exit-on-release (the systemd unit's): exit 0 by itself, the same keys gone. */
START_TEST(release_with_exit_on_release)
{
	struct xhost h;

	xhost_up(&h, DOM, false);
	struct vncterm *v = start_logged(unit_argv, 1, log_path);
	pid_t pid = v->pid;

	ck_assert(xhost_wait_key(&h, PID_KEY, NULL, 2000));
	ck_assert(xs_release_domain(h.xs, DOM));
	ck_assert_msg(vncterm_wait_exit(v, 5000), "vncterm outlived its domain");
	ck_assert_msg(WIFEXITED(v->status) && WEXITSTATUS(v->status) == 0, "status %#x", v->status);
	assert_keys_gone(&h, pid);
	vncterm_stop(v, 100);
	xhost_down(&h);
}
END_TEST

/*
 * SIGUSR1 records the statefile; the agent takes it while
 * vncterm runs; at the stop the key goes with the file: it never names
 * a file that is not there.
 */
START_TEST(statefile_key_goes_with_the_file)
{
	struct xhost h;
	char file[256], copy[64 * 1024];

	xhost_up(&h, DOM, false);
	struct vncterm *v = agent_start(&h, agent_argv);
	pid_t pid = v->pid;

	ck_assert_int_eq(write(h.master, "saved text", 10), 10);
	kill(v->pid, SIGUSR1);
	ck_assert(xhost_wait_key(&h, "statefile", NULL, 5000));
	xhost_get(&h, "statefile", file, sizeof(file));
	/* Where xenopsd's vncterm_statefile looks for it. */
	char want[96];

	snprintf(want, sizeof(want), "%s/%d/%s", XENCONS_STATE_ROOT, (int)pid, XENCONS_STATE_FILE);
	ck_assert_str_eq(file, want);
	xhost_slurp(file, copy, sizeof(copy));
	ck_assert_msg(xhost_exists(file), "%s named but missing", file);
	ck_assert(agent_stop(&h, v));
	ck_assert_msg(!xhost_exists(file), "%s is left", file);
	assert_keys_gone(&h, pid);
	vncterm_stop(v, 100);
	xhost_down(&h);
}
END_TEST

/* Ring mode: xenconsoled is not serving this console (it wrote no tty). */
static void ring_only(struct xhost *h)
{
	ck_assert(xs_rm(h->xs, XBT_NULL, CONS "/tty"));
}

/* A vncterm on the ring (--domid), killed with SIGKILL: what it leaves behind.  Its pid. */
static pid_t kill_ring_vncterm(struct xhost *h)
{
	static const char *const ring_argv[] = { "--domid", DOM_STR, "-T", "-v", "127.0.0.1:461",
						 NULL };
	char buf[256], dir[64];
	ring_only(h);
	struct vncterm *v = start_logged(ring_argv, 461, log_path);
	pid_t pid = v->pid;

	ck_assert(xhost_wait_key(h, "type", "vncterm", 2000));
	ck_assert(xhost_wait_key(h, PID_KEY, NULL, 2000));
	kill(pid, SIGKILL); /* the monitor; its worker ends when the channel does */
	ck_assert(vncterm_wait_exit(v, 2000));
	vncterm_stop(v, 2000); /* the worker, if it is still going */
	ck_assert_str_eq(xhost_get(h, "type", buf, sizeof(buf)), "vncterm");
	ck_assert_str_ne(xhost_get(h, "vnc-port", buf, sizeof(buf)), "");
	ck_assert_str_ne(xhost_get(h, "tc-port", buf, sizeof(buf)), "");
	ck_assert_str_ne(xhost_get(h, PID_KEY, buf, sizeof(buf)), "");
	snprintf(dir, sizeof(dir), "%s/%d", XENCONS_STATE_ROOT, (int)pid);
	ck_assert_msg(xhost_exists(dir), "%s went with SIGKILL", dir);
	return pid;
}

/* The one line a repair says. */
static void assert_repaired(const char *log, pid_t dead, int ms)
{
	char want[160], buf[8192], dir[64];

	snprintf(want, sizeof(want), "repaired what process %d, now gone, left on " CONS ": ",
		 (int)dead);
	ck_assert_msg(file_says(log, want, ms, buf, sizeof(buf)), "no repair line in: %s", buf);
	ck_assert_int_eq(xhost_count(log, "repaired what"), 1);
	ck_assert_msg(strstr(buf, "type vncterm") && strstr(buf, "vnc-port") &&
			      strstr(buf, "tc-port") && strstr(buf, "vncterm-pid"),
		      "repair line: %s", buf);
	snprintf(dir, sizeof(dir), "%s/%d", XENCONS_STATE_ROOT, (int)dead);
	ck_assert_msg(strstr(buf, dir) && !xhost_exists(dir), "%s: %s", dir, buf);
}

/* the next vncterm repairs it, and gives the console back to xenconsoled at its end. */
START_TEST(stale_state_repaired_by_vncterm)
{
	static const char *const argv[] = { "--domid", DOM_STR, "-T", "-v", "127.0.0.1:462", NULL };
	struct xhost h;
	char buf[256], want[32];

	xhost_up(&h, DOM, false);
	pid_t dead = kill_ring_vncterm(&h);
	struct vncterm *v = start_logged(argv, 462, log_path);

	assert_repaired(log_path, dead, 3000);
	snprintf(want, sizeof(want), "%d", (int)v->pid);
	ck_assert(xhost_wait_key(&h, PID_KEY, want, 2000));
	snprintf(want, sizeof(want), "%d", v->port);
	ck_assert_str_eq(xhost_get(&h, "vnc-port", buf, sizeof(buf)), want);
	ck_assert_str_eq(xhost_get(&h, "type", buf, sizeof(buf)), "vncterm");
	stop_daemon(v);
	ck_assert_str_eq(xhost_get(&h, "type", buf, sizeof(buf)), "xenconsoled");
	ck_assert_str_eq(xhost_get(&h, "vnc-port", buf, sizeof(buf)), "");
	xhost_down(&h);
}
END_TEST

/* so does `xenconsole --ring`. */
START_TEST(stale_state_repaired_by_xenconsole_ring)
{
	static const char *const argv[] = { "--ring", DOM_STR, NULL };
	struct xhost h;
	char buf[256];
	int st;

	xhost_up(&h, DOM, false);
	pid_t dead = kill_ring_vncterm(&h);
	pid_t c = xhost_spawn(XENCONSOLE_BIN, argv, log_path);

	assert_repaired(log_path, dead, 3000);
	ck_assert_str_eq(xhost_get(&h, PID_KEY, buf, sizeof(buf)), "");
	ck_assert(xhost_wait_key(&h, "type", "xenconsole", 2000));
	kill(c, SIGTERM);
	ck_assert(xhost_wait(c, 3000, &st));
	ck_assert_str_eq(xhost_get(&h, "type", buf, sizeof(buf)), "xenconsoled");
	xhost_down(&h);
}
END_TEST

/* Without a dead reader behind them, nothing is touched and nothing said. */
START_TEST(no_repair_without_stale_state)
{
	static const char *const argv[] = { "--domid", DOM_STR, "-v", "127.0.0.1:463", NULL };
	struct xhost h;

	xhost_up(&h, DOM, false);
	ring_only(&h);
	struct vncterm *v = start_logged(argv, 463, log_path);

	/* A repair is logged at the console's opening, before the port is published. */
	ck_assert(xhost_wait_key(&h, "vnc-port", NULL, 5000));
	ck_assert_int_eq(xhost_count(log_path, "repaired"), 0);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

Suite *xen_agent_suite(void)
{
	Suite *s = suite_create("xen_agent");
	TCase *tc = tcase_create("the host agent's contract");

	tcase_add_checked_fixture(tc, log_setup, log_teardown);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, release_then_agent_stop);
	tcase_add_test(tc, release_with_exit_on_release);
	tcase_add_test(tc, statefile_key_goes_with_the_file);
	tcase_add_test(tc, stale_state_repaired_by_vncterm);
	tcase_add_test(tc, stale_state_repaired_by_xenconsole_ring);
	tcase_add_test(tc, no_repair_without_stale_state);
	suite_add_tcase(s, tc);
	return s;
}
