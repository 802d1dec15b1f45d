import path from 'node:path';
import { trajectoryOf } from '../../core/agent/conversation';
import { batchFile } from '../../core/store/runPaths';
import { readPrompt, readTurns } from './episodeStore';
import { AtomicLineWriter } from './atomicLineWriter';
import { heartbeatNow } from '../heartbeat';

export interface BatchEntry {
  episodeKey: string;
  /** Absent for SFT (rejection fine-tuning) batches. */
  advantage?: number;
}

export interface WriteBatchInput {
  runsDir: string;
  runId: string;
  name: string;
  entries: BatchEntry[];
}

export interface WrittenBatch {
  batchPath: string;
  trajectories: number;
  actionTokens: number;
}

/**
 * Writes the trainer's batch (JSONL, one trajectory per line) from the stored turns: the exact
 * sampled token ids and log-probs of every assistant turn, format errors flagged. Deterministic,
 * so a retry rewrites the same file. Streamed: one trajectory in memory at a time.
 */
export async function writeTrainingBatch(input: WriteBatchInput): Promise<WrittenBatch> {
  return writeBatchFile(input.runsDir, input.runId, path.resolve(batchFile(input.runsDir, input.runId, input.name)), input.entries);
}

/**
 * The batch at `batchPath` from `entries` (any iterable, so a caller may stream them), written
 * through an AtomicLineWriter: a reader sees no file or the whole one, and the writer holds one
 * trajectory (its turns and its JSON line) at a time, never the batch.
 */
export async function writeBatchFile(runsDir: string, runId: string, batchPath: string, entries: Iterable<BatchEntry>): Promise<WrittenBatch> {
  const out = new AtomicLineWriter(batchPath);
  let actionTokens = 0;
  let index = 0;
  try {
    for (const entry of entries) {
      if (index++ % 32 === 0) await heartbeatNow({ written: index - 1 });
      const ref = { runsDir, runId, episodeKey: entry.episodeKey };
      const turns = readTurns(ref);
      if (turns.length === 0) continue; // nothing sampled (context limit on the first turn)
      actionTokens += turns.reduce((a, t) => a + t.policy.tokenIds.length, 0);
      out.write(JSON.stringify(trajectoryOf(`${runId}/${entry.episodeKey}`, readPrompt(ref), turns, entry.advantage)));
    }
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  return { batchPath, trajectories: out.lines, actionTokens };
}
