/*
 * bench_sim.c -- the whole simulator: how many simulated connections per
 * wall-clock second, how many events per second, how much memory, and what
 * recording costs.
 *
 * The standard load: 10 client hosts each opening 2,000 connections/s
 * (Poisson) to one server for 600 simulated seconds -- 12 million
 * connections; each client closes first, so each holds its auto-capped
 * TIME_WAIT zone (5,120, held as 5,150 in whole UMA slabs) full and
 * recycles from about 2.6 s on.
 * It runs through the same path as `twsim run` (scenario_load_string,
 * runner_run, results database in a temporary file), twice:
 *
 *   recording=off:   connections = no, one sample interval longer than
 *                    the run (samples cannot be switched off)
 *   recording=on:    sample = 1s, connections = no -- what `twsim run`
 *                    records of this load by default (connections = auto
 *                    keeps per-connection rows off above 1e5 expected
 *                    connections; said explicitly so that a scaled-down
 *                    run measures the same thing)
 *   recording=full:  sample = 1s and connections = yes: 12 million
 *                    connection rows (about 2 us each in SQLite)
 *
 * Each configuration runs in its own child process so that its peak RSS
 * (getrusage ru_maxrss) is its own.  Resident memory is also read at half
 * time and at the end of the simulation, before teardown
 * (/proc/self/statm): once TIME_WAIT is in steady state it should not grow
 * (with recording on, SQLite's page cache, up to 32 MiB, grows first).
 *
 * The events per second of recording=off are then set against the bare
 * binary heap's hold model (tests/bench/bench_heap.c), measured in the
 * same run and both in CPU time (the machine may be shared), and both
 * the best of SIM_REPS runs (the heap's best of three was once set
 * against a single run of the simulator, which tilted the ratio by the
 * run-to-run spread, about 5% here, against the simulator): what the
 * whole simulator -- TCP, ports, TIME_WAIT, network, workloads -- achieves
 * of the floor any event-driven simulator pays for its event queue.  The
 * heap is sized twice: at the simulator's own mean queue, and at its
 * pending timers (that queue plus the TIME_WAIT entries waiting on 2MSL
 * queues), which is the yardstick of the target: a simulator that held
 * those entries in its heap would pay for a heap of that size.
 *
 * TWSIM_BENCH_SCALE (default 1) scales the simulated duration, e.g. 0.1
 * for a 60 s run.  Targets (not asserted): >= 500,000 simulated
 * connections per wall-clock second with recording off; recording
 * overhead < 10%; events/s at least 0.6 of the bare heap's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/bench/bench_heap.h"
#include "tests/bench/bench_run.h"

#define NCLIENTS	10
#define RATE		2000	/* per client, per second */
#define DURATION	600.0	/* simulated seconds at scale 1 */
#define SIM_REPS	3	/* recording=off runs, as the heap's best of 3 */

static char *
scenario_text(double duration, int recording)
{
	char run[256], wl[256];

	snprintf(run, sizeof(run), "duration = %.0fs\nseed = 1\nsample = %s\n"
	    "connections = %s\n", duration, recording ? "1s" : "1000000s",
	    recording == 2 ? "yes" : "no");
	snprintf(wl, sizeof(wl), "arrival = poisson\nrate = %d/s\n"
	    "request = 512B\nresponse = 2KiB\nclose = client\n", RATE);
	return bench_clients_text(run, "", NCLIENTS, wl);
}

static void
report(const char *name, const struct bench_run *br)
{
	printf("sim recording=%s: %" PRIu64 " connections in %.1f s wall, "
	    "%.0f conn/s, %.2fM ev/s, peak RSS %.0f MiB "
	    "(RSS at half time %.0f MiB, at end %.0f MiB; TIME_WAIT peak %"
	    PRId64 " of cap %" PRId64 " per client)",
	    name, br->connections, br->wall,
	    (double)br->connections / br->wall,
	    (double)br->events / br->wall / 1e6,
	    br->maxrss_kib / 1024.0, br->rss_mid_kib / 1024.0,
	    br->rss_end_kib / 1024.0, br->tw_peak, br->tw_cap);
}

int
main(void)
{
	struct bench_run on, off, full, rep;
	double heap, simrate, rate;
	int i;
	char *text;
	const char *sc = getenv("TWSIM_BENCH_SCALE");
	double scale = sc != NULL && *sc != '\0' ? atof(sc) : 1.0;
	double duration;

	if (!(scale > 0) || scale > 100) {
		fprintf(stderr, "bench_sim: TWSIM_BENCH_SCALE must be in "
		    "(0, 100]\n");
		return 2;
	}
	duration = DURATION * scale;
	if (duration < 1)
		duration = 1;
	printf("bench_sim: %d clients x %d conn/s -> 1 server, %.0f "
	    "simulated s (TWSIM_BENCH_SCALE=%g)\n", NCLIENTS, RATE, duration,
	    scale);
	fflush(stdout);
	/* recording=off SIM_REPS times: the one of most events per CPU s. */
	text = scenario_text(duration, 0);
	simrate = 0;
	for (i = 0; i < SIM_REPS; i++) {
		if (text == NULL || bench_run_scenario(text, 0, &rep) != 0) {
			free(text);
			fprintf(stderr, "bench_sim: recording=off failed\n");
			return 1;
		}
		rate = (double)rep.events / rep.cpu;
		printf("sim recording=off, run %d of %d: %.2fM ev/s per CPU "
		    "second\n", i + 1, SIM_REPS, rate / 1e6);
		fflush(stdout);
		if (rate > simrate) {
			simrate = rate;
			off = rep;
		}
	}
	free(text);
	report("off", &off);
	printf(" (the best of %d)\n", SIM_REPS);
	fflush(stdout);
	/* The yardstick: the bare heap at the simulator's queue size. */
	heap = bench_bare_hold_best(off.mean_queue < 1 ? 1 :
	    (size_t)(off.mean_queue + 0.5), 10000000, 3);
	/* Both in CPU time: the machine may be shared. */
	printf("sim vs bare heap: simulator %.2fM ev/s, bare heap hold model "
	    "%.2fM ev/s at Q=%.0f (the simulator's mean queue), both per CPU "
	    "second, ratio %.2f (target >= 0.6)\n", simrate / 1e6,
	    heap / 1e6, off.mean_queue, simrate / heap);
	/*
	 * The same against the heap at the number of pending timers: the
	 * TIME_WAIT entries wait on 2MSL queues (each client's zone is full,
	 * tw_peak entries, from about 2.6 s on), not as events.  A simulator
	 * that armed a timer per entry would hold them in its heap; this is
	 * the size such a design pays for.
	 */
	heap = bench_bare_hold_best((size_t)(off.mean_queue + 0.5) +
	    (size_t)off.tw_peak * NCLIENTS, 10000000, 3);
	printf("sim vs bare heap at pending timers: bare heap %.2fM ev/s at "
	    "Q=%.0f (the mean queue plus %d x %" PRId64 " TIME_WAIT entries "
	    "on 2MSL queues), ratio %.2f\n", heap / 1e6, off.mean_queue +
	    (double)off.tw_peak * NCLIENTS, NCLIENTS, off.tw_peak,
	    simrate / heap);
	/*
	 * Which of the two the target means: the pending timers.  Against
	 * the mean queue alone, a simulator that armed an event per
	 * TIME_WAIT entry -- slower -- would score better, its larger queue
	 * slowing the yardstick more than itself.
	 */
	printf("sim vs bare heap: the target's yardstick is the pending "
	    "timers: ratio %.2f (target >= 0.6: %s)\n", simrate / heap,
	    simrate / heap >= 0.6 ? "met" : "NOT met");
	fflush(stdout);
	text = scenario_text(duration, 1);
	if (text == NULL || bench_run_scenario(text, 0, &on) != 0) {
		free(text);
		fprintf(stderr, "bench_sim: recording=on failed\n");
		return 1;
	}
	free(text);
	report("on", &on);
	printf("; recording overhead %.1f%%\n",
	    100.0 * (on.wall - off.wall) / off.wall);
	fflush(stdout);
	text = scenario_text(duration, 2);
	if (text == NULL || bench_run_scenario(text, 0, &full) != 0) {
		free(text);
		fprintf(stderr, "bench_sim: recording=full failed\n");
		return 1;
	}
	free(text);
	report("full", &full);
	printf("; overhead with every connection recorded %.1f%%\n",
	    100.0 * (full.wall - off.wall) / off.wall);
	printf("targets: >= 500000 conn/s with recording off (%s), recording "
	    "overhead < 10%% (%s)\n",
	    (double)off.connections / off.wall >= 500000 ? "met" : "NOT met",
	    on.wall - off.wall < 0.10 * off.wall ? "met" : "NOT met");
	return 0;
}
