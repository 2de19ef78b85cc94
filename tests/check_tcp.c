/*
 * check_tcp.c -- the TCP state machine (models/tcp_input.c, tcp_output.c,
 * tcp_timer.c, tcp_usrreq.c): rules TCP-n of docs/RULES.md, end to end
 * between two real hosts over the real network.
 *
 * A deliver hook sits on the wire: it records every segment with its
 * arrival time and can drop chosen ones (a lost FIN, a lost last ACK),
 * then hands the rest to tcp_input().  Applications are a small recording
 * test app on each side.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stddef.h>
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

#define CADDR	FX_ADDR(10, 0, 0, 2)
#define SADDR	FX_ADDR(10, 0, 0, 1)
#define NOADDR	FX_ADDR(10, 9, 9, 9)
#define PORT	80

/* The wire. */
#define MAXREC	4096
struct rec {
	struct tcp_segment seg;
	sim_time_t	 t;
	int		 to_server;
	int		 dropped;
};
static struct rec recs[MAXREC];
static int nrec;
/* Drop rule: a predicate over (segment, to_server); count of drops. */
static int (*drop_fn)(const struct tcp_segment *, int);
static int ndrop_left;

static struct sim *sim;
static struct net *net;
static struct host *cli, *srv;

/* The test application. */
struct app {
	int		 connected, accepted, peer_closed, failed;
	int		 error;
	int		 syn_sent_at_fail;
	uint64_t	 rcvd;
	struct tcpcb	*tp;		/* last connection */
	int		 close_on_fin;	/* close when the peer's FIN comes */
	uint32_t	 respond;	/* send this on the first data */
};
static struct app capp, sapp;

static void
app_connected(void *arg, struct tcpcb *tp)
{
	struct app *a = arg;

	a->connected++;
	a->tp = tp;
}

static void
app_accepted(void *larg, struct tcpcb *tp, void **carg)
{
	struct app *a = larg;

	a->accepted++;
	a->tp = tp;
	*carg = a;
}

static void
app_received(void *arg, struct tcpcb *tp, uint32_t bytes)
{
	struct app *a = arg;

	a->rcvd += bytes;
	if (a->respond > 0) {
		ck_assert_int_eq(tcp_usr_send(tp, a->respond), 0);
		a->respond = 0;
	}
}

static void
app_peer_closed(void *arg, struct tcpcb *tp)
{
	struct app *a = arg;

	a->peer_closed++;
	if (a->close_on_fin) {
		a->tp = NULL;
		(void)tcp_usr_close(tp);
	}
}

static void
app_failed(void *arg, struct tcpcb *tp, int error)
{
	struct app *a = arg;

	a->failed++;
	a->error = error;
	a->syn_sent_at_fail = tp->t_syn_sent;
	a->tp = NULL;
}

static const struct tcp_app_ops app_ops = {
	.connected = app_connected,
	.accepted = app_accepted,
	.received = app_received,
	.peer_closed = app_peer_closed,
	.failed = app_failed,
};

static void
wire(void *arg, struct host *h, const struct tcp_segment *seg)
{
	struct rec *r = nrec < MAXREC ? &recs[nrec] : NULL;
	int to_server = h == srv;

	(void)arg;
	nrec++;
	if (r != NULL) {
		r->seg = *seg;
		r->t = sim_now(sim);
		r->to_server = to_server;
		r->dropped = 0;
	}
	if (drop_fn != NULL && ndrop_left > 0 && drop_fn(seg, to_server)) {
		ndrop_left--;
		if (r != NULL)
			r->dropped = 1;
		return;
	}
	tcp_input(h, seg);
}

static void
setup_with(const struct host_tunables *ct, const struct host_tunables *st)
{

	nrec = 0;
	drop_fn = NULL;
	ndrop_left = 0;
	memset(&capp, 0, sizeof(capp));
	memset(&sapp, 0, sizeof(sapp));
	fx_world_create(11, &sim, &net);
	cli = fx_host(net, "client", ct, CADDR);
	srv = fx_host(net, "server", st, SADDR);
	net_set_deliver_hook(net, wire, NULL);
	ck_assert_int_eq(tcp_usr_listen(srv, 0, PORT, &app_ops, &sapp), 0);
}

static void
setup(void)
{

	setup_with(NULL, NULL);
}

static void
teardown(void)
{

	fx_host_check(cli);
	fx_host_check(srv);
	fx_world_destroy(&sim, &net);
}

static void
run_for(sim_time_t d)
{

	(void)sim_run(sim, sim_now(sim) + d, 0);
}

static struct tcpcb *
connect_client(uint16_t lport)
{
	struct tcpcb *tp = NULL;

	ck_assert_int_eq(tcp_usr_connect(cli, 0, lport, SADDR, PORT,
	    &app_ops, &capp, &tp), 0);
	ck_assert_ptr_nonnull(tp);
	capp.tp = tp;
	return (tp);
}

/* An established pair: client tcpcb, server tcpcb. */
static void
establish(struct tcpcb **ctp, struct tcpcb **stp)
{

	*ctp = connect_client(0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(capp.connected, 1);
	ck_assert_int_eq(sapp.accepted, 1);
	*stp = sapp.tp;
	ck_assert_int_eq((*ctp)->t_state, TCPS_ESTABLISHED);
	ck_assert_int_eq((*stp)->t_state, TCPS_ESTABLISHED);
}

/* A new world whose hosts boot with ct and st, and an established pair. */
static void
restart_established(const struct host_tunables *ct,
    const struct host_tunables *st, struct tcpcb **ctp, struct tcpcb **stp)
{

	teardown();
	setup_with(ct, st);
	establish(ctp, stp);
}

/*
 * A segment from the client's endpoint to the server, at the server's
 * rcv_nxt and acknowledging its snd_nxt: flags ACK, no payload, sent by
 * the client's incarnation.  Tests change what they probe.
 */
static void
client_segment(const struct tcpcb *ctp, const struct tcpcb *stp,
    struct tcp_segment *d)
{

	memset(d, 0, sizeof(*d));
	d->saddr = CADDR;
	d->daddr = SADDR;
	d->sport = ctp->t_inpcb->inp_lport;
	d->dport = PORT;
	d->seq = stp->rcv_nxt;
	d->ack = stp->snd_nxt;
	d->flags = TH_ACK;
	d->conn_id = ctp->conn_id;
}

static int
count_flags(int to_server, uint8_t mask, uint8_t want)
{
	int i, n = 0;

	for (i = 0; i < nrec && i < MAXREC; i++)
		if (recs[i].to_server == to_server &&
		    (recs[i].seg.flags & mask) == want)
			n++;
	return (n);
}

/* TCP-1 */
START_TEST(test_tcp1_three_way_handshake_sequence_numbers)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert_int_ge(nrec, 3);
	/* SYN: seq = client iss, no ACK. */
	ck_assert(recs[0].to_server);
	ck_assert_uint_eq(recs[0].seg.flags, TH_SYN);
	ck_assert_uint_eq(recs[0].seg.seq, ctp->iss);
	/* SYN-ACK: seq = server iss, ack = client iss + 1. */
	ck_assert(!recs[1].to_server);
	ck_assert_uint_eq(recs[1].seg.flags, TH_SYN | TH_ACK);
	ck_assert_uint_eq(recs[1].seg.seq, stp->iss);
	ck_assert_uint_eq(recs[1].seg.ack, ctp->iss + 1);
	/* ACK: seq = client iss + 1, ack = server iss + 1. */
	ck_assert(recs[2].to_server);
	ck_assert_uint_eq(recs[2].seg.flags, TH_ACK);
	ck_assert_uint_eq(recs[2].seg.seq, ctp->iss + 1);
	ck_assert_uint_eq(recs[2].seg.ack, stp->iss + 1);
	ck_assert_uint_eq(ctp->irs, stp->iss);
	ck_assert_uint_eq(stp->irs, ctp->iss);
	ck_assert_uint_eq(ctp->snd_una, ctp->iss + 1);
	ck_assert_uint_eq(stp->snd_una, stp->iss + 1);
	/* Counters, gauges and the incarnation oracle. */
	ck_assert_uint_eq(cli->stat.conn_attempted, 1);
	ck_assert_uint_eq(cli->stat.conn_established, 1);
	ck_assert_uint_eq(srv->stat.accepts, 1);
	ck_assert_int_eq(cli->stat.established, 1);
	ck_assert_int_eq(srv->stat.established, 1);
	ck_assert_uint_eq(ctp->peer_conn_id, stp->conn_id);
	ck_assert_uint_eq(stp->peer_conn_id, ctp->conn_id);
	ck_assert_int_eq(ctp->t_syn_sent, 1);
	/* TCP-5, DP-7: the SYN-ACK is acked at once, never delayed. */
	ck_assert_int_eq(recs[2].t - recs[1].t, SIM_MSEC);
}
END_TEST

/* TCP-2, TCP-6 */
START_TEST(test_tcp2_data_advances_seq_and_ack)
{
	struct tcpcb *ctp, *stp;
	int i, ndata = 0;
	int first;

	establish(&ctp, &stp);
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(ctp, 3000), 0);
	/* DP-7: the third segment's ACK is a delayed one (100 ms). */
	run_for(150 * SIM_MSEC);
	ck_assert_uint_eq(sapp.rcvd, 3000);
	ck_assert_uint_eq(stp->rcv_nxt, stp->irs + 1 + 3000);
	ck_assert_uint_eq(ctp->snd_una, ctp->iss + 1 + 3000);
	ck_assert_uint_eq(ctp->snd_max, ctp->iss + 1 + 3000);
	ck_assert_uint_eq(ctp->snd_queued, 0);
	for (i = first; i < nrec; i++) {
		if (!recs[i].to_server || recs[i].seg.len == 0)
			continue;
		/* TCP-6, DP-1: at most one t_maxseg, contiguous. */
		ck_assert_uint_le(recs[i].seg.len, ctp->t_maxseg);
		ck_assert_uint_eq(recs[i].seg.seq,
		    ctp->iss + 1 + (uint32_t)ndata * ctp->t_maxseg);
		ndata++;
	}
	ck_assert_int_eq(ndata, 3);
	/* The response comes back piggybacked on the ACK (TCP-5). */
	sapp.respond = 0;
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(stp, 100), 0);
	run_for(150 * SIM_MSEC);
	ck_assert_uint_eq(capp.rcvd, 100);
	ck_assert_uint_eq(ctp->rcv_nxt, ctp->irs + 1 + 100);
	ck_assert_uint_eq(stp->snd_una, stp->iss + 1 + 100);
}
END_TEST

/* TCP-6: a queue beyond the 32-bit sequence space still drains. */
START_TEST(test_tcp6_huge_queue_does_not_wrap)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_send(ctp, 3000000000u), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_gt(sapp.rcvd, 0);
}
END_TEST

/* TCP-6: PSH marks the segment that sends the last queued byte. */
START_TEST(test_tcp6_psh_on_the_last_queued_byte)
{
	struct tcpcb *ctp, *stp;
	int first, i, data = 0;

	establish(&ctp, &stp);
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(ctp, 3 * ctp->t_maxseg + 100), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(sapp.rcvd, 3 * ctp->t_maxseg + 100);
	for (i = first; i < nrec; i++) {
		if (!recs[i].to_server || recs[i].seg.len == 0)
			continue;
		data++;
		/* Only the fourth, 100-byte segment ends the queue. */
		ck_assert_int_eq((recs[i].seg.flags & TH_PUSH) != 0,
		    recs[i].seg.len == 100);
	}
	ck_assert_int_eq(data, 4);
	/* A pure ACK never carries PSH. */
	for (i = first; i < nrec; i++)
		if (!recs[i].to_server)
			ck_assert_int_eq(recs[i].seg.flags & TH_PUSH, 0);
}
END_TEST

START_TEST(test_tcp5_response_rides_on_the_ack)
{
	struct tcpcb *ctp, *stp;
	int first, i, pure = 0;

	establish(&ctp, &stp);
	sapp.respond = 500;
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(ctp, 100), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(capp.rcvd, 500);
	/* One segment to the client acks the request and carries 500. */
	for (i = first; i < nrec; i++)
		if (!recs[i].to_server && recs[i].seg.len == 0)
			pure++;
	ck_assert_int_eq(pure, 0);
	/* Exactly one segment went to the client: data with the ACK. */
	for (i = first, pure = 0; i < nrec; i++)
		if (!recs[i].to_server)
			pure++;
	ck_assert_int_eq(pure, 1);
}
END_TEST

/* TCP-15 (active close), TCP-16 (passive close), TW-10 */
START_TEST(test_tcp15_active_close_fin_wait_to_time_wait)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_close(ctp), 0);
	ck_assert_int_eq(ctp->t_state, TCPS_FIN_WAIT_1);
	ck_assert_int_eq(cli->stat.established, 0);
	run_for(10 * SIM_MSEC);
	/* The server (app still open) acked the FIN: CLOSE_WAIT. */
	ck_assert_int_eq(ctp->t_state, TCPS_FIN_WAIT_2);
	ck_assert_int_eq(stp->t_state, TCPS_CLOSE_WAIT);
	ck_assert_int_eq(sapp.peer_closed, 1);
	ck_assert_int_eq(srv->stat.established, 0);
	ck_assert_int_eq(host_tw_count(cli), 0);
	/* The server closes: LAST_ACK, then CLOSED on the ACK. */
	ck_assert_int_eq(tcp_usr_close(stp), 0);
	ck_assert_int_eq(stp->t_state, TCPS_LAST_ACK);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_uint_eq(cli->stat.tw_entered, 1);
	ck_assert_int_eq(host_tw_count(srv), 0);
	/* Only the listener is left on the server. */
	ck_assert_uint_eq(srv->pcbinfo.ipi_count, 1);
	ck_assert_uint_eq(srv->tcpcb_live, 1);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	/* TW-10: the ACK of the server's FIN came from the entry. */
	ck_assert_uint_eq(cli->stat.acks_sent_tw, 1);
	ck_assert_int_eq(capp.failed + sapp.failed, 0);
}
END_TEST

/* TCP-16: the passive closer goes CLOSE_WAIT -> LAST_ACK -> CLOSED. */
START_TEST(test_tcp16_passive_close_close_wait_last_ack_closed)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	capp.close_on_fin = 1;
	ck_assert_int_eq(tcp_usr_close(stp), 0);
	ck_assert_int_eq(stp->t_state, TCPS_FIN_WAIT_1);
	run_for(SIM_MSEC + SIM_MSEC / 2);
	/* The client got the FIN; its app closed: LAST_ACK. */
	ck_assert_int_eq(capp.peer_closed, 1);
	ck_assert_int_eq(ctp->t_state, TCPS_LAST_ACK);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	ck_assert_uint_eq(cli->pcbinfo.ipi_count, 0);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(host_tw_count(srv), 1);
}
END_TEST

/* TCP-16: simultaneous close through CLOSING. */
START_TEST(test_tcp16_simultaneous_close_via_closing)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_close(ctp), 0);
	ck_assert_int_eq(tcp_usr_close(stp), 0);
	/* Both FINs cross: each side sees a FIN in FIN_WAIT_1. */
	run_for(SIM_MSEC + SIM_MSEC / 2);
	ck_assert_int_eq(ctp->t_state, TCPS_CLOSING);
	ck_assert_int_eq(stp->t_state, TCPS_CLOSING);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_int_eq(host_tw_count(srv), 1);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	ck_assert_uint_eq(srv->tcpcb_live, 1);	/* the listener */
}
END_TEST

/* TCP-4: a SYN to a closed port is refused. */
START_TEST(test_tcp4_syn_to_closed_port_gets_rst)
{
	struct tcpcb *tp = NULL;

	ck_assert_int_eq(tcp_usr_connect(cli, 0, 0, SADDR, 81, &app_ops,
	    &capp, &tp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(capp.failed, 1);
	ck_assert_int_eq(capp.error, ECONNREFUSED);
	ck_assert_uint_eq(srv->stat.drops_noport, 1);
	ck_assert_uint_eq(srv->stat.rst_sent, 1);
	ck_assert_uint_eq(cli->stat.conn_failed_reset, 1);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	ck_assert_uint_eq(cli->pcbinfo.ipi_count, 0);
	ck_assert_uint_eq(recs[1].seg.flags, TH_RST | TH_ACK);
	ck_assert_uint_eq(recs[1].seg.ack, recs[0].seg.seq + 1);
}
END_TEST

/* TCP-4: an in-window RST resets an established connection. */
START_TEST(test_tcp4_rst_in_window_resets_established)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_abort(stp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(capp.failed, 1);
	ck_assert_int_eq(capp.error, ECONNRESET);
	ck_assert_uint_eq(cli->stat.conn_failed_reset, 1);
	ck_assert_int_eq(cli->stat.established, 0);
	ck_assert_int_eq(srv->stat.established, 0);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
}
END_TEST

/* TCP-4: a RST outside the window is ignored. */

START_TEST(test_tcp4_rst_out_of_window_ignored)
{
	struct tcpcb *ctp, *stp;
	struct tcp_segment rst;

	establish(&ctp, &stp);
	memset(&rst, 0, sizeof(rst));
	rst.saddr = SADDR;
	rst.daddr = CADDR;
	rst.sport = PORT;
	rst.dport = ctp->t_inpcb->inp_lport;
	rst.seq = ctp->rcv_nxt + 70000;
	rst.flags = TH_RST;
	rst.conn_id = stp->conn_id;
	tcp_input(cli, &rst);
	ck_assert_int_eq(ctp->t_state, TCPS_ESTABLISHED);
	ck_assert_int_eq(capp.failed, 0);
	rst.seq = ctp->rcv_nxt + 10;
	tcp_input(cli, &rst);
	ck_assert_int_eq(capp.failed, 1);
}
END_TEST

/*
 * TCP-7, RTO-1: SYN backoff 1,1,1,1,1,2,4,8 x 3 s, each recomputed RTO
 * plus the 200 ms tcp_rexmit_slop; keepinit 75 s ends it.
 */
static int
drop_all_to_server(const struct tcp_segment *seg, int to_server)
{

	(void)seg;
	return (to_server);
}

START_TEST(test_tcp7_rto1_rto2_syn_backoff_and_keepinit_timeout)
{
	static const int want[] = { 0, 3000, 6200, 9400, 12600, 15800, 22000,
	    34200, 58400 };
	struct tcpcb *tp;
	int i;

	drop_fn = drop_all_to_server;
	ndrop_left = 1000;
	tp = connect_client(0);
	(void)tp;
	run_for(100 * SIM_SEC);
	ck_assert_int_eq(nrec, 9);
	for (i = 0; i < 9; i++) {
		ck_assert_uint_eq(recs[i].seg.flags, TH_SYN);
		ck_assert_int_eq(recs[i].t, want[i] * SIM_MSEC + SIM_MSEC);
		/* RTO-2: from the third retransmission on, no timestamps. */
		ck_assert_int_eq((recs[i].seg.opt_flags & TOF_TS) != 0, i < 3);
	}
	ck_assert_int_eq(capp.failed, 1);
	ck_assert_int_eq(capp.error, ETIMEDOUT);
	ck_assert_int_eq(capp.syn_sent_at_fail, 9);
	ck_assert_uint_eq(cli->stat.conn_failed_timeout, 1);
	ck_assert_uint_eq(cli->stat.rexmt_syn, 8);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	ck_assert_uint_eq(cli->pcbinfo.ipi_count, 0);
}
END_TEST

/* TCP-7, RTO-1: the SYN gap scales with rto_initial (1 s: 1, 1.2, ...). */
START_TEST(test_tcp7_rto1_syn_backoff_follows_rto_initial)
{
	struct host_tunables t;
	int i;
	static const int want[] = { 0, 1000, 2200, 3400, 4600, 5800, 8000,
	    12200, 20400, 36600, 68800 };

	host_tunables_init(&t);
	t.rto_initial = SIM_SEC;
	teardown();
	setup_with(&t, NULL);
	drop_fn = drop_all_to_server;
	ndrop_left = 1000;
	(void)connect_client(0);
	run_for(100 * SIM_SEC);
	ck_assert_int_eq(nrec, 11);
	for (i = 0; i < 11; i++)
		ck_assert_int_eq(recs[i].t, want[i] * SIM_MSEC + SIM_MSEC);
	ck_assert_int_eq(capp.syn_sent_at_fail, 11);
}
END_TEST

/* TCP-7: a lost SYN-ACK: the client's SYN again, answered again. */
static int
drop_first_synack(const struct tcp_segment *seg, int to_server)
{

	return (!to_server && (seg->flags & TH_SYN));
}

START_TEST(test_tcp7_lost_syn_ack_recovers)
{
	drop_fn = drop_first_synack;
	ndrop_left = 1;
	(void)connect_client(0);
	run_for(5 * SIM_SEC);
	ck_assert_int_eq(capp.connected, 1);
	ck_assert_int_eq(sapp.accepted, 1);
	ck_assert_int_eq(capp.tp->t_syn_sent, 2);
	ck_assert_uint_eq(cli->stat.rexmt_syn, 1);
}
END_TEST

/* TCP-8: a lost FIN is retransmitted after the RTO. */
static int
drop_fin_to_server(const struct tcp_segment *seg, int to_server)
{

	return (to_server && (seg->flags & TH_FIN));
}

START_TEST(test_tcp8_lost_fin_is_retransmitted)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	sapp.close_on_fin = 1;
	drop_fn = drop_fin_to_server;
	ndrop_left = 1;
	ck_assert_int_eq(tcp_usr_close(ctp), 0);
	run_for(20 * SIM_MSEC);
	ck_assert_int_eq(ctp->t_state, TCPS_FIN_WAIT_1);
	ck_assert_uint_eq(cli->stat.rexmt_fin, 0);
	run_for(SIM_SEC);
	ck_assert_uint_eq(cli->stat.rexmt_fin, 1);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_uint_eq(srv->tcpcb_live, 1);
	ck_assert_int_eq(count_flags(1, TH_FIN, TH_FIN), 2);
}
END_TEST

/* TCP-8, TCP-3, DP-5, DP-12: the first data segment is lost. */
static int
drop_first_data(const struct tcp_segment *seg, int to_server)
{

	return (to_server && seg->len > 0);
}

START_TEST(test_tcp8_timeout_resends_only_the_oldest_segment)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	drop_fn = drop_first_data;
	ndrop_left = 1;
	/*
	 * Three segments: two duplicate ACKs are too few for a fast
	 * retransmit (DP-5), so the timer must fire.
	 */
	ck_assert_int_eq(tcp_usr_send(ctp, 3 * ctp->t_maxseg), 0);
	run_for(10 * SIM_MSEC);
	/* Two segments wait in the server's reassembly queue. */
	ck_assert_uint_eq(sapp.rcvd, 0);
	ck_assert_int_eq(stp->t_nreass, 1);
	run_for(SIM_SEC);
	ck_assert_uint_eq(sapp.rcvd, 3 * ctp->t_maxseg);
	/* DP-6: cwnd one segment: only the oldest went again. */
	ck_assert_uint_eq(cli->stat.rexmt_data, 1);
	ck_assert_uint_eq(cli->stat.rexmt_timeouts, 1);
	ck_assert_uint_eq(cli->stat.fast_rexmt, 0);
	ck_assert_uint_eq(ctp->snd_una, ctp->snd_max);
}
END_TEST

/* TCP-8: data retransmitted with backoff; dropped after 12. */
START_TEST(test_tcp8_data_retransmitted_then_dropped_after_12)
{
	struct tcpcb *ctp, *stp;
	sim_time_t rto;
	int first, i, n = 0;

	establish(&ctp, &stp);
	rto = ctp->t_rxtcur;
	/* RTO-1, RTO-3: srtt + 4 rttvar plus the slop. */
	ck_assert_int_eq(rto, ctp->t_srtt + 4 * ctp->t_rttvar +
	    TCP_REXMIT_SLOP);
	drop_fn = drop_all_to_server;
	ndrop_left = 1000;
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(ctp, 100), 0);
	run_for(3600 * SIM_SEC);
	ck_assert_int_eq(capp.failed, 1);
	ck_assert_int_eq(capp.error, ETIMEDOUT);
	ck_assert_uint_eq(cli->stat.rexmt_data, TCP_MAXRXTSHIFT);
	ck_assert_uint_eq(cli->stat.conn_failed_timeout, 1);
	/* Gaps: rto x 1, 2, 4, ... capped at 64 s. */
	for (i = first + 1; i < nrec && n < TCP_MAXRXTSHIFT; i++) {
		sim_time_t gap, want;

		if (recs[i].seg.len == 0)
			continue;
		gap = recs[i].t - recs[i - 1].t;
		want = (rto - TCP_REXMIT_SLOP) * tcp_backoff[n] +
		    TCP_REXMIT_SLOP;
		if (want > TCPTV_REXMTMAX)
			want = TCPTV_REXMTMAX;
		ck_assert_int_eq(gap, want);
		n++;
	}
	ck_assert_int_eq(n, TCP_MAXRXTSHIFT);
	/* The drop sent a RST (lost, like everything to the server). */
	ck_assert_uint_eq(cli->stat.rst_sent, 1);
}
END_TEST

/*
 * TCP-9, RTO-3: the RTO comes from timestamp RTT samples; with the 200 ms
 * slop a 2 ms path gets about 206 ms, never the 30 ms floor.
 */
START_TEST(test_tcp9_rto3_rto_from_rtt_samples_plus_slop)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert_int_gt(ctp->t_srtt, 0);
	ck_assert_int_le(ctp->t_srtt, 5 * SIM_MSEC);
	ck_assert_int_eq(ctp->t_rxtcur, ctp->t_srtt + 4 * ctp->t_rttvar +
	    TCP_REXMIT_SLOP);
	ck_assert_int_gt(ctp->t_rxtcur, TCP_REXMIT_SLOP);
	ck_assert_int_lt(ctp->t_rxtcur, TCP_REXMIT_SLOP + 20 * SIM_MSEC);
	ck_assert_int_gt(stp->t_srtt, 0);
	ck_assert_int_eq(stp->t_rxtcur, stp->t_srtt + 4 * stp->t_rttvar +
	    TCP_REXMIT_SLOP);
}
END_TEST

/*
 * DP-12: without timestamps the RTT comes from the one segment being
 * timed: the SYN (1 ms each way: 2 ticks), then new data.  srtt 2 ms,
 * rttvar 1 ms: RTO = 2 + 4 x 1 + 200 (slop) = 206 ms (RTO-3).
 */
START_TEST(test_dp12_without_timestamps_rtt_from_timed_segment)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;

	host_tunables_init(&t);
	t.rfc1323 = 0;
	restart_established(&t, &t, &ctp, &stp);
	ck_assert_int_eq(ctp->t_srtt, 2 * SIM_MSEC);
	ck_assert_int_eq(ctp->t_rttvar, SIM_MSEC);
	ck_assert_int_eq(ctp->t_rxtcur, 206 * SIM_MSEC);
	ck_assert_int_eq(ctp->t_rttimed, 0);
	/* New data is timed from its first byte. */
	ck_assert_int_eq(tcp_usr_send(ctp, 100), 0);
	ck_assert_int_eq(ctp->t_rttimed, 1);
	ck_assert_uint_eq(ctp->t_rtseq, ctp->snd_una);
}
END_TEST

/*
 * DP-12: Karn: a timeout stops the timing, and a retransmission is never
 * timed, so the ACK of a resent segment gives no sample.
 */
START_TEST(test_dp12_karn_no_sample_from_a_retransmission)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;
	sim_time_t srtt;

	host_tunables_init(&t);
	t.rfc1323 = 0;
	restart_established(&t, &t, &ctp, &stp);
	srtt = ctp->t_srtt;
	drop_fn = drop_first_data;
	ndrop_left = 1;
	ck_assert_int_eq(tcp_usr_send(ctp, 100), 0);
	ck_assert_int_eq(ctp->t_rttimed, 1);
	run_for(2 * SIM_SEC);
	ck_assert_uint_eq(sapp.rcvd, 100);
	ck_assert_uint_eq(cli->stat.rexmt_timeouts, 1);
	ck_assert_uint_eq(ctp->snd_una, ctp->snd_max);
	/* No sample: an RTT of 206 ms + 2 ms would have moved srtt. */
	ck_assert_int_eq(ctp->t_srtt, srtt);
	ck_assert_int_eq(ctp->t_rttimed, 0);
}
END_TEST

/* TCP-10: timestamps only when both ends ask. */
START_TEST(test_tcp10_timestamps_negotiated)
{
	struct tcpcb *ctp, *stp;
	uint32_t both = TF_REQ_TSTMP | TF_RCVD_TSTMP;

	establish(&ctp, &stp);
	ck_assert_uint_eq(ctp->t_flags & both, both);
	ck_assert_uint_eq(stp->t_flags & both, both);
	ck_assert(recs[0].seg.opt_flags & TOF_TS);
	ck_assert(recs[1].seg.opt_flags & TOF_TS);
	ck_assert_uint_eq(recs[1].seg.tsecr, recs[0].seg.tsval);
	ck_assert_uint_eq(stp->ts_recent, recs[2].seg.tsval);
	ck_assert_uint_eq(recs[2].seg.tsecr, recs[1].seg.tsval);
	/*
	 * DP-1, DP-9: the window offered is the receive buffer, recvspace
	 * rounded up to whole 1448-byte segments: 46 x 1448 = 66608.
	 */
	ck_assert_uint_eq(ctp->t_maxseg, 1448);
	ck_assert_uint_eq(ctp->t_rcvbuf, 66608);
	ck_assert_uint_eq(ctp->rcv_adv, ctp->rcv_nxt + 66608);
}
END_TEST

START_TEST(test_tcp10_no_timestamps_when_peer_does_not_ask)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;

	host_tunables_init(&t);
	t.rfc1323 = 0;
	restart_established(NULL, &t, &ctp, &stp);
	ck_assert(recs[0].seg.opt_flags & TOF_TS);
	ck_assert(!(recs[1].seg.opt_flags & TOF_TS));
	ck_assert(!(recs[2].seg.opt_flags & TOF_TS));
	ck_assert_uint_eq(ctp->t_flags & (TF_REQ_TSTMP | TF_RCVD_TSTMP), 0);
}
END_TEST

/* TCP-10: PAWS drops a segment with an older timestamp. */
START_TEST(test_tcp10_paws_drops_old_timestamp)
{
	struct tcpcb *ctp, *stp;
	struct tcp_segment d;

	establish(&ctp, &stp);
	client_segment(ctp, stp, &d);
	d.len = 10;
	d.opt_flags = TOF_TS;
	d.tsval = stp->ts_recent - 5;
	tcp_input(srv, &d);
	ck_assert_uint_eq(sapp.rcvd, 0);
	d.tsval = stp->ts_recent + 5;
	tcp_input(srv, &d);
	ck_assert_uint_eq(sapp.rcvd, 10);
}
END_TEST

/*
 * FW2-1, FW2-2: after close, FIN_WAIT_2 is looked at after TP_MAXIDLE
 * (keepcnt 8 x keepintvl 75 s = 600 s).  Idle exactly that long, not
 * more, it gets one keepintvl more: it closes at 675 s, without
 * TIME_WAIT.
 */
START_TEST(test_fw2_1_fin_wait_2_lasts_maxidle)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_close(ctp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(ctp->t_state, TCPS_FIN_WAIT_2);
	run_for(674 * SIM_SEC);
	ck_assert_uint_eq(cli->tcpcb_live, 1);
	run_for(SIM_SEC);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	ck_assert_uint_eq(cli->pcbinfo.ipi_count, 0);
	ck_assert_int_eq(host_tw_count(cli), 0);
	(void)stp;
}
END_TEST

/* FW2-1: with fast_finwait2_recycle it is finwait2_timeout (60 s). */
START_TEST(test_fw2_1_fast_recycle_uses_finwait2_timeout)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;

	host_tunables_init(&t);
	t.fast_finwait2_recycle = 1;
	t.finwait2_timeout = 30 * SIM_SEC;
	restart_established(&t, NULL, &ctp, &stp);
	ck_assert_int_eq(tcp_usr_close(ctp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(ctp->t_state, TCPS_FIN_WAIT_2);
	run_for(29 * SIM_SEC);
	ck_assert_uint_eq(cli->tcpcb_live, 1);
	run_for(SIM_SEC);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	(void)stp;
}
END_TEST

/*
 * FW2-2: a segment received within TP_MAXIDLE keeps the connection: the
 * timer looks again every keepintvl until TP_MAXIDLE passed in silence.
 */
START_TEST(test_fw2_2_traffic_extends_fin_wait_2)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;

	host_tunables_init(&t);
	t.keepcnt = 2;
	t.keepintvl = 10 * SIM_SEC;		/* TP_MAXIDLE 20 s */
	restart_established(&t, NULL, &ctp, &stp);
	ck_assert_int_eq(tcp_usr_close(ctp), 0);
	run_for(15 * SIM_SEC);
	/*
	 * The server, in CLOSE_WAIT, sends an ACK (data would reset the
	 * closed client, TCP-13): the client hears it.
	 */
	stp->t_flags |= TF_ACKNOW;
	(void)tcp_output(stp);
	run_for(6 * SIM_SEC);			/* t = 21 s: timer, not idle */
	ck_assert_uint_eq(cli->tcpcb_live, 1);
	run_for(9 * SIM_SEC);			/* 30 s: idle 15 s */
	ck_assert_uint_eq(cli->tcpcb_live, 1);
	run_for(11 * SIM_SEC);			/* 40 s: idle 25 s > 20 s */
	ck_assert_uint_eq(cli->tcpcb_live, 0);
}
END_TEST

/* TCP-18 with TW-18: a lost last ACK; the FIN again re-arms 2MSL. */
static int
drop_last_ack(const struct tcp_segment *seg, int to_server)
{

	return (!to_server && seg->flags == TH_ACK && seg->len == 0);
}

START_TEST(test_tw18_lost_last_ack_fin_rearms_time_wait)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	capp.close_on_fin = 1;
	/* Server closes first; the server's last ACK (to the client's
	 * FIN) is the one TIME_WAIT sends -- lose it. */
	ck_assert_int_eq(tcp_usr_close(stp), 0);
	run_for(SIM_MSEC + SIM_MSEC / 2);
	drop_fn = drop_last_ack;
	ndrop_left = 1;
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(srv), 1);
	ck_assert_int_eq(ctp->t_state, TCPS_LAST_ACK);
	ck_assert_uint_eq(srv->stat.tw_rearmed, 0);
	run_for(SIM_SEC);
	/* The client retransmitted its FIN; the entry re-armed, acked. */
	ck_assert_uint_eq(cli->stat.rexmt_fin, 1);
	ck_assert_uint_eq(srv->stat.tw_rearmed, 1);
	ck_assert_uint_eq(srv->stat.acks_sent_tw, 2);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	ck_assert_int_eq(host_tw_count(srv), 1);
}
END_TEST

/* TW-16 end to end: a fixed-port client reopens the server's TIME_WAIT. */
START_TEST(test_tw16_syn_reopens_server_time_wait)
{
	struct tcpcb *ctp, *stp;

	ctp = connect_client(5000);
	run_for(10 * SIM_MSEC);
	stp = sapp.tp;
	capp.close_on_fin = 1;
	ck_assert_int_eq(tcp_usr_close(stp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(srv), 1);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	/* Same 4-tuple again: the new ISN is above the old rcv_nxt. */
	ctp = connect_client(5000);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(srv->stat.tw_reopened, 1);
	ck_assert_int_eq(host_tw_count(srv), 0);
	ck_assert_int_eq(capp.connected, 2);
	ck_assert_int_eq(sapp.accepted, 2);
	ck_assert_int_eq(ctp->t_state, TCPS_ESTABLISHED);
	ck_assert_uint_eq(srv->stat.syn_dropped_tw, 0);
}
END_TEST

/* TCP-17: port exhaustion and a busy fixed 4-tuple fail synchronously. */
START_TEST(test_tcp17_connect_addrnotavail_counted)
{
	struct host_tunables t;
	struct tcpcb *tp = NULL;

	host_tunables_init(&t);
	t.portrange_first = t.portrange_last = 20000;
	teardown();
	setup_with(&t, NULL);
	(void)connect_client(0);
	run_for(SIM_SEC);
	ck_assert_int_eq(tcp_usr_connect(cli, 0, 0, SADDR, PORT, &app_ops,
	    &capp, &tp), EADDRNOTAVAIL);
	ck_assert_ptr_null(tp);
	ck_assert_uint_eq(cli->stat.conn_attempted, 2);
	ck_assert_uint_eq(cli->stat.conn_failed_addrnotavail, 1);
	ck_assert_int_eq(cli->stat.first_addrnotavail, SIM_SEC);
	ck_assert_int_eq(tcp_usr_connect(cli, 0, 20000, SADDR, PORT,
	    &app_ops, &capp, &tp), EADDRINUSE);
	/* EADDRINUSE is its own count: it is not exhaustion. */
	ck_assert_uint_eq(cli->stat.conn_failed_addrnotavail, 1);
	ck_assert_uint_eq(cli->stat.conn_failed_addrinuse, 1);
	ck_assert_int_eq(cli->stat.first_addrnotavail, SIM_SEC);
}
END_TEST

/* TCP-12: an in-window SYN on an established connection resets it. */
START_TEST(test_tcp12_in_window_syn_resets)
{
	struct tcpcb *ctp, *stp;
	struct tcp_segment syn;

	establish(&ctp, &stp);
	memset(&syn, 0, sizeof(syn));
	syn.saddr = CADDR;
	syn.daddr = SADDR;
	syn.sport = ctp->t_inpcb->inp_lport;
	syn.dport = PORT;
	syn.seq = stp->rcv_nxt + 100;
	syn.flags = TH_SYN;
	syn.conn_id = ctp->conn_id;
	tcp_input(srv, &syn);
	ck_assert_int_eq(sapp.failed, 1);
	ck_assert_int_eq(sapp.error, ECONNRESET);
	ck_assert_uint_eq(srv->stat.rst_sent, 1);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(capp.failed, 1);
}
END_TEST

/* TCP-13: data after the application closed resets the peer. */
START_TEST(test_tcp13_data_after_close_resets)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_close(ctp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(stp->t_state, TCPS_CLOSE_WAIT);
	ck_assert_int_eq(tcp_usr_send(stp, 100), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(cli->tcpcb_live, 0);
	ck_assert_uint_eq(cli->stat.rst_sent, 1);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(sapp.failed, 1);
	ck_assert_int_eq(sapp.error, ECONNRESET);
}
END_TEST

/* TCP-3: an old duplicate is acked and not delivered again. */
START_TEST(test_tcp3_duplicate_data_acked_not_delivered)
{
	struct tcpcb *ctp, *stp;
	struct tcp_segment d;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_send(ctp, 100), 0);
	run_for(150 * SIM_MSEC);	/* the delayed ACK too (DP-7) */
	ck_assert_uint_eq(sapp.rcvd, 100);
	d = recs[nrec - 2].seg;		/* the data segment */
	ck_assert_uint_eq(d.len, 100);
	d.opt_flags = 0;
	tcp_input(srv, &d);
	ck_assert_uint_eq(sapp.rcvd, 100);
	run_for(10 * SIM_MSEC);
	ck_assert(!recs[nrec - 1].to_server);
	ck_assert_uint_eq(recs[nrec - 1].seg.ack, stp->rcv_nxt);
	ck_assert_uint_eq(srv->stat.hazards, 0);
}
END_TEST

/* TCP-3: out-of-order data waits and is delivered when the gap fills. */
START_TEST(test_tcp3_reassembly_delivers_after_gap)
{
	struct tcpcb *ctp, *stp;
	struct tcp_segment d;
	tcp_seq base;

	establish(&ctp, &stp);
	client_segment(ctp, stp, &d);
	base = stp->rcv_nxt;
	/* [200, 300) and [100, 200) first, then the FIN at 300. */
	d.seq = base + 200;
	d.len = 100;
	tcp_input(srv, &d);
	d.seq = base + 300;
	d.len = 0;
	d.flags = TH_ACK | TH_FIN;
	tcp_input(srv, &d);
	d.flags = TH_ACK;
	d.seq = base + 100;
	d.len = 100;
	tcp_input(srv, &d);
	ck_assert_uint_eq(sapp.rcvd, 0);
	ck_assert_int_eq(stp->t_nreass, 1);
	ck_assert_int_eq(stp->t_state, TCPS_ESTABLISHED);
	/* The gap: everything, then the FIN. */
	d.seq = base;
	tcp_input(srv, &d);
	ck_assert_uint_eq(sapp.rcvd, 300);
	ck_assert_uint_eq(stp->rcv_nxt, base + 301);
	ck_assert_int_eq(stp->t_state, TCPS_CLOSE_WAIT);
	ck_assert_int_eq(sapp.peer_closed, 1);
	ck_assert_int_eq(stp->t_nreass, 0);
}
END_TEST

/* HAZ-1: data from another incarnation accepted is a hazard. */
START_TEST(test_haz1_other_incarnation_data_counted)
{
	struct tcpcb *ctp, *stp;
	struct tcp_segment d;

	establish(&ctp, &stp);
	client_segment(ctp, stp, &d);
	d.len = 10;
	d.conn_id = ctp->conn_id + 1000;
	tcp_input(srv, &d);
	ck_assert_uint_eq(sapp.rcvd, 10);
	ck_assert_uint_eq(srv->stat.hazards, 1);
	/* The same from the real peer is no hazard. */
	d.seq = stp->rcv_nxt;
	d.conn_id = ctp->conn_id;
	tcp_input(srv, &d);
	ck_assert_uint_eq(srv->stat.hazards, 1);
}
END_TEST

/* HAZ-2, HAZ-3: an old FIN or RST acted on. */
START_TEST(test_haz2_haz3_other_incarnation_fin_and_rst_counted)
{
	struct tcpcb *ctp, *stp;
	struct tcp_segment d;

	establish(&ctp, &stp);
	client_segment(ctp, stp, &d);
	d.flags = TH_ACK | TH_FIN;
	d.conn_id = 999999;
	tcp_input(srv, &d);
	ck_assert_int_eq(stp->t_state, TCPS_CLOSE_WAIT);
	ck_assert_uint_eq(srv->stat.hazards, 1);
	/* An old RST in the window. */
	d.seq = stp->rcv_nxt;
	d.flags = TH_RST;
	tcp_input(srv, &d);
	ck_assert_uint_eq(srv->stat.hazards, 2);
	ck_assert_int_eq(sapp.failed, 1);
}
END_TEST

/* TCP-11: a listener's half-open connection times out at keepinit. */
static int
drop_all_to_client(const struct tcp_segment *seg, int to_server)
{

	(void)seg;
	return (!to_server);
}

/*
 * HAZ-7: a RST sent for no connection carries the incarnation whose
 * segment provoked it; closing a connection of another incarnation of
 * that endpoint, it is a hazard -- one provoked by our own segment is not.
 */
START_TEST(test_haz7_rst_provoked_by_old_duplicate_is_a_hazard)
{
	struct tcpcb *ctp, *stp;
	struct tcp_segment d;

	establish(&ctp, &stp);
	memset(&d, 0, sizeof(d));
	d.saddr = SADDR;
	d.daddr = CADDR;
	d.sport = PORT;
	d.dport = ctp->t_inpcb->inp_lport;
	d.seq = ctp->rcv_nxt;
	d.flags = TH_RST;
	d.rst_for = ctp->conn_id;	/* answers this incarnation */
	d.seq = ctp->rcv_nxt + 70000;	/* outside the window: ignored */
	tcp_input(cli, &d);
	ck_assert_int_eq(capp.failed, 0);
	d.seq = ctp->rcv_nxt;
	tcp_input(cli, &d);
	ck_assert_int_eq(capp.failed, 1);
	ck_assert_uint_eq(cli->stat.hazards, 0);

	nrec = 0;
	memset(&capp, 0, sizeof(capp));
	memset(&sapp, 0, sizeof(sapp));
	establish(&ctp, &stp);
	d.dport = ctp->t_inpcb->inp_lport;
	d.seq = ctp->rcv_nxt;
	d.rst_for = ctp->conn_id - 2;	/* an earlier incarnation's */
	tcp_input(cli, &d);
	ck_assert_int_eq(capp.failed, 1);
	ck_assert_uint_eq(cli->stat.hazards, 1);
	(void)stp;
}
END_TEST

/*
 * SYNC-2: an unanswered SYN-ACK goes again after 3, 6 and 12 s (at 0, 3,
 * 9, 21 s), then the entry is dropped at 45 s: no RST, no counter, and
 * the listener's application never hears of it.  The client's own SYN
 * retransmissions are lost too (a duplicate SYN would restart the count,
 * SYNC-3).
 */
static int
drop_all_but_first_syn(const struct tcp_segment *seg, int to_server)
{

	(void)seg;
	return (!to_server || nrec > 1);
}

START_TEST(test_sync2_synack_retransmitted_three_times_then_dropped)
{
	static const int want[] = { 0, 3, 9, 21 };
	int i, n = 0;

	drop_fn = drop_all_but_first_syn;
	ndrop_left = 100000;
	(void)connect_client(0);
	run_for(2 * SIM_SEC);
	/* Listener + syncache entry; the entry is no socket. */
	ck_assert_uint_eq(srv->tcpcb_live, 2);
	ck_assert_uint_eq(srv->syncache_count, 1);
	run_for(42 * SIM_SEC);			/* t = 44 s */
	ck_assert_uint_eq(srv->tcpcb_live, 2);
	run_for(2 * SIM_SEC);			/* t = 46 s */
	ck_assert_uint_eq(srv->tcpcb_live, 1);
	ck_assert_uint_eq(srv->syncache_count, 0);
	for (i = 0; i < nrec && i < MAXREC; i++) {
		if (recs[i].to_server ||
		    recs[i].seg.flags != (TH_SYN | TH_ACK))
			continue;
		ck_assert_int_lt(n, 4);
		/* Sent 1 ms after the SYN arrived, 1 ms on the wire. */
		ck_assert_int_eq(recs[i].t, want[n] * SIM_SEC + 2 * SIM_MSEC);
		n++;
	}
	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(srv->stat.rexmt_syn, 3);
	ck_assert_uint_eq(srv->stat.rst_sent, 0);
	ck_assert_uint_eq(srv->stat.conn_failed_timeout, 0);
	ck_assert_uint_eq(srv->stat.conn_failed_reset, 0);
	ck_assert_int_eq(sapp.accepted, 0);
	ck_assert_int_eq(sapp.failed, 0);
}
END_TEST

/* SYNC-3: a duplicate SYN resends the SYN-ACK and restarts its count. */
START_TEST(test_sync3_duplicate_syn_resends_synack)
{
	struct tcp_segment syn;

	drop_fn = drop_all_to_client;
	ndrop_left = 1;
	(void)connect_client(0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(count_flags(0, TH_SYN | TH_ACK, TH_SYN | TH_ACK), 1);
	syn = recs[0].seg;
	run_for(2 * SIM_SEC);
	/* The SYN again, as a retransmission would bring it. */
	tcp_input(srv, &syn);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(count_flags(0, TH_SYN | TH_ACK, TH_SYN | TH_ACK), 2);
	ck_assert_int_eq(capp.connected, 1);
	ck_assert_int_eq(sapp.accepted, 1);
	ck_assert_uint_eq(srv->syncache_count, 0);
}
END_TEST

/*
 * SYNC-4: an ACK that does not acknowledge iss + 1 gets a RST, the entry
 * is gone and no connection is made.  SYNC-7: the cookie the SYN-ACK
 * carried still makes the connection when the right ACK follows.
 */
static struct tcp_segment
synack_answer(const struct tcpcb *ctp)
{
	struct tcp_segment ack;
	int i;

	for (i = 0; i < nrec; i++)
		if (recs[i].seg.flags == (TH_SYN | TH_ACK))
			break;
	ck_assert_int_lt(i, nrec);
	memset(&ack, 0, sizeof(ack));
	ack.saddr = CADDR;
	ack.daddr = SADDR;
	ack.sport = ctp->t_inpcb->inp_lport;
	ack.dport = PORT;
	ack.seq = ctp->iss + 1;
	ack.ack = recs[i].seg.seq + 1;
	ack.flags = TH_ACK;
	ack.opt_flags = TOF_TS;
	ack.tsval = tcp_ts_getticks(cli);
	ack.tsecr = recs[i].seg.tsval;
	ack.conn_id = ctp->conn_id;
	return (ack);
}

START_TEST(test_sync4_bad_ack_gets_rst_and_no_connection)
{
	struct tcp_segment ack, bad;
	struct tcpcb *ctp;

	drop_fn = drop_all_to_client;
	ndrop_left = 1000;
	ctp = connect_client(0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(srv->syncache_count, 1);
	ack = synack_answer(ctp);
	bad = ack;
	bad.ack++;				/* not iss + 1 */
	tcp_input(srv, &bad);
	ck_assert_uint_eq(srv->stat.rst_sent, 1);
	ck_assert_int_eq(sapp.accepted, 0);
	ck_assert_uint_eq(srv->stat.accepts, 0);
	/* SYNC-7: the entry is gone but its cookie is left. */
	ck_assert_ptr_ne(srv->tcpcb_free, NULL);
	ck_assert_uint_eq(srv->syncache_count, 1);
	tcp_input(srv, &bad);			/* still wrong: RST again */
	ck_assert_uint_eq(srv->stat.rst_sent, 2);
	tcp_input(srv, &ack);			/* the cookie's own ACK */
	ck_assert_int_eq(sapp.accepted, 1);
	ck_assert_uint_eq(srv->stat.accepts, 1);
	ck_assert_uint_eq(srv->syncache_count, 0);
	ck_assert_int_eq(sapp.tp->t_state, TCPS_ESTABLISHED);
}
END_TEST

/* SYNC-7: a cookie validates for SYNCOOKIE_LIFETIME (16 s), no longer. */
START_TEST(test_sync7_cookie_expires_after_its_lifetime)
{
	struct tcp_segment ack, bad;
	struct tcpcb *ctp;

	drop_fn = drop_all_to_client;
	ndrop_left = 1000;
	ctp = connect_client(0);
	run_for(10 * SIM_MSEC);
	ack = synack_answer(ctp);
	/* No more SYNs from the client (in SYN_SENT: no RST either). */
	(void)tcp_usr_abort(ctp);
	bad = ack;
	bad.ack++;
	tcp_input(srv, &bad);		/* the wrong ack kills the entry */
	ck_assert_uint_eq(srv->syncache_count, 1);
	bad.ack--;
	bad.seq++;
	tcp_input(srv, &bad);		/* cookie: seq - 1 != irs: RST */
	ck_assert_int_eq(sapp.accepted, 0);
	ck_assert_uint_eq(srv->stat.rst_sent, 2);
	run_for(17 * SIM_SEC);
	ck_assert_uint_eq(srv->syncache_count, 0);
	ck_assert_uint_eq(srv->tcpcb_live, 1);
	tcp_input(srv, &ack);		/* too late: the listener's RST */
	ck_assert_int_eq(sapp.accepted, 0);
}
END_TEST

/* SYNC-5: a RST in the entry's window drops it, silently. */
START_TEST(test_sync5_rst_in_window_drops_entry)
{
	struct tcp_segment rst;
	struct tcpcb *ctp;

	drop_fn = drop_all_to_client;
	ndrop_left = 1000;
	ctp = connect_client(0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(srv->syncache_count, 1);
	memset(&rst, 0, sizeof(rst));
	rst.saddr = CADDR;
	rst.daddr = SADDR;
	rst.sport = ctp->t_inpcb->inp_lport;
	rst.dport = PORT;
	rst.flags = TH_RST;
	rst.seq = ctp->iss + 70000;		/* beyond irs + wnd: ignored */
	tcp_input(srv, &rst);
	ck_assert_uint_eq(srv->tcpcb_live, 2);
	rst.seq = ctp->iss + 1;
	tcp_input(srv, &rst);
	/* Dropped: only its cookie is left (SYNC-7), no RST, no count. */
	ck_assert_uint_eq(srv->stat.rst_sent, 0);
	ck_assert_uint_eq(srv->stat.conn_failed_reset, 0);
	ck_assert_int_eq(sapp.failed, 0);
	/* No more SYNs (in SYN_SENT the abort sends no RST). */
	(void)tcp_usr_abort(ctp);
	run_for(17 * SIM_SEC);
	ck_assert_uint_eq(srv->syncache_count, 0);
	ck_assert_uint_eq(srv->tcpcb_live, 1);
}
END_TEST

/*
 * SOCK-1: a connect beyond maxsockets pcbs fails at once with ENOBUFS;
 * TIME_WAIT pcbs count (the listener is on the server).
 */
START_TEST(test_sock1_connect_beyond_maxsockets_fails_enobufs)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp, *tp = NULL;

	host_tunables_init(&t);
	t.maxsockets = 2;
	t.maxtcptw = 100;
	teardown();
	setup_with(&t, NULL);
	establish(&ctp, &stp);
	capp.close_on_fin = 1;
	ck_assert_int_eq(tcp_usr_close(ctp), 0);
	run_for(10 * SIM_MSEC);
	(void)tcp_usr_close(stp);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 1);	/* one pcb held */
	(void)connect_client(0);			/* the second */
	ck_assert_int_eq(tcp_usr_connect(cli, 0, 0, SADDR, PORT, &app_ops,
	    &capp, &tp), ENOBUFS);
	ck_assert_ptr_null(tp);
	ck_assert_uint_eq(cli->stat.conn_failed_nobufs, 1);
	ck_assert_uint_eq(cli->stat.conn_attempted, 3);
	ck_assert_uint_eq(cli->pcbinfo.ipi_count, 2);
	ck_assert_uint_eq(cli->stat.conn_failed_addrnotavail, 0);
}
END_TEST

/*
 * SYNC-1: the server's ISN is random for every passive open: a reused
 * 4-tuple does not start just above its previous incarnation.  The
 * client's own ISNs (tcp_new_isn) do rise.
 */
START_TEST(test_sync1_passive_iss_random_per_connection)
{
	struct tcpcb *ctp, *stp;
	tcp_seq siss[4], ciss[4];
	int i, far = 0;

	for (i = 0; i < 4; i++) {
		/* The same 4-tuple every time: a fixed source port. */
		ctp = connect_client(30000);
		run_for(10 * SIM_MSEC);
		ck_assert_int_eq(sapp.accepted, 1);
		stp = sapp.tp;
		siss[i] = stp->iss;
		ciss[i] = ctp->iss;
		(void)tcp_usr_abort(ctp);
		run_for(SIM_SEC);	/* its RST closes the server's */
		ck_assert_uint_eq(srv->tcpcb_live, 1);
		capp.connected = sapp.accepted = 0;
	}
	for (i = 1; i < 4; i++) {
		/* tcp_new_isn: about 1 MB/s and a few KB per ISN. */
		ck_assert_uint_lt(ciss[i] - ciss[i - 1], 4u << 20);
		if (siss[i] - siss[i - 1] > (64u << 20))
			far++;
	}
	ck_assert_int_ge(far, 2);
}
END_TEST

/*
 * SYNC-6, SOCK-1: no socket until the handshake completes: a server at
 * maxsockets still answers SYNs, but the ACK finds no socket (ENOBUFS):
 * the entry goes without an answer and conn_failed_nobufs counts it.
 */
START_TEST(test_sync6_sock1_accept_beyond_maxsockets_fails_nobufs)
{
	struct host_tunables st;

	host_tunables_init(&st);
	st.maxsockets = 1;			/* the listener only */
	teardown();
	setup_with(NULL, &st);
	(void)connect_client(0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(count_flags(0, TH_SYN | TH_ACK, TH_SYN | TH_ACK), 1);
	ck_assert_int_eq(capp.connected, 1);
	ck_assert_int_eq(sapp.accepted, 0);
	ck_assert_uint_eq(srv->stat.conn_failed_nobufs, 1);
	ck_assert_uint_eq(srv->tcpcb_live, 1);
	ck_assert_uint_eq(srv->syncache_count, 0);
}
END_TEST

/*
 * TS-1: an active open has no timestamp offset: its tsval is the plain
 * millisecond clock, so a later incarnation of the 4-tuple sends larger
 * tsvals.  TS-2: a passive open's offset is random (its syncookie's).
 * TS-3: milliseconds whatever hz is.
 */
START_TEST(test_ts1_ts2_ts3_offsets_and_clock)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;
	uint32_t off1, ts1;
	int i;

	host_tunables_init(&t);
	t.hz = 100;
	teardown();
	setup_with(&t, &t);
	run_for(5 * SIM_SEC);
	establish(&ctp, &stp);
	ck_assert_uint_eq(ctp->ts_offset, 0);
	ck_assert_uint_eq(tcp_ts_getticks(cli), 5010 + 1);
	ck_assert_uint_eq(recs[0].seg.tsval, 5000 + 1);	/* the SYN */
	off1 = stp->ts_offset;
	ts1 = recs[0].seg.tsval;
	(void)tcp_usr_abort(ctp);
	(void)tcp_usr_abort(stp);
	run_for(SIM_SEC);
	nrec = 0;
	capp.connected = sapp.accepted = 0;
	establish(&ctp, &stp);
	ck_assert_uint_eq(ctp->ts_offset, 0);
	ck_assert_uint_gt(recs[0].seg.tsval, ts1);
	ck_assert_uint_ne(stp->ts_offset, off1);
	/* The SYN-ACK carries the entry's sc_ts, the server's offset. */
	for (i = 0; i < nrec; i++)
		if (recs[i].seg.flags == (TH_SYN | TH_ACK))
			break;
	ck_assert_int_lt(i, nrec);
	ck_assert_uint_eq(recs[i].seg.tsval - stp->ts_offset,
	    (uint32_t)(recs[i].t / SIM_MSEC) - 1 + 1);
}
END_TEST

/* TCP-11: closing the listener closes a child that completes later. */
START_TEST(test_tcp11_listener_close_orphans_children)
{
	struct tcpcb *ltp;

	drop_fn = drop_all_to_server;
	ndrop_left = 0;
	(void)connect_client(0);
	run_for(SIM_MSEC + SIM_MSEC / 2);	/* SYN in, SYN-ACK out */
	ltp = tcp_usr_listener(srv, 0, PORT);
	ck_assert_ptr_nonnull(ltp);
	ck_assert_int_eq(tcp_usr_close(ltp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(sapp.accepted, 0);
	ck_assert_int_eq(capp.connected, 1);
	run_for(10 * SIM_MSEC);
	/* The child closed at once: the client sees the FIN. */
	ck_assert_int_eq(capp.peer_closed, 1);
}
END_TEST


/* ---- the data path (DP-n) ---------------------------------------------- */

/* Data segments (len > 0) toward the server sent from record `from` on. */
static int
count_data(int from, int to_server)
{
	int i, n = 0;

	for (i = from; i < nrec && i < MAXREC; i++)
		if (recs[i].to_server == to_server && recs[i].seg.len > 0 &&
		    !recs[i].dropped)
			n++;
	return (n);
}

/* Pure ACKs (no data, no SYN/FIN) in direction `to_server` from `from`. */
static int
count_pure_acks(int from, int to_server)
{
	int i, n = 0;

	for (i = from; i < nrec && i < MAXREC; i++)
		if (recs[i].to_server == to_server && recs[i].seg.len == 0 &&
		    (recs[i].seg.flags & (TH_SYN | TH_FIN | TH_RST)) == 0)
			n++;
	return (n);
}

/*
 * DP-7: two segments arriving together get one ACK at once (the second
 * finds the delayed-ACK timer running); a lone segment's ACK waits
 * delacktime, 100 ms.  delayed_ack 0 acks every segment at once.
 */
START_TEST(test_dp7_every_second_segment_acked_at_once)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;
	sim_time_t t0;
	int first;

	establish(&ctp, &stp);
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(ctp, 2 * ctp->t_maxseg), 0);
	run_for(5 * SIM_MSEC);
	ck_assert_int_eq(count_pure_acks(first, 0), 1);
	ck_assert_uint_eq(recs[nrec - 1].seg.ack, stp->rcv_nxt);
	ck_assert_uint_eq(srv->stat.delack_sent, 0);
	/* One more segment: its ACK comes from the timer. */
	first = nrec;
	t0 = sim_now(sim);
	ck_assert_int_eq(tcp_usr_send(ctp, ctp->t_maxseg), 0);
	run_for(50 * SIM_MSEC);
	ck_assert_int_eq(count_pure_acks(first, 0), 0);
	run_for(100 * SIM_MSEC);
	ck_assert_int_eq(count_pure_acks(first, 0), 1);
	ck_assert_uint_eq(srv->stat.delack_sent, 1);
	/* Sent 1 ms (arrival) + 100 ms (delacktime) after the data. */
	ck_assert_int_eq(recs[nrec - 1].t - t0, 102 * SIM_MSEC);

	host_tunables_init(&t);
	t.delayed_ack = 0;
	restart_established(NULL, &t, &ctp, &stp);
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(ctp, 3 * ctp->t_maxseg), 0);
	run_for(5 * SIM_MSEC);
	ck_assert_int_eq(count_pure_acks(first, 0), 3);
}
END_TEST

/*
 * LNX-22: a Linux server acks the first 16 lone data segments at once
 * (quickack mode); the 17th waits Linux's delacktime, 40 ms.  A FreeBSD
 * server delays the first lone segment's ACK already (DP-7).
 */
START_TEST(test_lnx22_linux_quickacks_first_segments)
{
	struct host_tunables lnx;
	struct tcpcb *ctp, *stp;
	sim_time_t t0;
	int first, i;

	host_tunables_init_stack(&lnx, TUNABLE_STACK_LINUX);
	restart_established(&lnx, &lnx, &ctp, &stp);
	ck_assert_int_eq(stp->t_quickack, 16);
	for (i = 0; i < 16; i++) {
		first = nrec;
		ck_assert_int_eq(tcp_usr_send(ctp, ctp->t_maxseg), 0);
		run_for(5 * SIM_MSEC);
		ck_assert_msg(count_pure_acks(first, 0) == 1,
		    "segment %d not acked at once", i + 1);
		run_for(100 * SIM_MSEC);
	}
	ck_assert_int_eq(stp->t_quickack, 0);
	ck_assert_uint_eq(srv->stat.delack_sent, 0);
	first = nrec;
	t0 = sim_now(sim);
	ck_assert_int_eq(tcp_usr_send(ctp, ctp->t_maxseg), 0);
	run_for(30 * SIM_MSEC);
	ck_assert_int_eq(count_pure_acks(first, 0), 0);
	run_for(50 * SIM_MSEC);
	ck_assert_int_eq(count_pure_acks(first, 0), 1);
	ck_assert_uint_eq(srv->stat.delack_sent, 1);
	/* 1 ms to arrive, 40 ms (TCP_DELACK_MIN), 1 ms back. */
	ck_assert_int_eq(recs[nrec - 1].t - t0, 42 * SIM_MSEC);

	/* FreeBSD has no quickack mode. */
	restart_established(NULL, NULL, &ctp, &stp);
	ck_assert_int_eq(stp->t_quickack, 0);
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(ctp, ctp->t_maxseg), 0);
	run_for(5 * SIM_MSEC);
	ck_assert_int_eq(count_pure_acks(first, 0), 0);
}
END_TEST

/*
 * LNX-23: on a 2 ms round trip a Linux connection's RTO is TCP_RTO_MIN,
 * 200 ms (so a 40 ms delayed ACK never draws a retransmission); FreeBSD's
 * is srtt + 4 rttvar + the 200 ms slop, above its 30 ms floor.
 */
START_TEST(test_lnx23_linux_rto_floor_200ms)
{
	struct host_tunables lnx;
	struct tcpcb *ctp, *stp;

	host_tunables_init_stack(&lnx, TUNABLE_STACK_LINUX);
	restart_established(&lnx, &lnx, &ctp, &stp);
	ck_assert_int_eq(tcp_usr_send(ctp, ctp->t_maxseg), 0);
	run_for(100 * SIM_MSEC);
	ck_assert_int_gt(ctp->t_srtt, 0);
	ck_assert_int_eq(ctp->t_rxtcur, 200 * SIM_MSEC);
	ck_assert_int_eq(cli->stat.rexmt_timeouts, 0);

	restart_established(NULL, NULL, &ctp, &stp);
	ck_assert_int_eq(tcp_usr_send(ctp, ctp->t_maxseg), 0);
	run_for(200 * SIM_MSEC);
	ck_assert_int_gt(ctp->t_srtt, 0);
	ck_assert_int_eq(ctp->t_rxtcur, ctp->t_srtt + 4 * ctp->t_rttvar +
	    TCP_REXMIT_SLOP);
}
END_TEST

/*
 * DP-8: both SYNs offer shift 6 (the smallest with 65535 << shift >= a
 * 2 MiB maxsockbuf); with rfc1323 off on the server, neither side scales.
 */
START_TEST(test_dp8_window_scale_negotiated)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert(recs[0].seg.opt_flags & TOF_SCALE);
	ck_assert_int_eq(recs[0].seg.wscale, 6);
	ck_assert(recs[1].seg.opt_flags & TOF_SCALE);
	ck_assert_int_eq(ctp->rcv_scale, 6);
	ck_assert_int_eq(ctp->snd_scale, 6);
	ck_assert_int_eq(stp->rcv_scale, 6);
	ck_assert_int_eq(stp->snd_scale, 6);
	/* The SYN's window is never scaled; later ones are (66608 >> 6). */
	ck_assert_int_eq(recs[0].seg.win, 65535);
	ck_assert_int_eq(recs[2].seg.win, 66608 >> 6);
	ck_assert_uint_eq(stp->snd_wnd, (66608 >> 6) << 6);
	/* Shift from maxsockbuf: 65535 << 3 = 524280 >= 256 KiB. */
	cli->tun.maxsockbuf = 262144;
	ck_assert_int_eq(tcp_request_scale(cli), 3);
	cli->tun.maxsockbuf = 65535;
	ck_assert_int_eq(tcp_request_scale(cli), 0);

	host_tunables_init(&t);
	t.rfc1323 = 0;
	restart_established(NULL, &t, &ctp, &stp);
	ck_assert(recs[0].seg.opt_flags & TOF_SCALE);
	ck_assert(!(recs[1].seg.opt_flags & TOF_SCALE));
	ck_assert_int_eq(ctp->rcv_scale, 0);
	ck_assert_int_eq(ctp->snd_scale, 0);
	ck_assert_int_eq(stp->rcv_scale, 0);
	/* No timestamps either: full 1460-byte segments (DP-1). */
	ck_assert_uint_eq(ctp->t_maxseg, TCP_MSS);
	ck_assert_int_eq(recs[2].seg.win, 65535);
}
END_TEST

/*
 * DP-5: ten segments, the first lost: nine duplicate ACKs come back.  The
 * third resends the lost segment at once (no timeout), ssthresh = 14480 /
 * 2 = 5 segments; the ACK of everything ends recovery with cwnd = what is
 * in flight (nothing) + one segment.
 */
START_TEST(test_dp5_fast_retransmit_after_three_dupacks)
{
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	drop_fn = drop_first_data;
	ndrop_left = 1;
	ck_assert_uint_eq(ctp->snd_cwnd, 14480);
	ck_assert_int_eq(tcp_usr_send(ctp, 10 * ctp->t_maxseg), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(sapp.rcvd, 10 * ctp->t_maxseg);
	ck_assert_uint_eq(cli->stat.fast_rexmt, 1);
	ck_assert_uint_eq(cli->stat.rexmt_data, 1);
	ck_assert_uint_eq(cli->stat.rexmt_timeouts, 0);
	ck_assert_uint_eq(ctp->snd_ssthresh, 5 * ctp->t_maxseg);
	ck_assert_uint_eq(ctp->snd_cwnd, ctp->t_maxseg);
	ck_assert(!(ctp->t_flags & TF_FASTRECOVERY));
	ck_assert_uint_eq(ctp->snd_una, ctp->snd_max);
}
END_TEST

/*
 * DP-9: the send buffer bounds what is in flight: sendspace 4096, rounded
 * up to 3 x 1448, lets 3 segments go though cwnd allows 10.  Nagle: a
 * short segment waits while data is unacknowledged -- here for the
 * delayed ACK of the first (1 ms + 100 ms + 1 ms).
 */
START_TEST(test_dp9_send_buffer_and_nagle)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;
	sim_time_t t0;
	int first;

	host_tunables_init(&t);
	t.sendspace = 4096;
	t.sendbuf_auto = 0;
	restart_established(&t, NULL, &ctp, &stp);
	ck_assert_uint_eq(ctp->t_sndbuf, 3 * 1448);
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(ctp, 20 * ctp->t_maxseg), 0);
	run_for(SIM_MSEC + SIM_MSEC / 2);	/* arrived, not yet acked */
	ck_assert_int_eq(count_data(first, 1), 3);
	run_for(SIM_SEC);
	ck_assert_uint_eq(sapp.rcvd, 20 * ctp->t_maxseg);
	ck_assert_uint_eq(ctp->t_sndbuf, 3 * 1448);

	restart_established(NULL, NULL, &ctp, &stp);
	first = nrec;
	t0 = sim_now(sim);
	ck_assert_int_eq(tcp_usr_send(ctp, 100), 0);	/* idle: goes */
	ck_assert_int_eq(tcp_usr_send(ctp, 100), 0);	/* waits */
	run_for(SIM_MSEC + SIM_MSEC / 2);
	ck_assert_int_eq(count_data(first, 1), 1);
	run_for(50 * SIM_MSEC);
	ck_assert_int_eq(count_data(first, 1), 1);
	run_for(100 * SIM_MSEC);
	ck_assert_int_eq(count_data(first, 1), 2);
	ck_assert_uint_eq(sapp.rcvd, 200);
	/*
	 * The second left when the delayed ACK of the first came back
	 * (records are arrivals: 1 + 100 + 1 ms, then 1 ms on the wire).
	 */
	first = nrec;
	while (--first >= 0 && !(recs[first].to_server &&
	    recs[first].seg.len == 100))
		;
	ck_assert_int_eq(recs[first].t - t0, 102 * SIM_MSEC + SIM_MSEC);
}
END_TEST

/*
 * DP-10, DP-11: a 4 MiB bulk transfer grows the sender's buffer by
 * sendbuf_inc steps and the receiver's by recvbuf_inc steps from their
 * rounded starts; switched off, they stay; the receive side needs
 * timestamps.
 */
START_TEST(test_dp10_dp11_buffers_grow_in_steps)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_send(ctp, 4 << 20), 0);
	run_for(5 * SIM_SEC);
	ck_assert_uint_eq(sapp.rcvd, 4 << 20);
	ck_assert_uint_gt(ctp->t_sndbuf, 33304);
	ck_assert_uint_eq((ctp->t_sndbuf - 33304) % 8192, 0);
	ck_assert_uint_gt(stp->t_rcvbuf, 66608);
	ck_assert_uint_eq((stp->t_rcvbuf - 66608) % 16384, 0);

	host_tunables_init(&t);
	t.sendbuf_auto = 0;
	t.recvbuf_auto = 0;
	restart_established(&t, &t, &ctp, &stp);
	ck_assert_int_eq(tcp_usr_send(ctp, 4 << 20), 0);
	run_for(5 * SIM_SEC);
	ck_assert_uint_eq(sapp.rcvd, 4 << 20);
	ck_assert_uint_eq(ctp->t_sndbuf, 33304);
	ck_assert_uint_eq(stp->t_rcvbuf, 66608);

	host_tunables_init(&t);
	t.rfc1323 = 0;
	restart_established(&t, &t, &ctp, &stp);
	ck_assert_int_eq(tcp_usr_send(ctp, 4 << 20), 0);
	run_for(5 * SIM_SEC);
	ck_assert_uint_eq(sapp.rcvd, 4 << 20);
	/* 65536 rounded up to 45 x 1460 = 65700; no timestamps: no steps. */
	ck_assert_uint_eq(stp->t_rcvbuf, 65700);
}
END_TEST

/*
 * DP-13: after an idle RTO the window restarts at min(cwnd, 4380): 3 full
 * segments go at once (the 36 bytes left of 4380 would be a short
 * segment, not the end of the data: DP-9), though cwnd had grown.
 */
START_TEST(test_dp13_idle_connection_restarts_its_window)
{
	struct tcpcb *ctp, *stp;
	int first;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_send(ctp, 40 * ctp->t_maxseg), 0);
	run_for(SIM_SEC);
	ck_assert_uint_eq(sapp.rcvd, 40 * ctp->t_maxseg);
	ck_assert_uint_gt(ctp->snd_cwnd, 20 * ctp->t_maxseg);
	ck_assert_int_lt(ctp->t_rxtcur, SIM_SEC);
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(ctp, 40 * ctp->t_maxseg), 0);
	ck_assert_uint_eq(ctp->snd_cwnd, 4380);
	run_for(SIM_MSEC + SIM_MSEC / 2);
	ck_assert_int_eq(count_data(first, 1), 3);
}
END_TEST

/* SACK-1: permitted on both SYNs; not when one side has sack off. */
START_TEST(test_sack1_negotiated_on_both_syns)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;

	establish(&ctp, &stp);
	ck_assert(recs[0].seg.opt_flags & TOF_SACKPERM);
	ck_assert(recs[1].seg.opt_flags & TOF_SACKPERM);
	ck_assert(ctp->t_flags & TF_SACK_PERMIT);
	ck_assert(stp->t_flags & TF_SACK_PERMIT);

	host_tunables_init(&t);
	t.sack = 0;
	restart_established(NULL, &t, &ctp, &stp);
	ck_assert(recs[0].seg.opt_flags & TOF_SACKPERM);
	ck_assert(!(recs[1].seg.opt_flags & TOF_SACKPERM));
	ck_assert(!(ctp->t_flags & TF_SACK_PERMIT));
	ck_assert(!(stp->t_flags & TF_SACK_PERMIT));
}
END_TEST

static int ndata_seen;

/* The first and the fourth data segment toward the server are lost. */
static int
drop_first_and_fourth(const struct tcp_segment *seg, int to_server)
{

	if (!to_server || seg->len == 0)
		return (0);
	ndata_seen++;
	return (ndata_seen == 1 || ndata_seen == 4);
}

/* When the server got the resent segment starting at `seq`. */
static sim_time_t
arrival_of(tcp_seq seq, int from)
{
	int i;

	for (i = from; i < nrec && i < MAXREC; i++)
		if (recs[i].to_server && recs[i].seg.len > 0 &&
		    recs[i].seg.seq == seq && !recs[i].dropped)
			return (recs[i].t);
	return (-1);
}

/*
 * SACK-2, SACK-4, SACK-5: two holes in one window.  The duplicate ACKs
 * report the blocks the server holds (newest first), and the third starts
 * recovery from the scoreboard: both holes are resent within the same
 * round trip.  Without SACK, NewReno resends the second hole only when
 * the partial ACK for the first comes back, one round trip (2 ms) later.
 */
START_TEST(test_sack5_two_holes_resent_in_one_round_trip)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;
	tcp_seq s1, s4;
	sim_time_t t1, t4;
	int first, i, sacked = 0, last = 0;

	establish(&ctp, &stp);
	ndata_seen = 0;
	drop_fn = drop_first_and_fourth;
	ndrop_left = 2;
	first = nrec;
	s1 = ctp->snd_nxt;
	s4 = s1 + 3 * ctp->t_maxseg;
	ck_assert_int_eq(tcp_usr_send(ctp, 10 * ctp->t_maxseg), 0);
	run_for(20 * SIM_MSEC);
	ck_assert_uint_eq(sapp.rcvd, 10 * ctp->t_maxseg);
	/*
	 * The last duplicate ACK (ack s1) reports the newest block first:
	 * segments 5-10, then 2-3.
	 */
	for (i = first; i < nrec; i++)
		if (!recs[i].to_server && recs[i].seg.ack == s1 &&
		    (recs[i].seg.opt_flags & TOF_SACK)) {
			sacked++;
			last = i;
		}
	ck_assert_int_eq(sacked, 8);
	ck_assert_int_eq(recs[last].seg.nsacks, 2);
	ck_assert_uint_eq(recs[last].seg.sacks[0].start,
	    s4 + ctp->t_maxseg);
	ck_assert_uint_eq(recs[last].seg.sacks[0].end,
	    s1 + 10 * ctp->t_maxseg);
	ck_assert_uint_eq(recs[last].seg.sacks[1].start,
	    s1 + ctp->t_maxseg);
	ck_assert_uint_eq(recs[last].seg.sacks[1].end, s4);
	t1 = arrival_of(s1, first);
	t4 = arrival_of(s4, first);
	ck_assert_int_ge(t1, 0);
	ck_assert_int_eq(t4, t1);
	ck_assert_uint_eq(cli->stat.fast_rexmt, 1);
	ck_assert_uint_eq(cli->stat.rexmt_data, 2);
	ck_assert_uint_eq(cli->stat.rexmt_timeouts, 0);

	host_tunables_init(&t);
	t.sack = 0;
	restart_established(&t, &t, &ctp, &stp);
	ndata_seen = 0;
	drop_fn = drop_first_and_fourth;
	ndrop_left = 2;
	first = nrec;
	s1 = ctp->snd_nxt;
	s4 = s1 + 3 * ctp->t_maxseg;
	ck_assert_int_eq(tcp_usr_send(ctp, 10 * ctp->t_maxseg), 0);
	run_for(20 * SIM_MSEC);
	ck_assert_uint_eq(sapp.rcvd, 10 * ctp->t_maxseg);
	t1 = arrival_of(s1, first);
	t4 = arrival_of(s4, first);
	ck_assert_int_eq(t4 - t1, 2 * SIM_MSEC);
	ck_assert_uint_eq(cli->stat.fast_rexmt, 1);
	ck_assert_uint_eq(cli->stat.rexmt_timeouts, 0);
}
END_TEST

/* Every other data segment toward the server is lost (the odd ones). */
static int
drop_odd_data(const struct tcp_segment *seg, int to_server)
{

	if (!to_server || seg->len == 0)
		return (0);
	return (++ndata_seen % 2 == 1);
}

/*
 * SACK-3, TCP-3: 20 segments, the odd ones lost: the even ones make ten
 * separate blocks, of which the reassembly queue keeps eight; the two it
 * drops (segments 18 and 20) are not reported, so the newest block the
 * receiver SACKs is segment 16.
 */
START_TEST(test_sack3_dropped_by_full_reassembly_not_reported)
{
	struct tcpcb *ctp, *stp;
	tcp_seq s1;
	int i, last = -1;

	establish(&ctp, &stp);
	ndata_seen = 0;
	drop_fn = drop_odd_data;
	ndrop_left = 10;
	s1 = ctp->snd_nxt;
	/* As if slow start had grown it: all 20 go at once. */
	ctp->snd_cwnd = 20 * ctp->t_maxseg;
	ck_assert_int_eq(tcp_usr_send(ctp, 20 * ctp->t_maxseg), 0);
	/* The duplicate ACKs are back at 2 ms, the resends not yet in. */
	run_for(2 * SIM_MSEC + SIM_MSEC / 2);
	ck_assert_int_eq(stp->t_nreass, TCP_REASS_MAX);
	for (i = 0; i < nrec; i++)
		if (!recs[i].to_server && (recs[i].seg.opt_flags & TOF_SACK))
			last = i;
	ck_assert_int_ge(last, 0);
	ck_assert_uint_eq(recs[last].seg.sacks[0].start,
	    s1 + 15 * ctp->t_maxseg);
	ck_assert_uint_eq(recs[last].seg.sacks[0].end,
	    s1 + 16 * ctp->t_maxseg);
	run_for(5 * SIM_SEC);
	ck_assert_uint_eq(sapp.rcvd, 20 * ctp->t_maxseg);
}
END_TEST

/*
 * DP-4, DP-9, DP-10, DP-13, SACK-5, SACK-7, TCP-5: tcp_output() answers
 * most calls with tcp_output_idle() instead of the full decision.  On
 * thousands of states made from an established connection (flags,
 * what is in flight, queued, offered and advertised, buffers, idle
 * time), whenever the shortcut says "nothing to do", the full decision
 * must send nothing and change nothing: not the tcpcb, not the host's
 * counters, not the event queue.  Both answers must occur often, or the
 * test proves nothing.
 */
static uint32_t
idle_rand(uint64_t *x)
{

	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return ((uint32_t)(*x >> 11));
}

START_TEST(test_dp9_output_shortcut_agrees_with_full_output)
{
	static const enum tcp_state states[] = { TCPS_ESTABLISHED,
	    TCPS_CLOSE_WAIT, TCPS_FIN_WAIT_1, TCPS_CLOSING, TCPS_LAST_ACK,
	    TCPS_FIN_WAIT_2, TCPS_TIME_WAIT, TCPS_SYN_RECEIVED };
	static const uint32_t flagbits[] = { TF_ACKNOW, TF_DELACK,
	    TF_SENTFIN, TF_SACK_PERMIT, TF_FASTRECOVERY, TF_LASTIDLE };
	static const uint32_t sizes[] = { 0, 1, 100, 1448, 2896, 4000,
	    8192, 32768, 65535, 65536, 200000, 1 << 20 };
	struct tcpcb *ctp, *stp, base, t, before;
	struct tcpstat st;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	uint32_t inflight;
	size_t qn;
	int i, j, idle = 0, busy = 0;

	establish(&ctp, &stp);
	ck_assert_int_eq(tcp_usr_send(ctp, 5000), 0);
	run_for(500 * SIM_MSEC);
	memcpy(&base, ctp, sizeof(base));
	for (i = 0; i < 20000; i++) {
		memcpy(&t, &base, sizeof(t));
		t.t_state = states[idle_rand(&x) % 8];
		for (j = 0; j < 6; j++)
			if (idle_rand(&x) % 5 == 0)
				t.t_flags ^= flagbits[j];
#define SIZE()	sizes[idle_rand(&x) % (sizeof(sizes) / sizeof(sizes[0]))]
		inflight = idle_rand(&x) % 2 ? 0 : SIZE();
		t.snd_max = t.snd_una + inflight;
		t.snd_nxt = idle_rand(&x) % 4 == 0 ? t.snd_una : t.snd_max;
		t.snd_queued = idle_rand(&x) % 2 ? 0 : SIZE();
		t.t_sndbuf = SIZE() + 1;
		t.snd_wnd = SIZE();
		t.snd_cwnd = SIZE();
		t.max_sndwnd = SIZE();
		t.t_rcvbuf = SIZE();
		t.rcv_adv = t.rcv_nxt + (idle_rand(&x) % 2 ? 0 : SIZE());
		t.rcv_scale = (uint8_t)(idle_rand(&x) % 4);
		t.t_rcvtime = sim_now(sim) - (sim_time_t)(idle_rand(&x) % 3) *
		    t.t_rxtcur;
		t.t_rexmt = idle_rand(&x) % 2 ? SIM_EVENT_NONE :
		    (sim_event_t)2;	/* an even generation: never pending */
#undef SIZE
		if (!tcp_output_idle(&t)) {
			busy++;
			continue;
		}
		idle++;
		memcpy(&before, &t, sizeof(before));
		st = cli->stat;
		qn = sim_queue_size(sim);
		ck_assert_int_eq(tcp_output_full(&t), 0);
		/*
		 * Up to the arrays, which tcp_newtcpcb() leaves unwritten
		 * (their counts say what is valid) and tcp_output writes
		 * only in SACK recovery.
		 */
		ck_assert_mem_eq(&t, &before, offsetof(struct tcpcb, sackblks));
		ck_assert_mem_eq(&st, &cli->stat, sizeof(st));
		ck_assert_uint_eq(sim_queue_size(sim), qn);
	}
	ck_assert_int_ge(idle, 500);
	ck_assert_int_ge(busy, 500);
}
END_TEST

static Suite *
tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("state machine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tcp1_three_way_handshake_sequence_numbers);
	tcase_add_test(tc, test_tcp2_data_advances_seq_and_ack);
	tcase_add_test(tc, test_tcp5_response_rides_on_the_ack);
	tcase_add_test(tc, test_tcp6_huge_queue_does_not_wrap);
	tcase_add_test(tc, test_tcp6_psh_on_the_last_queued_byte);
	tcase_add_test(tc, test_tcp15_active_close_fin_wait_to_time_wait);
	tcase_add_test(tc, test_tcp16_passive_close_close_wait_last_ack_closed);
	tcase_add_test(tc, test_tcp16_simultaneous_close_via_closing);
	tcase_add_test(tc, test_tcp4_syn_to_closed_port_gets_rst);
	tcase_add_test(tc, test_tcp4_rst_in_window_resets_established);
	tcase_add_test(tc, test_tcp4_rst_out_of_window_ignored);
	tcase_add_test(tc, test_tcp7_rto1_rto2_syn_backoff_and_keepinit_timeout);
	tcase_add_test(tc, test_tcp7_rto1_syn_backoff_follows_rto_initial);
	tcase_add_test(tc, test_tcp7_lost_syn_ack_recovers);
	tcase_add_test(tc, test_tcp8_lost_fin_is_retransmitted);
	tcase_add_test(tc, test_tcp8_data_retransmitted_then_dropped_after_12);
	tcase_add_test(tc, test_tcp8_timeout_resends_only_the_oldest_segment);
	tcase_add_test(tc, test_tcp9_rto3_rto_from_rtt_samples_plus_slop);
	tcase_add_test(tc, test_dp12_without_timestamps_rtt_from_timed_segment);
	tcase_add_test(tc, test_dp12_karn_no_sample_from_a_retransmission);
	tcase_add_test(tc, test_tcp10_timestamps_negotiated);
	tcase_add_test(tc, test_tcp10_no_timestamps_when_peer_does_not_ask);
	tcase_add_test(tc, test_tcp10_paws_drops_old_timestamp);
	tcase_add_test(tc, test_fw2_1_fin_wait_2_lasts_maxidle);
	tcase_add_test(tc, test_fw2_1_fast_recycle_uses_finwait2_timeout);
	tcase_add_test(tc, test_fw2_2_traffic_extends_fin_wait_2);
	tcase_add_test(tc, test_tw18_lost_last_ack_fin_rearms_time_wait);
	tcase_add_test(tc, test_tw16_syn_reopens_server_time_wait);
	tcase_add_test(tc, test_tcp17_connect_addrnotavail_counted);
	tcase_add_test(tc, test_tcp12_in_window_syn_resets);
	tcase_add_test(tc, test_tcp3_duplicate_data_acked_not_delivered);
	tcase_add_test(tc, test_tcp3_reassembly_delivers_after_gap);
	tcase_add_test(tc, test_tcp13_data_after_close_resets);
	tcase_add_test(tc, test_haz1_other_incarnation_data_counted);
	tcase_add_test(tc, test_haz2_haz3_other_incarnation_fin_and_rst_counted);
	tcase_add_test(tc, test_haz7_rst_provoked_by_old_duplicate_is_a_hazard);
	tcase_add_test(tc,
	    test_sync2_synack_retransmitted_three_times_then_dropped);
	tcase_add_test(tc, test_sync3_duplicate_syn_resends_synack);
	tcase_add_test(tc, test_sync4_bad_ack_gets_rst_and_no_connection);
	tcase_add_test(tc, test_sync7_cookie_expires_after_its_lifetime);
	tcase_add_test(tc, test_sync1_passive_iss_random_per_connection);
	tcase_add_test(tc, test_sync5_rst_in_window_drops_entry);
	tcase_add_test(tc, test_sock1_connect_beyond_maxsockets_fails_enobufs);
	tcase_add_test(tc,
	    test_sync6_sock1_accept_beyond_maxsockets_fails_nobufs);
	tcase_add_test(tc, test_ts1_ts2_ts3_offsets_and_clock);
	tcase_add_test(tc, test_tcp11_listener_close_orphans_children);
	tcase_add_test(tc, test_dp7_every_second_segment_acked_at_once);
	tcase_add_test(tc, test_lnx22_linux_quickacks_first_segments);
	tcase_add_test(tc, test_lnx23_linux_rto_floor_200ms);
	tcase_add_test(tc, test_dp8_window_scale_negotiated);
	tcase_add_test(tc, test_dp5_fast_retransmit_after_three_dupacks);
	tcase_add_test(tc, test_dp9_send_buffer_and_nagle);
	tcase_add_test(tc, test_dp10_dp11_buffers_grow_in_steps);
	tcase_add_test(tc, test_dp13_idle_connection_restarts_its_window);
	tcase_add_test(tc, test_sack1_negotiated_on_both_syns);
	tcase_add_test(tc, test_sack5_two_holes_resent_in_one_round_trip);
	tcase_add_test(tc, test_sack3_dropped_by_full_reassembly_not_reported);
	tcase_add_test(tc, test_dp9_output_shortcut_agrees_with_full_output);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(tcp_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
