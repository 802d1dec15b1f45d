#!/usr/bin/env bash
# Builds the untrained tiny model (Qwen2-shaped, seeded, from nothing) into $SWE_RL_TINY_MODEL
# (default .data/models/tiny-base); skips when it is there. `local-model.sh [DIR]` builds into DIR
# instead. The local profile's base policy is this model warm-started: infra/drill-model.sh.
# The build goes to a temporary folder that is renamed at the end, so an interrupted build never
# looks complete.
set -euo pipefail
source "$(dirname "$0")/env.sh"

out=$(root_path "${1:-$SWE_RL_TINY_MODEL}")
if [ -f "$out/config.json" ]; then
  log "local model already built at $out"
  exit 0
fi
[ -x "$SWE_RL_VENV/bin/python" ] || die "no Python environment at $SWE_RL_VENV (run infra/python-env.sh)"
[ ! -e "$out" ] || die "$out exists but holds no model (no config.json); remove it and run again"
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$out.partial.XXXXXX")
chmod 755 "$tmp"   # mktemp makes it private
trap 'rm -rf "$tmp"' EXIT
(cd "$SWE_RL_ROOT" && "$SWE_RL_VENV/bin/python" -m swe_rl_trainer.tiny_model --out "$tmp" --seed 0 >&2)
mv -T "$tmp" "$out"
log "local model built at $out"
