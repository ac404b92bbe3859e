/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compose (compose.h) on libxkbcommon's implementation of X's Compose
 * files.  What is ours: when the table is loaded (before the sandbox),
 * one state per viewer, and what a terminal needs around a sequence --
 * Ctrl and Alt shortcuts are never swallowed, and the key that breaks a
 * sequence is still typed, where X would drop it too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <xkbcommon/xkbcommon-compose.h>
#include <xkbcommon/xkbcommon.h>

#include "vncterm/compose.h"
#include "vt100/keys.h"

#define KS_UNICODE 0x01000000u /* 0x01000000 + code point */

struct compose_table {
	struct xkb_compose_table *xkb;
};

struct compose_table *compose_table_load(const char *locale, char *err, int errlen)
{
	struct compose_table *t = calloc(1, sizeof(*t));
	/*
	 * No default include paths and no RMLVO names from the environment:
	 * this context only ever reads a Compose table, and the environment
	 * of a daemon should not pick its keymaps.
	 */
	struct xkb_context *ctx =
		xkb_context_new(XKB_CONTEXT_NO_DEFAULT_INCLUDES | XKB_CONTEXT_NO_ENVIRONMENT_NAMES);

	if (!locale)
		locale = COMPOSE_LOCALE;
	if (!t || !ctx) {
		snprintf(err, (size_t)errlen, "Compose table for %s: out of memory", locale);
		goto fail;
	}
	t->xkb = xkb_compose_table_new_from_locale(ctx, locale, XKB_COMPOSE_COMPILE_NO_FLAGS);
	if (!t->xkb) {
		snprintf(err, (size_t)errlen,
			 "no Compose table for %s in /usr/share/X11/locale (install libx11-data)",
			 locale);
		goto fail;
	}
	/* The table holds its own reference to the context. */
	xkb_context_unref(ctx);
	return t;
fail:
	xkb_context_unref(ctx);
	free(t);
	return NULL;
}

void compose_table_free(struct compose_table *t)
{
	if (t) {
		xkb_compose_table_unref(t->xkb);
		free(t);
	}
}

void compose_release(struct compose *c)
{
	if (c) {
		xkb_compose_state_unref(c->state);
		c->state = NULL;
		c->failed = false;
	}
}

bool compose_pending(const struct compose *c)
{
	return c && c->state &&
	       xkb_compose_state_get_status(c->state) == XKB_COMPOSE_COMPOSING;
}

/* Decode one UTF-8 sequence at s (libxkbcommon writes only valid UTF-8); 0 at the end. */
static uint32_t next_utf8(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t u;
	int more;

	if (!*p)
		return 0;
	if (*p < 0x80) {
		u = *p;
		more = 0;
	} else if ((*p & 0xe0) == 0xc0) {
		u = *p & 0x1f;
		more = 1;
	} else if ((*p & 0xf0) == 0xe0) {
		u = *p & 0x0f;
		more = 2;
	} else {
		u = *p & 0x07;
		more = 3;
	}
	for (p++; more > 0 && (*p & 0xc0) == 0x80; more--, p++)
		u = u << 6 | (*p & 0x3f);
	*s = p;
	return u;
}

/* The completed sequence's result, as keysyms. */
static int composed(struct xkb_compose_state *st, uint32_t out[COMPOSE_MAX])
{
	char text[64];
	const unsigned char *p = (const unsigned char *)text;
	int n = 0;
	uint32_t u;

	xkb_compose_state_get_utf8(st, text, sizeof(text));
	while (n < COMPOSE_MAX && (u = next_utf8(&p)))
		out[n++] = KS_UNICODE + u;
	if (n == 0) {
		/* No text: the result is a keysym of its own (a function key...). */
		xkb_keysym_t ks = xkb_compose_state_get_one_sym(st);

		if (ks != XKB_KEY_NoSymbol)
			out[n++] = ks;
	}
	xkb_compose_state_reset(st);
	return n;
}

/*
 * Xutil.h's IsModifierKey(): keys a sequence passes over.  libxkbcommon
 * 1.5 stops short of ISO_Level5_Shift and its locks (0xfe11-0xfe13),
 * which would cancel a sequence on a layout that uses level 5.
 */
static bool is_modifier(uint32_t keysym)
{
	return (keysym >= XKB_KEY_Shift_L && keysym <= XKB_KEY_Hyper_R) ||
	       (keysym >= XKB_KEY_ISO_Lock && keysym <= XKB_KEY_ISO_Level5_Lock) ||
	       keysym == XKB_KEY_Mode_switch || keysym == XKB_KEY_Num_Lock;
}

/* Feed keysym to the state; the status it leaves, or NOTHING if it was ignored. */
static enum xkb_compose_status feed(struct xkb_compose_state *st, uint32_t keysym)
{
	if (xkb_compose_state_feed(st, keysym) == XKB_COMPOSE_FEED_IGNORED)
		return XKB_COMPOSE_NOTHING;
	return xkb_compose_state_get_status(st);
}

int compose_feed(struct compose *c, const struct compose_table *t, uint32_t keysym,
		 unsigned mods, uint32_t out[COMPOSE_MAX])
{
	enum xkb_compose_status status;

	if (!c || !out)
		return -EINVAL;
	out[0] = keysym;
	if (!t || c->failed)
		return 1;
	if (!c->state) {
		c->state = xkb_compose_state_new(t->xkb, XKB_COMPOSE_STATE_NO_FLAGS);
		if (!c->state) {
			c->failed = true; /* this viewer types uncomposed rather than not at all */
			return 1;
		}
	}
	if (mods & (VT_MOD_CTRL | VT_MOD_ALT)) {
		xkb_compose_state_reset(c->state);
		return 1;
	}
	if (is_modifier(keysym))
		return 1;
	status = feed(c->state, keysym);
	if (status == XKB_COMPOSE_CANCELLED) {
		/* The breaking key counts as typed afresh: it may start a sequence itself. */
		xkb_compose_state_reset(c->state);
		status = feed(c->state, keysym);
		if (status == XKB_COMPOSE_CANCELLED)
			xkb_compose_state_reset(c->state);
	}
	switch (status) {
	case XKB_COMPOSE_COMPOSING:
		return 0;
	case XKB_COMPOSE_COMPOSED:
		return composed(c->state, out);
	default:
		return 1; /* NOTHING: not part of any sequence, or a modifier */
	}
}
