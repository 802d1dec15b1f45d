"""Procedural demonstrations of the agent's tool format on the drill families.

    python3 tasks/builtin/drill_demos.py --prompts FILE --out FILE [--count N] [--seed N]
        [--fix-rate F] [--test-rate T] [--informed P] [--format-noise Q]

Each demonstration is the conversation of an episode on a made-up drill. The agent reads the
source (`cat` of the non-test module), then with probability F fixes it with `replace` (the
family's edit with probability P, else any family's edit) and submits; with probability T runs
the tests, which pass, and submits the unchanged code; otherwise it submits at once. With
probability Q the reply before the edit or test run is malformed (no code block) and is followed
by the format-error message and a well-formed retry. The defaults make a base that knows which
edit each kind of issue needs but seldom commits to it: the stand-in for a weak pretrained model.

The messages are the ones an episode stores: the opening messages come from
`swe-rl prompt --style compact` (FILE) and the replace output is the in-sandbox tool's own output.
Names are made-up words drawn afresh for each demonstration, never a drill's noun (train or eval).
"""
import argparse
import contextlib
import io
import json
import os
import random
import sys
import tempfile

from drill_families import EDITS, FAMILIES
from drills import EVAL_NOUNS, TRAIN_NOUNS, module_source, random_spec

TOOLS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "activities", "sandbox", "tools")
REPO_DIR = "/testbed"


def load_tools():
    sys.path.insert(0, os.path.abspath(TOOLS_DIR))
    import swe_rl_tools

    return swe_rl_tools


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def fenced(thought: str, command: str) -> str:
    return f"{thought}\n\n```bash\n{command}\n```"


def prompt_line(cwd: str, open_file) -> str:
    return f"(Current directory: {cwd}, current file: {open_file or 'none'}) bash-$"


def observation(output: str, exit_code: int, open_file) -> str:
    parts = []
    output = output.rstrip("\n")
    if output.strip():
        parts.append(output)
    if exit_code != 0:
        parts.append(f"(exit code {exit_code})")
    elif not output.strip():
        parts.append("(The command ran successfully and printed nothing.)")
    parts.append(prompt_line(REPO_DIR, open_file))
    return "\n".join(parts)


class ToolRunner:
    """Runs the in-sandbox `replace` tool in this process on a scratch copy of the module."""

    def __init__(self):
        self.tools = load_tools()
        self.scratch = tempfile.mkdtemp(prefix="swe-rl-demos-")
        os.environ["SWE_RL_TOOLS_STATE"] = os.path.join(self.scratch, "tools-state.json")

    def replace(self, relative_path: str, source: str, search: str, replacement: str):
        full = os.path.join(self.scratch, relative_path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as handle:
            handle.write(source)
        if os.path.exists(os.environ["SWE_RL_TOOLS_STATE"]):
            os.remove(os.environ["SWE_RL_TOOLS_STATE"])
        captured = io.StringIO()
        exit_code = 0
        with contextlib.redirect_stdout(captured):
            try:
                self.tools.TOOLS["replace"](["--file", full, search, replacement])
            except self.tools.ToolError as error:
                self.tools.emit(f"Error: {error}")
                exit_code = 1
        open_file = None
        if os.path.exists(os.environ["SWE_RL_TOOLS_STATE"]):
            with open(os.environ["SWE_RL_TOOLS_STATE"]) as handle:
                open_file = json.load(handle)["file"].replace(self.scratch, REPO_DIR)
        return captured.getvalue().replace(self.scratch, REPO_DIR), exit_code, open_file


SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def made_up_noun(rng: random.Random) -> str:
    """A fresh pseudo-word, so that names can only be copied from the issue, never memorised."""
    while True:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) + rng.choice(("", "s"))
        if word not in EVAL_NOUNS and word not in TRAIN_NOUNS:
            return word


SOURCE_FILES = 'grep -rl "def " --include="*.py" . | grep -v tests'


TEST_OUTPUT = ".\n1 passed in 0.02s"


def demonstration(rng: random.Random, prompts: dict, runner: ToolRunner, options: dict) -> dict:
    """One episode; after reading the code the agent fixes it (fix_rate), runs the passing tests
    and submits unchanged code (test_rate), or submits at once (the rest)."""
    family = rng.choice(FAMILIES)
    spec = random_spec(rng, family, (made_up_noun(rng),))
    source = module_source(spec).replace(family.fixed, family.buggy)
    messages = [
        {"role": "system", "content": prompts["system"]},
        {"role": "user", "content": prompts["user"].replace("{issue}", spec.statement().strip())},
        {"role": "assistant", "content": fenced("I will read the source code.", f"cat $({SOURCE_FILES})")},
        {"role": "user", "content": observation(source, 0, None)},
    ]
    branch = rng.random()
    if branch < options["fix_rate"]:
        behaviour = "fix"
        edit = family.edit if rng.random() < options["informed"] else rng.choice(EDITS)
        thought, command = "I will fix the code.", f"replace --file $({SOURCE_FILES}) {shell_quote(edit[0])} {shell_quote(edit[1])}"
        output, exit_code, open_file = runner.replace(spec.path, source, *edit)
    elif branch < options["fix_rate"] + options["test_rate"]:
        behaviour, edit = "tests", None
        thought, command = "I will run the tests.", "python -m pytest -q"
        output, exit_code, open_file = TEST_OUTPUT, 0, None
    else:
        behaviour, edit = "submit", None
    if behaviour != "submit":
        if rng.random() < options["format_noise"]:
            messages.append({"role": "assistant", "content": f"{thought}\n{command}"})
            messages.append({"role": "user", "content": prompts["formatError"]})
        messages += [
            {"role": "assistant", "content": fenced(thought, command)},
            {"role": "user", "content": observation(output, exit_code, open_file)},
        ]
        messages.append({"role": "assistant", "content": fenced("Done.", "submit")})
    else:
        messages.append({"role": "assistant", "content": fenced("The code looks right to me.", "submit")})
    return {"messages": messages, "family": family.name, "behaviour": behaviour, "edit_is_fix": edit == family.edit}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", required=True, help="JSON from `swe-rl prompt --style compact`")
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fix-rate", type=float, default=0.12)
    parser.add_argument("--test-rate", type=float, default=0.3)
    parser.add_argument("--informed", type=float, default=1.0)
    parser.add_argument("--format-noise", type=float, default=0.1)
    args = parser.parse_args(argv)
    with open(args.prompts, encoding="utf-8") as handle:
        prompts = json.load(handle)
    for key in ("system", "user", "formatError"):
        if key not in prompts:
            sys.exit(f"{args.prompts}: no {key!r} field; write it with `swe-rl prompt --style compact`")
    options = {"fix_rate": args.fix_rate, "test_rate": args.test_rate, "informed": args.informed, "format_noise": args.format_noise}
    if min(options.values()) < 0 or max(options.values()) > 1 or args.fix_rate + args.test_rate > 1:
        sys.exit("--fix-rate, --test-rate, --informed and --format-noise are probabilities; fix + test rates at most 1")
    rng = random.Random(args.seed)
    runner = ToolRunner()
    with open(args.out, "w", encoding="utf-8") as handle:
        for _ in range(args.count):
            handle.write(json.dumps(demonstration(rng, prompts, runner, options)) + "\n")
    print(f"wrote {args.count} demonstrations to {args.out}")


if __name__ == "__main__":
    main()
