/*
 * check_capture.c -- pcap captures (CAP-n in docs/RULES.md, NET-8).
 *
 * The unit tests build packets with capture_packet() and check them byte
 * by byte, with checksums recomputed here independently (RFC 1071 over the
 * whole packet, payload included), and read files back with libpcap.  The
 * end-to-end tests run the real CLI with --pcap on
 * tests/scenarios/e2e/pcap.ini and read the files with tshark, counting
 * packets against the results database; they are skipped, with the reason
 * printed, when tshark is not installed.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <sqlite3.h>

#include "models/capture.h"
#include "models/tcp_var.h"
#include "tests/e2e.h"

#define A1	0x0a000001u	/* 10.0.0.1 */
#define A2	0x0a000002u	/* 10.0.0.2 */

static uint8_t pkt[CAPTURE_MAXPKT];

static struct tcp_segment
seg_make(uint8_t flags, uint32_t len, int ts)
{
	struct tcp_segment s;

	memset(&s, 0, sizeof(s));
	s.saddr = A2;
	s.daddr = A1;
	s.sport = 10001;
	s.dport = 80;
	s.seq = 0x11223344u;
	s.ack = (flags & TH_ACK) ? 0x55667788u : 0;
	s.flags = flags;
	s.win = 65535;
	s.len = len;
	if (ts) {
		s.opt_flags = TOF_TS;
		s.tsval = 1000;
		s.tsecr = (flags & TH_ACK) ? 77 : 0;
	}
	return s;
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* RFC 1071 sum of len bytes, folded (0xffff: a valid checksummed block). */
static unsigned
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The TCP checksum verified over the whole packet, payload included. */
static int
tcp_sum_ok(const uint8_t *ip, size_t total)
{
	uint32_t pseudo = 0;

	pseudo += get16(ip + 12) + get16(ip + 14) + get16(ip + 16) +
	    get16(ip + 18);
	pseudo += 6 + (uint32_t)(total - 20);
	return sum16(ip + 20, total - 20, pseudo) == 0xffff;
}

START_TEST(test_cap1_ipv4_header)
{
	struct tcp_segment s = seg_make(TH_ACK, 100, 1);
	size_t n = capture_packet(&s, pkt, sizeof(pkt));

	ck_assert_uint_eq(n, 20 + 32 + 100);
	ck_assert_uint_eq(pkt[0], 0x45);
	ck_assert_uint_eq(get16(pkt + 2), n);		/* total length */
	ck_assert_uint_eq(get16(pkt + 4), 0);		/* ID */
	ck_assert_uint_eq(get16(pkt + 6), 0x4000);	/* DF */
	ck_assert_uint_eq(pkt[8], 64);
	ck_assert_uint_eq(pkt[9], 6);
	ck_assert_uint_eq(get32(pkt + 12), A2);
	ck_assert_uint_eq(get32(pkt + 16), A1);
	ck_assert_uint_eq(sum16(pkt, 20, 0), 0xffff);
	/* A wrong byte must show in the sum (the check can fail). */
	pkt[8] = 63;
	ck_assert_uint_ne(sum16(pkt, 20, 0), 0xffff);
}
END_TEST

/* CAP-2: a SYN offering everything: MSS, NOP, WS 6, SACK_PERM, TS. */
START_TEST(test_cap2_syn_options_mss_ws_sackperm_ts)
{
	struct tcp_segment s = seg_make(TH_SYN, 0, 1);
	const uint8_t *o = pkt + 40;
	size_t n;

	s.opt_flags |= TOF_SCALE | TOF_SACKPERM;
	s.wscale = 6;
	n = capture_packet(&s, pkt, sizeof(pkt));
	ck_assert_uint_eq(n, 60);
	ck_assert_uint_eq(pkt[20 + 12] >> 4, 10);	/* 40-byte header */
	/* MSS 1460 */
	ck_assert_uint_eq(o[0], 2);
	ck_assert_uint_eq(o[1], 4);
	ck_assert_uint_eq(get16(o + 2), TCP_MSS);
	/* NOP, window scale shift 6 */
	ck_assert_uint_eq(o[4], 1);
	ck_assert_uint_eq(o[5], 3);
	ck_assert_uint_eq(o[6], 3);
	ck_assert_uint_eq(o[7], 6);
	/* SACK permitted */
	ck_assert_uint_eq(o[8], 4);
	ck_assert_uint_eq(o[9], 2);
	/* timestamps */
	ck_assert_uint_eq(o[10], 8);
	ck_assert_uint_eq(o[11], 10);
	ck_assert_uint_eq(get32(o + 12), 1000);
	ck_assert_uint_eq(get32(o + 16), 0);
	ck_assert(tcp_sum_ok(pkt, n));
	/* Timestamps alone (no scale offered): MSS, NOP, NOP, TS. */
	s = seg_make(TH_SYN, 0, 1);
	ck_assert_uint_eq(capture_packet(&s, pkt, sizeof(pkt)), 56);
	ck_assert_uint_eq(o[4], 1);
	ck_assert_uint_eq(o[5], 1);
	ck_assert_uint_eq(o[6], 8);
}
END_TEST

/* CAP-2: SACK blocks after the timestamps: NOP, NOP, SACK (SACK-2). */
START_TEST(test_cap2_sack_blocks_after_timestamps)
{
	struct tcp_segment s = seg_make(TH_ACK, 0, 1);
	const uint8_t *o = pkt + 40;
	size_t n;

	s.opt_flags |= TOF_SACK;
	s.nsacks = 2;
	s.sacks[0].start = 1000;
	s.sacks[0].end = 2448;
	s.sacks[1].start = 5000;
	s.sacks[1].end = 6448;
	n = capture_packet(&s, pkt, sizeof(pkt));
	ck_assert_uint_eq(n, 20 + 20 + 32);
	ck_assert_uint_eq(o[2], 8);			/* TS after NOP, NOP */
	ck_assert_uint_eq(o[12], 1);
	ck_assert_uint_eq(o[13], 1);
	ck_assert_uint_eq(o[14], 5);
	ck_assert_uint_eq(o[15], 18);
	ck_assert_uint_eq(get32(o + 16), 1000);
	ck_assert_uint_eq(get32(o + 20), 2448);
	ck_assert_uint_eq(get32(o + 24), 5000);
	ck_assert_uint_eq(get32(o + 28), 6448);
	ck_assert(tcp_sum_ok(pkt, n));
}
END_TEST

START_TEST(test_cap2_syn_without_timestamps_has_mss_only)
{
	struct tcp_segment s = seg_make(TH_SYN | TH_ACK, 0, 0);
	size_t n = capture_packet(&s, pkt, sizeof(pkt));

	ck_assert_uint_eq(n, 44);
	ck_assert_uint_eq(pkt[20 + 12] >> 4, 6);
	ck_assert_uint_eq(pkt[40], 2);
	ck_assert_uint_eq(get16(pkt + 42), TCP_MSS);
}
END_TEST

START_TEST(test_cap2_later_segments_carry_nop_nop_ts)
{
	struct tcp_segment s = seg_make(TH_ACK | TH_FIN, 0, 1);
	size_t n = capture_packet(&s, pkt, sizeof(pkt));

	ck_assert_uint_eq(n, 52);
	ck_assert_uint_eq(pkt[40], 1);
	ck_assert_uint_eq(pkt[41], 1);
	ck_assert_uint_eq(pkt[42], 8);
	ck_assert_uint_eq(get32(pkt + 44), 1000);
	ck_assert_uint_eq(get32(pkt + 48), 77);
	s = seg_make(TH_RST, 0, 0);
	ck_assert_uint_eq(capture_packet(&s, pkt, sizeof(pkt)), 40);
}
END_TEST

START_TEST(test_cap3_header_fields_unchanged)
{
	struct tcp_segment s = seg_make(TH_ACK | TH_PUSH, 10, 0);

	s.win = 1234;
	(void)capture_packet(&s, pkt, sizeof(pkt));
	ck_assert_uint_eq(get16(pkt + 20), 10001);
	ck_assert_uint_eq(get16(pkt + 22), 80);
	ck_assert_uint_eq(get32(pkt + 24), 0x11223344u);
	ck_assert_uint_eq(get32(pkt + 28), 0x55667788u);
	ck_assert_uint_eq(pkt[33], TH_ACK | TH_PUSH);
	ck_assert_uint_eq(get16(pkt + 34), 1234);
}
END_TEST

START_TEST(test_cap4_tcp_checksum_covers_zero_payload)
{
	static const uint8_t flags[] = { TH_SYN, TH_SYN | TH_ACK, TH_ACK,
	    TH_FIN | TH_ACK, TH_RST, TH_RST | TH_ACK };
	size_t i, n;
	uint32_t len;

	for (i = 0; i < sizeof(flags); i++)
		for (len = 0; len <= TCP_MSS; len += 487) {
			struct tcp_segment s = seg_make(flags[i],
			    (flags[i] & TH_SYN) ? 0 : len, (int)(len & 1));

			n = capture_packet(&s, pkt, sizeof(pkt));
			ck_assert_msg(tcp_sum_ok(pkt, n), "flags %#x len %u",
			    flags[i], len);
			/* The payload is zeros. */
			ck_assert(n == 20 + (size_t)(pkt[32] >> 4) * 4 + s.len);
			ck_assert(s.len == 0 || pkt[n - 1] == 0);
		}
	/* Corrupt one payload byte: the sum no longer checks. */
	{
		struct tcp_segment s = seg_make(TH_ACK, 100, 0);

		n = capture_packet(&s, pkt, sizeof(pkt));
		pkt[n - 1] = 1;
		ck_assert(!tcp_sum_ok(pkt, n));
	}
}
END_TEST

START_TEST(test_cap4_snap_length_cuts_bytes_not_length)
{
	struct tcp_segment s = seg_make(TH_ACK, 1000, 1);
	uint8_t small[64];
	size_t n;

	memset(small, 0xee, sizeof(small));
	n = capture_packet(&s, small, 60);
	ck_assert_uint_eq(n, 20 + 32 + 1000);
	ck_assert_uint_eq(get16(small + 2), n);
	ck_assert_uint_eq(small[59], 0);
	ck_assert_uint_eq(small[60], 0xee);	/* nothing past buflen */
}
END_TEST

/* Segments read back from a capture file: count, and the times seen. */
static int
read_back(const char *path, int64_t *times, int max)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int n = 0;

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_NANO, errbuf);
	ck_assert_msg(p != NULL, "%s", errbuf);
	ck_assert_int_eq(pcap_datalink(p), DLT_RAW);
	while (pcap_next_ex(p, &h, &data) == 1) {
		if (n < max)
			times[n] = (int64_t)h->ts.tv_sec * SIM_SEC +
			    h->ts.tv_usec;
		ck_assert_uint_le(h->caplen, h->len);
		n++;
	}
	pcap_close(p);
	return n;
}

static void
feed(struct capture *c)
{
	struct tcp_segment s;
	int i;

	for (i = 0; i < 10; i++) {
		s = seg_make(TH_ACK, 0, 0);
		s.sport = (uint16_t)(i % 2 ? 80 : 10001);
		s.dport = (uint16_t)(i % 2 ? 10001 : 80);
		capture_segment(c, i * SIM_SEC + 123, &s);
	}
}

START_TEST(test_cap5_time_window_and_bpf)
{
	struct capture_filter f = { 0, -1, NULL };
	struct capture *c;
	int64_t t[16];
	char err[256];

	e2e_tmpdir_create("check_capture");
	/* Everything, with nanosecond times. */
	c = capture_open(e2e_path("all.pcap"), 0, NULL, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	feed(c);
	ck_assert_uint_eq(capture_count(c), 10);
	ck_assert_int_eq(capture_close(c, err, sizeof(err)), 0);
	ck_assert_int_eq(read_back(e2e_path("all.pcap"), t, 16), 10);
	ck_assert_int_eq(t[3], 3 * SIM_SEC + 123);

	/* A time window [2 s, 5 s]: segments at 2, 3, 4 s (+123 ns). */
	f.from = 2 * SIM_SEC;
	f.to = 5 * SIM_SEC;
	c = capture_open(e2e_path("win.pcap"), 0, &f, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	feed(c);
	ck_assert_int_eq(capture_close(c, err, sizeof(err)), 0);
	ck_assert_int_eq(read_back(e2e_path("win.pcap"), t, 16), 3);
	ck_assert_int_eq(t[0], 2 * SIM_SEC + 123);

	/* BPF: only what the server sends (odd i). */
	f.from = 0;
	f.to = -1;
	f.bpf = "src port 80";
	c = capture_open(e2e_path("bpf.pcap"), 64, &f, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	feed(c);
	ck_assert_int_eq(capture_close(c, err, sizeof(err)), 0);
	ck_assert_int_eq(read_back(e2e_path("bpf.pcap"), t, 16), 5);
	ck_assert_int_eq(t[0], 1 * SIM_SEC + 123);

	/* A bad expression is refused with libpcap's message. */
	f.bpf = "port eighty";
	ck_assert_ptr_null(capture_open(e2e_path("bad.pcap"), 0, &f, err,
	    sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "port eighty"));
	ck_assert_int_eq(capture_filter_check("tcp port 80", err,
	    sizeof(err)), 0);
	ck_assert_int_ne(capture_filter_check("tcp port", err,
	    sizeof(err)), 0);
	e2e_tmpdir_remove();
}
END_TEST

/* ---- end to end, through tshark ------------------------------------------ */

static int have_tshark = -1;

static int
tshark_present(void)
{
	if (have_tshark < 0)
		have_tshark = system("tshark -v >/dev/null 2>&1") == 0;
	if (!have_tshark)
		fprintf(stderr, "check_capture: SKIP: tshark is not installed "
		    "(Debian package tshark; scripts/setup installs it)\n");
	return have_tshark;
}

/*
 * tshark's output for `file` (checksums verified) as one malloc'ed string:
 * -T fields with `fields`, frames matching display filter `dfilter` (may
 * be empty).
 */
static char *
tshark(const char *file, const char *dfilter, const char *fields)
{
	char cmd[2048], *out = NULL;
	size_t len = 0, cap = 0, n;
	char buf[4096];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "tshark -n -r '%s' -o tcp.check_checksum:TRUE "
	    "-o ip.check_checksum:TRUE -o tcp.analyze_sequence_numbers:TRUE "
	    "-Y '%s' -T fields -E separator=, %s 2>/dev/null", file, dfilter,
	    fields);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		if (len + n + 1 > cap) {
			cap = 2 * (len + n + 1);
			out = realloc(out, cap);
			ck_assert_ptr_nonnull(out);
		}
		memcpy(out + len, buf, n);
		len += n;
	}
	ck_assert_int_eq(pclose(p), 0);
	if (out == NULL)
		out = calloc(1, 1);
	else
		out[len] = '\0';
	return out;
}

static int
nlines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (*s == '\n')
			n++;
	return n;
}

/* Frames of `file` matching display filter `df`. */
static int
tshark_count(const char *file, const char *df)
{
	char *o = tshark(file, df, "-e frame.number");
	int n = nlines(o);

	free(o);
	return n;
}

/* Every frame decodes with good IPv4 and TCP checksums and no error. */
static void
assert_clean(const char *file)
{
	int all = tshark_count(file, "");

	ck_assert_int_gt(all, 0);
	ck_assert_int_eq(tshark_count(file, "ip.checksum.status == 1 && "
	    "tcp.checksum.status == 1"), all);
	ck_assert_int_eq(tshark_count(file, "_ws.expert.severity >= "
	    "8388608 || _ws.malformed"), 0);	/* PI_ERROR and above */
}

/*
 * ACKs the client sent from TIME_WAIT: pure ACKs acknowledging the
 * server's FIN (the client is the active closer, so it only acks the FIN
 * once in TIME_WAIT: TW-10, and again for each retransmitted FIN: TW-19).
 */
static int
tw_acks(const char *file, const char *client, const char *server)
{
	char *o, *line, *save = NULL, df[256];
	struct { char tuple[64]; unsigned long finack; } *fins = NULL;
	int nfins = 0, capfins = 0, n = 0, i;

	snprintf(df, sizeof(df), "ip.addr == %s && ip.addr == %s", client,
	    server);
	o = tshark(file, df, "-e ip.src -e tcp.srcport -e tcp.dstport "
	    "-e tcp.flags -e tcp.seq_raw -e tcp.len -e tcp.ack_raw");
	for (line = strtok_r(o, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char src[32], tuple[64];
		unsigned sp, dp, fl;
		unsigned long seq, len, ack;

		ck_assert_int_eq(sscanf(line, "%31[^,],%u,%u,%x,%lu,%lu,%lu",
		    src, &sp, &dp, &fl, &seq, &len, &ack), 7);
		if (strcmp(src, server) == 0) {
			snprintf(tuple, sizeof(tuple), "%u-%u", dp, sp);
			if ((fl & TH_FIN) == 0)
				continue;
			for (i = 0; i < nfins; i++)
				if (strcmp(fins[i].tuple, tuple) == 0)
					break;
			if (i == nfins) {
				if (nfins == capfins) {
					capfins = capfins ? 2 * capfins : 64;
					fins = realloc(fins, capfins *
					    sizeof(*fins));
					ck_assert_ptr_nonnull(fins);
				}
				nfins++;
			}
			snprintf(fins[i].tuple, sizeof(fins[i].tuple), "%s",
			    tuple);
			fins[i].finack = (seq + len + 1) & 0xffffffffUL;
			continue;
		}
		if (fl != TH_ACK || len != 0)
			continue;
		snprintf(tuple, sizeof(tuple), "%u-%u", sp, dp);
		for (i = 0; i < nfins; i++)
			if (strcmp(fins[i].tuple, tuple) == 0 &&
			    fins[i].finack == ack)
				n++;
	}
	free(fins);
	free(o);
	return n;
}

static void
e2e_setup(void)
{
	e2e_tmpdir_create("check_capture");
}

static void
e2e_teardown(void)
{
	e2e_tmpdir_remove();
}

static void
run_pcap_scenario(const char *db, const char *dir, const char *extra1,
    const char *extra2)
{
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path(db),
	    "--quiet", "--pcap", e2e_path(dir), extra1, extra2, NULL), 0);
}

/*
 * The example the issue asks for: SYN retransmissions, TIME_WAIT ACKs,
 * reopening SYNs and RSTs, all read by tshark with good checksums and no
 * error, in the numbers the database has.
 */
START_TEST(test_cap_tshark_counts_match_database)
{
	sqlite3 *db;
	char client[700], server[700], rsh[700];
	int64_t syns, conns;

	if (!tshark_present())
		return;
	run_pcap_scenario("r.db", "caps", NULL, NULL);
	/* e2e_path's buffers rotate: keep copies. */
	snprintf(client, sizeof(client), "%s",
	    e2e_path("caps/run1-client.pcap"));
	snprintf(server, sizeof(server), "%s",
	    e2e_path("caps/run1-server.pcap"));
	snprintf(rsh, sizeof(rsh), "%s", e2e_path("caps/run1-rsh.pcap"));
	assert_clean(client);
	assert_clean(server);
	assert_clean(rsh);
	db = e2e_db_open(e2e_path("r.db"));

	/* SYNs the client sent, first ones and retransmissions. */
	syns = e2e_q_int(db, "SELECT total(syn_sent) FROM connections WHERE "
	    "client = 'client'");
	conns = e2e_q_int(db, "SELECT count(*) FROM connections WHERE "
	    "client = 'client' AND syn_sent > 0");
	ck_assert_int_eq(tshark_count(client, "ip.src == 10.0.0.2 && "
	    "tcp.flags == 0x002"), syns);
	ck_assert_int_gt(syns - conns, 0);
	ck_assert_int_eq(tshark_count(client, "ip.src == 10.0.0.2 && "
	    "tcp.flags == 0x002 && tcp.analysis.retransmission"),
	    syns - conns);

	/* The ACKs the client sent from TIME_WAIT (TW-10, TW-19). */
	ck_assert_int_gt(e2e_q_int(db, "SELECT acks_sent_tw FROM host_stats "
	    "WHERE host = 'client'"), 0);
	ck_assert_int_eq(tw_acks(client, "10.0.0.2", "10.0.0.1"),
	    e2e_q_int(db, "SELECT acks_sent_tw FROM host_stats WHERE host = "
	    "'client'"));

	/* Every SYN from the fixed port reopened the server's TIME_WAIT. */
	ck_assert_int_gt(e2e_q_int(db, "SELECT tw_reopened FROM host_stats "
	    "WHERE host = 'server'"), 0);
	ck_assert_int_eq(tshark_count(server, "ip.src == 10.0.0.3 && "
	    "tcp.flags == 0x002 && tcp.analysis.reused_ports"),
	    e2e_q_int(db, "SELECT tw_reopened FROM host_stats WHERE host = "
	    "'server'"));
	ck_assert_int_eq(tshark_count(rsh, "tcp.flags == 0x002"),
	    e2e_q_int(db, "SELECT count(*) FROM connections WHERE client = "
	    "'rsh'"));

	/*
	 * RSTs: the client's tiny zone recycled its TIME_WAIT, so a
	 * retransmitted FIN finds no pcb (TW-21, TCP-4).  Each is in both
	 * captures unless the path lost it.
	 */
	ck_assert_int_gt(tshark_count(client, "tcp.flags.reset == 1"), 0);
	ck_assert_int_le(tshark_count(server, "tcp.flags.reset == 1"),
	    tshark_count(client, "tcp.flags.reset == 1"));
	sqlite3_close(db);
}
END_TEST

START_TEST(test_cap5_filters_on_the_command_line)
{
	char all[700];
	const char *f;
	int n_all;

	if (!tshark_present())
		return;
	run_pcap_scenario("a.db", "all", NULL, NULL);
	/* e2e_path's buffers rotate: keep a copy. */
	snprintf(all, sizeof(all), "%s", e2e_path("all/run1-server.pcap"));
	n_all = tshark_count(all, "");

	/* A port. */
	run_pcap_scenario("p.db", "port", "--pcap-filter", "port 514");
	f = e2e_path("port/run1-server.pcap");
	ck_assert_int_eq(tshark_count(f, ""), tshark_count(all,
	    "tcp.port == 514"));
	ck_assert_int_lt(tshark_count(f, ""), n_all);
	ck_assert_int_eq(tshark_count(f, "tcp.port != 514"), 0);

	/* A time window. */
	run_pcap_scenario("t.db", "time", "--pcap-filter", "time 5s..7s");
	f = e2e_path("time/run1-server.pcap");
	ck_assert_int_gt(tshark_count(f, ""), 0);
	ck_assert_int_eq(tshark_count(f, ""), tshark_count(all,
	    "frame.time_epoch >= 5 && frame.time_epoch <= 7"));

	/* A 4-tuple, both directions. */
	run_pcap_scenario("q.db", "tuple", "--pcap-filter",
	    "10.0.0.3:1023 10.0.0.1:514");
	f = e2e_path("tuple/run1-server.pcap");
	ck_assert_int_eq(tshark_count(f, ""), tshark_count(all,
	    "ip.addr == 10.0.0.3 && tcp.port == 1023"));
	ck_assert_int_gt(tshark_count(f, "ip.src == 10.0.0.1"), 0);
	ck_assert_int_gt(tshark_count(f, "ip.src == 10.0.0.3"), 0);
	/* Nothing of the other hosts in the rsh-only 4-tuple's files. */
	ck_assert_int_eq(tshark_count(e2e_path("tuple/run1-client.pcap"), ""),
	    0);
}
END_TEST

/* Bad filters are usage errors, caught before anything runs. */
START_TEST(test_cap5_bad_filters_refused)
{
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path("b.db"),
	    "--quiet", "--pcap", e2e_path("c"), "--pcap-filter", "port eighty",
	    NULL), 2);
	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path("b.db"),
	    "--quiet", "--pcap", e2e_path("c"), "--pcap-filter", "time 9s..2s",
	    NULL), 2);
	ck_assert(!e2e_exists(e2e_path("b.db")));
}
END_TEST

/*
 * pcap = yes captures only that host, beside the database; -j 2 writes
 * the same bytes under the same names as -j 1.
 */
START_TEST(test_cap_pcap_key_and_jobs)
{
	char *a, *b;
	size_t la, lb;

	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path("k.db"),
	    "--quiet", "--set", "host.rsh.pcap=yes", "--set",
	    "run.duration=5s", "--set", "run.repeat=2", NULL), 0);
	ck_assert(e2e_exists(e2e_path("k-pcap/run1-rsh.pcap")));
	ck_assert(e2e_exists(e2e_path("k-pcap/run2-rsh.pcap")));
	ck_assert(!e2e_exists(e2e_path("k-pcap/run1-client.pcap")));

	e2e_assert_exit(e2e_twsim("run",
	    e2e_srcpath("tests/scenarios/e2e/pcap.ini"), "-o", e2e_path("j.db"),
	    "--quiet", "--pcap", e2e_path("j"), "-j", "2", "--set",
	    "host.rsh.pcap=yes", "--set", "run.duration=5s", "--set",
	    "run.repeat=2", NULL), 0);
	a = e2e_slurp(e2e_path("k-pcap/run2-rsh.pcap"), &la);
	b = e2e_slurp(e2e_path("j/run2-rsh.pcap"), &lb);
	ck_assert_uint_gt(la, 24);
	ck_assert_uint_eq(la, lb);
	ck_assert(memcmp(a, b, la) == 0);
	free(a);
	free(b);
	/* No part files left behind. */
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -q part",
		    e2e_path("j"));
		ck_assert_int_ne(system(cmd), 0);
	}
}
END_TEST

/*
 * Appending to a database: the files are named after the ids the runs get
 * there, with -j 1 and -j 2 alike; a run the database holds already is not
 * run again, so it writes no capture (--replace would).
 */
START_TEST(test_cap_names_follow_database_run_ids)
{
	const char *ini = e2e_srcpath("tests/scenarios/e2e/pcap.ini");

	e2e_assert_exit(e2e_twsim("run", ini, "-o", e2e_path("a.db"),
	    "--quiet", "--set", "run.duration=2s", NULL), 0);
	e2e_assert_exit(e2e_twsim("run", ini, "-o", e2e_path("a.db"),
	    "--quiet", "--set", "run.duration=2s", "--seed", "7", "--pcap",
	    e2e_path("c"), NULL), 0);
	ck_assert(!e2e_exists(e2e_path("c/run1-rsh.pcap")));
	ck_assert(e2e_exists(e2e_path("c/run2-rsh.pcap")));
	e2e_assert_exit(e2e_twsim("run", ini, "-o", e2e_path("a.db"),
	    "--quiet", "--set", "run.duration=2s", "--seed", "8", "--set",
	    "run.repeat=2", "-j", "2", "--pcap", e2e_path("c"), NULL), 0);
	ck_assert(e2e_exists(e2e_path("c/run3-server.pcap")));
	ck_assert(e2e_exists(e2e_path("c/run4-server.pcap")));
	/* Already there: nothing runs, nothing is captured. */
	e2e_assert_exit(e2e_twsim("run", ini, "-o", e2e_path("a.db"),
	    "--quiet", "--set", "run.duration=2s", "--pcap", e2e_path("d"),
	    NULL), 0);
	ck_assert(!e2e_exists(e2e_path("d/run1-rsh.pcap")));
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "ls -A '%s' '%s' | grep -q part",
		    e2e_path("c"), e2e_path("d"));
		ck_assert_int_ne(system(cmd), 0);
	}
}
END_TEST

static Suite *
capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc;

	tc = tcase_create("packets");
	tcase_add_test(tc, test_cap1_ipv4_header);
	tcase_add_test(tc, test_cap2_syn_options_mss_ws_sackperm_ts);
	tcase_add_test(tc, test_cap2_sack_blocks_after_timestamps);
	tcase_add_test(tc, test_cap2_syn_without_timestamps_has_mss_only);
	tcase_add_test(tc, test_cap2_later_segments_carry_nop_nop_ts);
	tcase_add_test(tc, test_cap3_header_fields_unchanged);
	tcase_add_test(tc, test_cap4_tcp_checksum_covers_zero_payload);
	tcase_add_test(tc, test_cap4_snap_length_cuts_bytes_not_length);
	tcase_add_test(tc, test_cap5_time_window_and_bpf);
	suite_add_tcase(s, tc);

	tc = tcase_create("tshark");
	tcase_add_checked_fixture(tc, e2e_setup, e2e_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cap_tshark_counts_match_database);
	tcase_add_test(tc, test_cap5_filters_on_the_command_line);
	tcase_add_test(tc, test_cap5_bad_filters_refused);
	tcase_add_test(tc, test_cap_pcap_key_and_jobs);
	tcase_add_test(tc, test_cap_names_follow_database_run_ids);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(capture_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
