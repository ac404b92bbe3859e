/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the hostile viewer suites (check_hostile_*.c) share: a console
 * that echoes, libvncserver's read timeout, and the checks that a
 * misbehaving connection was closed and that the daemon still serves the
 * viewers that behave.  Failures end the test through Check.
 */
#ifndef TESTS_INTEGRATION_UTIL_HOSTILE_VIEWER_H
#define TESTS_INTEGRATION_UTIL_HOSTILE_VIEWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/integration/util_vncterm.h"

/* A console that shows what is typed (and pasted) as it comes. */
#define ECHO_CMD "stty raw -echo; printf ready; exec cat"
/* libvncserver gives up on a viewer's half-sent message after this (vnc.c's MAX_WAIT_MS). */
#define READ_WAIT_MS 2000

/*
 * Read and drop what arrives for up to ms; true once the server closed
 * the connection (end of file or reset).  *got counts the bytes, if given.
 */
bool closed_within(int fd, int ms, size_t *got);
/*
 * The daemon survived: alive, the viewer that was there all along still
 * types (key) and sees it, and a viewer connecting now sees the same.
 */
void assert_still_serving(struct vncterm *v, rfbClient *c, uint32_t key, const char *screen,
			  const char *what);

#endif
