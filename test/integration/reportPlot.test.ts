import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildReport } from '../../cli/commands/report';
import { drawReportPlot, trainerVenv } from '../../cli/reportPlot';
import { iterationMetrics } from '../unit/metrics/fixtures';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const stored = (pass1: number) => ({ tasks: 8, runs: 5, pass1, pass1Sem: 0.05, passK: Math.min(1, pass1 + 0.2), meanSteps: 3, formatErrorRate: 0 });

describe('the report plot, drawn by the trainer Python (swe_rl_trainer.plots)', () => {
  let dir: string;
  let runDir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'swe-rl-report-plot-'));
    runDir = path.join(dir, 'runs', 'run-a');
    mkdirSync(path.join(runDir, 'evals'), { recursive: true });
    writeFileSync(path.join(runDir, 'evals', 'base.json'), JSON.stringify(stored(0.1)));
    writeFileSync(path.join(runDir, 'evals', 'rl.json'), JSON.stringify(stored(0.6)));
    const rows = [iterationMetrics({ iteration: 1, passRate: 0.2 }), iterationMetrics({ iteration: 2, passRate: 0.5, finishedAt: '2025-01-01T00:02:00.000Z' })];
    writeFileSync(path.join(runDir, 'metrics.jsonl'), rows.map((r) => JSON.stringify(r) + '\n').join(''));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A Python that starts without its site-packages, as one without matplotlib installed would. */
  function venvWithoutMatplotlib(): string {
    const venv = path.join(dir, 'bare-venv');
    mkdirSync(path.join(venv, 'bin'), { recursive: true });
    writeFileSync(path.join(venv, 'bin', 'python'), `#!/bin/sh\nexec "${path.join(trainerVenv(), 'bin', 'python')}" -S "$@"\n`);
    chmodSync(path.join(venv, 'bin', 'python'), 0o755);
    return venv;
  }

  it('writes report_curve.png and .svg with the policies and the learning curve', () => {
    const built = buildReport(path.join(dir, 'runs'), 'run-a');
    expect(built.curveFiles).toEqual([path.join(runDir, 'report_curve.png'), path.join(runDir, 'report_curve.svg')]);
    expect(readFileSync(path.join(runDir, 'report_curve.png')).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const svg = readFileSync(path.join(runDir, 'report_curve.svg'), 'utf8');
    for (const text of ['Report: run-a', 'Milestone evaluations', 'rollout pass rate', 'eval Pass@1 ± SEM', 'Pass@5']) expect(svg).toContain(text);
    expect(built.text).toContain(`wrote ${path.join(runDir, 'report.json')}, ${path.join(runDir, 'report_curve.png')}`);
  });

  it('names what to install when the Python or its matplotlib is missing', () => {
    const reportFile = path.join(runDir, 'report.json');
    writeFileSync(reportFile, JSON.stringify({ base: { pass1: 0.1, pass1_sem: 0.01, pass5: 0.2 }, rft: null, rl: null, control: null }));
    const out = path.join(runDir, 'report_curve');

    const noPython = drawReportPlot(reportFile, out, 'run-a', { ...process.env, SWE_RL_VENV: path.join(dir, 'missing-venv') });
    expect(noPython).toEqual({ ok: false, error: expect.stringMatching(/^no Python at .*missing-venv\/bin\/python; run infra\/python-env\.sh \(it installs .*matplotlib/) });

    const noMatplotlib = drawReportPlot(reportFile, out, 'run-a', { ...process.env, SWE_RL_VENV: venvWithoutMatplotlib() });
    expect(noMatplotlib).toEqual({ ok: false, error: expect.stringMatching(/has no module matplotlib; run infra\/python-env\.sh/) });
    expect(existsSync(`${out}.png`)).toBe(false);
  });

  it('still writes report.json (and says why there is no plot) without matplotlib', () => {
    const saved = process.env.SWE_RL_VENV;
    process.env.SWE_RL_VENV = venvWithoutMatplotlib();
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const built = buildReport(path.join(dir, 'runs'), 'run-a');
      expect(built.curveFiles).toEqual([]);
      expect(errors).toHaveBeenCalledWith(expect.stringMatching(/^error: the report plot was not drawn: .*has no module matplotlib/));
    } finally {
      errors.mockRestore();
      if (saved === undefined) delete process.env.SWE_RL_VENV;
      else process.env.SWE_RL_VENV = saved;
    }
    expect(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')).rl.pass1).toBe(0.6);
    expect(existsSync(path.join(runDir, 'report_curve.png'))).toBe(false);
  });
});
