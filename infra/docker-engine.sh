#!/usr/bin/env bash
# Extra Docker engines on one machine, each standing in for another Docker host:
#   docker-engine.sh start NAME    start engine NAME (kept when it already answers), wait for it,
#                                  and copy the sandbox image into it from the main engine if missing
#   docker-engine.sh stop NAME     graceful stop (SIGTERM; dockerd stops its containers and its
#                                  containerd); containers keep their state in the data root
#   docker-engine.sh kill NAME     the loss of the host: SIGKILL to dockerd, its containerd, its
#                                  containerd-shims and every container process; nothing of the
#                                  engine keeps running, the data root keeps the containers, which
#                                  the next `start` lists as exited
#   docker-engine.sh socket NAME   the engine's socket path (DOCKER_HOST=unix://PATH)
#   docker-engine.sh status NAME   one line; exit 0 when the engine answers, 1 when it does not
#
# Each engine is a dockerd of its own: socket, data root and pid files under
# $SWE_RL_DATA_DIR/engines/NAME, exec root (with its own managed containerd) in
# /run/swe-rl-engines/NAME (short: containerd's socket paths have a length limit), log in
# $SWE_RL_LOG_DIR/dockerd-NAME.log, and $SWE_RL_STATE_DIR/dockerd-NAME.pid when it was started under
# this state folder (`swe-rl down` stops those). No bridge, no iptables rules, no masquerading, so
# it coexists with the main engine; sandboxes run with --network none anyway.
# (A bare `kill -9` of dockerd alone, not this script's `kill`, takes its containerd with it but
# leaves the containerd-shims and the containers running; `start` then finds them and dockerd kills
# them, `stop` on the dead engine kills them.)
set -euo pipefail
source "$(dirname "$0")/env.sh"
unset DOCKER_CONTEXT

usage() { die "usage: docker-engine.sh start|stop|kill|socket|status NAME"; }
[ $# -eq 2 ] || usage
command=$1 engine_name=$2
[[ "$engine_name" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$ ]] || die "bad engine name '$engine_name' (letters, digits, '_', '.', '-'; at most 32)"

engine_dir="$SWE_RL_DATA_DIR/engines/$engine_name"
socket="$engine_dir/docker.sock"
data_root="$engine_dir/data"
config_file="$engine_dir/daemon.json"
dockerd_pidfile="$engine_dir/dockerd.pid"   # dockerd's own (--pidfile)
exec_root="${SWE_RL_ENGINE_EXEC_ROOT:-/run/swe-rl-engines}/$engine_name"
state_pidfile="$SWE_RL_STATE_DIR/dockerd-$engine_name.pid"
logfile="$SWE_RL_LOG_DIR/dockerd-$engine_name.log"
# sun_path holds 108 bytes; dockerd and containerd fail with an obscure error past it.
[ "${#socket}" -lt 108 ] || die "socket path $socket is too long for a unix socket (set SWE_RL_DATA_DIR shorter)"

engine_docker() { docker -H "unix://$socket" "$@"; }
engine_answers() { [ -S "$socket" ] && engine_docker info >/dev/null 2>&1; }

# cmdline_of PID: the process's arguments, space-separated ('' when it is gone).
cmdline_of() { { tr '\0' ' ' < "/proc/$1/cmdline"; } 2>/dev/null || true; }

# live PID: the process runs (a zombie does not: pid 1 here may reap late, and dockerd takes a
# zombie containerd whose pid is in its pid file for a live one and waits for it in vain).
live() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -r -a fields <<< "${stat##*) }"
  [ "${fields[0]}" != Z ] && [ "${fields[0]}" != X ]
}

# The dockerd of this engine: from dockerd's pid file, else from the state pid file; checked
# against its command line, so that a reused pid is never signalled.
dockerd_pid() {
  local file pid
  for file in "$dockerd_pidfile" "$state_pidfile"; do
    [ -f "$file" ] || continue
    pid=$(cat "$file" 2>/dev/null || true)
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    case "$(cmdline_of "$pid")" in
      *dockerd*"--data-root $data_root "*) echo "$pid"; return 0 ;;
    esac
  done
  return 1
}

# Processes of this engine other than dockerd: its containerd and its shims, found by the exec
# root in their command lines (containerd --config EXEC/containerd/containerd.toml, shims
# -address EXEC/containerd/containerd.sock).
engine_helpers() {
  local dir pid args
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    args=$(cmdline_of "$pid")
    case "$args" in
      dockerd\ *|*/dockerd\ *) ;;
      *"$exec_root/containerd/"*) echo "$pid" ;;
    esac
  done
}
# children_of PID: the pids whose parent is PID (the field after the state in /proc/P/stat).
children_of() {
  local dir stat fields
  for dir in /proc/[0-9]*; do
    stat=$(cat "$dir/stat" 2>/dev/null) || continue
    read -r -a fields <<< "${stat##*) }"
    [ "${fields[1]:-}" = "$1" ] && echo "${dir#/proc/}"
  done
  return 0
}
is_shim() { case "$(cmdline_of "$1")" in *containerd-shim*) return 0 ;; *) return 1 ;; esac; }

# Another data folder's engine of the same name would share our exec root.
check_exec_root_free() {
  local dir pid args
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    args=$(cmdline_of "$pid")
    case "$args" in
      *dockerd*"--exec-root $exec_root "*)
        case "$args" in *"--data-root $data_root "*) ;; *)
          die "exec root $exec_root is used by another dockerd (pid $pid: $args); pick another engine name" ;;
        esac ;;
    esac
  done
}

# hard_kill_helpers: SIGKILL to the container processes (each shim's children: killing a
# container's init ends its whole pid namespace), then to the shims and containerd.
hard_kill_helpers() {
  local pids pid child
  pids=$(engine_helpers)
  [ -n "$pids" ] || return 0
  for pid in $pids; do
    if is_shim "$pid"; then
      for child in $(children_of "$pid"); do kill -KILL "$child" 2>/dev/null || true; done
    fi
  done
  for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
  local waited=0
  for pid in $pids; do
    while live "$pid" && [ "$waited" -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
  done
  log "engine $engine_name: killed $(echo $pids | wc -w) containerd/shim processes"
}

# unmount_leftovers: what a dead dockerd left mounted under its data and exec roots (container
# root file systems, network namespaces, the data root's own bind mount), deepest first.
unmount_leftovers() {
  local mounts
  mounts=$(awk -v a="$data_root" -v b="$exec_root" \
    '$2 == a || index($2, a "/") == 1 || $2 == b || index($2, b "/") == 1 { print length($2), $2 }' /proc/mounts \
    | sort -rn | cut -d' ' -f2-)
  [ -n "$mounts" ] || return 0
  local mount; while IFS= read -r mount; do umount -l "$mount" 2>/dev/null || true; done <<< "$mounts"
  log "engine $engine_name: unmounted $(wc -l <<< "$mounts") leftover mounts"
}

copy_image() { docker save "$SANDBOX_IMAGE" | engine_docker load >/dev/null; }

# The sandbox image, the same image id as on the main engine; copied from it when missing there.
ensure_image() {
  local main_id here_id
  main_id=$(docker image inspect -f '{{.Id}}' "$SANDBOX_IMAGE" 2>/dev/null || true)
  here_id=$(engine_docker image inspect -f '{{.Id}}' "$SANDBOX_IMAGE" 2>/dev/null || true)
  if [ -n "$here_id" ] && { [ -z "$main_id" ] || [ "$here_id" = "$main_id" ]; }; then return 0; fi
  [ -n "$main_id" ] || die "engine $engine_name has no $SANDBOX_IMAGE and the main engine has none to copy (run infra/sandbox-image.sh)"
  log "engine $engine_name: copying $SANDBOX_IMAGE from the main engine"
  timed image_load copy_image || die "copying $SANDBOX_IMAGE into engine $engine_name failed"
}

launch() {
  local pid
  pid=$(dockerd_pid || true)
  if [ -z "$pid" ]; then
    check_exec_root_free
    rm -f "$dockerd_pidfile"   # stale: dockerd refuses to start over a pid file whose pid runs
    # dockerd reuses the containerd in this pid file when its pid exists, even as a zombie or
    # another program; keep the file only for a live containerd of this engine.
    local containerd_pidfile="$exec_root/containerd/containerd.pid" cpid
    if [ -f "$containerd_pidfile" ]; then
      cpid=$(cat "$containerd_pidfile" 2>/dev/null || true)
      if ! { [[ "$cpid" =~ ^[0-9]+$ ]] && live "$cpid" && [[ "$(cmdline_of "$cpid")" == *"$exec_root/containerd/"* ]]; }; then
        rm -f "$containerd_pidfile"
      fi
    fi
    mkdir -p "$engine_dir" "$data_root" "$exec_root" "$SWE_RL_STATE_DIR" "$SWE_RL_LOG_DIR"
    # A config of its own, so that /etc/docker/daemon.json (hosts, data-root...) does not apply.
    [ -f "$config_file" ] || echo '{}' > "$config_file"
    log "starting engine $engine_name (socket $socket, log $logfile)"
    setsid dockerd \
      --config-file "$config_file" \
      --host "unix://$socket" \
      --data-root "$data_root" \
      --exec-root "$exec_root" \
      --pidfile "$dockerd_pidfile" \
      --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
      --containerd-namespace "swe-rl-$engine_name" --containerd-plugins-namespace "swe-rl-$engine_name-plugins" \
      >>"$logfile" 2>&1 < /dev/null &
    pid=$!
    echo "$pid" > "$state_pidfile"
  else
    log "engine $engine_name: dockerd (pid $pid) runs but does not answer yet; waiting"
  fi
  local deadline=$(( $(date +%s) + ${SWE_RL_ENGINE_START_SECONDS:-60} ))
  until engine_answers; do
    if ! live "$pid"; then
      tail -n 20 "$logfile" >&2 || true
      die "engine $engine_name: dockerd exited during start (log $logfile)"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 20 "$logfile" >&2 || true
      die "timed out waiting for engine $engine_name (log $logfile)"
    fi
    sleep 0.2
  done
  log "engine $engine_name ready (pid $pid)"
}

start() {
  if engine_answers; then
    log "engine $engine_name already answers on $socket"
  else
    [ "$(id -u)" = 0 ] || die "starting dockerd needs root"
    command -v dockerd >/dev/null 2>&1 || die "no dockerd (run infra/docker.sh install)"
    timed engine_start launch
  fi
  ensure_image
}

stop() {
  local pid waited=0 limit=$(( ${SWE_RL_ENGINE_STOP_SECONDS:-60} * 5 ))
  pid=$(dockerd_pid || true)
  if [ -n "$pid" ]; then
    # dockerd stops its containers (SIGTERM, SIGKILL after their stop timeout) and its containerd.
    kill -TERM "$pid" 2>/dev/null || true
    while live "$pid" && [ "$waited" -lt "$limit" ]; do sleep 0.2; waited=$((waited + 1)); done
    if live "$pid"; then
      log "engine $engine_name: dockerd (pid $pid) still runs after SIGTERM; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped engine $engine_name (pid $pid)"
  fi
  # What a crash of dockerd left (containerd, shims, containers, mounts), or what outlived the stop.
  hard_kill_helpers
  unmount_leftovers
  rm -f "$state_pidfile" "$dockerd_pidfile"
}

kill_engine() {
  local pid
  pid=$(dockerd_pid || true)
  if [ -n "$pid" ]; then
    kill -KILL "$pid" 2>/dev/null || true
    local waited=0
    while live "$pid" && [ "$waited" -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    log "killed engine $engine_name (dockerd pid $pid)"
  fi
  hard_kill_helpers
  # The pid files stay as a crash leaves them: the next start finds them stale.
}

status() {
  local pid started=""
  pid=$(dockerd_pid || true)
  [ -f "$state_pidfile" ] && [ -n "$pid" ] && [ "$(cat "$state_pidfile")" = "$pid" ] && started=", started under $SWE_RL_STATE_DIR"
  if engine_answers; then
    echo "engine $engine_name: running (pid ${pid:-?}, socket $socket$started)"
  elif [ -n "$pid" ]; then
    echo "engine $engine_name: dockerd runs (pid $pid) but does not answer on $socket"; return 1
  else
    local helpers; helpers=$(engine_helpers)
    if [ -n "$helpers" ]; then echo "engine $engine_name: not running ($(echo $helpers | wc -w) containerd/shim processes left)"
    else echo "engine $engine_name: not running"; fi
    return 1
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  kill) kill_engine ;;
  socket) echo "$socket" ;;
  status) status ;;
  *) usage ;;
esac
