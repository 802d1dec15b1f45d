"""The command line that starts a serving process on one checkpoint, from a template.

Placeholders: {checkpoint} {name} {version} {host} {port} {python}. The default starts the
project's CPU policy server exactly the way vLLM is started (model directory + served name), so
the restart route is exercised here the way it runs on GPUs with VLLM_TEMPLATE.
"""
from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass

CPU_SERVER_TEMPLATE = (
    "{python} -m swe_rl_trainer.policy_server --model {checkpoint} --served-model-name {name} "
    "--policy-version {version} --host {host} --port {port} --threads 1"
)
VLLM_TEMPLATE = (
    "vllm serve {checkpoint} --served-model-name {name} --generation-config vllm "
    "--logprobs-mode raw_logprobs --load-format safetensors --dtype bfloat16 --host {host} --port {port}"
)
PLACEHOLDERS = ("checkpoint", "name", "version", "host", "port", "python")


@dataclass(frozen=True)
class ServeCommand:
    template: str = CPU_SERVER_TEMPLATE
    host: str = "127.0.0.1"
    port: int = 8000

    def argv(self, checkpoint: str, name: str, version: int) -> list[str]:
        values = {"checkpoint": checkpoint, "name": name, "version": str(version), "host": self.host,
                  "port": str(self.port), "python": sys.executable}
        # Substituted per argument after splitting, so a path with spaces stays one argument.
        return [part.format(**values) for part in shlex.split(self.template)]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
