"""Runs the sandbox tool program as the agent would: a new process per call, in a temporary
working directory, with its state file in that directory."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

TOOLS_DIR = Path(__file__).resolve().parents[2] / "activities" / "sandbox" / "tools"
PROGRAM = TOOLS_DIR / "swe_rl_tools.py"
SANDBOX_PROGRAM_PATH = "/opt/swe-rl/swe_rl_tools.py"


class Result:
    def __init__(self, completed):
        self.code = completed.returncode
        self.out = completed.stdout.decode("utf-8", "replace") + completed.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return "Result(code={}, out={!r})".format(self.code, self.out)


class Tools:
    """Calls `swe_rl_tools.py TOOL ARGS` directly (no shell), stdin empty unless given."""

    def __init__(self, workdir, env):
        self.workdir = workdir
        self.env = env

    def __call__(self, *args, stdin=None):
        completed = subprocess.run(
            [sys.executable, str(PROGRAM)] + [str(arg) for arg in args],
            cwd=str(self.workdir),
            env=self.env,
            input=stdin.encode() if isinstance(stdin, str) else stdin,
            stdin=subprocess.DEVNULL if stdin is None else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=30,
        )
        return Result(completed)

    def write(self, name, text):
        path = self.workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    def read(self, name):
        return (self.workdir / name).read_bytes().decode()


class Bash:
    """Runs a script with `bash -c`, the shipped wrappers first on PATH (pointed at this checkout)."""

    def __init__(self, workdir, env):
        self.workdir = workdir
        self.env = env

    def __call__(self, script):
        completed = subprocess.run(
            ["bash", "-c", script],
            cwd=str(self.workdir),
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=60,
        )
        return Result(completed)


@pytest.fixture
def workdir(tmp_path):
    work = tmp_path / "repo"
    work.mkdir()
    return work


@pytest.fixture
def env(tmp_path):
    environment = dict(os.environ)
    environment["SWE_RL_TOOLS_STATE"] = str(tmp_path / "tools_state.json")
    environment.pop("SWE_RL_TOOLS_WINDOW", None)
    return environment


@pytest.fixture
def tools(workdir, env):
    return Tools(workdir, env)


@pytest.fixture
def bash(tmp_path, workdir, env):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for wrapper in (TOOLS_DIR / "bin").iterdir():
        target = bin_dir / wrapper.name
        target.write_text(wrapper.read_text().replace(SANDBOX_PROGRAM_PATH, str(PROGRAM)))
        target.chmod(target.stat().st_mode | stat.S_IXUSR)
    with_path = dict(env)
    with_path["PATH"] = "{}:{}".format(bin_dir, env.get("PATH", ""))
    with_path["SWE_RL_PYTHON"] = sys.executable
    return Bash(workdir, with_path)

