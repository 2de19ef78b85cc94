#!/bin/bash
# bench_peers.sh -- `make bench-peers`: twsim against ns-3, the simulator a
# user would otherwise pick, on the same short-connection workload, each
# timed end to end as a whole process (start-up, set-up, simulation,
# output: twsim writes its results database, ns-3 its one line).
#
# The workload: one client, one server, constant 1 ms paths, RATE new
# connections per second at constant spacing, a 512-byte request, a
# 2 KiB response, the client closes first (TIME_WAIT 2MSL = 60 s on the
# client in both).  The headline is 200 connections/s for 120 simulated
# seconds; then the same at other rates for 30 s, to show how the ratio
# grows with the rate (ns-3 scans a list of every endpoint, TIME_WAIT ones
# included, for every packet: its cost per connection grows with the
# population, twsim's does not).
#
# ns-3 comes from Debian's libns3-dev (`scripts/setup --bench` installs
# it); without it this says so and skips, successfully.
#
# Each is timed as wall time (what the user waits) and as CPU time (user +
# system, which other work on a shared machine does not inflate).
#
# usage: bench_peers.sh TWSIM SRCDIR [BUILDDIR]
# (TWSIM_PEERS_HEADLINE="RATE DURATION" and TWSIM_PEERS_RATES="R1 R2 ..."
# change the workloads, e.g. for a quick try.)
set -eu

twsim=$1
srcdir=$2
builddir=${3:-.}
prog=$builddir/tests/bench/peers/ns3_shortconn
src=$srcdir/tests/bench/peers/ns3_shortconn.cc

if [ ! -f /usr/include/ns3/core-module.h ] || ! command -v g++ >/dev/null 2>&1; then
	echo "bench-peers: ns-3 is not installed (Debian libns3-dev, which" \
	    "'scripts/setup --bench' installs): skipped"
	exit 0
fi
mkdir -p "$(dirname "$prog")"
if [ ! -x "$prog" ] || [ "$src" -nt "$prog" ]; then
	echo "bench-peers: building $prog"
	g++ -O2 -std=c++17 -w -o "$prog" "$src" -lns3-point-to-point \
	    -lns3-internet -lns3-network -lns3-core
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/twsim-peers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# "WALL CPU" seconds of one command (bash's time: real, user + sys).
timed() {
	local TIMEFORMAT='%R %U %S' t
	t=$( { time "$@" > "$tmp/out" 2> "$tmp/err"; } 2>&1 ) || {
		cat "$tmp/err" >&2
		return 1
	}
	awk -v t="$t" 'BEGIN { split(t, a, " "); print a[1], a[2] + a[3] }'
}

scenario() {	# RATE DURATION
	cat <<EOS
[run]
duration = ${2}s
seed = 1

[host server]
address = 10.0.0.1
listen = 80

[host client]
address = 10.0.0.2

[path client server]
latency = constant(1ms)

[workload w]
client = client
server = server:80
arrival = constant
rate = ${1}/s
request = 512B
response = 2KiB
close = client
EOS
}

# "WALL CPU" of the best (by wall) of N twsim runs, a fresh database each.
time_twsim() {	# RATE DURATION N
	local best= t i=0
	scenario "$1" "$2" > "$tmp/w.ini"
	while [ $i -lt "$3" ]; do
		rm -f "$tmp/w.db"
		t=$(timed "$twsim" run "$tmp/w.ini" -o "$tmp/w.db" --quiet)
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" \
		    'BEGIN { split(a, x, " "); split(b, y, " "); exit !(x[1] < y[1]) }'; then
			best=$t
		fi
		i=$((i + 1))
	done
	echo "$best"
}

time_ns3() {	# RATE DURATION
	timed "$prog" "$1" "$2"
	cp "$tmp/out" "$tmp/ns3.out"
}

row() {	# RATE DURATION TWSIM_RUNS
	local tw ns
	tw=$(time_twsim "$1" "$2" "$3")
	ns=$(time_ns3 "$1" "$2")
	awk -v r="$1" -v d="$2" -v tw="$tw" -v ns="$ns" -v what="$(cat "$tmp/ns3.out")" 'BEGIN {
		split(tw, t, " "); split(ns, n, " ");
		printf "peers %5s conn/s x %3s s: ns-3 %8.3f s wall (%.3f s CPU), twsim %6.3f s wall (%.3f s CPU), ratio %5.0f wall, %5.0f CPU  (%s)\n",
		    r, d, n[1], n[2], t[1], t[2], n[1] / t[1], n[2] / (t[2] > 0 ? t[2] : 0.001), what
	}'
}

echo "bench-peers: the same workload in ns-3 ($prog) and twsim, each timed as a whole process"
row ${TWSIM_PEERS_HEADLINE:-200 120} 3
echo "bench-peers: the ratio against the rate, 30 simulated s each:"
for rate in ${TWSIM_PEERS_RATES:-50 100 200 400}; do
	row "$rate" 30 3
done
