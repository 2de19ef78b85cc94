/*
 * runlist.h -- sets of run indices, as users write them: "0,3,7-9".
 *
 * A sweep's runs are numbered as `twsim check` prints them (0 .. n-1, sweep
 * point major, repetition minor).  `twsim run --runs SPEC` runs a subset,
 * so that GNU parallel or a Slurm job array can spread one sweep over many
 * processes and machines; `twsim merge --status` prints which indices are
 * done, failed and missing in the same notation, so its output can be fed
 * back to --runs.  A set is an array of n flags, one per index.
 */
#ifndef TWSIM_RUNLIST_H
#define TWSIM_RUNLIST_H

#include <stddef.h>
#include <stdio.h>

/*
 * Parses SPEC, a comma-separated list of indices and ranges FROM-TO (both
 * included), against a run list of n runs: sets sel[i] to 1 for every
 * index listed (sel has n entries, cleared first).  An index may be listed
 * twice.  Returns 0, or -1 with a message naming the offending part of
 * SPEC in err (an empty item, not a number, a range running backwards, an
 * index >= n).
 */
int	runlist_parse(const char *spec, size_t n, unsigned char *sel,
	    char *err, size_t errlen);

/* The number of indices i < n with sel[i] == want. */
size_t	runlist_count(const unsigned char *sel, size_t n, unsigned char want);

/*
 * Writes the indices i < n with sel[i] == want to out as runlist_parse()
 * reads them, ranges collapsed ("0-3,5,7-9"); nothing when there are none.
 */
void	runlist_write(FILE *out, const unsigned char *sel, size_t n,
	    unsigned char want);

#endif /* TWSIM_RUNLIST_H */
