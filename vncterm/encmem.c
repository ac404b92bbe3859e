/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What libvncserver's encoders keep for each viewer between updates.
 *
 * Their scratch buffers: the pixels before and after encoding (tight's
 * are 256 KiB each at 32 bpp, JPEG's output buffer larger still), ZRLE's
 * tile, the JPEG compressor and LZO's work memory.  libvncserver keeps
 * them until the viewer leaves; each encoder allocates what it finds
 * missing (a NULL pointer, a size of 0) at its next rectangle, so they
 * are freed here once a viewer has been sent nothing for SCRATCH_IDLE_MS.
 * They are large enough to be mmap()ed (vnc.c fixes the threshold), so
 * freeing them gives the pages back at once.  What must persist is left
 * alone: the zlib streams (a viewer's inflater follows each of them).
 */
#include <stdlib.h>

#include "vncterm/vnc_internal.h"

/* libvncserver's own, exported but not declared in its headers; both may be called at any time. */
void rfbFreeTightData(rfbClientPtr cl);
void rfbFreeUltraData(rfbClientPtr cl);

/* Long enough to span the rounds of a burst of output, short next to a pause. */
#define SCRATCH_IDLE_MS 250

static bool held(const rfbClientRec *cl)
{
	return cl->beforeEncBuf || cl->afterEncBuf || cl->zrleBeforeBuf || cl->tightTJ ||
	       cl->compStreamInitedLZO;
}

void encmem_sent(struct conn *c, long long now)
{
	c->encoded_at = now;
}

long long encmem_due(const struct conn *c)
{
	return c->cl && c->cl->state == RFB_NORMAL && held(c->cl) ? c->encoded_at + SCRATCH_IDLE_MS
								   : -1;
}

void encmem_idle(struct conn *c, long long now)
{
	long long due = encmem_due(c);
	rfbClientPtr cl = c->cl;

	if (due < 0 || now < due)
		return;
	free(cl->beforeEncBuf);
	cl->beforeEncBuf = NULL;
	cl->beforeEncBufSize = 0;
	free(cl->afterEncBuf);
	cl->afterEncBuf = NULL;
	cl->afterEncBufSize = cl->afterEncBufLen = 0;
	free(cl->zrleBeforeBuf);
	cl->zrleBeforeBuf = NULL;
	rfbFreeTightData(cl);
	rfbFreeUltraData(cl);
}
