/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading back the PNGs vncterm/png.c writes (8-bit RGB, filter 0). */
#ifndef TESTS_VNCTERM_UTIL_PNG_H
#define TESTS_VNCTERM_UTIL_PNG_H

#include <stdint.h>

/* Pixels as 0x00RRGGBB in *px (caller frees); 0 or -errno. */
int png_read(const char *path, uint32_t **px, int *w, int *h);

#endif
