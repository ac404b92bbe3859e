/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxensim.so: preloaded into xenstored or vncterm, it answers the calls
 * they make to the hypervisor (libxenctrl domain info, event channels,
 * grant and foreign maps, /proc/xen/xsd_*) from the files in $XENSIM_DIR
 * that xensim.h describes, so the unmodified programs run on a machine
 * without Xen against a guest simulated by the test.
 *
 * Every function of a handle type we replace is defined here, the ones we
 * do not simulate failing with ENOSYS: a call that reached the real
 * library with one of our handles would read garbage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xentoolcore.h>

#include "tests/xensim/sim_path.h"
#include "tests/xensim/xensim.h"

#define PAGE XENSIM_PAGE_SIZE
/* Local port numbers start here, so they never look like a guest's. */
#define FIRST_LOCAL_PORT 10

/* "$XENSIM_DIR/<fmt>" into buf; 0 or -errno. */
static bool sim_exists(const char *fmt, unsigned int domid)
{
	char p[PATH_MAX];
	struct stat st;

	return xensim_path(p, sizeof(p), fmt, domid) == 0 && stat(p, &st) == 0;
}

/* 0 if domain N exists; dom0 always does, so its directory is made. */
static int dom_check(unsigned int domid)
{
	char p[PATH_MAX];
	int rc = xensim_path(p, sizeof(p), "dom%u", domid);

	if (rc < 0)
		return rc;
	if (domid == 0 && mkdir(p, 0700) < 0 && errno != EEXIST)
		return -errno;
	return sim_exists("dom%u", domid) ? 0 : -ESRCH;
}

/* A page file, created zeroed and page-sized if missing; fd or -errno. */
static int page_open(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || (st.st_size < PAGE && ftruncate(fd, PAGE) < 0)) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* Map the page file over the reserved page at addr; 0 or -errno. */
static int page_map_at(void *addr, const char *path, int prot)
{
	int fd = page_open(path);

	if (fd < 0)
		return fd;
	void *p = mmap(addr, PAGE, prot, MAP_SHARED | MAP_FIXED, fd, 0);
	int e = errno;
	close(fd);
	return p == MAP_FAILED ? -e : 0;
}

/* Address space for n pages, so each can then be mapped MAP_FIXED. */
static void *reserve(void *addr, size_t n, int flags)
{
	void *p = mmap(addr, n * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void *fail_ptr(int neg_errno)
{
	errno = -neg_errno;
	return NULL;
}

static int fail_int(int neg_errno)
{
	errno = -neg_errno;
	return -1;
}

/* ---- /proc/xen, read by xenstored to find dom0's own xenstore page ---- */

/* fd for a /proc/xen file xenstored opens, -ENOENT-style, or 1 if not ours. */
static int proc_xen_open(const char *path, int flags)
{
	char p[PATH_MAX];
	int rc;

	if (!path || !getenv("XENSIM_DIR"))
		return 1;
	if (strcmp(path, "/proc/xen/xsd_port") == 0) {
		if ((rc = dom_check(0)) < 0 || (rc = xensim_path(p, sizeof(p), "dom0/xsd_port")) < 0)
			return rc;
		FILE *f = fopen(p, "we");
		if (!f)
			return -errno;
		fprintf(f, "%d\n", XENSIM_XSD_PORT);
		if (fclose(f) != 0)
			return -errno;
		rc = openat(AT_FDCWD, p, flags);
		return rc < 0 ? -errno : rc;
	}
	if (strcmp(path, "/proc/xen/xsd_kva") == 0) {
		if ((rc = dom_check(0)) < 0 || (rc = xensim_path(p, sizeof(p), "dom0/xsd_kva")) < 0)
			return rc;
		int fd = page_open(p);
		if (fd >= 0 && !(flags & O_CLOEXEC))
			fcntl(fd, F_SETFD, 0);
		return fd;
	}
	return 1;
}

static int open_common(const char *path, int flags, mode_t mode)
{
	int fd = proc_xen_open(path, flags);

	if (fd == 1)
		return openat(AT_FDCWD, path, flags, mode);
	return fd < 0 ? fail_int(fd) : fd;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common(path, flags, mode);
}

/* ---- libxenctrl: domain info from the directories ---- */

struct xc_interface_core {
	int unused;
};

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
				unsigned int open_flags)
{
	(void)logger, (void)dombuild_logger, (void)open_flags;
	return calloc(1, sizeof(xc_interface));
}

int xc_interface_close(xc_interface *xch)
{
	free(xch);
	return 0;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/*
 * The existing domains >= first, ascending, at most max: how many, or
 * -errno.  dom0 is always among them.
 */
static int list_domains(uint32_t first, unsigned int max, unsigned int *out)
{
	const char *dir = getenv("XENSIM_DIR");
	unsigned int *ids = NULL;
	size_t n = 0, cap = 0;

	if (!dir)
		return -ENOENT;
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	for (struct dirent *e; (e = readdir(d));) {
		unsigned int id;
		int len;
		if (sscanf(e->d_name, "dom%u%n", &id, &len) != 1 || e->d_name[len] || id == 0)
			continue;
		if (n == cap) {
			unsigned int *t = realloc(ids, (cap = cap ? cap * 2 : 16) * sizeof(*ids));
			if (!t) {
				closedir(d);
				free(ids);
				return -ENOMEM;
			}
			ids = t;
		}
		ids[n++] = id;
	}
	closedir(d);
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_uint);

	unsigned int k = 0;
	if (first == 0 && k < max)
		out[k++] = 0;
	for (size_t i = 0; i < n && k < max; i++)
		if (ids[i] >= first)
			out[k++] = ids[i];
	free(ids);
	return (int)k;
}

static bool dom_dying(unsigned int domid)
{
	return sim_exists("dom%u/dying", domid);
}

int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid, unsigned int max_doms,
		      xc_dominfo_t *info)
{
	(void)xch;
	unsigned int *ids = calloc(max_doms ? max_doms : 1, sizeof(*ids));
	if (!ids)
		return fail_int(-ENOMEM);
	int n = list_domains(first_domid, max_doms, ids);
	for (int i = 0; i < n; i++) {
		bool dying = dom_dying(ids[i]);
		memset(&info[i], 0, sizeof(info[i]));
		info[i].domid = ids[i];
		info[i].dying = dying;
		info[i].shutdown = dying;
		info[i].running = !dying;
		info[i].nr_online_vcpus = 1;
	}
	free(ids);
	return n < 0 ? fail_int(n) : n;
}

int xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain, unsigned int max_domains,
			  xc_domaininfo_t *info)
{
	(void)xch;
	unsigned int *ids = calloc(max_domains ? max_domains : 1, sizeof(*ids));
	if (!ids)
		return fail_int(-ENOMEM);
	int n = list_domains(first_domain, max_domains, ids);
	for (int i = 0; i < n; i++) {
		memset(&info[i], 0, sizeof(info[i]));
		info[i].domain = (domid_t)ids[i];
		info[i].flags = dom_dying(ids[i]) ? XEN_DOMINF_dying | XEN_DOMINF_shutdown
						  : XEN_DOMINF_running;
		info[i].nr_online_vcpus = 1;
	}
	free(ids);
	return n < 0 ? fail_int(n) : n;
}

int xentoolcore_restrict_all(domid_t domid)
{
	(void)domid;
	return 0;
}

/* ---- libxenevtchn: FIFOs, one epoll set per handle ---- */

struct sim_port {
	evtchn_port_t local;
	int in_fd;    /* the guest's notifications (.up), or the VIRQ's */
	int out_fd;   /* ours to the guest (.down); -1 for a VIRQ */
	bool masked;  /* out of the epoll set until unmasked */
	struct sim_port *next;
};

struct xenevtchn_handle {
	int epfd;
	evtchn_port_t next_port;
	struct sim_port *ports;
};

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger, unsigned int flags)
{
	(void)logger;
	xenevtchn_handle *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->epfd = epoll_create1(flags & XENEVTCHN_NO_CLOEXEC ? 0 : EPOLL_CLOEXEC);
	if (h->epfd < 0) {
		free(h);
		return NULL;
	}
	h->next_port = FIRST_LOCAL_PORT;
	return h;
}

/* xenstored's live update hands over the old fd; we start afresh. */
xenevtchn_handle *xenevtchn_fdopen(struct xentoollog_logger *logger, int fd, unsigned int open_flags)
{
	close(fd);
	return xenevtchn_open(logger, open_flags);
}

static void port_free(xenevtchn_handle *h, struct sim_port *p)
{
	if (!p->masked)
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, p->in_fd, NULL);
	close(p->in_fd);
	if (p->out_fd >= 0)
		close(p->out_fd);
	free(p);
}

int xenevtchn_close(xenevtchn_handle *h)
{
	if (!h)
		return 0;
	while (h->ports) {
		struct sim_port *p = h->ports;
		h->ports = p->next;
		port_free(h, p);
	}
	close(h->epfd);
	free(h);
	return 0;
}

int xenevtchn_fd(xenevtchn_handle *h)
{
	return h->epfd;
}

static struct sim_port *port_find(xenevtchn_handle *h, evtchn_port_t port, struct sim_port ***link)
{
	for (struct sim_port **pp = &h->ports; *pp; pp = &(*pp)->next) {
		if ((*pp)->local == port) {
			if (link)
				*link = pp;
			return *pp;
		}
	}
	return NULL;
}

/* Open (making it if missing) the FIFO at "$XENSIM_DIR/<name>"; fd or -errno. */
static int fifo_open(const char *name)
{
	char p[PATH_MAX];
	int rc = xensim_path(p, sizeof(p), "%s", name);

	if (rc < 0)
		return rc;
	if (mkfifo(p, 0600) < 0 && errno != EEXIST)
		return -errno;
	/* O_RDWR: never blocks in open, and never sees EOF or EPIPE. */
	int fd = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* A new local port reading in_name (and writing out_name, if any). */
static xenevtchn_port_or_error_t port_add(xenevtchn_handle *h, const char *in_name,
					  const char *out_name)
{
	struct sim_port *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return fail_int(-ENOMEM);
	p->out_fd = -1;
	if ((rc = p->in_fd = fifo_open(in_name)) < 0) {
		free(p);
		return fail_int(rc);
	}
	if (out_name && (rc = p->out_fd = fifo_open(out_name)) < 0) {
		close(p->in_fd);
		free(p);
		return fail_int(rc);
	}
	p->local = h->next_port++;
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = p->local };
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, p->in_fd, &ev) < 0) {
		rc = -errno;
		p->masked = true;
		port_free(h, p);
		return fail_int(rc);
	}
	p->next = h->ports;
	h->ports = p;
	return (xenevtchn_port_or_error_t)p->local;
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *h, uint32_t domid,
						     evtchn_port_t remote_port)
{
	char up[64], down[64];
	int rc = dom_check(domid);

	if (rc < 0)
		return fail_int(rc);
	snprintf(up, sizeof(up), "dom%u/evtchn-%u.up", domid, remote_port);
	snprintf(down, sizeof(down), "dom%u/evtchn-%u.down", domid, remote_port);
	return port_add(h, up, down);
}

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *h, unsigned int virq)
{
	char name[32];

	snprintf(name, sizeof(name), "virq-%u", virq);
	return port_add(h, name, NULL);
}

/* Nobody simulates the other end; named uniquely so nothing collides. */
xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *h, uint32_t domid)
{
	char up[80], down[80];
	int rc = dom_check(domid);

	if (rc < 0)
		return fail_int(rc);
	snprintf(up, sizeof(up), "dom%u/unbound-%d-%u.up", domid, (int)getpid(), h->next_port);
	snprintf(down, sizeof(down), "dom%u/unbound-%d-%u.down", domid, (int)getpid(), h->next_port);
	return port_add(h, up, down);
}

int xenevtchn_unbind(xenevtchn_handle *h, evtchn_port_t port)
{
	struct sim_port **link;
	struct sim_port *p = port_find(h, port, &link);

	if (!p)
		return fail_int(-EINVAL);
	*link = p->next;
	port_free(h, p);
	return 0;
}

int xenevtchn_notify(xenevtchn_handle *h, evtchn_port_t port)
{
	struct sim_port *p = port_find(h, port, NULL);

	if (!p)
		return fail_int(-EINVAL);
	/* A full FIFO already says "notified"; events do not count. */
	if (p->out_fd >= 0 && write(p->out_fd, "", 1) < 0 && errno != EAGAIN)
		return -1;
	return 0;
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *h)
{
	struct epoll_event ev;
	char buf[256];
	int n = epoll_wait(h->epfd, &ev, 1, 0);

	if (n < 0)
		return -1;
	if (n == 0)
		return fail_int(-EAGAIN);
	struct sim_port *p = port_find(h, ev.data.u32, NULL);
	if (!p)
		return fail_int(-EIO);
	while (read(p->in_fd, buf, sizeof(buf)) > 0)
		;
	/* As in Xen, a delivered port stays masked until unmasked. */
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, p->in_fd, NULL);
	p->masked = true;
	return (xenevtchn_port_or_error_t)p->local;
}

int xenevtchn_unmask(xenevtchn_handle *h, evtchn_port_t port)
{
	struct sim_port *p = port_find(h, port, NULL);

	if (!p)
		return fail_int(-EINVAL);
	if (!p->masked)
		return 0;
	/* Level-triggered: what arrived while masked is seen now. */
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = p->local };
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, p->in_fd, &ev) < 0)
		return -1;
	p->masked = false;
	return 0;
}

int xenevtchn_restrict(xenevtchn_handle *h, domid_t domid)
{
	(void)h, (void)domid;
	return 0;
}

/* ---- libxengnttab: gref-<R> files ---- */

struct xengntdev_handle {
	int unused;
};

xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger, unsigned int open_flags)
{
	(void)logger, (void)open_flags;
	return calloc(1, sizeof(xengnttab_handle));
}

int xengnttab_close(xengnttab_handle *h)
{
	free(h);
	return 0;
}

int xengnttab_fd(xengnttab_handle *h)
{
	(void)h;
	return fail_int(-ENOSYS);
}

int xengnttab_set_max_grants(xengnttab_handle *h, uint32_t nr_grants)
{
	(void)h, (void)nr_grants;
	return 0;
}

/* Map one granted page at addr; 0 or -errno. */
static int grant_map_at(void *addr, uint32_t domid, uint32_t ref, int prot)
{
	char p[PATH_MAX];
	struct stat st;
	int rc = dom_check(domid);

	if (rc < 0 || (rc = xensim_path(p, sizeof(p), "dom%u/gref-%u", domid, ref)) < 0)
		return rc;
	if (stat(p, &st) < 0 && sim_exists("dom%u/no-grant", domid))
		return -EPERM;
	return page_map_at(addr, p, prot);
}

/* count pages side by side; domids[i * stride] grants refs[i]. */
static void *grant_map(uint32_t count, const uint32_t *domids, uint32_t stride,
		       const uint32_t *refs, int prot)
{
	if (count == 0)
		return fail_ptr(-EINVAL);
	char *base = reserve(NULL, count, 0);
	if (!base)
		return NULL;
	for (uint32_t i = 0; i < count; i++) {
		int rc = grant_map_at(base + (size_t)i * PAGE, domids[i * stride], refs[i], prot);
		if (rc < 0) {
			munmap(base, (size_t)count * PAGE);
			return fail_ptr(rc);
		}
	}
	return base;
}

void *xengnttab_map_grant_refs(xengnttab_handle *h, uint32_t count, uint32_t *domids,
			       uint32_t *refs, int prot)
{
	(void)h;
	return grant_map(count, domids, 1, refs, prot);
}

void *xengnttab_map_grant_ref(xengnttab_handle *h, uint32_t domid, uint32_t ref, int prot)
{
	(void)h;
	return grant_map(1, &domid, 0, &ref, prot);
}

void *xengnttab_map_domain_grant_refs(xengnttab_handle *h, uint32_t count, uint32_t domid,
				      uint32_t *refs, int prot)
{
	(void)h;
	return grant_map(count, &domid, 0, refs, prot);
}

/* The unmap notification is not simulated: nothing watches for it. */
void *xengnttab_map_grant_ref_notify(xengnttab_handle *h, uint32_t domid, uint32_t ref, int prot,
				     uint32_t notify_offset, evtchn_port_t notify_port)
{
	(void)notify_offset, (void)notify_port;
	return xengnttab_map_grant_ref(h, domid, ref, prot);
}

int xengnttab_unmap(xengnttab_handle *h, void *start_address, uint32_t count)
{
	(void)h;
	return munmap(start_address, (size_t)count * PAGE);
}

int xengnttab_grant_copy(xengnttab_handle *h, uint32_t count, xengnttab_grant_copy_segment_t *segs)
{
	(void)h, (void)count, (void)segs;
	return fail_int(-ENOSYS);
}

int xengnttab_dmabuf_exp_from_refs(xengnttab_handle *h, uint32_t domid, uint32_t flags,
				   uint32_t count, const uint32_t *refs, uint32_t *dmabuf_fd)
{
	(void)h, (void)domid, (void)flags, (void)count, (void)refs, (void)dmabuf_fd;
	return fail_int(-ENOSYS);
}

int xengnttab_dmabuf_exp_wait_released(xengnttab_handle *h, uint32_t fd, uint32_t wait_to_ms)
{
	(void)h, (void)fd, (void)wait_to_ms;
	return fail_int(-ENOSYS);
}

int xengnttab_dmabuf_imp_to_refs(xengnttab_handle *h, uint32_t domid, uint32_t fd,
				 uint32_t count, uint32_t *refs)
{
	(void)h, (void)domid, (void)fd, (void)count, (void)refs;
	return fail_int(-ENOSYS);
}

int xengnttab_dmabuf_imp_release(xengnttab_handle *h, uint32_t fd)
{
	(void)h, (void)fd;
	return fail_int(-ENOSYS);
}

/* ---- libxenforeignmemory: pfn-<F> files ---- */

struct xenforeignmemory_handle {
	int unused;
};

xenforeignmemory_handle *xenforeignmemory_open(struct xentoollog_logger *logger,
					       unsigned int open_flags)
{
	(void)logger, (void)open_flags;
	return calloc(1, sizeof(xenforeignmemory_handle));
}

int xenforeignmemory_close(xenforeignmemory_handle *h)
{
	free(h);
	return 0;
}

void *xenforeignmemory_map2(xenforeignmemory_handle *h, uint32_t dom, void *addr, int prot,
			    int flags, size_t num, const xen_pfn_t arr[], int err[])
{
	(void)h;
	int rc = dom_check(dom);
	if (rc < 0)
		return fail_ptr(rc);
	if (num == 0)
		return fail_ptr(-EINVAL);
	char *base = reserve(addr, num, flags);
	if (!base)
		return NULL;
	for (size_t i = 0; i < num; i++) {
		char p[PATH_MAX];
		if ((rc = xensim_path(p, sizeof(p), "dom%u/pfn-%lu", dom, (unsigned long)arr[i])) == 0)
			rc = page_map_at(base + i * PAGE, p, prot);
		/* With err[], a bad page is reported there and left unmapped. */
		if (err)
			err[i] = rc;
		else if (rc < 0) {
			munmap(base, num * PAGE);
			return fail_ptr(rc);
		}
	}
	return base;
}

void *xenforeignmemory_map(xenforeignmemory_handle *h, uint32_t dom, int prot, size_t pages,
			   const xen_pfn_t arr[], int err[])
{
	return xenforeignmemory_map2(h, dom, NULL, prot, 0, pages, arr, err);
}

int xenforeignmemory_unmap(xenforeignmemory_handle *h, void *addr, size_t pages)
{
	(void)h;
	return munmap(addr, pages * PAGE);
}

int xenforeignmemory_restrict(xenforeignmemory_handle *h, domid_t domid)
{
	(void)h, (void)domid;
	return 0;
}

xenforeignmemory_resource_handle *xenforeignmemory_map_resource(
	xenforeignmemory_handle *h, domid_t domid, unsigned int type, unsigned int id,
	unsigned long frame, unsigned long nr_frames, void **paddr, int prot, int flags)
{
	(void)h, (void)domid, (void)type, (void)id, (void)frame, (void)nr_frames;
	(void)paddr, (void)prot, (void)flags;
	return fail_ptr(-ENOSYS);
}

int xenforeignmemory_unmap_resource(xenforeignmemory_handle *h,
				    xenforeignmemory_resource_handle *fres)
{
	(void)h, (void)fres;
	return fail_int(-ENOSYS);
}

int xenforeignmemory_resource_size(xenforeignmemory_handle *h, domid_t domid, unsigned int type,
				   unsigned int id, size_t *size)
{
	(void)h, (void)domid, (void)type, (void)id, (void)size;
	return fail_int(-ENOSYS);
}
