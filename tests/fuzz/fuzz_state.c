/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: vt_state_load() on untrusted bytes.  The input is the
 * saved state itself, so that real saves can seed the corpus.  A load must
 * never crash; a failed one leaves the terminal as it was, and a successful
 * one leaves a terminal that reads back sanely and keeps working.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_check.h"
#include "vt100/vt100.h"

/* Small, so that the saves done for checking stay cheap. */
#define ROWS 12
#define COLS 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Output that leans on the loaded state: the saved cursor (DECRC), the
 * scroll region, charsets, tab stops, the alternate screen, scrolling into
 * the loaded scrollback, wide and combining characters, replies.
 */
static const char probe[] =
	"\0338\x0e\x0f" "ab\tc\xe4\xb8\xad\xcc\x81\r\n"
	"\033[5n\033[6n\033[c\033[?1049l\033[?1049h\033[?1049l"
	"\033[4h\033[3@x\033[4l\033[2P\033[L\033[M\033[3S\033[2T"
	"\033D\033M\033E\033(0qx\033(B\033#8\033[H\033[2J"
	"\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
	"\033[1;2r\033[99B\n\n\033[r\033[99;999H\xe4\xb8\xad\xe4\xb8\xad";

static void check_works(struct vt *vt, int rows, int cols)
{
	fuzz_flush_damage(vt);
	fuzz_check_vt(vt, rows, cols, VT_DEFAULT_SCROLLBACK);
	vt_write(vt, probe, sizeof(probe) - 1);
	fuzz_flush_damage(vt);
	fuzz_check_vt(vt, rows, cols, VT_DEFAULT_SCROLLBACK);
}

/* Load into a fresh terminal; if that worked, check it and carry on. */
static void load_one(const uint8_t *data, size_t size)
{
	struct vt *vt = vt_new(ROWS, COLS, &fuzz_callbacks, NULL);

	if (!vt)
		return;
	/* A refused load was already checked to have changed nothing. */
	int rc = fuzz_load_checked(vt, data, size);
	if (rc != 0) {
		vt_free(vt);
		return;
	}

	/* Save what was loaded and load it again at another size. */
	size_t len = 0;
	uint8_t *buf = fuzz_save(vt, &len);
	check_works(vt, ROWS, COLS);
	if (buf) {
		struct vt *other = vt_new(7, 13, &fuzz_callbacks, NULL);

		if (other) {
			rc = fuzz_load_checked(other, buf, len);
			FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
			check_works(other, 7, 13);
			vt_free(other);
		}
		free(buf);
	}
	vt_free(vt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	load_one(data, size);

	/* Again with the checksum right, to get at the fields behind it. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (fuzz_fix_state_header(copy, size) && memcmp(copy, data, size) != 0)
		load_one(copy, size);
	free(copy);
	return 0;
}
