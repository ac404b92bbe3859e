/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A PNG reader for the tests, limited to what png_write() produces:
 * 8-bit RGB, no interlace, every row filter 0.  Chunk CRCs are checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util_png.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int png_read(const char *path, uint32_t **out, int *w, int *h)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	FILE *f = fopen(path, "rb");
	uint8_t *file = NULL, *z = NULL, *raw = NULL;
	size_t len = 0, zlen = 0;
	int err = -EINVAL;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) == 0 && (len = (size_t)ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		file = malloc(len);
		z = malloc(len);
		if (file && fread(file, 1, len, f) != len)
			len = 0;
	}
	fclose(f);
	if (!file || !z || len < 8 || memcmp(file, sig, 8) != 0)
		goto out;
	*w = *h = 0;
	for (size_t off = 8; off + 12 <= len;) {
		uint32_t n = be32(file + off);
		const uint8_t *type = file + off + 4, *data = file + off + 8;

		if (n > len - off - 12 || crc32(0, type, n + 4) != be32(data + n))
			goto out;
		if (memcmp(type, "IHDR", 4) == 0 && n == 13) {
			*w = (int)be32(data);
			*h = (int)be32(data + 4);
			if (data[8] != 8 || data[9] != 2 || data[12] != 0 || *w < 1 || *h < 1 ||
			    *w > 16384 || *h > 16384)
				goto out;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			memcpy(z + zlen, data, n);
			zlen += n;
		}
		off += 12 + n;
	}
	if (*w == 0)
		goto out;
	size_t rowlen = 1 + 3 * (size_t)*w;
	uLongf rawlen = (uLongf)(rowlen * (size_t)*h);

	raw = malloc(rawlen);
	*out = malloc((size_t)*w * (size_t)*h * sizeof(**out));
	if (!raw || !*out || uncompress(raw, &rawlen, z, zlen) != Z_OK ||
	    rawlen != rowlen * (size_t)*h) {
		free(*out);
		goto out;
	}
	for (int y = 0; y < *h; y++) {
		const uint8_t *p = raw + (size_t)y * rowlen;

		if (*p++ != 0) {
			free(*out);
			goto out;
		}
		for (int x = 0; x < *w; x++, p += 3)
			(*out)[(size_t)y * (size_t)*w + (size_t)x] =
				(uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	}
	err = 0;
out:
	free(file);
	free(z);
	free(raw);
	return err;
}
