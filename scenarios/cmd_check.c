/*
 * cmd_check.c -- `twsim check` and `twsim params`.
 *
 * check loads a scenario exactly as `twsim run` would (same overrides, same
 * seed option), builds the model world of every sweep point as a run would
 * (runner_check), and prints the expanded run list without running anything,
 * so a sweep can be inspected before hours are spent on it.  params prints
 * the parameter table (scenarios/params.c), as text or as the Markdown of
 * docs/scenario-keys.md.  These are CLI functions: they print and return
 * exit codes (0 success, 2 bad usage or input).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/commands.h"
#include "scenarios/params.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"

static void
check_usage(FILE *out)
{
	fprintf(out,
	    "usage: twsim check SCENARIO [--set KEY=VALUE]... [--seed N] "
	    "[--keys | --indices]\n"
	    "\n"
	    "Validate a scenario and print its expanded run list (index, "
	    "sweep point,\n"
	    "repetition, seed, duration) without running anything.\n"
	    "\n"
	    "Options:\n"
	    "  --set KEY=VALUE  override a key: run.KEY, host.NAME.KEY, "
	    "path.A.B.KEY,\n"
	    "                   path.A->B.KEY, workload.NAME.KEY, "
	    "at.TIME.HOST.KEY;\n"
	    "                   the value may be a sweep, e.g. "
	    "--set 'workload.web.rate=${10,20}/s'\n"
	    "  --seed N         master seed (replaces [run] seed)\n"
	    "  --keys           also print every key of each sweep point, "
	    "defaults included\n"
	    "  --indices        print only the run indices, one per line (for "
	    "xargs,\n"
	    "                   GNU parallel and job arrays: twsim run --runs "
	    "INDEX)\n"
	    "  -h, --help       show this help\n"
	    "\n"
	    "Exit status: 0 valid, 2 bad usage or an invalid scenario.\n");
}

static int
parse_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

int
cmd_check(int argc, char **argv)
{
	const char **sets;
	const char *file = NULL, *arg;
	struct scenario *sc;
	const struct scenario_run *r;
	char err[2048], dur[48];
	uint64_t seed = 0;
	int i, nsets = 0, keys = 0, indices = 0, wl;
	size_t k, j;

	sets = calloc((size_t)argc + 1, sizeof(*sets));
	if (sets == NULL) {
		fprintf(stderr, "twsim check: out of memory\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			check_usage(stdout);
			free(sets);
			return 0;
		} else if (strcmp(arg, "--set") == 0 && i + 1 < argc) {
			sets[nsets++] = argv[++i];
		} else if (strncmp(arg, "--set=", 6) == 0) {
			sets[nsets++] = arg + 6;
		} else if (strcmp(arg, "--seed") == 0 || strncmp(arg,
		    "--seed=", 7) == 0) {
			const char *v = arg[6] == '=' ? arg + 7 :
			    (i + 1 < argc ? argv[++i] : NULL);

			if (parse_seed(v, &seed) != 0 || seed == 0) {
				fprintf(stderr, "twsim check: --seed needs a "
				    "positive integer (for 0 use --set "
				    "run.seed=0)\n");
				free(sets);
				return 2;
			}
		} else if (strcmp(arg, "--keys") == 0) {
			keys = 1;
		} else if (strcmp(arg, "--indices") == 0) {
			indices = 1;
		} else if (arg[0] == '-' && arg[1] != '\0') {
			fprintf(stderr, "twsim check: unknown option '%s' "
			    "(try 'twsim check --help')\n", arg);
			free(sets);
			return 2;
		} else if (file == NULL) {
			file = arg;
		} else {
			fprintf(stderr, "twsim check: one scenario at a time "
			    "('%s' and '%s')\n", file, arg);
			free(sets);
			return 2;
		}
	}
	if (keys && indices) {
		fprintf(stderr, "twsim check: --keys and --indices do not go "
		    "together (--indices prints the indices alone)\n");
		free(sets);
		return 2;
	}
	if (file == NULL) {
		check_usage(stderr);
		free(sets);
		return 2;
	}
	/* The same validation as `twsim run`, up to building each world. */
	if (scenario_load(file, sets, nsets, seed, &sc, err,
	    sizeof(err)) != 0 ||
	    runner_check_scenario(sc, err, sizeof(err)) != 0) {
		fprintf(stderr, "twsim check: %s\n", err);
		scenario_free(sc);
		free(sets);
		return 2;
	}
	free(sets);

	if (indices) {
		for (k = 0; k < scenario_nruns(sc); k++)
			printf("%zu\n", scenario_run_at(sc, k)->index);
		scenario_free(sc);
		if (fflush(stdout) != 0) {
			fprintf(stderr, "twsim check: write error\n");
			return 2;
		}
		return 0;
	}
	printf("scenario %s (%s): %zu run%s = %zu sweep point%s x %u "
	    "repetition%s, master seed %llu\n", scenario_name(sc),
	    scenario_path(sc), scenario_nruns(sc),
	    scenario_nruns(sc) == 1 ? "" : "s", scenario_npoints(sc),
	    scenario_npoints(sc) == 1 ? "" : "s", scenario_repeat(sc),
	    scenario_repeat(sc) == 1 ? "" : "s",
	    (unsigned long long)scenario_master_seed(sc));
	wl = 5;
	for (k = 0; k < scenario_nruns(sc); k++) {
		r = scenario_run_at(sc, k);
		if ((int)strlen(r->label) > wl)
			wl = (int)strlen(r->label);
	}
	printf("%5s  %-*s  %4s  %20s  %10s  %s\n", "INDEX", wl, "SWEEP", "REP",
	    "SEED", "DURATION", "CONNECTIONS");
	for (k = 0; k < scenario_nruns(sc); k++) {
		r = scenario_run_at(sc, k);
		printf("%5zu  %-*s  %4u  %20llu  %10s  %.0f expected, %s\n",
		    r->index, wl, r->label[0] ? r->label : "-", r->repetition,
		    (unsigned long long)r->seed,
		    units_format_time(r->duration, dur, sizeof(dur)),
		    r->expected_connections,
		    r->record_connections ? "recorded" : "not recorded");
		if (keys && r->repetition == 0)
			for (j = 0; j < r->nparams; j++)
				printf("         %s = %s\n", r->params[j].key,
				    r->params[j].value);
	}
	scenario_free(sc);
	return 0;
}

static void
params_usage(FILE *out)
{
	fprintf(out,
	    "usage: twsim params [--stack freebsd9|freebsd14|linux] "
	    "[--markdown | --man]\n"
	    "\n"
	    "Print every scenario key with its section, unit, default and "
	    "meaning.\n"
	    "\n"
	    "Options:\n"
	    "  --stack S   the keys of a host with `stack = S`, with that "
	    "kernel's\n"
	    "              defaults and sysctl names (default freebsd9)\n"
	    "  --markdown  emit the Markdown table of docs/scenario-keys.md\n"
	    "  --man       emit the manual page docs/twsim-scenario.5\n"
	    "  -h, --help  show this help\n");
}

int
cmd_params(int argc, char **argv)
{
	int i, md = 0, man = 0, rc, stack = TUNABLE_STACK_FREEBSD9;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			params_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--markdown") == 0)
			md = 1;
		else if (strcmp(argv[i], "--man") == 0)
			man = 1;
		else if (strcmp(argv[i], "--stack") == 0 && i + 1 < argc) {
			stack = tunable_stack_by_name(argv[++i]);
			if (stack < 0) {
				fprintf(stderr, "twsim params: unknown stack "
				    "'%s' (freebsd9, freebsd14 or linux)\n",
				    argv[i]);
				return 2;
			}
		}
		else {
			fprintf(stderr, "twsim params: unknown argument '%s' "
			    "(try 'twsim params --help')\n", argv[i]);
			return 2;
		}
	}
	if (md && man) {
		fprintf(stderr, "twsim params: --markdown or --man, not both\n");
		return 2;
	}
	rc = md ? params_write_markdown(stdout) : man ?
	    params_write_man(stdout) : params_write_text_stack(stdout, stack);
	if (rc != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "twsim params: write error\n");
		return 2;
	}
	return 0;
}
