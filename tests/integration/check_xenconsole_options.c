/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenconsole client's command line (run as util_xenclient.h runs
 * it): a bad option is refused with one line on stderr and status 2,
 * before xenstore is needed; --help names Xen's options, short and long.
 */
#include <check.h>
#include <stdbool.h>
#include <string.h>

#include "tests/integration/util_xenclient.h"

static const char *const bad_args[][6] = {
	{ NULL },
	{ "--type", "hvm", DOMID_STR, NULL },
	{ "--num", "-1", DOMID_STR, NULL },
	{ "--num", "x", DOMID_STR, NULL },
	{ "--escape", "ab", DOMID_STR, NULL },
	{ "--escape", "^1", DOMID_STR, NULL },
	{ "--bogus", DOMID_STR, NULL },
	{ "-z", DOMID_STR, NULL },
	{ "domain7", NULL },
	{ "99999", NULL },
	{ DOMID_STR, "extra", NULL },
	{ DOMID_STR, "--escape", NULL },
	{ "-t", "hvm", DOMID_STR, NULL },
	{ "-n", "x", DOMID_STR, NULL },
	{ "-e", "^]x", DOMID_STR, NULL },
	{ DOMID_STR, "-n", NULL },
	{ DOMID_STR, "--type", NULL },
	{ "--start-notify-fd", "x", DOMID_STR, NULL },
	{ "-s", "-1", DOMID_STR, NULL },
	/* Not open (the harness closes everything above 2). */
	{ DOMID_STR, "--start-notify-fd", "57", NULL },
	{ "-s", "1", DOMID_STR, NULL },
	{ DOMID_STR, "--start-notify-fd", NULL },
	{ "--ring", "--type", "serial", DOMID_STR, NULL },
	{ "-i", DOMID_STR, DOMID_STR, NULL },
	{ "--", DOMID_STR, "8", NULL },
	/* A long option given a value it takes none of. */
	{ "--no-replace-escape=1", DOMID_STR, NULL },
};

/* Bad options: one line on stderr, nothing else, status 2, no xenstore needed. */
START_TEST(bad_options)
{
	struct xc_client *c = xc_client_start(false, bad_args[_i]);

	ck_assert(xc_client_wait_exit(c, WAIT_MS));
	ck_assert(xc_exited_with(c, 2));
	ck_assert_uint_eq(c->olen, 0);
	ck_assert_msg(strncmp(c->ebuf, "xenconsole: ", 12) == 0 && c->elen > 13 &&
			      strchr(c->ebuf, '\n') == c->ebuf + c->elen - 1,
		      "stderr: \"%s\"", c->ebuf);
	xc_client_free(c);
}
END_TEST

START_TEST(help)
{
	const char *const args[] = { _i ? "--help" : "-h", NULL };
	struct xc_client *c = xc_client_start(false, args);

	ck_assert(xc_client_wait_exit(c, WAIT_MS));
	ck_assert(xc_exited_with(c, 0));
	ck_assert_ptr_nonnull(strstr(c->obuf, "SYNOPSIS\n  xenconsole [--type"));
	ck_assert_ptr_nonnull(strstr(c->obuf, "EXIT STATUS"));
	ck_assert_ptr_nonnull(strstr(c->obuf, "--no-replace-escape"));
	/* Xen's xenconsole's options, short and long. */
	static const char *const opts[] = { "-t, --type pv|serial|vuart", "-n, --num N",
					    "-e, --escape KEY", "-s, --start-notify-fd FD",
					    "-i, --interactive", "-h, --help" };
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		ck_assert_msg(strstr(c->obuf, opts[i]), "--help has no \"%s\"", opts[i]);
	xc_client_free(c);
}
END_TEST

Suite *xenconsole_options_suite(void)
{
	Suite *s = suite_create("xenconsole_options");
	TCase *opts = tcase_create("options");

	tcase_set_timeout(opts, 20);
	tcase_add_loop_test(opts, bad_options, 0, (int)(sizeof(bad_args) / sizeof(bad_args[0])));
	tcase_add_loop_test(opts, help, 0, 2);
	suite_add_tcase(s, opts);
	return s;
}
