/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ring functions against a struct xencons_interface that the test
 * plays the guest on: what the guest writes comes out whole and in order,
 * across the array's end and the index's 2^32 wrap; input never overruns
 * in[]; hostile indices are refused without touching the ring.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xenconsole/ring.h"

/* The guest's side: produce into out[], consume from in[]. */
static void guest_put(struct xencons_interface *r, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r->out[MASK_XENCONS_IDX(r->out_prod + i, r->out)] = s[i];
	r->out_prod += (XENCONS_RING_IDX)n;
}

static size_t guest_take(struct xencons_interface *r, char *buf, size_t max)
{
	size_t n = 0;

	while (n < max && r->in_cons != r->in_prod)
		buf[n++] = r->in[MASK_XENCONS_IDX(r->in_cons++, r->in)];
	return n;
}

START_TEST(empty_ring_gives_nothing)
{
	struct xencons_interface r = { 0 };
	char buf[16];

	ck_assert_int_eq(ring_read_out(&r, buf, sizeof(buf)), 0);
	ck_assert_int_eq(ring_out_pending(&r), 0);
	ck_assert_uint_eq(r.out_cons, 0);
}
END_TEST

START_TEST(output_in_order)
{
	struct xencons_interface r = { 0 };
	char buf[16];

	guest_put(&r, "hello, world", 12);
	ck_assert_int_eq(ring_out_pending(&r), 12);
	ck_assert_int_eq(ring_read_out(&r, buf, 5), 5);
	ck_assert_mem_eq(buf, "hello", 5);
	ck_assert_uint_eq(r.out_cons, 5);
	ck_assert_int_eq(ring_read_out(&r, buf, sizeof(buf)), 7);
	ck_assert_mem_eq(buf, ", world", 7);
	ck_assert_uint_eq(r.out_cons, 12);
}
END_TEST

/* The indices count freely modulo 2^32; the array wraps at its size. */
START_TEST(output_wraps_index_and_array)
{
	struct xencons_interface r = { 0 };
	char buf[32];

	r.out_cons = r.out_prod = 0xfffffffdu;
	guest_put(&r, "abcdefgh", 8);
	ck_assert_uint_eq(r.out_prod, 5);
	ck_assert_int_eq(ring_out_pending(&r), 8);
	ck_assert_int_eq(ring_read_out(&r, buf, sizeof(buf)), 8);
	ck_assert_mem_eq(buf, "abcdefgh", 8);
	ck_assert_uint_eq(r.out_cons, 5);
}
END_TEST

/* A full ring (prod - cons == size) is legal and read whole. */
START_TEST(full_ring_is_read_whole)
{
	struct xencons_interface r = { 0 };
	char src[sizeof(r.out)], buf[sizeof(r.out) + 8];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (char)(i * 7);
	r.out_cons = r.out_prod = 1000;
	guest_put(&r, src, sizeof(src));
	ck_assert_int_eq(ring_read_out(&r, buf, sizeof(buf)), (int)sizeof(src));
	ck_assert_mem_eq(buf, src, sizeof(src));
}
END_TEST

static const XENCONS_RING_IDX bad_out[][2] = {
	{ 0, sizeof(((struct xencons_interface *)0)->out) + 1 }, /* prod just too far ahead */
	{ 100, 99 },                                            /* prod behind cons */
	{ 0, 0x80000000u },                                     /* prod far ahead */
	{ 0xfffffff0u, 0x900u },                                /* too far across the wrap */
};

START_TEST(broken_output_indices_refused)
{
	struct xencons_interface r;
	char buf[64];

	memset(&r, 'x', sizeof(r));
	r.out_cons = bad_out[_i][0];
	r.out_prod = bad_out[_i][1];
	ck_assert_int_eq(ring_out_pending(&r), -EPROTO);
	ck_assert_int_eq(ring_read_out(&r, buf, sizeof(buf)), -EPROTO);
	ck_assert_uint_eq(r.out_cons, bad_out[_i][0]);
	ck_assert_uint_eq(r.out_prod, bad_out[_i][1]);
}
END_TEST

START_TEST(input_never_overruns)
{
	struct xencons_interface r = { 0 };
	char big[3000], got[3000];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	r.in_cons = r.in_prod = 0xffffff00u;
	ck_assert_int_eq(ring_write_in(&r, big, sizeof(big)), (int)sizeof(r.in));
	ck_assert_uint_eq(r.in_prod - r.in_cons, sizeof(r.in));
	/* Full: nothing more until the guest consumes. */
	ck_assert_int_eq(ring_write_in(&r, big, sizeof(big)), 0);
	ck_assert_uint_eq(guest_take(&r, got, 100), 100);
	ck_assert_int_eq(ring_write_in(&r, big + sizeof(r.in), sizeof(big) - sizeof(r.in)), 100);
	size_t n = 100 + guest_take(&r, got + 100, sizeof(got) - 100);

	ck_assert_uint_eq(n, sizeof(r.in) + 100);
	ck_assert_mem_eq(got, big, n);
}
END_TEST

START_TEST(broken_input_indices_refused)
{
	struct xencons_interface r;
	struct xencons_interface before;

	memset(&r, 0, sizeof(r));
	r.in_cons = 50;
	r.in_prod = 10; /* the guest claims to have consumed bytes never written */
	before = r;
	ck_assert_int_eq(ring_write_in(&r, "abc", 3), -EPROTO);
	ck_assert_mem_eq(&r, &before, sizeof(r));
	r.in_cons = 0;
	r.in_prod = sizeof(r.in) + 1;
	before = r;
	ck_assert_int_eq(ring_write_in(&r, "abc", 3), -EPROTO);
	ck_assert_mem_eq(&r, &before, sizeof(r));
}
END_TEST

/*
 * A random guest: bursts of output and slow consumption of input, from a
 * random start near the wrap; both streams must arrive intact.
 */
START_TEST(random_streams_intact)
{
	struct xencons_interface r = { 0 };
	enum { TOTAL = 200000 };
	char *out_sent = malloc(TOTAL), *out_got = malloc(TOTAL);
	char *in_sent = malloc(TOTAL), *in_got = malloc(TOTAL);
	size_t os = 0, og = 0, is = 0, ig = 0;
	unsigned seed = 12345u + (unsigned)_i;

	ck_assert(out_sent && out_got && in_sent && in_got);
	for (size_t i = 0; i < TOTAL; i++) {
		out_sent[i] = (char)rand_r(&seed);
		in_sent[i] = (char)rand_r(&seed);
	}
	r.out_cons = r.out_prod = r.in_cons = r.in_prod = 0u - (XENCONS_RING_IDX)(rand_r(&seed) % 5000);
	while (og < TOTAL || ig < TOTAL) {
		size_t room = sizeof(r.out) - (r.out_prod - r.out_cons);
		size_t n = (size_t)rand_r(&seed) % (room + 1);

		if (n > TOTAL - os)
			n = TOTAL - os;
		guest_put(&r, out_sent + os, n);
		os += n;
		int got = ring_read_out(&r, out_got + og, (size_t)rand_r(&seed) % 3000);

		ck_assert_int_ge(got, 0);
		og += (size_t)got;
		int put = ring_write_in(&r, in_sent + is, TOTAL - is < 700 ? TOTAL - is : 700);

		ck_assert_int_ge(put, 0);
		is += (size_t)put;
		ck_assert_uint_le(r.in_prod - r.in_cons, sizeof(r.in));
		ig += guest_take(&r, in_got + ig, (size_t)rand_r(&seed) % 400);
	}
	ck_assert_mem_eq(out_got, out_sent, TOTAL);
	ck_assert_mem_eq(in_got, in_sent, TOTAL);
	free(out_sent);
	free(out_got);
	free(in_sent);
	free(in_got);
}
END_TEST

Suite *ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("xencons ring");

	tcase_add_test(tc, empty_ring_gives_nothing);
	tcase_add_test(tc, output_in_order);
	tcase_add_test(tc, output_wraps_index_and_array);
	tcase_add_test(tc, full_ring_is_read_whole);
	tcase_add_loop_test(tc, broken_output_indices_refused, 0,
			    (int)(sizeof(bad_out) / sizeof(bad_out[0])));
	tcase_add_test(tc, input_never_overruns);
	tcase_add_test(tc, broken_input_indices_refused);
	tcase_add_loop_test(tc, random_streams_intact, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
