#!/usr/bin/env bash
# `swe-rl up`: starts what is not running (Docker engine when it can, Temporal dev server, the
# TypeScript workers and the Python trainer worker), recording the pid of each process it starts.
# --no-workers starts the services only.
set -euo pipefail
source "$(dirname "$0")/env.sh"
here=$(dirname "$0")

workers=1
for arg in "$@"; do
  case "$arg" in
    --no-workers) workers=0 ;;
    *) die "unknown option $arg (usage: swe-rl up [--no-workers])" ;;
  esac
done
mkdir -p "$SWE_RL_STATE_DIR" "$SWE_RL_LOG_DIR"

if ! "$here/docker.sh" start; then
  log "warning: no Docker engine; sandbox activities will fail until one runs"
fi
"$here/temporal.sh" start

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
  start_process workers "worker polling" node "$SWE_RL_ROOT/dist/workers/allInOne.js"
  if [ -x "$SWE_RL_VENV/bin/python" ]; then
    start_process trainer "trainer worker polling" "$SWE_RL_VENV/bin/python" -u -m swe_rl_trainer.worker
  else
    log "warning: no Python environment at $SWE_RL_VENV; trainer worker not started (run infra/python-env.sh)"
  fi
fi
log "Temporal Web UI: http://localhost:$TEMPORAL_UI_PORT"
