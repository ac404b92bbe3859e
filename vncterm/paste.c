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
	for (size_t i = 0, cont = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		/*
		 * C1 controls: U+0080-U+009F in UTF-8 (C2 80-9F), and a byte
		 * 80-9F that continues no UTF-8 sequence, which a program
		 * reading 8-bit controls would take as CSI, OSC...
		 */
		if (c == 0xc2 && i + 1 < len && (unsigned char)text[i + 1] >= 0x80 &&
		    (unsigned char)text[i + 1] <= 0x9f) {
			i++;
			cont = 0;
			continue;
		}
		if (c >= 0x80 && c <= 0xbf) {
			if (cont) {
				cont--;
			} else if (c <= 0x9f) {
				continue;
			}
		} else {
			cont = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 :
			       c >= 0xf0 && c <= 0xf4 ? 3 : 0;
		}
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
