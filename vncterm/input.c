/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What viewers send towards the console: keys (keys.c's bytes, or a scroll
 * of the view), the pointer (selection, xterm mouse reports, the wheel),
 * clipboard paste (bracketed, bounded, paced by the source), text-port
 * input, the emulator's own replies, resize requests, and (--sysrq) the
 * domain's SysRq, which is asked of xenstore instead.  Bytes wait in
 * a bounded queue and are written as the source takes them: nothing here
 * blocks the loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vncterm/daemon.h"
#include "vncterm/log.h"
#include "vncterm/paste.h"
#include "vncterm/pty.h"
#include "vncterm/render.h"
#include "vncterm/sysrq.h"
#include "vncterm/vnc.h"
#include "vncterm/xen.h"
#include "xenconsole/console.h"
#include "xenconsole/sysrq.h"
#include "vt100/keys.h"
#include "vt100/mouse.h"
#include "vt100/vt100.h"

/* ---- towards the source: keys and replies ---- */

void drop_paste(struct vncterm *t)
{
	free(t->paste);
	t->paste = NULL;
	t->paste_len = t->paste_off = 0;
}

/* Whether keys, replies and pastes can go to the console now. */
static bool interactive(const struct vncterm *t)
{
	if (t->xc)
		return xencons_connected(t->xc);
	return t->src >= 0 && t->src_is_pty;
}

/* write(2)'s contract, whatever the source. */
static ssize_t src_write(struct vncterm *t, const char *buf, size_t len)
{
	if (t->xc) {
		ssize_t n = xencons_write(t->xc, buf, len);

		if (n < 0) {
			errno = (int)-n;
			return -1;
		}
		return n;
	}
	return write(t->src, buf, len);
}

/*
 * Write queued keys and replies, then pasted text, as far as the source
 * takes them now; the rest waits for POLLOUT, so a paste is paced by the
 * source (a small Xen ring is never overrun) and never blocks the loop.
 */
void flush_outq(struct vncterm *t)
{
	while (t->outq_len && interactive(t)) {
		ssize_t n = src_write(t, t->outq, t->outq_len);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				t->outq_len = 0; /* the source is going away */
			return;
		}
		memmove(t->outq, t->outq + n, t->outq_len - (size_t)n);
		t->outq_len -= (size_t)n;
	}
	while (t->paste && interactive(t)) {
		ssize_t n = src_write(t, t->paste + t->paste_off, t->paste_len - t->paste_off);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				drop_paste(t);
			return;
		}
		t->paste_off += (size_t)n;
		if (t->paste_off == t->paste_len)
			drop_paste(t);
	}
}

bool pending_output(const struct vncterm *t)
{
	return t->outq_len || t->paste;
}

/*
 * Clipboard text becomes typing (paste.c), queued after what is already
 * pending; the queue is bounded at PASTE_MAX, beyond which text is cut.
 */
void on_paste(const char *text, size_t len, void *user)
{
	struct vncterm *t = user;
	struct vt_modes m;
	size_t room = PASTE_MAX - (t->paste_len - t->paste_off);
	char *buf, *q;

	if (!interactive(t) || len == 0)
		return;
	if (len > room)
		len = room;
	buf = malloc(len + PASTE_MARKERS);
	if (!buf)
		return;
	vt_get_modes(t->vt, &m);
	size_t n = paste_encode(text, len, m.bracketed_paste, buf);
	size_t keep = t->paste_len - t->paste_off;

	q = n ? malloc(keep + n) : NULL;
	if (q) {
		if (keep)
			memcpy(q, t->paste + t->paste_off, keep);
		memcpy(q + keep, buf, n);
		free(t->paste);
		t->paste = q;
		t->paste_len = keep + n;
		t->paste_off = 0;
	}
	free(buf);
	flush_outq(t);
}

/*
 * Queue bytes for the source; beyond OUTQ_MAX they are dropped, not
 * blocked on.  With whole, all of them or none: a reply or a key's
 * sequence cut short would reach the program as another sequence, run
 * together with whatever comes next.
 */
static void queue_for_source(struct vncterm *t, const char *buf, size_t len, bool whole)
{
	size_t room = OUTQ_MAX - t->outq_len;

	/* Made at the first key: a console nobody types into keeps no queue. */
	if (!t->outq && !(t->outq = malloc(OUTQ_MAX)))
		return;
	if (!interactive(t) || (whole && len > room))
		return;
	if (len > room)
		len = room;
	memcpy(t->outq + t->outq_len, buf, len);
	t->outq_len += len;
	flush_outq(t);
}

/* A key's, a mouse report's or a reply's bytes: queued whole or dropped. */
static void send_to_source(struct vncterm *t, const char *buf, size_t len)
{
	queue_for_source(t, buf, len, true);
}

/*
 * A viewer asked for another size: cells follow pixels (rounded down).  A
 * pty learns it with TIOCSWINSZ, which signals SIGWINCH to its foreground
 * process group; a file source cannot resize and refuses.
 */
int on_resize(int width, int height, void *user)
{
	struct vncterm *t = user;
	int cw, ch, w, h, err;

	render_cell_size(t->render, &cw, &ch);
	int cols = width / cw, rows = height / ch;

	if (t->src < 0 || !t->src_is_pty)
		return -EPERM;
	if (cols < 1 || rows < 1 || cols > VT_MAX_COLS || rows > VT_MAX_ROWS)
		return -EINVAL;
	int old_rows, old_cols;

	vt_get_size(t->vt, &old_rows, &old_cols);
	/*
	 * The size it has: nothing to redraw (a new framebuffer would start
	 * black, and the emulator, not resized, would damage nothing), but
	 * the viewer is still owed its answer, which a framebuffer brings.
	 */
	if (rows == old_rows && cols == old_cols) {
		uint32_t *same = render_pixels(t->render, &w, &h);

		vnc_set_framebuffer(t->vnc, same, w, h);
		return 0;
	}
	err = vt_resize(t->vt, rows, cols);
	if (err)
		return err;
	err = render_resize(t->render, rows, cols);
	if (err) {
		vt_resize(t->vt, old_rows, old_cols); /* stay consistent with the old framebuffer */
		return err;
	}
	pty_resize(t->src, rows, cols);
	record_resize(t, cols, rows);
	follow_selection(t); /* a resize ends it */
	uint32_t *fb = render_pixels(t->render, &w, &h);

	vnc_set_framebuffer(t->vnc, fb, w, h);
	return 0;
}

int on_tp_snapshot(char **buf, size_t *len, void *user)
{
	return vt_serialize(((struct vncterm *)user)->vt, buf, len);
}

/* The text port is a byte stream: what fits of it is queued. */
void on_tp_input(const char *buf, size_t len, void *user)
{
	queue_for_source(user, buf, len, false);
}

void on_vt_output(const char *buf, size_t len, void *user)
{
	send_to_source(user, buf, len);
}

void on_vt_title(const char *title, void *user)
{
	struct vncterm *t = user;

	if (!t->opt.title && t->vnc)
		vnc_set_title(t->vnc, title);
}

void on_vt_bell(void *user)
{
	struct vncterm *t = user;

	if (t->vnc)
		vnc_bell(t->vnc);
}

/* Scroll the view into the scrollback by delta lines (main screen only). */
static void scroll_view(struct vncterm *t, int delta)
{
	struct vt_modes m;

	vt_get_modes(t->vt, &m);
	if (!m.alt_screen)
		render_set_view(t->render, t->vt, render_get_view(t->render) + delta);
}

#define KEY_PAGE_UP 0xff55u   /* XK_Prior */
#define KEY_PAGE_DOWN 0xff56u /* XK_Next */
#define KEY_INSERT 0xff63u    /* XK_Insert */
#define WHEEL_LINES 3
#define MULTI_CLICK_MS 400

/* Shift+Insert (xterm's) and Ctrl+Shift+V (most terminals'): the viewer's clipboard. */
static bool paste_key(uint32_t keysym, unsigned mods)
{
	if (keysym == KEY_INSERT)
		return mods == VT_MOD_SHIFT;
	return (keysym == 'V' || keysym == 'v') && mods == (VT_MOD_CTRL | VT_MOD_SHIFT);
}

/* True for a paste: the VNC side types the viewer's clipboard, and the key itself goes nowhere. */
bool on_key(uint32_t keysym, unsigned mods, void *user)
{
	struct vncterm *t = user;
	struct vt_modes m;
	char buf[VT_KEY_MAX];
	int rows, cols, n;

	vt_get_size(t->vt, &rows, &cols);
	if ((mods & VT_MOD_SHIFT) && (keysym == KEY_PAGE_UP || keysym == KEY_PAGE_DOWN)) {
		scroll_view(t, keysym == KEY_PAGE_UP ? rows / 2 : -(rows / 2));
		return false;
	}
	render_set_view(t->render, t->vt, 0); /* any other key: back to the live screen */
	if (paste_key(keysym, mods))
		return true;
	vt_get_modes(t->vt, &m);
	n = vt_key_encode(keysym, mods, &m, t->opt.keys, buf, sizeof(buf));
	if (n > 0)
		send_to_source(t, buf, (size_t)n);
	return false;
}

static void show_selection(struct vncterm *t)
{
	struct sel_pos a, b;

	select_bounds(&t->sel, &a, &b);
	render_set_highlight(t->render, t->sel.active, a.row, a.col, b.row, b.col);
}

/* The selection was made or changed by the pointer: its text is followed from here. */
static void selection_changed(struct vncterm *t)
{
	select_mark(&t->sel, t->vt);
	show_selection(t);
}

void follow_selection(struct vncterm *t)
{
	if (select_follow(&t->sel, t->vt))
		show_selection(t);
}

/* The selection's text goes to every viewer's clipboard. */
static void publish_selection(struct vncterm *t)
{
	char *text;
	size_t len;

	if (select_text(t->vt, &t->sel, &text, &len) == 0) {
		if (len)
			vnc_set_clipboard(t->vnc, text, len);
		free(text);
	}
}

/* Left button: drag selects; a double click a word, a triple click a line. */
static void select_pointer(struct vncterm *t, int button, bool down, struct sel_pos pos,
			   int cols)
{
	long long now = now_ms();

	if (button < 0) { /* a drag */
		if (pos.row != t->sel.head.row || pos.col != t->sel.head.col) {
			t->sel.head = pos;
			t->sel.active = true;
			selection_changed(t);
		}
		return;
	}
	if (!down) {
		t->dragging = false;
		if (t->sel.active)
			publish_selection(t);
		return;
	}
	bool again = now - t->click_at < MULTI_CLICK_MS && pos.row == t->click_pos.row &&
		     pos.col == t->click_pos.col;

	t->clicks = again ? t->clicks % 3 + 1 : 1;
	t->click_at = now;
	t->click_pos = pos;
	t->dragging = t->clicks == 1;
	if (t->clicks == 1) {
		t->sel = (struct selection){ .anchor = pos, .head = pos };
	} else if (t->clicks == 2) {
		select_word(t->vt, pos.row, pos.col, &t->sel.anchor, &t->sel.head);
		t->sel.active = true;
	} else {
		t->sel = (struct selection){ .active = true, .anchor = { pos.row, 0 },
					    .head = { pos.row, cols - 1 } };
	}
	selection_changed(t);
}

/*
 * The pointer: reported to the program when it asked for mouse tracking
 * (Shift keeps it for vncterm, as in xterm); otherwise the wheel scrolls
 * through the scrollback, and a middle click pastes (true: the VNC side
 * types the clicking viewer's clipboard, which holds the selection once
 * it is made, as in xterm).
 */
bool on_pointer(int button, bool down, int x, int y, unsigned held, unsigned mods,
		       void *user)
{
	static const int vt_button[5] = { VT_BUTTON_LEFT, VT_BUTTON_MIDDLE, VT_BUTTON_RIGHT,
					  VT_BUTTON_WHEEL_UP, VT_BUTTON_WHEEL_DOWN };
	struct vncterm *t = user;
	struct vt_modes m;
	int rows, cols, cw, ch;

	follow_selection(t); /* what the pointer extends is where its text is now */
	vt_get_size(t->vt, &rows, &cols);
	vt_get_modes(t->vt, &m);
	render_cell_size(t->render, &cw, &ch);
	int row = y / ch, col = x / cw;

	row = row < rows ? row : rows - 1;
	col = col < cols ? col : cols - 1;
	if (m.mouse != VT_MOUSE_NONE && !(mods & VT_MOD_SHIFT)) {
		enum vt_mouse_event ev = button < 0 ? VT_MOUSE_MOTION :
					 down ? VT_MOUSE_PRESS : VT_MOUSE_RELEASE;
		int b = button >= 0 ? vt_button[button] :
			held & 1 ? VT_BUTTON_LEFT : held & 2 ? VT_BUTTON_MIDDLE :
			held & 4 ? VT_BUTTON_RIGHT : VT_BUTTON_NONE;
		char buf[VT_MOUSE_MAX];
		int n = vt_mouse_encode(ev, b, row, col, mods, &m, buf, sizeof(buf));

		if (n > 0) {
			render_set_view(t->render, t->vt, 0);
			send_to_source(t, buf, (size_t)n);
		}
		return false;
	}
	struct sel_pos pos = { row - render_get_view(t->render), col };

	if (button == 0 || (button < 0 && t->dragging))
		select_pointer(t, button, down, pos, cols);
	else if (down && button == 1)
		return true;
	else if (down && button == 3)
		scroll_view(t, WHEEL_LINES);
	else if (down && button == 4)
		scroll_view(t, -WHEEL_LINES);
	return false;
}

/* ---- Alt+SysRq (--sysrq): the domain's, never typed ---- */

bool sysrq_wanted(const struct vncterm *t)
{
	if (!t->opt.sysrq)
		return false;
	if (t->xc)
		return true;
	log_msg(LOG_WARNING,
		"--sysrq asks a domain's console for SysRq (-x PATH alone, or --domid); this "
		"console is %s, so Alt+SysRq is typed as keys, as without it",
		t->opt.command_given || (!t->opt.pty_path && !t->opt.input_file) ? "a command's" :
		t->opt.pty_path ? "a pty's" : "a file's");
	return false;
}

static void describe_key(uint32_t keysym, char *buf, size_t size)
{
	if (keysym >= 0x20 && keysym < 0x7f)
		snprintf(buf, size, "'%c'", (char)keysym);
	else
		snprintf(buf, size, "keysym %#x", (unsigned)keysym);
}

/*
 * One log line a request, whatever becomes of it (the monitor logs its
 * own failures, where they are known); requests past the rate are
 * dropped unlogged and counted on the next line.
 */
void on_sysrq(uint32_t keysym, const char *viewer, bool view_only, void *user)
{
	struct vncterm *t = user;
	int domid = options_domid(&t->opt), key = sysrq_command(keysym), e;
	char what[32], also[80] = "", line[320], pending = 0;
	unsigned long dropped;

	if (!sysrq_rate_take(&t->sysrq_rate, now_ms(), &dropped))
		return;
	if (dropped)
		snprintf(also, sizeof(also), " (%lu more before it dropped: over %d a second)",
			 dropped, 1000 / SYSRQ_REFILL_MS);
	describe_key(keysym, what, sizeof(what));
	if (view_only || key < 0) {
		log_msg(LOG_WARNING, "viewer %s: Alt+SysRq+%s refused: %s; nothing sent to domain %d%s",
			viewer, what,
			view_only ? "the viewer is view-only" :
				    "not a SysRq command (0-9, b-z or R)",
			domid, also);
		return;
	}
	log_msg(LOG_WARNING, "viewer %s asks domain %d for SysRq '%c' (%s)%s", viewer, domid, key,
		xencons_sysrq_name(key), also);
	if (t->monitor >= 0) {
		char c = (char)key;

		/* The monitor writes it, and logs a failure. */
		if ((e = monitor_send(t->monitor, MONITOR_SYSRQ, &c, 1)) < 0)
			log_msg(LOG_WARNING, "SysRq '%c' not sent to domain %d: the monitor: %s", key,
				domid, strerror(-e));
		return;
	}
	if ((e = xen_sysrq(t->xen, (char)key, &pending)) < 0) {
		xencons_sysrq_error(e, (unsigned)domid, (char)key, pending, line, sizeof(line));
		log_msg(LOG_WARNING, "%s", line);
	}
}
