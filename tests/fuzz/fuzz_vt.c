/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: program output into the emulator, with the API calls a
 * daemon makes in between.
 *
 * Input format (so that seeds can be written by hand):
 *   byte 0   rows = 1 + b % 60
 *   byte 1   cols = 1 + b % 200
 *   byte 2   scrollback lines = b (0-255)
 *   then operations, each an op byte: kind = op >> 5, arg = op & 31
 *     0, 7   vt_write the next arg + 1 bytes
 *     1      vt_write the next (arg + 1) * 8 bytes
 *     2      vt_write the next (arg + 1) * 64 bytes
 *     3      vt_write everything that is left (header, 0x60, raw bytes)
 *     4      checks, by bit of arg: 1 damage flush, 2 read every cell,
 *            4 save and load into a copy and compare, 8 save and load into
 *            another size (2 more bytes: rows, cols), 16 load a corrupted
 *            save (3 more bytes: offset high, low, xor; xor 0 truncates)
 *     5      vt_resize (2 more bytes: rows, cols as in the header)
 *     6      vt_set_scrollback (1 more byte); arg & 1: vt_damage_all
 * A write with fewer bytes left writes what there is.  At the end the
 * damage is flushed and the whole terminal checked and copied once more.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_check.h"
#include "vt100/vt100.h"
#include "vt100/vt_internal.h"

/* Whole-screen checks are slow under ASan; a few per input are plenty. */
#define MAX_HEAVY_OPS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t left;
};

static int next_byte(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static void write_chunk(struct vt *vt, struct input *in, size_t len)
{
	if (len > in->left)
		len = in->left;
	vt_write(vt, in->p, len);
	in->p += len;
	in->left -= len;
}

/* The fuzzer's view of the terminal, to check what the API reports. */
struct target {
	struct vt *vt;
	int rows, cols;
	int sb_limit;
	int heavy; /* whole-screen operations done so far */
};

/* A copy of the same size must be indistinguishable, down to its bytes. */
static void check_copy(struct target *t)
{
	size_t len = 0, len2 = 0;
	uint8_t *buf = fuzz_save(t->vt, &len);

	if (!buf)
		return;
	/* The same scrollback length, as a daemon restoring itself would set. */
	struct vt *copy = vt_new(t->rows, t->cols, &fuzz_callbacks, NULL);
	if (copy && vt_set_scrollback(copy, t->sb_limit) == 0) {
		int rc = vt_state_load(copy, buf, len);

		/* A state just saved is valid by definition. */
		FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
		if (rc == 0) {
			fuzz_check_same(t->vt, copy);
			uint8_t *buf2 = fuzz_save(copy, &len2);
			if (buf2) {
				FUZZ_CHECK(len == len2 && memcmp(buf, buf2, len) == 0);
				free(buf2);
			}
			fuzz_flush_damage(copy);
			fuzz_check_vt(copy, t->rows, t->cols, t->sb_limit);
		}
	}
	if (copy)
		vt_free(copy);
	free(buf);
}

static void check_copy_resized(struct target *t, int rows, int cols)
{
	size_t len = 0;
	uint8_t *buf = fuzz_save(t->vt, &len);

	if (!buf)
		return;
	struct vt *copy = vt_new(rows, cols, &fuzz_callbacks, NULL);
	if (copy) {
		int rc = vt_state_load(copy, buf, len);

		FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
		if (rc == 0) {
			fuzz_flush_damage(copy);
			fuzz_check_vt(copy, rows, cols, VT_DEFAULT_SCROLLBACK);
		}
		vt_free(copy);
	}
	free(buf);
}

/*
 * A truncated save or one with a byte changed is refused (a CRC-32 catches
 * any one-byte change); with the header made to match, the payload checks
 * decide, and whatever they let through must still be sane.
 */
static void check_corrupt_load(struct target *t, size_t off, uint8_t x)
{
	size_t len = 0;
	uint8_t *buf = fuzz_save(t->vt, &len);

	if (!buf)
		return;
	off %= len;
	if (x)
		buf[off] ^= x;
	else
		len = off;

	struct vt *copy = vt_new(t->rows, t->cols, &fuzz_callbacks, NULL);
	if (copy) {
		int rc = fuzz_load_checked(copy, buf, len);

		FUZZ_CHECK(rc != 0);
		if (x && fuzz_fix_state_header(buf, len))
			(void)fuzz_load_checked(copy, buf, len);
		fuzz_flush_damage(copy);
		fuzz_check_vt(copy, t->rows, t->cols, VT_DEFAULT_SCROLLBACK);
		vt_free(copy);
	}
	free(buf);
}

/*
 * What rows say of their cells (vt_internal.h) is true.  Cells from a
 * row's used extent on are default blanks: scrolls clear, and the
 * scrollback stores, only up to there, so a change that forgot to raise
 * it would lose text or leave some behind.  A plain row's cells before it
 * are ASCII of its plain_pen: the scrollback stores them as that.
 */
static void check_rows(const struct vt *vt)
{
	static const struct vt_cell blank = { .width = 1 };

	for (int g = 0; g < 2; g++)
		/* The alternate screen's grid is made at its first use (altscreen.c). */
		for (int r = 0; vt->grid[g].rows && r < vt->rows; r++) {
			const struct row *row = &vt->grid[g].rows[r];

			FUZZ_CHECK(row->used <= vt->cols);
			for (int c = row->used; c < vt->cols; c++)
				FUZZ_CHECK(memcmp(&row->cells[c], &blank, sizeof(blank)) == 0);
			for (int c = 0; row->plain && c < row->used; c++) {
				const struct vt_cell *cell = &row->cells[c];

				FUZZ_CHECK(cell->ch < 0x80 && cell->width == 1 && cell->comb[0] == 0 &&
					   cell->fg == row->plain_pen.fg &&
					   cell->bg == row->plain_pen.bg &&
					   cell->attrs == row->plain_pen.attrs);
			}
		}
}

static int pick_rows(int b)
{
	return 1 + b % FUZZ_MAX_ROWS;
}

static int pick_cols(int b)
{
	return 1 + b % FUZZ_MAX_COLS;
}

static void do_checks(struct target *t, struct input *in, unsigned arg)
{
	if (arg & 1)
		fuzz_flush_damage(t->vt);
	if (arg & ~1u) {
		if (t->heavy >= MAX_HEAVY_OPS)
			return;
		t->heavy++;
	}
	if (arg & 2)
		fuzz_check_vt(t->vt, t->rows, t->cols, t->sb_limit);
	if (arg & 4)
		check_copy(t);
	if (arg & 8) {
		int rows = pick_rows(next_byte(in));
		int cols = pick_cols(next_byte(in));

		check_copy_resized(t, rows, cols);
	}
	if (arg & 16) {
		size_t off = (size_t)next_byte(in) << 8;

		off |= (size_t)next_byte(in);
		check_corrupt_load(t, off, (uint8_t)next_byte(in));
	}
}

static void do_resize(struct target *t, struct input *in)
{
	int rows = pick_rows(next_byte(in));
	int cols = pick_cols(next_byte(in));
	int rc = vt_resize(t->vt, rows, cols);

	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
	if (rc == 0) {
		t->rows = rows;
		t->cols = cols;
	}
}

static void do_scrollback(struct target *t, struct input *in, unsigned arg)
{
	int lines = next_byte(in);
	int rc = vt_set_scrollback(t->vt, lines);

	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
	if (rc == 0) {
		t->sb_limit = lines;
		FUZZ_CHECK(vt_scrollback_count(t->vt) <= lines);
	}
	if (arg & 1)
		vt_damage_all(t->vt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return -1; /* not worth keeping in the corpus */

	struct target t = {
		.rows = pick_rows(data[0]),
		.cols = pick_cols(data[1]),
		.sb_limit = data[2],
	};
	struct input in = { data + 3, size - 3 };

	t.vt = vt_new(t.rows, t.cols, &fuzz_callbacks, NULL);
	if (!t.vt)
		return 0;
	if (vt_set_scrollback(t.vt, t.sb_limit) != 0)
		t.sb_limit = VT_DEFAULT_SCROLLBACK;

	while (in.left > 0) {
		unsigned op = (unsigned)next_byte(&in);
		unsigned arg = op & 31;

		switch (op >> 5) {
		case 0:
		case 7:
			write_chunk(t.vt, &in, arg + 1);
			break;
		case 1:
			write_chunk(t.vt, &in, (arg + 1) * 8);
			break;
		case 2:
			write_chunk(t.vt, &in, (arg + 1) * 64);
			break;
		case 3:
			write_chunk(t.vt, &in, in.left);
			break;
		case 4:
			do_checks(&t, &in, arg);
			break;
		case 5:
			do_resize(&t, &in);
			break;
		case 6:
			do_scrollback(&t, &in, arg);
			break;
		}
		fuzz_check_cursor(t.vt, t.rows, t.cols);
		check_rows(t.vt);
	}

	fuzz_flush_damage(t.vt);
	fuzz_check_vt(t.vt, t.rows, t.cols, t.sb_limit);
	check_copy(&t);
	vt_free(t.vt);
	return 0;
}
