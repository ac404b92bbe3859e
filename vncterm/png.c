/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal PNG writer: 8-bit RGB, no interlace, filter 0 on every row,
 * one IDAT compressed with zlib.  Written to a temporary file and renamed,
 * so a reader never sees half a picture.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "vncterm/png.h"

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int chunk(FILE *f, const char *type, const uint8_t *data, size_t len)
{
	uint8_t hdr[8], crc[4];
	uLong c = crc32(0, (const Bytef *)type, 4);

	if (len > 0x7fffffffu)
		return -EFBIG;
	be32(hdr, (uint32_t)len);
	memcpy(hdr + 4, type, 4);
	if (len)
		c = crc32(c, data, (uInt)len);
	be32(crc, (uint32_t)c);
	if (fwrite(hdr, 1, 8, f) != 8 || (len && fwrite(data, 1, len, f) != len) ||
	    fwrite(crc, 1, 4, f) != 4)
		return -EIO;
	return 0;
}

int png_write(const char *path, const uint32_t *px, int w, int h)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t rowlen = 1 + 3 * (size_t)w, rawlen = rowlen * (size_t)h;
	uLongf zlen;
	uint8_t ihdr[13], *raw, *z;
	char tmp[4096];
	int err = 0;
	FILE *f;

	if (w < 1 || h < 1 || snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -EINVAL;
	zlen = compressBound((uLong)rawlen);
	raw = malloc(rawlen);
	z = malloc(zlen);
	if (!raw || !z) {
		free(raw);
		free(z);
		return -ENOMEM;
	}
	for (int y = 0; y < h; y++) {
		uint8_t *o = raw + (size_t)y * rowlen;

		*o++ = 0; /* filter: none */
		for (int x = 0; x < w; x++) {
			uint32_t v = px[(size_t)y * (size_t)w + (size_t)x];

			*o++ = (uint8_t)(v >> 16);
			*o++ = (uint8_t)(v >> 8);
			*o++ = (uint8_t)v;
		}
	}
	if (compress2(z, &zlen, raw, (uLong)rawlen, 6) != Z_OK) {
		err = -ENOMEM;
		goto out;
	}
	be32(ihdr, (uint32_t)w);
	be32(ihdr + 4, (uint32_t)h);
	ihdr[8] = 8;  /* bit depth */
	ihdr[9] = 2;  /* colour type: RGB */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	f = fopen(tmp, "wb");
	if (!f) {
		err = -errno;
		goto out;
	}
	if (fwrite(sig, 1, 8, f) != 8)
		err = -EIO;
	if (!err)
		err = chunk(f, "IHDR", ihdr, sizeof(ihdr));
	if (!err)
		err = chunk(f, "IDAT", z, zlen);
	if (!err)
		err = chunk(f, "IEND", NULL, 0);
	if (fclose(f) != 0 && !err)
		err = -EIO;
	if (!err && rename(tmp, path) != 0)
		err = -errno;
	if (err)
		unlink(tmp);
out:
	free(raw);
	free(z);
	return err;
}
