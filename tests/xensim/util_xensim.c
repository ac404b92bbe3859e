/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's side of the simulated Xen host (the files xensim.h lists),
 * and starting the real xenstored with libxensim.so preloaded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "tests/xensim/sim_path.h"
#include "tests/xensim/xensim.h"

/* Where `make` unpacks Debian's xen-utils, relative to the runner's directory. */
#define XENSTORED_REL "../xen-utils/usr/lib/xen-4.17/bin/xenstored"
#define XENSTORED_WAIT_MS 5000

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

/*
 * A failed assertion ends a test process with _exit(), before it removes
 * its directory; the next run removes those whose owner is gone.
 */
static void sweep_stale(void)
{
	DIR *d = opendir("/tmp");

	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		char p[300];
		long pid = 0;
		if (strncmp(e->d_name, "xensim-", 7) != 0)
			continue;
		snprintf(p, sizeof(p), "/tmp/%s/owner", e->d_name);
		FILE *f = fopen(p, "re");
		if (!f)
			continue;
		int ok = fscanf(f, "%ld", &pid) == 1;
		fclose(f);
		if (ok && pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			snprintf(p, sizeof(p), "/tmp/%s", e->d_name);
			nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		}
	}
	closedir(d);
}

int xensim_dir_create(char *dir, size_t size)
{
	char tmpl[] = "/tmp/xensim-XXXXXX", owner[64];

	sweep_stale();
	/* Short and under /tmp: the xenstored socket path must fit sun_path. */
	if (!mkdtemp(tmpl))
		return -errno;
	if (strlen(tmpl) >= size) {
		rmdir(tmpl);
		return -ENAMETOOLONG;
	}
	strcpy(dir, tmpl);
	snprintf(owner, sizeof(owner), "%s/owner", tmpl);
	FILE *f = fopen(owner, "we");
	if (f) {
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	return setenv("XENSIM_DIR", dir, 1) < 0 ? -errno : 0;
}

void xensim_dir_remove(const char *dir)
{
	if (dir && *dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	unsetenv("XENSIM_DIR");
}

/* The directory of the running program (the runner sits in build/tests). */
static int exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n <= 0)
		return -errno;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return 0;
}

/* Absolute path of env, else of exe_dir/rel; NULL if it does not exist. */
static const char *find_file(char *out, const char *env, const char *rel)
{
	char dir[PATH_MAX], cand[PATH_MAX * 2];
	const char *e = getenv(env);

	if (e && *e)
		return realpath(e, out);
	if (exe_dir(dir, sizeof(dir)) < 0)
		return NULL;
	snprintf(cand, sizeof(cand), "%s/%s", dir, rel);
	return realpath(cand, out);
}

const char *xensim_lib(void)
{
	static char path[PATH_MAX];

	return find_file(path, "XENSIM_LIB", "libxensim.so");
}

int xensim_dom_create(unsigned int domid)
{
	char p[PATH_MAX];
	int rc = xensim_path(p, sizeof(p), "dom%u", domid);

	if (rc < 0)
		return rc;
	return mkdir(p, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

/* Create an empty flag file in domain N's directory. */
static int dom_flag(unsigned int domid, const char *name)
{
	char p[PATH_MAX];
	int rc = xensim_path(p, sizeof(p), "dom%u/%s", domid, name);

	if (rc < 0)
		return rc;
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int xensim_dom_set_dying(unsigned int domid)
{
	return dom_flag(domid, "dying");
}

int xensim_dom_no_grant(unsigned int domid)
{
	char p[PATH_MAX];
	int rc = dom_flag(domid, "no-grant");

	if (rc < 0 || (rc = xensim_path(p, sizeof(p), "dom%u/gref-%d", domid, XENSIM_GREF_CONSOLE)) < 0)
		return rc;
	return unlink(p) < 0 && errno != ENOENT ? -errno : 0;
}

int xensim_dom_remove(unsigned int domid)
{
	char p[PATH_MAX];
	int rc = xensim_path(p, sizeof(p), "dom%u", domid);

	if (rc < 0)
		return rc;
	/* Mappings others hold stay valid: only the names go. */
	return nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

void *xensim_page_map(unsigned int domid, const char *name)
{
	char p[PATH_MAX];
	struct stat st;
	int rc = xensim_path(p, sizeof(p), "dom%u/%s", domid, name);

	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || (st.st_size < XENSIM_PAGE_SIZE && ftruncate(fd, XENSIM_PAGE_SIZE) < 0)) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	void *page = mmap(NULL, XENSIM_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int e = errno;
	close(fd);
	errno = e;
	return page == MAP_FAILED ? NULL : page;
}

void xensim_page_unmap(void *page)
{
	if (page)
		munmap(page, XENSIM_PAGE_SIZE);
}

struct xencons_interface *xensim_console_create(unsigned int domid, unsigned long pfn)
{
	char gref[32], pfnname[64], a[PATH_MAX], b[PATH_MAX];

	snprintf(gref, sizeof(gref), "gref-%d", XENSIM_GREF_CONSOLE);
	snprintf(pfnname, sizeof(pfnname), "pfn-%lu", pfn);
	if (xensim_dom_create(domid) < 0 || xensim_path(a, sizeof(a), "dom%u/%s", domid, gref) < 0 ||
	    xensim_path(b, sizeof(b), "dom%u/%s", domid, pfnname) < 0)
		return NULL;
	/* A fresh page: a stale one would carry old ring indices. */
	unlink(a);
	unlink(b);
	struct xencons_interface *cons = xensim_page_map(domid, gref);
	if (!cons)
		return NULL;
	if (link(a, b) < 0) {
		xensim_page_unmap(cons);
		return NULL;
	}
	return cons;
}

/* The FIFO of port P in direction dir ("up" or "down"); fd or -errno. */
static int evtchn_fifo(unsigned int domid, unsigned int port, const char *dir)
{
	char p[PATH_MAX];
	int rc = xensim_path(p, sizeof(p), "dom%u/evtchn-%u.%s", domid, port, dir);

	if (rc < 0)
		return rc;
	if (mkfifo(p, 0600) < 0 && errno != EEXIST)
		return -errno;
	int fd = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* One byte into an open FIFO; a full one already holds a notification. */
static int fifo_poke(int fd)
{
	int rc = write(fd, "", 1) < 0 && errno != EAGAIN ? -errno : 0;

	close(fd);
	return rc;
}

int xensim_notify(unsigned int domid, unsigned int port)
{
	/* Lost if no backend has the port bound, as the FIFO is then empty on close. */
	int fd = evtchn_fifo(domid, port, "up");

	return fd < 0 ? fd : fifo_poke(fd);
}

int xensim_wait_notify(unsigned int domid, unsigned int port, int timeout_ms)
{
	int fd = evtchn_fifo(domid, port, "down");
	char buf[256];
	int total = 0;
	ssize_t n;

	if (fd < 0)
		return fd;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int rc = poll(&pfd, 1, timeout_ms);
	if (rc < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (int)n;
	close(fd);
	return total;
}

int xensim_raise_virq(unsigned int virq)
{
	char p[PATH_MAX];
	int rc = xensim_path(p, sizeof(p), "virq-%u", virq);

	if (rc < 0)
		return rc;
	if (mkfifo(p, 0600) < 0 && errno != EEXIST)
		return -errno;
	int fd = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? -errno : fifo_poke(fd);
}

/* ---- xenstored ---- */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sock_accepts(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

static void xsd_child(const char *bin, const char *lib)
{
	int null = open("/dev/null", O_RDWR);

	/* A failed assertion ends the test process: never leave it running. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpgid(0, 0);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (null > 2)
			close(null);
	}
	setenv("LD_PRELOAD", lib, 1);
	/* -N: stay in the foreground, so the pid we hold is the daemon's. */
	const char *trace = getenv("XSD_TRACE");
	if (trace && *trace)
		execl(bin, bin, "-N", "-T", trace, (char *)NULL);
	else
		execl(bin, bin, "-N", (char *)NULL);
	fprintf(stderr, "xsd_start: exec %s: %s\n", bin, strerror(errno));
	_exit(127);
}

int xsd_start(struct xsd *x)
{
	static char bin[PATH_MAX];
	const char *lib = xensim_lib();
	int rc;

	memset(x, 0, sizeof(*x));
	x->pid = -1;
	if (!lib) {
		fprintf(stderr, "xsd_start: libxensim.so not found beside the runner (make?)\n");
		return -ENOENT;
	}
	if (!find_file(bin, "XENSTORED_BIN", XENSTORED_REL)) {
		fprintf(stderr, "xsd_start: xenstored not found (make xen-utils, or set XENSTORED_BIN)\n");
		return -ENOENT;
	}
	if ((rc = xensim_dir_create(x->dir, sizeof(x->dir))) < 0) {
		fprintf(stderr, "xsd_start: temporary directory: %s\n", strerror(-rc));
		return rc;
	}
	snprintf(x->sock, sizeof(x->sock), "%s/socket", x->dir);
	setenv("XENSTORED_RUNDIR", x->dir, 1);
	setenv("XENSTORED_PATH", x->sock, 1);

	x->pid = fork();
	if (x->pid < 0) {
		rc = -errno;
		xsd_stop(x);
		return rc;
	}
	if (x->pid == 0)
		xsd_child(bin, lib);

	int64_t deadline = mono_ms() + XENSTORED_WAIT_MS;
	while (!sock_accepts(x->sock)) {
		int status;
		if (waitpid(x->pid, &status, WNOHANG) == x->pid) {
			fprintf(stderr, "xsd_start: %s exited (status 0x%x) before its socket %s accepted\n",
				bin, (unsigned int)status, x->sock);
			x->pid = -1;
			xsd_stop(x);
			return -ECHILD;
		}
		if (mono_ms() > deadline) {
			fprintf(stderr, "xsd_start: %s socket %s not accepting after %d ms\n", bin,
				x->sock, XENSTORED_WAIT_MS);
			xsd_stop(x);
			return -ETIMEDOUT;
		}
		usleep(10000);
	}
	return 0;
}

void xsd_stop(struct xsd *x)
{
	if (x->pid > 0) {
		kill(x->pid, SIGTERM);
		int64_t deadline = mono_ms() + 2000;
		while (waitpid(x->pid, NULL, WNOHANG) == 0) {
			if (mono_ms() > deadline) {
				kill(x->pid, SIGKILL);
				waitpid(x->pid, NULL, 0);
				break;
			}
			usleep(5000);
		}
		x->pid = -1;
	}
	xensim_dir_remove(x->dir);
	x->dir[0] = '\0';
	unsetenv("XENSTORED_RUNDIR");
	unsetenv("XENSTORED_PATH");
}

int xsd_introduce(unsigned int domid, unsigned int store_port)
{
	char path[64], val[16];
	int rc;

	if ((rc = xensim_dom_create(domid)) < 0)
		return rc;
	char gref[16];
	snprintf(gref, sizeof(gref), "gref-%d", XENSIM_GREF_XENSTORE);
	void *page = xensim_page_map(domid, gref);
	if (!page)
		return -errno;
	xensim_page_unmap(page);

	struct xs_handle *h = xs_open(0);
	if (!h)
		return -errno;
	/* As the toolstack makes it: dom0 owns it, the guest may read it. */
	struct xs_permissions perms[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domid, .perms = XS_PERM_READ },
	};
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	bool ok = xs_mkdir(h, XBT_NULL, path) && xs_set_permissions(h, XBT_NULL, path, perms, 2);
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	snprintf(val, sizeof(val), "guest%u", domid);
	ok = ok && xs_write(h, XBT_NULL, path, val, strlen(val));
	snprintf(path, sizeof(path), "/local/domain/%u/domid", domid);
	snprintf(val, sizeof(val), "%u", domid);
	ok = ok && xs_write(h, XBT_NULL, path, val, strlen(val));
	/* The frame number is not used by xenstored: it maps gref 1. */
	ok = ok && xs_introduce_domain(h, domid, 0, store_port);
	rc = ok ? 0 : -(errno ? errno : EIO);
	xs_close(h);
	return rc;
}
