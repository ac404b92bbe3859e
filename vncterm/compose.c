/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compose (compose.h) on libxkbcommon's implementation of X's Compose
 * files.  What is ours: finding and mapping the file before the sandbox
 * and compiling it at the first key, one state per viewer, and what a terminal needs around a sequence --
 * Ctrl and Alt shortcuts are never swallowed, and the key that breaks a
 * sequence is still typed, where X would drop it too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xkbcommon/xkbcommon-compose.h>
#include <xkbcommon/xkbcommon.h>

#include "vncterm/compose.h"
#include "vt100/keys.h"

#define KS_UNICODE 0x01000000u /* 0x01000000 + code point */

struct compose_table {
	struct xkb_context *ctx;
	struct xkb_compose_table *xkb; /* NULL until a key needs it (or if that failed) */
	char *file;                    /* the Compose file, mapped read-only until parsed */
	size_t len;
	char *locale;
	bool failed;                   /* the parse failed: keys pass uncomposed */
};

#define SPACE " \t\r\n\v\f"

/* X's locale directory, by libxkbcommon's rule: $XLOCALEDIR, else its built-in one. */
static const char *xlocaledir(void)
{
	const char *dir = secure_getenv("XLOCALEDIR");

	return dir ? dir : "/usr/share/X11/locale";
}

/*
 * libxkbcommon's resolve_name() (compose/paths.c), which its API does
 * not export: in the locale directory's file ("left[:] right" lines,
 * # comments), the other side of the first line whose left (or, by_right,
 * right) is name; NULL if none.
 */
static char *lookup(const char *file, bool by_right, const char *name)
{
	char path[512], line[512];
	char *found = NULL;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", xlocaledir(), file) >= (int)sizeof(path))
		return NULL;
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f)) {
		char *left = line + strspn(line, SPACE), *right;

		if (*left == '#' || !*left)
			continue;
		right = left + strcspn(left, SPACE ":");
		if (*right)
			*right++ = '\0';
		right += strspn(right, SPACE);
		right[strcspn(right, SPACE)] = '\0';
		if (!strcmp(by_right ? right : left, name))
			found = strdup(by_right ? left : right);
	}
	if (f)
		fclose(f);
	return found;
}

/* dir + tail, or NULL (no dir, no memory). */
static char *join(const char *dir, const char *tail)
{
	char *p;

	return dir && asprintf(&p, "%s%s", dir, tail) >= 0 ? p : NULL;
}

/* The locale's own Compose file (alias resolved, C read as en_US.UTF-8, as libxkbcommon). */
static char *locale_file(const char *locale)
{
	char *alias = lookup("locale.alias", false, locale), *rel, *path = NULL;
	const char *name = alias ? alias : locale;

	rel = lookup("compose.dir", true, strcmp(name, "C") ? name : "en_US.UTF-8");
	if (rel && rel[0] == '/') {
		path = rel;
		rel = NULL;
	} else if (rel) {
		char *dir = join(xlocaledir(), "/");

		path = join(dir, rel);
		free(dir);
	}
	free(rel);
	free(alias);
	return path;
}

/*
 * Open the Compose file xkb_compose_table_new_from_locale() would read,
 * in its order: $XCOMPOSEFILE, $XDG_CONFIG_HOME/XCompose (or
 * ~/.config/XCompose), ~/.XCompose, then the locale's.  The descriptor,
 * or -1.
 */
static int open_compose_file(const char *locale)
{
	const char *xdg = secure_getenv("XDG_CONFIG_HOME"), *home = secure_getenv("HOME");
	const char *env = secure_getenv("XCOMPOSEFILE");
	char *cand[] = {
		env ? strdup(env) : NULL,
		xdg && xdg[0] == '/' ? join(xdg, "/XCompose") : join(home, "/.config/XCompose"),
		join(home, "/.XCompose"),
		locale_file(locale),
	};
	int fd = -1;

	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		if (fd < 0 && cand[i])
			fd = open(cand[i], O_RDONLY | O_CLOEXEC);
		free(cand[i]);
	}
	return fd;
}

/* Whether a line of the file starts with include: that one reads other files. */
static bool has_include(const char *s, size_t len)
{
	const char *end = s + len;

	while (s < end) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if ((size_t)(end - s) >= 7 && !memcmp(s, "include", 7))
			return true;
		s = memchr(s, '\n', (size_t)(end - s));
		s = s ? s + 1 : end;
	}
	return false;
}

/* Compile the mapped file into the table, once; unmap it. */
static bool parse(struct compose_table *t)
{
	if (t->xkb || t->failed)
		return t->xkb != NULL;
	t->xkb = xkb_compose_table_new_from_buffer(t->ctx, t->file, t->len, t->locale,
						   XKB_COMPOSE_FORMAT_TEXT_V1,
						   XKB_COMPOSE_COMPILE_NO_FLAGS);
	t->failed = !t->xkb;
	munmap(t->file, t->len);
	t->file = NULL;
	return t->xkb != NULL;
}

/* Map fd's file read-only into t: clean pages, the page cache's. */
static int map_file(struct compose_table *t, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return -ENODATA;
	t->len = (size_t)st.st_size;
	t->file = mmap(NULL, t->len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (t->file == MAP_FAILED) {
		t->file = NULL;
		return -errno;
	}
	return 0;
}

struct compose_table *compose_table_load(const char *locale, char *err, int errlen)
{
	struct compose_table *t = calloc(1, sizeof(*t));
	int fd, r;

	if (!locale)
		locale = COMPOSE_LOCALE;
	if (!t || !(t->locale = strdup(locale)) ||
	    !(t->ctx = xkb_context_new(XKB_CONTEXT_NO_DEFAULT_INCLUDES |
				       XKB_CONTEXT_NO_ENVIRONMENT_NAMES))) {
		/* No default include paths, no RMLVO names: this context only reads Compose. */
		snprintf(err, (size_t)errlen, "Compose table for %s: out of memory", locale);
		compose_table_free(t);
		return NULL;
	}
	fd = open_compose_file(locale);
	r = fd < 0 ? -ENOENT : map_file(t, fd);
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		snprintf(err, (size_t)errlen,
			 "no Compose table for %s in %s (install libx11-data): %s", locale,
			 xlocaledir(), strerror(-r));
		compose_table_free(t);
		return NULL;
	}
	/*
	 * Compiled at the first key that needs it: most consoles are never
	 * typed into, and the table costs ~2 ms and ~200 kB.  A file that
	 * includes others is compiled now, while they can still be opened.
	 */
	if (has_include(t->file, t->len) && !parse(t)) {
		snprintf(err, (size_t)errlen, "Compose table for %s: the file does not compile",
			 locale);
		compose_table_free(t);
		return NULL;
	}
	/* Scanned: the pages go back to the page cache until the parse. */
	if (t->file)
		madvise(t->file, t->len, MADV_DONTNEED);
	return t;
}

void compose_table_free(struct compose_table *t)
{
	if (t) {
		xkb_compose_table_unref(t->xkb);
		xkb_context_unref(t->ctx);
		if (t->file)
			munmap(t->file, t->len);
		free(t->locale);
		free(t);
	}
}

void compose_release(struct compose *c)
{
	if (c) {
		xkb_compose_state_unref(c->state);
		c->state = NULL;
		c->failed = false;
	}
}

bool compose_pending(const struct compose *c)
{
	return c && c->state &&
	       xkb_compose_state_get_status(c->state) == XKB_COMPOSE_COMPOSING;
}

/* Decode one UTF-8 sequence at s (libxkbcommon writes only valid UTF-8); 0 at the end. */
static uint32_t next_utf8(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t u;
	int more;

	if (!*p)
		return 0;
	if (*p < 0x80) {
		u = *p;
		more = 0;
	} else if ((*p & 0xe0) == 0xc0) {
		u = *p & 0x1f;
		more = 1;
	} else if ((*p & 0xf0) == 0xe0) {
		u = *p & 0x0f;
		more = 2;
	} else {
		u = *p & 0x07;
		more = 3;
	}
	for (p++; more > 0 && (*p & 0xc0) == 0x80; more--, p++)
		u = u << 6 | (*p & 0x3f);
	*s = p;
	return u;
}

/* The completed sequence's result, as keysyms. */
static int composed(struct xkb_compose_state *st, uint32_t out[COMPOSE_MAX])
{
	char text[64];
	const unsigned char *p = (const unsigned char *)text;
	int n = 0;
	uint32_t u;

	xkb_compose_state_get_utf8(st, text, sizeof(text));
	while (n < COMPOSE_MAX && (u = next_utf8(&p)))
		out[n++] = KS_UNICODE + u;
	if (n == 0) {
		/* No text: the result is a keysym of its own (a function key...). */
		xkb_keysym_t ks = xkb_compose_state_get_one_sym(st);

		if (ks != XKB_KEY_NoSymbol)
			out[n++] = ks;
	}
	xkb_compose_state_reset(st);
	return n;
}

/*
 * Xutil.h's IsModifierKey(): keys a sequence passes over.  libxkbcommon
 * 1.5 stops short of ISO_Level5_Shift and its locks (0xfe11-0xfe13),
 * which would cancel a sequence on a layout that uses level 5.
 */
static bool is_modifier(uint32_t keysym)
{
	return (keysym >= XKB_KEY_Shift_L && keysym <= XKB_KEY_Hyper_R) ||
	       (keysym >= XKB_KEY_ISO_Lock && keysym <= XKB_KEY_ISO_Level5_Lock) ||
	       keysym == XKB_KEY_Mode_switch || keysym == XKB_KEY_Num_Lock;
}

/* Feed keysym to the state; the status it leaves, or NOTHING if it was ignored. */
static enum xkb_compose_status feed(struct xkb_compose_state *st, uint32_t keysym)
{
	if (xkb_compose_state_feed(st, keysym) == XKB_COMPOSE_FEED_IGNORED)
		return XKB_COMPOSE_NOTHING;
	return xkb_compose_state_get_status(st);
}

int compose_feed(struct compose *c, struct compose_table *t, uint32_t keysym,
		 unsigned mods, uint32_t out[COMPOSE_MAX])
{
	enum xkb_compose_status status;

	if (!c || !out)
		return -EINVAL;
	out[0] = keysym;
	if (!t || c->failed || !parse(t))
		return 1;
	if (!c->state) {
		c->state = xkb_compose_state_new(t->xkb, XKB_COMPOSE_STATE_NO_FLAGS);
		if (!c->state) {
			c->failed = true; /* this viewer types uncomposed rather than not at all */
			return 1;
		}
	}
	if (mods & (VT_MOD_CTRL | VT_MOD_ALT)) {
		xkb_compose_state_reset(c->state);
		return 1;
	}
	if (is_modifier(keysym))
		return 1;
	status = feed(c->state, keysym);
	if (status == XKB_COMPOSE_CANCELLED) {
		/* The breaking key counts as typed afresh: it may start a sequence itself. */
		xkb_compose_state_reset(c->state);
		status = feed(c->state, keysym);
		if (status == XKB_COMPOSE_CANCELLED)
			xkb_compose_state_reset(c->state);
	}
	switch (status) {
	case XKB_COMPOSE_COMPOSING:
		return 0;
	case XKB_COMPOSE_COMPOSED:
		return composed(c->state, out);
	default:
		return 1; /* NOTHING: not part of any sequence, or a modifier */
	}
}
