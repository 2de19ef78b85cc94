/*
 * results.c -- the results database: its schema, opener, writer and merger.
 *
 * This file is the one place the schema is written down (SCHEMA below) and
 * the only code that writes SQL for a run.  The runner hands it plain rows
 * (struct results_sample, results_conn, results_host) and never sees SQL.
 *
 * Why it is built this way:
 *  - One short transaction per run.  results_run_begin() stages the run
 *    in a private temporary database ("stage"), results_run_end() copies
 *    it into the file in one write transaction, by the identity rule of
 *    results.h (merge_schema(): the code path of results_merge() too).  No
 *    lock on the file is held while a run simulates, so concurrent writers
 *    both land; a process killed mid-run leaves nothing of that run and
 *    every earlier run intact; there is no half-written run for readers
 *    to trip over.
 *  - Identity.  runs.identity is UNIQUE: a run is in a file at most once
 *    however it got there (written, merged from a part file, recovered).
 *  - Safety of damaged files.  PRAGMA quick_check at every open of an
 *    existing file, before anything is written: of the whole file for
 *    writers (run, merge) and for readers that may read any table (query,
 *    export); of just the tables it reads for a reader that names them
 *    (results_open_reader(): report and plot), which then never pays for
 *    reading the connection rows it does not use -- on a database of ten
 *    million rows the whole-file check alone took 3.5 s.
 *  - Speed.  A run may record ~1e6 connection rows and a sample per host
 *    per second.  Every insert is a statement prepared once per handle and
 *    bound by index; the journal is WAL with synchronous=NORMAL (a commit
 *    costs no fsync of the database file) -- except in a new file made for
 *    one run (RESULTS_ONE_RUN), whose rollback journal spares the WAL's
 *    second write of every page (before_run_write()) -- and the page cache
 *    is enlarged.
 *    A run's last 2^16 connection rows skip the stage: held in memory,
 *    they are written by the run's one write transaction, 32 to a
 *    statement (conn_buf), and its connection_stats are summed from
 *    values kept as the rows are written (cs_live_add()), not read back.
 *    The handle has no mutex: twsim has no threads.
 *  - Safety of foreign files.  The file is classified (twsim database of
 *    our version, empty, foreign, newer) by reading only; nothing is
 *    written -- not even the journal mode -- until it is known to be ours
 *    or empty, so a refused file stays byte-for-byte as it was.
 *  - Determinism.  run_ids are max(run_id)+1 both when writing directly and
 *    when merging worker databases, and merged rows are copied in their
 *    original insertion order, so `twsim run -j N` gives the same tables as
 *    -j 1 (apart from the wall-clock columns started_at and wall_seconds).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/digest.h"
#include "analysis/results.h"
#include "analysis/stats.h"

/*
 * The columns of connection_stats (version 6), in one place: the schema
 * creates the table with them, and so does the upgrade of a version 5
 * file (upgrade_v5()).
 */
#define CONNECTION_STATS_COLUMNS \
    " (\n" \
    "  run_id          INTEGER NOT NULL REFERENCES runs(run_id),\n" \
    "  host            TEXT NOT NULL,\n" \
    "  connect_n       INTEGER NOT NULL,\n" \
    "  connect_p50_s   REAL,\n" \
    "  connect_p99_s   REAL,\n" \
    "  connect_max_s   REAL,\n" \
    "  tw_n            INTEGER NOT NULL,\n" \
    "  tw_life_mean_s  REAL,\n" \
    "  tw_life_p50_s   REAL,\n" \
    "  tw_life_p99_s   REAL,\n" \
    "  tw_life_max_s   REAL,\n" \
    "  PRIMARY KEY (run_id, host)\n" \
    ");\n"

/*
 * The schema, version RESULTS_SCHEMA_VERSION.  Names are a public contract
 * (users' scripts query them): add columns at the end, never rename.  Any
 * change to the tables is a new RESULTS_SCHEMA_VERSION.
 */
static const char SCHEMA[] =
    "CREATE TABLE runs (\n"
    "  run_id        INTEGER PRIMARY KEY,\n"
    "  scenario      TEXT NOT NULL,\n"
    "  sweep         TEXT NOT NULL DEFAULT '',\n"
    "  repetition    INTEGER NOT NULL,\n"
    "  seed          INTEGER NOT NULL,\n"
    "  status        TEXT NOT NULL\n"
    "                CHECK (status IN ('complete','failed','interrupted')),\n"
    "  sim_seconds   REAL,\n"
    "  wall_seconds  REAL,\n"
    "  events        INTEGER,\n"
    "  version       TEXT NOT NULL,\n"
    "  started_at    TEXT NOT NULL\n"
    "                DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  error         TEXT,\n"
    /* Version 2: the run's identity (results.h). */
    "  identity      TEXT NOT NULL,\n"
    "  param_digest  TEXT NOT NULL,\n"
    "  run_index     INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE UNIQUE INDEX runs_by_identity ON runs (identity);\n"
    "CREATE INDEX runs_by_param_digest ON runs (param_digest, repetition);\n"
    "CREATE TABLE params (\n"
    "  run_id  INTEGER NOT NULL REFERENCES runs(run_id),\n"
    "  key     TEXT NOT NULL,\n"
    "  value   TEXT NOT NULL,\n"
    "  PRIMARY KEY (run_id, key)\n"
    ");\n"
    "CREATE TABLE samples (\n"
    "  run_id                    INTEGER NOT NULL REFERENCES runs(run_id),\n"
    "  t                         REAL NOT NULL,\n"
    "  host                      TEXT NOT NULL,\n"
    "  tw_count                  INTEGER NOT NULL,\n"
    "  tw_cap                    INTEGER NOT NULL,\n"
    "  ports_in_use              INTEGER NOT NULL,\n"
    "  established               INTEGER NOT NULL,\n"
    "  conn_attempted            INTEGER NOT NULL,\n"
    "  conn_established          INTEGER NOT NULL,\n"
    "  conn_failed_addrnotavail  INTEGER NOT NULL,\n"
    "  tw_entered                INTEGER NOT NULL,\n"
    "  tw_expired                INTEGER NOT NULL,\n"
    "  tw_recycled               INTEGER NOT NULL,\n"
    "  conn_failed_timeout       INTEGER NOT NULL,\n"
    "  conn_failed_reset         INTEGER NOT NULL,\n"
    "  tw_reopened               INTEGER NOT NULL,\n"
    "  syn_dropped_tw            INTEGER NOT NULL,\n"
    "  hazards                   INTEGER NOT NULL,\n"
    "  tw_reused                 INTEGER NOT NULL,\n"
    "  tw_killed_rst             INTEGER NOT NULL,\n"
    "  tw_cap_effective          INTEGER NOT NULL,\n"
    "  conn_failed_nobufs        INTEGER NOT NULL,\n"
    "  conn_failed_addrinuse     INTEGER NOT NULL,\n"
    "  tw_rearmed                INTEGER NOT NULL,\n"
    "  tw_dropped_recycled       INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX samples_by_run_host_t ON samples (run_id, host, t);\n"
    "CREATE TABLE connections (\n"
    "  run_id         INTEGER NOT NULL REFERENCES runs(run_id),\n"
    "  conn_id        INTEGER NOT NULL,\n"
    "  workload       TEXT NOT NULL,\n"
    "  client         TEXT NOT NULL,\n"
    "  lport          INTEGER NOT NULL,\n"
    "  server         TEXT NOT NULL,\n"
    "  t_start        REAL NOT NULL,\n"
    "  t_established  REAL,\n"
    "  t_end          REAL,\n"
    "  outcome        TEXT NOT NULL,\n"
    "  syn_sent       INTEGER NOT NULL,\n"
    "  tw_host        TEXT,\n"
    "  t_tw_start     REAL,\n"
    "  t_tw_end       REAL,\n"
    "  tw_end         TEXT\n"
    ");\n"
    "CREATE INDEX connections_by_run ON connections (run_id, conn_id);\n"
    "CREATE TABLE host_stats (\n"
    "  run_id                    INTEGER NOT NULL REFERENCES runs(run_id),\n"
    "  host                      TEXT NOT NULL,\n"
    "  conn_attempted            INTEGER NOT NULL,\n"
    "  conn_established          INTEGER NOT NULL,\n"
    "  conn_failed_addrnotavail  INTEGER NOT NULL,\n"
    "  conn_failed_timeout       INTEGER NOT NULL,\n"
    "  conn_failed_reset         INTEGER NOT NULL,\n"
    "  tw_entered                INTEGER NOT NULL,\n"
    "  tw_expired                INTEGER NOT NULL,\n"
    "  tw_recycled               INTEGER NOT NULL,\n"
    "  tw_reopened               INTEGER NOT NULL,\n"
    "  tw_skipped_local          INTEGER NOT NULL,\n"
    "  tw_skipped_nomem          INTEGER NOT NULL,\n"
    "  tw_peak                   INTEGER NOT NULL,\n"
    "  tw_cap                    INTEGER NOT NULL,\n"
    "  syn_dropped_tw            INTEGER NOT NULL,\n"
    "  rst_ignored_tw            INTEGER NOT NULL,\n"
    "  acks_sent_tw              INTEGER NOT NULL,\n"
    "  hazards                   INTEGER NOT NULL,\n"
    "  first_addrnotavail_s      REAL,\n"
    "  connect_p50_s             REAL,\n"
    "  connect_p99_s             REAL,\n"
    "  connect_max_s             REAL,\n"
    "  tw_reused                 INTEGER NOT NULL,\n"
    "  tw_killed_rst             INTEGER NOT NULL,\n"
    "  tw_cap_effective          INTEGER NOT NULL,\n"
    "  conn_failed_nobufs        INTEGER NOT NULL,\n"
    "  conn_failed_addrinuse     INTEGER NOT NULL,\n"
    "  tw_rearmed                INTEGER NOT NULL,\n"
    "  tw_dropped_recycled       INTEGER NOT NULL,\n"
    "  rexmt_data                INTEGER NOT NULL,\n"
    "  rexmt_timeouts            INTEGER NOT NULL,\n"
    "  fast_rexmt                INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run_id, host)\n"
    ");\n"
    /*
     * Version 6: what a report needs of the connection rows, computed
     * from them at the end of each run that records them (conn_stats()),
     * so that readers never scan millions of rows: one row per host that
     * is the client of a row or holds one's TIME_WAIT.
     */
    "CREATE TABLE connection_stats" CONNECTION_STATS_COLUMNS
    /*
     * One row per (run, host).  LEFT JOIN so that a run which failed before
     * recording any host still shows up (with host NULL).
     */
    "CREATE VIEW run_summary AS\n"
    "  SELECT r.run_id, r.scenario, r.sweep, r.repetition, r.seed,\n"
    "         r.status, h.host, h.conn_attempted, h.conn_established,\n"
    "         h.conn_failed_addrnotavail, h.conn_failed_timeout,\n"
    "         h.tw_entered, h.tw_expired, h.tw_recycled, h.tw_reopened,\n"
    "         h.tw_skipped_local, h.tw_skipped_nomem, h.tw_peak, h.tw_cap,\n"
    "         h.syn_dropped_tw, h.rst_ignored_tw, h.acks_sent_tw,\n"
    "         h.hazards, h.first_addrnotavail_s, h.conn_failed_reset,\n"
    "         h.connect_p50_s, h.connect_p99_s, h.connect_max_s,\n"
    "         h.tw_reused, h.tw_killed_rst, h.tw_cap_effective,\n"
    "         h.conn_failed_nobufs, h.conn_failed_addrinuse, h.tw_rearmed,\n"
    "         h.tw_dropped_recycled, h.rexmt_data, h.rexmt_timeouts,\n"
    "         h.fast_rexmt\n"
    "  FROM runs AS r LEFT JOIN host_stats AS h ON h.run_id = r.run_id\n"
    "  ORDER BY r.run_id, h.host;\n";


/* Tables holding a run's rows, in the order merge copies them. */
static const char *const RUN_TABLES[] = {
	"runs", "params", "samples", "connections", "host_stats",
	"connection_stats", NULL
};
#define NRUN_TABLES	(sizeof(RUN_TABLES) / sizeof(RUN_TABLES[0]) - 1)

struct results_merge_stats;
struct results;
struct merge_plan;
struct conn_buf;
static int	merge_schema(struct results *r, const char *src, int flags,
		    const int64_t *only, size_t nonly,
		    const struct merge_plan *plan, struct conn_buf *tail,
		    struct results_merge_stats *ms);

/*
 * merge_schema()'s statements: one copy per run table (NULL: computed,
 * conn_stats()) and one delete (prepared when a run is replaced), the
 * source's runs, and two look-ups in main.
 */
enum {
	MS_COPY,
	MS_DEL = MS_COPY + NRUN_TABLES,
	MS_IDS = MS_DEL + NRUN_TABLES,
	MS_FIND,
	MS_TAKEN,
	MS_COUNT
};

/*
 * The handle's prepared statements (r->st[], which results_close()
 * finalizes): the writer's, one per kind of row; those that empty the
 * staging database and merge it into the file at a run's end.
 */
enum {
	ST_RUN_INSERT,
	ST_RUN_END,
	ST_RUN_ERROR,
	ST_PARAM,
	ST_SAMPLE,
	ST_CONN,
	ST_HOST,
	ST_CONN_BATCH,	/* ST_CONN, CONN_BATCH rows at once */
	ST_CONN_MAIN,	/* ST_CONN into the file (conn_buf) */
	ST_CONN_MAIN_BATCH,	/* the same, CONN_BATCH rows at once */
	ST_STAGE_CLEAR,		/* DELETE FROM stage.T, for each of RUN_TABLES */
	ST_MERGE_STAGE = ST_STAGE_CLEAR + NRUN_TABLES,	/* merge_schema()'s */
	ST_COUNT = ST_MERGE_STAGE + MS_COUNT
};

/*
 * Rows of conn_buf a statement writes at once: an INSERT's own cost (its
 * transaction and cursor set-up, its record buffer, its halt) is twice a
 * row's, so it is paid once for this many rows.
 */
#define CONN_BATCH	32
#define CONN_NCOLS	15	/* the columns ST_CONN binds */

/*
 * They write the staging database (see results.h), which has the tables of
 * SCHEMA without constraints; "stage" is its schema name on the handle.
 */
static const char *const STMT_SQL[ST_COUNT] = {
	[ST_RUN_INSERT] =
	    "INSERT INTO stage.runs (run_id, scenario, sweep, repetition, seed,"
	    " status, version, started_at, identity, param_digest, run_index)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, 'interrupted', ?6,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?7, ?8, ?9)",
	[ST_RUN_END] =
	    "UPDATE stage.runs SET status = ?2, sim_seconds = ?3, wall_seconds = ?4,"
	    " events = ?5 WHERE run_id = ?1",
	[ST_RUN_ERROR] =
	    "UPDATE stage.runs SET error = ?2 WHERE run_id = ?1",
	[ST_PARAM] =
	    "INSERT INTO stage.params (run_id, key, value) VALUES (?1, ?2, ?3)",
	[ST_SAMPLE] =
	    "INSERT INTO stage.samples (run_id, t, host, tw_count, tw_cap,"
	    " ports_in_use, established, conn_attempted, conn_established,"
	    " conn_failed_addrnotavail, tw_entered, tw_expired, tw_recycled,"
	    " conn_failed_timeout, conn_failed_reset, tw_reopened,"
	    " syn_dropped_tw, hazards, tw_reused, tw_killed_rst,"
	    " tw_cap_effective, conn_failed_nobufs, conn_failed_addrinuse,"
	    " tw_rearmed, tw_dropped_recycled) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
	    " ?20, ?21, ?22, ?23, ?24, ?25)",
	[ST_CONN] =
	    "INSERT INTO stage.connections (run_id, conn_id, workload, client, lport,"
	    " server, t_start, t_established, t_end, outcome, syn_sent,"
	    " tw_host, t_tw_start, t_tw_end, tw_end)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15)",
	[ST_HOST] =
	    "INSERT INTO stage.host_stats (run_id, host, conn_attempted,"
	    " conn_established, conn_failed_addrnotavail, conn_failed_timeout,"
	    " conn_failed_reset, tw_entered, tw_expired, tw_recycled,"
	    " tw_reopened, tw_skipped_local, tw_skipped_nomem, tw_peak, tw_cap,"
	    " syn_dropped_tw, rst_ignored_tw, acks_sent_tw, hazards,"
	    " first_addrnotavail_s, connect_p50_s, connect_p99_s,"
	    " connect_max_s, tw_reused, tw_killed_rst, tw_cap_effective,"
	    " conn_failed_nobufs, conn_failed_addrinuse, tw_rearmed,"
	    " tw_dropped_recycled, rexmt_data, rexmt_timeouts, fast_rexmt)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26,"
	    " ?27, ?28, ?29, ?30, ?31, ?32, ?33)",
};

/*
 * The values connection_stats summarises, per host (conn_stats_into()):
 * pass CS_CONNECT the connect latencies of its client connections, pass
 * CS_TW the lifetimes of the TIME_WAITs it held.
 */
enum { CS_CONNECT, CS_TW, CS_NPASS };

struct cs_host {
	char		*name;
	double		*v[CS_NPASS];	/* values not yet summarised */
	size_t		 n[CS_NPASS], cap[CS_NPASS];
	int64_t		 connect_n, tw_n;
	double		 connect[4];	/* p50, p99, max, mean */
	double		 tw[4];
};

struct cs_hosts {
	struct cs_host	*h;		/* in order of first appearance */
	size_t		 n, cap;
	size_t		*slot;		/* hash of names: index + 1, 0 free */
	size_t		 nslot;		/* a power of two, > 2 n */
	size_t		 nvalues;	/* in all v[] */
	size_t		 last[CS_NPASS];	/* host last added to: index + 1 */
};

/*
 * Values of the open run kept as its rows are written, so that the run's
 * connection_stats need not read its rows back (a tenth of a short run's
 * time) -- up to this many; a run with more reads them back, as a merge
 * does, so that memory does not grow with the run.
 */
#define RESULTS_LIVE_STATS_MAX	((size_t)1 << 20)	/* 8 MiB */

/*
 * The open run's connection rows not yet staged.  Staging a row and then
 * copying it into the file costs twice what writing it does (in the
 * ns-3 comparison's short run the two were 40% of all the time), so the
 * last RESULTS_CONN_BUF_MAX rows of a run are held here instead and
 * written straight into the file by the run's one write transaction,
 * after its staged rows (merge_schema()): the file gets the same rows in
 * the same order, still in one short transaction.  A run with more rows
 * stages each full buffer as it fills.  The rows' strings are copied
 * (text), once for a run of rows with the same string.
 */
#define RESULTS_CONN_BUF_MAX	((size_t)1 << 16)	/* ~5 MiB */

/*
 * A staging database of at most this many pages (4 MiB) is emptied for
 * the next run rather than made anew: creating it parses six CREATE TABLE
 * ... AS SELECT, 2.1M instructions, and makes SQLite re-prepare every
 * statement of the handle at its next use, another 2.3M -- a third of all
 * the cost of a 1 s run of the bench-peers scenario in a sweep.  A larger
 * one is dropped: its run staged so much that creating it anew costs
 * little in comparison, and dropping returns its memory and disk at once.
 */
#define STAGE_KEEP_PAGES	1024

/* The strings of a connection row, in conn_row and conn_bound. */
enum {
	CB_WORKLOAD, CB_CLIENT, CB_SERVER, CB_OUTCOME, CB_TW_HOST, CB_TW_END,
	CB_COUNT
};

/*
 * A row of conn_buf: results_conn with its strings as offsets into the
 * buffer's text (CONN_TEXT_NULL: NULL), 80 bytes rather than 120.  The
 * memory the rows touch is paid for in page faults, not in instructions:
 * in the bench-peers scenario (24,000 rows) the smaller rows save 180 of
 * its 2,320 faults, 0.35 ms of its 43 ms.
 */
#define CONN_TEXT_NULL	UINT32_MAX

struct conn_row {
	int64_t		 conn_id;
	double		 t_start, t_established, t_end, t_tw_start, t_tw_end;
	int32_t		 lport, syn_sent;
	uint32_t	 text[CB_COUNT];
};

/* Its fields, as X(field) and X(CB_ index, field), for copying. */
#define CONN_ROW_NUMBERS(X) \
	X(conn_id) X(t_start) X(t_established) X(t_end) X(t_tw_start) \
	X(t_tw_end) X(lport) X(syn_sent)
#define CONN_ROW_STRINGS(X) \
	X(CB_WORKLOAD, workload) X(CB_CLIENT, client) X(CB_SERVER, server) \
	X(CB_OUTCOME, outcome) X(CB_TW_HOST, tw_host) X(CB_TW_END, tw_end)

struct conn_buf {
	struct conn_row	*row;
	size_t		 n, cap;
	char		*text;		/* the rows' strings, NUL-terminated */
	size_t		 text_used, text_cap;
};

static void	cs_clear(struct cs_hosts *);
static void	conn_buf_clear(struct conn_buf *);
static void	cs_live_add(struct results *, const struct results_conn *);

struct results {
	sqlite3		*db;
	char		*path;
	int		 mode;
	const char *const *check;	/* tables to check, NULL: the file */
	int		 v5;		/* a version 5 file (upgrade_v5()) */
	int64_t		 cur_run;	/* run being staged, or 0 */
	int64_t		 stage_seq;	/* ids of staged runs */
	int		 stage_suspect;	/* an SQL error since it was emptied */
	volatile sig_atomic_t *stop;	/* results_set_stop_flag() */
	sqlite3_stmt	*st[ST_COUNT];
	/* connection_stats values of the open run (RESULTS_LIVE_STATS_MAX) */
	struct cs_hosts	 live;
	size_t		 live_max;
	int		 live_lost;	/* over live_max, or out of memory */
	struct conn_buf	 conn_buf;	/* rows not yet staged */
	size_t		 conn_buf_max;
	size_t		 stage_keep_pages;	/* STAGE_KEEP_PAGES */
	int		 one_run;	/* opened with RESULTS_ONE_RUN */
	int		 wal_deferred;	/* made here for one run, not yet WAL */
	int		 writes_begun;	/* run writes begun while deferred */
	char		 errmsg[512];
};

static int
seterr(struct results *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	return code;
}

/*
 * An SQLite failure: the message names the file and SQLite's reason.  It
 * may have rolled the staging database back, which has no journal
 * (attach_stage()): it is no longer trusted to be emptied (clear_stage()).
 */
static int
sqlerr(struct results *r, const char *what)
{
	r->stage_suspect = 1;
	return seterr(r, RESULTS_ESQL, "results database %s: %s: %s", r->path,
	    what, sqlite3_errmsg(r->db));
}

static void
copyerr(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

/* The one message for a damaged file, from every opener and reader. */
static int
damaged(struct results *r, const char *why)
{
	return seterr(r, RESULTS_EDAMAGED, "results database %s: the file is "
	    "damaged (%s); it was left as it is: restore it from a copy, or "
	    "recover what is readable with sqlite3's .recover", r->path, why);
}

static int
exec(struct results *r, const char *sql, const char *what)
{
	if (sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sqlerr(r, what);
	return RESULTS_OK;
}

/* Runs a statement returning one integer (a PRAGMA, a count). */
static int
query_int(struct results *r, const char *sql, int64_t *val, int *rc_sqlite)
{
	sqlite3_stmt *st;
	int rc;

	*val = 0;
	rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*val = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc_sqlite != NULL)
		*rc_sqlite = rc;
	return rc == SQLITE_OK ? RESULTS_OK : RESULTS_ESQL;
}

/*
 * The verdict on a file from its application_id, user_version and whether
 * it holds any schema at all.  *is_new is set for an empty file (zero
 * bytes, or an SQLite file without schema objects or application_id).
 */
static int
judge(struct results *r, uint32_t appid, int64_t version, int empty,
    int *is_new)
{
	*is_new = 0;
	if (appid != RESULTS_APPLICATION_ID) {
		if (appid == 0 && version == 0 && empty) {
			if (r->mode == RESULTS_READONLY)
				return seterr(r, RESULTS_EFOREIGN,
				    "results database %s: not a twsim "
				    "database (the file is empty)", r->path);
			*is_new = 1;
			return RESULTS_OK;
		}
		return seterr(r, RESULTS_EFOREIGN,
		    "results database %s: not a twsim database (an SQLite "
		    "database of another application, application_id "
		    "0x%08x)", r->path, (unsigned)appid);
	}
	if (version > RESULTS_SCHEMA_VERSION)
		return seterr(r, RESULTS_EVERSION,
		    "results database %s: written by a newer twsim (schema "
		    "version %lld; this twsim knows version %d)", r->path,
		    (long long)version, RESULTS_SCHEMA_VERSION);
	if (version == 1)
		return seterr(r, RESULTS_EVERSION,
		    "results database %s: schema version 1, written by an "
		    "older twsim that did not record run identities (this "
		    "twsim knows version %d): run the scenarios again into a "
		    "new database", r->path, RESULTS_SCHEMA_VERSION);
	if (version == 2 || version == 3)
		return seterr(r, RESULTS_EVERSION,
		    "results database %s: schema version %lld, written by an "
		    "older twsim without the zone's slabs, ENOBUFS and "
		    "EADDRINUSE columns (this twsim knows version %d): run the "
		    "scenarios again into a new database", r->path,
		    (long long)version, RESULTS_SCHEMA_VERSION);
	if (version == 4)
		return seterr(r, RESULTS_EVERSION,
		    "results database %s: schema version 4, written by an "
		    "older twsim without the data path's rexmt_data, "
		    "rexmt_timeouts and fast_rexmt columns (this twsim knows "
		    "version %d): run the scenarios again into a new database",
		    r->path, RESULTS_SCHEMA_VERSION);
	/* Version 5 lacks only connection_stats, made from its rows. */
	if (version == 5) {
		r->v5 = 1;
		return RESULTS_OK;
	}
	if (version != RESULTS_SCHEMA_VERSION)
		return seterr(r, RESULTS_EVERSION,
		    "results database %s: unknown twsim schema version %lld "
		    "(this twsim knows version %d)", r->path,
		    (long long)version, RESULTS_SCHEMA_VERSION);
	return RESULTS_OK;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * First look, before SQLite opens the file at all: the 100-byte database
 * header read with plain stdio.  A file refused here has not been touched
 * by SQLite, so no -wal/-shm/-journal file appears beside it and no hot
 * journal or WAL of another application is rolled back or checkpointed
 * into it.  (Header layout: SQLite's file format, section 1.3: magic at 0,
 * schema cookie at 40, user_version at 60, application_id at 68.)
 */
static int
probe_header(struct results *r, off_t size, int *is_new)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char hdr[100];
	FILE *f;
	size_t n;

	*is_new = 0;
	if (size == 0)
		return RESULTS_OK;	/* new: classify() decides */
	if ((f = fopen(r->path, "rb")) == NULL)
		return seterr(r, RESULTS_EACCES,
		    "results database %s: cannot read: %s", r->path,
		    strerror(errno));
	n = fread(hdr, 1, sizeof(hdr), f);
	if (ferror(f)) {
		fclose(f);
		return seterr(r, RESULTS_EACCES,
		    "results database %s: cannot read: %s", r->path,
		    strerror(errno));
	}
	fclose(f);
	if (n < sizeof(hdr) || memcmp(hdr, magic, sizeof(magic)) != 0)
		return seterr(r, RESULTS_EFOREIGN,
		    "results database %s: not a twsim database "
		    "(not an SQLite file)", r->path);
	/*
	 * A header without application_id or schema is left to classify():
	 * it is a new file, or ours with the schema still only in the WAL of
	 * a writer that has not checkpointed yet.
	 */
	if (be32(hdr + 68) == 0 && be32(hdr + 60) == 0 && be32(hdr + 40) == 0)
		return RESULTS_OK;
	return judge(r, be32(hdr + 68), (int32_t)be32(hdr + 60), 0, is_new);
}

/*
 * The verdict again through SQLite, which also sees pages still in a WAL
 * left by a writer that was killed before it could checkpoint.
 */
static int
classify(struct results *r, int *is_new)
{
	sqlite3_stmt *st = NULL;
	int64_t appid = 0, version = 0, nobj = 0;
	int rc;

	*is_new = 0;
	/* One statement, so one read transaction: a consistent snapshot
	 * even while another writer is creating the schema. */
	rc = sqlite3_prepare_v2(r->db, "SELECT (SELECT application_id FROM"
	    " pragma_application_id), (SELECT user_version FROM"
	    " pragma_user_version), (SELECT count(*) FROM sqlite_master)", -1,
	    &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			appid = sqlite3_column_int64(st, 0);
			version = sqlite3_column_int64(st, 1);
			nobj = sqlite3_column_int64(st, 2);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_NOTADB)
		return seterr(r, RESULTS_EFOREIGN,
		    "results database %s: not a twsim database (not an SQLite "
		    "file)", r->path);
	if (rc == SQLITE_CORRUPT)
		return damaged(r, sqlite3_errmsg(r->db));
	if (rc == SQLITE_CANTOPEN || rc == SQLITE_PERM || rc == SQLITE_IOERR)
		return seterr(r, RESULTS_EACCES,
		    "results database %s: cannot read: %s", r->path,
		    sqlite3_errmsg(r->db));
	if (rc == SQLITE_BUSY)
		return seterr(r, RESULTS_EBUSY, "results database %s: locked "
		    "by another process for more than %d s", r->path,
		    RESULTS_BUSY_LIMIT_MS / 1000);
	if (rc != SQLITE_OK)
		return sqlerr(r, "cannot read the header");
	return judge(r, (uint32_t)appid, version, nobj == 0, is_new);
}

static int
create_schema(struct results *r, int *created)
{
	char sql[128];
	int rc;

	int64_t nobj;
	int is_new;

	*created = 0;
	if ((rc = exec(r, "BEGIN IMMEDIATE", "cannot begin")) != RESULTS_OK)
		return rc;
	/* Another process may have created it since classify(): look again
	 * now that we hold the write lock. */
	if (query_int(r, "SELECT count(*) FROM sqlite_master", &nobj, NULL) !=
	    RESULTS_OK) {
		rc = sqlerr(r, "cannot read schema");
		goto fail;
	}
	if (nobj != 0) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		if ((rc = classify(r, &is_new)) != RESULTS_OK)
			return rc;
		return is_new ? seterr(r, RESULTS_ESQL,
		    "results database %s: changed while opening", r->path) :
		    RESULTS_OK;
	}
	if ((rc = exec(r, SCHEMA, "cannot create the schema")) != RESULTS_OK)
		goto fail;
	snprintf(sql, sizeof(sql),
	    "PRAGMA application_id = %d; PRAGMA user_version = %d",
	    (int)RESULTS_APPLICATION_ID, RESULTS_SCHEMA_VERSION);
	if ((rc = exec(r, sql, "cannot mark the file")) != RESULTS_OK)
		goto fail;
	if ((rc = exec(r, "COMMIT", "cannot commit the schema")) != RESULTS_OK)
		goto fail;
	*created = 1;
	return RESULTS_OK;
fail:
	sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- leftovers of killed -j parents ----------------------------------- */

struct part_file {
	long	 pid;
	long	 index;
	int	 finished;	/* FILE.part-PID-I exactly: a recorded run */
	char	*path;
};

static int
part_cmp(const void *a, const void *b)
{
	const struct part_file *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return y->finished - x->finished;
}

/* Is process pid still there (so its part files are still being made)? */
static int
process_exists(long pid)
{
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/*
 * A `twsim run -j` parent killed before it merged its workers' part files
 * (results.h) leaves them beside the file; its workers die with it
 * (cmd_run.c).  The next writer to open the file merges the finished ones
 * (their runs are recorded and complete as files), in the parent's run
 * order and by the identity rule, and removes everything else of theirs:
 * unfinished .tmp files and SQLite's -journal/-wal/-shm files.  Part files
 * of a parent that still runs are left alone.  Failures are not errors of
 * the open: what cannot be merged now stays for a later open.
 */
static void
recover_parts(struct results *r)
{
	struct part_file *pf = NULL, *np;
	struct dirent *de;
	DIR *d;
	char *slash, *dir, prefix[1024], err[512], *end;
	const char *base, *rest;
	size_t n = 0, i, plen;
	long pid, index;
	int rc;

	if ((dir = strdup(r->path)) == NULL)
		return;
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		base = r->path + (slash - dir) + 1;
		if (dir[0] == '\0')
			strcpy(dir, "/");
	} else {
		strcpy(dir, ".");
		base = r->path;
	}
	snprintf(prefix, sizeof(prefix), "%s.part-", base);
	plen = strlen(prefix);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0)
			continue;
		errno = 0;
		pid = strtol(de->d_name + plen, &end, 10);
		if (errno != 0 || pid <= 0 || *end != '-')
			continue;
		index = strtol(end + 1, &end, 10);
		if (errno != 0 || index < 0)
			continue;
		rest = end;
		if (pid == (long)getpid() || process_exists(pid))
			continue;
		if ((np = realloc(pf, (n + 1) * sizeof(*pf))) == NULL)
			break;
		pf = np;
		pf[n].pid = pid;
		pf[n].index = index;
		pf[n].finished = *rest == '\0';
		pf[n].path = sqlite3_mprintf("%s/%s", dir, de->d_name);
		if (pf[n].path == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(pf, n, sizeof(*pf), part_cmp);
	for (i = 0; i < n; i++) {
		if (!pf[i].finished)
			continue;
		rc = results_merge(r, pf[i].path, 0, NULL, err, sizeof(err));
		/* Busy or out of space: keep it for the next open. */
		if (rc != RESULTS_OK && rc != RESULTS_EFOREIGN &&
		    rc != RESULTS_EVERSION && rc != RESULTS_EDAMAGED)
			pf[i].finished = -1;
	}
	for (i = 0; i < n; i++) {
		if (pf[i].finished >= 0)
			unlink(pf[i].path);
		sqlite3_free(pf[i].path);
	}
	free(pf);
	free(dir);
	r->errmsg[0] = '\0';
}

/*
 * ST_CONN with CONN_BATCH rows of values (?1..?15, ?16..?30, ...): the
 * same columns, in one place (STMT_SQL[ST_CONN]).
 */
static char *
conn_batch_sql(void)
{
	const char *one = STMT_SQL[ST_CONN], *values;
	sqlite3_str *s;
	int i, k;

	values = strstr(one, " VALUES");
	assert(values != NULL);
	if ((s = sqlite3_str_new(NULL)) == NULL)
		return NULL;
	sqlite3_str_append(s, one, (int)(values - one));
	sqlite3_str_appendall(s, " VALUES ");
	for (i = 0; i < CONN_BATCH; i++) {
		sqlite3_str_appendall(s, i > 0 ? ", (" : "(");
		for (k = 1; k <= CONN_NCOLS; k++)
			sqlite3_str_appendf(s, "%s?%d", k > 1 ? ", " : "",
			    i * CONN_NCOLS + k);
		sqlite3_str_appendall(s, ")");
	}
	return sqlite3_str_finish(s);
}

/*
 * Writer statement i, prepared on first use and kept for the handle's
 * life (SQLite re-prepares it by itself when the staging database is
 * attached anew).  Most runs never use some of them -- the staged
 * connection statements (ST_CONN_BATCH alone has 480 parameters) serve
 * only runs of more rows than conn_buf holds, ST_RUN_ERROR only failed
 * runs -- and preparing all ten at every open was a third of a short
 * run's SQL parsing: 4.7M instructions, of which this saves 2.2M.  NULL,
 * with the message set, when it cannot be prepared.
 *
 * A part file is private to its worker: its runs go straight into it,
 * one transaction each, without the copy through a staging database
 * (which only spares other writers a long lock).
 */
static sqlite3_stmt *
writer_stmt(struct results *r, int i)
{
	char *sql, *at;
	int batch, file, rc;

	if (r->st[i] != NULL)
		return r->st[i];
	batch = i == ST_CONN_BATCH || i == ST_CONN_MAIN_BATCH;
	file = r->mode == RESULTS_RW_PART || i == ST_CONN_MAIN ||
	    i == ST_CONN_MAIN_BATCH;
	if (batch)
		sql = conn_batch_sql();
	else
		sql = strdup(STMT_SQL[i == ST_CONN_MAIN ? ST_CONN : i]);
	if (sql == NULL) {
		seterr(r, RESULTS_ENOMEM, "results database %s: out of memory",
		    r->path);
		return NULL;
	}
	if (file && (at = strstr(sql, "stage.")) != NULL)
		memcpy(at, "main. ", 6);
	rc = sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &r->st[i], NULL);
	if (batch)
		sqlite3_free(sql);
	else
		free(sql);
	if (rc != SQLITE_OK) {
		sqlerr(r, "cannot prepare writer");
		return NULL;
	}
	return r->st[i];
}

/*
 * The writer's statements are prepared as they are first used
 * (writer_stmt()), but for ST_RUN_INSERT: results_close() takes it as
 * the sign of a writer that opened fully.
 */
static int
prepare_writer(struct results *r)
{
	return writer_stmt(r, ST_RUN_INSERT) != NULL ? RESULTS_OK :
	    RESULTS_ESQL;
}

/*
 * The staging database: a private temporary file (SQLite deletes it on
 * close, and the system reclaims it when the process dies) holding the
 * rows of the run being simulated, with the columns of the run tables of
 * the file itself, in the same order.  Rows are kept out of the file until
 * the run ends so that no lock is held on the file while simulating.  It
 * needs no journal: it is never rolled back, only emptied or dropped
 * (clear_stage()).
 */
static int
attach_stage(struct results *r)
{
	char sql[256];
	int i, rc;

	if ((rc = exec(r, "ATTACH DATABASE '' AS stage; "
	    "PRAGMA stage.journal_mode = OFF; "
	    "PRAGMA stage.synchronous = OFF; "
	    "PRAGMA stage.cache_size = -16384",
	    "cannot create the staging database")) != RESULTS_OK)
		return rc;
	for (i = 0; RUN_TABLES[i] != NULL; i++) {
		snprintf(sql, sizeof(sql), "CREATE TABLE stage.\"%s\" AS "
		    "SELECT * FROM main.\"%s\" WHERE 0", RUN_TABLES[i],
		    RUN_TABLES[i]);
		if ((rc = exec(r, sql, "cannot create the staging database")) !=
		    RESULTS_OK)
			return rc;
	}
	r->stage_suspect = 0;
	return RESULTS_OK;
}

/*
 * Writers wait for each other: sleep 1, 2, 4 ... 64 ms, then 100 ms at a
 * time, up to RESULTS_BUSY_LIMIT_MS in all.  A run's write transaction
 * is short (its rows are staged), so the limit is only reached when
 * another process keeps the file locked for minutes.
 */
static int
busy_backoff(void *arg, int count)
{
	const struct results *r = arg;
	long waited;
	int ms;

	waited = count < 7 ? (1L << count) - 1 : 127L + (count - 7) * 100L;
	if (waited >= RESULTS_BUSY_LIMIT_MS)
		return 0;
	/* Asked to stop (SIGINT): a few seconds more, not minutes. */
	if (r != NULL && r->stop != NULL && *r->stop &&
	    waited >= RESULTS_BUSY_STOPPING_MS)
		return 0;
	ms = count < 7 ? 1 << count : 100;
	sqlite3_sleep(ms);
	return 1;
}

/*
 * Switching a file into WAL needs it to itself for a moment, and SQLite
 * does not wait on the busy handler for that: retry with the same backoff,
 * so a writer that opens while another is running or closing (two
 * `twsim run` on one file) waits instead of failing.
 */
static int
set_wal(struct results *r)
{
	int count, rc;

	for (count = 0;; count++) {
		rc = sqlite3_exec(r->db, "PRAGMA journal_mode = WAL", NULL,
		    NULL, NULL);
		if (rc == SQLITE_OK)
			return RESULTS_OK;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) ||
		    !busy_backoff(r, count))
			return sqlerr(r, "cannot set the journal mode");
	}
}

/*
 * WAL lets readers (twsim report on a running sweep) see every committed
 * run while the writer goes on; synchronous=NORMAL drops the fsync per
 * commit, which in WAL mode can lose the last commits on power loss but
 * never corrupts the file.
 */
static int
use_wal(struct results *r)
{
	int rc;

	if ((rc = set_wal(r)) != RESULTS_OK)
		return rc;
	return exec(r, "PRAGMA synchronous = NORMAL", "cannot set pragmas");
}

/*
 * Called before each write transaction of a run or merge.  A file made by
 * an open with RESULTS_ONE_RUN (open_handle()) is written with a rollback
 * journal, and goes to WAL only if a second run comes after all.  Why: WAL
 * writes every page twice, once into the -wal file and once more when
 * results_close() checkpoints it back, and that second write with its
 * fsyncs was a seventh of a short run's whole time (8 of 59 ms on
 * bench-peers' workload).  A rollback journal holds only the pages that
 * existed before the transaction: for a file made moments ago, its dozen
 * schema pages.  What it costs: while that one run commits, a reader
 * waits for the commit, and the commit waits for readers holding a
 * snapshot (the busy handler covers both) -- of a file that holds no run
 * yet.  A writer killed during that commit leaves a journal that the next
 * writer rolls back, back to the schema alone.
 */
static int
before_run_write(struct results *r)
{
	if (!r->wal_deferred || r->writes_begun++ == 0)
		return RESULTS_OK;
	r->wal_deferred = 0;
	return use_wal(r);
}

/*
 * PRAGMA quick_check: the b-tree structure of every page, without the
 * index-to-table cross checks of integrity_check (so it costs one read of
 * what it checks).  Of the whole file (every table, index and the free
 * list), or with r->check of the schema table and each table named there
 * with its indexes only (SQLite >= 3.33).
 * Reading only, so a damaged file is left as it is.
 */
static int
check_one(struct results *r, const char *table)
{
	sqlite3_stmt *st = NULL;
	const char *res;
	char *sql;
	int rc;

	sql = table != NULL ? sqlite3_mprintf("PRAGMA main.quick_check(\"%w\")",
	    table) : sqlite3_mprintf("PRAGMA main.quick_check(1)");
	if (sql == NULL)
		return seterr(r, RESULTS_ENOMEM,
		    "results database %s: out of memory", r->path);
	rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		res = (const char *)sqlite3_column_text(st, 0);
		if (res != NULL && strcmp(res, "ok") == 0)
			rc = RESULTS_OK;
		else
			rc = damaged(r, res != NULL ? res :
			    "quick_check failed");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
		return damaged(r, sqlite3_errmsg(r->db));
	/* A table of the schema missing: an edited file. */
	if (table != NULL && rc == SQLITE_ERROR)
		return damaged(r, sqlite3_errmsg(r->db));
	return sqlerr(r, "cannot check the file");
}

static int
check_intact(struct results *r)
{
	size_t i;
	int rc;

	if (r->check == NULL)
		return check_one(r, NULL);
	if ((rc = check_one(r, "sqlite_master")) != RESULTS_OK)
		return rc;
	for (i = 0; r->check[i] != NULL; i++) {
		/* A version 5 file has none yet: upgrade_v5() reads the rows. */
		if (r->v5 && strcmp(r->check[i], "connection_stats") == 0) {
			if ((rc = check_one(r, "connections")) != RESULTS_OK)
				return rc;
			continue;
		}
		if ((rc = check_one(r, r->check[i])) != RESULTS_OK)
			return rc;
	}
	return RESULTS_OK;
}

static int	conn_stats_into(struct results *r, const char *from,
		    const char *to, int64_t run_id);

/*
 * A version 5 file: everything of version 6 but connection_stats, which is
 * made from the file's own connection rows, run by run, as the runs would
 * have made it (conn_stats()).  A writer upgrades the file in place, in
 * one transaction; a reader makes the table in its private temp schema, so
 * the file stays byte-for-byte as it was (and pays a scan of the rows at
 * every open until a writer upgrades it).
 */
static int
upgrade_v5(struct results *r)
{
	int ro = r->mode == RESULTS_READONLY;
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL, *more, version = 0;
	size_t n = 0, cap = 0, i;
	char sql[128];
	int rc = RESULTS_OK;

	if (!ro && (rc = exec(r, "BEGIN IMMEDIATE", "cannot begin")) !=
	    RESULTS_OK)
		return rc;
	/* Another writer may have upgraded it since classify(): look again
	   now that we hold the write lock. */
	if (!ro && (rc = query_int(r, "PRAGMA user_version", &version,
	    NULL)) != RESULTS_OK) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return sqlerr(r, "cannot read the schema version");
	}
	if (!ro && version == RESULTS_SCHEMA_VERSION) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		r->v5 = 0;
		return RESULTS_OK;
	}
	rc = exec(r, ro ? "CREATE TEMP TABLE connection_stats"
	    CONNECTION_STATS_COLUMNS : "CREATE TABLE connection_stats"
	    CONNECTION_STATS_COLUMNS,
	    "cannot make connection_stats of a version 5 file");
	if (rc == RESULTS_OK && sqlite3_prepare_v2(r->db, "SELECT run_id FROM "
	    "main.runs ORDER BY run_id", -1, &st, NULL) != SQLITE_OK)
		rc = sqlerr(r, "cannot read the runs");
	while (rc == RESULTS_OK && sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((more = realloc(ids, cap * sizeof(*ids))) == NULL) {
				rc = seterr(r, RESULTS_ENOMEM, "results "
				    "database %s: out of memory", r->path);
				break;
			}
			ids = more;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	for (i = 0; rc == RESULTS_OK && i < n; i++)
		rc = conn_stats_into(r, "main", ro ? "temp" : "main", ids[i]);
	free(ids);
	if (rc == RESULTS_OK && !ro) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    RESULTS_SCHEMA_VERSION);
		rc = exec(r, sql, "cannot mark the file");
		if (rc == RESULTS_OK)
			rc = exec(r, "COMMIT", "cannot commit the upgrade");
	}
	if (rc != RESULTS_OK && !ro)
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc == RESULTS_OK)
		r->v5 = 0;
	return rc;
}

static int
open_handle(struct results *r)
{
	struct stat sb;
	int created, flags, is_new, rc;

	if (stat(r->path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return seterr(r, RESULTS_EACCES,
			    "results database %s: is a directory", r->path);
		if ((rc = probe_header(r, sb.st_size, &is_new)) != RESULTS_OK)
			return rc;
	} else if (errno == ENOENT) {
		if (r->mode == RESULTS_READONLY)
			return seterr(r, RESULTS_ENOENT,
			    "results database %s: no such file", r->path);
	} else
		return seterr(r, RESULTS_EACCES, "results database %s: %s",
		    r->path, strerror(errno));

	/*
	 * No mutex on the handle: twsim has no threads (run -j forks
	 * processes), and with one SQLite takes a lock in every bind, step
	 * and reset -- about 30 lock pairs a connection row, 5% of a short
	 * run's whole time.
	 */
	flags = (r->mode == RESULTS_READONLY ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(r->path, &r->db, flags, NULL) != SQLITE_OK) {
		if (r->db == NULL)
			return seterr(r, RESULTS_ENOMEM,
			    "results database %s: out of memory", r->path);
		return seterr(r, RESULTS_EACCES,
		    "results database %s: cannot open: %s", r->path,
		    sqlite3_errmsg(r->db));
	}
	sqlite3_extended_result_codes(r->db, 0);
	sqlite3_busy_handler(r->db, busy_backoff, r);
	/* SQLite silently falls back to read-only on an unwritable file. */
	if (r->mode != RESULTS_READONLY &&
	    sqlite3_db_readonly(r->db, "main") == 1)
		return seterr(r, RESULTS_EACCES,
		    "results database %s: file is not writable", r->path);

	if ((rc = classify(r, &is_new)) != RESULTS_OK)
		return rc;
	if (!is_new && (rc = check_intact(r)) != RESULTS_OK)
		return rc;
	if (r->mode == RESULTS_READONLY)
		return (r->v5 ? upgrade_v5(r) : RESULTS_OK);

	/*
	 * Ours or empty, and intact: only now may anything be written.  A
	 * file made here for one run stays in rollback-journal mode, with
	 * synchronous=FULL (the safe setting of that mode), unless a second
	 * run comes (before_run_write()); any other goes to WAL now
	 * (use_wal()).
	 */
	if ((rc = exec(r, "PRAGMA synchronous = FULL; "
	    "PRAGMA cache_size = -32768", "cannot set pragmas")) != RESULTS_OK)
		return rc;
	r->wal_deferred = is_new && r->one_run;
	if (!r->wal_deferred && (rc = use_wal(r)) != RESULTS_OK)
		return rc;
	created = 0;
	if (is_new && (rc = create_schema(r, &created)) != RESULTS_OK)
		return rc;
	if (r->wal_deferred && !created) {
		/* Made by another writer meanwhile: not ours to keep. */
		r->wal_deferred = 0;
		if ((rc = use_wal(r)) != RESULTS_OK)
			return rc;
	}
	if (r->v5 && (rc = upgrade_v5(r)) != RESULTS_OK)
		return rc;
	if (r->mode == RESULTS_RW_CREATE &&
	    (rc = attach_stage(r)) != RESULTS_OK)
		return rc;
	if ((rc = prepare_writer(r)) != RESULTS_OK)
		return rc;
	if (r->mode == RESULTS_RW_CREATE)
		recover_parts(r);
	return RESULTS_OK;
}

static int
open_checking(const char *path, int mode, const char *const *check,
    struct results **out, char *err, size_t errlen)
{
	struct results *r;
	int one_run, rc;

	*out = NULL;
	one_run = (mode & RESULTS_ONE_RUN) != 0;
	mode &= ~RESULTS_ONE_RUN;
	if (path == NULL || *path == '\0' ||
	    (mode != RESULTS_RW_CREATE && mode != RESULTS_READONLY &&
	    mode != RESULTS_RW_PART) || (one_run && mode == RESULTS_READONLY)) {
		copyerr(err, errlen, "results database: bad path or mode");
		return RESULTS_EINVAL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(path)) == NULL) {
		free(r);
		copyerr(err, errlen, "results database: out of memory");
		return RESULTS_ENOMEM;
	}
	r->mode = mode;
	r->one_run = one_run;
	r->check = check;
	r->live_max = RESULTS_LIVE_STATS_MAX;
	r->conn_buf_max = RESULTS_CONN_BUF_MAX;
	r->stage_keep_pages = STAGE_KEEP_PAGES;
	rc = open_handle(r);
	r->check = NULL;	/* the caller's array: not kept */
	if (rc != RESULTS_OK) {
		copyerr(err, errlen, r->errmsg);
		results_close(r);
		return rc;
	}
	*out = r;
	return RESULTS_OK;
}

int
results_open(const char *path, int mode, struct results **out, char *err,
    size_t errlen)
{
	return open_checking(path, mode, NULL, out, err, errlen);
}

int
results_open_reader(const char *path, const char *const *tables,
    struct results **out, char *err, size_t errlen)
{
	if (tables == NULL) {
		*out = NULL;
		copyerr(err, errlen, "results database: no tables to check");
		return RESULTS_EINVAL;
	}
	return open_checking(path, RESULTS_READONLY, tables, out, err,
	    errlen);
}

void
results_close(struct results *r)
{
	int i;

	if (r == NULL)
		return;
	if (r->cur_run != 0)
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(r->st[i]);
	/*
	 * Leave the file in rollback-journal mode: a read-only reader of a WAL
	 * file must create -wal and -shm files, which it then cannot remove
	 * (and cannot create at all in a read-only directory).  This fails
	 * harmlessly, staying WAL, while another connection has it open.
	 */
	if (r->mode != RESULTS_READONLY && r->db != NULL &&
	    r->st[0] != NULL) {
		sqlite3_busy_timeout(r->db, 0);	/* never wait for a reader */
		sqlite3_exec(r->db, "PRAGMA main.journal_mode = DELETE", NULL, NULL,
		    NULL);
	}
	sqlite3_close(r->db);
	cs_clear(&r->live);
	conn_buf_clear(&r->conn_buf);
	free(r->path);
	free(r);
}

void
results_set_row_memory(struct results *r, size_t stats_values,
    size_t buffered_rows, size_t stage_pages)
{
	r->live_max = stats_values;
	r->conn_buf_max = buffered_rows;
	r->stage_keep_pages = stage_pages;
}

void
results_set_stop_flag(struct results *r, volatile sig_atomic_t *stop)
{
	r->stop = stop;
}

void
results_remove_files(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char *p;
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		if ((p = sqlite3_mprintf("%s%s", path, suffix[i])) == NULL)
			return;
		(void)unlink(p);
		sqlite3_free(p);
	}
}

const char *
results_errmsg(const struct results *r)
{
	return r->errmsg;
}

const char *
results_path(const struct results *r)
{
	return r->path;
}

sqlite3 *
results_sqlite(struct results *r)
{
	return r->db;
}

/* ---- writer ------------------------------------------------------------ */

static void
bind_real_or_null(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/*
 * Steps a fully bound insert/update once and resets it for the next
 * binding of all its parameters; the bindings stay.
 */
static int
step_reset(struct results *r, sqlite3_stmt *st, const char *what)
{
	int rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sqlerr(r, what);
	return RESULTS_OK;
}

/* The same, clearing its bindings: they may point into the caller's row. */
static int
step_once(struct results *r, sqlite3_stmt *st, const char *what)
{
	int rc;

	rc = step_reset(r, st, what);
	sqlite3_clear_bindings(st);
	return rc;
}

/* ---- identity ---------------------------------------------------------- */

/* Parameters that define no run (results.h): how many repetitions the
 * command asked for. */
#define KEY_REPEAT	"run.repeat"
/* ... and, for the parameter digest only, the master seed. */
#define KEY_SEED	"run.seed"

static int
kv_cmp(const void *a, const void *b)
{
	const struct results_kv *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

/* One field of a digest: NUL-terminated name and value, so no two
 * different lists of fields give the same bytes. */
static void
digest_field(struct digest_sha256 *d, const char *name, const char *value)
{
	digest_sha256_update(d, name, strlen(name) + 1);
	digest_sha256_update(d, value, strlen(value) + 1);
}

static void
digest_hex(struct digest_sha256 *d, char out[RESULTS_DIGEST_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[DIGEST_SHA256_LEN];
	int i;

	digest_sha256_final(d, md);
	for (i = 0; i < RESULTS_DIGEST_HEX / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[RESULTS_DIGEST_HEX] = '\0';
}

int
results_identity(const struct results_run *run, struct results_identity *id)
{
	const struct results_kv **kv;
	struct digest_sha256 di, dp;
	char num[32];
	size_t i;

	memset(id, 0, sizeof(*id));
	if (run->scenario == NULL || (run->nparams > 0 && run->params == NULL))
		return RESULTS_EINVAL;
	if ((kv = calloc(run->nparams + 1, sizeof(*kv))) == NULL)
		return RESULTS_ENOMEM;
	for (i = 0; i < run->nparams; i++) {
		if (run->params[i].key == NULL ||
		    run->params[i].value == NULL) {
			free(kv);
			return RESULTS_EINVAL;
		}
		kv[i] = &run->params[i];
	}
	if (run->nparams > 1)
		qsort(kv, run->nparams, sizeof(*kv), kv_cmp);
	digest_sha256_init(&di);
	digest_sha256_init(&dp);
	digest_field(&di, "twsim run identity", "1");
	digest_field(&dp, "twsim parameter digest", "1");
	digest_field(&di, "scenario", run->scenario);
	digest_field(&dp, "scenario", run->scenario);
	for (i = 0; i < run->nparams; i++) {
		if (strcmp(kv[i]->key, KEY_REPEAT) == 0)
			continue;
		digest_field(&di, kv[i]->key, kv[i]->value);
		if (strcmp(kv[i]->key, KEY_SEED) != 0)
			digest_field(&dp, kv[i]->key, kv[i]->value);
	}
	snprintf(num, sizeof(num), "%" PRIu64, run->seed & INT64_MAX);
	digest_field(&di, "seed", num);
	snprintf(num, sizeof(num), "%d", run->repetition);
	digest_field(&di, "repetition", num);
	digest_hex(&di, id->identity);
	digest_hex(&dp, id->param_digest);
	free(kv);
	return RESULTS_OK;
}

int
results_find(struct results *r, const char *identity, int64_t *run_id,
    char *status, size_t statuslen)
{
	sqlite3_stmt *st;
	int rc;

	*run_id = 0;
	if (status != NULL && statuslen > 0)
		status[0] = '\0';
	if (sqlite3_prepare_v2(r->db, "SELECT run_id, status FROM main.runs"
	    " WHERE identity = ?1", -1, &st, NULL) != SQLITE_OK)
		return sqlerr(r, "cannot look up a run");
	sqlite3_bind_text(st, 1, identity, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*run_id = sqlite3_column_int64(st, 0);
		if (status != NULL && statuslen > 0)
			snprintf(status, statuslen, "%s",
			    (const char *)sqlite3_column_text(st, 1));
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sqlerr(r, "cannot look up a run");
	return RESULTS_OK;
}

int
results_max_repetition(struct results *r, const char *param_digest,
    int64_t *max)
{
	sqlite3_stmt *st;
	int rc;

	*max = -1;
	if (sqlite3_prepare_v2(r->db, "SELECT max(repetition) FROM main.runs"
	    " WHERE param_digest = ?1", -1, &st, NULL) != SQLITE_OK)
		return sqlerr(r, "cannot look up repetitions");
	sqlite3_bind_text(st, 1, param_digest, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*max = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sqlerr(r, "cannot look up repetitions");
	return RESULTS_OK;
}

/* ---- writer ------------------------------------------------------------ */

/*
 * *st, prepared once for the handle's life from fmt, whose one %w names
 * run table `table`: the per-table statements that empty the stage and
 * replace a run.  SQLite's result code; SQLITE_NOMEM also when the SQL
 * cannot be made.  Sets no message: the callers decide what a failure is.
 */
static int
table_stmt(struct results *r, sqlite3_stmt **st, const char *fmt,
    const char *table)
{
	char *sql;
	int rc;

	if (*st != NULL)
		return SQLITE_OK;
	if ((sql = sqlite3_mprintf(fmt, table)) == NULL)
		return SQLITE_NOMEM;
	rc = sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL);
	sqlite3_free(sql);
	return rc;
}

/*
 * Deletes every row of the staging database, keeping its tables, if it is
 * small and trusted (stage_suspect); RESULTS_ESQL when it is to be made
 * anew instead.  A DELETE without WHERE frees the pages of a table
 * without reading its rows.
 */
static int
empty_stage(struct results *r)
{
	sqlite3_stmt **st = &r->st[ST_STAGE_CLEAR];
	int64_t pages;
	int i;

	if (r->stage_suspect || query_int(r, "PRAGMA stage.page_count", &pages,
	    NULL) != RESULTS_OK || (uint64_t)pages > r->stage_keep_pages)
		return RESULTS_ESQL;
	for (i = 0; RUN_TABLES[i] != NULL; i++) {
		if (table_stmt(r, &st[i], "DELETE FROM stage.\"%w\"",
		    RUN_TABLES[i]) != SQLITE_OK)
			return RESULTS_ESQL;
		if (sqlite3_step(st[i]) != SQLITE_DONE) {
			sqlite3_reset(st[i]);
			return RESULTS_ESQL;
		}
		sqlite3_reset(st[i]);
	}
	return RESULTS_OK;
}

/* Empties the staging database (after its run went into the file, or not). */
static void
clear_stage(struct results *r)
{
	cs_clear(&r->live);
	r->live_lost = 0;
	conn_buf_clear(&r->conn_buf);
	if (r->mode != RESULTS_RW_CREATE) {
		/* A part file, written in place: undo the open run. */
		if (!sqlite3_get_autocommit(r->db))
			sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return;
	}
	/*
	 * The staging database has no journal (attach_stage()), so it is
	 * never rolled back: its transaction is ended as it stands.  Then it
	 * is emptied (empty_stage()), or, when it grew large or SQLite may
	 * have rolled it back after an error, dropped for a fresh one, which
	 * also returns its memory and disk at once (deleting millions of
	 * rows would not).
	 */
	if (!sqlite3_get_autocommit(r->db) &&
	    sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		r->stage_suspect = 1;
	}
	if (empty_stage(r) == RESULTS_OK)
		return;
	sqlite3_exec(r->db, "DETACH DATABASE stage", NULL, NULL, NULL);
	(void)attach_stage(r);
}

/* A write must belong to the run being staged. */
static int
check_run(struct results *r, int64_t run_id, const char *what)
{
	if (r->mode == RESULTS_READONLY)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: %s: opened read-only", r->path, what);
	if (r->cur_run == 0 || r->cur_run != run_id)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: %s: run %lld is not open", r->path,
		    what, (long long)run_id);
	/*
	 * Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) make SQLite
	 * roll the transaction back by itself.  Writing on would then commit
	 * row by row outside the run's transaction: refuse instead, so the
	 * caller aborts the run and nothing of it remains.
	 */
	if (sqlite3_get_autocommit(r->db))
		return seterr(r, RESULTS_ESQL,
		    "results database %s: %s: run %lld was rolled back after "
		    "an earlier error", r->path, what, (long long)run_id);
	return RESULTS_OK;
}

int
results_run_begin(struct results *r, const struct results_run *run,
    int64_t *run_id)
{
	struct results_identity id;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	*run_id = 0;
	if (r->mode == RESULTS_READONLY)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: opened read-only", r->path);
	if (r->cur_run != 0)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: run %lld is still open", r->path,
		    (long long)r->cur_run);
	cs_clear(&r->live);
	r->live_lost = 0;
	conn_buf_clear(&r->conn_buf);
	if (run->scenario == NULL || run->version == NULL)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: run without scenario or version",
		    r->path);
	if ((rc = results_identity(run, &id)) != RESULTS_OK)
		return seterr(r, rc, "results database %s: run with a "
		    "parameter without key or value", r->path);
	/*
	 * A deferred transaction that writes only the staging database:
	 * it takes no lock on the file itself.  A part file is written in
	 * place, so this is its run's write.
	 */
	if (r->mode == RESULTS_RW_PART && (rc = before_run_write(r)) !=
	    RESULTS_OK)
		return rc;
	if ((rc = exec(r, "BEGIN", "cannot begin run")) != RESULTS_OK)
		return rc;
	if (r->mode == RESULTS_RW_PART) {
		/* Written in place (prepare_writer()): the file's own id. */
		if ((rc = query_int(r, "SELECT coalesce(max(run_id), 0) + 1 "
		    "FROM main.runs", &r->cur_run, NULL)) != RESULTS_OK) {
			rc = sqlerr(r, "cannot read run ids");
			goto fail;
		}
	} else
		r->cur_run = ++r->stage_seq;
	if ((st = writer_stmt(r, ST_RUN_INSERT)) == NULL) {
		rc = RESULTS_ESQL;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, r->cur_run);
	bind_text(st, 2, run->scenario);
	bind_text(st, 3, run->sweep != NULL ? run->sweep : "");
	sqlite3_bind_int(st, 4, run->repetition);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)(run->seed & INT64_MAX));
	bind_text(st, 6, run->version);
	bind_text(st, 7, id.identity);
	bind_text(st, 8, id.param_digest);
	sqlite3_bind_int64(st, 9, run->run_index);
	if ((rc = step_once(r, st, "cannot insert run")) != RESULTS_OK)
		goto fail;
	if (run->nparams > 0 && (st = writer_stmt(r, ST_PARAM)) == NULL) {
		rc = RESULTS_ESQL;
		goto fail;
	}
	for (i = 0; i < run->nparams; i++) {
		sqlite3_bind_int64(st, 1, r->cur_run);
		bind_text(st, 2, run->params[i].key);
		bind_text(st, 3, run->params[i].value);
		if ((rc = step_once(r, st, "cannot insert param")) !=
		    RESULTS_OK)
			goto fail;
	}
	*run_id = r->cur_run;
	return RESULTS_OK;
fail:
	r->cur_run = 0;
	clear_stage(r);
	return rc;
}

int
results_sample(struct results *r, int64_t run_id,
    const struct results_sample *s)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = check_run(r, run_id, "sample")) != RESULTS_OK)
		return rc;
	if ((st = writer_stmt(r, ST_SAMPLE)) == NULL)
		return RESULTS_ESQL;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_double(st, 2, s->t);
	bind_text(st, 3, s->host);
	sqlite3_bind_int64(st, 4, s->tw_count);
	sqlite3_bind_int64(st, 5, s->tw_cap);
	sqlite3_bind_int64(st, 6, s->ports_in_use);
	sqlite3_bind_int64(st, 7, s->established);
	sqlite3_bind_int64(st, 8, s->conn_attempted);
	sqlite3_bind_int64(st, 9, s->conn_established);
	sqlite3_bind_int64(st, 10, s->conn_failed_addrnotavail);
	sqlite3_bind_int64(st, 11, s->tw_entered);
	sqlite3_bind_int64(st, 12, s->tw_expired);
	sqlite3_bind_int64(st, 13, s->tw_recycled);
	sqlite3_bind_int64(st, 14, s->conn_failed_timeout);
	sqlite3_bind_int64(st, 15, s->conn_failed_reset);
	sqlite3_bind_int64(st, 16, s->tw_reopened);
	sqlite3_bind_int64(st, 17, s->syn_dropped_tw);
	sqlite3_bind_int64(st, 18, s->hazards);
	sqlite3_bind_int64(st, 19, s->tw_reused);
	sqlite3_bind_int64(st, 20, s->tw_killed_rst);
	sqlite3_bind_int64(st, 21, s->tw_cap_effective);
	sqlite3_bind_int64(st, 22, s->conn_failed_nobufs);
	sqlite3_bind_int64(st, 23, s->conn_failed_addrinuse);
	sqlite3_bind_int64(st, 24, s->tw_rearmed);
	sqlite3_bind_int64(st, 25, s->tw_dropped_recycled);
	return step_once(r, st, "cannot insert sample");
}

/*
 * The strings a row slot of a connection insert holds bound, while
 * conn_buf_write() writes a buffer: its strings do not move meanwhile,
 * and a run of rows with the same string shares one copy of it
 * (conn_buf_text()), so a pointer equal to the one bound is the same
 * text, and binding it again is skipped -- about 200 instructions a
 * string, 1,200 a row, 15% of writing it.  All NULL for a statement whose
 * bindings are cleared, as they are after every conn_buf_write().
 */
struct conn_bound {
	const char	*text[CB_COUNT];
};

/* Binds string s to parameter i of st, unless cb says it holds it. */
static void
bind_conn_text(sqlite3_stmt *st, int i, const char *s, struct conn_bound *cb,
    int k)
{
	if (cb != NULL) {
		if (cb->text[k] == s)
			return;
		cb->text[k] = s;
	}
	bind_text(st, i, s);
}

/*
 * Binds row c to st, an insert of ST_CONN's columns, as its row `at`
 * (0..CONN_BATCH-1 for ST_CONN_BATCH, else 0): every column but run_id
 * (?1 of the row), which the caller binds.  cb: the strings that row slot
 * holds (conn_bound), or NULL to bind every one.
 */
static void
bind_conn(sqlite3_stmt *st, int at, const struct results_conn *c,
    struct conn_bound *cb)
{
	int b = at * CONN_NCOLS;

	sqlite3_bind_int64(st, b + 2, c->conn_id);
	bind_conn_text(st, b + 3, c->workload, cb, CB_WORKLOAD);
	bind_conn_text(st, b + 4, c->client, cb, CB_CLIENT);
	sqlite3_bind_int(st, b + 5, c->lport);
	bind_conn_text(st, b + 6, c->server, cb, CB_SERVER);
	sqlite3_bind_double(st, b + 7, c->t_start);
	bind_real_or_null(st, b + 8, c->t_established);
	bind_real_or_null(st, b + 9, c->t_end);
	bind_conn_text(st, b + 10, c->outcome, cb, CB_OUTCOME);
	sqlite3_bind_int(st, b + 11, c->syn_sent);
	/* Its TIME_WAIT, when it had one (NULL otherwise). */
	bind_conn_text(st, b + 12, c->tw_end != NULL ? c->tw_host : NULL, cb,
	    CB_TW_HOST);
	if (c->tw_end != NULL) {
		sqlite3_bind_double(st, b + 13, c->t_tw_start);
		bind_real_or_null(st, b + 14, c->t_tw_end);
	} else {
		sqlite3_bind_null(st, b + 13);
		sqlite3_bind_null(st, b + 14);
	}
	bind_conn_text(st, b + 15, c->tw_end, cb, CB_TW_END);
}

/* ---- connection rows not yet staged (conn_buf) -------------------------- */

static void
conn_buf_clear(struct conn_buf *b)
{
	free(b->row);
	free(b->text);
	memset(b, 0, sizeof(*b));
}

/*
 * The offset of a copy of string s in b's text: prev's, when it is the
 * same string.  NULL is CONN_TEXT_NULL; *ok = 0 when out of memory.
 */
static uint32_t
conn_buf_text(struct conn_buf *b, const char *s, uint32_t prev, int *ok)
{
	size_t len, ncap;
	uint32_t at;
	char *nt;

	if (s == NULL)
		return CONN_TEXT_NULL;
	if (prev != CONN_TEXT_NULL && strcmp(s, b->text + prev) == 0)
		return prev;
	len = strlen(s) + 1;
	if (b->text_cap - b->text_used < len) {
		ncap = b->text_cap != 0 ? 2 * b->text_cap : 65536;
		while (ncap - b->text_used < len)
			ncap *= 2;
		if (ncap >= CONN_TEXT_NULL ||
		    (nt = realloc(b->text, ncap)) == NULL) {
			*ok = 0;
			return CONN_TEXT_NULL;
		}
		b->text = nt;
		b->text_cap = ncap;
	}
	at = (uint32_t)b->text_used;
	memcpy(b->text + at, s, len);
	b->text_used += len;
	return at;
}

/* Appends a copy of row c; -1 when out of memory. */
static int
conn_buf_add(struct conn_buf *b, const struct results_conn *c)
{
	const struct conn_row *prev;
	struct conn_row *row;
	size_t ncap;
	int ok = 1;

	if (b->n == b->cap) {
		ncap = b->cap != 0 ? 2 * b->cap : 1024;
		if ((row = realloc(b->row, ncap * sizeof(*row))) == NULL)
			return -1;
		b->row = row;
		b->cap = ncap;
	}
	prev = b->n > 0 ? &b->row[b->n - 1] : NULL;
	row = &b->row[b->n];
#define	PUT_NUMBER(f)	row->f = c->f;
#define	PUT_STRING(k, f)	row->text[k] = conn_buf_text(b, c->f, \
	    prev != NULL ? prev->text[k] : CONN_TEXT_NULL, &ok);
	CONN_ROW_NUMBERS(PUT_NUMBER)
	CONN_ROW_STRINGS(PUT_STRING)
#undef PUT_NUMBER
#undef PUT_STRING
	if (!ok)
		return -1;
	b->n++;
	return 0;
}

/* Row i of b as a results_conn, its strings in b's text. */
static void
conn_buf_get(const struct conn_buf *b, size_t i, struct results_conn *c)
{
	const struct conn_row *row = &b->row[i];

#define	GET_NUMBER(f)	c->f = row->f;
#define	GET_STRING(k, f)	c->f = row->text[k] != CONN_TEXT_NULL ? \
	    b->text + row->text[k] : NULL;
	CONN_ROW_NUMBERS(GET_NUMBER)
	CONN_ROW_STRINGS(GET_STRING)
#undef GET_NUMBER
#undef GET_STRING
}

/*
 * Writes the rows of b, in order, as rows of run run_id, staged (!file)
 * or into the file, and empties b: CONN_BATCH rows a statement, the last
 * few one by one.  Each step rebinds every column, so a statement is only
 * reset between steps and its run_id slots are bound once: clearing the
 * 480 bindings of a batch and rebinding run_id cost 380 instructions a
 * row, 4.8% of writing it.  They are cleared at the end, as they point
 * into b's text.
 */
static int
conn_buf_write(struct results *r, struct conn_buf *b, int file,
    int64_t run_id)
{
	struct conn_bound bound[CONN_BATCH], one;
	struct results_conn c;
	sqlite3_stmt *st = NULL, *batch = NULL;
	size_t i = 0;
	int rc = RESULTS_OK, k;

	memset(bound, 0, sizeof(bound));
	memset(&one, 0, sizeof(one));
	if (b->n >= CONN_BATCH && (batch = writer_stmt(r, file ?
	    ST_CONN_MAIN_BATCH : ST_CONN_BATCH)) == NULL)
		rc = RESULTS_ESQL;
	for (k = 0; batch != NULL && k < CONN_BATCH; k++)
		sqlite3_bind_int64(batch, k * CONN_NCOLS + 1, run_id);
	for (; b->n - i >= CONN_BATCH && rc == RESULTS_OK; i += CONN_BATCH) {
		for (k = 0; k < CONN_BATCH; k++) {
			conn_buf_get(b, i + k, &c);
			bind_conn(batch, k, &c, &bound[k]);
		}
		rc = step_reset(r, batch, "cannot insert connection");
	}
	if (rc == RESULTS_OK && i < b->n && (st = writer_stmt(r, file ?
	    ST_CONN_MAIN : ST_CONN)) == NULL)
		rc = RESULTS_ESQL;
	if (st != NULL)
		sqlite3_bind_int64(st, 1, run_id);
	for (; i < b->n && rc == RESULTS_OK; i++) {
		conn_buf_get(b, i, &c);
		bind_conn(st, 0, &c, &one);
		rc = step_reset(r, st, "cannot insert connection");
	}
	if (batch != NULL)
		sqlite3_clear_bindings(batch);
	if (st != NULL)
		sqlite3_clear_bindings(st);
	conn_buf_clear(b);
	return rc;
}

int
results_connection(struct results *r, int64_t run_id,
    const struct results_conn *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = check_run(r, run_id, "connection")) != RESULTS_OK)
		return rc;
	if (r->mode == RESULTS_RW_PART) {
		/* Written in place: no copy to spare. */
		if ((st = writer_stmt(r, ST_CONN)) == NULL)
			return RESULTS_ESQL;
		sqlite3_bind_int64(st, 1, run_id);
		bind_conn(st, 0, c, NULL);
		rc = step_once(r, st, "cannot insert connection");
	} else {
		if (r->conn_buf.n >= r->conn_buf_max)
			rc = conn_buf_write(r, &r->conn_buf, 0, run_id);
		if (rc == RESULTS_OK && conn_buf_add(&r->conn_buf, c) != 0)
			rc = seterr(r, RESULTS_ENOMEM,
			    "results database %s: out of memory", r->path);
	}
	if (rc == RESULTS_OK)
		cs_live_add(r, c);
	return rc;
}

int
results_host_stats(struct results *r, int64_t run_id,
    const struct results_host *h)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = check_run(r, run_id, "host stats")) != RESULTS_OK)
		return rc;
	if ((st = writer_stmt(r, ST_HOST)) == NULL)
		return RESULTS_ESQL;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, h->host);
	sqlite3_bind_int64(st, 3, h->conn_attempted);
	sqlite3_bind_int64(st, 4, h->conn_established);
	sqlite3_bind_int64(st, 5, h->conn_failed_addrnotavail);
	sqlite3_bind_int64(st, 6, h->conn_failed_timeout);
	sqlite3_bind_int64(st, 7, h->conn_failed_reset);
	sqlite3_bind_int64(st, 8, h->tw_entered);
	sqlite3_bind_int64(st, 9, h->tw_expired);
	sqlite3_bind_int64(st, 10, h->tw_recycled);
	sqlite3_bind_int64(st, 11, h->tw_reopened);
	sqlite3_bind_int64(st, 12, h->tw_skipped_local);
	sqlite3_bind_int64(st, 13, h->tw_skipped_nomem);
	sqlite3_bind_int64(st, 14, h->tw_peak);
	sqlite3_bind_int64(st, 15, h->tw_cap);
	sqlite3_bind_int64(st, 16, h->syn_dropped_tw);
	sqlite3_bind_int64(st, 17, h->rst_ignored_tw);
	sqlite3_bind_int64(st, 18, h->acks_sent_tw);
	sqlite3_bind_int64(st, 19, h->hazards);
	bind_real_or_null(st, 20, h->first_addrnotavail_s);
	bind_real_or_null(st, 21, h->connect_p50_s);
	bind_real_or_null(st, 22, h->connect_p99_s);
	bind_real_or_null(st, 23, h->connect_max_s);
	sqlite3_bind_int64(st, 24, h->tw_reused);
	sqlite3_bind_int64(st, 25, h->tw_killed_rst);
	sqlite3_bind_int64(st, 26, h->tw_cap_effective);
	sqlite3_bind_int64(st, 27, h->conn_failed_nobufs);
	sqlite3_bind_int64(st, 28, h->conn_failed_addrinuse);
	sqlite3_bind_int64(st, 29, h->tw_rearmed);
	sqlite3_bind_int64(st, 30, h->tw_dropped_recycled);
	sqlite3_bind_int64(st, 31, h->rexmt_data);
	sqlite3_bind_int64(st, 32, h->rexmt_timeouts);
	sqlite3_bind_int64(st, 33, h->fast_rexmt);
	return step_once(r, st, "cannot insert host stats");
}

int
results_run_error(struct results *r, int64_t run_id, const char *message)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = check_run(r, run_id, "run error")) != RESULTS_OK)
		return rc;
	if ((st = writer_stmt(r, ST_RUN_ERROR)) == NULL)
		return RESULTS_ESQL;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, message);
	return step_once(r, st, "cannot record run error");
}

/* ---- aggregates of a run's connection rows ------------------------------ */

/*
 * connection_stats is computed from the run's own rows at the end of the
 * run, so it says exactly what the rows say, is copied with them by
 * merge_schema(), and is the same whatever -j.  Readers (twsim report)
 * then never read the rows: sorting a host's millions of them at every
 * report took seconds.  The values are those of the rows in the order
 * they were written, kept as each row is written (cs_live_add()), up to
 * RESULTS_LIVE_STATS_MAX of them (8 bytes each); a larger run, and a merge
 * from a version 5 file, read them back instead (conn_stats_into(): each
 * pass reads the rows once, about 0.3 us a row, and holds its values
 * only until it ends), so that memory does not grow with the run.  Both
 * give the same bits: a test holds them to it.  The quantiles are found
 * by selection, not sorting (stats_quantile_select()).
 */
static void
cs_clear(struct cs_hosts *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++) {
		free(hs->h[i].name);
		free(hs->h[i].v[CS_CONNECT]);
		free(hs->h[i].v[CS_TW]);
	}
	free(hs->h);
	free(hs->slot);
	memset(hs, 0, sizeof(*hs));
}

static size_t
cs_hash(const char *name, size_t nslot)
{
	uint64_t x = 1469598103934665603ull;	/* FNV-1a */

	for (; *name != '\0'; name++)
		x = (x ^ (unsigned char)*name) * 1099511628211ull;
	return (size_t)x & (nslot - 1);
}

/* The host named `name`, added when new; NULL when out of memory. */
static struct cs_host *
cs_get(struct cs_hosts *hs, const char *name)
{
	struct cs_host *nh;
	size_t *ns, i, j, nn;

	if (hs->nslot != 0)
		for (j = cs_hash(name, hs->nslot); hs->slot[j] != 0;
		    j = (j + 1) & (hs->nslot - 1))
			if (strcmp(hs->h[hs->slot[j] - 1].name, name) == 0)
				return &hs->h[hs->slot[j] - 1];
	if (2 * (hs->n + 1) >= hs->nslot) {
		nn = hs->nslot != 0 ? 2 * hs->nslot : 64;
		if ((ns = calloc(nn, sizeof(*ns))) == NULL)
			return NULL;
		for (i = 0; i < hs->n; i++) {
			for (j = cs_hash(hs->h[i].name, nn); ns[j] != 0;
			    j = (j + 1) & (nn - 1))
				;
			ns[j] = i + 1;
		}
		free(hs->slot);
		hs->slot = ns;
		hs->nslot = nn;
	}
	if (hs->n == hs->cap) {
		nn = hs->cap != 0 ? 2 * hs->cap : 16;
		if ((nh = realloc(hs->h, nn * sizeof(*nh))) == NULL)
			return NULL;
		hs->h = nh;
		hs->cap = nn;
	}
	nh = &hs->h[hs->n];
	memset(nh, 0, sizeof(*nh));
	nh->connect[0] = nh->connect[1] = nh->connect[2] = nh->connect[3] =
	    NAN;
	nh->tw[0] = nh->tw[1] = nh->tw[2] = nh->tw[3] = NAN;
	if ((nh->name = strdup(name)) == NULL)
		return NULL;
	for (j = cs_hash(name, hs->nslot); hs->slot[j] != 0;
	    j = (j + 1) & (hs->nslot - 1))
		;
	hs->slot[j] = ++hs->n;
	return nh;
}

/* p50, p99, max and mean of v[0..n) in out[0..3]; reorders v. */
static void
cs_summary(double *v, size_t n, double out[4])
{
	double sum = 0, max;
	size_t i;

	max = v[0];
	for (i = 0; i < n; i++) {
		sum += v[i];
		if (v[i] > max)
			max = v[i];
	}
	out[0] = stats_quantile_select(v, n, 0.50);
	out[1] = stats_quantile_select(v, n, 0.99);
	out[2] = max;
	out[3] = sum / (double)n;
}

/* Adds value v of host `name` to pass k; -1 when out of memory. */
static int
cs_add(struct cs_hosts *hs, const char *name, int k, double v)
{
	struct cs_host *h;
	double *nv;
	size_t ncap;

	/*
	 * A run's rows come in long runs of one client and one TIME_WAIT
	 * host: the host of the pass's last value is tried before hashing.
	 */
	if (hs->last[k] != 0 && strcmp(hs->h[hs->last[k] - 1].name, name) == 0)
		h = &hs->h[hs->last[k] - 1];
	else if ((h = cs_get(hs, name)) == NULL)
		return -1;
	hs->last[k] = (size_t)(h - hs->h) + 1;
	if (h->n[k] == h->cap[k]) {
		ncap = h->cap[k] != 0 ? 2 * h->cap[k] : 256;
		if ((nv = realloc(h->v[k], ncap * sizeof(*nv))) == NULL)
			return -1;
		h->v[k] = nv;
		h->cap[k] = ncap;
	}
	h->v[k][h->n[k]++] = v;
	hs->nvalues++;
	return 0;
}

/* Summarises the values of pass k into each host's connect[] or tw[]. */
static void
cs_finish(struct cs_hosts *hs, int k)
{
	struct cs_host *h;
	size_t i;

	for (i = 0; i < hs->n; i++) {
		h = &hs->h[i];
		if (h->n[k] > 0)
			cs_summary(h->v[k], h->n[k], k == CS_TW ? h->tw :
			    h->connect);
		*(k == CS_TW ? &h->tw_n : &h->connect_n) = (int64_t)h->n[k];
		hs->nvalues -= h->n[k];
		free(h->v[k]);
		h->v[k] = NULL;
		h->n[k] = h->cap[k] = 0;
	}
}

/*
 * One pass over the run's rows: the (host, value) rows of `sql`, grouped
 * by host, summarised into each host's connect[] or tw[] (pass k).
 */
static int
cs_pass(struct results *r, struct cs_hosts *hs, const char *sql,
    int64_t run_id, int k)
{
	sqlite3_stmt *st;
	const char *name;
	int rc;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlerr(r, "cannot read the connection rows");
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((name = (const char *)sqlite3_column_text(st, 0)) == NULL)
			continue;
		if (cs_add(hs, name, k, sqlite3_column_double(st, 1)) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return seterr(r, RESULTS_ENOMEM,
		    "results database %s: out of memory", r->path);
	if (rc != SQLITE_DONE)
		return sqlerr(r, "cannot read the connection rows");
	cs_finish(hs, k);
	return RESULTS_OK;
}

/*
 * The open run's connection row c, for its connection_stats: the same
 * values, in the same order, as the passes of conn_stats_into() would read
 * back -- a stored REAL is the bound double, and SQL's difference of two
 * the C one -- so that a run gives the same table either way.
 */
/* SQL's a - b as sqlite3_column_double() reads it: NULL (NaN) reads 0. */
static double
cs_sql_minus(double a, double b)
{
	double d = a - b;

	return isnan(d) ? 0.0 : d;
}

static void
cs_live_add(struct results *r, const struct results_conn *c)
{
	struct cs_hosts *hs = &r->live;
	int connect, tw;

	if (r->live_lost)
		return;
	/* The WHERE clauses of conn_stats_into()'s passes. */
	connect = c->client != NULL && !isnan(c->t_established);
	tw = c->tw_end != NULL && c->tw_host != NULL &&
	    !isnan(c->t_tw_end) && strcmp(c->tw_end, "skipped") != 0;
	if (hs->nvalues + (size_t)connect + (size_t)tw > r->live_max)
		goto lost;
	if (connect && cs_add(hs, c->client, CS_CONNECT,
	    cs_sql_minus(c->t_established, c->t_start)) != 0)
		goto lost;
	if (tw && cs_add(hs, c->tw_host, CS_TW,
	    cs_sql_minus(c->t_tw_end, c->t_tw_start)) != 0)
		goto lost;
	return;
lost:
	/* Read back at the run's end instead (run_conn_stats()). */
	r->live_lost = 1;
	cs_clear(hs);
}

static int
cs_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cs_host *)a)->name,
	    ((const struct cs_host *)b)->name);
}

/*
 * Writes the connection_stats rows of run `run_id` into schema `to` from
 * the summaries of hs (both passes finished), one per host in host-name
 * order; sorts hs.
 */
static int
cs_write(struct results *r, struct cs_hosts *hs, const char *to,
    int64_t run_id)
{
	struct cs_host *h;
	sqlite3_stmt *st = NULL;
	char *sql;
	size_t i;
	int rc = RESULTS_OK;

	if (hs->n == 0)
		return RESULTS_OK;
	qsort(hs->h, hs->n, sizeof(*hs->h), cs_name_cmp);
	/* The order of the slots is gone: hs is only for reading now. */
	free(hs->slot);
	hs->slot = NULL;
	hs->nslot = 0;
	sql = sqlite3_mprintf("INSERT INTO \"%w\".connection_stats (run_id,"
	    " host, connect_n, connect_p50_s, connect_p99_s, connect_max_s,"
	    " tw_n, tw_life_mean_s, tw_life_p50_s, tw_life_p99_s,"
	    " tw_life_max_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	    " ?11)", to);
	if (sql == NULL || sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_free(sql);
		return sqlerr(r, "cannot write connection_stats");
	}
	sqlite3_free(sql);
	for (i = 0; i < hs->n && rc == RESULTS_OK; i++) {
		h = &hs->h[i];
		sqlite3_bind_int64(st, 1, run_id);
		bind_text(st, 2, h->name);
		sqlite3_bind_int64(st, 3, h->connect_n);
		bind_real_or_null(st, 4, h->connect[0]);
		bind_real_or_null(st, 5, h->connect[1]);
		bind_real_or_null(st, 6, h->connect[2]);
		sqlite3_bind_int64(st, 7, h->tw_n);
		bind_real_or_null(st, 8, h->tw[3]);
		bind_real_or_null(st, 9, h->tw[0]);
		bind_real_or_null(st, 10, h->tw[1]);
		bind_real_or_null(st, 11, h->tw[2]);
		rc = step_once(r, st, "cannot write connection_stats");
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Writes the connection_stats rows of run `run_id` into schema `to`
 * (stage, or main for a part file; temp for a reader of a version 5
 * file) from its connection rows in schema `from`, one per host
 * in host-name order: the connect latency (as the row stores it,
 * t_established - t_start) of the connections it established as client,
 * and the lifetime (t_tw_end - t_tw_start) of the TIME_WAITs it held that
 * ended -- not one skipped, which has none, nor one still open (REC-1).
 */
static int
conn_stats_into(struct results *r, const char *from, const char *to,
    int64_t run_id)
{
	/*
	 * In the order the rows were written, staged or in a part file
	 * (whose index would give conn_id order): the mean's sum, and so
	 * its last bits, must not depend on -j.
	 */
	static const char *const pass[2] = {
		"SELECT client, t_established - t_start FROM \"%w\".connections"
		" NOT INDEXED WHERE run_id = ?1 AND t_established IS NOT NULL"
		" ORDER BY rowid",
		"SELECT tw_host, t_tw_end - t_tw_start FROM \"%w\".connections"
		" NOT INDEXED WHERE run_id = ?1 AND t_tw_end IS NOT NULL"
		" AND tw_end <> 'skipped' ORDER BY rowid",
	};
	struct cs_hosts hs;
	char *sql;
	int rc = RESULTS_OK, k;

	memset(&hs, 0, sizeof(hs));
	for (k = 0; k < CS_NPASS && rc == RESULTS_OK; k++) {
		if ((sql = sqlite3_mprintf(pass[k], from)) == NULL) {
			rc = seterr(r, RESULTS_ENOMEM,
			    "results database %s: out of memory", r->path);
			break;
		}
		rc = cs_pass(r, &hs, sql, run_id, k);
		sqlite3_free(sql);
	}
	if (rc == RESULTS_OK)
		rc = cs_write(r, &hs, to, run_id);
	cs_clear(&hs);
	return rc;
}

/* The same, the rows and the table in one schema (the run's own). */
static int
conn_stats(struct results *r, const char *schema, int64_t run_id)
{

	return (conn_stats_into(r, schema, schema, run_id));
}

/*
 * The open run's connection_stats, into the schema its rows are in: from
 * the values kept as they were written (cs_live_add()), or, when there
 * were too many to keep, read back.
 */
static int
run_conn_stats(struct results *r, const char *schema, int64_t run_id)
{
	int rc;

	if (r->live_lost) {
		cs_clear(&r->live);
		/* Read back from the stage: every row must be there. */
		if (r->conn_buf.n > 0 && (rc = conn_buf_write(r, &r->conn_buf,
		    0, run_id)) != RESULTS_OK)
			return rc;
		return conn_stats(r, schema, run_id);
	}
	cs_finish(&r->live, CS_CONNECT);
	cs_finish(&r->live, CS_TW);
	rc = cs_write(r, &r->live, schema, run_id);
	cs_clear(&r->live);
	return rc;
}

int
results_run_end(struct results *r, int64_t run_id, const char *status,
    double sim_seconds, double wall_seconds, uint64_t events, int flags,
    enum results_action *action, int64_t *file_run_id)
{
	struct results_merge_stats ms;
	sqlite3_stmt *st;
	int rc;

	if (action != NULL)
		*action = RESULTS_SKIPPED;
	if (file_run_id != NULL)
		*file_run_id = 0;
	if ((rc = check_run(r, run_id, "run end")) != RESULTS_OK) {
		if (rc == RESULTS_ESQL) {
			r->cur_run = 0;	/* already rolled back */
			clear_stage(r);
		}
		return rc;
	}
	if (status == NULL || (strcmp(status, RESULTS_STATUS_COMPLETE) != 0 &&
	    strcmp(status, RESULTS_STATUS_FAILED) != 0 &&
	    strcmp(status, RESULTS_STATUS_INTERRUPTED) != 0))
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: bad run status '%s'", r->path,
		    status != NULL ? status : "(null)");
	if ((st = writer_stmt(r, ST_RUN_END)) != NULL) {
		sqlite3_bind_int64(st, 1, run_id);
		bind_text(st, 2, status);
		bind_real_or_null(st, 3, sim_seconds);
		bind_real_or_null(st, 4, wall_seconds);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)events);
		rc = step_once(r, st, "cannot end run");
	} else
		rc = RESULTS_ESQL;
	if (rc == RESULTS_OK)
		rc = run_conn_stats(r, r->mode == RESULTS_RW_PART ? "main" :
		    "stage", run_id);
	if (r->mode == RESULTS_RW_PART) {
		/* Written in place: committing is recording. */
		if (rc == RESULTS_OK)
			rc = exec(r, "COMMIT", "cannot commit run");
		if (rc == RESULTS_OK) {
			if (action != NULL)
				*action = RESULTS_ADDED;
			if (file_run_id != NULL)
				*file_run_id = run_id;
		}
		r->cur_run = 0;
		clear_stage(r);
		return rc;
	}
	if (rc == RESULTS_OK)
		rc = exec(r, "COMMIT", "cannot stage run");
	r->cur_run = 0;
	if (rc == RESULTS_OK)
		rc = merge_schema(r, "stage", flags, NULL, 0, NULL,
		    &r->conn_buf, &ms);
	clear_stage(r);
	if (rc != RESULTS_OK)
		return rc;
	if (action != NULL)
		*action = ms.added ? RESULTS_ADDED : ms.replaced ?
		    RESULTS_REPLACED : RESULTS_SKIPPED;
	if (file_run_id != NULL)
		*file_run_id = ms.last_run_id;
	return RESULTS_OK;
}

int
results_run_abort(struct results *r, int64_t run_id)
{
	if (r->mode == RESULTS_READONLY || r->cur_run == 0 ||
	    r->cur_run != run_id)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: run abort: run %lld is not open",
		    r->path, (long long)run_id);
	r->cur_run = 0;
	clear_stage(r);
	return RESULTS_OK;
}

/* ---- merge ------------------------------------------------------------- */

/*
 * Builds "INSERT INTO main.T (run_id, c2, ...) SELECT ?1, c2, ... FROM
 * SRC.T WHERE run_id = ?2 ORDER BY rowid" from the table's own column
 * list, so merge follows every column added to SCHEMA by itself.  Copying
 * in rowid order keeps rows in the order they were written.
 */
static int
build_copy_sql(struct results *r, const char *src, const char *table,
    char **out)
{
	sqlite3_stmt *st;
	sqlite3_str *ins, *sel;
	const char *col;
	char *sql;
	int rc, ncols = 0;

	*out = NULL;
	if (sqlite3_prepare_v2(r->db,
	    "SELECT name FROM pragma_table_info(?1, 'main') ORDER BY cid", -1,
	    &st, NULL) != SQLITE_OK)
		return sqlerr(r, "cannot read table columns");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	ins = sqlite3_str_new(r->db);
	sel = sqlite3_str_new(r->db);
	sqlite3_str_appendf(ins, "INSERT INTO main.\"%w\" (", table);
	sqlite3_str_appendf(sel, ") SELECT ");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		col = (const char *)sqlite3_column_text(st, 0);
		sqlite3_str_appendf(ins, "%s\"%w\"", ncols ? ", " : "", col);
		if (strcmp(col, "run_id") == 0)
			sqlite3_str_appendf(sel, "%s?1", ncols ? ", " : "");
		else
			sqlite3_str_appendf(sel, "%s\"%w\"", ncols ? ", " : "",
			    col);
		ncols++;
	}
	sqlite3_finalize(st);
	sqlite3_str_appendf(sel,
	    " FROM \"%w\".\"%w\" WHERE run_id = ?2 ORDER BY rowid", src, table);
	sqlite3_str_appendall(ins, sqlite3_str_value(sel));
	sqlite3_free(sqlite3_str_finish(sel));
	sql = sqlite3_str_finish(ins);
	if (rc != SQLITE_DONE || ncols == 0 || sql == NULL) {
		sqlite3_free(sql);
		return sqlerr(r, "cannot read table columns");
	}
	*out = sql;
	return RESULTS_OK;
}

/*
 * The identity rule (results.h) for a run of status `status` whose
 * identity dst holds with status `old_status`: does the new one replace
 * it?  A complete run is never replaced by one that is not.
 */
static int
replaces(const char *old_status, const char *status, int flags)
{
	if (strcmp(old_status, RESULTS_STATUS_COMPLETE) != 0)
		return 1;
	return (flags & RESULTS_REPLACE) &&
	    strcmp(status, RESULTS_STATUS_COMPLETE) == 0;
}

/*
 * The run ids a merge of several sources gives the runs it adds, decided
 * before the first source is copied (results_merge_sources()): base + rank,
 * rank being the run's place in run-index order among the runs added.
 * Sorted by identity for bsearch.
 */
struct plan_id {
	const char	*identity;
	int64_t		 rank;
};

struct merge_plan {
	int64_t		 base;		/* max(run_id) of dst when planned */
	size_t		 n;
	struct plan_id	*ids;
};

static int
plan_id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct plan_id *)a)->identity,
	    ((const struct plan_id *)b)->identity);
}

/* The planned run id of a run being added, or 0 when it has none. */
static int64_t
planned_id(const struct merge_plan *plan, const char *identity)
{
	struct plan_id key, *hit;

	if (plan == NULL || identity == NULL)
		return 0;
	key.identity = identity;
	hit = bsearch(&key, plan->ids, plan->n, sizeof(*plan->ids),
	    plan_id_cmp);
	return hit != NULL ? plan->base + hit->rank : 0;
}

/*
 * Copies the runs of the attached schema `src` (a merge source, or the
 * staging database) into main, in one write transaction, by the identity
 * rule: every run in src's run_id order, or (only != NULL) the nonly runs
 * only[] in that order.  The one code path of results_run_end(),
 * results_merge(), results_merge_runs(), `twsim merge` and so of `twsim
 * run -j`.  A run added takes its planned id (plan; NULL: none) when that
 * is still free, else max(run_id) + 1: another writer may have taken it
 * meanwhile.  tail (NULL: none) holds connection rows of the one staged
 * run that were never staged (conn_buf): they follow its staged rows.
 */
/* Prepares the statements m[] of a merge from src (only: of chosen runs). */
static int
merge_prepare(struct results *r, const char *src, const int64_t *only,
    sqlite3_stmt **m)
{
	char *sql;
	int64_t src_has_cs;
	size_t i;
	int rc;

	/* What an earlier attempt that failed half-way left. */
	for (i = 0; i < MS_COUNT; i++) {
		sqlite3_finalize(m[i]);
		m[i] = NULL;
	}
	/*
	 * A version 5 source has no connection_stats: instead of copying,
	 * each run's rows are computed from its connection rows, copied just
	 * before (RUN_TABLES order), as the run would have computed them
	 * (conn_stats()).  Its copy statement stays NULL.
	 */
	sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\".sqlite_master "
	    "WHERE type = 'table' AND name = 'connection_stats'", src);
	if (sql == NULL)
		return seterr(r, RESULTS_ENOMEM, "results database %s: out of "
		    "memory", r->path);
	rc = query_int(r, sql, &src_has_cs, NULL);
	sqlite3_free(sql);
	if (rc != RESULTS_OK)
		return sqlerr(r, "cannot read the source's schema");
	for (i = 0; i < NRUN_TABLES; i++) {
		if (!src_has_cs && strcmp(RUN_TABLES[i], "connection_stats") ==
		    0)
			continue;
		if ((rc = build_copy_sql(r, src, RUN_TABLES[i], &sql)) !=
		    RESULTS_OK)
			return rc;
		rc = sqlite3_prepare_v3(r->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &m[MS_COPY + i], NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK)
			return sqlerr(r, "cannot prepare merge");
	}
	sql = sqlite3_mprintf("SELECT run_id, identity, status FROM \"%w\".runs"
	    " %s ORDER BY run_id", src, only != NULL ? "WHERE run_id = ?1" : "");
	if (sql == NULL || sqlite3_prepare_v3(r->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &m[MS_IDS], NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(r->db, "SELECT run_id, status FROM main.runs "
	    "WHERE identity = ?1", -1, SQLITE_PREPARE_PERSISTENT, &m[MS_FIND],
	    NULL) != SQLITE_OK || sqlite3_prepare_v3(r->db, "SELECT 1 FROM "
	    "main.runs WHERE run_id = ?1", -1, SQLITE_PREPARE_PERSISTENT,
	    &m[MS_TAKEN], NULL) != SQLITE_OK) {
		sqlite3_free(sql);
		return sqlerr(r, "cannot read source runs");
	}
	sqlite3_free(sql);
	return RESULTS_OK;
}

/* Deletes the rows of run `target` from main's run tables (a replace). */
static int
merge_delete(struct results *r, sqlite3_stmt **m, int64_t target)
{
	sqlite3_stmt **del = &m[MS_DEL];
	size_t i;
	int rc;

	for (i = 0; i < NRUN_TABLES; i++) {
		rc = table_stmt(r, &del[i], "DELETE FROM main.\"%w\" WHERE "
		    "run_id = ?1", RUN_TABLES[i]);
		if (rc == SQLITE_NOMEM)
			return seterr(r, RESULTS_ENOMEM, "results database %s: "
			    "out of memory", r->path);
		if (rc != SQLITE_OK)
			return sqlerr(r, "cannot prepare merge");
		sqlite3_bind_int64(del[i], 1, target);
		if ((rc = step_once(r, del[i], "cannot replace a run")) !=
		    RESULTS_OK)
			return rc;
	}
	return RESULTS_OK;
}

static int
merge_schema(struct results *r, const char *src, int flags,
    const int64_t *only, size_t nonly, const struct merge_plan *plan,
    struct conn_buf *tail, struct results_merge_stats *ms)
{
	sqlite3_stmt *local[MS_COUNT], **m, **copy, *ids, *find, *taken;
	const char *status, *old_status;
	int64_t next, old, target;
	size_t i, k;
	int rc, kept;

	memset(ms, 0, sizeof(*ms));
	/*
	 * The statements of the merge from the staging database, the same
	 * at every run's end, are kept with the writer's (r->st[]): preparing
	 * them was 2.3M instructions a run, a quarter of all the cost of a
	 * 1 s run of the bench-peers scenario in a sweep.  Those of other
	 * sources are made anew.
	 */
	kept = strcmp(src, "stage") == 0 && only == NULL;
	if (kept)
		m = &r->st[ST_MERGE_STAGE];
	else {
		memset(local, 0, sizeof(local));
		m = local;
	}
	copy = &m[MS_COPY];
	if ((rc = before_run_write(r)) != RESULTS_OK)
		return rc;
	if ((rc = exec(r, "BEGIN IMMEDIATE", "cannot begin writing")) !=
	    RESULTS_OK) {
		if (sqlite3_errcode(r->db) == SQLITE_BUSY)
			rc = seterr(r, RESULTS_EBUSY, "results database %s: "
			    "locked by another process for more than %d s",
			    r->path, RESULTS_BUSY_LIMIT_MS / 1000);
		return rc;
	}
	if ((rc = query_int(r, "SELECT coalesce(max(run_id), 0) FROM main.runs",
	    &next, NULL)) != RESULTS_OK) {
		rc = sqlerr(r, "cannot read run ids");
		goto out;
	}
	if (m[MS_IDS] == NULL && (rc = merge_prepare(r, src, only, m)) !=
	    RESULTS_OK)
		goto out;
	ids = m[MS_IDS];
	find = m[MS_FIND];
	taken = m[MS_TAKEN];
	for (k = 0;; k++) {
		if (only != NULL) {
			if (k == nonly) {
				rc = SQLITE_DONE;
				break;
			}
			sqlite3_reset(ids);
			sqlite3_bind_int64(ids, 1, only[k]);
		}
		if ((rc = sqlite3_step(ids)) != SQLITE_ROW) {
			if (rc == SQLITE_DONE && only != NULL) {
				rc = seterr(r, RESULTS_EINVAL, "results "
				    "database %s: merge: the source has no run "
				    "%lld", r->path, (long long)only[k]);
				goto out;
			}
			break;
		}
		old = sqlite3_column_int64(ids, 0);
		status = (const char *)sqlite3_column_text(ids, 2);
		if (sqlite3_column_type(ids, 1) != SQLITE_TEXT || status ==
		    NULL) {
			rc = seterr(r, RESULTS_EFOREIGN, "results database %s: "
			    "merge source run %lld has no identity", r->path,
			    (long long)old);
			goto out;
		}
		sqlite3_reset(find);
		sqlite3_bind_value(find, 1, sqlite3_column_value(ids, 1));
		if ((rc = sqlite3_step(find)) == SQLITE_ROW) {
			target = sqlite3_column_int64(find, 0);
			old_status = (const char *)sqlite3_column_text(find, 1);
			if (!replaces(old_status != NULL ? old_status : "",
			    status, flags)) {
				ms->skipped++;
				/* For results_run_end(): the run kept. */
				if (ms->added + ms->replaced == 0)
					ms->last_run_id = target;
				continue;
			}
			if ((rc = merge_delete(r, m, target)) != RESULTS_OK)
				goto out;
			ms->replaced++;
		} else if (rc == SQLITE_DONE) {
			target = planned_id(plan,
			    (const char *)sqlite3_column_text(ids, 1));
			if (target > 0) {
				sqlite3_reset(taken);
				sqlite3_bind_int64(taken, 1, target);
				if ((rc = sqlite3_step(taken)) == SQLITE_ROW)
					target = 0;
				else if (rc != SQLITE_DONE) {
					rc = sqlerr(r, "cannot look up a run");
					goto out;
				}
			}
			if (target <= 0)
				target = next + 1;
			if (target > next)
				next = target;
			ms->added++;
		} else {
			rc = sqlerr(r, "cannot look up a run");
			goto out;
		}
		for (i = 0; i < NRUN_TABLES; i++) {
			if (copy[i] == NULL) {
				if ((rc = conn_stats(r, "main", target)) !=
				    RESULTS_OK)
					goto out;
				continue;
			}
			sqlite3_bind_int64(copy[i], 1, target);
			sqlite3_bind_int64(copy[i], 2, old);
			if ((rc = step_once(r, copy[i], "cannot copy rows")) !=
			    RESULTS_OK)
				goto out;
			/* The staged run's last rows, after its staged ones. */
			if (tail != NULL && strcmp(RUN_TABLES[i],
			    "connections") == 0 && (rc = conn_buf_write(r, tail,
			    1, target)) != RESULTS_OK)
				goto out;
		}
		/* Planned ids need not rise within one source. */
		if (ms->added + ms->replaced == 1 || target < ms->first_run_id)
			ms->first_run_id = target;
		if (ms->added + ms->replaced == 1 || target > ms->last_run_id)
			ms->last_run_id = target;
	}
	if (rc != SQLITE_DONE) {
		rc = sqlerr(r, "cannot read source runs");
		goto out;
	}
	rc = exec(r, "COMMIT", "cannot commit");
out:
	for (i = 0; i < MS_COUNT; i++) {
		if (kept) {
			if (m[i] != NULL)
				sqlite3_reset(m[i]);
		} else
			sqlite3_finalize(m[i]);
	}
	if (!sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc != RESULTS_OK)
		memset(ms, 0, sizeof(*ms));
	return rc;
}

/* ---- merging several databases ------------------------------------------ */

/* A run of a merge source, as planned. */
struct src_run {
	int64_t		 run_id;	/* in its source */
	int64_t		 run_index;
	char		*identity;
	size_t		 src;		/* which source */
	size_t		 seq;		/* place in the merged order */
};

struct results_sources {
	size_t		  n;
	char		**paths;
	size_t		 *first;	/* runs[first[i] .. first[i+1]): source
					   i's runs, in its run_id order */
	size_t		  nruns, cap;
	struct src_run	 *runs;
};

void
results_sources_free(struct results_sources *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->paths[i]);
	for (i = 0; i < s->nruns; i++)
		free(s->runs[i].identity);
	free(s->paths);
	free(s->first);
	free(s->runs);
	free(s);
}

int
results_each_run(struct results *r, results_run_fn fn, void *ctx)
{
	struct results_run_info ri;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->db, "SELECT run_id, run_index, identity, "
	    "status, scenario FROM main.runs ORDER BY run_id", -1, &st,
	    NULL) != SQLITE_OK)
		return sqlerr(r, "cannot read runs");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ri.run_id = sqlite3_column_int64(st, 0);
		ri.run_index = sqlite3_column_int64(st, 1);
		ri.identity = (const char *)sqlite3_column_text(st, 2);
		ri.status = (const char *)sqlite3_column_text(st, 3);
		ri.scenario = (const char *)sqlite3_column_text(st, 4);
		if (ri.identity == NULL || ri.status == NULL ||
		    ri.scenario == NULL) {
			sqlite3_finalize(st);
			return seterr(r, RESULTS_EFOREIGN, "results database "
			    "%s: run %lld has no identity", r->path,
			    (long long)ri.run_id);
		}
		if ((rc = fn(ctx, &ri)) != 0) {
			sqlite3_finalize(st);
			return rc;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sqlerr(r, "cannot read runs");
	return RESULTS_OK;
}

struct read_ctx {
	struct results_sources	*s;
	size_t			 src;
};

static int
read_run(void *arg, const struct results_run_info *ri)
{
	struct read_ctx *c = arg;
	struct results_sources *s = c->s;
	struct src_run *nr;
	size_t cap;

	if (s->nruns == s->cap) {
		cap = s->cap ? 2 * s->cap : 64;
		if ((nr = realloc(s->runs, cap * sizeof(*nr))) == NULL)
			return RESULTS_ENOMEM;
		s->runs = nr;
		s->cap = cap;
	}
	nr = &s->runs[s->nruns];
	if ((nr->identity = strdup(ri->identity)) == NULL)
		return RESULTS_ENOMEM;
	nr->run_id = ri->run_id;
	nr->run_index = ri->run_index;
	nr->src = c->src;
	nr->seq = 0;
	s->nruns++;
	return 0;
}

int
results_sources_read(const char *const *paths, size_t n,
    struct results_sources **out, char *err, size_t errlen)
{
	struct results_sources *s;
	struct results *src;
	struct read_ctx c;
	size_t i;
	int rc;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->paths = calloc(n + 1, sizeof(*s->paths))) == NULL ||
	    (s->first = calloc(n + 1, sizeof(*s->first))) == NULL) {
		results_sources_free(s);
		copyerr(err, errlen, "merge: out of memory");
		return RESULTS_ENOMEM;
	}
	c.s = s;
	for (i = 0; i < n; i++) {
		if ((s->paths[i] = strdup(paths[i])) == NULL) {
			results_sources_free(s);
			copyerr(err, errlen, "merge: out of memory");
			return RESULTS_ENOMEM;
		}
		s->n = i + 1;
		/* The rules and messages of opening: foreign, other version
		 * and damaged files are refused and left as they are. */
		if ((rc = results_open(paths[i], RESULTS_READONLY, &src, err,
		    errlen)) != RESULTS_OK) {
			results_sources_free(s);
			return rc;
		}
		s->first[i] = s->nruns;
		c.src = i;
		rc = results_each_run(src, read_run, &c);
		if (rc == RESULTS_ENOMEM)
			copyerr(err, errlen, "merge: out of memory");
		else if (rc != RESULTS_OK)
			copyerr(err, errlen, results_errmsg(src));
		results_close(src);
		if (rc != RESULTS_OK) {
			results_sources_free(s);
			return rc;
		}
	}
	s->first[n] = s->nruns;
	*out = s;
	return RESULTS_OK;
}

size_t
results_sources_nruns(const struct results_sources *s)
{
	return s->nruns;
}

/*
 * The merged order: the sources' run lists merged by run_index, each
 * source's own order kept (a k-way merge; ties go to the earlier source).
 * Slices of one sweep are each in run-index order, so their runs come out
 * in the order one `twsim run` of the whole sweep writes them, however the
 * slices were cut and in whatever order the files are named.  A heap of
 * the sources' next runs keeps 1,000 sources cheap.
 */
struct head {
	size_t	next, end, src;
};

static int
head_less(const struct results_sources *s, const struct head *a,
    const struct head *b)
{
	int64_t x = s->runs[a->next].run_index, y = s->runs[b->next].run_index;

	return x != y ? x < y : a->src < b->src;
}

static void
head_sift_down(const struct results_sources *s, struct head *h, size_t n,
    size_t i)
{
	struct head t;
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && head_less(s, &h[c + 1], &h[c]))
			c++;
		if (!head_less(s, &h[c], &h[i]))
			return;
		t = h[i];
		h[i] = h[c];
		h[c] = t;
		i = c;
	}
}

static int
order_runs(struct results_sources *s)
{
	struct head *h;
	size_t i, nh = 0, seq = 0;

	if ((h = calloc(s->n + 1, sizeof(*h))) == NULL)
		return RESULTS_ENOMEM;
	for (i = 0; i < s->n; i++)
		if (s->first[i] < s->first[i + 1]) {
			h[nh].next = s->first[i];
			h[nh].end = s->first[i + 1];
			h[nh].src = i;
			nh++;
		}
	for (i = nh; i-- > 0;)
		head_sift_down(s, h, nh, i);
	while (nh > 0) {
		s->runs[h[0].next].seq = seq++;
		if (++h[0].next == h[0].end)
			h[0] = h[--nh];
		head_sift_down(s, h, nh, 0);
	}
	free(h);
	return RESULTS_OK;
}

static int
by_identity_seq(const void *a, const void *b)
{
	const struct src_run *x = *(struct src_run *const *)a;
	const struct src_run *y = *(struct src_run *const *)b;
	int c = strcmp(x->identity, y->identity);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
by_seq(const void *a, const void *b)
{
	const struct src_run *x = *(struct src_run *const *)a;
	const struct src_run *y = *(struct src_run *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Plans the ids of the runs the merge adds: every identity dst does not
 * hold, at its first place in the merged order, gets base + 1, base + 2,
 * ... in that order; *srcorder gets the sources in the order of their
 * first run (each is copied in one transaction, and copying them in that
 * order also lays the rows out as a direct run would).
 */
static int
plan_merge(struct results *dst, struct results_sources *s,
    struct merge_plan *plan, size_t **srcorder)
{
	struct src_run **byid = NULL, **reps = NULL;
	size_t i, j, nreps = 0, nsrc = 0;
	unsigned char *seen = NULL;
	int64_t present;
	int rc;

	memset(plan, 0, sizeof(*plan));
	*srcorder = NULL;
	if ((rc = order_runs(s)) != RESULTS_OK)
		goto nomem;
	if ((rc = query_int(dst, "SELECT coalesce(max(run_id), 0) FROM "
	    "main.runs", &plan->base, NULL)) != RESULTS_OK)
		return sqlerr(dst, "cannot read run ids");
	if ((byid = calloc(s->nruns + 1, sizeof(*byid))) == NULL ||
	    (reps = calloc(s->nruns + 1, sizeof(*reps))) == NULL ||
	    (plan->ids = calloc(s->nruns + 1, sizeof(*plan->ids))) == NULL ||
	    (*srcorder = calloc(s->n + 1, sizeof(**srcorder))) == NULL ||
	    (seen = calloc(s->n + 1, 1)) == NULL)
		goto nomem;
	for (i = 0; i < s->nruns; i++)
		byid[i] = &s->runs[i];
	qsort(byid, s->nruns, sizeof(*byid), by_identity_seq);
	for (i = 0; i < s->nruns; i++) {
		if (i > 0 && strcmp(byid[i]->identity,
		    byid[i - 1]->identity) == 0)
			continue;	/* a later copy: the identity rule */
		if ((rc = results_find(dst, byid[i]->identity, &present, NULL,
		    0)) != RESULTS_OK)
			goto out;
		if (present == 0)
			reps[nreps++] = byid[i];
	}
	qsort(reps, nreps, sizeof(*reps), by_seq);
	for (i = 0; i < nreps; i++) {
		plan->ids[i].identity = reps[i]->identity;
		plan->ids[i].rank = (int64_t)i + 1;
	}
	plan->n = nreps;
	qsort(plan->ids, plan->n, sizeof(*plan->ids), plan_id_cmp);

	/* The sources in the order of their first run; then the empty ones
	 * (nothing to copy, but checked all the same). */
	qsort(byid, s->nruns, sizeof(*byid), by_seq);
	for (i = 0; i < s->nruns; i++)
		if (!seen[byid[i]->src]) {
			seen[byid[i]->src] = 1;
			(*srcorder)[nsrc++] = byid[i]->src;
		}
	for (j = 0; j < s->n; j++)
		if (!seen[j])
			(*srcorder)[nsrc++] = j;
	rc = RESULTS_OK;
	goto out;
nomem:
	rc = seterr(dst, RESULTS_ENOMEM, "results database %s: merge: out of "
	    "memory", dst->path);
out:
	free(byid);
	free(reps);
	free(seen);
	if (rc != RESULTS_OK) {
		free(plan->ids);
		plan->ids = NULL;
		free(*srcorder);
		*srcorder = NULL;
	}
	return rc;
}

/* Copies the runs of one source file (all, or only[0..nonly) in that
 * order) in one transaction. */
static int
merge_file(struct results *dst, const char *path, int flags,
    const int64_t *only, size_t nonly, const struct merge_plan *plan,
    struct results_merge_stats *ms)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(dst->db, "ATTACH DATABASE ?1 AS merge_src", -1,
	    &st, NULL) != SQLITE_OK)
		return sqlerr(dst, "cannot attach merge source");
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return seterr(dst, RESULTS_ESQL, "results database %s: cannot "
		    "attach %s: %s", dst->path, path, sqlite3_errmsg(dst->db));
	rc = merge_schema(dst, "merge_src", flags, only, nonly, plan, NULL,
	    ms);
	sqlite3_exec(dst->db, "DETACH DATABASE merge_src", NULL, NULL, NULL);
	return rc;
}

/*
 * The merge of sources already read: every run of every source in the
 * planned order (only == NULL), or the runs only[0..nonly) of the one
 * source s holds, in that order and unplanned.
 */
static int
merge_sources(struct results *dst, struct results_sources *s, int flags,
    const int64_t *only, size_t nonly, struct results_merge_stats *ms,
    char *err, size_t errlen)
{
	struct results_merge_stats dummy, one;
	struct merge_plan plan;
	struct stat sa, sb;
	size_t i, *srcorder = NULL;
	int rc = RESULTS_OK;

	if (ms == NULL)
		ms = &dummy;
	memset(ms, 0, sizeof(*ms));
	memset(&plan, 0, sizeof(plan));
	if (dst->mode == RESULTS_READONLY)
		rc = seterr(dst, RESULTS_EINVAL,
		    "results database %s: merge: opened read-only", dst->path);
	else if (dst->cur_run != 0)
		rc = seterr(dst, RESULTS_EINVAL,
		    "results database %s: merge: run %lld is still open",
		    dst->path, (long long)dst->cur_run);
	else if (only != NULL && s->n != 1)
		rc = seterr(dst, RESULTS_EINVAL,
		    "results database %s: merge: chosen runs of %zu sources",
		    dst->path, s->n);
	for (i = 0; rc == RESULTS_OK && i < s->n; i++)
		if (stat(dst->path, &sa) == 0 && stat(s->paths[i], &sb) == 0 &&
		    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
			rc = seterr(dst, RESULTS_EINVAL, "results database %s: "
			    "cannot merge a database into itself", dst->path);
	if (rc == RESULTS_OK && only != NULL)
		rc = merge_file(dst, s->paths[0], flags, only, nonly, NULL, ms);
	else if (rc == RESULTS_OK)
		rc = plan_merge(dst, s, &plan, &srcorder);
	/* One transaction per source: the cost of copying its rows. */
	for (i = 0; only == NULL && rc == RESULTS_OK && i < s->n; i++) {
		size_t k = srcorder[i];

		if (s->first[k] == s->first[k + 1])
			continue;
		if ((rc = merge_file(dst, s->paths[k], flags, NULL, 0, &plan,
		    &one)) != RESULTS_OK)
			break;
		ms->added += one.added;
		ms->replaced += one.replaced;
		ms->skipped += one.skipped;
		if (one.added + one.replaced > 0) {
			if (ms->first_run_id == 0 ||
			    one.first_run_id < ms->first_run_id)
				ms->first_run_id = one.first_run_id;
			if (one.last_run_id > ms->last_run_id)
				ms->last_run_id = one.last_run_id;
		} else if (ms->added + ms->replaced == 0)
			ms->last_run_id = one.last_run_id;	/* run kept */
	}
	free(plan.ids);
	free(srcorder);
	if (rc != RESULTS_OK) {
		memset(ms, 0, sizeof(*ms));
		copyerr(err, errlen, dst->errmsg);
	}
	return rc;
}

int
results_merge_sources(struct results *dst, struct results_sources *s,
    int flags, struct results_merge_stats *ms, char *err, size_t errlen)
{
	return merge_sources(dst, s, flags, NULL, 0, ms, err, errlen);
}

int
results_merge(struct results *dst, const char *src_path, int flags,
    struct results_merge_stats *ms, char *err, size_t errlen)
{
	return results_merge_runs(dst, src_path, NULL, 0, flags, ms, err,
	    errlen);
}

int
results_merge_runs(struct results *dst, const char *src_path,
    const int64_t *only, size_t nonly, int flags,
    struct results_merge_stats *ms, char *err, size_t errlen)
{
	struct results_sources *s;
	int rc;

	if (ms != NULL)
		memset(ms, 0, sizeof(*ms));
	if ((rc = results_sources_read(&src_path, 1, &s, dst->errmsg,
	    sizeof(dst->errmsg))) != RESULTS_OK) {
		copyerr(err, errlen, dst->errmsg);
		return rc;
	}
	rc = merge_sources(dst, s, flags, only, nonly, ms, err, errlen);
	results_sources_free(s);
	return rc;
}
