/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running the daemon and watching it through a real VNC client. */
#include "tests/integration/util_vncterm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vncterm/png.h"
#include "vncterm/render.h"
#include "vt100/vt100.h"

/* The longest a single wait inside the pump may take, so deadlines hold. */
#define SLICE_MS 50

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int slowdown(void)
{
	const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
	int n = m ? atoi(m) : 1;

	return n > 1 ? n : 1;
}

void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Under `make check SANITIZE=thread` a process that TSan reports on ends
 * at once with this status (TSAN_OPTIONS halt_on_error, exitcode; the
 * sandboxed worker's status is passed on by its monitor).  vncterm's own
 * statuses are 0, 1, 2 and 128 + a signal, so it means a report, printed
 * on the daemon's stderr: the test that started the daemon must fail,
 * whether or not it looks at the status.  abort() fails it through Check
 * (no Check here: the benchmarks link this file too).
 */
#define SANITIZER_REPORT_STATUS 66

static void check_status(pid_t pid, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == SANITIZER_REPORT_STATUS) {
		fprintf(stderr, "vncterm (pid %d) exited with status %d: a sanitizer's report,"
			" on its stderr above (or in its log)\n", (int)pid, SANITIZER_REPORT_STATUS);
		abort();
	}
}

/*
 * A daemon the test never reaps (it ends with the test, by PDEATHSIG) may
 * have exited with a report already: at the test process's exit, every
 * child that has ended is reaped and its status checked.  Check ends a
 * passing test with exit(), so this runs; a failing one failed anyway.
 */
static pid_t spawner;

static void check_children_at_exit(void)
{
	int status;
	pid_t pid;

	if (getpid() != spawner) /* a forked helper inherited this */
		return;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		check_status(pid, status);
}

/*
 * Fork and exec the daemon.  The child gets a process group of its own so
 * that it and anything left in its group can be signalled without touching
 * the test, and PDEATHSIG so that it dies with the test process: Check ends
 * a failed test with _exit(), skipping every cleanup of ours.
 */
static pid_t spawn(const char *bin, const char *const *args, int *out_fd, int *err_fd)
{
	int out[2], err[2] = { -1, -1 };
	size_t n = 0;
	pid_t parent = getpid(), pid;
	char **argv;

	while (args[n])
		n++;
	argv = calloc(n + 2, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	argv[0] = (char *)bin;
	for (size_t i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];

	if (pipe2(out, O_CLOEXEC) < 0) {
		free(argv);
		return -errno;
	}
	if (err_fd && pipe2(err, O_CLOEXEC) < 0) {
		int e = errno;

		close(out[0]);
		close(out[1]);
		free(argv);
		return -e;
	}
	if (spawner != getpid()) {
		spawner = getpid();
		atexit(check_children_at_exit);
	}
	fflush(NULL); /* or the child's exit path could flush our buffers twice */
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(out[0]);
		close(out[1]);
		if (err_fd) {
			close(err[0]);
			close(err[1]);
		}
		free(argv);
		return -e;
	}
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent) /* the test died before prctl */
			_exit(127);
		/* The viewer side ignores SIGPIPE; exec would pass that on. */
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 ||
		    (err_fd && dup2(err[1], 2) < 0))
			_exit(127);
		/*
		 * Nothing of the test harness (Check's files, our pipes) may
		 * reach it: what its command inherits is then its own doing.
		 */
		close_range(3, ~0u, 0);
		execv(bin, argv);
		fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	/* Also here: the test may signal the group before the child ran. */
	setpgid(pid, pid);
	free(argv);
	close(out[1]);
	*out_fd = out[0];
	if (err_fd) {
		close(err[1]);
		*err_fd = err[0];
	}
	return pid;
}

/*
 * The first line, into line (size bytes), within timeout_ms: the port if it
 * is digits, else -1 (--no-tcp prints the socket's path).
 */
static int read_port(int fd, int timeout_ms, char *line, size_t size)
{
	size_t len = 0;
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0) {
			fprintf(stderr, "vncterm printed no port line within %d ms\n", timeout_ms);
			return -1;
		}
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue;
		/* One byte at a time: nothing past the newline is ours to eat. */
		n = read(fd, line + len, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "vncterm closed stdout before a port line\n");
			return -1;
		}
		if (line[len] == '\n')
			break;
		if (++len == size - 1) {
			fprintf(stderr, "vncterm's port line is too long\n");
			return -1;
		}
	}
	line[len] = '\0';
	if (line[0] == '/')
		return -1;
	if (len == 0 || len > 5 || strspn(line, "0123456789") != len || atoi(line) < 1 ||
	    atoi(line) > 65535) {
		fprintf(stderr, "vncterm's port line is not a port: \"%s\"\n", line);
		return -1;
	}
	return atoi(line);
}

struct vncterm *vncterm_start(const char *const *args)
{
	return vncterm_start_bin(VNCTERM_BIN, args);
}

struct vncterm *vncterm_start_bin(const char *bin, const char *const *args)
{
	struct vncterm *v = calloc(1, sizeof(*v));
	pid_t pid;

	if (!v)
		return NULL;
	pid = spawn(bin, args, &v->out_fd, NULL);
	if (pid < 0) {
		fprintf(stderr, "cannot start %s: %s\n", bin, strerror((int)-pid));
		free(v);
		return NULL;
	}
	v->pid = pid;
	/* Kept open until the end: a later write must not raise SIGPIPE. */
	v->port = read_port(v->out_fd, 5000, v->line, sizeof(v->line));
	return v;
}

static bool try_reap(struct vncterm *v)
{
	if (!v->reaped && waitpid(v->pid, &v->status, WNOHANG) == v->pid) {
		v->reaped = true;
		check_status(v->pid, v->status);
	}
	return v->reaped;
}

bool vncterm_wait_exit(struct vncterm *v, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	while (!try_reap(v)) {
		if (now_ms() >= deadline)
			return false;
		sleep_ms(10);
	}
	return true;
}

bool vncterm_alive(struct vncterm *v)
{
	return !try_reap(v);
}

bool vncterm_stop(struct vncterm *v, int timeout_ms)
{
	bool ended = true;

	if (!try_reap(v)) {
		/*
		 * Only while unreaped: afterwards the ids may be reused.  The
		 * process itself too, in case it left the group.
		 */
		kill(-v->pid, SIGTERM);
		kill(v->pid, SIGTERM);
		ended = vncterm_wait_exit(v, timeout_ms);
		if (!ended) {
			kill(-v->pid, SIGKILL);
			kill(v->pid, SIGKILL);
			while (waitpid(v->pid, &v->status, 0) < 0 && errno == EINTR)
				;
			check_status(v->pid, v->status);
		}
	}
	close(v->out_fd);
	free(v);
	return ended;
}

/* Read what is there into buf (keeping it NUL-terminated); false at EOF. */
static bool drain(int fd, char *buf, size_t size, size_t *len)
{
	char scratch[256];
	ssize_t n;

	do {
		n = read(fd, scratch, sizeof(scratch));
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 && errno == EAGAIN;
	for (ssize_t i = 0; i < n && *len + 1 < size; i++)
		buf[(*len)++] = scratch[i];
	buf[*len] = '\0';
	return true;
}

int vncterm_run(const char *const *args, int timeout_ms, struct vncterm_run *res)
{
	int fds[2];
	char *bufs[2] = { res->out, res->err };
	size_t lens[2] = { 0, 0 };
	bool open_[2] = { true, true };
	int64_t deadline = now_ms() + timeout_ms, exit_at = 0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	pid = spawn(VNCTERM_BIN, args, &fds[0], &fds[1]);
	if (pid < 0)
		return (int)pid;
	for (int i = 0; i < 2; i++)
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
	while (now_ms() < deadline) {
		struct pollfd p[2];

		for (int i = 0; i < 2; i++)
			p[i] = (struct pollfd){ .fd = open_[i] ? fds[i] : -1, .events = POLLIN };
		poll(p, 2, 20);
		for (int i = 0; i < 2; i++)
			if (open_[i] && (p[i].revents & (POLLIN | POLLHUP)))
				open_[i] = drain(fds[i], bufs[i], sizeof(res->out), &lens[i]);
		if (!res->exited && waitpid(pid, &res->status, WNOHANG) == pid) {
			res->exited = true;
			exit_at = now_ms();
		}
		/*
		 * Done once both streams ended, or shortly after the exit if
		 * something it left behind still holds them open.
		 */
		if (res->exited && ((!open_[0] && !open_[1]) || now_ms() - exit_at > 200))
			break;
	}
	if (!res->exited) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
			;
	}
	close(fds[0]);
	close(fds[1]);
	if (res->exited && WIFEXITED(res->status) &&
	    WEXITSTATUS(res->status) == SANITIZER_REPORT_STATUS)
		fprintf(stderr, "%s", res->err); /* the report, which the test keeps to itself */
	check_status(pid, res->status);
	return 0;
}

/* libvncclient chats about every handshake step; only its errors matter. */
static void quiet_log(const char *format, ...)
{
	(void)format;
}

rfbClient *vnc_connect(const char *host, int port)
{
	return vnc_connect_with(host, port, true);
}

static int password_tag;

/* libvncclient frees what this returns. */
static char *give_password(rfbClient *c)
{
	const char *pw = rfbClientGetClientData(c, &password_tag);

	return strdup(pw ? pw : "");
}

rfbClient *vnc_connect_with(const char *host, int port, bool cursor_shapes)
{
	return vnc_connect_password(host, port, cursor_shapes, NULL);
}

rfbClient *vnc_connect_password(const char *host, int port, bool cursor_shapes,
				const char *password)
{
	rfbClient *c = rfbGetClient(8, 3, 4);
	char name[] = "check_vncterm";
	char *argv[] = { name, NULL };
	int argc = 1;

	if (!c)
		return NULL;
	rfbClientLog = quiet_log;
	/* A dead daemon must fail the test, not kill it with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	/* 32 bpp true colour laid out as the renderer's 0x00RRGGBB. */
	c->format.bitsPerPixel = 32;
	c->format.depth = 24;
	c->format.trueColour = TRUE;
	c->format.redMax = c->format.greenMax = c->format.blueMax = 255;
	c->format.redShift = 16;
	c->format.greenShift = 8;
	c->format.blueShift = 0;
	/* Lossless encodings only: tight could pick JPEG and blur pixels. */
	c->appData.encodingsString = "copyrect zrle hextile raw";
	c->appData.enableJPEG = FALSE;
	/*
	 * Like most real viewers, take the mouse pointer as a cursor shape,
	 * unless the test plays a viewer that cannot.
	 */
	c->appData.useRemoteCursor = cursor_shapes;
	c->serverHost = strdup(host);
	c->serverPort = port;
	c->connectTimeout = 5;
	c->readTimeout = 5;
	/* The string outlives the handshake: callers pass literals or their own buffers. */
	rfbClientSetClientData(c, &password_tag, (void *)password);
	c->GetPassword = give_password;
	if (!c->serverHost) {
		rfbClientCleanup(c);
		return NULL;
	}
	/* On failure rfbInitClient() has already freed c. */
	if (!rfbInitClient(c, &argc, argv)) {
		fprintf(stderr, "VNC handshake with %s port %d failed\n", host, port);
		return NULL;
	}
	return c;
}

void vnc_disconnect(rfbClient *c)
{
	if (!c)
		return;
	free(c->frameBuffer);
	c->frameBuffer = NULL;
	rfbClientCleanup(c);
}

bool vnc_handle_one(rfbClient *c, int ms)
{
	/* Bytes already buffered by the library are invisible to select(). */
	int r = c->buffered > 0 ? 1 : WaitForMessage(c, (unsigned)ms * 1000);

	if (r < 0) {
		if (errno == EINTR)
			return true;
		fprintf(stderr, "waiting for the VNC server: %s\n", strerror(errno));
		return false;
	}
	if (r > 0 && !HandleRFBServerMessage(c)) {
		fprintf(stderr, "connection to the VNC server lost\n");
		return false;
	}
	return true;
}

bool vnc_pump(rfbClient *c, int64_t deadline)
{
	for (int64_t left; (left = deadline - now_ms()) > 0;)
		if (!vnc_handle_one(c, left < SLICE_MS ? (int)left : SLICE_MS))
			return false;
	return true;
}

bool vnc_key(rfbClient *c, uint32_t keysym)
{
	return SendKeyEvent(c, keysym, TRUE) && SendKeyEvent(c, keysym, FALSE);
}

bool vnc_middle_click(rfbClient *c)
{
	return SendPointerEvent(c, 0, 0, rfbButton2Mask) && SendPointerEvent(c, 0, 0, 0);
}

bool vnc_shows(rfbClient *c, const uint32_t *want, int w, int h)
{
	const uint32_t *got = (const uint32_t *)c->frameBuffer;

	if (c->width != w || c->height != h)
		return false;
	for (long i = 0; i < (long)w * h; i++)
		if ((got[i] ^ want[i]) & 0xffffffu)
			return false;
	return true;
}

/* Index of the first pixel whose RGB bits differ, or -1; counts them all. */
static long first_difference(const uint32_t *got, const uint32_t *want, long n, long *count)
{
	long first = -1;

	*count = 0;
	for (long i = 0; i < n; i++) {
		if ((got[i] ^ want[i]) & 0xffffffu) {
			if (first < 0)
				first = i;
			++*count;
		}
	}
	return first;
}

/* With VNCTERM_TEST_PNG=DIR, a mismatch leaves both screens there to look at. */
static void save_pngs(const uint32_t *got, const uint32_t *want, int w, int h)
{
	const char *dir = getenv("VNCTERM_TEST_PNG");
	char path[4096];
	uint32_t *rgb;

	if (!dir || !*dir)
		return;
	rgb = malloc((size_t)w * h * sizeof(*rgb));
	if (!rgb)
		return;
	/* The padding byte is the server's to fill; the PNG wants it clear. */
	for (long i = 0; i < (long)w * h; i++)
		rgb[i] = got[i] & 0xffffffu;
	snprintf(path, sizeof(path), "%s/got-%d.png", dir, (int)getpid());
	png_write(path, rgb, w, h);
	fprintf(stderr, "  wrote %s\n", path);
	snprintf(path, sizeof(path), "%s/want-%d.png", dir, (int)getpid());
	png_write(path, want, w, h);
	fprintf(stderr, "  wrote %s\n", path);
	free(rgb);
}

bool wait_for_screen(rfbClient *c, const uint32_t *expected, int width, int height,
		     int64_t deadline)
{
	long n = (long)width * height, count = 0, first = -1;

	for (;;) {
		if (c->width != width || c->height != height)
			first = -2;
		else if ((first = first_difference((const uint32_t *)c->frameBuffer, expected, n,
						   &count)) < 0)
			return true;
		int64_t left = deadline - now_ms();

		if (left <= 0 || !vnc_handle_one(c, left < SLICE_MS ? (int)left : SLICE_MS))
			break;
	}
	if (first == -2) {
		fprintf(stderr, "framebuffer is %dx%d, expected %dx%d\n", c->width, c->height,
			width, height);
		return false;
	}
	const uint32_t *got = (const uint32_t *)c->frameBuffer;
	int x = (int)(first % width), y = (int)(first / width);

	fprintf(stderr,
		"screen differs in %ld pixels; first at (%d,%d), cell row %d col %d: "
		"got 0x%06x, want 0x%06x\n",
		count, x, y, y / RENDER_CELL_H, x / RENDER_CELL_W, got[first] & 0xffffffu,
		expected[first] & 0xffffffu);
	save_pngs(got, expected, width, height);
	return false;
}

uint32_t *expected_pixels(int rows, int cols, const char *bytes, size_t len, int view,
			  int *width, int *height)
{
	struct vt *vt = vt_new(rows, cols, NULL, NULL);
	struct render *r = render_new(rows, cols, 1);
	uint32_t *copy = NULL;

	if (vt && r) {
		vt_write(vt, bytes, len);
		if (render_set_view(r, vt, view) == view) {
			render_update(r, vt, NULL, NULL);
			const uint32_t *px = render_pixels(r, width, height);
			size_t size = (size_t)*width * *height * sizeof(*px);

			copy = malloc(size);
			if (copy)
				memcpy(copy, px, size);
		}
	}
	if (r)
		render_free(r);
	if (vt)
		vt_free(vt);
	return copy;
}

uint32_t *expected_screen(int rows, int cols, const char *bytes, int *width, int *height)
{
	return expected_pixels(rows, cols, bytes, strlen(bytes), 0, width, height);
}

pid_t proc_first_child(pid_t pid, int ms)
{
	char path[64], buf[64];
	int64_t end = now_ms() + ms;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	do {
		FILE *f = fopen(path, "r");
		int child = 0;

		if (!f)
			return -1;
		if (fgets(buf, sizeof(buf), f))
			child = atoi(buf);
		fclose(f);
		if (child > 0)
			return child;
		usleep(5000);
	} while (now_ms() < end);
	return -1;
}
