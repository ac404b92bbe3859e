/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "vncterm/sysrq.h"
#include "xenconsole/sysrq.h"

/*
 * Shift (R is a command of its own), Ctrl, AltGr and the other modifiers
 * change no state here and are no command: X's IsModifierKey() set.
 */
static bool modifier(uint32_t keysym)
{
	return (keysym >= 0xffe1 && keysym <= 0xffee) || /* Shift_L .. Hyper_R */
	       (keysym >= 0xfe01 && keysym <= 0xfe13) || /* ISO_Lock .. ISO_Level5_Lock */
	       keysym == 0xff7e || keysym == 0xff7f;    /* Mode_switch, Num_Lock */
}

enum sysrq_step sysrq_feed(struct sysrq_seq *s, uint32_t keysym, bool down, bool alt_held)
{
	if (keysym == SYSRQ_KEYSYM_SYS_REQ || keysym == SYSRQ_KEYSYM_PRINT) {
		if (down && alt_held)
			s->active = true;
		return s->active ? SYSRQ_TAKEN : SYSRQ_PASS;
	}
	if (!s->active)
		return SYSRQ_PASS;
	/* The Alt that began it is let go: this release is the sequence's last event. */
	if (!alt_held)
		s->active = false;
	return down && !modifier(keysym) && s->active ? SYSRQ_COMMAND : SYSRQ_TAKEN;
}

int sysrq_command(uint32_t keysym)
{
	return keysym < 0x80 && xencons_sysrq_valid((int)keysym) ? (int)keysym : -1;
}

bool sysrq_rate_take(struct sysrq_rate *r, long long now, unsigned long *dropped)
{
	if (!r->started || now < r->at) {
		r->started = true;
		r->tokens = SYSRQ_BURST;
		r->at = now;
	}
	long long earned = (now - r->at) / SYSRQ_REFILL_MS;

	if (earned > 0) {
		r->tokens = earned >= SYSRQ_BURST - r->tokens ? SYSRQ_BURST :
							       r->tokens + (int)earned;
		r->at += earned * SYSRQ_REFILL_MS;
	}
	if (r->tokens == 0) {
		r->dropped++;
		return false;
	}
	r->tokens--;
	*dropped = r->dropped;
	r->dropped = 0;
	return true;
}
