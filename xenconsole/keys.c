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

void xencons_keys_init(struct xencons_keys *k, const char *path, unsigned int domid)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->path, sizeof(k->path), "%s", path);
	xencons_pid_key(path, domid, k->pid_key, sizeof(k->pid_key));
}

/* <path>/<name> = value, remembered in mine (for removal) once written. */
static int put(struct xs_handle *xs, const char *key, const char *value, char *mine,
	       size_t size)
{
	if (!xs || !xs_write(xs, XBT_NULL, key, value, (unsigned int)strlen(value)))
		return -(errno ? errno : EIO);
	snprintf(mine, size, "%s", value);
	return 0;
}

int xencons_keys_publish(struct xs_handle *xs, struct xencons_keys *k, unsigned int vnc_port,
			 unsigned int tc_port, const char *vnc_socket, long pid, char *err,
			 int errlen)
{
	char key[300], val[32];
	int e;

	if (vnc_port > 0) {
		snprintf(key, sizeof(key), "%s/vnc-port", k->path);
		snprintf(val, sizeof(val), "%u", vnc_port);
		if ((e = put(xs, key, val, k->vnc, sizeof(k->vnc))) < 0)
			goto fail;
	}
	if (vnc_socket) {
		snprintf(key, sizeof(key), "%s/vnc-socket", k->path);
		if (strlen(vnc_socket) >= sizeof(k->sock)) {
			e = -ENAMETOOLONG;
			goto fail;
		}
		if ((e = put(xs, key, vnc_socket, k->sock, sizeof(k->sock))) < 0)
			goto fail;
	}
	if (tc_port > 0) {
		snprintf(key, sizeof(key), "%s/tc-port", k->path);
		snprintf(val, sizeof(val), "%u", tc_port);
		if ((e = put(xs, key, val, k->tc, sizeof(k->tc))) < 0)
			goto fail;
	}
	snprintf(key, sizeof(key), "%s", k->pid_key);
	snprintf(val, sizeof(val), "%ld", pid);
	if ((e = put(xs, key, val, k->pid, sizeof(k->pid))) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, (size_t)errlen, "xenstore write %s: %s", key, strerror(-e));
	return e;
}

int xencons_keys_statefile(struct xs_handle *xs, struct xencons_keys *k, const char *file)
{
	char key[300];

	snprintf(key, sizeof(key), "%s/statefile", k->path);
	return put(xs, key, file, k->statefile, sizeof(k->statefile));
}

void xencons_keys_remove(struct xs_handle *xs, struct xencons_keys *k)
{
	static const char *const names[] = { "vnc-port", "tc-port", "vnc-socket", "statefile" };
	const char *values[] = { k->vnc, k->tc, k->sock, k->statefile };
	char key[300];

	if (!xs)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!values[i][0])
			continue;
		snprintf(key, sizeof(key), "%s/%s", k->path, names[i]);
		xencons_rm_if(xs, key, values[i]);
	}
	if (k->pid[0])
		xencons_rm_if(xs, k->pid_key, k->pid);
	k->vnc[0] = k->tc[0] = k->sock[0] = k->pid[0] = k->statefile[0] = '\0';
}

/* <path>/<name>'s value, if it is short and printable; else "". */
static void read_key(struct xs_handle *xs, const char *path, const char *name, char *buf,
		     size_t size)
{
	char key[300];
	unsigned int len = 0;

	snprintf(key, sizeof(key), "%s/%s", path, name);
	char *v = xs_read(xs, XBT_NULL, key, &len);

	buf[0] = '\0';
	if (v && len < size && strlen(v) == len && strspn(v, "/._-+:@0123456789abcdefghijklmnopqrstuvwxyz"
							    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == len)
		memcpy(buf, v, (size_t)len + 1);
	free(v);
}

void xencons_keys_hint(struct xs_handle *xs, const char *path, char *buf, size_t size)
{
	char sock[108], port[16];

	read_key(xs, path, "vnc-socket", sock, sizeof(sock));
	read_key(xs, path, "vnc-port", port, sizeof(port));
	if (sock[0] && port[0])
		snprintf(buf, size, "; vncterm serves it over VNC on the UNIX socket %s "
				    "(vncviewer %s) and on port %s", sock, sock, port);
	else if (sock[0])
		snprintf(buf, size, "; vncterm serves it over VNC on the UNIX socket %s "
				    "(vncviewer %s)", sock, sock);
	else if (port[0])
		snprintf(buf, size, "; vncterm serves it over VNC on port %s", port);
	else if (size)
		buf[0] = '\0';
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
