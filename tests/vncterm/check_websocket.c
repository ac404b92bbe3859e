/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * WebSocket (vncterm/websocket.c), RFC 6455: the Upgrade request and its
 * answer, the client's frames decoded whole and a byte at a time, and the
 * server's frame headers.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vncterm/websocket.h"

/* RFC 6455 1.3's example key and its accept value. */
#define KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

#define GET "GET /websockify HTTP/1.1\r\nHost: server.example.com\r\n"
#define UPGRADE "Upgrade: websocket\r\n"
#define CONNECTION "Connection: Upgrade\r\n"
#define WSKEY "Sec-WebSocket-Key: " KEY "\r\n"
#define VERSION "Sec-WebSocket-Version: 13\r\n"
#define END "\r\n"

static int answer_of(const char *req, char *answer, const char **why)
{
	size_t len = strlen(req);

	ck_assert_int_eq(ws_request_end(req, len), (int)len);
	*why = NULL;
	memset(answer, 0, WS_ANSWER_MAX);
	return ws_answer(req, len, answer, why);
}

START_TEST(test_rfc_example)
{
	char answer[WS_ANSWER_MAX];
	const char *why;

	ck_assert_int_eq(answer_of(GET UPGRADE CONNECTION WSKEY VERSION
				   "Origin: http://example.com\r\n" END, answer, &why), 0);
	ck_assert_str_eq(answer, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
				 "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n\r\n");
}
END_TEST

/* Browsers and websockify write names and tokens as they like: case does not matter. */
START_TEST(test_header_case)
{
	char answer[WS_ANSWER_MAX];
	const char *why;

	ck_assert_int_eq(answer_of(GET "upgrade: WebSocket\r\nCONNECTION: keep-alive, UPGRADE\r\n"
				   "sec-websocket-key:" KEY "  \r\nSEC-WEBSOCKET-VERSION:\t13\r\n" END,
				   answer, &why), 0);
	ck_assert_ptr_nonnull(strstr(answer, "Sec-WebSocket-Accept: " ACCEPT "\r\n"));
}
END_TEST

struct bad_request {
	const char *req;
	const char *says;
};

static const struct bad_request bad_requests[] = {
	{ GET CONNECTION WSKEY VERSION END, "not a WebSocket upgrade" },
	{ GET UPGRADE WSKEY VERSION END, "not a WebSocket upgrade" },
	{ GET "Upgrade: h2c\r\n" CONNECTION WSKEY VERSION END, "not a WebSocket upgrade" },
	{ GET UPGRADE "Connection: keep-alive\r\n" WSKEY VERSION END, "not a WebSocket upgrade" },
	{ GET UPGRADE CONNECTION VERSION END, "without a key" },
	{ GET UPGRADE CONNECTION "Sec-WebSocket-Key: \r\n" VERSION END, "without a key" },
	{ GET UPGRADE CONNECTION WSKEY END, "version" },
	{ GET UPGRADE CONNECTION WSKEY "Sec-WebSocket-Version: 8\r\n" END, "version" },
	{ GET UPGRADE CONNECTION WSKEY "Sec-WebSocket-Version: 130\r\n" END, "version" },
	{ GET UPGRADE CONNECTION WSKEY VERSION "Sec-WebSocket-Protocol: base64\r\n" END,
	  "subprotocol" },
	{ GET UPGRADE CONNECTION WSKEY VERSION "Sec-WebSocket-Protocol: \r\n" END, "subprotocol" },
	{ "POST / HTTP/1.1\r\n" UPGRADE CONNECTION WSKEY VERSION END, "GET" },
	{ "GET / HTTP/1.0\r\n" UPGRADE CONNECTION WSKEY VERSION END, "GET" },
	{ "GET / HTTP/1.1\n" UPGRADE CONNECTION WSKEY VERSION END, "GET" },
	{ GET UPGRADE CONNECTION WSKEY VERSION "X-Evil: a\033[2Jb\r\n" END, "control" },
};

START_TEST(test_bad_request)
{
	const struct bad_request *b = &bad_requests[_i];
	char answer[WS_ANSWER_MAX];
	const char *why;

	ck_assert_int_eq(answer_of(b->req, answer, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, b->says), "request %d: %s", _i, why);
}
END_TEST

/* Only the binary subprotocol is spoken; a list that offers it gets it. */
START_TEST(test_subprotocols)
{
	static const char *const offers[] = { "binary", "base64, binary", "binary,base64",
					      "  Binary  ", "base64,\tBINARY" };
	char req[1024], answer[WS_ANSWER_MAX];
	const char *why;

	for (size_t i = 0; i < sizeof(offers) / sizeof(offers[0]); i++) {
		snprintf(req, sizeof(req), GET UPGRADE CONNECTION WSKEY VERSION
			 "Sec-WebSocket-Protocol: %s\r\n" END, offers[i]);
		ck_assert_int_eq(answer_of(req, answer, &why), 0);
		ck_assert_msg(strstr(answer, "\r\nSec-WebSocket-Protocol: binary\r\n\r\n"), "%s",
			      offers[i]);
	}
	/* None asked for, none answered. */
	ck_assert_int_eq(answer_of(GET UPGRADE CONNECTION WSKEY VERSION END, answer, &why), 0);
	ck_assert_ptr_null(strstr(answer, "Sec-WebSocket-Protocol"));
	/* "binaryx" is not "binary". */
	snprintf(req, sizeof(req), GET UPGRADE CONNECTION WSKEY VERSION
		 "Sec-WebSocket-Protocol: binaryx, xbinary\r\n" END);
	ck_assert_int_eq(answer_of(req, answer, &why), -EINVAL);
}
END_TEST

START_TEST(test_request_end)
{
	static const char req[] = GET UPGRADE CONNECTION WSKEY VERSION END;
	size_t len = sizeof(req) - 1;
	char *big = malloc(WS_REQUEST_MAX + 16);

	ck_assert_ptr_nonnull(big);
	/* Not ended until its blank line is whole, however it was cut. */
	for (size_t cut = 0; cut < len; cut++)
		ck_assert_int_eq(ws_request_end(req, cut), 0);
	ck_assert_int_eq(ws_request_end(req, len), (int)len);
	/* Bytes after it (the first frame) are not the request's. */
	memcpy(big, req, len);
	memcpy(big + len, "\x82\x80", 2);
	ck_assert_int_eq(ws_request_end(big, len + 2), (int)len);

	/* Ending at the very limit is fine; one byte more is over-long. */
	memset(big, 'a', WS_REQUEST_MAX + 16);
	memcpy(big + WS_REQUEST_MAX - 4, "\r\n\r\n", 4);
	ck_assert_int_eq(ws_request_end(big, WS_REQUEST_MAX), WS_REQUEST_MAX);
	memset(big, 'a', WS_REQUEST_MAX + 16);
	ck_assert_int_eq(ws_request_end(big, WS_REQUEST_MAX - 1), 0);
	ck_assert_int_eq(ws_request_end(big, WS_REQUEST_MAX), -EMSGSIZE);
	memcpy(big + WS_REQUEST_MAX - 3, "\r\n\r\n", 4);
	ck_assert_int_eq(ws_request_end(big, WS_REQUEST_MAX + 16), -EMSGSIZE);
	free(big);
}
END_TEST

/* --- frames --- */

static const uint8_t MASK[4] = { 0x12, 0x34, 0x56, 0x78 };

/* One masked client frame; len_bytes 0 for the shortest length form, else 2 or 8. */
static size_t frame(uint8_t *out, bool fin, int opcode, const uint8_t *p, size_t len, int len_bytes)
{
	size_t n = 0;

	out[n++] = (uint8_t)((fin ? 0x80 : 0) | opcode);
	if (len_bytes == 0)
		len_bytes = len < 126 ? 0 : len <= 0xffff ? 2 : 8;
	out[n++] = (uint8_t)(0x80 | (len_bytes == 0 ? len : len_bytes == 2 ? 126 : 127));
	for (int i = len_bytes - 1; i >= 0; i--)
		out[n++] = (uint8_t)((uint64_t)len >> (8 * i));
	memcpy(out + n, MASK, 4);
	n += 4;
	for (size_t i = 0; i < len; i++)
		out[n++] = p[i] ^ MASK[i & 3];
	return n;
}

/* What decoding gave: the data, the events in order ('P'ing, 'C'lose), or an error. */
struct decoded {
	uint8_t *data;
	size_t len;
	char events[16];
	int nevents;
	int err;
	const char *why;
	uint8_t control[WS_CONTROL_MAX]; /* the last control frame's payload */
	unsigned control_len;
};

/* Decode in pieces of step bytes into an out buffer of cap bytes, emptied when full. */
static struct decoded decode(const uint8_t *in, size_t len, size_t step, size_t cap)
{
	struct ws_decoder d = { .hdr_len = 0 };
	struct decoded r = { .data = malloc(len + 1) };
	uint8_t *out = malloc(cap);
	size_t at = 0;

	ck_assert_ptr_nonnull(r.data);
	ck_assert_ptr_nonnull(out);
	while (at < len && !r.err) {
		size_t n = len - at < step ? len - at : step, used, made;
		int e = ws_decode(&d, in + at, n, &used, out, cap, &made, &r.why);

		/* Not ck_assert: Check records every assertion that passes, a write each. */
		if (used > n || made > cap)
			ck_abort_msg("used %zu of %zu, made %zu into %zu", used, n, made, cap);
		memcpy(r.data + r.len, out, made);
		r.len += made;
		at += used;
		if (e < 0) {
			r.err = e;
		} else if (e != WS_DATA) {
			if (r.nevents >= 15)
				ck_abort_msg("too many events");
			r.events[r.nevents++] = e == WS_EV_PING ? 'P' : 'C';
			memcpy(r.control, d.control, d.control_len);
			r.control_len = d.control_len;
		} else {
			/* Data stops only at the end of the piece or of the out buffer. */
			if (used != n && made != cap)
				ck_abort_msg("stopped at %zu of %zu, made %zu of %zu", used, n, made, cap);
		}
	}
	free(out);
	return r;
}

static uint8_t *pattern(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + (i >> 8));
	return p;
}

/* Every way of feeding the same frames gives the same data and events. */
static void check_all_ways(const uint8_t *in, size_t len, const uint8_t *want, size_t want_len,
			   const char *events)
{
	static const size_t steps[] = { 1, 2, 3, 7, 64, 1 << 20 };
	static const size_t caps[] = { 1, 5, 4096, 1 << 20 };

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
		for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
			struct decoded r = decode(in, len, steps[s], caps[c]);

			ck_assert_msg(r.err == 0, "step %zu cap %zu: %s", steps[s], caps[c], r.why);
			ck_assert_uint_eq(r.len, want_len);
			ck_assert(want_len == 0 || memcmp(r.data, want, want_len) == 0);
			r.events[r.nevents] = '\0';
			ck_assert_str_eq(r.events, events);
			free(r.data);
		}
}

START_TEST(test_frame_lengths)
{
	/* 7-bit, 16-bit and 64-bit lengths, the edges of each, and an empty frame. */
	static const size_t lens[] = { 0, 1, 125, 126, 300, 65535, 65536, 70000 };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t *p = pattern(lens[i]), *in = malloc(lens[i] + 14);

		ck_assert_ptr_nonnull(in);
		check_all_ways(in, frame(in, true, WS_BINARY, p, lens[i], 0), p, lens[i], "");
		/* A longer length form than needed says the same. */
		if (lens[i] <= 0xffff)
			check_all_ways(in, frame(in, true, WS_BINARY, p, lens[i], 8), p, lens[i], "");
		free(p);
		free(in);
	}
}
END_TEST

/* A message in three fragments, a ping between the first two (RFC 6455 5.4), then a close. */
START_TEST(test_fragments_and_ping)
{
	uint8_t *p = pattern(400), in[600];
	size_t n = 0;

	n += frame(in + n, false, WS_BINARY, p, 100, 0);
	n += frame(in + n, true, WS_PING, (const uint8_t *)"ping!", 5, 0);
	n += frame(in + n, false, WS_CONT, p + 100, 200, 0);
	n += frame(in + n, true, WS_CONT, p + 300, 100, 0);
	n += frame(in + n, true, WS_PING, NULL, 0, 0);      /* an empty ping too */
	n += frame(in + n, true, WS_PONG, (const uint8_t *)"x", 1, 0); /* unasked: ignored */
	n += frame(in + n, true, WS_TEXT, p, 0, 0);         /* empty data */
	n += frame(in + n, true, WS_CLOSE, (const uint8_t *)"\x03\xe8" "bye", 5, 0);
	check_all_ways(in, n, p, 400, "PPC");

	/* The ping's payload is kept for its pong, the close's for the answer. */
	struct decoded r = decode(in, n, 1 << 20, 1 << 20);

	ck_assert_uint_eq(r.control_len, 5);
	ck_assert_int_eq(memcmp(r.control, "\x03\xe8" "bye", 5), 0);
	free(r.data);
	n = frame(in, false, WS_BINARY, p, 10, 0);
	n += frame(in + n, true, WS_PING, (const uint8_t *)"ping!", 5, 0);
	r = decode(in, n, 1 << 20, 1 << 20);
	ck_assert_int_eq(r.nevents, 1);
	ck_assert_uint_eq(r.control_len, 5);
	ck_assert_int_eq(memcmp(r.control, "ping!", 5), 0);
	free(r.data);
	free(p);
}
END_TEST

/* A decoder stops after a control frame, so the caller answers it before the data after it. */
START_TEST(test_stops_after_control)
{
	uint8_t in[64], out[64];
	size_t n = frame(in, true, WS_PING, (const uint8_t *)"a", 1, 0), first = n, used, made;
	struct ws_decoder d = { .hdr_len = 0 };
	const char *why;

	n += frame(in + n, true, WS_BINARY, (const uint8_t *)"data", 4, 0);
	ck_assert_int_eq(ws_decode(&d, in, n, &used, out, sizeof(out), &made, &why), WS_EV_PING);
	ck_assert_uint_eq(used, first);
	ck_assert_uint_eq(made, 0);
	ck_assert_int_eq(ws_decode(&d, in + used, n - used, &used, out, sizeof(out), &made, &why),
			 WS_DATA);
	ck_assert_uint_eq(made, 4);
	ck_assert_int_eq(memcmp(out, "data", 4), 0);
}
END_TEST

struct bad_frame {
	uint8_t b[16];
	size_t len;
	const char *says;
};

/* Headers (masked unless said), each after nothing or after an unfinished message. */
static const struct bad_frame bad_frames[] = {
	/* Judged once a masked header's 6 bytes are in. */
	{ { 0x82, 0x04, 'a', 'b', 'c', 'd' }, 6, "unmasked" },
	{ { 0xc2, 0x80, 1, 2, 3, 4 }, 6, "reserved" },        /* RSV1: no extension agreed */
	{ { 0xa2, 0x80, 1, 2, 3, 4 }, 6, "reserved" },
	{ { 0x92, 0x80, 1, 2, 3, 4 }, 6, "reserved" },
	{ { 0x89, 0xfe, 0, 126, 1, 2, 3, 4 }, 8, "control" }, /* a ping of 126 bytes */
	{ { 0x88, 0xff, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2, 3, 4 }, 14, "control" },
	{ { 0x09, 0x80, 1, 2, 3, 4 }, 6, "control" },         /* a fragmented ping */
	{ { 0x8b, 0x80, 1, 2, 3, 4 }, 6, "control" },         /* opcode 11 */
	{ { 0x8f, 0x80, 1, 2, 3, 4 }, 6, "control" },
	{ { 0x80, 0x80, 1, 2, 3, 4 }, 6, "fragment" },        /* a continuation of nothing */
	{ { 0x00, 0x80, 1, 2, 3, 4 }, 6, "fragment" },
	{ { 0x83, 0x80, 1, 2, 3, 4 }, 6, "fragment" },        /* opcode 3: reserved */
	{ { 0x87, 0x80, 1, 2, 3, 4 }, 6, "fragment" },
};

START_TEST(test_bad_frame)
{
	const struct bad_frame *f = &bad_frames[_i];

	for (size_t step = 1; step <= f->len; step += f->len - 1) {
		struct decoded r = decode(f->b, f->len, step, 64);

		ck_assert_int_eq(r.err, -EPROTO);
		ck_assert_msg(r.why && strstr(r.why, f->says), "frame %d: %s", _i, r.why);
		ck_assert_uint_eq(r.len, 0);
		free(r.data);
	}
}
END_TEST

/* A new message before the last one's final fragment. */
START_TEST(test_data_inside_fragments)
{
	uint8_t in[64];
	size_t n = frame(in, false, WS_BINARY, (const uint8_t *)"ab", 2, 0);

	n += frame(in + n, true, WS_BINARY, (const uint8_t *)"cd", 2, 0);
	struct decoded r = decode(in, n, 1, 64);

	ck_assert_int_eq(r.err, -EPROTO);
	ck_assert_ptr_nonnull(strstr(r.why, "fragment"));
	ck_assert_uint_eq(r.len, 2); /* what came before it was decoded */
	free(r.data);
}
END_TEST

START_TEST(test_frame_header)
{
	static const struct {
		uint64_t len;
		size_t size;
		uint8_t want[10];
	} cases[] = {
		{ 0, 2, { 0x82, 0 } },
		{ 125, 2, { 0x82, 125 } },
		{ 126, 4, { 0x82, 126, 0, 126 } },
		{ 0xffff, 4, { 0x82, 126, 0xff, 0xff } },
		{ 0x10000, 10, { 0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0 } },
		{ 0x0102030405060708ull, 10, { 0x82, 127, 1, 2, 3, 4, 5, 6, 7, 8 } },
	};
	uint8_t h[WS_HEADER_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(h, 0xee, sizeof(h));
		ck_assert_uint_eq(ws_frame_header(h, WS_BINARY, cases[i].len), cases[i].size);
		ck_assert_int_eq(memcmp(h, cases[i].want, cases[i].size), 0);
	}
	/* Control frames: FIN set, the opcode in the low bits, never masked. */
	ck_assert_uint_eq(ws_frame_header(h, WS_PONG, 5), 2);
	ck_assert_uint_eq(h[0], 0x8a);
	ck_assert_uint_eq(h[1], 5);
	ck_assert_uint_eq(ws_frame_header(h, WS_CLOSE, 2), 2);
	ck_assert_uint_eq(h[0], 0x88);
}
END_TEST

Suite *websocket_suite(void)
{
	Suite *s = suite_create("websocket");
	TCase *req = tcase_create("request");
	TCase *fr = tcase_create("frames");

	tcase_add_test(req, test_rfc_example);
	tcase_add_test(req, test_header_case);
	tcase_add_loop_test(req, test_bad_request, 0, sizeof(bad_requests) / sizeof(bad_requests[0]));
	tcase_add_test(req, test_subprotocols);
	tcase_add_test(req, test_request_end);
	suite_add_tcase(s, req);
	tcase_add_test(fr, test_frame_lengths);
	tcase_add_test(fr, test_fragments_and_ping);
	tcase_add_test(fr, test_stops_after_control);
	tcase_add_loop_test(fr, test_bad_frame, 0, sizeof(bad_frames) / sizeof(bad_frames[0]));
	tcase_add_test(fr, test_data_inside_fragments);
	tcase_add_test(fr, test_frame_header);
	suite_add_tcase(s, fr);
	return s;
}
