/*
 * workload.c -- the applications: request/response clients driven by an
 * arrival process, and the servers that answer them (workload.h).
 *
 * A client connection is a struct wl_conn, a server-side connection a
 * struct wl_sconn; both come from free lists, so once the working set is
 * reached no connection allocates.  A server application (struct
 * wl_server) is shared by the workloads that target the same host:port;
 * it is found through the listener itself (the listening tcpcb's t_app
 * and t_app_arg), so there is no registry beside the pcb table.  Rule IDs
 * WL-n are in docs/RULES.md.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <gsl/gsl_randist.h>

#include "models/host.h"
#include "models/net.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "models/trace.h"
#include "models/workload.h"
#include "sim/rng.h"
#include "sim/sim.h"

struct wl_server;

/* A client connection. */
struct wl_conn {
	struct workload	*w;
	struct tcpcb	*tp;
	sim_time_t	 t_start, t_established;
	uint64_t	 rcvd;
	uint64_t	 conn_id;
	uint16_t	 lport;
	int		 got_response, hold_done, peer_fin;
	int		 may_close;	/* WL-10: close_delay after the FIN over */
	sim_event_t	 hold_ev;
	sim_event_t	 close_ev;	/* WL-10 */
	TAILQ_ENTRY(wl_conn) link;	/* live list, or the free list */
};
TAILQ_HEAD(wl_connq, wl_conn);

/* A server-side connection. */
struct wl_sconn {
	struct wl_server *srv;
	struct tcpcb	*tp;
	uint64_t	 rcvd;
	int		 responded;
	sim_event_t	 close_ev;	/* WL-10: the delayed close */
	TAILQ_ENTRY(wl_sconn) link;
};
TAILQ_HEAD(wl_sconnq, wl_sconn);

/* Memory behind both kinds of connection, freed with their owner. */
struct wl_chunk {
	struct wl_chunk	*next;
};
#define WL_CHUNK	64

struct wl_server {
	struct host	*host;
	uint32_t	 laddr;		/* bound (0: wildcard) */
	uint16_t	 port;
	struct tcpcb	*ltp;		/* the listener */
	int		 adopted;	/* the listener was workload_listen's */
	uint32_t	 request, response;
	enum workload_closer close_by;
	sim_time_t	 close_delay;	/* WL-10 */
	struct sim	*sim;
	char		*owner;		/* first workload, for messages */
	int		 refs;
	uint64_t	 served;
	struct wl_sconnq live, freeq;
	struct wl_chunk	*chunks;
};

struct workload {
	struct net	*net;
	struct sim	*sim;
	struct workload_config cfg;
	char		*name;
	char		*server_str;	/* "host:port" */
	uint32_t	 caddr, saddr;	/* caddr 0: round-robin (WL-9) */
	int		 next_addr;	/* WL-9: the client's next address */
	struct wl_server *srv;
	workload_record_fn record;
	void		*record_ctx;
	struct rng	*rng;

	/* Arrival process (WL-1..WL-4). */
	int		 seg_idx;	/* step in force, -1: none yet */
	sim_time_t	 seg_base;	/* when it took effect */
	sim_time_t	 cursor;	/* Poisson: last arrival */
	uint64_t	 k;		/* constant: arrivals in this step */
	int		 fresh;		/* Poisson: draw from seg_base */
	sim_event_t	 arrival_ev;

	uint64_t	 started, active;
	struct wl_connq	 live, freeq;
	struct wl_chunk	*chunks;
};

static const char *const conn_outcome_names[] = {
	[CONN_OK] = "ok",
	[CONN_ADDRNOTAVAIL] = "addrnotavail",
	[CONN_TIMEOUT] = "timeout",
	[CONN_RESET] = "reset",
	[CONN_NOBUFS] = "nobufs",
	[CONN_ADDRINUSE] = "addrinuse",
};

const char *
conn_outcome_name(enum conn_outcome o)
{

	if ((int)o < 0 || o >= CONN_NOUTCOMES)
		return ("?");
	return (conn_outcome_names[o]);
}

/* Server side. ********************************************************/

static void	srv_accepted(void *, struct tcpcb *, void **);
static void	srv_received(void *, struct tcpcb *, uint32_t);
static void	srv_peer_closed(void *, struct tcpcb *);
static void	srv_failed(void *, struct tcpcb *, int);

static const struct tcp_app_ops wl_server_ops = {
	.accepted = srv_accepted,
	.received = srv_received,
	.peer_closed = srv_peer_closed,
	.failed = srv_failed,
};

static void	null_peer_closed(void *, struct tcpcb *);
static void	null_accepted(void *, struct tcpcb *, void **);

/* workload_listen's stateless application: nothing to answer. */
static const struct tcp_app_ops wl_null_ops = {
	.accepted = null_accepted,
	.peer_closed = null_peer_closed,
};

static void
null_accepted(void *larg, struct tcpcb *tp, void **carg)
{

	*carg = NULL;
	(void)larg;
	(void)tp;
}

static void
null_peer_closed(void *arg, struct tcpcb *tp)
{

	(void)arg;
	(void)tcp_usr_close(tp);
}

static struct wl_sconn *
sconn_alloc(struct wl_server *srv)
{
	struct wl_chunk *c;
	struct wl_sconn *sc;
	size_t i;

	if (TAILQ_EMPTY(&srv->freeq)) {
		c = malloc(sizeof(*c) + WL_CHUNK * sizeof(*sc));
		if (c == NULL)
			return (NULL);
		c->next = srv->chunks;
		srv->chunks = c;
		sc = (struct wl_sconn *)(void *)(c + 1);
		for (i = 0; i < WL_CHUNK; i++)
			TAILQ_INSERT_TAIL(&srv->freeq, &sc[i], link);
	}
	sc = TAILQ_FIRST(&srv->freeq);
	TAILQ_REMOVE(&srv->freeq, sc, link);
	memset(sc, 0, sizeof(*sc));
	sc->srv = srv;
	sc->close_ev = SIM_EVENT_NONE;
	TAILQ_INSERT_TAIL(&srv->live, sc, link);
	return (sc);
}

static void
sconn_free(struct wl_sconn *sc)
{
	struct wl_server *srv = sc->srv;

	if (sc->close_ev != SIM_EVENT_NONE)
		(void)sim_cancel(srv->sim, sc->close_ev);
	sc->close_ev = SIM_EVENT_NONE;
	TAILQ_REMOVE(&srv->live, sc, link);
	TAILQ_INSERT_HEAD(&srv->freeq, sc, link);
}

/* WL-6: the whole request is in: answer, and close first if ours to. */
static void
srv_respond(struct wl_sconn *sc)
{
	struct wl_server *srv = sc->srv;
	struct tcpcb *tp = sc->tp;

	sc->responded = 1;
	srv->served++;
	if (srv->response > 0)
		(void)tcp_usr_send(tp, srv->response);
	if (srv->close_by == WORKLOAD_CLOSE_SERVER) {
		sconn_free(sc);
		(void)tcp_usr_close(tp);
	}
}

static void
srv_accepted(void *larg, struct tcpcb *tp, void **carg)
{
	struct wl_server *srv = larg;
	struct wl_sconn *sc;

	sc = sconn_alloc(srv);
	if (sc == NULL) {
		*carg = NULL;
		return;
	}
	sc->tp = tp;
	*carg = sc;
	if (srv->request == 0)
		srv_respond(sc);
}

static void
srv_received(void *arg, struct tcpcb *tp, uint32_t bytes)
{
	struct wl_sconn *sc = arg;

	(void)tp;
	if (sc == NULL)
		return;
	sc->rcvd += bytes;
	if (!sc->responded && sc->rcvd >= sc->srv->request)
		srv_respond(sc);
}

/* WL-10: the server application gets round to closing. */
static void
srv_close_now(struct sim *sim, void *arg)
{
	struct wl_sconn *sc = arg;
	struct tcpcb *tp = sc->tp;

	(void)sim;
	sc->close_ev = SIM_EVENT_NONE;
	sconn_free(sc);
	(void)tcp_usr_close(tp);
}

static void
srv_peer_closed(void *arg, struct tcpcb *tp)
{
	struct wl_sconn *sc = arg;

	/*
	 * WL-6: close_by client: the server closes on the client's FIN --
	 * WL-10: close_delay later.
	 */
	if (sc != NULL && sc->srv->close_delay > 0) {
		if (sc->close_ev == SIM_EVENT_NONE)
			(void)sim_after(sc->srv->sim, sc->srv->close_delay,
			    srv_close_now, sc, &sc->close_ev);
		return;
	}
	if (sc != NULL)
		sconn_free(sc);
	(void)tcp_usr_close(tp);
}

static void
srv_failed(void *arg, struct tcpcb *tp, int error)
{
	struct wl_sconn *sc = arg;

	(void)tp;
	(void)error;
	if (sc != NULL)
		sconn_free(sc);
}

static void
srv_free(struct wl_server *srv)
{
	struct wl_chunk *c, *next;

	for (c = srv->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(srv->owner);
	free(srv);
}

/* The last workload of a server is gone: close or hand back its listener. */
static void
srv_release(struct wl_server *srv)
{
	struct wl_sconn *sc;

	if (--srv->refs > 0)
		return;
	while ((sc = TAILQ_FIRST(&srv->live)) != NULL) {
		struct tcpcb *tp = sc->tp;

		sconn_free(sc);
		(void)tcp_usr_close(tp);
	}
	if (srv->adopted) {
		srv->ltp->t_app = &wl_null_ops;
		srv->ltp->t_app_arg = NULL;
	} else
		(void)tcp_usr_close(srv->ltp);
	srv_free(srv);
}

/* WL-10: only the second closer waits; the server is, when close_by client. */
static sim_time_t
srv_close_delay(const struct workload_config *cfg)
{

	return (cfg->close_by == WORKLOAD_CLOSE_CLIENT ? cfg->close_delay : 0);
}

static int
srv_agrees(const struct wl_server *srv, const struct workload_config *cfg,
    char *err, size_t errlen)
{

	if (srv->request == cfg->request && srv->response == cfg->response &&
	    srv->close_by == cfg->close_by &&
	    srv->close_delay == srv_close_delay(cfg))
		return (0);
	snprintf(err, errlen, "workloads %s and %s share server port %u on "
	    "%s but disagree on request, response, close or close_delay",
	    srv->owner,
	    cfg->name, (unsigned)srv->port, srv->host->name);
	return (-1);
}

/* Find or create the server application of cfg's server:port (WL-6). */
static struct wl_server *
srv_get(const struct workload_config *cfg, char *err, size_t errlen)
{
	struct host *h = cfg->server;
	struct wl_server *srv;
	struct tcpcb *ltp;
	int error = 0;

	ltp = tcp_usr_listener(h, cfg->server_addr, cfg->server_port);
	if (ltp == NULL && cfg->server_addr != 0)
		ltp = tcp_usr_listener(h, 0, cfg->server_port);
	if (ltp != NULL && ltp->t_app == &wl_server_ops) {
		srv = ltp->t_app_arg;
		if (srv_agrees(srv, cfg, err, errlen) != 0)
			return (NULL);
		srv->refs++;
		return (srv);
	}
	if (ltp != NULL && ltp->t_app != &wl_null_ops) {
		snprintf(err, errlen, "workload %s: port %u on %s is taken by "
		    "another application", cfg->name,
		    (unsigned)cfg->server_port, h->name);
		return (NULL);
	}
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL || (srv->owner = strdup(cfg->name)) == NULL) {
		free(srv);
		snprintf(err, errlen, "workload %s: out of memory", cfg->name);
		return (NULL);
	}
	srv->host = h;
	srv->port = cfg->server_port;
	srv->request = cfg->request;
	srv->response = cfg->response;
	srv->close_by = cfg->close_by;
	srv->close_delay = srv_close_delay(cfg);
	srv->sim = h->sim;
	srv->refs = 1;
	TAILQ_INIT(&srv->live);
	TAILQ_INIT(&srv->freeq);
	if (ltp != NULL) {
		/* A workload_listen() port: this workload gives it a voice. */
		srv->adopted = 1;
		srv->laddr = ltp->t_inpcb->inp_laddr;
	} else {
		srv->laddr = cfg->server_addr;
		error = tcp_usr_listen(h, srv->laddr, srv->port,
		    &wl_server_ops, srv);
		if (error == 0)
			ltp = tcp_usr_listener(h, srv->laddr, srv->port);
		if (ltp == NULL) {
			snprintf(err, errlen, "workload %s: cannot listen on "
			    "%s port %u: %s", cfg->name, h->name,
			    (unsigned)srv->port, strerror(error ? error :
			    EADDRINUSE));
			srv_free(srv);
			return (NULL);
		}
	}
	srv->ltp = ltp;
	ltp->t_app = &wl_server_ops;
	ltp->t_app_arg = srv;
	return (srv);
}

int
workload_listen(struct net *net, struct host *h, uint32_t addr,
    uint16_t port, char *err, size_t errlen)
{
	int error, i;

	(void)net;
	if (tcp_usr_listener(h, addr, port) != NULL)
		return (0);
	if (addr != 0 && tcp_usr_listener(h, 0, port) != NULL)
		return (0);
	if (addr == 0)
		for (i = 0; i < h->naddrs; i++)
			if (tcp_usr_listener(h, h->addrs[i], port) != NULL)
				return (0);
	error = tcp_usr_listen(h, addr, port, &wl_null_ops, NULL);
	if (error != 0) {
		snprintf(err, errlen, "host %s: cannot listen on port %u: %s",
		    h->name, (unsigned)port, strerror(error));
		return (-1);
	}
	return (0);
}

/* Client side. ********************************************************/

static void	cli_connected(void *, struct tcpcb *);
static void	cli_received(void *, struct tcpcb *, uint32_t);
static void	cli_peer_closed(void *, struct tcpcb *);
static void	cli_failed(void *, struct tcpcb *, int);

static const struct tcp_app_ops wl_client_ops = {
	.connected = cli_connected,
	.received = cli_received,
	.peer_closed = cli_peer_closed,
	.failed = cli_failed,
};

static struct wl_conn *
conn_alloc(struct workload *w)
{
	struct wl_chunk *c;
	struct wl_conn *cn;
	size_t i;

	if (TAILQ_EMPTY(&w->freeq)) {
		c = malloc(sizeof(*c) + WL_CHUNK * sizeof(*cn));
		if (c == NULL)
			return (NULL);
		c->next = w->chunks;
		w->chunks = c;
		cn = (struct wl_conn *)(void *)(c + 1);
		for (i = 0; i < WL_CHUNK; i++)
			TAILQ_INSERT_TAIL(&w->freeq, &cn[i], link);
	}
	cn = TAILQ_FIRST(&w->freeq);
	TAILQ_REMOVE(&w->freeq, cn, link);
	memset(cn, 0, sizeof(*cn));
	cn->w = w;
	cn->t_established = -1;
	cn->hold_ev = SIM_EVENT_NONE;
	cn->close_ev = SIM_EVENT_NONE;
	TAILQ_INSERT_TAIL(&w->live, cn, link);
	w->active++;
	return (cn);
}

static void
conn_report(struct wl_conn *cn, enum conn_outcome outcome, int syn_sent,
    sim_time_t t_end)
{
	struct workload *w = cn->w;
	struct conn_record r;

	memset(&r, 0, sizeof(r));
	r.conn_id = cn->conn_id;
	r.workload = w->name;
	r.client = w->cfg.client->name;
	r.lport = cn->lport;
	r.server = w->server_str;
	r.t_start = cn->t_start;
	r.t_established = cn->t_established;
	r.t_end = t_end;
	r.outcome = outcome;
	r.syn_sent = syn_sent;
	if (w->record != NULL)
		w->record(w->record_ctx, &r);
}

/* The client's own timers: hold, and the delayed close (WL-10). */
static void
conn_stop_timers(struct wl_conn *cn)
{
	struct sim *sim = cn->w->sim;

	if (cn->hold_ev != SIM_EVENT_NONE)
		(void)sim_cancel(sim, cn->hold_ev);
	cn->hold_ev = SIM_EVENT_NONE;
	if (cn->close_ev != SIM_EVENT_NONE)
		(void)sim_cancel(sim, cn->close_ev);
	cn->close_ev = SIM_EVENT_NONE;
}

/* WL-5: the client is done; report the connection and recycle it. */
static void
conn_finish(struct wl_conn *cn, enum conn_outcome outcome, int syn_sent)
{
	struct workload *w = cn->w;

	conn_stop_timers(cn);
	TAILQ_REMOVE(&w->live, cn, link);
	TAILQ_INSERT_HEAD(&w->freeq, cn, link);
	w->active--;
	conn_report(cn, outcome, syn_sent, sim_now(w->sim));
}

/*
 * WL-5: the client closes once it has the response and held it, and --
 * when the server closes first -- once the server's FIN arrived and
 * close_delay passed since (WL-10).
 */
static void
conn_maybe_close(struct wl_conn *cn)
{
	struct tcpcb *tp = cn->tp;
	int syn_sent, second;

	second = cn->peer_fin && (cn->w->cfg.close_delay == 0 ||
	    cn->may_close);
	if (!((cn->got_response && cn->hold_done &&
	    (cn->w->cfg.close_by == WORKLOAD_CLOSE_CLIENT || second)) ||
	    (cn->peer_fin && !cn->got_response)))
		return;
	syn_sent = tp->t_syn_sent;
	cn->tp = NULL;
	(void)tcp_usr_close(tp);
	conn_finish(cn, CONN_OK, syn_sent);
}

static void
conn_hold_done(struct sim *sim, void *arg)
{
	struct wl_conn *cn = arg;

	(void)sim;
	cn->hold_ev = SIM_EVENT_NONE;
	cn->hold_done = 1;
	conn_maybe_close(cn);
}

static void
conn_got_response(struct wl_conn *cn)
{
	struct workload *w = cn->w;

	cn->got_response = 1;
	if (w->cfg.hold > 0) {
		(void)sim_after(w->sim, w->cfg.hold, conn_hold_done, cn,
		    &cn->hold_ev);
		return;
	}
	cn->hold_done = 1;
	conn_maybe_close(cn);
}

static void
cli_connected(void *arg, struct tcpcb *tp)
{
	struct wl_conn *cn = arg;
	struct workload *w = cn->w;

	cn->t_established = sim_now(w->sim);
	if (w->cfg.request > 0)
		(void)tcp_usr_send(tp, w->cfg.request);
	if (w->cfg.response == 0)
		conn_got_response(cn);
}

static void
cli_received(void *arg, struct tcpcb *tp, uint32_t bytes)
{
	struct wl_conn *cn = arg;

	(void)tp;
	cn->rcvd += bytes;
	if (!cn->got_response && cn->rcvd >= cn->w->cfg.response)
		conn_got_response(cn);
}

/* WL-10: the client application gets round to closing. */
static void
conn_close_delay_over(struct sim *sim, void *arg)
{
	struct wl_conn *cn = arg;

	(void)sim;
	cn->close_ev = SIM_EVENT_NONE;
	cn->may_close = 1;
	conn_maybe_close(cn);
}

static void
cli_peer_closed(void *arg, struct tcpcb *tp)
{
	struct wl_conn *cn = arg;
	struct workload *w = cn->w;

	(void)tp;
	cn->peer_fin = 1;
	if (w->cfg.close_by == WORKLOAD_CLOSE_SERVER &&
	    w->cfg.close_delay > 0 && cn->close_ev == SIM_EVENT_NONE &&
	    !cn->may_close) {
		(void)sim_after(w->sim, w->cfg.close_delay,
		    conn_close_delay_over, cn, &cn->close_ev);
		return;
	}
	conn_maybe_close(cn);
}

static void
cli_failed(void *arg, struct tcpcb *tp, int error)
{
	struct wl_conn *cn = arg;

	cn->tp = NULL;
	conn_finish(cn, error == ETIMEDOUT ? CONN_TIMEOUT : CONN_RESET,
	    tp->t_syn_sent);
}

static void
conn_start(struct workload *w)
{
	struct wl_conn *cn;
	struct tcpcb *tp;
	uint32_t laddr;
	int error;

	cn = conn_alloc(w);
	if (cn == NULL)
		return;
	w->started++;
	cn->t_start = sim_now(w->sim);
	/*
	 * WL-9: a client host with several addresses spreads its
	 * connections over them in turn, as an application binding each
	 * address in turn would; each address has its own ports (PORT-3).
	 */
	laddr = w->caddr;
	if (laddr == 0) {
		struct host *c = w->cfg.client;

		laddr = c->addrs[w->next_addr];
		w->next_addr = (w->next_addr + 1) % c->naddrs;
	}
	error = tcp_usr_connect(w->cfg.client, laddr, w->cfg.sport,
	    w->saddr, w->cfg.server_port, &wl_client_ops, cn, &tp);
	if (error != 0) {
		/*
		 * WL-5: no port (addrnotavail), the fixed 4-tuple is busy
		 * (addrinuse), or no socket (nobufs, SOCK-1).  The attempt
		 * still gets an id of its own, from the incarnations'
		 * sequence, so every connection record has one.
		 */
		cn->conn_id = net_new_conn_id(w->net);
		TCP_TRACE(w->cfg.client, cn->conn_id, 0, "TCP-17",
		    "connect failed: %s", error == ENOBUFS ? "ENOBUFS" :
		    error == EADDRINUSE ? "EADDRINUSE" : "EADDRNOTAVAIL");
		conn_finish(cn, error == ENOBUFS ? CONN_NOBUFS :
		    error == EADDRINUSE ? CONN_ADDRINUSE : CONN_ADDRNOTAVAIL,
		    0);
		return;
	}
	cn->tp = tp;
	cn->conn_id = tp->conn_id;
	cn->lport = tp->t_inpcb->inp_lport;
}

/* Arrivals. ***********************************************************/

static double
wl_rate(const struct workload *w)
{

	return (w->seg_idx < 0 ? 0.0 : w->cfg.steps[w->seg_idx].rate);
}

/*
 * WL-1..WL-4: the time of the next arrival, or -1 when there is none.
 * Crossing a step start moves to the step and restarts from its start.
 */
static sim_time_t
wl_next_arrival(struct workload *w)
{
	const struct workload_config *c = &w->cfg;
	sim_time_t t, end;
	double rate;

	for (;;) {
		rate = wl_rate(w);
		end = w->seg_idx + 1 < c->nsteps ?
		    c->steps[w->seg_idx + 1].start : SIM_TIME_MAX;
		if (rate > 0) {
			if (c->arrival == WORKLOAD_CONSTANT)
				t = w->seg_base +
				    sim_time_from_sec((double)w->k / rate);
			else
				t = (w->fresh ? w->seg_base : w->cursor) +
				    sim_time_from_sec(gsl_ran_exponential(
				    rng_gsl(w->rng), 1.0 / rate));
			if (t < end)
				break;
		}
		if (end == SIM_TIME_MAX)
			return (-1);
		w->seg_idx++;
		w->seg_base = end;
		w->k = 0;
		w->fresh = 1;
	}
	if (c->stop > 0 && t >= c->stop)
		return (-1);
	return (t);
}

static void	wl_arrival(struct sim *, void *);

static void
wl_schedule(struct workload *w)
{
	sim_time_t t;

	w->arrival_ev = SIM_EVENT_NONE;
	t = wl_next_arrival(w);
	if (t < 0)
		return;
	w->cursor = t;
	w->fresh = 0;
	w->k++;
	(void)sim_at(w->sim, t, wl_arrival, w, &w->arrival_ev);
}

static void
wl_arrival(struct sim *sim, void *arg)
{
	struct workload *w = arg;

	(void)sim;
	w->arrival_ev = SIM_EVENT_NONE;
	conn_start(w);
	wl_schedule(w);
}

/* Life cycle. *********************************************************/

static int
wl_validate(const struct workload_config *c, char *err, size_t errlen)
{
	const char *name = c->name != NULL ? c->name : "?";
	int i;

	if (c->name == NULL || c->name[0] == '\0') {
		snprintf(err, errlen, "workload: a name is required");
		return (-1);
	}
	if (c->client == NULL || c->server == NULL) {
		snprintf(err, errlen, "workload %s: client and server hosts "
		    "are required", name);
		return (-1);
	}
	if (c->server_port == 0) {
		snprintf(err, errlen, "workload %s: server port 0", name);
		return (-1);
	}
	if (c->nsteps < 1 || c->nsteps > WORKLOAD_MAXSTEPS) {
		snprintf(err, errlen, "workload %s: 1 to %d rate steps "
		    "needed, not %d", name, WORKLOAD_MAXSTEPS, c->nsteps);
		return (-1);
	}
	for (i = 0; i < c->nsteps; i++) {
		if (!isfinite(c->steps[i].rate) || c->steps[i].rate < 0) {
			snprintf(err, errlen, "workload %s: rate %g is not a "
			    "rate", name, c->steps[i].rate);
			return (-1);
		}
		if (c->steps[i].start < 0 ||
		    (i > 0 && c->steps[i].start <= c->steps[i - 1].start)) {
			snprintf(err, errlen, "workload %s: rate steps must "
			    "start at increasing times from 0", name);
			return (-1);
		}
	}
	if (c->hold < 0 || c->start < 0 || c->stop < 0) {
		snprintf(err, errlen, "workload %s: negative time", name);
		return (-1);
	}
	if (c->client->naddrs == 0 || c->server->naddrs == 0) {
		snprintf(err, errlen, "workload %s: client and server need "
		    "an address", name);
		return (-1);
	}
	if (c->client_addr != 0 && !host_owns_addr(c->client,
	    c->client_addr)) {
		snprintf(err, errlen, "workload %s: the client does not own "
		    "its address", name);
		return (-1);
	}
	if (c->server_addr != 0 && !host_owns_addr(c->server,
	    c->server_addr)) {
		snprintf(err, errlen, "workload %s: the server does not own "
		    "its address", name);
		return (-1);
	}
	return (0);
}

struct workload *
workload_create(struct net *net, const struct workload_config *cfg,
    workload_record_fn record, void *record_ctx, char *err, size_t errlen)
{
	struct workload *w;
	char stream[256];
	size_t n;
	int i;

	if (wl_validate(cfg, err, errlen) != 0)
		return (NULL);
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		goto nomem;
	w->net = net;
	w->sim = net_sim(net);
	w->cfg = *cfg;
	w->record = record;
	w->record_ctx = record_ctx;
	TAILQ_INIT(&w->live);
	TAILQ_INIT(&w->freeq);
	w->arrival_ev = SIM_EVENT_NONE;
	if ((w->name = strdup(cfg->name)) == NULL)
		goto nomem;
	w->cfg.name = w->name;
	n = strlen(cfg->server->name) + 8;
	if ((w->server_str = malloc(n)) == NULL)
		goto nomem;
	snprintf(w->server_str, n, "%s:%u", cfg->server->name,
	    (unsigned)cfg->server_port);
	w->caddr = cfg->client_addr;		/* 0: WL-9 */
	w->saddr = cfg->server_addr != 0 ? cfg->server_addr :
	    cfg->server->addrs[0];
	snprintf(stream, sizeof(stream), "workload/%s", cfg->name);
	w->rng = sim_rng(w->sim, stream);
	if (w->rng == NULL)
		goto nomem;
	w->srv = srv_get(&w->cfg, err, errlen);
	if (w->srv == NULL) {
		workload_destroy(w);
		return (NULL);
	}

	/* The step in force at start. */
	w->seg_idx = -1;
	for (i = 0; i < cfg->nsteps; i++)
		if (cfg->steps[i].start <= cfg->start)
			w->seg_idx = i;
	w->seg_base = cfg->start;
	w->fresh = 1;
	w->k = 0;
	if (cfg->start < sim_now(w->sim))
		w->seg_base = sim_now(w->sim);
	wl_schedule(w);
	return (w);

nomem:
	snprintf(err, errlen, "workload %s: out of memory", cfg->name);
	workload_destroy(w);
	return (NULL);
}

void
workload_destroy(struct workload *w)
{
	struct wl_conn *cn;
	struct wl_chunk *c, *next;

	if (w == NULL)
		return;
	if (w->arrival_ev != SIM_EVENT_NONE)
		(void)sim_cancel(w->sim, w->arrival_ev);
	/*
	 * WL-5: connections still open are reported with t_end -1 (and
	 * outcome ok, t_established -1 while still connecting), then closed.
	 */
	while ((cn = TAILQ_FIRST(&w->live)) != NULL) {
		conn_stop_timers(cn);
		TAILQ_REMOVE(&w->live, cn, link);
		w->active--;
		conn_report(cn, CONN_OK, cn->tp != NULL ? cn->tp->t_syn_sent :
		    0, -1);
		if (cn->tp != NULL)
			(void)tcp_usr_close(cn->tp);
	}
	if (w->srv != NULL)
		srv_release(w->srv);
	for (c = w->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(w->server_str);
	free(w->name);
	free(w);
}

uint64_t
workload_started(const struct workload *w)
{

	return (w->started);
}

uint64_t
workload_active(const struct workload *w)
{

	return (w->active);
}
