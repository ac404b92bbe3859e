/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xensim-probe: a backend that makes real libxen* calls, for the tests to
 * run with libxensim.so preloaded (the runner itself must keep the real
 * libraries).  It reads one command a line on stdin and answers one line:
 *
 *   bind D P | virq V          -> "port L" | "err ENAME"
 *   poll MS                    -> "readable" | "idle"   (xenevtchn_fd)
 *   pending                    -> "port L" | "err ENAME"
 *   unmask L | notify L | unbind L -> "ok" | "err ENAME"
 *   gnt D REF | pfn D PFN      -> "ok" | "err ENAME"   (becomes the page)
 *   read OFF LEN               -> "data TEXT"
 *   write OFF TEXT             -> "ok"
 *   unmap                      -> "ok"
 *   info D | infolist D        -> "dom N dying X shutdown Y" | "none"
 *   restrict D                 -> "ok" | "err ENAME"
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xentoolcore.h>

#define PAGE 4096

static xenevtchn_handle *xce;
static xengnttab_handle *xgt;
static xenforeignmemory_handle *xfm;
static xc_interface *xch;
static char *page;
static bool page_is_grant;

static void err_reply(void)
{
	const char *name = strerrorname_np(errno);

	printf("err %s\n", name ? name : "?");
}

static void unmap_page(void)
{
	if (!page)
		return;
	if (page_is_grant)
		xengnttab_unmap(xgt, page, 1);
	else
		xenforeignmemory_unmap(xfm, page, 1);
	page = NULL;
}

static void reply_int(int rc, const char *what)
{
	if (rc < 0)
		err_reply();
	else if (what)
		printf("%s %d\n", what, rc);
	else
		printf("ok\n");
}

static void do_info(unsigned int d, bool list)
{
	int n;
	unsigned int id;
	bool dying, shutdown;

	if (list) {
		xc_domaininfo_t di;
		n = xc_domain_getinfolist(xch, d, 1, &di);
		id = di.domain;
		dying = di.flags & XEN_DOMINF_dying;
		shutdown = di.flags & XEN_DOMINF_shutdown;
	} else {
		xc_dominfo_t di;
		n = xc_domain_getinfo(xch, d, 1, &di);
		id = di.domid;
		dying = di.dying;
		shutdown = di.shutdown;
	}
	if (n < 0)
		err_reply();
	else if (n == 0 || id != d)
		printf("none\n");
	else
		printf("dom %u dying %d shutdown %d\n", id, dying, shutdown);
}

static void command(char *line)
{
	unsigned int a, b;
	int off, len;
	char text[512];

	if (sscanf(line, "bind %u %u", &a, &b) == 2) {
		reply_int(xenevtchn_bind_interdomain(xce, a, b), "port");
	} else if (sscanf(line, "virq %u", &a) == 1) {
		reply_int(xenevtchn_bind_virq(xce, a), "port");
	} else if (sscanf(line, "poll %d", &off) == 1) {
		struct pollfd p = { .fd = xenevtchn_fd(xce), .events = POLLIN };
		printf("%s\n", poll(&p, 1, off) > 0 ? "readable" : "idle");
	} else if (strcmp(line, "pending") == 0) {
		reply_int(xenevtchn_pending(xce), "port");
	} else if (sscanf(line, "unmask %u", &a) == 1) {
		reply_int(xenevtchn_unmask(xce, a), NULL);
	} else if (sscanf(line, "notify %u", &a) == 1) {
		reply_int(xenevtchn_notify(xce, a), NULL);
	} else if (sscanf(line, "unbind %u", &a) == 1) {
		reply_int(xenevtchn_unbind(xce, a), NULL);
	} else if (sscanf(line, "gnt %u %u", &a, &b) == 2) {
		unmap_page();
		page = xengnttab_map_grant_ref(xgt, a, b, PROT_READ | PROT_WRITE);
		page_is_grant = true;
		reply_int(page ? 0 : -1, NULL);
	} else if (sscanf(line, "pfn %u %u", &a, &b) == 2) {
		xen_pfn_t pfn = b;
		int err = 0;
		unmap_page();
		page = xenforeignmemory_map(xfm, a, PROT_READ | PROT_WRITE, 1, &pfn, &err);
		page_is_grant = false;
		if (page && err) {
			unmap_page();
			errno = -err;
		}
		reply_int(page ? 0 : -1, NULL);
	} else if (sscanf(line, "read %d %d", &off, &len) == 2) {
		if (!page || off < 0 || len < 0 || off + len > PAGE || len >= (int)sizeof(text)) {
			printf("err EINVAL\n");
			return;
		}
		for (int i = 0; i < len; i++) {
			char c = page[off + i];
			text[i] = c >= 0x20 && c < 0x7f ? c : '.';
		}
		printf("data %.*s\n", len, text);
	} else if (sscanf(line, "write %d %511s", &off, text) == 2) {
		len = (int)strlen(text);
		if (!page || off < 0 || off + len > PAGE) {
			printf("err EINVAL\n");
			return;
		}
		memcpy(page + off, text, (size_t)len);
		printf("ok\n");
	} else if (strcmp(line, "unmap") == 0) {
		unmap_page();
		printf("ok\n");
	} else if (sscanf(line, "infolist %u", &a) == 1) {
		do_info(a, true);
	} else if (sscanf(line, "info %u", &a) == 1) {
		do_info(a, false);
	} else if (sscanf(line, "restrict %u", &a) == 1) {
		int rc = xentoolcore_restrict_all(a);
		if (rc == 0)
			rc = xenevtchn_restrict(xce, a);
		if (rc == 0)
			rc = xenforeignmemory_restrict(xfm, a);
		reply_int(rc, NULL);
	} else {
		printf("err unknown command\n");
	}
}

int main(void)
{
	char line[1024];

	setvbuf(stdout, NULL, _IOLBF, 0);
	xce = xenevtchn_open(NULL, 0);
	xgt = xengnttab_open(NULL, 0);
	xfm = xenforeignmemory_open(NULL, 0);
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xce || !xgt || !xfm || !xch) {
		fprintf(stderr, "xensim-probe: cannot open the Xen interfaces (no libxensim.so?)\n");
		return 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		command(line);
	}
	unmap_page();
	xenevtchn_close(xce);
	xengnttab_close(xgt);
	xenforeignmemory_close(xfm);
	xc_interface_close(xch);
	return 0;
}
