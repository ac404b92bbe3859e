/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The --help text, a summary of vncterm(1), one printer a few sections
 * of the page, in the order printed.  The defaults that have a name
 * (options.h, vt100.h) are printed from it, so the text follows them.
 */
#include <stdio.h>

#include "vncterm/options.h"
#include "vt100/vt100.h"

/* What vncterm is, and its three ways to run. */
static void usage_synopsis(FILE *f, const char *prog)
{
	fprintf(f,
		"NAME\n"
		"  %s - serve a text console (a Xen guest's, a pty's or a command's)\n"
		"  over VNC, on localhost\n"
		"\n"
		"SYNOPSIS\n"
		"  %s [OPTIONS] [-c [CMD [ARGS...]]]       (a command; default /bin/sh)\n"
		"  %s -x /local/domain/N/console -T -v 127.0.0.1:1   (as a host agent)\n"
		"  %s --domid N [-T] [-v ADDR:N]           (the domain's ring, directly)\n"
		"\n"
		"  The screen goes to VNC viewers, and to WebSocket clients such as noVNC on\n"
		"  the same port.  The TCP port chosen is printed on standard output (then,\n"
		"  with -T, the text port).  A pty, file or Xen console runs sandboxed when\n"
		"  started as root; -c and -S stay root.  See vncterm(1).\n"
		"\n",
		prog, prog, prog, prog);
}

/* Where the console comes from. */
static void usage_source(FILE *f)
{
	fputs("CONSOLE SOURCE (one)\n"
	      "  -c, --cmd [CMD [ARGS...]]\n"
	      "                      run CMD on a pty; the rest of the line is the command\n"
	      "  -p, --pty PTY       attach to an existing pty\n"
	      "  -x, --xenstore PATH the domain's xenstore console path: the console is the\n"
	      "                      pty xenconsoled names in PATH/tty, and vnc-port,\n"
	      "                      tc-port and statefile are written under PATH (with\n"
	      "                      -c too, as the host console's unit does)\n"
	      "  --domid N           read domain N's console ring directly (PATH defaults to\n"
	      "                      /local/domain/N/console), claiming it from xenconsoled\n"
	      "  --exit-on-release   exit (0) when the domain is released; without it, -x\n"
	      "                      and --domid stay, saying so, until SIGTERM\n"
	      "  --input FILE        read the console's output from FILE (debugging)\n"
	      "  -r, --restart       restart the command when it exits (at most once a second)\n"
	      "  -s, --stay          stay up after the command exits\n"
	      "\n",
	      f);
}

/* The emulator and what it draws. */
static void usage_screen(FILE *f)
{
	fprintf(f,
		"SCREEN\n"
		"  --geometry CxR      columns x rows (default 80x25)\n"
		"  --font-scale N      draw each font pixel N x N, 1-3 (default 1): a cell is\n"
		"                      8N x 16N pixels, for large screens\n"
		"  --scrollback N      lines of scrollback, 0-1000000 (default %d)\n"
		"  -l, --loadstate STATEFILE\n"
		"                      restore a saved console state at start\n"
		"  -t, --title TITLE   the VNC desktop name (default: the program's title)\n"
		"  --keys TERM         the keys of xterm, linux or vt220, for the program's\n"
		"                      TERM (default: xterm with -c, whose TERM is\n"
		"                      xterm-256color; vt220 for a Xen console or pty, as\n"
		"                      serial-getty runs a guest's getty on hvc0)\n"
		"\n",
		VT_DEFAULT_SCROLLBACK);
}

/* Who may connect, how, and for how long. */
static void usage_viewers(FILE *f)
{
	fprintf(f,
		"VIEWERS\n"
		"  -v, --vnclisten ADDR:N\n"
		"                      listen on ADDR, port 5900+N or the next free one\n"
		"                      (default 127.0.0.1:0; [::1]:N for IPv6; ADDR alone\n"
		"                      is display 0, :N every IPv4 address, N alone\n"
		"                      127.0.0.1:N); a non-loopback ADDR is served, with\n"
		"                      a warning\n"
		"  --allow-remote      a non-loopback -v address is meant: no warning\n"
		"  --unix PATH         also serve VNC and WebSocket on the UNIX socket PATH\n"
		"                      (absolute; mode 0600, its maker's: root's when started\n"
		"                      as root), published as vnc-socket with -x/--domid\n"
		"  --no-tcp            with --unix: no VNC TCP listener at all (the display's\n"
		"                      port is held, never listened on; the socket's path is\n"
		"                      printed instead of the port)\n"
		"  -T, --text          also serve a text port, on loopback always, at 9500+N\n"
		"                      for the display N bound (port 5900+N) or the next free\n"
		"                      one: the screen, then the console's bytes; what a\n"
		"                      client sends is typed (no password: not with --password)\n"
		"  --password FILE     viewers must give the password on FILE's first line\n"
		"  --view-only-password FILE\n"
		"                      a password for viewers that watch but cannot type;\n"
		"                      given alone, every viewer needs it and none can type\n"
		"  --max-viewers N     viewers served at once, 1-1000 (default %d); more are\n"
		"                      disconnected as they connect\n"
		"  --handshake-timeout SEC\n"
		"                      disconnect a viewer that has not finished the RFB\n"
		"                      handshake (password included) after SEC, 1-3600\n"
		"                      (default %d)\n"
		"  --idle-timeout SEC  disconnect a viewer that sent no key or pointer event\n"
		"                      for SEC, 1-86400, after a warning in its desktop name\n"
		"                      and a bell (default: never)\n"
		"  --paste-on-receive  type a viewer's clipboard text as it is sent (for\n"
		"                      relays that send it to be typed); by default it is\n"
		"                      typed on a middle click, Shift+Insert or Ctrl+Shift+V\n"
		"\n",
		OPTIONS_MAX_VIEWERS, OPTIONS_HANDSHAKE_TIMEOUT);
}

/* The domain's console, and where output and messages go. */
static void usage_logs(FILE *f)
{
	fputs("XEN\n"
	      "  --event-budget N    ring events taken per 200 ms before a flooding guest is\n"
	      "                      held off (default 30)\n"
	      "  --sysrq             Alt+SysRq+KEY (or Alt+Print+KEY) from a viewer that may\n"
	      "                      type asks the domain for SysRq KEY, as xl sysrq does;\n"
	      "                      for the domain's console (-x PATH alone, --domid) only:\n"
	      "                      elsewhere a warning, and the keys are typed as before\n"
	      "\n"
	      "CONSOLE LOG\n"
	      "  --log-file FILE     append the console's output to FILE (ESC written as ^[),\n"
	      "                      every byte, before it is drawn; SIGHUP reopens FILE\n"
	      "  --log-file-max SIZE stop logging at SIZE bytes until reopened; K, M or G\n"
	      "                      suffix, 4K-64G (default 64M)\n"
	      "  --log-timestamps    start each line of the --log-file with its time\n"
	      "                      (ISO 8601, UTC: [2026-01-31T23:59:59.123Z])\n"
	      "  --record FILE       record the console's output, every byte, as an\n"
	      "                      asciicast v2 file for asciinema play; a FILE that is\n"
	      "                      not empty is moved to FILE.1 first; SIGHUP reopens it\n"
	      "  --record-max SIZE   stop recording at SIZE bytes until reopened (as\n"
	      "                      --log-file-max; default 64M)\n"
	      "\n"
	      "MESSAGES\n"
	      "  --log TARGET        stderr (default) or syslog (facility daemon)\n"
	      "  --log-level N       0 errors, 1 warnings (default), 2 events (viewers, the\n"
	      "                      console source, the sandbox, floods), 3 debug\n"
	      "\n",
	      f);
}

/* The sandbox, signals, exit statuses and examples. */
static void usage_rest(FILE *f)
{
	fputs("SANDBOX\n"
	      "  -S, --stay-root     stay root: no sandbox (command mode always does)\n"
	      "  --sandbox-debug     a call outside the seccomp allow-list traps (SIGSYS,\n"
	      "                      visible under strace -f) instead of killing\n"
	      "\n"
	      "  -h, --help          this text\n"
	      "  --version           the version, then exit\n"
	      "\n"
	      "SIGNALS\n"
	      "  SIGUSR1             save the console state (vncterm.statefile)\n"
	      "  SIGUSR2             debug messages on, or back to --log-level (a toggle)\n"
	      "  SIGHUP              reopen the --log-file and --record; without either, end\n"
	      "                      as SIGTERM does\n"
	      "  SIGTERM, SIGINT     end cleanly (xenstore keys and sandbox directory removed)\n"
	      "\n"
	      "EXIT STATUS\n"
	      "  0  a clean end: the command or the domain ended, or a signal\n"
	      "  1  a runtime error, with a message that says what failed\n"
	      "  2  a bad command line\n"
	      "\n"
	      "EXAMPLES\n"
	      "  vncterm -v 127.0.0.1:0 -c /bin/bash    a shell for any VNC viewer on :5900\n"
	      "  systemctl start vncterm@7              domain 7's console, as a host agent\n",
	      f);
}

void options_usage(FILE *f, const char *prog)
{
	usage_synopsis(f, prog);
	usage_source(f);
	usage_screen(f);
	usage_viewers(f);
	usage_logs(f);
	usage_rest(f);
}
