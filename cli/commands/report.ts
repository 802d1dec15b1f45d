import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { learningCurveSvg } from '../../core/metrics/learningCurve';
import { formatReport, reportRow, storedEvaluationSchema, verdict, type LearningReport, type ReportStage } from '../../core/report/learningReport';
import { withMilestoneEvaluations } from '../../core/report/milestoneCurve';
import { parseOrThrow } from '../../core/validation';
import { learningCurvePng } from '../../activities/metrics/png';
import { readRunMetrics } from '../../activities/metrics/readMetrics';
import { stringFlag, type ParsedArgs } from '../args';

function readEvaluation(runsDir: string, runId: string, label: string) {
  const file = path.join(runsDir, runId, 'evals', `${label}.json`);
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message})`);
  }
  return parseOrThrow(storedEvaluationSchema, raw, file);
}

/**
 * `swe-rl report RUN [--control RUN] [--runs-dir DIR]`: the base / RFT / RL (and control) table
 * from the run's milestone evaluations; writes runs/RUN/report.json and the learning curve with
 * the evaluations on it (report_curve.svg and .png).
 */
export async function reportCommand(args: ParsedArgs): Promise<number> {
  const runId = args.positional[0];
  if (!runId) throw new Error('usage: swe-rl report RUN [--control RUN] [--runs-dir DIR]');
  return writeReport(path.resolve(stringFlag(args, 'runs-dir') ?? 'runs'), runId, stringFlag(args, 'control'));
}

/** Prints the report table, writes report.json and the curve; 0 when the run learned (or no verdict), 3 when not. */
export function writeReport(runsDir: string, runId: string, controlId?: string): number {
  if (!existsSync(path.join(runsDir, runId))) throw new Error(`no run folder ${path.join(runsDir, runId)}`);
  if (controlId && !existsSync(path.join(runsDir, controlId))) throw new Error(`no control run folder ${path.join(runsDir, controlId)}`);

  const evaluations = {
    base: readEvaluation(runsDir, runId, 'base'),
    rft: readEvaluation(runsDir, runId, 'rft'),
    rl: readEvaluation(runsDir, runId, 'rl'),
    control: controlId ? readEvaluation(runsDir, controlId, 'rl') : null,
  };
  const labels: Record<ReportStage, string> = {
    base: `${runId}/evals/base.json`,
    rft: `${runId}/evals/rft.json`,
    rl: `${runId}/evals/rl.json`,
    control: `${controlId}/evals/rl.json (rewards shuffled)`,
  };
  if (!evaluations.base && !evaluations.rft && !evaluations.rl) {
    throw new Error(`run ${runId} has no milestone evaluations (evals/base.json, rft.json, rl.json); run it with evaluation.milestones = true`);
  }
  const report: LearningReport = {
    base: evaluations.base && reportRow(evaluations.base, labels.base),
    rft: evaluations.rft && reportRow(evaluations.rft, labels.rft),
    rl: evaluations.rl && reportRow(evaluations.rl, labels.rl),
    control: evaluations.control && reportRow(evaluations.control, labels.control),
  };
  const reportFile = path.join(runsDir, runId, 'report.json');
  writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n');

  const metrics = withMilestoneEvaluations(readRunMetrics(runsDir, runId), { rft: evaluations.rft, rl: evaluations.rl });
  const curve = path.join(runsDir, runId, 'report_curve');
  if (metrics.length > 0) {
    writeFileSync(`${curve}.svg`, learningCurveSvg(runId, metrics));
    writeFileSync(`${curve}.png`, learningCurvePng(runId, metrics));
  }
  console.log(formatReport(report, labels));
  console.log(`\nwrote ${reportFile}${metrics.length > 0 ? ` and ${curve}.svg/.png` : ''}`);
  if (controlId) console.log(`control run's learning curve: ${path.join(runsDir, controlId, 'learning_curve.svg')}`);
  const v = verdict(report);
  return v === null || v.learned ? 0 : 3;
}
