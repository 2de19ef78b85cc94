/*
 * rng.h -- named, independent random streams over GSL.
 *
 * A run has one master seed.  Every component draws from its own stream,
 * named after what it is ("path/client->server/latency", "workload/web"), and
 * seeded from (master seed, name) by a fixed hash.  So adding a component,
 * or drawing more from one stream, never changes what another draws: runs
 * stay comparable across scenario edits.  The generator is GSL's mt19937.
 */
#ifndef TWSIM_RNG_H
#define TWSIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

struct rng;

/*
 * Seed of the stream `name` under `master`: stable across versions, since
 * stored results name only the master seed.  Fixed as
 *   seed = splitmix64(master ^ splitmix64(fnv1a64(name)))
 * (FNV-1a 64 over the name's bytes; splitmix64 = one step of Vigna's
 * splitmix64 generator: add 0x9e3779b97f4a7c15, then its finalizer).  The
 * mt19937 behind rng_create() takes 32 bits of seed: the two halves of this
 * value XORed, 1 if that is 0.  sim/rng.c spells out every constant.
 */
uint64_t	 rng_derive_seed(uint64_t master, const char *name);

/* NULL when out of memory or name is NULL; the stream copies name. */
struct rng	*rng_create(uint64_t master, const char *name);
void		 rng_destroy(struct rng *r);
const char	*rng_name(const struct rng *r);

double		 rng_uniform(struct rng *r);		/* [0, 1) */
double		 rng_uniform_pos(struct rng *r);	/* (0, 1) */
uint32_t	 rng_uniform_int(struct rng *r, uint32_t n);	/* [0, n), n >= 1 */
gsl_rng		*rng_gsl(struct rng *r);

#endif /* TWSIM_RNG_H */
