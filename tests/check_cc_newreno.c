/*
 * check_cc_newreno.c -- NewReno congestion control (models/cc_newreno.c):
 * rules DP-2 .. DP-6 and DP-13 of docs/RULES.md, on a bare tcpcb of a
 * booted host, each expected value worked out from the rule by hand.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "models/cc_newreno.h"
#include "models/host.h"
#include "models/tcp_var.h"
#include "models/tunable.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

#define MSS	1448	/* TCP_MSS less the timestamp option (DP-1) */

static struct sim *sim;
static struct net *net;
static struct host *h;
static struct tcpcb *tp;

static void
setup(void)
{

	tp = fx_lone_tcpcb(&sim, &net, &h);
	tp->t_maxseg = MSS;
	tp->snd_wnd = 1 << 20;
	tp->iss = tp->snd_una = tp->snd_nxt = tp->snd_max = 1000;
}

static void
teardown(void)
{

	tcp_discardcb(tp);
	fx_world_destroy(&sim, &net);
}

START_TEST(test_dp2_initial_window_by_tunable)
{
	/* initcwnd10 (default): min(10 x 1448, max(2 x 1448, 14600)). */
	cc_conn_init(tp);
	ck_assert_uint_eq(tp->snd_cwnd, 14480);
	/* rfc3390: min(4 x 1448, max(2 x 1448, 4380)) = 4380. */
	h->tun.initcwnd10 = 0;
	cc_conn_init(tp);
	ck_assert_uint_eq(tp->snd_cwnd, 4380);
	/* RFC 5681 3.1: 1095 < 1448 <= 2190: three segments. */
	h->tun.rfc3390 = 0;
	cc_conn_init(tp);
	ck_assert_uint_eq(tp->snd_cwnd, 3 * MSS);
	tp->t_maxseg = 536;
	cc_conn_init(tp);
	ck_assert_uint_eq(tp->snd_cwnd, 4 * 536);
	h->tun.rfc3390 = 1;
	/* min(4 x 536, max(1072, 4380)) = 2144. */
	cc_conn_init(tp);
	ck_assert_uint_eq(tp->snd_cwnd, 2144);
}
END_TEST

START_TEST(test_dp3_slow_start_abc_caps_each_ack)
{
	tp->snd_cwnd = 4380;
	/* Three segments acked at once: at most abc_l_var (2) segments. */
	cc_ack_received(tp, 3 * MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 4380 + 2 * MSS);
	/* One segment acked: grows by exactly that. */
	cc_ack_received(tp, MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 4380 + 3 * MSS);
	/* A part-segment ACK grows by the bytes acked (byte counting). */
	cc_ack_received(tp, 100, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 4380 + 3 * MSS + 100);
	/* Resending after a timeout (snd_nxt < snd_max): one segment. */
	tp->snd_max = tp->snd_nxt + 10 * MSS;
	cc_ack_received(tp, 3 * MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 4380 + 4 * MSS + 100);
	/* Without rfc3465: one segment per ACK whatever it covers. */
	tp->snd_max = tp->snd_nxt;
	h->tun.rfc3465 = 0;
	tp->snd_cwnd = 4380;
	cc_ack_received(tp, 100, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 4380 + MSS);
	/* A duplicate ACK never grows it. */
	cc_ack_received(tp, 0, CC_DUPACK);
	ck_assert_uint_eq(tp->snd_cwnd, 4380 + MSS);
}
END_TEST

START_TEST(test_dp4_congestion_avoidance_one_segment_per_window)
{
	int i;

	tp->snd_ssthresh = 5 * MSS;
	tp->snd_cwnd = 10 * MSS;
	/* Nine full-segment ACKs: 9 x 1448 < cwnd, no growth yet. */
	for (i = 0; i < 9; i++)
		cc_ack_received(tp, MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 10 * MSS);
	/* The tenth completes a window's worth: one segment more. */
	cc_ack_received(tp, MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 11 * MSS);
	ck_assert_uint_eq(tp->t_bytes_acked, 0);
	/* cwnd above the peer's window: not window-limited, no growth. */
	tp->snd_wnd = 10 * MSS;
	for (i = 0; i < 30; i++)
		cc_ack_received(tp, MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 11 * MSS);
	/* Without rfc3465: mss^2 / cwnd per ACK. */
	tp->snd_wnd = 1 << 20;
	h->tun.rfc3465 = 0;
	cc_ack_received(tp, MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 11 * MSS + MSS * MSS / (11 * MSS));
}
END_TEST

START_TEST(test_dp4_cwnd_capped_by_largest_window)
{
	/* snd_scale 0: TCP_MAXWIN is the most any window can be. */
	tp->snd_cwnd = 65000;
	tp->snd_wnd = 65535;
	cc_ack_received(tp, 2 * MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 65535);
	tp->snd_scale = 6;
	tp->snd_wnd = 1 << 22;
	cc_ack_received(tp, 2 * MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 65535 + 2 * MSS);
}
END_TEST

START_TEST(test_dp5_three_dupacks_halve_and_enter_recovery)
{
	tp->snd_cwnd = 21 * MSS;
	tp->snd_max = tp->snd_una + 20 * MSS;
	cc_cong_signal(tp, CC_NDUPACK);
	/* max(cwnd / 2 / mss, 2) segments: 21 / 2 = 10 whole segments. */
	ck_assert_uint_eq(tp->snd_ssthresh, 10 * MSS);
	ck_assert_uint_eq(tp->snd_recover, tp->snd_max);
	ck_assert(tp->t_flags & TF_FASTRECOVERY);
	/* A second signal in recovery changes nothing. */
	tp->snd_cwnd = 4 * MSS;
	tp->snd_max += MSS;
	cc_cong_signal(tp, CC_NDUPACK);
	ck_assert_uint_eq(tp->snd_ssthresh, 10 * MSS);
	ck_assert_uint_eq(tp->snd_recover, tp->snd_una + 20 * MSS);
	/* No growth during recovery. */
	cc_ack_received(tp, MSS, CC_ACK);
	ck_assert_uint_eq(tp->snd_cwnd, 4 * MSS);
	/* Never below two segments. */
	tp->t_flags &= ~TF_FASTRECOVERY;
	tp->snd_cwnd = MSS;
	cc_cong_signal(tp, CC_NDUPACK);
	ck_assert_uint_eq(tp->snd_ssthresh, 2 * MSS);
}
END_TEST

START_TEST(test_dp5_end_of_recovery_deflates_to_ssthresh)
{
	tp->t_flags |= TF_FASTRECOVERY;
	tp->snd_ssthresh = 10 * MSS;
	tp->snd_cwnd = 25 * MSS;
	tp->snd_max = tp->snd_una + 30 * MSS;
	/* 20 segments still in flight after this ACK: ssthresh. */
	cc_post_recovery(tp, tp->snd_una + 10 * MSS);
	ck_assert_uint_eq(tp->snd_cwnd, 10 * MSS);
	/* 3 in flight: 3 + 1 segments, no burst. */
	tp->snd_cwnd = 25 * MSS;
	cc_post_recovery(tp, tp->snd_una + 27 * MSS);
	ck_assert_uint_eq(tp->snd_cwnd, 4 * MSS);
}
END_TEST

START_TEST(test_dp6_timeout_one_segment_and_half_the_window)
{
	tp->t_flags |= TF_FASTRECOVERY;
	tp->t_dupacks = 3;
	tp->snd_cwnd = 30 * MSS;
	tp->snd_wnd = 20 * MSS;
	cc_cong_signal(tp, CC_RTO);
	/* min(peer window, cwnd) / 2 in whole segments. */
	ck_assert_uint_eq(tp->snd_ssthresh, 10 * MSS);
	ck_assert_uint_eq(tp->snd_cwnd, MSS);
	ck_assert_int_eq(tp->t_dupacks, 0);
	ck_assert(!(tp->t_flags & TF_FASTRECOVERY));
	tp->snd_cwnd = 3 * MSS;
	cc_cong_signal(tp, CC_RTO);
	ck_assert_uint_eq(tp->snd_ssthresh, 2 * MSS);
}
END_TEST

START_TEST(test_dp13_idle_restart_window)
{
	tp->snd_cwnd = 40 * MSS;
	cc_after_idle(tp);
	ck_assert_uint_eq(tp->snd_cwnd, 4380);
	/* Smaller already: kept. */
	tp->snd_cwnd = 2 * MSS;
	cc_after_idle(tp);
	ck_assert_uint_eq(tp->snd_cwnd, 2 * MSS);
	h->tun.rfc3390 = 0;
	tp->snd_cwnd = 40 * MSS;
	cc_after_idle(tp);
	ck_assert_uint_eq(tp->snd_cwnd, 2 * MSS);
}
END_TEST

static Suite *
cc_newreno_suite(void)
{
	Suite *s = suite_create("cc_newreno");
	TCase *tc = tcase_create("newreno");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dp2_initial_window_by_tunable);
	tcase_add_test(tc, test_dp3_slow_start_abc_caps_each_ack);
	tcase_add_test(tc,
	    test_dp4_congestion_avoidance_one_segment_per_window);
	tcase_add_test(tc, test_dp4_cwnd_capped_by_largest_window);
	tcase_add_test(tc, test_dp5_three_dupacks_halve_and_enter_recovery);
	tcase_add_test(tc, test_dp5_end_of_recovery_deflates_to_ssthresh);
	tcase_add_test(tc, test_dp6_timeout_one_segment_and_half_the_window);
	tcase_add_test(tc, test_dp13_idle_restart_window);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(cc_newreno_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
