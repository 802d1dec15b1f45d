import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunConfigInput } from '../../../core/runConfig';
import { ROOT } from './processes';

/** A fresh built-in task suite with small train/eval subsets for quick pipeline runs. */
export function smallTaskSet(trainCount = 2, evalCount = 1): { dir: string; trainFile: string; evalFile: string; reposDir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-taskset-'));
  execFileSync('python3', [path.join(ROOT, 'tasks/builtin/generate.py'), '--out', path.join(dir, 'suite')], { stdio: 'pipe' });
  const pick = (file: string, n: number, out: string) => {
    const lines = readFileSync(path.join(dir, 'suite', file), 'utf8').trim().split('\n').slice(0, n);
    writeFileSync(path.join(dir, out), lines.join('\n') + '\n');
    return path.join(dir, out);
  };
  return { dir, trainFile: pick('train.jsonl', trainCount, 'train.jsonl'), evalFile: pick('eval.jsonl', evalCount, 'eval.jsonl'), reposDir: path.join(dir, 'suite', 'repos') };
}

/** A small run config over the local profile's shape, with the given server, tasks and sizes. */
export function smallRunConfig(
  runId: string,
  serverUrl: string,
  modelPath: string,
  tasks: { dir: string; trainFile: string; evalFile: string; reposDir: string },
  overrides: Partial<RunConfigInput> = {},
): RunConfigInput {
  return {
    runId,
    seed: 1,
    runsDir: path.join(tasks.dir, 'runs'),
    model: { basePath: modelPath, servedName: 'policy' },
    policyServer: { url: serverUrl, requestTimeoutSeconds: 60 },
    tasks: { trainFile: tasks.trainFile, evalFile: tasks.evalFile, reposDir: tasks.reposDir },
    sandbox: { limits: { memoryMb: 512 }, commandTimeoutSeconds: 20, maxObservationChars: 1500, testTimeoutSeconds: 60 },
    rft: { enabled: true, samplesPerTask: 2, maxTurns: 2, contextTokens: 8192 },
    stages: [{ name: 'stage1', iterations: 2, problemsPerIteration: 2, groupSize: 3, maxTurns: 4, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 32 }],
    evaluation: { everyIterations: 2, runs: 2, maxTurns: 2, contextTokens: 8192 },
    trainer: { microBatchSize: 4, maxSequenceTokens: 8192 },
    concurrency: { taskGroups: 2, episodesPerGroup: 3 },
    ...overrides,
  };
}
