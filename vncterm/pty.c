/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pty sources.  The child gets a new session with the pty as its
 * controlling terminal and a clean signal state; nothing but the pty's
 * slave side is left open in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "vncterm/pty.h"

int pty_resize(int fd, int rows, int cols)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

	return ioctl(fd, TIOCSWINSZ, &ws) < 0 ? -errno : 0;
}

/*
 * In the child, between fork and exec: only async-signal-safe calls, so the
 * environment was built by the parent.
 */
static void child(int slave, char *const argv[], char *const envp[])
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		_exit(127);
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		_exit(127);
	if (slave > 2)
		close(slave);
	execvpe(argv[0], argv, envp);
	dprintf(2, "vncterm: exec %s: %s\r\n", argv[0], strerror(errno));
	_exit(127);
}

/* environ with TERM set to term and COLUMNS/LINES removed; NULL on ENOMEM. */
static char **child_env(const char *term, char **termvar)
{
	size_t n = 0, k = 0;

	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));

	if (!env || asprintf(termvar, "TERM=%s", term) < 0) {
		free(env);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TERM=", 5) && strncmp(environ[i], "COLUMNS=", 8) &&
		    strncmp(environ[i], "LINES=", 6))
			env[k++] = environ[i];
	env[k] = *termvar;
	return env;
}

int pty_spawn(char *const argv[], const char *term, int rows, int cols, int *master, pid_t *pid)
{
	int m, s, err;
	char name[64];

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return -errno;
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0) {
		err = -errno;
		close(m);
		return err;
	}
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0 || (err = pty_resize(m, rows, cols)) < 0) {
		err = s < 0 ? -errno : err;
		if (s >= 0)
			close(s);
		close(m);
		return err;
	}
	char *termvar = NULL, **env = child_env(term, &termvar);
	pid_t p = env ? fork() : -1;

	if (p < 0) {
		err = env ? -errno : -ENOMEM;
		free(env);
		free(termvar);
		close(s);
		close(m);
		return err;
	}
	if (p == 0)
		child(s, argv, env);
	free(env);
	free(termvar);
	close(s);
	if (fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK) < 0) {
		err = -errno;
		close(m);
		kill(p, SIGKILL);
		return err;
	}
	*master = m;
	*pid = p;
	return 0;
}

int pty_open(const char *path, int *fd)
{
	struct termios t;
	int f = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC), err;

	if (f < 0)
		return -errno;
	if (!isatty(f)) {
		close(f);
		return -ENOTTY;
	}
	if (tcgetattr(f, &t) < 0) {
		err = -errno;
		close(f);
		return err;
	}
	cfmakeraw(&t);
	if (tcsetattr(f, TCSANOW, &t) < 0) {
		err = -errno;
		close(f);
		return err;
	}
	*fd = f;
	return 0;
}
