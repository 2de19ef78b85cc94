#!/bin/sh
# packetdrill.sh -- `twsim packetdrill`'s contract, on tests/packetdrill/.
#
# For every stack twsim models (a stack that is not modelled yet must be
# refused with exit 2, naming it):
#   - tests/packetdrill/*.pkt and strict/*.pkt pass with --lenient, and
#     strict/*.pkt pass without it: exit 0, "M of M scripts pass";
#   - each fail/NAME.pkt fails: exit 1, its FAIL line is
#     fail/NAME.STACK.expected, or fail/NAME.expected when the stacks agree
#     (strict-*.pkt run without --lenient, the others with it);
#   - each bad/NAME.pkt is unusable: exit 2, and stderr names the file, the
#     line and the construct given in the script ("// expect STACK: ...",
#     or "// expect: ..." when the stacks agree);
#   - define/needs-define.pkt passes only with --define TWSIM_EXTRA;
#   - mixed runs give the summary line and the worst exit status.
#
# Environment: $TWSIM (the binary) and $srcdir, as make check sets them.
set -u

srcdir=${srcdir:-.}
TWSIM=${TWSIM:-./twsim}
d="$srcdir/tests/packetdrill"
failures=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/twsim-packetdrill.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

bad() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# run EXPECTED-STATUS ARGS...: output in $tmp/out, $tmp/err
run() {
	run_status=$1
	shift
	"$TWSIM" packetdrill "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -ne "$run_status" ]; then
		bad "twsim packetdrill $* exited $st, not $run_status"
		sed 's/^/  | /' "$tmp/out" "$tmp/err"
		return 1
	fi
	return 0
}

# last_line_is TEXT
last_line_is() {
	got=$(tail -n 1 "$tmp/out")
	[ "$got" = "$1" ] || bad "summary '$got', not '$1'"
}

count() {
	n=0
	for f in "$@"; do
		n=$((n + 1))
	done
	echo "$n"
}

# The command line.
run 0 --help && grep -q '^usage: twsim packetdrill' "$tmp/out" ||
    bad "--help prints no usage"
run 2 && grep -q 'no script given' "$tmp/err" || bad "no script accepted"
run 2 --stack solaris "$d/tw10-ack-from-entry.pkt" &&
    grep -q "unknown stack 'solaris'" "$tmp/err" || bad "unknown stack"
run 2 --frobnicate "$d/tw10-ack-from-entry.pkt" || true
run 2 "$d/no-such-script.pkt" && grep -q 'no-such-script.pkt' "$tmp/err" ||
    bad "a missing script is not named"

stacks=""
for s in freebsd9 freebsd14 linux; do
	"$TWSIM" packetdrill --stack "$s" --lenient \
	    "$d/tw10-ack-from-entry.pkt" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -eq 2 ] && grep -q "stack $s is not modelled yet" "$tmp/err"
	then
		echo "SKIP stack $s: not modelled yet (exit 2, named)"
		continue
	fi
	stacks="$stacks $s"
done
[ -n "$stacks" ] || bad "no stack is modelled"

for s in $stacks; do
	echo "== stack $s"
	# Every conformance script passes.
	m=$(count "$d"/*.pkt "$d"/strict/*.pkt)
	if run 0 --stack "$s" --lenient "$d"/*.pkt "$d"/strict/*.pkt; then
		last_line_is "$m of $m scripts pass"
		grep -c '^PASS ' "$tmp/out" | grep -qx "$m" ||
		    bad "$s: not $m PASS lines"
	fi
	m=$(count "$d"/strict/*.pkt)
	run 0 --stack "$s" "$d"/strict/*.pkt &&
	    last_line_is "$m of $m scripts pass"

	# Scripts that must fail, with their FAIL line.
	for f in "$d"/fail/*.pkt; do
		name=$(basename "$f" .pkt)
		lenient=--lenient
		case $name in strict-*) lenient= ;; esac
		# shellcheck disable=SC2086
		exp="$d/fail/$name.$s.expected"
		[ -f "$exp" ] || exp="$d/fail/$name.expected"
		if run 1 --stack "$s" $lenient "$f"; then
			head -n 1 "$tmp/out" >"$tmp/line"
			cmp -s "$tmp/line" "$exp" ||
			    bad "$name: '$(cat "$tmp/line")', not" \
			    "'$(cat "$exp")'"
			last_line_is "0 of 1 scripts pass"
		fi
	done

	# Unusable scripts: exit 2, file, line and construct on stderr.
	for f in "$d"/bad/*.pkt; do
		expect=$(sed -n "s|^// expect $s: ||p" "$f")
		[ -n "$expect" ] || expect=$(sed -n 's|^// expect: ||p' "$f")
		[ -n "$expect" ] || { bad "$(basename "$f"): no expect line" \
		    "for $s"; continue; }
		if run 2 --stack "$s" --lenient "$f"; then
			grep -qF "$f:$expect" "$tmp/err" ||
			    bad "$(basename "$f"): stderr lacks '$f:$expect':" \
			    "$(cat "$tmp/err")"
			last_line_is "0 of 1 scripts pass"
		fi
	done

	# --define and #ifdef.
	run 0 --stack "$s" --lenient --define TWSIM_EXTRA \
	    "$d/define/needs-define.pkt"
	run 1 --stack "$s" --lenient "$d/define/needs-define.pkt"

	# Mixed runs: every script runs; the worst status wins.
	run 1 --stack "$s" --lenient "$d/tw10-ack-from-entry.pkt" \
	    "$d/fail/rst-kills-time-wait.pkt" &&
	    last_line_is "1 of 2 scripts pass"
	run 2 --stack "$s" --lenient "$d/fail/rst-kills-time-wait.pkt" \
	    "$d/bad/unsupported-syscall.pkt" "$d/tw10-ack-from-entry.pkt" &&
	    last_line_is "1 of 3 scripts pass"
done

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "packetdrill: every check passed on:$stacks"
exit 0
