import math

import pytest

from swe_rl_trainer.lr_schedule import learning_rate


def test_linear_warmup_then_cosine_to_min_lr():
    kwargs = dict(peak_lr=1.0, warmup_steps=4, schedule="cosine", total_steps=12, min_lr=0.1)
    assert [learning_rate(s, **kwargs) for s in (1, 2, 4)] == pytest.approx([0.25, 0.5, 1.0])
    # halfway through the decay (step 8 of 4..12) the cosine is at its midpoint
    assert learning_rate(8, **kwargs) == pytest.approx(0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * 0.5)))
    assert learning_rate(12, **kwargs) == pytest.approx(0.1)
    assert learning_rate(50, **kwargs) == pytest.approx(0.1)


def test_constant_after_warmup_counted_from_the_phase_start():
    kwargs = dict(peak_lr=1e-6, warmup_steps=2, schedule="constant", start_step=101)
    assert learning_rate(101, **kwargs) == pytest.approx(0.5e-6)
    assert learning_rate(102, **kwargs) == pytest.approx(1e-6)
    assert learning_rate(500, **kwargs) == pytest.approx(1e-6)
    with pytest.raises(ValueError, match="before the schedule's start_step"):
        learning_rate(100, **kwargs)


def test_cosine_without_total_steps_is_refused():
    with pytest.raises(ValueError, match="total_steps"):
        learning_rate(1, peak_lr=1.0, schedule="cosine")


def test_the_gpu_profile_rft_schedule_is_the_papers_warm_up_then_cosine():
    """configs/gpu.yaml: about 50 RFT steps of 64 (3,200 passing trajectories), 10 warm-up steps."""
    from pathlib import Path

    import yaml

    from swe_rl_trainer.step_config import parse_config

    profile = yaml.safe_load((Path(__file__).resolve().parents[2] / "configs" / "gpu.yaml").read_text())
    rft = profile["rft"]
    total = -(-3200 // rft["batchSize"]) * rft["epochs"]
    config = parse_config("sft", {"lr": rft["learningRate"], "warmup_steps": rft["warmupSteps"], "total_steps": total})
    lrs = [learning_rate(s, peak_lr=config.lr, warmup_steps=config.warmup_steps, schedule=config.schedule,
                         total_steps=config.total_steps) for s in range(1, total + 1)]
    assert total == 50 and config.warmup_steps == 10 and config.schedule == "cosine"
    assert lrs[0] == pytest.approx(5e-7) and lrs[9] == pytest.approx(5e-6)
    assert all(a < b for a, b in zip(lrs[:10], lrs[1:10]))  # linear warm-up
    assert all(a > b for a, b in zip(lrs[10:], lrs[11:]))  # then cosine down
    assert lrs[-1] == pytest.approx(0.0, abs=1e-12)
    assert lrs[29] == pytest.approx(5e-6 * 0.5 * (1 + math.cos(math.pi * 20 / 40)))
