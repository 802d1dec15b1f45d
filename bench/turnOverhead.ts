// Temporal's overhead per agent turn: N turns (one policy call + one tool call in a sandbox)
// through Temporal activities versus the same calls made directly, median over N (default 50).
// Needs the dev server, workers (bin/swe-rl up) and the CPU policy server running.
// Usage: node dist/bench/turnOverhead.js [--turns N] [--server URL]
import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chatCompletion } from '../activities/policy/chatCompletion';
import { INITIAL_SHELL_STATE, runAgentCommand, setupEpisodeSandbox } from '../activities/sandbox/agentSandbox';
import { destroySandbox } from '../activities/sandbox/sandboxActivities';
import { thisHostQueue } from '../activities/sandbox/sandboxHost';
import { DEFAULT_BUILTIN_DIR, generateBuiltinTasks } from '../cli/commands/builtinTasks';
import { parseTaskFile } from '../core/tasks/parseTaskFile';
import { TASK_QUEUES } from '../core/taskQueues';

const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const turns = Number(args[args.indexOf('--turns') + 1] || 50) || 50;
  const serverUrl = args.includes('--server') ? args[args.indexOf('--server') + 1] : 'http://127.0.0.1:8300';
  if (!existsSync(path.join(DEFAULT_BUILTIN_DIR, 'train.jsonl'))) generateBuiltinTasks(DEFAULT_BUILTIN_DIR);
  const task = parseTaskFile(readFileSync(path.join(DEFAULT_BUILTIN_DIR, 'train.jsonl'), 'utf8'), 'train.jsonl').tasks[0];
  const sandboxId = `bench-turns-${randomUUID().slice(0, 8)}`;
  await setupEpisodeSandbox({ sandboxId, task, reposDir: path.join(DEFAULT_BUILTIN_DIR, 'repos'), runId: 'bench', episodeId: sandboxId });
  const messages = [
    { role: 'system' as const, content: 'You are a software engineer fixing a bug.' },
    { role: 'user' as const, content: task.problem_statement },
  ];
  const maxTokens = 32;
  const command = 'ls && search_file def';
  try {
    const direct: number[] = [];
    for (let i = 0; i < turns; i++) {
      const started = Date.now();
      await chatCompletion({ serverUrl, model: 'policy', messages, sampling: { max_tokens: maxTokens, seed: i } });
      await runAgentCommand({ sandboxId, command, state: INITIAL_SHELL_STATE, timeoutSeconds: 30, maxObservationChars: 4000 });
      direct.push(Date.now() - started);
    }
    const client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' }) });
    const viaTemporal = (await client.workflow.execute('benchTurns', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: `bench-turns-${randomUUID().slice(0, 8)}`,
      args: [{ sandboxId, turns, serverUrl, messages, maxTokens, command, sandboxQueue: thisHostQueue() }],
    })) as number[];
    await client.connection.close();
    console.log(`agent turn, direct:         median ${median(direct)} ms (n=${turns})`);
    console.log(`agent turn, via Temporal:   median ${median(viaTemporal)} ms (n=${turns})`);
    console.log(`Temporal overhead per turn: ${median(viaTemporal) - median(direct)} ms (two activities and their workflow tasks)`);
  } finally {
    await destroySandbox(sandboxId);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
