"""Reads each recorded test run (test/unit/fixtures/testRunners) with the `swebench` package's own
log parser for its runner and prints {run name: {test id: SWE-bench status}} as JSON."""
import json
import sys
from pathlib import Path

from swebench.harness.log_parsers.python import parse_log_django, parse_log_pytest, parse_log_sympy

PARSERS = {"pytest": parse_log_pytest, "django": parse_log_django, "sympy": parse_log_sympy}

fixtures = Path(sys.argv[1])
statuses = {}
for run in json.loads((fixtures / "scenarios.json").read_text(encoding="utf-8")):
    parser = PARSERS.get(run["runner"])
    if parser is not None:
        log = (fixtures / "logs" / f"{run['name']}.output.txt").read_text(encoding="utf-8")
        statuses[run["name"]] = parser(log, None)
print(json.dumps(statuses))
