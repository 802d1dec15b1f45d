import type { TestOutcome } from '../junitReport';
import { logLines } from './logText';
import { recordOutcome } from './outcomeMap';

type PytestStatus = 'PASSED' | 'FAILED' | 'ERROR' | 'SKIPPED' | 'XFAIL' | 'XPASS';

/**
 * xfail and xpass count as passed, as SWE-bench's harness counts XFAIL (a strict xpass is reported
 * by pytest as FAILED, so an XPASS line is a run pytest itself accepted).
 */
const OUTCOME: Record<PytestStatus, TestOutcome> = {
  PASSED: 'passed',
  FAILED: 'failed',
  ERROR: 'error',
  SKIPPED: 'skipped',
  XFAIL: 'passed',
  XPASS: 'passed',
};

const STATUS = '(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)';
// `-rA` short summary: `FAILED tests/a.py::test_x - AssertionError: ...`.
const SUMMARY = new RegExp(`^${STATUS} (.+)$`);
// `SKIPPED [2] tests/a.py:12: reason`: names a location, not a test.
const SKIP_SUMMARY = /^SKIPPED \[(\d+)\] (.+?):\d+: /;
// `-v`: `tests/a.py::test_x PASSED  [ 50%]`, `tests/a.py::test_y SKIPPED (reason)  [ 75%]`.
const VERBOSE = new RegExp(`^(\\S.*?) ${STATUS}(?: \\(.*\\))?(?:\\s+\\[\\s*\\d+%\\])?$`);
// pytest-xdist with -v: `[gw0] [ 50%] PASSED tests/a.py::test_x`.
const XDIST = new RegExp(`^\\[gw\\d+\\] \\[\\s*\\d+%\\] ${STATUS} (.+)$`);

interface SummaryEntry {
  outcome: TestOutcome;
  /** What follows the status word: the id, possibly followed by ` - message`. */
  rest: string;
}

export interface PytestLog {
  /** Outcome of each test id the log names (worst when named several times). */
  outcomeOf(testId: string): TestOutcome | undefined;
  /** Every id the log names, keyed as outcomeOf keys them, with its outcome. */
  all(): Map<string, TestOutcome>;
  /** How many skips the `-rA` summary reports in each file (`SKIPPED [2] file:line: reason` names no test). */
  skipsByFile: Map<string, number>;
}

/**
 * Reads pytest's `-rA` short summary and `-v` progress lines. A summary line's id is found against
 * the ids asked for, so an id containing ` - ` is not mistaken for the start of the message.
 */
export function parsePytestLog(log: string, knownIds: Iterable<string>): PytestLog {
  const known = new Set(knownIds);
  const entries: SummaryEntry[] = [];
  const skipsByFile = new Map<string, number>();
  for (const line of logLines(log)) {
    const skip = SKIP_SUMMARY.exec(line);
    if (skip) {
      skipsByFile.set(skip[2], (skipsByFile.get(skip[2]) ?? 0) + Number(skip[1]));
      continue;
    }
    const summary = SUMMARY.exec(line) ?? XDIST.exec(line);
    if (summary) {
      entries.push({ outcome: OUTCOME[summary[1] as PytestStatus], rest: summary[2] });
      continue;
    }
    const verbose = VERBOSE.exec(line);
    if (verbose && looksLikeNodeId(verbose[1])) entries.push({ outcome: OUTCOME[verbose[2] as PytestStatus], rest: verbose[1] });
  }
  const outcomes = new Map<string, TestOutcome>();
  for (const entry of entries) recordOutcome(outcomes, idOf(entry.rest, known), entry.outcome);
  return { outcomeOf: (id) => outcomes.get(id), all: () => outcomes, skipsByFile };
}

function idOf(rest: string, known: Set<string>): string {
  if (known.has(rest)) return rest;
  let cut = rest.indexOf(' - ');
  const first = cut === -1 ? rest : rest.slice(0, cut);
  while (cut !== -1) {
    const candidate = rest.slice(0, cut);
    if (known.has(candidate)) return candidate;
    cut = rest.indexOf(' - ', cut + 1);
  }
  return first;
}

function looksLikeNodeId(text: string): boolean {
  return text.includes('::') || /\.py$/.test(text);
}
