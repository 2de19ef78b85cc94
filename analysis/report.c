/*
 * report.c -- summaries of a results database for `twsim report` and
 * `twsim plot`: per sweep point and host, each metric's mean and 95%
 * confidence interval over the replications, the rate limits the model
 * predicts, and the series of the charts.
 *
 * Only reads: the database is opened read-only by the caller (results.c
 * owns the schema; the column names used here are its public contract).
 * Every query is a prepared statement with bound values; the only names
 * put into SQL text are columns validated against PRAGMA table_info.
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
#include "analysis/results.h"
#include "analysis/stats.h"
#include "scenarios/units.h"

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
	[REPORT_LIMIT_PORTS] = { "limit_ports_rate",
	    "port-range limit (ports / L)", "/s" },
	[REPORT_LIMIT_CAP] = { "limit_cap_rate",
	    "zone-cap limit (cap / L)", "/s" },
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
	default:
		return ("unknown");
	}
}

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
sqlerr(sqlite3 *db, char *err, size_t errlen, const char *what)
{

	seterr(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
	return (REPORT_ESQL);
}

static double
col_double(sqlite3_stmt *st, int i)
{

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return (NAN);
	return (sqlite3_column_double(st, i));
}

static char *
col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s;

	s = sqlite3_column_text(st, i);
	return (strdup(s != NULL ? (const char *)s : ""));
}

/* ---- parameter values ---------------------------------------------------- */

/*
 * The canonical text of a parameter ("30s", "20/s", "10000-65535") is read
 * back with the scenario format's own parsers (scenarios/units.c), so a
 * value means the same to the report as it did to the run.
 */
double
report_parse_seconds(const char *value)
{
	sim_time_t t;

	if (value == NULL || units_parse_time(value, &t, NULL, 0) != 0)
		return (NAN);
	return (sim_time_to_sec(t));
}

double
report_portrange_size(const char *value)
{
	int first, last;

	if (value == NULL ||
	    units_parse_portrange(value, &first, &last, NULL, 0) != 0)
		return (NAN);
	return ((double)(last - first + 1));
}

double
report_param_number(const char *value)
{
	char *end;
	double v;

	if (value == NULL)
		return (NAN);
	if (!isnan(v = report_portrange_size(value)))
		return (v);
	if (!isnan(v = report_parse_seconds(value)))
		return (v);
	v = strtod(value, &end);
	if (end == value)
		return (NAN);
	return (v);	/* "20/s", "16KiB", "0.01": the number, unit stripped */
}

/* The unit report_param_number() left the number in, for axis labels. */
static const char *
param_unit(const char *value)
{
	char *end;

	if (!isnan(report_portrange_size(value)))
		return ("ports");
	if (!isnan(report_parse_seconds(value))) {
		strtod(value, &end);
		return (*end != '\0' ? "s" : "");
	}
	strtod(value, &end);
	if (strncmp(end, "/s", 2) == 0)
		return ("/s");
	return (end);
}

/* The value of `key` in run `run_id`, malloc'd, or NULL. */
static char *
run_param(sqlite3_stmt *st, int64_t run_id, const char *key)
{
	char *v;

	v = NULL;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = col_strdup(st, 0);
	sqlite3_reset(st);
	return (v);
}

static double
run_param_seconds(sqlite3_stmt *st, int64_t run_id, const char *key)
{
	char *v;
	double d;

	v = run_param(st, run_id, key);
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
	v = run_param(st, run_id, name);
	d = parse(v);
	free(v);
	return (d);
}

/* ---- building the report ----------------------------------------------- */

/* Per-run values of one host at one point, before summarising. */
struct acc {
	char	*host;
	size_t	 nruns;
	int	 lat_conn;
	double	*v[REPORT_NMETRICS + 2];	/* + usable ports, lifetime */
	size_t	 n[REPORT_NMETRICS + 2];
};
#define ACC_PORTS	REPORT_NMETRICS
#define ACC_LIFE	(REPORT_NMETRICS + 1)
#define ACC_NSLOTS	(REPORT_NMETRICS + 2)

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

static void
acc_add(struct acc *a, int slot, double v)
{

	if (isfinite(v))
		a->v[slot][a->n[slot]++] = v;
}

/* Statements shared by every run of a report. */
struct rstmts {
	sqlite3_stmt	*param;		/* value of (run, key) */
	sqlite3_stmt	*hosts;		/* run_summary rows of a run */
	sqlite3_stmt	*samples;	/* tw mean, share at cap, count */
	sqlite3_stmt	*latency;	/* connect latencies of a client */
};

static void
rstmts_finalize(struct rstmts *s)
{

	sqlite3_finalize(s->param);
	sqlite3_finalize(s->hosts);
	sqlite3_finalize(s->samples);
	sqlite3_finalize(s->latency);
}

/* Column order of the `hosts` statement. */
enum {
	H_HOST, H_ATTEMPTED, H_ESTABLISHED, H_ADDRNOTAVAIL, H_TIMEOUT,
	H_RESET, H_FIRST_EADDR, H_PEAK, H_CAP, H_RECYCLED, H_SYNDROP,
	H_HAZARDS, H_P50, H_P99, H_MAX, H_ENTERED, H_ACTIVITY
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
	    " connect_p99_s, connect_max_s, tw_entered,"
	    /* A host "did something" if any of its counters moved. */
	    " conn_attempted + conn_established + tw_entered + tw_peak +"
	    " syn_dropped_tw + rst_ignored_tw + acks_sent_tw + hazards +"
	    " tw_skipped_local + tw_skipped_nomem"
	    " FROM run_summary WHERE run_id = ?1 AND host IS NOT NULL"
	    " ORDER BY host", -1, &s->hosts, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	    "SELECT avg(tw_count),"
	    " avg(CASE WHEN tw_cap > 0 AND tw_count >= tw_cap"
	    "     THEN 1.0 ELSE 0.0 END), count(*)"
	    " FROM samples WHERE run_id = ?1 AND host = ?2",
	    -1, &s->samples, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	    "SELECT t_established - t_start FROM connections"
	    " WHERE run_id = ?1 AND client = ?2"
	    " AND t_established IS NOT NULL ORDER BY 1",
	    -1, &s->latency, NULL) != SQLITE_OK) {
		sqlerr(db, err, errlen, "cannot prepare report queries");
		rstmts_finalize(s);
		return (REPORT_ESQL);
	}
	return (REPORT_OK);
}

/* Connect-latency quantiles of one client from its connection records;
 * 0 when the run recorded none. */
static int
latency_quantiles(struct rstmts *s, int64_t run_id, const char *host,
    double q[3])
{
	double *x, *nx;
	size_t n, cap;
	int rc;

	x = NULL;
	n = cap = 0;
	sqlite3_reset(s->latency);
	sqlite3_bind_int64(s->latency, 1, run_id);
	sqlite3_bind_text(s->latency, 2, host, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s->latency)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 256;
			if ((nx = realloc(x, cap * sizeof(*x))) == NULL) {
				free(x);
				sqlite3_reset(s->latency);
				return (REPORT_ENOMEM);
			}
			x = nx;
		}
		x[n++] = sqlite3_column_double(s->latency, 0);
	}
	sqlite3_reset(s->latency);
	if (rc != SQLITE_DONE) {
		free(x);
		return (REPORT_ESQL);
	}
	if (n == 0)
		return (0);
	/* Sorted by the query (ORDER BY 1). */
	q[0] = stats_quantile_sorted(x, n, 0.50);
	q[1] = stats_quantile_sorted(x, n, 0.99);
	q[2] = x[n - 1];
	free(x);
	return (1);
}

/* Adds one complete run's values to the point's accumulators. */
static int
add_run(sqlite3 *db, struct rstmts *s, int64_t run_id, double duration,
    struct accs *as, char *err, size_t errlen)
{
	sqlite3_stmt *h;
	struct acc *a;
	const char *host;
	double q[3], ports, msl, life, cap, v;
	int rc, lat;

	h = s->hosts;
	sqlite3_reset(h);
	sqlite3_bind_int64(h, 1, run_id);
	while ((rc = sqlite3_step(h)) == SQLITE_ROW) {
		if (sqlite3_column_int64(h, H_ACTIVITY) <= 0)
			continue;
		host = (const char *)sqlite3_column_text(h, H_HOST);
		if ((a = accs_get(as, host)) == NULL) {
			sqlite3_reset(h);
			seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
		a->nruns++;
		acc_add(a, REPORT_CONN_ATTEMPTED, col_double(h, H_ATTEMPTED));
		acc_add(a, REPORT_CONN_ESTABLISHED,
		    col_double(h, H_ESTABLISHED));
		acc_add(a, REPORT_FAILED_ADDRNOTAVAIL,
		    col_double(h, H_ADDRNOTAVAIL));
		acc_add(a, REPORT_FAILED_TIMEOUT, col_double(h, H_TIMEOUT));
		acc_add(a, REPORT_FAILED_RESET, col_double(h, H_RESET));
		/* NULL when it never happened: such runs are not counted. */
		acc_add(a, REPORT_FIRST_ADDRNOTAVAIL,
		    col_double(h, H_FIRST_EADDR));
		acc_add(a, REPORT_TW_PEAK, col_double(h, H_PEAK));
		cap = col_double(h, H_CAP);
		acc_add(a, REPORT_TW_CAP, cap);
		acc_add(a, REPORT_RECYCLE_RATE,
		    col_double(h, H_RECYCLED) / duration);
		acc_add(a, REPORT_SYN_DROPPED_TW, col_double(h, H_SYNDROP));
		acc_add(a, REPORT_HAZARDS, col_double(h, H_HAZARDS));
		acc_add(a, REPORT_CONN_RATE,
		    col_double(h, H_ESTABLISHED) / duration);
		acc_add(a, REPORT_TW_RATE, col_double(h, H_ENTERED) / duration);

		sqlite3_reset(s->samples);
		sqlite3_bind_int64(s->samples, 1, run_id);
		sqlite3_bind_text(s->samples, 2, host, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s->samples) == SQLITE_ROW &&
		    sqlite3_column_int64(s->samples, 2) > 0) {
			acc_add(a, REPORT_TW_MEAN, col_double(s->samples, 0));
			acc_add(a, REPORT_AT_CAP_SHARE,
			    col_double(s->samples, 1));
		}
		sqlite3_reset(s->samples);

		lat = latency_quantiles(s, run_id, host, q);
		if (lat < 0) {
			sqlite3_reset(h);
			if (lat == REPORT_ENOMEM) {
				seterr(err, errlen, "out of memory");
				return (REPORT_ENOMEM);
			}
			return (sqlerr(db, err, errlen,
			    "cannot read connections"));
		}
		if (lat == 0) {
			q[0] = col_double(h, H_P50);
			q[1] = col_double(h, H_P99);
			q[2] = col_double(h, H_MAX);
		} else
			a->lat_conn = 1;
		acc_add(a, REPORT_CONNECT_P50, q[0]);
		acc_add(a, REPORT_CONNECT_P99, q[1]);
		acc_add(a, REPORT_CONNECT_MAX, q[2]);

		ports = host_param(s->param, run_id, host, "portrange",
		    report_portrange_size);
		msl = host_param(s->param, run_id, host, "msl",
		    report_parse_seconds);
		life = 2.0 * msl + REPORT_TW_SCAN_SLACK_S;
		acc_add(a, ACC_PORTS, ports);
		acc_add(a, ACC_LIFE, life);
		acc_add(a, REPORT_LIMIT_PORTS, ports / life);
		v = cap > 0 ? cap / life : NAN;
		acc_add(a, REPORT_LIMIT_CAP, v);
	}
	sqlite3_reset(h);
	if (rc != SQLITE_DONE)
		return (sqlerr(db, err, errlen, "cannot read run_summary"));
	return (REPORT_OK);
}

static enum report_limit
binding_limit(const struct report_host *rh)
{
	double p, c;

	p = rh->m[REPORT_LIMIT_PORTS].mean;
	c = rh->m[REPORT_LIMIT_CAP].mean;
	/* No connect(), no ephemeral port: the range cannot bind. */
	if (!(rh->m[REPORT_CONN_ATTEMPTED].mean > 0))
		p = NAN;
	if (isnan(p) && isnan(c))
		return (REPORT_LIMIT_UNKNOWN);
	if (isnan(c))
		return (REPORT_BINDS_PORTS);
	if (isnan(p))
		return (REPORT_BINDS_CAP);
	return (p <= c ? REPORT_BINDS_PORTS : REPORT_BINDS_CAP);
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
		rh->nruns = a->nruns;
		rh->latency_from_connections = a->lat_conn;
		for (j = 0; j < REPORT_NMETRICS; j++)
			stats_ci95(a->v[j], a->n[j], &rh->m[j]);
		rh->usable_ports = stats_mean(a->v[ACC_PORTS], a->n[ACC_PORTS]);
		rh->tw_lifetime_s = stats_mean(a->v[ACC_LIFE], a->n[ACC_LIFE]);
		rh->binding = binding_limit(rh);
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
		for (j = 0; j < pt->nhosts; j++)
			free(pt->hosts[j].host);
		free(pt->hosts);
	}
	free(r->points);
	free(r);
}

/* Names the valid choices when a filter selects nothing. */
static int
no_match(sqlite3 *db, const struct report_filter *f, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	char list[512];
	size_t len;

	list[0] = '\0';
	len = 0;
	if (f->run_id > 0) {
		if (sqlite3_prepare_v2(db, "SELECT min(run_id), max(run_id),"
		    " count(*) FROM runs", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int64(st, 2) > 0)
			snprintf(list, sizeof(list), " (runs %lld to %lld)",
			    (long long)sqlite3_column_int64(st, 0),
			    (long long)sqlite3_column_int64(st, 1));
		sqlite3_finalize(st);
		seterr(err, errlen, "no run %lld%s%s%s in the database%s",
		    (long long)f->run_id, f->scenario != NULL ?
		    " of scenario '" : "", f->scenario != NULL ?
		    f->scenario : "", f->scenario != NULL ? "'" : "", list);
		return (REPORT_ENOMATCH);
	}
	if (f->scenario != NULL) {
		if (sqlite3_prepare_v2(db, "SELECT DISTINCT scenario FROM runs"
		    " ORDER BY scenario", -1, &st, NULL) == SQLITE_OK) {
			while (sqlite3_step(st) == SQLITE_ROW &&
			    len + 4 < sizeof(list)) {
				snprintf(list + len, sizeof(list) - len,
				    "%s%s", len == 0 ? "" : ", ",
				    sqlite3_column_text(st, 0));
				len = strlen(list);
			}
		}
		sqlite3_finalize(st);
		seterr(err, errlen, "no scenario '%s' in the database "
		    "(scenarios: %s)", f->scenario, len > 0 ? list : "none");
		return (REPORT_ENOMATCH);
	}
	seterr(err, errlen, "the database holds no runs");
	return (REPORT_ENOMATCH);
}

static int
filter_runs(sqlite3 *db, const struct report_filter *f, sqlite3_stmt **st,
    const char *what, char *err, size_t errlen)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT %s FROM runs"
	    " WHERE (?1 <= 0 OR run_id = ?1) AND (?2 IS NULL OR scenario = ?2)"
	    " ORDER BY run_id", what);
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return (sqlerr(db, err, errlen, "cannot read runs"));
	sqlite3_bind_int64(*st, 1, f->run_id);
	if (f->scenario != NULL)
		sqlite3_bind_text(*st, 2, f->scenario, -1, SQLITE_TRANSIENT);
	return (REPORT_OK);
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
	struct report_filter nofilter = { 0, NULL };
	struct report *r;
	struct report_point *pt;
	struct rstmts s;
	struct accs as;
	sqlite3_stmt *st;
	const char *status;
	double duration, *durs;
	size_t cap, i, nruns;
	int64_t id, *ids;
	int rc;

	*out = NULL;
	if (f == NULL)
		f = &nofilter;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		seterr(err, errlen, "out of memory");
		return (REPORT_ENOMEM);
	}
	cap = 0;
	nruns = 0;
	memset(&as, 0, sizeof(as));
	memset(&s, 0, sizeof(s));
	st = NULL;

	/* Pass 1: the points and their complete runs, in run order. */
	if ((rc = filter_runs(db, f, &st,
	    "run_id, scenario, sweep, status", err, errlen)) != REPORT_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nruns++;
		pt = point_get(r, &cap,
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2));
		if (pt == NULL)
			goto nomem;
		status = (const char *)sqlite3_column_text(st, 3);
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
		pt->run_ids[pt->nruns++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		rc = sqlerr(db, err, errlen, "cannot read runs");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (nruns == 0) {
		rc = no_match(db, f, err, errlen);
		goto out;
	}

	/* Pass 2: per point, every run's host rows, then the summaries. */
	if ((rc = rstmts_prepare(db, &s, err, errlen)) != REPORT_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT sim_seconds FROM runs"
	    " WHERE run_id = ?1", -1, &st, NULL) != SQLITE_OK) {
		rc = sqlerr(db, err, errlen, "cannot read runs");
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
				    col_double(st, 0) : NAN;
				sqlite3_reset(st);
			}
			if (!(duration > 0))
				duration = NAN;
			durs[nruns] = duration;
			rc = add_run(db, &s, id, duration, &as, err, errlen);
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
	}
	rc = REPORT_OK;
	goto out;
nomem:
	seterr(err, errlen, "out of memory");
	rc = REPORT_ENOMEM;
out:
	sqlite3_finalize(st);
	rstmts_finalize(&s);
	accs_free(&as);
	if (rc != REPORT_OK)
		report_free(r);
	else
		*out = r;
	return (rc);
}

/* ---- twsim plot ---------------------------------------------------------- */

static const struct {
	const char	*column;
	const char	*label;
} column_labels[] = {
	{ "tw_count", "TIME_WAIT entries" },
	{ "tw_cap", "TIME_WAIT zone cap (entries)" },
	{ "ports_in_use", "ephemeral ports in use" },
	{ "established", "ESTABLISHED connections" },
	{ "conn_attempted", "connections attempted (cumulative)" },
	{ "conn_established", "connections established (cumulative)" },
	{ "conn_failed_addrnotavail",
	    "connections failed with EADDRNOTAVAIL (cumulative)" },
	{ "conn_failed_timeout", "connections timed out (cumulative)" },
	{ "conn_failed_reset", "connections reset (cumulative)" },
	{ "tw_entered", "TIME_WAIT entered (cumulative)" },
	{ "tw_expired", "TIME_WAIT expired after 2MSL (cumulative)" },
	{ "tw_recycled", "TIME_WAIT recycled early (cumulative)" },
	{ "tw_reopened", "TIME_WAIT reopened by a new SYN (cumulative)" },
	{ "tw_skipped_local", "TIME_WAIT skipped, nolocaltimewait" },
	{ "tw_skipped_nomem", "TIME_WAIT skipped, zone allocation failed" },
	{ "tw_peak", "TIME_WAIT peak (entries)" },
	{ "syn_dropped_tw", "SYNs dropped by TIME_WAIT (cumulative)" },
	{ "rst_ignored_tw", "RSTs ignored in TIME_WAIT" },
	{ "acks_sent_tw", "ACKs sent from TIME_WAIT" },
	{ "hazards", "hazards (cumulative)" },
	{ "first_addrnotavail_s", "time to first EADDRNOTAVAIL (s)" },
	{ "connect_p50_s", "connect latency p50 (s)" },
	{ "connect_p99_s", "connect latency p99 (s)" },
	{ "connect_max_s", "connect latency max (s)" },
};

const char *
report_column_label(const char *column)
{
	size_t i;

	for (i = 0; i < sizeof(column_labels) / sizeof(column_labels[0]); i++)
		if (strcmp(column_labels[i].column, column) == 0)
			return (column_labels[i].label);
	return (column);
}

/* A growable list of strings. */
struct strv {
	char	**s;
	size_t	  n, cap;
};

static void
strv_free(struct strv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->s[i]);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

static int
strv_has(const struct strv *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->s[i], s) == 0)
			return (1);
	return (0);
}

static int
strv_add(struct strv *v, const char *s)
{
	char **ns;

	if (v->n == v->cap) {
		size_t ncap = v->cap != 0 ? v->cap * 2 : 16;

		if ((ns = realloc(v->s, ncap * sizeof(*ns))) == NULL)
			return (REPORT_ENOMEM);
		v->s = ns;
		v->cap = ncap;
	}
	if ((v->s[v->n] = strdup(s)) == NULL)
		return (REPORT_ENOMEM);
	v->n++;
	return (REPORT_OK);
}

/* "a, b, c" into buf (truncated to fit). */
static const char *
strv_join(const struct strv *v, char *buf, size_t len)
{
	size_t i, used;

	buf[0] = '\0';
	used = 0;
	for (i = 0; i < v->n && used + 1 < len; i++) {
		snprintf(buf + used, len - used, "%s%s", i == 0 ? "" : ", ",
		    v->s[i]);
		used = strlen(buf);
	}
	return (buf);
}

/*
 * The plottable columns of a table or view, from the schema itself (so a
 * column results.c adds is plottable at once), minus identifying ones.
 */
static int
table_columns(sqlite3 *db, const char *table, struct strv *out, char *err,
    size_t errlen)
{
	static const char *const skip[] = {
		"run_id", "t", "host", "scenario", "sweep", "repetition",
		"seed", "status", NULL
	};
	sqlite3_stmt *st;
	char sql[128];
	const char *name;
	size_t i;
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (sqlerr(db, err, errlen, "cannot read the schema"));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 1);
		for (i = 0; skip[i] != NULL; i++)
			if (strcmp(skip[i], name) == 0)
				break;
		if (skip[i] == NULL && strv_add(out, name) != REPORT_OK) {
			sqlite3_finalize(st);
			seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (sqlerr(db, err, errlen, "cannot read the schema"));
	return (REPORT_OK);
}

/* The runs a chart draws: complete ones, or the one asked for. */
struct prun {
	int64_t	 id;
	char	*scenario;
	char	*sweep;
	int	 repetition;
};

struct pruns {
	struct prun	*r;
	size_t		 n;
};

static void
pruns_free(struct pruns *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->r[i].scenario);
		free(p->r[i].sweep);
	}
	free(p->r);
	memset(p, 0, sizeof(*p));
}

static int
select_runs(sqlite3 *db, const struct report_plot_opts *o, struct pruns *p,
    char *err, size_t errlen)
{
	struct report_filter f;
	struct prun *nr;
	sqlite3_stmt *st;
	size_t seen;
	int rc;

	f.run_id = o->run_id;
	f.scenario = o->scenario;
	if ((rc = filter_runs(db, &f, &st,
	    "run_id, scenario, sweep, repetition, status", err, errlen)) !=
	    REPORT_OK)
		return (rc);
	seen = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		seen++;
		/* A run asked for by id is drawn whatever its status. */
		if (o->run_id <= 0 && strcmp((const char *)
		    sqlite3_column_text(st, 4), RESULTS_STATUS_COMPLETE) != 0)
			continue;
		if ((nr = realloc(p->r, (p->n + 1) * sizeof(*nr))) == NULL) {
			sqlite3_finalize(st);
			seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
		p->r = nr;
		nr = &p->r[p->n++];
		nr->id = sqlite3_column_int64(st, 0);
		nr->scenario = col_strdup(st, 1);
		nr->sweep = col_strdup(st, 2);
		nr->repetition = sqlite3_column_int(st, 3);
		if (nr->scenario == NULL || nr->sweep == NULL) {
			sqlite3_finalize(st);
			seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (sqlerr(db, err, errlen, "cannot read runs"));
	if (seen == 0)
		return (no_match(db, &f, err, errlen));
	if (p->n == 0) {
		seterr(err, errlen, "no complete run to plot (%zu failed or "
		    "interrupted)", seen);
		return (REPORT_ENOMATCH);
	}
	return (REPORT_OK);
}

/* "scenario web" or "scenarios web, db" for titles. */
static void
scenario_names(const struct pruns *p, char *buf, size_t len)
{
	struct strv v;
	char list[256];
	size_t i;

	memset(&v, 0, sizeof(v));
	for (i = 0; i < p->n; i++)
		if (!strv_has(&v, p->r[i].scenario))
			(void)strv_add(&v, p->r[i].scenario);
	snprintf(buf, len, "scenario%s %s", v.n > 1 ? "s" : "",
	    strv_join(&v, list, sizeof(list)));
	strv_free(&v);
}

/*
 * The hosts to draw in run `id`: the one asked for, else those whose
 * counters moved (the same test as the report's).
 */
static int
run_hosts(sqlite3 *db, int64_t id, const char *only, struct strv *out,
    char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT host FROM run_summary"
	    " WHERE run_id = ?1 AND host IS NOT NULL AND (?2 IS NOT NULL OR"
	    " conn_attempted + conn_established + tw_entered + tw_peak +"
	    " syn_dropped_tw + rst_ignored_tw + acks_sent_tw + hazards +"
	    " tw_skipped_local + tw_skipped_nomem > 0)"
	    " AND (?2 IS NULL OR host = ?2)"
	    " UNION SELECT DISTINCT host FROM samples"
	    " WHERE run_id = ?1 AND host = ?2 ORDER BY 1",
	    -1, &st, NULL) != SQLITE_OK)
		return (sqlerr(db, err, errlen, "cannot read hosts"));
	sqlite3_bind_int64(st, 1, id);
	if (only != NULL)
		sqlite3_bind_text(st, 2, only, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (strv_add(out, (const char *)sqlite3_column_text(st, 0)) !=
		    REPORT_OK) {
			sqlite3_finalize(st);
			seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (sqlerr(db, err, errlen, "cannot read hosts"));
	return (REPORT_OK);
}

/* Every host name of the selected runs, for "unknown host" messages. */
static int
unknown_host(sqlite3 *db, const struct pruns *p, const char *host, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	struct strv v;
	char list[512];
	size_t i;

	memset(&v, 0, sizeof(v));
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT host FROM host_stats"
	    " WHERE run_id = ?1 UNION SELECT DISTINCT host FROM samples"
	    " WHERE run_id = ?1 ORDER BY 1", -1, &st, NULL) == SQLITE_OK) {
		for (i = 0; i < p->n; i++) {
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, p->r[i].id);
			while (sqlite3_step(st) == SQLITE_ROW)
				if (!strv_has(&v, (const char *)
				    sqlite3_column_text(st, 0)))
					(void)strv_add(&v, (const char *)
					    sqlite3_column_text(st, 0));
		}
	}
	sqlite3_finalize(st);
	seterr(err, errlen, "no host '%s' in the selected runs (hosts: %s)",
	    host, v.n > 0 ? strv_join(&v, list, sizeof(list)) : "none");
	strv_free(&v);
	return (REPORT_EINVAL);
}

/* "run 3 rate=20/s rep 1", the legend of one run's line. */
static void
run_label(const struct prun *r, const char *host, char *buf, size_t len)
{

	snprintf(buf, len, "run %lld%s%s rep %d%s%s", (long long)r->id,
	    r->sweep[0] != '\0' ? " " : "", r->sweep, r->repetition,
	    host != NULL ? " " : "", host != NULL ? host : "");
}

static int
plot_time_series(sqlite3 *db, const struct report_plot_opts *o,
    const struct pruns *p, struct plot **out, char *err, size_t errlen)
{
	struct plot *pl;
	struct strv cols, hosts, groups;
	sqlite3_stmt *st;
	char list[1024], sql[256], title[2048], label[512];
	size_t i, j, k, npoints, nlines;
	int rc, multihost;

	memset(&cols, 0, sizeof(cols));
	memset(&hosts, 0, sizeof(hosts));
	memset(&groups, 0, sizeof(groups));
	st = NULL;
	pl = NULL;
	if ((rc = table_columns(db, "samples", &cols, err, errlen)) !=
	    REPORT_OK)
		goto out;
	if (!strv_has(&cols, o->metric)) {
		struct strv sum;

		memset(&sum, 0, sizeof(sum));
		(void)table_columns(db, "run_summary", &sum, NULL, 0);
		seterr(err, errlen, "unknown metric '%s' for a time series "
		    "(samples columns: %s)%s", o->metric,
		    strv_join(&cols, list, sizeof(list)),
		    strv_has(&sum, o->metric) ? "; it is a per-run total: "
		    "plot it against a parameter with --by PARAM" : "");
		strv_free(&sum);
		rc = REPORT_EINVAL;
		goto out;
	}
	/* The name is one of the table's own columns: safe to quote in. */
	snprintf(sql, sizeof(sql), "SELECT t, \"%s\" FROM samples"
	    " WHERE run_id = ?1 AND host = ?2 ORDER BY t", o->metric);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = sqlerr(db, err, errlen, "cannot read samples");
		goto out;
	}
	/* Name the host in legends unless a single host is drawn. */
	for (i = 0; i < p->n; i++)
		if ((rc = run_hosts(db, p->r[i].id, o->host, &hosts, err,
		    errlen)) != REPORT_OK)
			goto out;
	for (i = 0; i < hosts.n; i++)
		if (strcmp(hosts.s[i], hosts.s[0]) != 0)
			break;
	multihost = i < hosts.n;
	scenario_names(p, list, sizeof(list));
	snprintf(title, sizeof(title), "%s over time, %s%s%s",
	    report_column_label(o->metric), !multihost && hosts.n > 0 ?
	    "host " : "", !multihost && hosts.n > 0 ? hosts.s[0] : "",
	    !multihost && hosts.n > 0 ? ", " : "");
	snprintf(title + strlen(title), sizeof(title) - strlen(title), "%s",
	    list);
	pl = plot_create(PLOT_LINES, title, "simulated time (s)",
	    report_column_label(o->metric));
	if (pl == NULL)
		goto nomem;
	nlines = 0;
	for (i = 0; i < p->n; i++) {
		strv_free(&hosts);
		if ((rc = run_hosts(db, p->r[i].id, o->host, &hosts, err,
		    errlen)) != REPORT_OK)
			goto out;
		for (j = 0; j < hosts.n; j++) {
			run_label(&p->r[i], multihost ? hosts.s[j] : NULL,
			    label, sizeof(label));
			if (plot_add_series(pl, label) != PLOT_OK)
				goto nomem;
			/* Replications of one point and host: one colour. */
			snprintf(label, sizeof(label), "%s\037%s\037%s",
			    p->r[i].scenario, p->r[i].sweep, hosts.s[j]);
			for (k = 0; k < groups.n; k++)
				if (strcmp(groups.s[k], label) == 0)
					break;
			if (k == groups.n && strv_add(&groups, label) !=
			    REPORT_OK)
				goto nomem;
			(void)plot_set_group(pl, (int)k);
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, p->r[i].id);
			sqlite3_bind_text(st, 2, hosts.s[j], -1,
			    SQLITE_TRANSIENT);
			npoints = 0;
			while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				if (plot_add_point(pl, col_double(st, 0),
				    col_double(st, 1), NAN, NAN) != PLOT_OK)
					goto nomem;
				npoints++;
			}
			if (rc != SQLITE_DONE) {
				rc = sqlerr(db, err, errlen,
				    "cannot read samples");
				goto out;
			}
			if (npoints > 0)
				nlines++;
		}
	}
	if (nlines == 0) {
		if (o->host != NULL)
			rc = unknown_host(db, p, o->host, err, errlen);
		else {
			seterr(err, errlen, "the selected runs have no samples");
			rc = REPORT_ENOMATCH;
		}
		goto out;
	}
	rc = REPORT_OK;
	goto out;
nomem:
	seterr(err, errlen, "out of memory");
	rc = REPORT_ENOMEM;
out:
	sqlite3_finalize(st);
	strv_free(&cols);
	strv_free(&hosts);
	strv_free(&groups);
	if (rc == REPORT_OK)
		*out = pl;
	else
		plot_destroy(pl);
	return (rc);
}

/*
 * The params key `by` names: itself, or the one key whose last
 * dot-separated component it is ("rate" -> "workload.web.rate").
 */
static int
resolve_param(sqlite3 *db, const struct report_plot_opts *o, const char *by,
    char **key, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	struct strv keys, match, swept;
	const char *k, *dot;
	char list[1024];
	size_t i;
	int rc;

	memset(&keys, 0, sizeof(keys));
	memset(&match, 0, sizeof(match));
	memset(&swept, 0, sizeof(swept));
	*key = NULL;
	/* Keys present in the selected runs; swept = several values. */
	if (sqlite3_prepare_v2(db, "SELECT key, count(DISTINCT value)"
	    " FROM params WHERE run_id IN (SELECT run_id FROM runs"
	    " WHERE (?1 <= 0 OR run_id = ?1) AND (?2 IS NULL OR scenario = ?2)"
	    " AND (?1 > 0 OR status = 'complete'))"
	    " GROUP BY key ORDER BY key", -1, &st, NULL) != SQLITE_OK)
		return (sqlerr(db, err, errlen, "cannot read params"));
	sqlite3_bind_int64(st, 1, o->run_id);
	if (o->scenario != NULL)
		sqlite3_bind_text(st, 2, o->scenario, -1, SQLITE_TRANSIENT);
	rc = REPORT_OK;
	while (rc == REPORT_OK && sqlite3_step(st) == SQLITE_ROW) {
		k = (const char *)sqlite3_column_text(st, 0);
		if (strv_add(&keys, k) != REPORT_OK ||
		    (sqlite3_column_int(st, 1) > 1 &&
		    strv_add(&swept, k) != REPORT_OK))
			rc = REPORT_ENOMEM;
		dot = strrchr(k, '.');
		if (rc == REPORT_OK && (strcmp(k, by) == 0 ||
		    (dot != NULL && strcmp(dot + 1, by) == 0)))
			rc = strv_add(&match, k);
	}
	sqlite3_finalize(st);
	if (rc != REPORT_OK) {
		seterr(err, errlen, "out of memory");
		goto out;
	}
	if (strv_has(&match, by)) {
		*key = strdup(by);
	} else if (match.n == 1) {
		*key = strdup(match.s[0]);
	} else if (match.n > 1) {
		/* Prefer the one swept key among several of that name. */
		k = NULL;
		for (i = 0; i < match.n; i++)
			if (strv_has(&swept, match.s[i]))
				k = k == NULL ? match.s[i] : "";
		if (k != NULL && k[0] != '\0')
			*key = strdup(k);
		else {
			seterr(err, errlen, "parameter '%s' is ambiguous "
			    "(%s): give the full key", by,
			    strv_join(&match, list, sizeof(list)));
			rc = REPORT_EINVAL;
			goto out;
		}
	} else {
		if (swept.n > 0)
			seterr(err, errlen, "unknown parameter '%s' (swept "
			    "keys: %s; or any params key)", by,
			    strv_join(&swept, list, sizeof(list)));
		else
			seterr(err, errlen, "unknown parameter '%s' (keys: "
			    "%s)", by, strv_join(&keys, list, sizeof(list)));
		rc = REPORT_EINVAL;
		goto out;
	}
	if (*key == NULL) {
		seterr(err, errlen, "out of memory");
		rc = REPORT_ENOMEM;
	}
out:
	strv_free(&keys);
	strv_free(&match);
	strv_free(&swept);
	return (rc);
}

/* One x position of a sweep chart: a sweep point's runs. */
struct xpoint {
	char	*scenario;
	char	*sweep;
	double	 x;
	int64_t	*ids;
	size_t	 nids;
};

static int
xpoint_cmp(const void *a, const void *b)
{
	const struct xpoint *pa = a, *pb = b;
	int c;

	if ((c = strcmp(pa->scenario, pb->scenario)) != 0)
		return (c);
	return (pa->x < pb->x ? -1 : pa->x > pb->x ? 1 : 0);
}

static int
plot_sweep(sqlite3 *db, const struct report_plot_opts *o,
    const struct pruns *p, struct plot **out, char *err, size_t errlen)
{
	struct plot *pl;
	struct strv sum, smp, hosts, scen;
	struct xpoint *xp, *nxp;
	struct stats_ci ci;
	sqlite3_stmt *st, *pst;
	char list[1024], sql[256], title[2048], xlabel[256], ylabel[300];
	char label[512], *key, *val, *unit;
	const char *scn;
	double *y;
	size_t i, j, k, h, nxp_n, ny, maxn;
	int rc, from_samples;

	memset(&sum, 0, sizeof(sum));
	memset(&smp, 0, sizeof(smp));
	memset(&hosts, 0, sizeof(hosts));
	memset(&scen, 0, sizeof(scen));
	st = pst = NULL;
	pl = NULL;
	xp = NULL;
	nxp_n = 0;
	key = unit = NULL;
	y = NULL;

	if ((rc = table_columns(db, "run_summary", &sum, err, errlen)) !=
	    REPORT_OK ||
	    (rc = table_columns(db, "samples", &smp, err, errlen)) !=
	    REPORT_OK)
		goto out;
	from_samples = 0;
	if (!strv_has(&sum, o->metric)) {
		if (!strv_has(&smp, o->metric)) {
			char list2[1024];

			seterr(err, errlen, "unknown metric '%s' (run_summary "
			    "columns: %s; or the time-mean of a samples "
			    "column: %s)", o->metric,
			    strv_join(&sum, list, sizeof(list)),
			    strv_join(&smp, list2, sizeof(list2)));
			rc = REPORT_EINVAL;
			goto out;
		}
		from_samples = 1;
	}
	if ((rc = resolve_param(db, o, o->by, &key, err, errlen)) !=
	    REPORT_OK)
		goto out;
	if (sqlite3_prepare_v2(db,
	    "SELECT value FROM params WHERE run_id = ?1 AND key = ?2",
	    -1, &pst, NULL) != SQLITE_OK) {
		rc = sqlerr(db, err, errlen, "cannot read params");
		goto out;
	}

	/* The x positions: one per sweep point, x from its first run. */
	for (i = 0; i < p->n; i++) {
		for (j = 0; j < nxp_n; j++)
			if (strcmp(xp[j].scenario, p->r[i].scenario) == 0 &&
			    strcmp(xp[j].sweep, p->r[i].sweep) == 0)
				break;
		if (j == nxp_n) {
			nxp = realloc(xp, (nxp_n + 1) * sizeof(*xp));
			if (nxp == NULL)
				goto nomem;
			xp = nxp;
			memset(&xp[nxp_n], 0, sizeof(*xp));
			nxp_n++;
			xp[j].scenario = p->r[i].scenario;
			xp[j].sweep = p->r[i].sweep;
			val = run_param(pst, p->r[i].id, key);
			xp[j].x = report_param_number(val);
			if (isnan(xp[j].x)) {
				seterr(err, errlen, "run %lld: %s = '%s' is "
				    "not a number", (long long)p->r[i].id, key,
				    val != NULL ? val : "(absent)");
				free(val);
				rc = REPORT_EINVAL;
				goto out;
			}
			if (unit == NULL)
				unit = strdup(param_unit(val));
			free(val);
			if (!strv_has(&scen, p->r[i].scenario) &&
			    strv_add(&scen, p->r[i].scenario) != REPORT_OK)
				goto nomem;
		}
		if ((xp[j].ids = realloc(xp[j].ids, (xp[j].nids + 1) *
		    sizeof(int64_t))) == NULL)
			goto nomem;
		xp[j].ids[xp[j].nids++] = p->r[i].id;
	}
	qsort(xp, nxp_n, sizeof(*xp), xpoint_cmp);

	/* Hosts: the one asked for, else every active one. */
	for (i = 0; i < p->n; i++)
		if ((rc = run_hosts(db, p->r[i].id, o->host, &hosts, err,
		    errlen)) != REPORT_OK)
			goto out;
	/* run_hosts() appends per run: keep each name once. */
	for (i = 0; i < hosts.n; i++)
		for (j = i + 1; j < hosts.n;)
			if (strcmp(hosts.s[i], hosts.s[j]) == 0) {
				free(hosts.s[j]);
				memmove(&hosts.s[j], &hosts.s[j + 1],
				    (hosts.n - j - 1) * sizeof(char *));
				hosts.n--;
			} else
				j++;
	if (hosts.n == 0) {
		if (o->host != NULL)
			rc = unknown_host(db, p, o->host, err, errlen);
		else {
			seterr(err, errlen, "no host was active in the "
			    "selected runs");
			rc = REPORT_ENOMATCH;
		}
		goto out;
	}

	if (from_samples)
		snprintf(sql, sizeof(sql), "SELECT avg(\"%s\") FROM samples"
		    " WHERE run_id = ?1 AND host = ?2", o->metric);
	else
		snprintf(sql, sizeof(sql), "SELECT \"%s\" FROM run_summary"
		    " WHERE run_id = ?1 AND host = ?2", o->metric);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = sqlerr(db, err, errlen, "cannot read the metric");
		goto out;
	}

	/* run_summary holds each run's final totals, not running sums. */
	snprintf(ylabel, sizeof(ylabel), "%s", report_column_label(o->metric));
	if (!from_samples && (val = strstr(ylabel, " (cumulative)")) != NULL)
		memmove(val, val + 13, strlen(val + 13) + 1);
	strv_join(&scen, list, sizeof(list));
	snprintf(title, sizeof(title), "%s%s vs %s, scenario%s %s",
	    from_samples ? "time-mean of " : "", ylabel, key,
	    scen.n > 1 ? "s" : "", list);
	if (unit != NULL && unit[0] != '\0')
		snprintf(xlabel, sizeof(xlabel), "%s (%s)", key, unit);
	else
		snprintf(xlabel, sizeof(xlabel), "%s", key);
	snprintf(ylabel + strlen(ylabel), sizeof(ylabel) - strlen(ylabel),
	    ", mean and 95%% CI");
	if ((pl = plot_create(PLOT_ERRORBARS, title, xlabel, ylabel)) == NULL)
		goto nomem;

	maxn = 0;
	for (i = 0; i < nxp_n; i++)
		if (xp[i].nids > maxn)
			maxn = xp[i].nids;
	if ((y = calloc(maxn + 1, sizeof(*y))) == NULL)
		goto nomem;
	/* One line per (scenario, host). */
	for (k = 0; k < scen.n; k++) {
		scn = scen.s[k];
		for (h = 0; h < hosts.n; h++) {
			size_t nmin = (size_t)-1, nmax = 0;

			for (i = 0; i < nxp_n; i++) {
				if (strcmp(xp[i].scenario, scn) != 0)
					continue;
				if (xp[i].nids < nmin)
					nmin = xp[i].nids;
				if (xp[i].nids > nmax)
					nmax = xp[i].nids;
			}
			if (nmax <= 1)
				snprintf(label, sizeof(label),
				    "%s%s%s (n=1, no CI)", hosts.s[h],
				    scen.n > 1 ? ", " : "",
				    scen.n > 1 ? scn : "");
			else if (nmin == nmax)
				snprintf(label, sizeof(label),
				    "%s%s%s (%zu runs per point)", hosts.s[h],
				    scen.n > 1 ? ", " : "",
				    scen.n > 1 ? scn : "", nmax);
			else
				snprintf(label, sizeof(label),
				    "%s%s%s (%zu-%zu runs per point)",
				    hosts.s[h], scen.n > 1 ? ", " : "",
				    scen.n > 1 ? scn : "", nmin, nmax);
			if (plot_add_series(pl, label) != PLOT_OK)
				goto nomem;
			for (i = 0; i < nxp_n; i++) {
				if (strcmp(xp[i].scenario, scn) != 0)
					continue;
				ny = 0;
				for (j = 0; j < xp[i].nids; j++) {
					double v;

					sqlite3_reset(st);
					sqlite3_bind_int64(st, 1, xp[i].ids[j]);
					sqlite3_bind_text(st, 2, hosts.s[h],
					    -1, SQLITE_TRANSIENT);
					if (sqlite3_step(st) != SQLITE_ROW)
						continue;
					v = col_double(st, 0);
					if (isfinite(v))
						y[ny++] = v;
				}
				sqlite3_reset(st);
				stats_ci95(y, ny, &ci);
				if (plot_add_point(pl, xp[i].x, ci.mean,
				    ci.low, ci.high) != PLOT_OK)
					goto nomem;
			}
		}
	}
	rc = REPORT_OK;
	goto out;
nomem:
	seterr(err, errlen, "out of memory");
	rc = REPORT_ENOMEM;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(pst);
	for (i = 0; i < nxp_n; i++)
		free(xp[i].ids);
	free(xp);
	free(y);
	free(key);
	free(unit);
	strv_free(&sum);
	strv_free(&smp);
	strv_free(&hosts);
	strv_free(&scen);
	if (rc == REPORT_OK)
		*out = pl;
	else
		plot_destroy(pl);
	return (rc);
}

int
report_plot(sqlite3 *db, const struct report_plot_opts *o,
    struct plot **out, char *err, size_t errlen)
{
	struct pruns p;
	int rc;

	*out = NULL;
	if (o->metric == NULL) {
		seterr(err, errlen, "no metric given");
		return (REPORT_EINVAL);
	}
	memset(&p, 0, sizeof(p));
	if ((rc = select_runs(db, o, &p, err, errlen)) == REPORT_OK) {
		if (o->by == NULL)
			rc = plot_time_series(db, o, &p, out, err, errlen);
		else
			rc = plot_sweep(db, o, &p, out, err, errlen);
	}
	pruns_free(&p);
	return (rc);
}
