/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the hostile guest suites (check_hostile_guest*.c) share: a guest
 * paced by go files the test creates, growable strings for its scripts
 * and the bytes expected, and the checks that the daemon's memory stays
 * bounded and that a viewer shows what a fresh terminal would.  Failures
 * end the test through Check.
 */
#ifndef TESTS_INTEGRATION_UTIL_HOSTILE_GUEST_H
#define TESTS_INTEGRATION_UTIL_HOSTILE_GUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/* What the daemon may use, whatever the guest sends (VmHWM: the peak). */
#define MEM_LIMIT_KB (100 * 1024)

/* With VNCTERM_TEST_FIGURES set, what was measured goes to stderr. */
void hg_figure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The daemon is up and has never held more than MEM_LIMIT_KB. */
void assert_bounded(struct vncterm *v, const char *what);
/* A fresh directory for the guest's go files and whatever it writes. */
void hg_make_dir(char *dir, size_t size);
void hg_remove_dir(const char *dir);
/* Let the guest go past its step n. */
void hg_go(const char *dir, int n);
/* The shell's wait for go file n. */
void hg_wait_go(char *buf, size_t size, const char *dir, int n);

/* A growable string for building guest scripts and expected bytes. */
struct buf {
	char *p;
	size_t len, cap;
};

void buf_addn(struct buf *b, const char *s, size_t n);
void buf_add(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Wait up to ms for the viewer to show, on a rows x cols screen, len bytes' screen. */
bool hg_shows(rfbClient *c, int rows, int cols, const char *bytes, size_t len, int ms);
/* The desktop name a viewer connecting now is given. */
void assert_title(const struct vncterm *v, const char *want, const char *what);

#endif
