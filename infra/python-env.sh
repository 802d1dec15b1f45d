#!/usr/bin/env bash
# Creates the trainer's virtual environment inside the project (.venv) with pinned requirements:
# trainer/requirements-dev.txt, which is the runtime trainer/requirements.txt plus the test tools.
# Re-running is cheap: pip skips what is installed, and a stamp skips pip when nothing changed.
set -euo pipefail
source "$(dirname "$0")/env.sh"

python=${SWE_RL_PYTHON:-python3}
runtime="$SWE_RL_ROOT/trainer/requirements.txt"
requirements="$SWE_RL_ROOT/trainer/requirements-dev.txt"
stamp="$SWE_RL_VENV/.requirements.sha256"
wanted=$(cat "$runtime" "$requirements" "$SWE_RL_ROOT/trainer/pyproject.toml" | sha256sum | cut -d' ' -f1)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$SWE_RL_VENV/bin/python" ]; then
  log "python environment $SWE_RL_VENV is up to date"
  exit 0
fi
[ -x "$SWE_RL_VENV/bin/python" ] || "$python" -m venv "$SWE_RL_VENV"
"$SWE_RL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$SWE_RL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
"$SWE_RL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e "$SWE_RL_ROOT/trainer"
echo "$wanted" > "$stamp"
log "python environment ready: $("$SWE_RL_VENV/bin/python" -c 'import torch, temporalio, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)')"
