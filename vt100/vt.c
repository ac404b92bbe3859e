/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The public face of the library: creation, input, getters and damage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vt_internal.h"

struct vt *vt_new(int rows, int cols, const struct vt_callbacks *cb, void *user)
{
	struct vt *vt;

	if (rows < 1 || cols < 1 || rows > VT_MAX_ROWS || cols > VT_MAX_COLS) {
		errno = EINVAL;
		return NULL;
	}
	vt = calloc(1, sizeof(*vt));
	if (!vt)
		return NULL;
	vt->rows = rows;
	vt->cols = cols;
	if (cb)
		vt->cb = *cb;
	vt->user = user;
	vt->cell_w = 8;
	vt->cell_h = 16;
	vt->tabs = calloc((size_t)cols, 1);
	/* The alternate screen's grid[1] is made at its first use (altscreen.c). */
	if (!vt->tabs || screen_alloc_grid(&vt->grid[0], rows, cols) < 0 ||
	    scrollback_init(&vt->sb, VT_DEFAULT_SCROLLBACK) < 0) {
		vt_free(vt);
		errno = ENOMEM;
		return NULL;
	}
	parser_init(&vt->parser, &dispatch_callbacks, vt);
	screen_reset(vt);
	return vt;
}

void vt_free(struct vt *vt)
{
	if (!vt)
		return;
	screen_free_grid(&vt->grid[0], vt->rows);
	screen_free_grid(&vt->grid[1], vt->rows);
	scrollback_free(&vt->sb);
	free(vt->tabs);
	free(vt);
}

int vt_set_scrollback(struct vt *vt, int lines)
{
	if (lines < 0 || lines > 10000000)
		return -EINVAL;
	int err = scrollback_init(&vt->sb, lines);

	if (err == 0)
		vt->marks.epoch++;
	return err;
}

int vt_set_cell_pixels(struct vt *vt, int width, int height)
{
	if (width < 1 || width > 255 || height < 1 || height > 255)
		return -EINVAL;
	vt->cell_w = width;
	vt->cell_h = height;
	return 0;
}

void vt_write(struct vt *vt, const void *buf, size_t len)
{
	parser_write(&vt->parser, buf, len);
}

void vt_get_size(const struct vt *vt, int *rows, int *cols)
{
	*rows = vt->rows;
	*cols = vt->cols;
}

void vt_get_cursor(const struct vt *vt, int *row, int *col)
{
	*row = vt->row;
	*col = vt->col;
}

void vt_get_modes(const struct vt *vt, struct vt_modes *modes)
{
	*modes = vt->modes;
}

const char *vt_get_title(const struct vt *vt)
{
	return vt->title;
}

int vt_scrollback_count(const struct vt *vt)
{
	return vt->sb.count;
}

int vt_get_cell(const struct vt *vt, int row, int col, struct vt_cell *cell)
{
	if (col < 0 || col >= vt->cols || row >= vt->rows || row < -vt->sb.count)
		return -EINVAL;
	if (row >= 0) {
		*cell = vt->grid[vt->active].rows[row].cells[col];
		return 0;
	}
	struct sb_line l;

	scrollback_line(&vt->sb, -row - 1, &l);
	scrollback_cell(&l, col, cell);
	return 0;
}

bool vt_row_wrapped(const struct vt *vt, int row)
{
	if (row >= vt->rows || row < -vt->sb.count)
		return false;
	if (row >= 0)
		return vt->grid[vt->active].rows[row].wrapped;
	struct sb_line l;

	return scrollback_line(&vt->sb, -row - 1, &l) && l.wrapped;
}

void vt_get_text_marks(const struct vt *vt, struct vt_text_marks *marks)
{
	*marks = vt->marks;
}

uint64_t vt_line_id(const struct vt *vt, int row)
{
	if (row >= vt->rows || row < -vt->sb.count)
		return 0;
	if (row >= 0)
		return vt->grid[vt->active].rows[row].id;
	struct sb_line l;

	return scrollback_line(&vt->sb, -row - 1, &l) ? l.id : 0;
}

void vt_damage_flush(struct vt *vt, const struct vt_damage_callbacks *cb, void *user)
{
	struct row *rows = vt->grid[vt->active].rows;

	if (vt->all_dirty) {
		for (int r = 0; r < vt->rows; r++) {
			rows[r].dirty_start = rows[r].dirty_end = 0;
			if (cb && cb->span)
				cb->span(r, 0, vt->cols, user);
		}
		vt->all_dirty = false;
		vt->scroll.count = 0;
		return;
	}
	if (vt->scroll.count && abs(vt->scroll.count) < vt->scroll.bottom - vt->scroll.top &&
	    cb && cb->scroll)
		cb->scroll(vt->scroll.top, vt->scroll.bottom, vt->scroll.count, user);
	vt->scroll.count = 0;
	for (int r = 0; r < vt->rows; r++) {
		if (rows[r].dirty_start < rows[r].dirty_end && cb && cb->span)
			cb->span(r, rows[r].dirty_start, rows[r].dirty_end, user);
		rows[r].dirty_start = rows[r].dirty_end = 0;
	}
}

void vt_damage_all(struct vt *vt)
{
	screen_damage_all(vt);
}

int vt_resize(struct vt *vt, int rows, int cols)
{
	if (rows < 1 || cols < 1 || rows > VT_MAX_ROWS || cols > VT_MAX_COLS)
		return -EINVAL;
	if (rows == vt->rows && cols == vt->cols)
		return 0;
	return screen_resize(vt, rows, cols);
}
