/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon end to end: ../vncterm/vncterm runs a command on a pty while a
 * libvncclient viewer watches.  What the viewer sees must be, pixel for
 * pixel, what the project's renderer draws for the bytes the command
 * wrote; keys it types must reach the command as xterm's bytes; it must
 * listen on loopback only, refuse bad options and go away when its work is
 * done.  Every daemon runs in its own process group and dies with the test
 * process, so a failed assertion leaves nothing behind.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"
#include "vncterm/render.h"
#include "vt100/vt100.h"

/* Hide the cursor: the expected screen then needs no cursor position. */
#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/* A command that keeps the pty open, quietly, until vncterm closes it. */
#define IDLE "exec cat >/dev/null"

START_TEST(screen_matches_renderer)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "40x10", "-t", "mytitle", "-c", "/bin/sh",
		"-c", "printf '" HIDE "hello\\r\\n\\033[31mworld'; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_int_eq(c->width, 320);
	ck_assert_int_eq(c->height, 160);
	ck_assert_ptr_nonnull(c->desktopName);
	ck_assert_str_eq(c->desktopName, "mytitle");
	assert_screen(c, 10, 40, HIDE_BYTES "hello\r\n\033[31mworld", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* A viewer without cursor-shape support sees no pointer painted on the text. */
START_TEST(no_pointer_in_pixels)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "40x10", "-c", "/bin/sh",
		"-c", "printf '" HIDE "x'; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = vnc_connect_with("127.0.0.1", v->port, false);

	ck_assert_msg(c != NULL, "no VNC session with vncterm on port %d", v->port);
	assert_screen(c, 10, 40, HIDE_BYTES "x", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* TERM, the pty's size and UTF-8 output as the command sees them. */
START_TEST(command_environment)
{
	const char *const args[] = {
		"-v", "127.0.0.1:51", "--geometry", "30x4", "-c", "/bin/sh", "-c",
		"printf '" HIDE "%s %s\\r\\ncaf\\303\\251' \"$TERM\" \"$(stty size)\"; " IDLE,
		NULL,
	};
	struct vncterm *v = start_daemon(args, 51);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 4, 30, HIDE_BYTES "xterm-256color 4 30\r\ncaf\xc3\xa9", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * Keys reach the command as xterm's bytes.  The tty is raw so nothing is
 * translated on the way, and `cat -v` shows every byte printably.
 */
START_TEST(typing)
{
	const char *const args[] = {
		"-v", "127.0.0.1:52", "--geometry", "40x5", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '" HIDE "ready\\r\\n'; exec cat -v", NULL,
	};
	struct vncterm *v = start_daemon(args, 52);
	rfbClient *c = connect_to("127.0.0.1", v);

	/* Only once "ready" shows is the tty raw. */
	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\n", 5000);
	ck_assert(vnc_key(c, XK_a));
	ck_assert(SendKeyEvent(c, XK_Shift_L, TRUE));
	ck_assert(vnc_key(c, XK_B));
	ck_assert(SendKeyEvent(c, XK_Shift_L, FALSE));
	ck_assert(vnc_key(c, XK_Return));
	ck_assert(vnc_key(c, XK_Left));
	ck_assert(SendKeyEvent(c, XK_Control_L, TRUE));
	ck_assert(vnc_key(c, XK_a));
	ck_assert(SendKeyEvent(c, XK_Control_L, FALSE));
	ck_assert(vnc_key(c, XK_BackSpace));
	ck_assert(vnc_key(c, XK_eacute));
	/* a B CR ESC[D ^A DEL, then UTF-8 c3 a9 as cat -v spells them. */
	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\naB^M^[[D^A^?M-CM-)", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* Cursor keys follow DECCKM, which only the command's output can set. */
START_TEST(typing_application_cursor_keys)
{
	const char *const args[] = {
		"-v", "127.0.0.1:53", "--geometry", "40x5", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '" HIDE "\\033[?1hready\\r\\n'; exec cat -v", NULL,
	};
	struct vncterm *v = start_daemon(args, 53);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\n", 5000);
	ck_assert(vnc_key(c, XK_Left));
	ck_assert(vnc_key(c, XK_Up));
	assert_screen(c, 5, 40, HIDE_BYTES "ready\r\n^[OD^[OA", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* Without a command, or with a bare -c, the command is /bin/sh. */
static const char *const default_command[][6] = {
	{ "-v", "127.0.0.1:64", "--geometry", "20x3" },
	{ "-v", "127.0.0.1:64", "--geometry", "20x3", "-c" },
};

START_TEST(runs_sh_by_default)
{
	/*
	 * Typed at the prompt.  The prompt and the echo depend on the shell,
	 * so the line clears the screen before it shows what it computed,
	 * and sleep keeps a new prompt away.
	 */
	static const char line[] = "printf '\\033[2J\\033[H\\033[?25lsh%s' $((6*7)); exec sleep 30";
	struct vncterm *v = start_daemon(default_command[_i], 64);
	rfbClient *c = connect_to("127.0.0.1", v);

	/* Printable ASCII keysyms are the characters themselves. */
	for (const char *p = line; *p; p++)
		ck_assert(vnc_key(c, (uint32_t)*p));
	ck_assert(vnc_key(c, XK_Return));
	assert_screen(c, 3, 20, HIDE_BYTES "sh42", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * Output that scrolls a screen the viewer already has: the daemon may send
 * the move as CopyRect, and the viewer must still end up right.
 */
START_TEST(scrolling)
{
	const char *const args[] = {
		"-v", "127.0.0.1:54", "--geometry", "20x5", "-c", "/bin/sh", "-c",
		"stty -echo -icanon min 1; printf '" HIDE "go'; head -c 1 >/dev/null; "
		"i=1; while [ $i -le 12 ]; do echo $i; i=$((i + 1)); done; " IDLE,
		NULL,
	};
	struct vncterm *v = start_daemon(args, 54);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 20, HIDE_BYTES "go", 5000);
	ck_assert(vnc_key(c, XK_space));
	/* echo's newlines come out as CR LF (ONLCR). */
	assert_screen(c, 5, 20,
		      HIDE_BYTES "go1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8\r\n9\r\n10\r\n11\r\n12\r\n",
		      5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* The command gets the pty and nothing else: no listening or viewer socket. */
START_TEST(command_inherits_no_fds)
{
	const char *const args[] = {
		"-v", "127.0.0.1:55", "--geometry", "40x5", "-c", "/bin/sh", "-c",
		"printf '" HIDE "'; ls /proc/self/fd | tr '\\n' ' '; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 55);
	rfbClient *c = connect_to("127.0.0.1", v);

	/* ls itself holds 3, the directory it lists. */
	assert_screen(c, 5, 40, HIDE_BYTES "0 1 2 3 ", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

struct listener {
	char addr[INET6_ADDRSTRLEN];
	int port;
	bool loopback;
};

/* The inodes of the sockets pid holds open. */
static int socket_inodes(pid_t pid, unsigned long *inodes, int max)
{
	char dir[64], path[512], link[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot list %s", dir);
	while ((e = readdir(d)) && n < max) {
		ssize_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &inodes[n]) == 1)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * /proc/net/tcp{,6} print each 32-bit word of the address as the number
 * it is in memory, so reading a word back and storing it restores the
 * bytes.
 */
static bool parse_addr(const char *hex, struct listener *l)
{
	uint32_t words[4];
	size_t nwords = strlen(hex) / 8;
	char word[9] = "";

	if (nwords != 1 && nwords != 4)
		return false;
	for (size_t i = 0; i < nwords; i++) {
		memcpy(word, hex + 8 * i, 8);
		words[i] = (uint32_t)strtoul(word, NULL, 16);
	}
	if (nwords == 1) {
		struct in_addr a;

		memcpy(&a.s_addr, words, 4);
		inet_ntop(AF_INET, &a, l->addr, sizeof(l->addr));
		l->loopback = ntohl(a.s_addr) == INADDR_LOOPBACK;
	} else {
		struct in6_addr a;
		static const uint8_t v4_loopback[4] = { 127, 0, 0, 1 };

		memcpy(a.s6_addr, words, 16);
		inet_ntop(AF_INET6, &a, l->addr, sizeof(l->addr));
		l->loopback = IN6_IS_ADDR_LOOPBACK(&a) ||
			      (IN6_IS_ADDR_V4MAPPED(&a) && !memcmp(a.s6_addr + 12, v4_loopback, 4));
	}
	return true;
}

/* Every TCP socket of pid in the LISTEN state, IPv4 and IPv6. */
static int listeners(pid_t pid, struct listener *out, int max)
{
	static const char *const files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	unsigned long inodes[256];
	int ninodes = socket_inodes(pid, inodes, 256), n = 0;

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		FILE *fp = fopen(files[f], "r");
		char line[512];

		if (!fp) /* no IPv6 in this kernel */
			continue;
		while (fgets(line, sizeof(line), fp) && n < max) {
			char hex[33];
			unsigned port, state;
			unsigned long inode;
			bool ours = false;

			/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
			if (sscanf(line, " %*d: %32[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*u %*u %lu", hex,
				   &port, &state, &inode) != 4 ||
			    state != 0x0a)
				continue;
			for (int i = 0; i < ninodes; i++)
				ours |= inodes[i] == inode;
			if (ours && parse_addr(hex, &out[n])) {
				out[n].port = (int)port;
				n++;
			}
		}
		fclose(fp);
	}
	return n;
}

static void assert_loopback_only(const struct vncterm *v)
{
	struct listener ls[32];
	int n = listeners(v->pid, ls, 32);
	bool on_port = false;

	ck_assert_msg(n > 0, "vncterm (pid %d) has no listening TCP socket", (int)v->pid);
	for (int i = 0; i < n; i++) {
		ck_assert_msg(ls[i].loopback, "vncterm listens on %s port %d", ls[i].addr,
			      ls[i].port);
		on_port |= ls[i].port == v->port;
	}
	ck_assert_msg(on_port, "vncterm does not listen on the port it printed, %d", v->port);
}

START_TEST(listens_on_loopback_only)
{
	/* -T: the text port's sockets are counted too */
	const char *const args[] = { "-v", "127.0.0.1:56", "-T", "-c", "/bin/sh", "-c", IDLE, NULL };
	struct vncterm *v = start_daemon(args, 56);

	/* 9500+N for the display N bound, as the original's, so firewall rules keep working. */
	ck_assert_int_eq(text_port_line(v), 9500 + v->port - 5900);
	assert_loopback_only(v);
	stop_daemon(v);
}
END_TEST

/*
 * The host agent's vncterm_ip: a non-loopback -v address is served
 * without --allow-remote, with a warning, and the text port (which has
 * no password) stays on loopback.  0.0.0.0 stands for the host's address.
 */
START_TEST(remote_address_served_with_warning)
{
	char log[] = "/tmp/vncterm-remote-XXXXXX", buf[8192];
	int fd = mkstemp(log);

	ck_assert(fd >= 0);
	close(fd);
	const char *const args[] = { "-v", "0.0.0.0:58", "-T", "--geometry", "40x5", "-c", "/bin/sh",
				     "-c", "printf '" HIDE "remote'; " IDLE, NULL };
	struct vncterm *v = start_logged(args, 58, log);
	int tport = text_port_line(v);
	struct listener ls[32];
	int n = listeners(v->pid, ls, 32);
	bool vnc_wild = false, text_seen = false;

	ck_assert_int_eq(tport, 9500 + v->port - 5900);
	for (int i = 0; i < n; i++) {
		if (ls[i].port == v->port)
			vnc_wild |= !strcmp(ls[i].addr, "0.0.0.0");
		if (ls[i].port == tport) {
			text_seen = true;
			ck_assert_msg(ls[i].loopback, "the text port listens on %s", ls[i].addr);
		}
	}
	ck_assert_msg(vnc_wild, "VNC is not listening on 0.0.0.0 port %d", v->port);
	ck_assert(text_seen);
	ck_assert_msg(file_says(log, "not a loopback address", 3000, buf, sizeof(buf)),
		      "no warning: \"%s\"", buf);
	ck_assert_msg(strstr(buf, "the text port stays on loopback"), "warning: \"%s\"", buf);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, HIDE_BYTES "remote", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(log);
}
END_TEST

/* [::1]:N, and the default geometry, 80x25. */
START_TEST(listens_on_ipv6_loopback)
{
	const char *const args[] = {
		"-v", "[::1]:57", "-c", "/bin/sh", "-c", "printf '" HIDE "v6'; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 57);
	rfbClient *c;

	assert_loopback_only(v);
	c = connect_to("::1", v);
	ck_assert_int_eq(c->width, 640);
	ck_assert_int_eq(c->height, 400);
	assert_screen(c, 25, 80, HIDE_BYTES "v6", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

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

/* The wheel scrolls through the scrollback; a key returns to the live screen. */
START_TEST(wheel_scrolls_back)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "20x5", "-c", "/bin/sh", "-c",
		"printf '" HIDE "'; seq 1 12; " IDLE, NULL,
	};
	char live[256] = HIDE_BYTES;
	int w, h;

	for (int i = 1; i <= 12; i++)
		snprintf(live + strlen(live), sizeof(live) - strlen(live), "%d\r\n", i);
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 20, live, 5000);
	ck_assert(SendPointerEvent(c, 10, 10, 1 << 3)); /* wheel up: press, release */
	ck_assert(SendPointerEvent(c, 10, 10, 0));
	uint32_t *back = expected_pixels(5, 20, live, strlen(live), 3, &w, &h);

	ck_assert_ptr_nonnull(back);

	ck_assert_msg(wait_for_screen(c, back, w, h, now_ms() + 5000), "wheel up did not scroll back");
	free(back);
	ck_assert(vnc_key(c, XK_space));
	assert_screen(c, 5, 20, live, 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* With mouse tracking on, clicks reach the program; Shift keeps them back. */
START_TEST(mouse_reports)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "40x5", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '\\033[?1000h\\033[?1006h" HIDE "'; exec cat -v", NULL,
	};
	const char *start_bytes = "\033[?1000h\033[?1006h" HIDE_BYTES;
	char want[256];
	int x = 5 * 8 + 2, y = 2 * 16 + 3;
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, start_bytes, 5000);
	ck_assert(SendPointerEvent(c, x, y, 1));
	ck_assert(SendPointerEvent(c, x, y, 0));
	snprintf(want, sizeof(want), "%s^[[<0;6;3M^[[<0;6;3m", start_bytes);
	assert_screen(c, 5, 40, want, 5000);
	ck_assert(SendKeyEvent(c, XK_Shift_L, TRUE));
	ck_assert(SendPointerEvent(c, x, y, 1));
	ck_assert(SendPointerEvent(c, x, y, 0));
	ck_assert(SendKeyEvent(c, XK_Shift_L, FALSE));
	ck_assert(vnc_key(c, XK_z));
	snprintf(want, sizeof(want), "%s^[[<0;6;3M^[[<0;6;3mz", start_bytes);
	assert_screen(c, 5, 40, want, 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

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

/* The viewer's clipboard, as libvncclient hands it over (Latin-1). */
struct clip {
	char text[256];
	int got;
};

static void on_cut_text(rfbClient *c, const char *text, int len)
{
	struct clip *k = rfbClientGetClientData(c, on_cut_text);

	if (k && len >= 0 && (size_t)len < sizeof(k->text)) {
		memcpy(k->text, text, (size_t)len);
		k->text[len] = '\0';
		k->got++;
	}
}

static bool wait_clip(rfbClient *c, struct clip *k, int count)
{
	int64_t deadline = now_ms() + 5000;

	while (k->got < count && now_ms() < deadline)
		vnc_pump(c, now_ms() + 50);
	return k->got >= count;
}

/* Left-drag selects; double click a word; middle click types the selection. */
START_TEST(selection)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "--geometry", "20x4", "-c", "/bin/sh", "-c",
		"stty raw -echo; printf '" HIDE "hello world\\r\\n'; exec cat -v", NULL,
	};
	const char *bytes = HIDE_BYTES "hello world\r\n";
	struct clip k = { "", 0 };
	struct vncterm *v = start_daemon(args, 50);
	rfbClient *c = connect_to("127.0.0.1", v);
	int w, h;

	rfbClientSetClientData(c, on_cut_text, &k);
	c->GotXCutText = on_cut_text;
	assert_screen(c, 4, 20, bytes, 5000);
	ck_assert(SendPointerEvent(c, 1, 2, 1));          /* press on 'h' */
	ck_assert(SendPointerEvent(c, 4 * 8 + 3, 2, 1));  /* drag to 'o' */
	ck_assert(SendPointerEvent(c, 4 * 8 + 3, 2, 0));  /* release */
	ck_assert_msg(wait_clip(c, &k, 1), "no clipboard text after a drag");
	ck_assert_str_eq(k.text, "hello");
	struct vt *vt = vt_new(4, 20, NULL, NULL);
	struct render *r = render_new(4, 20, 1);

	vt_write(vt, bytes, strlen(bytes));
	render_set_highlight(r, true, 0, 0, 0, 4);
	render_update(r, vt, NULL, NULL);
	uint32_t *want = render_pixels(r, &w, &h);

	ck_assert_msg(wait_for_screen(c, want, w, h, now_ms() + 5000),
		      "the selection is not highlighted");
	render_free(r);
	vt_free(vt);
	/* middle click: the selection is typed into the program */
	ck_assert(SendPointerEvent(c, 40, 40, 2));
	ck_assert(SendPointerEvent(c, 40, 40, 0));
	vt = vt_new(4, 20, NULL, NULL);
	r = render_new(4, 20, 1);
	vt_write(vt, bytes, strlen(bytes));
	vt_write(vt, "hello", 5);
	render_set_highlight(r, true, 0, 0, 0, 4);
	render_update(r, vt, NULL, NULL);
	want = render_pixels(r, &w, &h);
	ck_assert_msg(wait_for_screen(c, want, w, h, now_ms() + 5000),
		      "middle click did not paste the selection");
	render_free(r);
	vt_free(vt);
	/* double click on "world" */
	ck_assert(SendPointerEvent(c, 8 * 8 + 2, 2, 1));
	ck_assert(SendPointerEvent(c, 8 * 8 + 2, 2, 0));
	ck_assert(SendPointerEvent(c, 8 * 8 + 2, 2, 1));
	ck_assert(SendPointerEvent(c, 8 * 8 + 2, 2, 0));
	ck_assert_msg(wait_clip(c, &k, 2), "no clipboard text after a double click");
	ck_assert_str_eq(k.text, "world");
	vnc_disconnect(c);
	stop_daemon(v);
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



/*
 * A viewer that completes the RFB 3.8 handshake, asks for many full
 * updates in raw encoding, and then never reads again.
 */
static int stalled_viewer(int port)
{
	int fd = raw_connect(port, 4096);

	ck_assert_int_eq(write(fd, "\x02\x00\x00\x01\x00\x00\x00\x00", 8), 8); /* raw only */
	for (int i = 0; i < 200; i++) {
		static const unsigned char req[10] = { 3, 0, 0, 0, 0, 0, 640 >> 8, 640 & 0xff,
						       400 >> 8, 400 & 0xff };

		ck_assert_int_eq(write(fd, req, sizeof(req)), (ssize_t)sizeof(req));
	}
	return fd;
}


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

/* Drain what the server sent; true if it has closed the connection. */
static bool drained_to_eof(int fd)
{
	char buf[65536];

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		ssize_t k = read(fd, buf, sizeof(buf));

		if (k == 0)
			return true;
		if (k < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK;
	}
}

/*
 * A viewer that stops reading while the console floods: the other viewer
 * still gets the final screen, and the console was never blocked on the
 * stalled one (it is held, not yet dropped, at that point); after the
 * stall limit (10 s) the stalled viewer is disconnected.
 */
static int frames_tag;

static void count_frame(rfbClient *c)
{
	(*(int *)rfbClientGetClientData(c, &frames_tag))++;
}

/*
 * A viewer that keeps asking for updates (they all do) gets none while
 * nothing changes, and costs no CPU: an update that answered each request
 * with the cursor cell made a busy loop of request and answer.
 */
START_TEST(idle_viewer_costs_nothing)
{
	const char *const args[] = { "-v", "127.0.0.1:57", "--geometry", "20x4", "-c", "/bin/sh", "-c",
				     "printf ready; " IDLE, NULL };
	struct vncterm *v = start_daemon(args, 57);
	rfbClient *c = connect_to("127.0.0.1", v);
	int frames = 0;

	assert_screen(c, 4, 20, "ready", 3000);
	rfbClientSetClientData(c, &frames_tag, &frames);
	c->FinishedFrameBufferUpdate = count_frame;
	ck_assert(vnc_pump(c, now_ms() + 200));
	frames = 0;
	double cpu0 = cpu_seconds(v->pid);

	ck_assert(vnc_pump(c, now_ms() + 1500));
	double cpu = cpu_seconds(v->pid) - cpu0;

	ck_assert_msg(frames == 0, "%d updates in 1.5 s with nothing on the console", frames);
	ck_assert_msg(cpu < 0.1, "idle with one viewer, vncterm used %.2f s of CPU in 1.5 s", cpu);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

START_TEST(stalled_viewer_does_not_stall)
{
	const char *const args[] = {
		"-v", "127.0.0.1:50", "-c", "/bin/sh", "-c",
		"sleep 1; seq 1 300000; printf '\\033[2J\\033[H" HIDE "DONE'; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 50);
	int stalled = stalled_viewer(v->port);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 25, 80, "\033[2J\033[H" HIDE_BYTES "DONE", 9000);
	ck_assert_msg(vncterm_alive(v), "vncterm died");
	/* still connected: vncterm held it rather than blocking and dropping it */
	int keep = dup(stalled);

	ck_assert_msg(!drained_to_eof(keep), "the stalled viewer was dropped before the screen settled");
	close(keep);
	/*
	 * Ask again and stop reading; it is dropped once held for the stall
	 * limit.  (Its 200 requests were read at once and answered with one
	 * update, which it just read: without asking it would only be idle.)
	 */
	static const unsigned char again[10] = { 3, 0, 0, 0, 0, 0, 640 >> 8, 640 & 0xff,
						 400 >> 8, 400 & 0xff };

	ck_assert_int_eq(write(stalled, again, sizeof(again)), (ssize_t)sizeof(again));
	ck_assert(vnc_pump(c, now_ms() + 11000));
	ck_assert_msg(drained_to_eof(stalled),
		      "the stalled viewer was never disconnected");
	close(stalled);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

Suite *integration_suite(void)
{
	Suite *s = suite_create("integration");
	TCase *tc = tcase_create("vncterm");

	/* Each test takes a few seconds; this only bounds a hang. */
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, screen_matches_renderer);
	tcase_add_test(tc, no_pointer_in_pixels);
	tcase_add_test(tc, stalled_viewer_does_not_stall);
	tcase_add_test(tc, idle_viewer_costs_nothing);
	tcase_add_test(tc, wheel_scrolls_back);
	tcase_add_test(tc, mouse_reports);
	tcase_add_test(tc, existing_pty_source);
	tcase_add_test(tc, input_file_source);
	tcase_add_test(tc, restart_is_rate_limited);
	tcase_add_test(tc, selection);
	tcase_add_test(tc, text_port);
	tcase_add_test(tc, viewer_resize);
	tcase_add_test(tc, resize_refused_for_files);
	tcase_add_test(tc, command_environment);
	tcase_add_test(tc, typing);
	tcase_add_test(tc, typing_application_cursor_keys);
	tcase_add_loop_test(tc, runs_sh_by_default, 0,
			    (int)(sizeof(default_command) / sizeof(default_command[0])));
	tcase_add_test(tc, scrolling);
	tcase_add_test(tc, command_inherits_no_fds);
	tcase_add_test(tc, listens_on_loopback_only);
	tcase_add_test(tc, listens_on_ipv6_loopback);
	tcase_add_test(tc, remote_address_served_with_warning);
	tcase_add_loop_test(tc, refuses_bad_options, 0,
			    (int)(sizeof(bad_options) / sizeof(bad_options[0])));
	tcase_add_test(tc, exits_with_command);
	tcase_add_test(tc, viewer_keeps_it_up);
	tcase_add_test(tc, stays_with_s);
	suite_add_tcase(s, tc);
	return s;
}
