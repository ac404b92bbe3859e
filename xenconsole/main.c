/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenconsole: attach the admin's terminal to a domain's console.
 *
 * One poll loop moves bytes both ways: console output into a bounded
 * queue and out to stdout (the console is not read while the queue is
 * full, so output is delayed, never dropped), stdin into the console.
 * Signals arrive on a signalfd, so every way out goes through finish(),
 * which gives the terminal back its modes.
 *
 * The command line (options.c) is also Xen's own xenconsole's, so that
 * libxl can exec this one for `xl console` and `xl create -c`.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "xenconsole/console.h"
#include "xenconsole/options.h"

#define ESC 0x1b
/* Console output waiting for stdout: at most this much is read ahead. */
#define OUTQ_SIZE (64 * 1024)
/* Typed input waiting for the console. */
#define INQ_SIZE (64 * 1024)
/*
 * Writes to stdout are at most PIPE_BUF: POLLOUT on a pipe promises no
 * more, and a blocking stdout must not stall the loop.
 */
#define WRITE_CHUNK PIPE_BUF
/*
 * With --start-notify-fd, how long the console may take to appear: Xen's
 * xenconsole gives up after about 5 s; twice that, for a loaded host.
 */
#define NOTIFY_WAIT_MS 10000
/* How often queued input is offered again to a console that had no room. */
#define INPUT_RETRY_MS 50
#define MAX_POLLFDS 16

struct session {
	const struct options *opt;
	struct xs_handle *xs;
	struct xencons *cons;
	int sigfd;
	/* The toolstack's pipe (--start-notify-fd) until it is told; -1 after. */
	int notify_fd;
	long long notify_deadline; /* ms: give up waiting for the console then */
	bool stdin_open;
	/* Dropping input is allowed only for a person typing, never for piped data. */
	bool stdin_tty;
	bool input_dropped;
	char out[OUTQ_SIZE];
	size_t out_head, out_len; /* pending bytes are out[out_head .. out_head + out_len) */
	char in[INQ_SIZE];
	size_t in_len;
	/* The terminal's modes before raw mode, for every exit path. */
	struct termios saved_tio;
	bool tty_raw;
};

static void tty_restore(struct session *s)
{
	if (s->tty_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &s->saved_tio);
		s->tty_raw = false;
	}
}

static int tty_make_raw(struct session *s)
{
	struct termios tio;

	if (!isatty(STDIN_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &s->saved_tio) < 0)
		return -errno;
	tio = s->saved_tio;
	cfmakeraw(&tio);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) < 0)
		return -errno;
	s->tty_raw = true;
	return 0;
}

/* Whether stderr is a terminal that does not return the carriage by itself (raw). */
static bool stderr_raw(void)
{
	struct termios t;

	return isatty(STDERR_FILENO) && tcgetattr(STDERR_FILENO, &t) == 0 && !(t.c_oflag & OPOST);
}

/* A message on stderr; a raw terminal does not return the carriage by itself. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("xenconsole: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(stderr_raw() ? "\r\n" : "\n", stderr);
	fflush(stderr);
}

static void log_cb(const char *msg, void *user)
{
	const struct options *o = user;
	char gone[64];

	/*
	 * The library says this the moment it sees the release; we say it
	 * once, after the console's last output and with the terminal back.
	 */
	snprintf(gone, sizeof(gone), "domain %u is gone", o->domid);
	if (strcmp(msg, gone) == 0)
		return;
	say("%s", msg);
}

/* The console's xenstore directory, as Xen's own xenconsole names it. */
static void console_path(const struct options *o, enum cons_type type, char *buf, size_t size)
{
	if (type == CONS_SERIAL)
		snprintf(buf, size, "/local/domain/%u/serial/%u", o->domid, o->num);
	else if (type == CONS_VUART)
		snprintf(buf, size, "/local/domain/%u/vuart/0", o->domid); /* Xen's: one, whatever --num */
	else if (o->num == 0)
		snprintf(buf, size, "/local/domain/%u/console", o->domid);
	else
		snprintf(buf, size, "/local/domain/%u/device/console/%u", o->domid, o->num);
}

/*
 * Once the console is attached, tell the toolstack: `xl create -c` keeps
 * the domain paused until this one byte (NUL, as Xen's xenconsole
 * writes) arrives, so that no early output is missed.
 */
static void notify_started(struct session *s)
{
	static const char nul = '\0';
	ssize_t n;

	if (s->notify_fd < 0 || !xencons_connected(s->cons))
		return;
	do
		n = write(s->notify_fd, &nul, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		say("cannot tell the toolstack the console is attached (--start-notify-fd %d): %s; "
		    "the console goes on",
		    s->notify_fd, n < 0 ? strerror(errno) : "nothing written");
	close(s->notify_fd);
	s->notify_fd = -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void session_close(struct session *s)
{
	if (s->cons)
		xencons_free(s->cons);
	s->cons = NULL;
	if (s->xs)
		xs_close(s->xs);
	s->xs = NULL;
	tty_restore(s);
}

static void finish(struct session *s, int status) __attribute__((noreturn));
static void finish(struct session *s, int status)
{
	session_close(s);
	exit(status);
}

/*
 * Die of the signal that asked us to, as a shell expects, once the
 * terminal is back in its modes and the console released.
 */
static void finish_by_signal(struct session *s, int sig) __attribute__((noreturn));
static void finish_by_signal(struct session *s, int sig)
{
	sigset_t set;

	session_close(s);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	raise(sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	exit(128 + sig);
}

static int setup_signals(void)
{
	sigset_t set;

	/* A closed stdout is an error to report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

/* Console output into the queue, as much as fits. */
static void pull_output(struct session *s)
{
	for (;;) {
		if (s->out_head + s->out_len == OUTQ_SIZE && s->out_head > 0) {
			memmove(s->out, s->out + s->out_head, s->out_len);
			s->out_head = 0;
		}
		size_t room = OUTQ_SIZE - s->out_head - s->out_len;
		if (room == 0)
			return;
		char *dst = s->out + s->out_head + s->out_len;
		ssize_t n = xencons_read(s->cons, dst, room);
		if (n <= 0)
			return;
		if (s->opt->replace_escape) {
			for (char *p = dst; (p = memchr(p, ESC, (size_t)(dst + n - p))); p++)
				*p = '.';
		}
		s->out_len += (size_t)n;
	}
}

/* One write of queued output to stdout; 0, or -errno when stdout is broken. */
static int push_output(struct session *s)
{
	size_t len = s->out_len < WRITE_CHUNK ? s->out_len : WRITE_CHUNK;
	ssize_t n = write(STDOUT_FILENO, s->out + s->out_head, len);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	s->out_head += (size_t)n;
	s->out_len -= (size_t)n;
	if (s->out_len == 0)
		s->out_head = 0;
	return 0;
}

/* Queued input into the console, as much as it takes now. */
static void push_input(struct session *s)
{
	size_t done = 0;

	while (done < s->in_len) {
		ssize_t n = xencons_write(s->cons, s->in + done, s->in_len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done) {
		memmove(s->in, s->in + done, s->in_len - done);
		s->in_len -= done;
	}
}

static void queue_input(struct session *s, const char *buf, size_t len)
{
	size_t room = INQ_SIZE - s->in_len;

	if (len > room) {
		if (!s->input_dropped)
			say("domain %u is not taking console input: typed keys are being dropped",
			    s->opt->domid);
		s->input_dropped = true;
		len = room;
	} else if (s->in_len == 0) {
		s->input_dropped = false;
	}
	memcpy(s->in + s->in_len, buf, len);
	s->in_len += len;
}

/* Read stdin once; true when the escape key asks us to detach. */
static bool read_input(struct session *s)
{
	char buf[4096];
	size_t want = sizeof(buf);

	/* Piped data waits for room; a terminal is always read, for the escape key. */
	if (!s->stdin_tty && INQ_SIZE - s->in_len < want)
		want = INQ_SIZE - s->in_len;
	if (want == 0)
		return false;
	ssize_t n = read(STDIN_FILENO, buf, want);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return false;
		say("reading standard input: %s; console input stops, output goes on "
		    "(the escape key no longer works: kill this client to leave)",
		    strerror(errno));
		s->stdin_open = false;
		return false;
	}
	if (n == 0) {
		/* The session is the console's output now: the domain or a signal ends it. */
		s->stdin_open = false;
		return false;
	}
	char *esc = memchr(buf, s->opt->escape, (size_t)n);
	queue_input(s, buf, esc ? (size_t)(esc - buf) : (size_t)n);
	if (esc) {
		push_input(s);
		return true;
	}
	return false;
}

/* Show what the console still has, then end the session. */
static void domain_gone(struct session *s) __attribute__((noreturn));
static void domain_gone(struct session *s)
{
	for (;;) {
		pull_output(s);
		if (s->out_len == 0)
			break;
		while (s->out_len) {
			ssize_t n = write(STDOUT_FILENO, s->out + s->out_head, s->out_len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				s->out_len = 0;
				break;
			}
			s->out_head += (size_t)n;
			s->out_len -= (size_t)n;
		}
		s->out_head = 0;
	}
	/* The terminal first, so the last line starts where a shell prompt would. */
	session_close(s);
	say("domain %u is gone", s->opt->domid);
	exit(EXIT_SUCCESS);
}

static void handle_signal(struct session *s)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		finish_by_signal(s, (int)si.ssi_signo);
}

static void run(struct session *s) __attribute__((noreturn));
static void run(struct session *s)
{
	struct pollfd fds[MAX_POLLFDS];
	int xsfd = xs_fileno(s->xs);

	for (;;) {
		notify_started(s);
		/*
		 * Run by `xl create -c`, which keeps the domain paused until told:
		 * a console that never comes would keep it paused for good.  Give
		 * up, as Xen's xenconsole does, and xl goes on when the fd closes.
		 */
		if (s->notify_fd >= 0 && now_ms() >= s->notify_deadline) {
			say("the console of domain %u was not attached within %d s; giving up "
			    "(--start-notify-fd), so the toolstack goes on",
			    s->opt->domid, NOTIFY_WAIT_MS / 1000);
			finish(s, EXIT_FAILURE);
		}
		pull_output(s);
		push_input(s);
		if (xencons_gone(s->cons))
			domain_gone(s);

		int timeout = -1;
		fds[0] = (struct pollfd){ .fd = s->sigfd, .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = s->stdin_open ? STDIN_FILENO : -1, .events = POLLIN };
		fds[2] = (struct pollfd){ .fd = s->out_len ? STDOUT_FILENO : -1, .events = POLLOUT };
		int n = xencons_pollfds(s->cons, fds + 3, MAX_POLLFDS - 3, &timeout);
		if (n < 0)
			n = 0;
		/*
		 * A full queue: leave the console's data where it is (the guest
		 * waits on its ring, xenconsoled on its pty) instead of spinning
		 * on it; xenstore is still followed.
		 */
		if (s->out_len == OUTQ_SIZE)
			for (int i = 3; i < 3 + n; i++)
				if (fds[i].fd != xsfd)
					fds[i].events &= (short)~POLLIN;
		/* A console that is back announces itself through xenstore; one that is full does not. */
		if (s->in_len && xencons_connected(s->cons) && (timeout < 0 || timeout > INPUT_RETRY_MS))
			timeout = INPUT_RETRY_MS;
		if (s->notify_fd >= 0) {
			long long left = s->notify_deadline - now_ms();
			int ms = left < 0 ? 0 : (int)left;

			if (timeout < 0 || ms < timeout)
				timeout = ms;
		}

		if (poll(fds, (nfds_t)(3 + n), timeout) < 0) {
			if (errno == EINTR)
				continue;
			say("poll: %s", strerror(errno));
			finish(s, EXIT_FAILURE);
		}
		if (fds[0].revents)
			handle_signal(s);
		if (fds[1].revents && read_input(s))
			finish(s, EXIT_SUCCESS);
		if (fds[2].revents) {
			int rc = push_output(s);
			if (rc < 0) {
				say("writing the console to standard output: %s; leaving the console",
				    strerror(-rc));
				finish(s, EXIT_FAILURE);
			}
		}
		xencons_handle(s->cons);
	}
}

/* Whether the node exists (empty or not). */
static bool node_exists(struct xs_handle *xs, const char *path)
{
	unsigned int len;
	char *v = xs_read(xs, XBT_NULL, path, &len);

	free(v);
	return v != NULL;
}

int main(int argc, char **argv)
{
	/* Two 64 KiB queues: off the stack; exits go through finish(), s still reachable. */
	struct session *s = calloc(1, sizeof(*s));
	struct options opt;
	char path[128], tty[160], err[512] = "";

	if (!s) {
		fputs("xenconsole: out of memory\n", stderr);
		return EXIT_FAILURE;
	}
	parse_options(argc, argv, &opt);
	s->opt = &opt;
	s->sigfd = -1;
	s->notify_fd = opt.notify_fd;
	s->notify_deadline = now_ms() + NOTIFY_WAIT_MS;
	s->stdin_tty = isatty(STDIN_FILENO);
	/*
	 * Xen's rule: a terminal is read (and made raw) when stdout is one too,
	 * or with -i; otherwise it is left alone, for `xl console 5 >log`.
	 * Input that is not a terminal is always read: a script's.
	 */
	s->stdin_open = !s->stdin_tty || opt.interactive || isatty(STDOUT_FILENO);

	int fd = setup_signals();
	if (fd < 0) {
		say("cannot set up signal handling: %s", strerror(-fd));
		finish(s, EXIT_FAILURE);
	}
	s->sigfd = fd;

	s->xs = xs_open(0);
	if (!s->xs) {
		say("cannot connect to xenstore: %s; is xenstored running, and are you root?",
		    strerror(errno));
		finish(s, EXIT_FAILURE);
	}
	enum cons_type type = opt.type;
	console_path(&opt, type, path, sizeof(path));
	/*
	 * As Xen's xenconsole: a serial console without a tty node is not
	 * there (no emulated serial port, or a PV guest): use the PV console.
	 */
	snprintf(tty, sizeof(tty), "%s/tty", path);
	if (type == CONS_SERIAL && xs_is_domain_introduced(s->xs, opt.domid) &&
	    !node_exists(s->xs, tty)) {
		type = CONS_PV;
		console_path(&opt, type, path, sizeof(path));
		say("domain %u has no serial console %u (no %s): using its PV console %s",
		    opt.domid, opt.num, tty, path);
	}
	struct xencons_params p = {
		.domid = opt.domid,
		.path = path,
		.mode = opt.mode,
		/* Shown to the admin (or a toolstack) as who holds the ring. */
		.claim_type = "xenconsole",
		.frame_only = type == CONS_VUART,
		.log = log_cb,
		.user = &opt,
	};
	s->cons = xencons_open(s->xs, &p, err, sizeof(err));
	if (!s->cons) {
		say("%s", err[0] ? err : "cannot open the console");
		finish(s, EXIT_FAILURE);
	}

	int rc = s->stdin_open ? tty_make_raw(s) : 0;
	if (rc < 0) {
		say("cannot put the terminal in raw mode: %s", strerror(-rc));
		finish(s, EXIT_FAILURE);
	}
	if (!xencons_connected(s->cons)) {
		char key[3], leave[32] = "";
		if (s->stdin_open && s->stdin_tty) {
			escape_name(opt.escape, key);
			snprintf(leave, sizeof(leave), " (%s to leave)", key);
		}
		say("waiting for the console of domain %u at %s%s", opt.domid, path, leave);
	}
	run(s);
}
