/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compose (vncterm/compose.c): every sequence of X's en_US.UTF-8 Compose
 * file, read here with a parser of the test's own and fed key by key,
 * must give the text the file names; then what compose.h adds for a
 * terminal (shortcuts, the key that breaks a sequence, modifiers between
 * the keys, one state per viewer, no table).  Keysyms come from
 * libvncserver's copy of the X header and libxkbcommon's names.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rfb/keysym.h>
#include <xkbcommon/xkbcommon.h>

#include "vncterm/compose.h"
#include "vt100/keys.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))
#define UNI(u) (0x01000000u + (u))
#define COMPOSE_FILE "/usr/share/X11/locale/en_US.UTF-8/Compose"

static struct compose_table *load(void)
{
	char err[256];
	struct compose_table *t = compose_table_load(NULL, err, sizeof(err));

	ck_assert_msg(t != NULL, "%s", err);
	return t;
}

/* Feed keysyms (no modifiers) and collect what comes out. */
static int feed_all(struct compose *c, struct compose_table *t, const uint32_t *in,
		    int n_in, uint32_t *out, int max)
{
	int n = 0;

	for (int i = 0; i < n_in; i++) {
		uint32_t o[COMPOSE_MAX];
		int k = compose_feed(c, t, in[i], 0, o);

		ck_assert_int_ge(k, 0);
		ck_assert_int_le(k, COMPOSE_MAX);
		for (int j = 0; j < k; j++) {
			ck_assert_int_lt(n, max);
			out[n++] = o[j];
		}
	}
	return n;
}

#define FEED(...)                                                                        \
	do {                                                                             \
		const uint32_t in_[] = { __VA_ARGS__ };                                  \
		n_out = feed_all(&st, t, in_, (int)N_ELEM(in_), out, (int)N_ELEM(out));  \
	} while (0)

#define EXPECT(...)                                                                      \
	do {                                                                             \
		const uint32_t want_[] = { __VA_ARGS__ };                                \
		ck_assert_int_eq(n_out, (int)N_ELEM(want_));                             \
		for (size_t i_ = 0; i_ < N_ELEM(want_); i_++)                            \
			ck_assert_msg(out[i_] == want_[i_], "out[%zu] = %#x, want %#x",  \
				      i_, out[i_], want_[i_]);                           \
	} while (0)

/* One line of a Compose file: <k1> <k2> ... : "text" [keysym] [# comment]. */
struct sequence {
	uint32_t keys[8];
	int n;
	uint32_t text[COMPOSE_MAX];
	int len;
};

/* The quoted text as code points; false for an escape this parser does not know. */
static bool parse_text(const char *q, struct sequence *s)
{
	const unsigned char *p = (const unsigned char *)q;

	for (s->len = 0; *p && *p != '"'; s->len++) {
		uint32_t u;
		int more;

		if (s->len == COMPOSE_MAX)
			return false;
		if (*p == '\\') {
			if (p[1] != '\\' && p[1] != '"')
				return false;
			p++;
		}
		u = *p < 0x80 ? *p : *p < 0xe0 ? *p & 0x1f : *p < 0xf0 ? *p & 0x0f : *p & 0x07;
		more = *p < 0x80 ? 0 : *p < 0xe0 ? 1 : *p < 0xf0 ? 2 : 3;
		for (p++; more-- > 0; p++)
			u = u << 6 | (*p & 0x3f);
		s->text[s->len] = UNI(u);
	}
	return *p == '"';
}

/* false for a line that is no sequence (comments, include, blank). */
static bool parse_line(const char *line, struct sequence *s)
{
	const char *p = line, *colon = strchr(line, ':');

	if (*p != '<' || !colon)
		return false;
	for (s->n = 0; p < colon && *p == '<'; ) {
		char name[64];
		const char *end = strchr(p, '>');

		ck_assert_msg(end && end - p - 1 < (int)sizeof(name) && s->n < 8, "line: %s", line);
		memcpy(name, p + 1, (size_t)(end - p - 1));
		name[end - p - 1] = '\0';
		s->keys[s->n] = xkb_keysym_from_name(name, XKB_KEYSYM_NO_FLAGS);
		ck_assert_msg(s->keys[s->n] != XKB_KEY_NoSymbol, "unknown keysym <%s>", name);
		s->n++;
		for (p = end + 1; *p == ' ' || *p == '\t'; p++)
			;
	}
	const char *q = strchr(colon, '"');

	ck_assert_msg(q != NULL, "no text in: %s", line);
	return parse_text(q + 1, s);
}

/*
 * Every sequence of the file X uses for en_US.UTF-8 (5,000-odd, three
 * keys and more among them) types exactly its text through compose_feed().
 * A few sequences are defined twice or as the prefix of a longer one;
 * libxkbcommon keeps one of them, as libX11 does, so those are counted
 * apart and must stay few.
 */
START_TEST(every_sequence)
{
	struct compose_table *t = load();
	FILE *f = fopen(COMPOSE_FILE, "r");
	char line[1024];
	int total = 0, good = 0, longer = 0;

	ck_assert_msg(f != NULL, "%s: install libx11-data", COMPOSE_FILE);
	while (fgets(line, sizeof(line), f)) {
		struct sequence s;
		struct compose st = { 0 };
		uint32_t out[COMPOSE_MAX * 8];
		int n_out;

		if (!parse_line(line, &s))
			continue;
		total++;
		longer += s.n >= 3;
		n_out = feed_all(&st, t, s.keys, s.n, out, (int)N_ELEM(out));
		if (n_out == s.len && !memcmp(out, s.text, sizeof(out[0]) * (size_t)s.len))
			good++;
		compose_release(&st);
	}
	fclose(f);
	compose_table_free(t);
	fprintf(stderr, "compose: %d of %d sequences of %s typed their text (%d of 3+ keys)\n",
		good, total, COMPOSE_FILE, longer);
	ck_assert_int_gt(total, 4000);
	ck_assert_int_gt(longer, 1000);
	ck_assert_msg(total - good <= 40, "%d sequences typed something else", total - good);
}
END_TEST

/* Dead keys and Multi_key sequences, each typed alone: {keys, result}. */
static const struct {
	uint32_t keys[4];
	uint32_t result;
} sequences[] = {
	{ { XK_dead_acute, XK_e }, 0xe9 },
	{ { XK_dead_diaeresis, XK_u }, 0xfc },
	{ { XK_dead_caron, XK_s }, 0x161 },
	{ { XK_dead_ogonek, XK_a }, 0x105 },
	/* The accent alone: after space, or twice (X's choices). */
	{ { XK_dead_acute, XK_space }, '\'' },
	{ { XK_dead_acute, XK_dead_acute }, 0xb4 },
	/* Three keys and more. */
	{ { XK_dead_acute, XK_dead_diaeresis, XK_u }, 0x1d8 },
	{ { XK_Multi_key, XK_o, XK_c }, 0xa9 },
	{ { XK_Multi_key, XK_minus, XK_minus, XK_period }, 0x2013 },
	{ { XK_Multi_key, XK_equal, XK_e }, 0x20ac },
	{ { XK_Multi_key, XK_1, XK_2 }, 0xbd },
};

START_TEST(sequence)
{
	struct compose_table *t = load();
	struct compose st = { 0 };
	uint32_t out[16];
	int n = 0, n_out;

	while (n < 4 && sequences[_i].keys[n])
		n++;
	n_out = feed_all(&st, t, sequences[_i].keys, n, out, (int)N_ELEM(out));
	ck_assert_int_eq(n_out, 1);
	ck_assert_uint_eq(out[0], UNI(sequences[_i].result));
	compose_release(&st);
	compose_table_free(t);
}
END_TEST

/* Around a sequence: what a terminal needs. */
START_TEST(terminal_rules)
{
	struct compose_table *t = load();
	struct compose st = { 0 };
	uint32_t out[16], o[COMPOSE_MAX];
	int n_out;

	/* Nothing under way: every key passes unchanged. */
	FEED(XK_a, XK_Left, XK_F1, 0x6c1, XK_Return);
	EXPECT(XK_a, XK_Left, XK_F1, 0x6c1, XK_Return);
	/* A key that breaks a sequence is still typed; the accent is dropped, as in X. */
	FEED(XK_dead_grave, XK_q);
	EXPECT(XK_q);
	FEED(XK_dead_acute, XK_Left, XK_e);
	EXPECT(XK_Left, XK_e);
	/* A breaking dead key starts its own sequence. */
	FEED(XK_dead_grave, XK_dead_cedilla, XK_c);
	EXPECT(UNI(0xe7));
	/*
	 * A modifier between the keys (AltGr for a capital...) keeps the
	 * sequence, ISO_Level5_Shift (0xfe11) too, which libxkbcommon 1.5
	 * alone would take for a key that cancels.
	 */
	FEED(XK_dead_circumflex, XK_ISO_Level3_Shift, 0xfe11, XK_Caps_Lock, XK_A);
	EXPECT(XK_ISO_Level3_Shift, 0xfe11, XK_Caps_Lock, UNI(0xc2));
	/* Ctrl or Alt: the sequence goes and the shortcut passes as it came. */
	ck_assert_int_eq(compose_feed(&st, t, XK_dead_acute, 0, o), 0);
	ck_assert(compose_pending(&st));
	ck_assert_int_eq(compose_feed(&st, t, XK_c, VT_MOD_CTRL, o), 1);
	ck_assert_uint_eq(o[0], XK_c);
	ck_assert(!compose_pending(&st));
	FEED(XK_e);
	EXPECT(XK_e);
	ck_assert_int_eq(compose_feed(&st, t, XK_Multi_key, VT_MOD_ALT, o), 1);
	ck_assert_uint_eq(o[0], XK_Multi_key);
	compose_release(&st);
	compose_table_free(t);
}
END_TEST

/* Two viewers: each state composes only its own keys. */
START_TEST(per_viewer)
{
	struct compose_table *t = load();
	struct compose a = { 0 }, b = { 0 };
	uint32_t o[COMPOSE_MAX];

	ck_assert_int_eq(compose_feed(&a, t, XK_dead_acute, 0, o), 0);
	ck_assert_int_eq(compose_feed(&b, t, XK_e, 0, o), 1);
	ck_assert_uint_eq(o[0], XK_e);
	ck_assert_int_eq(compose_feed(&b, t, XK_dead_diaeresis, 0, o), 0);
	ck_assert_int_eq(compose_feed(&a, t, XK_e, 0, o), 1);
	ck_assert_uint_eq(o[0], UNI(0xe9));
	ck_assert_int_eq(compose_feed(&b, t, XK_u, 0, o), 1);
	ck_assert_uint_eq(o[0], UNI(0xfc));
	/* Released with a sequence under way, a state starts afresh. */
	ck_assert_int_eq(compose_feed(&a, t, XK_dead_caron, 0, o), 0);
	compose_release(&a);
	ck_assert(!compose_pending(&a));
	ck_assert_int_eq(compose_feed(&a, t, XK_s, 0, o), 1);
	ck_assert_uint_eq(o[0], XK_s);
	compose_release(&a);
	compose_release(&b);
	compose_release(NULL);
	compose_table_free(t);
}
END_TEST

/* No table (no libx11-data): keys pass through, dead keys included. */
START_TEST(no_table)
{
	struct compose st = { 0 };
	uint32_t o[COMPOSE_MAX];
	char err[256] = "";

	ck_assert_ptr_null(compose_table_load("xx_NO.NOSUCH", err, sizeof(err)));
	ck_assert_msg(strstr(err, "xx_NO.NOSUCH") && strstr(err, "libx11-data"), "%s", err);
	ck_assert_int_eq(compose_feed(&st, NULL, XK_dead_acute, 0, o), 1);
	ck_assert_uint_eq(o[0], XK_dead_acute);
	ck_assert_int_eq(compose_feed(&st, NULL, XK_e, 0, o), 1);
	ck_assert_uint_eq(o[0], XK_e);
	ck_assert(!compose_pending(&st));
	ck_assert_int_eq(compose_feed(NULL, NULL, XK_e, 0, o), -EINVAL);
	ck_assert_int_eq(compose_feed(&st, NULL, XK_e, 0, NULL), -EINVAL);
	compose_table_free(NULL);
}
END_TEST

/* What a composed key types at the console: its UTF-8, through vt_key_encode(). */
START_TEST(bytes)
{
	struct compose_table *t = load();
	struct compose st = { 0 };
	struct vt_modes m = { .alt_sends_escape = true };
	uint32_t out[16];
	char buf[VT_KEY_MAX];
	int n_out;

	FEED(XK_Multi_key, XK_less, XK_3);
	EXPECT(UNI(0x2665));
	ck_assert_int_eq(vt_key_encode(out[0], 0, &m, VT_KEYS_VT220, buf, sizeof(buf)), 3);
	ck_assert(!memcmp(buf, "\xe2\x99\xa5", 3));
	compose_release(&st);
	compose_table_free(t);
}
END_TEST

/* A Compose file of the test's own, named by $XCOMPOSEFILE (which libxkbcommon reads first). */
static void user_file(char *path, size_t size, const char *text)
{
	int fd;

	snprintf(path, size, "/tmp/check_compose.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(setenv("XCOMPOSEFILE", path, 1), 0);
}

/*
 * The file is mapped at load and compiled at the first key: by then the
 * worker is in an empty chroot, so it must not be looked up again.  Here
 * it is gone by then, and its sequence still composes.
 */
START_TEST(compiled_from_the_mapping)
{
	char path[64];
	struct compose st = { 0 };
	uint32_t out[16];
	int n_out;

	user_file(path, sizeof(path), "<Multi_key> <q> <q> : \"\xc2\xb6\" paragraph\n");
	struct compose_table *t = load();

	ck_assert_int_eq(unlink(path), 0);
	FEED(XK_Multi_key, XK_q, XK_q);
	EXPECT(UNI(0xb6));
	/* Its own sequences only: en_US.UTF-8's are not there. */
	FEED(XK_dead_acute, XK_e);
	EXPECT(XK_dead_acute, XK_e);
	compose_release(&st);
	compose_table_free(t);
	unsetenv("XCOMPOSEFILE");
}
END_TEST

/*
 * A file that includes another (a user's XCompose usually includes the
 * locale's, "%L") is compiled at load, while the included file can be
 * opened: with the locale directory gone afterwards, both compose.
 */
START_TEST(include_compiled_at_load)
{
	char path[64];
	struct compose st = { 0 };
	uint32_t out[16];
	int n_out;

	user_file(path, sizeof(path), "include \"%L\"\n<Multi_key> <q> <q> : \"\xc2\xb6\"\n");
	struct compose_table *t = load();

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(setenv("XLOCALEDIR", "/nonexistent", 1), 0);
	FEED(XK_Multi_key, XK_q, XK_q);
	EXPECT(UNI(0xb6));
	FEED(XK_dead_acute, XK_e);
	EXPECT(UNI(0xe9));
	compose_release(&st);
	compose_table_free(t);
	unsetenv("XLOCALEDIR");
	unsetenv("XCOMPOSEFILE");
}
END_TEST

/* A file that does not compile (too many bad lines) at the first key: keys pass uncomposed. */
START_TEST(bad_file_passes_keys)
{
	char path[64];
	struct compose st = { 0 };
	uint32_t out[16];
	int n_out;

	user_file(path, sizeof(path), "@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n@\n");
	struct compose_table *t = load();

	FEED(XK_Multi_key, XK_q);
	EXPECT(XK_Multi_key, XK_q);
	ck_assert(!compose_pending(&st));
	compose_release(&st);
	compose_table_free(t);
	unlink(path);
	unsetenv("XCOMPOSEFILE");
}
END_TEST

/* The runner declares it from a generated list; this keeps the prototype check. */
Suite *compose_suite(void);

Suite *compose_suite(void)
{
	Suite *s = suite_create("compose");
	TCase *tc = tcase_create("compose");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, every_sequence);
	tcase_add_loop_test(tc, sequence, 0, (int)N_ELEM(sequences));
	tcase_add_test(tc, terminal_rules);
	tcase_add_test(tc, per_viewer);
	tcase_add_test(tc, no_table);
	tcase_add_test(tc, bytes);
	tcase_add_test(tc, compiled_from_the_mapping);
	tcase_add_test(tc, include_compiled_at_load);
	tcase_add_test(tc, bad_file_passes_keys);
	suite_add_tcase(s, tc);
	return s;
}
