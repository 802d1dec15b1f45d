// Prints sandbox latencies on real containers (median and p90 over N samples):
//   create-to-first-output, one agent tool call, and grading one built-in task (gold patch).
// Usage: node dist/bench/sandboxLatency.js [--samples N] [--tasks DIR]   (after npm run build)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INITIAL_SHELL_STATE, runAgentCommand, setupEpisodeSandbox } from '../activities/sandbox/agentSandbox';
import { gradePatch } from '../activities/sandbox/grading';
import { createSandbox, destroySandbox, execInSandbox } from '../activities/sandbox/sandboxActivities';
import { parseTaskFile } from '../core/tasks/parseTaskFile';
import { DEFAULT_BUILTIN_DIR, generateBuiltinTasks } from '../cli/commands/builtinTasks';
import { existsSync } from 'node:fs';

function quantiles(values: number[]): string {
  const s = values.slice().sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, min ${s[0]} ms, max ${s[s.length - 1]} ms (n=${s.length})`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const samples = Number(args[args.indexOf('--samples') + 1] || 20) || 20;
  const tasksDir = args.includes('--tasks') ? path.resolve(args[args.indexOf('--tasks') + 1]) : DEFAULT_BUILTIN_DIR;
  if (!existsSync(path.join(tasksDir, 'train.jsonl'))) generateBuiltinTasks(tasksDir);
  const { tasks } = parseTaskFile(readFileSync(path.join(tasksDir, 'train.jsonl'), 'utf8'), 'train.jsonl');

  const createToOutput: number[] = [];
  for (let i = 0; i < samples; i++) {
    const sandboxId = `bench-${randomUUID().slice(0, 8)}`;
    const started = Date.now();
    await createSandbox({ sandboxId, runId: 'bench', episodeId: sandboxId });
    await execInSandbox({ sandboxId, command: 'echo ready' });
    createToOutput.push(Date.now() - started);
    await destroySandbox(sandboxId);
  }
  console.log(`sandbox create -> first output: ${quantiles(createToOutput)}`);

  const sandboxId = `bench-tools-${randomUUID().slice(0, 8)}`;
  const setupStarted = Date.now();
  await setupEpisodeSandbox({ sandboxId, task: tasks[0], reposDir: path.join(tasksDir, 'repos'), runId: 'bench', episodeId: sandboxId });
  console.log(`episode sandbox setup (container + repository + tools): ${Date.now() - setupStarted} ms`);
  const toolCalls: number[] = [];
  const commands = ['ls', 'open pytest.ini', 'search_file pythonpath', 'grep -rn def --include=*.py . | head -5', 'scroll_down'];
  for (let i = 0; i < samples; i++) {
    const started = Date.now();
    await runAgentCommand({ sandboxId, command: commands[i % commands.length], state: INITIAL_SHELL_STATE, timeoutSeconds: 30, maxObservationChars: 8000 });
    toolCalls.push(Date.now() - started);
  }
  await destroySandbox(sandboxId);
  console.log(`agent tool call: ${quantiles(toolCalls)}`);

  const grading: number[] = [];
  for (let i = 0; i < samples; i++) {
    const task = tasks[i % tasks.length];
    const started = Date.now();
    const result = await gradePatch({ task, patch: task.patch, reposDir: path.join(tasksDir, 'repos'), gradeId: `bench-${randomUUID().slice(0, 8)}`, runId: 'bench' });
    if (result.reward !== 1) throw new Error(`gold patch of ${task.instance_id} did not pass: ${result.reason}`);
    grading.push(Date.now() - started);
  }
  console.log(`grading one task (fresh container, gold patch): ${quantiles(grading)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
