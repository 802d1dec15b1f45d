#!/usr/bin/env bash
# Docker engine: `docker.sh install` installs docker.io (root, Debian) when no engine is present;
# `docker.sh start` uses a running engine or starts dockerd and waits for it.
set -euo pipefail
source "$(dirname "$0")/env.sh"

install() {
  if command -v dockerd >/dev/null 2>&1 || docker_running; then return 0; fi
  [ "$(id -u)" = 0 ] || die "no Docker engine and not root: install Docker, or run as root to install docker.io"
  command -v apt-get >/dev/null 2>&1 || die "no Docker engine and no apt-get to install docker.io"
  log "installing docker.io"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
}

start() {
  if docker_running; then
    log "Docker engine already answers"
    return 0
  fi
  install
  [ "$(id -u)" = 0 ] || die "Docker engine is not running and starting dockerd needs root"
  mkdir -p "$SWE_RL_STATE_DIR" "$SWE_RL_LOG_DIR"
  log "starting dockerd"
  setsid dockerd >>"$SWE_RL_LOG_DIR/dockerd.log" 2>&1 < /dev/null &
  echo $! > "$SWE_RL_STATE_DIR/dockerd.pid"
  wait_until 60 "dockerd" docker_running
  log "Docker engine ready"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  *) die "usage: docker.sh install|start" ;;
esac
