/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Clipboard text turned into what a keyboard would type. */
#ifndef VNCTERM_PASTE_H
#define VNCTERM_PASTE_H

#include <stdbool.h>
#include <stddef.h>

#define PASTE_MARKERS 12 /* room for ESC[200~ and ESC[201~ */

/*
 * Write the typing for text into out (room for len + PASTE_MARKERS bytes):
 * CR LF and LF become CR, other C0 controls and DEL are dropped, and so
 * are C1 controls: U+0080-U+009F (C2 80-9F) and any byte 80-9F that does
 * not continue a UTF-8 sequence (so a paste cannot end bracketed paste
 * early or send escape sequences, in 7 bits or 8).  With bracketed the
 * result is wrapped in ESC[200~ ... ESC[201~.
 * Returns the length written (0 if nothing is left to type).
 */
size_t paste_encode(const char *text, size_t len, bool bracketed, char *out);

#endif
