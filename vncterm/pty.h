/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Console sources on a pty: a command run on a new one, or an existing one. */
#ifndef VNCTERM_PTY_H
#define VNCTERM_PTY_H

#include <sys/types.h>

/*
 * Run argv (argv[0] looked up in PATH) on a new pty of rows x cols with
 * TERM set to term, in a new session.  On success *master is the
 * non-blocking, close-on-exec master and *pid the child.  0 or -errno.
 */
int pty_spawn(char *const argv[], const char *term, int rows, int cols, int *master, pid_t *pid);

/* Open an existing pty (e.g. /dev/pts/N) raw and non-blocking.  0 or -errno. */
int pty_open(const char *path, int *fd);

/* Tell the pty (and so its foreground process group) its new size. */
int pty_resize(int fd, int rows, int cols);

#endif
