import { trackingConfigSchema } from '../../../core/config/trackingConfig';
import { runConfigSchema } from '../../../core/runConfig';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const local = () => parseYaml(readFileSync(path.join(ROOT, 'configs', 'local.yaml'), 'utf8')) as Record<string, unknown>;

describe('run config tracking section', () => {
  it('tracks to TensorBoard by default, W&B offline when only a project is named, MLflow under experiment swe-rl', () => {
    const { tracking: _omitted, ...withoutTracking } = local();
    expect(runConfigSchema.parse(withoutTracking).tracking).toEqual({ tensorboard: true });
    expect(trackingConfigSchema.parse({ wandb: { project: 'p' }, mlflow: {} })).toEqual({
      tensorboard: true,
      wandb: { project: 'p', mode: 'offline' },
      mlflow: { experiment: 'swe-rl' },
    });
  });

  it('refuses an unknown mode, an empty project and unknown keys', () => {
    expect(trackingConfigSchema.safeParse({ wandb: { project: 'p', mode: 'later' } }).success).toBe(false);
    expect(trackingConfigSchema.safeParse({ wandb: { project: '' } }).success).toBe(false);
    expect(trackingConfigSchema.safeParse({ mlflow: { trackingURI: 'x' } }).success).toBe(false);
    expect(trackingConfigSchema.safeParse({ tensorboard: 'yes' }).success).toBe(false);
  });
});
