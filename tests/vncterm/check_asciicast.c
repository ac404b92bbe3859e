/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The console record (--record): the asciicast encoder (asciicast.c) and
 * the record file (consolelog.c's asciicast kind): header, escapes, UTF-8
 * as the emulator decodes it, resizes, the cap, starting a fresh file.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/common/util_cast.h"
#include "vncterm/asciicast.h"
#include "vncterm/consolelog.h"
#include "vt100/vt100.h"

static size_t event(struct vt_utf8 *d, const char *in, size_t n, char *out)
{
	size_t len = asciicast_output(d, 1500000, in, n, out);

	out[len] = '\0';
	return len;
}

START_TEST(header_line)
{
	char out[ASCIICAST_LINE_MAX];
	size_t n = asciicast_header(out, 80, 25, 1700000000, "xterm-256color");

	ck_assert_uint_eq(n, strlen(out));
	ck_assert_str_eq(out, "{\"version\": 2, \"width\": 80, \"height\": 25, \"timestamp\": "
			      "1700000000, \"env\": {\"TERM\": \"xterm-256color\"}}\n");
	/* A TERM is the user's: quoted, and cut at 64 bytes. */
	char term[100];

	memset(term, 'a', sizeof(term));
	term[0] = '"';
	term[99] = '\0';
	n = asciicast_header(out, 1, 1, 0, term);
	ck_assert_ptr_nonnull(strstr(out, "\"TERM\": \"\\\"aaa"));
	ck_assert_ptr_nonnull(strstr(out, "aaaa\"}}\n"));
	ck_assert_uint_lt(n, ASCIICAST_LINE_MAX);
}
END_TEST

START_TEST(escapes)
{
	struct vt_utf8 d = { 0 };
	char out[ASCIICAST_EVENT_OUT(64) + 1];

	/* ESC, CR LF, TAB, BEL, quote, backslash, DEL, CSI as U+009B, é and ✓ kept */
	event(&d, "\033[1mA\r\n\t\a\"\\\x7f\xc2\x9b" "2J\xc3\xa9\xe2\x9c\x93", 21, out);
	ck_assert_str_eq(out, "[1.500000, \"o\", \"\\u001b[1mA\\r\\n\\t\\u0007\\\"\\\\\\u007f\\u009b2J"
			      "\xc3\xa9\xe2\x9c\x93\"]\n");
	event(&d, "\0", 1, out);
	ck_assert_str_eq(out, "[1.500000, \"o\", \"\\u0000\"]\n");
}
END_TEST

/* A character cut between reads waits for the read that completes it. */
START_TEST(split_character_held)
{
	struct vt_utf8 d = { 0 };
	char out[ASCIICAST_EVENT_OUT(8) + 1];

	ck_assert_uint_eq(event(&d, "\xe2\x9c", 2, out), 0); /* no event at all */
	event(&d, "\x93x", 2, out);
	ck_assert_str_eq(out, "[1.500000, \"o\", \"\xe2\x9c\x93x\"]\n");
	event(&d, "a\xf0\x9f", 3, out);
	ck_assert_str_eq(out, "[1.500000, \"o\", \"a\"]\n");
	event(&d, "\x98\x80", 2, out);
	ck_assert_str_eq(out, "[1.500000, \"o\", \"\xf0\x9f\x98\x80\"]\n");
}
END_TEST

/* Invalid UTF-8 is U+FFFD, as many as the emulator shows. */
START_TEST(invalid_as_the_emulator)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "\xff", "\xef\xbf\xbd" },
		{ "\xc3(", "\xef\xbf\xbd(" },              /* cut short: one, and the byte afresh */
		{ "\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd" }, /* stray continuations: one each */
		{ "\xc0\xaf", "\xef\xbf\xbd" },             /* overlong: one */
		{ "\xed\xa0\x80", "\xef\xbf\xbd" },         /* a surrogate */
		{ "\xe2\x9c\033", "\xef\xbf\xbd\\u001b" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vt_utf8 d = { 0 };
		char out[ASCIICAST_EVENT_OUT(8) + 1], want[128];

		event(&d, cases[i].in, strlen(cases[i].in), out);
		snprintf(want, sizeof(want), "[1.500000, \"o\", \"%s\"]\n", cases[i].want);
		ck_assert_str_eq(out, want);
	}
}
END_TEST

START_TEST(resize_event)
{
	char out[ASCIICAST_LINE_MAX];

	asciicast_resize(out, 12000001, 132, 43);
	ck_assert_str_eq(out, "[12.000001, \"r\", \"132x43\"]\n");
}
END_TEST

/*
 * Arbitrary bytes cut anywhere: every event is a valid line within the
 * documented bound, and the text of all of them is what the emulator
 * decodes from the whole input (so the replay draws the same screen).
 */
START_TEST(any_bytes_round_trip)
{
	unsigned seed = 7;
	static char in[4096], file[ASCIICAST_EVENT_OUT(sizeof(in)) * 4], want[sizeof(in) * 4];

	for (int round = 0; round < 200; round++) {
		struct vt_utf8 d = { 0 }, w = { 0 };
		size_t n = (size_t)(rand_r(&seed) % (int)sizeof(in)), flen, wlen = 0;

		for (size_t i = 0; i < n; i++)
			in[i] = (char)(round & 1 ? rand_r(&seed) : "a\033\xc3\xa9\xe2\x9c\x93\x80\xff\n"[rand_r(&seed) % 10]);
		flen = (size_t)sprintf(file, "{\"version\": 2, \"width\": 80, \"height\": 25, "
					     "\"timestamp\": 0, \"env\": {\"TERM\": \"x\"}}\n");
		for (size_t at = 0; at < n;) {
			size_t take = (size_t)(rand_r(&seed) % 9) + 1;

			take = take > n - at ? n - at : take;
			size_t len = asciicast_output(&d, at, in + at, take, file + flen);

			ck_assert_uint_le(len, ASCIICAST_EVENT_OUT(take));
			flen += len;
			at += take;
		}
		for (size_t i = 0; i < n; i++) {
			uint32_t cp[2];
			int k = vt_utf8_decode(&w, (uint8_t)in[i], cp);

			for (int j = 0; j < k; j++)
				wlen += vt_utf8_encode(cp[j], want + wlen);
		}
		struct cast c;
		char why[512];
		size_t glen;

		ck_assert_msg(cast_parse(file, flen, &c, why, sizeof(why)), "round %d: %s", round, why);
		char *got = cast_output(&c, c.n, &glen);

		ck_assert_uint_eq(glen, wlen);
		ck_assert(memcmp(got, want, wlen) == 0);
		free(got);
		cast_free(&c);
	}
}
END_TEST

static void tmp_path(char *path)
{
	strcpy(path, "/tmp/vncterm-cast-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
}

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	char *buf;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	buf[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return buf;
}

static struct consolelog *open_cast(const char *path, uint64_t max)
{
	struct consolelog *l = consolelog_new_cast(max, 80, 25, "vt220");
	uint64_t size;
	int fd;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(consolelog_open(path, true, &fd, &size), 0);
	consolelog_set_fd(l, fd, size);
	return l;
}

/* A record: the header, one event per write, a resize, and a file that plays. */
START_TEST(record_file)
{
	char path[64], why[256];
	size_t len, olen;
	struct cast c;

	tmp_path(path);
	struct consolelog *l = open_cast(path, CONSOLELOG_MIN_MAX);

	ck_assert_int_eq(consolelog_write(l, "\033[31mred\xe2\x9c", 10), CONSOLELOG_OK);
	ck_assert_int_eq(consolelog_resize(l, 100, 30), CONSOLELOG_OK);
	ck_assert_int_eq(consolelog_resize(l, 100, 30), CONSOLELOG_OK); /* no change: no event */
	ck_assert_int_eq(consolelog_write(l, "\x93\r\n", 3), CONSOLELOG_OK);
	consolelog_free(l);
	char *text = slurp(path, &len);

	ck_assert_msg(cast_parse(text, len, &c, why, sizeof(why)), "%s", why);
	ck_assert_int_eq(c.width, 80);
	ck_assert_int_eq(c.height, 25);
	ck_assert_str_eq(c.term, "vt220");
	ck_assert_int_gt(c.timestamp, 1500000000);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(c.ev[1].type, 'r');
	ck_assert_str_eq(c.ev[1].data, "100x30");
	char *out = cast_output(&c, c.n, &olen);

	ck_assert_str_eq(out, "\033[31mred\xe2\x9c\x93\r\n");
	free(out);
	cast_free(&c);
	free(text);
	unlink(path);
}
END_TEST

/* A record never goes on after another: a file with something in it becomes FILE.1. */
START_TEST(fresh_file_moves_old_aside)
{
	char path[64], old[80];
	size_t len;

	tmp_path(path);
	snprintf(old, sizeof(old), "%s.1", path);
	consolelog_free(open_cast(path, CONSOLELOG_MIN_MAX)); /* a header only */
	struct consolelog *l = open_cast(path, CONSOLELOG_MIN_MAX);

	ck_assert_int_eq(consolelog_write(l, "two", 3), CONSOLELOG_OK);
	consolelog_free(l);
	char *a = slurp(old, &len), *b = slurp(path, &len);

	ck_assert_int_eq(strncmp(a, "{\"version\": 2", 13), 0);
	ck_assert_ptr_null(strchr(a, '['));
	ck_assert_int_eq(strncmp(b, "{\"version\": 2", 13), 0);
	ck_assert_ptr_nonnull(strstr(b, "\"o\", \"two\"]\n"));
	free(a);
	free(b);
	unlink(path);
	unlink(old);
}
END_TEST

/* At the cap: what fits, in whole lines, the last one saying so; the file still parses. */
START_TEST(record_capped)
{
	char path[64], why[256], chunk[700];
	size_t len, olen;
	struct cast c;
	int full = 0;

	tmp_path(path);
	memset(chunk, 'x', sizeof(chunk));
	struct consolelog *l = open_cast(path, 4096);

	for (int i = 0; i < 20; i++) {
		int r = consolelog_write(l, chunk, sizeof(chunk));

		ck_assert_int_ge(r, 0);
		full += r == CONSOLELOG_FULL;
	}
	ck_assert_int_eq(consolelog_resize(l, 10, 10), CONSOLELOG_OK); /* quiet once full */
	consolelog_free(l);
	char *text = slurp(path, &len);

	ck_assert_int_eq(full, 1);
	ck_assert_uint_le(len, 4096);
	ck_assert_msg(cast_parse(text, len, &c, why, sizeof(why)), "%s", why);
	char *out = cast_output(&c, c.n, &olen);

	ck_assert_ptr_nonnull(strstr(out, "xxx\r\n[vncterm: console record full at 4096 bytes"));
	ck_assert_uint_eq(c.ev[c.n - 1].type, 'o');
	/* What fits is kept, as the log's cap keeps it: the file is all but full. */
	ck_assert_uint_ge(len, 4096 - 100);
	ck_assert_uint_ge(c.n, 3);
	ck_assert_uint_eq(c.ev[0].len, sizeof(chunk));
	ck_assert_uint_eq(strspn(out, "x"), (size_t)(strstr(out, "\r\n[vncterm") - out));
	free(out);
	cast_free(&c);
	free(text);
	unlink(path);
}
END_TEST

Suite *asciicast_suite(void)
{
	Suite *s = suite_create("asciicast");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, header_line);
	tcase_add_test(tc, escapes);
	tcase_add_test(tc, split_character_held);
	tcase_add_test(tc, invalid_as_the_emulator);
	tcase_add_test(tc, resize_event);
	tcase_add_test(tc, any_bytes_round_trip);
	tcase_add_test(tc, record_file);
	tcase_add_test(tc, fresh_file_moves_old_aside);
	tcase_add_test(tc, record_capped);
	suite_add_tcase(s, tc);
	return s;
}
