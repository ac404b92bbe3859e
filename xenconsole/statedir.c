/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A statefile directory's removal, apart from the keys so that vncterm's
 * sandbox (and its probe, which links sandbox.o alone) needs no xenstore.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xenconsole/keys.h"

int xencons_state_dir_remove(const char *dir)
{
	char path[300];
	struct stat st;

	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0)
		return -EPERM;
	snprintf(path, sizeof(path), "%s/%s", dir, XENCONS_STATE_FILE);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.tmp", dir, XENCONS_STATE_FILE);
	unlink(path);
	return rmdir(dir) < 0 ? -errno : 0;
}
