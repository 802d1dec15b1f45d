import pytest

from swe_rl_trainer.errors import InvalidInput
from swe_rl_trainer.step_config import parse_config


def test_defaults_follow_the_paper():
    sft = parse_config("sft", {"total_steps": 100})
    assert (sft.lr, sft.schedule, sft.weight_decay, sft.grad_clip) == (5e-6, "cosine", 0.1, 1.0)
    dapo = parse_config("dapo", None)
    assert (dapo.lr, dapo.schedule, dapo.eps_low, dapo.eps_high) == (1e-6, "constant", 0.2, 0.3)
    assert (dapo.beta1, dapo.beta2, dapo.adam_eps, dapo.kl_coef, dapo.aggregation) == (0.9, 0.999, 1e-8, 0.0, "token")


@pytest.mark.parametrize("raw, message", [
    ({"eps_hi": 0.3}, "unknown field"),
    ({"lr": "fast"}, "config.lr"),
    ({"lr": float("nan")}, "config.lr"),
    ({"micro_batch_size": 0}, "config.micro_batch_size"),
    ({"aggregation": "mean"}, "config.aggregation"),
    ({"eps_low": 1.5}, "config.eps_low"),
])
def test_bad_dapo_config_is_refused_naming_the_field(raw, message):
    with pytest.raises(InvalidInput, match=message):
        parse_config("dapo", raw)


def test_cosine_schedule_needs_total_steps():
    with pytest.raises(InvalidInput, match="total_steps"):
        parse_config("sft", {})
    with pytest.raises(InvalidInput, match="unknown field"):
        parse_config("sft", {"total_steps": 10, "eps_low": 0.2})
