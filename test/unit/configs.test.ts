import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runConfigSchema, type RunConfigInput } from '../../core/runConfig';
import { parseOrThrow } from '../../core/validation';
import { miniBatches, rftSchedule } from '../../core/rl/miniBatches';

const ROOT = path.resolve(__dirname, '..', '..');
const readProfile = (name: string): RunConfigInput => parseYaml(readFileSync(path.join(ROOT, 'configs', `${name}.yaml`), 'utf8'));
const parse = (value: unknown) => parseOrThrow(runConfigSchema, value, 'config');
const UNBIASED = { temperature: 1, topP: 1, topK: -1, minP: 0, repetitionPenalty: 1 };

describe('configs/local.yaml', () => {
  const raw = readProfile('local');
  const config = parse(raw);

  it('parses and spells out every field (nothing is left to a schema default)', () => {
    expect(config).toEqual(raw);
    expect(config.profile).toBe('local');
    expect(config.runId).toBe('local');
  });

  it('points at what the infra scripts build and serve, with repository-relative paths', () => {
    const env = readFileSync(path.join(ROOT, 'infra', 'env.sh'), 'utf8');
    expect(env).toMatch(/SWE_RL_LOCAL_MODEL="\$\{SWE_RL_LOCAL_MODEL:-\$SWE_RL_DATA_DIR\/models\/drill-base\}"/);
    expect(env).toMatch(/SWE_RL_DRILLS_DIR="\$\{SWE_RL_DRILLS_DIR:-\$SWE_RL_DATA_DIR\/drills\}"/);
    expect(config.model.basePath).toBe('.data/models/drill-base');
    const port = /SWE_RL_POLICY_PORT="\$\{SWE_RL_POLICY_PORT:-(\d+)\}"/.exec(env)?.[1];
    expect(config.policyServer.url).toBe(`http://127.0.0.1:${port}`);
    expect(config.tasks).toEqual({
      trainFile: '.data/drills/train.jsonl',
      evalFile: '.data/drills/eval.jsonl',
      reposDir: '.data/drills/repos',
    });
    expect(config.runsDir).toBe('runs');
  });

  it('fits the tiny model context; evaluates base, RFT and RL on 5 runs each; compact prompts; real rewards', () => {
    const source = readFileSync(path.join(ROOT, 'trainer', 'swe_rl_trainer', 'tiny_model.py'), 'utf8');
    const modelContext = Number(/max_position_embeddings: int = (\d+)/.exec(source)?.[1]);
    expect(modelContext).toBeGreaterThan(0);
    const contexts = [config.rft!.contextTokens, config.evaluation.contextTokens, config.trainer.maxSequenceTokens, ...config.stages.map((s) => s.contextTokens)];
    for (const tokens of contexts) expect(tokens).toBeLessThanOrEqual(modelContext);
    expect(config.stages).toHaveLength(1);
    expect(config.evaluation).toMatchObject({ runs: 5, milestones: true });
    expect(config.agent.promptStyle).toBe('compact');
    expect(config.shuffleRewards).toBe(false);
    expect(config.sampling).toEqual(UNBIASED);
  });
});

describe('configs/local-control.yaml', () => {
  it('is the local profile with shuffled rewards under its own run id: same budget, no information in the reward', () => {
    const local = parse(readProfile('local'));
    const raw = readProfile('local-control');
    const control = parse(raw);
    expect(control).toEqual(raw);
    expect(control.shuffleRewards).toBe(true);
    expect(control.runId).toBe('local-control');
    expect({ ...control, runId: local.runId, shuffleRewards: false }).toEqual(local);
  });
});

describe('configs/gpu.yaml', () => {
  const raw = readProfile('gpu');
  const config = parse(raw);

  it('parses and spells out every field', () => {
    expect(config).toEqual(raw);
    expect(config.profile).toBe('gpu');
    expect(path.isAbsolute(config.model.basePath)).toBe(true);
    expect(config.model.basePath).toMatch(/Qwen2\.5-72B-Instruct$/);
  });

  it("carries the paper's values", () => {
    const [stage1, stage2] = config.stages;
    expect(config.stages).toHaveLength(2);
    expect(stage1).toMatchObject({
      problemsPerIteration: 300, groupSize: 10, maxTurns: 40, lengthThreshold: 10,
      epsLow: 0.2, epsHigh: 0.3, contextTokens: 65536, learningRate: 1e-6, curriculumFilter: false,
    });
    expect(stage2).toMatchObject({
      problemsPerIteration: 300, groupSize: 10, maxTurns: 80, lengthThreshold: 10,
      epsLow: 0.2, epsHigh: 0.26, contextTokens: 131072, learningRate: 1e-6, curriculumFilter: true,
    });
    expect(config.rft).toMatchObject({ enabled: true, learningRate: 5e-6 });
    expect(config.trainer).toMatchObject({ gradClip: 1.0, weightDecay: 0.1, maxSequenceTokens: 131072 });
    expect(config.evaluation).toMatchObject({ runs: 10, maxTurns: 80, contextTokens: 131072 });
    expect(config.evaluation.everyIterations).toBeGreaterThan(0);
    expect(config.sampling).toEqual(UNBIASED);
  });

  it("trains in the paper's mini-batches: 128 then 256 trajectories per DAPO step, RFT 64 with 10 warm-up steps", () => {
    const [stage1, stage2] = config.stages;
    expect([stage1.batchSize, stage2.batchSize]).toEqual([128, 256]);
    // 300 problems x G = 10: the kept trajectories after the group filter make 2-8 steps per iteration (paper).
    for (const [stage, kept, steps] of [[stage1, 300, 3], [stage1, 1000, 8], [stage2, 600, 3], [stage2, 2000, 8]] as const) {
      const planned = miniBatches(Array.from({ length: kept }, (_, i) => i), stage.batchSize, 1);
      expect(planned).toHaveLength(steps);
      expect(Math.max(...planned.map((p) => p.length))).toBeLessThanOrEqual(stage.batchSize);
    }
    // About 50 RFT steps (paper): 3,200 passing trajectories at 64, 10 of them warm-up, then cosine.
    expect(config.rft).toMatchObject({ batchSize: 64, warmupSteps: 10, epochs: 1 });
    const schedule = rftSchedule(3200, config.rft!.batchSize, config.rft!.epochs, config.rft!.warmupSteps);
    expect(schedule).toEqual({ totalSteps: 50, stepsPerEpoch: 50, warmupSteps: 10 });
    expect(schedule.totalSteps).toBeGreaterThan(schedule.warmupSteps); // the trainer's cosine schedule accepts it
  });
});

describe('bad configs fail naming the field', () => {
  const base = () => structuredClone(readProfile('gpu')) as RunConfigInput & { stages: Record<string, unknown>[] };

  it('G = 1', () => {
    const bad = base();
    bad.stages[0].groupSize = 1;
    expect(() => parse(bad)).toThrow(/config\.stages\[0\]\.groupSize: G must be at least 2/);
  });

  it('maxTurns not above lengthThreshold', () => {
    const bad = base();
    bad.stages[1].maxTurns = 10;
    expect(() => parse(bad)).toThrow(/config\.stages\[1\]\.maxTurns: must exceed lengthThreshold \(10\)/);
  });

  it('a misspelt key, a biased sampler, a bad run id and a context below the minimum', () => {
    const bad = base();
    bad.stages[0].epsilonHigh = 0.3;
    (bad.sampling as Record<string, unknown>).topK = 'off';
    bad.runId = 'Paper Run';
    bad.evaluation.contextTokens = 100;
    let message = '';
    try {
      parse(bad);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/config\.stages\[0\]: Unrecognized key: "epsilonHigh"/);
    expect(message).toMatch(/config\.sampling\.topK: /);
    expect(message).toMatch(/config\.runId: must be lowercase/);
    expect(message).toMatch(/config\.evaluation\.contextTokens: /);
  });

  it('concurrency beyond what one workflow may hold as pending children', () => {
    const bad = base();
    bad.concurrency = { taskGroups: 2001, episodesPerGroup: 10 };
    expect(() => parse(bad)).toThrow(/config\.concurrency\.taskGroups: must be at most 2000: a workflow may hold at most 2000 pending children/);
    bad.concurrency = { taskGroups: 4, episodesPerGroup: 5000 };
    expect(() => parse(bad)).toThrow(/config\.concurrency\.episodesPerGroup: must be at most 2000/);
    bad.concurrency = { taskGroups: 2000, episodesPerGroup: 2000 };
    expect(() => parse(bad)).not.toThrow();
  });

  it('duplicate stage names', () => {
    const bad = base();
    bad.stages[1].name = 'stage1';
    expect(() => parse(bad)).toThrow(/config\.stages: stage name "stage1" is used twice/);
  });
});
