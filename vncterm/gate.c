/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFB client messages (RFC 6143 7.5, and libvncserver 0.9.14's reading of
 * them, rfbProcessClientNormalMessage()), by type: how long each is, and
 * which are refused.  Refused are those vncterm does not serve and that
 * libvncserver would act on wrongly: SetScale and PalmVNC's (a division by
 * the viewer's factor, SIGFPE at the next resize), file transfer, text
 * chat, xvp (power control, which is the host agent's), and any type
 * libvncserver does not know.  A SetPixelFormat libvncserver cannot
 * translate to is refused here too, with a reason, rather than later
 * without one.
 */
#include <rfb/rfb.h>

#include "vncterm/bytes.h"
#include "vncterm/gate.h"

int gate_handshake_len(int rfb_state)
{
	switch (rfb_state) {
	case RFB_PROTOCOL_VERSION: return sz_rfbProtocolVersionMsg;
	case RFB_SECURITY_TYPE: return 1;
	case RFB_AUTHENTICATION: return CHALLENGESIZE;
	case RFB_INITIALISATION: return sz_rfbClientInitMsg;
	case RFB_INITIALISATION_SHARED: return 0;
	default: return -1;
	}
}

static enum gate_verdict refuse(struct gate_unit *u, const char *reason)
{
	u->reason = reason;
	return GATE_REFUSE;
}

/* One colour channel: a maximum that fits the pixel, a shift inside it. */
static int channel_ok(unsigned max, unsigned shift, unsigned bpp)
{
	return max != 0 && shift < bpp && ((uint64_t)max << shift) < ((uint64_t)1 << bpp);
}

/* bytes 4..19: bpp, depth, big-endian, true-colour, maxes, shifts */
static enum gate_verdict pixel_format(const uint8_t *b, struct gate_unit *u)
{
	unsigned bpp = b[4], depth = b[5];

	if (bpp != 8 && bpp != 16 && bpp != 32)
		return refuse(u, "a pixel format of neither 8, 16 nor 32 bits per pixel");
	if (depth == 0 || depth > bpp)
		return refuse(u, "a pixel format whose depth does not fit its pixel");
	if (!b[7] && bpp != 8)
		return refuse(u, "a colour map for a pixel of more than 8 bits");
	if (b[7] && (!channel_ok(get16(b + 8), b[14], bpp) || !channel_ok(get16(b + 10), b[15], bpp) ||
		     !channel_ok(get16(b + 12), b[16], bpp)))
		return refuse(u, "a true-colour pixel format whose channels do not fit its pixel");
	return GATE_UNIT;
}

static const char *refused_name(uint8_t type)
{
	switch (type) {
	case rfbFixColourMapEntries: return "FixColourMapEntries, which vncterm does not serve";
	case 7: return "a file transfer, which vncterm does not serve";
	case rfbSetScale: return "SetScale, which vncterm does not serve";
	case 9: return "SetServerInput, which vncterm does not serve";
	case 10: return "SetSW, which vncterm does not serve";
	case 11: return "a text chat, which vncterm does not serve";
	case 15: return "PalmVNC's SetScale, which vncterm does not serve";
	case rfbXvp: return "xvp (power control), which vncterm does not serve";
	default: return "a message type vncterm does not know";
	}
}

/* Whether len bytes hold need; sets the unit if so. */
static enum gate_verdict whole(size_t need, size_t len, struct gate_unit *u)
{
	if (len < need)
		return GATE_MORE;
	u->len = need;
	return GATE_UNIT;
}

enum gate_verdict gate_message(const uint8_t *b, size_t len, struct gate_unit *u)
{
	*u = (struct gate_unit){ .type = b[0] };
	switch (b[0]) {
	case rfbSetPixelFormat:
		if (len < sz_rfbSetPixelFormatMsg)
			return GATE_MORE;
		u->len = sz_rfbSetPixelFormatMsg;
		return pixel_format(b, u);
	case rfbSetEncodings:
		if (len < sz_rfbSetEncodingsMsg)
			return GATE_MORE;
		if (get16(b + 2) > GATE_MAX_ENCODINGS)
			return refuse(u, "a SetEncodings of over 1024 encodings");
		return whole(sz_rfbSetEncodingsMsg + 4 * (size_t)get16(b + 2), len, u);
	case rfbFramebufferUpdateRequest:
		return whole(sz_rfbFramebufferUpdateRequestMsg, len, u);
	case rfbKeyEvent:
		return whole(sz_rfbKeyEventMsg, len, u);
	case rfbPointerEvent:
		return whole(sz_rfbPointerEventMsg, len, u);
	case rfbSetDesktopSize:
		if (len < sz_rfbSetDesktopSizeMsg)
			return GATE_MORE;
		return whole(sz_rfbSetDesktopSizeMsg + sz_rfbExtDesktopScreen * (size_t)b[6], len, u);
	case rfbClientCutText: {
		if (len < sz_rfbClientCutTextMsg)
			return GATE_MORE;
		uint32_t n = get32(b + 4);

		u->len = sz_rfbClientCutTextMsg;
		u->cut_extended = (n & 0x80000000u) != 0;
		u->cut_len = u->cut_extended ? 0u - n : n;
		if (u->cut_len > GATE_CUT_MAX)
			return refuse(u, "a clipboard of over 1 MiB");
		if (u->cut_extended && u->cut_len < 4)
			return refuse(u, "an extended clipboard message without its flags");
		return GATE_CUT;
	}
	default:
		return refuse(u, refused_name(b[0]));
	}
}
