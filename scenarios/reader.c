/*
 * reader.c -- stage 1 of loading: the INI text and the --set overrides
 * into sections and entries that carry file:line.
 *
 * inih splits KEY = VALUE lines; our own line reader in front of it counts
 * lines (the Debian build of inih has no INI_HANDLER_LINENO), strips
 * comments (`;` and `#`, also after a value), strips leading blanks (so an
 * indented key is a key) and takes section headers itself, so that empty
 * and duplicate sections are seen.  A line ending in '\' continues its
 * value on the next line: the reader hands inih that next line indented,
 * which makes it one of inih's multi-line values, and on_key joins the
 * pieces with a blank.  That is how a value longer than a line is written:
 * the Debian build of inih reads lines into a 200-byte buffer, so a line
 * holds at most 196 characters after comments and blanks are stripped,
 * but a value may span as many lines as it needs.  Keys are checked
 * against the parameter table (scenarios/params.c, whose host keys come
 * from models/tunable.c); a swept value is expanded by sweep_parse.
 * `--set KEY=VALUE` then replaces or adds an entry, and required keys and
 * references between sections are checked.
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
#include "scenarios/loader.h"
#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"

static const char *const section_forms =
    "[run], [host NAME], [path A B], [path A -> B], [workload NAME], "
    "[at TIME]";

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

/* ---- sections ------------------------------------------------------ */

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
	word = ld_trim(buf);
	rest = word;
	while (*rest && !isspace((unsigned char)*rest))
		rest++;
	if (*rest)
		*rest++ = '\0';
	rest = ld_trim(rest);
	kind = params_section_by_name(word);
	if (kind < 0)
		return lfail(ld, line, "unknown section [%s] (valid sections: "
		    "%s)", title, section_forms);

	switch (kind) {
	case PARAM_SEC_RUN:
		if (*rest)
			return lfail(ld, line, "section [%s]: [run] takes no "
			    "name", title);
		i = ld_find_section(ld, PARAM_SEC_RUN, NULL);
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
		i = ld_find_section(ld, kind, rest);
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
		/* A direction this section covers, described already? */
		if ((i = ld_find_path_dir(ld, tok[0], tok[ntok - 1])) < 0 &&
		    ntok == 2)
			i = ld_find_path_dir(ld, tok[1], tok[0]);
		if (i >= 0)
			return lfail(ld, line, "section [%s] describes the path "
			    "between %s and %s again (already in [%s] at line "
			    "%d)", title, tok[0], tok[ntok - 1],
			    ld->secs[i].title, ld->secs[i].line);
		break;
	case PARAM_SEC_AT:
		if (units_parse_time(rest, &at, msg, sizeof(msg)) != 0)
			return lfail(ld, line, "section [%s]: bad time: %s",
			    title, msg);
		if ((i = ld_find_at(ld, at)) >= 0)
			return lfail(ld, line, "duplicate section [%s] (same "
			    "time as [%s] at line %d)", title,
			    ld->secs[i].title, ld->secs[i].line);
		break;
	}

	s = add_section(ld);
	if (s == NULL)
		return ld_oom(ld);
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
		break;
	case PARAM_SEC_AT:
		s->at = at;
		s->title = sc_strdup(ld->sc, title);
		break;
	}
	if (s->title == NULL)
		return ld_oom(ld);
	*idx = (int)(s - ld->secs);
	return ld_index_section(ld, (size_t)*idx);
}

/* ---- entries ------------------------------------------------------- */

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
			return ld_oom(ld);
	}
	p = params_lookup(s->kind, k, &buf);
	if (p == &buf) {
		/* A host tunable's key: kept as long as the entry. */
		copy = sc_alloc(ld->sc, sizeof(*copy));
		if (copy == NULL)
			return ld_oom(ld);
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

/* The value of a continued entry is complete: check it, expand sweeps. */
static int
finish_pending(struct loader *ld)
{
	struct entry *e;

	if (ld->pending == 0)
		return 0;
	e = &ld->ents[ld->pending - 1];
	ld->pending = 0;
	if (e->value[0] == '\0')
		return efail(ld, e, "empty value for '%s' in [%s]", e->key,
		    ld_sec_title(ld, e->section));
	return sweep_parse(ld, e);
}

/*
 * A continuation line: its text joins the pending value after a blank.
 * The value's room doubles as it grows (ld->pending_cap), so a value of
 * many lines costs linear time, not quadratic.
 */
static int
continue_value(struct loader *ld, const char *value)
{
	struct entry *e = &ld->ents[ld->pending - 1];
	size_t a = strlen(e->value), b = strlen(value), cap;
	char *v;

	if (b == 0)
		return 0;
	if (a + b + 2 > ld->pending_cap) {
		cap = 2 * (a + b + 2);
		v = sc_alloc(ld->sc, cap);
		if (v == NULL)
			return ld_oom(ld);
		memcpy(v, e->value, a + 1);
		e->value = v;
		ld->pending_cap = cap;
	}
	if (a > 0)
		e->value[a++] = ' ';
	memcpy(e->value + a, value, b + 1);
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
	if (ld->continuing) {
		/* inih's multi-line value: `name` is the pending entry's. */
		return continue_value(ld, value != NULL ? value : "") == 0;
	}
	if (ld->cursec < 0) {
		lfail(ld, line, "key '%s' outside any section (start with "
		    "[run])", name);
		return 0;
	}
	if (resolve_key(ld, (size_t)ld->cursec, name, line, NULL, &p,
	    &host) != 0)
		return 0;
	if ((value == NULL || value[0] == '\0') && !ld->more) {
		lfail(ld, line, "empty value for '%s' in [%s]", name,
		    ld_sec_title(ld, (size_t)ld->cursec));
		return 0;
	}
	prev = ld_find_entry(ld, (size_t)ld->cursec, name);
	if (prev >= 0) {
		lfail(ld, line, "duplicate key '%s' in [%s] (first set at "
		    "line %d)", name, ld_sec_title(ld, (size_t)ld->cursec),
		    ld->ents[prev].line);
		return 0;
	}
	e = add_entry(ld);
	if (e == NULL) {
		ld_oom(ld);
		return 0;
	}
	e->section = (size_t)ld->cursec;
	e->key = sc_strdup(ld->sc, name);
	e->value = sc_strdup(ld->sc, value != NULL ? value : "");
	e->host = host;
	e->param = p;
	e->line = line;
	if (e->key == NULL || e->value == NULL) {
		ld_oom(ld);
		return 0;
	}
	if (ld_index_entry(ld, (size_t)(e - ld->ents)) != 0)
		return 0;
	ld->pending = (size_t)(e - ld->ents) + 1;
	ld->pending_cap = 0;	/* e->value has no room to spare yet */
	/* The value goes on ('\'): it is checked once complete. */
	if (ld->more)
		return 1;
	return finish_pending(ld) == 0;
}

/*
 * inih's line reader.  Counts lines; strips comments and leading blanks;
 * handles section headers itself (handing inih a blank line instead),
 * refuses lines that are neither a header nor KEY = VALUE, and hands a
 * line that continues a value ('\' at the end of the one before) indented.
 * The line is cut in place: ld->lines keeps what inih was handed.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	char *s, *c, *close;
	size_t n;
	int line, idx, cont;

	if (ld->failed || ld->curline >= ld->nlines)
		return NULL;
	/* The line before ended the value it continued. */
	if (!ld->more && finish_pending(ld) != 0)
		return NULL;
	line = (int)++ld->curline;
	s = ld_trim(ld->lines[line - 1]);
	/* Comments: a line starting with ';' or '#', or one after a blank. */
	for (c = s; *c; c++)
		if ((*c == ';' || *c == '#') && (c == s ||
		    isspace((unsigned char)c[-1]))) {
			*c = '\0';
			break;
		}
	s = ld_trim(s);
	cont = ld->more;
	ld->continuing = cont;
	ld->more = 0;
	n = strlen(s);
	if (n > 0 && s[n - 1] == '\\') {
		s[n - 1] = '\0';
		s = ld_trim(s);
		ld->more = 1;
	}
	if (strlen(s) + 4 > (size_t)num) {
		lfail(ld, line, "line too long (%zu characters without "
		    "comments, at most %d): end a line with '\\' to continue "
		    "its value on the next", strlen(s), num - 4);
		return NULL;
	}
	if (cont) {
		/* Indented: inih takes it as more of the value before. */
		snprintf(str, (size_t)num, " %s\n", s);
		return str;
	}
	if (*s == '[') {
		close = strchr(s, ']');
		if (close == NULL) {
			lfail(ld, line, "section header '%s' lacks ']'", s);
			return NULL;
		}
		if (close[1] != '\0' || ld->more) {
			lfail(ld, line, "text '%s' after section header",
			    ld->more ? "\\" : close + 1);
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
	} else if (*s == '\0' && ld->more) {
		lfail(ld, line, "'\\' continues no KEY = VALUE");
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
		return ld_oom(ld);
	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		ld->lines[i] = sc_strndup(ld->sc, p, (size_t)(nl - p));
		if (ld->lines[i] == NULL)
			return ld_oom(ld);
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

/* ---- overrides and references -------------------------------------- */

/* Apply one "KEY=VALUE". */
static int
apply_override(struct loader *ld, const char *ov)
{
	char *buf, *eq, *key, *value, *kind, *mid, *k, *dot;
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
	/* Scenario memory: a --set value may be as long as a file's. */
	if ((buf = sc_strdup(ld->sc, ov)) == NULL)
		return ld_oom(ld);
	eq = strchr(buf, '=');
	if (eq == NULL)
		return efail(ld, &tmp, "expected KEY=VALUE");
	*eq = '\0';
	key = ld_trim(buf);
	value = ld_trim(eq + 1);
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
		sec = ld_find_section(ld, PARAM_SEC_RUN, NULL);
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
			sec = ld_find_section(ld, (enum param_section)
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
			sec = ld_find_at(ld, at);
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
		return ld_oom(ld);
	if (resolve_key(ld, (size_t)sec, k, 0, origin, &p, &host) != 0)
		return -1;
	idx = ld_find_entry(ld, (size_t)sec, k);
	if (idx >= 0) {
		e = &ld->ents[idx];
	} else {
		e = add_entry(ld);
		if (e == NULL)
			return ld_oom(ld);
		e->section = (size_t)sec;
		e->key = sc_strdup(ld->sc, k);
		if (e->key == NULL)
			return ld_oom(ld);
		if (ld_index_entry(ld, (size_t)(e - ld->ents)) != 0)
			return -1;
	}
	e->param = p;
	e->host = host;
	e->line = 0;
	e->origin = origin;
	e->value = sc_strdup(ld->sc, value);
	e->choices = NULL;
	e->nchoices = 0;
	if (e->value == NULL)
		return ld_oom(ld);
	return sweep_parse(ld, e);
}

/* Required keys present; [at] and [path] name defined hosts. */
static int
check_structure(struct loader *ld)
{
	char hosts[512];
	size_t i, j;
	int h;
	const struct section *s;

	if (ld_find_section(ld, PARAM_SEC_RUN, NULL) < 0)
		return lfail(ld, 0, "missing [run] section (it needs at least "
		    "duration = TIME)");
	for (i = 0; i < ld->nsecs; i++) {
		s = &ld->secs[i];
		for (j = 0; j < P_NPARAMS; j++) {
			const struct param *p = params_by_id((enum param_id)j);

			if (p->section != s->kind ||
			    !(p->flags & PARAM_F_REQUIRED))
				continue;
			if (ld_find_entry(ld, i, p->key) < 0)
				return lfail(ld, s->line, "[%s] is missing "
				    "required key '%s' (%s)", s->title, p->key,
				    p->meaning);
		}
		if (s->kind == PARAM_SEC_PATH) {
			if (ld_find_section(ld, PARAM_SEC_HOST, s->from) < 0)
				return lfail(ld, s->line, "unknown host '%s' in "
				    "[%s] (hosts: %s)", s->from, s->title,
				    ld_host_names(ld, hosts, sizeof(hosts)));
			if (ld_find_section(ld, PARAM_SEC_HOST, s->to) < 0)
				return lfail(ld, s->line, "unknown host '%s' in "
				    "[%s] (hosts: %s)", s->to, s->title,
				    ld_host_names(ld, hosts, sizeof(hosts)));
		}
	}
	for (i = 0; i < ld->nents; i++) {
		const struct entry *e = &ld->ents[i];

		if (e->host == NULL)
			continue;
		h = ld_find_section(ld, PARAM_SEC_HOST, e->host);
		if (h < 0)
			return efail(ld, e, "unknown host '%s' in '%s' in [%s] "
			    "(hosts: %s)", e->host, e->key,
			    ld_sec_title(ld, e->section),
			    ld_host_names(ld, hosts, sizeof(hosts)));
	}
	return 0;
}

/* ---- the stage: text, overrides, checks ---------------------------- */

int
reader_read(struct loader *ld, const char *text,
    const char *const *overrides, int noverrides)
{
	int rc, i;

	if (split_lines(ld, text) != 0)
		return -1;
	rc = ini_parse_stream(read_line, ld, on_key, ld);
	if (!ld->failed && ld->more)
		lfail(ld, (int)ld->nlines, "the last line ends with '\\': no "
		    "line follows to continue its value");
	if (!ld->failed)
		(void)finish_pending(ld);
	if (ld->failed)
		return -1;
	if (rc != 0) {
		/* A syntax error inih found and our reader did not. */
		lfail(ld, rc > 0 ? rc : 0, "syntax error: '%s'",
		    rc > 0 && (size_t)rc <= ld->nlines ? ld->lines[rc - 1] :
		    "");
		return -1;
	}
	for (i = 0; i < noverrides; i++)
		if (apply_override(ld, overrides[i]) != 0)
			return -1;
	/*
	 * --seed N is --set run.seed=N applied last: the params table then
	 * records the seed the run really used, so a database made with
	 * --seed can be reproduced from its own params.
	 */
	if (ld->seed_override != 0) {
		char seedset[64];

		snprintf(seedset, sizeof(seedset), "run.seed=%" PRIu64,
		    ld->seed_override);
		if (apply_override(ld, seedset) != 0)
			return -1;
	}
	return check_structure(ld);
}
