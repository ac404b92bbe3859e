/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vt100 -- a bounded terminal emulator library with no I/O of its own.
 *
 * Bytes go in through vt_write(); the screen (cells, cursor, modes,
 * scrollback) is read back through copy-out getters; what changed since the
 * last flush is reported by vt_damage_flush(); whatever the terminal must
 * send back to the program (DA/DSR replies) leaves through the output
 * callback.  Nothing here touches a file descriptor.
 *
 * Ownership: the caller of vt_new() calls vt_free().  Pointers handed to
 * callbacks are borrowed for the duration of that call only.
 * Errors: functions that can fail return 0 or a negative errno.
 */
#ifndef VT100_VT100_H
#define VT100_VT100_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vt;

/* Colours are packed in 32 bits: the top byte says which kind. */
#define VT_COLOR_DEFAULT 0u
#define VT_COLOR_KIND(c) ((uint32_t)(c) >> 24)
#define VT_COLOR_KIND_DEFAULT 0u
#define VT_COLOR_KIND_INDEX 1u /* low byte: palette index 0-255 */
#define VT_COLOR_KIND_RGB 2u   /* low 24 bits: 0xRRGGBB */
#define VT_COLOR_INDEX(i) ((VT_COLOR_KIND_INDEX << 24) | ((uint32_t)(i) & 0xffu))
/*
 * On an index 0-7: set by SGR 30-37, which bold shows bright (xterm's
 * boldColors, the Linux console), unlike the same index from 38;5;N.
 */
#define VT_COLOR_SGR_ANSI (1u << 8)
#define VT_COLOR_ANSI(i) (VT_COLOR_INDEX(i) | VT_COLOR_SGR_ANSI)
#define VT_COLOR_RGB(r, g, b)                                                   \
	((VT_COLOR_KIND_RGB << 24) | (((uint32_t)(r) & 0xffu) << 16) |          \
	 (((uint32_t)(g) & 0xffu) << 8) | ((uint32_t)(b) & 0xffu))

/* Cell attribute flags. */
enum {
	VT_ATTR_BOLD = 1u << 0,
	VT_ATTR_FAINT = 1u << 1,
	VT_ATTR_ITALIC = 1u << 2,
	VT_ATTR_UNDERLINE = 1u << 3,
	VT_ATTR_BLINK = 1u << 4,
	VT_ATTR_REVERSE = 1u << 5,
	VT_ATTR_INVISIBLE = 1u << 6,
	VT_ATTR_STRIKE = 1u << 7,
	/*
	 * DECSCA: spared by the selective erases (DECSED, DECSEL).  Not a
	 * rendition: renderers ignore it, and SGR 0 does not clear it.
	 */
	VT_ATTR_PROTECTED = 1u << 8,
};

/* At most this many combining marks are kept per cell; more are dropped. */
#define VT_MAX_COMBINING 2

struct vt_cell {
	uint32_t ch; /* code point; 0 = no character (erased) */
	uint32_t comb[VT_MAX_COMBINING]; /* combining marks, 0-terminated */
	uint32_t fg, bg;                 /* packed colours, see above */
	uint16_t attrs;                  /* VT_ATTR_* */
	uint8_t width; /* 1; 2 for the head of a wide char; 0 for its tail */
	uint8_t pad_;
};

enum vt_mouse_mode {
	VT_MOUSE_NONE = 0,
	VT_MOUSE_X10 = 9,      /* press only */
	VT_MOUSE_NORMAL = 1000, /* press and release */
	VT_MOUSE_BUTTON = 1002, /* plus motion with a button down */
	VT_MOUSE_ANY = 1003,    /* plus all motion */
};

enum vt_mouse_encoding {
	VT_MOUSE_ENC_X10 = 0,
	VT_MOUSE_ENC_UTF8 = 1005,
	VT_MOUSE_ENC_SGR = 1006,
	VT_MOUSE_ENC_URXVT = 1015,
};

enum vt_cursor_shape {
	VT_CURSOR_BLOCK = 0,
	VT_CURSOR_UNDERLINE = 1,
	VT_CURSOR_BAR = 2,
};

/* Modes the daemon needs to act on (keys, paste, mouse, rendering). */
struct vt_modes {
	bool cursor_keys_app;  /* DECCKM */
	bool keypad_app;       /* DECKPAM/DECKPNM */
	bool newline;          /* LNM: Return sends CR LF */
	bool cursor_visible;   /* DECTCEM */
	bool cursor_blink;
	bool reverse_video;    /* DECSCNM */
	bool bracketed_paste;  /* 2004 */
	bool alt_screen;       /* the alternate screen is active */
	bool backarrow_bs;     /* DECBKM set: Backspace sends BS, not DEL */
	bool focus_events;     /* 1004 */
	bool alt_sends_escape; /* 1036, default on */
	enum vt_mouse_mode mouse;
	enum vt_mouse_encoding mouse_encoding;
	enum vt_cursor_shape cursor_shape;
};

struct vt_callbacks {
	/* Bytes the terminal sends back (DA, DSR, CPR, DECRQM replies). */
	void (*output)(const char *buf, size_t len, void *user);
	/* OSC 0/2 title, NUL-terminated, sanitised of control bytes. */
	void (*title)(const char *title, void *user);
	void (*bell)(void *user);
};

struct vt_damage_callbacks {
	/*
	 * Rows top..bottom-1 moved up by count rows (down if count < 0): the
	 * renderer may copy pixels instead of repainting.  Reported before any
	 * span, and spans are in post-scroll coordinates.
	 */
	void (*scroll)(int top, int bottom, int count, void *user);
	/* Cells [start, end) of row changed. */
	void (*span)(int row, int start, int end, void *user);
};

#define VT_DEFAULT_SCROLLBACK 10000
#define VT_MAX_ROWS 1000
#define VT_MAX_COLS 1000

/* NULL on bad size (errno EINVAL) or out of memory (ENOMEM). */
struct vt *vt_new(int rows, int cols, const struct vt_callbacks *cb, void *user);
void vt_free(struct vt *vt);

/* Lines of scrollback kept (0 disables); default VT_DEFAULT_SCROLLBACK. */
int vt_set_scrollback(struct vt *vt, int lines);

/*
 * The size of a character cell in pixels, as the daemon draws it: what
 * XTWINOPS 14 and 16 report.  Default 8x16.  0, or -EINVAL for a size
 * outside 1..255 (unchanged then).
 */
int vt_set_cell_pixels(struct vt *vt, int width, int height);

/* Feed bytes from the program.  Never fails; every input is bounded. */
void vt_write(struct vt *vt, const void *buf, size_t len);

/* Change the size (no reflow).  0 or -EINVAL / -ENOMEM (state unchanged). */
int vt_resize(struct vt *vt, int rows, int cols);

void vt_get_size(const struct vt *vt, int *rows, int *cols);
/* Cursor position, 0-based; col is cols-1 while a wrap is pending. */
void vt_get_cursor(const struct vt *vt, int *row, int *col);
void vt_get_modes(const struct vt *vt, struct vt_modes *modes);
/* The current title, NUL-terminated ("" if none); borrowed until next write. */
const char *vt_get_title(const struct vt *vt);

/*
 * Copy out one cell.  row 0..rows-1 is the active screen; row -1 is the
 * newest scrollback line, down to -vt_scrollback_count().  Cells beyond a
 * scrollback line's stored length read as blank.  0 or -EINVAL.
 */
int vt_get_cell(const struct vt *vt, int row, int col, struct vt_cell *cell);
int vt_scrollback_count(const struct vt *vt);
/* True if the line at row (as in vt_get_cell) was soft-wrapped into the next. */
bool vt_row_wrapped(const struct vt *vt, int row);

/*
 * Following text as it moves (a frontend's selection).  Every line, on the
 * screen or in the scrollback, has an id that it keeps while its cells are
 * unchanged, wherever scrolling takes it; any change to its cells (printing,
 * erasing, inserting, deleting, a scroll clearing it) gives it a new id,
 * higher than any before.  Scrollback lines never change.  Ids mean
 * something only within one epoch: the epoch changes when text is
 * replaced wholesale (RIS, CSI 3 J, a resize, a state load, a new
 * scrollback size).
 */
struct vt_text_marks {
	uint64_t epoch;
	uint64_t scrolled; /* lines pushed into the scrollback in this epoch */
	uint64_t last_id;  /* the highest id given: higher ones are later changes */
};

void vt_get_text_marks(const struct vt *vt, struct vt_text_marks *marks);
/* The id of the line at row (as in vt_get_cell), 0 if there is none. */
uint64_t vt_line_id(const struct vt *vt, int row);

/*
 * The 0xRRGGBB a packed colour shows as: the palette and default colours
 * as the program left them (OSC 4, 10, 11 and their resets).  foreground
 * chooses which default VT_COLOR_DEFAULT means.
 */
uint32_t vt_color_rgb(const struct vt *vt, uint32_t color, bool foreground);
/*
 * Changes whenever a colour above does: cells keep their packed colours
 * while what they show changes, so a renderer that skips unchanged cells
 * repaints everything when this differs from what it last saw.
 */
unsigned vt_palette_serial(const struct vt *vt);

/* Report and clear damage since the last flush. */
void vt_damage_flush(struct vt *vt, const struct vt_damage_callbacks *cb, void *user);
/* Mark everything damaged (e.g. after a renderer lost its framebuffer). */
void vt_damage_all(struct vt *vt);

/*
 * Save the whole state (screen, alternate screen, scrollback, cursor,
 * modes, charsets, title) into a versioned, checksummed byte buffer the
 * caller frees with free().  0 or -ENOMEM.
 */
int vt_state_save(const struct vt *vt, uint8_t **buf, size_t *len);
/*
 * Replace the state of vt with a saved one.  The buffer is untrusted: any
 * corruption or truncation gives -EINVAL (or -ENOMEM) and leaves vt as it
 * was.  A saved state of another size is loaded and resized to vt's size.
 */
int vt_state_load(struct vt *vt, const uint8_t *buf, size_t len);

/*
 * Write cp as UTF-8 into out (1-4 bytes; surrogates and values beyond
 * U+10FFFF as U+FFFD) and return how many bytes.
 */
size_t vt_utf8_encode(uint32_t cp, char out[4]);

/*
 * The visible screen (cells, cursor position and visibility, title) as the
 * bytes that make a fresh terminal of the same size show it.  The caller
 * frees *out with free().  0 or -ENOMEM.
 */
int vt_serialize(const struct vt *vt, char **out, size_t *len);

#endif
