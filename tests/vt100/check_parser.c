/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parser alone: each input's events are written as a text trace
 * ("print 41,42", "exec 0a", "csi ?h 1,2", "esc (0", "osc 0;x") and
 * compared with the expected trace.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vt100/parser.h"

struct trace {
	char buf[8192];
	size_t len;
};

static void tr(struct trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tr(struct trace *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0 && t->len + (size_t)n < sizeof(t->buf))
		t->len += (size_t)n;
}

static void on_print_ascii(const uint8_t *s, size_t n, void *user)
{
	tr(user, "text %.*s\n", (int)n, (const char *)s);
}

static void on_print(const uint32_t *cp, size_t n, void *user)
{
	tr(user, "print");
	for (size_t i = 0; i < n; i++)
		tr(user, "%s%x", i ? "," : " ", cp[i]);
	tr(user, "\n");
}

static void on_execute(uint32_t c, void *user)
{
	tr(user, "exec %02x\n", c);
}

static void seq_trace(struct trace *t, const char *kind, const struct parser_seq *s)
{
	tr(t, "%s ", kind);
	if (s->prefix)
		tr(t, "%c", s->prefix);
	for (int i = 0; i < s->ninter; i++)
		tr(t, "%c", s->inter[i]);
	tr(t, "%c", s->final);
	for (int i = 0; i < s->nparams; i++) {
		const char *sep = i == 0 ? " " : s->sub[i] ? ":" : ",";

		if (s->params[i] < 0)
			tr(t, "%s-", sep);
		else
			tr(t, "%s%d", sep, s->params[i]);
	}
	tr(t, "\n");
}

static void on_esc(const struct parser_seq *s, void *user)
{
	seq_trace(user, "esc", s);
}

static void on_csi(const struct parser_seq *s, void *user)
{
	seq_trace(user, "csi", s);
}

static void on_osc(const char *s, size_t len, void *user)
{
	ck_assert_uint_eq(strlen(s), len);
	tr(user, "osc %s\n", s);
}

static void on_dcs(const struct parser_seq *s, const char *str, size_t len, void *user)
{
	ck_assert_uint_eq(strlen(str), len);
	seq_trace(user, "dcs", s);
	tr(user, "data %s\n", str);
}

static const struct parser_callbacks trace_cb = {
	.print_ascii = on_print_ascii,
	.print = on_print,
	.execute = on_execute,
	.esc = on_esc,
	.csi = on_csi,
	.osc = on_osc,
	.dcs = on_dcs,
};

struct pcase {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *want;
};

static const struct pcase cases[] = {
	{ "ascii", "AB c", 0, "text AB c\n" },
	{ "c0", "a\r\nb\a", 0, "text a\nexec 0d\nexec 0a\ntext b\nexec 07\n" },
	{ "del executed as nothing", "a\x7f" "b", 0, "text a\nexec 7f\ntext b\n" },
	{ "utf8 2 3 4 bytes", "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80", 0, "print e9,4e2d,1f600\n" },
	{ "utf8 overlong", "\xc0\xaf", 0, "print fffd\n" },
	{ "utf8 overlong e0", "\xe0\x80\xaf", 0, "print fffd\n" },
	{ "utf8 surrogate", "\xed\xa0\x80", 0, "print fffd\n" },
	{ "utf8 fffe", "\xef\xbf\xbe", 0, "print fffd\n" },
	{ "utf8 five bytes", "\xf8\x88\x80\x80\x80" "A", 0, "print fffd,41\n" },
	{ "utf8 fe fe", "\xfe\xfe", 0, "print fffd,fffd\n" },
	{ "utf8 above max", "\xf4\x90\x80\x80", 0, "print fffd\n" },
	{ "utf8 truncated then ascii", "\xe4\xb8" "A", 0, "print fffd,41\n" },
	{ "utf8 stray continuation", "\x80" "A", 0, "print fffd,41\n" },
	{ "utf8 f5 ff", "\xf5\xff", 0, "print fffd,fffd\n" },
	{ "raw 8-bit csi is not a control", "\x9b" "1m", 0, "print fffd,31,6d\n" },
	{ "c1 csi in utf8", "\xc2\x9b" "1;2H", 0, "csi H 1,2\n" },
	{ "c1 nel", "\xc2\x85", 0, "exec 85\n" },
	{ "csi params", "\033[1;22;333m", 0, "csi m 1,22,333\n" },
	{ "csi default params", "\033[;5H", 0, "csi H -,5\n" },
	{ "csi no params", "\033[H", 0, "csi H\n" },
	{ "csi private", "\033[?1049h", 0, "csi ?h 1049\n" },
	{ "csi intermediate", "\033[2 q", 0, "csi  q 2\n" },
	{ "csi two intermediates", "\033[!\"p", 0, "csi !\"p\n" },
	{ "csi three intermediates dropped", "\033[!!!pX", 0, "text X\n" },
	{ "csi colon subparams", "\033[38:2::255:0:10m", 0, "csi m 38:2:-:255:0:10\n" },
	{ "csi saturates", "\033[99999999999;1H", 0, "csi H 65535,1\n" },
	{ "csi private marker late is ignored", "\033[1?hX", 0, "text X\n" },
	{ "csi c0 inside", "\033[1\n;2H", 0, "exec 0a\ncsi H 1,2\n" },
	{ "csi can aborts", "\033[1;2\030X", 0, "exec 18\ntext X\n" },
	{ "csi sub aborts", "\033[1\032X", 0, "exec 1a\ntext X\n" },
	{ "csi esc restarts", "\033[1\033[2J", 0, "csi J 2\n" },
	{ "esc simple", "\0337\0338", 0, "esc 7\nesc 8\n" },
	{ "esc intermediate", "\033(0\033#8", 0, "esc (0\nesc #8\n" },
	{ "osc bel", "\033]0;hi there\a", 0, "osc 0;hi there\n" },
	{ "osc st", "\033]2;t\033\\X", 0, "osc 2;t\ntext X\n" },
	{ "osc c1 st", "\033]2;t\xc2\x9c" "X", 0, "osc 2;t\ntext X\n" },
	{ "osc utf8", "\033]2;\xc3\xa9\a", 0, "osc 2;\xc3\xa9\n" },
	{ "osc can abandons", "\033]2;t\030X", 0, "exec 18\ntext X\n" },
	{ "osc esc other abandons", "\033]2;t\033[mX", 0, "csi m\ntext X\n" },
	{ "osc c0 ignored", "\033]2;a\nb\a", 0, "osc 2;ab\n" },
	{ "linux palette", "\033]P0a0b0c0X", 0, "osc P0a0b0c0\ntext X\n" },
	{ "linux palette reset", "\033]RX", 0, "osc R\ntext X\n" },
	{ "dcs st", "\033P1$qm\033\\X", 0, "dcs $q 1\ndata m\ntext X\n" },
	{ "dcs c1", "\xc2\x90$q\"q\xc2\x9c" "X", 0, "dcs $q\ndata \"q\ntext X\n" },
	{ "dcs private params", "\033P>1;2|ab\033\\", 0, "dcs >| 1,2\ndata ab\n" },
	{ "dcs empty", "\033P$q\033\\", 0, "dcs $q\ndata \n" },
	{ "dcs utf8 bel c0 data del dropped", "\033P$q\xc3\xa9\a\n\x7f\033\\", 0,
	  "dcs $q\ndata \xc3\xa9\a\n\n" },
	{ "dcs can abandons", "\033P$qm\030X", 0, "exec 18\ntext X\n" },
	{ "dcs esc other abandons", "\033P$qm\033[mX", 0, "csi m\ntext X\n" },
	{ "dcs three intermediates dropped", "\033P!!!qx\033\\X", 0, "text X\n" },
	{ "dcs bad header ignored", "\033P1?qx\033\\X", 0, "esc \\\ntext X\n" },
	{ "sos pm apc ignored", "\033Xa\033\\\033^b\033\\\033_c\033\\X", 0,
	  "esc \\\nesc \\\nesc \\\ntext X\n" },
	{ "nul byte", "a\0b", 3, "text a\nexec 00\ntext b\n" },
};

START_TEST(test_case)
{
	const struct pcase *c = &cases[_i];
	struct parser *p = malloc(sizeof(*p));
	struct trace t = { .len = 0 };

	ck_assert_ptr_nonnull(p);
	parser_init(p, &trace_cb, &t);
	parser_write(p, (const uint8_t *)c->in, c->len ? c->len : strlen(c->in));
	t.buf[t.len] = '\0';
	ck_assert_msg(strcmp(t.buf, c->want) == 0, "%s: got\n%s\nwant\n%s", c->name, t.buf, c->want);
	free(p);
}
END_TEST

/* Byte-at-a-time input gives the same events (modulo print batching). */
START_TEST(test_split_utf8_and_csi)
{
	const char *in = "\033[38;5;100m\xe4\xb8\xad\033]0;x\033\\";
	struct parser *p = malloc(sizeof(*p));
	struct trace t = { .len = 0 };

	parser_init(p, &trace_cb, &t);
	for (size_t i = 0; i < strlen(in); i++)
		parser_write(p, (const uint8_t *)in + i, 1);
	t.buf[t.len] = '\0';
	ck_assert_str_eq(t.buf, "csi m 38,5,100\nprint 4e2d\nosc 0;x\n");
	free(p);
}
END_TEST

START_TEST(test_thousand_params)
{
	struct parser *p = malloc(sizeof(*p));
	struct trace t = { .len = 0 };
	char in[4100] = "\033[";

	for (int i = 0; i < 1000; i++)
		strcat(in, "1;");
	strcat(in, "7mZ");
	parser_init(p, &trace_cb, &t);
	parser_write(p, (const uint8_t *)in, strlen(in));
	t.buf[t.len] = '\0';
	/* 32 kept, the rest dropped; the sequence still ends at 'm'. */
	ck_assert_int_eq(strncmp(t.buf, "csi m 1,1,", 10), 0);
	ck_assert_ptr_nonnull(strstr(t.buf, "\ntext Z\n"));
	int commas = 0;
	for (const char *s = t.buf; *s != '\n'; s++)
		commas += *s == ',';
	ck_assert_int_eq(commas, PARSER_MAX_PARAMS - 1);
	free(p);
}
END_TEST

START_TEST(test_huge_osc_discarded)
{
	struct parser *p = malloc(sizeof(*p));
	struct trace t = { .len = 0 };
	size_t n = 10 * 1024 * 1024;
	char *in = malloc(n);

	memset(in, 'x', n);
	memcpy(in, "\033]2;", 4);
	parser_init(p, &trace_cb, &t);
	parser_write(p, (const uint8_t *)in, n);
	parser_write(p, (const uint8_t *)"\aok", 3);
	t.buf[t.len] = '\0';
	ck_assert_str_eq(t.buf, "text ok\n");
	/* A normal OSC afterwards still works. */
	t.len = 0;
	parser_write(p, (const uint8_t *)"\033]2;t\a", 6);
	t.buf[t.len] = '\0';
	ck_assert_str_eq(t.buf, "osc 2;t\n");
	free(in);
	free(p);
}
END_TEST

START_TEST(test_osc_at_limit_kept)
{
	struct parser *p = malloc(sizeof(*p));
	struct trace t = { .len = 0 };
	char in[PARSER_OSC_MAX + 8];

	memcpy(in, "\033]", 2);
	memset(in + 2, 'y', PARSER_OSC_MAX);
	in[2 + PARSER_OSC_MAX] = '\a';
	parser_init(p, &trace_cb, &t);
	parser_write(p, (const uint8_t *)in, PARSER_OSC_MAX + 3);
	ck_assert_uint_eq(t.len, 4 + PARSER_OSC_MAX + 1); /* "osc " + string + "\n" */
	free(p);
}
END_TEST

/* ---- hostile input ---- */

/* A parser whose trace is the test's; freed by the caller. */
static struct parser *traced(struct trace *t)
{
	struct parser *p = malloc(sizeof(*p));

	ck_assert_ptr_nonnull(p);
	t->len = 0;
	t->buf[0] = '\0';
	parser_init(p, &trace_cb, t);
	return p;
}

/* Feed len bytes in pieces of chunk bytes (0: all at once). */
static void feed(struct parser *p, const char *in, size_t len, size_t chunk)
{
	if (!chunk)
		chunk = len;
	for (size_t i = 0; i < len; i += chunk)
		parser_write(p, (const uint8_t *)in + i, len - i < chunk ? len - i : chunk);
}

static const char *trace_of(struct trace *t)
{
	t->buf[t->len] = '\0';
	return t->buf;
}

/* prefix, n copies of unit, then suffix, as one NUL-terminated buffer. */
static char *repeated(const char *prefix, const char *unit, size_t n, const char *suffix,
		      size_t *len)
{
	size_t pl = strlen(prefix), ul = strlen(unit), sl = strlen(suffix);
	char *s = malloc(pl + ul * n + sl + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, prefix, pl);
	for (size_t i = 0; i < n; i++)
		memcpy(s + pl + i * ul, unit, ul);
	memcpy(s + pl + ul * n, suffix, sl + 1);
	*len = pl + ul * n + sl;
	return s;
}

/*
 * A million parameters in one CSI, whole (the fast path) and in pieces
 * (the state machine): 32 are kept, the rest dropped, the sequence ends
 * at its final byte, and the next sequence starts afresh.
 */
static const size_t chunks[] = { 0, 7, 4096 };

START_TEST(test_million_params)
{
	struct trace t;
	size_t len;
	char *in = repeated("\033[", "1;", 1000000, "4mZ\033[2;3H", &len);
	struct parser *p = traced(&t);
	char want[256] = "csi m";

	for (int i = 0; i < PARSER_MAX_PARAMS; i++)
		strcat(want, i ? ",1" : " 1");
	strcat(want, "\ntext Z\ncsi H 2,3\n");
	feed(p, in, len, chunks[_i]);
	ck_assert_str_eq(trace_of(&t), want);
	ck_assert_int_le(p->seq.nparams, PARSER_MAX_PARAMS);
	free(in);
	free(p);
}
END_TEST

/* A parameter of a million digits saturates; so do 20-digit ones. */
START_TEST(test_million_digits)
{
	struct trace t;
	size_t len;
	char *in = repeated("\033[", "9", 1000000, ";99999999999999999999Hok", &len);
	struct parser *p = traced(&t);

	feed(p, in, len, chunks[_i]);
	ck_assert_str_eq(trace_of(&t), "csi H 65535,65535\ntext ok\n");
	free(in);
	free(p);
}
END_TEST

/* A megabyte of intermediates makes a CSI, ESC or DCS invalid, never a buffer grow. */
START_TEST(test_megabyte_of_intermediates)
{
	static const struct {
		const char *prefix, *unit, *suffix, *want;
	} c[] = {
		{ "\033[", " ", "mI\033[1m", "text I\ncsi m 1\n" },
		{ "\033[1", "$", "pI\033[1m", "text I\ncsi m 1\n" },
		{ "\033", "!", "XJ\033[1m", "text J\ncsi m 1\n" },
		{ "\033P", " ", "qdata\033\\K", "text K\n" },
	};

	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		struct trace t;
		size_t len;
		char *in = repeated(c[k].prefix, c[k].unit, 1000000, c[k].suffix, &len);
		struct parser *p = traced(&t);

		feed(p, in, len, chunks[_i]);
		ck_assert_msg(!strcmp(trace_of(&t), c[k].want), "case %zu: got\n%s", k, t.buf);
		ck_assert_int_le(p->seq.ninter, PARSER_MAX_INTER);
		free(in);
		free(p);
	}
}
END_TEST

/*
 * 10 MB of an OSC or a DCS string that never ends: the string held never
 * passes its documented cap, and whatever ends it (ST, C1 ST; BEL for an
 * OSC) or abandons it (CAN, SUB, a new sequence) dispatches nothing; the
 * text after it prints and the next string works.
 */
static const struct {
	const char *start, *next, *next_want;
	size_t cap;
	const char *ends[7][2]; /* bytes, trace */
} endless[] = {
	{ "\033]0;", "\033]2;t\a", "osc 2;t\n", PARSER_OSC_MAX,
	  { { "\aafter", "text after\n" }, { "\033\\after", "text after\n" },
	    { "\xc2\x9c" "after", "text after\n" }, { "\030after", "exec 18\ntext after\n" },
	    { "\032after", "exec 1a\ntext after\n" }, { "\033[1mafter", "csi m 1\ntext after\n" },
	    { "\033]0;x\a", "osc 0;x\n" } } },
	{ "\033P$q", "\033P$qr\033\\", "dcs $q\ndata r\n", PARSER_DCS_MAX,
	  { { "\a\033\\after", "text after\n" }, { "\033\\after", "text after\n" },
	    { "\xc2\x9c" "after", "text after\n" }, { "\030after", "exec 18\ntext after\n" },
	    { "\032after", "exec 1a\ntext after\n" }, { "\033[1mafter", "csi m 1\ntext after\n" },
	    { "\033]0;x\a", "osc 0;x\n" } } },
};

START_TEST(test_endless_string)
{
	size_t n = 10 * 1024 * 1024, piece = 64 * 1024;
	char *junk = malloc(piece);

	ck_assert_ptr_nonnull(junk);
	memset(junk, 'a', piece);
	for (size_t k = 0; k < 7; k++) {
		struct trace t;
		struct parser *p = traced(&t);

		parser_write(p, (const uint8_t *)endless[_i].start, strlen(endless[_i].start));
		for (size_t done = 0; done < n; done += piece) {
			parser_write(p, (const uint8_t *)junk, piece);
			ck_assert_uint_le(p->str_len, endless[_i].cap);
		}
		ck_assert_uint_eq(t.len, 0);
		parser_write(p, (const uint8_t *)endless[_i].ends[k][0], strlen(endless[_i].ends[k][0]));
		ck_assert_msg(!strcmp(trace_of(&t), endless[_i].ends[k][1]), "case %zu: got\n%s", k, t.buf);
		t.len = 0;
		parser_write(p, (const uint8_t *)endless[_i].next, strlen(endless[_i].next));
		ck_assert_str_eq(trace_of(&t), endless[_i].next_want);
		free(p);
	}
	free(junk);
}
END_TEST

/* A DCS string of exactly PARSER_DCS_MAX bytes is kept; one more, and it is dropped. */
START_TEST(test_dcs_at_limit)
{
	struct trace t;
	size_t len;
	char *in = repeated("\033P$q", "z", PARSER_DCS_MAX + _i, "\033\\", &len);
	struct parser *p = traced(&t);

	parser_write(p, (const uint8_t *)in, len);
	if (_i == 0) /* "dcs $q\n" + "data " + string + "\n" */
		ck_assert_uint_eq(t.len, 7 + 5 + PARSER_DCS_MAX + 1);
	else
		ck_assert_uint_eq(t.len, 0);
	free(in);
	free(p);
}
END_TEST

/* Strings and sequences started inside each other, and a megabyte of ESC. */
START_TEST(test_nesting)
{
	struct trace t;
	size_t len;
	struct parser *p = traced(&t);

	/* an OSC cut by a DCS, which an OSC cuts in turn */
	const char *nest = "\033]0;x\033P1$q\033]0;nested\am\033\\";

	feed(p, nest, strlen(nest), chunks[_i]);
	ck_assert_str_eq(trace_of(&t), "osc 0;nested\ntext m\nesc \\\n");
	free(p);

	char *in = repeated("", "\033P\033]", 500000, "\033\\n", &len);

	p = traced(&t);
	feed(p, in, len, chunks[_i]);
	/* the last OSC, empty, ends at ST */
	ck_assert_str_eq(trace_of(&t), "osc \ntext n\n");
	free(in);
	free(p);

	in = repeated("", "\033", 1000000, "[1mL", &len);
	p = traced(&t);
	feed(p, in, len, chunks[_i]);
	ck_assert_str_eq(trace_of(&t), "csi m 1\ntext L\n");
	free(in);
	free(p);

	in = repeated("", "\xc2\x9b", 500000, "2mF", &len);
	p = traced(&t);
	feed(p, in, len, chunks[_i]);
	ck_assert_str_eq(trace_of(&t), "csi m 2\ntext F\n");
	free(in);
	free(p);
}
END_TEST

/* 10 MB of seeded noise, then RIS: the parser is back in step. */
START_TEST(test_noise_then_reset)
{
	struct trace t;
	struct parser *p = traced(&t);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint8_t blk[4096];

	for (int n = 0; n < 10 * 256; n++) {
		for (size_t i = 0; i < sizeof(blk); i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			blk[i] = (uint8_t)(x >> 32);
		}
		t.len = 0; /* only the end matters */
		parser_write(p, blk, sizeof(blk));
		ck_assert_uint_le(p->str_len, PARSER_OSC_MAX);
		ck_assert_int_le(p->seq.nparams, PARSER_MAX_PARAMS);
	}
	t.len = 0;
	parser_write(p, (const uint8_t *)"\033cok", 4);
	const char *got = trace_of(&t);

	/* a character the noise left half-decoded may print first */
	ck_assert_msg(!strcmp(got, "esc c\ntext ok\n") || !strcmp(got, "print fffd\nesc c\ntext ok\n"),
		      "after the noise: %s", got);
	free(p);
}
END_TEST

Suite *parser_suite(void)
{
	Suite *s = suite_create("parser");
	TCase *tc = tcase_create("sequences");

	tcase_add_loop_test(tc, test_case, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_split_utf8_and_csi);
	suite_add_tcase(s, tc);
	tc = tcase_create("bounds");
	tcase_add_test(tc, test_thousand_params);
	tcase_add_test(tc, test_huge_osc_discarded);
	tcase_add_test(tc, test_osc_at_limit_kept);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile input");
	tcase_add_loop_test(tc, test_million_params, 0, sizeof(chunks) / sizeof(chunks[0]));
	tcase_add_loop_test(tc, test_million_digits, 0, sizeof(chunks) / sizeof(chunks[0]));
	tcase_add_loop_test(tc, test_megabyte_of_intermediates, 0, sizeof(chunks) / sizeof(chunks[0]));
	tcase_add_loop_test(tc, test_endless_string, 0, sizeof(endless) / sizeof(endless[0]));
	tcase_add_loop_test(tc, test_dcs_at_limit, 0, 2);
	tcase_add_loop_test(tc, test_nesting, 0, sizeof(chunks) / sizeof(chunks[0]));
	tcase_add_test(tc, test_noise_then_reset);
	suite_add_tcase(s, tc);
	return s;
}
