/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parser: bytes -> events.  Knows nothing of cells or screens.
 *
 * The state machine is the DEC/ANSI one described at vt100.net (Paul
 * Williams), run over code points rather than bytes: input is UTF-8 decoded
 * first, so U+0080..U+009F are the C1 controls (as in xterm's UTF-8 mode).
 */
#ifndef VT100_PARSER_H
#define VT100_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "vt100/utf8.h"

#define PARSER_MAX_PARAMS 32      /* more are parsed and dropped */
#define PARSER_MAX_INTER 2        /* more make the sequence invalid */
#define PARSER_PARAM_MAX 65535    /* values saturate here */
#define PARSER_OSC_MAX 4096       /* longer OSC strings are discarded */
#define PARSER_DCS_MAX 1024       /* longer DCS strings are discarded */
#define PARSER_PRINT_BATCH 256

/* One ESC or CSI sequence, as handed to a dispatch callback. */
struct parser_seq {
	uint8_t prefix;                 /* CSI private marker < = > ?, or 0 */
	uint8_t ninter;
	uint8_t inter[PARSER_MAX_INTER];
	uint8_t final;
	int nparams;
	int32_t params[PARSER_MAX_PARAMS]; /* -1 where omitted */
	uint8_t sub[PARSER_MAX_PARAMS];    /* 1 if this one followed a ':' */
};

struct parser_callbacks {
	/* A run of printable ASCII (0x20-0x7e) in the ground state. */
	void (*print_ascii)(const uint8_t *s, size_t n, void *user);
	/* A run of other printable code points (>= U+00A0, or U+FFFD). */
	void (*print)(const uint32_t *cp, size_t n, void *user);
	/* A C0 (0x00-0x1f), DEL or C1 (0x80-0x9f) control to act on. */
	void (*execute)(uint32_t c, void *user);
	void (*esc)(const struct parser_seq *seq, void *user);
	void (*csi)(const struct parser_seq *seq, void *user);
	/* A complete OSC string (without the terminator), NUL-terminated. */
	void (*osc)(const char *s, size_t len, void *user);
	/*
	 * A complete DCS string: its parameters, intermediates and final
	 * byte in seq, its data (without the terminator) NUL-terminated.
	 */
	void (*dcs)(const struct parser_seq *seq, const char *s, size_t len, void *user);
};

struct parser {
	uint8_t state;
	struct vt_utf8 u;        /* the UTF-8 decoder */
	/* sequence being collected */
	struct parser_seq seq;
	uint8_t seq_bad;         /* too many intermediates */
	uint8_t param_started;   /* digits or separator seen for current param */
	/* the OSC or DCS string being collected (never both at once) */
	uint8_t str_overflow;
	uint8_t str_await_st;    /* ESC seen inside one: its state, as ST may follow */
	uint8_t osc_bel;         /* the OSC string being dispatched ended with BEL */
	size_t str_len;
	char str[PARSER_OSC_MAX + 1];
	struct parser_seq dcs;   /* the DCS's header: seq is reused by an ESC \ */
	/* pending print batch */
	size_t nprint;
	uint32_t print[PARSER_PRINT_BATCH];
	/* transitions: [state][code point < 0xa0] = action << 4 | next state */
	uint8_t table[14][0xa0];

	const struct parser_callbacks *cb;
	void *user;
};

void parser_init(struct parser *p, const struct parser_callbacks *cb, void *user);
void parser_reset(struct parser *p);
void parser_write(struct parser *p, const uint8_t *buf, size_t len);

#endif
