/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parser's and the screen's fast paths (well-formed UTF-8 decoded in
 * runs, ASCII words joining a batch of other characters, a row written a
 * span at a time with its marks) against the one-character-at-a-time
 * paths: the same bytes written whole and one byte per vt_write(), which
 * takes none of the fast paths, must leave the same cells, scrollback,
 * cursor and pending wrap.  The text mixes what each path must stop for.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vt100/vt100.h"

struct text {
	char *buf;
	size_t len, cap;
};

static void add(struct text *t, const char *s, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2;
		t->buf = realloc(t->buf, t->cap);
		ck_assert_ptr_nonnull(t->buf);
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

static void add_cp(struct text *t, uint32_t cp)
{
	char u[4];

	add(t, u, vt_utf8_encode(cp, u));
}

/* xorshift: the same text on every run, so that a failure can be replayed. */
static uint32_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

static void add_piece(struct text *t, uint64_t *rng)
{
	static const char *const controls[] = {
		"\r\n", "\033(0", "\033(B", "\033[4h", "\033[4l", "\033[?7l", "\033[?7h",
		"\033[1;31m", "\033[m", "\033[5G", "\033[2K", "\b", "\t", "\xc2\x85",
		"\xe4\xb8", "\x80", "\xf8\x88\x80\x80\x80", "\xc0\xaf", "\xed\xa0\x80",
		"\xef\xbf\xbe", "\033[3@", "\033[2P", "\033[b",
	};
	uint32_t r = next(rng) % 100;

	if (r < 30) {
		for (uint32_t n = 1 + next(rng) % 40; n; n--)
			add_cp(t, 'a' + next(rng) % 26);
	} else if (r < 55) {
		for (uint32_t n = 1 + next(rng) % 8; n; n--)
			add_cp(t, 0x4e00 + next(rng) % 0x51a6);
	} else if (r < 70) {
		for (uint32_t n = 1 + next(rng) % 5; n; n--)
			add_cp(t, 0x300 + next(rng) % 0x70); /* marks, more than a cell keeps too */
	} else if (r < 78) {
		static const uint32_t misc[] = { 0xe9, 0x3b1, 0x1f600, 0x10ffff, 0xa0, 0x200b,
						 0xfeff, 0x1100, 0xff21, 0x2028 };

		add_cp(t, misc[next(rng) % (sizeof(misc) / sizeof(misc[0]))]);
	} else if (r < 84) {
		add_cp(t, 'a' + next(rng) % 26);
		add_cp(t, 0x301);
	} else {
		const char *c = controls[next(rng) % (sizeof(controls) / sizeof(controls[0]))];

		add(t, c, strlen(c));
	}
}

static void expect_same(struct vt *a, struct vt *b, const char *what)
{
	int rows, cols, ra, ca, rb, cb;

	vt_get_size(a, &rows, &cols);
	ck_assert_int_eq(vt_scrollback_count(a), vt_scrollback_count(b));
	for (int r = -vt_scrollback_count(a); r < rows; r++)
		for (int c = 0; c < cols; c++) {
			struct vt_cell x, y;

			ck_assert_int_eq(vt_get_cell(a, r, c, &x), 0);
			ck_assert_int_eq(vt_get_cell(b, r, c, &y), 0);
			ck_assert_msg(memcmp(&x, &y, sizeof(x)) == 0,
				      "%s: cell %d,%d: U+%04X w%d +U+%04X against U+%04X w%d +U+%04X", what,
				      r, c, x.ch, x.width, x.comb[0], y.ch, y.width, y.comb[0]);
		}
	vt_get_cursor(a, &ra, &ca);
	vt_get_cursor(b, &rb, &cb);
	ck_assert_msg(ra == rb && ca == cb, "%s: cursor %d,%d against %d,%d", what, ra, ca, rb, cb);
}

static const int widths[] = { 1, 2, 3, 7, 80 };

START_TEST(test_whole_and_bytewise_agree)
{
	int cols = widths[_i];

	for (uint64_t seed = 1; seed <= 20; seed++) {
		uint64_t rng = seed * 0x9e3779b97f4a7c15ull;
		struct text t = { 0 };
		char what[64];

		for (int i = 0; i < 400; i++)
			add_piece(&t, &rng);
		/* The same last character both ways: what the pending wrap does with it. */
		add(&t, "Z", 1);

		struct vt *whole = vt_new(6, cols, NULL, NULL), *bytes = vt_new(6, cols, NULL, NULL);

		ck_assert_ptr_nonnull(whole);
		ck_assert_ptr_nonnull(bytes);
		vt_write(whole, t.buf, t.len);
		for (size_t i = 0; i < t.len; i++)
			vt_write(bytes, t.buf + i, 1);
		snprintf(what, sizeof(what), "%d columns, seed %llu", cols, (unsigned long long)seed);
		expect_same(whole, bytes, what);
		vt_free(whole);
		vt_free(bytes);
		free(t.buf);
	}
}
END_TEST

Suite *chunking_suite(void)
{
	Suite *s = suite_create("chunking");
	TCase *tc = tcase_create("fast and slow paths");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_whole_and_bytewise_agree, 0, sizeof(widths) / sizeof(widths[0]));
	suite_add_tcase(s, tc);
	return s;
}
