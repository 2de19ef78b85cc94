/*
 * check_trace.c -- `twsim run --trace` (models/trace.c and its hooks).
 *
 * The unit tests drive the trace directly on a small model world: which
 * connections it follows (peers learnt, RSTs of no connection matched by
 * 4-tuple) and the lines it writes.  The end-to-end tests run the real CLI
 * on tests/scenarios/e2e/pcap.ini and check the trace against the
 * database: the SYNs of a connection the database says was retransmitted,
 * the TIME_WAIT rule that reopened the server's entry, time order, and
 * the same output with -j 2 as with -j 1.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "models/host.h"
#include "models/net.h"
#include "models/segment.h"
#include "models/trace.h"
#include "sim/sim.h"
#include "tests/e2e.h"
#include "tests/model_fixture.h"

/* ---- the trace on its own ------------------------------------------------- */

static char *buf;
static size_t buflen;
static FILE *mem;
static struct sim *sim;
static struct net *net;
static struct host *ha, *hb;

static void
unit_setup(void)
{
	mem = open_memstream(&buf, &buflen);
	ck_assert_ptr_nonnull(mem);
	fx_world_create(3, &sim, &net);
	ha = fx_host(net, "a", NULL, FX_ADDR(10, 0, 0, 1));
	hb = fx_host(net, "b", NULL, FX_ADDR(10, 0, 0, 2));
}

static void
unit_teardown(void)
{
	fx_world_destroy(&sim, &net);
	fclose(mem);
	free(buf);
	buf = NULL;
}

static struct tcp_segment
seg(uint32_t s, uint16_t sp, uint32_t d, uint16_t dp, uint8_t flags,
    uint64_t conn_id)
{
	struct tcp_segment g;

	memset(&g, 0, sizeof(g));
	g.saddr = s;
	g.sport = sp;
	g.daddr = d;
	g.dport = dp;
	g.flags = flags;
	g.seq = 100;
	g.ack = 200;
	g.win = 65535;
	g.conn_id = conn_id;
	return g;
}

START_TEST(test_trace_follows_peers_it_learns)
{
	uint64_t ids[] = { 7 };
	struct trace *t = trace_create(mem, ids, 1);

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(trace_wants(t, 7, 0), 1);
	ck_assert_int_eq(trace_wants(t, 8, 0), 0);
	/* 8 talks to 7: it is followed from then on, on its own too. */
	ck_assert_int_eq(trace_wants(t, 8, 7), 1);
	ck_assert_int_eq(trace_wants(t, 8, 0), 1);
	ck_assert_int_eq(trace_wants(t, 9, 5), 0);
	ck_assert_int_eq(trace_wants(t, 0, 0), 0);
	trace_stop(t);
	ck_assert_int_eq(trace_wants(t, 7, 0), 0);
	trace_destroy(t);
}
END_TEST

START_TEST(test_trace_lines_and_rst_by_tuple)
{
	uint64_t ids[] = { 7 };
	struct trace *t = trace_create(mem, ids, 1);
	struct tcp_segment s;

	ha->trace = t;
	sim_run(sim, 1500 * SIM_MSEC, 0);
	TCP_TRACE(ha, 7, 0, "TW-7", "recycled %d", 3);
	TCP_TRACE(ha, 9, 0, "TW-7", "not traced");
	s = seg(FX_ADDR(10, 0, 0, 1), 1000, FX_ADDR(10, 0, 0, 2), 80,
	    TH_SYN, 7);
	trace_tap(t, ha, NET_TAP_OUT, &s);
	/* A RST from no connection on that 4-tuple is shown ... */
	s = seg(FX_ADDR(10, 0, 0, 2), 80, FX_ADDR(10, 0, 0, 1), 1000,
	    TH_RST | TH_ACK, 0);
	trace_tap(t, hb, NET_TAP_OUT, &s);
	/* ... one on another 4-tuple, or from another connection, is not. */
	s = seg(FX_ADDR(10, 0, 0, 2), 81, FX_ADDR(10, 0, 0, 1), 1000,
	    TH_RST, 0);
	trace_tap(t, hb, NET_TAP_OUT, &s);
	s = seg(FX_ADDR(10, 0, 0, 2), 80, FX_ADDR(10, 0, 0, 1), 1000,
	    TH_ACK, 12);
	trace_tap(t, hb, NET_TAP_IN, &s);
	ck_assert_uint_eq(trace_lines(t), 3);
	fflush(mem);
	ck_assert_str_eq(buf,
	    "1.500000000 a conn 7 [TW-7] recycled 3\n"
	    "1.500000000 a tx 10.0.0.1:1000 > 10.0.0.2:80 [S] seq 100 win "
	    "65535 len 0 (from conn 7)\n"
	    "1.500000000 b tx 10.0.0.2:80 > 10.0.0.1:1000 [R.] seq 100 ack "
	    "200 win 65535 len 0 (from conn 0)\n");
	ha->trace = NULL;
	trace_destroy(t);
}
END_TEST

/* ---- through the CLI -------------------------------------------------------- */

static void
e2e_setup(void)
{
	e2e_tmpdir_create("check_trace");
}

static void
e2e_teardown(void)
{
	e2e_tmpdir_remove();
}

/* Runs pcap.ini with --trace ID (and more arguments); the output. */
static char *
trace_run(const char *db, const char *id, const char *a1, const char *a2)
{
	char *out;
	size_t len;

	unlink(e2e_path("twsim.log"));
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path(db),
	    "--quiet", "--trace", id, a1, a2, NULL), 0);
	out = e2e_slurp(e2e_path("twsim.log"), &len);
	out[len] = '\0';	/* e2e_slurp leaves room for it */
	return out;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* Lines in simulated-time order within each run, each naming a host. */
static void
assert_time_order(const char *out)
{
	const char *p = out;
	double last = -1, t;

	while (*p != '\0') {
		if (*p == '#')
			last = -1;	/* the next run's trace starts anew */
		else {
			char *end;

			/* strtod, not sscanf: glibc's sscanf measures the
			   whole rest of the string on every call. */
			t = strtod(p, &end);
			ck_assert_msg(end != p, "line: %.60s", p);
			ck_assert_msg(t >= last, "%g after %g", t, last);
			last = t;
		}
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
}

/* Runs pcap.ini untraced into r.db and opens it. */
static sqlite3 *
plain_run(void)
{
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path("r.db"),
	    "--quiet", NULL), 0);
	return (e2e_db_open(e2e_path("r.db")));
}

/*
 * A connection the database says sent its SYN more than once: the trace
 * shows each SYN, each retransmit timer that fired for it (TCP-7), and
 * the connection reaching ESTABLISHED.
 */
START_TEST(test_trace_syn_retransmissions_match_database)
{
	sqlite3 *db;
	char *out, id[32], needle[128];
	int64_t conn, syns;

	db = plain_run();
	conn = e2e_q_int(db, "SELECT conn_id FROM connections WHERE client = "
	    "'client' AND syn_sent > 1 AND outcome = 'ok' ORDER BY conn_id "
	    "LIMIT 1");
	ck_assert_int_gt(conn, 0);
	syns = e2e_q_int(db, "SELECT syn_sent FROM connections WHERE conn_id "
	    "= %lld", (long long)conn);
	sqlite3_close(db);

	snprintf(id, sizeof(id), "%lld", (long long)conn);
	out = trace_run("t.db", id, NULL, NULL);
	assert_time_order(out);
	/* Every SYN the client sent, lost on the path or not. */
	{
		const char *p = out;
		int n = 0;

		while ((p = strstr(p, "client tx 10.0.0.2:")) != NULL) {
			const char *eol = strchr(p, '\n');

			if (strstr(p, "[S] seq") != NULL &&
			    strstr(p, "[S] seq") < eol)
				n++;
			p = eol;
		}
		ck_assert_int_eq(n, syns);
	}
	snprintf(needle, sizeof(needle), "client conn %s [TCP-7] retransmit "
	    "timer fired", id);
	ck_assert_int_eq(count(out, needle), syns - 1);
	snprintf(needle, sizeof(needle), "client conn %s state SYN_SENT -> "
	    "ESTABLISHED", id);
	ck_assert_int_eq(count(out, needle), 1);
	/* The server's side came with it. */
	ck_assert_int_gt(count(out, "server conn "), 0);
	ck_assert_int_gt(count(out, "state SYN_RCVD -> ESTABLISHED"), 0);
	free(out);
}
END_TEST

/*
 * The data path's events reach the trace: over every connection, one
 * DP-6 line per retransmit timeout and one SACK-5 (or DP-5) line per fast
 * retransmit, as many as host_stats counts (rexmt_timeouts, fast_rexmt).
 */
START_TEST(test_trace_data_path_events_match_database)
{
	sqlite3 *db;
	char *out;
	int64_t timeouts, fast;

	db = plain_run();
	timeouts = e2e_q_int(db, "SELECT sum(rexmt_timeouts) FROM host_stats");
	fast = e2e_q_int(db, "SELECT sum(fast_rexmt) FROM host_stats");
	sqlite3_close(db);
	ck_assert_int_gt(timeouts, 0);
	ck_assert_int_gt(fast, 0);
	out = trace_run("t.db", "1-100000", NULL, NULL);
	ck_assert_int_eq(count(out, "[DP-6] timeout: cwnd "), timeouts);
	ck_assert_int_eq(count(out, "[SACK-5] third duplicate ACK") +
	    count(out, "[DP-5] third duplicate ACK"), fast);
	free(out);
}
END_TEST

/*
 * The second rsh connection meets the server's TIME_WAIT of the first on
 * the same 4-tuple: the trace shows TW-16 firing, and no line of the
 * other rsh connections themselves.
 */
START_TEST(test_trace_tw16_reopening_syn)
{
	sqlite3 *db;
	char *out, id[32], other[64];
	int64_t second, third;

	db = plain_run();
	second = e2e_q_int(db, "SELECT conn_id FROM connections WHERE client = "
	    "'rsh' ORDER BY t_start LIMIT 1 OFFSET 1");
	third = e2e_q_int(db, "SELECT conn_id FROM connections WHERE client = "
	    "'rsh' ORDER BY t_start LIMIT 1 OFFSET 2");
	sqlite3_close(db);

	snprintf(id, sizeof(id), "%lld", (long long)second);
	out = trace_run("t.db", id, NULL, NULL);
	assert_time_order(out);
	/*
	 * Twice: its SYN reopens the first connection's entry, and the
	 * third's SYN reopens the entry its own server side left.
	 */
	ck_assert_int_eq(count(out, "[TW-16] SYN seq"), 2);
	ck_assert_int_eq(count(out, "TIME_WAIT closed, the SYN reopens"), 2);
	snprintf(other, sizeof(other), "(from conn %lld)", (long long)third);
	ck_assert_ptr_null(strstr(out, other));
	snprintf(other, sizeof(other), "rsh conn %lld ", (long long)third);
	ck_assert_ptr_null(strstr(out, other));
	free(out);
}
END_TEST

/* Several runs at once: the same trace, in run-list order. */
START_TEST(test_trace_jobs_2_same_as_jobs_1)
{
	char *one, *two;

	one = trace_run("one.db", "3", "--set", "run.repeat=3");
	ck_assert_int_eq(count(one, "# trace: run "), 3);
	unlink(e2e_path("twsim.log"));
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o",
	    e2e_path("two.db"), "--quiet", "--trace", "3", "--set",
	    "run.repeat=3", "-j", "2", NULL), 0);
	{
		size_t len;

		two = e2e_slurp(e2e_path("twsim.log"), &len);
		two[len] = '\0';
	}
	ck_assert_int_gt(count(one, "conn 3 "), 0);
	ck_assert_str_eq(one, two);
	free(one);
	free(two);
}
END_TEST

/*
 * Old duplicates acted on (HAZ-n): tracing every connection of a run
 * whose tiny TIME_WAIT zone lets late copies reach new incarnations shows
 * one hazard line per hazard the database counts.
 */
START_TEST(test_trace_shows_every_hazard)
{
	sqlite3 *db;
	char *out;
	size_t len;
	int64_t hazards;

	unlink(e2e_path("twsim.log"));
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/validation/hazards.ini"), "-o",
	    e2e_path("h.db"), "--quiet", "--set", "host.client.maxtcptw=1",
	    "--set", "run.duration=6s", "--trace", "1-100000", NULL), 0);
	out = e2e_slurp(e2e_path("twsim.log"), &len);
	out[len] = '\0';
	db = e2e_db_open(e2e_path("h.db"));
	hazards = e2e_q_int(db, "SELECT sum(hazards) FROM host_stats");
	sqlite3_close(db);
	ck_assert_int_gt(hazards, 0);
	ck_assert_int_eq(count(out, "] hazard: "), hazards);
	ck_assert_int_eq(count(out, " [HAZ-"), hazards);
	assert_time_order(out);
	free(out);
}
END_TEST

/* Lines of out that contain both a and b. */
static int
count_lines(const char *out, const char *a, const char *b)
{
	const char *p = out, *nl;
	char line[512];
	size_t len;
	int n = 0;

	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		len = (size_t)(nl - p) < sizeof(line) - 1 ? (size_t)(nl - p) :
		    sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if (strstr(line, a) != NULL && strstr(line, b) != NULL)
			n++;
	}
	return n;
}

static int64_t
host_stat(sqlite3 *db, const char *col, const char *host)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT sum(%s) FROM host_stats WHERE "
	    "host = '%s'", col, host);
	return (e2e_q_int(db, sql));
}

/*
 * Each stack's TIME_WAIT names its own kernel's rules: on the Linux host
 * LNX-11 for every entry made and every timer that ends one, on the
 * FreeBSD 14 host F14-2, as many as the database counts -- and neither
 * host's lines cite FreeBSD 9's TW-n rules.
 */
START_TEST(test_trace_names_each_stacks_rules)
{
	sqlite3 *db;
	char *out;
	size_t len;

	unlink(e2e_path("twsim.log"));
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("scenarios/stacks-side-by-side.ini"), "-o",
	    e2e_path("s.db"), "--quiet", "--set", "run.duration=70s",
	    "--trace", "1-100000", NULL), 0);
	out = e2e_slurp(e2e_path("twsim.log"), &len);
	out[len] = '\0';
	db = e2e_db_open(e2e_path("s.db"));
	ck_assert_int_gt(host_stat(db, "tw_expired", "lnx"), 0);
	ck_assert_int_gt(host_stat(db, "tw_expired", "bsd14"), 0);
	ck_assert_int_eq(count_lines(out, " lnx conn ",
	    "[LNX-11] TIME_WAIT entry made"), host_stat(db, "tw_entered",
	    "lnx"));
	ck_assert_int_eq(count_lines(out, " lnx conn ", "[LNX-11] 2MSL over"),
	    host_stat(db, "tw_expired", "lnx"));
	ck_assert_int_eq(count_lines(out, " bsd14 conn ",
	    "[F14-2] TIME_WAIT: the connection stays"), host_stat(db,
	    "tw_entered", "bsd14"));
	ck_assert_int_eq(count_lines(out, " bsd14 conn ",
	    "[F14-2] 2MSL over"), host_stat(db, "tw_expired", "bsd14"));
	ck_assert_int_eq(count_lines(out, " bsd9 conn ", "[TW-11] TIME_WAIT "
	    "entry made"), host_stat(db, "tw_entered", "bsd9"));
	ck_assert_int_eq(count_lines(out, " lnx conn ", "[TW-"), 0);
	ck_assert_int_eq(count_lines(out, " bsd14 conn ", "[TW-2"), 0);
	sqlite3_close(db);
	assert_time_order(out);
	free(out);
}
END_TEST

START_TEST(test_trace_bad_id_is_usage_error)
{
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path("b.db"),
	    "--trace", "x1", NULL), 2);
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path("b.db"),
	    "--trace", "0", NULL), 2);
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path("b.db"),
	    "--trace", "9-3", NULL), 2);
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path("b.db"),
	    "--trace", "1-1000000", NULL), 2);
	ck_assert(!e2e_exists(e2e_path("b.db")));
}
END_TEST

static Suite *
trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc;

	tc = tcase_create("unit");
	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, test_trace_follows_peers_it_learns);
	tcase_add_test(tc, test_trace_lines_and_rst_by_tuple);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, e2e_setup, e2e_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_trace_syn_retransmissions_match_database);
	tcase_add_test(tc, test_trace_data_path_events_match_database);
	tcase_add_test(tc, test_trace_tw16_reopening_syn);
	tcase_add_test(tc, test_trace_jobs_2_same_as_jobs_1);
	tcase_add_test(tc, test_trace_shows_every_hazard);
	tcase_add_test(tc, test_trace_bad_id_is_usage_error);
	tcase_add_test(tc, test_trace_names_each_stacks_rules);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
