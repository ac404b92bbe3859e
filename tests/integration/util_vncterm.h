/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for the integration suite: run the real daemon, talk to it as a
 * VNC viewer (libvncclient), and compute the screen it should show with the
 * project's own emulator and renderer.
 */
#ifndef TESTS_INTEGRATION_UTIL_VNCTERM_H
#define TESTS_INTEGRATION_UTIL_VNCTERM_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rfb/rfbclient.h>

/*
 * Tests run with the working directory tests/.  Overridable at build time
 * to check that the tests catch a daemon that misbehaves (a wrapper).
 */
#ifndef VNCTERM_BIN
#define VNCTERM_BIN "../vncterm/vncterm"
#endif

/*
 * Threads a sanitizer's runtime adds to the daemon: ThreadSanitizer starts
 * one of its own with the first thread (the tests and the daemon are built
 * with the same flags).
 */
#ifdef __SANITIZE_THREAD__
#define SANITIZER_THREADS 1
#else
#define SANITIZER_THREADS 0
#endif

/*
 * How many times slower the CPU-bound work runs: CK_TIMEOUT_MULTIPLIER,
 * which `make check SANITIZE=...` sets for Check's timeouts, else 1.  For
 * the deadlines of tests that push megabytes through the emulator.
 */
int slowdown(void);

/* Milliseconds on the monotonic clock, for deadlines. */
int64_t now_ms(void);
/* Sleep ms milliseconds, through signals. */
void sleep_ms(int ms);

/* A running daemon.  Start with vncterm_start(), end with vncterm_stop(). */
struct vncterm {
	pid_t pid;       /* also its process group */
	int out_fd;      /* read end of its stdout */
	int port;        /* the TCP port it printed; -1 if it printed none */
	char line[128];  /* its first line as printed (--no-tcp: the socket's path) */
	bool reaped;
	int status;      /* wait status, once reaped */
};

/*
 * Start the daemon with args (argv[1..], NULL-terminated) in a process
 * group of its own, stdin from /dev/null, stderr inherited, and wait up to
 * 5 s for the port line.  NULL only if it could not be started at all.
 * It is SIGKILLed if the calling process dies first, so a failed assertion
 * (Check ends the test process) never leaves it running.
 */
struct vncterm *vncterm_start(const char *const *args);
/*
 * The same with another binary than VNCTERM_BIN: the benchmarks measure
 * an older build with the same code (their VNCTERM_BIN environment).
 */
struct vncterm *vncterm_start_bin(const char *bin, const char *const *args);
/* True if it exited (and was reaped) within timeout_ms. */
bool vncterm_wait_exit(struct vncterm *v, int timeout_ms);
/* True while it has not exited; reaps it if it has. */
bool vncterm_alive(struct vncterm *v);
/*
 * SIGTERM its process group, wait up to timeout_ms, then SIGKILL; always
 * reaps and frees v.  True if SIGTERM alone ended it in time.
 */
bool vncterm_stop(struct vncterm *v, int timeout_ms);

/* A run to completion with both output streams captured. */
struct vncterm_run {
	bool exited;     /* within the timeout; else it was killed */
	int status;      /* wait status */
	char out[1024], err[1024]; /* NUL-terminated, truncated if longer */
};

/* Run the daemon with args; 0, or -errno if it could not be started. */
int vncterm_run(const char *const *args, int timeout_ms, struct vncterm_run *res);

/*
 * A viewer on host:port asking for 0x00RRGGBB pixels in lossless
 * encodings, so its framebuffer compares directly with the renderer's.
 * NULL (with a message on stderr) if the handshake fails.
 */
rfbClient *vnc_connect(const char *host, int port);
/* The same, choosing whether the viewer accepts cursor shapes. */
rfbClient *vnc_connect_with(const char *host, int port, bool cursor_shapes);
/* The same, giving password if the daemon asks for VNC authentication. */
rfbClient *vnc_connect_password(const char *host, int port, bool cursor_shapes,
				const char *password);
/* Close the connection and free everything, the framebuffer too. */
void vnc_disconnect(rfbClient *c);
/* Handle at most one server message, waiting up to ms for it; false on a break. */
bool vnc_handle_one(rfbClient *c, int ms);
/* Handle server messages until deadline; false if the connection broke. */
bool vnc_pump(rfbClient *c, int64_t deadline);
/* Press and release keysym. */
bool vnc_key(rfbClient *c, uint32_t keysym);
/* Press and release the middle button at (0, 0): vncterm types this viewer's clipboard. */
bool vnc_middle_click(rfbClient *c);

/*
 * Pump messages until the viewer's framebuffer (width x height) equals
 * expected in its RGB bits.  On timeout prints the first differing pixel
 * and returns false.
 */
bool wait_for_screen(rfbClient *c, const uint32_t *expected, int width, int height,
		     int64_t deadline);

/*
 * The pixels the renderer draws for a fresh rows x cols terminal fed
 * bytes; the caller frees them.  Sets *width and *height.
 */
uint32_t *expected_screen(int rows, int cols, const char *bytes, int *width, int *height);
/*
 * The same for len bytes (not a C string), scrolled back by view lines;
 * NULL if the scrollback holds fewer lines than view.
 */
uint32_t *expected_pixels(int rows, int cols, const char *bytes, size_t len, int view,
			  int *width, int *height);

/* Create a file from the mkstemp() template path (updated) holding n bytes, or fail. */
void temp_file(char *path, const void *bytes, size_t n);
/* The start of the file at path, NUL-terminated ("" if unreadable). */
void read_file(const char *path, char *buf, size_t size);
/* Wait up to ms for what to appear in the file at path (read into buf). */
bool file_says(const char *path, const char *what, int ms, char *buf, size_t size);
/* Start vncterm with args and insist on a port line at or above 5900 + n. */
struct vncterm *start_daemon(const char *const *args, int n);
/* The same, with its stderr going to the file log (to read its messages afterwards). */
struct vncterm *start_logged(const char *const *args, int display, const char *log);
/* A viewer on host, or the test fails. */
rfbClient *connect_to(const char *host, const struct vncterm *v);
/* Wait up to ms for the viewer to show what rows x cols cells of bytes look like. */
void assert_screen(rfbClient *c, int rows, int cols, const char *bytes, int ms);
/* It must still be running, and SIGTERM must end it. */
void stop_daemon(struct vncterm *v);

/* A TCP connection to loopback port, or the test fails. */
int tcp_connect(int port);
/* The text port vncterm (-T) prints on the line after the VNC port, or the test fails. */
int text_port_line(struct vncterm *v);
/* Read exactly n bytes, or the test fails. */
void read_exact(int fd, void *buf, size_t n);
/*
 * A raw RFB 3.8 session on loopback port, through ServerInit (security
 * none, shared); rcvbuf > 0 sets a small receive buffer first.
 */
int raw_connect(int port, int rcvbuf);
/*
 * A raw RFB 3.8 viewer that announces raw and ExtendedDesktopSize, sends
 * SetDesktopSize, and returns the ExtendedDesktopSize answer: the status
 * (0 success, 1 prohibited) and the size in *w, *h; -1 on no answer.
 */
int raw_resize(int port, int want_w, int want_h, int *w, int *h);
/* Announce raw and ExtendedDesktopSize on raw viewer fd, and send SetDesktopSize. */
void send_resize(int fd, int want_w, int want_h);
/* A sandboxed vncterm's worker: the monitor's only child (waits up to 3 s). */
pid_t worker_of(pid_t monitor);
/* pid's first child, waiting up to ms for one; -1 if none (or no such pid). */
pid_t proc_first_child(pid_t pid, int ms);
/* CPU time (user + system) pid has used, in seconds. */
double cpu_seconds(pid_t pid);
/* A field of /proc/PID/status such as "VmHWM", in KiB (the test fails if absent). */
long status_kb(pid_t pid, const char *field);
/* One client-to-server binary WebSocket frame (masked), of at most 125 bytes. */
void ws_send(int fd, const void *data, size_t n);
/* One server-to-client frame's payload (unmasked, short); returns its length. */
size_t ws_recv(int fd, unsigned char *out, size_t max);
/*
 * On fd, connected to vncterm: the WebSocket upgrade, then RFB 3.8 in
 * frames through ServerInit (security None, shared), which goes into init
 * (size bytes); its length.  Any step that fails fails the test.
 */
size_t ws_rfb_session(int fd, unsigned char *init, size_t size);
/* A big-endian number of n bytes. */
uint32_t be_uint(const unsigned char *p, int n);
/* pid's state letter in /proc/PID/stat (R, S, T for stopped, Z...), '?' if it is gone. */
char proc_state(pid_t pid);
/* pid's /proc/PID/fd (its name in dir), open for readdir(), or the test fails. */
DIR *proc_fd_dir(pid_t pid, char *dir, size_t size);
/* The fds pid has open. */
int fd_count(pid_t pid);
/* Whether the viewer's framebuffer is want (w x h, 0x00RRGGBB), now, without waiting. */
bool vnc_shows(rfbClient *c, const uint32_t *want, int w, int h);

#endif
