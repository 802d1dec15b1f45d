import { z } from 'zod';

/** One row of the report: an evaluation on the eval split, as fractions. */
export interface ReportRow {
  pass1: number;
  pass1_sem: number;
  pass5: number;
  mean_steps: number;
  format_error_rate: number;
}

export const REPORT_STAGES = ['base', 'rft', 'rl', 'control'] as const;
export type ReportStage = (typeof REPORT_STAGES)[number];
export type LearningReport = Record<ReportStage, ReportRow | null>;

/** What evalRun stores in runs/<run>/evals/<label>.json (only the fields the report reads). */
export const storedEvaluationSchema = z.object({
  tasks: z.number().int().min(1),
  runs: z.number().int().min(1),
  pass1: z.number().min(0).max(1),
  pass1Sem: z.number().min(0),
  passK: z.number().min(0).max(1),
  meanSteps: z.number().min(0),
  formatErrorRate: z.number().min(0),
});
export type StoredEvaluation = z.output<typeof storedEvaluationSchema>;

/** Pass@5 needs five samples per task: an evaluation with fewer runs cannot give it. */
export function reportRow(evaluation: StoredEvaluation, where: string): ReportRow {
  if (evaluation.runs < 5) {
    throw new Error(`${where}: ${evaluation.runs} run(s) per task; Pass@1 over at least 5 runs and Pass@5 need evaluation.runs >= 5`);
  }
  if (evaluation.runs !== 5) {
    throw new Error(`${where}: Pass@${evaluation.runs} was stored, the report gives Pass@5; evaluate with evaluation.runs = 5`);
  }
  return {
    pass1: evaluation.pass1,
    pass1_sem: evaluation.pass1Sem,
    pass5: evaluation.passK,
    mean_steps: evaluation.meanSteps,
    format_error_rate: evaluation.formatErrorRate,
  };
}

export interface ReportVerdict {
  /** RL Pass@1 minus base Pass@1, in points. */
  gainOverBase: number;
  /** RL Pass@1 minus RFT Pass@1, in standard errors (the larger of the two SEMs, at least 1e-9). */
  gainOverRftInSem: number | null;
  /** Control Pass@1 minus base Pass@1, in points (null without a control run). */
  controlGainOverBase: number | null;
  learned: boolean;
}

/**
 * Did the run learn? RL at least 20 points above base and more than two standard errors above
 * RFT; and, when a control run is given, the control's gain over base stays under 20 points.
 */
export function verdict(report: LearningReport): ReportVerdict | null {
  const { base, rft, rl, control } = report;
  if (!base || !rl) return null;
  const gainOverBase = (rl.pass1 - base.pass1) * 100;
  const gainOverRftInSem = rft ? (rl.pass1 - rft.pass1) / Math.max(rl.pass1_sem, rft.pass1_sem, 1e-9) : null;
  const controlGainOverBase = control ? (control.pass1 - base.pass1) * 100 : null;
  const learned =
    gainOverBase >= 20 && (gainOverRftInSem === null || gainOverRftInSem > 2) && (controlGainOverBase === null || controlGainOverBase < 20);
  return { gainOverBase, gainOverRftInSem, controlGainOverBase, learned };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The table `swe-rl report` prints. */
export function formatReport(report: LearningReport, labels: Record<ReportStage, string>): string {
  const header = ['policy', 'Pass@1 (mean +- SEM, 5 runs)', 'Pass@5', 'mean steps', 'format errors', 'from'];
  const rows = REPORT_STAGES.filter((s) => report[s]).map((stage) => {
    const row = report[stage] as ReportRow;
    return [stage, `${pct(row.pass1)} +- ${pct(row.pass1_sem)}`, pct(row.pass5), row.mean_steps.toFixed(2), pct(row.format_error_rate), labels[stage]];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const v = verdict(report);
  if (v) {
    const parts = [`RL - base: ${v.gainOverBase >= 0 ? '+' : ''}${v.gainOverBase.toFixed(1)} points`];
    if (v.gainOverRftInSem !== null) parts.push(`RL - RFT: ${v.gainOverRftInSem.toFixed(1)} standard errors`);
    if (v.controlGainOverBase !== null) parts.push(`control - base: ${v.controlGainOverBase >= 0 ? '+' : ''}${v.controlGainOverBase.toFixed(1)} points`);
    out.push('', parts.join('; '), v.learned ? 'the policy learned from the reward' : 'no learning shown by the criteria (RL >= base + 20 points, RL > RFT + 2 SEM, control < base + 20 points)');
  }
  return out.join('\n');
}
