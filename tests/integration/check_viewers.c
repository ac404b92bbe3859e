/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Viewers that are not libvncclient: Debian's vncsnapshot (TightVNC's
 * client code) takes a screenshot that must show the renderer's screen,
 * and a WebSocket client (what noVNC speaks) reaches the RFB server on the
 * same port.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <rfb/keysym.h>
#include <zlib.h>

#include "tests/integration/util_vncterm.h"

#define HIDE "\\033[?25l"
#define HIDE_BYTES "\033[?25l"

/* Read a binary PPM (what djpeg -pnm writes for a colour JPEG) as 0x00RRGGBB. */
static uint32_t *read_ppm(FILE *f, int *w, int *h)
{
	int maxval;

	if (fscanf(f, "P6 %d %d %d", w, h, &maxval) != 3 || maxval != 255 || fgetc(f) == EOF ||
	    *w <= 0 || *h <= 0 || *w > 8192 || *h > 8192)
		return NULL;
	uint32_t *px = malloc(sizeof(*px) * (size_t)*w * (size_t)*h);

	for (int i = 0; px && i < *w * *h; i++) {
		int r = fgetc(f), g = fgetc(f), b = fgetc(f);

		if (b == EOF) {
			free(px);
			return NULL;
		}
		px[i] = (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
	}
	return px;
}

/* Mean absolute difference per channel between two images of n pixels. */
static double mean_diff(const uint32_t *a, const uint32_t *b, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		for (int s = 0; s < 24; s += 8)
			sum += abs((int)(a[i] >> s & 255) - (int)(b[i] >> s & 255));
	return sum / (3.0 * n);
}

#define SHOT_TEXT "\033[2J\033[H" HIDE_BYTES "\033[1;33;44m vncsnapshot \033[0m\r\n" \
	"\033[7m#######################\033[0m\r\nthe quick brown fox"
#define OTHER_TEXT "\033[2J\033[H" HIDE_BYTES "a different screen\r\n\033[41m   \033[0m"

START_TEST(vncsnapshot_screenshot)
{
	const char *const args[] = {
		"-v", "127.0.0.1:75", "--geometry", "40x6", "-c", "/bin/sh", "-c",
		"printf '\\033[2J\\033[H" HIDE "\\033[1;33;44m vncsnapshot \\033[0m\\r\\n"
		"\\033[7m#######################\\033[0m\\r\\nthe quick brown fox'; "
		"exec cat >/dev/null", NULL,
	};
	struct vncterm *v = start_daemon(args, 75);
	rfbClient *c = connect_to("127.0.0.1", v);

	/* Only once the screen is final is a snapshot comparable. */
	assert_screen(c, 6, 40, SHOT_TEXT, 5000);
	vnc_disconnect(c);

	char dir[] = "/tmp/vncterm-shot-XXXXXX", jpg[64], cmd[256], where[32];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(jpg, sizeof(jpg), "%s/shot.jpg", dir);
	snprintf(where, sizeof(where), "127.0.0.1:%d", v->port - 5900);
	snprintf(cmd, sizeof(cmd), "vncsnapshot -quiet -quality 100 -nojpeg -nocursor %s %s >%s/log 2>&1",
		 where, jpg, dir);
	int rc = system(cmd);

	ck_assert_msg(rc == 0, "'%s' failed (status %d; see %s/log)", cmd, rc, dir);
	snprintf(cmd, sizeof(cmd), "djpeg -pnm %s", jpg);
	FILE *p = popen(cmd, "r");
	int w, h, ew, eh, ow, oh;

	ck_assert_ptr_nonnull(p);
	uint32_t *shot = read_ppm(p, &w, &h);

	pclose(p);
	ck_assert_msg(shot != NULL, "'%s' gave no image", cmd);
	uint32_t *want = expected_screen(6, 40, SHOT_TEXT, &ew, &eh);
	uint32_t *other = expected_screen(6, 40, OTHER_TEXT, &ow, &oh);

	ck_assert_int_eq(w, ew);
	ck_assert_int_eq(h, eh);
	/* JPEG at quality 100 blurs glyph edges a little, nothing more. */
	double d_want = mean_diff(shot, want, w * h), d_other = mean_diff(shot, other, w * h);

	ck_assert_msg(d_want < 1.0, "screenshot differs from the expected screen by %.2f per channel",
		      d_want);
	ck_assert_msg(d_other > 4 * d_want + 5,
		      "screenshot is about as close to another screen (%.2f) as to the right one (%.2f)",
		      d_other, d_want);
	free(shot);
	free(want);
	free(other);
	unlink(jpg);
	snprintf(jpg, sizeof(jpg), "%s/log", dir);
	unlink(jpg);
	rmdir(dir);
	stop_daemon(v);
}
END_TEST

START_TEST(websocket_client)
{
	const char *const args[] = { "-v", "127.0.0.1:76", "--geometry", "40x6", "-t", "ws-title",
				     "-c", "/bin/sh", "-c", "exec cat >/dev/null", NULL };
	struct vncterm *v = start_daemon(args, 76);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)v->port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unsigned char buf[256];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	size_t n = ws_rfb_session(fd, buf, sizeof(buf));
	int w = buf[0] << 8 | buf[1], h = buf[2] << 8 | buf[3], ew, eh;
	uint32_t name_len = (uint32_t)buf[20] << 24 | (uint32_t)buf[21] << 16 | buf[22] << 8 | buf[23];
	uint32_t *want = expected_screen(6, 40, "", &ew, &eh);

	ck_assert_int_eq(w, ew);
	ck_assert_int_eq(h, eh);
	ck_assert_msg(name_len == 8 && n == 24 + 8 && !memcmp(buf + 24, "ws-title", 8),
		      "desktop name is not the -t title");
	free(want);
	close(fd);
	stop_daemon(v);
}
END_TEST

/*
 * Read server messages until a DesktopName rectangle names want (true) or
 * deadline passes; asks for an update after each one, as a viewer does.
 */
static bool wait_for_name(int fd, const char *want, int64_t deadline)
{
	static const unsigned char req[10] = { 3, 1, 0, 0, 0, 0, 0, 8, 0, 8 };
	unsigned char hd[16], name[256];
	char *px = NULL;

	while (now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		read_exact(fd, hd, 1);
		ck_assert_msg(hd[0] == 0 || hd[0] == 2, "unexpected server message %d", hd[0]);
		if (hd[0] == 2) /* bell */
			continue;
		read_exact(fd, hd + 1, 3);
		for (uint32_t r = be_uint(hd + 2, 2); r > 0; r--) {
			read_exact(fd, hd, 12);
			uint32_t w = be_uint(hd + 4, 2), h = be_uint(hd + 6, 2);
			int32_t enc = (int32_t)be_uint(hd + 8, 4);

			if (enc == 0) { /* raw, 32 bpp */
				px = realloc(px, (size_t)w * h * 4 + 1);
				ck_assert_ptr_nonnull(px);
				read_exact(fd, px, (size_t)w * h * 4);
				continue;
			}
			ck_assert_msg(enc == -307, "unexpected encoding %d", enc);
			read_exact(fd, hd, 4);
			uint32_t len = be_uint(hd, 4);

			ck_assert_uint_lt(len, sizeof(name));
			read_exact(fd, name, len);
			name[len] = '\0';
			if (!strcmp((char *)name, want)) {
				free(px);
				return true;
			}
		}
		ck_assert_int_eq(write(fd, req, sizeof(req)), (ssize_t)sizeof(req));
	}
	free(px);
	return false;
}

/* Titles set by the console reach viewers that are already connected. */
START_TEST(title_updates_connected_viewer)
{
	const char *const args[] = {
		"-v", "127.0.0.1:77", "--geometry", "40x6", "-c", "/bin/sh", "-c",
		"printf '\\033]2;first\\007'; read x; printf '\\033]2;second title\\007'; "
		"exec cat >/dev/null", NULL,
	};
	struct vncterm *v = start_daemon(args, 77);
	int fd = raw_connect(v->port, 0);
	/* SetEncodings: raw, DesktopName (-307) */
	static const unsigned char enc[] = { 2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xfe, 0xcd };
	static const unsigned char full[10] = { 3, 0, 0, 0, 0, 0, 0, 8, 0, 8 };

	ck_assert_int_eq(write(fd, enc, sizeof(enc)), (ssize_t)sizeof(enc));
	ck_assert_int_eq(write(fd, full, sizeof(full)), (ssize_t)sizeof(full));
	ck_assert_msg(wait_for_name(fd, "first", now_ms() + 5000), "the first title never came");
	/* A second viewer types Return; the command then sets the next title. */
	rfbClient *c = connect_to("127.0.0.1", v);

	ck_assert(vnc_key(c, XK_Return));
	ck_assert_msg(wait_for_name(fd, "second title", now_ms() + 5000),
		      "the new title never reached the connected viewer");
	vnc_disconnect(c);
	close(fd);
	stop_daemon(v);
}
END_TEST

/* One FramebufferUpdate (its type byte read) of raw or zlib rectangles into fb (w x h). */
static void read_update(int fd, z_stream *z, uint32_t *fb, int w, int h, int *first_byte)
{
	unsigned char hdr[12];

	read_exact(fd, hdr, 3);
	for (int n = (int)be_uint(hdr + 1, 2); n > 0; n--) {
		read_exact(fd, hdr, 12);
		int x = (int)be_uint(hdr, 2), y = (int)be_uint(hdr + 2, 2);
		int rw = (int)be_uint(hdr + 4, 2), rh = (int)be_uint(hdr + 6, 2);
		uint32_t enc = be_uint(hdr + 8, 4), len = (uint32_t)rw * (uint32_t)rh * 4;
		uint32_t *px = malloc(len + 1);

		ck_assert(x + rw <= w && y + rh <= h && px);
		ck_assert_msg(enc == 0 || enc == 6, "encoding %u, not raw or zlib", enc);
		if (enc == 6) {
			unsigned char n4[4];

			read_exact(fd, n4, 4);
			uint32_t zlen = be_uint(n4, 4);
			unsigned char *zbuf = malloc(zlen + 1);

			ck_assert(zbuf);
			read_exact(fd, zbuf, zlen);
			if (*first_byte < 0 && zlen)
				*first_byte = zbuf[0];
			z->next_in = zbuf;
			z->avail_in = zlen;
			z->next_out = (unsigned char *)px;
			z->avail_out = len;
			int r = inflate(z, Z_SYNC_FLUSH);

			ck_assert_msg(r == Z_OK || r == Z_STREAM_END, "inflate: %d (%s)", r,
				      z->msg ? z->msg : "");
			ck_assert_msg(z->avail_out == 0 && z->avail_in == 0,
				      "a %dx%d rectangle inflated to %u of %u bytes", rw, rh,
				      len - z->avail_out, len);
			free(zbuf);
		} else {
			read_exact(fd, px, len);
		}
		for (int r = 0; r < rh; r++) /* the server's format: 32 bpp little-endian 0x00RRGGBB */
			memcpy(fb + (size_t)(y + r) * (size_t)w + x, px + (size_t)r * (size_t)rw,
				 (size_t)rw * 4);
		free(px);
	}
}

/*
 * The daemon's deflate streams have a smaller window than zlib's default
 * (vncterm/encmem.c), and a standard inflater (32 KiB window, as every
 * viewer's) decodes them to the very pixels: the zlib encoding's stream,
 * read by hand, its header saying a 4 KiB window.
 */
START_TEST(zlib_stream_standard_inflater)
{
	const char *const args[] = { "-v", "127.0.0.1:760", "--geometry", "20x4", "-c", "/bin/sh",
				     "-c", "printf '" HIDE "small window'; exec cat >/dev/null", NULL };
	struct vncterm *v = start_daemon(args, 760);
	int fd = raw_connect(v->port, 0), w, h, first = -1;
	uint32_t *want = expected_screen(4, 20, HIDE_BYTES "small window", &w, &h);
	uint32_t *fb = calloc((size_t)w * (size_t)h, 4);
	/* SetEncodings: zlib alone; a whole-screen update, then incremental ones. */
	static const unsigned char enc[] = { 2, 0, 0, 1, 0, 0, 0, 6 };
	unsigned char req[10] = { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	z_stream z = { 0 };

	ck_assert(want && fb);
	ck_assert_int_eq(inflateInit(&z), Z_OK);
	req[6] = (unsigned char)(w >> 8), req[7] = (unsigned char)w;
	req[8] = (unsigned char)(h >> 8), req[9] = (unsigned char)h;
	ck_assert_int_eq(write(fd, enc, sizeof(enc)), (ssize_t)sizeof(enc));
	bool same = false;

	for (int64_t end = now_ms() + 5000; !same && now_ms() < end; req[1] = 1) {
		unsigned char type;

		ck_assert_int_eq(write(fd, req, sizeof(req)), (ssize_t)sizeof(req));
		read_exact(fd, &type, 1);
		ck_assert_msg(type == 0, "message type %d, not an update", type);
		read_update(fd, &z, fb, w, h, &first);
		same = !memcmp(fb, want, (size_t)w * (size_t)h * 4);
	}
	ck_assert_msg(same, "the inflated pixels are not the screen");
	ck_assert_msg(first >= 0, "no zlib rectangle came");
	/* CMF: deflate (8), window 2^(CINFO + 8) = 4 KiB. */
	ck_assert_msg(first == 0x48, "the zlib header is %#x, not a 4 KiB window's 0x48", first);
	inflateEnd(&z);
	free(fb);
	free(want);
	close(fd);
	stop_daemon(v);
}
END_TEST

Suite *viewers_suite(void)
{
	Suite *s = suite_create("viewers");
	TCase *tc = tcase_create("real viewers");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, vncsnapshot_screenshot);
	tcase_add_test(tc, websocket_client);
	tcase_add_test(tc, title_updates_connected_viewer);
	tcase_add_test(tc, zlib_stream_standard_inflater);
	suite_add_tcase(s, tc);
	return s;
}
