/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <pwd.h>
#include <unistd.h>

#include "tests/sandbox/util_sandbox.h"
#include "vncterm/sandbox.h"

uid_t sandbox_base_uid(void)
{
	struct passwd *pw = getpwnam(SANDBOX_USER);

	ck_assert_msg(geteuid() == 0, "the sandbox tests run as root (as CI does)");
	ck_assert_msg(pw != NULL, "user %s is missing: make install-user", SANDBOX_USER);
	return pw->pw_uid;
}
