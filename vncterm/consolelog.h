/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The console log (--log-file): every byte the console source delivers,
 * appended to a file before the emulator sees it, so that frames the
 * renderer skips under a flood are still in the log.
 *
 * The log is for people reading it with cat, less or grep: ESC and the
 * other C0 controls except TAB, LF, CR and BS are written in caret
 * notation (ESC as "^["), DEL as "^?", and C1 controls encoded in UTF-8
 * (U+0080-U+009F) as their 7-bit equivalents ("^[[" for CSI), so no guest
 * can drive the reader's terminal.  Other bytes are written as they came.
 *
 * The file is opened with O_APPEND (another writer, or a rotation, loses
 * nothing of ours) and capped: once it holds max bytes it gets one last
 * line saying so and nothing more until it is reopened (SIGHUP, after
 * logrotate moved it away).  Opening is separate from writing because a
 * sandboxed worker cannot open files: the privileged monitor opens it and
 * hands over the fd.
 *
 * With stamps (--log-timestamps) each line starts with the time its first
 * byte was read, "[2026-01-31T23:59:59.123Z] ": ISO 8601 in UTC, which a
 * sandboxed worker can compute without the zone files its chroot lacks.
 *
 * The same file handling serves the console record (--record): an
 * asciicast (asciicast.h) of the raw output, with a header when a file is
 * adopted, one event per write and an "r" event per resize.  A record is
 * never appended to another (a player reads one header per file): it is
 * opened "fresh", a file with something in it being moved to FILE.1
 * first.  At the cap a record keeps what fits in whole lines (an event
 * is cut to the bytes whose event fits), the last one the event saying
 * it is full, which the player shows.
 */
#ifndef VNCTERM_CONSOLELOG_H
#define VNCTERM_CONSOLELOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLELOG_DEFAULT_MAX ((uint64_t)64 << 20)
#define CONSOLELOG_MIN_MAX ((uint64_t)4 << 10)
#define CONSOLELOG_MAX_MAX ((uint64_t)64 << 30)

/* What consolelog_write() reports, once per event. */
enum {
	CONSOLELOG_OK = 0,
	CONSOLELOG_FULL = 1, /* the cap was reached by this write: nothing more until reopened */
};

struct consolelog;

/* A log capped at max bytes (CONSOLELOG_MIN_MAX to CONSOLELOG_MAX_MAX), with no file yet. */
struct consolelog *consolelog_new(uint64_t max);
/* A record (asciicast) of a cols x rows terminal whose TERM is term; likewise. */
struct consolelog *consolelog_new_cast(uint64_t max, int cols, int rows, const char *term);
/* A log's lines start with the time from now on. */
void consolelog_set_stamps(struct consolelog *l, bool on);
void consolelog_free(struct consolelog *l);

/*
 * Open path for appending (created 0640 if missing).  Only a regular file
 * is accepted: a FIFO or a device would block or misbehave.  With fresh,
 * a file that is not empty is first renamed to path.1 (replacing it).  On
 * success *fd is the new descriptor (close-on-exec) and *size the file's
 * length.  0 or -errno (-EINVAL: not a regular file).
 */
int consolelog_open(const char *path, bool fresh, int *fd, uint64_t *size);
/* What consolelog_open()'s error e means, for a message. */
const char *consolelog_error(int e);

/*
 * Use fd (now owned by the log), a file already size bytes long, from
 * here on; the previous one is closed and the cap counts afresh.  A
 * record's header is written: its times count from now.
 */
void consolelog_set_fd(struct consolelog *l, int fd, uint64_t size);

/* A record: the terminal is now cols x rows (an "r" event).  As consolelog_write(). */
int consolelog_resize(struct consolelog *l, int cols, int rows);

/*
 * Append n console bytes, filtered.  CONSOLELOG_OK, CONSOLELOG_FULL when
 * this write reached the cap, or -errno when writing failed (the log then
 * stays quiet until the next consolelog_set_fd): each is reported once.
 */
int consolelog_write(struct consolelog *l, const char *buf, size_t n);

/*
 * The filter alone: n bytes of in to out, which must hold
 * CONSOLELOG_FILTER_OUT(n) bytes; returns the bytes written.  *state
 * carries a UTF-8 lead byte across calls (start with 0).
 */
#define CONSOLELOG_FILTER_OUT(n) (3 * (n) + 3)
size_t consolelog_filter(unsigned *state, const char *in, size_t n, char *out);

/*
 * The stamps alone: n bytes of in to out, stamp (stamp_len bytes) put
 * before each line's first byte; *mid_line says whether the last byte
 * written ended a line (start with false).  out must hold
 * CONSOLELOG_STAMP_OUT(n, stamp_len) bytes; returns the bytes written.
 */
#define CONSOLELOG_STAMP_LEN 27 /* "[2026-01-31T23:59:59.123Z] " */
#define CONSOLELOG_STAMP_OUT(n, stamp_len) ((n) * ((stamp_len) + 1))
size_t consolelog_stamp(bool *mid_line, const char *stamp, size_t stamp_len, const char *in,
			size_t n, char *out);
/* The stamp for unix time sec.msec, CONSOLELOG_STAMP_LEN bytes and a NUL. */
void consolelog_stamp_text(char out[CONSOLELOG_STAMP_LEN + 1], long long sec, int msec);

#endif
