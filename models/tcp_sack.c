/*
 * tcp_sack.c -- selective acknowledgments (RFC 2018) as FreeBSD 9.3 keeps
 * them (netinet/tcp_sack.c at releng/9.3): the receiver's list of blocks
 * it holds beyond rcv_nxt, and the sender's scoreboard of holes that
 * drives retransmission in recovery (tcp_output, tcp_input).  Rules
 * SACK-n of docs/RULES.md; written from what the kernel functions do.
 *
 * The scoreboard is an array in the tcpcb, oldest hole first, so the
 * steady state allocates nothing; it holds TCP_SACK_MAXHOLES holes where
 * the kernel allows 128 (net.inet.tcp.sack.maxholes): a hole that does
 * not fit is not recorded, as when the kernel's limit is reached.
 */
#include "config.h"

#include <string.h>

#include "models/host.h"
#include "models/tcp_var.h"

#define SEQ_MIN(a, b)	(SEQ_LT(a, b) ? (a) : (b))
#define SEQ_MAX(a, b)	(SEQ_GT(a, b) ? (a) : (b))

/*
 * SACK-3: tcp_update_sack_list: [start, end) just arrived.  Blocks at or
 * below rcv_nxt go; blocks it touches merge into it; it goes first when
 * it lies beyond rcv_nxt (out of order), the others keep their order,
 * and at most MAX_SACK_BLKS are kept.
 */
void
tcp_update_sack_list(struct tcpcb *tp, tcp_seq start, tcp_seq end)
{
	struct sackblk head, saved[MAX_SACK_BLKS];
	int i, nsaved = 0, nhead = 0;

	head.start = start;
	head.end = end;
	for (i = 0; i < tp->rcv_numsacks; i++) {
		struct sackblk b = tp->sackblks[i];

		if (SEQ_GEQ(b.start, b.end) || SEQ_LEQ(b.start, tp->rcv_nxt))
			continue;
		if (SEQ_LEQ(head.start, b.end) && SEQ_GEQ(head.end, b.start)) {
			head.start = SEQ_MIN(head.start, b.start);
			head.end = SEQ_MAX(head.end, b.end);
		} else
			saved[nsaved++] = b;
	}
	if (SEQ_GT(head.start, tp->rcv_nxt)) {
		tp->sackblks[0] = head;
		nhead = 1;
		if (nsaved >= MAX_SACK_BLKS)
			nsaved--;
	}
	if (nsaved > 0)
		memcpy(&tp->sackblks[nhead], saved,
		    (size_t)nsaved * sizeof(saved[0]));
	tp->rcv_numsacks = nhead + nsaved;
}

/* tcp_sackhole_insert: a new hole after index `after` (-1: at the tail). */
static int
tcp_sackhole_insert(struct tcpcb *tp, tcp_seq start, tcp_seq end, int after)
{
	int at = after < 0 ? tp->snd_numholes : after + 1;

	if (tp->snd_numholes >= TCP_SACK_MAXHOLES)
		return (-1);
	memmove(&tp->snd_holes[at + 1], &tp->snd_holes[at],
	    (size_t)(tp->snd_numholes - at) * sizeof(tp->snd_holes[0]));
	tp->snd_holes[at].start = start;
	tp->snd_holes[at].end = end;
	tp->snd_holes[at].rxmit = start;
	tp->snd_numholes++;
	if (tp->sack_nexthole < 0)
		tp->sack_nexthole = at;
	else if (tp->sack_nexthole >= at)
		tp->sack_nexthole++;
	return (at);
}

/* tcp_sackhole_remove: the hint moves to the hole after it. */
static void
tcp_sackhole_remove(struct tcpcb *tp, int i)
{

	memmove(&tp->snd_holes[i], &tp->snd_holes[i + 1],
	    (size_t)(tp->snd_numholes - i - 1) * sizeof(tp->snd_holes[0]));
	tp->snd_numholes--;
	if (tp->sack_nexthole > i)
		tp->sack_nexthole--;
	if (tp->sack_nexthole >= tp->snd_numholes)
		tp->sack_nexthole = -1;
}

/*
 * SACK-4: tcp_sack_doack: the cumulative ACK (as a block [snd_una, ack)
 * when holes exist) and the valid blocks of the segment, sorted by their
 * end, trim, split or remove holes in one sweep from the tail; a block
 * beyond snd_fack first opens a hole [snd_fack, its start) and moves
 * snd_fack to its end.  sack_bytes_rexmit follows what is resent in the
 * holes that remain.
 */
void
tcp_sack_doack(struct tcpcb *tp, const struct tcp_segment *seg)
{
	struct sackblk blk[TCP_MAX_SACK + 1], t;
	tcp_seq ack = seg->ack;
	int i, j, n = 0, b, cur, tmp;
	struct sackhole *h;

	if (SEQ_LT(tp->snd_una, ack) && tp->snd_numholes > 0) {
		blk[n].start = tp->snd_una;
		blk[n++].end = ack;
	}
	if (seg->opt_flags & TOF_SACK) {
		for (i = 0; i < seg->nsacks && i < TCP_MAX_SACK; i++) {
			t = seg->sacks[i];
			if (SEQ_GT(t.end, t.start) &&
			    SEQ_GT(t.start, tp->snd_una) &&
			    SEQ_GT(t.start, ack) &&
			    SEQ_LT(t.start, tp->snd_max) &&
			    SEQ_GT(t.end, tp->snd_una) &&
			    SEQ_LEQ(t.end, tp->snd_max))
				blk[n++] = t;
		}
	}
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (SEQ_GT(blk[i].end, blk[j].end)) {
				t = blk[i];
				blk[i] = blk[j];
				blk[j] = t;
			}
	if (tp->snd_numholes == 0)
		tp->snd_fack = SEQ_MAX(tp->snd_una, ack);
	b = n - 1;
	if (SEQ_LT(tp->snd_fack, blk[b].start)) {
		if (tcp_sackhole_insert(tp, tp->snd_fack, blk[b].start,
		    -1) >= 0) {
			tp->snd_fack = blk[b].end;
			b--;
		} else {
			while (b >= 0 && SEQ_LT(tp->snd_fack, blk[b].start))
				b--;
			if (b >= 0 && SEQ_LT(tp->snd_fack, blk[b].end))
				tp->snd_fack = blk[b].end;
		}
	} else if (SEQ_LT(tp->snd_fack, blk[b].end))
		tp->snd_fack = blk[b].end;

	cur = tp->snd_numholes - 1;
	while (b >= 0 && cur >= 0) {
		h = &tp->snd_holes[cur];
		if (SEQ_GEQ(blk[b].start, h->end)) {
			b--;
			continue;
		}
		if (SEQ_LEQ(blk[b].end, h->start)) {
			cur--;
			continue;
		}
		tp->sack_bytes_rexmit -= h->rxmit - h->start;
		if (SEQ_LEQ(blk[b].start, h->start)) {
			if (SEQ_GEQ(blk[b].end, h->end)) {
				/* The whole hole is acked. */
				tcp_sackhole_remove(tp, cur);
				cur--;
				continue;
			}
			h->start = blk[b].end;
			h->rxmit = SEQ_MAX(h->rxmit, h->start);
		} else if (SEQ_GEQ(blk[b].end, h->end)) {
			h->end = blk[b].start;
			h->rxmit = SEQ_MIN(h->rxmit, h->end);
		} else {
			/* A block inside the hole splits it. */
			tmp = tcp_sackhole_insert(tp, blk[b].end, h->end, cur);
			if (tmp >= 0) {
				h = &tp->snd_holes[cur];
				if (SEQ_GT(h->rxmit, tp->snd_holes[tmp].rxmit)) {
					tp->snd_holes[tmp].rxmit = h->rxmit;
					tp->sack_bytes_rexmit +=
					    tp->snd_holes[tmp].rxmit -
					    tp->snd_holes[tmp].start;
				}
				h->end = blk[b].start;
				h->rxmit = SEQ_MIN(h->rxmit, h->end);
			}
		}
		tp->sack_bytes_rexmit += h->rxmit - h->start;
		if (SEQ_LEQ(blk[b].start, h->start))
			cur--;
		else
			b--;
	}
}

/* SACK-5: tcp_sack_output: the first hole not yet wholly resent. */
struct sackhole *
tcp_sack_output(struct tcpcb *tp, uint32_t *bytes_rexmt)
{
	int i = tp->sack_nexthole;

	*bytes_rexmt = tp->sack_bytes_rexmit;
	if (i < 0)
		return (NULL);
	for (; i < tp->snd_numholes; i++)
		if (SEQ_LT(tp->snd_holes[i].rxmit, tp->snd_holes[i].end)) {
			tp->sack_nexthole = i;
			return (&tp->snd_holes[i]);
		}
	return (NULL);
}

/*
 * SACK-6: tcp_sack_partialack: a partial ACK in SACK recovery lets one
 * segment go (two when it acked two or more): cwnd = what was resent +
 * new data sent since recovery began + that, at most ssthresh.
 */
void
tcp_sack_partialack(struct tcpcb *tp, tcp_seq ack)
{
	uint32_t nsegs = 1;

	tcp_timer_rexmt_stop(tp);
	tp->t_rttimed = 0;
	if ((ack - tp->snd_una) / tp->t_maxseg >= 2)
		nsegs = 2;
	tp->snd_cwnd = tp->sack_bytes_rexmit +
	    (tp->snd_nxt - tp->sack_newdata) + nsegs * tp->t_maxseg;
	if (tp->snd_cwnd > tp->snd_ssthresh)
		tp->snd_cwnd = tp->snd_ssthresh;
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
}

/*
 * SACK-7: tcp_sack_adjust: after a timeout, snd_nxt skips what the peer
 * reported holding: to the next hole's start, or to snd_fack.
 */
void
tcp_sack_adjust(struct tcpcb *tp)
{
	int i;

	if (tp->snd_numholes == 0 || SEQ_GEQ(tp->snd_nxt, tp->snd_fack))
		return;
	for (i = 0; i + 1 < tp->snd_numholes; i++) {
		if (SEQ_LT(tp->snd_nxt, tp->snd_holes[i].end))
			return;
		if (SEQ_LT(tp->snd_nxt, tp->snd_holes[i + 1].start)) {
			tp->snd_nxt = tp->snd_holes[i + 1].start;
			return;
		}
	}
	if (SEQ_LT(tp->snd_nxt, tp->snd_holes[i].end))
		return;
	tp->snd_nxt = tp->snd_fack;
}

void
tcp_free_sackholes(struct tcpcb *tp)
{

	tp->snd_numholes = 0;
	tp->sack_nexthole = -1;
	tp->sack_bytes_rexmit = 0;
}
