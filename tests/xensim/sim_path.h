/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "$XENSIM_DIR/<fmt>": the one path rule that the shim (libxensim.so) and
 * the guest's side (util_xensim.c) must agree on, so it lives here once.
 */
#ifndef TESTS_XENSIM_SIM_PATH_H
#define TESTS_XENSIM_SIM_PATH_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* 0, -ENOENT without $XENSIM_DIR, or -ENAMETOOLONG. */
static inline int xensim_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int xensim_path(char *buf, size_t size, const char *fmt, ...)
{
	const char *dir = getenv("XENSIM_DIR");
	va_list ap;

	if (!dir || !*dir)
		return -ENOENT;
	int n = snprintf(buf, size, "%s/", dir);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	return m < 0 || (size_t)m >= size - (size_t)n ? -ENAMETOOLONG : 0;
}

#endif
