/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's signals, taken through a signalfd in the loop and never
 * in handlers: what a signal does then runs as any other work of the
 * loop, with no state shared with an interrupted call.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vncterm/daemon.h"
#include "vncterm/log.h"
#include "vncterm/monitor.h"
#include "vncterm/statefile.h"
#include "vncterm/vnc.h"
#include "vncterm/xen.h"
#include "vt100/vt100.h"

int setup_signals(void)
{
	sigset_t set;

	monitor_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* The host agent finds the statefile through <path>/statefile. */
static void record_statefile(struct vncterm *t)
{
	char cwd[4096], path[4096 + sizeof(STATEFILE_NAME) + 1];
	int err;

	if (!getcwd(cwd, sizeof(cwd))) {
		log_msg(LOG_WARNING, "getcwd: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", strcmp(cwd, "/") ? cwd : "", STATEFILE_NAME);
	err = xen_record_statefile(t->xen, path);
	if (err < 0)
		log_msg(LOG_WARNING, "xenstore: recording statefile %s: %s", path,
			strerror(-err));
}

static void reap(struct vncterm *t)
{
	int st;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == t->child)
			t->child = 0;
}

/* SIGUSR1: the console's state to the statefile, written by the monitor when sandboxed. */
static void save_state(struct vncterm *t)
{
	int err;

	if (t->monitor >= 0) {
		uint8_t *buf;
		size_t len;

		/* Answered later, in the loop: the monitor may be talking too. */
		err = vt_state_save(t->vt, &buf, &len);
		if (err == 0) {
			err = monitor_send(t->monitor, MONITOR_SAVE_STATE, buf, len);
			free(buf);
		}
	} else {
		err = statefile_save(t->vt, STATEFILE_NAME);
		if (err == 0 && t->xen)
			record_statefile(t);
	}
	if (err < 0)
		log_msg(LOG_WARNING, "save %s: %s", STATEFILE_NAME, strerror(-err));
}

/* SIGUSR2, the original's debug toggle: on, then back to --log-level. */
static void toggle_debug(struct vncterm *t)
{
	if (log_toggle_debug()) {
		log_msg(LOG_DEBUG, "debug messages on (SIGUSR2; again for --log-level %d)",
			t->opt.log_level);
	} else {
		log_msg(LOG_WARNING, "debug messages off (SIGUSR2): back to --log-level %d",
			t->opt.log_level);
	}
	vnc_set_debug(t->vnc, log_enabled(LOG_DEBUG));
}

void handle_signals(struct vncterm *t)
{
	struct signalfd_siginfo si;

	while (read(t->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(t);
			break;
		case SIGHUP:
			/*
			 * With a console log or record, SIGHUP is logrotate's: reopen
			 * them (the sandbox's monitor does that and sends the files).
			 */
			if (has_console_files(t)) {
				if (t->monitor < 0)
					open_console_files(t, true);
				break;
			}
			t->quit = true;
			break;
		case SIGTERM:
		case SIGINT:
			t->quit = true;
			break;
		case SIGUSR2:
			toggle_debug(t);
			break;
		case SIGUSR1:
			save_state(t);
			break;
		default:
			break;
		}
	}
}
