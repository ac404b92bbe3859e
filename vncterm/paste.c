/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "vncterm/paste.h"

size_t paste_encode(const char *text, size_t len, bool bracketed, char *out)
{
	static const char start[] = "\033[200~", end[] = "\033[201~";
	size_t n = 0, body;

	if (bracketed) {
		memcpy(out, start, sizeof(start) - 1);
		n = sizeof(start) - 1;
	}
	body = n;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		if (c == '\n')
			c = '\r';
		if ((c < 0x20 && c != '\r' && c != '\t') || c == 0x7f)
			continue;
		out[n++] = (char)c;
	}
	if (n == body)
		return 0;
	if (bracketed) {
		memcpy(out + n, end, sizeof(end) - 1);
		n += sizeof(end) - 1;
	}
	return n;
}
