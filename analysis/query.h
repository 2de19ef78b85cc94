/*
 * query.h -- read-only queries over a results database, and their output.
 *
 * The named queries of `twsim query` live here in one table, and so does
 * the code that prints any statement's rows as aligned text, CSV (RFC 4180
 * quoting) or JSON (an array of objects).  The printers take a FILE * so
 * that tests and other commands (export, report) can reuse them.
 *
 * Library code: functions return QUERY_OK or a negative code and write a
 * message into the caller's buffer; nothing here exits.
 */
#ifndef TWSIM_QUERY_H
#define TWSIM_QUERY_H

#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

#define QUERY_OK	0
#define QUERY_ESQL	(-1)	/* the statement is invalid or failed */
#define QUERY_EWRITE	(-2)	/* the statement would write */
#define QUERY_EIO	(-3)	/* writing the output failed */
#define QUERY_ETIMEOUT	(-4)	/* stopped at its time limit */

/* twsim query's default time limit, seconds. */
#define QUERY_TIMEOUT_DEFAULT	60

enum query_format {
	QUERY_TEXT,		/* aligned columns under a header line */
	QUERY_CSV,		/* RFC 4180: header line, quoted as needed */
	QUERY_JSON		/* [ {"col": value, ...}, ... ] */
};

struct query_named {
	const char	*name;
	const char	*summary;
	const char	*sql;
};

/* The named queries, ending with a { NULL } entry. */
extern const struct query_named query_named_table[];
const struct query_named *query_named_find(const char *name);

/*
 * Prepares the single statement `sql` on db, refusing anything that would
 * write (sqlite3_stmt_readonly) or more than one statement, runs it and
 * prints its rows to out.  `label` (the database path) prefixes messages.
 */
int	query_run(sqlite3 *db, const char *label, const char *sql,
	    enum query_format fmt, FILE *out, char *err, size_t errlen);

/* The same, stopped after timeout_s seconds (0: no limit) through
 * SQLite's progress handler: QUERY_ETIMEOUT. */
int	query_run_timeout(sqlite3 *db, const char *label, const char *sql,
	    enum query_format fmt, double timeout_s, FILE *out, char *err,
	    size_t errlen);

/* Prints the rows of a prepared statement (already bound, not stepped). */
int	query_print(sqlite3_stmt *st, enum query_format fmt, FILE *out,
	    char *err, size_t errlen);

/* Field printers, exposed for tests. */
void	query_csv_field(FILE *out, const char *s, size_t n);
void	query_json_string(FILE *out, const char *s, size_t n);
/* The shortest text that reads back as the same double ("%.17g" at most). */
void	query_format_real(char *buf, size_t len, double v);

#endif /* TWSIM_QUERY_H */
