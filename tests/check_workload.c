/*
 * check_workload.c -- applications (models/workload.c): arrival processes
 * WL-1..WL-4, connection records WL-5, server applications WL-6, fixed
 * source ports WL-7 and the listen-only server, over the real TCP model.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "models/workload.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

#define CADDR	FX_ADDR(10, 0, 0, 2)
#define SADDR	FX_ADDR(10, 0, 0, 1)
#define CADDR2	FX_ADDR(10, 0, 0, 3)

#define MAXR	40000
static struct conn_record recs[MAXR];
static int nrecs;
static int outcomes[CONN_NOUTCOMES];

static struct sim *sim;
static struct net *net;
static struct host *cli, *srv;

static void
record(void *ctx, const struct conn_record *r)
{

	(void)ctx;
	if (nrecs < MAXR)
		recs[nrecs] = *r;
	nrecs++;
	outcomes[r->outcome]++;
}

static void
setup_with(const struct host_tunables *ct)
{

	nrecs = 0;
	memset(outcomes, 0, sizeof(outcomes));
	fx_world_create(3, &sim, &net);
	cli = fx_host(net, "client", ct, CADDR);
	srv = fx_host(net, "server", NULL, SADDR);
}

static void
setup(void)
{

	setup_with(NULL);
}

static void
teardown(void)
{

	fx_world_destroy(&sim, &net);
}

static void
config(struct workload_config *c, const char *name, double rate)
{

	memset(c, 0, sizeof(*c));
	c->name = name;
	c->client = cli;
	c->server = srv;
	c->server_port = 80;
	c->arrival = WORKLOAD_CONSTANT;
	c->nsteps = 1;
	c->steps[0].start = 0;
	c->steps[0].rate = rate;
	c->request = 100;
	c->response = 1000;
	c->close_by = WORKLOAD_CLOSE_CLIENT;
}

static struct workload *
create(const struct workload_config *c)
{
	char err[256];
	struct workload *w;

	w = workload_create(net, c, record, NULL, err, sizeof(err));
	ck_assert_msg(w != NULL, "%s", err);
	return (w);
}

/* WL-2: constant arrivals are exact: start, then every 1/rate. */
START_TEST(test_wl2_constant_arrivals_exact)
{
	struct workload_config c;
	struct workload *w;
	int i;

	config(&c, "c", 10);
	c.start = SIM_SEC;
	c.stop = 11 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 20 * SIM_SEC, 0);
	ck_assert_uint_eq(workload_started(w), 100);
	ck_assert_int_eq(nrecs, 100);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(recs[i].t_start,
		    SIM_SEC + i * 100 * SIM_MSEC);
	workload_destroy(w);
}
END_TEST

/* WL-1: Poisson arrivals: mean rate and exponential gaps (CV 1). */
START_TEST(test_wl1_poisson_rate_and_gaps)
{
	struct workload_config c;
	struct workload *w;
	double mean = 0, var = 0, g;
	int i, n;

	config(&c, "p", 200);
	c.arrival = WORKLOAD_POISSON;
	c.stop = 50 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 60 * SIM_SEC, 0);
	n = (int)workload_started(w);
	/* 10000 expected, sd 100: 5 sd. */
	ck_assert_int_gt(n, 9500);
	ck_assert_int_lt(n, 10500);
	ck_assert_int_eq(nrecs, n);
	for (i = 1; i < n; i++)
		mean += sim_time_to_sec(recs[i].t_start - recs[i - 1].t_start);
	mean /= n - 1;
	for (i = 1; i < n; i++) {
		g = sim_time_to_sec(recs[i].t_start - recs[i - 1].t_start);
		var += (g - mean) * (g - mean);
	}
	var /= n - 2;
	ck_assert_double_eq_tol(mean, 1.0 / 200, 0.0003);
	ck_assert_double_eq_tol(sqrt(var) / mean, 1.0, 0.05);
	ck_assert_int_eq(outcomes[CONN_OK], n);
	workload_destroy(w);
}
END_TEST

/* WL-3: the rate changes at each step start. */
START_TEST(test_wl3_rate_steps)
{
	struct workload_config c;
	struct workload *w;
	int i, before = 0;

	config(&c, "s", 10);
	c.nsteps = 3;
	c.steps[1].start = 10 * SIM_SEC;
	c.steps[1].rate = 50;
	/* WL-4: a rate-0 step has no arrivals. */
	c.steps[2].start = 20 * SIM_SEC;
	c.steps[2].rate = 0;
	c.stop = 30 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 40 * SIM_SEC, 0);
	ck_assert_uint_eq(workload_started(w), 100 + 500);
	for (i = 0; i < nrecs; i++)
		if (recs[i].t_start < 10 * SIM_SEC)
			before++;
	ck_assert_int_eq(before, 100);
	/* The new rate's first arrival is at its start. */
	ck_assert_int_eq(recs[100].t_start, 10 * SIM_SEC);
	ck_assert_int_eq(recs[101].t_start, 10 * SIM_SEC + 20 * SIM_MSEC);
	ck_assert_int_lt(recs[599].t_start, 20 * SIM_SEC);
	workload_destroy(w);
}
END_TEST

START_TEST(test_wl3_poisson_steps)
{
	struct workload_config c;
	struct workload *w;
	int i, a = 0, b = 0;

	config(&c, "ps", 100);
	c.arrival = WORKLOAD_POISSON;
	c.nsteps = 2;
	c.steps[1].start = 20 * SIM_SEC;
	c.steps[1].rate = 400;
	c.stop = 40 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 50 * SIM_SEC, 0);
	for (i = 0; i < nrecs; i++) {
		if (recs[i].t_start < 20 * SIM_SEC)
			a++;
		else
			b++;
	}
	/* 2000 (sd 45) and 8000 (sd 89). */
	ck_assert_int_gt(a, 1775);
	ck_assert_int_lt(a, 2225);
	ck_assert_int_gt(b, 7550);
	ck_assert_int_lt(b, 8450);
	workload_destroy(w);
}
END_TEST

/* WL-5: records of completed connections. */
START_TEST(test_wl5_records_ok_connections)
{
	struct workload_config c;
	struct workload *w;

	config(&c, "r", 1);
	c.stop = 1;
	c.hold = 100 * SIM_MSEC;
	w = create(&c);
	(void)sim_run(sim, 10 * SIM_SEC, 0);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].outcome, CONN_OK);
	ck_assert_str_eq(recs[0].workload, "r");
	ck_assert_str_eq(recs[0].client, "client");
	ck_assert_str_eq(recs[0].server, "server:80");
	ck_assert_int_eq(recs[0].t_start, 0);
	/* 1 ms paths: SYN-ACK back at 2 ms. */
	ck_assert_int_eq(recs[0].t_established, 2 * SIM_MSEC);
	/* Request out at 2 ms, response in at 4 ms, hold 100 ms. */
	ck_assert_int_eq(recs[0].t_end, 104 * SIM_MSEC);
	ck_assert_int_eq(recs[0].syn_sent, 1);
	ck_assert_uint_ge(recs[0].lport, 10000);
	ck_assert_uint_ne(recs[0].conn_id, 0);
	ck_assert_uint_eq(workload_active(w), 0);
	workload_destroy(w);
}
END_TEST

/* WL-5: no port: addrnotavail, lport 0, no SYN. */
START_TEST(test_wl5_addrnotavail_outcome)
{
	struct host_tunables t;
	struct workload_config c;
	struct workload *w;

	host_tunables_init(&t);
	t.portrange_first = 20000;
	t.portrange_last = 20001;
	teardown();
	setup_with(&t);
	config(&c, "x", 10);
	c.stop = 2 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 3 * SIM_SEC, 0);
	/* Two ports, each held 2MSL in the client's TIME_WAIT. */
	ck_assert_int_eq(outcomes[CONN_OK], 2);
	ck_assert_int_eq(outcomes[CONN_ADDRNOTAVAIL], 18);
	ck_assert_int_eq(recs[2].outcome, CONN_ADDRNOTAVAIL);
	ck_assert_uint_eq(recs[2].lport, 0);
	ck_assert_int_eq(recs[2].syn_sent, 0);
	ck_assert_int_eq(recs[2].t_established, -1);
	ck_assert_int_eq(recs[2].t_end, recs[2].t_start);
	ck_assert_uint_eq(cli->stat.conn_failed_addrnotavail, 18);
	workload_destroy(w);
}
END_TEST

/* WL-5: a server that never answers: timeout after keepinit. */
START_TEST(test_wl5_timeout_outcome)
{
	struct workload_config c;
	struct net_path_config pc;
	struct workload *w;
	char err[256];

	memset(&pc, 0, sizeof(pc));
	pc.latency.kind = DIST_CONSTANT;
	pc.latency.p[0] = SIM_MSEC;
	pc.loss = 1.0;
	pc.duplicate_delay.kind = DIST_CONSTANT;
	ck_assert_int_eq(net_set_path(net, cli, srv, &pc, err, sizeof(err)),
	    0);
	config(&c, "t", 1);
	c.stop = 1;
	w = create(&c);
	(void)sim_run(sim, 100 * SIM_SEC, 0);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].outcome, CONN_TIMEOUT);
	ck_assert_int_eq(recs[0].syn_sent, 9);
	ck_assert_int_eq(recs[0].t_end, 75 * SIM_SEC);
	workload_destroy(w);
}
END_TEST

/* WL-5: connections open at destroy are reported with t_end -1. */
START_TEST(test_wl5_open_at_destroy_reported)
{
	struct workload_config c;
	struct workload *w;
	int i, open = 0, ended = 0;

	config(&c, "o", 10);
	c.hold = 5 * SIM_SEC;
	c.stop = 10 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 10 * SIM_SEC, 0);
	ended = nrecs;
	ck_assert_int_ge(ended, 45);
	ck_assert_int_le(ended, 55);
	workload_destroy(w);
	ck_assert_int_eq(nrecs, 100);
	for (i = ended; i < nrecs; i++) {
		ck_assert_int_eq(recs[i].t_end, -1);
		ck_assert_int_ge(recs[i].t_established, recs[i].t_start);
		open++;
	}
	ck_assert_int_eq(open, 100 - ended);
}
END_TEST

/* WL-6: close_by decides who holds TIME_WAIT. */
START_TEST(test_wl6_close_by_server_puts_server_in_time_wait)
{
	struct workload_config c;
	struct workload *w;

	config(&c, "srv", 10);
	c.close_by = WORKLOAD_CLOSE_SERVER;
	c.stop = 10 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 10 * SIM_SEC, 0);
	ck_assert_int_eq(outcomes[CONN_OK], 100);
	ck_assert_int_ge(host_tw_count(srv), 99);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_uint_eq(srv->stat.tw_entered, 100);
	ck_assert_uint_eq(cli->stat.tw_entered, 0);
	workload_destroy(w);
}
END_TEST

START_TEST(test_wl6_close_by_client_puts_client_in_time_wait)
{
	struct workload_config c;
	struct workload *w;

	config(&c, "cli", 10);
	c.stop = 10 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 10 * SIM_SEC, 0);
	ck_assert_int_eq(outcomes[CONN_OK], 100);
	ck_assert_uint_eq(cli->stat.tw_entered, 100);
	ck_assert_uint_eq(srv->stat.tw_entered, 0);
	workload_destroy(w);
}
END_TEST

/* WL-6: workloads sharing a server must agree. */
START_TEST(test_wl6_shared_server_must_agree)
{
	struct workload_config a, b;
	struct workload *wa, *wb;
	char err[256];

	config(&a, "alpha", 1);
	config(&b, "beta", 1);
	wa = create(&a);
	wb = create(&b);		/* same values: shares */
	b.name = "gamma";
	b.response = 5;
	err[0] = '\0';
	ck_assert_ptr_null(workload_create(net, &b, record, NULL, err,
	    sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "alpha"));
	ck_assert_ptr_nonnull(strstr(err, "gamma"));
	workload_destroy(wa);
	/* The server lives on while beta uses it. */
	ck_assert_ptr_nonnull(tcp_usr_listener(srv, 0, 80));
	workload_destroy(wb);
	ck_assert_ptr_null(tcp_usr_listener(srv, 0, 80));
}
END_TEST

/*
 * WL-10: close_delay makes the second closer slow.  With close_by client
 * the server closes 3 s after the client's FIN, so each client
 * connection waits in FIN_WAIT_2 (holding its port, FW2-1) for those 3 s
 * before its TIME_WAIT starts; with close_by server the client does, and
 * the server waits.  Workloads sharing a server must agree on it.
 */
START_TEST(test_wl10_close_delay_keeps_the_first_closer_in_fin_wait_2)
{
	struct workload_config c, d;
	struct workload *w;
	char err[256];

	config(&c, "slow-server", 1);
	c.close_delay = 3 * SIM_SEC;
	c.stop = 500 * SIM_MSEC;		/* one connection, at 0 s */
	w = create(&c);
	(void)sim_run(sim, 2 * SIM_SEC, 0);
	ck_assert_int_eq(outcomes[CONN_OK], 1);	/* the client closed */
	ck_assert_int_eq(host_tw_count(cli), 0);	/* FIN_WAIT_2 */
	ck_assert_int_eq(host_ports_in_use(cli), 1);
	(void)sim_run(sim, 4 * SIM_SEC, 0);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_uint_eq(cli->stat.tw_entered, 1);

	config(&d, "other", 1);
	d.close_delay = 1 * SIM_SEC;
	err[0] = '\0';
	ck_assert_ptr_null(workload_create(net, &d, record, NULL, err,
	    sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "close_delay"));
	workload_destroy(w);

	config(&c, "slow-client", 1);
	c.close_by = WORKLOAD_CLOSE_SERVER;
	c.close_delay = 3 * SIM_SEC;
	c.start = 10 * SIM_SEC;
	c.stop = 10 * SIM_SEC + 500 * SIM_MSEC;
	w = create(&c);
	(void)sim_run(sim, 12 * SIM_SEC, 0);
	ck_assert_int_eq(outcomes[CONN_OK], 1);	/* not yet closed */
	ck_assert_int_eq(host_tw_count(srv), 0);
	(void)sim_run(sim, 14 * SIM_SEC, 0);
	ck_assert_int_eq(outcomes[CONN_OK], 2);
	ck_assert_int_eq(host_tw_count(srv), 1);
	/* The report of a delayed close carries its real end. */
	ck_assert_int_ge(recs[nrecs - 1].t_end, 13 * SIM_SEC);
	workload_destroy(w);
}
END_TEST

/*
 * WL-9: a client with two addresses uses both in turn, each with its own
 * ports, so it has twice the ports of a one-address client; a workload
 * pinned to one address (client = HOST/ADDRESS) uses that one only.
 */
static int
wl9_ok_before_exhaustion(int two_addrs, uint32_t pin)
{
	struct host_tunables t;
	struct workload_config c;
	struct workload *w;
	int ok, i;

	host_tunables_init(&t);
	t.portrange_first = 20000;
	t.portrange_last = 20049;		/* 50 ports per address */
	t.maxtcptw = 100000;			/* TIME_WAIT holds them */
	teardown();
	setup_with(&t);
	if (two_addrs)
		fx_addr(net, cli, CADDR2);
	config(&c, "wl9", 100);
	c.client_addr = pin;
	c.stop = 5 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 6 * SIM_SEC, 0);
	ok = outcomes[CONN_OK];
	ck_assert_int_eq(ok + outcomes[CONN_ADDRNOTAVAIL], 500);
	if (two_addrs && pin == 0) {
		ck_assert_int_eq(in_pcb_ports_in_use(&cli->pcbinfo, CADDR), 50);
		ck_assert_int_eq(in_pcb_ports_in_use(&cli->pcbinfo, CADDR2),
		    50);
	}
	for (i = 0; i < nrecs && i < MAXR; i++)
		if (recs[i].outcome == CONN_OK)
			ck_assert_int_ge(recs[i].lport, 20000);
	workload_destroy(w);
	return (ok);
}

START_TEST(test_wl9_two_address_client_has_twice_the_ports)
{

	ck_assert_int_eq(wl9_ok_before_exhaustion(0, 0), 50);
	ck_assert_int_eq(wl9_ok_before_exhaustion(1, 0), 100);
	/* Pinned to the second address: 50 again. */
	ck_assert_int_eq(wl9_ok_before_exhaustion(1, CADDR2), 50);
	ck_assert_int_eq(in_pcb_ports_in_use(&cli->pcbinfo, CADDR), 0);
}
END_TEST

/* WL-7: a fixed source port is reused only when the 4-tuple is free. */
START_TEST(test_wl7_fixed_sport_busy_is_addrinuse)
{
	struct workload_config c;
	struct workload *w;

	config(&c, "fixed", 1);
	c.sport = 1023;
	c.stop = 5 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 6 * SIM_SEC, 0);
	/* Client closes first: its TIME_WAIT holds the 4-tuple 2MSL. */
	ck_assert_int_eq(outcomes[CONN_OK], 1);
	/* EADDRINUSE is its own outcome, not exhaustion (WL-5). */
	ck_assert_int_eq(outcomes[CONN_ADDRINUSE], 4);
	ck_assert_int_eq(outcomes[CONN_ADDRNOTAVAIL], 0);
	ck_assert_uint_eq(recs[0].lport, 1023);
	workload_destroy(w);
}
END_TEST

START_TEST(test_wl7_fixed_sport_server_closes_reopens)
{
	struct workload_config c;
	struct workload *w;

	config(&c, "fixed", 1);
	c.sport = 1023;
	c.close_by = WORKLOAD_CLOSE_SERVER;
	c.stop = 5 * SIM_SEC;
	w = create(&c);
	(void)sim_run(sim, 6 * SIM_SEC, 0);
	/* The server's TIME_WAIT is reopened by each new SYN (TW-16). */
	ck_assert_int_eq(outcomes[CONN_OK], 5);
	ck_assert_uint_eq(srv->stat.tw_reopened, 4);
	workload_destroy(w);
}
END_TEST

/* workload_listen: answers nothing, closes on the client's FIN. */
START_TEST(test_wl8_listen_only_server)
{
	struct workload_config c;
	struct workload *w;
	char err[256];

	ck_assert_int_eq(workload_listen(net, srv, 0, 80, err, sizeof(err)),
	    0);
	/* Idempotent. */
	ck_assert_int_eq(workload_listen(net, srv, 0, 80, err, sizeof(err)),
	    0);
	config(&c, "l", 1);
	c.response = 0;
	c.request = 0;
	c.stop = 1;
	/* A workload adopts the listener ... */
	w = create(&c);
	(void)sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(outcomes[CONN_OK], 1);
	workload_destroy(w);
	/* ... and hands it back. */
	ck_assert_ptr_nonnull(tcp_usr_listener(srv, 0, 80));
	ck_assert_uint_eq(srv->pcbinfo.ipi_count, 1);
}
END_TEST

START_TEST(test_wl8_listen_after_workload_is_noop)
{
	struct workload_config c;
	struct workload *w;
	char err[256];

	config(&c, "l", 1);
	w = create(&c);
	ck_assert_int_eq(workload_listen(net, srv, 0, 80, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(srv->pcbinfo.ipi_count, 1);
	workload_destroy(w);
}
END_TEST

START_TEST(test_wl_bad_config_refused)
{
	struct workload_config c;
	char err[256];

	config(&c, "bad", 1);
	c.nsteps = 0;
	ck_assert_ptr_null(workload_create(net, &c, record, NULL, err,
	    sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "bad"));
	config(&c, "bad", -1);
	ck_assert_ptr_null(workload_create(net, &c, record, NULL, err,
	    sizeof(err)));
	config(&c, "bad", 1);
	c.nsteps = 2;
	c.steps[1].start = 0;
	ck_assert_ptr_null(workload_create(net, &c, record, NULL, err,
	    sizeof(err)));
}
END_TEST

START_TEST(test_wl_outcome_names)
{

	ck_assert_str_eq(conn_outcome_name(CONN_OK), "ok");
	ck_assert_str_eq(conn_outcome_name(CONN_ADDRNOTAVAIL),
	    "addrnotavail");
	ck_assert_str_eq(conn_outcome_name(CONN_TIMEOUT), "timeout");
	ck_assert_str_eq(conn_outcome_name(CONN_RESET), "reset");
}
END_TEST

static Suite *
workload_suite(void)
{
	Suite *s = suite_create("workload");
	TCase *tc = tcase_create("workload");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_wl1_poisson_rate_and_gaps);
	tcase_add_test(tc, test_wl2_constant_arrivals_exact);
	tcase_add_test(tc, test_wl3_rate_steps);
	tcase_add_test(tc, test_wl3_poisson_steps);
	tcase_add_test(tc, test_wl5_records_ok_connections);
	tcase_add_test(tc, test_wl5_addrnotavail_outcome);
	tcase_add_test(tc, test_wl5_timeout_outcome);
	tcase_add_test(tc, test_wl5_open_at_destroy_reported);
	tcase_add_test(tc, test_wl6_close_by_server_puts_server_in_time_wait);
	tcase_add_test(tc, test_wl6_close_by_client_puts_client_in_time_wait);
	tcase_add_test(tc, test_wl6_shared_server_must_agree);
	tcase_add_test(tc, test_wl10_close_delay_keeps_the_first_closer_in_fin_wait_2);
	tcase_add_test(tc, test_wl7_fixed_sport_busy_is_addrinuse);
	tcase_add_test(tc, test_wl9_two_address_client_has_twice_the_ports);
	tcase_add_test(tc, test_wl7_fixed_sport_server_closes_reopens);
	tcase_add_test(tc, test_wl8_listen_only_server);
	tcase_add_test(tc, test_wl8_listen_after_workload_is_noop);
	tcase_add_test(tc, test_wl_bad_config_refused);
	tcase_add_test(tc, test_wl_outcome_names);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(workload_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
