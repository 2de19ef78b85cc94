/*
 * bench_heap.h -- the benchmarks' yardstick: a bare binary heap running the
 * hold model (Jones, CACM 1986).  The queue holds Q pending events; each
 * step pops the earliest and pushes one new event a random delay after
 * it.  The heap is a textbook binary min-heap of 16-byte {time, seq}
 * entries with no handles and no cancellation: the floor any event queue
 * pays for.  bench_evq sets the event kernel against it; bench_sim sets
 * the whole simulator against it at the simulator's own queue size.
 */
#ifndef TWSIM_BENCH_HEAP_H
#define TWSIM_BENCH_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include "tests/bench/bench_clock.h"

#define BENCH_NDELAYS		(1u << 20)	/* table of delays, cycled */
#define BENCH_DELAY_MASK	(BENCH_NDELAYS - 1)
#define BENCH_MEAN_DELAY_NS	1e6

/* BENCH_NDELAYS exponential delays of mean 1 ms (mt19937, seed 1). */
int64_t	*bench_delays(void);
/*
 * The hold model on the bare heap: Q events, then nev pop+push steps with
 * the delays cycled from `delay`.  Events per CPU second; *sum is the sum
 * of the popped times (for checking another queue popped the same).
 */
double	 bench_bare_hold(size_t q, uint64_t nev, const int64_t *delay,
	    uint64_t *sum);
/* The best of `reps` runs of bench_bare_hold. */
double	 bench_bare_hold_best(size_t q, uint64_t nev, unsigned reps);

#endif /* TWSIM_BENCH_HEAP_H */
