/*
 * plot.h -- charts as gnuplot data and script, and their rendering.
 *
 * A plot is a title, two axis labels and a list of labelled series of
 * points (x, y[, ylow, yhigh]).  This module knows nothing of the results
 * database: report.c turns runs into series, this file turns series into
 * a gnuplot data file (one block per series) and a script, and runs
 * gnuplot on them in a private temporary directory that it removes again.
 * Data and script are produced by plain functions writing to a FILE, so
 * tests check them without gnuplot installed.
 */
#ifndef TWSIM_PLOT_H
#define TWSIM_PLOT_H

#include <stddef.h>
#include <stdio.h>

#define PLOT_OK		0
#define PLOT_EINVAL	(-1)	/* bad argument (e.g. unknown file type) */
#define PLOT_ENOMEM	(-2)
#define PLOT_EIO	(-3)	/* temp dir, data or script could not be written */
#define PLOT_ENOGNUPLOT	(-4)	/* gnuplot not found in PATH */
#define PLOT_EGNUPLOT	(-5)	/* gnuplot ran and failed */

enum plot_style {
	PLOT_LINES,		/* time series: x, y joined by lines */
	PLOT_ERRORBARS		/* sweep: x, y with [ylow, yhigh] bars */
};

enum plot_format {
	PLOT_PNG,		/* pngcairo when gnuplot has it, else png */
	PLOT_SVG
};

struct plot;	/* opaque */

struct plot	*plot_create(enum plot_style style, const char *title,
		    const char *xlabel, const char *ylabel);
void		 plot_destroy(struct plot *p);	/* NULL is accepted */
/* Starts a new series; later points go to it.  An empty label leaves
 * the series out of the key (a group's other members). */
int		 plot_add_series(struct plot *p, const char *label);
/*
 * Puts the last series in colour group `group` (>= 0): series of one group
 * share a colour and differ in dash pattern (e.g. the replications of one
 * sweep point).  Without groups every series gets its own colour.
 */
int		 plot_set_group(struct plot *p, int group);
/*
 * Draws the last series as a mean line inside the pale band of its
 * [ylow, yhigh] (a 95% CI across repetitions), also with PLOT_LINES.
 */
int		 plot_set_band(struct plot *p);
/* A horizontal reference line at y (a predicted limit), with its label,
 * dark grey (kind 0) or light grey (1); the same line twice is drawn
 * once. */
int		 plot_add_hline(struct plot *p, double y, const char *label,
		    int kind);
size_t		 plot_nhlines(const struct plot *p);
/* The y axis starts at 0 instead of at the data's minimum. */
void		 plot_set_yzero(struct plot *p);
/* Appends a point to the last series; ylow/yhigh only matter with
 * PLOT_ERRORBARS (NAN: no bar, written as y). */
int		 plot_add_point(struct plot *p, double x, double y, double ylow,
		    double yhigh);
size_t		 plot_nseries(const struct plot *p);
size_t		 plot_npoints(const struct plot *p, size_t series);

/* The output format by the file name's extension (.png, .svg). */
int		 plot_format_of(const char *path, enum plot_format *fmt);
/* The data file: one block per series, blocks separated by two blank
 * lines (gnuplot's `index`). */
int		 plot_write_data(const struct plot *p, FILE *f);
/* The script that renders data file `datapath` to `outpath`. */
int		 plot_write_script(const struct plot *p, enum plot_format fmt,
		    const char *datapath, const char *outpath, FILE *f);
/*
 * Looks `prog` up in the colon-separated `path` (as execvp would); 0 and
 * the full name in buf when found and executable, PLOT_ENOGNUPLOT if not.
 */
int		 plot_find_program(const char *prog, const char *path,
		    char *buf, size_t buflen);
/*
 * Renders p to outpath with the gnuplot found in `path` (NULL: $PATH).
 * Data and script go to a mkdtemp() directory that is removed afterwards.
 * On failure err says why (gnuplot's own message when it ran and failed).
 */
int		 plot_render(const struct plot *p, const char *outpath,
		    const char *path, char *err, size_t errlen);

#endif /* TWSIM_PLOT_H */
