/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dead keys end to end: libvncclient viewers send a dead keysym and then a
 * letter, as a viewer on a US-International, German or French layout does,
 * and the command on the pty must read the composed letter in UTF-8.  The
 * command is cat on a raw tty writing to a file, so the test sees every
 * byte the console received, exactly.  Each viewer composes on its own:
 * two typing at once never combine each other's accents.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rfb/keysym.h>

#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/* Run cat on a raw, silent tty into a fresh file; path gets its name. */
static struct vncterm *start_recorder(char *path, size_t size)
{
	char cmd[256];

	snprintf(path, size, "/tmp/vncterm-deadkeys-XXXXXX");
	temp_file(path, "", 0);
	snprintf(cmd, sizeof(cmd), "stty raw -echo; printf '" HIDE "ready'; exec cat > %s", path);

	const char *const args[] = { "-v", "127.0.0.1:50", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", cmd, NULL };

	return start_daemon(args, 50);
}

/* s as hex bytes, for a message. */
static const char *hex(const char *s, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (; *s && used + 4 < size; s++)
		used += (size_t)snprintf(out + used, size - used, "%02x ", (unsigned char)*s);
	return out;
}

/* Wait for the file to end with the terminator, then it must be exactly want. */
static void assert_received(const char *path, const char *want)
{
	char got[256], got_hex[800], want_hex[800];

	file_says(path, "\r", 5000, got, sizeof(got));
	ck_assert_msg(!strcmp(got, want), "the console read %s, not %s",
		      hex(got, got_hex, sizeof(got_hex)), hex(want, want_hex, sizeof(want_hex)));
}

/*
 * Until the console has read so far: each viewer's keys reach the
 * console from a thread of its own, so only this orders two viewers'.
 */
static void wait_read(const char *path, const char *so_far)
{
	char got[256], got_hex[800], want_hex[800];

	ck_assert_msg(file_says(path, so_far, 5000, got, sizeof(got)), "the console read %s, not %s",
		      hex(got, got_hex, sizeof(got_hex)), hex(so_far, want_hex, sizeof(want_hex)));
}

static void shifted(rfbClient *c, uint32_t keysym)
{
	ck_assert(SendKeyEvent(c, XK_Shift_L, TRUE));
	ck_assert(vnc_key(c, keysym));
	ck_assert(SendKeyEvent(c, XK_Shift_L, FALSE));
}

START_TEST(dead_keys_compose)
{
	char path[64];
	struct vncterm *v = start_recorder(path, sizeof(path));
	rfbClient *c = connect_to("127.0.0.1", v);

	/* Only once "ready" shows is the tty raw. */
	assert_screen(c, 4, 20, HIDE_BYTES "ready", 5000);
	ck_assert(vnc_key(c, XK_dead_acute));
	ck_assert(vnc_key(c, XK_e));
	ck_assert(vnc_key(c, XK_dead_diaeresis));
	ck_assert(vnc_key(c, XK_u));
	/* Shift between the dead key and the letter makes a capital, not a cancel. */
	ck_assert(vnc_key(c, XK_dead_circumflex));
	shifted(c, XK_A);
	ck_assert(vnc_key(c, XK_dead_cedilla));
	ck_assert(vnc_key(c, XK_c));
	ck_assert(vnc_key(c, XK_dead_caron));
	ck_assert(vnc_key(c, XK_s));
	/* Space: the accent alone (X's apostrophe for acute). */
	ck_assert(vnc_key(c, XK_dead_acute));
	ck_assert(vnc_key(c, XK_space));
	/* An arrow drops the dead key and still moves; the letter is plain. */
	ck_assert(vnc_key(c, XK_dead_acute));
	ck_assert(vnc_key(c, XK_Left));
	ck_assert(vnc_key(c, XK_e));
	/* No such letter: the accent, then the letter. */
	ck_assert(vnc_key(c, XK_dead_grave));
	ck_assert(vnc_key(c, XK_q));
	ck_assert(vnc_key(c, XK_Return));
	assert_received(path, "\xc3\xa9" "\xc3\xbc" "\xc3\x82" "\xc3\xa7" "\xc5\xa1" "'"
			      "\033[De" "`q" "\r");
	vnc_disconnect(c);
	stop_daemon(v);
	unlink(path);
}
END_TEST

static int frames_tag;

static void count_frame(rfbClient *c)
{
	(*(int *)rfbClientGetClientData(c, &frames_tag))++;
}

/*
 * Return once the daemon has handled every message c sent so far: it
 * answers a full update request only after reading what came before it on
 * the same connection.  A dead key types nothing, so nothing else would
 * show that it arrived.
 */
static void handled(rfbClient *c)
{
	int *frames = rfbClientGetClientData(c, &frames_tag), before = *frames;
	int64_t end = now_ms() + 5000;

	ck_assert(SendFramebufferUpdateRequest(c, 0, 0, 1, 1, FALSE));
	while (*frames == before && now_ms() < end)
		ck_assert(vnc_handle_one(c, 100));
	ck_assert_msg(*frames > before, "no answer to an update request");
}

static void watch_frames(rfbClient *c, int *frames)
{
	rfbClientSetClientData(c, &frames_tag, frames);
	c->FinishedFrameBufferUpdate = count_frame;
}

START_TEST(dead_keys_per_viewer)
{
	char path[64];
	struct vncterm *v = start_recorder(path, sizeof(path));
	rfbClient *a = connect_to("127.0.0.1", v), *b = connect_to("127.0.0.1", v);
	int frames_a = 0, frames_b = 0;

	assert_screen(a, 4, 20, HIDE_BYTES "ready", 5000);
	assert_screen(b, 4, 20, HIDE_BYTES "ready", 5000);
	watch_frames(a, &frames_a);
	watch_frames(b, &frames_b);
	/* Both accents wait at once, each for its own viewer's letter. */
	ck_assert(vnc_key(a, XK_dead_acute));
	handled(a);
	ck_assert(vnc_key(b, XK_dead_diaeresis));
	handled(b);
	ck_assert(vnc_key(a, XK_e));
	wait_read(path, "\xc3\xa9");
	ck_assert(vnc_key(b, XK_u));
	wait_read(path, "\xc3\xa9" "\xc3\xbc");
	/* One viewer's plain letter goes by another's waiting accent untouched. */
	ck_assert(vnc_key(a, XK_dead_grave));
	handled(a);
	ck_assert(vnc_key(b, XK_a));
	wait_read(path, "\xc3\xa9" "\xc3\xbc" "a");
	ck_assert(vnc_key(a, XK_a));
	wait_read(path, "\xc3\xa9" "\xc3\xbc" "a" "\xc3\xa0");
	/* A viewer that leaves with an accent waiting leaves nothing behind. */
	ck_assert(vnc_key(b, XK_dead_caron));
	handled(b);
	vnc_disconnect(b);
	b = connect_to("127.0.0.1", v);
	ck_assert(vnc_key(b, XK_s));
	ck_assert(vnc_key(b, XK_Return));
	assert_received(path, "\xc3\xa9" "\xc3\xbc" "a" "\xc3\xa0" "s" "\r");
	vnc_disconnect(a);
	vnc_disconnect(b);
	stop_daemon(v);
	unlink(path);
}
END_TEST

/* The runner declares it from a generated list; this keeps the prototype check. */
Suite *deadkeys_suite(void);

Suite *deadkeys_suite(void)
{
	Suite *s = suite_create("deadkeys");
	TCase *tc = tcase_create("deadkeys");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, dead_keys_compose);
	tcase_add_test(tc, dead_keys_per_viewer);
	suite_add_tcase(s, tc);
	return s;
}
