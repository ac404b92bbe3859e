/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "util_vt.h"

static void on_output(const char *buf, size_t len, void *user)
{
	struct tvt *t = user;

	if (t->out_len + len < sizeof(t->out)) {
		memcpy(t->out + t->out_len, buf, len);
		t->out_len += len;
		t->out[t->out_len] = '\0';
	}
}

static void on_title(const char *title, void *user)
{
	(void)title;
	((struct tvt *)user)->titles++;
}

static void on_bell(void *user)
{
	((struct tvt *)user)->bells++;
}

static const struct vt_callbacks tvt_callbacks = {
	.output = on_output,
	.title = on_title,
	.bell = on_bell,
};

void tvt_init(struct tvt *t, int rows, int cols)
{
	memset(t, 0, sizeof(*t));
	t->vt = vt_new(rows, cols, &tvt_callbacks, t);
	ck_assert_ptr_nonnull(t->vt);
}

void tvt_free(struct tvt *t)
{
	vt_free(t->vt);
	t->vt = NULL;
}

void tvt_puts(struct tvt *t, const char *s)
{
	vt_write(t->vt, s, strlen(s));
}


const char *tvt_row(struct tvt *t, int r, char *buf, size_t size)
{
	int rows, cols;
	size_t n = 0;

	vt_get_size(t->vt, &rows, &cols);
	for (int c = 0; c < cols; c++) {
		struct vt_cell cell;

		ck_assert_int_eq(vt_get_cell(t->vt, r, c, &cell), 0);
		if (cell.width == 0)
			continue;
		ck_assert_uint_lt(n + 4 * (1 + VT_MAX_COMBINING), size);
		n += vt_utf8_encode(cell.ch ? cell.ch : ' ', buf + n);
		for (int i = 0; i < VT_MAX_COMBINING && cell.comb[i]; i++)
			n += vt_utf8_encode(cell.comb[i], buf + n);
	}
	buf[n] = '\0';
	return buf;
}

struct vt_cell tvt_cell(struct tvt *t, int r, int c)
{
	struct vt_cell cell;

	ck_assert_int_eq(vt_get_cell(t->vt, r, c, &cell), 0);
	return cell;
}

static void d_scroll(int top, int bottom, int count, void *user)
{
	struct tvt_dmg *d = user;

	d->len += (size_t)snprintf(d->log + d->len, sizeof(d->log) - d->len,
				   "scroll %d-%d %d;", top, bottom, count);
}

static void d_span(int row, int start, int end, void *user)
{
	struct tvt_dmg *d = user;

	d->len += (size_t)snprintf(d->log + d->len, sizeof(d->log) - d->len,
				   "%d:%d-%d;", row, start, end);
}

const char *tvt_flush(struct tvt *t, struct tvt_dmg *d)
{
	static const struct vt_damage_callbacks dcb = { .scroll = d_scroll, .span = d_span };

	d->len = 0;
	d->log[0] = '\0';
	vt_damage_flush(t->vt, &dcb, d);
	return d->log;
}
