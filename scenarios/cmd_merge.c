/*
 * cmd_merge.c -- `twsim merge`: results databases into one, and the
 * progress of a sweep spread over many machines.
 *
 * A sweep too big for one machine is cut into slices (`twsim run --runs`),
 * each run by GNU parallel or a Slurm array task into a part database of
 * its own; `twsim merge OUT IN...` joins them.  The merge is
 * results_merge_sources() (analysis/results.c), the code path `twsim run
 * -j` merges its workers' part files with: every run keeps its identity,
 * a run OUT holds already is not added again, and the runs added are
 * numbered in run-index order, so the slices merged equal one `twsim run
 * -j 1` of the whole sweep.  Every input is read and checked before OUT
 * is created or opened: a foreign, other-version or damaged input is
 * refused (exit 2) and nothing is written.
 *
 * `twsim merge --status SCENARIO PART...` answers "how far is my sweep?":
 * it computes the identity of every run of SCENARIO (runner_identity(),
 * as `twsim run` records it) and looks for it in the part files.  It
 * lives here rather than in analysis/ because it loads scenarios.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/results.h"
#include "scenarios/commands.h"
#include "scenarios/runlist.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"

static void
merge_usage(FILE *out)
{
	fprintf(out,
	    "usage: twsim merge [--replace] [--quiet] OUT.db IN.db...\n"
	    "       twsim merge --status SCENARIO [--set KEY=VALUE]... [--seed N] PART.db...\n"
	    "\n"
	    "Merge results databases into OUT.db (created, or appended to): the slices\n"
	    "of a sweep run with 'twsim run --runs' on many machines (scripts/sweep-parallel,\n"
	    "scripts/sweep-slurm.sbatch).  Each run keeps its identity (scenario, resolved\n"
	    "parameters, seed); a run OUT.db already holds is not added twice (a failed or\n"
	    "interrupted one is replaced by a complete one); the runs added are numbered in\n"
	    "run-index order, so the merged slices equal one 'twsim run -j 1' of the whole\n"
	    "sweep, apart from the wall-clock columns.  Every input is checked first: a\n"
	    "file that is not a twsim database, of another schema version or damaged is\n"
	    "refused and nothing is written.\n"
	    "\n"
	    "With --status, merge nothing: list the run indices of SCENARIO (as 'twsim\n"
	    "check' numbers them) that the part databases hold complete (done), hold\n"
	    "only failed or interrupted (failed), or do not hold (missing), in the\n"
	    "notation of 'twsim run --runs'.  Give --set and --seed as the sweep was run.\n"
	    "\n"
	    "Options:\n"
	    "      --replace        a complete run replaces a complete run of its identity\n"
	    "                       in OUT.db (same run_id)\n"
	    "      --status         report the progress of SCENARIO's sweep instead\n"
	    "  -S, --set KEY=VALUE  (--status) override a scenario key, as for twsim run\n"
	    "  -s, --seed N         (--status) master seed, as for twsim run\n"
	    "  -q, --quiet          no summary\n"
	    "  -h, --help           show this help\n"
	    "\n"
	    "Exit status: 0 merged (--status: every run done), 1 the merge failed part\n"
	    "way (the inputs merged before are kept; --status: runs failed or missing),\n"
	    "2 bad usage, a bad scenario or an unusable database.\n");
}

/* ---- --status ------------------------------------------------------------- */

enum run_state {
	STATE_MISSING,
	STATE_FAILED,
	STATE_DONE
};

struct want {
	char	identity[RESULTS_DIGEST_HEX + 1];
	size_t	index;
};

struct status_ctx {
	struct want	*wants;		/* sorted by identity */
	size_t		 nwants;
	unsigned char	*state;		/* enum run_state, by run index */
	size_t		 other;		/* runs of other sweeps */
};

static int
want_cmp(const void *a, const void *b)
{
	return strcmp(((const struct want *)a)->identity,
	    ((const struct want *)b)->identity);
}

static int
status_run(void *arg, const struct results_run_info *ri)
{
	struct status_ctx *c = arg;
	struct want key, *w;

	snprintf(key.identity, sizeof(key.identity), "%s", ri->identity);
	w = bsearch(&key, c->wants, c->nwants, sizeof(*c->wants), want_cmp);
	if (w == NULL || strcmp(w->identity, ri->identity) != 0) {
		c->other++;
		return 0;
	}
	if (strcmp(ri->status, RESULTS_STATUS_COMPLETE) == 0)
		c->state[w->index] = STATE_DONE;
	else if (c->state[w->index] != STATE_DONE)
		c->state[w->index] = STATE_FAILED;
	return 0;
}

static void
status_line(const char *what, const unsigned char *state, size_t n,
    unsigned char want)
{
	size_t count = runlist_count(state, n, want);

	printf("%s %zu:%s", what, count, count > 0 ? " " : "");
	runlist_write(stdout, state, n, want);
	putchar('\n');
}

static int
merge_status(const char *scenario, const char **sets, int nsets,
    uint64_t seed, char **parts, int nparts)
{
	struct scenario *sc;
	struct status_ctx c;
	struct runner_opts opts;
	struct results_identity id;
	struct results *db;
	struct stat sb;
	char err[2048];
	size_t i, n;
	int k, bad = 0, rc;

	if (scenario_load(scenario, sets, nsets, seed, &sc, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "twsim merge: %s\n", err);
		return 2;
	}
	n = scenario_nruns(sc);
	memset(&c, 0, sizeof(c));
	memset(&opts, 0, sizeof(opts));
	opts.scenario = scenario_name(sc);
	opts.version = PACKAGE_VERSION;
	if ((c.wants = calloc(n + 1, sizeof(*c.wants))) == NULL ||
	    (c.state = calloc(n + 1, 1)) == NULL) {
		fprintf(stderr, "twsim merge: out of memory\n");
		rc = 2;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (runner_identity(scenario_run_at(sc, i), &opts, &id) != 0) {
			fprintf(stderr, "twsim merge: out of memory\n");
			rc = 2;
			goto out;
		}
		memcpy(c.wants[i].identity, id.identity, sizeof(id.identity));
		c.wants[i].index = i;
	}
	c.nwants = n;
	qsort(c.wants, n, sizeof(*c.wants), want_cmp);

	for (k = 0; k < nparts; k++) {
		/* A task that has only just started: no runs yet. */
		if (stat(parts[k], &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_size == 0)
			continue;
		if (results_open(parts[k], RESULTS_READONLY, &db, err,
		    sizeof(err)) != RESULTS_OK) {
			fprintf(stderr, "twsim merge: %s\n", err);
			bad = 1;
			continue;
		}
		if (results_each_run(db, status_run, &c) != RESULTS_OK) {
			fprintf(stderr, "twsim merge: %s\n",
			    results_errmsg(db));
			bad = 1;
		}
		results_close(db);
	}

	printf("scenario %s: %zu runs in %d part file%s\n", scenario_name(sc),
	    n, nparts, nparts == 1 ? "" : "s");
	status_line("done", c.state, n, STATE_DONE);
	status_line("failed", c.state, n, STATE_FAILED);
	status_line("missing", c.state, n, STATE_MISSING);
	if (c.other > 0)
		printf("other %zu: runs of other scenarios or parameters\n",
		    c.other);
	if (bad)
		rc = 2;
	else
		rc = runlist_count(c.state, n, STATE_DONE) == n ? 0 : 1;
out:
	free(c.wants);
	free(c.state);
	scenario_free(sc);
	return rc;
}

/* ---- the command ----------------------------------------------------------- */

int
cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "replace", no_argument, NULL, 'R' },
		{ "status", no_argument, NULL, 'T' },
		{ "set", required_argument, NULL, 'S' },
		{ "seed", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct results_sources *src = NULL;
	struct results_merge_stats ms;
	struct results *db = NULL;
	const char **sets;
	const char *out;
	char err[2048], *end;
	uint64_t seed = 0;
	int ch, nsets = 0, replace = 0, status = 0, quiet = 0, rc;

	optind = 1;
	opterr = 0;
	if ((sets = calloc((size_t)argc + 1, sizeof(*sets))) == NULL)
		return 2;
	while ((ch = getopt_long(argc, argv, ":S:s:qh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'R':
			replace = 1;
			break;
		case 'T':
			status = 1;
			break;
		case 'S':
			if (strchr(optarg, '=') == NULL) {
				fprintf(stderr, "twsim merge: --set wants "
				    "KEY=VALUE, not '%s'\n", optarg);
				goto usage_error;
			}
			sets[nsets++] = optarg;
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] < '0' ||
			    optarg[0] > '9') {
				fprintf(stderr, "twsim merge: --seed wants a "
				    "non-negative integer, not '%s'\n", optarg);
				goto usage_error;
			}
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			merge_usage(stdout);
			free(sets);
			return 0;
		case ':':
			fprintf(stderr, "twsim merge: option '%s' needs a "
			    "value\n", argv[optind - 1]);
			goto usage_error;
		default:
			fprintf(stderr, "twsim merge: unknown option '%s'\n",
			    argv[optind - 1]);
			goto usage_error;
		}
	}
	if (status) {
		if (replace) {
			fprintf(stderr, "twsim merge: --status merges nothing: "
			    "--replace does not go with it\n");
			goto usage_error;
		}
		if (argc - optind < 1) {
			fprintf(stderr, "twsim merge: which scenario? (twsim "
			    "merge --status SCENARIO PART.db...)\n");
			goto usage_error;
		}
		rc = merge_status(argv[optind], sets, nsets, seed,
		    argv + optind + 1, argc - optind - 1);
		free(sets);
		return rc;
	}
	if (nsets > 0 || seed != 0) {
		fprintf(stderr, "twsim merge: --set and --seed go with "
		    "--status only (a merge copies runs as they are)\n");
		goto usage_error;
	}
	if (argc - optind < 2) {
		fprintf(stderr, argc - optind < 1 ?
		    "twsim merge: merge into what? (twsim merge OUT.db "
		    "IN.db...)\n" :
		    "twsim merge: merge what? (twsim merge OUT.db IN.db...)\n");
		goto usage_error;
	}
	free(sets);
	out = argv[optind];

	/* Every input first: a bad one stops the merge before OUT exists. */
	if (results_sources_read((const char *const *)argv + optind + 1,
	    (size_t)(argc - optind - 1), &src, err, sizeof(err)) != 0) {
		fprintf(stderr, "twsim merge: %s\n", err);
		return 2;
	}
	if (results_open(out, RESULTS_RW_CREATE, &db, err, sizeof(err)) != 0) {
		fprintf(stderr, "twsim merge: %s\n", err);
		results_sources_free(src);
		return 2;
	}
	rc = results_merge_sources(db, src, replace ? RESULTS_REPLACE : 0,
	    &ms, err, sizeof(err));
	if (rc != RESULTS_OK) {
		fprintf(stderr, "twsim merge: %s\n", err);
		rc = rc == RESULTS_EINVAL ? 2 : 1;
	} else if (!quiet) {
		printf("merged %d file%s into %s: %" PRId64 " run%s added, %"
		    PRId64 " replaced, %" PRId64 " already present\n",
		    argc - optind - 1, argc - optind - 1 == 1 ? "" : "s", out,
		    ms.added, ms.added == 1 ? "" : "s", ms.replaced,
		    ms.skipped);
		if (ms.first_run_id > 0)
			printf("results: %s (run_id %" PRId64 "..%" PRId64
			    ")\n", out, ms.first_run_id, ms.last_run_id);
	}
	results_close(db);
	results_sources_free(src);
	return rc;

usage_error:
	fprintf(stderr, "(try 'twsim merge --help')\n");
	free(sets);
	return 2;
}
