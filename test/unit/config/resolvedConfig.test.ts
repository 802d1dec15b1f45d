import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeResolvedConfig } from '../../../activities/store/resolvedConfig';
import { readRunConfig } from '../../../cli/runConfigFile';
import { resolvedConfigPath } from '../../../core/config/resolvedConfig';

const localYaml = path.resolve(__dirname, '..', '..', '..', 'configs', 'local.yaml');

describe('runs/<run>/config.resolved.yaml', () => {
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'resolved-'));

  it('holds the config after overrides, defaults and path resolution, and reads back to it', async () => {
    const config = readRunConfig(localYaml, ['runId=resolved-a', `runsDir=${runsDir}`, 'stages.0.groupSize=16']);
    const { file } = await writeResolvedConfig({ config });
    expect(file).toBe(path.join(runsDir, 'resolved-a', 'config.resolved.yaml'));
    expect(file).toBe(resolvedConfigPath(runsDir, 'resolved-a'));
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# The resolved config of run resolved-a/);
    expect(text).toContain('groupSize: 16');
    expect(text).toContain(`trainFile: ${path.resolve('.data/drills/train.jsonl')}`);
    expect(readRunConfig(file)).toEqual(config);
  });

  it('shows schema defaults the file left out', async () => {
    const config = readRunConfig(localYaml, ['runId=resolved-b', `runsDir=${runsDir}`, 'sampling={}', 'stages.0={name: s, iterations: 1, problemsPerIteration: 2, groupSize: 2, maxTurns: 20, contextTokens: 512}']);
    const text = readFileSync((await writeResolvedConfig({ config })).file, 'utf8');
    expect(text).toMatch(/sampling:\n {2}temperature: 1\n {2}topP: 1\n {2}topK: -1/);
    expect(text).toMatch(/epsHigh: 0\.3/);
    expect(text).toMatch(/maxTokensPerTurn: 1024/);
  });

  it('a later start (a resume) replaces it', async () => {
    const first = readRunConfig(localYaml, ['runId=resolved-c', `runsDir=${runsDir}`]);
    await writeResolvedConfig({ config: first });
    const resumed = readRunConfig(localYaml, ['runId=resolved-c', `runsDir=${runsDir}`, 'stages.0.iterations=20']);
    const { file } = await writeResolvedConfig({ config: resumed });
    expect(readRunConfig(file).stages[0].iterations).toBe(20);
  });
});
