/*
 * report_db.c -- reading a results database for `twsim report` and
 * `twsim plot`: error messages, column values, the runs a filter selects
 * (and what to say when it selects none), and parameter values read back
 * from the params table.
 *
 * The canonical text of a parameter ("30s", "20/s", "10000-65535") is read
 * back with the scenario format's own parsers (scenarios/units.c), so a
 * value means the same to the report as it did to the run.
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

void
rdb_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
rdb_sqlerr(sqlite3 *db, char *err, size_t errlen, const char *what)
{

	int ec = sqlite3_errcode(db);

	/* A damaged page that PRAGMA quick_check at open did not catch. */
	if (ec == SQLITE_CORRUPT || ec == SQLITE_NOTADB)
		rdb_seterr(err, errlen, "%s: the results database is damaged "
		    "(%s): restore it from a copy", what, sqlite3_errmsg(db));
	else
		rdb_seterr(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
	return (REPORT_ESQL);
}

double
rdb_col_double(sqlite3_stmt *st, int i)
{

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return (NAN);
	return (sqlite3_column_double(st, i));
}

/*
 * NULL reads as "": the schema forbids NULL where we read text, but a
 * damaged or edited file can hold anything, and a reader must not crash on
 * it (found by tests/fuzz/fuzz_results).
 */
const char *
rdb_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s;

	s = sqlite3_column_text(st, i);
	return (s != NULL ? (const char *)s : "");
}

char *
rdb_col_strdup(sqlite3_stmt *st, int i)
{

	return (strdup(rdb_col_text(st, i)));
}

/* ---- parameter values -------------------------------------------- */

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
	/* PORT-1: a reversed range holds as many ports. */
	return ((double)(last > first ? last - first + 1 : first - last + 1));
}

double
report_address_count(const char *value)
{
	const char *p, *comma;
	char item[64];
	uint32_t first, last;
	double n = 0;
	size_t len;

	if (value == NULL)
		return (NAN);
	/* The loader's canonical list: items ", "-separated, none twice. */
	for (p = value; *p != '\0'; p = *comma != '\0' ? comma + 1 : comma) {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		while (p < comma && isspace((unsigned char)*p))
			p++;
		len = (size_t)(comma - p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		if (len == 0 || len >= sizeof(item))
			return (NAN);
		memcpy(item, p, len);
		item[len] = '\0';
		if (units_parse_ipv4_range(item, &first, &last, NULL, 0) != 0)
			return (NAN);
		n += (double)(last - first) + 1;
	}
	return (n > 0 ? n : NAN);
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
const char *
rdb_param_unit(const char *value)
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
char *
rdb_run_param(sqlite3_stmt *st, int64_t run_id, const char *key)
{
	char *v;

	v = NULL;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = rdb_col_strdup(st, 0);
	sqlite3_reset(st);
	return (v);
}

/* ---- the runs a filter selects --------------------------------------- */

/* Names the valid choices when a filter selects nothing. */
int
rdb_no_match(sqlite3 *db, const struct report_filter *f, char *err,
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
		rdb_seterr(err, errlen, "no run %lld%s%s%s in the database%s",
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
				    rdb_col_text(st, 0));
				len = strlen(list);
			}
		}
		sqlite3_finalize(st);
		rdb_seterr(err, errlen, "no scenario '%s' in the database "
		    "(scenarios: %s)", f->scenario, len > 0 ? list : "none");
		return (REPORT_ENOMATCH);
	}
	rdb_seterr(err, errlen, "the database holds no runs");
	return (REPORT_ENOMATCH);
}

int
rdb_filter_runs(sqlite3 *db, const struct report_filter *f, sqlite3_stmt **st,
    const char *what, char *err, size_t errlen)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT %s FROM runs"
	    " WHERE (?1 <= 0 OR run_id = ?1) AND (?2 IS NULL OR scenario = ?2)"
	    " ORDER BY run_id", what);
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return (rdb_sqlerr(db, err, errlen, "cannot read runs"));
	sqlite3_bind_int64(*st, 1, f->run_id);
	if (f->scenario != NULL)
		sqlite3_bind_text(*st, 2, f->scenario, -1, SQLITE_TRANSIENT);
	return (REPORT_OK);
}

/* ---- lists of strings ---------------------------------------------------- */

void
rdb_strv_free(struct rdb_strv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->s[i]);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

int
rdb_strv_has(const struct rdb_strv *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->s[i], s) == 0)
			return (1);
	return (0);
}

int
rdb_strv_add(struct rdb_strv *v, const char *s)
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
const char *
rdb_strv_join(const struct rdb_strv *v, char *buf, size_t len)
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

/* ---- pooling ------------------------------------------------------------- */

/*
 * Which runs are replications of one another (results.h): those of one
 * scenario with the same parameter digest, i.e. the same resolved
 * parameters apart from seed and repetition.  Nothing else is pooled.
 *
 * A pool's label is the sweep label of its first run ("rate=20/s"),
 * completed with every key that differs between the scenario's pools
 * without being swept (a --set of one command, say), so that two pools
 * never look alike: "rate=20/s, host.client.portrange=10000-11999".  A key
 * counts as swept when a sweep label names it (by its last component, or
 * whole when two swept keys share one); should two pools still look alike,
 * every key in which they differ is named.  run.seed and run.repeat define
 * no pool and are never named.
 */
struct pool {
	const char	*scenario;	/* of its first run */
	char		*digest;
	char		*base;		/* sweep label of its first run */
	char		*label;		/* the pool's label */
	int64_t		 first;		/* its first run */
	struct rdb_strv	 keys, vals;	/* that run's parameters, by key */
};

static int
pool_load_params(sqlite3_stmt *st, struct pool *p)
{
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, p->first);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (rdb_strv_add(&p->keys, rdb_col_text(st, 0)) != REPORT_OK ||
		    rdb_strv_add(&p->vals, rdb_col_text(st, 1)) != REPORT_OK)
			return (REPORT_ENOMEM);
	return (rc == SQLITE_DONE ? REPORT_OK : REPORT_ESQL);
}

/* The value of `key` in pool p, NULL when it has none. */
static const char *
pool_value(const struct pool *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->keys.n; i++)
		if (strcmp(p->keys.s[i], key) == 0)
			return (p->vals.s[i]);
	return (NULL);
}

/* Does sweep label `label` name `key` ("rate=..." or "workload.web.rate=...")? */
static int
label_names(const char *label, const char *key)
{
	const char *last = strrchr(key, '.'), *p;
	const char *names[2];
	size_t len;
	int i;

	names[0] = key;
	names[1] = last != NULL ? last + 1 : key;
	for (i = 0; i < 2; i++) {
		len = strlen(names[i]);
		/*
		 * An empty name ("" or a key ending in '.', which a damaged
		 * or edited file can hold) names nothing: strstr would match
		 * at every position and walk off the label's end (found by
		 * tests/fuzz/fuzz_results).
		 */
		if (len == 0)
			continue;
		for (p = label; (p = strstr(p, names[i])) != NULL; p++)
			if ((p == label || (p >= label + 2 &&
			    strncmp(p - 2, ", ", 2) == 0)) && p[len] == '=')
				return (1);
	}
	return (0);
}

static int
same_value(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

static int
str_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * Adds to `named` ("SCENARIO\037KEY" entries) the keys in which pools a
 * and b differ; with `unswept`, only those no sweep label names.
 */
static int
pool_diff(const struct pool *a, const struct pool *b, int unswept,
    struct rdb_strv *named, int *added)
{
	const struct pool *pp[2] = { a, b };
	char entry[1024];
	size_t k;
	int w;

	for (w = 0; w < 2; w++)
		for (k = 0; k < pp[w]->keys.n; k++) {
			const char *key = pp[w]->keys.s[k];

			if (strcmp(key, "run.seed") == 0 ||
			    strcmp(key, "run.repeat") == 0 ||
			    same_value(pool_value(a, key), pool_value(b, key)))
				continue;
			if (unswept && (label_names(a->base, key) ||
			    label_names(b->base, key)))
				continue;
			snprintf(entry, sizeof(entry), "%s\037%s", a->scenario,
			    key);
			if (rdb_strv_has(named, entry))
				continue;
			if (rdb_strv_add(named, entry) != REPORT_OK)
				return (REPORT_ENOMEM);
			*added = 1;
		}
	return (REPORT_OK);
}

/* Each pool's label from its base and the keys named for its scenario. */
static int
pool_make_labels(struct pool *pools, size_t npools, struct rdb_strv *named)
{
	sqlite3_str *s;
	const char *v, *key;
	char *text;
	size_t i, k, slen;

	if (named->n > 1)
		qsort(named->s, named->n, sizeof(*named->s), str_cmp);
	for (i = 0; i < npools; i++) {
		slen = strlen(pools[i].scenario);
		s = sqlite3_str_new(NULL);
		sqlite3_str_appendall(s, pools[i].base);
		for (k = 0; k < named->n; k++) {
			if (strncmp(named->s[k], pools[i].scenario, slen) != 0 ||
			    named->s[k][slen] != '\037')
				continue;
			key = named->s[k] + slen + 1;
			v = pool_value(&pools[i], key);
			sqlite3_str_appendf(s, "%s%s=%s",
			    sqlite3_str_length(s) > 0 ? ", " : "", key,
			    v != NULL ? v : "(none)");
		}
		if ((text = sqlite3_str_finish(s)) == NULL)
			return (REPORT_ENOMEM);
		free(pools[i].label);
		pools[i].label = strdup(text);
		sqlite3_free(text);
		if (pools[i].label == NULL)
			return (REPORT_ENOMEM);
	}
	return (REPORT_OK);
}

int
rdb_pool_labels(sqlite3 *db, size_t n, const int64_t *ids,
    char *const *scenario, char **label, char *err, size_t errlen)
{
	struct pool *pools = NULL, *np;
	struct rdb_strv named;
	sqlite3_stmt *dig = NULL, *par = NULL;
	size_t *of = NULL, npools = 0, i, j;
	const char *d;
	int rc, added, pass;

	memset(&named, 0, sizeof(named));
	if (n == 0)
		return (REPORT_OK);
	if ((of = calloc(n, sizeof(*of))) == NULL)
		goto nomem;
	if (sqlite3_prepare_v2(db, "SELECT param_digest FROM runs WHERE"
	    " run_id = ?1", -1, &dig, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT key, value FROM params WHERE"
	    " run_id = ?1 ORDER BY key", -1, &par, NULL) != SQLITE_OK) {
		rc = rdb_sqlerr(db, err, errlen, "cannot read run parameters");
		goto out;
	}
	for (i = 0; i < n; i++) {
		sqlite3_reset(dig);
		sqlite3_bind_int64(dig, 1, ids[i]);
		if (sqlite3_step(dig) != SQLITE_ROW) {
			rc = rdb_sqlerr(db, err, errlen, "cannot read runs");
			goto out;
		}
		d = (const char *)sqlite3_column_text(dig, 0);
		if (d == NULL)
			d = "";
		for (j = 0; j < npools; j++)
			if (strcmp(pools[j].scenario, scenario[i]) == 0 &&
			    strcmp(pools[j].digest, d) == 0)
				break;
		if (j == npools) {
			if ((np = realloc(pools, (npools + 1) *
			    sizeof(*np))) == NULL)
				goto nomem;
			pools = np;
			memset(&pools[j], 0, sizeof(pools[j]));
			npools++;
			pools[j].scenario = scenario[i];
			pools[j].first = ids[i];
			pools[j].digest = strdup(d);
			pools[j].base = strdup(label[i]);
			if (pools[j].digest == NULL || pools[j].base == NULL)
				goto nomem;
			if ((rc = pool_load_params(par, &pools[j])) !=
			    REPORT_OK) {
				if (rc == REPORT_ESQL)
					rc = rdb_sqlerr(db, err, errlen,
					    "cannot read run parameters");
				goto out;
			}
		}
		of[i] = j;
	}
	/* Pass 0: unswept keys that differ; pass 1: whatever still clashes. */
	for (pass = 0; pass < 3; pass++) {
		added = 0;
		for (i = 0; i < npools; i++)
			for (j = i + 1; j < npools; j++) {
				if (strcmp(pools[i].scenario,
				    pools[j].scenario) != 0)
					continue;
				if (pass > 0 && strcmp(pools[i].label,
				    pools[j].label) != 0)
					continue;
				if (pool_diff(&pools[i], &pools[j], pass == 0,
				    &named, &added) != REPORT_OK)
					goto nomem;
			}
		if ((pass == 0 || added) &&
		    pool_make_labels(pools, npools, &named) != REPORT_OK)
			goto nomem;
		if (pass > 0 && !added)
			break;
	}
	for (i = 0; i < n; i++) {
		free(label[i]);
		if ((label[i] = strdup(pools[of[i]].label)) == NULL)
			goto nomem;
	}
	rc = REPORT_OK;
	goto out;
nomem:
	rdb_seterr(err, errlen, "out of memory");
	rc = REPORT_ENOMEM;
out:
	sqlite3_finalize(dig);
	sqlite3_finalize(par);
	for (i = 0; i < npools; i++) {
		free(pools[i].digest);
		free(pools[i].base);
		free(pools[i].label);
		rdb_strv_free(&pools[i].keys);
		rdb_strv_free(&pools[i].vals);
	}
	free(pools);
	free(of);
	rdb_strv_free(&named);
	return (rc);
}
