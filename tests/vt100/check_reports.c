/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the terminal reports about itself beyond DA, DSR and DECRQM:
 * DECRQSS and XTWINOPS's size reports, bytes in and reply bytes out.
 * Every expected reply is what xterm 379 answered to the same bytes (80x25,
 * allowWindowOps for XTWINOPS; boldColors off, since our bold never
 * brightens a colour: xterm's default reports SGR 1;31 as 1;91), but for
 * the pixel sizes, which are our 8x16 cells' (xterm's font had 8x17, and
 * 14;2 adds its 2-pixel border).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util_vt.h"

#define RQ(pt) "\033P$q" pt "\033\\"
#define OK(v) "\033P1$r" v "\033\\"
#define BAD "\033P0$r\033\\"

struct rcase {
	const char *name;
	const char *in;
	const char *want;
};

static const struct rcase rcases[] = {
	{ "sgr default", RQ("m"), OK("0m") },
	{ "sgr bold underline red", "\033[1;31;4m" RQ("m"), OK("0;1;4;31m") },
	{ "sgr flags in xterm's order", "\033[0;2;3;5;7;8;9m" RQ("m"), OK("0;5;7;8;2;3;9m") },
	{ "sgr 256", "\033[0;38;5;200;48;5;17m" RQ("m"), OK("0;38:5:200;48:5:17m") },
	{ "sgr 256 below 16", "\033[38;5;9;48;5;0m" RQ("m"), OK("0;91;40m") },
	{ "sgr rgb", "\033[0;38;2;1;2;3;48;2;255;128;0m" RQ("m"), OK("0;38:2::1:2:3;48:2::255:128:0m") },
	{ "sgr bright", "\033[0;93;104m" RQ("m"), OK("0;93;104m") },
	{ "sgr black on white", "\033[0;30;47m" RQ("m"), OK("0;30;47m") },
	{ "sgr longest", "\033[1;2;3;4;5;7;8;9;38;2;255;255;255;48;2;255;255;255m" RQ("m"),
	  OK("0;1;4;5;7;8;2;3;9;38:2::255:255:255;48:2::255:255:255m") },
	{ "decstbm", "\033[5;20r" RQ("r"), OK("5;20r") },
	{ "decstbm default", "\033[5;20r\033[r" RQ("r"), OK("1;25r") },
	{ "decslrm", RQ("s"), OK("1;80s") },
	{ "decslrm set", "\033[?69h\033[5;20s" RQ("s"), OK("5;20s") },
	{ "decslrm after declrmm reset", "\033[?69h\033[5;20s\033[?69l" RQ("s"), OK("1;80s") },
	{ "decscusr default", RQ(" q"), OK("2 q") },
	{ "decscusr 3", "\033[3 q" RQ(" q"), OK("3 q") },
	{ "decscusr 5", "\033[5 q" RQ(" q"), OK("5 q") },
	{ "decscusr 0 blinks", "\033[0 q" RQ(" q"), OK("1 q") },
	{ "decsca 1", "\033[1\"q" RQ("\"q"), OK("1\"q") },
	{ "decsca 2 unprotects", "\033[1\"q\033[2\"q" RQ("\"q"), OK("0\"q") },
	{ "decsca kept by sgr 0", "\033[1\"q\033[0m" RQ("\"q"), OK("1\"q") },
	{ "decsca restored by decrc", "\033[1\"q\0337\033[0\"q\0338" RQ("\"q"), OK("1\"q") },
	{ "decsca cleared by decstr", "\033[1\"q\033[!p" RQ("\"q"), OK("0\"q") },
	{ "decsca cleared by ris", "\033[1\"q\033c" RQ("\"q"), OK("0\"q") },
	{ "unknown setting", RQ("x"), BAD },
	{ "empty", RQ(""), BAD },
	{ "doubled", RQ("mm"), BAD },
	{ "bel is data", RQ("\am"), BAD },
	{ "with a parameter: nothing", "\033P1$qm\033\\", "" },
	{ "other dcs: nothing", "\033P+q544e\033\\", "" },
	{ "abandoned: nothing", "\033P$qm\030", "" },
	{ "xtwinops 14", "\033[14t", "\033[4;400;640t" },
	{ "xtwinops 14;2", "\033[14;2t", "\033[4;400;640t" },
	{ "xtwinops 16", "\033[16t", "\033[6;16;8t" },
	{ "xtwinops 18", "\033[18t", "\033[8;25;80t" },
	{ "xtwinops 19", "\033[19t", "\033[9;25;80t" },
	{ "xtwinops others ignored", "\033[1t\033[2t\033[8;10;10t\033[11t\033[13t\033[15t\033[20t"
	  "\033[21t\033[22;0;0t\033[23;0;0t\033[t", "" },
};

START_TEST(test_reply)
{
	const struct rcase *c = &rcases[_i];
	struct tvt t;

	tvt_init(&t, 25, 80);
	tvt_puts(&t, c->in);
	ck_assert_msg(strcmp(t.out, c->want) == 0, "%s", c->name);
	tvt_free(&t);
}
END_TEST

/* The daemon's cell size is what 14 and 16 report; sizes out of range change nothing. */
START_TEST(test_cell_pixels)
{
	struct tvt t;

	tvt_init(&t, 25, 80);
	ck_assert_int_eq(vt_set_cell_pixels(t.vt, 16, 32), 0);
	ck_assert_int_eq(vt_set_cell_pixels(t.vt, 0, 16), -EINVAL);
	ck_assert_int_eq(vt_set_cell_pixels(t.vt, 8, 256), -EINVAL);
	ck_assert_int_eq(vt_set_cell_pixels(t.vt, -1, -1), -EINVAL);
	tvt_puts(&t, "\033[14t\033[16t");
	ck_assert_str_eq(t.out, "\033[4;800;1280t\033[6;32;16t");
	ck_assert_int_eq(vt_set_cell_pixels(t.vt, 255, 1), 0);
	ck_assert_int_eq(vt_resize(t.vt, 2, 3), 0);
	t.out_len = 0;
	tvt_puts(&t, "\033[14t\033[16t\033[18t\033[19t");
	ck_assert_str_eq(t.out, "\033[4;2;765t\033[6;1;255t\033[8;2;3t\033[9;2;3t");
	tvt_free(&t);
}
END_TEST

/* The cell size is the daemon's, not the console's: a loaded statefile keeps it. */
START_TEST(test_cell_pixels_survive_state_load)
{
	struct tvt t;
	uint8_t *buf;
	size_t len;
	struct vt *other = vt_new(25, 80, NULL, NULL);

	ck_assert_ptr_nonnull(other);
	ck_assert_int_eq(vt_state_save(other, &buf, &len), 0);
	tvt_init(&t, 25, 80);
	ck_assert_int_eq(vt_set_cell_pixels(t.vt, 24, 48), 0);
	ck_assert_int_eq(vt_state_load(t.vt, buf, len), 0);
	tvt_puts(&t, "\033[16t");
	ck_assert_str_eq(t.out, "\033[6;48;24t");
	free(buf);
	vt_free(other);
	tvt_free(&t);
}
END_TEST

/* Replies are small: a thousand DECRQSS cost a thousand bounded replies, no more. */
START_TEST(test_many_requests)
{
	struct tvt t;

	tvt_init(&t, 25, 80);
	for (int i = 0; i < 1000; i++) {
		t.out_len = 0;
		t.out[0] = '\0';
		tvt_puts(&t, "\033[1;38;2;1;2;3m" RQ("m"));
		ck_assert_str_eq(t.out, OK("0;1;38:2::1:2:3m"));
	}
	tvt_free(&t);
}
END_TEST

Suite *reports_suite(void)
{
	Suite *s = suite_create("reports");
	TCase *tc = tcase_create("replies");

	tcase_add_loop_test(tc, test_reply, 0, sizeof(rcases) / sizeof(rcases[0]));
	tcase_add_test(tc, test_cell_pixels);
	tcase_add_test(tc, test_cell_pixels_survive_state_load);
	tcase_add_test(tc, test_many_requests);
	suite_add_tcase(s, tc);
	return s;
}
