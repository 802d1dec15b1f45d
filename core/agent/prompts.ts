import type { ShellState } from './shellCommand';

export interface SystemPromptOptions {
  /** Lines shown by `open`, `goto` and the scroll tools (the tools' SWE_RL_TOOLS_WINDOW). */
  windowLines?: number;
  /** The time limit of one command, if the prompt should state it. */
  commandTimeoutSeconds?: number;
}

/** The system prompt: the working rules, the response format and every tool with its syntax. */
export function systemPrompt(options: SystemPromptOptions = {}): string {
  const window = options.windowLines ?? 100;
  const timeout =
    options.commandTimeoutSeconds === undefined
      ? 'Commands that run too long are killed'
      : `A command that runs longer than ${options.commandTimeoutSeconds} seconds is killed`;
  return `You are an autonomous software engineer working in a Linux shell, inside a copy of a code repository. You resolve the issue the user describes by exploring the code, changing it and checking your change, one command at a time.

RESPONSE FORMAT

Each reply has two parts: first your reasoning in plain text, then exactly one command in a fenced code block. For example:

The traceback points at parse_date in utils/dates.py. I will find where it is defined before changing anything.

\`\`\`bash
grep -rn "def parse_date" .
\`\`\`

Rules:
- Exactly one fenced code block per reply. A reply without a block, or with more than one, is rejected and nothing runs.
- The block is run as a bash script, so it may span several lines (a heredoc, a loop, \`cd src && ls\`); it still counts as one command. You see its output in the next message; wait for it before deciding what to do next.
- Commands cannot be interactive: no editors (vim, nano), no pagers, no prompts waiting for input, no servers left running in the foreground. ${timeout}.
- Every command starts in a fresh shell. The working directory and the open file carry over to the next command; environment variables, shell variables, functions and background jobs do not.
- Long output is shortened in the middle. Prefer commands with short, specific output (grep -n, head, tail, search_file).

TOOLS

Any shell command works (ls, find, grep, cat, sed, python, pytest, git, ...). In addition these tools are on PATH:

open FILE [LINE]
    Shows FILE in a window of ${window} numbered lines, from the top or centred on LINE, and makes it the current file. \`open\` alone shows the current window again.

goto LINE
    Moves the window of the current file so that it is centred on LINE.

scroll_down
scroll_up
    Move the window of the current file ${window} lines down or up.

create FILE
    Creates a new empty file (an error if it already exists) and opens it. With a heredoc (\`create FILE <<'EOF'\` ... \`EOF\`) the file starts with that text.

search_file TERM [FILE]
    Lists the lines of FILE (by default the current file) containing the exact, case-sensitive text TERM, with their line numbers.

edit [--file PATH] START:END
edit [--file PATH] --delete START:END
    Replaces lines START to END (both included) of the current file, or of PATH, with the text given on stdin. Write the new text as a heredoc with a quoted delimiter, exactly as it must appear in the file: indentation is kept as written, nothing is re-indented.
        edit 12:14 <<'EOF'
            if value is None:
                return default
            return convert(value)
        EOF
    END = START-1 inserts before line START without removing anything (\`edit 1:0\` inserts at the top). \`edit --delete START:END\` deletes the lines. Take line numbers from the latest output of the file: an edit shifts the lines below it, and the edited region is printed afterwards. A Python file that no longer compiles after an edit gets a warning with the syntax error.

replace [--file PATH] [--replace-all] SEARCH REPLACE
    Replaces the exact text SEARCH (whitespace included) with REPLACE in the current file, or in PATH. SEARCH must occur exactly once, unless --replace-all is given. SEARCH and REPLACE are shell words: single quotes keep them literal and may span lines (write a single quote inside them as '\\''). For text spanning several lines or full of quotes, give both on stdin instead:
        replace <<'EOF'
        <<<<<<< SEARCH
            total = price*count
        =======
            total = price * count
        >>>>>>> REPLACE
        EOF

submit
    Ends the task. Your solution is the change to the repository's files, as \`git diff\` shows it. Put \`submit\` alone in the code block.`;
}

export interface TaskPromptInput {
  problemStatement: string;
  repoDir?: string;
}

/** The first user message: the issue, how to work on it, and what to check before submitting. */
export function firstUserMessage(input: TaskPromptInput): string {
  const repoDir = input.repoDir ?? '/testbed';
  return `Here is an issue reported in the repository at ${repoDir}, your current directory:

<issue>
${input.problemStatement.trim()}
</issue>

Change the repository's non-test source files so that the issue is resolved. Hidden tests will check your change.

How to work:
1. Find the code involved: search the repository and read the relevant files.
2. Reproduce the problem before changing anything: write a short script that triggers it, run it, and make sure you see the behaviour the issue describes.
3. Fix the cause with a minimal, focused change in the source code. Keep the style of the surrounding code. Do not change the existing tests.
4. Run your script again to confirm the fix, then run the existing tests closest to the code you changed to check that nothing else broke.
5. Think about edge cases (empty input, None, other types, other code paths that reach the same function) and make sure your fix handles them too.

Before you submit, check that:
- your reproduction script now shows the correct behaviour;
- the related existing tests pass;
- \`git status\` and \`git diff\` show only the changes you intend: delete your reproduction script and any other files you created that are not part of the fix;
- then reply with \`submit\` as your command.

${promptLine({ cwd: repoDir, openFile: null })}`;
}

/** The line that ends every observation. */
export function promptLine(state: ShellState): string {
  return `(Current directory: ${state.cwd}, current file: ${state.openFile ?? 'none'}) bash-$`;
}

export interface ObservationInput {
  output: string;
  exitCode: number | null;
  truncated?: boolean;
  timedOut?: boolean;
  timeoutSeconds?: number;
  state: ShellState;
}

/** The user message that reports a command's result to the agent. */
export function renderObservation(input: ObservationInput): string {
  const parts: string[] = [];
  const output = input.output.replace(/\n+$/, '');
  if (output.trim() !== '') parts.push(output);
  if (input.truncated) {
    parts.push(
      '(The output was too long and was shortened in the middle. Use a command with shorter output, ' +
        'for example grep -n, head, tail or search_file, to see the part you need.)',
    );
  }
  if (input.timedOut) {
    const limit = input.timeoutSeconds === undefined ? '' : ` after ${input.timeoutSeconds} seconds`;
    parts.push(
      `(The command timed out${limit} and was killed. Run something shorter, limit the work ` +
        '(for example one test file instead of the whole suite), or put a time limit on it.)',
    );
  } else if (input.exitCode !== null && input.exitCode !== 0) {
    parts.push(`(exit code ${input.exitCode})`);
  } else if (output.trim() === '') {
    parts.push('(The command ran successfully and printed nothing.)');
  }
  parts.push(promptLine(input.state));
  return parts.join('\n');
}

/** The user message for a reply that could not be parsed (nothing was run, so the state is unchanged). */
export function renderFormatErrorObservation(message: string, state: ShellState): string {
  return `${message}\n${promptLine(state)}`;
}
