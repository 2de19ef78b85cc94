#!/bin/sh
# example_digests.sh -- guards the behaviour of every example scenario.
#
# Runs each scenarios/*.ini through the real CLI and compares a SHA-256
# digest of its samples, connections, params, host_stats and
# connection_stats tables, rows in
# primary-key order (wall-clock columns live in `runs`, which is left out),
# with the digests checked in as tests/example_digests.txt.  A refactoring
# must leave these digests unchanged; a change to the model that is meant
# to change results regenerates them with
#
#     tests/example_digests.sh --update
#
# (from the top of a built tree) and says why in its commit message.
#
# Environment: $TWSIM (the binary) and $srcdir, as make check sets them.
set -eu

srcdir=${srcdir:-.}
TWSIM=${TWSIM:-./twsim}
expected="$srcdir/tests/example_digests.txt"
update=0
[ "${1:-}" = "--update" ] && update=1

for tool in sqlite3 sha256sum; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not found (scripts/setup installs it)"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/twsim-digests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# table and the ORDER BY that makes its dump stable
tables="samples:run_id,host,t
connections:run_id,conn_id
params:run_id,key
host_stats:run_id,host
connection_stats:run_id,host"

for ini in "$srcdir"/scenarios/*.ini; do
	name=$(basename "$ini" .ini)
	db="$tmp/$name.db"
	if ! "$TWSIM" run "$ini" -o "$db" -j 1 --quiet >"$tmp/$name.out" 2>&1; then
		echo "FAIL: twsim run $ini:" >&2
		cat "$tmp/$name.out" >&2
		exit 1
	fi
	echo "$tables" | while IFS=: read -r table order; do
		sum=$(sqlite3 -batch -noheader -list "$db" \
		    "SELECT * FROM $table ORDER BY $order;" | sha256sum |
		    cut -d' ' -f1)
		echo "$name $table $sum"
	done
done >"$tmp/actual.txt" || exit 1

if [ "$update" = 1 ]; then
	cp "$tmp/actual.txt" "$expected"
	echo "wrote $expected"
	exit 0
fi
if ! diff -u "$expected" "$tmp/actual.txt"; then
	echo "FAIL: example scenario results differ from $expected"
	echo "(if intended: tests/example_digests.sh --update, and say why)"
	exit 1
fi
echo "PASS: $(wc -l <"$expected") table digests of the example scenarios"
