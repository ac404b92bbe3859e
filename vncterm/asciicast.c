/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "vncterm/asciicast.h"
#include "vt100/vt100.h"

#define TERM_MAX 64

/* Seconds with microseconds, without a double: no locale can put a comma in. */
static size_t put_time(char *out, uint64_t usec)
{
	return (size_t)sprintf(out, "%llu.%06llu", (unsigned long long)(usec / 1000000),
			       (unsigned long long)(usec % 1000000));
}

/* Code point cp inside a JSON string; at most 6 bytes. */
static size_t put_char(char *out, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	static const char short_form[] = { ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f',
					   ['\r'] = 'r', ['"'] = '"', ['\\'] = '\\' };

	if (cp < sizeof(short_form) && short_form[cp]) {
		out[0] = '\\';
		out[1] = short_form[cp];
		return 2;
	}
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
		memcpy(out, "\\u00", 4);
		out[4] = hex[cp >> 4];
		out[5] = hex[cp & 15];
		return 6;
	}
	return vt_utf8_encode(cp, out);
}

size_t asciicast_header(char out[ASCIICAST_LINE_MAX], int cols, int rows, long long unix_time,
			const char *term)
{
	struct vt_utf8 d = { 0 };
	char t[6 * TERM_MAX + 1];
	size_t n = 0, len = strnlen(term, TERM_MAX);

	for (size_t i = 0; i < len; i++) {
		uint32_t cp[2];
		int k = vt_utf8_decode(&d, (uint8_t)term[i], cp);

		for (int j = 0; j < k; j++)
			n += put_char(t + n, cp[j]);
	}
	t[n] = '\0';
	return (size_t)snprintf(out, ASCIICAST_LINE_MAX,
				"{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %lld, "
				"\"env\": {\"TERM\": \"%s\"}}\n",
				cols, rows, unix_time, t);
}

size_t asciicast_output(struct vt_utf8 *d, uint64_t usec, const char *in, size_t n, char *out)
{
	size_t o = 1, start;

	out[0] = '[';
	o += put_time(out + o, usec);
	memcpy(out + o, ", \"o\", \"", 8);
	o += 8;
	start = o;
	for (size_t i = 0; i < n; i++) {
		uint32_t cp[2];
		int k = vt_utf8_decode(d, (uint8_t)in[i], cp);

		for (int j = 0; j < k; j++)
			o += put_char(out + o, cp[j]);
	}
	if (o == start)
		return 0;
	memcpy(out + o, "\"]\n", 3);
	return o + 3;
}

size_t asciicast_resize(char out[ASCIICAST_LINE_MAX], uint64_t usec, int cols, int rows)
{
	size_t o = 1;

	out[0] = '[';
	o += put_time(out + o, usec);
	return o + (size_t)sprintf(out + o, ", \"r\", \"%dx%d\"]\n", cols, rows);
}
