/*
 * bench_clock.h -- the benchmarks' clocks, in seconds: wall time (what a
 * user waits) and CPU time of the calling thread (which time spent
 * preempted on a shared machine does not inflate).  Every benchmark is
 * single-threaded, so the thread's CPU time is the process's.
 */
#ifndef TWSIM_BENCH_CLOCK_H
#define TWSIM_BENCH_CLOCK_H

#include <time.h>

static inline double
bench_clock_seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock seconds (monotonic). */
static inline double
bench_wall_now(void)
{
	return bench_clock_seconds(CLOCK_MONOTONIC);
}

/* CPU seconds of this thread. */
static inline double
bench_cpu_now(void)
{
	return bench_clock_seconds(CLOCK_THREAD_CPUTIME_ID);
}

#endif /* TWSIM_BENCH_CLOCK_H */
