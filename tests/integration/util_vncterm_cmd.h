/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the daemon's end-to-end suites (check_vncterm*.c) have their
 * commands print: the shell's spelling inside printf '...' and the bytes
 * it comes out as, for the expected screen.
 */
#ifndef TESTS_INTEGRATION_UTIL_VNCTERM_CMD_H
#define TESTS_INTEGRATION_UTIL_VNCTERM_CMD_H

/* Hide the cursor: the expected screen then needs no cursor position. */
#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/* A command that keeps the pty open, quietly, until vncterm closes it. */
#define IDLE "exec cat >/dev/null"

#endif
