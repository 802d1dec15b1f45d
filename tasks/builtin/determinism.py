"""Generates the suite twice in scratch folders and compares the results byte for byte."""
import os
import tempfile

import gitrepo
from generate import generate

JSONL_FILES = ("train.jsonl", "eval.jsonl")


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _heads(out_dir: str) -> dict:
    repos = os.path.join(out_dir, "repos")
    return {name: gitrepo.git(os.path.join(repos, name), "rev-parse", "HEAD").strip() for name in sorted(os.listdir(repos))}


def check_determinism(out_dir: str, seed: int) -> list:
    """Problems found when two fresh generations differ from each other or from `out_dir`."""
    problems = []
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        generate(first, seed)
        generate(second, seed)
        for name in JSONL_FILES:
            if _read(os.path.join(first, name)) != _read(os.path.join(second, name)):
                problems.append(f"two generations wrote different {name}")
            if _read(os.path.join(first, name)) != _read(os.path.join(out_dir, name)):
                problems.append(f"{out_dir}/{name} differs from a fresh generation with seed {seed}")
        if _heads(first) != _heads(second):
            problems.append("two generations made different base commits")
    return problems
