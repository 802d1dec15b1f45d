// One RL iteration of P problems x G samples through the real rlIteration workflow, with the
// scripted instant policy (no model in the loop), real sandboxes, real gradings and the real
// trainer step; then the same sandbox work in a plain loop, for the ratio to the limit.
// It starts what it needs itself (an instant policy server, the Python trainer worker, the
// TypeScript workers in this process); it needs a Temporal server (--address) and Docker, and
// nothing else on the task queues of that server's namespace (use a private dev server).
// Usage: node dist/bench/iteration.js --problems P --group G [--concurrency-groups K]
//   [--episodes-per-group E] [--slots S] [--address HOST:PORT] [--skip-plain-loop]
//   [--plain-loop-episodes N] [--workers all-in-one|split] [--keep]
// --plain-loop-episodes replays an evenly spread N of the episodes in the plain loop and scales
// its time to all of them (an estimate, reported as such: plainLoopEpisodes < episodes).
// --workers split runs the orchestrator worker (every workflow) as a process of its own, the
// activity workers staying in this one; all-in-one (the default) runs them all here.
// The last line printed is one JSON object with the figures.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { episodeFile, readTurns } from '../activities/store/episodeStore';
import { readJsonIfExists } from '../activities/store/files';
import type { RlIterationResult } from '../workflows/rlIteration';
import { runConfigSchema, type RunConfigInput } from '../core/runConfig';
import { TASK_QUEUES } from '../core/taskQueues';
import { childrenOf, fetchHistory, largestPerType, medianParts, quantile, turnOverheadPartsMs, turnOverheadsMs, type FetchedHistory } from './iteration/historyFigures';
import { runPlainLoop, type PlainEpisode } from './iteration/plainLoop';
import { benchTasks, buildTinyModel, startInstantPolicyServer, startOrchestratorWorker, startTrainerWorker, startWorkers, writeScript, type ChildService } from './iteration/services';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
function count(args: string[], name: string, fallback: number): number {
  const raw = option(args, name);
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const problems = count(args, '--problems', 30);
  const group = count(args, '--group', 10);
  // Episode sandboxes this host holds at once: the bound on sandboxes in use, for both runs.
  const slots = count(args, '--slots', Number(process.env.SWE_RL_SANDBOX_SLOTS ?? 4));
  // By default as many episodes in flight as slots: more only wait for a slot (holding an
  // activity and a heartbeat each), which buys nothing on a small machine.
  const episodesPerGroup = count(args, '--episodes-per-group', Math.min(group, 2));
  const taskGroups = count(args, '--concurrency-groups', Math.max(1, Math.floor(slots / episodesPerGroup)));
  process.env.SWE_RL_SANDBOX_SLOTS = String(slots);
  const address = option(args, '--address') ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  const layout = option(args, '--workers') ?? 'all-in-one';
  if (layout !== 'all-in-one' && layout !== 'split') throw new Error(`--workers must be all-in-one or split, got ${layout}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-bench-iteration-'));
  const runId = `bench-it-${randomUUID().slice(0, 8)}`;
  const started: ChildService[] = [];
  let workers: { stop(): Promise<void> } | undefined;
  try {
    const suite = benchTasks(dir, problems);
    const modelDir = buildTinyModel(path.join(dir, 'model'));
    const script = writeScript(suite.trainFile, path.join(dir, 'script.json'));
    const [policy, trainer] = await Promise.all([startInstantPolicyServer(modelDir, script), startTrainerWorker(address)]);
    started.push(policy, trainer);
    if (layout === 'split') started.push(await startOrchestratorWorker(address));
    workers = await startWorkers(address, layout === 'all-in-one');
    // Short observations keep the trained sequences short: the trainer step is real, not the point.
    const limits = { commandTimeoutSeconds: 60, maxObservationChars: 400, testTimeoutSeconds: 120 };
    const configInput: RunConfigInput = {
      runId,
      seed: 1,
      runsDir: path.join(dir, 'runs'),
      model: { basePath: modelDir, servedName: 'policy' },
      policyServer: { url: policy.url, requestTimeoutSeconds: 60 },
      agent: { promptStyle: 'compact' },
      tasks: { trainFile: suite.trainFile, evalFile: suite.evalFile, reposDir: suite.reposDir },
      sandbox: { limits: { memoryMb: 512 }, ...limits },
      failurePolicy: { maxFailedFraction: 1, onExceed: 'fail', episodeAttempts: 3 },
      stages: [{
        name: 'bench', iterations: 1, problemsPerIteration: problems, groupSize: group, maxTurns: 6, lengthThreshold: 5,
        contextTokens: 4096, maxTokensPerTurn: 1024, batchSize: problems * group, oldLogprobs: 'trainer',
      }],
      evaluation: { maxTurns: 2, contextTokens: 4096 },
      trainer: { microBatchSize: 8, maxSequenceTokens: 4096 },
      concurrency: { taskGroups, episodesPerGroup },
    };
    const config = runConfigSchema.parse(configInput);
    const client = new Client({ connection: await Connection.connect({ address }) });
    const workflowId = `${runId}/it-0001`;
    const rssBefore = process.resourceUsage().maxRSS;
    const t0 = Date.now();
    const result = (await client.workflow.execute('rlIteration', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId,
      args: [{ config, stageIndex: 0, iteration: 1, policyVersion: 0, trainerStep: 0 }],
    })) as RlIterationResult;
    const wallSeconds = (Date.now() - t0) / 1000;
    const workerRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const metrics = result.metrics;
    if (!metrics) throw new Error(`the iteration trained nothing: ${result.aborted ?? 'no metrics'}`);

    // Histories: the iteration, its task groups, their episodes (and the train child).
    const top = await fetchHistory(client, workflowId, 'rlIteration');
    const histories: FetchedHistory[] = [top];
    for (const child of childrenOf(top)) {
      const h = await fetchHistory(client, child.workflowId, child.type);
      histories.push(h);
      if (child.type === 'taskGroup') for (const ep of childrenOf(h)) histories.push(await fetchHistory(client, ep.workflowId, ep.type));
    }
    await client.connection.close();
    const perType = largestPerType(histories);
    const episodeHistories = histories.filter((h) => h.type === 'episode');
    const overheads = episodeHistories.flatMap((h) => turnOverheadsMs(h.events));
    const overheadParts = medianParts(episodeHistories.flatMap((h) => turnOverheadPartsMs(h.events)));

    // The episodes as they ran: each one's commands from its stored turn records.
    const plainEpisodes: PlainEpisode[] = episodeHistories.map((h) => {
      const episodeKey = h.workflowId.slice(runId.length + 1);
      const instanceId = episodeKey.split('/')[1];
      const task = suite.tasks.get(instanceId);
      if (!task) throw new Error(`episode ${episodeKey}: no task ${instanceId}`);
      const turns = readTurns({ runsDir: config.runsDir, runId, episodeKey });
      const commands = turns.flatMap((t) => (t.policy.action.kind === 'command' ? [t.policy.action.command] : []));
      return { key: episodeKey, task, commands, submitted: turns.some((t) => t.policy.action.kind === 'submit') };
    });
    const turnsRun = plainEpisodes.reduce((n, e) => n + e.commands.length + (e.submitted ? 1 : 0), 0);
    const stride = Math.ceil(plainEpisodes.length / count(args, '--plain-loop-episodes', plainEpisodes.length));
    const replayed = plainEpisodes.filter((_, i) => i % stride === 0);
    const plain = args.includes('--skip-plain-loop')
      ? null
      : await runPlainLoop(replayed, { concurrency: slots, reposDir: suite.reposDir, runId, ...limits });
    const plainLoopSeconds = plain ? (plain.seconds * plainEpisodes.length) / replayed.length : null;

    const maxHistory = Object.values(perType).reduce((m, t) => ({ events: Math.max(m.events, t.events), bytes: Math.max(m.bytes, t.bytes) }), { events: 0, bytes: 0 });
    const figures = {
      workers: layout,
      problems,
      group,
      slots,
      taskGroups,
      episodesPerGroup,
      episodes: metrics.episodes,
      failedEpisodes: metrics.failedEpisodes,
      passRate: metrics.passRate,
      optimizerSteps: metrics.optimizerSteps,
      trainedTrajectories: metrics.trainedTrajectories,
      wallSeconds,
      rolloutSeconds: metrics.phaseSeconds.rollout,
      trainSeconds: metrics.phaseSeconds.train,
      episodesPerSecond: metrics.episodes / wallSeconds,
      turnsPerSecond: turnsRun / wallSeconds,
      agentTurns: turnsRun,
      plainLoopSeconds,
      plainLoopEpisodes: plain ? replayed.length : 0,
      plainLoopMeasuredSeconds: plain?.seconds ?? null,
      plainLoopFailed: plain?.failed ?? null,
      plainLoopRewardMismatches: plain ? plainEpisodes.filter((e) => plain.rewards.has(e.key) && plain.rewards.get(e.key) !== rewardOf(config.runsDir, runId, e.key)).length : null,
      ratioToPlainLoop: plainLoopSeconds ? wallSeconds / plainLoopSeconds : null,
      rolloutRatioToPlainLoop: plainLoopSeconds ? metrics.phaseSeconds.rollout / plainLoopSeconds : null,
      turnOverheadMsMedian: quantile(overheads, 0.5),
      turnOverheadMsP99: quantile(overheads, 0.99),
      turnOverheadPartsMsMedian: overheadParts,
      maxHistoryEvents: maxHistory.events,
      maxHistoryBytes: maxHistory.bytes,
      historiesPerType: perType,
      peakRssMb: {
        'ts-workers (this process, before the plain loop)': workerRssMb,
        'ts-workers when the iteration started': Math.round(rssBefore / 1024),
        ...Object.fromEntries(started.map((s) => [s.name, s.peakRssMb()])),
      },
    };
    console.log(`iteration ${problems} x ${group} = ${figures.episodes} episodes (${figures.failedEpisodes} failed, pass rate ${figures.passRate.toFixed(2)}), ${slots} sandbox slots, workers ${layout}`);
    console.log(`wall ${wallSeconds.toFixed(1)} s (rollout ${figures.rolloutSeconds.toFixed(1)} s, train ${figures.trainSeconds.toFixed(1)} s, ${figures.optimizerSteps} step(s) on ${figures.trainedTrajectories} trajectories)`);
    console.log(`throughput ${figures.episodesPerSecond.toFixed(2)} episodes/s, ${figures.turnsPerSecond.toFixed(2)} agent turns/s`);
    console.log(`Temporal overhead per turn: median ${figures.turnOverheadMsMedian} ms, p99 ${figures.turnOverheadMsP99} ms (n=${overheads.length})`);
    console.log(`  its parts, median per turn (ms): activity queue ${overheadParts.activityQueue}, workflow task queue ${overheadParts.workflowTaskQueue}, ` +
      `workflow task on the worker ${overheadParts.workflowTaskOnWorker}, other ${overheadParts.other}`);
    for (const [type, h] of Object.entries(perType)) console.log(`largest ${type} history: ${h.events} events, ${(h.bytes / 1024).toFixed(1)} KB (${h.workflows} workflows)`);
    console.log(`peak RSS (MB): ${Object.entries(figures.peakRssMb).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    if (plain) {
      const scaled = replayed.length < plainEpisodes.length ? ` (${replayed.length} of ${plainEpisodes.length} episodes replayed in ${plain.seconds.toFixed(1)} s, scaled)` : '';
      console.log(`plain loop (same sandboxes, commands, gradings, ${slots} at once): ${plainLoopSeconds!.toFixed(1)} s${scaled}, ${plain.failed} failed; ` +
        `ratio ${figures.ratioToPlainLoop!.toFixed(2)} (rollout alone ${figures.rolloutRatioToPlainLoop!.toFixed(2)})`);
    }
    console.log(JSON.stringify(figures));
  } finally {
    await workers?.stop();
    await Promise.all(started.map((s) => s.stop()));
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.error(`kept ${dir}`);
  }
}

function rewardOf(runsDir: string, runId: string, episodeKey: string): number | undefined {
  return readJsonIfExists<{ reward: number }>(episodeFile({ runsDir, runId, episodeKey }, 'grade.json'))?.reward;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
