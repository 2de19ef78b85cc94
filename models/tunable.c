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
		.key = "hz", .sysctl = "kern.hz", .type = TUNABLE_T_INT,
		.unit = "", .min = 1, .max = 1000000,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 1000 } },
		FIELD(hz), .check = check_hz,
		/* a boot-time tunable: no TUNABLE_F_RUNTIME */
		.meaning = "clock ticks per second (must divide 1e9)",
	},
	{
		.key = "msl", .sysctl = "net.inet.tcp.msl",
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 3600 * SEC,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 30 * SEC } },
		/* TW-11: applies to entries created from then on */
		FIELD(msl), .flags = TUNABLE_F_RUNTIME,
		.meaning = "maximum segment lifetime; TIME_WAIT lasts 2 x msl",
	},
	{
		.key = "portrange",
		.sysctl = "net.inet.ip.portrange.first, .last",
		.type = TUNABLE_T_PORTRANGE, .unit = "", .min = 1,
		.max = 65535,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 10000, 65535 } },
		.names = { "portrange_first", "portrange_last" },
		FIELDS(portrange_first, portrange_last),
		.flags = TUNABLE_F_RUNTIME, .set = set_portrange,
		.meaning = "ephemeral port range FIRST-LAST",
	},
	{
		.key = "randomized",
		.sysctl = "net.inet.ip.portrange.randomized",
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 1 } },
		FIELD(randomized), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: random ephemeral ports, 0: sequential",
	},
	{
		.key = "randomcps",
		.sysctl = "net.inet.ip.portrange.randomcps",
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1000000,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 10 } },
		FIELD(randomcps), .flags = TUNABLE_F_RUNTIME,
		.meaning = "above this many connections per second, allocate "
		    "sequentially",
	},
	{
		.key = "randomtime",
		.sysctl = "net.inet.ip.portrange.randomtime",
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 0, .max = 86400 * SEC,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 45 * SEC } },
		/* the kernel counts whole seconds */
		FIELD(randomtime), .scale = SEC, .flags = TUNABLE_F_RUNTIME,
		.meaning = "how long sequential allocation lasts once randomcps "
		    "is exceeded",
	},
	{
		.key = "maxsockets", .sysctl = "kern.ipc.maxsockets",
		.type = TUNABLE_T_INT, .unit = "", .min = 1, .max = INTMAX,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 25600 } },
		FIELD(maxsockets), .flags = TUNABLE_F_RUNTIME,
		.set = set_maxsockets,
		.meaning = "socket limit; sizes maxtcptw when that is 0",
	},
	{
		.key = "maxtcptw", .sysctl = "net.inet.tcp.maxtcptw",
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = INTMAX,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 0 } },
		FIELD(maxtcptw), .flags = TUNABLE_F_RUNTIME,
		.set = set_maxtcptw, .get = get_maxtcptw,
		.meaning = "cap of the compressed TIME_WAIT zone; 0 = auto "
		    "(tcptw_auto_size)",
	},
	{
		.key = "nolocaltimewait",
		.sysctl = "net.inet.tcp.nolocaltimewait",
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 0 } },
		FIELD(nolocaltimewait), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: no TIME_WAIT for connections between local "
		    "addresses",
	},
	{
		.key = "rfc1323", .sysctl = "net.inet.tcp.rfc1323",
		.type = TUNABLE_T_INT, .unit = "", .min = 0, .max = 1,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 1 } },
		FIELD(rfc1323), .flags = TUNABLE_F_RUNTIME,
		.meaning = "1: window scaling and timestamps (RFC 1323)",
	},
	{
		.key = "rto_initial", .sysctl = "TCPTV_RTOBASE",
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 3600 * SEC,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 3 * SEC } },
		FIELD(rto_initial), .flags = TUNABLE_F_RUNTIME,
		.meaning = "initial retransmission timeout",
	},
	{
		.key = "keepinit", .sysctl = "net.inet.tcp.keepinit",
		.type = TUNABLE_T_TIME, .unit = "s",
		.min = 1 * MS, .max = 86400 * SEC,
		.def = { [TUNABLE_STACK_FREEBSD9] = { 75 * SEC } },
		FIELD(keepinit), .flags = TUNABLE_F_RUNTIME,
		.meaning = "time allowed for connection establishment",
	},
};

#define NTUNABLES	(sizeof(table) / sizeof(table[0]))

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

	for (k = 0; k < NTUNABLES; k++) {
		t = &table[k];
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
 * and the TIME_WAIT cap stays as it was.
 */
static int
set_portrange(struct host *h, const struct tunable *t, int i, int64_t v,
    char *err, size_t errlen)
{

	if (v < 0 || v > 65535)
		return (range_error(t, i, v, err, errlen));
	if (v < 1024)
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
	tcp_tw_zone_change(h);
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
