import type { IterationMetrics } from '../runStatus';

type Cell = string | number | null | undefined;

/** Column name and how to read it; the order here is the CSV column order. */
const COLUMNS: ReadonlyArray<readonly [string, (m: IterationMetrics) => Cell]> = [
  ['runId', (m) => m.runId],
  ['stage', (m) => m.stage],
  ['iteration', (m) => m.iteration],
  ['policyVersion', (m) => m.policyVersion],
  ['episodes', (m) => m.episodes],
  ['failedEpisodes', (m) => m.failedEpisodes],
  ['failureReasons', (m) => failureReasonsCell(m.failureReasons)],
  ['passRate', (m) => m.passRate],
  ['meanReward', (m) => m.meanReward],
  ['filteredGroupFraction', (m) => m.filteredGroupFraction],
  ['meanSteps', (m) => m.meanSteps],
  ['submitRate', (m) => m.submitRate],
  ['formatErrorRate', (m) => m.formatErrorRate],
  ['completionTokens', (m) => m.completionTokens],
  ['trainedTrajectories', (m) => m.trainedTrajectories],
  ['trainLoss', (m) => m.trainLoss],
  ['clipFracLow', (m) => m.clipFracLow],
  ['clipFracHigh', (m) => m.clipFracHigh],
  ['optimizerSteps', (m) => m.optimizerSteps],
  ['gradNorm', (m) => m.gradNorm],
  ['logprobMismatchMean', (m) => m.logprobMismatchMean],
  ['logprobMismatchMax', (m) => m.logprobMismatchMax],
  ['phaseSeconds.rollout', (m) => m.phaseSeconds.rollout],
  ['phaseSeconds.advantage', (m) => m.phaseSeconds.advantage],
  ['phaseSeconds.train', (m) => m.phaseSeconds.train],
  ['phaseSeconds.eval', (m) => m.phaseSeconds.eval],
  ['evaluation.tasks', (m) => m.evaluation?.tasks],
  ['evaluation.runs', (m) => m.evaluation?.runs],
  ['evaluation.pass1', (m) => m.evaluation?.pass1],
  ['evaluation.pass1Sem', (m) => m.evaluation?.pass1Sem],
  ['evaluation.passK', (m) => m.evaluation?.passK],
  ['evaluation.meanSteps', (m) => m.evaluation?.meanSteps],
  ['evaluation.formatErrorRate', (m) => m.evaluation?.formatErrorRate],
  ['finishedAt', (m) => m.finishedAt],
];

/** `reason:count;reason:count`, reasons sorted so the cell does not depend on insertion order. */
export function failureReasonsCell(reasons: Record<string, number>): string {
  return Object.keys(reasons)
    .sort()
    .map((reason) => `${reason}:${reasons[reason]}`)
    .join(';');
}

/** RFC 4180 quoting: only cells holding a comma, quote or line break are quoted. */
function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function metricsCsvHeader(): string {
  return COLUMNS.map(([name]) => name).join(',');
}

export function metricsCsvRow(m: IterationMetrics): string {
  return COLUMNS.map(([, read]) => csvCell(read(m))).join(',');
}

/** Header plus one row per record, each line ending in a newline. */
export function metricsCsv(records: IterationMetrics[]): string {
  return [metricsCsvHeader(), ...records.map(metricsCsvRow)].map((line) => `${line}\n`).join('');
}

export function compareMetrics(a: IterationMetrics, b: IterationMetrics): number {
  const time = (m: IterationMetrics) => {
    const t = Date.parse(m.finishedAt);
    return Number.isNaN(t) ? Infinity : t;
  };
  const ta = time(a);
  const tb = time(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.stage !== b.stage) return a.stage < b.stage ? -1 : 1;
  return a.iteration - b.iteration;
}

const iterationKey = (m: IterationMetrics) => JSON.stringify([m.stage, m.iteration]);

/**
 * Adds `next` to `existing`, replacing any record of the same (stage, iteration), so a retried
 * activity leaves one line per iteration (duplicates already in `existing` collapse to the last).
 * Returns a new array sorted by finishedAt, then stage and iteration; the inputs are not modified.
 */
export function mergeMetrics(existing: IterationMetrics[], next: IterationMetrics): IterationMetrics[] {
  const byKey = new Map<string, IterationMetrics>();
  for (const m of [...existing, next]) {
    byKey.delete(iterationKey(m));
    byKey.set(iterationKey(m), m);
  }
  return [...byKey.values()].sort(compareMetrics);
}
