/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vncterm on a simulated Xen host: Debian's real xenstored, and the
 * unmodified ring / grant / event-channel code of vncterm answered by
 * libxensim.so (tests/xensim), while this test plays the toolstack (it
 * writes the console nodes) and the guest (it writes out[], reads in[] and
 * notifies).  A libvncclient viewer checks what reaches the screen.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>
#include <xen/xen.h>
#include <xen/io/console.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_xenhost.h"
#include "tests/xensim/xensim.h"

#define DOM 5
#define STORE_PORT 1
#define CONS_PORT 2
#define HIDE_BYTES "\033[?25l"

/* xenstored with domain DOM introduced, a console page and (with nodes) its console nodes. */
static void host_up(struct xhost *h, bool nodes)
{
	xhost_domain_up(h, DOM);
	if (nodes)
		xhost_ring_nodes(h);
}

/* Wait until in[] holds want (taking it, as the guest would). */
static bool guest_reads(struct xhost *h, const char *want, int ms)
{
	char got[8192];
	size_t n = 0, len = strlen(want);
	int64_t end = now_ms() + ms;

	ck_assert_uint_le(len, sizeof(got));
	while (n < len && now_ms() < end) {
		/* Slowly, a little at a time, telling the backend when room was made. */
		for (int k = 0; k < 100 && n < len && h->ring->in_cons != h->ring->in_prod; k++)
			got[n++] = h->ring->in[MASK_XENCONS_IDX(h->ring->in_cons++, h->ring->in)];
		xensim_notify(DOM, CONS_PORT);
		ck_assert_uint_le(h->ring->in_prod - h->ring->in_cons, sizeof(h->ring->in));
		usleep(5000);
	}
	return n == len && !memcmp(got, want, len);
}

static struct vncterm *start_xen(const char *const *args, int display)
{
	return start_daemon(args, display);
}

static int count_in_file(const char *path, const char *what)
{
	char buf[8192];
	int fd = open(path, O_RDONLY), count = 0;
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (char *p = buf; (p = strstr(p, what)); p++)
		count++;
	return count;
}

/* The worker (the monitor's child) runs sandboxed: seccomp on, not root. */
static void assert_worker_sandboxed(pid_t monitor)
{
	char path[96], line[256];
	int worker = (int)worker_of(monitor), seccomp = -1;
	unsigned uid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", worker);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "Seccomp: %d", &seccomp);
		sscanf(line, "Uid: %u", &uid);
	}
	fclose(f);
	ck_assert_msg(seccomp == 2 && uid != 0, "worker %d: Seccomp %d, uid %u", worker, seccomp,
		      uid);
	/* Nothing of the monitor's: the console lock file is not among its fds. */
	for (int fd = 0; fd < 256; fd++) {
		char target[PATH_MAX];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", worker, fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		ck_assert_msg(!strstr(target, ".lock"), "the worker holds %s", target);
	}
}

/* An idle console costs no CPU: a busy loop would show here. */
static void assert_worker_idle(pid_t monitor)
{
	pid_t worker = worker_of(monitor);
	double c0 = cpu_seconds(worker);

	usleep(1000000);
	double used = cpu_seconds(worker) - c0;

	ck_assert_msg(used < 0.1, "the idle worker used %.2f s of CPU in 1 s", used);
}

START_TEST(ring_boot_text_and_keys)
{
	struct xhost h;
	char buf[64], want[32];

	host_up(&h, true);
	xhost_ring_print(&h, HIDE_BYTES "Linux version 6.1\r\nlogin: ");
	const char *const args[] = { "--domid", "5", "-v", "127.0.0.1:80", "-T", "--geometry", "40x5",
				     NULL };
	struct vncterm *v = start_xen(args, 80);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, HIDE_BYTES "Linux version 6.1\r\nlogin: ", 5000);
	assert_worker_sandboxed(v->pid);
	assert_worker_idle(v->pid);
	/* The host agent's keys. */
	snprintf(want, sizeof(want), "%d", v->port);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/console/vnc-port", buf, sizeof(buf)), want);
	/* The text port is 9500+N for the display N bound, as the original's. */
	snprintf(want, sizeof(want), "%d", 9500 + v->port - 5900);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/console/tc-port", buf, sizeof(buf)), want);
	snprintf(want, sizeof(want), "%d", (int)v->pid);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/vncterm-pid", buf, sizeof(buf)), want);
	/* Claimed, so that xenconsoled leaves the ring alone. */
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/console/type", buf, sizeof(buf)), "vncterm");
	/* Typed keys land in in[], and the guest is told. */
	xensim_wait_notify(DOM, CONS_PORT, 0);
	ck_assert(vnc_key(c, XK_r));
	ck_assert(vnc_key(c, XK_o));
	ck_assert(vnc_key(c, XK_Return));
	ck_assert_msg(guest_reads(&h, "ro\r", 5000), "typed keys never reached in[]");
	ck_assert_int_gt(xensim_wait_notify(DOM, CONS_PORT, 2000), 0);
	/* Output keeps flowing. */
	xhost_ring_print(&h, "root\r\n# ");
	assert_screen(c, 5, 40, HIDE_BYTES "Linux version 6.1\r\nlogin: root\r\n# ", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
	/* A clean exit gives the console back and removes the ports. */
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/console/type", buf, sizeof(buf)), "xenconsoled");
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/console/vnc-port", buf, sizeof(buf)), "");
	xhost_down(&h);
}
END_TEST

/* A paste bigger than in[] is fed as the guest makes room, never overrunning it. */
START_TEST(paste_paced_by_guest)
{
	struct xhost h;
	char text[5001];

	for (int i = 0; i < 5000; i++)
		text[i] = (char)('a' + i % 26);
	text[5000] = '\0';
	host_up(&h, true);
	xhost_ring_print(&h, HIDE_BYTES "$ ");
	const char *const args[] = { "--domid", "5", "-v", "127.0.0.1:88", "--geometry", "40x5", NULL };
	struct vncterm *v = start_xen(args, 88);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, HIDE_BYTES "$ ", 5000);
	ck_assert(SendClientCutText(c, text, 5000));
	ck_assert(vnc_middle_click(c)); /* the viewer's clipboard is typed when it pastes */
	ck_assert_msg(guest_reads(&h, text, 10000), "the paste did not arrive whole and in order");
	vnc_disconnect(c);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/* Resume or migration gives a new ring-ref: vncterm maps the new page. */
START_TEST(ring_ref_change_remaps)
{
	struct xhost h;

	host_up(&h, true);
	ck_assert_int_eq(xensim_dom_no_grant(DOM), 0); /* foreign mapping by frame */
	/* The grant file exists from xensim_console_create; take it away. */
	char gref[PATH_MAX];

	snprintf(gref, sizeof(gref), "%s/dom5/gref-0", h.xsd.dir);
	unlink(gref);
	xhost_ring_print(&h, HIDE_BYTES "before");
	/*
	 * -S: the simulated grant and foreign maps are files, which a chroot
	 * hides; real Xen remaps through the device fds opened before the drop.
	 */
	const char *const args[] = { "--domid", "5", "-v", "127.0.0.1:81", "--geometry", "40x5", "-S",
				     "--log-level", "2", NULL };
	char log[PATH_MAX], buf[8192];

	snprintf(log, sizeof(log), "%s/stderr", h.xsd.dir);
	struct vncterm *v = start_logged(args, 81, log);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, HIDE_BYTES "before", 5000);
	ck_assert(file_says(log, "console ring of domain 5 mapped (frame ", 1000, buf, sizeof(buf)));
	struct xencons_interface *old = h.ring;

	h.ring = xensim_page_map(DOM, "pfn-4321");
	ck_assert_ptr_nonnull(h.ring);
	xhost_ring_print(&h, " after");
	xhost_put(&h, "/local/domain/5/console/ring-ref", "4321");
	assert_screen(c, 5, 40, HIDE_BYTES "before after", 5000);
	ck_assert(file_says(log, "console ring of domain 5 remapped (frame 4321, event channel ", 1000,
			    buf, sizeof(buf)));
	/*
	 * Remapped, the old page gets more text, which must not show.  (Written
	 * before the remap, an event for the new page could still read it from
	 * the old one, rightly: the test raced.)
	 */
	old->out[MASK_XENCONS_IDX(old->out_prod, old->out)] = 'X';
	__atomic_store_n(&old->out_prod, old->out_prod + 1, __ATOMIC_RELEASE);
	xensim_notify(DOM, CONS_PORT);
	ck_assert(vnc_pump(c, now_ms() + 500));
	assert_screen(c, 5, 40, HIDE_BYTES "before after", 100);
	xensim_page_unmap(old);
	vnc_disconnect(c);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

static const XENCONS_RING_IDX hostile[][2] = {
	{ 0, 5000 },               /* prod far ahead */
	{ 100, 50 },               /* prod behind cons */
	{ 0xfffffff0u, 0x1000u },  /* too far across the 2^32 wrap */
};

START_TEST(hostile_indices_reported_once)
{
	struct xhost h;
	char log[PATH_MAX];

	host_up(&h, true);
	snprintf(log, sizeof(log), "%s/stderr", h.xsd.dir);
	xhost_ring_print(&h, HIDE_BYTES "ok");
	const char *const args[] = { "--domid", "5", "-v", "127.0.0.1:82", "--geometry", "40x5", NULL };
	struct vncterm *v = start_logged(args, 82, log);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, HIDE_BYTES "ok", 5000);
	h.ring->out_cons = hostile[_i][0];
	h.ring->out_prod = hostile[_i][1];
	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(xensim_notify(DOM, CONS_PORT), 0);
		usleep(10000);
	}
	ck_assert(vnc_pump(c, now_ms() + 500));
	ck_assert_msg(vncterm_alive(v), "vncterm died on hostile indices");
	ck_assert_int_eq(count_in_file(log, "is broken"), 1);
	/* The screen is what it was; keys still go in. */
	assert_screen(c, 5, 40, HIDE_BYTES "ok", 1000);
	ck_assert(vnc_key(c, XK_z));
	ck_assert(guest_reads(&h, "z", 3000));
	vnc_disconnect(c);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/* Seconds of CPU (user + system) the process has used. */
/* A guest that writes as fast as it can is held off by its full ring. */
/* Fill the guest's output ring whenever it has room, for ms; counts what went through. */
static unsigned long long flood_ring(struct xhost *h, int ms, int *full)
{
	int64_t end = now_ms() + ms;
	unsigned long long sent = 0;

	*full = 0;
	while (now_ms() < end) {
		XENCONS_RING_IDX room = sizeof(h->ring->out) - (h->ring->out_prod - h->ring->out_cons);

		if (room == 0) {
			(*full)++;
		} else {
			for (XENCONS_RING_IDX i = 0; i < room; i++)
				h->ring->out[MASK_XENCONS_IDX(h->ring->out_prod + i, h->ring->out)] =
					(char)('a' + (i % 26));
			__atomic_store_n(&h->ring->out_prod, h->ring->out_prod + room, __ATOMIC_RELEASE);
			sent += room;
		}
		xensim_notify(DOM, CONS_PORT);
		usleep(200);
	}
	return sent;
}

START_TEST(flooding_guest_is_throttled)
{
	struct xhost h;

	host_up(&h, true);
	const char *const args[] = { "--domid", "5", "-v", "127.0.0.1:83", "--event-budget", "10", NULL };
	struct vncterm *v = start_xen(args, 83);
	double cpu0 = cpu_seconds(v->pid);
	int full;
	unsigned long long sent = flood_ring(&h, 3000, &full);
	double cpu = cpu_seconds(v->pid) - cpu0;

	/* 10 events per 200 ms, each letting 4 KiB through: about 200 KiB/s at most. */
	ck_assert_msg(sent < 3 * 300 * 1024, "the guest got %llu bytes through in 3 s", sent);
	ck_assert_msg(sent > 16 * 1024, "the console was not read at all (%llu bytes)", sent);
	ck_assert_msg(full > 0, "the guest never found its ring full");
	ck_assert_msg(cpu < 1.0, "vncterm used %.2f s of CPU in 3 s of flood", cpu);
	ck_assert(vncterm_alive(v));
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

static int frames_tag;

static void count_frame(rfbClient *c)
{
	(*(int *)rfbClientGetClientData(c, &frames_tag))++;
}

/*
 * A ring hands over at most 4 KiB an event, never a big read: a flood must
 * still be recognised by its rate, and frames paced (one per
 * FLOOD_FRAME_MS, 40 ms, while flooding), not drawn and encoded once per
 * event (150 a second at the default budget).
 */
START_TEST(flooding_guest_frames_are_paced)
{
	struct xhost h;
	int frames = 0, full;

	host_up(&h, true);
	const char *const args[] = { "--domid", "5", "-v", "127.0.0.1:91", NULL };
	struct vncterm *v = start_xen(args, 91);
	rfbClient *c = connect_to("127.0.0.1", v);

	rfbClientSetClientData(c, &frames_tag, &frames);
	c->FinishedFrameBufferUpdate = count_frame;
	ck_assert(vnc_pump(c, now_ms() + 300));
	/* The viewer reads in a thread of its own: the flood and the frames overlap. */
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsigned long long n = flood_ring(&h, 2000, &full);

		_exit(n > 64 * 1024 ? 0 : 1);
	}
	frames = 0;
	ck_assert(vnc_pump(c, now_ms() + 2000));
	int st, counted = frames;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the flood did not get through");
	ck_assert_msg(counted >= 20, "only %d frames in 2 s of flood: the viewer starved", counted);
	ck_assert_msg(counted <= 2 * 1000 / 40 + 10, "%d frames in 2 s of flood: not paced", counted);
	vnc_disconnect(c);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/* With --exit-on-release (the systemd unit's); without it, see check_xen_agent.c. */
START_TEST(domain_release_ends_vncterm)
{
	struct xhost h;

	host_up(&h, true);
	const char *const args[] = { "--domid", "5", "-v", "127.0.0.1:84", "--exit-on-release",
				     NULL };
	struct vncterm *v = start_xen(args, 84);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert(vnc_pump(c, now_ms() + 300));
	ck_assert(xs_release_domain(h.xs, DOM));
	ck_assert_msg(vncterm_wait_exit(v, 5000), "vncterm outlived its domain");
	ck_assert_msg(WIFEXITED(v->status) && WEXITSTATUS(v->status) == 0,
		      "vncterm ended with status %#x, not exit 0", v->status);
	vnc_disconnect(c);
	vncterm_stop(v, 100);
	xhost_down(&h);
}
END_TEST

START_TEST(missing_domain_is_an_error)
{
	struct xhost h;
	struct vncterm_run r;

	host_up(&h, false);
	const char *const args[] = { "--domid", "9", "-v", "127.0.0.1:85", NULL };

	ck_assert_int_eq(vncterm_run(args, 5000, &r), 0);
	ck_assert(r.exited && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1);
	ck_assert_msg(strstr(r.err, "domain 9 does not exist"), "message: %s", r.err);
	xhost_down(&h);
}
END_TEST

/* xenconsoled's form: -x PATH, the pty in PATH/tty, reopened when it changes. */
START_TEST(pty_mode_follows_tty)
{
	struct xhost h;
	int m1, s1, m2, s2;
	char n1[64], n2[64], buf[64];

	host_up(&h, false);
	ck_assert_int_eq(openpty(&m1, &s1, n1, NULL, NULL), 0);
	ck_assert_int_eq(openpty(&m2, &s2, n2, NULL, NULL), 0);
	xhost_put(&h, "/local/domain/5/console/tty", n1);
	const char *const args[] = { "-x", "/local/domain/5/console", "-v", "127.0.0.1:86",
				     "--geometry", "40x5", NULL };
	struct vncterm *v = start_xen(args, 86);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_worker_sandboxed(v->pid);
	assert_worker_idle(v->pid);
	ck_assert_int_eq(write(m1, HIDE_BYTES "first pty", 15), 15);
	assert_screen(c, 5, 40, HIDE_BYTES "first pty", 5000);
	ck_assert(vnc_key(c, XK_q));
	ck_assert_int_eq(read(m1, buf, 1), 1);
	ck_assert_int_eq(buf[0], 'q');
	xhost_put(&h, "/local/domain/5/console/tty", n2);
	usleep(300000);
	ck_assert_int_eq(write(m2, " second", 7), 7);
	assert_screen(c, 5, 40, HIDE_BYTES "first pty second", 5000);
	/* SIGUSR1: the statefile's path is recorded for the host agent. */
	kill(v->pid, SIGUSR1);
	int64_t end = now_ms() + 3000;

	while (!*xhost_get(&h, "/local/domain/5/console/statefile", buf, sizeof(buf)) && now_ms() < end)
		usleep(20000);
	ck_assert_msg(strstr(buf, "/vncterm.statefile") && buf[0] == '/', "statefile key: '%s'", buf);
	unlink(buf);
	vnc_disconnect(c);
	stop_daemon(v);
	close(m1);
	close(s1);
	close(m2);
	close(s2);
	xhost_down(&h);
}
END_TEST

/* The physical host's console: a command, with the keys under dom0's path. */
START_TEST(host_console_form)
{
	struct xhost h;
	char buf[64], want[32];

	host_up(&h, false);
	const char *const args[] = { "-x", "/local/domain/0/console", "-T", "-r", "-v", "127.0.0.1:87",
				     "-c", "/bin/sh", "-c", "exec cat >/dev/null", NULL };
	struct vncterm *v = start_xen(args, 87);

	snprintf(want, sizeof(want), "%d", v->port);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/0/console/vnc-port", buf, sizeof(buf)), want);
	snprintf(want, sizeof(want), "%d", (int)v->pid);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/0/vncterm-pid", buf, sizeof(buf)), want);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/*
 * The real-Xen flood, sandboxed: a ring, the text port and the console
 * log, a guest printing lines that scroll, a viewer typing meanwhile.
 * vncterm survives, logs every line in order and shows the last.
 */
START_TEST(ring_flood_with_console_log)
{
	struct xhost h;
	static char buf[1 << 20]; /* the whole log: about 360 KB */
	char log[PATH_MAX], line[64];
	const int lines = 20000;

	host_up(&h, true);
	snprintf(log, sizeof(log), "%s/ring.log", h.xsd.dir);
	const char *const args[] = { "--domid", "5", "-T", "-v", "127.0.0.1:94", "--log-file", log,
				     NULL };
	struct vncterm *v = start_xen(args, 94);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_worker_sandboxed(v->pid);
	xhost_ring_print(&h, HIDE_BYTES "\r\n");
	for (int i = 1; i <= lines; i++) {
		snprintf(line, sizeof(line), "flood-line %d\r\n", i);
		xhost_ring_print(&h, line);
		if (i % 500 == 0) {
			ck_assert(vnc_key(c, XK_y));
			vnc_pump(c, now_ms() + 5);
		}
	}
	xhost_ring_print(&h, "flood-done");
	ck_assert_msg(file_says(log, "flood-done", 10000, buf, sizeof(buf)), "the log never got the "
		      "end of the flood");
	ck_assert_msg(vncterm_alive(v), "vncterm died during the flood");
	ck_assert(vnc_pump(c, now_ms() + 300));
	FILE *f = fopen(log, "r");
	int next = 1;

	ck_assert_ptr_nonnull(f);
	while (fgets(buf, sizeof(buf), f)) {
		int k;

		if (sscanf(buf, "flood-line %d", &k) == 1 && k == next)
			next++;
	}
	fclose(f);
	ck_assert_int_eq(next, lines + 1);
	vnc_disconnect(c);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/* The guest prints into a ring of its own (a secondary console's), then notifies port. */
static void ring_print(struct xencons_interface *ring, unsigned port, const char *str)
{
	for (size_t i = 0; str[i]; i++) {
		while (ring->out_prod - ring->out_cons >= sizeof(ring->out))
			usleep(1000);
		ring->out[MASK_XENCONS_IDX(ring->out_prod, ring->out)] = str[i];
		__atomic_store_n(&ring->out_prod, ring->out_prod + 1, __ATOMIC_RELEASE);
	}
	ck_assert_int_eq(xensim_notify(DOM, port), 0);
}

static unsigned worker_uid(pid_t monitor)
{
	char path[64], line[256];
	unsigned uid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)worker_of(monitor));
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "Uid: %u", &uid);
	fclose(f);
	return uid;
}

/*
 * A secondary console (device/console/1) has its own page, granted by the
 * ref in its ring-ref: its vncterm shows that page, not the primary's
 * (GNTTAB_RESERVED_CONSOLE), beside the primary's own vncterm; each has
 * its own pid key, and the one that ends removes only its own keys.
 */
START_TEST(secondary_console_maps_its_own_ring)
{
	struct xhost h;
	char buf[64], want[32];

	host_up(&h, true);
	struct xencons_interface *second = xensim_page_map(DOM, "gref-7");

	ck_assert_ptr_nonnull(second);
	xhost_put(&h, "/local/domain/5/device/console/1/ring-ref", "7");
	xhost_put(&h, "/local/domain/5/device/console/1/port", "3");
	xhost_ring_print(&h, HIDE_BYTES "primary");
	ring_print(second, 3, HIDE_BYTES "secondary");
	const char *const prim_args[] = { "--domid", "5", "-v", "127.0.0.1:91", "--geometry", "40x5",
					  NULL };
	const char *const sec_args[] = { "--domid", "5", "-x", "/local/domain/5/device/console/1",
					 "-v", "127.0.0.1:91", "--geometry", "40x5", NULL };
	struct vncterm *prim = start_xen(prim_args, 91);
	struct vncterm *sec = start_xen(sec_args, 91);
	rfbClient *cp = connect_to("127.0.0.1", prim), *cs = connect_to("127.0.0.1", sec);

	assert_screen(cs, 5, 40, HIDE_BYTES "secondary", 5000);
	assert_screen(cp, 5, 40, HIDE_BYTES "primary", 5000);
	ring_print(second, 3, " two");
	xhost_ring_print(&h, " one");
	assert_screen(cs, 5, 40, HIDE_BYTES "secondary two", 5000);
	assert_screen(cp, 5, 40, HIDE_BYTES "primary one", 5000);
	/* Keys typed to the secondary's viewer reach its in[], not the primary's. */
	ck_assert(vnc_key(cs, XK_z));
	int64_t end = now_ms() + 5000;

	while (second->in_prod == second->in_cons && now_ms() < end)
		usleep(10000);
	ck_assert_uint_eq(second->in_prod - second->in_cons, 1);
	ck_assert_int_eq(second->in[MASK_XENCONS_IDX(second->in_cons, second->in)], 'z');
	ck_assert_uint_eq(h.ring->in_prod, h.ring->in_cons);
	/* Two pid keys, one each. */
	snprintf(want, sizeof(want), "%d", (int)prim->pid);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/vncterm-pid", buf, sizeof(buf)), want);
	snprintf(want, sizeof(want), "%d", (int)sec->pid);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/device/console/1/vncterm-pid", buf, sizeof(buf)),
			 want);
	snprintf(want, sizeof(want), "%d", sec->port);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/device/console/1/vnc-port", buf, sizeof(buf)),
			 want);
	vnc_disconnect(cs);
	stop_daemon(sec);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/device/console/1/vncterm-pid", buf, sizeof(buf)),
			 "");
	snprintf(want, sizeof(want), "%d", (int)prim->pid);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/vncterm-pid", buf, sizeof(buf)), want);
	snprintf(want, sizeof(want), "%d", prim->port);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/console/vnc-port", buf, sizeof(buf)), want);
	vnc_disconnect(cp);
	stop_daemon(prim);
	xensim_page_unmap(second);
	xhost_down(&h);
}
END_TEST

/*
 * The host agent replaced this vncterm, and the new one wrote its keys
 * before the old one ended: the old one must not remove them.  Both
 * paths: sandboxed (the monitor's keys) and -S (its own).
 */
START_TEST(keys_of_a_successor_are_kept)
{
	struct xhost h;
	char buf[64];
	const char *const args[2][9] = {
		{ "--domid", "5", "-T", "-v", "127.0.0.1:92", NULL },
		{ "--domid", "5", "-T", "-v", "127.0.0.1:92", "-S", NULL },
	};

	host_up(&h, true);
	struct vncterm *v = start_xen(args[_i], 92);

	ck_assert_str_ne(xhost_get(&h, "/local/domain/5/vncterm-pid", buf, sizeof(buf)), "");
	xhost_put(&h, "/local/domain/5/vncterm-pid", "424242");
	xhost_put(&h, "/local/domain/5/console/vnc-port", "5999");
	xhost_put(&h, "/local/domain/5/console/tc-port", "9599");
	stop_daemon(v);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/vncterm-pid", buf, sizeof(buf)), "424242");
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/console/vnc-port", buf, sizeof(buf)), "5999");
	ck_assert_str_eq(xhost_get(&h, "/local/domain/5/console/tc-port", buf, sizeof(buf)), "9599");
	xhost_down(&h);
}
END_TEST

/*
 * Three domains' vncterms started the host agent's way, with the same -v:
 * each binds its own port and so drops to its own ids (vncterm_base +
 * port), and its text port is 9500+N for the display N it bound.
 */
START_TEST(host_agent_instances_get_distinct_ids)
{
	struct xhost h;
	int master[3], slave[3];
	struct vncterm *v[3];
	struct passwd *base = getpwnam("vncterm_base");
	char path[96], tty[64], buf[64], want[32];

	ck_assert_ptr_nonnull(base);
	host_up(&h, false);
	for (int i = 0; i < 3; i++) {
		unsigned dom = DOM + (unsigned)i;

		if (i) {
			ck_assert_int_eq(xensim_dom_create(dom), 0);
			ck_assert_int_eq(xsd_introduce(dom, STORE_PORT), 0);
		}
		ck_assert_int_eq(openpty(&master[i], &slave[i], tty, NULL, NULL), 0);
		snprintf(path, sizeof(path), "/local/domain/%u/console/tty", dom);
		xhost_put(&h, path, tty);
	}
	for (int i = 0; i < 3; i++) {
		char xpath[64];

		snprintf(xpath, sizeof(xpath), "/local/domain/%d/console", DOM + i);
		const char *const args[] = { "-x", xpath, "-T", "-v", "127.0.0.1:93", NULL };

		v[i] = start_xen(args, 93);
		assert_worker_sandboxed(v[i]->pid);
	}
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(worker_uid(v[i]->pid), base->pw_uid + (unsigned)v[i]->port);
		for (int j = 0; j < i; j++) {
			ck_assert_int_ne(v[i]->port, v[j]->port);
			ck_assert_uint_ne(worker_uid(v[i]->pid), worker_uid(v[j]->pid));
		}
		snprintf(path, sizeof(path), "/local/domain/%d/console/tc-port", DOM + i);
		snprintf(want, sizeof(want), "%d", 9500 + v[i]->port - 5900);
		ck_assert_str_eq(xhost_get(&h, path, buf, sizeof(buf)), want);
	}
	for (int i = 0; i < 3; i++) {
		stop_daemon(v[i]);
		close(master[i]);
		close(slave[i]);
	}
	xhost_down(&h);
}
END_TEST

/* The installed host-console unit's own command line publishes under dom0's console path. */
START_TEST(host_console_unit_publishes)
{
	struct xhost h;
	char unit[4096], buf[64], want[32];
	char *argv[32];
	int argc = 0;
	FILE *f = fopen("../vncterm/vncterm-host-console.service.in", "r");

	ck_assert_ptr_nonnull(f);
	size_t n = fread(unit, 1, sizeof(unit) - 1, f);

	fclose(f);
	unit[n] = '\0';
	char *line = strstr(unit, "\nExecStart=@BINDIR@/vncterm ");

	ck_assert_ptr_nonnull(line);
	line += strlen("\nExecStart=@BINDIR@/vncterm ");
	line[strcspn(line, "\n")] = '\0';
	/* Split as systemd does, for what the unit uses: spaces and double quotes. */
	for (char *p = line; *p && argc < 30;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			argv[argc++] = ++p;
			p += strcspn(p, "\"");
		} else {
			argv[argc++] = p;
			p += strcspn(p, " ");
		}
		if (*p)
			*p++ = '\0';
	}
	ck_assert_int_gt(argc, 2);
	/* login itself would wait for a user: a command that does the same, harmlessly. */
	ck_assert_str_eq(argv[argc - 1], "/bin/login");
	argv[argc - 1] = (char *)"/bin/cat";
	argv[argc] = NULL;
	host_up(&h, false);
	struct vncterm *v = start_xen((const char *const *)argv, 0);

	snprintf(want, sizeof(want), "%d", v->port);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/0/console/vnc-port", buf, sizeof(buf)), want);
	snprintf(want, sizeof(want), "%d", 9500 + v->port - 5900);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/0/console/tc-port", buf, sizeof(buf)), want);
	stop_daemon(v);
	ck_assert_str_eq(xhost_get(&h, "/local/domain/0/console/vnc-port", buf, sizeof(buf)), "");
	xhost_down(&h);
}
END_TEST

Suite *xen_suite(void)
{
	Suite *s = suite_create("xen");
	TCase *tc = tcase_create("vncterm on simulated xen");

	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, ring_boot_text_and_keys);
	tcase_add_test(tc, ring_ref_change_remaps);
	tcase_add_test(tc, paste_paced_by_guest);
	tcase_add_loop_test(tc, hostile_indices_reported_once, 0,
			    (int)(sizeof(hostile) / sizeof(hostile[0])));
	tcase_add_test(tc, flooding_guest_is_throttled);
	tcase_add_test(tc, flooding_guest_frames_are_paced);
	tcase_add_test(tc, domain_release_ends_vncterm);
	tcase_add_test(tc, missing_domain_is_an_error);
	tcase_add_test(tc, pty_mode_follows_tty);
	tcase_add_test(tc, host_console_form);
	tcase_add_test(tc, ring_flood_with_console_log);
	tcase_add_test(tc, secondary_console_maps_its_own_ring);
	tcase_add_loop_test(tc, keys_of_a_successor_are_kept, 0, 2);
	tcase_add_test(tc, host_agent_instances_get_distinct_ids);
	tcase_add_test(tc, host_console_unit_publishes);
	suite_add_tcase(s, tc);
	return s;
}
