/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The body of struct vt and the functions the library's files share.
 * Not installed; nothing outside vt100/ includes it (but the state tests).
 */
#ifndef VT100_VT_INTERNAL_H
#define VT100_VT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "parser.h"
#include "vt100.h"

#define VT_TITLE_MAX 1024 /* bytes kept of an OSC title */

/* The current rendition: what a printed or erased cell takes on. */
struct pen {
	uint32_t fg, bg;
	uint16_t attrs;
};

/* One screen line.  Rows move as a whole when the screen scrolls. */
struct row {
	struct vt_cell *cells;
	uint64_t id; /* vt_line_id(): renewed by every change to the cells */
	uint16_t dirty_start, dirty_end; /* damaged cells [start, end) */
	bool wrapped;                    /* soft-wrapped into the next row */
	/*
	 * Cells [used, cols) are all the blank of the default background,
	 * { .width = 1 }: what the scrollback trims and a scroll need not
	 * clear.  Every change to cells [start, end) (screen_damage_row)
	 * raises it to end at least.
	 */
	uint16_t used;
	/*
	 * Every cell in [0, used) was printed by the ASCII path in plain_pen
	 * (cleared by every screen_damage_row(), set again by that path):
	 * the scrollback stores such a row without comparing its cells.
	 */
	bool plain;
	struct pen plain_pen;
};

/* What DECSC saves and DECRC restores. */
struct saved_cursor {
	int row, col;
	bool pending_wrap;
	bool origin;
	struct pen pen;
	uint8_t charset[4];
	uint8_t gl;
};

/* A screen buffer: the main one or the alternate one. */
struct grid {
	struct row *rows;
	struct saved_cursor saved;
};

/* One scrollback line as scrollback_line() finds it (see scrollback.c). */
struct sb_line {
	const uint8_t *chars; /* len characters of 1 << cshift bytes */
	const uint8_t *runs;  /* then the runs, then the combining marks */
	uint64_t id;          /* the screen row's, as it left the screen */
	uint16_t len;         /* cells; trailing blanks are not stored */
	uint8_t cshift;
	bool wrapped;
	bool marks;           /* some cell has combining marks */
};

/* The lines that scrolled off the top of the main screen. */
struct sb_block;
struct sb_scratch;

struct scrollback {
	struct sb_block **blocks;   /* oldest first; lines packed in each */
	struct sb_scratch *scratch; /* encoding space, see scrollback.c */
	int nblocks, blocks_cap;
	int cap, count;
	uint64_t next_seq; /* the number the next line pushed gets */
};

/* A scroll not yet reported through vt_damage_flush(). */
struct pending_scroll {
	int top, bottom, count; /* count 0: none */
};

struct vt {
	int rows, cols;
	struct grid grid[2]; /* 0: main, 1: alternate */
	int active;

	/* cursor */
	int row, col;
	bool pending_wrap; /* a char went into the last column; wrap is due */
	struct pen pen;
	uint8_t charset[4]; /* G0..G3: 'B' ASCII, '0' DEC graphics, 'A' UK */
	uint8_t gl;         /* which of G0..G3 is invoked into GL */

	int top, bottom; /* scroll region, rows [top, bottom) */
	/*
	 * DECSLRM margins, columns [left, right): the whole width unless
	 * DECLRMM (mode 69, lr_mode) is set, which also makes CSI s DECSLRM.
	 */
	int left, right;
	bool lr_mode;
	uint8_t *tabs;   /* cols entries: 1 at a tab stop */

	bool autowrap;  /* DECAWM */
	bool origin;    /* DECOM */
	bool insert;    /* IRM */
	struct vt_modes modes;

	uint32_t last_char; /* for REP; 0 if none since the last control */

	struct scrollback sb;
	struct vt_text_marks marks; /* following text: see vt_line_id() */
	struct pending_scroll scroll;
	bool all_dirty;

	char title[VT_TITLE_MAX + 1];

	/* Colours as OSC 4/10/11 left them (palette.c). */
	uint32_t palette[256];
	uint32_t default_fg, default_bg;
	unsigned palette_serial; /* bumped on every change */

	struct vt_callbacks cb;
	void *user;
	int cell_w, cell_h; /* a cell in pixels, for XTWINOPS: the daemon's, not state */
	struct parser parser;
};

/* screen.c (cursor.c for the cursor): cell-level operations, each keeping damage up to date. */
int screen_alloc_grid(struct grid *g, int rows, int cols);
void screen_free_grid(struct grid *g, int rows);
void screen_reset(struct vt *vt);
void screen_print_ascii(struct vt *vt, const uint8_t *s, size_t n);
void screen_print(struct vt *vt, const uint32_t *cp, size_t n);
void screen_repeat(struct vt *vt, uint32_t cp, int n);
void screen_erase_cells(struct vt *vt, int row, int start, int end);
void screen_erase_rows(struct vt *vt, int start, int end);
void screen_scroll_up(struct vt *vt, int top, int bottom, int n);
void screen_scroll_down(struct vt *vt, int top, int bottom, int n);
void screen_insert_cells(struct vt *vt, int n);
void screen_insert_lines(struct vt *vt, int n);
void screen_delete_lines(struct vt *vt, int n);
void screen_delete_cells(struct vt *vt, int n);
void screen_shift_cells(struct vt *vt, int r, int col, int end, int n);
/* Row r of the screen shown (the main or the alternate grid). */
static inline struct row *row_at(struct vt *vt, int r)
{
	return &vt->grid[vt->active].rows[r];
}

/* Cells from the cursor on moved right by n inside the margins (ICH, insert mode). */
void screen_shift_right(struct vt *vt, int n);
/* The wide character at or across column c of row r erased (both its cells). */
void screen_unwide(struct vt *vt, int r, int c);
void screen_split_wide(struct vt *vt, int r, int c);
void screen_index(struct vt *vt);
void screen_reverse_index(struct vt *vt);
void screen_set_cursor(struct vt *vt, int row, int col);
void screen_linefeed(struct vt *vt);
void screen_tab(struct vt *vt, int n);
void screen_backtab(struct vt *vt, int n);
void screen_alignment(struct vt *vt);
/* altscreen.c: grid[1]'s rows are NULL until the alternate screen is first used. */
void screen_set_alt(struct vt *vt, bool alt, bool clear);
/* Make grid[1] (blank) if it is not there: 0 or -ENOMEM. */
int screen_alt_alloc(struct vt *vt);
/* Give grid[1] back if it is not shown and holds nothing but blanks. */
void screen_alt_drop_if_blank(struct vt *vt);
void screen_save_cursor(struct vt *vt);
void screen_restore_cursor(struct vt *vt);
/* Cells of row changed: damage, and a new line id. */
void screen_damage_row(struct vt *vt, int row, int start, int end);
/* New ids for every row of both screens, in a new text epoch (resize, load). */
void screen_renumber(struct vt *vt);
void screen_damage_all(struct vt *vt);
void screen_clear_scrollback(struct vt *vt);
struct vt_cell screen_blank(const struct vt *vt);
int screen_resize(struct vt *vt, int rows, int cols);

/* scrollback.c */
int scrollback_init(struct scrollback *sb, int cap);
void scrollback_free(struct scrollback *sb);
/* plain: the pen of every cell (a row's plain_pen), or NULL if not known. */
void scrollback_push(struct scrollback *sb, const struct vt_cell *cells, int cols, bool wrapped,
		     uint64_t id, const struct pen *plain);
void scrollback_clear(struct scrollback *sb);
/* i: 0 newest .. count-1 oldest; false if there is no such line. */
bool scrollback_line(const struct scrollback *sb, int i, struct sb_line *line);
/* Cell col of a line; blank beyond its stored length. */
void scrollback_cell(const struct sb_line *l, int col, struct vt_cell *cell);

/* dispatch.c: ESC, CSI, OSC and control handlers. */
extern const struct parser_callbacks dispatch_callbacks;
void dispatch_reply(struct vt *vt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* sgr.c */
void sgr_apply(struct vt *vt, const struct parser_seq *seq);
/* The longest sgr_params() string, with its NUL: every flag, two RGB colours. */
#define SGR_PARAMS_MAX 64
enum sgr_form {
	SGR_DECRQSS, /* as xterm's DECRQSS answers: "0;1;38:5:200" */
	SGR_REPLAY,  /* for another terminal to replay: "0;1;38;5;200" */
};
/* The SGR parameters that make pen from a reset, NUL-terminated; returns the length. */
size_t sgr_params(const struct pen *pen, enum sgr_form form, char *buf, size_t size);

/* palette.c */
void palette_reset(struct vt *vt);
bool palette_is_default(const struct vt *vt);
/* OSC num's arguments (after "num;"); false if num is not a colour OSC. */
bool palette_osc(struct vt *vt, int num, const char *args, size_t len);
/* The Linux console's ESC ] P nrrggbb and ESC ] R. */
void palette_linux(struct vt *vt, const char *s, size_t len);

/* report.c: DCS strings (DECRQSS). */
void report_dcs(const struct parser_seq *s, const char *str, size_t len, void *user);

/* protect.c: the CSI handlers of DECSCA, DECSED and DECSEL. */
void protect_decsca(struct vt *vt, const struct parser_seq *s);
void protect_decsed(struct vt *vt, const struct parser_seq *s);
void protect_decsel(struct vt *vt, const struct parser_seq *s);

/* margins.c: the left and right margins (DECSLRM, DECLRMM). */
void margins_reset(struct vt *vt);
void margins_set_mode(struct vt *vt, bool on);
int margins_set(struct vt *vt, int left, int right);
bool margins_partial(const struct vt *vt);
void margins_scroll(struct vt *vt, int n);
void margins_scroll_rect(struct vt *vt, int top, int bottom, int n);
void margins_columns(struct vt *vt, int col, int n);
void margins_back_index(struct vt *vt);
void margins_forward_index(struct vt *vt);

/* The cursor is between the left and right margins (always so without them). */
static inline bool margins_col_inside(const struct vt *vt)
{
	return vt->col >= vt->left && vt->col < vt->right;
}

/* Where text from the cursor wraps: the right margin, or beyond it the edge. */
static inline int margins_edge(const struct vt *vt)
{
	return vt->col < vt->right ? vt->right : vt->cols;
}

/* Where CR goes: xterm's left margin, unless the cursor is left of it. */
static inline int margins_cr_col(const struct vt *vt)
{
	return vt->origin || vt->col >= vt->left ? vt->left : 0;
}

/* How far left BS and CUB go: the left margin, unless already left of it. */
static inline int margins_left_limit(const struct vt *vt)
{
	return vt->col >= vt->left ? vt->left : 0;
}

/* modes.c */
void modes_set(struct vt *vt, const struct parser_seq *seq, bool on);
void modes_request(struct vt *vt, const struct parser_seq *seq);
void modes_reset(struct vt *vt);

#endif
