/*
 * tcp_seq.h -- TCP sequence-number arithmetic (FreeBSD netinet/tcp_seq.h,
 * RFC 793 section 3.3): 32-bit sequence space compared modulo 2^32.
 */
#ifndef TWSIM_TCP_SEQ_H
#define TWSIM_TCP_SEQ_H

#include <stdint.h>

typedef uint32_t tcp_seq;

#define SEQ_LT(a, b)	((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((a) - (b)) >= 0)

/* Timestamps compare the same way (RFC 7323 section 5.3). */
#define TSTMP_LT(a, b)	((int32_t)((a) - (b)) < 0)
#define TSTMP_GT(a, b)	((int32_t)((a) - (b)) > 0)
#define TSTMP_GEQ(a, b)	((int32_t)((a) - (b)) >= 0)

#endif /* TWSIM_TCP_SEQ_H */
