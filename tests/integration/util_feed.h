/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A daemon whose console prints what the test writes, when it writes it:
 * its command is cat reading a fifo, on a raw pty (bytes reach the
 * emulator as written).
 */
#ifndef TESTS_INTEGRATION_UTIL_FEED_H
#define TESTS_INTEGRATION_UTIL_FEED_H

#include <stddef.h>

#include "tests/integration/util_vncterm.h"

struct feed {
	struct vncterm *v;
	int fd;        /* the fifo's write end */
	char path[64];
};

/* Start vncterm on 127.0.0.1:display with geometry ("COLSxROWS"), or fail. */
void feed_start(struct feed *f, int display, const char *geometry);
/* Write len bytes to the console, or fail. */
void feed_write(struct feed *f, const void *buf, size_t len);
void feed_puts(struct feed *f, const char *s);
/* Stop the daemon (it must still run) and remove the fifo. */
void feed_stop(struct feed *f);

#endif
