/*
 * bench_sim.c -- the whole simulator: how many simulated connections per
 * wall-clock second, how many events per second, how much memory, and what
 * recording costs.
 *
 * The standard load: 10 client hosts each opening 2,000 connections/s
 * (Poisson) to one server for 600 simulated seconds -- 12 million
 * connections; each client closes first, so each holds its auto-capped
 * TIME_WAIT zone (5,120 entries) full and recycles from about 2.6 s on.
 * It runs through the same path as `twsim run` (scenario_load_string,
 * runner_run, results database in a temporary file), twice:
 *
 *   recording=off:   connections = no, one sample interval longer than
 *                    the run (samples cannot be switched off)
 *   recording=on:    sample = 1s, connections = no -- what `twsim run`
 *                    records of this load by default (connections = auto
 *                    keeps per-connection rows off above 1e6 expected
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
 * TWSIM_BENCH_SCALE (default 1) scales the simulated duration, e.g. 0.1
 * for a 60 s run.  Targets (not asserted): >= 500,000 simulated
 * connections per wall-clock second with recording off; recording
 * overhead < 10%.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/results.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"

#define NCLIENTS	10
#define RATE		2000	/* per client, per second */
#define DURATION	600.0	/* simulated seconds at scale 1 */

struct bench_result {
	int		ok;
	uint64_t	connections;
	uint64_t	events;
	double		wall;
	double		sim;
	long		maxrss_kib;
	long		rss_mid_kib;
	long		rss_end_kib;
	int64_t		tw_peak;	/* largest over the clients */
	int64_t		tw_cap;
};

struct mid_probe {
	double		half;
	double		end;
	long		rss_mid_kib;	/* at half time */
	long		rss_end_kib;	/* at the end, before teardown */
};

/* Resident set now, from /proc/self/statm (0 when unavailable). */
static long
rss_now_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size, res = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = 0;
	fclose(f);
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
on_progress(void *ctx, const struct runner_progress *p)
{
	struct mid_probe *mp = ctx;

	if (mp->rss_mid_kib == 0 && p->sim_seconds >= mp->half)
		mp->rss_mid_kib = rss_now_kib();
	if (mp->rss_end_kib == 0 && p->sim_seconds >= mp->end)
		mp->rss_end_kib = rss_now_kib();
}

static char *
scenario_text(double duration, int recording)
{
	size_t cap = 8192, off = 0;
	char *s = malloc(cap);
	int i;

	if (s == NULL)
		return NULL;
	off += (size_t)snprintf(s + off, cap - off,
	    "[run]\n"
	    "duration = %.0fs\n"
	    "seed = 1\n"
	    "sample = %s\n"
	    "connections = %s\n"
	    "\n"
	    "[host server]\n"
	    "address = 10.0.0.1\n"
	    "listen = 80\n",
	    duration, recording ? "1s" : "1000000s",
	    recording == 2 ? "yes" : "no");
	for (i = 0; i < NCLIENTS; i++)
		off += (size_t)snprintf(s + off, cap - off,
		    "\n[host c%d]\naddress = 10.0.1.%d\n"
		    "\n[workload w%d]\nclient = c%d\nserver = server:80\n"
		    "arrival = poisson\nrate = %d/s\nrequest = 512B\n"
		    "response = 2KiB\nclose = client\n",
		    i, i + 1, i, i, RATE);
	return s;
}

/* One configuration, in the calling (child) process. */
static void
bench_one(double duration, int recording, struct bench_result *br)
{
	struct scenario *sc = NULL;
	struct results *db = NULL;
	struct runner_opts opts;
	struct runner_result res;
	struct mid_probe mp;
	struct rusage ru;
	char err[1024], path[512];
	const char *tmp = getenv("TMPDIR");
	char *text = scenario_text(duration, recording);
	sqlite3_stmt *st;
	int fd;

	memset(br, 0, sizeof(*br));
	if (text == NULL)
		return;
	if (scenario_load_string("bench.ini", text, NULL, 0, 0, &sc, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "bench_sim: %s\n", err);
		free(text);
		return;
	}
	free(text);
	snprintf(path, sizeof(path), "%s/bench_sim.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		perror("bench_sim: mkstemp");
		scenario_free(sc);
		return;
	}
	close(fd);
	unlink(path);	/* results_open creates it fresh */
	if (results_open(path, RESULTS_RW_CREATE, &db, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "bench_sim: %s\n", err);
		scenario_free(sc);
		return;
	}
	memset(&opts, 0, sizeof(opts));
	opts.scenario = "bench";
	opts.version = PACKAGE_VERSION;
	memset(&mp, 0, sizeof(mp));
	mp.half = duration / 2;
	mp.end = duration;
	opts.progress = on_progress;
	opts.progress_ctx = &mp;
	if (runner_run(scenario_run_at(sc, 0), db, &opts, &res, err,
	    sizeof(err)) != 0 || res.status != RUNNER_COMPLETE) {
		fprintf(stderr, "bench_sim: run failed: %s\n", err);
	} else {
		br->ok = 1;
		br->connections = res.connections;
		br->events = res.events;
		br->wall = res.wall_seconds;
		br->sim = res.sim_seconds;
		br->rss_mid_kib = mp.rss_mid_kib;
		br->rss_end_kib = mp.rss_end_kib;
		if (sqlite3_prepare_v2(results_sqlite(db), "SELECT "
		    "max(tw_peak), max(tw_cap) FROM host_stats WHERE host <> "
		    "'server'", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW) {
				br->tw_peak = sqlite3_column_int64(st, 0);
				br->tw_cap = sqlite3_column_int64(st, 1);
			}
			sqlite3_finalize(st);
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	br->maxrss_kib = ru.ru_maxrss;
	results_close(db);
	scenario_free(sc);
	{
		char side[600];

		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
}

/* Runs bench_one in a child so that ru_maxrss is this configuration's. */
static int
bench_fork(double duration, int recording, struct bench_result *br)
{
	int p[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(p) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct bench_result r;

		close(p[0]);
		bench_one(duration, recording, &r);
		if (write(p[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], br, sizeof(*br));
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(*br) && br->ok ? 0 : -1;
}

static void
report(const char *name, const struct bench_result *br)
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
	struct bench_result on, off, full;
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
	if (bench_fork(duration, 0, &off) != 0) {
		fprintf(stderr, "bench_sim: recording=off failed\n");
		return 1;
	}
	report("off", &off);
	printf("\n");
	fflush(stdout);
	if (bench_fork(duration, 1, &on) != 0) {
		fprintf(stderr, "bench_sim: recording=on failed\n");
		return 1;
	}
	report("on", &on);
	printf("; recording overhead %.1f%%\n",
	    100.0 * (on.wall - off.wall) / off.wall);
	fflush(stdout);
	if (bench_fork(duration, 2, &full) != 0) {
		fprintf(stderr, "bench_sim: recording=full failed\n");
		return 1;
	}
	report("full", &full);
	printf("; overhead with every connection recorded %.1f%%\n",
	    100.0 * (full.wall - off.wall) / off.wall);
	printf("targets: >= 500000 conn/s with recording off (%s), recording "
	    "overhead < 10%% (%s)\n",
	    (double)off.connections / off.wall >= 500000 ? "met" : "NOT met",
	    on.wall - off.wall < 0.10 * off.wall ? "met" : "NOT met");
	return 0;
}
