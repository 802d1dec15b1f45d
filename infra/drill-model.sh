#!/usr/bin/env bash
# The local profile's data and base policy, built on this machine from nothing:
#   1. the drill suite (tasks/builtin/generate_drills.py) in $SWE_RL_DRILLS_DIR (.data/drills):
#      64 train and 16 eval tasks, each a git repository;
#   2. procedural demonstrations of the tool format on the drill families (made-up names, never an
#      eval task), with the episode's own prompts (`swe-rl prompt --style compact`);
#   3. the warm-started base: the tiny model trained on those demonstrations
#      (swe_rl_trainer.warm_start) in $SWE_RL_LOCAL_MODEL (.data/models/drill-base).
# The base is a stand-in for a pretrained model (none can be downloaded here). Each part is skipped when it is there; each
# is built in a temporary folder and renamed, so an interrupted build never looks complete.
# The demonstrations: after reading the code the agent applies the family's edit in 12% of them,
# runs the (passing) tests and submits unchanged code in 30%, and submits at once in the rest; so
# the base knows which edit an issue needs but seldom commits to it (Pass@1 on the eval drills
# around 5-10%). RL has to learn to commit.
# Settings: SWE_RL_WARM_START_STEPS (1000), SWE_RL_DEMOS (3000), SWE_RL_DEMOS_FIX_RATE (0.12),
# SWE_RL_DEMOS_TEST_RATE (0.3).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SWE_RL_ROOT"

drills=$(root_path "$SWE_RL_DRILLS_DIR")
model=$(root_path "$SWE_RL_LOCAL_MODEL")
[ -x "$SWE_RL_VENV/bin/python" ] || die "no Python environment at $SWE_RL_VENV (run infra/python-env.sh)"
[ -f dist/cli/main.js ] || die "the TypeScript build is missing (npm run build)"

if [ -f "$drills/eval.jsonl" ]; then
  log "drill suite already in $drills"
else
  mkdir -p "$(dirname "$drills")"
  tmp=$(mktemp -d "$drills.partial.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  python3 tasks/builtin/generate_drills.py --out "$tmp" --force >&2
  chmod 755 "$tmp"
  rm -rf "$drills" && mv -T "$tmp" "$drills"
  trap - EXIT
  log "drill suite written to $drills"
fi

if [ -f "$model/config.json" ]; then
  log "warm-started base already at $model"
  exit 0
fi
[ ! -e "$model" ] || die "$model exists but holds no model (no config.json); remove it and run again"
mkdir -p "$(dirname "$model")"
tmp=$(mktemp -d "$model.partial.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
node dist/cli/main.js prompt --style compact > "$tmp/prompts.json"
python3 tasks/builtin/drill_demos.py --prompts "$tmp/prompts.json" --out "$tmp/demos.jsonl" \
  --count "${SWE_RL_DEMOS:-3000}" --fix-rate "${SWE_RL_DEMOS_FIX_RATE:-0.12}" \
  --test-rate "${SWE_RL_DEMOS_TEST_RATE:-0.3}" --seed 0 >&2
"$(root_path "$SWE_RL_VENV")/bin/python" -m swe_rl_trainer.warm_start \
  --demos "$tmp/demos.jsonl" --out "$tmp/model" --steps "${SWE_RL_WARM_START_STEPS:-1000}" --threads 2 >&2
mv "$tmp/demos.jsonl" "$tmp/prompts.json" "$tmp/model/"
mv -T "$tmp/model" "$model"
rm -rf "$tmp"
trap - EXIT
log "warm-started base written to $model"
