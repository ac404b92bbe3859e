/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vncterm/evqueue.h"

int evq_init(struct evq *q, unsigned max_items, size_t max_bytes)
{
	q->head = NULL;
	q->tail = &q->head;
	q->max_items = max_items ? max_items : 1;
	q->max_bytes = max_bytes;
	q->stopping = false;
	q->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->fd < 0)
		return -errno;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->room, NULL);
	return 0;
}

void evq_destroy(struct evq *q)
{
	struct evq_item *it;

	while ((it = evq_pop(q)))
		free(it);
	pthread_cond_destroy(&q->room);
	pthread_mutex_destroy(&q->mu);
	close(q->fd);
	q->fd = -1;
}

void evq_kick(struct evq *q)
{
	uint64_t one = 1;

	/* Fails only when the counter is full: the fd is readable then anyway. */
	if (write(q->fd, &one, sizeof(one)) < 0)
		return;
}

void evq_clear(struct evq *q)
{
	uint64_t n;

	if (read(q->fd, &n, sizeof(n)) < 0)
		return; /* EAGAIN: nothing was signalled */
}

int evq_push(struct evq *q, struct evq_source *src, struct evq_item *it, size_t size)
{
	pthread_mutex_lock(&q->mu);
	/* One item is always let in, so that an item over max_bytes can pass at all. */
	while (!q->stopping && !src->closed && src->items &&
	       (src->items >= q->max_items || src->bytes + size > q->max_bytes))
		pthread_cond_wait(&q->room, &q->mu);
	if (q->stopping || src->closed) {
		pthread_mutex_unlock(&q->mu);
		return -ECANCELED;
	}
	/* A queue that was not empty has been signalled already. */
	bool was_empty = !q->head;

	it->next = NULL;
	it->src = src;
	it->size = size;
	*q->tail = it;
	q->tail = &it->next;
	src->items++;
	src->bytes += size;
	pthread_mutex_unlock(&q->mu);
	if (was_empty)
		evq_kick(q);
	return 0;
}

struct evq_item *evq_pop(struct evq *q)
{
	pthread_mutex_lock(&q->mu);
	struct evq_item *it = q->head;

	if (it) {
		q->head = it->next;
		if (!q->head)
			q->tail = &q->head;
		it->src->items--;
		it->src->bytes -= it->size;
		pthread_cond_broadcast(&q->room);
	}
	pthread_mutex_unlock(&q->mu);
	return it;
}

void evq_close(struct evq *q, struct evq_source *src)
{
	pthread_mutex_lock(&q->mu);
	if (src)
		src->closed = true;
	else
		q->stopping = true;
	pthread_cond_broadcast(&q->room);
	pthread_mutex_unlock(&q->mu);
}

bool evq_pending(struct evq *q)
{
	pthread_mutex_lock(&q->mu);
	bool any = q->head != NULL;

	pthread_mutex_unlock(&q->mu);
	return any;
}

unsigned evq_queued(struct evq *q, const struct evq_source *src)
{
	pthread_mutex_lock(&q->mu);
	unsigned n = src->items;

	pthread_mutex_unlock(&q->mu);
	return n;
}
