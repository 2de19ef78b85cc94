/*
 * params.c -- the one table of scenario parameters, and its two renderings.
 *
 * One designated-initializer entry per key (as tmux's options-table.c
 * does): the loader validates and fills defaults from these entries,
 * `twsim params` prints them and docs/scenario-keys.md is generated from
 * them (a test keeps the committed file equal to the output).
 *
 * Host defaults are FreeBSD 9's: kern.hz 1000, net.inet.tcp.msl 30 s,
 * net.inet.ip.portrange.first/last 10000-65535, randomized 1, randomcps 10,
 * randomtime 45 s, net.inet.tcp.maxtcptw 0 (auto-sized from maxsockets, see
 * tcptw_auto_size), nolocaltimewait 0, rfc1323 1, initial RTO 3 s
 * (TCPTV_RTOBASE), keepinit 75 s (TCPTV_KEEP_INIT).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "scenarios/params.h"
#include "sim/dist.h"

#define SEC	1e9
#define MS	1e6
#define YEAR	(365.0 * 86400 * SEC)
#define PMAX	((double)(1ULL << 53))

static const struct param table[P_NPARAMS] = {
	/* [run] */
	[P_RUN_NAME] = {
		.id = P_RUN_NAME, .section = PARAM_SEC_RUN, .key = "name",
		.type = PARAM_T_NAME, .unit = "",
		.defdoc = "file name without .ini",
		.flags = PARAM_F_COMPUTED | PARAM_F_NOSWEEP,
		.meaning = "name of the scenario in results and reports",
	},
	[P_RUN_DURATION] = {
		.id = P_RUN_DURATION, .section = PARAM_SEC_RUN,
		.key = "duration", .type = PARAM_T_TIME, .unit = "s",
		.defdoc = "(required)", .min = 1, .max = YEAR,
		.flags = PARAM_F_REQUIRED,
		.meaning = "simulated time of one run",
	},
	[P_RUN_SEED] = {
		.id = P_RUN_SEED, .section = PARAM_SEC_RUN, .key = "seed",
		.type = PARAM_T_SEED, .unit = "", .defval = "1",
		.meaning = "master seed; repetition r runs with "
		    "rng_derive_seed(seed, \"repetition/r\"), the same at every "
		    "sweep point",
	},
	[P_RUN_REPEAT] = {
		.id = P_RUN_REPEAT, .section = PARAM_SEC_RUN, .key = "repeat",
		.type = PARAM_T_INT, .unit = "", .defval = "1",
		.min = 1, .max = 10000, .flags = PARAM_F_NOSWEEP,
		.meaning = "replications per sweep point, each with its own "
		    "derived seed",
	},
	[P_RUN_SAMPLE] = {
		.id = P_RUN_SAMPLE, .section = PARAM_SEC_RUN, .key = "sample",
		.type = PARAM_T_TIME, .unit = "s", .defval = "1s",
		.min = 1 * MS, .max = YEAR,
		.meaning = "interval of the samples table",
	},
	[P_RUN_CONNECTIONS] = {
		.id = P_RUN_CONNECTIONS, .section = PARAM_SEC_RUN,
		.key = "connections", .type = PARAM_T_ENUM, .unit = "",
		.defval = "auto", .choices = "yes|no|auto",
		.meaning = "per-connection records; auto: on below 1e6 expected "
		    "connections (sum of rate x active time)",
	},

	/* [host NAME] */
	[P_HOST_ADDRESS] = {
		.id = P_HOST_ADDRESS, .section = PARAM_SEC_HOST,
		.key = "address", .type = PARAM_T_ADDRS, .unit = "",
		.defdoc = "(required)", .flags = PARAM_F_REQUIRED,
		.meaning = "one or more IPv4 addresses, comma-separated, owned by "
		    "no other host",
	},
	[P_HOST_LISTEN] = {
		.id = P_HOST_LISTEN, .section = PARAM_SEC_HOST,
		.key = "listen", .type = PARAM_T_PORTS, .unit = "",
		.defval = "", .defdoc = "(none)",
		.meaning = "ports with a server application, comma-separated",
	},
	[P_HOST_HZ] = {
		.id = P_HOST_HZ, .section = PARAM_SEC_HOST, .key = "hz",
		.type = PARAM_T_INT, .unit = "", .defval = "1000",
		.min = 1, .max = 1000000, .sysctl = "kern.hz",
		.flags = PARAM_F_TUNABLE,
		.meaning = "clock ticks per second (must divide 1e9)",
	},
	[P_HOST_MSL] = {
		.id = P_HOST_MSL, .section = PARAM_SEC_HOST, .key = "msl",
		.type = PARAM_T_TIME, .unit = "s", .defval = "30s",
		.min = 1 * MS, .max = 3600 * SEC,
		.sysctl = "net.inet.tcp.msl", .flags = PARAM_F_TUNABLE,
		.meaning = "maximum segment lifetime; TIME_WAIT lasts 2 x msl",
	},
	[P_HOST_PORTRANGE] = {
		.id = P_HOST_PORTRANGE, .section = PARAM_SEC_HOST,
		.key = "portrange", .type = PARAM_T_PORTRANGE, .unit = "",
		.defval = "10000-65535",
		.sysctl = "net.inet.ip.portrange.first, .last",
		.flags = PARAM_F_TUNABLE,
		.meaning = "ephemeral port range FIRST-LAST",
	},
	[P_HOST_RANDOMIZED] = {
		.id = P_HOST_RANDOMIZED, .section = PARAM_SEC_HOST,
		.key = "randomized", .type = PARAM_T_INT, .unit = "",
		.defval = "1", .min = 0, .max = 1,
		.sysctl = "net.inet.ip.portrange.randomized",
		.flags = PARAM_F_TUNABLE,
		.meaning = "1: random ephemeral ports, 0: sequential",
	},
	[P_HOST_RANDOMCPS] = {
		.id = P_HOST_RANDOMCPS, .section = PARAM_SEC_HOST,
		.key = "randomcps", .type = PARAM_T_INT, .unit = "",
		.defval = "10", .min = 0, .max = 1000000,
		.sysctl = "net.inet.ip.portrange.randomcps",
		.flags = PARAM_F_TUNABLE,
		.meaning = "above this many connections per second, allocate "
		    "sequentially",
	},
	[P_HOST_RANDOMTIME] = {
		.id = P_HOST_RANDOMTIME, .section = PARAM_SEC_HOST,
		.key = "randomtime", .type = PARAM_T_TIME, .unit = "s",
		.defval = "45s", .min = 0, .max = 86400 * SEC,
		.sysctl = "net.inet.ip.portrange.randomtime",
		.flags = PARAM_F_TUNABLE,
		.meaning = "how long sequential allocation lasts once randomcps "
		    "is exceeded",
	},
	[P_HOST_MAXSOCKETS] = {
		.id = P_HOST_MAXSOCKETS, .section = PARAM_SEC_HOST,
		.key = "maxsockets", .type = PARAM_T_INT, .unit = "",
		.defval = "25600", .min = 1, .max = 2147483647.0,
		.sysctl = "kern.ipc.maxsockets", .flags = PARAM_F_TUNABLE,
		.meaning = "socket limit; sizes maxtcptw when that is 0",
	},
	[P_HOST_MAXTCPTW] = {
		.id = P_HOST_MAXTCPTW, .section = PARAM_SEC_HOST,
		.key = "maxtcptw", .type = PARAM_T_INT, .unit = "",
		.defval = "0", .min = 0, .max = 2147483647.0,
		.sysctl = "net.inet.tcp.maxtcptw", .flags = PARAM_F_TUNABLE,
		.meaning = "cap of the compressed TIME_WAIT zone; 0 = auto "
		    "(tcptw_auto_size)",
	},
	[P_HOST_NOLOCALTIMEWAIT] = {
		.id = P_HOST_NOLOCALTIMEWAIT, .section = PARAM_SEC_HOST,
		.key = "nolocaltimewait", .type = PARAM_T_INT, .unit = "",
		.defval = "0", .min = 0, .max = 1,
		.sysctl = "net.inet.tcp.nolocaltimewait",
		.flags = PARAM_F_TUNABLE,
		.meaning = "1: no TIME_WAIT for connections between local "
		    "addresses",
	},
	[P_HOST_RFC1323] = {
		.id = P_HOST_RFC1323, .section = PARAM_SEC_HOST,
		.key = "rfc1323", .type = PARAM_T_INT, .unit = "",
		.defval = "1", .min = 0, .max = 1,
		.sysctl = "net.inet.tcp.rfc1323", .flags = PARAM_F_TUNABLE,
		.meaning = "1: window scaling and timestamps (RFC 1323)",
	},
	[P_HOST_RTO_INITIAL] = {
		.id = P_HOST_RTO_INITIAL, .section = PARAM_SEC_HOST,
		.key = "rto_initial", .type = PARAM_T_TIME, .unit = "s",
		.defval = "3s", .min = 1 * MS, .max = 3600 * SEC,
		.sysctl = "TCPTV_RTOBASE", .flags = PARAM_F_TUNABLE,
		.meaning = "initial retransmission timeout",
	},
	[P_HOST_KEEPINIT] = {
		.id = P_HOST_KEEPINIT, .section = PARAM_SEC_HOST,
		.key = "keepinit", .type = PARAM_T_TIME, .unit = "s",
		.defval = "75s", .min = 1 * MS, .max = 86400 * SEC,
		.sysctl = "net.inet.tcp.keepinit", .flags = PARAM_F_TUNABLE,
		.meaning = "time allowed for connection establishment",
	},

	/* [path A B] or [path A -> B] */
	[P_PATH_LATENCY] = {
		.id = P_PATH_LATENCY, .section = PARAM_SEC_PATH,
		.key = "latency", .type = PARAM_T_DIST, .unit = "s",
		.defval = "constant(1ms)",
		.meaning = "one-way delay of each segment, a distribution",
	},
	[P_PATH_LOSS] = {
		.id = P_PATH_LOSS, .section = PARAM_SEC_PATH, .key = "loss",
		.type = PARAM_T_PROB, .unit = "", .defval = "0",
		.min = 0, .max = 1,
		.meaning = "probability that a segment is lost",
	},
	[P_PATH_DUPLICATE] = {
		.id = P_PATH_DUPLICATE, .section = PARAM_SEC_PATH,
		.key = "duplicate", .type = PARAM_T_PROB, .unit = "",
		.defval = "0", .min = 0, .max = 1,
		.meaning = "probability that a segment is delivered twice",
	},
	[P_PATH_DUPLICATE_DELAY] = {
		.id = P_PATH_DUPLICATE_DELAY, .section = PARAM_SEC_PATH,
		.key = "duplicate_delay", .type = PARAM_T_DIST, .unit = "s",
		.defval = "constant(20s)",
		.meaning = "extra delay of the duplicate, a distribution",
	},

	/* [workload NAME] */
	[P_WL_CLIENT] = {
		.id = P_WL_CLIENT, .section = PARAM_SEC_WORKLOAD,
		.key = "client", .type = PARAM_T_CLIENT, .unit = "",
		.defdoc = "(required)", .flags = PARAM_F_REQUIRED,
		.meaning = "connecting host: HOST or HOST/ADDRESS",
	},
	[P_WL_SERVER] = {
		.id = P_WL_SERVER, .section = PARAM_SEC_WORKLOAD,
		.key = "server", .type = PARAM_T_SERVER, .unit = "",
		.defdoc = "(required)", .flags = PARAM_F_REQUIRED,
		.meaning = "listening host: HOST[:PORT] or HOST/ADDRESS:PORT, "
		    "port 80 by default, listed in the host's listen",
	},
	[P_WL_ARRIVAL] = {
		.id = P_WL_ARRIVAL, .section = PARAM_SEC_WORKLOAD,
		.key = "arrival", .type = PARAM_T_ENUM, .unit = "",
		.defval = "poisson", .choices = "poisson|constant",
		.meaning = "connection arrivals: Poisson process or evenly "
		    "spaced",
	},
	[P_WL_RATE] = {
		.id = P_WL_RATE, .section = PARAM_SEC_WORKLOAD, .key = "rate",
		.type = PARAM_T_RATE, .unit = "/s",
		.defdoc = "(required)", .flags = PARAM_F_REQUIRED,
		.min = 0, .max = 1e9,
		.meaning = "new connections per second; steps: 10/s, 50/s@60s, "
		    "20/s@120s",
	},
	[P_WL_REQUEST] = {
		.id = P_WL_REQUEST, .section = PARAM_SEC_WORKLOAD,
		.key = "request", .type = PARAM_T_SIZE, .unit = "B",
		.defval = "1KiB", .min = 0, .max = PMAX,
		.meaning = "bytes the client sends",
	},
	[P_WL_RESPONSE] = {
		.id = P_WL_RESPONSE, .section = PARAM_SEC_WORKLOAD,
		.key = "response", .type = PARAM_T_SIZE, .unit = "B",
		.defval = "16KiB", .min = 0, .max = PMAX,
		.meaning = "bytes the server answers",
	},
	[P_WL_HOLD] = {
		.id = P_WL_HOLD, .section = PARAM_SEC_WORKLOAD, .key = "hold",
		.type = PARAM_T_TIME, .unit = "s", .defval = "0s",
		.min = 0, .max = YEAR,
		.meaning = "time the connection stays open after the response",
	},
	[P_WL_CLOSE] = {
		.id = P_WL_CLOSE, .section = PARAM_SEC_WORKLOAD,
		.key = "close", .type = PARAM_T_ENUM, .unit = "",
		.defval = "client", .choices = "client|server",
		.meaning = "who closes first (and so holds TIME_WAIT)",
	},
	[P_WL_SPORT] = {
		.id = P_WL_SPORT, .section = PARAM_SEC_WORKLOAD, .key = "sport",
		.type = PARAM_T_INT, .unit = "", .defval = "0",
		.min = 0, .max = 65535,
		.meaning = "fixed source port; 0 = ephemeral",
	},
	[P_WL_START] = {
		.id = P_WL_START, .section = PARAM_SEC_WORKLOAD, .key = "start",
		.type = PARAM_T_TIME, .unit = "s", .defval = "0s",
		.min = 0, .max = YEAR,
		.meaning = "time of the first connection attempt",
	},
	[P_WL_STOP] = {
		.id = P_WL_STOP, .section = PARAM_SEC_WORKLOAD, .key = "stop",
		.type = PARAM_T_TIME, .unit = "s",
		.defdoc = "run duration", .flags = PARAM_F_COMPUTED,
		.min = 0, .max = YEAR,
		.meaning = "no new connections from this time on",
	},
};

static const char *const section_names[PARAM_NSECTIONS] = {
	[PARAM_SEC_RUN] = "run",
	[PARAM_SEC_HOST] = "host",
	[PARAM_SEC_PATH] = "path",
	[PARAM_SEC_WORKLOAD] = "workload",
	[PARAM_SEC_AT] = "at",
};

static const char *const section_forms[PARAM_NSECTIONS] = {
	[PARAM_SEC_RUN] = "[run]",
	[PARAM_SEC_HOST] = "[host NAME]",
	[PARAM_SEC_PATH] = "[path A B]",
	[PARAM_SEC_WORKLOAD] = "[workload NAME]",
	[PARAM_SEC_AT] = "[at TIME]",
};

const struct param *
params_table(size_t *n)
{
	*n = P_NPARAMS;
	return table;
}

const struct param *
params_by_id(enum param_id id)
{
	if ((int)id < 0 || id >= P_NPARAMS)
		return NULL;
	return &table[id];
}

const struct param *
params_lookup(enum param_section sec, const char *key)
{
	size_t i;

	if (sec == PARAM_SEC_AT)
		sec = PARAM_SEC_HOST;
	for (i = 0; i < P_NPARAMS; i++)
		if (table[i].section == sec && strcmp(table[i].key, key) == 0)
			return &table[i];
	return NULL;
}

const char *
params_section_name(enum param_section sec)
{
	if ((int)sec < 0 || sec >= PARAM_NSECTIONS)
		return "?";
	return section_names[sec];
}

int
params_section_by_name(const char *word)
{
	int i;

	for (i = 0; i < PARAM_NSECTIONS; i++)
		if (strcmp(section_names[i], word) == 0)
			return i;
	return -1;
}

/* Levenshtein distance, capped: enough for short keys. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t d = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			cur[j] = d;
		}
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb];
}

const char *
params_suggest(enum param_section sec, const char *bad)
{
	const char *best = NULL;
	size_t i, d, bestd = 3;

	if (sec == PARAM_SEC_AT)
		sec = PARAM_SEC_HOST;
	for (i = 0; i < P_NPARAMS; i++) {
		if (table[i].section != sec)
			continue;
		d = edit_distance(bad, table[i].key);
		if (d < bestd) {
			bestd = d;
			best = table[i].key;
		}
	}
	if (best == NULL && strlen(bad) >= 3)
		for (i = 0; i < P_NPARAMS; i++)
			if (table[i].section == sec &&
			    strncmp(table[i].key, bad, strlen(bad)) == 0)
				return table[i].key;
	return best;
}

char *
params_list_keys(enum param_section sec, char *buf, size_t len)
{
	size_t i, off = 0;
	int at = sec == PARAM_SEC_AT;

	if (at)
		sec = PARAM_SEC_HOST;
	buf[0] = '\0';
	for (i = 0; i < P_NPARAMS && off < len; i++) {
		if (table[i].section != sec ||
		    (at && !(table[i].flags & PARAM_F_TUNABLE)))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    off ? ", " : "", table[i].key);
	}
	return buf;
}

static const char *
default_text(const struct param *p)
{
	if (p->defdoc != NULL)
		return p->defdoc;
	if (p->defval != NULL && p->defval[0] != '\0')
		return p->defval;
	return "";
}

static const char *
unit_text(const struct param *p)
{
	switch (p->type) {
	case PARAM_T_TIME:
	case PARAM_T_DIST:
		return "time";
	case PARAM_T_SIZE:
		return "bytes";
	case PARAM_T_RATE:
		return "/s";
	case PARAM_T_PROB:
		return "0..1";
	case PARAM_T_ENUM:
		return p->choices;
	case PARAM_T_PORTRANGE:
		return "ports";
	case PARAM_T_PORTS:
		return "ports";
	case PARAM_T_ADDRS:
		return "IPv4";
	default:
		return "";
	}
}

int
params_write_text(FILE *out)
{
	size_t i;
	int w_key = 0, w_unit = 0, w_def = 0, n;

	for (i = 0; i < P_NPARAMS; i++) {
		n = (int)(strlen(section_forms[table[i].section]) + 1 +
		    strlen(table[i].key));
		if (n > w_key)
			w_key = n;
		n = (int)strlen(unit_text(&table[i]));
		if (n > w_unit)
			w_unit = n;
		n = (int)strlen(default_text(&table[i]));
		if (n > w_def)
			w_def = n;
	}
	fprintf(out, "%-*s  %-*s  %-*s  %s\n", w_key, "SECTION KEY", w_unit,
	    "UNIT", w_def, "DEFAULT", "MEANING");
	for (i = 0; i < P_NPARAMS; i++) {
		const struct param *p = &table[i];
		char key[64];

		snprintf(key, sizeof(key), "%s %s", section_forms[p->section],
		    p->key);
		fprintf(out, "%-*s  %-*s  %-*s  %s%s%s%s\n", w_key, key,
		    w_unit, unit_text(p), w_def, default_text(p), p->meaning,
		    p->sysctl ? " (" : "", p->sysctl ? p->sysctl : "",
		    p->sysctl ? ")" : "");
	}
	fprintf(out, "\n%-*s  host tunables marked with a sysctl may be "
	    "changed at a simulated time\n", w_key, "[at TIME] HOST.KEY");
	return ferror(out) ? -1 : 0;
}

/* A table cell: '|' would end the cell, so escape it. */
static const char *
md_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '|')
			buf[o++] = '\\';
		buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

int
params_write_markdown(FILE *out)
{
	char ubuf[64], mbuf[256];
	const struct dist_info *di;
	size_t i;
	int k, j;

	fprintf(out,
	    "<!-- Generated by `twsim params --markdown` from "
	    "scenarios/params.c: do not edit. -->\n"
	    "# Scenario keys\n"
	    "\n"
	    "A scenario is an INI file: `[run]`, `[host NAME]`, `[path A B]` "
	    "(both\n"
	    "directions) or `[path A -> B]` (one direction), `[workload NAME]` "
	    "and\n"
	    "`[at TIME]` sections.  Comments start with `;` or `#`.  Every "
	    "key below\n"
	    "except `name` and `repeat` may be swept: `${a, b, c}` or\n"
	    "`${from..to step s}`, with the unit after the braces "
	    "(`${10, 20}/s`) or\n"
	    "inside each element.  Swept keys are crossed in file order and "
	    "each\n"
	    "sweep point runs `repeat` times; repetition r uses the seed\n"
	    "`rng_derive_seed(seed, \"repetition/r\")` at every sweep point "
	    "(common\n"
	    "random numbers).  `twsim run|check --set KEY=VALUE` overrides a "
	    "key:\n"
	    "`run.KEY`, `host.NAME.KEY`, `path.A.B.KEY`, `path.A->B.KEY`,\n"
	    "`workload.NAME.KEY`, `at.TIME.HOST.KEY`.\n"
	    "\n"
	    "Units: times `ns us ms s min` (a bare number is an error, except "
	    "0);\n"
	    "sizes `B KiB MiB GiB` (1024-based) and `KB MB GB` (1000-based); "
	    "rates `/s`.\n"
	    "\n"
	    "| section | key | unit | default | sysctl | meaning |\n"
	    "| --- | --- | --- | --- | --- | --- |\n");
	for (i = 0; i < P_NPARAMS; i++) {
		const struct param *p = &table[i];

		fprintf(out, "| `%s` | `%s` | %s | %s%s%s | %s%s%s | %s |\n",
		    section_forms[p->section], p->key,
		    md_escape(unit_text(p), ubuf, sizeof(ubuf)),
		    p->defval != NULL && p->defdoc == NULL ? "`" : "",
		    default_text(p),
		    p->defval != NULL && p->defdoc == NULL ? "`" : "",
		    p->sysctl ? "`" : "", p->sysctl ? p->sysctl : "",
		    p->sysctl ? "`" : "",
		    md_escape(p->meaning, mbuf, sizeof(mbuf)));
	}
	fprintf(out,
	    "\n"
	    "`[at TIME]` sections hold `HOST.KEY = VALUE` lines: at simulated "
	    "time\n"
	    "TIME, host tunable KEY (any `[host NAME]` key with a sysctl "
	    "above) of\n"
	    "HOST takes VALUE.\n"
	    "\n"
	    "## Distributions\n"
	    "\n"
	    "| form | meaning |\n"
	    "| --- | --- |\n");
	for (k = 0; k < DIST_NKINDS; k++) {
		di = dist_info((enum dist_kind)k);
		fprintf(out, "| `%s(", di->name);
		for (j = 0; j < di->nparams; j++)
			fprintf(out, "%s%s%s", j ? ", " : "",
			    di->param_names[j],
			    di->param_has_unit[j] ? "" : " (no unit)");
		fprintf(out, ")` | %s |\n", md_escape(di->meaning, mbuf,
		    sizeof(mbuf)));
	}
	fprintf(out, "\nA plain time `T` means `constant(T)`.\n");
	return ferror(out) ? -1 : 0;
}
