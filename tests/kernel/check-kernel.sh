#!/usr/bin/env bash
# check-kernel.sh -- run twsim's workload on this machine's real Linux kernel
# (`make check-kernel`).
#
#   tests/kernel/check-kernel.sh TWLOAD [OUTDIR]
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
# It needs Linux, root and iproute2's `ip netns`; elsewhere it says why it
# skips and exits 0.  Raw twload output lands in OUTDIR (default
# tests/kernel/out).
set -euo pipefail

twload=${1:?usage: check-kernel.sh TWLOAD [OUTDIR]}
outdir=${2:-tests/kernel/out}

skip() {
	echo "check-kernel: SKIPPED: $*"
	exit 0
}

[ "$(uname -s)" = Linux ] || skip "not Linux ($(uname -s))"
[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null || skip "no 'ip' command (Debian package iproute2)"
command -v unshare >/dev/null || skip "no 'unshare' command (util-linux)"
[ -x "$twload" ] || { echo "check-kernel: $twload not built" >&2; exit 2; }

# The settings.  Columns: name, seconds, connections/s, server address
# (the client connects to it from the same namespace), sysctls under
# net.ipv4 (comma separated).  Every setting also gets the 100-port range.
SETTINGS='
reuse0        67  20   127.0.0.1  tcp_tw_reuse=0
reuse1        10  200  127.0.0.1  tcp_tw_reuse=1
reuse2        10  200  127.0.0.1  tcp_tw_reuse=2
reuse2-nonlo  10  200  10.77.0.1  tcp_tw_reuse=2
nots          10  200  127.0.0.1  tcp_tw_reuse=1,tcp_timestamps=0
maxtw         10  200  127.0.0.1  tcp_tw_reuse=0,tcp_max_tw_buckets=20
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
while read -r name secs rate addr sysctls; do
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
			-d "$secs" -q 100 -s 100
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

printf '\nLinux %s, CONFIG_HZ=%s, port range %s (100 ports), 127.0.0.1 unless noted\n\n' \
	"$kernel" "$hz" "$PORTRANGE"
printf '| setting | sysctls | first EADDRNOTAVAIL (s) | steady ok/s | ports used | even first | TW peak | TW life min / mean / p50 / p99 / max (s) | TWRecycled | TCPTimeWaitOverflow |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for name in "${names[@]}"; do
	life="-"
	if [ "$(val "$name" tw_lifetimes)" != 0 ]; then
		life="$(val "$name" tw_life_min_s) / $(val "$name" tw_life_mean_s) / $(val "$name" tw_life_p50_s) / $(val "$name" tw_life_p99_s) / $(val "$name" tw_life_max_s)"
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
		"$name" "$(val "$name" sysctls)" \
		"$(val "$name" first_addrnotavail_s)" \
		"$(val "$name" steady_ok_per_s)" \
		"$(val "$name" ports_used)" \
		"$(val "$name" first_ports_even)" \
		"$(val "$name" tw_peak)" "$life" \
		"$(val "$name" netstat_TWRecycled)" \
		"$(val "$name" netstat_TCPTimeWaitOverflow)"
done
