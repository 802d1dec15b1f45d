import { miniBatches, rftSchedule } from '../../../core/rl/miniBatches';

describe('miniBatches', () => {
  it.each([
    [1, 128, [1]],
    [128, 128, [128]],
    [129, 128, [65, 64]],
    [300, 128, [100, 100, 100]],
    [1000, 128, [125, 125, 125, 125, 125, 125, 125, 125]],
    [3000, 256, [250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250]],
  ])('%i trajectories at batch %i make ceil(n / batch) balanced steps %j', (n, batchSize, sizes) => {
    const items = Array.from({ length: n }, (_, i) => i);
    const steps = miniBatches(items, batchSize, 7);
    expect(steps.map((s) => s.length)).toEqual(sizes);
    expect(steps.length).toBe(Math.ceil(n / batchSize));
    expect(steps.flat().sort((a, b) => a - b)).toEqual(items); // each trajectory exactly once
  });

  it('shuffles with the seed: the same seed gives the same steps, another seed other ones', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect(miniBatches(items, 16, 3)).toEqual(miniBatches(items, 16, 3));
    expect(miniBatches(items, 16, 3)).not.toEqual(miniBatches(items, 16, 4));
    expect(miniBatches(items, 16, 3).flat()).not.toEqual(items);
  });

  it('makes no step of nothing and refuses a batch size below one', () => {
    expect(miniBatches([], 64, 1)).toEqual([]);
    expect(() => miniBatches([1], 0, 1)).toThrow('batchSize must be an integer >= 1, got 0');
  });
});

describe('rftSchedule', () => {
  it('counts the steps of the whole phase and keeps the warm-up', () => {
    expect(rftSchedule(3200, 64, 1, 10)).toEqual({ totalSteps: 50, stepsPerEpoch: 50, warmupSteps: 10 });
    expect(rftSchedule(100, 64, 3, 10)).toEqual({ totalSteps: 6, stepsPerEpoch: 2, warmupSteps: 5 });
    expect(rftSchedule(18, 64, 6, 0)).toEqual({ totalSteps: 6, stepsPerEpoch: 1, warmupSteps: 0 });
  });
});
