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
#include <stdint.h>

#include "vt100/vt100.h"

struct sel_pos {
	int row, col;
};

struct selection {
	bool active;
	struct sel_pos anchor, head; /* where the drag began, where it is */
	/* Its text as last seen (select_mark), to follow it (select_follow). */
	uint64_t anchor_id, head_id;
	struct vt_text_marks seen;
};

/* Note which lines hold the selection: after any change to anchor or head. */
void select_mark(struct selection *s, const struct vt *vt);
/*
 * Move the selection with its text, or end it, after the emulator ran
 * (select.c says how).  True if it moved or ended: its highlight is due.
 */
bool select_follow(struct selection *s, const struct vt *vt);

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
