#!/usr/bin/env bash
# The test command: installs what is missing, starts the services the tests need (Temporal dev
# server, Docker engine), runs the TypeScript and Python suites against them, checks that no
# sandbox container was left behind, stops what it started, and ends with `N passed, N failed`.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$SWE_RL_ROOT"
# A state folder of its own: `down` at the end stops only what this run started.
export SWE_RL_STATE_DIR="$SWE_RL_DATA_DIR/test-state"
results="$SWE_RL_DATA_DIR/test-results"
rm -rf "$results"; mkdir -p "$results"

run_start=$(date +%s)
infra/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
trap 'bin/swe-rl down' EXIT
bin/swe-rl up --no-workers || { echo "0 passed, 1 failed"; exit 1; }

timed jest npx jest --runInBand --json --outputFile "$results/jest.json" "$@"
(cd trainer && timed pytest_trainer "$SWE_RL_VENV/bin/python" -m pytest -q tests --junitxml "$results/pytest-trainer.xml")
timed pytest_tools "$SWE_RL_VENV/bin/python" -m pytest -q test/sandbox-tools --junitxml "$results/pytest-tools.xml"
timed pytest_tasks "$SWE_RL_VENV/bin/python" -m pytest -q tasks/tests --junitxml "$results/pytest-tasks.xml"

leftover=$(docker ps -aq --filter label=swe-rl.sandbox=1 | wc -l)
if [ "$leftover" -eq 0 ]; then echo ok > "$results/leak-check.txt"; else
  log "leak check: $leftover sandbox containers left behind:"; docker ps -a --filter label=swe-rl.sandbox=1 >&2
  echo "failed: $leftover containers" > "$results/leak-check.txt"
fi
log "tests took $(( $(date +%s) - run_start ))s in all"
summary=$(node infra/test-summary.js "$results"); status=$?
# Stop what this run started first, so that the summary is the very last line.
trap - EXIT
bin/swe-rl down
echo "$summary"
exit $status
