/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkseeds DIR CASES: write the seed corpora of fuzz_ring, fuzz_statefile,
 * fuzz_paste, fuzz_keys, fuzz_monitor and fuzz_vnc into DIR/NAME/
 * (`make seeds`).
 * CASES is tests/vt100/cases: real program recordings (25x80) that stand
 * in for console output in the ring, for saved screens in the statefiles
 * and for hostile clipboard text.  The output is deterministic, so the
 * committed seeds can be regenerated and compared.  Each seed's layout is
 * the one its target's header comment describes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "vncterm/monitor.h"
#include "vncterm/statefile.h"
#include "vt100/vt100.h"

static const char *outdir, *casedir;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "mkseeds: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* A growable byte buffer. */
struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return; /* p may be NULL */
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("out of memory");
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void put_byte(struct buf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;

	put(b, &c, 1);
}

static void put_le32(struct buf *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		put_byte(b, v >> (8 * i));
}

/* The monitor's framing is in host order. */
static void put_host32(struct buf *b, uint32_t v)
{
	put(b, &v, sizeof(v));
}

static void write_seed(const char *target, const char *name, const struct buf *b)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (!f || (b->len && fwrite(b->p, 1, b->len, f) != b->len) || fclose(f) != 0)
		die("write %s: %s", path, strerror(errno));
}

static struct buf read_case(const char *name)
{
	char path[512];
	struct buf b = { 0 };
	uint8_t chunk[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.in", casedir, name);
	f = fopen(path, "rb");
	if (!f)
		die("open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		put(&b, chunk, n);
	fclose(f);
	return b;
}

/* --- fuzz_ring: indices, op count, ops, then out[] and in[] bytes --- */

enum {
	RD = 0 << 5,      /* read arg bytes */
	RD64 = 1 << 5,    /* read (arg + 1) * 64 */
	WR = 2 << 5,      /* write arg bytes */
	WR48 = 3 << 5,    /* write (arg + 1) * 48 */
	PROD = 4 << 5,    /* guest produces arg * 67 */
	CONS = 5 << 5,    /* guest consumes arg * 35 */
	MOVE = 6 << 5,    /* hostile move */
	SET = 7 << 5,     /* hostile set */
};

static void ring_seed(const char *name, uint32_t in_cons, uint32_t in_prod, uint32_t out_cons,
		      uint32_t out_prod, const uint8_t *ops, size_t nops, const struct buf *fill)
{
	struct buf b = { 0 };

	put_le32(&b, in_cons);
	put_le32(&b, in_prod);
	put_le32(&b, out_cons);
	put_le32(&b, out_prod);
	put_byte(&b, (unsigned)nops);
	put(&b, ops, nops);
	if (fill)
		put(&b, fill->p, fill->len < 3072 ? fill->len : 3072);
	write_seed("ring", name, &b);
	free(b.p);
}

static void ring_seeds(void)
{
	struct buf rec = read_case("htop"), text = { 0 };

	put_str(&text, "hello, world\r\n");
	{
		static const uint8_t ops[] = { RD | 5, RD | 31, WR | 3, RD64 | 0, WR48 | 0 };

		ring_seed("empty", 0, 0, 0, 0, ops, sizeof(ops), NULL);
	}
	{
		static const uint8_t ops[] = { RD | 5, RD | 9, RD | 0, WR | 12, CONS | 1, WR | 31 };

		ring_seed("hello", 0, 0, 0, 14, ops, sizeof(ops), &text);
	}
	{
		/* Real console output, read in pieces across the array's end. */
		static const uint8_t ops[] = { RD64 | 3, RD | 17, PROD | 31, RD64 | 31,
					       PROD | 20, RD64 | 7, RD64 | 31 };

		ring_seed("htop-output", 0, 0, 1500, 3000, ops, sizeof(ops), &rec);
	}
	{
		/* Both indices about to wrap past 2^32. */
		static const uint8_t ops[] = { RD | 31, RD64 | 15, PROD | 10, RD64 | 31,
					       WR48 | 20, CONS | 10, WR48 | 31 };

		ring_seed("index-wrap", 0xfffffe00u, 0xffffff80u, 0xfffffff0u, 0x100u, ops,
			  sizeof(ops), &rec);
	}
	{
		/* out[] full, in[] full: everything is read, nothing written. */
		static const uint8_t ops[] = { WR | 1, RD64 | 31, WR48 | 31, CONS | 3, WR48 | 31 };

		ring_seed("full", 100, 1124, 7, 2055, ops, sizeof(ops), &rec);
	}
	{
		/* One past full on both sides, then made sane, then hostile again. */
		static const uint8_t ops[] = { RD | 1, WR | 1, SET | (0 << 2) | 3, SET | (0 << 2) | 1,
					       RD64 | 31, WR48 | 31, SET | (2 << 2) | 3,
					       SET | (3 << 2) | 1, RD | 1, WR | 1 };

		ring_seed("hostile", 0, 1025, 0, 2049, ops, sizeof(ops), &rec);
	}
	{
		/* Consumer ahead of producer, and absolute values near 2^31. */
		static const uint8_t ops[] = { RD | 4, SET | (5 << 2) | 2, RD | 4, SET | (4 << 2) | 3,
					       RD64 | 0, MOVE | 3, MOVE | 16 | 2, RD64 | 31 };

		ring_seed("cons-ahead", 10, 5, 200, 100, ops, sizeof(ops), &rec);
	}
	free(rec.p);
	free(text.p);
}

/* --- fuzz_statefile: statefiles, made by statefile_save() --- */

static void vt_puts(struct vt *vt, const char *s)
{
	vt_write(vt, s, strlen(s));
}

/*
 * A recording played at the size it was made (25x80), then cut down to
 * rows x cols: a whole 25x80 state is about 90 KB, which would make every
 * input the fuzzer tries that long.  The top left corner is real enough.
 */
static struct vt *replay(const char *name, int rows, int cols, int sb)
{
	struct vt *vt = vt_new(25, 80, NULL, NULL);
	struct buf rec = read_case(name);

	if (!vt || vt_set_scrollback(vt, sb) < 0)
		die("vt_new");
	vt_write(vt, rec.p, rec.len);
	free(rec.p);
	if (vt_resize(vt, rows, cols) < 0)
		die("vt_resize");
	return vt;
}

/* statefile_save() itself, then the file's bytes. */
static struct buf saved(const struct vt *vt)
{
	char path[512];
	struct buf b = { 0 };
	uint8_t chunk[4096];
	ssize_t n;
	int fd, e;

	snprintf(path, sizeof(path), "%s/.mkseeds.statefile", outdir);
	if ((e = statefile_save(vt, path)) < 0)
		die("statefile_save: %s", strerror(-e));
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		put(&b, chunk, (size_t)n);
	close(fd);
	unlink(path);
	return b;
}

static void statefile_seed(const char *name, struct vt *vt)
{
	struct buf b = saved(vt);

	write_seed("statefile", name, &b);
	free(b.p);
	vt_free(vt);
}

static void statefile_seeds(void)
{
	struct buf b = { 0 };
	struct vt *vt;

	/* Real screens, small scrollbacks to keep the seeds short. */
	statefile_seed("htop", replay("htop", 8, 40, 0));
	statefile_seed("vim-altscreen", replay("vim_altscreen_killed", 8, 30, 4));
	statefile_seed("man-scrollback", replay("man_ls", 6, 24, 6));
	statefile_seed("dialog-checklist", replay("dialog_checklist", 10, 40, 0));

	vt = vt_new(1, 1, NULL, NULL);
	statefile_seed("empty-1x1", vt);
	vt = vt_new(8, 30, NULL, NULL);
	vt_puts(vt, "\033]2;a title\a\033[?1h\033=\033[?2004h\033[2;10r\033(0lqk\033(B"
		    "\033[3g\033[5G\033H\033[?1049h\033[31;44malt\xe4\xb8\xad\xcc\x81\033[?25l");
	statefile_seed("modes-altscreen", vt);

	/* Files that are not states, or not whole ones. */
	write_seed("statefile", "empty-file", &b);
	put_str(&b, "not a statefile at all\n");
	write_seed("statefile", "text", &b);
	free(b.p);
	vt = replay("seq_tabs", 8, 40, 2);
	b = saved(vt);
	vt_free(vt);
	b.len /= 2;
	write_seed("statefile", "truncated", &b);
	b.len *= 2;
	b.p[b.len / 3] ^= 0x40;
	write_seed("statefile", "flipped-byte", &b);
	free(b.p);
}

/* --- fuzz_paste: clipboard text --- */

static void paste_seed(const char *name, const char *s, size_t n)
{
	struct buf b = { 0 };

	put(&b, s, n);
	write_seed("paste", name, &b);
	free(b.p);
}

#define PASTE(name, lit) paste_seed(name, lit, sizeof(lit) - 1)

static void paste_seeds(void)
{
	struct buf rec = read_case("bash_readline");

	PASTE("plain", "echo hello, world");
	PASTE("lines", "line one\r\nline two\nline three\rline four\r\n\r\n\n");
	PASTE("cr-runs", "\r\r\n\r\n\n\r\r\rx\r");
	/* The escape that would end bracketed paste, then a command. */
	PASTE("breakout", "harmless\033[201~rm -rf ~\n\033[200~more");
	PASTE("controls", "\x01\x02\x03\x04\x05\x06\x07\x08\t\x0b\x0c\x0e\x0f\x10\x11\x12"
			  "\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f.");
	PASTE("utf8", "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 e\xcc\x81");
	/* C1 controls, as UTF-8 and as raw bytes, and broken UTF-8. */
	PASTE("c1-invalid", "\xc2\x9b" "201~\x9b" "201~\xc2\x85\x8d\xff\xfe\xc0\xaf\xed\xa0\x80");
	PASTE("nul", "a\0b\0\0c");
	PASTE("tabs", "\tcol1\tcol2\t\n\tx");
	/* A real terminal recording: full of escapes a paste must not send. */
	paste_seed("bash-recording", (const char *)rec.p, rec.len);
	free(rec.p);
}

/* --- fuzz_keys: 7-byte records --- */

enum {
	KS_RAW = 0, /* all 32 bits */
	KS_FF = 1,  /* 0xff00 | b1 */
	KS_FE = 2,  /* 0xfe00 | b1 */
	KS_UNI = 3, /* 0x01000000 + 21 bits */
	KS_LAT = 4, /* b1 */
	KS_FN = 5,  /* F1 + b1 % 40 */
};
enum { SH = 1, AL = 2, CT = 4 };
enum { CKM = 1, KPAM = 2, LNM = 4, BKM = 8, META8 = 16 };

static void key(struct buf *b, unsigned cls, unsigned size, uint32_t v, unsigned mods,
		unsigned modes)
{
	put_byte(b, cls | size << 3);
	put_le32(b, v);
	put_byte(b, mods);
	put_byte(b, modes);
}

static void keys_seeds(void)
{
	struct buf b = { 0 };

	/* Cursor keys, plain, in DECCKM and modified. */
	key(&b, KS_FF, 2, 0x52, 0, 0);
	key(&b, KS_FF, 3, 0x52, 0, CKM);
	key(&b, KS_FF, 5, 0x51, CT, CKM);
	key(&b, KS_FF, 31, 0x50, SH | AL | CT, 0);
	key(&b, KS_FF, 0, 0x57, AL, 0);
	write_seed("keys", "cursor", &b);
	b.len = 0;
	/* F1-F35 and past them, with modifiers. */
	for (unsigned f = 0; f < 40; f += 3)
		key(&b, KS_FN, f % 8, f, f % 8, 0);
	write_seed("keys", "fkeys", &b);
	b.len = 0;
	/* The keypad, numeric and application. */
	for (unsigned k = 0x80; k <= 0xbd; k += 5)
		key(&b, KS_FF, 4, k, k % 3 == 0 ? AL : 0, k & 1 ? KPAM : 0);
	write_seed("keys", "keypad", &b);
	b.len = 0;
	/* Return, Tab, back-tab, BackSpace, Escape, Delete under their modes. */
	key(&b, KS_FF, 1, 0x0d, 0, LNM);
	key(&b, KS_FF, 1, 0x09, SH, 0);
	key(&b, KS_FE, 2, 0x20, 0, 0);
	key(&b, KS_FF, 1, 0x08, 0, BKM);
	key(&b, KS_FF, 1, 0x08, AL, BKM | META8);
	key(&b, KS_FF, 1, 0x1b, AL, 0);
	key(&b, KS_FF, 4, 0xff, CT, 0);
	write_seed("keys", "editing", &b);
	b.len = 0;
	/* Text: Ctrl and Alt on ASCII, Latin-1 with 8-bit meta, Unicode. */
	key(&b, KS_LAT, 1, 'c', CT, 0);
	key(&b, KS_LAT, 1, '2', CT, 0);
	key(&b, KS_LAT, 2, 'x', AL, 0);
	key(&b, KS_LAT, 2, 'x', AL, META8);
	key(&b, KS_LAT, 2, 0xe9, AL, META8);
	key(&b, KS_UNI, 4, 0x1f600, 0, 0);
	key(&b, KS_UNI, 5, 0x1f600, AL, 0);
	key(&b, KS_UNI, 3, 0x4e2d, CT, 0);
	write_seed("keys", "text", &b);
	b.len = 0;
	/* Keys that send nothing: modifiers, surrogates, beyond U+10FFFF, junk. */
	key(&b, KS_FF, 0, 0xe1, 0, 0);
	key(&b, KS_UNI, 0, 0xd800, 0, 0);
	key(&b, KS_UNI, 0, 0x110000, 0, 0);
	key(&b, KS_UNI, 0, 0x9b, AL, 0);
	key(&b, KS_RAW, 0, 0xffffffffu, 0xff, 0xff);
	key(&b, KS_RAW, 0, 0x02000041u, 0, 0);
	key(&b, KS_LAT, 0, 0x1b, CT, 0);
	write_seed("keys", "silent", &b);
	b.len = 0;
	/*
	 * Dead keys: acute e, circumflex Shift A, diaeresis space, caron
	 * twice, grave q, tilde Left, belowdot a, acute Ctrl+c, acute grave a.
	 */
	key(&b, KS_FE, 0, 0x51, 0, 0);
	key(&b, KS_LAT, 2, 'e', 0, 0);
	key(&b, KS_FE, 0, 0x52, 0, 0);
	key(&b, KS_FF, 0, 0xe1, SH, 0);
	key(&b, KS_LAT, 2, 'A', SH, 0);
	key(&b, KS_FE, 0, 0x57, 0, 0);
	key(&b, KS_LAT, 1, ' ', 0, 0);
	key(&b, KS_FE, 0, 0x5a, 0, 0);
	key(&b, KS_FE, 1, 0x5a, 0, 0);
	key(&b, KS_FE, 0, 0x50, 0, 0);
	key(&b, KS_LAT, 1, 'q', 0, 0);
	key(&b, KS_FE, 0, 0x53, 0, 0);
	key(&b, KS_FF, 3, 0x51, 0, 0);
	key(&b, KS_FE, 0, 0x60, 0, 0);
	key(&b, KS_LAT, 1, 'a', 0, 0);
	key(&b, KS_FE, 0, 0x51, 0, 0);
	key(&b, KS_LAT, 1, 'c', CT, 0);
	key(&b, KS_FE, 0, 0x51, 0, 0);
	key(&b, KS_FE, 0, 0x50, 0, 0);
	key(&b, KS_LAT, 2, 'a', 0, 0);
	write_seed("keys", "deadkeys", &b);
	free(b.p);
}

/* --- fuzz_monitor: what a worker sends --- */

static void msg(struct buf *b, uint32_t type, const void *p, uint32_t len)
{
	put_host32(b, type);
	put_host32(b, len);
	if (p)
		put(b, p, len);
}

static void monitor_seeds(void)
{
	struct buf b = { 0 }, st;
	uint32_t ports[2] = { 5901, 5902 };
	struct vt *vt = vt_new(6, 30, NULL, NULL);

	vt_puts(vt, "saved text\r\n\033[1mbold\033[m");
	st = saved(vt);
	vt_free(vt);
	msg(&b, MONITOR_SAVE_STATE, st.p, (uint32_t)st.len);
	write_seed("monitor", "save", &b);
	b.len = 0;

	/* What a worker sends over a session: publish, reopen, two saves. */
	msg(&b, MONITOR_PUBLISH, ports, sizeof(ports));
	msg(&b, MONITOR_REOPEN, NULL, 0);
	msg(&b, MONITOR_SAVE_STATE, st.p, (uint32_t)st.len);
	msg(&b, MONITOR_REOPEN, NULL, 0);
	vt = replay("htop", 10, 40, 0);
	free(st.p);
	st = saved(vt);
	vt_free(vt);
	msg(&b, MONITOR_SAVE_STATE, st.p, (uint32_t)st.len);
	write_seed("monitor", "session", &b);
	b.len = 0;

	/* A state that does not load is not written. */
	msg(&b, MONITOR_SAVE_STATE, "not a statefile!", 16);
	msg(&b, MONITOR_REOPEN, NULL, 0);
	write_seed("monitor", "bad-state", &b);
	b.len = 0;

	/* Refused: unknown type, a known one with the wrong length, too big. */
	msg(&b, MONITOR_REOPEN, NULL, 0);
	msg(&b, 7, "abcd", 4);
	msg(&b, MONITOR_REOPEN, NULL, 0);
	write_seed("monitor", "bad-type", &b);
	b.len = 0;
	msg(&b, MONITOR_PUBLISH, ports, 4);
	write_seed("monitor", "publish-short", &b);
	b.len = 0;
	/* Refused and fatal: a second PUBLISH, or one of a port the uid does not stand for. */
	msg(&b, MONITOR_PUBLISH, ports, sizeof(ports));
	msg(&b, MONITOR_REOPEN, NULL, 0);
	msg(&b, MONITOR_PUBLISH, ports, sizeof(ports));
	write_seed("monitor", "publish-twice", &b);
	b.len = 0;
	msg(&b, MONITOR_PUBLISH, (uint32_t[]){ 5902, 0 }, 8);
	write_seed("monitor", "publish-other-port", &b);
	b.len = 0;
	msg(&b, MONITOR_SAVE_STATE, NULL, MONITOR_STATE_MAX + 1);
	write_seed("monitor", "too-big", &b);
	b.len = 0;
	msg(&b, MONITOR_ANSWER, "\0\0\0\0", 4);
	write_seed("monitor", "answer-type", &b);
	b.len = 0;

	/* Ends mid-message: a length promising more than comes. */
	msg(&b, MONITOR_SAVE_STATE, NULL, (uint32_t)st.len);
	put(&b, st.p, st.len / 2);
	write_seed("monitor", "truncated", &b);
	b.len = 0;
	put_host32(&b, MONITOR_PUBLISH);
	put_byte(&b, 8);
	write_seed("monitor", "half-header", &b);
	free(b.p);
	free(st.p);
}

/* --- fuzz_vnc: the viewer's bytes; control bytes from the back, in reverse --- */

/* Chunk lengths as fuzz_vnc.c's CHUNK_LENS; a control byte is one's index | action << 4. */
static const size_t vnc_lens[15] = { 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 32, 64, 256, 1024 };
enum { V_DAMAGE = 8, V_SCROLL, V_RESIZE, V_CLIP, V_TITLE, V_WAIT, V_CLIP_EMPTY };

struct vseed {
	struct buf stream, ctl; /* ctl in the order fuzz_vnc reads it */
	bool ws;                /* stream() wraps what it is given in masked frames */
};

static void put_be(struct buf *b, uint32_t v, int bytes)
{
	while (bytes--)
		put_byte(b, v >> (8 * bytes));
}

/* Bytes as chunks fuzz_vnc cuts (a byte at a time if drip), action after the first. */
static void chunks(struct vseed *s, const uint8_t *p, size_t n, bool drip, unsigned action,
		   const uint8_t *params, size_t nparams)
{
	while (n) {
		unsigned i = 0;

		while (!drip && i < 14 && vnc_lens[i + 1] <= n)
			i++;
		put(&s->stream, p, vnc_lens[i]);
		put_byte(&s->ctl, i | action << 4);
		put(&s->ctl, params, nparams);
		action = 0;
		nparams = 0;
		p += vnc_lens[i];
		n -= vnc_lens[i];
	}
}

/* One masked frame (WebSocket) or the bytes themselves, as one message's chunks. */
static void stream(struct vseed *s, int opcode, bool fin, const struct buf *m, bool drip,
		   unsigned action, const uint8_t *params, size_t nparams)
{
	static const uint8_t mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
	struct buf f = { 0 };

	if (!s->ws) {
		chunks(s, m->p, m->len, drip, action, params, nparams);
		return;
	}
	put_byte(&f, (fin ? 0x80 : 0) | opcode);
	if (m->len < 126) {
		put_byte(&f, 0x80 | m->len);
	} else {
		put_byte(&f, 0x80 | 126);
		put_be(&f, (uint32_t)m->len, 2);
	}
	put(&f, mask, 4);
	for (size_t i = 0; i < m->len; i++)
		put_byte(&f, m->p[i] ^ mask[i & 3]);
	chunks(s, f.p, f.len, drip, action, params, nparams);
	free(f.p);
}

static void send_msg(struct vseed *s, const struct buf *m, unsigned action, uint8_t p0, uint8_t p1)
{
	uint8_t params[4] = { p0, p1, p0, p1 };

	stream(s, 2, true, m, false, action, params, action == V_DAMAGE ? 4 : action == V_RESIZE ? 2 : 1);
}

static void write_vseed(struct vseed *s, const char *name)
{
	for (size_t i = s->ctl.len; i-- > 0;)
		put_byte(&s->stream, s->ctl.p[i]);
	write_seed("vnc", name, &s->stream);
	free(s->stream.p);
	free(s->ctl.p);
}

/* The extended clipboard's message: flags, then what follows them. */
static void ext_clip(struct buf *m, uint32_t flags, const void *p, size_t n)
{
	put_be(m, 6 << 24, 4);
	put_be(m, 0u - (uint32_t)(4 + n), 4);
	put_be(m, flags, 4);
	put(m, p, n);
}

/* What a viewer sends after ClientInit, one message per chunk, the screen busy in between. */
static void vnc_session(struct vseed *s)
{
	static const int32_t encs[] = { 16, 7, 5, 1, 0, -223, -308, -307, -224, -239,
					(int32_t)0xc0a1e5ce, (int32_t)0xffffff18 };
	static const uint8_t pf[] = { 0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0 };
	static const uint8_t fbur[] = { 3, 0, 0, 0, 0, 0, 0, 80, 0, 25 };
	static const uint8_t keys_ptr[] = { 4, 1, 0, 0, 0, 0, 0, 'a', 4, 0, 0, 0, 0, 0, 0, 'a',
					    5, 1, 0, 10, 0, 20, 5, 0, 0, 10, 0, 20 };
	static const uint8_t latin1[] = { 6, 0, 0, 0, 0, 0, 0, 5, 'c', 'a', 'f', 0xe9, '!' };
	static const uint8_t caps_sizes[] = { 0, 0, 3, 0xe8 }; /* text up to 1000 bytes */
	/* SetDesktopSize 100x30: one screen, id 0 at (0, 0). */
	static const uint8_t sds[] = { 251, 0, 0, 100, 0, 30, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				       0, 100, 0, 30, 0, 0, 0, 0 };
	static const uint8_t text[] = "\0\0\0\x0dpasted \xc3\xa9 ok"; /* length, text, NUL */
	uint8_t zbuf[128];
	uLongf zlen = sizeof(zbuf);
	struct buf m = { 0 };

	put(&m, pf, sizeof(pf));
	send_msg(s, &m, V_DAMAGE, 3, 2);
	m.len = 0;
	put_be(&m, 2 << 24 | (uint32_t)(sizeof(encs) / 4), 4);
	for (size_t i = 0; i < sizeof(encs) / 4; i++)
		put_be(&m, (uint32_t)encs[i], 4);
	send_msg(s, &m, V_TITLE, 40, 0);
	m.len = 0;
	put(&m, fbur, sizeof(fbur));
	send_msg(s, &m, V_SCROLL, 3, 0);
	m.len = 0;
	put(&m, keys_ptr, sizeof(keys_ptr));
	send_msg(s, &m, V_CLIP, 20, 0);
	m.len = 0;
	put(&m, latin1, sizeof(latin1));
	send_msg(s, &m, V_RESIZE, 40, 12);
	m.len = 0;
	ext_clip(&m, 0x1f000001, caps_sizes, 4); /* Caps: all of it, text */
	send_msg(s, &m, 0, 0, 0);
	m.len = 0;
	ext_clip(&m, 0x08000001, NULL, 0); /* Notify */
	ext_clip(&m, 0x02000001, NULL, 0); /* Request */
	ext_clip(&m, 0x04000000, NULL, 0); /* Peek */
	send_msg(s, &m, V_CLIP, 255, 0);
	m.len = 0;
	if (compress(zbuf, &zlen, text, sizeof(text)) != Z_OK)
		die("compress failed");
	ext_clip(&m, 0x10000001, zbuf, zlen); /* Provide */
	put(&m, fbur, sizeof(fbur));
	send_msg(s, &m, V_WAIT, 0, 0);
	m.len = 0;
	put(&m, sds, sizeof(sds));
	put(&m, fbur, sizeof(fbur));
	send_msg(s, &m, V_CLIP_EMPTY, 0, 0);
	free(m.p);
}

static void rfb_seed(const char *name, const char *version, bool auth, bool ws, bool drip)
{
	static const char req[] = "GET /websockify HTTP/1.1\r\nHost: localhost\r\n"
				  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
				  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				  "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n";
	struct vseed s = { .ws = false };
	struct buf m = { 0 };
	bool v33 = !strcmp(version, "RFB 003.003\n");

	put_byte(&s.ctl, auth);
	if (ws)
		chunks(&s, (const uint8_t *)req, sizeof(req) - 1, false, 0, NULL, 0);
	s.ws = ws;
	put_str(&m, version);
	stream(&s, 2, true, &m, drip, 0, NULL, 0);
	m.len = 0;
	if (!v33)
		put_byte(&m, auth ? 2 : 1); /* the security type */
	if (auth)
		put(&m, "0123456789abcdef", 16); /* a response (wrong, the challenge is random) */
	put_byte(&m, 1); /* ClientInit: shared */
	stream(&s, 2, true, &m, drip, 0, NULL, 0);
	if (ws) {
		/* A ping between two fragments of one message. */
		m.len = 0;
		put_byte(&m, 3);
		stream(&s, 2, false, &m, false, 0, NULL, 0);
		m.len = 0;
		put_str(&m, "ping");
		stream(&s, 9, true, &m, false, 0, NULL, 0);
		m.len = 0;
		put(&m, "\0\0\0\0\0\0\x10\0\x08", 9);
		stream(&s, 0, true, &m, false, 0, NULL, 0);
	}
	vnc_session(&s);
	if (ws) {
		m.len = 0;
		put(&m, "\x03\xe8", 2);
		stream(&s, 8, true, &m, false, 0, NULL, 0);
	}
	free(m.p);
	write_vseed(&s, name);
}

static void vnc_seeds(void)
{
	rfb_seed("rfb38", "RFB 003.008\n", false, false, false);
	rfb_seed("rfb38-drip", "RFB 003.008\n", false, false, true);
	rfb_seed("rfb37", "RFB 003.007\n", false, false, false);
	rfb_seed("rfb33", "RFB 003.003\n", false, false, false);
	rfb_seed("websocket", "RFB 003.008\n", false, true, false);
	rfb_seed("websocket-drip", "RFB 003.008\n", false, true, true);
	rfb_seed("rfb38-vncauth", "RFB 003.008\n", true, false, false);
	rfb_seed("rfb33-vncauth", "RFB 003.003\n", true, false, false);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds DIR CASES\n");
		return 2;
	}
	outdir = argv[1];
	casedir = argv[2];
	ring_seeds();
	statefile_seeds();
	paste_seeds();
	keys_seeds();
	monitor_seeds();
	vnc_seeds();
	return 0;
}
