/*
 * scenario.c -- load a scenario file into the expanded list of runs.
 *
 * Three stages, each of which can fail with a message naming file, line and
 * the offending text:
 *
 *  1. Read.  inih splits KEY = VALUE lines; our own line reader in front of
 *     it counts lines (the Debian build of inih has no INI_HANDLER_LINENO),
 *     strips comments (`;` and `#`, also after a value), strips leading
 *     blanks (so inih's multi-line continuation never applies) and takes
 *     section headers itself, so that empty and duplicate sections are seen.
 *     Keys are checked against the parameter table (scenarios/params.c) and
 *     sweep values `${...}` are expanded into their choices.
 *  2. Override.  `--set KEY=VALUE` replaces or adds an entry; then required
 *     keys and references between sections are checked.
 *  3. Expand.  For every sweep point (swept keys crossed in file order, the
 *     first one slowest) and repetition, every value (or its default) is
 *     parsed into the plain structs of scenario.h; cross-key rules are
 *     checked per point.
 *
 * All memory of a scenario hangs off it (a list of allocations freed by
 * scenario_free), so runs share nothing with the loader's scratch state.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "models/tunable.h"
#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"
#include "sim/rng.h"

#define MAX_RUNS	100000
#define MAX_CHOICES	10000
#define AUTO_RECORD_LIMIT 1e6

struct section {
	enum param_section	 kind;
	char			*title;		/* "host client" */
	char			*name;		/* host or workload */
	char			*from, *to;	/* path */
	int			 oneway;
	sim_time_t		 at;		/* [at TIME] */
	int			 line;		/* 0: made by --set */
	int			 hostidx;	/* host: index in run */
};

struct entry {
	size_t			 section;
	char			*key;		/* "msl", "client.msl" */
	char			*host;		/* [at]: host part */
	const struct param	*param;
	char			*value;
	int			 line;		/* 0: from --set */
	const char		*origin;	/* --set text */
	size_t			 nchoices;	/* 0: not swept */
	char			**choices;
	int			 sweep;		/* among swept, or -1 */
};

struct scenario {
	char			*name;
	char			*path;
	size_t			 nruns;
	struct scenario_run	*runs;
	size_t			 npoints;
	unsigned		 repeat;

	/*
	 * Memory: small objects are carved from 64 KiB chunks (a sweep of
	 * thousands of points makes hundreds of thousands of small strings),
	 * large ones get their own block; all are freed at once.
	 */
	void			**allocs;
	size_t			 nallocs, capallocs;
	char			*chunk;
	size_t			 chunk_left;
};

struct loader {
	struct scenario		*sc;
	const char		*file;		/* for messages */
	char			**lines;
	size_t			 nlines;
	size_t			 curline;	/* lines read so far */
	int			 cursec;	/* -1: none yet */

	struct section		*secs;
	size_t			 nsecs, capsecs;
	struct entry		*ents;
	size_t			 nents, capents;
	size_t			 nswept;
	size_t			*swept;		/* entry indices */

	uint64_t		 seed_override;
	char			*err;
	size_t			 errlen;
	int			 failed;
	int			 errline;
	const char		*pointlabel;	/* during expansion */
};

/* ---- memory ---------------------------------------------------------- */

#define SC_CHUNK	65536

/* A zeroed block of its own, remembered for scenario_free. */
static void *
sc_block(struct scenario *sc, size_t n)
{
	void *p;

	if (sc->nallocs == sc->capallocs) {
		size_t cap = sc->capallocs ? sc->capallocs * 2 : 64;
		void **a = realloc(sc->allocs, cap * sizeof(*a));

		if (a == NULL)
			return NULL;
		sc->allocs = a;
		sc->capallocs = cap;
	}
	p = calloc(1, n);
	if (p != NULL)
		sc->allocs[sc->nallocs++] = p;
	return p;
}

/* Zeroed memory that lives as long as the scenario (16-byte aligned). */
static void *
sc_alloc(struct scenario *sc, size_t n)
{
	void *p;

	n = n == 0 ? 16 : (n + 15) & ~(size_t)15;
	if (n > SC_CHUNK / 4)
		return sc_block(sc, n);
	if (n > sc->chunk_left) {
		sc->chunk = sc_block(sc, SC_CHUNK);
		if (sc->chunk == NULL) {
			sc->chunk_left = 0;
			return NULL;
		}
		sc->chunk_left = SC_CHUNK;
	}
	p = sc->chunk;
	sc->chunk += n;
	sc->chunk_left -= n;
	return p;
}

static char *
sc_strdup(struct scenario *sc, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = sc_alloc(sc, n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

static char *
sc_strndup(struct scenario *sc, const char *s, size_t n)
{
	char *p = sc_alloc(sc, n + 1);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

void
scenario_free(struct scenario *sc)
{
	size_t i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nallocs; i++)
		free(sc->allocs[i]);
	free(sc->allocs);
	free(sc);
}

/* ---- errors ---------------------------------------------------------- */

static int
lfail(struct loader *ld, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first error: "FILE:LINE: message". Returns -1. */
static int
lfail(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ld->failed)
		return -1;
	ld->failed = 1;
	ld->errline = line;
	if (ld->err == NULL || ld->errlen == 0)
		return -1;
	if (line > 0)
		n = snprintf(ld->err, ld->errlen, "%s:%d: ", ld->file, line);
	else
		n = snprintf(ld->err, ld->errlen, "%s: ", ld->file);
	if (n < 0 || (size_t)n >= ld->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
efail(struct loader *ld, const struct entry *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Error about an entry: located at its line, or at the --set that made it;
 * during expansion the sweep point is named too.
 */
static int
efail(struct loader *ld, const struct entry *e, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ld->failed)
		return -1;
	if (e != NULL && e->line == 0 && e->origin != NULL) {
		ld->failed = 1;
		snprintf(ld->err, ld->errlen, "--set %s: %s%s%s%s", e->origin,
		    msg, ld->pointlabel ? " (sweep point " : "",
		    ld->pointlabel ? ld->pointlabel : "",
		    ld->pointlabel ? ")" : "");
		return -1;
	}
	return lfail(ld, e != NULL ? e->line : 0, "%s%s%s%s", msg,
	    ld->pointlabel ? " (sweep point " : "",
	    ld->pointlabel ? ld->pointlabel : "",
	    ld->pointlabel ? ")" : "");
}

static int
oom(struct loader *ld)
{
	return lfail(ld, 0, "out of memory");
}

/* ---- small helpers ---------------------------------------------------- */

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Names of hosts and workloads: letters, digits, '_' and '-', no "->". */
static int
valid_name(const char *s)
{
	const char *p;

	if (*s == '\0' || strstr(s, "->") != NULL)
		return 0;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return 0;
	return 1;
}

static const char *
sec_title(const struct loader *ld, size_t i)
{
	return ld->secs[i].title;
}

static int
find_section(const struct loader *ld, enum param_section kind,
    const char *name)
{
	size_t i;

	for (i = 0; i < ld->nsecs; i++)
		if (ld->secs[i].kind == kind && (name == NULL ||
		    (ld->secs[i].name != NULL &&
		    strcmp(ld->secs[i].name, name) == 0)))
			return (int)i;
	return -1;
}

static char *
host_names(const struct loader *ld, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < ld->nsecs && off < len; i++)
		if (ld->secs[i].kind == PARAM_SEC_HOST)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
			    off ? ", " : "", ld->secs[i].name);
	if (off == 0)
		snprintf(buf, len, "none defined");
	return buf;
}

static const char *const section_forms =
    "[run], [host NAME], [path A B], [path A -> B], [workload NAME], "
    "[at TIME]";

/* ---- stage 1: sections ------------------------------------------------ */

static struct section *
add_section(struct loader *ld)
{
	struct section *s;

	if (ld->nsecs == ld->capsecs) {
		size_t cap = ld->capsecs ? ld->capsecs * 2 : 16;
		struct section *n = sc_alloc(ld->sc, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		if (ld->nsecs)
			memcpy(n, ld->secs, ld->nsecs * sizeof(*n));
		ld->secs = n;
		ld->capsecs = cap;
	}
	s = &ld->secs[ld->nsecs++];
	memset(s, 0, sizeof(*s));
	s->hostidx = -1;
	return s;
}

/* Does path section a cover a direction that b covers too? */
static int
paths_overlap(const struct section *a, const struct section *b)
{
	if (strcmp(a->from, b->from) == 0 && strcmp(a->to, b->to) == 0)
		return 1;
	if (strcmp(a->from, b->to) == 0 && strcmp(a->to, b->from) == 0)
		return !a->oneway || !b->oneway;
	return 0;
}

/*
 * Parse a section title ("host client", "path a -> b", "at 120s") into a
 * new section; `line` 0 for sections made by --set.
 */
static int
new_section(struct loader *ld, const char *title, int line, int *idx)
{
	char buf[256], norm[512], *word, *rest, *tok[4], *save;
	struct section *s;
	int kind, ntok = 0, i;
	size_t j, o = 0;
	sim_time_t at;
	char msg[256];

	if (strlen(title) >= sizeof(buf))
		return lfail(ld, line, "section title too long");
	strcpy(buf, title);
	word = trim(buf);
	rest = word;
	while (*rest && !isspace((unsigned char)*rest))
		rest++;
	if (*rest)
		*rest++ = '\0';
	rest = trim(rest);
	kind = params_section_by_name(word);
	if (kind < 0)
		return lfail(ld, line, "unknown section [%s] (valid sections: "
		    "%s)", title, section_forms);

	switch (kind) {
	case PARAM_SEC_RUN:
		if (*rest)
			return lfail(ld, line, "section [%s]: [run] takes no "
			    "name", title);
		i = find_section(ld, PARAM_SEC_RUN, NULL);
		if (i >= 0)
			return lfail(ld, line, "duplicate section [run] (first "
			    "at line %d)", ld->secs[i].line);
		break;
	case PARAM_SEC_HOST:
	case PARAM_SEC_WORKLOAD:
		if (!valid_name(rest))
			return lfail(ld, line, "section [%s]: '%s' is not a "
			    "valid %s name (letters, digits, '_', '-')", title,
			    rest, word);
		i = find_section(ld, kind, rest);
		if (i >= 0)
			return lfail(ld, line, "duplicate section [%s %s] "
			    "(first at line %d)", word, rest,
			    ld->secs[i].line);
		break;
	case PARAM_SEC_PATH:
		/* Put blanks around "->" so "a->b" splits like "a -> b". */
		for (j = 0; rest[j] && o + 4 < sizeof(norm); j++) {
			if (rest[j] == '-' && rest[j + 1] == '>') {
				norm[o++] = ' ';
				norm[o++] = '-';
				norm[o++] = '>';
				norm[o++] = ' ';
				j++;
			} else
				norm[o++] = rest[j];
		}
		norm[o] = '\0';
		for (word = strtok_r(norm, " \t", &save); word != NULL;
		    word = strtok_r(NULL, " \t", &save)) {
			if (ntok == 3) {
				ntok = 4;
				break;
			}
			tok[ntok++] = word;
		}
		if (!(ntok == 2 || (ntok == 3 && strcmp(tok[1], "->") == 0)) ||
		    !valid_name(tok[0]) || !valid_name(tok[ntok - 1]))
			return lfail(ld, line, "section [%s]: expected [path A "
			    "B] (both directions) or [path A -> B]", title);
		if (strcmp(tok[0], tok[ntok - 1]) == 0)
			return lfail(ld, line, "section [%s]: a path joins two "
			    "different hosts", title);
		break;
	case PARAM_SEC_AT:
		if (units_parse_time(rest, &at, msg, sizeof(msg)) != 0)
			return lfail(ld, line, "section [%s]: bad time: %s",
			    title, msg);
		for (j = 0; j < ld->nsecs; j++)
			if (ld->secs[j].kind == PARAM_SEC_AT &&
			    ld->secs[j].at == at)
				return lfail(ld, line, "duplicate section "
				    "[%s] (same time as [%s] at line %d)",
				    title, ld->secs[j].title,
				    ld->secs[j].line);
		break;
	}

	s = add_section(ld);
	if (s == NULL)
		return oom(ld);
	s->kind = (enum param_section)kind;
	s->line = line;
	switch (kind) {
	case PARAM_SEC_RUN:
		s->title = sc_strdup(ld->sc, "run");
		break;
	case PARAM_SEC_HOST:
	case PARAM_SEC_WORKLOAD:
		s->name = sc_strdup(ld->sc, rest);
		snprintf(buf, sizeof(buf), "%s %s",
		    params_section_name(s->kind), rest);
		s->title = sc_strdup(ld->sc, buf);
		break;
	case PARAM_SEC_PATH:
		s->from = sc_strdup(ld->sc, tok[0]);
		s->to = sc_strdup(ld->sc, tok[ntok - 1]);
		s->oneway = ntok == 3;
		snprintf(buf, sizeof(buf), "path %s%s%s", s->from,
		    s->oneway ? " -> " : " ", s->to);
		s->title = sc_strdup(ld->sc, buf);
		for (j = 0; j + 1 < ld->nsecs; j++)
			if (ld->secs[j].kind == PARAM_SEC_PATH &&
			    paths_overlap(&ld->secs[j], s)) {
				ld->nsecs--;
				return lfail(ld, line, "section [%s] describes "
				    "the path between %s and %s again "
				    "(already in [%s] at line %d)", title,
				    tok[0], tok[ntok - 1], ld->secs[j].title,
				    ld->secs[j].line);
			}
		break;
	case PARAM_SEC_AT:
		s->at = at;
		s->title = sc_strdup(ld->sc, title);
		break;
	}
	if (s->title == NULL)
		return oom(ld);
	*idx = (int)(s - ld->secs);
	return 0;
}

/* ---- stage 1: sweeps ------------------------------------------------- */

/* "12.5ms" -> number 12.5 and unit "ms"; -1 if no number. */
static int
split_number(const char *s, double *v, const char **unit)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '-' && *s != '.')
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(*v))
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	*unit = end;
	return 0;
}

/*
 * Expand the sweep in e->value, if any, into e->choices: "${10, 20}/s" ->
 * "10/s", "20/s"; "${1..3 step 1}ms" -> "1ms", "2ms", "3ms".
 */
static int
parse_sweep(struct loader *ld, struct entry *e)
{
	const char *v = e->value, *open, *close, *prefix_end;
	char inner[512], *parts[MAX_CHOICES], *p, *q, *dots, *stepw;
	char elems[64];
	size_t n = 0, i, plen, slen;
	double from, to, step = 1, x;
	const char *ufrom, *uto, *ustep = "";
	char numbuf[64], ubuf[32];
	char **choices;

	open = strstr(v, "${");
	if (open == NULL)
		return 0;
	if (e->param->flags & PARAM_F_NOSWEEP)
		return efail(ld, e, "%s may not be swept: '%s'", e->key, v);
	close = strchr(open, '}');
	if (close == NULL)
		return efail(ld, e, "bad sweep '%s': '${' without closing '}'",
		    v);
	if (strstr(close, "${") != NULL)
		return efail(ld, e, "bad sweep '%s': only one ${...} per value",
		    v);
	if ((size_t)(close - open - 2) >= sizeof(inner))
		return efail(ld, e, "bad sweep '%s': too long", v);
	memcpy(inner, open + 2, (size_t)(close - open - 2));
	inner[close - open - 2] = '\0';
	prefix_end = open;
	plen = (size_t)(prefix_end - v);
	slen = strlen(close + 1);

	dots = strstr(inner, "..");
	if (dots != NULL) {
		/* ${FROM..TO [step S]}: units, if any, must agree. */
		*dots = '\0';
		p = dots + 2;
		stepw = strstr(p, "step");
		if (stepw != NULL) {
			*stepw = '\0';
			if (split_number(stepw + 4, &step, &ustep) != 0)
				return efail(ld, e, "bad sweep '%s': step is "
				    "not a number", v);
		}
		if (split_number(inner, &from, &ufrom) != 0 ||
		    split_number(p, &to, &uto) != 0)
			return efail(ld, e, "bad sweep '%s': expected "
			    "${FROM..TO} or ${FROM..TO step S}", v);
		snprintf(ubuf, sizeof(ubuf), "%s", ufrom);
		trim(ubuf);
		{
			char u2[32], u3[32];

			snprintf(u2, sizeof(u2), "%s", uto);
			snprintf(u3, sizeof(u3), "%s", ustep);
			trim(u2);
			trim(u3);
			if ((u2[0] && strcmp(u2, ubuf) != 0) ||
			    (u3[0] && strcmp(u3, ubuf) != 0) ||
			    (!ubuf[0] && u2[0]))
				return efail(ld, e, "bad sweep '%s': FROM, TO "
				    "and step must have the same unit", v);
		}
		if (!(step > 0))
			return efail(ld, e, "bad sweep '%s': step must be "
			    "positive", v);
		if (to < from)
			return efail(ld, e, "bad sweep '%s': TO is below FROM",
			    v);
		if ((to - from) / step + 1 > MAX_CHOICES)
			return efail(ld, e, "bad sweep '%s': more than %d "
			    "values", v, MAX_CHOICES);
		n = (size_t)floor((to - from) / step + 1e-9) + 1;
		choices = sc_alloc(ld->sc, n * sizeof(*choices));
		if (choices == NULL)
			return oom(ld);
		for (i = 0; i < n; i++) {
			x = from + (double)i * step;
			snprintf(numbuf, sizeof(numbuf), "%.12g%s", x, ubuf);
			snprintf(elems, sizeof(elems), "%s", numbuf);
			p = sc_alloc(ld->sc, plen + strlen(elems) + slen + 1);
			if (p == NULL)
				return oom(ld);
			memcpy(p, v, plen);
			strcpy(p + plen, elems);
			strcat(p, close + 1);
			choices[i] = trim(p);
		}
	} else {
		/*
		 * ${a, b, c}: split at commas outside parentheses, so that
		 * ${uniform(1ms, 2ms), constant(1ms)} has two elements.
		 */
		for (p = inner; ; p = q + 1) {
			int depth = 0;

			for (q = p; *q != '\0'; q++) {
				if (*q == '(')
					depth++;
				else if (*q == ')' && depth > 0)
					depth--;
				else if (*q == ',' && depth == 0)
					break;
			}
			if (*q == '\0')
				q = NULL;
			else
				*q = '\0';
			if (n == MAX_CHOICES)
				return efail(ld, e, "bad sweep '%s': more than "
				    "%d values", v, MAX_CHOICES);
			parts[n] = trim(p);
			if (parts[n][0] == '\0')
				return efail(ld, e, "bad sweep '%s': empty "
				    "value in ${...}", v);
			n++;
			if (q == NULL)
				break;
		}
		choices = sc_alloc(ld->sc, n * sizeof(*choices));
		if (choices == NULL)
			return oom(ld);
		for (i = 0; i < n; i++) {
			p = sc_alloc(ld->sc, plen + strlen(parts[i]) + slen +
			    1);
			if (p == NULL)
				return oom(ld);
			memcpy(p, v, plen);
			strcpy(p + plen, parts[i]);
			strcat(p, close + 1);
			choices[i] = trim(p);
		}
	}
	e->choices = choices;
	e->nchoices = n;
	return 0;
}

/* ---- stage 1: entries ------------------------------------------------ */

static struct entry *
add_entry(struct loader *ld)
{
	struct entry *e;

	if (ld->nents == ld->capents) {
		size_t cap = ld->capents ? ld->capents * 2 : 32;
		struct entry *n = sc_alloc(ld->sc, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		if (ld->nents)
			memcpy(n, ld->ents, ld->nents * sizeof(*n));
		ld->ents = n;
		ld->capents = cap;
	}
	e = &ld->ents[ld->nents++];
	memset(e, 0, sizeof(*e));
	e->sweep = -1;
	return e;
}

static int
find_entry(const struct loader *ld, size_t sec, const char *key)
{
	size_t i;

	for (i = 0; i < ld->nents; i++)
		if (ld->ents[i].section == sec &&
		    strcmp(ld->ents[i].key, key) == 0)
			return (int)i;
	return -1;
}

/*
 * Look a key up for section sec: the param, and for [at] the host part.
 * `line`/`origin` locate the message.
 */
static int
resolve_key(struct loader *ld, size_t sec, const char *key, int line,
    const char *origin, const struct param **pp, char **hostp)
{
	const struct section *s = &ld->secs[sec];
	const struct param *p;
	struct param buf, *copy;
	const char *k = key, *dot, *sug;
	char keys[512], where[300];
	struct entry tmp;

	memset(&tmp, 0, sizeof(tmp));
	tmp.line = line;
	tmp.origin = origin;
	*hostp = NULL;
	if (s->kind == PARAM_SEC_AT) {
		dot = strrchr(key, '.');
		if (dot == NULL || dot == key)
			return efail(ld, &tmp, "key '%s' in [%s] must be "
			    "HOST.KEY (e.g. client.maxtcptw)", key, s->title);
		k = dot + 1;
		*hostp = sc_strndup(ld->sc, key, (size_t)(dot - key));
		if (*hostp == NULL)
			return oom(ld);
	}
	p = params_lookup(s->kind, k, &buf);
	if (p == &buf) {
		/* A host tunable's key: kept as long as the entry. */
		copy = sc_alloc(ld->sc, sizeof(*copy));
		if (copy == NULL)
			return oom(ld);
		*copy = buf;
		p = copy;
	}
	if (p != NULL && s->kind == PARAM_SEC_AT &&
	    !(p->flags & PARAM_F_TUNABLE))
		return efail(ld, &tmp, "'%s' in [%s] cannot change at a "
		    "simulated time (valid keys: %s)", k, s->title,
		    params_list_keys(PARAM_SEC_AT, keys, sizeof(keys)));
	if (p == NULL) {
		sug = params_suggest(s->kind, k);
		snprintf(where, sizeof(where), "%s", s->title);
		if (sug != NULL)
			return efail(ld, &tmp, "unknown key '%s' in [%s] (did "
			    "you mean '%s'? valid keys: %s)", k, where, sug,
			    params_list_keys(s->kind, keys, sizeof(keys)));
		return efail(ld, &tmp, "unknown key '%s' in [%s] (valid "
		    "keys: %s)", k, where,
		    params_list_keys(s->kind, keys, sizeof(keys)));
	}
	*pp = p;
	return 0;
}

/* inih's callback: one KEY = VALUE of the current section. */
static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	struct entry *e;
	const struct param *p;
	char *host;
	int line = (int)ld->curline, prev;

	(void)section;
	if (ld->failed)
		return 0;
	if (ld->cursec < 0) {
		lfail(ld, line, "key '%s' outside any section (start with "
		    "[run])", name);
		return 0;
	}
	if (resolve_key(ld, (size_t)ld->cursec, name, line, NULL, &p,
	    &host) != 0)
		return 0;
	if (value == NULL || value[0] == '\0') {
		lfail(ld, line, "empty value for '%s' in [%s]", name,
		    sec_title(ld, (size_t)ld->cursec));
		return 0;
	}
	prev = find_entry(ld, (size_t)ld->cursec, name);
	if (prev >= 0) {
		lfail(ld, line, "duplicate key '%s' in [%s] (first set at "
		    "line %d)", name, sec_title(ld, (size_t)ld->cursec),
		    ld->ents[prev].line);
		return 0;
	}
	e = add_entry(ld);
	if (e == NULL) {
		oom(ld);
		return 0;
	}
	e->section = (size_t)ld->cursec;
	e->key = sc_strdup(ld->sc, name);
	e->value = sc_strdup(ld->sc, value);
	e->host = host;
	e->param = p;
	e->line = line;
	if (e->key == NULL || e->value == NULL) {
		oom(ld);
		return 0;
	}
	return parse_sweep(ld, e) == 0;
}

/*
 * inih's line reader.  Counts lines; strips comments and leading blanks;
 * handles section headers itself (handing inih a blank line instead) and
 * refuses lines that are neither a header nor KEY = VALUE.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	char buf[1024], *s, *c, *close;
	int line, idx;

	if (ld->failed || ld->curline >= ld->nlines)
		return NULL;
	line = (int)++ld->curline;
	if (strlen(ld->lines[line - 1]) >= sizeof(buf) ||
	    strlen(ld->lines[line - 1]) + 3 > (size_t)num) {
		lfail(ld, line, "line too long (at most %d characters)",
		    num - 3);
		return NULL;
	}
	strcpy(buf, ld->lines[line - 1]);
	s = trim(buf);
	/* Comments: a line starting with ';' or '#', or one after a blank. */
	for (c = s; *c; c++)
		if ((*c == ';' || *c == '#') && (c == s ||
		    isspace((unsigned char)c[-1]))) {
			*c = '\0';
			break;
		}
	s = trim(s);
	if (*s == '[') {
		close = strchr(s, ']');
		if (close == NULL) {
			lfail(ld, line, "section header '%s' lacks ']'", s);
			return NULL;
		}
		if (close[1] != '\0') {
			lfail(ld, line, "text '%s' after section header", close
			    + 1);
			return NULL;
		}
		*close = '\0';
		if (new_section(ld, s + 1, line, &idx) != 0)
			return NULL;
		ld->cursec = idx;
		s = close;
		*s = '\0';
	} else if (*s != '\0' && strchr(s, '=') == NULL) {
		lfail(ld, line, "expected KEY = VALUE or [SECTION], not '%s'",
		    s);
		return NULL;
	}
	snprintf(str, (size_t)num, "%s\n", s);
	return str;
}

/* Split text into lines (the reader hands them to inih one by one). */
static int
split_lines(struct loader *ld, const char *text)
{
	const char *p, *nl;
	size_t n = 1, i = 0;

	/* A UTF-8 byte order mark, as some editors write. */
	if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;
	for (p = text; *p; p++)
		if (*p == '\n')
			n++;
	ld->lines = sc_alloc(ld->sc, n * sizeof(*ld->lines));
	if (ld->lines == NULL)
		return oom(ld);
	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		ld->lines[i] = sc_strndup(ld->sc, p, (size_t)(nl - p));
		if (ld->lines[i] == NULL)
			return oom(ld);
		/* CRLF files. */
		if (nl > p && nl[-1] == '\r')
			ld->lines[i][nl - p - 1] = '\0';
		i++;
		if (*nl == '\0')
			break;
	}
	ld->nlines = i;
	return 0;
}

/* ---- stage 2: overrides and references ------------------------------- */

/* Apply one "KEY=VALUE". */
static int
apply_override(struct loader *ld, const char *ov)
{
	char buf[512], *eq, *key, *value, *kind, *mid, *k, *dot;
	const struct param *p;
	struct entry tmp, *e;
	char *host;
	int sec = -1, idx;
	size_t i;
	sim_time_t at;
	const char *origin;
	char secname[300];

	memset(&tmp, 0, sizeof(tmp));
	tmp.origin = ov;
	if (strlen(ov) >= sizeof(buf))
		return efail(ld, &tmp, "too long");
	strcpy(buf, ov);
	eq = strchr(buf, '=');
	if (eq == NULL)
		return efail(ld, &tmp, "expected KEY=VALUE");
	*eq = '\0';
	key = trim(buf);
	value = trim(eq + 1);
	if (*value == '\0')
		return efail(ld, &tmp, "empty value");
	kind = key;
	dot = strchr(key, '.');
	if (dot == NULL)
		return efail(ld, &tmp, "key '%s' must be SECTION.KEY (run.KEY, "
		    "host.NAME.KEY, path.A.B.KEY, path.A->B.KEY, "
		    "workload.NAME.KEY, at.TIME.HOST.KEY)", key);
	*dot = '\0';
	mid = dot + 1;
	k = strrchr(mid, '.');
	if (strcmp(kind, "run") == 0) {
		if (k != NULL)
			return efail(ld, &tmp, "key '%s.%s' must be run.KEY",
			    kind, mid);
		sec = find_section(ld, PARAM_SEC_RUN, NULL);
		if (sec < 0)
			return efail(ld, &tmp, "%s has no [run] section",
			    ld->file);
		k = mid;
	} else if (k == NULL) {
		return efail(ld, &tmp, "key '%s.%s' lacks a section name",
		    kind, mid);
	} else {
		*k++ = '\0';
		if (strcmp(kind, "host") == 0 ||
		    strcmp(kind, "workload") == 0) {
			sec = find_section(ld, (enum param_section)
			    params_section_by_name(kind), mid);
			if (sec < 0)
				return efail(ld, &tmp, "%s has no [%s %s] "
				    "section", ld->file, kind, mid);
		} else if (strcmp(kind, "path") == 0) {
			char *arrow = strstr(mid, "->"), *a = mid, *b;
			int oneway = arrow != NULL;

			if (arrow != NULL) {
				*arrow = '\0';
				b = arrow + 2;
			} else if ((b = strchr(mid, '.')) != NULL)
				*b++ = '\0';
			else
				return efail(ld, &tmp, "path key must be "
				    "path.A.B.KEY or path.A->B.KEY");
			for (i = 0; i < ld->nsecs; i++)
				if (ld->secs[i].kind == PARAM_SEC_PATH &&
				    ld->secs[i].oneway == oneway &&
				    strcmp(ld->secs[i].from, a) == 0 &&
				    strcmp(ld->secs[i].to, b) == 0)
					sec = (int)i;
			if (sec < 0)
				return efail(ld, &tmp, "%s has no [path %s%s%s] "
				    "section", ld->file, a, oneway ? " -> " :
				    " ", b);
		} else if (strcmp(kind, "at") == 0) {
			/* at.TIME.HOST.KEY: TIME may hold a dot (1.5s). */
			char *h = strrchr(mid, '.');
			char title[128];

			if (h == NULL)
				return efail(ld, &tmp, "key must be "
				    "at.TIME.HOST.KEY");
			*h++ = '\0';
			if (units_parse_time(mid, &at, secname,
			    sizeof(secname)) != 0)
				return efail(ld, &tmp, "bad time in key: %s",
				    secname);
			for (i = 0; i < ld->nsecs; i++)
				if (ld->secs[i].kind == PARAM_SEC_AT &&
				    ld->secs[i].at == at)
					sec = (int)i;
			if (sec < 0) {
				snprintf(title, sizeof(title), "at %s", mid);
				if (new_section(ld, title, 0, &idx) != 0)
					return -1;
				sec = idx;
			}
			/* Rebuild "HOST.KEY" for the [at] section. */
			snprintf(secname, sizeof(secname), "%s.%s", h, k);
			k = secname;
		} else
			return efail(ld, &tmp, "unknown section kind '%s' "
			    "(valid: run, host, path, workload, at)", kind);
	}
	origin = sc_strdup(ld->sc, ov);
	if (origin == NULL)
		return oom(ld);
	if (resolve_key(ld, (size_t)sec, k, 0, origin, &p, &host) != 0)
		return -1;
	idx = find_entry(ld, (size_t)sec, k);
	if (idx >= 0) {
		e = &ld->ents[idx];
	} else {
		e = add_entry(ld);
		if (e == NULL)
			return oom(ld);
		e->section = (size_t)sec;
		e->key = sc_strdup(ld->sc, k);
		if (e->key == NULL)
			return oom(ld);
	}
	e->param = p;
	e->host = host;
	e->line = 0;
	e->origin = origin;
	e->value = sc_strdup(ld->sc, value);
	e->choices = NULL;
	e->nchoices = 0;
	if (e->value == NULL)
		return oom(ld);
	return parse_sweep(ld, e);
}

/* Required keys present; [at] and [path] name defined hosts. */
static int
check_structure(struct loader *ld)
{
	char hosts[512];
	size_t i, j;
	int h;
	const struct section *s;

	if (find_section(ld, PARAM_SEC_RUN, NULL) < 0)
		return lfail(ld, 0, "missing [run] section (it needs at least "
		    "duration = TIME)");
	for (i = 0; i < ld->nsecs; i++) {
		s = &ld->secs[i];
		for (j = 0; j < P_NPARAMS; j++) {
			const struct param *p = params_by_id((enum param_id)j);

			if (p->section != s->kind ||
			    !(p->flags & PARAM_F_REQUIRED))
				continue;
			if (find_entry(ld, i, p->key) < 0)
				return lfail(ld, s->line, "[%s] is missing "
				    "required key '%s' (%s)", s->title, p->key,
				    p->meaning);
		}
		if (s->kind == PARAM_SEC_PATH) {
			if (find_section(ld, PARAM_SEC_HOST, s->from) < 0)
				return lfail(ld, s->line, "unknown host '%s' in "
				    "[%s] (hosts: %s)", s->from, s->title,
				    host_names(ld, hosts, sizeof(hosts)));
			if (find_section(ld, PARAM_SEC_HOST, s->to) < 0)
				return lfail(ld, s->line, "unknown host '%s' in "
				    "[%s] (hosts: %s)", s->to, s->title,
				    host_names(ld, hosts, sizeof(hosts)));
		}
	}
	for (i = 0; i < ld->nents; i++) {
		const struct entry *e = &ld->ents[i];

		if (e->host == NULL)
			continue;
		h = find_section(ld, PARAM_SEC_HOST, e->host);
		if (h < 0)
			return efail(ld, e, "unknown host '%s' in '%s' in [%s] "
			    "(hosts: %s)", e->host, e->key,
			    sec_title(ld, e->section),
			    host_names(ld, hosts, sizeof(hosts)));
	}
	return 0;
}

/* ---- stage 3: values --------------------------------------------------- */

struct pval {
	int64_t			 i;
	uint64_t		 u;
	double			 d;
	struct dist		 dist;
	int			 first, last;
	uint32_t		*addrs;
	uint16_t		*ports;
	size_t			 n;
	struct scenario_rate_step *steps;
	const char		*s;
	char			 canon[512];
};

/* Split a comma list into trimmed items (in place); returns count. */
static size_t
split_list(char *s, char **items, size_t max)
{
	size_t n = 0;
	char *q;

	for (;;) {
		q = strchr(s, ',');
		if (q != NULL)
			*q = '\0';
		if (n < max)
			items[n] = trim(s);
		n++;
		if (q == NULL)
			break;
		s = q + 1;
	}
	return n;
}

static int
check_bounds(const struct param *p, double v, char *msg, size_t len)
{
	char a[48], b[48];

	if (v >= p->min && v <= p->max)
		return 0;
	switch (p->type) {
	case PARAM_T_TIME:
		snprintf(msg, len, "out of range (%s to %s)",
		    units_format_time((sim_time_t)p->min, a, sizeof(a)),
		    units_format_time((sim_time_t)p->max, b, sizeof(b)));
		break;
	case PARAM_T_SIZE:
		snprintf(msg, len, "out of range (%s to %s)",
		    units_format_size((uint64_t)p->min, a, sizeof(a)),
		    units_format_size((uint64_t)p->max, b, sizeof(b)));
		break;
	case PARAM_T_RATE:
		snprintf(msg, len, "out of range (%s to %s)",
		    units_format_rate(p->min, a, sizeof(a)),
		    units_format_rate(p->max, b, sizeof(b)));
		break;
	default:
		snprintf(msg, len, "out of range (%.0f to %.0f)", p->min,
		    p->max);
		break;
	}
	return -1;
}

/* Parse text as param p's type into pv (and its canonical text). */
static int
parse_value(struct scenario *sc, const struct param *p, const char *text,
    struct pval *pv, char *msg, size_t len)
{
	char buf[512], *items[256], a[48];
	size_t i, j, n, off;
	sim_time_t t;

	memset(pv, 0, sizeof(*pv));
	switch (p->type) {
	case PARAM_T_NAME:
		snprintf(pv->canon, sizeof(pv->canon), "%s", text);
		pv->s = text;
		return 0;
	case PARAM_T_TIME:
		if (units_parse_time(text, &t, msg, len) != 0)
			return -1;
		if (check_bounds(p, (double)t, msg, len) != 0)
			return -1;
		pv->i = t;
		units_format_time(t, pv->canon, sizeof(pv->canon));
		return 0;
	case PARAM_T_SIZE:
		if (units_parse_size(text, &pv->u, msg, len) != 0)
			return -1;
		if (check_bounds(p, (double)pv->u, msg, len) != 0)
			return -1;
		units_format_size(pv->u, pv->canon, sizeof(pv->canon));
		return 0;
	case PARAM_T_RATE:
		if (units_parse_rate_steps(text, &pv->steps, &pv->n, msg,
		    len) != 0)
			return -1;
		/* Hand the array to the scenario's allocations. */
		{
			struct scenario_rate_step *s = sc_alloc(sc,
			    pv->n * sizeof(*s));

			if (s == NULL) {
				free(pv->steps);
				snprintf(msg, len, "out of memory");
				return -1;
			}
			memcpy(s, pv->steps, pv->n * sizeof(*s));
			free(pv->steps);
			pv->steps = s;
		}
		for (i = 0; i < pv->n; i++)
			if (check_bounds(p, pv->steps[i].rate, msg, len) != 0)
				return -1;
		units_format_rate_steps(pv->steps, pv->n, pv->canon,
		    sizeof(pv->canon));
		return 0;
	case PARAM_T_PROB:
		if (units_parse_prob(text, &pv->d, msg, len) != 0)
			return -1;
		units_format_double(pv->d, pv->canon, sizeof(pv->canon));
		return 0;
	case PARAM_T_INT:
		if (units_parse_int(text, &pv->i, msg, len) != 0)
			return -1;
		if (check_bounds(p, (double)pv->i, msg, len) != 0)
			return -1;
		snprintf(pv->canon, sizeof(pv->canon), "%lld",
		    (long long)pv->i);
		return 0;
	case PARAM_T_SEED:
		if (units_parse_uint64(text, &pv->u, msg, len) != 0)
			return -1;
		snprintf(pv->canon, sizeof(pv->canon), "%llu",
		    (unsigned long long)pv->u);
		return 0;
	case PARAM_T_PORTRANGE:
		if (units_parse_portrange(text, &pv->first, &pv->last, msg,
		    len) != 0)
			return -1;
		snprintf(pv->canon, sizeof(pv->canon), "%d-%d", pv->first,
		    pv->last);
		return 0;
	case PARAM_T_PORTS:
	case PARAM_T_ADDRS:
		snprintf(buf, sizeof(buf), "%s", text);
		if (trim(buf)[0] == '\0') {
			pv->n = 0;
			return 0;
		}
		n = split_list(buf, items, 256);
		if (n > 256) {
			snprintf(msg, len, "more than 256 items");
			return -1;
		}
		if (p->type == PARAM_T_PORTS)
			pv->ports = sc_alloc(sc, n * sizeof(*pv->ports));
		else
			pv->addrs = sc_alloc(sc, n * sizeof(*pv->addrs));
		if (pv->ports == NULL && pv->addrs == NULL) {
			snprintf(msg, len, "out of memory");
			return -1;
		}
		off = 0;
		for (i = 0; i < n; i++) {
			if (p->type == PARAM_T_PORTS) {
				if (units_parse_port(items[i], 0, &pv->ports[i],
				    msg, len) != 0)
					return -1;
				for (j = 0; j < i; j++)
					if (pv->ports[j] == pv->ports[i]) {
						snprintf(msg, len, "port %u "
						    "listed twice",
						    pv->ports[i]);
						return -1;
					}
				snprintf(a, sizeof(a), "%u", pv->ports[i]);
			} else {
				if (units_parse_ipv4(items[i], &pv->addrs[i],
				    msg, len) != 0)
					return -1;
				for (j = 0; j < i; j++)
					if (pv->addrs[j] == pv->addrs[i]) {
						snprintf(msg, len, "address "
						    "%s listed twice",
						    items[i]);
						return -1;
					}
				units_format_ipv4(pv->addrs[i], a, sizeof(a));
			}
			off += (size_t)snprintf(pv->canon + off,
			    off < sizeof(pv->canon) ? sizeof(pv->canon) - off :
			    0, "%s%s", i ? ", " : "", a);
			if (off >= sizeof(pv->canon))
				off = sizeof(pv->canon) - 1;
		}
		pv->n = n;
		return 0;
	case PARAM_T_DIST:
		if (units_parse_dist(text, &pv->dist, msg, len) != 0)
			return -1;
		units_format_dist(&pv->dist, pv->canon, sizeof(pv->canon));
		return 0;
	case PARAM_T_ENUM:
		{
			const char *c = p->choices, *bar;
			int k = 0;
			char t2[128];

			snprintf(t2, sizeof(t2), "%s", text);
			trim(t2);
			for (;; k++) {
				bar = strchr(c, '|');
				n = bar ? (size_t)(bar - c) : strlen(c);
				if (strlen(t2) == n && strncmp(t2, c, n) == 0) {
					pv->i = k;
					snprintf(pv->canon, sizeof(pv->canon),
					    "%s", t2);
					return 0;
				}
				if (bar == NULL)
					break;
				c = bar + 1;
			}
			/* "yes|no|auto" -> "yes, no, auto" */
			for (i = 0, c = p->choices; *c && i + 3 < 128; c++) {
				if (*c == '|') {
					buf[i++] = ',';
					buf[i++] = ' ';
				} else
					buf[i++] = *c;
			}
			buf[i] = '\0';
			snprintf(msg, len, "'%.100s' is not one of: %.100s", t2,
			    buf);
			return -1;
		}
	case PARAM_T_CLIENT:
	case PARAM_T_SERVER:
		snprintf(pv->canon, sizeof(pv->canon), "%s", text);
		pv->s = text;
		return 0;
	}
	snprintf(msg, len, "internal: unknown type");
	return -1;
}

/* ---- stage 3: one run ------------------------------------------------ */

struct point {
	const size_t	*choice;	/* per swept entry */
	const char	*label;
};

/* Value text of entry e at this point. */
static const char *
entry_text(const struct entry *e, const struct point *pt)
{
	if (e->sweep >= 0)
		return e->choices[pt->choice[e->sweep]];
	return e->value;
}

struct builder {
	struct loader		*ld;
	struct scenario_run	*run;
	const struct point	*pt;
	struct scenario_param	*params;
	size_t			 nparams, capparams;
};

static int
add_param(struct builder *b, const char *key, const char *value)
{
	struct scenario *sc = b->ld->sc;

	if (b->nparams == b->capparams) {
		size_t cap = b->capparams ? b->capparams * 2 : 64;
		struct scenario_param *n = sc_alloc(sc, cap * sizeof(*n));

		if (n == NULL)
			return oom(b->ld);
		if (b->nparams)
			memcpy(n, b->params, b->nparams * sizeof(*n));
		b->params = n;
		b->capparams = cap;
	}
	b->params[b->nparams].key = sc_strdup(sc, key);
	b->params[b->nparams].value = sc_strdup(sc, value);
	if (b->params[b->nparams].key == NULL ||
	    b->params[b->nparams].value == NULL)
		return oom(b->ld);
	b->nparams++;
	return 0;
}

/* Prefix of section i's keys in the params list: "host.client". */
static void
key_prefix(const struct section *s, char *buf, size_t len)
{
	char t[48];

	switch (s->kind) {
	case PARAM_SEC_RUN:
		snprintf(buf, len, "run");
		break;
	case PARAM_SEC_HOST:
	case PARAM_SEC_WORKLOAD:
		snprintf(buf, len, "%s.%s", params_section_name(s->kind),
		    s->name);
		break;
	case PARAM_SEC_PATH:
		snprintf(buf, len, "path.%s%s%s", s->from,
		    s->oneway ? "->" : ".", s->to);
		break;
	case PARAM_SEC_AT:
		snprintf(buf, len, "at.%s", units_format_time(s->at, t,
		    sizeof(t)));
		break;
	default:
		buf[0] = '\0';
	}
}

/*
 * Value of param p in section si: parsed into pv, recorded in the params
 * list.  *ep is the entry that set it (NULL: default).  Returns 1 if p has
 * no value (computed default), 0 if parsed, -1 on error.
 */
static int
get_value(struct builder *b, size_t si, const struct param *p,
    struct pval *pv, const struct entry **ep)
{
	struct loader *ld = b->ld;
	const struct section *s = &ld->secs[si];
	const struct entry *e = NULL;
	const char *text;
	char msg[512], key[320], prefix[256];
	int idx;

	idx = find_entry(ld, si, p->key);
	if (idx >= 0)
		e = &ld->ents[idx];
	*ep = e;
	if (e != NULL)
		text = entry_text(e, b->pt);
	else if (params_default(p) != NULL)
		text = params_default(p);
	else
		return 1;
	if (parse_value(ld->sc, p, text, pv, msg, sizeof(msg)) != 0) {
		if (e == NULL)
			return lfail(ld, s->line, "internal: bad default "
			    "'%s' for %s: %s", text, p->key, msg);
		return efail(ld, e, "bad value '%s' for %s in [%s]: %s",
		    text, p->key, s->title, msg);
	}
	key_prefix(s, prefix, sizeof(prefix));
	snprintf(key, sizeof(key), "%s.%s", prefix, p->key);
	if (add_param(b, key, pv->canon) != 0)
		return -1;
	return 0;
}

static const char *
file_base(struct scenario *sc, const char *file)
{
	const char *slash = strrchr(file, '/'), *base;
	size_t n;

	base = slash ? slash + 1 : file;
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
		n -= 4;
	return sc_strndup(sc, base, n);
}

static int
build_run_section(struct builder *b, size_t si)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	const struct entry *e;
	struct pval pv;
	size_t i;
	int rc;

	for (i = 0; i < P_NPARAMS; i++) {
		const struct param *p = params_by_id((enum param_id)i);

		if (p->section != PARAM_SEC_RUN)
			continue;
		rc = get_value(b, si, p, &pv, &e);
		if (rc < 0)
			return -1;
		switch (p->id) {
		case P_RUN_NAME:
			if (rc == 1) {
				r->name = file_base(ld->sc, ld->file);
				if (r->name == NULL ||
				    add_param(b, "run.name", r->name) != 0)
					return oom(ld);
			} else
				r->name = sc_strdup(ld->sc, pv.s);
			break;
		case P_RUN_DURATION:
			r->duration = pv.i;
			break;
		case P_RUN_SEED:
			r->master_seed = pv.u;
			break;
		case P_RUN_REPEAT:
			break;
		case P_RUN_SAMPLE:
			r->sample = pv.i;
			break;
		case P_RUN_CONNECTIONS:
			r->connections = pv.i == 0 ? SCENARIO_CONN_YES :
			    pv.i == 1 ? SCENARIO_CONN_NO : SCENARIO_CONN_AUTO;
			break;
		default:
			break;
		}
	}
	if (r->name == NULL)
		return oom(ld);
	if (ld->seed_override != 0)
		r->master_seed = ld->seed_override;
	return 0;
}

/*
 * Store a parsed tunable value as its boot value, after the row's own check
 * (hz must divide 1e9); e is the entry that set it (NULL: the default).
 */
static int
set_tunable(struct builder *b, struct host_tunables *tun,
    const struct tunable *t, const struct pval *pv, const struct entry *e,
    const struct section *s)
{
	char msg[256];

	if (t->type == TUNABLE_T_PORTRANGE) {
		tunable_store(tun, t, 0, pv->first);
		tunable_store(tun, t, 1, pv->last);
		return 0;
	}
	if (t->check != NULL && t->check(t, pv->i, msg, sizeof(msg)) != 0) {
		if (e == NULL)
			return lfail(b->ld, s->line, "internal: bad default "
			    "for %s: %s", t->key, msg);
		return efail(b->ld, e, "bad value '%s' for %s in [%s]: %s",
		    entry_text(e, b->pt), t->key, s->title, msg);
	}
	tunable_store(tun, t, 0, pv->i);
	return 0;
}

static int
build_hosts(struct builder *b)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	struct scenario_host *hosts;
	const struct entry *e;
	const struct entry **addr_entries;
	const struct tunable *tt;
	struct param tp;
	struct pval pv;
	size_t i, j, k, n = 0, h, h2, ntt;
	char a[32];

	for (i = 0; i < ld->nsecs; i++)
		if (ld->secs[i].kind == PARAM_SEC_HOST)
			n++;
	hosts = sc_alloc(ld->sc, n * sizeof(*hosts));
	addr_entries = sc_alloc(ld->sc, n * sizeof(*addr_entries));
	if (hosts == NULL || addr_entries == NULL)
		return oom(ld);
	h = 0;
	for (i = 0; i < ld->nsecs; i++) {
		struct section *s = &ld->secs[i];

		if (s->kind != PARAM_SEC_HOST)
			continue;
		s->hostidx = (int)h;
		hosts[h].name = s->name;
		for (j = 0; j < P_NPARAMS; j++) {
			const struct param *p = params_by_id((enum param_id)j);

			if (p->section != PARAM_SEC_HOST)
				continue;
			if (get_value(b, i, p, &pv, &e) < 0)
				return -1;
			if (p->id == P_HOST_ADDRESS) {
				hosts[h].addrs = pv.addrs;
				hosts[h].naddrs = pv.n;
				addr_entries[h] = e;
			} else if (p->id == P_HOST_LISTEN) {
				hosts[h].listen = pv.ports;
				hosts[h].nlisten = pv.n;
			}
		}
		/* The tunables, as boot values (the loader's path). */
		tt = tunable_table(&ntt);
		for (j = 0; j < ntt; j++) {
			if (get_value(b, i, params_of_tunable(&tt[j], &tp), &pv,
			    &e) < 0)
				return -1;
			if (set_tunable(b, &hosts[h].tun, &tt[j], &pv, e,
			    s) != 0)
				return -1;
		}
		/* An address belongs to one host only. */
		for (h2 = 0; h2 < h; h2++)
			for (j = 0; j < hosts[h].naddrs; j++)
				for (k = 0; k < hosts[h2].naddrs; k++)
					if (hosts[h].addrs[j] ==
					    hosts[h2].addrs[k])
						return efail(ld,
						    addr_entries[h], "address "
						    "%s of [host %s] is "
						    "already an address of "
						    "[host %s] (line %d)",
						    units_format_ipv4(
						    hosts[h].addrs[j], a,
						    sizeof(a)), hosts[h].name,
						    hosts[h2].name,
						    addr_entries[h2]->line);
		h++;
	}
	r->hosts = hosts;
	r->nhosts = n;
	return 0;
}

static int
host_index(const struct loader *ld, const char *name)
{
	int s = find_section(ld, PARAM_SEC_HOST, name);

	return s < 0 ? -1 : ld->secs[s].hostidx;
}

static int
build_paths(struct builder *b)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	struct scenario_path *paths, proto;
	const struct entry *e;
	struct pval pv;
	size_t i, j, n = 0, cap;
	int from, to;

	cap = r->nhosts * (r->nhosts > 0 ? r->nhosts - 1 : 0);
	paths = sc_alloc(ld->sc, cap * sizeof(*paths));
	if (paths == NULL)
		return oom(ld);
	for (i = 0; i < ld->nsecs; i++) {
		const struct section *s = &ld->secs[i];

		if (s->kind != PARAM_SEC_PATH)
			continue;
		memset(&proto, 0, sizeof(proto));
		for (j = 0; j < P_NPARAMS; j++) {
			const struct param *p = params_by_id((enum param_id)j);

			if (p->section != PARAM_SEC_PATH)
				continue;
			if (get_value(b, i, p, &pv, &e) < 0)
				return -1;
			switch (p->id) {
			case P_PATH_LATENCY:
				proto.latency = pv.dist;
				break;
			case P_PATH_LOSS:
				proto.loss = pv.d;
				break;
			case P_PATH_DUPLICATE:
				proto.duplicate = pv.d;
				break;
			case P_PATH_DUPLICATE_DELAY:
				proto.duplicate_delay = pv.dist;
				break;
			default:
				break;
			}
		}
		from = host_index(ld, s->from);
		to = host_index(ld, s->to);
		proto.from_host = (size_t)from;
		proto.to_host = (size_t)to;
		paths[n++] = proto;
		if (!s->oneway) {
			proto.from_host = (size_t)to;
			proto.to_host = (size_t)from;
			paths[n++] = proto;
		}
	}
	/* Every other ordered pair: the defaults. */
	for (i = 0; i < r->nhosts; i++)
		for (j = 0; j < r->nhosts; j++) {
			size_t k;
			struct pval lat, dd;
			char msg[128];

			if (i == j)
				continue;
			for (k = 0; k < n; k++)
				if (paths[k].from_host == i &&
				    paths[k].to_host == j)
					break;
			if (k < n)
				continue;
			if (parse_value(ld->sc, params_by_id(P_PATH_LATENCY),
			    params_by_id(P_PATH_LATENCY)->defval, &lat, msg,
			    sizeof(msg)) != 0 ||
			    parse_value(ld->sc,
			    params_by_id(P_PATH_DUPLICATE_DELAY),
			    params_by_id(P_PATH_DUPLICATE_DELAY)->defval, &dd,
			    msg, sizeof(msg)) != 0)
				return lfail(ld, 0, "internal: %s", msg);
			memset(&paths[n], 0, sizeof(paths[n]));
			paths[n].from_host = i;
			paths[n].to_host = j;
			paths[n].latency = lat.dist;
			paths[n].duplicate_delay = dd.dist;
			paths[n].implicit = 1;
			n++;
		}
	r->paths = paths;
	r->npaths = n;
	return 0;
}

/* "HOST", "HOST/ADDR", "HOST:PORT", "HOST/ADDR:PORT". */
static int
resolve_endpoint(struct builder *b, const struct entry *e, const char *text,
    int server, size_t *hostp, uint32_t *addrp, uint16_t *portp)
{
	struct loader *ld = b->ld;
	const struct scenario_run *r = b->run;
	char buf[256], *name, *slash, *colon, msg[160], hosts[512], a[32];
	const struct scenario_host *h;
	const char *sec = sec_title(ld, e->section);
	uint32_t addr = 0;
	uint16_t port = 80;
	size_t i;
	int hi;

	snprintf(buf, sizeof(buf), "%s", text);
	name = trim(buf);
	colon = strchr(name, ':');
	if (colon != NULL) {
		if (!server)
			return efail(ld, e, "bad value '%s' for client in [%s]: "
			    "a client takes no port (use sport)", text, sec);
		*colon++ = '\0';
		if (units_parse_port(colon, 0, &port, msg, sizeof(msg)) != 0)
			return efail(ld, e, "bad value '%s' for server in "
			    "[%s]: %s", text, sec, msg);
	}
	slash = strchr(name, '/');
	if (slash != NULL) {
		*slash++ = '\0';
		if (units_parse_ipv4(slash, &addr, msg, sizeof(msg)) != 0)
			return efail(ld, e, "bad value '%s' for %s in [%s]: %s",
			    text, server ? "server" : "client", sec, msg);
	}
	hi = host_index(ld, trim(name));
	if (hi < 0)
		return efail(ld, e, "unknown host '%s' in %s = %s in [%s] "
		    "(hosts: %s)", name, server ? "server" : "client", text,
		    sec, host_names(ld, hosts, sizeof(hosts)));
	h = &r->hosts[hi];
	if (slash != NULL) {
		for (i = 0; i < h->naddrs; i++)
			if (h->addrs[i] == addr)
				break;
		if (i == h->naddrs)
			return efail(ld, e, "address %s in %s = %s in [%s] is "
			    "not an address of [host %s]", units_format_ipv4(
			    addr, a, sizeof(a)), server ? "server" : "client",
			    text, sec, h->name);
	} else
		addr = h->addrs[0];
	if (server) {
		for (i = 0; i < h->nlisten; i++)
			if (h->listen[i] == port)
				break;
		if (i == h->nlisten)
			return efail(ld, e, "server = %s in [%s]: host '%s' "
			    "does not listen on port %u (%s)", text, sec,
			    h->name, port, h->nlisten ? "add it to its listen "
			    "key" : "it has no listen key");
	}
	*hostp = (size_t)hi;
	*addrp = addr;
	*portp = port;
	return 0;
}

static double
expected_connections(const struct scenario_workload *w)
{
	double sum = 0;
	size_t i;
	sim_time_t a, z;

	for (i = 0; i < w->nsteps; i++) {
		a = w->steps[i].start > w->start ? w->steps[i].start : w->start;
		z = i + 1 < w->nsteps ? w->steps[i + 1].start : w->stop;
		if (z > w->stop)
			z = w->stop;
		if (z > a)
			sum += w->steps[i].rate * sim_time_to_sec(z - a);
	}
	return sum;
}

static int
build_workloads(struct builder *b)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	struct scenario_workload *wl;
	const struct entry *e, *client_e = NULL, *server_e = NULL;
	const struct entry *stop_e = NULL, *start_e = NULL;
	struct pval pv;
	size_t i, j, n = 0, w = 0;
	int rc;
	char t1[48], t2[48], prefix[256], key[320];
	const char *client_text = NULL, *server_text = NULL;

	for (i = 0; i < ld->nsecs; i++)
		if (ld->secs[i].kind == PARAM_SEC_WORKLOAD)
			n++;
	wl = sc_alloc(ld->sc, n * sizeof(*wl));
	if (wl == NULL)
		return oom(ld);
	r->expected_connections = 0;
	for (i = 0; i < ld->nsecs; i++) {
		const struct section *s = &ld->secs[i];
		struct scenario_workload *x = &wl[w];
		int have_stop = 0;

		if (s->kind != PARAM_SEC_WORKLOAD)
			continue;
		x->name = s->name;
		for (j = 0; j < P_NPARAMS; j++) {
			const struct param *p = params_by_id((enum param_id)j);

			if (p->section != PARAM_SEC_WORKLOAD)
				continue;
			rc = get_value(b, i, p, &pv, &e);
			if (rc < 0)
				return -1;
			switch (p->id) {
			case P_WL_CLIENT:
				client_e = e;
				client_text = pv.s;
				break;
			case P_WL_SERVER:
				server_e = e;
				server_text = pv.s;
				break;
			case P_WL_ARRIVAL:
				x->arrival = pv.i == 0 ?
				    SCENARIO_ARRIVAL_POISSON :
				    SCENARIO_ARRIVAL_CONSTANT;
				break;
			case P_WL_RATE:
				x->steps = pv.steps;
				x->nsteps = pv.n;
				break;
			case P_WL_REQUEST:
				x->request = pv.u;
				break;
			case P_WL_RESPONSE:
				x->response = pv.u;
				break;
			case P_WL_HOLD:
				x->hold = pv.i;
				break;
			case P_WL_CLOSE:
				x->close_by = pv.i == 0 ?
				    SCENARIO_CLOSE_CLIENT :
				    SCENARIO_CLOSE_SERVER;
				break;
			case P_WL_SPORT:
				x->sport = (uint16_t)pv.i;
				break;
			case P_WL_START:
				x->start = pv.i;
				start_e = e;
				break;
			case P_WL_STOP:
				if (rc == 1) {
					x->stop = r->duration;
					key_prefix(s, prefix, sizeof(prefix));
					snprintf(key, sizeof(key), "%s.stop",
					    prefix);
					if (add_param(b, key, units_format_time(
					    x->stop, t1, sizeof(t1))) != 0)
						return -1;
				} else {
					x->stop = pv.i;
					have_stop = 1;
				}
				stop_e = e;
				break;
			default:
				break;
			}
		}
		if (resolve_endpoint(b, client_e, client_text, 0,
		    &x->client_host, &x->client_addr, &(uint16_t){0}) != 0 ||
		    resolve_endpoint(b, server_e, server_text, 1,
		    &x->server_host, &x->server_addr, &x->server_port) != 0)
			return -1;
		if (have_stop && x->stop > r->duration)
			return efail(ld, stop_e, "stop = %s in [%s] is after "
			    "the end of the run (duration = %s)",
			    units_format_time(x->stop, t1, sizeof(t1)),
			    s->title, units_format_time(r->duration, t2,
			    sizeof(t2)));
		if (x->start >= x->stop)
			return efail(ld, start_e != NULL ? start_e : stop_e,
			    "start = %s in [%s] is not before stop = %s",
			    units_format_time(x->start, t1, sizeof(t1)),
			    s->title, units_format_time(x->stop, t2,
			    sizeof(t2)));
		r->expected_connections += expected_connections(x);
		w++;
	}
	r->workloads = wl;
	r->nworkloads = n;
	return 0;
}

static int
build_changes(struct builder *b)
{
	struct loader *ld = b->ld;
	struct scenario_run *r = b->run;
	struct scenario_change *ch, tmp;
	struct pval pv;
	char msg[512], prefix[256], key[320], t[48];
	size_t i, n = 0, k;
	const struct entry *e;
	const struct section *s;

	for (i = 0; i < ld->nents; i++)
		if (ld->secs[ld->ents[i].section].kind == PARAM_SEC_AT)
			n += (size_t)tunable_nvalues(ld->ents[i].param->tun);
	ch = sc_alloc(ld->sc, n * sizeof(*ch));
	if (ch == NULL)
		return oom(ld);
	n = 0;
	for (i = 0; i < ld->nents; i++) {
		e = &ld->ents[i];
		s = &ld->secs[e->section];
		if (s->kind != PARAM_SEC_AT)
			continue;
		if (parse_value(ld->sc, e->param, entry_text(e, b->pt), &pv,
		    msg, sizeof(msg)) != 0)
			return efail(ld, e, "bad value '%s' for %s in [%s]: %s",
			    entry_text(e, b->pt), e->key, s->title, msg);
		if (s->at >= r->duration)
			return efail(ld, e, "[%s] is not before the end of the "
			    "run (duration = %s)", s->title, units_format_time(
			    r->duration, t, sizeof(t)));
		key_prefix(s, prefix, sizeof(prefix));
		snprintf(key, sizeof(key), "%s.%s", prefix, e->key);
		if (add_param(b, key, pv.canon) != 0)
			return -1;
		memset(&tmp, 0, sizeof(tmp));
		tmp.at = s->at;
		tmp.host = (size_t)host_index(ld, e->host);
		tmp.key = e->param->key;
		tmp.tunable = e->param->tun;
		tmp.value = pv.i;
		if (tmp.tunable->type == TUNABLE_T_PORTRANGE) {
			tmp.value = pv.first;
			ch[n++] = tmp;
			tmp.index = 1;
			tmp.value = pv.last;
		}
		ch[n++] = tmp;
	}
	/* Stable insertion sort by time: file order within one time. */
	for (i = 1; i < n; i++) {
		tmp = ch[i];
		for (k = i; k > 0 && ch[k - 1].at > tmp.at; k--)
			ch[k] = ch[k - 1];
		ch[k] = tmp;
	}
	r->changes = ch;
	r->nchanges = n;
	return 0;
}

/* Build run r of sweep point pt, repetition rep. */
static int
build_run(struct loader *ld, const struct point *pt, struct scenario_run *r)
{
	struct builder b;
	int s;

	memset(&b, 0, sizeof(b));
	b.ld = ld;
	b.run = r;
	b.pt = pt;
	s = find_section(ld, PARAM_SEC_RUN, NULL);
	if (build_run_section(&b, (size_t)s) != 0 || build_hosts(&b) != 0 ||
	    build_paths(&b) != 0 || build_workloads(&b) != 0 ||
	    build_changes(&b) != 0)
		return -1;
	r->params = b.params;
	r->nparams = b.nparams;
	r->label = pt->label;
	switch (r->connections) {
	case SCENARIO_CONN_YES:
		r->record_connections = 1;
		break;
	case SCENARIO_CONN_NO:
		r->record_connections = 0;
		break;
	default:
		r->record_connections =
		    r->expected_connections < AUTO_RECORD_LIMIT;
		break;
	}
	return 0;
}

/* "rate=20/s, maxtcptw=5000": short keys unless two swept keys share one. */
static char *
make_label(struct loader *ld, const size_t *choice)
{
	char buf[1024], prefix[256], full[320];
	size_t i, j, off = 0;
	const struct entry *e, *f;
	const char *k;
	int clash;

	buf[0] = '\0';
	for (i = 0; i < ld->nswept; i++) {
		e = &ld->ents[ld->swept[i]];
		k = e->key;
		clash = 0;
		for (j = 0; j < ld->nswept; j++) {
			f = &ld->ents[ld->swept[j]];
			if (j != i && strcmp(f->key, e->key) == 0)
				clash = 1;
		}
		if (clash) {
			key_prefix(&ld->secs[e->section], prefix,
			    sizeof(prefix));
			snprintf(full, sizeof(full), "%s.%s", prefix, e->key);
			k = full;
		}
		if (off < sizeof(buf))
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "%s%s=%s", i ? ", " : "", k,
			    e->choices[choice[i]]);
	}
	return sc_strdup(ld->sc, buf);
}

/* ---- stage 3: expansion ---------------------------------------------- */

static int
expand(struct loader *ld)
{
	struct scenario *sc = ld->sc;
	size_t i, npoints = 1, p, d, nruns;
	size_t *choice;
	struct point pt;
	struct scenario_run proto;
	const struct entry *re;
	struct pval pv;
	char msg[256], name[64];
	unsigned rep, repeat = 1;
	int idx, s;

	/* repeat: never swept, the same for every point. */
	s = find_section(ld, PARAM_SEC_RUN, NULL);
	idx = find_entry(ld, (size_t)s, "repeat");
	if (idx >= 0) {
		re = &ld->ents[idx];
		if (parse_value(sc, params_by_id(P_RUN_REPEAT), re->value, &pv,
		    msg, sizeof(msg)) != 0)
			return efail(ld, re, "bad value '%s' for repeat in "
			    "[run]: %s", re->value, msg);
		repeat = (unsigned)pv.i;
	}

	ld->swept = sc_alloc(sc, (ld->nents + 1) * sizeof(*ld->swept));
	if (ld->swept == NULL)
		return oom(ld);
	for (i = 0; i < ld->nents; i++)
		if (ld->ents[i].nchoices > 0) {
			ld->ents[i].sweep = (int)ld->nswept;
			ld->swept[ld->nswept++] = i;
			if (npoints * ld->ents[i].nchoices > MAX_RUNS)
				return efail(ld, &ld->ents[i], "the sweeps "
				    "expand to more than %d runs", MAX_RUNS);
			npoints *= ld->ents[i].nchoices;
		}
	nruns = npoints * repeat;
	if (nruns > MAX_RUNS)
		return lfail(ld, 0, "%zu sweep points x %u repetitions = %zu "
		    "runs (at most %d)", npoints, repeat, nruns, MAX_RUNS);
	sc->runs = sc_alloc(sc, nruns * sizeof(*sc->runs));
	choice = sc_alloc(sc, (ld->nswept + 1) * sizeof(*choice));
	if (sc->runs == NULL || choice == NULL)
		return oom(ld);

	for (p = 0; p < npoints; p++) {
		/* Mixed radix: the last swept key varies fastest. */
		d = p;
		for (i = ld->nswept; i-- > 0; ) {
			size_t nc = ld->ents[ld->swept[i]].nchoices;

			choice[i] = d % nc;
			d /= nc;
		}
		pt.choice = choice;
		pt.label = make_label(ld, choice);
		if (pt.label == NULL)
			return oom(ld);
		ld->pointlabel = ld->nswept ? pt.label : NULL;
		memset(&proto, 0, sizeof(proto));
		if (build_run(ld, &pt, &proto) != 0)
			return -1;
		for (rep = 0; rep < repeat; rep++) {
			struct scenario_run *r = &sc->runs[p * repeat + rep];

			/*
			 * The runs of one point share their (immutable)
			 * arrays; only the seed differs.  The same name, so
			 * the same seed, at every point: common random
			 * numbers across sweep points.
			 */
			*r = proto;
			r->index = p * repeat + rep;
			r->point = p;
			r->repetition = rep;
			snprintf(name, sizeof(name), "repetition/%u", rep);
			r->seed = rng_derive_seed(r->master_seed, name);
		}
	}
	ld->pointlabel = NULL;
	sc->nruns = nruns;
	sc->npoints = npoints;
	sc->repeat = repeat;
	sc->name = (char *)sc->runs[0].name;
	return 0;
}

/* ---- entry points ------------------------------------------------------ */

static int
load_text(const char *file, const char *text, const char *const *overrides,
    int noverrides, uint64_t seed_override, struct scenario **out,
    char *err, size_t errlen)
{
	struct loader ld;
	struct scenario *sc;
	int rc, i;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL) {
		snprintf(err, errlen, "%s: out of memory", file);
		return -1;
	}
	memset(&ld, 0, sizeof(ld));
	ld.sc = sc;
	ld.file = file;
	ld.cursec = -1;
	ld.err = err;
	ld.errlen = errlen;
	ld.seed_override = seed_override;
	sc->path = sc_strdup(sc, file);
	if (sc->path == NULL) {
		oom(&ld);
		goto fail;
	}
	if (split_lines(&ld, text) != 0)
		goto fail;
	rc = ini_parse_stream(read_line, &ld, on_key, &ld);
	if (ld.failed)
		goto fail;
	if (rc != 0) {
		/* A syntax error inih found and our reader did not. */
		lfail(&ld, rc > 0 ? rc : 0, "syntax error: '%s'",
		    rc > 0 && (size_t)rc <= ld.nlines ? ld.lines[rc - 1] : "");
		goto fail;
	}
	for (i = 0; i < noverrides; i++)
		if (apply_override(&ld, overrides[i]) != 0)
			goto fail;
	/*
	 * --seed N is --set run.seed=N applied last: the params table then
	 * records the seed the run really used, so a database made with
	 * --seed can be reproduced from its own params.
	 */
	if (seed_override != 0) {
		char seedset[64];

		snprintf(seedset, sizeof(seedset), "run.seed=%" PRIu64,
		    seed_override);
		if (apply_override(&ld, seedset) != 0)
			goto fail;
	}
	if (check_structure(&ld) != 0 || expand(&ld) != 0)
		goto fail;
	*out = sc;
	return 0;
fail:
	if (!ld.failed)
		lfail(&ld, 0, "cannot load");
	scenario_free(sc);
	return -1;
}

int
scenario_load_string(const char *name, const char *text,
    const char *const *overrides, int noverrides, uint64_t seed_override,
    struct scenario **out, char *err, size_t errlen)
{
	return load_text(name, text, overrides, noverrides, seed_override, out,
	    err, errlen);
}

int
scenario_load(const char *path, const char *const *overrides, int noverrides,
    uint64_t seed_override, struct scenario **out, char *err, size_t errlen)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	*out = NULL;
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *t;

			cap = cap ? cap * 2 : 8192;
			t = realloc(text, cap);
			if (t == NULL) {
				free(text);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory",
				    path);
				return -1;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s: not a text file (contains NUL)",
		    path);
		free(text);
		return -1;
	}
	rc = load_text(path, text, overrides, noverrides, seed_override, out,
	    err, errlen);
	free(text);
	return rc;
}

const char *
scenario_name(const struct scenario *sc)
{
	return sc->name;
}

const char *
scenario_path(const struct scenario *sc)
{
	return sc->path;
}

size_t
scenario_nruns(const struct scenario *sc)
{
	return sc->nruns;
}

const struct scenario_run *
scenario_run_at(const struct scenario *sc, size_t i)
{
	if (i >= sc->nruns)
		return NULL;
	return &sc->runs[i];
}

size_t
scenario_npoints(const struct scenario *sc)
{
	return sc->npoints;
}

unsigned
scenario_repeat(const struct scenario *sc)
{
	return sc->repeat;
}

uint64_t
scenario_master_seed(const struct scenario *sc)
{
	return sc->nruns ? sc->runs[0].master_seed : 0;
}

const char *
scenario_run_param(const struct scenario_run *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].key, key) == 0)
			return r->params[i].value;
	return NULL;
}

int
scenario_run_host(const struct scenario_run *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nhosts; i++)
		if (strcmp(r->hosts[i].name, name) == 0)
			return (int)i;
	return -1;
}
