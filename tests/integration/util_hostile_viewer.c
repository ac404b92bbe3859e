/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "tests/integration/util_hostile_viewer.h"

bool closed_within(int fd, int ms, size_t *got)
{
	int64_t deadline = now_ms() + ms;
	char buf[65536];

	for (int64_t left; (left = deadline - now_ms()) > 0;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, (int)left) <= 0)
			continue;
		ssize_t k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
			return true;
		if (k > 0 && got)
			*got += (size_t)k;
	}
	return false;
}

void assert_still_serving(struct vncterm *v, rfbClient *c, uint32_t key, const char *screen,
			  const char *what)
{
	ck_assert_msg(vncterm_alive(v), "%s: vncterm died", what);
	ck_assert_msg(vnc_key(c, key), "%s: the viewer's connection broke", what);
	assert_screen(c, 4, 20, screen, 5000);
	rfbClient *fresh = vnc_connect("127.0.0.1", v->port);

	ck_assert_msg(fresh != NULL, "%s: a new viewer cannot connect", what);
	assert_screen(fresh, 4, 20, screen, 5000);
	vnc_disconnect(fresh);
}
