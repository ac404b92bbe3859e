/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the root monitor's side of the channel from the
 * sandboxed worker (monitor_serve_one() in vncterm/monitor.c).  That
 * channel is the privilege boundary: a worker taken over by a hostile
 * guest or viewer can send anything.  The input is the byte stream the
 * worker sends; it goes into one end of a socketpair and the monitor
 * serves requests from the other until it reports the channel ended.
 *
 * This file parses the same stream on its own, from monitor.h's
 * description, and checks every request against it:
 *  - SAVE_STATE: answered with what vt_state_load() says of the bytes on
 *    a 25x80 terminal; the statefile appears, holding exactly those bytes,
 *    if and only if the answer is 0;
 *  - PUBLISH (8 bytes): the first one of FUZZ_PORT (the port the
 *    fuzzer's own uid stands for: the monitor's base uid is set to make
 *    it so) is answered, and as no xenstore path is configured it is
 *    refused with -EINVAL and nothing else happens; any other (a second
 *    one, or another port) is answered -EPERM and the channel is shut;
 *  - REOPEN (no bytes): served without an answer;
 *  - anything else (a wrong length included, and SYSRQ, which this
 *    monitor, without --sysrq, never serves): answered -EINVAL and the
 *    channel is shut, so the next call sees it ended;
 *  - a stream that ends mid-message: -EPIPE and no answer;
 *  - exactly one 12-byte ANSWER per answered request, nothing more.
 * Serving is single-threaded, so the answers are drained after each call:
 * the monitor would otherwise block once the socket's buffer is full.
 *
 * The monitor reports refusals on stderr, which is pointed at /dev/null
 * while it runs so that the log stays readable; sanitizer reports go to
 * the real stderr throughout.
 */
#include <errno.h>
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_check.h"
#include "vncterm/monitor.h"
#include "vncterm/statefile.h"
#include "vt100/vt100.h"

/* Below any socket buffer, so the whole stream is queued before serving. */
#define MAX_STREAM (64 * 1024)
#define ANSWER_LEN 12
/* The seeds' PUBLISH port (mkseeds.c). */
#define FUZZ_PORT 5901u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char state_path[128], tmp_path[136];
static int devnull = -1, real_stderr = -1;

static void cleanup(void)
{
	unlink(state_path);
	unlink(tmp_path);
	rmdir(dir);
}

static void setup(void)
{
	const char *base = fuzz_scratch_base();

	/* struct monitor holds the directory in 64 bytes: this fits. */
	snprintf(dir, sizeof(dir), "%s/fuzz_monitor.XXXXXX", base);
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(state_path, sizeof(state_path), "%s/%s", dir, STATEFILE_NAME);
	snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", state_path);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	real_stderr = fcntl(2, F_DUPFD_CLOEXEC, 3);
	FUZZ_CHECK(devnull >= 0 && real_stderr >= 0);
	__sanitizer_set_report_fd((void *)(intptr_t)real_stderr);
	atexit(cleanup);
}

/* One monitor_serve_one() with its chatter on stderr discarded. */
static int serve_quietly(struct monitor *m)
{
	FUZZ_CHECK(dup2(devnull, 2) == 2);
	int rc = monitor_serve_one(m);
	FUZZ_CHECK(dup2(real_stderr, 2) == 2);
	return rc;
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v)); /* host order, as the monitor reads it */
	return v;
}

/* The answer the monitor just sent, if any: exactly one, or none at all. */
static void expect_answer(int fd, bool want, int32_t value)
{
	uint8_t buf[ANSWER_LEN + 16];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (!want) {
		/* Nothing queued; after a shutdown, end of stream. */
		FUZZ_CHECK(n <= 0);
		return;
	}
	FUZZ_CHECK(n == ANSWER_LEN);
	FUZZ_CHECK(get_u32(buf) == MONITOR_ANSWER);
	FUZZ_CHECK(get_u32(buf + 4) == 4);
	FUZZ_CHECK((int32_t)get_u32(buf + 8) == value);
}

/* What the monitor must answer to a SAVE_STATE with these bytes. */
static int expected_save(const uint8_t *p, size_t len)
{
	struct vt *vt = vt_new(25, 80, NULL, NULL);

	FUZZ_CHECK(vt != NULL);
	int rc = vt_state_load(vt, p, len);
	vt_free(vt);
	return rc;
}

/* The statefile holds exactly these bytes; it is removed for the next request. */
static void check_statefile(const uint8_t *p, size_t len)
{
	int fd = open(state_path, O_RDONLY | O_CLOEXEC);
	uint8_t *back = malloc(len + 1);

	FUZZ_CHECK(fd >= 0 && back != NULL);
	FUZZ_CHECK(read(fd, back, len + 1) == (ssize_t)len);
	FUZZ_CHECK(memcmp(back, p, len) == 0);
	close(fd);
	free(back);
	FUZZ_CHECK(unlink(state_path) == 0);
	FUZZ_CHECK(access(tmp_path, F_OK) != 0);
}

/* After a refusal: the channel is over, whatever follows, and nothing was written. */
static void expect_ended(struct monitor *m, int worker)
{
	FUZZ_CHECK(serve_quietly(m) == -EPIPE);
	expect_answer(worker, false, 0);
	FUZZ_CHECK(access(state_path, F_OK) != 0);
}

/* Serve until the channel ends, checking each request against the stream. */
static void serve_stream(struct monitor *m, int worker, const uint8_t *s, size_t len)
{
	size_t pos = 0;
	bool published = false;

	for (;;) {
		if (len - pos < 8) {
			FUZZ_CHECK(serve_quietly(m) == -EPIPE);
			expect_answer(worker, false, 0);
			return;
		}
		uint32_t type = get_u32(s + pos), mlen = get_u32(s + pos + 4);
		size_t left = len - pos - 8;
		const uint8_t *body = s + pos + 8;
		int rc;

		if (type == MONITOR_PUBLISH && mlen == 8) {
			rc = serve_quietly(m);
			if (left < 8) {
				FUZZ_CHECK(rc == -EPIPE);
				expect_answer(worker, false, 0);
				return;
			}
			if (published || get_u32(body) != FUZZ_PORT) {
				FUZZ_CHECK(rc == -EPERM);
				expect_answer(worker, true, -EPERM);
				expect_ended(m, worker);
				return;
			}
			published = true;
			FUZZ_CHECK(rc == -EINVAL);
			expect_answer(worker, true, -EINVAL);
			pos += 16;
		} else if (type == MONITOR_REOPEN && mlen == 0) {
			FUZZ_CHECK(serve_quietly(m) == 0);
			expect_answer(worker, false, 0);
			pos += 8;
		} else if (type != MONITOR_SAVE_STATE || mlen == 0 || mlen > MONITOR_STATE_MAX) {
			FUZZ_CHECK(serve_quietly(m) == -EINVAL);
			expect_answer(worker, true, -EINVAL);
			expect_ended(m, worker);
			return;
		} else {
			rc = serve_quietly(m);
			if (left < mlen) {
				FUZZ_CHECK(rc == -EPIPE);
				expect_answer(worker, false, 0);
				FUZZ_CHECK(access(state_path, F_OK) != 0);
				return;
			}
			int want = expected_save(body, mlen);

			FUZZ_CHECK(rc == want);
			expect_answer(worker, true, want);
			if (want == 0)
				check_statefile(body, mlen);
			else
				FUZZ_CHECK(access(state_path, F_OK) != 0);
			pos += 8 + (size_t)mlen;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct monitor m;
	int sp[2];

	if (!dir[0])
		setup();
	if (size > MAX_STREAM)
		size = MAX_STREAM;

	memset(&m, 0, sizeof(m));
	snprintf(m.dir, sizeof(m.dir), "%s", dir);
	m.domid = -1;
	m.ring_ref = -1;
	m.port = -1;
	m.base_uid = getuid() - FUZZ_PORT; /* ids wrap, as the monitor's arithmetic does */
	FUZZ_CHECK(monitor_socketpair(sp) == 0);
	m.fd = sp[0];

	/* The whole stream, then end of file: the worker said all it will. */
	size_t done = 0;

	while (done < size) {
		ssize_t k = send(sp[1], data + done, size - done, MSG_DONTWAIT | MSG_NOSIGNAL);

		FUZZ_CHECK(k > 0);
		done += (size_t)k;
	}
	FUZZ_CHECK(shutdown(sp[1], SHUT_WR) == 0);

	serve_stream(&m, sp[1], data, size);
	close(sp[0]);
	close(sp[1]);
	return 0;
}
