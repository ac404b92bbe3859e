/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dead keys: a viewer on a layout with dead keys sends the dead keysym
 * (XK_dead_acute...) and then the letter; this turns the pair into the
 * accented letter, as X's en_US.UTF-8 Compose table does for the common
 * Latin accents, before vt_key_encode() sees the keys.
 *
 * The caller owns one struct vt_compose per keyboard (each VNC viewer has
 * its own, so two viewers never combine each other's accents), starts it
 * zeroed, and looks at nothing inside.  No I/O, no globals.
 */
#ifndef VT100_COMPOSE_H
#define VT100_COMPOSE_H

#include <stdbool.h>
#include <stdint.h>

struct vt_compose {
	uint32_t dead; /* the dead keysym waiting for its letter; 0: none */
};

/* The most keysyms one vt_compose_feed() hands back. */
#define VT_COMPOSE_MAX 2

/*
 * Feed one key press (keysym and the VT_MOD_* held).  Writes the keysyms
 * to encode in its place to out, in order, and returns how many (0 while
 * a dead key waits), or -EINVAL for a NULL argument.  What comes out:
 *  - a known dead key (grave, acute, circumflex, tilde, macron, breve,
 *    abovedot, diaeresis, abovering, doubleacute, caron, cedilla, ogonek):
 *    nothing yet;
 *  - then a letter it combines with: the composed letter;
 *  - then space, or the same dead key again: the accent by itself
 *    (acute + space is ', diaeresis + space is ", as in X);
 *  - then another character: the accent by itself and then that key,
 *    which is what the user typed;
 *  - then another known dead key: the first accent by itself, and the
 *    second waits;
 *  - then a modifier key: passed on, and the dead key still waits;
 *  - then a key that types no character (arrows, Return, F-keys), or any
 *    key with Ctrl or Alt held: the dead key is dropped and the key
 *    passed on as it came;
 *  - any other dead key (dead_belowdot...): nothing, and a dead key
 *    waiting is dropped;
 *  - with no dead key waiting, any key but a dead key passes unchanged.
 * Composed characters come out as Latin-1 keysyms up to U+00FF and as
 * Unicode keysyms (0x01000000 + U) above.
 */
int vt_compose_feed(struct vt_compose *c, uint32_t keysym, unsigned mods,
		    uint32_t out[VT_COMPOSE_MAX]);

/* Forget a waiting dead key. */
void vt_compose_reset(struct vt_compose *c);
/* Whether a dead key is waiting for its letter. */
bool vt_compose_pending(const struct vt_compose *c);

/*
 * The code point dead + base composes to, or 0 if they do not compose.
 * base is a keysym: Latin-1 or 0x01000000 + U.
 */
uint32_t vt_compose_lookup(uint32_t dead, uint32_t base);

/*
 * The character a known dead key types by itself: after space (twice
 * false) or after itself (twice true).  0 for any other keysym.
 */
uint32_t vt_compose_spacing(uint32_t dead, bool twice);

#endif
