/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading an asciicast v2 file as vncterm writes it (vncterm/asciicast.h),
 * strictly: a header line, then [seconds, "type", "data"] lines, each a
 * JSON string of valid UTF-8 with no raw control.  For the tests that
 * replay a record.
 */
#ifndef TESTS_COMMON_UTIL_CAST_H
#define TESTS_COMMON_UTIL_CAST_H

#include <stdbool.h>
#include <stddef.h>

struct cast_event {
	double t;
	char type;      /* 'o', 'r' */
	char *data;     /* the string decoded, NUL-terminated */
	size_t len;
};

struct cast {
	int width, height;
	long long timestamp;
	char term[80];
	struct cast_event *ev;
	size_t n;
};

/*
 * Parse len bytes of text into c; false, with what is wrong (and on which
 * line) in why, at the first thing that is not so.  Free with cast_free().
 */
bool cast_parse(const char *text, size_t len, struct cast *c, char *why, size_t whylen);
void cast_free(struct cast *c);
/* The "o" events' data up to event end (exclusive), concatenated; *len its length. */
char *cast_output(const struct cast *c, size_t end, size_t *len);

#endif
