/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vt_serialize: whatever the screen shows, its bytes make a fresh terminal
 * show the same cells, cursor and title.  Checked on sequence-heavy streams
 * and on every golden case.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/util_files.h"
#include "vt100/vt100.h"

/*
 * What old terminals and telnet-like clients read: no NUL anywhere, and SGR
 * parameters separated by semicolons only.
 */
static void assert_plain_bytes(const char *bytes, size_t len, const char *name)
{
	ck_assert_msg(memchr(bytes, 0, len) == NULL, "%s: a NUL byte at %zd", name,
		      (const char *)memchr(bytes, 0, len) - bytes);
	for (size_t i = 0; i + 1 < len; i++) {
		if (bytes[i] != 033 || bytes[i + 1] != '[')
			continue;
		size_t j = i + 2;

		while (j < len && bytes[j] >= 0x20 && bytes[j] <= 0x3f)
			j++;
		ck_assert_msg(j >= len || bytes[j] != 'm' || !memchr(bytes + i, ':', j - i),
			      "%s: SGR with a colon at %zu", name, i);
	}
}

static void assert_round_trip(struct vt *a, const char *name)
{
	char *bytes;
	size_t len;
	int rows, cols, ra, ca, rb, cb;

	vt_get_size(a, &rows, &cols);
	ck_assert_int_eq(vt_serialize(a, &bytes, &len), 0);
	assert_plain_bytes(bytes, len, name);
	struct vt *b = vt_new(rows, cols, NULL, NULL);

	vt_write(b, bytes, len);
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++) {
			struct vt_cell x, y;

			vt_get_cell(a, r, c, &x);
			vt_get_cell(b, r, c, &y);
			ck_assert_msg(x.ch == y.ch && x.width == y.width && x.bg == y.bg &&
				      (x.ch == 0 || (x.fg == y.fg && x.attrs == y.attrs)) &&
				      memcmp(x.comb, y.comb, sizeof(x.comb)) == 0,
				      "%s: cell %d,%d differs (%x/%x)", name, r, c, x.ch, y.ch);
		}
	vt_get_cursor(a, &ra, &ca);
	vt_get_cursor(b, &rb, &cb);
	ck_assert_msg(ra == rb && ca == cb, "%s: cursor %d,%d vs %d,%d", name, ra, ca, rb, cb);
	ck_assert_str_eq(vt_get_title(a), vt_get_title(b));
	free(bytes);
	vt_free(b);
}

static const char *const streams[] = {
	"plain\r\ntext",
	"\033[1;31mred\033[0;44m blue bg\033[K\r\n\033[38;2;1;2;3;48;5;200mrgb\033[m",
	"\xe4\xb8\xad\xe6\x96\x87 e\xcc\x81\033[1;79H\xe4\xb8\xad\033[5;80Hz",
	"\033]2;a title\a\033[?25l\033[3;3H\033[7;9mrev strike",
	"\033[41m\033[2J\033[H\033[0mx\033[10;10H",
	"\033[?1049hon the alternate screen\033[4;4H",
	"\033[91;104mbright\033[38:5:100;48:2::1:2:3mcolon in\033[42m\033[Kerased bg",
	"\033[1\"qkept\033[0\"q free \033[1;31mP\033[1\"qQ\r\n\033[0mnext row\033[1\"q\033[0m",
	/* SGR 34 and 38;5;4 differ once bold (bright or not): both survive */
	"\033[1;34mdir\033[0;1;38;5;4m idx\033[m",
};

/* The forms chosen, exactly: 30-37, 90-97, then 38;5 and 38;2 with semicolons. */
START_TEST(test_sgr_forms)
{
	struct vt *a = vt_new(1, 20, NULL, NULL);
	char *bytes;
	size_t len;
	const char *in = "\033[1;34;101mA\033[0;38:5:200;48:2::1:2:3mB";

	vt_write(a, in, strlen(in));
	ck_assert_int_eq(vt_serialize(a, &bytes, &len), 0);
	ck_assert_ptr_nonnull(strstr(bytes, "\033[0;1;34;101mA"));
	ck_assert_ptr_nonnull(strstr(bytes, "\033[0;38;5;200;48;2;1;2;3mB"));
	free(bytes);
	/* 34 and 38;5;4 stay apart: bold brightens only the first (xterm) */
	in = "\033[H\033[0;1;34mC\033[0;1;38;5;4mD";
	vt_write(a, in, strlen(in));
	ck_assert_int_eq(vt_serialize(a, &bytes, &len), 0);
	ck_assert_ptr_nonnull(strstr(bytes, "\033[0;1;34mC"));
	ck_assert_ptr_nonnull(strstr(bytes, "\033[0;1;38;5;4mD"));
	ck_assert_ptr_nonnull(strstr(bytes, "\033[0m\033[r\033[?7h\033[H\033[2J\033[1;1H"));
	free(bytes);
	vt_free(a);
}
END_TEST

START_TEST(test_streams)
{
	struct vt *a = vt_new(6, 80, NULL, NULL);

	vt_write(a, streams[_i], strlen(streams[_i]));
	assert_round_trip(a, streams[_i]);
	vt_free(a);
}
END_TEST

/* The state that decides how later bytes are drawn goes along. */
static const char *const carried[][2] = {
	{ "\033[2;4r\033[?6h\033[2;1Hx", "\n\n\n\n\ny" },       /* region, origin */
	{ "\033(0\033)A\016", "q#\017q" },                    /* charsets, GL */
	{ "\033[4habcdef\033[1G", "XY" },                        /* insert mode */
	{ "\033[?7l\033[1;78H", "abcdef" },                      /* no autowrap */
	{ "\033[1;33;44m", "styled" },                            /* the pen */
	{ "\033[1\"qkept\033[0\"qfree\033[1\"q", "\033[?2Kx" },  /* DECSCA */
	/* left and right margins with origin mode; DECLRMM alone (CSI s is DECSLRM) */
	{ "\033[?69h\033[5;20s\033[2;4r\033[?6h\033[2;3Hx", "\n\n\n\ny\033[3Czzzzzzzzzzzzzzzzzzzz\rw" },
	{ "\033[?69h\033[3;10H", "\033[5;9sabcdefghijk\033[2;2Hq" },
};

START_TEST(test_state_carried)
{
	struct vt *a = vt_new(6, 80, NULL, NULL), *b = vt_new(6, 80, NULL, NULL);
	char *bytes;
	size_t len;

	vt_write(a, carried[_i][0], strlen(carried[_i][0]));
	ck_assert_int_eq(vt_serialize(a, &bytes, &len), 0);
	vt_write(b, bytes, len);
	vt_write(a, carried[_i][1], strlen(carried[_i][1]));
	vt_write(b, carried[_i][1], strlen(carried[_i][1]));
	for (int r = 0; r < 6; r++)
		for (int c = 0; c < 80; c++) {
			struct vt_cell x, y;

			vt_get_cell(a, r, c, &x);
			vt_get_cell(b, r, c, &y);
			ck_assert_msg(memcmp(&x, &y, sizeof(x)) == 0, "case %d: cell %d,%d", _i, r, c);
		}
	free(bytes);
	vt_free(a);
	vt_free(b);
}
END_TEST

START_TEST(test_golden_cases)
{
	char *names[512], path[512], buf[65536];
	int n = list_names("vt100/cases", ".in", names, 512);

	ck_assert_int_ge(n, 10);
	for (int i = 0; i < n; i++) {
		struct vt *a = vt_new(25, 80, NULL, NULL);
		size_t k;

		snprintf(path, sizeof(path), "vt100/cases/%s.in", names[i]);
		FILE *f = fopen(path, "rb");

		ck_assert_ptr_nonnull(f);
		while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
			vt_write(a, buf, k);
		fclose(f);
		assert_round_trip(a, names[i]);
		vt_free(a);
	}
	free_names(names, n);
}
END_TEST

Suite *serialize_suite(void)
{
	Suite *s = suite_create("serialize");
	TCase *tc = tcase_create("round trip");

	tcase_add_loop_test(tc, test_streams, 0, sizeof(streams) / sizeof(streams[0]));
	tcase_add_loop_test(tc, test_state_carried, 0, sizeof(carried) / sizeof(carried[0]));
	tcase_add_test(tc, test_golden_cases);
	tcase_add_test(tc, test_sgr_forms);
	suite_add_tcase(s, tc);
	return s;
}
