/*
 * units.h -- values as a scenario writes them, and their canonical text.
 *
 * A scenario writes quantities with units (30s, 16KiB, 10/s) so that a
 * reader never guesses the scale; this module turns that text into base
 * units (ns, bytes, per second) and back into one canonical spelling, used
 * for the resolved parameter list stored with every run.  Each parser
 * returns 0, or -1 with a message (without file or line: the loader adds
 * those) in err.
 *
 *   time         ns us ms s min; a bare number is an error except 0;
 *                numbers may carry an exponent (1e3s, 2.5e-3s)
 *   size         B KiB MiB GiB (1024-based), KB MB GB (1000-based)
 *   rate         N/s
 *   probability  a number in [0, 1]
 *   distribution NAME(P1[, P2]) from sim/dist.h, time parameters with units;
 *                a plain time means constant(time)
 *   rate steps   10/s, 50/s@60s, 20/s@120s  (RATE[@START], starts increasing)
 */
#ifndef TWSIM_UNITS_H
#define TWSIM_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/dist.h"
#include "sim/simtime.h"

struct scenario_rate_step;

int	units_parse_time(const char *s, sim_time_t *out, char *err,
	    size_t errlen);
int	units_parse_size(const char *s, uint64_t *out, char *err,
	    size_t errlen);
int	units_parse_rate(const char *s, double *out, char *err,
	    size_t errlen);
int	units_parse_prob(const char *s, double *out, char *err,
	    size_t errlen);
/* A plain decimal integer (optional leading '-'), no unit. */
int	units_parse_int(const char *s, int64_t *out, char *err,
	    size_t errlen);
int	units_parse_uint64(const char *s, uint64_t *out, char *err,
	    size_t errlen);
/* A port 1..65535, or 0..65535 when allow_zero. */
int	units_parse_port(const char *s, int allow_zero, uint16_t *out,
	    char *err, size_t errlen);
/* FIRST-LAST, each 1..65535; reversed is accepted as written (PORT-1). */
int	units_parse_portrange(const char *s, int *first, int *last,
	    char *err, size_t errlen);
/* Dotted quad; host byte order. */
int	units_parse_ipv4(const char *s, uint32_t *out, char *err,
	    size_t errlen);
/* A distribution of times (parameters in ns), validated by dist_validate. */
int	units_parse_dist(const char *s, struct dist *out, char *err,
	    size_t errlen);
/* Rate steps; *steps is malloc'd (caller frees), *nsteps >= 1. */
int	units_parse_rate_steps(const char *s,
	    struct scenario_rate_step **steps, size_t *nsteps, char *err,
	    size_t errlen);

/*
 * Canonical text.  Each returns buf.  Times use the largest of s, ms, us, ns
 * that states the value exactly ("1500ms", "30s", "0s"); sizes likewise of
 * GiB, MiB, KiB, B; numbers use the shortest text that reads back to the
 * same double.
 */
char	*units_format_time(sim_time_t t, char *buf, size_t len);
char	*units_format_size(uint64_t bytes, char *buf, size_t len);
char	*units_format_double(double v, char *buf, size_t len);
char	*units_format_rate(double per_s, char *buf, size_t len);
char	*units_format_dist(const struct dist *d, char *buf, size_t len);
char	*units_format_rate_steps(const struct scenario_rate_step *steps,
	    size_t nsteps, char *buf, size_t len);
/*
 * An address, a range "A-B" or a CIDR block "A/LEN" (its host addresses:
 * no network or broadcast address below /31) -> [*first, *last].
 */
int	units_parse_ipv4_range(const char *s, uint32_t *first,
	    uint32_t *last, char *err, size_t errlen);
char	*units_format_ipv4(uint32_t addr, char *buf, size_t len);

#endif /* TWSIM_UNITS_H */
