/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PV console ring (xen/io/console.h) as pure functions over a mapped
 * struct xencons_interface: no Xen calls, no event channels, so the same
 * code runs against a guest's page or a test's buffer.
 *
 * The guest controls every index and byte.  Indices are read once per
 * call, and a ring whose producer is more than a ring's length ahead of
 * its consumer is reported broken (-EPROTO) and left untouched; masking
 * keeps every copy inside the arrays whatever the indices say.
 */
#ifndef XENCONSOLE_RING_H
#define XENCONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/io/console.h>

/*
 * Take up to size bytes of console output from out[] into buf and publish
 * the new out_cons.  Returns the number of bytes (0 if none), or -EPROTO
 * for broken indices.  The caller notifies the guest if it returned > 0.
 */
int ring_read_out(struct xencons_interface *intf, char *buf, size_t size);

/*
 * Put as much of buf (len bytes) into in[] as there is room for and
 * publish the new in_prod.  Returns the number of bytes taken (0 when
 * in[] is full: the rest waits for the guest to consume), or -EPROTO.
 */
int ring_write_in(struct xencons_interface *intf, const char *buf, size_t len);

/* Bytes of output waiting in out[], or -EPROTO. */
int ring_out_pending(const struct xencons_interface *intf);

#endif
