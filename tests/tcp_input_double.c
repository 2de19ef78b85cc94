/*
 * tcp_input_double.c -- the recording tcp_input() test double shared by the
 * suites that test below the state machine: check_host, check_timewait,
 * check_in_pcb and check_net.
 *
 * Those suites link models/libmodels.a without needing models/tcp_input.o
 * (TW_TEST_LDADD in Makefile.am): this object defines tcp_input() before
 * the archive is searched, so the real state machine is never pulled in and
 * every segment the network delivers lands here instead.  It is recorded
 * (host, time, segment) for the test to inspect through fx_nrec() and
 * fx_rec() in model_fixture.h.  The suites over the real state machine
 * (check_tcp, check_workload, check_model) must not link this file.
 */
#include "config.h"

#include "models/host.h"
#include "models/tcp_var.h"
#include "tests/model_fixture.h"

void
tcp_input(struct host *h, const struct tcp_segment *seg)
{

	fx_record(h, seg);
}
