import type Docker from 'dockerode';
import { ApplicationFailure } from '@temporalio/common';
import {
  DISK_LABEL,
  DiskLimitExceeded,
  bytesToMb,
  diskCheckIntervalMs,
  diskLimitContainerSettings,
  diskLimitFromLabels,
  diskLimitMessage,
  isOverDiskLimit,
  nextDiskCheckMs,
  refusesStorageOpt,
  startDiskWatchdog,
  storageOptSize,
} from '../../../activities/sandbox/diskLimit';
import { sandboxLimitsSchema } from '../../../core/sandboxSpec';

const MIB = 1024 * 1024;

describe('disk limit: pure parts', () => {
  it('defaults diskMb to 4096 and refuses less than 64', () => {
    expect(sandboxLimitsSchema.parse({}).diskMb).toBe(4096);
    expect(sandboxLimitsSchema.parse({ diskMb: 64 }).diskMb).toBe(64);
    expect(sandboxLimitsSchema.safeParse({ diskMb: 63 }).success).toBe(false);
    expect(sandboxLimitsSchema.safeParse({ diskMb: 100.5 }).success).toBe(false);
  });

  it('rounds bytes up to whole MiB', () => {
    expect(bytesToMb(0)).toBe(0);
    expect(bytesToMb(1)).toBe(1);
    expect(bytesToMb(MIB)).toBe(1);
    expect(bytesToMb(MIB + 1)).toBe(2);
    expect(bytesToMb(-5)).toBe(0);
  });

  it('is over the limit only strictly above it, and never for an unknown size', () => {
    expect(isOverDiskLimit(200 * MIB, 200)).toBe(false);
    expect(isOverDiskLimit(200 * MIB + 1, 200)).toBe(true);
    expect(isOverDiskLimit(0, 64)).toBe(false);
    expect(isOverDiskLimit(null, 64)).toBe(false);
    expect(isOverDiskLimit(undefined, 64)).toBe(false);
    expect(isOverDiskLimit(Number.NaN, 64)).toBe(false);
  });

  it('reads the limit from the label, ignoring absent or malformed values', () => {
    expect(diskLimitFromLabels({ [DISK_LABEL]: '200' })).toBe(200);
    expect(diskLimitFromLabels({ [DISK_LABEL]: ' 4096 ' })).toBe(4096);
    expect(diskLimitFromLabels({})).toBeUndefined();
    expect(diskLimitFromLabels(undefined)).toBeUndefined();
    expect(diskLimitFromLabels(null)).toBeUndefined();
    expect(diskLimitFromLabels({ [DISK_LABEL]: '' })).toBeUndefined();
    expect(diskLimitFromLabels({ [DISK_LABEL]: '0' })).toBeUndefined();
    expect(diskLimitFromLabels({ [DISK_LABEL]: '12.5' })).toBeUndefined();
    expect(diskLimitFromLabels({ [DISK_LABEL]: '1g' })).toBeUndefined();
  });

  it('reads the poll interval from SWE_RL_DISK_CHECK_MS', () => {
    expect(diskCheckIntervalMs({})).toBe(1000);
    expect(diskCheckIntervalMs({ SWE_RL_DISK_CHECK_MS: '250' })).toBe(250);
    expect(diskCheckIntervalMs({ SWE_RL_DISK_CHECK_MS: '5' })).toBe(50);
    expect(diskCheckIntervalMs({ SWE_RL_DISK_CHECK_MS: '0' })).toBe(1000);
    expect(diskCheckIntervalMs({ SWE_RL_DISK_CHECK_MS: 'fast' })).toBe(1000);
  });

  it('words the failure with the sandbox, the amount and the setting', () => {
    expect(diskLimitMessage('sbx-a', 512, 200)).toBe(
      'sandbox sbx-a wrote 512 MiB to disk, over its limit of 200 MiB (sandbox.limits.diskMb)',
    );
    const err = new DiskLimitExceeded('sbx-a', 512, 200);
    expect(err).toBeInstanceOf(DiskLimitExceeded);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.name).toBe('DiskLimitExceeded');
    expect(err.type).toBe('DiskLimitExceeded');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toBe(diskLimitMessage('sbx-a', 512, 200));
    expect({ sandboxId: err.sandboxId, usedMb: err.usedMb, limitMb: err.limitMb }).toEqual({ sandboxId: 'sbx-a', usedMb: 512, limitMb: 200 });
    expect(err.details).toEqual([{ sandboxId: 'sbx-a', usedMb: 512, limitMb: 200 }]);
    expect(ApplicationFailure.nonRetryable('x', 'Other')).not.toBeInstanceOf(DiskLimitExceeded);
  });

  it("recognises the engine's refusal of the storage option and nothing else", () => {
    const overlayExt4 = Object.assign(
      new Error("(HTTP code 500) server error - --storage-opt is supported only for overlay over xfs with 'pquota' mount option"),
      { statusCode: 500, json: { message: "--storage-opt is supported only for overlay over xfs with 'pquota' mount option" } },
    );
    expect(refusesStorageOpt(overlayExt4)).toBe(true);
    expect(refusesStorageOpt({ statusCode: 400, json: { message: 'Storage Opt is not supported' } })).toBe(true);
    expect(refusesStorageOpt(new Error('(HTTP code 404) no such container - No such image: swe-rl-sandbox:nope'))).toBe(false);
    expect(refusesStorageOpt(new Error('connect ECONNREFUSED /var/run/docker.sock'))).toBe(false);
    expect(refusesStorageOpt(undefined)).toBe(false);
  });

  it('polls sooner while the layer grows fast enough to reach the limit before the next poll', () => {
    const at = (atMs: number, mb: number) => ({ atMs, bytes: mb * MIB });
    expect(nextDiskCheckMs(1000, 4096, undefined, at(1000, 100))).toBe(1000);
    expect(nextDiskCheckMs(1000, 4096, at(0, 100), at(1000, 100))).toBe(1000); // not growing
    expect(nextDiskCheckMs(1000, 4096, at(0, 200), at(1000, 100))).toBe(1000); // shrinking
    expect(nextDiskCheckMs(1000, 4096, at(0, 0), at(1000, 100))).toBe(1000); // 40 s to the limit
    expect(nextDiskCheckMs(1000, 4096, at(0, 0), at(1000, 3096))).toBe(161); // 1000 MiB at 3096 MiB/s: half of 323 ms
    expect(nextDiskCheckMs(1000, 4096, at(0, 0), at(1000, 4090))).toBe(50); // at least 50 ms
    expect(nextDiskCheckMs(1000, 4096, at(1000, 0), at(1000, 4090))).toBe(1000); // no time between samples
  });

  it('labels every sandbox and adds the quota only where supported', () => {
    expect(diskLimitContainerSettings(200, true)).toEqual({ labels: { [DISK_LABEL]: '200' }, hostConfig: { StorageOpt: { size: '200M' } } });
    expect(diskLimitContainerSettings(200, false)).toEqual({ labels: { [DISK_LABEL]: '200' }, hostConfig: {} });
    expect(storageOptSize(4096)).toBe('4096M');
  });
});

describe('disk limit: watchdog (fake container)', () => {
  function fakeContainer(sizes: number[]) {
    let calls = 0;
    const kills: unknown[] = [];
    const container = {
      inspect: jest.fn(async (opts?: { size?: boolean }) => {
        expect(opts).toEqual({ size: true });
        const size = sizes[Math.min(calls, sizes.length - 1)];
        calls++;
        return { SizeRw: size };
      }),
      kill: jest.fn(async (opts: unknown) => {
        kills.push(opts);
      }),
    };
    return { container: container as unknown as Docker.Container, kills, polls: () => calls };
  }

  it('kills the container once the writable layer is over the limit', async () => {
    const fake = fakeContainer([10 * MIB, 150 * MIB, 300 * MIB, 900 * MIB]);
    const watchdog = startDiskWatchdog(fake.container, 'sbx-w', 200, 10);
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.kills).toEqual([{ signal: 'SIGKILL' }]);
    const pollsAtKill = fake.polls();
    const exceeded = await watchdog.finish();
    expect(exceeded).toBeInstanceOf(DiskLimitExceeded);
    expect(exceeded?.usedMb).toBe(300);
    expect(exceeded?.limitMb).toBe(200);
    expect(fake.kills).toHaveLength(1);
    expect(fake.polls()).toBe(pollsAtKill); // no polling after the kill
  });

  it('checks once more at the end, and stays quiet under the limit', async () => {
    const under = fakeContainer([5 * MIB]);
    expect(await startDiskWatchdog(under.container, 'sbx-u', 200, 60_000).finish()).toBeUndefined();
    expect(under.polls()).toBe(1);
    expect(under.kills).toHaveLength(0);

    const lateOver = fakeContainer([201 * MIB]);
    const exceeded = await startDiskWatchdog(lateOver.container, 'sbx-l', 200, 60_000).finish();
    expect(exceeded?.message).toBe(diskLimitMessage('sbx-l', 201, 200));
    expect(lateOver.kills).toHaveLength(1);
  });

  it('ignores an engine that cannot tell the size', async () => {
    const container = { inspect: jest.fn(async () => { throw new Error('boom'); }), kill: jest.fn() } as unknown as Docker.Container;
    expect(await startDiskWatchdog(container, 'sbx-e', 200, 5).finish()).toBeUndefined();
  });
});
