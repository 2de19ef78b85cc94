/*
 * check_host.c -- a host's tunables and sysctl semantics (HOST-n, and the
 * TW/PORT rules reached through sysctls), its invariant checker, and the
 * tcp_subr services it offers the state machine (tcpcb free list,
 * tcp_close, tcp_drop, ISNs).
 *
 * tcp_input() is a recording test double (tests/tcp_input_double.c):
 * tcp_drop's RST is observed on arrival.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

#define CLIENT	FX_ADDR(10, 0, 0, 1)
#define SERVER	FX_ADDR(10, 0, 0, 2)

static struct sim *sim;
static struct net *net;
static struct host *cli, *srv;

static void
setup(void)
{

	fx_rec_reset();
	fx_world_create(3, &sim, &net);
	cli = fx_host(net, "client", NULL, CLIENT);
	srv = fx_host(net, "server", NULL, SERVER);
}

static void
teardown(void)
{

	fx_world_destroy(&sim, &net);
}

static struct tcpcb *
mkconn(uint16_t fport)
{
	struct inpcb *inp = in_pcballoc(&cli->pcbinfo);
	struct tcpcb *tp;

	ck_assert_int_eq(in_pcbconnect(&cli->pcbinfo, inp, 0, 0, SERVER,
	    fport), 0);
	tp = tcp_newtcpcb(cli, inp);
	ck_assert_ptr_nonnull(tp);
	return (tp);
}

START_TEST(test_host1_freebsd9_defaults)
{
	struct host_tunables t;

	host_tunables_init(&t);
	ck_assert_int_eq(t.hz, 1000);
	ck_assert_int_eq(t.msl, 30 * SIM_SEC);
	ck_assert_int_eq(t.portrange_first, 10000);
	ck_assert_int_eq(t.portrange_last, 65535);
	ck_assert_int_eq(t.randomized, 1);
	ck_assert_int_eq(t.randomcps, 10);
	ck_assert_int_eq(t.randomtime, 45);
	ck_assert_int_eq(t.maxsockets, 25600);
	ck_assert_int_eq(t.maxtcptw, 0);
	ck_assert_int_eq(t.nolocaltimewait, 0);
	ck_assert_int_eq(t.rfc1323, 1);
	ck_assert_int_eq(t.rto_initial, 3 * SIM_SEC);
	ck_assert_int_eq(t.keepinit, 75 * SIM_SEC);
	/* The data path's (DP-n): FreeBSD 9.3's tcp_input.c, tcp_output.c. */
	ck_assert_int_eq(t.delayed_ack, 1);
	ck_assert_int_eq(t.delacktime, 100 * SIM_MSEC);
	ck_assert_int_eq(t.sendspace, 32768);
	ck_assert_int_eq(t.recvspace, 65536);
	ck_assert_int_eq(t.sendbuf_auto, 1);
	ck_assert_int_eq(t.sendbuf_inc, 8192);
	ck_assert_int_eq(t.sendbuf_max, 2097152);
	ck_assert_int_eq(t.recvbuf_auto, 1);
	ck_assert_int_eq(t.recvbuf_inc, 16384);
	ck_assert_int_eq(t.recvbuf_max, 2097152);
	ck_assert_int_eq(t.maxsockbuf, 2097152);
	ck_assert_int_eq(t.rfc3390, 1);
	ck_assert_int_eq(t.initcwnd10, 1);
	ck_assert_int_eq(t.rfc3465, 1);
	ck_assert_int_eq(t.abc_l_var, 2);
	ck_assert_int_eq(t.rfc3042, 1);
	/* A host booted with them. */
	ck_assert_int_eq(host_tw_cap(cli), 5120);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(host_ports_in_use(cli), 0);
	ck_assert_int_eq(cli->stat.first_addrnotavail, -1);
}
END_TEST

START_TEST(test_host1_invalid_boot_tunables_refused)
{
	struct host_tunables t;
	char err[256];

	host_tunables_init(&t);
	t.hz = 7;		/* does not divide 1e9 */
	ck_assert_ptr_null(net_add_host(net, "bad", &t, err, sizeof(err)));
	ck_assert(strstr(err, "hz") != NULL);
	host_tunables_init(&t);
	t.portrange_last = 70000;
	ck_assert_ptr_null(net_add_host(net, "bad", &t, err, sizeof(err)));
	host_tunables_init(&t);
	t.maxtcptw = -1;
	ck_assert_ptr_null(net_add_host(net, "bad", &t, err, sizeof(err)));
	ck_assert_int_eq(net_nhosts(net), 2);
}
END_TEST

/*
 * HOST-6: TIME_WAIT's ticks are 32-bit (TW-11, TW-12), so 2 msl + 1 s at
 * the host's hz must stay below 2^31 ticks: at hz 1000000, msl 1073 s is
 * the most; beyond, a boot value and a run-time write are both refused.
 */
START_TEST(test_host6_msl_beyond_32bit_ticks_refused)
{
	struct host_tunables t;
	struct host *h;
	char err[256];
	int64_t v;

	host_tunables_init(&t);
	t.hz = 1000000;
	t.msl = 1074 * SIM_SEC;
	ck_assert_ptr_null(net_add_host(net, "bad", &t, err, sizeof(err)));
	ck_assert_msg(strstr(err, "at most 1073 s (HOST-6)") != NULL, "%s",
	    err);
	t.msl = 1073 * SIM_SEC;
	h = net_add_host(net, "fast", &t, err, sizeof(err));
	ck_assert_msg(h != NULL, "%s", err);
	ck_assert_int_eq(host_sysctl_set(h, "msl", 1074 * SIM_SEC, err,
	    sizeof(err)), -1);
	ck_assert(strstr(err, "HOST-6") != NULL);
	ck_assert_int_eq(host_sysctl_get(h, "msl", &v), 0);
	ck_assert_int_eq(v, 1073 * SIM_SEC);		/* unchanged */
	ck_assert_int_eq(host_sysctl_set(h, "msl", 10 * SIM_SEC, err,
	    sizeof(err)), 0);
	/* At the default hz the table's own bound comes first. */
	ck_assert_int_eq(host_sysctl_set(cli, "msl", 3600 * SIM_SEC, err,
	    sizeof(err)), 0);
}
END_TEST

START_TEST(test_host2_sysctl_roundtrip)
{
	static const struct {
		const char *name;
		int64_t v;
	} kv[] = {
		{ "msl", 5 * SIM_SEC }, { "portrange_first", 20000 },
		{ "portrange_last", 30000 }, { "randomized", 0 },
		{ "randomcps", 3 }, { "randomtime", 7 * SIM_SEC },
		{ "maxsockets", 50000 }, { "maxtcptw", 100 },
		{ "nolocaltimewait", 1 }, { "rfc1323", 0 },
		{ "rto_initial", SIM_SEC }, { "keepinit", 10 * SIM_SEC },
	};
	char err[128];
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		ck_assert_msg(host_sysctl_set(cli, kv[i].name, kv[i].v, err,
		    sizeof(err)) == 0, "%s: %s", kv[i].name, err);
		ck_assert_int_eq(host_sysctl_get(cli, kv[i].name, &v), 0);
		ck_assert_msg(v == kv[i].v, "%s", kv[i].name);
	}
	ck_assert_int_eq(cli->tun.randomtime, 7);	/* seconds inside */
	ck_assert_int_eq(host_sysctl_get(cli, "hz", &v), 0);
	ck_assert_int_eq(v, 1000);
	ck_assert_int_eq(host_sysctl_set(cli, "hz", 100, err, sizeof(err)),
	    -1);
	ck_assert_int_eq(host_sysctl_set(cli, "nosuch", 1, err, sizeof(err)),
	    -1);
	ck_assert(strstr(err, "nosuch") != NULL);
	ck_assert_int_eq(host_sysctl_get(cli, "nosuch", &v), -1);
	ck_assert_int_eq(host_sysctl_set(cli, "msl", 0, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_host2_portrange_clamped_and_used_next)
{
	char err[128];
	int64_t v;
	uint16_t p;

	ck_assert_int_eq(host_sysctl_set(cli, "portrange_first", 500, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(host_sysctl_get(cli, "portrange_first", &v), 0);
	ck_assert_int_eq(v, 1024);
	ck_assert_int_eq(host_sysctl_set(cli, "portrange_last", 70000, err,
	    sizeof(err)), -1);
	/* PORT-8: the next allocation uses the new range. */
	ck_assert_int_eq(host_sysctl_set(cli, "portrange_first", 40000, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(host_sysctl_set(cli, "portrange_last", 40000, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(in_pcb_lport(&cli->pcbinfo, CLIENT, &p), 0);
	ck_assert_int_eq(p, 40000);
}
END_TEST

START_TEST(test_host3_maxsockets_only_grows)
{
	char err[128];

	ck_assert_int_eq(host_sysctl_set(cli, "maxsockets", 25600, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(host_sysctl_set(cli, "maxsockets", 1000, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(cli->tun.maxsockets, 25600);
	ck_assert_int_eq(host_sysctl_set(cli, "maxsockets", 30000, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(cli->tun.maxsockets, 30000);
	ck_assert_int_eq(host_tw_cap(cli), 6000);
}
END_TEST

START_TEST(test_host4_check_passes_then_catches_corruption)
{
	char err[256];
	struct tcpcb *tp;
	struct inpcb *inp;

	tp = mkconn(80);
	tp = mkconn(81);
	tp->t_state = TCPS_TIME_WAIT;
	inp = tp->t_inpcb;
	tcp_twstart(tp);
	ck_assert_msg(host_check(cli, err, sizeof(err)) == 0, "%s", err);

	/* Ports-in-use gauge off by one. */
	cli->pcbinfo.ipi_addrs[0].ia_ports_in_use++;
	ck_assert_int_eq(host_check(cli, err, sizeof(err)), -1);
	ck_assert(strstr(err, "ports-in-use") != NULL);
	cli->pcbinfo.ipi_addrs[0].ia_ports_in_use--;

	/* A tcpcb leak. */
	cli->tcpcb_live++;
	ck_assert_int_eq(host_check(cli, err, sizeof(err)), -1);
	ck_assert(strstr(err, "tcpcb") != NULL);
	cli->tcpcb_live--;

	/* A syncache entry counted but not hashed (SYNC-6). */
	cli->syncache_count++;
	ck_assert_int_eq(host_check(cli, err, sizeof(err)), -1);
	ck_assert(strstr(err, "syncache") != NULL);
	cli->syncache_count--;

	/* More sockets' pcbs than maxsockets (SOCK-1). */
	cli->tun.maxsockets = 0;
	ck_assert_int_eq(host_check(cli, err, sizeof(err)), -1);
	ck_assert(strstr(err, "maxsockets") != NULL);
	cli->tun.maxsockets = 25600;

	/* A TIME_WAIT pcb that lost its port. */
	in_pcbdrop(&cli->pcbinfo, inp);
	ck_assert_int_eq(host_check(cli, err, sizeof(err)), -1);
	in_pcbconnect(&cli->pcbinfo, inp, inp->inp_laddr, inp->inp_lport,
	    inp->inp_faddr, inp->inp_fport);
	ck_assert_msg(host_check(cli, err, sizeof(err)) == 0, "%s", err);

	/* Zone holding more entries than its slabs (UMA-2). */
	cli->twzone.tw_pages = 0;
	ck_assert_int_eq(host_check(cli, err, sizeof(err)), -1);
	cli->twzone.tw_pages = 1;
	/* ... but above a lowered cap is fine (TW-4, UMA-3). */
	ck_assert_int_eq(sysctl_maxtcptw_set(cli, 32), 1);
	ck_assert_int_eq(host_check(cli, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_host4_overcap_allowed_after_cap_reduction)
{
	char err[256];
	struct tcpcb *tp;
	int i;

	for (i = 0; i < 60; i++) {
		tp = mkconn((uint16_t)(100 + i));
		tp->t_state = TCPS_TIME_WAIT;
		tcp_twstart(tp);
	}
	ck_assert_int_eq(sysctl_maxtcptw_set(cli, 32), 1);
	ck_assert_int_eq(host_tw_count(cli), 60);
	ck_assert_int_eq(host_tw_cap_effective(cli), 100);
	ck_assert_msg(host_check(cli, err, sizeof(err)) == 0, "%s", err);
	/* Entries expire (2 MSL = 60 s); the slabs stay (UMA-3). */
	sim_run(sim, 61 * SIM_SEC, 0);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(host_tw_cap_effective(cli), 100);
	ck_assert_msg(host_check(cli, err, sizeof(err)) == 0, "%s", err);
}
END_TEST

START_TEST(test_host5_slow_timer_runs_the_scan_every_500ms)
{
	struct tcpcb *tp;
	char err[128];

	/* msl 100 ms: an entry made at 10 ms ends at 210 ms, but only the
	 * 500 ms tick closes it; the next after 510 ms is at 1 s. */
	ck_assert_int_eq(host_sysctl_set(cli, "msl", 100 * SIM_MSEC, err,
	    sizeof(err)), 0);
	sim_run(sim, 10 * SIM_MSEC, 0);
	tp = mkconn(80);
	tp->t_state = TCPS_TIME_WAIT;
	tcp_twstart(tp);
	sim_run(sim, 499 * SIM_MSEC, 0);
	ck_assert_int_eq(host_tw_count(cli), 1);
	sim_run(sim, 500 * SIM_MSEC, 0);
	ck_assert_int_eq(host_tw_count(cli), 0);
	sim_run(sim, 510 * SIM_MSEC, 0);
	tp = mkconn(81);
	tp->t_state = TCPS_TIME_WAIT;
	tcp_twstart(tp);
	sim_run(sim, 999 * SIM_MSEC, 0);
	ck_assert_int_eq(host_tw_count(cli), 1);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(host_tw_count(cli), 0);
}
END_TEST

START_TEST(test_host5_ipport_tick_every_second)
{
	uint16_t p;
	int i;

	for (i = 0; i < 11; i++)
		ck_assert_int_eq(in_pcb_lport(&cli->pcbinfo, CLIENT, &p), 0);
	sim_run(sim, SIM_SEC - 1, 0);
	ck_assert_int_eq(cli->pcbinfo.ipport_stoprandom, 0);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(cli->pcbinfo.ipport_stoprandom, 45);
	sim_run(sim, 2 * SIM_SEC - 1, 0);
	ck_assert_int_eq(cli->pcbinfo.ipport_stoprandom, 45);
	sim_run(sim, 2 * SIM_SEC, 0);
	ck_assert_int_eq(cli->pcbinfo.ipport_stoprandom, 44);
}
END_TEST

START_TEST(test_subr_tcpcbs_come_from_a_free_list)
{
	struct tcpcb *tp;
	struct tcpcb_slab *slabs;
	int i;

	tp = mkconn(80);
	slabs = cli->tcpcb_slabs;
	ck_assert_int_eq(cli->tcpcb_live, 1);
	ck_assert_ptr_eq(tp->t_inpcb->inp_ppcb, tp);
	ck_assert_int_eq(tp->t_state, TCPS_CLOSED);
	ck_assert(tp->t_flags & TF_REQ_TSTMP);
	ck_assert_int_eq(tp->t_rxtcur, 3 * SIM_SEC);
	tcp_close(tp);
	ck_assert_int_eq(cli->tcpcb_live, 0);
	ck_assert_int_eq(cli->pcbinfo.ipi_count, 0);
	for (i = 0; i < 1000; i++)
		tcp_close(mkconn(80));
	ck_assert_ptr_eq(cli->tcpcb_slabs, slabs);
	ck_assert_int_eq(cli->tcpcb_nfree, TCPCB_SLAB);
}
END_TEST

START_TEST(test_subr_conn_ids_are_unique)
{
	struct tcpcb *a = mkconn(80), *b = mkconn(81);

	ck_assert(a->conn_id != 0 && b->conn_id != 0);
	ck_assert(a->conn_id != b->conn_id);
	/* TS-1: an active open has no timestamp offset. */
	ck_assert_uint_eq(a->ts_offset, 0);
	ck_assert_uint_eq(b->ts_offset, 0);
}
END_TEST

static void
ignore_event(struct sim *s, void *arg)
{

	(void)s;
	(void)arg;
}

START_TEST(test_subr_discard_cancels_timers)
{
	struct tcpcb *tp = mkconn(80);
	sim_event_t ev;

	ck_assert_int_eq(sim_after(sim, SIM_SEC, ignore_event, NULL,
	    &tp->t_rexmt), SIM_OK);
	ev = tp->t_rexmt;
	ck_assert(sim_pending(sim, ev));
	tcp_close(tp);
	ck_assert(!sim_pending(sim, ev));
}
END_TEST

static int failed_calls, failed_error;

static void
app_failed(void *arg, struct tcpcb *tp, int error)
{

	(void)arg;
	(void)tp;
	failed_calls++;
	failed_error = error;
}

static const struct tcp_app_ops app_ops = { .failed = app_failed };

START_TEST(test_subr_drop_synchronized_sends_rst_and_notifies)
{
	struct tcpcb *tp = mkconn(80);

	failed_calls = 0;
	tp->t_state = TCPS_ESTABLISHED;
	cli->stat.established = 1;
	tp->snd_nxt = 1234;
	tp->rcv_nxt = 5678;
	tp->t_app = &app_ops;
	ck_assert_ptr_null(tcp_drop(tp, ETIMEDOUT));
	ck_assert_int_eq(failed_calls, 1);
	ck_assert_int_eq(failed_error, ETIMEDOUT);
	ck_assert_int_eq(cli->stat.rst_sent, 1);
	ck_assert_int_eq(cli->stat.established, 0);
	ck_assert_int_eq(cli->tcpcb_live, 0);
	ck_assert_int_eq(cli->pcbinfo.ipi_count, 0);
	sim_run(sim, 10 * SIM_MSEC, 0);
	ck_assert_int_eq(fx_nrec(), 1);
	ck_assert_int_eq(fx_rec(0)->seg.flags, TH_RST | TH_ACK);
	ck_assert_uint_eq(fx_rec(0)->seg.seq, 1234);
	ck_assert_uint_eq(fx_rec(0)->seg.ack, 5678);
	ck_assert_int_eq(fx_rec(0)->seg.dport, 80);
}
END_TEST

START_TEST(test_subr_drop_unsynchronized_is_silent)
{
	struct tcpcb *tp = mkconn(80);

	failed_calls = 0;
	tp->t_state = TCPS_SYN_SENT;
	tp->t_app = &app_ops;
	tcp_drop(tp, ECONNREFUSED);
	ck_assert_int_eq(failed_calls, 1);
	ck_assert_int_eq(cli->stat.rst_sent, 0);
	/* Application already closed: no upcall. */
	tp = mkconn(81);
	tp->t_state = TCPS_ESTABLISHED;
	tp->t_app = &app_ops;
	tp->t_flags |= TF_APPCLOSED;
	tcp_drop(tp, ECONNRESET);
	ck_assert_int_eq(failed_calls, 1);
	ck_assert_int_eq(cli->stat.rst_sent, 1);
	sim_run(sim, 10 * SIM_MSEC, 0);
	ck_assert_int_eq(fx_nrec(), 1);
}
END_TEST

START_TEST(test_subr_isn_grows_at_least_1mb_per_second)
{
	tcp_seq a, b, c;

	a = tcp_new_isn(cli, CLIENT, 10000, SERVER, 80);
	sim_run(sim, SIM_SEC, 0);
	b = tcp_new_isn(cli, CLIENT, 10000, SERVER, 80);
	/* Same tuple: the hash cancels.  The first tick takes the max of
	 * (offset at the last tick + 10485) and the offset, absorbing a's
	 * increment; so b - a = 100 * 10485 + inc(b) - inc(a). */
	ck_assert_uint_ge(b - a, 100 * 10485 - 4095);
	ck_assert_uint_le(b - a, 100 * 10485 + 4095);
	ck_assert_uint_eq(cli->isn_offset_old, 100 * 10485);
	/* Back to back: only the per-ISN increment. */
	c = tcp_new_isn(cli, CLIENT, 10000, SERVER, 80);
	ck_assert_uint_ge(c - b, 4096);
	ck_assert_uint_le(c - b, 8191);
	/* Another tuple lands elsewhere in sequence space. */
	c = tcp_new_isn(cli, CLIENT, 10001, SERVER, 80);
	ck_assert_uint_gt(c - b, 1u << 20);
}
END_TEST

START_TEST(test_subr_isn_offset_never_falls_behind_increments)
{
	tcp_seq a, b;
	int i;

	/* 1000 ISNs in 10 ms: the per-ISN increments (>= 4096 each) exceed
	 * the tick's 10485, which then only takes the max. */
	a = tcp_new_isn(cli, CLIENT, 10000, SERVER, 80);
	for (i = 0; i < 1000; i++)
		(void)tcp_new_isn(cli, CLIENT, 10000, SERVER, 80);
	sim_run(sim, 10 * SIM_MSEC, 0);
	b = tcp_new_isn(cli, CLIENT, 10000, SERVER, 80);
	ck_assert_uint_ge(b - a, 1001 * 4096);
	ck_assert_uint_le(b - a, 1001 * 8191);
}
END_TEST

START_TEST(test_subr_state_names)
{
	ck_assert_str_eq(tcp_state_name(TCPS_TIME_WAIT), "TIME_WAIT");
	ck_assert_str_eq(tcp_state_name(TCPS_ESTABLISHED), "ESTABLISHED");
	ck_assert_str_eq(tcp_state_name(TCPS_CLOSED), "CLOSED");
	ck_assert_str_eq(tcp_state_name(TCP_NSTATES), "?");
}
END_TEST

/* TS-3: the timestamp clock counts ms (from 1), whatever hz is. */
START_TEST(test_ts3_clock_is_milliseconds)
{
	sim_run(sim, 1234567 * SIM_USEC, 0);
	ck_assert_uint_eq(tcp_ts_getticks(cli), 1235);
	ck_assert_int_eq(host_ticks(cli), 1234);
	cli->tun.hz = 100;
	cli->tick_ns = SIM_SEC / 100;
	ck_assert_uint_eq(tcp_ts_getticks(cli), 1235);
	ck_assert_int_eq(host_ticks(cli), 123);
}
END_TEST

static Suite *
host_suite(void)
{
	Suite *s = suite_create("host");
	TCase *tc;

	tc = tcase_create("host");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_host1_freebsd9_defaults);
	tcase_add_test(tc, test_host1_invalid_boot_tunables_refused);
	tcase_add_test(tc, test_host2_sysctl_roundtrip);
	tcase_add_test(tc, test_host6_msl_beyond_32bit_ticks_refused);
	tcase_add_test(tc, test_host2_portrange_clamped_and_used_next);
	tcase_add_test(tc, test_host3_maxsockets_only_grows);
	tcase_add_test(tc, test_host4_check_passes_then_catches_corruption);
	tcase_add_test(tc, test_host4_overcap_allowed_after_cap_reduction);
	tcase_add_test(tc, test_host5_slow_timer_runs_the_scan_every_500ms);
	tcase_add_test(tc, test_host5_ipport_tick_every_second);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp_subr");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_subr_tcpcbs_come_from_a_free_list);
	tcase_add_test(tc, test_subr_conn_ids_are_unique);
	tcase_add_test(tc, test_subr_discard_cancels_timers);
	tcase_add_test(tc, test_subr_drop_synchronized_sends_rst_and_notifies);
	tcase_add_test(tc, test_subr_drop_unsynchronized_is_silent);
	tcase_add_test(tc, test_subr_isn_grows_at_least_1mb_per_second);
	tcase_add_test(tc, test_subr_isn_offset_never_falls_behind_increments);
	tcase_add_test(tc, test_subr_state_names);
	tcase_add_test(tc, test_ts3_clock_is_milliseconds);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(host_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
