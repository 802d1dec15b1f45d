import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter, defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { sampleProgress } from '../../cli/progress/sample';
import type { RunConfig } from '../../core/runConfig';
import type { TrainingStatus } from '../../core/runStatus';
import { runProjectAsync } from './support/processes';
import { connectTestClient, TEMPORAL_ADDRESS } from './support/services';
import { until } from './support/until';

const RUN = defineSearchAttributeKey('SweRlRun', SearchAttributeType.KEYWORD);
const STAGE = defineSearchAttributeKey('SweRlStage', SearchAttributeType.KEYWORD);
const ITERATION = defineSearchAttributeKey('SweRlIteration', SearchAttributeType.INT);
const KIND = defineSearchAttributeKey('SweRlKind', SearchAttributeType.KEYWORD);

/** The real binary against the real server; no workers, so the started run only waits for one. */
describe('swe-rl train on the command line', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connectTestClient();
  });
  afterAll(async () => {
    await client?.connection.close();
  });

  it('passes dotted config overrides into the started workflow, and --detach --json answers at once', async () => {
    const runId = `cli-override-${randomUUID().slice(0, 8)}`;
    const run = await runProjectAsync('bin/swe-rl', [
      'train', '--config', 'configs/local.yaml', '--run-id', runId, '--detach',
      'stages.0.groupSize=3', 'evaluation.runs=2', 'sampling.temperature=0.7',
    ], { TEMPORAL_ADDRESS }, 60_000);
    const handle = client.workflow.getHandle(runId);
    try {
      expect(run.stderr).toMatch(new RegExp(`started run ${runId}; Web UI: http://\\S+/namespaces/default/workflows/${runId}`));
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ runId, started: true });

      const history = await handle.fetchHistory();
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
      const config = defaultPayloadConverter.fromPayload(input[0]) as RunConfig;
      expect(config.runId).toBe(runId);
      expect(config.stages[0].groupSize).toBe(3);
      expect(config.evaluation.runs).toBe(2);
      expect(config.sampling.temperature).toBe(0.7);
      // Untouched keys keep the file's values.
      expect(config.stages[0].name).toBe('stage1');
    } finally {
      await handle.terminate('cli test done').catch(() => undefined);
    }
  });

  it('rejects a bad override value before starting anything, naming the field', async () => {
    const runId = `cli-bad-${randomUUID().slice(0, 8)}`;
    const run = await runProjectAsync('bin/swe-rl', ['train', '--config', 'configs/local.yaml', '--run-id', runId, '--detach', 'stages.0.groupSize=1'], { TEMPORAL_ADDRESS }, 60_000);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/config\.stages\[0\]\.groupSize: G must be at least 2/);
    await expect(client.workflow.getHandle(runId).describe()).rejects.toThrow();
  });
});

/**
 * The progress display's visibility queries on the real server: workflows carrying the run's
 * search attributes on a queue no worker polls stand in for a rollout and its episodes, and
 * terminating an episode finishes it.
 */
describe('progress counts finished episodes through the visibility API', () => {
  let client: Client;
  const started: WorkflowHandle[] = [];
  const runId = `cli-progress-${randomUUID().slice(0, 8)}`;
  const taskQueue = `${runId}-nobody`;
  beforeAll(async () => {
    client = await connectTestClient();
  });
  afterAll(async () => {
    for (const h of started) await h.terminate('cli test done').catch(() => undefined);
    await client?.connection.close();
  });

  const start = async (type: string, id: string, stage: string, iteration: number, kind: string) => {
    const handle = await client.workflow.start(type, {
      taskQueue,
      workflowId: `${runId}/${id}`,
      args: [],
      typedSearchAttributes: [
        { key: RUN, value: runId },
        { key: STAGE, value: stage },
        { key: ITERATION, value: iteration },
        { key: KIND, value: kind },
      ],
    });
    started.push(handle);
    return handle;
  };
  const status: TrainingStatus = {
    runId, phase: 'rl', stage: 'stage1', stageIndex: 0, iteration: 2, totalIterations: 5, policyVersion: 2, checkpointPath: null,
    paused: false, draining: false, episodesDone: 0, episodesTotal: 0, lastMetrics: null, failuresByReason: {}, pausedReason: null,
  };

  it('counts the running rollout\'s finished episodes, and an evaluation inside it before the iteration', async () => {
    await start('rlIteration', 'it-0003', 'stage1', 3, 'rlIteration');
    const episodes = await Promise.all([0, 1, 2].map((i) => start('episode', `it-0003/task/s${i}/a0`, 'stage1', 3, 'episode')));
    const other = await start('episode', 'it-0002/task/s0/a0', 'stage1', 2, 'episode');
    await Promise.all([episodes[0].terminate('finished'), episodes[1].terminate('finished'), other.terminate('finished')]);

    const rl = await until('two finished episodes of iteration 3', 30_000, async () => {
      const sample = await sampleProgress(client, status);
      return sample.done === 2 && sample;
    });
    expect(rl).toMatchObject({ phase: 'rl', rollout: 'stage1', iteration: 3, totalIterations: 5 });
    // No worker answers the rollout's progress query, so the total is unknown.
    expect(rl.total).toBeNull();

    await start('evalRun', 'it-0003/eval', 'eval-it-0003', 3, 'evalRun');
    const evalEpisode = await start('episode', 'it-0003/eval/task/s0/a0', 'eval-it-0003', 3, 'episode');
    await start('episode', 'it-0003/eval/task/s1/a0', 'eval-it-0003', 3, 'episode');
    const noneYet = await until('the evaluation as the running rollout', 30_000, async () => {
      const sample = await sampleProgress(client, status);
      return sample.rollout === 'eval-it-0003' && sample;
    });
    expect(noneYet.done).toBe(0);
    await evalEpisode.terminate('finished');
    await until('one finished evaluation episode', 30_000, async () => (await sampleProgress(client, status)).done === 1);
  });
});
