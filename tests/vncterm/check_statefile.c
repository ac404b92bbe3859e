/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The statefile on disk: atomic save, faithful load, refusal of bad files. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vncterm/statefile.h"

static void dir_path(char *dir, char *path, size_t size)
{
	strcpy(dir, "/tmp/vncterm-state-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, size, "%s/" STATEFILE_NAME, dir);
}

static void cleanup(const char *dir, const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(path);
	unlink(tmp);
	rmdir(dir);
}

START_TEST(test_round_trip)
{
	char dir[64], path[256];
	struct vt *a = vt_new(5, 20, NULL, NULL), *b = vt_new(5, 20, NULL, NULL);
	struct vt_cell ca, cb;

	dir_path(dir, path, sizeof(path));
	const char *text = "\033]2;kept\a\033[31mred\r\nsecond";

	vt_write(a, text, strlen(text));
	ck_assert_int_eq(statefile_save(a, path), 0);
	ck_assert_int_eq(statefile_load(b, path), 0);
	ck_assert_str_eq(vt_get_title(b), "kept");
	for (int r = 0; r < 5; r++)
		for (int c = 0; c < 20; c++) {
			vt_get_cell(a, r, c, &ca);
			vt_get_cell(b, r, c, &cb);
			ck_assert_int_eq(memcmp(&ca, &cb, sizeof(ca)), 0);
		}
	vt_free(a);
	vt_free(b);
	cleanup(dir, path);
}
END_TEST

/* A write that died before its rename leaves the previous file in force. */
START_TEST(test_interrupted_save_keeps_previous)
{
	char dir[64], path[256], tmp[512];
	struct vt *a = vt_new(3, 10, NULL, NULL), *b = vt_new(3, 10, NULL, NULL);
	struct vt_cell c;

	dir_path(dir, path, sizeof(path));
	vt_write(a, "first", 5);
	ck_assert_int_eq(statefile_save(a, path), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "VTST\1", 5), 5); /* what a kill -9 mid-write leaves */
	close(fd);
	ck_assert_int_eq(statefile_load(b, path), 0);
	vt_get_cell(b, 0, 0, &c);
	ck_assert_uint_eq(c.ch, 'f');
	/* and the next save replaces the stale temporary file */
	vt_write(a, "\rSECOND", 7);
	ck_assert_int_eq(statefile_save(a, path), 0);
	ck_assert_int_eq(statefile_load(b, path), 0);
	vt_get_cell(b, 0, 0, &c);
	ck_assert_uint_eq(c.ch, 'S');
	vt_free(a);
	vt_free(b);
	cleanup(dir, path);
}
END_TEST

START_TEST(test_bad_files)
{
	char dir[64], path[256];
	struct vt *a = vt_new(3, 10, NULL, NULL), *b = vt_new(3, 10, NULL, NULL);
	FILE *f;

	dir_path(dir, path, sizeof(path));
	ck_assert_int_eq(statefile_load(b, path), -ENOENT);
	ck_assert_int_eq(statefile_load(b, dir), -EINVAL); /* a directory */
	f = fopen(path, "w");
	fputs("not a statefile", f);
	fclose(f);
	ck_assert_int_eq(statefile_load(b, path), -EINVAL);
	/* truncated */
	vt_write(a, "text", 4);
	ck_assert_int_eq(statefile_save(a, path), 0);
	ck_assert_int_eq(truncate(path, 40), 0);
	ck_assert_int_eq(statefile_load(b, path), -EINVAL);
	/* A FIFO with no writer: refused at once, not waited on (the test would time out). */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(statefile_load(b, path), -EINVAL);
	vt_free(a);
	vt_free(b);
	cleanup(dir, path);
}
END_TEST

Suite *statefile_suite(void)
{
	Suite *s = suite_create("statefile");
	TCase *tc = tcase_create("files");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_interrupted_save_keeps_previous);
	tcase_add_test(tc, test_bad_files);
	suite_add_tcase(s, tc);
	return s;
}
