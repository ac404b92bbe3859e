/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line, compatible with the original vncterm (-c, -p, -r, -s,
 * -S, -t, -T, -v, -l, -x, -h) plus long options for what is new.
 */
#ifndef VNCTERM_OPTIONS_H
#define VNCTERM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vt100/keys.h"

/*
 * Viewers served at once by default.  Each holds a socket: the sandbox
 * allows 256 fds, and libvncserver itself turns every connection away
 * once half of them are open, so the limit must sit well below 128.
 */
#define OPTIONS_MAX_VIEWERS 32
/*
 * Seconds a viewer may take over the RFB handshake, typing its password
 * included: a connection that stops there holds one of those slots.
 */
#define OPTIONS_HANDSHAKE_TIMEOUT 60

struct options {
	char listen_addr[64];   /* "127.0.0.1" (default), "::1", or any address given */
	int display;            /* N of -v ADDR:N: first port tried is 5900 + N */
	bool remote;            /* listen_addr is not a loopback address */
	bool allow_remote;      /* --allow-remote: that is meant (no warning) */
	int rows, cols;
	int font_scale;         /* --font-scale: pixels a font pixel, 1-3 */
	int scrollback;
	const char *title;      /* -t; NULL: from OSC titles */
	char *const *command;   /* -c CMD ARGS... (NULL-terminated), or NULL */
	bool command_given;     /* -c, even without CMD */
	bool restart;           /* -r */
	bool stay;              /* -s */
	bool stay_root;         /* -S */
	bool text_port;         /* -T */
	const char *pty_path;   /* -p */
	const char *statefile;  /* -l */
	const char *xs_path;    /* -x */
	int domid;              /* --domid; -1 if not given */
	int event_budget;       /* --event-budget; 0: the default */
	bool exit_on_release;   /* --exit-on-release: end when the domain is gone */
	bool sysrq;             /* --sysrq: Alt+SysRq+key asks the domain (vncterm/sysrq.h) */
	const char *input_file; /* --input */
	const char *password_file;           /* --password */
	const char *view_only_password_file; /* --view-only-password */
	int log_level;
	bool log_syslog;         /* --log syslog (else stderr) */
	const char *log_file;   /* --log-file: the console's output is appended there */
	uint64_t log_file_max;  /* --log-file-max, bytes */
	bool log_timestamps;    /* --log-timestamps: each line of the log starts with its time */
	const char *record;     /* --record: the console's output as an asciicast */
	uint64_t record_max;    /* --record-max, bytes */
	int max_viewers;        /* --max-viewers: VNC viewers served at once */
	int handshake_timeout;  /* --handshake-timeout, seconds */
	bool sandbox_debug;     /* --sandbox-debug */
	const char *unix_path;  /* --unix: VNC on this UNIX socket too; NULL: none */
	bool no_tcp;            /* --no-tcp: on the UNIX socket alone */
	int idle_timeout;       /* --idle-timeout, seconds; 0: never */
	bool paste_on_receive;  /* --paste-on-receive: viewers' text typed as it comes */
	/*
	 * --keys: the terminal whose keys are sent.  Default: xterm's for a
	 * command (its TERM is xterm-256color), a VT220's for a console (a PV
	 * guest's getty on hvc0 runs with serial-getty's TERM=vt220).
	 */
	enum vt_key_set keys;
	bool keys_given;
};

/*
 * Parse argv into o.  Returns 0, 1 for --help, 2 for --version, or -EINVAL
 * after writing one line that says what is wrong to err (a buffer of
 * errlen bytes).  argv is not modified.
 */
int options_parse(struct options *o, int argc, char *const argv[], char *err, int errlen);

/* Set by the Makefile (VERSION). */
#ifndef VNCTERM_VERSION
#define VNCTERM_VERSION "unknown"
#endif
/* The --help text, a summary of vncterm(1) (usage.c). */
void options_usage(FILE *f, const char *prog);
/* The i-th long option's name (without "--"), or NULL past the last. */
const char *options_long_name(int i);
/* The domain id in -x /local/domain/N/..., or -1. */
int options_xs_domid(const struct options *o);
/* The domain: --domid, else the one in -x's path; -1 if neither. */
int options_domid(const struct options *o);
/* The console path: -x, else /local/domain/<--domid>/console; "" if neither. */
void options_console_path(const struct options *o, char *buf, size_t size);

#endif
