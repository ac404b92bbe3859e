/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The console's bell reaches viewers as RFB Bell messages (libvncclient's
 * Bell callback): one per BEL, at most one per VNC_BELL_MS however many
 * the guest sends, none for the BEL that ends an OSC string.  Displays
 * 440-441.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/integration/util_feed.h"
#include "vncterm/render.h"
#include "vncterm/vnc.h"

#define HIDE_BYTES "\033[?25l"

static void on_bell(rfbClient *c)
{
	int *bells = rfbClientGetClientData(c, on_bell);

	++*bells;
}

/* A viewer counting bells, once the console shows what was written so far. */
static rfbClient *bell_viewer(struct feed *f, int *bells, const char *shown)
{
	rfbClient *c = connect_to("127.0.0.1", f->v);

	rfbClientSetClientData(c, on_bell, bells);
	c->Bell = on_bell;
	assert_screen(c, 4, 20, shown, 5000);
	return c;
}

/* Bells heard in the next ms (after what was written reached the screen). */
static int bells_in(rfbClient *c, int *bells, int ms)
{
	int before = *bells;

	ck_assert(vnc_pump(c, now_ms() + ms));
	return *bells - before;
}

START_TEST(bell_rings_once_per_bel)
{
	struct feed f;
	int bells = 0;

	feed_start(&f, 440, "20x4");
	feed_puts(&f, HIDE_BYTES "ready");
	rfbClient *c = bell_viewer(&f, &bells, HIDE_BYTES "ready");

	ck_assert_int_eq(bells_in(c, &bells, 300), 0);
	feed_puts(&f, "\a");
	ck_assert_int_eq(bells_in(c, &bells, 2 * VNC_BELL_MS + 100), 1);
	/* a thousand in one write: the first rings, the rest within the suppress time do not */
	char many[1000];

	memset(many, '\a', sizeof(many));
	feed_write(&f, many, sizeof(many));
	int n = bells_in(c, &bells, 2 * VNC_BELL_MS + 100);

	ck_assert_msg(n >= 1 && n <= 2, "%d bells for 1000 BELs at once", n);
	/* the BEL that ends an OSC string is no bell */
	feed_puts(&f, "\033]2;title\a\033]0;x\a\033]8;;http://a\a!\033]8;;\a");
	assert_screen(c, 4, 20, HIDE_BYTES "ready!", 5000);
	ck_assert_int_eq(bells_in(c, &bells, 2 * VNC_BELL_MS + 100), 0);
	/* and one more, after the suppress time, rings again */
	feed_puts(&f, "\a");
	ck_assert_int_eq(bells_in(c, &bells, 2 * VNC_BELL_MS + 100), 1);
	vnc_disconnect(c);
	feed_stop(&f);
}
END_TEST

/*
 * A guest ringing without end costs the daemon a store a BEL: 16 MB of
 * BELs take about as long as 16 MB of text, and ring at most once per
 * VNC_BELL_MS.
 */
START_TEST(bell_flood_is_bounded)
{
	enum { CHUNK = 1 << 16, CHUNKS = 256 };
	struct feed f;
	int bells = 0;
	char *buf = malloc(CHUNK);

	ck_assert_ptr_nonnull(buf);
	feed_start(&f, 441, "20x4");
	feed_puts(&f, HIDE_BYTES "ready");
	rfbClient *c = bell_viewer(&f, &bells, HIDE_BYTES "ready");

	memset(buf, '\a', CHUNK);
	int64_t start = now_ms();

	for (int i = 0; i < CHUNKS; i++) {
		feed_write(&f, buf, CHUNK);
		ck_assert(vnc_pump(c, now_ms() + 1));
	}
	feed_puts(&f, "!");
	assert_screen(c, 4, 20, HIDE_BYTES "ready!", 20000 * slowdown());
	int64_t took = now_ms() - start;

	ck_assert_msg(bells >= 1 && bells <= took / VNC_BELL_MS + 2,
		      "%d bells for 16 MB of BELs in %lld ms", bells, (long long)took);
	vnc_disconnect(c);
	feed_stop(&f);
	free(buf);
}
END_TEST

Suite *bell_suite(void)
{
	Suite *s = suite_create("bell");
	TCase *tc = tcase_create("bell");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, bell_rings_once_per_bel);
	tcase_add_test(tc, bell_flood_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}
