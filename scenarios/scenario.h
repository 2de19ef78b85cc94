/*
 * scenario.h -- a loaded scenario: the expanded list of runs.
 *
 * scenario_load() reads a scenario file (INI, see docs/scenario-keys.md),
 * applies `--set KEY=VALUE` overrides, validates every value against the
 * parameter table (scenarios/params.h), expands sweeps and repetitions, and
 * returns the list of runs.  Each run is plain data in base units (times in
 * ns, sizes in bytes, rates per second, probabilities, distributions in ns,
 * IPv4 addresses in host byte order) that the runner turns into model
 * objects.  Loading either succeeds completely or returns an error naming
 * file, line and offending text: nothing runs on bad input.
 *
 * Run order: sweep points in lexicographic order of the swept keys taken in
 * file order (the first swept key varies slowest), repetitions innermost.
 *
 * Seeds: the master seed comes from [run] seed or the seed override.  The
 * seed of repetition r (0-based) is rng_derive_seed(master, "repetition/<r>")
 * and is the SAME at every sweep point: common random numbers across sweep
 * points, so that a difference between two points is the effect of the swept
 * parameter and not of different random draws.
 *
 * Override keys (--set), one per section kind:
 *   run.KEY                        [run]
 *   host.NAME.KEY                  [host NAME]
 *   path.A.B.KEY                   [path A B]       (two-way path)
 *   path.A->B.KEY                  [path A -> B]    (one-way path)
 *   workload.NAME.KEY              [workload NAME]
 *   at.TIME.HOST.KEY               [at TIME] HOST.KEY (creates the section)
 * The section must exist (except [at]); the value may be a sweep.
 */
#ifndef TWSIM_SCENARIO_H
#define TWSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "models/tunable.h"
#include "sim/dist.h"
#include "sim/simtime.h"

struct scenario_host {
	const char		*name;
	int			 line;	/* of its [host] section */
	size_t			 naddrs;	/* >= 1 */
	const uint32_t		*addrs;	/* host byte order */
	size_t			 nlisten;
	const uint16_t		*listen;	/* server ports */
	int			 pcap;		/* pcap = yes */
	struct host_tunables	 tun;		/* boot values */
};

/*
 * One direction of a path.  A two-way [path A B] section yields two
 * entries.  An ordered pair of hosts that no section names has no entry:
 * it takes the network's unconfigured path (NET-1: constant 1 ms, no loss,
 * no duplicates), which is exactly what the [path] defaults say
 * (check_scenario pins the two together).  A full matrix of defaults
 * would cost hosts^2 entries.
 */
struct scenario_path {
	size_t		from_host;	/* index into run->hosts */
	size_t		to_host;
	struct dist	latency;	/* ns */
	double		loss;		/* probability */
	double		duplicate;	/* probability */
	struct dist	duplicate_delay; /* ns */
	int		line;		/* of its [path] section */
};

enum scenario_arrival {
	SCENARIO_ARRIVAL_POISSON,
	SCENARIO_ARRIVAL_CONSTANT
};

enum scenario_closer {
	SCENARIO_CLOSE_CLIENT,		/* client closes first */
	SCENARIO_CLOSE_SERVER		/* server closes first */
};

/* From `start` on, connections arrive at `rate` per second. */
struct scenario_rate_step {
	sim_time_t	start;		/* absolute simulated time */
	double		rate;		/* per second, >= 0 */
};

struct scenario_workload {
	const char	*name;
	int		 line;		/* of its [workload] section */
	size_t		 client_host;	/* index into run->hosts */
	/* resolved: the host's first address unless one is given */
	uint32_t	 client_addr;	/* 0: every address in turn (WL-9) */
	size_t		 server_host;
	uint32_t	 server_addr;	/* resolved likewise */
	uint16_t	 server_port;	/* in server_host's listen */
	enum scenario_arrival arrival;
	size_t		 nsteps;	/* >= 1, increasing start */
	const struct scenario_rate_step *steps;
	uint64_t	 request;	/* bytes */
	uint64_t	 response;	/* bytes */
	sim_time_t	 hold;
	enum scenario_closer close_by;
	sim_time_t	 close_delay;	/* the second closer's (WL-10) */
	uint16_t	 sport;		/* 0 = ephemeral */
	sim_time_t	 start;		/* connections begin */
	sim_time_t	 stop;		/* and end (<= duration) */
};

/*
 * At time `at`, set value `index` of tunable `tunable` of host `host` to
 * `value` (host_tunable_set).  A portrange is two changes: index 0 (first)
 * and 1 (last).
 */
struct scenario_change {
	sim_time_t	 at;
	size_t		 host;		/* index into run->hosts */
	const struct tunable *tunable;	/* row of models/tunable.c */
	int		 index;
	const char	*key;		/* "maxtcptw" */
	int64_t		 value;		/* in base units (ns) */
};

/* A resolved key of a run in canonical text: ("host.client.msl", "30s"). */
struct scenario_param {
	const char	*key;
	const char	*value;
};

enum scenario_connections {
	SCENARIO_CONN_AUTO,
	SCENARIO_CONN_YES,
	SCENARIO_CONN_NO
};

/*
 * One run: a sweep point and a repetition.  The runs of one sweep point
 * share their (immutable) arrays; only index, repetition and seed differ.
 */
struct scenario_run {
	size_t		 index;		/* in the run list */
	size_t		 point;		/* sweep point index */
	unsigned	 repetition;	/* 0-based */
	const char	*name;		/* [run] name */
	/* "rate=20/s, maxtcptw=5000", or "" without sweeps */
	const char	*label;
	sim_time_t	 duration;
	sim_time_t	 sample;
	uint64_t	 master_seed;
	uint64_t	 seed;		/* of this repetition */
	enum scenario_connections connections;
	/* sum over workloads of rate x active time */
	double		 expected_connections;
	int		 record_connections; /* resolved */

	size_t		 nhosts;
	const struct scenario_host *hosts;
	size_t		 npaths;
	const struct scenario_path *paths;
	size_t		 nworkloads;
	const struct scenario_workload *workloads;
	/* sorted by time, then file order */
	size_t		 nchanges;
	const struct scenario_change *changes;
	/* every key of the run, defaults too */
	size_t		 nparams;
	const struct scenario_param *params;
};

struct scenario;

/*
 * A scenario is a regular text file of at most this many bytes (16 MiB):
 * anything else is refused before it is read (scenarios/textfile.h).
 */
#define SCENARIO_MAX_FILE	(16u << 20)

/*
 * Load `path`.  `overrides` are "KEY=VALUE" strings as given to --set.
 * `seed_override` replaces [run] seed unless 0 (for seed 0 use
 * --set run.seed=0).  Returns 0 and *out, or -1 with a message in err
 * ("file.ini:12: ...").
 */
int	scenario_load(const char *path, const char *const *overrides,
	    int noverrides, uint64_t seed_override, struct scenario **out,
	    char *err, size_t errlen);
/* Same from text in memory; `name` stands for the file in messages and
   gives the default run name ("web.ini" -> "web"). */
int	scenario_load_string(const char *name, const char *text,
	    const char *const *overrides, int noverrides,
	    uint64_t seed_override, struct scenario **out, char *err,
	    size_t errlen);
void	scenario_free(struct scenario *sc);

const char	*scenario_name(const struct scenario *sc);
const char	*scenario_path(const struct scenario *sc);
size_t		 scenario_nruns(const struct scenario *sc);
const struct scenario_run *scenario_run_at(const struct scenario *sc,
		    size_t i);
size_t		 scenario_npoints(const struct scenario *sc);
unsigned	 scenario_repeat(const struct scenario *sc);
/* The seed of repetition r under master seed m (see the top of this file);
 * `twsim run --repeat-more` derives further repetitions with it. */
uint64_t	 scenario_repetition_seed(uint64_t master_seed,
		    unsigned repetition);
/* Master seed of sweep point 0 (the seed may itself be swept). */
uint64_t	 scenario_master_seed(const struct scenario *sc);

/* Canonical value of `key` in run r ("workload.web.rate"), or NULL. */
const char	*scenario_run_param(const struct scenario_run *r,
		    const char *key);
/* Index of host `name` in r->hosts, or -1. */
int		 scenario_run_host(const struct scenario_run *r,
		    const char *name);

#endif /* TWSIM_SCENARIO_H */
