/*
 * runner.c -- one run: scenario data in, model world built, results out.
 *
 * The steps are those of runner.h: build the net (hosts with their boot
 * tunables, addresses, paths), start the workloads (which create their
 * server applications), schedule the [at] changes as sysctl writes, start
 * the sampling clock, run the simulation in slices (so progress can be
 * shown and a stop request honoured between events), then write the final
 * per-host counters and end the run's transaction.
 *
 * Connect latency quantiles are kept per client host in a log-scaled
 * histogram (1% wide buckets from 1 us to 10^4 s): memory stays flat however
 * many connections a run makes, and p50/p99 are exact to within a bucket.
 * The maximum is kept exactly.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/results.h"
#include "models/capture.h"
#include "models/host.h"
#include "models/net.h"
#include "models/trace.h"
#include "models/tcp_timewait.h"
#include "models/workload.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "sim/sim.h"

/* ---- connect latency histogram ----------------------------------------- */

#define LAT_MIN_S	1e-6
#define LAT_DECADES	10
#define LAT_PER_DECADE	230		/* 10^(1/230) = 1.0101: 1% buckets */
#define LAT_NBUCKETS	(LAT_DECADES * LAT_PER_DECADE + 2)

struct lat_hist {
	uint64_t	n;
	double		max;
	/*
	 * The last latency added and its bucket.  With constant path
	 * latency nearly every connection takes exactly as long as the one
	 * before, and log10() per connection was 2% of a run's CPU time.
	 * Zeroed is valid: latency 0 is bucket 0.
	 */
	double		last_s;
	int		last_b;
	uint32_t	bucket[LAT_NBUCKETS];
};

static void
lat_add(struct lat_hist *lh, double s)
{
	int b;

	if (s == lh->last_s)
		b = lh->last_b;
	else if (s < LAT_MIN_S)
		b = 0;
	else {
		b = 1 + (int)floor(log10(s / LAT_MIN_S) * LAT_PER_DECADE);
		if (b >= LAT_NBUCKETS)
			b = LAT_NBUCKETS - 1;
	}
	lh->last_s = s;
	lh->last_b = b;
	lh->bucket[b]++;
	lh->n++;
	if (s > lh->max)
		lh->max = s;
}

/* Quantile q in [0, 1]: the geometric middle of the bucket holding it. */
static double
lat_quantile(const struct lat_hist *lh, double q)
{
	uint64_t rank, seen = 0;
	int b;

	if (lh->n == 0)
		return NAN;
	rank = (uint64_t)ceil(q * (double)lh->n);
	if (rank == 0)
		rank = 1;
	for (b = 0; b < LAT_NBUCKETS; b++) {
		seen += lh->bucket[b];
		if (seen >= rank)
			break;
	}
	if (b == 0)
		return LAT_MIN_S;
	{
		double lo = LAT_MIN_S * pow(10, (double)(b - 1) / LAT_PER_DECADE);
		double hi = LAT_MIN_S * pow(10, (double)b / LAT_PER_DECADE);
		double mid = sqrt(lo * hi);

		return mid > lh->max ? lh->max : mid;
	}
}

/* ---- the world of one run ---------------------------------------------- */

/*
 * Connections whose TIME_WAIT is still to come, their rows held back
 * until it ends (one INSERT a connection, no UPDATE): the model's
 * incarnation id -> the index of the row in the run's pool.  Open addressing,
 * linear probing, key 0 free; deletion shifts the cluster back, so there
 * are no tombstones.  Entries leave when the TIME_WAIT ends.
 */
struct idmap {
	uint64_t	*keys;
	int64_t		*vals;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
};

static size_t
idmap_slot(const struct idmap *m, uint64_t k)
{

	k *= 0x9e3779b97f4a7c15ULL;
	return ((size_t)(k >> 32) & (m->cap - 1));
}

static int
idmap_put(struct idmap *m, uint64_t k, int64_t v)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct idmap g = { NULL, NULL, m->cap ? 2 * m->cap : 1024, 0 };

		g.keys = calloc(g.cap, sizeof(*g.keys));
		g.vals = calloc(g.cap, sizeof(*g.vals));
		if (g.keys == NULL || g.vals == NULL) {
			free(g.keys);
			free(g.vals);
			return -1;
		}
		for (i = 0; i < m->cap; i++)
			if (m->keys[i] != 0)
				(void)idmap_put(&g, m->keys[i], m->vals[i]);
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	for (i = idmap_slot(m, k); m->keys[i] != 0 && m->keys[i] != k;
	    i = (i + 1) & (m->cap - 1))
		;
	if (m->keys[i] == 0)
		m->n++;
	m->keys[i] = k;
	m->vals[i] = v;
	return 0;
}

/* Removes k; its value in *v.  0 when absent. */
static int
idmap_take(struct idmap *m, uint64_t k, int64_t *v)
{
	size_t i, j, h;

	if (m->cap == 0 || k == 0)
		return 0;
	for (i = idmap_slot(m, k); m->keys[i] != k; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == 0)
			return 0;
	*v = m->vals[i];
	/* Shift back the entries that probed past the freed slot. */
	for (j = (i + 1) & (m->cap - 1); m->keys[j] != 0;
	    j = (j + 1) & (m->cap - 1)) {
		h = idmap_slot(m, m->keys[j]);
		if (((j - h) & (m->cap - 1)) >= ((j - i) & (m->cap - 1))) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->keys[i] = 0;
	m->n--;
	return 1;
}

struct run_ctx {
	const struct scenario_run *run;
	struct results		*db;
	int64_t			 run_id;
	struct sim		*sim;
	struct net		*net;
	struct host		**hosts;	/* by scenario host index */
	struct workload		**workloads;
	struct lat_hist		*lat;		/* by host index */
	/*
	 * Host index by the host's name pointer (conn_record.client), open
	 * addressing: with thousands of hosts a scan per connection was
	 * most of the run.
	 */
	struct host_slot {
		const char	*name;		/* NULL: empty */
		int		 index;
	}			*byname;
	size_t			 bynamecap;	/* a power of two */
	struct sim_periodic	*sampler;
	struct capture		**caps;		/* by host index, or NULL */
	struct trace		*trace;		/* --trace, or NULL */
	struct idmap		 pending_tw;	/* rows awaiting TIME_WAIT */
	struct results_conn	*pool;		/* those rows */
	size_t			 npool, pool_cap;
	int64_t			 pool_free;	/* free slot list (via conn_id),
						   -1: none */
	int			 ending;	/* the run is over: write now */
	int			 failed;	/* a write failed */
	int			 check_invariants;
	int			 bad_line;	/* section the models refused */
	char			 errbuf[512];
};

static double
opt_seconds(sim_time_t t)
{
	return t < 0 ? NAN : sim_time_to_sec(t);
}

static void	write_connection(struct run_ctx *rc,
		    const struct results_conn *c);
static int	pool_hold(struct run_ctx *rc, uint64_t id,
		    const struct results_conn *c);

static size_t
byname_slot(const char *name, size_t cap)
{
	uintptr_t x = (uintptr_t)name;

	return (size_t)((x >> 4) * 0x9e3779b97f4a7c15ull >> 32) & (cap - 1);
}

/* The index of the host named by this very pointer, or -1. */
static int
host_by_name_ptr(const struct run_ctx *rc, const char *name)
{
	size_t j;

	if (rc->bynamecap == 0)
		return -1;
	for (j = byname_slot(name, rc->bynamecap); rc->byname[j].name != NULL;
	    j = (j + 1) & (rc->bynamecap - 1))
		if (rc->byname[j].name == name)
			return rc->byname[j].index;
	return -1;
}

static void
record_connection(void *arg, const struct conn_record *cr)
{
	struct run_ctx *rc = arg;
	struct results_conn c;
	int hi;

	/*
	 * cr->client is the model host's name: find its index by pointer
	 * rather than by string, once per connection.
	 */
	hi = host_by_name_ptr(rc, cr->client);
	if (hi < 0)
		hi = scenario_run_host(rc->run, cr->client);
	if (hi >= 0 && cr->t_established >= 0)
		lat_add(&rc->lat[hi],
		    sim_time_to_sec(cr->t_established - cr->t_start));
	if (!rc->run->record_connections || rc->failed)
		return;
	memset(&c, 0, sizeof(c));
	/*
	 * The client incarnation's id: the number its segments carry and
	 * that --trace takes, known from the connection's start (a record
	 * is only written when the connection ends).
	 */
	c.conn_id = (int64_t)cr->conn_id;
	c.workload = cr->workload;
	c.client = cr->client;
	c.lport = cr->lport;
	c.server = cr->server;
	c.t_start = sim_time_to_sec(cr->t_start);
	c.t_established = opt_seconds(cr->t_established);
	c.t_end = opt_seconds(cr->t_end);
	/*
	 * A connection still open when the run ends has no outcome yet: it
	 * is recorded as 'open' with t_end NULL, so one row stands for every
	 * attempt and the slowest connections do not vanish from latency
	 * statistics.
	 */
	c.outcome = cr->t_end < 0 ? RESULTS_OUTCOME_OPEN :
	    conn_outcome_name(cr->outcome);
	c.syn_sent = cr->syn_sent;
	/*
	 * A connection that had a tcpcb may yet enter TIME_WAIT somewhere:
	 * its row waits for that (record_tw), unless the run is over.
	 */
	if (cr->conn_id != 0 && cr->outcome != CONN_ADDRNOTAVAIL &&
	    !rc->ending) {
		if (pool_hold(rc, cr->conn_id, &c) != 0) {
			snprintf(rc->errbuf, sizeof(rc->errbuf),
			    "out of memory");
			rc->failed = 1;
			sim_stop(rc->sim);
		}
		return;
	}
	write_connection(rc, &c);
}

/* Writes one connection row; a failure stops the run. */
static void
write_connection(struct run_ctx *rc, const struct results_conn *c)
{

	if (rc->failed)
		return;
	if (results_connection(rc->db, rc->run_id, c) != RESULTS_OK) {
		snprintf(rc->errbuf, sizeof(rc->errbuf), "%s",
		    results_errmsg(rc->db));
		rc->failed = 1;
		sim_stop(rc->sim);
	}
}

/* Holds row c until the TIME_WAIT of incarnation id ends. */
static int
pool_hold(struct run_ctx *rc, uint64_t id, const struct results_conn *c)
{
	struct results_conn *np;
	int64_t slot;

	if (rc->pool_free >= 0) {
		slot = rc->pool_free;
		rc->pool_free = rc->pool[slot].conn_id;
	} else {
		if (rc->npool == rc->pool_cap) {
			size_t ncap = rc->pool_cap ? 2 * rc->pool_cap : 1024;

			np = realloc(rc->pool, ncap * sizeof(*np));
			if (np == NULL)
				return -1;
			rc->pool = np;
			rc->pool_cap = ncap;
		}
		slot = (int64_t)rc->npool++;
	}
	rc->pool[slot] = *c;
	return idmap_put(&rc->pending_tw, id, slot);
}

/* Writes the held row of slot and frees the slot. */
static void
pool_write(struct run_ctx *rc, int64_t slot)
{

	write_connection(rc, &rc->pool[slot]);
	rc->pool[slot].workload = NULL;		/* free */
	rc->pool[slot].conn_id = rc->pool_free;
	rc->pool_free = slot;
}

/*
 * A TIME_WAIT ended (host.h tw_report): complete the row of the client
 * connection it belongs to -- the entry's own incarnation when the client
 * holds it, its peer's when the server does.
 */
static void
record_tw(void *arg, const struct host *h, uint64_t conn_id,
    uint64_t peer_conn_id, sim_time_t start, sim_time_t end, int how)
{
	struct run_ctx *rc = arg;
	struct results_conn *c;
	int64_t slot;

	if (!idmap_take(&rc->pending_tw, conn_id, &slot) &&
	    !idmap_take(&rc->pending_tw, peer_conn_id, &slot))
		return;		/* no row (yet): not recorded */
	c = &rc->pool[slot];
	c->tw_host = h->name;
	c->t_tw_start = sim_time_to_sec(start);
	c->t_tw_end = opt_seconds(end);
	c->tw_end = tw_end_name((enum tw_end)how);
	pool_write(rc, slot);
}

static void
take_sample(struct sim *sim, void *arg)
{
	struct run_ctx *rc = arg;
	struct results_sample s;
	size_t i;

	if (rc->failed)
		return;
	for (i = 0; i < rc->run->nhosts; i++) {
		const struct host *h = rc->hosts[i];
		const struct tcpstat *st = &h->stat;

		if (rc->check_invariants &&
		    host_check(h, rc->errbuf, sizeof(rc->errbuf)) != 0) {
			rc->failed = 1;
			sim_stop(sim);
			return;
		}
		memset(&s, 0, sizeof(s));
		s.t = sim_time_to_sec(sim_now(sim));
		s.host = rc->run->hosts[i].name;
		s.tw_count = host_tw_count(h);
		s.tw_cap = host_tw_cap(h);
		s.ports_in_use = host_ports_in_use(h);
		s.established = st->established;
		s.conn_attempted = (int64_t)st->conn_attempted;
		s.conn_established = (int64_t)st->conn_established;
		s.conn_failed_addrnotavail = (int64_t)st->conn_failed_addrnotavail;
		s.tw_entered = (int64_t)st->tw_entered;
		s.tw_expired = (int64_t)st->tw_expired;
		s.tw_recycled = (int64_t)st->tw_recycled;
		s.conn_failed_timeout = (int64_t)st->conn_failed_timeout;
		s.conn_failed_reset = (int64_t)st->conn_failed_reset;
		s.tw_reopened = (int64_t)st->tw_reopened;
		s.syn_dropped_tw = (int64_t)st->syn_dropped_tw;
		s.hazards = (int64_t)st->hazards;
		s.tw_reused = (int64_t)st->tw_reused;
		s.tw_killed_rst = (int64_t)st->tw_killed_rst;
		s.tw_cap_effective = host_tw_cap_effective(h);
		s.conn_failed_nobufs = (int64_t)st->conn_failed_nobufs;
		s.conn_failed_addrinuse = (int64_t)st->conn_failed_addrinuse;
		s.tw_rearmed = (int64_t)st->tw_rearmed;
		s.tw_dropped_recycled = (int64_t)st->tw_dropped_recycled;
		if (results_sample(rc->db, rc->run_id, &s) != RESULTS_OK) {
			snprintf(rc->errbuf, sizeof(rc->errbuf), "%s",
			    results_errmsg(rc->db));
			rc->failed = 1;
			sim_stop(sim);
			return;
		}
	}
}

struct change_ev {
	struct run_ctx			*rc;
	const struct scenario_change	*ch;
};

static void
apply_change(struct sim *sim, void *arg)
{
	struct change_ev *ce = arg;
	const struct scenario_change *ch = ce->ch;
	struct host *h = ce->rc->hosts[ch->host];

	/*
	 * A run-time write goes through the sysctl path, with the sysctl's
	 * own semantics (a maxtcptw write below 32 is ignored, TW-4).  A
	 * value the sysctl refuses is not an error of the run.
	 */
	(void)host_tunable_set(h, ch->tunable, ch->index, ch->value, NULL, 0);
}

/*
 * NET-8 tap: a segment a host sent or received goes to its capture.  A
 * segment to one of the host's own addresses is written once, when sent,
 * as a loopback capture shows it (CAP-6).
 */
static void
capture_tap(void *arg, const struct host *h, enum net_tap_dir dir,
    const struct tcp_segment *seg)
{
	struct run_ctx *rc = arg;
	struct capture *c;

	if (rc->caps == NULL || (dir != NET_TAP_OUT && dir != NET_TAP_IN))
		return;		/* closed: the world is being torn down */
	if ((c = rc->caps[h->index]) == NULL)
		return;
	if (dir == NET_TAP_IN && host_owns_addr(h, seg->saddr))
		return;
	capture_segment(c, sim_now(rc->sim), seg);
}

static int
open_captures(struct run_ctx *rc, const struct runner_opts *opts, char *err,
    size_t errlen)
{
	const struct scenario_run *run = rc->run;
	char path[4096], stem[64];
	size_t i;
	int any = 0;

	if (opts->pcap_dir == NULL)
		return 0;
	rc->caps = calloc(run->nhosts, sizeof(*rc->caps));
	if (rc->caps == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The run's id in the file is known only at its end. */
	if (opts->pcap_stem == NULL)
		runner_pcap_stem(stem, sizeof(stem), (long)getpid(),
		    run->index);
	for (i = 0; i < run->nhosts; i++) {
		if (!opts->pcap_all && !run->hosts[i].pcap)
			continue;
		snprintf(path, sizeof(path), "%s/%s-%s.pcap", opts->pcap_dir,
		    opts->pcap_stem != NULL ? opts->pcap_stem : stem,
		    run->hosts[i].name);
		rc->caps[i] = capture_open(path, opts->pcap_snaplen,
		    opts->pcap_filter, err, errlen);
		if (rc->caps[i] == NULL)
			return -1;
		any = 1;
	}
	if (any && net_add_tap(rc->net, capture_tap, rc) != 0) {
		snprintf(err, errlen, "too many network taps");
		return -1;
	}
	return 0;
}

void
runner_pcap_stem(char *buf, size_t len, long owner, size_t index)
{
	snprintf(buf, len, ".part-%ld-%zu", owner, index);
}

void
runner_pcap_finish(const struct runner_opts *o, const struct scenario_run *r,
    const char *stem, int64_t run_id, int keep)
{
	char from[4096], to[4096];
	size_t h;

	if (o->pcap_dir == NULL)
		return;
	for (h = 0; h < r->nhosts; h++) {
		if (!o->pcap_all && !r->hosts[h].pcap)
			continue;
		snprintf(from, sizeof(from), "%s/%s-%s.pcap", o->pcap_dir, stem,
		    r->hosts[h].name);
		snprintf(to, sizeof(to), "%s/run%lld-%s.pcap", o->pcap_dir,
		    (long long)run_id, r->hosts[h].name);
		if (!keep)
			(void)unlink(from);
		else if (rename(from, to) != 0 && errno != ENOENT)
			fprintf(stderr, "twsim run: %s: %s\n", to,
			    strerror(errno));
	}
}

/* Close every capture: 0, or -1 + err for the first that failed. */
static int
close_captures(struct run_ctx *rc, char *err, size_t errlen)
{
	size_t i;
	int ret = 0;

	if (rc->caps == NULL)
		return 0;
	for (i = 0; i < rc->run->nhosts; i++)
		if (capture_close(rc->caps[i], ret == 0 ? err : NULL,
		    ret == 0 ? errlen : 0) != 0)
			ret = -1;
	free(rc->caps);
	rc->caps = NULL;
	return ret;
}

static int
open_trace(struct run_ctx *rc, const struct runner_opts *opts, char *err,
    size_t errlen)
{
	const struct scenario_run *run = rc->run;
	size_t i;

	if (opts->ntrace == 0 || opts->trace_out == NULL)
		return 0;
	rc->trace = trace_create(opts->trace_out, opts->trace_ids,
	    opts->ntrace);
	if (rc->trace == NULL ||
	    net_add_tap(rc->net, trace_tap, rc->trace) != 0) {
		snprintf(err, errlen, "cannot start the trace");
		return -1;
	}
	for (i = 0; i < run->nhosts; i++)
		rc->hosts[i]->trace = rc->trace;
	/* No run_id: a -j N worker does not know the final one. */
	fprintf(opts->trace_out, "# trace: run %zu of the scenario (%s%s"
	    "repetition %u, seed %llu), connections", run->index + 1,
	    run->label, run->label[0] != '\0' ? ", " : "", run->repetition,
	    (unsigned long long)run->seed);
	for (i = 0; i < opts->ntrace; i++)
		fprintf(opts->trace_out, " %llu",
		    (unsigned long long)opts->trace_ids[i]);
	fputc('\n', opts->trace_out);
	return 0;
}

static int
build_world(struct run_ctx *rc, char *err, size_t errlen)
{
	const struct scenario_run *run = rc->run;
	size_t i, j;

	rc->net = net_create(rc->sim);
	rc->hosts = calloc(run->nhosts, sizeof(*rc->hosts));
	rc->lat = calloc(run->nhosts, sizeof(*rc->lat));
	rc->workloads = calloc(run->nworkloads + 1, sizeof(*rc->workloads));
	if (rc->net == NULL || rc->hosts == NULL || rc->lat == NULL ||
	    rc->workloads == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < run->nhosts; i++) {
		const struct scenario_host *sh = &run->hosts[i];

		rc->bad_line = sh->line;
		rc->hosts[i] = net_add_host(rc->net, sh->name, &sh->tun, err,
		    errlen);
		if (rc->hosts[i] == NULL)
			return -1;
		if (run->record_connections) {
			rc->hosts[i]->tw_report = record_tw;
			rc->hosts[i]->tw_report_arg = rc;
		}
		for (j = 0; j < sh->naddrs; j++)
			if (net_add_addr(rc->net, rc->hosts[i], sh->addrs[j],
			    err, errlen) != 0)
				return -1;
	}
	for (rc->bynamecap = 16; rc->bynamecap < 2 * run->nhosts;
	    rc->bynamecap *= 2)
		;
	rc->byname = calloc(rc->bynamecap, sizeof(*rc->byname));
	if (rc->byname == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < run->nhosts; i++) {
		const char *name = rc->hosts[i]->name;

		for (j = byname_slot(name, rc->bynamecap);
		    rc->byname[j].name != NULL; j = (j + 1) &
		    (rc->bynamecap - 1))
			;
		rc->byname[j].name = name;
		rc->byname[j].index = (int)i;
	}
	for (i = 0; i < run->npaths; i++) {
		const struct scenario_path *sp = &run->paths[i];
		struct net_path_config pc;

		rc->bad_line = sp->line;
		pc.latency = sp->latency;
		pc.loss = sp->loss;
		pc.duplicate = sp->duplicate;
		pc.duplicate_delay = sp->duplicate_delay;
		if (net_set_path(rc->net, rc->hosts[sp->from_host],
		    rc->hosts[sp->to_host], &pc, err, errlen) != 0)
			return -1;
	}
	for (i = 0; i < run->nworkloads; i++) {
		const struct scenario_workload *sw = &run->workloads[i];
		struct workload_config wc;

		rc->bad_line = sw->line;
		memset(&wc, 0, sizeof(wc));
		wc.name = sw->name;
		wc.client = rc->hosts[sw->client_host];
		wc.client_addr = sw->client_addr;
		wc.server = rc->hosts[sw->server_host];
		wc.server_addr = sw->server_addr;
		wc.server_port = sw->server_port;
		wc.arrival = sw->arrival == SCENARIO_ARRIVAL_POISSON ?
		    WORKLOAD_POISSON : WORKLOAD_CONSTANT;
		if (sw->nsteps > WORKLOAD_MAXSTEPS) {
			snprintf(err, errlen, "workload %s: at most %d rate "
			    "steps", sw->name, WORKLOAD_MAXSTEPS);
			return -1;
		}
		wc.nsteps = (int)sw->nsteps;
		for (j = 0; j < sw->nsteps; j++) {
			wc.steps[j].start = sw->steps[j].start;
			wc.steps[j].rate = sw->steps[j].rate;
		}
		if (sw->request > WORKLOAD_MAXBYTES ||
		    sw->response > WORKLOAD_MAXBYTES) {
			snprintf(err, errlen, "workload %s: request and "
			    "response are limited to %u bytes", sw->name,
			    WORKLOAD_MAXBYTES);
			return -1;
		}
		wc.request = (uint32_t)sw->request;
		wc.response = (uint32_t)sw->response;
		wc.hold = sw->hold;
		wc.close_by = sw->close_by == SCENARIO_CLOSE_CLIENT ?
		    WORKLOAD_CLOSE_CLIENT : WORKLOAD_CLOSE_SERVER;
		wc.close_delay = sw->close_delay;
		wc.sport = sw->sport;
		wc.start = sw->start;
		wc.stop = sw->stop;
		rc->workloads[i] = workload_create(rc->net, &wc,
		    record_connection, rc, err, errlen);
		if (rc->workloads[i] == NULL)
			return -1;
	}
	/* Listening ports that no workload targets still answer. */
	for (i = 0; i < run->nhosts; i++) {
		rc->bad_line = run->hosts[i].line;
		for (j = 0; j < run->hosts[i].nlisten; j++)
			if (workload_listen(rc->net, rc->hosts[i], 0,
			    run->hosts[i].listen[j], err, errlen) != 0)
				return -1;
	}
	rc->bad_line = 0;
	return 0;
}

static void
destroy_world(struct run_ctx *rc)
{
	size_t i;

	/*
	 * The held rows go out while their strings (workload, host names)
	 * live: entries still in TIME_WAIT are 'open' (t_tw_end NULL), rows
	 * that never met one keep it NULL; the workloads then report their
	 * open connections, written at once.
	 */
	rc->ending = 1;
	if (rc->hosts != NULL && rc->run->record_connections)
		for (i = 0; i < rc->run->nhosts; i++) {
			struct tcptw *tw;

			if (rc->hosts[i] == NULL)
				continue;
			TAILQ_FOREACH(tw, &rc->hosts[i]->twzone.twq_2msl,
			    tw_2msl)
				tcp_tw_report(tw, TW_END_OPEN);
			rc->hosts[i]->tw_report = NULL;
		}
	for (i = 0; i < rc->npool; i++)
		if (rc->pool[i].workload != NULL)
			pool_write(rc, (int64_t)i);
	if (rc->workloads != NULL)
		for (i = 0; i < rc->run->nworkloads; i++)
			if (rc->workloads[i] != NULL)
				workload_destroy(rc->workloads[i]);
	if (rc->net != NULL)
		net_destroy(rc->net);
	free(rc->pending_tw.keys);
	free(rc->pending_tw.vals);
	memset(&rc->pending_tw, 0, sizeof(rc->pending_tw));
	free(rc->pool);
	rc->pool = NULL;
	rc->npool = rc->pool_cap = 0;
	free(rc->workloads);
	free(rc->hosts);
	free(rc->byname);
	free(rc->lat);
}

static int
write_host_stats(struct run_ctx *rc)
{
	size_t i;

	for (i = 0; i < rc->run->nhosts; i++) {
		const struct host *h = rc->hosts[i];
		const struct tcpstat *st = &h->stat;
		struct results_host rh;

		memset(&rh, 0, sizeof(rh));
		rh.host = rc->run->hosts[i].name;
		rh.conn_attempted = (int64_t)st->conn_attempted;
		rh.conn_established = (int64_t)st->conn_established;
		rh.conn_failed_addrnotavail = (int64_t)st->conn_failed_addrnotavail;
		rh.conn_failed_timeout = (int64_t)st->conn_failed_timeout;
		rh.conn_failed_reset = (int64_t)st->conn_failed_reset;
		rh.tw_entered = (int64_t)st->tw_entered;
		rh.tw_expired = (int64_t)st->tw_expired;
		rh.tw_recycled = (int64_t)st->tw_recycled;
		rh.tw_reopened = (int64_t)st->tw_reopened;
		rh.tw_skipped_local = (int64_t)st->tw_skipped_local;
		rh.tw_skipped_nomem = (int64_t)st->tw_skipped_nomem;
		rh.tw_peak = st->tw_peak;
		rh.tw_cap = host_tw_cap(h);
		rh.syn_dropped_tw = (int64_t)st->syn_dropped_tw;
		rh.rst_ignored_tw = (int64_t)st->rst_ignored_tw;
		rh.acks_sent_tw = (int64_t)st->acks_sent_tw;
		rh.hazards = (int64_t)st->hazards;
		rh.tw_cap_effective = host_tw_cap_effective(h);
		rh.conn_failed_nobufs = (int64_t)st->conn_failed_nobufs;
		rh.conn_failed_addrinuse = (int64_t)st->conn_failed_addrinuse;
		rh.tw_rearmed = (int64_t)st->tw_rearmed;
		rh.tw_dropped_recycled = (int64_t)st->tw_dropped_recycled;
		rh.rexmt_data = (int64_t)st->rexmt_data;
		rh.rexmt_timeouts = (int64_t)st->rexmt_timeouts;
		rh.fast_rexmt = (int64_t)st->fast_rexmt;
		rh.first_addrnotavail_s = opt_seconds(st->first_addrnotavail);
		rh.connect_p50_s = lat_quantile(&rc->lat[i], 0.50);
		rh.connect_p99_s = lat_quantile(&rc->lat[i], 0.99);
		rh.connect_max_s = rc->lat[i].n ? rc->lat[i].max : NAN;
		rh.tw_reused = (int64_t)st->tw_reused;
		rh.tw_killed_rst = (int64_t)st->tw_killed_rst;
		if (results_host_stats(rc->db, rc->run_id, &rh) != RESULTS_OK)
			return -1;
	}
	return 0;
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
connections_started(const struct run_ctx *rc)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < rc->run->nworkloads; i++)
		if (rc->workloads[i] != NULL)
			n += workload_started(rc->workloads[i]);
	return n;
}

/*
 * The results row of a run: what defines it (scenario, parameters, seed,
 * repetition) and where it stands in the command's run list.  Returns the
 * parameter array rr points into (free it after use), NULL when out of
 * memory.
 */
static struct results_kv *
results_run_of(const struct scenario_run *run, const struct runner_opts *opts,
    struct results_run *rr)
{
	struct results_kv *kv;
	size_t i;

	if ((kv = calloc(run->nparams + 1, sizeof(*kv))) == NULL)
		return NULL;
	for (i = 0; i < run->nparams; i++) {
		kv[i].key = run->params[i].key;
		kv[i].value = run->params[i].value;
	}
	memset(rr, 0, sizeof(*rr));
	rr->scenario = opts->scenario != NULL ? opts->scenario : run->name;
	rr->sweep = run->label;
	rr->repetition = (int)run->repetition;
	rr->seed = run->seed & INT64_MAX;
	rr->version = opts->version;
	rr->run_index = (int64_t)run->index;
	rr->nparams = run->nparams;
	rr->params = kv;
	return kv;
}

int
runner_identity(const struct scenario_run *run,
    const struct runner_opts *opts, struct results_identity *id)
{
	struct results_run rr;
	struct results_kv *kv;
	int rc;

	if ((kv = results_run_of(run, opts, &rr)) == NULL)
		return -1;
	rc = results_identity(&rr, id);
	free(kv);
	return rc == RESULTS_OK ? 0 : -1;
}

int
runner_run(const struct scenario_run *run, struct results *db,
    const struct runner_opts *opts, struct runner_result *res, char *err,
    size_t errlen)
{
	struct run_ctx rc;
	struct results_run rr;
	struct change_ev *changes = NULL;
	struct results_kv *kv;
	enum sim_stop_reason why = SIM_STOP_TIME;
	const char *status;
	double t0 = wall_now();
	sim_time_t slice;
	size_t i;

	memset(&rc, 0, sizeof(rc));
	rc.pool_free = -1;
	memset(res, 0, sizeof(*res));
	rc.run = run;
	rc.db = db;
	rc.check_invariants = opts->check_invariants;

	if ((kv = results_run_of(run, opts, &rr)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	i = results_run_begin(db, &rr, &rc.run_id) != RESULTS_OK;
	free(kv);
	if (i) {
		snprintf(err, errlen, "%s", results_errmsg(db));
		return -1;
	}

	rc.sim = sim_create(run->seed);
	if (rc.sim == NULL) {
		snprintf(rc.errbuf, sizeof(rc.errbuf), "out of memory");
		rc.failed = 1;
		goto record;
	}
	if (opts->stop_flag != NULL)
		sim_set_stop_flag(rc.sim, opts->stop_flag);
	if (build_world(&rc, rc.errbuf, sizeof(rc.errbuf)) != 0 ||
	    open_captures(&rc, opts, rc.errbuf, sizeof(rc.errbuf)) != 0 ||
	    open_trace(&rc, opts, rc.errbuf, sizeof(rc.errbuf)) != 0) {
		rc.failed = 1;
		goto record;
	}
	if (run->nchanges > 0) {
		changes = calloc(run->nchanges, sizeof(*changes));
		if (changes == NULL) {
			snprintf(rc.errbuf, sizeof(rc.errbuf), "out of memory");
			rc.failed = 1;
			goto record;
		}
	}
	for (i = 0; i < run->nchanges; i++) {
		changes[i].rc = &rc;
		changes[i].ch = &run->changes[i];
		if (run->changes[i].at <= run->duration)
			sim_at(rc.sim, run->changes[i].at, apply_change,
			    &changes[i], NULL);
	}
	rc.sampler = sim_every(rc.sim, run->sample, run->sample, take_sample,
	    &rc);

	/*
	 * Run in slices of at most 1% of the run (and at most 1 simulated
	 * second) so progress updates stay smooth.  Events at exactly the
	 * end time run; nothing after it does.
	 */
	slice = run->duration / 100;
	if (slice > SIM_SEC)
		slice = SIM_SEC;
	if (slice <= 0)
		slice = run->duration > 0 ? run->duration : 1;
	while (!rc.failed) {
		sim_time_t until = sim_now(rc.sim) + slice;

		if (until > run->duration)
			until = run->duration;
		why = sim_run(rc.sim, until, 0);
		if (opts->progress != NULL) {
			struct runner_progress p;

			p.sim_seconds = sim_time_to_sec(sim_now(rc.sim));
			p.duration = sim_time_to_sec(run->duration);
			p.events = sim_events(rc.sim);
			p.connections = connections_started(&rc);
			p.queue = sim_queue_size(rc.sim);
			opts->progress(opts->progress_ctx, &p);
		}
		if (why == SIM_STOP_REQUEST || sim_now(rc.sim) >= run->duration)
			break;
		if (why == SIM_STOP_EMPTY) {
			/* Nothing left to happen: the clock jumps to the end. */
			sim_run(rc.sim, run->duration, 0);
			break;
		}
	}

record:
	if (rc.failed)
		status = RESULTS_STATUS_FAILED;
	else if (why == SIM_STOP_REQUEST)
		status = RESULTS_STATUS_INTERRUPTED;
	else
		status = RESULTS_STATUS_COMPLETE;
	if (rc.hosts != NULL && !rc.failed && write_host_stats(&rc) != 0) {
		snprintf(rc.errbuf, sizeof(rc.errbuf), "%s",
		    results_errmsg(db));
		rc.failed = 1;
		status = RESULTS_STATUS_FAILED;
	}
	if (rc.failed)
		(void)results_run_error(db, rc.run_id, rc.errbuf);
	res->events = rc.sim != NULL ? sim_events(rc.sim) : 0;
	res->sim_seconds = rc.sim != NULL ? sim_time_to_sec(sim_now(rc.sim)) : 0;
	res->connections = rc.workloads != NULL ? connections_started(&rc) : 0;
	res->wall_seconds = wall_now() - t0;
	res->status = rc.failed ? RUNNER_FAILED :
	    why == SIM_STOP_REQUEST ? RUNNER_INTERRUPTED : RUNNER_COMPLETE;
	if (rc.failed)
		snprintf(err, errlen, "%s", rc.errbuf);

	if (rc.sampler != NULL)
		sim_periodic_cancel(rc.sim, rc.sampler);
	/*
	 * Before the world goes: tearing it down closes the connections still
	 * open, which is no part of the run and must not be in the files
	 * nor in the trace.
	 */
	if (rc.trace != NULL) {
		trace_stop(rc.trace);
		fflush(opts->trace_out);
	}
	if (close_captures(&rc, rc.errbuf, sizeof(rc.errbuf)) != 0 &&
	    res->status != RUNNER_FAILED) {
		status = RESULTS_STATUS_FAILED;
		res->status = RUNNER_FAILED;
		(void)results_run_error(db, rc.run_id, rc.errbuf);
		snprintf(err, errlen, "%s", rc.errbuf);
	}
	destroy_world(&rc);
	trace_destroy(rc.trace);
	free(changes);
	if (rc.sim != NULL)
		sim_destroy(rc.sim);

	if (results_run_end(db, rc.run_id, status, res->sim_seconds,
	    res->wall_seconds, res->events, opts->replace ? RESULTS_REPLACE :
	    0, &res->action, &res->run_id) != RESULTS_OK) {
		snprintf(err, errlen, "%s", results_errmsg(db));
		return -1;
	}
	/* In this process the id is known now (a worker's parent renames). */
	if (opts->pcap_dir != NULL && opts->pcap_stem == NULL) {
		char stem[64];

		runner_pcap_stem(stem, sizeof(stem), (long)getpid(),
		    run->index);
		runner_pcap_finish(opts, run, stem, res->run_id,
		    res->action != RESULTS_SKIPPED);
	}
	return 0;
}

/*
 * Every check the models make when a run's world is built (an address
 * 0.0.0.0 or one too many for a host, workloads that share a server port
 * but disagree, ...) happens in build_world.  Building the world once per
 * sweep point before anything runs lets `twsim check` and `twsim run` refuse
 * such a scenario up front, with exactly the checks a run would make, instead
 * of recording failed runs.
 */
int
runner_check(const struct scenario_run *run, int *line, char *err,
    size_t errlen)
{
	struct run_ctx rc;
	int rv = 0;

	*line = 0;
	memset(&rc, 0, sizeof(rc));
	rc.run = run;
	rc.sim = sim_create(run->seed);
	if (rc.sim == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (build_world(&rc, err, errlen) != 0) {
		*line = rc.bad_line;
		rv = -1;
	}
	destroy_world(&rc);
	sim_destroy(rc.sim);
	return rv;
}

int
runner_check_scenario(const struct scenario *sc, char *err, size_t errlen)
{
	const struct scenario_run *r;
	char msg[512], where[32];
	size_t i;
	int line;

	/* Repetitions differ only in their seed: one build per sweep point. */
	for (i = 0; i < scenario_nruns(sc); i++) {
		r = scenario_run_at(sc, i);
		if (r->repetition != 0)
			continue;
		if (runner_check(r, &line, msg, sizeof(msg)) != 0) {
			/* As the loader says it: file, line, sweep point. */
			where[0] = '\0';
			if (line > 0)
				snprintf(where, sizeof(where), ":%d", line);
			snprintf(err, errlen, "%s%s: %s%s%s%s",
			    scenario_path(sc), where, msg,
			    r->label[0] != '\0' ? " (sweep point " : "",
			    r->label, r->label[0] != '\0' ? ")" : "");
			return -1;
		}
	}
	return 0;
}
