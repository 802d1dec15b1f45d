import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive, runProject } from './support/processes';
import { temporalBinary } from './support/temporalCli';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// A second dev server on other ports and its own SQLite file, started and stopped by the
// project's own scripts: a workflow started before a restart is still there after it.
describe('Temporal dev server on a SQLite file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-temporal-'));
  const env = {
    SWE_RL_STATE_DIR: path.join(dir, 'state'),
    SWE_RL_LOG_DIR: path.join(dir, 'logs'),
    TEMPORAL_DB_FILE: path.join(dir, 'temporal.sqlite'),
    TEMPORAL_FRONTEND_PORT: '17233',
    TEMPORAL_UI_PORT: '18233',
  };
  const cli = (args: string[]) =>
    spawnSync(temporalBinary(), [...args, '--address', '127.0.0.1:17233'], { encoding: 'utf8', timeout: 60_000 });

  afterAll(() => {
    runProject('infra/down.sh', [], env);
  });

  it('keeps workflows and search attributes across a restart', () => {
    expect(runProject('infra/temporal.sh', ['start'], env).status).toBe(0);
    const firstPid = Number(readFileSync(path.join(env.SWE_RL_STATE_DIR, 'temporal.pid'), 'utf8'));
    const start = cli(['workflow', 'start', '--type', 'sandboxCommand', '--task-queue', 'no-worker-here',
      '--workflow-id', 'survives-restart', '--input', '{"command":"true"}']);
    expect(start.status).toBe(0);

    expect(runProject('infra/down.sh', [], env).status).toBe(0);
    expect(processAlive(firstPid)).toBe(false);
    expect(cli(['operator', 'cluster', 'health']).status).not.toBe(0);

    expect(runProject('infra/temporal.sh', ['start'], env).status).toBe(0);
    const described = cli(['workflow', 'describe', '--workflow-id', 'survives-restart', '--output', 'json']);
    expect(described.status).toBe(0);
    expect(JSON.parse(described.stdout).workflowExecutionInfo.status).toBe('WORKFLOW_EXECUTION_STATUS_RUNNING');
    const attributes = cli(['operator', 'search-attribute', 'list']).stdout;
    for (const name of ['SweRlRun', 'SweRlStage', 'SweRlIteration']) expect(attributes).toContain(name);
  });
});
