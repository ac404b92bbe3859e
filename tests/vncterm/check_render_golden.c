/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden images: a few of the emulator's golden cases
 * (tests/vt100/cases/NAME.in), rendered and compared pixel for pixel with
 * tests/vncterm/golden/NAME.png.  Each PNG was made with
 * `vt100/vtdump --png` and looked at by a person before it was committed;
 * golden/README.md says what was checked.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/util_files.h"
#include "util_png.h"
#include "vncterm/render.h"

#define GOLDEN_DIR "vncterm/golden"
#define CASES_DIR "vt100/cases"
#define MAX_IMAGES 64

START_TEST(test_image)
{
	char *names[MAX_IMAGES], path[512];
	int n = list_names(GOLDEN_DIR, ".png", names, MAX_IMAGES), w, h, rw, rh;
	uint32_t *want;

	ck_assert_int_gt(n, _i);
	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.png", names[_i]);
	ck_assert_int_eq(png_read(path, &want, &w, &h), 0);
	snprintf(path, sizeof(path), CASES_DIR "/%s.in", names[_i]);
	FILE *f = fopen(path, "rb");

	ck_assert_msg(f != NULL, "%s: no such case", path);
	struct vt *vt = vt_new(25, 80, NULL, NULL);
	struct render *r = render_new(25, 80, 1);
	char buf[65536];
	size_t k;

	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		vt_write(vt, buf, k);
	fclose(f);
	render_update(r, vt, NULL, NULL);
	uint32_t *got = render_pixels(r, &rw, &rh);

	ck_assert_int_eq(rw, w);
	ck_assert_int_eq(rh, h);
	for (int i = 0; i < w * h; i++)
		ck_assert_msg(got[i] == want[i], "%s: pixel %d,%d is %06x, want %06x",
			      names[_i], i % w, i / w, got[i], want[i]);
	free(want);
	render_free(r);
	vt_free(vt);
	free_names(names, n);
}
END_TEST

START_TEST(test_images_present)
{
	char *names[MAX_IMAGES];
	int n = list_names(GOLDEN_DIR, ".png", names, MAX_IMAGES);

	ck_assert_int_ge(n, 4);
	free_names(names, n);
}
END_TEST

Suite *render_golden_suite(void)
{
	Suite *s = suite_create("render golden");
	TCase *tc = tcase_create("images");
	char *names[MAX_IMAGES];
	int n = list_names(GOLDEN_DIR, ".png", names, MAX_IMAGES);

	free_names(names, n);
	tcase_add_test(tc, test_images_present);
	tcase_add_loop_test(tc, test_image, 0, n);
	suite_add_tcase(s, tc);
	return s;
}
