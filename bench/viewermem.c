/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each viewer costs the serving process: Private_Dirty (smaps) with
 * no viewer, after each of N libvncclient viewers connected and was sent
 * a screenful of coloured text, after they all left, and with one again.
 * The serving process is vncterm itself with -c, the sandboxed worker
 * with -p.  Figures only; it never fails on them.
 *
 *   viewermem [-p] [-n N] [-e ENCODINGS|default] [-d DISPLAY] [-m] [-b]
 *
 * -e default leaves libvncclient's own encodings (rfbGetClient(8,3,4):
 * tight first, JPEG allowed); -m prints the mappings that grew; -b
 * leaves the screen blank (nothing is printed, as daemonbench's idle
 * figures).
 */
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <rfb/keysym.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/workload.h"
#include "tests/integration/util_vncterm.h"

#define MAX_VIEWERS 16
#define MAX_MAPS 256

struct maps {
	int n;
	char name[MAX_MAPS][96];
	long kb[MAX_MAPS];
};

static long rollup(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Private_Dirty:", 14))
			kb = strtol(line + 14, NULL, 10);
	fclose(f);
	return kb;
}

/* Private_Dirty per mapping name ("[anon]" for nameless ones), summed. */
static void read_maps(pid_t pid, struct maps *m)
{
	char path[64], line[512], cur[96] = "";
	FILE *f;

	m->n = 0;
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p;
		unsigned long a, b;

		if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, ':') && strchr(line, ' ')) {
			p = line;
			for (int field = 0; field < 5 && p; field++) {
				p = strchr(p, ' ');
				while (p && *p == ' ')
					p++;
			}
			snprintf(cur, sizeof(cur), "%s", p && *p && *p != '\n' ? p : "[anon]\n");
			cur[strcspn(cur, "\n")] = '\0';
			continue;
		}
		if (strncmp(line, "Private_Dirty:", 14))
			continue;
		long kb = strtol(line + 14, NULL, 10);
		int i;

		for (i = 0; i < m->n && strcmp(m->name[i], cur); i++)
			;
		if (i == m->n && m->n < MAX_MAPS) {
			m->kb[m->n] = 0;
			snprintf(m->name[m->n++], sizeof(m->name[0]), "%s", cur);
		}
		if (i < MAX_MAPS)
			m->kb[i] += kb;
	}
	fclose(f);
}

static void print_growth(const struct maps *a, const struct maps *b)
{
	for (int i = 0; i < b->n; i++) {
		long before = 0;

		for (int j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i]))
				before = a->kb[j];
		if (b->kb[i] != before)
			printf("      %+6ld kB  %s\n", b->kb[i] - before, b->name[i]);
	}
}

static void quiet(const char *fmt, ...)
{
	(void)fmt;
}

static rfbClient *viewer(int port, const char *enc)
{
	rfbClient *c = rfbGetClient(8, 3, 4);
	char name[] = "viewermem";
	char *argv[] = { name, NULL };
	int argc = 1;

	if (!c)
		return NULL;
	if (strcmp(enc, "default"))
		c->appData.encodingsString = enc;
	c->serverHost = strdup("127.0.0.1");
	c->serverPort = port;
	if (!rfbInitClient(c, &argc, argv)) {
		fprintf(stderr, "viewermem: handshake failed\n");
		return NULL;
	}
	return c;
}

/* Handle every viewer's messages until none came for quiet_ms (at most 20 s). */
static void pump_quiet(rfbClient **c, int n, int quiet_ms)
{
	int64_t end = now_ms() + 20000, last = now_ms();

	while (now_ms() < end && now_ms() - last < quiet_ms) {
		for (int i = 0; i < n; i++) {
			if (!c[i])
				continue;
			while (c[i]->buffered > 0 || WaitForMessage(c[i], 20 * 1000) > 0) {
				if (!HandleRFBServerMessage(c[i])) {
					fprintf(stderr, "viewermem: viewer %d broke\n", i);
					c[i] = NULL;
					break;
				}
				last = now_ms();
			}
		}
	}
}

/* The sandbox's worker: the monitor's only child (or the monitor, if none came). */
static pid_t worker(pid_t monitor)
{
	pid_t w = proc_first_child(monitor, 3000);

	return w > 0 ? w : monitor;
}

struct run {
	bool pty;
	int master;
	pid_t serving;
	struct maps base;
	bool show_maps, blank;
	const char *text;
	size_t len;
	int stage;
};

/* A screenful of coloured text, through the console. */
static void feed(struct run *r, rfbClient *c)
{
	if (r->blank)
		return;
	if (r->pty) {
		if (write(r->master, r->text, r->len) != (ssize_t)r->len)
			fprintf(stderr, "viewermem: short write to the pty\n");
	} else {
		SendKeyEvent(c, XK_Return, TRUE);
		SendKeyEvent(c, XK_Return, FALSE);
	}
}

static void stage(struct run *r, const char *what, long *prev)
{
	struct maps m;
	long kb = rollup(r->serving);

	printf("  %-28s Private_Dirty %6ld kB  (%+ld)\n", what, kb, *prev >= 0 ? kb - *prev : 0);
	*prev = kb;
	/* Under valgrind's massif (a wrapper as VNCTERM_BIN): a detailed snapshot per stage. */
	if (getenv("VIEWERMEM_VGDB")) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "vgdb --pid=%d detailed_snapshot %s.%d >/dev/null",
			 (int)r->serving, getenv("VIEWERMEM_VGDB"), r->stage++);
		if (system(cmd) != 0)
			fprintf(stderr, "viewermem: %s failed\n", cmd);
	}
	if (r->show_maps) {
		read_maps(r->serving, &m);
		print_growth(&r->base, &m);
		r->base = m;
	}
}

static int run_viewers(struct run *r, int port, int nv, const char *enc)
{
	rfbClient *c[MAX_VIEWERS] = { 0 };
	long prev = -1;
	char what[64];

	/* The screen is drawn first (-c's command prints it at start): the framebuffer is not a viewer's. */
	if (r->pty)
		feed(r, NULL);
	sleep_ms(500);
	read_maps(r->serving, &r->base);
	stage(r, "no viewer", &prev);
	for (int i = 0; i < nv; i++) {
		c[i] = viewer(port, enc);
		if (!c[i])
			return 1;
		pump_quiet(c, i + 1, 300);
		feed(r, c[i]);
		pump_quiet(c, i + 1, 500);
		snprintf(what, sizeof(what), "viewer %d", i + 1);
		stage(r, what, &prev);
	}
	for (int i = 0; i < nv; i++) {
		rfbClientCleanup(c[i]);
		c[i] = NULL;
	}
	sleep_ms(1500);
	stage(r, "all left", &prev);
	c[0] = viewer(port, enc);
	if (!c[0])
		return 1;
	pump_quiet(c, 1, 300);
	feed(r, c[0]);
	pump_quiet(c, 1, 500);
	stage(r, "one again", &prev);
	rfbClientCleanup(c[0]);
	return 0;
}

int main(int argc, char **argv)
{
	struct run r = { .master = -1 };
	const char *enc = "default";
	int nv = 4, display = 700, opt;
	char listen[32], cmd[256], path[] = "/tmp/viewermem-XXXXXX";
	char *tty = NULL;

	while ((opt = getopt(argc, argv, "pn:e:d:mb")) != -1) {
		switch (opt) {
		case 'p': r.pty = true; break;
		case 'n': nv = atoi(optarg); break;
		case 'e': enc = optarg; break;
		case 'd': display = atoi(optarg); break;
		case 'm': r.show_maps = true; break;
		case 'b': r.blank = true; break;
		default:
			fprintf(stderr, "usage: viewermem [-p] [-n N] [-e ENCODINGS|default] [-d DISPLAY] [-m] [-b]\n");
			return 2;
		}
	}
	if (nv < 1 || nv > MAX_VIEWERS)
		nv = 4;
	rfbClientLog = quiet;
	rfbClientErr = quiet;
	size_t a_len, b_len;
	char *a = workload_generate(WL_SGR_TEXT, 8000, &a_len);
	char *b = workload_generate(WL_CELLS, 8000, &b_len);
	char *text = malloc(a_len + b_len);

	if (!a || !b || !text)
		return 1;
	memcpy(text, a, a_len);
	memcpy(text + a_len, b, b_len);
	r.text = text;
	r.len = a_len + b_len;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, r.len) != (ssize_t)r.len)
		return 1;
	close(fd);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", display);
	snprintf(cmd, sizeof(cmd), "stty -echo; cat %1$s; while read x; do cat %1$s; done", path);
	const char *cargs[] = { "-v", listen, "-c", "/bin/sh", "-c",
				r.blank ? "exec cat >/dev/null" : cmd, NULL };
	const char *pargs[] = { "-v", listen, "-p", NULL, NULL };

	if (r.pty) {
		r.master = posix_openpt(O_RDWR | O_NOCTTY);
		if (r.master < 0 || grantpt(r.master) || unlockpt(r.master) || !(tty = ptsname(r.master)))
			return 1;
		pargs[3] = tty;
	}
	struct vncterm *v = vncterm_start(r.pty ? pargs : cargs);

	if (!v || v->port < 0)
		return 1;
	r.serving = r.pty ? worker(v->pid) : v->pid;
	printf("viewermem: %s, %d viewers, encodings %s\n", r.pty ? "-p PTY (the worker)" : "-c",
	       nv, enc);
	int rc = run_viewers(&r, v->port, nv, enc);

	vncterm_stop(v, 3000);
	unlink(path);
	free(a);
	free(b);
	free(text);
	return rc;
}
