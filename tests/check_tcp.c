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
	/* TCP-5: the ACK went out at once, no delayed ACK. */
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
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(sapp.rcvd, 3000);
	ck_assert_uint_eq(stp->rcv_nxt, stp->irs + 1 + 3000);
	ck_assert_uint_eq(ctp->snd_una, ctp->iss + 1 + 3000);
	ck_assert_uint_eq(ctp->snd_max, ctp->iss + 1 + 3000);
	ck_assert_uint_eq(ctp->snd_queued, 0);
	for (i = first; i < nrec; i++) {
		if (!recs[i].to_server || recs[i].seg.len == 0)
			continue;
		/* TCP-6: at most one MSS per segment, contiguous. */
		ck_assert_uint_le(recs[i].seg.len, TCP_MSS);
		ck_assert_uint_eq(recs[i].seg.seq,
		    ctp->iss + 1 + (uint32_t)ndata * TCP_MSS);
		ndata++;
	}
	ck_assert_int_eq(ndata, 3);
	/* The response comes back piggybacked on the ACK (TCP-5). */
	sapp.respond = 0;
	first = nrec;
	ck_assert_int_eq(tcp_usr_send(stp, 100), 0);
	run_for(10 * SIM_MSEC);
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
	ck_assert_int_eq(tcp_usr_send(ctp, 3 * TCP_MSS + 100), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_uint_eq(sapp.rcvd, 3 * TCP_MSS + 100);
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

/* TCP-8, TCP-3: one lost segment costs one retransmission. */
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
	ck_assert_int_eq(tcp_usr_send(ctp, 4 * TCP_MSS), 0);
	run_for(10 * SIM_MSEC);
	/* Three segments wait in the server's reassembly queue. */
	ck_assert_uint_eq(sapp.rcvd, 0);
	ck_assert_int_eq(stp->t_nreass, 1);
	run_for(SIM_SEC);
	ck_assert_uint_eq(sapp.rcvd, 4 * TCP_MSS);
	ck_assert_uint_eq(cli->stat.rexmt_data, 1);
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

START_TEST(test_tcp9_without_timestamps_rto_stays_initial)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;

	host_tunables_init(&t);
	t.rfc1323 = 0;
	teardown();
	setup_with(NULL, &t);
	establish(&ctp, &stp);
	ck_assert_int_eq(ctp->t_srtt, 0);
	ck_assert_int_eq(ctp->t_rxtcur, cli->tun.rto_initial);
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
	ck_assert_uint_eq(ctp->rcv_adv, ctp->rcv_nxt + 65535);
}
END_TEST

START_TEST(test_tcp10_no_timestamps_when_peer_does_not_ask)
{
	struct host_tunables t;
	struct tcpcb *ctp, *stp;

	host_tunables_init(&t);
	t.rfc1323 = 0;
	teardown();
	setup_with(NULL, &t);
	establish(&ctp, &stp);
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
	teardown();
	setup_with(&t, NULL);
	establish(&ctp, &stp);
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
	teardown();
	setup_with(&t, NULL);
	establish(&ctp, &stp);
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
	run_for(10 * SIM_MSEC);
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
	tcase_add_test(tc, test_tcp9_without_timestamps_rto_stays_initial);
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
