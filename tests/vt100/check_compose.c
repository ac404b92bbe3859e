/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dead keys (vt100/compose.c): the table against the Unicode names of the
 * letters it makes, the rules of compose.h, and the bytes that reach the
 * console through vt_key_encode().  Keysyms come from libvncserver's copy
 * of the X header, so a wrong number in compose.c shows up here.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rfb/keysym.h>

#include "vt100/compose.h"
#include "vt100/compose_table.h"
#include "vt100/keys.h"

/* Newer than libvncserver's copy of the header: keysymdef.h's numbers. */
#define KS_ISO_LEVEL5_SHIFT 0xfe11u
#define KS_ISO_LEVEL5_LOCK 0xfe13u
#define KS_DEAD_HOOK 0xfe61u
#define KS_DEAD_STROKE 0xfe63u
#define KS_DEAD_GREEK 0xfe8cu
#define KS_DEAD_LONGSOLIDUSOVERLAY 0xfe93u

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))
#define UNI(u) (0x01000000u + (u))

/* Feed keysyms (no modifiers) and collect what comes out. */
static int feed_all(struct vt_compose *c, const uint32_t *in, int n_in, uint32_t *out, int max)
{
	int n = 0;

	for (int i = 0; i < n_in; i++) {
		uint32_t o[VT_COMPOSE_MAX];
		int k = vt_compose_feed(c, in[i], 0, o);

		ck_assert_int_ge(k, 0);
		ck_assert_int_le(k, VT_COMPOSE_MAX);
		for (int j = 0; j < k; j++) {
			ck_assert_int_lt(n, max);
			out[n++] = o[j];
		}
	}
	return n;
}

#define FEED(...)                                                                   \
	do {                                                                        \
		const uint32_t in_[] = { __VA_ARGS__ };                             \
		n_out = feed_all(&st, in_, (int)N_ELEM(in_), out, (int)N_ELEM(out)); \
	} while (0)

#define EXPECT(...)                                                                 \
	do {                                                                        \
		const uint32_t want_[] = { __VA_ARGS__ };                           \
		ck_assert_int_eq(n_out, (int)N_ELEM(want_));                        \
		for (size_t i_ = 0; i_ < N_ELEM(want_); i_++)                       \
			ck_assert_msg(out[i_] == want_[i_], "out[%zu] = %#x, want %#x", \
				      i_, out[i_], want_[i_]);                      \
	} while (0)

#define EXPECT_NONE() ck_assert_int_eq(n_out, 0)

/*
 * Every letter the table should make, with its Unicode name.  Listed by
 * code point (from Python's unicodedata.name()), not in the table's
 * order; each name says the dead key and the letter.
 */
static const struct {
	uint32_t cp;
	const char *name;
} names[] = {
	{ 0x00c0, "LATIN CAPITAL LETTER A WITH GRAVE" },
	{ 0x00c1, "LATIN CAPITAL LETTER A WITH ACUTE" },
	{ 0x00c2, "LATIN CAPITAL LETTER A WITH CIRCUMFLEX" },
	{ 0x00c3, "LATIN CAPITAL LETTER A WITH TILDE" },
	{ 0x00c4, "LATIN CAPITAL LETTER A WITH DIAERESIS" },
	{ 0x00c5, "LATIN CAPITAL LETTER A WITH RING ABOVE" },
	{ 0x00c7, "LATIN CAPITAL LETTER C WITH CEDILLA" },
	{ 0x00c8, "LATIN CAPITAL LETTER E WITH GRAVE" },
	{ 0x00c9, "LATIN CAPITAL LETTER E WITH ACUTE" },
	{ 0x00ca, "LATIN CAPITAL LETTER E WITH CIRCUMFLEX" },
	{ 0x00cb, "LATIN CAPITAL LETTER E WITH DIAERESIS" },
	{ 0x00cc, "LATIN CAPITAL LETTER I WITH GRAVE" },
	{ 0x00cd, "LATIN CAPITAL LETTER I WITH ACUTE" },
	{ 0x00ce, "LATIN CAPITAL LETTER I WITH CIRCUMFLEX" },
	{ 0x00cf, "LATIN CAPITAL LETTER I WITH DIAERESIS" },
	{ 0x00d1, "LATIN CAPITAL LETTER N WITH TILDE" },
	{ 0x00d2, "LATIN CAPITAL LETTER O WITH GRAVE" },
	{ 0x00d3, "LATIN CAPITAL LETTER O WITH ACUTE" },
	{ 0x00d4, "LATIN CAPITAL LETTER O WITH CIRCUMFLEX" },
	{ 0x00d5, "LATIN CAPITAL LETTER O WITH TILDE" },
	{ 0x00d6, "LATIN CAPITAL LETTER O WITH DIAERESIS" },
	{ 0x00d9, "LATIN CAPITAL LETTER U WITH GRAVE" },
	{ 0x00da, "LATIN CAPITAL LETTER U WITH ACUTE" },
	{ 0x00db, "LATIN CAPITAL LETTER U WITH CIRCUMFLEX" },
	{ 0x00dc, "LATIN CAPITAL LETTER U WITH DIAERESIS" },
	{ 0x00dd, "LATIN CAPITAL LETTER Y WITH ACUTE" },
	{ 0x00e0, "LATIN SMALL LETTER A WITH GRAVE" },
	{ 0x00e1, "LATIN SMALL LETTER A WITH ACUTE" },
	{ 0x00e2, "LATIN SMALL LETTER A WITH CIRCUMFLEX" },
	{ 0x00e3, "LATIN SMALL LETTER A WITH TILDE" },
	{ 0x00e4, "LATIN SMALL LETTER A WITH DIAERESIS" },
	{ 0x00e5, "LATIN SMALL LETTER A WITH RING ABOVE" },
	{ 0x00e7, "LATIN SMALL LETTER C WITH CEDILLA" },
	{ 0x00e8, "LATIN SMALL LETTER E WITH GRAVE" },
	{ 0x00e9, "LATIN SMALL LETTER E WITH ACUTE" },
	{ 0x00ea, "LATIN SMALL LETTER E WITH CIRCUMFLEX" },
	{ 0x00eb, "LATIN SMALL LETTER E WITH DIAERESIS" },
	{ 0x00ec, "LATIN SMALL LETTER I WITH GRAVE" },
	{ 0x00ed, "LATIN SMALL LETTER I WITH ACUTE" },
	{ 0x00ee, "LATIN SMALL LETTER I WITH CIRCUMFLEX" },
	{ 0x00ef, "LATIN SMALL LETTER I WITH DIAERESIS" },
	{ 0x00f1, "LATIN SMALL LETTER N WITH TILDE" },
	{ 0x00f2, "LATIN SMALL LETTER O WITH GRAVE" },
	{ 0x00f3, "LATIN SMALL LETTER O WITH ACUTE" },
	{ 0x00f4, "LATIN SMALL LETTER O WITH CIRCUMFLEX" },
	{ 0x00f5, "LATIN SMALL LETTER O WITH TILDE" },
	{ 0x00f6, "LATIN SMALL LETTER O WITH DIAERESIS" },
	{ 0x00f9, "LATIN SMALL LETTER U WITH GRAVE" },
	{ 0x00fa, "LATIN SMALL LETTER U WITH ACUTE" },
	{ 0x00fb, "LATIN SMALL LETTER U WITH CIRCUMFLEX" },
	{ 0x00fc, "LATIN SMALL LETTER U WITH DIAERESIS" },
	{ 0x00fd, "LATIN SMALL LETTER Y WITH ACUTE" },
	{ 0x00ff, "LATIN SMALL LETTER Y WITH DIAERESIS" },
	{ 0x0100, "LATIN CAPITAL LETTER A WITH MACRON" },
	{ 0x0101, "LATIN SMALL LETTER A WITH MACRON" },
	{ 0x0102, "LATIN CAPITAL LETTER A WITH BREVE" },
	{ 0x0103, "LATIN SMALL LETTER A WITH BREVE" },
	{ 0x0104, "LATIN CAPITAL LETTER A WITH OGONEK" },
	{ 0x0105, "LATIN SMALL LETTER A WITH OGONEK" },
	{ 0x0106, "LATIN CAPITAL LETTER C WITH ACUTE" },
	{ 0x0107, "LATIN SMALL LETTER C WITH ACUTE" },
	{ 0x0108, "LATIN CAPITAL LETTER C WITH CIRCUMFLEX" },
	{ 0x0109, "LATIN SMALL LETTER C WITH CIRCUMFLEX" },
	{ 0x010a, "LATIN CAPITAL LETTER C WITH DOT ABOVE" },
	{ 0x010b, "LATIN SMALL LETTER C WITH DOT ABOVE" },
	{ 0x010c, "LATIN CAPITAL LETTER C WITH CARON" },
	{ 0x010d, "LATIN SMALL LETTER C WITH CARON" },
	{ 0x010e, "LATIN CAPITAL LETTER D WITH CARON" },
	{ 0x010f, "LATIN SMALL LETTER D WITH CARON" },
	{ 0x0112, "LATIN CAPITAL LETTER E WITH MACRON" },
	{ 0x0113, "LATIN SMALL LETTER E WITH MACRON" },
	{ 0x0114, "LATIN CAPITAL LETTER E WITH BREVE" },
	{ 0x0115, "LATIN SMALL LETTER E WITH BREVE" },
	{ 0x0116, "LATIN CAPITAL LETTER E WITH DOT ABOVE" },
	{ 0x0117, "LATIN SMALL LETTER E WITH DOT ABOVE" },
	{ 0x0118, "LATIN CAPITAL LETTER E WITH OGONEK" },
	{ 0x0119, "LATIN SMALL LETTER E WITH OGONEK" },
	{ 0x011a, "LATIN CAPITAL LETTER E WITH CARON" },
	{ 0x011b, "LATIN SMALL LETTER E WITH CARON" },
	{ 0x011c, "LATIN CAPITAL LETTER G WITH CIRCUMFLEX" },
	{ 0x011d, "LATIN SMALL LETTER G WITH CIRCUMFLEX" },
	{ 0x011e, "LATIN CAPITAL LETTER G WITH BREVE" },
	{ 0x011f, "LATIN SMALL LETTER G WITH BREVE" },
	{ 0x0120, "LATIN CAPITAL LETTER G WITH DOT ABOVE" },
	{ 0x0121, "LATIN SMALL LETTER G WITH DOT ABOVE" },
	{ 0x0122, "LATIN CAPITAL LETTER G WITH CEDILLA" },
	{ 0x0123, "LATIN SMALL LETTER G WITH CEDILLA" },
	{ 0x0124, "LATIN CAPITAL LETTER H WITH CIRCUMFLEX" },
	{ 0x0125, "LATIN SMALL LETTER H WITH CIRCUMFLEX" },
	{ 0x0128, "LATIN CAPITAL LETTER I WITH TILDE" },
	{ 0x0129, "LATIN SMALL LETTER I WITH TILDE" },
	{ 0x012a, "LATIN CAPITAL LETTER I WITH MACRON" },
	{ 0x012b, "LATIN SMALL LETTER I WITH MACRON" },
	{ 0x012c, "LATIN CAPITAL LETTER I WITH BREVE" },
	{ 0x012d, "LATIN SMALL LETTER I WITH BREVE" },
	{ 0x012e, "LATIN CAPITAL LETTER I WITH OGONEK" },
	{ 0x012f, "LATIN SMALL LETTER I WITH OGONEK" },
	{ 0x0130, "LATIN CAPITAL LETTER I WITH DOT ABOVE" },
	{ 0x0134, "LATIN CAPITAL LETTER J WITH CIRCUMFLEX" },
	{ 0x0135, "LATIN SMALL LETTER J WITH CIRCUMFLEX" },
	{ 0x0136, "LATIN CAPITAL LETTER K WITH CEDILLA" },
	{ 0x0137, "LATIN SMALL LETTER K WITH CEDILLA" },
	{ 0x0139, "LATIN CAPITAL LETTER L WITH ACUTE" },
	{ 0x013a, "LATIN SMALL LETTER L WITH ACUTE" },
	{ 0x013b, "LATIN CAPITAL LETTER L WITH CEDILLA" },
	{ 0x013c, "LATIN SMALL LETTER L WITH CEDILLA" },
	{ 0x013d, "LATIN CAPITAL LETTER L WITH CARON" },
	{ 0x013e, "LATIN SMALL LETTER L WITH CARON" },
	{ 0x0143, "LATIN CAPITAL LETTER N WITH ACUTE" },
	{ 0x0144, "LATIN SMALL LETTER N WITH ACUTE" },
	{ 0x0145, "LATIN CAPITAL LETTER N WITH CEDILLA" },
	{ 0x0146, "LATIN SMALL LETTER N WITH CEDILLA" },
	{ 0x0147, "LATIN CAPITAL LETTER N WITH CARON" },
	{ 0x0148, "LATIN SMALL LETTER N WITH CARON" },
	{ 0x014c, "LATIN CAPITAL LETTER O WITH MACRON" },
	{ 0x014d, "LATIN SMALL LETTER O WITH MACRON" },
	{ 0x014e, "LATIN CAPITAL LETTER O WITH BREVE" },
	{ 0x014f, "LATIN SMALL LETTER O WITH BREVE" },
	{ 0x0150, "LATIN CAPITAL LETTER O WITH DOUBLE ACUTE" },
	{ 0x0151, "LATIN SMALL LETTER O WITH DOUBLE ACUTE" },
	{ 0x0154, "LATIN CAPITAL LETTER R WITH ACUTE" },
	{ 0x0155, "LATIN SMALL LETTER R WITH ACUTE" },
	{ 0x0156, "LATIN CAPITAL LETTER R WITH CEDILLA" },
	{ 0x0157, "LATIN SMALL LETTER R WITH CEDILLA" },
	{ 0x0158, "LATIN CAPITAL LETTER R WITH CARON" },
	{ 0x0159, "LATIN SMALL LETTER R WITH CARON" },
	{ 0x015a, "LATIN CAPITAL LETTER S WITH ACUTE" },
	{ 0x015b, "LATIN SMALL LETTER S WITH ACUTE" },
	{ 0x015c, "LATIN CAPITAL LETTER S WITH CIRCUMFLEX" },
	{ 0x015d, "LATIN SMALL LETTER S WITH CIRCUMFLEX" },
	{ 0x015e, "LATIN CAPITAL LETTER S WITH CEDILLA" },
	{ 0x015f, "LATIN SMALL LETTER S WITH CEDILLA" },
	{ 0x0160, "LATIN CAPITAL LETTER S WITH CARON" },
	{ 0x0161, "LATIN SMALL LETTER S WITH CARON" },
	{ 0x0162, "LATIN CAPITAL LETTER T WITH CEDILLA" },
	{ 0x0163, "LATIN SMALL LETTER T WITH CEDILLA" },
	{ 0x0164, "LATIN CAPITAL LETTER T WITH CARON" },
	{ 0x0165, "LATIN SMALL LETTER T WITH CARON" },
	{ 0x0168, "LATIN CAPITAL LETTER U WITH TILDE" },
	{ 0x0169, "LATIN SMALL LETTER U WITH TILDE" },
	{ 0x016a, "LATIN CAPITAL LETTER U WITH MACRON" },
	{ 0x016b, "LATIN SMALL LETTER U WITH MACRON" },
	{ 0x016c, "LATIN CAPITAL LETTER U WITH BREVE" },
	{ 0x016d, "LATIN SMALL LETTER U WITH BREVE" },
	{ 0x016e, "LATIN CAPITAL LETTER U WITH RING ABOVE" },
	{ 0x016f, "LATIN SMALL LETTER U WITH RING ABOVE" },
	{ 0x0170, "LATIN CAPITAL LETTER U WITH DOUBLE ACUTE" },
	{ 0x0171, "LATIN SMALL LETTER U WITH DOUBLE ACUTE" },
	{ 0x0172, "LATIN CAPITAL LETTER U WITH OGONEK" },
	{ 0x0173, "LATIN SMALL LETTER U WITH OGONEK" },
	{ 0x0174, "LATIN CAPITAL LETTER W WITH CIRCUMFLEX" },
	{ 0x0175, "LATIN SMALL LETTER W WITH CIRCUMFLEX" },
	{ 0x0176, "LATIN CAPITAL LETTER Y WITH CIRCUMFLEX" },
	{ 0x0177, "LATIN SMALL LETTER Y WITH CIRCUMFLEX" },
	{ 0x0178, "LATIN CAPITAL LETTER Y WITH DIAERESIS" },
	{ 0x0179, "LATIN CAPITAL LETTER Z WITH ACUTE" },
	{ 0x017a, "LATIN SMALL LETTER Z WITH ACUTE" },
	{ 0x017b, "LATIN CAPITAL LETTER Z WITH DOT ABOVE" },
	{ 0x017c, "LATIN SMALL LETTER Z WITH DOT ABOVE" },
	{ 0x017d, "LATIN CAPITAL LETTER Z WITH CARON" },
	{ 0x017e, "LATIN SMALL LETTER Z WITH CARON" },
	{ 0x01cd, "LATIN CAPITAL LETTER A WITH CARON" },
	{ 0x01ce, "LATIN SMALL LETTER A WITH CARON" },
	{ 0x01cf, "LATIN CAPITAL LETTER I WITH CARON" },
	{ 0x01d0, "LATIN SMALL LETTER I WITH CARON" },
	{ 0x01d1, "LATIN CAPITAL LETTER O WITH CARON" },
	{ 0x01d2, "LATIN SMALL LETTER O WITH CARON" },
	{ 0x01d3, "LATIN CAPITAL LETTER U WITH CARON" },
	{ 0x01d4, "LATIN SMALL LETTER U WITH CARON" },
	{ 0x01e6, "LATIN CAPITAL LETTER G WITH CARON" },
	{ 0x01e7, "LATIN SMALL LETTER G WITH CARON" },
	{ 0x01e8, "LATIN CAPITAL LETTER K WITH CARON" },
	{ 0x01e9, "LATIN SMALL LETTER K WITH CARON" },
	{ 0x01ea, "LATIN CAPITAL LETTER O WITH OGONEK" },
	{ 0x01eb, "LATIN SMALL LETTER O WITH OGONEK" },
	{ 0x01f0, "LATIN SMALL LETTER J WITH CARON" },
	{ 0x01f4, "LATIN CAPITAL LETTER G WITH ACUTE" },
	{ 0x01f5, "LATIN SMALL LETTER G WITH ACUTE" },
	{ 0x01f8, "LATIN CAPITAL LETTER N WITH GRAVE" },
	{ 0x01f9, "LATIN SMALL LETTER N WITH GRAVE" },
	{ 0x021e, "LATIN CAPITAL LETTER H WITH CARON" },
	{ 0x021f, "LATIN SMALL LETTER H WITH CARON" },
	{ 0x0226, "LATIN CAPITAL LETTER A WITH DOT ABOVE" },
	{ 0x0227, "LATIN SMALL LETTER A WITH DOT ABOVE" },
	{ 0x0228, "LATIN CAPITAL LETTER E WITH CEDILLA" },
	{ 0x0229, "LATIN SMALL LETTER E WITH CEDILLA" },
	{ 0x022e, "LATIN CAPITAL LETTER O WITH DOT ABOVE" },
	{ 0x022f, "LATIN SMALL LETTER O WITH DOT ABOVE" },
	{ 0x0232, "LATIN CAPITAL LETTER Y WITH MACRON" },
	{ 0x0233, "LATIN SMALL LETTER Y WITH MACRON" },
	{ 0x1e02, "LATIN CAPITAL LETTER B WITH DOT ABOVE" },
	{ 0x1e03, "LATIN SMALL LETTER B WITH DOT ABOVE" },
	{ 0x1e0a, "LATIN CAPITAL LETTER D WITH DOT ABOVE" },
	{ 0x1e0b, "LATIN SMALL LETTER D WITH DOT ABOVE" },
	{ 0x1e10, "LATIN CAPITAL LETTER D WITH CEDILLA" },
	{ 0x1e11, "LATIN SMALL LETTER D WITH CEDILLA" },
	{ 0x1e1e, "LATIN CAPITAL LETTER F WITH DOT ABOVE" },
	{ 0x1e1f, "LATIN SMALL LETTER F WITH DOT ABOVE" },
	{ 0x1e20, "LATIN CAPITAL LETTER G WITH MACRON" },
	{ 0x1e21, "LATIN SMALL LETTER G WITH MACRON" },
	{ 0x1e22, "LATIN CAPITAL LETTER H WITH DOT ABOVE" },
	{ 0x1e23, "LATIN SMALL LETTER H WITH DOT ABOVE" },
	{ 0x1e26, "LATIN CAPITAL LETTER H WITH DIAERESIS" },
	{ 0x1e27, "LATIN SMALL LETTER H WITH DIAERESIS" },
	{ 0x1e28, "LATIN CAPITAL LETTER H WITH CEDILLA" },
	{ 0x1e29, "LATIN SMALL LETTER H WITH CEDILLA" },
	{ 0x1e30, "LATIN CAPITAL LETTER K WITH ACUTE" },
	{ 0x1e31, "LATIN SMALL LETTER K WITH ACUTE" },
	{ 0x1e3e, "LATIN CAPITAL LETTER M WITH ACUTE" },
	{ 0x1e3f, "LATIN SMALL LETTER M WITH ACUTE" },
	{ 0x1e40, "LATIN CAPITAL LETTER M WITH DOT ABOVE" },
	{ 0x1e41, "LATIN SMALL LETTER M WITH DOT ABOVE" },
	{ 0x1e44, "LATIN CAPITAL LETTER N WITH DOT ABOVE" },
	{ 0x1e45, "LATIN SMALL LETTER N WITH DOT ABOVE" },
	{ 0x1e54, "LATIN CAPITAL LETTER P WITH ACUTE" },
	{ 0x1e55, "LATIN SMALL LETTER P WITH ACUTE" },
	{ 0x1e56, "LATIN CAPITAL LETTER P WITH DOT ABOVE" },
	{ 0x1e57, "LATIN SMALL LETTER P WITH DOT ABOVE" },
	{ 0x1e58, "LATIN CAPITAL LETTER R WITH DOT ABOVE" },
	{ 0x1e59, "LATIN SMALL LETTER R WITH DOT ABOVE" },
	{ 0x1e60, "LATIN CAPITAL LETTER S WITH DOT ABOVE" },
	{ 0x1e61, "LATIN SMALL LETTER S WITH DOT ABOVE" },
	{ 0x1e6a, "LATIN CAPITAL LETTER T WITH DOT ABOVE" },
	{ 0x1e6b, "LATIN SMALL LETTER T WITH DOT ABOVE" },
	{ 0x1e7c, "LATIN CAPITAL LETTER V WITH TILDE" },
	{ 0x1e7d, "LATIN SMALL LETTER V WITH TILDE" },
	{ 0x1e80, "LATIN CAPITAL LETTER W WITH GRAVE" },
	{ 0x1e81, "LATIN SMALL LETTER W WITH GRAVE" },
	{ 0x1e82, "LATIN CAPITAL LETTER W WITH ACUTE" },
	{ 0x1e83, "LATIN SMALL LETTER W WITH ACUTE" },
	{ 0x1e84, "LATIN CAPITAL LETTER W WITH DIAERESIS" },
	{ 0x1e85, "LATIN SMALL LETTER W WITH DIAERESIS" },
	{ 0x1e86, "LATIN CAPITAL LETTER W WITH DOT ABOVE" },
	{ 0x1e87, "LATIN SMALL LETTER W WITH DOT ABOVE" },
	{ 0x1e8a, "LATIN CAPITAL LETTER X WITH DOT ABOVE" },
	{ 0x1e8b, "LATIN SMALL LETTER X WITH DOT ABOVE" },
	{ 0x1e8c, "LATIN CAPITAL LETTER X WITH DIAERESIS" },
	{ 0x1e8d, "LATIN SMALL LETTER X WITH DIAERESIS" },
	{ 0x1e8e, "LATIN CAPITAL LETTER Y WITH DOT ABOVE" },
	{ 0x1e8f, "LATIN SMALL LETTER Y WITH DOT ABOVE" },
	{ 0x1e90, "LATIN CAPITAL LETTER Z WITH CIRCUMFLEX" },
	{ 0x1e91, "LATIN SMALL LETTER Z WITH CIRCUMFLEX" },
	{ 0x1e97, "LATIN SMALL LETTER T WITH DIAERESIS" },
	{ 0x1e98, "LATIN SMALL LETTER W WITH RING ABOVE" },
	{ 0x1e99, "LATIN SMALL LETTER Y WITH RING ABOVE" },
	{ 0x1ebc, "LATIN CAPITAL LETTER E WITH TILDE" },
	{ 0x1ebd, "LATIN SMALL LETTER E WITH TILDE" },
	{ 0x1ef2, "LATIN CAPITAL LETTER Y WITH GRAVE" },
	{ 0x1ef3, "LATIN SMALL LETTER Y WITH GRAVE" },
	{ 0x1ef8, "LATIN CAPITAL LETTER Y WITH TILDE" },
	{ 0x1ef9, "LATIN SMALL LETTER Y WITH TILDE" },
};

static const struct {
	const char *mark;
	uint32_t dead;
} marks[] = {
	{ "GRAVE", XK_dead_grave },
	{ "ACUTE", XK_dead_acute },
	{ "CIRCUMFLEX", XK_dead_circumflex },
	{ "TILDE", XK_dead_tilde },
	{ "MACRON", XK_dead_macron },
	{ "BREVE", XK_dead_breve },
	{ "DOT ABOVE", XK_dead_abovedot },
	{ "DIAERESIS", XK_dead_diaeresis },
	{ "RING ABOVE", XK_dead_abovering },
	{ "DOUBLE ACUTE", XK_dead_doubleacute },
	{ "CARON", XK_dead_caron },
	{ "CEDILLA", XK_dead_cedilla },
	{ "OGONEK", XK_dead_ogonek },
};

/* "LATIN SMALL LETTER E WITH ACUTE" -> XK_dead_acute and 'e'. */
static void parse_name(const char *name, uint32_t *dead, uint32_t *base)
{
	char size[16], letter[4], mark[32];

	ck_assert_msg(sscanf(name, "LATIN %15s LETTER %3s WITH %31[A-Z ]", size, letter, mark) == 3,
		      "cannot parse %s", name);
	ck_assert_msg(strlen(letter) == 1 && letter[0] >= 'A' && letter[0] <= 'Z', "%s", name);
	ck_assert_msg(!strcmp(size, "SMALL") || !strcmp(size, "CAPITAL"), "%s", name);
	*base = !strcmp(size, "SMALL") ? (uint32_t)(letter[0] - 'A' + 'a') : (uint32_t)letter[0];
	*dead = 0;
	for (size_t i = 0; i < N_ELEM(marks); i++)
		if (!strcmp(mark, marks[i].mark))
			*dead = marks[i].dead;
	ck_assert_msg(*dead, "no dead key for %s", name);
}

static uint32_t keysym_of(uint32_t cp)
{
	return cp <= 0xff ? cp : UNI(cp);
}

/* Sorted for bsearch(), no duplicates, and only what the header promises. */
START_TEST(test_table_sorted)
{
	for (size_t i = 0; i < N_ELEM(compose_table); i++) {
		const struct compose_entry *e = &compose_table[i];

		ck_assert_uint_ge(e->dead, XK_dead_grave);
		ck_assert_uint_le(e->dead, XK_dead_ogonek);
		ck_assert_msg((e->base >= 'A' && e->base <= 'Z') || (e->base >= 'a' && e->base <= 'z'),
			      "entry %zu base %#x", i, e->base);
		ck_assert_uint_gt(e->result, 0x7f);
		if (i > 0) {
			const struct compose_entry *p = &compose_table[i - 1];

			ck_assert_msg(p->dead < e->dead || (p->dead == e->dead && p->base < e->base),
				      "entry %zu out of order", i);
		}
	}
}
END_TEST

/*
 * Every letter named gets composed from what its name says, and nothing
 * else is: the table and the names match one for one.
 */
START_TEST(test_table_names)
{
	ck_assert_uint_eq(N_ELEM(names), N_ELEM(compose_table));
	for (size_t i = 0; i < N_ELEM(names); i++) {
		uint32_t dead, base;

		parse_name(names[i].name, &dead, &base);
		ck_assert_msg(vt_compose_lookup(dead, base) == names[i].cp, "%s: got %#x, want %#x",
			      names[i].name, vt_compose_lookup(dead, base), names[i].cp);
		/* A viewer sending the letter as a Unicode keysym gets the same. */
		ck_assert_uint_eq(vt_compose_lookup(dead, UNI(base)), names[i].cp);

		struct vt_compose st = { 0 };
		uint32_t o[VT_COMPOSE_MAX];

		ck_assert_int_eq(vt_compose_feed(&st, dead, 0, o), 0);
		ck_assert_int_eq(vt_compose_feed(&st, base, VT_MOD_SHIFT, o), 1);
		ck_assert_uint_eq(o[0], keysym_of(names[i].cp));
	}
	/* The converse: every pair not named composes to nothing. */
	size_t found = 0;

	for (size_t m = 0; m < N_ELEM(marks); m++)
		for (uint32_t b = 0x20; b < 0x7f; b++)
			found += vt_compose_lookup(marks[m].dead, b) != 0;
	ck_assert_uint_eq(found, N_ELEM(names));
}
END_TEST

/* A sample typed in by hand from the code charts, independent of any generator. */
START_TEST(test_known_points)
{
	static const struct {
		uint32_t dead, base, cp;
	} known[] = {
		{ XK_dead_acute, 'e', 0xe9 },       { XK_dead_acute, 'E', 0xc9 },
		{ XK_dead_grave, 'a', 0xe0 },       { XK_dead_circumflex, 'A', 0xc2 },
		{ XK_dead_circumflex, 'o', 0xf4 },  { XK_dead_tilde, 'n', 0xf1 },
		{ XK_dead_tilde, 'A', 0xc3 },       { XK_dead_diaeresis, 'u', 0xfc },
		{ XK_dead_diaeresis, 'y', 0xff },   { XK_dead_diaeresis, 'Y', 0x178 },
		{ XK_dead_abovering, 'a', 0xe5 },   { XK_dead_abovering, 'U', 0x16e },
		{ XK_dead_cedilla, 'c', 0xe7 },     { XK_dead_cedilla, 'C', 0xc7 },
		{ XK_dead_cedilla, 's', 0x15f },    { XK_dead_caron, 's', 0x161 },
		{ XK_dead_caron, 'Z', 0x17d },      { XK_dead_caron, 'c', 0x10d },
		{ XK_dead_macron, 'a', 0x101 },     { XK_dead_macron, 'E', 0x112 },
		{ XK_dead_breve, 'g', 0x11f },      { XK_dead_breve, 'A', 0x102 },
		{ XK_dead_ogonek, 'a', 0x105 },     { XK_dead_ogonek, 'E', 0x118 },
		{ XK_dead_doubleacute, 'o', 0x151 }, { XK_dead_doubleacute, 'U', 0x170 },
		{ XK_dead_abovedot, 'z', 0x17c },   { XK_dead_abovedot, 'I', 0x130 },
		{ XK_dead_caron, 'a', 0x1ce },      { XK_dead_tilde, 'e', 0x1ebd },
		{ XK_dead_grave, 'w', 0x1e81 },     { XK_dead_acute, 'n', 0x144 },
	};

	for (size_t i = 0; i < N_ELEM(known); i++)
		ck_assert_msg(vt_compose_lookup(known[i].dead, known[i].base) == known[i].cp,
			      "%#x + %c: got %#x, want %#x", known[i].dead, known[i].base,
			      vt_compose_lookup(known[i].dead, known[i].base), known[i].cp);
	/* Letters without the accent, and non-letters. */
	ck_assert_uint_eq(vt_compose_lookup(XK_dead_acute, 'q'), 0);
	ck_assert_uint_eq(vt_compose_lookup(XK_dead_cedilla, 'a'), 0);
	ck_assert_uint_eq(vt_compose_lookup(XK_dead_circumflex, '2'), 0);
	ck_assert_uint_eq(vt_compose_lookup(XK_dead_acute, XK_ae), 0);
	ck_assert_uint_eq(vt_compose_lookup(XK_dead_acute, XK_Left), 0);
	ck_assert_uint_eq(vt_compose_lookup(XK_dead_belowdot, 'a'), 0);
	ck_assert_uint_eq(vt_compose_lookup('e', 'e'), 0);
	ck_assert_uint_eq(vt_compose_lookup(0xfe51u + 0x10000u, 'e'), 0); /* no narrowing to 16 bits */
	ck_assert_uint_eq(vt_compose_lookup(XK_dead_acute, 'e' + 0x10000u), 0);
}
END_TEST

/* Space: X's en_US.UTF-8 choices, US-International's ' and " included. */
START_TEST(test_space)
{
	static const uint32_t want[][3] = {
		{ XK_dead_grave, '`', '`' },        { XK_dead_acute, '\'', 0xb4 },
		{ XK_dead_circumflex, '^', '^' },   { XK_dead_tilde, '~', '~' },
		{ XK_dead_macron, 0xaf, 0xaf },     { XK_dead_breve, UNI(0x2d8), UNI(0x2d8) },
		{ XK_dead_abovedot, UNI(0x2d9), UNI(0x2d9) },
		{ XK_dead_diaeresis, '"', 0xa8 },   { XK_dead_abovering, 0xb0, 0xb0 },
		{ XK_dead_doubleacute, UNI(0x2dd), UNI(0x2dd) },
		{ XK_dead_caron, UNI(0x2c7), UNI(0x2c7) },
		{ XK_dead_cedilla, 0xb8, 0xb8 },    { XK_dead_ogonek, UNI(0x2db), UNI(0x2db) },
	};
	struct vt_compose st = { 0 };
	uint32_t out[8];
	int n_out;

	for (size_t i = 0; i < N_ELEM(want); i++) {
		FEED(want[i][0], XK_space);
		EXPECT(want[i][1]);
		ck_assert(!vt_compose_pending(&st));
		FEED(want[i][0], want[i][0]);
		EXPECT(want[i][2]);
		ck_assert(!vt_compose_pending(&st));
		/* Twice then a letter: the letter is plain again. */
		FEED(want[i][0], want[i][0], 'e');
		EXPECT(want[i][2], 'e');
	}
}
END_TEST

START_TEST(test_no_composition)
{
	struct vt_compose st = { 0 };
	uint32_t out[8];
	int n_out;

	/* The accent as space gives it, then the letter: nothing typed is lost. */
	FEED(XK_dead_acute, 'q');
	EXPECT('\'', 'q');
	FEED(XK_dead_diaeresis, 'b');
	EXPECT('"', 'b');
	FEED(XK_dead_caron, '1');
	EXPECT(UNI(0x2c7), '1');
	FEED(XK_dead_grave, XK_ssharp);
	EXPECT('`', XK_ssharp);
	FEED(XK_dead_tilde, UNI(0x4e2d));
	EXPECT('~', UNI(0x4e2d));
	/* Another known dead key: the first by itself, the second waits. */
	FEED(XK_dead_acute, XK_dead_grave);
	EXPECT('\'');
	ck_assert(vt_compose_pending(&st));
	FEED('a');
	EXPECT(0xe0);
	ck_assert(!vt_compose_pending(&st));
}
END_TEST

/* Modifiers pass through and keep the dead key: Shift makes the capital. */
START_TEST(test_modifiers_keep)
{
	static const uint32_t mods[] = {
		XK_Shift_L, XK_Shift_R, XK_Caps_Lock, XK_Shift_Lock, XK_Control_L, XK_Alt_R,
		XK_Meta_L, XK_Super_L, XK_Hyper_R, XK_ISO_Level3_Shift, KS_ISO_LEVEL5_SHIFT,
		XK_ISO_Next_Group, XK_Mode_switch, XK_Num_Lock,
	};
	struct vt_compose st = { 0 };
	uint32_t out[8];
	int n_out;

	for (size_t i = 0; i < N_ELEM(mods); i++) {
		FEED(XK_dead_circumflex, mods[i]);
		EXPECT(mods[i]);
		ck_assert_msg(vt_compose_pending(&st), "%#x cancelled the dead key", mods[i]);
		FEED(mods[i], 'A');
		EXPECT(mods[i], 0xc2);
	}
	/* Shift held for the letter (the viewer already made it a capital). */
	uint32_t o[VT_COMPOSE_MAX];

	ck_assert_int_eq(vt_compose_feed(&st, XK_dead_acute, VT_MOD_SHIFT, o), 0);
	ck_assert_int_eq(vt_compose_feed(&st, XK_Shift_L, VT_MOD_SHIFT, o), 1);
	ck_assert_int_eq(vt_compose_feed(&st, 'E', VT_MOD_SHIFT, o), 1);
	ck_assert_uint_eq(o[0], 0xc9);
}
END_TEST

/* Keys that type no character drop the dead key and go through unchanged. */
START_TEST(test_cancel)
{
	static const uint32_t keys[] = {
		XK_Left, XK_Up, XK_Right, XK_Down, XK_Return, XK_KP_Enter, XK_BackSpace, XK_Tab,
		XK_Escape, XK_Delete, XK_Home, XK_Prior, XK_F1, XK_F12, XK_F35, XK_KP_5,
		XK_Print, XK_dead_belowdot, KS_DEAD_HOOK, KS_DEAD_STROKE, KS_DEAD_GREEK,
		KS_DEAD_LONGSOLIDUSOVERLAY, UNI(0x7), UNI(0xd800), 0x01110000, 0x1008ff13, 0, 0xffffffff,
	};
	struct vt_compose st = { 0 };
	uint32_t out[8];
	int n_out;

	for (size_t i = 0; i < N_ELEM(keys); i++) {
		bool dead = keys[i] >= XK_dead_grave && keys[i] <= KS_DEAD_LONGSOLIDUSOVERLAY;

		FEED(XK_dead_acute, keys[i]);
		if (dead)
			EXPECT_NONE(); /* an unknown dead key types nothing, as before */
		else
			EXPECT(keys[i]);
		ck_assert_msg(!vt_compose_pending(&st), "%#x kept the dead key", keys[i]);
		FEED('e');
		EXPECT('e');
	}
}
END_TEST

/* Ctrl or Alt with a letter is a shortcut: the accent gives way. */
START_TEST(test_shortcut_cancels)
{
	static const unsigned mods[] = { VT_MOD_CTRL, VT_MOD_ALT, VT_MOD_CTRL | VT_MOD_SHIFT };
	struct vt_compose st = { 0 };
	uint32_t o[VT_COMPOSE_MAX];

	for (size_t i = 0; i < N_ELEM(mods); i++) {
		ck_assert_int_eq(vt_compose_feed(&st, XK_dead_acute, 0, o), 0);
		ck_assert_int_eq(vt_compose_feed(&st, 'c', mods[i], o), 1);
		ck_assert_uint_eq(o[0], 'c');
		ck_assert(!vt_compose_pending(&st));
	}
	/* Ctrl on the dead key itself changes nothing. */
	ck_assert_int_eq(vt_compose_feed(&st, XK_dead_acute, VT_MOD_CTRL, o), 0);
	ck_assert_int_eq(vt_compose_feed(&st, 'e', 0, o), 1);
	ck_assert_uint_eq(o[0], 0xe9);
}
END_TEST

/* Unknown dead keys never wait, and never cancel into garbage. */
START_TEST(test_unknown_dead)
{
	struct vt_compose st = { 0 };
	uint32_t out[8];
	int n_out;

	for (uint32_t d = XK_dead_grave; d <= KS_DEAD_LONGSOLIDUSOVERLAY; d++) {
		bool known = d <= XK_dead_ogonek;

		FEED(d);
		EXPECT_NONE();
		ck_assert_int_eq(vt_compose_pending(&st), known);
		ck_assert_int_eq(vt_compose_spacing(d, false) != 0, known);
		FEED(XK_space);
		if (known)
			EXPECT(vt_compose_spacing(d, false) <= 0xff ? vt_compose_spacing(d, false) :
								     UNI(vt_compose_spacing(d, false)));
		else
			EXPECT(XK_space);
	}
	ck_assert_uint_eq(vt_compose_spacing('a', false), 0);
	ck_assert_uint_eq(vt_compose_spacing(XK_dead_iota, true), 0);
	/* A stray value in the state is no dead key. */
	st.dead = 0x12345678;
	FEED('e');
	EXPECT('e');
	st.dead = XK_dead_belowdot;
	FEED('e');
	EXPECT('e');
}
END_TEST

START_TEST(test_api)
{
	struct vt_compose st = { 0 };
	uint32_t o[VT_COMPOSE_MAX];

	ck_assert_int_eq(vt_compose_feed(NULL, 'e', 0, o), -EINVAL);
	ck_assert_int_eq(vt_compose_feed(&st, 'e', 0, NULL), -EINVAL);
	ck_assert(!vt_compose_pending(NULL));
	vt_compose_reset(NULL);
	/* No dead key: every key goes through unchanged. */
	ck_assert_int_eq(vt_compose_feed(&st, 'e', 0, o), 1);
	ck_assert_uint_eq(o[0], 'e');
	ck_assert_int_eq(vt_compose_feed(&st, XK_Left, VT_MOD_CTRL, o), 1);
	ck_assert_uint_eq(o[0], XK_Left);
	/* Reset forgets a waiting dead key. */
	ck_assert_int_eq(vt_compose_feed(&st, XK_dead_acute, 0, o), 0);
	ck_assert(vt_compose_pending(&st));
	vt_compose_reset(&st);
	ck_assert(!vt_compose_pending(&st));
	ck_assert_int_eq(vt_compose_feed(&st, 'e', 0, o), 1);
	ck_assert_uint_eq(o[0], 'e');
}
END_TEST

/* Two keyboards, two states: one viewer's accent never lands on the other's letter. */
START_TEST(test_independent)
{
	struct vt_compose a = { 0 }, b = { 0 };
	uint32_t o[VT_COMPOSE_MAX];

	ck_assert_int_eq(vt_compose_feed(&a, XK_dead_acute, 0, o), 0);
	ck_assert_int_eq(vt_compose_feed(&b, XK_dead_diaeresis, 0, o), 0);
	ck_assert_int_eq(vt_compose_feed(&b, 'u', 0, o), 1);
	ck_assert_uint_eq(o[0], 0xfc);
	ck_assert_int_eq(vt_compose_feed(&b, 'e', 0, o), 1);
	ck_assert_uint_eq(o[0], 'e');
	ck_assert_int_eq(vt_compose_feed(&a, 'e', 0, o), 1);
	ck_assert_uint_eq(o[0], 0xe9);
}
END_TEST

/* What reaches the console: the composed letter in UTF-8. */
START_TEST(test_bytes)
{
	static const struct {
		uint32_t dead, key;
		const char *bytes;
	} cases[] = {
		{ XK_dead_acute, 'e', "\xc3\xa9" },      { XK_dead_diaeresis, 'u', "\xc3\xbc" },
		{ XK_dead_circumflex, 'A', "\xc3\x82" }, { XK_dead_cedilla, 'c', "\xc3\xa7" },
		{ XK_dead_caron, 's', "\xc5\xa1" },      { XK_dead_tilde, 'e', "\xe1\xba\xbd" },
		{ XK_dead_acute, XK_space, "'" },        { XK_dead_acute, XK_dead_acute, "\xc2\xb4" },
		{ XK_dead_caron, XK_space, "\xcb\x87" }, { XK_dead_acute, 'q', "'q" },
		{ XK_dead_acute, XK_Left, "\033[D" },
	};
	struct vt_modes modes;

	memset(&modes, 0, sizeof(modes));
	modes.alt_sends_escape = true;
	for (size_t i = 0; i < N_ELEM(cases); i++) {
		struct vt_compose st = { 0 };
		uint32_t in[2] = { cases[i].dead, cases[i].key }, out[4];
		char buf[4 * VT_KEY_MAX];
		size_t len = 0;
		int n = feed_all(&st, in, 2, out, 4);

		for (int k = 0; k < n; k++) {
			int m = vt_key_encode(out[k], 0, &modes, buf + len, sizeof(buf) - len);

			ck_assert_int_ge(m, 0);
			len += (size_t)m;
		}
		ck_assert_msg(len == strlen(cases[i].bytes) && !memcmp(buf, cases[i].bytes, len),
			      "case %zu: %zu bytes", i, len);
	}
}
END_TEST

/* Xutil.h's IsModifierKey(), from the X names. */
static bool is_modifier(uint32_t ks)
{
	return (ks >= XK_Shift_L && ks <= XK_Hyper_R) || (ks >= XK_ISO_Lock && ks <= KS_ISO_LEVEL5_LOCK) ||
	       ks == XK_Mode_switch || ks == XK_Num_Lock;
}

/* Any keysyms, any modifiers: bounded output, no dead key ever comes out. */
START_TEST(test_sweep)
{
	static const uint32_t pool[] = {
		XK_dead_acute, XK_dead_grave, XK_dead_caron, XK_dead_belowdot, XK_dead_ogonek,
		XK_Shift_L, XK_ISO_Level3_Shift, XK_space, 'e', 'E', 'q', '1', XK_Left, XK_Return,
		XK_F5, UNI('e'), UNI(0xd800), 0xffffffff, 0,
	};
	uint32_t seed = 12345;
	struct vt_compose st = { 0 };

	for (int i = 0; i < 200000; i++) {
		uint32_t o[VT_COMPOSE_MAX + 1] = { 0, 0, 0x5a5a5a5a };
		uint32_t ks;

		seed = seed * 1103515245u + 12345u;
		ks = (seed >> 8) & 1 ? pool[(seed >> 9) % N_ELEM(pool)] : seed * 2654435761u;
		int n = vt_compose_feed(&st, ks, (seed >> 4) & 0xff, o);

		ck_assert_int_ge(n, 0);
		ck_assert_int_le(n, VT_COMPOSE_MAX);
		ck_assert_uint_eq(o[VT_COMPOSE_MAX], 0x5a5a5a5a);
		for (int k = 0; k < n; k++)
			ck_assert(o[k] < XK_dead_grave || o[k] > KS_DEAD_LONGSOLIDUSOVERLAY);
		/* A dead key waits only after a known one and modifiers. */
		if (vt_compose_pending(&st))
			ck_assert(vt_compose_spacing(ks, false) || is_modifier(ks));
		else if (vt_compose_spacing(ks, false))
			ck_assert(n == 1); /* the same dead key twice */
	}
}
END_TEST

/* The runner declares it from a generated list; this keeps the prototype check. */
Suite *compose_suite(void);

Suite *compose_suite(void)
{
	Suite *s = suite_create("compose");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_table_sorted);
	tcase_add_test(tc, test_table_names);
	tcase_add_test(tc, test_known_points);
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_add_test(tc, test_space);
	tcase_add_test(tc, test_no_composition);
	tcase_add_test(tc, test_modifiers_keep);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_shortcut_cancels);
	tcase_add_test(tc, test_unknown_dead);
	tcase_add_test(tc, test_api);
	tcase_add_test(tc, test_independent);
	suite_add_tcase(s, tc);
	tc = tcase_create("bytes");
	tcase_add_test(tc, test_bytes);
	tcase_add_test(tc, test_sweep);
	suite_add_tcase(s, tc);
	return s;
}
