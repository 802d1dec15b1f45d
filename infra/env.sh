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
SANDBOX_IMAGE="${SWE_RL_SANDBOX_IMAGE:-swe-rl-sandbox:bookworm}"
SANDBOX_SUITE="${SWE_RL_SANDBOX_SUITE:-bookworm}"

# Search attributes the workflows set, so the Web UI can filter runs by them.
SWE_RL_SEARCH_ATTRIBUTES=(SweRlRun=Keyword SweRlStage=Keyword SweRlIteration=Int SweRlKind=Keyword)

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

docker_running() { docker info >/dev/null 2>&1; }

# pid files: STATE_DIR/NAME.pid holds the pid of a process that `up` started.
pid_alive() { [ -f "$SWE_RL_STATE_DIR/$1.pid" ] && kill -0 "$(cat "$SWE_RL_STATE_DIR/$1.pid")" 2>/dev/null; }
