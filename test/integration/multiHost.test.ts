import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { RunConfigInput } from '../../core/runConfig';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainingRunResult } from '../../workflows/trainingRun';
import { removeEngineSandboxes, startEngine, startSandboxWorkerProcess, type Engine, type SandboxWorkerProcess } from './support/dockerEngines';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { isolatedTemporal, runProject } from './support/processes';
import { freePort, startPolicyServer, type StartedProcess } from './support/pythonServices';
import { smallRunConfig, smallTaskSet } from './support/runFixture';
import { expectTrajectoriesWhole, findFiles, storedEpisodes } from './support/runChecks';
import { requireDocker } from './support/services';
import { actingModel } from './support/actingModel';
import { sleep, until } from './support/until';

// Two Docker hosts on one machine (two extra dockerd engines, one sandbox worker process each)
// under a Temporal dev server of the test's own, so that it can be killed: host affinity, slots,
// the reaper, and the faults of a long run (a host lost for good, an engine restart during
// gradings, a Temporal crash, a policy server outage), each ending as counted, typed failures of
// episodes and never as a failed run.
jest.setTimeout(20 * 60_000);

const SLOTS = 3;
const GRADE_LABEL = ['swe-rl.sandbox=1', 'swe-rl.kind=grading'];
const EPISODE_LABEL = ['swe-rl.sandbox=1', 'swe-rl.kind=episode'];

/** Newest modification time of any stored turn or summary of the run: its heartbeat of progress. */
function lastProgressAfter(runDir: string, since: number): number | null {
  const times = findFiles(path.join(runDir, 'episodes'), /\.(policy|observation)\.json$|^summary\.json$/)
    .map((f) => statSync(f).mtimeMs)
    .filter((t) => t > since);
  return times.length ? Math.min(...times) : null;
}

describe('sandboxes on two Docker hosts', () => {
  const frontendPort = 17433;
  const temporal = isolatedTemporal(frontendPort, 18433);
  let services: PipelineServices;
  let policy: StartedProcess & { url: string };
  let policyPort: number;
  let modelDir: string;
  let client: Client;
  let hostA: Engine;
  let hostB: Engine;
  const workers: Record<string, SandboxWorkerProcess | undefined> = {};
  const tasks = smallTaskSet(6, 1);
  const runsDir = path.join(tasks.dir, 'runs');

  /** What the sandbox workers last printed and whether they live: the evidence of a stalled run. */
  const postMortem = () =>
    Object.entries(workers)
      .map(([name, w]) => `--- ${name} (${w && w.process.exitCode === null && w.process.signalCode === null ? 'alive' : 'exited'}):\n${(w?.output() ?? '').split('\n').slice(-60).join('\n')}`)
      .join('\n');

  const startWorker = async (name: 'host-a' | 'host-b', engine: Engine, extraEnv: Record<string, string> = {}) => {
    workers[name] = await startSandboxWorkerProcess({
      dockerHost: engine.dockerHost,
      hostName: name,
      slots: SLOTS,
      temporalAddress: temporal.address,
      // A reaper sweeping every 3 s with no grace: it must never touch a live sandbox or grading.
      extraEnv: { SWE_RL_REAP_GRACE_SECONDS: '0', SWE_RL_REAP_MINUTES: '0.05', SWE_RL_SLOT_WAIT_SECONDS: '5', SWE_RL_DOCKER_API_TIMEOUT_SECONDS: '30', ...extraEnv },
    });
  };

  const config = (runId: string, iterations: number): RunConfigInput =>
    smallRunConfig(runId, policy.url, modelDir, tasks, {
      agent: { promptStyle: 'compact' },
      rft: { enabled: false, samplesPerTask: 1, maxTurns: 1, contextTokens: 8192 },
      stages: [{ name: 'stage1', iterations, problemsPerIteration: 3, groupSize: 4, maxTurns: 5, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 24 }],
      evaluation: { everyIterations: 0, runs: 1, maxTurns: 1, contextTokens: 8192 },
      concurrency: { taskGroups: 3, episodesPerGroup: 4 },
      sandbox: { limits: { memoryMb: 512 }, commandTimeoutSeconds: 20, maxObservationChars: 1500, testTimeoutSeconds: 60, hostTimeoutSeconds: 15 },
      failurePolicy: { maxFailedFraction: 0.5, onExceed: 'fail', episodeAttempts: 3 },
    });

  /** The run's result, riding out a Temporal server that is down for a while. */
  const resultOf = async (handle: WorkflowHandle): Promise<TrainingRunResult> => {
    for (;;) {
      try {
        return (await handle.result()) as TrainingRunResult;
      } catch (err) {
        if (/TrainingRun|WorkflowFailed|failed/i.test(String((err as Error).name))) throw err;
        await sleep(1000);
      }
    }
  };

  beforeAll(async () => {
    await requireDocker();
    expect(runProject(temporal.script, ['start'], temporal.env).status).toBe(0);
    [hostA, hostB] = await Promise.all([startEngine('t-hosta'), startEngine('t-hostb')]);
    services = await startPipelineServices({ address: temporal.address, workers: 'no-sandbox' });
    policyPort = await freePort();
    modelDir = actingModel();
    policy = await startPolicyServer(modelDir, [], policyPort);
    client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
    await Promise.all([startWorker('host-a', hostA), startWorker('host-b', hostB)]);
  });

  afterAll(async () => {
    Object.values(workers).forEach((w) => w?.kill());
    await policy?.stop();
    await services?.stop();
    await client?.connection.close();
    for (const engine of [hostA, hostB]) {
      if (!engine) continue;
      await engine.start().catch(() => undefined);
      await removeEngineSandboxes(engine).catch(() => undefined);
      await engine.stop().catch(() => undefined);
    }
    runProject('infra/down.sh', [], temporal.env);
  });

  it('keeps each episode on the host that created its sandbox, within the slot count, through 2 iterations', async () => {
    const run = config(`hosts-${Date.now().toString(36)}`, 2);
    const handle = await client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: run.runId, args: [run] });
    const maxLive: Record<string, number> = { a: 0, b: 0 };
    let gradingsSeen = 0;
    let done = false;
    const watch = (async () => {
      while (!done) {
        const [a, b, ga, gb] = await Promise.all([
          hostA.docker.listContainers({ all: true, filters: { label: EPISODE_LABEL } }),
          hostB.docker.listContainers({ all: true, filters: { label: EPISODE_LABEL } }),
          hostA.docker.listContainers({ all: true, filters: { label: GRADE_LABEL } }),
          hostB.docker.listContainers({ all: true, filters: { label: GRADE_LABEL } }),
        ]);
        maxLive.a = Math.max(maxLive.a, a.length);
        maxLive.b = Math.max(maxLive.b, b.length);
        gradingsSeen += ga.length + gb.length;
        await sleep(100);
      }
    })();
    const result = await resultOf(handle);
    done = true;
    await watch;
    expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });

    const metrics = readFileSync(path.join(runsDir, run.runId, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.failedEpisodes)).toEqual([0, 0]);
    expect(metrics.map((m) => m.episodes)).toEqual([12, 12]);

    const episodes = storedEpisodes(runsDir, run.runId);
    expect(episodes).toHaveLength(24);
    const hostsUsed = new Set<string>();
    for (const { dir, summary } of episodes) {
      // Created, used and destroyed on one host: the placement, every observation, the destroy.
      const placement = JSON.parse(readFileSync(path.join(dir, 'sandbox.json'), 'utf8'));
      hostsUsed.add(placement.host);
      expect(summary.sandbox).toMatchObject({ host: placement.host, destroyedOn: placement.host, sandboxId: placement.sandboxId });
      for (const file of findFiles(path.join(dir, 'turns'), /\.observation\.json$/)) {
        expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ host: placement.host, sandboxId: placement.sandboxId });
      }
    }
    expect([...hostsUsed].sort()).toEqual(['host-a', 'host-b']);
    expect(maxLive.a).toBeLessThanOrEqual(SLOTS);
    expect(maxLive.b).toBeLessThanOrEqual(SLOTS);
    expect(maxLive.a + maxLive.b).toBeGreaterThan(SLOTS); // both hosts held sandboxes at once
    expect(gradingsSeen).toBeGreaterThan(0); // gradings ran while the reaper swept with no grace
    expect(expectTrajectoriesWhole(runsDir, run.runId)).toBe(24);
    for (const engine of [hostA, hostB]) expect(await engine.docker.listContainers({ all: true, filters: { label: [`swe-rl.run=${run.runId}`] } })).toEqual([]);
  });

  it('completes through a policy outage, a host lost for good, an engine restart during gradings and a Temporal crash', async () => {
    const run = config(`faults-${Date.now().toString(36)}`, 4);
    const runDir = path.join(runsDir, run.runId);
    const handle = await client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: run.runId, args: [run] });
    const figures: Record<string, unknown> = {};
    const turnOf = (iteration: number) => () => findFiles(path.join(runDir, 'episodes', `it-000${iteration}`), /\.policy\.json$/).length > 0;
    const recovery = async (label: string, faultEnd: number) => {
      const next = await until(`progress after ${label}`, 240_000, () => lastProgressAfter(runDir, faultEnd)).catch((err: Error) => {
        throw new Error(`${err.message}\n${postMortem()}`);
      });
      figures[`${label}: seconds to progress after the fault's end`] = Math.round((next - faultEnd) / 100) / 10;
    };

    // (d) The policy server is killed during the first rollout and comes back 60 s later.
    await until('iteration 1 turns', 120_000, turnOf(1));
    process.kill(policy.process.pid!, 'SIGKILL');
    await sleep(60_000);
    policy = await startPolicyServer(modelDir, [], policyPort);
    await recovery('policy outage', Date.now());

    // (a) Host B's worker is killed and its engine lost for good during the second rollout.
    await until('iteration 2 turns', 180_000, turnOf(2));
    await until('a live sandbox on host B', 60_000, async () => (await hostB.docker.listContainers({ filters: { label: EPISODE_LABEL } })).length > 0);
    workers['host-b']!.kill();
    const onB = (await hostB.docker.listContainers({ all: true, filters: { label: EPISODE_LABEL } })).map((c) => c.Labels['swe-rl.episode']);
    await hostB.kill();
    const lostAt = Date.now();
    await recovery('host B lost', lostAt);

    // (b) Host A's engine stops for 60 s while a grading runs there, then starts again.
    await until('a grading on host A', 300_000, async () => (await hostA.docker.listContainers({ filters: { label: GRADE_LABEL } })).length > 0);
    await hostA.stop();
    await sleep(60_000);
    await hostA.start();
    await recovery('engine restart', Date.now());

    // (c) The Temporal dev server is killed with SIGKILL and restarted.
    const iterationsBefore = existsSync(path.join(runDir, 'metrics.jsonl')) ? readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').length : 0;
    await until('a rollout in flight', 300_000, () => {
      const it = Math.min(4, iterationsBefore + 1);
      return turnOf(it)();
    });
    const temporalPid = Number(readFileSync(temporal.pidFile, 'utf8'));
    process.kill(temporalPid, 'SIGKILL');
    await sleep(5000);
    expect(runProject(temporal.script, ['start'], temporal.env).status).toBe(0);
    await recovery('Temporal crash', Date.now());

    const result = await resultOf(handle);
    expect(result).toMatchObject({ outcome: 'completed', iterations: 4 });

    const metrics = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const retried: Record<string, number> = {};
    for (const m of metrics) for (const [reason, n] of Object.entries(m.retriedReasons ?? {})) retried[reason] = (retried[reason] ?? 0) + (n as number);
    figures.episodes = metrics.map((m) => m.episodes);
    figures.failed = metrics.map((m) => m.failedEpisodes);
    figures.retriedByReason = retried;
    figures.sandboxesOnHostBWhenLost = onB.length;
    console.log(`[fault figures] ${JSON.stringify(figures)}`);

    // Every episode finished: the faults only ever cost attempts, and each cost is typed.
    expect(metrics.map((m) => m.failedEpisodes)).toEqual([0, 0, 0, 0]);
    expect(metrics.map((m) => m.episodes)).toEqual([12, 12, 12, 12]);
    expect(Object.keys(retried).every((r) => ['host_lost', 'sandbox_lost', 'engine_error'].includes(r))).toBe(true);
    // The host lost for good. An episode with a container there was mid-turns (its next call found
    // no host, or its call in flight stopped heartbeating: tried again afresh on host A), had
    // finished its turns (completed; the dead host could not destroy the sandbox), or was still
    // being set up (the placement was retried and landed on host A; the half-made container
    // stays on B until B's reaper sees it).
    const attempts = storedEpisodes(runsDir, run.runId);
    expect(onB.length).toBeGreaterThan(0);
    const onBAttempts = attempts.filter((e) => onB.includes(`${run.runId}/${e.summary.episodeKey}`));
    expect(onBAttempts).toHaveLength(onB.length);
    for (const e of onBAttempts) {
      if (e.summary.sandbox?.host !== 'host-b') expect(e.summary.sandbox?.host).toBe('host-a');
      else if (e.summary.status === 'failed') expect(['host_lost', 'sandbox_lost']).toContain(e.summary.endReason);
      else expect(e.summary.sandbox?.destroyedOn ?? null).toBeNull();
    }
    const lostOnB = attempts.filter((e) => e.summary.status === 'failed' && e.summary.endReason === 'host_lost');
    expect(retried.host_lost ?? 0).toBe(lostOnB.length);
    for (const e of lostOnB) expect(e.summary.sandbox?.host).toBe('host-b');
    for (const e of attempts) {
      const placement = JSON.parse(readFileSync(path.join(e.dir, 'sandbox.json'), 'utf8'));
      const created = new Date(placement.boundAt).getTime();
      if (created > lostAt + 1000) expect(placement.host).toBe('host-a');
    }
    expect(expectTrajectoriesWhole(runsDir, run.runId)).toBe(48);
    expect(await hostA.docker.listContainers({ all: true, filters: { label: [`swe-rl.run=${run.runId}`] } })).toEqual([]);

    // Host B comes back: its worker's reaper removes what the dead host left behind.
    await hostB.start();
    const leftOnB = (await hostB.docker.listContainers({ all: true, filters: { label: [`swe-rl.run=${run.runId}`] } })).length;
    await startWorker('host-b', hostB);
    await until('host B reaped', 60_000, async () => (await hostB.docker.listContainers({ all: true, filters: { label: [`swe-rl.run=${run.runId}`] } })).length === 0);
    console.log(`[fault figures] host B held ${leftOnB} containers of the run when it came back; its reaper removed them`);
  });
});
