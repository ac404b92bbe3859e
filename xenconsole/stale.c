/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "xenconsole/keys.h"
#include "xenconsole/lock.h"
#include "xenconsole/stale.h"

/* The type xenconsoled serves, what the toolstack writes and what a claim gives back. */
#define XENCONSOLED_TYPE "xenconsoled"

/* No such process, or one that is not a reader of ours: its pid was reused. */
static bool pid_gone(long pid)
{
	char prog[256];
	const char *base;

	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return true;
	xencons_program_of(pid, prog, sizeof(prog));
	base = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
	return !strstr(base, "vncterm") && !strstr(base, "xenconsole");
}

static char *read_node(struct xs_handle *xs, const char *key)
{
	unsigned int len;

	return xs_read(xs, XBT_NULL, key, &len);
}

/* Append what to the list in msg. */
static void note(char *list, size_t size, const char *what)
{
	size_t n = strlen(list);

	snprintf(list + n, size - n, "%s%s", n ? ", " : "", what);
}

/* Remove <path>/name if it holds anything; noted when removed. */
static void drop(struct xs_handle *xs, const char *path, const char *name, char *list,
		 size_t size)
{
	char key[300], *v;

	snprintf(key, sizeof(key), "%s/%s", path, name);
	v = read_node(xs, key);
	if (v && xencons_rm_if(xs, key, v) == 1)
		note(list, size, name);
	free(v);
}

/* A dead reader's claim on type: given back to xenconsoled (pty mode) or to the claim. */
static void repair_type(struct xs_handle *xs, const struct xencons_stale *s, bool *stale_claim,
			char *list, size_t size)
{
	char key[300], what[64];
	char *v;

	snprintf(key, sizeof(key), "%s/type", s->path);
	v = read_node(xs, key);
	if (v && (!strcmp(v, "vncterm") || !strcmp(v, "xenconsole"))) {
		*stale_claim = true;
		if (!s->ring)
			xs_write(xs, XBT_NULL, key, XENCONSOLED_TYPE, strlen(XENCONSOLED_TYPE));
		snprintf(what, sizeof(what), "type %s", v);
		note(list, size, what);
	}
	free(v);
}

int xencons_stale_repair(struct xs_handle *xs, const struct xencons_stale *s, bool *stale_claim,
			 char *msg, size_t size)
{
	char pid_key[300], list[300] = "", *v;
	long kp, who;

	*stale_claim = false;
	xencons_pid_key(s->path, s->domid, pid_key, sizeof(pid_key));
	v = read_node(xs, pid_key);
	kp = v ? strtol(v, NULL, 10) : 0;
	/* The host agent may have written our own pid there already (xenopsd does, after the fork). */
	who = kp > 0 && kp != (long)getpid() ? kp : s->prev;
	if (who > 0 && !pid_gone(who)) {
		free(v);
		return 0;
	}
	repair_type(xs, s, stale_claim, list, sizeof(list));
	drop(xs, s->path, "vnc-port", list, sizeof(list));
	drop(xs, s->path, "tc-port", list, sizeof(list));
	drop(xs, s->path, "vnc-socket", list, sizeof(list));
	drop(xs, s->path, "statefile", list, sizeof(list));
	if (v && kp != (long)getpid() && xencons_rm_if(xs, pid_key, v) == 1)
		note(list, sizeof(list), strrchr(pid_key, '/') + 1);
	free(v);
	if (who > 0) {
		char dir[64];

		snprintf(dir, sizeof(dir), "%s/%ld", XENCONS_STATE_ROOT, who);
		if (xencons_state_dir_remove(dir) == 0)
			note(list, sizeof(list), dir);
	}
	if (!list[0])
		return 0;
	if (who > 0)
		snprintf(msg, size, "repaired what process %ld, now gone, left on %s: %s", who,
			 s->path, list);
	else
		snprintf(msg, size, "repaired what a reader now gone left on %s: %s", s->path, list);
	return 1;
}
