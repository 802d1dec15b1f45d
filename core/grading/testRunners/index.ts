/**
 * The test runners real repositories use: how to run an instance's tests and how to read each test's
 * outcome from what the run wrote. Conventions shared by all runners:
 * - a test reported several times (reruns, setup and teardown) keeps its worst outcome;
 * - an expected failure counts as passed (pytest XFAIL, unittest "expected failure"), as SWE-bench's
 *   grading counts XFAIL, except sympy's `f`, which SWE-bench's sympy parser does not count: skipped;
 * - ids the run does not name are 'missing', or 'error' when their module failed to import or their
 *   class / module fixture raised.
 */
import { djangoRunner } from './django';
import { DEFAULT_TEST_CMD, invokesPytest, pytestRunner } from './pytest';
import { sympyRunner } from './sympy';
import type { TestRunner, TestRunnerName } from './types';
import { unittestRunner } from './unittest';

export type { TestOutcome } from '../junitReport';
export type { TestRunCommandInput, TestRunner, TestRunnerName } from './types';
export { DEFAULT_TEST_CMD } from './pytest';
export { DEFAULT_DJANGO_CMD } from './django';
export { DEFAULT_SYMPY_CMD } from './sympy';
export { DEFAULT_UNITTEST_CMD } from './unittest';

const REPO_RUNNERS: Record<string, TestRunnerName> = {
  'django/django': 'django',
  'sympy/sympy': 'sympy',
};

/**
 * The runner for an instance: from its test command (runtests.py -> django, bin/test -> sympy,
 * pytest -> pytest, unittest -> unittest), or its repo when the command does not say, else pytest.
 */
export function testRunnerFor(testCmd: string | undefined, repo: string): TestRunner {
  const command = testCmd?.trim() ?? '';
  return runnerNamed(runnerNameFor(command, repo), command || DEFAULT_TEST_CMD);
}

export function runnerNameFor(command: string, repo: string): TestRunnerName {
  if (/runtests\.py/.test(command)) return 'django';
  if (/(^|[\s/])bin\/test(\s|$)/.test(command)) return 'sympy';
  if (invokesPytest(command)) return 'pytest';
  if (/(^|\s)(-m\s+)?unittest(\s|$)/.test(command)) return 'unittest';
  return REPO_RUNNERS[repo.toLowerCase()] ?? 'pytest';
}

/** A runner by name; `testCmd` decides whether the pytest runner writes a JUnit report. */
export function runnerNamed(name: TestRunnerName, testCmd: string = DEFAULT_TEST_CMD): TestRunner {
  switch (name) {
    case 'django':
      return djangoRunner;
    case 'sympy':
      return sympyRunner;
    case 'unittest':
      return unittestRunner;
    case 'pytest':
      return pytestRunner(testCmd);
  }
}
