/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the vt100 test suites. */
#ifndef TESTS_VT100_UTIL_VT_H
#define TESTS_VT100_UTIL_VT_H

#include <stddef.h>

#include "vt100/vt100.h"

/* A terminal whose replies, titles and bells are recorded. */
struct tvt {
	struct vt *vt;
	char out[4096]; /* replies, NUL-terminated, truncated if longer */
	size_t out_len;
	int bells, titles;
};

void tvt_init(struct tvt *t, int rows, int cols);
void tvt_free(struct tvt *t);
void tvt_puts(struct tvt *t, const char *s);
/* Row r as UTF-8, erased cells as spaces, trailing spaces kept. */
const char *tvt_row(struct tvt *t, int r, char *buf, size_t size);
struct vt_cell tvt_cell(struct tvt *t, int r, int c);

/* Damage as vt_damage_flush() reports it, as text. */
struct tvt_dmg {
	char log[4096];
	size_t len;
};

/*
 * Flush the damage of t into d and return its trace: "scroll TOP-BOTTOM
 * COUNT;" first if there is one, then "ROW:START-END;" for each span.
 */
const char *tvt_flush(struct tvt *t, struct tvt_dmg *d);

#endif
