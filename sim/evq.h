/*
 * evq.h -- the event queue: a priority queue of timed callbacks.
 *
 * Events are ordered by (time, insertion sequence), so events scheduled for
 * the same instant pop in the order they were pushed and every run is
 * deterministic.  A pending event can be cancelled through the handle
 * returned by evq_push(); handles carry a generation, so cancelling an event
 * that already fired or was already cancelled is a defined error
 * (EVQ_ENOENT), never a touch of recycled memory.  Event records come from
 * a free list: once the queue has grown to its working size, push and pop
 * allocate nothing.
 *
 * evq knows nothing of a clock: the caller (sim.c) owns "now" and refuses
 * times in the past.
 */
#ifndef TWSIM_EVQ_H
#define TWSIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "sim/simtime.h"

struct evq;

typedef void (*evq_fn)(void *ctx, void *arg);

/* Opaque handle: 0 is never a valid handle (use it for "no event"). */
typedef uint64_t evq_handle_t;
#define EVQ_HANDLE_NONE ((evq_handle_t)0)

/* Return codes. */
#define EVQ_OK		0
#define EVQ_ENOENT	(-1)	/* cancel: no such pending event */
#define EVQ_EMPTY	(-2)	/* pop: queue is empty */
#define EVQ_ENOMEM	(-3)	/* push: out of memory */
#define EVQ_LATER	(-4)	/* pop_due: the earliest event is later */

struct evq	*evq_create(void);
void		 evq_destroy(struct evq *q);

/* Schedule fn(ctx, arg) at `when`; *h (if h != NULL) receives the handle. */
int		 evq_push(struct evq *q, sim_time_t when, evq_fn fn, void *arg,
		    evq_handle_t *h);
/* Remove a pending event.  EVQ_OK, or EVQ_ENOENT if not pending. */
int		 evq_cancel(struct evq *q, evq_handle_t h);
/* Remove the earliest event and hand back its time, function and argument. */
int		 evq_pop(struct evq *q, sim_time_t *when, evq_fn *fn, void **arg);
/*
 * The same, only when the earliest event is due at or before `until`:
 * EVQ_OK, EVQ_EMPTY, or EVQ_LATER (nothing removed).
 */
int		 evq_pop_due(struct evq *q, sim_time_t until, sim_time_t *when,
		    evq_fn *fn, void **arg);
/* Time of the earliest event, or SIM_TIME_MAX when empty. */
sim_time_t	 evq_peek_time(const struct evq *q);
size_t		 evq_size(const struct evq *q);
/* 1 while the event behind h is still pending. */
int		 evq_pending(const struct evq *q, evq_handle_t h);

#endif /* TWSIM_EVQ_H */
