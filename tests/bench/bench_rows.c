/*
 * bench_rows.c -- the rows of a benchmark run (bench_rows.h).
 */
#include "config.h"

#include <string.h>

#include "tests/bench/bench_rows.h"

int
bench_rows(struct results *r, int64_t id, long seconds, long nconn,
    long salt)
{
	struct results_sample s;
	struct results_conn c;
	long i;
	int h;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < seconds; i++)
		for (h = 0; h < 2; h++) {
			s.t = (double)i;
			s.host = h ? "server" : "client";
			s.tw_count = i + salt;
			if (results_sample(r, id, &s) != 0)
				return -1;
		}
	memset(&c, 0, sizeof(c));
	c.workload = "web";
	c.client = "client";
	c.server = "server";
	c.outcome = RESULTS_OUTCOME_OK;
	c.syn_sent = 1;
	for (i = 0; i < nconn; i++) {
		c.conn_id = i;
		c.lport = 10000 + (int)(i % 55536);
		c.t_start = (double)i * 0.0036;
		c.t_established = c.t_start + 0.0002;
		c.t_end = c.t_start + 0.01 + (double)salt * 1e-6;
		if (results_connection(r, id, &c) != 0)
			return -1;
	}
	return 0;
}
