/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make install into a throwaway root (DESTDIR): every file in place with its
 * mode, the installed programs run and say their version, the units start
 * the installed binary, the man pages are man pages.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"

static char root[] = "/tmp/vncterm-destdir.XXXXXX";

/* Run a shell command; its exit status. */
static int sh(const char *fmt, const char *arg)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), fmt, arg);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The file under root, with mode (permission bits) mode. */
static void assert_file(const char *path, mode_t mode)
{
	char full[512];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", root, path);
	ck_assert_msg(stat(full, &st) == 0, "%s was not installed", path);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s has mode %o, not %o", path,
		      (unsigned)(st.st_mode & 07777), (unsigned)mode);
}

static size_t slurp(const char *path, char *buf, size_t max)
{
	char full[512];
	FILE *f;
	size_t n = 0;

	snprintf(full, sizeof(full), "%s%s", root, path);
	f = fopen(full, "r");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	n = fread(buf, 1, max - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

START_TEST(install_into_destdir)
{
	static char buf[1 << 16]; /* the whole man page: every option --help names is in it */
	const char *san = getenv("SANITIZE");

	ck_assert_ptr_nonnull(mkdtemp(root));
	/* The same SANITIZE as the tree was built with, or make would rebuild it under the tests. */
	snprintf(buf, sizeof(buf), "make -s -C .. install PREFIX=/usr DESTDIR=%%s SANITIZE='%s' "
		 ">/dev/null", san ? san : "");
	ck_assert_int_eq(sh(buf, root), 0);
	assert_file("/usr/bin/vncterm", 0755);
	assert_file("/usr/bin/xenconsole", 0755);
	assert_file("/usr/share/man/man1/vncterm.1", 0644);
	assert_file("/usr/share/man/man1/xenconsole.1", 0644);
	assert_file("/usr/share/vncterm/install-user.sh", 0755);
	assert_file("/lib/systemd/system/vncterm@.service", 0644);
	assert_file("/lib/systemd/system/vncterm-host-console.service", 0644);
	assert_file("/var/xen/vncterm", 0755);

	/* The installed programs run and say which version they are. */
	ck_assert_int_eq(sh("%s/usr/bin/vncterm --version | grep -qx 'vncterm [0-9][0-9.]*'", root), 0);
	ck_assert_int_eq(sh("%s/usr/bin/xenconsole --version | grep -qx 'xenconsole [0-9][0-9.]*'",
			    root), 0);
	ck_assert_int_eq(sh("%s/usr/bin/vncterm --help | grep -q -- '--max-viewers'", root), 0);

	/* The units start the installed binary, as the host agent would. */
	slurp("/lib/systemd/system/vncterm@.service", buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "ExecStart=/usr/bin/vncterm -x /local/domain/%i/console -T "
				  "-v 127.0.0.1:1 --exit-on-release\n"),
		      "vncterm@.service: %s", buf);
	ck_assert_msg(!strstr(buf, "@BINDIR@"), "a placeholder was left in the unit");
	slurp("/lib/systemd/system/vncterm-host-console.service", buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "ExecStart=/usr/bin/vncterm -x /local/domain/0/console -T -r ") &&
			      strstr(buf, "-c /bin/login"),
		      "vncterm-host-console.service: %s", buf);

	/* Man pages: roff with their name and every option --help lists. */
	slurp("/usr/share/man/man1/vncterm.1", buf, sizeof(buf));
	ck_assert(strstr(buf, ".TH VNCTERM 1") != NULL);
	char cmd[256], help[8192], roff[96];
	size_t hlen, named = 0;

	snprintf(cmd, sizeof(cmd), "%s/usr/bin/vncterm --help", root);
	FILE *p = popen(cmd, "r");

	ck_assert_ptr_nonnull(p);
	hlen = fread(help, 1, sizeof(help) - 1, p);
	ck_assert_int_eq(pclose(p), 0);
	help[hlen] = '\0';
	/* Every --option the help names, as roff writes it: \-\-max\-viewers. */
	for (char *o = help; (o = strstr(o, "--")); named++) {
		size_t n = 0;

		o += 2;
		strcpy(roff, "\\-\\-");
		while ((o[0] >= 'a' && o[0] <= 'z') || o[0] == '-') {
			if (o[0] == '-')
				roff[4 + n++] = '\\';
			roff[4 + n++] = *o++;
			ck_assert_uint_lt(n, sizeof(roff) - 8);
		}
		roff[4 + n] = '\0';
		ck_assert_msg(strstr(buf, roff), "vncterm.1 lacks %s, which --help names", roff);
	}
	ck_assert_uint_ge(named, 16);
	slurp("/usr/share/man/man1/xenconsole.1", buf, sizeof(buf));
	ck_assert(strstr(buf, ".TH XENCONSOLE 1") != NULL);
	ck_assert_int_eq(sh("rm -rf %s", root), 0);
}
END_TEST

START_TEST(version_is_printed)
{
	const char *const version[] = { "--version", NULL };
	struct vncterm_run r;

	ck_assert_int_eq(vncterm_run(version, 5000, &r), 0);
	ck_assert(r.exited && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	ck_assert_msg(!strncmp(r.out, "vncterm ", 8), "--version printed: %s", r.out);
}
END_TEST

/*
 * install-user.sh, for an existing vncterm_base at 200000: every id from
 * there to 200000 + 65535 (base + any TCP port) must be free of accounts,
 * groups and subordinate ranges, and one past the end need not be.
 */
static const struct {
	const char *passwd, *group, *subuid;
	int status;
	const char *says;
} ranges[] = {
	{ "", "", "", 0, NULL },
	{ "last:x:265535:1::/:/bin/false\n", "", "", 1, "last(265535)" },
	{ "past:x:265536:1::/:/bin/false\n", "", "", 0, NULL },
	{ "", "grp:x:205901:\n", "", 1, "grp(205901)" },
	{ "", "", "ann:100000:65536\nbob:165536:65536\n", 1, "bob(165536-231071)" },
	{ "", "", "ann:134464:65536\n", 0, NULL }, /* ends at 199999 */
	{ "", "", "cid:265535:1\n", 1, "cid(265535-265535)" },
};

START_TEST(install_user_reserves_range)
{
	char dir[] = "/tmp/vncterm-ids.XXXXXX", path[4][128], cmd[1024], out[1024];
	const char *const names[4] = { "passwd", "group", "subuid", "err" };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (int i = 0; i < 4; i++)
		snprintf(path[i], sizeof(path[i]), "%s/%s", dir, names[i]);
	FILE *f = fopen(path[0], "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "root:x:0:0::/root:/bin/sh\nvncterm_base:x:200000:200000::/:/bin/false\n%s",
		ranges[_i].passwd);
	fclose(f);
	f = fopen(path[1], "w");
	fprintf(f, "root:x:0:\nvncterm_base:x:200000:\n%s", ranges[_i].group);
	fclose(f);
	f = fopen(path[2], "w");
	fprintf(f, "%s", ranges[_i].subuid);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "VNCTERM_PASSWD_FILE=%s VNCTERM_GROUP_FILE=%s VNCTERM_SUBUID_FILE=%s "
		 "VNCTERM_SUBGID_FILE=/dev/null sh ../vncterm/install-user.sh 2>%s",
		 path[0], path[1], path[2], path[3]);
	int st = system(cmd);

	ck_assert(WIFEXITED(st));
	read_file(path[3], out, sizeof(out));
	ck_assert_msg(WEXITSTATUS(st) == ranges[_i].status, "exit %d, want %d: %s",
		      WEXITSTATUS(st), ranges[_i].status, out);
	if (ranges[_i].says)
		ck_assert_msg(strstr(out, ranges[_i].says) && strstr(out, "200000-265535"),
			      "the message does not name %s and the range: %s", ranges[_i].says, out);
	for (int i = 0; i < 4; i++)
		unlink(path[i]);
	rmdir(dir);
}
END_TEST

Suite *install_suite(void)
{
	Suite *s = suite_create("install");
	TCase *tc = tcase_create("install");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, install_into_destdir);
	tcase_add_test(tc, version_is_printed);
	tcase_add_loop_test(tc, install_user_reserves_range, 0, sizeof(ranges) / sizeof(ranges[0]));
	suite_add_tcase(s, tc);
	return s;
}
