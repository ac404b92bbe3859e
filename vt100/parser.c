/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DEC/ANSI parser: a table-driven state machine after the diagram at
 * vt100.net/emu/dec_ansi_parser, over UTF-8 decoded code points.
 *
 * The model, and where we deviate from the diagram:
 * - Input is decoded as UTF-8 first (invalid or overlong input becomes
 *   U+FFFD, counted as xterm counts it: see utf8.h); U+0080..U+009F act
 *   as the C1 controls, as xterm does in UTF-8 mode.  Raw 8-bit C1 bytes are not
 *   controls: they are ill-formed UTF-8.
 * - Code points >= U+00A0 print in the ground state, are collected in OSC
 *   strings and are ignored inside ESC, CSI and DCS sequences.
 * - ':' is a parameter separator (ISO 8613-6 sub-parameters, for SGR 38:2).
 * - BEL terminates an OSC string as well as ST (xterm).  An OSC string is
 *   only acted on when terminated by BEL or ST; CAN, SUB or another
 *   sequence starting abandons it.
 * - A DCS string is collected (its data as UTF-8, controls included, DEL
 *   dropped) and handed over with its header only when ST ends it; BEL is
 *   data there, as in xterm; CAN, SUB or another sequence abandons it.
 * - Linux console palette sequences, ESC ] P nrrggbb and ESC ] R, carry no
 *   terminator: they end after their fixed length so they cannot swallow
 *   the output that follows.
 * - DEL is ignored everywhere but in OSC strings, and in the ground state,
 *   where it is executed (as nothing, but it ends what REP repeats, as in
 *   xterm).
 *
 * Every guest-controlled quantity is bounded: PARSER_MAX_PARAMS parameters
 * (further ones are dropped), values saturate at PARSER_PARAM_MAX, more than
 * PARSER_MAX_INTER intermediates make the sequence invalid, and an OSC
 * string longer than PARSER_OSC_MAX, or a DCS string longer than
 * PARSER_DCS_MAX, is discarded whole.  Collecting either costs O(1) a byte.
 */
#include <stdbool.h>
#include <string.h>

#include "parser.h"
#include "vt100.h"

enum state {
	S_GROUND,
	S_ESCAPE,
	S_ESC_INTER,
	S_CSI_ENTRY,
	S_CSI_PARAM,
	S_CSI_INTER,
	S_CSI_IGNORE,
	S_DCS_ENTRY,
	S_DCS_PARAM,
	S_DCS_INTER,
	S_DCS_PASS,
	S_DCS_IGNORE,
	S_OSC,
	S_SOS, /* SOS, PM and APC strings: ignored to their end */
	S_COUNT,
	S_STAY = 15, /* in a transition: no state change */
};

enum action {
	A_IGNORE,
	A_PRINT,
	A_EXECUTE,
	A_COLLECT,
	A_PARAM,
	A_ESC_DISPATCH,
	A_CSI_DISPATCH,
	A_DCS_HOOK, /* the DCS header's final byte: its data follows */
	A_DCS_PUT,
	A_OSC_PUT,
	A_OSC_BEL,  /* BEL ends an OSC string */
};

struct transition {
	uint8_t state; /* S_COUNT: anywhere */
	uint8_t first, last;
	uint8_t action;
	uint8_t next;
};

#define ANY S_COUNT

/*
 * Rows are applied in order, per state first and then the "anywhere" rows,
 * so the latter win.  Anything not listed is ignored without a state change.
 */
static const struct transition transitions[] = {
	{ S_GROUND, 0x00, 0x17, A_EXECUTE, S_STAY },
	{ S_GROUND, 0x19, 0x19, A_EXECUTE, S_STAY },
	{ S_GROUND, 0x1c, 0x1f, A_EXECUTE, S_STAY },
	{ S_GROUND, 0x20, 0x7e, A_PRINT, S_STAY },
	{ S_GROUND, 0x7f, 0x7f, A_EXECUTE, S_STAY },

	{ S_ESCAPE, 0x00, 0x17, A_EXECUTE, S_STAY },
	{ S_ESCAPE, 0x19, 0x19, A_EXECUTE, S_STAY },
	{ S_ESCAPE, 0x1c, 0x1f, A_EXECUTE, S_STAY },
	{ S_ESCAPE, 0x20, 0x2f, A_COLLECT, S_ESC_INTER },
	{ S_ESCAPE, 0x30, 0x7e, A_ESC_DISPATCH, S_GROUND },
	{ S_ESCAPE, 0x50, 0x50, A_IGNORE, S_DCS_ENTRY },
	{ S_ESCAPE, 0x58, 0x58, A_IGNORE, S_SOS },
	{ S_ESCAPE, 0x5b, 0x5b, A_IGNORE, S_CSI_ENTRY },
	{ S_ESCAPE, 0x5d, 0x5d, A_IGNORE, S_OSC },
	{ S_ESCAPE, 0x5e, 0x5f, A_IGNORE, S_SOS },

	{ S_ESC_INTER, 0x00, 0x17, A_EXECUTE, S_STAY },
	{ S_ESC_INTER, 0x19, 0x19, A_EXECUTE, S_STAY },
	{ S_ESC_INTER, 0x1c, 0x1f, A_EXECUTE, S_STAY },
	{ S_ESC_INTER, 0x20, 0x2f, A_COLLECT, S_STAY },
	{ S_ESC_INTER, 0x30, 0x7e, A_ESC_DISPATCH, S_GROUND },

	{ S_CSI_ENTRY, 0x00, 0x17, A_EXECUTE, S_STAY },
	{ S_CSI_ENTRY, 0x19, 0x19, A_EXECUTE, S_STAY },
	{ S_CSI_ENTRY, 0x1c, 0x1f, A_EXECUTE, S_STAY },
	{ S_CSI_ENTRY, 0x20, 0x2f, A_COLLECT, S_CSI_INTER },
	{ S_CSI_ENTRY, 0x30, 0x3b, A_PARAM, S_CSI_PARAM },
	{ S_CSI_ENTRY, 0x3c, 0x3f, A_COLLECT, S_CSI_PARAM },
	{ S_CSI_ENTRY, 0x40, 0x7e, A_CSI_DISPATCH, S_GROUND },

	{ S_CSI_PARAM, 0x00, 0x17, A_EXECUTE, S_STAY },
	{ S_CSI_PARAM, 0x19, 0x19, A_EXECUTE, S_STAY },
	{ S_CSI_PARAM, 0x1c, 0x1f, A_EXECUTE, S_STAY },
	{ S_CSI_PARAM, 0x20, 0x2f, A_COLLECT, S_CSI_INTER },
	{ S_CSI_PARAM, 0x30, 0x3b, A_PARAM, S_STAY },
	{ S_CSI_PARAM, 0x3c, 0x3f, A_IGNORE, S_CSI_IGNORE },
	{ S_CSI_PARAM, 0x40, 0x7e, A_CSI_DISPATCH, S_GROUND },

	{ S_CSI_INTER, 0x00, 0x17, A_EXECUTE, S_STAY },
	{ S_CSI_INTER, 0x19, 0x19, A_EXECUTE, S_STAY },
	{ S_CSI_INTER, 0x1c, 0x1f, A_EXECUTE, S_STAY },
	{ S_CSI_INTER, 0x20, 0x2f, A_COLLECT, S_STAY },
	{ S_CSI_INTER, 0x30, 0x3f, A_IGNORE, S_CSI_IGNORE },
	{ S_CSI_INTER, 0x40, 0x7e, A_CSI_DISPATCH, S_GROUND },

	{ S_CSI_IGNORE, 0x00, 0x17, A_EXECUTE, S_STAY },
	{ S_CSI_IGNORE, 0x19, 0x19, A_EXECUTE, S_STAY },
	{ S_CSI_IGNORE, 0x1c, 0x1f, A_EXECUTE, S_STAY },
	{ S_CSI_IGNORE, 0x40, 0x7e, A_IGNORE, S_GROUND },

	{ S_DCS_ENTRY, 0x20, 0x2f, A_COLLECT, S_DCS_INTER },
	{ S_DCS_ENTRY, 0x30, 0x3b, A_PARAM, S_DCS_PARAM },
	{ S_DCS_ENTRY, 0x3c, 0x3f, A_COLLECT, S_DCS_PARAM },
	{ S_DCS_ENTRY, 0x40, 0x7e, A_DCS_HOOK, S_DCS_PASS },

	{ S_DCS_PARAM, 0x20, 0x2f, A_COLLECT, S_DCS_INTER },
	{ S_DCS_PARAM, 0x30, 0x3b, A_PARAM, S_STAY },
	{ S_DCS_PARAM, 0x3c, 0x3f, A_IGNORE, S_DCS_IGNORE },
	{ S_DCS_PARAM, 0x40, 0x7e, A_DCS_HOOK, S_DCS_PASS },

	{ S_DCS_INTER, 0x20, 0x2f, A_COLLECT, S_STAY },
	{ S_DCS_INTER, 0x30, 0x3f, A_IGNORE, S_DCS_IGNORE },
	{ S_DCS_INTER, 0x40, 0x7e, A_DCS_HOOK, S_DCS_PASS },

	{ S_DCS_PASS, 0x00, 0x17, A_DCS_PUT, S_STAY },
	{ S_DCS_PASS, 0x19, 0x19, A_DCS_PUT, S_STAY },
	{ S_DCS_PASS, 0x1c, 0x7e, A_DCS_PUT, S_STAY },

	{ S_OSC, 0x07, 0x07, A_OSC_BEL, S_GROUND },
	{ S_OSC, 0x20, 0x7f, A_OSC_PUT, S_STAY },

	/* anywhere */
	{ ANY, 0x18, 0x18, A_EXECUTE, S_GROUND },
	{ ANY, 0x1a, 0x1a, A_EXECUTE, S_GROUND },
	{ ANY, 0x1b, 0x1b, A_IGNORE, S_ESCAPE },
	{ ANY, 0x80, 0x8f, A_EXECUTE, S_GROUND },
	{ ANY, 0x90, 0x90, A_IGNORE, S_DCS_ENTRY },
	{ ANY, 0x91, 0x97, A_EXECUTE, S_GROUND },
	{ ANY, 0x98, 0x98, A_IGNORE, S_SOS },
	{ ANY, 0x99, 0x9a, A_EXECUTE, S_GROUND },
	{ ANY, 0x9b, 0x9b, A_IGNORE, S_CSI_ENTRY },
	{ ANY, 0x9c, 0x9c, A_IGNORE, S_GROUND },
	{ ANY, 0x9d, 0x9d, A_IGNORE, S_OSC },
	{ ANY, 0x9e, 0x9f, A_IGNORE, S_SOS },
};

static void build_table(struct parser *p)
{
	for (int s = 0; s < S_COUNT; s++)
		memset(p->table[s], A_IGNORE << 4 | S_STAY, sizeof(p->table[s]));
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
			const struct transition *t = &transitions[i];

			if ((t->state == ANY) != (pass == 1))
				continue;
			for (int s = 0; s < S_COUNT; s++) {
				if (t->state != ANY && t->state != s)
					continue;
				for (int c = t->first; c <= t->last; c++)
					p->table[s][c] = (uint8_t)(t->action << 4 | t->next);
			}
		}
	}
}

void parser_reset(struct parser *p)
{
	p->state = S_GROUND;
	p->u.need = 0;
	p->nprint = 0;
	p->str_len = 0;
	p->str_overflow = 0;
	p->str_await_st = 0;
	memset(&p->seq, 0, sizeof(p->seq));
}

void parser_init(struct parser *p, const struct parser_callbacks *cb, void *user)
{
	memset(p, 0, sizeof(*p));
	p->cb = cb;
	p->user = user;
	build_table(p);
	parser_reset(p);
}

static void flush_print(struct parser *p)
{
	if (p->nprint) {
		p->cb->print(p->print, p->nprint, p->user);
		p->nprint = 0;
	}
}

static void clear_seq(struct parser *p)
{
	p->seq.prefix = 0;
	p->seq.ninter = 0;
	p->seq.final = 0;
	p->seq.nparams = 0;
	p->seq_bad = 0;
	p->param_started = 0;
}

static void collect(struct parser *p, uint32_t c)
{
	if ((p->state == S_CSI_ENTRY || p->state == S_DCS_ENTRY) && c >= 0x3c) {
		p->seq.prefix = (uint8_t)c;
		return;
	}
	if (p->seq.ninter < PARSER_MAX_INTER)
		p->seq.inter[p->seq.ninter++] = (uint8_t)c;
	else
		p->seq_bad = 1;
}

/* Open a new parameter slot, or note that further ones are dropped. */
static void param_open(struct parser *p, int sub)
{
	struct parser_seq *s = &p->seq;

	if (s->nparams < PARSER_MAX_PARAMS) {
		s->params[s->nparams] = -1;
		s->sub[s->nparams] = (uint8_t)sub;
		s->nparams++;
		p->param_started = 1;
	} else {
		p->param_started = 2; /* dropping */
	}
}

static void param(struct parser *p, uint32_t c)
{
	struct parser_seq *s = &p->seq;

	if (!p->param_started)
		param_open(p, 0);
	if (c == ';' || c == ':') {
		param_open(p, c == ':');
		return;
	}
	if (p->param_started == 2)
		return;
	int32_t v = s->params[s->nparams - 1];
	v = (v < 0 ? 0 : v) * 10 + (int32_t)(c - '0');
	s->params[s->nparams - 1] = v > PARSER_PARAM_MAX ? PARSER_PARAM_MAX : v;
}

_Static_assert(PARSER_DCS_MAX <= PARSER_OSC_MAX, "one buffer holds either string");

/* Linux palette sequences have a fixed length and no terminator. */
static int osc_linux_complete(const struct parser *p)
{
	return (p->str[0] == 'P' && p->str_len == 8) ||
	       (p->str[0] == 'R' && p->str_len == 1);
}

/* Append c, as UTF-8, to the OSC or DCS string; past its cap, discard it. */
static void str_put(struct parser *p, uint32_t c)
{
	size_t max = p->state == S_OSC ? PARSER_OSC_MAX : PARSER_DCS_MAX;
	char b[4];
	size_t n = vt_utf8_encode(c, b);

	if (p->str_len + n > max) {
		p->str_overflow = 1;
		return;
	}
	memcpy(p->str + p->str_len, b, n);
	p->str_len += n;
}

static void str_clear(struct parser *p)
{
	p->str_len = 0;
	p->str_overflow = 0;
}

/* The string of kind (S_OSC or S_DCS_PASS) is complete: hand it over. */
static void str_dispatch(struct parser *p, uint8_t kind)
{
	flush_print(p);
	if (!p->str_overflow) {
		p->str[p->str_len] = '\0';
		if (kind == S_OSC)
			p->cb->osc(p->str, p->str_len, p->user);
		else
			p->cb->dcs(&p->dcs, p->str, p->str_len, p->user);
	}
	str_clear(p);
}

/* The DCS header is complete (c its final byte): its data follows. */
static void dcs_hook(struct parser *p, uint32_t c)
{
	p->seq.final = (uint8_t)c;
	p->dcs = p->seq;
	str_clear(p);
	p->str_overflow = p->seq_bad; /* an invalid header: the string is dropped */
}

static void enter_state(struct parser *p, uint8_t next, uint32_t c)
{
	uint8_t prev = p->state;

	if (prev == S_OSC || prev == S_DCS_PASS) {
		/* An ESC may be the start of ST; anything else abandons it. */
		if (c == 0x9c)
			str_dispatch(p, prev);
		else if (c == 0x1b)
			p->str_await_st = prev;
		else
			str_clear(p);
	}
	p->state = next;
	switch (next) {
	case S_ESCAPE:
	case S_CSI_ENTRY:
	case S_DCS_ENTRY:
		clear_seq(p);
		break;
	case S_OSC:
		str_clear(p);
		break;
	default:
		break;
	}
}

static void esc_dispatch(struct parser *p, uint32_t c)
{
	p->seq.final = (uint8_t)c;
	if (!p->seq_bad)
		p->cb->esc(&p->seq, p->user);
}

static void do_action(struct parser *p, uint8_t action, uint32_t c)
{
	switch (action) {
	case A_PRINT:
		if (p->nprint == PARSER_PRINT_BATCH)
			flush_print(p);
		p->print[p->nprint++] = c;
		return;
	case A_EXECUTE:
		flush_print(p);
		p->cb->execute(c, p->user);
		return;
	case A_COLLECT:
		collect(p, c);
		return;
	case A_PARAM:
		param(p, c);
		return;
	case A_ESC_DISPATCH:
		flush_print(p);
		esc_dispatch(p, c);
		return;
	case A_CSI_DISPATCH:
		flush_print(p);
		p->seq.final = (uint8_t)c;
		if (!p->seq_bad)
			p->cb->csi(&p->seq, p->user);
		return;
	case A_OSC_PUT:
		str_put(p, c);
		if (osc_linux_complete(p)) {
			str_dispatch(p, S_OSC);
			p->state = S_GROUND;
		}
		return;
	case A_OSC_BEL:
		p->osc_bel = 1; /* a reply ends as the query did */
		str_dispatch(p, S_OSC);
		p->osc_bel = 0;
		return;
	case A_DCS_HOOK:
		dcs_hook(p, c);
		return;
	case A_DCS_PUT:
		str_put(p, c);
		return;
	default:
		return;
	}
}

static void process(struct parser *p, uint32_t c)
{
	uint8_t action, next;

	if (p->str_await_st) {
		/* The code point after an ESC that interrupted an OSC or DCS string. */
		uint8_t kind = p->str_await_st;

		p->str_await_st = 0;
		if (p->state == S_ESCAPE && c == '\\') {
			str_dispatch(p, kind);
			p->state = S_GROUND;
			return;
		}
		str_clear(p);
	}
	if (c < 0xa0) {
		uint8_t e = p->table[p->state][c];

		action = e >> 4;
		next = e & 0xf;
	} else {
		next = S_STAY;
		if (p->state == S_GROUND)
			action = A_PRINT;
		else if (p->state == S_OSC)
			action = A_OSC_PUT;
		else if (p->state == S_DCS_PASS)
			action = A_DCS_PUT;
		else
			action = A_IGNORE;
	}
	do_action(p, action, c);
	if (next != S_STAY)
		enter_state(p, next, c);
}

/* Feed one byte to the UTF-8 decoder (utf8.h); complete code points go to process(). */
static inline __attribute__((always_inline)) void decode(struct parser *p, uint8_t b)
{
	uint32_t cp[2];
	int n = vt_utf8_decode(&p->u, b, cp);

	for (int i = 0; i < n; i++)
		process(p, cp[i]);
}

/*
 * The common CSI sequence -- ESC [, optional private marker, digits and
 * separators, at most PARSER_MAX_INTER intermediates, a final byte, all in
 * this buffer -- parsed in one tight loop with the state machine's exact
 * semantics.  Anything else (a control inside, a split buffer, a marker
 * after parameters) returns 0 and goes through the state machine.
 */
static size_t fast_csi(struct parser *p, const uint8_t *b, size_t n)
{
	struct parser_seq *s = &p->seq;
	size_t i = 2;
	int32_t v = -1;
	uint8_t sub = 0;
	int np = 0;
	bool any = false;

	s->prefix = 0;
	s->ninter = 0;
	if (i < n && b[i] >= 0x3c && b[i] <= 0x3f)
		s->prefix = b[i++];
	for (; i < n; i++) {
		uint8_t c = b[i];

		if (c >= '0' && c <= '9') {
			v = (v < 0 ? 0 : v) * 10 + (c - '0');
			if (v > PARSER_PARAM_MAX)
				v = PARSER_PARAM_MAX;
			any = true;
		} else if (c == ';' || c == ':') {
			if (np < PARSER_MAX_PARAMS) {
				s->params[np] = v;
				s->sub[np++] = sub;
			}
			v = -1;
			sub = c == ':';
			any = true;
		} else {
			break;
		}
	}
	if (any && np < PARSER_MAX_PARAMS) {
		s->params[np] = v;
		s->sub[np++] = sub;
	}
	s->nparams = np;
	while (i < n && b[i] >= 0x20 && b[i] <= 0x2f) {
		if (s->ninter == PARSER_MAX_INTER)
			return 0;
		s->inter[s->ninter++] = b[i++];
	}
	if (i >= n || b[i] < 0x40 || b[i] > 0x7e)
		return 0;
	s->final = b[i];
	p->seq_bad = 0;
	p->cb->csi(s, p->user);
	return i + 1;
}

/*
 * How many bytes from s on are printable ASCII (0x20-0x7e), eight at a
 * time while they all are.  Per byte of a word: below 0x20, subtracting
 * 0x20 sets its top bit; 0x7f, adding 1 does; 0x80 and above have it.
 * A borrow or carry into the next byte only comes from a byte that is
 * out of range itself, so a clear word means eight printable bytes.
 */
static size_t printable_run(const uint8_t *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, tops = 0x8080808080808080ull;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, sizeof(w));
		if (((w - 0x20 * ones) | (w + ones) | w) & tops)
			break;
	}
	while (i < n && s[i] >= 0x20 && s[i] < 0x7f)
		i++;
	return i;
}

/*
 * Well-formed UTF-8 in the ground state, decoded straight into the print
 * batch: what decode() and the table would do for code points from U+00A0
 * on (all printed there).  Returns the bytes taken; 0 leaves the first
 * sequence to decode() (cut short, malformed, or a C1 control).
 */
#define MIXED_ASCII_RUN 32

static size_t utf8_run(struct parser *p, const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= 0xc2) {
		uint32_t b = s[i], cp;
		size_t k;

		if (b < 0xe0 && i + 1 < n && (s[i + 1] & 0xc0) == 0x80) {
			cp = (b & 0x1f) << 6 | (s[i + 1] & 0x3f);
			k = 2;
			if (cp < 0xa0)
				break;
		} else if (b >= 0xe0 && b < 0xf0 && i + 2 < n && (s[i + 1] & 0xc0) == 0x80 &&
			   (s[i + 2] & 0xc0) == 0x80) {
			cp = (b & 0x0f) << 12 | (uint32_t)(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);
			k = 3;
			if (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000) || cp == 0xfffe)
				break;
		} else if (b >= 0xf0 && b < 0xf5 && i + 3 < n && (s[i + 1] & 0xc0) == 0x80 &&
			   (s[i + 2] & 0xc0) == 0x80 && (s[i + 3] & 0xc0) == 0x80) {
			cp = (b & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3f) << 12 |
			     (uint32_t)(s[i + 2] & 0x3f) << 6 | (s[i + 3] & 0x3f);
			k = 4;
			if (cp < 0x10000 || cp > 0x10ffff)
				break;
		} else {
			break;
		}
		if (p->nprint == PARSER_PRINT_BATCH)
			flush_print(p);
		p->print[p->nprint++] = cp;
		i += k;
	}
	return i;
}

/*
 * The ground state's common bytes skip the decoder and the table, with
 * the table's effect: a CSI sequence (fast_csi), a run of printable ASCII,
 * a C0 control other than ESC (executed; CAN and SUB return to the ground
 * state, where this already is).
 */
void parser_write(struct parser *p, const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t b = buf[i];

		if (p->state != S_GROUND || p->u.need != 0 || b >= 0x80) {
			size_t k = p->state == S_GROUND && p->u.need == 0 ? utf8_run(p, buf + i, len - i) : 0;

			if (k) {
				i += k;
				continue;
			}
			decode(p, b);
			i++;
			continue;
		}
		if (b == 0x1b && i + 2 < len && buf[i + 1] == '[') {
			size_t k;

			flush_print(p);
			k = fast_csi(p, buf + i, len - i);
			if (k) {
				i += k;
				continue;
			}
		} else if (b >= 0x20 && b < 0x7f) {
			size_t j = i + 1 + printable_run(buf + i + 1, len - i - 1);

			/*
			 * A word between other characters joins their batch, so
			 * that mixed text is written a row at a time.
			 */
			if (p->nprint && j - i <= MIXED_ASCII_RUN &&
			    p->nprint + (j - i) <= PARSER_PRINT_BATCH) {
				for (; i < j; i++)
					p->print[p->nprint++] = buf[i];
				continue;
			}
			flush_print(p);
			p->cb->print_ascii(buf + i, j - i, p->user);
			i = j;
			continue;
		} else if (b < 0x20 && b != 0x1b) {
			flush_print(p);
			p->cb->execute(b, p->user);
			i++;
			continue;
		}
		decode(p, buf[i++]);
	}
	flush_print(p);
}
