/*
 * bench_twmem.c -- what one TIME_WAIT connection costs in memory.
 *
 * Creates N (default 1,000,000) connections on one host and moves each into
 * TIME_WAIT through the real path: a pcb from the table, in_pcbconnect, a
 * tcpcb from tcp_newtcpcb, tcp_twstart (which discards the tcpcb and keeps
 * a struct tcptw from the zone).  The zone cap is raised to N at boot and
 * the pcb hashes sized for N.  Fixed local ports shared across destinations
 * (PORT-6) give N distinct 4-tuples on one address.
 *
 * Reports the per-entry cost from sizeof (tcptw + inpcb), the hash-bucket
 * and slab overhead on top, and -- where glibc's mallinfo2() exists -- the
 * heap growth measured across the whole run divided by N.
 *
 * Output, e.g.:
 *   timewait memory: 1000000 entries, 154 bytes/entry (tcptw 88 + inpcb 48
 *   + hash/slab overhead 18)
 *   timewait memory (mallinfo2): 1000000 entries, 154 bytes/entry ...
 *
 * Usage: bench_twmem [N]   (or TWSIM_BENCH_TW=N).
 */
#include "config.h"

#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "sim/sim.h"

#define CLIENT		0x0a000001u
#define SERVER_BASE	0x0b000000u
#define NPORTS		50000

/* Segments are never delivered here (no TF_ACKNOW): a null receiver. */
void
tcp_input(struct host *h, const struct tcp_segment *seg)
{

	(void)h;
	(void)seg;
}

static size_t
heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();

	return (mi.uordblks + mi.hblkhd);
#else
	return (0);
#endif
}

int
main(int argc, char **argv)
{
	struct host_tunables t;
	struct sim *sim;
	struct net *net;
	struct host *h;
	struct inpcb *inp;
	struct tcpcb *tp;
	struct timespec t0, t1;
	size_t heap0, heap1, hashbytes, per_sizeof, i, n;
	double secs, overhead;
	const char *env;
	char err[256];

	n = 1000000;
	if (argc > 1)
		n = strtoull(argv[1], NULL, 10);
	else if ((env = getenv("TWSIM_BENCH_TW")) != NULL)
		n = strtoull(env, NULL, 10);
	if (n == 0 || n > 100000000) {
		fprintf(stderr, "bench_twmem: N must be 1..100000000\n");
		return (2);
	}

	heap0 = heap_in_use();
	sim = sim_create(1);
	net = net_create(sim);
	host_tunables_init(&t);
	t.maxtcptw = (int)n;		/* boot value: applies as given */
	t.maxsockets = (int)(n < 25600 ? 25600 : n);
	h = net_add_host(net, "client", &t, err, sizeof(err));
	if (sim == NULL || net == NULL || h == NULL ||
	    net_add_addr(net, h, CLIENT, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_twmem: setup: %s\n", err);
		return (1);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		inp = in_pcballoc(&h->pcbinfo);
		if (inp == NULL || in_pcbconnect(&h->pcbinfo, inp, CLIENT,
		    (uint16_t)(10000 + i % NPORTS),
		    SERVER_BASE + (uint32_t)(i / NPORTS), 80) != 0) {
			fprintf(stderr, "bench_twmem: connect %zu failed\n", i);
			return (1);
		}
		tp = tcp_newtcpcb(h, inp);
		if (tp == NULL) {
			fprintf(stderr, "bench_twmem: out of memory\n");
			return (1);
		}
		tp->t_state = TCPS_TIME_WAIT;
		tcp_twstart(tp);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	heap1 = heap_in_use();
	if ((size_t)host_tw_count(h) != n || host_check(h, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "bench_twmem: %d entries, check: %s\n",
		    host_tw_count(h), err);
		return (1);
	}

	per_sizeof = sizeof(struct tcptw) + sizeof(struct inpcb);
	/* The 4-tuple table's slot words and the port hash's buckets. */
	hashbytes = (h->pcbinfo.ipi_tuplemask + 1) * sizeof(uint64_t) +
	    (h->pcbinfo.ipi_porthashmask + 1) * sizeof(struct inpcbhead);
	/* Slab headers and the unused tail of the last slabs. */
	overhead = (double)hashbytes / n +
	    (double)(h->pcbinfo.ipi_nfree * sizeof(struct inpcb) +
	    (size_t)h->twzone.tw_cached * sizeof(struct tcptw)) / n;
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("timewait memory: %zu entries, %.0f bytes/entry (tcptw %zu + "
	    "inpcb %zu + hash/slab overhead %.0f)\n", n,
	    (double)per_sizeof + overhead, sizeof(struct tcptw),
	    sizeof(struct inpcb), overhead);
	if (heap1 > heap0)
		printf("timewait memory (mallinfo2): %zu entries, %.0f "
		    "bytes/entry (whole heap growth, hash tables included)\n",
		    n, (double)(heap1 - heap0) / n);
	printf("timewait create: %.0f ns/entry (connect + twstart)\n",
	    secs * 1e9 / n);

	net_destroy(net);
	sim_destroy(sim);
	return (0);
}
