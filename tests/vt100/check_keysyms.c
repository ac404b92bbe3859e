/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keysyms that type text: every keysym libxkbcommon maps to a character --
 * X's legacy sets (Latin-2 0x1xx, Latin-3/4, Katakana 0x4xx, Arabic 0x5xx,
 * Cyrillic 0x6xx, Greek 0x7xx, Hebrew, Thai, Korean, EuroSign 0x20ac...)
 * and the Unicode keysyms 0x01000000 + U -- must type that character's
 * UTF-8, in every key set, whatever the modes; every other keysym below
 * 0xfe00 (from there on: modifiers, dead keys, function keys and the
 * keypad, which are the keys suite's) and every
 * Unicode keysym for a control, a surrogate or past U+10FFFF types nothing.
 * The list comes from libxkbcommon itself, by trying every keysym; the
 * layouts viewers use (ru, gr, pl, cz, de) are spot-checked against the
 * characters themselves, written here as UTF-8.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <xkbcommon/xkbcommon.h>

#include "vt100/keys.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool is_text(uint32_t u)
{
	return u >= 0x20 && !(u >= 0x7f && u < 0xa0) && !(u >= 0xd800 && u <= 0xdfff) &&
	       u <= 0x10ffff;
}

/* One keysym in one set: the character's UTF-8 if it maps to text, else nothing. */
static bool types_right(uint32_t keysym, const struct vt_modes *m, enum vt_key_set set)
{
	char want[4], got[VT_KEY_MAX];
	uint32_t u = xkb_keysym_to_utf32(keysym);
	size_t len = is_text(u) ? vt_utf8_encode(u, want) : 0;
	int n = vt_key_encode(keysym, 0, m, set, got, sizeof(got));

	return n == (int)len && !memcmp(got, want, len) && vt_key_char(keysym) == (len ? u : 0);
}

/*
 * _i: the key set.  The legacy keysyms (below the function keys) and every
 * Unicode keysym, with the modes that change keys all set, which text
 * must ignore.
 */
START_TEST(every_mapped_keysym)
{
	struct vt_modes m = { .cursor_keys_app = true, .keypad_app = true, .newline = true,
			      .backarrow_bs = true, .alt_sends_escape = true };
	enum vt_key_set set = (enum vt_key_set)_i;
	long legacy = 0, unicode = 0;

	for (uint32_t ks = 0; ks < 0xfe00; ks++) {
		/* Plain if + abort: a ck_assert per keysym would take seconds. */
		if (!types_right(ks, &m, set))
			ck_abort_msg("keysym 0x%04x (U+%04X) set %d", ks, xkb_keysym_to_utf32(ks),
				     _i);
		legacy += is_text(xkb_keysym_to_utf32(ks));
	}
	for (uint32_t ks = 0x01000000; ks <= 0x0110ffff + 1; ks++) {
		if (!types_right(ks, &m, set))
			ck_abort_msg("keysym 0x%08x set %d", ks, _i);
		unicode += is_text(xkb_keysym_to_utf32(ks));
	}
	if (_i == 0)
		fprintf(stderr, "keysyms: %ld legacy and %ld Unicode keysyms type their character\n",
			legacy, unicode);
	/* libxkbcommon 1.5 maps 954 legacy keysyms to text; Latin-1 alone would be 190. */
	ck_assert_int_gt(legacy, 900);
	ck_assert_int_gt(unicode, 1000000);
}
END_TEST

/* What a Russian, Greek, Polish, Czech or German keyboard sends, and must type. */
static const struct {
	uint32_t keysym;
	const char *want;
} layouts[] = {
	{ 0x6c1, "а" }, { 0x6e1, "А" }, { 0x6d1, "я" }, { 0x6a3, "ё" }, { 0x6df, "ъ" }, /* ru */
	{ 0x6a6, "і" }, { 0x6ad, "ґ" },                                                   /* uk */
	{ 0x7e1, "α" }, { 0x7c1, "Α" }, { 0x7f2, "σ" }, { 0x7f3, "ς" }, { 0x7b1, "ά" },   /* gr */
	{ 0x1b1, "ą" }, { 0x1e6, "ć" }, { 0x1ea, "ę" }, { 0x1b3, "ł" }, { 0x1f1, "ń" },   /* pl */
	{ 0x1b6, "ś" }, { 0x1bc, "ź" }, { 0x1bf, "ż" }, { 0x1a3, "Ł" },
	{ 0x1e8, "č" }, { 0x1ec, "ě" }, { 0x1f8, "ř" }, { 0x1b9, "š" }, { 0x1be, "ž" },   /* cz */
	{ 0x1f9, "ů" }, { 0xfd, "ý" },
	{ 0x20ac, "€" }, { 0xdf, "ß" }, { 0xe4, "ä" }, { 0xb5, "µ" }, { 0xb0, "°" },      /* de */
	{ 0xaa9, "—" }, { 0xad2, "“" }, { 0xce0, "א" }, { 0xda1, "ก" }, { 0x4b1, "ア" },  /* others */
	{ 0x5c7, "ا" }, { 0xeb1, "ㅁ" }, { 0x100263a, "☺" },
};

START_TEST(layout_characters)
{
	struct vt_modes m = { .alt_sends_escape = true };
	char got[VT_KEY_MAX];

	for (int set = 0; set < 3; set++) {
		size_t len = strlen(layouts[_i].want);
		int n = vt_key_encode(layouts[_i].keysym, 0, &m, (enum vt_key_set)set, got,
				      sizeof(got));

		ck_assert_msg(n == (int)len && !memcmp(got, layouts[_i].want, len),
			      "keysym 0x%x set %d: %d bytes, want %s", layouts[_i].keysym, set, n,
			      layouts[_i].want);
		/* Alt still prefixes ESC; Ctrl leaves a non-ASCII character alone. */
		n = vt_key_encode(layouts[_i].keysym, VT_MOD_ALT | VT_MOD_CTRL, &m,
				  (enum vt_key_set)set, got, sizeof(got));
		ck_assert(n == (int)len + 1 && got[0] == '\033' && !memcmp(got + 1,
			  layouts[_i].want, len));
	}
}
END_TEST

/* The runner declares it from a generated list; this keeps the prototype check. */
Suite *keysyms_suite(void);

Suite *keysyms_suite(void)
{
	Suite *s = suite_create("keysyms");
	TCase *tc = tcase_create("keysyms");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, every_mapped_keysym, 0, 3);
	tcase_add_loop_test(tc, layout_characters, 0, (int)N_ELEM(layouts));
	suite_add_tcase(s, tc);
	return s;
}
