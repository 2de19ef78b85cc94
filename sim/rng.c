/*
 * rng.c -- named, independent random streams over GSL's mt19937.
 *
 * A stream's seed depends only on the run's master seed and the stream's
 * name, never on how many streams exist or in which order they were
 * created, so adding a component or drawing more from one stream leaves
 * every other stream's sequence as it was.
 *
 * The derivation is part of the file format of results (a seed and a
 * scenario must reproduce a run years later), so it is fixed:
 *
 *   fnv   = FNV-1a 64 of the name's bytes (offset basis
 *           0xcbf29ce484222325, prime 0x100000001b3), no terminator
 *   seed  = mix(master ^ mix(fnv))
 *   mix(z): z += 0x9e3779b97f4a7c15;
 *           z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
 *           z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
 *           z ^ (z >> 31)                   (the splitmix64 step)
 *
 * gsl_rng_set() for mt19937 keeps only the low 32 bits of its seed (and
 * replaces 0 by 4357), so rng_create() folds the 64-bit seed to 32 bits,
 * seed32 = low32(seed) ^ high32(seed), and uses 1 when that is 0: every
 * stream then gets a distinct non-zero seed unless two names collide in
 * 32 bits.  Changing any constant above changes every run's results: don't.
 */
#include "config.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"

struct rng {
	gsl_rng		*g;
	char		*name;
};

static uint64_t
splitmix64_mix(uint64_t z)
{
	z += UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t
fnv1a64(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

uint64_t
rng_derive_seed(uint64_t master, const char *name)
{
	return splitmix64_mix(master ^ splitmix64_mix(fnv1a64(name)));
}

struct rng *
rng_create(uint64_t master, const char *name)
{
	struct rng *r;
	uint64_t seed;
	unsigned long s32;

	if (name == NULL)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->name = strdup(name);
	r->g = gsl_rng_alloc(gsl_rng_mt19937);
	if (r->name == NULL || r->g == NULL) {
		rng_destroy(r);
		return NULL;
	}
	seed = rng_derive_seed(master, name);
	s32 = (unsigned long)((uint32_t)seed ^ (uint32_t)(seed >> 32));
	gsl_rng_set(r->g, s32 != 0 ? s32 : 1);
	return r;
}

void
rng_destroy(struct rng *r)
{
	if (r == NULL)
		return;
	if (r->g != NULL)
		gsl_rng_free(r->g);
	free(r->name);
	free(r);
}

const char *
rng_name(const struct rng *r)
{
	return r->name;
}

double
rng_uniform(struct rng *r)
{
	return gsl_rng_uniform(r->g);
}

double
rng_uniform_pos(struct rng *r)
{
	return gsl_rng_uniform_pos(r->g);
}

uint32_t
rng_uniform_int(struct rng *r, uint32_t n)
{
	/* mt19937 covers [0, 2^32 - 1], so any n in [1, 2^32 - 1] is legal. */
	assert(n >= 1);
	if (n <= 1)
		return 0;
	return (uint32_t)gsl_rng_uniform_int(r->g, n);
}

gsl_rng *
rng_gsl(struct rng *r)
{
	return r->g;
}
