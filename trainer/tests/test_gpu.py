"""bf16 training and sampling at Qwen2.5-0.5B shapes (built from a config, nothing downloaded).

Runs only where CUDA is present; elsewhere it is skipped and pytest (-rs) prints why.
"""
import json

import pytest
import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

from swe_rl_trainer.generation import generate
from swe_rl_trainer.model_io import load_model
from swe_rl_trainer.tiny_tokenizer import build_tokenizer
from swe_rl_trainer.trainer import Trainer

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device: the bf16 test at Qwen2.5-0.5B shapes needs a GPU"
)

QWEN25_05B_SHAPES = dict(
    hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
    num_key_value_heads=2, vocab_size=151936, max_position_embeddings=32768, tie_word_embeddings=True,
)


def build_model_dir(path, shapes, device):
    tokenizer = build_tokenizer()
    config = Qwen2Config(**shapes, bos_token_id=None, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    with torch.device(device):
        model = Qwen2ForCausalLM(config)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path, tokenizer


def long_batch(path, tokenizer, episodes, turn_tokens):
    generator = torch.Generator().manual_seed(0)
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    rows = []
    for index in range(episodes):
        messages = [{"role": "user", "content": f"task {index}"}]
        for turn in range(2):
            ids = torch.randint(3, len(tokenizer), (turn_tokens,), generator=generator).tolist() + [eos]
            content = tokenizer.decode(ids[:-1], skip_special_tokens=True)
            messages.append({"role": "assistant", "content": content, "token_ids": ids,
                             "logprobs": [-5.0] * len(ids), "format_error": False})
            messages.append({"role": "user", "content": "OBSERVATION: ok"})
        rows.append({"episode_id": f"ep-{index}", "advantage": 1.0 if index % 2 else -1.0, "messages": messages})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def train_and_sample(tmp_path, shapes, device, turn_tokens):
    model_dir, tokenizer = build_model_dir(tmp_path / "model", shapes, device)
    served = load_model(model_dir, device)
    expected_serving_dtype = torch.bfloat16 if torch.device(device).type == "cuda" else torch.float32
    assert next(served.parameters()).dtype == expected_serving_dtype
    prompt = tokenizer.encode("def parse_line(line):", add_special_tokens=False)
    sample = generate(served, tokenizer, prompt, max_tokens=16, seed=0)
    assert len(sample.token_ids) >= 1 and all(lp <= 0 for lp in sample.logprobs)
    del served

    batch = long_batch(tmp_path / "batch.jsonl", tokenizer, episodes=4, turn_tokens=turn_tokens)
    trainer = Trainer("gpu-run", tmp_path / "runs", model_dir, device=device)
    assert next(trainer.model.parameters()).dtype == torch.float32  # fp32 master weights
    before = trainer.model.model.layers[0].mlp.up_proj.weight.detach().clone()
    config = {"lr": 1e-5, "micro_batch_size": 2, "gradient_checkpointing": True}
    result = trainer.dapo_step(1, batch, config)
    assert result["applied"] and result["micro_batches"] == 2
    assert torch.isfinite(torch.tensor([result["loss"], result["grad_norm"]])).all()
    assert not torch.equal(before, trainer.model.model.layers[0].mlp.up_proj.weight)
    sft = trainer.sft_step(2, batch, {"lr": 1e-5, "total_steps": 10, "micro_batch_size": 2, "gradient_checkpointing": True})
    assert sft["applied"] and sft["optimizer_reset"]
    path = trainer.save_checkpoint(2)
    assert (path / "model.safetensors").is_file() or any(path.glob("model-*.safetensors"))
    return result


def test_bf16_training_and_sampling_at_qwen25_05b_shapes(tmp_path):
    torch.cuda.reset_peak_memory_stats()
    result = train_and_sample(tmp_path, QWEN25_05B_SHAPES, "cuda", turn_tokens=1500)
    peak_gib = torch.cuda.max_memory_allocated() / 2**30
    print(f"\nGPU dapo_step: {result['num_tokens']} tokens in {result['duration_s']} s, peak memory {peak_gib:.1f} GiB")
    assert result["num_tokens"] > 4 * 3000
