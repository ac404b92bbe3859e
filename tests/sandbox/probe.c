/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Applies vncterm's own sandbox_prepare() and sandbox_enter() and then
 * makes one system call: "allowed" (write) must work, "forbidden"
 * (socket, which the worker never needs) must kill the process with
 * SIGSYS.  Usage: sandbox-probe PORT allowed|forbidden (the ids are
 * vncterm_base's + PORT)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vncterm/sandbox.h"

int main(int argc, char **argv)
{
	struct sandbox sb;
	char err[256];

	if (argc != 3)
		return 2;
	if (sandbox_prepare(&sb, getpid(), false, err, sizeof(err)) < 0 ||
	    sandbox_set_ids(&sb, atoi(argv[1]), err, sizeof(err)) < 0 ||
	    sandbox_enter(&sb, err, sizeof(err)) < 0) {
		fprintf(stderr, "sandbox-probe: %s\n", err);
		return 1;
	}
	if (!strcmp(argv[2], "forbidden"))
		socket(AF_INET, SOCK_STREAM, 0);
	return write(1, "ok\n", 3) == 3 ? 0 : 1;
}
