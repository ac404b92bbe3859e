/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_xenhost.h"

#define STORE_PORT 1
#define CONS_PORT "2"
#define RING_PFN 1234

static void key_of(struct xhost *h, const char *name, char *key, size_t size)
{
	snprintf(key, size, "%s%s%s", name[0] == '/' ? "" : h->cons, name[0] == '/' ? "" : "/",
		 name);
}

void xhost_put(struct xhost *h, const char *name, const char *value)
{
	char key[256];

	key_of(h, name, key, sizeof(key));
	ck_assert_msg(xs_write(h->xs, XBT_NULL, key, value, (unsigned int)strlen(value)),
		      "xenstore write %s: %s", key, strerror(errno));
}

const char *xhost_get(struct xhost *h, const char *name, char *buf, size_t size)
{
	char key[256];
	unsigned int len;
	char *v;

	key_of(h, name, key, sizeof(key));
	v = xs_read(h->xs, XBT_NULL, key, &len);
	snprintf(buf, size, "%s", v ? v : "");
	free(v);
	return buf;
}

bool xhost_wait_key(struct xhost *h, const char *name, const char *want, int ms)
{
	char buf[256];
	int64_t end = now_ms() + ms;

	do {
		xhost_get(h, name, buf, sizeof(buf));
		if (want ? !strcmp(buf, want) : buf[0] != '\0')
			return true;
		sleep_ms(20);
	} while (now_ms() < end);
	return false;
}

void xhost_domain_up(struct xhost *h, unsigned int domid)
{
	memset(h, 0, sizeof(*h));
	h->domid = domid;
	h->master = h->slave = -1;
	snprintf(h->cons, sizeof(h->cons), "/local/domain/%u/console", domid);
	ck_assert_int_eq(xsd_start(&h->xsd), 0);
	ck_assert_int_eq(xensim_dom_create(domid), 0);
	ck_assert_int_eq(xsd_introduce(domid, STORE_PORT), 0);
	h->xs = xs_open(0);
	ck_assert_ptr_nonnull(h->xs);
	h->ring = xensim_console_create(domid, RING_PFN);
	ck_assert_ptr_nonnull(h->ring);
	snprintf(h->lockdir, sizeof(h->lockdir), "%s/locks", h->xsd.dir);
	setenv("XENCONS_LOCK_DIR", h->lockdir, 1);
	setenv("LD_PRELOAD", xensim_lib(), 1);
	signal(SIGPIPE, SIG_IGN);
}

void xhost_ring_nodes(struct xhost *h)
{
	char pfn[32];

	snprintf(pfn, sizeof(pfn), "%d", RING_PFN);
	xhost_put(h, "ring-ref", pfn);
	xhost_put(h, "port", CONS_PORT);
	xhost_put(h, "limit", "1048576");
	xhost_put(h, "type", "xenconsoled");
}

void xhost_up(struct xhost *h, unsigned int domid, bool xen_lock)
{
	xhost_domain_up(h, domid);
	if (xen_lock)
		setenv("XENCONS_XEN_LOCK_DIR", "/var/lock", 1);
	xhost_ring_nodes(h);
	ck_assert_int_eq(openpty(&h->master, &h->slave, h->tty, NULL, NULL), 0);
	xhost_put(h, "tty", h->tty);
}

void xhost_ring_print(struct xhost *h, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		while (h->ring->out_prod - h->ring->out_cons >= sizeof(h->ring->out))
			sleep_ms(1);
		h->ring->out[MASK_XENCONS_IDX(h->ring->out_prod, h->ring->out)] = s[i];
		__atomic_store_n(&h->ring->out_prod, h->ring->out_prod + 1, __ATOMIC_RELEASE);
	}
	ck_assert_int_eq(xensim_notify(h->domid, (unsigned int)atoi(CONS_PORT)), 0);
}

void xhost_down(struct xhost *h)
{
	unsetenv("LD_PRELOAD");
	unsetenv("XENCONS_LOCK_DIR");
	unsetenv("XENCONS_XEN_LOCK_DIR");
	if (h->master >= 0)
		close(h->master);
	if (h->slave >= 0)
		close(h->slave);
	xensim_page_unmap(h->ring);
	xs_close(h->xs);
	xsd_stop(&h->xsd);
}

bool xhost_typed(struct xhost *h, const char *want, size_t len, int ms)
{
	char got[4096];
	size_t have = 0;
	int64_t end = now_ms() + ms;

	ck_assert_uint_le(len, sizeof(got));
	while (have < len && now_ms() < end) {
		struct pollfd p = { .fd = h->master, .events = POLLIN };

		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t n = read(h->master, got + have, sizeof(got) - have);

		if (n > 0)
			have += (size_t)n;
	}
	if (have == len && !memcmp(got, want, len))
		return true;
	fprintf(stderr, "console input: got %zu bytes \"%.*s\", expected %zu \"%.*s\"\n", have,
		(int)have, got, len, (int)len, want);
	return false;
}

pid_t xhost_spawn(const char *bin, const char *const *args, const char *log)
{
	const char *argv[16] = { bin };
	size_t n = 1;
	pid_t pid;

	while (args[n - 1] && n < 15) {
		argv[n] = args[n - 1];
		n++;
	}
	argv[n] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed test leaves nothing running */
		if (null < 0 || out < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		close_range(3, ~0u, 0);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

bool xhost_wait(pid_t pid, int ms, int *status)
{
	int64_t end = now_ms() + ms;

	do {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return true;
		sleep_ms(10);
	} while (now_ms() < end);
	return false;
}

const char *xhost_slurp(const char *path, char *buf, size_t size)
{
	read_file(path, buf, size);
	return buf;
}

int xhost_count(const char *path, const char *what)
{
	char buf[8192];
	int n = 0;

	xhost_slurp(path, buf, sizeof(buf));
	for (char *p = buf; (p = strstr(p, what)); p++)
		n++;
	return n;
}

bool xhost_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}
