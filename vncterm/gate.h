/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gate between a viewer's socket and libvncserver: where one RFB
 * handshake step or one client message ends, so that the loop hands
 * libvncserver only whole ones.  libvncserver reads a message with
 * blocking reads (a byte at a time would keep it waiting for as long as
 * the viewer likes); given exactly one complete message it never waits.
 * Messages vncterm does not serve are refused here, before libvncserver
 * could misparse them (SetScale divides by the viewer's factor).  Pure:
 * no I/O, no libvncserver.
 */
#ifndef VNCTERM_GATE_H
#define VNCTERM_GATE_H

#include <stddef.h>
#include <stdint.h>

/* More encodings than any viewer sends (TigerVNC: about 30); a longer list is refused. */
#define GATE_MAX_ENCODINGS 1024
/* The largest unit handed to libvncserver: a SetEncodings of GATE_MAX_ENCODINGS. */
#define GATE_UNIT_MAX (4 + 4 * GATE_MAX_ENCODINGS)
/* ClientCutText longer than this is refused, as libvncserver does (CVE-2018-7225). */
#define GATE_CUT_MAX (1u << 20)

enum gate_verdict {
	GATE_MORE,   /* incomplete: wait for more bytes */
	GATE_UNIT,   /* unit.len bytes are one whole message for libvncserver */
	GATE_CUT,    /* an 8-byte ClientCutText header; unit.cut_len bytes of text follow */
	GATE_REFUSE, /* unit.reason says why: close the viewer */
};

struct gate_unit {
	size_t len;         /* GATE_UNIT: the message's length; GATE_CUT: 8 */
	uint8_t type;       /* the message type */
	uint32_t cut_len;   /* GATE_CUT: the text's length */
	int cut_extended;   /* GATE_CUT: the extended clipboard's form (a negative length) */
	const char *reason; /* GATE_REFUSE: static text */
};

/*
 * The bytes a viewer sends in libvncserver's handshake state rfb_state
 * (RFB_PROTOCOL_VERSION ...), which rfbProcessClientMessage() reads at
 * once; 0 for a state it processes without reading; -1 for a state the
 * gate does not know (refuse the viewer).
 */
int gate_handshake_len(int rfb_state);

/* Classify the client message at the start of buf (len bytes, len > 0). */
enum gate_verdict gate_message(const uint8_t *buf, size_t len, struct gate_unit *unit);

#endif
