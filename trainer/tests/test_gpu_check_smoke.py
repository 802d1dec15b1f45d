"""gpu_check.py --smoke: the GPU check's code path (FSDP2 steps, sharded save, export, reload,
resume) executes on CPU, so the prepared GPU run is known to start."""
import json
import math
import subprocess
import sys
from pathlib import Path

TRAINER_DIR = Path(__file__).resolve().parents[1]


def test_the_gpu_check_runs_in_smoke_mode_and_reports_one_json_line(tmp_path):
    done = subprocess.run(
        [sys.executable, str(TRAINER_DIR / "gpu_check.py"), "--smoke", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=TRAINER_DIR, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ok"] is True and report["smoke"] is True and report["world_size"] == 1
    assert [(s["length"], s["kind"]) for s in report["steps"]] == [(64, "sft"), (64, "dapo"), (256, "sft"), (256, "dapo")]
    assert all(math.isfinite(s["loss"]) and s["tokens_per_s"] > 0 for s in report["steps"])
    checkpoint = report["checkpoint"]
    assert checkpoint["resumed_step"] == 5 and checkpoint["resumed_logits_max_abs_diff"] == 0.0
    assert checkpoint["export_top1_agreement"] == 1.0
    assert (tmp_path / "export" / "model.safetensors").is_file() and (tmp_path / "sharded" / ".metadata").is_file()
