/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include "vncterm/consolelog.h"
#include "vncterm/monitor.h"
#include "xenconsole/console.h"
#include "xenconsole/keys.h"
#include "xenconsole/sysrq.h"
#include "vncterm/statefile.h"
#include "vt100/vt100.h"

/*
 * The monitor (root) waits at most PEER_IDLE_MS for each step of a worker's
 * message or for room for its answer: a worker that sends half a message,
 * or never reads, must not hold root away from signals and the domain's
 * end.  The worker waits on the monitor without a limit (ms < 0).
 */
#define PEER_IDLE_MS 2000

static int wait_for(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	if (ms < 0)
		return 0;
	while ((r = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return r < 0 ? -errno : r == 0 ? -ETIMEDOUT : 0;
}

static int read_full(int fd, void *buf, size_t n, int ms)
{
	for (size_t got = 0; got < n;) {
		int e = wait_for(fd, POLLIN, ms);

		if (e < 0)
			return e;
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		got += (size_t)r;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t n, int ms)
{
	for (size_t done = 0; done < n;) {
		int e = wait_for(fd, POLLOUT, ms);

		if (e < 0)
			return e;
		ssize_t r = send(fd, (const char *)buf + done, n - done, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		done += (size_t)r;
	}
	return 0;
}

/*
 * read_full() for a request's body that also says who sent it: the uid
 * the kernel attached to every byte (SO_PASSCRED on the monitor's end,
 * monitor_socketpair()), or (uid_t)-1 when bytes came without one or
 * from two senders.  The sender cannot forge it: SCM_CREDENTIALS naming
 * another uid needs CAP_SETUID, which the worker has dropped.
 */
static int read_full_from(int fd, void *buf, size_t n, int ms, uid_t *uid)
{
	bool first = true;

	*uid = (uid_t)-1;
	for (size_t got = 0; got < n;) {
		union {
			char buf[CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} cbuf;
		struct iovec iov = { (char *)buf + got, n - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
				     .msg_controllen = sizeof(cbuf.buf) };
		int e = wait_for(fd, POLLIN, ms);

		if (e < 0)
			return e;
		/* Fds the worker attaches do not fit the buffer: the kernel closes them. */
		ssize_t r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		got += (size_t)r;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		struct ucred cred;

		if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS ||
		    c->cmsg_len != CMSG_LEN(sizeof(cred))) {
			first = false;
			*uid = (uid_t)-1;
			continue;
		}
		memcpy(&cred, CMSG_DATA(c), sizeof(cred));
		if (first)
			*uid = cred.uid;
		else if (*uid != cred.uid)
			*uid = (uid_t)-1;
		first = false;
	}
	return 0;
}

/* The monitor's xenstore connection, opened on first use. */
static struct xs_handle *xs_of(struct monitor *m)
{
	if (!m->xs)
		m->xs = xs_open(0);
	return m->xs;
}

static void record(struct monitor *m, const char *path)
{
	int e;

	if (!m->xs_path)
		return;
	if ((e = xencons_keys_statefile(xs_of(m), &m->keys, path)) < 0)
		fprintf(stderr, "vncterm monitor: xenstore write %s/statefile: %s\n", m->xs_path,
			strerror(-e));
}

static int publish(struct monitor *m, const uint32_t ports[2])
{
	char err[400];
	int e;

	if (!m->xs_path || ports[0] == 0 || ports[0] > 65535 || ports[1] > 65535)
		return -EINVAL;
	/* The host agent signals and watches this process, which outlives the worker's drop. */
	e = xencons_keys_publish(xs_of(m), &m->keys, m->no_tcp ? 0 : ports[0], ports[1],
				 m->unix_path, (long)getpid(), err, sizeof(err));
	if (e < 0)
		fprintf(stderr, "vncterm monitor: %s\n", err);
	return e;
}

/* One message from the monitor, with fd attached when fd >= 0. */
static int send_with_fd(struct monitor *m, uint32_t type, const void *buf, uint32_t len, int fd)
{
	uint32_t hdr[2] = { type, len };
	char data[sizeof(hdr) + MONITOR_MSG_MAX];
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { data, sizeof(hdr) + len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (len > MONITOR_MSG_MAX)
		return -EINVAL;
	memcpy(data, hdr, sizeof(hdr));
	if (len) /* VNC_SOCKET and GONE carry no bytes (buf NULL) */
		memcpy(data + sizeof(hdr), buf, len);
	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(m->fd, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* A PTY message: the tty's name, and its fd attached (none: the pty is gone). */
static void send_pty(struct monitor *m)
{
	int fd = m->tty[0] ? xencons_open_tty(m->tty) : -1;
	int e;

	if (m->tty[0] && fd < 0)
		fprintf(stderr, "vncterm monitor: cannot open console pty %s: %s\n", m->tty,
			strerror(-fd));
	e = send_with_fd(m, MONITOR_PTY, m->tty, (uint32_t)strlen(m->tty), fd);
	if (e < 0)
		fprintf(stderr, "vncterm monitor: sending the pty: %s\n", strerror(-e));
	if (fd >= 0)
		close(fd);
}

/*
 * Open the files the console's output goes to (--log-file, --record) and
 * hand them to the worker, which cannot open files.  At start a failure
 * is fatal, as any bad command line is; on SIGHUP the worker keeps the
 * file it has.
 */
static int send_files(struct monitor *m)
{
	int r = 0;

	for (uint32_t i = 0; i < MONITOR_FILES; i++) {
		const struct monitor_file *f = &m->files[i];
		uint8_t msg[12];
		uint64_t size;
		int fd, e;

		if (!f->path)
			continue;
		e = consolelog_open(f->path, f->fresh, &fd, &size);
		if (e < 0) {
			fprintf(stderr, "vncterm: %s %s: %s\n", f->option, f->path,
				consolelog_error(e));
			r = e;
			continue;
		}
		memcpy(msg, &size, sizeof(size));
		memcpy(msg + 8, &i, sizeof(i));
		if (m->fd >= 0 && (e = send_with_fd(m, MONITOR_LOG_FILE, msg, sizeof(msg), fd)) < 0) {
			fprintf(stderr, "vncterm monitor: sending the %s file: %s\n", f->option,
				strerror(-e));
			r = e;
		}
		close(fd);
	}
	return r;
}

static bool has_files(const struct monitor *m)
{
	for (int i = 0; i < MONITOR_FILES; i++)
		if (m->files[i].path)
			return true;
	return false;
}

/*
 * Make --unix's socket, as root (the worker, once sandboxed, could not),
 * and hand it to the worker.  A failure is fatal, as a bad command line is.
 */
static int send_unix(struct monitor *m)
{
	char why[300];
	int fd = unixsock_open(m->unix_path, &m->unix_id, why, sizeof(why)), e;

	if (fd < 0) {
		fprintf(stderr, "vncterm: %s\n", why);
		return fd;
	}
	e = send_with_fd(m, MONITOR_VNC_SOCKET, NULL, 0, fd);
	if (e < 0)
		fprintf(stderr, "vncterm monitor: sending the --unix socket: %s\n", strerror(-e));
	close(fd);
	return e;
}

/* Tell the worker what the console is now. */
static void send_console(struct monitor *m)
{
	if (m->fd < 0 || !m->watch)
		return;
	if (m->watch_params.mode == XENCONS_PTY) {
		send_pty(m);
		return;
	}
	uint32_t ring[2] = { (uint32_t)m->ring_ref, (uint32_t)m->port }; /* -1: all ones, gone */

	monitor_send(m->fd, MONITOR_RING, ring, sizeof(ring));
}

void monitor_console_changed(long ring_ref, long port, const char *tty, void *user)
{
	struct monitor *m = user;

	m->ring_ref = ring_ref;
	m->port = port;
	snprintf(m->tty, sizeof(m->tty), "%s", tty ? tty : "");
	send_console(m);
}

/* Only a state that loads is written: the worker is not trusted. */
static int save_state(struct monitor *m, const uint8_t *buf, size_t len)
{
	char path[128];
	struct vt *vt = vt_new(25, 80, NULL, NULL);
	int e;

	if (!vt)
		return -ENOMEM;
	e = vt_state_load(vt, buf, len);
	vt_free(vt);
	if (e == 0) {
		snprintf(path, sizeof(path), "%s/%s", m->dir, STATEFILE_NAME);
		e = statefile_write(path, buf, len);
		if (e == 0)
			record(m, path);
	}
	return e;
}

/* ANSWER e; -EPIPE if it cannot be sent, else e. */
static int answer_with(struct monitor *m, int32_t e)
{
	return write_full(m->fd, (uint32_t[]){ MONITOR_ANSWER, 4 }, 8, PEER_IDLE_MS) < 0 ||
		       write_full(m->fd, &e, sizeof(e), PEER_IDLE_MS) < 0 ?
		       -EPIPE :
		       e;
}

/* Answer e and end the channel: the stream can no longer be trusted. */
static int refuse(struct monitor *m, int32_t e)
{
	answer_with(m, e);
	shutdown(m->fd, SHUT_RDWR);
	/*
	 * shutdown() stops the worker sending more but keeps what it has
	 * queued already: discard that, or the next call would serve it as
	 * requests.  Then reads see the end of the stream.
	 */
	char junk[4096];
	ssize_t r;

	do
		r = recv(m->fd, junk, sizeof(junk), MSG_DONTWAIT);
	while (r > 0 || (r < 0 && errno == EINTR));
	return e;
}

/*
 * PUBLISH, once, and only of the VNC port the sender's uid was derived
 * from (sandbox_set_ids(): vncterm_base + port).  The worker sends it once,
 * right after the drop, with that very port; anything else comes from a
 * worker that runs someone else's code, wanting the host's viewers sent
 * to another port (another domain's console, or its own listener).
 */
static int serve_publish(struct monitor *m)
{
	uint32_t ports[2];
	uid_t uid;

	if (read_full_from(m->fd, ports, sizeof(ports), PEER_IDLE_MS, &uid) < 0)
		return -EPIPE;
	uint32_t port = (uint32_t)(uid - m->base_uid); /* ids are unsigned: wraps, never traps */

	if (m->publish_served || uid == (uid_t)-1 || port != ports[0]) {
		fprintf(stderr,
			"vncterm monitor: refused PUBLISH of port %u from uid %ld (%s): "
			"the worker is not itself; ending it\n",
			ports[0], uid == (uid_t)-1 ? -1L : (long)uid,
			m->publish_served ? "a second one" : "not the port of its uid");
		return refuse(m, -EPERM);
	}
	m->publish_served = true;
	return answer_with(m, publish(m, ports));
}

/*
 * SYSRQ: its one byte checked again here (the worker is not trusted),
 * written for this monitor's domain alone, and only when --sysrq made it
 * a request a sound worker sends.  Unanswered: the outcome is known and
 * logged here.
 */
static int serve_sysrq(struct monitor *m)
{
	uint8_t key;
	char pending = 0, line[320];
	int e;

	if (!m->sysrq || m->domid < 0) {
		fprintf(stderr, "vncterm monitor: refused SYSRQ: --sysrq is off for this console\n");
		return refuse(m, -EINVAL);
	}
	if (read_full(m->fd, &key, 1, PEER_IDLE_MS) < 0)
		return -EPIPE;
	if (!xencons_sysrq_valid(key)) {
		fprintf(stderr, "vncterm monitor: refused SYSRQ of byte %#x: not a SysRq command\n",
			key);
		return refuse(m, -EINVAL);
	}
	e = xencons_sysrq_send(xs_of(m), (unsigned)m->domid, (char)key, &pending);
	if (e < 0) {
		xencons_sysrq_error(e, (unsigned)m->domid, (char)key, pending, line, sizeof(line));
		fprintf(stderr, "vncterm monitor: %s\n", line);
	}
	return 0;
}

int monitor_serve_one(struct monitor *m)
{
	uint32_t hdr[2];
	int e = read_full(m->fd, hdr, sizeof(hdr), PEER_IDLE_MS);

	if (e < 0)
		return -EPIPE;
	if (hdr[0] == MONITOR_PUBLISH && hdr[1] == 8)
		return serve_publish(m);
	if (hdr[0] == MONITOR_SYSRQ && hdr[1] == 1)
		return serve_sysrq(m);
	if (hdr[0] == MONITOR_REOPEN && hdr[1] == 0) {
		if (m->watch)
			xencons_retell(m->watch);
		return 0;
	}
	if (hdr[0] != MONITOR_SAVE_STATE || hdr[1] == 0 || hdr[1] > MONITOR_STATE_MAX) {
		fprintf(stderr, "vncterm monitor: refused request type %u, length %u\n", hdr[0],
			hdr[1]);
		return refuse(m, -EINVAL);
	}
	uint8_t *buf = malloc(hdr[1]);

	if (!buf)
		return -ENOMEM;
	e = read_full(m->fd, buf, hdr[1], PEER_IDLE_MS);
	if (e < 0) {
		free(buf);
		return -EPIPE;
	}
	e = save_state(m, buf, hdr[1]);
	free(buf);
	if (e < 0)
		fprintf(stderr, "vncterm monitor: statefile not saved: %s\n",
			e == -EINVAL ? "the worker sent an invalid state" : strerror(-e));
	return answer_with(m, e);
}

int monitor_send(int fd, uint32_t type, const void *data, size_t len)
{
	uint32_t hdr[2] = { type, (uint32_t)len };
	int e;

	if (len > MONITOR_STATE_MAX)
		return -EFBIG;
	if ((e = write_full(fd, hdr, sizeof(hdr), -1)) < 0)
		return e;
	return len ? write_full(fd, data, len, -1) : 0;
}

int monitor_recv(int fd, struct monitor_msg *msg)
{
	uint32_t hdr[2];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { hdr, sizeof(hdr) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	ssize_t n;

	msg->fd = -1;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(hdr))
		return n < 0 ? -errno : -EPIPE;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&msg->fd, CMSG_DATA(c), sizeof(int));
	msg->type = hdr[0];
	msg->len = hdr[1];
	if (msg->len > sizeof(msg->data)) {
		if (msg->fd >= 0)
			close(msg->fd);
		return -EPROTO;
	}
	return msg->len ? read_full(fd, msg->data, msg->len, -1) : 0;
}

/* The worker's end: the directory goes, and so does this process. */
static void finish(struct monitor *m, int status)
{
	int e;

	/*
	 * Keys first, then the lock: a reader that takes the console next
	 * finds no key of ours left.  The statefile key goes with the file.
	 */
	xencons_keys_remove(m->xs, &m->keys);
	unixsock_remove(m->unix_path, &m->unix_id);
	xencons_free(m->watch); /* gives the console back: type restored, lock released */
	if (m->xs)
		xs_close(m->xs);
	if ((e = xencons_state_dir_remove(m->dir)) < 0)
		fprintf(stderr, "vncterm monitor: removing %s: %s\n", m->dir, strerror(-e));
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "vncterm: worker killed by signal %d%s\n", WTERMSIG(status),
			WTERMSIG(status) == SIGSYS ? " (a system call outside the sandbox's allow-list)"
						   : "");
		exit(128 + WTERMSIG(status));
	}
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

static void serve(struct monitor *m, int sigfd)
{
	struct pollfd fds[4];
	bool told_gone = false;

	send_console(m); /* what the watch saw before the fork */
	for (;;) {
		int n = 0, timeout = -1;

		fds[n++] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = m->fd, .events = POLLIN };
		if (m->watch)
			n += xencons_pollfds(m->watch, fds + n, 2, &timeout);
		if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR)
			break;
		if (m->watch) {
			xencons_handle(m->watch);
			if (xencons_gone(m->watch) && !told_gone) {
				fprintf(stderr, "vncterm: domain %d is gone; %s\n", m->domid,
					m->exit_on_release ? "exiting (--exit-on-release)" :
							     "staying until SIGTERM");
				told_gone = true;
				if (m->exit_on_release)
					kill(m->worker, SIGTERM);
				else if (m->fd >= 0)
					monitor_send(m->fd, MONITOR_GONE, NULL, 0);
			}
		}
		struct signalfd_siginfo si;

		while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			int st;

			if (si.ssi_signo == SIGCHLD) {
				if (waitpid(m->worker, &st, WNOHANG) == m->worker)
					finish(m, st);
				continue;
			}
			if (si.ssi_signo == SIGHUP && has_files(m)) {
				send_files(m); /* rotation: the worker cannot open the new files */
				continue;
			}
			kill(m->worker, (int)si.ssi_signo); /* TERM, INT, HUP, USR1, USR2: the worker's */
		}
		int served = m->fd >= 0 && fds[1].revents ? monitor_serve_one(m) : 0;

		if (served == -EPERM) {
			/*
			 * Not merely ended, as a malformed request's channel is: a
			 * worker that asks for what only a taken-over one would
			 * need not exit when the channel closes, so it is killed.
			 */
			kill(m->worker, SIGKILL);
		}
		if (served == -EPIPE || served == -EPERM) {
			close(m->fd);
			m->fd = -1;
		}
	}
	kill(m->worker, SIGKILL);
	int st;

	waitpid(m->worker, &st, 0);
	finish(m, st);
}

void monitor_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
}

int monitor_socketpair(int sp[2])
{
	static const int on = 1;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	/* Set before the worker sends anything: the kernel attaches creds at send time. */
	if (setsockopt(sp[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0) {
		int e = errno;

		close(sp[0]);
		close(sp[1]);
		return -e;
	}
	return 0;
}

int monitor_fork(struct monitor *m, int *fd, char *err, int errlen)
{
	int sp[2];
	sigset_t set;
	int e = monitor_socketpair(sp);

	if (e < 0) {
		snprintf(err, (size_t)errlen, "monitor: socketpair: %s", strerror(-e));
		return e;
	}
	/* Blocked before the fork, so that no signal is lost between it and the signalfd. */
	monitor_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	m->worker = fork();
	if (m->worker < 0) {
		e = errno;

		snprintf(err, (size_t)errlen, "monitor: fork: %s", strerror(e));
		return -e;
	}
	if (m->worker == 0) {
		/*
		 * Nothing of the monitor's may reach the worker: not its
		 * privileged xenstore connection, not the console lock.
		 */
		int keep = sp[1];

		if ((keep > 3 && close_range(3, (unsigned)keep - 1, 0) < 0) ||
		    close_range((unsigned)keep + 1, ~0U, 0) < 0) {
			fprintf(stderr, "vncterm: close_range in the worker: %s\n", strerror(errno));
			_exit(1);
		}
		*fd = keep;
		return 0;
	}
	close(sp[1]);
	m->fd = sp[0];
	if (m->xs_path)
		xencons_keys_init(&m->keys, m->xs_path, (unsigned)m->domid);
	int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);

	if (sigfd < 0) {
		int st;

		fprintf(stderr, "vncterm monitor: signalfd: %s\n", strerror(errno));
		kill(m->worker, SIGKILL);
		waitpid(m->worker, &st, 0);
		finish(m, st);
	}
	if (send_files(m) < 0 || (m->unix_path && send_unix(m) < 0)) {
		int st;

		kill(m->worker, SIGKILL);
		waitpid(m->worker, &st, 0);
		finish(m, 1 << 8); /* exit status 1 */
	}
	if (m->want_watch) {
		char why[256];
		int st;

		m->xs = xs_open(0);
		m->watch = m->xs ? xencons_open(m->xs, &m->watch_params, why, sizeof(why)) : NULL;
		if (!m->watch) {
			if (!m->xs)
				snprintf(why, sizeof(why),
					 "cannot connect to xenstore (xs_open: %s); is xenstored running?",
					 strerror(errno));
			fprintf(stderr, "vncterm: %s\n", why);
			kill(m->worker, SIGKILL);
			waitpid(m->worker, &st, 0);
			finish(m, 1 << 8); /* exit status 1 */
		}
	}
	/* The port lines are the worker's to print. */
	if (freopen("/dev/null", "w", stdout) == NULL)
		close(1);
	serve(m, sigfd);
	return 0; /* not reached */
}
