/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The console record (--record) and the log's stamps (--log-timestamps)
 * with the real daemon: a record that parses and replays to the screen
 * the emulator drew (vtdump, the daemon's own screen, Debian's asciinema),
 * resizes, a non-empty file moved aside, SIGHUP sandboxed (with a stamped
 * log), the cap, a Xen ring console on the simulated host, stamped log
 * lines and bad options.
 * Displays 127.0.0.1:300 to :307, domain 475.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include "tests/common/util_cast.h"
#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_xenhost.h"
#include "vncterm/consolelog.h"
#include "vt100/utf8.h"
#include "vt100/vt100.h"

#define VTDUMP_BIN "../vt100/vtdump"
#define ASCIINEMA_BIN "/usr/bin/asciinema"

struct dir {
	char path[64];
	char rec[96];  /* the record */
	char err[96];  /* vncterm's stderr */
	char aux[96];  /* a third name, test by test */
};

static void make_dir(struct dir *d)
{
	strcpy(d->path, "/tmp/vncterm-rec-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d->path));
	snprintf(d->rec, sizeof(d->rec), "%s/console.cast", d->path);
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

/* The record at path, parsed, or the test fails saying why. */
static void parse(const char *path, struct cast *c)
{
	size_t len;
	char *text = whole(path, &len), why[512];

	ck_assert_msg(cast_parse(text, len, c, why, sizeof(why)), "%s: %s", path, why);
	free(text);
}

/* Wait up to ms until the record's output holds what. */
static bool record_shows(const char *path, const char *what, int ms)
{
	int64_t end = now_ms() + ms;

	do {
		struct cast c;
		size_t len, n;
		char *text = whole(path, &len), why[256], *out;
		bool ok = cast_parse(text, len, &c, why, sizeof(why));

		free(text);
		if (ok) {
			out = cast_output(&c, c.n, &n);
			ok = strstr(out, what) != NULL;
			free(out);
		}
		cast_free(&c);
		if (ok)
			return true;
		sleep_ms(20);
	} while (now_ms() < end);
	return false;
}

static void write_file(const char *path, const char *buf, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
	close(fd);
}

/* Run argv with stdout to a pipe (and, with tty, a new session on a pty); its output. */
static char *run_output(char *const argv[], bool tty, size_t *len)
{
	int p[2], m = -1;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int64_t end = now_ms() + 20000 * slowdown();

	ck_assert_int_eq(pipe(p), 0);
	if (tty) {
		m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		ck_assert(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
	}
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* asciinema cat reads the terminal it plays to: a pty of its own. */
		if (tty) {
			setsid();
			int s = open(ptsname(m), O_RDWR);

			if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
				_exit(126);
			dup2(s, 0);
		}
		dup2(p[1], 1);
		setenv("PYTHONIOENCODING", "utf-8", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		ssize_t r;

		ck_assert_msg(now_ms() < end, "%s took too long", argv[0]);
		if (poll(&pf, 1, 100) <= 0)
			continue;
		r = read(p[0], buf + n, cap - n - 1);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (cap - n < 2)
			buf = realloc(buf, cap *= 2);
	}
	int st;

	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s failed (status %d)", argv[0], st);
	if (m >= 0)
		close(m);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* vtdump's final screen for n bytes on a rows x cols terminal. */
static char *vtdump(const char *dir, const char *bytes, size_t n, int rows, int cols)
{
	char path[128], r[16], c[16];
	size_t len;

	snprintf(path, sizeof(path), "%s/vtdump.in", dir);
	write_file(path, bytes, n);
	snprintf(r, sizeof(r), "%d", rows);
	snprintf(c, sizeof(c), "%d", cols);
	char *const argv[] = { VTDUMP_BIN, "-r", r, "-c", c, path, NULL };

	return run_output(argv, false, &len);
}

/* The bytes a pty delivers for what a program wrote (onlcr), as the emulator decodes them. */
static char *as_seen(const char *raw, size_t n, size_t *len)
{
	char *out = malloc(8 * n + 1);
	struct vt_utf8 d = { 0 };
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t cp[2];
		int k;

		if (raw[i] == '\n') {
			k = vt_utf8_decode(&d, '\r', cp);
			for (int j = 0; j < k; j++)
				o += vt_utf8_encode(cp[j], out + o);
		}
		k = vt_utf8_decode(&d, (uint8_t)raw[i], cp);
		for (int j = 0; j < k; j++)
			o += vt_utf8_encode(cp[j], out + o);
	}
	out[o] = '\0';
	*len = o;
	return out;
}

/* Colours, cursor movement, erasing, scrolling, UTF-8 and invalid bytes. */
static const char session[] =
	"\033[2J\033[H\033[1;31mred\033[0m \033[38;5;82mgreen256\033[0m \033[48;2;0;0;200mblue\033[0m\n"
	"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80 bad:\xff\xc3( end\n"
	"\033[5;10H\033[7mmoved\033[0m\033[3;1Hthird\033[K line\n"
	"\033[10;1H" "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n"
	"\033[2;20H\033[1Kleft-erased \033]0;a title\a\033[?25l\033[4mlast\033[24m";

/*
 * A command's output recorded: a valid header, times that do not go
 * back, exactly the bytes the emulator was fed (as it decodes them), and
 * replayed by vtdump and by asciinema to the same screen as the raw bytes.
 * The file there before is moved to FILE.1, whole.
 */
START_TEST(record_replays_to_the_same_screen)
{
	struct dir d;
	struct cast c;
	size_t len, olen, alen;

	make_dir(&d);
	write_file(d.aux, session, sizeof(session) - 1);
	write_file(d.rec, "an old record\n", 14);
	const char *const args[] = { "-v", "127.0.0.1:300", "--geometry", "60x20", "--record", d.rec,
				     "-c", "/bin/cat", d.aux, NULL };
	struct vncterm *v = start_logged(args, 300, d.err);

	/* No viewer: vncterm ends with the command, once all it printed is read. */
	ck_assert_msg(vncterm_wait_exit(v, 10000), "vncterm did not end with its command");
	ck_assert(WIFEXITED(v->status) && WEXITSTATUS(v->status) == 0);
	vncterm_stop(v, 0);
	char old[128], buf[64];

	snprintf(old, sizeof(old), "%s.1", d.rec);
	read_file(old, buf, sizeof(buf));
	ck_assert_str_eq(buf, "an old record\n");

	parse(d.rec, &c);
	ck_assert_int_eq(c.width, 60);
	ck_assert_int_eq(c.height, 20);
	ck_assert_str_eq(c.term, "xterm-256color");
	ck_assert_uint_ge(c.n, 1);
	char *out = cast_output(&c, c.n, &olen), *want = as_seen(session, sizeof(session) - 1, &len);

	ck_assert_uint_eq(olen, len);
	ck_assert_msg(memcmp(out, want, len) == 0, "the record's output is not what was printed");
	char *raw = malloc(2 * sizeof(session)), *s1, *s2;
	size_t rn = 0;

	for (size_t i = 0; i + 1 < sizeof(session); i++) {
		if (session[i] == '\n')
			raw[rn++] = '\r';
		raw[rn++] = session[i];
	}
	s1 = vtdump(d.path, raw, rn, 20, 60);
	s2 = vtdump(d.path, out, olen, 20, 60);
	ck_assert_str_eq(s2, s1);
	ck_assert_ptr_nonnull(strstr(s1, "left-erased")); /* the screen is not trivially empty */
	char *const cat[] = { ASCIINEMA_BIN, "cat", d.rec, NULL };
	char *played = run_output(cat, true, &alen);

	ck_assert_uint_eq(alen, olen);
	ck_assert_msg(memcmp(played, out, olen) == 0, "asciinema cat plays other bytes");
	free(played);
	free(s1);
	free(s2);
	free(raw);
	free(out);
	free(want);
	cast_free(&c);
	remove_dir(&d);
}
END_TEST

/* Index of the first "o" event whose data holds what; -1 if none. */
static long event_with(const struct cast *c, const char *what)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ev[i].type == 'o' && strstr(c->ev[i].data, what))
			return (long)i;
	return -1;
}

/*
 * A viewer resizes the console: an "r" event with the new size, between
 * the output before and after it, and the record's output on a terminal
 * of the final size is what the daemon shows.  Then SIGHUP after a
 * rotation (unsandboxed: -c): a new record whose header has that size.
 */
START_TEST(resize_recorded)
{
	struct dir d;
	struct cast c;
	size_t olen;
	int w, h;

	make_dir(&d);
	const char *const args[] = {
		"-v", "127.0.0.1:301", "--log-level", "2", "--geometry", "40x10", "--record", d.rec,
		"-c", "/bin/sh", "-c",
		"trap 'stty size; printf \"\\033[1mafter\\033[0m\\n\"' WINCH; "
		"printf '\\033[32mbefore\\033[0m\\n'; while :; do sleep 0.1; done",
		NULL
	};
	struct vncterm *v = start_logged(args, 301, d.err);

	ck_assert(record_shows(d.rec, "before", 5000));
	ck_assert_int_eq(raw_resize(v->port, 60 * 8, 12 * 16, &w, &h), 0);
	ck_assert(record_shows(d.rec, "after", 5000));
	parse(d.rec, &c);
	ck_assert_int_eq(c.width, 40);
	ck_assert_int_eq(c.height, 10);
	long before = event_with(&c, "before"), size = event_with(&c, "12 60"), r = -1;

	for (size_t i = 0; i < c.n; i++)
		if (c.ev[i].type == 'r')
			r = r < 0 ? (long)i : r;
	ck_assert_msg(r >= 0, "no resize event");
	ck_assert_str_eq(c.ev[r].data, "60x12");
	ck_assert_msg(before >= 0 && before < r && r < size, "events out of order: %ld %ld %ld",
		      before, r, size);
	char *out = cast_output(&c, c.n, &olen);
	rfbClient *vc = connect_to("127.0.0.1", v);

	assert_screen(vc, 12, 60, out, 5000);
	vnc_disconnect(vc);
	/* Unsandboxed, vncterm reopens it itself: the new record's header has the size now. */
	char rotated[128], buf[4096];

	snprintf(rotated, sizeof(rotated), "%s.rotated", d.rec);
	ck_assert_int_eq(rename(d.rec, rotated), 0);
	ck_assert_int_eq(kill(v->pid, SIGHUP), 0);
	ck_assert(file_says(d.err, "reopened", 3000, buf, sizeof(buf)));
	ck_assert(file_says(d.rec, "{\"version\": 2, \"width\": 60, \"height\": 12,", 3000, buf,
			    sizeof(buf)));
	stop_daemon(v);
	free(out);
	cast_free(&c);
	remove_dir(&d);
}
END_TEST

/* Is s "[YYYY-MM-DDTHH:MM:SS.mmmZ] " (ISO 8601, UTC)? */
static bool iso_stamp(const char *s)
{
	static const char shape[] = "[dddd-dd-ddTdd:dd:dd.dddZ] ";

	for (size_t i = 0; i + 1 < sizeof(shape); i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return false;
	return true;
}

/*
 * Sandboxed (a file source, as root): the monitor opens the record; after
 * a rotation SIGHUP makes it open a new one, which starts with a header
 * of its own and gets what follows, while the old one stays whole.
 */
START_TEST(sighup_sandboxed_starts_a_new_record)
{
	struct dir d;
	struct cast c;
	struct stat st;
	char buf[8192], old[128];
	size_t olen;

	make_dir(&d);
	snprintf(old, sizeof(old), "%s.rotated", d.rec);
	ck_assert_int_eq(mkfifo(d.aux, 0600), 0);
	char log[128];

	snprintf(log, sizeof(log), "%s/console.log", d.path);
	/* With a stamped log beside it: stamps need nothing the sandbox lacks. */
	const char *const args[] = { "-v", "127.0.0.1:302", "--log-level", "2", "--record", d.rec,
				     "--log-file", log, "--log-timestamps", "--keys", "linux",
				     "--input", d.aux, "-s", NULL };
	struct vncterm *v = start_logged(args, 302, d.err);
	int fifo = open(d.aux, O_WRONLY | O_CLOEXEC);

	ck_assert_int_ge(fifo, 0);
	ck_assert(file_says(d.err, "sandbox applied", 3000, buf, sizeof(buf)));
	ck_assert_int_eq(write(fifo, "one \033[7m\r\n", 10), 10);
	ck_assert(record_shows(d.rec, "one \033[7m\r\n", 5000));
	ck_assert_int_eq(stat(d.rec, &st), 0);
	ck_assert_uint_eq(st.st_uid, 0); /* opened by the monitor, as root */
	ck_assert(file_says(log, "one ^[[7m\r\n", 5000, buf, sizeof(buf)));
	ck_assert_msg(iso_stamp(buf) && !strcmp(buf + CONSOLELOG_STAMP_LEN, "one ^[[7m\r\n"),
		      "not a stamped line: %s", buf);
	ck_assert_int_eq(rename(d.rec, old), 0);
	ck_assert_int_eq(kill(v->pid, SIGHUP), 0);
	ck_assert(file_says(d.rec, "{\"version\": 2", 3000, buf, sizeof(buf)));
	ck_assert_int_eq(write(fifo, "two\r\n", 5), 5);
	ck_assert(record_shows(d.rec, "two\r\n", 5000));
	ck_assert_msg(vncterm_alive(v), "SIGHUP ended vncterm although it has a record");
	parse(d.rec, &c);
	ck_assert_str_eq(c.term, "linux");
	char *out = cast_output(&c, c.n, &olen);

	ck_assert_str_eq(out, "two\r\n");
	free(out);
	cast_free(&c);
	parse(old, &c);
	out = cast_output(&c, c.n, &olen);
	ck_assert_str_eq(out, "one \033[7m\r\n");
	free(out);
	cast_free(&c);
	close(fifo);
	stop_daemon(v);
	remove_dir(&d);
}
END_TEST

/* At --record-max: whole events, the last saying so, a file that still plays, a message. */
START_TEST(record_capped)
{
	struct dir d;
	struct cast c;
	struct stat st;
	char buf[8192];
	size_t olen;

	make_dir(&d);
	const char *const args[] = { "-v", "127.0.0.1:303", "--record", d.rec, "--record-max", "4K",
				     "-c", "/usr/bin/seq", "1", "20000", NULL };
	struct vncterm *v = start_logged(args, 303, d.err);

	ck_assert_msg(vncterm_wait_exit(v, 20000), "vncterm did not end with its command");
	ck_assert(WIFEXITED(v->status) && WEXITSTATUS(v->status) == 0);
	vncterm_stop(v, 0);
	ck_assert_int_eq(stat(d.rec, &st), 0);
	ck_assert_int_le(st.st_size, 4096);
	parse(d.rec, &c);
	char *out = cast_output(&c, c.n, &olen);

	ck_assert_ptr_nonnull(strstr(out, "\r\n[vncterm: console record full at 4096 bytes"));
	ck_assert_int_eq(strncmp(out, "1\r\n2\r\n3\r\n", 9), 0);
	ck_assert(file_says(d.err, "reached --record-max", 3000, buf, sizeof(buf)));
	free(out);
	cast_free(&c);
	remove_dir(&d);
}
END_TEST

/* A Xen guest's ring console (simulated host, real xenstored), sandboxed: recorded. */
START_TEST(ring_console_recorded)
{
	struct xhost h;
	struct dir d;
	struct cast c;
	size_t olen;

	make_dir(&d);
	xhost_up(&h, 475, false);
	ck_assert(xs_rm(h.xs, XBT_NULL, "/local/domain/475/console/tty")); /* ring mode */
	const char *const args[] = { "--domid", "475", "-v", "127.0.0.1:304", "--record", d.rec,
				     NULL };
	struct vncterm *v = start_logged(args, 304, d.err);

	ck_assert(xhost_wait_key(&h, "type", "vncterm", 3000));
	xhost_ring_print(&h, "[    0.000000] Linux version 6.1\r\n\033[1mKernel panic\033[0m\r\n");
	ck_assert(record_shows(d.rec, "\033[1mKernel panic\033[0m\r\n", 5000));
	parse(d.rec, &c);
	ck_assert_str_eq(c.term, "vt220"); /* a getty's on hvc0 */
	char *out = cast_output(&c, c.n, &olen);

	ck_assert_str_eq(out, "[    0.000000] Linux version 6.1\r\n\033[1mKernel panic\033[0m\r\n");
	free(out);
	cast_free(&c);
	stop_daemon(v);
	xhost_down(&h);
	remove_dir(&d);
}
END_TEST

/*
 * --log-timestamps: every line of the log starts with one stamp, a line
 * that comes in two reads too, and the text after it is intact.
 */
START_TEST(log_lines_stamped)
{
	struct dir d;
	char cmd[256], buf[8192], log[128];
	size_t len;

	make_dir(&d);
	snprintf(log, sizeof(log), "%s/console.log", d.path);
	snprintf(cmd, sizeof(cmd),
		 "printf 'first\\npar'; while [ ! -e %s ]; do sleep 0.05; done; "
		 "printf 'tial \\033[1mbold\\n\\nlast\\n'; sleep 30", d.aux);
	const char *const args[] = { "-v", "127.0.0.1:305", "--log-file", log, "--log-timestamps",
				     "-c", "/bin/sh", "-c", cmd, NULL };
	struct vncterm *v = start_logged(args, 305, d.err);

	ck_assert(file_says(log, "par", 5000, buf, sizeof(buf)));
	ck_assert_int_eq(close(open(d.aux, O_WRONLY | O_CREAT, 0600)), 0);
	ck_assert(file_says(log, "last\r\n", 5000, buf, sizeof(buf)));
	stop_daemon(v);
	char *text = whole(log, &len), *p = text;
	static const char *const lines[] = { "first\r\n", "partial ^[[1mbold\r\n", "\r\n",
					     "last\r\n" };

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ck_assert_msg(iso_stamp(p), "line %zu has no stamp: %s", i + 1, p);
		p += CONSOLELOG_STAMP_LEN;
		ck_assert_msg(!strncmp(p, lines[i], strlen(lines[i])), "line %zu: %s", i + 1, p);
		p += strlen(lines[i]);
	}
	ck_assert_str_eq(p, "");
	free(text);
	remove_dir(&d);
}
END_TEST

struct bad_option {
	const char *what;
	const char *args[8];
	const char *says;
};

static const struct bad_option bad_options[] = {
	{ "an empty --record", { "--record", "", NULL }, "--record: expected a file name" },
	{ "--record-max too small", { "--record", "x", "--record-max", "1K", NULL },
	  "--record-max 1K: expected a size from 4K to 64G" },
	{ "stamps without a log", { "--log-timestamps", NULL }, "--log-timestamps:" },
	{ "one file for both", { "--record", "f", "--log-file", "f", NULL },
	  "that is the --log-file too" },
};

START_TEST(bad_options_are_clear_errors)
{
	const struct bad_option *b = &bad_options[_i];
	struct vncterm_run res;

	ck_assert_int_eq(vncterm_run(b->args, 5000, &res), 0);
	ck_assert_msg(res.exited && WIFEXITED(res.status) && WEXITSTATUS(res.status) == 2,
		      "%s: not exit status 2", b->what);
	ck_assert_msg(strstr(res.err, b->says), "%s: %s", b->what, res.err);
}
END_TEST

Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, record_replays_to_the_same_screen);
	tcase_add_test(tc, resize_recorded);
	tcase_add_test(tc, sighup_sandboxed_starts_a_new_record);
	tcase_add_test(tc, record_capped);
	tcase_add_test(tc, ring_console_recorded);
	tcase_add_test(tc, log_lines_stamped);
	tcase_add_loop_test(tc, bad_options_are_clear_errors, 0,
			    sizeof(bad_options) / sizeof(bad_options[0]));
	suite_add_tcase(s, tc);
	return s;
}
