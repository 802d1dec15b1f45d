import { advantagesByGroup, groupAdvantages, hasSignal } from '../../../core/rl/advantages';
import { curriculumFilter } from '../../../core/rl/curriculum';
import { evaluationScores, meanAndStandardError, passAtK } from '../../../core/rl/passAtK';
import { lengthPenalty, shapedReward } from '../../../core/rl/reward';
import { deriveSeed, sampleWithoutReplacement } from '../../../core/rl/seededSample';

describe('length penalty (L_thr 10, T_max 40)', () => {
  it('is 0 below the threshold and reaches -1 at T_max', () => {
    expect(lengthPenalty(9, 10, 40)).toBe(0);
    expect(lengthPenalty(10, 10, 40)).toBeCloseTo(0);
    expect(lengthPenalty(25, 10, 40)).toBeCloseTo(-0.5);
    expect(lengthPenalty(40, 10, 40)).toBeCloseTo(-1);
    expect(shapedReward(1, 16, 10, 40)).toBeCloseTo(0.8);
  });

  it('refuses T_max <= L_thr', () => {
    expect(() => lengthPenalty(5, 10, 10)).toThrow(/must exceed/);
  });
});

describe('group advantages', () => {
  it('normalises by mean and population std', () => {
    // rewards 1,0,0,0: mean 0.25, std sqrt(0.1875) = 0.4330
    const a = groupAdvantages([1, 0, 0, 0]);
    expect(a[0]).toBeCloseTo(0.75 / 0.4330127, 4);
    expect(a[1]).toBeCloseTo(-0.25 / 0.4330127, 4);
    expect(a.reduce((x, y) => x + y, 0)).toBeCloseTo(0, 9);
  });

  it('drops groups whose rewards are all equal and counts them', () => {
    expect(hasSignal([1, 1, 1])).toBe(false);
    expect(hasSignal([0.8, 1])).toBe(true);
    const out = advantagesByGroup([
      { items: ['a', 'b'], rewards: [1, 0] },
      { items: ['c', 'd'], rewards: [0, 0] },
      { items: ['e', 'f'], rewards: [1, 1] },
    ]);
    expect(out.droppedGroups).toBe(2);
    expect(out.kept.map((k) => k.item)).toEqual(['a', 'b']);
    expect(out.kept[0].advantage).toBeCloseTo(1, 5);
  });
});

describe('pass@k', () => {
  it('matches hand-computed values', () => {
    expect(passAtK(5, 0, 1)).toBe(0);
    expect(passAtK(5, 1, 1)).toBeCloseTo(0.2);
    expect(passAtK(5, 1, 5)).toBe(1);
    expect(passAtK(4, 2, 2)).toBeCloseTo(1 - 1 / 6); // 1 - C(2,2)/C(4,2)
  });

  it('gives Pass@1 mean and standard error over runs', () => {
    expect(meanAndStandardError([0.5, 0.5])).toEqual({ mean: 0.5, sem: 0 });
    const s = evaluationScores(
      [
        [true, false, true],
        [false, false, false],
      ],
      3,
    );
    expect(s.pass1.mean).toBeCloseTo(1 / 3);
    expect(s.pass1.sem).toBeCloseTo(Math.sqrt(1 / 12 / 3)); // runs 0.5, 0, 0.5
    expect(s.passK).toBeCloseTo(0.5);
  });
});

describe('curriculum filter', () => {
  it('drops tasks solved in >= 2/3 of attempts and never-solved tasks', () => {
    const out = curriculumFilter(['easy', 'hard', 'mid', 'new'], {
      easy: { attempts: 3, solved: 2 },
      hard: { attempts: 6, solved: 0 },
      mid: { attempts: 3, solved: 1 },
    });
    expect(out).toEqual({ kept: ['mid', 'new'], tooEasy: ['easy'], neverSolved: ['hard'] });
  });
});

describe('seeded sampling', () => {
  it('is reproducible, distinct and seed-dependent', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = sampleWithoutReplacement(items, 10, deriveSeed(7, 1));
    expect(sampleWithoutReplacement(items, 10, deriveSeed(7, 1))).toEqual(a);
    expect(new Set(a).size).toBe(10);
    expect(sampleWithoutReplacement(items, 10, deriveSeed(7, 2))).not.toEqual(a);
    expect(sampleWithoutReplacement(items, 100, 1)).toHaveLength(50);
  });
});
