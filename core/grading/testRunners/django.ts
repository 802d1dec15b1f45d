import type { TestOutcome } from '../junitReport';
import { withArguments, withFlag } from './commandFlags';
import { dottedTestName } from './unittestIds';
import { parseUnittestLog, unittestOutcome } from './unittestLog';
import type { TestRunCommandInput, TestRunner } from './types';

/** The command SWE-bench runs Django's own tests with. */
export const DEFAULT_DJANGO_CMD = './tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1';

/**
 * Django's `tests/runtests.py` on the test modules the ids live in (`test_m (admin_views.tests.AdminTests)`
 * -> `admin_views.tests`), as SWE-bench runs it on the test patch's modules. Outcomes come from the
 * verbosity-2 log, which is unittest's verbose format; ids may be a docstring's first line, as
 * SWE-bench's Django parser records them.
 */
export const djangoRunner: TestRunner = {
  name: 'django',
  writesJunit: false,
  command(input: TestRunCommandInput): string {
    const given = input.testCmd.trim();
    const base = given.includes('runtests.py') ? given : DEFAULT_DJANGO_CMD;
    // argparse keeps the last --verbosity: appended 2 wins over an earlier 0 or 1.
    const command = withFlag(base, /(^|\s)(-v\s*|--verbosity[=\s]\s*)[23](\s|$)/, '--verbosity 2');
    return withArguments(command, djangoTestLabels(input.testIds, input.testFiles));
  },
  outcomes(testIds: string[], log: string): Record<string, TestOutcome> {
    const parsed = parseUnittestLog(log);
    return Object.fromEntries(testIds.map((id) => [id, unittestOutcome(parsed, id)]));
  },
};

/**
 * The runtests.py labels for the ids: each id's module. A docstring id names no module, so when
 * there is one the test files' modules are added (`tests/admin_views/tests.py` -> `admin_views.tests`),
 * which is how SWE-bench chooses labels.
 */
export function djangoTestLabels(testIds: string[], testFiles: string[]): string[] {
  const labels: string[] = [];
  let unplaced = false;
  for (const id of testIds) {
    const dotted = dottedTestName(id);
    const parts = dotted?.split('.') ?? [];
    if (parts.length < 3) unplaced = true;
    else labels.push(parts.slice(0, -2).join('.'));
  }
  if (unplaced) {
    for (const file of testFiles) {
      if (file.startsWith('tests/') && file.endsWith('.py')) labels.push(file.slice('tests/'.length, -'.py'.length).split('/').join('.'));
    }
  }
  return [...new Set(labels)];
}
