/*
 * cmd_packetdrill.c -- `twsim packetdrill`: run packetdrill scripts
 * against a simulated host (scenarios/packetdrill.h) and print one line
 * per script and a summary.
 *
 * Exit status (the command's contract): 0 when every script passes, 1
 * when any fails, 2 for unusable input -- a bad command line, a stack not
 * modelled, or a script with a construct we cannot run (named by file,
 * line and construct on stderr).  Every script is run even after one
 * fails, so one invocation reports on all of them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/commands.h"
#include "scenarios/packetdrill.h"

static void
packetdrill_usage(FILE *out)
{
	const struct pd_stack *st;
	size_t n, i;

	st = pd_stacks(&n);
	fprintf(out,
	    "usage: twsim packetdrill [--stack ");
	for (i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? "|" : "", st[i].name);
	fprintf(out, "] [--lenient] [--define NAME]...\n"
	    "                         SCRIPT.pkt...\n"
	    "\n"
	    "Run packetdrill scripts against one simulated host: the script's "
	    "system calls\n"
	    "go to the host's sockets, its `<` segments are injected, and "
	    "every segment the\n"
	    "host sends must be the next `>` of the script, within "
	    "--tolerance_usecs of its\n"
	    "time.  Time is simulated.  The host is 192.168.0.1 (bind and "
	    "listen use port\n"
	    "8080); the script's peer is 192.0.2.1 (port 40000 towards a "
	    "listener).\n"
	    "Several connections: each socket() is a new descriptor, and a "
	    "segment may name\n"
	    "its connection by ports before the flags, `< 40001>8080 S "
	    "0:0(0)` (packetdrill's\n"
	    "SPORT>DPORT); one without follows the connection last "
	    "addressed.  Sequence\n"
	    "numbers are relative per connection.  Shell lines: `sysctl -w "
	    "NAME=VALUE`,\n"
	    "`sysctl -n NAME | grep [-q] VALUE` (exact value), `sockstat ... "
	    "| grep -c STATE |\n"
	    "grep N`, `tcpdrop -s STATE`.  Header `--boot_sysctl=NAME=VALUE` "
	    "sets a boot-time\n"
	    "tunable before the host boots.\n"
	    "\n"
	    "Options:\n"
	    "  --stack NAME   the host's kernel (default freebsd9); #ifdef "
	    "FreeBSD or\n"
	    "                 #ifdef Linux follow it, and #ifdef NAME "
	    "(freebsd14)\n"
	    "  --lenient      compare flags, sequence and acknowledgement "
	    "numbers, payload\n"
	    "                 lengths and timing only; not the window nor "
	    "the TCP options\n"
	    "  --define NAME  define NAME for #ifdef (repeatable)\n"
	    "  -h, --help     show this help\n"
	    "\n"
	    "Output: `PASS name` or `FAIL name:line: expected ... got ...` per "
	    "script, then\n"
	    "`N of M scripts pass`.\n"
	    "Exit status: 0 all pass, 1 any fails, 2 unusable input (an "
	    "unsupported\n"
	    "construct: file, line and construct on stderr).\n");
}

int
cmd_packetdrill(int argc, char **argv)
{
	const struct pd_stack *stack;
	const char **defs, **files;
	struct pd_options o;
	struct pd_script *s;
	char err[1024];
	int i, ndefs = 0, nfiles = 0, npass = 0, failed = 0, unusable = 0;
	enum pd_status st;

	defs = calloc((size_t)argc + 3, sizeof(*defs));
	files = calloc((size_t)argc + 1, sizeof(*files));
	if (defs == NULL || files == NULL) {
		fprintf(stderr, "twsim packetdrill: out of memory\n");
		free(defs);
		free(files);
		return (2);
	}
	memset(&o, 0, sizeof(o));
	stack = pd_stack_lookup("freebsd9");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			packetdrill_usage(stdout);
			free(defs);
			free(files);
			return (0);
		} else if (strcmp(argv[i], "--lenient") == 0) {
			o.lenient = 1;
		} else if (strcmp(argv[i], "--stack") == 0 ||
		    strcmp(argv[i], "--define") == 0) {
			if (i + 1 == argc || argv[i + 1][0] == '\0') {
				fprintf(stderr, "twsim packetdrill: %s needs "
				    "a value\n", argv[i]);
				goto usage;
			}
			if (argv[i][2] == 'd') {
				defs[ndefs++] = argv[++i];
				continue;
			}
			stack = pd_stack_lookup(argv[++i]);
			if (stack == NULL) {
				fprintf(stderr, "twsim packetdrill: unknown "
				    "stack '%s'\n", argv[i]);
				goto usage;
			}
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "twsim packetdrill: unknown option "
			    "'%s'\n", argv[i]);
			goto usage;
		} else
			files[nfiles++] = argv[i];
	}
	if (nfiles == 0) {
		fprintf(stderr, "twsim packetdrill: no script given\n");
		goto usage;
	}
	if (!stack->modelled) {
		fprintf(stderr, "twsim packetdrill: stack %s is not modelled "
		    "yet\n", stack->name);
		free(defs);
		free(files);
		return (2);
	}
	o.stack = stack;
	/* FreeBSD or Linux, and the stack's own name (freebsd14). */
	defs[ndefs++] = stack->ifdef;
	defs[ndefs++] = stack->name;

	for (i = 0; i < nfiles; i++) {
		st = pd_parse_file(files[i], defs, (size_t)ndefs, &s, err,
		    sizeof(err));
		if (st == PD_PASS)
			st = pd_run(s, &o, err, sizeof(err));
		else
			s = NULL;
		switch (st) {
		case PD_PASS:
			printf("PASS %s\n", s->name);
			npass++;
			break;
		case PD_FAIL:
			printf("FAIL %s:%s\n", s->name, err);
			failed = 1;
			break;
		case PD_UNUSABLE:
			/* The parser names the file; the runner the line. */
			if (s != NULL)
				fprintf(stderr, "twsim packetdrill: %s:%s\n",
				    files[i], err);
			else
				fprintf(stderr, "twsim packetdrill: %s\n", err);
			unusable = 1;
			break;
		}
		pd_script_free(s);
		fflush(stdout);
	}
	printf("%d of %d scripts pass\n", npass, nfiles);
	free(defs);
	free(files);
	return (unusable ? 2 : failed ? 1 : 0);
usage:
	fprintf(stderr, "(try 'twsim packetdrill --help')\n");
	free(defs);
	free(files);
	return (2);
}
