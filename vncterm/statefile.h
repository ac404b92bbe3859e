/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The statefile: the console's state on disk, for suspend, resume and migration. */
#ifndef VNCTERM_STATEFILE_H
#define VNCTERM_STATEFILE_H

#include "vt100/vt100.h"
#include "xenconsole/keys.h" /* XENCONS_STATE_FILE: the name the host agent expects */

#define STATEFILE_NAME XENCONS_STATE_FILE
#define STATEFILE_MAX (256u << 20) /* larger files are refused unread */

/* Write vt's state to path atomically (temporary file, fsync, rename).  0 or -errno. */
int statefile_save(const struct vt *vt, const char *path);

/* Write a saved state's bytes to path the same way.  0 or -errno. */
int statefile_write(const char *path, const uint8_t *buf, size_t len);

/* Load path into vt.  0, or -errno (-EINVAL: corrupt; vt is then unchanged). */
int statefile_load(struct vt *vt, const char *path);

#endif
