import path from 'node:path';
import { trajectoryOf } from '../../core/agent/conversation';
import { batchFile } from '../../core/store/runPaths';
import { readPrompt, readTurns } from './episodeStore';
import { AtomicLineWriter } from './atomicLineWriter';
import { heartbeatNow } from '../heartbeat';

export interface WriteBatchInput {
  runsDir: string;
  runId: string;
  name: string;
  /** advantage is absent for SFT (rejection fine-tuning) batches. */
  entries: { episodeKey: string; advantage?: number }[];
}

/**
 * Writes the trainer's batch (JSONL, one trajectory per line) from the stored turns: the exact
 * sampled token ids and log-probs of every assistant turn, format errors flagged. Deterministic,
 * so a retry rewrites the same file. Streamed: one trajectory in memory at a time.
 */
export async function writeTrainingBatch(input: WriteBatchInput): Promise<{ batchPath: string; trajectories: number; actionTokens: number }> {
  const batchPath = path.resolve(batchFile(input.runsDir, input.runId, input.name));
  const out = new AtomicLineWriter(batchPath);
  let actionTokens = 0;
  try {
    for (const [index, entry] of input.entries.entries()) {
      if (index % 32 === 0) await heartbeatNow({ written: index });
      const ref = { runsDir: input.runsDir, runId: input.runId, episodeKey: entry.episodeKey };
      const turns = readTurns(ref);
      if (turns.length === 0) continue; // nothing sampled (context limit on the first turn)
      actionTokens += turns.reduce((a, t) => a + t.policy.tokenIds.length, 0);
      out.write(JSON.stringify(trajectoryOf(`${input.runId}/${entry.episodeKey}`, readPrompt(ref), turns, entry.advantage)));
    }
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  return { batchPath, trajectories: out.lines, actionTokens };
}
