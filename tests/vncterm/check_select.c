/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Selected text: order, trimming, wrapped lines, scrollback, words, UTF-8. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vncterm/select.h"

static struct vt *screen(const char *bytes)
{
	struct vt *vt = vt_new(4, 10, NULL, NULL);

	ck_assert_ptr_nonnull(vt);
	vt_write(vt, bytes, strlen(bytes));
	return vt;
}

static void assert_text(struct vt *vt, struct sel_pos a, struct sel_pos b, const char *want)
{
	struct selection s = { .active = true, .anchor = a, .head = b };
	char *text;
	size_t len;

	ck_assert_int_eq(select_text(vt, &s, &text, &len), 0);
	ck_assert_str_eq(text, want);
	ck_assert_uint_eq(len, strlen(want));
	free(text);
}

START_TEST(test_lines)
{
	struct vt *vt = screen("hello  \r\nworld wide\r\n\xe4\xb8\xad\xe6\x96\x87 caf\xc3\xa9");

	assert_text(vt, (struct sel_pos){ 0, 0 }, (struct sel_pos){ 0, 4 }, "hello");
	/* backwards drags read the same; trailing blanks go */
	assert_text(vt, (struct sel_pos){ 1, 4 }, (struct sel_pos){ 0, 0 }, "hello\nworld");
	assert_text(vt, (struct sel_pos){ 0, 2 }, (struct sel_pos){ 0, 9 }, "llo");
	/* wide characters once, UTF-8 */
	assert_text(vt, (struct sel_pos){ 2, 0 }, (struct sel_pos){ 2, 9 }, "\xe4\xb8\xad\xe6\x96\x87 caf\xc3\xa9");
	/* empty lines in between are kept */
	assert_text(vt, (struct sel_pos){ 1, 6 }, (struct sel_pos){ 3, 9 }, "wide\n\xe4\xb8\xad\xe6\x96\x87 caf\xc3\xa9\n");
	vt_free(vt);
}
END_TEST

START_TEST(test_wrapped_and_scrollback)
{
	struct vt *vt = screen("0123456789abc\r\nx\r\ny\r\nz\r\nw");

	/* "0123456789" wrapped into "abc" and both scrolled into the scrollback */
	ck_assert_int_eq(vt_scrollback_count(vt), 2);
	assert_text(vt, (struct sel_pos){ -2, 0 }, (struct sel_pos){ -1, 9 }, "0123456789abc");
	vt_free(vt);
}
END_TEST

START_TEST(test_word)
{
	struct vt *vt = screen("ls /usr/lib (x)");
	struct sel_pos a, b;

	select_word(vt, 0, 5, &a, &b);
	ck_assert_int_eq(a.col, 3);
	ck_assert_int_eq(b.col, 9);
	select_word(vt, 0, 2, &a, &b); /* on a blank: just that cell */
	ck_assert_int_eq(a.col, 2);
	ck_assert_int_eq(b.col, 2);
	vt_free(vt);
}
END_TEST

START_TEST(test_contains_and_inactive)
{
	struct selection s = { .active = true, .anchor = { 1, 5 }, .head = { 0, 3 } };
	struct vt *vt = screen("x");
	char *text;
	size_t len;

	ck_assert(select_contains(&s, 0, 3));
	ck_assert(select_contains(&s, 0, 9));
	ck_assert(select_contains(&s, 1, 5));
	ck_assert(!select_contains(&s, 1, 6));
	ck_assert(!select_contains(&s, 0, 2));
	s.active = false;
	ck_assert(!select_contains(&s, 0, 3));
	ck_assert_int_eq(select_text(vt, &s, &text, &len), -EINVAL);
	vt_free(vt);
}
END_TEST

Suite *select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_wrapped_and_scrollback);
	tcase_add_test(tc, test_word);
	tcase_add_test(tc, test_contains_and_inactive);
	suite_add_tcase(s, tc);
	return s;
}
