/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real graphical viewers against the real daemon: TigerVNC's viewer on an
 * Xvfb server, typed into with xdotool, and noVNC in headless Chromium,
 * driven over the DevTools protocol (tests/real_viewers/cdp.py).  What they
 * show is compared pixel for pixel with the renderer's own picture of the
 * expected screen.
 *
 * Every helper program runs in a process group of its own under a small
 * watchdog (spawn_group()): the test holds one end of a pipe, and when it
 * closes -- at the end of the test, or because Check ended the test process
 * on a failed assertion -- the watchdog SIGKILLs the whole group.  That
 * reaches grandchildren (Chromium's renderers, the HTTP server), which
 * PR_SET_PDEATHSIG alone would not.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fonts/font.h"
#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/* A program running in its own process group under a watchdog. */
struct group {
	pid_t pid;      /* the watchdog, also the process group */
	int ctl;        /* closing it kills the group */
	int status_fd;  /* the program's wait status arrives here */
	int status;
	bool exited;
};

/*
 * Run /bin/sh -c cmd with stdout to out_fd (-1: /dev/null) and stderr to
 * the file err_path, in a new process group.  The watchdog reaps the shell,
 * passes its status on, and kills the group once ctl closes.
 */
static struct group spawn_group(const char *cmd, int out_fd, const char *err_path)
{
	int ctl[2], st[2];
	struct group g = { .ctl = -1, .status_fd = -1 };

	ck_assert_int_eq(pipe2(ctl, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(st, O_CLOEXEC), 0);
	fflush(NULL);
	g.pid = fork();
	ck_assert_int_ge(g.pid, 0);
	if (g.pid == 0) {
		setpgid(0, 0);
		/* If the test is gone already, ctl reads EOF below at once. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ctl[1]);
		close(st[0]);
		pid_t child = fork();

		if (child == 0) {
			int null = open("/dev/null", O_RDWR);
			int err = open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
			sigset_t none;

			signal(SIGPIPE, SIG_DFL);
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			dup2(null, 0);
			dup2(out_fd >= 0 ? out_fd : null, 1);
			dup2(err >= 0 ? err : null, 2);
			/* No other test's pipes may leak into the program. */
			close_range(3, ~0U, 0);
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		bool reported = false;

		for (;;) {
			struct pollfd p = { .fd = ctl[0], .events = POLLIN };
			int ws;

			if (!reported && child > 0 && waitpid(child, &ws, WNOHANG) == child) {
				(void)!write(st[1], &ws, sizeof(ws));
				reported = true;
			}
			if (poll(&p, 1, 50) > 0) {
				char c;

				if (read(ctl[0], &c, 1) <= 0)
					break;
			}
		}
		kill(0, SIGKILL);
		_exit(0);
	}
	close(ctl[0]);
	close(st[1]);
	g.ctl = ctl[1];
	g.status_fd = st[0];
	return g;
}

/* Wait up to ms for the program to exit; true if it did (status in g->status). */
static bool group_wait(struct group *g, int ms)
{
	struct pollfd p = { .fd = g->status_fd, .events = POLLIN };

	if (g->exited)
		return true;
	if (poll(&p, 1, ms) > 0 && read(g->status_fd, &g->status, sizeof(g->status)) ==
	    (ssize_t)sizeof(g->status))
		g->exited = true;
	return g->exited;
}

/* Kill everything in the group and reap the watchdog. */
static void group_kill(struct group *g)
{
	if (g->ctl < 0)
		return;
	close(g->ctl);
	close(g->status_fd);
	g->ctl = g->status_fd = -1;
	while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Read one line from fd (a pipe) within ms; false on timeout or EOF. */
static bool read_line(int fd, char *buf, size_t max, int ms)
{
	int64_t deadline = now_ms() + ms;
	size_t n = 0;

	while (n + 1 < max) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(deadline - now_ms());

		if (left <= 0 || poll(&p, 1, left) <= 0 || read(fd, buf + n, 1) != 1)
			return false;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return true;
}

/* An X screen image (XWD, as Xvfb -fbdir keeps it) as 0x00RRGGBB. */
struct xshot {
	int w, h;
	uint32_t *px;
};

static uint32_t be32(const unsigned char *p)
{
	return be_uint(p, 4);
}

/*
 * Xvfb -fbdir keeps the screen in an XWD file that it maps as its own
 * framebuffer, so reading it is a screenshot without another program.
 */
static bool read_xwd(const char *path, struct xshot *s)
{
	FILE *f = fopen(path, "rb");
	unsigned char hd[100];
	bool ok = false;

	s->px = NULL;
	if (!f)
		return false;
	if (fread(hd, 1, sizeof(hd), f) != sizeof(hd))
		goto out;
	uint32_t hsize = be32(hd), format = be32(hd + 8), depth = be32(hd + 12);
	uint32_t bpp = be32(hd + 44), bpl = be32(hd + 48), order = be32(hd + 28);
	uint32_t ncolors = be32(hd + 76);

	s->w = (int)be32(hd + 16);
	s->h = (int)be32(hd + 20);
	/* Only what Xvfb -screen 0 WxHx24 gives: 32-bit TrueColor ZPixmap. */
	if (format != 2 || depth != 24 || bpp != 32 || s->w <= 0 || s->h <= 0 || s->w > 4096 ||
	    s->h > 4096 || bpl < (uint32_t)s->w * 4 ||
	    fseek(f, (long)hsize + 12L * ncolors, SEEK_SET) < 0)
		goto out;
	size_t n = (size_t)bpl * (size_t)s->h;
	unsigned char *raw = malloc(n);

	s->px = malloc(sizeof(*s->px) * (size_t)s->w * (size_t)s->h);
	if (raw && s->px && fread(raw, 1, n, f) == n) {
		for (int y = 0; y < s->h; y++)
			for (int x = 0; x < s->w; x++) {
				const unsigned char *p = raw + (size_t)y * bpl + (size_t)x * 4;

				s->px[y * s->w + x] = (order == 0 ? (uint32_t)p[2] << 16 |
					(uint32_t)p[1] << 8 | p[0] :
					(uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]) & 0xffffff;
			}
		ok = true;
	}
	free(raw);
	if (!ok) {
		free(s->px);
		s->px = NULL;
	}
out:
	fclose(f);
	return ok;
}

/* Differing pixels between want (w x h) and the shot's area at x0, y0. */
static long mismatches_at(const struct xshot *s, const uint32_t *want, int w, int h, int x0,
			  int y0, long stop)
{
	long bad = 0;

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			if ((s->px[(y0 + y) * s->w + x0 + x] ^ want[y * w + x]) & 0xffffff) {
				if (++bad >= stop)
					return bad;
			}
	return bad;
}

/*
 * Where in the shot want appears with the fewest differing pixels (the
 * viewer places its window where it likes).  Only positions whose first
 * 8x8 block matches are scored in full, which keeps the scan fast.
 */
static long best_match(const struct xshot *s, const uint32_t *want, int w, int h, int *bx,
		       int *by)
{
	long best = (long)w * h + 1;
	int bw = w < 8 ? w : 8, bh = h < 8 ? h : 8;

	for (int y0 = 0; y0 + h <= s->h; y0++)
		for (int x0 = 0; x0 + w <= s->w; x0++) {
			long bad = 0;

			for (int y = 0; y < bh && !bad; y++)
				for (int x = 0; x < bw && !bad; x++)
					bad = (s->px[(y0 + y) * s->w + x0 + x] ^ want[y * w + x]) &
					      0xffffff;
			if (bad)
				continue;
			bad = mismatches_at(s, want, w, h, x0, y0, best);
			if (bad < best) {
				best = bad;
				*bx = x0;
				*by = y0;
			}
		}
	return best;
}

/*
 * Poll the Xvfb screen until want (w x h) appears exactly; returns the
 * differing pixels at the best place seen (0 on success).
 */
static long wait_for_xpixels(const char *xwd, const uint32_t *want, int w, int h, int ms, int *x,
			     int *y)
{
	int64_t deadline = now_ms() + ms;
	long best = (long)w * h;

	do {
		struct xshot s;

		if (read_xwd(xwd, &s)) {
			long bad = best_match(&s, want, w, h, x, y);

			free(s.px);
			if (bad < best)
				best = bad;
			if (bad == 0)
				break;
		}
		sleep_ms(100);
	} while (now_ms() < deadline);
	return best;
}

/* The same for the renderer's picture of rows x cols cells of bytes. */
static long wait_for_xscreen(const char *xwd, int rows, int cols, const char *bytes, int ms,
			     int *x, int *y)
{
	int w, h;
	uint32_t *want = expected_screen(rows, cols, bytes, &w, &h);

	ck_assert_ptr_nonnull(want);
	long best = wait_for_xpixels(xwd, want, w, h, ms, x, y);

	free(want);
	return best;
}

/* Remove a test's scratch directory and what the helpers left in it. */
static void remove_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)!system(cmd);
}

/*
 * Xvfb on a display it picks, its screen kept in dir/Xvfb_screen0, and
 * TigerVNC's viewer on it connected to port; returns the display number.
 * Both log to err.
 */
static int start_tigervnc(const char *dir, const char *err, int port, struct group *xvfb,
			  struct group *viewer)
{
	char cmd[512], line[32];
	int out[2];

	/* -displayfd: Xvfb picks a free display and prints its number. */
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	snprintf(cmd, sizeof(cmd),
		 "exec Xvfb -displayfd 1 -fbdir '%s' -screen 0 640x400x24 -nolisten tcp -wr "
		 "-noreset", dir);
	*xvfb = spawn_group(cmd, out[1], err);
	close(out[1]);
	ck_assert_msg(read_line(out[0], line, sizeof(line), 10000), "Xvfb gave no display (%s)",
		      err);
	close(out[0]);
	int disp = atoi(line);

	/*
	 * Raw encoding so nothing lossy is involved; no menu key, no resizing
	 * of the remote desktop, no dialogs on errors.  Without a window
	 * manager the window is where -geometry puts it.
	 */
	snprintf(cmd, sizeof(cmd),
		 "DISPLAY=:%d exec xtigervncviewer -geometry +0+0 -SecurityTypes None "
		 "-PreferredEncoding Raw -NoJPEG -AutoSelect=0 -MenuKey= -RemoteResize=0 -Shared "
		 "-AlertOnFatalError=0 -ReconnectOnError=0 127.0.0.1::%d",
		 disp, port);
	*viewer = spawn_group(cmd, -1, err);
	return disp;
}

#define TIGER_FIRST "\033[2J\033[H" HIDE_BYTES "\033[1;32mTigerVNC\033[0m under Xvfb\r\n$ "
#define TIGER_TYPED TIGER_FIRST "echo hi-$((6*7))\r\nhi-42\r\n$ "

START_TEST(tigervnc_viewer)
{
	const char *const args[] = {
		"-v", "127.0.0.1:170", "--geometry", "40x6", "-c", "/bin/sh", "-c",
		"printf '\\033[2J\\033[H" HIDE "\\033[1;32mTigerVNC\\033[0m under Xvfb\\r\\n'; "
		/* the prompt rings (RFB Bell), which the viewer must take in its stride */
		"PS1=\"$(printf '\\a')$ \" exec /bin/sh", NULL,
	};
	char dir[] = "/tmp/vncterm-tiger-XXXXXX", cmd[512], err[96], xwd[96];
	int x = -1, y = -1;
	int64_t t0 = now_ms();

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(err, sizeof(err), "%s/log", dir);
	snprintf(xwd, sizeof(xwd), "%s/Xvfb_screen0", dir);
	struct vncterm *v = start_daemon(args, 170);
	struct group xvfb, viewer;
	int disp = start_tigervnc(dir, err, v->port, &xvfb, &viewer);
	long bad = wait_for_xscreen(xwd, 6, 40, TIGER_FIRST, 15000, &x, &y);
	int64_t t1 = now_ms();

	ck_assert_msg(bad == 0, "the viewer's window never showed the screen: %ld pixels differ "
		      "at best (log %s)", bad, err);
	fprintf(stderr, "real_viewers: TigerVNC showed the exact screen at +%d+%d after %lld ms\n",
		x, y, (long long)(t1 - t0));

	/* Typed through X: xdotool's XTEST keys reach the focused viewer. */
	snprintf(cmd, sizeof(cmd),
		 "export DISPLAY=:%d; xdotool search --sync --name TigerVNC windowfocus --sync "
		 ">/dev/null && xdotool type --delay 5 'echo hi-$((6*7))' && xdotool key Return",
		 disp);
	struct group typer = spawn_group(cmd, -1, err);

	ck_assert_msg(group_wait(&typer, 10000), "xdotool did not finish");
	ck_assert_msg(WIFEXITED(typer.status) && WEXITSTATUS(typer.status) == 0,
		      "xdotool failed (status %#x, log %s)", typer.status, err);
	group_kill(&typer);
	bad = wait_for_xscreen(xwd, 6, 40, TIGER_TYPED, 10000, &x, &y);
	ck_assert_msg(bad == 0, "after typing, %ld pixels differ from the expected screen", bad);
	fprintf(stderr, "real_viewers: typed command echoed and answered after %lld ms\n",
		(long long)(now_ms() - t1));

	group_kill(&viewer);
	group_kill(&xvfb);
	stop_daemon(v);
	remove_dir(dir);
}
END_TEST

/*
 * Layouts: TigerVNC on an X server switched to Russian, Greek, Polish and
 * German keyboards (setxkbmap), typed into by xdotool as a person on that
 * layout would, AltGr and a dead key included.  The viewer sends X's
 * legacy keysyms (Cyrillic_pe, Greek_alpha, lstroke, EuroSign,
 * dead_acute...), and the program on the console must read exactly the
 * letters' UTF-8: cat on a raw tty writes what it reads to a file.
 */
static const struct {
	const char *layout, *xdotool, *bytes;
} typed_layouts[] = {
	{ "ru", "type 'привет'", "привет" },
	{ "gr", "type 'αβγδ'", "αβγδ" },
	{ "pl", "type 'łąż'", "łąż" },
	{ "de", "type '€ß' && xdotool key dead_acute e dead_circumflex a", "€ßéâ" },
};

/* Run sh -c cmd on display disp to its end (10 s at most); it must succeed. */
static void x_command(int disp, const char *cmd, const char *err)
{
	char line[512];

	snprintf(line, sizeof(line), "export DISPLAY=:%d; %s", disp, cmd);
	struct group g = spawn_group(line, -1, err);

	ck_assert_msg(group_wait(&g, 10000), "did not finish: %s", cmd);
	ck_assert_msg(WIFEXITED(g.status) && WEXITSTATUS(g.status) == 0,
		      "failed (status %#x, log %s): %s", g.status, err, cmd);
	group_kill(&g);
}

START_TEST(tigervnc_layouts)
{
	char dir[] = "/tmp/vncterm-layouts-XXXXXX", cmd[512], err[96], rec[96];
	char want[256] = "", got[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(err, sizeof(err), "%s/log", dir);
	snprintf(rec, sizeof(rec), "%s/typed", dir);
	snprintf(cmd, sizeof(cmd), "stty raw -echo; printf '" HIDE "ready'; exec cat > %s", rec);

	const char *const args[] = { "-v", "127.0.0.1:172", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", cmd, NULL };
	struct vncterm *v = start_daemon(args, 172);
	struct group xvfb, viewer;
	int disp = start_tigervnc(dir, err, v->port, &xvfb, &viewer), x, y;
	char xwd[96];

	snprintf(xwd, sizeof(xwd), "%s/Xvfb_screen0", dir);
	/* Once "ready" shows, the tty is raw. */
	ck_assert_msg(wait_for_xscreen(xwd, 4, 20, HIDE_BYTES "ready", 15000, &x, &y) == 0,
		      "the viewer never showed the console (log %s)", err);
	for (size_t i = 0; i < sizeof(typed_layouts) / sizeof(typed_layouts[0]); i++) {
		snprintf(cmd, sizeof(cmd),
			 "setxkbmap %s && xdotool search --sync --name TigerVNC windowfocus --sync "
			 ">/dev/null && xdotool %s", typed_layouts[i].layout, typed_layouts[i].xdotool);
		x_command(disp, cmd, err);
		strcat(want, typed_layouts[i].bytes);
		ck_assert_msg(file_says(rec, want, 5000, got, sizeof(got)),
			      "after the %s layout the console read '%s', not '%s'",
			      typed_layouts[i].layout, got, want);
	}
	x_command(disp, "setxkbmap us && xdotool key Return", err);
	strcat(want, "\r");
	ck_assert_msg(file_says(rec, "\r", 5000, got, sizeof(got)) && !strcmp(got, want),
		      "the console read '%s', not exactly '%s'", got, want);
	fprintf(stderr, "real_viewers: TigerVNC typed ru, gr, pl and de exactly: %.*s\n",
		(int)strlen(want) - 1, want);
	group_kill(&viewer);
	group_kill(&xvfb);
	stop_daemon(v);
	remove_dir(dir);
}
END_TEST

/*
 * Paste on request with TigerVNC at its defaults: it sends the X
 * clipboard whenever it changes (SendClipboard).  Copying text on the
 * viewer's desktop types nothing; a middle click in the viewer types it.
 * The daemon's debug line says when the text has arrived, so "nothing
 * typed" is asserted after it, by a marker key that must come alone.
 */
START_TEST(tigervnc_paste_on_click)
{
	char dir[] = "/tmp/vncterm-tigerpaste-XXXXXX", cmd[512], err[96], rec[96], log[96];
	char got[256], xwd[96];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(err, sizeof(err), "%s/log", dir);
	snprintf(log, sizeof(log), "%s/vncterm.log", dir);
	snprintf(rec, sizeof(rec), "%s/typed", dir);
	snprintf(xwd, sizeof(xwd), "%s/Xvfb_screen0", dir);
	snprintf(cmd, sizeof(cmd), "stty raw -echo; printf '" HIDE "ready'; exec cat > %s", rec);

	const char *const args[] = { "-v", "127.0.0.1:173", "--geometry", "20x4", "--log-level",
				     "3", "-c", "/bin/sh", "-c", cmd, NULL };
	struct vncterm *v = start_logged(args, 173, log);
	struct group xvfb, viewer;
	int disp = start_tigervnc(dir, err, v->port, &xvfb, &viewer), x, y;

	ck_assert_msg(wait_for_xscreen(xwd, 4, 20, HIDE_BYTES "ready", 15000, &x, &y) == 0,
		      "the viewer never showed the console (log %s)", err);
	/* TigerVNC announces a clipboard change only while its window has the focus. */
	x_command(disp, "xdotool search --sync --name TigerVNC windowfocus --sync >/dev/null", err);
	/* xclip -quiet owns the CLIPBOARD selection, in the foreground, until killed. */
	snprintf(cmd, sizeof(cmd),
		 "export DISPLAY=:%d; printf 'echo pasted' | exec xclip -quiet -selection clipboard",
		 disp);
	struct group clip = spawn_group(cmd, -1, err);

	static char logged[256 * 1024];

	ck_assert_msg(file_says(log, "its clipboard (11 bytes) kept", 10000, logged,
				sizeof(logged)),
		      "TigerVNC's clipboard never reached vncterm (log %s)", log);
	x_command(disp, "xdotool key x", err);
	ck_assert_msg(file_says(rec, "x", 5000, got, sizeof(got)) && !strcmp(got, "x"),
		      "the console read '%s' before any paste, not 'x' alone", got);
	snprintf(cmd, sizeof(cmd), "xdotool mousemove %d %d click 2", x + 8, y + 8);
	x_command(disp, cmd, err);
	ck_assert_msg(file_says(rec, "xecho pasted", 5000, got, sizeof(got)) &&
			      !strcmp(got, "xecho pasted"),
		      "after the middle click the console read '%s'", got);
	fprintf(stderr, "real_viewers: TigerVNC's clipboard typed on the middle click only\n");
	group_kill(&clip);
	group_kill(&viewer);
	group_kill(&xvfb);
	stop_daemon(v);
	remove_dir(dir);
}
END_TEST

/*
 * Bold and italic at --font-scale 2, judged against pixels made here from
 * the font alone (not by the renderer): bold blue is colour 12 (#5C5CFF)
 * with each inked pixel's right neighbour inked too; italic moves glyph
 * rows 0-6 one font pixel right and rows 11-15 one left; every font pixel
 * is a 2x2 square.
 */
#define LOOK_SCALE 2
#define LOOK_BOLD "Bold"
#define LOOK_ITALIC "Italic"

static unsigned look_row(char ch, int y, bool bold, bool italic)
{
	const uint8_t *bits;
	unsigned row;

	ck_assert_int_eq(font_glyph((unsigned char)ch, &bits), 8);
	row = bits[y];
	if (italic)
		row = y < 7 ? row >> 1 : y >= 11 ? (row << 1) & 0xff : row;
	if (bold)
		row = (row | row >> 1) & 0xff;
	return row;
}

/* "Bold Italic" as the first 11 cells of a row, scaled: w x h pixels. */
static uint32_t *look_expected(int *w, int *h)
{
	static const char text[] = LOOK_BOLD " " LOOK_ITALIC;
	int n = (int)strlen(text), s = LOOK_SCALE;
	uint32_t *px;

	*w = n * 8 * s;
	*h = 16 * s;
	px = calloc((size_t)*w * (size_t)*h, sizeof(*px));
	ck_assert_ptr_nonnull(px);
	for (int i = 0; i < n; i++) {
		bool bold = i < (int)strlen(LOOK_BOLD), italic = i > (int)strlen(LOOK_BOLD);
		uint32_t fg = bold ? 0x5c5cff : 0xe5e5e5;

		for (int y = 0; y < 16 * s; y++)
			for (int x = 0; x < 8 * s; x++)
				if (look_row(text[i], y / s, bold, italic) & (0x80u >> (x / s)))
					px[y * *w + i * 8 * s + x] = fg;
	}
	return px;
}

START_TEST(tigervnc_bold_italic_scaled)
{
	const char *const args[] = {
		"-v", "127.0.0.1:454", "--geometry", "40x6", "--font-scale", "2", "-c", "/bin/sh",
		"-c", "printf '\\033[2J\\033[H" HIDE "\\033[1;34m" LOOK_BOLD "\\033[0m \\033[3m"
		LOOK_ITALIC "\\033[m'; exec sleep 1000", NULL,
	};
	char dir[] = "/tmp/vncterm-look-XXXXXX", err[96], xwd[96];
	int x = -1, y = -1, w, h;
	uint32_t *want = look_expected(&w, &h);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(err, sizeof(err), "%s/log", dir);
	snprintf(xwd, sizeof(xwd), "%s/Xvfb_screen0", dir);
	struct vncterm *v = start_daemon(args, 454);
	struct group xvfb, viewer;

	/* Raw and 24-bit colour: the viewer adds no difference of its own. */
	start_tigervnc(dir, err, v->port, &xvfb, &viewer);
	long bad = wait_for_xpixels(xwd, want, w, h, 15000, &x, &y);

	ck_assert_msg(bad == 0, "bold/italic at scale 2: %ld pixels differ at best (log %s)", bad,
		      err);
	fprintf(stderr, "real_viewers: TigerVNC showed bold and italic at scale 2 exactly at +%d+%d\n",
		x, y);
	free(want);
	group_kill(&viewer);
	group_kill(&xvfb);
	stop_daemon(v);
	remove_dir(dir);
}
END_TEST

/* Write pixels as little-endian 32-bit words, the form cdp.py reads and writes. */
static void write_pixels(const char *path, const uint32_t *px, int n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		unsigned char b[4] = { px[i] & 255, px[i] >> 8 & 255, px[i] >> 16 & 255, 0 };

		ck_assert_int_eq(fwrite(b, 1, 4, f), 4);
	}
	ck_assert_int_eq(fclose(f), 0);
}

/* Pixels of the file cdp.py wrote that differ from want; -1 if it is missing or short. */
static long file_mismatches(const char *path, const uint32_t *want, int n)
{
	FILE *f = fopen(path, "rb");
	long bad = 0;

	if (!f)
		return -1;
	for (int i = 0; i < n; i++) {
		unsigned char b[4];

		if (fread(b, 1, 4, f) != 4) {
			bad = -1;
			break;
		}
		uint32_t px = (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];

		bad += px != (want[i] & 0xffffff);
	}
	fclose(f);
	return bad;
}

#define WEB_FIRST "\033[2J\033[H" HIDE_BYTES "\033[1;35mnoVNC\033[0m in Chromium\r\n$ "
#define WEB_TYPED WEB_FIRST "echo web-$((6*7))\r\nweb-42\r\n$ "
/*
 * Beyond Latin-1: a check mark, CJK and a Latin-1 letter.  Debian's noVNC
 * 1.3 sends UTF-8 (the extended clipboard's Notify, then Provide once
 * asked) only to a server whose Caps announce Notify, which libvncserver
 * 0.9.14's do not; vncterm announces it and asks for the text (vnc.c,
 * clip_round()).  Without that noVNC falls back to ClientCutText with each
 * UTF-16 unit cut to a byte: U+2713 would arrive as 0x13, a control
 * vncterm drops, and the screen would differ.
 */
#define WEB_TEXT "\xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xc3\xbc"
#define WEB_PASTE "echo " WEB_TEXT
#define WEB_PASTED WEB_TYPED WEB_PASTE "\r\n" WEB_TEXT "\r\n$ "

START_TEST(novnc_in_chromium)
{
	const char *const args[] = {
		"-v", "127.0.0.1:171", "--geometry", "40x6", "-c", "/bin/sh", "-c",
		"printf '\\033[2J\\033[H" HIDE "\\033[1;35mnoVNC\\033[0m in Chromium\\r\\n'; "
		"PS1=\"$(printf '\\a')$ \" exec /bin/sh", NULL,
	};
	char dir[] = "/tmp/vncterm-novnc-XXXXXX", path[96], err[96], cmd[512];
	int w, h, w2, h2;
	int64_t t0 = now_ms();

	ck_assert_ptr_nonnull(mkdtemp(dir));
	uint32_t *want1 = expected_screen(6, 40, WEB_TYPED, &w, &h);
	uint32_t *want2 = expected_screen(6, 40, WEB_PASTED, &w2, &h2);

	ck_assert_ptr_nonnull(want1);
	ck_assert_ptr_nonnull(want2);
	snprintf(path, sizeof(path), "%s/want1.rgb", dir);
	write_pixels(path, want1, w * h);
	snprintf(path, sizeof(path), "%s/want2.rgb", dir);
	write_pixels(path, want2, w * h);
	snprintf(path, sizeof(path), "%s/paste.txt", dir);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(WEB_PASTE "\n", f);
	ck_assert_int_eq(fclose(f), 0);

	struct vncterm *v = start_daemon(args, 171);

	snprintf(err, sizeof(err), "%s/log", dir);
	snprintf(cmd, sizeof(cmd),
		 "exec python3 real_viewers/cdp.py %d '%s' %d %d 'echo web-$((6*7))'",
		 v->port, dir, w, h);
	struct group driver = spawn_group(cmd, -1, err);

	ck_assert_msg(group_wait(&driver, 40000), "cdp.py did not finish in 40 s (log %s)", err);
	/* Whatever Chromium left in the group goes now. */
	group_kill(&driver);
	ck_assert_msg(WIFEXITED(driver.status) && WEXITSTATUS(driver.status) == 0,
		      "cdp.py failed (status %#x, log %s)", driver.status, err);
	/* Judge its screenshots here as well, against the renderer's pictures. */
	snprintf(path, sizeof(path), "%s/got1.rgb", dir);
	long bad1 = file_mismatches(path, want1, w * h);

	snprintf(path, sizeof(path), "%s/got2.rgb", dir);
	long bad2 = file_mismatches(path, want2, w * h);

	ck_assert_msg(bad1 == 0, "noVNC's canvas after typing: %ld pixels differ", bad1);
	ck_assert_msg(bad2 == 0, "noVNC's canvas after the paste: %ld pixels differ", bad2);
	fprintf(stderr, "real_viewers: noVNC showed both exact screens, %lld ms in all\n",
		(long long)(now_ms() - t0));
	free(want1);
	free(want2);
	stop_daemon(v);
	remove_dir(dir);
}
END_TEST

Suite *real_viewers_suite(void)
{
	Suite *s = suite_create("real_viewers");
	TCase *tc = tcase_create("graphical viewers");

	tcase_set_timeout(tc, 45);
	tcase_add_test(tc, tigervnc_viewer);
	tcase_add_test(tc, tigervnc_bold_italic_scaled);
	tcase_add_test(tc, novnc_in_chromium);
	tcase_add_test(tc, tigervnc_layouts);
	tcase_add_test(tc, tigervnc_paste_on_click);
	suite_add_tcase(s, tc);
	return s;
}
