"""The tool program called directly, one process per call, as separate `docker exec`s would."""

import json


def lines_file(tools, name="f.txt", count=250):
    return tools.write(name, "".join("line {}\n".format(n) for n in range(1, count + 1)))


def numbered(first, last):
    return "\n".join("{}:line {}".format(n, n) for n in range(first, last + 1))


# ------------------------------------------------------------------ open, goto, scroll


def test_open_shows_the_first_window_with_header_and_markers(tools):
    path = lines_file(tools)
    result = tools("open", "f.txt")
    assert result.code == 0
    assert result.out == "[File: {} (250 lines total)]\n{}\n(150 more lines below)\n".format(
        path, numbered(1, 100))


def test_open_with_a_line_centres_the_window_on_it(tools):
    lines_file(tools)
    out = tools("open", "f.txt", "120").out
    assert "(69 more lines above)\n70:line 70\n" in out
    assert "169:line 169\n(81 more lines below)" in out


def test_open_near_the_end_shows_the_last_full_window_without_a_below_marker(tools):
    lines_file(tools)
    out = tools("open", "f.txt", "249").out
    assert "(150 more lines above)\n151:line 151\n" in out
    assert out.endswith("250:line 250\n")
    assert "below" not in out


def test_open_past_the_end_warns_and_shows_the_end(tools):
    lines_file(tools, count=10)
    out = tools("open", "f.txt", "99").out
    assert out.startswith("Warning: line 99 is past the end")
    assert "10:line 10" in out


def test_open_small_and_empty_files(tools):
    tools.write("small.txt", "a\nb")
    assert tools("open", "small.txt").out.endswith("(2 lines total)]\n1:a\n2:b\n")
    tools.write("empty.txt", "")
    assert "(0 lines total)]\n(this file is empty)" in tools("open", "empty.txt").out


def test_open_reports_missing_files_directories_and_bad_lines(tools):
    missing = tools("open", "nope.py")
    assert missing.code == 1
    assert missing.out.startswith("Error: file ") and "does not exist" in missing.out
    (tools.workdir / "pkg").mkdir()
    assert "is a directory" in tools("open", "pkg").out
    lines_file(tools)
    assert "LINE must be a line number" in tools("open", "f.txt", "ten").out


def test_open_alone_shows_the_current_window_again(tools):
    lines_file(tools)
    tools("open", "f.txt", "120")
    assert tools("open").out == tools("open", "f.txt", "120").out


def test_window_size_follows_the_environment(tools):
    lines_file(tools)
    tools.env["SWE_RL_TOOLS_WINDOW"] = "10"
    out = tools("open", "f.txt", "50").out
    assert "(44 more lines above)\n45:line 45\n" in out
    assert "54:line 54\n(196 more lines below)" in out


def test_goto_moves_the_window_of_the_open_file(tools):
    lines_file(tools)
    tools("open", "f.txt")
    out = tools("goto", "200").out
    assert "(149 more lines above)\n150:line 150\n" in out
    assert out.endswith("249:line 249\n(1 more lines below)\n")


def test_goto_errors(tools):
    assert "no file is open" in tools("goto", "3").out
    lines_file(tools, count=10)
    tools("open", "f.txt")
    past = tools("goto", "11")
    assert past.code == 1 and "past the end" in past.out
    assert tools("goto", "0").code == 1


def test_scroll_down_and_up_move_by_a_window_and_stop_at_the_ends(tools):
    lines_file(tools)
    tools("open", "f.txt")
    assert "(100 more lines above)\n101:line 101\n" in tools("scroll_down").out
    assert "(150 more lines above)\n151:line 151\n" in tools("scroll_down").out
    at_end = tools("scroll_down").out
    assert at_end.startswith("Already at the end of the file.")
    assert "(50 more lines above)\n51:line 51\n" in tools("scroll_up").out
    assert tools("scroll_up").out.startswith("[File: ")
    assert tools("scroll_up").out.startswith("Already at the start of the file.")


def test_scrolling_needs_an_open_file(tools):
    result = tools("scroll_down")
    assert result.code == 1 and "no file is open" in result.out


# ------------------------------------------------------------------ state


def test_state_persists_across_invocations_in_the_state_file(tools):
    path = lines_file(tools)
    tools("open", "f.txt", "60")
    state = json.loads(open(tools.env["SWE_RL_TOOLS_STATE"]).read())
    assert state == {"file": str(path), "first_line": 10}
    assert "(109 more lines above)\n110:line 110" in tools("scroll_down").out


def test_a_damaged_state_file_means_no_open_file(tools):
    with open(tools.env["SWE_RL_TOOLS_STATE"], "w") as handle:
        handle.write("{not json")
    assert "no file is open" in tools("scroll_down").out


def test_the_open_file_is_absolute_so_it_survives_a_change_of_directory(tools):
    path = lines_file(tools, count=3)
    tools("open", "f.txt")
    (tools.workdir / "sub").mkdir()
    tools.workdir = tools.workdir / "sub"
    assert tools("goto", "2").out.startswith("[File: {} (3 lines total)]".format(path))


def test_a_deleted_open_file_is_reported(tools):
    path = lines_file(tools, count=3)
    tools("open", "f.txt")
    path.unlink()
    assert "no longer exists" in tools("scroll_down").out


# ------------------------------------------------------------------ create


def test_create_makes_an_empty_file_and_opens_it(tools):
    result = tools("create", "pkg/new_mod.py")
    assert result.code == 0
    assert tools.read("pkg/new_mod.py") == ""
    assert "new_mod.py (0 lines total)]" in result.out
    assert tools("edit", "1:0", stdin="x = 1\n").code == 0
    assert tools.read("pkg/new_mod.py") == "x = 1\n"


def test_create_refuses_an_existing_file(tools):
    tools.write("a.py", "keep\n")
    result = tools("create", "a.py")
    assert result.code == 1 and "already exists" in result.out
    assert tools.read("a.py") == "keep\n"


def test_create_takes_content_from_stdin(tools):
    assert tools("create", "b.txt", stdin="one\n  two\n").code == 0
    assert tools.read("b.txt") == "one\n  two\n"


# ------------------------------------------------------------------ edit


def test_edit_replaces_a_range_with_literal_whitespace(tools):
    tools.write("m.py", "def f(x):\n    return x\n\nprint(f(1))\n")
    tools("open", "m.py")
    body = "    if x is None:  \n\treturn 0\n        return x\n"
    result = tools("edit", "2:2", stdin=body)
    assert result.code == 0
    assert tools.read("m.py") == "def f(x):\n" + body + "\nprint(f(1))\n"
    assert "Replaced line 2 of" in result.out and "with 3 lines." in result.out
    assert "2:    if x is None:  \n3:\treturn 0\n4:        return x\n" in result.out


def test_edit_inserts_when_end_is_start_minus_one(tools):
    tools.write("t.txt", "a\nb\nc\n")
    tools("open", "t.txt")
    assert "Inserted 1 line before line 1" in tools("edit", "1:0", stdin="top\n").out
    tools("edit", "3:2", stdin="middle\n")
    tools("edit", "6:5", stdin="end\n")
    assert tools.read("t.txt") == "top\na\nmiddle\nb\nc\nend\n"


def test_edit_delete_removes_the_range(tools):
    tools.write("t.txt", "a\nb\nc\nd\n")
    tools("open", "t.txt")
    result = tools("edit", "--delete", "2:3")
    assert "Deleted lines 2-3" in result.out
    assert tools.read("t.txt") == "a\nd\n"


def test_edit_with_empty_input_is_an_error_pointing_at_delete(tools):
    tools.write("t.txt", "a\nb\n")
    tools("open", "t.txt")
    result = tools("edit", "2:2", stdin="")
    assert result.code == 1 and "edit --delete 2:2" in result.out
    assert tools.read("t.txt") == "a\nb\n"


def test_edit_adds_the_missing_final_newline_of_the_body(tools):
    tools.write("t.txt", "a\nb\nc\n")
    tools("edit", "--file", "t.txt", "2:2", stdin="B")
    assert tools.read("t.txt") == "a\nB\nc\n"


def test_edit_keeps_a_file_without_final_newline_that_way(tools):
    tools.write("t.txt", "a\nb")
    tools("open", "t.txt")
    tools("edit", "2:2", stdin="B\n")
    assert tools.read("t.txt") == "a\nB"


def test_edit_keeps_crlf_line_endings_and_foreign_bytes(tools):
    tools.write("w.txt", b"caf\xe9\r\nb\r\nc\r\n")
    tools("open", "w.txt")
    tools("edit", "2:2", stdin="B\nB2\n")
    assert (tools.workdir / "w.txt").read_bytes() == b"caf\xe9\r\nB\r\nB2\r\nc\r\n"


def test_only_newline_ends_a_line(tools):
    tools.write("ff.txt", "a\x0cb\nc\u2028d\n")
    out = tools("open", "ff.txt").out
    assert "(2 lines total)" in out
    tools("edit", "2:2", stdin="C\n")
    assert tools.read("ff.txt") == "a\x0cb\nC\n"


def test_edit_rejects_bad_ranges_and_leaves_the_file_alone(tools):
    tools.write("t.txt", "a\nb\nc\n")
    tools("open", "t.txt")
    for bad in ("0:1", "3:1", "2:4", "5:4", "x:2", "2", "1:y"):
        result = tools("edit", bad, stdin="new\n")
        assert result.code == 1, bad
        assert result.out.startswith("Error: "), bad
    assert "START must be 1..4" in tools("edit", "2:4", stdin="x\n").out
    assert tools.read("t.txt") == "a\nb\nc\n"


def test_edit_needs_an_open_file_or_an_existing_path(tools):
    assert "no file is open" in tools("edit", "1:1", stdin="x\n").out
    missing = tools("edit", "--file", "gone.py", "1:1", stdin="x\n")
    assert missing.code == 1 and "does not exist" in missing.out and "create" in missing.out


def test_edit_without_stdin_is_an_error_not_a_deletion(tools):
    tools.write("t.txt", "a\nb\n")
    tools("open", "t.txt")
    result = tools("edit", "1:1")
    assert result.code == 1 and "heredoc" in result.out
    assert tools.read("t.txt") == "a\nb\n"


def test_edit_with_file_option_opens_that_file(tools):
    tools.write("one.txt", "1\n")
    other = tools.write("two.txt", "2\n")
    tools("open", "one.txt")
    tools("edit", "--file", "two.txt", "1:1", stdin="II\n")
    assert tools.read("two.txt") == "II\n" and tools.read("one.txt") == "1\n"
    assert tools("open").out.startswith("[File: {}".format(other))


def test_edit_shows_only_the_region_around_the_change(tools):
    lines_file(tools, "big.txt", 300)
    tools("open", "big.txt")
    out = tools("edit", "150:150", stdin="changed\n").out
    assert "(144 more lines above)\n145:line 145\n" in out
    assert "150:changed\n" in out
    assert "155:line 155\n(145 more lines below)" in out


def test_edit_warns_when_a_python_file_stops_compiling(tools):
    tools.write("m.py", "def f():\n    return 1\n")
    tools("open", "m.py")
    result = tools("edit", "2:2", stdin="  return (1\n")
    assert result.code == 0
    assert "Warning: " in result.out and "no longer compiles" in result.out
    assert "line 2" in result.out
    assert tools.read("m.py") == "def f():\n  return (1\n"


def test_edit_does_not_warn_for_valid_code_or_an_already_broken_file(tools):
    tools.write("m.py", "def f():\n    return 1\n")
    tools("open", "m.py")
    assert "Warning" not in tools("edit", "2:2", stdin="    return 2\n").out
    tools.write("old.py", "print 'python 2'\nx = 1\n")
    assert "Warning" not in tools("edit", "--file", "old.py", "2:2", stdin="x = (\n").out


# ------------------------------------------------------------------ replace


def test_replace_changes_a_unique_occurrence(tools):
    tools.write("m.py", "a = 1\nb = 2\n")
    tools("open", "m.py")
    result = tools("replace", "b = 2", "b = 20")
    assert result.code == 0 and "Replaced 1 occurrence" in result.out and "(line 2)" in result.out
    assert tools.read("m.py") == "a = 1\nb = 20\n"


def test_replace_refuses_an_ambiguous_search_and_says_where(tools):
    tools.write("m.py", "x = 1\ny = 2\nx = 1\nx = 1\n")
    tools("open", "m.py")
    result = tools("replace", "x = 1", "x = 3")
    assert result.code == 1
    assert "occurs 3 times" in result.out and "lines 1, 3, 4" in result.out and "--replace-all" in result.out
    assert tools.read("m.py") == "x = 1\ny = 2\nx = 1\nx = 1\n"


def test_replace_all_changes_every_occurrence(tools):
    tools.write("m.py", "x = 1\ny = 2\nx = 1\n")
    result = tools("replace", "--file", "m.py", "--replace-all", "x = 1", "x = 3")
    assert "Replaced 2 occurrences" in result.out and "lines 1, 3" in result.out
    assert tools.read("m.py") == "x = 3\ny = 2\nx = 3\n"


def test_replace_reports_absent_text_with_a_whitespace_hint(tools):
    tools.write("m.py", "def f():\n    return 1\n")
    tools("open", "m.py")
    absent = tools("replace", "return 2", "return 3")
    assert absent.code == 1 and "not found" in absent.out and "whitespace" not in absent.out
    hinted = tools("replace", "def f():\n  return 1", "x")
    assert "matches at line 1 if leading and trailing whitespace is ignored" in hinted.out
    assert tools("replace", "", "x").code == 1


def test_replace_reads_search_and_replacement_from_stdin(tools):
    tools.write("m.py", "def f(a):\n    if a:\n        return 1\n    return 0\n")
    tools("open", "m.py")
    block = (
        "<<<<<<< SEARCH\n    if a:\n        return 1\n=======\n"
        "    if a is not None:\n        return 'one'\n>>>>>>> REPLACE\n"
    )
    assert tools("replace", stdin=block).code == 0
    assert tools.read("m.py") == "def f(a):\n    if a is not None:\n        return 'one'\n    return 0\n"


def test_replace_stdin_form_errors(tools):
    tools.write("m.py", "x\n")
    tools("open", "m.py")
    assert "must start with" in tools("replace", stdin="x\n=======\ny\n").out
    two = tools("replace", stdin="<<<<<<< SEARCH\nx\n=======\n=======\ny\n>>>>>>> REPLACE\n")
    assert two.code == 1 and "found 2" in two.out
    assert "two arguments" in tools("replace").out


def test_replace_accepts_text_starting_with_a_dash_after_double_dash(tools):
    tools.write("cli.sh", "run --verbose\n")
    tools("open", "cli.sh")
    assert tools("replace", "--", "--verbose", "--quiet").code == 0
    assert tools.read("cli.sh") == "run --quiet\n"


def test_replace_in_a_crlf_file_matches_multi_line_text(tools):
    tools.write("w.txt", b"a\r\nb\r\nc\r\n")
    tools("open", "w.txt")
    assert tools("replace", "a\nb", "A\nB").code == 0
    assert (tools.workdir / "w.txt").read_bytes() == b"A\r\nB\r\nc\r\n"


def test_replace_warns_when_a_python_file_stops_compiling(tools):
    tools.write("m.py", "x = [1, 2]\n")
    tools("open", "m.py")
    assert "no longer compiles" in tools("replace", "2]", "2").out


# ------------------------------------------------------------------ search_file


def test_search_file_lists_matching_lines_of_the_open_file(tools):
    tools.write("m.py", "import os\ndef f():\n    return os.getcwd()\n")
    tools("open", "m.py")
    out = tools("search_file", "os").out
    assert out.startswith('Found 2 matches for "os" in ')
    assert "Line 1: import os\nLine 3:     return os.getcwd()\n" in out


def test_search_file_in_a_given_file_and_without_matches(tools):
    tools.write("a.txt", "alpha\nbeta\n")
    assert "Line 2: beta" in tools("search_file", "beta", "a.txt").out
    none = tools("search_file", "gamma", "a.txt")
    assert none.code == 0 and none.out.startswith('No matches for "gamma"')
    assert "no file is open" in tools("search_file", "x").out


def test_search_file_caps_the_matches_shown(tools):
    tools.write("many.txt", "hit\n" * 80 + "x" * 1000 + " hit\n")
    out = tools("search_file", "hit", "many.txt").out
    assert "Found 81 matches" in out
    assert "Line 50: hit" in out and "Line 51:" not in out
    assert "(31 more matches not shown" in out


def test_search_file_is_literal_and_case_sensitive(tools):
    tools.write("r.txt", "a.b\naxb\nA.B\n")
    out = tools("search_file", "a.b", "r.txt").out
    assert "Found 1 match " in out and "Line 1: a.b" in out


# ------------------------------------------------------------------ misc


def test_submit_stub_explains_that_submit_must_stand_alone(tools):
    result = tools("submit")
    assert result.code == 1 and "alone" in result.out


def test_unknown_tool_prints_usage(tools):
    result = tools("frobnicate")
    assert result.code == 2 and "usage" in result.out


def test_an_unwritable_state_file_warns_but_keeps_the_edit(tools, tmp_path):
    tools.write("t.txt", "a\n")
    tools.env["SWE_RL_TOOLS_STATE"] = str(tmp_path / "missing-dir" / "state.json")
    result = tools("edit", "--file", "t.txt", "1:1", stdin="b\n")
    assert result.code == 0
    assert "could not save" in result.out
    assert tools.read("t.txt") == "b\n"
