/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The console log (--log-file): the filter, appending, the cap, reopening, write errors. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vncterm/consolelog.h"

static size_t filter(const char *in, size_t n, char *out)
{
	unsigned st = 0;

	return consolelog_filter(&st, in, n, out);
}

START_TEST(escape_and_controls_in_caret_notation)
{
	static const char in[] = "a\033[31mred\033[0m\a\t|\r\n\b\x01\x7f~";
	char out[CONSOLELOG_FILTER_OUT(sizeof(in))];
	size_t n = filter(in, sizeof(in) - 1, out);

	ck_assert_uint_eq(n, strlen("a^[[31mred^[[0m^G\t|\r\n\b^A^?~"));
	ck_assert(memcmp(out, "a^[[31mred^[[0m^G\t|\r\n\b^A^?~", n) == 0);
	ck_assert_ptr_null(memchr(out, 0x1b, n));
}
END_TEST

START_TEST(utf8_kept_c1_made_7bit)
{
	/* ü (c3 bc), U+00A0 (c2 a0), CSI as U+009B (c2 9b), OSC as U+009D, ✓ (e2 9c 93) */
	static const char in[] = "\xc3\xbc\xc2\xa0\xc2\x9b" "1m\xc2\x9d" "0;t\a\xe2\x9c\x93";
	static const char want[] = "\xc3\xbc\xc2\xa0^[[1m^[]0;t^G\xe2\x9c\x93";
	char out[CONSOLELOG_FILTER_OUT(sizeof(in))];
	size_t n = filter(in, sizeof(in) - 1, out);

	ck_assert_uint_eq(n, sizeof(want) - 1);
	ck_assert(memcmp(out, want, n) == 0);
}
END_TEST

/* A C1 control split between two reads is still caught; a lone 0xc2 is kept. */
START_TEST(c1_split_across_writes)
{
	char out[64];
	unsigned st = 0;
	size_t n = consolelog_filter(&st, "x\xc2", 2, out);

	ck_assert_uint_eq(n, 1);
	n += consolelog_filter(&st, "\x9b" "2J", 3, out + n);
	ck_assert_uint_eq(n, 6);
	ck_assert(memcmp(out, "x^[[2J", 6) == 0);
	n = consolelog_filter(&st, "\xc2", 1, out);
	n += consolelog_filter(&st, "\xc2", 1, out + n);
	n += consolelog_filter(&st, "\x1b", 1, out + n);
	ck_assert_uint_eq(n, 4);
	ck_assert(memcmp(out, "\xc2\xc2^[", 4) == 0);
	ck_assert_uint_eq(st, 0);
}
END_TEST

/* The worst case fits the bound the header gives. */
START_TEST(filter_bound)
{
	char in[300], out[CONSOLELOG_FILTER_OUT(sizeof(in))];
	unsigned st = 0;

	for (size_t i = 0; i < sizeof(in); i += 2) {
		in[i] = (char)0xc2;
		in[i + 1] = 0x01;
	}
	ck_assert_uint_le(consolelog_filter(&st, in, sizeof(in), out), sizeof(out));
}
END_TEST

START_TEST(stamp_text_is_iso8601_utc)
{
	char out[CONSOLELOG_STAMP_LEN + 1];

	consolelog_stamp_text(out, 0, 0);
	ck_assert_str_eq(out, "[1970-01-01T00:00:00.000Z] ");
	consolelog_stamp_text(out, 1700000000, 7);
	ck_assert_str_eq(out, "[2023-11-14T22:13:20.007Z] ");
	ck_assert_uint_eq(strlen(out), CONSOLELOG_STAMP_LEN);
}
END_TEST

/* One stamp per line, where it starts, also when a line comes in several writes. */
START_TEST(stamp_at_each_line_start)
{
	char out[CONSOLELOG_STAMP_OUT(16, 3) * 3];
	bool mid = false;
	size_t n = consolelog_stamp(&mid, "[T]", 3, "one\ntw", 6, out);

	n += consolelog_stamp(&mid, "[U]", 3, "o\n", 2, out + n);
	n += consolelog_stamp(&mid, "[V]", 3, "\nthree", 6, out + n);
	out[n] = '\0';
	ck_assert_str_eq(out, "[T]one\n[T]two\n[V]\n[V]three");
	ck_assert(mid);
	n = consolelog_stamp(&mid, "[W]", 3, "\n", 1, out);
	ck_assert_uint_eq(n, 1); /* the next line's stamp waits for its first byte */
	ck_assert(!mid);
}
END_TEST

static void tmp_path(char *path)
{
	strcpy(path, "/tmp/vncterm-clog-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
}

static size_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	ck_assert_int_ge(n, 0);
	close(fd);
	buf[n] = '\0';
	return (size_t)n;
}

static struct consolelog *open_log(const char *path, uint64_t max)
{
	struct consolelog *l = consolelog_new(max);
	uint64_t size;
	int fd;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(consolelog_open(path, false, &fd, &size), 0);
	consolelog_set_fd(l, fd, size);
	return l;
}

/* Through the log: stamped after the filter, and counted against the cap. */
START_TEST(stamped_log)
{
	char path[64], buf[4096];
	struct consolelog *l = consolelog_new(CONSOLELOG_MIN_MAX);
	uint64_t size;
	int fd;

	tmp_path(path);
	ck_assert_int_eq(consolelog_open(path, false, &fd, &size), 0);
	consolelog_set_fd(l, fd, size);
	consolelog_set_stamps(l, true);
	ck_assert_int_eq(consolelog_write(l, "a\033[1m\nb", 7), CONSOLELOG_OK);
	ck_assert_int_eq(consolelog_write(l, "c\n", 2), CONSOLELOG_OK);
	consolelog_free(l);
	size_t n = slurp(path, buf, sizeof(buf));

	ck_assert_uint_eq(n, 2 * CONSOLELOG_STAMP_LEN + 10);
	ck_assert(buf[0] == '[' && buf[CONSOLELOG_STAMP_LEN - 2] == ']');
	ck_assert_int_eq(memcmp(buf + CONSOLELOG_STAMP_LEN, "a^[[1m\n[", 8), 0);
	ck_assert_str_eq(buf + 2 * CONSOLELOG_STAMP_LEN + 7, "bc\n");
	unlink(path);
}
END_TEST

/* Appended after what the file held, and again after another writer's line. */
START_TEST(appends)
{
	char path[64], buf[256];
	int fd;

	tmp_path(path);
	fd = open(path, O_WRONLY);
	ck_assert_int_eq(write(fd, "old\n", 4), 4);
	close(fd);
	struct consolelog *l = open_log(path, CONSOLELOG_MIN_MAX);

	ck_assert_int_eq(consolelog_write(l, "one\n", 4), CONSOLELOG_OK);
	fd = open(path, O_WRONLY | O_APPEND);
	ck_assert_int_eq(write(fd, "other\n", 6), 6);
	close(fd);
	ck_assert_int_eq(consolelog_write(l, "\033two\n", 5), CONSOLELOG_OK);
	consolelog_free(l);
	slurp(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "old\none\nother\n^[two\n");
	unlink(path);
}
END_TEST

/* The cap holds: what fits, one line saying why, then nothing, reported once. */
START_TEST(capped)
{
	char path[64], chunk[1000], *buf = malloc(16384);
	struct stat st;

	tmp_path(path);
	memset(chunk, 'x', sizeof(chunk));
	struct consolelog *l = open_log(path, 4096);
	int full = 0;

	for (int i = 0; i < 10; i++) {
		int r = consolelog_write(l, chunk, sizeof(chunk));

		ck_assert_int_ge(r, 0);
		full += r == CONSOLELOG_FULL;
	}
	ck_assert_int_eq(full, 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_le(st.st_size, 4096);
	ck_assert_int_ge(st.st_size, 4096 - 8);
	size_t n = slurp(path, buf, 16384);

	ck_assert_ptr_nonnull(strstr(buf, "xxx\n[vncterm: console log full at 4096 bytes"));
	ck_assert(buf[n - 1] == '\n');
	/* Reopened (rotation): a fresh cap, counted from the new file's size. */
	ck_assert_int_eq(rename(path, "/tmp/vncterm-clog-rotated"), 0);
	uint64_t size;
	int fd;

	ck_assert_int_eq(consolelog_open(path, false, &fd, &size), 0);
	ck_assert_uint_eq(size, 0);
	consolelog_set_fd(l, fd, size);
	ck_assert_int_eq(consolelog_write(l, "after\n", 6), CONSOLELOG_OK);
	consolelog_free(l);
	slurp(path, buf, 16384);
	ck_assert_str_eq(buf, "after\n");
	unlink(path);
	unlink("/tmp/vncterm-clog-rotated");
	free(buf);
}
END_TEST

/* A file already at its cap gets nothing, not even the line. */
START_TEST(full_at_open)
{
	char path[64], big[5000];
	struct stat st;

	tmp_path(path);
	memset(big, 'o', sizeof(big));
	int fd = open(path, O_WRONLY);

	ck_assert_int_eq(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	close(fd);
	struct consolelog *l = open_log(path, 4096);

	ck_assert_int_eq(consolelog_write(l, "x", 1), CONSOLELOG_FULL);
	ck_assert_int_eq(consolelog_write(l, "x", 1), CONSOLELOG_OK);
	consolelog_free(l);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)sizeof(big));
	unlink(path);
}
END_TEST

/* A failing disk is reported once, then the log is quiet until reopened. */
START_TEST(write_error_reported_once)
{
	struct consolelog *l = consolelog_new(CONSOLELOG_MIN_MAX);
	int fd = open("/dev/full", O_WRONLY);

	ck_assert_int_ge(fd, 0);
	consolelog_set_fd(l, fd, 0);
	ck_assert_int_eq(consolelog_write(l, "x", 1), -ENOSPC);
	ck_assert_int_eq(consolelog_write(l, "y", 1), CONSOLELOG_OK);
	consolelog_free(l);
}
END_TEST

START_TEST(open_refuses_non_files)
{
	char dir[] = "/tmp/vncterm-clog-XXXXXX", fifo[64];
	uint64_t size;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* No reader: a blocking open would hang here. */
	ck_assert_int_eq(consolelog_open(fifo, false, &fd, &size), -ENXIO);
	ck_assert_int_eq(consolelog_open("/dev/null", false, &fd, &size), -EINVAL);
	ck_assert_int_eq(consolelog_open(dir, false, &fd, &size), -EISDIR);
	snprintf(fifo, sizeof(fifo), "%s/no/such", dir);
	ck_assert_int_eq(consolelog_open(fifo, false, &fd, &size), -ENOENT);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	unlink(fifo);
	rmdir(dir);
	ck_assert_ptr_null(consolelog_new(CONSOLELOG_MIN_MAX - 1));
	ck_assert_ptr_null(consolelog_new(CONSOLELOG_MAX_MAX + 1));
}
END_TEST

Suite *consolelog_suite(void)
{
	Suite *s = suite_create("consolelog");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, escape_and_controls_in_caret_notation);
	tcase_add_test(tc, utf8_kept_c1_made_7bit);
	tcase_add_test(tc, c1_split_across_writes);
	tcase_add_test(tc, filter_bound);
	tcase_add_test(tc, stamp_text_is_iso8601_utc);
	tcase_add_test(tc, stamp_at_each_line_start);
	tcase_add_test(tc, stamped_log);
	tcase_add_test(tc, appends);
	tcase_add_test(tc, capped);
	tcase_add_test(tc, full_at_open);
	tcase_add_test(tc, write_error_reported_once);
	tcase_add_test(tc, open_refuses_non_files);
	suite_add_tcase(s, tc);
	return s;
}
