/*
 * cmd_report.c -- `twsim report` and `twsim plot`: the printing side of
 * analysis/report.c (the summary), analysis/report_plot.c (the chart's
 * data) and analysis/plot.c (drawing it).
 *
 * Both open the database read-only through results_open_reader(), so a
 * file that is not a twsim database, or is of another schema version, is
 * refused with the same message as everywhere else and never touched; the
 * check for damage covers the tables they read (REPORT_TABLES), not the
 * connection rows, which neither reads.
 *
 * Exit codes: 0 ok, 1 failure (gnuplot missing or failed, out of memory,
 * output not writable), 2 bad usage or bad input (unknown option, metric,
 * parameter, host, run or scenario; missing or refused database).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/commands.h"
#include "analysis/plot.h"
#include "analysis/report.h"
#include "analysis/results.h"

enum out_format {
	OUT_TEXT,
	OUT_CSV,
	OUT_JSON
};

static void
report_usage(FILE *out)
{
	const struct report_metric_desc *d;
	int m;

	fprintf(out,
	    "usage: twsim report DB [--run ID | --scenario NAME] [--host H]\n"
	    "                    [--csv | --json]\n"
	    "\n"
	    "Summarise the results database DB per sweep point and per host that\n"
	    "did anything.  A sweep point pools the runs of one scenario whose\n"
	    "resolved parameters are the same apart from seed and repetition;\n"
	    "runs that differ in a key nobody swept form a point of their own,\n"
	    "labelled with that key and value (rate=10/s, host.client.portrange=\n"
	    "10000-11999).\n"
	    "Only complete runs count; failed and interrupted ones are skipped\n"
	    "and counted.  Each metric is the mean over the point's replications\n"
	    "with a 95%% confidence interval (Student t); with one replication\n"
	    "there is no interval (\"n=1, no CI\").\n"
	    "\n"
	    "Beside the measured successful connection rate it prints the rates\n"
	    "the model's limits allow, with L = 2*MSL + 0.25 s the mean TIME_WAIT\n"
	    "lifetime (2MSL plus half the 500 ms slow timer):\n"
	    "  port-range limit = usable ports / L   (portrange last-first+1,\n"
	    "                                         per local address)\n"
	    "  zone-cap limit   = TIME_WAIT zone / L (maxtcptw rounded up to\n"
	    "                        whole slabs: tw_cap_effective)\n"
	    "  maxsockets limit = maxsockets / L     (TIME_WAIT pcbs count)\n"
	    "and names the smallest one, the limit that binds.\n"
	    "\n"
	    "Every TIME_WAIT outcome is counted (ended after 2MSL, recycled\n"
	    "early, reopened by a SYN, skipped), and the effective TIME_WAIT\n"
	    "lifetime is measured by Little's law over the second half of each\n"
	    "run (mean entries / entry rate), against 2MSL.  For each client an\n"
	    "advice block, from the run's own rates: the ports (and addresses)\n"
	    "that keep the full 2MSL, the maxtcptw that avoids EADDRNOTAVAIL and\n"
	    "the TIME_WAIT lifetime it leaves, and the hazards seen.\n"
	    "\n"
	    "Options:\n"
	    "  --run ID          only run ID\n"
	    "  --scenario NAME   only runs of scenario NAME\n"
	    "  --host H          only host H\n"
	    "  --csv             CSV (RFC 4180), one row per sweep point x host x\n"
	    "                    metric, header line first\n"
	    "  --json            a JSON array of the same rows as objects\n"
	    "  -h, --help        show this help\n"
	    "\n"
	    "CSV/JSON columns: scenario, sweep, host, metric, unit, n, mean,\n"
	    "ci_low, ci_high, note.  ci_low/ci_high are empty (null) when n < 2,\n"
	    "mean when n = 0.  Rows with an empty host and metric runs_complete,\n"
	    "runs_failed, runs_interrupted count the point's runs (n: all of\n"
	    "them; mean: those of that status).  The metric\n"
	    "limit_ports_rate, limit_cap_rate or limit_sockets_rate that\n"
	    "binds has note \"binds\";\n"
	    "first_addrnotavail_s has note \"in K of N runs\".  The advice comes as\n"
	    "rows advice_ports_needed, advice_addrs_needed, advice_cap_safe and\n"
	    "advice_tw_life_at_cap_s (n: runs; no CI).  When [at] changes moved\n"
	    "a host's limits, rows period_limit_cap_rate, period_tw_entered_per_s,\n"
	    "period_limit_ports_rate and period_conn_attempted_per_s give them\n"
	    "per period (note: \"T0-T1 s\").\n"
	    "Metrics:\n");
	for (m = 0; m < REPORT_NMETRICS; m++) {
		d = report_metric_desc(m);
		fprintf(out, "  %-26s %s [%s]\n", d->name, d->label, d->unit);
	}
}

static void
plot_usage(FILE *out)
{
	fprintf(out,
	    "usage: twsim plot DB METRIC [--run ID] [--scenario NAME] [--host H]\n"
	    "                  [--by PARAM] [--mean] [--from-zero]\n"
	    "                  -o FILE.png|FILE.svg\n"
	    "\n"
	    "Draw a chart of the results database DB with gnuplot.\n"
	    "\n"
	    "Without --by: METRIC is a column of the samples table, drawn against\n"
	    "simulated time, one line per run and host (complete runs only,\n"
	    "unless --run names one); with more than 8 lines the key names each\n"
	    "sweep point and host once.  A cumulative counter C is also METRIC\n"
	    "C_rate, its rate per second over each sample interval (e.g.\n"
	    "tw_recycled_rate, conn_attempted_rate); a rate chart draws the\n"
	    "predicted limits as dashed lines: usable ports / L and zone cap / L\n"
	    "per host, L the TIME_WAIT lifetime (as twsim report states them);\n"
	    "tw_count is drawn with each host's zone cap, ports_in_use with its\n"
	    "port range.\n"
	    "\n"
	    "With --by PARAM: METRIC is a numeric column of run_summary (e.g.\n"
	    "tw_peak, conn_failed_addrnotavail, first_addrnotavail_s) or the\n"
	    "time-mean of a samples column, drawn against the parameter PARAM\n"
	    "(a params key such as workload.web.rate, or its last part: rate),\n"
	    "one point per sweep point (pooled as by twsim report) with 95%%\n"
	    "confidence-interval bars, one line per host.  The parameter's value\n"
	    "is read as a number with its unit stripped (times in seconds; a\n"
	    "port range as its size).\n"
	    "\n"
	    "Options:\n"
	    "  -o, --output FILE  the chart; .png or .svg\n"
	    "  --run ID           only run ID\n"
	    "  --scenario NAME    only runs of scenario NAME\n"
	    "  --host H           only host H (default: every host that did\n"
	    "                     anything)\n"
	    "  --by PARAM         the swept parameter for the x axis (a key whose\n"
	    "                     0 means auto, maxtcptw, at the value chosen)\n"
	    "  --mean             one line per sweep point and host: the mean of\n"
	    "                     its repetitions at each sample time, in a band\n"
	    "                     of its 95%% confidence interval\n"
	    "  --from-zero        start the y axis at 0\n"
	    "  -h, --help         show this help\n"
	    "\n"
	    "Needs gnuplot (Debian: apt-get install gnuplot-nox, or scripts/setup).\n"
	    "Example:\n"
	    "  twsim plot results.db tw_count -o tw.png\n"
	    "  twsim plot results.db tw_recycled_rate --mean -o recycled.png\n"
	    "  twsim plot results.db tw_peak --by rate -o peak.svg\n");
}

/* ---- numbers -------------------------------------------------------------- */

/* A value for people: counts stay integral, the rest 5 digits. */
static const char *
num(double v, char *buf, size_t len)
{

	if (isnan(v))
		snprintf(buf, len, "-");
	else if (fabs(v) >= 1e5 || (v == floor(v) && fabs(v) < 1e15))
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.5g", v);
	return (buf);
}

/* A value for machines: round-trips, or empty / null when NAN. */
static void
put_num(FILE *f, double v, const char *nanstr)
{

	char buf[32];

	if (isnan(v) || isinf(v)) {
		fputs(nanstr, f);
		return;
	}
	/* The shortest of 15 or 17 digits that reads back exactly. */
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, f);
}

/* ---- text ------------------------------------------------------------------ */

static void
text_point_header(FILE *f, const struct report_point *pt)
{
	char d[32];
	size_t i;

	fprintf(f, "== scenario %s%s%s: %zu complete run%s", pt->scenario,
	    pt->sweep[0] != '\0' ? ", " : "", pt->sweep, pt->nruns,
	    pt->nruns == 1 ? "" : "s");
	if (pt->nruns > 0) {
		fputs(" (", f);
		for (i = 0; i < pt->nruns && i < 12; i++)
			fprintf(f, "%s%lld", i == 0 ? "" : " ",
			    (long long)pt->run_ids[i]);
		fputs(i < pt->nruns ? " ...)" : ")", f);
	}
	if (pt->nfailed + pt->ninterrupted > 0)
		fprintf(f, "; skipped %zu failed, %zu interrupted",
		    pt->nfailed, pt->ninterrupted);
	if (pt->nruns > 0)
		fprintf(f, "; duration %s s", num(pt->duration_s, d,
		    sizeof(d)));
	fputc('\n', f);
}

static void
text_metric(FILE *f, const struct report_host *h, enum report_metric m)
{
	const struct report_metric_desc *d = report_metric_desc(m);
	const struct stats_ci *ci = &h->m[m];
	char a[32], b[32], c[32], citext[80];

	if (ci->n == 0)
		snprintf(citext, sizeof(citext), "no data");
	else if (ci->n == 1)
		snprintf(citext, sizeof(citext), "n=1, no CI");
	else
		snprintf(citext, sizeof(citext), "[%s, %s]",
		    num(ci->low, a, sizeof(a)), num(ci->high, b, sizeof(b)));
	fprintf(f, "    %-30s %12s  %-26s %s", d->label,
	    num(ci->mean, c, sizeof(c)), citext, d->unit);
	if (m == REPORT_FIRST_ADDRNOTAVAIL)
		fprintf(f, "%*sin %zu of %zu runs",
		    13 - (int)strlen(d->unit), "", ci->n, h->nruns);
	else if (m == REPORT_TW_LIFETIME && ci->n > 0 &&
	    !isnan(h->tw_lifetime_s))
		fprintf(f, "%*sL = %s s", 13 - (int)strlen(d->unit),
		    "", num(h->tw_lifetime_s, a, sizeof(a)));
	else if ((m == REPORT_CONNECT_P50 || m == REPORT_CONNECT_MAX ||
	    m == REPORT_CONNECT_P99) && ci->n > 0)
		fprintf(f, "%*s%s", 13 - (int)strlen(d->unit), "",
		    h->latency_from_connections ?
		    "from connection records" : "from host_stats");
	fputc('\n', f);
}

/*
 * The limits period by period when [at] changes moved them: the cap the
 * samples saw, L in force, and the rates measured in the period.
 */
static void
text_periods(FILE *f, const struct report_host *h, int ports)
{
	const struct report_period *p;
	char a[32], b[32], c[32], d[32], e[32], g[32];
	size_t i;

	if (h->nperiods == 0)
		return;
	fputs("    limits over time (they follow the [at] changes):\n", f);
	for (i = 0; i < h->nperiods; i++) {
		p = &h->periods[i];
		fprintf(f, "      %s-%s s: zone cap %s / L %s s = %s/s, "
		    "TIME_WAIT entered at %s/s", num(p->t0, a, sizeof(a)),
		    num(p->t1, b, sizeof(b)), num(p->cap, c, sizeof(c)),
		    num(p->life, d, sizeof(d)),
		    num(p->limit_cap, e, sizeof(e)),
		    num(p->tw_rate, g, sizeof(g)));
		if (p->tw_rate > p->limit_cap)
			fputs(" (above it: early recycling)", f);
		if (ports) {
			fprintf(f, "; ports %s / L = %s/s, attempted at %s/s",
			    num(p->ports, a, sizeof(a)),
			    num(p->limit_ports, b, sizeof(b)),
			    num(p->attempt_rate, c, sizeof(c)));
			if (p->attempt_rate > p->limit_ports)
				fputs(" (above it: EADDRNOTAVAIL)", f);
		}
		fputc('\n', f);
	}
}

/*
 * The limits, and the one that binds compared with what was measured:
 * the connection attempt rate against the port range, the TIME_WAIT entry
 * rate against the zone cap.
 */
static void
text_limits(FILE *f, const struct report_host *h, double duration)
{
	char a[32], b[32], c[32], d[32], e[32];
	double meas, lim;
	int ports;

	int lnx = strcmp(h->stack, "linux") == 0;
	int f14 = strcmp(h->stack, "freebsd14") == 0;
	const char *cap = lnx ? "tcp_max_tw_buckets" : f14 ? "maxsockets" :
	    "zone cap";

	if (isnan(h->tw_lifetime_s)) {
		fprintf(f, "    limits: unknown (no %s parameter for this "
		    "host)\n", lnx ? "hz" : "msl");
		return;
	}
	ports = h->m[REPORT_CONN_ATTEMPTED].mean > 0;
	if (lnx)
		fprintf(f, "    limits, L = 60 s + half the timer wheel's "
		    "granularity = %s s:", num(h->tw_lifetime_s, a,
		    sizeof(a)));
	else
		fprintf(f, "    limits, L = 2*MSL%s = %s s:", f14 ? "" :
		    " + 0.25 s", num(h->tw_lifetime_s, a, sizeof(a)));
	if (ports && h->addrs > 1)
		fprintf(f, " port range %s ports per address x %s addresses "
		    "/ L = %s/s;", num(h->usable_ports, b, sizeof(b)),
		    num(h->addrs, d, sizeof(d)),
		    num(h->m[REPORT_LIMIT_PORTS].mean, c, sizeof(c)));
	else if (ports)
		fprintf(f, " port range %s ports per address / L = %s/s;",
		    num(h->usable_ports, b, sizeof(b)),
		    num(h->m[REPORT_LIMIT_PORTS].mean, c, sizeof(c)));
	else
		fputs(" port range unused (no outgoing connections);", f);
	/* UMA-1: FreeBSD 9's zone holds whole slabs (tw_cap_effective). */
	fprintf(f, " %s %s / L = %s/s", cap,
	    num(h->m[REPORT_TW_CAP_EFFECTIVE].mean, d, sizeof(d)),
	    num(h->m[REPORT_LIMIT_CAP].mean, e, sizeof(e)));
	/* SOCK-1: FreeBSD 9's pcbs, TIME_WAIT ones included. */
	if (!lnx && !f14)
		fprintf(f, "; maxsockets / L = %s/s",
		    num(h->m[REPORT_LIMIT_SOCKETS].mean, d, sizeof(d)));
	fputc('\n', f);
	if (lnx)
		fputs("    (linux: a port is busy only for its own 4-tuple, "
		    "and tcp_tw_reuse may take TIME_WAIT over: the port "
		    "limit is per destination, an upper bound on waiting)\n",
		    f);
	if (h->binding == REPORT_LIMIT_UNKNOWN) {
		fputs("    binding limit: unknown\n", f);
		return;
	}
	if (h->binding == REPORT_BINDS_PORTS) {
		/* What is offered, not what got through, meets the limit. */
		lim = h->m[REPORT_LIMIT_PORTS].mean;
		meas = h->m[REPORT_CONN_ATTEMPTED].mean / duration;
		fprintf(f, "    binding limit: PORT RANGE, %s/s; "
		    "connections attempted at %s/s",
		    num(lim, a, sizeof(a)), num(meas, b, sizeof(b)));
	} else if (h->binding == REPORT_BINDS_SOCKETS) {
		/* Every connection is a pcb until its TIME_WAIT ends. */
		lim = h->m[REPORT_LIMIT_SOCKETS].mean;
		meas = h->m[REPORT_CONN_ATTEMPTED].mean / duration;
		fprintf(f, "    binding limit: MAXSOCKETS, %s/s; "
		    "connections attempted at %s/s",
		    num(lim, a, sizeof(a)), num(meas, b, sizeof(b)));
	} else {
		lim = h->m[REPORT_LIMIT_CAP].mean;
		meas = h->m[REPORT_TW_RATE].mean;
		fprintf(f, "    binding limit: %s, %s/s; "
		    "TIME_WAIT entered at %s/s", lnx ? "TCP_MAX_TW_BUCKETS" :
		    f14 ? "MAXSOCKETS" : "ZONE CAP", num(lim, a, sizeof(a)),
		    num(meas, b, sizeof(b)));
	}
	if (!isnan(meas) && meas > lim)
		fputs(h->binding == REPORT_BINDS_PORTS ?
		    ", above it: expect EADDRNOTAVAIL" :
		    h->binding == REPORT_BINDS_SOCKETS ?
		    ", above it: expect ENOBUFS" : lnx ?
		    ", above it: expect closes without TIME_WAIT" : f14 ?
		    ", above it: expect ENOBUFS" :
		    ", above it: expect early recycling", f);
	else if (!isnan(meas) && lim > 0)
		fprintf(f, " (%s%% of it)",
		    num(100.0 * meas / lim, c, sizeof(c)));
	fputc('\n', f);
	text_periods(f, h, ports);
}

/*
 * What to set, for a client, from the run's own rates (report.h,
 * struct report_host): keep the full 2MSL, or cap TIME_WAIT short of
 * EADDRNOTAVAIL, and what that costs.
 */
static void
text_advice(FILE *f, const struct report_host *h)
{
	char a[32], b[32], c[32], d[32];
	double haz = h->m[REPORT_HAZARDS].mean;

	if (isnan(h->ports_needed))
		return;
	fputs("    advice:\n", f);
	fprintf(f, "      to keep the full 2MSL: %s ports in use at once "
	    "(attempts/s x (%s s before TIME_WAIT + %s s TIME_WAIT))",
	    num(h->ports_needed, a, sizeof(a)),
	    num(isnan(h->hold_s) ? 0 : h->hold_s, b, sizeof(b)),
	    num(h->tw_lifetime_s, c, sizeof(c)));
	if (!isnan(h->addrs_needed))
		fprintf(f, ": %s local address%s of %s ports each",
		    num(h->addrs_needed, a, sizeof(a)),
		    h->addrs_needed == 1 ? "" : "es",
		    num(h->usable_ports, d, sizeof(d)));
	fputs("\n", f);
	if (!isnan(h->cap_safe)) {
		/* A cap of the host's: the ports of all its addresses. */
		fprintf(f, "      to avoid EADDRNOTAVAIL instead: %s <= %s "
		    "on this host (%s address%s x %s ports, less those held "
		    "before TIME_WAIT)", strcmp(h->stack, "linux") == 0 ?
		    "tcp_max_tw_buckets" : "maxtcptw",
		    num(h->cap_safe, a, sizeof(a)),
		    num(isnan(h->addrs) ? 1 : h->addrs, b, sizeof(b)),
		    isnan(h->addrs) || h->addrs == 1 ? "" : "es",
		    num(h->usable_ports, c, sizeof(c)));
		if (!isnan(h->tw_life_at_cap_s))
			fprintf(f, "; TIME_WAIT then lasts about %s s "
			    "(cap / entry rate) instead of %s s",
			    num(h->tw_life_at_cap_s, b, sizeof(b)),
			    num(h->tw_lifetime_s, c, sizeof(c)));
		else if (strcmp(h->stack, "linux") == 0)
			fputs("; closes beyond it get no TIME_WAIT at all "
			    "(LNX-9), the others keep the full length", f);
		fputs("\n", f);
	} else if (strcmp(h->stack, "freebsd14") == 0)
		fputs("      to avoid EADDRNOTAVAIL instead: FreeBSD 14 has "
		    "no TIME_WAIT cap (F14-4): only more ports or addresses "
		    "help\n", f);
	if (haz > 0)
		fprintf(f, "      hazards seen: %s old duplicates acted on per "
		    "run (RFC 1337): TIME_WAIT was too short for this path\n",
		    num(haz, a, sizeof(a)));
	else if (h->m[REPORT_TW_RECYCLED].mean > 0)
		fputs("      hazards seen: none, although TIME_WAIT was cut "
		    "short (recycled early)\n", f);
	else
		fputs("      hazards seen: none\n", f);
}

static void
print_text(FILE *f, const char *db, const struct report *r)
{
	const struct report_point *pt;
	const struct report_host *h;
	size_t i, j;
	int m;

	fprintf(f, "%s: %zu sweep point%s", db, r->npoints,
	    r->npoints == 1 ? "" : "s");
	if (r->nfailed + r->ninterrupted > 0)
		fprintf(f, "; skipped %zu failed and %zu interrupted run%s",
		    r->nfailed, r->ninterrupted,
		    r->nfailed + r->ninterrupted == 1 ? "" : "s");
	fputs("\n", f);
	for (i = 0; i < r->npoints; i++) {
		pt = &r->points[i];
		fputc('\n', f);
		text_point_header(f, pt);
		if (pt->nruns > 0 && pt->nhosts == 0)
			fputs("  (no host did anything)\n", f);
		for (j = 0; j < pt->nhosts; j++) {
			h = &pt->hosts[j];
			fprintf(f, "  host %s (%zu run%s, stack %s)\n",
			    h->host, h->nruns, h->nruns == 1 ? "" : "s",
			    h->stack);
			fprintf(f, "    %-30s %12s  %-26s %s\n", "metric",
			    "mean", "95% CI", "unit");
			for (m = 0; m < REPORT_LIMIT_PORTS; m++)
				text_metric(f, h, m);
			text_limits(f, h, pt->duration_s);
			text_advice(f, h);
		}
	}
}

/* ---- CSV and JSON ---------------------------------------------------------- */

static void
csv_field(FILE *f, const char *s)
{

	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
json_string(FILE *f, const char *s)
{

	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

struct row_out {
	FILE		*f;
	enum out_format	 fmt;
	size_t		 nrows;
};

static void
row(struct row_out *o, const struct report_point *pt, const char *host,
    const char *metric, const char *unit, size_t n, double mean, double lo,
    double hi, const char *note)
{
	FILE *f = o->f;

	if (o->fmt == OUT_CSV) {
		csv_field(f, pt->scenario);
		fputc(',', f);
		csv_field(f, pt->sweep);
		fputc(',', f);
		csv_field(f, host);
		fprintf(f, ",%s,%s,%zu,", metric, unit, n);
		put_num(f, mean, "");
		fputc(',', f);
		put_num(f, lo, "");
		fputc(',', f);
		put_num(f, hi, "");
		fputc(',', f);
		csv_field(f, note);
		fputs("\r\n", f);
	} else {
		fputs(o->nrows == 0 ? "[\n  {" : ",\n  {", f);
		fputs("\"scenario\": ", f);
		json_string(f, pt->scenario);
		fputs(", \"sweep\": ", f);
		json_string(f, pt->sweep);
		fputs(", \"host\": ", f);
		json_string(f, host);
		fputs(", \"metric\": ", f);
		json_string(f, metric);
		fputs(", \"unit\": ", f);
		json_string(f, unit);
		fprintf(f, ", \"n\": %zu, \"mean\": ", n);
		put_num(f, mean, "null");
		fputs(", \"ci_low\": ", f);
		put_num(f, lo, "null");
		fputs(", \"ci_high\": ", f);
		put_num(f, hi, "null");
		fputs(", \"note\": ", f);
		json_string(f, note);
		fputc('}', f);
	}
	o->nrows++;
}

static void
print_rows(FILE *f, enum out_format fmt, const struct report *r)
{
	const struct report_metric_desc *d;
	const struct report_point *pt;
	const struct report_host *h;
	const struct stats_ci *ci;
	struct row_out o = { f, fmt, 0 };
	char note[64];
	size_t i, j, k, nall;
	int m;

	if (fmt == OUT_CSV)
		fputs("scenario,sweep,host,metric,unit,n,mean,ci_low,ci_high,"
		    "note\r\n", f);
	for (i = 0; i < r->npoints; i++) {
		pt = &r->points[i];
		/* n: every run of the point; mean: how many of them. */
		nall = pt->nruns + pt->nfailed + pt->ninterrupted;
		row(&o, pt, "", "runs_complete", "runs", nall,
		    (double)pt->nruns, NAN, NAN, "");
		row(&o, pt, "", "runs_failed", "runs", nall,
		    (double)pt->nfailed, NAN, NAN, "skipped");
		row(&o, pt, "", "runs_interrupted", "runs", nall,
		    (double)pt->ninterrupted, NAN, NAN, "skipped");
		for (j = 0; j < pt->nhosts; j++) {
			h = &pt->hosts[j];
			/* The host's kernel, in the note. */
			row(&o, pt, h->host, "stack", "", h->nruns, NAN, NAN,
			    NAN, h->stack);
			for (m = 0; m < REPORT_NMETRICS; m++) {
				d = report_metric_desc(m);
				ci = &h->m[m];
				note[0] = '\0';
				if (m == REPORT_FIRST_ADDRNOTAVAIL)
					snprintf(note, sizeof(note),
					    "in %zu of %zu runs", ci->n,
					    h->nruns);
				else if ((m == REPORT_LIMIT_PORTS &&
				    h->binding == REPORT_BINDS_PORTS) ||
				    (m == REPORT_LIMIT_CAP &&
				    h->binding == REPORT_BINDS_CAP) ||
				    (m == REPORT_LIMIT_SOCKETS &&
				    h->binding == REPORT_BINDS_SOCKETS))
					snprintf(note, sizeof(note), "binds");
				else if (m >= REPORT_CONNECT_P50 &&
				    m <= REPORT_CONNECT_MAX && ci->n > 0)
					snprintf(note, sizeof(note), "%s",
					    h->latency_from_connections ?
					    "from connections" :
					    "from host_stats");
				row(&o, pt, h->host, d->name, d->unit, ci->n,
				    ci->mean, ci->low, ci->high, note);
			}
			for (k = 0; k < h->nperiods; k++) {
				const struct report_period *p = &h->periods[k];

				snprintf(note, sizeof(note), "%.15g-%.15g s",
				    p->t0, p->t1);
				row(&o, pt, h->host, "period_limit_cap_rate",
				    "/s", h->nruns, p->limit_cap, NAN, NAN,
				    note);
				row(&o, pt, h->host, "period_tw_entered_per_s",
				    "/s", h->nruns, p->tw_rate, NAN, NAN, note);
				row(&o, pt, h->host, "period_limit_ports_rate",
				    "/s", h->nruns, p->limit_ports, NAN, NAN,
				    note);
				row(&o, pt, h->host,
				    "period_conn_attempted_per_s", "/s",
				    h->nruns, p->attempt_rate, NAN, NAN, note);
			}
			if (!isnan(h->ports_needed)) {
				row(&o, pt, h->host, "advice_ports_needed",
				    "ports", h->nruns, h->ports_needed, NAN,
				    NAN, "full 2MSL");
				row(&o, pt, h->host, "advice_addrs_needed",
				    "addresses", h->nruns, h->addrs_needed,
				    NAN, NAN, "full 2MSL");
				row(&o, pt, h->host, "advice_cap_safe",
				    "entries", h->nruns, h->cap_safe, NAN,
				    NAN, "no EADDRNOTAVAIL");
				row(&o, pt, h->host, "advice_tw_life_at_cap_s",
				    "s", h->nruns, h->tw_life_at_cap_s, NAN,
				    NAN, "at advice_cap_safe");
			}
		}
	}
	if (fmt == OUT_JSON)
		fputs(o.nrows == 0 ? "[]\n" : "\n]\n", f);
}

/* ---- argument helpers ------------------------------------------------------ */

static int
parse_run_id(const char *cmd, const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0) {
		fprintf(stderr, "twsim %s: --run needs a positive run id, "
		    "not '%s'\n", cmd, s);
		return (-1);
	}
	*out = v;
	return (0);
}

/* The value of option argv[*i], or NULL with a message. */
static const char *
optval(const char *cmd, int argc, char **argv, int *i)
{

	if (*i + 1 >= argc) {
		fprintf(stderr, "twsim %s: %s needs a value (try 'twsim %s "
		    "--help')\n", cmd, argv[*i], cmd);
		return (NULL);
	}
	return (argv[++*i]);
}

static int
open_db(const char *cmd, const char *path, struct results **r)
{
	char err[1024];

	/* Only what report and plot read is checked for damage. */
	if (results_open_reader(path, REPORT_TABLES, r, err, sizeof(err)) !=
	    RESULTS_OK) {
		fprintf(stderr, "twsim %s: %s\n", cmd, err);
		return (-1);
	}
	return (0);
}

/* ---- the commands ------------------------------------------------------------ */

int
cmd_report(int argc, char **argv)
{
	struct report_filter flt = { 0, NULL, NULL };
	enum out_format fmt = OUT_TEXT;
	struct report *rep;
	struct results *r;
	const char *db = NULL, *v;
	char err[1024];
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			report_usage(stdout);
			return (0);
		} else if (strcmp(argv[i], "--csv") == 0)
			fmt = OUT_CSV;
		else if (strcmp(argv[i], "--json") == 0)
			fmt = OUT_JSON;
		else if (strcmp(argv[i], "--run") == 0) {
			if ((v = optval("report", argc, argv, &i)) == NULL ||
			    parse_run_id("report", v, &flt.run_id) != 0)
				return (2);
		} else if (strcmp(argv[i], "--scenario") == 0) {
			if ((flt.scenario = optval("report", argc, argv,
			    &i)) == NULL)
				return (2);
		} else if (strcmp(argv[i], "--host") == 0) {
			if ((flt.host = optval("report", argc, argv,
			    &i)) == NULL)
				return (2);
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "twsim report: unknown option '%s' "
			    "(try 'twsim report --help')\n", argv[i]);
			return (2);
		} else if (db == NULL)
			db = argv[i];
		else {
			fprintf(stderr, "twsim report: unexpected argument "
			    "'%s'\n", argv[i]);
			return (2);
		}
	}
	if (db == NULL) {
		report_usage(stderr);
		return (2);
	}
	if (open_db("report", db, &r) != 0)
		return (2);
	rc = report_build(results_sqlite(r), &flt, &rep, err, sizeof(err));
	results_close(r);
	if (rc != REPORT_OK) {
		fprintf(stderr, "twsim report: %s: %s\n", db, err);
		return (rc == REPORT_ENOMEM ? 1 : 2);
	}
	if (fmt == OUT_TEXT)
		print_text(stdout, db, rep);
	else
		print_rows(stdout, fmt, rep);
	report_free(rep);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "twsim report: cannot write the report: %s\n",
		    strerror(errno));
		return (1);
	}
	return (0);
}

int
cmd_plot(int argc, char **argv)
{
	struct report_plot_opts o;
	enum plot_format pf;
	struct results *r;
	struct plot *pl;
	const char *db = NULL, *outpath = NULL, *v;
	char err[2048];
	size_t n;
	int i, rc;

	memset(&o, 0, sizeof(o));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			plot_usage(stdout);
			return (0);
		} else if (strcmp(argv[i], "-o") == 0 ||
		    strcmp(argv[i], "--output") == 0) {
			if ((outpath = optval("plot", argc, argv, &i)) == NULL)
				return (2);
		} else if (strcmp(argv[i], "--run") == 0) {
			if ((v = optval("plot", argc, argv, &i)) == NULL ||
			    parse_run_id("plot", v, &o.run_id) != 0)
				return (2);
		} else if (strcmp(argv[i], "--scenario") == 0) {
			if ((o.scenario = optval("plot", argc, argv, &i)) ==
			    NULL)
				return (2);
		} else if (strcmp(argv[i], "--host") == 0) {
			if ((o.host = optval("plot", argc, argv, &i)) == NULL)
				return (2);
		} else if (strcmp(argv[i], "--by") == 0) {
			if ((o.by = optval("plot", argc, argv, &i)) == NULL)
				return (2);
		} else if (strcmp(argv[i], "--mean") == 0) {
			o.mean = 1;
		} else if (strcmp(argv[i], "--from-zero") == 0) {
			o.from_zero = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "twsim plot: unknown option '%s' "
			    "(try 'twsim plot --help')\n", argv[i]);
			return (2);
		} else if (db == NULL)
			db = argv[i];
		else if (o.metric == NULL)
			o.metric = argv[i];
		else {
			fprintf(stderr, "twsim plot: unexpected argument "
			    "'%s'\n", argv[i]);
			return (2);
		}
	}
	if (db == NULL || o.metric == NULL) {
		plot_usage(stderr);
		return (2);
	}
	if (outpath == NULL) {
		fprintf(stderr, "twsim plot: say where the chart goes: "
		    "-o FILE.png or -o FILE.svg\n");
		return (2);
	}
	if (plot_format_of(outpath, &pf) != PLOT_OK) {
		fprintf(stderr, "twsim plot: %s: the output must end in .png "
		    "or .svg\n", outpath);
		return (2);
	}
	if (open_db("plot", db, &r) != 0)
		return (2);
	rc = report_plot(results_sqlite(r), &o, &pl, err, sizeof(err));
	results_close(r);
	if (rc != REPORT_OK) {
		fprintf(stderr, "twsim plot: %s: %s\n", db, err);
		return (rc == REPORT_ENOMEM ? 1 : 2);
	}
	rc = plot_render(pl, outpath, NULL, err, sizeof(err));
	for (n = 0, i = 0; (size_t)i < plot_nseries(pl); i++)
		if (plot_npoints(pl, (size_t)i) > 0)
			n++;
	if (rc == PLOT_OK)
		printf("twsim plot: wrote %s (%zu line%s)\n", outpath, n,
		    n == 1 ? "" : "s");
	plot_destroy(pl);
	if (rc != PLOT_OK) {
		fprintf(stderr, "twsim plot: %s\n", err);
		return (rc == PLOT_EINVAL ? 2 : 1);
	}
	return (0);
}
