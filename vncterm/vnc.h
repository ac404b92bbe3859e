/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VNC side: libvncserver set up explicitly (our own listening sockets
 * on the chosen addresses, a private argv, no deferred updates), viewers'
 * keys handed up as keysyms with modifiers, framebuffer changes handed
 * down as rectangles and copies.  Knows nothing of escape sequences.
 */
#ifndef VNCTERM_VNC_H
#define VNCTERM_VNC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vnc;

struct vnc_callbacks {
	/*
	 * A key pressed by a viewer that may type; mods are VT_MOD_*.  A dead
	 * key or Compose sequence arrives as the keysyms it composes to, each
	 * viewer composing on its own (vncterm/compose.h).  Returns true when
	 * the key is a paste (Shift+Insert, say): that viewer's clipboard is
	 * then typed, through paste.
	 */
	bool (*key)(uint32_t keysym, unsigned mods, void *user);
	/*
	 * A pointer button pressed (down) or released, or the pointer moved
	 * (button -1), at pixel (x, y), from a viewer that may type.  Buttons
	 * are RFB's: 0 left, 1 middle, 2 right, 3 wheel up, 4 wheel down.
	 * Returns true when the event is a paste (a middle click), as key.
	 */
	bool (*pointer)(int button, bool down, int x, int y, unsigned buttons_held, unsigned mods,
			void *user);
	/*
	 * A viewer asks for a framebuffer of width x height pixels.  0 if the
	 * owner resized (and called vnc_set_framebuffer()), -EPERM if this
	 * console cannot resize, another -errno if the size is refused.
	 */
	int (*resize)(int width, int height, void *user);
	/*
	 * Text to type, as UTF-8 (borrowed): the clipboard of a viewer that
	 * may type, when a key or the pointer asked for it.  A viewer's
	 * clipboard is the newer of the text it last sent and the text last
	 * put on the viewers' clipboards (vnc_set_clipboard()): viewers send
	 * theirs whenever it changes, which must not type it.  With
	 * vnc_set_paste_on_receive(), text is typed as a viewer sends it.
	 */
	void (*paste)(const char *utf8, size_t len, void *user);
	/*
	 * --sysrq (NULL: off, and Alt+SysRq is typed as any key): a key
	 * pressed within a viewer's Alt+SysRq sequence (vncterm/sysrq.h),
	 * from the viewer at address viewer, view_only if it may only watch
	 * (to be refused).  None of the sequence reaches key().
	 */
	void (*sysrq)(uint32_t keysym, const char *viewer, bool view_only, void *user);
	/*
	 * The first connection came (watched true: before any byte of it is
	 * read, so that the framebuffer can be drawn before anything of it is
	 * sent), or the last one is gone (false).  NULL: not told.
	 */
	void (*watched)(bool watched, void *user);
};

/*
 * Listen on addr (and, for a loopback address, on the other family's
 * loopback too) at port 5900+display or the first free one above (without
 * tcp, only hold that port, for the sandbox's per-instance ids), and
 * serve fb (width x height, 0x00RRGGBB) to at most max_viewers viewers at
 * once (more are disconnected as they connect).  libvncserver logs only
 * at log_level 3.  NULL on failure, with a message in err.
 */
struct vnc *vnc_new(const char *addr, int display, bool tcp, const char *title, uint32_t *fb,
		    int width, int height, int log_level, int max_viewers,
		    const struct vnc_callbacks *cb, void *user, char *err, int errlen);
/* Also accept viewers on fd, a listening UNIX socket (--unix), which is the vnc's from then on. */
void vnc_listen_unix(struct vnc *v, int fd);
/*
 * Disconnect a viewer that sent no key or pointer event for ms, after a
 * warning (its desktop name and a bell); 0: never.
 */
void vnc_set_idle_timeout(struct vnc *v, int ms);
void vnc_free(struct vnc *v);

/*
 * Require VNC authentication: viewers giving full (if not NULL) may type,
 * viewers giving view_only (if not NULL) only watch.  Copies both;
 * -EINVAL if one is longer than VNC authentication allows.
 */
int vnc_set_passwords(struct vnc *v, const char *full, const char *view_only);

/*
 * Disconnect a viewer that has not finished the RFB handshake (version,
 * security, authentication, ClientInit) ms after it connected; 0: never.
 */
void vnc_set_handshake_timeout(struct vnc *v, int ms);

int vnc_port(const struct vnc *v);
int vnc_clients(const struct vnc *v);
/* libvncserver's own messages (dozens a viewer): on for debugging (SIGUSR2) only. */
void vnc_set_debug(struct vnc *v, bool on);
void vnc_set_title(struct vnc *v, const char *title);

/*
 * The sockets to poll (at most max); returns how many.  Lowers *timeout
 * (ms, -1 for none) to when a held viewer is due to be dropped.
 */
int vnc_pollfds(struct vnc *v, struct pollfd *fds, int max, int *timeout);
/* Accept, read and answer viewers, and send the updates they asked for. */
void vnc_process(struct vnc *v);
/* The viewers' output forwarded now, on this thread (relay_flush): after an echo's frame. */
void vnc_flush(struct vnc *v);
/* Microseconds spent sending updates to the viewers since the last call (encoding, mostly). */
long long vnc_take_send_cost(struct vnc *v);

/*
 * Serve a connected socket (a test's or a fuzzer's) as if it had been
 * accepted; the descriptor is the vnc's from then on.  0, -EBUSY at
 * --max-viewers (the caller keeps the descriptor), or -errno.
 */
int vnc_add_viewer(struct vnc *v, int fd);

/*
 * The console rang its bell: each viewer gets an RFB Bell in the next
 * round, at most one per VNC_BELL_MS however many rang (xterm's
 * bellSuppressTime is 200 ms too).  Costs a store.
 */
#define VNC_BELL_MS 200
void vnc_bell(struct vnc *v);

/*
 * Type the text a viewer sends as it comes (on for relays that send it to
 * be typed), rather than keep it until that viewer pastes.  Off at first.
 */
void vnc_set_paste_on_receive(struct vnc *v, bool on);

/* Put UTF-8 text on every viewer's clipboard (Latin-1 for old viewers). */
void vnc_set_clipboard(struct vnc *v, const char *utf8, size_t len);

/* Serve a new framebuffer (after a resize); every viewer is told the size. */
void vnc_set_framebuffer(struct vnc *v, uint32_t *fb, int width, int height);

void vnc_damage(struct vnc *v, int x, int y, int w, int h);
/* The rectangle now holds what was at (x - dx, y - dy). */
void vnc_copy(struct vnc *v, int x, int y, int w, int h, int dx, int dy);

#endif
