#!/usr/bin/env bash
# `swe-rl services`: which services answer, and which of them `swe-rl up` started.
set -uo pipefail
source "$(dirname "$0")/env.sh"

started() { pid_alive "$1" && echo " (started by swe-rl up, pid $(cat "$SWE_RL_STATE_DIR/$1.pid"))"; }
if docker_running; then echo "docker:   running$(started dockerd)"; else echo "docker:   not running"; fi
if [ "$SWE_RL_TEMPORAL" = service ]; then
  if "$(dirname "$0")/temporal-service.sh" healthy 2>/dev/null; then
    echo "temporal: Temporal Service (PostgreSQL) running on $TEMPORAL_ADDRESS$(started temporal-service)"
  else
    echo "temporal: Temporal Service (PostgreSQL) not running on $TEMPORAL_ADDRESS"
  fi
elif "$(dirname "$0")/temporal.sh" healthy 2>/dev/null; then
  echo "temporal: running on 127.0.0.1:$TEMPORAL_FRONTEND_PORT, Web UI http://localhost:$TEMPORAL_UI_PORT$(started temporal)"
else
  echo "temporal: not running"
fi
if [ "$SWE_RL_WORKERS" = split ]; then worker_processes=("${WORKER_PROCESSES_SPLIT[@]}"); else worker_processes=("${WORKER_PROCESSES_ALL_IN_ONE[@]}"); fi
for name in "${worker_processes[@]}" trainer; do
  if pid_alive "$name"; then echo "$name: running$(started "$name")"; else echo "$name: not running"; fi
done
if "$(dirname "$0")/policy-server.sh" healthy 2>/dev/null; then
  echo "policy-server: running on http://127.0.0.1:$SWE_RL_POLICY_PORT$(started policy-server)"
elif pid_alive policy-server; then
  echo "policy-server: starting or not answering on port $SWE_RL_POLICY_PORT$(started policy-server)"
else
  echo "policy-server: not running"
fi
