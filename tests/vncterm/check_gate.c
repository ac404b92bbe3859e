/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gate (vncterm/gate.c): where each RFB client message ends, so that
 * libvncserver is handed whole ones only, and which messages are refused
 * before it sees them.  Lengths are RFC 6143's (7.5) and libvncserver
 * 0.9.14's, written out here rather than taken from its headers.
 */
#include <check.h>
#include <rfb/rfb.h>
#include <stdlib.h>
#include <string.h>

#include "vncterm/gate.h"

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* SetPixelFormat: bpp, depth, true colour, then red, green, blue as max and shift. */
static size_t pixel_format(uint8_t *b, unsigned bpp, unsigned depth, unsigned tc, unsigned rmax,
			   unsigned gmax, unsigned bmax, unsigned rs, unsigned gs, unsigned bs)
{
	memset(b, 0, 20);
	b[0] = 0;
	b[4] = (uint8_t)bpp;
	b[5] = (uint8_t)depth;
	b[7] = (uint8_t)tc;
	put16(b + 8, rmax);
	put16(b + 10, gmax);
	put16(b + 12, bmax);
	b[14] = (uint8_t)rs;
	b[15] = (uint8_t)gs;
	b[16] = (uint8_t)bs;
	return 20;
}

static size_t set_encodings(uint8_t *b, unsigned n)
{
	b[0] = 2;
	b[1] = 0;
	put16(b + 2, n);
	for (unsigned i = 0; i < n; i++)
		put32(b + 4 + 4 * i, i);
	return 4 + 4 * (size_t)n;
}

static size_t set_desktop_size(uint8_t *b, unsigned screens)
{
	memset(b, 0, 8 + 16 * (size_t)screens);
	b[0] = 251;
	put16(b + 2, 800);
	put16(b + 4, 600);
	b[6] = (uint8_t)screens;
	for (unsigned i = 0; i < screens; i++)
		put16(b + 8 + 16 * i + 8, 800);
	return 8 + 16 * (size_t)screens;
}

static size_t cut_text(uint8_t *b, uint32_t len)
{
	memset(b, 0, 8);
	b[0] = 6;
	put32(b + 4, len);
	return 8;
}

/* Every message vncterm serves, whole, with its length (or 8 for ClientCutText's header). */
struct msg {
	const char *name;
	uint8_t b[8 + 16 * 3];
	size_t len;
};

static struct msg msgs[32];
static int nmsgs;

static void add(const char *name, const uint8_t *b, size_t len)
{
	ck_assert_int_lt(nmsgs, 32);
	msgs[nmsgs].name = name;
	memcpy(msgs[nmsgs].b, b, len);
	msgs[nmsgs++].len = len;
}

static void make_msgs(void)
{
	uint8_t b[8 + 16 * 3];
	static const uint8_t fbur[10] = { 3, 1, 0, 0, 0, 0, 0, 80, 0, 25 };
	static const uint8_t key[8] = { 4, 1, 0, 0, 0, 0, 0, 'a' };
	static const uint8_t ptr[6] = { 5, 1, 0, 10, 0, 20 };

	nmsgs = 0;
	add("SetPixelFormat 32", b, pixel_format(b, 32, 24, 1, 255, 255, 255, 16, 8, 0));
	add("SetPixelFormat 16", b, pixel_format(b, 16, 16, 1, 31, 63, 31, 11, 5, 0));
	add("SetPixelFormat 8 map", b, pixel_format(b, 8, 8, 0, 0, 0, 0, 0, 0, 0));
	add("SetPixelFormat 8 bgr233", b, pixel_format(b, 8, 8, 1, 7, 7, 3, 0, 3, 6));
	add("SetEncodings 0", b, set_encodings(b, 0));
	add("SetEncodings 1", b, set_encodings(b, 1));
	add("SetEncodings 7", b, set_encodings(b, 7));
	add("FramebufferUpdateRequest", fbur, sizeof(fbur));
	add("KeyEvent", key, sizeof(key));
	add("PointerEvent", ptr, sizeof(ptr));
	add("SetDesktopSize 0", b, set_desktop_size(b, 0));
	add("SetDesktopSize 1", b, set_desktop_size(b, 1));
	add("SetDesktopSize 3", b, set_desktop_size(b, 3));
	add("ClientCutText", b, cut_text(b, 5));
	add("ClientCutText extended", b, cut_text(b, 0u - 12));
}

START_TEST(test_whole_lengths)
{
	make_msgs();
	for (int i = 0; i < nmsgs; i++) {
		struct gate_unit u;
		enum gate_verdict want = msgs[i].b[0] == 6 ? GATE_CUT : GATE_UNIT;

		ck_assert_msg(gate_message(msgs[i].b, msgs[i].len, &u) == want, "%s", msgs[i].name);
		ck_assert_msg(u.len == msgs[i].len, "%s: %zu", msgs[i].name, u.len);
		ck_assert_uint_eq(u.type, msgs[i].b[0]);
	}
}
END_TEST

/* What follows a message is the next one's: the unit ends where the message does. */
START_TEST(test_followed)
{
	make_msgs();
	for (int i = 0; i < nmsgs; i++) {
		uint8_t buf[sizeof(msgs[0].b) + 16];
		struct gate_unit u;

		memcpy(buf, msgs[i].b, msgs[i].len);
		memset(buf + msgs[i].len, 0xff, 16);
		ck_assert_int_ne(gate_message(buf, msgs[i].len + 16, &u), GATE_MORE);
		ck_assert_msg(u.len == msgs[i].len, "%s", msgs[i].name);
	}
}
END_TEST

START_TEST(test_every_cut_is_more)
{
	make_msgs();
	for (int i = 0; i < nmsgs; i++)
		for (size_t cut = 1; cut < msgs[i].len; cut++) {
			struct gate_unit u;

			ck_assert_msg(gate_message(msgs[i].b, cut, &u) == GATE_MORE, "%s cut at %zu",
				      msgs[i].name, cut);
		}
}
END_TEST

START_TEST(test_largest_set_encodings)
{
	uint8_t *b = malloc(GATE_UNIT_MAX + 1);
	struct gate_unit u;

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(set_encodings(b, GATE_MAX_ENCODINGS), GATE_UNIT_MAX);
	ck_assert_int_eq(gate_message(b, GATE_UNIT_MAX - 1, &u), GATE_MORE);
	ck_assert_int_eq(gate_message(b, GATE_UNIT_MAX, &u), GATE_UNIT);
	ck_assert_uint_eq(u.len, GATE_UNIT_MAX);
	/* One more is refused from its header alone: nobody waits for 4 KiB of it. */
	put16(b + 2, GATE_MAX_ENCODINGS + 1);
	ck_assert_int_eq(gate_message(b, 4, &u), GATE_REFUSE);
	ck_assert_ptr_nonnull(strstr(u.reason, "1024"));
	put16(b + 2, 0xffff);
	ck_assert_int_eq(gate_message(b, 4, &u), GATE_REFUSE);
	free(b);
}
END_TEST

/* Refused from the type byte alone, with a reason naming what was refused. */
struct refusal {
	uint8_t type;
	const char *says;
};

static const struct refusal refusals[] = {
	{ 1, "FixColourMapEntries" },
	{ 7, "file transfer" },
	{ 8, "SetScale" },
	{ 9, "SetServerInput" },
	{ 10, "SetSW" },
	{ 11, "text chat" },
	{ 15, "PalmVNC" },
	{ 250, "xvp" },
	/* Types libvncserver does not know, or that vncterm leaves out. */
	{ 12, "does not know" },
	{ 16, "does not know" },
	{ 127, "does not know" },
	{ 150, "does not know" }, /* EnableContinuousUpdates */
	{ 248, "does not know" }, /* QEMU */
	{ 252, "does not know" },
	{ 255, "does not know" },
};

START_TEST(test_refused_types)
{
	const struct refusal *r = &refusals[_i];
	uint8_t b[32] = { r->type, 2, 0, 0, 0, 0, 0, 0 };

	for (size_t len = 1; len <= sizeof(b); len += 31) {
		struct gate_unit u = { .reason = NULL };

		ck_assert_int_eq(gate_message(b, len, &u), GATE_REFUSE);
		ck_assert_ptr_nonnull(u.reason);
		ck_assert_msg(strstr(u.reason, r->says), "type %u: %s", r->type, u.reason);
		ck_assert_uint_eq(u.type, r->type);
	}
}
END_TEST

struct bad_format {
	unsigned bpp, depth, tc, rmax, gmax, bmax, rs, gs, bs;
	const char *says;
};

static const struct bad_format bad_formats[] = {
	{ 24, 24, 1, 255, 255, 255, 16, 8, 0, "bits per pixel" },
	{ 0, 0, 1, 1, 1, 1, 0, 0, 0, "bits per pixel" },
	{ 12, 12, 1, 15, 15, 15, 8, 4, 0, "bits per pixel" },
	{ 32, 0, 1, 255, 255, 255, 16, 8, 0, "depth" },
	{ 16, 24, 1, 31, 63, 31, 11, 5, 0, "depth" },
	{ 16, 16, 0, 31, 63, 31, 11, 5, 0, "colour map" },
	{ 32, 24, 0, 255, 255, 255, 16, 8, 0, "colour map" },
	{ 32, 24, 1, 0, 255, 255, 16, 8, 0, "channels" },      /* a zero maximum */
	{ 32, 24, 1, 255, 255, 0, 16, 8, 0, "channels" },
	{ 16, 16, 1, 31, 63, 31, 16, 5, 0, "channels" },       /* a shift out of the pixel */
	{ 16, 16, 1, 255, 63, 31, 11, 5, 0, "channels" },      /* red runs past bit 15 */
	{ 8, 8, 1, 7, 7, 7, 0, 3, 6, "channels" },             /* blue runs past bit 7 */
	{ 32, 32, 1, 0xffff, 255, 255, 17, 8, 0, "channels" }, /* past bit 31 */
	{ 32, 24, 1, 255, 255, 255, 255, 8, 0, "channels" },
};

START_TEST(test_bad_pixel_format)
{
	const struct bad_format *f = &bad_formats[_i];
	uint8_t b[20];
	struct gate_unit u = { .reason = NULL };

	pixel_format(b, f->bpp, f->depth, f->tc, f->rmax, f->gmax, f->bmax, f->rs, f->gs, f->bs);
	/* Incomplete, it waits like any other; whole, it is refused. */
	ck_assert_int_eq(gate_message(b, 19, &u), GATE_MORE);
	ck_assert_int_eq(gate_message(b, 20, &u), GATE_REFUSE);
	ck_assert_msg(strstr(u.reason, f->says), "format %u: %s", _i, u.reason);
}
END_TEST

/* The widest channels that still fit are served. */
START_TEST(test_edge_pixel_formats)
{
	uint8_t b[20];
	struct gate_unit u;

	pixel_format(b, 32, 32, 1, 0xffff, 0xffff, 0xffff, 16, 16, 16);
	ck_assert_int_eq(gate_message(b, 20, &u), GATE_UNIT);
	pixel_format(b, 32, 24, 1, 255, 255, 255, 24, 0, 8);
	ck_assert_int_eq(gate_message(b, 20, &u), GATE_UNIT);
	pixel_format(b, 8, 1, 1, 1, 1, 1, 7, 6, 5);
	ck_assert_int_eq(gate_message(b, 20, &u), GATE_UNIT);
	ck_assert_uint_eq(u.len, 20);
}
END_TEST

START_TEST(test_cut_text)
{
	uint8_t b[8];
	struct gate_unit u;

	cut_text(b, 0);
	ck_assert_int_eq(gate_message(b, 8, &u), GATE_CUT);
	ck_assert_uint_eq(u.cut_len, 0);
	ck_assert_int_eq(u.cut_extended, 0);
	cut_text(b, GATE_CUT_MAX);
	ck_assert_int_eq(gate_message(b, 8, &u), GATE_CUT);
	ck_assert_uint_eq(u.cut_len, GATE_CUT_MAX);
	ck_assert_uint_eq(u.len, 8);
	cut_text(b, GATE_CUT_MAX + 1);
	ck_assert_int_eq(gate_message(b, 8, &u), GATE_REFUSE);
	ck_assert_ptr_nonnull(strstr(u.reason, "1 MiB"));
	cut_text(b, 0x7fffffff);
	ck_assert_int_eq(gate_message(b, 8, &u), GATE_REFUSE);
}
END_TEST

/* A negative length: the extended clipboard, -length bytes, its 4-byte flags first. */
START_TEST(test_cut_extended)
{
	uint8_t b[8];
	struct gate_unit u;

	cut_text(b, 0u - 4);
	ck_assert_int_eq(gate_message(b, 8, &u), GATE_CUT);
	ck_assert_int_ne(u.cut_extended, 0);
	ck_assert_uint_eq(u.cut_len, 4);
	cut_text(b, 0u - GATE_CUT_MAX);
	ck_assert_int_eq(gate_message(b, 8, &u), GATE_CUT);
	ck_assert_uint_eq(u.cut_len, GATE_CUT_MAX);
	for (uint32_t n = 1; n < 4; n++) {
		cut_text(b, 0u - n);
		ck_assert_int_eq(gate_message(b, 8, &u), GATE_REFUSE);
		ck_assert_ptr_nonnull(strstr(u.reason, "flags"));
	}
	cut_text(b, 0u - (GATE_CUT_MAX + 1));
	ck_assert_int_eq(gate_message(b, 8, &u), GATE_REFUSE);
	ck_assert_ptr_nonnull(strstr(u.reason, "1 MiB"));
	/* INT32_MIN: its negation is itself, as large as can be. */
	cut_text(b, 0x80000000u);
	ck_assert_int_eq(gate_message(b, 8, &u), GATE_REFUSE);
}
END_TEST

/* What libvncserver reads at once in each handshake state (rfbProcessClientMessage()). */
START_TEST(test_handshake_lengths)
{
	ck_assert_int_eq(gate_handshake_len(RFB_PROTOCOL_VERSION), 12); /* "RFB 003.008\n" */
	ck_assert_int_eq(gate_handshake_len(RFB_SECURITY_TYPE), 1);
	ck_assert_int_eq(gate_handshake_len(RFB_AUTHENTICATION), 16); /* the DES response */
	ck_assert_int_eq(gate_handshake_len(RFB_INITIALISATION), 1);   /* ClientInit: shared */
	ck_assert_int_eq(gate_handshake_len(RFB_INITIALISATION_SHARED), 0);
	/* Not handshake states: gate_message()'s, or no state at all. */
	ck_assert_int_eq(gate_handshake_len(RFB_NORMAL), -1);
	ck_assert_int_eq(gate_handshake_len(RFB_SHUTDOWN), -1);
	ck_assert_int_eq(gate_handshake_len(-1), -1);
	ck_assert_int_eq(gate_handshake_len(1000), -1);
	/* Every step fits the unit the gate hands on. */
	ck_assert_int_le(gate_handshake_len(RFB_AUTHENTICATION), GATE_UNIT_MAX);
}
END_TEST

Suite *gate_suite(void)
{
	Suite *s = suite_create("gate");
	TCase *tc = tcase_create("messages");

	tcase_add_test(tc, test_whole_lengths);
	tcase_add_test(tc, test_followed);
	tcase_add_test(tc, test_every_cut_is_more);
	tcase_add_test(tc, test_largest_set_encodings);
	tcase_add_loop_test(tc, test_refused_types, 0, sizeof(refusals) / sizeof(refusals[0]));
	tcase_add_loop_test(tc, test_bad_pixel_format, 0, sizeof(bad_formats) / sizeof(bad_formats[0]));
	tcase_add_test(tc, test_edge_pixel_formats);
	tcase_add_test(tc, test_cut_text);
	tcase_add_test(tc, test_cut_extended);
	tcase_add_test(tc, test_handshake_lengths);
	suite_add_tcase(s, tc);
	return s;
}
