/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "xenconsole/console.h"
#include "xenconsole/keys.h"

/* xenstored answers EAGAIN to a transaction that raced another write. */
#define RM_TRIES 8

void xencons_pid_key(const char *path, unsigned int domid, char *buf, size_t size)
{
	if (xencons_is_primary(path, domid))
		snprintf(buf, size, "/local/domain/%u/vncterm-pid", domid);
	else
		snprintf(buf, size, "%s/vncterm-pid", path);
}

int xencons_rm_if(struct xs_handle *xs, const char *key, const char *value)
{
	for (int i = 0; i < RM_TRIES; i++) {
		xs_transaction_t t = xs_transaction_start(xs);
		unsigned int len;
		bool ours;

		if (t == XBT_NULL)
			return -(errno ? errno : EIO);
		char *now = xs_read(xs, t, key, &len);

		ours = now && len == strlen(value) && !memcmp(now, value, len);
		free(now);
		if (ours && !xs_rm(xs, t, key)) {
			int e = errno ? errno : EIO;

			xs_transaction_end(xs, t, true);
			return -e;
		}
		if (xs_transaction_end(xs, t, false))
			return ours ? 1 : 0;
		if (errno != EAGAIN)
			return -(errno ? errno : EIO);
	}
	return -EAGAIN;
}
