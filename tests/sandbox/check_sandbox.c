/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sandbox, as root (CI runs as root): a vncterm serving a pty runs its
 * worker under the per-instance ids, with no groups, no capabilities,
 * NoNewPrivs, a seccomp filter, an empty chroot and its own network
 * namespace, and still serves viewers the whole feature set; SIGUSR1's
 * statefile is written by the monitor into the per-instance directory,
 * which is gone after exit; a forbidden call (executable memory
 * included) kills with SIGSYS, a stop and continue does not.  The
 * monitor's own tests are in check_monitor.c.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"
#include "tests/sandbox/util_sandbox.h"
#include "vncterm/sandbox.h"
#include "vncterm/statefile.h"
#include "vt100/vt100.h"

#define HIDE_BYTES "\033[?25l"
#define PROBE "../build/tests/sandbox-probe"

/* The value of "Key:" in /proc/pid/status, whitespace squeezed to single spaces. */
static void status_field(pid_t pid, const char *key, char *out, size_t size)
{
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		size_t k = strlen(key);

		if (strncmp(line, key, k) || line[k] != ':')
			continue;
		size_t n = 0;

		for (char *p = line + k + 1; *p && n + 1 < size; p++) {
			if (*p == '\n')
				break;
			if ((*p == ' ' || *p == '\t') && (n == 0 || out[n - 1] == ' '))
				continue;
			out[n++] = *p == '\t' ? ' ' : *p;
		}
		while (n && out[n - 1] == ' ')
			n--;
		out[n] = '\0';
	}
	fclose(f);
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

struct sandboxed {
	struct vncterm *v;
	pid_t worker;
	int master, slave;
	char dir[64];
};

static void start_sandboxed(struct sandboxed *s, int display, const char *geometry)
{
	char tty[64], disp[32];

	ck_assert_int_eq(openpty(&s->master, &s->slave, tty, NULL, NULL), 0);
	snprintf(disp, sizeof(disp), "127.0.0.1:%d", display);
	const char *const args[] = { "-p", tty, "-v", disp, "--geometry", geometry, "-T", NULL };

	s->v = start_daemon(args, display);
	s->worker = worker_of(s->v->pid);
	snprintf(s->dir, sizeof(s->dir), "%s/%d", SANDBOX_ROOT, (int)s->v->pid);
}

START_TEST(worker_is_confined)
{
	struct sandboxed s;
	char buf[256], want[64], link[256];
	uid_t base = sandbox_base_uid();

	start_sandboxed(&s, 101, "40x5");
	status_field(s.worker, "Uid", buf, sizeof(buf));
	/* vncterm_base + the port it bound, as the original's ids. */
	uid_t id = base + (uid_t)s.v->port;

	snprintf(want, sizeof(want), "%u %u %u %u", id, id, id, id);
	ck_assert_str_eq(buf, want);
	status_field(s.worker, "Gid", buf, sizeof(buf));
	ck_assert_str_eq(buf, want); /* vncterm_base's group has the same id here */
	status_field(s.worker, "Groups", buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	status_field(s.worker, "NoNewPrivs", buf, sizeof(buf));
	ck_assert_str_eq(buf, "1");
	status_field(s.worker, "Seccomp", buf, sizeof(buf));
	ck_assert_str_eq(buf, "2");
	status_field(s.worker, "CapEff", buf, sizeof(buf));
	ck_assert_str_eq(buf, "0000000000000000");
	status_field(s.worker, "CapPrm", buf, sizeof(buf));
	ck_assert_str_eq(buf, "0000000000000000");
	/* Its root is the fresh, empty, root-owned per-instance directory. */
	snprintf(want, sizeof(want), "/proc/%d/root", (int)s.worker);
	ssize_t n = readlink(want, link, sizeof(link) - 1);

	ck_assert_int_gt(n, 0);
	link[n] = '\0';
	ck_assert_str_eq(link, s.dir);
	ck_assert_int_eq(entries(s.dir), 0);
	struct stat st;

	ck_assert_int_eq(stat(s.dir, &st), 0);
	ck_assert(st.st_uid == 0 && st.st_gid == 0 && (st.st_mode & 07777) == 0755);
	stop_daemon(s.v);
	ck_assert_msg(access(s.dir, F_OK) < 0 && errno == ENOENT, "%s outlived vncterm", s.dir);
	close(s.master);
	close(s.slave);
}
END_TEST

/* Reads what the worker typed into the pty, until want arrives. */
static bool pty_got(int master, const char *want, int ms)
{
	char buf[4096];
	size_t n = 0, len = strlen(want);
	int64_t end = now_ms() + ms;

	fcntl(master, F_SETFL, O_NONBLOCK);
	while (now_ms() < end && n < sizeof(buf) - 1) {
		ssize_t r = read(master, buf + n, sizeof(buf) - 1 - n);

		if (r > 0) {
			n += (size_t)r;
			buf[n] = '\0';
			if (n >= len && strstr(buf, want))
				return true;
		} else {
			usleep(10000);
		}
	}
	return false;
}

START_TEST(viewers_work_sandboxed)
{
	struct sandboxed s;
	struct termios t;

	start_sandboxed(&s, 102, "40x5");
	/* Raw, so typed bytes arrive as typed. */
	ck_assert_int_eq(tcgetattr(s.slave, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(s.slave, TCSANOW, &t), 0);
	rfbClient *c = connect_to("127.0.0.1", s.v);

	ck_assert_int_eq(write(s.master, HIDE_BYTES "sandboxed", 15), 15);
	assert_screen(c, 5, 40, HIDE_BYTES "sandboxed", 5000);
	ck_assert(vnc_key(c, XK_h));
	ck_assert(vnc_key(c, XK_i));
	ck_assert_msg(pty_got(s.master, "hi", 3000), "typing did not reach the pty");
	ck_assert(SendClientCutText(c, "pasted", 6));
	ck_assert(vnc_middle_click(c)); /* the viewer's clipboard is typed when it pastes */
	ck_assert_msg(pty_got(s.master, "pasted", 3000), "the paste did not reach the pty");
	/* Resize: the pty learns the new size. */
	int w, h;

	ck_assert_int_eq(raw_resize(s.v->port, 60 * 8, 10 * 16, &w, &h), 0);
	struct winsize ws;

	ck_assert_int_eq(ioctl(s.master, TIOCGWINSZ, &ws), 0);
	ck_assert_int_eq(ws.ws_col, 60);
	ck_assert_int_eq(ws.ws_row, 10);
	/* SIGUSR1: the monitor writes the statefile into the per-instance directory. */
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", s.dir, STATEFILE_NAME);
	kill(s.v->pid, SIGUSR1);
	int64_t end = now_ms() + 3000;

	while (access(path, F_OK) < 0 && now_ms() < end)
		usleep(20000);
	struct vt *vt = vt_new(10, 60, NULL, NULL);

	ck_assert_ptr_nonnull(vt);
	ck_assert_msg(statefile_load(vt, path) == 0, "%s missing or not loadable", path);
	char text[10] = "";

	for (int i = 0; i < 9; i++) {
		struct vt_cell cell;

		ck_assert_int_eq(vt_get_cell(vt, 0, i, &cell), 0);
		text[i] = (char)cell.ch;
	}
	ck_assert_msg(!strcmp(text, "sandboxed"), "the statefile's first row holds '%s'", text);
	vt_free(vt);
	ck_assert(vncterm_alive(s.v));
	vnc_disconnect(c);
	stop_daemon(s.v);
	ck_assert_msg(access(s.dir, F_OK) < 0, "%s outlived vncterm", s.dir);
	close(s.master);
	close(s.slave);
}
END_TEST

/* Paths the first tests do not take: the text port and a WebSocket handshake. */
START_TEST(text_port_and_websocket_sandboxed)
{
	struct sandboxed s;
	struct termios t;
	char buf[512];

	start_sandboxed(&s, 104, "40x5");
	ck_assert_int_eq(tcgetattr(s.slave, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(s.slave, TCSANOW, &t), 0);
	char line[16];
	int tp_port = -1;
	/* The second port line: the text port. */
	ssize_t n = read(s.v->out_fd, line, sizeof(line) - 1);

	if (n > 0) {
		line[n] = '\0';
		tp_port = atoi(line);
	}
	ck_assert_int_gt(tp_port, 0);
	int tp = tcp_connect(tp_port);

	ck_assert_int_eq(write(tp, "via-textport", 12), 12);
	ck_assert_msg(pty_got(s.master, "via-textport", 3000), "text port input did not reach the pty");
	close(tp);
	int ws = tcp_connect(s.v->port);
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
				  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				  "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n"
				  "Origin: http://127.0.0.1\r\n\r\n";

	ck_assert_int_eq(write(ws, req, sizeof(req) - 1), (ssize_t)sizeof(req) - 1);
	struct timeval tv = { 3, 0 };

	setsockopt(ws, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = read(ws, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 12);
	ck_assert_msg(!strncmp(buf, "HTTP/1.1 101", 12), "no WebSocket upgrade in the sandbox");
	close(ws);
	ck_assert_msg(vncterm_alive(s.v), "vncterm died");
	stop_daemon(s.v);
	close(s.master);
	close(s.slave);
}
END_TEST

struct probe {
	pid_t pid;
	int out; /* what it prints */
	int in;  /* its stdin: a socket, so that a write to a dead probe fails, not SIGPIPE */
};

/*
 * Start the probe; with stale, first leave a directory of a dead vncterm
 * (with a statefile) where the probe's own will go.
 */
static void probe_start(struct probe *pr, const char *what, bool stale)
{
	int p[2], go[2], in[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, in), 0);
	pr->pid = fork();
	ck_assert_int_ge(pr->pid, 0);
	if (pr->pid == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(126);
		dup2(p[1], 1);
		dup2(in[1], 0);
		execl(PROBE, PROBE, "103", what, (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	close(in[1]);
	if (stale) {
		char dir[64], file[96];

		snprintf(dir, sizeof(dir), "%s/%d", SANDBOX_ROOT, (int)pr->pid);
		ck_assert_int_eq(mkdir(dir, 0755), 0);
		snprintf(file, sizeof(file), "%s/%s", dir, STATEFILE_NAME);
		FILE *f = fopen(file, "w");

		ck_assert_ptr_nonnull(f);
		fclose(f);
	}
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	close(go[1]);
	close(p[1]);
	pr->out = p[0];
	pr->in = in[0];
}

/* What the probe prints until it ends, and how it ended. */
static int probe_finish(struct probe *pr, char *out, size_t size)
{
	size_t n = 0;
	ssize_t r;
	int st;
	char dir[64];

	while (n < size - 1 && (r = read(pr->out, out + n, size - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(pr->out);
	close(pr->in);
	ck_assert_int_eq(waitpid(pr->pid, &st, 0), pr->pid);
	snprintf(dir, sizeof(dir), "%s/%d", SANDBOX_ROOT, (int)pr->pid);
	rmdir(dir);
	return st;
}

static int run_probe_in(const char *what, bool stale, char *out, size_t size)
{
	struct probe pr;

	probe_start(&pr, what, stale);
	return probe_finish(&pr, out, size);
}

static int run_probe(const char *what, char *out, size_t size)
{
	return run_probe_in(what, false, out, size);
}

/* The probe doing what ends normally, having said want. */
static void probe_says(const char *what, const char *want)
{
	char out[64];
	int st = run_probe(what, out, sizeof(out));

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && !strcmp(out, want),
		      "probe '%s' in the sandbox: status %#x, said '%s'", what, st, out);
}

/* The probe doing what is killed by the filter before it says anything. */
static void probe_killed(const char *what)
{
	char out[64];
	int st = run_probe(what, out, sizeof(out));

	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		      "probe '%s' in the sandbox: status %#x, not SIGSYS", what, st);
	ck_assert_str_eq(out, "");
}

START_TEST(forbidden_call_kills)
{
	char out[64];
	int st;

	sandbox_base_uid();
	probe_says("allowed", "ok\n");
	/* A killed vncterm's directory under the same pid is cleared, not fatal. */
	st = run_probe_in("allowed", true, out, sizeof(out));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && !strcmp(out, "ok\n"),
		      "a stale directory stopped the sandbox (status %#x)", st);
	probe_killed("forbidden"); /* socket() */
}
END_TEST

/*
 * No network namespace of its own (it cost ~200 kB of kernel memory an
 * instance): the filter lets the worker make no socket that can reach
 * anything.  A stream socketpair (viewers') and a plain send work; a
 * datagram socketpair and a send to an address kill; sendmsg fails.
 */
START_TEST(no_socket_reaches_anything)
{
	sandbox_base_uid();
	probe_says("stream-pair", "ok\n");
	probe_says("send", "ok\n");
	probe_says("sendmsg", "refused\n");
	probe_killed("dgram-pair");
	probe_killed("sendto-addr");
}
END_TEST

/*
 * Viewers' threads start in the sandbox, as many as it allows and no
 * more (RLIMIT_NPROC); a process (fork: clone without CLONE_THREAD) is
 * still killed.
 */
START_TEST(threads_but_no_fork)
{
	sandbox_base_uid();
	probe_says("thread", "ok\n");
	probe_says("threads", "refused\n");
	probe_killed("fork");
}
END_TEST

/* Executable memory is refused in mmap() as it is in mprotect(); plain mappings work. */
START_TEST(mmap_exec_kills)
{
	sandbox_base_uid();
	probe_says("mmap", "ok\n");
	probe_killed("mmap-exec");
}
END_TEST

/* The first field of /proc/pid/syscall: the call it is blocked in. */
static long proc_syscall(pid_t pid)
{
	char path[64], buf[256] = "";
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	close(fd);
	return n > 0 && buf[0] >= '0' && buf[0] <= '9' ? strtol(buf, NULL, 10) : -1;
}

/*
 * Stopped (SIGSTOP, or gdb, strace) in the middle of poll() and
 * continued, the worker goes on: the kernel resumes the call through
 * restart_syscall, which the filter used to kill.  The probe is first
 * seen blocked in poll, then stopped, then continued; the deadlines only
 * bound what never happens.
 */
START_TEST(stop_and_continue_survive)
{
	struct probe pr;
	char out[64], ready[6];
	int64_t end;

	sandbox_base_uid();
	probe_start(&pr, "stopped", false);
	ck_assert_int_eq(read(pr.out, ready, sizeof(ready)), (ssize_t)sizeof(ready));
	ck_assert(!memcmp(ready, "ready\n", 6));
	for (end = now_ms() + 10000; proc_syscall(pr.pid) != SYS_poll && now_ms() < end;)
		usleep(1000);
	ck_assert_msg(proc_syscall(pr.pid) == SYS_poll, "the probe never blocked in poll()");
	ck_assert_int_eq(kill(pr.pid, SIGSTOP), 0);
	for (end = now_ms() + 10000; proc_state(pr.pid) != 'T' && now_ms() < end;)
		usleep(1000);
	ck_assert_msg(proc_state(pr.pid) == 'T', "the probe never stopped");
	ck_assert_int_eq(kill(pr.pid, SIGCONT), 0);
	/* A dead probe's socket refuses this; the status below says why it died. */
	send(pr.in, "g", 1, MSG_NOSIGNAL);
	int st = probe_finish(&pr, out, sizeof(out));

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && !strcmp(out, "ok\n"),
		      "stopped and continued in poll(): status %#x%s, said '%s'", st,
		      WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS ? " (SIGSYS)" : "", out);
}
END_TEST

Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("sandbox");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, worker_is_confined);
	tcase_add_test(tc, viewers_work_sandboxed);
	tcase_add_test(tc, text_port_and_websocket_sandboxed);
	tcase_add_test(tc, no_socket_reaches_anything);
	tcase_add_test(tc, forbidden_call_kills);
	tcase_add_test(tc, threads_but_no_fork);
	tcase_add_test(tc, mmap_exec_kills);
	tcase_add_test(tc, stop_and_continue_survive);
	suite_add_tcase(s, tc);
	return s;
}
