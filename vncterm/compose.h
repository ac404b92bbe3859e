/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compose: dead keys (dead_acute e -> é) and Multi_key sequences (Multi_key
 * o c -> ©, three keys and more), composed on the server side from X's
 * Compose table through libxkbcommon, before vt_key_encode() sees the keys.
 * A viewer on a layout with dead keys sends the dead keysym and then the
 * letter, and leaves the composing to whoever reads its keys: us.
 *
 * The table is read from files (libx11-data's /usr/share/X11/locale), so
 * its file is found and mapped before the sandbox drops the worker into
 * an empty chroot, and compiled at the first key that needs it (most
 * consoles are never typed into: ~2 ms and ~200 kB saved); composing is
 * then table walking in memory, no system call.
 * Each viewer has its own struct compose, so two viewers never combine
 * each other's accents.
 */
#ifndef VNCTERM_COMPOSE_H
#define VNCTERM_COMPOSE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The locale whose Compose table is used.  The daemon runs under systemd
 * or the host agent, often with LANG=C, whose table has only a few
 * sequences; en_US.UTF-8's has thousands (all of X's), and libxkbcommon
 * finds it through compose.dir whether or not that locale is generated.
 */
#define COMPOSE_LOCALE "en_US.UTF-8"
/* The most keysyms one compose_feed() hands back (a result may be a string). */
#define COMPOSE_MAX 8

struct compose_table;
struct xkb_compose_state;

/* One viewer's composing; start it zeroed, end it with compose_release(). */
struct compose {
	struct xkb_compose_state *state; /* made at the first key; NULL before */
	bool failed;                     /* no memory for it: keys pass through */
};

/*
 * Find and map locale's Compose table (NULL: COMPOSE_LOCALE), as
 * libxkbcommon's xkb_compose_table_new_from_locale() finds it
 * ($XCOMPOSEFILE, ~/.XCompose... first).  NULL if there is none, with the
 * reason in err: then keys pass through uncomposed.  A file that includes
 * others is compiled here, the rest at the first compose_feed(); one that
 * does not compile then (libxkbcommon says why on stderr) lets keys pass
 * uncomposed.
 */
struct compose_table *compose_table_load(const char *locale, char *err, int errlen);
void compose_table_free(struct compose_table *t);

/*
 * Feed one key press (keysym and the VT_MOD_* held) on table t.  Writes
 * the keysyms to encode in its place to out, in order, and returns how
 * many, or -EINVAL for a NULL c or out.  What comes out:
 *  - a key that starts or continues a sequence (a dead key, Multi_key):
 *    nothing yet;
 *  - the key that completes one: the result, as Unicode keysyms
 *    (0x01000000 + U), or the result's keysym if it has no text;
 *  - a key that ends a sequence unfinished: the sequence is dropped, as
 *    X drops it, and the key goes through as it came (an arrow still
 *    moves, a letter is still typed); a dead key or Multi_key there starts
 *    a sequence of its own;
 *  - any key with Ctrl or Alt held: a sequence under way is dropped and
 *    the key passes (Ctrl+C must still interrupt after a stray accent);
 *  - modifier keys (AltGr, Caps Lock...): passed on, a sequence still
 *    waits;
 *  - anything else, or everything when t is NULL: the key, unchanged.
 */
int compose_feed(struct compose *c, struct compose_table *t, uint32_t keysym,
		 unsigned mods, uint32_t out[COMPOSE_MAX]);
/* Whether a sequence is under way. */
bool compose_pending(const struct compose *c);
/* Free the viewer's state (NULL-safe); the struct may be fed again. */
void compose_release(struct compose *c);

#endif
