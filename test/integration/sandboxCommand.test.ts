import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type Docker from 'dockerode';
import type { SandboxCommandResult } from '../../core/sandboxCommandInput';
import { TASK_QUEUES } from '../../core/taskQueues';
import { connectTestClient, containerExists, requireDocker, WEB_UI } from './support/services';
import { temporalCli } from './support/temporalCli';
import { startTestWorkers, type RunningWorkers } from './support/testWorkers';

let client: Client;
let docker: Docker;
let workers: RunningWorkers;

beforeAll(async () => {
  client = await connectTestClient();
  docker = await requireDocker();
  workers = await startTestWorkers();
});

afterAll(async () => {
  await workers?.stop();
  await client?.connection.close();
});

const newId = (what: string) => `test-${what}-${randomUUID().slice(0, 8)}`;

async function sandboxesOfRun(runId: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`swe-rl.run=${runId}`] } });
  return list.map((c) => c.Id);
}

describe('sandboxCommand workflow (real dev server, real Docker)', () => {
  it('runs a command in a fresh container from the TypeScript client and destroys the container', async () => {
    const runId = newId('run');
    const result = await client.workflow.execute('sandboxCommand', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: newId('client'),
      args: [{ command: 'python3 --version; pytest --version; id -u; echo done >&2', runId }],
    }) as SandboxCommandResult;
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/Python 3\.\d+/);
    expect(result.output).toMatch(/pytest \d+/);
    expect(result.output).toMatch(/^1000$/m); // not root
    expect(result.output).toMatch(/done/); // stderr is merged
    expect(await containerExists(docker, result.sandboxId)).toBe(false);
    expect(await sandboxesOfRun(runId)).toEqual([]);
  });

  it('reports a failing command and a command killed at its timeout, and still destroys the container', async () => {
    const runId = newId('run');
    const failing = await client.workflow.execute('sandboxCommand', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: newId('failing'),
      args: [{ command: 'echo before; exit 3', runId }],
    }) as SandboxCommandResult;
    expect(failing.exitCode).toBe(3);
    expect(failing.output.trim()).toBe('before');

    const started = Date.now();
    const slow = await client.workflow.execute('sandboxCommand', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: newId('timeout'),
      args: [{ command: 'echo start; sleep 120; echo never', timeoutSeconds: 2, runId }],
    }) as SandboxCommandResult;
    expect(slow.timedOut).toBe(true);
    expect(slow.output).toMatch(/start/);
    expect(slow.output).not.toMatch(/never/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await sandboxesOfRun(runId)).toEqual([]);
  });

  it('destroys the container when the workflow is cancelled mid-command', async () => {
    const runId = newId('run');
    const handle = await client.workflow.start('sandboxCommand', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: newId('cancel'),
      args: [{ command: 'sleep 300', timeoutSeconds: 600, runId }],
    });
    const deadline = Date.now() + 60_000;
    while ((await sandboxesOfRun(runId)).length === 0) {
      if (Date.now() > deadline) throw new Error('sandbox never appeared');
      await new Promise((r) => setTimeout(r, 250));
    }
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect(await sandboxesOfRun(runId)).toEqual([]);
  });

  it('fails at once with a non-retryable error naming the bad field (TypeScript client)', async () => {
    const handle = await client.workflow.start('sandboxCommand', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: newId('bad-input'),
      args: [{ command: 42, timeoutSeconds: 'soon' }],
    });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('InvalidInput');
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect(cause?.message).toMatch(/sandboxCommand input\.command/);
    expect(cause?.message).toMatch(/sandboxCommand input\.timeoutSeconds/);
    // Failed in its first workflow task: no activity was ever scheduled.
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled).toHaveLength(0);
  });

  it('runs when started with `temporal workflow start`, and the Web UI server shows it', async () => {
    const workflowId = newId('cli');
    const start = await temporalCli([
      'workflow', 'start', '--type', 'sandboxCommand', '--task-queue', 'swe-rl',
      '--workflow-id', workflowId, '--input', JSON.stringify({ command: 'echo hello from $(uname -s)' }),
    ]);
    expect(start.stderr).toBe('');
    expect(start.status).toBe(0);
    const result = await temporalCli(['workflow', 'result', '--workflow-id', workflowId, '--output', 'json']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/hello from Linux/);

    // Through the Web UI's own HTTP API (the server behind http://localhost:8233), not the SDK.
    const response = await fetch(`${WEB_UI}/api/v1/namespaces/default/workflows/${workflowId}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { workflowExecutionInfo?: { status?: string; type?: { name?: string } } };
    expect(body.workflowExecutionInfo?.type?.name).toBe('sandboxCommand');
    expect(body.workflowExecutionInfo?.status).toBe('WORKFLOW_EXECUTION_STATUS_COMPLETED');

    const listed = await fetch(
      `${WEB_UI}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${workflowId}"`)}`,
    );
    const list = (await listed.json()) as { executions?: { execution?: { workflowId?: string } }[] };
    expect(list.executions?.map((e) => e.execution?.workflowId)).toEqual([workflowId]);
  });

  it('fails at once through `temporal workflow start` with a bad input, naming the field', async () => {
    const workflowId = newId('cli-bad');
    const start = await temporalCli([
      'workflow', 'start', '--type', 'sandboxCommand', '--task-queue', 'swe-rl',
      '--workflow-id', workflowId, '--input', JSON.stringify({ comand: 'ls' }),
    ]);
    expect(start.status).toBe(0);
    const result = await temporalCli(['workflow', 'result', '--workflow-id', workflowId]);
    expect(result.status).not.toBe(0);
    const described = await temporalCli(['workflow', 'describe', '--workflow-id', workflowId, '--output', 'json']);
    const info = JSON.parse(described.stdout) as { workflowExecutionInfo: { status: string } };
    expect(info.workflowExecutionInfo.status).toBe('WORKFLOW_EXECUTION_STATUS_FAILED');
    const show = await temporalCli(['workflow', 'show', '--workflow-id', workflowId, '--output', 'json']);
    expect(show.stdout).toMatch(/sandboxCommand input\.command/);
    expect(show.stdout).toMatch(/comand/); // the unknown (misspelt) key is named too
    expect(show.stdout).toMatch(/InvalidInput/);
  });
});
