/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated Xen host itself: the real xenstored running on
 * libxensim.so, and the shim's event channels, page maps and domain info
 * as a real libxen* caller (xensim-probe) sees them against the guest side.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/io/console.h>
#include <xenstore.h>

#include "tests/xensim/xensim.h"

#define VIRQ_DOM_EXC 3

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- xenstore ---- */

static struct xs_handle *xs_connect(void)
{
	struct xs_handle *h = xs_open(0);

	ck_assert_msg(h, "xs_open: %s", strerror(errno));
	return h;
}

/* True once a watch event for path with token arrives within timeout_ms. */
static bool wait_watch(struct xs_handle *h, const char *path, const char *token, int timeout_ms)
{
	int64_t deadline = ms_now() + timeout_ms;

	for (;;) {
		char **ev = xs_check_watch(h);
		if (ev) {
			bool match = strcmp(ev[XS_WATCH_PATH], path) == 0 &&
				     strcmp(ev[XS_WATCH_TOKEN], token) == 0;
			free(ev);
			if (match)
				return true;
			continue;
		}
		int left = (int)(deadline - ms_now());
		if (left <= 0)
			return false;
		struct pollfd p = { .fd = xs_fileno(h), .events = POLLIN };
		poll(&p, 1, left);
	}
}

static char *xs_get(struct xs_handle *h, const char *path)
{
	unsigned int len;

	return xs_read(h, XBT_NULL, path, &len);
}

START_TEST(xenstored_round_trip)
{
	struct xsd x;

	ck_assert_int_eq(xsd_start(&x), 0);
	ck_assert_str_eq(getenv("XENSTORED_PATH"), x.sock);
	struct xs_handle *h = xs_connect();
	ck_assert(xs_write(h, XBT_NULL, "/test/greeting", "hello", 5));
	char *v = xs_get(h, "/test/greeting");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "hello");
	free(v);
	ck_assert(xs_is_domain_introduced(h, 0));
	xs_close(h);
	xsd_stop(&x);
	ck_assert_ptr_null(getenv("XENSIM_DIR"));
	ck_assert_int_ne(access(x.sock, F_OK), 0);
}
END_TEST

START_TEST(watch_fires_at_registration_and_on_change)
{
	struct xsd x;

	ck_assert_int_eq(xsd_start(&x), 0);
	struct xs_handle *h = xs_connect();
	ck_assert(xs_watch(h, "/test/w", "tok"));
	/* xenstored fires every new watch once, whether the node exists or not. */
	ck_assert(wait_watch(h, "/test/w", "tok", 2000));
	ck_assert(!wait_watch(h, "/test/w", "tok", 100));
	ck_assert(xs_write(h, XBT_NULL, "/test/w", "1", 1));
	ck_assert(wait_watch(h, "/test/w", "tok", 2000));
	/* Children fire the parent's watch too. */
	ck_assert(xs_write(h, XBT_NULL, "/test/w/child", "2", 1));
	ck_assert(wait_watch(h, "/test/w/child", "tok", 2000));
	xs_close(h);
	xsd_stop(&x);
}
END_TEST

START_TEST(introduce_then_release)
{
	struct xsd x;

	ck_assert_int_eq(xsd_start(&x), 0);
	struct xs_handle *h = xs_connect();
	ck_assert(xs_watch(h, "@releaseDomain", "rel"));
	ck_assert(xs_watch(h, "@introduceDomain", "intro"));
	ck_assert(wait_watch(h, "@releaseDomain", "rel", 2000));
	ck_assert(wait_watch(h, "@introduceDomain", "intro", 2000));
	ck_assert(!xs_is_domain_introduced(h, 5));

	ck_assert_int_eq(xsd_introduce(5, 7), 0);
	ck_assert(wait_watch(h, "@introduceDomain", "intro", 2000));
	ck_assert(xs_is_domain_introduced(h, 5));
	char *name = xs_get(h, "/local/domain/5/name");
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, "guest5");
	free(name);
	/* xenstored bound the guest's store port through the shim. */
	char fifo[PATH_MAX];
	snprintf(fifo, sizeof(fifo), "%s/dom5/evtchn-7.up", x.dir);
	ck_assert_int_eq(access(fifo, F_OK), 0);

	ck_assert(xs_release_domain(h, 5));
	ck_assert(wait_watch(h, "@releaseDomain", "rel", 2000));
	ck_assert(!xs_is_domain_introduced(h, 5));
	xs_close(h);
	xsd_stop(&x);
}
END_TEST

START_TEST(dying_domain_released_on_virq)
{
	struct xsd x;

	ck_assert_int_eq(xsd_start(&x), 0);
	struct xs_handle *h = xs_connect();
	ck_assert_int_eq(xsd_introduce(6, 3), 0);
	ck_assert(xs_is_domain_introduced(h, 6));
	ck_assert(xs_watch(h, "@releaseDomain", "rel"));
	ck_assert(wait_watch(h, "@releaseDomain", "rel", 2000));

	/* The VIRQ alone changes nothing while the domain lives. */
	ck_assert_int_eq(xensim_raise_virq(VIRQ_DOM_EXC), 0);
	ck_assert(!wait_watch(h, "@releaseDomain", "rel", 300));
	ck_assert(xs_is_domain_introduced(h, 6));

	ck_assert_int_eq(xensim_dom_set_dying(6), 0);
	ck_assert_int_eq(xensim_raise_virq(VIRQ_DOM_EXC), 0);
	ck_assert(wait_watch(h, "@releaseDomain", "rel", 2000));
	ck_assert(!xs_is_domain_introduced(h, 6));
	xs_close(h);
	xsd_stop(&x);
}
END_TEST

/* ---- the shim through a real libxen* caller ---- */

struct probe {
	pid_t pid;
	int in, out;     /* its stdin, its stdout */
	char reply[512];
};

static void probe_start(struct probe *p)
{
	const char *lib = xensim_lib();
	char exe[PATH_MAX];
	int to[2], from[2];

	ck_assert_msg(lib, "libxensim.so not found beside the runner");
	snprintf(exe, sizeof(exe), "%.*s/xensim-probe", (int)(strrchr(lib, '/') - lib), lib);
	ck_assert_int_eq(pipe2(to, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(from, O_CLOEXEC), 0);
	p->pid = fork();
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		setenv("LD_PRELOAD", lib, 1);
		execl(exe, exe, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	p->in = to[1];
	p->out = from[0];
}

/* Send one command; its one-line reply (5 s at most) is in p->reply. */
static const char *probe(struct probe *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *probe(struct probe *p, const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	size_t n = 0;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	strcat(cmd, "\n");
	ck_assert_int_eq(write(p->in, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	int64_t deadline = ms_now() + 5000;
	for (;;) {
		struct pollfd pf = { .fd = p->out, .events = POLLIN };
		int left = (int)(deadline - ms_now());
		ck_assert_msg(left > 0 && poll(&pf, 1, left) == 1, "xensim-probe: no reply to %s", cmd);
		char c;
		ck_assert_msg(read(p->out, &c, 1) == 1, "xensim-probe died on %s", cmd);
		if (c == '\n')
			break;
		if (n < sizeof(p->reply) - 1)
			p->reply[n++] = c;
	}
	p->reply[n] = '\0';
	return p->reply;
}

static void probe_stop(struct probe *p)
{
	int status;

	close(p->in);
	close(p->out);
	ck_assert_int_eq(waitpid(p->pid, &status, 0), p->pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A fresh $XENSIM_DIR with domain 3, and a probe on it. */
static char simdir[64];

static void shim_setup(void)
{
	ck_assert_int_eq(xensim_dir_create(simdir, sizeof(simdir)), 0);
	ck_assert_int_eq(xensim_dom_create(3), 0);
}

static void shim_teardown(void)
{
	xensim_dir_remove(simdir);
}

START_TEST(evtchn_notify_pending_mask)
{
	struct probe p;

	shim_setup();
	probe_start(&p);
	ck_assert_str_eq(probe(&p, "bind 3 5"), "port 10");
	ck_assert_str_eq(probe(&p, "poll 0"), "idle");

	ck_assert_int_eq(xensim_notify(3, 5), 0);
	ck_assert_str_eq(probe(&p, "poll 2000"), "readable");
	ck_assert_str_eq(probe(&p, "pending"), "port 10");
	/* Delivered, so masked: a new notification waits for the unmask. */
	ck_assert_str_eq(probe(&p, "poll 0"), "idle");
	ck_assert_str_eq(probe(&p, "pending"), "err EAGAIN");
	ck_assert_int_eq(xensim_notify(3, 5), 0);
	ck_assert_str_eq(probe(&p, "poll 100"), "idle");
	ck_assert_str_eq(probe(&p, "unmask 10"), "ok");
	ck_assert_str_eq(probe(&p, "poll 2000"), "readable");
	ck_assert_str_eq(probe(&p, "pending"), "port 10");
	ck_assert_str_eq(probe(&p, "unmask 10"), "ok");
	ck_assert_str_eq(probe(&p, "poll 0"), "idle");

	/* Backend to guest. */
	ck_assert_int_eq(xensim_wait_notify(3, 5, 0), 0);
	ck_assert_str_eq(probe(&p, "notify 10"), "ok");
	ck_assert_int_gt(xensim_wait_notify(3, 5, 2000), 0);
	ck_assert_int_eq(xensim_wait_notify(3, 5, 0), 0);

	/* A second port on the same handle is told apart. */
	ck_assert_str_eq(probe(&p, "bind 3 6"), "port 11");
	ck_assert_int_eq(xensim_notify(3, 6), 0);
	ck_assert_str_eq(probe(&p, "poll 2000"), "readable");
	ck_assert_str_eq(probe(&p, "pending"), "port 11");
	ck_assert_str_eq(probe(&p, "unbind 11"), "ok");
	ck_assert_str_eq(probe(&p, "notify 11"), "err EINVAL");

	/* No such domain. */
	ck_assert_str_eq(probe(&p, "bind 9 5"), "err ESRCH");
	probe_stop(&p);
	shim_teardown();
}
END_TEST

START_TEST(evtchn_virq)
{
	struct probe p;

	shim_setup();
	probe_start(&p);
	ck_assert_str_eq(probe(&p, "virq 3"), "port 10");
	ck_assert_int_eq(xensim_raise_virq(3), 0);
	ck_assert_str_eq(probe(&p, "poll 2000"), "readable");
	ck_assert_str_eq(probe(&p, "pending"), "port 10");
	ck_assert_str_eq(probe(&p, "unmask 10"), "ok");
	ck_assert_str_eq(probe(&p, "poll 0"), "idle");
	probe_stop(&p);
	shim_teardown();
}
END_TEST

START_TEST(pages_shared_with_guest)
{
	struct probe p;
	char cmd[64];
	int out = (int)offsetof(struct xencons_interface, out);

	shim_setup();
	struct xencons_interface *cons = xensim_console_create(3, 4660);
	ck_assert_ptr_nonnull(cons);
	ck_assert_int_eq(cons->out_prod, 0);
	memcpy(cons->out, "hello", 5);
	probe_start(&p);

	/* Pages the guest has not made yet are made on demand. */
	ck_assert_str_eq(probe(&p, "gnt 3 1"), "ok");
	ck_assert_str_eq(probe(&p, "gnt 3 0"), "ok");
	snprintf(cmd, sizeof(cmd), "read %d 5", out);
	ck_assert_str_eq(probe(&p, "%s", cmd), "data hello");
	ck_assert_str_eq(probe(&p, "write %d world", out), "ok");
	ck_assert_mem_eq(cons->out, "world", 5);

	ck_assert_str_eq(probe(&p, "pfn 3 4660"), "ok");
	ck_assert_str_eq(probe(&p, "%s", cmd), "data world");
	ck_assert_str_eq(probe(&p, "write %d again", out), "ok");
	ck_assert_mem_eq(cons->out, "again", 5);

	/* No grant: the backend must fall back to the foreign mapping. */
	ck_assert_str_eq(probe(&p, "unmap"), "ok");
	ck_assert_int_eq(xensim_dom_no_grant(3), 0);
	ck_assert_str_eq(probe(&p, "gnt 3 0"), "err EPERM");
	ck_assert_str_eq(probe(&p, "pfn 3 4660"), "ok");
	ck_assert_str_eq(probe(&p, "%s", cmd), "data again");

	/* Missing domains fail. */
	ck_assert_str_eq(probe(&p, "gnt 9 0"), "err ESRCH");
	ck_assert_str_eq(probe(&p, "pfn 9 1"), "err ESRCH");
	probe_stop(&p);
	xensim_page_unmap(cons);
	shim_teardown();
}
END_TEST

START_TEST(domain_info)
{
	struct probe p;

	shim_setup();
	probe_start(&p);
	ck_assert_str_eq(probe(&p, "info 0"), "dom 0 dying 0 shutdown 0");
	ck_assert_str_eq(probe(&p, "info 3"), "dom 3 dying 0 shutdown 0");
	ck_assert_str_eq(probe(&p, "infolist 3"), "dom 3 dying 0 shutdown 0");
	ck_assert_str_eq(probe(&p, "info 4"), "none");
	ck_assert_str_eq(probe(&p, "restrict 3"), "ok");

	ck_assert_int_eq(xensim_dom_set_dying(3), 0);
	ck_assert_str_eq(probe(&p, "info 3"), "dom 3 dying 1 shutdown 1");
	ck_assert_str_eq(probe(&p, "infolist 3"), "dom 3 dying 1 shutdown 1");
	ck_assert_int_eq(xensim_dom_remove(3), 0);
	ck_assert_str_eq(probe(&p, "info 3"), "none");
	ck_assert_str_eq(probe(&p, "infolist 3"), "none");
	ck_assert_str_eq(probe(&p, "info 0"), "dom 0 dying 0 shutdown 0");
	probe_stop(&p);
	shim_teardown();
}
END_TEST

Suite *xensim_suite(void)
{
	Suite *s = suite_create("xensim");
	TCase *xs = tcase_create("xenstored");
	TCase *shim = tcase_create("shim");

	tcase_set_timeout(xs, 30);
	tcase_add_test(xs, xenstored_round_trip);
	tcase_add_test(xs, watch_fires_at_registration_and_on_change);
	tcase_add_test(xs, introduce_then_release);
	tcase_add_test(xs, dying_domain_released_on_virq);
	suite_add_tcase(s, xs);

	tcase_set_timeout(shim, 30);
	tcase_add_test(shim, evtchn_notify_pending_mask);
	tcase_add_test(shim, evtchn_virq);
	tcase_add_test(shim, pages_shared_with_guest);
	tcase_add_test(shim, domain_info);
	suite_add_tcase(s, shim);
	return s;
}
