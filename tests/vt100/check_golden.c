/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden screens: every tests/vt100/cases/NAME.in (bytes recorded from a
 * real program, or written by hand) is replayed by the real vtdump binary
 * at 25x80 and its output compared byte for byte with NAME.out.  How each
 * .out was made and checked is in cases/README.md.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/util_files.h"

#define CASES_DIR "vt100/cases"
#define VTDUMP "../vt100/vtdump"
#define MAX_CASES 512

static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0, k;
	char *buf = malloc(cap + 1);

	ck_assert_ptr_nonnull(buf);
	while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The first differing line, for the failure message. */
static void first_diff(const char *a, const char *b, char *msg, size_t size)
{
	int line = 1;

	while (*a && *a == *b) {
		line += *a == '\n';
		a++;
		b++;
	}
	while (line > 1 && a[-1] != '\n') {
		a--;
		b--;
	}
	snprintf(msg, size, "line %d:\n got: %.*s\nwant: %.*s", line,
		 (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

START_TEST(test_golden)
{
	char *names[MAX_CASES], path[512], cmd[600], msg[1024];
	int n = list_names(CASES_DIR, ".in", names, MAX_CASES);
	size_t glen, wlen;

	ck_assert_int_gt(n, _i);
	snprintf(path, sizeof(path), CASES_DIR "/%s.out", names[_i]);
	FILE *want = fopen(path, "rb");

	ck_assert_msg(want != NULL, "%s: no expected output", names[_i]);
	snprintf(cmd, sizeof(cmd), VTDUMP " -r 25 -c 80 " CASES_DIR "/%s.in", names[_i]);
	FILE *got = popen(cmd, "r");

	ck_assert_ptr_nonnull(got);
	char *g = slurp(got, &glen), *w = slurp(want, &wlen);

	ck_assert_int_eq(pclose(got), 0);
	fclose(want);
	if (glen != wlen || memcmp(g, w, glen) != 0) {
		first_diff(g, w, msg, sizeof(msg));
		ck_abort_msg("%s: %s", names[_i], msg);
	}
	free(g);
	free(w);
	free_names(names, n);
}
END_TEST

/* The corpus must not silently vanish. */
START_TEST(test_cases_present)
{
	char *names[MAX_CASES];
	int n = list_names(CASES_DIR, ".in", names, MAX_CASES);

	ck_assert_int_ge(n, 10);
	free_names(names, n);
}
END_TEST

Suite *golden_suite(void)
{
	Suite *s = suite_create("golden");
	TCase *tc = tcase_create("vtdump");
	char *names[MAX_CASES];
	int n = list_names(CASES_DIR, ".in", names, MAX_CASES);

	free_names(names, n);
	tcase_add_test(tc, test_cases_present);
	tcase_add_loop_test(tc, test_golden, 0, n);
	suite_add_tcase(s, tc);
	return s;
}
