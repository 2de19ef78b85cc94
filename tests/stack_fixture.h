/*
 * stack_fixture.h -- test support for the stack suites (check_linux,
 * check_freebsd14): a client and a server of one stack on a wire that
 * records every segment (and with `blackhole` set delivers none), a
 * listener on the server whose application closes on the client's FIN,
 * and the helpers that make connections and probe TIME_WAIT entries.
 * The state is the suite's (one fixture per test program).
 */
#ifndef TESTS_STACK_FIXTURE_H
#define TESTS_STACK_FIXTURE_H

#include <stdint.h>

#include "models/segment.h"
#include "models/tcp_usrreq.h"
#include "models/tunable.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

struct host;
struct net;
struct tcpcb;
struct tcptw;

#define CADDR	FX_ADDR(10, 0, 0, 2)
#define SADDR	FX_ADDR(10, 0, 0, 1)
#define SADDR2	FX_ADDR(10, 0, 0, 3)
#define LOOP	FX_ADDR(127, 0, 0, 1)
#define PORT	80

#define MAXREC	4096
struct rec {
	struct tcp_segment seg;
	sim_time_t	 t;
	struct host	*to;
};

struct app {
	int		 connected, accepted, failed, error, syn_sent;
	struct tcpcb	*tp;
	int		 close_on_fin;
};

/* The world of the current test. */
extern struct rec recs[MAXREC];
extern int nrec;		/* segments seen (recs keeps MAXREC) */
extern int blackhole;		/* 1: record, deliver nothing */
extern struct sim *sim;
extern struct net *net;
extern struct host *cli, *srv;	/* CADDR and SADDR by default */
extern struct app capp, sapp;	/* the client's and the server's app */
extern const struct tcp_app_ops app_ops;

/*
 * Hosts of `stack` booted with ct and st (NULL: the stack's defaults) at
 * caddr and saddr, the wire, and the server listening on PORT.
 */
void		 stack_setup(int stack, const struct host_tunables *ct,
		    const struct host_tunables *st, uint32_t caddr,
		    uint32_t saddr);
/* Checks both hosts' invariants and destroys the world. */
void		 teardown(void);
void		 run_for(sim_time_t d);
/* connect() from cli to faddr:PORT; 0 and the tcpcb, or the error. */
int		 try_connect(uint32_t faddr, uint16_t lport, struct tcpcb **tpp);
/* A connect that must succeed: its local port. */
uint16_t	 connect_ok(uint32_t faddr);
/* A connection the client closes first: its TIME_WAIT is on the client. */
uint16_t	 closed_conn(uint16_t lport);
/* The client's TIME_WAIT entry on lport, or NULL. */
struct tcptw	*client_tw(uint16_t lport);
/* A segment from the server's endpoint to the client's TIME_WAIT entry:
   at its rcv_nxt, acknowledging its snd_nxt. */
void		 server_segment(const struct tcptw *tw, uint16_t lport,
		    uint8_t flags, struct tcp_segment *s);

#endif /* !TESTS_STACK_FIXTURE_H */
