/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Invariants the fuzz targets hold the emulator to, through its public API
 * only: whatever the input, everything a renderer or the daemon reads back
 * must be in range.  A broken invariant aborts so libFuzzer keeps the input.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vt100/vt100.h"

/* Sizes the targets choose from: small enough to keep executions fast. */
#define FUZZ_MAX_ROWS 60
#define FUZZ_MAX_COLS 200

/* A reply or title longer than this means a bound is missing somewhere. */
#define FUZZ_MAX_OUTPUT 4096

/* Reading all of a long scrollback on every check would dominate the run. */
#define FUZZ_SB_ROWS_READ 16

/* Where a target keeps its scratch files: /dev/shm when writable (no disk), else /tmp. */
static inline const char *fuzz_scratch_base(void)
{
	struct stat st;

	return stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0 ?
		       "/dev/shm" :
		       "/tmp";
}

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

static inline void fuzz_output(const char *buf, size_t len, void *user)
{
	(void)user;
	FUZZ_CHECK(len < FUZZ_MAX_OUTPUT);
	FUZZ_CHECK(len == 0 || buf != NULL);
	/* Touch every byte so that ASan sees a reply built past its buffer. */
	volatile unsigned char sink = 0;
	for (size_t i = 0; i < len; i++)
		sink ^= (unsigned char)buf[i];
	(void)sink;
}

static inline void fuzz_check_title(const char *title)
{
	FUZZ_CHECK(title != NULL);
	size_t len = strnlen(title, FUZZ_MAX_OUTPUT + 1);
	FUZZ_CHECK(len <= FUZZ_MAX_OUTPUT);
	/* Sanitised: a title that reaches a window manager carries no controls. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)title[i];
		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
	}
}

static inline void fuzz_title(const char *title, void *user)
{
	(void)user;
	fuzz_check_title(title);
}

static inline void fuzz_bell(void *user)
{
	(void)user;
}

static const struct vt_callbacks fuzz_callbacks = {
	.output = fuzz_output,
	.title = fuzz_title,
	.bell = fuzz_bell,
};

struct fuzz_damage {
	int rows, cols;
	bool saw_span;
};

static inline void fuzz_damage_scroll(int top, int bottom, int count, void *user)
{
	struct fuzz_damage *d = user;

	FUZZ_CHECK(0 <= top && top < bottom && bottom <= d->rows);
	FUZZ_CHECK(count != 0);
	FUZZ_CHECK(count <= bottom - top && -count <= bottom - top);
	/* Spans are in post-scroll coordinates, so a scroll after one is wrong. */
	FUZZ_CHECK(!d->saw_span);
}

static inline void fuzz_damage_span(int row, int start, int end, void *user)
{
	struct fuzz_damage *d = user;

	FUZZ_CHECK(0 <= row && row < d->rows);
	FUZZ_CHECK(0 <= start && start < end && end <= d->cols);
	d->saw_span = true;
}

static inline void fuzz_flush_damage(struct vt *vt)
{
	static const struct vt_damage_callbacks cb = {
		.scroll = fuzz_damage_scroll,
		.span = fuzz_damage_span,
	};
	struct fuzz_damage d = { .saw_span = false };

	vt_get_size(vt, &d.rows, &d.cols);
	vt_damage_flush(vt, &cb, &d);
}

static inline void fuzz_check_color(uint32_t c)
{
	switch (VT_COLOR_KIND(c)) {
	case VT_COLOR_KIND_DEFAULT:
		FUZZ_CHECK(c == VT_COLOR_DEFAULT);
		break;
	case VT_COLOR_KIND_INDEX:
		/* SGR 30-37 mark their colour (VT_COLOR_SGR_ANSI), for bold to brighten */
		FUZZ_CHECK((c & 0x00ffff00u) == 0 ||
			   ((c & 0x00ffff00u) == VT_COLOR_SGR_ANSI && (c & 0xff) < 8));
		break;
	case VT_COLOR_KIND_RGB:
		break;
	default:
		FUZZ_CHECK(!"unknown colour kind");
	}
}

static inline bool fuzz_is_control(uint32_t ch)
{
	return ch < 0x20 || (ch >= 0x7f && ch < 0xa0);
}

static inline void fuzz_check_cell(const struct vt_cell *c)
{
	FUZZ_CHECK(c->width <= 2);
	FUZZ_CHECK(c->ch <= 0x10ffff);
	/* Controls are acted on, never stored; 0 is the erased cell. */
	FUZZ_CHECK(c->ch == 0 || !fuzz_is_control(c->ch));
	for (int i = 0; i < VT_MAX_COMBINING; i++) {
		FUZZ_CHECK(c->comb[i] <= 0x10ffff);
		FUZZ_CHECK(c->comb[i] == 0 || !fuzz_is_control(c->comb[i]));
	}
	fuzz_check_color(c->fg);
	fuzz_check_color(c->bg);
	FUZZ_CHECK(c->attrs < (VT_ATTR_PROTECTED << 1));
}

/*
 * One screen row: every cell readable and valid, and wide characters whole,
 * since a renderer draws a head across two cells and skips the tail.
 */
static inline void fuzz_check_screen_row(const struct vt *vt, int row, int cols)
{
	struct vt_cell prev = { .width = 1 };

	for (int col = 0; col < cols; col++) {
		struct vt_cell c;

		FUZZ_CHECK(vt_get_cell(vt, row, col, &c) == 0);
		fuzz_check_cell(&c);
		if (c.width == 0)
			FUZZ_CHECK(col > 0 && prev.width == 2);
		if (prev.width == 2)
			FUZZ_CHECK(c.width == 0);
		prev = c;
	}
	FUZZ_CHECK(prev.width != 2);
	(void)vt_row_wrapped(vt, row);
}

/* Scrollback lines keep the width they were pushed with: cells only. */
static inline void fuzz_check_sb_row(const struct vt *vt, int row, int cols)
{
	for (int col = 0; col < cols; col++) {
		struct vt_cell c;

		FUZZ_CHECK(vt_get_cell(vt, row, col, &c) == 0);
		fuzz_check_cell(&c);
	}
	(void)vt_row_wrapped(vt, row);
}

static inline void fuzz_check_modes(const struct vt_modes *m)
{
	switch (m->mouse) {
	case VT_MOUSE_NONE:
	case VT_MOUSE_X10:
	case VT_MOUSE_NORMAL:
	case VT_MOUSE_BUTTON:
	case VT_MOUSE_ANY:
		break;
	default:
		FUZZ_CHECK(!"unknown mouse mode");
	}
	switch (m->mouse_encoding) {
	case VT_MOUSE_ENC_X10:
	case VT_MOUSE_ENC_UTF8:
	case VT_MOUSE_ENC_SGR:
	case VT_MOUSE_ENC_URXVT:
		break;
	default:
		FUZZ_CHECK(!"unknown mouse encoding");
	}
	FUZZ_CHECK(m->cursor_shape == VT_CURSOR_BLOCK ||
		   m->cursor_shape == VT_CURSOR_UNDERLINE ||
		   m->cursor_shape == VT_CURSOR_BAR);
}

/* Size as expected and cursor on the screen: cheap enough after every step. */
static inline void fuzz_check_cursor(const struct vt *vt, int rows, int cols)
{
	int r = -1, c = -1, row = -1, col = -1;

	vt_get_size(vt, &r, &c);
	FUZZ_CHECK(r == rows && c == cols);
	vt_get_cursor(vt, &row, &col);
	FUZZ_CHECK(0 <= row && row < rows);
	FUZZ_CHECK(0 <= col && col < cols);
}

/*
 * Everything readable is valid.  sb_limit is the scrollback length the
 * caller set; the newest and the oldest scrollback lines are read.
 */
static inline void fuzz_check_vt(const struct vt *vt, int rows, int cols, int sb_limit)
{
	struct vt_modes m;
	struct vt_cell c;

	fuzz_check_cursor(vt, rows, cols);
	vt_get_modes(vt, &m);
	fuzz_check_modes(&m);
	fuzz_check_title(vt_get_title(vt));

	for (int row = 0; row < rows; row++)
		fuzz_check_screen_row(vt, row, cols);

	int n = vt_scrollback_count(vt);
	FUZZ_CHECK(0 <= n && n <= sb_limit);
	for (int i = 1; i <= n && i <= FUZZ_SB_ROWS_READ; i++)
		fuzz_check_sb_row(vt, -i, cols);
	if (n > FUZZ_SB_ROWS_READ)
		fuzz_check_sb_row(vt, -n, cols);

	/* Just outside, in every direction. */
	FUZZ_CHECK(vt_get_cell(vt, rows, 0, &c) == -EINVAL);
	FUZZ_CHECK(vt_get_cell(vt, 0, cols, &c) == -EINVAL);
	FUZZ_CHECK(vt_get_cell(vt, 0, -1, &c) == -EINVAL);
	FUZZ_CHECK(vt_get_cell(vt, -n - 1, 0, &c) == -EINVAL);
	(void)vt_row_wrapped(vt, rows);
	(void)vt_row_wrapped(vt, -n - 1);
}

static inline bool fuzz_cell_eq(const struct vt_cell *a, const struct vt_cell *b)
{
	if (a->ch != b->ch || a->fg != b->fg || a->bg != b->bg ||
	    a->attrs != b->attrs || a->width != b->width)
		return false;
	for (int i = 0; i < VT_MAX_COMBINING; i++)
		if (a->comb[i] != b->comb[i])
			return false;
	return true;
}

static inline bool fuzz_modes_eq(const struct vt_modes *a, const struct vt_modes *b)
{
	return a->cursor_keys_app == b->cursor_keys_app &&
	       a->keypad_app == b->keypad_app && a->newline == b->newline &&
	       a->cursor_visible == b->cursor_visible &&
	       a->cursor_blink == b->cursor_blink &&
	       a->reverse_video == b->reverse_video &&
	       a->bracketed_paste == b->bracketed_paste &&
	       a->alt_screen == b->alt_screen &&
	       a->backarrow_bs == b->backarrow_bs &&
	       a->focus_events == b->focus_events &&
	       a->alt_sends_escape == b->alt_sends_escape &&
	       a->mouse == b->mouse && a->mouse_encoding == b->mouse_encoding &&
	       a->cursor_shape == b->cursor_shape;
}

static inline void fuzz_check_row_eq(const struct vt *a, const struct vt *b, int row, int cols)
{
	for (int col = 0; col < cols; col++) {
		struct vt_cell ca, cb;

		FUZZ_CHECK(vt_get_cell(a, row, col, &ca) == 0);
		FUZZ_CHECK(vt_get_cell(b, row, col, &cb) == 0);
		FUZZ_CHECK(fuzz_cell_eq(&ca, &cb));
	}
	FUZZ_CHECK(vt_row_wrapped(a, row) == vt_row_wrapped(b, row));
}

/* Two terminals of one size show the same thing, as far as the API tells. */
static inline void fuzz_check_same(const struct vt *a, const struct vt *b)
{
	int rows, cols, rb, cb, ra, ca, rb2, cb2;
	struct vt_modes ma, mb;

	vt_get_size(a, &rows, &cols);
	vt_get_size(b, &rb, &cb);
	FUZZ_CHECK(rows == rb && cols == cb);
	vt_get_cursor(a, &ra, &ca);
	vt_get_cursor(b, &rb2, &cb2);
	FUZZ_CHECK(ra == rb2 && ca == cb2);
	vt_get_modes(a, &ma);
	vt_get_modes(b, &mb);
	FUZZ_CHECK(fuzz_modes_eq(&ma, &mb));
	FUZZ_CHECK(strcmp(vt_get_title(a), vt_get_title(b)) == 0);

	for (int row = 0; row < rows; row++)
		fuzz_check_row_eq(a, b, row, cols);

	int n = vt_scrollback_count(a);
	FUZZ_CHECK(n == vt_scrollback_count(b));
	for (int i = 1; i <= n && i <= FUZZ_SB_ROWS_READ; i++)
		fuzz_check_row_eq(a, b, -i, cols);
	if (n > FUZZ_SB_ROWS_READ)
		fuzz_check_row_eq(a, b, -n, cols);
}

/* Whole state as bytes; NULL only when out of memory. */
static inline uint8_t *fuzz_save(const struct vt *vt, size_t *len)
{
	uint8_t *buf = NULL;
	int rc = vt_state_save(vt, &buf, len);

	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
	if (rc != 0)
		return NULL;
	FUZZ_CHECK(buf != NULL && *len > 0);
	return buf;
}

/*
 * Saves carry a CRC-32 of their payload, which random mutations almost never
 * get right, so the targets also load inputs with the header made to match:
 * that way the fuzzer reaches the field checks behind it.  The layout is
 * the one vt100/state.c documents: "VTST", u16 version, u16 reserved,
 * u32 payload length, u32 CRC-32 (IEEE) of the payload, payload; all
 * little-endian.  Anything else is left alone.
 */
#define FUZZ_STATE_HEADER 16

static inline uint32_t fuzz_crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	/* Bitwise: inputs are small and this keeps no table around. */
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static inline bool fuzz_fix_state_header(uint8_t *buf, size_t len)
{
	if (len < FUZZ_STATE_HEADER || memcmp(buf, "VTST", 4) != 0 ||
	    len - FUZZ_STATE_HEADER > UINT32_MAX)
		return false;

	uint32_t plen = (uint32_t)(len - FUZZ_STATE_HEADER);
	uint32_t crc = fuzz_crc32(buf + FUZZ_STATE_HEADER, plen);

	for (int i = 0; i < 4; i++) {
		buf[8 + i] = (uint8_t)(plen >> (8 * i));
		buf[12 + i] = (uint8_t)(crc >> (8 * i));
	}
	return true;
}

/*
 * A failed load must leave the terminal as it was: its saved bytes before
 * and after the attempt are the same.
 */
static inline int fuzz_load_checked(struct vt *vt, const uint8_t *buf, size_t len)
{
	size_t before_len = 0, after_len = 0;
	uint8_t *before = fuzz_save(vt, &before_len);
	int rc = vt_state_load(vt, buf, len);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc != 0 && before) {
		uint8_t *after = fuzz_save(vt, &after_len);

		if (after) {
			FUZZ_CHECK(before_len == after_len);
			FUZZ_CHECK(memcmp(before, after, before_len) == 0);
		}
		free(after);
	}
	free(before);
	return rc;
}

#endif
