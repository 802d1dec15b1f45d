"""A scripted policy: the policy server answers every turn from a fixed script instead of sampling.

Rollouts then measure orchestration, sandboxes and grading rather than a model (benchmarks), and
whole episodes run on real task instances without a model that can solve them (a gold patch
played as commands). Answers go through the real OpenAI-compatible API with real token ids, and
their log-probs are the served model's own (one teacher-forced forward pass), so the trainer can
still take steps on scripted trajectories.

    python -m swe_rl_trainer.scripted_policy --tasks TASKS.jsonl --out SCRIPT.json [--plan view-fix-test-submit]
    python -m swe_rl_trainer.policy_server --model DIR --script SCRIPT.json [--instant [--unfixed-every N]]

Plans (`--plan`): `view-fix-submit` (the default: look at the file the gold patch changes, apply
the gold patch, submit) and `view-fix-test-submit` (the same, running the test files of the task's
FAIL_TO_PASS tests before submitting).

Instant mode (`--instant`, for benchmarks): the reply's token ids come from the tokenizer alone, with
no forward pass, and every log-prob is reported as 0.0. Such trajectories are fit for a trainer
that recomputes its own old log-probs (`oldLogprobs: trainer`), and for benchmarks, which do not
care; never for measuring the policy. With `--unfixed-every N` every N-th episode of a task (counted
at its first turn) looks at the file and submits without the fix, so a group's rewards differ and
the trainer has a signal to step on; the first reply carries UNFIXED_MARK so later turns of that
episode know their plan.

A script file: {"scripts": [{"instance_id", "issue", "replies": [...]}], "default": [...]}. An
episode is matched by its issue text (found in its first user message); its turn is the number of
assistant messages so far; past the end of its replies it submits.
"""
from __future__ import annotations

import argparse
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import torch

from .errors import InvalidInput
from .generation import GenerationResult
from .losses import token_logprobs

SUBMIT = "The change is in place.\n```\nsubmit\n```"
PATCH_END = "SWE_RL_PATCH"
UNFIXED_MARK = "(looking only)"
UNFIXED_SUBMIT = "I submit without a change.\n```\nsubmit\n```"
PLANS = ("view-fix-submit", "view-fix-test-submit")


@dataclass(frozen=True)
class Script:
    instance_id: str
    issue: str
    replies: tuple[str, ...]


class ScriptBook:
    def __init__(self, scripts: list[Script], default: tuple[str, ...] = (), unfixed_every: int = 0):
        # The longest issue first, so an issue that contains another's text still finds its own script.
        self.scripts = sorted(scripts, key=lambda s: len(s.issue), reverse=True)
        self.default = default
        if unfixed_every < 0:
            raise InvalidInput("unfixed_every must be 0 (never) or a positive number of episodes")
        self.unfixed_every = unfixed_every
        self._episodes: dict[str, int] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: str | Path, unfixed_every: int = 0) -> "ScriptBook":
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise InvalidInput(f"script {path}: cannot be read: {error}") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("scripts", []), list):
            raise InvalidInput(f"script {path}: must be an object with a list 'scripts'")
        scripts = []
        for index, entry in enumerate(raw.get("scripts", [])):
            replies = entry.get("replies") if isinstance(entry, dict) else None
            issue = entry.get("issue") if isinstance(entry, dict) else None
            if not isinstance(issue, str) or not issue.strip() or not isinstance(replies, list) or not all(isinstance(r, str) for r in replies):
                raise InvalidInput(f"script {path}: scripts[{index}] needs a non-empty 'issue' and 'replies' as a list of strings")
            scripts.append(Script(str(entry.get("instance_id", index)), issue.strip(), tuple(replies)))
        default = raw.get("default", [])
        if not isinstance(default, list) or not all(isinstance(r, str) for r in default):
            raise InvalidInput(f"script {path}: 'default' must be a list of strings")
        return cls(scripts, tuple(default), unfixed_every)

    def reply(self, messages: list[dict]) -> str:
        user = next((m.get("content", "") for m in messages if m.get("role") == "user"), "")
        assistant = [m.get("content", "") for m in messages if m.get("role") == "assistant"]
        turn = len(assistant)
        found = next((s for s in self.scripts if s.issue in user), None)
        script = found.replies if found else self.default
        if self.unfixed_every and found is not None and len(script) > 1:
            if turn == 0 and self._starts_unfixed(found.issue):
                return f"{UNFIXED_MARK} {script[0]}"
            if turn > 0 and assistant[0].startswith(UNFIXED_MARK):
                return UNFIXED_SUBMIT
        return script[turn] if turn < len(script) else SUBMIT

    def _starts_unfixed(self, issue: str) -> bool:
        with self._lock:  # the server answers requests on several threads
            n = self._episodes.get(issue, 0)
            self._episodes[issue] = n + 1
        return n % self.unfixed_every == self.unfixed_every - 1


@torch.no_grad()
def scripted_generation(model, tokenizer, prompt_ids: list[int], text: str, max_tokens: int, eos_token_ids: frozenset[int]) -> GenerationResult:
    """The reply as if sampled: its token ids (ending in EOS, as generation does) and the model's log-probs of them."""
    ids = tokenizer.encode(text, add_special_tokens=False)
    eos = min(eos_token_ids) if eos_token_ids else None
    finish = "stop"
    if len(ids) + (eos is not None) > max_tokens:
        ids, finish = ids[:max_tokens], "length"
    elif eos is not None:
        ids = ids + [eos]
    device = next(model.parameters()).device
    sequence = torch.tensor([prompt_ids + ids], device=device)
    logits = model(input_ids=sequence, use_cache=False).logits
    logprobs = token_logprobs(logits[:, len(prompt_ids) - 1:-1], sequence[:, len(prompt_ids):])[0].tolist()
    shown = tokenizer.decode(ids, skip_special_tokens=True)
    return GenerationResult(ids, logprobs, finish, None, shown)


def instant_generation(tokenizer, text: str, max_tokens: int, eos_token_ids: frozenset[int]) -> GenerationResult:
    """The reply as if sampled, without a forward pass: its token ids (ending in EOS) and log-probs of 0.0."""
    ids = tokenizer.encode(text, add_special_tokens=False)
    eos = min(eos_token_ids) if eos_token_ids else None
    finish = "stop"
    if len(ids) + (eos is not None) > max_tokens:
        ids, finish = ids[:max_tokens], "length"
    elif eos is not None:
        ids = ids + [eos]
    return GenerationResult(ids, [0.0] * len(ids), finish, None, tokenizer.decode(ids, skip_special_tokens=True))


def failing_test_files(task: dict) -> list[str]:
    """The files of the task's FAIL_TO_PASS tests (a list, or a JSON list as SWE-bench stores it), in order."""
    tests = task.get("FAIL_TO_PASS") or []
    if isinstance(tests, str):
        tests = json.loads(tests)
    return list(dict.fromkeys(t.split("::")[0] for t in tests if isinstance(t, str) and t.strip()))


def plan_replies(task: dict, plan: str = "view-fix-submit") -> list[str]:
    """The replies of one of PLANS for this task."""
    if plan not in PLANS:
        raise InvalidInput(f"unknown plan {plan!r}: one of {', '.join(PLANS)}")
    replies = gold_patch_replies(task)
    if plan == "view-fix-test-submit":
        files = failing_test_files(task)
        if files:
            # The test files that exist before the test patch: their tests run against the fix.
            replies.insert(-1, f"Now I run the tests.\n```\npython3 -m pytest -q {' '.join(files)}\n```")
    return replies


def gold_patch_replies(task: dict) -> list[str]:
    """Look at the first file the gold patch changes, apply the gold patch, submit."""
    patch = task.get("patch") or ""
    if not patch.strip():
        raise InvalidInput(f"task {task.get('instance_id')!r} has no gold patch to script")
    if not patch.endswith("\n"):
        patch += "\n"
    if re.search(rf"^{PATCH_END}$", patch, re.MULTILINE):
        raise InvalidInput(f"task {task.get('instance_id')!r}: the gold patch contains the heredoc end marker {PATCH_END}")
    files = re.findall(r"^\+\+\+ b/(\S+)", patch, re.MULTILINE)
    replies = []
    if files:
        replies.append(f"First I look at the file the issue is about.\n```\ncat {files[0]}\n```")
    replies.append(f"Now I apply the fix.\n```\ngit apply <<'{PATCH_END}'\n{patch}{PATCH_END}\n```")
    replies.append(SUBMIT)
    return replies


def read_tasks(path: str | Path) -> list[dict]:
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Writes a script that plays each task's gold patch as agent commands.")
    parser.add_argument("--tasks", required=True, help="task file (JSON list or JSONL, SWE-bench fields)")
    parser.add_argument("--out", required=True, help="the script file to write")
    parser.add_argument("--plan", default="view-fix-submit", choices=PLANS, help="what each task's script does")
    args = parser.parse_args(argv)
    tasks = read_tasks(args.tasks)
    scripts = [{"instance_id": t["instance_id"], "issue": t["problem_statement"].strip(), "replies": plan_replies(t, args.plan)} for t in tasks]
    Path(args.out).write_text(json.dumps({"scripts": scripts, "default": [SUBMIT]}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(scripts)} scripts to {args.out}")


if __name__ == "__main__":
    main()
