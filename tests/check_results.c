/*
 * check_results.c -- analysis/results.c: the schema, the one-transaction-
 * per-run writer, the refusal of files that are not ours (left byte for
 * byte untouched), and merge giving the same rows as direct writes.
 *
 * Every test works in its own temporary directory under $TMPDIR (or /tmp).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "analysis/results.h"
#include "tests/e2e.h"

static void
setup(void)
{
	e2e_tmpdir_create("check_results");
}

static void
teardown(void)
{
	e2e_tmpdir_remove();
}

static void
write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	fclose(f);
}

static struct results *
open_rw(const char *path)
{
	struct results *r;
	char err[512];
	int rc;

	rc = results_open(path, RESULTS_RW_CREATE, &r, err, sizeof(err));
	ck_assert_msg(rc == RESULTS_OK, "open %s: %s", path, err);
	return r;
}

/* One integer from SQL on a fresh plain SQLite connection. */
static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/*
 * Writes run number k (a deterministic function of k) with two hosts,
 * params, samples and connections.  Returns the run id.
 */
static int64_t
write_run(struct results *r, int k, const char *status)
{
	struct results_run run;
	struct results_sample s;
	struct results_conn c;
	struct results_host h;
	struct results_kv kv[2];
	char sweep[32], val[32];
	const char *hosts[] = { "client", "server" };
	int64_t id, file_id;
	int i, j;

	snprintf(sweep, sizeof(sweep), "rate=%d/s", 10 * (k + 1));
	memset(&run, 0, sizeof(run));
	run.scenario = "web";
	run.sweep = sweep;
	run.repetition = k % 2;
	run.seed = 1000 + (uint64_t)k;
	run.version = "0.1.0";
	run.run_index = k;
	snprintf(val, sizeof(val), "%d", 10 * (k + 1));
	kv[0].key = "workload.web.rate";
	kv[0].value = val;
	kv[1].key = "run.duration";
	kv[1].value = "60s";
	run.nparams = 2;
	run.params = kv;
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	for (i = 0; i < 2; i++)
		for (j = 0; j < 5; j++) {
			memset(&s, 0, sizeof(s));
			s.t = j;
			s.host = hosts[i];
			s.tw_count = 100 * k + 10 * i + j;
			s.tw_cap = 5000;
			s.conn_attempted = j * 3;
			s.tw_recycled = k;
			s.hazards = i;
			ck_assert_int_eq(results_sample(r, id, &s), RESULTS_OK);
		}
	for (j = 0; j < 4; j++) {
		memset(&c, 0, sizeof(c));
		c.conn_id = j;
		c.workload = "web";
		c.client = "client";
		c.lport = 10000 + j;
		c.server = "server";
		c.t_start = 0.25 * j;
		c.t_established = j == 3 ? NAN : 0.25 * j + 0.001;
		c.t_end = 0.25 * j + 0.5;
		c.outcome = j == 3 ? RESULTS_OUTCOME_ADDRNOTAVAIL :
		    RESULTS_OUTCOME_OK;
		c.syn_sent = j == 3 ? 0 : 1;
		ck_assert_int_eq(results_connection(r, id, &c), RESULTS_OK);
	}
	for (i = 0; i < 2; i++) {
		memset(&h, 0, sizeof(h));
		h.host = hosts[i];
		h.conn_attempted = 100 + k;
		h.tw_peak = 10 * k + i;
		h.tw_cap = 5000;
		h.first_addrnotavail_s = i == 0 ? 1.5 + k : NAN;
		h.connect_p50_s = 0.001;
		h.connect_p99_s = 0.002;
		h.connect_max_s = 0.003;
		ck_assert_int_eq(results_host_stats(r, id, &h), RESULTS_OK);
	}
	ck_assert_int_eq(results_run_end(r, id, status, 60.0, 0.5,
	    (uint64_t)(1000 + k), 0, NULL, &file_id), RESULTS_OK);
	return file_id;
}

/* The file at p passes PRAGMA quick_check. */
static void
assert_intact(const char *p)
{
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM pragma_quick_check"
	    " WHERE quick_check = 'ok'"), 1);
}

/* The journal mode the handle r sees its file in ("wal", "delete"). */
static void
assert_journal_mode(struct results *r, const char *want)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(results_sqlite(r),
	    "PRAGMA main.journal_mode", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
}

START_TEST(test_new_file_gets_schema_and_marks)
{
	const char *p = e2e_path("new.db");
	struct results *r = open_rw(p);

	/* WAL while writing (readers see committed runs meanwhile)... */
	assert_journal_mode(r, "wal");
	write_run(r, 0, RESULTS_STATUS_COMPLETE);
	ck_assert(e2e_exists(e2e_path("new.db-wal")));
	results_close(r);
	ck_assert_int_eq(sql_int(p, "PRAGMA application_id"),
	    RESULTS_APPLICATION_ID);
	ck_assert_int_eq(sql_int(p, "PRAGMA user_version"),
	    RESULTS_SCHEMA_VERSION);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE"
	    " type = 'table' AND name IN ('runs', 'params', 'samples',"
	    " 'connections', 'host_stats')"), 5);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE"
	    " type = 'view' AND name = 'run_summary'"), 1);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE"
	    " type = 'index' AND name IN ('samples_by_run_host_t',"
	    " 'connections_by_run')"), 2);
	/* ...and a plain file after, so read-only readers leave no -wal or
	 * -shm files behind. */
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM pragma_journal_mode"
	    " WHERE journal_mode = 'delete'"), 1);
	ck_assert(!e2e_exists(e2e_path("new.db-wal")));
	ck_assert(!e2e_exists(e2e_path("new.db-shm")));
}
END_TEST

/*
 * A new file made for one run is written without WAL: its pages once, not
 * into the -wal file and then again at close.  A reader meanwhile sees the
 * file as it was, and the run once it is committed.  Told wrong, the
 * handle still goes to WAL for a second run.
 */
START_TEST(test_new_file_for_one_run_is_written_without_wal)
{
	const char *p = e2e_path("one.db");
	struct results_run run = { "web", "", 0, 7, "0.1.0", 0, 0, NULL };
	struct results *r, *ro;
	char err[512];
	int64_t id;

	ck_assert_int_eq(results_open(p, RESULTS_READONLY | RESULTS_ONE_RUN,
	    &r, err, sizeof(err)), RESULTS_EINVAL);
	ck_assert_int_eq(results_open(p, RESULTS_RW_CREATE | RESULTS_ONE_RUN,
	    &r, err, sizeof(err)), RESULTS_OK);
	assert_journal_mode(r, "delete");
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	ck_assert_int_eq(results_open(p, RESULTS_READONLY, &ro, err,
	    sizeof(err)), RESULTS_OK);
	results_close(ro);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 0);
	ck_assert_int_eq(results_run_end(r, id, RESULTS_STATUS_COMPLETE, 1,
	    1, 1, 0, NULL, NULL), RESULTS_OK);
	assert_journal_mode(r, "delete");
	ck_assert(!e2e_exists(e2e_path("one.db-wal")));
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 1);
	/* More runs than planned: the second one goes through WAL. */
	write_run(r, 1, RESULTS_STATUS_COMPLETE);
	assert_journal_mode(r, "wal");
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 2);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM pragma_journal_mode"
	    " WHERE journal_mode = 'delete'"), 1);
	assert_intact(p);
}
END_TEST

/*
 * A file that exists already goes to WAL as it is opened, whatever the
 * plan: other processes may be reading it.
 */
START_TEST(test_existing_file_is_wal_at_once)
{
	const char *p = e2e_path("old.db");
	struct results *r = open_rw(p);
	char err[512];

	write_run(r, 0, RESULTS_STATUS_COMPLETE);
	results_close(r);
	ck_assert_int_eq(results_open(p, RESULTS_RW_CREATE | RESULTS_ONE_RUN,
	    &r, err, sizeof(err)), RESULTS_OK);
	assert_journal_mode(r, "wal");
	write_run(r, 1, RESULTS_STATUS_COMPLETE);
	assert_journal_mode(r, "wal");
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 2);
}
END_TEST

START_TEST(test_empty_file_gets_schema)
{
	const char *p = e2e_path("empty.db");
	struct results *r;
	char err[512];

	write_file(p, "", 0);
	/* A reader refuses it (nothing to read) and leaves it empty. */
	ck_assert_int_eq(results_open(p, RESULTS_READONLY, &r, err,
	    sizeof(err)), RESULTS_EFOREIGN);
	ck_assert_ptr_nonnull(strstr(err, "empty"));
	ck_assert(!e2e_exists(e2e_path("empty.db-wal")));
	{
		size_t n;

		free(e2e_slurp(p, &n));
		ck_assert_uint_eq(n, 0);
	}
	r = open_rw(p);
	results_close(r);
	ck_assert_int_eq(sql_int(p, "PRAGMA user_version"),
	    RESULTS_SCHEMA_VERSION);
}
END_TEST

START_TEST(test_append_across_opens_continues_run_ids)
{
	const char *p = e2e_path("a.db");
	struct results *r;

	r = open_rw(p);
	ck_assert_int_eq(write_run(r, 0, RESULTS_STATUS_COMPLETE), 1);
	ck_assert_int_eq(write_run(r, 1, RESULTS_STATUS_COMPLETE), 2);
	results_close(r);
	r = open_rw(p);
	ck_assert_int_eq(write_run(r, 2, RESULTS_STATUS_COMPLETE), 3);
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 3);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM samples"), 30);
	ck_assert_int_eq(sql_int(p,
	    "SELECT seed FROM runs WHERE run_id = 3"), 1002);
	ck_assert_int_eq(sql_int(p,
	    "SELECT events FROM runs WHERE run_id = 2"), 1001);
}
END_TEST

START_TEST(test_run_summary_joins_runs_and_hosts)
{
	const char *p = e2e_path("s.db");
	struct results *r = open_rw(p);

	write_run(r, 0, RESULTS_STATUS_COMPLETE);
	write_run(r, 1, RESULTS_STATUS_COMPLETE);
	results_close(r);
	/* One row per (run, host). */
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM run_summary"), 4);
	/* Each host's counters sit beside its own run's columns. */
	ck_assert_int_eq(sql_int(p, "SELECT tw_peak FROM run_summary WHERE"
	    " sweep = 'rate=20/s' AND host = 'server'"), 11);
	ck_assert_int_eq(sql_int(p, "SELECT conn_attempted FROM run_summary"
	    " WHERE run_id = 1 AND host = 'client'"), 100);
	ck_assert_int_eq(sql_int(p, "SELECT seed FROM run_summary WHERE"
	    " run_id = 2 AND host = 'client'"), 1001);
	ck_assert_int_eq(sql_int(p, "SELECT repetition FROM run_summary WHERE"
	    " run_id = 2 AND host = 'server'"), 1);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM run_summary WHERE"
	    " status = 'complete'"), 4);
	/* The columns of the contract are all there, by name. */
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM"
	    " pragma_table_info('run_summary') WHERE name IN ('run_id',"
	    " 'scenario', 'sweep', 'repetition', 'seed', 'status', 'host',"
	    " 'conn_attempted', 'conn_established', 'conn_failed_addrnotavail',"
	    " 'conn_failed_timeout', 'tw_entered', 'tw_expired', 'tw_recycled',"
	    " 'tw_reopened', 'tw_skipped_local', 'tw_skipped_nomem', 'tw_peak',"
	    " 'tw_cap', 'syn_dropped_tw', 'rst_ignored_tw', 'acks_sent_tw',"
	    " 'hazards', 'first_addrnotavail_s', 'tw_cap_effective',"
	    " 'conn_failed_nobufs', 'conn_failed_addrinuse', 'tw_rearmed',"
	    " 'tw_dropped_recycled')"), 29);
	/* ... and in samples (issue 9's public names). */
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM"
	    " pragma_table_info('samples') WHERE name IN ('tw_cap_effective',"
	    " 'conn_failed_nobufs', 'conn_failed_addrinuse', 'tw_rearmed',"
	    " 'tw_dropped_recycled')"), 5);
}
END_TEST

START_TEST(test_nan_is_stored_as_null)
{
	const char *p = e2e_path("n.db");
	struct results *r = open_rw(p);

	write_run(r, 0, RESULTS_STATUS_COMPLETE);
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM connections WHERE"
	    " t_established IS NULL"), 1);
	ck_assert_int_eq(sql_int(p, "SELECT conn_id FROM connections WHERE"
	    " t_established IS NULL"), 3);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM run_summary WHERE"
	    " first_addrnotavail_s IS NULL AND host = 'server'"), 1);
	/* A real value stays a REAL. */
	ck_assert_int_eq(sql_int(p, "SELECT first_addrnotavail_s * 10 FROM"
	    " run_summary WHERE host = 'client'"), 15);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM connections WHERE"
	    " typeof(t_start) = 'real'"), 4);
}
END_TEST

START_TEST(test_aborted_run_leaves_earlier_runs_intact)
{
	const char *p = e2e_path("ab.db");
	struct results *r = open_rw(p);
	struct results_kv kv[1] = { { "run.duration", "1s" } };
	struct results_run run = { "web", "", 0, 7, "0.1.0", 0, 1, kv };
	struct results_sample s;
	int64_t id;

	write_run(r, 0, RESULTS_STATUS_COMPLETE);
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	memset(&s, 0, sizeof(s));
	s.host = "client";
	ck_assert_int_eq(results_sample(r, id, &s), RESULTS_OK);
	ck_assert_int_eq(results_run_abort(r, id), RESULTS_OK);
	/* Writing to the aborted run is refused. */
	ck_assert_int_eq(results_sample(r, id, &s), RESULTS_EINVAL);
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 1);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM samples"), 10);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM params WHERE"
	    " run_id = 2"), 0);
	r = open_rw(p);
	ck_assert_int_eq(write_run(r, 1, RESULTS_STATUS_COMPLETE), 2);
	results_close(r);
}
END_TEST

START_TEST(test_sigkill_mid_run_leaves_nothing_of_that_run)
{
	const char *p = e2e_path("kill.db");
	struct results_run run = { "web", "rate=1/s", 0, 9, "0.1.0", 0, 0, NULL };
	struct results_sample s;
	struct results *r;
	int64_t id;
	pid_t pid;
	int i, status;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		r = open_rw(p);
		write_run(r, 0, RESULTS_STATUS_COMPLETE);
		if (results_run_begin(r, &run, &id) != RESULTS_OK)
			_exit(3);
		memset(&s, 0, sizeof(s));
		s.host = "client";
		/* Enough rows to spill pages to the WAL before the kill. */
		for (i = 0; i < 20000; i++) {
			s.t = i;
			if (results_sample(r, id, &s) != RESULTS_OK)
				_exit(4);
		}
		kill(getpid(), SIGKILL);
		_exit(5);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* The WAL the killed writer left holds run 1: a read-only reader
	 * (twsim query) sees it, and a new writer appends after it. */
	{
		struct results *ro;
		sqlite3_stmt *st;
		char err[512];

		ck_assert_int_eq(results_open(p, RESULTS_READONLY, &ro, err,
		    sizeof(err)), RESULTS_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(results_sqlite(ro),
		    "SELECT count(*) FROM runs", -1, &st, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
		sqlite3_finalize(st);
		results_close(ro);
	}
	r = open_rw(p);
	ck_assert_int_eq(write_run(r, 1, RESULTS_STATUS_COMPLETE), 2);
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 2);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM samples"), 20);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs WHERE"
	    " status = 'complete'"), 2);
}
END_TEST

START_TEST(test_interrupted_and_failed_status_are_committed)
{
	const char *p = e2e_path("st.db");
	struct results_run run = { "web", NULL, 0, 1, "0.1.0", 0, 0, NULL };
	struct results *r = open_rw(p);
	int64_t id;

	write_run(r, 0, RESULTS_STATUS_INTERRUPTED);
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	ck_assert_int_eq(results_run_error(r, id, "scenario: bad host"),
	    RESULTS_OK);
	/* Not a status of the contract: refused, the run stays open. */
	ck_assert_int_eq(results_run_end(r, id, "done", 0, 0, 0, 0, NULL, NULL),
	    RESULTS_EINVAL);
	ck_assert_int_eq(results_run_end(r, id, RESULTS_STATUS_FAILED, 0.0,
	    0.1, 0, 0, NULL, NULL), RESULTS_OK);
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs WHERE"
	    " run_id = 1 AND status = 'interrupted'"), 1);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs WHERE"
	    " run_id = 2 AND status = 'failed' AND sweep = '' AND"
	    " error = 'scenario: bad host'"), 1);
	/* The failed run without hosts still appears in run_summary. */
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM run_summary WHERE"
	    " run_id = 2 AND host IS NULL"), 1);
}
END_TEST

START_TEST(test_writes_outside_a_run_are_refused)
{
	const char *p = e2e_path("o.db");
	struct results *r = open_rw(p);
	struct results_kv kv[2] = { { "k", "v" }, { "k", "w" } };
	struct results_run run = { "web", "", 0, 1, "0.1.0", 0, 1, kv };
	struct results_sample s;
	int64_t id, id2;

	memset(&s, 0, sizeof(s));
	s.host = "client";
	ck_assert_int_eq(results_sample(r, 1, &s), RESULTS_EINVAL);
	ck_assert_ptr_nonnull(strstr(results_errmsg(r), "not open"));
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	ck_assert_int_eq(results_run_begin(r, &run, &id2), RESULTS_EINVAL);
	ck_assert_int_eq(results_sample(r, id + 1, &s), RESULTS_EINVAL);
	ck_assert_int_eq(results_sample(r, id, &s), RESULTS_OK);
	ck_assert_int_eq(results_run_end(r, id, RESULTS_STATUS_COMPLETE, 1, 1,
	    1, 0, NULL, NULL), RESULTS_OK);
	/* Every key once per run: a run with a key twice is refused whole. */
	run.seed = 2;
	run.nparams = 2;
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	ck_assert_int_eq(results_run_end(r, id, RESULTS_STATUS_COMPLETE, 1, 1,
	    1, 0, NULL, NULL), RESULTS_ESQL);
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 1);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM params"), 1);
}
END_TEST

START_TEST(test_run_rolled_back_by_sqlite_writes_no_stray_rows)
{
	const char *p = e2e_path("full.db");
	struct results_run run = { "web", "", 0, 1, "0.1.0", 0, 0, NULL };
	struct results_sample s;
	struct results *r = open_rw(p);
	int64_t id, pages;
	char sql[64];
	int i, rc = RESULTS_OK;

	write_run(r, 0, RESULTS_STATUS_COMPLETE);
	/* A disk that is full: the file may not grow past its size now. */
	pages = sql_int(p, "PRAGMA page_count");
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
	    (long long)pages + 2);
	ck_assert_int_eq(sqlite3_exec(results_sqlite(r), sql, NULL, NULL,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	memset(&s, 0, sizeof(s));
	s.host = "a-host-name-long-enough-to-fill-pages-quickly-------------";
	/* The rows are staged: the full file does not stop the run... */
	for (i = 0; i < 20000 && rc == RESULTS_OK; i++)
		rc = results_sample(r, id, &s);
	ck_assert_int_eq(rc, RESULTS_OK);
	/* ... but recording it fails, and nothing of run 2 reaches the
	 * file, neither now nor later. */
	ck_assert_int_eq(results_run_end(r, id, RESULTS_STATUS_COMPLETE, 0, 0,
	    0, 0, NULL, NULL), RESULTS_ESQL);
	ck_assert_int_eq(results_run_abort(r, id), RESULTS_EINVAL);
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 1);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM samples"), 10);
}
END_TEST

START_TEST(test_reader_during_write_sees_committed_runs_only)
{
	const char *p = e2e_path("live.db");
	struct results_run run = { "web", "", 0, 1, "0.1.0", 0, 0, NULL };
	struct results *w, *ro;
	sqlite3_stmt *st;
	char err[512];
	int64_t id;
	time_t t0;

	w = open_rw(p);
	write_run(w, 0, RESULTS_STATUS_COMPLETE);
	ck_assert_int_eq(results_run_begin(w, &run, &id), RESULTS_OK);
	ck_assert_int_eq(results_open(p, RESULTS_READONLY, &ro, err,
	    sizeof(err)), RESULTS_OK);
	/* A reader (twsim report on a running sweep) is not blocked by the
	 * open run and does not see it. */
	ck_assert_int_eq(sqlite3_prepare_v2(results_sqlite(ro),
	    "SELECT count(*) FROM runs", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
	/* Closing the writer while the reader holds its snapshot neither
	 * waits for it nor loses the committed run. */
	ck_assert_int_eq(results_run_end(w, id, RESULTS_STATUS_COMPLETE, 1, 1,
	    1, 0, NULL, NULL), RESULTS_OK);
	t0 = time(NULL);
	results_close(w);
	ck_assert_int_le(time(NULL) - t0, 1);
	sqlite3_finalize(st);
	results_close(ro);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 2);
}
END_TEST

START_TEST(test_concurrent_writers_of_a_new_file_all_append)
{
	const char *p = e2e_path("race.db");
	pid_t pid[4];
	int i, status;

	for (i = 0; i < 4; i++) {
		pid[i] = fork();
		ck_assert_int_ne(pid[i], -1);
		if (pid[i] == 0) {
			struct results *r;
			char err[512];

			/* Half of them say they write one run: whichever
			 * makes the file keeps it out of WAL a while. */
			if (results_open(p, RESULTS_RW_CREATE | (i % 2 ?
			    RESULTS_ONE_RUN : 0), &r, err, sizeof(err)) !=
			    RESULTS_OK) {
				fprintf(stderr, "child %d: %s\n", i, err);
				_exit(1);
			}
			write_run(r, i, RESULTS_STATUS_COMPLETE);
			results_close(r);
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 4);
	ck_assert_int_eq(sql_int(p, "SELECT max(run_id) FROM runs"), 4);
	assert_intact(p);
}
END_TEST

/* p holds exactly the n0 bytes `before` (which this frees). */
static void
assert_unchanged(const char *p, char *before, size_t n0)
{
	char *after;
	size_t n1;

	after = e2e_slurp(p, &n1);
	ck_assert_uint_eq(n0, n1);
	ck_assert_msg(memcmp(before, after, n0) == 0, "%s was modified", p);
	free(before);
	free(after);
}

/* Opening `p` in both modes is refused with `code`; p stays identical. */
static void
assert_refused_untouched(const char *p, int code, const char *reason)
{
	struct results *r;
	char err[512], wal[340];
	char *before;
	size_t n0;
	int mode;

	before = e2e_slurp(p, &n0);
	for (mode = RESULTS_RW_CREATE; mode <= RESULTS_READONLY; mode++) {
		err[0] = '\0';
		ck_assert_int_eq(results_open(p, mode, &r, err, sizeof(err)),
		    code);
		ck_assert_ptr_null(r);
		ck_assert_msg(strstr(err, p) != NULL, "no file name: %s", err);
		ck_assert_msg(strstr(err, reason) != NULL, "no reason '%s': %s",
		    reason, err);
	}
	assert_unchanged(p, before, n0);
	snprintf(wal, sizeof(wal), "%s-wal", p);
	ck_assert(!e2e_exists(wal));
}

START_TEST(test_refuses_non_sqlite_file_untouched)
{
	const char *p = e2e_path("notes.txt");
	char text[8192];
	size_t i;

	for (i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	write_file(p, text, sizeof(text));
	assert_refused_untouched(p, RESULTS_EFOREIGN, "not an SQLite file");
}
END_TEST

START_TEST(test_refuses_foreign_sqlite_db_untouched)
{
	const char *p = e2e_path("other.db");
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE runs (x);"
	    " INSERT INTO runs VALUES (1);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_refused_untouched(p, RESULTS_EFOREIGN, "another application");
}
END_TEST

START_TEST(test_refuses_foreign_wal_mode_db_untouched)
{
	const char *p = e2e_path("otherwal.db");
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
	    " PRAGMA application_id = 1234; CREATE TABLE t (x);"
	    " INSERT INTO t VALUES (1);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_refused_untouched(p, RESULTS_EFOREIGN, "application_id");
}
END_TEST

START_TEST(test_refuses_future_schema_version_untouched)
{
	const char *p = e2e_path("future.db");
	struct results *r;
	sqlite3 *db;
	char sql[64];

	r = open_rw(p);
	write_run(r, 0, RESULTS_STATUS_COMPLETE);
	results_close(r);
	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA journal_mode = DELETE;"
	    " PRAGMA user_version = %d", RESULTS_SCHEMA_VERSION + 1);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_refused_untouched(p, RESULTS_EVERSION, "newer twsim");
}
END_TEST

START_TEST(test_readonly_refuses_missing_file_and_writes)
{
	const char *p = e2e_path("missing.db");
	struct results_run run = { "web", "", 0, 1, "0.1.0", 0, 0, NULL };
	struct results *r;
	char err[512];
	int64_t id;

	ck_assert_int_eq(results_open(p, RESULTS_READONLY, &r, err,
	    sizeof(err)), RESULTS_ENOENT);
	ck_assert_ptr_nonnull(strstr(err, p));
	ck_assert(!e2e_exists(p));
	results_close(open_rw(p));
	ck_assert_int_eq(results_open(p, RESULTS_READONLY, &r, err,
	    sizeof(err)), RESULTS_OK);
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_EINVAL);
	results_close(r);
}
END_TEST

START_TEST(test_refuses_unreadable_file)
{
	const char *p = e2e_path("secret.db");
	struct results *r;
	char err[512];

	results_close(open_rw(p));
	ck_assert_int_eq(chmod(p, 0), 0);
	/* root reads anything: the refusal is only observable otherwise. */
	if (geteuid() != 0) {
		ck_assert_int_eq(results_open(p, RESULTS_READONLY, &r, err,
		    sizeof(err)), RESULTS_EACCES);
		ck_assert_ptr_nonnull(strstr(err, p));
		ck_assert_ptr_nonnull(strstr(err, "cannot read"));
	}
	ck_assert_int_eq(chmod(p, 0600), 0);
}
END_TEST

START_TEST(test_refuses_directory)
{
	struct results *r;
	char err[512];

	ck_assert_int_eq(results_open(e2e_tmpdir(), RESULTS_RW_CREATE, &r, err,
	    sizeof(err)), RESULTS_EACCES);
	ck_assert_ptr_nonnull(strstr(err, e2e_tmpdir()));
}
END_TEST

/*
 * Every row of every result table as text, in insertion order, without
 * the wall-clock columns (started_at, wall_seconds).
 */
static char *
dump_tables(const char *path)
{
	static const char *const q[] = {
		"SELECT run_id, scenario, sweep, repetition, seed, status,"
		" sim_seconds, events, version, error, identity, param_digest,"
		" run_index FROM runs ORDER BY rowid",
		"SELECT * FROM params ORDER BY rowid",
		"SELECT * FROM samples ORDER BY rowid",
		"SELECT * FROM connections ORDER BY rowid",
		"SELECT * FROM host_stats ORDER BY rowid",
		"SELECT * FROM connection_stats ORDER BY rowid",
		"SELECT * FROM run_summary",
		NULL
	};
	sqlite3 *db;
	sqlite3_stmt *st;
	sqlite3_str *out;
	int i, k;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	out = sqlite3_str_new(db);
	for (k = 0; q[k] != NULL; k++) {
		ck_assert_int_eq(sqlite3_prepare_v2(db, q[k], -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_str_appendf(out, "== %d\n", k);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (i = 0; i < sqlite3_column_count(st); i++)
				sqlite3_str_appendf(out, "%d:%s|",
				    sqlite3_column_type(st, i),
				    sqlite3_column_text(st, i));
			sqlite3_str_appendf(out, "\n");
		}
		sqlite3_finalize(st);
	}
	{
		char *s = sqlite3_str_finish(out);
		char *copy = strdup(s);

		sqlite3_free(s);
		sqlite3_close(db);
		return copy;
	}
}

START_TEST(test_merge_equals_direct_writes)
{
	const char *pa = e2e_path("direct.db"), *pc = e2e_path("merged.db");
	const char *pb1 = e2e_path("worker1.db"), *pb2 = e2e_path("worker2.db");
	struct results *a, *b1, *b2, *c;
	struct results_merge_stats ms;
	char err[512], *da, *dc;
	int k;

	a = open_rw(pa);
	for (k = 0; k < 5; k++)
		write_run(a, k, k == 4 ? RESULTS_STATUS_INTERRUPTED :
		    RESULTS_STATUS_COMPLETE);
	results_close(a);

	b1 = open_rw(pb1);
	b2 = open_rw(pb2);
	for (k = 0; k < 5; k++)
		write_run(k < 2 ? b1 : b2, k, k == 4 ?
		    RESULTS_STATUS_INTERRUPTED : RESULTS_STATUS_COMPLETE);
	results_close(b1);
	results_close(b2);

	c = open_rw(pc);
	ck_assert_int_eq(results_merge(c, pb1, 0, &ms, err, sizeof(err)),
	    RESULTS_OK);
	ck_assert_int_eq(ms.first_run_id, 1);
	ck_assert_int_eq(ms.added, 2);
	ck_assert_int_eq(results_merge(c, pb2, 0, &ms, err, sizeof(err)),
	    RESULTS_OK);
	ck_assert_int_eq(ms.first_run_id, 3);
	ck_assert_int_eq(ms.last_run_id, 5);
	ck_assert_int_eq(ms.added, 3);
	results_close(c);

	da = dump_tables(pa);
	dc = dump_tables(pc);
	/* Compare without printing megabytes: name the first difference. */
	{
		size_t i = 0;

		while (da[i] != '\0' && da[i] == dc[i])
			i++;
		ck_assert_msg(da[i] == dc[i], "merged rows differ at byte %zu:"
		    " direct '%.60s' merged '%.60s'", i, da + i, dc + i);
	}
	/* Not vacuous: the dump holds every row of the five runs. */
	ck_assert_uint_gt(strlen(da), 1000);
	ck_assert_int_eq(sql_int(pc, "SELECT count(*) FROM samples"), 50);
	free(da);
	free(dc);
}
END_TEST

START_TEST(test_merge_appends_after_existing_runs_and_keeps_writing)
{
	const char *pb = e2e_path("w.db"), *pc = e2e_path("m.db");
	struct results *b, *c;
	struct results_merge_stats ms;
	char err[512];

	b = open_rw(pb);
	write_run(b, 0, RESULTS_STATUS_COMPLETE);
	results_close(b);
	c = open_rw(pc);
	write_run(c, 1, RESULTS_STATUS_COMPLETE);
	ck_assert_int_eq(results_merge(c, pb, 0, &ms, err, sizeof(err)),
	    RESULTS_OK);
	ck_assert_int_eq(ms.first_run_id, 2);
	ck_assert_int_eq(ms.added, 1);
	/* The writer's prepared statements still work after a merge. */
	ck_assert_int_eq(write_run(c, 2, RESULTS_STATUS_COMPLETE), 3);
	results_close(c);
	ck_assert_int_eq(sql_int(pc, "SELECT seed FROM runs WHERE run_id = 2"),
	    1000);
	ck_assert_int_eq(sql_int(pc, "SELECT count(*) FROM samples WHERE"
	    " run_id = 2"), 10);
	ck_assert_int_eq(sql_int(pc, "SELECT count(*) FROM connections"), 12);
}
END_TEST

START_TEST(test_merge_refuses_foreign_source_and_changes_nothing)
{
	const char *pt = e2e_path("junk.txt"), *pc = e2e_path("m2.db");
	struct results *c;
	char err[512];

	write_file(pt, "hello, not a database\n", 22);
	c = open_rw(pc);
	write_run(c, 0, RESULTS_STATUS_COMPLETE);
	ck_assert_int_eq(results_merge(c, pt, 0, NULL, err, sizeof(err)),
	    RESULTS_EFOREIGN);
	ck_assert_ptr_nonnull(strstr(err, pt));
	ck_assert_int_eq(results_merge(c, pc, 0, NULL, err, sizeof(err)),
	    RESULTS_EINVAL);
	ck_assert_int_eq(results_merge(c, e2e_path("none.db"), 0, NULL, err,
	    sizeof(err)), RESULTS_ENOENT);
	ck_assert(!e2e_exists(e2e_path("none.db")));
	results_close(c);
	ck_assert_int_eq(sql_int(pc, "SELECT count(*) FROM runs"), 1);
}
END_TEST

/*
 * results_merge_sources(): the runs added are numbered in run-index order
 * whatever the order and cut of the sources (each in run-index order); a
 * run in two sources is added once, the complete copy winning over a
 * failed one; the result equals direct writes row for row.
 */
START_TEST(test_merge_sources_in_run_index_order)
{
	const char *paths[4];
	char p[5][700], err[512], *da, *dc;
	struct results *r;
	struct results_sources *src;
	struct results_merge_stats ms;
	static const int cut[4][4] = {
		{ 1, 4, -1 }, { 3, -1 }, { 2, -1 }, { 0, 2, 5, -1 }
	};
	int i, j;

	for (i = 0; i < 5; i++) {
		snprintf(err, sizeof(err), "p%d.db", i);
		snprintf(p[i], sizeof(p[i]), "%s", e2e_path(err));
	}
	r = open_rw(p[4]);
	for (j = 0; j < 6; j++)
		write_run(r, j, RESULTS_STATUS_COMPLETE);
	results_close(r);
	for (i = 0; i < 4; i++) {
		r = open_rw(p[i]);
		for (j = 0; cut[i][j] >= 0; j++)
			write_run(r, cut[i][j], i == 2 ? RESULTS_STATUS_FAILED :
			    RESULTS_STATUS_COMPLETE);
		results_close(r);
		paths[i] = p[i];
	}
	ck_assert_int_eq(results_sources_read(paths, 4, &src, err,
	    sizeof(err)), RESULTS_OK);
	ck_assert_uint_eq(results_sources_nruns(src), 7);
	r = open_rw(e2e_path("m.db"));
	ck_assert_int_eq(results_merge_sources(r, src, 0, &ms, err,
	    sizeof(err)), RESULTS_OK);
	results_close(r);
	results_sources_free(src);
	/* Source 3 (holding run 0) is copied first, its complete run 2
	 * with it; the failed copy of run 2 (source 2) is then dropped. */
	ck_assert_int_eq(ms.added, 6);
	ck_assert_int_eq(ms.replaced, 0);
	ck_assert_int_eq(ms.skipped, 1);
	ck_assert_int_eq(ms.first_run_id, 1);
	ck_assert_int_eq(ms.last_run_id, 6);
	/* Rows by key: interleaved sources lay them out in another order. */
	da = e2e_db_dump(p[4]);
	dc = e2e_db_dump(e2e_path("m.db"));
	e2e_assert_same_dump(da, dc, "merged sources vs direct writes");
	free(da);
	free(dc);

	/* A foreign file among the sources: refused before anything is
	 * written (results_merge_sources() is never reached). */
	write_file(e2e_path("junk.db"), "junk", 4);
	paths[1] = e2e_path("junk.db");
	err[0] = '\0';
	ck_assert_int_eq(results_sources_read(paths, 2, &src, err,
	    sizeof(err)), RESULTS_EFOREIGN);
	ck_assert_ptr_null(src);
	ck_assert_ptr_nonnull(strstr(err, "junk.db: not a twsim database"));
}
END_TEST

/* ---- identity ------------------------------------------------------------ */

/*
 * results.h: the identity is scenario, parameters (in any order, run.repeat
 * aside), seed and repetition; the parameter digest leaves out seed,
 * repetition and run.seed.
 */
START_TEST(test_identity_is_scenario_params_seed_repetition)
{
	struct results_kv a[3] = { { "run.seed", "1" }, { "k", "v" },
	    { "run.repeat", "3" } };
	struct results_kv b[3] = { { "run.repeat", "5" }, { "k", "v" },
	    { "run.seed", "1" } };
	struct results_run ra = { "web", "", 0, 42, "0.1.0", 0, 3, a };
	struct results_run rb = { "web", "x=1", 0, 42, "0.2.0", 7, 3, b };
	struct results_identity ia, ib;

	ck_assert_int_eq(results_identity(&ra, &ia), RESULTS_OK);
	ck_assert_int_eq(results_identity(&rb, &ib), RESULTS_OK);
	ck_assert_uint_eq(strlen(ia.identity), RESULTS_DIGEST_HEX);
	/* Order, run.repeat, label, version and index define nothing. */
	ck_assert_str_eq(ia.identity, ib.identity);
	ck_assert_str_eq(ia.param_digest, ib.param_digest);
	/* Another seed: another run of the same configuration. */
	rb.seed = 43;
	ck_assert_int_eq(results_identity(&rb, &ib), RESULTS_OK);
	ck_assert_str_ne(ia.identity, ib.identity);
	ck_assert_str_eq(ia.param_digest, ib.param_digest);
	rb.seed = 42;
	rb.repetition = 1;
	ck_assert_int_eq(results_identity(&rb, &ib), RESULTS_OK);
	ck_assert_str_ne(ia.identity, ib.identity);
	/* A master seed that differs: same configuration, other run. */
	rb.repetition = 0;
	b[2].value = "2";
	ck_assert_int_eq(results_identity(&rb, &ib), RESULTS_OK);
	ck_assert_str_ne(ia.identity, ib.identity);
	ck_assert_str_eq(ia.param_digest, ib.param_digest);
	/* A parameter that differs: another configuration. */
	b[1].value = "w";
	ck_assert_int_eq(results_identity(&rb, &ib), RESULTS_OK);
	ck_assert_str_ne(ia.param_digest, ib.param_digest);
	b[1].value = "v";
	rb.scenario = "web2";
	ck_assert_int_eq(results_identity(&rb, &ib), RESULTS_OK);
	ck_assert_str_ne(ia.param_digest, ib.param_digest);
	/* No field runs into the next: ("k", "v") is not ("kv", ""). */
	a[1].key = "kv";
	a[1].value = "";
	ck_assert_int_eq(results_identity(&ra, &ib), RESULTS_OK);
	ck_assert_str_ne(ia.identity, ib.identity);
}
END_TEST

/*
 * The identity rule of writing and merging: a run present complete is
 * kept (skipped), one present failed or interrupted is replaced in place,
 * RESULTS_REPLACE lets a complete run replace a complete one, and nothing
 * ever replaces a complete run by one that is not.
 */
START_TEST(test_identity_rule_skip_replace_keep_complete)
{
	const char *pa = e2e_path("a.db"), *pb = e2e_path("b.db");
	struct results_merge_stats ms;
	struct results *a, *b;
	char err[512];

	a = open_rw(pa);
	ck_assert_int_eq(write_run(a, 0, RESULTS_STATUS_COMPLETE), 1);
	ck_assert_int_eq(write_run(a, 1, RESULTS_STATUS_INTERRUPTED), 2);
	ck_assert_int_eq(write_run(a, 2, RESULTS_STATUS_COMPLETE), 3);
	/* Writing run 0 again: skipped, the record kept is run 1. */
	ck_assert_int_eq(write_run(a, 0, RESULTS_STATUS_COMPLETE), 1);
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM runs"), 3);
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM samples"), 30);
	results_close(a);

	b = open_rw(pb);
	write_run(b, 0, RESULTS_STATUS_COMPLETE);
	write_run(b, 1, RESULTS_STATUS_COMPLETE);
	write_run(b, 2, RESULTS_STATUS_INTERRUPTED);
	write_run(b, 3, RESULTS_STATUS_COMPLETE);
	results_close(b);

	a = open_rw(pa);
	ck_assert_int_eq(results_merge(a, pb, 0, &ms, err, sizeof(err)),
	    RESULTS_OK);
	/* 0 kept; 1 (interrupted) replaced in place; 2 (complete) kept
	 * against an interrupted one; 3 added. */
	ck_assert_int_eq(ms.skipped, 2);
	ck_assert_int_eq(ms.replaced, 1);
	ck_assert_int_eq(ms.added, 1);
	ck_assert_int_eq(ms.first_run_id, 2);
	ck_assert_int_eq(ms.last_run_id, 4);
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM runs"), 4);
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM runs WHERE"
	    " status = 'complete'"), 4);
	ck_assert_int_eq(sql_int(pa, "SELECT seed FROM runs WHERE"
	    " run_id = 2"), 1001);
	/* One set of rows per run: the replaced run's are gone. */
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM samples"), 40);
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM params"), 8);
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM host_stats"), 8);

	/* --replace: complete replaces complete, keeping the run id ... */
	ck_assert_int_eq(results_merge(a, pb, RESULTS_REPLACE, &ms, err,
	    sizeof(err)), RESULTS_OK);
	ck_assert_int_eq(ms.replaced, 3);
	ck_assert_int_eq(ms.skipped, 1);
	ck_assert_int_eq(ms.added, 0);
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM runs"), 4);
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM samples"), 40);
	/* ... but an interrupted run never replaces a complete one. */
	ck_assert_int_eq(sql_int(pa, "SELECT count(*) FROM runs WHERE"
	    " status = 'complete'"), 4);
	results_close(a);
}
END_TEST

/*
 * results.h: a writer's open merges the finished part files of a dead
 * -j parent in run order, removes its unfinished ones, and leaves alone
 * those of a parent that still runs.
 */
START_TEST(test_open_recovers_part_files_of_a_dead_parent)
{
	const char *p = e2e_path("main.db");
	char part0[600], part1[600], tmp2[600], live[600], buf[64];
	struct results *r;
	pid_t dead;
	int status;

	dead = fork();
	ck_assert_int_ne(dead, -1);
	if (dead == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(dead, &status, 0), dead);
	snprintf(buf, sizeof(buf), "main.db.part-%ld-", (long)dead);
	snprintf(part0, sizeof(part0), "%s0", e2e_path(buf));
	snprintf(part1, sizeof(part1), "%s1", e2e_path(buf));
	snprintf(tmp2, sizeof(tmp2), "%s2.tmp", e2e_path(buf));
	snprintf(buf, sizeof(buf), "main.db.part-%ld-0", (long)getppid());
	snprintf(live, sizeof(live), "%s", e2e_path(buf));
	/* Written out of order: index 1 first. */
	r = open_rw(part1);
	write_run(r, 1, RESULTS_STATUS_COMPLETE);
	results_close(r);
	r = open_rw(part0);
	write_run(r, 0, RESULTS_STATUS_COMPLETE);
	results_close(r);
	write_file(tmp2, "half a database", 15);
	r = open_rw(live);
	write_run(r, 2, RESULTS_STATUS_COMPLETE);
	results_close(r);

	results_close(open_rw(p));
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 2);
	ck_assert_int_eq(sql_int(p, "SELECT seed FROM runs WHERE run_id = 1"),
	    1000);
	ck_assert_int_eq(sql_int(p, "SELECT seed FROM runs WHERE run_id = 2"),
	    1001);
	ck_assert(!e2e_exists(part0));
	ck_assert(!e2e_exists(part1));
	ck_assert(!e2e_exists(tmp2));
	ck_assert(e2e_exists(live));
}
END_TEST

/*
 * Two writers simulating the same run at once (results.h): the one that
 * ends first records it; the other's run is dropped, and it learns the
 * id of the record kept.
 */
START_TEST(test_identity_second_writer_of_a_run_is_dropped)
{
	const char *p = e2e_path("race.db");
	struct results_kv kv[1] = { { "run.duration", "1s" } };
	struct results_run run = { "web", "", 0, 5, "0.1.0", 0, 1, kv };
	struct results *a, *b;
	enum results_action act;
	int64_t ida, idb, fa, fb;

	a = open_rw(p);
	b = open_rw(p);
	write_run(a, 0, RESULTS_STATUS_COMPLETE);
	ck_assert_int_eq(results_run_begin(a, &run, &ida), RESULTS_OK);
	ck_assert_int_eq(results_run_begin(b, &run, &idb), RESULTS_OK);
	ck_assert_int_eq(results_run_end(b, idb, RESULTS_STATUS_COMPLETE, 1, 1,
	    1, 0, &act, &fb), RESULTS_OK);
	ck_assert_int_eq(act, RESULTS_ADDED);
	ck_assert_int_eq(fb, 2);
	ck_assert_int_eq(results_run_end(a, ida, RESULTS_STATUS_COMPLETE, 1, 1,
	    1, 0, &act, &fa), RESULTS_OK);
	ck_assert_int_eq(act, RESULTS_SKIPPED);
	ck_assert_int_eq(fa, 2);
	results_close(a);
	results_close(b);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 2);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM params"), 3);
}
END_TEST

/*
 * An old twsim file of schema `version` is refused, naming the version
 * and, when `why` is not NULL, the reason.
 */
static void
assert_old_version_refused(int version, const char *why)
{
	char name[32], want[32], sql[256];
	const char *p;
	sqlite3 *db;

	snprintf(name, sizeof(name), "v%d.db", version);
	p = e2e_path(name);
	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA "
	    "user_version = %d; CREATE TABLE runs (run_id INTEGER PRIMARY "
	    "KEY);", RESULTS_APPLICATION_ID, version);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	snprintf(want, sizeof(want), "schema version %d", version);
	assert_refused_untouched(p, RESULTS_EVERSION, want);
	if (why != NULL)
		assert_refused_untouched(p, RESULTS_EVERSION, why);
}

/* A version 1 file (before identities) is refused, with the reason. */
START_TEST(test_refuses_version_1_untouched)
{

	assert_old_version_refused(1, NULL);
}
END_TEST

/* A version 3 file (before issue 9's columns) is refused, with the reason. */
START_TEST(test_refuses_version_3_untouched)
{

	assert_old_version_refused(3, NULL);
}
END_TEST

/*
 * A version 4 file (before issue 15's host_stats columns) is refused,
 * saying which columns it lacks.
 */
START_TEST(test_refuses_version_4_untouched)
{

	assert_old_version_refused(4, "rexmt_data, rexmt_timeouts and "
	    "fast_rexmt");
}
END_TEST

static void	write_tw_run(const char *p, int mode);

/* connection_stats as text, through an open handle (temp or main). */
static char *
conn_stats_text(sqlite3 *db)
{
	const char *q = "SELECT group_concat(row, ';') FROM (SELECT host || "
	    "',' || connect_n || ',' || quote(connect_p50_s) || ',' || "
	    "quote(connect_max_s) || ',' || tw_n || ',' || "
	    "quote(tw_life_mean_s) || ',' || quote(tw_life_p99_s) AS row "
	    "FROM connection_stats ORDER BY run_id, host)";
	sqlite3_stmt *st;
	char *t;

	ck_assert_int_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	t = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return (t);
}

/*
 * A version 5 file (before connection_stats) is still read and written:
 * a reader makes the table from the rows in its private temp schema and
 * leaves the file byte-for-byte as it was; a merge from it makes the
 * table's rows as it copies the runs; a writer upgrades the file to
 * version 6 in place.  Every way the table is what the runs themselves
 * would have written.
 */
START_TEST(test_version_5_file_is_read_untouched_and_upgraded_by_a_writer)
{
	static const char *const tables[] = { "runs", "host_stats",
	    "connection_stats", NULL };
	const char *p = e2e_path("v5.db"), *pm = e2e_path("from-v5.db");
	struct results *r;
	char err[512], *want, *got, *before, *after;
	size_t n0, n1;
	int64_t version;
	sqlite3 *db;

	write_tw_run(p, RESULTS_RW_CREATE);
	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	want = conn_stats_text(db);
	ck_assert_int_eq(sqlite3_exec(db, "DROP TABLE connection_stats; "
	    "PRAGMA user_version = 5; PRAGMA journal_mode = DELETE", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	before = e2e_slurp(p, &n0);
	ck_assert_msg(results_open_reader(p, tables, &r, err, sizeof(err)) ==
	    RESULTS_OK, "%s", err);
	got = conn_stats_text(results_sqlite(r));
	ck_assert_str_eq(got, want);
	free(got);
	results_close(r);
	after = e2e_slurp(p, &n1);
	ck_assert_uint_eq(n0, n1);
	ck_assert(memcmp(before, after, n0) == 0);
	free(before);
	free(after);

	/* Merged from: the runs' rows are made as they are copied. */
	r = open_rw(pm);
	ck_assert_msg(results_merge(r, p, 0, NULL, err, sizeof(err)) ==
	    RESULTS_OK, "%s", err);
	got = conn_stats_text(results_sqlite(r));
	ck_assert_str_eq(got, want);
	free(got);
	results_close(r);

	r = open_rw(p);
	results_close(r);
	ck_assert_int_eq(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	got = conn_stats_text(db);
	ck_assert_str_eq(got, want);
	free(got);
	version = e2e_q_int(db, "PRAGMA user_version");
	ck_assert_int_eq(version, 6);
	sqlite3_close(db);
	free(want);
}
END_TEST

/*
 * Two writers open the same version 5 file at once: the one that gets the
 * write lock second finds it upgraded already and opens it as it is,
 * instead of failing on a table that exists.  Here the first "writer"
 * holds the lock, upgrades by hand and commits while the other waits.
 */
START_TEST(test_version_5_upgrade_raced_by_another_writer)
{
	const char *p = e2e_path("v5race.db");
	struct results *r;
	sqlite3 *db;
	pid_t pid;
	int status, go[2];
	char c;

	write_tw_run(p, RESULTS_RW_CREATE);
	/*
	 * The second writer is forked before this process opens the file,
	 * so that it carries no SQLite handle across fork() (which would
	 * leak that handle's pages in the child, under valgrind).
	 */
	ck_assert_int_eq(pipe(go), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char err[512];

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		if (results_open(p, RESULTS_RW_CREATE, &r, err,
		    sizeof(err)) != RESULTS_OK) {
			fprintf(stderr, "%s\n", err);
			_exit(1);
		}
		results_close(r);
		_exit(0);
	}
	close(go[0]);
	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE keep AS SELECT * FROM "
	    "connection_stats; DROP TABLE connection_stats; "
	    "PRAGMA user_version = 5", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(write(go[1], "x", 1), 1);
	close(go[1]);
	usleep(300000);		/* the child classified it and waits */
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE connection_stats AS "
	    "SELECT * FROM keep; DROP TABLE keep; PRAGMA user_version = 6; "
	    "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/*
 * Slices merged back in run_index order (results_merge_runs(), what
 * `twsim merge` of `--runs` slices needs): the rows equal those of one
 * process writing every run in order.  A run id the source lacks is
 * refused and copies nothing.
 */
START_TEST(test_merge_runs_interleaved_slices_in_run_index_order)
{
	const char *pa = e2e_path("all.db"), *pc = e2e_path("out.db");
	const char *ps1 = e2e_path("even.db"), *ps2 = e2e_path("odd.db");
	struct results_merge_stats ms;
	struct results *a, *s1, *s2, *c;
	char err[512], *da, *dc;
	int64_t id1[3], id2[2], missing = 99;
	int k;

	a = open_rw(pa);
	for (k = 0; k < 5; k++)
		write_run(a, k, RESULTS_STATUS_COMPLETE);
	results_close(a);
	s1 = open_rw(ps1);
	s2 = open_rw(ps2);
	/* Each slice written in its own order: odd ones backwards. */
	for (k = 0; k < 5; k += 2)
		id1[k / 2] = write_run(s1, k, RESULTS_STATUS_COMPLETE);
	id2[1] = write_run(s2, 3, RESULTS_STATUS_COMPLETE);
	id2[0] = write_run(s2, 1, RESULTS_STATUS_COMPLETE);
	results_close(s1);
	results_close(s2);

	c = open_rw(pc);
	ck_assert_int_eq(results_merge_runs(c, ps2, &missing, 1, 0, &ms, err,
	    sizeof(err)), RESULTS_EINVAL);
	for (k = 0; k < 5; k++)
		ck_assert_int_eq(results_merge_runs(c, k % 2 ? ps2 : ps1,
		    k % 2 ? &id2[k / 2] : &id1[k / 2], 1, 0, &ms, err,
		    sizeof(err)), RESULTS_OK);
	results_close(c);
	da = dump_tables(pa);
	dc = dump_tables(pc);
	ck_assert_str_eq(da, dc);
	ck_assert_int_eq(sql_int(pc, "SELECT group_concat(run_index) = "
	    "'0,1,2,3,4' FROM (SELECT run_index FROM runs ORDER BY run_id)"), 1);
	free(da);
	free(dc);
}
END_TEST

/*
 * A writer that finds the file locked by another for longer than SQLite's
 * usual few seconds backs off and waits (RESULTS_BUSY_LIMIT_MS), then
 * records its run.
 */
START_TEST(test_writer_waits_out_a_long_lock)
{
	const char *p = e2e_path("busy.db");
	struct results *r;
	struct timespec t0, t1;
	int go[2], locked[2], status;
	pid_t pid;
	char c;

	/*
	 * The locker is forked before this process opens anything, so that
	 * it shares no SQLite state with it (nor leaks any under valgrind).
	 */
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(locked), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		sqlite3 *db;
		int rc = 1;

		close(go[1]);
		close(locked[0]);
		if (read(go[0], &c, 1) == 1 && sqlite3_open(p, &db) ==
		    SQLITE_OK) {
			if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
			    NULL) == SQLITE_OK &&
			    write(locked[1], "x", 1) == 1) {
				sleep(6);
				rc = sqlite3_exec(db, "COMMIT", NULL, NULL,
				    NULL) != SQLITE_OK;
			}
			sqlite3_close(db);
		}
		_exit(rc);
	}
	close(go[0]);
	close(locked[1]);
	/* Open (in WAL mode) before the lock: the wait is at run end. */
	r = open_rw(p);
	ck_assert_int_eq(write(go[1], "x", 1), 1);
	ck_assert_int_eq(read(locked[0], &c, 1), 1);
	close(go[1]);
	close(locked[0]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(write_run(r, 0, RESULTS_STATUS_COMPLETE), 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	results_close(r);
	ck_assert_int_ge(t1.tv_sec - t0.tv_sec, 4);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 1);
}
END_TEST

/* A file with damaged pages is refused by every opener, left as it is. */
START_TEST(test_refuses_damaged_file_untouched)
{
	const char *p = e2e_path("damaged.db");
	struct results *r;
	char err[512], *before;
	size_t n0;
	int64_t pages, psize;
	FILE *f;
	int k, mode;

	r = open_rw(p);
	for (k = 0; k < 6; k++)
		write_run(r, k, RESULTS_STATUS_COMPLETE);
	results_close(r);
	pages = sql_int(p, "PRAGMA page_count");
	psize = sql_int(p, "PRAGMA page_size");
	ck_assert_int_gt(pages, 8);
	/* Garbage over the b-tree pages past the schema page. */
	f = fopen(p, "r+b");
	ck_assert_ptr_nonnull(f);
	for (k = 2; k < pages; k += 2) {
		ck_assert_int_eq(fseek(f, (long)(k * psize), SEEK_SET), 0);
		ck_assert_int_eq(fwrite("\x0d\xff\xff\xff\xff\xff\xff\xff", 1,
		    8, f), 8);
	}
	fclose(f);
	before = e2e_slurp(p, &n0);
	for (mode = RESULTS_RW_CREATE; mode <= RESULTS_READONLY; mode++) {
		ck_assert_int_eq(results_open(p, mode, &r, err, sizeof(err)),
		    RESULTS_EDAMAGED);
		ck_assert_ptr_nonnull(strstr(err, p));
		ck_assert_ptr_nonnull(strstr(err, "damaged"));
	}
	assert_unchanged(p, before, n0);
}
END_TEST

/*
 * A run of five connection rows, written in `mode`: client latencies
 * 0.01 to 0.04 (the fifth never established), TIME_WAITs of 60 and 62 s
 * on the client, 30 s on the server, one skipped on the client.
 */
static void
write_tw_run(const char *p, int mode)
{
	static const double lat[5] = { 0.01, 0.02, 0.03, 0.04, NAN };
	static const double life[5] = { 60, 62, 30, 0, NAN };
	static const char *const host[5] = { "client", "client", "server",
	    "client", NULL };
	static const char *const how[5] = { "expired", "recycled", "expired",
	    "skipped", NULL };
	struct results_run run;
	struct results_conn c;
	struct results *r;
	char err[512];
	int64_t id;
	int j;

	ck_assert_int_eq(results_open(p, mode, &r, err, sizeof(err)),
	    RESULTS_OK);
	memset(&run, 0, sizeof(run));
	run.scenario = "tw";
	run.version = "0.1.0";
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	for (j = 0; j < 5; j++) {
		memset(&c, 0, sizeof(c));
		c.conn_id = j;
		c.workload = "web";
		c.client = "client";
		c.server = "server";
		c.t_start = j;
		c.t_established = j + lat[j];
		c.t_end = j + 1;
		c.outcome = j == 4 ? RESULTS_OUTCOME_ADDRNOTAVAIL :
		    RESULTS_OUTCOME_OK;
		c.tw_end = how[j];
		c.tw_host = host[j];
		c.t_tw_start = j + 1;
		c.t_tw_end = j + 1 + life[j];
		ck_assert_int_eq(results_connection(r, id, &c), RESULTS_OK);
	}
	ck_assert_int_eq(results_run_end(r, id, RESULTS_STATUS_COMPLETE, 10,
	    0.1, 1, 0, NULL, NULL), RESULTS_OK);
	results_close(r);
}

/*
 * connection_stats: at the end of a run, per host, the connect latency of
 * its established connections and the lifetime of the TIME_WAITs it held
 * (not the skipped one), from the run's rows; the same whether the run is
 * staged (twsim run) or written in place (a -j worker's part file), and
 * merged with the run.
 */
START_TEST(test_connection_stats_written_at_run_end)
{
	const char *pa = e2e_path("a.db"), *pp = e2e_path("part.db");
	const char *pm = e2e_path("m.db");
	const char *q = "SELECT group_concat(row, ';') FROM (SELECT host || "
	    "',' "
	    "|| connect_n || ',' || quote(round(connect_p50_s, 9)) || ',' || "
	    "quote(round(connect_max_s, 9)) || ',' || tw_n || ',' || "
	    "quote(tw_life_mean_s) || ',' || quote(tw_life_p50_s) || ',' || "
	    "quote(tw_life_max_s) AS row FROM connection_stats ORDER BY rowid)";
	const char *want = "client,4,0.025,0.04,2,61.0,61.0,62.0;"
	    "server,0,NULL,NULL,1,30.0,30.0,30.0";
	struct results *r;
	char err[512], *da, *dm;
	sqlite3 *db;
	sqlite3_stmt *st;
	int i;

	write_tw_run(pa, RESULTS_RW_CREATE);
	write_tw_run(pp, RESULTS_RW_PART);
	r = open_rw(pm);
	ck_assert_int_eq(results_merge(r, pp, 0, NULL, err, sizeof(err)),
	    RESULTS_OK);
	results_close(r);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(sqlite3_open_v2(i == 0 ? pa : i == 1 ? pp : pm,
		    &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL),
		    SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 0),
		    want);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	da = dump_tables(pa);
	dm = dump_tables(pm);
	ck_assert_str_eq(da, dm);
	free(da);
	free(dm);
}
END_TEST

/* n random connection rows, three hosts, into open run id of r. */
static void
write_random_rows(struct results *r, int64_t id, int n)
{
	static const char *const host[3] = { "c1", "c2", "srv" };
	static const char *const how[5] = { "expired", "recycled", "skipped",
	    "open", NULL };
	struct results_conn c;
	unsigned seed = 7;
	int j;

	for (j = 0; j < n; j++) {
		memset(&c, 0, sizeof(c));
		c.conn_id = j;
		c.workload = "web";
		c.client = host[rand_r(&seed) % 2];
		c.server = "srv";
		c.t_start = j * 0.001 + rand_r(&seed) % 1000 * 1e-7;
		c.t_established = rand_r(&seed) % 8 == 0 ? NAN :
		    c.t_start + rand_r(&seed) % 100000 * 1.3e-7;
		c.t_end = c.t_start + 1;
		c.outcome = RESULTS_OUTCOME_OK;
		c.tw_end = how[rand_r(&seed) % 5];
		c.tw_host = host[rand_r(&seed) % 3];
		c.t_tw_start = c.t_end;
		c.t_tw_end = strcmp(c.tw_end != NULL ? c.tw_end : "", "open") ==
		    0 ? NAN : c.t_tw_start + rand_r(&seed) % 6000 * 0.01;
		ck_assert_int_eq(results_connection(r, id, &c), RESULTS_OK);
	}
}

/*
 * One run of n random rows, three hosts, into p, keeping at most
 * stats_values connection_stats values and buffered_rows rows in memory
 * (SIZE_MAX: the defaults).
 */
static void
write_random_run(const char *p, size_t stats_values, size_t buffered_rows,
    int n)
{
	struct results_run run;
	struct results *r;
	char err[512];
	int64_t id;

	ck_assert_int_eq(results_open(p, RESULTS_RW_CREATE, &r, err,
	    sizeof(err)), RESULTS_OK);
	if (stats_values != SIZE_MAX)
		results_set_row_memory(r, stats_values, buffered_rows,
		    SIZE_MAX);
	memset(&run, 0, sizeof(run));
	run.scenario = "random";
	run.version = "0.1.0";
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	write_random_rows(r, id, n);
	ck_assert_int_eq(results_run_end(r, id, RESULTS_STATUS_COMPLETE, 10,
	    0.1, 1, 0, NULL, NULL), RESULTS_OK);
	results_close(r);
}

/* connection_stats of p with every value exact ("%a"), NULL as "-". */
static char *
stats_bits(const char *p)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	sqlite3_str *out;
	char *s;
	int i;

	ck_assert_int_eq(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM "
	    "connection_stats ORDER BY rowid", -1, &st, NULL), SQLITE_OK);
	out = sqlite3_str_new(db);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			char num[64];

			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				snprintf(num, sizeof(num), "-");
				break;
			case SQLITE_TEXT:
				snprintf(num, sizeof(num), "%s",
				    sqlite3_column_text(st, i));
				break;
			default:
				snprintf(num, sizeof(num), "%a",
				    sqlite3_column_double(st, i));
			}
			sqlite3_str_appendf(out, "%s|", num);
		}
		sqlite3_str_appendf(out, "\n");
	}
	sqlite3_finalize(st);
	s = strdup(sqlite3_str_value(out) != NULL ? sqlite3_str_value(out) :
	    "");
	sqlite3_free(sqlite3_str_finish(out));
	sqlite3_close(db);
	ck_assert_ptr_nonnull(s);
	return s;
}

/*
 * What a writer keeps in memory changes nothing in the file: the rows in
 * the same order, and connection_stats to the last bit, whether its values
 * are kept as the rows are written or read back from them (none kept, or
 * the limit reached half-way), and whether the rows are buffered (and
 * written CONN_BATCH at a time, the rest one by one) or staged (buffers of
 * 100 or 33 rows, so staged several times, or none).
 */
START_TEST(test_row_memory_changes_nothing_in_the_file)
{
	static const struct {
		const char	*name;
		size_t		 stats_values, buffered_rows;
	} way[] = {
		{ "default.db", SIZE_MAX, SIZE_MAX },
		{ "none.db", 0, 0 },
		{ "half.db", 2500, 100 },
		{ "odd.db", 0, 33 },
		{ "stats.db", SIZE_MAX - 1, 0 },
	};
	char *want_stats, *want_rows, *got;
	size_t i;

	for (i = 0; i < sizeof(way) / sizeof(way[0]); i++)
		write_random_run(e2e_path(way[i].name), way[i].stats_values,
		    way[i].buffered_rows, 3000);
	ck_assert_int_eq(sql_int(e2e_path("default.db"),
	    "SELECT count(*) FROM connection_stats"), 3);
	ck_assert_int_eq(sql_int(e2e_path("default.db"),
	    "SELECT count(*) FROM connections"), 3000);
	want_stats = stats_bits(e2e_path("default.db"));
	want_rows = dump_tables(e2e_path("default.db"));
	for (i = 1; i < sizeof(way) / sizeof(way[0]); i++) {
		got = stats_bits(e2e_path(way[i].name));
		ck_assert_msg(strcmp(got, want_stats) == 0, "%s: stats differ",
		    way[i].name);
		free(got);
		got = dump_tables(e2e_path(way[i].name));
		ck_assert_msg(strcmp(got, want_rows) == 0, "%s: tables differ",
		    way[i].name);
		free(got);
	}
	free(want_stats);
	free(want_rows);
}
END_TEST

/*
 * One run of scenario `name` with n random rows into r: failed with
 * message `error` when not NULL, abandoned when `abort`.
 */
static void
random_run_on(struct results *r, const char *name, int n, const char *error,
    int abort)
{
	struct results_run run;
	int64_t id;

	memset(&run, 0, sizeof(run));
	run.scenario = name;
	run.version = "0.1.0";
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	write_random_rows(r, id, n);
	if (abort) {
		ck_assert_int_eq(results_run_abort(r, id), RESULTS_OK);
		return;
	}
	if (error != NULL)
		ck_assert_int_eq(results_run_error(r, id, error), RESULTS_OK);
	ck_assert_int_eq(results_run_end(r, id, error != NULL ?
	    RESULTS_STATUS_FAILED : RESULTS_STATUS_COMPLETE, 10, 0.1, 1, 0,
	    NULL, NULL), RESULTS_OK);
}

/*
 * The writer prepares its statements on first use: the staged connection
 * statements (rows beyond the 40 held in memory), the run error's, the
 * file's single-row and batch inserts, each first used in a different
 * run, serve every later run on the same handle -- after a failed run, an
 * abandoned one, the identity rule's skip and replaces -- as fresh handles
 * do; whether the staging database is emptied for the next run or made
 * anew.
 */
START_TEST(test_writer_statements_prepared_on_first_use_serve_later_runs)
{
	static const struct {
		const char	*name;
		int		 n;
		const char	*error;
		int		 abort;
	} run[] = {
		{ "few", 5, NULL, 0 },		/* single-row inserts only */
		{ "many", 100, NULL, 0 },	/* staged, batches and singles */
		{ "failed", 70, "boom", 0 },	/* ST_RUN_ERROR */
		{ "abandoned", 90, NULL, 1 },	/* staged, then dropped */
		{ "again", 100, NULL, 0 },
		{ "many", 100, NULL, 0 },	/* skipped: already there */
		{ "failed", 60, "bang", 0 },	/* replaces the failed run */
		{ "batch", 64, NULL, 0 },	/* batches only */
		{ "failed", 70, NULL, 0 },	/* and again, complete */
	};
	static const size_t stage_pages[2] = { SIZE_MAX, 0 };
	const char *fresh = e2e_path("fresh.db"), *one;
	struct results *r;
	char *want, *got;
	size_t i, k;

	for (i = 0; i < sizeof(run) / sizeof(run[0]); i++) {
		if (run[i].abort)
			continue;
		r = open_rw(fresh);
		random_run_on(r, run[i].name, run[i].n, run[i].error, 0);
		results_close(r);
	}
	want = dump_tables(fresh);
	for (k = 0; k < 2; k++) {
		one = e2e_path(k == 0 ? "kept.db" : "anew.db");
		r = open_rw(one);
		results_set_row_memory(r, SIZE_MAX - 1, 40, stage_pages[k]);
		for (i = 0; i < sizeof(run) / sizeof(run[0]); i++)
			random_run_on(r, run[i].name, run[i].n, run[i].error,
			    run[i].abort);
		results_close(r);
		ck_assert_int_eq(sql_int(one, "SELECT count(*) FROM runs"), 5);
		ck_assert_int_eq(sql_int(one, "SELECT count(*) FROM "
		    "connections"), 5 + 100 + 70 + 100 + 64);
		ck_assert_int_eq(sql_int(one, "SELECT count(*) FROM runs WHERE "
		    "scenario = 'failed' AND error IS NULL AND status = "
		    "'complete'"), 1);
		got = dump_tables(one);
		ck_assert_str_eq(got, want);
		free(got);
	}
	free(want);
}
END_TEST

/*
 * After an SQL error the staging database, which has no journal and so
 * may have been rolled back half-way, is made anew, not emptied: a
 * staging database that may not grow past 20 pages (a full disk) fails a
 * run, and the next run on the same handle, staging far more, is recorded
 * whole.
 */
START_TEST(test_stage_after_an_sql_error_is_made_anew)
{
	const char *p = e2e_path("s.db");
	struct results_run run;
	struct results_conn c;
	struct results *r = open_rw(p);
	int64_t id;
	int j, rc = RESULTS_OK;

	results_set_row_memory(r, SIZE_MAX - 1, 0, SIZE_MAX);
	ck_assert_int_eq(sqlite3_exec(results_sqlite(r),
	    "PRAGMA stage.max_page_count = 20", NULL, NULL, NULL), SQLITE_OK);
	memset(&run, 0, sizeof(run));
	run.scenario = "full";
	run.version = "0.1.0";
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	memset(&c, 0, sizeof(c));
	c.workload = "web";
	c.client = c.server = "a-host-name-long-enough-to-fill-pages-quickly";
	c.outcome = RESULTS_OUTCOME_OK;
	for (j = 0; j < 5000 && rc == RESULTS_OK; j++) {
		c.conn_id = j;
		rc = results_connection(r, id, &c);
	}
	ck_assert_int_ne(rc, RESULTS_OK);
	ck_assert_int_eq(results_run_abort(r, id), RESULTS_OK);
	random_run_on(r, "after", 3000, NULL, 0);
	results_close(r);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM runs"), 1);
	ck_assert_int_eq(sql_int(p, "SELECT count(*) FROM connections"), 3000);
}
END_TEST

/* Garbage over the first page of `table` (its b-tree root). */
static void
damage_root_of(const char *p, const char *table)
{
	char sql[128];
	int64_t page, psize;
	FILE *f;

	snprintf(sql, sizeof(sql), "SELECT rootpage FROM sqlite_master WHERE "
	    "name = '%s'", table);
	page = sql_int(p, sql);
	psize = sql_int(p, "PRAGMA page_size");
	ck_assert_int_gt(page, 1);
	f = fopen(p, "r+b");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, (long)((page - 1) * psize), SEEK_SET), 0);
	ck_assert_int_eq(fwrite("\x0d\xff\xff\xff\xff\xff\xff\xff", 1, 8, f),
	    8);
	fclose(f);
}

/*
 * results_open_reader() checks the tables it is given, not the whole file:
 * a damaged connections table does not stop a reader of the others (it
 * stops every whole-file opener), a damaged table it reads does; the file
 * is left as it is either way.
 */
START_TEST(test_reader_checks_only_the_tables_it_reads)
{
	static const char *const tables[] = { "runs", "params", "samples",
	    "host_stats", "connection_stats", NULL };
	const char *p = e2e_path("d.db");
	struct results *r;
	char err[512], *before;
	size_t n0;
	int k;

	r = open_rw(p);
	for (k = 0; k < 4; k++)
		write_run(r, k, RESULTS_STATUS_COMPLETE);
	results_close(r);
	damage_root_of(p, "connections");
	assert_refused_untouched(p, RESULTS_EDAMAGED, "damaged");
	ck_assert_msg(results_open_reader(p, tables, &r, err, sizeof(err)) ==
	    RESULTS_OK, "%s", err);
	results_close(r);
	damage_root_of(p, "host_stats");
	before = e2e_slurp(p, &n0);
	ck_assert_int_eq(results_open_reader(p, tables, &r, err, sizeof(err)),
	    RESULTS_EDAMAGED);
	ck_assert_ptr_nonnull(strstr(err, "damaged"));
	assert_unchanged(p, before, n0);
}
END_TEST

static Suite *
results_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("results");
	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_new_file_gets_schema_and_marks);
	tcase_add_test(tc, test_new_file_for_one_run_is_written_without_wal);
	tcase_add_test(tc, test_existing_file_is_wal_at_once);
	tcase_add_test(tc, test_empty_file_gets_schema);
	tcase_add_test(tc, test_append_across_opens_continues_run_ids);
	tcase_add_test(tc, test_run_summary_joins_runs_and_hosts);
	tcase_add_test(tc, test_nan_is_stored_as_null);
	tcase_add_test(tc, test_aborted_run_leaves_earlier_runs_intact);
	tcase_add_test(tc, test_sigkill_mid_run_leaves_nothing_of_that_run);
	tcase_add_test(tc, test_interrupted_and_failed_status_are_committed);
	tcase_add_test(tc, test_writes_outside_a_run_are_refused);
	tcase_add_test(tc, test_run_rolled_back_by_sqlite_writes_no_stray_rows);
	tcase_add_test(tc, test_reader_during_write_sees_committed_runs_only);
	tcase_add_test(tc, test_concurrent_writers_of_a_new_file_all_append);
	tcase_add_test(tc, test_refuses_non_sqlite_file_untouched);
	tcase_add_test(tc, test_refuses_foreign_sqlite_db_untouched);
	tcase_add_test(tc, test_refuses_foreign_wal_mode_db_untouched);
	tcase_add_test(tc, test_refuses_future_schema_version_untouched);
	tcase_add_test(tc, test_readonly_refuses_missing_file_and_writes);
	tcase_add_test(tc, test_refuses_unreadable_file);
	tcase_add_test(tc, test_refuses_directory);
	tcase_add_test(tc, test_merge_equals_direct_writes);
	tcase_add_test(tc, test_merge_appends_after_existing_runs_and_keeps_writing);
	tcase_add_test(tc, test_merge_refuses_foreign_source_and_changes_nothing);
	tcase_add_test(tc, test_merge_sources_in_run_index_order);
	tcase_add_test(tc, test_identity_is_scenario_params_seed_repetition);
	tcase_add_test(tc, test_identity_rule_skip_replace_keep_complete);
	tcase_add_test(tc, test_open_recovers_part_files_of_a_dead_parent);
	tcase_add_test(tc, test_refuses_damaged_file_untouched);
	tcase_add_test(tc, test_identity_second_writer_of_a_run_is_dropped);
	tcase_add_test(tc, test_refuses_version_1_untouched);
	tcase_add_test(tc, test_refuses_version_3_untouched);
	tcase_add_test(tc, test_refuses_version_4_untouched);
	tcase_add_test(tc, test_version_5_file_is_read_untouched_and_upgraded_by_a_writer);
	tcase_add_test(tc, test_version_5_upgrade_raced_by_another_writer);
	tcase_add_test(tc, test_connection_stats_written_at_run_end);
	tcase_add_test(tc, test_row_memory_changes_nothing_in_the_file);
	tcase_add_test(tc, test_writer_statements_prepared_on_first_use_serve_later_runs);
	tcase_add_test(tc, test_stage_after_an_sql_error_is_made_anew);
	tcase_add_test(tc, test_reader_checks_only_the_tables_it_reads);
	tcase_add_test(tc, test_merge_runs_interleaved_slices_in_run_index_order);
	tcase_add_test(tc, test_writer_waits_out_a_long_lock);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(results_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
