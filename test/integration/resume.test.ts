import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { expectTrajectoriesWhole, findFiles } from './support/runChecks';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainingRunResult } from '../../workflows/trainingRun';
import { ROOT } from './support/processes';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { startUntilReady, type StartedProcess } from './support/pythonServices';
import { smallRunConfig, smallTaskSet } from './support/runFixture';
import { requireDocker } from './support/services';

/** The production worker process (dist build): orchestrator, sandbox and policy queues. */
function startWorkerProcess(): Promise<StartedProcess> {
  return startUntilReady('node', [path.join(ROOT, 'dist/workers/allInOne.js')], /worker polling/, { detached: true, timeoutMs: 60_000 });
}

// Kill -9 the orchestrator + sandbox (+ policy) worker process in the middle of an episode, start
// it again: the run completes, no train step is applied twice, no container is left, and every
// stored trajectory is whole.
describe('a run survives its workers being killed mid-episode', () => {
  let services: PipelineServices;
  let worker: StartedProcess | undefined;
  let docker: Docker;

  beforeAll(async () => {
    docker = await requireDocker();
    if (!existsSync(path.join(ROOT, 'dist/workers/allInOne.js'))) throw new Error('build first: npm run build');
    services = await startPipelineServices({ workers: false });
  });

  afterAll(async () => {
    if (worker?.process.pid) process.kill(-worker.process.pid, 'SIGKILL');
    await services?.stop();
  });

  it('completes after a kill -9 and restart of the workers', async () => {
    const tasks = smallTaskSet(2, 1);
    const config = smallRunConfig(`resume-${Date.now().toString(36)}`, services.server.url, services.modelDir, tasks, {
      rft: { enabled: false, samplesPerTask: 1, maxTurns: 1, contextTokens: 8192 },
      stages: [{ name: 'stage1', iterations: 2, problemsPerIteration: 2, groupSize: 2, maxTurns: 6, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 24 }],
      evaluation: { everyIterations: 0, runs: 1, maxTurns: 1, contextTokens: 8192 },
    });
    const runDir = path.join(tasks.dir, 'runs', config.runId);
    worker = await startWorkerProcess();
    const handle = await services.client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] });

    // Wait until an episode is mid-way (a second turn stored), then kill the worker process group.
    const deadline = Date.now() + 120_000;
    while (findFiles(path.join(runDir, 'episodes'), /^0002\.policy\.json$/).length === 0) {
      if (Date.now() > deadline) throw new Error('no episode reached its second turn');
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-worker.process.pid!, 'SIGKILL');
    const containersDuringOutage = await docker.listContainers({ filters: { label: [`swe-rl.run=${config.runId}`] } });
    expect(containersDuringOutage.length).toBeGreaterThan(0); // the kill really was mid-episode
    await new Promise((r) => setTimeout(r, 2000));
    worker = await startWorkerProcess();

    const result = (await handle.result()) as TrainingRunResult;
    expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });

    // No train step applied twice: the trainer's ledger holds steps 1..n once each, one per
    // iteration that had a batch to train on.
    const metrics = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const trainedIterations = metrics.filter((m) => m.trainedTrajectories > 0).length;
    const steps = existsSync(path.join(runDir, 'steps')) ? readdirSync(path.join(runDir, 'steps')).filter((f) => /^step-\d+\.json$/.test(f)).sort() : [];
    expect(steps).toEqual(Array.from({ length: trainedIterations }, (_, i) => `step-${String(i + 1).padStart(6, '0')}.json`));

    // No container left.
    expect(await docker.listContainers({ all: true, filters: { label: [`swe-rl.run=${config.runId}`] } })).toEqual([]);

    // Every stored trajectory is whole: turns contiguous, every turn but a final submit observed.
    expect(expectTrajectoriesWhole(path.join(tasks.dir, 'runs'), config.runId)).toBeGreaterThanOrEqual(8);
  });
});
