/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: statefile_load() (vncterm/statefile.c) on a file with
 * arbitrary contents, as -l reads it after a restart or a migration.  The
 * input is the file.  Whatever it holds:
 *  - the load returns 0 or -EINVAL / -ENOMEM, and a refused load leaves
 *    the terminal exactly as it was;
 *  - afterwards the terminal works: it reads back sanely, takes output,
 *    resizes, reads back sanely again;
 *  - statefile_save() of it and statefile_load() into a fresh terminal
 *    give the same screen, and leave no temporary file behind.
 * Like fuzz_state, each input is also tried with its header's length and
 * CRC-32 made to match, to reach the checks behind them.
 *
 * The files live in a directory made once per process (on /dev/shm when
 * there is one: statefile_save() fsyncs) and removed at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_check.h"
#include "vncterm/statefile.h"
#include "vt100/vt100.h"

#define ROWS 12
#define COLS 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char in_path[96], save_path[96], tmp_path[100];

static void cleanup(void)
{
	unlink(in_path);
	unlink(save_path);
	unlink(tmp_path);
	rmdir(dir);
}

static void setup(void)
{
	const char *base = fuzz_scratch_base();

	snprintf(dir, sizeof(dir), "%s/fuzz_statefile.XXXXXX", base);
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(in_path, sizeof(in_path), "%s/input", dir);
	snprintf(save_path, sizeof(save_path), "%s/%s", dir, STATEFILE_NAME);
	snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", save_path);
	atexit(cleanup);
}

/* The input as a file, replacing the previous one. */
static void put_file(const uint8_t *data, size_t size)
{
	int fd = open(in_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
	FUZZ_CHECK(close(fd) == 0);
}

/* Output that leans on the loaded state (see fuzz_state.c). */
static const char probe[] =
	"\0338\x0e\x0f" "ab\tc\xe4\xb8\xad\xcc\x81\r\n"
	"\033[5n\033[6n\033[?1049l\033[?1049h\033[?1049l"
	"\033[4h\033[3@x\033[4l\033[2P\033[L\033[M\033[3S\033[2T"
	"\033D\033M\033E\033(0qx\033(B\033[H"
	"\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
	"\033[1;2r\033[99B\n\n\033[r\033[99;999H\xe4\xb8\xad\xe4\xb8\xad";

static void check_works(struct vt *vt)
{
	fuzz_flush_damage(vt);
	fuzz_check_vt(vt, ROWS, COLS, VT_DEFAULT_SCROLLBACK);
	vt_write(vt, probe, sizeof(probe) - 1);
	fuzz_flush_damage(vt);
	fuzz_check_vt(vt, ROWS, COLS, VT_DEFAULT_SCROLLBACK);
	FUZZ_CHECK(vt_resize(vt, 7, 13) == 0);
	fuzz_flush_damage(vt);
	fuzz_check_vt(vt, 7, 13, VT_DEFAULT_SCROLLBACK);
	vt_write(vt, probe, sizeof(probe) - 1);
	FUZZ_CHECK(vt_resize(vt, ROWS, COLS) == 0);
	fuzz_flush_damage(vt);
	fuzz_check_vt(vt, ROWS, COLS, VT_DEFAULT_SCROLLBACK);
}

/* Through the file: save, load into a fresh terminal, compare. */
static void check_round_trip(const struct vt *vt)
{
	int rc = statefile_save(vt, save_path);

	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
	FUZZ_CHECK(access(tmp_path, F_OK) != 0);
	if (rc != 0)
		return;

	struct vt *copy = vt_new(ROWS, COLS, &fuzz_callbacks, NULL);

	if (!copy)
		return;
	rc = statefile_load(copy, save_path);
	/* A state just saved is valid by definition. */
	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
	if (rc == 0)
		fuzz_check_same(vt, copy);
	vt_free(copy);
}

static void load_one(const uint8_t *data, size_t size)
{
	struct vt *vt = vt_new(ROWS, COLS, &fuzz_callbacks, NULL);

	if (!vt)
		return;
	/* Something on the screen, so that "unchanged" means something. */
	vt_write(vt, "before\r\n\033[1;31mred\033[m", 21);

	size_t before_len = 0;
	uint8_t *before = fuzz_save(vt, &before_len);

	put_file(data, size);

	int rc = statefile_load(vt, in_path);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc != 0 && before) {
		size_t after_len = 0;
		uint8_t *after = fuzz_save(vt, &after_len);

		if (after) {
			FUZZ_CHECK(after_len == before_len);
			FUZZ_CHECK(memcmp(after, before, before_len) == 0);
		}
		free(after);
	}
	free(before);

	/* The round trip first, on exactly what was loaded (or kept). */
	check_round_trip(vt);
	check_works(vt);
	vt_free(vt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0])
		setup();
	load_one(data, size);

	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	if (fuzz_fix_state_header(copy, size) && memcmp(copy, data, size) != 0)
		load_one(copy, size);
	free(copy);
	return 0;
}
