/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Line ids, the scroll count and the text epoch (vt_line_id,
 * vt_get_text_marks): what a frontend follows text with.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util_vt.h"

static void put(struct vt *vt, const char *s)
{
	vt_write(vt, s, strlen(s));
}

static struct vt *lines(int rows, int cols)
{
	struct vt *vt = vt_new(rows, cols, NULL, NULL);

	ck_assert_ptr_nonnull(vt);
	put(vt, "a\r\nb\r\nc\r\nd");
	return vt;
}

static struct vt_text_marks marks(const struct vt *vt)
{
	struct vt_text_marks m;

	vt_get_text_marks(vt, &m);
	return m;
}

START_TEST(test_ids_unique)
{
	struct vt *vt = lines(4, 10);

	for (int a = 0; a < 4; a++) {
		ck_assert_uint_ne(vt_line_id(vt, a), 0);
		ck_assert_uint_le(vt_line_id(vt, a), marks(vt).last_id);
		for (int b = a + 1; b < 4; b++)
			ck_assert_uint_ne(vt_line_id(vt, a), vt_line_id(vt, b));
	}
	ck_assert_uint_eq(vt_line_id(vt, 4), 0);
	ck_assert_uint_eq(vt_line_id(vt, -1), 0);
	vt_free(vt);
}
END_TEST

/* Lines keep their ids into the scrollback; the count says how far they went. */
START_TEST(test_scroll_keeps_ids)
{
	struct vt *vt = lines(4, 10);
	uint64_t a = vt_line_id(vt, 0), c = vt_line_id(vt, 2);
	struct vt_text_marks before = marks(vt);

	put(vt, "\r\ne\r\nf");
	struct vt_text_marks after = marks(vt);

	ck_assert_uint_eq(after.epoch, before.epoch);
	ck_assert_uint_eq(after.scrolled - before.scrolled, 2);
	ck_assert_uint_eq(vt_line_id(vt, -2), a);
	ck_assert_uint_eq(vt_line_id(vt, 0), c);
	/* the rows the scroll cleared are new lines */
	ck_assert_uint_gt(vt_line_id(vt, 3), before.last_id);
	vt_free(vt);
}
END_TEST

/* Any change to a line's cells gives it a new, higher id; moving the cursor does not. */
START_TEST(test_change_renews)
{
	static const char *const changes[] = {
		"\033[2;5Hx",   /* printing */
		"\033[2;1H\033[K", /* EL */
		"\033[2;3H\033[P", /* DCH */
		"\033[2;3H\033[@", /* ICH */
		"\033[2;3H\033[X", /* ECH */
		"\033[H\033[2J",   /* clear */
		"\033[3;1H\033[1J", /* ED above */
		"\033#8",          /* DECALN */
	};
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		struct vt *vt = lines(4, 10);
		uint64_t b = vt_line_id(vt, 1), last = marks(vt).last_id;

		put(vt, changes[i]);
		ck_assert_msg(vt_line_id(vt, 1) > last, "%s kept row 1's id", changes[i] + 1);
		ck_assert_uint_ne(vt_line_id(vt, 1), b);
		vt_free(vt);
	}
	struct vt *vt = lines(4, 10);
	uint64_t b = vt_line_id(vt, 1);

	put(vt, "\033[2;5H\033[?25l\033[1m\033[H");
	ck_assert_uint_eq(vt_line_id(vt, 1), b);
	vt_free(vt);
}
END_TEST

/* A region scroll moves lines with their ids, without counting as a push. */
START_TEST(test_region_scroll)
{
	struct vt *vt = lines(4, 10);
	uint64_t c = vt_line_id(vt, 2), d = vt_line_id(vt, 3), a = vt_line_id(vt, 0);
	struct vt_text_marks before = marks(vt);

	put(vt, "\033[2;4r\033[4;1H\n"); /* region rows 2-4, scrolled up by one */
	ck_assert_uint_eq(marks(vt).scrolled, before.scrolled);
	ck_assert_uint_eq(vt_line_id(vt, 0), a);
	ck_assert_uint_eq(vt_line_id(vt, 1), c);
	ck_assert_uint_eq(vt_line_id(vt, 2), d);
	ck_assert_uint_gt(vt_line_id(vt, 3), before.last_id);
	vt_free(vt);
}
END_TEST

/* Text replaced wholesale: a new epoch. */
START_TEST(test_epoch)
{
	static const char *const resets[] = { "\033c", "\033[3J" };

	for (size_t i = 0; i < 2; i++) {
		struct vt *vt = lines(4, 10);
		uint64_t e = marks(vt).epoch;

		put(vt, resets[i]);
		ck_assert_uint_ne(marks(vt).epoch, e);
		vt_free(vt);
	}
	struct vt *vt = lines(4, 10);
	uint64_t e = marks(vt).epoch;

	ck_assert_int_eq(vt_resize(vt, 5, 10), 0);
	ck_assert_uint_ne(marks(vt).epoch, e);
	e = marks(vt).epoch;
	ck_assert_int_eq(vt_set_scrollback(vt, 5), 0);
	ck_assert_uint_ne(marks(vt).epoch, e);
	e = marks(vt).epoch;

	uint8_t *buf;
	size_t len;

	ck_assert_int_eq(vt_state_save(vt, &buf, &len), 0);
	ck_assert_int_eq(vt_state_load(vt, buf, len), 0);
	ck_assert_uint_gt(marks(vt).epoch, e);
	free(buf);
	/* the alternate screen is not a new epoch: its lines have their own ids */
	e = marks(vt).epoch;
	uint64_t a = vt_line_id(vt, 0);

	put(vt, "\033[?1049h");
	ck_assert_uint_eq(marks(vt).epoch, e);
	ck_assert_uint_ne(vt_line_id(vt, 0), a);
	put(vt, "\033[?1049l");
	ck_assert_uint_eq(vt_line_id(vt, 0), a);
	vt_free(vt);
}
END_TEST

/* Ids stay unique after a load, in the scrollback and on the screen. */
START_TEST(test_ids_after_load)
{
	struct vt *vt = lines(4, 10);
	uint8_t *buf;
	size_t len;

	put(vt, "\r\ne\r\nf\r\ng");
	ck_assert_int_eq(vt_state_save(vt, &buf, &len), 0);
	ck_assert_int_eq(vt_state_load(vt, buf, len), 0);
	free(buf);
	int n = vt_scrollback_count(vt);

	ck_assert_int_eq(n, 3);
	for (int a = -n; a < 4; a++)
		for (int b = a + 1; b < 4; b++)
			ck_assert_uint_ne(vt_line_id(vt, a), vt_line_id(vt, b));
	vt_free(vt);
}
END_TEST

Suite *line_id_suite(void)
{
	Suite *s = suite_create("line_id");
	TCase *tc = tcase_create("line ids");

	tcase_add_test(tc, test_ids_unique);
	tcase_add_test(tc, test_scroll_keeps_ids);
	tcase_add_test(tc, test_change_renews);
	tcase_add_test(tc, test_region_scroll);
	tcase_add_test(tc, test_epoch);
	tcase_add_test(tc, test_ids_after_load);
	suite_add_tcase(s, tc);
	return s;
}
