/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Modes: ANSI (SM/RM) and DEC private (DECSET/DECRST) modes, and DECRQM
 * reports on them.  Modes the emulator itself acts on live in struct vt;
 * the ones only the daemon acts on (keys, mouse, paste) in vt->modes.
 */
#include <string.h>

#include "vt_internal.h"

void modes_reset(struct vt *vt)
{
	memset(&vt->modes, 0, sizeof(vt->modes));
	vt->modes.cursor_visible = true;
	vt->modes.alt_sends_escape = true;
	vt->modes.mouse = VT_MOUSE_NONE;
	vt->modes.mouse_encoding = VT_MOUSE_ENC_X10;
	vt->modes.cursor_shape = VT_CURSOR_BLOCK;
}

static void set_mouse(struct vt *vt, enum vt_mouse_mode m, bool on)
{
	if (on)
		vt->modes.mouse = m;
	else if (vt->modes.mouse == m)
		vt->modes.mouse = VT_MOUSE_NONE;
}

static void set_mouse_encoding(struct vt *vt, enum vt_mouse_encoding e, bool on)
{
	if (on)
		vt->modes.mouse_encoding = e;
	else if (vt->modes.mouse_encoding == e)
		vt->modes.mouse_encoding = VT_MOUSE_ENC_X10;
}

static void set_alt_screen(struct vt *vt, int mode, bool on)
{
	switch (mode) {
	case 47:
		screen_set_alt(vt, on, false);
		break;
	case 1047: /* leaving clears the alternate screen first */
		if (!on && vt->active == 1)
			screen_erase_rows(vt, 0, vt->rows);
		screen_set_alt(vt, on, false);
		break;
	case 1049: /* save cursor, switch, clear; restore on the way back */
		if (on) {
			if (vt->active == 0)
				screen_save_cursor(vt);
			screen_set_alt(vt, true, true);
		} else {
			/*
			 * 1049 is 1047 plus 1048 (xterm): the cursor is restored
			 * even when the main screen is already active, since
			 * ncurses' rmcup may come twice (dialog, whiptail).
			 */
			screen_set_alt(vt, false, false);
			screen_restore_cursor(vt);
		}
		break;
	default:
		break;
	}
}

static void dec_mode(struct vt *vt, int mode, bool on)
{
	struct vt_modes *m = &vt->modes;

	switch (mode) {
	case 1: m->cursor_keys_app = on; break;      /* DECCKM */
	case 3: /* DECCOLM: the width stays, but the screen clears as xterm does */
		vt->top = 0;
		vt->bottom = vt->rows;
		vt->left = 0;
		vt->right = vt->cols;
		screen_erase_rows(vt, 0, vt->rows);
		screen_set_cursor(vt, 0, 0);
		break;
	case 5:                                       /* DECSCNM */
		if (m->reverse_video != on)
			screen_damage_all(vt);
		m->reverse_video = on;
		break;
	case 6:                                       /* DECOM */
		vt->origin = on;
		screen_set_cursor(vt, on ? vt->top : 0, on ? vt->left : 0);
		break;
	case 7:                                       /* DECAWM */
		vt->autowrap = on;
		if (!on)
			vt->pending_wrap = false;
		break;
	case 9: set_mouse(vt, VT_MOUSE_X10, on); break;
	case 12: m->cursor_blink = on; break;
	case 25: m->cursor_visible = on; break;      /* DECTCEM */
	case 47:
	case 1047:
	case 1049:
		set_alt_screen(vt, mode, on);
		break;
	case 66: m->keypad_app = on; break;          /* DECNKM */
	case 67: m->backarrow_bs = on; break;        /* DECBKM */
	case 69: margins_set_mode(vt, on); break;     /* DECLRMM */
	case 1000: set_mouse(vt, VT_MOUSE_NORMAL, on); break;
	case 1002: set_mouse(vt, VT_MOUSE_BUTTON, on); break;
	case 1003: set_mouse(vt, VT_MOUSE_ANY, on); break;
	case 1004: m->focus_events = on; break;
	case 1005: set_mouse_encoding(vt, VT_MOUSE_ENC_UTF8, on); break;
	case 1006: set_mouse_encoding(vt, VT_MOUSE_ENC_SGR, on); break;
	case 1015: set_mouse_encoding(vt, VT_MOUSE_ENC_URXVT, on); break;
	case 1036: m->alt_sends_escape = on; break;
	case 1048:
		if (on)
			screen_save_cursor(vt);
		else
			screen_restore_cursor(vt);
		break;
	case 2004: m->bracketed_paste = on; break;
	default: break;
	}
}

static void ansi_mode(struct vt *vt, int mode, bool on)
{
	if (mode == 4) /* IRM */
		vt->insert = on;
	else if (mode == 20) /* LNM */
		vt->modes.newline = on;
}

void modes_set(struct vt *vt, const struct parser_seq *s, bool on)
{
	for (int i = 0; i < s->nparams; i++) {
		if (s->params[i] < 0)
			continue;
		if (s->prefix == '?')
			dec_mode(vt, s->params[i], on);
		else if (s->prefix == 0)
			ansi_mode(vt, s->params[i], on);
	}
}

/* 1 set, 0 reset, -1 not recognised. */
static int dec_mode_get(const struct vt *vt, int mode)
{
	const struct vt_modes *m = &vt->modes;

	switch (mode) {
	case 1: return m->cursor_keys_app;
	case 5: return m->reverse_video;
	case 6: return vt->origin;
	case 7: return vt->autowrap;
	case 9: return m->mouse == VT_MOUSE_X10;
	case 12: return m->cursor_blink;
	case 25: return m->cursor_visible;
	case 47:
	case 1047:
	case 1049: return vt->active == 1;
	case 66: return m->keypad_app;
	case 67: return m->backarrow_bs;
	case 69: return vt->lr_mode;
	case 1000: return m->mouse == VT_MOUSE_NORMAL;
	case 1002: return m->mouse == VT_MOUSE_BUTTON;
	case 1003: return m->mouse == VT_MOUSE_ANY;
	case 1004: return m->focus_events;
	case 1005: return m->mouse_encoding == VT_MOUSE_ENC_UTF8;
	case 1006: return m->mouse_encoding == VT_MOUSE_ENC_SGR;
	case 1015: return m->mouse_encoding == VT_MOUSE_ENC_URXVT;
	case 1036: return m->alt_sends_escape;
	case 2004: return m->bracketed_paste;
	default: return -1;
	}
}

void modes_request(struct vt *vt, const struct parser_seq *s)
{
	int mode = s->nparams > 0 ? s->params[0] : -1;
	int v;

	if (mode < 0)
		return;
	if (s->prefix == '?')
		v = dec_mode_get(vt, mode);
	else if (mode == 4)
		v = vt->insert;
	else if (mode == 20)
		v = vt->modes.newline;
	else
		v = -1;
	/* DECRPM: 1 set, 2 reset, 0 not recognised */
	dispatch_reply(vt, "\033[%s%d;%d$y", s->prefix == '?' ? "?" : "", mode,
		       v < 0 ? 0 : v ? 1 : 2);
}
