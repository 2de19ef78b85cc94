/*
 * report_plot.c -- the chart `twsim plot` draws, computed from a results
 * database as a struct plot (analysis/plot.h draws it): a time series of a
 * samples column per run and host, or a summary metric of the report
 * against a swept parameter, one point per sweep point with its 95%
 * confidence interval.
 *
 * Only reads, with prepared statements and bound values; the only names
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
#include "analysis/report_db.h"
#include "analysis/results.h"
#include "analysis/stats.h"
#include "scenarios/units.h"

/* ---- twsim plot ---------------------------------------------------------- */

/*
 * What each column means, and whether it counts since the run began (a
 * cumulative counter): every cumulative samples column C is also plotted
 * as C_rate, its per-second rate (the public metric names; rate_base()).
 */
static const struct {
	const char	*column;
	const char	*label;
	int		 cumulative;
} columns[] = {
	{ "tw_count", "TIME_WAIT entries", 0 },
	{ "tw_cap", "TIME_WAIT zone cap (entries)", 0 },
	{ "ports_in_use", "ephemeral ports in use", 0 },
	{ "established", "ESTABLISHED connections", 0 },
	{ "conn_attempted", "connections attempted", 1 },
	{ "conn_established", "connections established", 1 },
	{ "conn_failed_addrnotavail", "connections failed with EADDRNOTAVAIL",
	    1 },
	{ "conn_failed_timeout", "connections timed out", 1 },
	{ "conn_failed_reset", "connections reset", 1 },
	{ "tw_entered", "TIME_WAIT entered", 1 },
	{ "tw_expired", "TIME_WAIT expired after 2MSL", 1 },
	{ "tw_recycled", "TIME_WAIT recycled early", 1 },
	{ "tw_reopened", "TIME_WAIT reopened by a new SYN", 1 },
	{ "tw_reused", "TIME_WAIT reused by connect (tw_reuse)", 1 },
	{ "tw_killed_rst", "TIME_WAIT killed by a RST", 1 },
	{ "tw_skipped_local", "TIME_WAIT skipped, nolocaltimewait", 1 },
	{ "tw_skipped_nomem", "TIME_WAIT skipped, zone allocation failed", 1 },
	{ "tw_peak", "TIME_WAIT peak (entries)", 0 },
	{ "syn_dropped_tw", "SYNs dropped by TIME_WAIT", 1 },
	{ "rst_ignored_tw", "RSTs ignored in TIME_WAIT", 1 },
	{ "acks_sent_tw", "ACKs sent from TIME_WAIT", 1 },
	{ "hazards", "hazards (old duplicates acted on)", 1 },
	{ "first_addrnotavail_s", "time to first EADDRNOTAVAIL (s)", 0 },
	{ "connect_p50_s", "connect latency p50 (s)", 0 },
	{ "connect_p99_s", "connect latency p99 (s)", 0 },
	{ "connect_max_s", "connect latency max (s)", 0 },
	{ "tw_cap_effective", "TIME_WAIT zone holds (entries, whole slabs)",
	    0 },
	{ "conn_failed_nobufs", "connections failed with ENOBUFS", 1 },
	{ "conn_failed_addrinuse", "connections failed with EADDRINUSE", 1 },
	{ "tw_rearmed", "TIME_WAIT re-armed by a FIN", 1 },
	{ "tw_dropped_recycled", "segments to a recycled TIME_WAIT pcb", 1 },
};
#define NCOLUMNS	(sizeof(columns) / sizeof(columns[0]))
#define RATE_SUFFIX	"_rate"

static int
column_index(const char *column)
{
	size_t i;

	for (i = 0; i < NCOLUMNS; i++)
		if (strcmp(columns[i].column, column) == 0)
			return ((int)i);
	return (-1);
}

const char *
report_column_label(const char *column)
{
	int i = column_index(column);

	return (i >= 0 ? columns[i].label : column);
}

int
report_column_cumulative(const char *column)
{
	int i = column_index(column);

	return (i >= 0 && columns[i].cumulative);
}

/*
 * The plottable columns of a table or view, from the schema itself (so a
 * column results.c adds is plottable at once), minus identifying ones.
 */
static int
table_columns(sqlite3 *db, const char *table, struct rdb_strv *out, char *err,
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
		return (rdb_sqlerr(db, err, errlen, "cannot read the schema"));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = rdb_col_text(st, 1);
		for (i = 0; skip[i] != NULL; i++)
			if (strcmp(skip[i], name) == 0)
				break;
		if (skip[i] == NULL && rdb_strv_add(out, name) != REPORT_OK) {
			sqlite3_finalize(st);
			rdb_seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (rdb_sqlerr(db, err, errlen, "cannot read the schema"));
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

/* Each run's sweep label becomes its pool's (rdb_pool_labels()). */
static int
prun_pool_labels(sqlite3 *db, struct pruns *p, char *err, size_t errlen)
{
	int64_t *ids = calloc(p->n + 1, sizeof(*ids));
	char **scen = calloc(p->n + 1, sizeof(*scen));
	char **lab = calloc(p->n + 1, sizeof(*lab));
	size_t i;
	int rc;

	if (ids == NULL || scen == NULL || lab == NULL) {
		free(ids);
		free(scen);
		free(lab);
		rdb_seterr(err, errlen, "out of memory");
		return (REPORT_ENOMEM);
	}
	for (i = 0; i < p->n; i++) {
		ids[i] = p->r[i].id;
		scen[i] = p->r[i].scenario;
		lab[i] = p->r[i].sweep;
	}
	rc = rdb_pool_labels(db, p->n, ids, scen, lab, err, errlen);
	/* rdb_pool_labels() freed or kept each label: take what it left. */
	for (i = 0; i < p->n; i++)
		p->r[i].sweep = lab[i];
	free(ids);
	free(scen);
	free(lab);
	return (rc);
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
	f.host = NULL;		/* the chart picks its hosts itself */
	if ((rc = rdb_filter_runs(db, &f, &st,
	    "run_id, scenario, sweep, repetition, status", err, errlen)) !=
	    REPORT_OK)
		return (rc);
	seen = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		seen++;
		/* A run asked for by id is drawn whatever its status. */
		if (o->run_id <= 0 && strcmp(rdb_col_text(st, 4),
		    RESULTS_STATUS_COMPLETE) != 0)
			continue;
		if ((nr = realloc(p->r, (p->n + 1) * sizeof(*nr))) == NULL) {
			sqlite3_finalize(st);
			rdb_seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
		p->r = nr;
		nr = &p->r[p->n++];
		nr->id = sqlite3_column_int64(st, 0);
		nr->scenario = rdb_col_strdup(st, 1);
		nr->sweep = rdb_col_strdup(st, 2);
		nr->repetition = sqlite3_column_int(st, 3);
		if (nr->scenario == NULL || nr->sweep == NULL) {
			sqlite3_finalize(st);
			rdb_seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (rdb_sqlerr(db, err, errlen, "cannot read runs"));
	if (seen == 0)
		return (rdb_no_match(db, &f, err, errlen));
	if (p->n == 0) {
		rdb_seterr(err, errlen, "no complete run to plot (%zu failed "
		    "or interrupted)", seen);
		return (REPORT_ENOMATCH);
	}
	return (prun_pool_labels(db, p, err, errlen));
}

/* "scenario web" or "scenarios web, db" for titles. */
static void
scenario_names(const struct pruns *p, char *buf, size_t len)
{
	struct rdb_strv v;
	char list[256];
	size_t i;

	memset(&v, 0, sizeof(v));
	for (i = 0; i < p->n; i++)
		if (!rdb_strv_has(&v, p->r[i].scenario))
			(void)rdb_strv_add(&v, p->r[i].scenario);
	snprintf(buf, len, "scenario%s %s", v.n > 1 ? "s" : "",
	    rdb_strv_join(&v, list, sizeof(list)));
	rdb_strv_free(&v);
}

/*
 * The hosts to draw in run `id`: the one asked for, else those whose
 * counters moved (the same test as the report's).
 */
static int
run_hosts(sqlite3 *db, int64_t id, const char *only, struct rdb_strv *out,
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
		return (rdb_sqlerr(db, err, errlen, "cannot read hosts"));
	sqlite3_bind_int64(st, 1, id);
	if (only != NULL)
		sqlite3_bind_text(st, 2, only, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (rdb_strv_add(out, rdb_col_text(st, 0)) !=
		    REPORT_OK) {
			sqlite3_finalize(st);
			rdb_seterr(err, errlen, "out of memory");
			return (REPORT_ENOMEM);
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (rdb_sqlerr(db, err, errlen, "cannot read hosts"));
	return (REPORT_OK);
}

/* Every host name of the selected runs, for "unknown host" messages. */
static int
unknown_host(sqlite3 *db, const struct pruns *p, const char *host, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	struct rdb_strv v;
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
				if (!rdb_strv_has(&v, rdb_col_text(st, 0)))
					(void)rdb_strv_add(&v, rdb_col_text(st, 0));
		}
	}
	sqlite3_finalize(st);
	rdb_seterr(err, errlen, "no host '%s' in the selected runs (hosts: %s)",
	    host, v.n > 0 ? rdb_strv_join(&v, list, sizeof(list)) : "none");
	rdb_strv_free(&v);
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

/*
 * The samples column behind metric m: m itself, or for "C_rate" the
 * cumulative column C (*rate set).  NULL if m is neither.
 */
static const char *
rate_base(const struct rdb_strv *cols, const char *m, char *buf, size_t len,
    int *rate)
{
	size_t n = strlen(m), sl = strlen(RATE_SUFFIX);

	*rate = 0;
	if (rdb_strv_has(cols, m))
		return (m);
	if (n <= sl || strcmp(m + n - sl, RATE_SUFFIX) != 0 ||
	    n - sl >= len)
		return (NULL);
	memcpy(buf, m, n - sl);
	buf[n - sl] = '\0';
	if (!rdb_strv_has(cols, buf) || !report_column_cumulative(buf))
		return (NULL);
	*rate = 1;
	return (buf);
}

/* "conn_attempted_rate, tw_entered_rate, ...": the rate metrics. */
static const char *
rate_names(const struct rdb_strv *cols, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < cols->n && off < len; i++)
		if (report_column_cumulative(cols->s[i]))
			off += (size_t)snprintf(buf + off, len - off,
			    "%s%s" RATE_SUFFIX, off > 0 ? ", " : "",
			    cols->s[i]);
	return (buf);
}

/* One run's samples of one host: (t, y), y a rate when asked. */
struct tseries {
	double	*t, *y;
	size_t	 n;
};

static int
read_tseries(sqlite3_stmt *st, int64_t id, const char *host, int rate,
    struct tseries *ts)
{
	double t, v, pt = 0, pv = 0;
	size_t cap = 0;
	void *nt, *ny;
	int rc;

	memset(ts, 0, sizeof(*ts));
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, host, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = rdb_col_double(st, 0);
		v = rdb_col_double(st, 1);
		if (ts->n == cap) {
			cap = cap ? 2 * cap : 64;
			nt = realloc(ts->t, cap * sizeof(double));
			if (nt != NULL)
				ts->t = nt;
			ny = realloc(ts->y, cap * sizeof(double));
			if (ny != NULL)
				ts->y = ny;
			if (nt == NULL || ny == NULL)
				return (REPORT_ENOMEM);
		}
		/*
		 * A counter's rate over the interval that ends at t; the
		 * counters are 0 at t = 0, where the run starts.
		 */
		ts->t[ts->n] = t;
		ts->y[ts->n] = !rate ? v : t > pt ? (v - pv) / (t - pt) : NAN;
		ts->n++;
		pt = t;
		pv = v;
	}
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? REPORT_OK : REPORT_ESQL);
}

static void
tseries_free(struct tseries *ts)
{

	free(ts->t);
	free(ts->y);
	memset(ts, 0, sizeof(*ts));
}

/*
 * The limits a chart of a samples column is drawn against: a rate chart
 * (any C_rate) gets the predicted rate limits, usable ports / L and zone
 * cap / L; the levels they come from are drawn on the charts of what
 * they bound (the cap as the kernel set it, the auto cap included).
 */
#define LIM_RATES	0x1	/* ports / L, cap / L */
#define LIM_CAP		0x2	/* the zone cap, entries */
#define LIM_PORTS	0x4	/* usable ports per address */

static const struct {
	const char	*column;
	int		 limits;
} level_limits[] = {
	{ "tw_count", LIM_CAP },
	{ "tw_cap", LIM_CAP },
	{ "ports_in_use", LIM_PORTS },
};

static int
chart_limits(const char *base, int rate)
{
	size_t i;

	if (rate)
		return (LIM_RATES);
	for (i = 0; i < sizeof(level_limits) / sizeof(level_limits[0]); i++)
		if (strcmp(level_limits[i].column, base) == 0)
			return (level_limits[i].limits);
	return (0);
}

/* The limits `which` of every host drawn, from report.c's arithmetic. */
static int
limit_lines(sqlite3 *db, const struct report_plot_opts *o,
    const struct rdb_strv *hosts, int which, struct plot *pl, char *err,
    size_t errlen)
{
	struct report_filter f;
	struct report *r;
	const struct report_host *rh;
	char label[256];
	size_t i, j;
	double v, L;
	int rc, connects;

	f.run_id = o->run_id;
	f.scenario = o->scenario;
	f.host = NULL;		/* the chart picks its hosts itself */
	if ((rc = report_build(db, &f, &r, err, errlen)) != REPORT_OK)
		return (rc);
	for (i = 0; i < r->npoints; i++)
		for (j = 0; j < r->points[i].nhosts; j++) {
			rh = &r->points[i].hosts[j];
			if (!rdb_strv_has(hosts, rh->host))
				continue;
			L = rh->tw_lifetime_s;
			/* No connect(): the port range binds nothing. */
			connects = rh->m[REPORT_CONN_ATTEMPTED].mean > 0;
			v = rh->m[REPORT_LIMIT_PORTS].mean;
			if ((which & LIM_RATES) && connects && isfinite(v)) {
				if (rh->addrs > 1)
					snprintf(label, sizeof(label), "%s "
					    "limit: %.0f ports x %.0f addresses"
					    " / L (%.4g s) = %.4g/s", rh->host,
					    rh->usable_ports, rh->addrs, L, v);
				else
					snprintf(label, sizeof(label), "%s "
					    "limit: %.0f ports / L (%.4g s) = "
					    "%.4g/s", rh->host,
					    rh->usable_ports, L, v);
				if (plot_add_hline(pl, v, label, 0) ==
				    PLOT_ENOMEM)
					goto nomem;
			}
			v = rh->usable_ports;
			if ((which & LIM_PORTS) && connects && isfinite(v)) {
				snprintf(label, sizeof(label), "%s port range: "
				    "%.0f ports per address", rh->host, v);
				if (plot_add_hline(pl, v, label, 0) ==
				    PLOT_ENOMEM)
					goto nomem;
			}
			v = rh->m[REPORT_LIMIT_CAP].mean;
			if ((which & LIM_RATES) && isfinite(v)) {
				snprintf(label, sizeof(label), "%s limit: cap "
				    "%.0f / L (%.4g s) = %.4g/s", rh->host,
				    v * L, L, v);
				if (plot_add_hline(pl, v, label, 1) ==
				    PLOT_ENOMEM)
					goto nomem;
			}
			v = rh->m[REPORT_TW_CAP].mean;
			if ((which & LIM_CAP) && isfinite(v) && v > 0) {
				snprintf(label, sizeof(label), "%s zone cap: "
				    "%.0f entries", rh->host, v);
				if (plot_add_hline(pl, v, label, 1) ==
				    PLOT_ENOMEM)
					goto nomem;
			}
		}
	report_free(r);
	return (REPORT_OK);
nomem:
	report_free(r);
	rdb_seterr(err, errlen, "out of memory");
	return (REPORT_ENOMEM);
}

/*
 * The lines of one sweep point and host (its repetitions): a group, one
 * colour; with --mean one line, the mean at each sample time with its
 * 95% CI band.
 */
struct tgroup {
	char	*key;		/* scenario \037 sweep \037 host */
	char	*label;		/* "rate=20/s client" */
	size_t	 nruns;
};

#define COMPACT_LINES	8	/* more lines: one key entry per group */

/* "rate=20/s client (3 runs)", or "3 runs" for a nameless group. */
static void
group_label(const struct tgroup *g, const char *pre, size_t n,
    const char *post, char *buf, size_t len)
{
	char w[64];

	snprintf(w, sizeof(w), "%s%zu%s", pre, n, post);
	if (g->label[0] == '\0')
		snprintf(buf, len, "%s", w);
	else
		snprintf(buf, len, "%s (%s)", g->label, w);
}

/* "scenario US sweep US host" (US = \037), malloc'd; NULL if out of memory. */
static char *
group_key(const char *scenario, const char *sweep, const char *host)
{
	size_t len = strlen(scenario) + strlen(sweep) + strlen(host) + 3;
	char *key = malloc(len);

	if (key != NULL)
		snprintf(key, len, "%s\037%s\037%s", scenario, sweep, host);
	return key;
}

static int
plot_time_series(sqlite3 *db, const struct report_plot_opts *o,
    const struct pruns *p, struct plot **out, char *err, size_t errlen)
{
	struct plot *pl;
	struct rdb_strv cols, hosts, allhosts;
	struct tgroup *g, *ng;
	struct tseries ts, *gts;
	struct stats_ci ci;
	sqlite3_stmt *st;
	char list[1024], rates[1024], sql[256], title[2048], label[512];
	char basebuf[128], ylabel[300];
	const char *base;
	char *key;
	double *vals;
	size_t i, j, k, r, ng_n, nlines, ntotal;
	int rc, multihost, rate, compact;

	memset(&cols, 0, sizeof(cols));
	memset(&hosts, 0, sizeof(hosts));
	memset(&allhosts, 0, sizeof(allhosts));
	memset(&ts, 0, sizeof(ts));
	st = NULL;
	pl = NULL;
	g = NULL;
	ng_n = 0;
	vals = NULL;
	gts = NULL;
	if ((rc = table_columns(db, "samples", &cols, err, errlen)) !=
	    REPORT_OK)
		goto out;
	if ((base = rate_base(&cols, o->metric, basebuf, sizeof(basebuf),
	    &rate)) == NULL) {
		struct rdb_strv sum;

		memset(&sum, 0, sizeof(sum));
		(void)table_columns(db, "run_summary", &sum, NULL, 0);
		rdb_seterr(err, errlen, "unknown metric '%s' for a time series "
		    "(samples columns: %s; per-second rates: %s)%s", o->metric,
		    rdb_strv_join(&cols, list, sizeof(list)),
		    rate_names(&cols, rates, sizeof(rates)),
		    rdb_strv_has(&sum, o->metric) ? "; it is a per-run total: "
		    "plot it against a parameter with --by PARAM" : "");
		rdb_strv_free(&sum);
		rc = REPORT_EINVAL;
		goto out;
	}
	/* The name is one of the table's own columns: safe to quote in. */
	snprintf(sql, sizeof(sql), "SELECT t, \"%s\" FROM samples"
	    " WHERE run_id = ?1 AND host = ?2 ORDER BY t", base);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = rdb_sqlerr(db, err, errlen, "cannot read samples");
		goto out;
	}
	/*
	 * The groups (sweep point and host) with their runs, and whether
	 * more than one host is drawn (then legends name it).
	 */
	ntotal = 0;
	for (i = 0; i < p->n; i++) {
		rdb_strv_free(&hosts);
		if ((rc = run_hosts(db, p->r[i].id, o->host, &hosts, err,
		    errlen)) != REPORT_OK)
			goto out;
		for (j = 0; j < hosts.n; j++) {
			if (!rdb_strv_has(&allhosts, hosts.s[j]) &&
			    rdb_strv_add(&allhosts, hosts.s[j]) != REPORT_OK)
				goto nomem;
			/*
			 * Built to its full length: a key cut short by a
			 * fixed buffer would lose its separators (found by
			 * fuzzing with a long scenario name).
			 */
			if ((key = group_key(p->r[i].scenario,
			    p->r[i].sweep, hosts.s[j])) == NULL)
				goto nomem;
			for (k = 0; k < ng_n; k++)
				if (strcmp(g[k].key, key) == 0)
					break;
			if (k == ng_n) {
				if ((ng = realloc(g, (ng_n + 1) *
				    sizeof(*g))) == NULL) {
					free(key);
					goto nomem;
				}
				g = ng;
				memset(&g[ng_n], 0, sizeof(*g));
				g[ng_n].key = key;
				ng_n++;
			} else
				free(key);
			g[k].nruns++;
			ntotal++;
		}
	}
	multihost = allhosts.n > 1;
	/* A group's name: what tells it apart (scenario, point, host). */
	for (i = 0, j = 0; i < p->n; i++)
		if (strcmp(p->r[i].scenario, p->r[0].scenario) != 0)
			j = 1;
	for (k = 0; k < ng_n; k++) {
		const char *sw = strchr(g[k].key, '\037') + 1;
		const char *h = strchr(sw, '\037') + 1;
		size_t off = 0;

		label[0] = '\0';
		if (j)
			off += (size_t)snprintf(label + off, sizeof(label) - off,
			    "%.*s", (int)(sw - 1 - g[k].key), g[k].key);
		if (h - 1 > sw && off < sizeof(label))
			off += (size_t)snprintf(label + off, sizeof(label) - off,
			    "%s%.*s", off ? " " : "", (int)(h - 1 - sw), sw);
		if (multihost && off < sizeof(label))
			snprintf(label + off, sizeof(label) - off, "%s%s",
			    off ? " " : "", h);
		if ((g[k].label = strdup(label)) == NULL)
			goto nomem;
	}
	compact = !o->mean && ntotal > COMPACT_LINES && ng_n < ntotal;

	scenario_names(p, list, sizeof(list));
	if (rate)
		snprintf(ylabel, sizeof(ylabel), "%s per second",
		    report_column_label(base));
	else
		snprintf(ylabel, sizeof(ylabel), "%s%s",
		    report_column_label(base), report_column_cumulative(base) ?
		    " (cumulative)" : "");
	snprintf(title, sizeof(title), "%s%s over time, %s%s%s",
	    o->mean ? "mean of " : "", ylabel,
	    !multihost && allhosts.n > 0 ? "host " : "",
	    !multihost && allhosts.n > 0 ? allhosts.s[0] : "",
	    !multihost && allhosts.n > 0 ? ", " : "");
	snprintf(title + strlen(title), sizeof(title) - strlen(title), "%s",
	    list);
	if (o->mean)
		snprintf(ylabel + strlen(ylabel), sizeof(ylabel) -
		    strlen(ylabel), ", mean and 95%% CI");
	pl = plot_create(PLOT_LINES, title, "simulated time (s)", ylabel);
	if (pl == NULL)
		goto nomem;
	if (o->from_zero)
		plot_set_yzero(pl);

	nlines = 0;
	if (o->mean) {
		if ((gts = calloc(p->n + 1, sizeof(*gts))) == NULL ||
		    (vals = calloc(p->n + 1, sizeof(*vals))) == NULL)
			goto nomem;
		for (k = 0; k < ng_n; k++) {
			size_t nr = 0, minlen = (size_t)-1;

			for (i = 0; i < p->n; i++) {
				snprintf(label, sizeof(label), "%s\037%s\037",
				    p->r[i].scenario, p->r[i].sweep);
				if (strncmp(g[k].key, label, strlen(label)) !=
				    0)
					continue;
				if ((rc = read_tseries(st, p->r[i].id,
				    g[k].key + strlen(label), rate,
				    &gts[nr])) != REPORT_OK)
					goto readerr;
				if (gts[nr].n == 0) {	/* host idle there */
					tseries_free(&gts[nr]);
					continue;
				}
				if (gts[nr].n < minlen)
					minlen = gts[nr].n;
				nr++;
			}
			group_label(&g[k], nr > 1 ? "mean of " : "n=", nr,
			    nr > 1 ? " runs" : ", no CI", label, sizeof(label));
			if (plot_add_series(pl, label) != PLOT_OK ||
			    plot_set_group(pl, (int)k) != PLOT_OK ||
			    plot_set_band(pl) != PLOT_OK)
				goto nomem;
			/* Runs of one point share their sample times. */
			for (j = 0; nr > 0 && j < minlen; j++) {
				size_t nv = 0;

				for (r = 0; r < nr; r++)
					if (gts[r].t[j] == gts[0].t[j] &&
					    isfinite(gts[r].y[j]))
						vals[nv++] = gts[r].y[j];
				stats_ci95(vals, nv, &ci);
				if (plot_add_point(pl, gts[0].t[j], ci.mean,
				    ci.low, ci.high) != PLOT_OK)
					goto nomem;
			}
			if (nr > 0 && minlen > 0)
				nlines++;
			for (r = 0; r < nr; r++)
				tseries_free(&gts[r]);
		}
	} else {
		for (i = 0; i < p->n; i++) {
			rdb_strv_free(&hosts);
			if ((rc = run_hosts(db, p->r[i].id, o->host, &hosts,
			    err, errlen)) != REPORT_OK)
				goto out;
			for (j = 0; j < hosts.n; j++) {
				snprintf(label, sizeof(label), "%s\037%s\037%s",
				    p->r[i].scenario, p->r[i].sweep,
				    hosts.s[j]);
				for (k = 0; k < ng_n; k++)
					if (strcmp(g[k].key, label) == 0)
						break;
				/*
				 * Many lines: the key names each group once
				 * ("rate=20/s client (3 runs)"), not each run.
				 */
				if (!compact)
					run_label(&p->r[i], multihost ?
					    hosts.s[j] : NULL, label,
					    sizeof(label));
				else if (g[k].nruns == 0)
					label[0] = '\0';	/* drawn */
				else
					group_label(&g[k], "", g[k].nruns,
					    g[k].nruns > 1 ? " runs" : " run",
					    label, sizeof(label));
				if (compact)
					g[k].nruns = 0;
				if (plot_add_series(pl, label) != PLOT_OK)
					goto nomem;
				/* Replications of one point and host: one
				   colour. */
				(void)plot_set_group(pl, (int)k);
				if ((rc = read_tseries(st, p->r[i].id,
				    hosts.s[j], rate, &ts)) != REPORT_OK)
					goto readerr;
				for (r = 0; r < ts.n; r++)
					if (plot_add_point(pl, ts.t[r],
					    ts.y[r], NAN, NAN) != PLOT_OK)
						goto nomem;
				if (ts.n > 0)
					nlines++;
				tseries_free(&ts);
			}
		}
	}
	if (nlines == 0) {
		if (o->host != NULL)
			rc = unknown_host(db, p, o->host, err, errlen);
		else {
			rdb_seterr(err, errlen, "the selected runs have no "
			    "samples");
			rc = REPORT_ENOMATCH;
		}
		goto out;
	}
	if (chart_limits(base, rate) != 0 && (rc = limit_lines(db, o,
	    &allhosts, chart_limits(base, rate), pl, err, errlen)) !=
	    REPORT_OK)
		goto out;
	rc = REPORT_OK;
	goto out;
readerr:
	if (rc == REPORT_ENOMEM)
		goto nomem;
	rc = rdb_sqlerr(db, err, errlen, "cannot read samples");
	goto out;
nomem:
	rdb_seterr(err, errlen, "out of memory");
	rc = REPORT_ENOMEM;
out:
	sqlite3_finalize(st);
	tseries_free(&ts);
	if (gts != NULL)
		for (r = 0; r < p->n; r++)
			tseries_free(&gts[r]);
	free(gts);
	free(vals);
	for (k = 0; k < ng_n; k++) {
		free(g[k].key);
		free(g[k].label);
	}
	free(g);
	rdb_strv_free(&cols);
	rdb_strv_free(&hosts);
	rdb_strv_free(&allhosts);
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
	struct rdb_strv keys, match, swept;
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
		return (rdb_sqlerr(db, err, errlen, "cannot read params"));
	sqlite3_bind_int64(st, 1, o->run_id);
	if (o->scenario != NULL)
		sqlite3_bind_text(st, 2, o->scenario, -1, SQLITE_TRANSIENT);
	rc = REPORT_OK;
	while (rc == REPORT_OK && sqlite3_step(st) == SQLITE_ROW) {
		k = rdb_col_text(st, 0);
		if (rdb_strv_add(&keys, k) != REPORT_OK ||
		    (sqlite3_column_int(st, 1) > 1 &&
		    rdb_strv_add(&swept, k) != REPORT_OK))
			rc = REPORT_ENOMEM;
		dot = strrchr(k, '.');
		if (rc == REPORT_OK && (strcmp(k, by) == 0 ||
		    (dot != NULL && strcmp(dot + 1, by) == 0)))
			rc = rdb_strv_add(&match, k);
	}
	sqlite3_finalize(st);
	if (rc != REPORT_OK) {
		rdb_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (rdb_strv_has(&match, by)) {
		*key = strdup(by);
	} else if (match.n == 1) {
		*key = strdup(match.s[0]);
	} else if (match.n > 1) {
		/* Prefer the one swept key among several of that name. */
		k = NULL;
		for (i = 0; i < match.n; i++)
			if (rdb_strv_has(&swept, match.s[i]))
				k = k == NULL ? match.s[i] : "";
		if (k != NULL && k[0] != '\0')
			*key = strdup(k);
		else {
			rdb_seterr(err, errlen, "parameter '%s' is ambiguous "
			    "(%s): give the full key", by,
			    rdb_strv_join(&match, list, sizeof(list)));
			rc = REPORT_EINVAL;
			goto out;
		}
	} else {
		if (swept.n > 0)
			rdb_seterr(err, errlen, "unknown parameter '%s' (swept "
			    "keys: %s; or any params key)", by,
			    rdb_strv_join(&swept, list, sizeof(list)));
		else
			rdb_seterr(err, errlen, "unknown parameter '%s' (keys: "
			    "%s)", by, rdb_strv_join(&keys, list, sizeof(list)));
		rc = REPORT_EINVAL;
		goto out;
	}
	if (*key == NULL) {
		rdb_seterr(err, errlen, "out of memory");
		rc = REPORT_ENOMEM;
	}
out:
	rdb_strv_free(&keys);
	rdb_strv_free(&match);
	rdb_strv_free(&swept);
	return (rc);
}

/*
 * Keys whose 0 means "let the kernel choose", and the run_summary column
 * that records what it chose: a sweep chart puts such a point at that
 * value (the auto cap at 499, say), not at 0.
 */
static const struct {
	const char	*key;		/* last component of host.NAME.KEY */
	const char	*column;
} auto_params[] = {
	{ "maxtcptw", "tw_cap" },	/* TW-1: the auto cap */
};

/* x of run id for key = value: the number, or the auto value chosen. */
static double
param_x(sqlite3 *db, int64_t id, const char *key, const char *val)
{
	const char *dot = strrchr(key, '.'), *host;
	char sql[160], hbuf[128];
	sqlite3_stmt *st;
	double x = report_param_number(val), v;
	size_t i;

	if (x != 0 || dot == NULL || strncmp(key, "host.", 5) != 0)
		return (x);
	host = key + 5;
	if (dot <= host || (size_t)(dot - host) >= sizeof(hbuf))
		return (x);
	snprintf(hbuf, sizeof(hbuf), "%.*s", (int)(dot - host), host);
	for (i = 0; i < sizeof(auto_params) / sizeof(auto_params[0]); i++) {
		if (strcmp(dot + 1, auto_params[i].key) != 0)
			continue;
		snprintf(sql, sizeof(sql), "SELECT \"%s\" FROM run_summary"
		    " WHERE run_id = ?1 AND host = ?2", auto_params[i].column);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			return (x);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, hbuf, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			v = rdb_col_double(st, 0);
			if (isfinite(v) && v > 0)
				x = v;
		}
		sqlite3_finalize(st);
	}
	return (x);
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
	struct rdb_strv sum, smp, hosts, scen;
	struct xpoint *xp, *nxp;
	struct stats_ci ci;
	sqlite3_stmt *st, *pst;
	char list[1024], sql[256], title[2048], xlabel[256], ylabel[300];
	char label[512], *key, *val, *unit;
	const char *scn;
	double *y;
	size_t i, j, k, h, nxp_n, ny, maxn;
	int rc, from_samples, autox = 0;

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
	if (!rdb_strv_has(&sum, o->metric)) {
		if (!rdb_strv_has(&smp, o->metric)) {
			char list2[1024];

			rdb_seterr(err, errlen, "unknown metric '%s' "
			    "(run_summary columns: %s; or the time-mean of a "
			    "samples column: %s)", o->metric,
			    rdb_strv_join(&sum, list, sizeof(list)),
			    rdb_strv_join(&smp, list2, sizeof(list2)));
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
		rc = rdb_sqlerr(db, err, errlen, "cannot read params");
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
			val = rdb_run_param(pst, p->r[i].id, key);
			xp[j].x = param_x(db, p->r[i].id, key, val);
			if (xp[j].x != report_param_number(val))
				autox = 1;	/* an auto value, placed */
			if (isnan(xp[j].x)) {
				rdb_seterr(err, errlen, "run %lld: %s = '%s' "
				    "is not a number", (long long)p->r[i].id,
				    key, val != NULL ? val : "(absent)");
				free(val);
				rc = REPORT_EINVAL;
				goto out;
			}
			if (unit == NULL)
				unit = strdup(rdb_param_unit(val));
			free(val);
			if (!rdb_strv_has(&scen, p->r[i].scenario) &&
			    rdb_strv_add(&scen, p->r[i].scenario) != REPORT_OK)
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
			rdb_seterr(err, errlen, "no host was active in the "
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
		rc = rdb_sqlerr(db, err, errlen, "cannot read the metric");
		goto out;
	}

	/* run_summary holds each run's final totals, not running sums. */
	snprintf(ylabel, sizeof(ylabel), "%s", report_column_label(o->metric));
	rdb_strv_join(&scen, list, sizeof(list));
	snprintf(title, sizeof(title), "%s%s vs %s, scenario%s %s",
	    from_samples ? "time-mean of " : "", ylabel, key,
	    scen.n > 1 ? "s" : "", list);
	if (unit != NULL && unit[0] != '\0')
		snprintf(xlabel, sizeof(xlabel), "%s (%s)", key, unit);
	else
		snprintf(xlabel, sizeof(xlabel), "%s", key);
	if (autox)
		snprintf(xlabel + strlen(xlabel), sizeof(xlabel) -
		    strlen(xlabel), "; 0 (auto) drawn at the value chosen");
	snprintf(ylabel + strlen(ylabel), sizeof(ylabel) - strlen(ylabel),
	    ", mean and 95%% CI");
	if ((pl = plot_create(PLOT_ERRORBARS, title, xlabel, ylabel)) == NULL)
		goto nomem;
	if (o->from_zero)
		plot_set_yzero(pl);

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
					v = rdb_col_double(st, 0);
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
	rdb_seterr(err, errlen, "out of memory");
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
	rdb_strv_free(&sum);
	rdb_strv_free(&smp);
	rdb_strv_free(&hosts);
	rdb_strv_free(&scen);
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
		rdb_seterr(err, errlen, "no metric given");
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
