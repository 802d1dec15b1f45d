#!/usr/bin/env bash
# README command 1: set up this machine, start everything, and run the main job on local
# defaults: `swe-rl train` on the `local` profile (tiny model on the CPU policy server, the
# built-in tasks, real Docker sandboxes, the PyTorch trainer). The services stay up afterwards
# (stop them with bin/swe-rl down); the run's files are in runs/local/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SWE_RL_ROOT"
infra/setup.sh
[ -f .data/builtin-tasks/train.jsonl ] || bin/swe-rl builtin-tasks --out .data/builtin-tasks
bin/swe-rl up
# A fresh run id each time: a run folder belongs to one run.
run_id="${SWE_RL_RUN_ID:-local-$(date +%Y%m%d-%H%M%S)}"
bin/swe-rl train --config "${SWE_RL_CONFIG:-configs/local.json}" --run-id "$run_id"
bin/swe-rl status "$run_id" || true
log "done: metrics in runs/$run_id/metrics.csv, plot runs/$run_id/learning_curve.png; Web UI http://localhost:$TEMPORAL_UI_PORT"
