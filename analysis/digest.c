/*
 * digest.c -- SHA-256 as specified in FIPS 180-4, section 6.2: the message
 * is padded to a multiple of 64 bytes (a 1 bit, zeros, the bit length as a
 * big-endian 64-bit number) and each 64-byte block goes through the
 * 64-round compression function.  See digest.h for why twsim needs it.
 */
#include "config.h"

#include <string.h>

#include "analysis/digest.h"

/* FIPS 180-4, 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROTR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

static void
compress(struct digest_sha256 *d, const unsigned char *p)
{
	uint32_t w[64], a, b, c, e, f, g, h, dd, t1, t2, s0, s1;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = d->h[0]; b = d->h[1]; c = d->h[2]; dd = d->h[3];
	e = d->h[4]; f = d->h[5]; g = d->h[6]; h = d->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = dd + t1;
		dd = c; c = b; b = a; a = t1 + t2;
	}
	d->h[0] += a; d->h[1] += b; d->h[2] += c; d->h[3] += dd;
	d->h[4] += e; d->h[5] += f; d->h[6] += g; d->h[7] += h;
}

void
digest_sha256_init(struct digest_sha256 *d)
{
	/* FIPS 180-4, 5.3.3: square roots of the first 8 primes. */
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(d->h, h0, sizeof(h0));
	d->nbytes = 0;
	d->nbuf = 0;
}

void
digest_sha256_update(struct digest_sha256 *d, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t n;

	d->nbytes += len;
	while (len > 0) {
		n = 64 - d->nbuf;
		if (n > len)
			n = len;
		memcpy(d->buf + d->nbuf, p, n);
		d->nbuf += n;
		p += n;
		len -= n;
		if (d->nbuf == 64) {
			compress(d, d->buf);
			d->nbuf = 0;
		}
	}
}

void
digest_sha256_final(struct digest_sha256 *d,
    unsigned char out[DIGEST_SHA256_LEN])
{
	uint64_t bits = d->nbytes * 8;
	int i;

	d->buf[d->nbuf++] = 0x80;
	if (d->nbuf > 56) {
		memset(d->buf + d->nbuf, 0, 64 - d->nbuf);
		compress(d, d->buf);
		d->nbuf = 0;
	}
	memset(d->buf + d->nbuf, 0, 56 - d->nbuf);
	for (i = 0; i < 8; i++)
		d->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	compress(d, d->buf);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(d->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(d->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(d->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)d->h[i];
	}
}
