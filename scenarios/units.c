/*
 * units.c -- parsing and canonical formatting of scenario values.
 *
 * Times and sizes are parsed exactly: the decimal text is read as an integer
 * mantissa and a power of ten (fractional digits and exponent), and scaled
 * in 128-bit integer arithmetic, so "1.5s" is exactly 1500000000 ns, "1e15s"
 * is refused as out of range rather than rounded or misread, and a message
 * quotes the value as it was written.  Rates and probabilities are doubles
 * (strtod), but a sign, "inf", "nan" or hexadecimal are refused.  See
 * units.h for the forms.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenario.h"
#include "scenarios/units.h"

#define TIME_UNITS	"ns, us, ms, s, min"
#define SIZE_UNITS	"B, KiB, MiB, GiB, KB, MB, GB"

struct unit {
	const char	*name;
	uint64_t	 scale;
};

static const struct unit time_units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "min", 60000000000ULL },
	{ NULL, 0 }
};

static const struct unit size_units[] = {
	{ "B", 1 },
	{ "KiB", 1024 },
	{ "MiB", 1024 * 1024 },
	{ "GiB", 1024 * 1024 * 1024ULL },
	{ "KB", 1000 },
	{ "MB", 1000000 },
	{ "GB", 1000000000 },
	{ NULL, 0 }
};

static int
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Copy s without leading and trailing blanks into buf (NUL-terminated). */
static int
trim_copy(const char *s, char *buf, size_t len)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= len)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

/*
 * Read a non-negative decimal "12", "1.5", ".5", "1e15", "2.5E-3" from s:
 * its value is mant * 10^pow10, exactly.  Returns the position after the
 * number, or NULL if there is no number or it has too many significant
 * digits.  An 'e' counts as an exponent only when digits follow it (after
 * an optional sign), so no unit can be mistaken for one.
 */
static const char *
read_decimal(const char *s, uint64_t *mant, int *pow10)
{
	uint64_t m = 0;
	int any = 0, sig = 0, fd = 0, seen_dot = 0, neg = 0;
	long ex = 0;
	const char *e;

	for (;; s++) {
		if (*s == '.' && !seen_dot) {
			seen_dot = 1;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			break;
		any = 1;
		/* Leading zeros are not significant digits. */
		if ((m != 0 || *s != '0') && ++sig > 19)
			return NULL;
		if (seen_dot && ++fd > 18)
			return NULL;
		m = m * 10 + (uint64_t)(*s - '0');
	}
	if (!any)
		return NULL;
	if (*s == 'e' || *s == 'E') {
		e = s + 1;
		if (*e == '+' || *e == '-')
			neg = *e++ == '-';
		if (isdigit((unsigned char)*e)) {
			/* Saturate: anything past 999 is out of range anyway. */
			for (; isdigit((unsigned char)*e); e++)
				if (ex < 1000)
					ex = ex * 10 + (*e - '0');
			s = e;
		}
	}
	*mant = m;
	*pow10 = (int)(neg ? -ex : ex) - fd;
	return s;
}

/*
 * A quantity NUMBER UNIT scaled to base units, exactly.  `what` names the
 * quantity in messages, `maxtext` its largest value; a missing unit is
 * allowed only for zero.  Messages quote the value as written.
 */
static int
parse_scaled(const char *s, const struct unit *units, const char *unitlist,
    const char *what, const char *example, int64_t max, const char *maxtext,
    int64_t *out, char *err, size_t errlen)
{
	char buf[128];
	const char *p, *u;
	uint64_t mant;
	int p10, i;
	unsigned __int128 num, den;

	if (trim_copy(s, buf, sizeof(buf)) != 0)
		return fail(err, errlen, "'%.40s...' is too long", s);
	if (buf[0] == '\0')
		return fail(err, errlen, "empty %s (expected e.g. %s)", what,
		    example);
	if (buf[0] == '-')
		return fail(err, errlen, "negative %s '%s'", what, buf);
	p = read_decimal(buf, &mant, &p10);
	if (p == NULL)
		return fail(err, errlen, "'%s' is not a %s (expected a number "
		    "and one of %s, e.g. %s)", buf, what, unitlist, example);
	u = p;
	while (isspace((unsigned char)*u))
		u++;
	if (*u == '\0') {
		if (mant == 0) {
			*out = 0;
			return 0;
		}
		return fail(err, errlen, "missing unit in %s '%s' (expected "
		    "one of %s, e.g. %s)", what, buf, unitlist, example);
	}
	for (i = 0; units[i].name != NULL; i++)
		if (strcmp(u, units[i].name) == 0)
			break;
	if (units[i].name == NULL)
		return fail(err, errlen, "unknown unit '%s' in %s '%s' (valid "
		    "units: %s)", u, what, buf, unitlist);
	if (mant == 0) {
		*out = 0;
		return 0;
	}
	/*
	 * mant < 10^19 and scale < 10^11, so mant * scale < 10^30 fits in 128
	 * bits with room for one more factor of ten before the check; below
	 * 10^-30 the value is under one base unit.
	 */
	if (p10 < -30)
		return fail(err, errlen, "%s '%s' is not a whole number of %s",
		    what, buf, units[0].name);
	num = (unsigned __int128)mant * units[i].scale;
	den = 1;
	for (; p10 > 0; p10--) {
		num *= 10;
		if (num > (unsigned __int128)max)
			return fail(err, errlen, "%s '%s' is out of range (at "
			    "most %s)", what, buf, maxtext);
	}
	for (; p10 < 0; p10++)
		den *= 10;
	if (num % den != 0)
		return fail(err, errlen, "%s '%s' is not a whole number of %s",
		    what, buf, units[0].name);
	num /= den;
	if (num > (unsigned __int128)max)
		return fail(err, errlen, "%s '%s' is out of range (at most %s)",
		    what, buf, maxtext);
	*out = (int64_t)num;
	return 0;
}

int
units_parse_time(const char *s, sim_time_t *out, char *err, size_t errlen)
{
	int64_t v;

	if (parse_scaled(s, time_units, TIME_UNITS, "time", "30s",
	    INT64_MAX, "9223372036s, some 292 years", &v, err, errlen) != 0)
		return -1;
	*out = v;
	return 0;
}

int
units_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	int64_t v;

	if (parse_scaled(s, size_units, SIZE_UNITS, "size", "16KiB",
	    INT64_MAX, "8589934591GiB", &v, err, errlen) != 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/*
 * A plain non-negative real number: digits, optional fraction and exponent.
 * Refuses signs, inf/nan and hex, which strtod would accept.
 */
static const char *
read_real(const char *s, double *out)
{
	char *end;

	if (!isdigit((unsigned char)s[0]) &&
	    !(s[0] == '.' && isdigit((unsigned char)s[1])))
		return NULL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return NULL;
	errno = 0;
	*out = strtod(s, &end);
	if (errno == ERANGE || !isfinite(*out))
		return NULL;
	return end;
}

int
units_parse_rate(const char *s, double *out, char *err, size_t errlen)
{
	char buf[128];
	const char *p;
	double v;

	if (trim_copy(s, buf, sizeof(buf)) != 0)
		return fail(err, errlen, "'%.40s...' is too long", s);
	if (buf[0] == '-')
		return fail(err, errlen, "negative rate '%s'", buf);
	p = read_real(buf, &v);
	if (p == NULL)
		return fail(err, errlen, "'%s' is not a rate (expected a "
		    "number per second, e.g. 10/s)", buf);
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		if (v == 0) {
			*out = 0;
			return 0;
		}
		return fail(err, errlen, "missing unit in rate '%s' (expected "
		    "/s, e.g. %s/s)", buf, buf);
	}
	if (strcmp(p, "/s") != 0)
		return fail(err, errlen, "unknown unit '%s' in rate '%s' "
		    "(valid unit: /s)", p, buf);
	*out = v;
	return 0;
}

int
units_parse_prob(const char *s, double *out, char *err, size_t errlen)
{
	char buf[128];
	const char *p;
	double v;

	if (trim_copy(s, buf, sizeof(buf)) != 0)
		return fail(err, errlen, "'%.40s...' is too long", s);
	p = read_real(buf, &v);
	if (p == NULL || *p != '\0')
		return fail(err, errlen, "'%s' is not a probability (expected "
		    "a number from 0 to 1, e.g. 0.001)", buf);
	if (v > 1)
		return fail(err, errlen, "probability '%s' is above 1", buf);
	*out = v;
	return 0;
}

int
units_parse_int(const char *s, int64_t *out, char *err, size_t errlen)
{
	char buf[64];
	char *end;
	long long v;
	const char *p;

	if (trim_copy(s, buf, sizeof(buf)) != 0)
		return fail(err, errlen, "'%.40s...' is too long", s);
	p = buf[0] == '-' ? buf + 1 : buf;
	if (!isdigit((unsigned char)*p))
		return fail(err, errlen, "'%s' is not an integer", buf);
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (*end != '\0')
		return fail(err, errlen, "'%s' is not an integer", buf);
	if (errno == ERANGE)
		return fail(err, errlen, "integer '%s' is out of range", buf);
	*out = v;
	return 0;
}

int
units_parse_uint64(const char *s, uint64_t *out, char *err, size_t errlen)
{
	char buf[64];
	char *end;
	unsigned long long v;

	if (trim_copy(s, buf, sizeof(buf)) != 0)
		return fail(err, errlen, "'%.40s...' is too long", s);
	if (!isdigit((unsigned char)buf[0]))
		return fail(err, errlen, "'%s' is not a non-negative integer",
		    buf);
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (*end != '\0')
		return fail(err, errlen, "'%s' is not a non-negative integer",
		    buf);
	if (errno == ERANGE)
		return fail(err, errlen, "integer '%s' is out of range", buf);
	*out = v;
	return 0;
}

int
units_parse_port(const char *s, int allow_zero, uint16_t *out, char *err,
    size_t errlen)
{
	int64_t v;

	if (units_parse_int(s, &v, NULL, 0) != 0)
		return fail(err, errlen, "'%s' is not a port number", s);
	if (v < (allow_zero ? 0 : 1) || v > 65535)
		return fail(err, errlen, "port %lld is out of range (%d-65535)",
		    (long long)v, allow_zero ? 0 : 1);
	*out = (uint16_t)v;
	return 0;
}

int
units_parse_portrange(const char *s, int *first, int *last, char *err,
    size_t errlen)
{
	char buf[64];
	char *dash;
	uint16_t a, b;

	if (trim_copy(s, buf, sizeof(buf)) != 0)
		return fail(err, errlen, "'%.40s...' is too long", s);
	dash = strchr(buf, '-');
	if (dash == NULL)
		return fail(err, errlen, "'%s' is not a port range (expected "
		    "FIRST-LAST, e.g. 10000-65535)", buf);
	*dash = '\0';
	if (units_parse_port(buf, 0, &a, err, errlen) != 0 ||
	    units_parse_port(dash + 1, 0, &b, err, errlen) != 0)
		return -1;
	/*
	 * PORT-1: a reversed range is the same range; the kernel keeps the
	 * values as written and swaps them where it uses them (in_pcb_lport,
	 * tcptw_auto_size), and so does the model.
	 */
	*first = a;
	*last = b;
	return 0;
}

int
units_parse_ipv4(const char *s, uint32_t *out, char *err, size_t errlen)
{
	char buf[64];
	struct in_addr in;

	if (trim_copy(s, buf, sizeof(buf)) != 0 ||
	    inet_pton(AF_INET, buf, &in) != 1)
		return fail(err, errlen, "'%s' is not an IPv4 address (expected "
		    "a dotted quad, e.g. 10.0.0.1)", s);
	*out = ntohl(in.s_addr);
	return 0;
}

/*
 * "A", "A-B" (inclusive) or "A/LEN" (CIDR) -> first and last address.
 * A CIDR block gives its usable host addresses, as ipcalc's HostMin to
 * HostMax: the network and broadcast addresses are left out, except in a
 * /31 (RFC 3021: both are hosts on a point-to-point link) and a /32.
 */
int
units_parse_ipv4_range(const char *s, uint32_t *first, uint32_t *last,
    char *err, size_t errlen)
{
	char buf[64], *sep, *end, msg[160];
	unsigned long len;
	uint32_t a, b, mask;

	if (trim_copy(s, buf, sizeof(buf)) != 0)
		return fail(err, errlen, "'%.40s...' is too long", s);
	if ((sep = strchr(buf, '-')) != NULL) {
		*sep = '\0';
		if (units_parse_ipv4(buf, &a, msg, sizeof(msg)) != 0 ||
		    units_parse_ipv4(sep + 1, &b, msg, sizeof(msg)) != 0)
			return fail(err, errlen, "'%s' is not an address range "
			    "(expected FIRST-LAST, e.g. 10.0.1.1-10.0.1.20)", s);
		if (b < a)
			return fail(err, errlen, "address range '%s': the last "
			    "address is below the first", s);
		*first = a;
		*last = b;
		return 0;
	}
	if ((sep = strchr(buf, '/')) != NULL) {
		*sep = '\0';
		errno = 0;
		len = strtoul(sep + 1, &end, 10);
		if (units_parse_ipv4(buf, &a, msg, sizeof(msg)) != 0 ||
		    !isdigit((unsigned char)sep[1]) || *end != '\0' ||
		    len > 32)
			return fail(err, errlen, "'%s' is not a CIDR block "
			    "(expected ADDRESS/LENGTH, LENGTH 0 to 32, e.g. "
			    "10.0.1.0/28)", s);
		mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
		if ((a & ~mask) != 0)
			return fail(err, errlen, "CIDR block '%s' has host bits "
			    "set (the network is %u.%u.%u.%u/%lu)", s,
			    (a & mask) >> 24, ((a & mask) >> 16) & 0xff,
			    ((a & mask) >> 8) & 0xff, (a & mask) & 0xff, len);
		*first = a;
		*last = a | ~mask;
		if (len < 31) {		/* no network, no broadcast */
			(*first)++;
			(*last)--;
		}
		return 0;
	}
	if (units_parse_ipv4(buf, &a, err, errlen) != 0)
		return -1;
	*first = *last = a;
	return 0;
}

static const char *
dist_names(char *buf, size_t len)
{
	size_t off = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < DIST_NKINDS && off < len; k++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    k ? ", " : "", dist_info((enum dist_kind)k)->name);
	return buf;
}

/* A malloc'ed copy of s without leading and trailing blanks, or NULL. */
static char *
trim_dup(const char *s)
{
	size_t n;
	char *t;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	t = malloc(n + 1);
	if (t != NULL) {
		memcpy(t, s, n);
		t[n] = '\0';
	}
	return t;
}

/* Trim s in place; returns the first non-blank character. */
static char *
trim_inplace(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* The distribution in buf (trimmed, writable); see units_parse_dist. */
static int
parse_dist(char *buf, struct dist *out, char *err, size_t errlen)
{
	char names[128], msg[256];
	char *open, *close, *arg, *comma, *name;
	const char *text[2] = { NULL, NULL };
	const struct dist_info *di;
	sim_time_t t;
	struct dist d;
	int k, i;

	open = strchr(buf, '(');
	if (open == NULL) {
		/* A plain time stands for constant(time). */
		if (units_parse_time(buf, &t, NULL, 0) == 0) {
			out->kind = DIST_CONSTANT;
			out->p[0] = (double)t;
			out->p[1] = 0;
			return 0;
		}
		return fail(err, errlen, "'%.100s' is not a distribution "
		    "(expected NAME(PARAMS) with NAME one of %s, e.g. "
		    "exponential(2ms))", buf, dist_names(names, sizeof(names)));
	}
	close = strrchr(buf, ')');
	if (close == NULL || close < open || close[1] != '\0')
		return fail(err, errlen, "distribution '%.100s' lacks a "
		    "closing ')'", buf);
	*open = '\0';
	*close = '\0';
	name = trim_inplace(buf);
	k = dist_kind_by_name(name);
	if (k < 0)
		return fail(err, errlen, "unknown distribution '%.40s' (valid: "
		    "%s)", name, dist_names(names, sizeof(names)));
	di = dist_info((enum dist_kind)k);
	memset(&d, 0, sizeof(d));
	d.kind = (enum dist_kind)k;
	arg = open + 1;
	for (i = 0; ; i++) {
		comma = strchr(arg, ',');
		if (comma != NULL)
			*comma = '\0';
		if (i >= di->nparams)
			return fail(err, errlen, "%s takes %d parameter%s, got "
			    "more", di->name, di->nparams,
			    di->nparams == 1 ? "" : "s");
		arg = trim_inplace(arg);
		text[i] = arg;
		if (di->param_has_unit[i]) {
			if (units_parse_time(arg, &t, msg, sizeof(msg)) != 0)
				return fail(err, errlen, "%s parameter %s: %s",
				    di->name, di->param_names[i], msg);
			d.p[i] = (double)t;
		} else {
			const char *e = read_real(arg, &d.p[i]);

			if (e == NULL || *e != '\0')
				return fail(err, errlen, "%s parameter %s: "
				    "'%.40s' is not a plain number (or out of "
				    "range)", di->name, di->param_names[i],
				    arg);
		}
		if (comma == NULL)
			break;
		arg = comma + 1;
	}
	if (i + 1 != di->nparams)
		return fail(err, errlen, "%s takes %d parameters (%s, %s), got "
		    "%d", di->name, di->nparams, di->param_names[0],
		    di->param_names[1], i + 1);
	/* Messages show the parameters as written ("5ms"), not in ns. */
	if (dist_validate_text(&d, text, msg, sizeof(msg)) != 0)
		return fail(err, errlen, "%s", msg);
	*out = d;
	return 0;
}

int
units_parse_dist(const char *s, struct dist *out, char *err, size_t errlen)
{
	char *buf = trim_dup(s);
	int rc;

	if (buf == NULL)
		return fail(err, errlen, "out of memory");
	rc = parse_dist(buf, out, err, errlen);
	free(buf);
	return rc;
}

int
units_parse_rate_steps(const char *s, struct scenario_rate_step **stepsp,
    size_t *nstepsp, char *err, size_t errlen)
{
	char msg[256];
	char *buf, *item, *next, *at;
	struct scenario_rate_step *steps;
	size_t n = 0, cap;
	const char *p;

	buf = trim_dup(s);
	if (buf == NULL)
		return fail(err, errlen, "out of memory");
	cap = 1;
	for (p = buf; *p; p++)
		if (*p == ',')
			cap++;
	steps = calloc(cap, sizeof(*steps));
	if (steps == NULL) {
		free(buf);
		return fail(err, errlen, "out of memory");
	}
	for (item = buf; item != NULL; item = next) {
		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		at = strchr(item, '@');
		if (at != NULL)
			*at = '\0';
		if (units_parse_rate(item, &steps[n].rate, msg,
		    sizeof(msg)) != 0)
			goto bad;
		if (at != NULL) {
			if (units_parse_time(at + 1, &steps[n].start, msg,
			    sizeof(msg)) != 0)
				goto bad;
		} else if (n > 0) {
			snprintf(msg, sizeof(msg), "rate step %zu lacks "
			    "@START (only the first step may omit it)", n + 1);
			goto bad;
		} else
			steps[n].start = 0;
		if (n > 0 && steps[n].start <= steps[n - 1].start) {
			snprintf(msg, sizeof(msg), "rate step %zu does not "
			    "start after step %zu (start times must increase)",
			    n + 1, n);
			goto bad;
		}
		n++;
	}
	free(buf);
	*stepsp = steps;
	*nstepsp = n;
	return 0;
bad:
	free(buf);
	free(steps);
	return fail(err, errlen, "%s", msg);
}

char *
units_format_time(sim_time_t t, char *buf, size_t len)
{
	static const struct unit *const order[] = {
		&time_units[3], &time_units[2], &time_units[1], &time_units[0]
	};
	size_t i;
	const char *sign = t < 0 ? "-" : "";
	uint64_t a = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;

	if (a == 0) {
		snprintf(buf, len, "0s");
		return buf;
	}
	for (i = 0; i < 4; i++)
		if (a % order[i]->scale == 0)
			break;
	snprintf(buf, len, "%s%llu%s", sign,
	    (unsigned long long)(a / order[i]->scale), order[i]->name);
	return buf;
}

char *
units_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const int order[] = { 3, 2, 1, 0 };	/* GiB MiB KiB B */
	size_t i;

	if (bytes == 0) {
		snprintf(buf, len, "0B");
		return buf;
	}
	for (i = 0; i < 4; i++)
		if (bytes % size_units[order[i]].scale == 0)
			break;
	snprintf(buf, len, "%llu%s",
	    (unsigned long long)(bytes / size_units[order[i]].scale),
	    size_units[order[i]].name);
	return buf;
}

char *
units_format_double(double v, char *buf, size_t len)
{
	int prec;

	/* Whole numbers in plain digits ("10", not "1e+01"). */
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

char *
units_format_rate(double per_s, char *buf, size_t len)
{
	char num[40];

	snprintf(buf, len, "%s/s", units_format_double(per_s, num,
	    sizeof(num)));
	return buf;
}

/* A time parameter of a distribution: exact ns as a time, else "Xns". */
static void
format_dist_param(double v, int has_unit, char *buf, size_t len)
{
	char num[40];

	if (has_unit && v == floor(v) && fabs(v) < 9e18)
		units_format_time((sim_time_t)v, buf, len);
	else if (has_unit)
		snprintf(buf, len, "%sns", units_format_double(v, num,
		    sizeof(num)));
	else
		units_format_double(v, buf, len);
}

char *
units_format_dist(const struct dist *d, char *buf, size_t len)
{
	const struct dist_info *di = dist_info(d->kind);
	char a[48], b[48];

	if (di == NULL) {
		snprintf(buf, len, "?");
		return buf;
	}
	format_dist_param(d->p[0], di->param_has_unit[0], a, sizeof(a));
	if (di->nparams == 1) {
		snprintf(buf, len, "%s(%s)", di->name, a);
		return buf;
	}
	format_dist_param(d->p[1], di->param_has_unit[1], b, sizeof(b));
	snprintf(buf, len, "%s(%s, %s)", di->name, a, b);
	return buf;
}

char *
units_format_rate_steps(const struct scenario_rate_step *steps, size_t n,
    char *buf, size_t len)
{
	char r[48], t[48];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		units_format_rate(steps[i].rate, r, sizeof(r));
		if (i == 0 && steps[i].start == 0)
			off += (size_t)snprintf(buf + off, len - off, "%s", r);
		else
			off += (size_t)snprintf(buf + off, len - off,
			    "%s%s@%s", i ? ", " : "", r,
			    units_format_time(steps[i].start, t, sizeof(t)));
	}
	return buf;
}

char *
units_format_ipv4(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
	return buf;
}
