/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The viewers' side of start-up: the VNC listeners (TCP, --unix) and the
 * viewer policy, the passwords, the text port.  main.c calls these in
 * that order, before the sandbox is entered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vncterm/daemon.h"
#include "vncterm/log.h"
#include "vncterm/password.h"
#include "vncterm/textport.h"
#include "vncterm/unixsock.h"
#include "vncterm/vnc.h"

/*
 * The viewers' side: the listeners (TCP unless --no-tcp; --unix's socket,
 * made here unsandboxed, sent by the monitor sandboxed) and the policy.
 */
void start_vnc(struct vncterm *t, uint32_t *fb, int w, int h)
{
	struct vnc_callbacks cb = { .key = on_key, .pointer = on_pointer, .resize = on_resize,
				    .paste = on_paste, .watched = on_watched };
	char err[256];

	cb.sysrq = sysrq_wanted(t) ? on_sysrq : NULL;

	if (t->opt.unix_path && t->monitor < 0 &&
	    (t->unix_fd = unixsock_open(t->opt.unix_path, &t->unix_id, err, sizeof(err))) < 0)
		die("%s", err);
	t->vnc = vnc_new(t->opt.listen_addr, t->opt.display, !t->opt.no_tcp, t->opt.title, fb, w, h,
			 t->opt.log_level, t->opt.max_viewers, &cb, t, err, sizeof(err));
	if (!t->vnc)
		die("%s", err);
	if (t->unix_fd >= 0)
		vnc_listen_unix(t->vnc, t->unix_fd);
	vnc_set_idle_timeout(t->vnc, t->opt.idle_timeout * 1000);
	if (t->opt.remote && !t->opt.no_tcp)
		log_msg(t->opt.allow_remote ? LOG_INFO : LOG_WARNING,
			"VNC listens on %s port %d, not a loopback address: anyone who can reach "
			"it can see%s the console%s",
			t->opt.listen_addr, vnc_port(t->vnc),
			t->opt.password_file ? " (with the password) and type into" :
			t->opt.view_only_password_file ? " (with the password)" : " and type into",
			t->opt.text_port ? " (the text port stays on loopback)" : "");
	/* The worker's ids follow the port it bound, so that every instance has its own. */
	if (t->monitor >= 0 && sandbox_set_ids(&t->sandbox, vnc_port(t->vnc), err, sizeof(err)) < 0)
		die("%s", err);
	vnc_set_handshake_timeout(t->vnc, t->opt.handshake_timeout * 1000);
	vnc_set_paste_on_receive(t->vnc, t->opt.paste_on_receive);
}

/* A password file that cannot be used is a bad command line: exit 2. */
void set_passwords(struct vncterm *t)
{
	char pw[2][PASSWORD_MAX + 1];
	const char *files[2] = { t->opt.password_file, t->opt.view_only_password_file };
	char err[256];

	for (int i = 0; i < 2; i++) {
		if (files[i] && password_read(files[i], pw[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "vncterm: %s\n", err);
			exit(2);
		}
	}
	if (vnc_set_passwords(t->vnc, files[0] ? pw[0] : NULL, files[1] ? pw[1] : NULL) < 0)
		die("VNC passwords refused");
	explicit_bzero(pw, sizeof(pw));
}

/*
 * The text port has no password, so it is on loopback whatever -v says;
 * it is 9500+N for the display N bound (VNC port 5900+N), or the next
 * free port, as the original's was, so that firewall rules keep working.
 */
void start_text_port(struct vncterm *t)
{
	static const struct textport_callbacks tp_cb = { .snapshot = on_tp_snapshot,
							  .input = on_tp_input };
	const char *addr = t->opt.listen_addr;
	int first = TEXT_PORT_BASE + (vnc_port(t->vnc) - VNC_PORT_BASE);
	char err[256];

	if (t->opt.remote)
		addr = strchr(addr, ':') ? "::1" : "127.0.0.1";
	if (first > 65535)
		die("-T: the text port for display %d would be %d, past 65535; choose a lower "
		    "-v display",
		    vnc_port(t->vnc) - VNC_PORT_BASE, first);
	t->tp = textport_new(addr, first, &tp_cb, t, err, sizeof(err));
	if (!t->tp)
		die("text port: %s", err);
}
