/*
 * bench_run.c -- one scenario run, measured (bench_run.h).
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/results.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "tests/bench/bench_run.h"

struct probe {
	double		from, half, end;
	int		in_window;
	double		win_t0;
	uint64_t	win_c0, win_e0;
	double		last_t;
	uint64_t	last_c, last_e;
	double		queue_sum;
	uint64_t	nslices;
	long		rss_mid_kib, rss_end_kib;
};

char *
bench_clients_text(const char *run_keys, const char *server_keys,
    int nclients, const char *workload_keys)
{
	size_t cap, off = 0;
	char *s;
	int i;

	cap = strlen(run_keys) + strlen(server_keys) + 128 +
	    (size_t)nclients * (strlen(workload_keys) + 128);
	if ((s = malloc(cap)) == NULL)
		return NULL;
	off += (size_t)snprintf(s + off, cap - off, "[run]\n%s\n"
	    "[host server]\naddress = 10.0.0.1\nlisten = 80\n%s", run_keys,
	    server_keys);
	for (i = 0; i < nclients; i++)
		off += (size_t)snprintf(s + off, cap - off,
		    "\n[host c%d]\naddress = 10.0.1.%d\n"
		    "\n[workload w%d]\nclient = c%d\nserver = server:80\n%s",
		    i, i + 1, i, i, workload_keys);
	return s;
}

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
	struct probe *pr = ctx;

	if (!pr->in_window && p->sim_seconds >= pr->from) {
		pr->in_window = 1;
		pr->win_t0 = bench_cpu_now();
		pr->win_c0 = p->connections;
		pr->win_e0 = p->events;
	}
	pr->last_t = bench_cpu_now();
	pr->last_c = p->connections;
	pr->last_e = p->events;
	pr->queue_sum += (double)p->queue;
	pr->nslices++;
	if (pr->rss_mid_kib == 0 && p->sim_seconds >= pr->half)
		pr->rss_mid_kib = rss_now_kib();
	if (pr->rss_end_kib == 0 && p->sim_seconds >= pr->end)
		pr->rss_end_kib = rss_now_kib();
}

static void
remove_db(const char *path)
{
	char side[600];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-journal", path);
	unlink(side);
}

/* In the child: load, run, measure. */
static void
run_one(const char *text, double from, struct bench_run *br)
{
	struct scenario *sc = NULL;
	struct results *db = NULL;
	struct runner_opts opts;
	struct runner_result res;
	struct probe pr;
	struct rusage ru;
	char err[1024], path[512];
	const char *tmp = getenv("TMPDIR");
	sqlite3_stmt *st;
	double t0;
	int fd;

	memset(br, 0, sizeof(*br));
	if (scenario_load_string("bench.ini", text, NULL, 0, 0, &sc, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "bench: %s\n", err);
		return;
	}
	snprintf(path, sizeof(path), "%s/twsim-bench.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		perror("bench: mkstemp");
		scenario_free(sc);
		return;
	}
	close(fd);
	unlink(path);	/* results_open creates it fresh */
	if (results_open(path, RESULTS_RW_CREATE, &db, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "bench: %s\n", err);
		scenario_free(sc);
		return;
	}
	memset(&opts, 0, sizeof(opts));
	opts.scenario = "bench";
	opts.version = PACKAGE_VERSION;
	memset(&pr, 0, sizeof(pr));
	pr.from = from;
	pr.end = sim_time_to_sec(scenario_run_at(sc, 0)->duration);
	pr.half = pr.end / 2;
	opts.progress = on_progress;
	opts.progress_ctx = &pr;
	t0 = bench_cpu_now();
	if (runner_run(scenario_run_at(sc, 0), db, &opts, &res, err,
	    sizeof(err)) != 0 || res.status != RUNNER_COMPLETE) {
		fprintf(stderr, "bench: run failed: %s\n", err);
	} else {
		br->ok = 1;
		br->cpu = bench_cpu_now() - t0;
		br->connections = res.connections;
		br->events = res.events;
		br->wall = res.wall_seconds;
		br->sim = res.sim_seconds;
		br->win_wall = pr.in_window ? pr.last_t - pr.win_t0 : 0;
		br->win_connections = pr.last_c - pr.win_c0;
		br->win_events = pr.last_e - pr.win_e0;
		br->mean_queue = pr.nslices > 0 ?
		    pr.queue_sum / (double)pr.nslices : 0;
		br->rss_mid_kib = pr.rss_mid_kib;
		br->rss_end_kib = pr.rss_end_kib;
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
	remove_db(path);
}

int
bench_run_scenario(const char *text, double from, struct bench_run *br)
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
		struct bench_run r;

		close(p[0]);
		run_one(text, from, &r);
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
