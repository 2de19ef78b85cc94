/*
 * commands.h -- the analysis area's CLI commands.
 *
 * Each has the shape twsim.c dispatches: int cmd(int argc, char **argv),
 * argv[0] being the command name; exit codes 0 ok, 1 failure, 2 bad usage
 * or bad input.
 */
#ifndef TWSIM_ANALYSIS_COMMANDS_H
#define TWSIM_ANALYSIS_COMMANDS_H

int	cmd_query(int argc, char **argv);	/* twsim query DB [NAME|SQL] */
int	cmd_export(int argc, char **argv);	/* twsim export DB TABLE -o F */
int	cmd_report(int argc, char **argv);	/* twsim report DB [...] */
int	cmd_plot(int argc, char **argv);	/* twsim plot DB METRIC -o F */

#endif /* TWSIM_ANALYSIS_COMMANDS_H */
