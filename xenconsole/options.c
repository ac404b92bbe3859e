/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenconsole client's command line: the usage text, each option's
 * checks and their messages.  Every bad option ends the client with a
 * message that says what was expected, and status 2.
 *
 * The command line is also Xen's own xenconsole's, so that this one can
 * be what libxl execs for `xl console` and `xl create -c`:
 *   xenconsole DOMID --num N --type pv|serial|vuart [--start-notify-fd FD]
 *   [--escape E]
 * (options after the DOMID; --escape only from later Xen releases).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenconsole/options.h"

/* Set by the Makefile (VERSION). */
#ifndef VNCTERM_VERSION
#define VNCTERM_VERSION "unknown"
#endif

#define DEFAULT_ESCAPE 0x1d /* Ctrl-] */
/* The highest domain id (DOMID_FIRST_RESERVED - 1). */
#define DOMID_MAX 0x7fefu

enum { EXIT_USAGE = 2 };

enum { OPT_NO_REPLACE = 256, OPT_RING, OPT_PTY, OPT_VERSION };

/* Xen's xenconsole's long options, then ours. */
static const struct option longopts[] = {
	{ "type", required_argument, NULL, 't' },
	{ "num", required_argument, NULL, 'n' },
	{ "escape", required_argument, NULL, 'e' },
	{ "start-notify-fd", required_argument, NULL, 's' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "help", no_argument, NULL, 'h' },
	{ "no-replace-escape", no_argument, NULL, OPT_NO_REPLACE },
	{ "ring", no_argument, NULL, OPT_RING },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "pty", no_argument, NULL, OPT_PTY },
	{ NULL, 0, NULL, 0 },
};

/* --type's names. */
static const struct {
	const char *name;
	enum cons_type type;
} cons_types[] = {
	{ "pv", CONS_PV },
	{ "serial", CONS_SERIAL },
	{ "vuart", CONS_VUART },
};

static const char usage_text[] =
	"NAME\n"
	"  xenconsole - attach this terminal to a Xen domain's console\n"
	"\n"
	"SYNOPSIS\n"
	"  xenconsole [--type pv|serial|vuart] [--num N] [--escape ^X]\n"
	"             [--start-notify-fd FD] [--interactive] [--no-replace-escape]\n"
	"             [--ring|--pty] DOMID\n"
	"\n"
	"  Shows the domain's console output here and types what is typed here into\n"
	"  it: for an administrator when the domain has no VNC console\n"
	"  (disable_pv_vnc=1).  The terminal is put in raw mode and restored on every\n"
	"  exit.  Only one reader may hold a console; a lock names its holder.\n"
	"  It takes Xen's own xenconsole command line too, so `xl console` and\n"
	"  `xl create -c` can run it (options may follow the DOMID).\n"
	"  See xenconsole(1).\n"
	"\n"
	"OPTIONS\n"
	"  -t, --type pv|serial|vuart\n"
	"                       console kind (default pv)\n"
	"  -n, --num N          console number (default 0): pv 0 is\n"
	"                       /local/domain/DOMID/console, pv N>0 is\n"
	"                       /local/domain/DOMID/device/console/N, serial N is\n"
	"                       /local/domain/DOMID/serial/N (the PV console when\n"
	"                       that has no tty, as Xen's xenconsole does), vuart is\n"
	"                       /local/domain/DOMID/vuart/0 whatever N\n"
	"  -e, --escape KEY     detach key: ^X for a control character, or one\n"
	"                       character (default ^])\n"
	"  -s, --start-notify-fd FD\n"
	"                       once the console is attached, write one NUL byte to\n"
	"                       FD and close it (how xl create -c knows)\n"
	"  -i, --interactive    read the terminal on stdin even when stdout is not a\n"
	"                       terminal (otherwise it is then left alone); input\n"
	"                       that is not a terminal is always read\n"
	"  --no-replace-escape  pass the guest's ESC bytes to this terminal (by\n"
	"                       default they are shown as '.')\n"
	"  --pty                use xenconsoled's pty (default)\n"
	"  --ring               read the console ring directly (xenconsoled must not\n"
	"                       be serving it; its type is set to xenconsole meanwhile);\n"
	"                       pv and vuart only\n"
	"  -h, --help           this text\n"
	"  --version            the version, then exit\n"
	"\n"
	"EXIT STATUS\n"
	"  0  the escape key was typed, or the domain is gone\n"
	"  1  an error (the console is held by another reader, no such domain...),\n"
	"     with a message that says what failed\n"
	"  2  bad options\n"
	"  SIGTERM, SIGINT and SIGHUP end it after the terminal is restored.\n";

/* What the command line gave beyond struct options, checked once all of it is read. */
struct args {
	const char *domid;
	const char *notify; /* --start-notify-fd's value as given, for its messages */
};

static void bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("xenconsole: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see xenconsole --help)\n", stderr);
	exit(EXIT_USAGE);
}

/* A decimal number without sign, spaces or trailing junk, at most max. */
static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -ERANGE;
	*out = (unsigned int)v;
	return 0;
}

/* "^X" is the control character of X (^? is DEL); any other single byte is itself. */
static int parse_escape(const char *s, unsigned char *out)
{
	if (s[0] == '^' && s[1] && !s[2]) {
		unsigned char c = (unsigned char)s[1];

		if (c == '?') {
			*out = 0x7f;
			return 0;
		}
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (c < '@' || c > '_')
			return -EINVAL;
		*out = (unsigned char)(c & 0x1f);
		return 0;
	}
	if (s[0] && !s[1]) {
		*out = (unsigned char)s[0];
		return 0;
	}
	return -EINVAL;
}

void escape_name(unsigned char c, char name[3])
{
	if (c < 0x20 || c == 0x7f) {
		name[0] = '^';
		name[1] = c == 0x7f ? '?' : (char)(c + '@');
		name[2] = '\0';
	} else {
		name[0] = (char)c;
		name[1] = '\0';
	}
}

/*
 * The toolstack's end of its notification pipe: open, writable, and none
 * of our standard streams (a NUL byte there would corrupt them).
 */
static void check_notify_fd(const char *arg, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fd <= STDERR_FILENO)
		bad_usage("--start-notify-fd %s: that is standard input, output or error; "
			  "give the write end of the toolstack's pipe",
			  arg);
	if (fl < 0)
		bad_usage("--start-notify-fd %s: not an open file descriptor (%s); give the "
			  "write end of the toolstack's pipe",
			  arg, strerror(errno));
	if ((fl & O_ACCMODE) == O_RDONLY)
		bad_usage("--start-notify-fd %s: open for reading only; give the write end of "
			  "the toolstack's pipe",
			  arg);
}

/* A word that is no option: the DOMID, of which there is one. */
static void set_domid_arg(struct args *a, const char *arg)
{
	if (a->domid)
		bad_usage("unexpected argument '%s': give one DOMID", arg);
	a->domid = arg;
}

static void set_type(struct options *o, const char *arg)
{
	for (size_t i = 0; i < sizeof(cons_types) / sizeof(cons_types[0]); i++) {
		if (strcmp(arg, cons_types[i].name) == 0) {
			o->type = cons_types[i].type;
			return;
		}
	}
	bad_usage("--type '%s': expected pv, serial or vuart", arg);
}

static void set_notify_fd(struct options *o, struct args *a, const char *arg)
{
	unsigned int fd;

	if (parse_uint(arg, INT_MAX, &fd) < 0)
		bad_usage("--start-notify-fd '%s': expected a file descriptor number", arg);
	o->notify_fd = (int)fd;
	a->notify = arg;
}

/*
 * What getopt_long refused, said from the argument itself: optopt is a
 * long option's value (not a character) for `--help=x`, a known option
 * given a value it does not take.
 */
static void unknown_option(const char *arg) __attribute__((noreturn));
static void unknown_option(const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (arg[0] == '-' && arg[1] != '-' && optopt > 0 && optopt < 0x80)
		bad_usage("unknown option -%c", optopt);
	if (strncmp(arg, "--", 2) == 0 && eq && optopt)
		bad_usage("%.*s takes no value: give it without '%s'", (int)(eq - arg), arg, eq);
	bad_usage("unknown option %s", arg);
}

/* One option (or, as 1, the DOMID) that getopt_long returned as c. */
static void apply_option(int c, char **argv, struct options *o, struct args *a)
{
	switch (c) {
	case 1:
		set_domid_arg(a, optarg);
		break;
	case 't':
		set_type(o, optarg);
		break;
	case 'n':
		if (parse_uint(optarg, INT_MAX, &o->num) < 0)
			bad_usage("--num '%s': expected a console number (0, 1, ...)", optarg);
		break;
	case 'e':
		if (parse_escape(optarg, &o->escape) < 0)
			bad_usage("--escape '%s': expected ^X for a control character (e.g. ^]) "
				  "or a single character",
				  optarg);
		break;
	case 's':
		set_notify_fd(o, a, optarg);
		break;
	case 'i':
		o->interactive = true;
		break;
	case OPT_NO_REPLACE:
		o->replace_escape = false;
		break;
	case OPT_RING:
		o->mode = XENCONS_RING;
		break;
	case OPT_PTY:
		o->mode = XENCONS_PTY;
		break;
	case 'h':
		fputs(usage_text, stdout);
		exit(EXIT_SUCCESS);
	case OPT_VERSION:
		printf("xenconsole %s\n", VNCTERM_VERSION);
		exit(EXIT_SUCCESS);
	case ':':
		bad_usage("%s needs a value", argv[optind - 1]);
	default:
		unknown_option(argv[optind - 1]);
	}
}

/* What can be checked only once the whole command line is read. */
static void check_args(struct options *o, const struct args *a)
{
	if (!a->domid)
		bad_usage("which domain? give its DOMID");
	if (parse_uint(a->domid, DOMID_MAX, &o->domid) < 0)
		bad_usage("'%s' is not a domain id (0 to %u)", a->domid, DOMID_MAX);
	/* QEMU's emulated serial port is a pty and nothing else. */
	if (o->mode == XENCONS_RING && o->type == CONS_SERIAL)
		bad_usage("--ring with --type serial: a serial console is QEMU's pty and has no "
			  "ring; drop --ring");
	if (a->notify)
		check_notify_fd(a->notify, o->notify_fd);
}

void parse_options(int argc, char **argv, struct options *o)
{
	struct args a = { NULL, NULL };
	int c;

	*o = (struct options){ .escape = DEFAULT_ESCAPE, .replace_escape = true, .notify_fd = -1,
			       .mode = XENCONS_PTY };
	/*
	 * Our own messages: getopt's would not say what to do.  '-': the DOMID
	 * comes back in order (as 1) wherever it stands, so libxl's "DOMID
	 * --num N ..." works even under POSIXLY_CORRECT.
	 */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-:hn:t:e:s:i", longopts, NULL)) != -1)
		apply_option(c, argv, o, &a);
	/* What follows "--" is not an option either. */
	for (; optind < argc; optind++)
		set_domid_arg(&a, argv[optind]);
	check_args(o, &a);
}
