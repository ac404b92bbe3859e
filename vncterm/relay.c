/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One thread for every viewer's output (relay.h).  Under the mutex: the
 * list of ports and everything in them; the thread holds it while it
 * reads and writes (all nonblocking, a bounded amount a round), and lets
 * it go while it polls.  Each read from a pair becomes one WebSocket
 * frame for a WebSocket viewer, so that a control frame appended between
 * two reads falls between frames.
 *
 * Memory is spent only while viewers are connected, and only as much as
 * they need: the thread runs from the first port added until the last is
 * freed (its stack, the read chunk on it included, is given back as it
 * ends), and what is read is sent straight on; only what a viewer's
 * socket does not take is copied into a buffer of its own, freed once it
 * is sent.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "vncterm/relay.h"
#include "vncterm/websocket.h"

/* libvncserver writes at most its UPDATE_BUF_SIZE (30,000 bytes) at a time. */
#define CHUNK (32 * 1024)
/* Read from one pair per round, so that one busy viewer cannot keep the others waiting. */
#define ROUND_BYTES (256 * 1024)
/* A buffer's first size; it doubles as needed. */
#define FIRST_CAP 4096
/* The thread's stack: poll, read, send, memcpy and the chunk. */
#define STACK_BYTES (CHUNK + 128 * 1024)

struct relay_port {
	struct relay *r;
	struct relay_port *next;
	int pair_fd, net_fd;
	bool ws;
	uint8_t *buf;         /* buf[off, len) is still to be sent */
	size_t off, len, cap;
	uint64_t sent;        /* bytes the viewer's socket took (the audit line's) */
	bool pair_eof, broken, closing, released;
	long long close_by;   /* ms */
};

struct relay {
	pthread_t thread;
	bool running;          /* the loop's thread alone reads and writes it */
	pthread_mutex_t mu;
	int ctl_fd;            /* eventfd: the port list or a port changed */
	int wake_fd;           /* the loop's */
	bool stopping;
	struct relay_port *ports;
	struct pollfd *fds;    /* the thread's */
	size_t nfds_cap;
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0) {
		/* The counter is at its maximum: the reader is woken anyway. */
	}
}

static int reserve(struct relay_port *p, size_t more)
{
	if (p->off && p->off == p->len)
		p->off = p->len = 0;
	if (p->len + more <= p->cap)
		return 0;
	if (p->off) {
		memmove(p->buf, p->buf + p->off, p->len - p->off);
		p->len -= p->off;
		p->off = 0;
		if (p->len + more <= p->cap)
			return 0;
	}
	size_t cap = p->cap ? p->cap : FIRST_CAP;

	while (cap < p->len + more)
		cap *= 2;
	uint8_t *b = realloc(p->buf, cap);

	if (!b)
		return -ENOMEM;
	p->buf = b;
	p->cap = cap;
	return 0;
}

/* Queue a[0, an) then b[0, bn) in the port's buffer. */
static int queue(struct relay_port *p, const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	if (reserve(p, an + bn) < 0)
		return -ENOMEM;
	if (an)
		memcpy(p->buf + p->len, a, an);
	memcpy(p->buf + p->len + an, b, bn);
	p->len += an + bn;
	return 0;
}

/* Append one frame (or, for a plain viewer, the bytes) to the port's buffer. */
static int append(struct relay_port *p, int opcode, const uint8_t *data, size_t n)
{
	uint8_t hdr[WS_HEADER_MAX];
	size_t h = p->ws ? ws_frame_header(hdr, opcode, n) : 0;

	return queue(p, hdr, h, data, n);
}

static void set_broken(struct relay_port *p)
{
	if (!p->broken) {
		p->broken = true;
		kick(p->r->wake_fd);
	}
	p->off = p->len = 0;
}


/*
 * One read's bytes as one frame (or as they are): sent at once if nothing
 * is queued before them, and what the socket did not take is queued.
 */
static int deliver(struct relay_port *p, const uint8_t *data, size_t n)
{
	uint8_t hdr[WS_HEADER_MAX];
	size_t h = p->ws ? ws_frame_header(hdr, WS_BINARY, n) : 0, done = 0;

	if (p->off == p->len) {
		struct iovec iov[2] = { { hdr, h }, { (void *)data, n } };
		ssize_t k;

		/*
		 * writev, not sendmsg: the sandbox refuses sendmsg, whose
		 * address seccomp cannot see (sandbox.c).  The socket is
		 * nonblocking and SIGPIPE ignored, as send()'s flags would make it.
		 */
		do
			k = writev(p->net_fd, h ? iov : iov + 1, h ? 2 : 1);
		while (k < 0 && errno == EINTR);
		if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			set_broken(p);
			return 0;
		}
		done = k > 0 ? (size_t)k : 0;
		p->sent += done;
	}
	if (done >= h + n)
		return 0;
	if (done < h)
		return queue(p, hdr + done, h - done, data, n);
	return queue(p, NULL, 0, data + (done - h), n - (done - h));
}

/* What libvncserver wrote, on to the viewer; dropped once the viewer is gone. */
static void take(struct relay_port *p, uint8_t *chunk)
{
	for (size_t got = 0; !p->pair_eof && got < ROUND_BYTES;) {
		ssize_t n = read(p->pair_fd, chunk, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			p->pair_eof = true;
			break;
		}
		got += (size_t)n;
		if (!p->broken && deliver(p, chunk, (size_t)n) < 0)
			set_broken(p); /* out of memory: the viewer loses its connection, not the daemon */
	}
}

static void give(struct relay_port *p)
{
	while (!p->broken && p->off < p->len) {
		ssize_t n = send(p->net_fd, p->buf + p->off, p->len - p->off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			set_broken(p);
			break;
		}
		p->off += (size_t)n;
		p->sent += (uint64_t)n;
	}
	/* Sent: an idle viewer keeps no buffer. */
	if (p->off == p->len && p->cap) {
		free(p->buf);
		p->buf = NULL;
		p->off = p->len = p->cap = 0;
	}
}

static void service(struct relay_port *p, long long now, uint8_t *chunk)
{
	if (p->released)
		return;
	take(p, chunk);
	give(p);
	if (p->closing && ((p->pair_eof && (p->broken || p->off == p->len)) || now >= p->close_by)) {
		close(p->pair_fd);
		shutdown(p->net_fd, SHUT_RDWR);
		close(p->net_fd);
		p->released = true;
		free(p->buf);
		p->buf = NULL;
		p->off = p->len = p->cap = 0;
		kick(p->r->wake_fd);
	}
}

/* Under r->mu: the fds to poll, and how long until a closing port must give up. */
static int build(struct relay *r, int *timeout, long long now)
{
	size_t need = 1;

	for (struct relay_port *p = r->ports; p; p = p->next)
		need += 2;
	if (need > r->nfds_cap) {
		struct pollfd *f = realloc(r->fds, need * sizeof(*f));

		if (!f)
			return -ENOMEM;
		r->fds = f;
		r->nfds_cap = need;
	}
	int n = 0;

	r->fds[n++] = (struct pollfd){ .fd = r->ctl_fd, .events = POLLIN };
	*timeout = -1;
	for (struct relay_port *p = r->ports; p; p = p->next) {
		if (p->released)
			continue;
		if (!p->pair_eof) {
			r->fds[n++] = (struct pollfd){ .fd = p->pair_fd, .events = POLLIN };
		}
		if (!p->broken && p->off < p->len) {
			r->fds[n++] = (struct pollfd){ .fd = p->net_fd, .events = POLLOUT };
		}
		if (p->closing) {
			long long left = p->close_by - now;
			int ms = left < 0 ? 0 : left > 1000 ? 1000 : (int)left;

			if (*timeout < 0 || ms < *timeout)
				*timeout = ms;
		}
	}
	return n;
}

static void *relay_thread(void *arg)
{
	struct relay *r = arg;
	uint8_t chunk[CHUNK];

	pthread_mutex_lock(&r->mu);
	while (!r->stopping) {
		int timeout, n = build(r, &timeout, mono_ms());

		pthread_mutex_unlock(&r->mu);
		if (n < 0) {
			poll(NULL, 0, 10); /* out of memory: try again soon */
		} else if (poll(r->fds, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			n = -1;
		}
		pthread_mutex_lock(&r->mu);
		uint64_t v;

		if (n > 0 && r->fds[0].revents && read(r->ctl_fd, &v, sizeof(v)) < 0) {
			/* Nothing to clear. */
		}
		long long now = mono_ms();

		/* Every port: a closing one may be due, a new one may have data already. */
		for (struct relay_port *p = r->ports; p; p = p->next)
			service(p, now, chunk);
	}
	free(r->fds);
	r->fds = NULL;
	r->nfds_cap = 0;
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* From the loop's thread, for the first port. */
static int start(struct relay *r)
{
	pthread_attr_t attr;
	int e;

	if (r->running)
		return 0;
	r->stopping = false;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_BYTES);
	e = pthread_create(&r->thread, &attr, relay_thread, r);
	pthread_attr_destroy(&attr);
	r->running = e == 0;
	return -e;
}

/* From the loop's thread, once no port is left: the thread's stack and buffers go with it. */
static void stop(struct relay *r)
{
	if (!r->running)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = true;
	pthread_mutex_unlock(&r->mu);
	kick(r->ctl_fd);
	pthread_join(r->thread, NULL);
	r->running = false;
}

struct relay *relay_new(int wake_fd, int *err)
{
	struct relay *r = calloc(1, sizeof(*r));

	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	r->wake_fd = wake_fd;
	r->ctl_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->ctl_fd < 0) {
		*err = -errno;
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	*err = 0;
	return r;
}

void relay_free(struct relay *r)
{
	if (!r)
		return;
	stop(r);
	pthread_mutex_destroy(&r->mu);
	close(r->ctl_fd);
	free(r);
}

struct relay_port *relay_add(struct relay *r, int pair_fd, int net_fd, bool ws)
{
	struct relay_port *p = calloc(1, sizeof(*p));

	if (!p || start(r) < 0) {
		free(p);
		return NULL;
	}
	p->r = r;
	p->pair_fd = pair_fd;
	p->net_fd = net_fd;
	p->ws = ws;
	pthread_mutex_lock(&r->mu);
	p->next = r->ports;
	r->ports = p;
	pthread_mutex_unlock(&r->mu);
	kick(r->ctl_fd);
	return p;
}

void relay_flush(struct relay_port *p)
{
	uint8_t chunk[CHUNK];

	pthread_mutex_lock(&p->r->mu);
	service(p, mono_ms(), chunk);
	pthread_mutex_unlock(&p->r->mu);
}

size_t relay_pending(struct relay_port *p)
{
	pthread_mutex_lock(&p->r->mu);
	size_t n = p->len - p->off;

	pthread_mutex_unlock(&p->r->mu);
	return n;
}

uint64_t relay_sent(struct relay_port *p)
{
	pthread_mutex_lock(&p->r->mu);
	uint64_t n = p->sent;

	pthread_mutex_unlock(&p->r->mu);
	return n;
}

bool relay_broken(struct relay_port *p)
{
	pthread_mutex_lock(&p->r->mu);
	bool b = p->broken;

	pthread_mutex_unlock(&p->r->mu);
	return b;
}

void relay_control(struct relay_port *p, int opcode, const uint8_t *payload, size_t len)
{
	pthread_mutex_lock(&p->r->mu);
	if (p->ws && !p->broken && !p->closing && len <= WS_CONTROL_MAX &&
	    append(p, opcode, payload, len) < 0)
		set_broken(p);
	pthread_mutex_unlock(&p->r->mu);
	kick(p->r->ctl_fd);
}

void relay_close(struct relay_port *p, int flush_ms)
{
	pthread_mutex_lock(&p->r->mu);
	p->closing = true;
	p->close_by = mono_ms() + flush_ms;
	pthread_mutex_unlock(&p->r->mu);
	kick(p->r->ctl_fd);
}

bool relay_released(struct relay_port *p)
{
	pthread_mutex_lock(&p->r->mu);
	bool done = p->released;

	pthread_mutex_unlock(&p->r->mu);
	return done;
}

void relay_free_port(struct relay_port *p)
{
	struct relay *r = p->r;

	pthread_mutex_lock(&r->mu);
	for (struct relay_port **pp = &r->ports; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	bool last = !r->ports;

	pthread_mutex_unlock(&r->mu);
	free(p->buf);
	free(p);
	if (last)
		stop(r);
}
