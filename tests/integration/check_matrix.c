/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The viewer matrix (issue #18): the real daemon served to libvncclient
 * viewers in every combination of
 *   - encodings: each single one libvncclient 0.9.14 decodes (raw,
 *     copyrect, rre, corre, hextile, zlib, zrle, zywrle, tight, ultra;
 *     not tightpng, for which it has no decoder), libvncclient's default
 *     list, and TigerVNC 1.12's and noVNC 1.3's lists;
 *   - with and without the cursor pseudo-encodings;
 *   - pixel formats 32 bpp little and big endian, 16 bpp 565, 8 bpp true
 *     colour (BGR233) and 8 bpp colour map;
 *   - RFB 3.3, 3.7 and 3.8;
 *   - TCP and WebSocket
 * 13 x 2 x 5 x 3 x 2 = 780 viewers, the whole cross product.  One daemon
 * per encoding list and cursor choice serves its 30 viewers at once
 * (pixel format x version x transport), so a daemon that dies names the
 * encodings that killed it.  Each batch goes through a whole-screen
 * scroll flood, a region scroll, a selection (which vncterm sends to
 * every viewer's clipboard), a resize by SetDesktopSize from every
 * viewer, and a clipboard paste from every viewer; after each, vncterm
 * must be up and every viewer's framebuffer, converted from its pixel
 * format, must be what the project's emulator and renderer make of the
 * bytes the console wrote (but for 72 big-endian viewers whose pixels
 * libvncclient cannot decode: see big_endian_broken).  MX_BATCH=N runs
 * batch N alone, MX_STRIDE=N every Nth, MX_DEBUG=1 shows libvncclient's
 * messages.
 *
 * A second test sends messages that vncterm should refuse (SetScale and
 * others) and checks that the viewer is closed and vncterm carries on.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_matrix.h"
#include "tests/integration/util_vncterm.h"
#include "vncterm/render.h"
#include "vt100/vt100.h"

/* Displays 400-429 are this suite's; a batch uses 400 + its number. */
#define DISPLAY_BASE 400
#define DISPLAY_UNUSUAL 429
#define ROWS 12
#define COLS 40
#define NEW_ROWS 14
#define NEW_COLS 48
#define FLOOD_LINES 150
/* A condition that never comes fails after this; nothing is timed otherwise. */
#define WAIT_MS 20000

/* ---- the dimensions ---- */

#define NVERSIONS 3
static const int versions[NVERSIONS] = { 3, 7, 8 };

/* Captured from xtigervncviewer 1.12.0 (Debian 12) connecting to a test server. */
static const int32_t tigervnc_list[] = {
	-314, 0x574d5664, -239, -240, 0x574d5666, -223, -308, -307, -224, MX_EXT_CLIPBOARD,
	-313, -312, -258, 7, 1, 16, 5, 2, 1, 0, -254, -24,
};
/* noVNC 1.3.0's _sendEncodings() at its defaults (quality 6, compression 2, depth 24). */
static const int32_t novnc_list[] = {
	1, 7, -260, 5, 2, 0, -26, -254, -223, -224, -258, -308, -309, -312, -313, -307,
	MX_EXT_CLIPBOARD, 0x574d5664, -239,
};

struct enc_list {
	const char *name;
	const char *string;   /* appData.encodingsString; NULL: libvncclient's default */
	const int32_t *list;  /* a real viewer's SetEncodings, sent after the handshake */
	int nlist;
	/*
	 * libvncclient 0.9.14 cannot decode what vncterm sends in its
	 * preferred encoding to a 32 bpp big-endian viewer: Tight's 24-bit
	 * pixels it stores in host byte order (RGB24_TO_PIXEL32 in
	 * libvncclient/tight.c), and ZRLE's and ZYWRLE's 24-bit pixels it
	 * reads from other bytes than libvncserver writes them to (every
	 * pixel wrong).  These viewers still go through every step and
	 * must stay connected, decode every message, keep the right size
	 * and get the clipboard; only their pixels go unchecked.  The
	 * daemon's big-endian pixels are checked by the other encodings'
	 * big-endian viewers.
	 */
	bool big_endian_broken;
};

#define NLISTS 13
static const struct enc_list lists[NLISTS] = {
	{ "raw", "raw", NULL, 0, false },
	{ "copyrect", "copyrect", NULL, 0, false },
	{ "rre", "rre", NULL, 0, false },
	{ "corre", "corre", NULL, 0, false },
	{ "hextile", "hextile", NULL, 0, false },
	{ "zlib", "zlib", NULL, 0, false },
	{ "zrle", "zrle", NULL, 0, true },
	{ "zywrle", "zywrle", NULL, 0, true },
	{ "tight", "tight", NULL, 0, true },
	{ "ultra", "ultra", NULL, 0, false },
	/* Tight comes first in the three lists below, so vncterm uses it. */
	{ "libvncclient-default", NULL, NULL, 0, true },
	{ "tigervnc-1.12", "raw", tigervnc_list, sizeof(tigervnc_list) / sizeof(tigervnc_list[0]),
	  true },
	{ "novnc-1.3", "raw", novnc_list, sizeof(novnc_list) / sizeof(novnc_list[0]), true },
};

#define NBATCHES (NLISTS * 2)
#define PER_BATCH (MX_FORMATS * NVERSIONS * 2)

/* One viewer of the matrix. */
struct combo {
	const struct enc_list *enc;
	bool cursor;
	const struct mx_format *fmt;
	int minor;
	bool ws;
	bool pixels_checked;
	char name[96];
};

/* Viewer i of batch b: the batch fixes the encodings and cursor, i the rest. */
static void combo_of(int b, int i, struct combo *k)
{
	k->enc = &lists[b / 2];
	k->cursor = b % 2;
	k->fmt = &mx_formats[i % MX_FORMATS];
	k->minor = versions[i / MX_FORMATS % NVERSIONS];
	k->ws = i / (MX_FORMATS * NVERSIONS);
	k->pixels_checked = !(k->fmt->big_endian && k->enc->big_endian_broken);
	snprintf(k->name, sizeof(k->name), "%s%s/%s/3.%d/%s", k->enc->name,
		 k->cursor ? "+cursor" : "", k->fmt->name, k->minor, k->ws ? "ws" : "tcp");
}

/* The cursor pseudo-encodings: RichCursor, XCursor, PointerPos, and the
 * alpha and VMware ones the real viewers add. */
static bool is_cursor_encoding(int32_t e)
{
	return e == -239 || e == -240 || e == -232 || e == -314 || e == 0x574d5664 ||
	       e == 0x574d5666;
}

/* ---- the console and what it must show ---- */

#define HIDE "\033[?25l"

/*
 * The console: commands typed by a viewer print known bytes, the
 * scrolls in small steps (a pause every few lines) so that vncterm sends
 * them as CopyRect rather than repainting the screen; clipboard
 * lines ("clip...") are collected and, once every viewer's has come,
 * printed sorted on one line, so their order of arrival does not matter.
 */
static const char script_fmt[] =
	"stty -echo; export LC_ALL=C; f=$(mktemp); n=0; "
	"printf '\\033[?25l\\033[2J\\033[Hmatrix %d viewers\\n'; "
	"while IFS= read -r l; do case \"$l\" in "
	"flood) i=1; while [ $i -le %d ]; do "
	"printf 'flood %%d abcdefghijklmnopqrstuvwxyz\\n' $i; "
	"if [ $((i %% 10)) -eq 0 ]; then sleep 0.02; fi; i=$((i+1)); done;; "
	"region) printf '\\033[4;9r\\033[9;1H'; for i in 1 2 3 4 5 6 7 8 9; do "
	"printf 'region %%d\\n' $i; if [ $((i %% 2)) -eq 0 ]; then sleep 0.02; fi; done; "
	"printf '\\033[r\\033[12;1H';; "
	"sel) printf '\\033[2J\\033[2;3Hh\\303\\251llo world\\n';; "
	"clip*) printf '%%s\\n' \"$l\" >>\"$f\"; n=$((n+1)); if [ $n -eq %d ]; then "
	"sort \"$f\" | tr '\\n' ' '; printf '\\n'; rm -f \"$f\"; fi;; "
	"esac; done";

/* The emulator fed what the console wrote (as the pty passes it: LF as CR LF). */
struct model {
	struct vt *vt;
	struct render *r;
	int rows, cols;
	bool highlight;
};

static void model_write(struct model *m, const char *s)
{
	vt_write(m->vt, s, strlen(s));
}

/*
 * The renderer's pixels for the model now; the caller frees them.  The
 * renderer repaints only what changed, so it lives as long as the model.
 */
static uint32_t *model_pixels(struct model *m, int *w, int *h)
{
	/* The selection step's: "héllo" at row 1, columns 2-6. */
	render_set_highlight(m->r, m->highlight, 1, 2, 1, 6);
	render_update(m->r, m->vt, NULL, NULL);
	const uint32_t *px = render_pixels(m->r, w, h);
	uint32_t *copy = malloc(sizeof(*copy) * (size_t)*w * (size_t)*h);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, px, sizeof(*copy) * (size_t)*w * (size_t)*h);
	return copy;
}

static void clip_text(int i, char *utf8, char *latin1, size_t size)
{
	snprintf(utf8, size, "clip%02d\xc3\xa9\n", i);
	snprintf(latin1, size, "clip%02d\xe9\n", i);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What the console prints once every viewer's clipboard line came: sorted, on one line. */
static void model_clips(struct model *m, int n)
{
	char lines[PER_BATCH][32], *sorted[PER_BATCH], latin1[32];

	for (int i = 0; i < n; i++) {
		clip_text(i, lines[i], latin1, sizeof(lines[i]));
		lines[i][strlen(lines[i]) - 1] = ' '; /* tr '\n' ' ' */
		sorted[i] = lines[i];
	}
	qsort(sorted, (size_t)n, sizeof(sorted[0]), cmp_str);
	for (int i = 0; i < n; i++)
		model_write(m, sorted[i]);
	model_write(m, "\r\n");
}

/* ---- a batch: one daemon, its viewers ---- */

struct batch {
	int b, n;
	struct vncterm *v;
	struct mx_proxy *proxy;
	struct combo combos[PER_BATCH];
	struct mx_viewer views[PER_BATCH];
	struct mx_viewer *vp[PER_BATCH];
	struct model m;
	int steps;
};

struct connect_job {
	struct batch *bt;
	int i, fd;
	pthread_t thread;
};

static void *connect_one(void *arg)
{
	struct connect_job *j = arg;
	const struct combo *k = &j->bt->combos[j->i];
	int32_t list[64];
	int n = 0;

	/* The real viewers' lists, less their cursor encodings if the combination has none. */
	for (int e = 0; e < k->enc->nlist; e++)
		if (k->cursor || !is_cursor_encoding(k->enc->list[e]))
			list[n++] = k->enc->list[e];
	mx_viewer_connect(&j->bt->views[j->i], j->fd, k->fmt, k->enc->string,
			  k->cursor && !k->enc->list, k->enc->list ? list : NULL, n);
	return NULL;
}

/* Every viewer's handshake at once: vncterm waits 100 ms on each for a WebSocket request. */
static void connect_all(struct batch *bt)
{
	struct mx_route routes[PER_BATCH];
	struct connect_job jobs[PER_BATCH];
	int fds[PER_BATCH];

	for (int i = 0; i < bt->n; i++)
		routes[i] = (struct mx_route){ bt->combos[i].minor, bt->combos[i].ws, false };
	bt->proxy = mx_proxy_start(bt->v->port, routes, bt->n, fds);
	ck_assert_msg(bt->proxy != NULL, "the test proxy could not connect to vncterm");
	for (int i = 0; i < bt->n; i++) {
		jobs[i] = (struct connect_job){ bt, i, fds[i], 0 };
		ck_assert_int_eq(pthread_create(&jobs[i].thread, NULL, connect_one, &jobs[i]), 0);
	}
	for (int i = 0; i < bt->n; i++)
		pthread_join(jobs[i].thread, NULL);
}

/* "killed by signal 11 (Segmentation fault)", "exited 1" or "up". */
static void daemon_state(struct vncterm *v, char *buf, size_t size)
{
	if (vncterm_alive(v))
		snprintf(buf, size, "up");
	else if (WIFSIGNALED(v->status))
		snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(v->status),
			 strsignal(WTERMSIG(v->status)));
	else
		snprintf(buf, size, "exited %d", WEXITSTATUS(v->status));
}

/* A viewer's own requirement beyond its screen; why says what is missing. */
typedef bool (*extra_check)(struct batch *bt, int i, char *why, size_t size);

/* Whether viewer i is done: its screen, and extra if given. */
static bool viewer_done(struct batch *bt, int i, const uint32_t *want, int w, int h,
			extra_check extra, char *why, size_t size)
{
	struct mx_viewer *v = &bt->views[i];

	if (!bt->combos[i].pixels_checked) {
		if (v->broken || !v->c) {
			snprintf(why, size, "%s", v->why);
			return false;
		}
		if (v->c->width != w || v->c->height != h) {
			snprintf(why, size, "framebuffer %dx%d, screen %dx%d", v->c->width,
				 v->c->height, w, h);
			return false;
		}
	} else if (!mx_viewer_shows(v, want, w, h, why, size)) {
		return false;
	}
	return !extra || extra(bt, i, why, size);
}

/* List the viewers not done, on stderr, and fail the test. */
static void report(struct batch *bt, const char *step, const bool *done, char (*why)[200])
{
	char state[80], first[400] = "";
	int wrong = 0;

	daemon_state(bt->v, state, sizeof(state));
	for (int i = 0; i < bt->n; i++) {
		if (done[i])
			continue;
		const char *perr = mx_proxy_error(bt->proxy, i);

		fprintf(stderr, "matrix: after the %s: %s: %s%s%s\n", step, bt->combos[i].name, why[i],
			*perr ? "; proxy: " : "", perr);
		/* Cut short on purpose: the whole list is on stderr. */
		if (!wrong++)
			snprintf(first, sizeof(first), "%.90s: %.200s", bt->combos[i].name, why[i]);
	}
	ck_abort_msg("batch %s%s, after the %s: vncterm %s; %d of %d viewers wrong (first %s)",
		     bt->combos[0].enc->name, bt->combos[0].cursor ? "+cursor" : "", step, state,
		     wrong, bt->n, first);
}

/*
 * Pump every viewer until each shows the model's screen (and passes
 * extra), or one that has not is the only kind left: broken ones.
 */
static void expect_screen(struct batch *bt, const char *step, extra_check extra)
{
	bool done[PER_BATCH] = { false };
	char why[PER_BATCH][200];
	int w, h, pending;
	uint32_t *want = model_pixels(&bt->m, &w, &h);
	int64_t deadline = now_ms() + WAIT_MS;

	for (;;) {
		int live = 0;

		pending = 0;
		for (int i = 0; i < bt->n; i++) {
			if (!done[i])
				done[i] = viewer_done(bt, i, want, w, h, extra, why[i], sizeof(why[i]));
			pending += !done[i];
			live += !done[i] && !bt->views[i].broken;
		}
		if (!pending || !live || now_ms() >= deadline)
			break;
		mx_pump(bt->vp, bt->n, 50);
	}
	free(want);
	if (pending || !vncterm_alive(bt->v))
		report(bt, step, done, why);
	bt->steps++;
}

/* The viewer that acts for the batch in a step: a different one each time. */
static struct mx_viewer *driver(struct batch *bt)
{
	int start = (bt->b * 7 + bt->steps * 11) % bt->n;

	for (int k = 0; k < bt->n; k++)
		if (!bt->views[(start + k) % bt->n].broken)
			return &bt->views[(start + k) % bt->n];
	return &bt->views[start];
}

/* A console command, typed as keys. */
static void type(struct batch *bt, const char *cmd)
{
	rfbClient *c = driver(bt)->c;

	for (const char *p = cmd; *p; p++)
		ck_assert(vnc_key(c, (uint32_t)(unsigned char)*p));
	ck_assert(vnc_key(c, XK_Return));
}

/* ---- the steps ---- */

/* Lines scrolled through the whole screen, so CopyRect comes into play. */
static void step_flood(struct batch *bt)
{
	char line[64];

	/* Every viewer moves the pointer first (PointerPos for the others), with no button. */
	for (int i = 0; i < bt->n; i++)
		ck_assert(SendPointerEvent(bt->views[i].c, 8 * i % (COLS * 8), 16 * (i % ROWS), 0));
	type(bt, "flood");
	for (int i = 1; i <= FLOOD_LINES; i++) {
		snprintf(line, sizeof(line), "flood %d abcdefghijklmnopqrstuvwxyz\r\n", i);
		model_write(&bt->m, line);
	}
	expect_screen(bt, "whole-screen scroll flood", NULL);
}

/* A scroll region (DECSTBM) scrolled by lines written at its bottom. */
static void step_region(struct batch *bt)
{
	char line[32];

	type(bt, "region");
	model_write(&bt->m, "\033[4;9r\033[9;1H");
	for (int i = 1; i <= 9; i++) {
		snprintf(line, sizeof(line), "region %d\r\n", i);
		model_write(&bt->m, line);
	}
	model_write(&bt->m, "\033[r\033[12;1H");
	expect_screen(bt, "region scroll", NULL);
}

/* Every viewer has the selection in its clipboard: UTF-8 if it asked for the extended form. */
static bool has_selection(struct batch *bt, int i, char *why, size_t size)
{
	const struct mx_viewer *v = &bt->views[i];
	const char *want = v->ext_clip ? "h\xc3\xa9llo" : "h\xe9llo";

	if (v->cuts > 0 && v->cut_ext == v->ext_clip && !strcmp(v->cut, want))
		return true;
	snprintf(why, size, "clipboard: %d texts, the last \"%s\" (%s), want \"%s\" (%s)", v->cuts,
		 v->cut, v->cut_ext ? "extended" : "Latin-1", want, v->ext_clip ? "extended" : "Latin-1");
	return false;
}

/* A left-button drag over "héllo": highlighted, and in every viewer's clipboard. */
static void step_selection(struct batch *bt)
{
	type(bt, "sel");
	model_write(&bt->m, "\033[2J\033[2;3Hh\xc3\xa9llo world\r\n");
	expect_screen(bt, "selection's text", NULL);
	rfbClient *c = driver(bt)->c;

	ck_assert(SendPointerEvent(c, 2 * 8 + 3, 16 + 8, 1)); /* press on 'h' */
	ck_assert(SendPointerEvent(c, 4 * 8 + 3, 16 + 8, 1));
	ck_assert(SendPointerEvent(c, 6 * 8 + 3, 16 + 8, 1)); /* drag to 'o' */
	ck_assert(SendPointerEvent(c, 6 * 8 + 3, 16 + 8, 0));
	bt->m.highlight = true;
	expect_screen(bt, "selection", has_selection);
	/* A click elsewhere ends it: the rest of the run has no highlight. */
	c = driver(bt)->c;
	ck_assert(SendPointerEvent(c, 30 * 8, 6 * 16, 1));
	ck_assert(SendPointerEvent(c, 30 * 8, 6 * 16, 0));
	bt->m.highlight = false;
	expect_screen(bt, "click ending the selection", NULL);
}

/* SetDesktopSize from every viewer, all for the same size. */
static void step_resize(struct batch *bt)
{
	for (int i = 0; i < bt->n; i++)
		ck_assert(mx_send_resize(&bt->views[i], NEW_COLS * RENDER_CELL_W,
					 NEW_ROWS * RENDER_CELL_H));
	ck_assert_int_eq(vt_resize(bt->m.vt, NEW_ROWS, NEW_COLS), 0);
	ck_assert_int_eq(render_resize(bt->m.r, NEW_ROWS, NEW_COLS), 0);
	bt->m.rows = NEW_ROWS;
	bt->m.cols = NEW_COLS;
	expect_screen(bt, "resize", NULL);
}

/*
 * Each viewer's clipboard typed into the console as it arrives
 * (--paste-on-receive: the relay's mode; paste on request has its own
 * suite, paste_request), and the console prints them all.
 */
static void step_clipboard(struct batch *bt)
{
	char utf8[32], latin1[32];

	for (int i = 0; i < bt->n; i++) {
		clip_text(i, utf8, latin1, sizeof(utf8));
		ck_assert(mx_send_cut(&bt->views[i], utf8, latin1));
	}
	model_clips(&bt->m, bt->n);
	expect_screen(bt, "clipboard paste", NULL);
}

/* Every viewer spoke the version it was offered; every WebSocket one in frames. */
static void check_routes(struct batch *bt)
{
	for (int i = 0; i < bt->n; i++) {
		unsigned frames, fragmented, pings;
		const char *err = mx_proxy_error(bt->proxy, i);

		ck_assert_msg(!*err, "%s: proxy: %s", bt->combos[i].name, err);
		mx_proxy_counts(bt->proxy, i, &frames, &fragmented, &pings);
		ck_assert_msg(!bt->combos[i].ws || frames > 0, "%s: no WebSocket frames",
			      bt->combos[i].name);
	}
}

static void batch_start(struct batch *bt, int b)
{
	char display[32], script[sizeof(script_fmt) + 32], geometry[16];

	bt->b = b;
	bt->n = PER_BATCH;
	for (int i = 0; i < bt->n; i++) {
		combo_of(b, i, &bt->combos[i]);
		bt->vp[i] = &bt->views[i];
	}
	snprintf(display, sizeof(display), "127.0.0.1:%d", DISPLAY_BASE + b);
	snprintf(geometry, sizeof(geometry), "%dx%d", COLS, ROWS);
	snprintf(script, sizeof(script), script_fmt, bt->n, FLOOD_LINES, bt->n);
	const char *const args[] = { "-v", display, "--paste-on-receive", "--geometry", geometry,
				     "--max-viewers", "64",
				     "-c", "/bin/sh", "-c", script, NULL };

	bt->v = start_daemon(args, DISPLAY_BASE + b);
	bt->m = (struct model){ vt_new(ROWS, COLS, NULL, NULL), render_new(ROWS, COLS, 1), ROWS, COLS,
				false };
	ck_assert(bt->m.vt && bt->m.r);
	snprintf(script, sizeof(script), HIDE "\033[2J\033[Hmatrix %d viewers\r\n", bt->n);
	model_write(&bt->m, script);
	connect_all(bt);
}

START_TEST(viewer_matrix)
{
	static struct batch bt;

	/* MX_BATCH=N runs batch N alone (to look at one with MX_DEBUG=1). */
	if (getenv("MX_BATCH") && atoi(getenv("MX_BATCH")) != _i)
		return;
	/*
	 * MX_STRIDE=N runs every Nth batch: the sanitizer runs (Makefile,
	 * SAN_ENV) take a third of the encoding lists, each still with every
	 * pixel format, RFB version and transport; the plain run takes all.
	 */
	if (getenv("MX_STRIDE") && atoi(getenv("MX_STRIDE")) > 1 && _i % atoi(getenv("MX_STRIDE")))
		return;
	signal(SIGPIPE, SIG_IGN);
	batch_start(&bt, _i);
	expect_screen(&bt, "handshake", NULL);
	step_flood(&bt);
	step_region(&bt);
	step_selection(&bt);
	step_resize(&bt);
	step_clipboard(&bt);
	check_routes(&bt);
	for (int i = 0; i < bt.n; i++)
		mx_viewer_close(&bt.views[i]);
	mx_proxy_stop(bt.proxy);
	render_free(bt.m.r);
	vt_free(bt.m.vt);
	stop_daemon(bt.v);
}
END_TEST

/* ---- WebSocket fragments ---- */

#define DISPLAY_FRAGMENTS 428
#define KEYS "abcdefghijklmnopqrstuvwxyz0123456789"

/*
 * RFC 6455 5.4: a message may come in fragments, with control frames
 * between them.  Browsers do not fragment, so the matrix's WebSocket
 * viewers send whole frames; this one fragments every third write, with
 * a ping inside, and its keys must still be typed.
 */
START_TEST(websocket_fragments)
{
	char display[32];
	const char *const args[] = { "-v", display, "--geometry", "40x4", "-c", "/bin/sh", "-c",
				     "stty raw -echo; printf '\\033[?25lready'; exec cat", NULL };
	const struct mx_route route = { 8, true, true };
	struct mx_viewer v = { 0 };
	unsigned frames, fragmented, pings;
	char why[200] = "";
	int fd, w, h;

	signal(SIGPIPE, SIG_IGN);
	snprintf(display, sizeof(display), "127.0.0.1:%d", DISPLAY_FRAGMENTS);
	struct vncterm *d = start_daemon(args, DISPLAY_FRAGMENTS);
	struct mx_proxy *p = mx_proxy_start(d->port, &route, 1, &fd);

	ck_assert_ptr_nonnull(p);
	ck_assert_msg(mx_viewer_connect(&v, fd, &mx_formats[0], "raw", false, NULL, 0),
		      "handshake: %s; proxy: %s", v.why, mx_proxy_error(p, 0));
	/*
	 * Keys typed before the shell has run stty would be echoed by the
	 * pty ahead of "ready": type only once "ready" shows.
	 */
	uint32_t *ready = expected_screen(4, 40, HIDE "ready", &w, &h);
	struct mx_viewer *vp = &v;
	int64_t deadline = now_ms() + WAIT_MS;

	while (!mx_viewer_shows(&v, ready, w, h, why, sizeof(why)) && !v.broken &&
	       now_ms() < deadline)
		mx_pump(&vp, 1, 50);
	free(ready);
	/* Many keys, so many messages go fragmented (each key is two of them). */
	for (const char *k = KEYS; *k; k++)
		ck_assert(vnc_key(v.c, (uint32_t)*k));
	uint32_t *want = expected_screen(4, 40, HIDE "ready" KEYS, &w, &h);

	deadline = now_ms() + WAIT_MS;
	while (!mx_viewer_shows(&v, want, w, h, why, sizeof(why)) && !v.broken &&
	       now_ms() < deadline)
		mx_pump(&vp, 1, 50);
	mx_proxy_counts(p, 0, &frames, &fragmented, &pings);
	ck_assert_msg(fragmented > 0 && pings > 0, "%u fragmented messages, %u pings", fragmented,
		      pings);
	ck_assert_msg(mx_viewer_shows(&v, want, w, h, why, sizeof(why)),
		      "keys sent in fragmented WebSocket messages: %s; proxy: %s", why,
		      mx_proxy_error(p, 0));
	free(want);
	mx_viewer_close(&v);
	mx_proxy_stop(p);
	stop_daemon(d);
}
END_TEST

/* ---- messages vncterm refuses ---- */

struct unusual {
	const char *name;
	unsigned char bytes[12];
	size_t len;
};

/*
 * Messages a terminal has no use for, each well formed: vncterm closes
 * the viewer that sends one (SetScale followed by SetDesktopSize killed
 * it with SIGFPE in libvncserver's scaling code).
 */
static const struct unusual unusual[] = {
	{ "SetScale (8)", { 8, 2, 0, 0 }, 4 },
	{ "PalmVNC SetScale (15)", { 15, 2, 0, 0 }, 4 },
	{ "FileTransfer (7), a directory request", { 7, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 12 },
	{ "xvp (250) shutdown", { 250, 0, 1, 2 }, 4 },
	{ "an unknown type (111)", { 111 }, 1 },
};

/* True if the server closes fd within ms; what it sends meanwhile is drained. */
static bool closed_within(int fd, int ms)
{
	int64_t deadline = now_ms() + ms;
	char buf[65536];

	while (now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return true;
	}
	return false;
}

#define UNUSUAL_SCREEN HIDE "unusual"

START_TEST(unusual_messages)
{
	char display[32];
	const char *const args[] = { "-v", display, "--geometry", "40x10", "-c", "/bin/sh", "-c",
				     "printf '\\033[?25lunusual'; exec cat >/dev/null", NULL };
	/* SetDesktopSize for 50x12 cells: one screen, id 0, at 0,0. */
	static const unsigned char sds[24] = { 251, 0, 400 >> 8, 400 & 255, 0, 192, 1, 0,
					       0, 0, 0, 0, 0, 0, 0, 0, 400 >> 8, 400 & 255, 0, 192 };
	static const unsigned char fur[10] = { 3, 1, 0, 0, 0, 0, 0, 8, 0, 8 };

	signal(SIGPIPE, SIG_IGN);
	snprintf(display, sizeof(display), "127.0.0.1:%d", DISPLAY_UNUSUAL);
	struct vncterm *v = start_daemon(args, DISPLAY_UNUSUAL);

	for (size_t i = 0; i < sizeof(unusual) / sizeof(unusual[0]); i++) {
		int fd = raw_connect(v->port, 0);
		char state[80];

		/* What follows may meet a closed connection: that is the point. */
		send(fd, unusual[i].bytes, unusual[i].len, MSG_NOSIGNAL);
		send(fd, sds, sizeof(sds), MSG_NOSIGNAL);
		send(fd, fur, sizeof(fur), MSG_NOSIGNAL);
		bool closed = closed_within(fd, 10000);

		close(fd);
		sleep_ms(100); /* a crash on the way out shows now */
		daemon_state(v, state, sizeof(state));
		ck_assert_msg(vncterm_alive(v), "after %s: vncterm %s", unusual[i].name, state);
		ck_assert_msg(closed, "a viewer that sent %s was not closed", unusual[i].name);
		/* and it still serves a viewer, at the size it had */
		rfbClient *c = connect_to("127.0.0.1", v);

		assert_screen(c, 10, 40, UNUSUAL_SCREEN, 5000);
		vnc_disconnect(c);
	}
	stop_daemon(v);
}
END_TEST

static int64_t matrix_started;

static void matrix_setup(void)
{
	matrix_started = now_ms();
}

static void matrix_teardown(void)
{
	int unchecked = 0;

	for (int b = 0; b < NBATCHES; b++)
		for (int i = 0; i < PER_BATCH; i++) {
			struct combo k;

			combo_of(b, i, &k);
			unchecked += !k.pixels_checked;
		}
	printf("viewer matrix: %d combinations (%d encoding lists x cursor on/off x %d pixel formats "
	       "x %d RFB versions x TCP/WebSocket; %d without a pixel check) in %d daemons, %.1f s\n",
	       NBATCHES * PER_BATCH, NLISTS, MX_FORMATS, NVERSIONS, unchecked, NBATCHES,
	       (double)(now_ms() - matrix_started) / 1000.0);
	fflush(stdout);
}

Suite *matrix_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("viewer matrix");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, matrix_setup, matrix_teardown);
	tcase_add_loop_test(tc, viewer_matrix, 0, NBATCHES);
	suite_add_tcase(s, tc);
	tc = tcase_create("protocol edges");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, websocket_fragments);
	tcase_add_test(tc, unusual_messages);
	suite_add_tcase(s, tc);
	return s;
}
