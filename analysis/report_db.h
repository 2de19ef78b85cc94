/*
 * report_db.h -- what report.c and report_plot.c share for reading a
 * results database (private to analysis/; report.h is the interface).
 */
#ifndef TWSIM_REPORT_DB_H
#define TWSIM_REPORT_DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "analysis/report.h"

/* printf into err (if any). */
void		 rdb_seterr(char *err, size_t errlen, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/*
 * "what: SQLite's message" into err; returns REPORT_ESQL.  Call it before
 * resetting or finalizing a statement of db: those overwrite the error.
 */
int		 rdb_sqlerr(sqlite3 *db, char *err, size_t errlen,
		    const char *what);
/* Column i as a double (NAN if NULL), or a malloc'd string ("" if NULL). */
double		 rdb_col_double(sqlite3_stmt *st, int i);
/* A text column; NULL (a damaged file) reads as "". */
const char	*rdb_col_text(sqlite3_stmt *st, int i);
char		*rdb_col_strdup(sqlite3_stmt *st, int i);

/* The unit report_param_number() left the number in, for axis labels. */
const char	*rdb_param_unit(const char *value);
/*
 * The value of `key` in run `run_id`, malloc'd, or NULL; st is
 * "SELECT value FROM params WHERE run_id = ?1 AND key = ?2".
 */
char		*rdb_run_param(sqlite3_stmt *st, int64_t run_id,
		    const char *key);

/*
 * The runs filter f selects, as "SELECT what FROM runs ..." ordered by
 * run_id, into *st.  REPORT_OK or REPORT_ESQL.
 */
int		 rdb_filter_runs(sqlite3 *db, const struct report_filter *f,
		    sqlite3_stmt **st, const char *what, char *err,
		    size_t errlen);
/* Names the valid choices when f selects nothing: REPORT_ENOMATCH. */
int		 rdb_no_match(sqlite3 *db, const struct report_filter *f,
		    char *err, size_t errlen);

/* A growable list of strings. */
struct rdb_strv {
	char	**s;
	size_t	  n, cap;
};
void		 rdb_strv_free(struct rdb_strv *v);
int		 rdb_strv_has(const struct rdb_strv *v, const char *s);
int		 rdb_strv_add(struct rdb_strv *v, const char *s);
/* "a, b, c" into buf (truncated to fit). */
const char	*rdb_strv_join(const struct rdb_strv *v, char *buf,
		    size_t len);

/*
 * Pooling (results.h): rewrites label[i] of the n runs ids[i] (of
 * scenario[i]) to the label of their pool -- the runs of one scenario with
 * one parameter digest -- so that runs pool exactly when scenario and
 * label are equal.  A pool's label is the sweep label of its first run,
 * completed with the keys that differ between the scenario's pools
 * without being swept ("rate=20/s, host.client.portrange=10000-11999").
 */
int		 rdb_pool_labels(sqlite3 *db, size_t n, const int64_t *ids,
		    char *const *scenario, char **label, char *err,
		    size_t errlen);

#endif /* TWSIM_REPORT_DB_H */
