/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's messages: to stderr ("vncterm: <message>") or to syslog
 * (facility daemon), filtered by --log-level (0 errors, 1 warnings,
 * 2 events, 3 debug).  The levels are syslog's own.
 */
#ifndef VNCTERM_LOG_H
#define VNCTERM_LOG_H

#include <stdbool.h>
#include <syslog.h>

enum log_target {
	LOG_TO_STDERR,
	LOG_TO_SYSLOG,
};

/* --log-level 0..3 as a syslog level: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG. */
int log_level_of(int option_level);

/*
 * Start logging.  For syslog the socket to /dev/log is connected here
 * (LOG_NDELAY): the sandbox's chroot leaves no /dev/log to connect to
 * later, and its seccomp filter allows only sending on a socket that
 * already exists.  0 or -errno.
 */
int log_open(enum log_target target, int option_level, const char *ident);
/*
 * In a child after a fork that closed every fd (the sandbox's worker):
 * connect again, before anything else can be given the old fd's number.
 */
void log_reopen(void);
/*
 * SIGUSR2: debug messages on, or (when on) back to the level log_open()
 * set.  Returns whether they are on now.
 */
bool log_toggle_debug(void);
/* Whether a message at level would be written. */
bool log_enabled(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * A viewer's audit line (audit.c): written from --log-level 1, the
 * default, on, at syslog's LOG_NOTICE (an event, not a warning).
 */
void log_audit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
