import { sampleWithoutReplacement } from './seededSample';

/**
 * Splits an iteration's kept trajectories into optimizer steps: a seeded shuffle (the same run
 * seed and iteration give the same steps, so a replayed workflow writes the same batches), then
 * ceil(n / batchSize) steps of balanced sizes, each at most batchSize. Balanced rather than
 * batchSize-then-remainder: 257 trajectories at 256 make steps of 129 and 128, not 256 and 1,
 * whose token-level average would rest on one trajectory.
 */
export function miniBatches<T>(items: T[], batchSize: number, seed: number): T[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be an integer >= 1, got ${batchSize}`);
  if (items.length === 0) return [];
  const shuffled = sampleWithoutReplacement(items, items.length, seed);
  const steps = Math.ceil(items.length / batchSize);
  const base = Math.floor(items.length / steps);
  const larger = items.length % steps;
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; i < steps; i++) {
    const size = base + (i < larger ? 1 : 0);
    out.push(shuffled.slice(at, at + size));
    at += size;
  }
  return out;
}

export interface RftSchedule {
  /** Optimizer steps of the whole RFT phase: epochs x ceil(trajectories / batchSize). */
  totalSteps: number;
  stepsPerEpoch: number;
  /** The configured warm-up, shortened to totalSteps - 1 when the phase is shorter (cosine needs a step after it). */
  warmupSteps: number;
}

/** The RFT phase's schedule: linear warm-up, then cosine to 0 at its last step. */
export function rftSchedule(trajectories: number, batchSize: number, epochs: number, warmupSteps: number): RftSchedule {
  const stepsPerEpoch = Math.ceil(trajectories / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  return { totalSteps, stepsPerEpoch, warmupSteps: Math.max(0, Math.min(warmupSteps, totalSteps - 1)) };
}
