/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mouse reports: which events each tracking mode reports, and each encoding. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "vt100/keys.h"
#include "vt100/mouse.h"

struct mcase {
	const char *name;
	enum vt_mouse_mode mode;
	enum vt_mouse_encoding enc;
	enum vt_mouse_event ev;
	int button, row, col;
	unsigned mods;
	const char *want; /* "" for nothing reported */
	int len;          /* bytes, for outputs with NULs or high bytes */
};

static const struct mcase cases[] = {
	{ "off", VT_MOUSE_NONE, VT_MOUSE_ENC_X10, VT_MOUSE_PRESS, 0, 0, 0, 0, "", 0 },
	{ "x10 press", VT_MOUSE_X10, VT_MOUSE_ENC_X10, VT_MOUSE_PRESS, 0, 2, 5, 0, "\033[M \046#", 6 },
	{ "x10 no release", VT_MOUSE_X10, VT_MOUSE_ENC_X10, VT_MOUSE_RELEASE, 0, 2, 5, 0, "", 0 },
	{ "x10 no mods", VT_MOUSE_X10, VT_MOUSE_ENC_X10, VT_MOUSE_PRESS, 2, 0, 0, VT_MOD_CTRL, "\033[M\"!!", 6 },
	{ "normal release", VT_MOUSE_NORMAL, VT_MOUSE_ENC_X10, VT_MOUSE_RELEASE, 0, 0, 0, 0, "\033[M#!!", 6 },
	{ "normal no motion", VT_MOUSE_NORMAL, VT_MOUSE_ENC_X10, VT_MOUSE_MOTION, 0, 0, 0, 0, "", 0 },
	{ "normal wheel", VT_MOUSE_NORMAL, VT_MOUSE_ENC_X10, VT_MOUSE_PRESS, 5, 0, 0, 0, "\033[Ma!!", 6 },
	{ "wheel no release", VT_MOUSE_NORMAL, VT_MOUSE_ENC_X10, VT_MOUSE_RELEASE, 4, 0, 0, 0, "", 0 },
	{ "normal mods", VT_MOUSE_NORMAL, VT_MOUSE_ENC_X10, VT_MOUSE_PRESS, 1, 0, 0,
	  VT_MOD_SHIFT | VT_MOD_ALT | VT_MOD_CTRL, "\033[M=!!", 6 },
	{ "button drag", VT_MOUSE_BUTTON, VT_MOUSE_ENC_X10, VT_MOUSE_MOTION, 0, 0, 1, 0, "\033[M@\"!", 6 },
	{ "button no hover", VT_MOUSE_BUTTON, VT_MOUSE_ENC_X10, VT_MOUSE_MOTION, 3, 0, 1, 0, "", 0 },
	{ "any hover", VT_MOUSE_ANY, VT_MOUSE_ENC_X10, VT_MOUSE_MOTION, 3, 0, 1, 0, "\033[MC\"!", 6 },
	{ "x10 too far", VT_MOUSE_NORMAL, VT_MOUSE_ENC_X10, VT_MOUSE_PRESS, 0, 0, 223, 0, "", 0 },
	{ "x10 edge", VT_MOUSE_NORMAL, VT_MOUSE_ENC_X10, VT_MOUSE_PRESS, 0, 0, 222, 0, "\033[M \377!", 6 },
	{ "sgr press", VT_MOUSE_NORMAL, VT_MOUSE_ENC_SGR, VT_MOUSE_PRESS, 0, 2, 5, 0, "\033[<0;6;3M", 0 },
	{ "sgr release keeps button", VT_MOUSE_NORMAL, VT_MOUSE_ENC_SGR, VT_MOUSE_RELEASE, 2, 2, 5, 0, "\033[<2;6;3m", 0 },
	{ "sgr far", VT_MOUSE_NORMAL, VT_MOUSE_ENC_SGR, VT_MOUSE_PRESS, 0, 499, 999, 0, "\033[<0;1000;500M", 0 },
	{ "sgr wheel ctrl", VT_MOUSE_NORMAL, VT_MOUSE_ENC_SGR, VT_MOUSE_PRESS, 4, 0, 0, VT_MOD_CTRL, "\033[<80;1;1M", 0 },
	{ "urxvt", VT_MOUSE_NORMAL, VT_MOUSE_ENC_URXVT, VT_MOUSE_PRESS, 0, 2, 5, 0, "\033[32;6;3M", 0 },
	{ "utf8 small", VT_MOUSE_NORMAL, VT_MOUSE_ENC_UTF8, VT_MOUSE_PRESS, 0, 2, 5, 0, "\033[M \046#", 6 },
	{ "utf8 large", VT_MOUSE_NORMAL, VT_MOUSE_ENC_UTF8, VT_MOUSE_PRESS, 0, 0, 299, 0, "\033[M \xc5\x8c!", 7 },
};

START_TEST(test_mouse)
{
	const struct mcase *c = &cases[_i];
	struct vt_modes m = { .mouse = c->mode, .mouse_encoding = c->enc };
	char buf[VT_MOUSE_MAX];
	size_t want = c->len ? (size_t)c->len : strlen(c->want);
	int n = vt_mouse_encode(c->ev, c->button, c->row, c->col, c->mods, &m, buf, sizeof(buf));

	ck_assert_msg(n == (int)want, "%s: %d bytes, want %zu", c->name, n, want);
	ck_assert_msg(memcmp(buf, c->want, want) == 0, "%s: wrong bytes", c->name);
}
END_TEST

START_TEST(test_mouse_errors)
{
	struct vt_modes m = { .mouse = VT_MOUSE_NORMAL, .mouse_encoding = VT_MOUSE_ENC_SGR };
	char buf[4] = "xxx";

	ck_assert_int_eq(vt_mouse_encode(VT_MOUSE_PRESS, 0, 0, 0, 0, &m, buf, sizeof(buf)), -ENOSPC);
	ck_assert_str_eq(buf, "xxx");
	ck_assert_int_eq(vt_mouse_encode(VT_MOUSE_PRESS, 9, 0, 0, 0, &m, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(vt_mouse_encode(VT_MOUSE_PRESS, 0, -1, 0, 0, &m, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(vt_mouse_encode(VT_MOUSE_PRESS, 0, 0, 0, 0, NULL, buf, sizeof(buf)), -EINVAL);
}
END_TEST

Suite *mouse_suite(void)
{
	Suite *s = suite_create("mouse");
	TCase *tc = tcase_create("reports");

	tcase_add_loop_test(tc, test_mouse, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_mouse_errors);
	suite_add_tcase(s, tc);
	return s;
}
