/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resource limits and crashes: vncterm under a small RLIMIT_NOFILE or
 * RLIMIT_AS refuses what does not fit and keeps serving; a kill -9 while a
 * statefile is being written leaves the previous one whole.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"
#include "vncterm/statefile.h"
#include "vt100/vt100.h"

#define IDLE "exec cat >/dev/null"

/* Start vncterm with its soft limit of resource at value (inherited through exec). */
static struct vncterm *start_limited(const char *const *args, int n, int resource, rlim_t value)
{
	struct rlimit old, rl;

	ck_assert_int_eq(getrlimit(resource, &old), 0);
	rl = old;
	rl.rlim_cur = value;
	ck_assert_int_eq(setrlimit(resource, &rl), 0);
	struct vncterm *v = vncterm_start(args);

	ck_assert_int_eq(setrlimit(resource, &old), 0);
	ck_assert_msg(v != NULL, "cannot run %s", VNCTERM_BIN);
	ck_assert_msg(v->port >= 5900 + n, "vncterm printed no usable port (got %d)", v->port);
	return v;
}

/*
 * Out of file descriptors, accept() fails while the listening socket stays
 * readable: a loop that only polls would spin.  vncterm must stay idle,
 * keep serving the viewer it has, and take new viewers once fds are free.
 */
START_TEST(nofile_exhausted_no_spin)
{
	const char *const args[] = { "-v", "127.0.0.1:140", "--geometry", "20x4", "-c", "/bin/sh", "-c",
				     "printf ready; " IDLE, NULL };
	struct vncterm *v = start_limited(args, 140, RLIMIT_NOFILE, 24);
	rfbClient *c = connect_to("127.0.0.1", v);
	int fds[40];

	assert_screen(c, 4, 20, "ready", 3000);
	for (int i = 0; i < 40; i++)
		fds[i] = tcp_connect(v->port);
	ck_assert(vnc_pump(c, now_ms() + 500));
	double cpu0 = cpu_seconds(v->pid);

	ck_assert(vnc_pump(c, now_ms() + 2000));
	double cpu = cpu_seconds(v->pid) - cpu0;

	ck_assert_msg(cpu < 0.5, "out of fds, vncterm used %.2f s of CPU in 2 s", cpu);
	ck_assert_msg(vncterm_alive(v), "vncterm died out of fds");
	/* Each was greeted or closed (libvncserver refuses near the limit): none left hanging. */
	int greeted = 0, closed = 0;

	for (int i = 0; i < 40; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };
		char b[12];

		if (poll(&p, 1, 1000) == 1) {
			ssize_t k = recv(fds[i], b, sizeof(b), MSG_DONTWAIT);

			greeted += k > 0;
			closed += k == 0 || (k < 0 && errno == ECONNRESET);
		}
	}
	ck_assert_msg(greeted + closed == 40, "%d of 40 connections left hanging (%d greeted, %d closed)",
		      40 - greeted - closed, greeted, closed);
	ck_assert_msg(closed > 0, "no connection was refused: the fd limit was never reached");
	/* The first viewer is still served (the pty echoes the key). */
	ck_assert(vnc_key(c, 'x'));
	assert_screen(c, 4, 20, "readyx", 3000);
	for (int i = 0; i < 40; i++)
		close(fds[i]);
	/* Freed, the fds serve new viewers again. */
	int64_t deadline = now_ms() + 5000;
	rfbClient *c2 = NULL;

	while (!c2 && now_ms() < deadline) {
		vnc_pump(c, now_ms() + 200);
		c2 = vnc_connect("127.0.0.1", v->port);
	}
	ck_assert_msg(c2 != NULL, "no new viewer after the fds were freed");
	assert_screen(c2, 4, 20, "readyx", 3000);
	vnc_disconnect(c2);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* ASan and TSan reserve terabytes of address space: an AS limit cannot apply to them. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AS_TESTS 0
#else
#define AS_TESTS 1
#endif

/* A geometry whose framebuffer cannot fit: a clear error, exit 1, no signal. */
START_TEST(as_limit_refuses_huge_geometry)
{
	if (!AS_TESTS)
		return;
	const char *const args[] = { "-v", "127.0.0.1:141", "--geometry", "1000x1000", "-c", "/bin/true",
				     NULL };
	struct rlimit old, rl;
	struct vncterm_run r;

	ck_assert_int_eq(getrlimit(RLIMIT_AS, &old), 0);
	rl = old;
	rl.rlim_cur = 256u << 20;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
	int e = vncterm_run(args, 10000, &r);

	ck_assert_int_eq(setrlimit(RLIMIT_AS, &old), 0);
	ck_assert_int_eq(e, 0);
	ck_assert_msg(r.exited, "vncterm did not end");
	ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1,
		      "status %#x, not exit 1; stderr: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "1000") && strstr(r.err, "memory"),
		      "the message does not say what failed: %s", r.err);
}
END_TEST

/* A viewer asking for a size that cannot fit is refused; vncterm goes on. */
START_TEST(as_limit_refuses_huge_resize)
{
	if (!AS_TESTS)
		return;
	const char *const args[] = { "-v", "127.0.0.1:142", "--geometry", "20x4", "-c", "/bin/sh", "-c",
				     "printf ready; " IDLE, NULL };
	struct vncterm *v = start_limited(args, 142, RLIMIT_AS, 256u << 20);
	int w = 0, h = 0;
	int status = raw_resize(v->port, 8000, 16000, &w, &h);

	ck_assert_msg(status != 0 || (w == 160 && h == 64),
		      "a 8000x16000 framebuffer was accepted under a 256 MiB limit (%dx%d)", w, h);
	ck_assert_msg(vncterm_alive(v), "vncterm died on a huge resize");
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_int_eq(c->width, 160);
	ck_assert_int_eq(c->height, 64);
	assert_screen(c, 4, 20, "ready", 3000);
	/* A size that fits is still taken. */
	status = raw_resize(v->port, 320, 128, &w, &h);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(w, 320);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

static bool load_ok(const char *path, char *row0, size_t n)
{
	struct vt *vt = vt_new(4, 20, NULL, NULL);
	bool ok = vt && statefile_load(vt, path) == 0;

	if (ok) {
		size_t k = 0;

		for (int col = 0; col < 20 && k + 1 < n; col++) {
			struct vt_cell cell;

			if (vt_get_cell(vt, 0, col, &cell) < 0)
				break;
			row0[k++] = cell.ch >= 0x20 && cell.ch < 0x7f ? (char)cell.ch : ' ';
		}
		while (k > 0 && row0[k - 1] == ' ')
			k--;
		row0[k] = '\0';
	}
	vt_free(vt);
	return ok;
}

/*
 * SIGUSR1 writes the statefile; a kill -9 at any moment of that write must
 * leave a statefile that loads: the old one or the new one, never a part.
 * A long scrollback makes each write take a while.
 */
START_TEST(kill9_during_statefile_write)
{
	char dir[] = "/tmp/vncterm-kill9.XXXXXX", sub[64], link[64], bin[4096];
	char path[256], tmp[300], row0[32];
	int mid_write = 0, got_new = 0;

	/*
	 * SIGUSR1 saves into vncterm's working directory; VNCTERM_BIN is
	 * relative (../vncterm/vncterm), so dir/sub gets a dir/vncterm link.
	 */
	ck_assert_ptr_nonnull(realpath("../vncterm", bin));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(link, sizeof(link), "%s/vncterm", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_int_eq(symlink(bin, link), 0);
	snprintf(path, sizeof(path), "%s/vncterm.statefile", sub);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ck_assert_int_eq(chdir(sub), 0);
	/* The first statefile: the screen says "first". */
	{
		const char *const args[] = { "-v", "127.0.0.1:143", "--geometry", "20x4", "-c", "/bin/sh",
					     "-c", "printf first; " IDLE, NULL };
		struct vncterm *v = vncterm_start(args);

		ck_assert_ptr_nonnull(v);
		sleep_ms(300);
		kill(v->pid, SIGUSR1);
		for (int64_t end = now_ms() + 3000; access(path, F_OK) != 0 && now_ms() < end;)
			sleep_ms(20);
		ck_assert_msg(load_ok(path, row0, sizeof(row0)), "the first statefile does not load");
		ck_assert_str_eq(row0, "first");
		stop_daemon(v);
	}
	for (int round = 0; round < 20 && !(mid_write && got_new); round++) {
		const char *const args[] = { "-v", "127.0.0.1:144", "--geometry", "20x4", "--scrollback",
					     "200000", "-c", "/bin/sh", "-c",
					     "seq 1 200000; printf '\\033[H\\033[2Jsecond'; " IDLE, NULL };
		struct vncterm *v = vncterm_start(args);

		ck_assert_ptr_nonnull(v);
		sleep_ms(1500); /* the scrollback filled */
		kill(v->pid, SIGUSR1);
		/*
		 * The state is built first (~0.3 s here), then written to
		 * path.tmp and renamed: kill once the write has begun, from at
		 * once to after it ends.
		 */
		for (int64_t end = now_ms() + 5000; access(tmp, F_OK) != 0 && now_ms() < end;)
			usleep(200);
		sleep_ms(round * 20);
		kill(v->pid, SIGKILL);
		ck_assert(vncterm_wait_exit(v, 3000));
		vncterm_stop(v, 100);
		bool inside = access(tmp, F_OK) == 0; /* the write had begun, not ended */

		ck_assert_msg(load_ok(path, row0, sizeof(row0)),
			      "round %d: the statefile does not load after kill -9", round);
		ck_assert_msg(!strcmp(row0, inside ? "first" : row0) &&
			      (!strcmp(row0, "first") || !strcmp(row0, "second")),
			      "round %d: the statefile holds '%s'%s", round, row0,
			      inside ? " (killed inside the write)" : "");
		mid_write += inside;
		got_new += !strcmp(row0, "second");
		unlink(tmp);
	}
	/* Unless a kill landed inside a write, the test proved nothing. */
	ck_assert_msg(mid_write > 0, "no kill landed inside a statefile write");
	ck_assert_msg(got_new > 0, "no statefile write ever finished");
	unlink(path);
	unlink(link);
	rmdir(sub);
	rmdir(dir);
}
END_TEST

Suite *limits_suite(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("limits");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, nofile_exhausted_no_spin);
	tcase_add_test(tc, as_limit_refuses_huge_geometry);
	tcase_add_test(tc, as_limit_refuses_huge_resize);
	tcase_add_test(tc, kill9_during_statefile_write);
	suite_add_tcase(s, tc);
	return s;
}
