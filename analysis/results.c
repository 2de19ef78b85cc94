/*
 * results.c -- the results database: its schema, opener, writer and merger.
 *
 * This file is the one place the schema is written down (SCHEMA below) and
 * the only code that writes SQL for a run.  The runner hands it plain rows
 * (struct results_sample, results_conn, results_host) and never sees SQL.
 *
 * Why it is built this way:
 *  - One transaction per run.  results_run_begin() BEGINs and inserts the
 *    runs row, results_run_end() COMMITs.  A process killed mid-run leaves
 *    nothing of that run and every earlier run intact; there is no
 *    half-written run for readers to trip over.
 *  - Speed.  A run may record ~1e6 connection rows and a sample per host
 *    per second.  Every insert is a statement prepared once per handle and
 *    bound by index; the journal is WAL with synchronous=NORMAL (a commit
 *    costs no fsync of the database file) and the page cache is enlarged.
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

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/results.h"

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
    "  error         TEXT\n"
    ");\n"
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
    "  hazards                   INTEGER NOT NULL\n"
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
    "  syn_sent       INTEGER NOT NULL\n"
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
    "  PRIMARY KEY (run_id, host)\n"
    ");\n"
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
    "         h.connect_p50_s, h.connect_p99_s, h.connect_max_s\n"
    "  FROM runs AS r LEFT JOIN host_stats AS h ON h.run_id = r.run_id\n"
    "  ORDER BY r.run_id, h.host;\n";

/* How long a writer waits for another to release the file. */
#define BUSY_TIMEOUT_MS	5000

/* Tables holding a run's rows, in the order merge copies them. */
static const char *const RUN_TABLES[] = {
	"runs", "params", "samples", "connections", "host_stats", NULL
};

/* The prepared writer statements, one per kind of row. */
enum {
	ST_RUN_INSERT,
	ST_RUN_END,
	ST_RUN_ERROR,
	ST_PARAM,
	ST_SAMPLE,
	ST_CONN,
	ST_HOST,
	ST_COUNT
};

static const char *const STMT_SQL[ST_COUNT] = {
	[ST_RUN_INSERT] =
	    "INSERT INTO runs (scenario, sweep, repetition, seed, status,"
	    " version) VALUES (?1, ?2, ?3, ?4, 'interrupted', ?5)",
	[ST_RUN_END] =
	    "UPDATE runs SET status = ?2, sim_seconds = ?3, wall_seconds = ?4,"
	    " events = ?5 WHERE run_id = ?1",
	[ST_RUN_ERROR] =
	    "UPDATE runs SET error = ?2 WHERE run_id = ?1",
	[ST_PARAM] =
	    "INSERT INTO params (run_id, key, value) VALUES (?1, ?2, ?3)",
	[ST_SAMPLE] =
	    "INSERT INTO samples (run_id, t, host, tw_count, tw_cap,"
	    " ports_in_use, established, conn_attempted, conn_established,"
	    " conn_failed_addrnotavail, tw_entered, tw_expired, tw_recycled,"
	    " conn_failed_timeout, conn_failed_reset, tw_reopened,"
	    " syn_dropped_tw, hazards) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	[ST_CONN] =
	    "INSERT INTO connections (run_id, conn_id, workload, client, lport,"
	    " server, t_start, t_established, t_end, outcome, syn_sent)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_HOST] =
	    "INSERT INTO host_stats (run_id, host, conn_attempted,"
	    " conn_established, conn_failed_addrnotavail, conn_failed_timeout,"
	    " conn_failed_reset, tw_entered, tw_expired, tw_recycled,"
	    " tw_reopened, tw_skipped_local, tw_skipped_nomem, tw_peak, tw_cap,"
	    " syn_dropped_tw, rst_ignored_tw, acks_sent_tw, hazards,"
	    " first_addrnotavail_s, connect_p50_s, connect_p99_s,"
	    " connect_max_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	    " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
};

struct results {
	sqlite3		*db;
	char		*path;
	int		 mode;
	int64_t		 cur_run;	/* run whose transaction is open, or 0 */
	sqlite3_stmt	*st[ST_COUNT];
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

/* An SQLite failure: the message names the file and SQLite's reason. */
static int
sqlerr(struct results *r, const char *what)
{
	return seterr(r, RESULTS_ESQL, "results database %s: %s: %s", r->path,
	    what, sqlite3_errmsg(r->db));
}

static void
copyerr(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
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
	if (rc == SQLITE_CANTOPEN || rc == SQLITE_PERM || rc == SQLITE_IOERR)
		return seterr(r, RESULTS_EACCES,
		    "results database %s: cannot read: %s", r->path,
		    sqlite3_errmsg(r->db));
	if (rc != SQLITE_OK)
		return sqlerr(r, "cannot read the header");
	return judge(r, (uint32_t)appid, version, nobj == 0, is_new);
}

static int
create_schema(struct results *r)
{
	char sql[128];
	int rc;

	int64_t nobj;
	int is_new;

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
	return RESULTS_OK;
fail:
	sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int
prepare_writer(struct results *r)
{
	int i;

	for (i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(r->db, STMT_SQL[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &r->st[i], NULL) != SQLITE_OK)
			return sqlerr(r, "cannot prepare writer");
	return RESULTS_OK;
}

/*
 * Switching a file into WAL needs it to itself for a moment, and SQLite
 * does not wait on the busy handler for that: retry for as long as the
 * busy timeout would, so a writer that opens while another is running or
 * closing (two `twsim run` on one file) waits instead of failing.
 */
static int
set_wal(struct results *r)
{
	int ms, rc;

	for (ms = 0;; ms += 10) {
		rc = sqlite3_exec(r->db, "PRAGMA journal_mode = WAL", NULL,
		    NULL, NULL);
		if (rc == SQLITE_OK)
			return RESULTS_OK;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) ||
		    ms >= BUSY_TIMEOUT_MS)
			return sqlerr(r, "cannot set the journal mode");
		sqlite3_sleep(10);
	}
}

static int
open_handle(struct results *r)
{
	struct stat sb;
	int flags, is_new, rc;

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

	flags = r->mode == RESULTS_READONLY ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(r->path, &r->db, flags, NULL) != SQLITE_OK) {
		if (r->db == NULL)
			return seterr(r, RESULTS_ENOMEM,
			    "results database %s: out of memory", r->path);
		return seterr(r, RESULTS_EACCES,
		    "results database %s: cannot open: %s", r->path,
		    sqlite3_errmsg(r->db));
	}
	sqlite3_extended_result_codes(r->db, 0);
	sqlite3_busy_timeout(r->db, BUSY_TIMEOUT_MS);
	/* SQLite silently falls back to read-only on an unwritable file. */
	if (r->mode == RESULTS_RW_CREATE &&
	    sqlite3_db_readonly(r->db, "main") == 1)
		return seterr(r, RESULTS_EACCES,
		    "results database %s: file is not writable", r->path);

	if ((rc = classify(r, &is_new)) != RESULTS_OK)
		return rc;
	if (r->mode == RESULTS_READONLY)
		return RESULTS_OK;

	/*
	 * Ours or empty: only now may anything be written.  WAL lets readers
	 * (twsim report on a running sweep) see every committed run while the
	 * writer goes on; synchronous=NORMAL drops the fsync per commit, which
	 * in WAL mode can lose the last commits on power loss but never
	 * corrupts the file.
	 */
	if ((rc = set_wal(r)) != RESULTS_OK)
		return rc;
	if ((rc = exec(r, "PRAGMA synchronous = NORMAL; "
	    "PRAGMA cache_size = -32768", "cannot set pragmas")) != RESULTS_OK)
		return rc;
	if (is_new && (rc = create_schema(r)) != RESULTS_OK)
		return rc;
	return prepare_writer(r);
}

int
results_open(const char *path, int mode, struct results **out, char *err,
    size_t errlen)
{
	struct results *r;
	int rc;

	*out = NULL;
	if (path == NULL || *path == '\0' ||
	    (mode != RESULTS_RW_CREATE && mode != RESULTS_READONLY)) {
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
	if ((rc = open_handle(r)) != RESULTS_OK) {
		copyerr(err, errlen, r->errmsg);
		results_close(r);
		return rc;
	}
	*out = r;
	return RESULTS_OK;
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
	if (r->mode == RESULTS_RW_CREATE && r->db != NULL &&
	    r->st[0] != NULL) {
		sqlite3_busy_timeout(r->db, 0);	/* never wait for a reader */
		sqlite3_exec(r->db, "PRAGMA journal_mode = DELETE", NULL, NULL,
		    NULL);
	}
	sqlite3_close(r->db);
	free(r->path);
	free(r);
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

/* Steps a fully bound insert/update once and resets it for reuse. */
static int
step_once(struct results *r, sqlite3_stmt *st, const char *what)
{
	int rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return sqlerr(r, what);
	return RESULTS_OK;
}

/* A write must belong to the run whose transaction is open. */
static int
check_run(struct results *r, int64_t run_id, const char *what)
{
	if (r->mode != RESULTS_RW_CREATE)
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
	sqlite3_stmt *st = r->st[ST_RUN_INSERT];
	int rc;

	*run_id = 0;
	if (r->mode != RESULTS_RW_CREATE)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: opened read-only", r->path);
	if (r->cur_run != 0)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: run %lld is still open", r->path,
		    (long long)r->cur_run);
	if (run->scenario == NULL || run->version == NULL)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: run without scenario or version",
		    r->path);
	/* IMMEDIATE: take the write lock now, not at the first insert. */
	if ((rc = exec(r, "BEGIN IMMEDIATE", "cannot begin run")) != RESULTS_OK)
		return rc;
	bind_text(st, 1, run->scenario);
	bind_text(st, 2, run->sweep != NULL ? run->sweep : "");
	sqlite3_bind_int(st, 3, run->repetition);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)run->seed);
	bind_text(st, 5, run->version);
	if ((rc = step_once(r, st, "cannot insert run")) != RESULTS_OK) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	r->cur_run = sqlite3_last_insert_rowid(r->db);
	*run_id = r->cur_run;
	return RESULTS_OK;
}

int
results_param(struct results *r, int64_t run_id, const char *key,
    const char *value)
{
	sqlite3_stmt *st = r->st[ST_PARAM];
	int rc;

	if ((rc = check_run(r, run_id, "param")) != RESULTS_OK)
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, key);
	bind_text(st, 3, value);
	return step_once(r, st, "cannot insert param");
}

int
results_sample(struct results *r, int64_t run_id,
    const struct results_sample *s)
{
	sqlite3_stmt *st = r->st[ST_SAMPLE];
	int rc;

	if ((rc = check_run(r, run_id, "sample")) != RESULTS_OK)
		return rc;
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
	return step_once(r, st, "cannot insert sample");
}

int
results_connection(struct results *r, int64_t run_id,
    const struct results_conn *c)
{
	sqlite3_stmt *st = r->st[ST_CONN];
	int rc;

	if ((rc = check_run(r, run_id, "connection")) != RESULTS_OK)
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int64(st, 2, c->conn_id);
	bind_text(st, 3, c->workload);
	bind_text(st, 4, c->client);
	sqlite3_bind_int(st, 5, c->lport);
	bind_text(st, 6, c->server);
	sqlite3_bind_double(st, 7, c->t_start);
	bind_real_or_null(st, 8, c->t_established);
	bind_real_or_null(st, 9, c->t_end);
	bind_text(st, 10, c->outcome);
	sqlite3_bind_int(st, 11, c->syn_sent);
	return step_once(r, st, "cannot insert connection");
}

int
results_host_stats(struct results *r, int64_t run_id,
    const struct results_host *h)
{
	sqlite3_stmt *st = r->st[ST_HOST];
	int rc;

	if ((rc = check_run(r, run_id, "host stats")) != RESULTS_OK)
		return rc;
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
	return step_once(r, st, "cannot insert host stats");
}

int
results_run_error(struct results *r, int64_t run_id, const char *message)
{
	sqlite3_stmt *st = r->st[ST_RUN_ERROR];
	int rc;

	if ((rc = check_run(r, run_id, "run error")) != RESULTS_OK)
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, message);
	return step_once(r, st, "cannot record run error");
}

int
results_run_end(struct results *r, int64_t run_id, const char *status,
    double sim_seconds, double wall_seconds, uint64_t events)
{
	sqlite3_stmt *st = r->st[ST_RUN_END];
	int rc;

	if ((rc = check_run(r, run_id, "run end")) != RESULTS_OK) {
		if (rc == RESULTS_ESQL)
			r->cur_run = 0;	/* already rolled back */
		return rc;
	}
	if (status == NULL || (strcmp(status, RESULTS_STATUS_COMPLETE) != 0 &&
	    strcmp(status, RESULTS_STATUS_FAILED) != 0 &&
	    strcmp(status, RESULTS_STATUS_INTERRUPTED) != 0))
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: bad run status '%s'", r->path,
		    status != NULL ? status : "(null)");
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, status);
	bind_real_or_null(st, 3, sim_seconds);
	bind_real_or_null(st, 4, wall_seconds);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)events);
	if ((rc = step_once(r, st, "cannot end run")) != RESULTS_OK)
		return rc;
	if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = sqlerr(r, "cannot commit run");
		/* A failed COMMIT may leave the transaction open. */
		if (!sqlite3_get_autocommit(r->db))
			sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		r->cur_run = 0;
		return rc;
	}
	r->cur_run = 0;
	return RESULTS_OK;
}

int
results_run_abort(struct results *r, int64_t run_id)
{
	if (r->mode != RESULTS_RW_CREATE || r->cur_run == 0 ||
	    r->cur_run != run_id)
		return seterr(r, RESULTS_EINVAL,
		    "results database %s: run abort: run %lld is not open",
		    r->path, (long long)run_id);
	r->cur_run = 0;
	if (!sqlite3_get_autocommit(r->db) &&
	    sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		return sqlerr(r, "cannot roll back run");
	return RESULTS_OK;
}

/* ---- merge ------------------------------------------------------------- */

/*
 * Builds "INSERT INTO main.T (run_id, c2, ...) SELECT ?1, c2, ... FROM
 * merge_src.T WHERE run_id = ?2 ORDER BY rowid" from the table's own
 * column list, so merge follows every column added to SCHEMA by itself.
 * Copying in rowid order keeps rows in the order they were written.
 */
static int
build_copy_sql(struct results *r, const char *table, char **out)
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
	    " FROM merge_src.\"%w\" WHERE run_id = ?2 ORDER BY rowid", table);
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

/* Copies every run of the attached merge_src into main, in one transaction. */
static int
merge_attached(struct results *r, int64_t *first, int64_t *count)
{
	sqlite3_stmt *copy[sizeof(RUN_TABLES) / sizeof(RUN_TABLES[0])];
	sqlite3_stmt *ids = NULL;
	char *sql;
	int64_t base, next, old;
	int i, n, rc;

	memset(copy, 0, sizeof(copy));
	if ((rc = exec(r, "BEGIN IMMEDIATE", "cannot begin merge")) !=
	    RESULTS_OK)
		return rc;
	if ((rc = query_int(r, "SELECT coalesce(max(run_id), 0) FROM main.runs",
	    &base, NULL)) != RESULTS_OK) {
		rc = sqlerr(r, "cannot read run ids");
		goto out;
	}
	for (n = 0; RUN_TABLES[n] != NULL; n++) {
		if ((rc = build_copy_sql(r, RUN_TABLES[n], &sql)) != RESULTS_OK)
			goto out;
		i = sqlite3_prepare_v2(r->db, sql, -1, &copy[n], NULL);
		sqlite3_free(sql);
		if (i != SQLITE_OK) {
			rc = sqlerr(r, "cannot prepare merge");
			goto out;
		}
	}
	if (sqlite3_prepare_v2(r->db,
	    "SELECT run_id FROM merge_src.runs ORDER BY run_id", -1, &ids,
	    NULL) != SQLITE_OK) {
		rc = sqlerr(r, "cannot read source runs");
		goto out;
	}
	next = base;
	while ((rc = sqlite3_step(ids)) == SQLITE_ROW) {
		old = sqlite3_column_int64(ids, 0);
		next++;
		for (i = 0; i < n; i++) {
			sqlite3_bind_int64(copy[i], 1, next);
			sqlite3_bind_int64(copy[i], 2, old);
			if ((rc = step_once(r, copy[i], "cannot copy rows")) !=
			    RESULTS_OK)
				goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = sqlerr(r, "cannot read source runs");
		goto out;
	}
	rc = exec(r, "COMMIT", "cannot commit merge");
	if (rc == RESULTS_OK) {
		*first = base + 1;
		*count = next - base;
	}
out:
	sqlite3_finalize(ids);
	for (i = 0; i < (int)(sizeof(copy) / sizeof(copy[0])); i++)
		sqlite3_finalize(copy[i]);
	if (!sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
results_merge(struct results *dst, const char *src_path,
    int64_t *first_run_id, int64_t *nruns, char *err, size_t errlen)
{
	struct results *src;
	struct stat sa, sb;
	sqlite3_stmt *st;
	int64_t first = 0, count = 0;
	int rc;

	if (first_run_id != NULL)
		*first_run_id = 0;
	if (nruns != NULL)
		*nruns = 0;
	if (dst->mode != RESULTS_RW_CREATE)
		rc = seterr(dst, RESULTS_EINVAL,
		    "results database %s: merge: opened read-only", dst->path);
	else if (dst->cur_run != 0)
		rc = seterr(dst, RESULTS_EINVAL,
		    "results database %s: merge: run %lld is still open",
		    dst->path, (long long)dst->cur_run);
	else if (stat(dst->path, &sa) == 0 && stat(src_path, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
		rc = seterr(dst, RESULTS_EINVAL,
		    "results database %s: cannot merge a database into itself",
		    dst->path);
	else
		rc = RESULTS_OK;
	if (rc != RESULTS_OK) {
		copyerr(err, errlen, dst->errmsg);
		return rc;
	}

	/* Validate the source with the same rules and messages as opening. */
	if ((rc = results_open(src_path, RESULTS_READONLY, &src, dst->errmsg,
	    sizeof(dst->errmsg))) != RESULTS_OK) {
		copyerr(err, errlen, dst->errmsg);
		return rc;
	}
	results_close(src);

	if (sqlite3_prepare_v2(dst->db, "ATTACH DATABASE ?1 AS merge_src", -1,
	    &st, NULL) != SQLITE_OK) {
		rc = sqlerr(dst, "cannot attach merge source");
		copyerr(err, errlen, dst->errmsg);
		return rc;
	}
	sqlite3_bind_text(st, 1, src_path, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = seterr(dst, RESULTS_ESQL, "results database %s: cannot "
		    "attach %s: %s", dst->path, src_path,
		    sqlite3_errmsg(dst->db));
		copyerr(err, errlen, dst->errmsg);
		return rc;
	}
	rc = merge_attached(dst, &first, &count);
	sqlite3_exec(dst->db, "DETACH DATABASE merge_src", NULL, NULL, NULL);
	if (rc != RESULTS_OK) {
		copyerr(err, errlen, dst->errmsg);
		return rc;
	}
	if (first_run_id != NULL)
		*first_run_id = first;
	if (nruns != NULL)
		*nruns = count;
	return RESULTS_OK;
}
