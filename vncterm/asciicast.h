/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * asciicast v2 (asciinema's format), written as pure functions: a header
 * line, then one JSON array per line, [seconds, "o", data] for output and
 * [seconds, "r", "COLSxROWS"] for a resize, seconds counted from the
 * header's start.  `asciinema play` and `asciinema cat` read it.
 *
 * Output data is a JSON string, and so must be UTF-8 text; a guest's
 * bytes need not be.  They are decoded as the emulator decodes them
 * (vt100/utf8.h): an invalid byte or sequence becomes U+FFFD, counted as
 * the emulator counts it, and a sequence cut at the end of a read is held
 * until the read that completes it, so replaying the record draws the
 * screen the emulator drew.  Controls (U+0000-U+001F, DEL and the C1
 * range U+0080-U+009F) are written as \u00XX (BS, TAB, LF, FF and CR as \b,
 * \t, \n, \f and \r), '"' and '\' as \" and \\,
 * so that reading the file with cat cannot drive a terminal either.
 */
#ifndef VNCTERM_ASCIICAST_H
#define VNCTERM_ASCIICAST_H

#include <stddef.h>
#include <stdint.h>

#include "vt100/utf8.h"

/* An output event for n input bytes fits in this many bytes. */
#define ASCIICAST_EVENT_OUT(n) (6 * (size_t)(n) + 64)
/* A header (with a TERM of up to 64 bytes) or a resize event fits in this. */
#define ASCIICAST_LINE_MAX 512

/*
 * The header: cols x rows, the start's wall-clock time in seconds since
 * the epoch, and TERM (at most 64 bytes are kept).  Returns its length.
 */
size_t asciicast_header(char out[ASCIICAST_LINE_MAX], int cols, int rows, long long unix_time,
			const char *term);

/*
 * An "o" event at usec microseconds for n bytes of in, decoded with d
 * (zeroed at the start of the stream); out holds ASCIICAST_EVENT_OUT(n).
 * Returns its length, or 0 when the bytes complete no character (no event).
 */
size_t asciicast_output(struct vt_utf8 *d, uint64_t usec, const char *in, size_t n, char *out);

/* An "r" event: the terminal is now cols x rows.  Returns its length. */
size_t asciicast_resize(char out[ASCIICAST_LINE_MAX], uint64_t usec, int cols, int rows);

#endif
