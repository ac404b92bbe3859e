/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The renderer benchmark: each emulator workload fed in 4096-byte writes,
 * the framebuffer brought up to date after every write (one "frame"), at
 * 80x25 and 200x60.  Prints frames per second, MB/s of console output and
 * how many cells were repainted per frame: rendering is bounded by the
 * damaged area, so a flood of bytes costs at most a screenful per frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/workload.h"
#include "vncterm/render.h"

#define CHUNK 4096

struct count {
	long long pixels;
	long copies;
};

static void on_copy(int x, int y, int w, int h, int dx, int dy, void *user)
{
	(void)x, (void)y, (void)w, (void)h, (void)dx, (void)dy;
	((struct count *)user)->copies++;
}

static void on_damage(int x, int y, int w, int h, void *user)
{
	(void)x, (void)y;
	((struct count *)user)->pixels += (long long)w * h;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(const char *buf, size_t len, int rows, int cols)
{
	static const struct render_callbacks cb = { .copy = on_copy, .damage = on_damage };
	struct vt *vt = vt_new(rows, cols, NULL, NULL);
	struct render *r = render_new(rows, cols, 1);
	struct count c = { 0, 0 };
	long frames = 0;

	if (!vt || !r) {
		fprintf(stderr, "renderbench: out of memory\n");
		return -1;
	}
	double t0 = now();

	for (size_t off = 0; off < len; off += CHUNK) {
		vt_write(vt, buf + off, len - off < CHUNK ? len - off : CHUNK);
		render_update(r, vt, &cb, &c);
		frames++;
	}
	double t = now() - t0;
	double cells = (double)c.pixels / (RENDER_CELL_W * RENDER_CELL_H);

	printf("%-10s %4dx%-4d %10.0f %10.1f %12.1f %8.0f%%\n", "", cols, rows, frames / t,
	       (double)len / 1e6 / t, cells / (double)frames,
	       100.0 * cells / (double)frames / (rows * cols));
	render_free(r);
	vt_free(vt);
	return 0;
}

int main(void)
{
	const char *env = getenv("BENCH_MB");
	size_t mb = env ? strtoul(env, NULL, 10) : 20;

	if (mb < 1 || mb > 4096)
		mb = 20;
	printf("renderbench: %zu MB per workload, a frame after every %d-byte write\n", mb, CHUNK);
	printf("%-10s %9s %10s %10s %12s %9s\n", "workload", "size", "frames/s", "MB/s",
	       "cells/frame", "of screen");
	for (int k = 0; k < WL_COUNT; k++) {
		size_t len;
		char *buf = workload_generate((enum workload_kind)k, mb * 1000000, &len);

		if (!buf) {
			fprintf(stderr, "renderbench: out of memory\n");
			return 1;
		}
		printf("%s\n", workload_name((enum workload_kind)k));
		if (run(buf, len, 25, 80) < 0 || run(buf, len, 60, 200) < 0)
			return 1;
		free(buf);
	}
	return 0;
}
