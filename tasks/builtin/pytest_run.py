"""Runs a repository's tests and reads each test's outcome from the JUnit XML report."""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

TIMEOUT_S = 120


def _clean_environment() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    # Plugins installed on the host must not change which tests run or how they report.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def node_id(classname: str, name: str) -> str:
    """JUnit's dotted classname back to a pytest node id (module-level test functions)."""
    return classname.replace(".", "/") + ".py::" + name


def run_tests(repo_dir: str) -> dict:
    """Maps each pytest node id to "passed", "failed", "error" or "skipped"."""
    with tempfile.TemporaryDirectory() as scratch:
        report = os.path.join(scratch, "report.xml")
        subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={report}"],
            cwd=repo_dir,
            env=_clean_environment(),
            capture_output=True,
            timeout=TIMEOUT_S,
        )
        if not os.path.exists(report):
            return {}
        return outcomes_from_junit(report)


def outcomes_from_junit(report_path: str) -> dict:
    outcomes = {}
    for case in ElementTree.parse(report_path).iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "failed" if child.tag == "failure" else child.tag
        outcomes[node_id(case.get("classname", ""), case.get("name", ""))] = outcome
    return outcomes
