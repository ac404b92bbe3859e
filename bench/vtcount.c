/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vtcount -- what the emulator costs, in figures a busy machine cannot
 * blur: instructions per MB of input as callgrind counts them (ours next
 * to libvterm's, measured in the same run), the share of them that
 * scrollback_push() takes while scrolling, and the heap bytes the
 * scrollback holds per line.
 *
 * usage: vtcount                 run every figure (needs valgrind)
 *        vtcount feed EMU WL MB  feed one workload (what valgrind runs):
 *                                EMU ours, libvterm, or render (ours and
 *                                the daemon's renderer after each write)
 *        vtcount sbmem           scrollback bytes per line only
 *
 * The driver runs `valgrind --tool=callgrind --toggle-collect=FN vtcount
 * feed ...` and reads the instruction total from callgrind's output file:
 * with --toggle-collect only the instructions inside FN (and what it
 * calls) count, so generating the stream and making the emulator do not.
 * VTCOUNT_MB sets the MB fed per workload (default 1).  Figures only: the
 * exit status is 0 whatever they are, 2 for a bad command line, 1 if a
 * run could not be made.
 */
#include "bench/workload.h"
#include "vncterm/render.h"
#include "vt100/vt100.h"

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vterm.h>

#define CHUNK 4096
#define SCROLLBACK 10000
#define DEFAULT_MB 1
#define MAX_MB 64

/* The workloads the figures are given for, and their targets (0: none). */
struct figure {
	enum workload_kind kind;
	double target_mi; /* M instructions per MB, ours */
};

static const struct figure figures[] = {
	{ WL_SCROLL, 110 },
	{ WL_SGR_TEXT, 70 },
	{ WL_ASCII, 0 },
	{ WL_CJK, 0 },
	{ WL_CELLS, 0 },
};

#define PUSH_SHARE_TARGET 10.0 /* % of the emulator's instructions */
#define SB_BYTES_TARGET 80.0   /* per 60-character line */

/* ---- the fed side: what runs under valgrind ---- */

static void no_output(const char *buf, size_t len, void *user)
{
	(void)buf;
	(void)len;
	(void)user;
}

static void no_span(int row, int start, int end, void *user)
{
	(void)row;
	(void)start;
	(void)end;
	(void)user;
}

static void no_scroll(int top, int bottom, int count, void *user)
{
	(void)top;
	(void)bottom;
	(void)count;
	(void)user;
}

/* Named in --toggle-collect: only what happens in here is counted. */
__attribute__((noinline)) void vtcount_feed_ours(struct vt *vt, const char *buf, size_t len);
__attribute__((noinline)) void vtcount_feed_ours(struct vt *vt, const char *buf, size_t len)
{
	static const struct vt_damage_callbacks dcb = { .scroll = no_scroll, .span = no_span };

	for (size_t off = 0; off < len; off += CHUNK) {
		vt_write(vt, buf + off, len - off < CHUNK ? len - off : CHUNK);
		vt_damage_flush(vt, &dcb, NULL);
	}
}

static void no_copy(int x, int y, int w, int h, int dx, int dy, void *user)
{
	(void)x, (void)y, (void)w, (void)h, (void)dx, (void)dy, (void)user;
}

static void no_damage(int x, int y, int w, int h, void *user)
{
	(void)x, (void)y, (void)w, (void)h, (void)user;
}

/*
 * What the daemon's main thread does with output, VNC aside: the emulator
 * takes each read, then the framebuffer is brought up to date.
 */
__attribute__((noinline)) void vtcount_feed_render(struct vt *vt, struct render *r, const char *buf,
						   size_t len);
__attribute__((noinline)) void vtcount_feed_render(struct vt *vt, struct render *r, const char *buf,
						   size_t len)
{
	static const struct render_callbacks cb = { .copy = no_copy, .damage = no_damage };

	for (size_t off = 0; off < len; off += CHUNK) {
		vt_write(vt, buf + off, len - off < CHUNK ? len - off : CHUNK);
		render_update(r, vt, &cb, NULL);
	}
}

static int lv_damage(VTermRect r, void *user)
{
	(void)r;
	(void)user;
	return 1;
}

static int lv_moverect(VTermRect dest, VTermRect src, void *user)
{
	(void)dest;
	(void)src;
	(void)user;
	return 1;
}

/* As vtbench: a ring of SCROLLBACK lines is what a user of libvterm keeps. */
struct lv_ring {
	VTermScreenCell *cells;
	size_t head;
};

static int lv_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct lv_ring *r = user;
	size_t n = cols < WL_COLS ? (size_t)cols : WL_COLS;

	memcpy(r->cells + r->head * WL_COLS, cells, n * sizeof(*cells));
	r->head = (r->head + 1) % SCROLLBACK;
	return 1;
}

__attribute__((noinline)) void vtcount_feed_libvterm(VTerm *vt, const char *buf, size_t len);
__attribute__((noinline)) void vtcount_feed_libvterm(VTerm *vt, const char *buf, size_t len)
{
	VTermScreen *screen = vterm_obtain_screen(vt);

	for (size_t off = 0; off < len; off += CHUNK) {
		vterm_input_write(vt, buf + off, len - off < CHUNK ? len - off : CHUNK);
		vterm_screen_flush_damage(screen);
	}
}

static int feed_ours(const char *buf, size_t len, bool render)
{
	static const struct vt_callbacks cb = { .output = no_output };
	struct vt *vt = vt_new(WL_ROWS, WL_COLS, &cb, NULL);
	struct render *r = render ? render_new(WL_ROWS, WL_COLS, 1) : NULL;

	if (!vt || vt_set_scrollback(vt, SCROLLBACK) < 0 || (render && !r)) {
		fprintf(stderr, "vtcount: vt_new or render_new: out of memory\n");
		return 1;
	}
	if (render)
		vtcount_feed_render(vt, r, buf, len);
	else
		vtcount_feed_ours(vt, buf, len);
	if (r)
		render_free(r);
	vt_free(vt);
	return 0;
}

static int feed_libvterm(const char *buf, size_t len)
{
	static const VTermScreenCallbacks cb = {
		.damage = lv_damage,
		.moverect = lv_moverect,
		.sb_pushline = lv_pushline,
	};
	struct lv_ring ring = { .cells = calloc((size_t)SCROLLBACK * WL_COLS,
						sizeof(VTermScreenCell)) };
	VTerm *vt = vterm_new(WL_ROWS, WL_COLS);

	if (!vt || !ring.cells) {
		fprintf(stderr, "vtcount: vterm_new or its scrollback: out of memory\n");
		return 1;
	}
	vterm_set_utf8(vt, 1);
	VTermScreen *screen = vterm_obtain_screen(vt);
	vterm_screen_set_callbacks(screen, &cb, &ring);
	vterm_screen_enable_altscreen(screen, 1);
	vterm_screen_set_damage_merge(screen, VTERM_DAMAGE_SCROLL);
	vterm_screen_reset(screen, 1);
	vterm_screen_flush_damage(screen);
	vtcount_feed_libvterm(vt, buf, len);
	vterm_free(vt);
	free(ring.cells);
	return 0;
}

static int find_workload(const char *name)
{
	for (int k = 0; k < WL_COUNT; k++)
		if (!strcmp(name, workload_name(k)))
			return k;
	return -1;
}

static int cmd_feed(const char *emu, const char *wl, const char *mb_s)
{
	int k = find_workload(wl);
	long mb = strtol(mb_s, NULL, 10);
	size_t len;

	if (k < 0 || mb < 1 || mb > MAX_MB ||
	    (strcmp(emu, "ours") && strcmp(emu, "render") && strcmp(emu, "libvterm"))) {
		fprintf(stderr, "vtcount: feed ours|render|libvterm WORKLOAD 1-%d\n", MAX_MB);
		return 2;
	}
	char *buf = workload_generate(k, (size_t)mb * 1000000, &len);
	if (!buf) {
		fprintf(stderr, "vtcount: %s: out of memory\n", wl);
		return 1;
	}
	int rc = !strcmp(emu, "libvterm") ? feed_libvterm(buf, len)
					   : feed_ours(buf, len, !strcmp(emu, "render"));
	free(buf);
	return rc;
}

/* ---- scrollback memory ---- */

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/*
 * Heap bytes per scrollback line: SB_LINES lines of 60 characters in four
 * runs (plain, bold red, 256-colour, plain), each line's text its own,
 * pushed through a full screen into an empty scrollback of SB_LINES lines.
 * Everything the scrollback allocates counts, the allocator's own
 * overhead included.  -1 if the emulator cannot be made.
 */
#define SB_LINES 10000
static double sb_bytes_per_line(void)
{
	static const struct vt_callbacks cb = { .output = no_output };
	struct vt *vt = vt_new(WL_ROWS, WL_COLS, &cb, NULL);
	char line[160];

	/* The scrollback's fixed part (its ring of line slots) counts too. */
	if (!vt || vt_set_scrollback(vt, 0) < 0)
		return -1;
	size_t before = heap_in_use();
	if (vt_set_scrollback(vt, SB_LINES) < 0)
		return -1;
	for (int i = 0; i < SB_LINES + WL_ROWS; i++) {
		int n = snprintf(line, sizeof(line),
				 "line %09d \033[1;31mbold red %06d\033[0m"
				 "\033[38;5;33mcolour 256 ... \033[0mplain text tail\r\n",
				 i, i % 1000000);
		vt_write(vt, line, (size_t)n);
	}
	size_t after = heap_in_use();
	int count = vt_scrollback_count(vt);
	vt_free(vt);
	return count > 0 ? (double)(after - before) / count : -1;
}

/* ---- the driver: valgrind runs and their figures ---- */

/*
 * Instructions callgrind counted inside fn while `vtcount feed emu wl mb`
 * ran; 0 if the run failed (the reason is on stderr).
 */
static uint64_t count_ir(const char *self, const char *dir, const char *fn,
			 const char *emu, const char *wl, const char *mb)
{
	char out[4096], toggle[128], outarg[4200], line[256];
	uint64_t ir = 0;

	snprintf(out, sizeof(out), "%s/%s.%s.%s", dir, emu, wl, fn);
	snprintf(outarg, sizeof(outarg), "--callgrind-out-file=%s", out);
	snprintf(toggle, sizeof(toggle), "--toggle-collect=%s", fn);
	pid_t pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		execlp("valgrind", "valgrind", "-q", "--tool=callgrind", toggle, outarg, self,
		       "feed", emu, wl, mb, (char *)NULL);
		fprintf(stderr, "vtcount: cannot run valgrind: %s; install Debian's valgrind\n",
			strerror(errno));
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "vtcount: valgrind on feed %s %s failed\n", emu, wl);
		return 0;
	}
	FILE *f = fopen(out, "r");
	if (!f) {
		fprintf(stderr, "vtcount: %s: %s\n", out, strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "totals:", 7))
			ir = strtoull(line + 7, NULL, 10);
	fclose(f);
	unlink(out);
	return ir;
}

static int mb_setting(void)
{
	const char *s = getenv("VTCOUNT_MB");
	char *end;

	if (!s || !*s)
		return DEFAULT_MB;
	long mb = strtol(s, &end, 10);
	if (*end || mb < 1 || mb > MAX_MB) {
		fprintf(stderr, "vtcount: VTCOUNT_MB=%s is not 1-%d; using %d\n", s, MAX_MB,
			DEFAULT_MB);
		return DEFAULT_MB;
	}
	return (int)mb;
}

static void print_sbmem(void)
{
	double b = sb_bytes_per_line();

	if (b < 0) {
		printf("scrollback: cannot make the emulator\n");
		return;
	}
	printf("scrollback: %.1f heap bytes per 60-character line of 4 runs "
	       "(target <= %.0f: %s)\n", b, SB_BYTES_TARGET, b <= SB_BYTES_TARGET ? "ok" : "ABOVE");
}

static int run_all(const char *self)
{
	char dir[] = "/tmp/vtcount-XXXXXX", mb_s[16];
	int mb = mb_setting();
	uint64_t scroll_total = 0;

	if (!mkdtemp(dir)) {
		fprintf(stderr, "vtcount: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(mb_s, sizeof(mb_s), "%d", mb);
	printf("vtcount: callgrind instructions per MB fed (%d MB, %dx%d, %d lines of "
	       "scrollback, %d-byte writes, damage flushed after each)\n",
	       mb, WL_COLS, WL_ROWS, SCROLLBACK, CHUNK);
	printf("%-10s %12s %12s %8s %8s  %s\n", "workload", "ours M/MB", "libvterm M/MB",
	       "ratio", "target", "ok/ABOVE");
	fflush(stdout);
	for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		const char *wl = workload_name(figures[i].kind);
		double ours = count_ir(self, dir, "vtcount_feed_ours", "ours", wl, mb_s) / 1e6 / mb;
		double lv = count_ir(self, dir, "vtcount_feed_libvterm", "libvterm", wl, mb_s) / 1e6 /
			    mb;
		char target[16] = "-", ratio[16] = "-";
		const char *status = "-";

		if (figures[i].kind == WL_SCROLL)
			scroll_total = (uint64_t)(ours * 1e6 * mb);
		if (ours > 0 && lv > 0)
			snprintf(ratio, sizeof(ratio), "%.1fx", lv / ours);
		if (figures[i].target_mi > 0) {
			snprintf(target, sizeof(target), "<=%.0f", figures[i].target_mi);
			if (ours > 0)
				status = ours <= figures[i].target_mi ? "ok" : "ABOVE";
		}
		printf("%-10s %12.1f %12.1f %8s %8s  %s\n", wl, ours, lv, ratio, target, status);
		fflush(stdout);
	}
	const char *scroll = workload_name(WL_SCROLL);
	uint64_t push = count_ir(self, dir, "scrollback_push", "ours", scroll, mb_s);
	uint64_t main_total = count_ir(self, dir, "vtcount_feed_render", "render", scroll, mb_s);
	uint64_t main_push = count_ir(self, dir, "scrollback_push", "render", scroll, mb_s);

	if (scroll_total && push && main_total && main_push) {
		double share = 100.0 * (double)push / (double)scroll_total;
		double main_share = 100.0 * (double)main_push / (double)main_total;

		printf("scrollback_push on %s: %.1f%% of the emulator's instructions; %.1f%% of "
		       "the emulator's and the renderer's (%.0f M/MB, the main thread but VNC) "
		       "(target <= %.0f%%: %s)\n",
		       scroll, share, main_share, (double)main_total / 1e6 / mb, PUSH_SHARE_TARGET,
		       main_share <= PUSH_SHARE_TARGET ? "ok" : "ABOVE");
	}
	rmdir(dir);
	print_sbmem();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "feed"))
		return cmd_feed(argv[2], argv[3], argv[4]);
	if (argc == 2 && !strcmp(argv[1], "sbmem")) {
		print_sbmem();
		return 0;
	}
	if (argc == 1) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0) {
			fprintf(stderr, "vtcount: /proc/self/exe: %s\n", strerror(errno));
			return 1;
		}
		self[n] = '\0';
		return run_all(self);
	}
	fprintf(stderr, "usage: vtcount [feed ours|render|libvterm WORKLOAD MB | sbmem]\n");
	return 2;
}
