/*
 * runner.h -- executes one run of a scenario and records it.
 *
 * The runner is the glue of the data flow in docs/DESIGN.md: it turns one
 * struct scenario_run (plain data) into model objects (a net of hosts,
 * paths and workloads over one struct sim), schedules the [at] tunable
 * changes and the sampling clock, runs the simulation, and hands every
 * result to analysis/results as plain rows.  Models never see SQL and the
 * results module never sees a model struct.
 *
 * A run is one results transaction: a run that cannot finish is recorded as
 * `failed` (with its error) or `interrupted` (stop flag), never as rows
 * that look complete.  What is recorded follows the identity rule of
 * results.h: a run already present is kept unless opts->replace.
 */
#ifndef TWSIM_RUNNER_H
#define TWSIM_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "analysis/results.h"

struct capture_filter;
struct scenario;
struct scenario_run;

struct runner_progress {
	double		sim_seconds;	/* simulated time reached */
	double		duration;	/* of the run */
	uint64_t	events;		/* processed so far */
	uint64_t	connections;	/* started so far */
	size_t		queue;		/* events pending now */
};

typedef void (*runner_progress_fn)(void *ctx, const struct runner_progress *p);

struct runner_opts {
	const char		*scenario;	/* name for runs.scenario */
	const char		*version;	/* for runs.version */
	volatile sig_atomic_t	*stop_flag;	/* set by SIGINT/SIGTERM */
	runner_progress_fn	 progress;	/* NULL: none */
	void			*progress_ctx;
	int			 check_invariants; /* host_check after each
						      sample (tests) */
	int			 replace;	/* --replace: a complete run
						   replaces one of its identity */
	/*
	 * Captures (models/capture.h): with pcap_dir set, one file per
	 * captured host, DIR/STEM-HOST.pcap, STEM being pcap_stem or
	 * "run<run_id>".  Captured: every host with pcap_all, else the hosts
	 * with pcap = yes.
	 */
	const char		*pcap_dir;
	const char		*pcap_stem;	/* NULL: the runner names them */
	int			 pcap_all;
	int			 pcap_snaplen;	/* 0: whole packets */
	const struct capture_filter *pcap_filter;	/* NULL: all */
	/*
	 * --trace (models/trace.h): every event of these connections
	 * (conn_id, and their peers) to trace_out, after a header line
	 * naming the run.
	 */
	FILE			*trace_out;
	const uint64_t		*trace_ids;
	size_t			 ntrace;
};

enum runner_status {
	RUNNER_COMPLETE,
	RUNNER_INTERRUPTED,
	RUNNER_FAILED
};

struct runner_result {
	enum runner_status	status;
	int64_t			run_id;		/* in the database: the run
						   recorded, or the one kept */
	enum results_action	action;		/* added, replaced, or skipped
						   (identity present) */
	uint64_t		events;
	uint64_t		connections;
	double			sim_seconds;
	double			wall_seconds;
};

/*
 * The identity `run` has in a results database (results.h), as
 * runner_run() would record it.  0, or -1 when out of memory.
 */
int	runner_identity(const struct scenario_run *run,
	    const struct runner_opts *opts, struct results_identity *id);

/*
 * Runs `run` and writes it into `db`.  Returns 0 when the run was recorded
 * (whatever its status: see res->status), or -1 when even the record could
 * not be written (message in err).
 */
/*
 * Captures are written under a stem of their own until the run has its
 * id in the database: ".part-OWNER-INDEX", OWNER the pid of the process
 * that records the run (a -j N worker's parent).  runner_pcap_finish()
 * then gives them their names, DIR/run<ID>-HOST.pcap, or removes them
 * when the run was not recorded (keep 0: its identity was present).
 */
void	runner_pcap_stem(char *buf, size_t len, long owner, size_t index);
void	runner_pcap_finish(const struct runner_opts *opts,
	    const struct scenario_run *run, const char *stem, int64_t run_id,
	    int keep);

int	runner_run(const struct scenario_run *run, struct results *db,
	    const struct runner_opts *opts, struct runner_result *res,
	    char *err, size_t errlen);

/*
 * Builds the model world of `run` as runner_run would (hosts, addresses,
 * paths, workloads, listeners), then tears it down without simulating or
 * writing anything: 0, or -1 with the models' message in err and in *line
 * the scenario line of the section they refused (0: none).  `twsim check`
 * and `twsim run` call it for every sweep point before a database is
 * opened, so a scenario the models refuse is refused up front (exit 2).
 */
int	runner_check(const struct scenario_run *run, int *line, char *err,
	    size_t errlen);
/*
 * runner_check of every sweep point; err reads like the loader's messages:
 * "FILE:LINE: message (sweep point LABEL)".
 */
int	runner_check_scenario(const struct scenario *sc, char *err,
	    size_t errlen);

#endif /* TWSIM_RUNNER_H */
