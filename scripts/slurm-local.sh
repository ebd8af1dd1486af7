#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying `workbench submit` and for its test (issue #18).
#   bash scripts/slurm-local.sh start DIR   writes DIR/slurm.conf, starts munged (if not running), slurmctld and slurmd;
#                                           prints `export SLURM_CONF=DIR/slurm.conf` for the shell that submits
#   bash scripts/slurm-local.sh stop DIR    stops the daemons started for DIR
# Needs root and Debian's slurm-wlm + munge (scripts/setup.sh installs them). Every state, spool and log file lives
# in DIR, so nothing of a real installation is touched.
set -euo pipefail
action="${1:?usage: slurm-local.sh start|stop DIR}"
dir="$(mkdir -p "${2:?usage: slurm-local.sh start|stop DIR}" && cd "$2" && pwd)"
case "$action" in
start)
  command -v slurmctld >/dev/null || { echo "slurmctld is not installed; run: apt-get install -y slurm-wlm munge" >&2; exit 1; }
  host="$(hostname -s)"
  cpus="$(nproc)"
  memory_mb="$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)"
  mkdir -p "$dir/state" "$dir/spool"
  cat > "$dir/slurm.conf" <<CONF
ClusterName=workbench
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  if ! pgrep -x munged >/dev/null; then
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    [[ -s /etc/munge/munge.key ]] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none;
      chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
    runuser -u munge -- /usr/sbin/munged --force
  fi
  slurmctld -f "$SLURM_CONF"
  slurmd -f "$SLURM_CONF"
  for _ in $(seq 1 100); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then echo "export SLURM_CONF=$SLURM_CONF"; exit 0; fi
    sleep 0.2
  done
  echo "the Slurm node did not come up within 20 s; see $dir/slurmctld.log and $dir/slurmd.log" >&2
  exit 1
  ;;
stop)
  for daemon in slurmd slurmctld; do
    if [[ -f "$dir/$daemon.pid" ]]; then kill "$(cat "$dir/$daemon.pid")" 2>/dev/null || true; fi
  done
  for _ in $(seq 1 50); do
    alive=0
    for daemon in slurmd slurmctld; do
      [[ -f "$dir/$daemon.pid" ]] && kill -0 "$(cat "$dir/$daemon.pid")" 2>/dev/null && alive=1
    done
    [[ $alive == 0 ]] && exit 0
    sleep 0.2
  done
  ;;
*) echo "usage: slurm-local.sh start|stop DIR" >&2; exit 2 ;;
esac
