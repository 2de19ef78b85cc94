/*
 * value.c -- one value of a key, parsed by its type in the parameter table
 * (times, sizes, rates, probabilities, integers, ports, addresses,
 * distributions, names) into base units, checked against the key's bounds,
 * with its canonical text for the params table.
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

#include "models/host.h"
#include "models/workload.h"
#include "scenarios/loader.h"
#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"

/*
 * The items of a comma list; with items != NULL, also split it into them
 * (in place, trimmed; at most max).  Returns the count.
 */
static size_t
split_list(char *s, char **items, size_t max)
{
	size_t n = 0;
	char *q;

	for (;;) {
		q = strchr(s, ',');
		if (items != NULL && q != NULL)
			*q = '\0';
		if (items != NULL && n < max)
			items[n] = ld_trim(s);
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

/* Canonical text `t`, copied into the scenario's memory. */
static int
set_canon(struct scenario *sc, struct pval *pv, const char *t, char *msg,
    size_t len)
{
	pv->canon = sc_strdup(sc, t);
	if (pv->canon == NULL) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * A host's addresses from the list's items: an address, a range "A-B" or
 * a CIDR block "A/LEN" (units_parse_ipv4_range: a block's host addresses)
 * each, at most max in all, none twice, 0.0.0.0 never: the model gives no
 * host INADDR_ANY (net_add_addr), so the loader refuses it where the user
 * wrote it.  The canonical text keeps the ranges as the addresses they
 * gave: "10.0.1.1-10.0.1.2".
 */
static int
parse_addrs(struct scenario *sc, char **items, size_t n, size_t max,
    struct pval *pv, char *canon, char *msg, size_t len)
{
	uint32_t *first, *last, x;
	uint64_t total = 0;
	size_t i, j, k, off = 0;
	char a[20], b[20];
	int rv = -1;

	first = calloc(n, sizeof(*first));
	last = calloc(n, sizeof(*last));
	if (first == NULL || last == NULL) {
		snprintf(msg, len, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (units_parse_ipv4_range(items[i], &first[i], &last[i], msg,
		    len) != 0)
			goto out;
		total += (uint64_t)last[i] - first[i] + 1;
		if (total > max) {
			snprintf(msg, len, "'%s' makes more than %zu addresses "
			    "(a host owns at most %zu)", items[i], max, max);
			goto out;
		}
	}
	if ((pv->addrs = sc_alloc(sc, (size_t)total * sizeof(*pv->addrs))) ==
	    NULL) {
		snprintf(msg, len, "out of memory");
		goto out;
	}
	canon[0] = '\0';
	for (i = 0, k = 0; i < n; i++) {
		for (x = first[i]; ; x++) {
			units_format_ipv4(x, a, sizeof(a));
			if (x == 0) {
				snprintf(msg, len, "%s is no address of a host "
				    "(it means any address)", a);
				goto out;
			}
			for (j = 0; j < k; j++)
				if (pv->addrs[j] == x) {
					snprintf(msg, len, "address %s listed "
					    "twice", a);
					goto out;
				}
			pv->addrs[k++] = x;
			if (x == last[i])
				break;
		}
		units_format_ipv4(first[i], a, sizeof(a));
		units_format_ipv4(last[i], b, sizeof(b));
		off += (size_t)sprintf(canon + off, "%s%s%s%s", i ? ", " : "",
		    a, first[i] == last[i] ? "" : "-",
		    first[i] == last[i] ? "" : b);
	}
	pv->n = k;
	rv = 0;
out:
	free(first);
	free(last);
	return rv;
}

/*
 * A comma list of ports or addresses (parse_addrs).  At most `max` items
 * (a host owns at most HOST_MAXADDRS addresses, models/host.h), none
 * twice.
 */
static int
parse_list(struct scenario *sc, const struct param *p, const char *text,
    struct pval *pv, char *msg, size_t len)
{
	const int ports = p->type == PARAM_T_PORTS;
	const size_t max = ports ? 256 : HOST_MAXADDRS;
	char **items = NULL, *buf, *canon = NULL, a[48];
	size_t i, j, n, off = 0;
	int rv = -1;

	buf = sc_strdup(sc, text);
	if (buf == NULL)
		goto nomem;
	if (ld_trim(buf)[0] == '\0') {
		pv->n = 0;
		return set_canon(sc, pv, "", msg, len);
	}
	n = split_list(buf, NULL, 0);
	if (n > max) {
		snprintf(msg, len, ports ? "more than %zu ports" :
		    "more than %zu addresses (a host owns at most %zu)", max,
		    max);
		return -1;
	}
	items = calloc(n, sizeof(*items));
	/* "65535, " or "255.255.255.255-255.255.255.255, " per item. */
	canon = malloc(n * 34 + 1);
	if (items == NULL || canon == NULL)
		goto nomem;
	(void)split_list(buf, items, n);
	if (!ports) {
		if (parse_addrs(sc, items, n, max, pv, canon, msg, len) == 0)
			rv = set_canon(sc, pv, canon, msg, len);
		goto out;
	}
	if ((pv->ports = sc_alloc(sc, n * sizeof(*pv->ports))) == NULL)
		goto nomem;
	canon[0] = '\0';
	for (i = 0; i < n; i++) {
		if (units_parse_port(items[i], 0, &pv->ports[i], msg, len) != 0)
			goto out;
		for (j = 0; j < i; j++)
			if (pv->ports[j] == pv->ports[i]) {
				snprintf(msg, len, "port %u listed twice",
				    pv->ports[i]);
				goto out;
			}
		snprintf(a, sizeof(a), "%u", pv->ports[i]);
		off += (size_t)sprintf(canon + off, "%s%s", i ? ", " : "", a);
	}
	pv->n = n;
	rv = set_canon(sc, pv, canon, msg, len);
	goto out;
nomem:
	snprintf(msg, len, "out of memory");
out:
	free(items);
	free(canon);
	return rv;
}

/* Parse text as param p's type into pv (and its canonical text). */
int
value_parse(struct scenario *sc, const struct param *p, const char *text,
    struct pval *pv, char *msg, size_t len)
{
	char buf[160], *steps;
	size_t i, n;
	sim_time_t t;
	int rv;

	memset(pv, 0, sizeof(*pv));
	switch (p->type) {
	case PARAM_T_NAME:
	case PARAM_T_CLIENT:
	case PARAM_T_SERVER:
		pv->s = text;
		return set_canon(sc, pv, text, msg, len);
	case PARAM_T_TIME:
		if (units_parse_time(text, &t, msg, len) != 0)
			return -1;
		if (check_bounds(p, (double)t, msg, len) != 0)
			return -1;
		pv->i = t;
		return set_canon(sc, pv, units_format_time(t, buf,
		    sizeof(buf)), msg, len);
	case PARAM_T_SIZE:
		if (units_parse_size(text, &pv->u, msg, len) != 0)
			return -1;
		if (check_bounds(p, (double)pv->u, msg, len) != 0)
			return -1;
		return set_canon(sc, pv, units_format_size(pv->u, buf,
		    sizeof(buf)), msg, len);
	case PARAM_T_RATE:
		if (units_parse_rate_steps(text, &pv->steps, &pv->n, msg,
		    len) != 0)
			return -1;
		/* The workload model holds WORKLOAD_MAXSTEPS steps. */
		if (pv->n > WORKLOAD_MAXSTEPS) {
			free(pv->steps);
			snprintf(msg, len, "more than %d rate steps",
			    WORKLOAD_MAXSTEPS);
			return -1;
		}
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
		/* "RATE/s@TIME, " is well under 80 characters a step. */
		n = pv->n * 80 + 1;
		if ((steps = malloc(n)) == NULL) {
			snprintf(msg, len, "out of memory");
			return -1;
		}
		rv = set_canon(sc, pv, units_format_rate_steps(pv->steps,
		    pv->n, steps, n), msg, len);
		free(steps);
		return rv;
	case PARAM_T_PROB:
		if (units_parse_prob(text, &pv->d, msg, len) != 0)
			return -1;
		return set_canon(sc, pv, units_format_double(pv->d, buf,
		    sizeof(buf)), msg, len);
	case PARAM_T_INT:
		if (units_parse_int(text, &pv->i, msg, len) != 0)
			return -1;
		if (check_bounds(p, (double)pv->i, msg, len) != 0)
			return -1;
		snprintf(buf, sizeof(buf), "%lld", (long long)pv->i);
		return set_canon(sc, pv, buf, msg, len);
	case PARAM_T_SEED:
		if (units_parse_uint64(text, &pv->u, msg, len) != 0)
			return -1;
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)pv->u);
		return set_canon(sc, pv, buf, msg, len);
	case PARAM_T_PORTRANGE:
		if (units_parse_portrange(text, &pv->first, &pv->last, msg,
		    len) != 0)
			return -1;
		snprintf(buf, sizeof(buf), "%d-%d", pv->first, pv->last);
		return set_canon(sc, pv, buf, msg, len);
	case PARAM_T_PORTS:
	case PARAM_T_ADDRS:
		return parse_list(sc, p, text, pv, msg, len);
	case PARAM_T_DIST:
		if (units_parse_dist(text, &pv->dist, msg, len) != 0)
			return -1;
		return set_canon(sc, pv, units_format_dist(&pv->dist, buf,
		    sizeof(buf)), msg, len);
	case PARAM_T_ENUM:
		{
			const char *c = p->choices, *bar;
			int k = 0;
			char t2[128];

			snprintf(t2, sizeof(t2), "%s", text);
			ld_trim(t2);
			for (;; k++) {
				bar = strchr(c, '|');
				n = bar ? (size_t)(bar - c) : strlen(c);
				if (strlen(t2) == n && strncmp(t2, c, n) == 0) {
					pv->i = k;
					return set_canon(sc, pv, t2, msg, len);
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
	}
	snprintf(msg, len, "internal: unknown type");
	return -1;
}
