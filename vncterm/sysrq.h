/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --sysrq: Alt+SysRq+key (or Alt+PrintScreen+key) from a viewer asks the
 * domain for that SysRq (xenconsole/sysrq.h), as Linux's own keyboard
 * handler (drivers/tty/sysrq.c) reads the combination: SysRq or Print
 * pressed while Alt is held starts it, and from then until that Alt is
 * released every key pressed is a command (Alt+SysRq+r, e, i, s, u, b with
 * Alt held throughout is REISUB), SysRq itself may be let go first, and
 * nothing of it reaches the console as keys.  Each viewer has its own
 * struct sysrq_seq, as its own modifiers.
 *
 * Also the pure parts of the request: the command a keysym stands for,
 * and a bound on how often requests (and their log lines) come.
 */
#ifndef VNCTERM_SYSRQ_H
#define VNCTERM_SYSRQ_H

#include <stdbool.h>
#include <stdint.h>

/* X's keysyms for the keys that start it. */
#define SYSRQ_KEYSYM_SYS_REQ 0xff15u
#define SYSRQ_KEYSYM_PRINT 0xff61u

/* One viewer's Alt+SysRq; start it zeroed. */
struct sysrq_seq {
	bool active; /* SysRq or Print came with Alt held, and Alt has not been released */
};

enum sysrq_step {
	SYSRQ_PASS,    /* not part of a sequence: the key is the console's, as without --sysrq */
	SYSRQ_TAKEN,   /* part of one (SysRq, a modifier, a release): consumed */
	SYSRQ_COMMAND, /* a key pressed within one: the command, consumed */
};

/*
 * Feed one key event (keysym, pressed or released) of a viewer, with
 * alt_held whether an Alt (or Meta) key is held after this event.
 */
enum sysrq_step sysrq_feed(struct sysrq_seq *s, uint32_t keysym, bool down, bool alt_held);

/*
 * The SysRq command a keysym pressed within a sequence stands for: its
 * character when that is one of Linux's commands (xencons_sysrq_valid()),
 * else -1.  X's keysyms for ASCII are the characters themselves.
 */
int sysrq_command(uint32_t keysym);

/*
 * At most SYSRQ_BURST requests at once and one per SYSRQ_REFILL_MS after
 * that, from all viewers together: each costs a xenstore transaction
 * and a log line, and a viewer that may type must not flood either.
 */
#define SYSRQ_BURST 10
#define SYSRQ_REFILL_MS 200

struct sysrq_rate {
	bool started;
	int tokens;
	long long at;           /* ms the tokens were last counted */
	unsigned long dropped;  /* refused since the last request let through */
};

/*
 * Whether a request at now (ms, monotonic) may go; if not, it is counted
 * in dropped.  On true, *dropped gets the count refused before it (and
 * the count restarts), for its log line to tell.
 */
bool sysrq_rate_take(struct sysrq_rate *r, long long now, unsigned long *dropped);

#endif
