/*
 * capture.c -- a host's packet capture as a pcap file (capture.h).
 *
 * Each model segment becomes the IPv4 + TCP packet a FreeBSD host would
 * send for it (rules CAP-n, docs/RULES.md); libpcap writes the file with
 * nanosecond timestamps (simulated time) and link type DLT_RAW (the packet
 * starts at the IPv4 header), so tshark needs no link-layer guesswork.
 * The BPF filter runs on the packet as it would be captured, with
 * pcap_offline_filter, exactly as tcpdump would apply it.
 *
 * The payload is a byte count in the model; on the wire it is zeros.  The
 * TCP checksum covers it, and zeros add nothing to a ones' complement sum,
 * so the checksum is that of the pseudo-header and the TCP header alone,
 * with the full length in the pseudo-header: valid for the whole packet,
 * whatever the snap length keeps of it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "models/capture.h"
#include "models/tcp_var.h"

struct capture {
	pcap_t		*pd;		/* the "dead" handle: link type, snap */
	pcap_dumper_t	*dumper;
	struct bpf_program prog;
	int		 has_prog;
	sim_time_t	 from, to;
	int		 snaplen;
	uint64_t	 count;
	uint8_t		 buf[CAPTURE_MAXPKT];
};

/* TCP option kinds (RFC 9293, RFC 7323). */
#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MAXSEG		2
#define TCPOPT_WINDOW		3
#define TCPOPT_SACK_PERMITTED	4
#define TCPOPT_SACK		5
#define TCPOPT_TIMESTAMP	8

static void
put16(uint8_t *p, uint32_t v)
{

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{

	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Ones' complement sum of 16-bit big-endian words (RFC 1071). */
static uint32_t
cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return (sum);
}

static uint16_t
cksum_fold(uint32_t sum)
{

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

/*
 * CAP-2: the options the model's segment carries, laid out as FreeBSD's
 * tcp_addoptions does (sys/netinet/tcp_output.c): MSS (a SYN always
 * carries TCP_MSS) on a 4-byte boundary; the window scale (DP-8) after
 * NOPs to an odd offset; SACK-permitted (SACK-1) on an even one; the
 * timestamps (TCP-10) and then the SACK blocks (SACK-2) each after NOPs to
 * 2 mod 4; EOL pads to a multiple of 4.  A SYN with all of them is MSS,
 * NOP, WS, SACK_PERM, TS; a later segment NOP, NOP, TS, NOP, NOP, SACK.
 * Returns the length, a multiple of 4 (at most 40).
 */
static size_t
capture_options(const struct tcp_segment *seg, uint8_t *o)
{
	size_t n = 0;
	int i;

	if (seg->flags & TH_SYN) {
		o[n++] = TCPOPT_MAXSEG;
		o[n++] = 4;
		put16(o + n, TCP_MSS);
		n += 2;
	}
	if (seg->opt_flags & TOF_SCALE) {
		while (n == 0 || n % 2 != 1)
			o[n++] = TCPOPT_NOP;
		o[n++] = TCPOPT_WINDOW;
		o[n++] = 3;
		o[n++] = seg->wscale;
	}
	if (seg->opt_flags & TOF_SACKPERM) {
		while (n % 2 != 0)
			o[n++] = TCPOPT_NOP;
		o[n++] = TCPOPT_SACK_PERMITTED;
		o[n++] = 2;
	}
	if (seg->opt_flags & TOF_TS) {
		while (n == 0 || n % 4 != 2)
			o[n++] = TCPOPT_NOP;
		o[n++] = TCPOPT_TIMESTAMP;
		o[n++] = 10;
		put32(o + n, seg->tsval);
		put32(o + n + 4, seg->tsecr);
		n += 8;
	}
	if ((seg->opt_flags & TOF_SACK) && seg->nsacks > 0) {
		while (n == 0 || n % 4 != 2)
			o[n++] = TCPOPT_NOP;
		o[n++] = TCPOPT_SACK;
		o[n++] = (uint8_t)(2 + 8 * seg->nsacks);
		for (i = 0; i < seg->nsacks; i++) {
			put32(o + n, seg->sacks[i].start);
			put32(o + n + 4, seg->sacks[i].end);
			n += 8;
		}
	}
	while (n % 4 != 0)
		o[n++] = TCPOPT_EOL;
	return (n);
}

size_t
capture_packet(const struct tcp_segment *seg, uint8_t *buf, size_t buflen)
{
	uint8_t hdr[20 + 60], *ip = hdr, *th = hdr + 20;
	size_t optlen, thlen, total;
	uint32_t sum, len = seg->len;

	/* CAP-1: an IP datagram is at most 65535 bytes. */
	memset(hdr, 0, sizeof(hdr));
	optlen = capture_options(seg, th + 20);
	thlen = 20 + optlen;
	if (len > 65535 - 20 - thlen)
		len = (uint32_t)(65535 - 20 - thlen);
	total = 20 + thlen + len;

	/*
	 * CAP-1: IPv4, no options, DF set (FreeBSD sets DF with path MTU
	 * discovery), TTL 64, ID 0 (an atomic datagram, RFC 6864), a valid
	 * header checksum.
	 */
	ip[0] = 0x45;
	put16(ip + 2, (uint32_t)total);
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;		/* TCP */
	put32(ip + 12, seg->saddr);
	put32(ip + 16, seg->daddr);
	put16(ip + 10, cksum_fold(cksum_add(0, ip, 20)));

	/* CAP-3: the model's header fields as they are. */
	put16(th + 0, seg->sport);
	put16(th + 2, seg->dport);
	put32(th + 4, seg->seq);
	put32(th + 8, seg->ack);
	th[12] = (uint8_t)((thlen / 4) << 4);
	th[13] = seg->flags;
	put16(th + 14, seg->win);

	/* CAP-4: the checksum over pseudo-header, header and zero payload. */
	sum = cksum_add(0, ip + 12, 8);
	sum += 6;
	sum += (uint32_t)(thlen + len);
	sum = cksum_add(sum, th, thlen);
	put16(th + 16, cksum_fold(sum));

	if (buflen > 0) {
		size_t h = 20 + thlen < buflen ? 20 + thlen : buflen;

		memcpy(buf, hdr, h);
		if (buflen > h)
			memset(buf + h, 0, (total < buflen ? total : buflen) -
			    h);
	}
	return (total);
}

int
capture_filter_check(const char *bpf, char *err, size_t errlen)
{
	struct bpf_program prog;
	pcap_t *pd;
	int rc = 0;

	pd = pcap_open_dead(DLT_RAW, CAPTURE_SNAPLEN_MAX);
	if (pd == NULL) {
		snprintf(err, errlen, "libpcap: cannot open a capture handle");
		return (-1);
	}
	if (pcap_compile(pd, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "pcap filter \"%s\": %s", bpf,
		    pcap_geterr(pd));
		rc = -1;
	} else
		pcap_freecode(&prog);
	pcap_close(pd);
	return (rc);
}

struct capture *
capture_open(const char *path, int snaplen, const struct capture_filter *f,
    char *err, size_t errlen)
{
	struct capture *c;

	if (snaplen <= 0 || snaplen > CAPTURE_SNAPLEN_MAX)
		snaplen = CAPTURE_SNAPLEN_MAX;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return (NULL);
	}
	c->snaplen = snaplen;
	c->from = f != NULL ? f->from : 0;
	c->to = f != NULL ? f->to : -1;
	c->pd = pcap_open_dead_with_tstamp_precision(DLT_RAW, snaplen,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (c->pd == NULL) {
		snprintf(err, errlen, "%s: libpcap: cannot open a capture "
		    "handle", path);
		free(c);
		return (NULL);
	}
	if (f != NULL && f->bpf != NULL && f->bpf[0] != '\0') {
		if (pcap_compile(c->pd, &c->prog, f->bpf, 1,
		    PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errlen, "pcap filter \"%s\": %s", f->bpf,
			    pcap_geterr(c->pd));
			pcap_close(c->pd);
			free(c);
			return (NULL);
		}
		c->has_prog = 1;
	}
	c->dumper = pcap_dump_open(c->pd, path);
	if (c->dumper == NULL) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(c->pd));
		if (c->has_prog)
			pcap_freecode(&c->prog);
		pcap_close(c->pd);
		free(c);
		return (NULL);
	}
	return (c);
}

void
capture_segment(struct capture *c, sim_time_t t, const struct tcp_segment *seg)
{
	struct pcap_pkthdr ph;
	size_t wire;

	/* CAP-5: the time window, then the BPF program. */
	if (t < c->from || (c->to >= 0 && t > c->to))
		return;
	wire = capture_packet(seg, c->buf, (size_t)c->snaplen);
	memset(&ph, 0, sizeof(ph));
	ph.ts.tv_sec = (time_t)(t / SIM_SEC);
	ph.ts.tv_usec = (suseconds_t)(t % SIM_SEC);	/* ns: nano precision */
	ph.len = (bpf_u_int32)wire;
	ph.caplen = (bpf_u_int32)(wire < (size_t)c->snaplen ? wire :
	    (size_t)c->snaplen);
	if (c->has_prog && pcap_offline_filter(&c->prog, &ph, c->buf) == 0)
		return;
	pcap_dump((u_char *)c->dumper, &ph, c->buf);
	c->count++;
}

uint64_t
capture_count(const struct capture *c)
{

	return (c->count);
}

int
capture_close(struct capture *c, char *err, size_t errlen)
{
	int rc = 0;

	if (c == NULL)
		return (0);
	if (pcap_dump_flush(c->dumper) != 0) {
		snprintf(err, errlen, "capture: write failed: %s",
		    strerror(errno));
		rc = -1;
	}
	pcap_dump_close(c->dumper);
	if (c->has_prog)
		pcap_freecode(&c->prog);
	pcap_close(c->pd);
	free(c);
	return (rc);
}
