/*
 * simtime.h -- simulated time.
 *
 * Simulated time is a signed 64-bit count of nanoseconds since the start of
 * a run.  Signed, so that differences are plain subtractions; 64 bits of
 * nanoseconds cover 292 years, far beyond any run.  The TCP model mirrors a
 * FreeBSD kernel, which counts time in ticks of 1/hz seconds; the helpers
 * below convert both ways at a given hz (kern.hz, 1000 by default).
 */
#ifndef TWSIM_SIMTIME_H
#define TWSIM_SIMTIME_H

#include <stdint.h>

typedef int64_t sim_time_t;

#define SIM_NSEC	((sim_time_t)1)
#define SIM_USEC	((sim_time_t)1000)
#define SIM_MSEC	((sim_time_t)1000000)
#define SIM_SEC		((sim_time_t)1000000000)
#define SIM_TIME_MAX	INT64_MAX

/* Seconds (as a double) to simulated time, rounded to the nearest ns. */
static inline sim_time_t
sim_time_from_sec(double s)
{
	double ns = s * 1e9;

	return (sim_time_t)(ns < 0 ? ns - 0.5 : ns + 0.5);
}

static inline double
sim_time_to_sec(sim_time_t t)
{
	return (double)t / 1e9;
}

/*
 * Ticks elapsed at time t for a clock of hz ticks per second: the kernel's
 * `ticks` counter, which advances once per 1/hz second (floor).
 */
static inline int64_t
sim_time_to_ticks(sim_time_t t, int hz)
{
	int64_t q = t / (SIM_SEC / hz);

	if (t < 0 && q * (SIM_SEC / hz) != t)
		q--;
	return q;
}

static inline sim_time_t
sim_time_from_ticks(int64_t ticks, int hz)
{
	return (sim_time_t)ticks * (SIM_SEC / hz);
}

#endif /* TWSIM_SIMTIME_H */
