/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vncterm/consolelog.h"

#define SLICE 8192 /* input bytes filtered at a time, on the stack */

struct consolelog {
	int fd;          /* -1: no file */
	uint64_t max;
	uint64_t size;   /* the file's length, as far as we know */
	unsigned state;  /* consolelog_filter's */
	bool full;       /* the cap was reached: quiet until reopened */
	bool failed;     /* a write failed: quiet until reopened */
	char mark[160];  /* the last line, at the cap: it depends on max alone */
	size_t mark_len;
};

struct consolelog *consolelog_new(uint64_t max)
{
	struct consolelog *l;

	if (max < CONSOLELOG_MIN_MAX || max > CONSOLELOG_MAX_MAX) {
		errno = EINVAL;
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->fd = -1;
	l->max = max;
	l->mark_len = (size_t)snprintf(l->mark, sizeof(l->mark),
				       "\n[vncterm: console log full at %llu bytes; nothing more is "
				       "logged until it is reopened]\n",
				       (unsigned long long)max);
	return l;
}

int consolelog_open(const char *path, int *fd, uint64_t *size)
{
	struct stat st;
	/* O_NONBLOCK: a FIFO put at the path must not hang the open. */
	int f = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0640);

	if (f < 0)
		return -errno;
	if (fstat(f, &st) < 0) {
		int e = errno;

		close(f);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(f);
		return -EINVAL;
	}
	*fd = f;
	*size = (uint64_t)st.st_size;
	return 0;
}

const char *consolelog_error(int e)
{
	/* ENXIO: a FIFO with no reader, refused by the non-blocking open. */
	return e == -EINVAL || e == -ENXIO ? "not a regular file" : strerror(-e);
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A lead byte held back at the end of a write is not lost when the file changes. */
static void flush_state(struct consolelog *l)
{
	char c = (char)l->state;

	if (l->state && l->fd >= 0 && !l->full && !l->failed && l->size < l->max &&
	    write_all(l->fd, &c, 1) == 0)
		l->size++;
	l->state = 0;
}

void consolelog_set_fd(struct consolelog *l, int fd, uint64_t size)
{
	flush_state(l);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	l->size = size;
	l->full = false;
	l->failed = false;
}

void consolelog_free(struct consolelog *l)
{
	if (!l)
		return;
	flush_state(l);
	if (l->fd >= 0)
		close(l->fd);
	free(l);
}

size_t consolelog_filter(unsigned *state, const char *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)in[i];

		if (*state) {
			*state = 0;
			if (b >= 0x80 && b <= 0x9f) {
				/* U+0080-U+009F: a C1 control, as ESC and its 7-bit final. */
				out[o++] = '^';
				out[o++] = '[';
				out[o++] = (char)(b - 0x40);
				continue;
			}
			out[o++] = (char)0xc2;
		}
		if (b == 0xc2) {
			*state = b;
		} else if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\b') ||
			   b == 0x7f) {
			out[o++] = '^';
			out[o++] = b == 0x7f ? '?' : (char)(b + 0x40);
		} else {
			out[o++] = (char)b;
		}
	}
	return o;
}

static int fail(struct consolelog *l, int e)
{
	l->failed = true;
	return e;
}

int consolelog_write(struct consolelog *l, const char *buf, size_t n)
{
	char out[CONSOLELOG_FILTER_OUT(SLICE)];
	uint64_t mlen = l->mark_len;
	int e;

	if (l->fd < 0 || l->full || l->failed)
		return CONSOLELOG_OK;

	for (size_t done = 0; done < n;) {
		size_t take = n - done < SLICE ? n - done : SLICE;
		size_t len = consolelog_filter(&l->state, buf + done, take, out);
		uint64_t room = l->max > l->size + mlen ? l->max - l->size - mlen : 0;

		done += take;
		if (len > room) {
			/* What fits, then the line that says why the rest is missing. */
			if (room && (e = write_all(l->fd, out, (size_t)room)) < 0)
				return fail(l, e);
			l->size += room;
			if (l->size + mlen <= l->max) {
				if ((e = write_all(l->fd, l->mark, l->mark_len)) < 0)
					return fail(l, e);
				l->size += mlen;
			}
			l->full = true;
			return CONSOLELOG_FULL;
		}
		if ((e = write_all(l->fd, out, len)) < 0)
			return fail(l, e);
		l->size += len;
	}
	return CONSOLELOG_OK;
}
