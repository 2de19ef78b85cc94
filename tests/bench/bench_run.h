/*
 * bench_run.h -- run one scenario, given as text, the way `twsim run` does
 * (scenario_load_string, runner_run, a results database in a temporary
 * file), in a child process so that its peak RSS is its own, and measure
 * it: wall time, connections, events, and the same over a window of
 * simulated time (steady state, after a fill-up) and the mean number of
 * events pending.  Shared by the whole-simulator benchmarks.
 */
#ifndef TWSIM_BENCH_RUN_H
#define TWSIM_BENCH_RUN_H

#include <stdint.h>

#include "tests/bench/bench_clock.h"

struct bench_run {
	int		ok;
	double		wall;		/* runner's wall seconds */
	double		cpu;		/* CPU seconds of the run itself */
	double		sim;		/* simulated seconds */
	uint64_t	connections;
	uint64_t	events;
	long		maxrss_kib;
	/*
	 * From simulated time `from` (bench_run_scenario) to the end; the
	 * time is the simulator's CPU time (preemption excluded).
	 */
	double		win_wall;
	uint64_t	win_connections;
	uint64_t	win_events;
	double		mean_queue;	/* events pending, mean over slices */
	long		rss_mid_kib;	/* resident at half time */
	long		rss_end_kib;	/* resident at the end */
	int64_t		tw_peak;	/* largest over the non-server hosts */
	int64_t		tw_cap;
};

/*
 * The benchmarks' scenario shape: "[run]" with `run_keys`, a server
 * (10.0.0.1, listening on 80) with `server_keys`, and `nclients` client
 * hosts c0.. (10.0.1.1..) each with a workload w0.. to the server whose
 * keys are `workload_keys`.  Each *_keys is "key = value" lines, each
 * ending in a newline.  malloc'd, or NULL.
 */
char	*bench_clients_text(const char *run_keys, const char *server_keys,
	    int nclients, const char *workload_keys);
/* 0 and *br filled, or -1 (message on stderr). */
int	bench_run_scenario(const char *text, double from,
	    struct bench_run *br);

#endif /* TWSIM_BENCH_RUN_H */
