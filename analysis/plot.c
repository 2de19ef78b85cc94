/*
 * plot.c -- gnuplot data files and scripts for twsim's charts, and the
 * child process that renders them.
 *
 * Why gnuplot through files rather than a pipe: a data file plus a script
 * is something a test can read back, and something a user can keep and
 * edit (the script is plain text).  The script picks pngcairo when this
 * gnuplot has it (anti-aliased, proper fonts) and falls back to the plain
 * png terminal, so it renders on gnuplot-nox builds without cairo.  All
 * labels are printed `noenhanced`: column names such as tw_count would
 * otherwise turn into subscripts.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "analysis/plot.h"

struct plot_point {
	double	x, y, ylow, yhigh;
};

struct plot_series {
	char			*label;		/* "": no legend entry */
	int			 group;		/* -1: none */
	int			 band;		/* mean line in a CI band */
	struct plot_point	*pts;
	size_t			 npts, cap;
};

/* A horizontal reference line: a predicted limit. */
struct plot_hline {
	double			 y;
	char			*label;
	int			 kind;		/* 0 dark, 1 light */
};

struct plot {
	enum plot_style		 style;
	char			*title, *xlabel, *ylabel;
	struct plot_series	*series;
	size_t			 nseries, cap;
	struct plot_hline	*hlines;
	size_t			 nhlines;
	int			 yzero;		/* y axis from 0 */
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *
xstrdup(const char *s)
{

	return (strdup(s != NULL ? s : ""));
}

struct plot *
plot_create(enum plot_style style, const char *title, const char *xlabel,
    const char *ylabel)
{
	struct plot *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (NULL);
	p->style = style;
	p->title = xstrdup(title);
	p->xlabel = xstrdup(xlabel);
	p->ylabel = xstrdup(ylabel);
	if (p->title == NULL || p->xlabel == NULL || p->ylabel == NULL) {
		plot_destroy(p);
		return (NULL);
	}
	return (p);
}

void
plot_destroy(struct plot *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nseries; i++) {
		free(p->series[i].label);
		free(p->series[i].pts);
	}
	free(p->series);
	for (i = 0; i < p->nhlines; i++)
		free(p->hlines[i].label);
	free(p->hlines);
	free(p->title);
	free(p->xlabel);
	free(p->ylabel);
	free(p);
}

int
plot_add_series(struct plot *p, const char *label)
{
	struct plot_series *ns;
	size_t ncap;

	if (p->nseries == p->cap) {
		ncap = p->cap != 0 ? p->cap * 2 : 8;
		ns = realloc(p->series, ncap * sizeof(*ns));
		if (ns == NULL)
			return (PLOT_ENOMEM);
		p->series = ns;
		p->cap = ncap;
	}
	ns = &p->series[p->nseries];
	memset(ns, 0, sizeof(*ns));
	ns->group = -1;
	if ((ns->label = xstrdup(label)) == NULL)
		return (PLOT_ENOMEM);
	p->nseries++;
	return (PLOT_OK);
}

int
plot_set_group(struct plot *p, int group)
{

	if (p->nseries == 0 || group < 0)
		return (PLOT_EINVAL);
	p->series[p->nseries - 1].group = group;
	return (PLOT_OK);
}

int
plot_set_band(struct plot *p)
{

	if (p->nseries == 0)
		return (PLOT_EINVAL);
	p->series[p->nseries - 1].band = 1;
	return (PLOT_OK);
}

int
plot_add_hline(struct plot *p, double y, const char *label, int kind)
{
	struct plot_hline *nh;
	size_t i;

	if (!isfinite(y))
		return (PLOT_EINVAL);
	for (i = 0; i < p->nhlines; i++)
		if (p->hlines[i].y == y &&
		    strcmp(p->hlines[i].label, label) == 0)
			return (PLOT_OK);	/* drawn once */
	nh = realloc(p->hlines, (p->nhlines + 1) * sizeof(*nh));
	if (nh == NULL)
		return (PLOT_ENOMEM);
	p->hlines = nh;
	if ((nh[p->nhlines].label = xstrdup(label)) == NULL)
		return (PLOT_ENOMEM);
	nh[p->nhlines].kind = kind;
	nh[p->nhlines++].y = y;
	return (PLOT_OK);
}

size_t
plot_nhlines(const struct plot *p)
{

	return (p->nhlines);
}

void
plot_set_yzero(struct plot *p)
{

	p->yzero = 1;
}

int
plot_add_point(struct plot *p, double x, double y, double ylow, double yhigh)
{
	struct plot_series *s;
	struct plot_point *np;
	size_t ncap;

	if (p->nseries == 0)
		return (PLOT_EINVAL);
	s = &p->series[p->nseries - 1];
	if (s->npts == s->cap) {
		ncap = s->cap != 0 ? s->cap * 2 : 64;
		np = realloc(s->pts, ncap * sizeof(*np));
		if (np == NULL)
			return (PLOT_ENOMEM);
		s->pts = np;
		s->cap = ncap;
	}
	s->pts[s->npts].x = x;
	s->pts[s->npts].y = y;
	s->pts[s->npts].ylow = ylow;
	s->pts[s->npts].yhigh = yhigh;
	s->npts++;
	return (PLOT_OK);
}

size_t
plot_nseries(const struct plot *p)
{

	return (p->nseries);
}

size_t
plot_npoints(const struct plot *p, size_t series)
{

	return (series < p->nseries ? p->series[series].npts : 0);
}

int
plot_format_of(const char *path, enum plot_format *fmt)
{
	const char *dot;

	if (path == NULL || (dot = strrchr(path, '.')) == NULL)
		return (PLOT_EINVAL);
	if (strcasecmp(dot, ".png") == 0)
		*fmt = PLOT_PNG;
	else if (strcasecmp(dot, ".svg") == 0)
		*fmt = PLOT_SVG;
	else
		return (PLOT_EINVAL);
	return (PLOT_OK);
}

/* gnuplot cannot draw a point whose coordinates are not finite. */
static int
point_drawable(const struct plot_point *pt)
{

	return (isfinite(pt->x) && isfinite(pt->y));
}

/* An empty block would make gnuplot fail ("no valid points"): such
 * series are left out of both the data file and the plot command. */
static int
series_drawable(const struct plot_series *s)
{
	size_t i;

	for (i = 0; i < s->npts; i++)
		if (point_drawable(&s->pts[i]))
			return (1);
	return (0);
}

int
plot_write_data(const struct plot *p, FILE *f)
{
	const struct plot_series *s;
	const struct plot_point *pt;
	size_t i, j, block;
	double lo, hi;

	block = 0;
	for (i = 0; i < p->nseries; i++) {
		s = &p->series[i];
		if (!series_drawable(s))
			continue;
		if (block > 0)
			fputs("\n\n", f);
		fprintf(f, "# index %zu: %s\n", block, s->label);
		fprintf(f, p->style == PLOT_ERRORBARS || s->band ?
		    "# x y ylow yhigh\n" : "# x y\n");
		for (j = 0; j < s->npts; j++) {
			pt = &s->pts[j];
			if (!point_drawable(pt))
				continue;
			if (p->style == PLOT_LINES && !s->band) {
				fprintf(f, "%.17g %.17g\n", pt->x, pt->y);
				continue;
			}
			/* No interval (n = 1): a bar of zero height. */
			lo = isfinite(pt->ylow) ? pt->ylow : pt->y;
			hi = isfinite(pt->yhigh) ? pt->yhigh : pt->y;
			fprintf(f, "%.17g %.17g %.17g %.17g\n", pt->x, pt->y,
			    lo, hi);
		}
		block++;
	}
	return (ferror(f) ? PLOT_EIO : PLOT_OK);
}

/* A gnuplot single-quoted string: only ' is special, written ''. */
static void
put_quoted(FILE *f, const char *s)
{

	fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (*s == '\n')
			continue;
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* Ten colours that stay apart on screen and in print (Tableau 10). */
static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
	"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
};
#define NPALETTE	(sizeof(palette) / sizeof(palette[0]))
#define NDASH		5	/* gnuplot dash types 1 (solid) to 5 */

/*
 * Colour and dash type of series i.  Grouped: the group picks the colour
 * and the rank within the group the dash.  Ungrouped: colours in turn,
 * and a new dash each time they wrap, so no two lines look the same.
 */
static void
series_style(const struct plot *p, size_t i, size_t *color, int *dash)
{
	const struct plot_series *s = &p->series[i];
	size_t j, rank;

	if (s->group < 0) {
		*color = i % NPALETTE;
		*dash = (int)((i / NPALETTE) % NDASH) + 1;
		return;
	}
	rank = 0;
	for (j = 0; j < i; j++)
		if (p->series[j].group == s->group)
			rank++;
	*color = (size_t)s->group % NPALETTE;
	*dash = (int)(rank % NDASH) + 1;
}

int
plot_write_script(const struct plot *p, enum plot_format fmt,
    const char *datapath, const char *outpath, FILE *f)
{
	const struct plot_series *s;
	size_t i, block, color;
	int first, dash;

	block = 0;
	for (i = 0; i < p->nseries; i++)
		if (series_drawable(&p->series[i]))
			block++;
	if (block == 0)
		return (PLOT_EINVAL);

	fputs("# generated by twsim plot\n", f);
	if (fmt == PLOT_SVG) {
		fputs("set terminal svg size 1000,600 dynamic noenhanced "
		    "font 'sans,11' background '#ffffff'\n", f);
	} else {
		fputs("if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		    "    set terminal pngcairo size 1000,600 noenhanced "
		    "font 'sans,10'\n"
		    "} else {\n"
		    "    set terminal png size 1000,600 noenhanced\n"
		    "}\n", f);
	}
	fputs("set output ", f);
	put_quoted(f, outpath);
	fputs("\nset title ", f);
	put_quoted(f, p->title);
	fputs("\nset xlabel ", f);
	put_quoted(f, p->xlabel);
	fputs("\nset ylabel ", f);
	put_quoted(f, p->ylabel);
	/*
	 * The key below the chart, in columns: long labels (sweep points,
	 * the limits' arithmetic) then cost height, not the chart's width.
	 */
	fputs("\nset grid\n"
	    "set key outside below center horizontal Left reverse\n", f);
	if (p->yzero)
		fputs("set yrange [0:*]\n", f);
	if (p->style == PLOT_ERRORBARS)
		/* Keep the end points' bars off the frame. */
		fputs("set offsets graph 0.05, graph 0.05, graph 0.05, 0\n",
		    f);
	else
		/* Headroom: a level held at a limit stays off the frame. */
		fputs("set offsets 0, 0, graph 0.05, 0\n", f);
	fputs("plot ", f);
	block = 0;
	first = 1;
	for (i = 0; i < p->nseries; i++) {
		s = &p->series[i];
		if (!series_drawable(s))
			continue;
		series_style(p, i, &color, &dash);
		if (!first)
			fputs(", \\\n     ", f);
		if (first)
			put_quoted(f, datapath);
		else
			fputs("''", f);
		first = 0;
		if (s->band) {
			/* The 95% CI as a pale band under its mean line. */
			fprintf(f, " index %zu using 1:3:4 with filledcurves "
			    "fs transparent solid 0.2 noborder lc rgb '%s' "
			    "notitle, \\\n     ''", block, palette[color]);
		}
		if (p->style == PLOT_ERRORBARS)
			fprintf(f, " index %zu using 1:2:3:4 with yerrorlines "
			    "lw 1.5 pt 7 ps 0.8", block);
		else
			fprintf(f, " index %zu using 1:2 with %s lw 1.5", block,
			    s->npts > 50 ? "lines" : "linespoints pt 7 ps 0.6");
		fprintf(f, " lc rgb '%s' dt %d ", palette[color], dash);
		if (s->label[0] == '\0')
			fputs("notitle", f);	/* one entry per group */
		else {
			fputs("title ", f);
			put_quoted(f, s->label);
		}
		block++;
	}
	/* Reference lines: grey, dashed, each with its value in the key. */
	for (i = 0; i < p->nhlines; i++) {
		fprintf(f, ", \\\n     %.17g with lines lw 1.2 dt 2 lc rgb "
		    "'%s' title ", p->hlines[i].y, p->hlines[i].kind == 0 ?
		    "#404040" : "#a0a0a0");
		put_quoted(f, p->hlines[i].label);
	}
	fputs("\nunset output\n", f);
	return (ferror(f) ? PLOT_EIO : PLOT_OK);
}

int
plot_find_program(const char *prog, const char *path, char *buf,
    size_t buflen)
{
	const char *dir, *end;
	size_t len;
	int n;

	if (strchr(prog, '/') != NULL) {
		if (access(prog, X_OK) != 0)
			return (PLOT_ENOGNUPLOT);
		n = snprintf(buf, buflen, "%s", prog);
		return (n >= 0 && (size_t)n < buflen ? PLOT_OK : PLOT_EINVAL);
	}
	if (path == NULL)
		return (PLOT_ENOGNUPLOT);
	for (dir = path;; dir = end + 1) {
		end = strchr(dir, ':');
		len = end != NULL ? (size_t)(end - dir) : strlen(dir);
		/* An empty PATH element means the current directory. */
		n = len == 0 ? snprintf(buf, buflen, "./%s", prog) :
		    snprintf(buf, buflen, "%.*s/%s", (int)len, dir, prog);
		if (n >= 0 && (size_t)n < buflen && access(buf, X_OK) == 0)
			return (PLOT_OK);
		if (end == NULL)
			break;
	}
	return (PLOT_ENOGNUPLOT);
}

/* Writes the data file (datapath NULL) or the script into path. */
static int
write_file(const char *path, const struct plot *p, enum plot_format fmt,
    const char *datapath, const char *outpath)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "w")) == NULL)
		return (PLOT_EIO);
	if (datapath == NULL)
		rc = plot_write_data(p, f);
	else
		rc = plot_write_script(p, fmt, datapath, outpath, f);
	if (fclose(f) != 0 && rc == PLOT_OK)
		rc = PLOT_EIO;
	return (rc);
}

/* gnuplot's diagnostics, trimmed to their last lines, for the user. */
static void
read_log(const char *path, char *buf, size_t buflen)
{
	FILE *f;
	size_t n;

	buf[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fseek(f, 0, SEEK_END) == 0) {
		long sz = ftell(f);

		if (sz > (long)buflen - 1)
			fseek(f, sz - (long)buflen + 1, SEEK_SET);
		else
			rewind(f);
	}
	n = fread(buf, 1, buflen - 1, f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	fclose(f);
}

static int
run_gnuplot(const char *gnuplot, const char *script, const char *logpath,
    char *err, size_t errlen)
{
	char log[512];
	pid_t pid;
	int fd, status;

	pid = fork();
	if (pid < 0) {
		seterr(err, errlen, "cannot start gnuplot: %s", strerror(errno));
		return (PLOT_EGNUPLOT);
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execl(gnuplot, "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			seterr(err, errlen, "waiting for gnuplot: %s",
			    strerror(errno));
			return (PLOT_EGNUPLOT);
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return (PLOT_OK);
	read_log(logpath, log, sizeof(log));
	if (WIFEXITED(status))
		seterr(err, errlen, "gnuplot failed (exit %d)%s%s",
		    WEXITSTATUS(status), log[0] != '\0' ? ": " : "", log);
	else
		seterr(err, errlen, "gnuplot killed by signal %d",
		    WTERMSIG(status));
	return (PLOT_EGNUPLOT);
}

int
plot_render(const struct plot *p, const char *outpath, const char *path,
    char *err, size_t errlen)
{
	char gnuplot[4096], dir[4096], data[4200], script[4200], log[4200];
	const char *tmp;
	enum plot_format fmt;
	struct stat st;
	int rc;

	if (plot_format_of(outpath, &fmt) != PLOT_OK) {
		seterr(err, errlen, "%s: output must end in .png or .svg",
		    outpath);
		return (PLOT_EINVAL);
	}
	if (path == NULL)
		path = getenv("PATH");
	if (plot_find_program("gnuplot", path, gnuplot, sizeof(gnuplot)) !=
	    PLOT_OK) {
		seterr(err, errlen, "gnuplot not found in PATH: install it "
		    "with 'apt-get install gnuplot-nox' (or run scripts/setup)");
		return (PLOT_ENOGNUPLOT);
	}
	if (p->nseries == 0) {
		seterr(err, errlen, "nothing to plot");
		return (PLOT_EINVAL);
	}
	tmp = getenv("TMPDIR");
	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/twsim-plot.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		seterr(err, errlen, "cannot create a temporary directory in "
		    "%s: %s", tmp, strerror(errno));
		return (PLOT_EIO);
	}
	snprintf(data, sizeof(data), "%s/plot.dat", dir);
	snprintf(script, sizeof(script), "%s/plot.gp", dir);
	snprintf(log, sizeof(log), "%s/gnuplot.log", dir);

	rc = write_file(data, p, fmt, NULL, NULL);
	if (rc == PLOT_OK)
		rc = write_file(script, p, fmt, data, outpath);
	if (rc == PLOT_EINVAL)
		seterr(err, errlen, "nothing to plot: no finite data points");
	else if (rc != PLOT_OK)
		seterr(err, errlen, "cannot write plot files in %s: %s", dir,
		    strerror(errno));
	if (rc == PLOT_OK)
		rc = run_gnuplot(gnuplot, script, log, err, errlen);
	if (rc == PLOT_OK && (stat(outpath, &st) != 0 || st.st_size == 0)) {
		seterr(err, errlen, "gnuplot did not write %s", outpath);
		rc = PLOT_EGNUPLOT;
	}
	unlink(data);
	unlink(script);
	unlink(log);
	rmdir(dir);
	return (rc);
}
