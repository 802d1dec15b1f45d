import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { readRunConfig } from '../../../cli/runConfigFile';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const localYaml = path.join(ROOT, 'configs', 'local.yaml');
const dir = mkdtempSync(path.join(os.tmpdir(), 'run-config-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const local = () => parseYaml(readFileSync(localYaml, 'utf8')) as Record<string, any>;

describe('readRunConfig', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => (stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined)));
  afterEach(() => stderr.mockRestore());

  it('reads YAML (.yaml, .yml) and JSON to the same config, with paths made absolute', () => {
    const fromYaml = readRunConfig(localYaml);
    expect(readRunConfig(write('a.yml', readFileSync(localYaml, 'utf8')))).toEqual(fromYaml);
    expect(readRunConfig(write('a.json', JSON.stringify(local())))).toEqual(fromYaml);
    expect(fromYaml.tasks.trainFile).toBe(path.resolve('.data/drills/train.jsonl'));
    expect(fromYaml.runsDir).toBe(path.resolve('runs'));
    expect(stderr).not.toHaveBeenCalled();
  });

  it('applies dotted overrides before validating', () => {
    const config = readRunConfig(localYaml, ['stages.0.groupSize=16', 'runId=tuned', 'sampling.temperature=0.5', 'tasks.trainFile=other.jsonl']);
    expect(config.stages[0].groupSize).toBe(16);
    expect(config.runId).toBe('tuned');
    expect(config.sampling.temperature).toBe(0.5);
    expect(config.tasks.trainFile).toBe(path.resolve('other.jsonl'));
  });

  it('still takes an object of top-level overrides (the older form)', () => {
    expect(readRunConfig(localYaml, { runId: 'named' }).runId).toBe('named');
  });

  it('lets the schema judge an overridden value and refuse an unknown key, naming the field', () => {
    expect(() => readRunConfig(localYaml, ['stages.0.groupSize=1'])).toThrow(/config\.stages\[0\]\.groupSize: G must be at least 2/);
    expect(() => readRunConfig(localYaml, ['stages.0.groupSize=sixteen'])).toThrow(/config\.stages\[0\]\.groupSize: /);
    expect(() => readRunConfig(localYaml, ['stages.0.groupSzie=16'])).toThrow(/config\.stages\[0\]: Unrecognized key: "groupSzie"/);
    expect(() => readRunConfig(localYaml, ['trainer.extra.deep=1'])).toThrow(/config\.trainer: Unrecognized key: "extra"/);
    expect(() => readRunConfig(localYaml, ['stages.1.groupSize=16'])).toThrow(/index 1 is out of range \(stages has 1 item\)/);
  });

  it('reads the deprecated snake_case sampling keys with a warning naming the new key', () => {
    const old = local();
    old.sampling = { temperature: 1, top_p: 0.9, top_k: -1, min_p: 0, repetition_penalty: 1 };
    const config = readRunConfig(write('old.yaml', stringify(old)));
    expect(config.sampling).toEqual({ temperature: 1, topP: 0.9, topK: -1, minP: 0, repetitionPenalty: 1 });
    const warnings = stderr.mock.calls.map((c) => String(c[0]));
    expect(warnings).toContainEqual(expect.stringMatching(/old\.yaml: sampling\.top_p is deprecated: write sampling\.topP/));
    expect(warnings).toHaveLength(4);
  });

  it('refuses a key given in both spellings', () => {
    const both = local();
    both.sampling.top_p = 0.5;
    expect(() => readRunConfig(write('both.yaml', stringify(both)))).toThrow(/config\.sampling: Unrecognized key: "top_p"/);
    expect(stderr.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/sampling\.top_p and sampling\.topP are both set/));
  });

  it('names the file and the problem when it cannot be read', () => {
    expect(() => readRunConfig(write('bad.yaml', 'runId: [unclosed\n'))).toThrow(/cannot read config .*bad\.yaml: /);
    expect(() => readRunConfig(write('dup.yaml', 'runId: a\nrunId: b\n'))).toThrow(/cannot read config .*dup\.yaml: .*[Uu]nique/);
    expect(() => readRunConfig(write('c.toml', 'runId = "a"'))).toThrow(/cannot read config .*c\.toml: a config file ends in \.yaml, \.yml, \.json, not "\.toml"/);
    expect(() => readRunConfig(path.join(dir, 'missing.yaml'))).toThrow(/cannot read config .*missing\.yaml: ENOENT/);
  });
});
