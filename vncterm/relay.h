/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The viewers' output, off the loop's thread.  libvncserver writes to a
 * viewer with blocking writes; it is given one end of a socketpair, and
 * this thread drains the other end into a buffer of the viewer's own and
 * writes that to the viewer's socket as the socket takes it (in WebSocket
 * frames for a WebSocket viewer).  So libvncserver's writes never wait
 * for a viewer, and a viewer that stops reading costs its own memory
 * only: the loop stops sending it updates while relay_pending() is high.
 * The thread touches file descriptors and its own buffers, never
 * libvncserver.
 */
#ifndef VNCTERM_RELAY_H
#define VNCTERM_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct relay;
struct relay_port;

/*
 * The relay; its thread runs while it has ports.  wake_fd (an eventfd) is
 * written when a port breaks or is released.
 */
struct relay *relay_new(int wake_fd, int *err);
/* Ends the thread; every port must have been released and freed. */
void relay_free(struct relay *r);

/*
 * Relay what arrives on pair_fd to net_fd (both nonblocking), in binary
 * WebSocket frames if ws.  Neither fd is the caller's any more.  NULL if
 * out of memory or no thread could be started (the caller still owns both).
 */
struct relay_port *relay_add(struct relay *r, int pair_fd, int net_fd, bool ws);
/*
 * Forward what the pair holds now, on the caller's thread (without
 * blocking, as the thread would): an echo reaches the viewer without
 * waiting for the relay's thread to be scheduled, which on a loaded
 * machine is the slowest step of its way.
 */
void relay_flush(struct relay_port *p);
/* Bytes read from the pair and not yet taken by the viewer's socket. */
size_t relay_pending(struct relay_port *p);
/* Bytes the viewer's socket has taken, WebSocket framing included. */
uint64_t relay_sent(struct relay_port *p);
/* The viewer's socket failed or the viewer closed it: it reads nothing more. */
bool relay_broken(struct relay_port *p);
/* Send one control frame (a pong, a close) between data frames; WebSocket only. */
void relay_control(struct relay_port *p, int opcode, const uint8_t *payload, size_t len);
/*
 * The loop is done with it: once what libvncserver wrote is sent (the
 * pair's other end is closed), or the socket broke, or flush_ms passed,
 * both fds are closed and the port is released.
 */
void relay_close(struct relay_port *p, int flush_ms);
/* After release, relay_free_port() frees it. */
bool relay_released(struct relay_port *p);
void relay_free_port(struct relay_port *p);

#endif
