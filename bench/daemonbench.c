/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon end to end, on loopback, against the machine's own ceiling:
 * - for each emulator workload, the MB/s of a do-nothing reader of a raw
 *   pty that `cat FILE` writes (the ceiling: no terminal is faster than
 *   its pty), of vncterm running the same `cat FILE` until one
 *   libvncclient viewer shows the final screen, and of the same with four
 *   viewers, each pumped on its own thread, until the slowest (and the
 *   fastest) shows it; rounds alternate, the best of each counts, and the
 *   ratios are what to read: they come from the same run, so a busy
 *   machine slows both sides;
 * - echo latency, a key sent until the viewer's pixels change, through
 *   a program that echoes (cat on a raw pty): median and p99, on an idle
 *   machine and on a loaded one (BENCH_LOAD CPU-spinning processes).
 * Figures only; it never fails on them.  VNCTERM_BIN measures another
 * build (benchutil.h); BENCH_MB, BENCH_MB4 (the 4-viewer runs), BENCH_ONLY
 * (one workload), BENCH_DISPLAY (the VNC display, 5900 + N).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <rfb/keysym.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/benchutil.h"
#include "bench/workload.h"
#include "tests/integration/util_vncterm.h"

#define ROUNDS 3
#define VIEWERS 4
#define TARGET_CEILING 0.90 /* vncterm with one viewer / the raw reader */
#define TARGET_VIEWERS 0.90 /* the slowest of four viewers / one viewer */
#define TARGET_ECHO_MEDIAN_US 1000.0
#define TARGET_ECHO_P99_US 3000.0
#define ECHO_SAMPLES 500

/* One workload on file, and the screen it leaves. */
struct wl {
	enum workload_kind kind;
	char path[PATH_MAX];
	size_t len;
	uint32_t *want;
	int w, h;
};

struct setup {
	const char *bin;
	char addr[32];     /* -v 127.0.0.1:N */
	uint32_t *blank;   /* the screen before any output */
	int w, h;
	int64_t timeout_ms; /* one run's, before it counts as failed */
};

static bool wl_make(struct wl *w, enum workload_kind k, size_t bytes)
{
	char *buf = workload_generate(k, bytes, &w->len);

	w->kind = k;
	/* The workload is not a C string: it is passed with its length. */
	w->want = buf ? expected_pixels(WL_ROWS, WL_COLS, buf, w->len, 0, &w->w, &w->h) : NULL;
	if (!w->want || !bench_temp_file(buf, w->len, w->path)) {
		fprintf(stderr, "daemonbench: cannot write the %s workload (out of memory or %s)\n",
			workload_name(k), getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		free(buf);
		free(w->want);
		return false;
	}
	free(buf);
	return true;
}

static void wl_free(struct wl *w)
{
	unlink(w->path);
	free(w->want);
}

static double mbs(size_t len, int64_t us)
{
	return us > 0 ? (double)len / (double)us : -1; /* bytes per microsecond is MB/s */
}

/*
 * The ceiling: `cat FILE` into a raw pty's slave, the master read into a
 * buffer and dropped, from cat's exec until every byte arrived.
 */
static double raw_ceiling(const struct wl *w, int64_t timeout_ms)
{
	static char sink[1 << 20];
	char slave[64];
	int go[2], m = bench_pty(slave, sizeof(slave), true);
	/* Held open here too: a master without a slave reads EIO. */
	int s = m >= 0 ? open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
	size_t got = 0;
	int64_t t0, t1 = -1, deadline;
	pid_t pid;

	if (s < 0 || pipe2(go, O_CLOEXEC) < 0) {
		fprintf(stderr, "daemonbench: no pty or pipe for the ceiling: %s\n", strerror(errno));
		if (m >= 0)
			close(m);
		if (s >= 0)
			close(s);
		return -1;
	}
	pid = bench_fork();
	if (pid == 0) {
		char c;

		if (dup2(s, 1) < 0 || read(go[0], &c, 1) != 1)
			_exit(127);
		execlp("cat", "cat", w->path, (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	t0 = now_us();
	if (pid > 0 && write(go[1], "x", 1) == 1) {
		deadline = now_ms() + timeout_ms;
		while (got < w->len && now_ms() < deadline) {
			struct pollfd p = { .fd = m, .events = POLLIN };
			ssize_t n;

			if (poll(&p, 1, 100) <= 0)
				continue;
			n = read(m, sink, sizeof(sink));
			if (n <= 0 && errno != EINTR && errno != EAGAIN)
				break;
			got += n > 0 ? (size_t)n : 0;
		}
		if (got >= w->len)
			t1 = now_us();

	}
	close(go[1]);
	close(s);
	close(m);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return t1 < 0 ? -1 : mbs(w->len, t1 - t0);
}

/*
 * Pump until the framebuffer is want: compared only when no message is
 * waiting, as a final screen is one after which nothing more comes, so
 * that the comparing costs the daemon (sharing the CPUs) little.
 */
static bool wait_final(rfbClient *c, const uint32_t *want, int w, int h, int64_t deadline)
{
	for (;;) {
		bool pending = c->buffered > 0 || WaitForMessage(c, 0) > 0;

		if (!pending && vnc_shows(c, want, w, h))
			return true;
		if (now_ms() >= deadline || !vnc_handle_one(c, 20))
			return false;
	}
}

struct viewer {
	rfbClient *c;
	const struct wl *w;
	int64_t deadline;
	int64_t done_us; /* when it showed the final screen; -1 if it did not */
	pthread_t thread;
	bool threaded;
};

static void *viewer_main(void *arg)
{
	struct viewer *v = arg;

	v->done_us = wait_final(v->c, v->w->want, v->w->w, v->w->h, v->deadline) ? now_us() : -1;
	return NULL;
}

/* The name of pid's first child's first child ("" if there is none yet). */
static void grandchild_comm(pid_t pid, char *comm, size_t size)
{
	pid_t child = proc_first_child(pid, 0), gc = child > 0 ? proc_first_child(child, 0) : -1;
	char path[64];
	FILE *f;

	comm[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)gc);
	if (gc > 0 && (f = fopen(path, "r"))) {
		if (fgets(comm, (int)size, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
}

/* The command has set its pty raw and waits in `head` for the key that starts it. */
static bool command_waits(pid_t vncterm)
{
	char comm[32];

	for (int64_t end = now_ms() + 5000; now_ms() < end; sleep_ms(2)) {
		grandchild_comm(vncterm, comm, sizeof(comm));
		if (strcmp(comm, "head") == 0)
			return true;
	}
	fprintf(stderr, "daemonbench: the command never reached its `head`\n");
	return false;
}

/* n viewers on port, each showing the blank screen; false (and none) if one fails. */
static bool connect_viewers(const struct setup *s, int port, struct viewer *vs, int n)
{
	for (int i = 0; i < n; i++) {
		vs[i].c = vnc_connect("127.0.0.1", port);
		if (!vs[i].c || !wait_final(vs[i].c, s->blank, s->w, s->h, now_ms() + 5000)) {
			fprintf(stderr, "daemonbench: viewer %d of %d %s\n", i + 1, n,
				vs[i].c ? "never showed the blank screen" : "could not connect");
			for (int j = 0; j <= i; j++)
				vnc_disconnect(vs[j].c);
			return false;
		}
	}
	return true;
}

/*
 * vncterm running `cat FILE` on a raw pty, started by a key from viewer 1,
 * until each of n viewers shows the final screen: the slowest's MB/s, and
 * into *fastest the fastest's; -1 if any of them failed.
 */
static double vt_run(const struct setup *s, const struct wl *w, int n, double *fastest)
{
	char cmd[PATH_MAX + 64];
	struct viewer vs[VIEWERS];
	int64_t t0, last = 0, first = INT64_MAX;
	struct vncterm *v;

	*fastest = -1;
	snprintf(cmd, sizeof(cmd), "stty raw -echo; head -c 1 >/dev/null; exec cat %s", w->path);
	const char *const args[] = { "-v", s->addr, "-s", "--log-level", "0",
				     "-c", "/bin/sh", "-c", cmd, NULL };

	v = vncterm_start_bin(s->bin, args);
	if (!v || v->port < 0 || !command_waits(v->pid) || !connect_viewers(s, v->port, vs, n)) {
		if (v)
			vncterm_stop(v, 3000);
		return -1;
	}
	t0 = now_us();
	vnc_key(vs[0].c, XK_Return);
	for (int i = 0; i < n; i++) {
		vs[i].w = w;
		vs[i].deadline = now_ms() + s->timeout_ms;
		vs[i].threaded = pthread_create(&vs[i].thread, NULL, viewer_main, &vs[i]) == 0;
		if (!vs[i].threaded)
			viewer_main(&vs[i]); /* no thread: in turn, still timed */
	}
	for (int i = 0; i < n; i++) {
		if (vs[i].threaded)
			pthread_join(vs[i].thread, NULL);
		if (vs[i].done_us < 0)
			last = INT64_MAX;
		else if (last != INT64_MAX && vs[i].done_us > last)
			last = vs[i].done_us;
		if (vs[i].done_us >= 0 && vs[i].done_us < first)
			first = vs[i].done_us;
		vnc_disconnect(vs[i].c);
	}
	vncterm_stop(v, 3000);
	if (last == INT64_MAX) {
		fprintf(stderr, "daemonbench: %s: a viewer did not show the final screen within %lld s\n",
			workload_name(w->kind), (long long)s->timeout_ms / 1000);
		return -1;
	}
	*fastest = mbs(w->len, first - t0);
	return mbs(w->len, last - t0);
}

static double best(const double *v, int n)
{
	double b = -1;

	for (int i = 0; i < n; i++)
		if (v[i] > b)
			b = v[i];
	return b;
}

static const char *verdict(double value, double target)
{
	return value < 0 ? "FAILED" : value >= target ? "ok" : "BELOW";
}

/* Rounds of raw, one viewer, four viewers, alternated; one table line. */
static void throughput(const struct setup *s, enum workload_kind k, size_t mb, size_t mb4)
{
	struct wl w1, w4;
	double raw[ROUNDS], one[ROUNDS], slow[ROUNDS], fast[ROUNDS], unused;

	if (!wl_make(&w1, k, mb * 1000000))
		return;
	if (mb4 != mb && !wl_make(&w4, k, mb4 * 1000000)) {
		wl_free(&w1);
		return;
	}
	for (int r = 0; r < ROUNDS; r++) {
		raw[r] = raw_ceiling(&w1, s->timeout_ms);
		one[r] = vt_run(s, &w1, 1, &unused);
		slow[r] = vt_run(s, mb4 != mb ? &w4 : &w1, VIEWERS, &fast[r]);
	}
	double c = best(raw, ROUNDS), o = best(one, ROUNDS), sl = best(slow, ROUNDS);
	double ratio = c > 0 && o > 0 ? o / c : -1, ratio4 = o > 0 && sl > 0 ? sl / o : -1;

	printf("%-9s %9.1f %9.1f %6.2f %-6s %9.1f %6.2f %-6s %9.1f\n", workload_name(k), c, o,
	       ratio, verdict(ratio, TARGET_CEILING), sl, ratio4, verdict(ratio4, TARGET_VIEWERS),
	       best(fast, ROUNDS));
	fflush(stdout);
	wl_free(&w1);
	if (mb4 != mb)
		wl_free(&w4);
}

/* Key to changed pixels, in microseconds, n samples into us; how many were taken. */
static int echo_samples(const struct setup *s, double *us, int n)
{
	const char *const args[] = { "-v", s->addr, "--log-level", "0", "-c", "/bin/sh", "-c",
				     "stty raw -echo; exec cat", NULL };
	struct vncterm *v = vncterm_start_bin(s->bin, args);
	rfbClient *c = v && v->port > 0 ? vnc_connect("127.0.0.1", v->port) : NULL;
	size_t size = c ? (size_t)c->width * (size_t)c->height * 4 : 0;
	char *before = c ? malloc(size) : NULL;
	int got = 0;

	if (c)
		vnc_pump(c, now_ms() + 300);
	for (int i = 0; i < n && before; i++) {
		memcpy(before, c->frameBuffer, size);
		int64_t t0 = now_us(), deadline = now_ms() + 2000;

		vnc_key(c, i % 2 ? XK_a : XK_b);
		/*
		 * One message at a time, looking after each: pumping until a
		 * deadline would add the rest of that slice to every sample.
		 */
		while (memcmp(before, c->frameBuffer, size) == 0 && now_ms() < deadline)
			if (!vnc_handle_one(c, 50))
				break;
		if (memcmp(before, c->frameBuffer, size) != 0)
			us[got++] = (double)(now_us() - t0);
		vnc_pump(c, now_ms() + 2); /* let the cursor's update land */
	}
	free(before);
	vnc_disconnect(c);
	if (v)
		vncterm_stop(v, 3000);
	return got;
}

static void echo_latency(const struct setup *s, int load)
{
	double us[ECHO_SAMPLES];
	struct load l;
	char label[96];

	bench_load(&l, load);
	int n = echo_samples(s, us, ECHO_SAMPLES);

	bench_unload(&l);
	double med = quantile(us, n, 0.5), p99 = quantile(us, n, 0.99);

	snprintf(label, sizeof(label), "echo, %s: median", load ? "loaded" : "unloaded");
	figure(label, med, "us", false, TARGET_ECHO_MEDIAN_US);
	snprintf(label, sizeof(label), "echo, %s: p99 (%d samples)", load ? "loaded" : "unloaded",
		 n);
	figure(label, p99, "us", false, TARGET_ECHO_P99_US);
}

int main(void)
{
	size_t mb = (size_t)bench_env("BENCH_MB", 40, 1, 4096);
	size_t mb4 = (size_t)bench_env("BENCH_MB4", (long)mb, 1, 4096);
	int load = (int)bench_env("BENCH_LOAD", 2, 1, 16);
	const char *only = getenv("BENCH_ONLY");
	struct setup s = {
		.bin = bench_bin(),
		.timeout_ms = 60000 * slowdown(),
	};

	snprintf(s.addr, sizeof(s.addr), "127.0.0.1:%ld", bench_env("BENCH_DISPLAY", 40, 0, 59000));
	s.blank = expected_pixels(WL_ROWS, WL_COLS, "", 0, 0, &s.w, &s.h);
	if (!s.blank)
		return 1;
	printf("daemonbench: %s, 80x25, libvncclient viewers on loopback; %zu MB per workload "
	       "(%zu MB with 4 viewers), best of %d alternated rounds\n", s.bin, mb, mb4, ROUNDS);
	printf("  ceiling: `cat FILE` into a raw pty, its master read and dropped; MB/s until the\n"
	       "  last byte (ceiling) or until the viewer(s) show the final screen\n");
	printf("%-9s %9s %9s %13s %9s %13s %9s\n", "workload", "ceiling", "1 viewer", "/ceiling",
	       "4: slowest", "/1 viewer", "fastest");
	printf("%-9s %9s %9s %13s %9s %13s %9s\n", "", "MB/s", "MB/s", ">= 0.90", "MB/s", ">= 0.90",
	       "MB/s");
	for (int k = 0; k < WL_COUNT; k++)
		if (!only || strcmp(only, workload_name((enum workload_kind)k)) == 0)
			throughput(&s, (enum workload_kind)k, mb, mb4);
	printf("echo latency, key to changed pixels; loaded: %d processes spinning on a CPU each, "
	       "at normal priority, for the whole run (this machine has %ld CPUs)\n", load,
	       sysconf(_SC_NPROCESSORS_ONLN));
	echo_latency(&s, 0);
	echo_latency(&s, load);
	free(s.blank);
	return 0;
}
