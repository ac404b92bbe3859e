/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --unix PATH and --no-tcp: VNC and WebSocket on a UNIX socket, mode
 * 0600, its maker's (root's for a sandboxed console, made before the
 * drop), alone or beside TCP; a stale socket replaced, anything else at
 * the path refused; published as vnc-socket on the simulated Xen host and
 * removed with the other keys; named by xenconsole when vncterm holds the
 * console.  Displays 260-270, domains 470-471.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_xenhost.h"

static char log_path[64];

static void log_setup(void)
{
	snprintf(log_path, sizeof(log_path), "/tmp/vncterm-unixsock-%d.log", (int)getpid());
}

static void log_teardown(void)
{
	unlink(log_path);
}

/* A socket path of this test process's own. */
static void sock_path(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "/tmp/vncterm-us-%d-%s.sock", (int)getpid(), what);
	unlink(buf);
}

static int unix_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert(fd >= 0 && strlen(path) < sizeof(a.sun_path));
	memcpy(a.sun_path, path, strlen(path) + 1);
	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "connect %s: %s", path,
		      strerror(errno));
	return fd;
}

/* A viewer through the socket: libvncclient connects to a UNIX socket when its host is one. */
static rfbClient *via_socket(const char *path)
{
	rfbClient *c = vnc_connect(path, 0);

	ck_assert_msg(c != NULL, "no VNC session through %s", path);
	return c;
}

/* It is a socket, mode 0600, owned by uid. */
static void assert_private(const char *path, uid_t uid)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "%s: %s", path, strerror(errno));
	ck_assert_msg(S_ISSOCK(st.st_mode), "%s is not a socket", path);
	ck_assert_msg((st.st_mode & 07777) == 0600, "%s has mode %o, not 0600", path,
		      st.st_mode & 07777);
	ck_assert_msg(st.st_uid == uid, "%s is uid %u's, not %u's", path, (unsigned)st.st_uid,
		      (unsigned)uid);
}

/* Whether the socket with this inode listens, as /proc/net/tcp and tcp6 say (state 0A). */
static bool tcp_listening(unsigned long inode)
{
	static const char *const tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	char line[512];

	for (size_t t = 0; t < 2; t++) {
		FILE *f = fopen(tables[t], "re");

		while (f && fgets(line, sizeof(line), f)) {
			char st[8];
			unsigned long ino;

			if (sscanf(line, "%*s %*s %*s %7s %*s %*s %*s %*s %*s %lu", st, &ino) == 2 &&
			    ino == inode && !strcmp(st, "0A")) {
				fclose(f);
				return true;
			}
		}
		if (f)
			fclose(f);
	}
	return false;
}

/* How many of pid's descriptors are TCP sockets in LISTEN state. */
static int tcp_listeners_of(pid_t pid)
{
	char dir[64], path[320], target[64];
	int n = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(dir);
	struct dirent *e;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		ssize_t len;
		unsigned long ino;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (sscanf(target, "socket:[%lu]", &ino) == 1 && tcp_listening(ino))
			n++;
	}
	closedir(d);
	return n;
}

/* The audit line for the viewer from this process, through the socket, is in the log. */
static void assert_unix_audit(uid_t uid)
{
	char want[96], buf[8192];

	snprintf(want, sizeof(want), "event=connect id=1 transport=unix uid=%u pid=%d",
		 (unsigned)uid, (int)getpid());
	ck_assert_msg(file_says(log_path, want, 3000, buf, sizeof(buf)), "no \"%s\" in: %s", want,
		      buf);
}

/* Beside TCP: RFB and WebSocket through the socket, RFB over TCP too; the socket goes at exit. */
START_TEST(beside_tcp)
{
	char path[108];
	unsigned char init[256];

	sock_path(path, sizeof(path), "beside");
	const char *const args[] = { "-v", "127.0.0.1:260", "--unix", path, "--geometry", "40x6",
				     "-t", "us-title", "-c", "/bin/sh", "-c",
				     "printf 'unix ok'; exec cat >/dev/null", NULL };
	struct vncterm *v = start_logged(args, 260, log_path);

	assert_private(path, geteuid());
	rfbClient *c = via_socket(path), *tcp = connect_to("127.0.0.1", v);

	assert_screen(c, 6, 40, "unix ok", 5000);
	assert_screen(tcp, 6, 40, "unix ok", 5000);
	assert_unix_audit(geteuid());
	int fd = unix_connect(path);
	size_t n = ws_rfb_session(fd, init, sizeof(init));

	ck_assert_msg(n == 24 + 8 && !memcmp(init + 24, "us-title", 8),
		      "no ServerInit through WebSocket on the socket");
	close(fd);
	vnc_disconnect(c);
	vnc_disconnect(tcp);
	stop_daemon(v);
	ck_assert_msg(access(path, F_OK) < 0 && errno == ENOENT, "%s left at exit", path);
}
END_TEST

/* --no-tcp: the socket's path is the line printed, and no TCP socket of the process listens. */
START_TEST(alone)
{
	char path[108];

	sock_path(path, sizeof(path), "alone");
	const char *const args[] = { "-v", "127.0.0.1:262", "--unix", path, "--no-tcp",
				     "--geometry", "40x6", "-c", "/bin/sh", "-c",
				     "printf 'alone ok'; exec cat >/dev/null", NULL };
	struct vncterm *v = vncterm_start(args);

	ck_assert_ptr_nonnull(v);
	ck_assert_msg(v->port == -1 && !strcmp(v->line, path), "printed \"%s\", not the path",
		      v->line);
	rfbClient *c = via_socket(path);

	assert_screen(c, 6, 40, "alone ok", 5000);
	ck_assert_int_eq(tcp_listeners_of(v->pid), 0);
	/* The display's port is held, never listened on: a connection is refused. */
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(5900 + 262),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == ECONNREFUSED,
		      "port %d took a connection under --no-tcp", 5900 + 262);
	close(fd);
	vnc_disconnect(c);
	stop_daemon(v);
	ck_assert_msg(access(path, F_OK) < 0, "%s left at exit", path);
}
END_TEST

/* A run that must fail at start: its status and the words its message must have. */
static void assert_refused(const char *const *args, int status, const char *words)
{
	struct vncterm_run r;

	ck_assert_int_eq(vncterm_run(args, 5000, &r), 0);
	ck_assert_msg(r.exited && WIFEXITED(r.status) && WEXITSTATUS(r.status) == status,
		      "status %#x, not %d (stderr: %s)", r.status, status, r.err);
	ck_assert_msg(strstr(r.err, words), "no \"%s\" in: %s", words, r.err);
}

/* A stale socket (nobody listening) is replaced; a live one, any other file, bad paths are refused. */
START_TEST(path_rules)
{
	char path[108], file[108], deep[108], longp[200];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat before, after;

	sock_path(path, sizeof(path), "stale");
	memcpy(a.sun_path, path, strlen(path) + 1);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	close(s); /* the file stays, with nobody listening: what a killed vncterm leaves */
	ck_assert_int_eq(lstat(path, &before), 0);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_msg(connect(s, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == ECONNREFUSED,
		      "the stale socket is not stale");
	close(s);
	const char *const args[] = { "-v", "127.0.0.1:264", "--unix", path, "-c", "/bin/sh", "-c",
				     "exec cat >/dev/null", NULL };
	struct vncterm *v = start_daemon(args, 264);

	/* Replaced: the same path now takes connections (an inode number may be reused). */
	assert_private(path, geteuid());
	rfbClient *c = via_socket(path);

	/* The live one is not another's to take. */
	const char *const again[] = { "-v", "127.0.0.1:265", "--unix", path, "-c", "/bin/true",
				      NULL };

	assert_refused(again, 1, "another process listens on this socket");
	ck_assert_msg(vnc_pump(c, now_ms() + 200), "the first vncterm's viewer lost its session");
	vnc_disconnect(c);
	stop_daemon(v);
	/* A regular file is nobody's socket: refused, and left as it was. */
	sock_path(file, sizeof(file), "file");
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	ck_assert(fd >= 0 && write(fd, "data", 4) == 4);
	close(fd);
	const char *const on_file[] = { "--unix", file, "-c", "/bin/true", NULL };

	assert_refused(on_file, 1, "a file that is not a socket is there; refusing to replace it");
	ck_assert_int_eq(lstat(file, &after), 0);
	ck_assert_msg(S_ISREG(after.st_mode) && after.st_size == 4, "the file was touched");
	unlink(file);
	snprintf(deep, sizeof(deep), "/tmp/vncterm-us-%d-nodir/x.sock", (int)getpid());
	const char *const no_dir[] = { "--unix", deep, "-c", "/bin/true", NULL };

	assert_refused(no_dir, 1, "its directory does not exist");
	snprintf(longp, sizeof(longp), "/tmp/%0120d.sock", 0);
	const char *const too_long[] = { "--unix", longp, "-c", "/bin/true", NULL };

	assert_refused(too_long, 1, "longer than a UNIX socket's 107");
	const char *const relative[] = { "--unix", "x.sock", "-c", "/bin/true", NULL };

	assert_refused(relative, 2, "--unix x.sock: expected an absolute path");
	const char *const no_way_in[] = { "--no-tcp", "-c", "/bin/true", NULL };

	assert_refused(no_way_in, 2, "--no-tcp: viewers need a way in; give --unix PATH too");
}
END_TEST

/* A uid from /proc/PID/status ("Uid:" real). */
static uid_t uid_of(pid_t pid)
{
	char path[64], buf[4096];
	const char *u;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	read_file(path, buf, sizeof(buf));
	u = strstr(buf, "\nUid:");
	ck_assert_ptr_nonnull(u);
	return (uid_t)strtoul(u + 5, NULL, 10);
}

/*
 * Sandboxed (a pty, as root): the monitor makes the socket, root's 0600,
 * and the worker, no longer root, accepts on it.
 */
START_TEST(sandboxed_worker)
{
	char path[108], tty[64];
	int master, slave;

	if (geteuid() != 0) {
		fprintf(stderr, "unixsock: sandboxed_worker needs root (the sandbox): skipped\n");
		return;
	}
	sock_path(path, sizeof(path), "sandbox");
	ck_assert_int_eq(openpty(&master, &slave, tty, NULL, NULL), 0);
	const char *const args[] = { "-v", "127.0.0.1:266", "--unix", path, "--no-tcp", "-p", tty,
				     "--geometry", "40x6", NULL };
	struct vncterm *v = vncterm_start(args);

	ck_assert_msg(v && !strcmp(v->line, path), "printed \"%s\"", v ? v->line : "");
	assert_private(path, 0);
	pid_t worker = worker_of(v->pid);
	rfbClient *c = via_socket(path);

	ck_assert_msg(uid_of(worker) != 0, "the worker runs as root");
	ck_assert_int_eq(write(master, "sandboxed ok", 12), 12);
	assert_screen(c, 6, 40, "sandboxed ok", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
	ck_assert_msg(access(path, F_OK) < 0, "%s left at exit (the monitor removes it)", path);
	/* The monitor refuses a file that is not a socket as the unsandboxed path does. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	ck_assert(fd >= 0);
	close(fd);
	const char *const on_file[] = { "-v", "127.0.0.1:266", "--unix", path, "-p", tty, NULL };

	assert_refused(on_file, 1, "a file that is not a socket is there; refusing to replace it");
	ck_assert_msg(access(path, F_OK) == 0, "the file was removed");
	unlink(path);
	close(master);
	close(slave);
}
END_TEST

/*
 * The host agent's view: vnc-socket beside vnc-port (or, with --no-tcp,
 * alone), both gone at exit with the socket; our xenconsole, refused the
 * console, names the socket.
 */
START_TEST(xen_keys)
{
	struct xhost h;
	char path[108], buf[512], want[32], disp[32];
	unsigned int dom = 470 + (unsigned)_i;
	int st;

	snprintf(disp, sizeof(disp), "127.0.0.1:%d", 268 + 2 * _i);
	sock_path(path, sizeof(path), _i ? "xen-alone" : "xen");
	xhost_up(&h, dom, false);
	const char *args[] = { "-x", h.cons, "-v", disp, "--unix", path, NULL, NULL };

	if (_i)
		args[6] = "--no-tcp";
	struct vncterm *v = vncterm_start(args);

	ck_assert_ptr_nonnull(v);
	ck_assert_msg(xhost_wait_key(&h, "vnc-socket", path, 5000), "vnc-socket is \"%s\"",
		      xhost_get(&h, "vnc-socket", buf, sizeof(buf)));
	snprintf(want, sizeof(want), "%d", v->port);
	ck_assert_str_eq(xhost_get(&h, "vnc-port", buf, sizeof(buf)), _i ? "" : want);
	rfbClient *c = via_socket(path);

	ck_assert_int_eq(write(h.master, "xen ok", 6), 6);
	assert_screen(c, 25, 80, "xen ok", 5000);
	char dom_s[16];

	snprintf(dom_s, sizeof(dom_s), "%u", dom);
	const char *ours[] = { dom_s, NULL };
	pid_t x = xhost_spawn(XENCONSOLE_BIN, ours, log_path);

	ck_assert(xhost_wait(x, 5000, &st));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x", st);
	snprintf(buf, sizeof(buf), "vncterm serves it over VNC on the UNIX socket %s", path);
	char said[2048];

	ck_assert_msg(strstr(xhost_slurp(log_path, said, sizeof(said)), buf), "xenconsole said: %s",
		      said);
	vnc_disconnect(c);
	stop_daemon(v);
	ck_assert_str_eq(xhost_get(&h, "vnc-socket", buf, sizeof(buf)), "");
	ck_assert_str_eq(xhost_get(&h, "vnc-port", buf, sizeof(buf)), "");
	ck_assert_msg(access(path, F_OK) < 0, "%s left at exit", path);
	xhost_down(&h);
}
END_TEST

Suite *unixsock_suite(void)
{
	Suite *s = suite_create("unixsock");
	TCase *tc = tcase_create("UNIX socket");

	tcase_add_checked_fixture(tc, log_setup, log_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, beside_tcp);
	tcase_add_test(tc, alone);
	tcase_add_test(tc, path_rules);
	tcase_add_test(tc, sandboxed_worker);
	tcase_add_loop_test(tc, xen_keys, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
