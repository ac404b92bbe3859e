/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Viewer policy: --idle-timeout, and the desktop name each viewer is
 * shown.
 *
 * Idle means no KeyEvent and no PointerEvent (motion counts: someone is
 * at the viewer) since the handshake; update requests, encodings and the
 * clipboard do not count, as viewers send them unattended.  A view-only
 * viewer's keys and pointer count too: they type nothing, but show that
 * someone watches.
 *
 * The warning: the framebuffer is every viewer's, so nothing is drawn in
 * it.  The idle viewer alone gets an RFB Bell and a desktop name (its
 * window title; noVNC's status line) saying it will be disconnected and
 * how to stay; any key or pointer event takes the warning back.  A viewer
 * without the DesktopName pseudo-encoding gets the bell only.
 * View-only viewers' names say so, from ServerInit on and across the
 * console's title changes.
 */
#include <stdio.h>
#include <string.h>

#include "vncterm/log.h"
#include "vncterm/vnc_internal.h"

/* The warning comes this long before the end, or at half of a short timeout. */
#define WARN_MS 10000

/* When the warning is due: WARN_MS before the end, or halfway for a short timeout. */
static long long warn_at(const struct conn *c, long long idle_since)
{
	int idle = c->vnc->idle_ms;

	return idle_since + (idle > 2 * WARN_MS ? idle - WARN_MS : idle / 2);
}

void policy_input(struct conn *c)
{
	c->input_at = vnc_now_ms();
	if (c->idle_warned) {
		c->idle_warned = false;
		c->name_fresh = c->wants_name; /* the usual name back */
	}
}

long long policy_idle(struct conn *c, long long now)
{
	int idle = c->vnc->idle_ms;

	if (!idle || !c->cl || c->cl->state != RFB_NORMAL || !c->audit.connected)
		return -1;
	long long since = c->input_at ? c->input_at : c->connected_at;

	if (now - since >= idle) {
		viewer_close(c, LOG_INFO, "sent no key or pointer event for %d s: disconnected "
					  "(--idle-timeout)", idle / 1000);
		return -1;
	}
	if (!c->idle_warned && now >= warn_at(c, since)) {
		c->idle_warned = true;
		c->idle_ring = true;
		c->name_fresh = c->wants_name;
		return now; /* sent in this round: the loop must not sleep on it */
	}
	return c->idle_warned ? since + idle : warn_at(c, since);
}

const char *policy_name(const struct conn *c, char *buf, size_t size)
{
	const char *title = c->vnc->title;
	bool view_only = c->cl && c->cl->viewOnly;

	if (c->idle_warned) {
		long long since = c->input_at ? c->input_at : c->connected_at;
		long long left = (since + c->vnc->idle_ms - vnc_now_ms() + 999) / 1000;

		snprintf(buf, size, "[idle: disconnecting in %lld s; press a key to stay] %s%s",
			 left > 0 ? left : 0, title, view_only ? " (view only)" : "");
	} else {
		snprintf(buf, size, "%s%s", title, view_only ? " (view only)" : "");
	}
	return buf;
}
