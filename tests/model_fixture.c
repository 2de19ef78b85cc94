/*
 * model_fixture.c -- test support shared by the model suites: see
 * model_fixture.h.
 *
 * Nothing here reaches into tcp_input.c, so the suites that replace
 * tcp_input() with a double (TW_TEST_LDADD in Makefile.am) and those that
 * run the real state machine link the same object.
 */
#include "config.h"

#include <check.h>
#include <stddef.h>

#include "models/host.h"
#include "models/net.h"
#include "models/tcp_var.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

/* ---- a simulator and its network ---------------------------------------- */

void
fx_world_create(uint64_t seed, struct sim **simp, struct net **netp)
{

	*simp = sim_create(seed);
	ck_assert_ptr_nonnull(*simp);
	*netp = net_create(*simp);
	ck_assert_ptr_nonnull(*netp);
}

void
fx_world_destroy(struct sim **simp, struct net **netp)
{

	net_destroy(*netp);
	sim_destroy(*simp);
	*netp = NULL;
	*simp = NULL;
}

struct host *
fx_host(struct net *net, const char *name, const struct host_tunables *boot,
    uint32_t addr)
{
	struct host *h;
	char err[256];

	h = net_add_host(net, name, boot, err, sizeof(err));
	ck_assert_msg(h != NULL, "%s", err);
	if (addr != 0)
		fx_addr(net, h, addr);
	return (h);
}

struct tcpcb *
fx_lone_tcpcb(struct sim **simp, struct net **netp, struct host **hp)
{
	struct tcpcb *tp;

	fx_world_create(1, simp, netp);
	*hp = fx_host(*netp, "h", NULL, FX_ADDR(10, 0, 0, 1));
	tp = tcp_newtcpcb(*hp, NULL);
	ck_assert_ptr_nonnull(tp);
	return (tp);
}

void
fx_addr(struct net *net, struct host *h, uint32_t addr)
{
	char err[256];

	ck_assert_msg(net_add_addr(net, h, addr, err, sizeof(err)) == 0, "%s",
	    err);
}

void
fx_host_check(const struct host *h)
{
	char err[512];

	if (h != NULL)
		ck_assert_msg(host_check(h, err, sizeof(err)) == 0, "%s",
		    err);
}

/* ---- what a recording tcp_input() double saw ---------------------------- */

/* The recorder (model_fixture.h: tcp_input() takes no context). */
static struct fx_arrival rec[FX_MAXREC];
static int nrec;

void
fx_rec_reset(void)
{

	nrec = 0;
}

void
fx_record(struct host *h, const struct tcp_segment *seg)
{

	if (nrec < FX_MAXREC) {
		rec[nrec].h = h;
		rec[nrec].t = sim_now(h->sim);
		rec[nrec].seg = *seg;
	}
	nrec++;
}

int
fx_nrec(void)
{

	return (nrec);
}

const struct fx_arrival *
fx_rec(int i)
{

	ck_assert_int_ge(i, 0);
	ck_assert_int_lt(i, FX_MAXREC);
	return (&rec[i]);
}

void
fx_run_for(struct sim *sim, sim_time_t d)
{

	(void)sim_run(sim, sim_now(sim) + d, 0);
}
