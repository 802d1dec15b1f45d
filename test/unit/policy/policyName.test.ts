import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { sharedEpisodeInput } from '../../../core/episodeSettings';
import { episodeInputSchema } from '../../../core/episodeInput';
import { checkpointPolicyName, policyCheckpointPath, policyName } from '../../../core/policy/policyName';
import { runConfigSchema } from '../../../core/runConfig';

describe('policy names', () => {
  it('names a policy by run and step', () => {
    expect(policyName('run-a', 4)).toBe('run-a@step-000004');
    expect(policyName('run-a', 0)).toBe('run-a@step-000000');
    expect(policyName('r', 1234567)).toBe('r@step-1234567');
  });

  it('finds a step checkpoint under the runs folder; step 0 is the base model', () => {
    expect(policyCheckpointPath('runs/', 'run-a', 4, '/models/base')).toBe('runs/run-a/checkpoints/step-000004');
    expect(policyCheckpointPath('/data/runs', 'run-a', 0, '/models/base')).toBe('/models/base');
  });

  it('names an arbitrary checkpoint folder: its run and step when it has them, else from its path', () => {
    expect(checkpointPolicyName('/data/runs/run-a/checkpoints/step-000012/')).toBe('run-a@step-000012');
    expect(checkpointPolicyName(policyCheckpointPath('runs', 'b', 3, 'x'))).toBe(policyName('b', 3));
    const other = checkpointPolicyName('/models/My Model (v2)');
    expect(other).toBe('checkpoint@models_My_Model_v2_');
    expect(other).toMatch(/^[A-Za-z0-9._@:/-]{1,200}$/); // the policy server's name rule
    expect(checkpointPolicyName(`/${'x'.repeat(500)}`).length).toBeLessThanOrEqual(200);
  });
});

describe('sharedEpisodeInput policy', () => {
  const raw = parseYaml(readFileSync(path.resolve(__dirname, '..', '..', '..', 'configs', 'local.yaml'), 'utf8'));
  const config = runConfigSchema.parse({ ...raw, runId: 'run-a' });
  const limits = { maxTurns: 3, contextTokens: 512, maxTokensPerTurn: 64 };

  it("sends the run's policy at the version, with the checkpoint that serves it", () => {
    expect(sharedEpisodeInput(config, limits, 2).policy).toMatchObject({
      model: 'run-a@step-000002', checkpointPath: 'runs/run-a/checkpoints/step-000002', expectedPolicyVersion: 2,
    });
    expect(sharedEpisodeInput(config, limits, 0).policy).toMatchObject({ model: 'run-a@step-000000', checkpointPath: config.model.basePath });
  });

  it('sends another policy when given one (an evaluated checkpoint)', () => {
    const policy = { name: 'other@step-000007', checkpointPath: '/ckpt/other/checkpoints/step-000007' };
    expect(sharedEpisodeInput(config, limits, 7, policy).policy).toMatchObject({ model: policy.name, checkpointPath: policy.checkpointPath });
  });

  it('still accepts an episode input without checkpointPath (older histories)', () => {
    const { checkpointPath: _, ...policy } = sharedEpisodeInput(config, limits, 1).policy;
    const shape = episodeInputSchema.shape.policy;
    expect(shape.safeParse(policy).success).toBe(true);
    expect(shape.safeParse({ ...policy, checkpointPath: '' }).success).toBe(false);
  });
});
