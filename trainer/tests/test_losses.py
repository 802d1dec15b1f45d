import math

import pytest
import torch

from swe_rl_trainer.losses import (
    dapo_loss, k3_kl, masked_sequence_mean, masked_token_mean, sft_loss, token_logprobs,
)

EPS_LOW, EPS_HIGH = 0.2, 0.3


def logp_for_ratios(ratios):
    """With old_logp = 0, logp = log(ratio) gives exactly these importance ratios."""
    return torch.tensor([[math.log(r) for r in ratios]], dtype=torch.float64, requires_grad=True)


def test_clipping_on_both_sides_for_positive_and_negative_advantages():
    # token: ratio, A  -> -min(r*A, clip(r)*A)               clipped?
    #   1: 1.5, +1    -> -min(1.5, 1.3)  = -1.3               yes (high)
    #   2: 0.5, +1    -> -min(0.5, 0.8)  = -0.5               no
    #   3: 0.5, -1    -> -min(-0.5, -0.8) = 0.8               yes (low)
    #   4: 1.5, -1    -> -min(-1.5, -1.3) = 1.5               no
    logp = logp_for_ratios([1.5, 0.5, 0.5, 1.5])
    advantages = torch.tensor([[1.0, 1.0, -1.0, -1.0]], dtype=torch.float64)
    mask = torch.ones(1, 4, dtype=torch.float64)
    out = dapo_loss(logp, torch.zeros_like(logp), advantages, mask, eps_low=EPS_LOW, eps_high=EPS_HIGH)
    assert out.loss.item() == pytest.approx((-1.3 - 0.5 + 0.8 + 1.5) / 4)
    out.loss.backward()
    # d/dlogp of -r*A/N is -A*r/N where the unclipped term is active, 0 where the clip is.
    assert logp.grad[0].tolist() == pytest.approx([0.0, -0.5 / 4, 0.0, 1.5 / 4])
    assert out.metrics["clip_frac_high"].item() == pytest.approx(0.25)
    assert out.metrics["clip_frac_low"].item() == pytest.approx(0.25)
    assert out.metrics["ratio_mean"].item() == pytest.approx(1.0)


def test_ratio_inside_the_clip_range_is_the_plain_policy_gradient():
    logp = logp_for_ratios([1.1, 0.9])
    out = dapo_loss(logp, torch.zeros_like(logp), torch.tensor([2.0], dtype=torch.float64), torch.ones(1, 2))
    assert out.loss.item() == pytest.approx(-(1.1 * 2 + 0.9 * 2) / 2)
    assert out.metrics["clip_frac_low"].item() == 0.0 and out.metrics["clip_frac_high"].item() == 0.0


def test_token_level_and_per_sequence_averaging_differ_as_computed_by_hand():
    # ratio 1 everywhere, so each token's loss is -A. Sequence 1 has losses 1, 2, 3 on three
    # action tokens; sequence 2 has loss 6 on its one action token (and two padding positions).
    logp = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
    advantages = torch.tensor([[-1.0, -2.0, -3.0], [-6.0, 0.0, 0.0]], dtype=torch.float64)
    mask = torch.tensor([[1, 1, 1], [1, 0, 0]], dtype=torch.float64)
    token = dapo_loss(logp, torch.zeros_like(logp), advantages, mask, aggregation="token")
    sequence = dapo_loss(logp, torch.zeros_like(logp), advantages, mask, aggregation="sequence")
    assert token.loss.item() == pytest.approx((1 + 2 + 3 + 6) / 4)  # 3.0
    assert sequence.loss.item() == pytest.approx(((1 + 2 + 3) / 3 + 6 / 1) / 2)  # 4.0


def test_masked_tokens_get_exactly_zero_gradient():
    torch.manual_seed(0)
    logp = (-torch.rand(3, 5, dtype=torch.float64)).requires_grad_()
    old = -torch.rand(3, 5, dtype=torch.float64)
    old[0, 1] = float("-inf")  # garbage under the mask must not leak either
    mask = (torch.rand(3, 5) > 0.5).double()
    mask[0, 1] = 0
    for aggregation in ("token", "sequence"):
        logp.grad = None
        dapo_loss(logp, old, torch.tensor([1.0, -0.5, 2.0], dtype=torch.float64), mask, aggregation=aggregation).loss.backward()
        assert torch.all(logp.grad[mask == 0] == 0.0)
        assert torch.all(torch.isfinite(logp.grad))
        assert torch.any(logp.grad[mask == 1] != 0.0)
    logp.grad = None
    sft_loss(logp, mask).loss.backward()
    assert torch.all(logp.grad[mask == 0] == 0.0)


def test_micro_batches_normalised_by_the_whole_batch_sum_to_the_full_batch_loss():
    torch.manual_seed(1)
    logp = (-torch.rand(4, 6, dtype=torch.float64)).requires_grad_()
    old = logp.detach() + 0.3 * torch.randn(4, 6, dtype=torch.float64)
    advantages = torch.tensor([1.0, -1.0, 0.5, -2.0], dtype=torch.float64)
    mask = torch.tensor([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 0, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0]], dtype=torch.float64)
    for aggregation in ("token", "sequence"):
        full = dapo_loss(logp, old, advantages, mask, aggregation=aggregation)
        full.loss.backward()
        full_grad, logp.grad = logp.grad.clone(), None
        total = 0.0
        for rows in (slice(0, 1), slice(1, 3), slice(3, 4)):
            part = dapo_loss(logp[rows], old[rows], advantages[rows], mask[rows], aggregation=aggregation,
                             num_tokens=mask.sum(), num_sequences=4)
            part.loss.backward()
            total += part.loss.item()
        assert total == pytest.approx(full.loss.item(), abs=1e-12)
        assert torch.allclose(logp.grad, full_grad, atol=1e-12)
        logp.grad = None


def test_sft_loss_is_the_mean_negative_log_likelihood_of_action_tokens():
    logp = torch.tensor([[-1.0, -2.0, -4.0], [-8.0, -0.5, -0.5]])
    mask = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    assert sft_loss(logp, mask).loss.item() == pytest.approx((1 + 4 + 0.5) / 3)


def test_k3_kl_matches_hand_values_and_kl_is_off_by_default():
    assert k3_kl(torch.tensor(-1.0), torch.tensor(-1.0)).item() == 0.0
    # d = ref - logp = 0.5: exp(0.5) - 0.5 - 1
    assert k3_kl(torch.tensor(-1.0), torch.tensor(-0.5)).item() == pytest.approx(math.exp(0.5) - 1.5)
    logp = torch.zeros(1, 2)
    out = dapo_loss(logp, logp, torch.ones(1), torch.ones(1, 2))
    assert "kl" not in out.metrics
    with_kl = dapo_loss(logp, logp, torch.ones(1), torch.ones(1, 2), ref_logp=torch.full((1, 2), 0.5), kl_coef=0.1)
    assert with_kl.loss.item() == pytest.approx(out.loss.item() + 0.1 * (math.exp(0.5) - 1.5))


def test_token_logprobs_gathers_the_log_softmax_of_the_target():
    logits = torch.tensor([[[0.0, math.log(3.0)]]])  # probabilities 1/4 and 3/4
    assert token_logprobs(logits, torch.tensor([[1]])).item() == pytest.approx(math.log(0.75))


def test_reductions_divide_by_the_given_normalisers():
    values = torch.tensor([[2.0, 4.0], [6.0, 8.0]])
    mask = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    assert masked_token_mean(values, mask).item() == pytest.approx(4.0)
    assert masked_token_mean(values, mask, 6).item() == pytest.approx(2.0)
    assert masked_sequence_mean(values, mask).item() == pytest.approx((3.0 + 6.0) / 2)


def test_dual_clip_caps_the_loss_of_a_negative_advantage_at_c_times_minus_a():
    # ratio 5 on a bad action (A = -1): plain clipped loss 5.0; with c = 3 it is capped at 3.0
    logp = logp_for_ratios([5.0, 0.5])
    advantages = torch.tensor([[-1.0, 1.0]], dtype=torch.float64)
    mask = torch.ones(1, 2, dtype=torch.float64)
    plain = dapo_loss(logp, torch.zeros_like(logp), advantages, mask)
    dual = dapo_loss(logp, torch.zeros_like(logp), advantages, mask, dual_clip_c=3.0)
    assert plain.loss.item() == pytest.approx((5.0 - 0.5) / 2)
    assert dual.loss.item() == pytest.approx((3.0 - 0.5) / 2)
    dual.loss.backward()
    assert logp.grad[0, 0].item() == 0.0  # no gradient through the capped token


def test_the_sampler_trainer_logprob_gap_is_reported_as_mean_and_max():
    logp = torch.tensor([[-1.0, -2.0, -0.5, -9.0]], dtype=torch.float64)
    old = torch.tensor([[-1.1, -2.0, -0.2, 0.0]], dtype=torch.float64)
    mask = torch.tensor([[1.0, 1.0, 1.0, 0.0]], dtype=torch.float64)  # the last token is no action
    out = dapo_loss(logp, old, torch.tensor([1.0], dtype=torch.float64), mask)
    assert out.metrics["logprob_diff_mean"].item() == pytest.approx((0.1 + 0.0 + 0.3) / 3)
    assert out.metrics["logprob_diff_max"].item() == pytest.approx(0.3)


def test_truncated_importance_weight_scales_each_token_and_is_capped():
    # trainer old log-probs 0, sampler log-probs: ratios trainer/sampler of e^0.5 and e^2 (capped at 2)
    logp = torch.zeros(1, 2, dtype=torch.float64, requires_grad=True)
    old = torch.zeros(1, 2, dtype=torch.float64)
    sampler = torch.tensor([[-0.5, -2.0]], dtype=torch.float64)
    mask = torch.ones(1, 2, dtype=torch.float64)
    out = dapo_loss(logp, old, torch.tensor([1.0], dtype=torch.float64), mask, sampler_logp=sampler, tis_cap=2.0)
    weights = [math.exp(0.5), 2.0]
    assert out.loss.item() == pytest.approx(-(weights[0] + weights[1]) / 2)
    assert out.metrics["tis_weight_mean"].item() == pytest.approx(sum(weights) / 2)
    assert out.metrics["logprob_diff_mean"].item() == pytest.approx((0.5 + 2.0) / 2)
