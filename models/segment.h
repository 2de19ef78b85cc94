/*
 * segment.h -- a TCP/IPv4 segment as the model sees it.
 *
 * Only the header fields that TCP's state machine and TIME_WAIT rules read
 * are kept; payload is a byte count.  `conn_id` is not a header field: it is
 * the simulator's ground truth of which connection incarnation sent the
 * segment, so that an old duplicate accepted by a newer incarnation of the
 * same 4-tuple can be counted as a hazard (the damage TIME_WAIT exists to
 * prevent, RFC 1337).  No protocol decision may read it.
 */
#ifndef TWSIM_SEGMENT_H
#define TWSIM_SEGMENT_H

#include <stdint.h>

#include "models/tcp_seq.h"

/* th_flags, as in netinet/tcp.h. */
#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10

/* Option flags (struct tcpopt's to_flags). */
#define TOF_TS	0x0001		/* timestamp option present (RFC 7323) */
#define TOF_SCALE 0x0002	/* window scale option (SYN only, DP-8) */
#define TOF_SACKPERM 0x0004	/* SACK permitted (SYN only, SACK-1) */
#define TOF_SACK 0x0008		/* SACK blocks (SACK-2) */

#define TCP_MAX_SACK	4	/* SACK blocks an option can hold */

/* A block of sequence space the receiver holds: [start, end). */
struct sackblk {
	tcp_seq		start, end;
};

struct tcp_segment {
	uint32_t	saddr, daddr;	/* IPv4, host byte order */
	uint16_t	sport, dport;
	tcp_seq		seq, ack;
	uint8_t		flags;		/* TH_* */
	uint8_t		opt_flags;	/* TOF_* */
	uint16_t	win;		/* window, as sent (scaled down) */
	uint8_t		wscale;		/* when TOF_SCALE: shift offered */
	uint8_t		nsacks;		/* when TOF_SACK: blocks in sacks[] */
	struct sackblk	sacks[TCP_MAX_SACK];
	uint32_t	len;		/* payload bytes */
	uint32_t	tsval, tsecr;	/* when TOF_TS */
	uint64_t	conn_id;	/* sender incarnation (simulator oracle) */
	/*
	 * A RST sent for no connection (tcp_respond_rst): the incarnation of
	 * the segment it answers, 0 otherwise (oracle, HAZ-7).
	 */
	uint64_t	rst_for;
	/*
	 * Lookup hints, never read by a protocol decision: the sender's pcb
	 * and the receiver's pcb as the sender last learned it from the
	 * receiver's segments, each as inp_index + 1 on its own host, 0 for
	 * none (in_pcblookup_hint).
	 */
	uint32_t	src_pcb, dst_pcb;
};

/*
 * Clear a segment about to be filled in.  Not memset: gcc -O2 clears the
 * 96 bytes with `rep stosq`, whose start-up costs more than the rest of
 * building a segment; a copy of a constant zero segment is six vector
 * stores.  tcp_output sends one or more per event.
 */
static inline void
segment_zero(struct tcp_segment *s)
{
	static const struct tcp_segment zero;

	*s = zero;
}

/* Sequence space a segment occupies: payload plus one for SYN and FIN. */
static inline uint32_t
segment_seqlen(const struct tcp_segment *s)
{
	return s->len + ((s->flags & TH_SYN) ? 1 : 0) +
	    ((s->flags & TH_FIN) ? 1 : 0);
}

#endif /* TWSIM_SEGMENT_H */
