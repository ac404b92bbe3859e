/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The integration suites' shared assertions: these end the test through
 * Check on failure, so they live apart from util_vncterm.c, which the
 * benchmarks link without Check.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"

/* Start vncterm with args and insist on a port line at or above 5900 + n. */
struct vncterm *start_daemon(const char *const *args, int n)
{
	struct vncterm *v = vncterm_start(args);

	ck_assert_msg(v != NULL, "cannot run %s", VNCTERM_BIN);
	ck_assert_msg(v->port >= 5900 + n, "vncterm printed no usable port (got %d)", v->port);
	return v;
}

rfbClient *connect_to(const char *host, const struct vncterm *v)
{
	rfbClient *c = vnc_connect(host, v->port);

	ck_assert_msg(c != NULL, "no VNC session with vncterm on %s port %d", host, v->port);
	return c;
}

/* Wait up to ms for the viewer to show what rows x cols cells of bytes look like. */
void assert_screen(rfbClient *c, int rows, int cols, const char *bytes, int ms)
{
	int w, h;
	uint32_t *want = expected_screen(rows, cols, bytes, &w, &h);

	ck_assert_ptr_nonnull(want);
	ck_assert_msg(wait_for_screen(c, want, w, h, now_ms() + ms),
		      "the viewer never showed the screen for \"%s\"", bytes);
	free(want);
}

void stop_daemon(struct vncterm *v)
{
	ck_assert_msg(vncterm_alive(v), "vncterm died during the test");
	ck_assert_msg(vncterm_stop(v, 3000), "SIGTERM did not end vncterm within 3 s");
}

void read_exact(int fd, void *buf, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t k = read(fd, (char *)buf + got, n - got);

		ck_assert_msg(k > 0, "raw viewer: read failed");
		got += (size_t)k;
	}
}


static int tcp_socket(int port, int rcvbuf)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd, 0);
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "connect to port %d: %s",
		      port, strerror(errno));
	return fd;
}

int tcp_connect(int port)
{
	return tcp_socket(port, 0);
}

int text_port_line(struct vncterm *v)
{
	char line[16];
	size_t n = 0;
	int64_t deadline = now_ms() + 5000;

	while (n < sizeof(line) - 1 && now_ms() < deadline) {
		struct pollfd p = { .fd = v->out_fd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		if (read(v->out_fd, line + n, 1) != 1 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	ck_assert_msg(n > 0, "no text port line on vncterm's stdout");
	return atoi(line);
}

/*
 * A raw RFB 3.8 session on loopback port, through ServerInit (security
 * none, shared); rcvbuf > 0 sets a small receive buffer first.
 */
int raw_connect(int port, int rcvbuf)
{
	unsigned char buf[256];
	int fd = tcp_socket(port, rcvbuf);

	read_exact(fd, buf, 12);
	ck_assert_int_eq(write(fd, "RFB 003.008\n", 12), 12);
	read_exact(fd, buf, 1);
	read_exact(fd, buf + 1, buf[0]);
	ck_assert_int_eq(write(fd, "\x01", 1), 1);     /* security: none */
	read_exact(fd, buf, 4);                          /* security result */
	ck_assert_int_eq(write(fd, "\x01", 1), 1);     /* ClientInit: shared */
	read_exact(fd, buf, 24);                         /* ServerInit */
	size_t name = (size_t)buf[20] << 24 | (size_t)buf[21] << 16 | (size_t)buf[22] << 8 | buf[23];

	ck_assert_uint_lt(name, sizeof(buf));
	read_exact(fd, buf, name);
	return fd;
}


static void send_all(int fd, const void *buf, size_t n)
{
	ck_assert_msg(send(fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n, "send: %s", strerror(errno));
}

/* One client-to-server binary frame, masked as RFC 6455 requires of clients. */
void ws_send(int fd, const void *data, size_t n)
{
	unsigned char f[2 + 4 + 125];
	const unsigned char mask[4] = { 0x12, 0x34, 0x56, 0x78 };

	ck_assert(n <= 125);
	f[0] = 0x82;
	f[1] = (unsigned char)(0x80 | n);
	memcpy(f + 2, mask, 4);
	for (size_t i = 0; i < n; i++)
		f[6 + i] = ((const unsigned char *)data)[i] ^ mask[i % 4];
	send_all(fd, f, 6 + n);
}

/* One server-to-client frame's payload (unmasked, short); returns its length. */
size_t ws_recv(int fd, unsigned char *out, size_t max)
{
	unsigned char hd[4];
	size_t n;

	read_exact(fd, hd, 2);
	ck_assert_msg((hd[0] & 0x0f) == 0x2 || (hd[0] & 0x0f) == 0x1, "frame opcode %#x",
		      hd[0] & 0x0f);
	ck_assert_msg(!(hd[1] & 0x80), "server frames must not be masked");
	n = hd[1] & 0x7f;
	if (n == 126) {
		read_exact(fd, hd + 2, 2);
		n = (size_t)hd[2] << 8 | hd[3];
	}
	ck_assert_msg(n < 127 && n <= max, "frame of %zu bytes", n);
	read_exact(fd, out, n);
	return n;
}

size_t ws_rfb_session(int fd, unsigned char *init, size_t size)
{
	char resp[1024] = "";
	/* RFC 6455's own example key, so the expected accept value is known. */
	static const char req[] =
		"GET /websockify HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
		"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n"
		"Origin: http://127.0.0.1\r\n\r\n";
	unsigned char buf[256];
	size_t n = 0;

	send_all(fd, req, sizeof(req) - 1);
	while (n < sizeof(resp) - 1 && !strstr(resp, "\r\n\r\n")) {
		read_exact(fd, resp + n, 1);
		resp[++n] = '\0';
	}
	ck_assert_msg(!strncmp(resp, "HTTP/1.1 101", 12), "no protocol switch: %s", resp);
	ck_assert_msg(strstr(resp, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
		      "wrong or missing accept key: %s", resp);
	/* RFB inside the frames: version, security None, init. */
	n = ws_recv(fd, buf, sizeof(buf));
	ck_assert_msg(n == 12 && !memcmp(buf, "RFB 003.008\n", 12), "no RFB version in a frame");
	ws_send(fd, "RFB 003.008\n", 12);
	n = ws_recv(fd, buf, sizeof(buf));
	ck_assert_msg(n >= 2 && buf[0] >= 1 && memchr(buf + 1, 1, buf[0]), "security None not offered");
	ws_send(fd, "\x01", 1);
	n = ws_recv(fd, buf, sizeof(buf));
	ck_assert_msg(n == 4 && !memcmp(buf, "\0\0\0\0", 4), "security result not OK");
	ws_send(fd, "\x01", 1); /* ClientInit, shared */
	n = ws_recv(fd, init, size);
	ck_assert_msg(n >= 24, "ServerInit of %zu bytes", n);
	return n;
}

uint32_t be_uint(const unsigned char *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* Announce raw and ExtendedDesktopSize on a raw viewer, and ask for want_w x want_h. */
void send_resize(int fd, int want_w, int want_h)
{
	/* SetEncodings: raw, ExtendedDesktopSize (-308) */
	static const unsigned char enc[] = { 2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xfe, 0xcc };
	ck_assert_int_eq(write(fd, enc, sizeof(enc)), (ssize_t)sizeof(enc));
	/* SetDesktopSize: one screen covering the whole size */
	unsigned char sds[24] = { 251, 0, (unsigned char)(want_w >> 8), (unsigned char)want_w,
				  (unsigned char)(want_h >> 8), (unsigned char)want_h, 1, 0 };
	sds[16] = (unsigned char)(want_w >> 8);
	sds[17] = (unsigned char)want_w;
	sds[18] = (unsigned char)(want_h >> 8);
	sds[19] = (unsigned char)want_h;
	ck_assert_int_eq(write(fd, sds, sizeof(sds)), (ssize_t)sizeof(sds));
}

/*
 * A raw RFB 3.8 viewer that announces raw and ExtendedDesktopSize, sends
 * SetDesktopSize, and returns the ExtendedDesktopSize answer: the status
 * (0 success, 1 prohibited) and the size in *w, *h; -1 on no answer.
 */
int raw_resize(int port, int want_w, int want_h, int *w, int *h)
{
	unsigned char buf[256];
	int fd = raw_connect(port, 0), status = -1;

	send_resize(fd, want_w, want_h);
	static const unsigned char req[10] = { 3, 1, 0, 0, 0, 0, 0, 8, 0, 8 };
	ck_assert_int_eq(write(fd, req, sizeof(req)), (ssize_t)sizeof(req));
	/* Read updates until the answer to our request (x == 1: requested by us). */
	for (int msgs = 0; msgs < 20 && status < 0; msgs++) {
		read_exact(fd, buf, 1);
		/* A selection made meanwhile reaches every viewer: skip its text. */
		if (buf[0] == 3) {
			read_exact(fd, buf, 7);
			for (uint32_t left = be_uint(buf + 3, 4); left;) {
				uint32_t n = left < sizeof(buf) ? left : sizeof(buf);

				read_exact(fd, buf, n);
				left -= n;
			}
			continue;
		}
		ck_assert_msg(buf[0] == 0, "unexpected server message %d", buf[0]);
		read_exact(fd, buf, 3);
		int nrects = (int)be_uint(buf + 1, 2);

		for (int r = 0; r < nrects; r++) {
			read_exact(fd, buf, 12);
			int rx = (int)be_uint(buf, 2), ry = (int)be_uint(buf + 2, 2);
			int rw = (int)be_uint(buf + 4, 2), rh = (int)be_uint(buf + 6, 2);
			uint32_t e = be_uint(buf + 8, 4);

			if (e == 0) { /* raw pixels: skip them */
				for (long left = (long)rw * rh * 4; left > 0;) {
					int k = left > (long)sizeof(buf) ? (int)sizeof(buf) : (int)left;

					read_exact(fd, buf, (size_t)k);
					left -= k;
				}
			} else if (e == 0xfffffecc) {
				read_exact(fd, buf, 4);
				int nscreens = buf[0];

				for (int i = 0; i < nscreens; i++)
					read_exact(fd, buf, 16);
				if (rx == 1) {
					status = ry;
					*w = rw;
					*h = rh;
				}
			} else {
				ck_abort_msg("unexpected encoding %d", (int)e);
			}
		}
	}
	close(fd);
	return status;
}

/* The worker: the monitor's only child. */
pid_t worker_of(pid_t monitor)
{
	pid_t w = proc_first_child(monitor, 3000);

	ck_assert_msg(w > 0, "the monitor %d has no worker", (int)monitor);
	return w;
}

/* CPU time (user + system) pid has used, in seconds. */
double cpu_seconds(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');

	ck_assert_ptr_nonnull(p);
	/* after ") S": fields 3.. ; utime is field 14, stime 15 */
	ck_assert_int_eq(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st),
			 2);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* A "Vm...:" line of /proc/PID/status, in KiB. */
long status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, flen) && line[flen] == ':')
			kb = atol(line + flen + 1);
	fclose(f);
	ck_assert_msg(kb >= 0, "no %s in %s", field, path);
	return kb;
}

/* Start vncterm with its stderr going to the file log, to read its messages afterwards. */
struct vncterm *start_logged(const char *const *args, int display, const char *log)
{
	int saved = dup(2), fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	struct vncterm *v = vncterm_start(args);

	dup2(saved, 2);
	close(saved);
	close(fd);
	ck_assert_msg(v && v->port >= 5900 + display, "vncterm did not start");
	return v;
}

void read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
}

/* Wait up to ms for what to appear in the file at path. */
bool file_says(const char *path, const char *what, int ms, char *buf, size_t size)
{
	int64_t end = now_ms() + ms;

	do {
		read_file(path, buf, size);
		if (strstr(buf, what))
			return true;
		sleep_ms(20);
	} while (now_ms() < end);
	return false;
}

void temp_file(char *path, const void *bytes, size_t n)
{
	int fd = mkstemp(path);

	ck_assert_msg(fd >= 0, "mkstemp %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, bytes, n), (ssize_t)n);
	close(fd);
}

char proc_state(pid_t pid)
{
	char path[64], buf[512];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	/* After the command's name in parentheses, which may hold anything. */
	char *p = strrchr(buf, ')');

	return p && p[1] == ' ' ? p[2] : '?';
}

DIR *proc_fd_dir(pid_t pid, char *dir, size_t size)
{
	DIR *d;

	snprintf(dir, size, "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot list %s", dir);
	return d;
}

int fd_count(pid_t pid)
{
	char dir[64];
	struct dirent *e;
	DIR *d = proc_fd_dir(pid, dir, sizeof(dir));
	int n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}
