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

static int
plot_time_series(sqlite3 *db, const struct report_plot_opts *o,
    const struct pruns *p, struct plot **out, char *err, size_t errlen)
{
	struct plot *pl;
	struct rdb_strv cols, hosts, groups;
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
	if (!rdb_strv_has(&cols, o->metric)) {
		struct rdb_strv sum;

		memset(&sum, 0, sizeof(sum));
		(void)table_columns(db, "run_summary", &sum, NULL, 0);
		rdb_seterr(err, errlen, "unknown metric '%s' for a time series "
		    "(samples columns: %s)%s", o->metric,
		    rdb_strv_join(&cols, list, sizeof(list)),
		    rdb_strv_has(&sum, o->metric) ? "; it is a per-run total: "
		    "plot it against a parameter with --by PARAM" : "");
		rdb_strv_free(&sum);
		rc = REPORT_EINVAL;
		goto out;
	}
	/* The name is one of the table's own columns: safe to quote in. */
	snprintf(sql, sizeof(sql), "SELECT t, \"%s\" FROM samples"
	    " WHERE run_id = ?1 AND host = ?2 ORDER BY t", o->metric);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = rdb_sqlerr(db, err, errlen, "cannot read samples");
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
		rdb_strv_free(&hosts);
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
			if (k == groups.n && rdb_strv_add(&groups, label) !=
			    REPORT_OK)
				goto nomem;
			(void)plot_set_group(pl, (int)k);
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, p->r[i].id);
			sqlite3_bind_text(st, 2, hosts.s[j], -1,
			    SQLITE_TRANSIENT);
			npoints = 0;
			while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				if (plot_add_point(pl, rdb_col_double(st, 0),
				    rdb_col_double(st, 1), NAN, NAN) != PLOT_OK)
					goto nomem;
				npoints++;
			}
			if (rc != SQLITE_DONE) {
				rc = rdb_sqlerr(db, err, errlen,
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
			rdb_seterr(err, errlen, "the selected runs have no "
			    "samples");
			rc = REPORT_ENOMATCH;
		}
		goto out;
	}
	rc = REPORT_OK;
	goto out;
nomem:
	rdb_seterr(err, errlen, "out of memory");
	rc = REPORT_ENOMEM;
out:
	sqlite3_finalize(st);
	rdb_strv_free(&cols);
	rdb_strv_free(&hosts);
	rdb_strv_free(&groups);
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
			xp[j].x = report_param_number(val);
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
	if (!from_samples && (val = strstr(ylabel, " (cumulative)")) != NULL)
		memmove(val, val + 13, strlen(val + 13) + 1);
	rdb_strv_join(&scen, list, sizeof(list));
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
