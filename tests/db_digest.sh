#!/bin/sh
# db_digest.sh -- one SHA-256 per result table of a twsim database, for
# comparing two databases that must hold the same runs (a sweep merged from
# slices against one 'twsim run -j 1' of the whole sweep).
#
#   tests/db_digest.sh DB
#
# Prints "TABLE DIGEST" per table: every column, rows in primary-key order,
# except the wall-clock columns of runs (started_at, wall_seconds), the
# only ones that may differ between two runs of the same sweep.  Column
# lists come from the database itself, so a column added to the schema is
# compared without a change here.
set -eu

db=$1
# table and the ORDER BY that makes its dump stable
for spec in runs:run_id params:run_id,key samples:run_id,host,t \
    connections:run_id,conn_id host_stats:run_id,host; do
	table=${spec%%:*} order=${spec#*:}
	cols=$(sqlite3 -batch -noheader -list "$db" \
	    "SELECT group_concat(quote(name), ',') FROM pragma_table_info('$table')
	     WHERE NOT ('$table' = 'runs' AND name IN ('started_at', 'wall_seconds'));")
	sum=$(sqlite3 -batch -noheader -list "$db" \
	    "SELECT $cols FROM $table ORDER BY $order;" | sha256sum | cut -d' ' -f1)
	echo "$table $sum"
done
