/*
 * twsim.c -- the command line: one small main that dispatches subcommands.
 *
 * Each subcommand lives beside the area it belongs to and has the signature
 * int cmd(int argc, char **argv), argv[0] being the subcommand's name.  Exit
 * codes are shared by all: 0 success, 1 a run failed, 2 bad usage or input.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "analysis/commands.h"
#include "scenarios/commands.h"

struct command {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*summary;
};

static const struct command commands[] = {
	{ "run", cmd_run, "run a scenario and record the results in a database" },
	{ "merge", cmd_merge, "merge results databases: the slices of a sweep run on many machines" },
	{ "check", cmd_check, "validate a scenario and list the runs it expands to" },
	{ "params", cmd_params, "list every scenario key with unit, default and meaning" },
	{ "report", cmd_report, "summarise runs: means, 95% confidence intervals, limits" },
	{ "query", cmd_query, "named queries and read-only SQL over a database" },
	{ "plot", cmd_plot, "plot a metric over time or against a swept parameter" },
	{ "export", cmd_export, "write a table or view of a database as CSV or JSON" },
	{ "packetdrill", cmd_packetdrill, "run packetdrill scripts against a simulated host" },
	{ NULL, NULL, NULL }
};

static void
usage(FILE *out)
{
	const struct command *c;

	fprintf(out,
	    "usage: twsim COMMAND [OPTIONS]\n"
	    "\n"
	    "Simulate TCP TIME_WAIT and ephemeral-port exhaustion on FreeBSD-like hosts.\n"
	    "\n"
	    "Commands:\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(out, "  %-8s %s\n", c->name, c->summary);
	fprintf(out,
	    "\n"
	    "Options:\n"
	    "  -h, --help     show this help (twsim help COMMAND, or twsim COMMAND\n"
	    "                 --help, for a command)\n"
	    "  -V, --version  show the version\n");
}

int
main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	/* `twsim help CMD` is `twsim CMD --help` (git's convention). */
	if (strcmp(argv[1], "help") == 0 && argc >= 3) {
		char *hargv[3];

		if (argc > 3) {
			fprintf(stderr, "twsim help: one command at a time\n");
			return 2;
		}
		for (c = commands; c->name != NULL; c++)
			if (strcmp(argv[2], c->name) == 0) {
				hargv[0] = argv[2];
				hargv[1] = "--help";
				hargv[2] = NULL;
				return c->fn(2, hargv);
			}
		fprintf(stderr, "twsim help: unknown command '%s' (try 'twsim "
		    "help')\n", argv[2]);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("twsim %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (c = commands; c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "twsim: unknown command '%s' (try 'twsim --help')\n",
	    argv[1]);
	return 2;
}
