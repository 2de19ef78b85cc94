/*
 * stack_fixture.c -- see stack_fixture.h: two hosts of one stack on a
 * recording wire, for the stack suites.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "tests/stack_fixture.h"

struct rec recs[MAXREC];
int nrec;
int blackhole;

struct sim *sim;
struct net *net;
struct host *cli, *srv;

struct app capp, sapp;

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
app_peer_closed(void *arg, struct tcpcb *tp)
{
	struct app *a = arg;

	if (a->close_on_fin)
		(void)tcp_usr_close(tp);
}

static void
app_failed(void *arg, struct tcpcb *tp, int error)
{
	struct app *a = arg;

	a->failed++;
	a->error = error;
	a->syn_sent = tp->t_syn_sent;
}

const struct tcp_app_ops app_ops = {
	.connected = app_connected,
	.accepted = app_accepted,
	.peer_closed = app_peer_closed,
	.failed = app_failed,
};

static void
wire(void *arg, struct host *h, const struct tcp_segment *seg)
{

	(void)arg;
	if (nrec < MAXREC) {
		recs[nrec].seg = *seg;
		recs[nrec].t = sim_now(sim);
		recs[nrec].to = h;
	}
	nrec++;
	if (!blackhole)
		tcp_input(h, seg);
}

void
stack_setup(int stack, const struct host_tunables *ct,
    const struct host_tunables *st, uint32_t caddr, uint32_t saddr)
{
	struct host_tunables d;

	nrec = 0;
	blackhole = 0;
	memset(&capp, 0, sizeof(capp));
	memset(&sapp, 0, sizeof(sapp));
	sapp.close_on_fin = 1;
	host_tunables_init_stack(&d, (enum tunable_stack)stack);
	fx_world_create(13, &sim, &net);
	cli = fx_host(net, "client", ct != NULL ? ct : &d, caddr);
	srv = fx_host(net, "server", st != NULL ? st : &d, saddr);
	net_set_deliver_hook(net, wire, NULL);
	ck_assert_int_eq(tcp_usr_listen(srv, 0, PORT, &app_ops, &sapp), 0);
}

void
teardown(void)
{

	fx_host_check(cli);
	fx_host_check(srv);
	fx_world_destroy(&sim, &net);
}

void
run_for(sim_time_t d)
{

	(void)sim_run(sim, sim_now(sim) + d, 0);
}

/* connect() from cli; 0 and the tcpcb, or the error. */
int
try_connect(uint32_t faddr, uint16_t lport, struct tcpcb **tpp)
{

	*tpp = NULL;
	return (tcp_usr_connect(cli, 0, lport, faddr, PORT, &app_ops, &capp,
	    tpp));
}

uint16_t
connect_ok(uint32_t faddr)
{
	struct tcpcb *tp;

	ck_assert_int_eq(try_connect(faddr, 0, &tp), 0);
	return (tp->t_inpcb->inp_lport);
}

/*
 * One connection from cli that the client closes first, so that it ends
 * in TIME_WAIT on the client.  Returns its local port.
 */
uint16_t
closed_conn(uint16_t lport)
{
	struct tcpcb *tp;
	uint16_t port;

	ck_assert_int_eq(try_connect(SADDR, lport, &tp), 0);
	port = tp->t_inpcb->inp_lport;
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(tp->t_state, TCPS_ESTABLISHED);
	ck_assert_int_eq(tcp_usr_close(tp), 0);
	run_for(10 * SIM_MSEC);
	return (port);
}

/* The client's TIME_WAIT entry on lport, or NULL. */
struct tcptw *
client_tw(uint16_t lport)
{
	struct inpcb *inp;

	inp = in_pcblookup(&cli->pcbinfo, SADDR, PORT, CADDR, lport, 0);
	if (inp == NULL || !(inp->inp_flags & INP_TIMEWAIT))
		return (NULL);
	return (inp->inp_ppcb);
}

/* A segment from the server's endpoint to the client's TIME_WAIT. */
void
server_segment(const struct tcptw *tw, uint16_t lport, uint8_t flags,
    struct tcp_segment *s)
{

	memset(s, 0, sizeof(*s));
	s->saddr = SADDR;
	s->daddr = CADDR;
	s->sport = PORT;
	s->dport = lport;
	s->seq = tw->rcv_nxt;
	s->ack = tw->snd_nxt;
	s->flags = flags;
}
