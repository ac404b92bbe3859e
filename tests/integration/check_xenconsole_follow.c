/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenconsole client follows its console through the domain's life
 * (tests/integration/util_xenclient.h): it waits for a console that is
 * not there yet, moves to the new pty xenconsoled names after a reboot
 * and to the new ring page and event channel after a resume or a
 * migration, and ends when the domain is gone.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests/integration/util_xenclient.h"

START_TEST(waits_for_console)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct xc_pty p;

	xc_domain_create();
	struct xc_client *c = xc_client_start(false, args);
	ck_assert(!xc_client_wait_exit(c, 500));
	xc_pty_console(&p);
	struct xc_pty_poke pp = { .p = &p, .text = "booted\r\n" };
	ck_assert(xc_client_expect(c, "booted\r\n", false, WAIT_MS, xc_poke_pty, &pp));
	xc_client_send(c, "y", 1);
	ck_assert(xc_pty_expect(&p, "y", 1, WAIT_MS));
	xc_client_free(c);
	xc_pty_close(&p);
}
END_TEST

START_TEST(follows_new_tty)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct xc_pty a, b;

	xc_domain_create();
	xc_pty_console(&a);
	struct xc_client *c = xc_attach_pty(&a, false, args, "before reboot\r\n");
	/*
	 * The reboot: xenconsoled names a new pty and drops the old one.
	 * B is opened first so that it does not reuse A's name.
	 */
	xc_pty_open(&b);
	ck_assert_str_ne(a.name, b.name);
	xc_pty_close(&a);
	xc_put(CONS "/tty", b.name);
	struct xc_pty_poke pp = { .p = &b, .text = "after reboot\r\n" };
	ck_assert(xc_client_expect(c, "after reboot\r\n", false, WAIT_MS, xc_poke_pty, &pp));
	xc_client_send(c, "z", 1);
	ck_assert(xc_pty_expect(&b, "z", 1, WAIT_MS));
	ck_assert(!xc_client_reap(c));
	xc_client_free(c);
	xc_pty_close(&b);
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

	xc_domain_create();
	struct xencons_interface *old = xc_ring_console();
	struct xc_client *c = xc_client_start(false, args);
	xc_ring_put(old, "old ring\r\n");
	ck_assert(xc_client_expect(c, "old ring\r\n", false, WAIT_MS, xc_poke_ring, NULL));

	struct xencons_interface *intf = xensim_console_create(DOMID, CONS_PFN + 1);
	ck_assert_ptr_nonnull(intf);
	snprintf(v, sizeof(v), "%d", CONS_PFN + 1);
	xc_put(CONS "/ring-ref", v);
	snprintf(v, sizeof(v), "%d", CONS_PORT + 1);
	xc_put(CONS "/port", v);
	xc_ring_put(intf, "new ring\r\n");
	struct ring_poke rp = { .port = CONS_PORT + 1 };
	ck_assert(xc_client_expect(c, "new ring\r\n", false, WAIT_MS, poke_port, &rp));
	ck_assert(!xc_client_reap(c));
	xc_client_free(c);
	xensim_page_unmap(intf);
	xensim_page_unmap(old);
}
END_TEST

START_TEST(domain_release_ends_session)
{
	const char *const args[] = { DOMID_STR, NULL };
	struct xc_pty p;

	xc_domain_create();
	xc_pty_console(&p);
	struct xc_client *c = xc_attach_pty(&p, false, args, "shutting down\r\n");
	/* As the toolstack does when the domain is destroyed. */
	ck_assert(xs_release_domain(xc_store(), DOMID));
	ck_assert(xs_rm(xc_store(), XBT_NULL, "/local/domain/" DOMID_STR));
	xensim_dom_remove(DOMID);
	ck_assert(xc_client_wait_exit(c, WAIT_MS));
	ck_assert(xc_exited_with(c, 0));
	const char *gone = strstr(c->ebuf, "xenconsole: domain " DOMID_STR " is gone\n");
	ck_assert_msg(gone, "stderr: \"%s\"", c->ebuf);
	/* Once: the library's own notice of the release must not repeat it. */
	ck_assert_msg(!strstr(strchr(gone, '\n'), "is gone"), "said twice: \"%s\"", c->ebuf);
	xc_client_free(c);
	xc_pty_close(&p);
}
END_TEST

Suite *xenconsole_follow_suite(void)
{
	Suite *s = suite_create("xenconsole_follow");
	TCase *tc = xc_client_tcase();

	tcase_add_test(tc, waits_for_console);
	tcase_add_test(tc, follows_new_tty);
	tcase_add_test(tc, follows_new_ring);
	tcase_add_test(tc, domain_release_ends_session);
	suite_add_tcase(s, tc);
	return s;
}
