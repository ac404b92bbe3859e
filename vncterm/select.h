/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Selections of text on the emulator's screen and scrollback, in its row
 * numbering (row -1 is the newest scrollback line).  Pure functions over
 * the emulator; the daemon owns the selection and its clipboard.
 */
#ifndef VNCTERM_SELECT_H
#define VNCTERM_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "vt100/vt100.h"

struct sel_pos {
	int row, col;
};

struct selection {
	bool active;
	struct sel_pos anchor, head; /* where the drag began, where it is */
};

/* The selection's first and last cell, in reading order. */
void select_bounds(const struct selection *s, struct sel_pos *start, struct sel_pos *end);
bool select_contains(const struct selection *s, int row, int col);

/* The word around (row, col): a run of cells that are not blank or delimiters. */
void select_word(const struct vt *vt, int row, int col, struct sel_pos *start,
		 struct sel_pos *end);

/*
 * The selected text as UTF-8 (malloc'd, NUL-terminated): each line's
 * trailing blanks dropped, lines joined by "\n" unless one wrapped into the
 * next.  0, or -ENOMEM, or -EINVAL if nothing is selected.
 */
int select_text(const struct vt *vt, const struct selection *s, char **out, size_t *len);

#endif
