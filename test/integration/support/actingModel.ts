import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, runProject } from './processes';

/**
 * A policy that acts: the tiny model warm-started for 150 steps on the drill demonstrations
 * (infra/drill-model.sh, about 90 s on 2 cores, built once into .data/models/acting-base). It
 * runs commands and submits (compact prompts), so episodes use their sandboxes and get graded;
 * the untrained tiny model only writes format errors.
 */
export function actingModel(): string {
  const dir = path.join(ROOT, '.data', 'models', 'acting-base');
  if (!existsSync(path.join(dir, 'config.json'))) {
    const built = runProject('infra/drill-model.sh', [], { SWE_RL_LOCAL_MODEL: dir, SWE_RL_WARM_START_STEPS: '150', SWE_RL_DEMOS: '600', SWE_RL_DEMOS_FIX_RATE: '0.3' }, 600_000);
    if (built.status !== 0) throw new Error(`building the acting model failed:\n${built.stderr}`);
  }
  return dir;
}
