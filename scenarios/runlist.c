/*
 * runlist.c -- sets of run indices: "0,3,7-9" (runlist.h).
 *
 * The notation is the one of cut(1) and of Slurm's --array: items
 * separated by commas, each an index or a range FROM-TO.  Parsing is
 * strict -- no spaces, signs or empty items -- because a sweep slice that
 * silently runs the wrong runs costs hours; every error names the item.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/runlist.h"

/* One decimal index at *p (digits only); advances *p past it. */
static int
parse_index(const char **p, size_t *out)
{
	unsigned long long v;
	char *end;

	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	v = strtoull(*p, &end, 10);
	if (errno != 0 || v > (unsigned long long)(size_t)-1)
		return -1;
	*out = (size_t)v;
	*p = end;
	return 0;
}

int
runlist_parse(const char *spec, size_t n, unsigned char *sel, char *err,
    size_t errlen)
{
	const char *p = spec, *item;
	size_t from, to, i;
	int len;

	if (n > 0)
		memset(sel, 0, n);
	if (spec == NULL || *spec == '\0') {
		snprintf(err, errlen, "empty list of run indices (e.g. "
		    "0,3,7-9)");
		return -1;
	}
	for (;;) {
		item = p;
		len = (int)strcspn(item, ",");
		if (len == 0) {
			snprintf(err, errlen, "empty item in '%s' (a list of "
			    "run indices is like 0,3,7-9)", spec);
			return -1;
		}
		if (parse_index(&p, &from) != 0) {
			snprintf(err, errlen, "'%.*s' in '%s' is not a run "
			    "index or range (e.g. 0,3,7-9)", len, item, spec);
			return -1;
		}
		to = from;
		if (*p == '-') {
			p++;
			if (parse_index(&p, &to) != 0) {
				snprintf(err, errlen, "'%.*s' in '%s' is not "
				    "a range FROM-TO of run indices", len,
				    item, spec);
				return -1;
			}
			if (to < from) {
				snprintf(err, errlen, "range '%.*s' in '%s' "
				    "runs backwards", len, item, spec);
				return -1;
			}
		}
		if (*p != ',' && *p != '\0') {
			snprintf(err, errlen, "'%.*s' in '%s' is not a run "
			    "index or range (e.g. 0,3,7-9)", len, item, spec);
			return -1;
		}
		if (to >= n) {
			if (n == 0)
				snprintf(err, errlen, "run index %zu does not "
				    "exist: there are no runs", to);
			else
				snprintf(err, errlen, "run index %zu does not "
				    "exist: the runs are 0-%zu ('twsim check' "
				    "lists them)", to, n - 1);
			return -1;
		}
		for (i = from; i <= to; i++)
			sel[i] = 1;
		if (*p == '\0')
			break;
		p++;
		if (*p == '\0') {
			snprintf(err, errlen, "empty item at the end of '%s'",
			    spec);
			return -1;
		}
	}
	return 0;
}

size_t
runlist_count(const unsigned char *sel, size_t n, unsigned char want)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += sel[i] == want;
	return c;
}

void
runlist_write(FILE *out, const unsigned char *sel, size_t n,
    unsigned char want)
{
	size_t i = 0, j;
	int first = 1;

	while (i < n) {
		if (sel[i] != want) {
			i++;
			continue;
		}
		for (j = i; j + 1 < n && sel[j + 1] == want; j++)
			;
		fprintf(out, "%s%zu", first ? "" : ",", i);
		if (j > i)
			fprintf(out, "-%zu", j);
		first = 0;
		i = j + 1;
	}
}
