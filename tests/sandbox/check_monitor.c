/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The root monitor's side of the channel from the sandboxed worker
 * (vncterm/monitor.c): malformed requests are refused and end the
 * channel, a stalled worker holds root for 2 s at most, and PUBLISH is
 * served once and only with the VNC port the sender's uid stands for;
 * any other PUBLISH ends the worker; a SYSRQ must be one command
 * character, with --sysrq.  The uid tests run as root (as CI
 * does), the others as anyone.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"
#include "tests/sandbox/util_sandbox.h"
#include "vncterm/monitor.h"
#include "vncterm/statefile.h"
#include "vt100/vt100.h"

/* The monitor's side of a socketpair, with a scratch directory. */
static void monitor_pair(struct monitor *m, int *worker)
{
	int sp[2];

	memset(m, 0, sizeof(*m));
	snprintf(m->dir, sizeof(m->dir), "/tmp/vncterm-mon-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(m->dir));
	ck_assert_int_eq(monitor_socketpair(sp), 0);
	m->fd = sp[0];
	*worker = sp[1];
}

static int32_t answer(int fd)
{
	uint32_t hdr[2];
	int32_t a = 1;

	ck_assert_int_eq(read(fd, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	ck_assert_uint_eq(hdr[0], MONITOR_ANSWER);
	ck_assert_uint_eq(hdr[1], sizeof(a));
	ck_assert_int_eq(read(fd, &a, sizeof(a)), (ssize_t)sizeof(a));
	return a;
}

START_TEST(monitor_refuses_malformed)
{
	struct monitor m;
	int w;
	char path[128];

	monitor_pair(&m, &w);
	snprintf(path, sizeof(path), "%s/%s", m.dir, STATEFILE_NAME);
	/* An unknown request type. */
	uint32_t bad_type[2] = { 7, 4 };

	ck_assert_int_eq(write(w, bad_type, sizeof(bad_type)), (ssize_t)sizeof(bad_type));
	ck_assert_int_eq(monitor_serve_one(&m), -EINVAL);
	ck_assert_int_eq(answer(w), -EINVAL);
	close(w);
	close(m.fd);
	/* A length beyond the limit is refused before anything is read or allocated. */
	monitor_pair(&m, &w);
	uint32_t huge[2] = { MONITOR_SAVE_STATE, MONITOR_STATE_MAX + 1 };

	ck_assert_int_eq(write(w, huge, sizeof(huge)), (ssize_t)sizeof(huge));
	ck_assert_int_eq(monitor_serve_one(&m), -EINVAL);
	ck_assert_int_eq(answer(w), -EINVAL);
	close(w);
	close(m.fd);
	/* Bytes that are not a state are not written. */
	monitor_pair(&m, &w);
	snprintf(path, sizeof(path), "%s/%s", m.dir, STATEFILE_NAME);
	uint32_t junk_hdr[2] = { MONITOR_SAVE_STATE, 16 };

	ck_assert_int_eq(write(w, junk_hdr, sizeof(junk_hdr)), (ssize_t)sizeof(junk_hdr));
	ck_assert_int_eq(write(w, "not a statefile!", 16), 16);
	ck_assert_int_eq(monitor_serve_one(&m), -EINVAL);
	ck_assert_int_eq(answer(w), -EINVAL);
	ck_assert_int_lt(access(path, F_OK), 0);
	/* A real state is written, and loads. */
	struct vt *vt = vt_new(4, 20, NULL, NULL);
	uint8_t *buf;
	size_t len;

	vt_write(vt, "saved text", 10);
	ck_assert_int_eq(vt_state_save(vt, &buf, &len), 0);
	uint32_t hdr[2] = { MONITOR_SAVE_STATE, (uint32_t)len };

	ck_assert_int_eq(write(w, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	ck_assert_int_eq(write(w, buf, len), (ssize_t)len);
	ck_assert_int_eq(monitor_serve_one(&m), 0);
	ck_assert_int_eq(answer(w), 0);
	/* Written as the worker sent it. */
	uint8_t back[4096];
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, back, sizeof(back)), (ssize_t)len);
	ck_assert_mem_eq(back, buf, len);
	close(fd);
	/* The worker hanging up ends the monitor's service. */
	close(w);
	ck_assert_int_eq(monitor_serve_one(&m), -EPIPE);
	free(buf);
	vt_free(vt);
	unlink(path);
	rmdir(m.dir);
	close(m.fd);
}
END_TEST

/*
 * A refusal ends the channel: requests the worker queued behind the refused
 * one are not served.  shutdown() stops further sends but keeps what is
 * already queued, which the monitor used to go on reading as requests (a
 * statefile was written after the refusal here).  Found by fuzz_monitor.
 */
START_TEST(monitor_refusal_ends_channel)
{
	struct monitor m;
	int w;
	char path[128];
	struct vt *vt = vt_new(4, 20, NULL, NULL);
	uint8_t *buf;
	size_t len;

	monitor_pair(&m, &w);
	snprintf(path, sizeof(path), "%s/%s", m.dir, STATEFILE_NAME);
	vt_write(vt, "saved text", 10);
	ck_assert_int_eq(vt_state_save(vt, &buf, &len), 0);

	uint32_t huge[2] = { MONITOR_SAVE_STATE, MONITOR_STATE_MAX + 1 };
	uint32_t hdr[2] = { MONITOR_SAVE_STATE, (uint32_t)len };

	ck_assert_int_eq(write(w, huge, sizeof(huge)), (ssize_t)sizeof(huge));
	ck_assert_int_eq(write(w, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	ck_assert_int_eq(write(w, buf, len), (ssize_t)len);
	ck_assert_int_eq(monitor_serve_one(&m), -EINVAL);
	ck_assert_int_eq(answer(w), -EINVAL);
	/* The valid request behind it is not served, and nothing is written. */
	ck_assert_int_eq(monitor_serve_one(&m), -EPIPE);
	ck_assert_int_lt(access(path, F_OK), 0);
	/* Nor can the worker send any more. */
	ck_assert_int_lt(send(w, hdr, sizeof(hdr), MSG_NOSIGNAL), 0);
	free(buf);
	vt_free(vt);
	unlink(path);
	rmdir(m.dir);
	close(w);
	close(m.fd);
}
END_TEST

/*
 * SYSRQ carries exactly one byte, one of Linux's SysRq commands, and is
 * served only with --sysrq on the domain's console: anything else is
 * refused and ends the channel, before xenstore is touched (this monitor
 * has no connection to one: a request served would fail there and be
 * logged, not answered).
 */
START_TEST(monitor_refuses_bad_sysrq)
{
	static const struct {
		bool sysrq;
		uint32_t len;
		char body[4];
	} bad[] = {
		{ true, 0, "" },   { true, 2, "hh" },  { true, 1, "a" },  { true, 1, "A" },
		{ true, 1, "\0" }, { true, 1, "\xff" }, { true, 1, "\n" }, { false, 1, "h" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct monitor m;
		int w;
		uint32_t hdr[2] = { MONITOR_SYSRQ, bad[i].len };

		monitor_pair(&m, &w);
		m.sysrq = bad[i].sysrq;
		m.domid = 5;
		ck_assert_int_eq(write(w, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
		ck_assert_int_eq(write(w, bad[i].body, bad[i].len), (ssize_t)bad[i].len);
		ck_assert_msg(monitor_serve_one(&m) == -EINVAL, "case %zu served", i);
		ck_assert_int_eq(answer(w), -EINVAL);
		ck_assert_int_eq(monitor_serve_one(&m), -EPIPE);
		ck_assert_ptr_null(m.xs);
		rmdir(m.dir);
		close(w);
		close(m.fd);
	}
}
END_TEST

/* A worker that stops half way through a message holds root for 2 s at most. */
START_TEST(monitor_stalled_worker_times_out)
{
	struct monitor m;
	int w;
	uint32_t half = MONITOR_SAVE_STATE;

	monitor_pair(&m, &w);
	ck_assert_int_eq(write(w, &half, sizeof(half)), (ssize_t)sizeof(half));
	int64_t t0 = now_ms();

	ck_assert_int_eq(monitor_serve_one(&m), -EPIPE);
	int64_t took = now_ms() - t0;

	ck_assert_msg(took >= 1500 && took < 4000, "the monitor waited %lld ms", (long long)took);
	rmdir(m.dir);
	close(w);
	close(m.fd);
}
END_TEST

#define PUBLISH_PORT 5901u

/* A refusal that ends the channel: answered -EPERM, and nothing served after it. */
static void expect_refused(struct monitor *m, int w)
{
	ck_assert_int_eq(monitor_serve_one(m), -EPERM);
	ck_assert_int_eq(answer(w), -EPERM);
	ck_assert_int_eq(monitor_serve_one(m), -EPIPE);
}

static void monitor_unpair(struct monitor *m, int w)
{
	rmdir(m->dir);
	close(w);
	close(m->fd);
}

/* The worker's PUBLISH of vnc port `port` (no text port). */
static void send_publish(int w, uint32_t port)
{
	uint32_t msg[4] = { MONITOR_PUBLISH, 8, port, 0 };

	ck_assert_int_eq(write(w, msg, sizeof(msg)), (ssize_t)sizeof(msg));
}

/*
 * PUBLISH is served once: a second one is refused (-EPERM) and ends the
 * channel.  Served here means answered -EINVAL, as this monitor has no
 * xenstore path to publish in; the first is from the port the test's own
 * uid stands for.
 */
START_TEST(monitor_publish_once)
{
	struct monitor m;
	int w;

	monitor_pair(&m, &w);
	m.base_uid = getuid() - PUBLISH_PORT;
	send_publish(w, PUBLISH_PORT);
	ck_assert_int_eq(monitor_serve_one(&m), -EINVAL);
	ck_assert_int_eq(answer(w), -EINVAL);
	send_publish(w, PUBLISH_PORT);
	expect_refused(&m, w);
	monitor_unpair(&m, w);
}
END_TEST

/* A child that drops to uid, sends PUBLISH of port on w, and exits. */
static void publish_as(uid_t uid, int w, uint32_t port)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		uint32_t msg[4] = { MONITOR_PUBLISH, 8, port, 0 };

		_exit(setresuid(uid, uid, uid) == 0 &&
				      write(w, msg, sizeof(msg)) == (ssize_t)sizeof(msg) ?
			      0 :
			      1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(st, 0);
}

/*
 * Only the VNC port the sender's uid stands for (uid - vncterm_base, as
 * the kernel reports the sender, whatever the message says): a worker
 * under vncterm_base + 5901 may publish 5901; the same request from
 * another uid (root, here), or another port from the right uid, is
 * refused and ends the channel.
 */
START_TEST(monitor_publish_port_of_uid)
{
	struct monitor m;
	int w;
	uid_t base = sandbox_base_uid();

	monitor_pair(&m, &w);
	m.base_uid = base;
	publish_as(base + PUBLISH_PORT, w, PUBLISH_PORT);
	ck_assert_int_eq(monitor_serve_one(&m), -EINVAL); /* served: no xenstore path */
	ck_assert_int_eq(answer(w), -EINVAL);
	monitor_unpair(&m, w);

	monitor_pair(&m, &w);
	m.base_uid = base;
	publish_as(base + PUBLISH_PORT, w, PUBLISH_PORT + 1);
	expect_refused(&m, w);
	monitor_unpair(&m, w);

	monitor_pair(&m, &w);
	m.base_uid = base;
	send_publish(w, PUBLISH_PORT); /* from root */
	expect_refused(&m, w);
	monitor_unpair(&m, w);
}
END_TEST

/*
 * A refused PUBLISH is fatal to the worker: one that ignores the ended
 * channel (as a taken-over one would) is killed, and the monitor exits
 * with its status.  The monitor runs in a process group of its own so
 * that a failed test leaves nothing behind.
 */
START_TEST(monitor_kills_worker_on_bad_publish)
{
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct monitor m;
		char err[128];
		int fd;

		setpgid(0, 0);
		memset(&m, 0, sizeof(m));
		snprintf(m.dir, sizeof(m.dir), "/tmp/vncterm-mon-XXXXXX");
		if (!mkdtemp(m.dir))
			_exit(120);
		m.domid = -1;
		m.base_uid = getuid() - PUBLISH_PORT;
		if (monitor_fork(&m, &fd, err, sizeof(err)) < 0)
			_exit(121);
		/* The worker: a port its uid does not stand for, then deaf to everything. */
		if (monitor_send(fd, MONITOR_PUBLISH, (uint32_t[]){ PUBLISH_PORT + 1, 0 }, 8) < 0)
			_exit(122);
		for (;;)
			pause();
	}
	int64_t end = now_ms() + 10000;
	pid_t got;

	while ((got = waitpid(pid, &st, WNOHANG)) == 0 && now_ms() < end)
		usleep(10000);
	if (got == 0) {
		kill(-pid, SIGKILL);
		waitpid(pid, &st, 0);
		ck_abort_msg("the monitor kept a worker that published another port");
	}
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGKILL,
		      "the monitor exited with status %#x, not the killed worker's", st);
}
END_TEST

Suite *monitor_suite(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("monitor");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, monitor_refuses_malformed);
	tcase_add_test(tc, monitor_refusal_ends_channel);
	tcase_add_test(tc, monitor_refuses_bad_sysrq);
	tcase_add_test(tc, monitor_stalled_worker_times_out);
	tcase_add_test(tc, monitor_publish_once);
	tcase_add_test(tc, monitor_publish_port_of_uid);
	tcase_add_test(tc, monitor_kills_worker_on_bad_publish);
	suite_add_tcase(s, tc);
	return s;
}
