import type { TestOutcome } from '../junitReport';

export type TestRunnerName = 'pytest' | 'unittest' | 'django' | 'sympy';

export interface TestRunCommandInput {
  /** The instance's test command (ids are appended), e.g. 'pytest -rA -p no:cacheprovider'. */
  testCmd: string;
  /** FAIL_TO_PASS + PASS_TO_PASS, as the dataset writes them. */
  testIds: string[];
  /** The files the test_patch touches (sympy / django runners select by file or module). */
  testFiles: string[];
  /** Where a JUnit report may be written (pytest only); others ignore it. */
  junitPath: string;
}

export interface TestRunner {
  name: TestRunnerName;
  /** The shell command that runs the tests (ids shell-quoted). */
  command(input: TestRunCommandInput): string;
  /** Whether `command` writes a JUnit report at junitPath. */
  writesJunit: boolean;
  /** Per-test outcomes keyed by the dataset's test ids: from the JUnit report when there is one, else from the log. Ids not found are 'missing'. */
  outcomes(testIds: string[], log: string, junitXml?: string): Record<string, TestOutcome>;
}
