"""The shapes a domain file fills in: a clean package plus the bugs planted in it."""
import textwrap
from dataclasses import dataclass, field


def source(text: str) -> str:
    """Dedented file text that starts at its first line and ends with one newline."""
    return textwrap.dedent(text).strip("\n") + "\n"


@dataclass(frozen=True)
class Bug:
    family: str
    path: str  # file that holds the bug
    fixed: str  # snippet as it reads in the correct code (must occur exactly once)
    buggy: str  # the same snippet as it reads in the buggy base commit
    test_path: str  # test file the test patch extends
    tests: str  # test functions the test patch appends; all of them fail on the bug
    statement: str  # the issue text; <<line:PATH:TEXT>> is replaced by a line number


@dataclass(frozen=True)
class Domain:
    name: str  # short repository stem, e.g. "stats"
    summary: str  # one line for the repository README
    files: dict = field(default_factory=dict)  # path -> clean file text
    bugs: tuple = ()
