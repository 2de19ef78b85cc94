/*
 * sweep.c -- stage 2 of loading: sweeps.  A value `${a, b, c}` or
 * `${from..to step s}` becomes the entry's list of choices (sweep_parse,
 * as the entry is read).  OMNeT++-style iteration variables tie sweeps
 * together: `${r=10, 20}` names one, `${r}` elsewhere takes its values in
 * step, `${n=1, 2 ! r}` moves in step with r (resolve_vars).  Each
 * independent sweep is a dimension; the dimensions are then crossed into
 * sweep points in file order, the first one varying slowest, each point is built
 * once (build_run) and copied into its repetitions, whose seeds are
 * derived from the master seed and the repetition only: common random
 * numbers across sweep points.
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

#include "scenarios/loader.h"
#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"
#include "sim/rng.h"

#define MAX_RUNS	100000
#define MAX_CHOICES	10000

/* ---- a swept value into choices ------------------------------------ */

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

/* The length of the variable name at s ([A-Za-z_][A-Za-z0-9_]*), or 0. */
static size_t
var_name(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

/* e's choices: its text before ${, each element, its text after }. */
static int
make_choices(struct loader *ld, struct entry *e, char *const *elems,
    size_t n)
{
	size_t i, plen = strlen(e->pre), slen = strlen(e->post);
	char *p;

	e->choices = sc_alloc(ld->sc, n * sizeof(*e->choices));
	if (e->choices == NULL)
		return ld_oom(ld);
	for (i = 0; i < n; i++) {
		p = sc_alloc(ld->sc, plen + strlen(elems[i]) + slen + 1);
		if (p == NULL)
			return ld_oom(ld);
		memcpy(p, e->pre, plen);
		strcpy(p + plen, elems[i]);
		strcat(p, e->post);
		e->choices[i] = ld_trim(p);
	}
	e->nchoices = n;
	return 0;
}

/*
 * Expand the sweep in e->value, if any, into e->choices: "${10, 20}/s" ->
 * "10/s", "20/s"; "${1..3 step 1}ms" -> "1ms", "2ms", "3ms".  A name
 * before '=' defines an iteration variable, "! name" after the elements
 * makes the entry move in step with that variable, and "${name}" alone
 * is a reference, resolved by sweep_expand once every entry is read.
 */
int
sweep_parse(struct loader *ld, struct entry *e)
{
	const char *v = e->value, *open, *close, *nested;
	char *inner, *parts[MAX_CHOICES], *p, *q, *dots, *stepw, *body;
	char *bang;
	size_t n = 0, i, nl;
	double from, to, step = 1, x;
	const char *ufrom, *uto, *ustep = "";
	char numbuf[64], ubuf[32];
	char **elems;

	/* An --set may replace a swept value: forget the old sweep. */
	e->choices = e->elems = NULL;
	e->nchoices = 0;
	e->var = e->follows = e->ref = e->pre = e->post = NULL;
	open = strstr(v, "${");
	if (open == NULL)
		return 0;
	if (e->param->flags & PARAM_F_NOSWEEP)
		return efail(ld, e, "%s may not be swept: '%s'", e->key, v);
	close = strchr(open, '}');
	nested = strstr(open + 2, "${");
	if (nested != NULL && (close == NULL || nested < close))
		return efail(ld, e, "bad sweep '%s': a sweep cannot hold "
		    "another sweep (sweep each key on its own: they are "
		    "crossed)", v);
	if (close == NULL)
		return efail(ld, e, "bad sweep '%s': '${' without closing '}'",
		    v);
	if (nested != NULL)
		return efail(ld, e, "bad sweep '%s': only one ${...} per value",
		    v);
	inner = sc_strndup(ld->sc, open + 2, (size_t)(close - open - 2));
	if (inner == NULL)
		return ld_oom(ld);
	e->pre = sc_strndup(ld->sc, v, (size_t)(open - v));
	e->post = sc_strdup(ld->sc, close + 1);
	if (e->pre == NULL || e->post == NULL)
		return ld_oom(ld);
	body = ld_trim(inner);

	/* ${name}: a reference, its choices come from name's definition. */
	nl = var_name(body);
	if (nl > 0 && body[nl] == '\0') {
		e->ref = sc_strdup(ld->sc, body);
		return e->ref == NULL ? ld_oom(ld) : 0;
	}
	/* ${name = elements}: defines the iteration variable name. */
	if (nl > 0) {
		for (p = body + nl; isspace((unsigned char)*p); p++)
			;
		if (*p == '=') {
			e->var = sc_strndup(ld->sc, body, nl);
			if (e->var == NULL)
				return ld_oom(ld);
			body = p + 1;
		}
	}
	/* elements ! name: parallel iteration, in step with name. */
	bang = strrchr(body, '!');
	if (bang != NULL) {
		*bang = '\0';
		p = ld_trim(bang + 1);
		if (var_name(p) == 0 || p[var_name(p)] != '\0')
			return efail(ld, e, "bad sweep '%s': expected the name "
			    "of an iteration variable after '!'", v);
		e->follows = sc_strdup(ld->sc, p);
		if (e->follows == NULL)
			return ld_oom(ld);
	}
	body = ld_trim(body);
	if (body[0] == '\0')
		return efail(ld, e, "bad sweep '%s': no values in ${...}", v);

	dots = strstr(body, "..");
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
		if (split_number(body, &from, &ufrom) != 0 ||
		    split_number(p, &to, &uto) != 0)
			return efail(ld, e, "bad sweep '%s': expected "
			    "${FROM..TO} or ${FROM..TO step S}", v);
		snprintf(ubuf, sizeof(ubuf), "%s", ufrom);
		ld_trim(ubuf);
		{
			char u2[32], u3[32];

			snprintf(u2, sizeof(u2), "%s", uto);
			snprintf(u3, sizeof(u3), "%s", ustep);
			ld_trim(u2);
			ld_trim(u3);
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
		for (i = 0; i < n; i++) {
			x = from + (double)i * step;
			snprintf(numbuf, sizeof(numbuf), "%.12g%s", x, ubuf);
			parts[i] = sc_strdup(ld->sc, numbuf);
			if (parts[i] == NULL)
				return ld_oom(ld);
		}
	} else {
		/*
		 * ${a, b, c}: split at commas outside parentheses, so that
		 * ${uniform(1ms, 2ms), constant(1ms)} has two elements.
		 */
		for (p = body; ; p = q + 1) {
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
			parts[n] = ld_trim(p);
			if (parts[n][0] == '\0')
				return efail(ld, e, "bad sweep '%s': empty "
				    "value in ${...}", v);
			parts[n] = sc_strdup(ld->sc, parts[n]);
			if (parts[n] == NULL)
				return ld_oom(ld);
			n++;
			if (q == NULL)
				break;
		}
	}
	elems = sc_alloc(ld->sc, n * sizeof(*elems));
	if (elems == NULL)
		return ld_oom(ld);
	memcpy(elems, parts, n * sizeof(*elems));
	e->elems = elems;
	return make_choices(ld, e, elems, n);
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
		if (e->ref != NULL)
			continue;	/* says what its variable says */
		k = e->key;
		clash = 0;
		for (j = 0; j < ld->nswept; j++) {
			f = &ld->ents[ld->swept[j]];
			if (j != i && f->ref == NULL &&
			    strcmp(f->key, e->key) == 0)
				clash = 1;
		}
		if (clash) {
			ld_key_prefix(&ld->secs[e->section], prefix,
			    sizeof(prefix));
			snprintf(full, sizeof(full), "%s.%s", prefix, e->key);
			k = full;
		}
		if (off < sizeof(buf))
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "%s%s=%s", off ? ", " : "", k,
			    e->choices[choice[i]]);
	}
	return sc_strdup(ld->sc, buf);
}

/* The seed of repetition r (scenario.h): the same at every sweep point. */
uint64_t
scenario_repetition_seed(uint64_t master_seed, unsigned repetition)
{
	char name[64];

	snprintf(name, sizeof(name), "repetition/%u", repetition);
	return rng_derive_seed(master_seed, name);
}

/* ---- iteration variables ------------------------------------------- */

/* "line 12" or "--set 'x=1'": where an entry was written, for messages. */
static const char *
where(const struct entry *e, char *buf, size_t len)
{
	if (e->line > 0)
		snprintf(buf, len, "line %d", e->line);
	else
		snprintf(buf, len, "--set '%s'", e->origin ? e->origin : "");
	return buf;
}

/* The entry that defines iteration variable `name`, or NULL. */
static struct entry *
find_var(struct loader *ld, const char *name)
{
	size_t i;

	for (i = 0; i < ld->nents; i++)
		if (ld->ents[i].var != NULL &&
		    strcmp(ld->ents[i].var, name) == 0)
			return &ld->ents[i];
	return NULL;
}

/* The variable e names (its ref or its follows), or an error at e. */
static struct entry *
named_var(struct loader *ld, struct entry *e, const char *name)
{
	struct entry *d = find_var(ld, name);

	if (d == NULL)
		efail(ld, e, "bad sweep '%s': no iteration variable '%s' "
		    "(define it once, as ${%s=a, b, ...})", e->value, name,
		    name);
	return d;
}

/*
 * Give every swept entry its dimension: a plain or defining sweep opens
 * one (in file order); "! name" joins name's, with as many values; a
 * reference ${name} joins name's and takes its elements.  Returns the
 * dimension sizes in `sizes` (ld->ndims of them).
 */
static int
resolve_vars(struct loader *ld, size_t *sizes)
{
	struct entry *e, *d, *f;
	size_t i, j, steps;
	char w1[320], w2[320];

	for (i = 0; i < ld->nents; i++) {
		e = &ld->ents[i];
		if (e->var == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (ld->ents[j].var != NULL &&
			    strcmp(ld->ents[j].var, e->var) == 0)
				return efail(ld, e, "bad sweep '%s': iteration "
				    "variable '%s' is already defined at %s",
				    e->value, e->var,
				    where(&ld->ents[j], w1, sizeof(w1)));
	}
	ld->ndims = 0;
	for (i = 0; i < ld->nents; i++) {
		e = &ld->ents[i];
		if (e->nchoices > 0 && e->follows == NULL) {
			sizes[ld->ndims] = e->nchoices;
			e->dim = ld->ndims++;
		}
	}
	for (i = 0; i < ld->nents; i++) {
		e = &ld->ents[i];
		if (e->follows == NULL)
			continue;
		if ((d = named_var(ld, e, e->follows)) == NULL)
			return -1;
		if (d->nchoices != e->nchoices)
			return efail(ld, e, "bad sweep '%s': %zu values, but "
			    "'%s' (%s) has %zu; parallel iteration needs as "
			    "many", e->value, e->nchoices, e->follows,
			    where(d, w2, sizeof(w2)), d->nchoices);
		for (f = d, steps = 0; f->follows != NULL; steps++) {
			if (steps > ld->nents || f == e)
				return efail(ld, e, "bad sweep '%s': parallel "
				    "iteration with '! %s' goes round in a "
				    "circle", e->value, e->follows);
			if ((f = named_var(ld, f, f->follows)) == NULL)
				return -1;
		}
		e->dim = f->dim;
	}
	for (i = 0; i < ld->nents; i++) {
		e = &ld->ents[i];
		if (e->ref == NULL)
			continue;
		if ((d = named_var(ld, e, e->ref)) == NULL)
			return -1;
		if (make_choices(ld, e, d->elems, d->nchoices) != 0)
			return -1;
		e->dim = d->dim;
	}
	return 0;
}

/* ---- sweep points and repetitions ---------------------------------- */

int
sweep_expand(struct loader *ld)
{
	struct scenario *sc = ld->sc;
	size_t i, npoints = 1, p, d, nruns;
	size_t *choice, *sizes, *at;
	struct point pt;
	struct scenario_run proto;
	const struct entry *re;
	struct pval pv;
	char msg[256];
	unsigned rep, repeat = 1;
	int idx, s;

	/* repeat: never swept, the same for every point. */
	s = ld_find_section(ld, PARAM_SEC_RUN, NULL);
	idx = ld_find_entry(ld, (size_t)s, "repeat");
	if (idx >= 0) {
		re = &ld->ents[idx];
		if (value_parse(sc, params_by_id(P_RUN_REPEAT), re->value, &pv,
		    msg, sizeof(msg)) != 0)
			return efail(ld, re, "bad value '%s' for repeat in "
			    "[run]: %s", re->value, msg);
		repeat = (unsigned)pv.i;
	}

	ld->swept = sc_alloc(sc, (ld->nents + 1) * sizeof(*ld->swept));
	sizes = sc_alloc(sc, (ld->nents + 1) * sizeof(*sizes));
	at = sc_alloc(sc, (ld->nents + 1) * sizeof(*at));
	if (ld->swept == NULL || sizes == NULL || at == NULL)
		return ld_oom(ld);
	if (resolve_vars(ld, sizes) != 0)
		return -1;
	for (i = 0; i < ld->nents; i++)
		if (ld->ents[i].nchoices > 0) {
			ld->ents[i].sweep = (int)ld->nswept;
			ld->swept[ld->nswept++] = i;
			if (ld->ents[i].follows != NULL ||
			    ld->ents[i].ref != NULL)
				continue;	/* no dimension of its own */
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
		return ld_oom(ld);

	for (p = 0; p < npoints; p++) {
		/*
		 * Mixed radix over the dimensions: the last one varies
		 * fastest; an entry takes its dimension's choice.
		 */
		d = p;
		for (i = ld->ndims; i-- > 0; ) {
			at[i] = d % sizes[i];
			d /= sizes[i];
		}
		for (i = 0; i < ld->nswept; i++)
			choice[i] = at[ld->ents[ld->swept[i]].dim];
		pt.choice = choice;
		pt.label = make_label(ld, choice);
		if (pt.label == NULL)
			return ld_oom(ld);
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
			r->seed = scenario_repetition_seed(r->master_seed,
			    rep);
		}
	}
	ld->pointlabel = NULL;
	sc->nruns = nruns;
	sc->npoints = npoints;
	sc->repeat = repeat;
	sc->name = (char *)sc->runs[0].name;
	return 0;
}

