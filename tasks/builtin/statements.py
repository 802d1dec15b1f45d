"""Turns a bug's issue text into the final problem statement."""
import re

_LINE_MARK = re.compile(r"<<line:([^:>]+):([^>]+)>>")


def render(statement: str, buggy_files: dict) -> str:
    """Replaces each <<line:PATH:TEXT>> with the number of the first line of PATH holding TEXT,
    so tracebacks quoted in an issue point at the real line of the buggy code."""

    def line_number(match: re.Match) -> str:
        path, text = match.group(1), match.group(2)
        for number, line in enumerate(buggy_files[path].splitlines(), start=1):
            if text in line:
                return str(number)
        raise ValueError(f"statement refers to {text!r}, which is not in {path}")

    return _LINE_MARK.sub(line_number, statement).strip() + "\n"
