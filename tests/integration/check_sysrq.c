/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --sysrq end to end, on the simulated Xen host (util_xenhost.h): the
 * real daemon as the host agent starts it (sandboxed as root, the root
 * monitor writing xenstore; and unsandboxed with -S), Debian's real
 * xenstored, a libvncclient viewer pressing Alt+SysRq+key, and the test as
 * the guest's PV driver, which takes control/sysrq and writes "" back.
 *
 * What was typed into the console is read from xenconsoled's pty; each
 * check ends by typing a marker key, which comes after everything the
 * sequence could have typed, so "only the marker" proves nothing leaked.
 * What was not written to control/sysrq is proved the same way: the next
 * request goes through only if nothing was left pending before it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_xenhost.h"
#include "vt100/keys.h"
#include "vt100/vt100.h"

#define DOM 478
#define DOM_STR "478"
#define CONS "/local/domain/" DOM_STR "/console"
#define SYSRQ_KEY "/local/domain/" DOM_STR "/control/sysrq"
#define MS 5000

static char log_path[64];

static void log_setup(void)
{
	snprintf(log_path, sizeof(log_path), "/tmp/sysrq-%d.log", (int)getpid());
}

static void log_teardown(void)
{
	unlink(log_path);
}

/* The domain as libxl makes it: control/sysrq there, empty. */
static void host_up(struct xhost *h)
{
	xhost_up(h, DOM, false);
	xhost_put(h, SYSRQ_KEY, "");
}

struct key_event {
	uint32_t keysym;
	bool down;
};

static void send_keys(rfbClient *c, const struct key_event *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_assert(SendKeyEvent(c, k[i].keysym, k[i].down ? TRUE : FALSE));
}

/* Alt held, SysRq pressed, key pressed and released, SysRq released, Alt released. */
static void alt_sysrq(rfbClient *c, uint32_t sysrq, uint32_t key)
{
	const struct key_event seq[] = {
		{ XK_Alt_L, true }, { sysrq, true },	  { key, true },
		{ key, false },	    { sysrq, false }, { XK_Alt_L, false },
	};

	send_keys(c, seq, sizeof(seq) / sizeof(seq[0]));
}

/* A marker key, and then it alone (after want_before, if any) typed into the console. */
static void assert_typed_then_marker(struct xhost *h, rfbClient *c, const char *want_before,
				     size_t before_len)
{
	char want[64];

	ck_assert_uint_lt(before_len, sizeof(want) - 1);
	memcpy(want, want_before, before_len);
	want[before_len] = 'Z';
	ck_assert(vnc_key(c, XK_Z));
	ck_assert_msg(xhost_typed(h, want, before_len + 1, MS), "the console got other keys");
}

/* The guest's PV driver takes the request: "" back, as Linux's "%c" of '\0' writes. */
static void guest_takes(struct xhost *h, const char *want)
{
	ck_assert_msg(xhost_wait_key(h, SYSRQ_KEY, want, MS), "control/sysrq never became %s", want);
	xhost_put(h, SYSRQ_KEY, "");
}

static void assert_log(const char *what)
{
	char buf[8192];

	ck_assert_msg(file_says(log_path, what, MS, buf, sizeof(buf)), "no \"%s\" in the log: %s",
		      what, buf);
}

/*
 * Alt+SysRq+h reaches the domain and types nothing; so does
 * Alt+Print+s with Print let go before the s (Linux's keyboard allows
 * it); a request the guest has not taken yet is not overwritten.
 */
static void requests_reach_domain(struct xhost *h, struct vncterm *v)
{
	rfbClient *c = connect_to("127.0.0.1", v);
	char buf[64];

	alt_sysrq(c, XK_Sys_Req, XK_h);
	assert_typed_then_marker(h, c, "", 0);
	assert_log("viewer 127.0.0.1 asks domain " DOM_STR " for SysRq 'h' (help)");
	guest_takes(h, "h");
	const struct key_event print_s[] = {
		{ XK_Alt_R, true }, { XK_Print, true }, { XK_Print, false },
		{ XK_s, true },	    { XK_s, false },	{ XK_Alt_R, false },
	};

	send_keys(c, print_s, sizeof(print_s) / sizeof(print_s[0]));
	ck_assert(xhost_wait_key(h, SYSRQ_KEY, "s", MS));
	/* Not taken: the next one is refused and said so, and s stays for the guest. */
	alt_sysrq(c, XK_Sys_Req, XK_u);
	assert_log("SysRq 'u' not sent to domain " DOM_STR ": it has not taken SysRq 's' yet");
	ck_assert_str_eq(xhost_get(h, SYSRQ_KEY, buf, sizeof(buf)), "s");
	assert_typed_then_marker(h, c, "", 0);
	guest_takes(h, "s");
	/* REISUB's shape: Alt and SysRq held, one command after another. */
	const struct key_event held[] = {
		{ XK_Meta_L, true }, { XK_Sys_Req, true }, { XK_e, true }, { XK_e, false },
	};

	send_keys(c, held, sizeof(held) / sizeof(held[0]));
	guest_takes(h, "e");
	const struct key_event more[] = {
		{ XK_Shift_L, true },	{ XK_R, true },		   { XK_R, false },
		{ XK_Shift_L, false },	{ XK_Sys_Req, false }, { XK_Meta_L, false },
	};

	send_keys(c, more, sizeof(more) / sizeof(more[0]));
	guest_takes(h, "R");
	assert_typed_then_marker(h, c, "", 0);
	vnc_disconnect(c);
}

/* As the host agent runs it, sandboxed: the root monitor writes control/sysrq. */
START_TEST(sandboxed_requests_reach_domain)
{
	static const char *const argv[] = { "-x", CONS, "-v", "127.0.0.1:320", "--sysrq", NULL };
	struct xhost h;

	host_up(&h);
	struct vncterm *v = start_logged(argv, 320, log_path);

	requests_reach_domain(&h, v);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/* Unsandboxed (-S): the daemon's own xenstore connection, the same code and lines. */
START_TEST(unsandboxed_requests_reach_domain)
{
	static const char *const argv[] = { "-S", "-x", CONS, "-v", "127.0.0.1:321", "--sysrq", NULL };
	struct xhost h;

	host_up(&h);
	struct vncterm *v = start_logged(argv, 321, log_path);

	requests_reach_domain(&h, v);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/*
 * Each viewer's sequence is its own: while one holds Alt+SysRq (its
 * request seen in xenstore, so its keys were read), another's keys are
 * typed, and its Alt+SysRq is a request of its own.
 */
START_TEST(sequences_are_per_viewer)
{
	static const char *const argv[] = { "-x", CONS, "-v", "127.0.0.1:326", "--sysrq", NULL };
	struct xhost h;

	host_up(&h);
	struct vncterm *v = start_logged(argv, 326, log_path);
	rfbClient *a = connect_to("127.0.0.1", v);
	rfbClient *b = connect_to("127.0.0.1", v);
	const struct key_event hold[] = {
		{ XK_Alt_L, true }, { XK_Sys_Req, true }, { XK_k, true }, { XK_k, false },
	};

	send_keys(a, hold, sizeof(hold) / sizeof(hold[0]));
	guest_takes(&h, "k");
	ck_assert(vnc_key(b, XK_l));
	assert_typed_then_marker(&h, b, "l", 1);
	alt_sysrq(b, XK_Print, XK_w);
	guest_takes(&h, "w");
	const struct key_event release[] = {
		{ XK_l, true }, { XK_l, false }, { XK_Sys_Req, false }, { XK_Alt_L, false },
	};

	send_keys(a, release, sizeof(release) / sizeof(release[0]));
	guest_takes(&h, "l");
	assert_typed_then_marker(&h, a, "", 0);
	vnc_disconnect(a);
	vnc_disconnect(b);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/* The bytes key set sends for Alt+h on a fresh terminal. */
static size_t alt_h_bytes(enum vt_key_set set, char *buf, size_t size)
{
	struct vt *vt = vt_new(25, 80, NULL, NULL);
	struct vt_modes m;

	ck_assert_ptr_nonnull(vt);
	vt_get_modes(vt, &m);
	vt_free(vt);
	int n = vt_key_encode(XK_h, VT_MOD_ALT, &m, set, buf, size);

	ck_assert_int_gt(n, 0);
	return (size_t)n;
}

/* Without --sysrq the keys are typed as before, and nothing is asked of the domain. */
START_TEST(without_option_keys_are_typed)
{
	static const char *const argv[] = { "-x", CONS, "-v", "127.0.0.1:322", NULL };
	struct xhost h;
	char alt_h[16], buf[64];

	host_up(&h);
	struct vncterm *v = start_logged(argv, 322, log_path);
	rfbClient *c = connect_to("127.0.0.1", v);
	size_t n = alt_h_bytes(VT_KEYS_VT220, alt_h, sizeof(alt_h));

	alt_sysrq(c, XK_Sys_Req, XK_h);
	assert_typed_then_marker(&h, c, alt_h, n);
	ck_assert_str_eq(xhost_get(&h, SYSRQ_KEY, buf, sizeof(buf)), "");
	ck_assert_int_eq(xhost_count(log_path, "SysRq"), 0);
	vnc_disconnect(c);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/* A key that is no command: refused in the log, typed nowhere, nothing left pending. */
START_TEST(invalid_command_key_refused)
{
	static const char *const argv[] = { "-x", CONS, "-v", "127.0.0.1:323", "--sysrq", NULL };
	struct xhost h;

	host_up(&h);
	struct vncterm *v = start_logged(argv, 323, log_path);
	rfbClient *c = connect_to("127.0.0.1", v);

	alt_sysrq(c, XK_Sys_Req, XK_a);
	alt_sysrq(c, XK_Sys_Req, XK_Left);
	assert_typed_then_marker(&h, c, "", 0);
	assert_log("viewer 127.0.0.1: Alt+SysRq+'a' refused: not a SysRq command");
	assert_log("viewer 127.0.0.1: Alt+SysRq+keysym 0xff51 refused: not a SysRq command");
	alt_sysrq(c, XK_Sys_Req, XK_t);
	guest_takes(&h, "t");
	vnc_disconnect(c);
	stop_daemon(v);
	xhost_down(&h);
}
END_TEST

/*
 * A viewer that may only watch asks nothing: libvncserver drops its
 * KeyEvents before vncterm sees them, as it does all its keys.  Its
 * leaving is logged after everything it sent was read, so by then its
 * keys have been dealt with; a typist's request after it goes through,
 * so nothing was left pending.
 */
START_TEST(view_only_viewer_asks_nothing)
{
	char full[] = "/tmp/sysrq-full-XXXXXX", view[] = "/tmp/sysrq-view-XXXXXX";

	temp_file(full, "s3cret\n", 7);
	temp_file(view, "lookonly\n", 9);
	const char *const argv[] = { "-x", CONS, "-v", "127.0.0.1:324", "--sysrq", "--password",
				     full, "--view-only-password", view, "--log-level", "2",
				     NULL };
	struct xhost h;
	char buf[64];

	host_up(&h);
	struct vncterm *v = start_logged(argv, 324, log_path);
	rfbClient *watcher = vnc_connect_password("127.0.0.1", v->port, true, "lookonly");
	rfbClient *typist = vnc_connect_password("127.0.0.1", v->port, true, "s3cret");

	ck_assert(watcher && typist);
	alt_sysrq(watcher, XK_Sys_Req, XK_b);
	vnc_disconnect(watcher);
	assert_log("viewer 127.0.0.1 disconnected");
	ck_assert_str_eq(xhost_get(&h, SYSRQ_KEY, buf, sizeof(buf)), "");
	ck_assert_int_eq(xhost_count(log_path, "SysRq"), 0);
	alt_sysrq(typist, XK_Sys_Req, XK_m);
	guest_takes(&h, "m");
	assert_typed_then_marker(&h, typist, "", 0);
	vnc_disconnect(typist);
	stop_daemon(v);
	unlink(full);
	unlink(view);
	xhost_down(&h);
}
END_TEST

/*
 * A command's console (-c, even with -x): --sysrq is a warning, and
 * Alt+SysRq+h is typed as it always was (xterm's keys, the command's TERM).
 */
START_TEST(command_console_types_keys)
{
	char got[] = "/tmp/sysrq-typed-XXXXXX", ready[64], script[256], alt_h[16], want[20],
	     buf[64];

	temp_file(got, "", 0);
	snprintf(ready, sizeof(ready), "%s.ready", got);
	size_t n = alt_h_bytes(VT_KEYS_XTERM, alt_h, sizeof(alt_h));

	snprintf(script, sizeof(script), "stty raw -echo && touch %s && exec head -c %zu > %s", ready,
		 n + 1, got);
	const char *const argv[] = { "-x", CONS, "-v", "127.0.0.1:325", "--sysrq",
				     "-c", "/bin/sh", "-c", script, NULL };
	struct xhost h;

	host_up(&h);
	struct vncterm *v = start_logged(argv, 325, log_path);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_log("--sysrq asks a domain's console for SysRq");
	for (int64_t end = now_ms() + MS; !xhost_exists(ready) && now_ms() < end;)
		sleep_ms(20);
	ck_assert_msg(xhost_exists(ready), "the command never started");
	alt_sysrq(c, XK_Sys_Req, XK_h);
	ck_assert(vnc_key(c, XK_Z));
	memcpy(want, alt_h, n);
	want[n] = 'Z';
	want[n + 1] = '\0';
	for (int64_t end = now_ms() + MS; now_ms() < end; sleep_ms(20))
		if (strlen(xhost_slurp(got, buf, sizeof(buf))) >= n + 1)
			break;
	ck_assert_str_eq(xhost_slurp(got, buf, sizeof(buf)), want);
	ck_assert_str_eq(xhost_get(&h, SYSRQ_KEY, buf, sizeof(buf)), "");
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(got);
	unlink(ready);
	xhost_down(&h);
}
END_TEST

Suite *sysrq_suite(void)
{
	Suite *s = suite_create("sysrq");
	TCase *tc = tcase_create("Alt+SysRq to the domain");

	tcase_add_checked_fixture(tc, log_setup, log_teardown);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, sandboxed_requests_reach_domain);
	tcase_add_test(tc, unsandboxed_requests_reach_domain);
	tcase_add_test(tc, without_option_keys_are_typed);
	tcase_add_test(tc, invalid_command_key_refused);
	tcase_add_test(tc, view_only_viewer_asks_nothing);
	tcase_add_test(tc, command_console_types_keys);
	tcase_add_test(tc, sequences_are_per_viewer);
	suite_add_tcase(s, tc);
	return s;
}
