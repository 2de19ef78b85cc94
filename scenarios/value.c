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

#include "scenarios/loader.h"
#include "scenarios/params.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"

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

/* Parse text as param p's type into pv (and its canonical text). */
int
value_parse(struct scenario *sc, const struct param *p, const char *text,
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
		if (ld_trim(buf)[0] == '\0') {
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
			ld_trim(t2);
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

