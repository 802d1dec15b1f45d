import { randomUUID } from 'node:crypto';
import { existsSync, statfsSync } from 'node:fs';
import type Docker from 'dockerode';
import { DISK_CHECK_ENV, DISK_LABEL, DISK_QUOTA_ENV, DiskLimitExceeded, resetStorageQuotaProbe, storageQuotaSupported } from '../../activities/sandbox/diskLimit';
import { createSandbox, destroySandbox, execInSandbox, listSandboxes } from '../../activities/sandbox/sandboxActivities';
import { DEFAULT_SANDBOX_IMAGE } from '../../core/sandboxSpec';
import { requireDocker } from './support/services';

const LIMIT_MB = 200;
// The small-limit cases poll every 100 ms: at ~2 GB/s a poll lets through ~200 MiB.
const CHECK_MS = '100';
const SLACK_MB = 768;
const DATA_ROOT = existsSync('/var/lib/docker') ? '/var/lib/docker' : '/';

function freeMb(): number {
  const s = statfsSync(DATA_ROOT);
  return (Number(s.bavail) * Number(s.bsize)) / (1024 * 1024);
}

// A runaway writer against the real engine: the watchdog kills the sandbox past sandbox.limits.diskMb.
describe('sandbox disk limit (real containers)', () => {
  let docker: Docker;
  const runId = `disk-${randomUUID().slice(0, 8)}`;
  const limits = { memoryMb: 512, cpus: 1, pids: 64, network: false, diskMb: LIMIT_MB };
  const savedEnv = { [DISK_QUOTA_ENV]: process.env[DISK_QUOTA_ENV], [DISK_CHECK_ENV]: process.env[DISK_CHECK_ENV] };

  beforeAll(async () => {
    docker = await requireDocker();
  });

  afterEach(() => {
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetStorageQuotaProbe();
  });

  afterAll(async () => {
    for (const s of await listSandboxes(runId)) await destroySandbox(s.name);
    const left = await docker.listContainers({ all: true, filters: { label: [`swe-rl.run=${runId}`] } });
    expect(left).toEqual([]);
  });

  it('labels the sandbox with its limit and sets the engine quota exactly where the driver takes it', async () => {
    resetStorageQuotaProbe();
    const supported = await storageQuotaSupported(DEFAULT_SANDBOX_IMAGE, LIMIT_MB);
    const sandboxId = `sbx-${runId}-quota`;
    await createSandbox({ sandboxId, runId, episodeId: runId, limits });
    const info = await docker.getContainer(sandboxId).inspect();
    const engine = await docker.info();
    console.log(`disk quota probe: ${supported ? 'accepted' : 'refused'} (driver ${engine.Driver}, ${JSON.stringify(engine.DriverStatus)})`);
    expect(info.Config.Labels[DISK_LABEL]).toBe(String(LIMIT_MB));
    expect((info.HostConfig as { StorageOpt?: Record<string, string> | null }).StorageOpt ?? null).toEqual(
      supported ? { size: `${LIMIT_MB}M` } : null,
    );
    if (supported) {
      // The quota itself stops the writer: no space left, and the layer stays within the limit.
      const result = await execInSandbox({ sandboxId, command: 'dd if=/dev/zero of=/testbed/big bs=1M count=3072 2>&1 | tail -n 2', timeoutSeconds: 120 });
      expect(result.output).toMatch(/No space left on device|Disk quota exceeded/);
    }
    await destroySandbox(sandboxId);
  });

  describe('the watchdog (engine quota off)', () => {
    beforeEach(() => {
      process.env[DISK_QUOTA_ENV] = 'off';
      process.env[DISK_CHECK_ENV] = CHECK_MS;
    });

    it('runs a command under the limit normally', async () => {
      const sandboxId = `sbx-${runId}-small`;
      await createSandbox({ sandboxId, runId, episodeId: runId, limits });
      const result = await execInSandbox({
        sandboxId,
        command: 'dd if=/dev/zero of=/testbed/ok bs=1M count=50 status=none && dd if=/dev/zero of=/tmp/ok bs=1M count=50 status=none && du -sm /testbed/ok /tmp/ok && echo fine',
        timeoutSeconds: 60,
      });
      expect(result.exitCode).toBe(0);
      expect(result.output).toMatch(/^50\s+\/testbed\/ok$/m);
      expect(result.output).toMatch(/fine/);
      expect((await docker.getContainer(sandboxId).inspect()).State.Running).toBe(true);
      await destroySandbox(sandboxId);
    });

    async function writeUntilKilled(tag: string, folder: string, diskMb: number) {
      const sandboxId = `sbx-${runId}-${tag}`;
      await createSandbox({ sandboxId, runId, episodeId: runId, limits: { ...limits, diskMb } });
      const freeBefore = freeMb();
      const started = Date.now();
      const error = await execInSandbox({
        sandboxId,
        command: `dd if=/dev/zero of=${folder}/big bs=1M count=3072; echo finished`,
        timeoutSeconds: 300,
      }).then(
        (result) => {
          throw new Error(`the exec finished instead of failing: ${JSON.stringify(result).slice(0, 500)}`);
        },
        (err: unknown) => err,
      );
      const detectedMs = Date.now() - started;
      const droppedMb = freeBefore - freeMb();
      const info = await docker.getContainer(sandboxId).inspect({ size: true } as Docker.ContainerInspectOptions);
      const layerMb = Math.round(((info as { SizeRw?: number }).SizeRw ?? 0) / (1024 * 1024));

      expect(error).toBeInstanceOf(DiskLimitExceeded);
      const exceeded = error as DiskLimitExceeded;
      console.log(
        `${folder}, limit ${diskMb} MiB, poll ${process.env[DISK_CHECK_ENV] ?? 'default'} ms: killed after ${detectedMs} ms; ` +
          `watchdog saw ${exceeded.usedMb} MiB, layer holds ${layerMb} MiB, host free space fell ${Math.round(droppedMb)} MiB`,
      );
      expect(exceeded.sandboxId).toBe(sandboxId);
      expect(exceeded.limitMb).toBe(diskMb);
      expect(exceeded.usedMb).toBeGreaterThan(diskMb);
      expect(exceeded.message).toBe(
        `sandbox ${sandboxId} wrote ${exceeded.usedMb} MiB to disk, over its limit of ${diskMb} MiB (sandbox.limits.diskMb)`,
      );
      expect(exceeded.type).toBe('DiskLimitExceeded');
      expect(exceeded.nonRetryable).toBe(true);
      expect(info.State.Running).toBe(false);
      // The sandbox is stopped: later commands fail as a lost sandbox, not as a hang.
      await expect(execInSandbox({ sandboxId, command: 'true' })).rejects.toThrow(/gone or stopped/);
      await destroySandbox(sandboxId);
      return { layerMb, droppedMb };
    }

    it.each([
      ['/testbed', 'testbed'],
      ['/tmp', 'tmp'],
    ])('kills a sandbox writing 3 GiB into %s and throws DiskLimitExceeded', async (folder, tag) => {
      const { layerMb, droppedMb } = await writeUntilKilled(tag, folder, LIMIT_MB);
      expect(layerMb).toBeLessThan(LIMIT_MB + SLACK_MB);
      expect(droppedMb).toBeLessThan(LIMIT_MB + SLACK_MB);
    });

    it('at the default 1 s poll, polls sooner as a fast writer nears the limit', async () => {
      delete process.env[DISK_CHECK_ENV];
      // Even a writer that finishes all 3072 MiB before the first poll is caught by the last check.
      const { layerMb, droppedMb } = await writeUntilKilled('default-poll', '/testbed', 2560);
      expect(layerMb).toBeLessThan(2560 + SLACK_MB);
      expect(droppedMb).toBeLessThan(2560 + SLACK_MB);
    });
  });
});
