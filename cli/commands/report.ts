import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatReport, reportRow, storedEvaluationSchema, verdict, type LearningReport, type ReportStage, type ReportVerdict } from '../../core/report/learningReport';
import { parseOrThrow } from '../../core/validation';
import { drawReportPlot } from '../reportPlot';

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

export interface ReportOptions {
  runId: string;
  control?: string;
  runsDir?: string;
  /** One JSON object on stdout (the report, the verdict, the files written) instead of the table. */
  json?: boolean;
}

/** A written report: the table's rows, its text, the files and the exit code of the verdict. */
export interface BuiltReport {
  report: LearningReport;
  text: string;
  reportFile: string;
  curveFiles: string[];
  verdict: ReportVerdict | null;
  /** 0 when the run learned (or no verdict), 3 when not. */
  code: number;
}

/**
 * `swe-rl report RUN [--control RUN] [--runs-dir DIR] [--json]`: the base / RFT / RL (and
 * control) table from the run's milestone evaluations; writes runs/RUN/report.json and, with the
 * trainer's matplotlib, the report plot (report_curve.png and .svg: evaluations and learning curve).
 */
export async function reportCommand(options: ReportOptions): Promise<number> {
  const built = buildReport(path.resolve(options.runsDir ?? 'runs'), options.runId, options.control);
  if (options.json) {
    const { text: _text, code: _code, ...rest } = built;
    console.log(JSON.stringify({ runId: options.runId, control: options.control ?? null, ...rest }));
  } else {
    console.log(built.text);
  }
  return built.code;
}

/** Writes report.json and the curve, and returns the table with the verdict. */
export function buildReport(runsDir: string, runId: string, controlId?: string): BuiltReport {
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

  const plot = drawReportPlot(reportFile, path.join(runsDir, runId, 'report_curve'), runId);
  if (!plot.ok) console.error(`error: the report plot was not drawn: ${plot.error}`);
  const curveFiles = plot.ok ? plot.files : [];
  const lines = [formatReport(report, labels), '', `wrote ${[reportFile, ...curveFiles].join(', ')}`];
  if (controlId) lines.push(`control run's learning curve: ${path.join(runsDir, controlId, 'learning_curve.png')}`);
  const v = verdict(report);
  return { report, text: lines.join('\n'), reportFile, curveFiles, verdict: v, code: v === null || v.learned ? 0 : 3 };
}
