import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isolatedTemporal, processAlive, runProject } from './support/processes';
import { temporalCli } from './support/temporalCli';

// A second dev server on other ports and its own SQLite file, started and stopped by the
// project's own scripts: a workflow started before a restart is still there after it.
describe('Temporal dev server on a SQLite file', () => {
  const { env, address } = isolatedTemporal(17233, 18233, {}, 'dev');
  const cli = (args: string[]) => temporalCli(args, 60_000, address);

  afterAll(() => {
    runProject('infra/down.sh', [], env);
  });

  it('keeps workflows and search attributes across a restart', async () => {
    expect(runProject('infra/temporal.sh', ['start'], env).status).toBe(0);
    const firstPid = Number(readFileSync(path.join(env.SWE_RL_STATE_DIR, 'temporal.pid'), 'utf8'));
    const start = await cli(['workflow', 'start', '--type', 'sandboxCommand', '--task-queue', 'no-worker-here',
      '--workflow-id', 'survives-restart', '--input', '{"command":"true"}']);
    expect(start.status).toBe(0);

    expect(runProject('infra/down.sh', [], env).status).toBe(0);
    expect(processAlive(firstPid)).toBe(false);
    expect((await cli(['operator', 'cluster', 'health'])).status).not.toBe(0);

    expect(runProject('infra/temporal.sh', ['start'], env).status).toBe(0);
    const described = await cli(['workflow', 'describe', '--workflow-id', 'survives-restart', '--output', 'json']);
    expect(described.status).toBe(0);
    expect(JSON.parse(described.stdout).workflowExecutionInfo.status).toBe('WORKFLOW_EXECUTION_STATUS_RUNNING');
    const attributes = (await cli(['operator', 'search-attribute', 'list'])).stdout;
    for (const name of ['SweRlRun', 'SweRlStage', 'SweRlIteration']) expect(attributes).toContain(name);
  });
});
