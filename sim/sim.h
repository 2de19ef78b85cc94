/*
 * sim.h -- the simulation context and its run loop.
 *
 * A struct sim is a run's whole world as far as the kernel is concerned:
 * the clock, the event queue, the named random streams and the periodic
 * timers.  Nothing lives in globals, so any number of runs can be created,
 * run and destroyed one after the other in one process with identical
 * results.  Models hang their own state off the context through the
 * callbacks' arguments; sim/ knows nothing of TCP.
 *
 * Errors are values: functions return SIM_OK or a negative SIM_E* code and
 * leave a message readable with sim_errmsg().
 */
#ifndef TWSIM_SIM_H
#define TWSIM_SIM_H

#include <signal.h>
#include <stdint.h>

#include "sim/evq.h"
#include "sim/rng.h"
#include "sim/simtime.h"

struct sim;

typedef void (*sim_fn)(struct sim *sim, void *arg);
typedef evq_handle_t sim_event_t;
#define SIM_EVENT_NONE EVQ_HANDLE_NONE

#define SIM_OK		0
#define SIM_EPAST	(-1)	/* scheduling before now */
#define SIM_ENOENT	(-2)	/* cancel of an event that is not pending */
#define SIM_ENOMEM	(-3)
#define SIM_EINVAL	(-4)

/* Why sim_run() returned. */
enum sim_stop_reason {
	SIM_STOP_TIME,		/* reached the end time */
	SIM_STOP_BUDGET,	/* processed the event budget */
	SIM_STOP_REQUEST,	/* sim_stop() or the stop flag */
	SIM_STOP_EMPTY		/* no events left */
};

struct sim	*sim_create(uint64_t master_seed);
void		 sim_destroy(struct sim *sim);

/*
 * The clock is the first member of struct sim, so that sim_now() -- read
 * for every segment's timestamp, RTT sample and idle check, several times
 * an event -- is one load in the caller rather than a call into sim.c.
 * Only sim.c writes it.
 */
struct sim_clock {
	sim_time_t	now;
};

static inline sim_time_t
sim_now(const struct sim *sim)
{
	/* A pointer to a struct, converted, points to its first member. */
	return ((const struct sim_clock *)(const void *)sim)->now;
}

uint64_t	 sim_seed(const struct sim *sim);
uint64_t	 sim_events(const struct sim *sim);	/* events processed */
size_t		 sim_queue_size(const struct sim *sim);	/* events pending */
const char	*sim_errmsg(const struct sim *sim);

/* One-shot events. */
int		 sim_at(struct sim *sim, sim_time_t when, sim_fn fn, void *arg,
		    sim_event_t *h);
int		 sim_after(struct sim *sim, sim_time_t delay, sim_fn fn,
		    void *arg, sim_event_t *h);
int		 sim_cancel(struct sim *sim, sim_event_t h);
int		 sim_pending(const struct sim *sim, sim_event_t h);

/*
 * Periodic callbacks: fn runs at first, first + period, first + 2 period...
 * until cancelled with sim_periodic_cancel().  Used for the sampling clock
 * and for kernel-style timers (the 500 ms slow timer, ipport_tick).
 */
struct sim_periodic;
/* NULL + sim_errmsg() on first < now, period <= 0 or no memory. */
struct sim_periodic *sim_every(struct sim *sim, sim_time_t first,
		    sim_time_t period, sim_fn fn, void *arg);
/* Frees p; safe from inside p's own callback (p goes once fn returns). */
void		 sim_periodic_cancel(struct sim *sim, struct sim_periodic *p);

/*
 * Run until the next event is later than `until` (the clock is then set to
 * `until`), `max_events` more events have been processed (0: no budget),
 * sim_stop() is called, *stop_flag becomes non-zero (checked between
 * events; set it from a signal handler), or the queue empties.
 *
 * Details (sim.c's header has the full order of checks): an event at
 * exactly `until` runs; on SIM_STOP_EMPTY the clock also moves to `until`,
 * unless `until` is SIM_TIME_MAX (it then stays at the last event's time);
 * the clock never moves backwards (until < now leaves it); a sim_stop()
 * request is consumed by the run it stops, while the external flag is left
 * for its owner to clear.  Not re-entrant: never call sim_run() from a
 * callback.
 */
enum sim_stop_reason sim_run(struct sim *sim, sim_time_t until,
		    uint64_t max_events);
void		 sim_stop(struct sim *sim);
void		 sim_set_stop_flag(struct sim *sim,
		    volatile sig_atomic_t *stop_flag);

/*
 * Named random stream owned by the context (created on first use, freed
 * with the context): see rng.h for why streams are named.
 */
struct rng	*sim_rng(struct sim *sim, const char *stream_name);

#endif /* TWSIM_SIM_H */
