/*
 * fuzz_scenario.c -- libFuzzer harness for the scenario loader.
 *
 * The input is a scenario file, optionally preceded by lines "--set
 * KEY=VALUE" that are applied as command-line overrides.  It goes through
 * everything `twsim check` does: scenario_load_string (reading, sweep
 * expansion, overrides, building every run), then runner_check_scenario
 * (each sweep point's model world built and torn down).  Whatever the bytes,
 * the loader must return a value -- a scenario or a message -- without a
 * crash, a sanitizer report, a leak or a hang (`make fuzz`, tests/fuzz/run).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/runner.h"
#include "scenarios/scenario.h"

#define MAX_SETS	8

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char setp[] = "--set ";
	const char *sets[MAX_SETS];
	struct scenario *sc = NULL;
	char err[2048], *text, *p, *nl;
	size_t i;
	int nsets = 0;

	/* A C string, as a file is once its NUL bytes are refused. */
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	p = text;
	while (nsets < MAX_SETS && strncmp(p, setp, sizeof(setp) - 1) == 0 &&
	    (nl = strchr(p, '\n')) != NULL) {
		*nl = '\0';
		sets[nsets++] = p + sizeof(setp) - 1;
		p = nl + 1;
	}
	if (scenario_load_string("fuzz.ini", p, sets, nsets, 0, &sc, err,
	    sizeof(err)) == 0) {
		/* Every run's resolved parameters are readable strings. */
		for (i = 0; i < scenario_nruns(sc); i++) {
			const struct scenario_run *r = scenario_run_at(sc, i);
			size_t j, n = 0;

			for (j = 0; j < r->nparams; j++)
				n += strlen(r->params[j].key) +
				    strlen(r->params[j].value);
			if (n == 0)
				abort();
		}
		(void)runner_check_scenario(sc, err, sizeof(err));
	} else if (sc != NULL || err[0] == '\0')
		abort();	/* a failure always says why, and gives nothing */
	scenario_free(sc);
	free(text);
	return 0;
}
