/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "vncterm/options.h"
#include "vncterm/xen.h"
#include "xenconsole/console.h"
#include "xenconsole/keys.h"

struct xen {
	struct xs_handle *xs;
	struct xencons *cons;
	char path[256];     /* the console path */
	char pid_path[300]; /* xencons_pid_key() */
	char published_vnc[16], published_tc[16], published_pid[24]; /* what we wrote */
	bool published;
};

static int put(struct xen *x, const char *path, const char *value)
{
	if (!xs_write(x->xs, XBT_NULL, path, value, (unsigned int)strlen(value)))
		return -errno;
	return 0;
}

struct xen *xen_open(const struct options *o, bool console,
		     void (*log_at)(int level, const char *msg, void *user), void *user, char *err,
		     int errlen)
{
	struct xen *x = calloc(1, sizeof(*x));
	int domid = options_domid(o);

	if (!x) {
		snprintf(err, (size_t)errlen, "out of memory");
		return NULL;
	}
	options_console_path(o, x->path, sizeof(x->path));
	xencons_pid_key(x->path, (unsigned)domid, x->pid_path, sizeof(x->pid_path));
	x->xs = xs_open(0);
	if (!x->xs) {
		snprintf(err, (size_t)errlen,
			 "cannot connect to xenstore (xs_open: %s); is xenstored running, and are "
			 "we root?",
			 strerror(errno));
		free(x);
		return NULL;
	}
	if (console) {
		struct xencons_params p = {
			.domid = (unsigned int)domid,
			.path = x->path,
			.mode = o->domid >= 0 ? XENCONS_RING : XENCONS_PTY,
			.budget = o->event_budget,
			.claim_type = "vncterm",
			.log_at = log_at,
			.user = user,
		};

		x->cons = xencons_open(x->xs, &p, err, errlen);
		if (!x->cons) {
			xs_close(x->xs);
			free(x);
			return NULL;
		}
	}
	return x;
}

void xen_free(struct xen *x)
{
	if (!x)
		return;
	bool gone = x->cons && xencons_gone(x->cons);

	xencons_free(x->cons);
	/*
	 * Stale ports would send the host agent's viewers to whoever binds
	 * them next; but only what we wrote goes: a vncterm that replaced us
	 * may have written its own since.
	 */
	if (x->published && !gone) {
		char key[300];

		snprintf(key, sizeof(key), "%s/vnc-port", x->path);
		xencons_rm_if(x->xs, key, x->published_vnc);
		if (x->published_tc[0]) {
			snprintf(key, sizeof(key), "%s/tc-port", x->path);
			xencons_rm_if(x->xs, key, x->published_tc);
		}
		xencons_rm_if(x->xs, x->pid_path, x->published_pid);
	}
	xs_close(x->xs);
	free(x);
}

struct xencons *xen_console(struct xen *x)
{
	return x ? x->cons : NULL;
}

int xen_publish(struct xen *x, int vnc_port, int tc_port, char *err, int errlen)
{
	char key[300];
	int e;

	snprintf(key, sizeof(key), "%s/vnc-port", x->path);
	snprintf(x->published_vnc, sizeof(x->published_vnc), "%d", vnc_port);
	if ((e = put(x, key, x->published_vnc)) < 0)
		goto fail;
	if (tc_port > 0) {
		snprintf(key, sizeof(key), "%s/tc-port", x->path);
		snprintf(x->published_tc, sizeof(x->published_tc), "%d", tc_port);
		if ((e = put(x, key, x->published_tc)) < 0)
			goto fail;
	}
	snprintf(key, sizeof(key), "%s", x->pid_path);
	snprintf(x->published_pid, sizeof(x->published_pid), "%ld", (long)getpid());
	if ((e = put(x, key, x->published_pid)) < 0)
		goto fail;
	x->published = true;
	return 0;
fail:
	snprintf(err, (size_t)errlen, "xenstore write %s: %s", key, strerror(-e));
	return e;
}

int xen_record_statefile(struct xen *x, const char *abs_path)
{
	char key[300];

	snprintf(key, sizeof(key), "%s/statefile", x->path);
	return put(x, key, abs_path);
}
