/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon end to end, with one libvncclient viewer on loopback:
 * - MB/s of console output until the viewer's framebuffer shows the final
 *   screen, for each emulator workload (a raw pty, so bytes pass as made);
 * - echo latency: a key sent until the viewer's pixels change, through a
 *   program that echoes (cat on a raw pty); median and p99;
 * - private dirty memory (smaps_rollup) idle without and with a viewer;
 * - voluntary context switches over 10 s idle, without and with a viewer.
 * Figures only; it never fails on them.
 */
#include <rfb/keysym.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/workload.h"
#include "tests/integration/util_vncterm.h"

#define TARGET_MBS 50.0

static long status_field(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

static double throughput(enum workload_kind k, size_t mb)
{
	char path[] = "/tmp/vncterm-bench-XXXXXX", cmd[256];
	size_t len;
	char *buf = workload_generate(k, mb * 1000000, &len);
	int fd = mkstemp(path), w, h;
	double mbs = -1;

	if (!buf || fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		fprintf(stderr, "daemonbench: cannot write the workload\n");
		exit(1);
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "stty raw -echo; head -c 1 >/dev/null; exec cat %s", path);
	const char *const args[] = { "-v", "127.0.0.1:840", "-s", "-c", "/bin/sh", "-c", cmd, NULL };
	struct vncterm *v = vncterm_start(args);
	rfbClient *c = v ? vnc_connect("127.0.0.1", v->port) : NULL;
	/* the workload is not a C string: pass its length */
	uint32_t *want = expected_pixels(WL_ROWS, WL_COLS, buf, len, 0, &w, &h);

	if (c && want) {
		vnc_pump(c, now_ms() + 300);
		int64_t t0 = now_ms();

		SendKeyEvent(c, XK_Return, TRUE);
		SendKeyEvent(c, XK_Return, FALSE);
		if (wait_for_screen(c, want, w, h, now_ms() + 120000))
			mbs = (double)len / 1e6 / ((double)(now_ms() - t0) / 1000.0);
		vnc_disconnect(c);
	}
	if (v)
		vncterm_stop(v, 3000);
	free(want);
	free(buf);
	unlink(path);
	return mbs;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Key to changed pixels, in microseconds; median and p99 of n samples. */
static void echo_latency(int n, long long *median, long long *p99)
{
	const char *const args[] = { "-v", "127.0.0.1:840", "-c", "/bin/sh", "-c",
				     "stty raw -echo; exec cat", NULL };
	struct vncterm *v = vncterm_start(args);
	rfbClient *c = v ? vnc_connect("127.0.0.1", v->port) : NULL;
	long long *us = calloc((size_t)n, sizeof(*us));
	int got = 0;

	*median = *p99 = -1;
	if (c && us) {
		vnc_pump(c, now_ms() + 300);
		size_t size = (size_t)c->width * (size_t)c->height * 4;
		char *before = malloc(size);

		for (int i = 0; i < n && before; i++) {
			struct timespec t0, t1;

			memcpy(before, c->frameBuffer, size);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			vnc_key(c, i % 2 ? XK_a : XK_b);
			int64_t deadline = now_ms() + 2000;

			/*
			 * One message at a time, looking after each: pumping until a
			 * deadline would add the rest of that slice to every sample.
			 */
			while (memcmp(before, c->frameBuffer, size) == 0 && now_ms() < deadline)
				if (!vnc_handle_one(c, 50))
					break;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (memcmp(before, c->frameBuffer, size) != 0)
				us[got++] = (t1.tv_sec - t0.tv_sec) * 1000000LL +
					    (t1.tv_nsec - t0.tv_nsec) / 1000;
			vnc_pump(c, now_ms() + 2); /* let the cursor's update land */
		}
		free(before);
		vnc_disconnect(c);
	}
	if (got) {
		qsort(us, (size_t)got, sizeof(*us), cmp_ll);
		*median = us[got / 2];
		*p99 = us[(got * 99) / 100 < got ? (got * 99) / 100 : got - 1];
	}
	free(us);
	if (v)
		vncterm_stop(v, 3000);
}

static void idle_figures(void)
{
	const char *const args[] = { "-v", "127.0.0.1:840", "-c", "/bin/sh", "-c",
				     "exec cat >/dev/null", NULL };
	struct vncterm *v = vncterm_start(args);

	if (!v)
		return;
	usleep(500 * 1000);
	long dirty0 = status_field(v->pid, "smaps_rollup", "Private_Dirty:");
	long cs0 = status_field(v->pid, "status", "voluntary_ctxt_switches:");

	sleep(10);
	long cs1 = status_field(v->pid, "status", "voluntary_ctxt_switches:");
	rfbClient *c = vnc_connect("127.0.0.1", v->port);

	if (c)
		vnc_pump(c, now_ms() + 500);
	long dirty1 = status_field(v->pid, "smaps_rollup", "Private_Dirty:");
	long cs2 = status_field(v->pid, "status", "voluntary_ctxt_switches:");

	/* The viewer keeps reading and asking for updates, as real viewers do. */
	if (c)
		vnc_pump(c, now_ms() + 10000);
	else
		sleep(10);
	long cs3 = status_field(v->pid, "status", "voluntary_ctxt_switches:");

	printf("idle, no viewer:  Private_Dirty %ld kB (target <= 1024), wakeups in 10 s: %ld (target 0)\n",
	       dirty0, cs1 - cs0);
	printf("idle, one viewer reading: Private_Dirty %ld kB, wakeups in 10 s: %ld\n", dirty1,
	       cs3 - cs2);
	if (c)
		vnc_disconnect(c);
	vncterm_stop(v, 3000);
}

int main(void)
{
	const char *env = getenv("BENCH_MB");
	size_t mb = env ? strtoul(env, NULL, 10) : 20;
	long long med, p99;

	if (mb < 1 || mb > 4096)
		mb = 20;
	printf("daemonbench: vncterm 80x25, one libvncclient viewer on loopback, %zu MB per workload\n", mb);
	printf("%-10s %10s %8s %s\n", "workload", "MB/s", "target", "");
	const char *only = getenv("BENCH_ONLY");

	for (int k = 0; k < WL_COUNT; k++) {
		if (only && strcmp(only, workload_name((enum workload_kind)k)) != 0)
			continue;
		double mbs = throughput((enum workload_kind)k, mb);

		printf("%-10s %10.1f %8.0f %s\n", workload_name((enum workload_kind)k), mbs, TARGET_MBS,
		       mbs < 0 ? "TIMEOUT" : mbs >= TARGET_MBS ? "ok" : "BELOW");
	}
	echo_latency(500, &med, &p99);
	printf("echo latency: median %lld us (target <= 1000), p99 %lld us (target <= 3000)\n", med, p99);
	if (!only || strcmp(only, "none"))
		idle_figures();
	return 0;
}
