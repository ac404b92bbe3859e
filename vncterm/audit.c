/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The viewers' audit lines, at the default log level (log_audit()), one
 * line each, key=value (README.md, "For the relay's author"):
 *   audit event=connect id=N transport=tcp|unix PEER proto=rfb|websocket
 *         view_only=yes|no viewers=N max=N
 *   audit event=disconnect|refused id=N transport=... PEER proto=...
 *         view_only=yes|no|- duration=SEC bytes_in=N bytes_out=N reason="..."
 * PEER is peer=ADDR:PORT for TCP, uid=U pid=P (SO_PEERCRED) for a UNIX
 * socket.  A connection that finished the RFB handshake has a connect line
 * and, at its end, a disconnect line; one that did not (a wrong password,
 * a time-out, a protocol error) has one refused line.  Its last line is
 * written once its output is flushed, so that bytes_out is all it was
 * sent.  Connections closed at accept for --max-viewers are refused lines
 * too, at most one a second (a flood must not become a flood of lines),
 * the rest counted in a line of their own.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vncterm/log.h"
#include "vncterm/vnc_internal.h"

/* A UNIX socket's peer: who connected, as the kernel saw it at connect(). */
static void creds_of(int fd, char *peer, size_t size)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0)
		snprintf(peer, size, "uid=%u pid=%d", (unsigned)cr.uid, (int)cr.pid);
	else
		snprintf(peer, size, "uid=- pid=-");
}

/* "peer=ADDR:PORT" (an IPv6 address in brackets), or the credentials of fd's peer. */
static void peer_of(const struct sockaddr_storage *ss, int fd, char *peer, size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (ss->ss_family == AF_UNIX) {
		creds_of(fd, peer, size);
		return;
	}
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &a->sin_addr, addr, sizeof(addr));
		port = ntohs(a->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof(addr));
		port = ntohs(a->sin6_port);
	}
	snprintf(peer, size, ss->ss_family == AF_INET6 ? "peer=[%s]:%d" : "peer=%s:%d", addr, port);
}

void audit_start(struct conn *c, const struct sockaddr_storage *ss)
{
	struct audit *a = &c->audit;

	a->id = ++c->vnc->last_id;
	a->unix_peer = ss->ss_family == AF_UNIX;
	peer_of(ss, c->fd, a->peer, sizeof(a->peer));
	/* The other messages about it name it too: "viewer uid=0 pid=42 sent ...". */
	if (a->unix_peer)
		snprintf(c->host, sizeof(c->host), "%.*s", (int)sizeof(c->host) - 1, a->peer);
}

static const char *transport(const struct conn *c)
{
	return c->audit.unix_peer ? "unix" : "tcp";
}

static const char *proto(const struct conn *c)
{
	return !c->out ? "-" : c->ws ? "websocket" : "rfb";
}

void audit_connected(struct conn *c)
{
	struct audit *a = &c->audit;

	a->connected = true;
	a->view_only = c->cl && c->cl->viewOnly;
	log_audit("audit event=connect id=%lu transport=%s %s proto=%s view_only=%s viewers=%d max=%d",
		  a->id, transport(c), a->peer, proto(c), a->view_only ? "yes" : "no",
		  c->vnc->nclients, c->vnc->max_clients);
}

void audit_reason(struct conn *c, const char *why)
{
	if (!c->audit.why[0])
		snprintf(c->audit.why, sizeof(c->audit.why), "%s", why);
}

/* why as a quoted value: quotes and backslashes escaped, control bytes dropped. */
static void quoted(const char *why, char *out, size_t size)
{
	size_t n = 0;

	out[n++] = '"';
	for (; *why && n + 3 < size; why++) {
		if ((unsigned char)*why < 0x20 || *why == 0x7f)
			continue;
		if (*why == '"' || *why == '\\')
			out[n++] = '\\';
		out[n++] = *why;
	}
	out[n++] = '"';
	out[n] = '\0';
}

void audit_end(struct conn *c)
{
	struct audit *a = &c->audit;
	long long ms = vnc_now_ms() - c->connected_at;
	uint64_t out = a->out + (c->out ? relay_sent(c->out) : 0);
	char why[2 * sizeof(a->why) + 3];

	quoted(a->why[0] ? a->why : "closed", why, sizeof(why));
	log_audit("audit event=%s id=%lu transport=%s %s proto=%s view_only=%s duration=%lld.%03lld "
		  "bytes_in=%llu bytes_out=%llu reason=%s",
		  a->connected ? "disconnect" : "refused", a->id, transport(c), a->peer, proto(c),
		  !a->connected ? "-" : a->view_only ? "yes" : "no", ms / 1000, ms % 1000,
		  (unsigned long long)a->in, (unsigned long long)out, why);
}

void audit_refused_at_limit(struct vnc *v, int fd, const struct sockaddr_storage *ss)
{
	long long now = vnc_now_ms();
	char peer[80];

	if (v->refusal_logged_at && now - v->refusal_logged_at < REFUSAL_LOG_MS) {
		v->refusals_unlogged++;
		return;
	}
	peer_of(ss, fd, peer, sizeof(peer));
	log_audit("audit event=refused id=%lu transport=%s %s proto=- view_only=- duration=0.000 "
		  "bytes_in=0 bytes_out=0 reason=\"%d connected already (--max-viewers %d)\"",
		  ++v->last_id, ss->ss_family == AF_UNIX ? "unix" : "tcp", peer, v->nconns,
		  v->max_clients);
	v->refusal_logged_at = now;
}

void audit_refusals_held(struct vnc *v)
{
	long long now = vnc_now_ms();

	if (!v->refusals_unlogged || now - v->refusal_logged_at < REFUSAL_LOG_MS)
		return;
	log_audit("audit event=refused count=%lu reason=\"more connections refused in the last "
		  "second (--max-viewers %d)\"", v->refusals_unlogged, v->max_clients);
	v->last_id += v->refusals_unlogged;
	v->refusals_unlogged = 0;
	v->refusal_logged_at = now;
}
