/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a viewer's bytes into the daemon's VNC side
 * (vncterm/vnc.c, viewer.c, gate.c, websocket.c, clipboard.c, relay.c and
 * libvncserver behind them), from the first byte of the handshake, RFB or
 * WebSocket, over a socketpair served with vnc_add_viewer(), while the
 * console scrolls, resizes, retitles and changes its clipboard.
 *
 * The input is read from both ends, as libFuzzer's FuzzedDataProvider
 * does, so that a mutation of the viewer's stream leaves the chunking
 * alone and the other way round:
 *  - the viewer's bytes from the front;
 *  - from the back, one setup byte (bit 0: the server wants VNC
 *    passwords; bits 1-2: the first framebuffer size), then one control
 *    byte per chunk: the low nibble is the chunk's length (CHUNK_LENS,
 *    15: all that is left), the high nibble what the console does after
 *    it (enum action), with its parameter bytes after it, also from the
 *    back.  Out of control bytes, the rest is one chunk.
 * After each chunk the loop runs one round (vnc_process()); what the
 * server sends back is read and thrown away (unread, it would fill the
 * relay and put the viewer on hold), and for a WebSocket viewer checked
 * to be well-formed server frames after the HTTP answer.  Then our end is
 * closed and the loop runs until the viewer is reaped, which must happen
 * within REAP_MS.  The two struct vnc (with and without passwords) are
 * made once; every input starts from the same title, clipboard and size.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_check.h"
#include "vncterm/log.h"
#include "vncterm/sysrq.h"
#include "vncterm/vnc.h"
#include "vncterm/vnc_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Large enough to cut every message somewhere, small enough to keep runs fast. */
#define FB_MAX_W 320
#define FB_MAX_H 200
/* A viewer closed by us is reaped within this: its relay flushes for 1 s at most. */
#define REAP_MS 5000
/* Rounds after the last chunk, for input left over from a busy round. */
#define TAIL_ROUNDS 4
/* Tries to write one chunk while the server is not reading. */
#define WRITE_TRIES 32

static const size_t CHUNK_LENS[15] = { 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 32, 64, 256, 1024 };
static const int SIZES[4][2] = { { 80, 25 }, { 7, 3 }, { 320, 200 }, { 64, 64 } };

enum action {
	ACT_DAMAGE = 8,  /* 4 bytes: a rectangle */
	ACT_SCROLL,      /* 1 byte: rows up (bit 7: down) */
	ACT_RESIZE,      /* 2 bytes: width, height */
	ACT_CLIPBOARD,   /* 1 byte: the text's length (255: a long one) */
	ACT_TITLE,       /* 1 byte: the title's length */
	ACT_WAIT,        /* none: let the relay catch up */
	ACT_CLIP_EMPTY,  /* none: an empty selection */
	/* 0-7 and 15: nothing */
};

struct screen {
	struct vnc *vnc;
	uint32_t *fb;
	int w, h;
};

static struct screen screens[2];
static unsigned long keys, pointers, resizes, pastes;

static uint32_t *fb_new(int w, int h)
{
	uint32_t *fb = malloc((size_t)w * (size_t)h * sizeof(*fb));

	FUZZ_CHECK(fb != NULL);
	/* Not flat: the encoders a viewer picks have something to do. */
	for (int i = 0; i < w * h; i++)
		fb[i] = (uint32_t)(i * 2654435761u) & 0x00ffffffu;
	return fb;
}

static void set_size(struct screen *s, int w, int h)
{
	uint32_t *old = s->fb;

	s->fb = fb_new(w, h);
	s->w = w;
	s->h = h;
	vnc_set_framebuffer(s->vnc, s->fb, w, h);
	free(old);
}

/* Shift+Insert and a middle click paste, as in the daemon: the viewer's clipboard is typed. */
static bool on_key(uint32_t keysym, unsigned mods, void *user)
{
	(void)user;
	FUZZ_CHECK(mods < 8);
	keys++;
	return keysym == 0xff63;
}

static bool on_pointer(int button, bool down, int x, int y, unsigned held, unsigned mods,
		       void *user)
{
	(void)user;
	FUZZ_CHECK(button >= -1 && button < 5);
	FUZZ_CHECK(x >= 0 && x < 65536 && y >= 0 && y < 65536);
	FUZZ_CHECK(held < 32 && mods < 8);
	pointers++;
	return down && button == 1;
}

/* As the daemon does: a new framebuffer, told to every viewer. */
static int on_resize(int width, int height, void *user)
{
	struct screen *s = user;

	resizes++;
	if (width < 1 || height < 1 || width > FB_MAX_W || height > FB_MAX_H)
		return -EINVAL;
	if (width == 13)
		return -EPERM; /* a console that cannot resize */
	set_size(s, width, height);
	return 0;
}

static void on_paste(const char *utf8, size_t len, void *user)
{
	(void)user;
	/* Latin-1 doubles at most; the text ends at its first NUL. */
	FUZZ_CHECK(len > 0 && len <= 2 * (size_t)GATE_CUT_MAX);
	FUZZ_CHECK(memchr(utf8, '\0', len) == NULL);
	pastes++;
}

/* --sysrq on: a key within an Alt+SysRq sequence, never SysRq or Print itself. */
static void on_sysrq(uint32_t keysym, const char *viewer, bool view_only, void *user)
{
	(void)view_only;
	(void)user;
	FUZZ_CHECK(keysym != SYSRQ_KEYSYM_SYS_REQ && keysym != SYSRQ_KEYSYM_PRINT);
	FUZZ_CHECK(viewer && viewer[0]);
	keys++;
}

static const struct vnc_callbacks callbacks = {
	.key = on_key,
	.pointer = on_pointer,
	.resize = on_resize,
	.paste = on_paste,
	.sysrq = on_sysrq,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	/* As main.c: a viewer gone mid-write must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	log_open(LOG_TO_STDERR, 0, "fuzz_vnc");
	for (int i = 0; i < 2; i++) {
		struct screen *s = &screens[i];

		s->w = SIZES[0][0];
		s->h = SIZES[0][1];
		s->fb = fb_new(s->w, s->h);
		s->vnc = vnc_new("127.0.0.1", 4000 + i, "fuzz", s->fb, s->w, s->h, 0, 4, &callbacks,
				 s, err, sizeof(err));
		if (!s->vnc) {
			fprintf(stderr, "fuzz_vnc: vnc_new: %s\n", err);
			exit(1);
		}
	}
	FUZZ_CHECK(vnc_set_passwords(screens[1].vnc, "secret", "viewonly") == 0);
	vnc_set_paste_on_receive(screens[0].vnc, true); /* the other keeps text until a paste */
	return 0;
}

/* The input from both ends. */
struct input {
	const uint8_t *d;
	size_t front, back;
};

static uint8_t ctl(struct input *in)
{
	return in->back > in->front ? in->d[--in->back] : 0;
}

/* --- what the server sends: checked as WebSocket frames for a WebSocket viewer --- */

struct out_check {
	bool ws;
	enum { HTTP, FRAMES, REFUSED } state;
	uint32_t tail;       /* the last 4 bytes of the HTTP answer */
	size_t answer_len;
	bool answer_ok;      /* "HTTP/1.1 101" */
	uint8_t hdr[10];
	unsigned hdr_len;
	uint64_t left;       /* payload still to come */
};

static void check_http(struct out_check *o, uint8_t b)
{
	static const char ok[] = "HTTP/1.1 101 ", bad[] = "HTTP/1.1 400 ";

	if (o->answer_len < sizeof(ok) - 1) {
		FUZZ_CHECK(b == (uint8_t)ok[o->answer_len] || b == (uint8_t)bad[o->answer_len]);
		o->answer_ok = o->answer_len == 0 || (o->answer_ok && b == (uint8_t)ok[o->answer_len]);
	}
	o->answer_len++;
	FUZZ_CHECK(o->answer_len <= WS_ANSWER_MAX);
	o->tail = o->tail << 8 | b;
	if (o->tail == 0x0d0a0d0a)
		o->state = o->answer_ok ? FRAMES : REFUSED;
}

/* One frame header is whole in o->hdr: what the relay makes, nothing else. */
static void check_frame(struct out_check *o)
{
	unsigned op = o->hdr[0] & 0x0f, n = o->hdr[1];

	FUZZ_CHECK(o->hdr[0] & 0x80);         /* never fragmented */
	FUZZ_CHECK(!(o->hdr[0] & 0x70));      /* no reserved bits */
	FUZZ_CHECK(op == 2 || op == 8 || op == 10); /* binary, close, pong */
	FUZZ_CHECK(!(n & 0x80));              /* a server never masks */
	o->left = n;
	if (n == 126)
		o->left = (uint64_t)o->hdr[2] << 8 | o->hdr[3];
	for (int i = 0; n == 127 && i < 8; i++)
		o->left = (i ? o->left << 8 : 0) | o->hdr[2 + i];
	FUZZ_CHECK(op == 2 || o->left <= WS_CONTROL_MAX);
	FUZZ_CHECK(n < 126 || o->left >= 126);  /* the shortest form */
	FUZZ_CHECK(n < 127 || o->left > 0xffff);
	o->hdr_len = 0;
}

static void check_out(struct out_check *o, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len && o->ws;) {
		if (o->state == HTTP) {
			check_http(o, p[i++]);
		} else if (o->state == REFUSED) {
			FUZZ_CHECK(!"bytes after a refused WebSocket request");
		} else if (o->left) {
			size_t n = len - i < o->left ? len - i : (size_t)o->left;

			o->left -= n;
			i += n;
		} else {
			o->hdr[o->hdr_len++] = p[i++];
			unsigned want = o->hdr_len < 2 ? 2 : o->hdr[1] == 126 ? 4 :
								 o->hdr[1] == 127 ? 10 : 2;

			if (o->hdr_len == want)
				check_frame(o);
		}
	}
}

/* Read and discard what the server sent so far. */
static void drain(int fd, struct out_check *o)
{
	static uint8_t buf[64 * 1024];

	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n <= 0)
			break;
		check_out(o, buf, (size_t)n);
	}
}

/* --- what the console does between chunks --- */

/* Text for the clipboard and the title: ASCII, Latin-1, beyond it, broken UTF-8. */
static const char TEXT[] = "echo hello\r\nwide \xe4\xb8\xad\xe6\x96\x87 caf\xc3\xa9 "
			   "\xf0\x9f\x98\x80 \xc3\xbf\xc2\xa0 broken \xc3 \x80\xff tab\there ";

static const char *text_of(size_t len, char *buf, size_t cap)
{
	size_t n = len < cap - 1 ? len : cap - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = TEXT[i % (sizeof(TEXT) - 1)];
	buf[n] = '\0';
	return buf;
}

/* Rows moved as the daemon moves them: the pixels first, then libvncserver told. */
static void scroll(struct screen *s, uint8_t p)
{
	int n = 1 + (p & 0x7f) % s->h, w = s->w, keep = s->h - n;

	if (keep <= 0) {
		vnc_damage(s->vnc, 0, 0, w, s->h);
		return;
	}
	if (p & 0x80) {
		memmove(s->fb + (size_t)n * w, s->fb, (size_t)keep * w * sizeof(*s->fb));
		vnc_copy(s->vnc, 0, n, w, keep, 0, n);
		vnc_damage(s->vnc, 0, 0, w, n);
	} else {
		memmove(s->fb, s->fb + (size_t)n * w, (size_t)keep * w * sizeof(*s->fb));
		vnc_copy(s->vnc, 0, 0, w, keep, 0, -n);
		vnc_damage(s->vnc, 0, keep, w, n);
	}
}

static void damage(struct screen *s, struct input *in)
{
	int x = ctl(in) % s->w, y = ctl(in) % s->h;
	int w = 1 + ctl(in) % (s->w - x), h = 1 + ctl(in) % (s->h - y);

	for (int r = y; r < y + h; r++)
		for (int c = x; c < x + w; c++)
			s->fb[(size_t)r * s->w + c] ^= 0x00808080u;
	vnc_damage(s->vnc, x, y, w, h);
}

static void act(struct screen *s, struct input *in, int action)
{
	static char text[70 * 1024];

	switch (action) {
	case ACT_DAMAGE:
		damage(s, in);
		break;
	case ACT_SCROLL:
		scroll(s, ctl(in));
		break;
	case ACT_RESIZE: {
		int w = 1 + ctl(in) % FB_MAX_W, h = 1 + ctl(in) % FB_MAX_H;

		set_size(s, w, h);
		break;
	}
	case ACT_CLIPBOARD: {
		/* 255: longer than a viewer's Caps may take unasked (then it is notified). */
		size_t n = ctl(in);

		n = n == 255 ? sizeof(text) - 1 : n * 3;
		vnc_set_clipboard(s->vnc, text_of(n, text, sizeof(text)), n);
		break;
	}
	case ACT_TITLE:
		/* Up to 300: longer than the title vncterm keeps. */
		vnc_set_title(s->vnc, text_of(ctl(in) * 300u / 255u, text, sizeof(text)));
		break;
	case ACT_WAIT:
		poll(NULL, 0, 1);
		break;
	case ACT_CLIP_EMPTY:
		vnc_set_clipboard(s->vnc, "", 0);
		break;
	default:
		break;
	}
}

/* --- the viewer's life --- */

/* Write one chunk, letting the server read when the socket is full. */
static bool feed(struct screen *s, int fd, const uint8_t *p, size_t n, struct out_check *o)
{
	for (int tries = 0; n && tries < WRITE_TRIES; tries++) {
		ssize_t w = send(fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return false; /* the server closed: the rest goes nowhere */
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		}
		if (n) {
			vnc_process(s->vnc);
			drain(fd, o);
		}
	}
	return n == 0;
}

/* Close our end and run the loop until the viewer's slot is free. */
static void reap(struct screen *s, int fd)
{
	struct vnc *v = s->vnc;
	struct timespec t0, t;

	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd fds[8];
		int timeout = 10;

		vnc_process(v);
		if (v->nconns == 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		FUZZ_CHECK((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < REAP_MS);
		int n = vnc_pollfds(v, fds, 8, &timeout);

		poll(fds, (nfds_t)n, timeout < 0 || timeout > 10 ? 10 : timeout);
	}
	FUZZ_CHECK(vnc_clients(v) == 0);
}

/* The same start for every input: title, clipboard and size. */
static struct screen *start(struct input *in)
{
	uint8_t setup = ctl(in);
	struct screen *s = &screens[setup & 1];
	const int *size = SIZES[(setup >> 1) & 3];

	vnc_set_title(s->vnc, "fuzz");
	vnc_set_clipboard(s->vnc, "clip \xc3\xa9", 7);
	if (s->w != size[0] || s->h != size[1])
		set_size(s, size[0], size[1]);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { .d = data, .front = 0, .back = size };
	struct screen *s = start(&in);
	struct out_check o = { .ws = size >= 4 && !memcmp(data, "GET ", 4) };
	int sv[2];

	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	FUZZ_CHECK(vnc_add_viewer(s->vnc, sv[0]) == 0);
	vnc_process(s->vnc);
	while (in.front < in.back) {
		uint8_t c = ctl(&in);
		size_t left = in.back - in.front;
		size_t n = (c & 15) == 15 || CHUNK_LENS[c & 15] > left ? left : CHUNK_LENS[c & 15];
		const uint8_t *p = in.d + in.front;

		in.front += n;
		act(s, &in, c >> 4);
		if (!feed(s, sv[1], p, n, &o))
			break;
		vnc_process(s->vnc);
		drain(sv[1], &o);
	}
	for (int i = 0; i < TAIL_ROUNDS; i++) {
		vnc_process(s->vnc);
		drain(sv[1], &o);
	}
	reap(s, sv[1]);
	return 0;
}
