/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The three key sets of vt_key_encode() against the terminfo entries of
 * the TERMs they are for: every key capability infocmp prints for
 * xterm-256color, linux and vt220 (ncurses-bin's infocmp, ncurses-base's
 * entries) must be what the key it names sends, with the keypad-transmit
 * modes (smkx) the entry sets, as a curses program would have them.  A
 * capability this file cannot name a key for fails the test, so a new
 * entry is noticed.  Then what terminfo does not say: the Linux console's
 * and VT220's modifiers and keypad, from the kernel's keyboard.c and
 * DEC's manual.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rfb/keysym.h>

#include "vt100/keys.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

enum {
	S = VT_MOD_SHIFT,
	A = VT_MOD_ALT,
	C = VT_MOD_CTRL,
};

static const struct {
	const char *term;
	enum vt_key_set set;
} terms[] = {
	{ "xterm-256color", VT_KEYS_XTERM },
	{ "linux", VT_KEYS_LINUX },
	{ "vt220", VT_KEYS_VT220 },
};

/* One string capability of an entry, its value unescaped. */
struct cap {
	char name[16];
	char value[64];
	size_t len;
};

#define MAX_CAPS 512

/* terminfo's escapes (terminfo(5)): \E, ^X, \072, \s, \, and the like. */
static size_t unescape(const char *s, char *out, size_t max)
{
	size_t n = 0;

	for (; *s && n < max; s++) {
		if (*s == '^' && s[1]) {
			s++;
			out[n++] = *s == '?' ? 0x7f : (char)(*s & 0x1f);
		} else if (*s == '\\' && s[1]) {
			s++;
			if (*s >= '0' && *s <= '7') {
				unsigned v = 0;

				for (int i = 0; i < 3 && *s >= '0' && *s <= '7'; i++, s++)
					v = v * 8 + (unsigned)(*s - '0');
				s--;
				out[n++] = v ? (char)v : (char)0x80; /* \0 is 0x80 in terminfo */
				continue;
			}
			switch (*s) {
			case 'E': case 'e': out[n++] = 033; break;
			case 's': out[n++] = ' '; break;
			case 'n': out[n++] = '\n'; break;
			case 'r': out[n++] = '\r'; break;
			case 't': out[n++] = '\t'; break;
			case 'b': out[n++] = '\b'; break;
			case 'f': out[n++] = '\f'; break;
			default: out[n++] = *s; break; /* \\ \, \^ \: */
			}
		} else {
			out[n++] = *s;
		}
	}
	return n;
}

/* The string capabilities of term, one a line as `infocmp -1 -x` prints them. */
static int read_caps(const char *term, struct cap *caps, int max)
{
	char cmd[128], line[512];
	int n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "infocmp -1 -x %s 2>&1", term);
	p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "popen(%s) failed", cmd);
	while (fgets(line, sizeof(line), p) && n < max) {
		char *s = line, *eq, *end;

		while (*s == '\t' || *s == ' ')
			s++;
		eq = strchr(s, '=');
		end = strrchr(s, ',');
		if (*s == '#' || !eq || !end || end < eq || (size_t)(eq - s) >= sizeof(caps[n].name))
			continue;
		*end = '\0';
		memcpy(caps[n].name, s, (size_t)(eq - s));
		caps[n].name[eq - s] = '\0';
		caps[n].len = unescape(eq + 1, caps[n].value, sizeof(caps[n].value));
		n++;
	}
	ck_assert_msg(pclose(p) == 0, "infocmp %s failed (ncurses-bin and ncurses-base installed?)",
		      term);
	ck_assert_msg(n > 20, "infocmp %s: only %d string capabilities", term, n);
	return n;
}

static const struct cap *find_cap(const struct cap *caps, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(caps[i].name, name))
			return &caps[i];
	return NULL;
}

/* The key each fixed capability names (kfN and xterm's kUP5... are computed). */
static const struct {
	const char *cap;
	uint32_t keysym;
	unsigned mods;
} cap_keys[] = {
	{ "kcuu1", XK_Up, 0 },        { "kcud1", XK_Down, 0 },    { "kcuf1", XK_Right, 0 },
	{ "kcub1", XK_Left, 0 },      { "khome", XK_Home, 0 },    { "kend", XK_End, 0 },
	{ "kich1", XK_Insert, 0 },    { "kdch1", XK_Delete, 0 },  { "kpp", XK_Prior, 0 },
	{ "knp", XK_Next, 0 },        { "kbs", XK_BackSpace, 0 }, { "kcbt", XK_ISO_Left_Tab, 0 },
	{ "kent", XK_KP_Enter, 0 },   { "ka1", XK_KP_7, 0 },      { "ka3", XK_KP_9, 0 },
	{ "kc1", XK_KP_1, 0 },        { "kc3", XK_KP_3, 0 },      { "kbeg", XK_KP_Begin, 0 },
	{ "kind", XK_Down, S },       { "kri", XK_Up, S },
	/* A VT220's editing keypad: Find and Select are where Home and End are. */
	{ "kfnd", XK_Home, 0 },       { "kslt", XK_End, 0 },
	/* Help and Do, the VT220's F15 and F16: Shift+F3 and Shift+F4. */
	{ "khlp", XK_F3, S },         { "krdo", XK_F4, S },
	{ "kspd", XK_z, C },          /* the Linux console's Suspend: ^Z */
	/* xterm's keypad in full (-x): NumLock's digits and the operators, under DECKPAM. */
	{ "ka2", XK_KP_8, 0 },        { "kb1", XK_KP_4, 0 },      { "kb3", XK_KP_6, 0 },
	{ "kc2", XK_KP_2, 0 },        { "kp5", XK_KP_Begin, 0 },  { "kpADD", XK_KP_Add, 0 },
	{ "kpCMA", XK_KP_Separator, 0 }, { "kpDIV", XK_KP_Divide, 0 },
	{ "kpDOT", XK_KP_Decimal, 0 }, { "kpMUL", XK_KP_Multiply, 0 },
	{ "kpSUB", XK_KP_Subtract, 0 }, { "kpZRO", XK_KP_0, 0 },
};

/* xterm's modified cursor and editing keys, kUP3 ... kNXT7 (-x). */
static const struct {
	const char *base;
	uint32_t keysym;
} modified_keys[] = {
	{ "kUP", XK_Up },     { "kDN", XK_Down },   { "kLFT", XK_Left }, { "kRIT", XK_Right },
	{ "kHOM", XK_Home },  { "kEND", XK_End },   { "kIC", XK_Insert }, { "kDC", XK_Delete },
	{ "kPRV", XK_Prior }, { "kNXT", XK_Next },
};

/* The key a capability names; false if none (the test then fails). */
static bool key_for(const char *cap, enum vt_key_set set, uint32_t *keysym, unsigned *mods)
{
	/* kf13.. are F1-F12 again with Shift, Ctrl, Ctrl+Shift, Alt, Alt+Shift. */
	static const unsigned group_mods[] = { 0, S, C, S | C, A, A | S };
	int n, used = 0;

	/* The Linux console's keypad centre sends kb2 only with NumLock off. */
	if (!strcmp(cap, "kb2")) {
		*keysym = set == VT_KEYS_LINUX ? XK_KP_Begin : XK_KP_5;
		*mods = 0;
		return true;
	}
	for (size_t i = 0; i < N_ELEM(cap_keys); i++)
		if (!strcmp(cap, cap_keys[i].cap)) {
			*keysym = cap_keys[i].keysym;
			*mods = cap_keys[i].mods;
			return true;
		}
	if (sscanf(cap, "kf%d%n", &n, &used) == 1 && !cap[used] && n >= 1 && n <= 72) {
		*keysym = XK_F1 + (uint32_t)(n - 1) % 12;
		*mods = group_mods[(n - 1) / 12];
		return true;
	}
	for (size_t i = 0; i < N_ELEM(modified_keys); i++) {
		size_t k = strlen(modified_keys[i].base);

		if (strncmp(cap, modified_keys[i].base, k))
			continue;
		/* No digit: Shift (2); else xterm's parameter 1 + shift + 2 alt + 4 ctrl. */
		int m = cap[k] ? atoi(cap + k) : 2;

		if (m < 2 || m > 8 || (cap[k] && cap[k + 1]))
			return false;
		*keysym = modified_keys[i].keysym;
		*mods = ((m - 1) & 1 ? S : 0) | ((m - 1) & 2 ? A : 0) | ((m - 1) & 4 ? C : 0);
		return true;
	}
	return false;
}

static void modes_for(const struct cap *caps, int n, struct vt_modes *m)
{
	const struct cap *smkx = find_cap(caps, n, "smkx");

	memset(m, 0, sizeof(*m));
	m->alt_sends_escape = true;
	m->cursor_visible = true;
	if (smkx) {
		m->cursor_keys_app = memmem(smkx->value, smkx->len, "\033[?1h", 5) != NULL;
		m->keypad_app = memmem(smkx->value, smkx->len, "\033=", 2) != NULL;
	}
}

static const char *hex(const char *p, size_t n, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used + 4 < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%02x ", (unsigned char)p[i]);
	return out;
}

/* Every key capability of terms[_i]. */
START_TEST(test_terminfo)
{
	static struct cap caps[MAX_CAPS];
	int n = read_caps(terms[_i].term, caps, MAX_CAPS), checked = 0;
	enum vt_key_set set = terms[_i].set;
	struct vt_modes modes;

	modes_for(caps, n, &modes);
	for (int i = 0; i < n; i++) {
		char buf[VT_KEY_MAX], got[160], want[160];
		const struct cap *c = &caps[i];
		uint32_t keysym;
		unsigned mods;
		int len;

		if (c->name[0] != 'k' || !strcmp(c->name, "kmous") || !strcmp(c->name, "kxIN") ||
		    !strcmp(c->name, "kxOUT"))
			continue; /* not keys: mouse reports, focus in and out */
		/*
		 * linux's kcbt2 (\E[Z) is a second back-tab the entry also
		 * accepts, for keymaps that send it; a key sends one thing,
		 * and the Linux console's own is kcbt's ESC Tab.
		 */
		if (!strcmp(c->name, "kcbt2"))
			continue;
		ck_assert_msg(key_for(c->name, set, &keysym, &mods), "%s: no key known for %s",
			      terms[_i].term, c->name);
		len = vt_key_encode(keysym, mods, &modes, set, buf, sizeof(buf));
		/*
		 * The one deviation: vt220's kbs is ^H, but a VT220's key sends
		 * DEL, as do the terminals people reach a serial console with,
		 * and agetty starts the tty with erase = DEL; DECBKM gives ^H.
		 */
		if (set == VT_KEYS_VT220 && !strcmp(c->name, "kbs")) {
			ck_assert(c->len == 1 && c->value[0] == '\b');
			ck_assert(len == 1 && buf[0] == 0x7f);
			modes.backarrow_bs = true;
			len = vt_key_encode(keysym, mods, &modes, set, buf, sizeof(buf));
			modes.backarrow_bs = false;
		}
		ck_assert_msg(len == (int)c->len && !memcmp(buf, c->value, c->len),
			      "%s %s (keysym 0x%x mods %u): sent [%s], terminfo says [%s]",
			      terms[_i].term, c->name, keysym, mods,
			      hex(buf, len > 0 ? (size_t)len : 0, got, sizeof(got)),
			      hex(c->value, c->len, want, sizeof(want)));
		checked++;
	}
	/* xterm-256color has 120-odd, linux 35, vt220 29. */
	ck_assert_msg(checked >= 25, "%s: only %d key capabilities", terms[_i].term, checked);
}
END_TEST

/* What terminfo leaves out, per set: {set, keysym, mods, DECCKM|DECKPAM, bytes}. */
enum { CKM = 1, KPAM = 2 };

static const struct dec_case {
	enum vt_key_set set;
	uint32_t keysym;
	unsigned mods, modes;
	const char *want;
} dec_cases[] = {
	/* No modifier parameters: Shift, Ctrl leave the key alone; Alt prefixes ESC. */
	{ VT_KEYS_LINUX, XK_Left, C, 0, "\033[D" },
	{ VT_KEYS_LINUX, XK_Up, S, CKM, "\033OA" },
	{ VT_KEYS_LINUX, XK_Home, A, 0, "\033\033[1~" },
	{ VT_KEYS_LINUX, XK_Delete, C, 0, "\033[3~" },
	{ VT_KEYS_VT220, XK_Right, S | C, 0, "\033[C" },
	{ VT_KEYS_VT220, XK_End, A, 0, "\033\033[4~" },
	{ VT_KEYS_VT220, XK_Prior, C, 0, "\033[5~" },
	/* Home and End ignore DECCKM (they are editing keys there). */
	{ VT_KEYS_LINUX, XK_Home, 0, CKM, "\033[1~" },
	{ VT_KEYS_VT220, XK_KP_End, 0, CKM, "\033[4~" },
	/* F-keys: Shift+F1..F8 are F13..F20; other modifiers are dropped. */
	{ VT_KEYS_LINUX, XK_F1, C, 0, "\033[[A" },
	{ VT_KEYS_LINUX, XK_F5, A, 0, "\033\033[[E" },
	{ VT_KEYS_LINUX, XK_F9, S, 0, "\033[20~" },
	{ VT_KEYS_LINUX, XK_F13, 0, 0, "\033[25~" },
	{ VT_KEYS_LINUX, XK_F20, 0, 0, "\033[34~" },
	{ VT_KEYS_LINUX, XK_F25, 0, 0, "\033[[A" },
	{ VT_KEYS_VT220, XK_F5, 0, 0, "\033[15~" },
	{ VT_KEYS_VT220, XK_F1, S, 0, "\033[25~" },
	{ VT_KEYS_VT220, XK_F8, S, 0, "\033[34~" },
	{ VT_KEYS_VT220, XK_F2, C, 0, "\033OQ" },
	{ VT_KEYS_VT220, XK_KP_F1, 0, 0, "\033OP" },
	/* Back-tab: the Linux console's ESC Tab, a VT220 as xterm. */
	{ VT_KEYS_LINUX, XK_Tab, S, 0, "\033\t" },
	{ VT_KEYS_VT220, XK_Tab, S, 0, "\033[Z" },
	/* The Linux console's keypad under DECKPAM: the kernel's app_map. */
	{ VT_KEYS_LINUX, XK_KP_Add, 0, KPAM, "\033Ol" },
	{ VT_KEYS_LINUX, XK_KP_Subtract, 0, KPAM, "\033OS" },
	{ VT_KEYS_LINUX, XK_KP_Multiply, 0, KPAM, "\033OR" },
	{ VT_KEYS_LINUX, XK_KP_Divide, 0, KPAM, "\033OQ" },
	{ VT_KEYS_LINUX, XK_KP_Decimal, 0, KPAM, "\033On" },
	{ VT_KEYS_LINUX, XK_KP_Home, 0, KPAM, "\033Ow" },
	{ VT_KEYS_LINUX, XK_KP_Begin, 0, KPAM, "\033Ou" },
	{ VT_KEYS_LINUX, XK_KP_Delete, 0, KPAM, "\033On" },
	{ VT_KEYS_LINUX, XK_KP_7, 0, KPAM, "\033Ow" },
	{ VT_KEYS_LINUX, XK_KP_Enter, 0, KPAM, "\033OM" },
	{ VT_KEYS_LINUX, XK_KP_Add, 0, 0, "+" },
	{ VT_KEYS_LINUX, XK_KP_Home, 0, 0, "\033[1~" },
	{ VT_KEYS_LINUX, XK_KP_Begin, 0, 0, "\033[G" },
	{ VT_KEYS_LINUX, XK_Begin, 0, 0, "\033[G" },
	/* A VT220's keypad is DEC's, as xterm's. */
	{ VT_KEYS_VT220, XK_KP_Subtract, 0, KPAM, "\033Om" },
	{ VT_KEYS_VT220, XK_KP_Separator, 0, KPAM, "\033Ol" },
	{ VT_KEYS_VT220, XK_KP_Home, 0, KPAM, "\033[1~" },
	{ VT_KEYS_VT220, XK_KP_5, 0, 0, "5" },
	/* Text is the same in every set. */
	{ VT_KEYS_LINUX, 0x6c1 /* Cyrillic_a */, 0, 0, "\320\260" },
	{ VT_KEYS_VT220, XK_c, C, 0, "\003" },
	{ VT_KEYS_VT220, XK_Return, A, 0, "\033\r" },
};

START_TEST(test_dec_sets)
{
	const struct dec_case *c = &dec_cases[_i];
	struct vt_modes modes = { .alt_sends_escape = true, .cursor_visible = true };
	char buf[VT_KEY_MAX], got[160], want[160];
	size_t wlen = strlen(c->want);
	int n;

	modes.cursor_keys_app = c->modes & CKM;
	modes.keypad_app = c->modes & KPAM;
	n = vt_key_encode(c->keysym, c->mods, &modes, c->set, buf, sizeof(buf));
	ck_assert_msg(n == (int)wlen && !memcmp(buf, c->want, wlen),
		      "case %d (set %d keysym 0x%x mods %u modes %u): sent [%s], want [%s]", _i,
		      (int)c->set, c->keysym, c->mods, c->modes,
		      hex(buf, n > 0 ? (size_t)n : 0, got, sizeof(got)),
		      hex(c->want, wlen, want, sizeof(want)));
}
END_TEST

/* The runner declares it from a generated list; this keeps the prototype check. */
Suite *keysets_suite(void);

Suite *keysets_suite(void)
{
	Suite *s = suite_create("keysets");
	TCase *tc = tcase_create("terminfo");

	tcase_add_loop_test(tc, test_terminfo, 0, (int)N_ELEM(terms));
	suite_add_tcase(s, tc);
	tc = tcase_create("dec_sets");
	tcase_add_loop_test(tc, test_dec_sets, 0, (int)N_ELEM(dec_cases));
	suite_add_tcase(s, tc);
	return s;
}
