/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's side of the files the console's output goes to: the
 * console log (--log-file) and the record (--record).  Each path is made
 * absolute, the file opened here (not sandboxed) or handed over by the
 * monitor, and what the console prints written to it through
 * consolelog.h, with a message when that stops.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vncterm/consolelog.h"
#include "vncterm/daemon.h"
#include "vncterm/log.h"

/* What each is called in messages, and its options. */
static const struct {
	const char *what, *option, *max_option, *verb;
} kinds[MONITOR_FILES] = {
	{ "console log", "--log-file", "--log-file-max", "logged" },
	{ "console record", "--record", "--record-max", "recorded" },
};

static uint64_t file_max(const struct vncterm *t, unsigned i)
{
	return i == 0 ? t->opt.log_file_max : t->opt.record_max;
}

/* The record's TERM: what the command is given, or the terminal the keys are a getty's. */
static const char *term_name(const struct vncterm *t)
{
	if (t->opt.command_given || t->opt.keys == VT_KEYS_XTERM)
		return TERM_NAME;
	return t->opt.keys == VT_KEYS_LINUX ? "linux" : "vt220";
}

static void report(struct vncterm *t, unsigned i, int r)
{
	if (r == CONSOLELOG_FULL)
		log_msg(LOG_WARNING,
			"%s %s reached %s (%llu bytes); nothing more is %s until it is rotated "
			"and vncterm gets SIGHUP",
			kinds[i].what, t->cfile[i].path, kinds[i].max_option,
			(unsigned long long)file_max(t, i), kinds[i].verb);
	else if (r < 0)
		log_msg(LOG_ERR,
			"%s %s: write failed: %s; nothing more is %s until vncterm gets SIGHUP",
			kinds[i].what, t->cfile[i].path, strerror(-r), kinds[i].verb);
}

void log_console(struct vncterm *t, const char *buf, size_t n)
{
	for (unsigned i = 0; i < MONITOR_FILES; i++)
		if (t->cfile[i].l)
			report(t, i, consolelog_write(t->cfile[i].l, buf, n));
}

void record_resize(struct vncterm *t, int cols, int rows)
{
	for (unsigned i = 0; i < MONITOR_FILES; i++)
		if (t->cfile[i].l)
			report(t, i, consolelog_resize(t->cfile[i].l, cols, rows));
}

/* Write to fd, a file size bytes long, from now on: ours opened, or the monitor's. */
void adopt_console_file(struct vncterm *t, unsigned which, int fd, uint64_t size)
{
	if (which >= MONITOR_FILES || !t->cfile[which].l) {
		close(fd);
		return;
	}
	consolelog_set_fd(t->cfile[which].l, fd, size);
	log_msg(LOG_INFO, "%s: appending to %s (%llu bytes)", kinds[which].what,
		t->cfile[which].path, (unsigned long long)size);
}

bool open_console_files(struct vncterm *t, bool reopen)
{
	bool ok = true;

	for (unsigned i = 0; i < MONITOR_FILES; i++) {
		uint64_t size;
		int fd, e;

		if (!t->cfile[i].l)
			continue;
		e = consolelog_open(t->cfile[i].path, i == 1, &fd, &size);
		if (e < 0) {
			log_msg(LOG_ERR, "%s %s: %s", kinds[i].option, t->cfile[i].path,
				consolelog_error(e));
			ok = false;
			continue;
		}
		adopt_console_file(t, i, fd, size);
		if (reopen)
			log_msg(LOG_INFO, "%s %s reopened", kinds[i].what, t->cfile[i].path);
	}
	return ok;
}

bool has_console_files(const struct vncterm *t)
{
	return t->cfile[0].l || t->cfile[1].l;
}

void console_files_for_monitor(const struct vncterm *t, struct monitor *m)
{
	for (unsigned i = 0; i < MONITOR_FILES; i++)
		m->files[i] = (struct monitor_file){
			.path = t->cfile[i].l ? t->cfile[i].path : NULL,
			.option = kinds[i].option,
			.fresh = i == 1,
		};
}

uint64_t console_files_max(const struct vncterm *t)
{
	uint64_t max = 0;

	for (unsigned i = 0; i < MONITOR_FILES; i++)
		if (t->cfile[i].l && file_max(t, i) > max)
			max = file_max(t, i);
	return max;
}

/* The path made absolute: the sandbox's monitor opens it again later. */
static void absolute(struct console_file *f, const char *option, const char *p)
{
	char cwd[4096];
	int n;

	if (p[0] == '/')
		n = snprintf(f->path, sizeof(f->path), "%s", p);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(f->path, sizeof(f->path), "%s/%s", cwd, p);
	else
		die("%s %s: getcwd: %s", option, p, strerror(errno));
	if (n < 0 || (size_t)n >= sizeof(f->path))
		die("%s %s: the path is too long", option, p);
}

void setup_console_files(struct vncterm *t)
{
	const char *paths[MONITOR_FILES] = { t->opt.log_file, t->opt.record };

	for (unsigned i = 0; i < MONITOR_FILES; i++) {
		if (!paths[i])
			continue;
		absolute(&t->cfile[i], kinds[i].option, paths[i]);
		t->cfile[i].l = i == 0 ? consolelog_new(file_max(t, i)) :
					 consolelog_new_cast(file_max(t, i), t->opt.cols,
							     t->opt.rows, term_name(t));
		if (!t->cfile[i].l)
			die("%s: %s", kinds[i].option, strerror(errno));
	}
	if (t->cfile[0].l)
		consolelog_set_stamps(t->cfile[0].l, t->opt.log_timestamps);
}

void free_console_files(struct vncterm *t)
{
	for (unsigned i = 0; i < MONITOR_FILES; i++)
		consolelog_free(t->cfile[i].l);
}
