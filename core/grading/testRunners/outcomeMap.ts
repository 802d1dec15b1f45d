import type { TestOutcome } from '../junitReport';

// Same order as junitReport: a test seen several times (reruns, setup + teardown) keeps its worst outcome.
const SEVERITY: TestOutcome[] = ['passed', 'skipped', 'missing', 'failed', 'error'];

export function worseOf(a: TestOutcome | undefined, b: TestOutcome): TestOutcome {
  if (a === undefined) return b;
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
}

/** Records `outcome` for `key`, keeping the worst outcome when the key was already seen. */
export function recordOutcome(map: Map<string, TestOutcome>, key: string, outcome: TestOutcome): void {
  map.set(key, worseOf(map.get(key), outcome));
}

/**
 * Outcome of an id the run truncated or the dataset truncated mid-parameter (`test_x[a b` for
 * `test_x[a b c]`, as SWE-bench's whitespace-splitting parsers wrote some ids): the worst outcome of
 * the keys it prefixes. Only for ids whose `[` outnumber their `]`, so other names never prefix-match.
 */
export function truncatedIdOutcome(map: Map<string, TestOutcome>, key: string): TestOutcome | undefined {
  if (count(key, '[') <= count(key, ']')) return undefined;
  let outcome: TestOutcome | undefined;
  for (const [candidate, value] of map) {
    if (candidate.startsWith(key)) outcome = worseOf(outcome, value);
  }
  return outcome;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
