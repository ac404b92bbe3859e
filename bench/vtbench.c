/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vtbench -- how fast our emulator takes in bytes, next to libvterm.
 *
 * Each workload (see workload.h) is fed to both emulators at 80x25 with
 * 10,000 lines of scrollback, in 4096-byte chunks -- what one read() from
 * a pty gives the daemon -- with the damage flushed after every chunk, as
 * the daemon does before it paints.  The best of three runs counts, and
 * only feeding and flushing are timed: creating the emulator and
 * generating the bytes are not.
 *
 * usage: vtbench [--only-ours | --only-libvterm] [-v] [WORKLOAD...]
 * BENCH_MB sets the size of each stream in MB (10^6 bytes; default 20).
 * The exit status is 0 whatever the figures: a benchmark reports, the
 * reader judges.  Only a bad command line gives 2.
 */
#include "bench/workload.h"
#include "vt100/vt100.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <vterm.h>

#define CHUNK 4096
#define RUNS 3
#define SCROLLBACK 10000
#define DEFAULT_MB 20
/* Large enough for any real use, small enough that size_t math is safe. */
#define MAX_MB 4096

/*
 * The minimum ratio ours/libvterm each workload should reach; 0 for the
 * ones measured but given no target (region scrolling, CJK).
 */
static const unsigned target_ratio[WL_COUNT] = {
	[WL_ASCII] = 10, [WL_SCROLL] = 10, [WL_SGR_TEXT] = 10,
	[WL_CELLS] = 2,	 [WL_CURSOR] = 2,
};

/*
 * What the damage callbacks were told.  Summing it gives the callbacks
 * work with a visible result, and -v prints it to show that both
 * emulators really did repaint.
 */
struct damage_sum {
	uint64_t cells; /* cells reported changed */
	uint64_t moved; /* rows reported moved by a scroll */
};

struct options {
	bool ours, libvterm, verbose;
	bool selected[WL_COUNT]; /* all true unless workloads were named */
	size_t size;             /* bytes per stream */
};

struct result {
	double seconds; /* best run; < 0 if not run or it failed */
	struct damage_sum damage; /* of the last run */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t chunk_len(size_t len, size_t off)
{
	return len - off < CHUNK ? len - off : CHUNK;
}

/* ---- ours ---- */

static void ours_span(int row, int start, int end, void *user)
{
	struct damage_sum *d = user;

	(void)row;
	d->cells += (uint64_t)(end - start);
}

static void ours_scroll(int top, int bottom, int count, void *user)
{
	struct damage_sum *d = user;

	(void)count;
	d->moved += (uint64_t)(bottom - top);
}

/* The workloads send no queries and no titles; these are for safety. */
static void ours_output(const char *buf, size_t len, void *user)
{
	(void)buf;
	(void)len;
	(void)user;
}

static void ours_title(const char *title, void *user)
{
	(void)title;
	(void)user;
}

static void ours_bell(void *user)
{
	(void)user;
}

/* One timed pass over buf: seconds, or -1 if the emulator can't be made. */
static double run_ours(const char *buf, size_t len, struct damage_sum *d)
{
	static const struct vt_callbacks cb = {
		.output = ours_output,
		.title = ours_title,
		.bell = ours_bell,
	};
	static const struct vt_damage_callbacks dcb = {
		.scroll = ours_scroll,
		.span = ours_span,
	};
	struct vt *vt = vt_new(WL_ROWS, WL_COLS, &cb, NULL);

	if (!vt)
		return -1;
	if (vt_set_scrollback(vt, SCROLLBACK) < 0) {
		vt_free(vt);
		return -1;
	}
	/* A new screen may start all damaged: the first paint, not input. */
	vt_damage_flush(vt, &dcb, d);
	*d = (struct damage_sum){ 0 };

	double t0 = now();
	for (size_t off = 0; off < len; off += CHUNK) {
		vt_write(vt, buf + off, chunk_len(len, off));
		vt_damage_flush(vt, &dcb, d);
	}
	double t = now() - t0;

	vt_free(vt);
	return t;
}

/* ---- libvterm ---- */

/*
 * libvterm keeps no scrollback of its own: it hands each line leaving the
 * top to sb_pushline.  Copying it into a ring of SCROLLBACK lines is what
 * a real user of libvterm does and what ours does inside, so it is timed.
 */
struct lv_ctx {
	VTermScreenCell *ring; /* SCROLLBACK lines of WL_COLS cells */
	size_t head, count;
	struct damage_sum damage;
};

static int lv_damage(VTermRect r, void *user)
{
	struct lv_ctx *c = user;

	c->damage.cells += (uint64_t)(r.end_row - r.start_row) *
			   (uint64_t)(r.end_col - r.start_col);
	return 1;
}

/* Accepting the move is what a renderer copying pixels would do. */
static int lv_moverect(VTermRect dest, VTermRect src, void *user)
{
	struct lv_ctx *c = user;

	(void)src;
	c->damage.moved += (uint64_t)(dest.end_row - dest.start_row);
	return 1;
}

static int lv_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct lv_ctx *c = user;
	size_t n = cols < WL_COLS ? (size_t)cols : WL_COLS;

	memcpy(c->ring + c->head * WL_COLS, cells, n * sizeof(*cells));
	c->head = (c->head + 1) % SCROLLBACK;
	if (c->count < SCROLLBACK)
		c->count++;
	return 1;
}

/* One timed pass over buf: seconds, or -1 if libvterm can't be made. */
static double run_libvterm(const char *buf, size_t len, struct lv_ctx *c)
{
	static const VTermScreenCallbacks cb = {
		.damage = lv_damage,
		.moverect = lv_moverect,
		.sb_pushline = lv_pushline,
	};
	VTerm *vt = vterm_new(WL_ROWS, WL_COLS);

	if (!vt)
		return -1;
	vterm_set_utf8(vt, 1);
	VTermScreen *screen = vterm_obtain_screen(vt);
	vterm_screen_set_callbacks(screen, &cb, c);
	vterm_screen_enable_altscreen(screen, 1);
	vterm_screen_set_damage_merge(screen, VTERM_DAMAGE_SCROLL);
	vterm_screen_reset(screen, 1);
	vterm_screen_flush_damage(screen);
	c->head = c->count = 0;
	c->damage = (struct damage_sum){ 0 };

	double t0 = now();
	for (size_t off = 0; off < len; off += CHUNK) {
		vterm_input_write(vt, buf + off, chunk_len(len, off));
		vterm_screen_flush_damage(screen);
	}
	double t = now() - t0;

	vterm_free(vt);
	return t;
}

/* ---- driver ---- */

static void bench_ours(const char *buf, size_t len, bool verbose,
		       struct result *res)
{
	res->seconds = -1;
	for (int i = 0; i < RUNS; i++) {
		double t = run_ours(buf, len, &res->damage);
		if (t < 0) {
			fprintf(stderr, "vtbench: vt_new: %s\n", strerror(errno));
			res->seconds = -1;
			return;
		}
		if (verbose)
			fprintf(stderr, "  ours     run %d: %.3f s\n", i + 1, t);
		if (res->seconds < 0 || t < res->seconds)
			res->seconds = t;
	}
	if (verbose)
		fprintf(stderr, "  ours     damage: %llu cells, %llu rows moved\n",
			(unsigned long long)res->damage.cells,
			(unsigned long long)res->damage.moved);
}

static void bench_libvterm(const char *buf, size_t len, bool verbose,
			   struct lv_ctx *c, struct result *res)
{
	res->seconds = -1;
	for (int i = 0; i < RUNS; i++) {
		double t = run_libvterm(buf, len, c);
		if (t < 0) {
			fprintf(stderr, "vtbench: vterm_new failed\n");
			res->seconds = -1;
			return;
		}
		if (verbose)
			fprintf(stderr, "  libvterm run %d: %.3f s\n", i + 1, t);
		if (res->seconds < 0 || t < res->seconds)
			res->seconds = t;
	}
	res->damage = c->damage;
	if (verbose)
		fprintf(stderr,
			"  libvterm damage: %llu cells, %llu rows moved, "
			"%zu lines in scrollback\n",
			(unsigned long long)res->damage.cells,
			(unsigned long long)res->damage.moved, c->count);
}

static double mb_per_s(size_t len, double seconds)
{
	return (double)len / 1e6 / seconds;
}

static void print_row(enum workload_kind kind, size_t len,
		      const struct result *ours, const struct result *lv)
{
	char o[32] = "-", l[32] = "-", ratio[32] = "-", target[32] = "-";
	const char *status = "-";
	unsigned want = target_ratio[kind];

	if (ours->seconds > 0)
		snprintf(o, sizeof(o), "%.1f", mb_per_s(len, ours->seconds));
	if (lv->seconds > 0)
		snprintf(l, sizeof(l), "%.1f", mb_per_s(len, lv->seconds));
	if (want)
		snprintf(target, sizeof(target), ">=%ux", want);
	if (ours->seconds > 0 && lv->seconds > 0) {
		/* Same bytes on both sides, so the ratio of times is the ratio of rates. */
		double r = lv->seconds / ours->seconds;
		snprintf(ratio, sizeof(ratio), "%.2fx", r);
		if (want)
			status = r >= want ? "ok" : "BELOW";
	}
	printf("%-10s %10s %14s %8s %7s  %s\n", workload_name(kind), o, l,
	       ratio, target, status);
	fflush(stdout);
}

static size_t bench_size(void)
{
	const char *s = getenv("BENCH_MB");
	char *end;

	if (!s || !*s)
		return (size_t)DEFAULT_MB * 1000000;
	errno = 0;
	unsigned long mb = strtoul(s, &end, 10);
	if (errno || *end || mb < 1 || mb > MAX_MB) {
		fprintf(stderr, "vtbench: BENCH_MB=%s is not 1-%d; using %d\n", s,
			MAX_MB, DEFAULT_MB);
		mb = DEFAULT_MB;
	}
	return (size_t)mb * 1000000;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vtbench [--only-ours | --only-libvterm] [-v] "
		   "[WORKLOAD...]\nworkloads:");
	for (int k = 0; k < WL_COUNT; k++)
		fprintf(f, " %s", workload_name(k));
	fprintf(f, "\nBENCH_MB: MB per workload (default %d)\n", DEFAULT_MB);
}

/* 0, or the exit status for a bad command line. */
static int parse_args(int argc, char **argv, struct options *opt)
{
	bool named = false;

	*opt = (struct options){ .ours = true, .libvterm = true };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int k;

		if (!strcmp(a, "--only-ours")) {
			opt->libvterm = false;
		} else if (!strcmp(a, "--only-libvterm")) {
			opt->ours = false;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			opt->verbose = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else {
			for (k = 0; k < WL_COUNT; k++)
				if (!strcmp(a, workload_name(k)))
					break;
			if (k == WL_COUNT) {
				fprintf(stderr, "vtbench: unknown argument '%s'\n", a);
				usage(stderr);
				return 2;
			}
			opt->selected[k] = true;
			named = true;
		}
	}
	if (!opt->ours && !opt->libvterm) {
		fprintf(stderr, "vtbench: --only-ours and --only-libvterm "
				"exclude each other\n");
		return 2;
	}
	if (!named)
		for (int k = 0; k < WL_COUNT; k++)
			opt->selected[k] = true;
	opt->size = bench_size();
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt;
	struct lv_ctx lv = { 0 };
	int rc = parse_args(argc, argv, &opt);

	if (rc)
		return rc;
	if (opt.libvterm) {
		lv.ring = calloc((size_t)SCROLLBACK * WL_COLS, sizeof(*lv.ring));
		if (!lv.ring) {
			fprintf(stderr, "vtbench: out of memory for libvterm's "
					"scrollback; measuring ours only\n");
			opt.libvterm = false;
		}
	}

	printf("vtbench: %dx%d, %d lines of scrollback, %.0f MB per workload, "
	       "%d-byte writes, damage flushed after each, best of %d\n",
	       WL_COLS, WL_ROWS, SCROLLBACK, (double)opt.size / 1e6, CHUNK,
	       RUNS);
	printf("%-10s %10s %14s %8s %7s  %s\n", "workload", "ours MB/s",
	       "libvterm MB/s", "ratio", "target", "ok/BELOW");
	fflush(stdout);

	for (int k = 0; k < WL_COUNT; k++) {
		struct result ours = { .seconds = -1 }, vterm = { .seconds = -1 };
		size_t len;

		if (!opt.selected[k])
			continue;
		char *buf = workload_generate(k, opt.size, &len);
		if (!buf) {
			fprintf(stderr, "vtbench: %s: out of memory\n",
				workload_name(k));
			continue;
		}
		if (opt.verbose)
			fprintf(stderr, "%s: %zu bytes\n", workload_name(k), len);
		if (opt.ours)
			bench_ours(buf, len, opt.verbose, &ours);
		if (opt.libvterm)
			bench_libvterm(buf, len, opt.verbose, &lv, &vterm);
		free(buf);
		print_row(k, len, &ours, &vterm);
	}

	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("peak RSS: %.1f MiB (the whole process: %s, "
		       "one workload's bytes)\n",
		       (double)ru.ru_maxrss / 1024.0,
		       opt.ours && opt.libvterm
			       ? "both emulators, libvterm's scrollback ring"
		       : opt.ours ? "our emulator"
				  : "libvterm and its scrollback ring");
	free(lv.ring);
	return 0;
}
