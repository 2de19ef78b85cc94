/*
 * check_in_pcb.c -- the pcb table and ephemeral ports (PORT-n in
 * docs/RULES.md): allocation at tiny and normal range sizes, exhaustion,
 * release by TIME_WAIT expiry and by recycling, per-address independence,
 * the randomization throttle, and lookups.
 *
 * tcp_input() is the recording test double of tests/tcp_input_double.c,
 * unread here: segments are not the subject of this suite.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

#define CLIENT	FX_ADDR(10, 0, 0, 1)
#define CLIENT2	FX_ADDR(10, 0, 0, 3)
#define SERVER	FX_ADDR(10, 0, 0, 2)
#define SERVER2	FX_ADDR(10, 0, 0, 4)

static struct sim *sim;
static struct net *net;
static struct host *cli, *srv;
static struct inpcbinfo *pi;

static void
boot(int first, int last, int randomized, int maxtcptw, sim_time_t msl)
{
	struct host_tunables t;

	host_tunables_init(&t);
	t.portrange_first = first;
	t.portrange_last = last;
	t.randomized = randomized;
	t.maxtcptw = maxtcptw;
	if (msl > 0)
		t.msl = msl;
	fx_rec_reset();
	fx_world_create(11, &sim, &net);
	cli = fx_host(net, "client", &t, CLIENT);
	fx_addr(net, cli, CLIENT2);
	srv = fx_host(net, "server", NULL, SERVER);
	fx_addr(net, srv, SERVER2);
	pi = &cli->pcbinfo;
}

static void
teardown(void)
{

	fx_host_check(cli);
	fx_world_destroy(&sim, &net);
	cli = srv = NULL;
}

/* Connect a new pcb; returns the error, the pcb in *inpp on success. */
static int
conn(uint32_t laddr, uint16_t lport, uint32_t faddr, uint16_t fport,
    struct inpcb **inpp)
{
	struct inpcb *inp;
	int error;

	inp = in_pcballoc(pi);
	ck_assert_ptr_nonnull(inp);
	error = in_pcbconnect(pi, inp, laddr, lport, faddr, fport);
	if (error != 0) {
		in_pcbfree(pi, inp);
		inp = NULL;
	}
	if (inpp != NULL)
		*inpp = inp;
	return (error);
}

/* A connection that enters TIME_WAIT; returns its local port. */
static uint16_t
tw_conn(uint32_t laddr, uint32_t faddr, uint16_t fport)
{
	struct inpcb *inp;
	struct tcpcb *tp;

	ck_assert_int_eq(conn(laddr, 0, faddr, fport, &inp), 0);
	tp = tcp_newtcpcb(cli, inp);
	tp->t_state = TCPS_TIME_WAIT;
	tcp_twstart(tp);
	ck_assert(inp->inp_flags & INP_TIMEWAIT);
	return (inp->inp_lport);
}

START_TEST(test_port4_range_of_one)
{
	struct inpcb *a;

	boot(10000, 10000, 1, 0, 0);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &a), 0);
	ck_assert_int_eq(a->inp_lport, 10000);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), EADDRNOTAVAIL);
	ck_assert_int_eq(in_pcb_ports_in_use(pi, CLIENT), 1);
	in_pcbfree(pi, a);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), 0);
}
END_TEST

START_TEST(test_port4_range_of_two)
{
	struct inpcb *a, *b;

	boot(10000, 10001, 1, 0, 0);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &a), 0);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &b), 0);
	ck_assert_int_ne(a->inp_lport, b->inp_lport);
	ck_assert(a->inp_lport >= 10000 && a->inp_lport <= 10001);
	ck_assert(b->inp_lport >= 10000 && b->inp_lport <= 10001);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), EADDRNOTAVAIL);
}
END_TEST

START_TEST(test_port4_range_of_100_exhausts)
{
	char seen[100];
	struct inpcb *inp;
	int i;

	boot(20000, 20099, 1, 0, 0);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &inp), 0);
		ck_assert(inp->inp_lport >= 20000 && inp->inp_lport <= 20099);
		ck_assert(!seen[inp->inp_lport - 20000]);
		seen[inp->inp_lport - 20000] = 1;
	}
	ck_assert_int_eq(in_pcb_ports_in_use(pi, CLIENT), 100);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), EADDRNOTAVAIL);
	ck_assert_int_eq(pi->ipport_tcpallocs, 101);
}
END_TEST

START_TEST(test_port1_reversed_range)
{
	struct inpcb *inp;
	int i;

	boot(20099, 20000, 1, 0, 0);
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &inp), 0);
		ck_assert(inp->inp_lport >= 20000 && inp->inp_lport <= 20099);
	}
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), EADDRNOTAVAIL);
}
END_TEST

START_TEST(test_port3_port_busy_whatever_the_destination)
{
	boot(10000, 10000, 1, 0, 0);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), 0);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 81, NULL), EADDRNOTAVAIL);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER2, 80, NULL), EADDRNOTAVAIL);
}
END_TEST

START_TEST(test_port3_time_wait_holds_port_until_expiry)
{
	uint16_t p;

	boot(10000, 10000, 1, 0, SIM_SEC);	/* msl 1 s */
	p = tw_conn(CLIENT, SERVER, 80);
	ck_assert_int_eq(p, 10000);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 81, NULL), EADDRNOTAVAIL);
	sim_run(sim, 1500 * SIM_MSEC, 0);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 81, NULL), EADDRNOTAVAIL);
	sim_run(sim, 2 * SIM_SEC, 0);		/* 2MSL over at the 2.0 s tick */
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 81, NULL), 0);
}
END_TEST

START_TEST(test_port3_recycle_releases_port)
{
	uint16_t p1, p2;
	struct inpcb *inp;
	int i;

	/* Boot cap 1 applies (TW-2): the zone holds one slab (UMA-1). */
	boot(10000, 10000 + TCPTW_UMA_IPERS, 0, 1, 0);
	ck_assert_int_eq(host_tw_cap(cli), 1);
	p1 = tw_conn(CLIENT, SERVER, 80);
	for (i = 1; i < TCPTW_UMA_IPERS; i++)
		(void)tw_conn(CLIENT, SERVER, 80);
	ck_assert_int_eq(host_tw_count(cli), TCPTW_UMA_IPERS);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &inp), 0);
	p2 = inp->inp_lport;
	ck_assert_int_ne(p1, p2);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), EADDRNOTAVAIL);
	/* p2 enters TIME_WAIT: the zone is full, p1's entry is recycled. */
	{
		struct tcpcb *tp = tcp_newtcpcb(cli, inp);

		tp->t_state = TCPS_TIME_WAIT;
		tcp_twstart(tp);
	}
	ck_assert_int_eq(cli->stat.tw_recycled, 1);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &inp), 0);
	ck_assert_int_eq(inp->inp_lport, p1);
}
END_TEST

START_TEST(test_port3_addresses_are_independent)
{
	struct inpcb *a, *b;

	boot(10000, 10000, 1, 0, 0);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &a), 0);
	ck_assert_int_eq(conn(CLIENT2, 0, SERVER, 80, &b), 0);
	ck_assert_int_eq(a->inp_lport, 10000);
	ck_assert_int_eq(b->inp_lport, 10000);
	ck_assert_int_eq(in_pcb_ports_in_use(pi, CLIENT), 1);
	ck_assert_int_eq(in_pcb_ports_in_use(pi, CLIENT2), 1);
	ck_assert_int_eq(in_pcb_ports_in_use_total(pi), 2);
	/* laddr 0 means the first address. */
	ck_assert_int_eq(conn(0, 0, SERVER, 80, NULL), EADDRNOTAVAIL);
}
END_TEST

START_TEST(test_port2_sequential_when_not_randomized)
{
	uint16_t p;
	int i;

	boot(10000, 65535, 0, 0, 0);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(in_pcb_lport(pi, CLIENT, &p), 0);
		ck_assert_int_eq(p, 10000 + i);
	}
}
END_TEST

static int
consecutive_run(int n)
{
	uint16_t p, prev = 0;
	int i, seq = 1;

	for (i = 0; i < n; i++) {
		ck_assert_int_eq(in_pcb_lport(pi, CLIENT, &p), 0);
		if (i > 0 && p != prev + 1)
			seq = 0;
		prev = p;
	}
	return (seq);
}

START_TEST(test_port5_throttle_suspends_randomization)
{
	boot(10000, 65535, 1, 0, 0);
	/* Randomized: five allocations are not five consecutive ports. */
	ck_assert(!consecutive_run(5));
	/* 11 allocations in the first second > randomcps 10. */
	ck_assert(!consecutive_run(6));
	ck_assert_int_eq(pi->ipport_tcpallocs, 11);
	sim_run(sim, SIM_SEC, 0);		/* ipport_tick */
	ck_assert_int_eq(pi->ipport_stoprandom, 45);
	ck_assert(consecutive_run(5));
	/* Quiet seconds count it down; after randomtime it resumes. */
	sim_run(sim, 2 * SIM_SEC, 0);
	ck_assert_int_eq(pi->ipport_stoprandom, 44);
	sim_run(sim, 46 * SIM_SEC, 0);
	ck_assert_int_eq(pi->ipport_stoprandom, 0);
	ck_assert(!consecutive_run(5));
}
END_TEST

START_TEST(test_port5_randomcps_allocations_do_not_throttle)
{
	boot(10000, 65535, 1, 0, 0);
	(void)consecutive_run(10);
	sim_run(sim, SIM_SEC, 0);
	ck_assert_int_eq(pi->ipport_stoprandom, 0);
	(void)consecutive_run(11);
	sim_run(sim, 2 * SIM_SEC, 0);
	ck_assert_int_eq(pi->ipport_stoprandom, 45);
}
END_TEST

START_TEST(test_port5_ipport_tick_rule)
{
	boot(10000, 65535, 1, 0, 0);
	pi->ipport_tcpallocs = 20;
	pi->ipport_tcplastcount = 10;
	ipport_tick(pi, 10, 45);	/* 10 in a second: not more */
	ck_assert_int_eq(pi->ipport_stoprandom, 0);
	ck_assert_int_eq(pi->ipport_tcplastcount, 20);
	pi->ipport_tcpallocs = 31;
	ipport_tick(pi, 10, 45);	/* 11: throttle */
	ck_assert_int_eq(pi->ipport_stoprandom, 45);
	ipport_tick(pi, 10, 45);
	ck_assert_int_eq(pi->ipport_stoprandom, 44);
}
END_TEST

START_TEST(test_port2_random_start_stays_in_range)
{
	uint16_t p;
	int i;

	boot(30000, 30009, 1, 0, 0);
	for (i = 0; i < 200; i++) {
		ck_assert_int_eq(in_pcb_lport(pi, CLIENT, &p), 0);
		ck_assert(p >= 30000 && p <= 30009);
	}
}
END_TEST

START_TEST(test_port6_fixed_port_shares_but_refuses_same_tuple)
{
	struct inpcb *a, *b;

	boot(10000, 65535, 1, 0, 0);
	ck_assert_int_eq(conn(CLIENT, 5000, SERVER, 80, &a), 0);
	ck_assert_int_eq(conn(CLIENT, 5000, SERVER, 80, NULL), EADDRINUSE);
	ck_assert_int_eq(conn(CLIENT, 5000, SERVER, 81, &b), 0);
	ck_assert_int_eq(in_pcb_ports_in_use(pi, CLIENT), 1);
	ck_assert_ptr_eq(in_pcblookup(pi, SERVER, 80, CLIENT, 5000, 0), a);
	ck_assert_ptr_eq(in_pcblookup(pi, SERVER, 81, CLIENT, 5000, 0), b);
	in_pcbfree(pi, a);
	ck_assert_int_eq(in_pcb_ports_in_use(pi, CLIENT), 1);
	in_pcbfree(pi, b);
	ck_assert_int_eq(in_pcb_ports_in_use(pi, CLIENT), 0);
}
END_TEST

START_TEST(test_port6_fixed_port_refused_by_time_wait_tuple)
{
	struct inpcb *inp;
	struct tcpcb *tp;

	boot(10000, 65535, 1, 0, 0);
	ck_assert_int_eq(conn(CLIENT, 5000, SERVER, 80, &inp), 0);
	tp = tcp_newtcpcb(cli, inp);
	tp->t_state = TCPS_TIME_WAIT;
	tcp_twstart(tp);
	ck_assert_int_eq(conn(CLIENT, 5000, SERVER, 80, NULL), EADDRINUSE);
}
END_TEST

START_TEST(test_lookup_exact_and_listener_wildcard)
{
	struct inpcb *any, *spec, *c;

	boot(10000, 65535, 1, 0, 0);
	pi = &srv->pcbinfo;
	any = in_pcballoc(pi);
	ck_assert_int_eq(in_pcbbind(pi, any, 0, 80), 0);
	spec = in_pcballoc(pi);
	/* Overlaps the wildcard listener on 80 (PORT-7). */
	ck_assert_int_eq(in_pcbbind(pi, spec, SERVER2, 80), EADDRINUSE);
	ck_assert_int_eq(in_pcbbind(pi, spec, SERVER2, 81), 0);
	ck_assert_ptr_eq(in_pcblookup(pi, CLIENT, 10000, SERVER, 80, 1), any);
	ck_assert_ptr_eq(in_pcblookup(pi, CLIENT, 10000, SERVER2, 80, 1),
	    any);
	ck_assert_ptr_eq(in_pcblookup(pi, CLIENT, 10000, SERVER2, 81, 1),
	    spec);
	ck_assert_ptr_null(in_pcblookup(pi, CLIENT, 10000, SERVER, 80, 0));
	ck_assert_ptr_null(in_pcblookup(pi, CLIENT, 10000, SERVER, 81, 1));
	/* An accepted connection is found exactly, before the listener. */
	c = in_pcballoc(pi);
	ck_assert_int_eq(in_pcbconnect(pi, c, SERVER, 80, CLIENT, 10000), 0);
	ck_assert_ptr_eq(in_pcblookup(pi, CLIENT, 10000, SERVER, 80, 1), c);
	ck_assert_ptr_eq(in_pcblookup(pi, CLIENT, 10001, SERVER, 80, 1), any);
	/* The wildcard listener holds the port on every address. */
	ck_assert_ptr_nonnull(in_pcblookup_local(pi, SERVER, 80));
	ck_assert_ptr_nonnull(in_pcblookup_local(pi, SERVER2, 80));
	ck_assert_ptr_null(in_pcblookup_local(pi, SERVER, 81));
	ck_assert_ptr_null(in_pcblookup_local(pi, SERVER, 82));
	in_pcbfree(pi, c);
	in_pcbfree(pi, any);
	in_pcbfree(pi, spec);
	pi = &cli->pcbinfo;
}
END_TEST

START_TEST(test_port7_listeners_do_not_overlap)
{
	struct inpcb *a, *b;

	boot(10000, 65535, 1, 0, 0);
	pi = &srv->pcbinfo;
	a = in_pcballoc(pi);
	ck_assert_int_eq(in_pcbbind(pi, a, SERVER, 80), 0);
	b = in_pcballoc(pi);
	ck_assert_int_eq(in_pcbbind(pi, b, SERVER, 80), EADDRINUSE);
	ck_assert_int_eq(in_pcbbind(pi, b, 0, 80), EADDRINUSE);
	ck_assert_int_eq(in_pcbbind(pi, b, SERVER2, 80), 0);
	in_pcbfree(pi, a);
	in_pcbfree(pi, b);
	pi = &cli->pcbinfo;
}
END_TEST

START_TEST(test_pcbs_come_from_a_free_list)
{
	struct inpcb *inp[300];
	uint32_t slabs = 0;
	int i, round;

	boot(10000, 65535, 1, 0, 0);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 300; i++)
			ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &inp[i]),
			    0);
		if (round == 0)
			slabs = pi->ipi_nslabs;
		/* No new slab once the working set is there. */
		ck_assert_uint_eq(pi->ipi_nslabs, slabs);
		for (i = 0; i < 300; i++)
			in_pcbfree(pi, inp[i]);
		ck_assert_int_eq(pi->ipi_count, 0);
	}
	ck_assert_int_eq(pi->ipi_nfree, 2 * INPCB_SLAB);
}
END_TEST

/*
 * The port hash starts small and doubles with the population (load factor
 * at most 1) up to the size maxsockets asks for; the 4-tuple table doubles
 * while more than 3/4 full.  Every pcb is still found, in the right
 * bucket and reachable from its home slot, after each resize, and a
 * wildcard listener bound after the growth still holds its port on every
 * address.
 */
START_TEST(test_hash_grows_with_population_up_to_maxsockets)
{
	struct inpcb *inp[3000], *any;
	size_t maxb, startb;
	char err[256];
	int i;

	boot(10000, 65535, 1, 0, 0);
	maxb = pi->ipi_porthashmax;
	startb = pi->ipi_porthashmask + 1;
	/* maxsockets 25600 rounds up to 32768 buckets, but not at first. */
	ck_assert_uint_eq(maxb, 32768);
	ck_assert_uint_lt(startb, 3000);
	ck_assert_uint_lt(pi->ipi_tuplemask + 1, 3000);
	for (i = 0; i < 3000; i++) {
		ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &inp[i]), 0);
		ck_assert_uint_ge(pi->ipi_porthashmask + 1, (size_t)i + 1);
		ck_assert_uint_le(pi->ipi_porthashmask + 1, maxb);
		ck_assert_uint_le(4 * ((size_t)i + 1),
		    3 * (pi->ipi_tuplemask + 1));
	}
	ck_assert_uint_eq(pi->ipi_porthashmask + 1, 4096);
	ck_assert_uint_eq(pi->ipi_tuplemask + 1, 4096);
	ck_assert_msg(in_pcb_check(pi, err, sizeof(err)) == 0, "%s", err);
	for (i = 0; i < 3000; i++) {
		ck_assert_ptr_eq(in_pcblookup(pi, SERVER, 80, CLIENT,
		    inp[i]->inp_lport, 0), inp[i]);
		ck_assert_ptr_nonnull(in_pcblookup_local(pi, CLIENT,
		    inp[i]->inp_lport));
	}
	ck_assert_int_eq(in_pcb_ports_in_use(pi, CLIENT), 3000);
	/* A listener on the wildcard address: seen on CLIENT2 too. */
	ck_assert_ptr_null(in_pcblookup_local(pi, CLIENT2, 7));
	any = in_pcballoc(pi);
	ck_assert_int_eq(in_pcbbind(pi, any, 0, 7), 0);
	ck_assert_ptr_eq(in_pcblookup_local(pi, CLIENT2, 7), any);
	in_pcbfree(pi, any);
	ck_assert_ptr_null(in_pcblookup_local(pi, CLIENT2, 7));
	for (i = 0; i < 3000; i++)
		in_pcbfree(pi, inp[i]);
	ck_assert_int_eq(in_pcb_ports_in_use(pi, CLIENT), 0);
	ck_assert_msg(in_pcb_check(pi, err, sizeof(err)) == 0, "%s", err);
}
END_TEST

/*
 * A rehash links only hashed pcbs, whatever the memory of the pcbs never
 * allocated yet held: with glibc's M_PERTURB, fresh malloc memory is
 * filled with a pattern that has INP_INHASH set.
 */
START_TEST(test_hash_rehash_ignores_never_used_pcbs)
{
	struct inpcb *inp[600];
	char err[256];
	int i;

#ifdef M_PERTURB
	/* 0 under ASan and valgrind, whose allocators fill memory their way. */
	(void)mallopt(M_PERTURB, 0x55);
#endif
	boot(10000, 65535, 1, 0, 0);
	for (i = 0; i < 600; i++)
		ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &inp[i]), 0);
	ck_assert_uint_eq(pi->ipi_porthashmask + 1, 1024);
	ck_assert_msg(in_pcb_check(pi, err, sizeof(err)) == 0, "%s", err);
	for (i = 0; i < 600; i++)
		ck_assert_ptr_eq(in_pcblookup(pi, SERVER, 80, CLIENT,
		    inp[i]->inp_lport, 0), inp[i]);
	for (i = 0; i < 600; i++)
		in_pcbfree(pi, inp[i]);
#ifdef M_PERTURB
	(void)mallopt(M_PERTURB, 0);
#endif
}
END_TEST

/* Random churn between 24 and 45 live pcbs: whether to add one now. */
static int
churn_grows(int n)
{

	return (n < 24 || (n < 45 && random() % 2 == 0));
}

/* A new connection of the churn, to one of three servers. */
static struct inpcb *
churn_conn(void)
{
	struct inpcb *inp;

	ck_assert_int_eq(conn(CLIENT, 0, SERVER + (uint32_t)(random() % 3),
	    80, &inp), 0);
	return (inp);
}

/*
 * The 4-tuple table under churn: pcbs come and go at random, ~45 live in
 * a table of 64 slots, so clusters form, wrap around the end and lose
 * members from their middle.  After every step the invariants hold (each
 * word reachable from its home, none hashed twice), every live pcb is
 * found and every freed 4-tuple is not: a removal that shifted the wrong
 * word back, or none, leaves one cut off from its home.
 */
START_TEST(test_tuple_table_survives_random_churn)
{
	struct inpcb *live[48];
	uint16_t gone_port;
	uint32_t gone_faddr;
	char err[256];
	int n = 0, step, k;

	boot(10000, 65535, 1, 0, 0);
	srandom(7);
	for (step = 0; step < 4000; step++) {
		if (churn_grows(n)) {
			live[n++] = churn_conn();
		} else {
			k = (int)(random() % n);
			gone_port = live[k]->inp_lport;
			gone_faddr = live[k]->inp_faddr;
			in_pcbfree(pi, live[k]);
			live[k] = live[--n];
			ck_assert_ptr_null(in_pcblookup(pi, gone_faddr, 80,
			    CLIENT, gone_port, 0));
		}
		ck_assert_uint_eq(pi->ipi_tuplemask + 1, 64);
		ck_assert_msg(in_pcb_check(pi, err, sizeof(err)) == 0,
		    "step %d: %s", step, err);
		for (k = 0; k < n; k++)
			ck_assert_ptr_eq(in_pcblookup(pi, live[k]->inp_faddr,
			    80, CLIENT, live[k]->inp_lport, 0), live[k]);
	}
	while (n > 0)
		in_pcbfree(pi, live[--n]);
}
END_TEST

/*
 * in_pcblookup_hint, the shortcut tcp_input takes with a segment's
 * dst_pcb: through random churn, with hints of live pcbs, of freed ones
 * (their slots reused by other 4-tuples) and made-up ones, it returns
 * either NULL or exactly what in_pcblookup returns, and never NULL for a
 * live pcb's own hint and 4-tuple.
 */
START_TEST(test_lookup_hint_is_the_lookup_or_nothing)
{
	struct inpcb *live[48], *want, *got;
	uint32_t hints[256], faddr, hint;
	uint16_t fport, lport;
	int n = 0, nh = 0, step, k, hits = 0, misses = 0;

	boot(10000, 65535, 1, 0, 0);
	srandom(11);
	for (step = 0; step < 4000; step++) {
		if (churn_grows(n)) {
			live[n] = churn_conn();
			hints[nh++ % 256] = live[n]->inp_index + 1;
			n++;
		} else {
			k = (int)(random() % n);
			hint = live[k]->inp_index + 1;
			faddr = live[k]->inp_faddr;
			lport = live[k]->inp_lport;
			if (random() % 2) {
				/* Dropped: out of the table, 4-tuple kept. */
				in_pcbdrop(pi, live[k]);
				ck_assert_ptr_null(in_pcblookup_hint(pi, hint,
				    faddr, 80, CLIENT, lport));
			}
			in_pcbfree(pi, live[k]);
			live[k] = live[--n];
			/* Freed: its own hint no longer finds its 4-tuple. */
			ck_assert_ptr_null(in_pcblookup_hint(pi, hint, faddr,
			    80, CLIENT, lport));
		}
		for (k = 0; k < n; k++)
			ck_assert_ptr_eq(in_pcblookup_hint(pi,
			    live[k]->inp_index + 1, live[k]->inp_faddr, 80,
			    CLIENT, live[k]->inp_lport), live[k]);
		for (k = 0; k < 8; k++) {
			hint = random() % 4 == 0 ? (uint32_t)random() % 1000 :
			    hints[(uint32_t)random() % (nh < 256 ? nh : 256)];
			want = live[random() % n];
			faddr = want->inp_faddr;
			fport = 80;
			lport = want->inp_lport;
			if (random() % 2)
				lport = (uint16_t)(10000 + random() % 100);
			got = in_pcblookup_hint(pi, hint, faddr, fport,
			    CLIENT, lport);
			if (got == NULL) {
				misses++;
				continue;
			}
			hits++;
			ck_assert_ptr_eq(got, in_pcblookup(pi, faddr, fport,
			    CLIENT, lport, 1));
		}
	}
	ck_assert_ptr_null(in_pcblookup_hint(pi, 0, live[0]->inp_faddr, 80,
	    CLIENT, live[0]->inp_lport));
	ck_assert_ptr_null(in_pcblookup_hint(pi, UINT32_MAX,
	    live[0]->inp_faddr, 80, CLIENT, live[0]->inp_lport));
	ck_assert_int_gt(hits, 100);
	ck_assert_int_gt(misses, 100);
	while (n > 0)
		in_pcbfree(pi, live[--n]);
}
END_TEST

static void
free_every_other(struct inpcb *inp, void *arg)
{
	int *seen = arg;

	if ((*seen)++ % 2 == 0)
		in_pcbfree(pi, inp);
}

/*
 * in_pcb_foreach visits every hashed pcb once even when the callback
 * frees the pcb it is handed (as teardown does), which in a table
 * whose removals shift slots would skip some and repeat others.
 */
START_TEST(test_foreach_visits_each_pcb_once_while_freeing)
{
	struct inpcb *inp;
	char err[256];
	int i, seen = 0;

	boot(10000, 65535, 1, 0, 0);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &inp), 0);
	in_pcb_foreach(pi, free_every_other, &seen);
	ck_assert_int_eq(seen, 1000);
	ck_assert_uint_eq(pi->ipi_count, 500);
	ck_assert_msg(in_pcb_check(pi, err, sizeof(err)) == 0, "%s", err);
	seen = 0;
	in_pcb_foreach(pi, free_every_other, &seen);
	ck_assert_int_eq(seen, 500);
	ck_assert_uint_eq(pi->ipi_count, 250);
}
END_TEST

/*
 * The port hash never grows past the size asked for (16 buckets here);
 * the 4-tuple table grows past it, as it must to hold every pcb.
 */
START_TEST(test_hash_stops_growing_at_its_maximum)
{
	struct inpcbinfo small;
	struct inpcb *inp[100];
	uint16_t port;
	char err[256];
	int i;

	boot(10000, 65535, 1, 0, 0);
	ck_assert_int_eq(in_pcbinfo_init(&small, cli, sim_rng(sim, "t"), 10),
	    0);
	ck_assert_int_eq(in_pcbinfo_add_addr(&small, CLIENT), 0);
	ck_assert_uint_eq(small.ipi_porthashmax, 16);
	for (i = 0; i < 100; i++) {
		inp[i] = in_pcballoc(&small);
		ck_assert_int_eq(in_pcbconnect(&small, inp[i], CLIENT, 0,
		    SERVER, 80), 0);
	}
	ck_assert_uint_eq(small.ipi_porthashmask + 1, 16);
	ck_assert_uint_eq(small.ipi_tuplemask + 1, 256);
	ck_assert_msg(in_pcb_check(&small, err, sizeof(err)) == 0, "%s", err);
	for (i = 0; i < 100; i++) {
		port = inp[i]->inp_lport;
		ck_assert_ptr_eq(in_pcblookup(&small, SERVER, 80, CLIENT, port,
		    0), inp[i]);
	}
	for (i = 0; i < 100; i++)
		in_pcbfree(&small, inp[i]);
	in_pcbinfo_destroy(&small);
}
END_TEST

/* ---- the fast port search against the kernel's one-by-one probe ------- */

/*
 * The reference: FreeBSD 9 in_pcb_lport as the model ran it before the
 * port maps, one in_pcblookup_local() per candidate (PORT-1..PORT-5).
 * in_pcb_lport() must agree with it on every port, error, cursor position
 * and random draw.
 */
static int
ref_in_pcb_lport(struct inpcbinfo *p, uint32_t laddr, uint16_t *lportp)
{
	const struct host_tunables *t = &p->ipi_host->tun;
	int first, last, aux, count, dorandom;

	first = t->portrange_first;
	last = t->portrange_last;
	if (first > last) {
		aux = first;
		first = last;
		last = aux;
	}
	dorandom = t->randomized && p->ipport_stoprandom == 0;
	if (first == last)
		dorandom = 0;
	p->ipport_tcpallocs++;
	if (dorandom)
		p->ipport_lastport = first +
		    (int)rng_uniform_int(p->ipi_rng, (uint32_t)(last - first));
	count = last - first;
	do {
		if (count-- < 0)
			return (EADDRNOTAVAIL);
		++p->ipport_lastport;
		if (p->ipport_lastport < first || p->ipport_lastport > last)
			p->ipport_lastport = first;
	} while (in_pcblookup_local(p, laddr,
	    (uint16_t)p->ipport_lastport) != NULL);
	*lportp = (uint16_t)p->ipport_lastport;
	return (0);
}

/* One world of the lockstep pair: a client with two addresses. */
struct twin {
	struct sim	*sim;
	struct net	*net;
	struct host	*cli;
	struct inpcb	*live[512];	/* index-matched between the twins */
	int		 nlive;
};

static void
twin_boot(struct twin *w)
{
	memset(w, 0, sizeof(*w));
	fx_world_create(29, &w->sim, &w->net);
	w->cli = fx_host(w->net, "client", NULL, CLIENT);
	fx_addr(w->net, w->cli, CLIENT2);
}

/* Connect with an ephemeral port, by the fast search or the reference. */
static int
twin_connect(struct twin *w, int ref, uint32_t laddr, uint16_t fport,
    uint16_t *lportp)
{
	struct inpcbinfo *p = &w->cli->pcbinfo;
	struct inpcb *inp;
	uint16_t lport = 0;
	int error;

	inp = in_pcballoc(p);
	ck_assert_ptr_nonnull(inp);
	if (ref && (error = ref_in_pcb_lport(p, laddr, &lport)) != 0) {
		in_pcbfree(p, inp);
		return (error);
	}
	/* The reference's port goes in fixed: in_pcbconnect skips lport(). */
	error = in_pcbconnect(p, inp, laddr, lport, SERVER, fport);
	if (error != 0) {
		in_pcbfree(p, inp);
		return (error);
	}
	*lportp = inp->inp_lport;
	w->live[w->nlive++] = inp;
	return (0);
}

/* Connect from a fixed local port (PORT-6). */
static int
twin_fixed(struct twin *w, uint32_t laddr, uint16_t lport, uint16_t fport)
{
	struct inpcbinfo *p = &w->cli->pcbinfo;
	struct inpcb *inp;
	int error;

	if (w->nlive >= 500)
		return (0);
	inp = in_pcballoc(p);
	ck_assert_ptr_nonnull(inp);
	if ((error = in_pcbconnect(p, inp, laddr, lport, SERVER,
	    fport)) != 0) {
		in_pcbfree(p, inp);
		return (error);
	}
	w->live[w->nlive++] = inp;
	return (0);
}

/* Bind a listener (wildcard or on laddr) to a fixed port. */
static int
twin_listen(struct twin *w, uint32_t laddr, uint16_t port)
{
	struct inpcbinfo *p = &w->cli->pcbinfo;
	struct inpcb *inp;
	int error;

	inp = in_pcballoc(p);
	ck_assert_ptr_nonnull(inp);
	if ((error = in_pcbbind(p, inp, laddr, port)) != 0) {
		in_pcbfree(p, inp);
		return (error);
	}
	w->live[w->nlive++] = inp;
	return (0);
}

static void
twin_free(struct twin *w, int i)
{
	in_pcbfree(&w->cli->pcbinfo, w->live[i]);
	w->live[i] = w->live[--w->nlive];
}

/* The test's own generator (xorshift64*), apart from the model's streams. */
static uint32_t
pick(uint64_t *x, uint32_t n)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return ((uint32_t)((*x * 0x2545f4914f6cdd1dull) >> 32) % n);
}

/*
 * PORT-1..PORT-5, PORT-8: on randomized workloads -- ephemeral connects on
 * two addresses, frees, fixed-port connects, wildcard and per-address
 * listeners in the range, range changes (reversed, one port, moved),
 * randomization switched and throttled -- the fast search and the
 * reference choose the same port or fail alike, leave the cursor and the
 * throttle count alike, and draw the same random numbers.  The range is
 * small and the population kept near it, so exhaustion is frequent.
 */
START_TEST(test_port4_fast_search_matches_linear_probe)
{
	static const int ranges[][2] = {
		{ 20000, 20099 }, { 20099, 20000 }, { 20050, 20050 },
		{ 20040, 20169 }, { 20000, 20001 }, { 19990, 20063 },
	};
	struct twin fast, ref;
	uint64_t x;
	uint32_t laddr;
	uint16_t pf, pr, port;
	int step, op, r, ef, er, i, nfail, nok;
	char err[256];

	x = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	twin_boot(&fast);
	twin_boot(&ref);
	nfail = nok = 0;
	for (step = 0; step < 20000; step++) {
		op = (int)pick(&x, 100);
		laddr = pick(&x, 4) == 0 ? CLIENT2 : CLIENT;
		if (op < 55) {
			port = (uint16_t)(80 + pick(&x, 3));
			ef = twin_connect(&fast, 0, laddr, port, &pf);
			er = twin_connect(&ref, 1, laddr, port, &pr);
			ck_assert_int_eq(ef, er);
			if (ef == 0) {
				ck_assert_int_eq(pf, pr);
				nok++;
			} else
				nfail++;
		} else if (op < 90) {
			if (fast.nlive > 0) {
				i = (int)pick(&x, (uint32_t)fast.nlive);
				twin_free(&fast, i);
				twin_free(&ref, i);
			}
		} else if (op < 92) {
			/* PORT-6: a fixed port, shared with other peers. */
			port = (uint16_t)(19990 + pick(&x, 190));
			r = (int)(80 + pick(&x, 4));
			ef = twin_fixed(&fast, laddr, port, (uint16_t)r);
			ck_assert_int_eq(twin_fixed(&ref, laddr, port,
			    (uint16_t)r), ef);
		} else if (op < 94) {
			/* Listeners, the wildcard ones busy on every address. */
			if (fast.nlive < 500) {
				port = (uint16_t)(19985 + pick(&x, 200));
				if (pick(&x, 2))
					laddr = INADDR_ANY_HOST;
				ef = twin_listen(&fast, laddr, port);
				ck_assert_int_eq(twin_listen(&ref, laddr, port),
				    ef);
			}
		} else if (op < 96) {
			r = (int)pick(&x, sizeof(ranges) / sizeof(ranges[0]));
			fast.cli->tun.portrange_first = ranges[r][0];
			fast.cli->tun.portrange_last = ranges[r][1];
			ref.cli->tun.portrange_first = ranges[r][0];
			ref.cli->tun.portrange_last = ranges[r][1];
		} else if (op < 98) {
			fast.cli->tun.randomized = !fast.cli->tun.randomized;
			ref.cli->tun.randomized = fast.cli->tun.randomized;
		} else {
			ipport_tick(&fast.cli->pcbinfo, 10, 3);
			ipport_tick(&ref.cli->pcbinfo, 10, 3);
		}
		/* Past 500 live pcbs, frees only. */
		if (fast.nlive >= 500)
			while (fast.nlive > 300) {
				i = (int)pick(&x, (uint32_t)fast.nlive);
				twin_free(&fast, i);
				twin_free(&ref, i);
			}
		ck_assert_int_eq(fast.cli->pcbinfo.ipport_lastport,
		    ref.cli->pcbinfo.ipport_lastport);
		ck_assert_uint_eq(fast.cli->pcbinfo.ipport_tcpallocs,
		    ref.cli->pcbinfo.ipport_tcpallocs);
		ck_assert_int_eq(fast.cli->pcbinfo.ipport_stoprandom,
		    ref.cli->pcbinfo.ipport_stoprandom);
		if (step % 100 == 0)
			ck_assert_msg(in_pcb_check(&fast.cli->pcbinfo, err,
			    sizeof(err)) == 0, "%s", err);
	}
	/* The same number of draws: the streams are still in step. */
	ck_assert_uint_eq(rng_uniform_int(fast.cli->pcbinfo.ipi_rng, 1u << 30),
	    rng_uniform_int(ref.cli->pcbinfo.ipi_rng, 1u << 30));
	/* Both outcomes were exercised, many times. */
	ck_assert_int_gt(nok, 1000);
	ck_assert_int_gt(nfail, 1000);
	fx_host_check(fast.cli);
	fx_host_check(ref.cli);
	while (fast.nlive > 0) {
		twin_free(&fast, 0);
		twin_free(&ref, 0);
	}
	fx_world_destroy(&fast.sim, &fast.net);
	fx_world_destroy(&ref.sim, &ref.net);
}
END_TEST

/*
 * A connect on a full range fails at once (the busy count), whatever the
 * range's size: EADDRNOTAVAIL, the throttle counted, one random draw, and
 * the cursor where the kernel's full lap leaves it (on the port before the
 * first candidate).
 */
START_TEST(test_port4_full_range_fails_after_one_lap)
{
	struct inpcb *inp;
	uint16_t port;
	int i;

	boot(10000, 10999, 0, 0, 0);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), 0);
	ck_assert_int_eq(pi->ipport_lastport, 10999);
	/* Sequential: the lap starts at 10000 and ends on 10999. */
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), EADDRNOTAVAIL);
	ck_assert_int_eq(pi->ipport_lastport, 10999);
	ck_assert_int_eq(pi->ipport_tcpallocs, 1001);
	/* A cursor left outside a moved range: the lap starts at first. */
	cli->tun.portrange_first = 10500;
	cli->tun.portrange_last = 10599;
	pi->ipport_lastport = 20000;
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, NULL), EADDRNOTAVAIL);
	ck_assert_int_eq(pi->ipport_lastport, 10599);
	/* Free one port: the next search finds exactly it. */
	inp = in_pcblookup(pi, SERVER, 80, CLIENT, 10550, 0);
	ck_assert_ptr_nonnull(inp);
	in_pcbfree(pi, inp);
	ck_assert_int_eq(conn(CLIENT, 0, SERVER, 80, &inp), 0);
	ck_assert_int_eq(inp->inp_lport, 10550);
	/* The other address is untouched by all of this. */
	port = 0;
	ck_assert_int_eq(in_pcb_lport(pi, CLIENT2, &port), 0);
	ck_assert_int_eq(port, 10551);
}
END_TEST

/* in_pcbbind_setup: an address the host does not own cannot be bound. */
START_TEST(test_port3_foreign_address_is_refused)
{
	uint16_t port = 0;

	boot(10000, 65535, 1, 0, 0);
	ck_assert_int_eq(in_pcb_lport(pi, SERVER, &port), EADDRNOTAVAIL);
	ck_assert_int_eq(pi->ipport_tcpallocs, 0);
}
END_TEST

static Suite *
in_pcb_suite(void)
{
	Suite *s = suite_create("in_pcb");
	TCase *tc = tcase_create("ports");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_port4_range_of_one);
	tcase_add_test(tc, test_port4_range_of_two);
	tcase_add_test(tc, test_port4_range_of_100_exhausts);
	tcase_add_test(tc, test_port1_reversed_range);
	tcase_add_test(tc, test_port3_port_busy_whatever_the_destination);
	tcase_add_test(tc, test_port3_time_wait_holds_port_until_expiry);
	tcase_add_test(tc, test_port3_recycle_releases_port);
	tcase_add_test(tc, test_port3_addresses_are_independent);
	tcase_add_test(tc, test_port2_sequential_when_not_randomized);
	tcase_add_test(tc, test_port2_random_start_stays_in_range);
	tcase_add_test(tc, test_port5_throttle_suspends_randomization);
	tcase_add_test(tc, test_port5_randomcps_allocations_do_not_throttle);
	tcase_add_test(tc, test_port5_ipport_tick_rule);
	tcase_add_test(tc, test_port6_fixed_port_shares_but_refuses_same_tuple);
	tcase_add_test(tc, test_port6_fixed_port_refused_by_time_wait_tuple);
	tcase_add_test(tc, test_port7_listeners_do_not_overlap);
	tcase_add_test(tc, test_lookup_exact_and_listener_wildcard);
	tcase_add_test(tc, test_pcbs_come_from_a_free_list);
	tcase_add_test(tc, test_hash_grows_with_population_up_to_maxsockets);
	tcase_add_test(tc, test_hash_stops_growing_at_its_maximum);
	tcase_add_test(tc, test_tuple_table_survives_random_churn);
	tcase_add_test(tc, test_lookup_hint_is_the_lookup_or_nothing);
	tcase_add_test(tc, test_foreach_visits_each_pcb_once_while_freeing);
	tcase_add_test(tc, test_hash_rehash_ignores_never_used_pcbs);
	tcase_add_test(tc, test_port4_full_range_fails_after_one_lap);
	tcase_add_test(tc, test_port3_foreign_address_is_refused);
	/* Three workloads: three seeds of the test's own generator. */
	tcase_add_loop_test(tc, test_port4_fast_search_matches_linear_probe,
	    0, 3);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(in_pcb_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
