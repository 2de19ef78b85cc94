/*
 * check_timewait.c -- the TIME_WAIT rules TW-1 .. TW-21 (docs/RULES.md),
 * one test (or more) per rule, named for it.
 *
 * Connections are built directly: a pcb from the table, a tcpcb from
 * tcp_newtcpcb() with hand-set sequence state, then tcp_twstart().  What the
 * TIME_WAIT code sends is observed at the receiving end: tcp_input() is
 * the recording test double of tests/tcp_input_double.c (the state machine
 * is not under test here), so every segment on the wire is checked field
 * by field.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

#define CLIENT	FX_ADDR(10, 0, 0, 1)
#define CLIENT2	FX_ADDR(10, 0, 0, 3)
#define SERVER	FX_ADDR(10, 0, 0, 2)

static struct sim *sim;
static struct net *net;
static struct host *cli, *srv;

static void
setup_with(const struct host_tunables *t)
{

	fx_rec_reset();
	fx_world_create(7, &sim, &net);
	cli = fx_host(net, "client", t, CLIENT);
	fx_addr(net, cli, CLIENT2);
	srv = fx_host(net, "server", NULL, SERVER);
}

static void
setup(void)
{

	setup_with(NULL);
}

/* Short MSL (1 s) so expiry tests run in a few simulated seconds. */
static void
setup_msl1(void)
{
	struct host_tunables t;

	host_tunables_init(&t);
	t.msl = SIM_SEC;
	setup_with(&t);
}

static void
teardown(void)
{

	fx_host_check(cli);
	fx_world_destroy(&sim, &net);
	cli = srv = NULL;
}

static void
run_to(sim_time_t t)
{

	sim_run(sim, t, 0);
}

/* Let in-flight segments arrive (1 ms paths); no slow tick in between
 * as long as callers stay clear of the 500 ms boundaries. */
static void
flush(void)
{

	run_to(sim_now(sim) + 5 * SIM_MSEC);
}

/* A connection of cli in TIME_WAIT-to-be, with known sequence state. */
static struct tcpcb *
mkconn_to(struct host *h, uint32_t faddr, uint16_t lport, uint16_t fport)
{
	struct inpcb *inp;
	struct tcpcb *tp;

	inp = in_pcballoc(&h->pcbinfo);
	ck_assert_ptr_nonnull(inp);
	ck_assert_int_eq(in_pcbconnect(&h->pcbinfo, inp, 0, lport, faddr,
	    fport), 0);
	tp = tcp_newtcpcb(h, inp);
	ck_assert_ptr_nonnull(tp);
	tp->t_state = TCPS_TIME_WAIT;
	tp->iss = 100;
	tp->snd_una = tp->snd_nxt = tp->snd_max = 1001;
	tp->irs = 5000;
	tp->rcv_nxt = 6001;
	tp->rcv_adv = 6001 + 4096;
	tp->t_flags |= TF_REQ_TSTMP | TF_RCVD_TSTMP;
	tp->ts_recent = 777;
	tp->ts_offset = 100000;
	return (tp);
}

static struct tcpcb *
mkconn(uint16_t fport)
{

	return (mkconn_to(cli, SERVER, 0, fport));
}

/* Enter TIME_WAIT and return the entry. */
static struct tcptw *
mktw(uint16_t fport)
{
	struct tcpcb *tp = mkconn(fport);
	struct inpcb *inp = tp->t_inpcb;

	tcp_twstart(tp);
	ck_assert(inp->inp_flags & INP_TIMEWAIT);
	ck_assert_ptr_nonnull(inp->inp_ppcb);
	return (inp->inp_ppcb);
}

/* A segment from the server to the entry's pcb. */
static struct tcp_segment
seg_to(const struct tcptw *tw, uint8_t flags, tcp_seq seq, tcp_seq ack,
    uint32_t len)
{
	struct tcp_segment s;

	memset(&s, 0, sizeof(s));
	s.saddr = tw->tw_inpcb->inp_faddr;
	s.daddr = tw->tw_inpcb->inp_laddr;
	s.sport = tw->tw_inpcb->inp_fport;
	s.dport = tw->tw_inpcb->inp_lport;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.len = len;
	return (s);
}

static int
queue_pos(const struct host *h, const struct tcptw *tw)
{
	const struct tcptw *t;
	int i = 0;

	TAILQ_FOREACH(t, &h->twzone.twq_2msl, tw_2msl) {
		if (t == tw)
			return (i);
		i++;
	}
	return (-1);
}

/* ---- TW-1 .. TW-5: the zone and its cap ------------------------------- */

static int
auto_size(int first, int last, int maxsockets)
{

	cli->tun.portrange_first = first;
	cli->tun.portrange_last = last;
	cli->tun.maxsockets = maxsockets;
	return (tcptw_auto_size(cli));
}

START_TEST(test_tw1_auto_size)
{
	ck_assert_int_eq(auto_size(10000, 65535, 25600), 5120);
	ck_assert_int_eq(auto_size(10000, 10999, 25600), 499);
	ck_assert_int_eq(auto_size(10000, 10010, 25600), 32);
	ck_assert_int_eq(auto_size(10000, 10000, 25600), 32);
	ck_assert_int_eq(auto_size(10000, 65535, 1000), 200);
	/* maxsockets / 5 wins even over the floor of 32. */
	ck_assert_int_eq(auto_size(10000, 10010, 100), 20);
	/* A reversed range counts the same. */
	ck_assert_int_eq(auto_size(65535, 10000, 25600), 5120);
	ck_assert_int_eq(auto_size(10999, 10000, 25600), 499);
	ck_assert_int_eq(auto_size(49152, 65535, 1000000), 8191);
	/* The boot default host got the auto size. */
	ck_assert_int_eq(host_tw_cap(srv), 5120);
}
END_TEST

START_TEST(test_tw2_boot_value_applies_as_given)
{
	struct host_tunables t;

	host_tunables_init(&t);
	t.maxtcptw = 10;		/* below 32: a sysctl would refuse it */
	setup_with(&t);
	ck_assert_int_eq(host_tw_cap(cli), 10);
	ck_assert_int_eq(sysctl_maxtcptw_get(cli), 10);
	/* UMA-1: the zone itself holds a whole slab. */
	ck_assert_int_eq(host_tw_cap_effective(cli), TCPTW_UMA_IPERS);
	teardown();

	host_tunables_init(&t);
	t.maxtcptw = 0;
	t.portrange_first = 10000;
	t.portrange_last = 10999;
	setup_with(&t);
	ck_assert_int_eq(host_tw_cap(cli), 499);
	ck_assert_int_eq(host_tw_cap_effective(cli), 500);
}
END_TEST

START_TEST(test_tw3_read_while_auto_reports_auto_size)
{
	int64_t v;
	char err[128];

	ck_assert_int_eq(host_sysctl_get(cli, "maxtcptw", &v), 0);
	ck_assert_int_eq(v, 5120);
	ck_assert_int_eq(cli->twzone.maxtcptw, 0);
	/* A new range shows in the reading at once, but the cap stays. */
	ck_assert_int_eq(host_sysctl_set(cli, "portrange_last", 10999, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(host_sysctl_get(cli, "maxtcptw", &v), 0);
	ck_assert_int_eq(v, 499);
	ck_assert_int_eq(host_tw_cap(cli), 5120);
}
END_TEST

START_TEST(test_tw4_sysctl_write_below_32_ignored)
{
	int64_t v;
	char err[128];

	ck_assert_int_eq(sysctl_maxtcptw_set(cli, 31), 0);
	ck_assert_int_eq(host_sysctl_set(cli, "maxtcptw", 31, err,
	    sizeof(err)), 0);		/* not an error, just ignored */
	ck_assert_int_eq(host_tw_cap(cli), 5120);
	ck_assert_int_eq(cli->twzone.maxtcptw, 0);
	ck_assert_int_eq(host_sysctl_get(cli, "maxtcptw", &v), 0);
	ck_assert_int_eq(v, 5120);

	ck_assert_int_eq(sysctl_maxtcptw_set(cli, 32), 1);
	ck_assert_int_eq(host_tw_cap(cli), 32);
	ck_assert_int_eq(host_sysctl_get(cli, "maxtcptw", &v), 0);
	ck_assert_int_eq(v, 32);
	ck_assert_int_eq(host_sysctl_set(cli, "maxtcptw", 1000, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(host_tw_cap(cli), 1000);
}
END_TEST

/*
 * TW-4 with UMA-3: a cap lowered below the entries in use closes nothing,
 * and the slabs those entries came from stay the zone's: new entries fill
 * them first; recycling starts only once they are all in use.
 */
START_TEST(test_tw4_recap_below_use_recycles_at_next_twstart)
{
	struct tcptw *first = NULL;
	char err[256];
	int i;

	for (i = 0; i < 60; i++) {		/* two slabs of 50 */
		(void)mktw((uint16_t)(1000 + i));
		if (i == 0)
			first = TAILQ_FIRST(&cli->twzone.twq_2msl);
	}
	ck_assert_int_eq(host_tw_count(cli), 60);
	ck_assert_int_eq(sysctl_maxtcptw_set(cli, 32), 1);
	/* Nothing is closed by the write itself. */
	ck_assert_int_eq(host_tw_count(cli), 60);
	ck_assert_int_eq(host_tw_cap(cli), 32);
	ck_assert_int_eq(host_tw_cap_effective(cli), 2 * TCPTW_UMA_IPERS);
	ck_assert_msg(host_check(cli, err, sizeof(err)) == 0, "%s", err);
	/* The two slabs still have 40 free items: no recycling. */
	for (i = 0; i < 40; i++)
		(void)mktw((uint16_t)(2000 + i));
	ck_assert_int_eq(cli->stat.tw_recycled, 0);
	ck_assert_int_eq(host_tw_count(cli), 100);
	/* Now the zone refuses a new entry: the oldest is recycled. */
	(void)mktw(3000);
	ck_assert_int_eq(cli->stat.tw_recycled, 1);
	ck_assert_int_eq(host_tw_count(cli), 100);
	ck_assert_ptr_ne(TAILQ_FIRST(&cli->twzone.twq_2msl), first);
	ck_assert_msg(host_check(cli, err, sizeof(err)) == 0, "%s", err);
}
END_TEST

/* UMA-1: uma_zone_set_max rounds the limit up to whole slabs of 50. */
START_TEST(test_uma1_cap_rounds_up_to_whole_slabs)
{
	static const struct { int max, eff; } cases[] = {
		{ 32, 50 }, { 50, 50 }, { 51, 100 }, { 499, 500 },
		{ 5120, 5150 }, { 13107, 13150 }, { 100000, 100000 },
	};
	size_t i;

	ck_assert_int_eq(TCPTW_UMA_IPERS, 50);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(sysctl_maxtcptw_set(cli, cases[i].max), 1);
		ck_assert_int_eq(host_tw_cap(cli), cases[i].max);
		ck_assert_int_eq(host_tw_cap_effective(cli), cases[i].eff);
	}
}
END_TEST

/* UMA-2: a cap of 32 holds 50 entries before the first recycling. */
START_TEST(test_uma2_full_slab_is_usable_before_recycling)
{
	int i;

	ck_assert_int_eq(sysctl_maxtcptw_set(cli, 32), 1);
	for (i = 0; i < TCPTW_UMA_IPERS; i++)
		(void)mktw((uint16_t)(1000 + i));
	ck_assert_int_eq(cli->stat.tw_recycled, 0);
	ck_assert_int_eq(host_tw_count(cli), TCPTW_UMA_IPERS);
	(void)mktw(2000);
	ck_assert_int_eq(cli->stat.tw_recycled, 1);
	ck_assert_int_eq(host_tw_count(cli), TCPTW_UMA_IPERS);
}
END_TEST

/*
 * UMA-3: slabs are never freed (UMA_ZONE_NOFREE): once entries expire the
 * zone keeps its high-water mark of slabs, so the effective cap stays
 * above a lowered limit for ever, and fills to it without recycling.
 */
START_TEST(test_uma3_slabs_stay_after_entries_expire)
{
	int i;

	for (i = 0; i < 120; i++)		/* three slabs */
		(void)mktw((uint16_t)(1000 + i));
	ck_assert_int_eq(cli->twzone.tw_pages, 3);
	ck_assert_int_eq(sysctl_maxtcptw_set(cli, 32), 1);
	run_to(sim_now(sim) + 2 * cli->tun.msl + SIM_SEC);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(cli->twzone.tw_pages, 3);
	ck_assert_int_eq(host_tw_cap_effective(cli), 150);
	for (i = 0; i < 150; i++)
		(void)mktw((uint16_t)(3000 + i));
	ck_assert_int_eq(cli->stat.tw_recycled, 0);
	(void)mktw(5000);
	ck_assert_int_eq(cli->stat.tw_recycled, 1);
	ck_assert_int_eq(cli->twzone.tw_pages, 3);
}
END_TEST

START_TEST(test_tw5_maxsockets_change_recaps_auto_zone)
{
	struct host_tunables t;
	char err[128];

	host_tunables_init(&t);
	t.maxsockets = 1000;
	setup_with(&t);
	ck_assert_int_eq(host_tw_cap(cli), 200);
	ck_assert_int_eq(host_sysctl_set(cli, "maxsockets", 2000, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(host_tw_cap(cli), 400);
	/* kern.ipc.maxsockets only grows. */
	ck_assert_int_eq(host_sysctl_set(cli, "maxsockets", 1500, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(host_tw_cap(cli), 400);
	/* With an explicit maxtcptw the cap no longer follows. */
	ck_assert_int_eq(sysctl_maxtcptw_set(cli, 64), 1);
	ck_assert_int_eq(host_sysctl_set(cli, "maxsockets", 5000, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(host_tw_cap(cli), 64);
}
END_TEST

/* ---- TW-6 .. TW-10: tcp_twstart --------------------------------------- */

START_TEST(test_tw6_nolocaltimewait_local_peer_closes_at_once)
{
	struct tcpcb *tp;
	char err[128];
	uint16_t lport;

	ck_assert_int_eq(host_sysctl_set(cli, "nolocaltimewait", 1, err,
	    sizeof(err)), 0);
	/* Peer is the host's own other address. */
	tp = mkconn_to(cli, CLIENT2, 0, 80);
	lport = tp->t_inpcb->inp_lport;
	tcp_twstart(tp);
	ck_assert_int_eq(cli->stat.tw_skipped_local, 1);
	ck_assert_int_eq(cli->stat.tw_entered, 0);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_ptr_null(in_pcblookup_local(&cli->pcbinfo, CLIENT, lport));
	ck_assert_int_eq(cli->tcpcb_live, 0);
	/* A remote peer still gets TIME_WAIT. */
	tcp_twstart(mkconn(80));
	ck_assert_int_eq(cli->stat.tw_skipped_local, 1);
	ck_assert_int_eq(host_tw_count(cli), 1);
}
END_TEST

START_TEST(test_tw6_local_peer_without_sysctl_keeps_time_wait)
{
	tcp_twstart(mkconn_to(cli, CLIENT2, 0, 80));
	ck_assert_int_eq(cli->stat.tw_skipped_local, 0);
	ck_assert_int_eq(host_tw_count(cli), 1);
}
END_TEST

START_TEST(test_tw7_full_zone_recycles_the_oldest)
{
	struct host_tunables t;
	struct tcptw *tw;
	uint16_t oldest_port = 0, second_port = 0;
	int i;

	host_tunables_init(&t);
	t.maxtcptw = 32;		/* UMA-1: the zone holds 50 */
	setup_with(&t);
	for (i = 0; i < TCPTW_UMA_IPERS; i++) {
		run_to(sim_now(sim) + 10 * SIM_MSEC);
		tw = mktw(80);
		if (i == 0)
			oldest_port = tw->tw_inpcb->inp_lport;
		if (i == 1)
			second_port = tw->tw_inpcb->inp_lport;
	}
	ck_assert_int_eq(host_tw_count(cli), TCPTW_UMA_IPERS);
	ck_assert_int_eq(cli->stat.tw_recycled, 0);
	ck_assert_ptr_nonnull(in_pcblookup_local(&cli->pcbinfo, CLIENT,
	    oldest_port));
	tw = mktw(80);
	ck_assert_int_eq(cli->stat.tw_recycled, 1);
	ck_assert_int_eq(host_tw_count(cli), TCPTW_UMA_IPERS);
	ck_assert_int_eq(cli->twzone.tw_used, TCPTW_UMA_IPERS);
	/* The OLDEST went, and its port is free at once. */
	ck_assert_ptr_null(in_pcblookup_local(&cli->pcbinfo, CLIENT,
	    oldest_port));
	ck_assert_ptr_nonnull(in_pcblookup_local(&cli->pcbinfo, CLIENT,
	    second_port));
	/* The new entry is at the tail. */
	ck_assert_ptr_eq(TAILQ_LAST(&cli->twzone.twq_2msl, tcptw_queue), tw);
	ck_assert_int_eq(cli->stat.tw_entered, TCPTW_UMA_IPERS + 1);
}
END_TEST

/*
 * TW-8 under UMA: the zone refuses an entry only when every item of its
 * slabs is in use (UMA-2), so the 2MSL queue is never empty then; a cap
 * of 0 is no limit at all (UMA-4).  TW-8 remains for a zone that cannot
 * grow for want of memory.  maxsockets 4 gives an auto cap of 4 / 5 = 0.
 */
START_TEST(test_tw8_uma4_zero_cap_is_no_limit)
{
	struct host_tunables t;
	int i;

	host_tunables_init(&t);
	t.maxsockets = 4;
	setup_with(&t);
	ck_assert_int_eq(host_tw_cap(cli), 0);
	ck_assert_int_eq(host_tw_cap_effective(cli), 0);
	for (i = 0; i < 3; i++)
		(void)mktw(80);
	ck_assert_int_eq(cli->stat.tw_skipped_nomem, 0);
	ck_assert_int_eq(cli->stat.tw_recycled, 0);
	ck_assert_int_eq(host_tw_count(cli), 3);
	ck_assert_int_eq(cli->stat.tw_entered, 3);
}
END_TEST

START_TEST(test_tw9_entry_keeps_connection_fields)
{
	struct tcpcb *tp;
	struct inpcb *inp;
	struct tcptw *tw;
	uint64_t conn_id;
	int64_t start;

	run_to(123 * SIM_MSEC);
	tp = mkconn(80);
	tp->rcv_scale = 2;
	tp->iss = 11;
	tp->irs = 22;
	tp->snd_nxt = 33;
	tp->rcv_nxt = 44;
	tp->rcv_adv = 44 + 4096;
	conn_id = tp->conn_id;
	ck_assert(conn_id != 0);
	inp = tp->t_inpcb;
	start = host_ticks(cli);
	tcp_twstart(tp);
	tw = inp->inp_ppcb;
	ck_assert_int_eq(tw->last_win, 4096 >> 2);
	/* Not iss, irs, t_starttime: only the compiled-out
	   tcp_twrecycleable read them (TW-9). */
	ck_assert_uint_eq(tw->snd_nxt, 33);
	ck_assert_uint_eq(tw->rcv_nxt, 44);
	ck_assert_uint_eq(tw->conn_id, conn_id);
	ck_assert_int_eq(tw->tw_start, 123 * SIM_MSEC);
	ck_assert_uint_eq(tw->t_recent, 777);
	ck_assert_uint_eq(tw->ts_offset, 100000);
	ck_assert_int_eq(tw->tw_time, start + 2 * 30000);
	ck_assert_int_eq(cli->stat.tw_entered, 1);
	ck_assert_int_eq(cli->stat.tw_peak, 1);
	ck_assert_int_eq(cli->tcpcb_live, 0);	/* tcpcb discarded */
}
END_TEST

START_TEST(test_tw9_window_zero_when_nothing_advertised_beyond)
{
	struct tcpcb *tp = mkconn(80);
	struct inpcb *inp = tp->t_inpcb;

	tp->rcv_adv = tp->rcv_nxt;
	tcp_twstart(tp);
	ck_assert_int_eq(((struct tcptw *)inp->inp_ppcb)->last_win, 0);
}
END_TEST

START_TEST(test_tw9_timestamps_only_when_both_ends_use_them)
{
	struct tcpcb *tp;
	struct inpcb *inp;
	uint32_t flags[3] = { TF_REQ_TSTMP, TF_RCVD_TSTMP,
	    TF_REQ_TSTMP | TF_RCVD_TSTMP | TF_NOOPT };
	int i;

	for (i = 0; i < 3; i++) {
		tp = mkconn((uint16_t)(80 + i));
		tp->t_flags &= ~(TF_REQ_TSTMP | TF_RCVD_TSTMP | TF_NOOPT);
		tp->t_flags |= flags[i];
		inp = tp->t_inpcb;
		tcp_twstart(tp);
		ck_assert_uint_eq(((struct tcptw *)inp->inp_ppcb)->t_recent, 0);
		ck_assert_uint_eq(((struct tcptw *)inp->inp_ppcb)->ts_offset,
		    0);
	}
}
END_TEST

START_TEST(test_tw10_pending_ack_is_sent_from_the_entry)
{
	struct tcpcb *tp;

	tp = mkconn(80);
	tcp_twstart(tp);		/* no TF_ACKNOW: silent */
	flush();
	ck_assert_int_eq(fx_nrec(), 0);
	ck_assert_int_eq(cli->stat.acks_sent_tw, 0);

	tp = mkconn(81);
	tp->t_flags |= TF_ACKNOW;
	tcp_twstart(tp);
	flush();
	ck_assert_int_eq(fx_nrec(), 1);
	ck_assert_int_eq(fx_rec(0)->seg.flags, TH_ACK);
	ck_assert_uint_eq(fx_rec(0)->seg.seq, 1001);
	ck_assert_uint_eq(fx_rec(0)->seg.ack, 6001);
	ck_assert_int_eq(fx_rec(0)->seg.dport, 81);
	ck_assert_int_eq(cli->stat.acks_sent_tw, 1);
}
END_TEST

/* ---- TW-11 .. TW-13: the 2MSL queue ----------------------------------- */

START_TEST(test_tw11_entry_expires_at_first_tick_after_2msl)
{
	struct tcptw *tw;

	/* Created at t = 1.0 s (after that tick): 2MSL ends at 3.0 s,
	 * exactly on a slow tick. */
	run_to(SIM_SEC);
	tw = mktw(80);
	ck_assert_int_eq(tw->tw_time, 1000 + 2000);
	run_to(3 * SIM_SEC - 1);
	ck_assert_int_eq(host_tw_count(cli), 1);
	run_to(3 * SIM_SEC);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(cli->stat.tw_expired, 1);
	ck_assert_int_eq(cli->pcbinfo.ipi_count, 0);
}
END_TEST

START_TEST(test_tw11_new_entries_join_the_tail)
{
	struct tcptw *a, *b, *c;

	a = mktw(80);
	b = mktw(81);
	c = mktw(82);
	ck_assert_int_eq(queue_pos(cli, a), 0);
	ck_assert_int_eq(queue_pos(cli, b), 1);
	ck_assert_int_eq(queue_pos(cli, c), 2);
}
END_TEST

START_TEST(test_tw11_msl_change_applies_to_later_entries)
{
	struct tcptw *a, *b;
	char err[128];

	a = mktw(80);
	ck_assert_int_eq(host_sysctl_set(cli, "msl", 5 * SIM_SEC, err,
	    sizeof(err)), 0);
	b = mktw(81);
	ck_assert_int_eq(a->tw_time, 2 * 30000);
	ck_assert_int_eq(b->tw_time, 2 * 5000);
}
END_TEST

START_TEST(test_tw12_scan_closes_in_fifo_order)
{
	struct tcptw *a, *b, *c;

	/* msl 1 s: created at 0.1, 0.6, 1.1 s -> end at 2.1, 2.6, 3.1 s,
	 * closed at the ticks of 2.5, 3.0 and 3.5 s. */
	run_to(100 * SIM_MSEC);
	a = mktw(80);
	run_to(600 * SIM_MSEC);
	b = mktw(81);
	run_to(1100 * SIM_MSEC);
	c = mktw(82);
	(void)a;
	run_to(2400 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 3);
	run_to(2500 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 2);
	ck_assert_ptr_eq(TAILQ_FIRST(&cli->twzone.twq_2msl), b);
	run_to(3000 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_ptr_eq(TAILQ_FIRST(&cli->twzone.twq_2msl), c);
	run_to(3500 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(cli->stat.tw_expired, 3);
}
END_TEST

START_TEST(test_tw12_scan_stops_at_first_unexpired)
{
	struct tcptw *a, *b;
	char err[128];

	/* a: msl 1 s, ends at 2.1 s.  b: msl 100 ms, ends at 0.3 s, but it
	 * waits behind a: the scan stops at the head. */
	run_to(100 * SIM_MSEC);
	a = mktw(80);
	ck_assert_int_eq(host_sysctl_set(cli, "msl", 100 * SIM_MSEC, err,
	    sizeof(err)), 0);
	b = mktw(81);
	ck_assert_int_lt(b->tw_time, a->tw_time);
	run_to(2 * SIM_SEC);
	ck_assert_int_eq(host_tw_count(cli), 2);
	ck_assert_int_eq(queue_pos(cli, b), 1);
	run_to(2500 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(cli->stat.tw_expired, 2);
}
END_TEST

START_TEST(test_tw13_rearmed_entry_moves_to_tail)
{
	struct tcptw *a, *b;

	run_to(100 * SIM_MSEC);
	a = mktw(80);
	b = mktw(81);
	run_to(1100 * SIM_MSEC);
	tcp_tw_2msl_reset(a, 1);
	ck_assert_int_eq(queue_pos(cli, b), 0);
	ck_assert_int_eq(queue_pos(cli, a), 1);
	ck_assert_int_eq(a->tw_time, 1100 + 2000);
	/* b ends at 2.1 s (tick 2.5); a now at 3.1 s (tick 3.5). */
	run_to(2500 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_ptr_eq(TAILQ_FIRST(&cli->twzone.twq_2msl), a);
	run_to(3 * SIM_SEC);
	ck_assert_int_eq(host_tw_count(cli), 1);
	run_to(3500 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 0);
}
END_TEST

/*
 * TW-11/TW-12 with the kernel's 32-bit ticks: an entry armed 1.2 s before
 * the tick counter wraps -- at 2^31 (int ticks turn negative) and at 2^32
 * (the low 32 bits pass 0) -- ends 0.8 s after the wrap and is closed by
 * the slow tick after that, not by the first scan after it was made.  hz
 * 1000000 brings the wraps to 2147 s and 4295 s of simulated time.
 */
static void
setup_hz1e6_msl1(void)
{
	struct host_tunables t;

	host_tunables_init(&t);
	t.hz = 1000000;
	t.msl = SIM_SEC;
	setup_with(&t);
}

static void
expire_across_wrap(int64_t wrap, int32_t stored, uint16_t fport)
{
	struct tcptw *tw;
	sim_time_t t0, tick;
	int64_t end;
	int expired = (int)cli->stat.tw_expired;

	t0 = wrap * SIM_USEC - 1200 * SIM_MSEC;
	end = wrap + 800000;			/* ticks: t0 + 2 MSL */
	run_to(t0);
	tw = mktw(fport);
	ck_assert_int_eq(tw->tw_time, stored);	/* wrapped, as an int */
	/* The slow ticks are at whole half seconds; the first at or after
	   the end closes it. */
	tick = (end * SIM_USEC + 500 * SIM_MSEC - 1) / (500 * SIM_MSEC) *
	    (500 * SIM_MSEC);
	run_to(tick - 1);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_int_eq(cli->stat.tw_expired, expired);
	run_to(tick);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(cli->stat.tw_expired, expired + 1);
}

START_TEST(test_tw12_expiry_is_wrap_safe_across_32bit_ticks)
{
	ck_assert_int_eq(host_ticks(cli), 0);
	expire_across_wrap((int64_t)1 << 31, INT32_MIN + 800000, 80);
	expire_across_wrap((int64_t)1 << 32, 800000, 81);
}
END_TEST

/* ---- TW-14 .. TW-21: segments in TIME_WAIT ---------------------------- */

START_TEST(test_tw14_recycled_pcb_drops_segments)
{
	struct inpcb *inp;
	struct tcp_segment s;

	inp = in_pcballoc(&cli->pcbinfo);
	ck_assert_int_eq(in_pcbconnect(&cli->pcbinfo, inp, CLIENT, 0, SERVER,
	    80), 0);
	inp->inp_flags |= INP_TIMEWAIT;
	inp->inp_ppcb = NULL;
	memset(&s, 0, sizeof(s));
	s.flags = TH_ACK | TH_PUSH;	/* would be answered by a live entry */
	s.len = 10;
	ck_assert_int_eq(tcp_twcheck(inp, &s), 0);
	flush();
	ck_assert_int_eq(fx_nrec(), 0);
	ck_assert_int_eq(cli->stat.tw_dropped_recycled, 1);
	in_pcbfree(&cli->pcbinfo, inp);
}
END_TEST

START_TEST(test_tw15_rst_is_dropped)
{
	struct tcptw *tw = mktw(80);
	struct tcp_segment s;

	s = seg_to(tw, TH_RST, 6001, 0, 0);
	ck_assert_int_eq(tcp_twcheck(tw->tw_inpcb, &s), 0);
	s = seg_to(tw, TH_RST | TH_ACK, 6001, 1001, 0);
	ck_assert_int_eq(tcp_twcheck(tw->tw_inpcb, &s), 0);
	flush();
	ck_assert_int_eq(fx_nrec(), 0);
	ck_assert_int_eq(cli->stat.rst_ignored_tw, 2);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_int_eq(cli->stat.acks_sent_tw, 0);
}
END_TEST

START_TEST(test_tw16_syn_above_rcv_nxt_reopens)
{
	struct tcptw *tw = mktw(80);
	struct tcp_segment s;
	uint16_t lport = tw->tw_inpcb->inp_lport;

	s = seg_to(tw, TH_SYN, 6001 + 1, 0, 0);
	ck_assert_int_eq(tcp_twcheck(tw->tw_inpcb, &s), 1);
	ck_assert_int_eq(cli->stat.tw_reopened, 1);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(cli->twzone.tw_used, 0);
	ck_assert_ptr_null(in_pcblookup_local(&cli->pcbinfo, CLIENT, lport));
	flush();
	ck_assert_int_eq(fx_nrec(), 0);
}
END_TEST

START_TEST(test_tw17_syn_not_above_rcv_nxt_is_dropped)
{
	struct tcptw *tw = mktw(80);
	struct tcp_segment s;

	s = seg_to(tw, TH_SYN, 6001, 0, 0);
	ck_assert_int_eq(tcp_twcheck(tw->tw_inpcb, &s), 0);
	s = seg_to(tw, TH_SYN, 5000, 0, 0);
	ck_assert_int_eq(tcp_twcheck(tw->tw_inpcb, &s), 0);
	ck_assert_int_eq(cli->stat.syn_dropped_tw, 2);
	ck_assert_int_eq(cli->stat.tw_reopened, 0);
	ck_assert_int_eq(host_tw_count(cli), 1);
	flush();
	ck_assert_int_eq(fx_nrec(), 0);
}
END_TEST

START_TEST(test_tw17_segment_without_ack_is_dropped)
{
	struct tcptw *tw = mktw(80);
	struct tcp_segment s;

	s = seg_to(tw, TH_FIN, 6000, 0, 0);	/* would re-arm with ACK */
	ck_assert_int_eq(tcp_twcheck(tw->tw_inpcb, &s), 0);
	s = seg_to(tw, TH_PUSH, 6001, 0, 100);
	ck_assert_int_eq(tcp_twcheck(tw->tw_inpcb, &s), 0);
	flush();
	ck_assert_int_eq(fx_nrec(), 0);
	ck_assert_int_eq(cli->stat.syn_dropped_tw, 0);
	ck_assert_int_eq(cli->stat.tw_rearmed, 0);
}
END_TEST

START_TEST(test_tw18_duplicate_fin_rearms)
{
	struct tcptw *a, *b;
	struct tcp_segment s;

	run_to(100 * SIM_MSEC);
	a = mktw(80);
	b = mktw(81);
	run_to(1100 * SIM_MSEC);
	/* The peer's FIN again: seq + 1 == rcv_nxt. */
	s = seg_to(a, TH_FIN | TH_ACK, 6000, 1001, 0);
	ck_assert_int_eq(tcp_twcheck(a->tw_inpcb, &s), 0);
	ck_assert_int_eq(cli->stat.tw_rearmed, 1);
	ck_assert_int_eq(a->tw_time, 1100 + 2000);
	ck_assert_int_eq(queue_pos(cli, a), 1);
	ck_assert_int_eq(queue_pos(cli, b), 0);
	flush();
	ck_assert_int_eq(fx_nrec(), 1);	/* and it is acknowledged */
	ck_assert_int_eq(fx_rec(0)->seg.flags, TH_ACK);
	/* A FIN that is not the retransmitted one does not re-arm. */
	s = seg_to(b, TH_FIN | TH_ACK, 6001, 1001, 0);
	ck_assert_int_eq(tcp_twcheck(b->tw_inpcb, &s), 0);
	ck_assert_int_eq(cli->stat.tw_rearmed, 1);
	ck_assert_int_eq(b->tw_time, 100 + 2000);
	/* FIN with data: seq + len + 1 == rcv_nxt. */
	s = seg_to(b, TH_FIN | TH_ACK, 5990, 1001, 10);
	ck_assert_int_eq(tcp_twcheck(b->tw_inpcb, &s), 0);
	ck_assert_int_eq(cli->stat.tw_rearmed, 2);
}
END_TEST

START_TEST(test_tw19_pure_duplicate_ack_not_answered)
{
	struct tcptw *tw = mktw(80);
	struct tcp_segment s;

	s = seg_to(tw, TH_ACK, 6001, 1001, 0);
	ck_assert_int_eq(tcp_twcheck(tw->tw_inpcb, &s), 0);
	flush();
	ck_assert_int_eq(fx_nrec(), 0);
	ck_assert_int_eq(cli->stat.acks_sent_tw, 0);
}
END_TEST

START_TEST(test_tw19_other_acks_are_answered)
{
	struct tcptw *tw = mktw(80);
	struct tcp_segment s[4];
	int i;

	s[0] = seg_to(tw, TH_ACK, 6001, 1001, 1);	/* data */
	s[1] = seg_to(tw, TH_ACK, 6002, 1001, 0);	/* other seq */
	s[2] = seg_to(tw, TH_ACK, 6001, 1000, 0);	/* other ack */
	s[3] = seg_to(tw, TH_ACK | TH_PUSH, 6001, 1001, 0); /* flags */
	for (i = 0; i < 4; i++) {
		fx_rec_reset();
		ck_assert_int_eq(tcp_twcheck(tw->tw_inpcb, &s[i]), 0);
		flush();
		ck_assert_msg(fx_nrec() == 1, "segment %d not answered", i);
	}
	ck_assert_int_eq(cli->stat.acks_sent_tw, 4);
}
END_TEST

START_TEST(test_tw20_answer_fields)
{
	struct tcptw *tw;
	struct tcpcb *tp;
	struct tcp_segment s;
	struct inpcb *inp;
	uint64_t segs;

	run_to(250 * SIM_MSEC);
	tp = mkconn(80);
	tp->rcv_scale = 1;
	inp = tp->t_inpcb;
	tcp_twstart(tp);
	tw = inp->inp_ppcb;
	segs = cli->stat.segs_sent;
	s = seg_to(tw, TH_ACK, 6001, 1001, 5);
	ck_assert_int_eq(tcp_twcheck(inp, &s), 0);
	/* Arrives 1 ms later; tsval is taken at sending. */
	flush();
	ck_assert_int_eq(fx_nrec(), 1);
	ck_assert_uint_eq(fx_rec(0)->seg.saddr, CLIENT);
	ck_assert_uint_eq(fx_rec(0)->seg.daddr, SERVER);
	ck_assert_int_eq(fx_rec(0)->seg.sport, inp->inp_lport);
	ck_assert_int_eq(fx_rec(0)->seg.dport, 80);
	ck_assert_int_eq(fx_rec(0)->seg.flags, TH_ACK);
	ck_assert_uint_eq(fx_rec(0)->seg.seq, 1001);
	ck_assert_uint_eq(fx_rec(0)->seg.ack, 6001);
	ck_assert_int_eq(fx_rec(0)->seg.win, 4096 >> 1);
	ck_assert_int_eq(fx_rec(0)->seg.len, 0);
	ck_assert(fx_rec(0)->seg.opt_flags & TOF_TS);
	/* TS-3: the ms clock counts from 1. */
	ck_assert_uint_eq(fx_rec(0)->seg.tsval, 250 + 1 + 100000);
	ck_assert_uint_eq(fx_rec(0)->seg.tsecr, 777);
	ck_assert_uint_eq(fx_rec(0)->seg.conn_id, tw->conn_id);
	ck_assert_int_eq(cli->stat.acks_sent_tw, 1);
	ck_assert_int_eq(cli->stat.segs_sent, segs + 1);
}
END_TEST

START_TEST(test_tw20_no_timestamps_without_them)
{
	struct tcpcb *tp = mkconn(80);
	struct inpcb *inp = tp->t_inpcb;
	struct tcp_segment s;

	tp->t_flags &= ~TF_RCVD_TSTMP;
	tcp_twstart(tp);
	s = seg_to(inp->inp_ppcb, TH_ACK, 6001, 1001, 5);
	ck_assert_int_eq(tcp_twcheck(inp, &s), 0);
	flush();
	ck_assert_int_eq(fx_nrec(), 1);
	ck_assert_int_eq(fx_rec(0)->seg.opt_flags & TOF_TS, 0);
	ck_assert_uint_eq(fx_rec(0)->seg.tsval, 0);
	ck_assert_uint_eq(fx_rec(0)->seg.tsecr, 0);
}
END_TEST

START_TEST(test_tw21_close_frees_entry_pcb_and_port)
{
	struct tcptw *tw = mktw(80);
	uint16_t lport = tw->tw_inpcb->inp_lport;
	int cached = cli->twzone.tw_cached;

	ck_assert_int_eq(in_pcb_ports_in_use(&cli->pcbinfo, CLIENT), 1);
	tcp_twclose(tw, 0);
	ck_assert_ptr_null(tw->tw_inpcb);
	ck_assert_ptr_null(in_pcblookup_local(&cli->pcbinfo, CLIENT, lport));
	ck_assert_int_eq(in_pcb_ports_in_use(&cli->pcbinfo, CLIENT), 0);
	ck_assert_int_eq(cli->pcbinfo.ipi_count, 0);
	ck_assert_int_eq(cli->twzone.tw_used, 0);
	ck_assert_int_eq(cli->twzone.tw_cached, cached + 1);
	ck_assert_int_eq(cli->stat.tw_count, 0);
}
END_TEST

START_TEST(test_tw21_recycle_frees_port_keeps_entry)
{
	struct tcptw *tw = mktw(80), *got;
	uint16_t lport = tw->tw_inpcb->inp_lport;

	got = tcp_tw_2msl_scan(cli, 1);
	ck_assert_ptr_eq(got, tw);
	ck_assert_ptr_null(in_pcblookup_local(&cli->pcbinfo, CLIENT, lport));
	ck_assert_int_eq(cli->twzone.tw_used, 1);	/* still allocated */
	ck_assert_int_eq(cli->stat.tw_recycled, 1);
	/* Hand it back to the zone so teardown's invariants hold. */
	got->tw_inpcb = NULL;
	TAILQ_INSERT_HEAD(&cli->twzone.tw_free, got, tw_2msl);
	cli->twzone.tw_cached++;
	cli->twzone.tw_used--;
}
END_TEST

START_TEST(test_tw_memory_per_entry_at_most_256_bytes)
{
	ck_assert_uint_le(sizeof(struct tcptw) + sizeof(struct inpcb), 256);
}
END_TEST

START_TEST(test_tw_invariants_hold_through_churn)
{
	char err[256];
	int i;

	for (i = 0; i < 3000; i++) {
		(void)mktw((uint16_t)(1 + i % 500));
		if (i % 100 == 0) {
			run_to(sim_now(sim) + 300 * SIM_MSEC);
			ck_assert_msg(host_check(cli, err, sizeof(err)) == 0,
			    "%s", err);
		}
	}
	ck_assert_int_le(host_tw_count(cli), host_tw_cap(cli));
	ck_assert_int_eq(cli->stat.tw_entered, 3000);
}
END_TEST

START_TEST(test_host_check_catches_zone_mismatch)
{
	char err[256];

	(void)mktw(80);
	ck_assert_int_eq(host_check(cli, err, sizeof(err)), 0);
	cli->twzone.tw_used++;
	ck_assert_int_eq(host_check(cli, err, sizeof(err)), -1);
	cli->twzone.tw_used--;
}
END_TEST

static Suite *
timewait_suite(void)
{
	Suite *s = suite_create("timewait");
	TCase *tc;

	tc = tcase_create("zone");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tw1_auto_size);
	tcase_add_test(tc, test_tw3_read_while_auto_reports_auto_size);
	tcase_add_test(tc, test_tw4_sysctl_write_below_32_ignored);
	tcase_add_test(tc, test_tw4_recap_below_use_recycles_at_next_twstart);
	tcase_add_test(tc, test_uma1_cap_rounds_up_to_whole_slabs);
	tcase_add_test(tc, test_uma2_full_slab_is_usable_before_recycling);
	tcase_add_test(tc, test_uma3_slabs_stay_after_entries_expire);
	tcase_add_test(tc, test_tw_memory_per_entry_at_most_256_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("wrap");
	tcase_add_checked_fixture(tc, setup_hz1e6_msl1, teardown);
	tcase_add_test(tc, test_tw12_expiry_is_wrap_safe_across_32bit_ticks);
	suite_add_tcase(s, tc);

	/* These create their own hosts. */
	tc = tcase_create("boot");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_tw2_boot_value_applies_as_given);
	tcase_add_test(tc, test_tw5_maxsockets_change_recaps_auto_zone);
	tcase_add_test(tc, test_tw7_full_zone_recycles_the_oldest);
	tcase_add_test(tc, test_tw8_uma4_zero_cap_is_no_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("twstart");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tw6_nolocaltimewait_local_peer_closes_at_once);
	tcase_add_test(tc, test_tw6_local_peer_without_sysctl_keeps_time_wait);
	tcase_add_test(tc, test_tw9_entry_keeps_connection_fields);
	tcase_add_test(tc, test_tw9_window_zero_when_nothing_advertised_beyond);
	tcase_add_test(tc, test_tw9_timestamps_only_when_both_ends_use_them);
	tcase_add_test(tc, test_tw10_pending_ack_is_sent_from_the_entry);
	tcase_add_test(tc, test_tw11_new_entries_join_the_tail);
	tcase_add_test(tc, test_tw11_msl_change_applies_to_later_entries);
	tcase_add_test(tc, test_host_check_catches_zone_mismatch);
	tcase_add_test(tc, test_tw_invariants_hold_through_churn);
	suite_add_tcase(s, tc);

	tc = tcase_create("2msl");
	tcase_add_checked_fixture(tc, setup_msl1, teardown);
	tcase_add_test(tc, test_tw11_entry_expires_at_first_tick_after_2msl);
	tcase_add_test(tc, test_tw12_scan_closes_in_fifo_order);
	tcase_add_test(tc, test_tw12_scan_stops_at_first_unexpired);
	tcase_add_test(tc, test_tw13_rearmed_entry_moves_to_tail);
	tcase_add_test(tc, test_tw18_duplicate_fin_rearms);
	suite_add_tcase(s, tc);

	tc = tcase_create("twcheck");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tw14_recycled_pcb_drops_segments);
	tcase_add_test(tc, test_tw15_rst_is_dropped);
	tcase_add_test(tc, test_tw16_syn_above_rcv_nxt_reopens);
	tcase_add_test(tc, test_tw17_syn_not_above_rcv_nxt_is_dropped);
	tcase_add_test(tc, test_tw17_segment_without_ack_is_dropped);
	tcase_add_test(tc, test_tw19_pure_duplicate_ack_not_answered);
	tcase_add_test(tc, test_tw19_other_acks_are_answered);
	tcase_add_test(tc, test_tw20_answer_fields);
	tcase_add_test(tc, test_tw20_no_timestamps_without_them);
	tcase_add_test(tc, test_tw21_close_frees_entry_pcb_and_port);
	tcase_add_test(tc, test_tw21_recycle_frees_port_keeps_entry);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(timewait_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
