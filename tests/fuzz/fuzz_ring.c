/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the PV console ring functions (xenconsole/ring.c)
 * against a shared page the guest controls entirely.  The input is the
 * page, then a sequence of our reads and writes with the guest moving its
 * indices (sanely or not) in between.  Each call is checked against what
 * this file computes on its own from a copy of the page taken before it:
 * how many bytes, which bytes, and that nothing else changed.
 *
 * Input format (indices first, so mutations reach them often):
 *   bytes 0-15  in_cons, in_prod, out_cons, out_prod (u32, little-endian)
 *   byte 16     k: the next k bytes are operations
 *   then        the operations, then bytes for out[] and then in[] (the
 *               rest of each array is filled with a pattern)
 * An operation is one byte, kind = op >> 5, arg = op & 31:
 *   0  ring_read_out with a buffer of arg bytes (0-31)
 *   1  ring_read_out with (arg + 1) * 64 bytes (up to the whole ring)
 *   2  ring_write_in of arg bytes
 *   3  ring_write_in of (arg + 1) * 48 bytes (up to 1.5 times in[])
 *   4  the guest produces arg * 67 bytes of output, honestly
 *   5  the guest consumes arg * 35 bytes of input, honestly
 *   6  the guest moves an index by a hostile amount: index arg & 3,
 *      by (((arg >> 2) & 3) + 1) * 0x233, backwards if arg & 16
 *   7  the guest sets index arg & 3 to one of eight values, arg >> 2:
 *      0-3 its partner index plus 0, 1, 2049, 1025; 4-7 absolute values
 *      around 2^31 and 2^32
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_check.h"
#include "xenconsole/ring.h"

#define IN_SIZE sizeof(((struct xencons_interface *)0)->in)
#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)
#define HEADER 17

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * Not periodic in 256, so that reading from the wrong offset by a multiple
 * of 256 still shows where the fuzzer supplied no bytes.
 */
static char pattern(size_t i, unsigned salt)
{
	return (char)(i ^ (i >> 8) * 0x5b ^ salt);
}

static XENCONS_RING_IDX *index_of(struct xencons_interface *r, unsigned which)
{
	switch (which & 3) {
	case 0:
		return &r->in_cons;
	case 1:
		return &r->in_prod;
	case 2:
		return &r->out_cons;
	default:
		return &r->out_prod;
	}
}

/* The page must be exactly as it was, byte for byte. */
static void check_untouched(const struct xencons_interface *r,
			    const struct xencons_interface *before)
{
	FUZZ_CHECK(memcmp(r, before, sizeof(*r)) == 0);
}

static void do_read(struct xencons_interface *r, size_t want)
{
	struct xencons_interface before = *r;
	/* Exactly the size asked for: ASan reports a byte written past it. */
	char *buf = malloc(want ? want : 1);
	uint32_t used = before.out_prod - before.out_cons;
	int pending = ring_out_pending(r);

	FUZZ_CHECK(buf != NULL);
	check_untouched(r, &before);

	int n = ring_read_out(r, buf, want);

	if (used > OUT_SIZE) {
		FUZZ_CHECK(pending == -EPROTO);
		FUZZ_CHECK(n == -EPROTO);
		check_untouched(r, &before);
		free(buf);
		return;
	}
	FUZZ_CHECK(pending == (int)used);
	FUZZ_CHECK(n >= 0);
	FUZZ_CHECK((size_t)n == (want < used ? want : used));
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(buf[i] == before.out[(before.out_cons + (uint32_t)i) % OUT_SIZE]);
	/* Only out_cons moves, by exactly what was taken. */
	FUZZ_CHECK(r->out_cons == before.out_cons + (uint32_t)n);
	before.out_cons = r->out_cons;
	check_untouched(r, &before);
	FUZZ_CHECK(ring_out_pending(r) == (int)(used - (uint32_t)n));
	free(buf);
}

static void do_write(struct xencons_interface *r, size_t len, unsigned salt)
{
	struct xencons_interface before = *r;
	char *src = malloc(len ? len : 1);
	uint32_t used = before.in_prod - before.in_cons;

	FUZZ_CHECK(src != NULL);
	for (size_t i = 0; i < len; i++)
		src[i] = pattern(i + 7, salt);

	int n = ring_write_in(r, src, len);

	if (used > IN_SIZE) {
		FUZZ_CHECK(n == -EPROTO);
		check_untouched(r, &before);
		free(src);
		return;
	}
	size_t room = IN_SIZE - used;

	FUZZ_CHECK(n >= 0);
	FUZZ_CHECK((size_t)n == (len < room ? len : room));
	/* Our bytes in the free part of in[], in order; the rest as it was. */
	for (int i = 0; i < n; i++)
		before.in[(before.in_prod + (uint32_t)i) % IN_SIZE] = src[i];
	FUZZ_CHECK(r->in_prod == before.in_prod + (uint32_t)n);
	before.in_prod = r->in_prod;
	check_untouched(r, &before);
	free(src);
}

/* The guest side, as a well-behaved guest does it. */
static void guest_produce(struct xencons_interface *r, size_t n, unsigned salt)
{
	for (size_t i = 0; i < n; i++)
		r->out[(r->out_prod + i) % OUT_SIZE] = pattern(i, salt);
	r->out_prod += (uint32_t)n;
}

static void guest_consume(struct xencons_interface *r, size_t n)
{
	uint32_t used = r->in_prod - r->in_cons;

	if (used <= IN_SIZE && n > used)
		n = used;
	r->in_cons += (uint32_t)n;
}

static void guest_set(struct xencons_interface *r, unsigned arg)
{
	/*
	 * The first four are distances from the partner index (one past a
	 * full ring is the smallest hostile one), the rest absolute values.
	 */
	static const uint32_t hostile[8] = {
		0, 1, OUT_SIZE + 1, IN_SIZE + 1, 0x7fffffffu, 0x80000000u,
		0xfffffffeu, 0xffffffffu,
	};
	unsigned choice = (arg >> 2) & 7;
	XENCONS_RING_IDX *p = index_of(r, arg);

	if (choice < 4)
		*p = *index_of(r, arg ^ 1) + hostile[choice];
	else
		*p = hostile[choice];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HEADER)
		return -1;

	/* On the heap and exactly its size: a copy outside the page is caught. */
	struct xencons_interface *r = malloc(sizeof(*r));
	size_t nops = data[16];
	const uint8_t *ops = data + HEADER;

	FUZZ_CHECK(r != NULL);
	r->in_cons = get_u32(data);
	r->in_prod = get_u32(data + 4);
	r->out_cons = get_u32(data + 8);
	r->out_prod = get_u32(data + 12);
	if (nops > size - HEADER)
		nops = size - HEADER;

	const uint8_t *fill = ops + nops;
	size_t fill_len = size - HEADER - nops;

	for (size_t i = 0; i < OUT_SIZE; i++)
		r->out[i] = i < fill_len ? (char)fill[i] : pattern(i, 0x11);
	for (size_t i = 0; i < IN_SIZE; i++)
		r->in[i] = OUT_SIZE + i < fill_len ? (char)fill[OUT_SIZE + i] : pattern(i, 0x22);

	for (size_t k = 0; k < nops; k++) {
		unsigned arg = ops[k] & 31;
		unsigned salt = (unsigned)k * 13;
		XENCONS_RING_IDX *p;

		switch (ops[k] >> 5) {
		case 0:
			do_read(r, arg);
			break;
		case 1:
			do_read(r, (arg + 1) * 64);
			break;
		case 2:
			do_write(r, arg, salt);
			break;
		case 3:
			do_write(r, (arg + 1) * 48, salt);
			break;
		case 4:
			guest_produce(r, arg * 67, salt);
			break;
		case 5:
			guest_consume(r, arg * 35);
			break;
		case 6:
			p = index_of(r, arg);
			if (arg & 16)
				*p -= (((arg >> 2) & 3) + 1) * 0x233u;
			else
				*p += (((arg >> 2) & 3) + 1) * 0x233u;
			break;
		default:
			guest_set(r, arg);
			break;
		}
	}
	/* Whatever state the ops left: one read and one write more. */
	do_read(r, OUT_SIZE + 1);
	do_write(r, IN_SIZE + 1, 0x33);
	free(r);
	return 0;
}
