/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --font-scale against the real daemon: the framebuffer a viewer gets is
 * the scale-1 picture with every pixel an n x n square; the pointer picks
 * cells by the scaled cell size (a drag selects exactly the cells under
 * it); SetDesktopSize asks for pixels and gets whole scaled cells.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/util_vncterm.h"
#include "vncterm/render.h"

#define ROWS 4
#define COLS 20
#define SCREEN "\033[2J\033[H\033[?25l\033[1;34mdir\033[0m \033[3mital\033[0m \033[1;30mgrey\033[m"

/*
 * What the daemon should show at scale: the scale-1 renderer's picture of
 * the bytes (with cells r0,c0..r1,c1 highlighted if hl), each pixel
 * repeated.  The caller frees it.
 */
static uint32_t *scaled_expect(const char *bytes, int scale, bool hl, int r0, int c0, int r1,
			       int c1, int *w, int *h)
{
	struct vt *vt = vt_new(ROWS, COLS, NULL, NULL);
	struct render *r = render_new(ROWS, COLS, 1);
	int w1, h1;

	ck_assert_ptr_nonnull(vt);
	ck_assert_ptr_nonnull(r);
	vt_write(vt, bytes, strlen(bytes));
	render_set_highlight(r, hl, r0, c0, r1, c1);
	render_update(r, vt, NULL, NULL);
	const uint32_t *px = render_pixels(r, &w1, &h1);

	*w = w1 * scale;
	*h = h1 * scale;
	uint32_t *out = malloc(sizeof(*out) * (size_t)*w * (size_t)*h);

	ck_assert_ptr_nonnull(out);
	for (int y = 0; y < *h; y++)
		for (int x = 0; x < *w; x++)
			out[y * *w + x] = px[(y / scale) * w1 + x / scale];
	render_free(r);
	vt_free(vt);
	return out;
}

static struct vncterm *start_scaled(int display, const char *scale)
{
	char listen[32], geometry[16];
	static char sh[256];

	snprintf(listen, sizeof(listen), "127.0.0.1:%d", display);
	snprintf(geometry, sizeof(geometry), "%dx%d", COLS, ROWS);
	snprintf(sh, sizeof(sh), "printf '%s'; exec sleep 1000",
		 "\\033[2J\\033[H\\033[?25l\\033[1;34mdir\\033[0m \\033[3mital\\033[0m "
		 "\\033[1;30mgrey\\033[m");
	const char *const args[] = { "-v", listen, "--geometry", geometry, "--font-scale", scale,
				     "-c", "/bin/sh", "-c", sh, NULL };

	return start_daemon(args, display);
}

START_TEST(scaled_framebuffer_and_pointer)
{
	static const char *const scales[] = { "2", "3" };
	int scale = atoi(scales[_i]), w, h;
	struct vncterm *v = start_scaled(450 + _i, scales[_i]);
	rfbClient *c = connect_to("127.0.0.1", v);
	uint32_t *want = scaled_expect(SCREEN, scale, false, 0, 0, 0, 0, &w, &h);

	ck_assert_int_eq(w, COLS * RENDER_CELL_W * scale);
	ck_assert_int_eq(c->width, w);
	ck_assert_int_eq(c->height, h);
	ck_assert(wait_for_screen(c, want, w, h, now_ms() + 5000));
	free(want);
	/*
	 * Drag from the last pixel of cell 0,4 to the first of cell 0,7: at
	 * scale 1 these pixels would be cells 0,9 and 0,14 of a wider row.
	 */
	int cw = RENDER_CELL_W * scale, ch = RENDER_CELL_H * scale;

	ck_assert(SendPointerEvent(c, 5 * cw - 1, ch - 1, 1));
	ck_assert(SendPointerEvent(c, 7 * cw, 1, 1));
	ck_assert(SendPointerEvent(c, 7 * cw, 1, 0));
	want = scaled_expect(SCREEN, scale, true, 0, 4, 0, 7, &w, &h);
	ck_assert(wait_for_screen(c, want, w, h, now_ms() + 5000));
	free(want);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* SetDesktopSize in pixels: whole scaled cells, rounded down. */
START_TEST(scaled_resize)
{
	struct vncterm *v = start_scaled(452, "2");
	int w = 0, h = 0;

	ck_assert_int_eq(raw_resize(v->port, 30 * 16, 5 * 32, &w, &h), 0);
	ck_assert_int_eq(w, 30 * 16);
	ck_assert_int_eq(h, 5 * 32);
	ck_assert_int_eq(raw_resize(v->port, 25 * 16 + 15, 6 * 32 + 31, &w, &h), 0);
	ck_assert_int_eq(w, 25 * 16);
	ck_assert_int_eq(h, 6 * 32);
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert_int_eq(c->width, 25 * 16);
	ck_assert_int_eq(c->height, 6 * 32);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

/* XTWINOPS 16 and 14 report the scaled cell and text area, as the viewer sees them. */
START_TEST(scaled_pixel_reports)
{
	const char *const args[] = { "-v", "127.0.0.1:453", "--geometry", "20x4", "--font-scale",
				     "3", "-c", "/bin/sh", "-c",
				     "stty raw -echo; printf '\\033[?25l\\033[16t\\033[14t'; "
				     "exec cat -v", NULL };
	struct vncterm *v = start_daemon(args, 453);
	rfbClient *c = connect_to("127.0.0.1", v);
	int w, h;
	uint32_t *want = scaled_expect("\033[?25l^[[6;48;24t^[[4;192;480t", 3, false, 0, 0, 0, 0,
				       &w, &h);

	ck_assert_msg(wait_for_screen(c, want, w, h, now_ms() + 5000), "no scaled size reports on screen");
	free(want);
	vnc_disconnect(c);
	stop_daemon(v);
}
END_TEST

Suite *font_scale_suite(void)
{
	Suite *s = suite_create("font_scale");
	TCase *tc = tcase_create("scaled daemon");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, scaled_framebuffer_and_pointer, 0, 2);
	tcase_add_test(tc, scaled_resize);
	tcase_add_test(tc, scaled_pixel_reports);
	suite_add_tcase(s, tc);
	return s;
}
