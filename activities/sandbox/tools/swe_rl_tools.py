"""File tools of the swe-rl agent (SWE-agent style), run inside the sandbox.

Usage: python3 swe_rl_tools.py TOOL [ARGS...]. Each tool call is a separate process (every agent
command is its own `docker exec`), so the open file and the window position live in a small JSON
state file ($SWE_RL_TOOLS_STATE, default /tmp/.swe_rl_tools_state.json).

Standard library only, and no syntax newer than Python 3.5: task images run the repository's own
Python, which can be old.
"""

import io
import json
import os
import sys
import warnings

DEFAULT_STATE_FILE = "/tmp/.swe_rl_tools_state.json"
DEFAULT_WINDOW = 100
MAX_SEARCH_MATCHES = 50
MAX_SHOWN_LINE_CHARS = 300
EDIT_CONTEXT_LINES = 5


class ToolError(Exception):
    """An error the agent caused; printed as `Error: ...` with exit status 1."""


# ---------------------------------------------------------------- text and files


def to_text(raw):
    # surrogateescape keeps undecodable bytes, so an edit never changes bytes it did not touch.
    return raw.decode("utf-8", "surrogateescape")


def to_bytes(text):
    return text.encode("utf-8", "surrogateescape")


def argument_text(arg):
    """Command-line arguments as UTF-8 even when the interpreter runs in the C locale."""
    return to_text(os.fsencode(arg))


def split_lines(text):
    """Lines with their endings; only \\n ends a line (unlike str.splitlines), as in grep and git."""
    if text == "":
        return []
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1] != "":
        lines.append(parts[-1])
    return lines


def shown(line):
    return line.rstrip("\n").rstrip("\r")


def absolute(path):
    return os.path.normpath(os.path.join(os.getcwd(), path))


def read_lines(path):
    if not os.path.exists(path):
        raise ToolError("file {} does not exist (use `create FILE` to make a new file)".format(path))
    if os.path.isdir(path):
        raise ToolError("{} is a directory, not a file (use `ls` to list it)".format(path))
    with open(path, "rb") as handle:
        return split_lines(to_text(handle.read()))


def write_lines(path, lines):
    with open(path, "wb") as handle:
        handle.write(to_bytes("".join(lines)))


def line_ending_of(lines):
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


def python_syntax_error(path, lines):
    """The SyntaxError message of a Python file, or None when it compiles (or is not Python)."""
    if not path.endswith(".py"):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(to_bytes("".join(lines)), path, "exec", dont_inherit=True)
        except SyntaxError as err:
            where = " (line {})".format(err.lineno) if err.lineno else ""
            detail = "\n    " + err.text.rstrip() if err.text and err.text.strip() else ""
            return "{}: {}{}{}".format(type(err).__name__, err.msg, where, detail)
        except (ValueError, TypeError) as err:
            return "{}: {}".format(type(err).__name__, err)
    return None


# ---------------------------------------------------------------- state


def state_path():
    return os.environ.get("SWE_RL_TOOLS_STATE") or DEFAULT_STATE_FILE


def window_size():
    try:
        return max(1, int(os.environ.get("SWE_RL_TOOLS_WINDOW", DEFAULT_WINDOW)))
    except ValueError:
        return DEFAULT_WINDOW


def load_state():
    try:
        with open(state_path(), "r") as handle:
            state = json.load(handle)
        if isinstance(state, dict):
            return state
    except (OSError, IOError, ValueError):
        pass
    return {}


def save_state(path, first_line):
    target = state_path()
    temporary = "{}.{}.tmp".format(target, os.getpid())
    try:
        with open(temporary, "w") as handle:
            json.dump({"file": path, "first_line": first_line}, handle)
        os.replace(temporary, target)
    except (OSError, IOError) as err:
        # The file change itself has happened; only the window position is lost.
        emit("Warning: could not save the open file and window position: {}".format(err))


def current_file():
    path = load_state().get("file")
    if not path:
        raise ToolError("no file is open; open one first with `open FILE`")
    if not os.path.isfile(path):
        raise ToolError("the open file {} no longer exists; open another with `open FILE`".format(path))
    return path


def current_first_line():
    try:
        return int(load_state().get("first_line", 1))
    except (TypeError, ValueError):
        return 1


# ---------------------------------------------------------------- the window


def clamp_first_line(first_line, total):
    return max(1, min(first_line, total - window_size() + 1))


def centred_first_line(line, total):
    return clamp_first_line(line - window_size() // 2, total)


def render_lines(path, lines, first_line, count):
    total = len(lines)
    last_line = min(total, first_line + count - 1)
    out = ["[File: {} ({} lines total)]".format(path, total)]
    if total == 0:
        out.append("(this file is empty)")
    if first_line > 1:
        out.append("({} more lines above)".format(first_line - 1))
    for number in range(first_line, last_line + 1):
        out.append("{}:{}".format(number, shown(lines[number - 1])))
    if last_line < total:
        out.append("({} more lines below)".format(total - last_line))
    return "\n".join(out)


def show_and_remember(path, lines, first_line):
    first_line = clamp_first_line(first_line, len(lines))
    save_state(path, first_line)
    emit(render_lines(path, lines, first_line, window_size()))


def parse_line_number(text, what):
    try:
        number = int(text)
    except ValueError:
        raise ToolError("{} must be a line number, got {!r}".format(what, text))
    if number < 1:
        raise ToolError("{} must be at least 1, got {}".format(what, number))
    return number


# ---------------------------------------------------------------- tools


def tool_open(args):
    if len(args) > 2:
        raise ToolError("usage: open FILE [LINE]")
    if not args:
        path = current_file()
        show_and_remember(path, read_lines(path), current_first_line())
        return
    path = absolute(args[0])
    lines = read_lines(path)
    if len(args) == 1:
        show_and_remember(path, lines, 1)
        return
    line = parse_line_number(args[1], "LINE")
    if line > max(1, len(lines)):
        emit("Warning: line {} is past the end of the file; showing its last lines.".format(line))
        line = len(lines)
    show_and_remember(path, lines, centred_first_line(line, len(lines)))


def tool_goto(args):
    if len(args) != 1:
        raise ToolError("usage: goto LINE")
    line = parse_line_number(args[0], "LINE")
    path = current_file()
    lines = read_lines(path)
    if line > len(lines):
        raise ToolError("line {} is past the end of {} ({} lines)".format(line, path, len(lines)))
    show_and_remember(path, lines, centred_first_line(line, len(lines)))


def tool_scroll(args, direction):
    if args:
        raise ToolError("scroll_down and scroll_up take no arguments")
    path = current_file()
    lines = read_lines(path)
    before = clamp_first_line(current_first_line(), len(lines))
    after = clamp_first_line(before + direction * window_size(), len(lines))
    if after == before:
        emit("Already at the {} of the file.".format("end" if direction > 0 else "start"))
    show_and_remember(path, lines, after)


def tool_create(args):
    if len(args) != 1:
        raise ToolError("usage: create FILE")
    path = absolute(args[0])
    if os.path.exists(path):
        raise ToolError("{} already exists; open it with `open {}`".format(path, args[0]))
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        os.makedirs(parent)
    content = stdin_text_or_none() or ""
    with open(path, "wb") as handle:
        handle.write(to_bytes(content))
    show_and_remember(path, split_lines(content), 1)


def tool_edit(args):
    path, rest, flags = parse_options(args, ("--delete",))
    if len(rest) != 1:
        raise ToolError(
            "usage: edit [--file PATH] START:END, with the new lines on stdin "
            "(edit START:END <<'EOF' ... EOF), or edit [--file PATH] --delete START:END"
        )
    start, end = parse_range(rest[0])
    path = path or current_file()
    lines = read_lines(path)
    check_range(start, end, len(lines), path)
    if "--delete" in flags:
        new_lines = []
    else:
        new_lines = replacement_lines(stdin_text_or_none(), lines, end, start)
    error_before = python_syntax_error(path, lines)
    lines[start - 1 : end] = new_lines
    write_lines(path, lines)
    emit(describe_edit(path, start, end, len(new_lines)))
    warn_if_broken(path, lines, error_before)
    show_region(path, lines, start, len(new_lines))


def tool_replace(args):
    path, rest, flags = parse_options(args, ("--replace-all",))
    replace_all = "--replace-all" in flags
    if len(rest) == 2:
        search, replacement = rest
    elif not rest:
        search, replacement = search_and_replacement_from_stdin()
    else:
        raise ToolError(
            "usage: replace [--file PATH] [--replace-all] [--] SEARCH REPLACE, or the two texts on "
            "stdin between <<<<<<< SEARCH, ======= and >>>>>>> REPLACE lines"
        )
    if search == "":
        raise ToolError("SEARCH must not be empty")
    path = path or current_file()
    lines = read_lines(path)
    if line_ending_of(lines) == "\r\n" and "\r" not in search:
        search, replacement = search.replace("\n", "\r\n"), replacement.replace("\n", "\r\n")
    text = "".join(lines)
    starts = occurrences(text, search)
    if not starts:
        raise ToolError(not_found_message(path, text, search))
    line_numbers = line_numbers_of(text, starts)
    if len(starts) > 1 and not replace_all:
        raise ToolError(
            "SEARCH occurs {} times in {} (lines {}); add surrounding lines to make it unique, "
            "or pass --replace-all".format(len(starts), path, list_numbers(line_numbers))
        )
    error_before = python_syntax_error(path, lines)
    new_lines = split_lines(text.replace(search, replacement))
    write_lines(path, new_lines)
    emit("Replaced {} occurrence{} in {} (line{} {}).".format(
        len(starts), plural(len(starts)), path, plural(len(starts)), list_numbers(line_numbers)))
    warn_if_broken(path, new_lines, error_before)
    show_region(path, new_lines, line_numbers[0], replacement.count("\n") + 1)


def tool_search_file(args):
    if len(args) not in (1, 2):
        raise ToolError("usage: search_file TERM [FILE]")
    term = args[0]
    if term == "":
        raise ToolError("TERM must not be empty")
    path = absolute(args[1]) if len(args) == 2 else current_file()
    lines = read_lines(path)
    matches = [(number, line) for number, line in enumerate(lines, 1) if term in line]
    if not matches:
        emit('No matches for "{}" in {}'.format(term, path))
        return
    out = ['Found {} match{} for "{}" in {}:'.format(
        len(matches), "" if len(matches) == 1 else "es", term, path)]
    for number, line in matches[:MAX_SEARCH_MATCHES]:
        text = shown(line)
        if len(text) > MAX_SHOWN_LINE_CHARS:
            text = text[:MAX_SHOWN_LINE_CHARS] + " ...(line truncated)"
        out.append("Line {}: {}".format(number, text))
    if len(matches) > MAX_SEARCH_MATCHES:
        out.append("({} more matches not shown; use a more specific term)".format(
            len(matches) - MAX_SEARCH_MATCHES))
    emit("\n".join(out))


def tool_submit(args):
    raise ToolError(
        "`submit` was not run: it ends the episode only when it is the whole command block, "
        "alone, in a reply of its own"
    )


# ---------------------------------------------------------------- edit helpers


def parse_options(args, flags=()):
    """`--file PATH` and the given flags, anywhere before `--`; everything else is positional."""
    path, positional, seen, index = None, [], set(), 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            positional.extend(args[index + 1 :])
            break
        if arg == "--file":
            if index + 1 >= len(args):
                raise ToolError("--file needs a PATH")
            path = absolute(args[index + 1])
            index += 2
            continue
        if arg in flags:
            seen.add(arg)
        else:
            positional.append(arg)
        index += 1
    return path, positional, seen


def parse_range(text):
    if ":" not in text:
        raise ToolError("the line range must be START:END (for example 12:14), got {!r}".format(text))
    first, last = text.split(":", 1)
    try:
        return int(first), int(last)
    except ValueError:
        raise ToolError("the line range must be two numbers START:END, got {!r}".format(text))


def check_range(start, end, total, path):
    if 1 <= start <= total + 1 and start - 1 <= end <= total:
        return
    raise ToolError(
        "line range {}:{} does not fit {} ({} lines). START must be 1..{}, END must be START..{} "
        "to replace lines START to END, or START-1 to insert before START".format(
            start, end, path, total, total + 1, total)
    )


def stdin_text_or_none():
    """Text piped to the tool, or None when stdin is a terminal or /dev/null (nothing was given)."""
    try:
        if sys.stdin is None or sys.stdin.isatty() or stdin_is_dev_null():
            return None
        return to_text(sys.stdin.buffer.read())
    except (OSError, IOError, ValueError):
        return None


def stdin_is_dev_null():
    try:
        given, null = os.fstat(sys.stdin.fileno()), os.stat(os.devnull)
    except (OSError, IOError, ValueError):
        return False
    return (given.st_dev, given.st_ino) == (null.st_dev, null.st_ino)


def replacement_lines(body, lines, end, start):
    """The heredoc body as lines in the file's own line-ending style, whitespace kept as written."""
    # An empty heredoc reaches us as /dev/null, the same as no heredoc at all, so neither can
    # mean "delete": a forgotten heredoc must not silently remove lines.
    if not body:
        raise ToolError(
            "edit got no new lines on stdin; write them as a heredoc:\n"
            "edit {0}:{1} <<'EOF'\n<new lines>\nEOF\n"
            "To delete lines {0}-{1}, use: edit --delete {0}:{1}".format(start, end)
        )
    ending = line_ending_of(lines)
    new_lines = [line[:-1] + ending if line.endswith("\n") and not line.endswith("\r\n") else line
                 for line in split_lines(body)]
    if not new_lines[-1].endswith("\n"):
        new_lines[-1] += ending
    # Keep a file without a final newline that way, so the diff shows only the intended change.
    if lines and end == len(lines) and not lines[-1].endswith("\n"):
        new_lines[-1] = new_lines[-1].rstrip("\n").rstrip("\r")
    return new_lines


def describe_edit(path, start, end, added):
    if end < start:
        if added == 0:
            return "Nothing to delete: {}:{} is an empty range.".format(start, end)
        return "Inserted {} line{} before line {} of {}.".format(added, plural(added), start, path)
    lines = "line {}".format(start) if start == end else "lines {}-{}".format(start, end)
    if added == 0:
        return "Deleted {} of {}.".format(lines, path)
    return "Replaced {} of {} with {} line{}.".format(lines, path, added, plural(added))


def show_region(path, lines, first_changed, changed_count):
    """The changed lines with a few lines of context, not a whole window: observations stay short."""
    first_line = max(1, first_changed - EDIT_CONTEXT_LINES)
    last_line = min(len(lines), first_changed + changed_count - 1 + EDIT_CONTEXT_LINES)
    count = max(1, min(window_size(), last_line - first_line + 1))
    text = render_lines(path, lines, first_line, count)
    save_state(path, clamp_first_line(first_line, len(lines)))
    emit(text)


def warn_if_broken(path, lines, error_before):
    if error_before is not None:
        return
    error_after = python_syntax_error(path, lines)
    if error_after is not None:
        emit(
            "Warning: {} no longer compiles after this change:\n  {}\n"
            "The change was applied; fix it with another edit if it was not intended.".format(
                path, error_after)
        )


def search_and_replacement_from_stdin():
    body = stdin_text_or_none()
    if body is None:
        raise ToolError(
            "replace needs SEARCH and REPLACE as two arguments, or on stdin as:\n"
            "replace <<'EOF'\n<<<<<<< SEARCH\n<old text>\n=======\n<new text>\n>>>>>>> REPLACE\nEOF"
        )
    lines = body.split("\n")
    while lines and lines[-1].strip() == "":
        lines.pop()
    if not lines or lines[0].strip() != "<<<<<<< SEARCH" or lines[-1].strip() != ">>>>>>> REPLACE":
        raise ToolError(
            "the stdin form of replace must start with a `<<<<<<< SEARCH` line and end with a "
            "`>>>>>>> REPLACE` line, with a `=======` line between the old and the new text"
        )
    inner = lines[1:-1]
    dividers = [index for index, line in enumerate(inner) if line.rstrip("\r") == "======="]
    if len(dividers) != 1:
        raise ToolError(
            "the stdin form of replace needs exactly one `=======` line between the old and the new "
            "text, found {}; if the text itself has such a line, pass SEARCH and REPLACE as "
            "arguments instead".format(len(dividers))
        )
    divider = dividers[0]
    return "\n".join(inner[:divider]), "\n".join(inner[divider + 1 :])


def occurrences(text, search):
    found, start = [], text.find(search)
    while start != -1:
        found.append(start)
        start = text.find(search, start + len(search))
    return found


def not_found_message(path, text, search):
    message = "SEARCH text not found in {}".format(path)
    near = line_matching_without_indentation(text, search)
    if near is not None:
        message += (
            " (it matches at line {} if leading and trailing whitespace is ignored; "
            "whitespace must match exactly)".format(near)
        )
    return message


def line_matching_without_indentation(text, search):
    wanted = [line.strip() for line in search.strip("\n").split("\n")]
    have = [line.strip() for line in text.split("\n")]
    if not any(wanted):
        return None
    for start in range(len(have) - len(wanted) + 1):
        if have[start] == wanted[0] and have[start : start + len(wanted)] == wanted:
            return start + 1
    return None


def line_numbers_of(text, offsets):
    """1-based line numbers of ascending offsets, in one pass over the text."""
    numbers, line, counted_to = [], 1, 0
    for offset in offsets:
        line += text.count("\n", counted_to, offset)
        counted_to = offset
        numbers.append(line)
    return numbers


def list_numbers(numbers):
    shown_numbers = ", ".join(str(n) for n in numbers[:20])
    return shown_numbers + (", ..." if len(numbers) > 20 else "")


def plural(count):
    return "" if count == 1 else "s"


# ---------------------------------------------------------------- entry point


def emit(text):
    sys.stdout.write(text + "\n")


TOOLS = {
    "open": tool_open,
    "goto": tool_goto,
    "scroll_down": lambda args: tool_scroll(args, 1),
    "scroll_up": lambda args: tool_scroll(args, -1),
    "create": tool_create,
    "edit": tool_edit,
    "replace": tool_replace,
    "search_file": tool_search_file,
    "submit": tool_submit,
}


def main(argv):
    if not argv or argv[0] not in TOOLS:
        sys.stderr.write("usage: swe_rl_tools.py {{{}}} [ARGS...]\n".format(",".join(sorted(TOOLS))))
        return 2
    # UTF-8 whatever the locale; undecodable bytes of a file show as U+FFFD.
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="replace")
    try:
        TOOLS[argv[0]]([argument_text(arg) for arg in argv[1:]])
    except ToolError as err:
        emit("Error: {}".format(err))
        return 1
    except (OSError, IOError) as err:
        emit("Error: {}".format(err))
        return 1
    finally:
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
