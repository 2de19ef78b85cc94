/*
 * commands.h -- the scenario area's CLI commands (twsim.c dispatches).
 *
 * Each has the signature int cmd(int argc, char **argv), argv[0] being the
 * command's name; exit codes 0 success, 2 bad usage or input.
 */
#ifndef TWSIM_SCENARIOS_COMMANDS_H
#define TWSIM_SCENARIOS_COMMANDS_H

/* twsim check SCENARIO [--set K=V]... [--seed N]: validate, list the runs. */
int	cmd_check(int argc, char **argv);
/* twsim params [--markdown]: the parameter table. */
int	cmd_params(int argc, char **argv);

/* twsim run SCENARIO [-o DB] ...: run it (scenarios/cmd_run.c). */
int	cmd_run(int argc, char **argv);
/* twsim merge OUT IN... | --status SCENARIO PART...: join sweep slices
   (scenarios/cmd_merge.c). */
int	cmd_merge(int argc, char **argv);

/*
 * twsim packetdrill [--stack S] [--lenient] [--define NAME]... SCRIPT...:
 * judge a simulated host by packetdrill scripts (cmd_packetdrill.c);
 * exit 0 all pass, 1 any fails, 2 unusable input.
 */
int	cmd_packetdrill(int argc, char **argv);

#endif /* TWSIM_SCENARIOS_COMMANDS_H */
