/*
 * check_freebsd14.c -- the FreeBSD 14 stack (stack = freebsd14): rules
 * F14-n of docs/RULES.md, end to end between real hosts over the real
 * network: models/freebsd14/in_pcb.c (in_pcb_lport_dest, the socket
 * limit) and models/freebsd14/tcp_timewait.c (TIME_WAIT without the
 * compressed zone).  Two hosts on a recording wire (tests/stack_fixture.h).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"
#include "tests/stack_fixture.h"

static void
f14_tun(struct host_tunables *t)
{

	host_tunables_init_stack(t, TUNABLE_STACK_FREEBSD14);
}

/* A FreeBSD 14 client (booted with ct, NULL: defaults) and server. */
static void
setup_with(const struct host_tunables *ct)
{

	stack_setup(TUNABLE_STACK_FREEBSD14, ct, NULL, CADDR, SADDR);
}

static void
setup(void)
{

	setup_with(NULL);
}

/* F14-1: busy only for the same 4-tuple: ports serve every destination. */
START_TEST(test_f14_1_ports_per_destination)
{
	struct host_tunables t;
	struct tcpcb *tp;
	int i;

	teardown();
	f14_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40003;
	setup_with(&t);
	fx_addr(net, srv, SADDR2);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(try_connect(SADDR, 0, &tp), 0);
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(try_connect(SADDR2, 0, &tp), 0);
	ck_assert_int_eq(try_connect(SADDR2, 0, &tp), EADDRNOTAVAIL);
	ck_assert_int_eq(host_ports_in_use(cli), 4);
}
END_TEST

/* F14-1: a port a listener holds is busy for connect too. */
START_TEST(test_f14_1_listener_port_is_busy)
{
	struct host_tunables t;
	struct tcpcb *tp;
	int i;

	teardown();
	f14_tun(&t);
	t.portrange_first = 40000;
	t.portrange_last = 40003;
	setup_with(&t);
	ck_assert_int_eq(tcp_usr_listen(cli, 0, 40001, &app_ops, &capp), 0);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(try_connect(SADDR, 0, &tp), 0);
		ck_assert_uint_ne(tp->t_inpcb->inp_lport, 40001);
	}
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), EADDRNOTAVAIL);
}
END_TEST

/*
 * F14-2: TIME_WAIT lasts exactly 2 MSL on the connection's own timer
 * (no 500 ms scan), and nothing is recycled: no zone, no cap.
 */
START_TEST(test_f14_2_timewait_lasts_2msl_never_recycled)
{
	struct host_tunables t;
	sim_time_t start;
	uint16_t p;
	int i;

	teardown();
	f14_tun(&t);
	t.msl = 5 * SIM_SEC;
	setup_with(&t);
	p = closed_conn(0);
	ck_assert_ptr_nonnull(client_tw(p));
	start = client_tw(p)->tw_start;
	for (i = 0; i < 200; i++)
		(void)closed_conn(0);
	ck_assert_int_eq(host_tw_count(cli), 201);
	ck_assert_uint_eq(cli->stat.tw_recycled, 0);
	ck_assert_int_eq(host_tw_cap(cli), 786432);
	run_for(start + 10 * SIM_SEC - sim_now(sim) - SIM_MSEC);
	ck_assert_ptr_nonnull(client_tw(p));
	run_for(SIM_MSEC);
	ck_assert_ptr_null(client_tw(p));
	ck_assert_uint_eq(cli->stat.tw_expired, 1);
}
END_TEST

/*
 * F14-2 with UMA-4: no zone cap, however small maxsockets is at boot
 * (FreeBSD 9's auto size would be 1000 / 5 = 200, four slabs).
 */
START_TEST(test_f14_2_small_maxsockets_does_not_cap_timewait)
{
	struct host_tunables t;
	int i;

	teardown();
	f14_tun(&t);
	t.maxsockets = 1000;
	setup_with(&t);
	for (i = 0; i < 260; i++)
		(void)closed_conn(0);
	ck_assert_int_eq(host_tw_count(cli), 260);
	ck_assert_uint_eq(cli->stat.tw_recycled, 0);
	ck_assert_uint_eq(cli->stat.tw_skipped_nomem, 0);
}
END_TEST

/* F14-2: nolocaltimewait is on by default: no TIME_WAIT between local
   addresses. */
START_TEST(test_f14_2_nolocaltimewait_on_by_default)
{
	struct tcpcb *tp;

	ck_assert_int_eq(cli->tun.nolocaltimewait, 1);
	capp.close_on_fin = 1;		/* the local server closes too */
	fx_addr(net, cli, FX_ADDR(10, 0, 0, 9));
	ck_assert_int_eq(tcp_usr_listen(cli, 0, 81, &app_ops, &capp), 0);
	ck_assert_int_eq(tcp_usr_connect(cli, 0, 0, FX_ADDR(10, 0, 0, 9), 81,
	    &app_ops, &capp, &tp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(tcp_usr_close(tp), 0);
	run_for(10 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_uint_eq(cli->stat.tw_skipped_local, 1);
}
END_TEST


/*
 * F14-3: a RST is dropped; a SYN|ACK does not reopen; a SYN above rcv_nxt
 * does (with no listener it then meets a RST); a retransmitted FIN
 * restarts 2 MSL and is acked.
 */
START_TEST(test_f14_3_segments_in_timewait)
{
	struct tcp_segment s;
	struct tcptw *tw;
	uint16_t p;

	p = closed_conn(0);
	blackhole = 1;
	tw = client_tw(p);
	server_segment(tw, p, TH_RST, &s);
	tcp_input(cli, &s);
	ck_assert_ptr_nonnull(client_tw(p));
	ck_assert_uint_eq(cli->stat.rst_ignored_tw, 1);

	server_segment(tw, p, TH_SYN | TH_ACK, &s);
	s.seq = tw->rcv_nxt + 100000;
	tcp_input(cli, &s);
	ck_assert_ptr_nonnull(client_tw(p));
	ck_assert_uint_eq(cli->stat.tw_reopened, 0);

	run_for(20 * SIM_SEC);
	server_segment(tw, p, TH_FIN | TH_ACK, &s);
	s.seq = tw->rcv_nxt - 1;
	tcp_input(cli, &s);
	ck_assert_uint_eq(cli->stat.tw_rearmed, 1);
	ck_assert_int_eq(tw->tw_time, (sim_now(sim) + 60 * SIM_SEC) /
	    SIM_MSEC);

	server_segment(tw, p, TH_SYN, &s);
	s.seq = tw->rcv_nxt + 100000;
	tcp_input(cli, &s);
	ck_assert_ptr_null(client_tw(p));
	ck_assert_uint_eq(cli->stat.tw_reopened, 1);
}
END_TEST

/*
 * F14-4: every TIME_WAIT connection keeps its socket, so
 * kern.ipc.maxsockets bounds them: past it, socket() fails (ENOBUFS).
 */
START_TEST(test_f14_4_maxsockets_bounds_timewait)
{
	struct host_tunables t;
	struct tcpcb *tp;
	int i;

	teardown();
	f14_tun(&t);
	t.maxsockets = 5;
	setup_with(&t);
	for (i = 0; i < 5; i++)
		(void)closed_conn(0);
	ck_assert_int_eq(host_tw_count(cli), 5);
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), ENOBUFS);
	run_for(61 * SIM_SEC);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(try_connect(SADDR, 0, &tp), 0);
}
END_TEST

/* F14-5: the defaults of a FreeBSD 14 host. */
START_TEST(test_f14_5_defaults)
{
	const struct host_tunables *t = &cli->tun;

	ck_assert_int_eq(t->hz, 1000);
	ck_assert(t->msl == 30 * SIM_SEC);
	ck_assert_int_eq(t->portrange_first, 10000);
	ck_assert_int_eq(t->portrange_last, 65535);
	ck_assert_int_eq(t->randomized, 1);
	ck_assert_int_eq(t->nolocaltimewait, 1);
	ck_assert_int_eq(t->maxsockets, 786432);
	ck_assert(t->rto_initial == SIM_SEC);
	ck_assert(t->keepinit == 75 * SIM_SEC);
	ck_assert_ptr_null(cli->slowtimo);
	ck_assert_ptr_null(cli->porttick);
}
END_TEST

static Suite *
freebsd14_suite(void)
{
	Suite *s = suite_create("freebsd14");
	TCase *tc = tcase_create("freebsd14");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_f14_1_ports_per_destination);
	tcase_add_test(tc, test_f14_1_listener_port_is_busy);
	tcase_add_test(tc, test_f14_2_timewait_lasts_2msl_never_recycled);
	tcase_add_test(tc, test_f14_2_small_maxsockets_does_not_cap_timewait);
	tcase_add_test(tc, test_f14_2_nolocaltimewait_on_by_default);
	tcase_add_test(tc, test_f14_3_segments_in_timewait);
	tcase_add_test(tc, test_f14_4_maxsockets_bounds_timewait);
	tcase_add_test(tc, test_f14_5_defaults);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(freebsd14_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
