/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/util_hostile_guest.h"

void hg_figure(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("VNCTERM_TEST_FIGURES"))
		return;
	fputs("hostile_guest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void assert_bounded(struct vncterm *v, const char *what)
{
	ck_assert_msg(vncterm_alive(v), "%s: vncterm died", what);
	long rss = status_kb(v->pid, "VmRSS"), hwm = status_kb(v->pid, "VmHWM");

	hg_figure("%s: VmRSS %ld KiB, VmHWM %ld KiB", what, rss, hwm);
	ck_assert_msg(hwm < MEM_LIMIT_KB, "%s: vncterm's peak RSS is %ld KiB (limit %d)", what,
		      hwm, MEM_LIMIT_KB);
}

void hg_make_dir(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/vncterm-guest-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

void hg_remove_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

void hg_go(const char *dir, int n)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/go%d", dir, n);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

void hg_wait_go(char *buf, size_t size, const char *dir, int n)
{
	snprintf(buf, size, "while [ ! -e %s/go%d ]; do sleep 0.01; done; ", dir, n);
}

void buf_addn(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void buf_add(struct buf *b, const char *s)
{
	buf_addn(b, s, strlen(s));
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof(tmp));
	buf_addn(b, tmp, (size_t)n);
}

bool hg_shows(rfbClient *c, int rows, int cols, const char *bytes, size_t len, int ms)
{
	int w, h;
	uint32_t *want = expected_pixels(rows, cols, bytes, len, 0, &w, &h);
	bool ok;

	ck_assert_ptr_nonnull(want);
	ok = wait_for_screen(c, want, w, h, now_ms() + ms);
	free(want);
	return ok;
}

void assert_title(const struct vncterm *v, const char *want, const char *what)
{
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_ptr_nonnull(c->desktopName);
	ck_assert_msg(!strcmp(c->desktopName, want),
		      "%s: the desktop name is \"%.40s\" (%zu bytes), want \"%.40s\" (%zu bytes)", what,
		      c->desktopName, strlen(c->desktopName), want, strlen(want));
	vnc_disconnect(c);
}
