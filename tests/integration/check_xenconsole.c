/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenconsole client end to end, against the real xenstored on the
 * simulated Xen host (tests/xensim).  The test plays the toolstack (the
 * console nodes), xenconsoled (a pty it makes and names in console/tty)
 * and the guest (the far end of that pty, or the ring page and its event
 * channel).  The client runs on pipes, or on a pty of its own when its
 * terminal handling is what is tested (all three streams, or stdin
 * alone).  Every client runs in its own process group and dies with the
 * test process.  The libxl tests run it with the argv libxl_console_exec
 * gives Xen's xenconsole, and play xl's end of --start-notify-fd.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include <time.h>
#include <unistd.h>

#include <xen/io/console.h>
#include <xenstore.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_xenhost.h" /* XENCONSOLE_BIN, XEN_XENCONSOLE_BIN */
#include "tests/xensim/xensim.h"


#define DOMID 7
#define DOMID_STR "7"
#define STORE_PORT 3
#define CONS_PORT 5
#define CONS_PFN 1234
#define CONS "/local/domain/" DOMID_STR "/console"
#define SERIAL0 "/local/domain/" DOMID_STR "/serial/0"
#define VUART "/local/domain/" DOMID_STR "/vuart/0"
#define VUART_PORT 6
#define VUART_PFN 2345
/* The descriptor number the client gets its --start-notify-fd pipe on. */
#define NOTIFY_FD 9
#define NOTIFY_FD_STR "9"
/* How long anything the client should do may take. */
#define WAIT_MS 5000
#define SLICE_MS 20

/* ---- the host: xenstored, the lock directory, the toolstack's nodes ---- */

static struct xsd xsd;
static struct xs_handle *xs;
static char lock_dir[64];

static void host_setup(void)
{
	char tmpl[] = "/tmp/xencons-lock-XXXXXX";

	ck_assert_int_eq(xsd_start(&xsd), 0);
	xs = xs_open(0);
	ck_assert_msg(xs, "xs_open: %s", strerror(errno));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	strcpy(lock_dir, tmpl);
	setenv("XENCONS_LOCK_DIR", lock_dir, 1);
	/* A client that died must fail the test, not kill it with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
}

static void host_teardown(void)
{
	char path[128];

	if (xs)
		xs_close(xs);
	xs = NULL;
	xsd_stop(&xsd);
	/* The lock file is the library's to name: remove whatever is there. */
	snprintf(path, sizeof(path), "rm -rf '%s'", lock_dir);
	if (lock_dir[0] && system(path) != 0)
		fprintf(stderr, "could not remove %s\n", lock_dir);
	unsetenv("XENCONS_LOCK_DIR");
}

static void xs_put(const char *path, const char *val)
{
	ck_assert_msg(xs_write(xs, XBT_NULL, path, val, strlen(val)), "xs_write %s: %s", path,
		      strerror(errno));
}

static void domain_create(void)
{
	ck_assert_int_eq(xsd_introduce(DOMID, STORE_PORT), 0);
}

/* The nodes the toolstack writes for a PV console under base (xenconsoled adds tty). */
static void console_nodes_at(const char *base)
{
	char path[128], v[32];

	snprintf(path, sizeof(path), "%s/ring-ref", base);
	snprintf(v, sizeof(v), "%d", CONS_PFN);
	xs_put(path, v);
	snprintf(path, sizeof(path), "%s/port", base);
	snprintf(v, sizeof(v), "%d", CONS_PORT);
	xs_put(path, v);
	snprintf(path, sizeof(path), "%s/limit", base);
	xs_put(path, "1048576");
	snprintf(path, sizeof(path), "%s/type", base);
	xs_put(path, "xenconsoled");
}

static void console_nodes(void)
{
	console_nodes_at(CONS);
}

/* ---- xenconsoled's pty: the guest's end is the master ---- */

struct cpty {
	int master, slave;
	char name[64];
};

static void cpty_open(struct cpty *p)
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

static void cpty_close(struct cpty *p)
{
	close(p->master);
	close(p->slave);
	p->master = p->slave = -1;
}

/* A console at base served by xenconsoled on a fresh pty. */
static void pty_console_at(struct cpty *p, const char *base)
{
	char path[128];

	console_nodes_at(base);
	cpty_open(p);
	snprintf(path, sizeof(path), "%s/tty", base);
	xs_put(path, p->name);
}

static void pty_console(struct cpty *p)
{
	pty_console_at(p, CONS);
}

/* Read what the client typed into the console, until want arrived. */
static bool cpty_expect(struct cpty *p, const char *want, size_t len, int ms)
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

static struct xencons_interface *ring_console(void)
{
	struct xencons_interface *intf = xensim_console_create(DOMID, CONS_PFN);

	ck_assert_ptr_nonnull(intf);
	console_nodes();
	return intf;
}

static void ring_put(struct xencons_interface *intf, const char *s)
{
	XENCONS_RING_IDX prod = intf->out_prod;

	ck_assert_uint_le(prod - intf->out_cons + strlen(s), sizeof(intf->out));
	for (; *s; s++, prod++)
		intf->out[MASK_XENCONS_IDX(prod, intf->out)] = *s;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	intf->out_prod = prod;
}

/* What the client put into in[], consumed as the guest would. */
static size_t ring_take(struct xencons_interface *intf, char *buf, size_t size)
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

struct client {
	pid_t pid;
	int in;    /* its stdin: a pipe, or its terminal's master */
	int out;   /* its stdout (the same master on a terminal) */
	int err;   /* its stderr; -1 on a terminal, where it shares out */
	int tty;   /* its terminal's slave, kept to read the modes; -1 on pipes */
	struct termios initial; /* that terminal's modes before the client ran */
	bool reaped;
	int status;
	char obuf[1 << 16], ebuf[4096];
	size_t olen, elen;
};

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

/* Where the client's stdin, stdout and stderr are. */
enum client_io {
	ON_PIPES,
	ON_TTY,    /* all three on a terminal of its own */
	TTY_STDIN, /* stdin on a terminal of its own, stdout and stderr on pipes */
};

/* Run the client bin with args (NULL-terminated); notify as child_exec() takes it. */
static struct client *client_spawn_bin(const char *bin, enum client_io io,
				       const char *const *args, int notify)
{
	struct client *c = calloc(1, sizeof(*c));
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	pid_t parent = getpid();
	bool on_tty = io != ON_PIPES;

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(xensim_lib(), "libxensim.so not found beside the runner (make?)");
	c->tty = -1;
	c->err = -1;
	if (on_tty) {
		struct cpty t;

		cpty_open(&t);
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
	if (io != ON_TTY) {
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
		dup2(io == ON_TTY ? c->tty : out[1], 1);
		dup2(io == ON_TTY ? c->tty : err[1], 2);
		child_exec(bin, args, notify);
	}
	if (!on_tty) {
		setpgid(c->pid, c->pid);
		close(in[0]);
	}
	if (io != ON_TTY) {
		close(out[1]);
		close(err[1]);
		fcntl(c->err, F_SETFL, O_NONBLOCK);
	}
	fcntl(c->out, F_SETFL, O_NONBLOCK);
	return c;
}

static struct client *client_spawn(enum client_io io, const char *const *args, int notify)
{
	return client_spawn_bin(XENCONSOLE_BIN, io, args, notify);
}

/* Run the client with args (NULL-terminated) on pipes, or on a terminal of its own. */
static struct client *client_start(bool on_tty, const char *const *args)
{
	return client_spawn(on_tty ? ON_TTY : ON_PIPES, args, -1);
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
static void client_pump(struct client *c, int ms)
{
	struct pollfd p[2] = { { .fd = c->out, .events = POLLIN }, { .fd = c->err, .events = POLLIN } };

	poll(p, c->err >= 0 ? 2 : 1, ms);
	drain(c->out, c->obuf, sizeof(c->obuf), &c->olen);
	if (c->err >= 0)
		drain(c->err, c->ebuf, sizeof(c->ebuf), &c->elen);
}

static bool client_reap(struct client *c)
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
static bool client_expect(struct client *c, const char *needle, bool err, int ms,
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
		client_pump(c, SLICE_MS);
	}
}

static void client_send(struct client *c, const char *bytes, size_t len)
{
	ck_assert_int_eq(write(c->in, bytes, len), (ssize_t)len);
}

/* True if it exited within ms; its output is collected meanwhile. */
static bool client_wait_exit(struct client *c, int ms)
{
	int64_t deadline = now_ms() + ms;

	while (!client_reap(c)) {
		if (now_ms() >= deadline)
			return false;
		client_pump(c, SLICE_MS);
	}
	client_pump(c, 0);
	return true;
}

static void client_free(struct client *c)
{
	if (!client_reap(c)) {
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

static bool exited_with(const struct client *c, int code)
{
	if (!c->reaped || !WIFEXITED(c->status) || WEXITSTATUS(c->status) != code) {
		fprintf(stderr, "client: reaped %d status 0x%x, expected exit %d; stderr: \"%s\"\n",
			c->reaped, (unsigned int)c->status, code, c->ebuf);
		return false;
	}
	return true;
}

/* Its terminal's local modes: raw means no line editing, echo or signals. */
static bool tty_is_raw(const struct client *c)
{
	struct termios tio;

	ck_assert_int_eq(tcgetattr(c->tty, &tio), 0);
	return !(tio.c_lflag & (ICANON | ECHO | ISIG)) && !(tio.c_iflag & ICRNL);
}

static bool wait_raw(const struct client *c, int ms)
{
	int64_t deadline = now_ms() + ms;

	while (!tty_is_raw(c)) {
		if (now_ms() >= deadline)
			return false;
		sleep_ms(SLICE_MS);
	}
	return true;
}

static bool same_modes(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag;
}

/* Guest output written repeatedly until seen: pty writes before the client opened it are fine too. */
struct pty_poke {
	struct cpty *p;
	const char *text;
	int64_t next;
};

static void poke_pty(void *arg)
{
	struct pty_poke *pp = arg;

	if (now_ms() < pp->next)
		return;
	pp->next = now_ms() + 300;
	ck_assert_int_eq(write(pp->p->master, pp->text, strlen(pp->text)), (ssize_t)strlen(pp->text));
}

static void poke_ring(void *arg)
{
	(void)arg;
	xensim_notify(DOMID, CONS_PORT);
}

/* A client attached through the pty: what the guest writes there shows. */
static struct client *attach_pty(struct cpty *p, bool on_tty, const char *const *args,
				 const char *hello)
{
	struct client *c = client_start(on_tty, args);
	struct pty_poke pp = { .p = p, .text = hello };

	ck_assert(client_expect(c, hello, false, WAIT_MS, poke_pty, &pp));
	return c;
}

/* ---- the tests ---- */

START_TEST(attaches_through_pty)
{
	struct cpty p;
	const char *const args[] = { DOMID_STR, NULL };

	domain_create();
	pty_console(&p);
	struct client *c = attach_pty(&p, false, args, "guest says hello\r\n");
	client_send(c, "ls -l\r", 6);
	ck_assert(cpty_expect(&p, "ls -l\r", 6, WAIT_MS));
	/* End of input is not the end of the session. */
	close(c->in);
	c->in = -1;
	ck_assert_int_eq(write(p.master, "more output", 11), 11);
	ck_assert(client_expect(c, "more output", false, WAIT_MS, NULL, NULL));
	ck_assert(!client_wait_exit(c, 300));
	client_free(c);
	cpty_close(&p);
}
END_TEST

START_TEST(attaches_through_ring)
{
	const char *const args[] = { "--ring", DOMID_STR, NULL };
	char got[64];
	size_t have = 0;

	domain_create();
	struct xencons_interface *intf = ring_console();
	struct client *c = client_start(false, args);
	ring_put(intf, "ring hello\r\n");
	ck_assert(client_expect(c, "ring hello\r\n", false, WAIT_MS, poke_ring, NULL));
	ck_assert_uint_eq(intf->out_cons, intf->out_prod);

	client_send(c, "uname\r", 6);
	for (int64_t deadline = now_ms() + WAIT_MS; have < 6 && now_ms() < deadline;) {
		have += ring_take(intf, got + have, sizeof(got) - have);
		sleep_ms(SLICE_MS);
	}
	ck_assert_uint_eq(have, 6);
	ck_assert(memcmp(got, "uname\r", 6) == 0);

	/* Output keeps flowing after the first batch (the client rebinds nothing). */
	ring_put(intf, "second batch");
	ck_assert(client_expect(c, "second batch", false, WAIT_MS, poke_ring, NULL));
	client_free(c);
	xensim_page_unmap(intf);
}
END_TEST

/* 0: ESC shown as '.'; 1: --no-replace-escape passes it. */
START_TEST(escape_bytes_from_guest)
{
	const char *const dflt[] = { DOMID_STR, NULL };
	const char *const pass[] = { "--no-replace-escape", DOMID_STR, NULL };
	struct cpty p;

	domain_create();
	pty_console(&p);
	struct client *c = attach_pty(&p, false, _i ? pass : dflt, "ready\r\n");
	ck_assert_int_eq(write(p.master, "a\033[31mred\033]0;x\007", 15), 15);
	ck_assert(client_expect(c, _i ? "a\033[31mred\033]0;x\007" : "a.[31mred.]0;x\007", false,
				WAIT_MS, NULL, NULL));
	ck_assert_ptr_null(_i ? memchr(c->obuf, '.', c->olen) : memchr(c->obuf, '\033', c->olen));
	client_free(c);
	cpty_close(&p);
}
END_TEST

START_TEST(escape_key_detaches_and_restores_tty)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct cpty p;
	struct termios after;

	domain_create();
	pty_console(&p);
	struct client *c = attach_pty(&p, true, args, "login: ");
	ck_assert(wait_raw(c, WAIT_MS));
	/* Keys before the escape go to the guest, the escape key does not. */
	client_send(c, "root\r\035", 6);
	ck_assert(client_wait_exit(c, WAIT_MS));
	ck_assert(exited_with(c, 0));
	ck_assert(cpty_expect(&p, "root\r", 5, WAIT_MS));
	ck_assert_int_eq(tcgetattr(c->tty, &after), 0);
	ck_assert(same_modes(&c->initial, &after));
	client_free(c);
	cpty_close(&p);
}
END_TEST

static const struct {
	const char *args[4];
	char key;
} escape_keys[] = {
	{ { "--escape", "^a", DOMID_STR, NULL }, '\001' },
	{ { "--escape", "q", DOMID_STR, NULL }, 'q' },
	{ { "-e", "^b", DOMID_STR, NULL }, '\002' },
	/* libxl (later Xen releases) puts it after the DOMID. */
	{ { DOMID_STR, "-e", "Q", NULL }, 'Q' },
};

START_TEST(other_escape_key)
{
	const char *const *args = escape_keys[_i].args;
	struct cpty p;

	domain_create();
	pty_console(&p);
	struct client *c = attach_pty(&p, false, args, "ready\r\n");
	/* Ctrl-] is an ordinary key now. */
	client_send(c, "x\035y", 3);
	ck_assert(cpty_expect(&p, "x\035y", 3, WAIT_MS));
	ck_assert(!client_wait_exit(c, 200));
	client_send(c, &escape_keys[_i].key, 1);
	ck_assert(client_wait_exit(c, WAIT_MS));
	ck_assert(exited_with(c, 0));
	client_free(c);
	cpty_close(&p);
}
END_TEST

/* 0: SIGTERM, 1: SIGINT, 2: SIGHUP; the terminal gets its modes back. */
START_TEST(signal_restores_tty)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	const char *const args[] = { DOMID_STR, NULL };
	struct cpty p;
	struct termios after;

	domain_create();
	pty_console(&p);
	struct client *c = client_start(true, args);
	struct pty_poke pp = { .p = &p, .text = "hi\r\n" };
	ck_assert(client_expect(c, "hi\r\n", false, WAIT_MS, poke_pty, &pp));
	ck_assert(wait_raw(c, WAIT_MS));
	kill(c->pid, sigs[_i]);
	ck_assert(client_wait_exit(c, WAIT_MS));
	ck_assert_msg(WIFSIGNALED(c->status) && WTERMSIG(c->status) == sigs[_i],
		      "status 0x%x, expected death by signal %d", (unsigned int)c->status, sigs[_i]);
	ck_assert_int_eq(tcgetattr(c->tty, &after), 0);
	ck_assert(same_modes(&c->initial, &after));
	client_free(c);
	cpty_close(&p);
}
END_TEST

START_TEST(second_client_refused)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct cpty p;

	domain_create();
	pty_console(&p);
	struct client *first = attach_pty(&p, false, args, "first\r\n");
	struct client *second = client_start(false, args);
	ck_assert(client_wait_exit(second, WAIT_MS));
	ck_assert(exited_with(second, 1));
	ck_assert_msg(strncmp(second->ebuf, "xenconsole: ", 12) == 0 && second->elen > 13,
		      "no message from the refused client: \"%s\"", second->ebuf);
	ck_assert_uint_eq(second->olen, 0);
	client_free(second);

	/* The first one still has the whole stream. */
	ck_assert_int_eq(write(p.master, "still mine", 10), 10);
	ck_assert(client_expect(first, "still mine", false, WAIT_MS, NULL, NULL));
	client_send(first, "k", 1);
	ck_assert(cpty_expect(&p, "k", 1, WAIT_MS));
	client_free(first);

	/* Once it is gone the console is free again. */
	struct client *third = attach_pty(&p, false, args, "third\r\n");
	client_free(third);
	cpty_close(&p);
}
END_TEST

START_TEST(waits_for_console)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct cpty p;

	domain_create();
	struct client *c = client_start(false, args);
	ck_assert(!client_wait_exit(c, 500));
	pty_console(&p);
	struct pty_poke pp = { .p = &p, .text = "booted\r\n" };
	ck_assert(client_expect(c, "booted\r\n", false, WAIT_MS, poke_pty, &pp));
	client_send(c, "y", 1);
	ck_assert(cpty_expect(&p, "y", 1, WAIT_MS));
	client_free(c);
	cpty_close(&p);
}
END_TEST

START_TEST(follows_new_tty)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct cpty a, b;

	domain_create();
	pty_console(&a);
	struct client *c = attach_pty(&a, false, args, "before reboot\r\n");
	/*
	 * The reboot: xenconsoled names a new pty and drops the old one.
	 * B is opened first so that it does not reuse A's name.
	 */
	cpty_open(&b);
	ck_assert_str_ne(a.name, b.name);
	cpty_close(&a);
	xs_put(CONS "/tty", b.name);
	struct pty_poke pp = { .p = &b, .text = "after reboot\r\n" };
	ck_assert(client_expect(c, "after reboot\r\n", false, WAIT_MS, poke_pty, &pp));
	client_send(c, "z", 1);
	ck_assert(cpty_expect(&b, "z", 1, WAIT_MS));
	ck_assert(!client_reap(c));
	client_free(c);
	cpty_close(&b);
}
END_TEST

struct ring_poke {
	unsigned int port;
};

static void poke_port(void *arg)
{
	xensim_notify(DOMID, ((struct ring_poke *)arg)->port);
}

/* Resume or migration: a new page and event channel under the same path. */
START_TEST(follows_new_ring)
{
	const char *const args[] = { "--ring", DOMID_STR, NULL };
	char v[16];

	domain_create();
	struct xencons_interface *old = ring_console();
	struct client *c = client_start(false, args);
	ring_put(old, "old ring\r\n");
	ck_assert(client_expect(c, "old ring\r\n", false, WAIT_MS, poke_ring, NULL));

	struct xencons_interface *intf = xensim_console_create(DOMID, CONS_PFN + 1);
	ck_assert_ptr_nonnull(intf);
	snprintf(v, sizeof(v), "%d", CONS_PFN + 1);
	xs_put(CONS "/ring-ref", v);
	snprintf(v, sizeof(v), "%d", CONS_PORT + 1);
	xs_put(CONS "/port", v);
	ring_put(intf, "new ring\r\n");
	struct ring_poke rp = { .port = CONS_PORT + 1 };
	ck_assert(client_expect(c, "new ring\r\n", false, WAIT_MS, poke_port, &rp));
	ck_assert(!client_reap(c));
	client_free(c);
	xensim_page_unmap(intf);
	xensim_page_unmap(old);
}
END_TEST

START_TEST(domain_release_ends_session)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct cpty p;

	domain_create();
	pty_console(&p);
	struct client *c = attach_pty(&p, false, args, "shutting down\r\n");
	/* As the toolstack does when the domain is destroyed. */
	ck_assert(xs_release_domain(xs, DOMID));
	ck_assert(xs_rm(xs, XBT_NULL, "/local/domain/" DOMID_STR));
	xensim_dom_remove(DOMID);
	ck_assert(client_wait_exit(c, WAIT_MS));
	ck_assert(exited_with(c, 0));
	const char *gone = strstr(c->ebuf, "xenconsole: domain " DOMID_STR " is gone\n");
	ck_assert_msg(gone, "stderr: \"%s\"", c->ebuf);
	/* Once: the library's own notice of the release must not repeat it. */
	ck_assert_msg(!strstr(strchr(gone, '\n'), "is gone"), "said twice: \"%s\"", c->ebuf);
	client_free(c);
	cpty_close(&p);
}
END_TEST

static const struct {
	const char *args[6];
	const char *base;
} console_kinds[] = {
	{ { "--type", "serial", DOMID_STR, NULL }, SERIAL0 },
	{ { "--type", "serial", "--num", "1", DOMID_STR, NULL }, "/local/domain/" DOMID_STR "/serial/1" },
	{ { "--num", "2", DOMID_STR, NULL }, "/local/domain/" DOMID_STR "/device/console/2" },
	{ { "--type", "pv", "--num", "0", DOMID_STR, NULL }, CONS },
	{ { "--type", "vuart", DOMID_STR, NULL }, VUART },
	{ { "-t", "serial", "-n", "1", DOMID_STR, NULL }, "/local/domain/" DOMID_STR "/serial/1" },
	/* Xen's: one vuart, whatever --num says. */
	{ { "-t", "vuart", "-n", "3", DOMID_STR, NULL }, VUART },
	{ { DOMID_STR, "-n", "2", "-t", "pv", NULL }, "/local/domain/" DOMID_STR "/device/console/2" },
};
#define N_KINDS (int)(sizeof(console_kinds) / sizeof(console_kinds[0]))

/* Each console kind is found where Xen's own xenconsole looks; the next one is a decoy. */
START_TEST(console_paths)
{
	struct cpty decoy, p;

	domain_create();
	pty_console_at(&decoy, console_kinds[(_i + 1) % N_KINDS].base);
	pty_console_at(&p, console_kinds[_i].base);
	struct client *c = attach_pty(&p, false, console_kinds[_i].args, "right console\r\n");
	ck_assert_int_eq(write(decoy.master, "wrong console", 13), 13);
	client_pump(c, 300);
	ck_assert_ptr_null(memmem(c->obuf, c->olen, "wrong", 5));
	client_free(c);
	cpty_close(&p);
	cpty_close(&decoy);
}
END_TEST

/* ---- Xen's xenconsole command line, as libxl execs it ---- */

/* Whether the client has path open (a pty it attached to). */
static bool client_has_open(const struct client *c, const char *path)
{
	char dir[64], link[PATH_MAX + 64], target[PATH_MAX];
	bool found = false;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)c->pid);
	DIR *d = opendir(dir);
	ck_assert_msg(d, "%s: %s", dir, strerror(errno));
	for (struct dirent *e; !found && (e = readdir(d));) {
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			found = strcmp(target, path) == 0;
		}
	}
	closedir(d);
	return found;
}

/* Whether the client has a file whose name ends in name mapped (a ring page). */
static bool client_maps(const struct client *c, const char *name)
{
	char path[64], line[1024];
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)c->pid);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f, "%s: %s", path, strerror(errno));
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		size_t len = strlen(line), nlen = strlen(name);
		found = len >= nlen && strcmp(line + len - nlen, name) == 0;
	}
	fclose(f);
	return found;
}

/* What the notify pipe gives within ms: 1 (the byte, in *byte), 0 (EOF), -1 (nothing yet). */
static int notify_read(int fd, int ms, char *byte)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	ssize_t n = read(fd, byte, 1);
	ck_assert_int_ge(n, 0);
	return (int)n;
}

/* Nothing typed into the console within ms. */
static bool cpty_quiet(struct cpty *p, int ms)
{
	struct pollfd pfd = { .fd = p->master, .events = POLLIN };
	char got[256];

	if (poll(&pfd, 1, ms) <= 0)
		return true;
	ssize_t n = read(p->master, got, sizeof(got));
	fprintf(stderr, "console input: got %zd bytes \"%.*s\", expected none\n", n,
		(int)(n > 0 ? n : 0), got);
	return n <= 0;
}

/*
 * libxl_console_exec's argv, word for word (libxl prepends the path):
 * "DOMID --num N --type pv|serial|vuart [--start-notify-fd FD]", and from
 * later Xen releases "[--escape E]" last.
 */
static const struct {
	const char *args[12];
	const char *base;
	bool notify;
} libxl_cmds[] = {
	{ { DOMID_STR, "--num", "0", "--type", "pv", NULL }, CONS, false },
	{ { DOMID_STR, "--num", "0", "--type", "pv", "--start-notify-fd", NOTIFY_FD_STR, NULL },
	  CONS, true },
	{ { DOMID_STR, "--num", "0", "--type", "serial", "--start-notify-fd", NOTIFY_FD_STR, NULL },
	  SERIAL0, true },
	{ { DOMID_STR, "--num", "0", "--type", "vuart", "--start-notify-fd", NOTIFY_FD_STR, NULL },
	  VUART, true },
	{ { DOMID_STR, "--num", "1", "--type", "pv", "--start-notify-fd", NOTIFY_FD_STR, NULL },
	  "/local/domain/" DOMID_STR "/device/console/1", true },
	{ { DOMID_STR, "--num", "0", "--type", "pv", "--start-notify-fd", NOTIFY_FD_STR, "--escape",
	    "^]", NULL },
	  CONS, true },
	{ { DOMID_STR, "--num", "0", "--type", "pv", NULL }, CONS, false },
};

/*
 * As `xl create -c` runs bin with libxl_cmds[row]: the console's nodes
 * are there but xenconsoled has not named its pty yet (tty is "", as
 * libxl writes it); the NUL byte on the notify pipe comes once the client
 * has the pty open, then the pipe is closed; the guest's output shows, a
 * decoy console's does not.  p and decoy are left open, the client running.
 */
static struct client *libxl_attach(const char *bin, int row, struct cpty *p, struct cpty *decoy)
{
	int pipefd[2] = { -1, -1 };
	char path[128], byte = 'x';

	domain_create();
	pty_console_at(decoy, strcmp(libxl_cmds[row].base, CONS) ? CONS :
								     "/local/domain/" DOMID_STR
								     "/device/console/3");
	console_nodes_at(libxl_cmds[row].base);
	snprintf(path, sizeof(path), "%s/tty", libxl_cmds[row].base);
	xs_put(path, "");
	if (libxl_cmds[row].notify)
		ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	struct client *c = client_spawn_bin(bin, ON_PIPES, libxl_cmds[row].args, pipefd[1]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);

	/* Not attached yet: no byte, and the client waits. */
	if (libxl_cmds[row].notify)
		ck_assert_int_eq(notify_read(pipefd[0], 500, &byte), -1);
	else
		sleep_ms(300);
	ck_assert_msg(!client_reap(c), "client exited: stderr \"%s\"", c->ebuf);

	cpty_open(p);
	xs_put(path, p->name);
	if (libxl_cmds[row].notify) {
		ck_assert_int_eq(notify_read(pipefd[0], WAIT_MS, &byte), 1);
		ck_assert_int_eq(byte, '\0');
		/* The byte means attached: the client has the pty open by now. */
		ck_assert_msg(client_has_open(c, p->name), "notified before %s was open", p->name);
		/* Once: then the client closes its end. */
		ck_assert_int_eq(notify_read(pipefd[0], WAIT_MS, &byte), 0);
		close(pipefd[0]);
	}
	struct pty_poke pp = { .p = p, .text = "libxl hello\r\n" };
	ck_assert(client_expect(c, "libxl hello\r\n", false, WAIT_MS, poke_pty, &pp));
	ck_assert_int_eq(write(decoy->master, "wrong console", 13), 13);
	client_pump(c, 200);
	ck_assert_ptr_null(memmem(c->obuf, c->olen, "wrong", 5));
	return c;
}

/* Ours, on every row: then input goes in and ^] ends it. */
START_TEST(libxl_exec_argv)
{
	struct cpty p, decoy;
	struct client *c = libxl_attach(XENCONSOLE_BIN, _i, &p, &decoy);

	client_send(c, "ls\r", 3);
	ck_assert(cpty_expect(&p, "ls\r", 3, WAIT_MS));
	ck_assert_ptr_null(memmem(c->obuf, c->olen, "wrong", 5));
	client_send(c, "\035", 1);
	ck_assert(client_wait_exit(c, WAIT_MS));
	ck_assert(exited_with(c, 0));
	client_free(c);
	cpty_close(&p);
	cpty_close(&decoy);
}
END_TEST

/*
 * The reference: Xen 4.17's own xenconsole on the same rows (those
 * without --escape, which it does not know) meets the same expectations,
 * so they are Xen's and not only ours.  It reads no piped input (stdin
 * and stdout are no terminals, no --interactive) and ends on SIGTERM.
 */
static const int xen_rows[] = { 0, 1, 2, 3, 4, 6 };

START_TEST(libxl_exec_argv_xen_reference)
{
	struct cpty p, decoy;

	ck_assert_msg(access(XEN_XENCONSOLE_BIN, X_OK) == 0, "%s: %s (make xen-utils)",
		      XEN_XENCONSOLE_BIN, strerror(errno));
	for (const char *const *a = libxl_cmds[xen_rows[_i]].args; *a; a++)
		ck_assert_str_ne(*a, "--escape");
	struct client *c = libxl_attach(XEN_XENCONSOLE_BIN, xen_rows[_i], &p, &decoy);
	/* Its lock file (/var/lock/xenconsole.N) goes when it ends by itself. */
	kill(c->pid, SIGTERM);
	ck_assert(client_wait_exit(c, WAIT_MS));
	client_free(c);
	cpty_close(&p);
	cpty_close(&decoy);
}
END_TEST

/* -s in ring mode: the byte comes once the ring is mapped, not before it exists. */
START_TEST(notify_fd_ring)
{
	const char *const args[] = { "--ring", "-s", NOTIFY_FD_STR, DOMID_STR, NULL };
	int pipefd[2];
	char byte = 'x', page[32];

	domain_create();
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	struct client *c = client_spawn(ON_PIPES, args, pipefd[1]);
	close(pipefd[1]);
	ck_assert_int_eq(notify_read(pipefd[0], 500, &byte), -1);
	ck_assert_msg(!client_reap(c), "client exited: stderr \"%s\"", c->ebuf);

	struct xencons_interface *intf = ring_console();
	ck_assert_int_eq(notify_read(pipefd[0], WAIT_MS, &byte), 1);
	ck_assert_int_eq(byte, '\0');
	snprintf(page, sizeof(page), "/dom%d/gref-%d", DOMID, XENSIM_GREF_CONSOLE);
	ck_assert_msg(client_maps(c, page), "notified before the ring (%s) was mapped", page);
	ck_assert_int_eq(notify_read(pipefd[0], WAIT_MS, &byte), 0);
	close(pipefd[0]);
	ring_put(intf, "ring up\r\n");
	ck_assert(client_expect(c, "ring up\r\n", false, WAIT_MS, poke_ring, NULL));
	client_free(c);
	xensim_page_unmap(intf);
}
END_TEST

/*
 * Run by `xl create -c` for a console that never comes: the domain stays
 * paused until the notify fd is written or closed, so the client gives
 * up (10 s, twice Xen's wait) and exits 1, closing it without a byte.
 */
START_TEST(notify_fd_console_never_comes)
{
	const char *const args[] = { DOMID_STR, "--num", "0", "--type", "pv", "--start-notify-fd",
				     NOTIFY_FD_STR, NULL };
	int pipefd[2];
	char byte = 'x';

	domain_create(); /* no console nodes, ever */
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	struct client *c = client_spawn(ON_PIPES, args, pipefd[1]);
	close(pipefd[1]);
	ck_assert_int_eq(notify_read(pipefd[0], 5000, &byte), -1);
	ck_assert_msg(!client_reap(c), "client gave up within 5 s: stderr \"%s\"", c->ebuf);
	ck_assert_int_eq(notify_read(pipefd[0], 10000, &byte), 0); /* EOF, no byte */
	ck_assert(client_wait_exit(c, 2000));
	ck_assert_msg(exited_with(c, 1), "stderr \"%s\"", c->ebuf);
	ck_assert_msg(strstr(c->ebuf, "was not attached within 10 s"), "stderr \"%s\"", c->ebuf);
	close(pipefd[0]);
	client_free(c);
}
END_TEST

/* A notify pipe whose reader is gone: said once, and the console goes on. */
START_TEST(notify_fd_reader_gone)
{
	const char *const args[] = { DOMID_STR, "--start-notify-fd", NOTIFY_FD_STR, NULL };
	int pipefd[2];
	struct cpty p;

	domain_create();
	pty_console(&p);
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	close(pipefd[0]);
	struct client *c = client_spawn(ON_PIPES, args, pipefd[1]);
	close(pipefd[1]);
	struct pty_poke pp = { .p = &p, .text = "still here\r\n" };
	ck_assert(client_expect(c, "still here\r\n", false, WAIT_MS, poke_pty, &pp));
	ck_assert(client_expect(c, "--start-notify-fd " NOTIFY_FD_STR, true, WAIT_MS, NULL, NULL));
	client_send(c, "z", 1);
	ck_assert(cpty_expect(&p, "z", 1, WAIT_MS));
	ck_assert(!client_reap(c));
	client_free(c);
	cpty_close(&p);
}
END_TEST

/*
 * Xen's rule for a terminal on stdin: read it (raw) only when stdout is a
 * terminal too, or with -i.  0: stdout a pipe, no -i: the terminal is
 * left alone; 1: -i, 2: --interactive: keys go in and ^] detaches.
 */
START_TEST(interactive)
{
	const char *const plain[] = { DOMID_STR, NULL };
	const char *const shortopt[] = { "-i", DOMID_STR, NULL };
	const char *const longopt[] = { DOMID_STR, "--interactive", NULL };
	const char *const *args = _i == 0 ? plain : _i == 1 ? shortopt : longopt;
	struct cpty p;
	struct termios after;

	domain_create();
	pty_console(&p);
	struct client *c = client_spawn(TTY_STDIN, args, -1);
	struct pty_poke pp = { .p = &p, .text = "hello\r\n" };
	ck_assert(client_expect(c, "hello\r\n", false, WAIT_MS, poke_pty, &pp));
	if (_i == 0) {
		sleep_ms(200);
		ck_assert(!tty_is_raw(c));
		client_send(c, "ab\r", 3);
		ck_assert(cpty_quiet(&p, 500));
		ck_assert(!client_reap(c));
		kill(c->pid, SIGTERM);
		ck_assert(client_wait_exit(c, WAIT_MS));
	} else {
		ck_assert(wait_raw(c, WAIT_MS));
		client_send(c, "ab\r", 3);
		ck_assert(cpty_expect(&p, "ab\r", 3, WAIT_MS));
		client_send(c, "\035", 1);
		ck_assert(client_wait_exit(c, WAIT_MS));
		ck_assert(exited_with(c, 0));
	}
	ck_assert_int_eq(tcgetattr(c->tty, &after), 0);
	ck_assert(same_modes(&c->initial, &after));
	client_free(c);
	cpty_close(&p);
}
END_TEST

/* As Xen's xenconsole: --type serial without a serial tty node is the PV console. */
START_TEST(serial_falls_back_to_pv)
{
	const char *const args[] = { DOMID_STR, "--num", "0", "--type", "serial", NULL };
	struct cpty p;

	domain_create();
	pty_console(&p);
	struct client *c = attach_pty(&p, false, args, "pv console\r\n");
	ck_assert(client_expect(c, "no serial console 0", true, WAIT_MS, NULL, NULL));
	client_send(c, "q", 1);
	ck_assert(cpty_expect(&p, "q", 1, WAIT_MS));
	client_free(c);
	cpty_close(&p);
}
END_TEST

static void poke_vuart(void *arg)
{
	(void)arg;
	xensim_notify(DOMID, VUART_PORT);
}

/*
 * The vuart's ring by its frame (ring-ref), as xenconsoled maps it: the
 * console grant is the PV console's page, a decoy here.
 */
START_TEST(vuart_through_ring)
{
	const char *const args[] = { "--ring", "-t", "vuart", DOMID_STR, NULL };
	char name[32], v[16], got[16];
	size_t have = 0;

	domain_create();
	struct xencons_interface *pv = ring_console();
	ring_put(pv, "pv decoy");
	snprintf(name, sizeof(name), "pfn-%d", VUART_PFN);
	struct xencons_interface *vuart = xensim_page_map(DOMID, name);
	ck_assert_ptr_nonnull(vuart);
	snprintf(v, sizeof(v), "%d", VUART_PFN);
	xs_put(VUART "/ring-ref", v);
	snprintf(v, sizeof(v), "%d", VUART_PORT);
	xs_put(VUART "/port", v);
	xs_put(VUART "/limit", "1048576");
	xs_put(VUART "/type", "xenconsoled");

	struct client *c = client_start(false, args);
	ring_put(vuart, "vuart hello\r\n");
	ck_assert(client_expect(c, "vuart hello\r\n", false, WAIT_MS, poke_vuart, NULL));
	ck_assert_ptr_null(memmem(c->obuf, c->olen, "decoy", 5));
	client_send(c, "k", 1);
	for (int64_t deadline = now_ms() + WAIT_MS; have < 1 && now_ms() < deadline;) {
		have += ring_take(vuart, got + have, sizeof(got) - have);
		sleep_ms(SLICE_MS);
	}
	ck_assert_uint_eq(have, 1);
	ck_assert_int_eq(got[0], 'k');
	/* Claimed from xenconsoled while read here. */
	unsigned int len;
	char *type = xs_read(xs, XBT_NULL, VUART "/type", &len);
	ck_assert_str_eq(type ? type : "(none)", "xenconsole");
	free(type);
	client_free(c);
	xensim_page_unmap(vuart);
	xensim_page_unmap(pv);
}
END_TEST

/* The byte at offset i of a long, checkable stream (no ESC in it). */
static char pattern(size_t i)
{
	return (char)('0' + (i * 7 + i / 4096) % 64);
}

/*
 * A reader that stops for a while must get every byte, in order: the
 * client holds the console back instead of dropping what does not fit.
 */
START_TEST(stalled_stdout_loses_nothing)
{
	const char *const args[] = { DOMID_STR, NULL };
	enum { TOTAL = 512 * 1024 };
	struct cpty p;
	size_t sent = 0, got = 0;
	char buf[8192];

	domain_create();
	pty_console(&p);
	struct client *c = attach_pty(&p, false, args, "X");
	int64_t stall_until = now_ms() + 1500, deadline = now_ms() + 20000;
	while (got < TOTAL && now_ms() < deadline) {
		while (sent < TOTAL) {
			size_t n = TOTAL - sent < sizeof(buf) ? TOTAL - sent : sizeof(buf);
			for (size_t i = 0; i < n; i++)
				buf[i] = pattern(sent + i);
			ssize_t w = write(p.master, buf, n);
			if (w <= 0)
				break;
			sent += (size_t)w;
		}
		if (now_ms() < stall_until) {
			sleep_ms(SLICE_MS);
			continue;
		}
		struct pollfd pfd = { .fd = c->out, .events = POLLIN };
		poll(&pfd, 1, SLICE_MS);
		ssize_t r = read(c->out, buf, sizeof(buf));
		for (ssize_t i = 0; i < r; i++, got++)
			ck_assert_msg(buf[i] == pattern(got), "byte %zu: got 0x%02x, expected 0x%02x",
				      got, (unsigned char)buf[i], (unsigned char)pattern(got));
	}
	ck_assert_uint_eq(got, TOTAL);
	ck_assert(!client_reap(c));
	client_free(c);
	cpty_close(&p);
}
END_TEST

START_TEST(no_such_domain)
{
	const char *const args[] = { "--ring", "9", NULL };
	struct client *c = client_start(false, args);

	ck_assert(client_wait_exit(c, WAIT_MS));
	ck_assert(exited_with(c, 1));
	ck_assert_msg(strncmp(c->ebuf, "xenconsole: ", 12) == 0, "stderr: \"%s\"", c->ebuf);
	client_free(c);
}
END_TEST

static const char *const bad_args[][6] = {
	{ NULL },
	{ "--type", "hvm", DOMID_STR, NULL },
	{ "--num", "-1", DOMID_STR, NULL },
	{ "--num", "x", DOMID_STR, NULL },
	{ "--escape", "ab", DOMID_STR, NULL },
	{ "--escape", "^1", DOMID_STR, NULL },
	{ "--bogus", DOMID_STR, NULL },
	{ "-z", DOMID_STR, NULL },
	{ "domain7", NULL },
	{ "99999", NULL },
	{ DOMID_STR, "extra", NULL },
	{ DOMID_STR, "--escape", NULL },
	{ "-t", "hvm", DOMID_STR, NULL },
	{ "-n", "x", DOMID_STR, NULL },
	{ "-e", "^]x", DOMID_STR, NULL },
	{ DOMID_STR, "-n", NULL },
	{ DOMID_STR, "--type", NULL },
	{ "--start-notify-fd", "x", DOMID_STR, NULL },
	{ "-s", "-1", DOMID_STR, NULL },
	/* Not open (the harness closes everything above 2). */
	{ DOMID_STR, "--start-notify-fd", "57", NULL },
	{ "-s", "1", DOMID_STR, NULL },
	{ DOMID_STR, "--start-notify-fd", NULL },
	{ "--ring", "--type", "serial", DOMID_STR, NULL },
	{ "-i", DOMID_STR, DOMID_STR, NULL },
	{ "--", DOMID_STR, "8", NULL },
};

/* Bad options: one line on stderr, nothing else, status 2, no xenstore needed. */
START_TEST(bad_options)
{
	struct client *c = client_start(false, bad_args[_i]);

	ck_assert(client_wait_exit(c, WAIT_MS));
	ck_assert(exited_with(c, 2));
	ck_assert_uint_eq(c->olen, 0);
	ck_assert_msg(strncmp(c->ebuf, "xenconsole: ", 12) == 0 && c->elen > 13 &&
			      strchr(c->ebuf, '\n') == c->ebuf + c->elen - 1,
		      "stderr: \"%s\"", c->ebuf);
	client_free(c);
}
END_TEST

START_TEST(help)
{
	const char *const args[] = { _i ? "--help" : "-h", NULL };
	struct client *c = client_start(false, args);

	ck_assert(client_wait_exit(c, WAIT_MS));
	ck_assert(exited_with(c, 0));
	ck_assert_ptr_nonnull(strstr(c->obuf, "SYNOPSIS\n  xenconsole [--type"));
	ck_assert_ptr_nonnull(strstr(c->obuf, "EXIT STATUS"));
	ck_assert_ptr_nonnull(strstr(c->obuf, "--no-replace-escape"));
	/* Xen's xenconsole's options, short and long. */
	static const char *const opts[] = { "-t, --type pv|serial|vuart", "-n, --num N",
					    "-e, --escape KEY", "-s, --start-notify-fd FD",
					    "-i, --interactive", "-h, --help" };
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		ck_assert_msg(strstr(c->obuf, opts[i]), "--help has no \"%s\"", opts[i]);
	client_free(c);
}
END_TEST

Suite *xenconsole_suite(void)
{
	Suite *s = suite_create("xenconsole");
	TCase *tc = tcase_create("client");
	TCase *opts = tcase_create("options");

	tcase_add_checked_fixture(tc, host_setup, host_teardown);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, attaches_through_pty);
	tcase_add_test(tc, attaches_through_ring);
	tcase_add_loop_test(tc, escape_bytes_from_guest, 0, 2);
	tcase_add_test(tc, escape_key_detaches_and_restores_tty);
	tcase_add_loop_test(tc, other_escape_key, 0,
			    (int)(sizeof(escape_keys) / sizeof(escape_keys[0])));
	tcase_add_loop_test(tc, signal_restores_tty, 0, 3);
	tcase_add_test(tc, second_client_refused);
	tcase_add_test(tc, waits_for_console);
	tcase_add_test(tc, follows_new_tty);
	tcase_add_test(tc, follows_new_ring);
	tcase_add_test(tc, domain_release_ends_session);
	tcase_add_test(tc, no_such_domain);
	tcase_add_loop_test(tc, console_paths, 0, N_KINDS);
	tcase_add_loop_test(tc, libxl_exec_argv, 0,
			    (int)(sizeof(libxl_cmds) / sizeof(libxl_cmds[0])));
	tcase_add_loop_test(tc, libxl_exec_argv_xen_reference, 0,
			    (int)(sizeof(xen_rows) / sizeof(xen_rows[0])));
	tcase_add_test(tc, notify_fd_ring);
	tcase_add_test(tc, notify_fd_reader_gone);
	tcase_add_test(tc, notify_fd_console_never_comes);
	tcase_add_loop_test(tc, interactive, 0, 3);
	tcase_add_test(tc, serial_falls_back_to_pv);
	tcase_add_test(tc, vuart_through_ring);
	tcase_add_test(tc, stalled_stdout_loses_nothing);
	suite_add_tcase(s, tc);

	tcase_set_timeout(opts, 20);
	tcase_add_loop_test(opts, bad_options, 0, (int)(sizeof(bad_args) / sizeof(bad_args[0])));
	tcase_add_loop_test(opts, help, 0, 2);
	suite_add_tcase(s, opts);
	return s;
}
