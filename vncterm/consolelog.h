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
 */
#ifndef VNCTERM_CONSOLELOG_H
#define VNCTERM_CONSOLELOG_H

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
void consolelog_free(struct consolelog *l);

/*
 * Open path for appending (created 0640 if missing).  Only a regular file
 * is accepted: a FIFO or a device would block or misbehave.  On success
 * *fd is the new descriptor (close-on-exec) and *size the file's length.
 * 0 or -errno (-EINVAL: not a regular file).
 */
int consolelog_open(const char *path, int *fd, uint64_t *size);
/* What consolelog_open()'s error e means, for a message. */
const char *consolelog_error(int e);

/*
 * Use fd (now owned by the log), a file already size bytes long, from
 * here on; the previous one is closed and the cap counts afresh.
 */
void consolelog_set_fd(struct consolelog *l, int fd, uint64_t size);

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

#endif
