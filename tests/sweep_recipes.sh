#!/bin/sh
# sweep_recipes.sh -- the recipes for sweeps on many machines, end to end.
#
# A small sweep (tests/scenarios/e2e/sweep.ini: 6 runs, every connection
# recorded) is run three ways and the result tables compared, by digest
# (tests/db_digest.sh: wall-clock columns left out), with one 'twsim run
# -j 1' of the whole sweep:
#   1. scripts/sweep-parallel on this machine (GNU parallel, -j 2);
#   2. the Slurm array's per-task body: scripts/sweep-slurm.sbatch run by
#      hand with SLURM_ARRAY_TASK_ID set to every index, then without it
#      (the dependent merge job);
#   3. the same parts merged again in reverse order, into a database that
#      already holds some of the runs: nothing is added twice and the run
#      ids still follow run-index order.
# Without GNU parallel, part 1 is skipped with the reason printed (set
# SWEEP_REQUIRE_PARALLEL=1 to fail instead, as .ci/run does).
#
# Environment: $TWSIM (the binary) and $srcdir, as make check sets them.
set -eu

. "${srcdir:-.}/tests/sweep_env.sh"

for tool in sqlite3 sha256sum; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not found (scripts/setup installs it)"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/twsim-sweep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

"$TWSIM" run "$scenario" -j 1 -o "$tmp/whole.db" --quiet ||
    fail "twsim run -j 1"
n=$("$TWSIM" check "$scenario" --indices | wc -l)
[ "$n" -eq 6 ] || fail "twsim check --indices printed $n indices, not 6"

# 1. GNU parallel
if command -v parallel >/dev/null 2>&1; then
	# (a space in the path: the jobs' arguments go through a shell)
	TWSIM_PARTS="$tmp/p parts" sh "$srcdir/scripts/sweep-parallel" \
	    "$scenario" "$tmp/parallel.db" -j 2 >"$tmp/parallel.out" 2>&1 ||
	    { cat "$tmp/parallel.out" >&2; fail "scripts/sweep-parallel"; }
	[ "$(ls "$tmp/p parts" | wc -l)" -eq 6 ] ||
	    fail "sweep-parallel: not one part database per index"
	same_tables "$tmp/whole.db" "$tmp/parallel.db"
	grep -q '^done 6: 0-5$' "$tmp/parallel.out" ||
	    fail "sweep-parallel: no 'done 6: 0-5' from merge --status"
	echo "PASS: scripts/sweep-parallel -j 2 equals twsim run -j 1"
elif [ "${SWEEP_REQUIRE_PARALLEL:-0}" = 1 ]; then
	fail "GNU parallel is not installed (scripts/setup installs it)"
else
	echo "SKIP (part): GNU parallel not installed (Debian package" \
	    "'parallel', in scripts/setup): scripts/sweep-parallel not run"
fi

# 2. The Slurm array's per-task body, task by task, then the merge job.
"$TWSIM" check "$scenario" --indices >"$tmp/indices"
(
	cd "$tmp"
	while read -r i; do
		SLURM_ARRAY_TASK_ID=$i sh "$srcdir/scripts/sweep-slurm.sbatch" \
		    "$scenario" slurm.db >/dev/null || exit 1
	done <indices
	# The merge job, before the last task "finished": exit 1, missing 5.
	mv parts/5.db held.db
	if sh "$srcdir/scripts/sweep-slurm.sbatch" "$scenario" \
	    slurm.db 2>status.txt; then
		echo "FAIL: the merge job exited 0 with index 5 missing" >&2
		exit 1
	fi
	grep -q '^missing 1: 5$' status.txt ||
	    { cat status.txt >&2; echo "FAIL: index 5 not missing" >&2; exit 1; }
	mv held.db parts/5.db
	sh "$srcdir/scripts/sweep-slurm.sbatch" "$scenario" slurm.db \
	    2>status.txt >/dev/null
) || fail "the Slurm per-task body and merge job"
[ "$(ls "$tmp/parts" | wc -l)" -eq 6 ] ||
    fail "sweep-slurm.sbatch: not one part database per index"
# The run with index 5 was merged last, after the others: the run ids
# still follow run-index order (an append).
[ "$(sqlite3 "$tmp/slurm.db" "SELECT group_concat(run_index, ',') FROM
    (SELECT run_index FROM runs ORDER BY run_id)")" = "0,1,2,3,4,5" ] ||
    fail "sweep-slurm.sbatch: run ids out of run-index order"
echo "PASS: the Slurm per-task body for every index, then the merge job"

# 3. Reverse order, into a database holding some runs already.
"$TWSIM" run "$scenario" --runs 0-1 -o "$tmp/again.db" --quiet
# (The comparison can tell: two runs of six are not the sweep.)
if sh "$srcdir/tests/db_digest.sh" --compare "$tmp/whole.db" \
    "$tmp/again.db" 2>/dev/null; then
	fail "tests/db_digest.sh --compare finds a slice equal to the sweep"
fi
set --
for i in 5 4 3 2 1 0; do
	set -- "$@" "$tmp/parts/$i.db"
done
"$TWSIM" merge "$tmp/again.db" "$@" >"$tmp/merge.out" ||
    fail "twsim merge in reverse order"
grep -q '4 runs added, 0 replaced, 2 already present' "$tmp/merge.out" ||
    { cat "$tmp/merge.out" >&2; fail "merge counts"; }
same_tables "$tmp/whole.db" "$tmp/again.db"
echo "PASS: merging in any order, runs present already kept once"
