import type { TestOutcome } from '../junitReport';
import { withArguments, withFlag } from './commandFlags';
import { dottedTestName } from './unittestIds';
import { parseUnittestLog, unittestOutcome } from './unittestLog';
import type { TestRunCommandInput, TestRunner } from './types';

export const DEFAULT_UNITTEST_CMD = 'python3 -m unittest';

/** `python -m unittest -v pkg.module.Class.test_m ...`; outcomes from the verbose log. */
export const unittestRunner: TestRunner = {
  name: 'unittest',
  writesJunit: false,
  command(input: TestRunCommandInput): string {
    const command = withFlag(input.testCmd.trim() || DEFAULT_UNITTEST_CMD, /(^|\s)(-v|--verbose)(\s|$)/, '-v');
    // Ids in description form become dotted names; a docstring names nothing unittest can load.
    const names = input.testIds.map(dottedTestName).filter((name): name is string => name !== undefined);
    return withArguments(command, names);
  },
  outcomes(testIds: string[], log: string): Record<string, TestOutcome> {
    const parsed = parseUnittestLog(log);
    return Object.fromEntries(testIds.map((id) => [id, unittestOutcome(parsed, id)]));
  },
};
