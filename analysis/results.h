/*
 * results.h -- the results database: schema, writer, opener and merger.
 *
 * Every run of twsim is recorded in one SQLite file.  This module owns that
 * file's schema (the table and view names below are a public contract that
 * users' scripts query directly) and is the only code that issues SQL to
 * write it.  The runner hands it plain rows; models never see SQL.
 *
 * Tables (times are seconds, REAL):
 *   runs(run_id, scenario, sweep, repetition, seed, status, sim_seconds,
 *        wall_seconds, events, version, started_at, error, identity,
 *        param_digest, run_index)
 *   params(run_id, key, value)                every resolved key of the run
 *   samples(run_id, t, host, tw_count, ...)   one row per host per interval
 *   connections(run_id, conn_id, workload, client, lport, server, t_start,
 *        t_established, t_end, outcome, syn_sent)
 *   host_stats(run_id, host, <final counters>)
 *   connection_stats(run_id, host, connect_n, connect_p50_s, connect_p99_s,
 *        connect_max_s, tw_n, tw_life_mean_s, tw_life_p50_s, tw_life_p99_s,
 *        tw_life_max_s)                     aggregates of the connection
 *                                             rows, written at run end
 * View:
 *   run_summary   runs joined with host_stats, one row per (run, host).
 *
 * Identity.  A run is defined by its scenario name, its resolved
 * parameters and its seed (and repetition number): runs.identity is the
 * SHA-256 (first 128 bits, hex) of exactly those, runs.param_digest the
 * same without the seed, the repetition and the key run.seed.  The key
 * run.repeat counts in neither (how many repetitions a command asked for
 * defines none of them).  A database holds at most one run of an identity
 * (a UNIQUE index).  A run written or merged whose identity is present
 * replaces the present one (keeping its run_id) if that one is not
 * complete, or if RESULTS_REPLACE is given and the new one is complete;
 * otherwise the new run is dropped (RESULTS_SKIPPED).  Runs with equal
 * param_digest are replications of one configuration: the only runs a
 * report pools.  runs.run_index is the run's position in the run list of
 * the command that made it, so a merge of slices can restore that order.
 *
 * Writing.  While a run simulates, its rows are staged in a private
 * temporary database attached to the handle, so no lock on the file is
 * held; results_run_end() copies them into the file in one short write
 * transaction (the code path of results_merge()).  A writer that finds
 * the file locked backs off and retries for up to RESULTS_BUSY_LIMIT_MS.
 * A process killed mid-run leaves nothing of that run and every earlier
 * run intact, and several processes can write one file at once.
 *
 * Files are marked with PRAGMA application_id RESULTS_APPLICATION_ID and
 * versioned with PRAGMA user_version RESULTS_SCHEMA_VERSION.  Opening a
 * file that is not a twsim database, is of another version, or is damaged
 * (PRAGMA quick_check: of the whole file, or of the tables a reader names,
 * results_open_reader()) fails with a message naming the file and the
 * reason, and leaves the file untouched.  While a writer has the file
 * open it is in WAL mode (readers see every committed run meanwhile);
 * closing returns it to a plain rollback-journal file, so read-only
 * readers leave no -wal/-shm files behind.
 *
 * Worker part files.  A `twsim run -j N` worker writes FILE.part-PID-I.tmp
 * (PID the parent's, I the run's index) and renames it FILE.part-PID-I once
 * its run is recorded.  Opening FILE for writing merges the finished part
 * files of parents that no longer exist, in order, and removes every other
 * leftover of theirs.
 *
 * Run ids are max(run_id) + 1 for a new run, so a run rolled back leaves no
 * gap and merged runs are numbered as direct writes would be; a merge of
 * several files (results_merge_sources(), `twsim merge`) numbers the runs
 * it adds in run-index order, as one `twsim run` of the whole sweep.
 *
 * Errors are values: functions return RESULTS_OK or a negative RESULTS_E*
 * code; the message is kept on the handle (results_errmsg()), or written to
 * the caller's buffer when there is no handle yet.
 */
#ifndef TWSIM_RESULTS_H
#define TWSIM_RESULTS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define RESULTS_APPLICATION_ID	0x5457534d	/* "TWSM" */
#define RESULTS_SCHEMA_VERSION	6

/* Return codes. */
#define RESULTS_OK		0
#define RESULTS_ESQL		(-1)	/* SQLite reported an error */
#define RESULTS_EFOREIGN	(-2)	/* not a twsim database (or not SQLite) */
#define RESULTS_EVERSION	(-3)	/* twsim database of another version */
#define RESULTS_ENOENT		(-4)	/* read-only open of a missing file */
#define RESULTS_EINVAL		(-5)	/* bad argument or call out of order */
#define RESULTS_ENOMEM		(-6)
#define RESULTS_EACCES		(-7)	/* file cannot be read or written */
#define RESULTS_EDAMAGED	(-8)	/* damaged file (PRAGMA quick_check) */
#define RESULTS_EBUSY		(-9)	/* another writer held the file too long */

/* How long a writer waits for another, backing off, before giving up. */
#define RESULTS_BUSY_LIMIT_MS	(10 * 60 * 1000)
/* ... and once asked to stop (results_set_stop_flag()). */
#define RESULTS_BUSY_STOPPING_MS	5000

/* Open modes. */
#define RESULTS_RW_CREATE	1	/* create if new/empty, else append */
#define RESULTS_READONLY	2	/* analysis readers; file must exist */
#define RESULTS_RW_PART		3	/* a -j worker's private part file:
					   runs written in place (no
					   staging), no recovery of
					   leftover part files */
/*
 * Or'ed into RESULTS_RW_CREATE or RESULTS_RW_PART: this process will write
 * one run to the file.  A file that this open makes is then written with a
 * rollback journal instead of WAL, which writes each page once instead of
 * twice (results.c, before_run_write()).  No effect on a file that exists.
 */
#define RESULTS_ONE_RUN		0x100

/* Run status values (runs.status). */
#define RESULTS_STATUS_COMPLETE		"complete"
#define RESULTS_STATUS_FAILED		"failed"
#define RESULTS_STATUS_INTERRUPTED	"interrupted"

/* Connection outcomes (connections.outcome). */
#define RESULTS_OUTCOME_OK		"ok"
#define RESULTS_OUTCOME_ADDRNOTAVAIL	"addrnotavail"
#define RESULTS_OUTCOME_TIMEOUT		"timeout"
#define RESULTS_OUTCOME_RESET		"reset"
#define RESULTS_OUTCOME_NOBUFS		"nobufs"	/* ENOBUFS */
#define RESULTS_OUTCOME_ADDRINUSE	"addrinuse"	/* 4-tuple taken */
/* Still open when the run ended (t_end NULL): no outcome yet. */
#define RESULTS_OUTCOME_OPEN		"open"

struct results;		/* opaque: one open database */

/*
 * Opens `path`.  On failure *out is NULL, a message naming the file and the
 * reason is in err, and the file is left byte-for-byte as it was.
 */
int		 results_open(const char *path, int mode, struct results **out,
		    char *err, size_t errlen);
/*
 * Opens `path` read-only (RESULTS_READONLY) for a reader that reads only
 * the tables named in `tables` (NULL-terminated): the check for damage
 * covers those tables and their indexes instead of the whole file, so a
 * reader that never touches the connection rows does not pay for reading
 * them.  A damaged page in any of them is refused as by results_open();
 * one elsewhere in the file is not seen.  Writers, and readers that may
 * read any table, use results_open() (the whole file).
 */
int		 results_open_reader(const char *path,
		    const char *const *tables, struct results **out,
		    char *err, size_t errlen);
/* Closes; a run still open is rolled back.  NULL is accepted. */
void		 results_close(struct results *r);
/* Removes the file at path and SQLite's -wal, -shm and -journal files
 * beside it (part files no longer wanted); no error when absent. */
void		 results_remove_files(const char *path);
const char	*results_errmsg(const struct results *r);
const char	*results_path(const struct results *r);
/*
 * A flag (set by a SIGINT handler) that cuts any wait for another writer
 * to RESULTS_BUSY_STOPPING_MS: the write that waited longer fails.  NULL:
 * wait up to RESULTS_BUSY_LIMIT_MS.
 */
void		 results_set_stop_flag(struct results *r,
		    volatile sig_atomic_t *stop);
/*
 * How much of the open run a writer keeps in memory rather than in its
 * staging database: stats_values connection_stats values (one per
 * established connection and one per ended TIME_WAIT), so that
 * results_run_end() need not read the rows back, and buffered_rows
 * connection rows, written straight into the file at the run's end; and
 * how large (stage_pages pages) a staging database may have grown for it
 * to be emptied and kept for the next run rather than made anew.  The
 * defaults (RESULTS_LIVE_STATS_MAX, RESULTS_CONN_BUF_MAX, STAGE_KEEP_PAGES
 * in results.c) are 2^20 values (8 MiB), 2^16 rows (~5 MiB) and 1024
 * pages (4 MiB).  The tables are the same whatever the limits.
 */
void		 results_set_row_memory(struct results *r, size_t stats_values,
		    size_t buffered_rows, size_t stage_pages);
/* The raw handle, for analysis readers (report, plot, query). */
sqlite3		*results_sqlite(struct results *r);

/* ---- writing one run --------------------------------------------------- */

/* One resolved parameter, value in canonical text. */
struct results_kv {
	const char	*key;
	const char	*value;
};

struct results_run {
	const char	*scenario;	/* scenario name (or file) */
	const char	*sweep;		/* "rate=20/s,..."; NULL or "" if none */
	int		 repetition;	/* 0-based */
	uint64_t	 seed;		/* stored as INTEGER: keep it < 2^63 */
	const char	*version;	/* twsim version string */
	int64_t		 run_index;	/* in the command's run list */
	size_t		 nparams;	/* every resolved key of the run */
	const struct results_kv *params;
};

/* Hex digests: RESULTS_DIGEST_HEX characters and a NUL. */
#define RESULTS_DIGEST_HEX	32
struct results_identity {
	char	identity[RESULTS_DIGEST_HEX + 1];
	char	param_digest[RESULTS_DIGEST_HEX + 1];
};

/* The identity and parameter digest of `run` (top of this file); keys
 * count in byte order whatever the order given. */
int		 results_identity(const struct results_run *run,
		    struct results_identity *id);

/*
 * The run of `identity` in r: *run_id (0 when there is none) and its
 * status, copied into status (may be NULL).
 */
int		 results_find(struct results *r, const char *identity,
		    int64_t *run_id, char *status, size_t statuslen);
/* The highest repetition among runs with this parameter digest (-1: none). */
int		 results_max_repetition(struct results *r,
		    const char *param_digest, int64_t *max);

/*
 * Starts staging a run with its parameters (run->params).  *run_id gets
 * the handle's id of the run being written, for the row writers below;
 * its id in the file is known at results_run_end().
 */
int		 results_run_begin(struct results *r,
		    const struct results_run *run, int64_t *run_id);

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
	/* Linux (issue 13): TIME_WAIT taken over by connect (TWRecycled),
	   ended by a RST */
	int64_t		 tw_reused;
	int64_t		 tw_killed_rst;
	/* issue 9 */
	int64_t		 tw_cap_effective;	/* what the zone holds, UMA-2 */
	int64_t		 conn_failed_nobufs;	/* ENOBUFS, SOCK-1 */
	int64_t		 conn_failed_addrinuse;	/* EADDRINUSE, TCP-17 */
	int64_t		 tw_rearmed;		/* TW-18 */
	int64_t		 tw_dropped_recycled;	/* TW-14 */
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
	/*
	 * Its TIME_WAIT (REC-1), on whichever host held it: how it ended --
	 * "expired", "recycled", "reopened", "reused", "killed", "skipped"
	 * (none at all: start == end) or "open" (t_tw_end NAN -> NULL) -- or
	 * tw_end NULL when the connection had none (all four stay NULL).
	 */
	const char	*tw_end;
	const char	*tw_host;
	double		 t_tw_start;
	double		 t_tw_end;
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
	int64_t		 tw_reused;		/* Linux TWRecycled */
	int64_t		 tw_killed_rst;		/* RST ended TIME_WAIT */
	/* issue 9 */
	int64_t		 tw_cap_effective;
	int64_t		 conn_failed_nobufs;
	int64_t		 conn_failed_addrinuse;
	int64_t		 tw_rearmed;
	int64_t		 tw_dropped_recycled;
	/* schema 5 (issue 15): how losses were repaired (DP-5, DP-6) */
	int64_t		 rexmt_data;
	int64_t		 rexmt_timeouts;
	int64_t		 fast_rexmt;
};
int		 results_host_stats(struct results *r, int64_t run_id,
		    const struct results_host *h);

/* Optional: a message saying why a run failed (runs.error). */
int		 results_run_error(struct results *r, int64_t run_id,
		    const char *message);

/* What became of a run given to results_run_end() or results_merge(). */
enum results_action {
	RESULTS_ADDED,		/* a new identity: appended */
	RESULTS_REPLACED,	/* took the place and run_id of the earlier run
				   of its identity */
	RESULTS_SKIPPED		/* its identity is present: dropped */
};

/* Flags of results_run_end() and results_merge(). */
#define RESULTS_REPLACE	0x1	/* a complete run replaces a complete one */

/*
 * Sets status (RESULTS_STATUS_*), times and event count, and copies the
 * run into the file in one transaction, by the identity rule.  *action
 * (may be NULL) gets what happened, *file_run_id (may be NULL) the run's
 * id in the file (when skipped, that of the run kept).
 */
int		 results_run_end(struct results *r, int64_t run_id,
		    const char *status, double sim_seconds, double wall_seconds,
		    uint64_t events, int flags, enum results_action *action,
		    int64_t *file_run_id);
/* Rolls the whole run back: nothing of it remains. */
int		 results_run_abort(struct results *r, int64_t run_id);

/* ---- merging databases ------------------------------------------------- */

struct results_merge_stats {
	int64_t		added;		/* runs appended */
	int64_t		replaced;	/* runs that replaced one of dst's */
	int64_t		skipped;	/* runs dropped: identity present */
	int64_t		first_run_id;	/* in dst, the lowest id of the runs
					   added or replaced (0: none) */
	int64_t		last_run_id;	/* ... and the highest; when all
					   were skipped, of the run kept for
					   the last one */
};

/*
 * Merge sources: the run lists of twsim databases to merge, read (and
 * checked: a foreign, other-version or damaged file is refused with the
 * message of results_open(), and left untouched) before anything is
 * written.  `twsim merge` reads every input before it creates or opens
 * its output, so a bad input leaves the output as it was.
 */
struct results_sources;
int		 results_sources_read(const char *const *paths, size_t n,
		    struct results_sources **out, char *err, size_t errlen);
size_t		 results_sources_nruns(const struct results_sources *s);
void		 results_sources_free(struct results_sources *s);

/*
 * Copies every run of the sources into dst by the identity rule (flags:
 * RESULTS_REPLACE): a run whose identity dst (or an earlier source)
 * holds is added once only.  The runs added are numbered after dst's last
 * run in run-index order: the sources' run lists merged by runs.run_index,
 * each source's own order kept, so merging the slices of a sweep (`twsim
 * run --runs`) gives the run ids, and rows, of one `twsim run -j 1` of the
 * whole sweep, whatever the order of the files.  A replacing run takes the
 * id of the run it replaces.  One transaction per source (copying its
 * rows), sources in the order of their first run; a failure leaves the
 * sources merged so far.  No run may be open on dst.  st (may be NULL)
 * gets the counts.
 */
int		 results_merge_sources(struct results *dst,
		    struct results_sources *s, int flags,
		    struct results_merge_stats *st, char *err, size_t errlen);

/*
 * The same for one file (results_sources_read(), then the code of
 * results_merge_sources()) -- the path of `twsim run -j`, of the recovery
 * of a killed parent's part files and of `twsim merge` alike.
 */
int		 results_merge(struct results *dst, const char *src_path,
		    int flags, struct results_merge_stats *st, char *err,
		    size_t errlen);

/*
 * The same for the runs src_run_ids[0..n) of src only, copied in that
 * order (a run id src lacks: RESULTS_EINVAL, nothing copied), in one
 * transaction.  (results_merge_sources() rebuilds one command's run list
 * from slices in run_index order with one transaction per source, however
 * the slices interleave.)
 */
int		 results_merge_runs(struct results *dst, const char *src_path,
		    const int64_t *src_run_ids, size_t n, int flags,
		    struct results_merge_stats *st, char *err, size_t errlen);

/* ---- reading run lists ------------------------------------------------- */

struct results_run_info {
	int64_t		 run_id;
	int64_t		 run_index;
	const char	*identity;
	const char	*status;	/* RESULTS_STATUS_* */
	const char	*scenario;
};
/* A non-zero return stops the walk and is returned by results_each_run. */
typedef int	(*results_run_fn)(void *ctx, const struct results_run_info *ri);
/* Calls fn for every run of r, in run_id order (`twsim merge --status`). */
int		 results_each_run(struct results *r, results_run_fn fn,
		    void *ctx);

#endif /* TWSIM_RESULTS_H */
