/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's memory and idle wakeups, in the two shapes it runs in:
 * - sandboxed, as a host agent runs it (root, -p PTY): a root monitor
 *   process and, under it, the worker that serves VNC; each measured;
 * - command mode (-c), one process serving VNC (its command not counted).
 * Private_Dirty (smaps_rollup: the memory the process alone made its own)
 * with no viewer, one viewer and four, each step after a screenful of
 * coloured text went through the console and the viewers read it; then
 * the voluntary context switches (wakeups) over BENCH_IDLE_S seconds of
 * idle, all threads counted.  Figures only; it never fails on them.
 * VNCTERM_BIN measures another build; BENCH_DISPLAY is the VNC display,
 * BENCH_ENCODINGS what the viewers ask for (default tight first).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/benchutil.h"
#include "bench/workload.h"
#include "tests/integration/util_vncterm.h"

#define VIEWERS 4
#define TARGET_IDLE_KB 512.0
#define TARGET_VIEWER_KB 256.0
#define TEXT_BYTES 4000 /* about a screenful of coloured words */
#define SETTLE_MS 1000

struct served {
	struct vncterm *v;
	pid_t worker;  /* the process serving VNC */
	pid_t monitor; /* the sandbox's root monitor; -1 in command mode */
	int console;   /* where the console's output is written: the pty's master, a FIFO */
	char fifo[PATH_MAX + 16], dir[PATH_MAX];
	rfbClient *c[VIEWERS];
	int viewers;
	char *text;
	size_t text_len;
};

/* Sandboxed: a pty whose master is ours; the monitor forks the worker. */
static bool start_sandboxed(struct served *s, const char *bin, const char *addr)
{
	char slave[64];

	s->console = bench_pty(slave, sizeof(slave), false);
	if (s->console < 0) {
		fprintf(stderr, "membench: no pty: %s\n", strerror(-s->console));
		return false;
	}
	const char *const args[] = { "-v", addr, "--log-level", "0", "-p", slave, NULL };

	s->v = vncterm_start_bin(bin, args);
	if (!s->v || s->v->port < 0)
		return false;
	s->monitor = s->v->pid;
	s->worker = proc_first_child(s->monitor, 3000);
	if (s->worker < 0)
		fprintf(stderr, "membench: the monitor %d has no worker\n", (int)s->monitor);
	return s->worker > 0;
}

/* Command mode: the command copies a FIFO that we write to the console. */
static bool start_command(struct served *s, const char *bin, const char *addr)
{
	const char *tmp = getenv("TMPDIR");
	char cmd[PATH_MAX + 32];

	snprintf(s->dir, sizeof(s->dir), "%s/vncterm-membench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(s->dir)) {
		fprintf(stderr, "membench: mkdtemp %s: %s\n", s->dir, strerror(errno));
		s->dir[0] = '\0';
		return false;
	}
	snprintf(s->fifo, sizeof(s->fifo), "%s/console", s->dir);
	/* Read and written here: opening it blocks neither side, and cat never sees EOF. */
	if (mkfifo(s->fifo, 0600) < 0 || (s->console = open(s->fifo, O_RDWR | O_CLOEXEC)) < 0) {
		fprintf(stderr, "membench: FIFO %s: %s\n", s->fifo, strerror(errno));
		return false;
	}
	snprintf(cmd, sizeof(cmd), "exec cat %s", s->fifo);
	const char *const args[] = { "-v", addr, "--log-level", "0", "-c", "/bin/sh", "-c", cmd,
				     NULL };

	s->v = vncterm_start_bin(bin, args);
	s->worker = s->v && s->v->port > 0 ? s->v->pid : -1;
	s->monitor = -1;
	return s->worker > 0;
}

static void stop(struct served *s)
{
	for (int i = 0; i < s->viewers; i++)
		vnc_disconnect(s->c[i]);
	if (s->v)
		vncterm_stop(s->v, 3000);
	if (s->console >= 0)
		close(s->console);
	if (s->fifo[0])
		unlink(s->fifo);
	if (s->dir[0])
		rmdir(s->dir);
	free(s->text);
}

/* Read every viewer's messages until deadline, none waiting on another. */
static void pump_all(struct served *s, int64_t deadline)
{
	while (now_ms() < deadline) {
		struct pollfd p[VIEWERS];
		bool buffered = false;

		for (int i = 0; i < s->viewers; i++) {
			p[i] = (struct pollfd){ .fd = s->c[i]->sock, .events = POLLIN };
			buffered |= s->c[i]->buffered > 0;
		}
		if (!s->viewers) {
			sleep_ms((int)(deadline - now_ms()));
			return;
		}
		if (!buffered && poll(p, (nfds_t)s->viewers, 50) <= 0)
			continue;
		for (int i = 0; i < s->viewers; i++)
			if ((s->c[i]->buffered > 0 || p[i].revents) && !vnc_handle_one(s->c[i], 0))
				return;
	}
}

/* A screenful of text through the console, the viewers reading it; then Private_Dirty. */
static void settle(struct served *s, long *worker_kb, long *monitor_kb)
{
	if (write(s->console, s->text, s->text_len) != (ssize_t)s->text_len)
		fprintf(stderr, "membench: writing the console: %s\n", strerror(errno));
	pump_all(s, now_ms() + SETTLE_MS);
	*worker_kb = proc_field(s->worker, "smaps_rollup", "Private_Dirty:");
	*monitor_kb = s->monitor > 0 ? proc_field(s->monitor, "smaps_rollup", "Private_Dirty:") : -1;
}

/* Viewers until there are n, asking for encodings; false if one could not connect. */
static bool add_viewers(struct served *s, int n, const char *encodings)
{
	while (s->viewers < n) {
		rfbClient *c = vnc_connect("127.0.0.1", s->v->port);

		if (!c)
			return false;
		s->c[s->viewers++] = c;
		/* As a real viewer asks (lossless: vnc_connect() turned JPEG off). */
		c->appData.encodingsString = encodings;
		if (!SetFormatAndEncodings(c))
			return false;
	}
	return true;
}

/* Wakeups of the worker and the monitor over seconds, the viewers reading. */
static void idle_wakeups(struct served *s, int seconds, long *worker, long *monitor)
{
	long w0 = proc_wakeups(s->worker), m0 = s->monitor > 0 ? proc_wakeups(s->monitor) : -1;

	pump_all(s, now_ms() + seconds * 1000);
	long w1 = proc_wakeups(s->worker), m1 = s->monitor > 0 ? proc_wakeups(s->monitor) : -1;

	*worker = w0 >= 0 && w1 >= 0 ? w1 - w0 : -1;
	*monitor = m0 >= 0 && m1 >= 0 ? m1 - m0 : -1;
}

struct figures {
	long blank_kb, mon_blank_kb; /* before any output, no viewer */
	long kb[3], mon_kb[3];    /* after text: no viewer, one, four */
	long wake[2], mon_wake[2]; /* no viewer, one */
};

static bool measure(struct served *s, int seconds, const char *encodings, struct figures *f)
{
	sleep_ms(SETTLE_MS);
	f->blank_kb = proc_field(s->worker, "smaps_rollup", "Private_Dirty:");
	f->mon_blank_kb = s->monitor > 0 ? proc_field(s->monitor, "smaps_rollup", "Private_Dirty:") :
					   -1;
	settle(s, &f->kb[0], &f->mon_kb[0]);
	idle_wakeups(s, seconds, &f->wake[0], &f->mon_wake[0]);
	if (!add_viewers(s, 1, encodings))
		return false;
	settle(s, &f->kb[1], &f->mon_kb[1]);
	idle_wakeups(s, seconds, &f->wake[1], &f->mon_wake[1]);
	if (!add_viewers(s, VIEWERS, encodings))
		return false;
	settle(s, &f->kb[2], &f->mon_kb[2]);
	return true;
}

static void print_figures(const char *who, long blank, const long *kb, const long *wake,
			  int seconds, bool targets)
{
	char label[96];
	double first = kb[0] >= 0 && kb[1] >= 0 ? (double)(kb[1] - kb[0]) : -1;
	double next = kb[1] >= 0 && kb[2] >= 0 ? (double)(kb[2] - kb[1]) / (VIEWERS - 1) : -1;

	snprintf(label, sizeof(label), "%s Private_Dirty, blank screen, no viewer", who);
	targets ? figure(label, (double)blank, "kB", false, TARGET_IDLE_KB) :
		  figure_plain(label, (double)blank, "kB");
	snprintf(label, sizeof(label), "%s, a screen of text, no viewer", who);
	targets ? figure(label, (double)kb[0], "kB", false, TARGET_IDLE_KB) :
		  figure_plain(label, (double)kb[0], "kB");
	snprintf(label, sizeof(label), "%s, the first viewer", who);
	targets ? figure(label, first, "+kB", false, TARGET_VIEWER_KB) :
		  figure_plain(label, first, "+kB");
	snprintf(label, sizeof(label), "%s, each of the next %d (average)", who, VIEWERS - 1);
	targets ? figure(label, next, "+kB", false, TARGET_VIEWER_KB) :
		  figure_plain(label, next, "+kB");
	snprintf(label, sizeof(label), "%s wakeups in %d s idle, no viewer", who, seconds);
	figure(label, (double)wake[0], "", false, 0);
	snprintf(label, sizeof(label), "%s wakeups in %d s, a viewer reading", who, seconds);
	figure(label, (double)wake[1], "", false, 0);
}

static void run(const char *bin, const char *addr, bool sandboxed, int seconds,
		const char *encodings)
{
	struct served s = { .console = -1 };
	struct figures f;

	s.text = workload_generate(WL_SGR_TEXT, TEXT_BYTES, &s.text_len);
	if (s.text && (sandboxed ? start_sandboxed(&s, bin, addr) : start_command(&s, bin, addr)) &&
	    measure(&s, seconds, encodings, &f)) {
		if (sandboxed) {
			printf("sandboxed (-p PTY, started as root): monitor pid %d, worker pid %d\n",
			       (int)s.monitor, (int)s.worker);
			print_figures("worker", f.blank_kb, f.kb, f.wake, seconds, true);
			print_figures("monitor", f.mon_blank_kb, f.mon_kb, f.mon_wake, seconds, false);
		} else {
			printf("command mode (-c, one process; its command not counted): pid %d\n",
			       (int)s.worker);
			print_figures("vncterm", f.blank_kb, f.kb, f.wake, seconds, true);
		}
	} else {
		printf("%s: could not be measured (above: why)\n",
		       sandboxed ? "sandboxed (-p PTY)" : "command mode (-c)");
	}
	fflush(stdout);
	stop(&s);
}

int main(void)
{
	int seconds = (int)bench_env("BENCH_IDLE_S", 5, 1, 600);
	const char *bin = bench_bin(), *encodings = getenv("BENCH_ENCODINGS");
	char addr[32];

	/* What TigerVNC and noVNC ask for first: tight, each viewer's own zlib streams. */
	if (!encodings || !*encodings)
		encodings = "tight zrle copyrect hextile raw";
	snprintf(addr, sizeof(addr), "127.0.0.1:%ld", bench_env("BENCH_DISPLAY", 40, 0, 59000));
	printf("membench: %s; Private_Dirty from /proc/PID/smaps_rollup %d ms after the start\n"
	       "  (blank screen), then after each screenful of text and %d ms of the viewers reading\n"
	       "  (encodings \"%s\"); wakeups: voluntary context switches, all threads\n", bin,
	       SETTLE_MS, SETTLE_MS, encodings);
	if (geteuid() == 0)
		run(bin, addr, true, seconds, encodings);
	else
		printf("sandboxed (-p PTY): skipped, it needs root\n");
	run(bin, addr, false, seconds, encodings);
	return 0;
}
