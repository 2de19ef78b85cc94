/*
 * loader.h -- the scenario loader's state, shared by its stages (private to
 * scenarios/; the public interface is scenario.h).
 *
 * Loading runs in three stages, one file each, over one struct loader:
 *
 *  1. Read (scenarios/reader.c).  The INI text and the --set overrides
 *     become sections and entries, each carrying the file:line (or the
 *     --set) it came from; keys are checked against the parameter table,
 *     required keys and references between sections are checked.
 *  2. Sweep (scenarios/sweep.c).  A `${...}` value is expanded into its
 *     choices as the entry is read; after reading, the swept entries are
 *     crossed into sweep points (file order, the first one slowest) and
 *     each point into its repetitions.
 *  3. Build (scenarios/build.c, with scenarios/value.c parsing each value).
 *     The entries of one sweep point become one scenario_run: hosts with
 *     their tunables, paths, workloads and the [at] changes.
 *
 * scenarios/scenario.c holds what they share (the scenario's memory, error
 * messages, section and entry lookups) and the public entry points.
 */
#ifndef TWSIM_LOADER_H
#define TWSIM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "sim/dist.h"
#include "sim/simtime.h"

/* A section of the file, or one --set made ([at TIME]). */
struct section {
	enum param_section	 kind;
	char			*title;		/* "host client" */
	char			*name;		/* host or workload */
	char			*from, *to;	/* path */
	int			 oneway;
	sim_time_t		 at;		/* [at TIME] */
	int			 line;		/* 0: made by --set */
	int			 hostidx;	/* host: index in run */
};

/* KEY = VALUE of a section, located at file:line or at its --set. */
struct entry {
	size_t			 section;
	char			*key;		/* "msl", "client.msl" */
	char			*host;		/* [at]: host part */
	const struct param	*param;
	char			*value;
	int			 line;		/* 0: from --set */
	const char		*origin;	/* --set text */
	size_t			 nchoices;	/* 0: not swept */
	char			**choices;	/* pre + element + post */
	int			 sweep;		/* among swept, or -1 */
	/*
	 * Named iteration variables (sweep.c): `${r=10, 20}` defines var
	 * "r"; `${n=1, 2 ! r}` (or `${1, 2 ! r}`) moves in step with r;
	 * `${r}` takes r's elements (ref).  The raw elements, and the text
	 * around the ${...}, build the choices of a reference.
	 */
	char			*var, *follows, *ref;
	char			**elems;
	char			*pre, *post;
	size_t			 dim;		/* sweep dimension */
};

struct scenario {
	char			*name;
	char			*path;
	size_t			 nruns;
	struct scenario_run	*runs;
	size_t			 npoints;
	unsigned		 repeat;

	/*
	 * Memory: small objects are carved from 64 KiB chunks (a sweep of
	 * thousands of points makes hundreds of thousands of small strings),
	 * large ones get their own block; all are freed at once.
	 */
	void			**allocs;
	size_t			 nallocs, capallocs;
	char			*chunk;
	size_t			 chunk_left;
};

/*
 * A hash index from a name to a section or entry (open addressing, a
 * power of two of slots, at most half full): finding a host, a workload,
 * an [at] time, a path direction or a section's key costs the same with
 * ten sections or twenty thousand, so loading stays linear in hosts,
 * paths, workloads and changes.
 */
struct ld_index {
	uint64_t		*slots;	/* hash << 32 | (index + 1); 0: empty */
	size_t			 cap, n;
};

struct loader {
	struct scenario		*sc;
	const char		*file;		/* for messages */
	char			**lines;
	size_t			 nlines;
	size_t			 curline;	/* lines read so far */
	int			 cursec;	/* -1: none yet */
	/*
	 * A value continued on the next line: the line read ends with '\'
	 * (more), the line read continues a value (continuing), and the
	 * entry whose value is still growing (pending: index + 1, 0 none)
	 * and the room its value has (pending_cap).
	 */
	int			 more;
	int			 continuing;
	size_t			 pending;
	size_t			 pending_cap;

	struct section		*secs;
	size_t			 nsecs, capsecs;
	struct entry		*ents;
	size_t			 nents, capents;
	size_t			 nswept;
	size_t			*swept;		/* entry indices */
	size_t			 ndims;		/* independent sweeps */
	struct ld_index		 secidx;	/* run/host/workload, [at] */
	struct ld_index		 pathidx;	/* [path] by direction */
	struct ld_index		 entidx;	/* entries by (section, key) */

	uint64_t		 seed_override;
	char			*err;
	size_t			 errlen;
	int			 failed;
	int			 errline;
	const char		*pointlabel;	/* during expansion */
};

/* A sweep point: the choice of every swept entry. */
struct point {
	const size_t	*choice;	/* per swept entry */
	const char	*label;
};

/* One parsed value, in base units, and its canonical text. */
struct pval {
	int64_t			 i;
	uint64_t		 u;
	double			 d;
	struct dist		 dist;
	int			 first, last;
	uint32_t		*addrs;
	uint16_t		*ports;
	size_t			 n;
	struct scenario_rate_step *steps;
	const char		*s;
	const char		*canon;		/* scenario memory */
};

/* Memory that lives as long as the scenario (scenario.c). */
void		*sc_alloc(struct scenario *sc, size_t n);
char		*sc_strdup(struct scenario *sc, const char *s);
char		*sc_strndup(struct scenario *sc, const char *s, size_t n);

/*
 * Errors: the first one is kept, "FILE:LINE: message".  efail locates
 * the message at entry e (its line, or its --set) and names the sweep
 * point during expansion.  All return -1.
 */
int		 lfail(struct loader *ld, int line, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
int		 efail(struct loader *ld, const struct entry *e,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
int		 ld_oom(struct loader *ld);

/* Lookups and small helpers. */
char		*ld_trim(char *s);
const char	*ld_sec_title(const struct loader *ld, size_t i);
/* Section of `kind` named `name` (any if NULL), or -1. */
int		 ld_find_section(const struct loader *ld,
		    enum param_section kind, const char *name);
/* Entry `key` of section `sec`, or -1. */
int		 ld_find_entry(const struct loader *ld, size_t sec,
		    const char *key);
/* The [at] section at time `at`, or -1. */
int		 ld_find_at(const struct loader *ld, sim_time_t at);
/* The [path] section covering the direction from -> to, or -1. */
int		 ld_find_path_dir(const struct loader *ld, const char *from,
		    const char *to);
/* Enter section / entry `i` (fully filled in) into the indexes. */
int		 ld_index_section(struct loader *ld, size_t i);
int		 ld_index_entry(struct loader *ld, size_t i);
void		 ld_index_free(struct loader *ld);
/* "client, server" (the hosts defined), for messages. */
char		*ld_host_names(const struct loader *ld, char *buf,
		    size_t len);
/* Prefix of a section's keys in the params list: "host.client". */
void		 ld_key_prefix(const struct section *s, char *buf,
		    size_t len);

/* Stage 1 (reader.c): text and overrides into sections and entries. */
int		 reader_read(struct loader *ld, const char *text,
		    const char *const *overrides, int noverrides);
/* Stage 2 (sweep.c): a `${...}` value into e's choices; all runs. */
int		 sweep_parse(struct loader *ld, struct entry *e);
int		 sweep_expand(struct loader *ld);
/* Stage 3 (build.c, value.c): one run of sweep point pt; one value. */
int		 build_run(struct loader *ld, const struct point *pt,
		    struct scenario_run *r);
int		 value_parse(struct scenario *sc, const struct param *p,
		    const char *text, struct pval *pv, char *msg, size_t len);

#endif /* TWSIM_LOADER_H */
