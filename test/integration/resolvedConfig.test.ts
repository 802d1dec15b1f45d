import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { readRunConfig } from '../../cli/runConfigFile';
import { resolvedConfigPath } from '../../core/config/resolvedConfig';
import { TASK_QUEUES } from '../../core/taskQueues';
import { ROOT } from './support/processes';
import { smallTaskSet } from './support/runFixture';
import { connectTestClient } from './support/services';
import { startTestWorkers, type RunningWorkers } from './support/testWorkers';
import { until } from './support/until';

// A run started from a YAML config with dotted overrides writes the config it runs under into its
// run folder, before any episode: real dev server, real orchestrator worker, real files.
describe('trainingRun writes runs/<run>/config.resolved.yaml', () => {
  let client: Client;
  let workers: RunningWorkers;
  const tasks = smallTaskSet();

  beforeAll(async () => {
    client = await connectTestClient();
    workers = await startTestWorkers(undefined, { sandbox: false });
  });

  afterAll(async () => {
    await workers?.stop();
    await client?.connection.close();
  });

  it('holds the overrides and the defaults, and reads back to the config the workflow was given', async () => {
    const runId = `resolved-${Date.now().toString(36)}`;
    const config = readRunConfig(path.join(ROOT, 'configs', 'local.yaml'), [
      `runId=${runId}`, `runsDir=${path.join(tasks.dir, 'runs')}`,
      `tasks.trainFile=${tasks.trainFile}`, `tasks.evalFile=${tasks.evalFile}`, `tasks.reposDir=${tasks.reposDir}`,
      'stages.0.groupSize=3', 'evaluation.milestones=false', 'rft.enabled=false',
    ]);
    const handle = await client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: runId, args: [config] });
    try {
      const file = resolvedConfigPath(config.runsDir, runId);
      await until(`${file} to be written`, 60_000, () => existsSync(file));
      const written = readRunConfig(file);
      expect(written).toEqual(config);
      expect(written.stages[0].groupSize).toBe(3);
      expect(written.rft?.enabled).toBe(false);
      const history = await handle.fetchHistory();
      // The write is behind patched('resolved-config'): older histories replay without the call.
      const patches = (history.events ?? []).flatMap((e) => Object.values(e.markerRecordedEventAttributes?.details ?? {}))
        .flatMap((d) => d.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString());
      expect(patches.some((p) => p.includes('resolved-config'))).toBe(true);
    } finally {
      await handle.terminate('test done');
    }
  });
});
