/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: the original vncterm's options, -c as a flag, bounds. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vncterm/options.h"

#define MAXARGS 16

/*
 * Parse a NULL-terminated list of arguments (program name added).  The
 * options keep pointers into argv (the command), as into main()'s, so it
 * must outlive the call: static, and each test runs in a process of its own.
 */
static int parse(struct options *o, char *err, const char *const *args)
{
	static char *argv[MAXARGS + 2];
	int argc = 0;

	argv[argc++] = (char *)"vncterm";
	while (*args && argc <= MAXARGS)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return options_parse(o, argc, argv, err, 256);
}

START_TEST(test_help_and_version)
{
	struct options o;
	char err[256];
	const char *help[] = { "--help", NULL }, *version[] = { "--version", NULL };

	ck_assert_int_eq(parse(&o, err, help), 1);
	ck_assert_int_eq(parse(&o, err, version), 2);
}
END_TEST

START_TEST(test_defaults)
{
	struct options o;
	char err[256];
	const char *args[] = { NULL };

	ck_assert_int_eq(parse(&o, err, args), 0);
	ck_assert_str_eq(o.listen_addr, "127.0.0.1");
	ck_assert_int_eq(o.display, 0);
	ck_assert_int_eq(o.rows, 25);
	ck_assert_int_eq(o.cols, 80);
	ck_assert_ptr_null(o.command);
	ck_assert_ptr_null(o.title);
	ck_assert(!o.sysrq);
}
END_TEST

/* --sysrq is a flag; whether the console is a domain's is the daemon's to judge (a warning). */
START_TEST(test_sysrq)
{
	struct options o;
	char err[256];
	const char *xen[] = { "-x", "/local/domain/7/console", "--sysrq", NULL };
	const char *arg[] = { "--sysrq=yes", NULL };

	ck_assert_int_eq(parse(&o, err, xen), 0);
	ck_assert(o.sysrq);
	ck_assert_int_eq(parse(&o, err, arg), -EINVAL);
}
END_TEST

START_TEST(test_command_is_rest)
{
	struct options o;
	char err[256];
	const char *args[] = { "-v", "127.0.0.1:3", "-c", "/bin/sh", "-c", "ls -l", "-t", NULL };

	ck_assert_int_eq(parse(&o, err, args), 0);
	ck_assert_int_eq(o.display, 3);
	ck_assert_ptr_nonnull(o.command);
	ck_assert_str_eq(o.command[0], "/bin/sh");
	ck_assert_str_eq(o.command[1], "-c");
	ck_assert_str_eq(o.command[2], "ls -l");
	ck_assert_str_eq(o.command[3], "-t"); /* the command's, not ours */
	ck_assert_ptr_null(o.command[4]);
	ck_assert_ptr_null(o.title);
}
END_TEST

START_TEST(test_original_flags)
{
	struct options o;
	char err[256];
	const char *args[] = { "-r", "-s", "-S", "-T", "-t", "dom1", "-l", "/tmp/state",
			       "-x", "/local/domain/1/console", "--geometry", "132x43",
			       "--scrollback", "500", NULL };

	ck_assert_int_eq(parse(&o, err, args), 0);
	ck_assert(o.restart && o.stay && o.stay_root && o.text_port);
	ck_assert_str_eq(o.title, "dom1");
	ck_assert_str_eq(o.statefile, "/tmp/state");
	ck_assert_str_eq(o.xs_path, "/local/domain/1/console");
	ck_assert_int_eq(o.cols, 132);
	ck_assert_int_eq(o.rows, 43);
	ck_assert_int_eq(o.scrollback, 500);
}
END_TEST

START_TEST(test_ipv6)
{
	struct options o;
	char err[256];
	const char *args[] = { "-v", "[::1]:7", NULL };

	ck_assert_int_eq(parse(&o, err, args), 0);
	ck_assert_str_eq(o.listen_addr, "::1");
	ck_assert_int_eq(o.display, 7);
}
END_TEST

struct bad {
	const char *args[6];
	const char *says; /* a word the message must contain */
};

static const struct bad bads[] = {
	{ { "--no-such", NULL }, "unknown option" },
	{ { "-v", NULL }, "needs an argument" },
	{ { "--pty", NULL }, "needs an argument" },
	{ { "--vnclisten", "nohost:1", NULL }, "not an IPv4 or IPv6" },
	{ { "--xenstore", "/local/foo", NULL }, "console path" },
	{ { "-v", "127.0.0.1:x", NULL }, "display number" },
	{ { "-v", "127.0.0.1:99999", NULL }, "display number" },
	{ { "-v", "nohost:1", NULL }, "not an IPv4 or IPv6" },
	{ { "--geometry", "0x0", NULL }, "COLSxROWS" },
	{ { "--geometry", "80x25x", NULL }, "COLSxROWS" },
	{ { "--geometry", "5000x10", NULL }, "COLSxROWS" },
	{ { "--font-scale", "0", NULL }, "expected 1, 2 or 3" },
	{ { "--font-scale", "4", NULL }, "expected 1, 2 or 3" },
	{ { "--font-scale", "1.5", NULL }, "expected 1, 2 or 3" },
	{ { "--font-scale", NULL }, "needs an argument" },
	{ { "--scrollback", "-1", NULL }, "--scrollback" },
	{ { "--log-level", "9", NULL }, "--log-level" },
	{ { "--log", "file", NULL }, "stderr or syslog" },
	{ { "--log", "", NULL }, "stderr or syslog" },
	{ { "--log", NULL }, "needs an argument" },
	{ { "--max-viewers", "0", NULL }, "--max-viewers" },
	{ { "--max-viewers", "1001", NULL }, "--max-viewers" },
	{ { "--max-viewers", "32x", NULL }, "--max-viewers" },
	{ { "--max-viewers", NULL }, "needs an argument" },
	{ { "--log-file", "", NULL }, "--log-file" },
	{ { "--log-file", NULL }, "needs an argument" },
	{ { "--log-file-max", "4095", NULL }, "--log-file-max" },
	{ { "--log-file-max", "65G", NULL }, "--log-file-max" },
	{ { "--log-file-max", "1T", NULL }, "--log-file-max" },
	{ { "--log-file-max", "-1M", NULL }, "--log-file-max" },
	{ { "--log-file-max", "M", NULL }, "--log-file-max" },
	{ { "--log-file-max", "18446744073709551615G", NULL }, "--log-file-max" },
	{ { "-T", "--password", "pw", NULL }, "text port has no password" },
	{ { "--view-only-password", "pw", "-T", NULL }, "text port has no password" },
	{ { "--handshake-timeout", "0", NULL }, "--handshake-timeout" },
	{ { "--handshake-timeout", "3601", NULL }, "--handshake-timeout" },
	{ { "--handshake-timeout", "5s", NULL }, "--handshake-timeout" },
	{ { "stray", NULL }, "unexpected argument" },
	{ { "--keys", "vt100", NULL }, "--keys vt100: expected xterm, linux or vt220" },
	{ { "--keys", "", NULL }, "--keys" },
	{ { "--keys", NULL }, "needs an argument" },
	{ { "-c", "sh", "-p", "/dev/pts/0", NULL }, NULL }, /* -p belongs to the command */
	{ { "-p", "/dev/pts/0", "--input", "f", NULL }, "one console source" },
};

START_TEST(test_bad)
{
	const struct bad *b = &bads[_i];
	struct options o;
	char err[256] = "";
	int r = parse(&o, err, b->args);

	if (!b->says) {
		ck_assert_int_eq(r, 0);
		ck_assert_str_eq(o.command[2], "/dev/pts/0");
		return;
	}
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_msg(strstr(err, b->says) != NULL, "%s: message '%s'", b->args[0], err);
	ck_assert_ptr_null(strchr(err, '\n')); /* one line */
}
END_TEST

/* --font-scale: 1 unless given; 2 and 3 accepted. */
START_TEST(test_font_scale)
{
	struct options o;
	char err[256];
	const char *none[] = { NULL };
	const char *two[] = { "--font-scale", "2", NULL };
	const char *three[] = { "--font-scale=3", NULL };

	ck_assert_int_eq(parse(&o, err, none), 0);
	ck_assert_int_eq(o.font_scale, 1);
	ck_assert_int_eq(parse(&o, err, two), 0);
	ck_assert_int_eq(o.font_scale, 2);
	ck_assert_int_eq(parse(&o, err, three), 0);
	ck_assert_int_eq(o.font_scale, 3);
}
END_TEST

/* --max-viewers: 32 unless given, 1 to 1000 accepted. */
START_TEST(test_max_viewers)
{
	struct options o;
	char err[256];
	const char *none[] = { NULL };
	const char *one[] = { "--max-viewers", "1", NULL };
	const char *most[] = { "--max-viewers", "1000", "-c", "sh", NULL };

	const char *hs[] = { "--handshake-timeout", "5", NULL };

	ck_assert_int_eq(parse(&o, err, none), 0);
	ck_assert_int_eq(o.max_viewers, 32);
	ck_assert_int_eq(o.handshake_timeout, 60);
	ck_assert_int_eq(parse(&o, err, hs), 0);
	ck_assert_int_eq(o.handshake_timeout, 5);
	ck_assert_int_eq(parse(&o, err, one), 0);
	ck_assert_int_eq(o.max_viewers, 1);
	ck_assert_int_eq(parse(&o, err, most), 0);
	ck_assert_int_eq(o.max_viewers, 1000);
	ck_assert_str_eq(o.command[0], "sh");
}
END_TEST

/*
 * --keys: xterm's for a command (given or the default shell), whose TERM
 * is xterm-256color; a VT220's for a console (xenconsoled's pty, a ring, a
 * pty): the guest's getty runs with serial-getty's TERM=vt220.  Given, it
 * wins whatever the source.
 */
START_TEST(test_keys)
{
	static const struct {
		const char *args[6];
		enum vt_key_set want;
	} cases[] = {
		{ { NULL }, VT_KEYS_XTERM },
		{ { "-c", "sh", NULL }, VT_KEYS_XTERM },
		{ { "-x", "/local/domain/0/console", "-c", "login", NULL }, VT_KEYS_XTERM },
		{ { "-x", "/local/domain/7/console", NULL }, VT_KEYS_VT220 },
		{ { "--domid", "7", NULL }, VT_KEYS_VT220 },
		{ { "-p", "/dev/pts/3", NULL }, VT_KEYS_VT220 },
		{ { "--input", "f", NULL }, VT_KEYS_VT220 },
		{ { "--keys", "linux", "-x", "/local/domain/7/console", NULL }, VT_KEYS_LINUX },
		{ { "--keys", "xterm", "--domid", "7", NULL }, VT_KEYS_XTERM },
		{ { "--keys", "vt220", "-c", "sh", NULL }, VT_KEYS_VT220 },
		{ { "--keys", "linux", "--keys", "vt220", NULL }, VT_KEYS_VT220 },
	};
	struct options o;
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(parse(&o, err, cases[i].args) == 0, "case %zu: %s", i, err);
		ck_assert_msg(o.keys == cases[i].want, "case %zu: keys %d, want %d", i, (int)o.keys,
			      (int)cases[i].want);
	}
}
END_TEST

/* --log: stderr unless syslog is asked for; --log-level stays its own option. */
START_TEST(test_log_target)
{
	struct options o;
	char err[256];
	const char *none[] = { NULL };
	const char *sys[] = { "--log", "syslog", "--log-level", "3", NULL };
	const char *err_[] = { "--log", "stderr", NULL };

	ck_assert_int_eq(parse(&o, err, none), 0);
	ck_assert(!o.log_syslog);
	ck_assert_int_eq(o.log_level, 1);
	ck_assert_int_eq(parse(&o, err, sys), 0);
	ck_assert(o.log_syslog);
	ck_assert_int_eq(o.log_level, 3);
	ck_assert_int_eq(parse(&o, err, err_), 0);
	ck_assert(!o.log_syslog);
}
END_TEST

/* --log-file: none unless given; --log-file-max in bytes, K, M or G (powers of 1024). */
START_TEST(test_log_file)
{
	struct options o;
	char err[256];
	const char *none[] = { NULL };
	const char *plain[] = { "--log-file", "console.log", NULL };
	const char *small[] = { "--log-file-max", "4096", NULL };
	const char *k[] = { "--log-file-max", "8k", NULL };
	const char *m[] = { "--log-file-max", "3M", NULL };
	const char *g[] = { "--log-file-max", "64G", NULL };

	ck_assert_int_eq(parse(&o, err, none), 0);
	ck_assert_ptr_null(o.log_file);
	ck_assert_uint_eq(o.log_file_max, 64u << 20);
	ck_assert_int_eq(parse(&o, err, plain), 0);
	ck_assert_str_eq(o.log_file, "console.log");
	ck_assert_int_eq(parse(&o, err, small), 0);
	ck_assert_uint_eq(o.log_file_max, 4096);
	ck_assert_int_eq(parse(&o, err, k), 0);
	ck_assert_uint_eq(o.log_file_max, 8192);
	ck_assert_int_eq(parse(&o, err, m), 0);
	ck_assert_uint_eq(o.log_file_max, 3u << 20);
	ck_assert_int_eq(parse(&o, err, g), 0);
	ck_assert_uint_eq(o.log_file_max, (uint64_t)64 << 30);
}
END_TEST

START_TEST(test_remote_allowed)
{
	struct options o;
	char err[256];
	const char *args[] = { "--allow-remote", "-v", "0.0.0.0:2", NULL };

	ck_assert_int_eq(parse(&o, err, args), 0);
	ck_assert_str_eq(o.listen_addr, "0.0.0.0");
	ck_assert(o.remote && o.allow_remote);
}
END_TEST

/* A viewer's clipboard is typed when it pastes, unless --paste-on-receive. */
START_TEST(test_paste_on_receive)
{
	struct options o;
	char err[256];
	const char *none[] = { NULL }, *given[] = { "--paste-on-receive", NULL };

	ck_assert_int_eq(parse(&o, err, none), 0);
	ck_assert(!o.paste_on_receive);
	ck_assert_int_eq(parse(&o, err, given), 0);
	ck_assert(o.paste_on_receive);
}
END_TEST

/* The original's -v forms: ADDR alone is display 0, :N every IPv4 address. */
START_TEST(test_listen_forms)
{
	static const struct {
		const char *arg, *addr;
		int display;
		bool remote;
	} forms[] = {
		{ "10.1.2.3", "10.1.2.3", 0, true }, { ":3", "0.0.0.0", 3, true },
		{ ":", "0.0.0.0", 0, true },         { "127.0.0.1:", "127.0.0.1", 0, false },
		{ "7", "127.0.0.1", 7, false },      { "::1", "::1", 0, false },
		{ "[::1]:2", "::1", 2, false },      { "127.0.0.1", "127.0.0.1", 0, false },
	};
	struct options o;
	char err[256];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const char *args[] = { "-v", forms[i].arg, NULL };

		ck_assert_msg(parse(&o, err, args) == 0, "-v %s: %s", forms[i].arg, err);
		ck_assert_str_eq(o.listen_addr, forms[i].addr);
		ck_assert_int_eq(o.display, forms[i].display);
		ck_assert_msg(o.remote == forms[i].remote, "-v %s: remote %d", forms[i].arg, o.remote);
	}
	const char *empty[] = { "-v", "", NULL }, *bad[] = { "-v", "x:", NULL };

	ck_assert_int_ne(parse(&o, err, empty), 0);
	ck_assert_ptr_nonnull(strstr(err, "expected ADDR:N"));
	ck_assert_int_ne(parse(&o, err, bad), 0);
	ck_assert_ptr_nonnull(strstr(err, "not an IPv4 or IPv6"));
}
END_TEST

/* The host agent's vncterm_ip, given explicitly: served without --allow-remote (main() warns). */
START_TEST(test_remote_without_flag)
{
	static const char *const addrs[][2] = {
		{ "10.1.2.3:1", "10.1.2.3" }, { "0.0.0.0:1", "0.0.0.0" }, { "[::]:1", "::" },
		{ "[2001:db8::5]:4", "2001:db8::5" },
	};
	struct options o;
	char err[256];

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		const char *args[] = { "-v", addrs[i][0], NULL };

		ck_assert_msg(parse(&o, err, args) == 0, "-v %s: %s", addrs[i][0], err);
		ck_assert_str_eq(o.listen_addr, addrs[i][1]);
		ck_assert(o.remote && !o.allow_remote);
	}
	const char *lo[] = { "-v", "127.0.0.2:1", NULL };

	ck_assert_int_eq(parse(&o, err, lo), 0);
	ck_assert(!o.remote);
}
END_TEST

/* The original vncterm's long options, each the same as its short one. */
START_TEST(test_original_long_options)
{
	struct options o;
	char err[256];
	const char *args[] = { "--restart", "--stay", "--stay-root", "--text", "--title", "dom1",
			       "--loadstate", "/tmp/state", "--xenstore", "/local/domain/1/console",
			       "--vnclisten", "127.0.0.1:7", "--pty", "/dev/pts/9", NULL };

	ck_assert_int_eq(parse(&o, err, args), 0);
	ck_assert(o.restart && o.stay && o.stay_root && o.text_port);
	ck_assert_str_eq(o.title, "dom1");
	ck_assert_str_eq(o.statefile, "/tmp/state");
	ck_assert_str_eq(o.xs_path, "/local/domain/1/console");
	ck_assert_str_eq(o.listen_addr, "127.0.0.1");
	ck_assert_int_eq(o.display, 7);
	ck_assert_str_eq(o.pty_path, "/dev/pts/9");
	/* --cmd is -c: a flag, and the rest of the line is the command. */
	const char *cmd[] = { "--cmd", "/bin/sh", "-c", "ls", NULL }, *bare[] = { "--cmd", NULL };

	ck_assert_int_eq(parse(&o, err, cmd), 0);
	ck_assert(o.command_given);
	ck_assert_str_eq(o.command[0], "/bin/sh");
	ck_assert_str_eq(o.command[2], "ls");
	ck_assert_ptr_null(o.command[3]);
	ck_assert_int_eq(parse(&o, err, bare), 0);
	ck_assert(o.command_given && !o.command);
	/* --vnclisten=ADDR:N, getopt's other form. */
	const char *eq[] = { "--vnclisten=[::1]:3", NULL };

	ck_assert_int_eq(parse(&o, err, eq), 0);
	ck_assert_str_eq(o.listen_addr, "::1");
	ck_assert_int_eq(o.display, 3);
}
END_TEST

START_TEST(test_help)
{
	struct options o;
	char err[256];
	const char *args[] = { "--help", NULL };

	ck_assert_int_eq(parse(&o, err, args), 1);
}
END_TEST

/* --help names every long option the parser takes, in lines of at most 79 columns. */
START_TEST(test_help_lists_every_option)
{
	char *text = NULL, want[64];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const char *name;
	int i;

	ck_assert_ptr_nonnull(f);
	options_usage(f, "vncterm");
	fclose(f);
	for (i = 0; (name = options_long_name(i)); i++) {
		snprintf(want, sizeof(want), "--%s ", name);
		ck_assert_msg(strstr(text, want) || (snprintf(want, sizeof(want), "--%s\n", name),
						     strstr(text, want)),
			      "--help does not describe --%s", name);
	}
	ck_assert_int_ge(i, 16);
	for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1)
		ck_assert_msg(nl - line <= 79, "--help line too long: %.*s", (int)(nl - line), line);
	ck_assert_ptr_nonnull(strstr(text, "EXIT STATUS"));
	ck_assert_ptr_nonnull(strstr(text, "SIGHUP"));
	free(text);
}
END_TEST

Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("command line");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_sysrq);
	tcase_add_test(tc, test_help_and_version);
	tcase_add_test(tc, test_command_is_rest);
	tcase_add_test(tc, test_original_flags);
	tcase_add_test(tc, test_ipv6);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bads) / sizeof(bads[0]));
	tcase_add_test(tc, test_font_scale);
	tcase_add_test(tc, test_max_viewers);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_log_target);
	tcase_add_test(tc, test_log_file);
	tcase_add_test(tc, test_remote_allowed);
	tcase_add_test(tc, test_paste_on_receive);
	tcase_add_test(tc, test_remote_without_flag);
	tcase_add_test(tc, test_listen_forms);
	tcase_add_test(tc, test_original_long_options);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_help_lists_every_option);
	suite_add_tcase(s, tc);
	return s;
}
