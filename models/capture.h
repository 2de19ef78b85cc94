/*
 * capture.h -- packet captures of a host's wire: one pcap file per host per
 * run, written with libpcap, that Wireshark and tshark read as real IPv4
 * and TCP (`twsim run --pcap DIR`, `[host NAME] pcap = yes`).
 *
 * A capture is an observer on the network's tap (net.h, NET-8): it sees
 * what the host sends and what is delivered to it, at simulated time, and
 * turns each model segment into the bytes a kernel would have put on the
 * wire (rules CAP-n in docs/RULES.md): an IPv4 header with a valid
 * checksum, a TCP header with the options the model uses (MSS on SYNs,
 * window scale 0 and timestamps where RFC 7323 is in use) and a valid
 * checksum, and a payload of zeros up to the snap length.  The models never
 * call libpcap: only this file does.
 *
 * A filter keeps files small: a time window and a pcap-filter(7)
 * expression (libpcap's own BPF compiler, as tcpdump's), both optional.
 */
#ifndef TWSIM_CAPTURE_H
#define TWSIM_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "models/segment.h"
#include "sim/simtime.h"

/* The bytes of the largest packet the model makes (CAP-1). */
#define CAPTURE_MAXPKT		(20 + 60 + 65535)
#define CAPTURE_SNAPLEN_MAX	262144

struct capture_filter {
	sim_time_t	 from;		/* keep segments at t >= from ... */
	sim_time_t	 to;		/* ... and t <= to; -1: no end */
	const char	*bpf;		/* pcap-filter(7) text, or NULL */
};

struct capture;

/*
 * Create the capture file `path` (replaced when it exists); snaplen 0
 * keeps whole packets.  filter NULL keeps everything.  NULL + err when the
 * file cannot be written or the filter expression does not compile.
 */
struct capture	*capture_open(const char *path, int snaplen,
		    const struct capture_filter *filter, char *err,
		    size_t errlen);
/* Write what is buffered and close: 0, or -1 + err (the file is kept). */
int		 capture_close(struct capture *c, char *err, size_t errlen);
/* A segment seen at simulated time t (passes the filter or is skipped). */
void		 capture_segment(struct capture *c, sim_time_t t,
		    const struct tcp_segment *seg);
/* Segments written so far. */
uint64_t	 capture_count(const struct capture *c);

/*
 * Check a pcap-filter(7) expression without a file: 0, or -1 with
 * libpcap's message.
 */
int		 capture_filter_check(const char *bpf, char *err,
		    size_t errlen);

/*
 * CAP-1..CAP-4: the IPv4 packet of `seg` in buf (at least CAPTURE_MAXPKT
 * bytes, or the packet is cut at buflen).  Returns the packet's length on
 * the wire; the bytes written are min(that, buflen).
 */
size_t		 capture_packet(const struct tcp_segment *seg, uint8_t *buf,
		    size_t buflen);

#endif /* TWSIM_CAPTURE_H */
