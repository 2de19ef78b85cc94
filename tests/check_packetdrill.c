/*
 * check_packetdrill.c -- the packetdrill script parser
 * (scenarios/packetdrill_parse.c) and the runner's small tables
 * (scenarios/packetdrill_run.c): what each construct of the subset parses
 * to, and the file:line: construct message of each refusal.  The runner's
 * behaviour against the model is pinned by tests/packetdrill.sh, which
 * runs the scripts of tests/packetdrill/.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "models/segment.h"
#include "scenarios/packetdrill.h"

static struct pd_script *
parse_ok(const char *text, const char *const *defs, size_t ndefs)
{
	struct pd_script *s = NULL;
	char err[512];
	int rc;

	rc = pd_parse("t.pkt", text, defs, ndefs, &s, err, sizeof(err));
	ck_assert_msg(rc == 0, "parse failed: %s", err);
	ck_assert_ptr_nonnull(s);
	return (s);
}

static void
parse_bad(const char *text, const char *want)
{
	struct pd_script *s = NULL;
	char err[512];
	int rc;

	rc = pd_parse("t.pkt", text, NULL, 0, &s, err, sizeof(err));
	ck_assert_int_eq(rc, PD_UNUSABLE);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks '%s'", err,
	    want);
}

START_TEST(test_pd_times_absolute_relative_and_ranges)
{
	struct pd_script *s = parse_ok(
	    "0 close(3) = 0\n"
	    "+0.1 close(3) = 0\n"
	    "+.25 close(3) = 0\n"
	    "1.5~2 close(3) = 0\n"
	    "+0~+0.004 close(3) = 0\n", NULL, 0);

	ck_assert_uint_eq(s->nevents, 5);
	ck_assert_int_eq(s->events[0].relative, 0);
	ck_assert_int_eq(s->events[0].t_lo, 0);
	ck_assert_int_eq(s->events[1].relative, 1);
	ck_assert_int_eq(s->events[1].t_lo, 100 * SIM_MSEC);
	ck_assert_int_eq(s->events[2].t_lo, 250 * SIM_MSEC);
	ck_assert_int_eq(s->events[3].range, 1);
	ck_assert_int_eq(s->events[3].t_lo, 1500 * SIM_MSEC);
	ck_assert_int_eq(s->events[3].t_hi, 2 * SIM_SEC);
	ck_assert_int_eq(s->events[4].relative, 1);
	ck_assert_int_eq(s->events[4].t_hi, 4 * SIM_MSEC);
	ck_assert_int_eq(s->events[4].line, 5);
	ck_assert_int_eq(s->tolerance, 4 * SIM_MSEC);
	pd_script_free(s);
}
END_TEST

START_TEST(test_pd_header_options)
{
	struct pd_script *s = parse_ok(
	    "--ip_version=ipv4 --tolerance_usecs=25000\n"
	    "0 close(3) = 0\n", NULL, 0);

	ck_assert_int_eq(s->tolerance, 25 * SIM_MSEC);
	pd_script_free(s);
	parse_bad("--ip_version=ipv6\n", "t.pkt:1: unsupported header option "
	    "'--ip_version=ipv6'");
	parse_bad("0 close(3) = 0\n--tolerance_usecs=1\n", "t.pkt:2: header "
	    "option '--tolerance_usecs=1' after the first event");
	parse_bad("--tolerance_usecs=x\n", "t.pkt:1: bad value");
}
END_TEST

START_TEST(test_pd_segment_fields_and_format)
{
	struct pd_script *s = parse_ok(
	    "0 < S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,"
	    "TS val 100 ecr 0>\n"
	    "+0 > P. 1:101(100) ack 1 <nop,nop,sack 1:2 5:9,eol>\n"
	    "+0 > F.EW ... ack 7\n", NULL, 0);
	const struct pd_segment *g;
	char buf[256];

	ck_assert_uint_eq(s->nevents, 3);
	g = &s->events[0].u.seg;
	ck_assert_int_eq(s->events[0].kind, PD_INBOUND);
	ck_assert_uint_eq(g->flags, TH_SYN);
	ck_assert_int_eq(g->has_win, 1);
	ck_assert_uint_eq(g->win, 65535);
	ck_assert_int_eq(g->nopts, 5);
	ck_assert_int_eq(g->opts[0].kind, PD_OPT_MSS);
	ck_assert_uint_eq(g->opts[0].a, 1460);
	ck_assert_int_eq(g->opts[2].kind, PD_OPT_WSCALE);
	ck_assert_uint_eq(g->opts[2].a, 6);
	ck_assert_int_eq(g->opts[4].kind, PD_OPT_TS);
	ck_assert_uint_eq(g->opts[4].a, 100);
	ck_assert_uint_eq(g->opts[4].b, 0);
	pd_segment_format(g, buf, sizeof(buf));
	ck_assert_str_eq(buf, "S 0:0(0) win 65535 <mss 1460,nop,wscale 6,"
	    "sackOK,TS val 100 ecr 0>");

	g = &s->events[1].u.seg;
	ck_assert_int_eq(s->events[1].kind, PD_OUTBOUND);
	ck_assert_uint_eq(g->flags, TH_PUSH | TH_ACK);
	ck_assert_uint_eq(g->start, 1);
	ck_assert_uint_eq(g->end, 101);
	ck_assert_uint_eq(g->len, 100);
	ck_assert_int_eq(g->has_ack, 1);
	ck_assert_uint_eq(g->ack, 1);
	ck_assert_int_eq(g->opts[2].kind, PD_OPT_SACK);
	ck_assert_int_eq(g->opts[2].nsack, 2);
	ck_assert_uint_eq(g->opts[2].sack[1][0], 5);
	ck_assert_uint_eq(g->opts[2].sack[1][1], 9);
	pd_segment_format(g, buf, sizeof(buf));
	ck_assert_str_eq(buf, "P. 1:101(100) ack 1 <nop,nop,sack 1:2 5:9,"
	    "eol>");

	g = &s->events[2].u.seg;
	ck_assert_uint_eq(g->flags, TH_FIN | TH_ACK | PD_TH_ECE | PD_TH_CWR);
	ck_assert_int_eq(g->seq_any, 1);
	pd_segment_format(g, buf, sizeof(buf));
	ck_assert_str_eq(buf, "F.EW ... ack 7");
	pd_script_free(s);
}
END_TEST

START_TEST(test_pd_syscall_arguments)
{
	struct pd_script *s = parse_ok(
	    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	    "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
	    "+0 fcntl(3, F_GETFL) = 0x6 (flags O_RDWR|O_NONBLOCK)\n"
	    "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, "
	    "l_linger=0}, 8) = 0\n"
	    "+0 getsockopt(3, SOL_SOCKET, SO_RCVBUF, [65536], [4]) = 0\n"
	    "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in "
	    "progress)\n"
	    "+0 close(3) = 0\n", NULL, 0);
	const struct pd_syscall *c;

	ck_assert_uint_eq(s->nevents, 7);
	c = &s->events[0].u.sc;
	ck_assert_str_eq(c->name, "socket");
	ck_assert_int_eq(c->nargs, 3);
	ck_assert_int_eq(c->args[0].kind, PD_ARG_ELLIPSIS);
	ck_assert_str_eq(c->args[1].name[0], "SOCK_STREAM");
	ck_assert_int_eq(c->ret, 3);
	c = &s->events[1].u.sc;
	ck_assert_int_eq(c->args[2].nterms, 2);
	ck_assert_str_eq(c->args[2].name[1], "O_NONBLOCK");
	c = &s->events[2].u.sc;
	ck_assert_int_eq(c->ret, 6);
	c = &s->events[3].u.sc;
	ck_assert_int_eq(c->args[3].kind, PD_ARG_LINGER);
	ck_assert_int_eq(c->args[3].onoff, 1);
	ck_assert_int_eq(c->args[3].linger, 0);
	c = &s->events[4].u.sc;
	ck_assert_int_eq(c->args[3].kind, PD_ARG_ARRAY);
	ck_assert_int_eq(c->args[3].num[0], 65536);
	c = &s->events[5].u.sc;
	ck_assert_int_eq(c->ret, -1);
	ck_assert_str_eq(c->errname, "EINPROGRESS");
	pd_script_free(s);
}
END_TEST

START_TEST(test_pd_shell_forms)
{
	struct pd_script *s = parse_ok(
	    "0 `sysctl -w net.inet.tcp.msl=1000 net.inet.tcp.maxtcptw=64`\n"
	    "+0 `sockstat -4 -s | grep -c TIME_WAIT | grep 1; "
	    "tcpdrop -s TIME_WAIT`\n", NULL, 0);

	ck_assert_uint_eq(s->nevents, 4);
	ck_assert_int_eq(s->events[0].u.sh.kind, PD_SH_SYSCTL);
	ck_assert_str_eq(s->events[0].u.sh.name, "net.inet.tcp.msl");
	ck_assert_str_eq(s->events[0].u.sh.value, "1000");
	ck_assert_int_eq(s->events[1].u.sh.kind, PD_SH_SYSCTL);
	ck_assert_str_eq(s->events[1].u.sh.name, "net.inet.tcp.maxtcptw");
	ck_assert_int_eq(s->events[1].relative, 1);
	ck_assert_int_eq(s->events[1].t_lo, 0);
	ck_assert_int_eq(s->events[2].u.sh.kind, PD_SH_SOCKSTAT);
	ck_assert_str_eq(s->events[2].u.sh.name, "TIME_WAIT");
	ck_assert_str_eq(s->events[2].u.sh.value, "1");
	ck_assert_int_eq(s->events[3].u.sh.kind, PD_SH_TCPDROP);
	ck_assert_str_eq(s->events[3].u.sh.name, "TIME_WAIT");
	ck_assert_int_eq(s->events[3].line, 2);
	pd_script_free(s);
}
END_TEST

/* packetdrill's opt_port_info: SPORT>DPORT names a segment's connection. */
START_TEST(test_pd_segment_ports)
{
	struct pd_script *s = parse_ok(
	    "0 < 40001>8080 S 0:0(0) win 65535\n"
	    "+0 > 8080>40001 S. 0:0(0) ack 1\n"
	    "+0 < . 1:1(0) ack 1\n", NULL, 0);
	char buf[256];

	ck_assert_uint_eq(s->nevents, 3);
	ck_assert_int_eq(s->events[0].u.seg.has_ports, 1);
	ck_assert_uint_eq(s->events[0].u.seg.sport, 40001);
	ck_assert_uint_eq(s->events[0].u.seg.dport, 8080);
	ck_assert_uint_eq(s->events[0].u.seg.flags, TH_SYN);
	ck_assert_uint_eq(s->events[1].u.seg.sport, 8080);
	ck_assert_uint_eq(s->events[1].u.seg.dport, 40001);
	ck_assert_int_eq(s->events[2].u.seg.has_ports, 0);
	pd_segment_format(&s->events[1].u.seg, buf, sizeof(buf));
	ck_assert_str_eq(buf, "8080>40001 S. 0:0(0) ack 1");
	pd_script_free(s);
	parse_bad("0 < 0>8080 S 0:0(0)\n", "t.pkt:1: bad port in '0>8080'");
	parse_bad("0 < 40001>65536 S 0:0(0)\n", "t.pkt:1: bad port");
	parse_bad("0 < 40001 S 0:0(0)\n", "t.pkt:1: expected ports "
	    "'SPORT>DPORT'");
}
END_TEST

/* A sysctl read in the shapes conformance scripts write, and boot values. */
START_TEST(test_pd_sysctl_read_and_boot_sysctl)
{
	struct pd_script *s = parse_ok(
	    "--boot_sysctl=kern.ipc.maxsockets=4\n"
	    "--boot_sysctl=net.inet.tcp.maxtcptw=0x2\n"
	    "0 `sysctl -n net.inet.tcp.maxtcptw | grep -q 5120`\n"
	    "+0 `sysctl -n net.inet.tcp.msl | grep 30000`\n", NULL, 0);

	ck_assert_int_eq(s->nboot, 2);
	ck_assert_str_eq(s->boot[0].name, "kern.ipc.maxsockets");
	ck_assert_int_eq(s->boot[0].value, 4);
	ck_assert_int_eq(s->boot[0].line, 1);
	ck_assert_int_eq(s->boot[1].value, 2);
	ck_assert_uint_eq(s->nevents, 2);
	ck_assert_int_eq(s->events[0].u.sh.kind, PD_SH_SYSCTL_READ);
	ck_assert_str_eq(s->events[0].u.sh.name, "net.inet.tcp.maxtcptw");
	ck_assert_str_eq(s->events[0].u.sh.value, "5120");
	ck_assert_int_eq(s->events[1].u.sh.kind, PD_SH_SYSCTL_READ);
	ck_assert_str_eq(s->events[1].u.sh.value, "30000");
	pd_script_free(s);
	parse_bad("0 `sysctl -n a.b | grep -v 1`\n", "t.pkt:1: unsupported "
	    "shell command 'sysctl -n a.b | grep -v 1'");
	parse_bad("0 `sysctl -n a.b | wc -l`\n", "t.pkt:1: unsupported");
	parse_bad("--boot_sysctl=a.b\n", "t.pkt:1: expected "
	    "'--boot_sysctl=NAME=VALUE'");
	parse_bad("--boot_sysctl=a.b=x\n", "t.pkt:1: bad value");
}
END_TEST

START_TEST(test_pd_ifdef_else_endif_and_comments)
{
	const char *text =
	    "/* a comment\n"
	    "   over two lines */ 0 close(3) = 0\n"
	    "#ifdef FreeBSD\n"
	    "+0 close(4) = 0 // FreeBSD\n"
	    "#ifndef EXTRA\n"
	    "+0 close(5) = 0\n"
	    "#endif\n"
	    "#else\n"
	    "+0 close(6) = 0\n"
	    "#endif\n";
	const char *fb[] = { "FreeBSD" }, *both[] = { "FreeBSD", "EXTRA" };
	struct pd_script *s;

	s = parse_ok(text, fb, 1);
	ck_assert_uint_eq(s->nevents, 3);
	ck_assert_int_eq(s->events[0].line, 2);
	ck_assert_int_eq(s->events[1].u.sc.args[0].num[0], 4);
	ck_assert_int_eq(s->events[2].u.sc.args[0].num[0], 5);
	ck_assert_int_eq(s->events[2].line, 6);
	pd_script_free(s);
	s = parse_ok(text, both, 2);
	ck_assert_uint_eq(s->nevents, 2);
	pd_script_free(s);
	s = parse_ok(text, NULL, 0);
	ck_assert_uint_eq(s->nevents, 2);
	ck_assert_int_eq(s->events[1].u.sc.args[0].num[0], 6);
	pd_script_free(s);
}
END_TEST

/* Every refusal names the file, the line and the construct. */
START_TEST(test_pd_unsupported_constructs_are_named)
{
	parse_bad("0 poll(3) = 0\n", "t.pkt:1: unsupported system call "
	    "'poll'");
	parse_bad("\n0 `ls`\n", "t.pkt:2: unsupported shell command 'ls'");
	parse_bad("0 `sysctl net.inet.tcp.msl`\n", "t.pkt:1: unsupported "
	    "shell command");
	parse_bad("0 `sockstat | grep -c TIME_WAIT`\n", "unsupported shell "
	    "command");
	parse_bad("0 `tcpdrop -a`\n", "unsupported shell command 'tcpdrop "
	    "-a'");
	parse_bad("0 < S 0:0(0) <md5 1>\n", "t.pkt:1: unsupported TCP option "
	    "'md5'");
	parse_bad("0 < X 0:0(0)\n", "unsupported TCP flag 'X'");
	parse_bad("0 < S 0:1(0)\n", "end - start is not the length");
	parse_bad("0 < S ...\n", "'...' sequence number in an injected "
	    "segment");
	parse_bad("0 < S 0:0(0) urg 1\n", "unsupported segment field");
	parse_bad("0 > S 0:0(0) <TS val 1>\n", "TS needs 'val N ecr N'");
	parse_bad("* close(3) = 0\n", "unsupported time '*'");
	parse_bad("0...0.1 close(3) = 0\n", "t.pkt:1:");
	parse_bad("2~1 close(3) = 0\n", "bad time range");
	parse_bad("0~+1 close(3) = 0\n", "bad time range");
	parse_bad("0 close(3) = -1\n", "needs an errno name");
	parse_bad("0 close(3)\n", "close() needs '= RETURN'");
	parse_bad("0 setsockopt(3, SOL_SOCKET, SO_LINGER, {x=1, y=2}, 8) = "
	    "0\n", "unsupported struct field 'x'");
	parse_bad("#include <x>\n", "t.pkt:1: unsupported directive "
	    "'#include'");
	parse_bad("#endif\n", "#endif without #ifdef");
	parse_bad("\n#ifdef A\n", "t.pkt:2: #ifdef without #endif");
	parse_bad("0 close(3) = 0 trailing\n", "unexpected 'trailing'");
	parse_bad("0 blah\n", "unsupported system call 'blah'");
}
END_TEST

START_TEST(test_pd_statement_continues_while_open)
{
	struct pd_script *s = parse_ok(
	    "0 setsockopt(3, SOL_SOCKET,\n"
	    "     SO_RCVBUF, [1000], 4) = 0\n"
	    "+0 close(3) = 0\n", NULL, 0);

	ck_assert_uint_eq(s->nevents, 2);
	ck_assert_int_eq(s->events[0].line, 1);
	ck_assert_int_eq(s->events[1].line, 3);
	pd_script_free(s);
}
END_TEST

START_TEST(test_pd_stacks)
{
	const struct pd_stack *st;
	size_t n;

	st = pd_stack_lookup("freebsd9");
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(st->modelled, 1);
	ck_assert_str_eq(st->ifdef, "FreeBSD");
	ck_assert_int_eq(st->o_nonblock, 0x4);
	st = pd_stack_lookup("freebsd14");
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(st->modelled, 1);
	ck_assert_str_eq(st->ifdef, "FreeBSD");
	ck_assert_int_eq(st->has_tcpdrop, 1);
	st = pd_stack_lookup("linux");
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(st->modelled, 1);
	ck_assert_str_eq(st->ifdef, "Linux");
	ck_assert_int_eq(st->o_nonblock, 0x800);
	ck_assert_int_eq(st->has_tcpdrop, 0);
	ck_assert_ptr_null(pd_stack_lookup("solaris"));
	(void)pd_stacks(&n);
	ck_assert_uint_eq(n, 3);
}
END_TEST

START_TEST(test_pd_run_refuses_an_unmodelled_stack)
{
	struct pd_script *s = parse_ok("0 close(3) = -1 EBADF\n", NULL, 0);
	struct pd_options o;
	char msg[256];
	size_t i, n;
	const struct pd_stack *st = pd_stacks(&n);

	for (i = 0; i < n; i++) {
		memset(&o, 0, sizeof(o));
		o.stack = &st[i];
		if (st[i].modelled) {
			ck_assert_int_eq(pd_run(s, &o, msg, sizeof(msg)),
			    PD_PASS);
			continue;
		}
		ck_assert_int_eq(pd_run(s, &o, msg, sizeof(msg)),
		    PD_UNUSABLE);
		ck_assert_ptr_nonnull(strstr(msg, st[i].name));
	}
	pd_script_free(s);
}
END_TEST

static Suite *
packetdrill_suite(void)
{
	Suite *s = suite_create("packetdrill");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_pd_times_absolute_relative_and_ranges);
	tcase_add_test(tc, test_pd_header_options);
	tcase_add_test(tc, test_pd_segment_fields_and_format);
	tcase_add_test(tc, test_pd_syscall_arguments);
	tcase_add_test(tc, test_pd_shell_forms);
	tcase_add_test(tc, test_pd_segment_ports);
	tcase_add_test(tc, test_pd_sysctl_read_and_boot_sysctl);
	tcase_add_test(tc, test_pd_ifdef_else_endif_and_comments);
	tcase_add_test(tc, test_pd_unsupported_constructs_are_named);
	tcase_add_test(tc, test_pd_statement_continues_while_open);
	tcase_add_test(tc, test_pd_stacks);
	tcase_add_test(tc, test_pd_run_refuses_an_unmodelled_stack);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(packetdrill_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
