/*
 * check_validation.c -- known-answer validation of the whole simulator.
 *
 * Each test runs a small scenario of tests/scenarios/validation/ through
 * the REAL `twsim run` ($TWSIM, else the build tree's binary), reads the
 * database back with SQLite and compares what the simulator measured with
 * what arithmetic or the kernel's rules predict, with a stated tolerance:
 *
 *   Little's law        mean TIME_WAIT = rate x (2 MSL + 0.25 s), 3%
 *   port exhaustion     EADDRNOTAVAIL above P / lifetime, not below; the
 *                       first failure at P / rate; saturated rate P /
 *                       lifetime within 5%
 *   auto cap (TW-1,2,7) cap = min(max(range / 2, 32), maxsockets / 5)
 *                       exactly; never exceeded; full zone recycles; the
 *                       zone's books balance in every sample
 *   nolocaltimewait     (TW-6) no entry for local peers, entries for others
 *   retransmitted FIN   (TW-18) re-arms 2 MSL: the entry outlives 2 MSL +
 *                       one slow-timer period (model level: the only way to
 *                       lose exactly the last ACK is a delivery hook)
 *   SYN in TIME_WAIT    (TW-16/17) reopens at once above rcv_nxt; below it
 *                       is dropped and the connect takes seconds
 *   sysctl at run time  (TW-4) a raise lets TIME_WAIT grow from then on; a
 *                       write below 32 changes nothing
 *   old duplicates      (TW-7, RFC 1337) early recycling lets late copies
 *                       of an old incarnation in (hazards); full TIME_WAIT
 *                       does not
 *   one-way loss        (TCP-7) 9 SYNs and a timeout at keepinit when
 *                       only the reverse path loses
 *   port randomization  (PORT-2, PORT-5) random ports, sequential while
 *                       the allocation rate exceeds randomcps and
 *                       randomtime seconds after, random again
 */
#include "config.h"

#include <sys/types.h>

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "analysis/report.h"
#include "analysis/results.h"
#include "models/host.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "sim/sim.h"
#include "tests/e2e.h"

/* ---- running twsim and reading its database ----------------------------- */

static void
setup(void)
{
	e2e_tmpdir_create("check_validation");
}

static void
teardown(void)
{
	e2e_tmpdir_remove();
}

/*
 * twsim run tests/scenarios/validation/NAME.ini -o DB --quiet [--set
 * KV]... (NULL-terminated overrides); asserts exit 0; returns the open
 * database.
 */
static sqlite3 *
run_scenario(const char *name, ...)
{
	const char *args[40];
	char ini[128];
	const char *kv;
	sqlite3 *db = NULL;
	va_list ap;
	int n = 0, rc;

	snprintf(ini, sizeof(ini), "tests/scenarios/validation/%s.ini", name);
	args[n++] = "run";
	args[n++] = e2e_srcpath(ini);
	args[n++] = "-o";
	args[n++] = e2e_path("r.db");
	args[n++] = "--quiet";
	va_start(ap, name);
	while ((kv = va_arg(ap, const char *)) != NULL && n < 35) {
		args[n++] = "--set";
		args[n++] = kv;
	}
	va_end(ap);
	args[n] = NULL;

	rc = e2e_wait(e2e_spawn(args));
	if (rc != 0)
		e2e_show_log();
	ck_assert_msg(rc == 0, "twsim run %s: exit %d", name, rc);
	ck_assert_int_eq(sqlite3_open_v2(e2e_path("r.db"), &db,
	    SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return db;
}

/* run_id of the run whose parameter `key` has value `value`. */
static int64_t
run_with(sqlite3 *db, const char *key, const char *value)
{
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM params WHERE key "
	    "= %Q AND value = %Q", key, value), 1);
	return e2e_q_int(db, "SELECT run_id FROM params WHERE key = %Q AND "
	    "value = %Q", key, value);
}

/* Fails unless |got - want| <= tol * want. */
#define ck_assert_rel(got, want, tol, what) do {			\
	double g_ = (got), w_ = (want);					\
	ck_assert_msg(fabs(g_ - w_) <= (tol) * fabs(w_),		\
	    "%s: %g, expected %g within %g%%", (what), g_, w_,		\
	    100.0 * (tol));						\
} while (0)

/* ---- Little's law ----------------------------------------------------------- */

/*
 * L = lambda W for the TIME_WAIT zone: 100/s x (2 x 5 s + 0.25 s) = 1025.
 * Steady state begins once the first entries expire (2 MSL + the timer
 * period, 10.5 s); the average is over the samples after 11 s.  With
 * constant arrivals the only error is the sawtooth of the 500 ms scan,
 * averaged out by a sample interval that drifts across its phases; with
 * Poisson arrivals the standard error is about 0.6% (see the scenario), so
 * 3% is five of them.  A lifetime off by one slow-timer period (0.5 s, 5%)
 * or an MSL applied once instead of twice fails.
 */
START_TEST(test_littles_law_mean_timewait_is_rate_times_lifetime)
{
	static const char *const closer[] = { "client", "server" };
	static const char *const arrival[] = { "constant", "poisson" };
	sqlite3 *db = run_scenario("littles-law", NULL);
	double mean, want = 100.0 * (2 * 5.0 + 0.25);
	int i, a;

	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM runs WHERE status "
	    "= 'complete'"), 4);
	for (a = 0; a < 2; a++)
	for (i = 0; i < 2; i++) {
		const char *waits = closer[i], *other = closer[1 - i];
		int64_t id = e2e_q_int(db, "SELECT a.run_id FROM params a JOIN "
		    "params b USING (run_id) WHERE a.key = 'workload.web.close' "
		    "AND a.value = %Q AND b.key = 'workload.web.arrival' AND "
		    "b.value = %Q", closer[i], arrival[a]);

		ck_assert_int_gt(id, 0);
		ck_assert_int_gt(e2e_q_int(db, "SELECT count(*) FROM samples "
		    "WHERE run_id = %lld AND host = %Q AND t >= 11",
		    (long long)id, waits), 1500);
		mean = e2e_q_dbl(db, "SELECT avg(tw_count) FROM samples WHERE "
		    "run_id = %lld AND host = %Q AND t >= 11", (long long)id,
		    waits);
		ck_assert_rel(mean, want, 0.03, "mean TIME_WAIT entries");
		/*
		 * Tighter with constant arrivals, which leave no sampling
		 * noise: 1% tells 2 MSL + 0.25 s (1025) from an expiry
		 * exactly at 2 MSL (1000, 2.4% less) or always a full
		 * period late (1050, 2.4% more).
		 */
		if (a == 0)
			ck_assert_rel(mean, want, 0.01,
			    "mean TIME_WAIT entries (constant arrivals)");
		/* Below every limit: nothing recycled, no connect failed. */
		ck_assert_int_eq(e2e_q_int(db, "SELECT max(tw_recycled + "
		    "conn_failed_addrnotavail) FROM samples WHERE run_id = "
		    "%lld", (long long)id), 0);
		/* Only the side that closes first waits. */
		ck_assert_int_eq(e2e_q_int(db, "SELECT max(tw_count) FROM "
		    "samples WHERE run_id = %lld AND host = %Q", (long long)id,
		    other), 0);
		/* Before any entry can expire (2 MSL = 10 s), none has. */
		ck_assert_int_eq(e2e_q_int(db, "SELECT max(tw_expired) FROM "
		    "samples WHERE run_id = %lld AND host = %Q AND t < 9.9",
		    (long long)id, waits), 0);
	}
	sqlite3_close(db);
}
END_TEST

/* ---- port exhaustion ---------------------------------------------------------- */

/*
 * P = 200 ports, MSL 5 s: lifetime 2 MSL + 0.25 s = 10.25 s on average,
 * limit P / 10.25 = 19.5/s.  At 18/s nothing fails, at 21/s and 40/s
 * connects fail.  The first failure is the (P+1)-th attempt, at P / rate
 * (before 2 MSL no port comes free); with constant arrivals the only
 * slack is where the arrival grid starts (0 or 1/rate), so the tolerance
 * is one inter-arrival time plus 10 ms.  Once saturated, the client
 * succeeds exactly as fast as ports come free, P / lifetime, within 5%:
 * the convoy of P connections restarts each time its first port comes
 * free, and the first port was taken just after a scan, so the cycle is
 * nearer 2 MSL + 0.5 s than + 0.25 s (a 2.4% lower rate).
 */
START_TEST(test_port_exhaustion_at_p_over_lifetime)
{
	sqlite3 *db = run_scenario("port-exhaustion", NULL);
	static const double rates[] = { 18, 21, 40 };
	const double P = 200, life = 2 * 5.0 + 0.25;
	int i;

	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM runs WHERE status "
	    "= 'complete'"), 3);
	for (i = 0; i < 3; i++) {
		char rate[32];
		int64_t id;
		double first, t1, t2, succ;

		snprintf(rate, sizeof(rate), "%g/s", rates[i]);
		id = run_with(db, "workload.web.rate", rate);
		first = e2e_q_dbl(db, "SELECT first_addrnotavail_s FROM "
		    "host_stats WHERE run_id = %lld AND host = 'client'",
		    (long long)id);
		if (rates[i] * life < P) {
			ck_assert_msg(isnan(first), "%s: EADDRNOTAVAIL at %g s "
			    "below the limit", rate, first);
			ck_assert_int_eq(e2e_q_int(db, "SELECT conn_failed_"
			    "addrnotavail FROM host_stats WHERE run_id = %lld "
			    "AND host = 'client'", (long long)id), 0);
			ck_assert_int_le(e2e_q_int(db, "SELECT "
			    "max(ports_in_use) FROM samples WHERE run_id = "
			    "%lld AND host = 'client'", (long long)id), 200);
			continue;
		}
		ck_assert_msg(!isnan(first), "%s: no EADDRNOTAVAIL", rate);
		ck_assert_msg(fabs(first - P / rates[i]) <= 1 / rates[i] + 0.01,
		    "%s: first EADDRNOTAVAIL at %g s, predicted %g s", rate,
		    first, P / rates[i]);
		/*
		 * Saturated.  Ports come free in the order they were taken,
		 * so the successes run in convoys of P, one lifetime apart;
		 * a fixed time window would cut a convoy and be off by up to
		 * P successes.  So measure whole convoys: the time from the
		 * (P+1)-th to the (4P+1)-th success is 3 lifetimes.
		 */
		t1 = e2e_q_dbl(db, "SELECT t_established FROM connections "
		    "WHERE run_id = %lld AND outcome = 'ok' ORDER BY "
		    "t_established LIMIT 1 OFFSET 200", (long long)id);
		t2 = e2e_q_dbl(db, "SELECT t_established FROM connections "
		    "WHERE run_id = %lld AND outcome = 'ok' ORDER BY "
		    "t_established LIMIT 1 OFFSET 800", (long long)id);
		ck_assert_msg(!isnan(t1) && !isnan(t2), "%s: fewer than 801 "
		    "successes", rate);
		succ = 600 / (t2 - t1);
		ck_assert_rel(succ, P / life, 0.05, "saturated connect rate");
		/* A port's cycle: 2 MSL plus at most one timer period (and
		   the few ms of the connection itself). */
		ck_assert_msg((t2 - t1) / 3 >= 10.0 && (t2 - t1) / 3 <= 10.52,
		    "%s: port cycle %g s", rate, (t2 - t1) / 3);
		/* Every port busy, none of them lost: at most P in use. */
		ck_assert_int_eq(e2e_q_int(db, "SELECT max(ports_in_use) FROM "
		    "samples WHERE run_id = %lld AND host = 'client'",
		    (long long)id), 200);
		ck_assert_int_eq(e2e_q_int(db, "SELECT tw_recycled FROM "
		    "host_stats WHERE run_id = %lld AND host = 'client'",
		    (long long)id), 0);
	}
	sqlite3_close(db);
}
END_TEST

/* ---- the auto cap --------------------------------------------------------------- */

static int
auto_cap(int first, int last, int maxsockets)
{
	int half = (last - first) / 2, cap = half > 32 ? half : 32;

	return cap < maxsockets / 5 ? cap : maxsockets / 5;
}

/* UMA-1: what the zone holds, whole slabs of TCPTW_UMA_IPERS. */
static int
uma_round(int cap)
{

	return (cap + TCPTW_UMA_IPERS - 1) / TCPTW_UMA_IPERS *
	    TCPTW_UMA_IPERS;
}

/*
 * TW-1/TW-2, UMA-1: with maxtcptw 0 the cap the sysctl shows (tw_cap) is
 * the auto size, at every sample and in host_stats; the zone holds that
 * rounded up to whole slabs of 50 (tw_cap_effective); TIME_WAIT reaches
 * that and never exceeds it; from then on
 * each new entry recycles the oldest (TW-7), so recycling, not ports,
 * absorbs the load (no EADDRNOTAVAIL: cap < usable ports).  In every
 * sample the zone's books balance: entries made = entries now + expired +
 * recycled + reopened.
 */
START_TEST(test_autocap_is_min_of_half_range_floor_32_and_maxsockets_fifth)
{
	static const struct {
		const char *range;
		int first, last;
	} ranges[] = {
		{ "10000-10079", 10000, 10079 },
		{ "10000-10999", 10000, 10999 },
		{ "10000-65535", 10000, 65535 },
	};
	static const int maxsockets[] = { 1000, 25600 };
	sqlite3 *db = run_scenario("autocap", NULL);
	size_t i, j;

	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM runs WHERE status "
	    "= 'complete'"), 6);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++) {
			int cap = auto_cap(ranges[i].first, ranges[i].last,
			    maxsockets[j]), eff = uma_round(cap);
			int64_t id = e2e_q_int(db, "SELECT a.run_id FROM "
			    "params a JOIN params b USING (run_id) WHERE a.key "
			    "= 'host.client.portrange' AND a.value = %Q AND "
			    "b.key = 'host.client.maxsockets' AND b.value = "
			    "'%d'", ranges[i].range, maxsockets[j]);

			ck_assert_msg(id > 0, "no run for %s, %d",
			    ranges[i].range, maxsockets[j]);
			ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM "
			    "samples WHERE run_id = %lld AND host = 'client' "
			    "AND tw_cap <> %d", (long long)id, cap), 0);
			ck_assert_int_eq(e2e_q_int(db, "SELECT tw_cap FROM "
			    "host_stats WHERE run_id = %lld AND host = "
			    "'client'", (long long)id), cap);
			ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM "
			    "samples WHERE run_id = %lld AND host = 'client' "
			    "AND tw_cap_effective <> %d", (long long)id, eff),
			    0);
			ck_assert_int_eq(e2e_q_int(db, "SELECT "
			    "tw_cap_effective FROM run_summary WHERE run_id = "
			    "%lld AND host = 'client'", (long long)id), eff);
			ck_assert_int_eq(e2e_q_int(db, "SELECT tw_peak FROM "
			    "host_stats WHERE run_id = %lld AND host = "
			    "'client'", (long long)id), eff);
			ck_assert_int_le(e2e_q_int(db, "SELECT max(tw_count) "
			    "FROM samples WHERE run_id = %lld AND host = "
			    "'client'", (long long)id), eff);
			ck_assert_int_gt(e2e_q_int(db, "SELECT tw_recycled "
			    "FROM host_stats WHERE run_id = %lld AND host = "
			    "'client'", (long long)id), 0);
			ck_assert_int_eq(e2e_q_int(db, "SELECT conn_failed_"
			    "addrnotavail + tw_skipped_nomem FROM host_stats "
			    "WHERE run_id = %lld AND host = 'client'",
			    (long long)id), 0);
			ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM "
			    "samples WHERE run_id = %lld AND tw_entered <> "
			    "tw_count + tw_expired + tw_recycled + tw_reopened",
			    (long long)id), 0);
			/*
			 * Oldest first (TW-7): at 600/s even the largest
			 * zone, 5150, turns over in 8.6 s, less than 2 MSL
			 * (10 s), so no entry lives to expire.  Recycling
			 * any other entry would leave old ones to expire.
			 */
			ck_assert_int_eq(e2e_q_int(db, "SELECT tw_expired FROM "
			    "host_stats WHERE run_id = %lld AND host = "
			    "'client'", (long long)id), 0);
			/* At the cap, entries in = entries out, sample to
			   sample: the count stays put at the cap. */
			ck_assert_int_gt(e2e_q_int(db, "SELECT count(*) FROM "
			    "samples WHERE run_id = %lld AND host = 'client' "
			    "AND tw_count = %d", (long long)id, eff), 5);
		}
	sqlite3_close(db);
}
END_TEST

/* ---- nolocaltimewait ------------------------------------------------------------- */

/* TW-6: no entry when the foreign address is the host's own. */
START_TEST(test_tw6_nolocaltimewait_skips_local_peers_only)
{
	sqlite3 *db = run_scenario("nolocaltimewait", NULL);
	int64_t off = run_with(db, "host.box.nolocaltimewait", "0");
	int64_t on = run_with(db, "host.box.nolocaltimewait", "1");

	/* Off: every local connection the client closed waits. */
	ck_assert_int_gt(e2e_q_int(db, "SELECT tw_entered FROM host_stats "
	    "WHERE run_id = %lld AND host = 'box'", (long long)off), 400);
	ck_assert_int_eq(e2e_q_int(db, "SELECT tw_skipped_local FROM "
	    "host_stats WHERE run_id = %lld AND host = 'box'", (long long)off),
	    0);
	/* On: none does, each is counted as skipped, and no sample ever
	   shows an entry on box. */
	ck_assert_int_eq(e2e_q_int(db, "SELECT tw_entered FROM host_stats "
	    "WHERE run_id = %lld AND host = 'box'", (long long)on), 0);
	ck_assert_int_gt(e2e_q_int(db, "SELECT tw_skipped_local FROM "
	    "host_stats WHERE run_id = %lld AND host = 'box'", (long long)on),
	    400);
	ck_assert_int_eq(e2e_q_int(db, "SELECT max(tw_count) FROM samples "
	    "WHERE run_id = %lld AND host = 'box'", (long long)on), 0);
	/* The same local connections either way. */
	ck_assert_int_lt(llabs(e2e_q_int(db, "SELECT tw_skipped_local FROM "
	    "host_stats WHERE run_id = %lld AND host = 'box'", (long long)on) -
	    e2e_q_int(db, "SELECT tw_entered FROM host_stats WHERE run_id = "
	    "%lld AND host = 'box'", (long long)off)), 5);
	/* A remote peer: entries as usual although the tunable is set. */
	ck_assert_int_gt(e2e_q_int(db, "SELECT tw_entered FROM host_stats "
	    "WHERE run_id = %lld AND host = 'remote'", (long long)on), 150);
	ck_assert_int_eq(e2e_q_int(db, "SELECT tw_skipped_local FROM "
	    "host_stats WHERE run_id = %lld AND host = 'remote'",
	    (long long)on), 0);
	sqlite3_close(db);
}
END_TEST

/* ---- a retransmitted FIN re-arms 2 MSL (model level) ------------------------------- */

/*
 * A client and a server 300 ms apart (RTT 600 ms, so the server's RTO is
 * well above the 500 ms slow-timer period); the client connects and
 * closes at once, the server closes when it sees the FIN.  The delivery
 * hook drops the client's ACK of the server's FIN -- the last ACK --
 * once, so the server retransmits its FIN into the client's TIME_WAIT.
 * TW-18: that FIN re-arms 2 MSL (tw_rearmed) and is answered (TW-19); the
 * entry then lives 2 MSL from the re-arm, which is longer than 2 MSL plus
 * one timer period from its start, the most an unrearmed entry can live.
 */
struct fin_ctx {
	struct host	*client, *server;
	int		 drop_last_ack;	/* drop it (once) */
	int		 dropped;
	sim_time_t	 t_rearm;	/* retransmitted FIN delivered */
	uint64_t	 rearmed;	/* client's tw_rearmed at the end */
	tcp_seq		 lost_seq, lost_ack;	/* the dropped last ACK */
	tcp_seq		 fin_seq;		/* the retransmitted FIN */
	int		 answered;		/* the entry's ACK seen */
	tcp_seq		 ans_seq, ans_ack;
	uint8_t		 ans_flags;
};

static void
fin_deliver(void *arg, struct host *h, const struct tcp_segment *seg)
{
	struct fin_ctx *fc = arg;
	struct sim *sim = h->sim;

	if (h == fc->server && fc->drop_last_ack && !fc->dropped &&
	    fc->client->stat.tw_entered == 1 && seg->flags == TH_ACK &&
	    seg->len == 0) {
		fc->dropped = 1;	/* the ACK of the server's FIN */
		fc->lost_seq = seg->seq;
		fc->lost_ack = seg->ack;
		return;
	}
	if (h == fc->client && (seg->flags & TH_FIN) &&
	    fc->client->stat.tw_entered == 1 && fc->t_rearm == 0) {
		fc->t_rearm = sim_now(sim);
		fc->fin_seq = seg->seq;
	}
	if (h == fc->server && fc->t_rearm != 0 && !fc->answered) {
		fc->answered = 1;	/* what the entry sent back */
		fc->ans_seq = seg->seq;
		fc->ans_ack = seg->ack;
		fc->ans_flags = seg->flags;
	}
	tcp_input(h, seg);
}

static void
cli_connected(void *arg, struct tcpcb *tp)
{
	(void)arg;
	tcp_usr_close(tp);
}

static void
srv_accepted(void *listen_arg, struct tcpcb *tp, void **conn_arg)
{
	(void)tp;
	*conn_arg = listen_arg;
}

static void
any_received(void *arg, struct tcpcb *tp, uint32_t bytes)
{
	(void)arg;
	(void)tp;
	(void)bytes;
}

static void
srv_peer_closed(void *arg, struct tcpcb *tp)
{
	(void)arg;
	tcp_usr_close(tp);
}

static void
cli_peer_closed(void *arg, struct tcpcb *tp)
{
	(void)arg;
	(void)tp;
}

static void
any_failed(void *arg, struct tcpcb *tp, int error)
{
	(void)arg;
	(void)tp;
	ck_abort_msg("connection failed with error %d", error);
}

static const struct tcp_app_ops cli_ops = {
	.connected = cli_connected,
	.received = any_received,
	.peer_closed = cli_peer_closed,
	.failed = any_failed,
};

static const struct tcp_app_ops srv_ops = {
	.accepted = srv_accepted,
	.received = any_received,
	.peer_closed = srv_peer_closed,
	.failed = any_failed,
};

/*
 * One connection, the last ACK dropped or not; returns the lifetime of the
 * client's entry (entry to expiry) and fills *fc.
 */
static double
fin_lifetime(int drop, struct fin_ctx *fc)
{
	struct host_tunables tun;
	struct net_path_config pc;
	struct sim *sim = sim_create(99);
	struct net *net;
	struct tcpcb *tp = NULL;
	char err[256];
	sim_time_t t, t_enter = -1, t_leave = -1;

	ck_assert_ptr_nonnull(sim);
	net = net_create(sim);
	ck_assert_ptr_nonnull(net);
	memset(fc, 0, sizeof(*fc));
	fc->drop_last_ack = drop;
	host_tunables_init(&tun);
	tun.msl = 1 * SIM_SEC;
	fc->server = net_add_host(net, "server", &tun, err, sizeof(err));
	ck_assert_msg(fc->server != NULL, "%s", err);
	fc->client = net_add_host(net, "client", &tun, err, sizeof(err));
	ck_assert_msg(fc->client != NULL, "%s", err);
	ck_assert_int_eq(net_add_addr(net, fc->server, 0x0a000001, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(net_add_addr(net, fc->client, 0x0a000002, err,
	    sizeof(err)), 0);
	memset(&pc, 0, sizeof(pc));
	pc.latency.kind = DIST_CONSTANT;
	pc.latency.p[0] = 300e6;	/* 300 ms */
	pc.duplicate_delay.kind = DIST_CONSTANT;
	pc.duplicate_delay.p[0] = 0;
	ck_assert_int_eq(net_set_path(net, fc->client, fc->server, &pc, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(net_set_path(net, fc->server, fc->client, &pc, err,
	    sizeof(err)), 0);
	net_set_deliver_hook(net, fin_deliver, fc);
	ck_assert_int_eq(tcp_usr_listen(fc->server, 0, 80, &srv_ops, fc), 0);
	/* Start between two slow-timer ticks. */
	sim_run(sim, 120 * SIM_MSEC, 0);
	ck_assert_int_eq(tcp_usr_connect(fc->client, 0, 0, 0x0a000001, 80,
	    &cli_ops, fc, &tp), 0);
	for (t = sim_now(sim); t < 30 * SIM_SEC; t += SIM_MSEC) {
		sim_run(sim, t, 0);
		if (t_enter < 0 && host_tw_count(fc->client) == 1)
			t_enter = t;
		if (t_enter >= 0 && t_leave < 0 &&
		    host_tw_count(fc->client) == 0) {
			t_leave = t;
			break;
		}
	}
	ck_assert_msg(t_enter >= 0 && t_leave >= 0, "entry %lld .. %lld",
	    (long long)t_enter, (long long)t_leave);
	/* The server got its final ACK in the end. */
	ck_assert_int_eq(fc->server->stat.tw_entered, 0);
	ck_assert_int_eq(fc->client->stat.tw_expired, 1);
	if (drop) {
		ck_assert_int_eq(fc->dropped, 1);
		ck_assert_int_gt(fc->t_rearm, t_enter - SIM_MSEC);
	}
	fc->t_rearm -= t_enter;
	fc->rearmed = fc->client->stat.tw_rearmed;
	fc->client = fc->server = NULL;		/* freed with the net */
	net_destroy(net);
	sim_destroy(sim);
	return sim_time_to_sec(t_leave - t_enter);
}

START_TEST(test_tw18_retransmitted_fin_rearms_2msl)
{
	struct fin_ctx fc;
	double life, rearm_after;

	/* Control: nothing lost, the entry lives 2 MSL + < 1 period. */
	life = fin_lifetime(0, &fc);
	ck_assert_msg(life >= 2.0 - 0.002 && life <= 2.5 + 0.002,
	    "unrearmed lifetime %g s", life);
	ck_assert_int_eq(fc.rearmed, 0);

	/* The last ACK lost: the server's FIN comes again and re-arms. */
	life = fin_lifetime(1, &fc);
	rearm_after = sim_time_to_sec(fc.t_rearm);
	ck_assert_msg(rearm_after > 0.5, "FIN came back after %g s",
	    rearm_after);
	ck_assert_int_eq(fc.rearmed, 1);
	ck_assert_msg(life > 2.5 + 0.002, "rearmed entry lived only %g s",
	    life);
	ck_assert_msg(life >= rearm_after + 2.0 - 0.002 &&
	    life <= rearm_after + 2.5 + 0.002,
	    "lifetime %g s, FIN re-armed it after %g s", life, rearm_after);
}
END_TEST

/*
 * The same connection's counters: the retransmitted FIN re-armed once and
 * was answered from the entry with the very ACK that was lost (TW-18,
 * TW-19, TW-20).
 */
START_TEST(test_tw18_rearm_is_counted_and_answered)
{
	struct fin_ctx fc;
	struct host_tunables tun;
	struct net_path_config pc;
	struct sim *sim = sim_create(7);
	struct net *net = net_create(sim);
	struct tcpcb *tp = NULL;
	char err[256];

	memset(&fc, 0, sizeof(fc));
	fc.drop_last_ack = 1;
	host_tunables_init(&tun);
	tun.msl = 1 * SIM_SEC;
	fc.server = net_add_host(net, "server", &tun, err, sizeof(err));
	fc.client = net_add_host(net, "client", &tun, err, sizeof(err));
	ck_assert_ptr_nonnull(fc.server);
	ck_assert_ptr_nonnull(fc.client);
	ck_assert_int_eq(net_add_addr(net, fc.server, 0x0a000001, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(net_add_addr(net, fc.client, 0x0a000002, err,
	    sizeof(err)), 0);
	memset(&pc, 0, sizeof(pc));
	pc.latency.kind = DIST_CONSTANT;
	pc.latency.p[0] = 300e6;
	pc.duplicate_delay.kind = DIST_CONSTANT;
	ck_assert_int_eq(net_set_path(net, fc.client, fc.server, &pc, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(net_set_path(net, fc.server, fc.client, &pc, err,
	    sizeof(err)), 0);
	net_set_deliver_hook(net, fin_deliver, &fc);
	ck_assert_int_eq(tcp_usr_listen(fc.server, 0, 80, &srv_ops, &fc), 0);
	ck_assert_int_eq(tcp_usr_connect(fc.client, 0, 0, 0x0a000001, 80,
	    &cli_ops, &fc, &tp), 0);
	sim_run(sim, 30 * SIM_SEC, 0);
	ck_assert_int_eq(fc.dropped, 1);
	ck_assert_int_eq(fc.client->stat.tw_entered, 1);
	ck_assert_int_eq(fc.client->stat.tw_rearmed, 1);
	ck_assert_int_ge(fc.client->stat.acks_sent_tw, 1);
	/* TW-20: the entry answers with the ACK that was lost: seq =
	   snd_nxt, ack = rcv_nxt = the FIN's sequence number + 1. */
	ck_assert_int_eq(fc.answered, 1);
	ck_assert_uint_eq(fc.ans_flags, TH_ACK);
	ck_assert_uint_eq(fc.ans_seq, fc.lost_seq);
	ck_assert_uint_eq(fc.ans_ack, fc.lost_ack);
	ck_assert_uint_eq(fc.ans_ack, fc.fin_seq + 1);
	ck_assert_int_eq(fc.client->stat.tw_expired, 1);
	ck_assert_int_ge(fc.server->stat.rexmt_fin, 1);
	ck_assert_int_eq(host_tw_count(fc.client), 0);
	net_destroy(net);
	sim_destroy(sim);
}
END_TEST

/* ---- SYN reopen / drop --------------------------------------------------------------- */

/*
 * TW-16: a 1 KiB request leaves the old rcv_nxt far below the next ISN
 * (20 s at >= 1 MiB/s later), so each SYN reopens the server's entry at
 * once: connect latency is one RTT (2 ms), one SYN each.
 */
START_TEST(test_tw16_syn_above_rcv_nxt_reopens_at_once)
{
	sqlite3 *db = run_scenario("syn-reopen", "run.duration=45s", NULL);
	int64_t id = run_with(db, "workload.rsh.request", "1KiB");

	ck_assert_int_ge(e2e_q_int(db, "SELECT tw_reopened FROM host_stats "
	    "WHERE run_id = %lld AND host = 'server'", (long long)id), 1);
	ck_assert_int_eq(e2e_q_int(db, "SELECT syn_dropped_tw FROM host_stats "
	    "WHERE run_id = %lld AND host = 'server'", (long long)id), 0);
	ck_assert_int_ge(e2e_q_int(db, "SELECT count(*) FROM connections WHERE "
	    "run_id = %lld AND outcome = 'ok'", (long long)id), 2);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections WHERE "
	    "run_id = %lld AND (t_established IS NULL OR t_established - "
	    "t_start > 0.01 OR syn_sent <> 1)", (long long)id), 0);
	ck_assert_double_lt(e2e_q_dbl(db, "SELECT connect_max_s FROM "
	    "host_stats WHERE run_id = %lld AND host = 'client'",
	    (long long)id), 0.01);
	sqlite3_close(db);
}
END_TEST

/*
 * TW-17: after a 32 MiB request the next ISN (about 20 MiB further) is
 * below the old rcv_nxt: the SYN is dropped, and the connection is made
 * only by a retransmitted SYN after the entry expired, seconds later.
 */
START_TEST(test_tw17_syn_below_rcv_nxt_waits_for_expiry)
{
	sqlite3 *db = run_scenario("syn-reopen", "run.duration=45s", NULL);
	int64_t id = run_with(db, "workload.rsh.request", "32MiB");

	ck_assert_int_gt(e2e_q_int(db, "SELECT syn_dropped_tw FROM host_stats "
	    "WHERE run_id = %lld AND host = 'server'", (long long)id), 0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT tw_reopened FROM host_stats "
	    "WHERE run_id = %lld AND host = 'server'", (long long)id), 0);
	/* The second connection: retransmitted SYN, seconds to connect. */
	ck_assert_int_ge(e2e_q_int(db, "SELECT count(*) FROM connections WHERE "
	    "run_id = %lld AND outcome = 'ok' AND syn_sent >= 2 AND "
	    "t_established - t_start >= 2.5", (long long)id), 1);
	ck_assert_double_ge(e2e_q_dbl(db, "SELECT connect_max_s FROM "
	    "host_stats WHERE run_id = %lld AND host = 'client'",
	    (long long)id), 2.5);
	/* ... and not before the previous incarnation's entry (2 MSL =
	   21 s after that connection ended) could have expired. */
	ck_assert_int_gt(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE run_id = %lld", (long long)id), 1);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM (SELECT t_end, "
	    "lead(t_established) OVER (ORDER BY t_start, conn_id) AS next "
	    "FROM connections WHERE run_id = %lld) WHERE next IS NOT NULL AND "
	    "next < t_end + 21.0", (long long)id), 0);
	sqlite3_close(db);
}
END_TEST

/* ---- old duplicates: what TIME_WAIT is for --------------------------------------- */

/* The run of hazards.ini with this maxtcptw and client rfc1323. */
static int64_t
hazard_run_id(sqlite3 *db, const char *maxtcptw, const char *rfc1323)
{

	return (e2e_q_int(db, "SELECT a.run_id FROM params a JOIN params b "
	    "USING (run_id) WHERE a.key = 'host.client.maxtcptw' AND a.value "
	    "= %Q AND b.key = 'host.client.rfc1323' AND b.value = %Q",
	    maxtcptw, rfc1323));
}

static int64_t
run_hazards(sqlite3 *db, int64_t id)
{

	return (e2e_q_int(db, "SELECT sum(hazards) FROM run_summary WHERE "
	    "run_id = %lld", (long long)id));
}

/* run_summary's column `col` of `host` in run `id`. */
static int64_t
summary_col(sqlite3 *db, int64_t id, const char *host, const char *col)
{

	return (e2e_q_int(db, "SELECT %s FROM run_summary WHERE run_id = "
	    "%lld AND host = %Q", col, (long long)id, host));
}

/*
 * RFC 1337 / TW-7: recycled early (a zone of one slab, UMA-1), the
 * 4-tuple is reused while late copies of the old incarnation's 1 MiB
 * upload are still in flight, and without timestamps many land in the new
 * one's window at the server (hazards).  With every entry kept for 2 MSL
 * (60 s, longer than any copy's 600 ms) none does, and the client gets
 * EADDRNOTAVAIL instead.
 */
START_TEST(test_tw7_early_recycling_lets_old_duplicates_in)
{
	sqlite3 *db = run_scenario("hazards", NULL);
	int64_t early = hazard_run_id(db, "1", "0");
	int64_t full0 = hazard_run_id(db, "100000", "0");
	int64_t full1 = hazard_run_id(db, "100000", "1");

	ck_assert_int_gt(summary_col(db, early, "client", "tw_recycled"), 1000);
	ck_assert_int_eq(summary_col(db, early, "client",
	    "tw_cap_effective"), 50);
	ck_assert_int_gt(run_hazards(db, early), 30);
	ck_assert_int_eq(e2e_q_int(db, "SELECT sum(tw_recycled) FROM "
	    "run_summary WHERE run_id IN (%lld, %lld)", (long long)full0,
	    (long long)full1), 0);
	/*
	 * Not quite zero in general: a duplicated SYN reaching the server
	 * after the connection closed there gets a SYN-ACK whose random ISN
	 * ends the client's TIME_WAIT half the time (TW-16).
	 */
	ck_assert_int_le(run_hazards(db, full0) + run_hazards(db, full1), 2);
	ck_assert_int_gt(summary_col(db, full0, "client",
	    "conn_failed_addrnotavail"), 3000);
	/* 100 ports, each busy 2 MSL = 60 s: about 100 in 20 s. */
	ck_assert_int_le(summary_col(db, full0, "client",
	    "conn_established"), 110);
	ck_assert_int_ge(summary_col(db, full0, "client",
	    "conn_established"), 100);
	sqlite3_close(db);
}
END_TEST

/*
 * TS-1, TCP-10: the same recycled 4-tuples with timestamps on: the
 * client's tsval is its plain clock, so the server's PAWS check drops the
 * old incarnation's copies -- about no hazards, against some without.
 */
START_TEST(test_ts1_timestamps_stop_old_duplicates)
{
	sqlite3 *db = run_scenario("hazards", NULL);
	int64_t off = hazard_run_id(db, "1", "0");
	int64_t on = hazard_run_id(db, "1", "1");

	ck_assert_int_gt(run_hazards(db, off), 30);
	ck_assert_int_le(run_hazards(db, on) * 20, run_hazards(db, off));
	/* As much recycling either way: only the timestamps differ. */
	ck_assert_int_gt(summary_col(db, on, "client", "tw_recycled"), 1000);
	ck_assert_int_eq(summary_col(db, on, "client",
	    "conn_established"), 4000);
	sqlite3_close(db);
}
END_TEST

/* ---- ephemeral port randomization ------------------------------------------------- */

/*
 * Consecutive connections (by start time) within [lo, hi] whose local port
 * is the previous one plus one (wrapping from 65535 to 10000), and all
 * such pairs.
 */
static void
port_steps(sqlite3 *db, double lo, double hi, int64_t *plus1, int64_t *pairs)
{
	*pairs = e2e_q_int(db, "SELECT count(*) FROM (SELECT t_start, lport, "
	    "lag(lport) OVER (ORDER BY t_start, conn_id) AS prev FROM "
	    "connections WHERE lport <> 0 AND t_start BETWEEN %.17g AND "
	    "%.17g) WHERE prev IS NOT NULL", lo, hi);
	*plus1 = e2e_q_int(db, "SELECT count(*) FROM (SELECT t_start, lport, "
	    "lag(lport) OVER (ORDER BY t_start, conn_id) AS prev FROM "
	    "connections WHERE lport <> 0 AND t_start BETWEEN %.17g AND "
	    "%.17g) WHERE prev IS NOT NULL AND (lport = prev + 1 OR "
	    "(prev = 65535 AND lport = 10000))", lo, hi);
}

/*
 * PORT-2, PORT-5: random ports at first; sequential from the first
 * ipport_tick (1 s) that sees more than randomcps allocations, for as
 * long as the rate stays above it and randomtime seconds after; random
 * again from then on.  Boundaries are left 10 ms of slack (a tick and an
 * arrival can fall at the same instant).
 */
START_TEST(test_port2_port5_randomization_throttle)
{
	sqlite3 *db = run_scenario("port-randomization", NULL);
	int64_t plus1, pairs;

	port_steps(db, 0.0, 0.99, &plus1, &pairs);
	ck_assert_int_ge(pairs, 45);
	ck_assert_int_le(plus1, 2);
	port_steps(db, 1.01, 14.99, &plus1, &pairs);
	ck_assert_int_ge(pairs, 450);
	ck_assert_int_eq(plus1, pairs);
	port_steps(db, 15.01, 30.0, &plus1, &pairs);
	ck_assert_int_ge(pairs, 70);
	ck_assert_int_le(plus1, 2);
	sqlite3_close(db);
}
END_TEST

/* ---- a one-way path --------------------------------------------------------------- */

/*
 * TCP-7 and one-way paths: with [path server -> client] losing all, each
 * connect sends 9 SYNs (0, 3, 6, 9, 12, 15, 21, 33, 57 s) and times out at
 * keepinit, 75 s after it began, never established.
 */
START_TEST(test_tcp7_syn_retransmission_and_keepinit_on_one_way_loss)
{
	sqlite3 *db = run_scenario("one-way-loss", NULL);

	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections"), 2);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections WHERE "
	    "outcome = 'timeout' AND t_established IS NULL AND syn_sent = 9 "
	    "AND abs(t_end - t_start - 75.0) < 1e-6"), 2);
	ck_assert_int_eq(e2e_q_int(db, "SELECT conn_failed_timeout FROM "
	    "host_stats WHERE host = 'client'"), 2);
	ck_assert_int_eq(e2e_q_int(db, "SELECT conn_established FROM "
	    "host_stats WHERE host = 'client'"), 0);
	ck_assert(isnan(e2e_q_dbl(db, "SELECT connect_p50_s FROM host_stats "
	    "WHERE host = 'client'")));
	sqlite3_close(db);
}
END_TEST

/* ---- a tunable changed mid-run ------------------------------------------------------- */

/*
 * TW-4: maxtcptw raised from 100 to 300 at 20 s lets TIME_WAIT grow past
 * 100 from then on (never before); the write of 10 at 35 s is below 32
 * and changes nothing; the write of 50 at 40 s re-caps the zone below its
 * count, which then holds (TW-7 recycling) until the traffic stops.
 */
START_TEST(test_tw4_maxtcptw_change_at_run_time)
{
	sqlite3 *db = run_scenario("tunable-change", NULL);

	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM runs WHERE status "
	    "= 'complete'"), 1);
	/* Before 20 s: at the boot cap, never above. */
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t < 20 AND (tw_cap <> 100 OR tw_count > 100)"),
	    0);
	ck_assert_int_gt(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t < 20 AND tw_count = 100"), 10);
	/* After: the new cap, reached and not exceeded. */
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t > 20 AND t < 40 AND tw_cap <> 300"), 0);
	ck_assert_int_gt(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t > 20 AND t <= 35 AND tw_count > 100"), 10);
	ck_assert_int_eq(e2e_q_int(db, "SELECT max(tw_count) FROM samples "
	    "WHERE host = 'client' AND t > 20 AND t <= 35"), 300);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND tw_count > 300"), 0);
	/* The ignored write: the cap and TIME_WAIT stay at 300. */
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t > 35 AND t < 40 AND (tw_cap <> 300 OR "
	    "tw_count <> 300)"), 0);
	/* Lowered below the count: the cap is 50 from 40 s on, but the
	   zone stays at 300 while traffic lasts (each new entry recycles
	   the oldest), then drains by expiry once it stops at 60 s. */
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t > 40 AND tw_cap <> 50"), 0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t > 40 AND t <= 60 AND tw_count <> 300"), 0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t >= 71 AND tw_count <> 0"), 0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT tw_expired FROM host_stats "
	    "WHERE host = 'client'"), 300);
	ck_assert_int_eq(e2e_q_int(db, "SELECT tw_cap FROM host_stats WHERE "
	    "host = 'client'"), 50);
	ck_assert_int_eq(e2e_q_int(db, "SELECT tw_peak FROM host_stats WHERE "
	    "host = 'client'"), 300);
	sqlite3_close(db);
}
END_TEST

/*
 * REC-1 with LNX-11/LNX-12: a Linux client's TIME_WAIT lasts 60 s plus the
 * wheel's lateness (0, 2.048 s] at hz 250 and ends 'expired'; entries of
 * the end of the run are 'open'; a connect that found no port has none.
 * With tcp_tw_reuse 1 (LNX-7) entries end 'reused' just after 1 s; past
 * tcp_max_tw_buckets (LNX-9) a connection's TIME_WAIT is 'skipped'.
 */
START_TEST(test_rec1_lnx11_connections_record_how_timewait_ended)
{
	sqlite3 *db;

	/* One run per database: the queries below read every row. */
	(void)unlink(e2e_path("r.db"));
	db = run_scenario("linux-timewait", NULL);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE tw_end = 'expired'"), 100);
	ck_assert(e2e_q_dbl(db, "SELECT min(t_tw_end - t_tw_start) FROM "
	    "connections WHERE tw_end = 'expired'") > 60.0);
	ck_assert(e2e_q_dbl(db, "SELECT max(t_tw_end - t_tw_start) FROM "
	    "connections WHERE tw_end = 'expired'") <= 62.048 + 1e-9);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE tw_end IS NOT NULL AND tw_host <> 'client'"), 0);
	ck_assert_int_gt(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE tw_end = 'open' AND t_tw_end IS NULL"), 0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE outcome = 'addrnotavail' AND tw_end IS NOT NULL"), 0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE outcome = 'ok' AND tw_end IS NULL"), 0);
	sqlite3_close(db);
	/* twsim report names the stack and the lifetime of its rule. */
	{
		char *out;
		size_t len;

		(void)unlink(e2e_path("twsim.log"));
		e2e_assert_exit(e2e_twsim("report", e2e_path("r.db"), NULL),
		    0);
		out = e2e_slurp(e2e_path("twsim.log"), &len);
		ck_assert_ptr_nonnull(strstr(out, "host client (1 run, stack "
		    "linux)"));
		ck_assert_ptr_nonnull(strstr(out, "TIME_WAIT lifetime p99"));
		ck_assert_ptr_nonnull(strstr(out, "L = 60 s + half the timer "
		    "wheel's granularity = 61.024 s"));
		free(out);
	}

	(void)unlink(e2e_path("r.db"));
	db = run_scenario("linux-timewait", "host.client.tcp_tw_reuse=1",
	    NULL);
	ck_assert_int_gt(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE tw_end = 'reused'"), 1000);
	ck_assert(e2e_q_dbl(db, "SELECT min(t_tw_end - t_tw_start) FROM "
	    "connections WHERE tw_end = 'reused'") > 1.0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT tw_reused FROM run_summary "
	    "WHERE host = 'client'"), e2e_q_int(db, "SELECT count(*) FROM "
	    "connections WHERE tw_end = 'reused'"));
	sqlite3_close(db);

	(void)unlink(e2e_path("r.db"));
	db = run_scenario("linux-timewait", "host.client.tcp_max_tw_buckets=20",
	    NULL);
	ck_assert_int_eq(e2e_q_int(db, "SELECT max(tw_count) FROM samples "
	    "WHERE host = 'client'"), 20);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE tw_end = 'skipped' AND t_tw_end = t_tw_start"),
	    e2e_q_int(db, "SELECT tw_skipped_nomem FROM run_summary WHERE "
	    "host = 'client'"));
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE outcome = 'addrnotavail'"), 0);
	sqlite3_close(db);
}
END_TEST

/* ---- the kernel around the zone (issue 9) -------------------------------- */

/*
 * RTO-1, RTO-2, TCP-7: the SYN schedule on a dead path, read through
 * keepinit: a keepinit just before and just after each SYN time shows how
 * many SYNs went by then (syn_sent of the timed-out connection).  SYNs at
 * 0, 3.0, 6.2, 9.4, 12.6, 15.8, 22.0, 34.2, 58.4 s: the 200 ms slop of
 * every recomputed RTO.
 */
START_TEST(test_rto1_syn_schedule_on_a_dead_path)
{
	static const struct {
		const char *keepinit;
		int syns;
	} want[] = {
		{ "2900ms", 1 }, { "3100ms", 2 }, { "6100ms", 2 },
		{ "6300ms", 3 }, { "9300ms", 3 }, { "9500ms", 4 },
		{ "21900ms", 6 }, { "22100ms", 7 }, { "58300ms", 8 },
		{ "58500ms", 9 },
	};
	sqlite3 *db = run_scenario("syn-schedule", NULL);
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int64_t id = run_with(db, "host.client.keepinit",
		    want[i].keepinit);

		ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM "
		    "connections WHERE run_id = %lld", (long long)id), 1);
		ck_assert_msg(e2e_q_int(db, "SELECT syn_sent FROM connections "
		    "WHERE run_id = %lld AND outcome = 'timeout'",
		    (long long)id) == want[i].syns, "keepinit %s: %lld SYNs, "
		    "expected %d", want[i].keepinit, (long long)e2e_q_int(db,
		    "SELECT syn_sent FROM connections WHERE run_id = %lld",
		    (long long)id), want[i].syns);
		ck_assert_int_eq(summary_col(db, id, "client",
		    "conn_failed_timeout"), 1);
	}
	sqlite3_close(db);
}
END_TEST

/* REC-1 with TW-12 on FreeBSD 9: 2 MSL plus up to one slow-timer period. */
/*
 * The report's advice names each stack's own knob: FreeBSD 9 trades ports
 * for a shorter TIME_WAIT with maxtcptw (TW-7); Linux's tcp_max_tw_buckets
 * gives closes past it no TIME_WAIT at all (LNX-9), so no shorter lifetime
 * is promised; FreeBSD 14 has no cap to offer (F14-4).
 */
START_TEST(test_lnx9_f14_4_advice_names_each_stacks_knob)
{
	char *out, *bsd9, *bsd14, *lnx;
	size_t len;

	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("scenarios/stacks-side-by-side.ini"), "-o",
	    e2e_path("r.db"), "--quiet", NULL), 0);
	(void)unlink(e2e_path("twsim.log"));
	e2e_assert_exit(e2e_twsim("report", e2e_path("r.db"), NULL), 0);
	out = e2e_slurp(e2e_path("twsim.log"), &len);
	bsd14 = strstr(out, "host bsd14 ");
	bsd9 = strstr(out, "host bsd9 ");
	lnx = strstr(out, "stack linux)");
	ck_assert(bsd14 != NULL && bsd9 != NULL && lnx != NULL);
	ck_assert(bsd14 < bsd9 && bsd9 < lnx);
	/* Each host's advice lies between its heading and the next. */
	*bsd9 = '\0';
	ck_assert_ptr_nonnull(strstr(bsd14, "FreeBSD 14 has no TIME_WAIT "
	    "cap (F14-4)"));
	ck_assert_ptr_null(strstr(bsd14, "maxtcptw <="));
	*lnx = '\0';
	ck_assert_ptr_nonnull(strstr(bsd9 + 1, "maxtcptw <= "));
	ck_assert_ptr_nonnull(strstr(bsd9 + 1, "(cap / entry rate)"));
	ck_assert_ptr_nonnull(strstr(lnx + 1, "tcp_max_tw_buckets <= "));
	ck_assert_ptr_nonnull(strstr(lnx + 1, "no TIME_WAIT at all "
	    "(LNX-9)"));
	ck_assert_ptr_null(strstr(lnx + 1, "(cap / entry rate)"));
	free(out);
}
END_TEST

START_TEST(test_rec1_tw12_freebsd_records_expired_timewait)
{
	sqlite3 *db;

	(void)unlink(e2e_path("r.db"));
	db = run_scenario("port-exhaustion", "run.duration=30s", NULL);
	ck_assert_int_gt(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE tw_end = 'expired' AND tw_host = 'client'"), 100);
	ck_assert(e2e_q_dbl(db, "SELECT min(t_tw_end - t_tw_start) FROM "
	    "connections WHERE tw_end = 'expired'") >= 10.0);
	ck_assert(e2e_q_dbl(db, "SELECT max(t_tw_end - t_tw_start) FROM "
	    "connections WHERE tw_end = 'expired'") <= 10.5 + 1e-9);
	sqlite3_close(db);
}
END_TEST

/*
 * SOCK-1: once the client holds maxsockets pcbs (TIME_WAIT ones
 * included), connect fails with ENOBUFS: outcome nobufs, counted in
 * conn_failed_nobufs (samples and run_summary), and `twsim report` names
 * maxsockets as the binding limit.
 */
START_TEST(test_sock1_enobufs_once_client_holds_maxsockets)
{
	sqlite3 *db = run_scenario("maxsockets", NULL);
	size_t len;
	char *out;

	/* 100/s from 0: the 201st connect, at 2.0 s, is the first refused. */
	ck_assert_int_eq(e2e_q_int(db, "SELECT conn_established FROM "
	    "run_summary WHERE host = 'client'"), 200);
	ck_assert_int_eq(e2e_q_int(db, "SELECT conn_failed_nobufs FROM "
	    "run_summary WHERE host = 'client'"), 2800);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE outcome = 'nobufs'"), 2800);
	ck_assert_double_eq_tol(e2e_q_dbl(db, "SELECT min(t_start) FROM "
	    "connections WHERE outcome = 'nobufs'"), 2.0, 1e-9);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE outcome = 'nobufs' AND (lport <> 0 OR syn_sent <> 0)"), 0);
	/* Nothing else ran short: no port, no zone. */
	ck_assert_int_eq(e2e_q_int(db, "SELECT conn_failed_addrnotavail + "
	    "tw_recycled FROM run_summary WHERE host = 'client'"), 0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT max(tw_count) FROM samples "
	    "WHERE host = 'client'"), 200);
	ck_assert_int_eq(e2e_q_int(db, "SELECT max(conn_failed_nobufs) FROM "
	    "samples WHERE host = 'client'"), 2800);
	sqlite3_close(db);
	e2e_assert_exit(e2e_twsim("report", e2e_path("r.db"), NULL), 0);
	out = e2e_slurp(e2e_path("twsim.log"), &len);
	ck_assert_ptr_nonnull(strstr(out, "binding limit: MAXSOCKETS"));
	ck_assert_ptr_nonnull(strstr(out, "expect ENOBUFS"));
	free(out);
}
END_TEST

/*
 * UMA-2, UMA-3, TW-4: maxtcptw lowered at 30 s to 100, far below the
 * 2,050 entries the zone's 41 slabs hold: the sysctl shows 100, the zone
 * still holds 2,050, and nothing is recycled while demand fits in them.
 * Once the rate steps up at 60 s it no longer does: recycling begins.
 */
START_TEST(test_uma3_lowered_cap_does_not_recycle_while_slabs_suffice)
{
	sqlite3 *db = run_scenario("lowered-cap", NULL);

	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t > 30 AND (tw_cap <> 100 OR "
	    "tw_cap_effective <> 2050)"), 0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM samples WHERE "
	    "host = 'client' AND t < 30 AND tw_cap <> 5000"), 0);
	/* Between the write and the rate step: full TIME_WAIT, no recycling. */
	ck_assert_int_eq(e2e_q_int(db, "SELECT max(tw_recycled) FROM samples "
	    "WHERE host = 'client' AND t <= 60"), 0);
	ck_assert_int_ge(e2e_q_int(db, "SELECT min(tw_count) FROM samples "
	    "WHERE host = 'client' AND t > 30 AND t <= 60"), 2000);
	ck_assert_int_gt(e2e_q_int(db, "SELECT tw_expired FROM run_summary "
	    "WHERE host = 'client'"), 4000);
	/* After it: the limit refuses new slabs, the oldest go early. */
	ck_assert_int_gt(e2e_q_int(db, "SELECT tw_recycled FROM run_summary "
	    "WHERE host = 'client'"), 1000);
	ck_assert_int_le(e2e_q_int(db, "SELECT max(tw_count) FROM samples "
	    "WHERE host = 'client'"), 2050);
	sqlite3_close(db);
}
END_TEST

/*
 * NET-7: order per flow, not per path: connect p50 on one jittery path
 * is one round trip (2 x 10 ms lognormal median) at 10/s and at 2,000/s
 * alike.  Ordering all flows of a path would push it up with the load.
 */
START_TEST(test_net7_connect_p50_flat_with_load)
{
	sqlite3 *db = run_scenario("flow-latency", NULL);
	int64_t lo = run_with(db, "workload.web.rate", "10/s");
	int64_t hi = run_with(db, "workload.web.rate", "2000/s");
	double p_lo, p_hi;

	p_lo = e2e_q_dbl(db, "SELECT connect_p50_s FROM run_summary WHERE "
	    "run_id = %lld AND host = 'client'", (long long)lo);
	p_hi = e2e_q_dbl(db, "SELECT connect_p50_s FROM run_summary WHERE "
	    "run_id = %lld AND host = 'client'", (long long)hi);
	ck_assert_int_gt(summary_col(db, hi, "client",
	    "conn_established"), 19000);
	/* The median of the sum of two lognormal(10ms, 0.5) draws. */
	ck_assert_rel(p_lo, 0.0215, 0.15, "p50 at 10/s");
	ck_assert_rel(p_hi, 0.0215, 0.05, "p50 at 2000/s");
	ck_assert_rel(p_hi, p_lo, 0.15, "p50 at 2000/s against 10/s");
	sqlite3_close(db);
}
END_TEST

/*
 * WL-9: client2 owns two addresses and gets twice client1's 100 ports;
 * client3 owns two but is pinned to one (client = HOST/ADDRESS).
 */
START_TEST(test_wl9_two_address_client_has_twice_the_ports)
{
	sqlite3 *db = run_scenario("two-address", NULL);

	ck_assert_int_eq(e2e_q_int(db, "SELECT conn_established FROM "
	    "run_summary WHERE host = 'client1'"), 100);
	ck_assert_int_eq(e2e_q_int(db, "SELECT conn_established FROM "
	    "run_summary WHERE host = 'client2'"), 200);
	ck_assert_int_eq(e2e_q_int(db, "SELECT conn_established FROM "
	    "run_summary WHERE host = 'client3'"), 100);
	ck_assert_int_eq(e2e_q_int(db, "SELECT conn_failed_addrnotavail FROM "
	    "run_summary WHERE host = 'client2'"), 800);
	/* client2's first failure comes when both addresses ran out. */
	ck_assert_double_eq_tol(e2e_q_dbl(db, "SELECT first_addrnotavail_s "
	    "FROM run_summary WHERE host = 'client2'"), 4.0, 1e-9);
	ck_assert_double_eq_tol(e2e_q_dbl(db, "SELECT first_addrnotavail_s "
	    "FROM run_summary WHERE host = 'client1'"), 2.0, 1e-9);
	sqlite3_close(db);
}
END_TEST

/*
 * WL-9, PORT-3 in the report: maxtcptw is one cap per host, so the advice
 * "to avoid EADDRNOTAVAIL" counts the ports of every address the host
 * connects from -- twice client1's for client2 (two addresses in turn),
 * client1's for client3 (two addresses, pinned to one) -- and so does the
 * port limit.  A figure per address would give client2 client1's cap.
 */
START_TEST(test_wl9_advice_cap_counts_every_address_of_the_host)
{
	static const struct {
		const char *host;
		double addrs;
	} want[] = { { "client1", 1 }, { "client2", 2 }, { "client3", 1 } };
	struct report_filter f = { 0, NULL, NULL };
	const struct report_host *rh;
	struct results *r;
	struct report *rep;
	char err[512], *out, *at;
	double arate, hold, dur;
	size_t i, j, len;
	sqlite3 *db;

	db = run_scenario("two-address", NULL);
	sqlite3_close(db);
	ck_assert_msg(results_open_reader(e2e_path("r.db"), REPORT_TABLES, &r,
	    err, sizeof(err)) == RESULTS_OK, "%s", err);
	ck_assert_int_eq(report_build(results_sqlite(r), &f, &rep, err,
	    sizeof(err)), REPORT_OK);
	results_close(r);
	dur = rep->points[0].duration_s;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (rh = NULL, j = 0; j < rep->points[0].nhosts; j++)
			if (strcmp(rep->points[0].hosts[j].host,
			    want[i].host) == 0)
				rh = &rep->points[0].hosts[j];
		ck_assert_ptr_nonnull(rh);
		ck_assert_double_eq(rh->usable_ports, 100);
		ck_assert_double_eq(rh->addrs, want[i].addrs);
		arate = rh->m[REPORT_CONN_ATTEMPTED].mean / dur;
		hold = isnan(rh->hold_s) ? 0 : rh->hold_s;
		ck_assert_double_eq(rh->cap_safe, floor(100 * want[i].addrs -
		    arate * hold));
		ck_assert_double_eq_tol(rh->m[REPORT_LIMIT_PORTS].mean,
		    100 * want[i].addrs / rh->tw_lifetime_s, 1e-9);
	}
	report_free(rep);

	(void)unlink(e2e_path("twsim.log"));
	e2e_assert_exit(e2e_twsim("report", e2e_path("r.db"), "--host",
	    "client2", NULL), 0);
	out = e2e_slurp(e2e_path("twsim.log"), &len);
	at = strstr(out, "to avoid EADDRNOTAVAIL instead: maxtcptw <= ");
	ck_assert_ptr_nonnull(at);
	ck_assert_ptr_nonnull(strstr(at, " on this host (2 addresses x 100 "
	    "ports, less those held before TIME_WAIT)"));
	ck_assert_ptr_null(strstr(out, "per address;"));
	ck_assert_ptr_nonnull(strstr(out, "port range 100 ports per address x "
	    "2 addresses / L"));
	free(out);
}
END_TEST

/* ---- the data path (DP-n) ---------------------------------------------- */

/*
 * Lifetimes, connect to the client's close, on a 50 ms + 50 ms path.
 * Every host is a FreeBSD 9.3 default: timestamps and window scaling on,
 * so a full segment carries 1460 - 12 = 1448 bytes (DP-1); initcwnd10,
 * ABC with abc_l_var 2, delayed ACKs, Nagle.  The handshake: SYN at 0,
 * SYN-ACK at 50 ms, the client established at 100 ms sends its request
 * with the ACK; the server has it at 150 ms and answers at once.  Times
 * below are when the server sends; the client gets a flight 50 ms later.
 *
 * 1 KiB = 0.2 s: 1024 bytes fit the initial window of
 * min(10 x 1448, max(2 x 1448, 14600)) = 14480 (DP-2) and go as one
 * short segment (the connection is idle and it is the end of the data,
 * DP-9) at 150 ms; the client has them at 200 ms and closes.
 *
 * 64 KiB = 65536 = 45 x 1448 + 376 bytes = 0.6 s:
 *   150 ms: 10 segments (cwnd 14480).
 *   200 ms: the client ACKs every second segment at once (DP-7): 5 ACKs
 *           of 2896 bytes, each growing cwnd by min(2896, 2 x 1448) in
 *           slow start (DP-3): cwnd 28960.
 *   250 ms: 20 segments.  300 ms: 10 ACKs, cwnd 57920.
 *   350 ms: the 15 full segments left; the 376-byte tail is short and
 *           data is in flight, so it waits (Nagle, DP-9).
 *   400 ms: 7 ACKs cover 14 segments; the 15th is alone: its ACK waits
 *           for the delayed-ACK timer, delacktime 100 ms (DP-7).
 *   500 ms: that ACK goes; at 550 ms all is acked, the tail goes.
 *   600 ms: the client has the whole response and closes.
 * The send buffer never binds: 32768 rounded up to 23 x 1448 = 33304
 * (DP-1) grows by sendbuf_inc 8192 on every ACK that finds it 7/8 full
 * with the window covering it (DP-10), faster than cwnd grows.
 *
 * 1 MiB = 724 x 1448 + 224 bytes = 1.5 s.  Slow start as above for 10,
 * 20 and 40 segments (150, 250, 350 ms); from then on the client's window
 * limits: recvspace 65536 rounded up to 46 x 1448 = 66608 (DP-1), offered
 * with shift 6 (the smallest that reaches maxsockbuf 2 MiB, DP-8) as
 * 66608 >> 6 = 1040, i.e. 66560 bytes: 45 full segments (the 1400 bytes
 * left would be a short segment: DP-9).  The receive buffer grows by
 * recvbuf_inc 16384 when more than 7/8 of it arrived in one round trip
 * as timed by a returning timestamp (DP-11); the count restarts with the
 * client's next ACK, whose timestamp the next flight echoes unchanged
 * (same millisecond), so each measurement spans two flights and the
 * window steps every second RTT: 66560 -> 82944 -> 99328 -> 115712 ->
 * 132096 bytes (57, 68, 79, 91 segments).  A flight of an odd number of
 * segments leaves its last ACK to the timer, so the next is one short:
 *   ms:       450 550 650 750 850 950 1050 1150 1250 1350
 *   segments:  45  44  57  56  68  68   79   78   91   68 (the rest)
 * 10 + 20 + 40 + 45 + 44 + 57 + 56 + 68 + 68 + 79 + 78 + 91 + 68 = 724.
 * The 1350 ms flight is even: acked at once at 1400 ms, all acked at
 * 1450 ms, when the 224-byte tail goes (Nagle); the client has it at
 * 1500 ms.  (Without scaling and autotuning it would be 64 KiB per RTT.)
 */
START_TEST(test_dp_lifetimes_on_a_100ms_path)
{
	static const struct {
		const char	*response;
		double		 lifetime;
	} want[] = {
		{ "1KiB", 0.2 }, { "64KiB", 0.6 }, { "1MiB", 1.5 },
	};
	sqlite3 *db = run_scenario("data-path", NULL);
	int64_t id;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		id = run_with(db, "workload.web.response", want[i].response);
		ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM "
		    "connections WHERE run_id = %lld AND outcome = 'ok'",
		    (long long)id), 1);
		ck_assert_double_eq_tol(e2e_q_dbl(db, "SELECT t_end - t_start "
		    "FROM connections WHERE run_id = %lld", (long long)id),
		    want[i].lifetime, 1e-9);
		/* Nothing lost, nothing resent. */
		ck_assert_int_eq(e2e_q_int(db, "SELECT rexmt_data + "
		    "rexmt_timeouts + fast_rexmt FROM run_summary WHERE "
		    "run_id = %lld AND host = 'server'", (long long)id), 0);
	}
	sqlite3_close(db);
}
END_TEST

/*
 * DP-5, SACK-n on a lossy path: about 145 of the server's segments are
 * lost (see the scenario); each hole in the middle of a window brings
 * three duplicate ACKs and a fast retransmit -- with SACK (the default)
 * recovery then resends from the scoreboard, without it a second hole
 * in the same window is resent at the partial ACK (NewReno) -- so
 * rexmt_data exceeds fast_rexmt either way.  With this seed no loss
 * falls where only the timer can find it (the last segments of a
 * response), so the server's retransmit timer never fires; the two
 * client timeouts of the NewReno run are SYNs whose SYN-ACK was lost
 * (the SACK run sends other segments, so other ones are lost).  Without
 * fast retransmit every loss would cost a timeout of at least srtt + 4
 * rttvar + 200 ms.  (Mean lifetime: 3.82 s with SACK, 4.11 s without.)
 */
static void
assert_fast_recovery(sqlite3 *db, int client_timeouts)
{
	long long id = e2e_q_int(db, "SELECT max(run_id) FROM runs");
	int64_t fast, rexmt;

	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM connections "
	    "WHERE run_id = %lld AND outcome = 'ok'", id), 40);
	fast = e2e_q_int(db, "SELECT fast_rexmt FROM run_summary WHERE "
	    "run_id = %lld AND host = 'server'", id);
	rexmt = e2e_q_int(db, "SELECT rexmt_data FROM run_summary WHERE "
	    "run_id = %lld AND host = 'server'", id);
	ck_assert_int_ge(fast, 100);
	ck_assert_int_gt(rexmt, fast);
	ck_assert_int_eq(e2e_q_int(db, "SELECT rexmt_timeouts FROM "
	    "run_summary WHERE run_id = %lld AND host = 'server'", id), 0);
	ck_assert_int_eq(e2e_q_int(db, "SELECT rexmt_timeouts FROM "
	    "run_summary WHERE run_id = %lld AND host = 'client'", id),
	    client_timeouts);
}

START_TEST(test_dp5_lossy_path_recovers_by_fast_retransmit)
{
	sqlite3 *db = run_scenario("lossy-path", NULL);

	assert_fast_recovery(db, 0);
	sqlite3_close(db);
	db = run_scenario("lossy-path", "host.server.sack=0",
	    "host.client.sack=0", NULL);
	assert_fast_recovery(db, 2);
	ck_assert_int_eq(e2e_q_int(db, "SELECT count(*) FROM params WHERE "
	    "key = 'host.server.sack' AND value = '0'"), 1);
	sqlite3_close(db);
}
END_TEST

static Suite *
validation_suite(void)
{
	Suite *s = suite_create("validation");
	TCase *tc;

	tc = tcase_create("scenarios");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_littles_law_mean_timewait_is_rate_times_lifetime);
	tcase_add_test(tc, test_port_exhaustion_at_p_over_lifetime);
	tcase_add_test(tc,
	    test_autocap_is_min_of_half_range_floor_32_and_maxsockets_fifth);
	tcase_add_test(tc, test_tw6_nolocaltimewait_skips_local_peers_only);
	tcase_add_test(tc, test_tw16_syn_above_rcv_nxt_reopens_at_once);
	tcase_add_test(tc, test_tw17_syn_below_rcv_nxt_waits_for_expiry);
	tcase_add_test(tc, test_tw4_maxtcptw_change_at_run_time);
	tcase_add_test(tc, test_tw7_early_recycling_lets_old_duplicates_in);
	tcase_add_test(tc, test_ts1_timestamps_stop_old_duplicates);
	tcase_add_test(tc, test_rto1_syn_schedule_on_a_dead_path);
	tcase_add_test(tc, test_sock1_enobufs_once_client_holds_maxsockets);
	tcase_add_test(tc,
	    test_uma3_lowered_cap_does_not_recycle_while_slabs_suffice);
	tcase_add_test(tc, test_net7_connect_p50_flat_with_load);
	tcase_add_test(tc, test_wl9_two_address_client_has_twice_the_ports);
	tcase_add_test(tc, test_wl9_advice_cap_counts_every_address_of_the_host);
	tcase_add_test(tc, test_port2_port5_randomization_throttle);
	tcase_add_test(tc,
	    test_tcp7_syn_retransmission_and_keepinit_on_one_way_loss);
	tcase_add_test(tc, test_dp_lifetimes_on_a_100ms_path);
	tcase_add_test(tc, test_dp5_lossy_path_recovers_by_fast_retransmit);
	suite_add_tcase(s, tc);

	tc = tcase_create("model");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tw18_retransmitted_fin_rearms_2msl);
	tcase_add_test(tc,
	    test_rec1_lnx11_connections_record_how_timewait_ended);
	tcase_add_test(tc, test_rec1_tw12_freebsd_records_expired_timewait);
	tcase_add_test(tc, test_lnx9_f14_4_advice_names_each_stacks_knob);
	tcase_add_test(tc, test_tw18_rearm_is_counted_and_answered);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(validation_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
