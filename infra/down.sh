#!/usr/bin/env bash
# `swe-rl down`: stops, by process id, what `swe-rl up` started; leaves everything else alone.
set -euo pipefail
source "$(dirname "$0")/env.sh"

# Either worker layout, whichever `up` started (SWE_RL_WORKERS may have changed since).
for name in policy-server trainer "${WORKER_PROCESSES_ALL_IN_ONE[@]}" "${WORKER_PROCESSES_SPLIT[@]}" temporal; do stop_process "$name"; done
# The Temporal Service on PostgreSQL, when `up` started it (SWE_RL_TEMPORAL=service); a no-op otherwise.
"$(dirname "$0")/temporal-service.sh" stop
# Extra engines that infra/docker-engine.sh started under this state folder (dockerd-NAME.pid).
for pidfile in "$SWE_RL_STATE_DIR"/dockerd-*.pid; do
  [ -f "$pidfile" ] || continue
  engine=$(basename "$pidfile" .pid); engine=${engine#dockerd-}
  socket=$("$(dirname "$0")/docker-engine.sh" socket "$engine") || { rm -f "$pidfile"; continue; }
  ids=$(docker -H "unix://$socket" ps -aq --filter label=swe-rl.sandbox=1 2>/dev/null || true)
  [ -z "$ids" ] || docker -H "unix://$socket" rm -f $ids >/dev/null 2>&1 || true
  "$(dirname "$0")/docker-engine.sh" stop "$engine" || true
done
if [ -f "$SWE_RL_STATE_DIR/dockerd.pid" ]; then
  # Leave no sandbox behind in an engine we are about to stop.
  ids=$(docker ps -aq --filter label=swe-rl.sandbox=1 2>/dev/null || true)
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  stop_process dockerd
fi
