import pytest
import torch

from swe_rl_trainer.errors import ModelNotFound
from swe_rl_trainer.model_io import default_dtype, load_model


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFound, match="does not exist"):
        load_model(tmp_path / "nope")


def test_directory_without_config_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFound, match="no config.json"):
        load_model(tmp_path)


def test_cpu_loads_fp32_and_cuda_defaults_to_bf16(tiny_model_dir):
    model = load_model(tiny_model_dir, "cpu")
    assert {p.dtype for p in model.parameters()} == {torch.float32}
    assert not model.training
    assert default_dtype(torch.device("cuda")) == torch.bfloat16
