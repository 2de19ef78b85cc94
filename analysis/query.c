/*
 * query.c -- the named queries of `twsim query`, and a printer for any
 * read-only statement's rows as aligned text, CSV or JSON.
 *
 * Formats, and why:
 *  - text: columns padded to their widest cell (two passes over the rows,
 *    inside one read transaction so both passes see the same snapshot;
 *    memory stays constant however many rows there are), numeric columns
 *    right-aligned, NULL shown as NULL.
 *  - CSV (RFC 4180): a field is quoted when it holds a comma, a quote, CR
 *    or LF, quotes doubled; an empty string is "" and NULL an empty field,
 *    so the two stay distinguishable.
 *  - JSON (RFC 8259): strings escaped (quote, backslash, control
 *    characters), integers and finite reals as numbers, NULL and
 *    non-finite reals as null.
 * Reals are printed in the shortest form that reads back as the same
 * double, so no precision is lost in an export.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/query.h"

const struct query_named query_named_table[] = {
	{ "runs", "every run: scenario, sweep point, repetition, seed, "
	    "status, times",
	    "SELECT run_id, scenario, sweep, repetition, seed, status,"
	    " sim_seconds, wall_seconds, events, version, started_at, error"
	    " FROM runs ORDER BY run_id" },
	{ "summary", "run_summary: final counters per run and host",
	    "SELECT * FROM run_summary ORDER BY run_id, host" },
	{ "exhaustion", "per run and host: when ports first ran out, how "
	    "often, TIME_WAIT peak vs cap, sockets refused (ENOBUFS)",
	    "SELECT run_id, sweep, repetition, host, first_addrnotavail_s,"
	    " conn_failed_addrnotavail, conn_attempted, tw_peak, tw_cap,"
	    " tw_cap_effective, conn_failed_nobufs, conn_failed_addrinuse"
	    " FROM run_summary ORDER BY run_id, host" },
	{ "timewait", "TIME_WAIT counters per run and host",
	    "SELECT run_id, sweep, repetition, host, tw_entered, tw_expired,"
	    " tw_recycled, tw_reopened, tw_skipped_local, tw_skipped_nomem,"
	    " tw_peak, tw_cap, syn_dropped_tw, rst_ignored_tw, acks_sent_tw,"
	    " hazards, tw_cap_effective, tw_rearmed, tw_dropped_recycled"
	    " FROM run_summary ORDER BY run_id, host" },
	{ "connections-outcomes", "connection records counted per outcome "
	    "per run",
	    "SELECT run_id, outcome, count(*) AS connections FROM connections"
	    " GROUP BY run_id, outcome ORDER BY run_id, outcome" },
	{ "samples-last", "the last sample of each run and host",
	    "SELECT s.* FROM samples AS s JOIN (SELECT run_id, host,"
	    " max(t) AS t FROM samples GROUP BY run_id, host) AS m"
	    " ON s.run_id = m.run_id AND s.host = m.host AND s.t = m.t"
	    " ORDER BY s.run_id, s.host" },
	{ "params", "every resolved parameter of every run",
	    "SELECT run_id, key, value FROM params ORDER BY run_id, key" },
	{ "latency", "connect latency per run and host (p50, p99, max)",
	    "SELECT run_id, sweep, repetition, host, conn_established,"
	    " connect_p50_s, connect_p99_s, connect_max_s"
	    " FROM run_summary ORDER BY run_id, host" },
	{ NULL, NULL, NULL }
};

const struct query_named *
query_named_find(const char *name)
{
	const struct query_named *q;

	for (q = query_named_table; q->name != NULL; q++)
		if (strcmp(q->name, name) == 0)
			return q;
	return NULL;
}

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
query_format_real(char *buf, size_t len, double v)
{
	int prec;

	if (isnan(v)) {
		snprintf(buf, len, "nan");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, len, v > 0 ? "inf" : "-inf");
		return;
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, len, "%.17g", v);
}

void
query_csv_field(FILE *out, const char *s, size_t n)
{
	size_t i;

	if (n > 0 && strcspn(s, ",\"\r\n") >= n && memchr(s, '\0', n) == NULL) {
		fwrite(s, 1, n, out);
		return;
	}
	/* Quoted (also an empty string, to tell it from NULL). */
	putc('"', out);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', out);
		putc(s[i], out);
	}
	putc('"', out);
}

void
query_json_string(FILE *out, const char *s, size_t n)
{
	unsigned char c;
	size_t i;

	putc('"', out);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		switch (c) {
		case '"':	fputs("\\\"", out); break;
		case '\\':	fputs("\\\\", out); break;
		case '\b':	fputs("\\b", out); break;
		case '\f':	fputs("\\f", out); break;
		case '\n':	fputs("\\n", out); break;
		case '\r':	fputs("\\r", out); break;
		case '\t':	fputs("\\t", out); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				putc(c, out);
		}
	}
	putc('"', out);
}

/*
 * One cell as text.  Returns the bytes (in buf for numbers and blobs,
 * else SQLite's own) and sets *n; NULL for an SQL NULL.
 */
static const char *
cell_text(sqlite3_stmt *st, int i, char *buf, size_t len, size_t *n)
{
	const unsigned char *b;
	int j, bn;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		*n = 0;
		return NULL;
	case SQLITE_INTEGER:
		snprintf(buf, len, "%lld",
		    (long long)sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT:
		query_format_real(buf, len, sqlite3_column_double(st, i));
		break;
	case SQLITE_BLOB:
		/* X'..' as SQL writes it; long blobs are cut with "..". */
		b = sqlite3_column_blob(st, i);
		bn = sqlite3_column_bytes(st, i);
		snprintf(buf, len, "X'");
		for (j = 0; j < bn && (size_t)(2 * j + 8) < len; j++)
			snprintf(buf + 2 + 2 * j, 3, "%02x", b[j]);
		strcat(buf, j < bn ? "..'" : "'");
		break;
	default:
		*n = (size_t)sqlite3_column_bytes(st, i);
		return (const char *)sqlite3_column_text(st, i);
	}
	*n = strlen(buf);
	return buf;
}

/* Display width of UTF-8 text: code points, not bytes. */
static size_t
text_width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void
pad(FILE *out, size_t k)
{
	while (k-- > 0)
		putc(' ', out);
}

static int
print_text(sqlite3_stmt *st, FILE *out, char *err, size_t errlen)
{
	char buf[96];
	const char *s;
	size_t *width, n, w;
	int *numeric, i, ncol, rc, type;

	ncol = sqlite3_column_count(st);
	width = calloc((size_t)ncol + 1, sizeof(*width));
	numeric = calloc((size_t)ncol + 1, sizeof(*numeric));
	if (width == NULL || numeric == NULL) {
		free(width);
		free(numeric);
		seterr(err, errlen, "out of memory");
		return QUERY_EIO;
	}
	for (i = 0; i < ncol; i++) {
		s = sqlite3_column_name(st, i);
		width[i] = text_width(s, strlen(s));
		numeric[i] = 1;
	}
	/* Pass 1: widths, and which columns hold only numbers. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < ncol; i++) {
			type = sqlite3_column_type(st, i);
			if (type != SQLITE_NULL && type != SQLITE_INTEGER &&
			    type != SQLITE_FLOAT)
				numeric[i] = 0;
			s = cell_text(st, i, buf, sizeof(buf), &n);
			w = s == NULL ? 4 : text_width(s, n);
			if (w > width[i])
				width[i] = w;
		}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_reset(st);

	for (i = 0; i < ncol; i++) {
		s = sqlite3_column_name(st, i);
		w = text_width(s, strlen(s));
		if (numeric[i])
			pad(out, width[i] - w);
		fputs(s, out);
		if (i + 1 < ncol) {
			if (!numeric[i])
				pad(out, width[i] - w);
			fputs("  ", out);
		}
	}
	putc('\n', out);
	/* Pass 2: the rows. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < ncol; i++) {
			s = cell_text(st, i, buf, sizeof(buf), &n);
			if (s == NULL) {
				s = "NULL";
				n = 4;
			}
			w = text_width(s, n);
			if (w > width[i])
				w = width[i];
			if (numeric[i])
				pad(out, width[i] - w);
			fwrite(s, 1, n, out);
			if (i + 1 < ncol) {
				if (!numeric[i])
					pad(out, width[i] - w);
				fputs("  ", out);
			}
		}
		putc('\n', out);
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	free(width);
	free(numeric);
	return QUERY_OK;
sqlfail:
	seterr(err, errlen, "%s", sqlite3_errmsg(sqlite3_db_handle(st)));
	free(width);
	free(numeric);
	return QUERY_ESQL;
}

static int
print_csv(sqlite3_stmt *st, FILE *out, char *err, size_t errlen)
{
	char buf[96];
	const char *s;
	size_t n;
	int i, ncol, rc;

	ncol = sqlite3_column_count(st);
	for (i = 0; i < ncol; i++) {
		if (i > 0)
			putc(',', out);
		s = sqlite3_column_name(st, i);
		query_csv_field(out, s, strlen(s));
	}
	putc('\n', out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < ncol; i++) {
			if (i > 0)
				putc(',', out);
			s = cell_text(st, i, buf, sizeof(buf), &n);
			if (s != NULL)
				query_csv_field(out, s, n);
		}
		putc('\n', out);
	}
	if (rc != SQLITE_DONE) {
		seterr(err, errlen, "%s", sqlite3_errmsg(sqlite3_db_handle(st)));
		return QUERY_ESQL;
	}
	return QUERY_OK;
}

static int
print_json(sqlite3_stmt *st, FILE *out, char *err, size_t errlen)
{
	char buf[96];
	const char *s;
	size_t n;
	double v;
	int i, ncol, rc, nrow = 0;

	ncol = sqlite3_column_count(st);
	putc('[', out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fputs(nrow++ > 0 ? ",\n{" : "\n{", out);
		for (i = 0; i < ncol; i++) {
			if (i > 0)
				putc(',', out);
			s = sqlite3_column_name(st, i);
			query_json_string(out, s, strlen(s));
			putc(':', out);
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				fputs("null", out);
				break;
			case SQLITE_INTEGER:
				fprintf(out, "%lld",
				    (long long)sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				/* JSON has no inf or nan. */
				v = sqlite3_column_double(st, i);
				if (!isfinite(v)) {
					fputs("null", out);
					break;
				}
				query_format_real(buf, sizeof(buf), v);
				fputs(buf, out);
				break;
			default:
				s = cell_text(st, i, buf, sizeof(buf), &n);
				query_json_string(out, s, n);
			}
		}
		putc('}', out);
	}
	fputs(nrow > 0 ? "\n]\n" : "]\n", out);
	if (rc != SQLITE_DONE) {
		seterr(err, errlen, "%s", sqlite3_errmsg(sqlite3_db_handle(st)));
		return QUERY_ESQL;
	}
	return QUERY_OK;
}

int
query_print(sqlite3_stmt *st, enum query_format fmt, FILE *out, char *err,
    size_t errlen)
{
	int rc;

	switch (fmt) {
	case QUERY_CSV:
		rc = print_csv(st, out, err, errlen);
		break;
	case QUERY_JSON:
		rc = print_json(st, out, err, errlen);
		break;
	default:
		rc = print_text(st, out, err, errlen);
	}
	if (rc == QUERY_OK && (fflush(out) != 0 || ferror(out))) {
		seterr(err, errlen, "cannot write the output");
		rc = QUERY_EIO;
	}
	return rc;
}

/*
 * Attaching another file, even read-only, is not a query of this
 * database: refuse it at prepare time.
 */
static int
deny_attach(void *arg, int action, const char *a, const char *b,
    const char *c, const char *d)
{
	(void)arg; (void)a; (void)b; (void)c; (void)d;
	if (action == SQLITE_ATTACH || action == SQLITE_DETACH)
		return SQLITE_DENY;
	return SQLITE_OK;
}

/* The end of a query's time: progress_deadline() stops it from then on. */
struct deadline {
	struct timespec	at;		/* CLOCK_MONOTONIC */
	int		expired;
};

/*
 * SQLite's progress handler, called every PROGRESS_STEPS virtual-machine
 * instructions: a non-zero return interrupts the statement
 * (SQLITE_INTERRUPT), however much work its plan still has to do.
 */
#define PROGRESS_STEPS	10000

static int
progress_deadline(void *arg)
{
	struct deadline *d = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > d->at.tv_sec || (now.tv_sec == d->at.tv_sec &&
	    now.tv_nsec >= d->at.tv_nsec))
		d->expired = 1;
	return d->expired;
}

int
query_run(sqlite3 *db, const char *label, const char *sql,
    enum query_format fmt, FILE *out, char *err, size_t errlen)
{
	return query_run_timeout(db, label, sql, fmt, 0, out, err, errlen);
}

int
query_run_timeout(sqlite3 *db, const char *label, const char *sql,
    enum query_format fmt, double timeout_s, FILE *out, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL, *more = NULL;
	const char *tail = NULL;
	struct deadline dl;
	int rc;

	memset(&dl, 0, sizeof(dl));
	if (timeout_s > 0) {
		clock_gettime(CLOCK_MONOTONIC, &dl.at);
		dl.at.tv_sec += (time_t)timeout_s;
		dl.at.tv_nsec += (long)((timeout_s - (double)(time_t)timeout_s) *
		    1e9);
		if (dl.at.tv_nsec >= 1000000000L) {
			dl.at.tv_sec++;
			dl.at.tv_nsec -= 1000000000L;
		}
		sqlite3_progress_handler(db, PROGRESS_STEPS, progress_deadline,
		    &dl);
	}

	sqlite3_set_authorizer(db, deny_attach, NULL);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
	if (rc == SQLITE_OK && tail != NULL && *tail != '\0')
		rc = sqlite3_prepare_v2(db, tail, -1, &more, NULL);
	sqlite3_set_authorizer(db, NULL, NULL);
	if (rc != SQLITE_OK) {
		seterr(err, errlen, "%s: SQL error: %s", label,
		    sqlite3_errmsg(db));
		rc = QUERY_ESQL;
		goto out;
	}
	if (st == NULL) {
		seterr(err, errlen, "%s: empty SQL statement", label);
		rc = QUERY_ESQL;
		goto out;
	}
	if (more != NULL) {
		seterr(err, errlen, "%s: give one SQL statement at a time",
		    label);
		rc = QUERY_ESQL;
		goto out;
	}
	if (!sqlite3_stmt_readonly(st)) {
		seterr(err, errlen, "%s: refusing a statement that writes: %s",
		    label, sql);
		rc = QUERY_EWRITE;
		goto out;
	}
	/* One snapshot for both passes of the text printer. */
	if (sqlite3_get_autocommit(db))
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	rc = query_print(st, fmt, out, err, errlen);
	if (rc == QUERY_ESQL && dl.expired) {
		seterr(err, errlen, "%s: the query ran longer than %g s and "
		    "was stopped (--timeout SECONDS; 0 for no limit)", label,
		    timeout_s);
		rc = QUERY_ETIMEOUT;
	} else if (rc == QUERY_ESQL) {
		/* Prefix the label: the printer only knows SQLite's text. */
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err != NULL ? err : "");
		seterr(err, errlen, "%s: SQL error: %s", label, msg);
	}
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
out:
	sqlite3_finalize(more);
	sqlite3_finalize(st);
	sqlite3_progress_handler(db, 0, NULL, NULL);
	return rc;
}
