/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the daemon listens (../vncterm/vncterm, run as check_vncterm.c
 * runs it): loopback only unless told otherwise, IPv6 too, and a remote
 * address served with a warning while the text port stays on loopback.
 * What it listens on is read from /proc, by the daemon's socket inodes.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/util_vncterm.h"
#include "tests/integration/util_vncterm_cmd.h"

struct listener {
	char addr[INET6_ADDRSTRLEN];
	int port;
	bool loopback;
};

/* The inodes of the sockets pid holds open. */
static int socket_inodes(pid_t pid, unsigned long *inodes, int max)
{
	char dir[64], path[512], link[64];
	struct dirent *e;
	DIR *d = proc_fd_dir(pid, dir, sizeof(dir));
	int n = 0;

	while ((e = readdir(d)) && n < max) {
		ssize_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &inodes[n]) == 1)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * /proc/net/tcp{,6} print each 32-bit word of the address as the number
 * it is in memory, so reading a word back and storing it restores the
 * bytes.
 */
static bool parse_addr(const char *hex, struct listener *l)
{
	uint32_t words[4];
	size_t nwords = strlen(hex) / 8;
	char word[9] = "";

	if (nwords != 1 && nwords != 4)
		return false;
	for (size_t i = 0; i < nwords; i++) {
		memcpy(word, hex + 8 * i, 8);
		words[i] = (uint32_t)strtoul(word, NULL, 16);
	}
	if (nwords == 1) {
		struct in_addr a;

		memcpy(&a.s_addr, words, 4);
		inet_ntop(AF_INET, &a, l->addr, sizeof(l->addr));
		l->loopback = ntohl(a.s_addr) == INADDR_LOOPBACK;
	} else {
		struct in6_addr a;
		static const uint8_t v4_loopback[4] = { 127, 0, 0, 1 };

		memcpy(a.s6_addr, words, 16);
		inet_ntop(AF_INET6, &a, l->addr, sizeof(l->addr));
		l->loopback = IN6_IS_ADDR_LOOPBACK(&a) ||
			      (IN6_IS_ADDR_V4MAPPED(&a) && !memcmp(a.s6_addr + 12, v4_loopback, 4));
	}
	return true;
}

/* Every TCP socket of pid in the LISTEN state, IPv4 and IPv6. */
static int listeners(pid_t pid, struct listener *out, int max)
{
	static const char *const files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	unsigned long inodes[256];
	int ninodes = socket_inodes(pid, inodes, 256), n = 0;

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		FILE *fp = fopen(files[f], "r");
		char line[512];

		if (!fp) /* no IPv6 in this kernel */
			continue;
		while (fgets(line, sizeof(line), fp) && n < max) {
			char hex[33];
			unsigned port, state;
			unsigned long inode;
			bool ours = false;

			/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
			if (sscanf(line, " %*d: %32[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*u %*u %lu", hex,
				   &port, &state, &inode) != 4 ||
			    state != 0x0a)
				continue;
			for (int i = 0; i < ninodes; i++)
				ours |= inodes[i] == inode;
			if (ours && parse_addr(hex, &out[n])) {
				out[n].port = (int)port;
				n++;
			}
		}
		fclose(fp);
	}
	return n;
}

static void assert_loopback_only(const struct vncterm *v)
{
	struct listener ls[32];
	int n = listeners(v->pid, ls, 32);
	bool on_port = false;

	ck_assert_msg(n > 0, "vncterm (pid %d) has no listening TCP socket", (int)v->pid);
	for (int i = 0; i < n; i++) {
		ck_assert_msg(ls[i].loopback, "vncterm listens on %s port %d", ls[i].addr,
			      ls[i].port);
		on_port |= ls[i].port == v->port;
	}
	ck_assert_msg(on_port, "vncterm does not listen on the port it printed, %d", v->port);
}

START_TEST(listens_on_loopback_only)
{
	/* -T: the text port's sockets are counted too */
	const char *const args[] = { "-v", "127.0.0.1:56", "-T", "-c", "/bin/sh", "-c", IDLE, NULL };
	struct vncterm *v = start_daemon(args, 56);

	/* 9500+N for the display N bound, as the original's, so firewall rules keep working. */
	ck_assert_int_eq(text_port_line(v), 9500 + v->port - 5900);
	assert_loopback_only(v);
	stop_daemon(v);
}
END_TEST

/*
 * The host agent's vncterm_ip: a non-loopback -v address is served
 * without --allow-remote, with a warning, and the text port (which has
 * no password) stays on loopback.  0.0.0.0 stands for the host's address.
 */
START_TEST(remote_address_served_with_warning)
{
	char log[] = "/tmp/vncterm-remote-XXXXXX", buf[8192];
	int fd = mkstemp(log);

	ck_assert(fd >= 0);
	close(fd);
	const char *const args[] = { "-v", "0.0.0.0:58", "-T", "--geometry", "40x5", "-c", "/bin/sh",
				     "-c", "printf '" HIDE "remote'; " IDLE, NULL };
	struct vncterm *v = start_logged(args, 58, log);
	int tport = text_port_line(v);
	struct listener ls[32];
	int n = listeners(v->pid, ls, 32);
	bool vnc_wild = false, text_seen = false;

	ck_assert_int_eq(tport, 9500 + v->port - 5900);
	for (int i = 0; i < n; i++) {
		if (ls[i].port == v->port)
			vnc_wild |= !strcmp(ls[i].addr, "0.0.0.0");
		if (ls[i].port == tport) {
			text_seen = true;
			ck_assert_msg(ls[i].loopback, "the text port listens on %s", ls[i].addr);
		}
	}
	ck_assert_msg(vnc_wild, "VNC is not listening on 0.0.0.0 port %d", v->port);
	ck_assert(text_seen);
	ck_assert_msg(file_says(log, "not a loopback address", 3000, buf, sizeof(buf)),
		      "no warning: \"%s\"", buf);
	ck_assert_msg(strstr(buf, "the text port stays on loopback"), "warning: \"%s\"", buf);
	rfbClient *c = connect_to("127.0.0.1", v);

	assert_screen(c, 5, 40, HIDE_BYTES "remote", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(log);
}
END_TEST

/* [::1]:N, and the default geometry, 80x25. */
START_TEST(listens_on_ipv6_loopback)
{
	const char *const args[] = {
		"-v", "[::1]:57", "-c", "/bin/sh", "-c", "printf '" HIDE "v6'; " IDLE, NULL,
	};
	struct vncterm *v = start_daemon(args, 57);
	rfbClient *c;

	assert_loopback_only(v);
	c = connect_to("::1", v);
	ck_assert_int_eq(c->width, 640);
	ck_assert_int_eq(c->height, 400);
	assert_screen(c, 25, 80, HIDE_BYTES "v6", 5000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

Suite *vncterm_listen_suite(void)
{
	Suite *s = suite_create("vncterm_listen");
	TCase *tc = tcase_create("vncterm");

	/* Each test takes a few seconds; this only bounds a hang. */
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, listens_on_loopback_only);
	tcase_add_test(tc, listens_on_ipv6_loopback);
	tcase_add_test(tc, remote_address_served_with_warning);
	suite_add_tcase(s, tc);
	return s;
}
