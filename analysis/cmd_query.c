/*
 * cmd_query.c -- `twsim query` and `twsim export`: read a results database.
 *
 * Both open the database read-only through results_open(), so a file that
 * is not a twsim database, or is of a newer version, is refused with the
 * same message as everywhere else and never touched.  Raw SQL is run only
 * if SQLite says the statement does not write (query_run()).  Export checks
 * the table name against sqlite_master before it goes into any SQL.
 *
 * Exit codes: 0 ok, 1 failure (I/O, query stopped at --timeout), 2 bad
 * usage or bad input (unknown query or table, SQL error, refused or
 * unreadable database).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/commands.h"
#include "analysis/query.h"
#include "analysis/results.h"

static void
query_usage(FILE *out)
{
	fprintf(out,
	    "usage: twsim query DB [NAME | SQL] [--csv | --json] [--timeout SECONDS]\n"
	    "       twsim query --list\n"
	    "\n"
	    "Print the rows of a named query, or of one read-only SQL statement,\n"
	    "from the results database DB.  Without NAME or SQL, list the named\n"
	    "queries.\n"
	    "\n"
	    "Options:\n"
	    "  --csv       comma-separated values (RFC 4180), header line first\n"
	    "  --json      a JSON array of objects (NULL as null)\n"
	    "  --list      list the named queries\n"
	    "  --timeout SECONDS\n"
	    "              stop a query that runs longer (default %d; 0: no\n"
	    "              limit); exit status 1\n"
	    "  -h, --help  show this help\n"
	    "\n"
	    "Tables: runs, params, samples, connections, host_stats; view\n"
	    "run_summary.  Example:\n"
	    "  twsim query results.db \"SELECT sweep, avg(tw_peak) FROM "
	    "run_summary GROUP BY sweep\"\n", QUERY_TIMEOUT_DEFAULT);
}

static void
list_named(FILE *out)
{
	const struct query_named *q;

	fprintf(out, "Named queries:\n");
	for (q = query_named_table; q->name != NULL; q++)
		fprintf(out, "  %-22s %s\n", q->name, q->summary);
}

/* A single word that names no query is a typo, not SQL. */
static int
looks_like_name(const char *s)
{
	return *s != '\0' && strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
	    strlen(s);
}

int
cmd_query(int argc, char **argv)
{
	const struct query_named *q;
	enum query_format fmt = QUERY_TEXT;
	struct results *r;
	const char *db = NULL, *what = NULL, *sql;
	char err[1024], *end;
	double timeout = QUERY_TIMEOUT_DEFAULT;
	int i, list = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			query_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--csv") == 0)
			fmt = QUERY_CSV;
		else if (strcmp(argv[i], "--json") == 0)
			fmt = QUERY_JSON;
		else if (strcmp(argv[i], "--list") == 0)
			list = 1;
		else if (strcmp(argv[i], "--timeout") == 0) {
			if (++i >= argc) {
				fprintf(stderr, "twsim query: --timeout needs "
				    "a number of seconds\n");
				return 2;
			}
			errno = 0;
			timeout = strtod(argv[i], &end);
			if (errno != 0 || end == argv[i] || *end != '\0' ||
			    !(timeout >= 0) || timeout > 1e9) {
				fprintf(stderr, "twsim query: --timeout wants "
				    "seconds (0 for no limit), not '%s'\n",
				    argv[i]);
				return 2;
			}
		} else if (argv[i][0] == '-' && argv[i][1] != '\0' &&
		    strpbrk(argv[i], " \t\n") == NULL) {
			/* An option, not SQL (which would hold a space). */
			fprintf(stderr, "twsim query: unknown option '%s' "
			    "(try 'twsim query --help')\n", argv[i]);
			return 2;
		} else if (db == NULL)
			db = argv[i];
		else if (what == NULL)
			what = argv[i];
		else {
			fprintf(stderr, "twsim query: unexpected argument "
			    "'%s' (quote the SQL as one argument)\n", argv[i]);
			return 2;
		}
	}
	if (list) {
		list_named(stdout);
		return 0;
	}
	if (db == NULL) {
		query_usage(stderr);
		return 2;
	}
	if (what == NULL) {
		/* Still say so if DB is not one we can read. */
		if (results_open(db, RESULTS_READONLY, &r, err, sizeof(err)) !=
		    RESULTS_OK) {
			fprintf(stderr, "twsim query: %s\n", err);
			return 2;
		}
		results_close(r);
		list_named(stdout);
		return 0;
	}
	if ((q = query_named_find(what)) != NULL)
		sql = q->sql;
	else if (looks_like_name(what)) {
		fprintf(stderr, "twsim query: no named query '%s' (try "
		    "'twsim query --list')\n", what);
		return 2;
	} else
		sql = what;

	if (results_open(db, RESULTS_READONLY, &r, err, sizeof(err)) !=
	    RESULTS_OK) {
		fprintf(stderr, "twsim query: %s\n", err);
		return 2;
	}
	rc = query_run_timeout(results_sqlite(r), db, sql, fmt, timeout,
	    stdout, err, sizeof(err));
	results_close(r);
	if (rc != QUERY_OK) {
		fprintf(stderr, "twsim query: %s\n", err);
		return rc == QUERY_EIO || rc == QUERY_ETIMEOUT ? 1 : 2;
	}
	return 0;
}

static void
export_usage(FILE *out)
{
	fprintf(out,
	    "usage: twsim export DB TABLE [-o FILE.csv|FILE.json] [--csv | --json]\n"
	    "\n"
	    "Write every row of a table or view of the results database DB as\n"
	    "CSV (RFC 4180, header line first) or JSON (an array of objects, one\n"
	    "per row) to FILE, or to standard output without -o (or with -o -).\n"
	    "\n"
	    "The format is --csv or --json, else the extension of FILE (.csv or\n"
	    ".json); a FILE with neither needs --csv or --json.  On standard\n"
	    "output the default is CSV.\n"
	    "\n"
	    "Tables: runs, params, samples, connections, host_stats; view\n"
	    "run_summary.\n");
}

/* Is `name` a table or view of the database (not SQLite's own)? */
static int
table_exists(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type IN"
	    " ('table', 'view') AND name = ?1 AND name NOT LIKE 'sqlite\\_%'"
	    " ESCAPE '\\'", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int
cmd_export(int argc, char **argv)
{
	struct results *r;
	const char *db = NULL, *table = NULL, *outpath = NULL, *ext;
	enum query_format fmt = QUERY_CSV;
	char err[1024], *sql;
	FILE *out;
	int i, rc, given = 0;	/* given: --csv or --json */

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			export_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "-o") == 0 ||
		    strcmp(argv[i], "--output") == 0) {
			if (++i >= argc) {
				fprintf(stderr, "twsim export: -o needs a "
				    "file name\n");
				return 2;
			}
			outpath = argv[i];
		} else if (strcmp(argv[i], "--json") == 0 ||
		    strcmp(argv[i], "--csv") == 0) {
			enum query_format want = argv[i][2] == 'j' ?
			    QUERY_JSON : QUERY_CSV;

			if (given && fmt != want) {
				fprintf(stderr, "twsim export: --csv or --json, "
				    "not both\n");
				return 2;
			}
			fmt = want;
			given = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "twsim export: unknown option '%s' "
			    "(try 'twsim export --help')\n", argv[i]);
			return 2;
		} else if (db == NULL)
			db = argv[i];
		else if (table == NULL)
			table = argv[i];
		else {
			fprintf(stderr, "twsim export: unexpected argument "
			    "'%s'\n", argv[i]);
			return 2;
		}
	}
	if (db == NULL || table == NULL) {
		export_usage(stderr);
		return 2;
	}
	/*
	 * The file's extension says the format; never write one format
	 * under the other's name, nor guess for a name that says neither.
	 */
	if (outpath != NULL && strcmp(outpath, "-") != 0) {
		ext = strrchr(outpath, '.');
		if (ext != NULL && strchr(ext, '/') != NULL)
			ext = NULL;
		if (ext != NULL && strcasecmp(ext, ".json") == 0) {
			if (given && fmt != QUERY_JSON) {
				fprintf(stderr, "twsim export: --csv into '%s': "
				    "name it .csv, or use --json\n", outpath);
				return 2;
			}
			fmt = QUERY_JSON;
		} else if (ext != NULL && strcasecmp(ext, ".csv") == 0) {
			if (given && fmt != QUERY_CSV) {
				fprintf(stderr, "twsim export: --json into '%s': "
				    "name it .json, or use --csv\n", outpath);
				return 2;
			}
			fmt = QUERY_CSV;
		} else if (!given) {
			fprintf(stderr, "twsim export: which format for '%s'? "
			    "name it .csv or .json, or give --csv or --json\n",
			    outpath);
			return 2;
		}
	}
	if (results_open(db, RESULTS_READONLY, &r, err, sizeof(err)) !=
	    RESULTS_OK) {
		fprintf(stderr, "twsim export: %s\n", err);
		return 2;
	}
	if (!table_exists(results_sqlite(r), table)) {
		fprintf(stderr, "twsim export: %s: no table or view '%s' "
		    "(tables: runs, params, samples, connections, host_stats; "
		    "view: run_summary)\n", db, table);
		results_close(r);
		return 2;
	}
	/* The name is validated above; %w quotes it all the same. */
	if ((sql = sqlite3_mprintf("SELECT * FROM \"%w\"", table)) == NULL) {
		fprintf(stderr, "twsim export: out of memory\n");
		results_close(r);
		return 1;
	}
	if (outpath == NULL || strcmp(outpath, "-") == 0)
		out = stdout;
	else if ((out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "twsim export: %s: %s\n", outpath,
		    strerror(errno));
		sqlite3_free(sql);
		results_close(r);
		return 1;
	}
	rc = query_run(results_sqlite(r), db, sql, fmt, out, err,
	    sizeof(err));
	sqlite3_free(sql);
	results_close(r);
	if (out != stdout && fclose(out) != 0 && rc == QUERY_OK) {
		snprintf(err, sizeof(err), "%s: cannot write", outpath);
		rc = QUERY_EIO;
	}
	if (rc != QUERY_OK) {
		struct stat sb;

		fprintf(stderr, "twsim export: %s\n", err);
		/* Never remove what is not a plain file (-o /dev/null). */
		if (out != stdout && stat(outpath, &sb) == 0 &&
		    S_ISREG(sb.st_mode))
			remove(outpath);
		/* A database that cannot be read through is unusable: 2. */
		return rc == QUERY_EIO ? 1 : 2;
	}
	return 0;
}
