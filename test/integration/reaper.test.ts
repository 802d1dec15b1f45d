import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type Docker from 'dockerode';
import { createSandbox, destroySandbox } from '../../activities/sandbox/sandboxActivities';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, runProjectAsync } from './support/processes';
import { connectTestClient, containerExists, requireDocker } from './support/services';

describe('swe-rl reap', () => {
  let client: Client;
  let docker: Docker;
  beforeAll(async () => {
    client = await connectTestClient();
    docker = await requireDocker();
  });
  afterAll(async () => client?.connection.close());

  it('removes sandboxes whose workflow is gone and keeps those of running workflows', async () => {
    const id = randomUUID().slice(0, 8);
    const owner = `reaper-owner-${id}`;
    // A running workflow nobody polls for: its sandbox must survive the reaper.
    const handle = await client.workflow.start('sandboxCommand', { taskQueue: `no-worker-${id}`, workflowId: owner, args: [{ command: 'true' }] });
    const kept = `sbx-reap-kept-${id}`;
    const orphan = `sbx-reap-orphan-${id}`;
    try {
      await createSandbox({ sandboxId: kept, runId: 'reaper-test', episodeId: owner, owner: 'workflow' });
      await createSandbox({ sandboxId: orphan, runId: 'reaper-test', episodeId: `gone-${id}`, owner: 'workflow' });
      // Made by a CLI process directly: kept while that process lives (this one), removed after.
      await createSandbox({ sandboxId: `${orphan}-cli-alive`, runId: 'reaper-test', episodeId: 'cli' });
      await createSandbox({ sandboxId: `${orphan}-cli-dead`, runId: 'reaper-test', episodeId: 'cli', owner: 'pid:999999999' });
      const run = await runProjectAsync('bin/swe-rl', ['reap', '--grace', '0']);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`removed ${orphan} `));
      expect(await containerExists(docker, orphan)).toBe(false);
      expect(await containerExists(docker, `${orphan}-cli-dead`)).toBe(false);
      expect(await containerExists(docker, kept)).toBe(true);
      expect(await containerExists(docker, `${orphan}-cli-alive`)).toBe(true);
    } finally {
      await handle.terminate('test done');
      for (const name of [kept, orphan, `${orphan}-cli-alive`, `${orphan}-cli-dead`]) await destroySandbox(name);
    }
  });

  it('runs in the sandbox worker: a sweep at start removes orphans', async () => {
    const orphan = `sbx-reap-worker-${randomUUID().slice(0, 8)}`;
    await createSandbox({ sandboxId: orphan, runId: 'reaper-test', episodeId: `gone-${orphan}`, owner: 'workflow' });
    const worker = spawn('node', [path.join(ROOT, 'dist/workers/sandbox.js')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SWE_RL_REAP_GRACE_SECONDS: '0' },
    });
    let output = '';
    worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while ((await containerExists(docker, orphan)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(await containerExists(docker, orphan)).toBe(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(output).toMatch(new RegExp(`reaper removed .*${orphan}`));
    } finally {
      worker.kill('SIGTERM');
      await destroySandbox(orphan);
    }
  });
});
