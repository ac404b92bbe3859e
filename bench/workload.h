/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark workloads: deterministic byte streams, each aimed at one path
 * of a terminal emulator (printing, scrolling, SGR, cursor motion, wide
 * and combining characters), so that a slow figure points at its cause.
 *
 * Every stream is a pure function of its kind and size: the generator
 * carries its own PRNG with a fixed seed, so two emulators (or two runs a
 * month apart) are fed exactly the same bytes.
 */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <stddef.h>

/*
 * The screen the streams are written for: the scrolling region and the
 * random cursor positions assume it, and "filling a screen" means this.
 */
#define WL_ROWS 25
#define WL_COLS 80

enum workload_kind {
	WL_ASCII,    /* plain text in long lines that wrap */
	WL_SCROLL,   /* short CRLF lines scrolling the whole screen */
	WL_REGION,   /* lines scrolling inside the region CSI 5;20 r */
	WL_CELLS,    /* every cell its own 256-colour fg/bg SGR, screen after screen */
	WL_CURSOR,   /* CUP to random places, then a character or two */
	WL_CJK,      /* wide CJK mixed with Latin carrying combining marks */
	WL_SGR_TEXT, /* coloured words (bold, 256-colour, truecolour), CRLF lines */
	WL_COUNT
};

/* A short name for tables and the command line ("ascii", "scroll", ...). */
const char *workload_name(enum workload_kind kind);

/*
 * Generate the stream of one kind: at least `size` bytes, ending after a
 * complete character or sequence (so slightly more than `size`).  Returns
 * a buffer the caller frees with free() and sets *len; NULL if out of
 * memory or kind is out of range.
 */
char *workload_generate(enum workload_kind kind, size_t size, size_t *len);

#endif
