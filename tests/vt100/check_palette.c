/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Colours programs query and set: OSC 4, 10, 11, their resets, the Linux palette. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util_vt.h"

struct pcase {
	const char *name, *in, *reply;
};

static const struct pcase cases[] = {
	/* vim asks for the background to choose background=dark */
	{ "query bg bel", "\033]11;?\a", "\033]11;rgb:0000/0000/0000\a" },
	{ "query bg st", "\033]11;?\033\\", "\033]11;rgb:0000/0000/0000\033\\" },
	{ "query fg", "\033]10;?\a", "\033]10;rgb:e5e5/e5e5/e5e5\a" },
	{ "query fg and bg", "\033]10;?;?\a",
	  "\033]10;rgb:e5e5/e5e5/e5e5\a\033]11;rgb:0000/0000/0000\a" },
	{ "query index", "\033]4;1;?\a", "\033]4;1;rgb:cdcd/0000/0000\a" },
	{ "query cube", "\033]4;196;?\a", "\033]4;196;rgb:ffff/0000/0000\a" },
	{ "query grey", "\033]4;255;?\a", "\033]4;255;rgb:eeee/eeee/eeee\a" },
	{ "query two", "\033]4;0;?;15;?\a",
	  "\033]4;0;rgb:0000/0000/0000\a\033]4;15;rgb:ffff/ffff/ffff\a" },
	{ "set rgb 2 digits", "\033]4;1;rgb:12/34/56\a\033]4;1;?\a", "\033]4;1;rgb:1212/3434/5656\a" },
	{ "set rgb 1 digit", "\033]4;1;rgb:f/8/0\a\033]4;1;?\a", "\033]4;1;rgb:ffff/8888/0000\a" },
	{ "set rgb 4 digits", "\033]4;1;rgb:ffff/8000/0101\a\033]4;1;?\a",
	  "\033]4;1;rgb:ffff/8080/0101\a" },
	{ "set hash 6", "\033]4;2;#102030\a\033]4;2;?\a", "\033]4;2;rgb:1010/2020/3030\a" },
	{ "set hash 3", "\033]4;2;#123\a\033]4;2;?\a", "\033]4;2;rgb:1010/2020/3030\a" },
	{ "set hash 12", "\033]4;2;#1234abcd5678\a\033]4;2;?\a", "\033]4;2;rgb:1212/abab/5656\a" },
	{ "set then query in one", "\033]4;3;#ffffff;3;?\a", "\033]4;3;rgb:ffff/ffff/ffff\a" },
	{ "set bg", "\033]11;#202020\a\033]11;?\a", "\033]11;rgb:2020/2020/2020\a" },
	{ "set fg and bg", "\033]10;#010101;#020202\a\033]10;?;?\a",
	  "\033]10;rgb:0101/0101/0101\a\033]11;rgb:0202/0202/0202\a" },
	{ "reset one", "\033]4;1;#000000\a\033]104;1\a\033]4;1;?\a", "\033]4;1;rgb:cdcd/0000/0000\a" },
	{ "reset all", "\033]4;9;#000000\a\033]104\a\033]4;9;?\a", "\033]4;9;rgb:ffff/0000/0000\a" },
	{ "reset fg", "\033]10;#000000\a\033]110\a\033]10;?\a", "\033]10;rgb:e5e5/e5e5/e5e5\a" },
	{ "reset bg", "\033]11;#ffffff\a\033]111\033\\\033]11;?\a", "\033]11;rgb:0000/0000/0000\a" },
	{ "ris resets", "\033]4;5;#000000\a\033c\033]4;5;?\a", "\033]4;5;rgb:cdcd/0000/cdcd\a" },
	{ "linux palette", "\033]P3102030\033]4;3;?\a", "\033]4;3;rgb:1010/2020/3030\a" },
	{ "linux reset", "\033]P3102030\033]R\033]4;3;?\a", "\033]4;3;rgb:cdcd/cdcd/0000\a" },
	/* Bad specs and numbers change nothing and say nothing. */
	{ "name ignored", "\033]4;1;red\a\033]4;1;?\a", "\033]4;1;rgb:cdcd/0000/0000\a" },
	{ "bad hex", "\033]4;1;#12345g\a\033]4;1;rgb:1/2\a\033]4;1;rgb:12345/0/0\a\033]4;1;?\a",
	  "\033]4;1;rgb:cdcd/0000/0000\a" },
	{ "index too big", "\033]4;256;?\a\033]4;1000;#ffffff\a", "" },
	{ "index not a number", "\033]4;x1;?\a\033]4;;?\a\033]4;-1;?\a", "" },
	{ "query cut short", "\033]4;1\a\033]4\a\033]10\a", "" },
	{ "12 ignored", "\033]12;?\a", "" },
};

START_TEST(test_palette_case)
{
	const struct pcase *c = &cases[_i];
	struct tvt t;

	tvt_init(&t, 3, 10);
	tvt_puts(&t, c->in);
	ck_assert_msg(strcmp(t.out, c->reply) == 0, "%s: got '%s'", c->name,
		      t.out + (t.out[0] == 033));
	tvt_free(&t);
}
END_TEST

START_TEST(test_color_rgb)
{
	struct tvt t;

	tvt_init(&t, 3, 10);
	ck_assert_uint_eq(vt_color_rgb(t.vt, VT_COLOR_INDEX(232), true), 0x080808);
	ck_assert_uint_eq(vt_color_rgb(t.vt, VT_COLOR_RGB(1, 2, 3), true), 0x010203);
	ck_assert_uint_eq(vt_color_rgb(t.vt, VT_COLOR_DEFAULT, true), 0xe5e5e5);
	unsigned serial = vt_palette_serial(t.vt);

	tvt_puts(&t, "\033]4;232;#abcdef\a\033]11;#123456\a");
	ck_assert_uint_eq(vt_color_rgb(t.vt, VT_COLOR_INDEX(232), false), 0xabcdef);
	ck_assert_uint_eq(vt_color_rgb(t.vt, VT_COLOR_DEFAULT, false), 0x123456);
	ck_assert_uint_ne(vt_palette_serial(t.vt), serial);
	/* Setting a colour to what it is already is no change. */
	serial = vt_palette_serial(t.vt);
	tvt_puts(&t, "\033]4;232;#abcdef\a");
	ck_assert_uint_eq(vt_palette_serial(t.vt), serial);
	tvt_free(&t);
}
END_TEST

/* The colours survive a statefile; a version 1 file (before colours) still loads. */
START_TEST(test_palette_state)
{
	struct tvt a, b;
	uint8_t *buf;
	size_t len;

	tvt_init(&a, 3, 10);
	tvt_init(&b, 3, 10);
	tvt_puts(&a, "\033]4;7;#010203\a\033]10;#040506\a\033]11;#070809\a");
	ck_assert_int_eq(vt_state_save(a.vt, &buf, &len), 0);
	unsigned serial = vt_palette_serial(b.vt);

	ck_assert_int_eq(vt_state_load(b.vt, buf, len), 0);
	ck_assert_uint_eq(vt_color_rgb(b.vt, VT_COLOR_INDEX(7), true), 0x010203);
	ck_assert_uint_eq(vt_color_rgb(b.vt, VT_COLOR_DEFAULT, true), 0x040506);
	ck_assert_uint_eq(vt_color_rgb(b.vt, VT_COLOR_DEFAULT, false), 0x070809);
	ck_assert_uint_ne(vt_palette_serial(b.vt), serial);
	free(buf);

	tvt_puts(&a, "\033c");
	ck_assert_int_eq(vt_state_save(a.vt, &buf, &len), 0);
	buf[4] = 1; /* default colours: no record, so this is a valid version 1 file */
	ck_assert_int_eq(vt_state_load(b.vt, buf, len), 0);
	ck_assert_uint_eq(vt_color_rgb(b.vt, VT_COLOR_INDEX(7), true), 0xe5e5e5);
	buf[4] = 3; /* from the future */
	ck_assert_int_eq(vt_state_load(b.vt, buf, len), -EINVAL);
	free(buf);
	tvt_free(&a);
	tvt_free(&b);
}
END_TEST

Suite *palette_suite(void)
{
	Suite *s = suite_create("palette");
	TCase *tc = tcase_create("osc colours");

	tcase_add_loop_test(tc, test_palette_case, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_color_rgb);
	tcase_add_test(tc, test_palette_state);
	suite_add_tcase(s, tc);
	return s;
}
