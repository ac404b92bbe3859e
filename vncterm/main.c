/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vncterm: a console source (a command on a pty, an existing pty, a file,
 * or a Xen domain's console) drawn by the vt100 emulator and renderer and
 * served over VNC.  This file: start-up (options, the sandbox's monitor,
 * xenstore), the source and the loop; signals.c has what the signals
 * do, input.c what viewers send towards the console.
 *
 * One thread, one poll() over the source, a signalfd and the VNC sockets.
 * The source is always drained into the emulator, viewer or not; the
 * framebuffer is brought up to date once per loop, so a burst of output
 * costs one repaint.  No timer runs while idle (the blink timer runs only
 * while a blinking cell or a blinking cursor is shown).  Signals are
 * taken through the signalfd, never in handlers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vncterm/consolelog.h"
#include "vncterm/log.h"
#include "vncterm/monitor.h"
#include "vncterm/options.h"
#include "vncterm/password.h"
#include "vncterm/paste.h"
#include "vncterm/pty.h"
#include "vncterm/render.h"
#include "vncterm/sandbox.h"
#include "vncterm/select.h"
#include "vncterm/statefile.h"
#include "vncterm/textport.h"
#include "vncterm/unixsock.h"
#include "vncterm/vnc.h"
#include "vncterm/xen.h"
#include "xenconsole/console.h"
#include "vt100/keys.h"
#include "vt100/mouse.h"
#include "vt100/vt100.h"

#include "vncterm/daemon.h"

void die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_ERR, "%s", msg);
	exit(1);
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the framebuffer ---- */

static void on_copy(int x, int y, int w, int h, int dx, int dy, void *user)
{
	vnc_copy(((struct vncterm *)user)->vnc, x, y, w, h, dx, dy);
}

static void on_damage(int x, int y, int w, int h, void *user)
{
	vnc_damage(((struct vncterm *)user)->vnc, x, y, w, h);
}

static const struct render_callbacks render_cb = { .copy = on_copy, .damage = on_damage };

/*
 * Drawn only while someone looks: an idle console keeps no framebuffer
 * pages and no blink timer.  The first connection has it drawn at once,
 * before libvncserver sends it anything.
 */
void on_watched(bool watched, void *user)
{
	struct vncterm *t = user;

	if (render_set_shown(t->render, watched))
		render_update(t->render, t->vt, &render_cb, t);
}

/* ---- the source ---- */

/* The domain's console is the source: --domid (ring), or -x alone (xenconsoled's pty). */
static bool xen_source(const struct options *o)
{
	return o->domid >= 0 ||
	       (o->xs_path && !o->command_given && !o->pty_path && !o->input_file);
}

static void on_xen_log(int level, const char *msg, void *user)
{
	(void)user;
	log_msg(level, "%s", msg);
}

static void start_source(struct vncterm *t)
{
	int err;

	if (t->xc)
		return; /* opened with xenstore, before the ports */

	if (t->opt.input_file) {
		t->src = open(t->opt.input_file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (t->src < 0)
			die("open %s: %s", t->opt.input_file, strerror(errno));
		t->src_is_pty = false;
		log_msg(LOG_INFO, "console source: file %s opened", t->opt.input_file);
		return;
	}
	if (t->opt.pty_path) {
		err = pty_open(t->opt.pty_path, &t->src);
		if (err < 0)
			die("open pty %s: %s", t->opt.pty_path, strerror(-err));
		t->src_is_pty = true;
		log_msg(LOG_INFO, "console source: pty %s opened", t->opt.pty_path);
		return;
	}
	char sh[] = "/bin/sh";
	char *defcmd[] = { sh, NULL };
	char *const *argv = t->opt.command ? t->opt.command : defcmd;

	t->started = now_ms();
	err = pty_spawn(argv, TERM_NAME, t->opt.rows, t->opt.cols, &t->src, &t->child);
	if (err < 0)
		die("run %s on a pty: %s", argv[0], strerror(-err));
	t->src_is_pty = true;
	log_msg(LOG_INFO, "console source: %s started on a pty (pid %d)", argv[0], (int)t->child);
}

static void close_source(struct vncterm *t)
{
	if (t->src >= 0)
		close(t->src);
	t->src = -1;
	t->outq_len = 0;
	drop_paste(t);
}

static void consume(struct vncterm *t, const char *buf, size_t n)
{
	long long now = now_ms();

	if (now - t->window_at >= FLOOD_WINDOW_MS) {
		t->window_at = now;
		t->window_bytes = 0;
	}
	t->window_bytes += n;
	t->since_frame += n;
	t->input_at = now;
	/* The log and record first: they must hold every byte, whatever frames are skipped. */
	log_console(t, buf, n);
	vt_write(t->vt, buf, n);
	if (t->tp)
		textport_broadcast(t->tp, buf, n);
}

/*
 * A loop's console work also ends after READ_SLICE_MS: bytes are not
 * time (one REP or RIS costs a screenful of cells), and viewers and
 * signals must be served between slices whatever the guest sends.  Not
 * a ring (--domid): what is left in it would wait for the guest's next
 * event, and each event's credit already bounds a loop's reading.
 */
#define READ_SLICE_MS 20

/* Read what the source has, up to the budget, into the emulator. */
static void read_source(struct vncterm *t)
{
	char buf[65536];
	size_t total = 0;
	long long start = now_ms();
	bool sliced = t->opt.domid < 0;

	while (t->xc && total < READ_BUDGET && (!sliced || now_ms() - start < READ_SLICE_MS)) {
		ssize_t n = xencons_read(t->xc, buf, sizeof(buf));

		if (n <= 0)
			return;
		consume(t, buf, (size_t)n);
		total += (size_t)n;
	}

	while (t->src >= 0 && total < READ_BUDGET && now_ms() - start < READ_SLICE_MS) {
		ssize_t n = read(t->src, buf, sizeof(buf));

		if (n > 0) {
			consume(t, buf, (size_t)n);
			total += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* EOF, or EIO once the last process on a pty's slave side left */
		log_msg(LOG_INFO, "console source closed (%s)",
			n == 0 ? "end of file" : strerror(errno));
		close_source(t);
	}
}

/* ---- the loop ---- */

/*
 * The domain is gone and vncterm stays (the host agent's contract: its
 * pid stays ours until the agent stops it): the viewers see why the
 * console went quiet.
 */
static void show_gone(struct vncterm *t)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "\r\n\033[0m[vncterm: domain %d is gone]\r\n",
			 options_domid(&t->opt));

	vt_write(t->vt, line, (size_t)n);
}

/* One message from the monitor; false when the monitor is gone. */
static bool from_monitor(struct vncterm *t, uint32_t *type, int32_t *answer)
{
	struct monitor_msg msg;
	int e = monitor_recv(t->monitor, &msg);

	if (e < 0) {
		log_msg(LOG_WARNING, "the monitor is gone (%s); exiting", strerror(-e));
		t->quit = true;
		return false;
	}
	*type = msg.type;
	if (msg.type == MONITOR_RING && msg.len == 8 && t->xc) {
		uint32_t v[2];

		memcpy(v, msg.data, sizeof(v));
		xencons_set_ring(t->xc, v[0] == UINT32_MAX ? -1 : (long)v[0],
				 v[1] == UINT32_MAX ? -1 : (long)v[1]);
	} else if (msg.type == MONITOR_PTY && t->xc) {
		char name[MONITOR_MSG_MAX + 1];

		memcpy(name, msg.data, msg.len);
		name[msg.len] = '\0';
		xencons_set_pty(t->xc, msg.fd, name);
		msg.fd = -1;
	} else if (msg.type == MONITOR_LOG_FILE && msg.len == 12 && msg.fd >= 0) {
		uint64_t size;
		uint32_t which;

		memcpy(&size, msg.data, sizeof(size));
		memcpy(&which, msg.data + 8, sizeof(which));
		adopt_console_file(t, which, msg.fd, size);
		msg.fd = -1;
	} else if (msg.type == MONITOR_VNC_SOCKET && msg.len == 0 && msg.fd >= 0 && t->unix_fd < 0) {
		t->unix_fd = msg.fd;
		msg.fd = -1;
	} else if (msg.type == MONITOR_GONE && msg.len == 0) {
		show_gone(t);
	} else if (msg.type == MONITOR_ANSWER && msg.len == 4) {
		memcpy(answer, msg.data, sizeof(*answer));
		if (*answer < 0)
			log_msg(LOG_WARNING, "the monitor refused a request: %s",
				strerror(-*answer));
	}
	if (msg.fd >= 0)
		close(msg.fd);
	return true;
}

/*
 * Take the monitor's messages for up to ms, until one of type want has
 * come (its answer in *answer) or, with want 0, the console is connected.
 */
static bool wait_monitor(struct vncterm *t, uint32_t want, int32_t *answer, int ms)
{
	long long end = now_ms() + ms;

	while (want || !t->xc || !xencons_connected(t->xc)) {
		long long left = end - now_ms();
		struct pollfd p = { .fd = t->monitor, .events = POLLIN };
		uint32_t type;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		if (!from_monitor(t, &type, answer))
			return false;
		if (want && type == want)
			return true;
	}
	return true;
}

/*
 * The command has ended: restart it (-r; at most once a second, so a
 * command that fails at once cannot make vncterm spin), stay (-s), or
 * finish once no viewer is left.
 */
static void source_ended(struct vncterm *t)
{
	if (t->xc) {
		if (xencons_gone(t->xc) && !t->quit && !t->told_gone) {
			if (t->opt.exit_on_release)
				t->quit = true; /* status 0: the domain's end is a clean end */
			else
				show_gone(t);
			log_msg(LOG_INFO, "domain %d is gone; %s", options_domid(&t->opt),
				t->quit ? "exiting" : "staying until SIGTERM");
			t->told_gone = true;
		}
		return;
	}
	if (t->src >= 0 || t->child)
		return;
	if (t->opt.restart && !t->opt.input_file && !t->opt.pty_path) {
		long long now = now_ms();

		if (now - t->started >= RESTART_MS) {
			t->restart_due = 0;
			start_source(t);
		} else {
			t->restart_due = t->started + RESTART_MS;
		}
		return;
	}
	if (!t->opt.stay && vnc_clients(t->vnc) == 0)
		t->quit = true;
}

/* The least time between frames: longer while the console floods (daemon.h). */
static int frame_interval(const struct vncterm *t)
{
	if (t->window_bytes < FLOOD_RATE_BYTES)
		return FRAME_MS;

	long long ms = t->frame_cost_us * FLOOD_ENCODE_SHARE / 1000;

	return ms <= FLOOD_FRAME_MS ? FLOOD_FRAME_MS : ms >= FLOOD_FRAME_MAX_MS ? FLOOD_FRAME_MAX_MS : (int)ms;
}

/* When the frame for what came since the last is due (ms). */
static long long frame_due(const struct vncterm *t)
{
	long long paced = t->frame_at + frame_interval(t);
	long long quiet = t->input_at + QUIET_MS;

	if (quiet < t->frame_at + QUIET_FRAME_MS)
		quiet = t->frame_at + QUIET_FRAME_MS;
	return quiet < paced ? quiet : paced;
}

/*
 * The frame, if one is due (daemon.h), and each viewer's round; an echo's
 * frame is sent on at once (vnc_flush).
 */
static void frame_and_send(struct vncterm *t)
{
	long long now = now_ms();
	bool trickle = t->since_frame < TRICKLE_BYTES && t->window_bytes < FLOOD_RATE_BYTES;
	bool due = t->since_frame ? now >= frame_due(t) : now - t->frame_at >= frame_interval(t);
	bool echo = false;

	if (trickle || due) {
		echo = trickle && t->since_frame;
		render_update(t->render, t->vt, &render_cb, t);
		t->since_frame = 0;
		t->frame_at = now;
		t->frame_cost_us = vnc_take_send_cost(t->vnc);
	}
	vnc_process(t->vnc);
	if (echo)
		vnc_flush(t->vnc);
}

static void loop(struct vncterm *t)
{
	struct pollfd fds[MAX_POLL];

	while (!t->quit) {
		int n = 0, timeout = -1;

		fds[n++] = (struct pollfd){ .fd = t->sigfd, .events = POLLIN };
		if (t->src >= 0)
			fds[n++] = (struct pollfd){ .fd = t->src,
						    .events = POLLIN | (pending_output(t) ? POLLOUT : 0) };
		long long blink_at = render_blink_due(t->render, now_ms());

		if (blink_at >= 0) { /* only while something blinks on screen */
			long long left = blink_at - now_ms();

			timeout = left < 0 ? 0 : (int)left;
		}
		if (t->since_frame) {
			long long left = frame_due(t) - now_ms();
			int ms = left < 0 ? 0 : (int)left;

			if (timeout < 0 || ms < timeout)
				timeout = ms;
		}
		if (t->restart_due) {
			long long left = t->restart_due - now_ms();
			int ms = left < 0 ? 0 : (int)left;

			if (timeout < 0 || ms < timeout)
				timeout = ms;
		}
		int mon_at = -1;

		if (t->monitor >= 0) {
			mon_at = n;
			fds[n++] = (struct pollfd){ .fd = t->monitor, .events = POLLIN };
		}
		int xc_n = t->xc ? xencons_pollfds(t->xc, fds + n, MAX_POLL - n, &timeout) : 0;

		n += xc_n;
		int tp_first = n, tp_n = t->tp ? textport_pollfds(t->tp, fds + n, MAX_POLL - n) : 0;

		n += tp_n;
		n += vnc_pollfds(t->vnc, fds + n, MAX_POLL - n, &timeout);
		int r = poll(fds, (nfds_t)n, timeout);

		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		render_blink_at(t->render, t->vt, now_ms(), &render_cb, t);
		handle_signals(t);
		if (mon_at >= 0 && fds[mon_at].revents) {
			uint32_t type;
			int32_t answer;

			from_monitor(t, &type, &answer);
		}
		if (t->xc)
			xencons_handle(t->xc);
		if (t->tp)
			textport_handle(t->tp, fds + tp_first, tp_n);
		if (t->src >= 0 || t->xc) {
			flush_outq(t);
			read_source(t);
			follow_selection(t);
		}
		if (t->xc && t->monitor >= 0) {
			bool up = xencons_connected(t->xc);

			/* The pty closed: only the monitor can look for the next one. */
			if (t->xc_was_connected && !up)
				monitor_send(t->monitor, MONITOR_REOPEN, NULL, 0);
			t->xc_was_connected = up;
		}
		frame_and_send(t);
		source_ended(t);
	}
}

/*
 * A pty, file or Xen console runs sandboxed: the process forks here,
 * before it opens anything; the parent becomes the privileged monitor
 * (xenstore, the console's lock and watch, the statefile, the console log)
 * and never returns, the child goes on and drops into the sandbox once its
 * sockets and source are open.  Command mode (-c) and -S keep the user
 * that started them, as the original did: a login needs root.
 */
static void start_sandbox_monitor(struct vncterm *t)
{
	const struct options *o = &t->opt;
	struct monitor *mp = &t->mon; /* the parent serves it until it exits */
	char err[256];

	if (o->stay_root || o->command_given || (!o->pty_path && !o->input_file && !xen_source(o))) {
		log_msg(LOG_WARNING, "running as %s without a sandbox (%s)",
			geteuid() == 0 ? "root" : "the invoking user",
			o->stay_root ? "-S" : "command mode");
		return;
	}
	if (geteuid() != 0)
		die("this console runs sandboxed, which needs root; -S runs it unsandboxed as the "
		    "invoking user");
	mp->domid = options_domid(o);
	options_console_path(o, t->xs_path, sizeof(t->xs_path));
	mp->xs_path = t->xs_path[0] ? t->xs_path : NULL;
	mp->exit_on_release = o->exit_on_release;
	if (xen_source(o)) {
		/* The monitor holds xenstore, the lock and the claim; the worker gets the console. */
		struct xencons_params p = {
			.domid = (unsigned int)mp->domid,
			.path = mp->xs_path,
			.mode = o->domid >= 0 ? XENCONS_RING : XENCONS_PTY,
			.claim_type = "vncterm",
			.changed = monitor_console_changed,
			.log_at = on_xen_log,
			.user = mp,
		};

		/*
		 * Opened by the monitor after the fork: a handle opened before it
		 * would stay registered with libxentoolcore in the worker too, and
		 * xentoolcore_restrict_all() there would dup2 /dev/null over
		 * whatever fd then has its old number.
		 */
		mp->watch_params = p;
		mp->want_watch = true;
		mp->sysrq = o->sysrq; /* SYSRQ is served for the domain's own console only */
	}
	if (sandbox_prepare(&t->sandbox, getpid(), o->sandbox_debug, err, sizeof(err)) < 0)
		die("%s", err);
	t->sandbox.domid = xen_source(o) ? mp->domid : -1;
	t->sandbox.file_max = console_files_max(t);
	/* The viewers' output relay (relay.h), started before the drop; viewers need none. */
	t->sandbox.threads = 1;
	snprintf(mp->dir, sizeof(mp->dir), "%s", t->sandbox.dir);
	mp->base_uid = t->sandbox.base_uid; /* checks the worker's PUBLISH against its uid */
	console_files_for_monitor(t, mp);
	mp->unix_path = o->unix_path;
	mp->no_tcp = o->no_tcp;
	if (monitor_fork(mp, &t->monitor, err, sizeof(err)) < 0)
		die("%s", err);
	/* The worker: the fork closed syslog's socket; connect again while /dev/log is reachable. */
	log_reopen();
	for (int i = 0; i < MONITOR_FILES; i++) {
		int32_t answer;

		/* The monitor sends the files first; without them, it ends us (a bad path). */
		if (mp->files[i].path && !wait_monitor(t, MONITOR_LOG_FILE, &answer, 10000))
			die("%s %s: the monitor did not open it", mp->files[i].option, mp->files[i].path);
	}
	if (o->unix_path && !wait_monitor(t, MONITOR_VNC_SOCKET, &(int32_t){ 0 }, 10000))
		die("--unix %s: the monitor did not make it", o->unix_path);
	if (xen_source(o)) {
		struct xencons_params p = {
			.domid = (unsigned int)mp->domid,
			.path = mp->xs_path, /* a secondary console maps its own grant */
			.mode = o->domid >= 0 ? XENCONS_RING : XENCONS_PTY,
			.budget = o->event_budget,
			.log_at = on_xen_log,
			.user = t,
		};

		t->xc = xencons_open_direct(&p, err, sizeof(err));
		if (!t->xc)
			die("%s", err);
	}
}

/* --help, --version or a bad command line: printed, and the status to exit with. */
static int command_line_exit(int parsed, const char *err)
{
	if (parsed == 1)
		options_usage(stdout, "vncterm");
	else if (parsed == 2)
		printf("vncterm %s\n", VNCTERM_VERSION);
	else
		fprintf(stderr, "vncterm: %s\n", err);
	return parsed > 0 ? 0 : 2;
}

/* The emulator, with the -l statefile's screen when it can be had. */
static void start_emulator(struct vncterm *t)
{
	static const struct vt_callbacks vt_cb = { .output = on_vt_output, .title = on_vt_title,
						   .bell = on_vt_bell };

	t->vt = vt_new(t->opt.rows, t->opt.cols, &vt_cb, t);
	if (!t->vt || vt_set_scrollback(t->vt, t->opt.scrollback) < 0)
		die("emulator %dx%d: %s", t->opt.cols, t->opt.rows, strerror(errno));
	if (t->opt.statefile) {
		/* A bad statefile costs the old screen, never the console. */
		int e = statefile_load(t->vt, t->opt.statefile);

		if (e < 0)
			log_msg(LOG_WARNING, "statefile %s not restored: %s; starting blank",
				t->opt.statefile, e == -EINVAL ? "corrupt or not a statefile" : strerror(-e));
	}
}

/* The framebuffer the emulator is drawn in, and the viewers' side that serves it. */
static void start_screen(struct vncterm *t)
{
	int w, h, cw, ch;

	t->render = render_new(t->opt.rows, t->opt.cols, t->opt.font_scale);
	if (!t->render)
		die("framebuffer for %dx%d: %s", t->opt.cols, t->opt.rows, strerror(errno));
	render_set_shown(t->render, false); /* until a viewer comes (on_watched) */
	/* XTWINOPS 14 and 16 report the pixels the renderer draws a cell in, scaled. */
	render_cell_size(t->render, &cw, &ch);
	if (vt_set_cell_pixels(t->vt, cw, ch) < 0)
		die("cell size %dx%d: %s", cw, ch, strerror(EINVAL));
	uint32_t *fb = render_pixels(t->render, &w, &h);

	start_vnc(t, fb, w, h);
	set_passwords(t);
	if (t->opt.text_port)
		start_text_port(t);
}

/*
 * The worker's drop, once its sockets and source are open; from then on
 * only the monitor reaches xenstore, so it publishes the ports.
 */
static void enter_sandbox(struct vncterm *t)
{
	int32_t answer = 0;
	char err[256];

	/* The ring mapped and bound (or the pty open) before the drop, when it exists. */
	if (t->xc)
		wait_monitor(t, 0, &answer, 2000);
	if (sandbox_enter(&t->sandbox, err, sizeof(err)) < 0)
		die("%s", err);
	log_msg(LOG_INFO, "sandbox applied: uid %u, gid %u, chroot %s",
		(unsigned)t->sandbox.uid, (unsigned)t->sandbox.gid, t->sandbox.dir);
	if (t->xs_path[0]) {
		uint32_t ports[2] = { (uint32_t)vnc_port(t->vnc),
				      t->tp ? (uint32_t)textport_port(t->tp) : 0 };

		if (monitor_send(t->monitor, MONITOR_PUBLISH, ports, sizeof(ports)) < 0 ||
		    !wait_monitor(t, MONITOR_ANSWER, &answer, 5000) || answer < 0)
			die("the monitor could not publish the ports in xenstore");
	}
}

/* The ports, in xenstore (unsandboxed) and on standard output. */
static void announce(struct vncterm *t)
{
	char err[256];

	/* xenstore first: once the port line is out, the keys are there too. */
	if (t->xen && xen_publish(t->xen, t->opt.no_tcp ? 0 : vnc_port(t->vnc),
				  t->tp ? textport_port(t->tp) : 0, t->opt.unix_path, err, sizeof(err)) < 0)
		die("%s", err);
	/* The VNC port (--no-tcp: the socket), then (-T) the text port, one line each: all is set up. */
	if (t->opt.no_tcp)
		printf("%s\n", t->opt.unix_path);
	else
		printf("%d\n", vnc_port(t->vnc));
	if (t->tp)
		printf("%d\n", textport_port(t->tp));
	fflush(stdout);
}

/* The end of a run: the command hung up on, everything closed; the exit status. */
static int finish(struct vncterm *t)
{
	int status = t->status;

	if (t->child)
		kill(t->child, SIGHUP);
	close_source(t);
	xen_free(t->xen);
	textport_free(t->tp);
	vnc_free(t->vnc);
	unixsock_remove(t->opt.unix_path, &t->unix_id);
	render_free(t->render);
	vt_free(t->vt);
	free_console_files(t);
	free(t->outq);
	free(t);
	return status;
}

int main(int argc, char **argv)
{
	struct vncterm *t = calloc(1, sizeof(*t));
	char err[256];
	int r;

	if (!t)
		die("out of memory");
	r = options_parse(&t->opt, argc, argv, err, sizeof(err));
	if (r != 0) {
		free(t);
		return command_line_exit(r, err);
	}
	log_open(t->opt.log_syslog ? LOG_TO_SYSLOG : LOG_TO_STDERR, t->opt.log_level, "vncterm");
	t->src = t->monitor = t->unix_fd = -1;
	setup_console_files(t);
	start_sandbox_monitor(t);
	if (t->monitor < 0 && !open_console_files(t, false))
		exit(1);
	if ((t->opt.xs_path || t->opt.domid >= 0) && t->monitor < 0) {
		t->xen = xen_open(&t->opt, xen_source(&t->opt), on_xen_log, t, err, sizeof(err));
		if (!t->xen)
			die("%s", err);
		t->xc = xen_console(t->xen);
	}
	t->sigfd = setup_signals();
	if (t->sigfd < 0)
		die("signalfd: %s", strerror(-t->sigfd));
	start_emulator(t);
	start_screen(t);
	start_source(t);
	if (t->monitor >= 0)
		enter_sandbox(t);
	announce(t);
	loop(t);
	return finish(t);
}
