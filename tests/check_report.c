/*
 * check_report.c -- analysis/report.c and the report/plot commands, on a
 * database written through the real results writer (analysis/results.h),
 * so the tests run against the real schema.
 *
 * The fixture: scenario "web" swept over rate=20/s and rate=40/s, three
 * replications each, plus one failed and one interrupted run at 20/s that
 * must be skipped; scenario "solo" with a single run that records its
 * connections.  Hosts: client (connects), server (enters TIME_WAIT), idle
 * (does nothing, must not be reported).  Expected values are worked out by
 * hand in the comments.
 */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "analysis/commands.h"
#include "analysis/plot.h"
#include "analysis/report.h"
#include "analysis/results.h"

/* t(0.975, 2) and t(0.975, 1). */
#define T2	4.302652729749464
#define T1	12.706204736174707

static char dir[64];
static char dbpath[128];

struct client_vals {
	int64_t	attempted, established, addrnotavail, recycled, syndrop;
	int64_t	hazards, cap;
	double	first_eaddr, p50;
};

static void
ok(int rc, struct results *r)
{

	ck_assert_msg(rc == RESULTS_OK, "results: %s",
	    r != NULL ? results_errmsg(r) : "");
}

/* Connection i of client -> server: starts at i, connects after lat,
   the client closes at i + 0.5 s. */
static void
put_ok_conn(struct results *r, int64_t id, int i, double lat)
{
	struct results_conn c;

	memset(&c, 0, sizeof(c));
	c.conn_id = i + 1;
	c.workload = "web";
	c.client = "client";
	c.lport = 10000 + i;
	c.server = "server";
	c.t_start = i;
	c.t_established = i + lat;
	c.t_end = i + 0.5;
	c.outcome = RESULTS_OUTCOME_OK;
	c.syn_sent = 1;
	ok(results_connection(r, id, &c), r);
}

static int64_t
write_run(struct results *r, const char *scenario, const char *sweep,
    int rep, const char *rate, const struct client_vals *cv,
    const int64_t tw[4], const char *status, int connections)
{
	struct results_kv kv[] = {
		{ "run.duration", "10s" },
		{ "run.sample", "1s" },
		{ "host.client.portrange", "10000-10999" },
		{ "host.client.msl", "30s" },
		{ "host.client.maxtcptw", "0" },
		{ "host.server.portrange", "10000-65535" },
		{ "host.server.msl", "30s" },
		{ "host.idle.msl", "30s" },
		{ "workload.web.rate", rate },
	};
	/* A failed or interrupted run is one of its own (another seed), not
	 * an earlier attempt of a complete one, which it would replace. */
	struct results_run run = { scenario, sweep, rep, 1000 + (uint64_t)rep +
	    (strcmp(status, RESULTS_STATUS_COMPLETE) != 0 ? 100 : 0), "test",
	    0, sizeof(kv) / sizeof(kv[0]), kv };
	struct results_sample s;
	struct results_host h;
	struct results_conn c;
	int64_t id;
	int i;

	ok(results_run_begin(r, &run, &id), r);

	for (i = 0; i < 4; i++) {
		memset(&s, 0, sizeof(s));
		s.t = i + 1;
		s.host = "client";
		s.tw_count = tw[i];
		s.tw_cap = cv->cap;
		s.tw_cap_effective = cv->cap;
		s.conn_attempted = cv->attempted * (i + 1) / 4;
		ok(results_sample(r, id, &s), r);
		memset(&s, 0, sizeof(s));
		s.t = i + 1;
		s.host = "server";
		s.tw_count = 1;
		s.tw_cap = 8000;
		s.tw_cap_effective = 8000;
		ok(results_sample(r, id, &s), r);
		s.host = "idle";
		s.tw_count = 0;
		ok(results_sample(r, id, &s), r);
	}
	if (connections) {
		/* Latencies 1, 2, 3, 4 ms: p50 2.5 ms, p99 3.97 ms, max 4. */
		for (i = 0; i < 4; i++)
			put_ok_conn(r, id, i, 0.001 * (i + 1));
		/* Never established: no latency. */
		memset(&c, 0, sizeof(c));
		c.conn_id = 5;
		c.workload = "web";
		c.client = "client";
		c.server = "server";
		c.t_start = 5;
		c.t_established = NAN;
		c.t_end = 5;
		c.outcome = RESULTS_OUTCOME_ADDRNOTAVAIL;
		ok(results_connection(r, id, &c), r);
	}

	memset(&h, 0, sizeof(h));
	h.host = "client";
	h.conn_attempted = cv->attempted;
	h.conn_established = cv->established;
	h.conn_failed_addrnotavail = cv->addrnotavail;
	h.tw_entered = cv->established;
	h.tw_recycled = cv->recycled;
	h.tw_peak = cv->cap;
	h.tw_cap = cv->cap;
	h.tw_cap_effective = cv->cap;
	h.syn_dropped_tw = cv->syndrop;
	h.hazards = cv->hazards;
	h.first_addrnotavail_s = cv->first_eaddr;
	h.connect_p50_s = cv->p50;
	h.connect_p99_s = 2 * cv->p50;
	h.connect_max_s = 3 * cv->p50;
	ok(results_host_stats(r, id, &h), r);
	memset(&h, 0, sizeof(h));
	h.host = "server";
	h.tw_entered = cv->established;
	h.tw_expired = cv->established;
	h.tw_peak = 1;
	h.tw_cap = 8000;
	h.tw_cap_effective = 8000;
	h.first_addrnotavail_s = NAN;
	h.connect_p50_s = h.connect_p99_s = h.connect_max_s = NAN;
	ok(results_host_stats(r, id, &h), r);
	memset(&h, 0, sizeof(h));
	h.host = "idle";
	h.tw_cap = 8000;
	h.tw_cap_effective = 8000;
	h.first_addrnotavail_s = NAN;
	h.connect_p50_s = h.connect_p99_s = h.connect_max_s = NAN;
	ok(results_host_stats(r, id, &h), r);
	ok(results_run_end(r, id, status, 10.0, 0.1, 1000, 0, NULL, &id), r);
	return (id);
}

/* Run ids, fixed by the order below. */
#define RUN_A0		1
#define RUN_A1		2
#define RUN_FAILED	3
#define RUN_A2		4
#define RUN_INTR	5
#define RUN_B0		6
#define RUN_SOLO	9

static void
make_db(void)
{
	/* Point A: cap 500 < 1000 ports, so the zone cap binds. */
	static const struct client_vals a[3] = {
		{ 100, 90, 10, 50, 1, 0, 500, 12.0, 0.1 },
		{ 110, 100, 10, 60, 2, 1, 500, NAN, 0.2 },
		{ 120, 110, 10, 70, 3, 2, 500, 14.0, 0.3 },
	};
	/* Point B: cap 4000 > 1000 ports, so the port range binds. */
	static const struct client_vals b[3] = {
		{ 200, 200, 0, 0, 0, 0, 4000, NAN, 0.1 },
		{ 210, 210, 0, 0, 0, 0, 4000, NAN, 0.1 },
		{ 220, 220, 0, 0, 0, 0, 4000, NAN, 0.1 },
	};
	static const struct client_vals bad = {
		99999, 99999, 99999, 99999, 99999, 99999, 500, 0.5, 9.0
	};
	static const int64_t twa[4] = { 0, 500, 500, 250 };
	static const int64_t twb[4] = { 100, 200, 300, 400 };
	const char *C = RESULTS_STATUS_COMPLETE;
	char err[512];
	struct results *r;

	strcpy(dir, "/tmp/check_report.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/results.db", dir);
	ck_assert_msg(results_open(dbpath, RESULTS_RW_CREATE, &r, err,
	    sizeof(err)) == RESULTS_OK, "%s", err);
	ck_assert_int_eq(write_run(r, "web", "rate=20/s", 0, "20/s", &a[0],
	    twa, C, 0), RUN_A0);
	ck_assert_int_eq(write_run(r, "web", "rate=20/s", 1, "20/s", &a[1],
	    twa, C, 0), RUN_A1);
	ck_assert_int_eq(write_run(r, "web", "rate=20/s", 2, "20/s", &bad,
	    twa, RESULTS_STATUS_FAILED, 0), RUN_FAILED);
	ck_assert_int_eq(write_run(r, "web", "rate=20/s", 2, "20/s", &a[2],
	    twa, C, 0), RUN_A2);
	ck_assert_int_eq(write_run(r, "web", "rate=20/s", 3, "20/s", &bad,
	    twa, RESULTS_STATUS_INTERRUPTED, 0), RUN_INTR);
	ck_assert_int_eq(write_run(r, "web", "rate=40/s", 0, "40/s", &b[0],
	    twb, C, 0), RUN_B0);
	write_run(r, "web", "rate=40/s", 1, "40/s", &b[1], twb, C, 0);
	write_run(r, "web", "rate=40/s", 2, "40/s", &b[2], twb, C, 0);
	ck_assert_int_eq(write_run(r, "solo", "", 0, "5/s", &a[0], twa, C,
	    1), RUN_SOLO);
	results_close(r);
}

static void
remove_db(void)
{
	char p[160];

	/* CHECK_REPORT_KEEP=1 keeps the database (and charts) to look at. */
	if (getenv("CHECK_REPORT_KEEP") != NULL) {
		fprintf(stderr, "check_report: kept %s\n", dbpath);
		return;
	}
	/* WAL side files may or may not exist. */
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s/foreign.db", dir);
	unlink(p);
	rmdir(dir);
}

static struct results *
open_ro(void)
{
	struct results *r;
	char err[512];

	ck_assert_msg(results_open(dbpath, RESULTS_READONLY, &r, err,
	    sizeof(err)) == RESULTS_OK, "%s", err);
	return (r);
}

static struct report *
build(int64_t run_id, const char *scenario, int expect_rc)
{
	struct report_filter f = { run_id, scenario, NULL };
	struct results *r;
	struct report *rep;
	char err[512];
	int rc;

	r = open_ro();
	err[0] = '\0';
	rc = report_build(results_sqlite(r), &f, &rep, err, sizeof(err));
	results_close(r);
	ck_assert_msg(rc == expect_rc, "report_build: %d (%s)", rc, err);
	return (rep);
}

static const struct report_point *
point(const struct report *rep, const char *scenario, const char *sweep)
{
	size_t i;

	for (i = 0; i < rep->npoints; i++)
		if (strcmp(rep->points[i].scenario, scenario) == 0 &&
		    strcmp(rep->points[i].sweep, sweep) == 0)
			return (&rep->points[i]);
	ck_abort_msg("no point %s %s", scenario, sweep);
	return (NULL);
}

static const struct report_host *
host(const struct report_point *pt, const char *name)
{
	size_t i;

	for (i = 0; i < pt->nhosts; i++)
		if (strcmp(pt->hosts[i].host, name) == 0)
			return (&pt->hosts[i]);
	return (NULL);
}

/* ---- report_build ---------------------------------------------------------- */

START_TEST(test_points_group_complete_runs_and_count_skipped)
{
	const struct report_point *a;
	struct report *rep;

	rep = build(0, NULL, REPORT_OK);
	ck_assert_uint_eq(rep->npoints, 3);
	ck_assert_uint_eq(rep->nfailed, 1);
	ck_assert_uint_eq(rep->ninterrupted, 1);
	/* In order of their first run. */
	ck_assert_str_eq(rep->points[0].sweep, "rate=20/s");
	ck_assert_str_eq(rep->points[1].sweep, "rate=40/s");
	ck_assert_str_eq(rep->points[2].scenario, "solo");
	a = &rep->points[0];
	ck_assert_uint_eq(a->nruns, 3);
	ck_assert_int_eq(a->run_ids[0], RUN_A0);
	ck_assert_int_eq(a->run_ids[1], RUN_A1);
	ck_assert_int_eq(a->run_ids[2], RUN_A2);
	ck_assert_uint_eq(a->nfailed, 1);
	ck_assert_uint_eq(a->ninterrupted, 1);
	ck_assert_uint_eq(rep->points[1].nfailed, 0);
	ck_assert_double_eq_tol(a->duration_s, 10.0, 1e-12);
	report_free(rep);
}
END_TEST

START_TEST(test_only_active_hosts_are_reported)
{
	const struct report_point *a;
	struct report *rep;

	rep = build(0, NULL, REPORT_OK);
	a = point(rep, "web", "rate=20/s");
	ck_assert_uint_eq(a->nhosts, 2);
	ck_assert_str_eq(a->hosts[0].host, "client");
	ck_assert_str_eq(a->hosts[1].host, "server");
	ck_assert_ptr_null(host(a, "idle"));
	report_free(rep);
}
END_TEST

START_TEST(test_mean_and_ci_over_replications)
{
	const struct report_host *c;
	struct report *rep;
	double half;

	rep = build(0, "web", REPORT_OK);
	c = host(point(rep, "web", "rate=20/s"), "client");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->nruns, 3);
	/* 100, 110, 120: mean 110, sd 10, half = t(2) * 10 / sqrt(3). */
	half = T2 * 10.0 / sqrt(3.0);
	ck_assert_uint_eq(c->m[REPORT_CONN_ATTEMPTED].n, 3);
	ck_assert_double_eq_tol(c->m[REPORT_CONN_ATTEMPTED].mean, 110, 1e-9);
	ck_assert_double_eq_tol(c->m[REPORT_CONN_ATTEMPTED].low, 110 - half,
	    1e-9);
	ck_assert_double_eq_tol(c->m[REPORT_CONN_ATTEMPTED].high, 110 + half,
	    1e-9);
	/* The failed run's 99999 would show here. */
	ck_assert_double_eq_tol(c->m[REPORT_CONN_ESTABLISHED].mean, 100, 1e-9);
	/* Identical values: an interval of zero width, not NAN. */
	ck_assert_double_eq_tol(c->m[REPORT_FAILED_ADDRNOTAVAIL].low, 10,
	    1e-9);
	ck_assert_double_eq_tol(c->m[REPORT_FAILED_ADDRNOTAVAIL].high, 10,
	    1e-9);
	ck_assert_double_eq_tol(c->m[REPORT_FAILED_TIMEOUT].mean, 0, 1e-12);
	ck_assert_double_eq_tol(c->m[REPORT_SYN_DROPPED_TW].mean, 2, 1e-12);
	ck_assert_double_eq_tol(c->m[REPORT_HAZARDS].mean, 1, 1e-12);
	ck_assert_double_eq_tol(c->m[REPORT_TW_PEAK].mean, 500, 1e-12);
	ck_assert_double_eq_tol(c->m[REPORT_TW_CAP].mean, 500, 1e-12);
	/* 50, 60, 70 recycled over 10 s. */
	ck_assert_double_eq_tol(c->m[REPORT_RECYCLE_RATE].mean, 6, 1e-12);
	/* 90, 100, 110 established over 10 s. */
	ck_assert_double_eq_tol(c->m[REPORT_CONN_RATE].mean, 10, 1e-12);
	/* Latency from host_stats (no connection records): 0.1..0.3. */
	ck_assert_int_eq(c->latency_from_connections, 0);
	ck_assert_double_eq_tol(c->m[REPORT_CONNECT_P50].mean, 0.2, 1e-12);
	ck_assert_double_eq_tol(c->m[REPORT_CONNECT_MAX].mean, 0.6, 1e-12);
	report_free(rep);
}
END_TEST

START_TEST(test_first_addrnotavail_only_over_runs_where_it_happened)
{
	const struct report_host *c;
	struct report *rep;

	rep = build(0, NULL, REPORT_OK);
	c = host(point(rep, "web", "rate=20/s"), "client");
	/* 12 s and 14 s in two of three runs: t(1) * sqrt(2) / sqrt(2). */
	ck_assert_uint_eq(c->m[REPORT_FIRST_ADDRNOTAVAIL].n, 2);
	ck_assert_double_eq_tol(c->m[REPORT_FIRST_ADDRNOTAVAIL].mean, 13,
	    1e-12);
	ck_assert_double_eq_tol(c->m[REPORT_FIRST_ADDRNOTAVAIL].half, T1,
	    1e-9);
	c = host(point(rep, "web", "rate=40/s"), "client");
	ck_assert_uint_eq(c->m[REPORT_FIRST_ADDRNOTAVAIL].n, 0);
	ck_assert(isnan(c->m[REPORT_FIRST_ADDRNOTAVAIL].mean));
	report_free(rep);
}
END_TEST

START_TEST(test_tw_mean_and_share_at_cap_from_samples)
{
	const struct report_host *c;
	struct report *rep;

	rep = build(0, NULL, REPORT_OK);
	/* 0, 500, 500, 250 with cap 500: mean 312.5, at cap 2 of 4. */
	c = host(point(rep, "web", "rate=20/s"), "client");
	ck_assert_double_eq_tol(c->m[REPORT_TW_MEAN].mean, 312.5, 1e-9);
	ck_assert_double_eq_tol(c->m[REPORT_AT_CAP_SHARE].mean, 0.5, 1e-12);
	/* 100..400 under cap 4000: mean 250, never at cap. */
	c = host(point(rep, "web", "rate=40/s"), "client");
	ck_assert_double_eq_tol(c->m[REPORT_TW_MEAN].mean, 250, 1e-9);
	ck_assert_double_eq_tol(c->m[REPORT_AT_CAP_SHARE].mean, 0, 1e-12);
	report_free(rep);
}
END_TEST

START_TEST(test_limits_predict_rates_and_name_the_binding_one)
{
	const struct report_host *c;
	struct report *rep;

	rep = build(0, NULL, REPORT_OK);
	/* L = 2 * 30 s + 0.25 s; 1000 ports per local address. */
	c = host(point(rep, "web", "rate=20/s"), "client");
	ck_assert_double_eq_tol(c->tw_lifetime_s, 60.25, 1e-12);
	ck_assert_double_eq_tol(c->usable_ports, 1000, 1e-12);
	ck_assert_double_eq_tol(c->m[REPORT_LIMIT_PORTS].mean, 1000 / 60.25,
	    1e-9);
	ck_assert_double_eq_tol(c->m[REPORT_LIMIT_CAP].mean, 500 / 60.25,
	    1e-9);
	ck_assert_int_eq(c->binding, REPORT_BINDS_CAP);
	c = host(point(rep, "web", "rate=40/s"), "client");
	ck_assert_double_eq_tol(c->m[REPORT_LIMIT_CAP].mean, 4000 / 60.25,
	    1e-9);
	ck_assert_int_eq(c->binding, REPORT_BINDS_PORTS);
	/* The server's range is 10000-65535: 55536 ports, cap 8000. */
	c = host(point(rep, "web", "rate=40/s"), "server");
	ck_assert_double_eq_tol(c->usable_ports, 55536, 1e-12);
	ck_assert_int_eq(c->binding, REPORT_BINDS_CAP);
	report_free(rep);
}
END_TEST

START_TEST(test_single_replication_has_no_interval)
{
	const struct report_host *c;
	struct report *rep;

	rep = build(0, "solo", REPORT_OK);
	ck_assert_uint_eq(rep->npoints, 1);
	c = host(&rep->points[0], "client");
	ck_assert_uint_eq(c->m[REPORT_CONN_ATTEMPTED].n, 1);
	ck_assert_double_eq(c->m[REPORT_CONN_ATTEMPTED].mean, 100);
	ck_assert(isnan(c->m[REPORT_CONN_ATTEMPTED].low));
	ck_assert(isnan(c->m[REPORT_CONN_ATTEMPTED].high));
	report_free(rep);
}
END_TEST

START_TEST(test_latency_prefers_connection_records)
{
	const struct report_host *c;
	struct report *rep;

	rep = build(RUN_SOLO, NULL, REPORT_OK);
	c = host(&rep->points[0], "client");
	/* Records say 1..4 ms; host_stats says 0.1 s: records win. */
	ck_assert_int_eq(c->latency_from_connections, 1);
	ck_assert_double_eq_tol(c->m[REPORT_CONNECT_P50].mean, 0.0025, 1e-12);
	ck_assert_double_eq_tol(c->m[REPORT_CONNECT_P99].mean, 0.00397,
	    1e-12);
	ck_assert_double_eq_tol(c->m[REPORT_CONNECT_MAX].mean, 0.004, 1e-12);
	report_free(rep);
}
END_TEST

START_TEST(test_run_filter_selects_one_run)
{
	const struct report_host *c;
	struct report *rep;

	rep = build(RUN_A1, NULL, REPORT_OK);
	ck_assert_uint_eq(rep->npoints, 1);
	ck_assert_uint_eq(rep->points[0].nruns, 1);
	ck_assert_int_eq(rep->points[0].run_ids[0], RUN_A1);
	c = host(&rep->points[0], "client");
	ck_assert_double_eq(c->m[REPORT_CONN_ATTEMPTED].mean, 110);
	report_free(rep);
	/* A failed run asked for by id: reported as skipped. */
	rep = build(RUN_FAILED, NULL, REPORT_OK);
	ck_assert_uint_eq(rep->points[0].nruns, 0);
	ck_assert_uint_eq(rep->points[0].nfailed, 1);
	ck_assert_uint_eq(rep->points[0].nhosts, 0);
	report_free(rep);
}
END_TEST

START_TEST(test_scenario_filter_and_unknown_names)
{
	struct report_filter f = { 0, "nope", NULL };
	struct results *r;
	struct report *rep;
	char err[512];

	rep = build(0, "web", REPORT_OK);
	ck_assert_uint_eq(rep->npoints, 2);
	report_free(rep);

	r = open_ro();
	ck_assert_int_eq(report_build(results_sqlite(r), &f, &rep, err,
	    sizeof(err)), REPORT_ENOMATCH);
	ck_assert_ptr_null(rep);
	ck_assert_ptr_nonnull(strstr(err, "solo, web"));
	f.scenario = NULL;
	f.run_id = 999;
	ck_assert_int_eq(report_build(results_sqlite(r), &f, &rep, err,
	    sizeof(err)), REPORT_ENOMATCH);
	ck_assert_ptr_nonnull(strstr(err, "no run 999"));
	ck_assert_ptr_nonnull(strstr(err, "runs 1 to 9"));
	results_close(r);
}
END_TEST

/*
 * A database of its own for one test (the shared one stays as the other
 * tests expect): private_begin() creates DIR/NAME and starts `run` in it;
 * private_report() ends the run (complete, sim_s simulated seconds),
 * builds the report of `scenario` from it and removes the file.
 */
static struct results *
private_begin(const char *name, const struct results_run *run, int64_t *id)
{
	struct results *r;
	char path[160], err[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	ck_assert_msg(results_open(path, RESULTS_RW_CREATE, &r, err,
	    sizeof(err)) == RESULTS_OK, "%s", err);
	ok(results_run_begin(r, run, id), r);
	return (r);
}

/* The same, running `edit` (SQL; NULL: none) on the file before the
 * report, which opens it as twsim report does. */
static struct report *
private_report_edited(struct results *r, int64_t id, double sim_s,
    const char *name, const char *scenario, const char *edit)
{
	struct report_filter f = { 0, scenario, NULL };
	struct report *rep;
	char path[160], err[512];
	sqlite3 *db;

	ok(results_run_end(r, id, RESULTS_STATUS_COMPLETE, sim_s, 0.1, 10, 0,
	    NULL, &id), r);
	results_close(r);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (edit != NULL) {
		ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(db, edit, NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(db);
	}
	ck_assert_msg(results_open_reader(path, REPORT_TABLES, &r, err,
	    sizeof(err)) == RESULTS_OK, "%s", err);
	ck_assert_int_eq(report_build(results_sqlite(r), &f, &rep, err,
	    sizeof(err)), REPORT_OK);
	results_close(r);
	unlink(path);
	return (rep);
}

static struct report *
private_report(struct results *r, int64_t id, double sim_s,
    const char *name, const char *scenario)
{
	return (private_report_edited(r, id, sim_s, name, scenario, NULL));
}

/* --host keeps one host; a host that did nothing there is an error. */
START_TEST(test_host_filter_keeps_one_host)
{
	struct report_filter f = { 0, "web", "server" };
	struct results *r;
	struct report *rep;
	char err[512];

	r = open_ro();
	ck_assert_int_eq(report_build(results_sqlite(r), &f, &rep, err,
	    sizeof(err)), REPORT_OK);
	ck_assert_uint_eq(rep->npoints, 2);
	ck_assert_uint_eq(rep->points[0].nhosts, 1);
	ck_assert_str_eq(rep->points[0].hosts[0].host, "server");
	ck_assert_uint_eq(rep->points[1].nhosts, 1);
	report_free(rep);
	f.host = "idle";
	ck_assert_int_eq(report_build(results_sqlite(r), &f, &rep, err,
	    sizeof(err)), REPORT_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no host 'idle'"));
	f.host = "nope";
	ck_assert_int_eq(report_build(results_sqlite(r), &f, &rep, err,
	    sizeof(err)), REPORT_EINVAL);
	results_close(r);
}
END_TEST

/*
 * A client in steady state: 600 entries in TIME_WAIT, entering at 10/s,
 * over 150 s (Little's law wants the second half to start after a full
 * lifetime: 75 s >= 60.25 s); its connections last 0.5 s each (5 established at a time:
 * 5 / 10/s = 0.5 s by Little's law); 1000 ports (10000-10999),
 * msl 30 s (L = 60.25 s).  Little's law over the second half: 600 / 10 =
 * 60 s.  Advice: ports = ceil(10 x (0.5 + 60.25)) = 608, one address;
 * cap = floor(1000 - 10 x 0.5) = 995, lasting 995 / 10 = 99.5 s.
 */
START_TEST(test_tw_outcomes_lifetime_and_advice)
{
	static const struct results_kv kv[] = {
		{ "run.duration", "150s" },
		{ "host.client.portrange", "10000-10999" },
		{ "host.client.msl", "30s" },
	};
	struct results_run run = { "steady", "", 0, 7, "test", 0,
	    sizeof(kv) / sizeof(kv[0]), kv };
	struct results_sample s;
	struct results_host h;
	const struct report_host *rh;
	struct results *r;
	struct report *rep;
	int64_t id;
	int i;

	r = private_begin("steady.db", &run, &id);
	for (i = 1; i <= 150; i++) {
		memset(&s, 0, sizeof(s));
		s.t = i;
		s.host = "client";
		s.tw_count = i < 10 ? 60 * i : 600;
		s.tw_cap = 100000;
		s.tw_entered = 10 * i;
		s.conn_attempted = 10 * i;
		s.established = 5;	/* 10/s x 0.5 s */
		/*
		 * Ports held outside TIME_WAIT: the 5 established and 10
		 * more in FIN_WAIT_2 (a peer 1 s slow to close): 1.5 s a
		 * connection, by Little's law.
		 */
		s.ports_in_use = s.tw_count + 5 + 10;
		ok(results_sample(r, id, &s), r);
	}
	for (i = 0; i < 4; i++)
		put_ok_conn(r, id, i, 0.001);
	memset(&h, 0, sizeof(h));
	h.host = "client";
	h.conn_attempted = 1500;
	h.conn_established = 1500;
	h.tw_entered = 1500;
	h.tw_expired = 11;
	h.tw_recycled = 12;
	h.tw_reopened = 13;
	h.tw_skipped_local = 14;
	h.tw_skipped_nomem = 15;
	h.rst_ignored_tw = 16;
	h.acks_sent_tw = 17;
	h.tw_peak = 600;
	h.tw_cap = 100000;
	h.first_addrnotavail_s = NAN;
	h.connect_p50_s = h.connect_p99_s = h.connect_max_s = NAN;
	ok(results_host_stats(r, id, &h), r);
	rep = private_report(r, id, 150.0, "steady.db", "steady");
	rh = host(&rep->points[0], "client");
	ck_assert_ptr_nonnull(rh);
	ck_assert_double_eq(rh->m[REPORT_TW_ENTERED].mean, 1500);
	ck_assert_double_eq(rh->m[REPORT_TW_EXPIRED].mean, 11);
	ck_assert_double_eq(rh->m[REPORT_TW_RECYCLED].mean, 12);
	ck_assert_double_eq(rh->m[REPORT_TW_REOPENED].mean, 13);
	ck_assert_double_eq(rh->m[REPORT_TW_SKIPPED_LOCAL].mean, 14);
	ck_assert_double_eq(rh->m[REPORT_TW_SKIPPED_NOMEM].mean, 15);
	ck_assert_double_eq(rh->m[REPORT_RST_IGNORED_TW].mean, 16);
	ck_assert_double_eq(rh->m[REPORT_ACKS_SENT_TW].mean, 17);
	ck_assert_double_eq_tol(rh->m[REPORT_TW_LIFETIME].mean, 60.0, 1e-9);
	ck_assert_double_eq_tol(rh->tw_lifetime_s, 60.25, 1e-12);
	ck_assert_double_eq_tol(rh->hold_s, 1.5, 1e-12);
	ck_assert_double_eq(rh->ports_needed, 618);	/* 10 x 61.75 */
	ck_assert_double_eq(rh->addrs_needed, 1);
	ck_assert_double_eq(rh->cap_safe, 985);
	ck_assert_double_eq_tol(rh->tw_life_at_cap_s, 98.5, 1e-9);
	report_free(rep);
}
END_TEST

/*
 * [at] changes move the limits: maxtcptw 100 -> 500 at 10 s (the samples
 * show the cap), msl 30 s -> 10 s at 15 s; TIME_WAIT entered at 10/s all
 * along.  Periods: 0-10 s cap 100, L 60.25; 10-15 s cap 500, L 60.25;
 * 15-20 s cap 500, L 20.25.  Another host's change is not a boundary.
 */
START_TEST(test_limits_follow_at_changes)
{
	static const struct results_kv kv[] = {
		{ "run.duration", "20s" },
		{ "host.client.portrange", "10000-10999" },
		{ "host.client.msl", "30s" },
		{ "at.10s.client.maxtcptw", "500" },
		{ "at.15s.client.msl", "10s" },
		{ "at.5s.other.msl", "1s" },
	};
	struct results_run run = { "atchg", "", 0, 9, "test", 0,
	    sizeof(kv) / sizeof(kv[0]), kv };
	struct results_sample s;
	struct results_host h;
	const struct report_host *rh;
	const struct report_period *p;
	struct results *r;
	struct report *rep;
	int64_t id;
	int i;

	r = private_begin("atchg.db", &run, &id);
	for (i = 1; i <= 20; i++) {
		memset(&s, 0, sizeof(s));
		s.t = i;
		s.host = "client";
		s.tw_count = 50;
		s.tw_cap = i < 10 ? 100 : 500;
		s.tw_entered = 10 * i;
		s.conn_attempted = 12 * i;
		ok(results_sample(r, id, &s), r);
	}
	memset(&h, 0, sizeof(h));
	h.host = "client";
	h.conn_attempted = 240;
	h.conn_established = 200;
	h.tw_entered = 200;
	h.tw_cap = 500;
	h.first_addrnotavail_s = NAN;
	h.connect_p50_s = h.connect_p99_s = h.connect_max_s = NAN;
	ok(results_host_stats(r, id, &h), r);
	rep = private_report(r, id, 20.0, "atchg.db", "atchg");
	rh = host(&rep->points[0], "client");
	ck_assert_ptr_nonnull(rh);
	ck_assert_uint_eq(rh->nperiods, 3);
	/* 20 s: too short for Little's law (the zone never settles). */
	ck_assert_uint_eq(rh->m[REPORT_TW_LIFETIME].n, 0);
	p = rh->periods;
	ck_assert_double_eq(p[0].t0, 0);
	ck_assert_double_eq(p[0].t1, 10);
	ck_assert_double_eq(p[0].cap, 100);
	ck_assert_double_eq_tol(p[0].limit_cap, 100 / 60.25, 1e-12);
	ck_assert_double_eq_tol(p[0].tw_rate, 10, 1e-12);
	ck_assert_double_eq_tol(p[0].attempt_rate, 12, 1e-12);
	ck_assert_double_eq_tol(p[0].limit_ports, 1000 / 60.25, 1e-12);
	ck_assert_double_eq(p[1].t0, 10);
	ck_assert_double_eq(p[1].t1, 15);
	ck_assert_double_eq(p[1].cap, 500);
	ck_assert_double_eq_tol(p[1].life, 60.25, 1e-12);
	ck_assert_double_eq(p[2].t0, 15);
	ck_assert_double_eq(p[2].t1, 20);
	ck_assert_double_eq(p[2].cap, 500);
	ck_assert_double_eq_tol(p[2].life, 20.25, 1e-12);
	ck_assert_double_eq_tol(p[2].limit_cap, 500 / 20.25, 1e-12);
	ck_assert_double_eq_tol(p[2].tw_rate, 10, 1e-12);
	report_free(rep);
	/* The fixture's runs have no changes: no periods. */
	rep = build(RUN_A0, NULL, REPORT_OK);
	ck_assert_uint_eq(host(&rep->points[0], "client")->nperiods, 0);
	report_free(rep);
}
END_TEST

/*
 * The connect latency and TIME_WAIT lifetime of a run that recorded its
 * rows come from their aggregates (connection_stats, written at the end of
 * the run), whatever the run's size: the report reads no row, so rows
 * deleted afterwards change nothing, and a run of more connections than
 * any row limit still shows the exact quantiles, not host_stats' buckets.
 */
START_TEST(test_report_reads_connection_stats_not_rows)
{
	static const struct results_kv kv[] = {
		{ "run.duration", "10s" },
		{ "host.client.msl", "30s" },
	};
	struct results_run run = { "large", "", 0, 11, "test", 0,
	    sizeof(kv) / sizeof(kv[0]), kv };
	struct results_host h;
	struct results_conn c;
	const struct report_host *rh;
	struct results *r;
	struct report *rep;
	int64_t id;
	int i;

	r = private_begin("large.db", &run, &id);
	for (i = 0; i < 4; i++)
		put_ok_conn(r, id, i, 0.001 * (i + 1));
	/* Two TIME_WAITs on the client: 60 s and 61 s. */
	memset(&c, 0, sizeof(c));
	c.workload = "web";
	c.client = "client";
	c.server = "server";
	c.outcome = RESULTS_OUTCOME_OK;
	c.syn_sent = 1;
	c.tw_host = "client";
	c.tw_end = "expired";
	for (i = 0; i < 2; i++) {
		c.conn_id = 100 + i;
		c.t_start = i;
		c.t_established = i + 0.5;
		c.t_end = i + 1;
		c.t_tw_start = i + 1;
		c.t_tw_end = i + 61 + i;
		ok(results_connection(r, id, &c), r);
	}
	memset(&h, 0, sizeof(h));
	h.host = "client";
	h.conn_attempted = 100001;
	h.conn_established = 100001;
	h.tw_entered = 2;
	h.first_addrnotavail_s = NAN;
	h.connect_p50_s = 0.3;
	h.connect_p99_s = 0.6;
	h.connect_max_s = 0.9;
	ok(results_host_stats(r, id, &h), r);
	rep = private_report_edited(r, id, 10.0, "large.db", "large",
	    "DELETE FROM connections");
	rh = host(&rep->points[0], "client");
	ck_assert_int_eq(rh->latency_from_connections, 1);
	/* Latencies 0.001, 0.002, 0.003, 0.004, 0.5, 0.5 (the TIME_WAIT
	 * rows'): p50 between the 3rd and 4th, max 0.5. */
	ck_assert_double_eq_tol(rh->m[REPORT_CONNECT_P50].mean, 0.0035, 1e-12);
	ck_assert_double_eq(rh->m[REPORT_CONNECT_MAX].mean, 0.5);
	ck_assert_double_eq(rh->m[REPORT_TW_LIFE_MEAN].mean, 60.5);
	ck_assert_double_eq(rh->m[REPORT_TW_LIFE_P50].mean, 60.5);
	ck_assert_double_eq_tol(rh->m[REPORT_TW_LIFE_P99].mean, 60.99, 1e-9);
	report_free(rep);
}
END_TEST

START_TEST(test_param_values_lose_their_units)
{

	ck_assert_double_eq_tol(report_parse_seconds("30s"), 30, 1e-12);
	ck_assert_double_eq_tol(report_parse_seconds("250ms"), 0.25, 1e-12);
	ck_assert_double_eq_tol(report_parse_seconds("2min"), 120, 1e-12);
	ck_assert_double_eq_tol(report_parse_seconds("0"), 0, 1e-12);
	ck_assert(isnan(report_parse_seconds("30")));
	ck_assert(isnan(report_parse_seconds("30 parsecs")));
	ck_assert_double_eq(report_portrange_size("10000-10999"), 1000);
	/* PORT-1: reversed, the same 1000 ports. */
	ck_assert(report_portrange_size("10999-10000") == 1000);
	ck_assert(isnan(report_portrange_size("10000")));
	ck_assert_double_eq(report_param_number("20/s"), 20);
	ck_assert_double_eq(report_param_number("500ms"), 0.5);
	ck_assert_double_eq(report_param_number("49152-65535"), 16384);
	ck_assert_double_eq(report_param_number("5000"), 5000);
	ck_assert(isnan(report_param_number("poisson")));
	/* A host's canonical address list: addresses, ranges, blocks. */
	ck_assert_double_eq(report_address_count("10.0.0.2"), 1);
	ck_assert_double_eq(report_address_count("10.0.0.3, 10.0.0.4"), 2);
	ck_assert_double_eq(report_address_count("10.0.0.2-10.0.0.5, "
	    "10.0.1.0/28"), 4 + 14);
	ck_assert(isnan(report_address_count("")));
	ck_assert(isnan(report_address_count("10.0.0.2, web")));
}
END_TEST

/* ---- report_plot ----------------------------------------------------------- */

static struct plot *
mkplot_o(const struct report_plot_opts *po, int expect, char *err,
    size_t errlen)
{
	struct results *r;
	struct plot *p;
	int rc;

	r = open_ro();
	err[0] = '\0';
	rc = report_plot(results_sqlite(r), po, &p, err, errlen);
	results_close(r);
	ck_assert_msg(rc == expect, "report_plot: %d (%s)", rc, err);
	return (p);
}

static struct plot *
mkplot(const char *metric, int64_t run, const char *scenario,
    const char *h, const char *by, int expect, char *err, size_t errlen)
{
	struct report_plot_opts o = { metric, run, scenario, h, by, 0, 0 };
	struct results *r;
	struct plot *p;
	int rc;

	r = open_ro();
	err[0] = '\0';
	rc = report_plot(results_sqlite(r), &o, &p, err, errlen);
	results_close(r);
	ck_assert_msg(rc == expect, "report_plot: %d (%s)", rc, err);
	return (p);
}

static char *
plot_data(const struct plot *p)
{
	char *buf;
	size_t len;
	FILE *f;

	f = open_memstream(&buf, &len);
	ck_assert_int_eq(plot_write_data(p, f), PLOT_OK);
	fclose(f);
	return (buf);
}

static char *
plot_script(const struct plot *p)
{
	char *buf;
	size_t len;
	FILE *f;

	f = open_memstream(&buf, &len);
	ck_assert_int_eq(plot_write_script(p, PLOT_PNG, "d", "o.png", f),
	    PLOT_OK);
	fclose(f);
	return (buf);
}

START_TEST(test_time_series_one_line_per_run_and_host)
{
	struct plot *p;
	char err[1024], *d, *s;

	p = mkplot("tw_count", 0, "web", NULL, NULL, REPORT_OK, err,
	    sizeof(err));
	/* 6 complete runs x 2 active hosts; failed runs are left out. */
	ck_assert_uint_eq(plot_nseries(p), 12);
	ck_assert_uint_eq(plot_npoints(p, 0), 4);
	d = plot_data(p);
	ck_assert_ptr_nonnull(strstr(d,
	    "# index 0: rate=20/s client (3 runs)\n# x y\n"
	    "1 0\n2 500\n3 500\n4 250\n"));
	ck_assert_ptr_null(strstr(d, "run 3 "));
	ck_assert_ptr_null(strstr(d, "idle"));
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "set xlabel 'simulated time (s)'"));
	ck_assert_ptr_nonnull(strstr(s, "set ylabel 'TIME_WAIT entries'"));
	ck_assert_ptr_nonnull(strstr(s, "scenario web'"));
	free(d);
	free(s);
	plot_destroy(p);

	/* One host: its name need not be in every legend. */
	p = mkplot("ports_in_use", RUN_A1, NULL, "client", NULL, REPORT_OK,
	    err, sizeof(err));
	ck_assert_uint_eq(plot_nseries(p), 1);
	d = plot_data(p);
	ck_assert_ptr_nonnull(strstr(d, "# index 0: run 2 rate=20/s rep 1\n"));
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "set title 'ephemeral ports in use "
	    "over time, host client, scenario web'"));
	free(s);
	free(d);
	plot_destroy(p);
}
END_TEST

START_TEST(test_time_series_rejects_unknown_metric_and_host)
{
	char err[1024];

	mkplot("tw_countt", 0, NULL, NULL, NULL, REPORT_EINVAL, err,
	    sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "unknown metric 'tw_countt'"));
	ck_assert_ptr_nonnull(strstr(err, "tw_count, tw_cap, ports_in_use"));
	ck_assert_ptr_null(strstr(err, "run_id"));
	mkplot("tw_peak", 0, NULL, NULL, NULL, REPORT_EINVAL, err,
	    sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "--by PARAM"));
	mkplot("tw_count", 0, NULL, "nobody", NULL, REPORT_EINVAL, err,
	    sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "no host 'nobody'"));
	ck_assert_ptr_nonnull(strstr(err, "client, idle, server"));
}
END_TEST

/* The point of series 0 at x, read back from the data file. */
static void
sweep_point(const char *data, double x, double *y, double *lo, double *hi)
{
	const char *line;
	double px;

	for (line = data; line != NULL && *line != '\0';
	    line = strchr(line, '\n'), line = line != NULL ? line + 1 : NULL) {
		if (line[0] == '\n')
			break;		/* end of block 0 */
		if (sscanf(line, "%lf %lf %lf %lf", &px, y, lo, hi) == 4 &&
		    px == x)
			return;
	}
	ck_abort_msg("no point at x = %g", x);
}

START_TEST(test_sweep_plot_has_ci_bars_against_the_parameter)
{
	struct plot *p;
	char err[1024], *d, *s;
	double y, lo, hi, half;

	p = mkplot("conn_attempted", 0, "web", "client", "rate", REPORT_OK,
	    err, sizeof(err));
	ck_assert_uint_eq(plot_nseries(p), 1);
	ck_assert_uint_eq(plot_npoints(p, 0), 2);
	d = plot_data(p);
	half = T2 * 10.0 / sqrt(3.0);
	sweep_point(d, 20, &y, &lo, &hi);
	ck_assert_double_eq_tol(y, 110, 1e-9);
	ck_assert_double_eq_tol(lo, 110 - half, 1e-9);
	ck_assert_double_eq_tol(hi, 110 + half, 1e-9);
	sweep_point(d, 40, &y, &lo, &hi);
	ck_assert_double_eq_tol(y, 210, 1e-9);
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "set xlabel 'workload.web.rate (/s)'"));
	ck_assert_ptr_nonnull(strstr(s, "yerrorlines"));
	ck_assert_ptr_nonnull(strstr(s, "title 'client (3 runs per point)'"));
	free(d);
	free(s);
	plot_destroy(p);

	/* A samples column: its time-mean per run, then the CI. */
	p = mkplot("tw_count", 0, "web", "client", "workload.web.rate",
	    REPORT_OK, err, sizeof(err));
	d = plot_data(p);
	sweep_point(d, 20, &y, &lo, &hi);
	ck_assert_double_eq_tol(y, 312.5, 1e-9);
	ck_assert_double_eq_tol(lo, 312.5, 1e-9);
	free(d);
	plot_destroy(p);
}
END_TEST

START_TEST(test_sweep_plot_rejects_unknown_param_and_metric)
{
	char err[2048];

	mkplot("tw_peak", 0, "web", NULL, "ratez", REPORT_EINVAL, err,
	    sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "unknown parameter 'ratez'"));
	ck_assert_ptr_nonnull(strstr(err, "workload.web.rate"));
	mkplot("bogus", 0, "web", NULL, "rate", REPORT_EINVAL, err,
	    sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "unknown metric 'bogus'"));
	ck_assert_ptr_nonnull(strstr(err, "first_addrnotavail_s"));
	/* "msl" names three keys, none swept: ambiguous. */
	mkplot("tw_peak", 0, "web", NULL, "msl", REPORT_EINVAL, err,
	    sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "ambiguous"));
}
END_TEST

/*
 * C_rate: the per-second difference of cumulative counter C, from 0 at
 * t = 0; the chart carries the predicted limits of the hosts drawn
 * (ports / L once, as both points share it; cap / L per point).
 */
START_TEST(test_rate_metric_is_per_second_with_limit_lines)
{
	struct plot *p;
	char err[2048], *d, *s;

	p = mkplot("conn_attempted_rate", 0, "web", "client", NULL, REPORT_OK,
	    err, sizeof(err));
	ck_assert_uint_eq(plot_nseries(p), 6);
	d = plot_data(p);
	/* Run 1: 25, 50, 75, 100 at t = 1..4; run 2: 27, 55, 82, 110. */
	ck_assert_ptr_nonnull(strstr(d, "rep 0\n# x y\n1 25\n2 25\n3 25\n"
	    "4 25\n"));
	ck_assert_ptr_nonnull(strstr(d, "rep 1\n# x y\n1 27\n2 28\n3 27\n"
	    "4 28\n"));
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "set ylabel 'connections attempted "
	    "per second'"));
	ck_assert_uint_eq(plot_nhlines(p), 3);
	ck_assert_ptr_nonnull(strstr(s, "title 'client limit: 1000 ports / L "
	    "(60.25 s) = 16.6/s'"));
	ck_assert_ptr_nonnull(strstr(s, "title 'client limit: cap 500 / L "
	    "(60.25 s) = 8.299/s'"));
	ck_assert_ptr_nonnull(strstr(s, "title 'client limit: cap 4000 / L "
	    "(60.25 s) = 66.39/s'"));
	free(s);
	free(d);
	plot_destroy(p);

	/* A level, not a counter: no rate; the message lists the rates. */
	mkplot("tw_count_rate", 0, "web", NULL, NULL, REPORT_EINVAL, err,
	    sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "unknown metric 'tw_count_rate'"));
	ck_assert_ptr_nonnull(strstr(err, "per-second rates: conn_attempted_"
	    "rate, conn_established_rate"));
	ck_assert_ptr_nonnull(strstr(err, "tw_recycled_rate"));
	ck_assert_ptr_null(strstr(err, "tw_count_rate,"));
	mkplot("tw_peak_rate", 0, "web", NULL, NULL, REPORT_EINVAL, err,
	    sizeof(err));
	mkplot("_rate", 0, "web", NULL, NULL, REPORT_EINVAL, err,
	    sizeof(err));
}
END_TEST

/* Level charts carry the level that bounds them: the cap, the range. */
START_TEST(test_level_charts_carry_the_cap_and_the_port_range)
{
	struct plot *p;
	char err[1024], *s;

	p = mkplot("tw_count", 0, "web", "client", NULL, REPORT_OK, err,
	    sizeof(err));
	ck_assert_uint_eq(plot_nhlines(p), 2);
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "500 with lines lw 1.2 dt 2 lc rgb "
	    "'#a0a0a0' title 'client zone cap: 500 entries'"));
	ck_assert_ptr_nonnull(strstr(s, "title 'client zone cap: 4000 "
	    "entries'"));
	ck_assert_ptr_null(strstr(s, "port range"));
	free(s);
	plot_destroy(p);
	p = mkplot("ports_in_use", 0, "web", "client", NULL, REPORT_OK, err,
	    sizeof(err));
	ck_assert_uint_eq(plot_nhlines(p), 1);
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "1000 with lines lw 1.2 dt 2 lc rgb "
	    "'#404040' title 'client port range: 1000 ports per address'"));
	free(s);
	plot_destroy(p);
	/* Neither bounds the ESTABLISHED count. */
	p = mkplot("established", 0, "web", "client", NULL, REPORT_OK, err,
	    sizeof(err));
	ck_assert_uint_eq(plot_nhlines(p), 0);
	plot_destroy(p);
}
END_TEST

/* Every cumulative samples column has its rate; no level has one. */
START_TEST(test_rate_metric_names_follow_the_cumulative_columns)
{
	ck_assert(report_column_cumulative("tw_recycled"));
	ck_assert(report_column_cumulative("conn_attempted"));
	ck_assert(report_column_cumulative("tw_reused"));
	ck_assert(!report_column_cumulative("tw_count"));
	ck_assert(!report_column_cumulative("tw_cap"));
	ck_assert(!report_column_cumulative("ports_in_use"));
	ck_assert(!report_column_cumulative("established"));
	ck_assert(!report_column_cumulative("nonesuch"));
}
END_TEST

/*
 * Every column of the samples table the schema creates has a plot label,
 * which is also where it says whether it is cumulative: a column
 * results.c adds without one would plot under its bare name and, were it
 * a counter, without its _rate metric.
 */
START_TEST(test_every_samples_column_has_a_plot_label)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	const char *name;
	int n = 0;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT name FROM "
	    "pragma_table_info('samples') WHERE name NOT IN ('run_id', 't', "
	    "'host')", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		ck_assert_msg(strcmp(report_column_label(name), name) != 0,
		    "samples.%s has no plot label (report_plot.c columns[])",
		    name);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	ck_assert_int_gt(n, 20);
}
END_TEST

/*
 * --mean: one line per sweep point and host, the mean of its runs at
 * each sample time inside its 95% CI band.
 */
START_TEST(test_mean_across_repetitions_with_ci_band)
{
	struct report_plot_opts o = { "conn_attempted_rate", 0, "web",
	    "client", NULL, 1, 1 };
	struct plot *p;
	char err[1024], *d, *s;
	double y, lo, hi, v[3] = { 25, 27, 30 };
	double m = (25 + 27 + 30) / 3.0, sd, half;

	p = mkplot_o(&o, REPORT_OK, err, sizeof(err));
	ck_assert_uint_eq(plot_nseries(p), 2);
	ck_assert_uint_eq(plot_npoints(p, 0), 4);
	d = plot_data(p);
	ck_assert_ptr_nonnull(strstr(d, "# index 0: rate=20/s (mean of 3 "
	    "runs)\n# x y ylow yhigh\n"));
	sd = sqrt(((v[0] - m) * (v[0] - m) + (v[1] - m) * (v[1] - m) +
	    (v[2] - m) * (v[2] - m)) / 2);
	half = T2 * sd / sqrt(3.0);
	sweep_point(d, 1, &y, &lo, &hi);
	ck_assert_double_eq_tol(y, m, 1e-9);
	ck_assert_double_eq_tol(lo, m - half, 1e-9);
	ck_assert_double_eq_tol(hi, m + half, 1e-9);
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "filledcurves"));
	ck_assert_ptr_nonnull(strstr(s, "set yrange [0:*]"));
	ck_assert_ptr_nonnull(strstr(s, "set title 'mean of connections "
	    "attempted per second over time, host client, scenario web'"));
	free(s);
	free(d);
	plot_destroy(p);

	/* Two scenarios: the key names the scenario too; one run, no CI. */
	o.scenario = NULL;
	p = mkplot_o(&o, REPORT_OK, err, sizeof(err));
	ck_assert_uint_eq(plot_nseries(p), 3);
	d = plot_data(p);
	ck_assert_ptr_nonnull(strstr(d, "# index 0: web rate=20/s (mean of 3 "
	    "runs)\n"));
	ck_assert_ptr_nonnull(strstr(d, ": solo (n=1, no CI)\n"));
	free(d);
	plot_destroy(p);
	o.scenario = "solo";
	p = mkplot_o(&o, REPORT_OK, err, sizeof(err));
	d = plot_data(p);
	ck_assert_ptr_nonnull(strstr(d, "# index 0: n=1, no CI\n"));
	free(d);
	plot_destroy(p);
}
END_TEST

/* Twelve lines of four groups: the key names each group once. */
START_TEST(test_many_runs_get_a_compact_key)
{
	struct plot *p;
	char err[1024], *s, *q;
	int notitle = 0;

	p = mkplot("tw_count", 0, "web", NULL, NULL, REPORT_OK, err,
	    sizeof(err));
	ck_assert_uint_eq(plot_nseries(p), 12);
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "title 'rate=20/s client (3 runs)'"));
	ck_assert_ptr_nonnull(strstr(s, "title 'rate=40/s server (3 runs)'"));
	ck_assert_ptr_null(strstr(s, "title 'run "));
	for (q = s; (q = strstr(q, "notitle")) != NULL; q++)
		notitle++;
	ck_assert_int_eq(notitle, 8);
	free(s);
	plot_destroy(p);
	/* Six lines: each run keeps its own entry. */
	p = mkplot("tw_count", 0, "web", "client", NULL, REPORT_OK, err,
	    sizeof(err));
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "title 'run 1 rate=20/s rep 0'"));
	ck_assert_ptr_null(strstr(s, "notitle"));
	free(s);
	plot_destroy(p);
}
END_TEST

/* maxtcptw = 0 is the auto cap: the chart puts it at the cap chosen. */
START_TEST(test_sweep_plot_puts_the_auto_cap_at_its_value)
{
	struct plot *p;
	char err[1024], *d, *s;
	double y, lo, hi;

	p = mkplot("conn_attempted", 0, "web", "client", "maxtcptw",
	    REPORT_OK, err, sizeof(err));
	ck_assert_uint_eq(plot_npoints(p, 0), 2);
	d = plot_data(p);
	sweep_point(d, 500, &y, &lo, &hi);
	ck_assert_double_eq_tol(y, 110, 1e-9);
	sweep_point(d, 4000, &y, &lo, &hi);
	ck_assert_double_eq_tol(y, 210, 1e-9);
	s = plot_script(p);
	ck_assert_ptr_nonnull(strstr(s, "set xlabel 'host.client.maxtcptw; 0 "
	    "(auto) drawn at the value chosen'"));
	free(s);
	free(d);
	plot_destroy(p);
}
END_TEST

/* ---- the commands ---------------------------------------------------------- */

struct captured {
	int	 rc;
	char	*out;
	char	*err;
};

static char *
slurp(FILE *f)
{
	char *buf;
	long n;

	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	return (buf);
}

/* Runs a command with stdout and stderr captured. */
static struct captured
run_cmd(int (*fn)(int, char **), int argc, char **argv)
{
	struct captured c;
	FILE *o, *e;
	int so, se;

	o = tmpfile();
	e = tmpfile();
	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(e);
	fflush(stdout);
	fflush(stderr);
	so = dup(STDOUT_FILENO);
	se = dup(STDERR_FILENO);
	dup2(fileno(o), STDOUT_FILENO);
	dup2(fileno(e), STDERR_FILENO);
	c.rc = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, STDOUT_FILENO);
	dup2(se, STDERR_FILENO);
	close(so);
	close(se);
	c.out = slurp(o);
	c.err = slurp(e);
	fclose(o);
	fclose(e);
	return (c);
}

static void
captured_free(struct captured *c)
{

	free(c->out);
	free(c->err);
}

START_TEST(test_report_text_shows_ci_binding_limit_and_skips)
{
	char *argv[] = { "report", dbpath, NULL };
	struct captured c;

	c = run_cmd(cmd_report, 2, argv);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_nonnull(strstr(c.out,
	    "skipped 1 failed and 1 interrupted runs"));
	ck_assert_ptr_nonnull(strstr(c.out, "== scenario web, rate=20/s: 3 "
	    "complete runs (1 2 4); skipped 1 failed, 1 interrupted"));
	ck_assert_ptr_nonnull(strstr(c.out, "[85.159, 134.84]"));
	ck_assert_ptr_nonnull(strstr(c.out, "binding limit: ZONE CAP"));
	ck_assert_ptr_nonnull(strstr(c.out, "binding limit: PORT RANGE"));
	ck_assert_ptr_nonnull(strstr(c.out, "in 2 of 3 runs"));
	/* The solo scenario's single run. */
	ck_assert_ptr_nonnull(strstr(c.out, "n=1, no CI"));
	ck_assert_ptr_null(strstr(c.out, "idle"));
	captured_free(&c);
}
END_TEST

/* --host on the command line; the advice block of a client. */
START_TEST(test_report_text_host_and_advice)
{
	char *argv[] = { "report", dbpath, "--host", "client", NULL };
	char *bad[] = { "report", dbpath, "--host", "idle", NULL };
	struct captured c;

	c = run_cmd(cmd_report, 4, argv);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_nonnull(strstr(c.out, "host client"));
	ck_assert_ptr_null(strstr(c.out, "host server"));
	ck_assert_ptr_nonnull(strstr(c.out, "recycled early (TW-7)"));
	ck_assert_ptr_nonnull(strstr(c.out, "advice:"));
	ck_assert_ptr_nonnull(strstr(c.out, "to keep the full 2MSL:"));
	ck_assert_ptr_nonnull(strstr(c.out, "to avoid EADDRNOTAVAIL instead: "
	    "maxtcptw <= "));
	/* maxtcptw is the host's cap, over the ports of its one address. */
	ck_assert_ptr_nonnull(strstr(c.out, " on this host (1 address x 1000 "
	    "ports, less those held before TIME_WAIT)"));
	ck_assert_ptr_null(strstr(c.out, "per address;"));
	/* Point A's client saw 0, 1 and 2 hazards. */
	ck_assert_ptr_nonnull(strstr(c.out, "hazards seen: 1 old duplicates"));
	captured_free(&c);
	c = run_cmd(cmd_report, 4, bad);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.err, "no host 'idle'"));
	captured_free(&c);
}
END_TEST

START_TEST(test_report_csv_rows)
{
	char *argv[] = { "report", dbpath, "--scenario", "web", "--csv", NULL };
	struct captured c;

	c = run_cmd(cmd_report, 5, argv);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_eq(strstr(c.out, "scenario,sweep,host,metric,unit,n,"
	    "mean,ci_low,ci_high,note\r\n"), c.out);
	ck_assert_ptr_nonnull(strstr(c.out, "web,rate=20/s,client,"
	    "conn_attempted,connections,3,110,85.15"));
	ck_assert_ptr_nonnull(strstr(c.out, "web,rate=20/s,,runs_failed,runs,"
	    "5,1,,,skipped\r\n"));
	ck_assert_ptr_nonnull(strstr(c.out, "web,rate=20/s,client,"
	    "limit_cap_rate,/s,3,8.2987551867219"));
	ck_assert_ptr_nonnull(strstr(c.out, ",binds\r\n"));
	ck_assert_ptr_null(strstr(c.out, "solo"));
	captured_free(&c);
}
END_TEST

START_TEST(test_report_json_single_run_has_null_ci)
{
	char *argv[] = { "report", dbpath, "--run", "9", "--json", NULL };
	struct captured c;

	c = run_cmd(cmd_report, 5, argv);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_eq(strstr(c.out, "[\n  {"), c.out);
	ck_assert_ptr_nonnull(strstr(c.out, "{\"scenario\": \"solo\", "
	    "\"sweep\": \"\", \"host\": \"client\", \"metric\": "
	    "\"conn_attempted\", \"unit\": \"connections\", \"n\": 1, "
	    "\"mean\": 100, \"ci_low\": null, \"ci_high\": null, "
	    "\"note\": \"\"}"));
	ck_assert_ptr_nonnull(strstr(c.out, "}\n]\n"));
	captured_free(&c);
}
END_TEST

START_TEST(test_report_refuses_missing_and_foreign_databases)
{
	char foreign[160], *argv[] = { "report", NULL, NULL };
	struct captured c;
	FILE *f;

	argv[1] = "/nonexistent/results.db";
	c = run_cmd(cmd_report, 2, argv);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.err, "/nonexistent/results.db"));
	captured_free(&c);

	snprintf(foreign, sizeof(foreign), "%s/foreign.db", dir);
	f = fopen(foreign, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is not a database, just some text\n", f);
	fclose(f);
	argv[1] = foreign;
	c = run_cmd(cmd_report, 2, argv);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.err, "foreign.db"));
	captured_free(&c);
}
END_TEST

START_TEST(test_report_usage_errors)
{
	char *a1[] = { "report", dbpath, "--bogus", NULL };
	char *a2[] = { "report", dbpath, "--run", "x", NULL };
	char *a3[] = { "report", "--help", NULL };
	char *a4[] = { "report", dbpath, "--scenario", "nope", NULL };
	struct captured c;

	c = run_cmd(cmd_report, 3, a1);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.err, "unknown option '--bogus'"));
	captured_free(&c);
	c = run_cmd(cmd_report, 4, a2);
	ck_assert_int_eq(c.rc, 2);
	captured_free(&c);
	c = run_cmd(cmd_report, 2, a3);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_nonnull(strstr(c.out, "usage: twsim report"));
	ck_assert_ptr_nonnull(strstr(c.out, "ci_low"));
	captured_free(&c);
	c = run_cmd(cmd_report, 4, a4);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.err, "no scenario 'nope'"));
	captured_free(&c);
}
END_TEST

START_TEST(test_plot_usage_errors)
{
	char *a1[] = { "plot", dbpath, "tw_count", NULL };
	char *a2[] = { "plot", dbpath, "tw_count", "-o", "x.pdf", NULL };
	char *a3[] = { "plot", dbpath, "nope", "-o", "x.png", NULL };
	struct captured c;

	c = run_cmd(cmd_plot, 3, a1);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.err, "-o FILE.png"));
	captured_free(&c);
	c = run_cmd(cmd_plot, 5, a2);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.err, ".png or .svg"));
	captured_free(&c);
	c = run_cmd(cmd_plot, 5, a3);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.err, "unknown metric 'nope'"));
	captured_free(&c);
}
END_TEST

START_TEST(test_plot_without_gnuplot_says_how_to_install)
{
	char out[160], *argv[] = { "plot", dbpath, "tw_count", "-o", out,
	    NULL };
	struct captured c;
	char *path;

	snprintf(out, sizeof(out), "%s/never.png", dir);
	path = strdup(getenv("PATH") != NULL ? getenv("PATH") : "");
	setenv("PATH", "/nonexistent", 1);
	c = run_cmd(cmd_plot, 5, argv);
	setenv("PATH", path, 1);
	free(path);
	ck_assert_int_eq(c.rc, 1);
	ck_assert_ptr_nonnull(strstr(c.err, "gnuplot not found"));
	ck_assert_ptr_nonnull(strstr(c.err, "apt-get install gnuplot-nox"));
	ck_assert_int_ne(access(out, F_OK), 0);
	captured_free(&c);
}
END_TEST

/* The file at path starts with the PNG signature. */
static void
assert_png(const char *path)
{
	static const unsigned char sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	unsigned char head[8];
	FILE *f;

	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(head, 1, 8, f), 8);
	fclose(f);
	ck_assert_mem_eq(head, sig, 8);
}

START_TEST(test_plot_renders_png_and_svg)
{
	char png[160], svg[160], buf[4096];
	char *a1[] = { "plot", dbpath, "tw_count", "-o", png, NULL };
	char *a2[] = { "plot", dbpath, "tw_peak", "--by", "rate", "-o", svg,
	    NULL };
	char rpng[160];
	char *a3[] = { "plot", dbpath, "tw_recycled_rate", "--mean",
	    "--from-zero", "--scenario", "web", "-o", rpng, NULL };
	struct captured c;
	FILE *f;

	if (plot_find_program("gnuplot", getenv("PATH"), buf, sizeof(buf)) !=
	    PLOT_OK) {
		fprintf(stderr, "check_report: gnuplot not installed, "
		    "rendering test skipped\n");
		return;
	}
	snprintf(png, sizeof(png), "%s/tw.png", dir);
	snprintf(svg, sizeof(svg), "%s/peak.svg", dir);
	c = run_cmd(cmd_plot, 5, a1);
	ck_assert_msg(c.rc == 0, "plot failed: %s", c.err);
	captured_free(&c);
	assert_png(png);
	c = run_cmd(cmd_plot, 7, a2);
	ck_assert_msg(c.rc == 0, "plot failed: %s", c.err);
	captured_free(&c);
	f = fopen(svg, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "<?xml"));
	/* A rate, its mean in bands and the limit lines render too. */
	snprintf(rpng, sizeof(rpng), "%s/recycled.png", dir);
	c = run_cmd(cmd_plot, 9, a3);
	ck_assert_msg(c.rc == 0, "plot failed: %s", c.err);
	ck_assert_ptr_nonnull(strstr(c.out, "(4 lines)"));
	captured_free(&c);
	assert_png(rpng);
	if (getenv("CHECK_REPORT_KEEP") == NULL) {
		unlink(png);
		unlink(svg);
		unlink(rpng);
	}
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("report");
	tc = tcase_create("report");
	tcase_add_unchecked_fixture(tc, make_db, remove_db);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_points_group_complete_runs_and_count_skipped);
	tcase_add_test(tc, test_only_active_hosts_are_reported);
	tcase_add_test(tc, test_mean_and_ci_over_replications);
	tcase_add_test(tc,
	    test_first_addrnotavail_only_over_runs_where_it_happened);
	tcase_add_test(tc, test_tw_mean_and_share_at_cap_from_samples);
	tcase_add_test(tc, test_limits_predict_rates_and_name_the_binding_one);
	tcase_add_test(tc, test_single_replication_has_no_interval);
	tcase_add_test(tc, test_latency_prefers_connection_records);
	tcase_add_test(tc, test_run_filter_selects_one_run);
	tcase_add_test(tc, test_scenario_filter_and_unknown_names);
	tcase_add_test(tc, test_host_filter_keeps_one_host);
	tcase_add_test(tc, test_tw_outcomes_lifetime_and_advice);
	tcase_add_test(tc, test_limits_follow_at_changes);
	tcase_add_test(tc, test_report_reads_connection_stats_not_rows);
	tcase_add_test(tc, test_param_values_lose_their_units);
	tcase_add_test(tc, test_time_series_one_line_per_run_and_host);
	tcase_add_test(tc, test_time_series_rejects_unknown_metric_and_host);
	tcase_add_test(tc, test_sweep_plot_has_ci_bars_against_the_parameter);
	tcase_add_test(tc, test_sweep_plot_rejects_unknown_param_and_metric);
	tcase_add_test(tc, test_rate_metric_is_per_second_with_limit_lines);
	tcase_add_test(tc, test_rate_metric_names_follow_the_cumulative_columns);
	tcase_add_test(tc, test_every_samples_column_has_a_plot_label);
	tcase_add_test(tc, test_level_charts_carry_the_cap_and_the_port_range);
	tcase_add_test(tc, test_mean_across_repetitions_with_ci_band);
	tcase_add_test(tc, test_many_runs_get_a_compact_key);
	tcase_add_test(tc, test_sweep_plot_puts_the_auto_cap_at_its_value);
	tcase_add_test(tc, test_report_text_shows_ci_binding_limit_and_skips);
	tcase_add_test(tc, test_report_text_host_and_advice);
	tcase_add_test(tc, test_report_csv_rows);
	tcase_add_test(tc, test_report_json_single_run_has_null_ci);
	tcase_add_test(tc, test_report_refuses_missing_and_foreign_databases);
	tcase_add_test(tc, test_report_usage_errors);
	tcase_add_test(tc, test_plot_usage_errors);
	tcase_add_test(tc, test_plot_without_gnuplot_says_how_to_install);
	tcase_add_test(tc, test_plot_renders_png_and_svg);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(report_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
