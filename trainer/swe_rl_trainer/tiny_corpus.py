"""A small built-in corpus (English, Python, shell, agent turns) to train the tiny tokenizer on.

It only has to give the byte-level BPE realistic merges for the text a software-engineering agent
reads and writes; it is not meant to teach a model anything.
"""

ENGLISH = """\
The repository contains a small library for parsing configuration files. A user reported that
the parser crashes when a value contains an equals sign. Reproduce the issue first, then find the
function that splits each line, fix it, and run the tests again. Keep the change small and make
sure that every existing test still passes. If a test fails, read the traceback carefully: it tells
you which file and which line raised the error, and what the arguments were.
We need to understand the structure of the project before editing anything. Let me look at the
files in the current directory and open the module that defines the parser. The issue says that
the value is truncated after the first equals sign, so the split should only happen once.
The tests in this repository use pytest. Running a single test file is faster than running the
whole suite, and the output shows the name of each failing test together with the assertion.
Thank you for the report! This looks like a bug in the way the function handles empty strings.
The documentation explains how to install the package, how to run the examples, and where to find
the changelog. Please open an issue if something is unclear, and include the version you use.
"""

PYTHON = '''\
import os
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional


class ConfigError(Exception):
    """Raised when a configuration file cannot be parsed."""


def parse_line(line: str) -> Optional[tuple]:
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    if "=" not in line:
        raise ConfigError(f"missing '=' in line: {line!r}")
    key, value = line.split("=", 1)
    return key.strip(), value.strip()


def load_config(path: Path) -> Dict[str, str]:
    result: Dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                parsed = parse_line(line)
            except ConfigError as error:
                raise ConfigError(f"{path}:{number}: {error}") from error
            if parsed is not None:
                key, value = parsed
                result[key] = value
    return result


def test_value_with_equals_sign(tmp_path):
    config = tmp_path / "app.cfg"
    config.write_text("url = http://example.test/?a=1&b=2\\n")
    assert load_config(config) == {"url": "http://example.test/?a=1&b=2"}


class Stack:
    def __init__(self) -> None:
        self.items: List[int] = []

    def push(self, item: int) -> None:
        self.items.append(item)

    def pop(self) -> int:
        if not self.items:
            raise IndexError("pop from empty stack")
        return self.items.pop()

    def __len__(self) -> int:
        return len(self.items)


def main(argv: List[str]) -> int:
    for name in argv[1:]:
        if not os.path.exists(name):
            print(f"error: {name} does not exist", file=sys.stderr)
            return 1
        print(load_config(Path(name)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
'''

SHELL = """\
$ ls -la
total 24
drwxr-xr-x  5 agent agent 4096 Jan  1 12:00 .
drwxr-xr-x  3 agent agent 4096 Jan  1 12:00 ..
-rw-r--r--  1 agent agent  512 Jan  1 12:00 README.md
-rw-r--r--  1 agent agent 1024 Jan  1 12:00 setup.py
drwxr-xr-x  2 agent agent 4096 Jan  1 12:00 src
drwxr-xr-x  2 agent agent 4096 Jan  1 12:00 tests
$ grep -rn "def parse_line" src/
src/config/parser.py:12:def parse_line(line: str) -> Optional[tuple]:
$ python -m pytest tests/test_parser.py -q
..F.
FAILED tests/test_parser.py::test_value_with_equals_sign - AssertionError: assert {'url': 'http'} == {'url': 'http://example.test/?a=1&b=2'}
1 failed, 3 passed in 0.12s
$ git diff
diff --git a/src/config/parser.py b/src/config/parser.py
index 3f2a1b0..8c9d4e2 100644
--- a/src/config/parser.py
+++ b/src/config/parser.py
@@ -15,7 +15,7 @@ def parse_line(line: str) -> Optional[tuple]:
-    key, value = line.split("=")
+    key, value = line.split("=", 1)
     return key.strip(), value.strip()
$ cat setup.py | head -n 5
$ find . -name "*.py" | xargs wc -l
$ sed -n '10,20p' src/config/parser.py
$ cd /testbed && pip install -e . && echo done
Traceback (most recent call last):
  File "src/config/parser.py", line 16, in parse_line
    key, value = line.split("=")
ValueError: too many values to unpack (expected 2)
"""

AGENT = """\
DISCUSSION
First I will look at the repository layout to find the parser module.
```
ls -la src/config
```
(Current directory: /testbed, current file: n/a) bash-$
DISCUSSION
The split on the equals sign happens without a limit. I will edit lines 15 to 16 of the parser.
```
edit 15:16
    key, value = line.split("=", 1)
    return key.strip(), value.strip()
end_of_edit
```
(Current directory: /testbed, current file: src/config/parser.py) bash-$
DISCUSSION
Now I run the tests again to check that the fix works and that nothing else broke.
```
python -m pytest tests -q
```
4 passed in 0.10s
DISCUSSION
All tests pass, so I submit the change.
```
submit
```
open src/config/parser.py 12
search_file "split" src/config/parser.py
scroll_down
goto 40
create tests/test_regression.py
replace "split('=')" "split('=', 1)"
"""

CORPUS = [ENGLISH, PYTHON, SHELL, AGENT]
