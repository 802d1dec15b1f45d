#!/usr/bin/env bash
# The learning benchmark: does a policy trained by swe-rl get better at fixing bugs it has never
# seen? On this machine (CPU), with the same workflows, sandboxes and trainer a GPU run uses:
#   1. set up (infra/setup.sh), build the drill suite and the warm-started base (infra/drill-model.sh);
#   2. run the local profile (configs/local.yaml): eval of the base -> RFT -> eval -> RL -> eval,
#      each eval on the 16 held-out drills, 5 samples each;
#   3. run the control (configs/local-control.yaml): the same, but every reward is shuffled across
#      the episodes of its rollout, so it carries no information;
#   4. print `swe-rl report` for both: Pass@1 +- SEM, Pass@5, steps, format errors; write
#      runs/<run>/report.json and the learning curve.
# The policy server is restarted on the base before each run (a run starts at policy version 0).
# Exit status: 0 when the criteria hold (RL >= base + 20 points, RL > RFT + 2 SEM, control does
# not rise 20 points), 3 when they do not.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SWE_RL_ROOT"
started=$(date +%s)
infra/setup.sh
infra/drill-model.sh
bin/swe-rl up
stamp=$(date +%Y%m%d-%H%M%S)
main="local-$stamp"
control="local-control-$stamp"

fresh_policy_server() {
  infra/policy-server.sh stop
  SWE_RL_POLICY_MODEL="$SWE_RL_LOCAL_MODEL" infra/policy-server.sh start
}

fresh_policy_server
run_started=$(date +%s)
bin/swe-rl train --config configs/local.yaml --run-id "$main"
main_seconds=$(( $(date +%s) - run_started ))
fresh_policy_server
run_started=$(date +%s)
bin/swe-rl train --config configs/local-control.yaml --run-id "$control"
control_seconds=$(( $(date +%s) - run_started ))
status=0
bin/swe-rl report "$main" --control "$control" || status=$?
log "run $main took ${main_seconds}s, control $control ${control_seconds}s; benchmark $(( $(date +%s) - started ))s in all"
exit "$status"
