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

#include "vncterm/monitor.h"
#include "vncterm/statefile.h"
#include "vt100/vt100.h"

static int read_full(int fd, void *buf, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		got += (size_t)r;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = send(fd, (const char *)buf + done, n - done, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		done += (size_t)r;
	}
	return 0;
}

static void record(const struct monitor *m, const char *path)
{
	char key[300];
	struct xs_handle *xs;

	if (!m->xs_path)
		return;
	xs = xs_open(0);
	snprintf(key, sizeof(key), "%s/statefile", m->xs_path);
	if (!xs || !xs_write(xs, XBT_NULL, key, path, (unsigned int)strlen(path)))
		fprintf(stderr, "vncterm monitor: xenstore write %s: %s\n", key, strerror(errno));
	if (xs)
		xs_close(xs);
}

/* Only a state that loads is written: the worker is not trusted. */
static int save_state(const struct monitor *m, const uint8_t *buf, size_t len)
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

int monitor_serve_one(struct monitor *m)
{
	uint32_t hdr[2];
	int32_t answer;
	int e = read_full(m->fd, hdr, sizeof(hdr));

	if (e < 0)
		return -EPIPE;
	if (hdr[0] != MONITOR_SAVE_STATE || hdr[1] == 0 || hdr[1] > MONITOR_STATE_MAX) {
		/* The stream can no longer be trusted to be in step: end it. */
		fprintf(stderr, "vncterm monitor: refused request type %u, length %u\n", hdr[0],
			hdr[1]);
		answer = -EINVAL;
		write_full(m->fd, &answer, sizeof(answer));
		shutdown(m->fd, SHUT_RDWR);
		return -EINVAL;
	}
	uint8_t *buf = malloc(hdr[1]);

	if (!buf)
		return -ENOMEM;
	e = read_full(m->fd, buf, hdr[1]);
	if (e < 0) {
		free(buf);
		return -EPIPE;
	}
	e = save_state(m, buf, hdr[1]);
	free(buf);
	if (e < 0)
		fprintf(stderr, "vncterm monitor: statefile not saved: %s\n",
			e == -EINVAL ? "the worker sent an invalid state" : strerror(-e));
	answer = e;
	if (write_full(m->fd, &answer, sizeof(answer)) < 0)
		return -EPIPE;
	return e;
}

int monitor_save_state(int fd, const uint8_t *state, size_t len)
{
	uint32_t hdr[2] = { MONITOR_SAVE_STATE, (uint32_t)len };
	int32_t answer;
	int e;

	if (len == 0 || len > MONITOR_STATE_MAX)
		return -EFBIG;
	if ((e = write_full(fd, hdr, sizeof(hdr))) < 0 || (e = write_full(fd, state, len)) < 0 ||
	    (e = read_full(fd, &answer, sizeof(answer))) < 0)
		return e;
	return answer;
}

/* The worker's end: the directory goes, and so does this process. */
static void finish(struct monitor *m, int status)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", m->dir, STATEFILE_NAME);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.tmp", m->dir, STATEFILE_NAME);
	unlink(path);
	if (rmdir(m->dir) < 0)
		fprintf(stderr, "vncterm monitor: rmdir %s: %s\n", m->dir, strerror(errno));
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
	struct pollfd fds[2] = { { .fd = sigfd, .events = POLLIN }, { .fd = m->fd, .events = POLLIN } };

	for (;;) {
		if (poll(fds, m->fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		struct signalfd_siginfo si;

		while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			int st;

			if (si.ssi_signo == SIGCHLD) {
				if (waitpid(m->worker, &st, WNOHANG) == m->worker)
					finish(m, st);
				continue;
			}
			kill(m->worker, (int)si.ssi_signo); /* TERM, INT, HUP, USR1 are the worker's */
		}
		if (m->fd >= 0 && fds[1].revents && monitor_serve_one(m) == -EPIPE) {
			close(m->fd);
			m->fd = -1;
		}
	}
	kill(m->worker, SIGKILL);
	int st;

	waitpid(m->worker, &st, 0);
	finish(m, st);
}

int monitor_fork(struct monitor *m, int *fd, char *err, int errlen)
{
	int sp[2];
	sigset_t set;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		snprintf(err, (size_t)errlen, "monitor: socketpair: %s", strerror(errno));
		return -errno;
	}
	/* Blocked before the fork, so that no signal is lost between it and the signalfd. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	m->worker = fork();
	if (m->worker < 0) {
		snprintf(err, (size_t)errlen, "monitor: fork: %s", strerror(errno));
		return -errno;
	}
	if (m->worker == 0) {
		close(sp[0]);
		*fd = sp[1];
		return 0;
	}
	close(sp[1]);
	m->fd = sp[0];
	int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);

	if (sigfd < 0) {
		int st;

		fprintf(stderr, "vncterm monitor: signalfd: %s\n", strerror(errno));
		kill(m->worker, SIGKILL);
		waitpid(m->worker, &st, 0);
		finish(m, st);
	}
	/* The port lines are the worker's to print. */
	if (freopen("/dev/null", "w", stdout) == NULL)
		close(1);
	serve(m, sigfd);
	return 0; /* not reached */
}
