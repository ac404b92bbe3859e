/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What viewers' threads hand to the main loop: one FIFO of items, each
 * from a source (a viewer).  A source may have at most max_items items
 * or max_bytes bytes queued (one item is always let in): past that its
 * own thread waits, so a flood from one viewer costs that viewer time,
 * not memory, and never drops what other viewers sent.  An eventfd tells
 * the main loop there is something to look at.
 */
#ifndef VNCTERM_EVQUEUE_H
#define VNCTERM_EVQUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct evq_source {
	unsigned items;  /* queued now */
	size_t bytes;
	bool closed;     /* pushes fail; set by evq_close() */
};

/* Embedded at the start of what is queued. */
struct evq_item {
	struct evq_item *next;
	struct evq_source *src;
	size_t size;
};

struct evq {
	pthread_mutex_t mu;
	pthread_cond_t room;  /* a source's queue got shorter, or was closed */
	struct evq_item *head, **tail;
	unsigned max_items;
	size_t max_bytes;
	bool stopping;
	int fd;               /* eventfd: readable when the main loop has work */
};

/* 0, or -errno (the eventfd could not be made). */
int evq_init(struct evq *q, unsigned max_items, size_t max_bytes);
/* Frees what is still queued with free(). */
void evq_destroy(struct evq *q);

/*
 * Queue it (size bytes, counted against src), waiting while src has too
 * much queued.  0; -ECANCELED if src or the queue was closed meanwhile
 * (the item is then the caller's).
 */
int evq_push(struct evq *q, struct evq_source *src, struct evq_item *it, size_t size);
/*
 * The oldest item or NULL, never waiting; the caller frees it.  A push
 * signals only a queue that was empty: a caller that stops before the
 * queue is empty must evq_kick() itself to come back.
 */
struct evq_item *evq_pop(struct evq *q);
/* Whether anything is queued; what src has queued. */
bool evq_pending(struct evq *q);
unsigned evq_queued(struct evq *q, const struct evq_source *src);
/* Fail src's pushes from now on (NULL: every source's), waking those waiting. */
void evq_close(struct evq *q, struct evq_source *src);

/* Wake the main loop: something other than an item changed. */
void evq_kick(struct evq *q);
/* The main loop looked: the fd is not readable until the next push or kick. */
void evq_clear(struct evq *q);

#endif
