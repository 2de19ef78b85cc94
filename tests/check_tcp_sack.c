/*
 * check_tcp_sack.c -- the SACK block list and scoreboard
 * (models/tcp_sack.c): rules SACK-3, SACK-4, SACK-5 and SACK-7 of
 * docs/RULES.md on a bare tcpcb of a booted host, sequence numbers
 * counted in segments of 1000 bytes from 0 so the expected blocks read
 * easily.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/segment.h"
#include "models/tcp_var.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

#define S(n)	((tcp_seq)(n) * 1000)

static struct sim *sim;
static struct net *net;
static struct host *h;
static struct tcpcb *tp;

static void
setup(void)
{

	tp = fx_lone_tcpcb(&sim, &net, &h);
	tp->t_maxseg = 1000;
	tp->snd_una = tp->snd_nxt = S(0);
	tp->snd_max = S(20);
	tp->snd_nxt = S(20);
}

static void
teardown(void)
{

	tcp_discardcb(tp);
	fx_world_destroy(&sim, &net);
}

/* An ACK of `ack` with the blocks given as segment numbers. */
static void
ack_with(tcp_seq ack, int n, const int *blk)
{
	struct tcp_segment seg;
	int i;

	memset(&seg, 0, sizeof(seg));
	seg.ack = ack;
	if (n > 0)
		seg.opt_flags = TOF_SACK;
	seg.nsacks = (uint8_t)n;
	for (i = 0; i < n; i++) {
		seg.sacks[i].start = S(blk[2 * i]);
		seg.sacks[i].end = S(blk[2 * i + 1]);
	}
	tcp_sack_doack(tp, &seg);
}

static void
assert_hole(int i, int start, int end, int rxmit)
{

	ck_assert_uint_eq(tp->snd_holes[i].start, S(start));
	ck_assert_uint_eq(tp->snd_holes[i].end, S(end));
	ck_assert_uint_eq(tp->snd_holes[i].rxmit, S(rxmit));
}

/*
 * SACK-3: the newest out-of-order block goes first, a block it touches
 * merges into it, blocks at or below rcv_nxt go, at most six are kept.
 */
START_TEST(test_sack3_block_list_newest_first_merged_trimmed)
{
	int i;

	tp->rcv_nxt = S(0);
	tcp_update_sack_list(tp, S(2), S(3));
	tcp_update_sack_list(tp, S(5), S(6));
	ck_assert_int_eq(tp->rcv_numsacks, 2);
	ck_assert_uint_eq(tp->sackblks[0].start, S(5));
	ck_assert_uint_eq(tp->sackblks[1].start, S(2));
	/* [3, 5) joins both. */
	tcp_update_sack_list(tp, S(3), S(5));
	ck_assert_int_eq(tp->rcv_numsacks, 1);
	ck_assert_uint_eq(tp->sackblks[0].start, S(2));
	ck_assert_uint_eq(tp->sackblks[0].end, S(6));
	/* In-order data up to 6 leaves nothing to report. */
	tp->rcv_nxt = S(6);
	tcp_update_sack_list(tp, S(0), S(2));
	ck_assert_int_eq(tp->rcv_numsacks, 0);
	/* Eight separate blocks: the six newest are kept. */
	for (i = 0; i < 8; i++)
		tcp_update_sack_list(tp, S(10 + 2 * i), S(11 + 2 * i));
	ck_assert_int_eq(tp->rcv_numsacks, MAX_SACK_BLKS);
	ck_assert_uint_eq(tp->sackblks[0].start, S(24));
	ck_assert_uint_eq(tp->sackblks[5].start, S(14));
}
END_TEST

/*
 * SACK-4: blocks beyond snd_fack open holes; a block inside a hole
 * splits it; the cumulative ACK trims the first; fully covered holes go.
 */
START_TEST(test_sack4_scoreboard_holes_from_blocks)
{
	static const int b1[] = { 3, 5 };
	static const int b2[] = { 8, 10, 3, 5 };
	static const int b3[] = { 12, 15, 8, 10, 3, 5 };

	ack_with(S(0), 1, b1);
	ck_assert_int_eq(tp->snd_numholes, 1);
	assert_hole(0, 0, 3, 0);
	ck_assert_uint_eq(tp->snd_fack, S(5));
	ack_with(S(0), 2, b2);
	ck_assert_int_eq(tp->snd_numholes, 2);
	assert_hole(1, 5, 8, 5);
	ck_assert_uint_eq(tp->snd_fack, S(10));
	ack_with(S(0), 3, b3);
	ck_assert_int_eq(tp->snd_numholes, 3);
	assert_hole(2, 10, 12, 10);
	ck_assert_uint_eq(tp->snd_fack, S(15));
	/* The ACK of 1 trims the first hole; snd_una follows (tcp_input). */
	ack_with(S(1), 0, NULL);
	assert_hole(0, 1, 3, 1);
	tp->snd_una = S(1);
	/* A block inside the middle hole [5, 8) splits it. */
	{
		static const int b4[] = { 6, 7 };

		ack_with(S(1), 1, b4);
	}
	ck_assert_int_eq(tp->snd_numholes, 4);
	assert_hole(1, 5, 6, 5);
	assert_hole(2, 7, 8, 7);
	/* The ACK of 9 removes three holes and trims none else. */
	ack_with(S(9), 0, NULL);
	tp->snd_una = S(9);
	ck_assert_int_eq(tp->snd_numholes, 1);
	assert_hole(0, 10, 12, 10);
}
END_TEST

/*
 * SACK-5: the next hole to resend, and the bytes resent: a hole resent
 * in part stays next; wholly resent, the next one is.  SACK-4 keeps the
 * count when an ACK trims a partly resent hole.
 */
START_TEST(test_sack5_next_hole_and_bytes_resent)
{
	static const int b[] = { 12, 15, 8, 10, 3, 5 };
	struct sackhole *p;
	uint32_t rx;

	ack_with(S(0), 3, b);
	p = tcp_sack_output(tp, &rx);
	ck_assert_ptr_eq(p, &tp->snd_holes[0]);
	ck_assert_uint_eq(rx, 0);
	/* tcp_output resent 2 of the 3 segments of [0, 3). */
	p->rxmit += S(2);
	tp->sack_bytes_rexmit += S(2);
	ck_assert_ptr_eq(tcp_sack_output(tp, &rx), &tp->snd_holes[0]);
	ck_assert_uint_eq(rx, S(2));
	p->rxmit += S(1);
	tp->sack_bytes_rexmit += S(1);
	ck_assert_ptr_eq(tcp_sack_output(tp, &rx), &tp->snd_holes[1]);
	ck_assert_uint_eq(rx, S(3));
	/* The ACK of 2: one resent segment of the first hole left. */
	ack_with(S(2), 0, NULL);
	ck_assert_uint_eq(tp->sack_bytes_rexmit, S(1));
	tcp_free_sackholes(tp);
	ck_assert_ptr_null(tcp_sack_output(tp, &rx));
	ck_assert_uint_eq(rx, 0);
}
END_TEST

/* SACK-7: after a timeout snd_nxt jumps over what the peer holds. */
START_TEST(test_sack7_adjust_skips_sacked_data)
{
	static const int b[] = { 8, 10, 3, 5 };

	ack_with(S(0), 2, b);
	/* Holes [0, 3) and [5, 8); fack 10. */
	tp->snd_nxt = S(3);
	tcp_sack_adjust(tp);
	ck_assert_uint_eq(tp->snd_nxt, S(5));
	tp->snd_nxt = S(1);
	tcp_sack_adjust(tp);
	ck_assert_uint_eq(tp->snd_nxt, S(1));
	tp->snd_nxt = S(8);
	tcp_sack_adjust(tp);
	ck_assert_uint_eq(tp->snd_nxt, S(10));
}
END_TEST

static Suite *
tcp_sack_suite(void)
{
	Suite *s = suite_create("tcp_sack");
	TCase *tc = tcase_create("sack");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sack3_block_list_newest_first_merged_trimmed);
	tcase_add_test(tc, test_sack4_scoreboard_holes_from_blocks);
	tcase_add_test(tc, test_sack5_next_hole_and_bytes_resent);
	tcase_add_test(tc, test_sack7_adjust_skips_sacked_data);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(tcp_sack_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
