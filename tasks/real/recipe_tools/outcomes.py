"""Reading test outcomes from the runners real repositories use: pytest (JUnit XML or -rA lines) and unittest -v.

An outcome is "passed", "failed" or "skipped" (xfail counts as skipped); a test reported twice
(a pass, then an error in its teardown) keeps the worse outcome.
"""
import re
import xml.etree.ElementTree as ET

_RANK = {"skipped": 0, "passed": 1, "failed": 2}


def runner_of(test_cmd):
    """"unittest" or "pytest", from the words of the test command; None when neither is named."""
    if re.search(r"\bunittest\b", test_cmd):
        return "unittest"
    if "pytest" in test_cmd or "py.test" in test_cmd:
        return "pytest"
    return None


def _merge(outcomes, test_id, outcome):
    if test_id not in outcomes or _RANK[outcome] > _RANK[outcomes[test_id]]:
        outcomes[test_id] = outcome


def parse_junit(xml_text):
    """pytest JUnit XML (junit_family=xunit1, which carries the file) -> {node id: outcome}."""
    outcomes = {}
    root = ET.fromstring(xml_text)
    for case in root.iter("testcase"):
        path, classname, name = case.get("file"), case.get("classname", ""), case.get("name", "")
        if path and path.endswith(".py"):
            module = path[:-3].replace("/", ".")
            if classname == module:
                inner = []
            elif classname.startswith(module + "."):
                inner = classname[len(module) + 1:].split(".")
            else:
                inner = None
            test_id = "::".join([path] + inner + [name]) if inner is not None else None
        else:
            test_id = None
        if test_id is None:
            # No file attribute (xunit2): the best reconstruction is "a/b.py::Class::name".
            parts = classname.split(".")
            test_id = "/".join(parts[:1]) + "::" + "::".join(parts[1:] + [name])
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        _merge(outcomes, test_id, outcome)
    return outcomes


_SUMMARY = re.compile(r"^(PASSED|FAILED|ERROR|XFAIL|XPASS) (\S.*?)(?: - .*)?$")
_SUMMARY_WORDS = {"PASSED": "passed", "XPASS": "passed", "FAILED": "failed", "ERROR": "failed", "XFAIL": "skipped"}


def parse_pytest_summary(output):
    """The short test summary of `pytest -rA` -> {node id: outcome} (SKIPPED lines name no test id)."""
    outcomes = {}
    for line in output.splitlines():
        match = _SUMMARY.match(line.rstrip())
        if match:
            _merge(outcomes, match.group(2).strip(), _SUMMARY_WORDS[match.group(1)])
    return outcomes


# "test_m (pkg.mod.Class.test_m) ... ok" (3.11+) or "test_m (pkg.mod.Class) ... ok" (older); with a
# docstring the description sits on the next line: "test_m (pkg.mod.Class.test_m)\nDoc ... ok".
_UNITTEST = re.compile(
    r"^(?P<name>[^\s(]+) \((?P<where>[\w.]+)\)(?:\n[^\n]*?)? \.\.\. "
    r"(?P<status>ok|FAIL|ERROR|skipped\b.*|expected failure|unexpected success)$",
    re.M,
)
_UNITTEST_WORDS = {"ok": "passed", "FAIL": "failed", "ERROR": "failed", "expected failure": "skipped", "unexpected success": "failed"}


def parse_unittest(output):
    """`python -m unittest -v` output -> {dotted test id: outcome}."""
    outcomes = {}
    for match in _UNITTEST.finditer(output):
        name, where, status = match.group("name"), match.group("where"), match.group("status")
        test_id = where if where.endswith("." + name) else f"{where}.{name}"
        _merge(outcomes, test_id, "skipped" if status.startswith("skipped") else _UNITTEST_WORDS[status])
    # Lines that end in an error without " ... " (a class or module setup failing) name no single test.
    return outcomes
