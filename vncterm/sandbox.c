/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kept short so that it can be audited in one sitting.  The allow-list is
 * what the worker does after the drop: poll, read and write its sockets,
 * pty or file, accept viewers, allocate memory, and talk to the monitor;
 * nothing that opens a file, creates a process or changes identity.
 */
#include <errno.h>
#include <grp.h>
#include <linux/sockios.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xentoolcore.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>

#include "vncterm/sandbox.h"

#define LOG_GROWTH ((rlim_t)256 << 20)

/*
 * Under AddressSanitizer (make check SANITIZE=address): its shadow memory
 * is terabytes of address space, so RLIMIT_AS would fail its next mapping;
 * and its leak check at exit needs ptrace and /proc, which the sandbox
 * takes away, so the check runs once before the drop instead.
 */
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define AS_LIMIT RLIM_INFINITY
#define LEAK_CHECK_BEFORE_DROP() __lsan_do_leak_check()
#else
#define AS_LIMIT ((rlim_t)2 << 30)
#define LEAK_CHECK_BEFORE_DROP() ((void)0)
#endif

/*
 * Under ThreadSanitizer (make check SANITIZE=thread) too: its shadow is
 * terabytes; and it runs threads of its own, which RLIMIT_NPROC counts:
 * those there at the drop (one from the start in a forked worker), and
 * one it starts with our first thread (the relay's, started with the
 * first viewer, after the drop).
 */
#ifdef __SANITIZE_THREAD__
#undef AS_LIMIT
#define AS_LIMIT RLIM_INFINITY
#define SANITIZER_THREADS 1
#else
#define SANITIZER_THREADS 0
#endif

static int failed(char *err, int errlen, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int failed(char *err, int errlen, int e, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err, (size_t)errlen, fmt, ap);
	va_end(ap);
	if (e && n >= 0 && n < errlen)
		snprintf(err + n, (size_t)(errlen - n), ": %s", strerror(e));
	return e ? -e : -EPERM;
}

int sandbox_prepare(struct sandbox *sb, pid_t pid, bool debug, char *err, int errlen)
{
	struct passwd *base = getpwnam(SANDBOX_USER);

	memset(sb, 0, sizeof(*sb));
	sb->debug = debug;
	sb->domid = -1;
	if (!base)
		return failed(err, errlen, 0,
			      "user %s does not exist: run `make install-user` (or use -S to stay root)",
			      SANDBOX_USER);
	if (base->pw_uid == 0 || base->pw_gid == 0)
		return failed(err, errlen, 0, "user %s has uid or gid 0: it must not be root",
			      SANDBOX_USER);
	sb->base_uid = base->pw_uid;
	sb->base_gid = base->pw_gid;
	if (mkdir("/var/xen", 0755) < 0 && errno != EEXIST)
		return failed(err, errlen, errno, "mkdir /var/xen");
	if (mkdir(SANDBOX_ROOT, 0755) < 0 && errno != EEXIST)
		return failed(err, errlen, errno, "mkdir %s", SANDBOX_ROOT);
	snprintf(sb->dir, sizeof(sb->dir), "%s/%d", SANDBOX_ROOT, (int)pid);
	int made = mkdir(sb->dir, 0755);

	if (made < 0 && errno == EEXIST) {
		/*
		 * Left over from a vncterm that was killed (the monitor removes
		 * it otherwise): that one is dead, so its statefile goes with
		 * it.  Anything else in there, or a non-directory, is left for an
		 * admin, and mkdir then fails.
		 */
		xencons_state_dir_remove(sb->dir);
		made = mkdir(sb->dir, 0755);
	}
	if (made < 0)
		return failed(err, errlen, errno, "mkdir %s (a fresh, empty directory)", sb->dir);
	if (chown(sb->dir, 0, 0) < 0 || chmod(sb->dir, 0755) < 0)
		return failed(err, errlen, errno, "chown/chmod %s to root 0755", sb->dir);
	return 0;
}

int sandbox_set_ids(struct sandbox *sb, int port, char *err, int errlen)
{
	if (port < 1 || port > SANDBOX_ID_RANGE - 1)
		return failed(err, errlen, 0, "per-instance id for port %d: expected a port 1-%d",
			      port, SANDBOX_ID_RANGE - 1);
	sb->uid = sb->base_uid + (uid_t)port;
	sb->gid = sb->base_gid + (gid_t)port;
	if (sb->uid < sb->base_uid || sb->gid < sb->base_gid || sb->uid == (uid_t)-1 ||
	    sb->gid == (gid_t)-1)
		return failed(err, errlen, 0, "per-instance id %u:%u for port %d overflows",
			      (unsigned)sb->uid, (unsigned)sb->gid, port);
	/*
	 * An id with an account of its own may own files the worker could
	 * then reach: install-user.sh keeps the whole range free, and this
	 * catches an account added there since.
	 */
	struct passwd *owner = getpwuid(sb->uid);

	if (owner)
		return failed(err, errlen, 0,
			      "uid %u (%s + port %d) belongs to account %s: refusing it; "
			      "move %s to a free range of %d ids (install-user.sh)",
			      (unsigned)sb->uid, SANDBOX_USER, port, owner->pw_name, SANDBOX_USER,
			      SANDBOX_ID_RANGE);
	struct group *grp = getgrgid(sb->gid);

	if (grp)
		return failed(err, errlen, 0,
			      "gid %u (%s + port %d) belongs to group %s: refusing it; "
			      "move %s to a free range of %d ids (install-user.sh)",
			      (unsigned)sb->gid, SANDBOX_USER, port, grp->gr_name, SANDBOX_USER,
			      SANDBOX_ID_RANGE);
	return 0;
}

/* The kernel's first real-time signal: glibc keeps it (SIGCANCEL) and the next (SIGSETXID). */
#define SIGRTMIN_GLIBC_CANCEL 32

/*
 * One rule of the allow-list: the call, what it gets (allowed, or failed
 * with an errno instead of killing), and up to two conditions on its
 * arguments that must all hold (none: any arguments).  Each rule's reason
 * is given beside it.
 */
struct rule {
	const char *name; /* for the message if the rule cannot be added */
	int nr;
	uint32_t action;
	struct scmp_arg_cmp arg[2];
};

#define ALLOW(call) { #call, SCMP_SYS(call), SCMP_ACT_ALLOW, { { 0 } } }
#define ALLOW_IF(call, ...) { #call, SCMP_SYS(call), SCMP_ACT_ALLOW, { __VA_ARGS__ } }
#define FAIL(call, e) { #call, SCMP_SYS(call), SCMP_ACT_ERRNO(e), { { 0 } } }
#define FAIL_IF(call, e, ...) { #call, SCMP_SYS(call), SCMP_ACT_ERRNO(e), { __VA_ARGS__ } }
#define IOCTL(request) ALLOW_IF(ioctl, SCMP_A1(SCMP_CMP_EQ, (request)))
/* Memory the call maps or changes never becomes executable. */
#define NO_EXEC SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)

/* Alphabetical; each with its reason. */
static const struct rule rules[] = {
	ALLOW(accept),          /* new viewers (libvncserver) */
	ALLOW(accept4),         /* new viewers (TCP and --unix), text-port clients */
	ALLOW(brk),             /* malloc */
	ALLOW(clock_gettime),   /* deadlines (usually vDSO) */
	/* Threads (the viewers' output relay, relay.c) but never a process: CLONE_THREAD must be set. */
	ALLOW_IF(clone, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)),
	/* clone3's flags are in memory, out of seccomp's reach: glibc falls back to clone. */
	FAIL(clone3, ENOSYS),
	ALLOW(close),           /* viewers leaving */
	ALLOW(epoll_ctl),       /* the test suite's simulated event channels */
	ALLOW(epoll_pwait),     /* (tests/xensim): the process's own fds only */
	ALLOW(epoll_wait),
	ALLOW(exit),            /* the end */
	ALLOW(exit_group),      /* the end */
	ALLOW(fcntl),           /* libvncserver sets O_NONBLOCK on viewers */
	ALLOW(fstat),           /* stdio */
	ALLOW(futex),           /* libc locks */
	ALLOW(getpeername),     /* libvncserver logs the viewer's address */
	ALLOW(getpid),          /* messages */
	ALLOW(getrandom),       /* libvncserver's auth challenge */
	ALLOW(getsockname),     /* libvncserver on accept */
	ALLOW(getsockopt),      /* libvncserver on accept; SO_PEERCRED (audit.c) */
	IOCTL(SIOCOUTQ),        /* stalled-viewer check */
	IOCTL(TIOCSWINSZ),      /* resize a pty console */
	IOCTL(FIONREAD),        /* libvncserver peeks */
	/* The Xen console after resume or migration: rebind, remap (handles restricted). */
	IOCTL(IOCTL_EVTCHN_BIND_INTERDOMAIN),
	IOCTL(IOCTL_EVTCHN_NOTIFY),
	IOCTL(IOCTL_EVTCHN_UNBIND),
	IOCTL(IOCTL_GNTDEV_MAP_GRANT_REF),
	IOCTL(IOCTL_GNTDEV_UNMAP_GRANT_REF),
	IOCTL(IOCTL_GNTDEV_SET_UNMAP_NOTIFY),
	IOCTL(IOCTL_PRIVCMD_MMAPBATCH_V2),
	ALLOW(lseek),           /* stdio */
	ALLOW(madvise),         /* malloc; a thread's stack freed as it ends */
	ALLOW_IF(mmap, NO_EXEC),     /* malloc of large blocks; thread stacks */
	ALLOW_IF(mprotect, NO_EXEC), /* a thread stack's guard page; malloc's thread arenas */
	ALLOW(mremap),          /* realloc of large blocks */
	ALLOW(munmap),          /* free of large blocks */
	ALLOW(newfstatat),      /* stdio */
	/* libc may look for files (zoneinfo, locales); the chroot has none: fail, not kill. */
	FAIL(openat, EACCES),
	FAIL(open, EACCES),
	FAIL(access, ENOENT),   /* likewise */
	FAIL(faccessat, ENOENT),
	FAIL(faccessat2, ENOENT),
	/* libc's syslog/nscd probes (WebSocket handshakes cause one): nothing to reach. */
	FAIL_IF(socket, EACCES, SCMP_A0(SCMP_CMP_EQ, AF_UNIX)),
	ALLOW_IF(prlimit64, SCMP_A2(SCMP_CMP_EQ, 0)), /* getrlimit (libvncserver's fd count) */
	ALLOW(poll),            /* the loop */
	ALLOW(ppoll),           /* the loop (libc may use it for poll) */
	ALLOW(read),            /* console, viewers, signalfd, monitor */
	ALLOW(recvfrom),        /* viewers */
	ALLOW(recvmsg),         /* monitor replies */
	/*
	 * The kernel's own continuation of a poll interrupted by a stop:
	 * SIGSTOP then SIGCONT (or gdb, strace) made it and died of SIGSYS.
	 */
	ALLOW(restart_syscall),
	ALLOW(rseq),            /* each new thread registers it (glibc) */
	ALLOW(rt_sigprocmask),  /* libc */
	/* glibc's first pthread_create() installs its own SIGCANCEL and SIGSETXID handlers. */
	ALLOW_IF(rt_sigaction, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)SIGRTMIN_GLIBC_CANCEL)),
	ALLOW_IF(rt_sigaction, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)SIGRTMIN_GLIBC_CANCEL + 1)),
	ALLOW(rt_sigreturn),    /* signal return */
	ALLOW(select),          /* libvncserver's rfbCheckFds */
	ALLOW(pselect6),        /* select on newer libc */
	/*
	 * Viewers, the monitor, syslog (--log, on the socket connected
	 * before): send(), never to an address.  An address could reach an
	 * abstract AF_UNIX socket of the host's from a datagram socket (the
	 * syslog one); sendmsg's is in memory, out of seccomp's reach, and
	 * the worker never calls it: it fails.
	 */
	ALLOW_IF(sendto, SCMP_A4(SCMP_CMP_EQ, 0)),
	FAIL(sendmsg, EACCES),
	ALLOW(set_robust_list), /* each new thread (glibc) */
	ALLOW(setsockopt),      /* TCP_NODELAY on viewers; SO_LINGER on stalled ones */
	ALLOW(shutdown),        /* viewers dropped */
	/*
	 * Each viewer's socketpair to libvncserver (viewer.c): local, and a
	 * stream, which can send to no address (a datagram one could).
	 */
	ALLOW_IF(socketpair, SCMP_A0(SCMP_CMP_EQ, AF_UNIX),
		 SCMP_A1(SCMP_CMP_MASKED_EQ, ~(scmp_datum_t)(SOCK_NONBLOCK | SOCK_CLOEXEC) & 0xffffffffu,
			 SOCK_STREAM)),
	ALLOW(write),           /* console, viewers, stderr, monitor */
	ALLOW(writev),          /* stderr via stdio, viewers */
#ifdef __SANITIZE_ADDRESS__
	/* AddressSanitizer's bookkeeping of each new thread (make check SANITIZE=address). */
	ALLOW(gettid),
	ALLOW(sched_getaffinity),
	ALLOW(sigaltstack),
#endif
#ifdef __SANITIZE_THREAD__
	/* ThreadSanitizer (make check SANITIZE=thread): each new thread's id and stack
	 * bounds; its own thread, started with our first, sleeps 100 ms at a time and
	 * reads the clock by syscall. */
	ALLOW(gettid),
	ALLOW(sched_getaffinity),
	ALLOW(nanosleep),
	ALLOW(gettimeofday),
#endif
};

/* Every rule must be added: a filter missing one is never loaded. */
static int load_filter(const struct sandbox *sb, char *err, int errlen)
{
	scmp_filter_ctx ctx = seccomp_init(sb->debug ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
	int r = 0;

	if (!ctx)
		return failed(err, errlen, ENOMEM, "sandbox: seccomp filter");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && r == 0; i++) {
		const struct rule *rule = &rules[i];
		unsigned int conditions = (rule->arg[0].op != 0) + (rule->arg[1].op != 0);

		r = seccomp_rule_add_array(ctx, rule->action, rule->nr, conditions, rule->arg);
		if (r < 0)
			failed(err, errlen, -r, "sandbox: seccomp filter: the rule for %s", rule->name);
	}
	if (r == 0) {
		r = seccomp_load(ctx);
		if (r < 0)
			failed(err, errlen, -r, "sandbox: seccomp filter");
	}
	seccomp_release(ctx);
	return r;
}

/* The process's threads now (1 if /proc cannot say), before the chroot takes /proc away. */
static rlim_t threads_now(void)
{
	char line[128];
	long n = 1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Threads:", 8))
			n = strtol(line + 8, NULL, 10);
	if (f)
		fclose(f);
	return n > 0 ? (rlim_t)n : 1;
}

int sandbox_enter(const struct sandbox *sb, char *err, int errlen)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	rlim_t threads = threads_now();

	if (sb->uid == 0 || sb->gid == 0)
		return failed(err, errlen, 0, "sandbox: no per-instance ids set (sandbox_set_ids)");
	LEAK_CHECK_BEFORE_DROP();
	/* Every Xen handle opened so far may reach this one domain only. */
	if (sb->domid >= 0 && xentoolcore_restrict_all((domid_t)sb->domid) < 0)
		return failed(err, errlen, errno, "sandbox: xentoolcore_restrict_all(%d)", sb->domid);
	/* Time zone data now: libvncserver dates its WebSocket answers, and the chroot is empty. */
	tzset();
	/*
	 * No network namespace of its own: it would only hold sockets made
	 * after the drop, and the filter lets the worker make none that can
	 * reach anything (socket(), connect() and bind() fail or kill, a
	 * socketpair is a stream, nothing is sent to an address).  One cost
	 * ~0.3 ms a start, serialised in the kernel, and ~200 kB of kernel
	 * memory an instance.
	 */
	if (chroot(sb->dir) < 0)
		return failed(err, errlen, errno, "sandbox: chroot %s", sb->dir);
	if (chdir("/") < 0)
		return failed(err, errlen, errno, "sandbox: chdir / in %s", sb->dir);
	if (setgroups(0, NULL) < 0)
		return failed(err, errlen, errno, "sandbox: setgroups(0)");
	if (setresgid(sb->gid, sb->gid, sb->gid) < 0)
		return failed(err, errlen, errno, "sandbox: setresgid %u", (unsigned)sb->gid);
	if (setresuid(sb->uid, sb->uid, sb->uid) < 0)
		return failed(err, errlen, errno, "sandbox: setresuid %u", (unsigned)sb->uid);
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 || ru != sb->uid ||
	    eu != sb->uid || su != sb->uid || rg != sb->gid || eg != sb->gid || sg != sb->gid)
		return failed(err, errlen, 0, "sandbox: ids are not %u:%u after the drop",
			      (unsigned)sb->uid, (unsigned)sb->gid);
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0)
		return failed(err, errlen, 0, "sandbox: root could be regained");
	/*
	 * No files (the monitor writes the statefile), no processes but our
	 * threads (RLIMIT_NPROC counts this uid's threads; seccomp refuses
	 * fork whatever the count), no core.
	 * stderr may be the host agent's log file: it may grow by LOG_GROWTH
	 * more, and past that writes fail (EFBIG) rather than kill.  The
	 * console log, which the monitor opens, stops itself at its cap.
	 */
	struct stat st;
	rlim_t fsize = 0;

	if (fstat(2, &st) == 0 && S_ISREG(st.st_mode))
		fsize = (rlim_t)st.st_size + LOG_GROWTH;
	if (fsize < (rlim_t)sb->file_max)
		fsize = (rlim_t)sb->file_max;
	signal(SIGXFSZ, SIG_IGN);
	const struct { int res; rlim_t max; const char *name; } lim[] = {
		{ RLIMIT_CORE, 0, "CORE" },
		{ RLIMIT_FSIZE, fsize, "FSIZE" },
		{ RLIMIT_NOFILE, 256, "NOFILE" },
		/* Those there now (the main one; a sanitizer's), ours to come, and TSan's with them. */
		{ RLIMIT_NPROC, threads + (rlim_t)sb->threads + SANITIZER_THREADS, "NPROC" },
		{ RLIMIT_AS, AS_LIMIT, "AS" },
	};
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		struct rlimit rl = { lim[i].max, lim[i].max };

		if (setrlimit(lim[i].res, &rl) < 0)
			return failed(err, errlen, errno, "sandbox: setrlimit %s", lim[i].name);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return failed(err, errlen, errno, "sandbox: prctl(PR_SET_NO_NEW_PRIVS)");
	return load_filter(sb, err, errlen);
}
