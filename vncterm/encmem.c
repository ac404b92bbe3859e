/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What libvncserver's encoders keep for each viewer between updates.
 *
 * Their scratch buffers: the pixels before and after encoding (tight's
 * are 256 KiB each at 32 bpp, JPEG's output buffer larger still), ZRLE's
 * tile and palette, the JPEG compressor and LZO's work memory.  libvncserver keeps
 * them until the viewer leaves; each encoder allocates what it finds
 * missing (a NULL pointer, a size of 0) at its next rectangle, so they
 * are freed here once a viewer has been sent nothing for SCRATCH_IDLE_MS.
 * The large ones are mmap()ed (vnc.c fixes the threshold), so freeing
 * them gives the pages back at once; the loop trims the heap for the
 * others.  What must persist is left
 * alone: the zlib streams (a viewer's inflater follows each of them).
 *
 * Those streams are made smaller instead.  libvncserver asks zlib for a
 * 32 KiB window and memLevel 9 (tight, up to four streams a viewer; the
 * zlib encoding) or 8 (ZRLE, through deflateInit_()): 384 or 256 KiB a
 * stream, its hash table dirtied whole at once.  deflateInit2_() is
 * defined here, so the dynamic linker binds every call in the process to
 * this one (libvncserver's, and zlib's own deflateInit_()'s, which goes
 * through its PLT): it asks for at most a 4 KiB window and memLevel 6,
 * 48 KiB a stream, and lets zlib do the rest.  Such a stream is valid
 * deflate: its header says the smaller window, and any inflater with a
 * window as large or larger (zlib's default of 32 KiB: libvncclient's,
 * TigerVNC's, noVNC's pako) decodes it.  The only other deflate users in
 * the process are ours, compress() and compress2() (the extended
 * clipboard, PNG statefile pictures), whose one-shot streams are as
 * valid; gnutls, libvncserver's other dependency, compresses nothing.
 * The cost is compression: repeats further back than the window are not
 * found (ZRLE about 5 % more bytes on text, the zlib encoding's raw
 * pixels more; tight's small rectangles none).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <zlib.h>

#include "vncterm/vnc_internal.h"

/* libvncserver's own, exported but not declared in its headers; both may be called at any time. */
void rfbFreeTightData(rfbClientPtr cl);
void rfbFreeUltraData(rfbClientPtr cl);

/* Long enough to span the rounds of a burst of output, short next to a pause. */
#define SCRATCH_IDLE_MS 250

static bool held(const rfbClientRec *cl)
{
	return cl->beforeEncBuf || cl->afterEncBuf || cl->zrleBeforeBuf || cl->paletteHelper ||
	       cl->tightTJ || cl->compStreamInitedLZO;
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

bool encmem_idle(struct conn *c, long long now)
{
	long long due = encmem_due(c);
	rfbClientPtr cl = c->cl;

	if (due < 0 || now < due)
		return false;
	free(cl->beforeEncBuf);
	cl->beforeEncBuf = NULL;
	cl->beforeEncBufSize = 0;
	free(cl->afterEncBuf);
	cl->afterEncBuf = NULL;
	cl->afterEncBufSize = cl->afterEncBufLen = 0;
	free(cl->zrleBeforeBuf);
	cl->zrleBeforeBuf = NULL;
	free(cl->paletteHelper); /* ZRLE's, set up afresh for each tile */
	cl->paletteHelper = NULL;
	rfbFreeTightData(cl);
	rfbFreeUltraData(cl);
	return true;
}

/* The window's bits and the memLevel every deflate stream in the process gets at most. */
#define ZWINDOW_BITS 12
#define ZMEM_LEVEL 6

typedef int deflate_init2(z_streamp strm, int level, int method, int window_bits, int mem_level,
			  int strategy, const char *version, int stream_size);

int deflateInit2_(z_streamp strm, int level, int method, int window_bits, int mem_level,
		  int strategy, const char *version, int stream_size)
{
	deflate_init2 *zlib_own;
	/* -8..-15 raw deflate, 8..15 zlib, 24..31 gzip: the window is the low four bits' worth. */
	int sign = window_bits < 0 ? -1 : 1, bits = sign * window_bits, wrap = bits & ~15;

	*(void **)&zlib_own = dlsym(RTLD_NEXT, "deflateInit2_");
	if (!zlib_own)
		return Z_VERSION_ERROR;
	if ((bits & 15) > ZWINDOW_BITS && (bits & 15) >= 8)
		bits = wrap | ZWINDOW_BITS;
	if (mem_level > ZMEM_LEVEL)
		mem_level = ZMEM_LEVEL;
	return zlib_own(strm, level, method, sign * bits, mem_level, strategy, version, stream_size);
}
