import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { copyFileOut, copyFilesIn } from '../../activities/sandbox/files';
import { createSandbox, destroySandbox, execInSandbox, listSandboxes } from '../../activities/sandbox/sandboxActivities';
import { containerExists, requireDocker } from './support/services';

// Hostile commands against real containers with the production limits (tightened for speed).
describe('sandbox isolation (real containers)', () => {
  let docker: Docker;
  const runId = `isolation-${randomUUID().slice(0, 8)}`;
  const sandboxId = `sbx-${runId}`;
  const exec = (command: string, timeoutSeconds = 30, maxOutputBytes = 16_000) =>
    execInSandbox({ sandboxId, command, timeoutSeconds, maxOutputBytes });

  beforeAll(async () => {
    docker = await requireDocker();
    await createSandbox({ sandboxId, runId, episodeId: runId, limits: { memoryMb: 256, cpus: 1, pids: 64, network: false } });
  });

  afterAll(async () => {
    for (const s of await listSandboxes(runId)) await destroySandbox(s.name);
  });

  it('is idempotent: creating an existing sandbox returns it, destroying a missing one succeeds', async () => {
    const again = await createSandbox({ sandboxId, runId, episodeId: runId });
    expect(again.created).toBe(false);
    const other = `sbx-${runId}-tmp`;
    await createSandbox({ sandboxId: other, runId, episodeId: runId });
    expect(await destroySandbox(other)).toMatchObject({ removed: true });
    expect(await destroySandbox(other)).toMatchObject({ removed: false });
  });

  it('reports a container stopped under a running command as SandboxStopped, never as the command failing', async () => {
    const stoppedId = `sbx-${runId}-stopped`;
    await createSandbox({ sandboxId: stoppedId, runId, episodeId: runId });
    const running = execInSandbox({ sandboxId: stoppedId, command: 'sleep 30; echo finished', timeoutSeconds: 60, maxOutputBytes: 1000 });
    await new Promise((r) => setTimeout(r, 1500));
    await docker.getContainer(stoppedId).stop({ t: 0 });
    await expect(running).rejects.toMatchObject({ type: 'SandboxStopped', nonRetryable: false });
    // A command that is killed while the container lives is an ordinary result (exit 137).
    await docker.getContainer(stoppedId).start();
    const killed = execInSandbox({ sandboxId: stoppedId, command: 'sleep 30', timeoutSeconds: 60, maxOutputBytes: 1000 });
    await new Promise((r) => setTimeout(r, 1500));
    await execInSandbox({ sandboxId: stoppedId, command: 'pkill -KILL -x sleep -n || true', timeoutSeconds: 10, maxOutputBytes: 1000 });
    expect(await killed).toMatchObject({ exitCode: 137 });
    await destroySandbox(stoppedId);
  });

  it('runs unprivileged: uid 1000, no capabilities, no-new-privileges', async () => {
    const result = await exec('id -u; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status');
    expect(result.output).toMatch(/^1000$/m);
    expect(result.output).toMatch(/CapEff:\s+0000000000000000/);
    expect(result.output).toMatch(/NoNewPrivs:\s+1/);
    const info = await docker.getContainer(sandboxId).inspect();
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.Config.Labels['swe-rl.run']).toBe(runId);
  });

  it('has no network: only loopback, and an outside address is unreachable', async () => {
    const result = await exec(
      'ls /sys/class/net; python3 -c "import socket; socket.create_connection((\'192.0.2.1\', 80), timeout=3)" 2>&1 | tail -n 1',
    );
    expect(result.output.split('\n')[0].trim()).toBe('lo');
    expect(result.output).toMatch(/Network is unreachable|No route to host/);
  });

  it('cannot see the host file system', async () => {
    const result = await exec('test -e /work/main/package.json && echo HOST-VISIBLE; touch /etc/owned 2>&1; cat /proc/1/cmdline | tr "\\0" " "');
    expect(result.output).not.toMatch(/HOST-VISIBLE/);
    expect(result.output).toMatch(/Permission denied/);
    expect(result.output).toMatch(/^sleep infinity/m);
  });

  it('stops a fork bomb at the process limit', async () => {
    const bombId = `sbx-${runId}-bomb`;
    await createSandbox({ sandboxId: bombId, runId, episodeId: runId, limits: { memoryMb: 256, cpus: 1, pids: 64, network: false } });
    const bomb = execInSandbox({ sandboxId: bombId, command: 'bomb() { bomb | bomb & }; bomb; sleep 8', timeoutSeconds: 8 });
    let maxSeen = 0;
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const top = await docker.getContainer(bombId).top().catch(() => ({ Processes: [] as string[][] }));
      maxSeen = Math.max(maxSeen, top.Processes?.length ?? 0);
    }
    const result = await bomb;
    expect(result.output).toMatch(/Resource temporarily unavailable/);
    expect(maxSeen).toBeGreaterThan(10); // the bomb did run
    expect(maxSeen).toBeLessThanOrEqual(64);
    const started = Date.now();
    expect(await destroySandbox(bombId)).toMatchObject({ removed: true });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('kills a memory hog at the memory limit', async () => {
    const result = await exec('python3 -c "a = []\nwhile True: a.append(bytearray(10**7))"; echo "exit=$?"', 60);
    expect(result.output).toMatch(/exit=(137|1)\b/);
    expect(result.output).not.toMatch(/exit=0/);
    const info = await docker.getContainer(sandboxId).inspect();
    expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
  });

  it('truncates an output flood with a visible marker', async () => {
    const result = await exec('yes "flood line" | head -c 50000000; echo; echo THE-END', 60, 4000);
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThanOrEqual(4000);
    expect(result.output).toMatch(/output truncated/);
    expect(result.output).toMatch(/THE-END/);
    expect(result.output.startsWith('flood line')).toBe(true);
  });

  it('kills a sleeping command at its timeout', async () => {
    const started = Date.now();
    const result = await exec('echo going to sleep; sleep 600; echo woke', 2);
    expect(result.timedOut).toBe(true);
    expect(result.output).toMatch(/going to sleep/);
    expect(result.output).not.toMatch(/woke/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('turns binary and non-UTF-8 output into readable text', async () => {
    const result = await exec("printf 'ok\\000\\377\\376\\033[31mred\\n'; head -c 2000 /dev/urandom");
    expect(result.exitCode).toBe(0);
    expect(result.output).not.toMatch(/\u0000/);
    expect(result.output.startsWith('ok\uFFFD\uFFFD[31mred')).toBe(true);
  });

  it('copies files in and out', async () => {
    await copyFilesIn(sandboxId, '/testbed', [{ path: 'dir/hello.txt', content: 'héllo\n' }, { path: 'run.sh', content: 'echo ran\n', mode: 0o755 }]);
    expect((await exec('./run.sh; stat -c %U dir/hello.txt')).output).toBe('ran\nagent\n');
    expect((await copyFileOut(sandboxId, '/testbed/dir/hello.txt'))?.toString('utf8')).toBe('héllo\n');
    expect(await copyFileOut(sandboxId, '/testbed/nope.txt')).toBeNull();
  });

  it('leaves no container once destroyed', async () => {
    const id = `sbx-${runId}-gone`;
    await createSandbox({ sandboxId: id, runId, episodeId: runId });
    expect(await containerExists(docker, id)).toBe(true);
    await destroySandbox(id);
    expect(await containerExists(docker, id)).toBe(false);
  });
});
