/*
 * digest.h -- SHA-256 (FIPS 180-4), for the results database's run
 * identities (analysis/results.c).
 *
 * A run's identity must survive copying between databases and machines,
 * so it is a digest of what defines the run, not a row id.  SHA-256 makes
 * an accidental collision between two different runs out of the question;
 * speed does not matter (one digest of a few KiB per run).
 */
#ifndef TWSIM_DIGEST_H
#define TWSIM_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_SHA256_LEN	32

struct digest_sha256 {
	uint32_t	h[8];
	uint64_t	nbytes;		/* message length so far */
	unsigned char	buf[64];	/* partial block */
	size_t		nbuf;
};

void	digest_sha256_init(struct digest_sha256 *d);
void	digest_sha256_update(struct digest_sha256 *d, const void *data,
	    size_t len);
void	digest_sha256_final(struct digest_sha256 *d,
	    unsigned char out[DIGEST_SHA256_LEN]);

#endif /* TWSIM_DIGEST_H */
