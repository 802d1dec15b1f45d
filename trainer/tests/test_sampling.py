import math

import torch

from swe_rl_trainer.sampling import SamplingParams, apply_repetition_penalty, choose_token, filter_logits

# probabilities 0.5, 0.3, 0.15, 0.05
LOGITS = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))


def kept(logits):
    return torch.isfinite(logits).nonzero().flatten().tolist()


def test_unbiased_defaults_change_nothing():
    assert torch.equal(filter_logits(LOGITS, SamplingParams()), LOGITS)
    assert torch.equal(apply_repetition_penalty(LOGITS, torch.tensor([0, 1]), 1.0), LOGITS)


def test_top_k_keeps_the_k_most_likely():
    assert kept(filter_logits(LOGITS, SamplingParams(top_k=2))) == [0, 1]
    assert kept(filter_logits(LOGITS, SamplingParams(top_k=0))) == [0, 1, 2, 3]


def test_top_p_keeps_the_smallest_prefix_reaching_p():
    assert kept(filter_logits(LOGITS, SamplingParams(top_p=0.8))) == [0, 1]
    assert kept(filter_logits(LOGITS, SamplingParams(top_p=0.81))) == [0, 1, 2]
    assert kept(filter_logits(LOGITS, SamplingParams(top_p=0.1))) == [0]


def test_min_p_drops_tokens_below_a_fraction_of_the_top_probability():
    assert kept(filter_logits(LOGITS, SamplingParams(min_p=0.2))) == [0, 1, 2]  # threshold 0.1


def test_repetition_penalty_divides_positive_and_multiplies_negative_logits():
    out = apply_repetition_penalty(torch.tensor([2.0, -1.0, 3.0]), torch.tensor([0, 1]), 2.0)
    assert out.tolist() == [1.0, -2.0, 3.0]


def test_reported_logprob_is_raw_even_when_filters_change_the_sampling():
    generator = torch.Generator().manual_seed(0)
    token, raw = choose_token(LOGITS, SamplingParams(temperature=0.5, top_k=1), torch.tensor([]), generator)
    assert token == 0
    assert raw[token].item() == torch.log_softmax(LOGITS, -1)[0].item()
    assert math.isclose(raw[0].item(), math.log(0.5), rel_tol=1e-6)


def test_seeded_sampling_is_reproducible_and_follows_the_distribution():
    draws = []
    for _ in range(2):
        generator = torch.Generator().manual_seed(42)
        draws.append([choose_token(LOGITS, SamplingParams(), torch.tensor([]), generator)[0] for _ in range(2000)])
    assert draws[0] == draws[1]
    assert abs(draws[0].count(0) / 2000 - 0.5) < 0.05
    assert abs(draws[0].count(3) / 2000 - 0.05) < 0.02


def test_temperature_zero_is_greedy():
    generator = torch.Generator().manual_seed(0)
    assert choose_token(torch.tensor([0.1, 0.9, 0.3]), SamplingParams(temperature=0.0), torch.tensor([]), generator)[0] == 1
