/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vncterm/asciicast.h"
#include "vncterm/consolelog.h"

#define SLICE 8192 /* input bytes filtered at a time, on the stack */
/* Filtered bytes stamped at a time: the stamped output fits about as much as SLICE. */
#define STAMPED_SLICE (SLICE / (CONSOLELOG_STAMP_LEN + 1))

struct consolelog {
	int fd;          /* -1: no file */
	uint64_t max;
	uint64_t size;   /* the file's length, as far as we know */
	unsigned state;  /* consolelog_filter's */
	bool full;       /* the cap was reached: quiet until reopened */
	bool failed;     /* a write failed: quiet until reopened */
	bool stamps;     /* --log-timestamps */
	bool mid_line;   /* consolelog_stamp's */
	char mark[160];  /* the last line, at the cap: it depends on max alone */
	size_t mark_len;
	size_t reserve;  /* bytes kept free for the mark */
	/* a record (asciicast) */
	bool cast;
	struct vt_utf8 utf8;  /* carries a character cut between reads */
	int cols, rows;
	char term[65];
	uint64_t start_us;    /* the header's time, monotonic */
};

static uint64_t clock_us(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

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
	l->reserve = l->mark_len;
	return l;
}

struct consolelog *consolelog_new_cast(uint64_t max, int cols, int rows, const char *term)
{
	struct consolelog *l = consolelog_new(max);
	char ev[ASCIICAST_EVENT_OUT(sizeof(l->mark))];
	struct vt_utf8 d = { 0 };

	if (!l)
		return NULL;
	l->cast = true;
	l->cols = cols;
	l->rows = rows;
	snprintf(l->term, sizeof(l->term), "%s", term);
	/* Shown at the end of the replay: it begins and ends a line of its own. */
	l->mark_len = (size_t)snprintf(l->mark, sizeof(l->mark),
				       "\r\n[vncterm: console record full at %llu bytes; nothing "
				       "more is recorded until it is reopened]\r\n",
				       (unsigned long long)max);
	l->reserve = asciicast_output(&d, UINT64_MAX, l->mark, l->mark_len, ev);
	return l;
}

void consolelog_set_stamps(struct consolelog *l, bool on)
{
	l->stamps = on;
}

/* Open path; with fresh, a file with something in it is moved to path.1 first. */
int consolelog_open(const char *path, bool fresh, int *fd, uint64_t *size)
{
	struct stat st;

	for (int tries = 0;; tries++) {
		/* O_NONBLOCK: a FIFO put at the path must not hang the open. */
		int f = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
			     0640);
		char old[4200];

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
		if (!fresh || st.st_size == 0 || tries) {
			*fd = f;
			*size = (uint64_t)st.st_size;
			return 0;
		}
		close(f);
		if ((size_t)snprintf(old, sizeof(old), "%s.1", path) >= sizeof(old))
			return -ENAMETOOLONG;
		if (rename(path, old) < 0)
			return -errno;
	}
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

static int fail(struct consolelog *l, int e)
{
	l->failed = true;
	return e;
}

/* The line that ends a full file: a record's is an event, at the time it is written. */
static int put_mark(struct consolelog *l)
{
	char ev[ASCIICAST_EVENT_OUT(sizeof(l->mark))];
	struct vt_utf8 d = { 0 };
	size_t n = l->mark_len;
	const char *m = l->mark;
	int e;

	if (l->cast) {
		n = asciicast_output(&d, clock_us(CLOCK_MONOTONIC) - l->start_us, l->mark,
				     l->mark_len, ev);
		m = ev;
	}
	if (l->size + n <= l->max) {
		if ((e = write_all(l->fd, m, n)) < 0)
			return fail(l, e);
		l->size += n;
	}
	return 0;
}

/*
 * Append len bytes, keeping room for the mark.  What does not fit: with
 * whole, none of it (a record's event is whole or absent); else what fits.
 */
static uint64_t room(const struct consolelog *l)
{
	return l->max > l->size + l->reserve ? l->max - l->size - l->reserve : 0;
}

static int put(struct consolelog *l, const char *out, size_t len, bool whole)
{
	uint64_t fits = room(l);
	int e;

	if (len > fits) {
		if (whole)
			fits = 0;
		if (fits && (e = write_all(l->fd, out, (size_t)fits)) < 0)
			return fail(l, e);
		l->size += fits;
		if ((e = put_mark(l)) < 0)
			return e;
		l->full = true;
		return CONSOLELOG_FULL;
	}
	if ((e = write_all(l->fd, out, len)) < 0)
		return fail(l, e);
	l->size += len;
	return CONSOLELOG_OK;
}

/* Filtered text to the file, each line stamped with now when stamps are on. */
static int put_text(struct consolelog *l, const char *text, size_t len)
{
	char out[CONSOLELOG_STAMP_OUT(STAMPED_SLICE, CONSOLELOG_STAMP_LEN)];
	char stamp[CONSOLELOG_STAMP_LEN + 1];
	uint64_t us;
	int r = CONSOLELOG_OK;

	if (!l->stamps)
		return put(l, text, len, false);
	us = clock_us(CLOCK_REALTIME);
	consolelog_stamp_text(stamp, (long long)(us / 1000000), (int)(us / 1000 % 1000));
	for (size_t done = 0; done < len && r == CONSOLELOG_OK;) {
		size_t take = len - done < STAMPED_SLICE ? len - done : STAMPED_SLICE;
		size_t n = consolelog_stamp(&l->mid_line, stamp, CONSOLELOG_STAMP_LEN, text + done,
					    take, out);

		done += take;
		r = put(l, out, n, false);
	}
	return r;
}

static bool quiet(const struct consolelog *l)
{
	return l->fd < 0 || l->full || l->failed;
}

/* A lead byte held back at the end of a write is not lost when the file changes. */
static void flush_state(struct consolelog *l)
{
	char c = (char)l->state;

	if (l->state && !quiet(l))
		put_text(l, &c, 1);
	l->state = 0;
}

void consolelog_set_fd(struct consolelog *l, int fd, uint64_t size)
{
	char head[ASCIICAST_LINE_MAX];

	flush_state(l);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	l->size = size;
	l->full = false;
	l->failed = false;
	l->mid_line = false;
	if (l->cast && fd >= 0) {
		l->start_us = clock_us(CLOCK_MONOTONIC);
		put(l, head, asciicast_header(head, l->cols, l->rows, (long long)time(NULL), l->term),
		    true);
	}
}

int consolelog_resize(struct consolelog *l, int cols, int rows)
{
	char ev[ASCIICAST_LINE_MAX];

	if (!l->cast || (cols == l->cols && rows == l->rows))
		return CONSOLELOG_OK;
	l->cols = cols;
	l->rows = rows;
	if (quiet(l))
		return CONSOLELOG_OK;
	return put(l, ev, asciicast_resize(ev, clock_us(CLOCK_MONOTONIC) - l->start_us, cols, rows),
		   true);
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

/*
 * A record: one event per slice of a read, all at the read's time.  At
 * the cap, as the log keeps what fits, the event is cut to the bytes
 * whose event fits (halving), and the next one ends the record.
 */
static int write_cast(struct consolelog *l, const char *buf, size_t n)
{
	char out[ASCIICAST_EVENT_OUT(SLICE)];
	uint64_t t = clock_us(CLOCK_MONOTONIC) - l->start_us;
	int r = CONSOLELOG_OK;

	for (size_t done = 0; done < n && r == CONSOLELOG_OK;) {
		size_t take = n - done < SLICE ? n - done : SLICE;
		struct vt_utf8 before = l->utf8;
		size_t len = asciicast_output(&l->utf8, t, buf + done, take, out);

		while (len > room(l) && take > 1) {
			l->utf8 = before;
			take /= 2;
			len = asciicast_output(&l->utf8, t, buf + done, take, out);
		}

		done += take;
		if (len)
			r = put(l, out, len, true);
	}
	return r;
}

int consolelog_write(struct consolelog *l, const char *buf, size_t n)
{
	char out[CONSOLELOG_FILTER_OUT(SLICE)];
	int r = CONSOLELOG_OK;

	if (quiet(l))
		return CONSOLELOG_OK;
	if (l->cast)
		return write_cast(l, buf, n);
	for (size_t done = 0; done < n && r == CONSOLELOG_OK;) {
		size_t take = n - done < SLICE ? n - done : SLICE;
		size_t len = consolelog_filter(&l->state, buf + done, take, out);

		done += take;
		r = put_text(l, out, len);
	}
	return r;
}

size_t consolelog_stamp(bool *mid_line, const char *stamp, size_t stamp_len, const char *in,
			size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (!*mid_line) {
			memcpy(out + o, stamp, stamp_len);
			o += stamp_len;
		}
		out[o++] = in[i];
		*mid_line = in[i] != '\n';
	}
	return o;
}

void consolelog_stamp_text(char out[CONSOLELOG_STAMP_LEN + 1], long long sec, int msec)
{
	time_t t = (time_t)sec;
	struct tm tm = { 0 };
	char buf[96];

	/* Not strftime(): it may call tzset(), which opens zone files a sandbox has not. */
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, sizeof(buf), "[%04d-%02d-%02dT%02d:%02d:%02d.%03dZ] ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, msec % 1000);
	memcpy(out, buf, CONSOLELOG_STAMP_LEN); /* bounded fields: exactly that long */
	out[CONSOLELOG_STAMP_LEN] = '\0';
}
