/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenconsole client end to end, against the real xenstored on the
 * simulated Xen host (tests/integration/util_xenclient.h): attaching
 * through the pty and the ring, the escape key and the terminal's modes,
 * one client at a time, the console kinds and where each is found, and
 * output that waits for a slow reader.  Following the console across
 * reboots and resumes is in check_xenconsole_follow.c, libxl's command
 * line in check_xenconsole_libxl.c, bad options in
 * check_xenconsole_options.c.
 */
#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tests/integration/util_xenclient.h"

/* ---- the tests ---- */

START_TEST(attaches_through_pty)
{
	struct xc_pty p;
	const char *const args[] = { DOMID_STR, NULL };

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *c = xc_attach_pty(&p, false, args, "guest says hello\r\n");
	xc_client_send(c, "ls -l\r", 6);
	ck_assert(xc_pty_expect(&p, "ls -l\r", 6, WAIT_MS));
	/* End of input is not the end of the session. */
	close(c->in);
	c->in = -1;
	ck_assert_int_eq(write(p.master, "more output", 11), 11);
	ck_assert(xc_client_expect(c, "more output", false, WAIT_MS, NULL, NULL));
	ck_assert(!xc_client_wait_exit(c, 300));
	xc_client_free(c);
	xc_pty_close(&p);
}
END_TEST

START_TEST(attaches_through_ring)
{
	const char *const args[] = { "--ring", DOMID_STR, NULL };
	char got[64];
	size_t have = 0;

	xc_domain_create();
	struct xencons_interface *intf = xc_ring_console();
	struct xc_client *c = xc_client_start(false, args);
	xc_ring_put(intf, "ring hello\r\n");
	ck_assert(xc_client_expect(c, "ring hello\r\n", false, WAIT_MS, xc_poke_ring, NULL));
	ck_assert_uint_eq(intf->out_cons, intf->out_prod);

	xc_client_send(c, "uname\r", 6);
	for (int64_t deadline = now_ms() + WAIT_MS; have < 6 && now_ms() < deadline;) {
		have += xc_ring_take(intf, got + have, sizeof(got) - have);
		sleep_ms(SLICE_MS);
	}
	ck_assert_uint_eq(have, 6);
	ck_assert(memcmp(got, "uname\r", 6) == 0);

	/* Output keeps flowing after the first batch (the client rebinds nothing). */
	xc_ring_put(intf, "second batch");
	ck_assert(xc_client_expect(c, "second batch", false, WAIT_MS, xc_poke_ring, NULL));
	xc_client_free(c);
	xensim_page_unmap(intf);
}
END_TEST

/* 0: ESC shown as '.'; 1: --no-replace-escape passes it. */
START_TEST(escape_bytes_from_guest)
{
	const char *const dflt[] = { DOMID_STR, NULL };
	const char *const pass[] = { "--no-replace-escape", DOMID_STR, NULL };
	struct xc_pty p;

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *c = xc_attach_pty(&p, false, _i ? pass : dflt, "ready\r\n");
	ck_assert_int_eq(write(p.master, "a\033[31mred\033]0;x\007", 15), 15);
	ck_assert(xc_client_expect(c, _i ? "a\033[31mred\033]0;x\007" : "a.[31mred.]0;x\007", false,
				WAIT_MS, NULL, NULL));
	ck_assert_ptr_null(_i ? memchr(c->obuf, '.', c->olen) : memchr(c->obuf, '\033', c->olen));
	xc_client_free(c);
	xc_pty_close(&p);
}
END_TEST

START_TEST(escape_key_detaches_and_restores_tty)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct xc_pty p;
	struct termios after;

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *c = xc_attach_pty(&p, true, args, "login: ");
	ck_assert(xc_wait_raw(c, WAIT_MS));
	/* Keys before the escape go to the guest, the escape key does not. */
	xc_client_send(c, "root\r\035", 6);
	ck_assert(xc_client_wait_exit(c, WAIT_MS));
	ck_assert(xc_exited_with(c, 0));
	ck_assert(xc_pty_expect(&p, "root\r", 5, WAIT_MS));
	ck_assert_int_eq(tcgetattr(c->tty, &after), 0);
	ck_assert(xc_same_modes(&c->initial, &after));
	xc_client_free(c);
	xc_pty_close(&p);
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
	struct xc_pty p;

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *c = xc_attach_pty(&p, false, args, "ready\r\n");
	/* Ctrl-] is an ordinary key now. */
	xc_client_send(c, "x\035y", 3);
	ck_assert(xc_pty_expect(&p, "x\035y", 3, WAIT_MS));
	ck_assert(!xc_client_wait_exit(c, 200));
	xc_client_send(c, &escape_keys[_i].key, 1);
	ck_assert(xc_client_wait_exit(c, WAIT_MS));
	ck_assert(xc_exited_with(c, 0));
	xc_client_free(c);
	xc_pty_close(&p);
}
END_TEST

/* 0: SIGTERM, 1: SIGINT, 2: SIGHUP; the terminal gets its modes back. */
START_TEST(signal_restores_tty)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	const char *const args[] = { DOMID_STR, NULL };
	struct xc_pty p;
	struct termios after;

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *c = xc_client_start(true, args);
	struct xc_pty_poke pp = { .p = &p, .text = "hi\r\n" };
	ck_assert(xc_client_expect(c, "hi\r\n", false, WAIT_MS, xc_poke_pty, &pp));
	ck_assert(xc_wait_raw(c, WAIT_MS));
	kill(c->pid, sigs[_i]);
	ck_assert(xc_client_wait_exit(c, WAIT_MS));
	ck_assert_msg(WIFSIGNALED(c->status) && WTERMSIG(c->status) == sigs[_i],
		      "status 0x%x, expected death by signal %d", (unsigned int)c->status, sigs[_i]);
	ck_assert_int_eq(tcgetattr(c->tty, &after), 0);
	ck_assert(xc_same_modes(&c->initial, &after));
	xc_client_free(c);
	xc_pty_close(&p);
}
END_TEST

START_TEST(second_client_refused)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct xc_pty p;

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *first = xc_attach_pty(&p, false, args, "first\r\n");
	struct xc_client *second = xc_client_start(false, args);
	ck_assert(xc_client_wait_exit(second, WAIT_MS));
	ck_assert(xc_exited_with(second, 1));
	ck_assert_msg(strncmp(second->ebuf, "xenconsole: ", 12) == 0 && second->elen > 13,
		      "no message from the refused client: \"%s\"", second->ebuf);
	ck_assert_uint_eq(second->olen, 0);
	xc_client_free(second);

	/* The first one still has the whole stream. */
	ck_assert_int_eq(write(p.master, "still mine", 10), 10);
	ck_assert(xc_client_expect(first, "still mine", false, WAIT_MS, NULL, NULL));
	xc_client_send(first, "k", 1);
	ck_assert(xc_pty_expect(&p, "k", 1, WAIT_MS));
	xc_client_free(first);

	/* Once it is gone the console is free again. */
	struct xc_client *third = xc_attach_pty(&p, false, args, "third\r\n");
	xc_client_free(third);
	xc_pty_close(&p);
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
	struct xc_pty decoy, p;

	xc_domain_create();
	xc_pty_console_at(&decoy, console_kinds[(_i + 1) % N_KINDS].base);
	xc_pty_console_at(&p, console_kinds[_i].base);
	struct xc_client *c = xc_attach_pty(&p, false, console_kinds[_i].args, "right console\r\n");
	ck_assert_int_eq(write(decoy.master, "wrong console", 13), 13);
	xc_client_pump(c, 300);
	ck_assert_ptr_null(memmem(c->obuf, c->olen, "wrong", 5));
	xc_client_free(c);
	xc_pty_close(&p);
	xc_pty_close(&decoy);
}
END_TEST

START_TEST(no_such_domain)
{
	const char *const args[] = { "--ring", "9", NULL };
	struct xc_client *c = xc_client_start(false, args);

	ck_assert(xc_client_wait_exit(c, WAIT_MS));
	ck_assert(xc_exited_with(c, 1));
	ck_assert_msg(strncmp(c->ebuf, "xenconsole: ", 12) == 0, "stderr: \"%s\"", c->ebuf);
	xc_client_free(c);
}
END_TEST

/* Nothing typed into the console within ms. */
static bool pty_quiet(struct xc_pty *p, int ms)
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
	struct xc_pty p;
	struct termios after;

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *c = xc_client_spawn(XC_TTY_STDIN, args, -1);
	struct xc_pty_poke pp = { .p = &p, .text = "hello\r\n" };
	ck_assert(xc_client_expect(c, "hello\r\n", false, WAIT_MS, xc_poke_pty, &pp));
	if (_i == 0) {
		sleep_ms(200);
		ck_assert(!xc_tty_is_raw(c));
		xc_client_send(c, "ab\r", 3);
		ck_assert(pty_quiet(&p, 500));
		ck_assert(!xc_client_reap(c));
		kill(c->pid, SIGTERM);
		ck_assert(xc_client_wait_exit(c, WAIT_MS));
	} else {
		ck_assert(xc_wait_raw(c, WAIT_MS));
		xc_client_send(c, "ab\r", 3);
		ck_assert(xc_pty_expect(&p, "ab\r", 3, WAIT_MS));
		xc_client_send(c, "\035", 1);
		ck_assert(xc_client_wait_exit(c, WAIT_MS));
		ck_assert(xc_exited_with(c, 0));
	}
	ck_assert_int_eq(tcgetattr(c->tty, &after), 0);
	ck_assert(xc_same_modes(&c->initial, &after));
	xc_client_free(c);
	xc_pty_close(&p);
}
END_TEST

/* As Xen's xenconsole: --type serial without a serial tty node is the PV console. */
START_TEST(serial_falls_back_to_pv)
{
	const char *const args[] = { DOMID_STR, "--num", "0", "--type", "serial", NULL };
	struct xc_pty p;

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *c = xc_attach_pty(&p, false, args, "pv console\r\n");
	ck_assert(xc_client_expect(c, "no serial console 0", true, WAIT_MS, NULL, NULL));
	xc_client_send(c, "q", 1);
	ck_assert(xc_pty_expect(&p, "q", 1, WAIT_MS));
	xc_client_free(c);
	xc_pty_close(&p);
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

	xc_domain_create();
	struct xencons_interface *pv = xc_ring_console();
	xc_ring_put(pv, "pv decoy");
	snprintf(name, sizeof(name), "pfn-%d", VUART_PFN);
	struct xencons_interface *vuart = xensim_page_map(DOMID, name);
	ck_assert_ptr_nonnull(vuart);
	snprintf(v, sizeof(v), "%d", VUART_PFN);
	xc_put(VUART "/ring-ref", v);
	snprintf(v, sizeof(v), "%d", VUART_PORT);
	xc_put(VUART "/port", v);
	xc_put(VUART "/limit", "1048576");
	xc_put(VUART "/type", "xenconsoled");

	struct xc_client *c = xc_client_start(false, args);
	xc_ring_put(vuart, "vuart hello\r\n");
	ck_assert(xc_client_expect(c, "vuart hello\r\n", false, WAIT_MS, poke_vuart, NULL));
	ck_assert_ptr_null(memmem(c->obuf, c->olen, "decoy", 5));
	xc_client_send(c, "k", 1);
	for (int64_t deadline = now_ms() + WAIT_MS; have < 1 && now_ms() < deadline;) {
		have += xc_ring_take(vuart, got + have, sizeof(got) - have);
		sleep_ms(SLICE_MS);
	}
	ck_assert_uint_eq(have, 1);
	ck_assert_int_eq(got[0], 'k');
	/* Claimed from xenconsoled while read here. */
	unsigned int len;
	char *type = xs_read(xc_store(), XBT_NULL, VUART "/type", &len);
	ck_assert_str_eq(type ? type : "(none)", "xenconsole");
	free(type);
	xc_client_free(c);
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
	struct xc_pty p;
	size_t sent = 0, got = 0;
	char buf[8192];

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *c = xc_attach_pty(&p, false, args, "X");
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
	ck_assert(!xc_client_reap(c));
	xc_client_free(c);
	xc_pty_close(&p);
}
END_TEST

Suite *xenconsole_suite(void)
{
	Suite *s = suite_create("xenconsole");
	TCase *tc = xc_client_tcase();

	tcase_add_test(tc, attaches_through_pty);
	tcase_add_test(tc, attaches_through_ring);
	tcase_add_loop_test(tc, escape_bytes_from_guest, 0, 2);
	tcase_add_test(tc, escape_key_detaches_and_restores_tty);
	tcase_add_loop_test(tc, other_escape_key, 0,
			    (int)(sizeof(escape_keys) / sizeof(escape_keys[0])));
	tcase_add_loop_test(tc, signal_restores_tty, 0, 3);
	tcase_add_test(tc, second_client_refused);
	tcase_add_test(tc, no_such_domain);
	tcase_add_loop_test(tc, console_paths, 0, N_KINDS);
	tcase_add_loop_test(tc, interactive, 0, 3);
	tcase_add_test(tc, serial_falls_back_to_pv);
	tcase_add_test(tc, vuart_through_ring);
	tcase_add_test(tc, stalled_stdout_loses_nothing);
	suite_add_tcase(s, tc);
	return s;
}
