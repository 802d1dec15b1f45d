"""Running an instance's tests on this machine: a throwaway venv, a clone at base_commit, the patches."""
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

from .errors import RecipeError
from .repository import GitError, git
from .outcomes import parse_junit, parse_pytest_summary, parse_unittest, runner_of

TEST_TIMEOUT_S = 1800


def interpreter(instance_id, version):
    """A python<version> on PATH, or this interpreter when it is that version."""
    found = shutil.which(f"python{version}")
    if found:
        return found
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    raise RecipeError(instance_id, f"environment.python {version}: no python{version} on PATH")


def make_venv(instance_id, environment, venv_dir):
    """A clean venv (no system site-packages) with the recipe's pip_packages."""
    python = interpreter(instance_id, environment["python"])
    _run(instance_id, [python, "-m", "venv", venv_dir], "create the venv")
    packages = environment.get("pip_packages", [])
    if packages:
        _run(instance_id, [os.path.join(venv_dir, "bin", "python"), "-m", "pip", "install", "-q",
                           "--disable-pip-version-check", *packages], "install pip_packages")


def venv_env(venv_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = os.path.join(venv_dir, "bin") + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = venv_dir
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(instance_id, command, what, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise RecipeError(instance_id, f"cannot {what}: {(done.stderr or done.stdout).strip()[-2000:]}")
    return done


def checkout(instance_id, repo_dir, commit, dest, venv_dir, install, patches):
    """A clone at `commit`, the project installed as at image build time (before any patch), then the patches."""
    try:
        git(os.path.dirname(dest), "clone", "-q", "--no-checkout", repo_dir, dest)
        git(dest, "checkout", "-q", "--detach", commit)
    except GitError as error:
        raise RecipeError(instance_id, str(error)) from None
    if install.strip():
        _run(instance_id, ["bash", "-c", install], f"run install `{install}`", cwd=dest, env=venv_env(venv_dir))
    for name, text in patches:
        try:
            git(dest, "apply", "-", stdin=text)
        except GitError as error:
            raise RecipeError(instance_id, f"{name} does not apply: {error}") from None


def touched_files(diff):
    """Files a patch leaves in place (added or changed), in patch order."""
    return [path for path in re.findall(r"^\+\+\+ b/(.+)$", diff, flags=re.M)]


def targets_for(runner, test_patch, listed_ids, checkout_dir):
    """The test files to run: those the test_patch touches, and those of the tests the recipe lists
    (a recipe may list the whole suite of a small repository), as the runner takes them."""
    files = [path for path in touched_files(test_patch) if path.endswith(".py")]
    named = [path for path in files if re.match(r"(test_.*|.*_test|tests?)\.py$", os.path.basename(path))]
    files = named or files
    for test_id in listed_ids:
        path = test_id.split("::")[0] if runner == "pytest" else _unittest_module_file(test_id, checkout_dir)
        if path and path.endswith(".py") and os.path.isfile(os.path.join(checkout_dir, path)) and path not in files:
            files.append(path)
    if runner == "unittest":
        return [path[:-3].replace("/", ".") for path in files]
    return files


def _unittest_module_file(test_id, checkout_dir):
    parts = test_id.split(".")
    for end in range(len(parts) - 1, 0, -1):
        path = "/".join(parts[:end]) + ".py"
        if os.path.isfile(os.path.join(checkout_dir, path)):
            return path
    return None


def run_tests(instance_id, checkout_dir, venv_dir, test_cmd, test_patch, scratch, listed_ids=(), whole_suite=False):
    """{test id: outcome} of the test targets (every test the runner finds with whole_suite), and the seconds it took."""
    runner = runner_of(test_cmd)
    if runner is None:
        raise RecipeError(instance_id, f"cannot tell the test runner from test_cmd {test_cmd!r} (expected pytest or unittest)")
    targets = [] if whole_suite else targets_for(runner, test_patch, listed_ids, checkout_dir)
    extra = []
    junit = os.path.join(scratch, "junit.xml")
    if runner == "pytest":
        if os.path.exists(junit):
            os.remove(junit)
        extra = [f"--junitxml={junit}", "-o", "junit_family=xunit1"]
    command = f"{test_cmd} {shlex.join(extra + targets)}"
    started = time.monotonic()
    try:
        done = subprocess.run(["bash", "-c", command], cwd=checkout_dir, env=venv_env(venv_dir), capture_output=True,
                              text=True, timeout=TEST_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise RecipeError(instance_id, f"`{command}` ran past {TEST_TIMEOUT_S} s") from None
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    if runner == "unittest":
        outcomes = parse_unittest(output)
    else:
        outcomes = {}
        if os.path.exists(junit):
            with open(junit, encoding="utf-8") as handle:
                outcomes = parse_junit(handle.read())
        outcomes = outcomes or parse_pytest_summary(output)
    if not outcomes:
        raise RecipeError(instance_id, f"`{command}` reported no test (exit {done.returncode}):\n{output[-3000:]}")
    return outcomes, seconds
