/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scrollback: a ring of the lines that left the top of the main screen.
 * Each line keeps only its cells up to the last one that is not blank, in
 * a buffer reused when the ring wraps, so a push costs O(line length) and
 * memory grows with what was actually shown, up to cap lines.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"

int scrollback_init(struct scrollback *sb, int cap)
{
	struct sb_line *lines = NULL;

	if (cap < 0)
		return -EINVAL;
	if (cap > 0) {
		lines = calloc((size_t)cap, sizeof(*lines));
		if (!lines)
			return -ENOMEM;
	}
	scrollback_free(sb);
	sb->lines = lines;
	sb->cap = cap;
	return 0;
}

void scrollback_clear(struct scrollback *sb)
{
	for (int i = 0; i < sb->cap; i++) {
		free(sb->lines[i].cells);
		memset(&sb->lines[i], 0, sizeof(sb->lines[i]));
	}
	sb->head = sb->count = 0;
}

void scrollback_free(struct scrollback *sb)
{
	scrollback_clear(sb);
	free(sb->lines);
	memset(sb, 0, sizeof(*sb));
}

static bool blank(const struct vt_cell *c)
{
	return c->ch == 0 && c->bg == VT_COLOR_DEFAULT;
}

void scrollback_push(struct scrollback *sb, const struct vt_cell *cells, int cols, bool wrapped)
{
	struct sb_line *line;
	int len = cols;

	if (sb->cap == 0)
		return;
	while (len > 0 && blank(&cells[len - 1]))
		len--;
	if (sb->count < sb->cap) {
		line = &sb->lines[(sb->head + sb->count) % sb->cap];
		sb->count++;
	} else {
		line = &sb->lines[sb->head];
		sb->head = (sb->head + 1) % sb->cap;
	}
	if (len > line->alloc) {
		struct vt_cell *n = realloc(line->cells, (size_t)len * sizeof(*n));

		if (!n) {
			/* Out of memory: keep the line's place, lose its text. */
			len = 0;
		} else {
			line->cells = n;
			line->alloc = (uint16_t)len;
		}
	} else if (line->alloc > 2 * len + 16) {
		/* Don't let one long line pin a large buffer forever. */
		struct vt_cell *n = realloc(line->cells, (size_t)(len ? len : 1) * sizeof(*n));

		if (n) {
			line->cells = n;
			line->alloc = (uint16_t)(len ? len : 1);
		}
	}
	if (len)
		memcpy(line->cells, cells, (size_t)len * sizeof(*cells));
	line->len = (uint16_t)len;
	line->wrapped = wrapped;
}

const struct sb_line *scrollback_line(const struct scrollback *sb, int i)
{
	if (i < 0 || i >= sb->count)
		return NULL;
	return &sb->lines[(sb->head + sb->count - 1 - i) % sb->cap];
}
