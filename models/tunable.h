/*
 * tunable.h -- the one table of host tunables (sysctls and loader
 * tunables) and the one struct that holds their values.
 *
 * A tunable is one row of the table in models/tunable.c: its scenario key
 * and the kernel's sysctl name, type, unit and bounds, its boot default per
 * stack, whether it may change at run time (an [at TIME] section), the hook
 * that gives a run-time write the kernel's semantics, and where its value
 * lives in struct host_tunables.  Everything else reads the table: the
 * host's boot defaults and validation, run-time sysctl writes and reads
 * (host_tunable_set/get in host.h), `twsim params`, the scenario loader,
 * `--set`, `[at TIME]` and the runner.  Code outside the table names a
 * tunable only where it uses the value (h->tun.maxtcptw in the model).
 *
 * Adding a tunable: a field in struct host_tunables, a row in the table
 * (docs/HACKING.md shows one), and its use in the model.
 */
#ifndef TWSIM_TUNABLE_H
#define TWSIM_TUNABLE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/simtime.h"

struct host;

/*
 * The values, in the units the kernel keeps them.  Field comments give the
 * sysctl; defaults and bounds are in the table only.
 */
struct host_tunables {
	int		hz;		/* kern.hz */
	sim_time_t	msl;		/* net.inet.tcp.msl [ns] */
	int		portrange_first;/* net.inet.ip.portrange.first */
	int		portrange_last;	/* net.inet.ip.portrange.last */
	int		randomized;	/* net.inet.ip.portrange.randomized */
	int		randomcps;	/* ...portrange.randomcps */
	int		randomtime;	/* ...portrange.randomtime [s] */
	int		maxsockets;	/* kern.ipc.maxsockets */
	int		maxtcptw;	/* net.inet.tcp.maxtcptw; 0 = auto */
	int		nolocaltimewait;/* net.inet.tcp.nolocaltimewait */
	int		rfc1323;	/* net.inet.tcp.rfc1323,
					   net.ipv4.tcp_timestamps (0, 1, 2) */
	sim_time_t	rto_initial;	/* TCPTV_RTOBASE [ns] */
	sim_time_t	keepinit;	/* net.inet.tcp.keepinit [ns] */
	sim_time_t	keepintvl;	/* net.inet.tcp.keepintvl [ns] */
	int		keepcnt;	/* net.inet.tcp.keepcnt */
	sim_time_t	finwait2_timeout;/* ...tcp.finwait2_timeout [ns] */
	int		fast_finwait2_recycle; /* ...fast_finwait2_recycle */
	/* Linux (stack = linux) */
	int		tcp_tw_reuse;	/* net.ipv4.tcp_tw_reuse: 0, 1, 2 */
	sim_time_t	tcp_tw_reuse_delay; /* ...tcp_tw_reuse_delay [ns] */
	int		tcp_max_tw_buckets; /* ...tcp_max_tw_buckets */
	int		tcp_rfc1337;	/* net.ipv4.tcp_rfc1337 */
	sim_time_t	tcp_fin_timeout;/* net.ipv4.tcp_fin_timeout [ns] */
	int		tcp_syn_retries;/* net.ipv4.tcp_syn_retries */
	int		tcp_syn_linear_timeouts; /* ...syn_linear_timeouts */
	/* The host's kernel (enum tunable_stack): not a row, the [host]
	   key `stack`; host_tunables_init_stack sets it. */
	int		stack;
	/* The data path (DP-n). */
	int		delayed_ack;	/* net.inet.tcp.delayed_ack */
	sim_time_t	delacktime;	/* net.inet.tcp.delacktime [ns] */
	int		sendspace;	/* net.inet.tcp.sendspace [bytes] */
	int		recvspace;	/* net.inet.tcp.recvspace [bytes] */
	int		sendbuf_auto;	/* net.inet.tcp.sendbuf_auto */
	int		sendbuf_inc;	/* net.inet.tcp.sendbuf_inc [bytes] */
	int		sendbuf_max;	/* net.inet.tcp.sendbuf_max [bytes] */
	int		recvbuf_auto;	/* net.inet.tcp.recvbuf_auto */
	int		recvbuf_inc;	/* net.inet.tcp.recvbuf_inc [bytes] */
	int		recvbuf_max;	/* net.inet.tcp.recvbuf_max [bytes] */
	int		maxsockbuf;	/* kern.ipc.maxsockbuf [bytes] */
	int		rfc3390;	/* net.inet.tcp.rfc3390 */
	int		initcwnd10;	/* ...tcp.experimental.initcwnd10 */
	int		rfc3465;	/* net.inet.tcp.rfc3465 */
	int		abc_l_var;	/* net.inet.tcp.abc_l_var */
	int		rfc3042;	/* net.inet.tcp.rfc3042 */
	int		sack;		/* net.inet.tcp.sack.enable */
};

/*
 * The TCP stacks a host may run ([host NAME] stack = ...).  A row's
 * default and sysctl name are per stack, and a row without a sysctl name
 * for a stack is a tunable that stack lacks: a scenario may not set it on
 * such a host (its value is then the constant that kernel uses).  A new
 * stack is one more enumerator here, its name in tunable.c and one more
 * entry in each row's `def` and `sysctl`.
 */
enum tunable_stack {
	TUNABLE_STACK_FREEBSD9,		/* FreeBSD 9 (the model's reference) */
	TUNABLE_STACK_FREEBSD14,	/* FreeBSD 14: no compressed TIME_WAIT */
	TUNABLE_STACK_LINUX,		/* Linux 6.x */
	TUNABLE_NSTACKS
};

/* "freebsd9", "freebsd14", "linux"; NULL for an unknown stack. */
const char	*tunable_stack_name(enum tunable_stack s);
/* By name; -1 if unknown. */
int		 tunable_stack_by_name(const char *name);

/* How a value is written in a scenario; every value is in base units. */
enum tunable_type {
	TUNABLE_T_INT,			/* an integer */
	TUNABLE_T_TIME,			/* a time [ns] */
	TUNABLE_T_PORTRANGE		/* two ports FIRST-LAST: two values */
};

#define TUNABLE_F_RUNTIME	0x01	/* may change at run time ([at]) */

struct tunable {
	const char	*key;		/* scenario key: "maxtcptw" */
	/* kernel name per stack ("net.inet.tcp.maxtcptw"); NULL: the stack
	   lacks this tunable */
	const char	*sysctl[TUNABLE_NSTACKS];
	enum tunable_type type;
	const char	*unit;		/* "s" for times, else "" */
	double		 min, max;	/* bounds of each value, base units */
	/* boot default per stack, base units; [1]: last of a PORTRANGE */
	int64_t		 def[TUNABLE_NSTACKS][2];
	unsigned	 flags;		/* TUNABLE_F_* */
	const char	*meaning;	/* one line, for `twsim params` */
	/* a PORTRANGE's two values by name (host_sysctl_set) */
	const char	*names[2];
	/* where each value lives in struct host_tunables, and its size (an
	   int or a sim_time_t) */
	size_t		 off[2];
	size_t		 size;
	/* base units per stored unit: SIM_SEC for a time kept in seconds */
	int64_t		 scale;
	/*
	 * base units per unit of the sysctl's value, for a time: SIM_MSEC
	 * for net.inet.tcp.msl (the kernel's sysctl_msec_to_ticks), SIM_SEC
	 * for one in seconds; 0 means 1 (an integer)
	 */
	int64_t		 sysctl_unit;
	/*
	 * Boot-time check beyond the bounds (hz must divide 1e9): 0, or -1
	 * with a message.  NULL: none.
	 */
	int		(*check)(const struct tunable *t, int64_t v, char *err,
			    size_t errlen);
	/*
	 * A check of value v against the host's other tunables (HOST-6:
	 * msl against hz), at boot and on every run-time write: 0, or -1
	 * with a message.  NULL: none.
	 */
	int		(*check_with)(const struct host_tunables *tun,
			    int64_t v, char *err, size_t errlen);
	/*
	 * A run-time write of value `i` with the sysctl's semantics (TW-4:
	 * a maxtcptw write below 32 is ignored): 0, or -1 with a message.
	 * NULL: checked against the bounds and stored.
	 */
	int		(*set)(struct host *h, const struct tunable *t, int i,
			    int64_t v, char *err, size_t errlen);
	/* A run-time read (TW-3: maxtcptw 0 reads as the auto size).  NULL:
	   the stored value. */
	int64_t		(*get)(const struct host *h, const struct tunable *t,
			    int i);
};

/* The whole table, in documentation order. */
const struct tunable	*tunable_table(size_t *n);
/* Does stack s have tunable t (may a scenario set it)? */
int			 tunable_has(const struct tunable *t,
			    enum tunable_stack s);
/* By scenario key ("portrange"); NULL if none. */
const struct tunable	*tunable_lookup(const char *key);
/* By value name ("msl", "portrange_last"): the row, *i the value; or
   NULL. */
const struct tunable	*tunable_lookup_name(const char *name, int *i);

/*
 * By kernel sysctl name on `stack` ("net.inet.tcp.msl",
 * "net.inet.ip.portrange.last", "net.ipv4.tcp_rfc1337"): the row, *i the
 * value; or NULL (also for a name that is not a sysctl, such as
 * TCPTV_RTOBASE or CONFIG_HZ).  A write's value in base units is the
 * sysctl's value times tunable_sysctl_unit().
 */
const struct tunable	*tunable_lookup_sysctl(const char *name,
			    enum tunable_stack stack, int *i);
int64_t			 tunable_sysctl_unit(const struct tunable *t);

/* 2 for a PORTRANGE, else 1. */
int	tunable_nvalues(const struct tunable *t);
/* Value i of t as stored in tun, in base units (ns for times). */
int64_t	tunable_value(const struct host_tunables *tun,
	    const struct tunable *t, int i);
/* Store value i (base units) as given: the boot-time (loader) path. */
void	tunable_store(struct host_tunables *tun, const struct tunable *t,
	    int i, int64_t v);

/* Every tunable at its default for `stack`. */
void	host_tunables_init_stack(struct host_tunables *tun,
	    enum tunable_stack stack);
/* FreeBSD 9's defaults. */
void	host_tunables_init(struct host_tunables *tun);
/*
 * Boot values within the table's bounds and checks (each row's check, then
 * its check_with): 0, or -1 + err.
 */
int	host_tunables_validate(const struct host_tunables *tun, char *err,
	    size_t errlen);

#endif /* TWSIM_TUNABLE_H */
