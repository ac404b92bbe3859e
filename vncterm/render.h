/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renderer: the emulator's cells become a 32-bit framebuffer (0x00RRGGBB,
 * 8x16 pixels a cell times the scale), repainting only what changed.  Knows nothing of
 * VNC: changes are reported through callbacks, a scroll as a pixel move
 * the VNC layer can send as CopyRect.
 */
#ifndef VNCTERM_RENDER_H
#define VNCTERM_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "vt100/vt100.h"

/* A cell at scale 1, the font's size; every pixel of it is scale x scale. */
#define RENDER_CELL_W 8
#define RENDER_CELL_H 16
#define RENDER_MAX_SCALE 3

struct render;

struct render_callbacks {
	/*
	 * The rectangle (x, y, w, h) now holds the pixels that were at
	 * (x - dx, y - dy): send it as CopyRect.  Reported before damage.
	 */
	void (*copy)(int x, int y, int w, int h, int dx, int dy, void *user);
	/* The pixels of the rectangle changed. */
	void (*damage)(int x, int y, int w, int h, void *user);
};

/*
 * A black framebuffer for rows x cols cells, each RENDER_CELL_W x
 * RENDER_CELL_H font pixels drawn as scale x scale (1 to RENDER_MAX_SCALE);
 * NULL with errno on failure.
 */
struct render *render_new(int rows, int cols, int scale);
void render_free(struct render *r);

/* A cell's size in framebuffer pixels (the scale applied). */
void render_cell_size(const struct render *r, int *width, int *height);

/* The pixels, width x height, rows packed (stride = width). */
uint32_t *render_pixels(const struct render *r, int *width, int *height);

/* New size in cells: a new black framebuffer, repainted by the next update. */
/*
 * Whether anyone sees the framebuffer (a viewer is connected).  Hidden,
 * nothing is drawn, no blink asks for a timer, and the pages of the
 * framebuffer and the shadow are given back (they read as zero); shown
 * again, the next render_update() draws everything.  A new renderer is
 * shown.  True when this call showed it.
 */
bool render_set_shown(struct render *r, bool shown);

int render_resize(struct render *r, int rows, int cols);

/*
 * Bring the framebuffer up to date with vt: consumes vt's damage, repaints
 * changed cells and the cursor.  The cost is bounded by the screen size.
 */
void render_update(struct render *r, struct vt *vt, const struct render_callbacks *cb,
		   void *user);

/*
 * Show the screen scrolled back by lines (0: the live screen), clamped to
 * the scrollback the emulator holds.  Returns the offset in effect.
 */
int render_set_view(struct render *r, const struct vt *vt, int lines);
int render_get_view(const struct render *r);

/*
 * Show cells from (row0, col0) to (row1, col1) inclusive, in reading order
 * and in the emulator's row numbering (negative: scrollback), in reverse
 * video as a selection; active false removes it.  Repainted by the next
 * update.
 */
void render_set_highlight(struct render *r, bool active, int row0, int col0, int row1, int col1);

/*
 * True while something blinks on screen: a blinking cell, or a blinking
 * cursor (DECSCUSR 0/odd, mode 12) drawn on the live screen.  Only then is
 * a timer needed: not for a steady, hidden or scrolled-back cursor.
 */
bool render_blinking(const struct render *r);
/* Flip every blink phase (text, and the cursor's) now and repaint. */
void render_blink(struct render *r, const struct vt *vt, const struct render_callbacks *cb,
		  void *user);
/*
 * When, in ms of the caller's monotonic clock now, the next blink phase
 * change is due; -1 if nothing blinks.  What started blinking since the
 * last call (or was redrawn: a moved cursor starts shown) is scheduled from
 * now.  The cursor shows 600 ms and hides 300 ms, text 500 and 500.
 */
long long render_blink_due(struct render *r, long long now);
/* Flip the phases due by now, repaint them, and schedule the next. */
void render_blink_at(struct render *r, const struct vt *vt, long long now,
		     const struct render_callbacks *cb, void *user);

#endif
