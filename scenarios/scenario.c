/*
 * scenario.c -- load a scenario file into the expanded list of runs: the
 * public entry points and accessors, and what the loader's stages share
 * (scenarios/loader.h describes the stages).
 *
 * All memory of a scenario hangs off it (small objects carved from 64 KiB
 * chunks, large ones in blocks of their own, all freed by scenario_free),
 * so runs share nothing with the loader's scratch state.  Errors keep the
 * first message, naming file, line and the offending text.
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

#include "models/tunable.h"
#include "scenarios/loader.h"
#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "scenarios/textfile.h"
#include "scenarios/units.h"

/* ---- memory -------------------------------------------------------- */

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
void *
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

char *
sc_strdup(struct scenario *sc, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = sc_alloc(sc, n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

char *
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

/* ---- errors -------------------------------------------------------- */

/* Record the first error: "FILE:LINE: message". Returns -1. */
int
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

/*
 * Error about an entry: located at its line, or at the --set that made it;
 * during expansion the sweep point is named too.
 */
int
efail(struct loader *ld, const struct entry *e, const char *fmt, ...)
{
	char msg[768], *all;
	va_list ap;
	int n;

	if (ld->failed)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/*
	 * A message quoting a value of thousands of characters keeps its
	 * start and its end (what is wrong): the middle is left out.
	 */
	if (n >= (int)sizeof(msg) && (all = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(all, (size_t)n + 1, fmt, ap);
		va_end(ap);
		snprintf(msg, sizeof(msg), "%.400s ... [%d characters left "
		    "out] ... %s", all, n - 400 - 300, all + n - 300);
		free(all);
	}
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

int
ld_oom(struct loader *ld)
{
	return lfail(ld, 0, "out of memory");
}

/* ---- small helpers ------------------------------------------------- */

/* s without leading and trailing blanks (trailing ones cut in place). */
char *
ld_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

const char *
ld_sec_title(const struct loader *ld, size_t i)
{
	return ld->secs[i].title;
}

/* ---- indexes ------------------------------------------------------- */

typedef int (*ld_match_fn)(const struct loader *ld, size_t i,
    const void *key);

static uint32_t
ld_hash_str(uint32_t h, const char *s)
{
	/* FNV-1a. */
	h ^= 2166136261u;
	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static int
ld_index_find(const struct loader *ld, const struct ld_index *ix,
    uint32_t h, ld_match_fn match, const void *key)
{
	size_t j;
	uint64_t v;

	if (ix->cap == 0)
		return -1;
	for (j = h & (ix->cap - 1); (v = ix->slots[j]) != 0;
	    j = (j + 1) & (ix->cap - 1))
		if ((uint32_t)(v >> 32) == h &&
		    match(ld, (size_t)(uint32_t)v - 1, key))
			return (int)((uint32_t)v - 1);
	return -1;
}

static int
ld_index_put(struct loader *ld, struct ld_index *ix, uint32_t h, size_t i)
{
	uint64_t *slots, v;
	size_t cap, j, k;

	if (2 * (ix->n + 1) > ix->cap) {
		cap = ix->cap ? 2 * ix->cap : 64;
		slots = calloc(cap, sizeof(*slots));
		if (slots == NULL)
			return ld_oom(ld);
		for (k = 0; k < ix->cap; k++) {
			if ((v = ix->slots[k]) == 0)
				continue;
			for (j = (v >> 32) & (cap - 1); slots[j] != 0;
			    j = (j + 1) & (cap - 1))
				;
			slots[j] = v;
		}
		free(ix->slots);
		ix->slots = slots;
		ix->cap = cap;
	}
	for (j = h & (ix->cap - 1); ix->slots[j] != 0;
	    j = (j + 1) & (ix->cap - 1))
		;
	ix->slots[j] = (uint64_t)h << 32 | (uint64_t)(i + 1);
	ix->n++;
	return 0;
}

void
ld_index_free(struct loader *ld)
{
	free(ld->secidx.slots);
	free(ld->pathidx.slots);
	free(ld->entidx.slots);
	memset(&ld->secidx, 0, sizeof(ld->secidx));
	memset(&ld->pathidx, 0, sizeof(ld->pathidx));
	memset(&ld->entidx, 0, sizeof(ld->entidx));
}

struct named {
	enum param_section	 kind;
	const char		*name;	/* NULL: [run] */
};

static uint32_t
named_hash(enum param_section kind, const char *name)
{
	return ld_hash_str((uint32_t)kind * 0x9e3779b1u,
	    name != NULL ? name : "");
}

static int
named_match(const struct loader *ld, size_t i, const void *key)
{
	const struct named *k = key;
	const struct section *s = &ld->secs[i];

	return s->kind == k->kind && (k->name == NULL ? s->name == NULL :
	    s->name != NULL && strcmp(s->name, k->name) == 0);
}

int
ld_find_section(const struct loader *ld, enum param_section kind,
    const char *name)
{
	struct named k = { kind, name };

	return ld_index_find(ld, &ld->secidx, named_hash(kind, name),
	    named_match, &k);
}

static uint32_t
at_hash(sim_time_t at)
{
	uint64_t x = (uint64_t)at * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(x >> 32) ^ 0x5bd1e995u;
}

static int
at_match(const struct loader *ld, size_t i, const void *key)
{
	const struct section *s = &ld->secs[i];

	return s->kind == PARAM_SEC_AT && s->at == *(const sim_time_t *)key;
}

int
ld_find_at(const struct loader *ld, sim_time_t at)
{
	return ld_index_find(ld, &ld->secidx, at_hash(at), at_match, &at);
}

struct direction {
	const char	*from, *to;
};

static uint32_t
direction_hash(const char *from, const char *to)
{
	return ld_hash_str(ld_hash_str(0x2f, from) * 31u, to);
}

static int
direction_match(const struct loader *ld, size_t i, const void *key)
{
	const struct direction *d = key;
	const struct section *s = &ld->secs[i];

	if (strcmp(s->from, d->from) == 0 && strcmp(s->to, d->to) == 0)
		return 1;
	return !s->oneway && strcmp(s->from, d->to) == 0 &&
	    strcmp(s->to, d->from) == 0;
}

int
ld_find_path_dir(const struct loader *ld, const char *from, const char *to)
{
	struct direction d = { from, to };

	return ld_index_find(ld, &ld->pathidx, direction_hash(from, to),
	    direction_match, &d);
}

int
ld_index_section(struct loader *ld, size_t i)
{
	const struct section *s = &ld->secs[i];

	switch (s->kind) {
	case PARAM_SEC_AT:
		return ld_index_put(ld, &ld->secidx, at_hash(s->at), i);
	case PARAM_SEC_PATH:
		if (ld_index_put(ld, &ld->pathidx,
		    direction_hash(s->from, s->to), i) != 0)
			return -1;
		return s->oneway ? 0 : ld_index_put(ld, &ld->pathidx,
		    direction_hash(s->to, s->from), i);
	default:
		return ld_index_put(ld, &ld->secidx,
		    named_hash(s->kind, s->name), i);
	}
}

struct entry_key {
	size_t		 sec;
	const char	*key;
};

static uint32_t
entry_hash(size_t sec, const char *key)
{
	return ld_hash_str((uint32_t)sec * 0x85ebca77u, key);
}

static int
entry_match(const struct loader *ld, size_t i, const void *key)
{
	const struct entry_key *k = key;
	const struct entry *e = &ld->ents[i];

	return e->section == k->sec && strcmp(e->key, k->key) == 0;
}

int
ld_find_entry(const struct loader *ld, size_t sec, const char *key)
{
	struct entry_key k = { sec, key };

	return ld_index_find(ld, &ld->entidx, entry_hash(sec, key),
	    entry_match, &k);
}

int
ld_index_entry(struct loader *ld, size_t i)
{
	return ld_index_put(ld, &ld->entidx,
	    entry_hash(ld->ents[i].section, ld->ents[i].key), i);
}

char *
ld_host_names(const struct loader *ld, char *buf, size_t len)
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

/* Prefix of section s's keys in the params list: "host.client". */
void
ld_key_prefix(const struct section *s, char *buf, size_t len)
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

/* ---- entry points -------------------------------------------------- */

static int
load_text(const char *file, const char *text, const char *const *overrides,
    int noverrides, uint64_t seed_override, struct scenario **out,
    char *err, size_t errlen)
{
	struct loader ld;
	struct scenario *sc;

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
		ld_oom(&ld);
		goto fail;
	}
	if (reader_read(&ld, text, overrides, noverrides) != 0 ||
	    sweep_expand(&ld) != 0)
		goto fail;
	ld_index_free(&ld);
	*out = sc;
	return 0;
fail:
	if (!ld.failed)
		lfail(&ld, 0, "cannot load");
	ld_index_free(&ld);
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
	char *text;
	size_t len;
	int rc;

	*out = NULL;
	if (textfile_read(path, SCENARIO_MAX_FILE, &text, &len, err,
	    errlen) != 0)
		return -1;
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

