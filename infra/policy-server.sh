#!/usr/bin/env bash
# The CPU policy server for local runs (swe_rl_trainer.policy_server, OpenAI-compatible).
#   policy-server.sh start    start it in its own session unless a policy server answers on the
#                             port already, then wait until /health answers; pid file
#                             STATE_DIR/policy-server.pid, log LOG_DIR/policy-server.log
#   policy-server.sh stop     stop the one `start` started, by its pid
#   policy-server.sh healthy  succeed when a policy server answers /health on the port
# Model: SWE_RL_POLICY_MODEL (default .data/models/drill-base, built by infra/drill-model.sh);
# port: SWE_RL_POLICY_PORT (default 8300); start timeout: SWE_RL_POLICY_START_TIMEOUT (120s).
set -euo pipefail
source "$(dirname "$0")/env.sh"

name=policy-server
url="http://127.0.0.1:$SWE_RL_POLICY_PORT"
pidfile="$SWE_RL_STATE_DIR/$name.pid"

healthy() { curl -fsS --max-time 5 "$url/health" 2>/dev/null | grep -q '"status": *"ok"'; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$SWE_RL_POLICY_PORT") 2>/dev/null; }

start() {
  local model; model=$(root_path "$SWE_RL_POLICY_MODEL")
  local limit=${SWE_RL_POLICY_START_TIMEOUT:-120}
  if pid_alive "$name"; then
    wait_until "$limit" "the policy server on $url" healthy
    log "policy server already running (pid $(cat "$pidfile")) on $url"
    return 0
  fi
  if healthy; then
    log "a policy server already answers on $url; not starting another"
    return 0
  fi
  port_taken && die "port $SWE_RL_POLICY_PORT is taken by something that is not a policy server (set SWE_RL_POLICY_PORT)"
  [ -x "$SWE_RL_VENV/bin/python" ] || die "no Python environment at $SWE_RL_VENV (run infra/python-env.sh)"
  [ -f "$model/config.json" ] || die "no model at $model (run infra/drill-model.sh)"
  mkdir -p "$SWE_RL_STATE_DIR" "$SWE_RL_LOG_DIR"
  local logfile="$SWE_RL_LOG_DIR/$name.log"
  : > "$logfile"
  (cd "$SWE_RL_ROOT" && exec setsid "$SWE_RL_VENV/bin/python" -u -m swe_rl_trainer.policy_server \
    --model "$model" --port "$SWE_RL_POLICY_PORT" --threads 1 >>"$logfile" 2>&1 < /dev/null) &
  local pid=$!
  echo "$pid" > "$pidfile"
  local deadline=$(( $(date +%s) + limit ))
  until healthy; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$logfile" >&2
      rm -f "$pidfile"
      die "the policy server exited while starting (log $logfile)"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 20 "$logfile" >&2
      stop_process "$name"
      die "timed out after ${limit}s waiting for the policy server on $url (log $logfile)"
    fi
    sleep 0.5
  done
  log "policy server started on $url (pid $pid, model $model, log $logfile)"
}

case "${1:-}" in
  start) start ;;
  stop) stop_process "$name" ;;
  healthy) healthy ;;
  *) die "usage: policy-server.sh start|stop|healthy" ;;
esac
