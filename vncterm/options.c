/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command-line parsing.  `-c` is a flag as in the original vncterm: option
 * parsing stops at the first non-option argument, and everything from
 * there on is the command and its arguments
 * (vncterm -v 127.0.0.1:3 -c /bin/sh -c 'ls').
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vncterm/consolelog.h"
#include "vncterm/options.h"
#include "vncterm/render.h"
#include "vt100/vt100.h"

enum {
	OPT_GEOMETRY = 256,
	OPT_FONT_SCALE,
	OPT_SCROLLBACK,
	OPT_INPUT,
	OPT_PASSWORD,
	OPT_DOMID,
	OPT_EVENT_BUDGET,
	OPT_EXIT_ON_RELEASE,
	OPT_SANDBOX_DEBUG,
	OPT_VIEW_ONLY_PASSWORD,
	OPT_LOG_LEVEL,
	OPT_LOG,
	OPT_ALLOW_REMOTE,
	OPT_MAX_VIEWERS,
	OPT_LOG_FILE,
	OPT_LOG_FILE_MAX,
	OPT_LOG_TIMESTAMPS,
	OPT_RECORD,
	OPT_RECORD_MAX,
	OPT_HANDSHAKE_TIMEOUT,
	OPT_KEYS,
	OPT_UNIX,
	OPT_NO_TCP,
	OPT_IDLE_TIMEOUT,
	OPT_SYSRQ,
	OPT_PASTE_ON_RECEIVE,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "geometry", required_argument, NULL, OPT_GEOMETRY },
	{ "font-scale", required_argument, NULL, OPT_FONT_SCALE },
	{ "scrollback", required_argument, NULL, OPT_SCROLLBACK },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "password", required_argument, NULL, OPT_PASSWORD },
	{ "domid", required_argument, NULL, OPT_DOMID },
	{ "event-budget", required_argument, NULL, OPT_EVENT_BUDGET },
	{ "exit-on-release", no_argument, NULL, OPT_EXIT_ON_RELEASE },
	{ "sandbox-debug", no_argument, NULL, OPT_SANDBOX_DEBUG },
	{ "view-only-password", required_argument, NULL, OPT_VIEW_ONLY_PASSWORD },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE },
	{ "max-viewers", required_argument, NULL, OPT_MAX_VIEWERS },
	{ "log-file", required_argument, NULL, OPT_LOG_FILE },
	{ "log-file-max", required_argument, NULL, OPT_LOG_FILE_MAX },
	{ "log-timestamps", no_argument, NULL, OPT_LOG_TIMESTAMPS },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "record-max", required_argument, NULL, OPT_RECORD_MAX },
	{ "handshake-timeout", required_argument, NULL, OPT_HANDSHAKE_TIMEOUT },
	{ "keys", required_argument, NULL, OPT_KEYS },
	{ "unix", required_argument, NULL, OPT_UNIX },
	{ "no-tcp", no_argument, NULL, OPT_NO_TCP },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "sysrq", no_argument, NULL, OPT_SYSRQ },
	{ "paste-on-receive", no_argument, NULL, OPT_PASTE_ON_RECEIVE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	/* The original vncterm's long forms of its short options. */
	{ "cmd", no_argument, NULL, 'c' },
	{ "pty", required_argument, NULL, 'p' },
	{ "restart", no_argument, NULL, 'r' },
	{ "stay", no_argument, NULL, 's' },
	{ "title", required_argument, NULL, 't' },
	{ "xenstore", required_argument, NULL, 'x' },
	{ "vnclisten", required_argument, NULL, 'v' },
	{ "stay-root", no_argument, NULL, 'S' },
	{ "loadstate", required_argument, NULL, 'l' },
	{ "text", no_argument, NULL, 'T' },
	{ NULL, 0, NULL, 0 },
};

const char *options_long_name(int i)
{
	return i >= 0 && i < (int)(sizeof(longopts) / sizeof(longopts[0])) ? longopts[i].name : NULL;
}

static int fail(char *err, int errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, int errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, (size_t)errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int number(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || end == s || *end || *out < lo || *out > hi ? -EINVAL : 0;
}

/* N, NK, NM or NG (powers of 1024), within [lo, hi]. */
static int size_arg(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -EINVAL;
	}
	if (*end || v > (hi >> shift) || (v << shift) < lo)
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static bool is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* ADDR:N, [IPV6]:N or N alone. */
static bool ip_address(const char *s)
{
	struct in_addr a4;
	struct in6_addr a6;

	return inet_pton(AF_INET, s, &a4) == 1 || inet_pton(AF_INET6, s, &a6) == 1;
}

/*
 * The original's forms, and ours: ADDR:N; ADDR alone (display 0, as the
 * original took it); :N (every IPv4 address, as the original's
 * INADDR_ANY; served with the non-loopback warning); [V6]:N; and N alone
 * (127.0.0.1:N).  ADDR: with nothing after the colon is display 0 too.
 */
static int parse_listen(struct options *o, const char *arg, char *err, int errlen)
{
	const char *colon = strrchr(arg, ':');
	char addr[64];
	size_t alen;
	long n = 0;

	if (strlen(arg) < sizeof(addr) && ip_address(arg)) {
		snprintf(o->listen_addr, sizeof(o->listen_addr), "%s", arg);
		o->display = 0;
		return 0;
	}
	if (!colon) {
		snprintf(addr, sizeof(addr), "127.0.0.1");
		colon = arg - 1;
	} else {
		const char *a = arg;

		alen = (size_t)(colon - arg);
		if (alen >= 2 && a[0] == '[' && a[alen - 1] == ']') {
			a++;
			alen -= 2;
		}
		if (alen >= sizeof(addr))
			return fail(err, errlen, "-v %s: expected ADDR:N", arg);
		memcpy(addr, a, alen);
		addr[alen] = '\0';
		if (alen == 0)
			snprintf(addr, sizeof(addr), "0.0.0.0");
	}
	if (colon[1] && number(colon + 1, 0, 65535 - 5900, &n) < 0)
		return fail(err, errlen, "-v %s: display number must be 0-%d", arg, 65535 - 5900);
	if (!colon[1] && colon < arg)
		return fail(err, errlen, "-v: expected ADDR:N, ADDR, :N or N");
	if (!ip_address(addr))
		return fail(err, errlen, "-v %s: '%s' is not an IPv4 or IPv6 address", arg, addr);
	snprintf(o->listen_addr, sizeof(o->listen_addr), "%s", addr);
	o->display = (int)n;
	return 0;
}

static int parse_geometry(struct options *o, const char *arg, char *err, int errlen)
{
	int c, r, used = 0;

	if (sscanf(arg, "%dx%d%n", &c, &r, &used) != 2 || arg[used] || c < 1 || r < 1 ||
	    c > VT_MAX_COLS || r > VT_MAX_ROWS)
		return fail(err, errlen, "--geometry %s: expected COLSxROWS, 1x1 to %dx%d", arg,
			    VT_MAX_COLS, VT_MAX_ROWS);
	o->cols = c;
	o->rows = r;
	return 0;
}

/* The files the console's output goes to, --log-file and --record, and their caps. */
static int file_option(struct options *o, int opt, const char *arg, char *err, int errlen)
{
	uint64_t *max = opt == OPT_LOG_FILE_MAX ? &o->log_file_max : &o->record_max;
	const char *name = opt == OPT_LOG_FILE || opt == OPT_LOG_FILE_MAX ? "--log-file" : "--record";

	if (opt == OPT_LOG_FILE || opt == OPT_RECORD) {
		if (!*arg)
			return fail(err, errlen, "%s: expected a file name", name);
		*(opt == OPT_LOG_FILE ? &o->log_file : &o->record) = arg;
		return 0;
	}
	if (size_arg(arg, CONSOLELOG_MIN_MAX, CONSOLELOG_MAX_MAX, max) < 0)
		return fail(err, errlen, "%s-max %s: expected a size from 4K to 64G (suffix K, M or G)",
			    name, arg);
	return 0;
}

/* --keys NAME, remembered as given: the default waits for the source. */
static int parse_keys(struct options *o, const char *arg)
{
	static const char *const names[] = {
		[VT_KEYS_XTERM] = "xterm", [VT_KEYS_LINUX] = "linux", [VT_KEYS_VT220] = "vt220",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(arg, names[i])) {
			o->keys = (enum vt_key_set)i;
			o->keys_given = true;
			return 0;
		}
	return -EINVAL;
}

/*
 * The options that only store what they are given into one field: a
 * flag, a string as given, or a number within [lo, hi].  FIELD builds
 * only when the field has the type its kind writes, so the table cannot
 * write an int through a bool.
 */
enum setting_kind { SET_FLAG, SET_TEXT, SET_NUMBER };

struct setting {
	int opt;
	enum setting_kind kind;
	size_t field;       /* offset in struct options */
	long lo, hi;        /* SET_NUMBER */
	const char *expect; /* SET_NUMBER: what the message says is expected */
};

#define FIELD(f, type) _Generic(((struct options *)0)->f, type: offsetof(struct options, f))
#define FLAG(opt, f) { (opt), SET_FLAG, FIELD(f, bool), 0, 0, NULL }
#define TEXT(opt, f) { (opt), SET_TEXT, FIELD(f, const char *), 0, 0, NULL }
#define NUMBER(opt, f, lo, hi, expect) { (opt), SET_NUMBER, FIELD(f, int), (lo), (hi), (expect) }

static const struct setting settings[] = {
	FLAG('c', command_given),
	FLAG('r', restart),
	FLAG('s', stay),
	FLAG('S', stay_root),
	FLAG('T', text_port),
	FLAG(OPT_EXIT_ON_RELEASE, exit_on_release),
	FLAG(OPT_SYSRQ, sysrq),
	FLAG(OPT_ALLOW_REMOTE, allow_remote),
	FLAG(OPT_LOG_TIMESTAMPS, log_timestamps),
	FLAG(OPT_SANDBOX_DEBUG, sandbox_debug),
	FLAG(OPT_NO_TCP, no_tcp),
	FLAG(OPT_PASTE_ON_RECEIVE, paste_on_receive),
	TEXT('p', pty_path),
	TEXT('t', title),
	TEXT('l', statefile),
	TEXT('x', xs_path),
	TEXT(OPT_INPUT, input_file),
	TEXT(OPT_PASSWORD, password_file),
	TEXT(OPT_VIEW_ONLY_PASSWORD, view_only_password_file),
	NUMBER(OPT_FONT_SCALE, font_scale, 1, RENDER_MAX_SCALE, "1, 2 or 3"),
	NUMBER(OPT_SCROLLBACK, scrollback, 0, 1000000, "0-1000000 lines"),
	/* DOMID_FIRST_RESERVED (0x7ff0) and above are not guests. */
	NUMBER(OPT_DOMID, domid, 0, 0x7fef, "a domain id 0-32751"),
	NUMBER(OPT_EVENT_BUDGET, event_budget, 1, 100000, "1-100000"),
	NUMBER(OPT_LOG_LEVEL, log_level, 0, 3, "0-3"),
	NUMBER(OPT_MAX_VIEWERS, max_viewers, 1, 1000, "1-1000"),
	NUMBER(OPT_HANDSHAKE_TIMEOUT, handshake_timeout, 1, 3600, "1-3600 seconds"),
	NUMBER(OPT_IDLE_TIMEOUT, idle_timeout, 1, 86400, "1-86400 seconds"),
};

/* The long name of a long-only option, for its messages. */
static const char *long_name(int opt)
{
	const struct option *l = longopts;

	while (l->name && l->val != opt)
		l++;
	return l->name ? l->name : "";
}

static int apply_setting(struct options *o, const struct setting *s, const char *arg, char *err,
			 int errlen)
{
	char *field = (char *)o + s->field;
	long n;

	switch (s->kind) {
	case SET_FLAG:
		*(bool *)field = true;
		return 0;
	case SET_TEXT:
		*(const char **)field = arg;
		return 0;
	default: /* SET_NUMBER */
		if (number(arg, s->lo, s->hi, &n) < 0)
			return fail(err, errlen, "--%s %s: expected %s", long_name(s->opt), arg,
				    s->expect);
		*(int *)field = (int)n;
		return 0;
	}
}

/*
 * One option getopt found: 0, 1 for --help, 2 for --version, -EINVAL
 * with the message in err, or -ENOENT for one that is not ours.
 */
static int parse_one(struct options *o, int opt, const char *arg, char *err, int errlen)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (settings[i].opt == opt)
			return apply_setting(o, &settings[i], arg, err, errlen);
	switch (opt) {
	case 'v':
		return parse_listen(o, arg, err, errlen);
	case OPT_GEOMETRY:
		return parse_geometry(o, arg, err, errlen);
	case OPT_LOG:
		if (strcmp(arg, "stderr") && strcmp(arg, "syslog"))
			return fail(err, errlen, "--log %s: expected stderr or syslog", arg);
		o->log_syslog = !strcmp(arg, "syslog");
		return 0;
	case OPT_UNIX:
		if (arg[0] != '/')
			return fail(err, errlen, "--unix %s: expected an absolute path", arg);
		o->unix_path = arg;
		return 0;
	case OPT_KEYS:
		if (parse_keys(o, arg) < 0)
			return fail(err, errlen, "--keys %s: expected xterm, linux or vt220", arg);
		return 0;
	case OPT_LOG_FILE:
	case OPT_LOG_FILE_MAX:
	case OPT_RECORD:
	case OPT_RECORD_MAX:
		return file_option(o, opt, arg, err, errlen);
	case 'h':
	case OPT_HELP:
		return 1;
	case OPT_VERSION:
		return 2;
	default:
		return -ENOENT;
	}
}

static void set_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->listen_addr, sizeof(o->listen_addr), "127.0.0.1");
	o->rows = 25;
	o->cols = 80;
	o->font_scale = 1;
	o->scrollback = VT_DEFAULT_SCROLLBACK;
	o->log_level = 1;
	o->max_viewers = OPTIONS_MAX_VIEWERS;
	o->handshake_timeout = OPTIONS_HANDSHAKE_TIMEOUT;
	o->domid = -1;
	o->log_file_max = CONSOLELOG_DEFAULT_MAX;
	o->record_max = CONSOLELOG_DEFAULT_MAX;
}

/* What follows from the options as a whole: the keys' default, and whether the address is remote. */
static void settle(struct options *o)
{
	bool console = o->pty_path || o->input_file || o->domid >= 0 || o->xs_path;

	/* A command, given or the default /bin/sh, has TERM=xterm-256color; a console, a getty's. */
	if (!o->keys_given)
		o->keys = o->command_given || !console ? VT_KEYS_XTERM : VT_KEYS_VT220;
	/*
	 * The host agent gives its vncterm_ip explicitly: that works, as it
	 * did in the original, and main() warns about it unless
	 * --allow-remote says it is meant.
	 */
	o->remote = !is_loopback(o->listen_addr);
}

/* Options that are each fine alone but not together. */
static int check_combination(const struct options *o, char *err, int errlen)
{
	int sources = o->command_given + (o->pty_path != NULL) + (o->input_file != NULL) +
		      (o->domid >= 0);

	if (sources > 1)
		return fail(err, errlen, "choose one console source: -c, -p, --input or --domid");
	if (o->log_timestamps && !o->log_file)
		return fail(err, errlen, "--log-timestamps: stamps the --log-file; give one");
	if (o->record && o->log_file && !strcmp(o->record, o->log_file))
		return fail(err, errlen, "--record %s: that is the --log-file too; give each its own file",
			    o->record);
	/* The text port has no authentication: it would be a way round the password. */
	if (o->text_port && (o->password_file || o->view_only_password_file))
		return fail(err, errlen,
			    "-T: the text port has no password; it cannot be used with --password "
			    "or --view-only-password");
	if (o->no_tcp && !o->unix_path)
		return fail(err, errlen, "--no-tcp: viewers need a way in; give --unix PATH too");
	if (o->xs_path && (strncmp(o->xs_path, "/local/domain/", 14) || options_xs_domid(o) < 0))
		return fail(err, errlen, "-x %s: expected a console path /local/domain/N/...",
			    o->xs_path);
	if (o->domid >= 0 && o->xs_path && options_xs_domid(o) != o->domid)
		return fail(err, errlen, "-x %s is not a path of domain %d (--domid)", o->xs_path,
			    o->domid);
	return 0;
}

int options_parse(struct options *o, int argc, char *const argv[], char *err, int errlen)
{
	int opt, r;

	set_defaults(o);
	optind = 0; /* a fresh scan (GNU) */
	opterr = 0;
	/* '+': stop at the first non-option, which starts the command. */
	while ((opt = getopt_long(argc, argv, "+:cp:rsSt:Tv:l:x:h", longopts, NULL)) != -1) {
		if (opt == ':')
			return fail(err, errlen, "option %s needs an argument", argv[optind - 1]);
		r = parse_one(o, opt, optarg, err, errlen);
		if (r == -ENOENT)
			return fail(err, errlen, "unknown option %s (try --help)", argv[optind - 1]);
		if (r != 0)
			return r;
	}
	if (optind < argc && !o->command_given)
		return fail(err, errlen, "unexpected argument '%s' (a command follows -c)", argv[optind]);
	if (o->command_given)
		o->command = optind < argc ? argv + optind : NULL;
	settle(o);
	return check_combination(o, err, errlen);
}

int options_xs_domid(const struct options *o)
{
	long d;
	char *end;

	if (!o->xs_path || strncmp(o->xs_path, "/local/domain/", 14))
		return -1;
	errno = 0;
	d = strtol(o->xs_path + 14, &end, 10);
	if (errno || end == o->xs_path + 14 || (*end != '/' && *end) || d < 0 || d > 0x7fef)
		return -1;
	return (int)d;
}

int options_domid(const struct options *o)
{
	return o->domid >= 0 ? o->domid : options_xs_domid(o);
}

void options_console_path(const struct options *o, char *buf, size_t size)
{
	if (o->xs_path)
		snprintf(buf, size, "%s", o->xs_path);
	else if (o->domid >= 0)
		snprintf(buf, size, "/local/domain/%d/console", o->domid);
	else if (size)
		buf[0] = '\0';
}
