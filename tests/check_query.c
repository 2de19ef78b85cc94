/*
 * check_query.c -- analysis/query.c and analysis/cmd_query.c: the output
 * formats (CSV quoting, JSON escaping, NULL, shortest reals, aligned text),
 * refusal of statements that write, the named queries, and the validation
 * done by `twsim query` / `twsim export`.
 *
 * Output is captured with open_memstream() and compared exactly.
 */
#include "config.h"

#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "analysis/commands.h"
#include "analysis/query.h"
#include "analysis/results.h"

/* Output capture. */
static char *cap_buf;
static size_t cap_len;
static FILE *cap;

static FILE *
cap_open(void)
{
	free(cap_buf);
	cap_buf = NULL;
	cap = open_memstream(&cap_buf, &cap_len);
	ck_assert_ptr_nonnull(cap);
	return cap;
}

static const char *
cap_text(void)
{
	fclose(cap);
	cap = NULL;
	return cap_buf;
}

static sqlite3 *
memdb(void)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	return db;
}

/* Runs sql on db and returns what query_run printed (rc must be OK). */
static const char *
run(sqlite3 *db, const char *sql, enum query_format fmt)
{
	char err[512];
	int rc;

	rc = query_run(db, "mem", sql, fmt, cap_open(), err, sizeof(err));
	ck_assert_msg(rc == QUERY_OK, "%s: %s", sql, err);
	return cap_text();
}

START_TEST(test_csv_field_quotes_per_rfc4180)
{
	FILE *f = cap_open();

	query_csv_field(f, "plain", 5);
	putc('|', f);
	query_csv_field(f, "a,b", 3);
	putc('|', f);
	query_csv_field(f, "say \"hi\"", 8);
	putc('|', f);
	query_csv_field(f, "two\nlines", 9);
	putc('|', f);
	query_csv_field(f, "cr\r", 3);
	putc('|', f);
	query_csv_field(f, "", 0);
	ck_assert_str_eq(cap_text(),
	    "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\r\"|\"\"");
}
END_TEST

START_TEST(test_json_string_escapes_quotes_backslash_controls)
{
	FILE *f = cap_open();

	query_json_string(f, "a\"b\\c\nd\te\x01" "f\x1f", 12);
	putc('|', f);
	query_json_string(f, "h\xc3\xa9", 3);	/* UTF-8 passes through */
	ck_assert_str_eq(cap_text(),
	    "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u001f\"|\"h\xc3\xa9\"");
}
END_TEST

START_TEST(test_real_is_shortest_round_trip)
{
	char buf[64];
	double v;

	query_format_real(buf, sizeof(buf), 0.1);
	ck_assert_str_eq(buf, "0.1");
	query_format_real(buf, sizeof(buf), 5.0);
	ck_assert_str_eq(buf, "5");
	query_format_real(buf, sizeof(buf), 1.0 / 3.0);
	ck_assert(strtod(buf, NULL) == 1.0 / 3.0);
	v = 0.1 + 0.2;		/* needs 17 digits */
	query_format_real(buf, sizeof(buf), v);
	ck_assert(strtod(buf, NULL) == v);
	ck_assert_str_eq(buf, "0.30000000000000004");
}
END_TEST

START_TEST(test_csv_output_tells_null_from_empty)
{
	sqlite3 *db = memdb();

	ck_assert_str_eq(run(db, "SELECT NULL AS a, '' AS b, 1 AS c,"
	    " 2.5 AS d, 'x,y' AS \"e,f\"", QUERY_CSV),
	    "a,b,c,d,\"e,f\"\n,\"\",1,2.5,\"x,y\"\n");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_json_output_types_null_and_escaping)
{
	sqlite3 *db = memdb();

	ck_assert_str_eq(run(db, "SELECT NULL AS a, 'q\"' AS b, 1 AS c,"
	    " 2.5 AS d, 9e999 AS inf UNION ALL SELECT 1, 'x', -7, 0.1, 0",
	    QUERY_JSON),
	    "[\n{\"a\":null,\"b\":\"q\\\"\",\"c\":1,\"d\":2.5,\"inf\":null},\n"
	    "{\"a\":1,\"b\":\"x\",\"c\":-7,\"d\":0.1,\"inf\":0}\n]\n");
	ck_assert_str_eq(run(db, "SELECT 1 AS a WHERE 0", QUERY_JSON), "[]\n");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_text_output_aligns_columns_numbers_right)
{
	sqlite3 *db = memdb();

	ck_assert_str_eq(run(db, "SELECT 'ab' AS name, 1 AS n, NULL AS x"
	    " UNION ALL SELECT 'abcd', 100, 2.5", QUERY_TEXT),
	    "name    n     x\n"
	    "ab      1  NULL\n"
	    "abcd  100   2.5\n");
	/* No rows: the header alone. */
	ck_assert_str_eq(run(db, "SELECT 1 AS a WHERE 0", QUERY_TEXT), "a\n");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_statements_that_write_are_refused)
{
	sqlite3 *db = memdb();
	char err[512];

	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t (x);"
	    " INSERT INTO t VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(query_run(db, "mem", "DELETE FROM t", QUERY_CSV,
	    cap_open(), err, sizeof(err)), QUERY_EWRITE);
	cap_text();
	ck_assert_ptr_nonnull(strstr(err, "writes"));
	ck_assert_int_eq(query_run(db, "mem", "CREATE TABLE u (y)", QUERY_CSV,
	    cap_open(), err, sizeof(err)), QUERY_EWRITE);
	cap_text();
	/* A write hidden after a read is not run either. */
	ck_assert_int_eq(query_run(db, "mem", "SELECT 1; DELETE FROM t",
	    QUERY_CSV, cap_open(), err, sizeof(err)), QUERY_ESQL);
	cap_text();
	ck_assert_int_eq(query_run(db, "mem", "ATTACH 'x.db' AS x", QUERY_CSV,
	    cap_open(), err, sizeof(err)), QUERY_ESQL);
	cap_text();
	ck_assert(access("x.db", F_OK) != 0);
	ck_assert_str_eq(run(db, "SELECT count(*) AS n FROM t", QUERY_CSV),
	    "n\n1\n");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_sql_error_names_label_and_reason)
{
	sqlite3 *db = memdb();
	char err[512];

	ck_assert_int_eq(query_run(db, "results.db", "SELECT * FROM nosuch",
	    QUERY_TEXT, cap_open(), err, sizeof(err)), QUERY_ESQL);
	cap_text();
	ck_assert_ptr_nonnull(strstr(err, "results.db"));
	ck_assert_ptr_nonnull(strstr(err, "no such table: nosuch"));
	sqlite3_close(db);
}
END_TEST

/* ---- against a real results database ---------------------------------- */

static char dir[256];
static char dbpath[320];

static void
db_setup(void)
{
	struct results_run run = { "web", "rate=20/s", 0, 42, "0.1.0", 0, 0,
	    NULL };
	struct results_host h;
	struct results_sample s;
	struct results_conn c;
	struct results *r;
	char err[512];
	int64_t id;
	const char *base = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/check_query.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/r.db", dir);
	ck_assert_int_eq(results_open(dbpath, RESULTS_RW_CREATE, &r, err,
	    sizeof(err)), RESULTS_OK);
	ck_assert_int_eq(results_run_begin(r, &run, &id), RESULTS_OK);
	memset(&s, 0, sizeof(s));
	s.host = "client";
	s.t = 1;
	s.tw_count = 5;
	ck_assert_int_eq(results_sample(r, id, &s), RESULTS_OK);
	s.t = 2;
	s.tw_count = 9;
	ck_assert_int_eq(results_sample(r, id, &s), RESULTS_OK);
	memset(&c, 0, sizeof(c));
	c.workload = "web";
	c.client = "client";
	c.server = "server";
	c.t_established = NAN;
	c.t_end = 1;
	c.outcome = RESULTS_OUTCOME_ADDRNOTAVAIL;
	ck_assert_int_eq(results_connection(r, id, &c), RESULTS_OK);
	memset(&h, 0, sizeof(h));
	h.host = "client";
	h.conn_failed_addrnotavail = 3;
	h.tw_peak = 9;
	h.tw_cap = 10;
	h.tw_cap_effective = 50;
	h.conn_failed_nobufs = 2;
	h.first_addrnotavail_s = 1.25;
	h.connect_p50_s = h.connect_p99_s = h.connect_max_s = NAN;
	ck_assert_int_eq(results_host_stats(r, id, &h), RESULTS_OK);
	h.host = "server";
	h.conn_failed_addrnotavail = 0;
	h.conn_failed_nobufs = 0;
	h.first_addrnotavail_s = NAN;
	ck_assert_int_eq(results_host_stats(r, id, &h), RESULTS_OK);
	ck_assert_int_eq(results_run_end(r, id, RESULTS_STATUS_COMPLETE, 60, 1,
	    123, 0, NULL, NULL), RESULTS_OK);
	results_close(r);
}

static void
db_teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cap_buf);
	cap_buf = NULL;
}

static const char *
run_named(const char *name, enum query_format fmt)
{
	const struct query_named *q = query_named_find(name);
	struct results *r;
	char err[512];
	int rc;

	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(results_open(dbpath, RESULTS_READONLY, &r, err,
	    sizeof(err)), RESULTS_OK);
	rc = query_run(results_sqlite(r), dbpath, q->sql, fmt, cap_open(), err,
	    sizeof(err));
	results_close(r);
	ck_assert_msg(rc == QUERY_OK, "%s: %s", name, err);
	return cap_text();
}

START_TEST(test_every_named_query_runs)
{
	static const char *const required[] = { "runs", "summary",
	    "exhaustion", "timewait", "connections-outcomes", "samples-last",
	    NULL };
	const struct query_named *q;
	int i;

	for (i = 0; required[i] != NULL; i++)
		ck_assert_msg(query_named_find(required[i]) != NULL, "%s",
		    required[i]);
	for (q = query_named_table; q->name != NULL; q++)
		ck_assert_ptr_nonnull(strchr(run_named(q->name, QUERY_CSV),
		    '\n'));
}
END_TEST

START_TEST(test_exhaustion_query_shows_null_when_never)
{
	ck_assert_str_eq(run_named("exhaustion", QUERY_CSV),
	    "run_id,sweep,repetition,host,first_addrnotavail_s,"
	    "conn_failed_addrnotavail,conn_attempted,tw_peak,tw_cap,"
	    "tw_cap_effective,conn_failed_nobufs,conn_failed_addrinuse\n"
	    "1,rate=20/s,0,client,1.25,3,0,9,10,50,2,0\n"
	    "1,rate=20/s,0,server,,0,0,9,10,50,0,0\n");
}
END_TEST

START_TEST(test_samples_last_picks_latest_sample)
{
	const char *out = run_named("samples-last", QUERY_JSON);

	ck_assert_ptr_nonnull(strstr(out, "\"t\":2,"));
	ck_assert_ptr_nonnull(strstr(out, "\"tw_count\":9,"));
	ck_assert_ptr_null(strstr(out, "\"tw_count\":5,"));
}
END_TEST

START_TEST(test_connections_outcomes_counts)
{
	ck_assert_str_eq(run_named("connections-outcomes", QUERY_CSV),
	    "run_id,outcome,connections\n1,addrnotavail,1\n");
}
END_TEST

static int
call(int (*fn)(int, char **), const char *a0, const char *a1,
    const char *a2, const char *a3, const char *a4)
{
	char *argv[6] = { (char *)a0, (char *)a1, (char *)a2, (char *)a3,
	    (char *)a4, NULL };
	int argc = 0;

	while (argc < 5 && argv[argc] != NULL)
		argc++;
	return fn(argc, argv);
}

START_TEST(test_export_validates_table_name)
{
	char out[340];
	size_t n;
	FILE *f;
	char line[4096];

	snprintf(out, sizeof(out), "%s/out.csv", dir);
	ck_assert_int_eq(call(cmd_export, "export", dbpath, "nosuch", "-o",
	    out), 2);
	ck_assert(access(out, F_OK) != 0);
	ck_assert_int_eq(call(cmd_export, "export", dbpath,
	    "runs\"; DROP TABLE runs; --", "-o", out), 2);
	ck_assert_int_eq(call(cmd_export, "export", dbpath, "sqlite_master",
	    "-o", out), 2);
	ck_assert_int_eq(call(cmd_export, "export", dbpath, "run_summary",
	    "-o", out), 0);
	f = fopen(out, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert(strncmp(line, "run_id,scenario,sweep,repetition,seed,", 38)
	    == 0);
	for (n = 0; fgets(line, sizeof(line), f) != NULL; n++)
		;
	fclose(f);
	ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(test_query_command_refuses_bad_input)
{
	char junk[340];
	FILE *f;

	snprintf(junk, sizeof(junk), "%s/junk.db", dir);
	f = fopen(junk, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not sqlite at all, just words\n", f);
	fclose(f);
	ck_assert_int_eq(call(cmd_query, "query", junk, "runs", NULL, NULL),
	    2);
	ck_assert_int_eq(call(cmd_query, "query", junk, NULL, NULL, NULL), 2);
	ck_assert_int_eq(call(cmd_query, "query", dbpath, NULL, NULL, NULL),
	    0);
	ck_assert_int_eq(call(cmd_query, "query", dbpath, "no-such-query",
	    NULL, NULL), 2);
	ck_assert_int_eq(call(cmd_query, "query", dbpath, "DELETE FROM runs",
	    NULL, NULL), 2);
	ck_assert_int_eq(call(cmd_query, "query", dbpath, "--bogus", NULL,
	    NULL), 2);
	ck_assert_int_eq(call(cmd_query, "query", NULL, NULL, NULL, NULL), 2);
	/* The refused delete left the run in place. */
	ck_assert_str_eq(run_named("connections-outcomes", QUERY_CSV),
	    "run_id,outcome,connections\n1,addrnotavail,1\n");
}
END_TEST

static Suite *
query_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("query");
	tc = tcase_create("format");
	tcase_add_test(tc, test_csv_field_quotes_per_rfc4180);
	tcase_add_test(tc, test_json_string_escapes_quotes_backslash_controls);
	tcase_add_test(tc, test_real_is_shortest_round_trip);
	tcase_add_test(tc, test_csv_output_tells_null_from_empty);
	tcase_add_test(tc, test_json_output_types_null_and_escaping);
	tcase_add_test(tc, test_text_output_aligns_columns_numbers_right);
	tcase_add_test(tc, test_statements_that_write_are_refused);
	tcase_add_test(tc, test_sql_error_names_label_and_reason);
	suite_add_tcase(s, tc);
	tc = tcase_create("database");
	tcase_add_checked_fixture(tc, db_setup, db_teardown);
	tcase_add_test(tc, test_every_named_query_runs);
	tcase_add_test(tc, test_exhaustion_query_shows_null_when_never);
	tcase_add_test(tc, test_samples_last_picks_latest_sample);
	tcase_add_test(tc, test_connections_outcomes_counts);
	tcase_add_test(tc, test_export_validates_table_name);
	tcase_add_test(tc, test_query_command_refuses_bad_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(query_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
