/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "vncterm/log.h"

/*
 * The one piece of mutable state outside struct vncterm: where messages
 * go is a property of the process, as syslog's own connection (openlog())
 * is, and messages come from every layer (vnc.c, the monitor, callbacks
 * of the Xen code) that should not each carry a handle to say one line.
 */
static struct {
	enum log_target target;
	int level;          /* the highest syslog level written */
	int opened_level;   /* log_open()'s, for SIGUSR2 to go back to */
	char ident[32];     /* openlog() keeps the pointer: it must live on */
} logger = { LOG_TO_STDERR, LOG_WARNING, LOG_WARNING, "vncterm" };

int log_level_of(int option_level)
{
	static const int map[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	if (option_level < 0)
		option_level = 0;
	if (option_level > 3)
		option_level = 3;
	return map[option_level];
}

int log_open(enum log_target target, int option_level, const char *ident)
{
	logger.target = target;
	logger.level = logger.opened_level = log_level_of(option_level);
	snprintf(logger.ident, sizeof(logger.ident), "%s", ident ? ident : "vncterm");
	if (target == LOG_TO_SYSLOG)
		openlog(logger.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	return 0;
}

void log_reopen(void)
{
	if (logger.target != LOG_TO_SYSLOG)
		return;
	closelog();
	openlog(logger.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool log_toggle_debug(void)
{
	if (logger.level == LOG_DEBUG) {
		/* Started at debug: off means warnings, the default. */
		logger.level = logger.opened_level == LOG_DEBUG ? LOG_WARNING : logger.opened_level;
		return false;
	}
	logger.level = LOG_DEBUG;
	return true;
}

bool log_enabled(int level)
{
	return level <= logger.level;
}

/* One line at syslog priority prio, if shown is set. */
static void vlog(bool shown, int prio, const char *fmt, va_list ap)
{
	int saved = errno;

	if (!shown)
		return;
	if (logger.target == LOG_TO_SYSLOG) {
		va_list copy;

		va_copy(copy, ap);
		vsyslog(prio, fmt, copy);
		va_end(copy);
	}
	/* Errors also reach stderr under syslog: whoever started vncterm sees why it ended. */
	if (logger.target == LOG_TO_STDERR || prio <= LOG_ERR) {
		char line[1024];

		vsnprintf(line, sizeof(line), fmt, ap);
		/* One write a line: the monitor and the worker share stderr. */
		fprintf(stderr, "%s: %s\n", logger.ident, line);
	}
	errno = saved;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(log_enabled(level), level, fmt, ap);
	va_end(ap);
}

void log_audit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(log_enabled(LOG_WARNING), LOG_NOTICE, fmt, ap);
	va_end(ap);
}
