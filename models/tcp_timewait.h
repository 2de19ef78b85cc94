/*
 * tcp_timewait.h -- compressed TIME_WAIT state: the zone, the 2MSL queue and
 * the segment rules, mirroring FreeBSD's sys/netinet/tcp_timewait.c (git
 * revision c243e4902be8df1e643c76b5f18b68bb77cc5268).  Function names are
 * the kernel's, so the two files can be read side by side; rule IDs (TW-n) are in docs/RULES.md.
 *
 * When a connection enters TIME_WAIT its tcpcb is discarded and replaced by
 * a small struct tcptw from a capped zone (net.inet.tcp.maxtcptw).  Entries
 * wait on a FIFO (the 2MSL queue) that the 500 ms slow timer scans; when
 * the zone is full the oldest entry is recycled early.
 */
#ifndef TWSIM_TCP_TIMEWAIT_H
#define TWSIM_TCP_TIMEWAIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "models/segment.h"
#include "models/tcp_seq.h"
#include "sim/sim.h"

struct host;
struct inpcb;
struct tcpcb;

/*
 * One TIME_WAIT connection.  FreeBSD 9's own struct (tcp_var.h) is 72
 * bytes; ours drops what nothing reads and adds the oracle, the records'
 * start and the Linux and FreeBSD 14 stacks' fields, in an order with no
 * padding.  What a segment or the 2MSL scan
 * touches comes first (one cache line); the per-stack tail last.
 *
 * TW-9: the kernel also copies iss, irs and t_starttime, but only
 * tcp_twrecycleable reads them, and it is compiled out (#if 0, in
 * tcp_timewait.c and in 9.3's tcp_var.h): the model keeps none of them.
 *
 * TW-11/TW-12: tw_time is the kernel's 32-bit int tick count (tw_ticks32)
 * and is compared by wrap-safe subtraction (tw_ticks_diff), so it is
 * exact across the counter's wrap as long as 2 MSL plus a slow-timer
 * period stays below 2^31 ticks (HOST-6 refuses hz and msl beyond).
 */
struct tcptw {
	struct inpcb	*tw_inpcb;	/* NULL while free */
	tcp_seq		 snd_nxt;
	tcp_seq		 rcv_nxt;
	uint32_t	 t_recent;	/* ts_recent, 0 without timestamps */
	uint32_t	 ts_offset;
	int32_t		 tw_time;	/* ticks (32-bit) at which 2MSL ends */
	uint16_t	 last_win;
	/* Linux: TCPS_FIN_WAIT_2 or TCPS_TIME_WAIT (tw_substate, LNX-24) */
	uint8_t		 tw_substate;
	uint8_t		 tw_rcv_wscale;	/* Linux: to scale last_win back */
	TAILQ_ENTRY(tcptw) tw_2msl;	/* the 2MSL queue, or the free list */
	uint64_t	 conn_id;	/* simulator oracle (segment.h) */
	uint64_t	 peer_conn_id;	/* the peer's incarnation (oracle) */
	sim_time_t	 tw_start;	/* when TIME_WAIT began (records; Linux's
					   tw_entry_stamp) */
	/* Linux (models/tcp_minisocks.c, inet_timewait_sock.c), F14 */
	sim_event_t	 tw_timer;	/* the entry's own timer (LNX-11, F14-2) */
	/* Linux only */
	uint32_t	 tw_last_oow_ms; /* last rate-limited ACK, ms; 0 none */
	int32_t		 ts_recent_stamp; /* s of t_recent; -1 no timestamps */
};

/*
 * The memory budget (issue 10): users bring a million TIME_WAIT entries,
 * and a connection in TIME_WAIT -- entry, pcb and its share of the hashes
 * and slabs, as tests/bench/bench_twmem measures it -- must cost at most
 * 161 bytes on LP64.  The entry's part of that is 88: a field added here
 * has to pay for itself by one taken out.
 */
_Static_assert(sizeof(struct tcptw) <= 88,
    "struct tcptw outgrew issue 10's memory budget (88 bytes on LP64)");

/*
 * TW-11/TW-12: the kernel's int ticks.  tw_ticks32 keeps the low 32 bits
 * of the host's 64-bit tick count (two's complement, as the kernel's
 * counter wraps); tw_ticks_diff is the kernel's (a - b) on ints, computed
 * in unsigned arithmetic so the wrap is defined.
 */
static inline int32_t
tw_ticks32(int64_t ticks)
{

	return ((int32_t)(uint32_t)ticks);
}

static inline int32_t
tw_ticks_diff(int32_t a, int32_t b)
{

	return ((int32_t)((uint32_t)a - (uint32_t)b));
}

TAILQ_HEAD(tcptw_queue, tcptw);

/*
 * UMA-1: items per slab of FreeBSD 9's "tcptw" zone on amd64 with 4 KiB
 * pages (keg_small_init): struct tcptw is 72 bytes, plus the 8 bytes its
 * free-list index takes in the slab header (UMA_FRITM_SZ, padded), is 80;
 * (4096 - 56-byte struct uma_slab) / 80 = 50.  Derivation in
 * docs/RULES.md.
 */
#define TCPTW_UMA_IPERS	50

/* The zone and the queue; one per host (FreeBSD: one per vnet). */
struct tcptw_zone {
	struct tcptw_queue twq_2msl;	/* FIFO by entry into 2MSL */
	struct tcptw_queue tw_free;	/* cached free entries */
	int		 tw_max;	/* uma_zone_set_max's nitems (tw_cap) */
	int		 maxtcptw;	/* the tunable; 0 = auto */
	/*
	 * UMA-1..UMA-4: the keg's page accounting.  tw_maxpages is tw_max
	 * rounded up to whole slabs (0: no limit); tw_pages counts slabs
	 * the keg allocated, never freed (UMA_ZONE_NOFREE).  An allocation
	 * is refused only when every item of the existing slabs is in use
	 * and tw_pages >= tw_maxpages.
	 */
	int		 tw_maxpages;
	int		 tw_pages;
	int		 tw_used;	/* entries allocated = queue length */
	int		 tw_cached;	/* entries on tw_free */
	struct tcptw_slab *tw_slabs;	/* backing memory, freed at destroy */
};

/*
 * UMA-2: what the zone really holds: its slabs (allocated or allowed)
 * times TCPTW_UMA_IPERS; 0 when it has no limit.
 */
int	tcptw_zone_cap_effective(const struct tcptw_zone *z);

/* Entries come from slabs of this many (no malloc per entry). */
#define TCPTW_SLAB	256

/*
 * Memory: a TIME_WAIT connection costs one struct tcptw plus its struct
 * inpcb (tcptw 88 + inpcb 48 = 136 bytes on LP64), plus a share of the
 * hash-bucket arrays; the assertion above pins the entry at <= 88 bytes,
 * check_timewait the sum at <= 256, and tests/bench/bench_twmem measures
 * it at one million entries.
 */

void	tcp_tw_init(struct host *h);		/* boot: cap from tunables */
/*
 * An entry from the zone (uma_zalloc): NULL at the cap.  tcp_twstart's
 * own allocator, shared with Linux's tcp_time_wait, which bounds entries
 * by tcp_max_tw_buckets instead (its zone is uncapped).
 */
struct tcptw *tcptw_zone_alloc(struct tcptw_zone *z);
void	tcp_tw_destroy(struct host *h);		/* close every entry */
int	tcptw_auto_size(const struct host *h);
void	tcp_tw_zone_change(struct host *h);	/* maxsockets changed */
/* sysctl net.inet.tcp.maxtcptw: read (auto size while 0) and write. */
int	sysctl_maxtcptw_get(const struct host *h);
int	sysctl_maxtcptw_set(struct host *h, int value);	/* 1 applied, 0 ignored */

/*
 * tcp_twstart: tp (already in TCPS_TIME_WAIT) is replaced by a zone entry;
 * tp is discarded and invalid afterwards in every case (TW-6/TW-8 close
 * the connection instead, via tcp_close()).
 *
 * tcp_twcheck: a segment for a pcb with INP_TIMEWAIT.  Returns 1 when the
 * entry was closed by a new SYN (TW-16): the pcb is freed and the caller
 * must look the segment up again, for a listener.  Otherwise 0: the
 * segment was consumed (dropped or answered).  tcp_input counts segs_rcvd.
 */
void	tcp_twstart(struct tcpcb *tp);
/*
 * What an entry keeps of tp (TW-9, LNX-10): window, timestamps when both
 * ends used them, snd_nxt and rcv_nxt, the time TIME_WAIT began,
 * incarnations.  Returns 1 when the entry has timestamps.
 */
int	tcp_tw_keep(struct tcptw *tw, const struct tcpcb *tp);
int	tcp_twcheck(struct inpcb *inp, const struct tcp_segment *th);
void	tcp_twclose(struct tcptw *tw, int reuse);
/*
 * The end of tcp_twcheck (TW-17..TW-19), shared by FreeBSD 14 (F14-3):
 * a segment without ACK is dropped, a retransmitted FIN calls rearm, and
 * all but a pure duplicate ACK are answered.  Returns 0 (consumed).
 */
int	tcp_twcheck_ack(struct tcptw *tw, const struct tcp_segment *th,
	    void (*rearm)(struct tcptw *tw));
/*
 * An entry's own timer (Linux's and FreeBSD 14's TIME_WAIT): arm it to
 * call fn(tw) at `when`, replacing a pending one; or stop it and close
 * the entry now.
 */
void	tcptw_timer_arm(struct tcptw *tw, sim_time_t when, sim_fn fn);
/* The usual fn: TIME_WAIT is over (tw_expired, 'expired'), close it. */
void	tcptw_timer_expired(struct sim *sim, void *arg);
void	tcptw_timer_close(struct tcptw *tw);
/* A new entry's counters: tw_entered, the tw_count gauge and its peak. */
void	tcptw_count_entered(struct host *h);
int	tcp_twrespond(struct tcptw *tw, int flags);
/*
 * TW-12 (reuse 0): close every expired entry from the head, stop at the
 * first that is not (tw_expired).  TW-7 (reuse 1): close the head whatever
 * its time and hand the entry back for reuse (tw_recycled); NULL when the
 * queue is empty.  host.c's slow timer calls it with 0 every 500 ms.
 */
struct tcptw *tcp_tw_2msl_scan(struct host *h, int reuse);
/* TW-11/TW-13: (re)arm 2 MSL from now and put the entry at the tail. */
void	tcp_tw_2msl_reset(struct tcptw *tw, int rearm);

/* Invariants for tests: 0, or -1 with a message. */
int	tcp_tw_check(const struct host *h, char *err, size_t errlen);

/*
 * How a connection's TIME_WAIT ended, for the per-connection records
 * (connections.tw_end): the timer ran out; FreeBSD recycled it early
 * (TW-7); a SYN reopened it (TW-16, LNX-15); a connect took the 4-tuple
 * over (LNX-8); a RST ended it (LNX-14); the connection closed without
 * one (TW-6, TW-8, LNX-9); still in TIME_WAIT when the run ended.
 */
enum tw_end {
	TW_END_EXPIRED,
	TW_END_RECYCLED,
	TW_END_REOPENED,
	TW_END_REUSED,
	TW_END_KILLED,
	TW_END_SKIPPED,
	TW_END_OPEN
};
const char	*tw_end_name(enum tw_end how);	/* "expired", ... */
/*
 * Tell the host's tw_report hook (if any) that tw ends now, `how`; call
 * it before closing the entry.  The skipped form reports a connection tp
 * that gets no TIME_WAIT at all (start == end == now).
 */
void	tcp_tw_report(const struct tcptw *tw, enum tw_end how);
void	tcp_tw_report_skipped(const struct tcpcb *tp);

#endif /* TWSIM_TCP_TIMEWAIT_H */
