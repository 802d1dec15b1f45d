// Temporal's overhead per agent turn: N turns (one policy call + one tool call in a sandbox)
// through Temporal activities versus the same calls made directly, median and p99 over N
// (default 50), and where the time through Temporal goes, read from the workflow's history.
// Needs the dev server, workers (bin/swe-rl up) and the CPU policy server running.
// Usage: node dist/bench/turnOverhead.js [--turns N] [--rounds R] [--server URL] [--address HOST:PORT]
// The last line printed is one JSON object with the figures.
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
import { turnBreakdowns, workflowTaskSpans, type TurnBreakdown } from './turnHistoryBreakdown';

const quantile = (v: number[], q: number) => {
  const sorted = v.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const median = (v: number[]) => quantile(v, 0.5);
const p99 = (v: number[]) => quantile(v, 0.99);

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const turns = Number(option(args, '--turns') ?? 50) || 50;
  const serverUrl = option(args, '--server') ?? 'http://127.0.0.1:8300';
  const address = option(args, '--address') ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
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
    // Direct and through Temporal alternate in rounds, so load that drifts (a shared machine) falls on both.
    const rounds = Math.max(1, Math.min(turns, Number(option(args, '--rounds') ?? 5) || 5));
    const direct: number[] = [];
    const directPolicy: number[] = [];
    const directCommand: number[] = [];
    const viaTemporal: number[] = [];
    const parts: TurnBreakdown[] = [];
    const workflowTasks: { dispatch: number; run: number }[] = [];
    const client = new Client({ connection: await Connection.connect({ address }) });
    for (let round = 0; round < rounds; round++) {
      const n = Math.floor(turns / rounds) + (round < turns % rounds ? 1 : 0);
      for (let i = 0; i < n; i++) {
        const started = Date.now();
        await chatCompletion({ serverUrl, model: 'policy', messages, sampling: { max_tokens: maxTokens, seed: i } });
        const sampled = Date.now();
        await runAgentCommand({ sandboxId, command, state: INITIAL_SHELL_STATE, timeoutSeconds: 30, maxObservationChars: 4000 });
        directPolicy.push(sampled - started);
        directCommand.push(Date.now() - sampled);
        direct.push(Date.now() - started);
      }
      const workflowId = `bench-turns-${randomUUID().slice(0, 8)}`;
      viaTemporal.push(...(await client.workflow.execute('benchTurns', {
        taskQueue: TASK_QUEUES.orchestrator,
        workflowId,
        args: [{ sandboxId, turns: n, serverUrl, messages, maxTokens, command, sandboxQueue: thisHostQueue() }],
      })) as number[]);
      const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      parts.push(...turnBreakdowns(events, 2));
      workflowTasks.push(...workflowTaskSpans(events));
    }
    await client.connection.close();
    const pick = (f: (t: (typeof parts)[number]) => number) => parts.map(f);
    // overhead from the history: the turn's time outside the two activities' run on the worker
    const historyOverhead = pick((t) => t.scheduleToStart + t.workflowTask);
    const figures = {
      turns,
      directMsMedian: median(direct),
      temporalMsMedian: median(viaTemporal),
      turnOverheadMsMedian: median(viaTemporal) - median(direct),
      directMsP99: p99(direct),
      temporalMsP99: p99(viaTemporal),
      historyOverheadMsMedian: median(historyOverhead),
      historyOverheadMsP99: p99(historyOverhead),
      scheduleToStartMsMedian: median(pick((t) => t.scheduleToStart)),
      workflowTaskMsMedian: median(pick((t) => t.workflowTask)),
      workflowTaskDispatchMsMedian: median(workflowTasks.map((w) => w.dispatch)),
      workflowTaskRunMsMedian: median(workflowTasks.map((w) => w.run)),
      activityRunMsMedian: median(pick((t) => t.run)),
      inputBytesPerTurn: median(pick((t) => t.inputBytes)),
      resultBytesPerTurn: median(pick((t) => t.resultBytes)),
      directPolicyMsMedian: median(directPolicy),
      directCommandMsMedian: median(directCommand),
      policyRunMsMedian: median(pick((t) => t.runs[0])),
      commandRunMsMedian: median(pick((t) => t.runs[1])),
    };
    console.log(`agent turn, direct:         median ${figures.directMsMedian} ms, p99 ${figures.directMsP99} ms (n=${turns})`);
    console.log(`agent turn, via Temporal:   median ${figures.temporalMsMedian} ms, p99 ${figures.temporalMsP99} ms (n=${turns})`);
    console.log(`Temporal overhead per turn: ${figures.turnOverheadMsMedian} ms (difference of medians: two activities and their workflow tasks)`);
    console.log(`from the history, per turn: overhead median ${figures.historyOverheadMsMedian} ms, p99 ${figures.historyOverheadMsP99} ms = ` +
      `schedule-to-start ${figures.scheduleToStartMsMedian} ms + workflow tasks ${figures.workflowTaskMsMedian} ms ` +
      `(each: dispatch ${figures.workflowTaskDispatchMsMedian} ms, on the worker ${figures.workflowTaskRunMsMedian} ms) ` +
      `(activities running ${figures.activityRunMsMedian} ms: policy ${figures.policyRunMsMedian} vs ${figures.directPolicyMsMedian} direct, command ${figures.commandRunMsMedian} vs ${figures.directCommandMsMedian} direct; payloads ${figures.inputBytesPerTurn} B in, ${figures.resultBytesPerTurn} B out)`);
    console.log(JSON.stringify(figures));
  } finally {
    await destroySandbox(sandboxId);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
