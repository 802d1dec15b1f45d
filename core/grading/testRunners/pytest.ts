import { parseJunitReport, type TestOutcome } from '../junitReport';
import { shellQuote } from '../../shellQuote';
import { withArguments, withFlag } from './commandFlags';
import { truncatedIdOutcome } from './outcomeMap';
import { parsePytestLog, type PytestLog } from './pytestLog';
import { junitKeyOf, nodeIdFile, selectorFor } from './pytestNodeIds';
import type { TestRunCommandInput, TestRunner } from './types';

export const DEFAULT_TEST_CMD = 'python3 -m pytest -p no:cacheprovider -rA';

/** Whether a command runs pytest itself (`pytest`, `py.test`, `python -m pytest`, `.venv/bin/pytest`). */
export function invokesPytest(command: string): boolean {
  return /(^|[\s/])(pytest|py\.test)(\s|$)/.test(command);
}

/**
 * Runs pytest on the dataset's node ids. When the command is pytest's own it also writes a JUnit
 * report (the primary source of outcomes); the `-rA` summary in the log is always asked for, and
 * read when there is no report or the report lacks an id.
 */
export function pytestRunner(testCmd: string): TestRunner {
  const writesJunit = invokesPytest(testCmd);
  return {
    name: 'pytest',
    writesJunit,
    command(input: TestRunCommandInput): string {
      let command = input.testCmd.trim() || DEFAULT_TEST_CMD;
      if (invokesPytest(command)) {
        // -r takes the last value given: appending -rA wins over an earlier -ra.
        command = withFlag(command, /(^|\s)-r\s?[a-zA-Z]*A[a-zA-Z]*(\s|$)/, '-rA');
        if (writesJunit) command = `${command} --junitxml=${shellQuote(input.junitPath)} -o junit_family=xunit1`;
      }
      return withArguments(command, input.testIds.map(selectorFor));
    },
    outcomes(testIds: string[], log: string, junitXml?: string): Record<string, TestOutcome> {
      const fromLog = parsePytestLog(log, testIds);
      const fromJunit = readJunit(junitXml);
      const found = new Map(testIds.map((id) => [id, outcomeOf(id, fromLog, fromJunit)]));
      const unfound = testIds.filter((id) => found.get(id) === undefined);
      return Object.fromEntries(testIds.map((id) => [id, found.get(id) ?? unnamedOutcome(id, unfound, fromLog, fromJunit !== undefined)]));
    },
  };
}

function readJunit(xml: string | undefined): Map<string, TestOutcome> | undefined {
  if (xml === undefined || xml.trim() === '') return undefined;
  try {
    return parseJunitReport(xml);
  } catch {
    return undefined; // an unreadable report (run killed mid-write): the log decides
  }
}

function outcomeOf(id: string, log: PytestLog, junit: Map<string, TestOutcome> | undefined): TestOutcome | undefined {
  const key = junitKeyOf(id);
  const reported = junit?.get(key) ?? (junit ? truncatedIdOutcome(junit, key) : undefined);
  const logged = log.outcomeOf(id) ?? truncatedIdOutcome(log.all(), id);
  // JUnit writes an xfail as <skipped>; the log tells it apart (XFAIL counts as passed).
  if (reported === 'skipped' && logged === 'passed') return 'passed';
  return reported ?? logged;
}

/**
 * The outcome of a test that no line or report entry names: an error when its file failed to
 * collect; without a report, skipped when the summary's skip lines for its file account for every
 * such test of that file (they name a location, not a test); else missing.
 */
function unnamedOutcome(id: string, unfound: string[], log: PytestLog, hasJunit: boolean): TestOutcome {
  const file = nodeIdFile(id);
  const fileOutcome = log.outcomeOf(file);
  if (fileOutcome === 'error' || fileOutcome === 'failed') return 'error';
  const skips = log.skipsByFile.get(file) ?? 0;
  if (!hasJunit && skips > 0 && unfound.filter((other) => nodeIdFile(other) === file).length <= skips) return 'skipped';
  return 'missing';
}
