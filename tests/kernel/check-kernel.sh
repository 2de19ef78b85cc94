#!/usr/bin/env bash
# check-kernel.sh -- run twsim's workload on this machine's real Linux kernel
# (`make check-kernel`).
#
#   tests/kernel/check-kernel.sh TWLOAD [OUTDIR [TWSIM]]
#
# Each setting of the table below gets its own network namespace (so the
# sysctls, the port range and the TIME_WAIT population are its own) and runs
# tests/kernel/twload there: one loopback host, a 100-port range
# (ip_local_port_range 40000-40099), constant-rate connect() without bind(),
# a 100-byte request and response, the client closing first.  The settings
# run side by side, so the whole check takes as long as the longest one
# (67 s: a TIME_WAIT lasts TCP_TIMEWAIT_LEN, 60 s, plus the timer wheel's
# lateness, and the lifetime distribution needs every entry of the first
# burst to expire).
#
# Then it runs the same settings as twsim scenarios with `stack = linux`
# (the sysctls are twsim's keys of the same names; hz is this kernel's
# CONFIG_HZ) and prints both side by side.  It fails when a twsim figure is
# outside the tolerance of the kernel's (see `agree` below).
#
# It needs Linux, root and iproute2's `ip netns`; elsewhere it says why it
# skips and exits 0.  Raw output lands in OUTDIR (default
# tests/kernel/out): SETTING.out (kernel), SETTING.ini, SETTING.db and
# SETTING.twsim (twsim).
set -euo pipefail

twload=${1:?usage: check-kernel.sh TWLOAD [OUTDIR [TWSIM]]}
outdir=${2:-tests/kernel/out}
twsim=${3:-}

skip() {
	echo "check-kernel: SKIPPED: $*"
	exit 0
}

[ "$(uname -s)" = Linux ] || skip "not Linux ($(uname -s))"
[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null || skip "no 'ip' command (Debian package iproute2)"
command -v unshare >/dev/null || skip "no 'unshare' command (util-linux)"
[ -x "$twload" ] || { echo "check-kernel: $twload not built" >&2; exit 2; }
if [ -n "$twsim" ]; then
	[ -x "$twsim" ] || { echo "check-kernel: $twsim not built" >&2; exit 2; }
	command -v sqlite3 >/dev/null ||
		skip "no sqlite3 to read twsim's results (Debian package sqlite3)"
fi

# The settings.  Columns: name, seconds, connections/s, server address
# (the client connects to it from the same namespace), sysctls under
# net.ipv4 (comma separated), and how many ms the server takes to close
# after the client's FIN (twsim's close_delay; 0 when absent).  Every
# setting also gets the 100-port range.
#
# fw2: the server closes 2 s late, so each client socket waits in
# FIN_WAIT_2.  Linux turns such an orphan into a FIN_WAIT2 bucket that
# counts against tcp_max_tw_buckets (LNX-24): past the 20 buckets it is
# closed at once and its port is free, so 50 connections/s never run out
# of the 100 ports -- a model that kept the socket would hold 100 ports
# for those 2 s and hit EADDRNOTAVAIL.
SETTINGS='
reuse0        67  20   127.0.0.1  tcp_tw_reuse=0
reuse1        10  200  127.0.0.1  tcp_tw_reuse=1
reuse2        10  200  127.0.0.1  tcp_tw_reuse=2
reuse2-nonlo  10  200  10.77.0.1  tcp_tw_reuse=2
nots          10  200  127.0.0.1  tcp_tw_reuse=1,tcp_timestamps=0
maxtw         10  200  127.0.0.1  tcp_tw_reuse=0,tcp_max_tw_buckets=20
fw2           10  50   127.0.0.1  tcp_tw_reuse=0,tcp_max_tw_buckets=20  2000
'
PORTRANGE="40000 40099"
SERVER_PORT=5000

kernel=$(uname -r)
hz=""
if [ -r "/boot/config-$kernel" ]; then
	hz=$(sed -n 's/^CONFIG_HZ=//p' "/boot/config-$kernel")
elif [ -r /proc/config.gz ]; then
	hz=$(zcat /proc/config.gz | sed -n 's/^CONFIG_HZ=//p')
fi
[ -n "$hz" ] || hz="unknown"

ns_prefix="twsim-ck-$$"
namespaces=()
cleanup() {
	local i
	for ((i = ${#namespaces[@]} - 1; i >= 0; i--)); do
		ip netns del "${namespaces[$i]}" 2>/dev/null || true
	done
}
trap cleanup EXIT

# The namespaces of the settings are created from inside a parent
# namespace whose tcp_child_ehash_entries gives each of them its own small
# established hash (the sysctl applies to namespaces created from the one
# that sets it; the host's own stays untouched).  Reading /proc/net/tcp
# walks the whole hash, and the host's (hundreds of thousands of buckets)
# would make every poll cost milliseconds and the load generators late.
parent="$ns_prefix-parent"
ip netns add "$parent" 2>/dev/null ||
	skip "cannot create a network namespace (ip netns add failed)"
namespaces+=("$parent")
in_parent() { ip netns exec "$parent" "$@"; }
in_parent sysctl -qw net.ipv4.tcp_child_ehash_entries=4096 ||
	skip "this kernel has no net.ipv4.tcp_child_ehash_entries (Linux >= 6.1)"

mkdir -p "$outdir"
echo "check-kernel: Linux $kernel, CONFIG_HZ=$hz; settings run in parallel" \
	"(about 70 s)"

pids=()
names=()
while read -r name secs rate addr sysctls delay; do
	[ -n "$name" ] || continue
	# Inside the parent, `unshare --net` gives the setting a fresh
	# namespace of its own for as long as twload runs.
	{
		echo "setting $name"
		echo "sysctls $sysctls"
		in_parent unshare --net -- bash -euc '
			addr=$1 range=$2 sysctls=$3; shift 3
			ip link set lo up
			case "$addr" in
			127.*) ;;
			*) ip addr add "$addr/32" dev lo ;;
			esac
			sysctl -qw net.ipv4.ip_local_port_range="$range"
			IFS=, read -r -a kv <<<"$sysctls"
			for s in "${kv[@]}"; do sysctl -qw "net.ipv4.$s"; done
			exec "$@"' setup "$addr" "$PORTRANGE" "$sysctls" \
			"$twload" -a "$addr" -p "$SERVER_PORT" -r "$rate" \
			-d "$secs" -q 100 -s 100 -c "${delay:-0}"
	} >"$outdir/$name.out" 2>"$outdir/$name.err" &
	pids+=($!)
	names+=("$name")
done <<<"$SETTINGS"

fail=0
for i in "${!pids[@]}"; do
	if ! wait "${pids[$i]}"; then
		echo "check-kernel: ${names[$i]} failed:" >&2
		cat "$outdir/${names[$i]}.err" >&2
		fail=1
	fi
done
[ "$fail" = 0 ] || exit 1

# One value of one setting's output ("-" when absent).
val() {
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print "-" }' \
		"$outdir/$1.out"
}

{
	echo "kernel $kernel"
	echo "config_hz $hz"
} >"$outdir/kernel.info"

# ---- the same settings in twsim ---------------------------------------

# Writes SETTING.ini, runs it, and writes SETTING.twsim with the keys of
# twload's output, read back from twsim's database.
twsim_setting() {
	local name=$1 secs=$2 rate=$3 addr=$4 sysctls=$5 delay=${6:-0}
	local ini="$outdir/$name.ini" db="$outdir/$name.db" kv k v
	local first ok ports even

	{
		echo "; check-kernel setting $name: $sysctls"
		echo "[run]"
		echo "duration = ${secs}s"
		echo "seed = 1"
		echo "connections = yes"
		echo "[host lo]"
		echo "stack = linux"
		echo "address = $addr"
		echo "listen = $SERVER_PORT"
		echo "portrange = ${PORTRANGE% *}-${PORTRANGE#* }"
		[ "$hz" = unknown ] || echo "hz = $hz"
		IFS=, read -r -a kv <<<"$sysctls"
		for s in "${kv[@]}"; do
			echo "${s%%=*} = ${s#*=}"
		done
		echo "[workload w]"
		echo "client = lo"
		echo "server = lo:$SERVER_PORT"
		echo "arrival = constant"
		echo "rate = $rate/s"
		echo "request = 100B"
		echo "response = 100B"
		echo "close = client"
		echo "close_delay = ${delay}ms"
	} >"$ini"
	rm -f "$db"
	"$twsim" run "$ini" -o "$db" --quiet
	q() { sqlite3 -batch -noheader -list "$db" "$1"; }
	first=$(q "SELECT ifnull(first_addrnotavail_s, 'none') FROM host_stats")
	if [ "$first" = none ]; then
		ok=$(q "SELECT printf('%.2f', count(*) / $secs.0) FROM connections
		    WHERE t_established IS NOT NULL")
	else
		ok=$(q "SELECT printf('%.2f', count(*) / ($secs - $first))
		    FROM connections WHERE t_established IS NOT NULL
		    AND t_start > $first")
		first=$(printf '%.3f' "$first")
	fi
	ports=$(q "SELECT count(DISTINCT lport) FROM connections
	    WHERE t_established IS NOT NULL")
	even=$(q "SELECT sum(lport % 2 = 0) || '/' || count(*) FROM
	    (SELECT lport, min(t_start) AS t0 FROM connections
	     WHERE t_established IS NOT NULL GROUP BY lport
	     ORDER BY t0 LIMIT 50)")
	{
		echo "setting $name"
		echo "sysctls $sysctls"
		echo "first_addrnotavail_s $first"
		echo "steady_ok_per_s $ok"
		echo "ports_used $ports"
		echo "first_ports_even $even"
		echo "tw_peak $(q "SELECT tw_peak FROM host_stats")"
		echo "netstat_TWRecycled $(q "SELECT tw_reused FROM host_stats")"
		echo "netstat_TCPTimeWaitOverflow $(q "SELECT tw_skipped_nomem FROM host_stats")"
		twsim_lifetimes "$db"
	} >"$outdir/$name.twsim"
}

# TIME_WAIT lifetimes from the connections table, when it has them.
twsim_lifetimes() {
	local db=$1 n
	if ! sqlite3 "$db" "SELECT t_tw_start FROM connections LIMIT 0" \
	    >/dev/null 2>&1; then
		echo "tw_lifetimes 0"
		return
	fi
	n=$(sqlite3 "$db" "SELECT count(*) FROM connections
	    WHERE tw_host = client AND t_tw_end IS NOT NULL
	    AND tw_end <> 'skipped'")
	echo "tw_lifetimes $n"
	[ "$n" -gt 0 ] || return 0
	sqlite3 -batch -noheader -list "$db" "
	    WITH l AS (SELECT t_tw_end - t_tw_start AS d FROM connections
	        WHERE tw_host = client AND t_tw_end IS NOT NULL
	        AND tw_end <> 'skipped'),
	    o AS (SELECT d, row_number() OVER (ORDER BY d) - 1 AS i FROM l)
	    SELECT 'tw_life_min_s ' || printf('%.3f', min(d)) FROM l
	    UNION ALL SELECT 'tw_life_mean_s ' || printf('%.3f', avg(d)) FROM l
	    UNION ALL SELECT 'tw_life_p50_s ' || printf('%.3f', d) FROM o
	        WHERE i = $n / 2
	    UNION ALL SELECT 'tw_life_p99_s ' || printf('%.3f', d) FROM o
	        WHERE i = min($n - 1, $n * 99 / 100)
	    UNION ALL SELECT 'tw_life_max_s ' || printf('%.3f', max(d)) FROM l"
}

if [ -n "$twsim" ]; then
	while read -r name secs rate addr sysctls delay; do
		[ -n "$name" ] || continue
		twsim_setting "$name" "$secs" "$rate" "$addr" "$sysctls" \
		    "${delay:-0}"
	done <<<"$SETTINGS"
fi

# One value of one setting's output ("-" when absent): FILE KEY.
fval() {
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print "-" }' "$1"
}

# Does twsim's figure agree with the kernel's?  KEY KERNEL TWSIM.
agree() {
	awk -v k="$1" -v a="$2" -v b="$3" 'BEGIN {
		if (a == b) exit 0
		if (a == "-" || b == "-") exit 0	# not measured on one side
		if (a == "none" || b == "none") exit 1
		d = a - b; if (d < 0) d = -d
		if (k == "first_addrnotavail_s") exit !(d <= 0.02)
		if (k == "steady_ok_per_s") exit !(d <= 0.5 || d <= 0.1 * a)
		if (k == "tw_life_mean_s") exit !(d <= 0.3)
		if (k == "tw_peak") exit !(d <= 2)
		if (k ~ /^netstat_/) exit !(d <= 5 || d <= 0.1 * a)
		exit 1					# ports: exactly
	}'
}

row() {
	local who=$1 f=$2 name=$3 life="-"
	if [ "$(fval "$f" tw_lifetimes)" != 0 ] &&
	    [ "$(fval "$f" tw_lifetimes)" != - ]; then
		life="$(fval "$f" tw_life_min_s) / $(fval "$f" tw_life_mean_s) / $(fval "$f" tw_life_p50_s) / $(fval "$f" tw_life_p99_s) / $(fval "$f" tw_life_max_s)"
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
		"$name" "$(fval "$f" sysctls)" "$who" \
		"$(fval "$f" first_addrnotavail_s)" \
		"$(fval "$f" steady_ok_per_s)" \
		"$(fval "$f" ports_used)" \
		"$(fval "$f" first_ports_even)" \
		"$(fval "$f" tw_peak)" "$life" \
		"$(fval "$f" netstat_TWRecycled)" \
		"$(fval "$f" netstat_TCPTimeWaitOverflow)"
}

printf '\nLinux %s, CONFIG_HZ=%s, ip_local_port_range %s (100 ports), 127.0.0.1 unless noted\n\n' \
	"$kernel" "$hz" "$PORTRANGE"
printf '| setting | sysctls | source | first EADDRNOTAVAIL (s) | steady ok/s | ports used | even of first 50 | TIME_WAIT peak | TIME_WAIT life min / mean / p50 / p99 / max (s) | TWRecycled | TCPTimeWaitOverflow |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
bad=0
for name in "${names[@]}"; do
	row kernel "$outdir/$name.out" "$name"
	[ -n "$twsim" ] || continue
	row twsim "$outdir/$name.twsim" "$name"
	for key in first_addrnotavail_s steady_ok_per_s ports_used \
	    first_ports_even tw_peak tw_life_mean_s netstat_TWRecycled \
	    netstat_TCPTimeWaitOverflow; do
		if ! agree "$key" "$(fval "$outdir/$name.out" "$key")" \
		    "$(fval "$outdir/$name.twsim" "$key")"; then
			echo "check-kernel: $name: $key: kernel" \
			    "$(fval "$outdir/$name.out" "$key"), twsim" \
			    "$(fval "$outdir/$name.twsim" "$key")" >&2
			bad=1
		fi
	done
done
if [ -n "$twsim" ]; then
	[ "$bad" = 0 ] && echo "check-kernel: twsim agrees with Linux $kernel" \
	    "on every setting" || { echo "check-kernel: FAILED" >&2; exit 1; }
fi
