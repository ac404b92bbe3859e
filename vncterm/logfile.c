/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's side of --log-file: the path made absolute, the file
 * opened here (not sandboxed) or handed over by the monitor, and what the
 * console prints written to it through consolelog.h, with a message when
 * that stops.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vncterm/consolelog.h"
#include "vncterm/daemon.h"
#include "vncterm/log.h"

void log_console(struct vncterm *t, const char *buf, size_t n)
{
	int r = consolelog_write(t->clog, buf, n);

	if (r == CONSOLELOG_FULL)
		log_msg(LOG_WARNING,
			"console log %s reached --log-file-max (%llu bytes); nothing more is logged "
			"until it is rotated and vncterm gets SIGHUP",
			t->log_path, (unsigned long long)t->opt.log_file_max);
	else if (r < 0)
		log_msg(LOG_ERR,
			"console log %s: write failed: %s; nothing more is logged until vncterm "
			"gets SIGHUP",
			t->log_path, strerror(-r));
}

/* Log to fd, a file size bytes long, from now on: ours opened, or the monitor's. */
void adopt_console_log(struct vncterm *t, int fd, uint64_t size)
{
	consolelog_set_fd(t->clog, fd, size);
	log_msg(LOG_INFO, "console log: appending to %s (%llu bytes)", t->log_path,
		(unsigned long long)size);
}

/* Open the console log ourselves (not sandboxed); false if it cannot be. */
bool open_console_log(struct vncterm *t)
{
	uint64_t size;
	int fd, e = consolelog_open(t->log_path, &fd, &size);

	if (e < 0) {
		log_msg(LOG_ERR, "--log-file %s: %s", t->log_path, consolelog_error(e));
		return false;
	}
	adopt_console_log(t, fd, size);
	return true;
}

/* --log-file's path made absolute: the sandbox's monitor opens it again later. */
void setup_console_log(struct vncterm *t)
{
	const char *p = t->opt.log_file;
	char cwd[4096];
	int n;

	if (!p)
		return;
	if (p[0] == '/')
		n = snprintf(t->log_path, sizeof(t->log_path), "%s", p);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(t->log_path, sizeof(t->log_path), "%s/%s", cwd, p);
	else
		die("--log-file %s: getcwd: %s", p, strerror(errno));
	if (n < 0 || (size_t)n >= sizeof(t->log_path))
		die("--log-file %s: the path is too long", p);
	t->clog = consolelog_new(t->opt.log_file_max);
	if (!t->clog)
		die("--log-file: %s", strerror(errno));
}
