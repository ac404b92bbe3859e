/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SysRq for a domain, asked for as `xl sysrq DOMID KEY` (libxl_send_sysrq)
 * and xenopsd's Domain.sysrq ask: the command's character written to
 * /local/domain/<domid>/control/sysrq.  Linux's PV driver
 * (drivers/xen/manage.c, sysrq_handler) watches that key; in one
 * transaction it reads the character and writes "" back, then calls
 * handle_sysrq().  One code path for vncterm's root monitor and its
 * unsandboxed daemon alike.
 *
 * Unlike xl, a request still pending (the key holds a character: the guest
 * has not taken it, being hung or without the driver) is not overwritten:
 * the guest's watch reads only the value it finds, so the earlier command
 * would be lost without a word.  It is refused instead, and said so.
 */
#ifndef XENCONSOLE_SYSRQ_H
#define XENCONSOLE_SYSRQ_H

#include <stdbool.h>
#include <stddef.h>

struct xs_handle;

/*
 * Whether key is one of Linux's SysRq commands
 * (Documentation/admin-guide/sysrq.rst): 0-9, b-z, and R.  They are
 * case-sensitive; 'a' and the other capitals are none.
 */
bool xencons_sysrq_valid(int key);
/* What the command does, in a few words ("reboot", "sync"), or NULL for an invalid key. */
const char *xencons_sysrq_name(int key);

/*
 * Ask domain domid for SysRq key: 0; -EINVAL for an invalid key; -ENOENT
 * if the domain has no control directory (gone, or its toolstack made
 * none: nothing is created under a domain that is not there); -EBUSY if a
 * request is still pending, its character in *pending; another -errno
 * from xenstore.
 */
int xencons_sysrq_send(struct xs_handle *xs, unsigned int domid, char key, char *pending);

/* A line for a failed xencons_sysrq_send() (e, and pending for -EBUSY), into buf. */
void xencons_sysrq_error(int e, unsigned int domid, char key, char pending, char *buf,
			 size_t size);

#endif
