#!/usr/bin/env bash
# README command 1: set up this machine, start everything, and run the main job on local
# defaults. For now the main job is the first vertical slice: a command in a fresh sandbox,
# through Temporal; the services and workers stay up afterwards (stop them with bin/swe-rl down).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SWE_RL_ROOT"
infra/setup.sh
bin/swe-rl up
bin/swe-rl sandbox-run -- 'cd /testbed && python3 --version && pytest --version && git --version && echo "network: $(cat /sys/class/net/*/operstate 2>/dev/null | tr "\n" " ")"'
bin/swe-rl trainer-info
log "done; the run is in the Temporal Web UI at http://localhost:$TEMPORAL_UI_PORT (stop everything: bin/swe-rl down)"
