import { finishedEpisodesQuery } from '../../../cli/progress/sample';
import { logLineDue, progressKey, renderProgress, type ProgressSample } from '../../../cli/progress/render';

const sample = (over: Partial<ProgressSample> = {}): ProgressSample => ({
  runId: 'local',
  phase: 'rl',
  rollout: 'stage1',
  iteration: 3,
  totalIterations: 10,
  done: 12,
  total: 40,
  policyVersion: 2,
  paused: false,
  draining: false,
  ...over,
});
const at = new Date('2026-12-02T08:00:00.000Z');

describe('progress rendering', () => {
  it('draws a bar redrawn in place on a terminal', () => {
    const text = renderProgress(sample(), true, at);
    expect(text).toBe(`\r[#########.....................] stage1 iteration 3/10 12/40 episodes (30%) policy v2\x1b[K`);
    expect(text).not.toContain('\n');
  });

  it('writes one plain timestamped line in a log, with no carriage return or escape', () => {
    const text = renderProgress(sample(), false, at);
    expect(text).toBe('2026-12-02T08:00:00.000Z run local: stage1 iteration 3/10, 12/40 episodes (30%), policy v2\n');
    expect(text).not.toMatch(/[\r\x1b]/);
  });

  it('counts the episodes of an evaluation and names it', () => {
    const evaluation = sample({ phase: 'eval', rollout: 'eval-base', iteration: 0, done: 7, total: 10, policyVersion: 0 });
    expect(renderProgress(evaluation, false, at)).toBe('2026-12-02T08:00:00.000Z run local: evaluation base, 7/10 episodes (70%), policy v0\n');
    expect(renderProgress(evaluation, true, at)).toContain('[#####################.........] evaluation base 7/10 episodes (70%)');
    const inIteration = sample({ rollout: 'eval-it-0004', done: 0, total: 5 });
    expect(renderProgress(inIteration, false, at)).toContain('evaluation it-0004, 0/5 episodes (0%)');
  });

  it('shows RFT, phases without a rollout, flags, and never more than the total', () => {
    expect(renderProgress(sample({ phase: 'rft', rollout: 'rft', done: 50, total: 48 }), false, at)).toContain('run local: rft, 48/48 episodes (100%), policy v2');
    expect(renderProgress(sample({ phase: 'starting', rollout: null, done: null, total: null, paused: true }), false, at)).toBe(
      '2026-12-02T08:00:00.000Z run local: starting, policy v2 (paused)\n',
    );
    expect(renderProgress(sample({ rollout: null, total: null, done: null, draining: true }), true, at)).toBe(
      `\r[${'.'.repeat(30)}] rl iteration 3/10 policy v2 (draining)\x1b[K`,
    );
    expect(renderProgress(sample({ total: null, done: 4 }), false, at)).toContain('stage1 iteration 3/10, 4 episodes, policy v2');
  });

  it('is due in a log on the first look, on a change of place, and after the interval', () => {
    const s = sample();
    expect(logLineDue(null, s, 0, 30_000)).toBe(true);
    const last = { key: progressKey(s), at: 1_000 };
    expect(logLineDue(last, sample({ done: 30 }), 20_000, 30_000)).toBe(false);
    expect(logLineDue(last, sample({ done: 30 }), 31_000, 30_000)).toBe(true);
    expect(logLineDue(last, sample({ phase: 'eval', rollout: 'eval-it-0003' }), 2_000, 30_000)).toBe(true);
    expect(logLineDue(last, sample({ iteration: 4 }), 2_000, 30_000)).toBe(true);
    expect(logLineDue(last, sample({ paused: true }), 2_000, 30_000)).toBe(true);
  });

  it('counts finished episodes of one rollout by its search attributes, from when it started', () => {
    expect(finishedEpisodesQuery('local', 'eval-base', 0, new Date('2026-12-02T08:00:00.750Z'))).toBe(
      "SweRlRun='local' AND SweRlKind='episode' AND SweRlStage='eval-base' AND SweRlIteration=0 AND ExecutionStatus!='Running' AND StartTime>='2026-12-02T08:00:00Z'",
    );
  });
});
