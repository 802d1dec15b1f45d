import type { IterationMetrics, TrainingStatus } from '../runStatus';

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '-');
const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

/** `42.0% +- 3.1` (SEM in percentage points), or `-` without an evaluation. */
export function formatEvaluation(m: IterationMetrics): string {
  if (!m.evaluation) return '-';
  return `${pct(m.evaluation.pass1)} +- ${fixed(m.evaluation.pass1Sem * 100, 1)}`;
}

const COLUMNS: ReadonlyArray<{ title: string; align: 'left' | 'right'; cell: (m: IterationMetrics) => string }> = [
  { title: 'stage', align: 'left', cell: (m) => m.stage },
  { title: 'iter', align: 'right', cell: (m) => String(m.iteration) },
  { title: 'policy', align: 'right', cell: (m) => `v${m.policyVersion}` },
  { title: 'pass', align: 'right', cell: (m) => pct(m.passRate) },
  { title: 'reward', align: 'right', cell: (m) => fixed(m.meanReward, 3) },
  { title: 'filtered', align: 'right', cell: (m) => pct(m.filteredGroupFraction) },
  { title: 'steps', align: 'right', cell: (m) => fixed(m.meanSteps, 1) },
  { title: 'fmt err', align: 'right', cell: (m) => pct(m.formatErrorRate) },
  { title: 'failed', align: 'right', cell: (m) => `${m.failedEpisodes}/${m.episodes}` },
  { title: 'eval pass@1', align: 'right', cell: formatEvaluation },
];

function alignedRows(rows: string[][], align: Array<'left' | 'right'>): string[] {
  const widths = align.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (align[c] === 'left' ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
}

/** One line per iteration under a header, columns aligned; a note when there is nothing yet. */
export function formatMetricsTable(metrics: IterationMetrics[]): string {
  if (metrics.length === 0) return 'no iterations recorded yet\n';
  const rows = [COLUMNS.map((c) => c.title), ...metrics.map((m) => COLUMNS.map((c) => c.cell(m)))];
  return alignedRows(rows, COLUMNS.map((c) => c.align)).map((l) => `${l}\n`).join('');
}

/** The workflow's live `status` answer, a few lines. */
export function formatTrainingStatus(s: TrainingStatus): string {
  const lines: string[] = [];
  const where = s.stage === null ? '' : `, stage ${s.stage} (#${s.stageIndex + 1})`;
  const flags = [s.paused ? 'PAUSED' : '', s.draining ? 'DRAINING' : ''].filter(Boolean).join(' ');
  lines.push(`phase ${s.phase}${where}, iteration ${s.iteration}/${s.totalIterations}, policy v${s.policyVersion}${flags ? `  [${flags}]` : ''}`);
  if (s.episodesTotal > 0) {
    lines.push(`episodes ${s.episodesDone}/${s.episodesTotal} (${pct(s.episodesDone / s.episodesTotal)}) in the current iteration`);
  }
  lines.push(`checkpoint ${s.checkpointPath ?? '(none yet)'}`);
  if (s.pausedReason) lines.push(`paused because ${s.pausedReason}; \`temporal workflow signal --name resume\` rolls the phase out again`);
  const failures = Object.entries(s.failuresByReason ?? {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (failures.length > 0) lines.push(`failed episodes so far: ${failures.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  if (s.lastMetrics) {
    const m = s.lastMetrics;
    lines.push(`last finished: ${m.stage} iteration ${m.iteration}, pass ${pct(m.passRate)}, reward ${fixed(m.meanReward, 3)}, eval pass@1 ${formatEvaluation(m)}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}
