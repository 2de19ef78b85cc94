# sweep_env.sh -- sourced by the tests of the sweep recipes
# (tests/sweep_recipes.sh, tests/sweep_slurm.sh): absolute $srcdir and
# $TWSIM (the recipes run jobs in other directories), the test sweep, and
# the table comparison.
#
# Environment: $TWSIM (the binary) and $srcdir, as make check sets them.

srcdir=$(cd "${srcdir:-.}" && pwd)
TWSIM=${TWSIM:-./twsim}
case "$TWSIM" in
/*) ;;
*) TWSIM="$(pwd)/$TWSIM" ;;
esac
export TWSIM
# 3 sweep points x 2 repetitions, every connection recorded.
scenario="$srcdir/tests/scenarios/e2e/sweep.ini"

# Fails the test unless database $2 holds the tables of $1, wall-clock
# columns aside (tests/db_digest.sh).
same_tables() {
	sh "$srcdir/tests/db_digest.sh" --compare "$1" "$2" || {
		echo "FAIL: $2: tables differ from the -j 1 run of the whole" \
		    "sweep ($1)" >&2
		exit 1
	}
}
