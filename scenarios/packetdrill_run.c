/*
 * packetdrill_run.c -- judge one simulated host by a packetdrill script.
 *
 * The world is two hosts on a net: the script's host (192.168.0.1, on the
 * chosen stack) and the script's peer (192.0.2.1, packetdrill's default
 * addresses), joined both ways by paths of zero latency, so a segment is
 * seen at the instant the host sends it.  The net's delivery hook hands
 * what reaches the peer to this runner instead of the peer's TCP: the peer
 * is the script.  Time is simulated time; script time 0 is the host's boot.
 *
 * Events run in order.  Before a `>` event the simulator runs until the
 * host sends something or the event's time (its range) plus the tolerance
 * has passed; the segment must come no earlier than the time minus the
 * tolerance and match.  Before any other event the simulator runs up to
 * its time, and whatever the host sends meanwhile was not expected: a
 * failure.  A `<` segment goes to tcp_input() at its time; a system call
 * goes to the socket layer (models/uipc_socket.h); a shell command to the
 * tunable table (sysctl), the pcb table (sockstat) or the kernel's drop
 * (tcpdrop).
 *
 * A script may drive several connections, as packetdrill's may: each
 * socket() is a new descriptor, and a segment may name its connection by
 * ports (`< 40001>8080 S ...`, packetdrill's SPORT>DPORT).  A segment
 * without ports belongs to the connection the script last addressed --
 * the last named, opened (bind, listen, connect) or sent on -- which is
 * packetdrill's socket under test.  An injected segment other than a SYN
 * that names a connection the script never opened is unusable input: its
 * sequence numbers would be relative to nothing.
 *
 * Sequence numbers are relative to each side's ISN, per connection, as in
 * packetdrill: the script's SYN defines the peer's ISN (its numbers are
 * injected as written) and the host's SYN or SYN-ACK defines the host's,
 * learnt when it is sent.  A TS ecr the script injects is shifted by the
 * difference between the host's real TS val and the script's for the
 * connection's last matched segment, so the script may use its own clock
 * for the host's values.
 *
 * A blocking system call that cannot complete (accept before a
 * connection, connect before the SYN-ACK, read before data) waits, as in
 * packetdrill's own thread: the script goes on and the call's result is
 * checked when the state it waits for arrives.  One call may wait at a
 * time.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "models/tunable.h"
#include "models/uipc_socket.h"
#include "scenarios/packetdrill.h"

/* packetdrill's defaults: local 192.168.0.1, remote 192.0.2.1, port 8080. */
#define PD_LOCAL_IP	((192u << 24) | (168u << 16) | (0u << 8) | 1u)
#define PD_REMOTE_IP	((192u << 24) | (0u << 16) | (2u << 8) | 1u)
#define PD_PORT		8080	/* bind(..., ...) and connect(..., ...) */
#define PD_REMOTE_PORT	40000	/* the peer's port towards a listener */
#define PD_MAXFD	64
#define PD_MAXQ		64	/* segments sent and not yet judged */
#define PD_MAXCONN	256	/* 4-tuples a script may address */

/*
 * The stacks: --stack NAME, the name #ifdef tests, whether twsim models it
 * (a stack named here but not modelled is refused by name), and what
 * differs in the system-call layer: fcntl's O_NONBLOCK (sys/fcntl.h,
 * asm-generic/fcntl.h) and whether tcpdrop(8) exists.
 */
static const struct pd_stack pd_stack_table[] = {
	{ "freebsd9", "FreeBSD", 1, TUNABLE_STACK_FREEBSD9, 0x4, 1 },
	{ "freebsd14", "FreeBSD", 1, TUNABLE_STACK_FREEBSD14, 0x4, 1 },
	{ "linux", "Linux", 1, TUNABLE_STACK_LINUX, 0x800, 0 },
};
#define PD_NSTACKS	(sizeof(pd_stack_table) / sizeof(pd_stack_table[0]))

/*
 * Sysctls a script may name that the model does not have: accepted only
 * at the kernel's default (FreeBSD 9: sys/netinet/tcp_input.c,
 * tcp_output.c, tcp_sack.c, tcp_syncache.c, tcp_usrreq.c, tcp_timer.c,
 * tcp_subr.c), since any other value asks for behaviour the model does not
 * have.  (The data path's sysctls -- delayed_ack, sendspace, sack.enable,
 * ... -- are rows of the tunable table, DP-n.)
 */
static const struct pd_sysctl_default {
	int		 stack;		/* enum tunable_stack */
	const char	*name;
	int64_t		 value;
} pd_unmodelled[] = {
	{ TUNABLE_STACK_FREEBSD9, "net.inet.tcp.ecn.enable", 0 },
	{ TUNABLE_STACK_FREEBSD9, "net.inet.tcp.blackhole", 0 },
	{ TUNABLE_STACK_FREEBSD9, "net.inet.tcp.drop_synfin", 0 },
	{ TUNABLE_STACK_FREEBSD9, "net.inet.tcp.syncookies", 1 },
	{ TUNABLE_STACK_FREEBSD9, "net.inet.tcp.mssdflt", 512 },
	{ TUNABLE_STACK_FREEBSD9, "net.inet.tcp.path_mtu_discovery", 1 },
	{ TUNABLE_STACK_FREEBSD9, "net.inet.tcp.fast_finwait2_recycle", 0 },
	{ TUNABLE_STACK_FREEBSD9, "net.inet.tcp.finwait2_timeout", 60000 },
	{ TUNABLE_STACK_FREEBSD9, "net.inet.tcp.tso", 1 },
	/* FreeBSD 14 (the same files at releng/14.x) */
	{ TUNABLE_STACK_FREEBSD14, "net.inet.tcp.ecn.enable", 2 },
	{ TUNABLE_STACK_FREEBSD14, "net.inet.tcp.blackhole", 0 },
	{ TUNABLE_STACK_FREEBSD14, "net.inet.tcp.syncookies", 1 },
	{ TUNABLE_STACK_FREEBSD14, "net.inet.tcp.mssdflt", 536 },
	{ TUNABLE_STACK_FREEBSD14, "net.inet.tcp.path_mtu_discovery", 1 },
	{ TUNABLE_STACK_FREEBSD14, "net.inet.tcp.fast_finwait2_recycle", 0 },
	{ TUNABLE_STACK_FREEBSD14, "net.inet.tcp.finwait2_timeout", 60000 },
	{ TUNABLE_STACK_FREEBSD14, "net.inet.tcp.tso", 1 },
	/* Linux 6.x (net/ipv4/tcp_ipv4.c tcp_sk_init, sysctl_net_ipv4.c) */
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_dsack", 1 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_window_scaling", 1 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_ecn", 2 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_syncookies", 1 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_early_retrans", 3 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_slow_start_after_idle", 1 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_no_metrics_save", 0 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_mtu_probing", 0 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_moderate_rcvbuf", 1 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_autocorking", 1 },
	{ TUNABLE_STACK_LINUX, "net.ipv4.tcp_invalid_ratelimit", 500 },
};

/* errno names a script may expect. */
static const struct {
	const char	*name;
	int		 value;
} pd_errnos[] = {
	{ "EAGAIN", EAGAIN }, { "EWOULDBLOCK", EWOULDBLOCK },
	{ "EINPROGRESS", EINPROGRESS }, { "EALREADY", EALREADY },
	{ "EISCONN", EISCONN }, { "ENOTCONN", ENOTCONN },
	{ "ECONNREFUSED", ECONNREFUSED }, { "ECONNRESET", ECONNRESET },
	{ "ECONNABORTED", ECONNABORTED }, { "ETIMEDOUT", ETIMEDOUT },
	{ "EPIPE", EPIPE }, { "EADDRINUSE", EADDRINUSE },
	{ "EADDRNOTAVAIL", EADDRNOTAVAIL }, { "EINVAL", EINVAL },
	{ "EBADF", EBADF }, { "ENOPROTOOPT", ENOPROTOOPT },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "ENOBUFS", ENOBUFS },
};

/* Socket options by level and name. */
static const struct {
	const char	*level, *name;
	enum sockopt_name opt;
} pd_sockopts[] = {
	{ "SOL_SOCKET", "SO_RCVBUF", SOOPT_RCVBUF },
	{ "SOL_SOCKET", "SO_SNDBUF", SOOPT_SNDBUF },
	{ "SOL_SOCKET", "SO_REUSEADDR", SOOPT_REUSEADDR },
	{ "SOL_SOCKET", "SO_LINGER", SOOPT_LINGER },
	{ "SOL_SOCKET", "SO_ERROR", SOOPT_ERROR },
	{ "IPPROTO_TCP", "TCP_NODELAY", SOOPT_NODELAY },
};

/* O_RDWR is 2 on every kernel here; O_NONBLOCK is the stack's. */
#define PD_O_RDWR	0x2

struct pd_sent {
	sim_time_t		t;
	struct tcp_segment	seg;
};

/* One connection as the script sees it: the host's and the peer's port. */
struct pd_conn {
	uint16_t		 lport, rport;
	tcp_seq			 local_isn;
	int			 have_ts_off;
	uint32_t		 ts_off;
};

struct pd_run {
	const struct pd_script	*s;
	const struct pd_options	*o;
	struct sim		*sim;
	struct net		*net;
	struct host		*h, *peer;
	struct pd_sent		 q[PD_MAXQ];
	int			 qhead, qn, qoverflow;
	struct socket		*fds[PD_MAXFD];
	int			 nbio[PD_MAXFD];
	/* Every connection addressed, and the current one's ports. */
	struct pd_conn		 conns[PD_MAXCONN];
	int			 nconns;
	uint16_t		 lport, rport;
	/* A blocking call waiting for the host. */
	const struct pd_event	*wait;
	int			 wait_fd;
	char			*msg;
	size_t			 msglen;
};

const struct pd_stack *
pd_stack_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < PD_NSTACKS; i++)
		if (strcmp(pd_stack_table[i].name, name) == 0)
			return (&pd_stack_table[i]);
	return (NULL);
}

const struct pd_stack *
pd_stacks(size_t *n)
{

	*n = PD_NSTACKS;
	return (pd_stack_table);
}

static enum pd_status
pd_say(struct pd_run *r, enum pd_status st, int line, const char *fmt, ...)
{
	char m[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	snprintf(r->msg, r->msglen, "%d: %s", line, m);
	return (st);
}

static double
pd_secs(sim_time_t t)
{

	return ((double)t / SIM_SEC);
}

/* ---- the wire --------------------------------------------------------- */

/* The connection of a 4-tuple, or NULL; `create` adds it when absent. */
static struct pd_conn *
pd_conn(struct pd_run *r, uint16_t lport, uint16_t rport, int create)
{
	struct pd_conn *c;
	int k;

	for (k = 0; k < r->nconns; k++)
		if (r->conns[k].lport == lport && r->conns[k].rport == rport)
			return (&r->conns[k]);
	if (!create || r->nconns == PD_MAXCONN)
		return (NULL);
	c = &r->conns[r->nconns++];
	memset(c, 0, sizeof(*c));
	c->lport = lport;
	c->rport = rport;
	return (c);
}

static void
pd_deliver(void *arg, struct host *dst, const struct tcp_segment *seg)
{
	struct pd_run *r = arg;

	if (dst != r->peer) {
		tcp_input(dst, seg);
		return;
	}
	if (r->qn == PD_MAXQ) {
		r->qoverflow = 1;
	} else {
		struct pd_sent *p = &r->q[(r->qhead + r->qn) % PD_MAXQ];

		p->t = sim_now(r->sim);
		p->seg = *seg;
		r->qn++;
	}
	sim_stop(r->sim);
}

/* What the host sent, in the script's notation (host-relative seq). */
static void
pd_from_wire(const struct pd_conn *c, const struct tcp_segment *w,
    struct pd_segment *p)
{

	memset(p, 0, sizeof(*p));
	p->flags = w->flags;
	p->has_ports = 1;
	p->sport = w->sport;
	p->dport = w->dport;
	p->start = w->seq - c->local_isn;
	p->len = w->len;
	p->end = p->start + w->len;
	if (w->flags & TH_ACK) {
		p->has_ack = 1;
		p->ack = w->ack;
	}
	p->has_win = 1;
	p->win = w->win;
	if (w->opt_flags & TOF_TS) {
		/* tcp_addoptions() pads a lone timestamp with two NOPs. */
		p->has_opts = 1;
		p->nopts = 3;
		p->opts[0].kind = PD_OPT_NOP;
		p->opts[1].kind = PD_OPT_NOP;
		p->opts[2].kind = PD_OPT_TS;
		p->opts[2].a = w->tsval;
		p->opts[2].b = w->tsecr;
	}
}

static const struct pd_opt *
pd_find_ts(const struct pd_segment *s)
{
	int k;

	for (k = 0; k < s->nopts; k++)
		if (s->opts[k].kind == PD_OPT_TS)
			return (&s->opts[k]);
	return (NULL);
}

/* Options that mean something, in order: NOP and EOL are padding. */
static int
pd_opts_equal(const struct pd_segment *want, const struct pd_segment *got)
{
	int i = 0, j = 0, k;
	const struct pd_opt *a, *b;

	for (;;) {
		while (i < want->nopts && (want->opts[i].kind == PD_OPT_NOP ||
		    want->opts[i].kind == PD_OPT_EOL))
			i++;
		while (j < got->nopts && (got->opts[j].kind == PD_OPT_NOP ||
		    got->opts[j].kind == PD_OPT_EOL))
			j++;
		if (i == want->nopts || j == got->nopts)
			return (i == want->nopts && j == got->nopts);
		a = &want->opts[i++];
		b = &got->opts[j++];
		if (a->kind != b->kind)
			return (0);
		switch (a->kind) {
		case PD_OPT_MSS:
		case PD_OPT_WSCALE:
			if (a->a != b->a)
				return (0);
			break;
		case PD_OPT_TS:
			/* packetdrill checks the echo, not our clock. */
			if (a->b != b->b)
				return (0);
			break;
		case PD_OPT_SACK:
			if (a->nsack != b->nsack)
				return (0);
			for (k = 0; k < a->nsack; k++)
				if (a->sack[k][0] != b->sack[k][0] ||
				    a->sack[k][1] != b->sack[k][1])
					return (0);
			break;
		default:
			break;
		}
	}
}

/* 1 when `got` is what `want` asks for (--lenient: no window, options). */
static int
pd_segment_matches(const struct pd_run *r, const struct pd_segment *want,
    const struct pd_segment *got)
{

	if (want->flags != got->flags)
		return (0);
	if (want->has_ports && (want->sport != got->sport ||
	    want->dport != got->dport))
		return (0);
	if (!want->seq_any && (want->start != got->start ||
	    want->len != got->len))
		return (0);
	if (want->has_ack && (!got->has_ack || want->ack != got->ack))
		return (0);
	if (r->o->lenient)
		return (1);
	if (want->has_win && want->win != got->win)
		return (0);
	if (want->has_opts != got->has_opts)
		return (0);
	return (!want->has_opts || pd_opts_equal(want, got));
}

/*
 * A script segment onto the wire, towards the host: PD_PASS, or
 * PD_UNUSABLE for ports that name no connection of the script.
 */
static enum pd_status
pd_inject(struct pd_run *r, const struct pd_event *e)
{
	const struct pd_segment *p = &e->u.seg;
	struct tcp_segment w;
	const struct pd_opt *ts;
	struct pd_conn *c;

	if (p->has_ports) {
		c = pd_conn(r, p->dport, p->sport, 0);
		if (c == NULL && (p->flags & (TH_SYN | TH_ACK)) != TH_SYN)
			return (pd_say(r, PD_UNUSABLE, e->line, "%u>%u names "
			    "no connection of this script (a SYN from port %u "
			    "opens one)", (unsigned)p->sport,
			    (unsigned)p->dport, (unsigned)p->sport));
		r->rport = p->sport;
		r->lport = p->dport;
	}
	c = pd_conn(r, r->lport, r->rport, 1);
	if (c == NULL)
		return (pd_say(r, PD_UNUSABLE, e->line, "more than %d "
		    "connections", PD_MAXCONN));
	memset(&w, 0, sizeof(w));
	w.saddr = PD_REMOTE_IP;
	w.daddr = PD_LOCAL_IP;
	w.sport = r->rport;
	w.dport = r->lport;
	w.flags = p->flags & (TH_FIN | TH_SYN | TH_RST | TH_PUSH | TH_ACK);
	w.seq = p->start;
	w.ack = (p->flags & TH_ACK) && p->has_ack ? p->ack + c->local_isn : 0;
	w.win = p->has_win ? (uint16_t)p->win : 65535;
	w.len = p->len;
	if ((ts = pd_find_ts(p)) != NULL) {
		w.opt_flags |= TOF_TS;
		w.tsval = ts->a;
		w.tsecr = ts->b + (c->have_ts_off && ts->b != 0 ? c->ts_off :
		    0);
	}
	/* conn_id 0: the script is no incarnation of ours (HAZ-5). */
	w.conn_id = 0;
	tcp_input(r->h, &w);
	return (PD_PASS);
}

/* ---- system calls ----------------------------------------------------- */

static int
pd_errno(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(pd_errnos) / sizeof(pd_errnos[0]); i++)
		if (strcmp(pd_errnos[i].name, name) == 0)
			return (pd_errnos[i].value);
	return (-1);
}

static const char *
pd_errno_name(int e)
{
	size_t i;

	for (i = 0; i < sizeof(pd_errnos) / sizeof(pd_errnos[0]); i++)
		if (pd_errnos[i].value == e)
			return (pd_errnos[i].name);
	return ("E?");
}

/* An argument that is one number (or [number]): 0, or -1. */
static int
pd_arg_num(const struct pd_arg *a, int64_t *v)
{

	if ((a->kind != PD_ARG_EXPR && a->kind != PD_ARG_ARRAY) ||
	    a->nterms != 1 || a->name[0][0] != '\0')
		return (-1);
	*v = a->num[0];
	return (0);
}

/* An argument that is one name: it, or NULL. */
static const char *
pd_arg_name(const struct pd_arg *a)
{

	if (a->kind != PD_ARG_EXPR || a->nterms != 1 || a->name[0][0] == '\0')
		return (NULL);
	return (a->name[0]);
}

/* fcntl flags: O_RDWR, O_NONBLOCK and numbers OR-ed; -1 when unknown. */
static int64_t
pd_arg_oflags(const struct pd_arg *a, int64_t o_nonblock)
{
	int64_t v = 0;
	int k;

	if (a->kind != PD_ARG_EXPR)
		return (-1);
	for (k = 0; k < a->nterms; k++) {
		if (a->name[k][0] == '\0')
			v |= a->num[k];
		else if (strcmp(a->name[k], "O_RDWR") == 0)
			v |= PD_O_RDWR;
		else if (strcmp(a->name[k], "O_NONBLOCK") == 0)
			v |= o_nonblock;
		else
			return (-1);
	}
	return (v);
}

static void
pd_syscall_text(const struct pd_syscall *sc, int64_t ret, int err,
    char *buf, size_t len)
{

	if (ret == -1)
		snprintf(buf, len, "%s() = -1 %s", sc->name, err > 0 ?
		    pd_errno_name(err) : sc->errname);
	else
		snprintf(buf, len, "%s() = %" PRId64, sc->name, ret);
}

/* Compare a call's result with the script's: PD_PASS or PD_FAIL. */
static enum pd_status
pd_check_ret(struct pd_run *r, const struct pd_event *e, int64_t ret,
    int err)
{
	const struct pd_syscall *sc = &e->u.sc;
	char want[96], got[96];
	int werr = sc->ret == -1 ? pd_errno(sc->errname) : 0;

	if (ret == sc->ret && (ret != -1 || err == werr ||
	    ((err == EAGAIN || err == EWOULDBLOCK) &&
	    (werr == EAGAIN || werr == EWOULDBLOCK))))
		return (PD_PASS);
	pd_syscall_text(sc, sc->ret, 0, want, sizeof(want));
	pd_syscall_text(sc, ret, err, got, sizeof(got));
	return (pd_say(r, PD_FAIL, e->line, "expected %s got %s", want, got));
}

static int
pd_newfd(struct pd_run *r, struct socket *so)
{
	int fd;

	for (fd = 3; fd < PD_MAXFD; fd++)
		if (r->fds[fd] == NULL) {
			r->fds[fd] = so;
			r->nbio[fd] = 0;
			return (fd);
		}
	return (-1);
}

/*
 * Try a call that may block: 1 and *ret, *err when it completed, 0 when it
 * would block.
 */
static int
pd_try_blocking(struct pd_run *r, const struct pd_event *e, int fd,
    int64_t *ret, int *err)
{
	const struct pd_syscall *sc = &e->u.sc;
	struct socket *so = r->fds[fd], *nso;
	int64_t len = 0;
	uint32_t got;
	int error, c, nfd;

	*err = 0;
	if (strcmp(sc->name, "accept") == 0) {
		error = soaccept(so, &nso);
		if (error == EWOULDBLOCK)
			return (0);
		if (error != 0) {
			*ret = -1;
			*err = error;
			return (1);
		}
		nfd = pd_newfd(r, nso);
		if (nfd < 0) {
			(void)soclose(nso);
			*ret = -1;
			*err = EMFILE;
			return (1);
		}
		*ret = nfd;
		return (1);
	}
	if (strcmp(sc->name, "connect") == 0) {
		c = soconnected(so);
		if (c == 0)
			return (0);
		*ret = c > 0 ? 0 : -1;
		if (c < 0) {
			int v2;

			(void)sogetopt(so, SOOPT_ERROR, err, &v2);
		}
		return (1);
	}
	/* read, recv */
	(void)pd_arg_num(&sc->args[2], &len);
	error = soreceive(so, (uint32_t)len, &got);
	if (error == EWOULDBLOCK)
		return (0);
	*ret = error != 0 ? -1 : (int64_t)got;
	*err = error;
	return (1);
}

/* A waiting call that can complete now is checked. */
static enum pd_status
pd_poll_wait(struct pd_run *r)
{
	const struct pd_event *e = r->wait;
	int64_t ret;
	int err;

	if (e == NULL || r->fds[r->wait_fd] == NULL)
		return (PD_PASS);
	if (!pd_try_blocking(r, e, r->wait_fd, &ret, &err))
		return (PD_PASS);
	r->wait = NULL;
	return (pd_check_ret(r, e, ret, err));
}

static enum pd_status
pd_sockopt(struct pd_run *r, const struct pd_event *e, struct socket *so,
    int set, int64_t *ret, int *err)
{
	const struct pd_syscall *sc = &e->u.sc;
	const char *level, *name;
	const struct pd_arg *val;
	int64_t want;
	int v = 0, v2 = 0;
	size_t i;

	if (sc->nargs != 5)
		return (pd_say(r, PD_UNUSABLE, e->line, "%s needs 5 "
		    "arguments", sc->name));
	level = pd_arg_name(&sc->args[1]);
	name = pd_arg_name(&sc->args[2]);
	for (i = 0; level != NULL && name != NULL &&
	    i < sizeof(pd_sockopts) / sizeof(pd_sockopts[0]); i++)
		if (strcmp(pd_sockopts[i].level, level) == 0 &&
		    strcmp(pd_sockopts[i].name, name) == 0)
			break;
	if (level == NULL || name == NULL ||
	    i == sizeof(pd_sockopts) / sizeof(pd_sockopts[0]))
		return (pd_say(r, PD_UNUSABLE, e->line, "unsupported socket "
		    "option %s/%s", level != NULL ? level : "?",
		    name != NULL ? name : "?"));
	val = &sc->args[3];
	if (set) {
		if (pd_sockopts[i].opt == SOOPT_LINGER) {
			if (val->kind != PD_ARG_LINGER)
				return (pd_say(r, PD_UNUSABLE, e->line,
				    "SO_LINGER needs {l_onoff=N, l_linger=N}"));
			v = (int)val->onoff;
			v2 = (int)val->linger;
		} else {
			if (pd_arg_num(val, &want) != 0)
				return (pd_say(r, PD_UNUSABLE, e->line,
				    "%s needs a number ([N])", name));
			v = (int)want;
		}
		*err = sosetopt(so, pd_sockopts[i].opt, v, v2);
		*ret = *err != 0 ? -1 : 0;
		return (PD_PASS);
	}
	*err = sogetopt(so, pd_sockopts[i].opt, &v, &v2);
	*ret = *err != 0 ? -1 : 0;
	if (*err != 0 || val->kind == PD_ARG_ELLIPSIS)
		return (PD_PASS);
	/* The value is checked against the model's. */
	if (pd_sockopts[i].opt == SOOPT_LINGER) {
		if (val->kind != PD_ARG_LINGER)
			return (pd_say(r, PD_UNUSABLE, e->line, "SO_LINGER "
			    "needs {l_onoff=N, l_linger=N}"));
		if (val->onoff != v || val->linger != v2)
			return (pd_say(r, PD_FAIL, e->line, "expected "
			    "getsockopt %s {l_onoff=%" PRId64 ", l_linger=%"
			    PRId64 "} got {l_onoff=%d, l_linger=%d}", name,
			    val->onoff, val->linger, v, v2));
		return (PD_PASS);
	}
	if (pd_arg_num(val, &want) != 0)
		return (pd_say(r, PD_UNUSABLE, e->line, "%s needs a number "
		    "([N])", name));
	if (want != v)
		return (pd_say(r, PD_FAIL, e->line, "expected getsockopt %s "
		    "[%" PRId64 "] got [%d]", name, want, v));
	return (PD_PASS);
}

static enum pd_status
pd_syscall(struct pd_run *r, const struct pd_event *e)
{
	const struct pd_syscall *sc = &e->u.sc;
	const char *n = sc->name, *how;
	struct socket *so = NULL;
	int64_t fd = -1, ret = 0, v;
	enum pd_status st;
	int err = 0, error;

	if (sc->ret == -1 && pd_errno(sc->errname) < 0)
		return (pd_say(r, PD_UNUSABLE, e->line, "unsupported errno "
		    "%s", sc->errname));
	if (strcmp(n, "socket") == 0) {
		const char *type = sc->nargs == 3 ?
		    pd_arg_name(&sc->args[1]) : NULL;

		if (type == NULL || strcmp(type, "SOCK_STREAM") != 0)
			return (pd_say(r, PD_UNUSABLE, e->line, "only "
			    "socket(..., SOCK_STREAM, IPPROTO_TCP)"));
		so = socreate(r->h);
		if (so == NULL)
			return (pd_say(r, PD_UNUSABLE, e->line, "out of "
			    "memory"));
		ret = pd_newfd(r, so);
		if (ret < 0) {
			(void)soclose(so);
			ret = -1;
			err = EMFILE;
		}
		return (pd_check_ret(r, e, ret, err));
	}
	if (sc->nargs < 1 || pd_arg_num(&sc->args[0], &fd) != 0)
		return (pd_say(r, PD_UNUSABLE, e->line, "%s needs a file "
		    "descriptor", n));
	if (fd >= 0 && fd < PD_MAXFD)
		so = r->fds[fd];
	if (so == NULL)
		return (pd_check_ret(r, e, -1, EBADF));

	if (strcmp(n, "close") == 0) {
		if (r->wait != NULL && r->wait_fd == fd)
			return (pd_say(r, PD_UNUSABLE, e->line, "close() of a "
			    "descriptor a blocking call waits on"));
		r->fds[fd] = NULL;
		(void)soclose(so);
		return (pd_check_ret(r, e, 0, 0));
	}
	if (strcmp(n, "fcntl") == 0) {
		how = sc->nargs >= 2 ? pd_arg_name(&sc->args[1]) : NULL;
		if (how != NULL && strcmp(how, "F_GETFL") == 0 &&
		    sc->nargs == 2)
			return (pd_check_ret(r, e, PD_O_RDWR |
			    (r->nbio[fd] ? r->o->stack->o_nonblock : 0), 0));
		if (how != NULL && strcmp(how, "F_SETFL") == 0 &&
		    sc->nargs == 3 && (v = pd_arg_oflags(&sc->args[2],
		    r->o->stack->o_nonblock)) >= 0) {
			r->nbio[fd] = (v & r->o->stack->o_nonblock) != 0;
			return (pd_check_ret(r, e, 0, 0));
		}
		return (pd_say(r, PD_UNUSABLE, e->line, "only fcntl(fd, "
		    "F_GETFL) and fcntl(fd, F_SETFL, O_RDWR|O_NONBLOCK)"));
	}
	if (strcmp(n, "setsockopt") == 0 || strcmp(n, "getsockopt") == 0) {
		st = pd_sockopt(r, e, so, n[0] == 's', &ret, &err);
		if (st != PD_PASS)
			return (st);
		return (pd_check_ret(r, e, ret, err));
	}
	if (strcmp(n, "bind") == 0) {
		error = sobind(so, PD_LOCAL_IP, PD_PORT);
		if (error == 0)
			r->lport = PD_PORT;
		return (pd_check_ret(r, e, error ? -1 : 0, error));
	}
	if (strcmp(n, "listen") == 0) {
		error = solisten(so, sc->nargs >= 2 &&
		    pd_arg_num(&sc->args[1], &v) == 0 ? (int)v : 1);
		if (error == 0) {
			r->lport = so->so_lport;
			r->rport = PD_REMOTE_PORT;
		}
		return (pd_check_ret(r, e, error ? -1 : 0, error));
	}
	if (strcmp(n, "connect") == 0) {
		error = soconnect(so, PD_REMOTE_IP, PD_PORT);
		if (error == EINPROGRESS || error == 0) {
			r->lport = so->so_lport;
			r->rport = PD_PORT;
		}
		if (error != EINPROGRESS || r->nbio[fd])
			return (pd_check_ret(r, e, error ? -1 : 0, error));
		/* A blocking connect waits for the handshake. */
	} else if (strcmp(n, "shutdown") == 0) {
		how = sc->nargs == 2 ? pd_arg_name(&sc->args[1]) : NULL;
		if (how == NULL || (strcmp(how, "SHUT_RD") != 0 &&
		    strcmp(how, "SHUT_WR") != 0 &&
		    strcmp(how, "SHUT_RDWR") != 0))
			return (pd_say(r, PD_UNUSABLE, e->line, "shutdown "
			    "needs SHUT_RD, SHUT_WR or SHUT_RDWR"));
		error = soshutdown(so, strcmp(how, "SHUT_RD") == 0 ?
		    SO_SHUT_RD : strcmp(how, "SHUT_WR") == 0 ? SO_SHUT_WR :
		    SO_SHUT_RDWR);
		return (pd_check_ret(r, e, error ? -1 : 0, error));
	} else if (strcmp(n, "write") == 0 || strcmp(n, "send") == 0) {
		if (sc->nargs < 3 || pd_arg_num(&sc->args[2], &v) != 0 ||
		    v < 0 || v > INT32_MAX)
			return (pd_say(r, PD_UNUSABLE, e->line, "%s needs a "
			    "length", n));
		error = sosend(so, (uint32_t)v);
		return (pd_check_ret(r, e, error ? -1 : v, error));
	} else if (strcmp(n, "read") == 0 || strcmp(n, "recv") == 0) {
		if (sc->nargs < 3 || pd_arg_num(&sc->args[2], &v) != 0 ||
		    v < 0 || v > INT32_MAX)
			return (pd_say(r, PD_UNUSABLE, e->line, "%s needs a "
			    "length", n));
	} else if (strcmp(n, "accept") != 0)
		return (pd_say(r, PD_UNUSABLE, e->line, "unsupported system "
		    "call %s", n));

	/* accept, connect (blocking), read, recv: may wait. */
	if (pd_try_blocking(r, e, (int)fd, &ret, &err))
		return (pd_check_ret(r, e, ret, err));
	if (r->nbio[fd] && strcmp(n, "connect") != 0)
		return (pd_check_ret(r, e, -1, EWOULDBLOCK));
	if (r->wait != NULL)
		return (pd_say(r, PD_UNUSABLE, e->line, "a second blocking "
		    "call while line %d's waits", r->wait->line));
	r->wait = e;
	r->wait_fd = (int)fd;
	return (PD_PASS);
}

/* ---- shell commands --------------------------------------------------- */

/* The kernel's default of a sysctl the model lacks on r's stack, or NULL. */
static const struct pd_sysctl_default *
pd_unmodelled_find(const struct pd_run *r, const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(pd_unmodelled) / sizeof(pd_unmodelled[0]); k++)
		if (pd_unmodelled[k].stack == r->o->stack->tunable_stack &&
		    strcmp(pd_unmodelled[k].name, name) == 0)
			return (&pd_unmodelled[k]);
	return (NULL);
}

static enum pd_status
pd_sysctl(struct pd_run *r, const struct pd_event *e)
{
	const struct pd_shell *sh = &e->u.sh;
	const struct tunable *t;
	char *end, err[160];
	long long v;
	const struct pd_sysctl_default *d;
	int i;

	errno = 0;
	v = strtoll(sh->value, &end, 0);
	if (errno != 0 || *end != '\0')
		return (pd_say(r, PD_UNUSABLE, e->line, "sysctl %s: value "
		    "'%s' is not an integer", sh->name, sh->value));
	t = tunable_lookup_sysctl(sh->name,
	    (enum tunable_stack)r->o->stack->tunable_stack, &i);
	if (t == NULL) {
		if ((d = pd_unmodelled_find(r, sh->name)) != NULL) {
			if (d->value == v)
				return (PD_PASS);
			return (pd_say(r, PD_UNUSABLE, e->line, "sysctl %s is "
			    "not modelled on %s: only its default %" PRId64
			    " is accepted, not %lld", sh->name,
			    r->o->stack->name, d->value, v));
		}
		return (pd_say(r, PD_UNUSABLE, e->line, "sysctl %s is not "
		    "modelled on %s", sh->name, r->o->stack->name));
	}
	if (v < INT64_MIN / tunable_sysctl_unit(t) ||
	    v > INT64_MAX / tunable_sysctl_unit(t))
		return (pd_say(r, PD_FAIL, e->line, "expected `%s` to succeed "
		    "got value out of range", sh->text));
	if (host_tunable_set(r->h, t, i, v * tunable_sysctl_unit(t), err,
	    sizeof(err)) != 0)
		return (pd_say(r, PD_FAIL, e->line, "expected `%s` to succeed "
		    "got %s", sh->text, err));
	return (PD_PASS);
}

/*
 * `sysctl -n NAME | grep [-q] VALUE`: the value read through the tunable
 * table's get hook (TW-3: maxtcptw 0 reads as the auto size) must be VALUE
 * exactly.  An unmodelled sysctl of pd_unmodelled reads as its default;
 * any other the stack lacks is unusable input, naming it.
 */
static enum pd_status
pd_sysctl_read(struct pd_run *r, const struct pd_event *e)
{
	const struct pd_shell *sh = &e->u.sh;
	const struct tunable *t;
	char got[32];
	const struct pd_sysctl_default *d;
	int i;

	t = tunable_lookup_sysctl(sh->name,
	    (enum tunable_stack)r->o->stack->tunable_stack, &i);
	if (t != NULL) {
		snprintf(got, sizeof(got), "%" PRId64, host_tunable_get(r->h,
		    t, i) / tunable_sysctl_unit(t));
	} else {
		if ((d = pd_unmodelled_find(r, sh->name)) == NULL)
			return (pd_say(r, PD_UNUSABLE, e->line, "sysctl %s is "
			    "not modelled on %s", sh->name,
			    r->o->stack->name));
		snprintf(got, sizeof(got), "%" PRId64, d->value);
	}
	if (strcmp(got, sh->value) != 0)
		return (pd_say(r, PD_FAIL, e->line, "expected `%s` to succeed "
		    "got %s = %s", sh->text, sh->name, got));
	return (PD_PASS);
}

static int
pd_known_state(const char *s)
{
	int k;

	for (k = 0; k < TCP_NSTATES; k++)
		if (strcmp(tcp_state_name((enum tcp_state)k), s) == 0)
			return (1);
	return (0);
}

/* The state name sockstat and tcpdrop give a pcb, or NULL. */
static const char *
pd_pcb_state(const struct inpcb *inp)
{
	const struct tcpcb *tp;

	if (inp->inp_ppcb == NULL)
		return (NULL);
	/* A Linux bucket may still be in FIN_WAIT2 (LNX-24), as ss says. */
	if (inp->inp_flags & INP_TIMEWAIT)
		return (tcp_state_name(((const struct tcptw *)
		    inp->inp_ppcb)->tw_substate));
	tp = inp->inp_ppcb;
	return (tcp_state_name(tp->t_state));
}

struct pd_pcbs {
	const char	*state;
	int		 exact;
	int		 n;
	struct inpcb	*list[PD_MAXFD * 4];
};

static void
pd_collect(struct inpcb *inp, void *arg)
{
	struct pd_pcbs *c = arg;
	const char *st = pd_pcb_state(inp);

	if (st == NULL)
		return;
	/* grep -c STATE matches a substring; tcpdrop -s the name. */
	if (c->exact ? strcmp(st, c->state) != 0 :
	    strstr(st, c->state) == NULL)
		return;
	if (c->n < (int)(sizeof(c->list) / sizeof(c->list[0])))
		c->list[c->n] = inp;
	c->n++;
}

static enum pd_status
pd_shell(struct pd_run *r, const struct pd_event *e)
{
	const struct pd_shell *sh = &e->u.sh;
	struct pd_pcbs c;
	char count[24];
	int k;

	switch (sh->kind) {
	case PD_SH_SYSCTL:
		return (pd_sysctl(r, e));
	case PD_SH_SYSCTL_READ:
		return (pd_sysctl_read(r, e));
	case PD_SH_SOCKSTAT:
		memset(&c, 0, sizeof(c));
		c.state = sh->name;
		in_pcb_foreach(&r->h->pcbinfo, pd_collect, &c);
		/* `grep N` succeeds when the count's digits contain N. */
		snprintf(count, sizeof(count), "%d", c.n);
		if (strstr(count, sh->value) == NULL)
			return (pd_say(r, PD_FAIL, e->line, "expected `%s` to "
			    "succeed got %d connections in %s", sh->text, c.n,
			    sh->name));
		return (PD_PASS);
	case PD_SH_TCPDROP:
		if (!r->o->stack->has_tcpdrop)
			return (pd_say(r, PD_UNUSABLE, e->line, "tcpdrop does "
			    "not exist on %s", r->o->stack->name));
		if (!pd_known_state(sh->name))
			return (pd_say(r, PD_UNUSABLE, e->line, "tcpdrop: "
			    "unknown TCP state %s", sh->name));
		memset(&c, 0, sizeof(c));
		c.state = sh->name;
		c.exact = 1;
		in_pcb_foreach(&r->h->pcbinfo, pd_collect, &c);
		if (c.n > (int)(sizeof(c.list) / sizeof(c.list[0])))
			return (pd_say(r, PD_UNUSABLE, e->line, "tcpdrop: too "
			    "many connections"));
		/*
		 * FreeBSD's net.inet.tcp.drop (tcpdrop): a TIME_WAIT entry
		 * is closed (tcp_twclose; its own timer, on FreeBSD 14,
		 * cancelled first), a connection dropped with a RST
		 * (tcp_drop, ECONNABORTED); a listener has no peer.
		 */
		for (k = 0; k < c.n; k++) {
			struct inpcb *inp = c.list[k];

			if (inp->inp_flags & INP_TIMEWAIT)
				tcptw_timer_close(inp->inp_ppcb);
			else if (!(inp->inp_flags & INP_LISTEN))
				(void)tcp_drop(inp->inp_ppcb, ECONNABORTED);
		}
		return (PD_PASS);
	}
	return (PD_UNUSABLE);
}

/* ---- the event loop --------------------------------------------------- */

/* An event as the script wrote it, for messages. */
static void
pd_event_text(const struct pd_event *e, char *buf, size_t len)
{
	char seg[256];

	switch (e->kind) {
	case PD_INBOUND:
	case PD_OUTBOUND:
		pd_segment_format(&e->u.seg, seg, sizeof(seg));
		snprintf(buf, len, "%c %s", e->kind == PD_INBOUND ? '<' : '>',
		    seg);
		break;
	case PD_SYSCALL:
		snprintf(buf, len, "%s()", e->u.sc.name);
		break;
	case PD_SHELL:
		snprintf(buf, len, "`%s`", e->u.sh.text);
		break;
	}
}

/* The next thing the host sent, taken off the queue. */
static void
pd_take(struct pd_run *r, struct pd_sent *out)
{

	*out = r->q[r->qhead];
	r->qhead = (r->qhead + 1) % PD_MAXQ;
	r->qn--;
}

/* Run the simulator up to `until`, stopping early when the host sends. */
static enum pd_status
pd_advance(struct pd_run *r, sim_time_t until)
{
	enum pd_status st;

	for (;;) {
		if ((st = pd_poll_wait(r)) != PD_PASS)
			return (st);
		if (r->qn > 0 || r->qoverflow)
			return (PD_PASS);
		if (sim_run(r->sim, until, 0) != SIM_STOP_REQUEST) {
			if ((st = pd_poll_wait(r)) != PD_PASS)
				return (st);
			return (PD_PASS);
		}
	}
}

/* Something was sent that no `>` event at this point expects. */
static enum pd_status
pd_unexpected(struct pd_run *r, const struct pd_event *e, sim_time_t when)
{
	struct pd_sent got;
	struct pd_segment p;
	struct pd_conn *c, none;
	char want[320], seg[256];

	if (r->qoverflow && r->qn == 0)
		return (pd_say(r, PD_FAIL, e->line, "expected %s got more "
		    "than %d segments unjudged", "the script's segments",
		    PD_MAXQ));
	pd_take(r, &got);
	c = pd_conn(r, got.seg.sport, got.seg.dport, 1);
	if (c == NULL) {
		memset(&none, 0, sizeof(none));
		c = &none;
	}
	/* A SYN shows its own ISN as 0, as a matched one would. */
	if (got.seg.flags & TH_SYN)
		c->local_isn = got.seg.seq;
	pd_from_wire(c, &got.seg, &p);
	/* Ports are shown when the script uses them. */
	p.has_ports = e != NULL && e->kind != PD_SYSCALL &&
	    e->kind != PD_SHELL && e->u.seg.has_ports;
	pd_segment_format(&p, seg, sizeof(seg));
	if (e != NULL) {
		pd_event_text(e, want, sizeof(want));
		return (pd_say(r, PD_FAIL, e->line, "expected %s at %.6f got "
		    "> %s at %.6f", want, pd_secs(when), seg,
		    pd_secs(got.t)));
	}
	return (pd_say(r, PD_FAIL, r->s->events[r->s->nevents - 1].line,
	    "expected nothing more got > %s at %.6f", seg, pd_secs(got.t)));
}

static enum pd_status
pd_outbound(struct pd_run *r, const struct pd_event *e, sim_time_t lo,
    sim_time_t hi, sim_time_t *when)
{
	const struct pd_segment *want = &e->u.seg;
	sim_time_t tol = r->s->tolerance, deadline = hi + tol;
	struct pd_segment got;
	struct pd_sent s;
	struct pd_conn *c;
	const struct pd_opt *wts;
	char wbuf[256], gbuf[256];
	enum pd_status st;

	if ((st = pd_advance(r, deadline)) != PD_PASS)
		return (st);
	pd_segment_format(want, wbuf, sizeof(wbuf));
	if (r->qn == 0 && !r->qoverflow)
		return (pd_say(r, PD_FAIL, e->line, "expected > %s at %.6f got "
		    "no segment by %.6f", wbuf, pd_secs(lo),
		    pd_secs(deadline)));
	if (r->qn == 0)
		return (pd_unexpected(r, e, lo));
	pd_take(r, &s);
	if ((c = pd_conn(r, s.seg.sport, s.seg.dport, 1)) == NULL)
		return (pd_say(r, PD_UNUSABLE, e->line, "more than %d "
		    "connections", PD_MAXCONN));
	/* The host's SYN or SYN-ACK defines its ISN. */
	if (s.seg.flags & TH_SYN)
		c->local_isn = s.seg.seq;
	r->lport = s.seg.sport;
	r->rport = s.seg.dport;
	pd_from_wire(c, &s.seg, &got);
	got.has_ports = want->has_ports;
	pd_segment_format(&got, gbuf, sizeof(gbuf));
	if (s.t < lo - tol || s.t > deadline)
		return (pd_say(r, PD_FAIL, e->line, "expected > %s at %.6f "
		    "got > %s at %.6f", wbuf, pd_secs(lo), gbuf,
		    pd_secs(s.t)));
	if (!pd_segment_matches(r, want, &got))
		return (pd_say(r, PD_FAIL, e->line, "expected > %s got > %s",
		    wbuf, gbuf));
	if ((wts = pd_find_ts(want)) != NULL && (s.seg.opt_flags & TOF_TS)) {
		c->ts_off = s.seg.tsval - wts->a;
		c->have_ts_off = 1;
	}
	*when = s.t;
	return (PD_PASS);
}

static enum pd_status
pd_loop(struct pd_run *r)
{
	const struct pd_script *s = r->s;
	const struct pd_event *e;
	sim_time_t prev = 0, lo, hi, when = 0;
	enum pd_status st;
	size_t k;

	for (k = 0; k < s->nevents; k++) {
		e = &s->events[k];
		lo = (e->relative ? prev : 0) + e->t_lo;
		hi = (e->relative ? prev : 0) + e->t_hi;
		if (e->kind == PD_OUTBOUND) {
			if ((st = pd_outbound(r, e, lo, hi, &when)) != PD_PASS)
				return (st);
			prev = when;
			continue;
		}
		if ((st = pd_advance(r, lo)) != PD_PASS)
			return (st);
		if (r->qn > 0 || r->qoverflow)
			return (pd_unexpected(r, e, lo));
		switch (e->kind) {
		case PD_INBOUND:
			st = pd_inject(r, e);
			break;
		case PD_SYSCALL:
			st = pd_syscall(r, e);
			break;
		case PD_SHELL:
			st = pd_shell(r, e);
			break;
		default:
			st = PD_UNUSABLE;
			break;
		}
		if (st != PD_PASS)
			return (st);
		prev = lo;
	}
	/* What the last events caused at their instant is judged too. */
	if ((st = pd_advance(r, sim_now(r->sim))) != PD_PASS)
		return (st);
	if (r->qn > 0 || r->qoverflow)
		return (pd_unexpected(r, NULL, 0));
	if (r->wait != NULL) {
		char want[96];

		pd_syscall_text(&r->wait->u.sc, r->wait->u.sc.ret, 0, want,
		    sizeof(want));
		return (pd_say(r, PD_FAIL, r->wait->line, "expected %s got "
		    "no return (still blocked at the end)", want));
	}
	return (PD_PASS);
}

/*
 * The header's --boot_sysctl values into the host's boot tunables, as the
 * loader stores them (no run-time hook: TW-2's maxtcptw has no floor
 * there), then the table's bounds.  A sysctl the stack lacks is unusable
 * unless it is one of pd_unmodelled at its default.
 */
static enum pd_status
pd_boot(struct pd_run *r, struct host_tunables *boot)
{
	const struct pd_boot *b;
	const struct tunable *t;
	char err[160];
	const struct pd_sysctl_default *d;
	int n, i;

	for (n = 0; n < r->s->nboot; n++) {
		b = &r->s->boot[n];
		t = tunable_lookup_sysctl(b->name,
		    (enum tunable_stack)r->o->stack->tunable_stack, &i);
		if (t == NULL) {
			d = pd_unmodelled_find(r, b->name);
			if (d != NULL && d->value == b->value)
				continue;
			return (pd_say(r, PD_UNUSABLE, b->line, "boot sysctl "
			    "%s is not modelled on %s", b->name,
			    r->o->stack->name));
		}
		if (b->value < INT64_MIN / tunable_sysctl_unit(t) ||
		    b->value > INT64_MAX / tunable_sysctl_unit(t))
			return (pd_say(r, PD_UNUSABLE, b->line, "boot sysctl "
			    "%s=%" PRId64 " is out of range", b->name,
			    b->value));
		tunable_store(boot, t, i, b->value * tunable_sysctl_unit(t));
	}
	if (r->s->nboot > 0 && host_tunables_validate(boot, err,
	    sizeof(err)) != 0)
		return (pd_say(r, PD_UNUSABLE, r->s->boot[0].line, "boot "
		    "sysctl: %s", err));
	return (PD_PASS);
}

enum pd_status
pd_run(const struct pd_script *s, const struct pd_options *o, char *msg,
    size_t msglen)
{
	struct host_tunables boot;
	struct net_path_config path;
	struct pd_run r;
	enum pd_status st;
	char err[160];
	int fd;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.o = o;
	r.msg = msg;
	r.msglen = msglen;
	r.rport = PD_REMOTE_PORT;
	msg[0] = '\0';
	if (!o->stack->modelled) {
		snprintf(msg, msglen, "stack %s is not modelled yet",
		    o->stack->name);
		return (PD_UNUSABLE);
	}
	r.sim = sim_create(1);
	r.net = r.sim != NULL ? net_create(r.sim) : NULL;
	if (r.net == NULL) {
		snprintf(msg, msglen, "out of memory");
		st = PD_UNUSABLE;
		goto out;
	}
	host_tunables_init_stack(&boot,
	    (enum tunable_stack)o->stack->tunable_stack);
	if ((st = pd_boot(&r, &boot)) != PD_PASS)
		goto out;
	memset(&path, 0, sizeof(path));
	path.latency.kind = DIST_CONSTANT;
	path.latency.p[0] = 0;
	if ((r.h = net_add_host(r.net, "host", &boot, err, sizeof(err))) ==
	    NULL ||
	    net_add_addr(r.net, r.h, PD_LOCAL_IP, err, sizeof(err)) != 0 ||
	    (r.peer = net_add_host(r.net, "peer", &boot, err,
	    sizeof(err))) == NULL ||
	    net_add_addr(r.net, r.peer, PD_REMOTE_IP, err, sizeof(err)) != 0 ||
	    net_set_path(r.net, r.h, r.peer, &path, err, sizeof(err)) != 0 ||
	    net_set_path(r.net, r.peer, r.h, &path, err, sizeof(err)) != 0) {
		snprintf(msg, msglen, "cannot build the host: %s", err);
		st = PD_UNUSABLE;
		goto out;
	}
	net_set_deliver_hook(r.net, pd_deliver, &r);
	st = pd_loop(&r);
out:
	for (fd = 0; fd < PD_MAXFD; fd++)
		if (r.fds[fd] != NULL)
			(void)soclose(r.fds[fd]);
	if (r.net != NULL)
		net_destroy(r.net);
	if (r.sim != NULL)
		sim_destroy(r.sim);
	return (st);
}
