#!/usr/bin/env bash
# Installs everything swe-rl needs on this machine, idempotently, printing the time of each step:
# npm packages and the TypeScript build, the pinned Temporal CLI, the Temporal server and
# PostgreSQL for the production-shaped Temporal Service, the Docker engine, the sandbox
# base image and the trainer's Python environment. Safe to re-run: each step skips what is done.
set -euo pipefail
source "$(dirname "$0")/env.sh"
here=$(dirname "$0")
cd "$SWE_RL_ROOT"

npm_install() {
  local stamp=node_modules/.swe-rl-lock.sha256 wanted
  wanted=$(sha256sum package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then log "npm packages up to date"; return 0; fi
  # `npm install` rather than `npm ci`: npm leaves other platforms' optional packages (swc's native
  # builds) out of the lock file, which `npm ci` then refuses; install still honours the lock.
  npm install --no-audit --no-fund --loglevel=error
  echo "$wanted" > "$stamp"
}

# Headless Chromium for the Web UI test (test/integration/webUi.test.ts); only a warning without it.
chromium_browser() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then log "warning: no chromium (the Web UI test needs it): install the Debian package chromium"; return 0; fi
  log "installing chromium"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null
}

total_start=$(date +%s)
timed npm_install npm_install
timed typescript_build npm run --silent build
timed temporal_cli "$here/temporal.sh" ensure-cli
# Only a warning when it cannot (not root and no PostgreSQL): the dev server stays the default.
timed temporal_service "$here/temporal-service.sh" ensure || log "warning: the Temporal Service on PostgreSQL is not available (its test will fail)"
timed docker_engine "$here/docker.sh" start
timed sandbox_image "$here/sandbox-image.sh"
timed python_env "$here/python-env.sh"
timed local_model "$here/local-model.sh"
timed chromium chromium_browser
log "setup done in $(( $(date +%s) - total_start ))s"
