/*
 * check_plot.c -- analysis/plot.c: the gnuplot data file and script it
 * generates, the search for gnuplot, and (when gnuplot is installed) one
 * real rendering to PNG.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "analysis/plot.h"

/* Runs a writer into a memory buffer; the caller frees the text. */
static char *
data_text(const struct plot *p)
{
	char *buf;
	size_t len;
	FILE *f;

	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(plot_write_data(p, f), PLOT_OK);
	fclose(f);
	return (buf);
}

static char *
script_text(const struct plot *p, enum plot_format fmt, int *rc)
{
	char *buf;
	size_t len;
	FILE *f;

	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	*rc = plot_write_script(p, fmt, "/tmp/d/plot.dat", "out.png", f);
	fclose(f);
	return (buf);
}

static struct plot *
two_runs(void)
{
	struct plot *p;

	p = plot_create(PLOT_LINES, "tw_count - scenario web", "time (s)",
	    "TIME_WAIT entries");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(plot_add_series(p, "run 1 rate=20/s rep 0"), 0);
	ck_assert_int_eq(plot_add_point(p, 1, 10, NAN, NAN), 0);
	ck_assert_int_eq(plot_add_point(p, 2, 20, NAN, NAN), 0);
	ck_assert_int_eq(plot_add_series(p, "run 2 rate=20/s rep 1"), 0);
	ck_assert_int_eq(plot_add_point(p, 1, 11, NAN, NAN), 0);
	ck_assert_int_eq(plot_add_point(p, 2.5, 22, NAN, NAN), 0);
	return (p);
}

START_TEST(test_data_has_one_index_block_per_series)
{
	struct plot *p;
	char *d;

	p = two_runs();
	d = data_text(p);
	ck_assert_str_eq(d,
	    "# index 0: run 1 rate=20/s rep 0\n"
	    "# x y\n"
	    "1 10\n"
	    "2 20\n"
	    "\n\n"
	    "# index 1: run 2 rate=20/s rep 1\n"
	    "# x y\n"
	    "1 11\n"
	    "2.5 22\n");
	free(d);
	plot_destroy(p);
}
END_TEST

START_TEST(test_errorbar_data_without_interval_has_zero_height_bar)
{
	struct plot *p;
	char *d;

	p = plot_create(PLOT_ERRORBARS, "t", "rate (/s)", "y");
	ck_assert_int_eq(plot_add_series(p, "client"), 0);
	plot_add_point(p, 10, 5, 4, 6);
	plot_add_point(p, 20, 7, NAN, NAN);	/* n = 1 */
	d = data_text(p);
	ck_assert_str_eq(d,
	    "# index 0: client\n"
	    "# x y ylow yhigh\n"
	    "10 5 4 6\n"
	    "20 7 7 7\n");
	free(d);
	plot_destroy(p);
}
END_TEST

START_TEST(test_series_without_finite_points_is_left_out)
{
	struct plot *p;
	char *d, *s;
	int rc;

	p = plot_create(PLOT_ERRORBARS, "t", "x", "y");
	plot_add_series(p, "never");
	plot_add_point(p, 10, NAN, NAN, NAN);
	plot_add_series(p, "server");
	plot_add_point(p, 10, 1, 0.5, 1.5);
	d = data_text(p);
	ck_assert_ptr_null(strstr(d, "never"));
	ck_assert_ptr_nonnull(strstr(d, "# index 0: server\n"));
	s = script_text(p, PLOT_PNG, &rc);
	ck_assert_int_eq(rc, PLOT_OK);
	/* The surviving series is block 0, not 1. */
	ck_assert_ptr_nonnull(strstr(s, "'/tmp/d/plot.dat' index 0 using "
	    "1:2:3:4 with yerrorlines"));
	ck_assert_ptr_null(strstr(s, "index 1"));
	ck_assert_ptr_null(strstr(s, "'never'"));
	free(d);
	free(s);
	plot_destroy(p);
}
END_TEST

START_TEST(test_script_sets_terminal_labels_and_one_plot_per_series)
{
	struct plot *p;
	char *s;
	int rc;

	p = two_runs();
	s = script_text(p, PLOT_PNG, &rc);
	ck_assert_int_eq(rc, PLOT_OK);
	ck_assert_ptr_nonnull(strstr(s, "set terminal pngcairo"));
	/* Falls back to plain png where cairo is missing. */
	ck_assert_ptr_nonnull(strstr(s, "set terminal png size"));
	ck_assert_ptr_nonnull(strstr(s, "set output 'out.png'\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "set title 'tw_count - scenario web'\n"));
	ck_assert_ptr_nonnull(strstr(s, "set xlabel 'time (s)'\n"));
	ck_assert_ptr_nonnull(strstr(s, "set ylabel 'TIME_WAIT entries'\n"));
	ck_assert_ptr_nonnull(strstr(s, "noenhanced"));
	ck_assert_ptr_nonnull(strstr(s, "plot '/tmp/d/plot.dat' index 0 "
	    "using 1:2 with linespoints"));
	ck_assert_ptr_nonnull(strstr(s, "dt 1 title 'run 1 rate=20/s rep 0'"));
	ck_assert_ptr_nonnull(strstr(s, "title 'run 1 rate=20/s rep 0'"));
	ck_assert_ptr_nonnull(strstr(s, "'' index 1 using 1:2 with "));
	ck_assert_ptr_nonnull(strstr(s, "title 'run 2 rate=20/s rep 1'"));
	ck_assert_ptr_nonnull(strstr(s, "\nunset output\n"));
	free(s);
	plot_destroy(p);
}
END_TEST

START_TEST(test_grouped_series_share_colour_and_differ_in_dash)
{
	struct plot *p;
	char *s, *l0, *l1, *l2;
	int rc;

	p = plot_create(PLOT_LINES, "t", "x", "y");
	plot_add_series(p, "a rep 0");
	plot_set_group(p, 0);
	plot_add_point(p, 0, 0, NAN, NAN);
	plot_add_series(p, "b rep 0");
	plot_set_group(p, 1);
	plot_add_point(p, 0, 0, NAN, NAN);
	plot_add_series(p, "a rep 1");
	plot_set_group(p, 0);
	plot_add_point(p, 0, 0, NAN, NAN);
	s = script_text(p, PLOT_PNG, &rc);
	ck_assert_int_eq(rc, PLOT_OK);
	l0 = strstr(s, "lc rgb '#1f77b4' dt 1 title 'a rep 0'");
	l1 = strstr(s, "lc rgb '#ff7f0e' dt 1 title 'b rep 0'");
	l2 = strstr(s, "lc rgb '#1f77b4' dt 2 title 'a rep 1'");
	ck_assert_ptr_nonnull(l0);
	ck_assert_ptr_nonnull(l1);
	ck_assert_ptr_nonnull(l2);
	ck_assert_int_eq(plot_set_group(p, -1), PLOT_EINVAL);
	free(s);
	plot_destroy(p);
}
END_TEST

START_TEST(test_ungrouped_series_never_repeat_a_style)
{
	struct plot *p;
	char *s, label[16];
	int i, rc;

	p = plot_create(PLOT_LINES, "t", "x", "y");
	for (i = 0; i < 11; i++) {
		snprintf(label, sizeof(label), "s%d", i);
		plot_add_series(p, label);
		plot_add_point(p, 0, i, NAN, NAN);
	}
	s = script_text(p, PLOT_PNG, &rc);
	ck_assert_int_eq(rc, PLOT_OK);
	/* The eleventh wraps to the first colour with a new dash. */
	ck_assert_ptr_nonnull(strstr(s, "lc rgb '#1f77b4' dt 1 title 's0'"));
	ck_assert_ptr_nonnull(strstr(s, "lc rgb '#1f77b4' dt 2 title 's10'"));
	free(s);
	plot_destroy(p);
}
END_TEST

START_TEST(test_script_quotes_single_quotes)
{
	struct plot *p;
	char *s;
	int rc;

	p = plot_create(PLOT_LINES, "Bob's scenario", "x", "y");
	plot_add_series(p, "it's");
	plot_add_point(p, 0, 0, NAN, NAN);
	s = script_text(p, PLOT_SVG, &rc);
	ck_assert_int_eq(rc, PLOT_OK);
	ck_assert_ptr_nonnull(strstr(s, "set title 'Bob''s scenario'\n"));
	ck_assert_ptr_nonnull(strstr(s, "title 'it''s'"));
	ck_assert_ptr_nonnull(strstr(s, "set terminal svg "));
	ck_assert_ptr_null(strstr(s, "pngcairo"));
	free(s);
	plot_destroy(p);
}
END_TEST

START_TEST(test_script_refuses_plot_without_data)
{
	struct plot *p;
	char *s;
	int rc;

	p = plot_create(PLOT_LINES, "t", "x", "y");
	plot_add_series(p, "empty");
	s = script_text(p, PLOT_PNG, &rc);
	ck_assert_int_eq(rc, PLOT_EINVAL);
	free(s);
	plot_destroy(p);
}
END_TEST

START_TEST(test_format_follows_extension)
{
	enum plot_format f;

	ck_assert_int_eq(plot_format_of("a/b.png", &f), PLOT_OK);
	ck_assert_int_eq(f, PLOT_PNG);
	ck_assert_int_eq(plot_format_of("b.SVG", &f), PLOT_OK);
	ck_assert_int_eq(f, PLOT_SVG);
	ck_assert_int_eq(plot_format_of("b.pdf", &f), PLOT_EINVAL);
	ck_assert_int_eq(plot_format_of("png", &f), PLOT_EINVAL);
}
END_TEST

START_TEST(test_missing_gnuplot_is_reported_with_install_hint)
{
	char err[256], buf[256];
	struct plot *p;

	ck_assert_int_eq(plot_find_program("gnuplot", "/nonexistent:/also/not",
	    buf, sizeof(buf)), PLOT_ENOGNUPLOT);
	ck_assert_int_eq(plot_find_program("sh", "/nonexistent:/bin",
	    buf, sizeof(buf)), PLOT_OK);
	ck_assert_str_eq(buf, "/bin/sh");
	p = two_runs();
	err[0] = '\0';
	ck_assert_int_eq(plot_render(p, "x.png", "/nonexistent", err,
	    sizeof(err)), PLOT_ENOGNUPLOT);
	ck_assert_ptr_nonnull(strstr(err, "apt-get install gnuplot-nox"));
	plot_destroy(p);
}
END_TEST

/*
 * A band series writes its interval and is drawn as a filled band under
 * its mean line; reference lines close the plot command, each once; an
 * empty label keeps a series out of the key; yzero pins the axis at 0.
 */
START_TEST(test_band_reference_lines_notitle_and_yzero)
{
	struct plot *p;
	char *d, *s;
	int rc;

	p = two_runs();
	ck_assert_int_eq(plot_add_series(p, "rate=20/s (mean of 3 runs)"), 0);
	ck_assert_int_eq(plot_set_band(p), 0);
	ck_assert_int_eq(plot_add_point(p, 1, 5, 4, 6), 0);
	ck_assert_int_eq(plot_add_series(p, ""), 0);
	ck_assert_int_eq(plot_add_point(p, 1, 7, NAN, NAN), 0);
	ck_assert_int_eq(plot_add_hline(p, 16.5, "ports / L", 0), 0);
	ck_assert_int_eq(plot_add_hline(p, 16.5, "ports / L", 0), 0);
	ck_assert_int_eq(plot_add_hline(p, 8.25, "cap / L", 1), 0);
	ck_assert_int_eq(plot_add_hline(p, NAN, "no cap", 1), PLOT_EINVAL);
	ck_assert_uint_eq(plot_nhlines(p), 2);
	d = data_text(p);
	ck_assert_ptr_nonnull(strstr(d, "# index 2: rate=20/s (mean of 3 "
	    "runs)\n# x y ylow yhigh\n1 5 4 6\n"));
	ck_assert_ptr_nonnull(strstr(d, "# index 3: \n# x y\n1 7\n"));
	s = script_text(p, PLOT_PNG, &rc);
	ck_assert_int_eq(rc, PLOT_OK);
	ck_assert_ptr_null(strstr(s, "set yrange"));
	ck_assert_ptr_nonnull(strstr(s, "'' index 2 using 1:3:4 with "
	    "filledcurves fs transparent solid 0.2"));
	ck_assert_ptr_nonnull(strstr(s, "notitle, \\\n     '' index 2 using "
	    "1:2 with "));
	ck_assert_ptr_nonnull(strstr(s, "title 'rate=20/s (mean of 3 runs)'"));
	ck_assert_ptr_nonnull(strstr(s, "'' index 3 using 1:2 with linespoints "
	    "pt 7 ps 0.6 lw 1.5 lc rgb '#d62728' dt 1 notitle"));
	ck_assert_ptr_nonnull(strstr(s, ", \\\n     16.5 with lines lw 1.2 "
	    "dt 2 lc rgb '#404040' title 'ports / L'"));
	ck_assert_ptr_nonnull(strstr(s, "8.25 with lines lw 1.2 dt 2 lc rgb "
	    "'#a0a0a0' title 'cap / L'"));
	ck_assert_ptr_null(strstr(strstr(s, "8.25 with lines"), "16.5"));
	free(s);
	plot_set_yzero(p);
	s = script_text(p, PLOT_PNG, &rc);
	ck_assert_ptr_nonnull(strstr(s, "set yrange [0:*]\n"));
	free(s);
	free(d);
	plot_destroy(p);
}
END_TEST

START_TEST(test_render_writes_a_png)
{
	static const unsigned char sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	char buf[4096], err[512], out[64] = "/tmp/check_plot.XXXXXX";
	unsigned char head[8];
	struct plot *p;
	FILE *f;
	int fd;

	if (plot_find_program("gnuplot", getenv("PATH"), buf, sizeof(buf)) !=
	    PLOT_OK) {
		fprintf(stderr, "check_plot: gnuplot not installed, "
		    "rendering test skipped\n");
		return;
	}
	fd = mkstemp(out);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(out);
	strcat(out, ".png");
	p = two_runs();
	err[0] = '\0';
	ck_assert_msg(plot_render(p, out, NULL, err, sizeof(err)) == PLOT_OK,
	    "render failed: %s", err);
	f = fopen(out, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(head, 1, 8, f), 8);
	fclose(f);
	unlink(out);
	ck_assert_mem_eq(head, sig, 8);
	plot_destroy(p);
}
END_TEST

static Suite *
plot_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("plot");
	tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_data_has_one_index_block_per_series);
	tcase_add_test(tc, test_errorbar_data_without_interval_has_zero_height_bar);
	tcase_add_test(tc, test_series_without_finite_points_is_left_out);
	tcase_add_test(tc, test_script_sets_terminal_labels_and_one_plot_per_series);
	tcase_add_test(tc, test_band_reference_lines_notitle_and_yzero);
	tcase_add_test(tc, test_grouped_series_share_colour_and_differ_in_dash);
	tcase_add_test(tc, test_ungrouped_series_never_repeat_a_style);
	tcase_add_test(tc, test_script_quotes_single_quotes);
	tcase_add_test(tc, test_script_refuses_plot_without_data);
	tcase_add_test(tc, test_format_follows_extension);
	tcase_add_test(tc, test_missing_gnuplot_is_reported_with_install_hint);
	tcase_add_test(tc, test_render_writes_a_png);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(plot_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
