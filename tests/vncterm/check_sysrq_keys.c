/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure parts of --sysrq (vncterm/sysrq.h, xenconsole/sysrq.h): a
 * viewer's Alt+SysRq sequence as Linux's keyboard reads it, the commands
 * Linux knows, and the bound on requests.
 */
#include <check.h>
#include <rfb/keysym.h>

#include "vncterm/sysrq.h"
#include "xenconsole/sysrq.h"

struct ev {
	uint32_t keysym;
	bool down, alt; /* alt: an Alt held after the event */
	enum sysrq_step want;
};

static void feed_all(const struct ev *e, size_t n)
{
	struct sysrq_seq s = { 0 };

	for (size_t i = 0; i < n; i++)
		ck_assert_msg(sysrq_feed(&s, e[i].keysym, e[i].down, e[i].alt) == e[i].want,
			      "event %zu (keysym %#x %s)", i, e[i].keysym, e[i].down ? "down" : "up");
}

START_TEST(alt_sysrq_key_is_a_command)
{
	const struct ev e[] = {
		{ XK_Alt_L, true, true, SYSRQ_PASS },	 { XK_Sys_Req, true, true, SYSRQ_TAKEN },
		{ XK_h, true, true, SYSRQ_COMMAND },	 { XK_h, false, true, SYSRQ_TAKEN },
		{ XK_Sys_Req, false, true, SYSRQ_TAKEN }, { XK_Alt_L, false, false, SYSRQ_TAKEN },
		/* Over: keys are the console's again. */
		{ XK_h, true, false, SYSRQ_PASS },	 { XK_h, false, false, SYSRQ_PASS },
	};

	feed_all(e, sizeof(e) / sizeof(e[0]));
}
END_TEST

/* Print as well; SysRq let go first, commands go on until Alt is; Shift is no command. */
START_TEST(print_and_held_alt)
{
	const struct ev e[] = {
		{ XK_Alt_R, true, true, SYSRQ_PASS },	  { XK_Print, true, true, SYSRQ_TAKEN },
		{ XK_Print, false, true, SYSRQ_TAKEN },	  { XK_s, true, true, SYSRQ_COMMAND },
		{ XK_s, false, true, SYSRQ_TAKEN },	  { XK_Shift_L, true, true, SYSRQ_TAKEN },
		{ XK_R, true, true, SYSRQ_COMMAND },	  { XK_Shift_L, false, true, SYSRQ_TAKEN },
		{ XK_Alt_R, false, false, SYSRQ_TAKEN }, { XK_u, true, false, SYSRQ_PASS },
	};

	feed_all(e, sizeof(e) / sizeof(e[0]));
}
END_TEST

/* Without Alt, SysRq and Print are plain keys, and start nothing. */
START_TEST(sysrq_without_alt_passes)
{
	const struct ev e[] = {
		{ XK_Sys_Req, true, false, SYSRQ_PASS }, { XK_h, true, false, SYSRQ_PASS },
		{ XK_Sys_Req, false, false, SYSRQ_PASS }, { XK_Print, true, false, SYSRQ_PASS },
		{ XK_b, true, false, SYSRQ_PASS },	  { XK_Alt_L, true, true, SYSRQ_PASS },
		{ XK_b, true, true, SYSRQ_PASS },
	};

	feed_all(e, sizeof(e) / sizeof(e[0]));
}
END_TEST

/* Linux's command keys, case-sensitive, and nothing else. */
START_TEST(commands_are_linux_ones)
{
	for (int k = 0; k < 256; k++) {
		bool want = (k >= '0' && k <= '9') || (k >= 'b' && k <= 'z') || k == 'R';

		ck_assert_msg(xencons_sysrq_valid(k) == want, "key %d", k);
		ck_assert_int_eq(sysrq_command((uint32_t)k), want ? k : -1);
	}
	ck_assert_str_eq(xencons_sysrq_name('b'), "reboot");
	ck_assert_str_eq(xencons_sysrq_name('s'), "sync");
	ck_assert_ptr_null(xencons_sysrq_name('a'));
	/* Keysyms past ASCII are no command, even where their low byte would be. */
	ck_assert_int_eq(sysrq_command(0x100 + 'h'), -1);
	ck_assert_int_eq(sysrq_command(XK_Left), -1);
	ck_assert_int_eq(sysrq_command(0x1000000 + 'h'), -1);
}
END_TEST

/* SYSRQ_BURST at once, then one per SYSRQ_REFILL_MS; the dropped are counted on the next. */
START_TEST(rate_is_bounded)
{
	struct sysrq_rate r = { 0 };
	unsigned long dropped = 99;

	for (int i = 0; i < SYSRQ_BURST; i++) {
		ck_assert(sysrq_rate_take(&r, 1000, &dropped));
		ck_assert_uint_eq(dropped, 0);
	}
	ck_assert(!sysrq_rate_take(&r, 1000, &dropped));
	ck_assert(!sysrq_rate_take(&r, 1000 + SYSRQ_REFILL_MS - 1, &dropped));
	ck_assert(sysrq_rate_take(&r, 1000 + SYSRQ_REFILL_MS, &dropped));
	ck_assert_uint_eq(dropped, 2);
	ck_assert(!sysrq_rate_take(&r, 1000 + SYSRQ_REFILL_MS, &dropped));
	/* A long quiet refills to the burst, no further. */
	long long later = 1000 + 1000LL * SYSRQ_REFILL_MS;

	for (int i = 0; i < SYSRQ_BURST; i++)
		ck_assert(sysrq_rate_take(&r, later, &dropped));
	ck_assert(!sysrq_rate_take(&r, later, &dropped));
}
END_TEST

Suite *sysrq_keys_suite(void)
{
	Suite *s = suite_create("sysrq_keys");
	TCase *tc = tcase_create("sequence");

	tcase_add_test(tc, alt_sysrq_key_is_a_command);
	tcase_add_test(tc, print_and_held_alt);
	tcase_add_test(tc, sysrq_without_alt_passes);
	tcase_add_test(tc, commands_are_linux_ones);
	tcase_add_test(tc, rate_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}
