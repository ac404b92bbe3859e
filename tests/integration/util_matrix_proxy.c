/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The viewer matrix's proxy: one thread between libvncclient viewers and
 * vncterm, for what libvncclient cannot do itself.
 *
 * Versions.  libvncclient answers with the version the server offers
 * (capped at 3.8), and then speaks that version's handshake itself: a
 * 3.3 server's u32 security type, a 3.7 server's list without a
 * SecurityResult after None.  So the proxy only has to offer the viewer
 * RFB 3.3 or 3.7 in place of vncterm's 3.8 line; the viewer's answer,
 * checked to be that version, goes to vncterm unchanged, and from then
 * on both ends really speak 3.3 or 3.7 to each other.
 *
 * WebSocket.  libvncclient has none, so the proxy does vncterm's side of
 * RFC 6455: the HTTP Upgrade (binary subprotocol), then the viewer's
 * bytes in masked binary frames (a new mask each), each write in turn as
 * one frame or as two; on a route that asks for it, every third write
 * also as a fragmented message (a binary frame and continuation frames)
 * with a ping between its fragments.  vncterm's frames are unframed for
 * the viewer, its pings answered.
 */
#include "tests/integration/util_matrix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VERSION_LEN 12
/* RFC 6455's own example key, so the accept value is known without SHA-1. */
#define WS_KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define WS_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

enum ws_state { WS_HTTP, WS_HEADER, WS_PAYLOAD };

struct link {
	int cfd, sfd;            /* the viewer's socketpair end, vncterm's TCP */
	struct mx_route route;
	bool closed;
	char err[400];
	/* The version lines seen so far in each direction. */
	char ver_s[VERSION_LEN], ver_c[VERSION_LEN];
	size_t ver_s_len, ver_c_len;
	/* WebSocket, vncterm to viewer: the frame being read. */
	enum ws_state state;
	char http[2048];
	size_t http_len;
	unsigned char hdr[14];
	size_t hdr_len;
	int opcode;
	uint64_t left;           /* payload bytes still to come */
	unsigned char ctl[125];  /* a control frame's payload */
	size_t ctl_len;
	/* WebSocket, viewer to vncterm. */
	unsigned writes, frames, fragmented, pings;
	uint32_t mask_seed;
};

struct mx_proxy {
	pthread_t thread;
	int stop_pipe[2];
	int n;
	struct link *links;
};

static void fail_link(struct link *l, const char *fmt, const char *arg)
{
	if (!l->err[0])
		snprintf(l->err, sizeof(l->err), fmt, arg);
	l->closed = true;
}

static bool send_all(int fd, const void *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t k = send(fd, (const char *)buf + off, n - off, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		off += (size_t)k;
	}
	return true;
}

/*
 * RFB bytes from vncterm to the viewer: its version line becomes the one
 * this route offers.
 */
static void to_viewer(struct link *l, const unsigned char *p, size_t n)
{
	while (n && l->ver_s_len < VERSION_LEN) {
		l->ver_s[l->ver_s_len++] = (char)*p++;
		n--;
		if (l->ver_s_len == VERSION_LEN) {
			char line[VERSION_LEN + 1];

			if (memcmp(l->ver_s, "RFB 003.008\n", VERSION_LEN))
				return fail_link(l, "vncterm offered %s, not RFB 3.8", "another version");
			snprintf(line, sizeof(line), "RFB 003.%03d\n", l->route.minor);
			if (!send_all(l->cfd, line, VERSION_LEN))
				return fail_link(l, "%s", "the viewer went away");
		}
	}
	if (n && !send_all(l->cfd, p, n))
		fail_link(l, "%s", "the viewer went away");
}

/* One masked client frame; the mask changes from frame to frame. */
static bool ws_frame(struct link *l, int opcode, bool fin, const unsigned char *p, size_t n)
{
	unsigned char hd[14], *buf = malloc(n + sizeof(hd));
	size_t k = 0;
	bool ok;

	if (!buf)
		return false;
	hd[k++] = (unsigned char)((fin ? 0x80 : 0) | opcode);
	if (n < 126) {
		hd[k++] = (unsigned char)(0x80 | n);
	} else if (n < 65536) {
		hd[k++] = 0x80 | 126;
		hd[k++] = (unsigned char)(n >> 8);
		hd[k++] = (unsigned char)n;
	} else {
		hd[k++] = 0x80 | 127;
		for (int s = 56; s >= 0; s -= 8)
			hd[k++] = (unsigned char)((uint64_t)n >> s);
	}
	l->mask_seed = l->mask_seed * 1103515245u + 12345u;
	for (int i = 0; i < 4; i++)
		hd[k++] = (unsigned char)(l->mask_seed >> (8 * i));
	memcpy(buf, hd, k);
	for (size_t i = 0; i < n; i++)
		buf[k + i] = p[i] ^ hd[k - 4 + i % 4];
	ok = send_all(l->sfd, buf, k + n);
	free(buf);
	__atomic_fetch_add(&l->frames, 1, __ATOMIC_RELAXED); /* the test reads it meanwhile */
	return ok;
}

/*
 * The viewer's bytes to vncterm in binary frames, cut up differently
 * each time: whole; three fragments with a ping between the first two;
 * two whole frames.
 */
static bool ws_send(struct link *l, const unsigned char *p, size_t n)
{
	unsigned kind = l->writes++ % 3;

	if (!l->route.fragment && kind == 1)
		kind = 2;
	if (n < 3 || kind == 0)
		return ws_frame(l, 2, true, p, n);
	if (kind == 1) {
		size_t a = n / 3, b = 2 * n / 3;

		__atomic_fetch_add(&l->fragmented, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&l->pings, 1, __ATOMIC_RELAXED);
		return ws_frame(l, 2, false, p, a) && ws_frame(l, 9, true, (const unsigned char *)"mx", 2) &&
		       ws_frame(l, 0, false, p + a, b - a) && ws_frame(l, 0, true, p + b, n - b);
	}
	return ws_frame(l, 2, true, p, n / 2) && ws_frame(l, 2, true, p + n / 2, n - n / 2);
}

/* Bytes the viewer sent: its version answer is checked, everything goes to vncterm. */
static void from_viewer(struct link *l)
{
	unsigned char buf[16384];
	ssize_t n = recv(l->cfd, buf, sizeof(buf), 0);

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		l->closed = true; /* the viewer closed: so does the proxy */
		return;
	}
	for (ssize_t i = 0; i < n && l->ver_c_len < VERSION_LEN; i++) {
		l->ver_c[l->ver_c_len++] = (char)buf[i];
		if (l->ver_c_len == VERSION_LEN) {
			char want[VERSION_LEN + 1];

			snprintf(want, sizeof(want), "RFB 003.%03d\n", l->route.minor);
			if (memcmp(l->ver_c, want, VERSION_LEN))
				return fail_link(l, "the viewer did not answer %s", want);
		}
	}
	if (!(l->route.websocket ? ws_send(l, buf, (size_t)n) : send_all(l->sfd, buf, (size_t)n)))
		fail_link(l, "%s", "vncterm went away");
}

/* A whole control frame from vncterm: a ping is answered, a close ends the link. */
static void ws_control(struct link *l)
{
	if (l->opcode == 9) {
		if (!ws_frame(l, 10, true, l->ctl, l->ctl_len))
			fail_link(l, "%s", "vncterm went away");
	} else if (l->opcode == 8) {
		l->closed = true;
	}
}

/* Parse a frame header once it is complete; false while bytes are missing. */
static bool ws_header_done(struct link *l)
{
	size_t need = 2;
	unsigned len7 = l->hdr[1] & 0x7f;

	if (l->hdr_len < 2)
		return false;
	need += len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
	if (l->hdr_len < need)
		return false;
	if (l->hdr[1] & 0x80)
		fail_link(l, "%s", "vncterm masked a frame (RFC 6455 5.1)");
	l->opcode = l->hdr[0] & 0x0f;
	l->left = len7;
	if (len7 >= 126) {
		l->left = 0;
		for (size_t i = 2; i < need; i++)
			l->left = l->left << 8 | l->hdr[i];
	}
	if (l->opcode != 0 && l->opcode != 2 && l->opcode != 8 && l->opcode != 9 && l->opcode != 10)
		fail_link(l, "%s", "vncterm sent a frame that is not binary");
	if (l->opcode >= 8 && l->left > sizeof(l->ctl))
		fail_link(l, "%s", "vncterm sent a control frame over 125 bytes");
	l->ctl_len = 0;
	return true;
}

/* vncterm's bytes through the frame parser. */
static void ws_unframe(struct link *l, const unsigned char *p, size_t n)
{
	while (n && !l->closed) {
		if (l->state == WS_HEADER) {
			l->hdr[l->hdr_len++] = *p++;
			n--;
			if (ws_header_done(l)) {
				l->hdr_len = 0;
				l->state = WS_PAYLOAD;
			}
		}
		if (l->state != WS_PAYLOAD || l->closed)
			continue;
		size_t k = l->left < n ? (size_t)l->left : n;

		if (l->opcode >= 8) {
			memcpy(l->ctl + l->ctl_len, p, k);
			l->ctl_len += k;
		} else {
			to_viewer(l, p, k);
		}
		p += k;
		n -= k;
		l->left -= k;
		if (l->left == 0) {
			if (l->opcode >= 8)
				ws_control(l);
			l->state = WS_HEADER;
		}
	}
}

/* The HTTP answer to the Upgrade, then frames. */
static void ws_http(struct link *l, const unsigned char *p, size_t n)
{
	while (n && l->state == WS_HTTP) {
		if (l->http_len + 1 >= sizeof(l->http))
			return fail_link(l, "%s", "no end to vncterm's HTTP answer");
		l->http[l->http_len++] = (char)*p++;
		n--;
		l->http[l->http_len] = '\0';
		if (!strstr(l->http, "\r\n\r\n"))
			continue;
		if (strncmp(l->http, "HTTP/1.1 101", 12) || !strstr(l->http, WS_ACCEPT) ||
		    !strcasestr(l->http, "Sec-WebSocket-Protocol: binary")) {
			for (char *c = l->http; *c; c++)
				*c = *c == '\r' || *c == '\n' ? '|' : *c;
			return fail_link(l, "WebSocket upgrade refused: %.300s", l->http);
		}
		l->state = WS_HEADER;
	}
	if (n)
		ws_unframe(l, p, n);
}

static void from_vncterm(struct link *l)
{
	unsigned char buf[65536];
	ssize_t n = recv(l->sfd, buf, sizeof(buf), 0);

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		l->closed = true;
		return;
	}
	if (!l->route.websocket)
		to_viewer(l, buf, (size_t)n);
	else if (l->state == WS_HTTP)
		ws_http(l, buf, (size_t)n);
	else
		ws_unframe(l, buf, (size_t)n);
}

static void *proxy_main(void *arg)
{
	struct mx_proxy *p = arg;
	struct pollfd *fds = calloc((size_t)(2 * p->n + 1), sizeof(*fds));

	for (;;) {
		fds[0] = (struct pollfd){ .fd = p->stop_pipe[0], .events = POLLIN };
		for (int i = 0; i < p->n; i++) {
			struct link *l = &p->links[i];

			fds[1 + 2 * i] = (struct pollfd){ .fd = l->closed ? -1 : l->cfd, .events = POLLIN };
			fds[2 + 2 * i] = (struct pollfd){ .fd = l->closed ? -1 : l->sfd, .events = POLLIN };
		}
		if (poll(fds, (nfds_t)(2 * p->n + 1), -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			break;
		for (int i = 0; i < p->n; i++) {
			struct link *l = &p->links[i];

			if (fds[1 + 2 * i].revents && !l->closed)
				from_viewer(l);
			if (fds[2 + 2 * i].revents && !l->closed)
				from_vncterm(l);
			/* Either end gone: the other learns it at once. */
			if (l->closed && l->cfd >= 0) {
				shutdown(l->cfd, SHUT_RDWR);
				shutdown(l->sfd, SHUT_RDWR);
			}
		}
	}
	free(fds);
	return NULL;
}

static int tcp_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Connect link l to vncterm; a WebSocket one sends its Upgrade at once. */
static bool link_open(struct link *l, int port, int i, int *viewer_fd)
{
	int sv[2], big = 1 << 20;
	char req[512];

	l->cfd = l->sfd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return false;
	/* Room for whole updates, so the thread seldom waits on a viewer. */
	for (int k = 0; k < 2; k++) {
		setsockopt(sv[k], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
		setsockopt(sv[k], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	}
	l->cfd = sv[0];
	*viewer_fd = sv[1];
	l->sfd = tcp_connect(port);
	l->mask_seed = 0x9e3779b9u * (uint32_t)(i + 1);
	if (l->sfd < 0)
		return false;
	if (!l->route.websocket)
		return true;
	l->state = WS_HTTP;
	snprintf(req, sizeof(req),
		 "GET /websockify HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
		 "Connection: Upgrade\r\nSec-WebSocket-Key: " WS_KEY "\r\n"
		 "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n"
		 "Origin: http://127.0.0.1\r\n\r\n",
		 port);
	return send_all(l->sfd, req, strlen(req));
}

struct mx_proxy *mx_proxy_start(int port, const struct mx_route *routes, int n, int *fds)
{
	struct mx_proxy *p = calloc(1, sizeof(*p));
	bool ok = p && pipe(p->stop_pipe) == 0;

	if (ok) {
		p->n = n;
		p->links = calloc((size_t)n, sizeof(*p->links));
		ok = p->links != NULL;
	}
	for (int i = 0; ok && i < n; i++) {
		p->links[i].route = routes[i];
		ok = link_open(&p->links[i], port, i, &fds[i]);
		if (!ok)
			fprintf(stderr, "proxy: no connection %d to port %d: %s\n", i, port, strerror(errno));
	}
	if (ok && pthread_create(&p->thread, NULL, proxy_main, p) == 0)
		return p;
	fprintf(stderr, "proxy: cannot start\n");
	return NULL; /* the test fails; the process ends and takes the rest */
}

const char *mx_proxy_error(struct mx_proxy *p, int i)
{
	return p->links[i].err;
}

void mx_proxy_counts(struct mx_proxy *p, int i, unsigned *frames, unsigned *fragmented,
		     unsigned *pings)
{
	*frames = __atomic_load_n(&p->links[i].frames, __ATOMIC_RELAXED);
	*fragmented = __atomic_load_n(&p->links[i].fragmented, __ATOMIC_RELAXED);
	*pings = __atomic_load_n(&p->links[i].pings, __ATOMIC_RELAXED);
}

void mx_proxy_stop(struct mx_proxy *p)
{
	if (!p)
		return;
	if (write(p->stop_pipe[1], "x", 1) == 1)
		pthread_join(p->thread, NULL);
	for (int i = 0; i < p->n; i++) {
		close(p->links[i].cfd);
		close(p->links[i].sfd);
	}
	close(p->stop_pipe[0]);
	close(p->stop_pipe[1]);
	free(p->links);
	free(p);
}
