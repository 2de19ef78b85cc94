/*
 * tunable.c -- the table of host tunables, and the hooks that give a
 * run-time write of some of them the kernel's semantics.
 *
 * One designated-initializer row per tunable.  Defaults are FreeBSD 9's:
 * kern.hz 1000, net.inet.tcp.msl 30 s, net.inet.ip.portrange.first/last
 * 10000-65535, randomized 1, randomcps 10, randomtime 45 s,
 * kern.ipc.maxsockets 25600 (what a 4 GiB amd64 machine of that era sizes
 * it to), net.inet.tcp.maxtcptw 0 (auto-sized, TW-3), nolocaltimewait 0,
 * rfc1323 1, the initial RTO TCPTV_RTOBASE 3 s and TCPTV_KEEP_INIT 75 s.
 * Rule IDs (HOST-n, PORT-n, TW-n) are in docs/RULES.md.
 *
 * Linux's (stack = linux, LNX-21): CONFIG_HZ 250 (Debian's kernels),
 * ip_local_port_range 32768-60999, tcp_timestamps 1, tcp_tw_reuse 2,
 * tcp_tw_reuse_delay 1000 ms, tcp_max_tw_buckets 131072 (half the
 * established hash of a 24 GiB machine), tcp_rfc1337 0, tcp_fin_timeout
 * 60 s, tcp_syn_retries 6, tcp_syn_linear_timeouts 4 (Linux 6.18
 * tcp_sk_init).  A row a stack lacks keeps the constant that kernel uses
 * (Linux: TCP_TIMEOUT_INIT 1 s for rto_initial) and cannot be set.
 *
 * FreeBSD 14's (stack = freebsd14, F14-5): as FreeBSD 9's but
 * nolocaltimewait 1, the initial RTO TCPTV_RTOBASE 1 s, kern.ipc.maxsockets
 * imax(maxsockets, maxfiles) with maxfiles = physpages / 8 (786432 on a
 * 24 GiB amd64), and no maxtcptw, randomcps or randomtime (the zone and
 * the randomization throttle are gone).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "models/host.h"
#include "models/tcp_timewait.h"
#include "models/tunable.h"

#define SEC	SIM_SEC
#define MS	SIM_MSEC
#define INTMAX	2147483647.0

/* Where a field lives and how big it is. */
#define FIELD(f)	.off = { offsetof(struct host_tunables, f) }, \
			.size = sizeof(((struct host_tunables *)0)->f)
#define FIELDS(f, l)	.off = { offsetof(struct host_tunables, f), \
			    offsetof(struct host_tunables, l) }, \
			.size = sizeof(((struct host_tunables *)0)->f)

static int	check_hz(const struct tunable *, int64_t, char *, size_t);
static int	check_msl_with(const struct host_tunables *, int64_t, char *,
		    size_t);
static int	set_portrange(struct host *, const struct tunable *, int,
		    int64_t, char *, size_t);
static int	set_maxsockets(struct host *, const struct tunable *, int,
		    int64_t, char *, size_t);
static int	set_maxtcptw(struct host *, const struct tunable *, int,
		    int64_t, char *, size_t);
static int64_t	get_maxtcptw(const struct host *, const struct tunable *,
		    int);

static const struct tunable table[] = {
	{
		.key = "hz", .type = TUNABLE_T_INT,
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "kern.hz",
		    [TUNABLE_STACK_FREEBSD14] = "kern.hz",
		    [TUNABLE_STACK_LINUX] = "CONFIG_HZ" },
		.unit = "", .min = 1, .max = 1000000,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1000 },
		    [TUNABLE_STACK_FREEBSD14] = { 1000 },
		    [TUNABLE_STACK_LINUX] = { 250 } },
		FIELD(hz), .check = check_hz,
		/* a boot-time tunable: no TUNABLE_F_RUNTIME */
		.meaning = "clock ticks per second (must divide 1e9)",
	},
	{
		.key = "msl",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.msl",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.msl" },
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 3600 * SEC,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 30 * SEC },
		    [TUNABLE_STACK_FREEBSD14] = { 30 * SEC },
		    [TUNABLE_STACK_LINUX] = { 30 * SEC } },
		/* TW-11: applies to entries created from then on */
		FIELD(msl), .flags = TUNABLE_F_RUNTIME, .sysctl_unit = MS,
		.check_with = check_msl_with,		/* HOST-6 */
		.meaning = "maximum segment lifetime; TIME_WAIT lasts 2 x msl "
		    "(hz x (2 msl + 1 s) below 2^31 ticks)",
	},
	{
		.key = "portrange",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.ip.portrange.first, .last",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.ip.portrange.first, .last",
		    [TUNABLE_STACK_LINUX] = "net.ipv4.ip_local_port_range" },
		.type = TUNABLE_T_PORTRANGE, .unit = "", .min = 1,
		.max = 65535,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 10000, 65535 },
		    [TUNABLE_STACK_FREEBSD14] = { 10000, 65535 },
		    [TUNABLE_STACK_LINUX] = { 32768, 60999 } },
		.names = { "portrange_first", "portrange_last" },
		FIELDS(portrange_first, portrange_last),
		.flags = TUNABLE_F_RUNTIME, .set = set_portrange,
		.meaning = "ephemeral port range FIRST-LAST",
	},
	{
		.key = "randomized",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.ip.portrange.randomized",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.ip.portrange.randomized" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(randomized), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: random ephemeral ports, 0: sequential",
	},
	{
		.key = "randomcps",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.ip.portrange.randomcps" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1000000,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 10 },
		    [TUNABLE_STACK_FREEBSD14] = { 10 },
		    [TUNABLE_STACK_LINUX] = { 10 } },
		FIELD(randomcps), .flags = TUNABLE_F_RUNTIME,
		.meaning = "above this many connections per second, allocate "
		    "sequentially",
	},
	{
		.key = "randomtime",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.ip.portrange.randomtime" },
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 0, .max = 86400 * SEC,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 45 * SEC },
		    [TUNABLE_STACK_FREEBSD14] = { 45 * SEC },
		    [TUNABLE_STACK_LINUX] = { 45 * SEC } },
		/* the kernel counts whole seconds */
		FIELD(randomtime), .scale = SEC, .flags = TUNABLE_F_RUNTIME,
		.sysctl_unit = SEC,
		.meaning = "how long sequential allocation lasts once randomcps "
		    "is exceeded",
	},
	{
		.key = "maxsockets",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "kern.ipc.maxsockets",
		    [TUNABLE_STACK_FREEBSD14] = "kern.ipc.maxsockets" },
		.type = TUNABLE_T_INT, .unit = "", .min = 1, .max = INTMAX,
		/* FreeBSD 14: imax(maxsockets, maxfiles), maxfiles =
		   physpages / 8 (subr_param.c): a 24 GiB amd64 */
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 25600 },
		    [TUNABLE_STACK_FREEBSD14] = { 786432 },
		    [TUNABLE_STACK_LINUX] = { 25600 } },
		FIELD(maxsockets), .flags = TUNABLE_F_RUNTIME,
		.set = set_maxsockets,
		.meaning = "socket limit; FreeBSD 9: sizes maxtcptw when that "
		    "is 0; FreeBSD 14: bounds TIME_WAIT, which keeps its socket",
	},
	{
		.key = "maxtcptw",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.maxtcptw" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = INTMAX,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 0 },
		    [TUNABLE_STACK_FREEBSD14] = { 0 },
		    [TUNABLE_STACK_LINUX] = { 0 } },
		FIELD(maxtcptw), .flags = TUNABLE_F_RUNTIME,
		.set = set_maxtcptw, .get = get_maxtcptw,
		.meaning = "cap of the compressed TIME_WAIT zone; 0 = auto "
		    "(tcptw_auto_size)",
	},
	{
		.key = "nolocaltimewait",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.nolocaltimewait",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.nolocaltimewait" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 0 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 0 } },
		FIELD(nolocaltimewait), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: no TIME_WAIT for connections between local "
		    "addresses",
	},
	{
		.key = "rfc1323",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.rfc1323",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.rfc1323" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(rfc1323), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: window scaling and timestamps (RFC 1323)",
	},
	{
		.key = "rto_initial",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "TCPTV_RTOBASE",
		    [TUNABLE_STACK_FREEBSD14] = "TCPTV_RTOBASE" },
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 3600 * SEC,
		/* Linux: TCP_TIMEOUT_INIT, a constant */
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 3 * SEC },
		    [TUNABLE_STACK_FREEBSD14] = { 1 * SEC },
		    [TUNABLE_STACK_LINUX] = { 1 * SEC } },
		FIELD(rto_initial), .flags = TUNABLE_F_RUNTIME,
		.meaning = "initial retransmission timeout",
	},
	{
		.key = "keepinit",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.keepinit",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.keepinit" },
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 86400 * SEC,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 75 * SEC },
		    [TUNABLE_STACK_FREEBSD14] = { 75 * SEC },
		    [TUNABLE_STACK_LINUX] = { 75 * SEC } },
		FIELD(keepinit), .flags = TUNABLE_F_RUNTIME, .sysctl_unit = MS,
		.meaning = "time allowed for connection establishment",
	},
	{
		.key = "keepintvl",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.keepintvl",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.keepintvl" },
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 86400 * SEC,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 75 * SEC },
		    [TUNABLE_STACK_FREEBSD14] = { 75 * SEC },
		    [TUNABLE_STACK_LINUX] = { 75 * SEC } },
		/* FW2-1: keepcnt x keepintvl is TP_MAXIDLE */
		FIELD(keepintvl), .flags = TUNABLE_F_RUNTIME,
		.meaning = "time between keepalive probes; FreeBSD: FIN_WAIT_2 "
		    "after close waits keepcnt x keepintvl",
	},
	{
		.key = "keepcnt",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.keepcnt",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.keepcnt" },
		.type = TUNABLE_T_INT, .unit = "", .min = 1, .max = 1000000,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 8 },
		    [TUNABLE_STACK_FREEBSD14] = { 8 },
		    [TUNABLE_STACK_LINUX] = { 8 } },
		FIELD(keepcnt), .flags = TUNABLE_F_RUNTIME,
		.meaning = "keepalive probes before dropping; FreeBSD: FIN_WAIT_2 "
		    "after close waits keepcnt x keepintvl",
	},
	{
		.key = "finwait2_timeout",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.finwait2_timeout",
		    [TUNABLE_STACK_FREEBSD14] =
		    "net.inet.tcp.finwait2_timeout" },
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 86400 * SEC,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 60 * SEC },
		    [TUNABLE_STACK_FREEBSD14] = { 60 * SEC },
		    [TUNABLE_STACK_LINUX] = { 60 * SEC } },
		FIELD(finwait2_timeout), .flags = TUNABLE_F_RUNTIME,
		.meaning = "FreeBSD: FIN_WAIT_2 after close, with "
		    "fast_finwait2_recycle",
	},
	{
		.key = "fast_finwait2_recycle",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] =
		    "net.inet.tcp.fast_finwait2_recycle",
		    [TUNABLE_STACK_FREEBSD14] =
		    "net.inet.tcp.fast_finwait2_recycle" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 0 },
		    [TUNABLE_STACK_FREEBSD14] = { 0 },
		    [TUNABLE_STACK_LINUX] = { 0 } },
		FIELD(fast_finwait2_recycle), .flags = TUNABLE_F_RUNTIME,
		.meaning = "FreeBSD 1: FIN_WAIT_2 after close lasts "
		    "finwait2_timeout (else keepcnt x keepintvl)",
	},
	/* Linux (LNX-n; defaults LNX-21: tcp_sk_init, Linux 6.18) */
	{
		.key = "tcp_timestamps",
		.sysctl = {
		    [TUNABLE_STACK_LINUX] = "net.ipv4.tcp_timestamps" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 2,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		/* the same knob as FreeBSD's rfc1323, under Linux's name */
		FIELD(rfc1323), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: RFC 7323 timestamps, offset per address pair; "
		    "2: without offset; 0: off",
	},
	{
		.key = "tcp_tw_reuse",
		.sysctl = {
		    [TUNABLE_STACK_LINUX] = "net.ipv4.tcp_tw_reuse" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 2,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 0 },
		    [TUNABLE_STACK_FREEBSD14] = { 0 },
		    [TUNABLE_STACK_LINUX] = { 2 } },
		FIELD(tcp_tw_reuse), .flags = TUNABLE_F_RUNTIME,
		.meaning = "connect() may take over a TIME_WAIT 4-tuple: 1 "
		    "always, 2 loopback only, 0 never (LNX-7)",
	},
	{
		.key = "tcp_tw_reuse_delay",
		.sysctl = {
		    [TUNABLE_STACK_LINUX] = "net.ipv4.tcp_tw_reuse_delay" },
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 3600 * SEC,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 * SEC },
		    [TUNABLE_STACK_FREEBSD14] = { 1 * SEC },
		    [TUNABLE_STACK_LINUX] = { 1 * SEC } },
		FIELD(tcp_tw_reuse_delay), .flags = TUNABLE_F_RUNTIME,
		.sysctl_unit = MS,
		.meaning = "age a TIME_WAIT entry must exceed before "
		    "tcp_tw_reuse takes it over (the sysctl counts ms)",
	},
	{
		.key = "tcp_max_tw_buckets",
		.sysctl = {
		    [TUNABLE_STACK_LINUX] = "net.ipv4.tcp_max_tw_buckets" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = INTMAX,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 131072 },
		    [TUNABLE_STACK_FREEBSD14] = { 131072 },
		    [TUNABLE_STACK_LINUX] = { 131072 } },
		FIELD(tcp_max_tw_buckets), .flags = TUNABLE_F_RUNTIME,
		.meaning = "TIME_WAIT entries at most; past it a closing "
		    "connection gets none (LNX-9)",
	},
	{
		.key = "tcp_rfc1337",
		.sysctl = {
		    [TUNABLE_STACK_LINUX] = "net.ipv4.tcp_rfc1337" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 0 },
		    [TUNABLE_STACK_FREEBSD14] = { 0 },
		    [TUNABLE_STACK_LINUX] = { 0 } },
		FIELD(tcp_rfc1337), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: a RST does not end TIME_WAIT (RFC 1337)",
	},
	{
		.key = "tcp_fin_timeout",
		.sysctl = {
		    [TUNABLE_STACK_LINUX] = "net.ipv4.tcp_fin_timeout" },
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * SEC, .max = 86400 * SEC,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 60 * SEC },
		    [TUNABLE_STACK_FREEBSD14] = { 60 * SEC },
		    [TUNABLE_STACK_LINUX] = { 60 * SEC } },
		FIELD(tcp_fin_timeout), .flags = TUNABLE_F_RUNTIME,
		.sysctl_unit = SEC,
		.meaning = "how long an orphaned FIN_WAIT_2 lasts (not "
		    "TIME_WAIT: that is 60 s)",
	},
	{
		.key = "tcp_syn_retries",
		.sysctl = {
		    [TUNABLE_STACK_LINUX] = "net.ipv4.tcp_syn_retries" },
		.type = TUNABLE_T_INT, .unit = "", .min = 1, .max = 127,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 6 },
		    [TUNABLE_STACK_FREEBSD14] = { 6 },
		    [TUNABLE_STACK_LINUX] = { 6 } },
		FIELD(tcp_syn_retries), .flags = TUNABLE_F_RUNTIME,
		.meaning = "SYN retransmissions with backoff before connect() "
		    "fails (LNX-18)",
	},
	{
		.key = "tcp_syn_linear_timeouts",
		.sysctl = {
		    [TUNABLE_STACK_LINUX] = "net.ipv4.tcp_syn_linear_timeouts" },
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 10,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 4 },
		    [TUNABLE_STACK_FREEBSD14] = { 4 },
		    [TUNABLE_STACK_LINUX] = { 4 } },
		FIELD(tcp_syn_linear_timeouts), .flags = TUNABLE_F_RUNTIME,
		.meaning = "SYN timeouts before the RTO starts doubling; extra "
		    "retransmissions (LNX-18)",
	},
	/*
	 * The data path (DP-n).  FreeBSD 9: 9.3's tcp_input.c, tcp_output.c,
	 * tcp_usrreq.c and kern/uipc_sockbuf.c.  FreeBSD 14 has the same
	 * sysctls and 9's defaults for them but two (F14-5): delacktime is
	 * 40 ms (TCPTV_DELACK hz / 25 since 13.0; 100 ms before), and
	 * initcwnd10 is gone -- its net.inet.tcp.initcwnd_segments 10 gives
	 * the same window.  Linux
	 * has only tcp_sack among them; the other rows keep the values the
	 * data path runs a Linux host with (DP-14): TCP_DELACK_MIN 40 ms,
	 * tcp_wmem 4096 16384 4194304, tcp_rmem 4096 131072 6291456 (so a
	 * window shift of 7), TCP_INIT_CWND 10.
	 */
	{
		.key = "delayed_ack",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.delayed_ack",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.delayed_ack" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(delayed_ack), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: delay the ACK of a lone in-order segment (DP-7)",
	},
	{
		.key = "delacktime",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.delacktime",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.delacktime" },
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 1 * SEC,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 100 * MS },
		    [TUNABLE_STACK_FREEBSD14] = { 40 * MS },
		    [TUNABLE_STACK_LINUX] = { 40 * MS } },
		FIELD(delacktime), .flags = TUNABLE_F_RUNTIME, .sysctl_unit = MS,
		.meaning = "delayed-ACK timer (TCPTV_DELACK: hz / 10 in "
		    "FreeBSD 9, hz / 25 in 14; Linux: TCP_DELACK_MIN 40 ms)",
	},
	{
		.key = "sendspace",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.sendspace",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.sendspace" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 1, .max = INTMAX,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 32768 },
		    [TUNABLE_STACK_FREEBSD14] = { 32768 },
		    [TUNABLE_STACK_LINUX] = { 16384 } },
		FIELD(sendspace), .flags = TUNABLE_F_RUNTIME,
		.meaning = "initial send buffer in bytes (DP-9; Linux: "
		    "tcp_wmem[1])",
	},
	{
		.key = "recvspace",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.recvspace",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.recvspace" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 1, .max = INTMAX,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 65536 },
		    [TUNABLE_STACK_FREEBSD14] = { 65536 },
		    [TUNABLE_STACK_LINUX] = { 131072 } },
		FIELD(recvspace), .flags = TUNABLE_F_RUNTIME,
		.meaning = "initial receive buffer in bytes (DP-9; Linux: "
		    "tcp_rmem[1])",
	},
	{
		.key = "sendbuf_auto",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.sendbuf_auto",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.sendbuf_auto" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(sendbuf_auto), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: grow the send buffer automatically (DP-10)",
	},
	{
		.key = "sendbuf_inc",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.sendbuf_inc",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.sendbuf_inc" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 1, .max = INTMAX,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 8192 },
		    [TUNABLE_STACK_FREEBSD14] = { 8192 },
		    [TUNABLE_STACK_LINUX] = { 8192 } },
		FIELD(sendbuf_inc), .flags = TUNABLE_F_RUNTIME,
		.meaning = "send buffer autotuning step in bytes",
	},
	{
		.key = "sendbuf_max",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.sendbuf_max",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.sendbuf_max" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 1, .max = INTMAX,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 2097152 },
		    [TUNABLE_STACK_FREEBSD14] = { 2097152 },
		    [TUNABLE_STACK_LINUX] = { 4194304 } },
		FIELD(sendbuf_max), .flags = TUNABLE_F_RUNTIME,
		.meaning = "send buffer autotuning limit in bytes (Linux: "
		    "tcp_wmem[2])",
	},
	{
		.key = "recvbuf_auto",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.recvbuf_auto",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.recvbuf_auto" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(recvbuf_auto), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: grow the receive buffer automatically (DP-11)",
	},
	{
		.key = "recvbuf_inc",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.recvbuf_inc",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.recvbuf_inc" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 1, .max = INTMAX,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 16384 },
		    [TUNABLE_STACK_FREEBSD14] = { 16384 },
		    [TUNABLE_STACK_LINUX] = { 16384 } },
		FIELD(recvbuf_inc), .flags = TUNABLE_F_RUNTIME,
		.meaning = "receive buffer autotuning step in bytes",
	},
	{
		.key = "recvbuf_max",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.recvbuf_max",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.recvbuf_max" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 1, .max = INTMAX,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 2097152 },
		    [TUNABLE_STACK_FREEBSD14] = { 2097152 },
		    [TUNABLE_STACK_LINUX] = { 6291456 } },
		FIELD(recvbuf_max), .flags = TUNABLE_F_RUNTIME,
		.meaning = "receive buffer autotuning limit in bytes (Linux: "
		    "tcp_rmem[2])",
	},
	{
		.key = "maxsockbuf",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "kern.ipc.maxsockbuf",
		    [TUNABLE_STACK_FREEBSD14] = "kern.ipc.maxsockbuf" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 2048, .max = INTMAX,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 2097152 },
		    [TUNABLE_STACK_FREEBSD14] = { 2097152 },
		    [TUNABLE_STACK_LINUX] = { 6291456 } },
		FIELD(maxsockbuf), .flags = TUNABLE_F_RUNTIME,
		.meaning = "largest socket buffer (sb_max); sets the window "
		    "scale requested (DP-8)",
	},
	{
		.key = "rfc3390",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.rfc3390",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.rfc3390" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(rfc3390), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: initial window min(4 mss, max(2 mss, 4380)) "
		    "when initcwnd10 is 0 (DP-2)",
	},
	{
		.key = "initcwnd10",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.experimental.initcwnd10" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(initcwnd10), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: initial window min(10 mss, max(2 mss, 14600)) "
		    "(RFC 6928; on in FreeBSD 9.3) (DP-2)",
	},
	{
		.key = "rfc3465",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.rfc3465",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.rfc3465" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(rfc3465), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: appropriate byte counting (DP-3)",
	},
	{
		.key = "abc_l_var",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.abc_l_var",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.abc_l_var" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 1, .max = 1000,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 2 },
		    [TUNABLE_STACK_FREEBSD14] = { 2 },
		    [TUNABLE_STACK_LINUX] = { 2 } },
		FIELD(abc_l_var), .flags = TUNABLE_F_RUNTIME,
		.meaning = "most segments one ACK may grow cwnd by in slow "
		    "start (DP-3)",
	},
	{
		.key = "rfc3042",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.rfc3042",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.rfc3042" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(rfc3042), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: limited transmit on the first two duplicate "
		    "ACKs (DP-5)",
	},
	{
		.key = "sack",
		.sysctl = {
		    [TUNABLE_STACK_FREEBSD9] = "net.inet.tcp.sack.enable",
		    [TUNABLE_STACK_FREEBSD14] = "net.inet.tcp.sack.enable",
		    [TUNABLE_STACK_LINUX] = "net.ipv4.tcp_sack" },
		.type = TUNABLE_T_INT, .unit = "",
		.min = 0, .max = 1,
		.def = {
		    [TUNABLE_STACK_FREEBSD9] = { 1 },
		    [TUNABLE_STACK_FREEBSD14] = { 1 },
		    [TUNABLE_STACK_LINUX] = { 1 } },
		FIELD(sack), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: offer and use selective acknowledgments "
		    "(SACK-n)",
	},
};

#define NTUNABLES	(sizeof(table) / sizeof(table[0]))

static const char *const stack_names[TUNABLE_NSTACKS] = {
	[TUNABLE_STACK_FREEBSD9] = "freebsd9",
	[TUNABLE_STACK_FREEBSD14] = "freebsd14",
	[TUNABLE_STACK_LINUX] = "linux",
};

const char *
tunable_stack_name(enum tunable_stack s)
{

	if ((int)s < 0 || s >= TUNABLE_NSTACKS)
		return (NULL);
	return (stack_names[s]);
}

int
tunable_stack_by_name(const char *name)
{
	int s;

	for (s = 0; s < TUNABLE_NSTACKS; s++)
		if (strcmp(stack_names[s], name) == 0)
			return (s);
	return (-1);
}

int
tunable_has(const struct tunable *t, enum tunable_stack s)
{

	return ((int)s >= 0 && s < TUNABLE_NSTACKS && t->sysctl[s] != NULL);
}

const struct tunable *
tunable_table(size_t *n)
{

	*n = NTUNABLES;
	return (table);
}

const struct tunable *
tunable_lookup(const char *key)
{
	size_t i;

	for (i = 0; i < NTUNABLES; i++)
		if (strcmp(table[i].key, key) == 0)
			return (&table[i]);
	return (NULL);
}

/*
 * A row's kernel name is one sysctl, or for a PORTRANGE two written
 * "net.inet.ip.portrange.first, .last": the second replaces the last
 * component of the first.
 */
const struct tunable *
tunable_lookup_sysctl(const char *name, enum tunable_stack stack, int *i)
{
	const char *sc, *comma, *dot;
	size_t k, n;

	if (strchr(name, '.') == NULL || (int)stack < 0 ||
	    stack >= TUNABLE_NSTACKS)
		return (NULL);
	for (k = 0; k < NTUNABLES; k++) {
		sc = table[k].sysctl[stack];
		if (sc == NULL)
			continue;
		comma = strchr(sc, ',');
		n = comma != NULL ? (size_t)(comma - sc) : strlen(sc);
		if (strlen(name) == n && strncmp(name, sc, n) == 0) {
			*i = 0;
			return (&table[k]);
		}
		if (comma == NULL)
			continue;
		dot = comma;
		while (dot > sc && *dot != '.')
			dot--;
		n = (size_t)(dot - sc);
		comma++;
		while (*comma == ' ')
			comma++;
		if (strncmp(name, sc, n) == 0 && strcmp(name + n, comma) == 0) {
			*i = 1;
			return (&table[k]);
		}
	}
	return (NULL);
}

int64_t
tunable_sysctl_unit(const struct tunable *t)
{

	return (t->sysctl_unit > 0 ? t->sysctl_unit : 1);
}

int
tunable_nvalues(const struct tunable *t)
{

	return (t->type == TUNABLE_T_PORTRANGE ? 2 : 1);
}

const struct tunable *
tunable_lookup_name(const char *name, int *i)
{
	size_t k;
	int j;

	for (k = 0; k < NTUNABLES; k++) {
		if (tunable_nvalues(&table[k]) == 1) {
			if (strcmp(table[k].key, name) == 0) {
				*i = 0;
				return (&table[k]);
			}
			continue;
		}
		for (j = 0; j < tunable_nvalues(&table[k]); j++)
			if (strcmp(table[k].names[j], name) == 0) {
				*i = j;
				return (&table[k]);
			}
	}
	return (NULL);
}

int64_t
tunable_value(const struct host_tunables *tun, const struct tunable *t,
    int i)
{
	const char *p = (const char *)tun + t->off[i];
	int64_t v;

	if (t->size == sizeof(int)) {
		int x;

		memcpy(&x, p, sizeof(x));
		v = x;
	} else
		memcpy(&v, p, sizeof(v));
	return (t->scale > 1 ? v * t->scale : v);
}

void
tunable_store(struct host_tunables *tun, const struct tunable *t, int i,
    int64_t v)
{
	char *p = (char *)tun + t->off[i];

	if (t->scale > 1)
		v /= t->scale;		/* truncated, as the kernel's int */
	if (t->size == sizeof(int)) {
		int x = (int)v;

		memcpy(p, &x, sizeof(x));
	} else
		memcpy(p, &v, sizeof(v));
}

void
host_tunables_init_stack(struct host_tunables *tun, enum tunable_stack stack)
{
	size_t k;
	int i;

	memset(tun, 0, sizeof(*tun));
	for (k = 0; k < NTUNABLES; k++)
		for (i = 0; i < tunable_nvalues(&table[k]); i++)
			tunable_store(tun, &table[k], i, table[k].def[stack][i]);
	tun->stack = (int)stack;
}

void
host_tunables_init(struct host_tunables *tun)
{

	host_tunables_init_stack(tun, TUNABLE_STACK_FREEBSD9);
}

int
host_tunables_validate(const struct host_tunables *tun, char *err,
    size_t errlen)
{
	const struct tunable *t;
	char msg[128];
	size_t k;
	int64_t v;
	int i;

	if (tunable_stack_name((enum tunable_stack)tun->stack) == NULL) {
		snprintf(err, errlen, "stack %d: no such stack", tun->stack);
		return (-1);
	}
	for (k = 0; k < NTUNABLES; k++) {
		t = &table[k];
		/* A tunable the stack lacks holds that kernel's constant. */
		if (!tunable_has(t, (enum tunable_stack)tun->stack))
			continue;
		for (i = 0; i < tunable_nvalues(t); i++) {
			v = tunable_value(tun, t, i);
			if ((double)v < t->min || (double)v > t->max) {
				snprintf(err, errlen, "%s %jd: out of range "
				    "(%.0f..%.0f)", tunable_nvalues(t) > 1 ?
				    t->names[i] : t->key, (intmax_t)v, t->min,
				    t->max);
				return (-1);
			}
			if (t->check != NULL &&
			    t->check(t, v, msg, sizeof(msg)) != 0) {
				snprintf(err, errlen, "%s %jd: %s", t->key,
				    (intmax_t)v, msg);
				return (-1);
			}
		}
	}
	/* Then the checks across rows, once every value is in range. */
	for (k = 0; k < NTUNABLES; k++) {
		t = &table[k];
		if (!tunable_has(t, (enum tunable_stack)tun->stack) ||
		    t->check_with == NULL)
			continue;
		if (t->check_with(tun, tunable_value(tun, t, 0), err,
		    errlen) != 0)
			return (-1);
	}
	return (0);
}

/* ---- hooks ----------------------------------------------------------- */

/* Ticks are whole nanoseconds of simulated time. */
static int
check_hz(const struct tunable *t, int64_t v, char *err, size_t errlen)
{

	(void)t;
	if (SIM_SEC % v != 0) {
		snprintf(err, errlen, "must divide 1000000000 (ticks of "
		    "whole ns)");
		return (-1);
	}
	return (0);
}

/*
 * HOST-6: TIME_WAIT keeps the kernel's 32-bit ticks (TW-11, TW-12: int
 * ticks and tw_time, compared by wrap-safe subtraction).  The comparison is
 * exact while an entry's time is less than 2^31 ticks away, i.e. while 2
 * MSL plus one slow-timer period (an entry waiting behind the head) stays
 * below 2^31 ticks; the margin taken is a whole second.  Only a high hz
 * with a long msl reaches it (at hz 1000000, msl up to 1073 s).  The
 * kernel does not guard this (its 2 * tcp_msl would overflow an int).
 */
static int
check_msl_with(const struct host_tunables *tun, int64_t v, char *err,
    size_t errlen)
{
	int64_t span, maxmsl;

	span = 2 * sim_time_to_ticks(v, tun->hz) + tun->hz;
	if (span <= INT32_MAX)
		return (0);
	maxmsl = (INT32_MAX - (int64_t)tun->hz) / 2 / tun->hz;
	snprintf(err, errlen, "msl %.3f s with hz %d: 2 x msl + 1 s is %jd "
	    "ticks, beyond the 2^31 of TIME_WAIT's 32-bit tick counter; at "
	    "this hz msl may be at most %jd s (HOST-6)", (double)v / SEC,
	    tun->hz, (intmax_t)span, (intmax_t)maxmsl);
	return (-1);
}

static int
range_error(const struct tunable *t, int i, int64_t v, char *err,
    size_t errlen)
{

	snprintf(err, errlen, "%s: value %jd out of range",
	    tunable_nvalues(t) > 1 ? t->names[i] : t->key, (intmax_t)v);
	return (-1);
}

/*
 * HOST-2: the kernel's RANGECHK on net.inet.ip.portrange.{first,last}
 * clamps to 1024..65535; PORT-8: the next allocation uses the new range,
 * and the TIME_WAIT cap stays as it was.  Linux's ip_local_port_range
 * takes 1..65535 as written (LNX-1).
 */
static int
set_portrange(struct host *h, const struct tunable *t, int i, int64_t v,
    char *err, size_t errlen)
{

	if (v < 0 || v > 65535)
		return (range_error(t, i, v, err, errlen));
	if (h->tun.stack == TUNABLE_STACK_LINUX) {
		if (v < 1)
			return (range_error(t, i, v, err, errlen));
	} else if (v < 1024)
		v = 1024;
	tunable_store(&h->tun, t, i, v);
	return (0);
}

/* HOST-3: kern.ipc.maxsockets may only grow; TW-5: it re-caps the zone. */
static int
set_maxsockets(struct host *h, const struct tunable *t, int i, int64_t v,
    char *err, size_t errlen)
{

	if (v > INT32_MAX)
		return (range_error(t, i, v, err, errlen));
	if (v <= h->tun.maxsockets) {
		snprintf(err, errlen, "maxsockets: %jd is not above %d (it "
		    "can only grow)", (intmax_t)v, h->tun.maxsockets);
		return (-1);
	}
	h->tun.maxsockets = (int)v;
	if (h->tun.stack == TUNABLE_STACK_FREEBSD9)
		tcp_tw_zone_change(h);		/* TW-5 */
	return (0);
}

/* TW-4: a write below 32 is ignored, and that is not an error. */
static int
set_maxtcptw(struct host *h, const struct tunable *t, int i, int64_t v,
    char *err, size_t errlen)
{

	if (v < 0 || v > INT32_MAX)
		return (range_error(t, i, v, err, errlen));
	(void)sysctl_maxtcptw_set(h, (int)v);
	return (0);
}

/* TW-3: 0 reads as the auto size. */
static int64_t
get_maxtcptw(const struct host *h, const struct tunable *t, int i)
{

	(void)t;
	(void)i;
	return (sysctl_maxtcptw_get(h));
}
