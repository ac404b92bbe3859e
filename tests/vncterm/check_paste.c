/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Clipboard text as typing: line ends, controls, bracketed-paste markers. */
#include <check.h>
#include <string.h>

#include "vncterm/paste.h"

struct pcase {
	const char *in;
	bool bracketed;
	const char *want;
};

static const struct pcase cases[] = {
	{ "ls -l\n", false, "ls -l\r" },
	{ "a\r\nb\nc\rd", false, "a\rb\rc\rd" },
	{ "tab\there", false, "tab\there" },
	{ "x\033[201~rm -rf /\n", true, "\033[200~x[201~rm -rf /\r\033[201~" },
	{ "esc\033]2;t\a gone", false, "esc]2;t gone" },
	{ "del\x7f bs\b nul", false, "del bs nul" },
	{ "caf\xc3\xa9 \xe4\xb8\xad", true, "\033[200~caf\xc3\xa9 \xe4\xb8\xad\033[201~" },
	{ "\033\a\x01", true, "" }, /* nothing typeable: no markers either */
	/* C1: CSI as U+009B and as a stray byte; U+00A0 and continuation bytes 80-9F stay. */
	{ "x\xc2\x9b" "201~y\x9b" "201~z", true, "\033[200~x201~y201~z\033[201~" },
	{ "\xc2\xa0\xe2\x9c\x93\xf0\x9f\x98\x80\xc2", false, "\xc2\xa0\xe2\x9c\x93\xf0\x9f\x98\x80\xc2" },
	{ "\xc2\x85\xc2\x9d" "0;t\x9c", false, "0;t" },
};

START_TEST(test_paste)
{
	const struct pcase *c = &cases[_i];
	char out[256];
	size_t n = paste_encode(c->in, strlen(c->in), c->bracketed, out);

	out[n] = '\0';
	ck_assert_uint_eq(n, strlen(c->want));
	ck_assert_str_eq(out, c->want);
}
END_TEST

Suite *paste_suite(void)
{
	Suite *s = suite_create("paste");
	TCase *tc = tcase_create("encode");

	tcase_add_loop_test(tc, test_paste, 0, sizeof(cases) / sizeof(cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
