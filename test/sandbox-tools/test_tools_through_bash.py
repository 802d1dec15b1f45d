"""The tools as the agent reaches them: the shipped wrapper executables, called from `bash -c`
with heredocs and shell quoting."""

import ast
import os
from pathlib import Path

TOOLS_DIR = Path(__file__).resolve().parents[2] / "activities" / "sandbox" / "tools"
PROGRAM = TOOLS_DIR / "swe_rl_tools.py"


def test_edit_through_a_bash_heredoc_keeps_the_body_literal(bash, workdir):
    (workdir / "m.py").write_text("def f():\n    pass\n")
    script = "open m.py >/dev/null\nedit 2:2 <<'EOF'\n    s = \"$HOME `date` \\\\n\"\n\treturn s  \nEOF\n"
    result = bash(script)
    assert result.code == 0, result
    assert (workdir / "m.py").read_text() == 'def f():\n    s = "$HOME `date` \\\\n"\n\treturn s  \n'


def test_an_empty_heredoc_is_refused_and_delete_removes_lines(bash, workdir):
    (workdir / "t.txt").write_text("a\nb\nc\n")
    refused = bash("open t.txt >/dev/null\nedit 2:2 <<'EOF'\nEOF")
    assert refused.code == 1 and "edit --delete 2:2" in refused.out
    assert (workdir / "t.txt").read_text() == "a\nb\nc\n"
    assert "Deleted line 2" in bash("edit --delete 2:2").out
    assert (workdir / "t.txt").read_text() == "a\nc\n"


def test_edit_without_heredoc_in_bash_does_not_delete(bash, workdir):
    (workdir / "t.txt").write_text("a\nb\n")
    result = bash("open t.txt >/dev/null; edit 1:1")
    assert result.code == 1
    assert (workdir / "t.txt").read_text() == "a\nb\n"


def test_replace_with_multi_line_single_quoted_arguments(bash, workdir):
    (workdir / "m.py").write_text("if a:\n    print('x')\n")
    script = "open m.py >/dev/null\nreplace 'if a:\n    print('\\''x'\\'')' 'if a and b:\n    print(\"y\")'"
    result = bash(script)
    assert result.code == 0, result
    assert (workdir / "m.py").read_text() == 'if a and b:\n    print("y")\n'


def test_replace_with_the_stdin_block_through_a_heredoc(bash, workdir):
    (workdir / "m.py").write_text("total = price*count\n")
    script = (
        "replace --file m.py <<'EOF'\n<<<<<<< SEARCH\ntotal = price*count\n=======\n"
        "total = price * count\n>>>>>>> REPLACE\nEOF"
    )
    assert bash(script).code == 0
    assert (workdir / "m.py").read_text() == "total = price * count\n"


def test_an_agent_like_session_across_separate_shells(bash, workdir):
    (workdir / "pkg").mkdir()
    (workdir / "pkg" / "calc.py").write_text("def add(a, b):\n    return a - b\n")
    assert "Line 2:     return a - b" in bash("cd pkg && search_file 'return' calc.py").out
    assert "[File: " in bash("open pkg/calc.py 2").out
    assert "2:    return a - b" in bash("goto 2").out
    bash("edit 2:2 <<'EOF'\n    return a + b\nEOF")
    test = bash("cd pkg && python3 -c 'import calc; print(calc.add(2, 3))'")
    assert test.out.strip() == "5"
    created = bash("create tests/test_calc.py <<'EOF'\nfrom pkg.calc import add\nEOF")
    assert "(1 lines total)" in created.out
    assert (workdir / "tests" / "test_calc.py").read_text() == "from pkg.calc import add\n"


def test_tool_errors_exit_non_zero_in_bash(bash):
    result = bash("goto 5 || echo failed-as-expected")
    assert "no file is open" in result.out and "failed-as-expected" in result.out


def test_every_wrapper_is_executable_and_execs_its_own_tool():
    for wrapper in (TOOLS_DIR / "bin").iterdir():
        assert os.access(str(wrapper), os.X_OK), wrapper
        assert " {} \"$@\"\n".format(wrapper.name) in wrapper.read_text()


def test_tool_program_avoids_syntax_and_modules_newer_than_python_3_5():
    tree = ast.parse(PROGRAM.read_text())
    too_new = (ast.JoinedStr, ast.AnnAssign, ast.NamedExpr, ast.AsyncFunctionDef)
    found = [type(node).__name__ for node in ast.walk(tree) if isinstance(node, too_new)]
    assert found == []
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"io", "json", "os", "sys", "warnings"}
