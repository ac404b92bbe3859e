/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test data found by file name, for the table-of-files suites. */
#ifndef TESTS_COMMON_UTIL_FILES_H
#define TESTS_COMMON_UTIL_FILES_H

/*
 * The names in dir ending in suffix, without it, sorted; at most max.
 * Returns how many; the caller frees them with free_names().
 */
int list_names(const char *dir, const char *suffix, char **names, int max);
void free_names(char **names, int n);

#endif
