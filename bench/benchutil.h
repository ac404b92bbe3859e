/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the daemon benchmarks (daemonbench, membench, scalebench) share:
 * which binary they measure, their knobs, /proc readings, statistics and
 * the one format of a figure line.
 */
#ifndef BENCH_BENCHUTIL_H
#define BENCH_BENCHUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The daemon measured: $VNCTERM_BIN if set (an older build, for a
 * before/after comparison with the same benchmark), else the tree's own
 * ../vncterm/vncterm (the benchmarks run in bench/).
 */
const char *bench_bin(void);

/* Microseconds on the monotonic clock. */
int64_t now_us(void);

/* The environment's number name, if it is one within [min, max]; else def. */
long bench_env(const char *name, long def, long min, long max);

/* The number after key on the line of /proc/PID/file that starts with it; -1 if none. */
long proc_field(pid_t pid, const char *file, const char *key);
/* Voluntary context switches (wakeups after sleeping) of all of pid's threads; -1 if gone. */
long proc_wakeups(pid_t pid);
/* CPU time (utime + stime, all threads) pid has used, in clock ticks; -1 if gone. */
long long proc_cpu_ticks(pid_t pid);
/* proc_first_child(): tests/integration/util_vncterm.h. */

/* Sort n values and return the one at fraction q (0.5 the median, 0.99 p99); -1 if n is 0. */
double quantile(double *v, int n, double q);

/*
 * Print one figure: label, value (negative: the measurement failed) and
 * unit, then the target ("target >= 0.90") and whether it is met: "ok",
 * else "BELOW" (a floor) or "ABOVE" (a ceiling).  Figures only: nothing
 * fails on them.
 */
void figure(const char *label, double value, const char *unit, bool floor, double target);
/* The same for a figure without a target. */
void figure_plain(const char *label, double value, const char *unit);

/* Write n bytes to a new temporary file; its path into path (PATH_MAX); false on failure. */
bool bench_temp_file(const void *bytes, size_t n, char *path);

/*
 * A pty for a console: the master (O_RDWR, close-on-exec), its slave's
 * path into slave (size bytes) and, if raw, the slave set raw and without
 * echo; -errno on failure.
 */
int bench_pty(char *slave, size_t size, bool raw);

/*
 * Fork a child that dies with the benchmark (PDEATHSIG) and ignores
 * nothing it should not: SIGPIPE and the signal mask as at exec.  0 in
 * the child, its pid in the parent, -errno on failure.
 */
pid_t bench_fork(void);

/* Children that spin on a CPU each, at normal priority, until bench_unload(). */
struct load {
	int n;
	pid_t pid[16];
};
void bench_load(struct load *l, int n);
void bench_unload(struct load *l);

#endif
