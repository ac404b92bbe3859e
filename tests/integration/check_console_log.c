/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The console log (--log-file) with the real daemon: every byte of a
 * flood, escapes made harmless, rotation on SIGHUP both unsandboxed (-c)
 * and sandboxed (the monitor opens the file), the cap, and clear errors.
 * Displays 127.0.0.1:192 to :199.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"

struct dir {
	char path[64];
	char log[96];  /* the console log */
	char err[96];  /* vncterm's stderr */
	char aux[96];  /* a third name, test by test */
};

static void make_dir(struct dir *d)
{
	strcpy(d->path, "/tmp/vncterm-clog-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d->path));
	snprintf(d->log, sizeof(d->log), "%s/console.log", d->path);
	snprintf(d->err, sizeof(d->err), "%s/stderr", d->path);
	snprintf(d->aux, sizeof(d->aux), "%s/aux", d->path);
}

static void remove_dir(struct dir *d)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", d->path);
	ck_assert_int_eq(system(cmd), 0);
}

/* The whole file, NUL-terminated; the caller frees it. */
static char *whole(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	ck_assert_msg(fd >= 0, "cannot open %s: %s", path, strerror(errno));
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (cap - n < 2)
			buf = realloc(buf, cap *= 2);
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool count_says(const char *path, const char *what, int times, int ms)
{
	int64_t end = now_ms() + ms;

	do {
		size_t len;
		char *buf = whole(path, &len);
		int n = 0;

		for (char *p = buf; (p = strstr(p, what)); p++)
			n++;
		free(buf);
		if (n >= times)
			return true;
		sleep_ms(20);
	} while (now_ms() < end);
	return false;
}

/*
 * 200,000 lines in one burst: the renderer draws a few frames of them,
 * the log must hold every one, in order, and the escape as "^[".
 */
START_TEST(flood_logged_whole)
{
	struct dir d;

	make_dir(&d);
	const char *const args[] = { "-v", "127.0.0.1:192", "--log-file", d.log, "-c", "/bin/sh", "-c",
				     "seq 1 200000; printf '\\033[1mend\\033[0m\\n'", NULL };
	struct vncterm *v = start_logged(args, 192, d.err);

	/* No viewer: vncterm ends with the command, once all it printed is read. */
	ck_assert_msg(vncterm_wait_exit(v, 30000), "vncterm did not end with its command");
	ck_assert(WIFEXITED(v->status) && WEXITSTATUS(v->status) == 0);
	vncterm_stop(v, 0);

	size_t len, at = 0;
	char *got = whole(d.log, &len);
	char *want = malloc(2000000), line[32];

	for (int i = 1; i <= 200000; i++) {
		int n = snprintf(line, sizeof(line), "%d\r\n", i);

		memcpy(want + at, line, (size_t)n);
		at += (size_t)n;
	}
	at += (size_t)sprintf(want + at, "^[[1mend^[[0m\r\n");
	ck_assert_uint_eq(len, at);
	ck_assert_msg(memcmp(got, want, at) == 0, "the log differs from what the command printed");
	ck_assert_ptr_null(memchr(got, 0x1b, len));
	free(got);
	free(want);
	remove_dir(&d);
}
END_TEST

/* Unsandboxed (-c): vncterm reopens the file itself. */
START_TEST(rotation_unsandboxed)
{
	struct dir d;
	char cmd[512], buf[8192], old[128];

	make_dir(&d);
	snprintf(old, sizeof(old), "%s.1", d.log);
	/* "one" now, "two" when aux appears: the test decides when. */
	snprintf(cmd, sizeof(cmd),
		 "echo one; while [ ! -e %s ]; do sleep 0.05; done; echo two; sleep 30", d.aux);
	const char *const args[] = { "-v", "127.0.0.1:193", "--log-level", "2", "--log-file", d.log,
				     "-c", "/bin/sh", "-c", cmd, NULL };
	struct vncterm *v = start_logged(args, 193, d.err);

	ck_assert(file_says(d.log, "one\r\n", 5000, buf, sizeof(buf)));
	ck_assert_int_eq(rename(d.log, old), 0);
	ck_assert_int_eq(kill(v->pid, SIGHUP), 0);
	ck_assert_msg(count_says(d.err, "console log " , 1, 3000) &&
			      file_says(d.err, "reopened", 3000, buf, sizeof(buf)),
		      "no 'reopened' line: %s", buf);
	ck_assert_int_eq(close(open(d.aux, O_WRONLY | O_CREAT, 0600)), 0);
	ck_assert(file_says(d.log, "two\r\n", 5000, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "two\r\n");
	read_file(old, buf, sizeof(buf));
	ck_assert_str_eq(buf, "one\r\n");
	ck_assert_msg(vncterm_alive(v), "SIGHUP ended vncterm although it has a console log");
	stop_daemon(v);
	remove_dir(&d);
}
END_TEST

/*
 * Sandboxed (a file source): the worker cannot open files; the monitor,
 * which takes the SIGHUP, opens the new one and hands it over.
 */
START_TEST(rotation_sandboxed)
{
	struct dir d;
	char buf[8192], old[128];

	make_dir(&d);
	snprintf(old, sizeof(old), "%s.1", d.log);
	ck_assert_int_eq(mkfifo(d.aux, 0600), 0);
	const char *const args[] = { "-v", "127.0.0.1:194", "--log-level", "2", "--log-file", d.log,
				     "--input", d.aux, "-s", NULL };
	struct vncterm *v = start_logged(args, 194, d.err);
	int fifo = open(d.aux, O_WRONLY | O_CLOEXEC);

	ck_assert_int_ge(fifo, 0);
	ck_assert(file_says(d.err, "sandbox applied", 3000, buf, sizeof(buf)));
	ck_assert_int_eq(write(fifo, "one \033[7m\n", 9), 9);
	ck_assert(file_says(d.log, "one ^[[7m\n", 5000, buf, sizeof(buf)));
	struct stat st;

	ck_assert_int_eq(stat(d.log, &st), 0);
	ck_assert_uint_eq(st.st_uid, 0); /* opened by the monitor, as root */
	ck_assert_int_eq(rename(d.log, old), 0);
	ck_assert_int_eq(kill(v->pid, SIGHUP), 0);
	ck_assert(count_says(d.err, "console log: appending to", 2, 3000));
	ck_assert_int_eq(write(fifo, "two\n", 4), 4);
	ck_assert(file_says(d.log, "two\n", 5000, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "two\n");
	read_file(old, buf, sizeof(buf));
	ck_assert_str_eq(buf, "one ^[[7m\n");
	ck_assert_msg(vncterm_alive(v), "SIGHUP ended vncterm although it has a console log");
	close(fifo);
	stop_daemon(v);
	remove_dir(&d);
}
END_TEST

/* A rotation whose new file cannot be made keeps the old one, and vncterm. */
START_TEST(failed_reopen_keeps_old_file)
{
	struct dir d;
	char buf[8192], sub[128], log[160];

	make_dir(&d);
	snprintf(sub, sizeof(sub), "%s/logs", d.path);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(log, sizeof(log), "%s/console.log", sub);
	ck_assert_int_eq(mkfifo(d.aux, 0600), 0);
	const char *const args[] = { "-v", "127.0.0.1:195", "--log-file", log, "--input", d.aux,
				     "-s", NULL };
	struct vncterm *v = start_logged(args, 195, d.err);
	int fifo = open(d.aux, O_WRONLY | O_CLOEXEC);

	ck_assert_int_ge(fifo, 0);
	ck_assert_int_eq(write(fifo, "one\n", 4), 4);
	ck_assert(file_says(log, "one\n", 5000, buf, sizeof(buf)));
	snprintf(buf, sizeof(buf), "%s/gone", d.path);
	ck_assert_int_eq(rename(sub, buf), 0); /* the directory is gone: no new file */
	ck_assert_int_eq(kill(v->pid, SIGHUP), 0);
	ck_assert(file_says(d.err, "No such file or directory", 3000, buf, sizeof(buf)));
	ck_assert_int_eq(write(fifo, "two\n", 4), 4);
	snprintf(log, sizeof(log), "%s/gone/console.log", d.path);
	ck_assert(file_says(log, "one\ntwo\n", 5000, buf, sizeof(buf)));
	ck_assert(vncterm_alive(v));
	close(fifo);
	stop_daemon(v);
	remove_dir(&d);
}
END_TEST

/* Past the cap, the log says so and stops; the console and its viewers go on. */
START_TEST(capped_log_keeps_serving)
{
	struct dir d;
	char buf[8192], cmd[256];

	make_dir(&d);
	snprintf(cmd, sizeof(cmd), "seq 1 5000; sleep 30");
	const char *const args[] = { "-v", "127.0.0.1:196", "--geometry", "20x4", "--log-file",
				     d.log, "--log-file-max", "4K", "-c", "/bin/sh", "-c", cmd,
				     NULL };
	struct vncterm *v = start_logged(args, 196, d.err);
	rfbClient *c = connect_to("127.0.0.1", v);
	char *all = malloc(40000);
	size_t at = 0;

	for (int i = 1; i <= 5000; i++)
		at += (size_t)sprintf(all + at, "%d\r\n", i);
	assert_screen(c, 4, 20, all, 10000);
	ck_assert(file_says(d.log, "[vncterm: console log full at 4096 bytes", 3000, buf,
			    sizeof(buf)));
	ck_assert(file_says(d.err, "reached --log-file-max (4096 bytes)", 3000, buf, sizeof(buf)));
	struct stat st;

	ck_assert_int_eq(stat(d.log, &st), 0);
	ck_assert_int_le(st.st_size, 4096);
	read_file(d.log, buf, sizeof(buf));
	ck_assert(strncmp(buf, "1\r\n2\r\n3\r\n", 9) == 0);
	vnc_disconnect(c);
	free(all);
	stop_daemon(v);
	remove_dir(&d);
}
END_TEST

struct bad_log {
	const char *what;
	const char *args[10];
	int status;
	const char *says;
};

static const struct bad_log bad_logs[] = {
	{ "no directory, command mode",
	  { "-v", "127.0.0.1:197", "--log-file", "/nonexistent/dir/console.log", "-c", "true", NULL },
	  1, "--log-file /nonexistent/dir/console.log: No such file or directory" },
	{ "no directory, sandboxed",
	  { "-v", "127.0.0.1:197", "--log-file", "/nonexistent/dir/console.log", "--input",
	    "/dev/null", NULL },
	  1, "--log-file /nonexistent/dir/console.log: No such file or directory" },
	{ "a device", { "-v", "127.0.0.1:197", "--log-file", "/dev/null", "-c", "true", NULL }, 1,
	  "--log-file /dev/null: not a regular file" },
	{ "a device, sandboxed",
	  { "-v", "127.0.0.1:197", "--log-file", "/dev/null", "--input", "/dev/null", NULL }, 1,
	  "--log-file /dev/null: not a regular file" },
	{ "a directory", { "-v", "127.0.0.1:197", "--log-file", "/tmp", "-c", "true", NULL }, 1,
	  "--log-file /tmp: Is a directory" },
	{ "a bad cap", { "--log-file", "x", "--log-file-max", "1K", "-c", "true", NULL }, 2,
	  "--log-file-max 1K: expected a size from 4K to 64G" },
};

START_TEST(bad_log_file_is_a_clear_error)
{
	const struct bad_log *b = &bad_logs[_i];
	struct vncterm_run res;

	ck_assert_int_eq(vncterm_run(b->args, 5000, &res), 0);
	ck_assert_msg(res.exited, "%s: vncterm still running", b->what);
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == b->status,
		      "%s: wait status 0x%x, want exit %d (stderr \"%s\")", b->what, res.status,
		      b->status, res.err);
	ck_assert_msg(strstr(res.err, b->says), "%s: stderr \"%s\" lacks \"%s\"", b->what, res.err,
		      b->says);
	ck_assert_msg(!strchr(res.out, '\n') || b->status != 2, "%s: printed a port", b->what);
}
END_TEST

/* Without a console log, SIGHUP still ends vncterm, as a hung-up terminal should. */
START_TEST(sighup_without_log_ends)
{
	const char *const args[] = { "-v", "127.0.0.1:198", "-c", "/bin/sleep", "30", NULL };
	struct vncterm *v = start_daemon(args, 198);

	ck_assert_int_eq(kill(v->pid, SIGHUP), 0);
	ck_assert_msg(vncterm_wait_exit(v, 5000), "SIGHUP did not end vncterm");
	vncterm_stop(v, 0);
}
END_TEST

Suite *console_log_suite(void)
{
	Suite *s = suite_create("console_log");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, flood_logged_whole);
	tcase_add_test(tc, rotation_unsandboxed);
	tcase_add_test(tc, rotation_sandboxed);
	tcase_add_test(tc, failed_reopen_keeps_old_file);
	tcase_add_test(tc, capped_log_keeps_serving);
	tcase_add_loop_test(tc, bad_log_file_is_a_clear_error, 0,
			    sizeof(bad_logs) / sizeof(bad_logs[0]));
	tcase_add_test(tc, sighup_without_log_ends);
	suite_add_tcase(s, tc);
	return s;
}
