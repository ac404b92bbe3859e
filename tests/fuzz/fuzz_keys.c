/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: vt_key_encode() (vt100/keys.c), which turns what a VNC
 * viewer sends (any 32-bit keysym, any modifier bits), the modes the
 * program set and the key set (--keys) into the bytes typed into the
 * console.  Checked, from
 * keys.h and the keys suite:
 *  - it never fails with room for VT_KEY_MAX bytes, whatever the keysym
 *    (unknown ones send nothing), and never writes beyond what it returns;
 *  - with less room than the sequence needs it returns -ENOSPC and writes
 *    nothing at all; with room it writes the same bytes;
 *  - modifier bits beyond Shift, Alt and Ctrl are ignored, and so are the
 *    modes keys do not depend on (only DECCKM, DECKPAM, LNM, DECBKM and
 *    1036 count);
 *  - what it sends is valid UTF-8 (Unicode keysyms are typed as UTF-8, and
 *    a surrogate or a value beyond U+10FFFF types nothing);
 *  - NULL arguments give -EINVAL.
 * The records are also one viewer's typing, fed in order through one
 * struct compose on X's en_US.UTF-8 Compose table (vncterm/compose.c) as
 * vncterm/viewer.c does, and what comes out is encoded in turn.  Checked,
 * from compose.h:
 *  - it hands back 0 to COMPOSE_MAX keysyms and writes nothing beyond
 *    them; a dead key only as the key fed (one that starts no sequence),
 *    which then types nothing;
 *  - with Ctrl or Alt held a key comes out unchanged and ends any
 *    sequence; a modifier key always comes out unchanged and leaves a
 *    sequence as it was;
 *  - while a sequence waits, only a modifier key comes out;
 *  - each keysym it hands back encodes like any other key.
 *
 * Input: records of 7 bytes, a partial last one ignored:
 *   byte 0  keysym class (& 7) and a buffer size for the short-buffer
 *           check (>> 3, 0-31)
 *   1-4     keysym bytes (little-endian), used as the class says:
 *           0 all 32 bits; 1 0xff00 | b1 (function keys); 2 0xfe00 | b1;
 *           3 0x01000000 + the low 21 bits (Unicode, and beyond);
 *           4 b1 (Latin-1); 5 F1 + b1 % 40 (F1-F35 and past them);
 *           6 0x01000000 + b1 b2 (the BMP); 7 the low 16 bits
 *   5       modifier bits (all 8: unknown ones included); bits 3-4 % 3
 *           also pick the key set (xterm, linux, vt220)
 *   6       modes: 1 DECCKM, 2 DECKPAM, 4 LNM, 8 DECBKM, 16 1036 reset;
 *           the top 3 bits scramble the modes keys must ignore
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_check.h"
#include "vncterm/compose.h"
#include "vt100/keys.h"

#define RECORD 7
#define CANARY 0x5a

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t pick_keysym(const uint8_t *r)
{
	uint32_t raw = (uint32_t)r[1] | (uint32_t)r[2] << 8 | (uint32_t)r[3] << 16 |
		       (uint32_t)r[4] << 24;

	switch (r[0] & 7) {
	case 0:
		return raw;
	case 1:
		return 0xff00u | r[1];
	case 2:
		return 0xfe00u | r[1];
	case 3:
		return 0x01000000u + (raw & 0x1fffffu);
	case 4:
		return r[1];
	case 5:
		return 0xffbeu + r[1] % 40u;
	case 6:
		return 0x01000000u + (raw & 0xffffu);
	default:
		return raw & 0xffffu;
	}
}

/* The modes keys depend on; every other field zero. */
static void plain_modes(unsigned bits, struct vt_modes *m)
{
	memset(m, 0, sizeof(*m));
	m->cursor_keys_app = bits & 1;
	m->keypad_app = bits & 2;
	m->newline = bits & 4;
	m->backarrow_bs = bits & 8;
	m->alt_sends_escape = !(bits & 16);
}

/* The same, with the fields keys must not look at set some other way. */
static void scrambled_modes(unsigned bits, struct vt_modes *m)
{
	static const enum vt_mouse_mode mouse[] = {
		VT_MOUSE_NONE, VT_MOUSE_X10, VT_MOUSE_NORMAL, VT_MOUSE_BUTTON, VT_MOUSE_ANY,
	};
	unsigned s = bits >> 5;

	plain_modes(bits, m);
	m->cursor_visible = s & 1;
	m->cursor_blink = s & 2;
	m->reverse_video = s & 4;
	m->bracketed_paste = !(s & 1);
	m->alt_screen = !(s & 2);
	m->focus_events = !(s & 4);
	m->mouse = mouse[s % 5];
	m->mouse_encoding = s & 1 ? VT_MOUSE_ENC_SGR : VT_MOUSE_ENC_UTF8;
	m->cursor_shape = s & 2 ? VT_CURSOR_BAR : VT_CURSOR_UNDERLINE;
}

/* Well-formed UTF-8: shortest forms, no surrogates, nothing past U+10FFFF. */
static bool valid_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len;
		uint32_t u;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			u = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			u = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			u = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			u = u << 6 | (p[i + k] & 0x3f);
		}
		if ((len == 3 && u < 0x800) || (len == 4 && u < 0x10000) ||
		    (u >= 0xd800 && u <= 0xdfff) || u > 0x10ffff)
			return false;
		i += len;
	}
	return true;
}

/* Encode into a canary-filled buffer of size bytes, plus a tail to check. */
static int encode(uint32_t keysym, unsigned mods, const struct vt_modes *modes,
		  char *buf, size_t size, size_t total)
{
	enum vt_key_set set = (enum vt_key_set)((mods >> 3 & 3) % 3);

	memset(buf, CANARY, total);
	int n = vt_key_encode(keysym, mods, modes, set, buf, size);

	/* Nothing past what it reports, nor past size if it failed. */
	size_t from = n > 0 ? (size_t)n : 0;

	for (size_t i = from; i < total; i++)
		FUZZ_CHECK((unsigned char)buf[i] == CANARY);
	return n;
}

static void one_key(const uint8_t *r)
{
	uint32_t keysym = pick_keysym(r);
	unsigned mods = r[5];
	unsigned short_size = r[0] >> 3;
	struct vt_modes modes, other;
	char ref[VT_KEY_MAX + 8], buf[VT_KEY_MAX + 8];

	plain_modes(r[6], &modes);
	scrambled_modes(r[6], &other);

	int n = encode(keysym, mods & 0x1f, &modes, ref, VT_KEY_MAX, sizeof(ref));

	FUZZ_CHECK(n >= 0 && n <= VT_KEY_MAX);
	FUZZ_CHECK(valid_utf8((const unsigned char *)ref, (size_t)n));

	/* Pure: the same again, and unknown modifier bits change nothing. */
	FUZZ_CHECK(encode(keysym, mods, &modes, buf, VT_KEY_MAX, sizeof(buf)) == n);
	FUZZ_CHECK(memcmp(buf, ref, (size_t)n) == 0);
	FUZZ_CHECK(encode(keysym, mods & 0x1f, &other, buf, VT_KEY_MAX, sizeof(buf)) == n);
	FUZZ_CHECK(memcmp(buf, ref, (size_t)n) == 0);

	/* A short buffer: all or nothing. */
	int k = encode(keysym, mods, &modes, buf, short_size, sizeof(buf));

	if ((int)short_size < n) {
		FUZZ_CHECK(k == -ENOSPC);
	} else {
		FUZZ_CHECK(k == n);
		FUZZ_CHECK(memcmp(buf, ref, (size_t)n) == 0);
	}

	FUZZ_CHECK(vt_key_encode(keysym, mods, NULL, VT_KEYS_XTERM, buf, sizeof(buf)) == -EINVAL);
	FUZZ_CHECK(vt_key_encode(keysym, mods, &modes, VT_KEYS_XTERM, NULL, sizeof(buf)) == -EINVAL);
	FUZZ_CHECK(vt_key_encode(keysym, mods, &modes, (enum vt_key_set)3, buf, sizeof(buf)) ==
		   -EINVAL);
}

static bool is_dead(uint32_t keysym)
{
	return keysym >= 0xfe50 && keysym <= 0xfe93; /* dead_grave .. dead_longsolidusoverlay */
}

/* Xutil.h's IsModifierKey(). */
static bool is_modifier(uint32_t keysym)
{
	return (keysym >= 0xffe1 && keysym <= 0xffee) || (keysym >= 0xfe01 && keysym <= 0xfe13) ||
	       keysym == 0xff7e || keysym == 0xff7f;
}

/* The record's key through the viewer's compose state, then encoded. */
static void compose_key(struct compose *st, struct compose_table *t, const uint8_t *r)
{
	uint32_t keysym = pick_keysym(r);
	unsigned mods = r[5];
	bool was = compose_pending(st), shortcut = mods & (VT_MOD_CTRL | VT_MOD_ALT);
	uint32_t out[COMPOSE_MAX + 1];
	struct vt_modes modes;
	char buf[VT_KEY_MAX];

	out[COMPOSE_MAX] = CANARY;
	int n = compose_feed(st, t, keysym, mods, out);

	FUZZ_CHECK(n >= 0 && n <= COMPOSE_MAX);
	FUZZ_CHECK(out[COMPOSE_MAX] == CANARY);
	if (shortcut)
		FUZZ_CHECK(n == 1 && out[0] == keysym && !compose_pending(st));
	if (is_modifier(keysym) && !shortcut)
		FUZZ_CHECK(n == 1 && out[0] == keysym && compose_pending(st) == was);
	if (compose_pending(st))
		FUZZ_CHECK(n == 0 || is_modifier(keysym));
	plain_modes(r[6], &modes);
	for (int i = 0; i < n; i++) {
		int k = vt_key_encode(out[i], mods, &modes, VT_KEYS_XTERM, buf, sizeof(buf));

		if (is_dead(out[i]))
			FUZZ_CHECK(out[i] == keysym && k == 0);
		FUZZ_CHECK(k >= 0 && k <= VT_KEY_MAX);
		FUZZ_CHECK(valid_utf8((const unsigned char *)buf, (size_t)k));
	}
	FUZZ_CHECK(compose_feed(NULL, t, keysym, mods, out) == -EINVAL);
	FUZZ_CHECK(compose_feed(st, t, keysym, mods, NULL) == -EINVAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Loaded once: reading X's Compose file for every input would be most of the run. */
	static struct compose_table *table;
	struct compose st = { 0 };
	char err[256];

	if (!table)
		table = compose_table_load(NULL, err, sizeof(err));
	FUZZ_CHECK(table != NULL);
	if (size < RECORD)
		return -1;
	for (size_t off = 0; off + RECORD <= size; off += RECORD) {
		one_key(data + off);
		compose_key(&st, table, data + off);
	}
	compose_release(&st);
	return 0;
}
