import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { episodeDir, turnFile } from '../../../core/store/runPaths';

/** A one-turn trajectory in the store's layout (prompt.json, turns/0001.policy.json), as the batch writer reads it. */
export async function writeStandInTrajectory(input: { runsDir: string; runId: string; episodeKey: string }): Promise<void> {
  const dir = episodeDir(input.runsDir, input.runId, input.episodeKey);
  mkdirSync(path.join(dir, 'turns'), { recursive: true });
  writeFileSync(path.join(dir, 'prompt.json'), JSON.stringify({ system: 'stand-in system prompt', user: `fix ${input.episodeKey}` }));
  writeFileSync(turnFile(dir, 1, 'policy'), JSON.stringify({
    turn: 1, content: 'submit', tokenIds: [1, 2, 3], logprobs: [-0.1, -0.2, -0.3], promptTokens: 10, finishReason: 'stop',
    policyVersion: 0, action: { kind: 'submit', thought: '' }, observation: 'submitted',
  }));
}
