/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reports: DCS strings, of which DECRQSS (DCS $ q Pt ST) is the one we
 * answer, in xterm 379's exact forms.  Replies leave through
 * dispatch_reply(), like every other.
 *
 * DCS strings arrive whole from the parser (bounded by PARSER_DCS_MAX)
 * and are looked up in a table by their header; unknown ones are
 * ignored.
 */
#include <stdio.h>
#include <string.h>

#include "vt_internal.h"

/* ---- DECRQSS -- request selection or setting ---- */

/* SGR: the rendition, as the parameters that make it from a reset. */
static void rqss_sgr(const struct vt *vt, char *buf, size_t size)
{
	sgr_params(&vt->pen, SGR_DECRQSS, buf, size);
}

/* DECSTBM: the scroll region, 1-based and inclusive. */
static void rqss_decstbm(const struct vt *vt, char *buf, size_t size)
{
	snprintf(buf, size, "%d;%d", vt->top + 1, vt->bottom);
}

/* DECSLRM: the left and right margins, 1-based and inclusive (the whole width unless set). */
static void rqss_decslrm(const struct vt *vt, char *buf, size_t size)
{
	snprintf(buf, size, "%d;%d", vt->left + 1, vt->right);
}

/* DECSCUSR: 1 blinking block .. 6 steady bar. */
static void rqss_decscusr(const struct vt *vt, char *buf, size_t size)
{
	int steady = vt->modes.cursor_shape == VT_CURSOR_UNDERLINE ? 4 :
		     vt->modes.cursor_shape == VT_CURSOR_BAR ? 6 : 2;

	snprintf(buf, size, "%d", steady - (vt->modes.cursor_blink ? 1 : 0));
}

/* DECSCA: 1 if what is printed next is protected, else 0. */
static void rqss_decsca(const struct vt *vt, char *buf, size_t size)
{
	snprintf(buf, size, "%d", (vt->pen.attrs & VT_ATTR_PROTECTED) ? 1 : 0);
}

/* The settings DECRQSS may name: Pt is the control's intermediate and final. */
static const struct {
	const char *name;
	void (*fn)(const struct vt *vt, char *buf, size_t size);
} rqss_table[] = {
	{ " q", rqss_decscusr },
	{ "\"q", rqss_decsca },
	{ "m", rqss_sgr },
	{ "r", rqss_decstbm },
	{ "s", rqss_decslrm },
};

/* DECRQSS -- request selection or setting: DCS 1 $ r value Pt ST, or DCS 0 $ r ST */
static void dcs_decrqss(struct vt *vt, const struct parser_seq *s, const char *pt, size_t len)
{
	if (s->nparams > 0)
		return; /* xterm answers DCS Ps $ q nothing */
	for (size_t i = 0; i < sizeof(rqss_table) / sizeof(rqss_table[0]); i++) {
		char value[SGR_PARAMS_MAX]; /* the longest value */

		if (strlen(rqss_table[i].name) != len || memcmp(rqss_table[i].name, pt, len) != 0)
			continue;
		rqss_table[i].fn(vt, value, sizeof(value));
		dispatch_reply(vt, "\033P1$r%s%s\033\\", value, rqss_table[i].name);
		return;
	}
	dispatch_reply(vt, "\033P0$r\033\\");
}

#define DCS_KEY(p, i, f) ((uint32_t)(p) << 16 | (uint32_t)(i) << 8 | (uint32_t)(f))

/* DCS strings by private marker, intermediate and final byte. */
static const struct {
	uint32_t key;
	void (*fn)(struct vt *vt, const struct parser_seq *s, const char *str, size_t len);
} dcs_table[] = {
	{ DCS_KEY(0, '$', 'q'), dcs_decrqss },
};

void report_dcs(const struct parser_seq *s, const char *str, size_t len, void *user)
{
	struct vt *vt = user;
	uint32_t key = DCS_KEY(s->prefix, s->ninter ? s->inter[0] : 0, s->final);

	vt->last_char = 0; /* REP repeats nothing after a string */
	if (s->ninter > 1)
		return;
	for (size_t i = 0; i < sizeof(dcs_table) / sizeof(dcs_table[0]); i++) {
		if (dcs_table[i].key == key) {
			dcs_table[i].fn(vt, s, str, len);
			return;
		}
	}
}
