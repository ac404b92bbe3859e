/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State save and restore: a round trip reproduces every cell, the cursor,
 * modes, charsets, title and scrollback; corrupt or truncated input is
 * rejected and leaves the terminal as it was.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util_vt.h"

/* A terminal in an interesting state: colours, wide chars, protection, alt screen... */
static void busy_state(struct tvt *t)
{
	tvt_init(t, 6, 12);
	ck_assert_int_eq(vt_set_scrollback(t->vt, 50), 0);
	for (int i = 0; i < 20; i++)
		tvt_puts(t, "\033[33mscrolled \xe4\xb8\xad\xcc\x81 line\r\n");
	tvt_puts(t, "\033]2;my title\a\033[2;5r\033[?1h\033=\033[?2004h\033[?1002h\033[?1006h");
	tvt_puts(t, "\033)0\016\033[1;38;2;1;2;3;48;5;100mq\033[4 q\033[2;3H\0337\033[5;7H");
	tvt_puts(t, "\033[1\"q\017Pro\0337\033[0\"q"); /* protected cells and saved pen */
	tvt_puts(t, "\033[?1049h\033[41mALT \xe4\xb8\xad\033[K");
}

static void assert_same(struct vt *a, struct vt *b)
{
	int ra, ca, rb, cb;
	struct vt_modes ma, mb;

	vt_get_size(a, &ra, &ca);
	vt_get_size(b, &rb, &cb);
	ck_assert_int_eq(ra, rb);
	ck_assert_int_eq(ca, cb);
	vt_get_cursor(a, &ra, &ca);
	vt_get_cursor(b, &rb, &cb);
	ck_assert_int_eq(ra, rb);
	ck_assert_int_eq(ca, cb);
	vt_get_modes(a, &ma);
	vt_get_modes(b, &mb);
	ck_assert_int_eq(memcmp(&ma, &mb, sizeof(ma)), 0);
	ck_assert_str_eq(vt_get_title(a), vt_get_title(b));
	ck_assert_int_eq(vt_scrollback_count(a), vt_scrollback_count(b));
	vt_get_size(a, &ra, &ca);
	for (int r = -vt_scrollback_count(a); r < ra; r++) {
		ck_assert_int_eq(vt_row_wrapped(a, r), vt_row_wrapped(b, r));
		for (int c = 0; c < ca; c++) {
			struct vt_cell x, y;

			ck_assert_int_eq(vt_get_cell(a, r, c, &x), 0);
			ck_assert_int_eq(vt_get_cell(b, r, c, &y), 0);
			ck_assert_msg(memcmp(&x, &y, sizeof(x)) == 0, "cell %d,%d differs", r, c);
		}
	}
}

START_TEST(test_round_trip)
{
	struct tvt a, b;
	uint8_t *buf;
	size_t len;

	busy_state(&a);
	ck_assert_int_eq(vt_state_save(a.vt, &buf, &len), 0);
	tvt_init(&b, 6, 12);
	ck_assert_int_eq(vt_set_scrollback(b.vt, 50), 0);
	ck_assert_int_eq(vt_state_load(b.vt, buf, len), 0);
	assert_same(a.vt, b.vt);
	/* Behaviour continues identically: region, charset, pen, saved cursor. */
	const char *more = "q\n\n\n\n\033[?1049l\0338x\033[6n";
	tvt_puts(&a, more);
	tvt_puts(&b, more);
	assert_same(a.vt, b.vt);
	ck_assert_str_eq(a.out, b.out);
	free(buf);
	tvt_free(&a);
	tvt_free(&b);
}
END_TEST

START_TEST(test_load_other_size)
{
	struct tvt a, b;
	uint8_t *buf;
	size_t len;
	char row[256];
	int rows, cols;

	tvt_init(&a, 4, 10);
	tvt_puts(&a, "hello\r\nworld");
	ck_assert_int_eq(vt_state_save(a.vt, &buf, &len), 0);
	tvt_init(&b, 8, 20);
	ck_assert_int_eq(vt_state_load(b.vt, buf, len), 0);
	vt_get_size(b.vt, &rows, &cols);
	ck_assert_int_eq(rows, 8);
	ck_assert_int_eq(cols, 20);
	ck_assert_str_eq(tvt_row(&b, 1, row, sizeof(row)), "world               ");
	free(buf);
	tvt_free(&a);
	tvt_free(&b);
}
END_TEST

/*
 * The alternate screen's grid is made at its first use: saved unused, it
 * loads blank; saved with text and left, the text is still there behind
 * 47; resized while unused, it comes up blank at the new size.
 */
START_TEST(test_alt_screen_unused_or_kept)
{
	const char *inputs[] = { "main", "main\033[?47hALT\033[?47l", "main\033[?47h\033[?47l" };

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct tvt a, b;
		uint8_t *buf;
		size_t len;

		tvt_init(&a, 4, 10);
		tvt_puts(&a, inputs[i]);
		ck_assert_int_eq(vt_state_save(a.vt, &buf, &len), 0);
		tvt_init(&b, 4, 10);
		ck_assert_int_eq(vt_state_load(b.vt, buf, len), 0);
		assert_same(a.vt, b.vt);
		tvt_puts(&a, "\033[?47h");
		tvt_puts(&b, "\033[?47h");
		assert_same(a.vt, b.vt);
		free(buf);
		tvt_free(&a);
		tvt_free(&b);
	}
}
END_TEST

START_TEST(test_alt_screen_resized_unused)
{
	struct tvt a;
	char row[256];

	tvt_init(&a, 4, 10);
	tvt_puts(&a, "main");
	ck_assert_int_eq(vt_resize(a.vt, 6, 12), 0);
	tvt_puts(&a, "\033[?47h\033[6;12HZ");
	ck_assert_str_eq(tvt_row(&a, 0, row, sizeof(row)), "            ");
	ck_assert_str_eq(tvt_row(&a, 5, row, sizeof(row)), "           Z");
	tvt_puts(&a, "\033[?47l");
	ck_assert_str_eq(tvt_row(&a, 0, row, sizeof(row)), "main        ");
	tvt_free(&a);
}
END_TEST

/* RIS gives the alternate screen's grid back: made again at 47, blank, from main or from alt. */
START_TEST(test_alt_screen_after_ris)
{
	const char *inputs[] = { "\033[?47hA\033[?47l\033c\033[?47h", "\033[?47hA\033c\033[?47h" };

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct tvt a;
		char row[256];

		tvt_init(&a, 3, 6);
		tvt_puts(&a, inputs[i]);
		ck_assert_str_eq(tvt_row(&a, 0, row, sizeof(row)), "      ");
		tvt_puts(&a, "B");
		ck_assert_str_eq(tvt_row(&a, 0, row, sizeof(row)), "B     ");
		tvt_free(&a);
	}
}
END_TEST

/* Every truncation and every single-byte corruption is rejected. */
START_TEST(test_corrupt_rejected)
{
	struct tvt a, b, ref;
	uint8_t *buf, *copy;
	size_t len;

	busy_state(&a);
	ck_assert_int_eq(vt_state_save(a.vt, &buf, &len), 0);
	tvt_init(&b, 6, 12);
	tvt_init(&ref, 6, 12);
	tvt_puts(&b, "untouched");
	tvt_puts(&ref, "untouched");
	copy = malloc(len);
	for (size_t n = 0; n < len; n += (n < 64 ? 1 : 97))
		ck_assert_int_eq(vt_state_load(b.vt, buf, n), -EINVAL);
	for (size_t i = 0; i < len; i += (i < 256 ? 1 : 61)) {
		memcpy(copy, buf, len);
		copy[i] ^= 0x5a;
		ck_assert_msg(vt_state_load(b.vt, copy, len) == -EINVAL, "flip at %zu accepted", i);
	}
	assert_same(b.vt, ref.vt);
	ck_assert_int_eq(vt_state_load(b.vt, NULL, 0), -EINVAL);
	free(copy);
	free(buf);
	tvt_free(&a);
	tvt_free(&b);
	tvt_free(&ref);
}
END_TEST

static uint32_t crc(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

/* A well-checksummed but hostile payload is still rejected field by field. */
START_TEST(test_valid_crc_bad_fields)
{
	struct tvt a;
	uint8_t *buf;
	size_t len;
	/* offsets into the payload (after the 16-byte header) */
	static const struct { size_t off; uint8_t val; } pokes[] = {
		{ 0, 0 },     /* rows 0 */
		{ 2, 0 },     /* cols 0 */
		{ 4, 2 },     /* active grid 2 */
		{ 5, 99 },    /* cursor row out of range */
		{ 9, 7 },     /* pending-wrap not a bool */
		{ 20, 'Z' },  /* charset */
		{ 24, 9 },    /* GL */
		{ 19, 2 },    /* a pen attribute beyond VT_ATTR_PROTECTED */
	};

	tvt_init(&a, 4, 10);
	ck_assert_int_eq(vt_state_save(a.vt, &buf, &len), 0);
	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		uint8_t *copy = malloc(len);
		uint32_t c;

		memcpy(copy, buf, len);
		copy[16 + pokes[i].off] = pokes[i].val;
		c = crc(copy + 16, len - 16);
		for (int k = 0; k < 4; k++)
			copy[12 + k] = (uint8_t)(c >> (8 * k));
		ck_assert_msg(vt_state_load(a.vt, copy, len) == -EINVAL, "poke %zu accepted", i);
		free(copy);
	}
	/* A control character planted in a cell is refused. */
	{
		uint8_t *copy = malloc(len);
		/* the first cell of the main grid: after the fixed fields, title, tabs and saved cursor */
		size_t cell = 16 + 2 + 2 + 1 + 2 + 2 + 1 + 10 + 4 + 1 + 2 + 2 + 3 + 11 + 4 + 1 + 4 + 2 +
			      10 + 20 + 1 + 1;
		uint32_t c;

		memcpy(copy, buf, len);
		copy[cell] = 0x1b;
		c = crc(copy + 16, len - 16);
		for (int k = 0; k < 4; k++)
			copy[12 + k] = (uint8_t)(c >> (8 * k));
		ck_assert_int_eq(vt_state_load(a.vt, copy, len), -EINVAL);
		copy[cell] = 'x'; /* the same place with a printable character loads */
		c = crc(copy + 16, len - 16);
		for (int k = 0; k < 4; k++)
			copy[12 + k] = (uint8_t)(c >> (8 * k));
		ck_assert_int_eq(vt_state_load(a.vt, copy, len), 0);
		ck_assert_uint_eq(tvt_cell(&a, 0, 0).ch, 'x');
		/* its attributes: protection is known, the bit above it is not */
		for (int bit = 8; bit <= 9; bit++) {
			copy[cell + 20 + 1] = (uint8_t)(1u << (bit - 8));
			c = crc(copy + 16, len - 16);
			for (int k = 0; k < 4; k++)
				copy[12 + k] = (uint8_t)(c >> (8 * k));
			ck_assert_int_eq(vt_state_load(a.vt, copy, len), bit == 8 ? 0 : -EINVAL);
		}
		ck_assert_uint_eq(tvt_cell(&a, 0, 0).attrs, VT_ATTR_PROTECTED);
		free(copy);
	}
	/* The unmodified buffer, re-checksummed the same way, loads. */
	ck_assert_int_eq(vt_state_load(a.vt, buf, len), 0);
	free(buf);
	tvt_free(&a);
}
END_TEST

/* Checksum a payload changed by a test again, so only its fields are wrong. */
static void recrc(uint8_t *buf, size_t len)
{
	uint32_t c = crc(buf + 16, len - 16);

	for (int k = 0; k < 4; k++)
		buf[12 + k] = (uint8_t)(c >> (8 * k));
}

/*
 * The left and right margins and DECLRMM round-trip; a margins record
 * (the last one here: u8 DECLRMM, u16 left, u16 right) that DECSLRM could
 * not have made is refused.
 */
START_TEST(test_margins)
{
	struct tvt a, b;
	uint8_t *buf;
	size_t len;
	static const uint8_t bad[][5] = {
		{ 0, 2, 0, 8, 0 },  /* margins without DECLRMM */
		{ 2, 2, 0, 8, 0 },  /* not a bool */
		{ 1, 2, 0, 11, 0 }, /* past the edge */
		{ 1, 7, 0, 8, 0 },  /* one column */
		{ 1, 9, 0, 3, 0 },  /* left of left */
	};
	static const uint8_t edges[5] = { 1, 0, 0, 10, 0 };

	tvt_init(&a, 4, 10);
	tvt_init(&b, 4, 10);
	tvt_puts(&a, "\033[?69h\033[3;8s\033[2;4r\033[?6h");
	ck_assert_int_eq(vt_state_save(a.vt, &buf, &len), 0);
	ck_assert_int_eq(vt_state_load(b.vt, buf, len), 0);
	const char *more = "\033[3;1Habcdefghij\n\n\n\033[?69$p\033[6n";

	tvt_puts(&a, more);
	tvt_puts(&b, more);
	assert_same(a.vt, b.vt);
	ck_assert_str_eq(a.out, b.out);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(buf + len - 5, bad[i], 5);
		recrc(buf, len);
		ck_assert_msg(vt_state_load(b.vt, buf, len) == -EINVAL, "margins %zu accepted", i);
	}
	memcpy(buf + len - 5, edges, 5);
	recrc(buf, len);
	ck_assert_int_eq(vt_state_load(b.vt, buf, len), 0);
	free(buf);
	tvt_free(&a);
	tvt_free(&b);
}
END_TEST

Suite *state_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("save and load");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_load_other_size);
	tcase_add_test(tc, test_alt_screen_unused_or_kept);
	tcase_add_test(tc, test_alt_screen_resized_unused);
	tcase_add_test(tc, test_alt_screen_after_ris);
	tcase_add_test(tc, test_corrupt_rejected);
	tcase_add_test(tc, test_valid_crc_bad_fields);
	tcase_add_test(tc, test_margins);
	suite_add_tcase(s, tc);
	return s;
}
