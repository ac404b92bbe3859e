/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's own state, shared by main.c (start-up, the source, the
 * loop, the monitor), signals.c and input.c (what viewers send towards
 * the console: keys, pointer, selection, paste, resize).  Not a public
 * interface.
 */
#ifndef VNCTERM_DAEMON_H
#define VNCTERM_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vncterm/monitor.h"
#include "vncterm/options.h"
#include "vncterm/sandbox.h"
#include "vncterm/select.h"
#include "vncterm/sysrq.h"

#define TERM_NAME "xterm-256color"
#define READ_BUDGET (256 * 1024) /* per loop, so viewers stay served under a flood */
#define OUTQ_MAX (64 * 1024)     /* keys and replies waiting for the source */
#define PASTE_MAX (1024 * 1024) /* a larger paste is cut here */
#define RESTART_MS 1000 /* -r starts the command at most once a second */
#define MAX_POLL 256
#define VNC_PORT_BASE 5900  /* -v ADDR:N tries 5900+N first */
#define TEXT_PORT_BASE 9500 /* -T: 9500+N for the display N bound, as the original */
/*
 * Frames are paced: one is drawn at once when the last is FRAME_MS old,
 * or when what came since is a trickle (under TRICKLE_BYTES, an echo) and
 * the console is not flooding (under FLOOD_RATE_BYTES in FLOOD_WINDOW_MS);
 * otherwise at FRAME_MS after the last, or FLOOD_FRAME_MS while flooding.
 * Encoding an update per read would make the viewers, not the emulator,
 * set the console's speed, and cost most of the CPU: a Xen ring hands over
 * a few hundred bytes an event.  A flood scrolls faster than anyone reads,
 * and each frame is encoded for every viewer: 25 frames a second instead
 * of 66 leave the console a fifth more CPU (daemonbench: cjk 36 -> 46 MB/s,
 * sgr-cells 60 -> 78).
 */
/*
 * While flooding, the updates a frame causes (libvncserver encoding it
 * for each viewer, on this thread) take at most 1/FLOOD_ENCODE_SHARE of
 * the time: frames come further apart when viewers are many or their
 * encodings dear, so four viewers cost the console what one does.
 */
#define FLOOD_ENCODE_SHARE 8
#define FLOOD_FRAME_MAX_MS 500
/*
 * A console quiet for QUIET_MS has its frame drawn then, not at the end
 * of the interval: the last screen of a burst (a listing, a flood's end)
 * shows at once.  Not more often than every QUIET_FRAME_MS, whatever the
 * gaps in the console's output.
 */
#define QUIET_MS 2
#define QUIET_FRAME_MS 5
#define TRICKLE_BYTES 64
#define FLOOD_RATE_BYTES (8 * 1024)
#define FLOOD_WINDOW_MS 100
#define FRAME_MS 15
#define FLOOD_FRAME_MS 40

/* A file the console's output goes to. */
struct console_file {
	struct consolelog *l; /* NULL: not asked for */
	char path[4096];      /* absolute: the sandbox's monitor opens it again later */
};

struct vncterm {
	struct options opt;
	struct vt *vt;
	struct render *render;
	struct vnc *vnc;
	struct textport *tp; /* -T, else NULL */
	int src;          /* console source fd, -1 when closed */
	struct xen *xen;  /* -x or --domid: xenstore, and maybe the console */
	struct xencons *xc; /* the console when it is a domain's, else NULL */
	int monitor;      /* sandboxed: the socket to the privileged monitor, else -1 */
	bool src_is_pty;
	pid_t child;      /* 0: none running */
	int sigfd;
	bool quit;
	int status;       /* exit status */
	char *outq;       /* bytes for the source, in order (OUTQ_MAX, made at the first) */
	size_t outq_len;
	struct selection sel;
	bool dragging;
	int clicks;            /* 1, 2 (word) or 3 (line) */
	long long click_at;    /* ms of the last left press */
	struct sel_pos click_pos;
	long long started;   /* ms: when the command was last started */
	long long restart_due; /* ms: when -r may start it again; 0 if not waiting */
	struct sandbox sandbox;
	struct monitor mon;  /* the parent's, when sandboxed */
	char xs_path[256];   /* the console path the monitor publishes under */
	bool xc_was_connected;
	bool told_gone;      /* the domain's release was shown (it stays without --exit-on-release) */
	size_t since_frame;  /* console bytes since the last frame */
	long long frame_at;  /* ms of the last frame */
	long long frame_cost_us; /* sending the frame before the last to the viewers */
	long long window_at; /* ms the current FLOOD_WINDOW_MS began */
	size_t window_bytes; /* console bytes since window_at */
	long long input_at;  /* ms the console last sent anything */
	struct console_file cfile[MONITOR_FILES]; /* --log-file, --record (logfile.c) */
	int unix_fd;         /* --unix's listening socket until the vnc has it, else -1 */
	struct unixsock_id unix_id; /* --unix's, when made here (unsandboxed), to remove it */
	char *paste;         /* pasted text still to type, after outq */
	size_t paste_len, paste_off;
	struct sysrq_rate sysrq_rate; /* --sysrq: requests from all viewers */
};

/* Print "vncterm: <message>" and exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Milliseconds on the monotonic clock. */
long long now_ms(void);

/* main.c: whether a viewer is connected (vnc_callbacks.watched). */
void on_watched(bool watched, void *user);

/*
 * signals.c: the signals the daemon takes (monitor_signals()) blocked and
 * read from the signalfd returned (-errno if not); handle_signals() does
 * what those read from t->sigfd ask, in the loop.
 */
int setup_signals(void);
void handle_signals(struct vncterm *t);

/* serve.c: the viewers' side of start-up (the worker's, before the drop). */
void start_vnc(struct vncterm *t, uint32_t *fb, int w, int h);
void set_passwords(struct vncterm *t);
void start_text_port(struct vncterm *t);

/*
 * logfile.c: the files the console's output goes to, --log-file and
 * --record (absolute paths, opening, writing), indexed as the monitor's.
 */
void setup_console_files(struct vncterm *t);
bool has_console_files(const struct vncterm *t);
/* Open them ourselves (not sandboxed); false if one cannot be (logged). */
bool open_console_files(struct vncterm *t, bool reopen);
void adopt_console_file(struct vncterm *t, unsigned which, int fd, uint64_t size);
/* What the sandbox needs: the monitor's paths, the largest file. */
void console_files_for_monitor(const struct vncterm *t, struct monitor *m);
uint64_t console_files_max(const struct vncterm *t);
void log_console(struct vncterm *t, const char *buf, size_t n);
/* The emulator is now cols x rows: the record says so. */
void record_resize(struct vncterm *t, int cols, int rows);
void free_console_files(struct vncterm *t);

/* input.c: towards the console (as callbacks, user is the struct vncterm). */
void drop_paste(struct vncterm *t);
void flush_outq(struct vncterm *t);
bool pending_output(const struct vncterm *t);
void on_paste(const char *text, size_t len, void *user);
int on_resize(int width, int height, void *user);
int on_tp_snapshot(char **buf, size_t *len, void *user);
void on_tp_input(const char *buf, size_t len, void *user);
void on_vt_output(const char *buf, size_t len, void *user);
void on_vt_title(const char *title, void *user);
void on_vt_bell(void *user);
/* After the console wrote: the selection moves with its text, or ends (select.c). */
void follow_selection(struct vncterm *t);
bool on_key(uint32_t keysym, unsigned mods, void *user);
bool on_pointer(int button, bool down, int x, int y, unsigned held, unsigned mods,
		       void *user);
/* --sysrq on the domain's console (else a warning, once): whether on_sysrq serves viewers. */
bool sysrq_wanted(const struct vncterm *t);
void on_sysrq(uint32_t keysym, const char *viewer, bool view_only, void *user);

#endif
