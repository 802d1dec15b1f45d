import { formatReport, reportRow, verdict, type LearningReport, type StoredEvaluation } from '../../../core/report/learningReport';

const evaluation = (pass1: number, sem: number, extra: Partial<StoredEvaluation> = {}): StoredEvaluation => ({
  tasks: 16, runs: 5, pass1, pass1Sem: sem, passK: Math.min(1, pass1 * 2), meanSteps: 2.5, formatErrorRate: 0.04, ...extra,
});
const row = (pass1: number, sem: number) => reportRow(evaluation(pass1, sem), 'test');
const labels = { base: 'b', rft: 'r', rl: 'l', control: 'c' };

describe('reportRow', () => {
  it('maps a stored evaluation to the report fields, as fractions', () => {
    expect(reportRow(evaluation(0.125, 0.02), 'x')).toEqual({ pass1: 0.125, pass1_sem: 0.02, pass5: 0.25, mean_steps: 2.5, format_error_rate: 0.04 });
  });

  it('refuses evaluations that cannot give Pass@1 over 5 runs and Pass@5, naming the file', () => {
    expect(() => reportRow(evaluation(0.1, 0.01, { runs: 1 }), 'runs/a/evals/base.json')).toThrow(/runs\/a\/evals\/base\.json: 1 run\(s\) per task/);
    expect(() => reportRow(evaluation(0.1, 0.01, { runs: 8 }), 'f')).toThrow(/Pass@8 was stored/);
  });
});

describe('verdict', () => {
  it('holds when RL is 20+ points above base, 2+ SEM above RFT and the control does not rise', () => {
    const report: LearningReport = { base: row(0.1, 0.02), rft: row(0.25, 0.03), rl: row(0.6, 0.04), control: row(0.12, 0.02) };
    const v = verdict(report)!;
    expect(v.gainOverBase).toBeCloseTo(50);
    expect(v.gainOverRftInSem).toBeCloseTo(8.75);
    expect(v.controlGainOverBase).toBeCloseTo(2);
    expect(v.learned).toBe(true);
  });

  it('fails on each criterion alone', () => {
    expect(verdict({ base: row(0.1, 0.02), rft: row(0.2, 0.02), rl: row(0.25, 0.02), control: null })!.learned).toBe(false);
    expect(verdict({ base: row(0.1, 0.02), rft: row(0.45, 0.05), rl: row(0.5, 0.05), control: null })!.learned).toBe(false);
    expect(verdict({ base: row(0.1, 0.02), rft: row(0.2, 0.02), rl: row(0.6, 0.02), control: row(0.4, 0.05) })!.learned).toBe(false);
  });

  it('gives no verdict without base and RL rows', () => {
    expect(verdict({ base: null, rft: row(0.2, 0.02), rl: row(0.6, 0.02), control: null })).toBeNull();
  });
});

describe('formatReport', () => {
  it('prints one line per policy with Pass@1 +- SEM, Pass@5, steps and format errors, then the verdict', () => {
    const text = formatReport({ base: row(0.1, 0.02), rft: row(0.25, 0.03), rl: row(0.6, 0.04), control: null }, labels);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^policy\s+Pass@1 \(mean \+- SEM, 5 runs\)\s+Pass@5\s+mean steps\s+format errors/);
    expect(lines.find((l) => l.startsWith('base'))).toMatch(/10\.0% \+- 2\.0%\s+20\.0%\s+2\.50\s+4\.0%/);
    expect(lines.find((l) => l.startsWith('rl'))).toMatch(/60\.0% \+- 4\.0%/);
    expect(lines.some((l) => l.startsWith('control'))).toBe(false);
    expect(text).toMatch(/RL - base: \+50\.0 points; RL - RFT: 8\.8 standard errors/);
    expect(text).toMatch(/learned from the reward/);
  });
});
