/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/util_cast.h"
#include "vt100/utf8.h"
#include "vt100/vt100.h"

static bool bad(char *why, size_t whylen, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, whylen, "line %zu: ", line);

	va_start(ap, fmt);
	vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* Raw bytes of a JSON string must be valid UTF-8: decoding and encoding again changes nothing. */
static bool valid_utf8(const char *s, size_t n)
{
	struct vt_utf8 d = { 0 };
	char again[4];
	size_t at = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t cp[2];
		int k = vt_utf8_decode(&d, (uint8_t)s[i], cp);

		for (int j = 0; j < k; j++) {
			size_t m = vt_utf8_encode(cp[j], again);

			if (at + m > i + 1 || memcmp(s + at, again, m))
				return false;
			at += m;
		}
	}
	return d.need == 0 && at == n;
}

/* The JSON string at *p (after its '"') into out; *p left after the closing '"'. */
static bool json_string(const char **p, const char *end, char *out, size_t *len)
{
	const char *s = *p, *run;
	size_t o = 0;

	while (s < end && *s != '"') {
		if ((unsigned char)*s < 0x20)
			return false;
		if (*s != '\\') {
			for (run = s; s < end && *s != '"' && *s != '\\' && (unsigned char)*s >= 0x20; s++)
				;
			if (!valid_utf8(run, (size_t)(s - run)))
				return false;
			memcpy(out + o, run, (size_t)(s - run));
			o += (size_t)(s - run);
			continue;
		}
		if (++s >= end)
			return false;
		const char *esc = strchr("\"\\/bfnrt", *s);
		static const char val[] = "\"\\/\b\f\n\r\t";

		if (esc && *s) {
			out[o++] = val[esc - "\"\\/bfnrt"];
			s++;
			continue;
		}
		unsigned cp;

		if (*s != 'u' || end - s < 5 || sscanf(s + 1, "%4x", &cp) != 1 ||
		    (cp >= 0xd800 && cp < 0xe000))
			return false; /* we never write surrogates */
		o += vt_utf8_encode(cp, out + o);
		s += 5;
	}
	if (s >= end)
		return false;
	out[o] = '\0';
	*len = o;
	*p = s + 1;
	return true;
}

static bool header(const char *l, const char *end, struct cast *c)
{
	const char *term = strstr(l, "\"TERM\": \"");
	size_t n;

	if (strncmp(l, "{\"version\": 2, ", 15) ||
	    sscanf(l, "{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %lld,",
		   &c->width, &c->height, &c->timestamp) != 3 ||
	    !term || term > end)
		return false;
	term += 9;
	if (!json_string(&term, end, c->term, &n) || n >= sizeof(c->term))
		return false;
	return !strcmp(term, "}}") || !strncmp(term, "}}\n", 3);
}

static bool event(const char *l, const char *end, struct cast_event *e)
{
	char *after;
	const char *s;

	if (*l != '[')
		return false;
	e->t = strtod(l + 1, &after);
	if (after == l + 1 || strncmp(after, ", \"", 3) || after[4] != '"' ||
	    strncmp(after + 5, ", \"", 3))
		return false;
	e->type = after[3];
	s = after + 8;
	e->data = malloc((size_t)(end - s) * 2 + 1);
	if (!json_string(&s, end, e->data, &e->len))
		return false;
	return end - s == 1 && *s == ']';
}

bool cast_parse(const char *text, size_t len, struct cast *c, char *why, size_t whylen)
{
	const char *p = text, *end = text + len;
	size_t line = 1;

	memset(c, 0, sizeof(*c));
	if (!len || text[len - 1] != '\n')
		return bad(why, whylen, 0, "empty, or the last line is cut");
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (!header(p, nl, c))
		return bad(why, whylen, line, "not an asciicast v2 header: %.*s", (int)(nl - p), p);
	for (p = nl + 1; p < end; p = nl + 1) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		c->ev = realloc(c->ev, (c->n + 1) * sizeof(*c->ev));
		struct cast_event *e = &c->ev[c->n++];

		memset(e, 0, sizeof(*e));
		if (!event(p, nl, e))
			return bad(why, whylen, line, "not an event: %.*s", (int)(nl - p > 200 ? 200 : nl - p), p);
		if (e->type != 'o' && e->type != 'r')
			return bad(why, whylen, line, "an event of type %c", e->type);
		if (c->n > 1 && e->t < c->ev[c->n - 2].t)
			return bad(why, whylen, line, "time %f before the last event's", e->t);
	}
	return true;
}

void cast_free(struct cast *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->ev[i].data);
	free(c->ev);
	memset(c, 0, sizeof(*c));
}

char *cast_output(const struct cast *c, size_t end, size_t *len)
{
	size_t n = 0;
	char *out;

	for (size_t i = 0; i < end && i < c->n; i++)
		n += c->ev[i].type == 'o' ? c->ev[i].len : 0;
	out = malloc(n + 1);
	n = 0;
	for (size_t i = 0; i < end && i < c->n; i++)
		if (c->ev[i].type == 'o') {
			memcpy(out + n, c->ev[i].data, c->ev[i].len);
			n += c->ev[i].len;
		}
	out[n] = '\0';
	*len = n;
	return out;
}
