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
#include "xenconsole/sysrq.h"

struct xen {
	struct xs_handle *xs;
	struct xencons *cons;
	char path[256];     /* the console path */
	int domid;
	struct xencons_keys keys; /* what this process wrote */
};

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
	x->domid = domid;
	xencons_keys_init(&x->keys, x->path, (unsigned)domid);
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
	/*
	 * Stale ports would send the host agent's viewers to whoever binds
	 * them next; but only what we wrote goes: a vncterm that replaced us
	 * may have written its own since.  Keys before the lock, as the
	 * monitor does.
	 */
	xencons_keys_remove(x->xs, &x->keys);
	xencons_free(x->cons);
	xs_close(x->xs);
	free(x);
}

struct xencons *xen_console(struct xen *x)
{
	return x ? x->cons : NULL;
}

int xen_publish(struct xen *x, int vnc_port, int tc_port, char *err, int errlen)
{
	return xencons_keys_publish(x->xs, &x->keys, (unsigned)vnc_port,
				    tc_port > 0 ? (unsigned)tc_port : 0, (long)getpid(), err, errlen);
}

int xen_record_statefile(struct xen *x, const char *abs_path)
{
	return xencons_keys_statefile(x->xs, &x->keys, abs_path);
}

int xen_sysrq(struct xen *x, char key, char *pending)
{
	return x->domid < 0 ? -EINVAL : xencons_sysrq_send(x->xs, (unsigned)x->domid, key, pending);
}
