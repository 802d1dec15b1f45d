import { proxyActivities } from '@temporalio/workflow';
import type * as policy from '../activities/policy';
import type * as sandbox from '../activities/sandbox';
import type { ShellState } from '../core/agent/shellCommand';
import type { ChatMessage } from '../core/policy/sampling';
import { TASK_QUEUES } from '../core/taskQueues';

const policyCalls = proxyActivities<typeof policy>({ taskQueue: TASK_QUEUES.policy, startToCloseTimeout: '2 minutes' });

export interface BenchTurnsInput {
  sandboxId: string;
  turns: number;
  serverUrl: string;
  messages: ChatMessage[];
  maxTokens: number;
  command: string;
  /** The host queue of the sandbox's Docker host (`swe-rl-sandbox@<host>`), as an episode's turns use. */
  sandboxQueue: string;
}

/**
 * Benchmark only (bench/turnOverhead.ts): N agent turns, each one policy activity and one sandbox
 * activity, with the same inputs the direct calls get, to measure Temporal's overhead per turn.
 */
export async function benchTurns(input: BenchTurnsInput): Promise<number[]> {
  const state: ShellState = { cwd: '/testbed', openFile: null };
  const durations: number[] = [];
  const sandboxCalls = proxyActivities<typeof sandbox>({ taskQueue: input.sandboxQueue, startToCloseTimeout: '2 minutes' });
  for (let i = 0; i < input.turns; i++) {
    const started = Date.now();
    await policyCalls.chatCompletion({ serverUrl: input.serverUrl, model: 'policy', messages: input.messages, sampling: { max_tokens: input.maxTokens, seed: i } });
    await sandboxCalls.runAgentCommand({ sandboxId: input.sandboxId, command: input.command, state, timeoutSeconds: 30, maxObservationChars: 4000 });
    durations.push(Date.now() - started);
  }
  return durations;
}
