/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/util_feed.h"

void feed_start(struct feed *f, int display, const char *geometry)
{
	char listen[32], cmd[128];

	snprintf(f->path, sizeof(f->path), "/tmp/vncterm-feed-%d-%d", (int)getpid(), display);
	unlink(f->path);
	ck_assert_int_eq(mkfifo(f->path, 0600), 0);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", display);
	snprintf(cmd, sizeof(cmd), "stty raw -echo; exec cat %s", f->path);
	const char *const args[] = { "-v", listen, "--geometry", geometry, "-c", "/bin/sh", "-c",
				     cmd, NULL };

	f->v = start_daemon(args, display);
	/* Non-blocking, so that a cat that never came would fail the test, not hang it. */
	int64_t deadline = now_ms() + 5000;

	while ((f->fd = open(f->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0 &&
	       errno == ENXIO && now_ms() < deadline)
		sleep_ms(10);
	ck_assert_msg(f->fd >= 0, "cat never opened %s: %s", f->path, strerror(errno));
	ck_assert_int_eq(fcntl(f->fd, F_SETFL, 0), 0); /* writes block from now on */
}

void feed_write(struct feed *f, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(f->fd, p, len);

		ck_assert_msg(n > 0 || errno == EINTR, "writing the console: %s", strerror(errno));
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		}
	}
}

void feed_puts(struct feed *f, const char *s)
{
	feed_write(f, s, strlen(s));
}

void feed_stop(struct feed *f)
{
	stop_daemon(f->v); /* first: cat ending would end vncterm */
	close(f->fd);
	unlink(f->path);
}
