/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VNC passwords come from files, never from the command line, where every
 * user of the host could read them in /proc/PID/cmdline.
 */
#ifndef VNCTERM_PASSWORD_H
#define VNCTERM_PASSWORD_H

/* VNC authentication (DES) uses the first 8 characters only. */
#define PASSWORD_MAX 8

/*
 * Read the password on the first line of path into out (PASSWORD_MAX + 1
 * bytes).  0, or -errno with one line in err saying what is wrong: the
 * file cannot be read, is readable by other users, or holds an empty or
 * over-long password.
 */
int password_read(const char *path, char *out, char *err, int errlen);

#endif
