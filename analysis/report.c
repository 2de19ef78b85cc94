/*
 * report.c -- the summary of a results database for `twsim report`: per
 * sweep point and host, each metric's mean and 95% confidence interval over
 * the replications, and the rate limits the model predicts (report.h
 * explains them).  The numbers only: cmd_report.c prints them as text, CSV
 * or JSON, and report_plot.c turns them into charts.
 *
 * Only reads: the database is opened read-only by the caller (results.c
 * owns the schema; the column names used here are its public contract).
 * Every query is a prepared statement with bound values.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot.h"
#include "analysis/report.h"
#include "analysis/report_db.h"
#include "analysis/results.h"
#include "analysis/stats.h"
#include "models/linux.h"
#include "scenarios/units.h"
#include "sim/simtime.h"

static const struct report_metric_desc metric_descs[REPORT_NMETRICS] = {
	[REPORT_CONN_ATTEMPTED] = { "conn_attempted",
	    "connections attempted", "connections" },
	[REPORT_CONN_ESTABLISHED] = { "conn_established",
	    "connections established", "connections" },
	[REPORT_FAILED_ADDRNOTAVAIL] = { "conn_failed_addrnotavail",
	    "failed: EADDRNOTAVAIL", "connections" },
	[REPORT_FAILED_TIMEOUT] = { "conn_failed_timeout",
	    "failed: timeout", "connections" },
	[REPORT_FAILED_RESET] = { "conn_failed_reset",
	    "failed: reset", "connections" },
	[REPORT_FIRST_ADDRNOTAVAIL] = { "first_addrnotavail_s",
	    "first EADDRNOTAVAIL at", "s" },
	[REPORT_TW_PEAK] = { "tw_peak", "TIME_WAIT peak", "entries" },
	[REPORT_TW_MEAN] = { "tw_mean", "TIME_WAIT mean", "entries" },
	[REPORT_TW_CAP] = { "tw_cap", "TIME_WAIT zone cap", "entries" },
	[REPORT_AT_CAP_SHARE] = { "tw_at_cap_share",
	    "share of time at cap", "fraction" },
	[REPORT_RECYCLE_RATE] = { "tw_recycled_per_s",
	    "early recycles", "/s" },
	[REPORT_SYN_DROPPED_TW] = { "syn_dropped_tw",
	    "SYNs dropped by TIME_WAIT", "segments" },
	[REPORT_HAZARDS] = { "hazards", "hazards", "events" },
	[REPORT_CONNECT_P50] = { "connect_p50_s", "connect latency p50", "s" },
	[REPORT_CONNECT_P99] = { "connect_p99_s", "connect latency p99", "s" },
	[REPORT_CONNECT_MAX] = { "connect_max_s", "connect latency max", "s" },
	[REPORT_CONN_RATE] = { "conn_rate", "successful connection rate",
	    "/s" },
	[REPORT_TW_RATE] = { "tw_entered_per_s", "TIME_WAIT entry rate",
	    "/s" },
	[REPORT_TW_LIFE_MEAN] = { "tw_life_mean_s", "TIME_WAIT lifetime mean",
	    "s" },
	[REPORT_TW_LIFE_P50] = { "tw_life_p50_s", "TIME_WAIT lifetime p50",
	    "s" },
	[REPORT_TW_LIFE_P99] = { "tw_life_p99_s", "TIME_WAIT lifetime p99",
	    "s" },
	[REPORT_TW_ENTERED] = { "tw_entered", "TIME_WAIT entered", "entries" },
	[REPORT_TW_EXPIRED] = { "tw_expired",
	    "  ended after 2MSL (TW-12)", "entries" },
	[REPORT_TW_RECYCLED] = { "tw_recycled",
	    "  recycled early (TW-7)", "entries" },
	[REPORT_TW_REOPENED] = { "tw_reopened",
	    "  reopened by a SYN (TW-16)", "entries" },
	[REPORT_TW_SKIPPED_LOCAL] = { "tw_skipped_local",
	    "no TIME_WAIT: local (TW-6)", "connections" },
	[REPORT_TW_SKIPPED_NOMEM] = { "tw_skipped_nomem",
	    "no TIME_WAIT: zone full (TW-8)", "connections" },
	[REPORT_RST_IGNORED_TW] = { "rst_ignored_tw",
	    "RSTs ignored (TW-15)", "segments" },
	[REPORT_ACKS_SENT_TW] = { "acks_sent_tw",
	    "ACKs sent from TIME_WAIT", "segments" },
	[REPORT_TW_LIFETIME] = { "tw_lifetime_s",
	    "effective TIME_WAIT lifetime", "s" },
	[REPORT_LIMIT_PORTS] = { "limit_ports_rate",
	    "port-range limit (ports x addresses / L)", "/s" },
	[REPORT_LIMIT_CAP] = { "limit_cap_rate",
	    "zone-cap limit (effective cap / L)", "/s" },
	[REPORT_TW_CAP_EFFECTIVE] = { "tw_cap_effective",
	    "TIME_WAIT zone holds (whole slabs)", "entries" },
	[REPORT_FAILED_NOBUFS] = { "conn_failed_nobufs",
	    "failed: ENOBUFS (maxsockets)", "connections" },
	[REPORT_FAILED_ADDRINUSE] = { "conn_failed_addrinuse",
	    "failed: EADDRINUSE", "connections" },
	[REPORT_LIMIT_SOCKETS] = { "limit_sockets_rate",
	    "maxsockets limit (maxsockets / L)", "/s" },
};

const struct report_metric_desc *
report_metric_desc(enum report_metric m)
{

	if ((unsigned)m >= REPORT_NMETRICS)
		return (NULL);
	return (&metric_descs[m]);
}

const char *
report_limit_name(enum report_limit l)
{

	switch (l) {
	case REPORT_BINDS_PORTS:
		return ("ports");
	case REPORT_BINDS_CAP:
		return ("zone cap");
	case REPORT_BINDS_SOCKETS:
		return ("maxsockets");
	default:
		return ("unknown");
	}
}

/* ---- parameter values of a run ------------------------------------ */

static double
run_param_seconds(sqlite3_stmt *st, int64_t run_id, const char *key)
{
	char *v;
	double d;

	v = rdb_run_param(st, run_id, key);
	d = report_parse_seconds(v);
	free(v);
	return (d);
}

static double
host_param(sqlite3_stmt *st, int64_t run_id, const char *host,
    const char *key, double (*parse)(const char *))
{
	char name[256], *v;
	double d;

	snprintf(name, sizeof(name), "host.%s.%s", host, key);
	v = rdb_run_param(st, run_id, name);
	d = parse(v);
	free(v);
	return (d);
}

/* ---- building the report ----------------------------------------------- */

/* Per-run values of one host at one point, before summarising. */
struct acc {
	char	*host;
	char	 stack[16];			/* "" until the first run */
	size_t	 nruns;
	int64_t	 last_run;			/* valid once nruns > 0 */
	int	 lat_conn;
	/* periods of the first run; rates summed over the runs */
	size_t	 nper, nper_runs;
	struct report_period *per;
	double	*v[REPORT_NMETRICS + 5];
	size_t	 n[REPORT_NMETRICS + 5];
};
#define ACC_PORTS	REPORT_NMETRICS		/* usable ports */
#define ACC_LIFE	(REPORT_NMETRICS + 1)	/* L = 2 MSL + 0.25 s */
#define ACC_HOLD	(REPORT_NMETRICS + 2)	/* connect to close, ok */
#define ACC_ARATE	(REPORT_NMETRICS + 3)	/* attempts per second */
#define ACC_ADDRS	(REPORT_NMETRICS + 4)	/* addresses connected from */
#define ACC_NSLOTS	(REPORT_NMETRICS + 5)

struct accs {
	struct acc	*a;
	size_t		 n, cap, maxruns;
};

static void
accs_free(struct accs *as)
{
	size_t i, j;

	for (i = 0; i < as->n; i++) {
		free(as->a[i].host);
		free(as->a[i].per);
		for (j = 0; j < ACC_NSLOTS; j++)
			free(as->a[i].v[j]);
	}
	free(as->a);
	memset(as, 0, sizeof(*as));
}

/* The accumulator of `host`, created (sorted by name) when new. */
static struct acc *
accs_get(struct accs *as, const char *host)
{
	struct acc *na;
	size_t i, j;
	int c;

	for (i = 0; i < as->n; i++) {
		c = strcmp(as->a[i].host, host);
		if (c == 0)
			return (&as->a[i]);
		if (c > 0)
			break;
	}
	if (as->n == as->cap) {
		size_t ncap = as->cap != 0 ? as->cap * 2 : 4;

		if ((na = realloc(as->a, ncap * sizeof(*na))) == NULL)
			return (NULL);
		as->a = na;
		as->cap = ncap;
	}
	memmove(&as->a[i + 1], &as->a[i], (as->n - i) * sizeof(*as->a));
	memset(&as->a[i], 0, sizeof(as->a[i]));
	as->n++;
	if ((as->a[i].host = strdup(host)) == NULL)
		goto fail;
	for (j = 0; j < ACC_NSLOTS; j++)
		if ((as->a[i].v[j] = calloc(as->maxruns, sizeof(double))) ==
		    NULL)
			goto fail;
	return (&as->a[i]);
fail:
	/* Leave a consistent entry behind for accs_free(). */
	return (NULL);
}

/* The host's stack in this run; "mixed" when runs disagree. */
static void
acc_stack(struct acc *a, const char *stack)
{

	if (a->stack[0] == '\0')
		snprintf(a->stack, sizeof(a->stack), "%s", stack);
	else if (strcmp(a->stack, stack) != 0)
		snprintf(a->stack, sizeof(a->stack), "mixed");
}

static void
acc_add(struct acc *a, int slot, double v)
{

	if (isfinite(v))
		a->v[slot][a->n[slot]++] = v;
}

const char *const REPORT_TABLES[] = {
	"runs", "params", "samples", "host_stats", "connection_stats", NULL
};

/* Statements shared by every run of a report. */
struct rstmts {
	sqlite3_stmt	*param;		/* value of (run, key) */
	sqlite3_stmt	*hosts;		/* run_summary rows of a run */
	sqlite3_stmt	*samples;	/* tw mean, share at cap, count */
	sqlite3_stmt	*conns;		/* connection_stats of (run, host) */
	sqlite3_stmt	*clients;	/* workloads' client values of a run */
	sqlite3_stmt	*lifetime;	/* samples of the second half */
	sqlite3_stmt	*hold;		/* mean time an ok connection lasts */
	sqlite3_stmt	*changes;	/* [at] params of a run */
	sqlite3_stmt	*counters;	/* cumulative counters at a time */
};

static void
rstmts_finalize(struct rstmts *s)
{

	sqlite3_finalize(s->param);
	sqlite3_finalize(s->hosts);
	sqlite3_finalize(s->samples);
	sqlite3_finalize(s->conns);
	sqlite3_finalize(s->clients);
	sqlite3_finalize(s->lifetime);
	sqlite3_finalize(s->hold);
	sqlite3_finalize(s->changes);
	sqlite3_finalize(s->counters);
}

/* Column order of the `hosts` statement. */
enum {
	H_HOST, H_ATTEMPTED, H_ESTABLISHED, H_ADDRNOTAVAIL, H_TIMEOUT,
	H_RESET, H_FIRST_EADDR, H_PEAK, H_CAP, H_RECYCLED, H_SYNDROP,
	H_HAZARDS, H_P50, H_P99, H_MAX, H_ENTERED, H_EXPIRED, H_REOPENED,
	H_SKIP_LOCAL, H_SKIP_NOMEM, H_RST_IGN, H_ACKS_TW, H_ACTIVITY, H_CAP_EFF,
	H_NOBUFS, H_ADDRINUSE
};

static int
rstmts_prepare(sqlite3 *db, struct rstmts *s, char *err, size_t errlen)
{

	memset(s, 0, sizeof(*s));
	if (sqlite3_prepare_v2(db,
	    "SELECT value FROM params WHERE run_id = ?1 AND key = ?2",
	    -1, &s->param, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	    "SELECT host, conn_attempted, conn_established,"
	    " conn_failed_addrnotavail, conn_failed_timeout,"
	    " conn_failed_reset, first_addrnotavail_s, tw_peak, tw_cap,"
	    " tw_recycled, syn_dropped_tw, hazards, connect_p50_s,"
	    " connect_p99_s, connect_max_s, tw_entered, tw_expired,"
	    " tw_reopened, tw_skipped_local, tw_skipped_nomem,"
	    " rst_ignored_tw, acks_sent_tw,"
	    /* A host "did something" if any of its counters moved. */
	    " conn_attempted + conn_established + tw_entered + tw_peak +"
	    " syn_dropped_tw + rst_ignored_tw + acks_sent_tw + hazards +"
	    " tw_skipped_local + tw_skipped_nomem + conn_failed_nobufs,"
	    " tw_cap_effective, conn_failed_nobufs, conn_failed_addrinuse"
	    " FROM run_summary WHERE run_id = ?1 AND host IS NOT NULL"
	    " ORDER BY host", -1, &s->hosts, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	    "SELECT avg(tw_count),"
	    " avg(CASE WHEN tw_cap_effective > 0 AND"
	    "     tw_count >= tw_cap_effective"
	    "     THEN 1.0 ELSE 0.0 END), count(*)"
	    " FROM samples WHERE run_id = ?1 AND host = ?2",
	    -1, &s->samples, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	    "SELECT connect_n, connect_p50_s, connect_p99_s, connect_max_s,"
	    " tw_n, tw_life_mean_s, tw_life_p50_s, tw_life_p99_s"
	    " FROM connection_stats WHERE run_id = ?1 AND host = ?2",
	    -1, &s->conns, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	    "SELECT value FROM params WHERE run_id = ?1"
	    " AND key GLOB 'workload.*.client'", -1, &s->clients,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	    "SELECT avg(tw_count), max(tw_entered) - min(tw_entered),"
	    " max(t) - min(t) FROM samples"
	    " WHERE run_id = ?1 AND host = ?2 AND t >= ?3",
	    -1, &s->lifetime, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	    "SELECT avg(ports_in_use - tw_count) FROM samples"
	    " WHERE run_id = ?1 AND host = ?2", -1, &s->hold,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	    "SELECT key, value FROM params WHERE run_id = ?1"
	    " AND key LIKE 'at.%' ORDER BY key", -1, &s->changes,
	    NULL) != SQLITE_OK ||
	    /* The last sample at or before ?3, and the tw_cap of the last
	       one inside (?3, ?4): a sample at a change's very time may
	       come before or after it. */
	    sqlite3_prepare_v2(db,
	    "SELECT (SELECT tw_entered FROM samples WHERE run_id = ?1"
	    "  AND host = ?2 AND t <= ?3 ORDER BY t DESC LIMIT 1),"
	    " (SELECT conn_attempted FROM samples WHERE run_id = ?1"
	    "  AND host = ?2 AND t <= ?3 ORDER BY t DESC LIMIT 1),"
	    " (SELECT tw_cap FROM samples WHERE run_id = ?1"
	    "  AND host = ?2 AND t < ?4 AND t > ?3 ORDER BY t DESC LIMIT 1)",
	    -1, &s->counters, NULL) != SQLITE_OK) {
		rdb_sqlerr(db, err, errlen, "cannot prepare report queries");
		rstmts_finalize(s);
		memset(s, 0, sizeof(*s));	/* the caller finalizes again */
		return (REPORT_ESQL);
	}
	return (REPORT_OK);
}

/*
 * What the run's connection rows say of a host (results.h
 * connection_stats, written at the end of the run, so no row is read
 * here): connect latency p50, p99, max in lat[0..2] when it was the client
 * of established connections (*nlat their number), TIME_WAIT lifetime
 * mean, p50, p99 in tw[0..2] over those it held (*ntw).  Both 0 when the
 * run recorded no rows; an error is REPORT_ESQL.
 */
static int
conn_stats(struct rstmts *s, int64_t run_id, const char *host,
    int64_t *nlat, double lat[3], int64_t *ntw, double tw[3])
{
	int rc, i;

	*nlat = *ntw = 0;
	sqlite3_reset(s->conns);
	sqlite3_bind_int64(s->conns, 1, run_id);
	sqlite3_bind_text(s->conns, 2, host, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s->conns);
	if (rc == SQLITE_ROW) {
		*nlat = sqlite3_column_int64(s->conns, 0);
		*ntw = sqlite3_column_int64(s->conns, 4);
		for (i = 0; i < 3; i++) {
			lat[i] = rdb_col_double(s->conns, 1 + i);
			tw[i] = rdb_col_double(s->conns, 5 + i);
		}
		rc = SQLITE_DONE;
	}
	if (rc != SQLITE_DONE)
		return (REPORT_ESQL);	/* the caller reads the error */
	sqlite3_reset(s->conns);
	return (REPORT_OK);
}

/* Adds one complete run's values to the point's accumulators. */
/*
 * The effective TIME_WAIT lifetime of a host in one run, by Little's law
 * over the second half of the run (past the first fill of the zone): the
 * mean number of entries over the entry rate.  NAN without entries.
 */
static double
tw_lifetime(struct rstmts *s, int64_t run_id, const char *host,
    double duration)
{
	double mean, entered, span, v = NAN;

	sqlite3_reset(s->lifetime);
	sqlite3_bind_int64(s->lifetime, 1, run_id);
	sqlite3_bind_text(s->lifetime, 2, host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(s->lifetime, 3, duration / 2);
	if (sqlite3_step(s->lifetime) == SQLITE_ROW) {
		mean = rdb_col_double(s->lifetime, 0);
		entered = rdb_col_double(s->lifetime, 1);
		span = rdb_col_double(s->lifetime, 2);
		if (entered > 0 && span > 0)
			v = mean / (entered / span);
	}
	sqlite3_reset(s->lifetime);
	return (v);
}

/*
 * The local addresses a host's connections go out from, each with its own
 * ports (PORT-3): every address it owns when a workload names the host
 * alone (WL-9: round-robin over them), else the distinct ones workloads
 * pin it to (client = HOST/ADDRESS); all it owns when no workload names
 * it.  1 when the run does not say.
 */
static double
client_addresses(struct rstmts *s, int64_t run_id, const char *host)
{
	const char *v;
	char *pinned[64];
	size_t hl = strlen(host), np = 0, i;
	double owned;
	int all = 0;

	owned = host_param(s->param, run_id, host, "address",
	    report_address_count);
	if (isnan(owned))
		owned = 1;
	sqlite3_reset(s->clients);
	sqlite3_bind_int64(s->clients, 1, run_id);
	while (!all && sqlite3_step(s->clients) == SQLITE_ROW) {
		if ((v = (const char *)sqlite3_column_text(s->clients, 0)) ==
		    NULL || strncmp(v, host, hl) != 0)
			continue;
		if (v[hl] == '\0')
			all = 1;
		else if (v[hl] == '/') {
			for (i = 0; i < np; i++)
				if (strcmp(pinned[i], v + hl + 1) == 0)
					break;
			if (i == np && np < sizeof(pinned) / sizeof(*pinned) &&
			    (pinned[np] = strdup(v + hl + 1)) != NULL)
				np++;
		}
	}
	sqlite3_reset(s->clients);
	for (i = 0; i < np; i++)
		free(pinned[i]);
	return (all || np == 0 ? owned : (double)np);
}

/*
 * Mean time a client's connection holds its port before TIME_WAIT --
 * connecting, established, and closing: FIN_WAIT_1 and FIN_WAIT_2, which
 * a peer slow to close (close_delay) makes long -- by Little's law from
 * the samples (mean ports in use outside TIME_WAIT / establishment rate):
 * the per-host aggregates, never the connection rows, so it costs the
 * same for a run of ten million connections.  NAN without samples or
 * connections.  (A Linux orphan's FIN_WAIT2 bucket, LNX-24, is counted
 * in tw_count and so not here.)
 */
static double
hold_time(struct rstmts *s, int64_t run_id, const char *host, double rate)
{
	double v = NAN;

	sqlite3_reset(s->hold);
	sqlite3_bind_int64(s->hold, 1, run_id);
	sqlite3_bind_text(s->hold, 2, host, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s->hold) == SQLITE_ROW && rate > 0)
		v = rdb_col_double(s->hold, 0) / rate;
	sqlite3_reset(s->hold);
	return (v);
}

/* ---- limits that follow [at] changes -------------------------------- */

#define MAXPERIODS	64

/*
 * A change of `host` in params key "at.<T>.<host>.<key>": its time and
 * key, or 0 when the key is of another host or not a limit's tunable.
 */
static int
at_change(const char *pkey, const char *host, double *t, const char **key)
{
	static const char *const keys[] = { "msl", "portrange", "maxtcptw",
	    "maxsockets", NULL };
	char tbuf[64], suffix[300];
	size_t n, sl;
	int i;

	for (i = 0; keys[i] != NULL; i++) {
		snprintf(suffix, sizeof(suffix), ".%s.%s", host, keys[i]);
		n = strlen(pkey);
		sl = strlen(suffix);
		if (n <= 3 + sl || strncmp(pkey, "at.", 3) != 0 ||
		    strcmp(pkey + n - sl, suffix) != 0)
			continue;
		if (n - sl - 3 >= sizeof(tbuf))
			return (0);
		memcpy(tbuf, pkey + 3, n - sl - 3);
		tbuf[n - sl - 3] = '\0';
		*t = report_parse_seconds(tbuf);
		*key = keys[i];
		return (!isnan(*t));
	}
	return (0);
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* Cumulative tw_entered and conn_attempted at t, and the cap in (t, t1). */
static void
counters_at(struct rstmts *s, int64_t run_id, const char *host, double t,
    double t1, double *entered, double *attempted, double *cap)
{
	sqlite3_reset(s->counters);
	sqlite3_bind_int64(s->counters, 1, run_id);
	sqlite3_bind_text(s->counters, 2, host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(s->counters, 3, t);
	sqlite3_bind_double(s->counters, 4, t1);
	*entered = *attempted = *cap = NAN;
	if (sqlite3_step(s->counters) == SQLITE_ROW) {
		*entered = rdb_col_double(s->counters, 0);
		*attempted = rdb_col_double(s->counters, 1);
		*cap = rdb_col_double(s->counters, 2);
	}
	sqlite3_reset(s->counters);
	/* Before the first sample nothing has happened yet. */
	if (isnan(*entered))
		*entered = 0;
	if (isnan(*attempted))
		*attempted = 0;
}

/*
 * One run's periods for a host with [at] changes: boundaries at 0, at
 * each change of msl, portrange, maxtcptw or maxsockets, and at the end;
 * msl and portrange in force from the params, the cap from the samples
 * (so the sysctls' own semantics need no second implementation here),
 * rates from the cumulative counters at the boundaries.  The first run
 * of a point sets the periods; later runs add their rates.
 */
static void
add_periods(struct rstmts *s, int64_t run_id, const char *host,
    double duration, double msl0, double slack, double ports0,
    double addrs, struct acc *a)
{
	struct report_period p[MAXPERIODS];
	double bound[MAXPERIODS + 1], ct[MAXPERIODS], t, e0, e1, a0, a1, cap;
	const char *ck[MAXPERIODS], *key;
	char *cv[MAXPERIODS];
	double msl, ports;
	size_t nb = 0, nc = 0, i, j;

	sqlite3_reset(s->changes);
	sqlite3_bind_int64(s->changes, 1, run_id);
	while (sqlite3_step(s->changes) == SQLITE_ROW && nc < MAXPERIODS - 1) {
		if (!at_change((const char *)sqlite3_column_text(s->changes, 0),
		    host, &t, &key) || !(t > 0 && t < duration))
			continue;
		ct[nc] = t;
		ck[nc] = key;
		cv[nc] = strdup((const char *)sqlite3_column_text(s->changes,
		    1));
		if (cv[nc] == NULL)
			break;
		nc++;
	}
	sqlite3_reset(s->changes);
	if (nc == 0)
		return;
	bound[nb++] = 0;
	for (i = 0; i < nc; i++)
		bound[nb++] = ct[i];
	qsort(bound, nb, sizeof(*bound), dbl_cmp);
	for (i = j = 1; i < nb; i++)
		if (bound[i] != bound[j - 1])
			bound[j++] = bound[i];
	nb = j;
	bound[nb] = duration;
	for (i = 0; i < nb; i++) {
		/* What is in force from bound[i]: the last change before. */
		msl = msl0;
		ports = ports0;
		for (j = 0; j < nc; j++)
			if (ct[j] <= bound[i]) {
				if (strcmp(ck[j], "msl") == 0)
					msl = report_parse_seconds(cv[j]);
				else if (strcmp(ck[j], "portrange") == 0)
					ports = report_portrange_size(cv[j]);
			}
		counters_at(s, run_id, host, bound[i], bound[i + 1], &e0, &a0,
		    &cap);
		counters_at(s, run_id, host, bound[i + 1], bound[i + 1], &e1,
		    &a1, &t);
		memset(&p[i], 0, sizeof(p[i]));
		p[i].t0 = bound[i];
		p[i].t1 = bound[i + 1];
		p[i].cap = cap;
		p[i].life = 2.0 * msl + slack;
		p[i].ports = ports;
		p[i].limit_ports = ports * addrs / p[i].life;
		p[i].limit_cap = cap > 0 ? cap / p[i].life : NAN;
		p[i].tw_rate = (e1 - e0) / (p[i].t1 - p[i].t0);
		p[i].attempt_rate = (a1 - a0) / (p[i].t1 - p[i].t0);
	}
	for (j = 0; j < nc; j++)
		free(cv[j]);
	if (a->per == NULL) {
		if ((a->per = calloc(nb, sizeof(*a->per))) == NULL)
			return;
		memcpy(a->per, p, nb * sizeof(*p));
		a->nper = nb;
		a->nper_runs = 1;
		return;
	}
	if (nb != a->nper)
		return;		/* other boundaries: not pooled */
	for (i = 0; i < nb; i++) {
		a->per[i].tw_rate += p[i].tw_rate;
		a->per[i].attempt_rate += p[i].attempt_rate;
	}
	a->nper_runs++;
}

static int
add_run(sqlite3 *db, struct rstmts *s, int64_t run_id, double duration,
    const char *only, struct accs *as, char *err, size_t errlen)
{
	sqlite3_stmt *h;
	struct acc *a;
	const char *host;
	double q[3], tw[3], ports, addrs, msl, slack, life, cap, v;
	int64_t nlat, ntw;
	int rc;

	h = s->hosts;
	sqlite3_reset(h);
	sqlite3_bind_int64(h, 1, run_id);
	while ((rc = sqlite3_step(h)) == SQLITE_ROW) {
		if (sqlite3_column_int64(h, H_ACTIVITY) <= 0)
			continue;
		host = rdb_col_text(h, H_HOST);
		if (only != NULL && strcmp(host, only) != 0)
			continue;
		if ((a = accs_get(as, host)) == NULL) {
			sqlite3_reset(h);
			rdb_seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
		/*
		 * One row per (run, host), or the accumulator (room for one
		 * value per run) would overflow: only a damaged or edited file
		 * has two (found by tests/fuzz/fuzz_results).
		 */
		if (a->nruns > 0 && a->last_run == run_id) {
			rdb_seterr(err, errlen, "run %lld has two run_summary "
			    "rows for host '%s' (a damaged database?)",
			    (long long)run_id, host);
			sqlite3_reset(h);
			return (REPORT_ESQL);
		}
		a->last_run = run_id;
		a->nruns++;
		acc_add(a, REPORT_CONN_ATTEMPTED,
		    rdb_col_double(h, H_ATTEMPTED));
		acc_add(a, REPORT_CONN_ESTABLISHED,
		    rdb_col_double(h, H_ESTABLISHED));
		acc_add(a, REPORT_FAILED_ADDRNOTAVAIL,
		    rdb_col_double(h, H_ADDRNOTAVAIL));
		acc_add(a, REPORT_FAILED_TIMEOUT, rdb_col_double(h, H_TIMEOUT));
		acc_add(a, REPORT_FAILED_RESET, rdb_col_double(h, H_RESET));
		/* NULL when it never happened: such runs are not counted. */
		acc_add(a, REPORT_FIRST_ADDRNOTAVAIL,
		    rdb_col_double(h, H_FIRST_EADDR));
		acc_add(a, REPORT_TW_PEAK, rdb_col_double(h, H_PEAK));
		acc_add(a, REPORT_TW_CAP, rdb_col_double(h, H_CAP));
		cap = rdb_col_double(h, H_CAP_EFF);
		acc_add(a, REPORT_TW_CAP_EFFECTIVE, cap);
		acc_add(a, REPORT_FAILED_NOBUFS, rdb_col_double(h, H_NOBUFS));
		acc_add(a, REPORT_FAILED_ADDRINUSE,
		    rdb_col_double(h, H_ADDRINUSE));
		acc_add(a, REPORT_RECYCLE_RATE,
		    rdb_col_double(h, H_RECYCLED) / duration);
		acc_add(a, REPORT_SYN_DROPPED_TW, rdb_col_double(h, H_SYNDROP));
		acc_add(a, REPORT_HAZARDS, rdb_col_double(h, H_HAZARDS));
		acc_add(a, REPORT_CONN_RATE,
		    rdb_col_double(h, H_ESTABLISHED) / duration);
		acc_add(a, REPORT_TW_RATE,
		    rdb_col_double(h, H_ENTERED) / duration);
		acc_add(a, REPORT_TW_ENTERED, rdb_col_double(h, H_ENTERED));
		acc_add(a, REPORT_TW_EXPIRED, rdb_col_double(h, H_EXPIRED));
		acc_add(a, REPORT_TW_RECYCLED, rdb_col_double(h, H_RECYCLED));
		acc_add(a, REPORT_TW_REOPENED, rdb_col_double(h, H_REOPENED));
		acc_add(a, REPORT_TW_SKIPPED_LOCAL,
		    rdb_col_double(h, H_SKIP_LOCAL));
		acc_add(a, REPORT_TW_SKIPPED_NOMEM,
		    rdb_col_double(h, H_SKIP_NOMEM));
		acc_add(a, REPORT_RST_IGNORED_TW, rdb_col_double(h, H_RST_IGN));
		acc_add(a, REPORT_ACKS_SENT_TW, rdb_col_double(h, H_ACKS_TW));
		acc_add(a, ACC_ARATE, rdb_col_double(h, H_ATTEMPTED) /
		    duration);
		acc_add(a, ACC_HOLD, hold_time(s, run_id, host,
		    rdb_col_double(h, H_ESTABLISHED) / duration));

		sqlite3_reset(s->samples);
		sqlite3_bind_int64(s->samples, 1, run_id);
		sqlite3_bind_text(s->samples, 2, host, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(s->samples);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			rc = rdb_sqlerr(db, err, errlen, "cannot read samples");
			sqlite3_reset(s->samples);
			sqlite3_reset(h);
			return (rc);
		}
		if (rc == SQLITE_ROW &&
		    sqlite3_column_int64(s->samples, 2) > 0) {
			acc_add(a, REPORT_TW_MEAN,
			    rdb_col_double(s->samples, 0));
			acc_add(a, REPORT_AT_CAP_SHARE,
			    rdb_col_double(s->samples, 1));
		}
		sqlite3_reset(s->samples);

		/*
		 * Exact quantiles from the run's connection rows when it
		 * recorded them (their aggregates, connection_stats), else
		 * the runner's (1% buckets) in host_stats.
		 */
		if (conn_stats(s, run_id, host, &nlat, q, &ntw, tw) !=
		    REPORT_OK) {
			rc = rdb_sqlerr(db, err, errlen,
			    "cannot read connection_stats");
			sqlite3_reset(s->conns);
			sqlite3_reset(h);
			return (rc);
		}
		if (nlat == 0) {
			q[0] = rdb_col_double(h, H_P50);
			q[1] = rdb_col_double(h, H_P99);
			q[2] = rdb_col_double(h, H_MAX);
		} else
			a->lat_conn = 1;
		acc_add(a, REPORT_CONNECT_P50, q[0]);
		acc_add(a, REPORT_CONNECT_P99, q[1]);
		acc_add(a, REPORT_CONNECT_MAX, q[2]);
		if (ntw > 0) {
			acc_add(a, REPORT_TW_LIFE_MEAN, tw[0]);
			acc_add(a, REPORT_TW_LIFE_P50, tw[1]);
			acc_add(a, REPORT_TW_LIFE_P99, tw[2]);
		}

		ports = host_param(s->param, run_id, host, "portrange",
		    report_portrange_size);
		{
			char name[256], *st;

			snprintf(name, sizeof(name), "host.%s.stack", host);
			st = rdb_run_param(s->param, run_id, name);
			/* A database from before stacks: FreeBSD 9. */
			acc_stack(a, st != NULL ? st : "freebsd9");
			free(st);
		}
		if (strcmp(a->stack, "linux") == 0) {
			/*
			 * LNX-11, LNX-12: TCP_TIMEWAIT_LEN plus, on average,
			 * half the timer wheel's granularity at that level.
			 */
			double hz = host_param(s->param, run_id, host, "hz",
			    report_param_number);

			life = isnan(hz) ? NAN :
			    sim_time_to_sec(LINUX_TIMEWAIT_LEN +
			    timer_wheel_granularity(LINUX_TIMEWAIT_LEN,
			    (int)hz) / 2);
			/* No msl: the periods keep this L (slack 0). */
			msl = life / 2.0;
			slack = 0.0;
		} else {
			msl = host_param(s->param, run_id, host, "msl",
			    report_parse_seconds);
			/* F14-2: FreeBSD 14's own timer has no scan slack. */
			slack = strcmp(a->stack, "freebsd14") == 0 ? 0.0 :
			    REPORT_TW_SCAN_SLACK_S;
			life = 2.0 * msl + slack;
		}
		addrs = client_addresses(s, run_id, host);
		acc_add(a, ACC_PORTS, ports);
		acc_add(a, ACC_ADDRS, addrs);
		acc_add(a, ACC_LIFE, life);
		add_periods(s, run_id, host, duration, msl, slack, ports, addrs,
		    a);
		/*
		 * Little's law needs the zone in steady state: only when the
		 * second half of the run starts after a full lifetime.
		 */
		if (duration / 2 >= life)
			acc_add(a, REPORT_TW_LIFETIME, tw_lifetime(s, run_id,
			    host, duration));
		acc_add(a, REPORT_LIMIT_PORTS, ports * addrs / life);
		/* UMA-4: an effective cap of 0 is no limit. */
		v = cap > 0 ? cap / life : NAN;
		acc_add(a, REPORT_LIMIT_CAP, v);
		/*
		 * SOCK-1: FreeBSD 9's pcbs, TIME_WAIT ones included (FreeBSD
		 * 14's cap is maxsockets already; Linux has none).
		 */
		if (strcmp(a->stack, "freebsd9") == 0)
			acc_add(a, REPORT_LIMIT_SOCKETS, host_param(s->param,
			    run_id, host, "maxsockets", report_param_number) /
			    life);
	}
	sqlite3_reset(h);
	if (rc != SQLITE_DONE)
		return (rdb_sqlerr(db, err, errlen, "cannot read run_summary"));
	return (REPORT_OK);
}

static enum report_limit
binding_limit(const struct report_host *rh)
{
	double v[3];
	enum report_limit which[3] = { REPORT_BINDS_PORTS, REPORT_BINDS_CAP,
	    REPORT_BINDS_SOCKETS };
	enum report_limit b = REPORT_LIMIT_UNKNOWN;
	double best = NAN;
	int i;

	v[0] = rh->m[REPORT_LIMIT_PORTS].mean;
	v[1] = rh->m[REPORT_LIMIT_CAP].mean;
	v[2] = rh->m[REPORT_LIMIT_SOCKETS].mean;
	/* No connect(), no ephemeral port: the range cannot bind. */
	if (!(rh->m[REPORT_CONN_ATTEMPTED].mean > 0))
		v[0] = NAN;
	/* The smallest binds; on a tie, the first in this order. */
	for (i = 0; i < 3; i++)
		if (!isnan(v[i]) && (isnan(best) || v[i] < best)) {
			best = v[i];
			b = which[i];
		}
	return (b);
}

/*
 * The advice of report.h for a client host, from the means of its runs:
 * arate attempts per second, hold the connect-to-close time (NAN: no
 * records, taken as 0: TIME_WAIT dominates).
 */
static void
advise(struct report_host *rh, double arate, double hold)
{
	double twrate = rh->m[REPORT_TW_RATE].mean;

	rh->hold_s = hold;
	rh->ports_needed = rh->addrs_needed = rh->cap_safe = NAN;
	rh->tw_life_at_cap_s = NAN;
	if (!(arate > 0) || isnan(rh->tw_lifetime_s))
		return;
	if (isnan(hold))
		hold = 0;
	/* Little's law: ports held = arrival rate x time each is held. */
	rh->ports_needed = ceil(arate * (hold + rh->tw_lifetime_s));
	if (rh->usable_ports > 0) {
		rh->addrs_needed = ceil(rh->ports_needed / rh->usable_ports);
		/* F14-4: FreeBSD 14 has no TIME_WAIT cap to trade for ports. */
		if (strcmp(rh->stack, "freebsd14") == 0)
			return;
		rh->cap_safe = floor(rh->usable_ports * (isnan(rh->addrs) ? 1 :
		    rh->addrs) - arate * hold);
		if (rh->cap_safe < 0)
			rh->cap_safe = 0;
		/*
		 * TW-7: past the cap FreeBSD 9 recycles the oldest entry, so
		 * each lasts cap / entry rate.  LNX-9: past tcp_max_tw_buckets
		 * Linux gives a close no TIME_WAIT at all, and the entries
		 * that exist keep their full length: no shorter lifetime.
		 */
		if (twrate > 0 && strcmp(rh->stack, "linux") != 0)
			rh->tw_life_at_cap_s = rh->cap_safe / twrate;
	}
}

static int
summarise(struct accs *as, struct report_point *pt)
{
	struct report_host *rh;
	struct acc *a;
	size_t i, j;

	if (as->n == 0)
		return (REPORT_OK);
	if ((pt->hosts = calloc(as->n, sizeof(*pt->hosts))) == NULL)
		return (REPORT_ENOMEM);
	for (i = 0; i < as->n; i++) {
		a = &as->a[i];
		rh = &pt->hosts[pt->nhosts++];
		rh->host = a->host;
		a->host = NULL;
		snprintf(rh->stack, sizeof(rh->stack), "%s", a->stack);
		rh->nruns = a->nruns;
		rh->latency_from_connections = a->lat_conn;
		for (j = 0; j < REPORT_NMETRICS; j++)
			stats_ci95(a->v[j], a->n[j], &rh->m[j]);
		rh->usable_ports = stats_mean(a->v[ACC_PORTS], a->n[ACC_PORTS]);
		rh->addrs = stats_mean(a->v[ACC_ADDRS], a->n[ACC_ADDRS]);
		rh->tw_lifetime_s = stats_mean(a->v[ACC_LIFE], a->n[ACC_LIFE]);
		rh->binding = binding_limit(rh);
		advise(rh, stats_mean(a->v[ACC_ARATE], a->n[ACC_ARATE]),
		    stats_mean(a->v[ACC_HOLD], a->n[ACC_HOLD]));
		/* The periods, with the rates as means over the runs. */
		rh->periods = a->per;
		rh->nperiods = a->nper;
		a->per = NULL;
		for (j = 0; j < rh->nperiods; j++) {
			rh->periods[j].tw_rate /= (double)a->nper_runs;
			rh->periods[j].attempt_rate /= (double)a->nper_runs;
		}
	}
	return (REPORT_OK);
}

void
report_free(struct report *r)
{
	struct report_point *pt;
	size_t i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->npoints; i++) {
		pt = &r->points[i];
		free(pt->scenario);
		free(pt->sweep);
		free(pt->run_ids);
		for (j = 0; j < pt->nhosts; j++) {
			free(pt->hosts[j].host);
			free(pt->hosts[j].periods);
		}
		free(pt->hosts);
	}
	free(r->points);
	free(r);
}

/* Index of the point (scenario, sweep) in r, appending it when new. */
static struct report_point *
point_get(struct report *r, size_t *cap, const char *scenario,
    const char *sweep)
{
	struct report_point *np;
	size_t i;

	for (i = 0; i < r->npoints; i++)
		if (strcmp(r->points[i].scenario, scenario) == 0 &&
		    strcmp(r->points[i].sweep, sweep) == 0)
			return (&r->points[i]);
	if (r->npoints == *cap) {
		size_t ncap = *cap != 0 ? *cap * 2 : 8;

		if ((np = realloc(r->points, ncap * sizeof(*np))) == NULL)
			return (NULL);
		r->points = np;
		*cap = ncap;
	}
	np = &r->points[r->npoints];
	memset(np, 0, sizeof(*np));
	np->scenario = strdup(scenario);
	np->sweep = strdup(sweep);
	r->npoints++;
	if (np->scenario == NULL || np->sweep == NULL)
		return (NULL);
	return (np);
}

int
report_build(sqlite3 *db, const struct report_filter *f,
    struct report **out, char *err, size_t errlen)
{
	struct report_filter nofilter = { 0, NULL, NULL };
	struct report *r;
	struct report_point *pt;
	struct rstmts s;
	struct accs as;
	sqlite3_stmt *st;
	const char *status;
	double duration, *durs;
	size_t cap, i, nruns, nall = 0, runcap = 0, nhosts = 0;
	int64_t id, *ids, *rids = NULL;
	char **rscen = NULL, **rlabel = NULL, **rstatus = NULL, **strs;
	int rc;

	*out = NULL;
	if (f == NULL)
		f = &nofilter;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		rdb_seterr(err, errlen, "out of memory");
		return (REPORT_ENOMEM);
	}
	cap = 0;
	nruns = 0;
	memset(&as, 0, sizeof(as));
	memset(&s, 0, sizeof(s));
	st = NULL;

	/*
	 * Pass 1: the runs, their pools (rdb_pool_labels()), then the points
	 * and their complete runs, in run order.
	 */
	if ((rc = rdb_filter_runs(db, f, &st,
	    "run_id, scenario, sweep, status", err, errlen)) != REPORT_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nall == runcap) {
			size_t nc = runcap != 0 ? runcap * 2 : 64;

			if ((ids = realloc(rids, nc * sizeof(*ids))) == NULL)
				goto nomem;
			rids = ids;
			if ((strs = realloc(rscen, nc * sizeof(*strs))) ==
			    NULL)
				goto nomem;
			rscen = strs;
			if ((strs = realloc(rlabel, nc * sizeof(*strs))) ==
			    NULL)
				goto nomem;
			rlabel = strs;
			if ((strs = realloc(rstatus, nc * sizeof(*strs))) ==
			    NULL)
				goto nomem;
			rstatus = strs;
			runcap = nc;
		}
		rids[nall] = sqlite3_column_int64(st, 0);
		rscen[nall] = rdb_col_strdup(st, 1);
		rlabel[nall] = rdb_col_strdup(st, 2);
		rstatus[nall] = rdb_col_strdup(st, 3);
		nall++;
		if (rscen[nall - 1] == NULL || rlabel[nall - 1] == NULL ||
		    rstatus[nall - 1] == NULL)
			goto nomem;
	}
	if (rc != SQLITE_DONE) {
		rc = rdb_sqlerr(db, err, errlen, "cannot read runs");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (nall == 0) {
		rc = rdb_no_match(db, f, err, errlen);
		goto out;
	}
	if ((rc = rdb_pool_labels(db, nall, rids, rscen, rlabel, err,
	    errlen)) != REPORT_OK)
		goto out;
	for (i = 0; i < nall; i++) {
		pt = point_get(r, &cap, rscen[i], rlabel[i]);
		if (pt == NULL)
			goto nomem;
		status = rstatus[i];
		if (strcmp(status, RESULTS_STATUS_COMPLETE) != 0) {
			if (strcmp(status, RESULTS_STATUS_FAILED) == 0) {
				pt->nfailed++;
				r->nfailed++;
			} else {
				pt->ninterrupted++;
				r->ninterrupted++;
			}
			continue;
		}
		ids = realloc(pt->run_ids, (pt->nruns + 1) * sizeof(*ids));
		if (ids == NULL)
			goto nomem;
		pt->run_ids = ids;
		pt->run_ids[pt->nruns++] = rids[i];
	}

	/* Pass 2: per point, every run's host rows, then the summaries. */
	if ((rc = rstmts_prepare(db, &s, err, errlen)) != REPORT_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT sim_seconds FROM runs"
	    " WHERE run_id = ?1", -1, &st, NULL) != SQLITE_OK) {
		rc = rdb_sqlerr(db, err, errlen, "cannot read runs");
		goto out;
	}
	for (i = 0; i < r->npoints; i++) {
		pt = &r->points[i];
		as.maxruns = pt->nruns;
		durs = calloc(pt->nruns + 1, sizeof(*durs));
		if (durs == NULL)
			goto nomem;
		for (nruns = 0; nruns < pt->nruns; nruns++) {
			id = pt->run_ids[nruns];
			/*
			 * The workload runs for run.duration; sim_seconds
			 * (the clock at the end) is the fallback.
			 */
			duration = run_param_seconds(s.param, id,
			    "run.duration");
			if (!(duration > 0)) {
				sqlite3_reset(st);
				sqlite3_bind_int64(st, 1, id);
				duration = sqlite3_step(st) == SQLITE_ROW ?
				    rdb_col_double(st, 0) : NAN;
				sqlite3_reset(st);
			}
			if (!(duration > 0))
				duration = NAN;
			durs[nruns] = duration;
			rc = add_run(db, &s, id, duration, f->host, &as, err,
			    errlen);
			if (rc != REPORT_OK) {
				free(durs);
				goto out;
			}
		}
		pt->duration_s = stats_mean(durs, pt->nruns);
		free(durs);
		if (summarise(&as, pt) != REPORT_OK)
			goto nomem;
		accs_free(&as);
		nhosts += pt->nhosts;
	}
	if (f->host != NULL && nhosts == 0) {
		rdb_seterr(err, errlen, "no host '%s' did anything in the "
		    "selected runs", f->host);
		rc = REPORT_EINVAL;
		goto out;
	}
	rc = REPORT_OK;
	goto out;
nomem:
	rdb_seterr(err, errlen, "out of memory");
	rc = REPORT_ENOMEM;
out:
	sqlite3_finalize(st);
	rstmts_finalize(&s);
	accs_free(&as);
	for (i = 0; i < nall; i++) {
		free(rscen[i]);
		free(rlabel[i]);
		free(rstatus[i]);
	}
	free(rids);
	free(rscen);
	free(rlabel);
	free(rstatus);
	if (rc != REPORT_OK)
		report_free(r);
	else
		*out = r;
	return (rc);
}

