/*
 * model_fixture.h -- test support for the model suites (check_host,
 * check_timewait, check_in_pcb, check_net, check_tcp, check_workload,
 * check_model): a simulator with a network of hosts built in one call each,
 * torn down with the invariant check every suite runs last, and the
 * recorder behind the recording tcp_input() test doubles.
 *
 * The suites that test below the state machine (host, timewait, in_pcb,
 * net) link without models/tcp_input.o and take tcp_input() from
 * tests/tcp_input_double.c, which calls fx_record().  This module must not
 * define tcp_input(), so that the suites over the real state machine can
 * link it too; the recorder's storage lives here because tcp_input() has
 * no context argument.
 *
 * Every helper fails the current Check test (ck_assert) on error.
 */
#ifndef TESTS_MODEL_FIXTURE_H
#define TESTS_MODEL_FIXTURE_H

#include <stdint.h>

#include "models/segment.h"
#include "sim/sim.h"

struct host;
struct host_tunables;
struct net;
struct tcpcb;

/* An IPv4 address a.b.c.d in host order. */
#define FX_ADDR(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

/* ---- a simulator and its network ---------------------------------------- */

/* A simulator seeded with `seed` and an empty network on it. */
void		 fx_world_create(uint64_t seed, struct sim **simp,
		    struct net **netp);
/* Destroys the network (and its hosts) and the simulator; NULLs both. */
void		 fx_world_destroy(struct sim **simp, struct net **netp);
/* A host booted with `boot` (NULL: the defaults), owning `addr` (0: none). */
struct host	*fx_host(struct net *net, const char *name,
		    const struct host_tunables *boot, uint32_t addr);
/*
 * A world with one host "h" (10.0.0.1, default tunables) and a tcpcb of it
 * on no inpcb, for tests that drive TCP's functions directly (congestion
 * control, the SACK scoreboard); free it with tcp_discardcb().
 */
struct tcpcb	*fx_lone_tcpcb(struct sim **simp, struct net **netp,
		    struct host **hp);
/* Gives `h` one more address. */
void		 fx_addr(struct net *net, struct host *h, uint32_t addr);
/* Runs `sim` for `d` more nanoseconds of simulated time. */
void		 fx_run_for(struct sim *sim, sim_time_t d);
/* Fails the test, with host_check()'s message, unless `h` is consistent;
   NULL passes. */
void		 fx_host_check(const struct host *h);

/* ---- what a recording tcp_input() double saw ---------------------------- */

/* Arrivals kept; fx_nrec() counts them all. */
#define FX_MAXREC	4096

struct fx_arrival {
	struct host		*h;	/* where it arrived */
	sim_time_t		 t;	/* when */
	struct tcp_segment	 seg;
};

/* Forgets every arrival (a suite's setup calls it). */
void		 fx_rec_reset(void);
/* Records the arrival of `seg` at `h` now. */
void		 fx_record(struct host *h, const struct tcp_segment *seg);
/* Arrivals since the reset, kept or not. */
int		 fx_nrec(void);
/* Arrival `i` (0 = the first); i must be below FX_MAXREC. */
const struct fx_arrival *fx_rec(int i);

#endif /* !TESTS_MODEL_FIXTURE_H */
