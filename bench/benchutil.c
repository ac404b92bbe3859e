/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the daemon benchmarks share: see benchutil.h. */
#include "bench/benchutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"

const char *bench_bin(void)
{
	const char *bin = getenv("VNCTERM_BIN");

	return bin && *bin ? bin : "../vncterm/vncterm";
}

int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long bench_env(const char *name, long def, long min, long max)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		fprintf(stderr, "%s=%s is not a number from %ld to %ld: using %ld\n", name, s, min,
			max, def);
		return def;
	}
	return v;
}

long proc_field(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0)
			v = strtol(line + klen, NULL, 10);
	fclose(f);
	return v;
}

long proc_wakeups(pid_t pid)
{
	char dir[64], file[96];
	struct dirent *e;
	long sum = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "task/%.20s/status", e->d_name);
		long n = proc_field(pid, file, "voluntary_ctxt_switches:");

		if (n > 0)
			sum += n;
	}
	closedir(d);
	return sum;
}

long long proc_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long utime, stime;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The name may hold spaces and parentheses: the fields start after the last ')'. */
	char *p = strrchr(buf, ')');

	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
			 &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double quantile(double *v, int n, double q)
{
	int i;

	if (n <= 0)
		return -1;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	i = (int)(q * n);
	return v[i < n ? i : n - 1];
}

static void print_value(const char *label, double value, const char *unit)
{
	if (value < 0)
		printf("  %-46s %10s %-6s", label, "-", unit);
	else if (value >= 100 || value == (long long)value)
		printf("  %-46s %10.0f %-6s", label, value, unit);
	else
		printf("  %-46s %10.2f %-6s", label, value, unit);
}

void figure(const char *label, double value, const char *unit, bool floor, double target)
{
	const char *verdict = value < 0			    ? "FAILED" :
			      (floor ? value >= target : value <= target) ? "ok" :
			      floor					    ? "BELOW" :
								      "ABOVE";

	print_value(label, value, unit);
	printf("  target %s %-8g %s\n", floor ? ">=" : "<=", target, verdict);
	fflush(stdout);
}

void figure_plain(const char *label, double value, const char *unit)
{
	print_value(label, value, unit);
	printf("\n");
	fflush(stdout);
}

bool bench_temp_file(const void *bytes, size_t n, char *path)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, PATH_MAX, "%s/vncterm-bench-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, (const char *)bytes + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(path);
			return false;
		}
		off += (size_t)w;
	}
	close(fd);
	return true;
}

int bench_pty(char *slave, size_t size, bool raw)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0)
		return -errno;
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, slave, size) != 0) {
		int e = errno;

		close(m);
		return -e;
	}
	if (raw) {
		int s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
		struct termios t;

		if (s < 0 || tcgetattr(s, &t) < 0) {
			int e = errno;

			if (s >= 0)
				close(s);
			close(m);
			return -e;
		}
		cfmakeraw(&t);
		tcsetattr(s, TCSANOW, &t);
		close(s);
	}
	return m;
}

pid_t bench_fork(void)
{
	pid_t parent = getpid();

	fflush(NULL); /* or the child's exit could flush our buffers twice */
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigset_t none;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent) /* the benchmark died before prctl */
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	return pid;
}

void bench_load(struct load *l, int n)
{
	l->n = 0;
	for (int i = 0; i < n && i < (int)(sizeof(l->pid) / sizeof(l->pid[0])); i++) {
		pid_t pid = bench_fork();

		if (pid == 0)
			for (volatile unsigned long spin = 0;; spin++)
				;
		if (pid > 0)
			l->pid[l->n++] = pid;
	}
}

void bench_unload(struct load *l)
{
	for (int i = 0; i < l->n; i++) {
		kill(l->pid[i], SIGKILL);
		while (waitpid(l->pid[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	l->n = 0;
}
