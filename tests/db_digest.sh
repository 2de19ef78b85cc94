#!/bin/sh
# db_digest.sh -- one SHA-256 per result table of a twsim database, for
# comparing two databases that must hold the same runs (a sweep merged from
# slices against one 'twsim run -j 1' of the whole sweep).
#
#   tests/db_digest.sh DB              prints "TABLE DIGEST" per table
#   tests/db_digest.sh --compare A B   exit 0 if A and B digest the same,
#                                      else the differences and exit 1
#
# A table's digest covers every column, rows in primary-key order, except
# the wall-clock columns of runs (started_at, wall_seconds), the only ones
# that may differ between two runs of the same sweep.  Column lists come
# from the database itself, so a column added to the schema is compared
# without a change here.
set -eu

digest() {
	# table and the ORDER BY that makes its dump stable
	for spec in runs:run_id params:run_id,key samples:run_id,host,t \
	    connections:run_id,conn_id host_stats:run_id,host \
	    connection_stats:run_id,host; do
		table=${spec%%:*} order=${spec#*:}
		cols=$(sqlite3 -batch -noheader -list "$1" \
		    "SELECT group_concat('\"' || name || '\"', ',')
		     FROM pragma_table_info('$table') WHERE NOT ('$table' = 'runs'
		     AND name IN ('started_at', 'wall_seconds'));")
		sum=$(sqlite3 -batch -noheader -list "$1" \
		    "SELECT $cols FROM $table ORDER BY $order;" | sha256sum |
		    cut -d' ' -f1)
		echo "$table $sum"
	done
}

if [ "${1:-}" = "--compare" ] && [ $# -eq 3 ]; then
	a=$(digest "$2")
	b=$(digest "$3")
	[ "$a" = "$b" ] && exit 0
	echo "tables of $2 and $3 differ:" >&2
	printf '%s\n' "$a" >&2
	printf '%s\n' "$b" >&2
	exit 1
fi
[ $# -eq 1 ] || { echo "usage: db_digest.sh DB | --compare A B" >&2; exit 2; }
digest "$1"
