"""Deriving a git-style patch from two sdists, restricted to named files and, per file, named hunks.

Hunks are those of difflib.unified_diff (3 lines of context) between the base and the fixed file,
numbered from 0 in file order. The kept hunks are renumbered so the patch applies exactly.
"""
import difflib
import hashlib
import re

from .errors import RecipeError

CONTEXT = 3
_NULL = "0" * 40


def split_lines(text):
    """Lines with their "\\n" kept; only "\\n" ends a line (as in git), so "\\r" and form feeds stay inside."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def file_hunks(base_lines, fixed_lines):
    """The hunks of the base -> fixed diff, each a list of difflib opcodes."""
    matcher = difflib.SequenceMatcher(None, base_lines, fixed_lines)
    return list(matcher.get_grouped_opcodes(CONTEXT))


def _range(start, length):
    # As difflib and git write ranges: "start" for one line, "start-1,0" for none.
    if length == 1:
        return f"{start + 1}"
    if length == 0:
        return f"{start},0"
    return f"{start + 1},{length}"


def _body_line(prefix, line):
    if line.endswith("\n"):
        return prefix + line
    return prefix + line + "\n\\ No newline at end of file\n"


def render_hunks(base_lines, fixed_lines, hunks):
    """The text of the given hunks, renumbered as if only they were applied, and the patched lines."""
    text, result, delta, position = [], [], 0, 0
    for group in hunks:
        old_start, old_end = group[0][1], group[-1][2]
        new_len = sum(j2 - j1 for _, _, _, j1, j2 in group)
        old_len = old_end - old_start
        text.append(f"@@ -{_range(old_start, old_len)} +{_range(old_start + delta, new_len)} @@\n")
        result.extend(base_lines[position:old_start])
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                text.extend(_body_line(" ", line) for line in base_lines[i1:i2])
                result.extend(base_lines[i1:i2])
                continue
            text.extend(_body_line("-", line) for line in base_lines[i1:i2])
            text.extend(_body_line("+", line) for line in fixed_lines[j1:j2])
            result.extend(fixed_lines[j1:j2])
        position = old_end
        delta += new_len - old_len
    result.extend(base_lines[position:])
    return "".join(text), result


def _decode(instance_id, path, side, data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RecipeError(instance_id, f"{path} in the {side} sdist is not UTF-8 text; a patch cannot carry it") from None


def file_diff(instance_id, key, path, base, fixed, hunk_indices=None):
    """The git-style diff of one file; base/fixed are (bytes, executable) or None when absent."""
    if base is None and fixed is None:
        raise RecipeError(instance_id, f"{key}.files: {path} is in neither the base nor the fixed sdist")
    base_text = _decode(instance_id, path, "base", base[0]) if base else ""
    fixed_text = _decode(instance_id, path, "fixed", fixed[0]) if fixed else ""
    base_lines, fixed_lines = split_lines(base_text), split_lines(fixed_text)
    hunks = file_hunks(base_lines, fixed_lines)
    if hunk_indices is not None:
        for index in hunk_indices:
            if index >= len(hunks):
                raise RecipeError(
                    instance_id,
                    f"{key}.hunks[{path}]: hunk {index} is out of range: the diff of {path} has {len(hunks)} hunk(s) "
                    f"(indices 0-{len(hunks) - 1})" if hunks else f"{key}.hunks[{path}]: hunk {index} is out of range: the diff of {path} has no hunks",
                )
        hunks = [hunks[index] for index in sorted(set(hunk_indices))]
    body, result_lines = render_hunks(base_lines, fixed_lines, hunks)
    result = "".join(result_lines).encode("utf-8")
    mode = lambda entry: "100755" if entry[1] else "100644"  # noqa: E731

    header = [f"diff --git a/{path} b/{path}\n"]
    if base is None:
        header += [f"new file mode {mode(fixed)}\n", f"index {_NULL}..{blob_id(result)}\n"]
        names = ["--- /dev/null\n", f"+++ b/{path}\n"]
    elif fixed is None:
        header += [f"deleted file mode {mode(base)}\n", f"index {blob_id(base[0])}..{_NULL}\n"]
        names = [f"--- a/{path}\n", "+++ /dev/null\n"]
    else:
        if base[0] == fixed[0] and mode(base) == mode(fixed):
            raise RecipeError(instance_id, f"{key}.files: {path} is the same in the base and the fixed sdist")
        if mode(base) != mode(fixed):
            header += [f"old mode {mode(base)}\n", f"new mode {mode(fixed)}\n", f"index {blob_id(base[0])}..{blob_id(result)}\n"]
        else:
            header.append(f"index {blob_id(base[0])}..{blob_id(result)} {mode(base)}\n")
        names = [f"--- a/{path}\n", f"+++ b/{path}\n"]
    return "".join(header + (names + [body] if body else []))


def derive_patch(instance_id, key, selection, base_files, fixed_files):
    """The patch of a recipe's `patch` or `test_patch` selection, files in path order."""
    chosen = selection.get("hunks", {})
    return "".join(
        file_diff(instance_id, key, path, base_files.get(path), fixed_files.get(path), chosen.get(path))
        for path in sorted(selection["files"])
    )


def numbered_hunks(base, fixed):
    """Each hunk of one file's diff with its index, for choosing `hunks` (build.py --diff)."""
    base_lines = split_lines(base[0].decode("utf-8", "replace")) if base else []
    fixed_lines = split_lines(fixed[0].decode("utf-8", "replace")) if fixed else []
    return [render_hunks(base_lines, fixed_lines, [hunk])[0] for hunk in file_hunks(base_lines, fixed_lines)]
