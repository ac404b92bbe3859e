/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Widths come from the generated tables, not from the C locale: these cases
 * pin the classes the screen code relies on, and the table checks make sure
 * a regenerated table still suits the binary search.
 */
#include <check.h>
#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#include "vt100/width.h"
#include "vt100/width_table.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct width_case {
	uint32_t cp;
	int width;
};

static const struct width_case width_cases[] = {
	/* ASCII, including the edges of the fast path. */
	{ 0x20, 1 },
	{ 'A', 1 },
	{ 'z', 1 },
	{ 0x7e, 1 },
	/* C0 and C1 controls, DEL among them. */
	{ 0x00, -1 },
	{ 0x07, -1 },
	{ 0x1b, -1 },
	{ 0x1f, -1 },
	{ 0x7f, -1 },
	{ 0x80, -1 },
	{ 0x9b, -1 },
	{ 0x9f, -1 },
	/* Latin-1: all one cell, SOFT HYPHEN too although it is Cf. */
	{ 0xa0, 1 },
	{ 0xad, 1 },
	{ 0xe9, 1 },
	{ 0xff, 1 },
	{ 0x2ff, 1 },
	/* Combining diacritical marks block: the first table entry. */
	{ 0x300, 0 },
	{ 0x301, 0 },
	{ 0x36f, 0 },
	{ 0x370, 1 },
	/* Enclosing mark (Me). */
	{ 0x20dd, 0 },
	/* Format characters (Cf) and the explicit zero-width space. */
	{ 0x200a, 1 },
	{ 0x200b, 0 },
	{ 0x200c, 0 },
	{ 0x200d, 0 },
	{ 0x2010, 1 },
	{ 0xfeff, 0 },
	{ 0xe0001, 0 },
	/* Variation selectors, supplement at the top of the zero table. */
	{ 0xfe0f, 0 },
	{ 0xe0100, 0 },
	{ 0xe01ef, 0 },
	{ 0xe01f0, 1 },
	/* Hangul: leading consonants wide, the rest of the jamo zero. */
	{ 0x10ff, 1 },
	{ 0x1100, 2 },
	{ 0x115f, 2 },
	{ 0x1160, 0 },
	{ 0x11ff, 0 },
	{ 0x1200, 1 },
	{ 0xac00, 2 },
	{ 0xd7a3, 2 },
	{ 0xd7a4, 1 },
	/* CJK. */
	{ 0x3000, 2 },
	{ 0x3400, 2 },
	{ 0x4dbf, 2 },
	{ 0x4e00, 2 },
	{ 0x4e2d, 2 },
	{ 0x9fff, 2 },
	{ 0xf900, 2 },
	{ 0xfaff, 2 },
	{ 0xfb00, 1 },
	/* A combining mark that is also East Asian Wide stays zero. */
	{ 0x302a, 0 },
	{ 0x302d, 0 },
	{ 0x302e, 2 },
	/* Fullwidth and halfwidth forms. */
	{ 0xff01, 2 },
	{ 0xff21, 2 },
	{ 0xff60, 2 },
	{ 0xff61, 1 },
	/* Emoji. */
	{ 0x1f600, 2 },
	{ 0x1f64f, 2 },
	{ 0x1f650, 1 },
	/* Supplementary ideographic planes, assigned or not. */
	{ 0x1ffff, 1 },
	{ 0x20000, 2 },
	{ 0x2a6df, 2 },
	{ 0x2a6e0, 2 },
	{ 0x2fffd, 2 },
	{ 0x2fffe, 1 },
	{ 0x30000, 2 },
	{ 0x3fffd, 2 },
	{ 0x3fffe, 1 },
	{ 0x40000, 1 },
	/* Surrogates and private use take a cell like any unknown character. */
	{ 0xd800, 1 },
	{ 0xdfff, 1 },
	{ 0xe000, 1 },
	{ 0xf0000, 1 },
	/* Beyond Unicode. */
	{ 0x10ffff, 1 },
	{ 0x110000, 1 },
	{ 0x7fffffff, 1 },
	{ 0xffffffff, 1 },
};

START_TEST(test_width_cases)
{
	const struct width_case *c = &width_cases[_i];

	ck_assert_msg(width_of(c->cp) == c->width, "width_of(U+%04X) = %d, want %d",
		      (unsigned)c->cp, width_of(c->cp), c->width);
}
END_TEST

/* The C locale must not matter, whatever the program set. */
START_TEST(test_width_ignores_locale)
{
	setlocale(LC_ALL, "C");
	ck_assert_int_eq(width_of(0x4e2d), 2);
	ck_assert_int_eq(width_of(0x301), 0);
	ck_assert_int_eq(width_of(0xe9), 1);
}
END_TEST

static void check_ranges(const char *name, const struct width_range *t, size_t n)
{
	ck_assert_msg(n > 0, "%s is empty", name);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(t[i].first <= t[i].last, "%s[%zu] reversed", name, i);
		ck_assert_msg(t[i].last <= 0x10ffff, "%s[%zu] beyond Unicode", name, i);
		/* Merged: a gap of at least one code point between ranges. */
		if (i > 0)
			ck_assert_msg(t[i - 1].last + 1 < t[i].first,
				      "%s[%zu] unsorted or unmerged", name, i);
	}
}

START_TEST(test_width_tables_sorted)
{
	check_ranges("zero", width_zero_table, ARRAY_LEN(width_zero_table));
	check_ranges("wide", width_wide_table, ARRAY_LEN(width_wide_table));
}
END_TEST

START_TEST(test_width_tables_disjoint)
{
	size_t i = 0, j = 0;

	while (i < ARRAY_LEN(width_zero_table) && j < ARRAY_LEN(width_wide_table)) {
		const struct width_range *z = &width_zero_table[i];
		const struct width_range *w = &width_wide_table[j];

		ck_assert_msg(z->last < w->first || w->last < z->first,
			      "U+%04X-U+%04X in both tables", (unsigned)z->first,
			      (unsigned)z->last);
		if (z->last < w->last)
			i++;
		else
			j++;
	}
}
END_TEST

/*
 * Both ends of every range, and the code points just outside, so an
 * off-by-one in the search shows up wherever it happens.
 */
static void check_edges(const struct width_range *t, size_t n, int want)
{
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(width_of(t[i].first), want);
		ck_assert_int_eq(width_of(t[i].last), want);
		ck_assert_int_ne(width_of(t[i].first - 1), want);
		ck_assert_int_ne(width_of(t[i].last + 1), want);
	}
}

START_TEST(test_width_range_edges)
{
	check_edges(width_zero_table, ARRAY_LEN(width_zero_table), 0);
	check_edges(width_wide_table, ARRAY_LEN(width_wide_table), 2);
}
END_TEST

/*
 * Every code point against the tables walked in order, which checks the
 * block summary and the search together without trusting either.
 */
START_TEST(test_width_every_code_point)
{
	size_t zi = 0, wi = 0;

	for (uint32_t cp = 0xa0; cp <= 0x10ffff; cp++) {
		while (zi < ARRAY_LEN(width_zero_table) && width_zero_table[zi].last < cp)
			zi++;
		while (wi < ARRAY_LEN(width_wide_table) && width_wide_table[wi].last < cp)
			wi++;

		int want = 1;
		if (zi < ARRAY_LEN(width_zero_table) && width_zero_table[zi].first <= cp)
			want = 0;
		else if (wi < ARRAY_LEN(width_wide_table) && width_wide_table[wi].first <= cp)
			want = 2;
		if (width_of(cp) != want)
			ck_abort_msg("width_of(U+%04X) = %d, tables say %d", (unsigned)cp,
				     width_of(cp), want);
	}
}
END_TEST

/* Declared here only: the runner's declaration is generated, not included. */
Suite *width_suite(void);

Suite *width_suite(void)
{
	Suite *s = suite_create("width");
	TCase *tc = tcase_create("width");

	tcase_add_loop_test(tc, test_width_cases, 0, (int)ARRAY_LEN(width_cases));
	tcase_add_test(tc, test_width_ignores_locale);
	tcase_add_test(tc, test_width_tables_sorted);
	tcase_add_test(tc, test_width_tables_disjoint);
	tcase_add_test(tc, test_width_range_edges);
	tcase_add_test(tc, test_width_every_code_point);
	suite_add_tcase(s, tc);
	return s;
}
