/*
 * params.c -- the one table of scenario parameters, and its two renderings.
 *
 * One designated-initializer entry per key (as tmux's options-table.c
 * does): the loader validates and fills defaults from these entries,
 * `twsim params` prints them and docs/scenario-keys.md is generated from
 * them (a test keeps the committed file equal to the output).
 *
 * The host tunables are not written here: the keys of [host NAME] after
 * address and listen are the rows of models/tunable.c, turned into keys by
 * params_of_tunable() (their FreeBSD 9 defaults included).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "models/tunable.h"
#include "models/workload.h"
#include "scenarios/params.h"
#include "scenarios/units.h"
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
		.meaning = "per-connection records; auto: on below 1e5 expected "
		    "connections (sum of rate x active time)",
	},

	/* [host NAME] */
	[P_HOST_ADDRESS] = {
		.id = P_HOST_ADDRESS, .section = PARAM_SEC_HOST,
		.key = "address", .type = PARAM_T_ADDRS, .unit = "",
		.defdoc = "(required)", .flags = PARAM_F_REQUIRED,
		.meaning = "IPv4 addresses, comma-separated, owned by no other "
		    "host; a range 10.0.1.1-10.0.1.20 or a CIDR block "
		    "10.0.1.0/28 (its host addresses: no network or broadcast "
		    "address below /31) stands for each address in it; at "
		    "most 256",
	},
	[P_HOST_LISTEN] = {
		.id = P_HOST_LISTEN, .section = PARAM_SEC_HOST,
		.key = "listen", .type = PARAM_T_PORTS, .unit = "",
		.defval = "", .defdoc = "(none)",
		.meaning = "ports with a server application, comma-separated",
	},
	[P_HOST_STACK] = {
		.id = P_HOST_STACK, .section = PARAM_SEC_HOST,
		.key = "stack", .type = PARAM_T_ENUM, .unit = "",
		.defval = "freebsd9", .choices = "freebsd9|freebsd14|linux",
		.meaning = "the host's kernel: its port choice, TIME_WAIT, "
		    "timers and the defaults and names of its tunables "
		    "(`twsim params --stack linux`)",
	},
	/* the host tunables come here (TUNABLES_AT): models/tunable.c */
	[P_HOST_PCAP] = {
		.id = P_HOST_PCAP, .section = PARAM_SEC_HOST,
		.key = "pcap", .type = PARAM_T_ENUM, .unit = "",
		.defval = "no", .choices = "yes|no",
		.flags = PARAM_F_NOSWEEP | PARAM_F_OUTPUT,
		.meaning = "write a pcap capture of this host per run (into "
		    "run --pcap DIR, else DB-pcap/ beside the database)",
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
		.defval = "1KiB", .min = 0, .max = WORKLOAD_MAXBYTES,
		.meaning = "bytes the client sends",
	},
	[P_WL_RESPONSE] = {
		.id = P_WL_RESPONSE, .section = PARAM_SEC_WORKLOAD,
		.key = "response", .type = PARAM_T_SIZE, .unit = "B",
		.defval = "16KiB", .min = 0, .max = WORKLOAD_MAXBYTES,
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
	[P_WL_CLOSE_DELAY] = {
		.id = P_WL_CLOSE_DELAY, .section = PARAM_SEC_WORKLOAD,
		.key = "close_delay", .type = PARAM_T_TIME, .unit = "s",
		.defval = "0s", .min = 0, .max = YEAR,
		.meaning = "how long the side that closes second takes to "
		    "close after the peer's FIN (a slow application; the "
		    "first closer waits in FIN_WAIT_2 meanwhile)",
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

/*
 * The host tunables come after address and listen, before the host keys
 * that are not part of the model (pcap) and [path].
 */
#define TUNABLES_AT	P_HOST_PCAP

static size_t
ntunables(void)
{
	size_t n;

	(void)tunable_table(&n);
	return n;
}

/* The first stack that has the tunable: FreeBSD 9's view, else Linux's. */
const struct param *
params_of_tunable(const struct tunable *t, struct param *buf)
{
	int s;

	for (s = 0; s < TUNABLE_NSTACKS; s++)
		if (tunable_has(t, (enum tunable_stack)s))
			return params_of_tunable_stack(t, s, buf);
	return NULL;
}

const struct param *
params_of_tunable_stack(const struct tunable *t, int stack,
    struct param *buf)
{
	char tb[32];

	memset(buf, 0, sizeof(*buf));
	buf->id = P_TUNABLE;
	buf->section = PARAM_SEC_HOST;
	buf->key = t->key;
	buf->unit = t->unit;
	buf->min = t->min;
	buf->max = t->max;
	if (!tunable_has(t, (enum tunable_stack)stack))
		return NULL;
	buf->sysctl = t->sysctl[stack];
	buf->meaning = t->meaning;
	buf->tun = t;
	if (t->flags & TUNABLE_F_RUNTIME)
		buf->flags |= PARAM_F_TUNABLE;
	/* The default as a user would write it; the loader parses it. */
	switch (t->type) {
	case TUNABLE_T_TIME:
		buf->type = PARAM_T_TIME;
		snprintf(buf->deftext, sizeof(buf->deftext), "%s",
		    units_format_time(t->def[stack][0], tb, sizeof(tb)));
		break;
	case TUNABLE_T_PORTRANGE:
		buf->type = PARAM_T_PORTRANGE;
		snprintf(buf->deftext, sizeof(buf->deftext), "%jd-%jd",
		    (intmax_t)t->def[stack][0], (intmax_t)t->def[stack][1]);
		break;
	default:
		buf->type = PARAM_T_INT;
		snprintf(buf->deftext, sizeof(buf->deftext), "%jd",
		    (intmax_t)t->def[stack][0]);
		break;
	}
	return buf;
}

const char *
params_default(const struct param *p)
{
	return p->tun != NULL ? p->deftext : p->defval;
}

size_t
params_count(void)
{
	return P_NPARAMS + ntunables();
}

const struct param *
params_at(size_t i, struct param *buf)
{
	const struct tunable *t;
	size_t n;

	t = tunable_table(&n);
	if (i < TUNABLES_AT)
		return &table[i];
	if (i < TUNABLES_AT + n)
		return params_of_tunable(&t[i - TUNABLES_AT], buf);
	if (i < P_NPARAMS + n)
		return &table[i - n];
	return NULL;
}

/* Key i as a host of `stack` sees it; NULL for a tunable it lacks. */
static const struct param *
params_at_stack(size_t i, int stack, struct param *buf)
{
	const struct tunable *t;
	size_t n;

	t = tunable_table(&n);
	if (i >= TUNABLES_AT && i < TUNABLES_AT + n)
		return params_of_tunable_stack(&t[i - TUNABLES_AT], stack, buf);
	return params_at(i, buf);
}

const struct param *
params_by_id(enum param_id id)
{
	if ((int)id < 0 || id >= P_NPARAMS)
		return NULL;
	return &table[id];
}

const struct param *
params_lookup(enum param_section sec, const char *key, struct param *buf)
{
	const struct tunable *t;
	size_t i;

	if (sec == PARAM_SEC_AT)
		sec = PARAM_SEC_HOST;
	for (i = 0; i < P_NPARAMS; i++)
		if (table[i].section == sec && strcmp(table[i].key, key) == 0)
			return &table[i];
	if (sec == PARAM_SEC_HOST && (t = tunable_lookup(key)) != NULL)
		return params_of_tunable(t, buf);
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
	const struct param *p;
	struct param buf;
	const char *best = NULL;
	size_t i, d, bestd = 3;

	if (sec == PARAM_SEC_AT)
		sec = PARAM_SEC_HOST;
	for (i = 0; i < params_count(); i++) {
		p = params_at(i, &buf);
		if (p->section != sec)
			continue;
		d = edit_distance(bad, p->key);
		if (d < bestd) {
			bestd = d;
			best = p->key;
		}
	}
	if (best == NULL && strlen(bad) >= 3)
		for (i = 0; i < params_count(); i++) {
			p = params_at(i, &buf);
			if (p->section == sec &&
			    strncmp(p->key, bad, strlen(bad)) == 0)
				return p->key;
		}
	return best;
}

char *
params_list_keys(enum param_section sec, char *buf, size_t len)
{
	const struct param *p;
	struct param pb;
	size_t i, off = 0;
	int at = sec == PARAM_SEC_AT;

	if (at)
		sec = PARAM_SEC_HOST;
	buf[0] = '\0';
	for (i = 0; i < params_count() && off < len; i++) {
		p = params_at(i, &pb);
		if (p->section != sec || (at && !(p->flags & PARAM_F_TUNABLE)))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    off ? ", " : "", p->key);
	}
	return buf;
}

static const char *
default_text(const struct param *p)
{
	if (p->tun != NULL)
		return p->deftext;
	if (p->defdoc != NULL)
		return p->defdoc;
	if (p->defval != NULL && p->defval[0] != '\0')
		return p->defval;
	return "";
}

/* A default written as a value (not a description) is shown as code. */
static int
quoted_default(const struct param *p)
{
	return p->tun != NULL || (p->defval != NULL && p->defdoc == NULL);
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

	return params_write_text_stack(out, TUNABLE_STACK_FREEBSD9);
}

int
params_write_text_stack(FILE *out, int stack)
{
	const struct param *p;
	struct param pb;
	size_t i;
	int w_key = 0, w_unit = 0, w_def = 0, n;

	for (i = 0; i < params_count(); i++) {
		if ((p = params_at_stack(i, stack, &pb)) == NULL)
			continue;
		n = (int)(strlen(section_forms[p->section]) + 1 +
		    strlen(p->key));
		if (n > w_key)
			w_key = n;
		n = (int)strlen(unit_text(p));
		if (n > w_unit)
			w_unit = n;
		n = (int)strlen(default_text(p));
		if (n > w_def)
			w_def = n;
	}
	fprintf(out, "%-*s  %-*s  %-*s  %s\n", w_key, "SECTION KEY", w_unit,
	    "UNIT", w_def, "DEFAULT", "MEANING");
	for (i = 0; i < params_count(); i++) {
		char key[64];

		if ((p = params_at_stack(i, stack, &pb)) == NULL)
			continue;
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
	const struct param *p;
	struct param pb;
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
	    "inside each element.  Iteration variables (as OMNeT++'s) tie "
	    "sweeps\n"
	    "together: `${r=10, 20, 40}` defines `r`, `${r}` in any other key "
	    "takes\n"
	    "the same values in step (`rate = ${r}/s`), and `${n=1, 2, 3 ! r}` "
	    "(or\n"
	    "`${1, 2, 3 ! r}`) moves in step with `r`, with as many values; "
	    "a\n"
	    "variable may be used before the line that defines it, and "
	    "`${word}`\n"
	    "alone always names one.  Each\n"
	    "independent sweep is crossed with the others in file order and "
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
	for (i = 0; i < params_count(); i++) {
		if ((p = params_at_stack(i, TUNABLE_STACK_FREEBSD9,
		    &pb)) == NULL)
			continue;
		fprintf(out, "| `%s` | `%s` | %s | %s%s%s | %s%s%s | %s |\n",
		    section_forms[p->section], p->key,
		    md_escape(unit_text(p), ubuf, sizeof(ubuf)),
		    quoted_default(p) ? "`" : "", default_text(p),
		    quoted_default(p) ? "`" : "",
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
	    "## Other stacks\n"
	    "\n"
	    "The tunables of a host depend on its `stack`; the table above is "
	    "FreeBSD 9's\n"
	    "(`stack = freebsd9`, the default).  Hosts of the other stacks take "
	    "these\n"
	    "instead (`twsim params --stack NAME`); setting a tunable its stack "
	    "lacks\n"
	    "is an error.\n");
	{
		const struct tunable *tt;
		size_t n, r;
		int st;

		tt = tunable_table(&n);
		for (st = 0; st < TUNABLE_NSTACKS; st++) {
			if (st == TUNABLE_STACK_FREEBSD9)
				continue;
			fprintf(out, "\n### `stack = %s`\n\n"
			    "| key | unit | default | sysctl | meaning |\n"
			    "| --- | --- | --- | --- | --- |\n",
			    tunable_stack_name((enum tunable_stack)st));
			for (r = 0; r < n; r++) {
				if ((p = params_of_tunable_stack(&tt[r], st,
				    &pb)) == NULL)
					continue;
				fprintf(out, "| `%s` | %s | `%s` | `%s` | %s |"
				    "\n", p->key, md_escape(unit_text(p), ubuf,
				    sizeof(ubuf)), default_text(p), p->sysctl,
				    md_escape(p->meaning, mbuf, sizeof(mbuf)));
			}
		}
	}
	fprintf(out,
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

/* Text for roff: backslashes doubled, a leading '.' or '\'' made inert. */
static void
roff_put(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

int
params_write_man(FILE *out)
{
	const struct param *p;
	struct param pb;
	const struct dist_info *di;
	size_t i;
	int sec = -1, k, j;

	fprintf(out,
	    ".\\\" Generated by `twsim params --man` from the parameter table\n"
	    ".\\\" (scenarios/params.c, models/tunable.c): do not edit.\n"
	    ".TH TWSIM\\-SCENARIO 5 \"\" \"twsim\" \"File Formats Manual\"\n"
	    ".SH NAME\n"
	    "twsim\\-scenario \\- the scenario files of twsim\n"
	    ".SH DESCRIPTION\n"
	    "A scenario is an INI file that\n"
	    ".BR twsim (1)\n"
	    "runs: hosts with the tunables of a FreeBSD host, the network paths\n"
	    "between them, the workloads that open connections, and changes of\n"
	    "tunables at simulated times.\n"
	    "Sections are\n"
	    ".BR [run] ,\n"
	    ".BR \"[host \" NAME ],\n"
	    ".BR \"[path \" \"A B\" ]\n"
	    "(both directions) or\n"
	    ".BR \"[path \" \"A \\-> B\" ]\n"
	    "(one direction),\n"
	    ".BR \"[workload \" NAME ]\n"
	    "and\n"
	    ".BR \"[at \" TIME ].\n"
	    "Comments start with\n"
	    ".B ;\n"
	    "or\n"
	    ".BR # .\n"
	    ".SS Units\n"
	    "Times\n"
	    ".B \"ns us ms s min\"\n"
	    "(a bare number is an error, except 0); sizes\n"
	    ".B \"B KiB MiB GiB\"\n"
	    "(1024\\-based) and\n"
	    ".B \"KB MB GB\"\n"
	    "(1000\\-based); rates\n"
	    ".BR /s .\n"
	    ".SS Sweeps\n"
	    "Every key except\n"
	    ".B name\n"
	    "and\n"
	    ".B repeat\n"
	    "may be swept:\n"
	    ".B ${a, b, c}\n"
	    "or\n"
	    ".BR \"${from..to step s}\" ,\n"
	    "with the unit after the braces or inside each element.\n"
	    "Swept keys are crossed in file order; each sweep point runs\n"
	    ".B repeat\n"
	    "times, repetition r with the same seed at every sweep point\n"
	    "(common random numbers).\n"
	    ".SS Overrides\n"
	    ".B twsim run\n"
	    "and\n"
	    ".B twsim check\n"
	    "take\n"
	    ".BI \"\\-\\-set \" KEY = VALUE\n"
	    "with KEY one of\n"
	    ".BR run.KEY ,\n"
	    ".BR host.NAME.KEY ,\n"
	    ".BR path.A.B.KEY ,\n"
	    ".BR path.A\\->B.KEY ,\n"
	    ".BR workload.NAME.KEY ,\n"
	    ".BR at.TIME.HOST.KEY .\n"
	    ".SH KEYS\n"
	    "Generated from the parameter table that the loader, \n"
	    ".B twsim params\n"
	    "and docs/scenario\\-keys.md read as well.\n");
	for (i = 0; i < params_count(); i++) {
		p = params_at(i, &pb);
		if ((int)p->section != sec) {
			sec = (int)p->section;
			fprintf(out, ".SS \"%s\"\n", section_forms[p->section]);
		}
		fprintf(out, ".TP\n.B ");
		roff_put(out, p->key);
		fprintf(out, "\n");
		roff_put(out, p->meaning);
		fprintf(out, ".\n.br\n");
		if (unit_text(p)[0] != '\0') {
			fprintf(out, p->type == PARAM_T_ENUM ? "Values: " :
			    "Unit: ");
			roff_put(out, unit_text(p));
			fprintf(out, ". ");
		}
		fprintf(out, "Default: ");
		roff_put(out, default_text(p));
		fprintf(out, ".");
		if (p->sysctl != NULL) {
			fprintf(out, " Sysctl: ");
			roff_put(out, p->sysctl);
			fprintf(out, ".");
		}
		if (p->flags & PARAM_F_TUNABLE)
			fprintf(out, " May change in [at TIME].");
		fprintf(out, "\n");
	}
	fprintf(out,
	    ".SS \"[at TIME]\"\n"
	    "Lines\n"
	    ".IB HOST . KEY\n"
	    "=\n"
	    ".IR VALUE :\n"
	    "at simulated time TIME, host tunable KEY (a [host NAME] key with\n"
	    "a sysctl above) of HOST takes VALUE, with the sysctl\'s semantics.\n"
	    ".SH DISTRIBUTIONS\n"
	    "Keys of type time that take a distribution accept:\n");
	for (k = 0; k < DIST_NKINDS; k++) {
		di = dist_info((enum dist_kind)k);
		fprintf(out, ".TP\n.B \"%s(", di->name);
		for (j = 0; j < di->nparams; j++) {
			fprintf(out, "%s", j ? ", " : "");
			roff_put(out, di->param_names[j]);
			if (!di->param_has_unit[j])
				fprintf(out, " (no unit)");
		}
		fprintf(out, ")\"\n");
		roff_put(out, di->meaning);
		fprintf(out, "\n");
	}
	fprintf(out,
	    ".PP\n"
	    "A plain time T means constant(T).\n"
	    ".SH EXAMPLE\n"
	    ".nf\n"
	    "[run]\n"
	    "duration = 300s\n"
	    "repeat = 3\n"
	    "\n"
	    "[host server]\n"
	    "address = 10.0.0.1\n"
	    "listen = 80\n"
	    "\n"
	    "[host client]\n"
	    "address = 10.0.0.2\n"
	    "portrange = 10000\\-10999\n"
	    "pcap = yes\n"
	    "\n"
	    "[path client server]\n"
	    "latency = exponential(2ms)\n"
	    "\n"
	    "[workload web]\n"
	    "client = client\n"
	    "server = server:80\n"
	    "rate = ${10, 20, 40}/s\n"
	    "close = client\n"
	    "\n"
	    "[at 120s]\n"
	    "client.maxtcptw = 5000\n"
	    ".fi\n"
	    ".SH SEE ALSO\n"
	    ".BR twsim (1),\n"
	    ".BR tshark (1),\n"
	    ".BR pcap\\-filter (7)\n");
	return ferror(out) ? -1 : 0;
}
