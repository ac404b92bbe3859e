/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Viewer policy and audit: --idle-timeout (a warning in the idle viewer's
 * desktop name and a bell, then the disconnect; input takes the warning
 * back; an active viewer stays), view-only viewers' desktop names, and the
 * audit lines at the default log level.  Displays 280-289.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"

static char log_path[64];

static void log_setup(void)
{
	snprintf(log_path, sizeof(log_path), "/tmp/vncterm-policy-%d.log", (int)getpid());
}

static void log_teardown(void)
{
	unlink(log_path);
}

/* What one viewer was told, in order: names (N:...) and bells (B), for order checks. */
struct seen {
	char events[4096];
	char name[256];   /* the last DesktopName */
};

static int seen_tag;

static struct seen *seen_of(rfbClient *c)
{
	return rfbClientGetClientData(c, &seen_tag);
}

static void note(rfbClient *c, const char *what)
{
	struct seen *s = seen_of(c);
	size_t n = s ? strlen(s->events) : 0;

	if (s && n + strlen(what) + 2 < sizeof(s->events))
		snprintf(s->events + n, sizeof(s->events) - n, "%s|", what);
}

/* DesktopName (-307), which libvncclient 0.9.14 does not decode: read here. */
static rfbBool on_encoding(rfbClient *c, rfbFramebufferUpdateRectHeader *rect)
{
	unsigned char len[4];
	char name[256], ev[300];

	if ((int32_t)rect->encoding != -307)
		return FALSE;
	if (!ReadFromRFBServer(c, (char *)len, 4))
		return FALSE;
	uint32_t n = be_uint(len, 4);

	if (n >= sizeof(name) || !ReadFromRFBServer(c, name, n))
		return FALSE;
	name[n] = '\0';
	if (seen_of(c))
		snprintf(seen_of(c)->name, sizeof(seen_of(c)->name), "%s", name);
	snprintf(ev, sizeof(ev), "N:%s", name);
	note(c, ev);
	return TRUE;
}

static void on_bell(rfbClient *c)
{
	note(c, "B");
}

static int name_encodings[] = { -307, 0 };
static rfbClientProtocolExtension name_ext = {
	.encodings = name_encodings, /* announced by every viewer of this process */
	.handleEncoding = on_encoding,
};

/* A viewer that announces DesktopName and notes names and bells in s. */
static rfbClient *viewer(int port, const char *password, struct seen *s)
{
	static bool registered;

	if (!registered) {
		rfbClientRegisterExtension(&name_ext);
		registered = true;
	}
	memset(s, 0, sizeof(*s));
	rfbClient *c = vnc_connect_password("127.0.0.1", port, true, password);

	ck_assert_msg(c != NULL, "no VNC session on port %d", port);
	rfbClientSetClientData(c, &seen_tag, s);
	c->Bell = on_bell;
	return c;
}

/* Pump c until its last name is want, or fail. */
static void wait_name(rfbClient *c, const char *want, int ms)
{
	int64_t end = now_ms() + ms;

	while (now_ms() < end && strcmp(seen_of(c)->name, want))
		ck_assert_msg(vnc_handle_one(c, 50), "disconnected waiting for the name \"%s\"", want);
	ck_assert_msg(!strcmp(seen_of(c)->name, want), "the name is \"%s\", not \"%s\"",
		      seen_of(c)->name, want);
}

/* A pointer event, as a hand on the mouse sends. */
static void wiggle(rfbClient *c, int i)
{
	ck_assert(SendPointerEvent(c, 10 + i % 2, 10, 0));
}

/*
 * The idle viewer sees the warning (its name, then a bell) and is then
 * disconnected; the active viewer, connected as long, stays past that.
 */
START_TEST(idle_warns_then_disconnects)
{
	const char *const args[] = { "-v", "127.0.0.1:280", "-t", "pol", "--idle-timeout", "2",
				     "-c", "/bin/sh", "-c", "exec cat >/dev/null", NULL };
	struct vncterm *v = start_logged(args, 280, log_path);
	struct seen si, sa;
	rfbClient *idle = viewer(v->port, NULL, &si), *active = viewer(v->port, NULL, &sa);
	int64_t end = now_ms() + 15000;
	bool gone = false;

	for (int i = 0; !gone && now_ms() < end; i++) {
		gone = !vnc_handle_one(idle, 50);
		wiggle(active, i);
		ck_assert_msg(vnc_handle_one(active, 50), "the active viewer was disconnected");
	}
	ck_assert_msg(gone, "the idle viewer was never disconnected");
	const char *warn = strstr(si.events, "N:[idle: disconnecting in ");

	ck_assert_msg(warn, "no warning before the disconnect: %s", si.events);
	ck_assert_msg(strstr(warn, "s; press a key to stay] pol|"), "the warning: %s", si.events);
	ck_assert_msg(strstr(warn, "|B|"), "no bell after the warning: %s", si.events);
	ck_assert_msg(!strstr(sa.events, "[idle"), "the active viewer was warned: %s", sa.events);
	/* Still served after the idle one, connected at the same time, went. */
	wiggle(active, 0);
	ck_assert_msg(vnc_pump(active, now_ms() + 300), "the active viewer was disconnected");
	char buf[8192];

	ck_assert_msg(file_says(log_path, "reason=\"sent no key or pointer event for 2 s: "
					  "disconnected (--idle-timeout)\"", 3000, buf, sizeof(buf)),
		      "no audit line for the idle viewer: %s", buf);
	vnc_disconnect(idle);
	vnc_disconnect(active);
	stop_daemon(v);
}
END_TEST

/* Input after the warning takes it back: the name is the title again, and the viewer stays. */
START_TEST(input_takes_warning_back)
{
	const char *const args[] = { "-v", "127.0.0.1:282", "-t", "pol", "--idle-timeout", "2",
				     "-c", "/bin/sh", "-c", "exec cat >/dev/null", NULL };
	struct vncterm *v = start_daemon(args, 282);
	struct seen s;
	rfbClient *c = viewer(v->port, NULL, &s);
	int64_t end = now_ms() + 10000;

	wait_name(c, "pol", 3000);
	while (now_ms() < end && !strstr(s.name, "[idle"))
		ck_assert_msg(vnc_handle_one(c, 50), "disconnected before the warning");
	ck_assert_msg(strstr(s.name, "[idle: disconnecting in "), "no warning: %s", s.events);
	ck_assert(vnc_key(c, XK_a));
	wait_name(c, "pol", 3000);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/*
 * A view-only viewer's name says so, in ServerInit and across the
 * console's title changes; a full viewer's does not.
 */
START_TEST(view_only_name)
{
	char full[] = "/tmp/vncterm-pol-full-XXXXXX", view[] = "/tmp/vncterm-pol-view-XXXXXX";

	temp_file(full, "secret1\n", 8);
	temp_file(view, "watch1\n", 7);
	const char *const args[] = {
		"-v", "127.0.0.1:284", "--password", full, "--view-only-password", view, "-c",
		"/bin/sh", "-c", "printf '\\033]2;first\\007'; read x; printf '\\033]2;second\\007'; "
		"exec cat >/dev/null", NULL,
	};
	struct vncterm *v = start_daemon(args, 284);
	struct seen sv, sf;
	rfbClient *watcher = viewer(v->port, "watch1", &sv);

	ck_assert_msg(strstr(watcher->desktopName, " (view only)"),
		      "the view-only viewer's ServerInit name is \"%s\"", watcher->desktopName);
	wait_name(watcher, "first (view only)", 5000);
	rfbClient *typist = viewer(v->port, "secret1", &sf);

	ck_assert_msg(!strstr(typist->desktopName, "view only"), "the full viewer's name is \"%s\"",
		      typist->desktopName);
	ck_assert(vnc_key(typist, XK_Return));
	wait_name(watcher, "second (view only)", 5000);
	wait_name(typist, "second", 5000);
	vnc_disconnect(watcher);
	vnc_disconnect(typist);
	stop_daemon(v);
	unlink(full);
	unlink(view);
}
END_TEST

/* The value of key in the log's first line that has every one of the words in want. */
static bool audit_value(const char *log, const char *want, const char *key, char *out, size_t size)
{
	char buf[16384];

	read_file(log, buf, sizeof(buf));
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, want))
			continue;
		char k[40];
		const char *p;

		snprintf(k, sizeof(k), " %s=", key);
		p = strstr(line, k);
		if (!p)
			return false;
		p += strlen(k);
		snprintf(out, size, "%.*s", (int)strcspn(p, " "), p);
		return true;
	}
	return false;
}

/*
 * At the default level: a connect and a disconnect line for a viewer, with
 * its address and port, bytes each way and duration; a refused line for a
 * wrong password and for one past --max-viewers.
 */
START_TEST(audit_lines)
{
	char pw[] = "/tmp/vncterm-pol-pw-XXXXXX", buf[8192], val[64];

	temp_file(pw, "right1\n", 7);
	const char *const args[] = { "-v", "127.0.0.1:286", "--password", pw, "--max-viewers", "1",
				     "-c", "/bin/sh", "-c", "exec cat >/dev/null", NULL };
	struct vncterm *v = start_logged(args, 286, log_path);
	struct seen s;
	rfbClient *c = viewer(v->port, "right1", &s);

	ck_assert_msg(file_says(log_path, "audit event=connect id=1 transport=tcp peer=127.0.0.1:",
				3000, buf, sizeof(buf)), "no connect line: %s", buf);
	ck_assert(audit_value(log_path, "event=connect id=1", "view_only", val, sizeof(val)));
	ck_assert_str_eq(val, "no");
	/* A second one, past --max-viewers 1: refused at once. */
	ck_assert_ptr_null(vnc_connect_password("127.0.0.1", v->port, true, "right1"));
	ck_assert_msg(file_says(log_path, "reason=\"1 connected already (--max-viewers 1)\"", 3000,
				buf, sizeof(buf)), "no refusal at the limit: %s", buf);
	vnc_disconnect(c);
	ck_assert_msg(file_says(log_path, "audit event=disconnect id=1 ", 3000, buf, sizeof(buf)),
		      "no disconnect line: %s", buf);
	ck_assert(audit_value(log_path, "event=disconnect id=1", "bytes_in", val, sizeof(val)));
	ck_assert_msg(atol(val) >= 12 + 1 + 16 + 1, "bytes_in=%s: less than its handshake", val);
	ck_assert(audit_value(log_path, "event=disconnect id=1", "bytes_out", val, sizeof(val)));
	ck_assert_msg(atol(val) > 24, "bytes_out=%s: less than a ServerInit", val);
	ck_assert(audit_value(log_path, "event=disconnect id=1", "duration", val, sizeof(val)));
	ck_assert_msg(strchr(val, '.') && atof(val) >= 0, "duration=%s", val);
	/* A wrong password: one refused line, nothing else. */
	ck_assert_ptr_null(vnc_connect_password("127.0.0.1", v->port, true, "wrong1"));
	ck_assert_msg(file_says(log_path, "reason=\"failed the RFB handshake\"", 3000, buf,
				sizeof(buf)), "no refused line for a wrong password: %s", buf);
	ck_assert(audit_value(log_path, "reason=\"failed the RFB handshake\"", "event", val,
			      sizeof(val)));
	ck_assert_str_eq(val, "refused");
	stop_daemon(v);
	unlink(pw);
}
END_TEST

Suite *viewer_policy_suite(void)
{
	Suite *s = suite_create("viewer_policy");
	TCase *tc = tcase_create("idle, names, audit");

	tcase_add_checked_fixture(tc, log_setup, log_teardown);
	tcase_set_timeout(tc, 40);
	tcase_add_test(tc, idle_warns_then_disconnects);
	tcase_add_test(tc, input_takes_warning_back);
	tcase_add_test(tc, view_only_name);
	tcase_add_test(tc, audit_lines);
	suite_add_tcase(s, tc);
	return s;
}
