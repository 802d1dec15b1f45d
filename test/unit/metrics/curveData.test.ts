import { curveData } from '../../../core/metrics/curveData';
import { iterationMetrics, stageRecords } from './fixtures';

describe('learning curve x axis', () => {
  it('puts RFT at 0 and counts RL iterations across stages', () => {
    const rft = iterationMetrics({ stage: 'rft', iteration: 1, finishedAt: '2024-12-31T23:00:00Z' });
    const data = curveData([...stageRecords('stage-2', 2, 10), rft, ...stageRecords('stage-1', 3, 0)]);
    expect(data.points.map((p) => `${p.stage}/${p.iteration}@${p.x}`)).toEqual([
      'rft/1@0', 'stage-1/1@1', 'stage-1/2@2', 'stage-1/3@3', 'stage-2/1@4', 'stage-2/2@5',
    ]);
    expect(data.stages).toEqual([
      { stage: 'rft', first: 0, last: 0 },
      { stage: 'stage-1', first: 1, last: 3 },
      { stage: 'stage-2', first: 4, last: 5 },
    ]);
  });

  it('uses run-wide iteration numbers as they are (trainingRun: RFT is 0, RL counts from 1 over all stages)', () => {
    const rft = iterationMetrics({ stage: 'rft', iteration: 0, finishedAt: '2024-12-31T23:00:00Z' });
    const s2 = stageRecords('stage-2', 2, 10).map((m) => ({ ...m, iteration: m.iteration + 3 }));
    const data = curveData([rft, ...stageRecords('stage-1', 3, 0), ...s2]);
    expect(data.points.map((p) => `${p.stage}/${p.iteration}@${p.x}`)).toEqual([
      'rft/0@0', 'stage-1/1@1', 'stage-1/2@2', 'stage-1/3@3', 'stage-2/4@4', 'stage-2/5@5',
    ]);
    expect(data.stages.map((s) => [s.first, s.last])).toEqual([[0, 0], [1, 3], [4, 5]]);
  });

  it('follows the configured stage order and keeps gaps of missing iterations', () => {
    const s1 = stageRecords('s1', 3, 0).filter((m) => m.iteration !== 2);
    const s2 = stageRecords('s2', 2, 10);
    const data = curveData([...s1, ...s2], ['s2', 's1']);
    expect(data.points.map((p) => `${p.stage}/${p.iteration}@${p.x}`)).toEqual(['s2/1@1', 's2/2@2', 's1/1@3', 's1/3@5']);
  });

  it('shifts stages numbered from 0 so they do not overlap the previous stage', () => {
    const s1 = stageRecords('s1', 2, 0).map((m) => ({ ...m, iteration: m.iteration - 1 }));
    const s2 = stageRecords('s2', 2, 10).map((m) => ({ ...m, iteration: m.iteration - 1 }));
    expect(curveData([...s1, ...s2]).points.map((p) => p.x)).toEqual([1, 2, 3, 4]);
  });

  it('carries evaluation Pass@1 and SEM', () => {
    const m = iterationMetrics({ evaluation: { tasks: 5, runs: 3, pass1: 0.4, pass1Sem: 0.1, passK: 0.6, meanSteps: 9, formatErrorRate: 0 } });
    expect(curveData([m]).points[0].evaluation).toEqual({ pass1: 0.4, sem: 0.1 });
    expect(curveData([]).points).toEqual([]);
  });
});
