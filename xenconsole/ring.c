/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "xenconsole/ring.h"

/*
 * The page is shared with another CPU: indices are loaded once (a second
 * load could see a different, hostile value), data is read only after the
 * producer index (acquire) and the consumer index is published only after
 * the data has been copied out (release), as Xen's rmb()/mb() pairs do.
 */
static XENCONS_RING_IDX load_index(const XENCONS_RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_index(XENCONS_RING_IDX *p, XENCONS_RING_IDX v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int ring_out_pending(const struct xencons_interface *intf)
{
	XENCONS_RING_IDX cons = load_index(&intf->out_cons);
	XENCONS_RING_IDX prod = load_index(&intf->out_prod);
	XENCONS_RING_IDX used = prod - cons; /* modulo 2^32, as the guest counts */

	return used > sizeof(intf->out) ? -EPROTO : (int)used;
}

int ring_read_out(struct xencons_interface *intf, char *buf, size_t size)
{
	XENCONS_RING_IDX cons = load_index(&intf->out_cons);
	XENCONS_RING_IDX prod = load_index(&intf->out_prod);
	XENCONS_RING_IDX used = prod - cons;
	size_t n = 0;

	if (used > sizeof(intf->out))
		return -EPROTO;
	if (used < size)
		size = used;
	/* At most two pieces: up to the end of out[], then from its start. */
	while (n < size) {
		size_t at = MASK_XENCONS_IDX(cons + n, intf->out);
		size_t chunk = sizeof(intf->out) - at;

		if (chunk > size - n)
			chunk = size - n;
		memcpy(buf + n, (const char *)intf->out + at, chunk);
		n += chunk;
	}
	if (n)
		store_index(&intf->out_cons, cons + (XENCONS_RING_IDX)n);
	return (int)n;
}

int ring_write_in(struct xencons_interface *intf, const char *buf, size_t len)
{
	XENCONS_RING_IDX cons = load_index(&intf->in_cons);
	XENCONS_RING_IDX prod = load_index(&intf->in_prod);
	XENCONS_RING_IDX used = prod - cons;
	size_t n = 0, room;

	if (used > sizeof(intf->in))
		return -EPROTO;
	room = sizeof(intf->in) - used;
	if (len > room)
		len = room;
	while (n < len) {
		size_t at = MASK_XENCONS_IDX(prod + n, intf->in);
		size_t chunk = sizeof(intf->in) - at;

		if (chunk > len - n)
			chunk = len - n;
		memcpy((char *)intf->in + at, buf + n, chunk);
		n += chunk;
	}
	if (n)
		store_index(&intf->in_prod, prod + (XENCONS_RING_IDX)n);
	return (int)n;
}
