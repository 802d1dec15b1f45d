# Shared settings for the infra scripts; sourced, never run.
# Every path can be overridden from the environment so tests and CI can isolate state.
SWE_RL_ROOT="${SWE_RL_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
SWE_RL_TOOLS_DIR="${SWE_RL_TOOLS_DIR:-$SWE_RL_ROOT/.tools}"
SWE_RL_DATA_DIR="${SWE_RL_DATA_DIR:-$SWE_RL_ROOT/.data}"
SWE_RL_STATE_DIR="${SWE_RL_STATE_DIR:-$SWE_RL_DATA_DIR/state}"
SWE_RL_LOG_DIR="${SWE_RL_LOG_DIR:-$SWE_RL_DATA_DIR/logs}"
SWE_RL_VENV="${SWE_RL_VENV:-$SWE_RL_ROOT/.venv}"
TEMPORAL_CLI_VERSION="v1.5.1"
TEMPORAL_FRONTEND_PORT="${TEMPORAL_FRONTEND_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
TEMPORAL_DB_FILE="${TEMPORAL_DB_FILE:-$SWE_RL_DATA_DIR/temporal.sqlite}"
# SQLite pragmas of the dev server's file. SQLite's defaults (a rollback journal, synchronous=FULL)
# cost several fsyncs per Temporal write, which set the pace of every workflow on a slow disk. A
# write-ahead log with synchronous=NORMAL survives any crash of the server process (a SIGKILL
# included); only an operating-system crash can lose its last transactions. Set it empty for
# SQLite's defaults.
TEMPORAL_SQLITE_PRAGMAS="${TEMPORAL_SQLITE_PRAGMAS-journal_mode=wal synchronous=normal}"
# Which Temporal Service `swe-rl up` / `down` / `services` manage: `dev` (the dev server,
# infra/temporal.sh) or `service` (the server on PostgreSQL, infra/temporal-service.sh; docs/temporal-service.md).
SWE_RL_TEMPORAL="${SWE_RL_TEMPORAL:-dev}"
# The server version the CLI above embeds (its go.mod), built the same way.
TEMPORAL_SERVER_VERSION="v1.29.1"
TEMPORAL_SERVICE_PORT="${TEMPORAL_SERVICE_PORT:-7243}"
TEMPORAL_SERVICE_PG_PORT="${TEMPORAL_SERVICE_PG_PORT:-5433}"
TEMPORAL_SERVICE_PG_DIR="${TEMPORAL_SERVICE_PG_DIR:-$SWE_RL_DATA_DIR/postgres}"
# Fixed when the databases are first set up (Temporal cannot change it later).
TEMPORAL_SERVICE_HISTORY_SHARDS="${TEMPORAL_SERVICE_HISTORY_SHARDS:-4}"
case "$SWE_RL_TEMPORAL" in
  dev) ;;
  # The workers, the trainer worker and the CLI that these scripts start then dial the service.
  service) export TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_SERVICE_PORT" ;;
  *) printf 'SWE_RL_TEMPORAL must be dev or service, not %s\n' "$SWE_RL_TEMPORAL" >&2; exit 1 ;;
esac
# How `swe-rl up` runs the TypeScript workers: `all-in-one` (one process, workers/allInOne.ts) or
# `split` (orchestrator, sandbox and policy workers in processes of their own, as a cluster runs
# them: a workflow task then waits on no activity's CPU; docs/turn-overhead.md).
SWE_RL_WORKERS="${SWE_RL_WORKERS:-all-in-one}"
case "$SWE_RL_WORKERS" in
  all-in-one | split) ;;
  *) printf 'SWE_RL_WORKERS must be all-in-one or split, not %s\n' "$SWE_RL_WORKERS" >&2; exit 1 ;;
esac
# The processes of each layout, as `up` names them (pid files, logs).
WORKER_PROCESSES_ALL_IN_ONE=(workers)
WORKER_PROCESSES_SPLIT=(orchestrator-worker sandbox-worker policy-worker)
SANDBOX_IMAGE="${SWE_RL_SANDBOX_IMAGE:-swe-rl-sandbox:bookworm}"
SANDBOX_SUITE="${SWE_RL_SANDBOX_SUITE:-bookworm}"
# The local base model (infra/local-model.sh builds it) and the CPU policy server that serves it
# (infra/policy-server.sh); configs/local.yaml points at both.
# The local base is the warm-started tiny model (infra/drill-model.sh) trained for the drill suite.
SWE_RL_LOCAL_MODEL="${SWE_RL_LOCAL_MODEL:-$SWE_RL_DATA_DIR/models/drill-base}"
SWE_RL_DRILLS_DIR="${SWE_RL_DRILLS_DIR:-$SWE_RL_DATA_DIR/drills}"
# The untrained tiny model (infra/local-model.sh), for smoke runs and as the warm start's shape.
SWE_RL_TINY_MODEL="${SWE_RL_TINY_MODEL:-$SWE_RL_DATA_DIR/models/tiny-base}"
SWE_RL_POLICY_MODEL="${SWE_RL_POLICY_MODEL:-$SWE_RL_LOCAL_MODEL}"
SWE_RL_POLICY_PORT="${SWE_RL_POLICY_PORT:-8300}"

# Search attributes the workflows set, so the Web UI can filter runs by them.
SWE_RL_SEARCH_ATTRIBUTES=(SweRlRun=Keyword SweRlStage=Keyword SweRlIteration=Int SweRlKind=Keyword SweRlTask=Keyword SweRlOutcome=Keyword)

log() { printf '[swe-rl %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# wait_until SECONDS DESCRIPTION COMMAND...: poll COMMAND every half second until it succeeds.
wait_until() {
  local limit=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then die "timed out after ${limit}s waiting for $what"; fi
    sleep 0.5
  done
}

# Step timing for setup: `timed NAME COMMAND...` prints how long a step took.
timed() {
  local name=$1; shift
  local start; start=$(date +%s%N)
  local rc=0
  "$@" || rc=$?
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '[swe-rl timing] %-16s %4d.%01ds\n' "$name" $((ms / 1000)) $((ms % 1000 / 100)) >&2
  return $rc
}

temporal_bin() {
  if command -v temporal >/dev/null 2>&1; then command -v temporal
  elif [ -x "$SWE_RL_TOOLS_DIR/bin/temporal" ]; then echo "$SWE_RL_TOOLS_DIR/bin/temporal"
  else return 1
  fi
}

# register_search_attributes ADDRESS: registers those of SWE_RL_SEARCH_ATTRIBUTES that the Temporal
# Service at ADDRESS (namespace default) lacks.
register_search_attributes() {
  local address=$1 existing; existing=$("$(temporal_bin)" operator search-attribute list --address "$address" 2>/dev/null || true)
  local spec name type
  for spec in "${SWE_RL_SEARCH_ATTRIBUTES[@]}"; do
    name=${spec%%=*}; type=${spec#*=}
    grep -qw "$name" <<<"$existing" && continue
    "$(temporal_bin)" operator search-attribute create --address "$address" --name "$name" --type "$type" >/dev/null
  done
}

docker_running() { docker info >/dev/null 2>&1; }

# pid files: STATE_DIR/NAME.pid holds the pid of a process that `up` started.
pid_alive() { [ -f "$SWE_RL_STATE_DIR/$1.pid" ] && kill -0 "$(cat "$SWE_RL_STATE_DIR/$1.pid")" 2>/dev/null; }

# stop_process NAME: stops, by the pid in STATE_DIR/NAME.pid, a process that was started with
# setsid (TERM to its process group, KILL after 20s), then removes the pid file.
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

# A path from a config or the environment: relative ones are relative to the repository root.
root_path() { case "$1" in /*) echo "$1" ;; *) echo "$SWE_RL_ROOT/$1" ;; esac; }
