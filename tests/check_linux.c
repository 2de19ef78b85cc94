/*
 * check_linux.c -- the Linux stack (stack = linux): rules LNX-n of
 * docs/RULES.md, end to end between real hosts over the real network, as
 * check_tcp.c does for the engine.  models/inet_hashtables.c (ports,
 * TIME_WAIT takeover), tcp_minisocks.c (entering and judging TIME_WAIT),
 * inet_timewait_sock.c (the timer wheel), secure_seq.c and the Linux
 * entries of tcp_stack.c (SYN backoff, FIN_WAIT_2).
 *
 * A deliver hook records every segment on the wire; tests inject segments
 * with tcp_input() to probe a TIME_WAIT entry.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/linux.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"
#include "tests/stack_fixture.h"

/* Two Linux hosts (tests/stack_fixture.h), with the test's changes. */
static void
lnx_tun(struct host_tunables *t)
{

	host_tunables_init_stack(t, TUNABLE_STACK_LINUX);
}

static void
setup_with(const struct host_tunables *ct, const struct host_tunables *st,
    uint32_t caddr, uint32_t saddr)
{

	stack_setup(TUNABLE_STACK_LINUX, ct, st, caddr, saddr);
}

static void
setup(void)
{

	setup_with(NULL, NULL, CADDR, SADDR);
}

/* LNX-1, LNX-3, LNX-6 */
START_TEST(test_lnx3_one_parity_then_the_other_then_eaddrnotavail)
{
	struct host_tunables t;
	struct tcpcb *tp;
	uint16_t p[10];
	int i;

	teardown();
	lnx_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40009;
	setup_with(&t, NULL, CADDR, SADDR);
	/* Open connections hold their 4-tuples: ten ports, then none. */
	for (i = 0; i < 10; i++) {
		p[i] = connect_ok(SADDR);
		ck_assert_uint_ge(p[i], 40000);
		ck_assert_uint_le(p[i], 40009);
		/* LNX-3: the five even ports first, then the odd ones. */
		ck_assert_uint_eq(p[i] % 2, i < 5 ? 0 : 1);
	}
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
	ck_assert_uint_eq(cli->stat.conn_failed_addrnotavail, 1);
	ck_assert(cli->stat.first_addrnotavail == sim_now(sim));
}
END_TEST

/*
 * LNX-1: an odd range is scanned as the even count below it from a
 * moving offset, so over several connects every port of it serves; a
 * one-port range is one candidate.
 */
START_TEST(test_lnx1_odd_and_one_port_ranges)
{
	struct host_tunables t;
	struct tcpcb *tp;
	uint16_t p;
	int i;

	teardown();
	lnx_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40004;
	setup_with(&t, NULL, CADDR, SADDR);
	for (i = 0; i < 5; i++) {
		p = connect_ok(SADDR);
		ck_assert(p >= 40000 && p <= 40004);
	}
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
	teardown();
	lnx_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40000;
	setup_with(&t, NULL, CADDR, SADDR);
	ck_assert_uint_eq(connect_ok(SADDR), 40000);
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
}
END_TEST

/* LNX-4: a port is busy only for the same 4-tuple. */
START_TEST(test_lnx4_one_port_serves_many_destinations)
{
	struct host_tunables t;
	struct tcpcb *tp;
	uint16_t a, b, c, d;

	teardown();
	lnx_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40001;
	setup_with(&t, NULL, CADDR, SADDR);
	fx_addr(net, srv, SADDR2);
	a = connect_ok(SADDR);
	b = connect_ok(SADDR);
	ck_assert_uint_ne(a, b);
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
	/* Another destination: both ports again. */
	c = connect_ok(SADDR2);
	d = connect_ok(SADDR2);
	ck_assert(c == a || c == b);
	ck_assert(d == a || d == b);
	ck_assert_uint_ne(c, d);
	ck_assert_int_eq(host_ports_in_use(cli), 2);
}
END_TEST

/* LNX-3: a port a listener holds is never picked by connect(). */
START_TEST(test_lnx3_a_bound_port_is_skipped)
{
	struct host_tunables t;
	struct tcpcb *tp;
	int i;

	teardown();
	lnx_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40003;
	setup_with(&t, NULL, CADDR, SADDR);
	ck_assert_int_eq(tcp_usr_listen(cli, 0, 40002, &app_ops, &capp), 0);
	for (i = 0; i < 3; i++)
		ck_assert_uint_ne(connect_ok(SADDR), 40002);
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
}
END_TEST

/*
 * LNX-2, LNX-5: to one destination, each success moves the next start by
 * max(i, random(0..7) x 2) + 2 -- with nothing busy, 2 to 16 ports on.
 */
START_TEST(test_lnx5_next_port_moves_on_by_two_to_sixteen)
{
	uint16_t prev, p;
	int i, d;

	prev = connect_ok(SADDR);
	ck_assert_uint_eq(prev % 2, 0);
	for (i = 0; i < 50; i++) {
		p = connect_ok(SADDR);
		d = (int)p - (int)prev;
		if (d < 0)
			d += 61000 - 32768;	/* wrapped */
		ck_assert_msg(d >= 2 && d <= 16 && d % 2 == 0,
		    "step %d: %u -> %u", i, prev, p);
		prev = p;
	}
}
END_TEST

/* LNX-2: the offset depends on the destination (a keyed hash). */
START_TEST(test_lnx2_offset_per_destination)
{
	uint64_t a, b, c;

	a = secure_ipv4_port_ephemeral(cli, CADDR, SADDR, 80);
	b = secure_ipv4_port_ephemeral(cli, CADDR, SADDR, 81);
	c = secure_ipv4_port_ephemeral(cli, CADDR, SADDR2, 80);
	ck_assert(a == secure_ipv4_port_ephemeral(cli, CADDR, SADDR, 80));
	ck_assert(a != b && a != c && b != c);
	/* Another host has other secrets. */
	ck_assert(a != secure_ipv4_port_ephemeral(srv, CADDR, SADDR, 80));
}
END_TEST

/* Two ports in TIME_WAIT on the client; returns the time they started. */
static sim_time_t
fill_two_timewaits(int reuse, uint32_t caddr, uint32_t saddr, int ts)
{
	struct host_tunables t;
	sim_time_t t0;

	teardown();
	lnx_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40001;
	t.tcp_tw_reuse = reuse;
	t.rfc1323 = ts;
	setup_with(&t, NULL, caddr, saddr);
	t0 = sim_now(sim);
	(void)closed_conn(0);
	(void)closed_conn(0);
	ck_assert_int_eq(host_tw_count(cli), 2);
	return (t0);
}

/* LNX-7: tcp_tw_reuse 0: no takeover. */
START_TEST(test_lnx7_reuse0_never_takes_over)
{
	struct tcpcb *tp;

	(void)fill_two_timewaits(0, CADDR, SADDR, 1);
	run_for(5 * SIM_SEC);
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
	ck_assert_uint_eq(cli->stat.tw_reused, 0);
}
END_TEST

/* LNX-7, LNX-8: tcp_tw_reuse 1, strictly after tcp_tw_reuse_delay. */
START_TEST(test_lnx7_reuse1_after_the_delay_takes_over)
{
	struct tcpcb *tp;
	struct tcptw *tw;
	tcp_seq expect;
	int64_t entry;

	(void)fill_two_timewaits(1, CADDR, SADDR, 1);
	tw = client_tw(40000);
	ck_assert_ptr_nonnull(tw);
	entry = tw->tw_start / SIM_MSEC;
	/* At entry + 1000 ms exactly: not yet (time_after is strict). */
	run_for((entry + 1000) * SIM_MSEC - sim_now(sim));
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
	run_for(SIM_MSEC);
	tw = client_tw(40000);
	ck_assert_ptr_nonnull(tw);
	expect = tw->snd_nxt + 65535 + 2;
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), 0);
	ck_assert_uint_eq(tp->t_inpcb->inp_lport, 40000);
	/* LNX-8: the sequence space goes on from the old connection. */
	ck_assert_uint_eq(tp->iss, expect);
	ck_assert_uint_eq(cli->stat.tw_reused, 1);
	ck_assert_int_eq(host_tw_count(cli), 1);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(capp.connected, 3);
}
END_TEST

/* LNX-7: tcp_tw_reuse 2 only when an end is a loopback address. */
START_TEST(test_lnx7_reuse2_only_on_loopback)
{
	struct tcpcb *tp;

	(void)fill_two_timewaits(2, CADDR, SADDR, 1);
	run_for(2 * SIM_SEC);
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
	ck_assert_uint_eq(cli->stat.tw_reused, 0);
}
END_TEST

START_TEST(test_lnx7_reuse2_on_loopback_takes_over)
{
	struct tcpcb *tp;

	teardown();
	{
		struct host_tunables t;

		lnx_tun(&t);
		t.portrange_first = 40000;
		t.portrange_last = 40001;
		setup_with(&t, NULL, FX_ADDR(127, 0, 0, 2), LOOP);
	}
	/* The client talks to 127.0.0.1 from 127.0.0.2. */
	ck_assert_int_eq(tcp_usr_connect(cli, 0, 0, LOOP, PORT, &app_ops,
	    &capp, &tp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(tcp_usr_close(tp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_int_eq(tcp_usr_connect(cli, 0, 0, LOOP, PORT, &app_ops,
	    &capp, &tp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(tcp_usr_close(tp), 0);
	run_for(2 * SIM_SEC);
	ck_assert_int_eq(tcp_usr_connect(cli, 0, 0, LOOP, PORT, &app_ops,
	    &capp, &tp), 0);
	ck_assert_uint_eq(cli->stat.tw_reused, 1);
}
END_TEST

/* LNX-7: without timestamps there is nothing to take over safely. */
START_TEST(test_lnx7_no_timestamps_no_takeover)
{
	struct tcpcb *tp;

	(void)fill_two_timewaits(1, CADDR, SADDR, 0);
	ck_assert_int_lt(client_tw(40000)->ts_recent_stamp, 0);
	run_for(5 * SIM_SEC);
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
	/* A fixed port neither. */
	ck_assert_int_eq(try_connect(SADDR, 40000, &tp), EADDRNOTAVAIL);
}
END_TEST

/* LNX-7: a fixed local port takes over whatever tcp_tw_reuse says. */
START_TEST(test_lnx7_fixed_port_takes_over_with_reuse0)
{
	struct tcpcb *tp;

	(void)fill_two_timewaits(0, CADDR, SADDR, 1);
	ck_assert_int_eq(try_connect(SADDR, 40001, &tp), 0);
	ck_assert_uint_eq(cli->stat.tw_reused, 1);
}
END_TEST

/* LNX-9: past tcp_max_tw_buckets no TIME_WAIT: the port is free at once. */
START_TEST(test_lnx9_past_max_tw_buckets_no_entry_port_free)
{
	struct host_tunables t;
	uint16_t a;

	teardown();
	lnx_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40001;
	t.tcp_max_tw_buckets = 1;
	setup_with(&t, NULL, CADDR, SADDR);
	ck_assert_int_eq(host_tw_cap(cli), 1);
	a = closed_conn(0);
	ck_assert_int_eq(host_tw_count(cli), 1);
	(void)closed_conn(0);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_uint_eq(cli->stat.tw_skipped_nomem, 1);
	ck_assert_uint_eq(cli->stat.tw_recycled, 0);	/* not FreeBSD's */
	ck_assert_int_eq(host_ports_in_use(cli), 1);
	/* The free port serves the next connections, again and again. */
	ck_assert_uint_ne(closed_conn(0), a);
	ck_assert_uint_ne(closed_conn(0), a);
	ck_assert_uint_eq(cli->stat.tw_skipped_nomem, 3);
}
END_TEST

/* LNX-12: the wheel's arithmetic. */
START_TEST(test_lnx12_timer_wheel_rounds_up_to_the_level)
{
	/* hz 250: 15000 jiffies on level 3 (512): (29 + 1) x 512. */
	ck_assert(timer_wheel_expiry(0, 60 * SIM_SEC, 250) ==
	    15360 * 4 * SIM_MSEC);
	/* Armed at 1.2 s (jiffy 300): expires 15300 -> 15360 again. */
	ck_assert(timer_wheel_expiry(1200 * SIM_MSEC, 60 * SIM_SEC, 250) ==
	    15360 * 4 * SIM_MSEC);
	/* At jiffy 400: 15400 -> 15872 (62.088 s after arming at 1.6 s). */
	ck_assert(timer_wheel_expiry(1600 * SIM_MSEC, 60 * SIM_SEC, 250) ==
	    15872 * 4 * SIM_MSEC);
	/* Level 0 (under 63 jiffies): the next jiffy after the expiry. */
	ck_assert(timer_wheel_expiry(0, 40 * SIM_MSEC, 250) ==
	    11 * 4 * SIM_MSEC);
	/* Level 1 (63..503 jiffies): granularity 8. */
	ck_assert(timer_wheel_expiry(0, 400 * SIM_MSEC, 250) ==
	    104 * 4 * SIM_MSEC);
	/* hz 1000: 60000 jiffies on level 4 (4096): 15 x 4096 ms. */
	ck_assert(timer_wheel_expiry(0, 60 * SIM_SEC, 1000) ==
	    61440 * SIM_MSEC);
}
END_TEST

/* LNX-11, LNX-12: TIME_WAIT lasts 60 s plus the wheel's lateness. */
START_TEST(test_lnx11_timewait_lasts_60s_on_the_wheel)
{
	struct host_tunables t;
	sim_time_t start, end;
	uint16_t p;

	teardown();
	lnx_tun(&t);
	t.tcp_fin_timeout = 5 * SIM_SEC;	/* not TIME_WAIT's length */
	setup_with(&t, NULL, CADDR, SADDR);
	run_for(1600 * SIM_MSEC - sim_now(sim));
	p = closed_conn(0);
	start = recs[nrec - 1].t;		/* the last ACK went out */
	end = timer_wheel_expiry(start, LINUX_TIMEWAIT_LEN, 250);
	ck_assert(end - start > 60 * SIM_SEC);
	ck_assert(end - start <= 60 * SIM_SEC + 2048 * SIM_MSEC);
	run_for(end - sim_now(sim) - 1);
	ck_assert_ptr_nonnull(client_tw(p));
	run_for(1);
	ck_assert_ptr_null(client_tw(p));
	ck_assert_uint_eq(cli->stat.tw_expired, 1);
}
END_TEST


/* LNX-14: a RST at rcv_nxt kills TIME_WAIT, unless tcp_rfc1337. */
START_TEST(test_lnx14_rst_kills_timewait_unless_rfc1337)
{
	struct host_tunables t;
	struct tcp_segment s;
	uint16_t p;

	p = closed_conn(0);
	server_segment(client_tw(p), p, TH_RST, &s);
	tcp_input(cli, &s);
	ck_assert_ptr_null(client_tw(p));
	ck_assert_uint_eq(cli->stat.tw_killed_rst, 1);
	ck_assert_int_eq(host_tw_count(cli), 0);

	teardown();
	lnx_tun(&t);
	t.tcp_rfc1337 = 1;
	setup_with(&t, NULL, CADDR, SADDR);
	p = closed_conn(0);
	server_segment(client_tw(p), p, TH_RST, &s);
	tcp_input(cli, &s);
	ck_assert_ptr_nonnull(client_tw(p));
	ck_assert_uint_eq(cli->stat.tw_killed_rst, 0);
	ck_assert_uint_eq(cli->stat.rst_ignored_tw, 1);
}
END_TEST

/* LNX-14: a bare ACK at rcv_nxt restarts the 60 s and is not answered. */
START_TEST(test_lnx14_bare_ack_restarts_quietly)
{
	struct tcp_segment s;
	sim_time_t later;
	uint16_t p;
	int n;

	p = closed_conn(0);
	blackhole = 1;		/* the server has forgotten the connection */
	run_for(30 * SIM_SEC);
	server_segment(client_tw(p), p, TH_ACK, &s);
	n = nrec;
	later = sim_now(sim);
	tcp_input(cli, &s);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(nrec, n);		/* nothing sent */
	ck_assert_int_eq(client_tw(p)->tw_time,
	    sim_time_to_ticks(timer_wheel_expiry(later, LINUX_TIMEWAIT_LEN,
	    250), 250));
	run_for(45 * SIM_SEC);
	ck_assert_ptr_nonnull(client_tw(p));	/* would have gone at ~61 s */
}
END_TEST

/* LNX-16: a retransmitted FIN restarts the 60 s and is acked. */
START_TEST(test_lnx16_fin_retransmission_restarts_and_is_acked)
{
	struct tcp_segment s;
	struct tcptw *tw;
	uint16_t p;
	int n;

	p = closed_conn(0);
	blackhole = 1;		/* the server has forgotten the connection */
	run_for(40 * SIM_SEC);
	tw = client_tw(p);
	server_segment(tw, p, TH_FIN | TH_ACK, &s);
	s.seq = tw->rcv_nxt - 1;
	n = nrec;
	tcp_input(cli, &s);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(nrec, n + 1);
	ck_assert_uint_eq(recs[n].seg.flags, TH_ACK);
	ck_assert_uint_eq(recs[n].seg.seq, tw->snd_nxt);
	ck_assert_uint_eq(recs[n].seg.ack, tw->rcv_nxt);
	ck_assert_uint_eq(cli->stat.tw_rearmed, 1);
	run_for(40 * SIM_SEC);
	ck_assert_ptr_nonnull(client_tw(p));
	/* A second FIN is acked too (data/FIN are never rate-limited). */
	tcp_input(cli, &s);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(nrec, n + 2);
}
END_TEST

/* LNX-16: pure out-of-window ACKs get one answer per 500 ms. */
START_TEST(test_lnx16_out_of_window_acks_are_rate_limited)
{
	struct tcp_segment s;
	uint16_t p;
	int n;

	p = closed_conn(0);
	blackhole = 1;		/* the server has forgotten the connection */
	server_segment(client_tw(p), p, TH_ACK, &s);
	s.seq += 1000;
	n = nrec;
	tcp_input(cli, &s);
	tcp_input(cli, &s);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(nrec, n + 1);
	run_for(500 * SIM_MSEC);
	tcp_input(cli, &s);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(nrec, n + 2);
}
END_TEST

/* LNX-13: PAWS rejects an older timestamp: counted, acked, restarted. */
START_TEST(test_lnx13_paws_rejects_an_old_timestamp)
{
	struct tcp_segment s;
	struct tcptw *tw;
	uint16_t p;
	int n;

	p = closed_conn(0);
	blackhole = 1;		/* the server has forgotten the connection */
	tw = client_tw(p);
	ck_assert_int_ge(tw->ts_recent_stamp, 0);
	server_segment(tw, p, TH_ACK, &s);
	s.opt_flags = TOF_TS;
	s.tsval = tw->t_recent - 10;
	n = nrec;
	tcp_input(cli, &s);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(cli->stat.paws_rejected_tw, 1);
	ck_assert_int_eq(nrec, n + 1);
	/* An old RST is rejected too, within 60 s of the last timestamp. */
	server_segment(tw, p, TH_RST, &s);
	s.opt_flags = TOF_TS;
	s.tsval = tw->t_recent - 10;
	tcp_input(cli, &s);
	ck_assert_ptr_nonnull(client_tw(p));
	ck_assert_uint_eq(cli->stat.tw_killed_rst, 0);
}
END_TEST

/*
 * LNX-15: with the server closing first, the server holds TIME_WAIT; a
 * client SYN from the same port with a newer timestamp ends it, and the
 * SYN-ACK starts at the entry's snd_nxt + 65535 + 2.
 */
START_TEST(test_lnx15_syn_with_newer_timestamp_reopens)
{
	struct tcpcb *tp, *stp;
	struct inpcb *inp;
	struct tcptw *tw;
	tcp_seq expect;
	int i, n;

	sapp.close_on_fin = 0;
	capp.close_on_fin = 1;
	ck_assert_int_eq(try_connect(SADDR, 5555, &tp), 0);
	run_for(10 * SIM_MSEC);
	stp = sapp.tp;
	ck_assert_int_eq(tcp_usr_close(stp), 0);
	run_for(10 * SIM_MSEC);
	inp = in_pcblookup(&srv->pcbinfo, CADDR, 5555, SADDR, PORT, 0);
	ck_assert(inp != NULL && (inp->inp_flags & INP_TIMEWAIT));
	tw = inp->inp_ppcb;
	expect = tw->snd_nxt + 65535 + 2;
	run_for(2 * SIM_SEC);
	n = nrec;
	ck_assert_int_eq(try_connect(SADDR, 5555, &tp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(srv->stat.tw_reopened, 1);
	for (i = n; i < nrec; i++)
		if (recs[i].to == cli &&
		    recs[i].seg.flags == (TH_SYN | TH_ACK))
			break;
	ck_assert_int_lt(i, nrec);
	ck_assert_uint_eq(recs[i].seg.seq, expect);
	ck_assert_int_eq(tp->t_state, TCPS_ESTABLISHED);
}
END_TEST

/* LNX-18: 1 s, linear for tcp_syn_linear_timeouts, then doubling. */
START_TEST(test_lnx18_syn_backoff_linear_then_doubling)
{
	static const int at[] = { 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 };
	struct tcpcb *tp;
	int i, k = 0;

	blackhole = 1;				/* the SYNs are lost */
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), 0);
	run_for(200 * SIM_SEC);
	for (i = 0; i < nrec && i < MAXREC; i++)
		if (recs[i].seg.flags == TH_SYN) {
			ck_assert_int_lt(k, 11);
			/* sent at[k] s, on the wire 1 ms (NET-1) */
			ck_assert_msg(recs[i].t == at[k] * SIM_SEC + SIM_MSEC,
			    "SYN %d at %jd ns", k, (intmax_t)recs[i].t);
			k++;
		}
	ck_assert_int_eq(k, 11);
	/* ETIMEDOUT at 67 + 64 = 131 s. */
	ck_assert_int_eq(capp.failed, 1);
	ck_assert_int_eq(capp.error, ETIMEDOUT);
	ck_assert_int_eq(capp.syn_sent, 11);
	ck_assert_uint_eq(cli->stat.conn_failed_timeout, 1);
}
END_TEST

/*
 * A client connection closed while the server keeps its end open
 * (sapp.close_on_fin 0): the client's FIN is acked alone.  Its port.
 */
static uint16_t
half_closed_conn(void)
{
	struct tcpcb *tp;
	uint16_t port;

	sapp.close_on_fin = 0;
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), 0);
	port = tp->t_inpcb->inp_lport;
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(tcp_usr_close(tp), 0);
	run_for(10 * SIM_MSEC);
	return (port);
}

/*
 * LNX-19, LNX-24: an orphaned FIN_WAIT_2 lasts tcp_fin_time (here 10 s)
 * -- not as a socket but as a TIME_WAIT bucket in substate FIN_WAIT2,
 * which holds the port and counts as an entry, then expires.
 */
START_TEST(test_lnx24_orphan_fin_wait_2_is_a_bucket_for_tcp_fin_time)
{
	struct host_tunables t;
	struct tcptw *tw;
	sim_time_t t0;
	uint16_t p;

	teardown();
	lnx_tun(&t);
	t.tcp_fin_timeout = 10 * SIM_SEC;
	setup_with(&t, NULL, CADDR, SADDR);
	p = half_closed_conn();
	t0 = sim_now(sim) - 10 * SIM_MSEC;
	ck_assert_ptr_nonnull(tw = client_tw(p));
	ck_assert_int_eq(tw->tw_substate, TCPS_FIN_WAIT_2);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_uint_eq(cli->stat.tw_entered, 1);
	run_for(t0 + 10 * SIM_SEC - 20 * SIM_MSEC - sim_now(sim));
	ck_assert_int_eq(host_ports_in_use(cli), 1);
	run_for(SIM_SEC);	/* the wheel fires it a little late (LNX-12) */
	ck_assert_int_eq(host_ports_in_use(cli), 0);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_uint_eq(cli->stat.tw_expired, 1);
}
END_TEST

/*
 * LNX-19, LNX-24: a tcp_fin_time above TCP_TIMEWAIT_LEN keeps the socket
 * for tcp_fin_time - 60 s, then hands over to a bucket for that long
 * again (tcp_keepalive_timer's arithmetic): 90 s is 30 s + 30 s.
 */
START_TEST(test_lnx19_long_fin_timeout_socket_then_bucket)
{
	struct host_tunables t;
	sim_time_t t0;
	uint16_t p;

	teardown();
	lnx_tun(&t);
	t.tcp_fin_timeout = 90 * SIM_SEC;
	setup_with(&t, NULL, CADDR, SADDR);
	p = half_closed_conn();
	t0 = sim_now(sim) - 10 * SIM_MSEC;
	ck_assert_ptr_null(client_tw(p));
	ck_assert_int_eq(capp.tp->t_state, TCPS_FIN_WAIT_2);
	run_for(t0 + 29 * SIM_SEC - sim_now(sim));
	ck_assert_ptr_null(client_tw(p));
	run_for(2 * SIM_SEC);
	ck_assert_ptr_nonnull(client_tw(p));
	ck_assert_int_eq(client_tw(p)->tw_substate, TCPS_FIN_WAIT_2);
	run_for(t0 + 59 * SIM_SEC - sim_now(sim));
	ck_assert_int_eq(host_ports_in_use(cli), 1);
	run_for(3 * SIM_SEC);
	ck_assert_int_eq(host_ports_in_use(cli), 0);
	ck_assert_uint_eq(cli->stat.tw_expired, 1);
}
END_TEST

/*
 * LNX-24: the peer's FIN at rcv_nxt moves the bucket to TIME_WAIT for
 * TCP_TIMEWAIT_LEN from then, and is acked.
 */
START_TEST(test_lnx24_peer_fin_turns_the_bucket_into_time_wait)
{
	struct tcptw *tw;
	sim_time_t t1;
	uint16_t p;
	int n;

	p = half_closed_conn();
	tw = client_tw(p);
	ck_assert_int_eq(tw->tw_substate, TCPS_FIN_WAIT_2);
	run_for(5 * SIM_SEC);
	n = nrec;
	ck_assert_int_eq(tcp_usr_close(sapp.tp), 0);	/* the server's FIN */
	run_for(10 * SIM_MSEC);
	t1 = sim_now(sim);
	ck_assert_ptr_eq(client_tw(p), tw);
	ck_assert_int_eq(tw->tw_substate, TCPS_TIME_WAIT);
	ck_assert_int_eq(nrec, n + 2);			/* FIN, its ACK */
	ck_assert_uint_eq(recs[nrec - 1].seg.flags, TH_ACK);
	ck_assert_uint_eq(cli->stat.tw_entered, 1);
	/* 60 s from the FIN, not from the bucket (plus the wheel's). */
	run_for(59 * SIM_SEC);
	ck_assert_ptr_nonnull(client_tw(p));
	run_for(t1 + 63 * SIM_SEC - sim_now(sim));
	ck_assert_ptr_null(client_tw(p));
}
END_TEST

/*
 * LNX-9, LNX-24: FIN_WAIT2 buckets count against tcp_max_tw_buckets: past
 * it the orphan is closed at once, and the peer's FIN that comes later
 * finds no socket and is answered with a RST.
 */
START_TEST(test_lnx24_fin_wait2_buckets_count_against_max_tw_buckets)
{
	struct host_tunables t;
	struct tcpcb *second;
	uint16_t p;

	teardown();
	lnx_tun(&t);
	t.tcp_max_tw_buckets = 1;
	setup_with(&t, NULL, CADDR, SADDR);
	p = half_closed_conn();
	ck_assert_ptr_nonnull(client_tw(p));
	ck_assert_int_eq(host_tw_count(cli), 1);
	(void)half_closed_conn();
	ck_assert_uint_eq(cli->stat.tw_skipped_nomem, 1);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_int_eq(host_ports_in_use(cli), 1);
	second = sapp.tp;
	ck_assert_int_eq(second->t_state, TCPS_CLOSE_WAIT);
	ck_assert_int_eq(tcp_usr_close(second), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(cli->stat.rst_sent, 1);
}
END_TEST

/*
 * LNX-24: what a bucket in FIN_WAIT2 does with other segments: a
 * duplicate ACK is dropped silently; new data, or a SYN at rcv_nxt, is
 * answered with a RST and kills it; a RST kills it quietly.
 */
START_TEST(test_lnx24_fin_wait2_bucket_segment_rules)
{
	struct tcp_segment s;
	uint16_t p;
	int n;

	p = half_closed_conn();
	blackhole = 1;			/* from here on: recorded, not delivered */
	server_segment(client_tw(p), p, TH_ACK, &s);
	n = nrec;
	tcp_input(cli, &s);		/* a duplicate ACK */
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(nrec, n);
	ck_assert_ptr_nonnull(client_tw(p));
	s.len = 100;			/* data after our FIN */
	tcp_input(cli, &s);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(nrec, n + 1);
	ck_assert_uint_eq(recs[nrec - 1].seg.flags & TH_RST, TH_RST);
	ck_assert_ptr_null(client_tw(p));
	ck_assert_uint_eq(cli->stat.tw_killed_rst, 1);

	blackhole = 0;
	p = half_closed_conn();
	blackhole = 1;
	server_segment(client_tw(p), p, TH_SYN, &s);
	n = nrec;
	tcp_input(cli, &s);		/* a SYN at rcv_nxt */
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(nrec, n + 1);
	ck_assert_uint_eq(recs[nrec - 1].seg.flags & TH_RST, TH_RST);
	ck_assert_ptr_null(client_tw(p));

	blackhole = 0;
	p = half_closed_conn();
	blackhole = 1;
	server_segment(client_tw(p), p, TH_RST, &s);
	n = nrec;
	tcp_input(cli, &s);		/* a RST: killed, nothing sent */
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(nrec, n);
	ck_assert_ptr_null(client_tw(p));
	ck_assert_uint_eq(cli->stat.tw_killed_rst, 3);
}
END_TEST

/*
 * LNX-7, LNX-24: a connect never takes a FIN_WAIT2 bucket over, whatever
 * tcp_tw_reuse says (Linux 6.11, "avoid reusing FIN_WAIT2 when trying to
 * find port in connect()"): the peer has not closed yet.
 */
START_TEST(test_lnx7_fin_wait2_bucket_never_taken_over)
{
	struct host_tunables t;
	struct tcpcb *tp;
	uint16_t p;

	teardown();
	lnx_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40001;
	t.tcp_tw_reuse = 1;
	setup_with(&t, NULL, CADDR, SADDR);
	p = half_closed_conn();
	ck_assert_int_eq(client_tw(p)->tw_substate, TCPS_FIN_WAIT_2);
	p = half_closed_conn();			/* the other port */
	ck_assert_int_eq(client_tw(p)->tw_substate, TCPS_FIN_WAIT_2);
	run_for(5 * SIM_SEC);			/* past tcp_tw_reuse_delay */
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
	ck_assert_uint_eq(cli->stat.tw_reused, 0);
}
END_TEST

/*
 * LNX-25: an ACK to our SYN that does not cover it (a peer still holding
 * an old connection on this 4-tuple answers with a challenge ACK) gets a
 * RST, and the SYN goes again two jiffies later (TCP_TIMEOUT_MIN; 8 to
 * 12 ms at hz 250 on the wheel), not after the 1 s initial RTO; once the
 * SYN was retransmitted, no more.
 */
START_TEST(test_lnx25_unacceptable_ack_in_syn_sent_resends_the_syn_soon)
{
	struct tcp_segment s;
	struct tcpcb *tp;
	int n, i, syns;

	blackhole = 1;
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), 0);
	run_for(SIM_MSEC);
	ck_assert_int_eq(nrec, 1);			/* the SYN */
	memset(&s, 0, sizeof(s));
	s.saddr = SADDR;
	s.daddr = CADDR;
	s.sport = PORT;
	s.dport = tp->t_inpcb->inp_lport;
	s.seq = 12345;
	s.ack = tp->iss + 1000;				/* not our SYN's */
	s.flags = TH_ACK;
	n = nrec;
	tcp_input(cli, &s);
	run_for(20 * SIM_MSEC);
	ck_assert_int_ge(nrec, n + 2);
	ck_assert_uint_eq(recs[n].seg.flags, TH_RST);
	ck_assert_uint_eq(recs[n].seg.seq, s.ack);
	ck_assert_uint_eq(recs[n + 1].seg.flags, TH_SYN);
	/*
	 * Two jiffies, and the wheel fires a level-0 timer one jiffy after
	 * its expiry (LNX-12): within three jiffies, 12 ms, of the RST.
	 */
	ck_assert_int_gt(recs[n + 1].t - recs[n].t, 8 * SIM_MSEC);
	ck_assert_int_le(recs[n + 1].t - recs[n].t, 12 * SIM_MSEC);
	ck_assert_int_eq(tp->t_rxtshift, 1);
	/* A second one: RST only; the timer keeps its backed-off time. */
	n = nrec;
	tcp_input(cli, &s);
	run_for(500 * SIM_MSEC);
	for (syns = 0, i = n; i < nrec; i++)
		syns += recs[i].seg.flags == TH_SYN;
	ck_assert_int_eq(syns, 0);
	ck_assert_uint_eq(recs[n].seg.flags, TH_RST);
}
END_TEST

/* LNX-20: one timestamp clock per address pair; ISNs grow with time. */
START_TEST(test_lnx20_ts_offset_per_pair_and_clock_driven_isn)
{
	struct tcpcb *a, *b;

	ck_assert_int_eq(try_connect(SADDR, 0, &a), 0);
	run_for(SIM_SEC);
	ck_assert_int_eq(try_connect(SADDR, 0, &b), 0);
	ck_assert_uint_eq(a->ts_offset, b->ts_offset);
	ck_assert_uint_eq(a->ts_offset, secure_tcp_ts_off(cli, CADDR, SADDR));
	ck_assert_uint_ne(a->ts_offset, secure_tcp_ts_off(cli, CADDR,
	    SADDR2));
	/* The same 4-tuple a second later: 15.6 million further on. */
	ck_assert_uint_eq(secure_tcp_seq(cli, CADDR, 4000, SADDR, 80) -
	    secure_tcp_seq(cli, CADDR, 4000, SADDR, 80), 0);
	{
		tcp_seq s0 = secure_tcp_seq(cli, CADDR, 4000, SADDR, 80);

		run_for(SIM_SEC);
		ck_assert_uint_eq(secure_tcp_seq(cli, CADDR, 4000, SADDR, 80) -
		    s0, (tcp_seq)(SIM_SEC >> 6));
	}
}
END_TEST

static Suite *
linux_suite(void)
{
	Suite *s = suite_create("linux");
	TCase *tc = tcase_create("linux");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc,
	    test_lnx3_one_parity_then_the_other_then_eaddrnotavail);
	tcase_add_test(tc, test_lnx1_odd_and_one_port_ranges);
	tcase_add_test(tc, test_lnx4_one_port_serves_many_destinations);
	tcase_add_test(tc, test_lnx3_a_bound_port_is_skipped);
	tcase_add_test(tc, test_lnx5_next_port_moves_on_by_two_to_sixteen);
	tcase_add_test(tc, test_lnx2_offset_per_destination);
	tcase_add_test(tc, test_lnx7_reuse0_never_takes_over);
	tcase_add_test(tc, test_lnx7_reuse1_after_the_delay_takes_over);
	tcase_add_test(tc, test_lnx7_reuse2_only_on_loopback);
	tcase_add_test(tc, test_lnx7_reuse2_on_loopback_takes_over);
	tcase_add_test(tc, test_lnx7_no_timestamps_no_takeover);
	tcase_add_test(tc, test_lnx7_fixed_port_takes_over_with_reuse0);
	tcase_add_test(tc, test_lnx9_past_max_tw_buckets_no_entry_port_free);
	tcase_add_test(tc, test_lnx12_timer_wheel_rounds_up_to_the_level);
	tcase_add_test(tc, test_lnx11_timewait_lasts_60s_on_the_wheel);
	tcase_add_test(tc, test_lnx14_rst_kills_timewait_unless_rfc1337);
	tcase_add_test(tc, test_lnx14_bare_ack_restarts_quietly);
	tcase_add_test(tc, test_lnx16_fin_retransmission_restarts_and_is_acked);
	tcase_add_test(tc, test_lnx16_out_of_window_acks_are_rate_limited);
	tcase_add_test(tc, test_lnx13_paws_rejects_an_old_timestamp);
	tcase_add_test(tc, test_lnx15_syn_with_newer_timestamp_reopens);
	tcase_add_test(tc, test_lnx18_syn_backoff_linear_then_doubling);
	tcase_add_test(tc, test_lnx24_orphan_fin_wait_2_is_a_bucket_for_tcp_fin_time);
	tcase_add_test(tc, test_lnx19_long_fin_timeout_socket_then_bucket);
	tcase_add_test(tc, test_lnx24_peer_fin_turns_the_bucket_into_time_wait);
	tcase_add_test(tc, test_lnx24_fin_wait2_buckets_count_against_max_tw_buckets);
	tcase_add_test(tc, test_lnx24_fin_wait2_bucket_segment_rules);
	tcase_add_test(tc, test_lnx7_fin_wait2_bucket_never_taken_over);
	tcase_add_test(tc, test_lnx25_unacceptable_ack_in_syn_sent_resends_the_syn_soon);
	tcase_add_test(tc, test_lnx20_ts_offset_per_pair_and_clock_driven_isn);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(linux_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
