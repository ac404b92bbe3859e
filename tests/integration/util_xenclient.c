/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenconsole suites' host, guest and client (util_xenclient.h).  The
 * libxl tests run the client with the argv libxl_console_exec gives Xen's
 * xenconsole, and play xl's end of --start-notify-fd.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tests/integration/util_xenclient.h"

/* ---- the host: xenstored, the lock directory, the toolstack's nodes ---- */

/*
 * Check's fixtures take no argument: what xc_host_setup() starts lives
 * here, in the test's own process (each test runs in a fork of its own).
 */
static struct {
	struct xsd xsd;
	struct xs_handle *xs;
	char lock_dir[64];
} host;

void xc_host_setup(void)
{
	char tmpl[] = "/tmp/xencons-lock-XXXXXX";

	ck_assert_int_eq(xsd_start(&host.xsd), 0);
	host.xs = xs_open(0);
	ck_assert_msg(host.xs, "xs_open: %s", strerror(errno));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	strcpy(host.lock_dir, tmpl);
	setenv("XENCONS_LOCK_DIR", host.lock_dir, 1);
	/* A client that died must fail the test, not kill it with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
}

void xc_host_teardown(void)
{
	char path[128];

	if (host.xs)
		xs_close(host.xs);
	host.xs = NULL;
	xsd_stop(&host.xsd);
	/* The lock file is the library's to name: remove whatever is there. */
	snprintf(path, sizeof(path), "rm -rf '%s'", host.lock_dir);
	if (host.lock_dir[0] && system(path) != 0)
		fprintf(stderr, "could not remove %s\n", host.lock_dir);
	unsetenv("XENCONS_LOCK_DIR");
}

TCase *xc_client_tcase(void)
{
	TCase *tc = tcase_create("client");

	tcase_add_checked_fixture(tc, xc_host_setup, xc_host_teardown);
	tcase_set_timeout(tc, 40);
	return tc;
}

struct xs_handle *xc_store(void)
{
	return host.xs;
}

void xc_put(const char *path, const char *val)
{
	ck_assert_msg(xs_write(host.xs, XBT_NULL, path, val, strlen(val)), "xs_write %s: %s", path,
		      strerror(errno));
}

void xc_domain_create(void)
{
	ck_assert_int_eq(xsd_introduce(DOMID, STORE_PORT), 0);
}

/* The nodes the toolstack writes for a PV console under base (xenconsoled adds tty). */
void xc_console_nodes_at(const char *base)
{
	char path[128], v[32];

	snprintf(path, sizeof(path), "%s/ring-ref", base);
	snprintf(v, sizeof(v), "%d", CONS_PFN);
	xc_put(path, v);
	snprintf(path, sizeof(path), "%s/port", base);
	snprintf(v, sizeof(v), "%d", CONS_PORT);
	xc_put(path, v);
	snprintf(path, sizeof(path), "%s/limit", base);
	xc_put(path, "1048576");
	snprintf(path, sizeof(path), "%s/type", base);
	xc_put(path, "xenconsoled");
}

static void console_nodes(void)
{
	xc_console_nodes_at(CONS);
}

/* ---- xenconsoled's pty: the guest's end is the master ---- */

void xc_pty_open(struct xc_pty *p)
{
	struct termios tio;

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(p->master, 0);
	ck_assert_int_eq(grantpt(p->master), 0);
	ck_assert_int_eq(unlockpt(p->master), 0);
	ck_assert_int_eq(ptsname_r(p->master, p->name, sizeof(p->name)), 0);
	/* Held open, raw, as xenconsoled does, so a reader's close hangs nothing up. */
	p->slave = open(p->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(p->slave, 0);
	ck_assert_int_eq(tcgetattr(p->slave, &tio), 0);
	cfmakeraw(&tio);
	ck_assert_int_eq(tcsetattr(p->slave, TCSANOW, &tio), 0);
	fcntl(p->master, F_SETFL, O_NONBLOCK);
}

void xc_pty_close(struct xc_pty *p)
{
	close(p->master);
	close(p->slave);
	p->master = p->slave = -1;
}

/* A console at base served by xenconsoled on a fresh pty. */
void xc_pty_console_at(struct xc_pty *p, const char *base)
{
	char path[128];

	xc_console_nodes_at(base);
	xc_pty_open(p);
	snprintf(path, sizeof(path), "%s/tty", base);
	xc_put(path, p->name);
}

void xc_pty_console(struct xc_pty *p)
{
	xc_pty_console_at(p, CONS);
}

/* Read what the client typed into the console, until want arrived. */
bool xc_pty_expect(struct xc_pty *p, const char *want, size_t len, int ms)
{
	char got[4096];
	size_t have = 0;
	int64_t deadline = now_ms() + ms;

	while (have < len && now_ms() < deadline) {
		struct pollfd pfd = { .fd = p->master, .events = POLLIN };

		poll(&pfd, 1, SLICE_MS);
		ssize_t n = read(p->master, got + have, sizeof(got) - have);
		if (n > 0)
			have += (size_t)n;
	}
	if (have != len || memcmp(got, want, len) != 0) {
		fprintf(stderr, "console input: got %zu bytes \"%.*s\", expected \"%.*s\"\n", have,
			(int)have, got, (int)len, want);
		return false;
	}
	return true;
}

/* ---- the guest's ring ---- */

struct xencons_interface *xc_ring_console(void)
{
	struct xencons_interface *intf = xensim_console_create(DOMID, CONS_PFN);

	ck_assert_ptr_nonnull(intf);
	console_nodes();
	return intf;
}

void xc_ring_put(struct xencons_interface *intf, const char *s)
{
	XENCONS_RING_IDX prod = intf->out_prod;

	ck_assert_uint_le(prod - intf->out_cons + strlen(s), sizeof(intf->out));
	for (; *s; s++, prod++)
		intf->out[MASK_XENCONS_IDX(prod, intf->out)] = *s;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	intf->out_prod = prod;
}

/* What the client put into in[], consumed as the guest would. */
size_t xc_ring_take(struct xencons_interface *intf, char *buf, size_t size)
{
	XENCONS_RING_IDX cons = intf->in_cons, prod = intf->in_prod;
	size_t n = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (cons != prod && n < size)
		buf[n++] = intf->in[MASK_XENCONS_IDX(cons++, intf->in)];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	intf->in_cons = cons;
	return n;
}

/* ---- the client ---- */

/* notify: a descriptor the client gets as NOTIFY_FD (as xl passes its pipe), or -1. */
static void child_exec(const char *bin, const char *const *args, int notify)
{
	const char *argv[16] = { bin };
	size_t n = 1;
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (; *args && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setenv("LD_PRELOAD", xensim_lib(), 1);
	if (notify >= 0) {
		/* dup2 onto itself would leave close-on-exec set. */
		if (notify == NOTIFY_FD ? fcntl(notify, F_SETFD, 0) < 0 : dup2(notify, NOTIFY_FD) < 0)
			_exit(127);
		close_range(3, NOTIFY_FD - 1, 0);
		close_range(NOTIFY_FD + 1, ~0u, 0);
	} else {
		close_range(3, ~0u, 0);
	}
	execv(bin, (char *const *)argv);
	fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
	_exit(127);
}

/* Run the client bin with args (NULL-terminated); notify as child_exec() takes it. */
struct xc_client *xc_client_spawn_bin(const char *bin, enum xc_client_io io,
				      const char *const *args, int notify)
{
	struct xc_client *c = calloc(1, sizeof(*c));
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	pid_t parent = getpid();
	bool on_tty = io != XC_ON_PIPES;

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(xensim_lib(), "libxensim.so not found beside the runner (make?)");
	c->tty = -1;
	c->err = -1;
	if (on_tty) {
		struct xc_pty t;

		xc_pty_open(&t);
		/* The slave as a fresh terminal has: cooked, echoing. */
		struct termios tio;
		ck_assert_int_eq(tcgetattr(t.slave, &tio), 0);
		tio.c_iflag |= ICRNL;
		tio.c_oflag |= OPOST | ONLCR;
		tio.c_lflag |= ICANON | ECHO | ISIG | IEXTEN;
		ck_assert_int_eq(tcsetattr(t.slave, TCSANOW, &tio), 0);
		ck_assert_int_eq(tcgetattr(t.slave, &c->initial), 0);
		c->in = c->out = t.master;
		c->tty = t.slave;
	} else {
		ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
		c->in = in[1];
	}
	if (io != XC_ON_TTY) {
		ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
		ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
		c->out = out[0];
		c->err = err[0];
	}
	fflush(NULL);
	c->pid = fork();
	ck_assert_int_ge(c->pid, 0);
	if (c->pid == 0) {
		if (getppid() != parent)
			_exit(127);
		if (on_tty) {
			/* A session of its own, with this terminal as the controlling one. */
			if (setsid() < 0 || ioctl(c->tty, TIOCSCTTY, 0) < 0)
				_exit(127);
			dup2(c->tty, 0);
		} else {
			setpgid(0, 0);
			dup2(in[0], 0);
		}
		dup2(io == XC_ON_TTY ? c->tty : out[1], 1);
		dup2(io == XC_ON_TTY ? c->tty : err[1], 2);
		child_exec(bin, args, notify);
	}
	if (!on_tty) {
		setpgid(c->pid, c->pid);
		close(in[0]);
	}
	if (io != XC_ON_TTY) {
		close(out[1]);
		close(err[1]);
		fcntl(c->err, F_SETFL, O_NONBLOCK);
	}
	fcntl(c->out, F_SETFL, O_NONBLOCK);
	return c;
}

struct xc_client *xc_client_spawn(enum xc_client_io io, const char *const *args, int notify)
{
	return xc_client_spawn_bin(XENCONSOLE_BIN, io, args, notify);
}

/* Run the client with args (NULL-terminated) on pipes, or on a terminal of its own. */
struct xc_client *xc_client_start(bool on_tty, const char *const *args)
{
	return xc_client_spawn(on_tty ? XC_ON_TTY : XC_ON_PIPES, args, -1);
}

static void drain(int fd, char *buf, size_t size, size_t *len)
{
	char scratch[4096];
	ssize_t n;

	while ((n = read(fd, scratch, sizeof(scratch))) > 0)
		for (ssize_t i = 0; i < n && *len + 1 < size; i++)
			buf[(*len)++] = scratch[i];
	buf[*len] = '\0';
}

/* Collect its output for up to ms. */
void xc_client_pump(struct xc_client *c, int ms)
{
	struct pollfd p[2] = { { .fd = c->out, .events = POLLIN }, { .fd = c->err, .events = POLLIN } };

	poll(p, c->err >= 0 ? 2 : 1, ms);
	drain(c->out, c->obuf, sizeof(c->obuf), &c->olen);
	if (c->err >= 0)
		drain(c->err, c->ebuf, sizeof(c->ebuf), &c->elen);
}

bool xc_client_reap(struct xc_client *c)
{
	if (!c->reaped && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->reaped = true;
	return c->reaped;
}

/*
 * Wait up to ms for needle in its stdout (stderr too if err), calling
 * poke(arg) every slice: the guest's notification may go out before the
 * client has bound its port.
 */
bool xc_client_expect(struct xc_client *c, const char *needle, bool err, int ms,
		      void (*poke)(void *), void *arg)
{
	int64_t deadline = now_ms() + ms;

	for (;;) {
		if (memmem(c->obuf, c->olen, needle, strlen(needle)) ||
		    (err && memmem(c->ebuf, c->elen, needle, strlen(needle))))
			return true;
		if (now_ms() >= deadline) {
			fprintf(stderr, "client output has no \"%s\"; stdout: \"%s\" stderr: \"%s\"\n",
				needle, c->obuf, c->ebuf);
			return false;
		}
		if (poke)
			poke(arg);
		xc_client_pump(c, SLICE_MS);
	}
}

void xc_client_send(struct xc_client *c, const char *bytes, size_t len)
{
	ck_assert_int_eq(write(c->in, bytes, len), (ssize_t)len);
}

/* True if it exited within ms; its output is collected meanwhile. */
bool xc_client_wait_exit(struct xc_client *c, int ms)
{
	int64_t deadline = now_ms() + ms;

	while (!xc_client_reap(c)) {
		if (now_ms() >= deadline)
			return false;
		xc_client_pump(c, SLICE_MS);
	}
	xc_client_pump(c, 0);
	return true;
}

void xc_client_free(struct xc_client *c)
{
	if (!xc_client_reap(c)) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
			;
	}
	if (c->in != c->out)
		close(c->in);
	close(c->out);
	if (c->err >= 0)
		close(c->err);
	if (c->tty >= 0)
		close(c->tty);
	free(c);
}

bool xc_exited_with(const struct xc_client *c, int code)
{
	if (!c->reaped || !WIFEXITED(c->status) || WEXITSTATUS(c->status) != code) {
		fprintf(stderr, "client: reaped %d status 0x%x, expected exit %d; stderr: \"%s\"\n",
			c->reaped, (unsigned int)c->status, code, c->ebuf);
		return false;
	}
	return true;
}

/* Its terminal's local modes: raw means no line editing, echo or signals. */
bool xc_tty_is_raw(const struct xc_client *c)
{
	struct termios tio;

	ck_assert_int_eq(tcgetattr(c->tty, &tio), 0);
	return !(tio.c_lflag & (ICANON | ECHO | ISIG)) && !(tio.c_iflag & ICRNL);
}

bool xc_wait_raw(const struct xc_client *c, int ms)
{
	int64_t deadline = now_ms() + ms;

	while (!xc_tty_is_raw(c)) {
		if (now_ms() >= deadline)
			return false;
		sleep_ms(SLICE_MS);
	}
	return true;
}

bool xc_same_modes(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag;
}

void xc_poke_pty(void *arg)
{
	struct xc_pty_poke *pp = arg;

	if (now_ms() < pp->next)
		return;
	pp->next = now_ms() + 300;
	ck_assert_int_eq(write(pp->p->master, pp->text, strlen(pp->text)), (ssize_t)strlen(pp->text));
}

void xc_poke_ring(void *arg)
{
	(void)arg;
	xensim_notify(DOMID, CONS_PORT);
}

/* A client attached through the pty: what the guest writes there shows. */
struct xc_client *xc_attach_pty(struct xc_pty *p, bool on_tty, const char *const *args,
				const char *hello)
{
	struct xc_client *c = xc_client_start(on_tty, args);
	struct xc_pty_poke pp = { .p = p, .text = hello };

	ck_assert(xc_client_expect(c, hello, false, WAIT_MS, xc_poke_pty, &pp));
	return c;
}
