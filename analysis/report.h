/*
 * report.h -- what `twsim report` and `twsim plot` compute from a results
 * database, as plain structs (printing is cmd_report.c's business).
 *
 * A report groups the complete runs of a database by sweep point: the runs
 * of one scenario with one parameter digest (results.h; the same resolved
 * parameters apart from seed and repetition), labelled by their sweep
 * label plus any unswept key in which points differ (report_db.h:
 * rdb_pool_labels()); failed and interrupted runs are counted and left out.
 * For every host that did anything, each metric is summarised over the
 * point's replications as a mean and a Student-t 95% confidence interval
 * (analysis/stats.h).  Beside the measured connection rate it states the
 * rates the model's own limits allow, so a reader sees at once whether the
 * ephemeral port range or the TIME_WAIT zone cap binds:
 *
 *   mean TIME_WAIT lifetime  L = 2 * MSL + 0.25 s
 *       (tcp_tw_2msl_reset() arms 2*MSL; the 500 ms slow timer that
 *        tcp_tw_2msl_scan() runs on adds half a period on average)
 *   port limit   = usable ports x addresses / L,  usable = last - first +
 *                  1 per local address (net.inet.ip.portrange.first/last),
 *                  addresses: those the host's connections go out from
 *                  (WL-9), each with its own ports (PORT-3)
 *   zone limit   = tw_cap_effective / L  (net.inet.tcp.maxtcptw rounded up
 *                  to whole UMA slabs, UMA-1)
 *   socket limit = maxsockets / L     (kern.ipc.maxsockets: TIME_WAIT
 *                  pcbs count, SOCK-1)
 *
 * The smallest one binds.  Above the port limit connect() fails with
 * EADDRNOTAVAIL; above the socket limit with ENOBUFS; above the zone limit
 * TIME_WAIT is cut short by recycling the oldest entry (tcp_twstart()),
 * which is where the hazards come from.  A host that opens no connections
 * (a server) uses no ephemeral ports, so only its zone cap or maxsockets
 * can bind.
 *
 * report_plot() (report_plot.c) builds the chart `twsim plot` draws, as a
 * struct plot (analysis/plot.h): a time series of a samples column, or a summary
 * metric against a swept parameter with confidence-interval bars.
 */
#ifndef TWSIM_REPORT_H
#define TWSIM_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "analysis/stats.h"

struct plot;

#define REPORT_OK	0
#define REPORT_ESQL	(-1)	/* SQLite error (message in err) */
#define REPORT_ENOMATCH	(-2)	/* the filter selects no run */
#define REPORT_EINVAL	(-3)	/* unknown metric, host or parameter */
#define REPORT_ENOMEM	(-4)

/*
 * The tables report and plot read (run_summary is runs joined with
 * host_stats), and so the only ones they check for damage when they open a
 * database (results_open_reader()).  Never `connections`: what a report
 * needs of the rows is in connection_stats, written at the end of each
 * run, so it costs the same for a database of ten million rows.
 */
extern const char *const REPORT_TABLES[];

/* Mean TIME_WAIT lifetime beyond 2*MSL: half the 500 ms slow timer. */
#define REPORT_TW_SCAN_SLACK_S	0.25

enum report_metric {
	REPORT_CONN_ATTEMPTED,
	REPORT_CONN_ESTABLISHED,
	REPORT_FAILED_ADDRNOTAVAIL,
	REPORT_FAILED_TIMEOUT,
	REPORT_FAILED_RESET,
	REPORT_FIRST_ADDRNOTAVAIL,	/* only over runs where it happened */
	REPORT_TW_PEAK,
	REPORT_TW_MEAN,			/* time average over samples */
	REPORT_TW_CAP,
	REPORT_AT_CAP_SHARE,		/* share of samples with count >= cap */
	REPORT_RECYCLE_RATE,		/* early recycles per second */
	REPORT_SYN_DROPPED_TW,
	REPORT_HAZARDS,
	REPORT_CONNECT_P50,
	REPORT_CONNECT_P99,
	REPORT_CONNECT_MAX,
	REPORT_CONN_RATE,		/* measured: established / duration */
	REPORT_TW_RATE,			/* measured: tw_entered / duration */
	/* TIME_WAIT lifetimes held by the host, from connection records
	   (t_tw_end - t_tw_start of entries that ended) */
	REPORT_TW_LIFE_MEAN,
	REPORT_TW_LIFE_P50,
	REPORT_TW_LIFE_P99,
	/* Every TIME_WAIT outcome (rules TW-6..TW-16), per run. */
	REPORT_TW_ENTERED,
	REPORT_TW_EXPIRED,		/* full 2MSL (TW-12) */
	REPORT_TW_RECYCLED,		/* early, zone full (TW-7) */
	REPORT_TW_REOPENED,		/* by a new SYN (TW-16) */
	REPORT_TW_SKIPPED_LOCAL,	/* nolocaltimewait (TW-6) */
	REPORT_TW_SKIPPED_NOMEM,	/* zone full, nothing to recycle (TW-8) */
	REPORT_RST_IGNORED_TW,		/* TW-15 */
	REPORT_ACKS_SENT_TW,		/* TW-10, TW-19 */
	/*
	 * Effective TIME_WAIT lifetime by Little's law in the second half
	 * of the run: mean entries / entry rate (2MSL + 0.25 s when nothing
	 * cuts it short).
	 */
	REPORT_TW_LIFETIME,
	REPORT_LIMIT_PORTS,		/* predicted: usable ports / L */
	REPORT_LIMIT_CAP,		/* predicted: tw_cap_effective / L */
	REPORT_TW_CAP_EFFECTIVE,	/* what the zone holds (UMA-2) */
	REPORT_FAILED_NOBUFS,
	REPORT_FAILED_ADDRINUSE,
	REPORT_LIMIT_SOCKETS,		/* predicted: maxsockets / L */
	REPORT_NMETRICS
};

struct report_metric_desc {
	const char	*name;		/* machine name (CSV/JSON) */
	const char	*label;		/* for people */
	const char	*unit;		/* "", "s", "/s", "entries", ... */
};
const struct report_metric_desc *report_metric_desc(enum report_metric m);

enum report_limit {
	REPORT_LIMIT_UNKNOWN,		/* parameters missing */
	REPORT_BINDS_PORTS,
	REPORT_BINDS_CAP,
	REPORT_BINDS_SOCKETS		/* kern.ipc.maxsockets */
};
const char	*report_limit_name(enum report_limit l);	/* "ports" ... */

/*
 * The limits over one period between [at TIME] changes of a host's
 * tunables (msl, portrange, maxtcptw, maxsockets): the zone cap as the
 * samples saw it, L and the usable ports in force, the two limits, and
 * the rates measured in the period (means over the runs).
 */
struct report_period {
	double		 t0, t1;		/* s */
	double		 cap;			/* tw_cap sampled */
	double		 life;			/* L in force */
	double		 ports;			/* usable ports in force */
	double		 limit_ports, limit_cap;	/* /s */
	double		 tw_rate, attempt_rate;	/* /s, measured */
};

struct report_host {
	char		*host;
	size_t		 nruns;		/* runs in which this host is active */
	struct stats_ci	 m[REPORT_NMETRICS];
	int		 latency_from_connections; /* 0: from host_stats */
	double		 usable_ports;	/* per local address; NAN: unknown */
	double		 addrs;		/* local addresses its connections
					   go out from (WL-9); NAN: unknown */
	double		 tw_lifetime_s;	/* L; NAN: unknown */
	char		 stack[16];	/* the host's kernel: "freebsd9" (also
					   when the database does not say),
					   "linux", or "mixed" across runs */
	enum report_limit binding;	/* from the means of the limits */
	/*
	 * Advice for a client (conn_attempted > 0), from the run's own
	 * rates (cmd_report prints it; NAN when unknown):
	 *   hold_s: mean time a connection stays established (Little's
	 *     law over the samples: mean established / establishment rate);
	 *   ports_needed = attempt rate x (hold + L): the ports that keep
	 *     every TIME_WAIT for its full 2MSL (Little's law);
	 *   addrs_needed = ports_needed / usable ports per address;
	 *   cap_safe = usable ports x addrs - attempt rate x hold: a
	 *     maxtcptw no higher leaves a port for every new connection
	 *     (no EADDRNOTAVAIL), and TIME_WAIT then lasts cap_safe /
	 *     entry rate (tw_life_at_cap_s).  The cap is the host's (one
	 *     zone, one tcp_max_tw_buckets) and its ports those of all the
	 *     addresses it connects from.  Per stack: linux's cap is
	 *     tcp_max_tw_buckets, past which a close gets no TIME_WAIT
	 *     (LNX-9), so tw_life_at_cap_s is NAN; freebsd14 has no cap
	 *     (F14-4), so cap_safe is NAN too.
	 */
	double		 hold_s;
	double		 ports_needed;
	double		 addrs_needed;
	double		 cap_safe;
	double		 tw_life_at_cap_s;
	/* Limits that follow the [at] changes; none without changes. */
	size_t		 nperiods;
	struct report_period *periods;
};

struct report_point {
	char		*scenario;
	char		*sweep;		/* the point's label (rdb_pool_labels());
					   "" without sweeps */
	size_t		 nruns;		/* complete runs summarised */
	int64_t		*run_ids;	/* nruns of them, ascending */
	size_t		 nfailed;	/* skipped */
	size_t		 ninterrupted;	/* skipped */
	double		 duration_s;	/* mean over the runs */
	size_t		 nhosts;
	struct report_host *hosts;	/* sorted by name */
};

struct report {
	size_t		 npoints;
	struct report_point *points;	/* in order of their first run */
	size_t		 nfailed;	/* skipped, all points */
	size_t		 ninterrupted;
};

struct report_filter {
	int64_t		 run_id;	/* > 0: only this run */
	const char	*scenario;	/* non-NULL: only this scenario */
	const char	*host;		/* non-NULL: only this host
					   (REPORT_EINVAL when no run has it) */
};

int	report_build(sqlite3 *db, const struct report_filter *f,
	    struct report **out, char *err, size_t errlen);
void	report_free(struct report *r);		/* NULL is accepted */

/* Usable ports of a "FIRST-LAST" range; NAN when unparsable. */
double	report_portrange_size(const char *value);
/* Addresses in a host's `address` list ("A, B-C, D/28"); NAN when
 * unparsable. */
double	report_address_count(const char *value);
/* A time "30s", "250ms", "2min" in seconds; NAN when unparsable. */
double	report_parse_seconds(const char *value);
/* The leading number of a parameter value with its unit stripped (times
 * in seconds, "20/s" -> 20, a range "A-B" -> its size); NAN if none. */
double	report_param_number(const char *value);

/* ---- twsim plot -------------------------------------------------------- */

struct report_plot_opts {
	const char	*metric;	/* samples column (or, with by, any
					   run_summary numeric column) */
	int64_t		 run_id;	/* > 0: only this run */
	const char	*scenario;	/* non-NULL: only this scenario */
	const char	*host;		/* NULL: every active host */
	const char	*by;		/* NULL: time series; else a params
					   key or its last component */
	int		 from_zero;	/* y axis from 0 */
	int		 mean;		/* time series: per sweep point and
					   host, the mean of its repetitions
					   in a 95% CI band */
};

/*
 * Builds the chart into *out (free with plot_destroy()).  Unknown metric,
 * host or parameter: REPORT_EINVAL with the valid names listed in err.
 */
int	report_plot(sqlite3 *db, const struct report_plot_opts *o,
	    struct plot **out, char *err, size_t errlen);
/* Meaning and unit of a samples / run_summary column, for axis labels
 * ("TIME_WAIT entries"); the column name itself when unknown. */
const char	*report_column_label(const char *column);
/*
 * 1 if a samples / run_summary column counts since the run began; each
 * such samples column C is plotted as metric C_rate, per second.
 */
int		 report_column_cumulative(const char *column);

#endif /* TWSIM_REPORT_H */
