#!/usr/bin/env bash
# Temporal dev server: `temporal.sh ensure-cli` builds the pinned CLI if none is on PATH;
# `temporal.sh start` starts the dev server (SQLite file, Web UI, search attributes) unless one
# answers already; `temporal.sh stop` stops the one this project started.
set -euo pipefail
source "$(dirname "$0")/env.sh"

ensure_cli() {
  if temporal_bin >/dev/null; then return 0; fi
  command -v go >/dev/null 2>&1 || die "the temporal CLI is not on PATH and Go is missing to build it"
  log "building the temporal CLI $TEMPORAL_CLI_VERSION into $SWE_RL_TOOLS_DIR/bin (later tags cannot be go-installed)"
  mkdir -p "$SWE_RL_TOOLS_DIR/bin"
  GOBIN="$SWE_RL_TOOLS_DIR/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
}

address() { echo "127.0.0.1:$TEMPORAL_FRONTEND_PORT"; }
healthy() { "$(temporal_bin)" operator cluster health --address "$(address)" 2>/dev/null | grep -q SERVING; }
ui_up() { curl -fsS -o /dev/null "http://127.0.0.1:$TEMPORAL_UI_PORT/"; }

start() {
  ensure_cli
  if healthy; then
    log "Temporal already answers on $(address); not starting another"
    register_search_attributes "$(address)"
    return 0
  fi
  mkdir -p "$SWE_RL_STATE_DIR" "$SWE_RL_LOG_DIR" "$(dirname "$TEMPORAL_DB_FILE")"
  local args=(server start-dev --ip 127.0.0.1 --port "$TEMPORAL_FRONTEND_PORT" --ui-port "$TEMPORAL_UI_PORT"
    --db-filename "$TEMPORAL_DB_FILE" --log-level warn)
  local spec
  for spec in "${SWE_RL_SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$spec"); done
  # Extra dynamic config, e.g. SWE_RL_TEMPORAL_DYNAMIC_CONFIG="limit.numPendingChildExecutions.error=20"
  for spec in ${SWE_RL_TEMPORAL_DYNAMIC_CONFIG:-}; do args+=(--dynamic-config-value "$spec"); done
  for spec in $TEMPORAL_SQLITE_PRAGMAS; do args+=(--sqlite-pragma "$spec"); done
  log "starting Temporal dev server (db $TEMPORAL_DB_FILE)"
  setsid "$(temporal_bin)" "${args[@]}" >>"$SWE_RL_LOG_DIR/temporal.log" 2>&1 < /dev/null &
  echo $! > "$SWE_RL_STATE_DIR/temporal.pid"
  wait_until 90 "Temporal on $(address)" healthy
  wait_until 60 "the Temporal Web UI on port $TEMPORAL_UI_PORT" ui_up
  register_search_attributes "$(address)"
  log "Temporal ready on $(address); Web UI http://localhost:$TEMPORAL_UI_PORT"
}

case "${1:-}" in
  ensure-cli) ensure_cli ;;
  start) start ;;
  healthy) healthy ;;
  *) die "usage: temporal.sh ensure-cli|start|healthy" ;;
esac
