import type { TestOutcome } from '../junitReport';
import { withArguments, withFlag } from './commandFlags';
import { logLines } from './logText';
import { recordOutcome } from './outcomeMap';
import type { TestRunCommandInput, TestRunner } from './types';

/** The command SWE-bench runs sympy's tests with. */
export const DEFAULT_SYMPY_CMD = "PYTHONWARNINGS='ignore::UserWarning,ignore::SyntaxWarning' bin/test -C --verbose";

/**
 * sympy's verbose status after a test name: `ok`, `F` failed, `E` exception, `T` timed out, `K`
 * interrupted, `s`/`w` skipped (w: slow), `f` expected failure, `X` unexpected pass. SWE-bench's
 * sympy parser records only ok, F and E, so `f` and `X` grade as not passed there: here `f` is
 * skipped (did not pass, did not break) and `X` failed, which grades the same way.
 */
const OUTCOME: Record<string, TestOutcome> = {
  ok: 'passed',
  F: 'failed',
  E: 'error',
  T: 'failed',
  K: 'error',
  s: 'skipped',
  w: 'skipped',
  f: 'skipped',
  X: 'failed',
};
const STATUS = '(ok|F|E|T|K|s|w|f|X)';
// `test_name ok`, `test_name F`, `test_name Slow w`, `test_name  - s` (a skip's reason precedes its letter).
const RESULT_LINE = new RegExp(`^(test_\\w+) (?:.* )?${STATUS}$`);
const TEST_ENTERED = /^(test_\w+)(?: (.*))?$/;
// The title of a traceback: `____ sympy/core/tests/test_basic.py:test_name ____` for an exception,
// `...test_basic.py::test_name ____` for a failed assertion.
const FAILURE_TITLE = /^_+ (\S+\.py)(::?)(test_\w+) _+$/;
// The file's verdict, right-aligned on the line of its last test: `test_last ok      [OK]`.
const FILE_VERDICT = /\s+\[(OK|FAIL)\]$/;
// A file's first line: `sympy/core/tests/test_basic.py[22] `.
const FILE_START = /^\S+\.py\[[\d?]+\]/;

/** sympy's `bin/test --verbose` on the test patch's files; ids are test function names. */
export const sympyRunner: TestRunner = {
  name: 'sympy',
  writesJunit: false,
  command(input: TestRunCommandInput): string {
    const given = input.testCmd.trim();
    const base = given.includes('bin/test') ? given : DEFAULT_SYMPY_CMD;
    const command = withFlag(base, /(^|\s)(-v|--verbose)(\s|$)/, '--verbose');
    return withArguments(command, input.testFiles.filter((file) => file.endsWith('.py')));
  },
  outcomes(testIds: string[], log: string): Record<string, TestOutcome> {
    const outcomes = parseSympyLog(log);
    return Object.fromEntries(testIds.map((id) => [id, outcomes.get(id.trim()) ?? 'missing']));
  },
};

/** Outcome of each test function a `bin/test --verbose` log names (worst when several files share a name). */
export function parseSympyLog(log: string): Map<string, TestOutcome> {
  const outcomes = new Map<string, TestOutcome>();
  // A test that prints leaves its status on a later line of its own.
  let pending: string | undefined;
  for (const raw of logLines(log)) {
    const line = raw.trim().replace(FILE_VERDICT, '');
    if (FILE_START.test(line)) {
      pending = undefined;
      continue;
    }
    const title = FAILURE_TITLE.exec(line);
    if (title) {
      recordOutcome(outcomes, title[3], title[2] === ':' ? 'error' : 'failed');
      continue;
    }
    const result = RESULT_LINE.exec(line);
    if (result) {
      recordOutcome(outcomes, result[1], OUTCOME[result[2]]);
      pending = undefined;
      continue;
    }
    const entered = TEST_ENTERED.exec(line);
    if (entered) {
      pending = entered[1];
      continue;
    }
    const status = new RegExp(`^${STATUS}$`).exec(line);
    if (pending && status) {
      recordOutcome(outcomes, pending, OUTCOME[status[1]]);
      pending = undefined;
    }
  }
  return outcomes;
}
