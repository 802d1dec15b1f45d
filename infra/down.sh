#!/usr/bin/env bash
# `swe-rl down`: stops, by process id, what `swe-rl up` started; leaves everything else alone.
set -euo pipefail
source "$(dirname "$0")/env.sh"

stop_process() {
  local name=$1 pidfile="$SWE_RL_STATE_DIR/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    # Each process was started with setsid, so its pid is also its process group.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 40 ]; do sleep 0.5; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

for name in trainer workers temporal; do stop_process "$name"; done
if [ -f "$SWE_RL_STATE_DIR/dockerd.pid" ]; then
  # Leave no sandbox behind in an engine we are about to stop.
  ids=$(docker ps -aq --filter label=swe-rl.sandbox=1 2>/dev/null || true)
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  stop_process dockerd
fi
