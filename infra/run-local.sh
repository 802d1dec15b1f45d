#!/usr/bin/env bash
# README command 1: set up this machine, start everything, and run the main job on local
# defaults: `swe-rl train` on the `local` profile (the warm-started tiny model on the CPU policy
# server, the drill suite, real Docker sandboxes, the PyTorch trainer): base eval, RFT, eval, RL,
# eval, then the report table. The services stay up afterwards (stop them with bin/swe-rl down);
# the run's files are in runs/<run id>/. With a control run: infra/learning-benchmark.sh.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SWE_RL_ROOT"
infra/setup.sh
infra/drill-model.sh
bin/swe-rl up
# A run starts at policy version 0: serve the base afresh.
infra/policy-server.sh stop
SWE_RL_POLICY_MODEL="$SWE_RL_LOCAL_MODEL" infra/policy-server.sh start
# A fresh run id each time: a run folder belongs to one run.
run_id="${SWE_RL_RUN_ID:-local-$(date +%Y%m%d-%H%M%S)}"
bin/swe-rl train --config "${SWE_RL_CONFIG:-configs/local.yaml}" --run-id "$run_id"
log "done: report runs/$run_id/report.json, metrics runs/$run_id/metrics.csv, plot runs/$run_id/report_curve.png; Web UI http://localhost:$TEMPORAL_UI_PORT"
