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

char *
rdb_col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s;

	s = sqlite3_column_text(st, i);
	return (strdup(s != NULL ? (const char *)s : ""));
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
				    sqlite3_column_text(st, 0));
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
