/*
 * cmd_run.c -- `twsim run`: every sweep point x repetition of a scenario,
 * into a results database.
 *
 * The run list is the scenario's (or, with --repeat-more N, N further
 * repetitions of every sweep point), less the runs whose identity the
 * database already holds complete (results.h), unless --replace.
 *
 * With -j 1 the runs execute in this process, one after the other, each
 * recorded at its end in one short transaction (results_run_end).  With -j
 * N up to N runs execute at once, each in a child process writing a part
 * file beside the output (FILE.part-PID-I.tmp, renamed FILE.part-PID-I
 * once recorded); the parent merges the finished runs in run-list order
 * (results_merge, the same code path), so the result tables are the same
 * as with -j 1 whatever order the children finish in.  Workers die with
 * the parent (PR_SET_PDEATHSIG; a getppid() check between slices where
 * that does not exist); the next writer of the file cleans up after a
 * parent killed with -9 (results.c: recover_parts).
 *
 * SIGINT/SIGTERM set a flag the simulation checks between events and are
 * passed on to the workers at once: the current runs end with status
 * `interrupted`, every run finished before is kept, nothing new starts,
 * and the exit status is 1.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <time.h>
#include <unistd.h>

#include "analysis/results.h"
#include "models/capture.h"
#include "scenarios/commands.h"
#include "scenarios/runlist.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"

/*
 * The one piece of process-wide state: a signal handler can reach nothing
 * else.  The stop flag is only ever set, by the handler, and read by the
 * run loop.  The workers' process group (-j N; 0 while none runs) is where
 * the handler passes the stop on at once, whatever the parent is doing --
 * merging a large run, say -- so the runs in flight end `interrupted`
 * promptly.  Workers have a group of their own so that a terminal's SIGINT
 * reaches only the parent, and a pipeline's other processes never see the
 * SIGTERM passed on.
 */
static volatile sig_atomic_t run_stop_requested;
static volatile sig_atomic_t run_worker_pgid;

static void
on_stop_signal(int sig)
{
	pid_t pgid = (pid_t)run_worker_pgid;

	(void)sig;
	run_stop_requested = 1;
	if (pgid > 0)
		(void)kill(-pgid, SIGTERM);
}

static void
run_usage(FILE *out)
{
	fprintf(out,
	    "usage: twsim run SCENARIO [-o DB] [--seed N] [--set KEY=VALUE]... [-j N]\n"
	    "                 [--runs SPEC] [--replace | --repeat-more N] [--pcap DIR]\n"
	    "                 [--pcap-filter EXPR]... [--pcap-snaplen N]\n"
	    "                 [--trace CONN_ID]... [--quiet]\n"
	    "\n"
	    "Run every sweep point x repetition of SCENARIO and record the results in an\n"
	    "SQLite database (appended to when it exists).  A run is identified by its\n"
	    "scenario, resolved parameters and seed: a run the database already holds\n"
	    "complete is not run again (a failed or interrupted one is, replacing it),\n"
	    "so running a command twice changes nothing.\n"
	    "\n"
	    "Options:\n"
	    "  -o, --output DB      results database (default: results.db)\n"
	    "  -s, --seed N         master seed, replacing [run] seed\n"
	    "  -S, --set KEY=VALUE  override a scenario key, e.g. host.client.maxtcptw=5000,\n"
	    "                       workload.web.rate=50/s, run.duration=60s (a sweep is\n"
	    "                       allowed: workload.web.rate=${10,20}/s); repeatable\n"
	    "  -r, --runs SPEC      run only these run indices, numbered as 'twsim check'\n"
	    "                       prints them: e.g. 0,3,7-9 (a slice of a sweep for\n"
	    "                       another machine; 'twsim merge' joins the slices)\n"
	    "  -j, --jobs N         run N simulations at once in separate processes\n"
	    "                       (default 1; the result tables are the same for any N)\n"
	    "      --replace        run again the runs the database holds, replacing\n"
	    "                       their rows (same run_id)\n"
	    "      --repeat-more N  add N repetitions to every sweep point, numbered on\n"
	    "                       from the highest the database holds, with new seeds\n"
	    "      --pcap DIR       write a pcap capture per host per run into DIR\n"
	    "                       (DIR/run<ID>-<HOST>.pcap): every host, or only those\n"
	    "                       with pcap = yes; without --pcap those go to DB-pcap/\n"
	    "      --pcap-filter EXPR  keep only matching packets; repeatable, all must\n"
	    "                       match: 'time 10s..20s' (a window of simulated time,\n"
	    "                       'time 10s..' open-ended), 'A:P B:Q' (a 4-tuple, both\n"
	    "                       directions), or a pcap-filter(7) expression such as\n"
	    "                       'port 80' or 'tcp[tcpflags] & tcp-syn != 0'\n"
	    "      --pcap-snaplen N bytes kept of each packet (default: all)\n"
	    "      --trace CONN_ID  print every event of that connection (its conn_id in\n"
	    "                       the connections table) and of its peer, in simulated\n"
	    "                       time order: state changes, timers, segments in and\n"
	    "                       out, the TIME_WAIT rule that fired, hazards;\n"
	    "                       repeatable; FIRST-LAST traces a range\n"
	    "                       (--pcap and --trace see only the runs that run: one\n"
	    "                       the database holds already needs --replace)\n"
	    "  -q, --quiet          no progress bar and no summary\n"
	    "  -h, --help           show this help\n"
	    "\n"
	    "Exit status: 0 all runs complete (or already in the database), 1 a run\n"
	    "failed or was interrupted, 2 bad usage, a bad scenario or an unusable\n"
	    "(foreign, other version, damaged) database.\n");
}

/* ---- --pcap-filter ------------------------------------------------------- */

/* "A.B.C.D:PORT" -> addr, port: 0, or -1. */
static int
parse_endpoint(const char *s, size_t n, char *addr, size_t addrlen,
    long *port)
{
	char buf[64], *colon, *end, e[128];
	uint32_t a;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	colon = strrchr(buf, ':');
	if (colon == NULL)
		return -1;
	*colon = '\0';
	if (units_parse_ipv4(buf, &a, e, sizeof(e)) != 0)
		return -1;
	errno = 0;
	*port = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || *port < 0 ||
	    *port > 65535)
		return -1;
	if (strlen(buf) >= addrlen)
		return -1;
	memcpy(addr, buf, strlen(buf) + 1);
	return 0;
}

/*
 * "A:P B:Q" (or "A:P-B:Q", "A:P,B:Q") as a pcap-filter(7) expression for
 * both directions of the 4-tuple; 1 if it was one, 0 if not.
 */
static int
tuple_to_bpf(const char *s, char *out, size_t outlen)
{
	char a[32], b[32];
	long p, q;
	size_t n;

	while (*s == ' ')
		s++;
	n = strcspn(s, " ,-");
	if (parse_endpoint(s, n, a, sizeof(a), &p) != 0)
		return 0;
	s += n;
	while (*s == ' ' || *s == ',' || *s == '-')
		s++;
	n = strcspn(s, " ");
	if (parse_endpoint(s, n, b, sizeof(b), &q) != 0 ||
	    s[n + strspn(s + n, " ")] != '\0')
		return 0;
	snprintf(out, outlen, "((src host %s and src port %ld and dst host %s "
	    "and dst port %ld) or (src host %s and src port %ld and dst host "
	    "%s and dst port %ld))", a, p, b, q, b, q, a, p);
	return 1;
}

/*
 * The --pcap-filter values as one capture filter: time windows intersect,
 * everything else is ANDed into one BPF expression (*bpf, malloc'ed, NULL
 * when none).  0, or -1 with a message.
 */
static int
pcap_filter_build(const char *const *exprs, int n, struct capture_filter *f,
    char **bpf, char *err, size_t errlen)
{
	char part[512], terr[256], tbuf[128], *dots, *out = NULL;
	size_t len = 0;
	sim_time_t from, to;
	int i;

	f->from = 0;
	f->to = -1;
	f->bpf = NULL;
	*bpf = NULL;
	for (i = 0; i < n; i++) {
		const char *x = exprs[i];

		while (*x == ' ')
			x++;
		if (strncmp(x, "time ", 5) == 0) {
			snprintf(tbuf, sizeof(tbuf), "%s", x + 5);
			dots = strstr(tbuf, "..");
			if (dots == NULL) {
				snprintf(err, errlen, "--pcap-filter '%s': a "
				    "time window is 'time FROM..TO' (e.g. "
				    "'time 10s..20s', 'time 60s..')", x);
				goto fail;
			}
			*dots = '\0';
			if (units_parse_time(tbuf, &from, terr,
			    sizeof(terr)) != 0) {
				snprintf(err, errlen, "--pcap-filter '%s': %s",
				    x, terr);
				goto fail;
			}
			to = -1;
			if (dots[2] != '\0' && units_parse_time(dots + 2, &to,
			    terr, sizeof(terr)) != 0) {
				snprintf(err, errlen, "--pcap-filter '%s': %s",
				    x, terr);
				goto fail;
			}
			if (to >= 0 && to < from) {
				snprintf(err, errlen, "--pcap-filter '%s': the "
				    "window ends before it starts", x);
				goto fail;
			}
			if (from > f->from)
				f->from = from;
			if (to >= 0 && (f->to < 0 || to < f->to))
				f->to = to;
			continue;
		}
		if (!tuple_to_bpf(x, part, sizeof(part))) {
			if (capture_filter_check(x, terr, sizeof(terr)) != 0) {
				snprintf(err, errlen, "--pcap-filter: %s (a "
				    "filter is 'time FROM..TO', 'A:P B:Q' or a "
				    "pcap-filter(7) expression)", terr);
				goto fail;
			}
			snprintf(part, sizeof(part), "(%s)", x);
		}
		{
			size_t pl = strlen(part);
			char *grown = realloc(out, len + pl + 6);

			if (grown == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			out = grown;
			if (len > 0) {
				memcpy(out + len, " and ", 5);
				len += 5;
			}
			memcpy(out + len, part, pl + 1);
			len += pl;
		}
	}
	*bpf = out;
	f->bpf = out;
	return 0;
fail:
	free(out);
	return -1;
}

/* The directory for captures exists (made when missing): 0, or -1. */
static int
pcap_dir_make(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0777) == 0)
		return 0;
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(err, errlen, "--pcap %.1024s: %s", dir, errno == EEXIST ?
	    "not a directory" : strerror(errno));
	return -1;
}

/* ---- --trace -------------------------------------------------------------- */

#define TRACE_RANGE_MAX	100000

/*
 * One --trace value, ID or FIRST-LAST, appended to *ids (grown as
 * needed): 0, or -1 when it is neither or the range is empty or larger
 * than TRACE_RANGE_MAX.
 */
static int
trace_parse(const char *s, uint64_t **ids, size_t *n, size_t *cap)
{
	unsigned long long first, last;
	uint64_t *v, id;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	first = strtoull(s, &end, 10);
	last = first;
	if (errno == 0 && *end == '-' && end[1] >= '0' && end[1] <= '9')
		last = strtoull(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || first == 0 || last < first ||
	    last - first >= TRACE_RANGE_MAX)
		return -1;
	for (id = first; id <= last; id++) {
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			if ((v = realloc(*ids, *cap * sizeof(*v))) == NULL)
				return -1;
			*ids = v;
		}
		(*ids)[(*n)++] = id;
	}
	return 0;
}

/* ---- progress ------------------------------------------------------------ */

/*
 * The bar shows, for each run in progress, its simulated time against its
 * duration, and an ETA from simulated-time progress: the simulated
 * seconds still to go over the rate at which simulated time has been
 * advancing lately.  A rate averaged since the start said "0:01" while an
 * exhausted run crawled; a recent one follows the slowdown.  With -j N the
 * workers publish their simulated time in a shared array (run_sim).
 */
#define PROGRESS_SHOWN	3	/* runs in progress listed by name */
#define PROGRESS_TAU	3.0	/* s: memory of the recent rate */

struct progress {
	int		enabled;
	size_t		nruns;
	size_t		done;
	double		total_sim;	/* sum of run durations */
	double		done_sim;	/* of finished runs */
	double		t0;
	uint64_t	events;		/* of finished runs */
	uint64_t	cur_events;	/* of the run in progress (-j 1) */
	double		last_draw;
	/* Simulated time reached per run, -1 when not running (shared). */
	double		*run_sim;
	const struct scenario_run *const *runs;	/* run_sim's runs */
	/* The recent rate of simulated seconds per wall second. */
	double		rate;
	double		rate_t, rate_sim;
};

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
fmt_duration(char *buf, size_t len, double s)
{
	long t = s < 0 || !isfinite(s) ? 0 : (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* Simulated seconds done so far: finished runs plus those in progress. */
static double
progress_sim(const struct progress *pg)
{
	double sim = pg->done_sim;
	size_t i;

	for (i = 0; i < pg->nruns; i++)
		if (pg->run_sim[i] > 0)
			sim += pg->run_sim[i];
	return sim;
}

/*
 * The recent rate: an exponentially weighted mean of simulated seconds
 * per wall second, forgetting with time constant PROGRESS_TAU.
 */
static void
progress_rate(struct progress *pg, double now, double sim)
{
	double dt = now - pg->rate_t, w;

	if (dt < 0.05)
		return;
	w = 1 - exp(-dt / PROGRESS_TAU);
	if (pg->rate_t == pg->t0 && pg->rate == 0)
		w = 1;
	pg->rate += w * ((sim - pg->rate_sim) / dt - pg->rate);
	pg->rate_t = now;
	pg->rate_sim = sim;
}

static void
progress_draw(struct progress *pg, int force)
{
	double now = mono_now(), el = now - pg->t0, frac, eta, evs, sim;
	char etab[32];
	int width = 20, fill, i, shown;
	size_t r;

	if (!pg->enabled || (!force && now - pg->last_draw < 0.1))
		return;
	pg->last_draw = now;
	sim = progress_sim(pg);
	progress_rate(pg, now, sim);
	frac = pg->total_sim > 0 ? sim / pg->total_sim : 0;
	if (frac > 1)
		frac = 1;
	eta = pg->rate > 0 ? (pg->total_sim - sim) / pg->rate : NAN;
	evs = el > 0 ? (double)(pg->events + pg->cur_events) / el : 0;
	fill = (int)(frac * width + 0.5);
	fmt_duration(etab, sizeof(etab), eta);
	fputs("\r[", stderr);
	for (i = 0; i < width; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %zu/%zu runs ", pg->done, pg->nruns);
	for (r = 0, shown = 0; r < pg->nruns; r++) {
		if (pg->run_sim[r] < 0)
			continue;
		if (shown++ == PROGRESS_SHOWN) {
			fputs(" ...", stderr);
			break;
		}
		fprintf(stderr, " #%zu %.0f/%.0fs", pg->runs[r]->index,
		    pg->run_sim[r], sim_time_to_sec(pg->runs[r]->duration));
	}
	fprintf(stderr, "  %.2fM ev/s  ETA %s \033[K", evs / 1e6,
	    isfinite(eta) ? etab : "?");
	fflush(stderr);
}

static void
progress_run(void *ctx, const struct runner_progress *p)
{
	struct progress *pg = ctx;

	pg->run_sim[pg->done] = p->sim_seconds;
	pg->cur_events = p->events;
	progress_draw(pg, 0);
}

static void
progress_finish_run(struct progress *pg, size_t run, double duration,
    uint64_t events)
{
	pg->done++;
	pg->done_sim += duration;
	pg->events += events;
	if (pg->run_sim != NULL)
		pg->run_sim[run] = -1;
	pg->cur_events = 0;
	progress_draw(pg, 1);
}

/* ---- the tally ------------------------------------------------------------ */

struct tally {
	size_t		complete, failed, interrupted;
	size_t		present;	/* skipped: identity already recorded */
	size_t		raced;		/* ... by another writer meanwhile */
	size_t		replaced;
	int64_t		first_id, last_id;
	uint64_t	events, connections;
	double		sim_seconds;
};

static void
tally_add(struct tally *t, const struct runner_result *r)
{
	if (r->status == RUNNER_COMPLETE)
		t->complete++;
	else if (r->status == RUNNER_FAILED)
		t->failed++;
	else
		t->interrupted++;
	t->events += r->events;
	t->connections += r->connections;
	t->sim_seconds += r->sim_seconds;
	/*
	 * Not recorded: another process recorded the same run while this
	 * one simulated it (two `twsim run` of one scenario on one file),
	 * and the record kept is that one, as for a run found present
	 * before it started; or an interrupted --replace kept the complete
	 * record it did not replace (counted as interrupted above).
	 */
	if (r->action == RESULTS_SKIPPED) {
		if (r->status == RUNNER_COMPLETE)
			t->raced++;
		return;
	}
	if (r->action == RESULTS_REPLACED)
		t->replaced++;
	if (t->first_id == 0 || r->run_id < t->first_id)
		t->first_id = r->run_id;
	if (r->run_id > t->last_id)
		t->last_id = r->run_id;
}

/* "run 3 (rate=20/s, repetition 1)": how messages name a run. */
static void
run_name(const struct scenario_run *r, char *buf, size_t len)
{
	snprintf(buf, len, "run %zu (%s%srepetition %u)", r->index, r->label,
	    r->label[0] != '\0' ? ", " : "", r->repetition);
}

/* ---- -j N: worker processes ------------------------------------------------ */

/* Exit codes of a worker: how its run ended. */
#define WORKER_COMPLETE		0
#define WORKER_FAILED		1
#define WORKER_INTERRUPTED	3
#define WORKER_ERROR		4	/* could not even record the run */

struct worker_watch {
	pid_t			 parent;
	volatile sig_atomic_t	*stop;
	double			*sim;	/* the parent's bar: NULL, or our slot */
};

/*
 * Between slices of the simulation: a worker whose parent is gone stops
 * (its run could never be merged).  PR_SET_PDEATHSIG normally kills it
 * first; this covers systems without it.  The worker also publishes its
 * simulated time for the parent's progress bar.
 */
static void
worker_progress(void *ctx, const struct runner_progress *p)
{
	struct worker_watch *w = ctx;

	if (w->sim != NULL)
		*w->sim = p->sim_seconds;
	if (getppid() != w->parent)
		*w->stop = 1;
}

static int
worker_main(const struct scenario_run *run, const char *tmp_path,
    const char *path, const struct runner_opts *base, pid_t parent,
    double *sim_slot)
{
	struct results *db;
	struct runner_result res;
	struct runner_opts o = *base;
	struct worker_watch watch;
	char err[1024], name[512], stem[64];

#ifdef __linux__
	/* End with the parent: a part file nobody merges is of no use. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	/* The parent may have died before that took effect. */
	if (getppid() != parent)
		return WORKER_ERROR;
	watch.parent = parent;
	watch.stop = base->stop_flag;
	watch.sim = sim_slot;
	o.progress = worker_progress;
	o.progress_ctx = &watch;
	if (o.pcap_dir != NULL) {
		runner_pcap_stem(stem, sizeof(stem), (long)parent,
		    run->index);
		o.pcap_stem = stem;
	}
	/* The trace goes to a file the parent prints in run-list order. */
	if (o.ntrace > 0) {
		char tpath[4096];

		snprintf(tpath, sizeof(tpath), "%s.trace", path);
		o.trace_out = fopen(tpath, "w");
		if (o.trace_out == NULL) {
			fprintf(stderr, "twsim run: %s: %s\n", tpath,
			    strerror(errno));
			return WORKER_ERROR;
		}
	}
	run_name(run, name, sizeof(name));
	/* A part file per run: RESULTS_ONE_RUN (results.h). */
	if (results_open(tmp_path, RESULTS_RW_PART | RESULTS_ONE_RUN, &db, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "twsim run: %s\n", err);
		return WORKER_ERROR;
	}
	if (runner_run(run, db, &o, &res, err, sizeof(err)) != 0) {
		fprintf(stderr, "twsim run: %s: %s\n", name, err);
		results_close(db);
		if (o.trace_out != NULL)
			fclose(o.trace_out);
		return WORKER_ERROR;
	}
	results_close(db);
	if (o.trace_out != NULL && fclose(o.trace_out) != 0) {
		fprintf(stderr, "twsim run: trace: %s\n", strerror(errno));
		return WORKER_ERROR;
	}
	/* Only a part file with its run recorded bears the final name. */
	if (rename(tmp_path, path) != 0) {
		fprintf(stderr, "twsim run: %s: %s\n", path, strerror(errno));
		return WORKER_ERROR;
	}
	if (res.status == RUNNER_FAILED)
		fprintf(stderr, "twsim run: %s failed: %s\n", name, err);
	return res.status == RUNNER_COMPLETE ? WORKER_COMPLETE :
	    res.status == RUNNER_FAILED ? WORKER_FAILED : WORKER_INTERRUPTED;
}

/* Events of the run a merge just added (runs.events), for the summary. */
static uint64_t
run_events(struct results *db, int64_t id)
{
	sqlite3_stmt *st = NULL;
	uint64_t events = 0;

	if (sqlite3_prepare_v2(results_sqlite(db), "SELECT events FROM runs "
	    "WHERE run_id = ?1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		events = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return events;
}

/* A worker's trace file, printed to stdout and removed. */
static void
trace_part_print(const char *dbpart)
{
	char path[4096], buf[8192];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s.trace", dbpart);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	fflush(stdout);
	unlink(path);
}

/*
 * Puts worker `pid` (0: the calling worker itself) into the workers'
 * process group, or makes it the leader of a new one when there is none.
 * Parent and child both call it, so the group is set before either goes
 * on, whichever runs first.
 */
static void
join_worker_group(pid_t pid, int in_parent)
{
	pid_t pgid = (pid_t)run_worker_pgid;

	if (pgid > 0 && setpgid(pid, pgid) == 0)
		return;
	(void)setpgid(pid, pid);
	if (in_parent)
		run_worker_pgid = pid;
}

static int
run_parallel(const struct scenario_run *const *runs, size_t n,
    struct results *db, const char *dbpath, int jobs,
    const struct runner_opts *opts, struct progress *pg, struct tally *t)
{
	size_t next = 0, merged = 0, i;
	pid_t *pids = calloc(n, sizeof(*pids));
	/* 0 todo, 1 running, 2 done, 3 done and its part file kept */
	int *state = calloc(n, sizeof(*state));
	int *code = calloc(n, sizeof(*code));
	char **paths = calloc(n, sizeof(*paths));
	char **tmps = calloc(n, sizeof(*tmps));
	pid_t parent = getpid();
	int running = 0, rc = 0, mrc;

	if (pids == NULL || state == NULL || code == NULL || paths == NULL ||
	    tmps == NULL) {
		fprintf(stderr, "twsim run: out of memory\n");
		rc = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(dbpath) + 64;

		paths[i] = malloc(len);
		tmps[i] = malloc(len);
		if (paths[i] == NULL || tmps[i] == NULL) {
			rc = -1;
			goto out;
		}
		/* results.h: FILE.part-PID-I, FILE.part-PID-I.tmp. */
		snprintf(paths[i], len, "%s.part-%ld-%zu", dbpath,
		    (long)parent, runs[i]->index);
		snprintf(tmps[i], len, "%s.tmp", paths[i]);
	}
	while (merged < n) {
		/* Start runs while there is room (and no stop request). */
		while (running < jobs && next < n && !run_stop_requested) {
			pid_t pid;

			results_remove_files(paths[next]);
			results_remove_files(tmps[next]);
			fflush(NULL);
			pid = fork();
			if (pid < 0) {
				fprintf(stderr, "twsim run: fork: %s\n",
				    strerror(errno));
				break;
			}
			if (pid == 0) {
				join_worker_group(0, 0);
				/* The handler is the parent's business. */
				run_worker_pgid = 0;
				_exit(worker_main(runs[next], tmps[next],
				    paths[next], opts, parent, pg->enabled ?
				    &pg->run_sim[next] : NULL));
			}
			join_worker_group(pid, 1);
			pids[next] = pid;
			state[next] = 1;
			running++;
			next++;
		}
		if (running == 0) {
			if (next < n)	/* stopped before starting the rest */
				break;
		} else {
			int status;
			pid_t pid = waitpid(-1, &status,
			    pg->enabled ? WNOHANG : 0);

			if (pid == 0) {
				/* Runs going on: redraw the bar now and then. */
				struct timespec nap = { 0, 100000000 };

				progress_draw(pg, 0);
				nanosleep(&nap, NULL);
				continue;
			}
			if (pid < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			for (i = 0; i < n; i++)
				if (state[i] == 1 && pids[i] == pid)
					break;
			if (i == n)
				continue;
			state[i] = 2;
			if (--running == 0)
				run_worker_pgid = 0;	/* the group is gone */
			code[i] = WIFEXITED(status) ? WEXITSTATUS(status) :
			    WORKER_ERROR;
		}
		/* Merge finished runs in run-list order. */
		while (merged < n && state[merged] == 2) {
			const struct scenario_run *r = runs[merged];
			struct results_merge_stats ms;
			struct runner_result res;
			char err[1024];

			memset(&res, 0, sizeof(res));
			if (code[merged] == WORKER_ERROR) {
				rc = -1;
			} else if ((mrc = results_merge(db, paths[merged],
			    opts->replace ? RESULTS_REPLACE : 0, &ms, err,
			    sizeof(err))) != 0) {
				fprintf(stderr, "twsim run: %s\n", err);
				rc = -1;
				/*
				 * A recorded run that could not be merged now
				 * (the file stayed locked): its part file is
				 * kept for the next writer to merge
				 * (results.h).
				 */
				if (mrc != RESULTS_EFOREIGN &&
				    mrc != RESULTS_EVERSION &&
				    mrc != RESULTS_EDAMAGED &&
				    mrc != RESULTS_ENOENT) {
					state[merged] = 3;
					fprintf(stderr, "twsim run: kept %s: the "
					    "next twsim run on %s merges it\n",
					    paths[merged], dbpath);
				}
			} else {
				res.status = code[merged] == WORKER_COMPLETE ?
				    RUNNER_COMPLETE :
				    code[merged] == WORKER_FAILED ?
				    RUNNER_FAILED : RUNNER_INTERRUPTED;
				res.sim_seconds = sim_time_to_sec(r->duration);
				res.action = ms.added ? RESULTS_ADDED :
				    ms.replaced ? RESULTS_REPLACED :
				    RESULTS_SKIPPED;
				res.run_id = ms.last_run_id;
				res.events = run_events(db, res.run_id);
				tally_add(t, &res);
				if (opts->pcap_dir != NULL) {
					char stem[64];

					runner_pcap_stem(stem, sizeof(stem),
					    (long)parent, r->index);
					runner_pcap_finish(opts, r, stem,
					    res.run_id, ms.added || ms.replaced);
				}
			}
			if (opts->ntrace > 0)
				trace_part_print(paths[merged]);
			if (state[merged] != 3)
				results_remove_files(paths[merged]);
			results_remove_files(tmps[merged]);
			progress_finish_run(pg, merged,
			    sim_time_to_sec(r->duration), res.events);
			merged++;
		}
		if (merged < n && state[merged] == 0 && running == 0 &&
		    run_stop_requested)
			break;
	}
out:
	for (i = 0; i < n; i++) {
		if (paths != NULL && paths[i] != NULL) {
			if (state != NULL && state[i] != 0 && state[i] != 3)
				results_remove_files(paths[i]);
			free(paths[i]);
		}
		if (tmps != NULL && tmps[i] != NULL) {
			if (state != NULL && state[i] != 0)
				results_remove_files(tmps[i]);
			free(tmps[i]);
		}
	}
	free(paths);
	free(tmps);
	free(pids);
	free(state);
	free(code);
	return rc;
}

/* ---- which runs to do ------------------------------------------------------ */

/*
 * --repeat-more N: at every sweep point, N repetitions after the highest
 * one the database holds for that point's parameters (results.h: the
 * parameter digest), with their own derived seeds.  The runs copy the
 * point's first run (whose arrays they share) with a new repetition,
 * seed and index.
 */
static struct scenario_run *
more_repetitions(struct scenario *sc, struct results *db,
    const struct runner_opts *opts, unsigned more, size_t *nout, char *err,
    size_t errlen)
{
	size_t npoints = scenario_npoints(sc), repeat = scenario_repeat(sc);
	struct scenario_run *runs;
	struct results_identity id;
	int64_t maxrep;
	size_t p, k, n = 0;

	*nout = 0;
	if ((runs = calloc(npoints * more + 1, sizeof(*runs))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (p = 0; p < npoints; p++) {
		const struct scenario_run *proto = scenario_run_at(sc,
		    p * repeat);

		if (runner_identity(proto, opts, &id) != 0) {
			snprintf(err, errlen, "out of memory");
			free(runs);
			return NULL;
		}
		if (results_max_repetition(db, id.param_digest, &maxrep) !=
		    RESULTS_OK) {
			snprintf(err, errlen, "%s", results_errmsg(db));
			free(runs);
			return NULL;
		}
		for (k = 0; k < more; k++) {
			runs[n] = *proto;
			runs[n].index = n;
			runs[n].repetition = (unsigned)(maxrep + 1 +
			    (int64_t)k);
			runs[n].seed = scenario_repetition_seed(
			    proto->master_seed, runs[n].repetition);
			n++;
		}
	}
	*nout = n;
	return runs;
}

/* ---- the command ------------------------------------------------------------ */

/* Long options without a short form. */
enum {
	OPT_PCAP = 256,
	OPT_PCAP_FILTER,
	OPT_PCAP_SNAPLEN,
	OPT_TRACE
};

int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "set", required_argument, NULL, 'S' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "replace", no_argument, NULL, 'R' },
		{ "repeat-more", required_argument, NULL, 'M' },
		{ "runs", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "pcap", required_argument, NULL, OPT_PCAP },
		{ "pcap-filter", required_argument, NULL, OPT_PCAP_FILTER },
		{ "pcap-snaplen", required_argument, NULL, OPT_PCAP_SNAPLEN },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ NULL, 0, NULL, 0 }
	};
	const char *dbpath = "results.db", *runs_spec = NULL, *pcap_dir = NULL;
	const char **sets = NULL, **pfilters = NULL;
	char *pcap_bpf = NULL, pcap_default[4096];
	struct capture_filter pfilter;
	int nsets = 0, npfilters = 0, jobs = 1, quiet = 0, replace = 0, ch;
	int open_mode;
	int exitcode = 0, snaplen = 0;
	uint64_t *trace_ids = NULL;
	size_t ntrace = 0, trace_cap = 0;
	unsigned long more = 0;
	uint64_t seed = 0;
	struct scenario *sc = NULL;
	struct scenario_run *extra = NULL;
	const struct scenario_run **todo = NULL;
	unsigned char *slice = NULL;
	struct results *db = NULL;
	struct runner_opts opts;
	struct results_identity id;
	struct progress pg;
	struct tally t;
	struct sigaction sa, old_int, old_term;
	char err[2048], name[512], status[32], *end;
	double t0;
	size_t i, n = 0, nlist;
	int64_t present_id;

	memset(&pg, 0, sizeof(pg));	/* `done` reads pg.run_sim */
	optind = 1;
	opterr = 0;
	sets = calloc((size_t)argc + 1, sizeof(*sets));
	pfilters = calloc((size_t)argc + 1, sizeof(*pfilters));
	if (sets == NULL || pfilters == NULL) {
		free(sets);
		free(pfilters);
		free(trace_ids);
		return 2;
	}
	while ((ch = getopt_long(argc, argv, ":o:s:S:j:r:qh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
			dbpath = optarg;
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] == '-' ||
			    optarg[0] == '\0') {
				fprintf(stderr, "twsim run: --seed wants a "
				    "non-negative integer, not '%s'\n", optarg);
				goto usage_error;
			}
			break;
		case 'S':
			if (strchr(optarg, '=') == NULL) {
				fprintf(stderr, "twsim run: --set wants "
				    "KEY=VALUE, not '%s'\n", optarg);
				goto usage_error;
			}
			sets[nsets++] = optarg;
			break;
		case 'j':
			errno = 0;
			jobs = (int)strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || jobs < 1 ||
			    jobs > 1024) {
				fprintf(stderr, "twsim run: --jobs wants a "
				    "number from 1 to 1024, not '%s'\n",
				    optarg);
				goto usage_error;
			}
			break;
		case 'R':
			replace = 1;
			break;
		case 'M':
			errno = 0;
			more = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] == '-' ||
			    more < 1 || more > 100000) {
				fprintf(stderr, "twsim run: --repeat-more "
				    "wants a number from 1 to 100000, not "
				    "'%s'\n", optarg);
				goto usage_error;
			}
			break;
		case 'r':
			runs_spec = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_PCAP:
			pcap_dir = optarg;
			break;
		case OPT_TRACE:
			if (trace_parse(optarg, &trace_ids, &ntrace,
			    &trace_cap) != 0) {
				fprintf(stderr, "twsim run: --trace wants a "
				    "connection id (conn_id, 1 or more) or a "
				    "range FIRST-LAST of at most %d, not '%s'\n",
				    TRACE_RANGE_MAX, optarg);
				goto usage_error;
			}
			break;
		case OPT_PCAP_FILTER:
			pfilters[npfilters++] = optarg;
			break;
		case OPT_PCAP_SNAPLEN:
			errno = 0;
			snaplen = (int)strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || snaplen < 40 ||
			    snaplen > CAPTURE_SNAPLEN_MAX) {
				fprintf(stderr, "twsim run: --pcap-snaplen "
				    "wants a number of bytes from 40 to %d, "
				    "not '%s'\n", CAPTURE_SNAPLEN_MAX, optarg);
				goto usage_error;
			}
			break;
		case 'h':
			run_usage(stdout);
			free(sets);
			free(pfilters);
			free(trace_ids);
			return 0;
		case ':':
			fprintf(stderr, "twsim run: option '%s' needs a "
			    "value\n", argv[optind - 1]);
			goto usage_error;
		default:
			fprintf(stderr, "twsim run: unknown option '%s'\n",
			    argv[optind - 1]);
			goto usage_error;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, optind >= argc ?
		    "twsim run: which scenario? (twsim run SCENARIO)\n" :
		    "twsim run: one scenario at a time\n");
		goto usage_error;
	}
	if (replace && more > 0) {
		fprintf(stderr, "twsim run: --replace and --repeat-more do not "
		    "go together (the repetitions --repeat-more adds are "
		    "new)\n");
		goto usage_error;
	}
	if (runs_spec != NULL && more > 0) {
		fprintf(stderr, "twsim run: --runs and --repeat-more do not go "
		    "together (--runs picks runs of the scenario's own run "
		    "list)\n");
		goto usage_error;
	}

	if (pcap_filter_build(pfilters, npfilters, &pfilter, &pcap_bpf, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "twsim run: %s\n", err);
		goto usage_error;
	}

	/* Load and validate everything before touching the database. */
	if (scenario_load(argv[optind], sets, nsets, seed, &sc, err,
	    sizeof(err)) != 0 ||
	    runner_check_scenario(sc, err, sizeof(err)) != 0) {
		fprintf(stderr, "twsim run: %s\n", err);
		scenario_free(sc);
		free(sets);
		free(pfilters);
		free(trace_ids);
		free(pcap_bpf);
		return 2;
	}
	/*
	 * --runs: a slice of the run list.  Each run keeps its index, seed
	 * and so its identity (results.h): run alone, it gives the rows it
	 * gives inside the whole sweep, and `twsim merge` of the slices
	 * equals one run of the whole.
	 */
	if (runs_spec != NULL) {
		if ((slice = calloc(scenario_nruns(sc) + 1, 1)) == NULL ||
		    runlist_parse(runs_spec, scenario_nruns(sc), slice, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "twsim run: --runs: %s\n", slice ==
			    NULL ? "out of memory" : err);
			free(slice);
			scenario_free(sc);
			free(sets);
			free(pfilters);
			free(pcap_bpf);
			return 2;
		}
	}
	memset(&opts, 0, sizeof(opts));
	if (scenario_nruns(sc) > 0) {
		const struct scenario_run *r0 = scenario_run_at(sc, 0);
		size_t h;
		int marked = 0;

		for (h = 0; h < r0->nhosts; h++)
			marked |= r0->hosts[h].pcap;
		/*
		 * --pcap captures every host unless the scenario picks some
		 * (pcap = yes); those alone are captured, beside the database
		 * unless --pcap says where.
		 */
		if (pcap_dir == NULL && marked) {
			size_t l = strlen(dbpath);

			if (l > 3 && strcmp(dbpath + l - 3, ".db") == 0)
				l -= 3;
			snprintf(pcap_default, sizeof(pcap_default),
			    "%.*s-pcap", (int)l, dbpath);
			pcap_dir = pcap_default;
		}
		opts.pcap_all = !marked;
	}
	opts.pcap_dir = pcap_dir;
	opts.pcap_snaplen = snaplen;
	opts.pcap_filter = &pfilter;
	opts.trace_out = ntrace > 0 ? stdout : NULL;
	opts.trace_ids = trace_ids;
	opts.ntrace = ntrace;
	/* One run to write: a new file needs no WAL (RESULTS_ONE_RUN). */
	open_mode = RESULTS_RW_CREATE;
	if (more == 0 && (slice != NULL ? runlist_count(slice,
	    scenario_nruns(sc), 1) : scenario_nruns(sc)) == 1)
		open_mode |= RESULTS_ONE_RUN;
	if ((pcap_dir != NULL &&
	    pcap_dir_make(pcap_dir, err, sizeof(err)) != 0) ||
	    results_open(dbpath, open_mode, &db, err, sizeof(err)) != 0) {
		fprintf(stderr, "twsim run: %s\n", err);
		scenario_free(sc);
		free(sets);
		free(pfilters);
		free(trace_ids);
		free(pcap_bpf);
		return 2;
	}

	opts.scenario = scenario_name(sc);
	opts.version = PACKAGE_VERSION;
	opts.stop_flag = &run_stop_requested;
	opts.replace = replace;
	/*
	 * A stop request ends a wait for another writer too; the run whose
	 * recording waited is then lost (the runs recorded before are kept).
	 */
	results_set_stop_flag(db, &run_stop_requested);
	memset(&t, 0, sizeof(t));

	/*
	 * The run list: the scenario's, or the further repetitions; minus
	 * the runs whose identity the database holds complete (results.h),
	 * unless --replace.  Runs present but failed or interrupted are
	 * done again.
	 */
	if (more > 0) {
		extra = more_repetitions(sc, db, &opts, (unsigned)more, &nlist,
		    err, sizeof(err));
		if (extra == NULL) {
			fprintf(stderr, "twsim run: %s\n", err);
			exitcode = 2;
			goto done;
		}
	} else
		nlist = scenario_nruns(sc);
	if ((todo = calloc(nlist + 1, sizeof(*todo))) == NULL) {
		fprintf(stderr, "twsim run: out of memory\n");
		exitcode = 2;
		goto done;
	}
	for (i = n = 0; i < nlist; i++) {
		const struct scenario_run *r = extra != NULL ? &extra[i] :
		    scenario_run_at(sc, i);

		if (slice != NULL && !slice[i])
			continue;
		if (runner_identity(r, &opts, &id) != 0) {
			fprintf(stderr, "twsim run: out of memory\n");
			exitcode = 2;
			goto done;
		}
		if (results_find(db, id.identity, &present_id, status,
		    sizeof(status)) != RESULTS_OK) {
			fprintf(stderr, "twsim run: %s\n", results_errmsg(db));
			exitcode = 2;
			goto done;
		}
		if (present_id != 0 && !replace &&
		    strcmp(status, RESULTS_STATUS_COMPLETE) == 0) {
			t.present++;
			continue;
		}
		todo[n++] = r;
	}
	if (slice != NULL)
		nlist = runlist_count(slice, nlist, 1);
	if (!quiet && t.present > 0)
		printf("%zu of %zu runs already in %s (same scenario, "
		    "parameters and seed): not run again (--replace reruns "
		    "them, --repeat-more N adds repetitions)\n", t.present,
		    nlist, dbpath);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	run_stop_requested = 0;
	run_worker_pgid = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	memset(&pg, 0, sizeof(pg));
	pg.enabled = !quiet && isatty(STDERR_FILENO) && n > 0;
	pg.nruns = n;
	pg.runs = todo;
	pg.t0 = t0 = mono_now();
	pg.rate_t = pg.t0;
	/*
	 * Shared with the -j N workers, which write their run's slot.
	 * Without it the bar only lacks the workers' simulated time.
	 */
	pg.run_sim = mmap(NULL, (n > 0 ? n : 1) * sizeof(*pg.run_sim),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pg.run_sim == MAP_FAILED) {
		pg.run_sim = NULL;
		pg.enabled = 0;
	}
	for (i = 0; pg.run_sim != NULL && i < n; i++)
		pg.run_sim[i] = -1;
	for (i = 0; i < n; i++)
		pg.total_sim += sim_time_to_sec(todo[i]->duration);
	opts.progress = pg.enabled ? progress_run : NULL;
	opts.progress_ctx = &pg;

	if (jobs > 1 && n > 1) {
		if (run_parallel(todo, n, db, dbpath, jobs, &opts, &pg,
		    &t) != 0)
			exitcode = 1;
	} else {
		for (i = 0; i < n && !run_stop_requested; i++) {
			struct runner_result res;

			run_name(todo[i], name, sizeof(name));
			if (runner_run(todo[i], db, &opts, &res, err,
			    sizeof(err)) != 0) {
				if (pg.enabled)
					fputc('\n', stderr);
				fprintf(stderr, "twsim run: %s: %s\n", name,
				    err);
				exitcode = 1;
				break;
			}
			if (res.status == RUNNER_FAILED) {
				if (pg.enabled)
					fputc('\n', stderr);
				fprintf(stderr, "twsim run: %s failed: %s\n",
				    name, err);
			}
			tally_add(&t, &res);
			progress_finish_run(&pg, i, res.sim_seconds,
			    res.events);
		}
	}
	if (pg.enabled)
		fputc('\n', stderr);
	if (t.failed > 0 || t.interrupted > 0 ||
	    t.complete + t.failed + t.interrupted < n)
		exitcode = 1;
	if (!quiet) {
		double wall = mono_now() - t0;
		size_t done = t.complete + t.failed + t.interrupted;

		if (n == 0)
			printf("nothing to run: all %zu runs are in %s\n",
			    nlist, dbpath);
		else {
			printf("%zu of %zu runs complete", t.complete, n);
			if (t.failed)
				printf(", %zu failed", t.failed);
			if (t.interrupted)
				printf(", %zu interrupted", t.interrupted);
			if (done < n)
				printf(", %zu not started", n - done);
			printf(" in %.1f s wall (%.0f simulated s", wall,
			    t.sim_seconds);
			if (t.events > 0 && wall > 0)
				printf(", %.2fM events/s", (double)t.events /
				    wall / 1e6);
			printf(")\n");
		}
		if (t.replaced > 0)
			printf("%zu runs replaced their earlier records\n",
			    t.replaced);
		if (t.raced > 0)
			printf("%zu runs were recorded by another process "
			    "meanwhile: its records are kept\n", t.raced);
		if (t.first_id > 0)
			printf("results: %s (run_id %" PRId64 "..%" PRId64
			    ")\n", dbpath, t.first_id, t.last_id);
		if (t.first_id > 0 && pcap_dir != NULL)
			printf("captures: %s/run<ID>-<HOST>.pcap\n", pcap_dir);
		if (run_stop_requested)
			printf("interrupted: earlier runs are kept; the "
			    "current ones are marked interrupted\n");
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
done:
	if (pg.run_sim != NULL)
		munmap(pg.run_sim, (n > 0 ? n : 1) * sizeof(*pg.run_sim));
	results_close(db);
	free(todo);
	free(extra);
	free(slice);
	scenario_free(sc);
	free(sets);
	free(pfilters);
	free(trace_ids);
	free(pcap_bpf);
	return exitcode;

usage_error:
	fprintf(stderr, "(try 'twsim run --help')\n");
	free(sets);
	free(pfilters);
	free(trace_ids);
	return 2;
}
