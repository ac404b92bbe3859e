/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "xenconsole/lock.h"

/* Where Xen 4.17 is configured to keep it on Linux: XEN_LOCK_DIR, $localstatedir/lock. */
#define XEN_LOCK_DIR "/var/lock"

void xencons_lock_init(struct xencons_lock *l)
{
	l->fd = l->xen_fd = -1;
	l->path[0] = l->xen_path[0] = '\0';
}

static const char *env_dir(const char *name)
{
	const char *dir = getenv(name);

	return dir && *dir ? dir : NULL;
}

void xencons_program_of(long pid, char *prog, size_t size)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, prog, size - 1);
	if (fd >= 0)
		close(fd);
	prog[n > 0 ? n : 0] = '\0';
	if (!prog[0])
		snprintf(prog, size, "?");
}

/*
 * Who holds an flock on fd's file, from /proc/locks: a pid (the first
 * holder listed, for a shared lock) or 0 if none is listed.  Xen's client
 * records no pid in its file, so this is the only way to name it.
 */
static long holder_of(int fd)
{
	struct stat st;
	char line[256];
	long pid = 0;
	FILE *f;

	if (fstat(fd, &st) < 0 || !(f = fopen("/proc/locks", "re")))
		return 0;
	while (!pid && fgets(line, sizeof(line), f)) {
		char kind[16];
		unsigned int maj, min;
		unsigned long ino;
		long p;

		if (strstr(line, "->")) /* a waiter, not a holder */
			continue;
		if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%lu", kind, &p, &maj, &min, &ino) == 5 &&
		    !strcmp(kind, "FLOCK") && ino == st.st_ino && maj == major(st.st_dev) &&
		    min == minor(st.st_dev))
			pid = p;
	}
	fclose(f);
	return pid;
}

/*
 * Open path (created 0600) and flock it with op, without waiting, until
 * the file locked is still the one at path: a holder unlinks it at exit
 * (Xen's protocol), and a lock on an unlinked file keeps no one out.
 * The fd, or -errno; on -EWOULDBLOCK *held is the fd (to name the holder).
 */
static int open_locked(const char *path, int op, int *held)
{
	*held = -1;
	for (;;) {
		struct stat ps, fs;
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

		if (fd < 0)
			return -errno;
		int r;

		while ((r = flock(fd, op | LOCK_NB)) < 0 && errno == EINTR)
			;
		if (r < 0) {
			int e = errno;

			if (e == EWOULDBLOCK)
				*held = fd;
			else
				close(fd);
			return -e;
		}
		if (fstat(fd, &fs) < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (stat(path, &ps) == 0 && ps.st_dev == fs.st_dev && ps.st_ino == fs.st_ino)
			return fd;
		close(fd); /* unlinked (or replaced) meanwhile: take the new one */
	}
}

/* -EBUSY and the message for a lock that fd's holder has. */
static int busy(int fd, const char *cons_path, const char *xen_path, unsigned int domid,
		char *err, int errlen)
{
	char prog[256], pid[32];
	long p = holder_of(fd);

	if (p > 0) {
		xencons_program_of(p, prog, sizeof(prog));
		snprintf(pid, sizeof(pid), "%ld", p);
	} else {
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0); /* ours records it */

		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(prog, sizeof(prog), "?");
	}
	if (xen_path)
		snprintf(err, (size_t)errlen,
			 "console %s is in use by process %s (%s), which holds %s, Xen's xenconsole "
			 "lock for domain %u; detach that one first",
			 cons_path, pid[0] ? pid : "?", prog, xen_path, domid);
	else
		snprintf(err, (size_t)errlen,
			 "console %s is in use by process %s (%s); detach that one first", cons_path,
			 pid[0] ? pid : "?", prog);
	close(fd);
	return -EBUSY;
}

/* Ours: exclusive, per console path, the holder's pid in it (the previous one's in *prev). */
static int take_ours(struct xencons_lock *l, const char *cons_path, unsigned int domid,
		     long *prev, char *err, int errlen)
{
	const char *dir = env_dir("XENCONS_LOCK_DIR");
	char name[256], buf[32];
	int held;

	if (!dir)
		dir = "/run/xen";
	/* One file per console path, so a domain's serial and PV consoles are separate. */
	snprintf(name, sizeof(name), "%s", cons_path[0] == '/' ? cons_path + 1 : cons_path);
	for (size_t i = 0; name[i]; i++)
		if (name[i] == '/')
			name[i] = '_';
	snprintf(l->path, sizeof(l->path), "%s/%s.lock", dir, name);
	mkdir(dir, 0755); /* exists on a Xen host; made for a first run */
	l->fd = open_locked(l->path, LOCK_EX, &held);
	if (l->fd == -EWOULDBLOCK)
		return busy(held, cons_path, NULL, domid, err, errlen);
	if (l->fd < 0) {
		snprintf(err, (size_t)errlen, "lock %s: %s", l->path, strerror(-l->fd));
		return l->fd;
	}
	ssize_t n = pread(l->fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	*prev = strtol(buf, NULL, 10);
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(l->fd, 0) < 0 || pwrite(l->fd, buf, (size_t)len, 0) != len)
		*prev = -errno; /* not fatal: the lock is what counts */
	return 0;
}

int xencons_lock_take(struct xencons_lock *l, const char *cons_path, unsigned int domid,
		      long *prev, char *err, int errlen)
{
	const char *dir = env_dir("XENCONS_XEN_LOCK_DIR");
	int held, e;

	*prev = 0;
	if ((e = take_ours(l, cons_path, domid, prev, err, errlen)) < 0)
		return e;
	if (*prev < 0) /* the pid could not be recorded: the next reader names no one */
		*prev = 0;
	if (!dir)
		dir = env_dir("XENCONS_LOCK_DIR"); /* a test's private directory holds both */
	snprintf(l->xen_path, sizeof(l->xen_path), "%s/xenconsole.%u", dir ? dir : XEN_LOCK_DIR,
		 domid);
	l->xen_fd = open_locked(l->xen_path, LOCK_SH, &held);
	if (l->xen_fd == -EWOULDBLOCK) {
		l->xen_fd = -1;
		e = busy(held, cons_path, l->xen_path, domid, err, errlen);
	} else if (l->xen_fd == -ENOENT) {
		/* No lock directory (no /run/lock): Xen's client cannot lock either, nor run. */
		l->xen_fd = -1;
	} else if (l->xen_fd < 0) {
		e = l->xen_fd;
		l->xen_fd = -1;
		snprintf(err, (size_t)errlen, "lock %s: %s", l->xen_path, strerror(-e));
	}
	if (e < 0)
		xencons_lock_release(l);
	return e;
}

void xencons_lock_release(struct xencons_lock *l)
{
	if (l->xen_fd >= 0) {
		struct stat ps, fs;

		/* The last reader (nobody else holds it shared) removes it, as Xen's client does. */
		if (flock(l->xen_fd, LOCK_EX | LOCK_NB) == 0 && fstat(l->xen_fd, &fs) == 0 &&
		    stat(l->xen_path, &ps) == 0 && ps.st_dev == fs.st_dev && ps.st_ino == fs.st_ino)
			unlink(l->xen_path);
		close(l->xen_fd);
	}
	if (l->fd >= 0)
		close(l->fd);
	l->fd = l->xen_fd = -1;
}
