/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dead keys composed on the server side (compose.h).  The letters come
 * from compose_table.h, generated from Unicode's decompositions; the
 * accents alone, and what breaks a pending dead key, follow X's
 * en_US.UTF-8 Compose table and its input method, except where a
 * terminal needs otherwise (see compose.h and vt_compose_feed()).
 */
#include <errno.h>
#include <stdlib.h>

#include "compose.h"
#include "compose_table.h"
#include "keys.h"

/* keysymdef.h's numbers, spelled out so the library needs no X headers. */
enum {
	KS_ISO_LOCK = 0xfe01,        /* ISO_Lock .. ISO_Level5_Lock: modifiers */
	KS_ISO_LEVEL5_LOCK = 0xfe13,
	KS_DEAD_FIRST = 0xfe50,      /* dead_grave */
	KS_DEAD_LAST = 0xfe93,       /* dead_longsolidusoverlay */
	KS_MODE_SWITCH = 0xff7e,
	KS_NUM_LOCK = 0xff7f,
	KS_SHIFT_L = 0xffe1,         /* Shift_L .. Hyper_R: modifiers */
	KS_HYPER_R = 0xffee,
	KS_UNICODE = 0x01000000,
};

/*
 * What each known dead key types by itself, indexed from dead_grave: the
 * thirteen are contiguous.  After space US-International's convention
 * (X's too): acute gives the apostrophe and diaeresis the quotation mark,
 * since that is how those keys type ' and " there; twice gives the
 * accent's own spacing character.
 */
static const struct {
	uint16_t space, twice;
} spacing[] = {
	[COMPOSE_DEAD_GRAVE - KS_DEAD_FIRST] = { '`', '`' },
	[COMPOSE_DEAD_ACUTE - KS_DEAD_FIRST] = { '\'', 0x00b4 },
	[COMPOSE_DEAD_CIRCUMFLEX - KS_DEAD_FIRST] = { '^', '^' },
	[COMPOSE_DEAD_TILDE - KS_DEAD_FIRST] = { '~', '~' },
	[COMPOSE_DEAD_MACRON - KS_DEAD_FIRST] = { 0x00af, 0x00af },
	[COMPOSE_DEAD_BREVE - KS_DEAD_FIRST] = { 0x02d8, 0x02d8 },
	[COMPOSE_DEAD_ABOVEDOT - KS_DEAD_FIRST] = { 0x02d9, 0x02d9 },
	[COMPOSE_DEAD_DIAERESIS - KS_DEAD_FIRST] = { '"', 0x00a8 },
	[COMPOSE_DEAD_ABOVERING - KS_DEAD_FIRST] = { 0x00b0, 0x00b0 },
	[COMPOSE_DEAD_DOUBLEACUTE - KS_DEAD_FIRST] = { 0x02dd, 0x02dd },
	[COMPOSE_DEAD_CARON - KS_DEAD_FIRST] = { 0x02c7, 0x02c7 },
	[COMPOSE_DEAD_CEDILLA - KS_DEAD_FIRST] = { 0x00b8, 0x00b8 },
	[COMPOSE_DEAD_OGONEK - KS_DEAD_FIRST] = { 0x02db, 0x02db },
};

#define N_SPACING (sizeof(spacing) / sizeof(spacing[0]))

static bool is_dead(uint32_t keysym)
{
	return keysym >= KS_DEAD_FIRST && keysym <= KS_DEAD_LAST;
}

/* Xutil.h's IsModifierKey(): the keys a compose sequence passes over. */
static bool is_modifier(uint32_t keysym)
{
	return (keysym >= KS_SHIFT_L && keysym <= KS_HYPER_R) ||
	       (keysym >= KS_ISO_LOCK && keysym <= KS_ISO_LEVEL5_LOCK) ||
	       keysym == KS_MODE_SWITCH || keysym == KS_NUM_LOCK;
}

/* The keysym that types code point u: X's own for Latin-1, else Unicode's. */
static uint32_t char_keysym(uint32_t u)
{
	return u <= 0xff ? u : KS_UNICODE + u;
}

uint32_t vt_compose_spacing(uint32_t dead, bool twice)
{
	if (dead < KS_DEAD_FIRST || dead - KS_DEAD_FIRST >= N_SPACING)
		return 0;
	return twice ? spacing[dead - KS_DEAD_FIRST].twice : spacing[dead - KS_DEAD_FIRST].space;
}

static int entry_cmp(const void *key, const void *elem)
{
	const struct compose_entry *a = key, *b = elem;

	if (a->dead != b->dead)
		return a->dead < b->dead ? -1 : 1;
	return (a->base > b->base) - (a->base < b->base);
}

uint32_t vt_compose_lookup(uint32_t dead, uint32_t base)
{
	uint32_t u = vt_key_char(base);
	const struct compose_entry *e;

	/* The table's keys are 16 bits: check the range before narrowing. */
	if (!vt_compose_spacing(dead, false) || u == 0 || u > 0x7f)
		return 0;
	struct compose_entry key = { .dead = (uint16_t)dead, .base = (uint16_t)u };

	e = bsearch(&key, compose_table, sizeof(compose_table) / sizeof(compose_table[0]),
		    sizeof(compose_table[0]), entry_cmp);
	return e ? e->result : 0;
}

void vt_compose_reset(struct vt_compose *c)
{
	if (c)
		c->dead = 0;
}

bool vt_compose_pending(const struct vt_compose *c)
{
	return c && c->dead;
}

/* A dead key pressed: what comes out, and what waits after it. */
static int feed_dead(struct vt_compose *c, uint32_t keysym, uint32_t *out)
{
	uint32_t was = c->dead;
	bool known = vt_compose_spacing(keysym, false) != 0;

	/* An unknown dead key (dead_belowdot...) types nothing, as before. */
	c->dead = known && keysym != was ? keysym : 0;
	if (!was || !known)
		return 0;
	/* Twice: the accent alone.  A different one: the first alone, the second waits. */
	out[0] = char_keysym(vt_compose_spacing(was, keysym == was));
	return 1;
}

int vt_compose_feed(struct vt_compose *c, uint32_t keysym, unsigned mods,
		    uint32_t out[VT_COMPOSE_MAX])
{
	uint32_t dead, u, r;

	if (!c || !out)
		return -EINVAL;
	/* Only a known dead key can wait: a caller's stray value is no dead key. */
	if (c->dead && !vt_compose_spacing(c->dead, false))
		c->dead = 0;
	if (is_dead(keysym))
		return feed_dead(c, keysym, out);
	out[0] = keysym;
	/* Shift and AltGr come between the dead key and a capital: keep waiting. */
	if (!c->dead || is_modifier(keysym))
		return 1;
	dead = c->dead;
	c->dead = 0;
	u = vt_key_char(keysym);
	/*
	 * A key that types no character, or a shortcut (Ctrl+C must still
	 * interrupt after a stray accent), drops the dead key and goes
	 * through as it came.
	 */
	if (!u || (mods & (VT_MOD_CTRL | VT_MOD_ALT)))
		return 1;
	if (u == ' ') {
		out[0] = char_keysym(vt_compose_spacing(dead, false));
		return 1;
	}
	r = vt_compose_lookup(dead, keysym);
	if (r) {
		out[0] = char_keysym(r);
		return 1;
	}
	/* No such letter: both, so that nothing the user typed is lost. */
	out[0] = char_keysym(vt_compose_spacing(dead, false));
	out[1] = keysym;
	return 2;
}
