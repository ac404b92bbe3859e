/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PNG output of a framebuffer, for vtdump --png and screenshots in tests. */
#ifndef VNCTERM_PNG_H
#define VNCTERM_PNG_H

#include <stdint.h>

/* Write w x h pixels (0x00RRGGBB, packed rows) as an RGB PNG.  0 or -errno. */
int png_write(const char *path, const uint32_t *px, int w, int h);

#endif
