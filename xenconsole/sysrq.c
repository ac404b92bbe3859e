/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "xenconsole/sysrq.h"

/* xenstored answers EAGAIN to a transaction that raced another write (the guest's ack). */
#define SEND_TRIES 8

/* Linux's table (drivers/tty/sysrq.c, as sysrq.rst lists it); NULL: no command. */
static const char *const letters[26] = {
	[1] = "reboot",          [2] = "crash",          [3] = "show held locks",
	[4] = "terminate all",   [5] = "OOM kill",       [6] = "kgdb",
	[7] = "help",            [8] = "kill all",       [9] = "thaw filesystems",
	[10] = "SAK",            [11] = "backtrace all CPUs", [12] = "show memory",
	[13] = "nice RT tasks",  [14] = "power off",     [15] = "show registers",
	[16] = "show timers",    [17] = "unraw keyboard", [18] = "sync",
	[19] = "show tasks",     [20] = "remount read-only", [21] = "restore framebuffer",
	[22] = "show blocked tasks", [23] = "xmon/PMU/TLB dump", [24] = "show CPU registers",
	[25] = "dump ftrace buffer",
};

const char *xencons_sysrq_name(int key)
{
	if (key >= '0' && key <= '9')
		return "console log level";
	if (key == 'R')
		return "replay kernel log";
	return key >= 'a' && key <= 'z' ? letters[key - 'a'] : NULL;
}

bool xencons_sysrq_valid(int key)
{
	return xencons_sysrq_name(key) != NULL;
}

/* One try: 1 if written, 0 if the transaction must be retried, -errno. */
static int try_send(struct xs_handle *xs, const char *dir, const char *path, char key,
		    char *pending)
{
	xs_transaction_t t = xs_transaction_start(xs);
	unsigned int len;
	char *now;
	int e;

	if (t == XBT_NULL)
		return -(errno ? errno : EIO);
	now = xs_read(xs, t, dir, &len);
	if (!now) {
		xs_transaction_end(xs, t, true);
		return -ENOENT;
	}
	free(now);
	/* The guest acknowledges with "" (its "%c" of '\0'); absent is as good. */
	now = xs_read(xs, t, path, &len);
	if (now && len > 0 && now[0] != '\0') {
		*pending = now[0];
		free(now);
		xs_transaction_end(xs, t, true);
		return -EBUSY;
	}
	free(now);
	if (!xs_write(xs, t, path, &key, 1)) {
		e = errno ? errno : EIO;
		xs_transaction_end(xs, t, true);
		return -e;
	}
	if (xs_transaction_end(xs, t, false))
		return 1;
	return errno == EAGAIN ? 0 : -(errno ? errno : EIO);
}

int xencons_sysrq_send(struct xs_handle *xs, unsigned int domid, char key, char *pending)
{
	char dir[64], path[80];

	if (!xencons_sysrq_valid((unsigned char)key))
		return -EINVAL;
	if (!xs)
		return -ENOTCONN;
	snprintf(dir, sizeof(dir), "/local/domain/%u/control", domid);
	snprintf(path, sizeof(path), "%s/sysrq", dir);
	for (int i = 0; i < SEND_TRIES; i++) {
		int r = try_send(xs, dir, path, key, pending);

		if (r != 0)
			return r < 0 ? r : 0;
	}
	return -EAGAIN;
}

void xencons_sysrq_error(int e, unsigned int domid, char key, char pending, char *buf,
			 size_t size)
{
	if (e == -EBUSY)
		snprintf(buf, size,
			 "SysRq '%c' not sent to domain %u: it has not taken SysRq '%c' yet "
			 "(/local/domain/%u/control/sysrq still holds it; a hung guest or one "
			 "without the PV driver never will)",
			 key, domid, pending, domid);
	else if (e == -ENOENT)
		snprintf(buf, size,
			 "SysRq '%c' not sent to domain %u: /local/domain/%u/control is missing "
			 "(the domain is gone, or its toolstack made no control directory)",
			 key, domid, domid);
	else
		snprintf(buf, size, "SysRq '%c' not sent to domain %u: xenstore write of "
			 "/local/domain/%u/control/sysrq: %s", key, domid, domid, strerror(-e));
}
