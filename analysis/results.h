/*
 * results.h -- the results database: schema, writer and opener.
 *
 * Every run of twsim is recorded in one SQLite file.  This module owns that
 * file's schema (the table and view names below are a public contract that
 * users' scripts query directly) and is the only code that issues SQL to
 * write it.  The runner hands it plain rows; models never see SQL.
 *
 * Tables (times are seconds, REAL):
 *   runs(run_id, scenario, sweep, repetition, seed, status, sim_seconds,
 *        wall_seconds, events, version, started_at, error)
 *   params(run_id, key, value)                every resolved key of the run
 *   samples(run_id, t, host, tw_count, ...)   one row per host per interval
 *   connections(run_id, conn_id, workload, client, lport, server, t_start,
 *        t_established, t_end, outcome, syn_sent)
 *   host_stats(run_id, host, <final counters>)
 * View:
 *   run_summary   runs joined with host_stats, one row per (run, host).
 *
 * A run is written inside ONE transaction: results_run_begin() opens it and
 * inserts the runs row, results_run_end() records status and times and
 * commits.  A process killed mid-run therefore leaves nothing of that run
 * and every earlier run intact.  results_run_abort() rolls the run back.
 *
 * Files are marked with PRAGMA application_id RESULTS_APPLICATION_ID and
 * versioned with PRAGMA user_version RESULTS_SCHEMA_VERSION.  Opening a file
 * that is not a twsim database, or is of another version, fails with a
 * message naming the file and the reason, and leaves the file untouched.
 * While a writer has the file open it is in WAL mode (readers see every
 * committed run meanwhile); closing returns it to a plain rollback-journal
 * file, so read-only readers leave no -wal/-shm files behind.
 *
 * Run ids are max(run_id) + 1, so a run rolled back leaves no gap and
 * results_merge() of worker databases numbers runs as direct writes would.
 *
 * Errors are values: functions return RESULTS_OK or a negative RESULTS_E*
 * code; the message is kept on the handle (results_errmsg()), or written to
 * the caller's buffer when there is no handle yet.
 */
#ifndef TWSIM_RESULTS_H
#define TWSIM_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define RESULTS_APPLICATION_ID	0x5457534d	/* "TWSM" */
#define RESULTS_SCHEMA_VERSION	1

/* Return codes. */
#define RESULTS_OK		0
#define RESULTS_ESQL		(-1)	/* SQLite reported an error */
#define RESULTS_EFOREIGN	(-2)	/* not a twsim database (or not SQLite) */
#define RESULTS_EVERSION	(-3)	/* twsim database of another version */
#define RESULTS_ENOENT		(-4)	/* read-only open of a missing file */
#define RESULTS_EINVAL		(-5)	/* bad argument or call out of order */
#define RESULTS_ENOMEM		(-6)
#define RESULTS_EACCES		(-7)	/* file cannot be read or written */

/* Open modes. */
#define RESULTS_RW_CREATE	1	/* create if new/empty, else append */
#define RESULTS_READONLY	2	/* analysis readers; file must exist */

/* Run status values (runs.status). */
#define RESULTS_STATUS_COMPLETE		"complete"
#define RESULTS_STATUS_FAILED		"failed"
#define RESULTS_STATUS_INTERRUPTED	"interrupted"

/* Connection outcomes (connections.outcome). */
#define RESULTS_OUTCOME_OK		"ok"
#define RESULTS_OUTCOME_ADDRNOTAVAIL	"addrnotavail"
#define RESULTS_OUTCOME_TIMEOUT		"timeout"
#define RESULTS_OUTCOME_RESET		"reset"
/* Still open when the run ended (t_end NULL): no outcome yet. */
#define RESULTS_OUTCOME_OPEN		"open"

struct results;		/* opaque: one open database */

/*
 * Opens `path`.  On failure *out is NULL, a message naming the file and the
 * reason is in err, and the file is left byte-for-byte as it was.
 */
int		 results_open(const char *path, int mode, struct results **out,
		    char *err, size_t errlen);
/* Closes; a run still open is rolled back.  NULL is accepted. */
void		 results_close(struct results *r);
const char	*results_errmsg(const struct results *r);
const char	*results_path(const struct results *r);
/* The raw handle, for analysis readers (report, plot, query). */
sqlite3		*results_sqlite(struct results *r);

/* ---- writing one run --------------------------------------------------- */

struct results_run {
	const char	*scenario;	/* scenario name (or file) */
	const char	*sweep;		/* "rate=20/s,..."; NULL or "" if none */
	int		 repetition;	/* 0-based */
	uint64_t	 seed;		/* stored as INTEGER: keep it < 2^63 */
	const char	*version;	/* twsim version string */
};

/* Starts the run's transaction and inserts its runs row (status
 * "interrupted" until results_run_end()).  *run_id gets the new id. */
int		 results_run_begin(struct results *r,
		    const struct results_run *run, int64_t *run_id);

/* One resolved parameter, value in canonical text. */
int		 results_param(struct results *r, int64_t run_id,
		    const char *key, const char *value);

/* One row per host per sample interval; conn_* and tw_entered/expired/
 * recycled/reopened, syn_dropped_tw and hazards are cumulative. */
struct results_sample {
	double		 t;
	const char	*host;
	int64_t		 tw_count;
	int64_t		 tw_cap;
	int64_t		 ports_in_use;
	int64_t		 established;
	int64_t		 conn_attempted;
	int64_t		 conn_established;
	int64_t		 conn_failed_addrnotavail;
	int64_t		 tw_entered;
	int64_t		 tw_expired;
	int64_t		 tw_recycled;
	/* additions to the column list */
	int64_t		 conn_failed_timeout;
	int64_t		 conn_failed_reset;
	int64_t		 tw_reopened;
	int64_t		 syn_dropped_tw;
	int64_t		 hazards;
};
int		 results_sample(struct results *r, int64_t run_id,
		    const struct results_sample *s);

/* One connection record.  t_established NAN -> NULL (never established). */
struct results_conn {
	int64_t		 conn_id;
	const char	*workload;
	const char	*client;
	int		 lport;		/* 0 when no port was allocated */
	const char	*server;
	double		 t_start;
	double		 t_established;
	double		 t_end;		/* NAN -> NULL (still open at end) */
	const char	*outcome;	/* RESULTS_OUTCOME_* */
	int		 syn_sent;
};
int		 results_connection(struct results *r, int64_t run_id,
		    const struct results_conn *c);

/* Final counters of one host at the end of the run. */
struct results_host {
	const char	*host;
	int64_t		 conn_attempted;
	int64_t		 conn_established;
	int64_t		 conn_failed_addrnotavail;
	int64_t		 conn_failed_timeout;
	int64_t		 conn_failed_reset;
	int64_t		 tw_entered;
	int64_t		 tw_expired;
	int64_t		 tw_recycled;
	int64_t		 tw_reopened;
	int64_t		 tw_skipped_local;	/* nolocaltimewait */
	int64_t		 tw_skipped_nomem;	/* zone allocation failed */
	int64_t		 tw_peak;
	int64_t		 tw_cap;
	int64_t		 syn_dropped_tw;
	int64_t		 rst_ignored_tw;
	int64_t		 acks_sent_tw;
	int64_t		 hazards;
	double		 first_addrnotavail_s;	/* NAN -> NULL: never */
	double		 connect_p50_s;		/* NAN -> NULL: no samples */
	double		 connect_p99_s;
	double		 connect_max_s;
};
int		 results_host_stats(struct results *r, int64_t run_id,
		    const struct results_host *h);

/* Optional: a message saying why a run failed (runs.error). */
int		 results_run_error(struct results *r, int64_t run_id,
		    const char *message);

/* Sets status (RESULTS_STATUS_*), times and event count, and commits. */
int		 results_run_end(struct results *r, int64_t run_id,
		    const char *status, double sim_seconds, double wall_seconds,
		    uint64_t events);
/* Rolls the whole run back: nothing of it remains. */
int		 results_run_abort(struct results *r, int64_t run_id);

/* ---- merging worker databases ----------------------------------------- */

/*
 * Copies every run of the twsim database at src_path into dst, in one
 * transaction, in src's run_id order, renumbering them to follow dst's
 * last run.  The new ids are consecutive: *first_run_id (may be NULL) gets
 * the first, *nruns (may be NULL) how many.  No run may be open on dst.
 * The resulting rows equal those of writing the runs into dst directly.
 */
int		 results_merge(struct results *dst, const char *src_path,
		    int64_t *first_run_id, int64_t *nruns, char *err,
		    size_t errlen);

#endif /* TWSIM_RESULTS_H */
