/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the console log (vncterm/consolelog.c) on console
 * bytes a guest chose.  The first byte sets where the input is cut into
 * writes, the second the cap; the rest is the console's output.  Checked:
 *  - the filter, fed in pieces into buffers of exactly the size
 *    consolelog.h documents, writes what a model computed here from the
 *    whole input writes (a C1 control cut between two writes is caught);
 *  - its output holds no ESC, no C0 control but TAB, LF, CR and BS, no DEL
 *    and no UTF-8 C1 control (so reading the log cannot drive a terminal);
 *  - through consolelog_write() into a memfd, the file never passes the
 *    cap, and what is in it is a prefix of the filtered input, followed by
 *    the one line saying it is full when the cap was reached;
 *  - the record (asciicast.c), fed the same pieces: each event within the
 *    documented bound, the file within the cap and a valid asciicast
 *    (tests/common/util_cast.c reads it strictly: JSON strings of valid
 *    UTF-8, no raw control), whose text, uncapped, is exactly what the
 *    emulator's decoder makes of the whole input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/common/util_cast.h"
#include "tests/fuzz/fuzz_check.h"
#include "vncterm/asciicast.h"
#include "vncterm/consolelog.h"
#include "vt100/vt100.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Our reading of consolelog.h, on the whole input at once. */
static size_t model(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = in[i];

		if (b == 0xc2 && i + 1 < n && in[i + 1] >= 0x80 && in[i + 1] <= 0x9f) {
			o += (size_t)sprintf(out + o, "^[%c", in[++i] - 0x40);
		} else if (b == 0x7f) {
			o += (size_t)sprintf(out + o, "^?");
		} else if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\b') {
			o += (size_t)sprintf(out + o, "^%c", b + 0x40);
		} else {
			out[o++] = (char)b;
		}
	}
	return o;
}

static void check_harmless(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		FUZZ_CHECK(c != 0x1b && c != 0x7f);
		FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r' || c == '\b');
		FUZZ_CHECK(!(c == 0xc2 && i + 1 < n && (uint8_t)s[i + 1] >= 0x80 &&
			     (uint8_t)s[i + 1] <= 0x9f));
	}
}

/* The record's file, parsed; its text is want (wlen bytes) or, capped, a prefix of it. */
static void check_cast(const char *file, size_t flen, const char *want, size_t wlen, bool capped)
{
	struct cast c;
	char why[512];
	size_t glen;

	FUZZ_CHECK(cast_parse(file, flen, &c, why, sizeof(why)));
	char *got = cast_output(&c, c.n, &glen);

	if (!capped) {
		FUZZ_CHECK(glen == wlen && memcmp(got, want, wlen) == 0);
	} else {
		static const char m[] = "\r\n[vncterm: console record full at ";
		char *mark = memmem(got, glen, m, sizeof(m) - 1);

		FUZZ_CHECK(mark && memcmp(got, want, (size_t)(mark - got)) == 0);
	}
	free(got);
	cast_free(&c);
}

static void fuzz_cast(const uint8_t *in, size_t n, size_t cut, uint64_t max)
{
	struct vt_utf8 d = { 0 }, w = { 0 };
	char *want = malloc(4 * n + 1), *file = malloc(ASCIICAST_LINE_MAX + ASCIICAST_EVENT_OUT(n) + 64 * n);
	size_t wlen = 0, flen = 0;

	FUZZ_CHECK(want && file);
	for (size_t i = 0; i < n; i++) {
		uint32_t cp[2];
		int k = vt_utf8_decode(&w, in[i], cp);

		for (int j = 0; j < k; j++)
			wlen += vt_utf8_encode(cp[j], want + wlen);
	}
	flen = asciicast_header(file, 80, 25, 0, "xterm");
	for (size_t at = 0; at < n; at += cut) {
		size_t take = n - at < cut ? n - at : cut, len;

		len = asciicast_output(&d, at, (const char *)in + at, take, file + flen);
		FUZZ_CHECK(len <= ASCIICAST_EVENT_OUT(take));
		flen += len;
	}
	check_cast(file, flen, want, wlen, false);

	/* Through the record's file, capped. */
	int fd = memfd_create("fuzz-record", MFD_CLOEXEC);
	struct consolelog *l = consolelog_new_cast(max, 80, 25, "xterm");
	int fulls = 0;

	FUZZ_CHECK(fd >= 0 && l);
	consolelog_set_fd(l, dup(fd), 0);
	for (size_t at = 0; at < n; at += cut) {
		int r = consolelog_write(l, (const char *)in + at, n - at < cut ? n - at : cut);

		FUZZ_CHECK(r == CONSOLELOG_OK || r == CONSOLELOG_FULL);
		fulls += r == CONSOLELOG_FULL;
	}
	consolelog_free(l);
	off_t end = lseek(fd, 0, SEEK_END);

	FUZZ_CHECK(end > 0 && (uint64_t)end <= max && fulls <= 1);
	char *rec = malloc((size_t)end);

	FUZZ_CHECK(rec && pread(fd, rec, (size_t)end, 0) == end);
	check_cast(rec, (size_t)end, want, wlen, fulls);
	close(fd);
	free(rec);
	free(want);
	free(file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t cut = (size_t)data[0] % 17 + 1;
	uint64_t max = CONSOLELOG_MIN_MAX + (uint64_t)data[1] * 64;
	const uint8_t *in = data + 2;
	size_t n = size - 2;
	char *want = malloc(CONSOLELOG_FILTER_OUT(n)), *got = malloc(CONSOLELOG_FILTER_OUT(n) + 1);
	size_t wlen = model(in, n, want), glen = 0;
	unsigned st = 0;

	FUZZ_CHECK(want && got);
	for (size_t at = 0; at < n; at += cut) {
		size_t take = n - at < cut ? n - at : cut;
		char *piece = malloc(CONSOLELOG_FILTER_OUT(take));

		FUZZ_CHECK(piece);
		size_t len = consolelog_filter(&st, (const char *)in + at, take, piece);

		FUZZ_CHECK(len <= CONSOLELOG_FILTER_OUT(take));
		memcpy(got + glen, piece, len);
		glen += len;
		free(piece);
	}
	if (st)
		got[glen++] = (char)st; /* a lead byte still held is written as it came */
	FUZZ_CHECK(glen == wlen && memcmp(got, want, wlen) == 0);
	check_harmless(want, wlen);

	/* The same bytes through the log, into a file that must respect the cap. */
	int fd = memfd_create("fuzz-consolelog", MFD_CLOEXEC);
	struct consolelog *l = consolelog_new(max);

	FUZZ_CHECK(fd >= 0 && l);
	consolelog_set_fd(l, dup(fd), 0);
	int fulls = 0;

	for (size_t at = 0; at < n; at += cut) {
		int r = consolelog_write(l, (const char *)in + at, n - at < cut ? n - at : cut);

		FUZZ_CHECK(r == CONSOLELOG_OK || r == CONSOLELOG_FULL);
		fulls += r == CONSOLELOG_FULL;
	}
	consolelog_free(l);
	off_t end = lseek(fd, 0, SEEK_END);

	FUZZ_CHECK(end >= 0 && (uint64_t)end <= max && fulls <= 1);
	char *file = malloc((size_t)end + 1);

	FUZZ_CHECK(file && pread(fd, file, (size_t)end, 0) == end);
	if (!fulls) {
		FUZZ_CHECK((size_t)end == wlen && memcmp(file, want, wlen) == 0);
	} else {
		char *mark = memmem(file, (size_t)end, "\n[vncterm: console log full at ", 31);

		FUZZ_CHECK(mark && file[end - 1] == '\n');
		FUZZ_CHECK(memcmp(file, want, (size_t)(mark - file)) == 0);
	}
	close(fd);
	free(file);
	free(want);
	free(got);
	fuzz_cast(in, n, cut, max);
	return 0;
}
