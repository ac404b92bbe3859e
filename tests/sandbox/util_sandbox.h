/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the sandbox and monitor tests share. */
#ifndef TESTS_SANDBOX_UTIL_SANDBOX_H
#define TESTS_SANDBOX_UTIL_SANDBOX_H

#include <sys/types.h>

/* vncterm_base's uid; fails the test unless run as root with the user installed. */
uid_t sandbox_base_uid(void);

#endif
