#!/bin/sh
# sweep_slurm.sh -- scripts/sweep-slurm.sbatch on a real one-node Slurm
# cluster: the README's two-line submission, then the merged database
# compared with one 'twsim run -j 1' (tests/db_digest.sh).
#
# Optional: it needs root and Debian's slurm-wlm and munge, and starts a
# private cluster for the test alone -- munged on its own socket,
# slurmctld and slurmd on localhost on ports of their own, every file in
# a temporary directory -- which it stops at the end.  Anywhere that is
# not possible it skips (exit 77) and prints why.
#
# Environment: $TWSIM (the binary) and $srcdir, as make check sets them.
set -eu

. "${srcdir:-.}/tests/sweep_env.sh"

skip() {
	echo "SKIP: no one-node Slurm cluster here: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root to start slurmctld and slurmd"
for tool in slurmctld slurmd munged sbatch squeue sinfo scontrol sqlite3 \
    sha256sum; do
	command -v "$tool" >/dev/null 2>&1 ||
	    skip "$tool not found (Debian packages slurm-wlm, munge)"
done
[ -r /etc/munge/munge.key ] || skip "no /etc/munge/munge.key (munge)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/twsim-slurm.XXXXXX")
chmod 755 "$tmp"
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || :
	done
	sleep 1
	for p in $pids; do
		kill -9 "$p" 2>/dev/null || :
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

node=$(hostname -s)
# Ports of our own, away from a real cluster's 6817/6818.
base=$(( 20000 + $$ % 20000 ))
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/work"
chmod 700 "$tmp/munge"
munged --foreground --force --socket="$tmp/munge/sock" \
    --key-file=/etc/munge/munge.key --pid-file="$tmp/munge/pid" \
    --log-file="$tmp/munge/log" --seed-file="$tmp/munge/seed" \
    >"$tmp/munge/out" 2>&1 &
pids="$pids $!"
cat >"$tmp/slurm.conf" <<CONF
ClusterName=twsimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
sleep 1
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -f "$SLURM_CONF" -N "$node" >"$tmp/slurmd.out" 2>&1 &
pids="$pids $!"

# Up within 30 s, or skip with what the daemons said.
up=0
for i in $(seq 1 30); do
	state=$(sinfo -h -n "$node" -o %t 2>/dev/null || :)
	case "$state" in
	idle*|mix*|alloc*) up=1; break ;;
	esac
	sleep 1
done
if [ "$up" = 0 ]; then
	tail -n 5 "$tmp/slurmctld.log" "$tmp/slurmd.log" "$tmp/munge/log" \
	    "$tmp/slurmctld.out" "$tmp/slurmd.out" 2>/dev/null | sed 's/^/  /'
	skip "the node did not come up within 30 s (node state '${state:-?}')"
fi

cd "$tmp/work"
cp "$scenario" sweep.ini
mkdir -p scripts
cp "$srcdir/scripts/sweep-task" "$srcdir/scripts/sweep-slurm.sbatch" scripts/
# The README's two lines.
jid=$(sbatch --parsable --array=0-$(($("$TWSIM" check sweep.ini --indices | wc -l) - 1)) scripts/sweep-slurm.sbatch sweep.ini results.db)
mjid=$(sbatch --parsable --dependency=afterany:$jid scripts/sweep-slurm.sbatch sweep.ini results.db)

# Wait for the merge job (the runs take a second each).
for i in $(seq 1 120); do
	[ -z "$(squeue -h -j "$jid,$mjid" 2>/dev/null)" ] && break
	sleep 1
done
if [ -n "$(squeue -h -j "$jid,$mjid" 2>/dev/null)" ]; then
	squeue
	echo "FAIL: the Slurm jobs did not finish within 120 s" >&2
	exit 1
fi
cat slurm-"$mjid".out >&2 2>/dev/null || :
[ -f results.db ] || { ls -la . parts >&2 || :; echo "FAIL: no results.db" >&2; exit 1; }
grep -q '^done 6: 0-5$' slurm-"$mjid".out ||
    { echo "FAIL: the merge job did not find every index done" >&2; exit 1; }

"$TWSIM" run sweep.ini -j 1 -o whole.db --quiet
same_tables whole.db results.db
echo "PASS: a real Slurm job array (6 tasks) and merge job equal twsim run -j 1"
