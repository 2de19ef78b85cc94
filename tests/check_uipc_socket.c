/*
 * check_uipc_socket.c -- the socket layer (models/uipc_socket.c), rules
 * SO-n of docs/RULES.md, between two real hosts over the real network:
 * connect, listen and accept, send and receive byte counts, half close,
 * SO_LINGER, options and the errno values of each request.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/host.h"
#include "models/net.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "models/tunable.h"
#include "models/uipc_socket.h"
#include "sim/sim.h"
#include "tests/model_fixture.h"

#define CADDR	FX_ADDR(10, 0, 0, 2)
#define SADDR	FX_ADDR(10, 0, 0, 1)
#define PORT	80

static struct sim *sim;
static struct net *net;
static struct host *cli, *srv;
static struct socket *lso;		/* the server's listener */

static void
setup(void)
{

	fx_world_create(5, &sim, &net);
	cli = fx_host(net, "client", NULL, CADDR);
	srv = fx_host(net, "server", NULL, SADDR);
	lso = socreate(srv);
	ck_assert_ptr_nonnull(lso);
	ck_assert_int_eq(sobind(lso, 0, PORT), 0);
	ck_assert_int_eq(solisten(lso, 5), 0);
}

static void
teardown(void)
{

	if (lso != NULL)
		(void)soclose(lso);
	lso = NULL;
	fx_host_check(cli);
	fx_host_check(srv);
	fx_world_destroy(&sim, &net);
}

/* A connected pair: *cso on the client, *sso accepted on the server. */
static void
pair(struct socket **cso, struct socket **sso)
{

	*cso = socreate(cli);
	ck_assert_ptr_nonnull(*cso);
	ck_assert_int_eq(soconnect(*cso, SADDR, PORT), EINPROGRESS);
	ck_assert_int_eq(soconnected(*cso), 0);
	fx_run_for(sim, 10 * SIM_MSEC);
	ck_assert_int_eq(soconnected(*cso), 1);
	ck_assert_int_eq(soaccept(lso, sso), 0);
	ck_assert_ptr_nonnull(*sso);
	ck_assert_uint_eq((*sso)->so_fport, (*cso)->so_lport);
}

START_TEST(test_so1_so2_connect_accept_and_errnos)
{
	struct socket *cso, *sso, *none;

	pair(&cso, &sso);
	/* One connection queued, one taken: the queue is empty. */
	ck_assert_int_eq(soaccept(lso, &none), EWOULDBLOCK);
	ck_assert_ptr_null(none);
	ck_assert_int_eq(soconnect(cso, SADDR, PORT), EISCONN);
	ck_assert_int_eq(soconnect(lso, SADDR, PORT), EOPNOTSUPP);
	ck_assert_int_eq(soaccept(cso, &none), EINVAL);
	(void)soclose(cso);
	(void)soclose(sso);
	fx_run_for(sim, 10 * SIM_MSEC);
}
END_TEST

START_TEST(test_so1_second_connect_is_ealready)
{
	struct socket *so = socreate(cli);

	ck_assert_int_eq(soconnect(so, SADDR, PORT), EINPROGRESS);
	ck_assert_int_eq(soconnect(so, SADDR, PORT), EALREADY);
	(void)soclose(so);
}
END_TEST

START_TEST(test_so1_connect_refused_sets_so_error_once)
{
	struct socket *so = socreate(cli);
	uint32_t got;
	int v, v2;

	ck_assert_int_eq(soconnect(so, SADDR, PORT + 1), EINPROGRESS);
	fx_run_for(sim, 10 * SIM_MSEC);
	ck_assert_int_eq(soconnected(so), -1);
	ck_assert_int_eq(sogetopt(so, SOOPT_ERROR, &v, &v2), 0);
	ck_assert_int_eq(v, ECONNREFUSED);
	/* SO_ERROR is read once. */
	ck_assert_int_eq(sogetopt(so, SOOPT_ERROR, &v, &v2), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(soreceive(so, 10, &got), 0);
	ck_assert_uint_eq(got, 0);
	(void)soclose(so);
}
END_TEST

START_TEST(test_so3_receive_byte_counts_and_end_of_stream)
{
	struct socket *cso, *sso;
	uint32_t got;

	pair(&cso, &sso);
	ck_assert_int_eq(soreceive(sso, 100, &got), EWOULDBLOCK);
	ck_assert_int_eq(sosend(cso, 3000), 0);
	fx_run_for(sim, 10 * SIM_MSEC);
	ck_assert_int_eq(soreceive(sso, 1000, &got), 0);
	ck_assert_uint_eq(got, 1000);
	ck_assert_int_eq(soreceive(sso, 5000, &got), 0);
	ck_assert_uint_eq(got, 2000);
	ck_assert_int_eq(soreceive(sso, 5000, &got), EWOULDBLOCK);
	(void)soclose(cso);
	fx_run_for(sim, 10 * SIM_MSEC);
	/* The peer's FIN: end of file. */
	ck_assert_int_eq(soreceive(sso, 5000, &got), 0);
	ck_assert_uint_eq(got, 0);
	(void)soclose(sso);
	fx_run_for(sim, 10 * SIM_MSEC);
}
END_TEST

/* TCP-15 with a half close: the socket still reads after SHUT_WR. */
START_TEST(test_so4_shutdown_wr_half_close_then_time_wait)
{
	struct socket *cso, *sso;
	uint32_t got;

	pair(&cso, &sso);
	ck_assert_int_eq(soshutdown(cso, SO_SHUT_WR), 0);
	ck_assert_int_eq(sosend(cso, 10), EPIPE);
	fx_run_for(sim, 10 * SIM_MSEC);
	ck_assert_int_eq(soreceive(sso, 10, &got), 0);
	ck_assert_uint_eq(got, 0);		/* the client's FIN */
	ck_assert_int_eq(sosend(sso, 50), 0);
	fx_run_for(sim, 10 * SIM_MSEC);
	ck_assert_int_eq(soreceive(cso, 100, &got), 0);
	ck_assert_uint_eq(got, 50);
	/* The server closes: the client, still open, enters TIME_WAIT. */
	(void)soclose(sso);
	fx_run_for(sim, 10 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 1);
	ck_assert_ptr_null(sototcpcb(cso));
	ck_assert_int_eq(soreceive(cso, 100, &got), 0);
	ck_assert_uint_eq(got, 0);
	(void)soclose(cso);
	ck_assert_int_eq(host_tw_count(cli), 1);
}
END_TEST

START_TEST(test_so4_shutdown_errors)
{
	struct socket *so = socreate(cli);

	ck_assert_int_eq(soshutdown(so, SO_SHUT_WR), ENOTCONN);
	ck_assert_int_eq(soshutdown(so, 7), EINVAL);
	(void)soclose(so);
}
END_TEST

/* tcp_disconnect: SO_LINGER with a zero time resets, no TIME_WAIT. */
START_TEST(test_so5_linger_zero_close_resets)
{
	struct socket *cso, *sso;
	uint32_t got;

	pair(&cso, &sso);
	ck_assert_int_eq(sosetopt(cso, SOOPT_LINGER, 1, 0), 0);
	(void)soclose(cso);
	fx_run_for(sim, 10 * SIM_MSEC);
	ck_assert_int_eq(host_tw_count(cli), 0);
	ck_assert_int_eq(soreceive(sso, 10, &got), ECONNRESET);
	(void)soclose(sso);
}
END_TEST

START_TEST(test_so2_close_listener_resets_unaccepted)
{
	struct socket *cso;
	uint32_t got;

	cso = socreate(cli);
	ck_assert_int_eq(soconnect(cso, SADDR, PORT), EINPROGRESS);
	fx_run_for(sim, 10 * SIM_MSEC);
	ck_assert_int_eq(soconnected(cso), 1);
	ck_assert_int_eq(lso->so_qlen, 1);
	(void)soclose(lso);
	lso = NULL;
	fx_run_for(sim, 10 * SIM_MSEC);
	ck_assert_int_eq(soreceive(cso, 10, &got), ECONNRESET);
	(void)soclose(cso);
}
END_TEST

/*
 * What a host of `stack` reads back: the default buffers, a 4096-byte
 * SO_RCVBUF as stored, and the value of each set flag option.
 */
struct readback {
	enum tunable_stack stack;
	int	rcvbuf, sndbuf, rcvbuf4096, reuseaddr, linger, nodelay;
};

static const struct readback readbacks[] = {
	{ TUNABLE_STACK_FREEBSD9, 65536, 32768, 4096, 0x4, 0x80, 0x4 },
	{ TUNABLE_STACK_FREEBSD14, 65536, 32768, 4096, 0x4, 0x80, 0x4 },
	{ TUNABLE_STACK_LINUX, 131072, 16384, 8192, 1, 1, 1 },
};

static int
opt(struct socket *so, enum sockopt_name name, int *v2)
{
	int v;

	ck_assert_int_eq(sogetopt(so, name, &v, v2), 0);
	return (v);
}

START_TEST(test_so6_options_read_back_per_stack)
{
	const struct readback *rb = &readbacks[_i];
	struct host_tunables boot;
	struct socket *so;
	char name[16];
	int v2;

	host_tunables_init_stack(&boot, rb->stack);
	snprintf(name, sizeof(name), "h%d", _i);
	so = socreate(fx_host(net, name, &boot, FX_ADDR(10, 0, 1, 1 + _i)));
	ck_assert_int_eq(opt(so, SOOPT_RCVBUF, &v2), rb->rcvbuf);
	ck_assert_int_eq(opt(so, SOOPT_SNDBUF, &v2), rb->sndbuf);
	ck_assert_int_eq(sosetopt(so, SOOPT_RCVBUF, 4096, 0), 0);
	ck_assert_int_eq(opt(so, SOOPT_RCVBUF, &v2), rb->rcvbuf4096);
	ck_assert_int_eq(sosetopt(so, SOOPT_SNDBUF, 0, 0), EINVAL);
	ck_assert_int_eq(opt(so, SOOPT_REUSEADDR, &v2), 0);
	ck_assert_int_eq(sosetopt(so, SOOPT_REUSEADDR, 1, 0), 0);
	ck_assert_int_eq(opt(so, SOOPT_REUSEADDR, &v2), rb->reuseaddr);
	ck_assert_int_eq(sosetopt(so, SOOPT_LINGER, 1, 5), 0);
	ck_assert_int_eq(opt(so, SOOPT_LINGER, &v2), rb->linger);
	ck_assert_int_eq(v2, 5);
	ck_assert_int_eq(sosetopt(so, SOOPT_NODELAY, 1, 0), 0);
	ck_assert_int_eq(opt(so, SOOPT_NODELAY, &v2), rb->nodelay);
	ck_assert_int_eq(sosetopt(so, SOOPT_ERROR, 1, 0), ENOPROTOOPT);
	(void)soclose(so);
}
END_TEST

START_TEST(test_so_bind_and_listen_errors)
{
	struct socket *so = socreate(srv), *so2 = socreate(srv);

	ck_assert_int_eq(sobind(so, CADDR, 81), EADDRNOTAVAIL);
	ck_assert_int_eq(sobind(so, SADDR, 81), 0);
	ck_assert_int_eq(sobind(so, SADDR, 82), EINVAL);
	/* PORT-7: the wildcard listener holds PORT on every address. */
	ck_assert_int_eq(sobind(so2, SADDR, PORT), 0);
	ck_assert_int_eq(solisten(so2, 1), EADDRINUSE);
	(void)soclose(so);
	(void)soclose(so2);
}
END_TEST


static Suite *
uipc_socket_suite(void)
{
	Suite *s = suite_create("uipc_socket");
	TCase *tc = tcase_create("socket");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_so1_so2_connect_accept_and_errnos);
	tcase_add_test(tc, test_so1_second_connect_is_ealready);
	tcase_add_test(tc, test_so1_connect_refused_sets_so_error_once);
	tcase_add_test(tc, test_so3_receive_byte_counts_and_end_of_stream);
	tcase_add_test(tc, test_so4_shutdown_wr_half_close_then_time_wait);
	tcase_add_test(tc, test_so4_shutdown_errors);
	tcase_add_test(tc, test_so5_linger_zero_close_resets);
	tcase_add_test(tc, test_so2_close_listener_resets_unaccepted);
	tcase_add_loop_test(tc, test_so6_options_read_back_per_stack, 0,
	    (int)(sizeof(readbacks) / sizeof(readbacks[0])));
	tcase_add_test(tc, test_so_bind_and_listen_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(uipc_socket_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
