/*
 * inet_timewait_sock.c -- the Linux stack's TIME_WAIT timer: each entry has
 * its own timer on the kernel's timer wheel, which fires late by up to
 * the granularity of the wheel level the timeout falls on.  The twin of
 * Linux 6.18 net/ipv4/inet_timewait_sock.c (__inet_twsk_schedule,
 * inet_twsk_kill, inet_twsk_deschedule_put, inet_twsk_purge) and of the
 * wheel arithmetic of kernel/time/timer.c (calc_wheel_index, calc_index).
 * Rule IDs LNX-11 and LNX-12 are in docs/RULES.md.
 *
 * Entries are the engine's struct tcptw from the host's zone (tcp_timewait.c
 * allocates and frees them and keeps them on its queue for the invariants);
 * the FreeBSD 2MSL scan never runs on a Linux host.
 */
#include "config.h"

#include <assert.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/linux.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"

/* kernel/time/timer.c: 64 buckets a level, each level 8 times coarser. */
#define LVL_CLK_SHIFT	3
#define LVL_BITS	6
#define LVL_SIZE	(1 << LVL_BITS)
#define LVL_SHIFT(n)	((n) * LVL_CLK_SHIFT)
#define LVL_START(n)	((int64_t)(LVL_SIZE - 1) << (((n) - 1) * LVL_CLK_SHIFT))
#define LVL_DEPTH	9	/* HZ > 100 */
#define WHEEL_TIMEOUT_CUTOFF	LVL_START(LVL_DEPTH)
#define WHEEL_TIMEOUT_MAX	(WHEEL_TIMEOUT_CUTOFF - (1 << LVL_SHIFT(LVL_DEPTH - 1)))

/*
 * LNX-12: when a timer armed now for timeo really fires.  jiffies is
 * floor(now x hz) (the wheel's clock, base->clk, keeps up with it); the
 * timeout picks the level, and the expiry is rounded up to the level's
 * granularity, never down (calc_index: "the timer wheel has to guarantee
 * that a timer does not fire early").
 */
/* The level a timeout of delta jiffies sits on (calc_wheel_index). */
static int
timer_wheel_level(int64_t delta)
{
	int lvl;

	if (delta >= WHEEL_TIMEOUT_CUTOFF)
		return (LVL_DEPTH - 1);
	for (lvl = 0; lvl < LVL_DEPTH - 1 && delta >= LVL_START(lvl + 1);
	    lvl++)
		;
	return (lvl);
}

/* Timeouts are whole jiffies (msecs_to_jiffies rounds up). */
static int64_t
timer_wheel_jiffies(sim_time_t timeo, int hz)
{

	return ((timeo + SIM_SEC / hz - 1) / (SIM_SEC / hz));
}

sim_time_t
timer_wheel_expiry(sim_time_t now, sim_time_t timeo, int hz)
{
	int64_t clk, delta, expires;
	int lvl;

	clk = sim_time_to_ticks(now, hz);
	delta = timer_wheel_jiffies(timeo, hz);
	expires = clk + delta;
	if (delta >= WHEEL_TIMEOUT_CUTOFF)
		expires = clk + WHEEL_TIMEOUT_MAX;
	lvl = timer_wheel_level(delta);
	expires = ((expires >> LVL_SHIFT(lvl)) + 1) << LVL_SHIFT(lvl);
	return (sim_time_from_ticks(expires, hz));
}

sim_time_t
timer_wheel_granularity(sim_time_t timeo, int hz)
{

	return (sim_time_from_ticks((int64_t)1 << LVL_SHIFT(
	    timer_wheel_level(timer_wheel_jiffies(timeo, hz))), hz));
}

/*
 * LNX-11/LNX-12: (re)arm the entry's timer timeo from now, on the wheel.
 * A re-arm (mod_timer_pending) replaces the pending expiry.
 */
sim_time_t
inet_twsk_schedule(struct tcptw *tw, sim_time_t timeo)
{
	struct host *h = in_pcb_host(tw->tw_inpcb);
	sim_time_t when;

	when = timer_wheel_expiry(sim_now(h->sim), timeo, h->tun.hz);
	tw->tw_time = tw_ticks32(sim_time_to_ticks(when, h->tun.hz));
	/* At expiry inet_twsk_kill ends TIME_WAIT (LNX-11). */
	tcptw_timer_arm(tw, when, tcptw_timer_expired);
	return (when);
}

/* End the entry now (a takeover, a RST, a SYN): timer off, pcb freed. */
void
inet_twsk_deschedule_put(struct tcptw *tw)
{

	tcptw_timer_close(tw);
}

/* Host teardown: every entry, timers first. */
void
inet_twsk_purge(struct host *h)
{
	struct tcptw *tw;

	while ((tw = TAILQ_FIRST(&h->twzone.twq_2msl)) != NULL)
		inet_twsk_deschedule_put(tw);
	tcp_tw_destroy(h);
}
