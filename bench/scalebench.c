/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Many instances, as a host agent starts one per domain at boot, in the
 * production shape (root, -p PTY: a monitor and its sandboxed worker each):
 * - one start alone: the median of sequential starts, from fork and exec
 *   until the port line (printed once the daemon listens);
 * - BENCH_INSTANCES (default 1000) `vncterm -p PTY -v 127.0.0.1:D`, each
 *   on a pty of its own, all spawned at once: the time until every one
 *   printed its port line; their total PSS (every monitor and worker,
 *   /proc/PID/smaps_rollup); the CPU time and wakeups of all of them over
 *   BENCH_SCALE_IDLE_S (default 10) seconds idle; then SIGTERM and reap.
 * Whatever happens to the benchmark, nothing it started stays: every
 * instance is in the process group of a guard process, which kills that
 * group when the benchmark's end of a pipe closes (its exit, or its death
 * by any signal), and each monitor also dies with the benchmark
 * (PDEATHSIG).  Figures only; it never fails on them.  VNCTERM_BIN
 * measures another build; BENCH_SCALE_DISPLAY is the first display
 * (default 2000: ports 7900 on).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/benchutil.h"
#include "tests/integration/util_vncterm.h"

#define TARGET_PSS_MIB 400.0
#define TARGET_ALL_LISTEN_S 10.0
#define TARGET_ONE_START_MS 10.0
#define ONE_STARTS 30
#define LISTEN_TIMEOUT_MS 120000

struct inst {
	pid_t pid;    /* the monitor: what we started */
	pid_t worker; /* its child, serving VNC */
	int master;   /* its pty */
	int out;      /* its stdout, for the port line */
	char line[16];
	size_t len;
	bool listened, failed;
};

struct fleet {
	const char *bin;
	int display;   /* the first instance's */
	pid_t guard;   /* its process group holds every instance */
	int guard_fd;  /* closing it ends the group */
	int null_fd;
	struct inst *in;
	int n;
};

/*
 * The guard: leads a process group, ignores the signals that end the
 * instances, and kills its group, itself included, once it reads EOF.
 * Not bench_fork(): it must outlive the benchmark to do that.
 */
static bool guard_start(struct fleet *f)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return false;
	fflush(NULL);
	f->guard = fork();
	if (f->guard == 0) {
		char c;

		setpgid(0, 0);
		signal(SIGTERM, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		kill(0, SIGKILL);
		_exit(0);
	}
	close(p[0]);
	if (f->guard < 0) {
		close(p[1]);
		return false;
	}
	setpgid(f->guard, f->guard); /* also here: the instances join it next */
	f->guard_fd = p[1];
	return true;
}

static void guard_end(struct fleet *f)
{
	close(f->guard_fd);
	while (waitpid(f->guard, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Start one instance on display d, its pty and stdout into in; false if it could not. */
static bool spawn(struct fleet *f, struct inst *in, int d)
{
	char slave[64], addr[32];
	int out[2];

	in->out = -1;
	in->master = bench_pty(slave, sizeof(slave), false);
	if (in->master < 0 || pipe2(out, O_CLOEXEC) < 0) {
		fprintf(stderr, "scalebench: no pty or pipe: %s (RLIMIT_NOFILE, /proc/sys/kernel/pty/max)\n",
			strerror(in->master < 0 ? -in->master : errno));
		if (in->master >= 0)
			close(in->master);
		in->master = -1;
		return false;
	}
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", d);
	in->pid = bench_fork();
	if (in->pid == 0) {
		setpgid(0, f->guard);
		if (dup2(f->null_fd, 0) < 0 || dup2(out[1], 1) < 0)
			_exit(127);
		execl(f->bin, f->bin, "-v", addr, "--log-level", "0", "-p", slave, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", f->bin, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	if (in->pid < 0) {
		close(out[0]);
		return false;
	}
	setpgid(in->pid, f->guard);
	in->out = out[0];
	fcntl(in->out, F_SETFL, O_NONBLOCK);
	return true;
}

/* Take what in's stdout has: its port line, or its end. */
static void read_line(struct inst *in)
{
	ssize_t n = read(in->out, in->line + in->len, sizeof(in->line) - 1 - in->len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		in->failed = true;
		return;
	}
	in->len += (size_t)n;
	in->line[in->len] = '\0';
	if (strchr(in->line, '\n'))
		in->listened = true;
	else if (in->len == sizeof(in->line) - 1)
		in->failed = true;
}

/* Wait until every instance printed its port line or failed; how many listen. */
static int wait_listening(struct fleet *f, int64_t deadline)
{
	struct pollfd *p = calloc((size_t)f->n, sizeof(*p));
	int listening = 0;

	while (p && now_ms() < deadline) {
		int m = 0;

		for (int i = 0; i < f->n; i++)
			if (!f->in[i].listened && !f->in[i].failed && f->in[i].out >= 0)
				p[m++] = (struct pollfd){ .fd = f->in[i].out, .events = POLLIN };
		if (m == 0)
			break;
		if (poll(p, (nfds_t)m, 100) <= 0)
			continue;
		/* p is in the order of f->in: match them in one pass. */
		for (int i = 0, j = 0; i < f->n && j < m; i++) {
			if (f->in[i].out != p[j].fd)
				continue;
			if (p[j++].revents)
				read_line(&f->in[i]);
		}
	}
	free(p);
	for (int i = 0; i < f->n; i++)
		listening += f->in[i].listened;
	return listening;
}

/* Mark the instance whose monitor pid was reaped. */
static void reaped(struct fleet *f, pid_t pid)
{
	for (int i = 0; i < f->n; i++)
		if (f->in[i].pid == pid)
			f->in[i].pid = 0;
}

/* SIGKILL what is left of them (a worker ends with its monitor); reap the monitors. */
static void kill_left(struct fleet *f)
{
	for (int i = 0; i < f->n; i++) {
		if (f->in[i].pid <= 0)
			continue;
		if (f->in[i].worker > 0)
			kill(f->in[i].worker, SIGKILL);
		kill(f->in[i].pid, SIGKILL);
		while (waitpid(f->in[i].pid, NULL, 0) < 0 && errno == EINTR)
			;
		f->in[i].pid = 0;
	}
}

/* SIGTERM every instance and reap them (SIGKILL after timeout_ms); the time it took, in ms. */
static int64_t stop_all(struct fleet *f, int timeout_ms)
{
	int64_t t0 = now_ms(), deadline = t0 + timeout_ms;
	int left = 0;

	for (int i = 0; i < f->n; i++)
		left += f->in[i].pid > 0;
	kill(-f->guard, SIGTERM); /* the guard ignores it */
	while (left > 0) {
		/* The guard is in the group and never ends here: no ECHILD. */
		pid_t pid = waitpid(-f->guard, NULL, WNOHANG);

		if (pid > 0) {
			reaped(f, pid);
			left--;
		} else if (now_ms() >= deadline) {
			fprintf(stderr, "scalebench: %d instances still running %d ms after SIGTERM: "
				"killing them\n", left, timeout_ms);
			kill_left(f);
			break;
		} else {
			sleep_ms(5);
		}
	}
	int64_t took = now_ms() - t0;

	for (int i = 0; i < f->n; i++) {
		if (f->in[i].master >= 0)
			close(f->in[i].master);
		if (f->in[i].out >= 0)
			close(f->in[i].out);
	}
	return took;
}

/* Sum of a smaps_rollup field over every monitor and worker, in kB. */
static long sum_field(struct fleet *f, const char *key, bool workers)
{
	long sum = 0;

	for (int i = 0; i < f->n; i++) {
		pid_t pid = workers ? f->in[i].worker : f->in[i].pid;
		long v = f->in[i].listened && pid > 0 ? proc_field(pid, "smaps_rollup", key) : -1;

		sum += v > 0 ? v : 0;
	}
	return sum;
}

/* CPU ticks and wakeups of every monitor and worker, summed. */
static void sum_activity(struct fleet *f, long long *ticks, long *wakeups)
{
	*ticks = 0;
	*wakeups = 0;
	for (int i = 0; i < f->n; i++) {
		pid_t pids[2] = { f->in[i].pid, f->in[i].worker };

		for (int k = 0; k < 2 && f->in[i].listened; k++) {
			long long t = pids[k] > 0 ? proc_cpu_ticks(pids[k]) : -1;
			long w = pids[k] > 0 ? proc_wakeups(pids[k]) : -1;

			*ticks += t > 0 ? t : 0;
			*wakeups += w > 0 ? w : 0;
		}
	}
}

/* Once all listen: their memory, then their activity over seconds idle. */
static void fleet_figures(struct fleet *f, int seconds)
{
	long long t0, t1;
	long w0, w1;
	int workers = 0;
	char label[96];

	for (int i = 0; i < f->n; i++)
		if (f->in[i].listened && (f->in[i].worker = proc_first_child(f->in[i].pid, 1000)) > 0)
			workers++;
	long mon = sum_field(f, "Pss:", false), wrk = sum_field(f, "Pss:", true);

	sum_activity(f, &t0, &w0);
	figure("total PSS, monitors and workers", (double)(mon + wrk) / 1024.0, "MiB", false,
	       TARGET_PSS_MIB);
	snprintf(label, sizeof(label), "  of which the %d workers'", workers);
	figure_plain(label, (double)wrk / 1024.0, "MiB");
	figure_plain("  of which anonymous (Pss_Anon)",
		     (double)(sum_field(f, "Pss_Anon:", false) + sum_field(f, "Pss_Anon:", true)) /
			     1024.0, "MiB");
	figure_plain("  PSS per instance (monitor + worker)",
		     workers ? (double)(mon + wrk) / workers : -1, "kB");
	figure_plain("  Private_Dirty per worker",
		     workers ? (double)sum_field(f, "Private_Dirty:", true) / workers : -1, "kB");
	figure_plain("  Private_Dirty per monitor",
		     workers ? (double)sum_field(f, "Private_Dirty:", false) / workers : -1, "kB");
	sleep_ms(seconds * 1000);
	sum_activity(f, &t1, &w1);
	snprintf(label, sizeof(label), "CPU time of all in %d s idle", seconds);
	figure(label, (double)(t1 - t0) / (double)sysconf(_SC_CLK_TCK), "s", false, 0);
	snprintf(label, sizeof(label), "wakeups of all in %d s idle", seconds);
	figure(label, (double)(w1 - w0), "", false, 0);
}

/* n instances at once; the figures; their end. */
static void fleet(struct fleet *f, int n, int seconds)
{
	int spawned = 0;

	f->in = calloc((size_t)n, sizeof(*f->in));
	if (!f->in)
		return;
	int64_t t0 = now_us();

	for (; spawned < n; spawned++)
		if (!spawn(f, &f->in[spawned], f->display + spawned))
			break;
	int64_t t_spawned = now_us();

	f->n = spawned;
	int listening = wait_listening(f, now_ms() + LISTEN_TIMEOUT_MS);
	int64_t t_all = now_us();
	char label[96];

	printf("%d instances (-p PTY, displays %d-%d): %d spawned in %.2f s, %d listening\n", n,
	       f->display, f->display + n - 1, spawned, (double)(t_spawned - t0) / 1e6, listening);
	snprintf(label, sizeof(label), "until all %d listen", n);
	figure(label, listening == n ? (double)(t_all - t0) / 1e6 : -1, "s", false,
	       TARGET_ALL_LISTEN_S);
	if (listening > 0)
		fleet_figures(f, seconds);
	figure_plain("SIGTERM to all reaped", (double)stop_all(f, 60000) / 1000.0, "s");
	free(f->in);
}

/* Sequential starts on one pty, each until its port line; the median in ms. */
static void one_start(struct fleet *f)
{
	double ms[ONE_STARTS];
	int got = 0;
	struct inst in;

	f->in = &in;
	f->n = 1;
	for (int i = 0; i < ONE_STARTS; i++) {
		memset(&in, 0, sizeof(in));
		int64_t t0 = now_us();

		if (!spawn(f, &in, f->display))
			break;
		wait_listening(f, now_ms() + 5000);
		if (in.listened)
			ms[got++] = (double)(now_us() - t0) / 1000.0;
		stop_all(f, 5000);
	}
	f->in = NULL;
	f->n = 0;
	double med = quantile(ms, got, 0.5);

	figure("one start alone: fork, exec until listening (median)", med, "ms", false,
	       TARGET_ONE_START_MS);
	figure_plain("  fastest", got ? ms[0] : -1, "ms");
	figure_plain("  p90", quantile(ms, got, 0.9), "ms");
}

/* Room for n instances' ptys and pipes; how many fit. */
static int raise_fd_limit(int n)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return n;
	rlim_t want = (rlim_t)n * 2 + 64;

	r.rlim_cur = want < r.rlim_max ? want : r.rlim_max;
	setrlimit(RLIMIT_NOFILE, &r);
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < want)
		n = (int)((r.rlim_cur - 64) / 2);
	return n;
}

int main(void)
{
	int n = (int)bench_env("BENCH_INSTANCES", 1000, 1, 20000);
	int seconds = (int)bench_env("BENCH_SCALE_IDLE_S", 10, 1, 600);
	struct fleet f = { .bin = bench_bin() };

	f.display = (int)bench_env("BENCH_SCALE_DISPLAY", 2000, 0, 59000);
	printf("scalebench: %s, sandboxed as a host agent runs it (root, -p PTY)\n", f.bin);
	if (geteuid() != 0) {
		printf("  skipped: the sandbox needs root\n");
		return 0;
	}
	int fit = raise_fd_limit(n);

	if (fit < n) {
		printf("  RLIMIT_NOFILE allows %d instances, not %d\n", fit, n);
		n = fit;
	}
	f.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (f.null_fd < 0 || !guard_start(&f)) {
		fprintf(stderr, "scalebench: cannot start the guard process: %s\n", strerror(errno));
		return 1;
	}
	one_start(&f);
	fleet(&f, n, seconds);
	guard_end(&f);
	return 0;
}
