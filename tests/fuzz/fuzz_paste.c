/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: paste_encode() (vncterm/paste.c) on clipboard text a
 * viewer chose.  The input is the text itself.  It is encoded both ways,
 * each into a buffer of exactly the size paste.h documents (len +
 * PASTE_MARKERS), so ASan reports any byte written beyond it.  Checked
 * against what paste.h promises:
 *  - CR LF and LF become CR; other C0 controls and DEL are dropped, so the
 *    body holds no ESC and cannot contain ESC[201~ (a viewer must not be
 *    able to end bracketed paste and type commands to the program); C1
 *    controls too: no C2 80-9F, and no byte 80-9F but one continuing a
 *    UTF-8 sequence (checked in the body below);
 *  - bracketed, the body is wrapped in ESC[200~ ... ESC[201~ and is the
 *    same as the plain encoding;
 *  - 0 when nothing is left to type.
 * The expected body is computed here independently, byte by byte.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_check.h"
#include "vncterm/paste.h"

#define START "\033[200~"
#define END "\033[201~"
#define MARK_LEN (sizeof(START) - 1)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Our reading of paste.h; returns the body's length. */
static size_t expected_body(const uint8_t *t, size_t len, char *out)
{
	size_t n = 0;

	int need = 0; /* continuation bytes the last lead byte asked for */

	for (size_t i = 0; i < len; i++) {
		uint8_t c = t[i];

		if (c == 0xc2 && i + 1 < len && t[i + 1] >= 0x80 && t[i + 1] < 0xa0) {
			i++; /* U+0080-U+009F: C1 */
			need = 0;
			continue;
		}
		if (c >= 0x80 && c < 0xc0) {
			if (need == 0 && c < 0xa0)
				continue; /* a lone 80-9F: an 8-bit C1 control */
			if (need > 0)
				need--;
		} else if (c >= 0xc2 && c < 0xe0) {
			need = 1;
		} else if (c >= 0xe0 && c < 0xf0) {
			need = 2;
		} else if (c >= 0xf0 && c < 0xf5) {
			need = 3;
		} else {
			need = 0;
		}
		if (c == '\r' && i + 1 < len && t[i + 1] == '\n') {
			out[n++] = '\r';
			i++; /* the pair is one CR */
		} else if (c == '\n' || c == '\r') {
			out[n++] = '\r';
		} else if (c == '\t') {
			out[n++] = '\t';
		} else if (c >= 0x20 && c != 0x7f) {
			out[n++] = (char)c;
		}
	}
	return n;
}

/* What paste.h promises of a body, whatever our model says. */
static void check_body(const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];

		FUZZ_CHECK(c != '\n' && c != 0x7f);
		FUZZ_CHECK(c >= 0x20 || c == '\r' || c == '\t');
		FUZZ_CHECK(!(c == 0xc2 && i + 1 < n && (uint8_t)b[i + 1] >= 0x80 &&
			     (uint8_t)b[i + 1] < 0xa0));
		/* A byte 80-9F follows a lead byte or another continuation byte. */
		FUZZ_CHECK(!(c >= 0x80 && c < 0xa0) ||
			   (i > 0 && (uint8_t)b[i - 1] >= 0x80 && (uint8_t)b[i - 1] != 0xc2));
	}
	FUZZ_CHECK(memmem(b, n, END, MARK_LEN) == NULL);
	FUZZ_CHECK(memmem(b, n, START, MARK_LEN) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly len bytes, so that a read past the text is caught too. */
	char *text = malloc(size ? size : 1);
	char *plain = malloc(size + PASTE_MARKERS);
	char *wrapped = malloc(size + PASTE_MARKERS);
	char *want = malloc(size ? size : 1);

	FUZZ_CHECK(text && plain && wrapped && want);
	if (size)
		memcpy(text, data, size);

	size_t want_n = expected_body(data, size, want);
	size_t n = paste_encode(text, size, false, plain);

	FUZZ_CHECK(n <= size);
	FUZZ_CHECK(n == want_n);
	FUZZ_CHECK(memcmp(plain, want, n) == 0);
	check_body(plain, n);

	size_t m = paste_encode(text, size, true, wrapped);

	FUZZ_CHECK(m <= size + PASTE_MARKERS);
	if (n == 0) {
		FUZZ_CHECK(m == 0);
	} else {
		FUZZ_CHECK(m == n + 2 * MARK_LEN);
		FUZZ_CHECK(memcmp(wrapped, START, MARK_LEN) == 0);
		FUZZ_CHECK(memcmp(wrapped + m - MARK_LEN, END, MARK_LEN) == 0);
		FUZZ_CHECK(memcmp(wrapped + MARK_LEN, plain, n) == 0);
		check_body(wrapped + MARK_LEN, n);
		/* The only end marker is the last thing sent. */
		FUZZ_CHECK(memmem(wrapped, m, END, MARK_LEN) == wrapped + m - MARK_LEN);
	}
	/* The text is the caller's: left alone. */
	FUZZ_CHECK(size == 0 || memcmp(text, data, size) == 0);

	free(text);
	free(plain);
	free(wrapped);
	free(want);
	return 0;
}
