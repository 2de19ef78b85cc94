/*
 * secure_seq.c -- the Linux stack's keyed hashes (Linux net/core/
 * secure_seq.c): the per-destination offset of ephemeral ports, initial
 * sequence numbers and timestamp offsets.  Rule IDs LNX-2 and LNX-20 are
 * in docs/RULES.md.
 *
 * Linux keys SipHash with random per-boot secrets; only the properties
 * matter here -- the same inputs give the same value for the host's
 * lifetime, different inputs look independent -- so a keyed 64-bit mix
 * stands in for SipHash.  The secrets come from the host's stream
 * "host/<name>/isn" (inet_hashinfo_init).
 */
#include "config.h"

#include "models/host.h"
#include "models/linux.h"

static uint64_t
secure_mix(uint64_t x)
{

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (x);
}

/* LNX-2: inet_sk_port_offset: a 64-bit hash of (saddr, daddr, dport). */
uint64_t
secure_ipv4_port_ephemeral(const struct host *h, uint32_t saddr,
    uint32_t daddr, uint16_t dport)
{
	const struct inet_hashinfo *hi = h->hashinfo;
	uint64_t k;

	k = secure_mix(hi->net_secret[0] ^ (((uint64_t)saddr << 32) | daddr));
	return (secure_mix(k ^ hi->net_secret[1] ^ dport));
}

/*
 * LNX-20: secure_tcp_seq: the hash of the 4-tuple plus the clock in ns
 * shifted right by 6 (seq_scale), so a later connection on the same
 * 4-tuple starts higher -- by about 15.6 million per second.
 */
tcp_seq
secure_tcp_seq(struct host *h, uint32_t saddr, uint16_t sport,
    uint32_t daddr, uint16_t dport)
{
	const struct inet_hashinfo *hi = h->hashinfo;
	uint64_t k;

	k = secure_mix(hi->net_secret[1] ^ (((uint64_t)saddr << 32) | daddr));
	k = secure_mix(k ^ hi->net_secret[0] ^
	    (((uint64_t)sport << 16) | dport));
	return ((tcp_seq)k + (tcp_seq)((uint64_t)sim_now(h->sim) >> 6));
}

/*
 * LNX-20: secure_tcp_ts_off: one offset per (local, foreign) address pair,
 * so every connection between two addresses carries timestamps from the
 * same clock; 0 unless tcp_timestamps is 1.
 */
uint32_t
secure_tcp_ts_off(struct host *h, uint32_t saddr, uint32_t daddr)
{
	const struct inet_hashinfo *hi = h->hashinfo;

	if (h->tun.rfc1323 != 1)
		return (0);
	return ((uint32_t)secure_mix(hi->ts_secret ^
	    (((uint64_t)saddr << 32) | daddr)));
}
