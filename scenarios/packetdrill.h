/*
 * packetdrill.h -- packetdrill scripts: the parsed form
 * (packetdrill_parse.c) and the runner that judges one simulated host by a
 * script (packetdrill_run.c), for `twsim packetdrill` (cmd_packetdrill.c).
 *
 * A script is a timed sequence of events on one host: system calls,
 * segments the script injects (`<`), segments the host must send (`>`)
 * and shell commands in backticks.  The parser knows nothing of the model:
 * it turns text into events, resolving `#ifdef NAME` blocks with the names
 * given, and refuses anything outside the subset it supports with the
 * file, line and construct (exit status 2 in the CLI).  Symbolic names in
 * system-call arguments (SOL_SOCKET, O_NONBLOCK) are kept as names: their
 * meaning is the runner's, per stack.
 *
 * Times are nanoseconds of script time; sequence numbers are as written
 * (relative to each side's ISN, packetdrill's convention).
 */
#ifndef TWSIM_PACKETDRILL_H
#define TWSIM_PACKETDRILL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/simtime.h"

/* ---- the parsed script ---------------------------------------------- */

enum pd_event_kind {
	PD_INBOUND,		/* `<`: the script injects a segment */
	PD_OUTBOUND,		/* `>`: the host must send this segment */
	PD_SYSCALL,		/* name(args) = ret [ERRNO] */
	PD_SHELL		/* `command` */
};

/* Flags beyond segment.h's TH_*: ECN's ECE and CWR (RFC 3168). */
#define PD_TH_ECE	0x40
#define PD_TH_CWR	0x80

enum pd_opt_kind {
	PD_OPT_EOL, PD_OPT_NOP, PD_OPT_MSS, PD_OPT_WSCALE, PD_OPT_SACKOK,
	PD_OPT_TS, PD_OPT_SACK
};

#define PD_MAXOPTS	12
#define PD_MAXSACK	4

struct pd_opt {
	enum pd_opt_kind kind;
	uint32_t	 a, b;		/* mss / wscale value; TS val, ecr */
	int		 nsack;		/* sack: blocks [left, right) */
	uint32_t	 sack[PD_MAXSACK][2];
};

/*
 * A segment may name its connection by ports, packetdrill's
 * `< SPORT>DPORT S 0:0(0) ...` (its opt_port_info): source and destination
 * port as on the wire, so an injected segment's SPORT is the peer's port
 * and DPORT the host's.  Without them a segment belongs to the connection
 * the script last addressed (packetdrill's socket under test).
 */
struct pd_segment {
	uint8_t		 flags;		/* TH_* | PD_TH_ECE | PD_TH_CWR */
	int		 has_ports;
	uint16_t	 sport, dport;
	int		 seq_any;	/* `...`: seq and length unchecked */
	uint32_t	 start, end, len;
	int		 has_ack, has_win, has_opts;
	uint32_t	 ack, win;
	int		 nopts;
	struct pd_opt	 opts[PD_MAXOPTS];
};

/* A system-call argument: `...`, a number, [x], {l_onoff=a, l_linger=b},
   or names and numbers OR-ed together (O_RDWR|O_NONBLOCK). */
enum pd_arg_kind { PD_ARG_ELLIPSIS, PD_ARG_EXPR, PD_ARG_ARRAY,
	PD_ARG_LINGER };

#define PD_MAXTERMS	4
#define PD_NAMELEN	32

struct pd_arg {
	enum pd_arg_kind kind;
	int		 nterms;	/* EXPR and ARRAY: OR-ed terms */
	char		 name[PD_MAXTERMS][PD_NAMELEN]; /* "" for a number */
	int64_t		 num[PD_MAXTERMS];
	int64_t		 onoff, linger;	/* LINGER */
};

#define PD_MAXARGS	6

struct pd_syscall {
	char		 name[PD_NAMELEN];
	int		 nargs;
	struct pd_arg	 args[PD_MAXARGS];
	int64_t		 ret;
	char		 errname[PD_NAMELEN];	/* "" unless ret is -1 */
};

enum pd_shell_kind {
	PD_SH_SYSCTL,		/* sysctl -w NAME=VALUE */
	PD_SH_SOCKSTAT,		/* sockstat ... | grep -c STATE | grep N */
	PD_SH_TCPDROP,		/* tcpdrop -s STATE */
	PD_SH_SYSCTL_READ	/* sysctl -n NAME | grep [-q] VALUE */
};

struct pd_shell {
	enum pd_shell_kind kind;
	char		 name[96];	/* sysctl name, or STATE */
	char		 value[32];	/* sysctl value, or grep's N or VALUE */
	char		 text[160];	/* the command as written */
};

struct pd_event {
	int		 line;
	enum pd_event_kind kind;
	int		 relative;	/* `+t`: after the previous event */
	int		 range;		/* `a~b` */
	sim_time_t	 t_lo, t_hi;	/* [a, b]; a == b without a range */
	union {
		struct pd_segment seg;
		struct pd_syscall sc;
		struct pd_shell	  sh;
	}		 u;
};

#define PD_MAXBOOT	8

/*
 * A boot-time tunable from the header, `--boot_sysctl=NAME=VALUE`: set as
 * the loader would (FreeBSD's loader.conf, Linux's kernel command line)
 * before the host boots, so its boot-time meaning holds (TW-2: maxtcptw
 * below 32 caps the zone as given).  twsim's own header option:
 * packetdrill runs on a kernel that has already booted.
 */
struct pd_boot {
	int		 line;
	char		 name[96];
	int64_t		 value;
};

struct pd_script {
	char		*file;		/* as given */
	char		*name;		/* file name without directory */
	sim_time_t	 tolerance;	/* --tolerance_usecs, default 4 ms */
	int		 nboot;
	struct pd_boot	 boot[PD_MAXBOOT];
	size_t		 nevents;
	struct pd_event	*events;
};

/* Why a script did not pass. */
enum pd_status {
	PD_PASS = 0,
	PD_FAIL = 1,		/* the host did not do what the script says */
	PD_UNUSABLE = 2		/* the script uses what we cannot run */
};

/*
 * Parse `text` (the contents of `file`) with the names in defs[0..ndefs)
 * defined for #ifdef.  0 and *out, or PD_UNUSABLE with "FILE:LINE: what"
 * in err.  Free *out with pd_script_free().
 */
int	pd_parse(const char *file, const char *text, const char *const *defs,
	    size_t ndefs, struct pd_script **out, char *err, size_t errlen);
/* Read and parse a file: as pd_parse, or PD_UNUSABLE when unreadable. */
int	pd_parse_file(const char *file, const char *const *defs,
	    size_t ndefs, struct pd_script **out, char *err, size_t errlen);
void	pd_script_free(struct pd_script *s);

/* A segment in the script's notation: "S. 0:0(0) ack 1 win 65535 <...>". */
void	pd_segment_format(const struct pd_segment *seg, char *buf,
	    size_t len);

/* ---- the runner (packetdrill_run.c) --------------------------------- */

/*
 * The stacks a script can run on.  `name` is the --stack value and
 * `ifdef` the name #ifdef tests; `modelled` is 0 for a kernel twsim does
 * not model yet (running on it is unusable input, naming it).
 */
struct pd_stack {
	const char	*name;
	const char	*ifdef;
	int		 modelled;
	int		 tunable_stack;	/* enum tunable_stack when modelled */
	int		 o_nonblock;	/* fcntl's O_NONBLOCK on this kernel */
	int		 has_tcpdrop;	/* tcpdrop(8) exists (FreeBSD) */
};

const struct pd_stack	*pd_stack_lookup(const char *name);
/* Every stack, for --help: "freebsd9|freebsd14|linux". */
const struct pd_stack	*pd_stacks(size_t *n);

struct pd_options {
	const struct pd_stack *stack;
	int		 lenient;	/* skip window and TCP options */
};

/*
 * Run s against a fresh simulated host.  PD_PASS; PD_FAIL with "LINE:
 * expected ... got ..." in msg; or PD_UNUSABLE with "LINE: ..." for a
 * construct the runner cannot give a meaning (an unmodelled sysctl at a
 * value other than the kernel's default, an unknown socket option).
 */
enum pd_status	pd_run(const struct pd_script *s, const struct pd_options *o,
		    char *msg, size_t msglen);

#endif /* TWSIM_PACKETDRILL_H */
