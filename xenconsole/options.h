/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenconsole client's command line (options.c): its own and Xen's
 * xenconsole's, so that libxl can exec this one.  Not part of
 * libxenconsole: only the client links it.
 */
#ifndef XENCONSOLE_OPTIONS_H
#define XENCONSOLE_OPTIONS_H

#include <stdbool.h>

#include "xenconsole/console.h"

enum cons_type { CONS_PV, CONS_SERIAL, CONS_VUART };

struct options {
	unsigned int domid;
	enum cons_type type;
	unsigned int num;
	unsigned char escape;
	bool replace_escape;
	/* -i: read a terminal on stdin even when stdout is not one. */
	bool interactive;
	/* --start-notify-fd: told once the console is attached; -1: none. */
	int notify_fd;
	enum xencons_mode mode;
};

/*
 * Fills *o from the command line; on --help or --version prints and exits
 * 0, on a bad option says what is wrong on stderr and exits 2.
 */
void parse_options(int argc, char **argv, struct options *o);

/* The key as ^X for control characters, as --escape takes it. */
void escape_name(unsigned char c, char name[3]);

#endif
