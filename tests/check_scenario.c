/*
 * check_scenario.c -- the scenario loader: the data model it produces,
 * every error path (each message names file, line and offending text),
 * sweep expansion (counts, order, ranges, crossing), --set overrides,
 * seed derivation (common random numbers across sweep points), the
 * resolved parameter list, and loading from fixture files under $srcdir.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tunable.h"
#include "scenarios/commands.h"
#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "sim/rng.h"
#include "tests/capture.h"

static char err[4096];

/*
 * Lines 1-14; text appended after BASE starts at line 15.
 */
#define BASE \
	"[run]\n"			/* 1 */ \
	"duration = 300s\n"		/* 2 */ \
	"\n"				/* 3 */ \
	"[host server]\n"		/* 4 */ \
	"address = 10.0.0.1\n"		/* 5 */ \
	"listen = 80\n"			/* 6 */ \
	"\n"				/* 7 */ \
	"[host client]\n"		/* 8 */ \
	"address = 10.0.0.2\n"		/* 9 */ \
	"\n"				/* 10 */ \
	"[workload web]\n"		/* 11 */ \
	"client = client\n"		/* 12 */ \
	"server = server:80\n"		/* 13 */ \
	"rate = 10/s\n"			/* 14 */

static struct scenario *
load_ov(const char *text, const char *const *ov, int nov, uint64_t seed)
{
	struct scenario *sc = NULL;

	err[0] = '\0';
	ck_assert_msg(scenario_load_string("t.ini", text, ov, nov, seed, &sc,
	    err, sizeof(err)) == 0, "load failed: %s", err);
	ck_assert_ptr_nonnull(sc);
	return sc;
}

static struct scenario *
load(const char *text)
{
	return load_ov(text, NULL, 0, 0);
}

/* Loading fails and the message holds both needles (n2 may be NULL). */
static void
fails_ov(const char *text, const char *const *ov, int nov, const char *n1,
    const char *n2)
{
	struct scenario *sc = NULL;

	err[0] = '\0';
	ck_assert_msg(scenario_load_string("t.ini", text, ov, nov, 0, &sc, err,
	    sizeof(err)) != 0, "loaded, expected '%s'", n1);
	ck_assert_ptr_null(sc);
	ck_assert_msg(strstr(err, n1) != NULL, "'%s' lacks '%s'", err, n1);
	if (n2 != NULL)
		ck_assert_msg(strstr(err, n2) != NULL, "'%s' lacks '%s'", err,
		    n2);
}

static void
fails(const char *text, const char *n1, const char *n2)
{
	fails_ov(text, NULL, 0, n1, n2);
}

/* ---- stacks (docs/RULES.md LNX-21) ------------------------------------ */

START_TEST(test_lnx21_stack_picks_the_defaults_of_its_kernel)
{
	struct scenario *sc = load("[run]\nduration = 10s\n"
	    "[host b]\naddress = 10.0.0.1\n"
	    "[host l]\nstack = linux\naddress = 10.0.0.2\n"
	    "tcp_tw_reuse = 1\n");
	const struct scenario_run *r = scenario_run_at(sc, 0);

	ck_assert_int_eq(r->hosts[0].tun.stack, TUNABLE_STACK_FREEBSD9);
	ck_assert_int_eq(r->hosts[0].tun.hz, 1000);
	ck_assert_int_eq(r->hosts[0].tun.portrange_first, 10000);
	ck_assert_int_eq(r->hosts[1].tun.stack, TUNABLE_STACK_LINUX);
	ck_assert_int_eq(r->hosts[1].tun.hz, 250);
	ck_assert_int_eq(r->hosts[1].tun.portrange_first, 32768);
	ck_assert_int_eq(r->hosts[1].tun.portrange_last, 60999);
	ck_assert_int_eq(r->hosts[1].tun.tcp_tw_reuse, 1);
	ck_assert_int_eq(r->hosts[1].tun.tcp_max_tw_buckets, 131072);
	ck_assert(r->hosts[1].tun.tcp_tw_reuse_delay == SIM_SEC);
	ck_assert_int_eq(r->hosts[1].tun.tcp_syn_retries, 6);
	/* rto_initial is no Linux sysctl: TCP_TIMEOUT_INIT. */
	ck_assert(r->hosts[1].tun.rto_initial == SIM_SEC);
	scenario_free(sc);
}
END_TEST

START_TEST(test_lnx21_tunable_the_stack_lacks_is_an_error_with_line)
{
	fails("[run]\nduration = 10s\n[host c]\nstack = linux\n"
	    "address = 10.0.0.1\nmaxtcptw = 100\n", "t.ini:6:",
	    "maxtcptw is not a tunable of a linux host");
	fails("[run]\nduration = 10s\n[host c]\naddress = 10.0.0.1\n"
	    "tcp_tw_reuse = 1\n", "t.ini:5:",
	    "tcp_tw_reuse is not a tunable of a freebsd9 host");
	fails("[run]\nduration = 10s\n[host c]\nstack = linux\n"
	    "address = 10.0.0.1\n[at 1s]\nc.msl = 10s\n", "t.ini:7:",
	    "msl is not a tunable of a linux host");
	fails("[run]\nduration = 10s\n[host c]\nstack = solaris\n"
	    "address = 10.0.0.1\n", "t.ini:4:", "freebsd9, freebsd14, linux");
}
END_TEST

/* ---- data model ------------------------------------------------------- */

START_TEST(test_minimal_scenario_takes_defaults_and_file_name)
{
	struct scenario *sc = load("[run]\nduration = 10s\n");
	const struct scenario_run *r;

	ck_assert_uint_eq(scenario_nruns(sc), 1);
	r = scenario_run_at(sc, 0);
	ck_assert_str_eq(r->name, "t");
	ck_assert_str_eq(scenario_name(sc), "t");
	ck_assert_str_eq(r->label, "");
	ck_assert(r->duration == 10 * SIM_SEC);
	ck_assert(r->sample == SIM_SEC);
	ck_assert(r->master_seed == 1);
	ck_assert_uint_eq(r->repetition, 0);
	ck_assert_int_eq(r->connections, SCENARIO_CONN_AUTO);
	ck_assert_int_eq(r->record_connections, 1);
	ck_assert_uint_eq(r->nhosts, 0);
	ck_assert_uint_eq(r->nworkloads, 0);
	ck_assert_ptr_null(scenario_run_at(sc, 1));
	scenario_free(sc);
}
END_TEST

START_TEST(test_host_tunable_defaults_are_freebsd9)
{
	struct scenario *sc = load(BASE);
	const struct scenario_run *r = scenario_run_at(sc, 0);
	const struct host_tunables *t;

	ck_assert_uint_eq(r->nhosts, 2);
	t = &r->hosts[1].tun;
	ck_assert_int_eq(t->hz, 1000);
	ck_assert(t->msl == 30 * SIM_SEC);
	ck_assert_int_eq(t->portrange_first, 10000);
	ck_assert_int_eq(t->portrange_last, 65535);
	ck_assert_int_eq(t->randomized, 1);
	ck_assert_int_eq(t->randomcps, 10);
	ck_assert_int_eq(t->randomtime, 45);	/* whole seconds */
	ck_assert_int_eq(t->maxsockets, 25600);
	ck_assert_int_eq(t->maxtcptw, 0);
	ck_assert_int_eq(t->nolocaltimewait, 0);
	ck_assert_int_eq(t->rfc1323, 1);
	ck_assert(t->rto_initial == 3 * SIM_SEC);
	ck_assert(t->keepinit == 75 * SIM_SEC);
	scenario_free(sc);
}
END_TEST

START_TEST(test_full_scenario_fills_every_struct)
{
	struct scenario *sc = load(
	    "[run]\nname = ex\nduration = 300s\nseed = 9\nsample = 500ms\n"
	    "[host server]\naddress = 10.0.0.1\nlisten = 80, 8080\n"
	    "[host client]\naddress = 10.0.0.2, 10.0.0.3\n"
	    "portrange = 10000-10999\nmaxtcptw = 7\nmsl = 15s\n"
	    "[path client server]\nlatency = exponential(2ms)\n"
	    "loss = 0.001\n"
	    "[workload web]\nclient = client/10.0.0.3\n"
	    "server = server/10.0.0.1:8080\narrival = constant\n"
	    "rate = 10/s, 50/s@60s\nrequest = 2KiB\nresponse = 1MB\n"
	    "hold = 1.5s\nclose = server\nsport = 4242\nstart = 10s\n"
	    "stop = 200s\n"
	    "[at 120s]\nclient.maxtcptw = 5000\nclient.portrange = 20000-20099\n"
	    "[at 60s]\nserver.msl = 1s\n");
	const struct scenario_run *r = scenario_run_at(sc, 0);
	const struct scenario_workload *w;
	const struct scenario_path *p;

	ck_assert_str_eq(r->name, "ex");
	ck_assert(r->sample == 500 * SIM_MSEC);
	ck_assert(r->master_seed == 9);
	ck_assert_uint_eq(r->nhosts, 2);
	ck_assert_str_eq(r->hosts[0].name, "server");
	ck_assert_uint_eq(r->hosts[0].nlisten, 2);
	ck_assert_uint_eq(r->hosts[0].listen[1], 8080);
	ck_assert_uint_eq(r->hosts[1].naddrs, 2);
	ck_assert_uint_eq(r->hosts[1].addrs[1], 0x0a000003u);
	ck_assert_int_eq(r->hosts[1].tun.portrange_first, 10000);
	ck_assert_int_eq(r->hosts[1].tun.portrange_last, 10999);
	ck_assert_int_eq(r->hosts[1].tun.maxtcptw, 7);
	ck_assert(r->hosts[1].tun.msl == 15 * SIM_SEC);
	/* A two-way section gives both directions. */
	ck_assert_uint_eq(r->npaths, 2);
	p = &r->paths[0];
	ck_assert_uint_eq(p->from_host, 1);
	ck_assert_uint_eq(p->to_host, 0);
	ck_assert_int_eq(p->latency.kind, DIST_EXPONENTIAL);
	ck_assert(p->latency.p[0] == 2e6);
	ck_assert(p->loss == 0.001);
	ck_assert_int_eq(p->duplicate_delay.kind, DIST_CONSTANT);
	ck_assert(p->duplicate_delay.p[0] == 20e9);
	ck_assert_uint_eq(r->paths[1].from_host, 0);
	ck_assert_uint_eq(r->paths[1].to_host, 1);
	ck_assert(r->paths[1].loss == 0.001);
	w = &r->workloads[0];
	ck_assert_str_eq(w->name, "web");
	ck_assert_uint_eq(w->client_host, 1);
	ck_assert_uint_eq(w->client_addr, 0x0a000003u);
	ck_assert_uint_eq(w->server_host, 0);
	ck_assert_uint_eq(w->server_addr, 0x0a000001u);
	ck_assert_uint_eq(w->server_port, 8080);
	ck_assert_int_eq(w->arrival, SCENARIO_ARRIVAL_CONSTANT);
	ck_assert_uint_eq(w->nsteps, 2);
	ck_assert(w->steps[1].start == 60 * SIM_SEC && w->steps[1].rate == 50);
	ck_assert_uint_eq(w->request, 2048);
	ck_assert_uint_eq(w->response, 1000000);
	ck_assert(w->hold == 1500 * SIM_MSEC);
	ck_assert_int_eq(w->close_by, SCENARIO_CLOSE_SERVER);
	ck_assert_uint_eq(w->sport, 4242);
	ck_assert(w->start == 10 * SIM_SEC && w->stop == 200 * SIM_SEC);
	/* 10/s over [10s, 60s) + 50/s over [60s, 200s). */
	ck_assert(r->expected_connections == 10.0 * 50 + 50.0 * 140);
	/* Changes sorted by time; a port range is two changes. */
	ck_assert_uint_eq(r->nchanges, 4);
	ck_assert(r->changes[0].at == 60 * SIM_SEC);
	ck_assert_uint_eq(r->changes[0].host, 0);
	ck_assert_ptr_eq(r->changes[0].tunable, tunable_lookup("msl"));
	ck_assert(r->changes[0].value == SIM_SEC);
	ck_assert_ptr_eq(r->changes[1].tunable, tunable_lookup("maxtcptw"));
	ck_assert_str_eq(r->changes[1].key, "maxtcptw");
	ck_assert(r->changes[1].value == 5000);
	ck_assert_ptr_eq(r->changes[2].tunable, tunable_lookup("portrange"));
	ck_assert_int_eq(r->changes[2].index, 0);
	ck_assert(r->changes[2].value == 20000);
	ck_assert_ptr_eq(r->changes[3].tunable, tunable_lookup("portrange"));
	ck_assert_int_eq(r->changes[3].index, 1);
	ck_assert(r->changes[3].value == 20099);
	scenario_free(sc);
}
END_TEST

START_TEST(test_change_names_its_table_row)
{
	struct scenario *sc = load(BASE "[at 100s]\nclient.maxtcptw = 42\n");
	const struct scenario_run *r = scenario_run_at(sc, 0);
	struct host_tunables t = r->hosts[r->changes[0].host].tun;

	ck_assert_int_eq(t.maxtcptw, 0);
	/* The row says where the value lives. */
	tunable_store(&t, r->changes[0].tunable, r->changes[0].index,
	    r->changes[0].value);
	ck_assert_int_eq(t.maxtcptw, 42);
	ck_assert_int_eq(scenario_run_host(r, "client"),
	    (int)r->changes[0].host);
	ck_assert_int_eq(scenario_run_host(r, "nobody"), -1);
	scenario_free(sc);
}
END_TEST

/*
 * Only named directions become paths; every other ordered pair takes the
 * network's unconfigured path (NET-1: constant 1 ms, no loss, no
 * duplicates), so the [path] defaults must say exactly that.
 */
START_TEST(test_unnamed_host_pairs_take_the_net1_default_path)
{
	struct scenario *sc = load(BASE "[host third]\naddress = 10.0.0.9\n"
	    "[path client -> server]\nloss = 0.5\n");
	const struct scenario_run *r = scenario_run_at(sc, 0);

	ck_assert_uint_eq(r->npaths, 1);
	ck_assert(r->paths[0].loss == 0.5);
	ck_assert_str_eq(params_by_id(P_PATH_LATENCY)->defval, "constant(1ms)");
	ck_assert_str_eq(params_by_id(P_PATH_LOSS)->defval, "0");
	ck_assert_str_eq(params_by_id(P_PATH_DUPLICATE)->defval, "0");
	scenario_free(sc);
}
END_TEST

START_TEST(test_comments_crlf_and_blanks_are_ignored)
{
	struct scenario *sc = load(
	    "\xEF\xBB\xBF# a comment\r\n; another\r\n[run]  ; after a header\r\n"
	    "  duration = 20s ; inline\r\n\tseed = 4 # hash inline\r\n");
	const struct scenario_run *r = scenario_run_at(sc, 0);

	ck_assert(r->duration == 20 * SIM_SEC);
	ck_assert(r->master_seed == 4);
	scenario_free(sc);
}
END_TEST

/*
 * A line ending in '\' continues its value on the next line, however the
 * next line is indented, with comments stripped from each; the pieces join
 * with a blank and the value is located at its key's line.
 */
START_TEST(test_continued_value_joins_lines_with_a_blank)
{
	struct scenario *sc = load(BASE
	    "hold = \\\n"			/* 15 */
	    "   5ms\n"				/* 16 */
	    "[host c2]\n"			/* 17 */
	    "address = 10.0.1.1, \\ ; first\n"	/* 18 */
	    "10.0.1.2,\\\n"			/* 19 */
	    "\t\t10.0.1.3\n"			/* 20 */
	    "  listen = 80\n");			/* 21: an indented key */
	const struct scenario_run *r = scenario_run_at(sc, 0);

	ck_assert(r->workloads[0].hold == 5 * SIM_MSEC);
	ck_assert_uint_eq(r->hosts[2].naddrs, 3);
	ck_assert_uint_eq(r->hosts[2].addrs[2], 0x0a000103);
	ck_assert_uint_eq(r->hosts[2].nlisten, 1);
	ck_assert_str_eq(scenario_run_param(r, "host.c2.address"),
	    "10.0.1.1, 10.0.1.2, 10.0.1.3");
	scenario_free(sc);
	/* An error in a continued value names the key's line. */
	fails(BASE "[host c2]\naddress = 10.0.1.1, \\\n 0.0.0.0\n",
	    "t.ini:16: bad value '10.0.1.1, 0.0.0.0' for address", NULL);
}
END_TEST

START_TEST(test_error_continuation_misplaced_and_long_lines)
{
	char line[1024];

	fails(BASE "hold = 5ms \\\n", "t.ini:15: the last line ends with "
	    "'\\'", NULL);
	fails(BASE "hold = \\\n\n", "t.ini:15: empty value for 'hold'", NULL);
	fails(BASE "[host x] \\\naddress = 10.0.0.9\n", "t.ini:15: text '\\' "
	    "after section header", NULL);
	fails(BASE "\\\nhold = 5ms\n", "t.ini:15: '\\' continues no KEY = "
	    "VALUE", NULL);
	/*
	 * The limit is 196 characters once comments and blanks are gone:
	 * a long comment is no long line.
	 */
	snprintf(line, sizeof(line), "%shold = 5ms ; %0300d\n", BASE, 0);
	scenario_free(load(line));
	snprintf(line, sizeof(line), "%ssport = %0188d\n", BASE, 1);
	fails(line, "t.ini:15: bad value", NULL);
	snprintf(line, sizeof(line), "%ssport = %0189d\n", BASE, 1);
	fails(line, "t.ini:15: line too long (197 characters without "
	    "comments, at most 196): end a line with '\\' to continue its "
	    "value on the next", NULL);
}
END_TEST

START_TEST(test_connections_auto_turns_off_at_a_million)
{
	struct scenario *sc;
	const struct scenario_run *r;

	/* 4000/s x 300 s = 1.2e6 expected connections. */
	sc = load("[run]\nduration = 300s\n"
	    "[host s]\naddress = 10.0.0.1\nlisten = 80\n"
	    "[host c]\naddress = 10.0.0.2\n"
	    "[workload w]\nclient = c\nserver = s\nrate = 4000/s\n");
	r = scenario_run_at(sc, 0);
	ck_assert(r->expected_connections == 1.2e6);
	ck_assert_int_eq(r->record_connections, 0);
	scenario_free(sc);
	sc = load("[run]\nduration = 300s\nconnections = yes\n"
	    "[host s]\naddress = 10.0.0.1\nlisten = 80\n"
	    "[host c]\naddress = 10.0.0.2\n"
	    "[workload w]\nclient = c\nserver = s\nrate = 4000/s\n");
	ck_assert_int_eq(scenario_run_at(sc, 0)->record_connections, 1);
	scenario_free(sc);
	sc = load(BASE);
	ck_assert_int_eq(scenario_run_at(sc, 0)->record_connections, 1);
	scenario_free(sc);
	sc = load("[run]\nduration = 1s\nconnections = no\n");
	ck_assert_int_eq(scenario_run_at(sc, 0)->record_connections, 0);
	scenario_free(sc);
}
END_TEST

START_TEST(test_resolved_params_list_every_key_in_canonical_text)
{
	struct scenario *sc = load(BASE "[path client server]\n"
	    "latency = uniform(1000us, 3ms)\n[path server -> server2]\n"
	    "[host server2]\naddress = 10.0.0.5\n"
	    "[at 2min]\nclient.msl = 1500ms\n");
	const struct scenario_run *r = scenario_run_at(sc, 0);

	ck_assert_str_eq(scenario_run_param(r, "run.duration"), "300s");
	ck_assert_str_eq(scenario_run_param(r, "run.name"), "t");
	ck_assert_str_eq(scenario_run_param(r, "run.seed"), "1");
	ck_assert_str_eq(scenario_run_param(r, "host.client.maxtcptw"), "0");
	ck_assert_str_eq(scenario_run_param(r, "host.client.msl"), "30s");
	ck_assert_str_eq(scenario_run_param(r, "host.server.listen"), "80");
	ck_assert_str_eq(scenario_run_param(r,
	    "path.client.server.latency"), "uniform(1ms, 3ms)");
	ck_assert_str_eq(scenario_run_param(r, "path.server->server2.loss"),
	    "0");
	ck_assert_str_eq(scenario_run_param(r, "workload.web.rate"), "10/s");
	ck_assert_str_eq(scenario_run_param(r, "workload.web.stop"), "300s");
	ck_assert_str_eq(scenario_run_param(r, "workload.web.request"),
	    "1KiB");
	ck_assert_str_eq(scenario_run_param(r, "at.120s.client.msl"),
	    "1500ms");
	ck_assert_ptr_null(scenario_run_param(r, "host.client.nope"));
	scenario_free(sc);
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

START_TEST(test_error_unknown_key_names_line_suggestion_and_choices)
{
	fails(BASE "[host other]\naddress = 10.0.0.7\nmaxtcpwt = 5\n",
	    "t.ini:17: unknown key 'maxtcpwt' in [host other] (did you mean "
	    "'maxtcptw'? valid keys: address, listen, stack, hz, msl, portrange,",
	    NULL);
	fails("[run]\nduration = 1s\nflavour = mint\n",
	    "t.ini:3: unknown key 'flavour' in [run] (valid keys: name, "
	    "duration,", NULL);
}
END_TEST

START_TEST(test_error_unknown_section)
{
	fails("[run]\nduration = 1s\n[hots a]\n",
	    "t.ini:3: unknown section [hots a]", "[host NAME]");
	fails("[run]\nduration = 1s\n[run extra]\n", "t.ini:3:", "no name");
	fails("[run]\nduration = 1s\n[host a b]\n", "t.ini:3:",
	    "not a valid host name");
	fails("[run]\nduration = 1s\n[host a.b]\n", "t.ini:3:", NULL);
	fails("[run]\nduration = 1s\n[at soon]\n", "t.ini:3:", "bad time");
	fails("[run]\nduration = 1s\n[host a\n", "t.ini:3:", "lacks ']'");
	fails("[run]\nduration = 1s\n[host a] junk\n", "t.ini:3:", "junk");
}
END_TEST

START_TEST(test_error_bad_values_and_units)
{
	fails("[run]\nduration = abc\n", "t.ini:2: bad value 'abc' for "
	    "duration in [run]", "ns, us, ms, s, min");
	fails("[run]\nduration = 10\n", "t.ini:2:", "missing unit");
	fails("[run]\nduration = 10sec\n", "t.ini:2:", "unknown unit 'sec'");
	fails("[run]\nduration = -5s\n", "t.ini:2:", "negative");
	fails("[run]\nduration = 0s\n", "t.ini:2:", "out of range");
	fails("[run]\nduration = 1s\nconnections = maybe\n", "t.ini:3:",
	    "not one of: yes, no, auto");
	fails("[run]\nduration = 1s\nseed = -1\n", "t.ini:3:", NULL);
	fails("[run]\nduration = 1s\nrepeat = 0\n", "t.ini:3:",
	    "out of range");
	fails(BASE "[path client server]\nloss = 1.5\n", "t.ini:16:",
	    "above 1");
	fails(BASE "[path client server]\nlatency = fast(1ms)\n",
	    "t.ini:16:", "unknown distribution 'fast'");
	fails(BASE "request = 12\n", "t.ini:15:", "missing unit");
	fails(BASE "close = nobody\n", "t.ini:15:", "client, server");
	fails(BASE "sport = 70000\n", "t.ini:15:", "out of range");
	fails("[run]\nduration = 1s\n[host a]\naddress = 10.0.0\n",
	    "t.ini:4:", "not an IPv4 address");
	fails("[run]\nduration = 1s\n[host a]\naddress = 10.0.0.1\n"
	    "portrange = 2000-0\n", "t.ini:5:", "out of range");
	fails("[run]\nduration = 1s\n[host a]\naddress = 10.0.0.1\n"
	    "hz = 300\n", "t.ini:5:", "must divide");
	/* hz is a boot-time tunable (its table row lacks TUNABLE_F_RUNTIME). */
	fails("[run]\nduration = 10s\n[host a]\naddress = 10.0.0.1\n"
	    "[at 5s]\na.hz = 100\n", "t.ini:6:",
	    "cannot change at a simulated time");
	fails("[run]\nduration = 1s\n[host a]\naddress = 10.0.0.1\n"
	    "listen = 80, 80\n", "t.ini:5:", "twice");
}
END_TEST

/*
 * HOST-6: 2 msl at the host's hz must fit TIME_WAIT's 32-bit ticks; the
 * error points at the msl that breaks it, at boot or at a simulated time.
 */
START_TEST(test_host6_msl_beyond_32bit_ticks_names_its_line)
{
	struct scenario *sc;

	fails("[run]\nduration = 1s\n[host a]\naddress = 10.0.0.1\n"
	    "hz = 1000000\nmsl = 1074s\n", "t.ini:6: bad value '1074s' for "
	    "msl in [host a]", "at most 1073 s (HOST-6)");
	fails("[run]\nduration = 1s\n[host a]\naddress = 10.0.0.1\n"
	    "msl = 1074s\nhz = 1000000\n", "t.ini:5:", "HOST-6");
	fails("[run]\nduration = 10s\n[host a]\naddress = 10.0.0.1\n"
	    "hz = 1000000\n[at 5s]\na.msl = 1074s\n", "t.ini:7:", "HOST-6");
	sc = load("[run]\nduration = 10s\n[host a]\naddress = 10.0.0.1\n"
	    "hz = 1000000\nmsl = 1073s\n[at 5s]\na.msl = 1073s\n");
	scenario_free(sc);
}
END_TEST

START_TEST(test_error_syntax_lines)
{
	fails("[run]\nduration = 1s\njust words\n", "t.ini:3:",
	    "expected KEY = VALUE");
	fails("duration = 1s\n[run]\n", "t.ini:1:", "outside any section");
	fails("[run]\nduration =\n", "t.ini:2:", "empty value");
	{
		char big[400];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memcpy(big, "[run]\nname = ", 13);
		fails(big, "t.ini:2:", "line too long");
	}
}
END_TEST

START_TEST(test_error_unknown_hosts)
{
	fails(BASE "[path client nowhere]\n", "t.ini:15: unknown host "
	    "'nowhere' in [path client nowhere] (hosts: server, client)",
	    NULL);
	fails("[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n"
	    "listen = 80\n[workload w]\nclient = ghost\nserver = s\n"
	    "rate = 1/s\n", "t.ini:7: unknown host 'ghost'", "hosts: s");
	fails(BASE "[workload w2]\nclient = client\nserver = ghost:80\n"
	    "rate = 1/s\n", "t.ini:17: unknown host 'ghost'", NULL);
	fails(BASE "[at 10s]\nghost.maxtcptw = 1\n", "t.ini:16: unknown host "
	    "'ghost'", NULL);
	fails(BASE "[at 10s]\nmaxtcptw = 1\n", "t.ini:16:", "HOST.KEY");
	fails(BASE "[at 10s]\nclient.address = 10.0.0.9\n", "t.ini:16:",
	    "cannot change");
	fails(BASE "[at 10s]\nclient.nope = 1\n", "t.ini:16: unknown key "
	    "'nope'", NULL);
	fails(BASE "[at 400s]\nclient.maxtcptw = 1\n", "t.ini:16:",
	    "not before the end");
	/* The address given for a client must be one of its host's. */
	fails("[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n"
	    "listen = 80\n[host c]\naddress = 10.0.0.2\n[workload w]\n"
	    "client = c/10.0.0.1\nserver = s\nrate = 1/s\n", "t.ini:9:",
	    "not an address of [host c]");
}
END_TEST

START_TEST(test_error_address_owned_by_two_hosts)
{
	fails("[run]\nduration = 1s\n[host a]\naddress = 10.0.0.1, 10.0.0.2\n"
	    "[host b]\naddress = 10.0.0.3, 10.0.0.2\n", "t.ini:6: address "
	    "10.0.0.2 of [host b] is already an address of [host a] (line 4)",
	    NULL);
	fails("[run]\nduration = 1s\n[host a]\naddress = 10.0.0.1, 10.0.0.1\n",
	    "t.ini:4:", "twice");
}
END_TEST

START_TEST(test_error_missing_required)
{
	fails("[run]\nseed = 3\n", "t.ini:1: [run] is missing required key "
	    "'duration'", NULL);
	fails("[host a]\naddress = 10.0.0.1\n", "missing [run] section",
	    NULL);
	fails("[run]\nduration = 1s\n[host a]\nlisten = 80\n",
	    "t.ini:3: [host a] is missing required key 'address'", NULL);
	fails(BASE "[workload w2]\nclient = client\nserver = server\n",
	    "t.ini:15: [workload w2] is missing required key 'rate'", NULL);
}
END_TEST

START_TEST(test_error_duplicates)
{
	fails("[run]\nduration = 1s\nduration = 2s\n", "t.ini:3: duplicate "
	    "key 'duration' in [run] (first set at line 2)", NULL);
	fails("[run]\nduration = 1s\n[run]\n", "t.ini:3: duplicate section "
	    "[run] (first at line 1)", NULL);
	fails(BASE "[host client]\naddress = 10.0.0.3\n", "t.ini:15: "
	    "duplicate section [host client] (first at line 8)", NULL);
	fails(BASE "[at 120s]\n[at 2min]\n", "t.ini:16: duplicate section "
	    "[at 2min]", NULL);
}
END_TEST

START_TEST(test_error_server_port_not_listened)
{
	fails("[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n"
	    "listen = 80\n[host c]\naddress = 10.0.0.2\n[workload w]\n"
	    "client = c\nserver = s:8080\nrate = 1/s\n", "t.ini:10:",
	    "does not listen on port 8080");
	/* Port 80 is the default. */
	fails("[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n"
	    "listen = 443\n[host c]\naddress = 10.0.0.2\n[workload w]\n"
	    "client = c\nserver = s\nrate = 1/s\n", "t.ini:10:", "port 80");
	fails("[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n"
	    "[host c]\naddress = 10.0.0.2\n[workload w]\n"
	    "client = c\nserver = s\nrate = 1/s\n", "t.ini:9:",
	    "no listen key");
}
END_TEST

START_TEST(test_error_same_host_pair_twice)
{
	struct scenario *sc;

	fails(BASE "[path client server]\n[path server client]\n",
	    "t.ini:16: section [path server client] describes the path between "
	    "server and client again (already in [path client server] at "
	    "line 15)", NULL);
	fails(BASE "[path client server]\n[path client -> server]\n",
	    "t.ini:16:", "again");
	fails(BASE "[path server -> client]\n[path client server]\n",
	    "t.ini:16:", "again");
	fails(BASE "[path client->server]\n[path client -> server]\n",
	    "t.ini:16:", "again");
	fails(BASE "[path client client]\n", "t.ini:15:",
	    "two different hosts");
	fails(BASE "[path client]\n", "t.ini:15:", "[path A -> B]");
	/* One path each way is fine. */
	sc = load(BASE "[path client -> server]\nloss = 0.1\n"
	    "[path server->client]\nloss = 0.2\n");
	ck_assert_uint_eq(scenario_run_at(sc, 0)->npaths, 2);
	ck_assert(scenario_run_at(sc, 0)->paths[1].loss == 0.2);
	scenario_free(sc);
}
END_TEST

START_TEST(test_error_workload_times)
{
	fails(BASE "stop = 400s\n", "t.ini:15:", "after the end of the run");
	fails(BASE "start = 100s\nstop = 50s\n", "t.ini:15:",
	    "not before stop");
	fails(BASE "client = client:99\n", "t.ini:15:", NULL);
}
END_TEST

/* ---- sweeps ------------------------------------------------------------ */

START_TEST(test_sweep_crosses_keys_in_file_order_repetition_innermost)
{
	struct scenario *sc = load(
	    "[run]\nduration = 300s\nrepeat = 2\n"
	    "[host server]\naddress = 10.0.0.1\nlisten = 80\n"
	    "[host client]\naddress = 10.0.0.2\nmaxtcptw = ${0, 5000}\n"
	    "[workload web]\nclient = client\nserver = server\n"
	    "rate = ${10, 20, 40}/s\n");
	static const char *const labels[] = {
		"maxtcptw=0, rate=10/s", "maxtcptw=0, rate=20/s",
		"maxtcptw=0, rate=40/s", "maxtcptw=5000, rate=10/s",
		"maxtcptw=5000, rate=20/s", "maxtcptw=5000, rate=40/s",
	};
	const struct scenario_run *r;
	size_t i;

	ck_assert_uint_eq(scenario_nruns(sc), 12);
	ck_assert_uint_eq(scenario_npoints(sc), 6);
	ck_assert_uint_eq(scenario_repeat(sc), 2);
	for (i = 0; i < 12; i++) {
		r = scenario_run_at(sc, i);
		ck_assert_uint_eq(r->index, i);
		ck_assert_uint_eq(r->point, i / 2);
		ck_assert_uint_eq(r->repetition, i % 2);
		ck_assert_str_eq(r->label, labels[i / 2]);
		ck_assert_int_eq(r->hosts[1].tun.maxtcptw, i < 6 ? 0 : 5000);
		ck_assert(r->workloads[0].steps[0].rate ==
		    (double)(10 << ((i / 2) % 3)));
	}
	scenario_free(sc);
}
END_TEST

START_TEST(test_sweep_ranges_with_step_and_units_inside)
{
	struct scenario *sc;
	const struct scenario_run *r;

	sc = load(BASE "hold = ${1..5 step 2}ms\n");
	ck_assert_uint_eq(scenario_nruns(sc), 3);
	ck_assert(scenario_run_at(sc, 0)->workloads[0].hold == 1 * SIM_MSEC);
	ck_assert(scenario_run_at(sc, 2)->workloads[0].hold == 5 * SIM_MSEC);
	ck_assert_str_eq(scenario_run_at(sc, 1)->label, "hold=3ms");
	scenario_free(sc);

	/* Decimal steps do not accumulate binary error into the text. */
	sc = load(BASE "[path client server]\nloss = ${0.1..0.3 step 0.1}\n");
	ck_assert_uint_eq(scenario_nruns(sc), 3);
	r = scenario_run_at(sc, 2);
	ck_assert_str_eq(r->label, "loss=0.3");
	ck_assert(r->paths[0].loss == 0.3);
	scenario_free(sc);

	/* No step: 1; units inside each element; a unit on every bound. */
	sc = load(BASE "[path client server]\n"
	    "latency = constant(${1ms, 250us})\n");
	ck_assert_uint_eq(scenario_nruns(sc), 2);
	ck_assert(scenario_run_at(sc, 1)->paths[0].latency.p[0] == 250e3);
	scenario_free(sc);
	/* Commas inside a distribution do not split the sweep. */
	sc = load(BASE "[path client server]\n"
	    "latency = ${uniform(1ms, 2ms), constant(1ms)}\n");
	ck_assert_uint_eq(scenario_nruns(sc), 2);
	ck_assert_str_eq(scenario_run_at(sc, 0)->label,
	    "latency=uniform(1ms, 2ms)");
	ck_assert_int_eq(scenario_run_at(sc, 1)->paths[0].latency.kind,
	    DIST_CONSTANT);
	scenario_free(sc);
	sc = load(BASE "hold = ${1s..3s}\n");
	ck_assert_uint_eq(scenario_nruns(sc), 3);
	ck_assert(scenario_run_at(sc, 2)->workloads[0].hold == 3 * SIM_SEC);
	scenario_free(sc);
}
END_TEST

START_TEST(test_sweep_labels_use_full_keys_when_short_ones_clash)
{
	struct scenario *sc = load(
	    "[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n"
	    "listen = 80\n[host c]\naddress = 10.0.0.2\n"
	    "[workload a]\nclient = c\nserver = s\nrate = ${1, 2}/s\n"
	    "[workload b]\nclient = c\nserver = s\nrate = ${3, 4}/s\n");

	ck_assert_uint_eq(scenario_nruns(sc), 4);
	ck_assert_str_eq(scenario_run_at(sc, 1)->label,
	    "workload.a.rate=1/s, workload.b.rate=4/s");
	scenario_free(sc);
}
END_TEST

/* Two workloads of one client: lines 1-14; text appended starts at 15. */
#define TWO \
	"[run]\nduration = 10s\n"			/* 1-2 */ \
	"[host s]\naddress = 10.0.0.1\nlisten = 80\n"	/* 3-5 */ \
	"[host c]\naddress = 10.0.0.2\n"		/* 6-7 */ \
	"[workload a]\nclient = c\nserver = s\n"	/* 8-10 */ \
	"rate = 1/s\n"					/* 11 */ \
	"[workload b]\nclient = c\nserver = s\n"	/* 12-14 */

START_TEST(test_sweep_named_variable_moves_workloads_in_step)
{
	/* The reference comes first in the file: it is resolved after. */
	struct scenario *sc = load(
	    "[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n"
	    "listen = 80\n[host c]\naddress = 10.0.0.2\n"
	    "maxtcptw = ${0, 500}\n"
	    "[workload a]\nclient = c\nserver = s\nrate = ${r}/s\n"
	    "[workload b]\nclient = c\nserver = s\n"
	    "rate = ${r=10, 20, 40}/s\nhold = ${h=1, 2, 3 ! r}ms\n"
	    "[workload d]\nclient = c\nserver = s\nrate = 2/s\n"
	    "hold = ${h}0ms\n");
	const struct scenario_run *r;
	size_t i;

	/* Two independent sweeps (maxtcptw, r): 2 x 3 points, not 2x3x3x3. */
	ck_assert_uint_eq(scenario_nruns(sc), 6);
	for (i = 0; i < 6; i++) {
		r = scenario_run_at(sc, i);
		ck_assert_int_eq(r->hosts[1].tun.maxtcptw, i < 3 ? 0 : 500);
		ck_assert(r->workloads[0].steps[0].rate ==
		    (double)(10 << (i % 3)));
		ck_assert(r->workloads[1].steps[0].rate ==
		    r->workloads[0].steps[0].rate);
		ck_assert(r->workloads[1].hold ==
		    (sim_time_t)(i % 3 + 1) * SIM_MSEC);
		ck_assert(r->workloads[2].hold ==
		    (sim_time_t)(i % 3 + 1) * 10 * SIM_MSEC);
	}
	/* The label names what varies, once: references add nothing. */
	ck_assert_str_eq(scenario_run_at(sc, 4)->label,
	    "maxtcptw=500, rate=20/s, hold=2ms");
	scenario_free(sc);

	/* An unnamed parallel sweep, and a range as the variable. */
	sc = load(TWO "rate = ${r=1..3}/s\nhold = ${5, 6, 7 ! r}ms\n"
	    "[path c s]\nloss = ${0.1, 0.2, 0.3 ! r}\n");
	ck_assert_uint_eq(scenario_nruns(sc), 3);
	r = scenario_run_at(sc, 2);
	ck_assert(r->workloads[1].steps[0].rate == 3.0);
	ck_assert(r->workloads[1].hold == 7 * SIM_MSEC);
	ck_assert_str_eq(r->label, "rate=3/s, hold=7ms, loss=0.3");
	scenario_free(sc);
}
END_TEST

START_TEST(test_sweep_named_variable_through_set)
{
	static const char *const ov[] = { "workload.a.rate=${r}/s" };
	struct scenario *sc = load_ov(TWO "rate = ${r=3, 4}/s\n", ov, 1, 0);

	ck_assert_uint_eq(scenario_nruns(sc), 2);
	ck_assert(scenario_run_at(sc, 1)->workloads[0].steps[0].rate == 4.0);
	scenario_free(sc);
}
END_TEST

START_TEST(test_error_named_variables_name_file_line_and_text)
{
	static const char *const ov[] = { "workload.a.rate=${q}/s" };

	fails(TWO "rate = ${r}/s\n", "t.ini:15: bad sweep '${r}/s'",
	    "no iteration variable 'r'");
	fails(TWO "rate = ${r=1, 2}/s\nhold = ${r=1, 2}ms\n",
	    "t.ini:16: bad sweep '${r=1, 2}ms'", "already defined at line 15");
	fails(TWO "rate = ${r=1, 2}/s\nhold = ${n=1, 2, 3 ! r}ms\n",
	    "t.ini:16: bad sweep '${n=1, 2, 3 ! r}ms': 3 values, but 'r' "
	    "(line 15) has 2", NULL);
	fails(TWO "hold = ${1, 2 ! nope}ms\nrate = 1/s\n", "t.ini:15:",
	    "no iteration variable 'nope'");
	fails(TWO "hold = ${1, 2 ! }ms\n", "t.ini:15: bad sweep '${1, 2 ! }ms'",
	    "after '!'");
	fails(TWO "hold = ${h=}ms\n", "t.ini:15: bad sweep '${h=}ms'",
	    "no values");
	fails(TWO "rate = ${a=1, 2 ! b}/s\nhold = ${b=1, 2 ! a}ms\n",
	    "t.ini:15:", "circle");
	fails_ov(TWO "rate = 1/s\n", ov, 1, "--set workload.a.rate=${q}/s: bad sweep",
	    "no iteration variable 'q'");
}
END_TEST

START_TEST(test_address_ranges_and_cidr_blocks)
{
	struct scenario *sc;
	const struct scenario_host *h;
	const struct scenario_param *pm;
	size_t i, n;
	int seen = 0;

	sc = load("[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n"
	    "listen = 80\n[host c]\n"
	    "address = 10.0.1.1-10.0.1.20, 10.0.2.0/30, 10.0.3.0/31, "
	    "10.0.4.7/32, 10.0.5.1\n"
	    "[workload w]\nclient = c\nserver = s\nrate = 1/s\n");
	h = &scenario_run_at(sc, 0)->hosts[1];
	/* 20 + 2 (no network, no broadcast) + 2 (/31: both) + 1 + 1. */
	ck_assert_uint_eq(h->naddrs, 26);
	ck_assert_uint_eq(h->addrs[0], 0x0a000101);
	ck_assert_uint_eq(h->addrs[19], 0x0a000114);
	ck_assert_uint_eq(h->addrs[20], 0x0a000201);
	ck_assert_uint_eq(h->addrs[21], 0x0a000202);
	ck_assert_uint_eq(h->addrs[22], 0x0a000300);
	ck_assert_uint_eq(h->addrs[23], 0x0a000301);
	ck_assert_uint_eq(h->addrs[24], 0x0a000407);
	ck_assert_uint_eq(h->addrs[25], 0x0a000501);
	/* The params table keeps the ranges, as the addresses they gave. */
	pm = scenario_run_at(sc, 0)->params;
	n = scenario_run_at(sc, 0)->nparams;
	for (i = 0; i < n; i++)
		if (strcmp(pm[i].key, "host.c.address") == 0) {
			ck_assert_str_eq(pm[i].value, "10.0.1.1-10.0.1.20, "
			    "10.0.2.1-10.0.2.2, 10.0.3.0-10.0.3.1, 10.0.4.7, "
			    "10.0.5.1");
			seen = 1;
		}
	ck_assert(seen);
	scenario_free(sc);

	/* A /24 is 254 addresses: within a host's HOST_MAXADDRS. */
	sc = load("[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n"
	    "listen = 80\n[host c]\naddress = 10.0.1.0/24\n"
	    "[workload w]\nclient = c\nserver = s\nrate = 1/s\n");
	ck_assert_uint_eq(scenario_run_at(sc, 0)->hosts[1].naddrs, 254);
	scenario_free(sc);
}
END_TEST

START_TEST(test_error_address_ranges_name_line_and_text)
{
#define ADDR(a) "[run]\nduration = 10s\n[host s]\naddress = 10.0.0.1\n" \
	"listen = 80\n[host c]\naddress = " a "\n" \
	"[workload w]\nclient = c\nserver = s\nrate = 1/s\n"
	fails(ADDR("10.0.1.9-10.0.1.3"), "t.ini:7: bad value "
	    "'10.0.1.9-10.0.1.3'", "below the first");
	fails(ADDR("10.0.1.1-10.0.1"), "t.ini:7:", "not an address range");
	fails(ADDR("10.0.1.3/30"), "t.ini:7: bad value '10.0.1.3/30'",
	    "host bits set (the network is 10.0.1.0/30)");
	fails(ADDR("10.0.1.0/33"), "t.ini:7:", "not a CIDR block");
	fails(ADDR("10.0.1.0/"), "t.ini:7:", "not a CIDR block");
	fails(ADDR("10.0.0.0/23"), "t.ini:7: bad value '10.0.0.0/23'",
	    "more than 256 addresses");
	fails(ADDR("10.0.1.0-10.0.1.200, 10.0.2.0/26"), "t.ini:7:",
	    "'10.0.2.0/26' makes more than 256");
	fails(ADDR("10.0.1.5, 10.0.1.0/29"), "t.ini:7:",
	    "address 10.0.1.5 listed twice");
	/* A range's address owned by another host. */
	fails("[run]\nduration = 10s\n[host s]\naddress = 10.0.1.6\n"
	    "listen = 80\n[host c]\naddress = 10.0.1.0/29\n"
	    "[workload w]\nclient = c\nserver = s\nrate = 1/s\n", "t.ini:7:",
	    "10.0.1.6");
#undef ADDR
}
END_TEST

START_TEST(test_error_bad_sweep_syntax)
{
	fails(BASE "hold = ${1ms, 2ms\n", "t.ini:15: bad sweep", "'}'");
	fails(BASE "hold = ${1ms, , 2ms}\n", "t.ini:15: bad sweep", "empty");
	fails(BASE "hold = ${1..}ms\n", "t.ini:15: bad sweep", NULL);
	fails(BASE "hold = ${5..1}ms\n", "t.ini:15: bad sweep", "below");
	fails(BASE "hold = ${1..5 step 0}ms\n", "t.ini:15: bad sweep",
	    "positive");
	fails(BASE "hold = ${1..5 step x}ms\n", "t.ini:15: bad sweep", NULL);
	fails(BASE "hold = ${1ms..5s}\n", "t.ini:15: bad sweep", "same unit");
	fails(BASE "hold = ${1, 2}s${5, 6}\n", "t.ini:15:", "only one");
	fails("[run]\nduration = 1s\nrepeat = ${1, 2}\n", "t.ini:3:",
	    "may not be swept");
	fails(BASE "hold = ${1..100000}ms\n", "t.ini:15:", "more than");
	/* A swept value that is bad names the sweep point. */
	fails(BASE "hold = ${1ms, 2xs}\n", "t.ini:15: bad value '2xs' for hold",
	    "(sweep point hold=2xs)");
}
END_TEST

/* A nested sweep is refused as such, quoting the value as written. */
START_TEST(test_error_nested_sweep_names_the_value)
{
	struct scenario *sc;

	fails(BASE "hold = ${1ms, ${2ms, 3ms}}\n", "t.ini:15: bad sweep "
	    "'${1ms, ${2ms, 3ms}}': a sweep cannot hold another sweep", NULL);
	fails(BASE "hold = ${${1, 2}ms\n", "t.ini:15:", "cannot hold another");
	/* A sweep longer than any line, continued over lines, is read. */
	{
		char text[8192];
		size_t n = (size_t)snprintf(text, sizeof(text), "%shold = ${",
		    BASE);
		int i;

		for (i = 1; i <= 300; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    "%d%s", i, i == 300 ? "}ms\n" : i % 20 == 0 ?
			    ", \\\n" : ", ");
		sc = load(text);
		ck_assert_uint_eq(scenario_npoints(sc), 300);
		ck_assert_str_eq(scenario_run_at(sc, 299)->label,
		    "hold=300ms");
		scenario_free(sc);
	}
}
END_TEST

/*
 * What the models would refuse when a run builds its world is refused at
 * the key, as the user wrote it: 32-bit request and response sizes
 * (WORKLOAD_MAXBYTES), INADDR_ANY, HOST_MAXADDRS addresses,
 * WORKLOAD_MAXSTEPS rate steps.  Long lists are read and recorded whole.
 */
START_TEST(test_error_model_limits_are_refused_at_the_key)
{
	char text[8192];
	struct scenario *sc;
	size_t n, last = 0;
	int i;

	fails(BASE "request = 4GiB\n", "t.ini:15: bad value '4GiB' for request "
	    "in [workload web]: out of range (0B to 4294967295B)", NULL);
	fails(BASE "response = 5GiB\n", "t.ini:15: bad value '5GiB' for "
	    "response", "out of range");
	sc = load(BASE "request = 4294967295B\n");
	ck_assert_uint_eq(scenario_run_at(sc, 0)->workloads[0].request,
	    4294967295ULL);
	scenario_free(sc);
	fails(BASE "[host x]\naddress = 10.0.0.7, 0.0.0.0\n", "t.ini:16: bad "
	    "value '10.0.0.7, 0.0.0.0' for address in [host x]: 0.0.0.0 is no "
	    "address of a host (it means any address)", NULL);
	n = (size_t)snprintf(text, sizeof(text), "%s[host x]\naddress = ",
	    BASE);
	/* HOST_MAXADDRS (256) + 1 addresses, written one by one. */
	for (i = 1; i <= 257; i++) {
		if (i == 257)
			last = n;
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "10.1.%d.%d%s", i / 200, i % 200 + 1, i == 257 ? "\n" :
		    ", \\\n");
	}
	ck_assert_uint_lt(n, sizeof(text));
	fails(text, "t.ini:16:", "more than 256 addresses (a host owns at "
	    "most 256)");
	/* The first 256 fit. */
	text[last - strlen(", \\\n")] = '\0';
	strcat(text, "\n");
	sc = load(text);
	ck_assert_uint_eq(scenario_run_at(sc, 0)->hosts[2].naddrs, 256);
	scenario_free(sc);
	/* BASE without its last line (rate = 10/s), then 33 steps. */
	n = strlen(BASE) - strlen("rate = 10/s\n");
	memcpy(text, BASE, n);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "rate = 1/s");
	for (i = 1; i <= 32; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", \\\n"
		    "%d/s@%ds", i, i);
	strcat(text, "\n");
	fails(text, "t.ini:14:", "more than 32 rate steps");
	/* 256 listening ports: every one kept, in the canonical text too. */
	n = (size_t)snprintf(text, sizeof(text), "%s[host x]\naddress = "
	    "10.0.0.7\nlisten = ", BASE);
	for (i = 1; i <= 256; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%d%s",
		    1000 + i, i == 256 ? "\n" : i % 16 ? ", " : ", \\\n");
	sc = load(text);
	ck_assert_uint_eq(scenario_run_at(sc, 0)->hosts[2].nlisten, 256);
	ck_assert_ptr_nonnull(strstr(scenario_run_param(scenario_run_at(sc,
	    0), "host.x.listen"), "1255, 1256"));
	scenario_free(sc);
	/*
	 * One more is refused; the message quoting all 257 keeps its start
	 * and what is wrong, leaving out the middle.
	 */
	text[strlen(text) - 1] = '\0';
	strcat(text, ", 1257\n");
	fails(text, "t.ini:17: bad value '1001, 1002, 1003,", "characters left "
	    "out] ... ");
	ck_assert_msg(strstr(err, "1256, 1257' for listen in [host x]: more "
	    "than 256 ports") != NULL, "%s", err);
}
END_TEST

START_TEST(test_error_too_many_runs)
{
	fails(BASE "hold = ${1..1000}ms\nsport = ${1..1000}\n", "t.ini:",
	    "more than 100000 runs");
}
END_TEST

/* ---- overrides --------------------------------------------------------- */

START_TEST(test_set_overrides_a_key_of_each_section_kind)
{
	const char *const ov[] = {
		"run.duration=20s", "host.client.maxtcptw = 77",
		"workload.web.rate=5/s", "path.client.server.loss=0.25",
		"path.client->server.loss=0.5", "at.10s.client.msl=1s",
		"at.5s.client.maxtcptw=3", "run.seed=0",
	};
	struct scenario *sc = load_ov(BASE "[path client server]\n"
	    "[host third]\naddress = 10.0.0.3\n[path client -> third]\n"
	    "[at 10s]\nclient.msl = 2s\n", ov, 4, 0);
	const struct scenario_run *r = scenario_run_at(sc, 0);

	ck_assert(r->duration == 20 * SIM_SEC);
	ck_assert_int_eq(r->hosts[1].tun.maxtcptw, 77);
	ck_assert(r->workloads[0].steps[0].rate == 5);
	ck_assert(r->paths[0].loss == 0.25 && r->paths[1].loss == 0.25);
	/* The workload's default stop follows the new duration. */
	ck_assert(r->workloads[0].stop == 20 * SIM_SEC);
	scenario_free(sc);

	fails_ov(BASE "[path client server]\n", ov + 4, 1,
	    "--set path.client->server.loss=0.5: t.ini has no [path client -> "
	    "server] section", NULL);

	sc = load_ov(BASE "[at 10s]\nclient.msl = 2s\n", ov + 5, 3, 0);
	r = scenario_run_at(sc, 0);
	/* Replaced at 10s, created at 5s; sorted by time. */
	ck_assert_uint_eq(r->nchanges, 2);
	ck_assert(r->changes[0].at == 5 * SIM_SEC && r->changes[0].value == 3);
	ck_assert(r->changes[1].at == 10 * SIM_SEC &&
	    r->changes[1].value == SIM_SEC);
	ck_assert(r->master_seed == 0);
	scenario_free(sc);
}
END_TEST

START_TEST(test_set_with_a_sweep_keeps_file_order)
{
	const char *const ov[] = { "workload.web.rate=${1, 2}/s" };
	struct scenario *sc = load_ov(BASE "hold = ${1ms, 2ms}\n", ov, 1, 0);

	/* rate (line 14) comes before hold (line 15): rate varies slowest. */
	ck_assert_uint_eq(scenario_nruns(sc), 4);
	ck_assert_str_eq(scenario_run_at(sc, 1)->label, "rate=1/s, hold=2ms");
	ck_assert_str_eq(scenario_run_at(sc, 2)->label, "rate=2/s, hold=1ms");
	scenario_free(sc);
}
END_TEST

/* A --set value is as long as it needs to be: a sweep of 500 rates. */
START_TEST(test_set_takes_a_long_sweep)
{
	char set[4096];
	const char *ov[] = { set };
	struct scenario *sc;
	size_t n;
	int i;

	n = (size_t)snprintf(set, sizeof(set), "workload.web.rate=${");
	for (i = 1; i <= 500; i++)
		n += (size_t)snprintf(set + n, sizeof(set) - n, "%d%s", i,
		    i == 500 ? "}/s" : ", ");
	ck_assert_uint_gt(n, 1024);
	sc = load_ov(BASE, ov, 1, 0);
	ck_assert_uint_eq(scenario_npoints(sc), 500);
	ck_assert_str_eq(scenario_run_at(sc, 499)->label, "rate=500/s");
	scenario_free(sc);
}
END_TEST

START_TEST(test_set_of_unknown_key_or_section_is_an_error)
{
	const char *const k1[] = { "host.client.maxtcpwt=5" };
	const char *const k2[] = { "host.nobody.maxtcptw=5" };
	const char *const k3[] = { "duration=5s" };
	const char *const k4[] = { "run.duration" };
	const char *const k5[] = { "zone.a.b=1" };
	const char *const k6[] = { "workload.web.rate=fast" };
	const char *const k7[] = { "at.10s.client.address=10.0.0.9" };

	fails_ov(BASE, k1, 1, "--set host.client.maxtcpwt=5: unknown key "
	    "'maxtcpwt' in [host client] (did you mean 'maxtcptw'?", NULL);
	fails_ov(BASE, k2, 1, "--set host.nobody.maxtcptw=5:",
	    "no [host nobody] section");
	fails_ov(BASE, k3, 1, "--set duration=5s:", "SECTION.KEY");
	fails_ov(BASE, k4, 1, "--set run.duration:", "KEY=VALUE");
	fails_ov(BASE, k5, 1, "--set zone.a.b=1:", "unknown section kind");
	fails_ov(BASE, k6, 1, "--set workload.web.rate=fast: bad value "
	    "'fast' for rate", NULL);
	fails_ov(BASE, k7, 1, "--set at.10s.client.address=10.0.0.9:",
	    "cannot change");
}
END_TEST

START_TEST(test_set_can_supply_a_required_key)
{
	const char *const ov[] = { "run.duration=${1s, 2s}" };
	struct scenario *sc = load_ov("[run]\n", ov, 1, 0);

	ck_assert_uint_eq(scenario_nruns(sc), 2);
	ck_assert(scenario_run_at(sc, 1)->duration == 2 * SIM_SEC);
	ck_assert_str_eq(scenario_run_at(sc, 1)->label, "duration=2s");
	scenario_free(sc);
}
END_TEST

/* ---- seeds --------------------------------------------------------------- */

START_TEST(test_seed_same_across_points_differs_across_repetitions)
{
	struct scenario *sc = load("[run]\nduration = 10s\nrepeat = 3\n"
	    "seed = 42\nsample = ${1s, 2s}\n");
	const struct scenario_run *a, *b;
	unsigned rep;
	char name[32];

	ck_assert_uint_eq(scenario_nruns(sc), 6);
	for (rep = 0; rep < 3; rep++) {
		a = scenario_run_at(sc, rep);
		b = scenario_run_at(sc, 3 + rep);
		ck_assert_uint_eq(a->repetition, rep);
		ck_assert(a->seed == b->seed);
		snprintf(name, sizeof(name), "repetition/%u", rep);
		ck_assert(a->seed == rng_derive_seed(42, name));
	}
	ck_assert(scenario_run_at(sc, 0)->seed !=
	    scenario_run_at(sc, 1)->seed);
	ck_assert(scenario_run_at(sc, 1)->seed !=
	    scenario_run_at(sc, 2)->seed);
	scenario_free(sc);
}
END_TEST

START_TEST(test_seed_override_changes_every_run)
{
	const char *text = "[run]\nduration = 10s\nrepeat = 2\nseed = 42\n";
	struct scenario *a = load(text), *b = load_ov(text, NULL, 0, 43);
	size_t i;

	ck_assert(scenario_master_seed(b) == 43);
	for (i = 0; i < 2; i++) {
		ck_assert(scenario_run_at(a, i)->seed !=
		    scenario_run_at(b, i)->seed);
		ck_assert(scenario_run_at(b, i)->seed ==
		    rng_derive_seed(43, i ? "repetition/1" : "repetition/0"));
	}
	scenario_free(a);
	scenario_free(b);
}
END_TEST

/* ---- files ----------------------------------------------------------------- */

static void
fixture(char *buf, size_t len, const char *rel)
{
	const char *srcdir = getenv("srcdir");

	snprintf(buf, len, "%s/tests/scenarios/%s", srcdir ? srcdir : ".",
	    rel);
}

START_TEST(test_load_fixture_file)
{
	struct scenario *sc = NULL;
	char path[1024];
	const struct scenario_run *r;

	fixture(path, sizeof(path), "good/web.ini");
	ck_assert_msg(scenario_load(path, NULL, 0, 0, &sc, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(scenario_name(sc), "client-exhaustion");
	ck_assert_str_eq(scenario_path(sc), path);
	ck_assert_uint_eq(scenario_nruns(sc), 9);
	r = scenario_run_at(sc, 8);
	ck_assert_str_eq(r->label, "rate=40/s");
	ck_assert_int_eq(r->hosts[1].tun.portrange_last, 10999);
	ck_assert_uint_eq(r->nchanges, 1);
	scenario_free(sc);
}
END_TEST

START_TEST(test_load_bad_fixture_names_file_and_line)
{
	struct scenario *sc = NULL;
	char path[1024], want[1100];

	fixture(path, sizeof(path), "bad/unknown-key.ini");
	ck_assert_int_ne(scenario_load(path, NULL, 0, 0, &sc, err,
	    sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s:7: unknown key 'maxtcpwt'", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	ck_assert_int_ne(scenario_load("/nonexistent/x.ini", NULL, 0, 0, &sc,
	    err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.ini"));
}
END_TEST

START_TEST(test_check_command_lists_runs_and_exits_2_on_errors)
{
	static char out[65536];
	char good[1024], bad[1024];
	char *a1[] = { "check", good, "--set", "run.repeat=2", "--seed", "7",
	    NULL };
	char *a2[] = { "check", bad, NULL };
	char *a3[] = { "check", NULL };
	char *a4[] = { "check", "--help", NULL };
	char *a5[] = { "check", good, "--set", "host.client.nope=1", NULL };

	fixture(good, sizeof(good), "good/web.ini");
	fixture(bad, sizeof(bad), "bad/unknown-key.ini");
	ck_assert_int_eq(capture_cmd(cmd_check, 6, a1, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "6 runs = 3 sweep points x 2 repetitions, "
	    "master seed 7") != NULL, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "rate=40/s"));
	ck_assert_ptr_nonnull(strstr(out, "300s"));
	ck_assert_int_eq(capture_cmd(cmd_check, 2, a2, out, sizeof(out)), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown-key.ini:7: unknown key"));
	ck_assert_int_eq(capture_cmd(cmd_check, 1, a3, out, sizeof(out)), 2);
	ck_assert_int_eq(capture_cmd(cmd_check, 2, a4, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "usage: twsim check"));
	ck_assert_int_eq(capture_cmd(cmd_check, 4, a5, out, sizeof(out)), 2);
	ck_assert_ptr_nonnull(strstr(out, "--set host.client.nope=1"));
}
END_TEST

/*
 * PORT-1: a reversed portrange loads as written (the kernel swaps where it
 * uses it); WL-9: a client without /ADDRESS spreads over all addresses.
 */
START_TEST(test_port1_wl9_reversed_range_and_client_without_address)
{
	struct scenario *sc;
	const struct scenario_run *r;

	sc = load("[run]\nduration = 1s\n[host s]\naddress = 10.0.0.1\n"
	    "listen = 80\n[host c]\naddress = 10.0.0.2, 10.0.0.3\n"
	    "portrange = 2000-1000\n[workload w]\nclient = c\n"
	    "server = s:80\nrate = 1/s\n");
	r = scenario_run_at(sc, 0);
	ck_assert_int_eq(r->hosts[1].tun.portrange_first, 2000);
	ck_assert_int_eq(r->hosts[1].tun.portrange_last, 1000);
	ck_assert_uint_eq(r->workloads[0].client_addr, 0);
	scenario_free(sc);
}
END_TEST

static Suite *
scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc;

	tc = tcase_create("model");
	tcase_add_test(tc, test_minimal_scenario_takes_defaults_and_file_name);
	tcase_add_test(tc, test_host_tunable_defaults_are_freebsd9);
	tcase_add_test(tc, test_full_scenario_fills_every_struct);
	tcase_add_test(tc, test_change_names_its_table_row);
	tcase_add_test(tc, test_unnamed_host_pairs_take_the_net1_default_path);
	tcase_add_test(tc, test_comments_crlf_and_blanks_are_ignored);
	tcase_add_test(tc, test_continued_value_joins_lines_with_a_blank);
	tcase_add_test(tc, test_connections_auto_turns_off_at_a_million);
	tcase_add_test(tc,
	    test_resolved_params_list_every_key_in_canonical_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc,
	    test_error_unknown_key_names_line_suggestion_and_choices);
	tcase_add_test(tc, test_error_unknown_section);
	tcase_add_test(tc, test_lnx21_stack_picks_the_defaults_of_its_kernel);
	tcase_add_test(tc,
	    test_lnx21_tunable_the_stack_lacks_is_an_error_with_line);
	tcase_add_test(tc, test_error_bad_values_and_units);
	tcase_add_test(tc, test_host6_msl_beyond_32bit_ticks_names_its_line);
	tcase_add_test(tc,
	    test_port1_wl9_reversed_range_and_client_without_address);
	tcase_add_test(tc, test_error_syntax_lines);
	tcase_add_test(tc, test_error_unknown_hosts);
	tcase_add_test(tc, test_error_address_owned_by_two_hosts);
	tcase_add_test(tc, test_error_missing_required);
	tcase_add_test(tc, test_error_duplicates);
	tcase_add_test(tc, test_error_server_port_not_listened);
	tcase_add_test(tc, test_error_same_host_pair_twice);
	tcase_add_test(tc, test_error_workload_times);
	tcase_add_test(tc, test_error_model_limits_are_refused_at_the_key);
	tcase_add_test(tc, test_error_continuation_misplaced_and_long_lines);
	suite_add_tcase(s, tc);

	tc = tcase_create("sweeps");
	tcase_add_test(tc,
	    test_sweep_crosses_keys_in_file_order_repetition_innermost);
	tcase_add_test(tc, test_sweep_ranges_with_step_and_units_inside);
	tcase_add_test(tc, test_sweep_labels_use_full_keys_when_short_ones_clash);
	tcase_add_test(tc, test_error_bad_sweep_syntax);
	tcase_add_test(tc, test_sweep_named_variable_moves_workloads_in_step);
	tcase_add_test(tc, test_sweep_named_variable_through_set);
	tcase_add_test(tc,
	    test_error_named_variables_name_file_line_and_text);
	tcase_add_test(tc, test_address_ranges_and_cidr_blocks);
	tcase_add_test(tc, test_error_address_ranges_name_line_and_text);
	tcase_add_test(tc, test_error_too_many_runs);
	tcase_add_test(tc, test_error_nested_sweep_names_the_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("overrides");
	tcase_add_test(tc, test_set_overrides_a_key_of_each_section_kind);
	tcase_add_test(tc, test_set_with_a_sweep_keeps_file_order);
	tcase_add_test(tc, test_set_takes_a_long_sweep);
	tcase_add_test(tc, test_set_of_unknown_key_or_section_is_an_error);
	tcase_add_test(tc, test_set_can_supply_a_required_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("seeds");
	tcase_add_test(tc,
	    test_seed_same_across_points_differs_across_repetitions);
	tcase_add_test(tc, test_seed_override_changes_every_run);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, test_load_fixture_file);
	tcase_add_test(tc, test_load_bad_fixture_names_file_and_line);
	tcase_add_test(tc, test_check_command_lists_runs_and_exits_2_on_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(scenario_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
