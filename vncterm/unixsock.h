/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --unix PATH: the VNC listener on a UNIX socket, which no other process
 * can take over the way a freed TCP port can be (another VM's console
 * binding it after a crash).  Made by root before the worker is
 * sandboxed (the monitor makes it and hands it over), owned by whoever
 * made it, mode 0600; removed at exit only while it is still the one made
 * here.
 */
#ifndef VNCTERM_UNIXSOCK_H
#define VNCTERM_UNIXSOCK_H

#include <stdbool.h>
#include <sys/types.h>

/* Which file the socket is, to remove that one and no other. */
struct unixsock_id {
	dev_t dev;
	ino_t ino;
	bool made;
};

/*
 * Listen on the UNIX socket at path (absolute), nonblocking and
 * close-on-exec, mode 0600.  A socket already there that nobody listens
 * on (left by a killed vncterm) is replaced; one that is listened on, or
 * any other kind of file, is refused.  The fd, or -errno with a message
 * in err saying what to do.
 */
int unixsock_open(const char *path, struct unixsock_id *id, char *err, int errlen);

/* Remove path if it is still the socket id names (a later vncterm's is left alone). */
void unixsock_remove(const char *path, struct unixsock_id *id);

#endif
