/*
 * packetdrill_parse.c -- packetdrill's script language, the subset that
 * TCP conformance scripts use (packetdrill.h says what comes out).
 *
 * Three passes over the text: comments (C and C++ style) are blanked with
 * the newlines kept, so line numbers stay those of the file; #ifdef,
 * #ifndef, #else and #endif blank the lines of branches not taken; then
 * each statement -- a line, continued while a (, [ or { is open -- is
 * parsed.  Header options (--ip_version=ipv4, --tolerance_usecs=N and
 * twsim's --boot_sysctl=NAME=VALUE) come first; every other statement is
 * an event with a time.
 *
 * Anything outside the subset is refused with the file, line and the
 * construct: a script we cannot read must not pass by accident.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/segment.h"
#include "scenarios/packetdrill.h"

#define PD_MAXIFDEF	16

struct pd_parser {
	const char	*file;
	struct pd_script *s;
	size_t		 cap;
	int		 line;		/* of the statement being parsed */
	int		 seen_event;
	char		*err;
	size_t		 errlen;
};

/* packetdrill's system calls (the runner gives them meaning). */
static const char *const pd_syscalls[] = {
	"socket", "fcntl", "getsockopt", "setsockopt", "bind", "listen",
	"accept", "connect", "shutdown", "close", "read", "write", "send",
	"recv", NULL
};

static int
pd_error(struct pd_parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->file, p->line, msg);
	return (PD_UNUSABLE);
}

/* ---- pass 1 and 2: comments and conditionals ------------------------- */

/* Blank comments in place, keeping newlines (and backtick text intact). */
static void
pd_strip_comments(char *t)
{
	int tick = 0;

	for (; *t != '\0'; t++) {
		if (*t == '`')
			tick = !tick;
		if (tick)
			continue;
		if (t[0] == '/' && t[1] == '/') {
			while (*t != '\0' && *t != '\n')
				*t++ = ' ';
			if (*t == '\0')
				return;
		} else if (t[0] == '/' && t[1] == '*') {
			*t++ = ' ';
			*t = ' ';
			while (t[1] != '\0' && !(t[1] == '*' && t[2] == '/')) {
				t++;
				if (*t != '\n')
					*t = ' ';
			}
			if (t[1] == '\0')
				return;
			t[1] = ' ';
			t[2] = ' ';
			t += 2;
		}
	}
}

static int
pd_defined(const char *name, const char *const *defs, size_t ndefs)
{
	size_t i;

	for (i = 0; i < ndefs; i++)
		if (strcmp(defs[i], name) == 0)
			return (1);
	return (0);
}

/* The word after a directive, into buf: 0, or -1 when missing. */
static int
pd_directive_arg(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	while ((isalnum((unsigned char)*s) || *s == '_') && n + 1 < len)
		buf[n++] = *s++;
	buf[n] = '\0';
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return (n > 0 && (*s == '\0' || *s == '\n') ? 0 : -1);
}

/*
 * Blank the lines of branches not taken and the directives themselves.
 * live[k]: whether the enclosing branches up to depth k are taken.
 */
static int
pd_conditionals(struct pd_parser *p, char *t, const char *const *defs,
    size_t ndefs)
{
	int live[PD_MAXIFDEF + 1], taken[PD_MAXIFDEF + 1], depth = 0;
	int opened[PD_MAXIFDEF + 1];
	char name[PD_NAMELEN], *line, *nl, *s;

	live[0] = 1;
	p->line = 0;
	for (line = t; line != NULL; line = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		p->line++;
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '#') {
			s++;
			if (strncmp(s, "ifdef", 5) == 0 ||
			    strncmp(s, "ifndef", 6) == 0) {
				int neg = s[2] == 'n';

				if (depth == PD_MAXIFDEF)
					return (pd_error(p, "#ifdef nested too "
					    "deeply"));
				if (pd_directive_arg(s + (neg ? 6 : 5), name,
				    sizeof(name)) != 0)
					return (pd_error(p, "#if%s needs one "
					    "name", neg ? "ndef" : "def"));
				taken[depth + 1] =
				    pd_defined(name, defs, ndefs) != neg;
				live[depth + 1] = live[depth] &&
				    taken[depth + 1];
				opened[depth + 1] = p->line;
				depth++;
			} else if (strncmp(s, "else", 4) == 0 &&
			    pd_directive_arg(s + 4, name, sizeof(name)) != 0 &&
			    name[0] == '\0') {
				if (depth == 0)
					return (pd_error(p, "#else without "
					    "#ifdef"));
				live[depth] = live[depth - 1] && !taken[depth];
				taken[depth] = 1;
			} else if (strncmp(s, "endif", 5) == 0 &&
			    pd_directive_arg(s + 5, name, sizeof(name)) != 0 &&
			    name[0] == '\0') {
				if (depth == 0)
					return (pd_error(p, "#endif without "
					    "#ifdef"));
				depth--;
			} else
				return (pd_error(p, "unsupported directive "
				    "'#%.*s'", (int)strcspn(s, " \t\r\n"), s));
			for (s = line; *s != '\0' && *s != '\n'; s++)
				*s = ' ';
			continue;
		}
		if (!live[depth])
			for (s = line; *s != '\0' && *s != '\n'; s++)
				*s = ' ';
	}
	if (depth != 0) {
		p->line = opened[depth];
		return (pd_error(p, "#ifdef without #endif"));
	}
	return (0);
}

/* ---- the statement scanner -------------------------------------------- */

struct pd_lex {
	const char	*s;
};

static void
pd_ws(struct pd_lex *l)
{

	while (isspace((unsigned char)*l->s))
		l->s++;
}

static int
pd_accept(struct pd_lex *l, const char *tok)
{
	size_t n = strlen(tok);

	pd_ws(l);
	if (strncmp(l->s, tok, n) != 0)
		return (0);
	/* A keyword must not run into an identifier. */
	if (isalpha((unsigned char)tok[n - 1]) &&
	    (isalnum((unsigned char)l->s[n]) || l->s[n] == '_'))
		return (0);
	l->s += n;
	return (1);
}

static int
pd_ident(struct pd_lex *l, char *buf, size_t len)
{
	size_t n = 0;

	pd_ws(l);
	if (!isalpha((unsigned char)*l->s) && *l->s != '_')
		return (0);
	while ((isalnum((unsigned char)*l->s) || *l->s == '_') &&
	    n + 1 < len)
		buf[n++] = *l->s++;
	buf[n] = '\0';
	return (1);
}

/* An integer: decimal or 0x hex, optionally negative. */
static int
pd_int(struct pd_lex *l, int64_t *v)
{
	char *end;
	long long x;

	pd_ws(l);
	if (!isdigit((unsigned char)*l->s) &&
	    !(*l->s == '-' && isdigit((unsigned char)l->s[1])))
		return (0);
	errno = 0;
	x = strtoll(l->s, &end, 0);
	if (errno != 0 || isalpha((unsigned char)*end) || *end == '_')
		return (0);
	l->s = end;
	*v = x;
	return (1);
}

static int
pd_u32(struct pd_lex *l, uint32_t *v)
{
	int64_t x;

	if (!pd_int(l, &x) || x < 0 || x > UINT32_MAX)
		return (0);
	*v = (uint32_t)x;
	return (1);
}

/* Seconds with up to nine decimals ("0.100", ".1") into ns. */
static int
pd_seconds(struct pd_lex *l, sim_time_t *t)
{
	sim_time_t sec = 0, frac = 0, scale = SIM_SEC;
	int digits = 0;

	pd_ws(l);
	while (isdigit((unsigned char)*l->s)) {
		if (sec > INT64_MAX / 10 / SIM_SEC)
			return (0);
		sec = sec * 10 + (*l->s++ - '0');
		digits++;
	}
	if (*l->s == '.') {
		l->s++;
		while (isdigit((unsigned char)*l->s)) {
			if (scale >= 10) {
				scale /= 10;
				frac += (*l->s - '0') * scale;
			}
			l->s++;
			digits++;
		}
	}
	if (digits == 0)
		return (0);
	*t = sec * SIM_SEC + frac;
	return (1);
}

static struct pd_event *
pd_new_event(struct pd_parser *p)
{
	struct pd_script *s = p->s;
	struct pd_event *e;

	if (s->nevents == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;

		e = realloc(s->events, cap * sizeof(*e));
		if (e == NULL)
			return (NULL);
		s->events = e;
		p->cap = cap;
	}
	e = &s->events[s->nevents++];
	memset(e, 0, sizeof(*e));
	e->line = p->line;
	return (e);
}

/* ---- header options ------------------------------------------------- */

static int
pd_header(struct pd_parser *p, const char *stmt)
{
	char opt[128];
	const char *s = stmt;
	size_t n;
	int64_t v;
	char *end;

	while (*s != '\0') {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		n = strcspn(s, " \t\r\n");
		snprintf(opt, sizeof(opt), "%.*s", (int)n, s);
		s += n;
		if (strncmp(opt, "--", 2) != 0)
			return (pd_error(p, "expected a header option, got "
			    "'%s'", opt));
		if (p->seen_event)
			return (pd_error(p, "header option '%s' after the "
			    "first event", opt));
		if (strcmp(opt, "--ip_version=ipv4") == 0)
			continue;
		if (strncmp(opt, "--tolerance_usecs=", 18) == 0) {
			errno = 0;
			v = strtoll(opt + 18, &end, 10);
			if (errno != 0 || *end != '\0' || end == opt + 18 ||
			    v < 0 || v > INT64_MAX / SIM_USEC)
				return (pd_error(p, "bad value in '%s'", opt));
			p->s->tolerance = v * SIM_USEC;
			continue;
		}
		if (strncmp(opt, "--boot_sysctl=", 14) == 0) {
			const char *name = opt + 14, *eq = strchr(name, '=');
			struct pd_boot *b;

			if (eq == NULL || eq == name || eq[1] == '\0' ||
			    (size_t)(eq - name) >= sizeof(b->name))
				return (pd_error(p, "expected "
				    "'--boot_sysctl=NAME=VALUE', got '%s'",
				    opt));
			if (p->s->nboot == PD_MAXBOOT)
				return (pd_error(p, "more than %d "
				    "--boot_sysctl options", PD_MAXBOOT));
			b = &p->s->boot[p->s->nboot];
			errno = 0;
			b->value = strtoll(eq + 1, &end, 0);
			if (errno != 0 || *end != '\0')
				return (pd_error(p, "bad value in '%s'", opt));
			snprintf(b->name, sizeof(b->name), "%.*s",
			    (int)(eq - name), name);
			b->line = p->line;
			p->s->nboot++;
			continue;
		}
		return (pd_error(p, "unsupported header option '%s'", opt));
	}
	return (0);
}

/* ---- segments --------------------------------------------------------- */

static int
pd_flags(struct pd_parser *p, struct pd_lex *l, uint8_t *flags)
{
	static const struct {
		char	c;
		uint8_t	f;
	} map[] = {
		{ 'S', TH_SYN }, { 'F', TH_FIN }, { 'R', TH_RST },
		{ 'P', TH_PUSH }, { '.', TH_ACK }, { 'E', PD_TH_ECE },
		{ 'W', PD_TH_CWR },
	};
	size_t i;
	int n = 0;

	pd_ws(l);
	*flags = 0;
	while (*l->s != '\0' && !isspace((unsigned char)*l->s)) {
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (map[i].c == *l->s)
				break;
		if (i == sizeof(map) / sizeof(map[0]))
			return (pd_error(p, "unsupported TCP flag '%c'",
			    *l->s));
		*flags |= map[i].f;
		l->s++;
		n++;
	}
	if (n == 0)
		return (pd_error(p, "segment without flags"));
	return (0);
}

static int
pd_options(struct pd_parser *p, struct pd_lex *l, struct pd_segment *seg)
{
	char word[PD_NAMELEN];
	struct pd_opt *o;

	seg->has_opts = 1;
	pd_ws(l);
	if (*l->s == '>') {
		l->s++;
		return (0);
	}
	for (;;) {
		if (seg->nopts == PD_MAXOPTS)
			return (pd_error(p, "too many TCP options"));
		o = &seg->opts[seg->nopts++];
		memset(o, 0, sizeof(*o));
		if (!pd_ident(l, word, sizeof(word)))
			return (pd_error(p, "bad TCP option near '%.20s'",
			    l->s));
		if (strcmp(word, "nop") == 0)
			o->kind = PD_OPT_NOP;
		else if (strcmp(word, "eol") == 0)
			o->kind = PD_OPT_EOL;
		else if (strcmp(word, "sackOK") == 0)
			o->kind = PD_OPT_SACKOK;
		else if (strcmp(word, "mss") == 0) {
			o->kind = PD_OPT_MSS;
			if (!pd_u32(l, &o->a) || o->a > 65535)
				return (pd_error(p, "bad mss value"));
		} else if (strcmp(word, "wscale") == 0) {
			o->kind = PD_OPT_WSCALE;
			if (!pd_u32(l, &o->a) || o->a > 255)
				return (pd_error(p, "bad wscale value"));
		} else if (strcmp(word, "TS") == 0) {
			o->kind = PD_OPT_TS;
			if (!pd_accept(l, "val") || !pd_u32(l, &o->a) ||
			    !pd_accept(l, "ecr") || !pd_u32(l, &o->b))
				return (pd_error(p, "TS needs 'val N ecr N'"));
		} else if (strcmp(word, "sack") == 0) {
			o->kind = PD_OPT_SACK;
			while (o->nsack < PD_MAXSACK &&
			    pd_u32(l, &o->sack[o->nsack][0])) {
				if (!pd_accept(l, ":") ||
				    !pd_u32(l, &o->sack[o->nsack][1]))
					return (pd_error(p, "sack block needs "
					    "'left:right'"));
				o->nsack++;
			}
			if (o->nsack == 0)
				return (pd_error(p, "sack without blocks"));
		} else
			return (pd_error(p, "unsupported TCP option '%s'",
			    word));
		if (pd_accept(l, ","))
			continue;
		if (pd_accept(l, ">"))
			return (0);
		return (pd_error(p, "expected ',' or '>' in TCP options near "
		    "'%.20s'", l->s));
	}
}

static int
pd_segment(struct pd_parser *p, struct pd_lex *l, struct pd_event *e)
{
	struct pd_segment *seg = &e->u.seg;
	int64_t sport, dport;
	int rc;

	/* packetdrill's opt_port_info: `SPORT>DPORT` before the flags. */
	pd_ws(l);
	if (isdigit((unsigned char)*l->s)) {
		if (!pd_int(l, &sport) || !pd_accept(l, ">") ||
		    !pd_int(l, &dport))
			return (pd_error(p, "expected ports 'SPORT>DPORT' near "
			    "'%.20s'", l->s));
		if (sport < 1 || sport > 65535 || dport < 1 || dport > 65535)
			return (pd_error(p, "bad port in '%" PRId64 ">%" PRId64
			    "' (1 to 65535)", sport, dport));
		seg->has_ports = 1;
		seg->sport = (uint16_t)sport;
		seg->dport = (uint16_t)dport;
	}
	if ((rc = pd_flags(p, l, &seg->flags)) != 0)
		return (rc);
	if (pd_accept(l, "...")) {
		if (e->kind == PD_INBOUND)
			return (pd_error(p, "'...' sequence number in an "
			    "injected segment"));
		seg->seq_any = 1;
	} else {
		if (!pd_u32(l, &seg->start) || !pd_accept(l, ":") ||
		    !pd_u32(l, &seg->end) || !pd_accept(l, "(") ||
		    !pd_u32(l, &seg->len) || !pd_accept(l, ")"))
			return (pd_error(p, "expected 'start:end(len)' near "
			    "'%.20s'", l->s));
		if (seg->end - seg->start != seg->len)
			return (pd_error(p, "%" PRIu32 ":%" PRIu32 "(%" PRIu32
			    "): end - start is not the length", seg->start,
			    seg->end, seg->len));
	}
	for (;;) {
		pd_ws(l);
		if (*l->s == '\0')
			return (0);
		if (pd_accept(l, "ack")) {
			if (!pd_u32(l, &seg->ack))
				return (pd_error(p, "bad ack number"));
			seg->has_ack = 1;
		} else if (pd_accept(l, "win")) {
			if (!pd_u32(l, &seg->win) || seg->win > 65535)
				return (pd_error(p, "bad window"));
			seg->has_win = 1;
		} else if (pd_accept(l, "<")) {
			if (seg->has_opts)
				return (pd_error(p, "two option lists"));
			if ((rc = pd_options(p, l, seg)) != 0)
				return (rc);
		} else
			return (pd_error(p, "unsupported segment field near "
			    "'%.20s'", l->s));
	}
}

/* ---- system calls ----------------------------------------------------- */

static int
pd_expr(struct pd_parser *p, struct pd_lex *l, struct pd_arg *a)
{
	int64_t v;

	a->nterms = 0;
	do {
		if (a->nterms == PD_MAXTERMS)
			return (pd_error(p, "too many '|' terms"));
		if (pd_int(l, &v)) {
			a->name[a->nterms][0] = '\0';
			a->num[a->nterms] = v;
		} else if (!pd_ident(l, a->name[a->nterms], PD_NAMELEN))
			return (pd_error(p, "unsupported system call argument "
			    "near '%.20s'", l->s));
		a->nterms++;
	} while (pd_accept(l, "|"));
	return (0);
}

static int
pd_arg(struct pd_parser *p, struct pd_lex *l, struct pd_arg *a)
{
	char f[PD_NAMELEN];
	int64_t v;
	int rc, k;

	memset(a, 0, sizeof(*a));
	if (pd_accept(l, "...")) {
		a->kind = PD_ARG_ELLIPSIS;
		return (0);
	}
	if (pd_accept(l, "[")) {
		a->kind = PD_ARG_ARRAY;
		if ((rc = pd_expr(p, l, a)) != 0)
			return (rc);
		if (!pd_accept(l, "]"))
			return (pd_error(p, "expected ']'"));
		return (0);
	}
	if (pd_accept(l, "{")) {
		/* struct linger: {l_onoff=1, l_linger=0} or {onoff=..} */
		a->kind = PD_ARG_LINGER;
		for (k = 0; k < 2; k++) {
			if (k == 1 && !pd_accept(l, ","))
				return (pd_error(p, "expected ',' in struct"));
			if (!pd_ident(l, f, sizeof(f)) || !pd_accept(l, "=") ||
			    !pd_int(l, &v))
				return (pd_error(p, "expected 'field=value' "
				    "in struct"));
			if (strcmp(f, "l_onoff") == 0 ||
			    strcmp(f, "onoff") == 0)
				a->onoff = v;
			else if (strcmp(f, "l_linger") == 0 ||
			    strcmp(f, "linger") == 0)
				a->linger = v;
			else
				return (pd_error(p, "unsupported struct field "
				    "'%s' (only struct linger)", f));
		}
		if (!pd_accept(l, "}"))
			return (pd_error(p, "expected '}'"));
		return (0);
	}
	a->kind = PD_ARG_EXPR;
	return (pd_expr(p, l, a));
}

static int
pd_syscall(struct pd_parser *p, struct pd_lex *l, struct pd_event *e,
    const char *name)
{
	struct pd_syscall *sc = &e->u.sc;
	int rc, i;

	for (i = 0; pd_syscalls[i] != NULL; i++)
		if (strcmp(pd_syscalls[i], name) == 0)
			break;
	if (pd_syscalls[i] == NULL)
		return (pd_error(p, "unsupported system call '%s'", name));
	snprintf(sc->name, sizeof(sc->name), "%s", name);
	if (!pd_accept(l, "("))
		return (pd_error(p, "expected '(' after %s", name));
	if (!pd_accept(l, ")")) {
		do {
			if (sc->nargs == PD_MAXARGS)
				return (pd_error(p, "too many arguments"));
			if ((rc = pd_arg(p, l, &sc->args[sc->nargs++])) != 0)
				return (rc);
		} while (pd_accept(l, ","));
		if (!pd_accept(l, ")"))
			return (pd_error(p, "expected ')' near '%.20s'",
			    l->s));
	}
	if (!pd_accept(l, "=") || !pd_int(l, &sc->ret))
		return (pd_error(p, "%s() needs '= RETURN'", name));
	if (sc->ret == -1) {
		if (!pd_ident(l, sc->errname, sizeof(sc->errname)) ||
		    sc->errname[0] != 'E')
			return (pd_error(p, "%s() = -1 needs an errno name",
			    name));
	}
	/* A trailing "(text)" is a comment: "(flags O_RDWR)". */
	pd_ws(l);
	if (*l->s == '(') {
		const char *c = strchr(l->s, ')');

		if (c == NULL)
			return (pd_error(p, "unclosed '('"));
		l->s = c + 1;
	}
	pd_ws(l);
	if (*l->s != '\0')
		return (pd_error(p, "unexpected '%.20s' after %s()", l->s,
		    name));
	return (0);
}

/* ---- shell commands --------------------------------------------------- */

/* Words of one command, split on blanks (no quoting: none is needed). */
static int
pd_words(char *cmd, char **w, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(cmd, " \t", &save); t != NULL;
	    t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return (-1);
		w[n++] = t;
	}
	return (n);
}

static int
pd_all_digits(const char *s)
{

	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return (0);
	return (1);
}

static int
pd_state_word(const char *s)
{

	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (!isupper((unsigned char)*s) && *s != '_' &&
		    !isdigit((unsigned char)*s))
			return (0);
	return (1);
}

/* One command of a backtick line; may add several events (sysctl). */
static int
pd_shell_cmd(struct pd_parser *p, const struct pd_event *tmpl, char *cmd)
{
	char copy[512], *stage[4], *w[16];
	struct pd_event *e;
	int nstage = 0, nw, i;
	char *save = NULL, *t, *eq;

	while (isspace((unsigned char)*cmd))
		cmd++;
	for (t = cmd + strlen(cmd); t > cmd && isspace((unsigned char)t[-1]);)
		*--t = '\0';
	if (*cmd == '\0')
		return (0);
	snprintf(copy, sizeof(copy), "%s", cmd);
	for (t = strtok_r(copy, "|", &save); t != NULL;
	    t = strtok_r(NULL, "|", &save)) {
		if (nstage == 4)
			break;
		stage[nstage++] = t;
	}
	nw = pd_words(stage[0], w, 16);
	if (nw <= 0)
		return (pd_error(p, "unsupported shell command '%s'", cmd));
	if (strcmp(w[0], "sysctl") == 0 && nstage == 1) {
		int nset = 0;

		for (i = 1; i < nw; i++) {
			if (strcmp(w[i], "-w") == 0 || strcmp(w[i], "-q") == 0)
				continue;
			eq = strchr(w[i], '=');
			if (eq == NULL || eq == w[i] || eq[1] == '\0')
				return (pd_error(p, "unsupported shell command "
				    "'%s' (only sysctl -w NAME=VALUE)", cmd));
			if ((e = pd_new_event(p)) == NULL)
				return (pd_error(p, "out of memory"));
			*e = *tmpl;
			if (nset++ > 0) {
				/* Later settings: at the same time. */
				e->relative = 1;
				e->range = 0;
				e->t_lo = e->t_hi = 0;
			}
			e->u.sh.kind = PD_SH_SYSCTL;
			snprintf(e->u.sh.name, sizeof(e->u.sh.name), "%.*s",
			    (int)(eq - w[i]), w[i]);
			snprintf(e->u.sh.value, sizeof(e->u.sh.value), "%s",
			    eq + 1);
			snprintf(e->u.sh.text, sizeof(e->u.sh.text), "%s",
			    cmd);
		}
		if (nset == 0)
			return (pd_error(p, "unsupported shell command '%s' "
			    "(only sysctl -w NAME=VALUE)", cmd));
		return (0);
	}
	/* A read, as conformance scripts assert one: the value must be
	   VALUE exactly. */
	if (strcmp(w[0], "sysctl") == 0 && nstage == 2 && nw == 3 &&
	    strcmp(w[1], "-n") == 0 && strchr(w[2], '=') == NULL) {
		char *g[4];
		int ng = pd_words(stage[1], g, 4);

		if (ng >= 2 && ng <= 3 && strcmp(g[0], "grep") == 0 &&
		    (ng == 2 || strcmp(g[1], "-q") == 0) &&
		    g[ng - 1][0] != '-') {
			if ((e = pd_new_event(p)) == NULL)
				return (pd_error(p, "out of memory"));
			*e = *tmpl;
			e->u.sh.kind = PD_SH_SYSCTL_READ;
			snprintf(e->u.sh.name, sizeof(e->u.sh.name), "%s",
			    w[2]);
			snprintf(e->u.sh.value, sizeof(e->u.sh.value), "%s",
			    g[ng - 1]);
			snprintf(e->u.sh.text, sizeof(e->u.sh.text), "%s",
			    cmd);
			return (0);
		}
		return (pd_error(p, "unsupported shell command '%s' (only "
		    "sysctl -n NAME | grep [-q] VALUE)", cmd));
	}
	if (strcmp(w[0], "sockstat") == 0 && nstage == 3) {
		char *g1[4], *g2[4];
		int n1 = pd_words(stage[1], g1, 4), n2 = pd_words(stage[2],
		    g2, 4);

		if (n1 == 3 && strcmp(g1[0], "grep") == 0 &&
		    strcmp(g1[1], "-c") == 0 && pd_state_word(g1[2]) &&
		    n2 == 2 && strcmp(g2[0], "grep") == 0 &&
		    pd_all_digits(g2[1])) {
			if ((e = pd_new_event(p)) == NULL)
				return (pd_error(p, "out of memory"));
			*e = *tmpl;
			e->u.sh.kind = PD_SH_SOCKSTAT;
			snprintf(e->u.sh.name, sizeof(e->u.sh.name), "%s",
			    g1[2]);
			snprintf(e->u.sh.value, sizeof(e->u.sh.value), "%s",
			    g2[1]);
			snprintf(e->u.sh.text, sizeof(e->u.sh.text), "%s",
			    cmd);
			return (0);
		}
	}
	if (strcmp(w[0], "tcpdrop") == 0 && nstage == 1 && nw == 3 &&
	    strcmp(w[1], "-s") == 0 && pd_state_word(w[2])) {
		if ((e = pd_new_event(p)) == NULL)
			return (pd_error(p, "out of memory"));
		*e = *tmpl;
		e->u.sh.kind = PD_SH_TCPDROP;
		snprintf(e->u.sh.name, sizeof(e->u.sh.name), "%s", w[2]);
		snprintf(e->u.sh.text, sizeof(e->u.sh.text), "%s", cmd);
		return (0);
	}
	return (pd_error(p, "unsupported shell command '%s'", cmd));
}

static int
pd_shell(struct pd_parser *p, struct pd_lex *l, const struct pd_event *tmpl)
{
	char body[512], *save = NULL, *cmd;
	const char *end;
	struct pd_event first = *tmpl;
	size_t before;
	int rc;

	end = strchr(l->s, '`');
	if (end == NULL)
		return (pd_error(p, "unclosed '`'"));
	if ((size_t)(end - l->s) >= sizeof(body))
		return (pd_error(p, "shell command too long"));
	snprintf(body, sizeof(body), "%.*s", (int)(end - l->s), l->s);
	l->s = end + 1;
	pd_ws(l);
	if (*l->s != '\0')
		return (pd_error(p, "unexpected '%.20s' after the shell "
		    "command", l->s));
	first.kind = PD_SHELL;
	before = p->s->nevents;
	for (cmd = strtok_r(body, ";", &save); cmd != NULL;
	    cmd = strtok_r(NULL, ";", &save)) {
		if ((rc = pd_shell_cmd(p, &first, cmd)) != 0)
			return (rc);
		if (p->s->nevents > before) {
			/* Later commands of the line: at the same time. */
			first.relative = 1;
			first.range = 0;
			first.t_lo = first.t_hi = 0;
		}
	}
	if (p->s->nevents == before)
		return (pd_error(p, "empty shell command"));
	return (0);
}

/* ---- events ----------------------------------------------------------- */

static int
pd_event(struct pd_parser *p, const char *stmt)
{
	struct pd_lex lx = { stmt }, *l = &lx;
	struct pd_event tmpl, *e;
	char name[PD_NAMELEN];
	int rel2;

	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.line = p->line;
	pd_ws(l);
	if (*l->s == '*')
		return (pd_error(p, "unsupported time '*'"));
	tmpl.relative = pd_accept(l, "+");
	if (!pd_seconds(l, &tmpl.t_lo))
		return (pd_error(p, "expected a time near '%.20s'", l->s));
	tmpl.t_hi = tmpl.t_lo;
	if (pd_accept(l, "~")) {
		rel2 = pd_accept(l, "+");
		if (rel2 != tmpl.relative || !pd_seconds(l, &tmpl.t_hi) ||
		    tmpl.t_hi < tmpl.t_lo)
			return (pd_error(p, "bad time range (a~b: both "
			    "absolute or both +relative, a <= b)"));
		tmpl.range = 1;
	} else if (pd_accept(l, "...")) {
		return (pd_error(p, "unsupported time form 'a...b' (blocking "
		    "call durations)"));
	}
	p->seen_event = 1;
	pd_ws(l);
	if (*l->s == '`') {
		l->s++;
		return (pd_shell(p, l, &tmpl));
	}
	if (*l->s == '<' || *l->s == '>') {
		tmpl.kind = *l->s == '<' ? PD_INBOUND : PD_OUTBOUND;
		l->s++;
		if ((e = pd_new_event(p)) == NULL)
			return (pd_error(p, "out of memory"));
		*e = tmpl;
		return (pd_segment(p, l, e));
	}
	if (pd_ident(l, name, sizeof(name))) {
		tmpl.kind = PD_SYSCALL;
		if ((e = pd_new_event(p)) == NULL)
			return (pd_error(p, "out of memory"));
		*e = tmpl;
		return (pd_syscall(p, l, e, name));
	}
	return (pd_error(p, "unsupported event near '%.20s'", l->s));
}

/* Paren depth change of a line: statements continue while one is open. */
static int
pd_depth(const char *s, size_t n)
{
	int d = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '(' || s[i] == '[' || s[i] == '{')
			d++;
		else if (s[i] == ')' || s[i] == ']' || s[i] == '}')
			d--;
	}
	return (d);
}

int
pd_parse(const char *file, const char *text, const char *const *defs,
    size_t ndefs, struct pd_script **out, char *err, size_t errlen)
{
	struct pd_parser p;
	char *t = NULL, *line, *nl, *stmt = NULL;
	size_t stlen = 0, n;
	const char *base;
	int depth = 0, lineno = 0, rc = 0, first = 0;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.file = file;
	p.err = err;
	p.errlen = errlen;
	p.s = calloc(1, sizeof(*p.s));
	t = strdup(text);
	stmt = malloc(strlen(text) + 2);
	if (p.s == NULL || t == NULL || stmt == NULL) {
		snprintf(err, errlen, "%s: out of memory", file);
		rc = PD_UNUSABLE;
		goto out;
	}
	p.s->file = strdup(file);
	base = strrchr(file, '/');
	p.s->name = strdup(base != NULL ? base + 1 : file);
	p.s->tolerance = 4 * SIM_MSEC;	/* packetdrill's default */
	if (p.s->file == NULL || p.s->name == NULL) {
		snprintf(err, errlen, "%s: out of memory", file);
		rc = PD_UNUSABLE;
		goto out;
	}
	pd_strip_comments(t);
	if ((rc = pd_conditionals(&p, t, defs, ndefs)) != 0)
		goto out;
	for (line = t; line != NULL; line = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		n = nl != NULL ? (size_t)(nl - line) : strlen(line);
		lineno++;
		if (stlen == 0) {
			size_t k = 0;

			while (k < n && isspace((unsigned char)line[k]))
				k++;
			if (k == n)
				continue;
			first = lineno;
		} else
			stmt[stlen++] = ' ';
		memcpy(stmt + stlen, line, n);
		stlen += n;
		depth += pd_depth(line, n);
		if (depth > 0 && nl != NULL)
			continue;
		stmt[stlen] = '\0';
		p.line = first;
		{
			const char *s = stmt;

			while (isspace((unsigned char)*s))
				s++;
			rc = strncmp(s, "--", 2) == 0 ? pd_header(&p, s) :
			    pd_event(&p, s);
		}
		if (rc != 0)
			goto out;
		stlen = 0;
		depth = 0;
	}
	*out = p.s;
	p.s = NULL;
out:
	free(t);
	free(stmt);
	pd_script_free(p.s);
	return (rc);
}

int
pd_parse_file(const char *file, const char *const *defs, size_t ndefs,
    struct pd_script **out, char *err, size_t errlen)
{
	FILE *f;
	char *text;
	long len;
	int rc;

	*out = NULL;
	f = fopen(file, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return (PD_UNUSABLE);
	}
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "%s: cannot read", file);
		fclose(f);
		return (PD_UNUSABLE);
	}
	text = malloc((size_t)len + 1);
	if (text == NULL || fread(text, 1, (size_t)len, f) != (size_t)len) {
		snprintf(err, errlen, "%s: cannot read", file);
		free(text);
		fclose(f);
		return (PD_UNUSABLE);
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != (size_t)len) {
		snprintf(err, errlen, "%s: not a text file (NUL byte)", file);
		free(text);
		return (PD_UNUSABLE);
	}
	rc = pd_parse(file, text, defs, ndefs, out, err, errlen);
	free(text);
	return (rc);
}

void
pd_script_free(struct pd_script *s)
{

	if (s == NULL)
		return;
	free(s->file);
	free(s->name);
	free(s->events);
	free(s);
}

/* ---- formatting ------------------------------------------------------- */

static void
pd_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

void
pd_segment_format(const struct pd_segment *seg, char *buf, size_t len)
{
	static const struct {
		uint8_t	f;
		char	c;
	} order[] = {
		{ TH_SYN, 'S' }, { TH_FIN, 'F' }, { TH_RST, 'R' },
		{ TH_PUSH, 'P' }, { TH_ACK, '.' }, { PD_TH_ECE, 'E' },
		{ PD_TH_CWR, 'W' },
	};
	const struct pd_opt *o;
	size_t i;
	int k, j;

	buf[0] = '\0';
	if (seg->has_ports)
		pd_cat(buf, len, "%u>%u ", (unsigned)seg->sport,
		    (unsigned)seg->dport);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (seg->flags & order[i].f)
			pd_cat(buf, len, "%c", order[i].c);
	if (seg->seq_any)
		pd_cat(buf, len, " ...");
	else
		pd_cat(buf, len, " %" PRIu32 ":%" PRIu32 "(%" PRIu32 ")",
		    seg->start, seg->end, seg->len);
	if (seg->has_ack)
		pd_cat(buf, len, " ack %" PRIu32, seg->ack);
	if (seg->has_win)
		pd_cat(buf, len, " win %" PRIu32, seg->win);
	if (!seg->has_opts)
		return;
	pd_cat(buf, len, " <");
	for (k = 0; k < seg->nopts; k++) {
		o = &seg->opts[k];
		if (k > 0)
			pd_cat(buf, len, ",");
		switch (o->kind) {
		case PD_OPT_EOL:
			pd_cat(buf, len, "eol");
			break;
		case PD_OPT_NOP:
			pd_cat(buf, len, "nop");
			break;
		case PD_OPT_MSS:
			pd_cat(buf, len, "mss %" PRIu32, o->a);
			break;
		case PD_OPT_WSCALE:
			pd_cat(buf, len, "wscale %" PRIu32, o->a);
			break;
		case PD_OPT_SACKOK:
			pd_cat(buf, len, "sackOK");
			break;
		case PD_OPT_TS:
			pd_cat(buf, len, "TS val %" PRIu32 " ecr %" PRIu32,
			    o->a, o->b);
			break;
		case PD_OPT_SACK:
			pd_cat(buf, len, "sack");
			for (j = 0; j < o->nsack; j++)
				pd_cat(buf, len, " %" PRIu32 ":%" PRIu32,
				    o->sack[j][0], o->sack[j][1]);
			break;
		}
	}
	pd_cat(buf, len, ">");
}
