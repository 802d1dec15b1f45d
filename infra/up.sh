#!/usr/bin/env bash
# `swe-rl up`: starts what is not running (Docker engine when it can, the Temporal dev server or,
# with SWE_RL_TEMPORAL=service, the Temporal Service on PostgreSQL, the TypeScript workers, the
# Python trainer worker and the CPU policy server when the local model is built), recording the
# pid of each process it starts.
# SWE_RL_WORKERS=split runs the orchestrator, sandbox and policy workers as three processes.
# --no-workers starts the services only; --policy-server starts the CPU policy server even then.
set -euo pipefail
source "$(dirname "$0")/env.sh"
here=$(dirname "$0")

workers=1
policy_server=0
for arg in "$@"; do
  case "$arg" in
    --no-workers) workers=0 ;;
    --policy-server) policy_server=1 ;;
    *) die "unknown option $arg (usage: swe-rl up [--no-workers] [--policy-server])" ;;
  esac
done
mkdir -p "$SWE_RL_STATE_DIR" "$SWE_RL_LOG_DIR"

if ! "$here/docker.sh" start; then
  log "warning: no Docker engine; sandbox activities will fail until one runs"
fi
if [ "$SWE_RL_TEMPORAL" = service ]; then "$here/temporal-service.sh" start; else "$here/temporal.sh" start; fi

# start_process NAME READY_PATTERN COMMAND...: start COMMAND in its own session unless NAME runs.
start_process() {
  local name=$1 ready=$2; shift 2
  if pid_alive "$name"; then
    log "$name already running (pid $(cat "$SWE_RL_STATE_DIR/$name.pid"))"
    return 0
  fi
  local logfile="$SWE_RL_LOG_DIR/$name.log"
  : > "$logfile"
  (cd "$SWE_RL_ROOT" && exec setsid "$@" >>"$logfile" 2>&1 < /dev/null) &
  echo $! > "$SWE_RL_STATE_DIR/$name.pid"
  wait_until 120 "$name to start (log $logfile)" grep -q "$ready" "$logfile" \
    || { tail -n 20 "$logfile" >&2; exit 1; }
  log "$name started (pid $(cat "$SWE_RL_STATE_DIR/$name.pid"), log $logfile)"
}

if [ "$workers" = 1 ]; then
  [ -f "$SWE_RL_ROOT/dist/workers/allInOne.js" ] || die "workers are not built; run npm run build"
  if [ "$SWE_RL_WORKERS" = split ]; then
    for name in "${WORKER_PROCESSES_ALL_IN_ONE[@]}"; do
      if pid_alive "$name"; then die "the all-in-one workers run (pid $(cat "$SWE_RL_STATE_DIR/$name.pid")); swe-rl down first to change SWE_RL_WORKERS"; fi
    done
    start_process orchestrator-worker "worker polling" node "$SWE_RL_ROOT/dist/workers/orchestrator.js"
    start_process sandbox-worker "worker polling" node "$SWE_RL_ROOT/dist/workers/sandbox.js"
    start_process policy-worker "worker polling" node "$SWE_RL_ROOT/dist/workers/policy.js"
  else
    for name in "${WORKER_PROCESSES_SPLIT[@]}"; do
      if pid_alive "$name"; then die "split workers run ($name, pid $(cat "$SWE_RL_STATE_DIR/$name.pid")); swe-rl down first to change SWE_RL_WORKERS"; fi
    done
    start_process workers "worker polling" node "$SWE_RL_ROOT/dist/workers/allInOne.js"
  fi
  if [ -x "$SWE_RL_VENV/bin/python" ]; then
    start_process trainer "trainer worker polling" "$SWE_RL_VENV/bin/python" -u -m swe_rl_trainer.worker
  else
    log "warning: no Python environment at $SWE_RL_VENV; trainer worker not started (run infra/python-env.sh)"
  fi
fi
if [ "$policy_server" = 1 ]; then
  "$here/policy-server.sh" start   # asked for: a missing model or environment is an error
elif [ "$workers" = 1 ]; then
  if [ -x "$SWE_RL_VENV/bin/python" ] && [ -f "$(root_path "$SWE_RL_POLICY_MODEL")/config.json" ]; then
    "$here/policy-server.sh" start
  else
    log "warning: no local model at $SWE_RL_POLICY_MODEL (or no Python environment); CPU policy server not started (run infra/drill-model.sh)"
  fi
fi
if [ "$SWE_RL_TEMPORAL" = service ]; then
  log "Temporal Service on $TEMPORAL_ADDRESS (PostgreSQL-backed; no Web UI)"
else
  log "Temporal Web UI: http://localhost:$TEMPORAL_UI_PORT"
fi
