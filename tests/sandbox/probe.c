/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Applies vncterm's own sandbox_prepare(), sandbox_set_ids() and
 * sandbox_enter() (allowing one thread besides the main one) and then
 * makes one system call: "allowed" (write) must work, "forbidden"
 * (socket, which the worker never needs) must kill the process with
 * SIGSYS; "thread" starts and joins one thread (vncterm's viewers have
 * them), "threads" tries two at once and says "refused" when RLIMIT_NPROC
 * stops the second, "fork" makes a process (clone without CLONE_THREAD),
 * which must be killed; "mmap" maps memory read-write, which must work,
 * "mmap-exec" maps it executable, which must be killed; "stopped" says
 * "ready", waits in poll() on stdin until a byte comes (the test stops
 * and continues it meanwhile) and says "ok"; "stream-pair" makes an
 * AF_UNIX stream socketpair (viewers'), which must work, "dgram-pair" a
 * datagram one, which must be killed; "send" sends a byte on stdin (a
 * socket), which must work, "sendto-addr" sends it to an abstract address,
 * which must be killed, and "sendmsg" says "refused" when sendmsg fails.
 * Usage: sandbox-probe PORT allowed|forbidden|thread|threads|fork|mmap|
 * mmap-exec|stopped|stream-pair|dgram-pair|send|sendto-addr|sendmsg (the
 * ids are vncterm_base's + PORT)
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vncterm/sandbox.h"

struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool open;
};

static void *idle(void *arg)
{
	struct gate *g = arg;

	/* Until the main thread is done: a second thread must find this one still there. */
	pthread_mutex_lock(&g->mu);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->mu);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

static int threads(int n)
{
	struct gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false };
	pthread_t t[2];
	int r = 0, started = 0;

	while (started < n && !(r = pthread_create(&t[started], NULL, idle, &g)))
		started++;
	pthread_mutex_lock(&g.mu);
	g.open = true;
	pthread_cond_broadcast(&g.cond);
	pthread_mutex_unlock(&g.mu);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	if (r == EAGAIN)
		return write(1, "refused\n", 8) == 8 ? 0 : 1;
	if (r)
		return 1;
	return write(1, "ok\n", 3) == 3 ? 0 : 1;
}

/*
 * Interrupted by SIGSTOP, poll() is continued after SIGCONT through
 * restart_syscall, which the kernel calls in the process's name.
 */
static int stopped(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char c;

	if (write(1, "ready\n", 6) != 6 || poll(&p, 1, -1) != 1 || read(0, &c, 1) != 1)
		return 1;
	return write(1, "ok\n", 3) == 3 ? 0 : 1;
}

/* A page mapped with prot; it must be usable (or the call kills). */
static int map(int prot)
{
	char *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	p[0] = 1;
	munmap(p, 4096);
	return write(1, "ok\n", 3) == 3 ? 0 : 1;
}

/* The socket calls a network namespace of the worker's own once fenced. */
static int sockets(const char *what)
{
	struct sockaddr_un to = { .sun_family = AF_UNIX, .sun_path = "\0vncterm-probe" };
	struct iovec iov = { "x", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int sv[2];

	if (!strcmp(what, "stream-pair") &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		return 1;
	if (!strcmp(what, "dgram-pair"))
		socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	if (!strcmp(what, "send") && send(0, "x", 1, MSG_NOSIGNAL) != 1)
		return 1;
	if (!strcmp(what, "sendto-addr"))
		sendto(0, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof(to));
	if (!strcmp(what, "sendmsg"))
		return sendmsg(0, &mh, MSG_NOSIGNAL) < 0 && write(1, "refused\n", 8) == 8 ? 0 : 1;
	return write(1, "ok\n", 3) == 3 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sandbox sb;
	char err[256];

	if (argc != 3)
		return 2;
	if (sandbox_prepare(&sb, getpid(), false, err, sizeof(err)) < 0 ||
	    sandbox_set_ids(&sb, atoi(argv[1]), err, sizeof(err)) < 0)
		goto fail;
	sb.threads = 1;
	if (sandbox_enter(&sb, err, sizeof(err)) < 0) {
fail:
		fprintf(stderr, "sandbox-probe: %s\n", err);
		return 1;
	}
	if (!strcmp(argv[2], "forbidden"))
		socket(AF_INET, SOCK_STREAM, 0);
	if (!strcmp(argv[2], "thread"))
		return threads(1);
	if (!strcmp(argv[2], "threads"))
		return threads(2);
	if (!strcmp(argv[2], "mmap"))
		return map(PROT_READ | PROT_WRITE);
	if (!strcmp(argv[2], "mmap-exec"))
		return map(PROT_READ | PROT_WRITE | PROT_EXEC);
	if (!strcmp(argv[2], "stopped"))
		return stopped();
	if (!strcmp(argv[2], "fork") && fork() == 0)
		_exit(0);
	if (strstr(argv[2], "pair") || !strncmp(argv[2], "send", 4))
		return sockets(argv[2]);
	return write(1, "ok\n", 3) == 3 ? 0 : 1;
}
