import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { miniBatches } from '../../core/rl/miniBatches';
import { batchFile, runDir } from '../../core/store/runPaths';
import { AtomicLineWriter } from './atomicLineWriter';
import { writeBatchFile } from './batchActivities';
import { readJsonLines } from './jsonLines';
import { listTaskIds } from './taskFiles';
import { heartbeatNow } from '../heartbeat';

/** One passing RFT trajectory, by reference: a line of a window's refs file. */
export interface TrajectoryRef {
  episodeKey: string;
  instanceId: string;
}

/** `<runsDir>/<runId>/rft/<phase>/window-00012.refs.jsonl`: the passing trajectories of one RFT window. */
export function windowRefsFile(runsDir: string, runId: string, phase: string, window: number): string {
  if (!/^[a-z0-9-]+$/.test(phase)) throw ApplicationFailure.nonRetryable(`bad RFT phase ${JSON.stringify(phase)}`, 'InvalidInput');
  return path.resolve(runDir(runsDir, runId), 'rft', phase, `window-${String(window).padStart(5, '0')}.refs.jsonl`);
}

/** The task ids of one window, the index range [start, end) of the task file, and how many tasks it holds. */
export async function taskIdWindow(input: { file: string; start: number; end: number }): Promise<{ ids: string[]; tasks: number }> {
  const all = await listTaskIds({ file: input.file });
  return { ids: all.slice(input.start, input.end), tasks: all.length };
}

/**
 * Records a window's passing trajectories, once: the file is written whole (atomically) and a
 * retry, or the window run again, finds it there and leaves it. Returns how many it holds.
 */
export async function writeWindowRefs(input: { runsDir: string; runId: string; phase: string; window: number; refs: TrajectoryRef[] }): Promise<{ file: string; refs: number; written: boolean }> {
  const file = windowRefsFile(input.runsDir, input.runId, input.phase, input.window);
  if (existsSync(file)) {
    let refs = 0;
    for await (const _ of readJsonLines<TrajectoryRef>(file)) refs++;
    return { file, refs, written: false };
  }
  const out = new AtomicLineWriter(file);
  try {
    for (const ref of input.refs) out.write(JSON.stringify({ episodeKey: ref.episodeKey, instanceId: ref.instanceId }));
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  return { file, refs: input.refs.length, written: true };
}

export interface WriteRftBatchesInput {
  runsDir: string;
  runId: string;
  phase: string;
  /** Windows of the phase: their refs files are read in window order (a window that failed has none). */
  windows: number;
  /** Passing trajectories the windows reported: the refs files must hold exactly these. */
  expected: number;
  epoch: number;
  batchSize: number;
  seed: number;
  /** The epoch's steps written by this call: [fromStep, fromStep + maxSteps), 0-based. */
  fromStep: number;
  maxSteps: number;
}

/**
 * Some of one epoch's SFT batches, from the windows' refs files: every reference (an episode
 * key, tens of bytes) is read by line, the seeded shuffle of miniBatches splits them into steps,
 * and each step's batch is streamed to the store one trajectory at a time. A batch already in the
 * store was written whole by an earlier attempt (atomic rename) and is kept, so a retry resumes.
 */
export async function writeRftBatches(input: WriteRftBatchesInput): Promise<{ batchPaths: string[]; stepsInEpoch: number }> {
  const keys: { episodeKey: string }[] = [];
  for (let w = 0; w < input.windows; w++) {
    const file = windowRefsFile(input.runsDir, input.runId, input.phase, w);
    if (!existsSync(file)) continue;
    for await (const ref of readJsonLines<TrajectoryRef>(file)) keys.push({ episodeKey: ref.episodeKey });
  }
  if (keys.length !== input.expected) {
    throw ApplicationFailure.nonRetryable(`${input.runId} ${input.phase}: the windows reported ${input.expected} passing trajectories, their refs files hold ${keys.length}`, 'StoreMismatch');
  }
  const planned = miniBatches(keys, input.batchSize, input.seed);
  const batchPaths: string[] = [];
  const end = Math.min(planned.length, input.fromStep + input.maxSteps);
  for (let i = input.fromStep; i < end; i++) {
    await heartbeatNow({ step: i });
    const name = `${input.phase}-e${String(input.epoch).padStart(2, '0')}-step${String(i + 1).padStart(3, '0')}`;
    const batchPath = path.resolve(batchFile(input.runsDir, input.runId, name));
    if (!existsSync(batchPath)) await writeBatchFile(input.runsDir, input.runId, batchPath, planned[i]);
    batchPaths.push(batchPath);
  }
  return { batchPaths, stepsInEpoch: planned.length };
}
