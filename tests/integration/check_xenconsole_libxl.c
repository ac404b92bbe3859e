/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Xen's xenconsole command line, as libxl execs it: the client runs with
 * the argv libxl_console_exec gives Xen's xenconsole, and the test plays
 * xl's end of --start-notify-fd (tests/integration/util_xenclient.h).
 * Xen 4.17's own client meets the same expectations on the same rows.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/util_xenclient.h"

/* ---- Xen's xenconsole command line, as libxl execs it ---- */

/* Whether the client has path open (a pty it attached to). */
static bool client_has_open(const struct xc_client *c, const char *path)
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
static bool client_maps(const struct xc_client *c, const char *name)
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
static struct xc_client *libxl_attach(const char *bin, int row, struct xc_pty *p,
				      struct xc_pty *decoy)
{
	int pipefd[2] = { -1, -1 };
	char path[128], byte = 'x';

	xc_domain_create();
	xc_pty_console_at(decoy, strcmp(libxl_cmds[row].base, CONS) ? CONS :
								     "/local/domain/" DOMID_STR
								     "/device/console/3");
	xc_console_nodes_at(libxl_cmds[row].base);
	snprintf(path, sizeof(path), "%s/tty", libxl_cmds[row].base);
	xc_put(path, "");
	if (libxl_cmds[row].notify)
		ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	struct xc_client *c = xc_client_spawn_bin(bin, XC_ON_PIPES, libxl_cmds[row].args, pipefd[1]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);

	/* Not attached yet: no byte, and the client waits. */
	if (libxl_cmds[row].notify)
		ck_assert_int_eq(notify_read(pipefd[0], 500, &byte), -1);
	else
		sleep_ms(300);
	ck_assert_msg(!xc_client_reap(c), "client exited: stderr \"%s\"", c->ebuf);

	xc_pty_open(p);
	xc_put(path, p->name);
	if (libxl_cmds[row].notify) {
		ck_assert_int_eq(notify_read(pipefd[0], WAIT_MS, &byte), 1);
		ck_assert_int_eq(byte, '\0');
		/* The byte means attached: the client has the pty open by now. */
		ck_assert_msg(client_has_open(c, p->name), "notified before %s was open", p->name);
		/* Once: then the client closes its end. */
		ck_assert_int_eq(notify_read(pipefd[0], WAIT_MS, &byte), 0);
		close(pipefd[0]);
	}
	struct xc_pty_poke pp = { .p = p, .text = "libxl hello\r\n" };
	ck_assert(xc_client_expect(c, "libxl hello\r\n", false, WAIT_MS, xc_poke_pty, &pp));
	ck_assert_int_eq(write(decoy->master, "wrong console", 13), 13);
	xc_client_pump(c, 200);
	ck_assert_ptr_null(memmem(c->obuf, c->olen, "wrong", 5));
	return c;
}

/* Ours, on every row: then input goes in and ^] ends it. */
START_TEST(libxl_exec_argv)
{
	struct xc_pty p, decoy;
	struct xc_client *c = libxl_attach(XENCONSOLE_BIN, _i, &p, &decoy);

	xc_client_send(c, "ls\r", 3);
	ck_assert(xc_pty_expect(&p, "ls\r", 3, WAIT_MS));
	ck_assert_ptr_null(memmem(c->obuf, c->olen, "wrong", 5));
	xc_client_send(c, "\035", 1);
	ck_assert(xc_client_wait_exit(c, WAIT_MS));
	ck_assert(xc_exited_with(c, 0));
	xc_client_free(c);
	xc_pty_close(&p);
	xc_pty_close(&decoy);
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
	struct xc_pty p, decoy;

	ck_assert_msg(access(XEN_XENCONSOLE_BIN, X_OK) == 0, "%s: %s (make xen-utils)",
		      XEN_XENCONSOLE_BIN, strerror(errno));
	for (const char *const *a = libxl_cmds[xen_rows[_i]].args; *a; a++)
		ck_assert_str_ne(*a, "--escape");
	struct xc_client *c = libxl_attach(XEN_XENCONSOLE_BIN, xen_rows[_i], &p, &decoy);
	/* Its lock file (/var/lock/xenconsole.N) goes when it ends by itself. */
	kill(c->pid, SIGTERM);
	ck_assert(xc_client_wait_exit(c, WAIT_MS));
	xc_client_free(c);
	xc_pty_close(&p);
	xc_pty_close(&decoy);
}
END_TEST

/* -s in ring mode: the byte comes once the ring is mapped, not before it exists. */
START_TEST(notify_fd_ring)
{
	const char *const args[] = { "--ring", "-s", NOTIFY_FD_STR, DOMID_STR, NULL };
	int pipefd[2];
	char byte = 'x', page[32];

	xc_domain_create();
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	struct xc_client *c = xc_client_spawn(XC_ON_PIPES, args, pipefd[1]);
	close(pipefd[1]);
	ck_assert_int_eq(notify_read(pipefd[0], 500, &byte), -1);
	ck_assert_msg(!xc_client_reap(c), "client exited: stderr \"%s\"", c->ebuf);

	struct xencons_interface *intf = xc_ring_console();
	ck_assert_int_eq(notify_read(pipefd[0], WAIT_MS, &byte), 1);
	ck_assert_int_eq(byte, '\0');
	snprintf(page, sizeof(page), "/dom%d/gref-%d", DOMID, XENSIM_GREF_CONSOLE);
	ck_assert_msg(client_maps(c, page), "notified before the ring (%s) was mapped", page);
	ck_assert_int_eq(notify_read(pipefd[0], WAIT_MS, &byte), 0);
	close(pipefd[0]);
	xc_ring_put(intf, "ring up\r\n");
	ck_assert(xc_client_expect(c, "ring up\r\n", false, WAIT_MS, xc_poke_ring, NULL));
	xc_client_free(c);
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

	xc_domain_create(); /* no console nodes, ever */
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	struct xc_client *c = xc_client_spawn(XC_ON_PIPES, args, pipefd[1]);
	close(pipefd[1]);
	ck_assert_int_eq(notify_read(pipefd[0], 5000, &byte), -1);
	ck_assert_msg(!xc_client_reap(c), "client gave up within 5 s: stderr \"%s\"", c->ebuf);
	ck_assert_int_eq(notify_read(pipefd[0], 10000, &byte), 0); /* EOF, no byte */
	ck_assert(xc_client_wait_exit(c, 2000));
	ck_assert_msg(xc_exited_with(c, 1), "stderr \"%s\"", c->ebuf);
	ck_assert_msg(strstr(c->ebuf, "was not attached within 10 s"), "stderr \"%s\"", c->ebuf);
	close(pipefd[0]);
	xc_client_free(c);
}
END_TEST

/* A notify pipe whose reader is gone: said once, and the console goes on. */
START_TEST(notify_fd_reader_gone)
{
	const char *const args[] = { DOMID_STR, "--start-notify-fd", NOTIFY_FD_STR, NULL };
	int pipefd[2];
	struct xc_pty p;

	xc_domain_create();
	xc_pty_console(&p);
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	close(pipefd[0]);
	struct xc_client *c = xc_client_spawn(XC_ON_PIPES, args, pipefd[1]);
	close(pipefd[1]);
	struct xc_pty_poke pp = { .p = &p, .text = "still here\r\n" };
	ck_assert(xc_client_expect(c, "still here\r\n", false, WAIT_MS, xc_poke_pty, &pp));
	ck_assert(xc_client_expect(c, "--start-notify-fd " NOTIFY_FD_STR, true, WAIT_MS, NULL, NULL));
	xc_client_send(c, "z", 1);
	ck_assert(xc_pty_expect(&p, "z", 1, WAIT_MS));
	ck_assert(!xc_client_reap(c));
	xc_client_free(c);
	xc_pty_close(&p);
}
END_TEST

Suite *xenconsole_libxl_suite(void)
{
	Suite *s = suite_create("xenconsole_libxl");
	TCase *tc = xc_client_tcase();

	tcase_add_loop_test(tc, libxl_exec_argv, 0,
			    (int)(sizeof(libxl_cmds) / sizeof(libxl_cmds[0])));
	tcase_add_loop_test(tc, libxl_exec_argv_xen_reference, 0,
			    (int)(sizeof(xen_rows) / sizeof(xen_rows[0])));
	tcase_add_test(tc, notify_fd_ring);
	tcase_add_test(tc, notify_fd_reader_gone);
	tcase_add_test(tc, notify_fd_console_never_comes);
	suite_add_tcase(s, tc);
	return s;
}
