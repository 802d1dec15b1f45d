import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { ApplicationFailure } from '@temporalio/common';
import { docker, isDockerStatus } from './dockerClient';

/**
 * What a sandbox may write to the host (its container's writable layer), `sandbox.limits.diskMb`:
 * 1. an engine quota (`HostConfig.StorageOpt.size`) where the storage driver supports one
 *    (overlay2 on xfs with pquota, btrfs, zfs); probed once per process;
 * 2. always, a watchdog while an exec runs: it polls the writable-layer size (`SizeRw`) and kills
 *    the container once it is over the limit, and the exec throws {@link DiskLimitExceeded}.
 */

/** Container label holding the limit in MiB; containers without it are not watched. */
export const DISK_LABEL = 'swe-rl.disk-mb';
export const DISK_CHECK_ENV = 'SWE_RL_DISK_CHECK_MS';
/** `off` creates sandboxes without the engine quota even where the driver supports it (the watchdog stays). */
export const DISK_QUOTA_ENV = 'SWE_RL_DISK_QUOTA';
export const DEFAULT_DISK_CHECK_MS = 1000;
const MIB = 1024 * 1024;

/** Thrown by an exec whose sandbox wrote more than its limit; the container has been killed. */
export class DiskLimitExceeded extends ApplicationFailure {
  constructor(
    readonly sandboxId: string,
    readonly usedMb: number,
    readonly limitMb: number,
  ) {
    super(diskLimitMessage(sandboxId, usedMb, limitMb), 'DiskLimitExceeded', true, [{ sandboxId, usedMb, limitMb }]);
  }
}
// ApplicationFailure's `name` is a read-only prototype property; give the subclass its own.
Object.defineProperty(DiskLimitExceeded.prototype, 'name', { value: 'DiskLimitExceeded', enumerable: true });

// ---------------------------------------------------------------- pure parts

export function diskLimitMessage(sandboxId: string, usedMb: number, limitMb: number): string {
  return `sandbox ${sandboxId} wrote ${usedMb} MiB to disk, over its limit of ${limitMb} MiB (sandbox.limits.diskMb)`;
}

/** Bytes as whole MiB, rounded up so that anything over the limit reads as over it. */
export function bytesToMb(bytes: number): number {
  return Math.ceil(Math.max(0, bytes) / MIB);
}

/** True when `usedBytes` is strictly more than `limitMb` MiB. */
export function isOverDiskLimit(usedBytes: number | undefined | null, limitMb: number): boolean {
  return typeof usedBytes === 'number' && Number.isFinite(usedBytes) && usedBytes > limitMb * MIB;
}

/** The limit from a container's labels; undefined when absent or not a positive integer. */
export function diskLimitFromLabels(labels: Record<string, string> | undefined | null): number | undefined {
  const value = labels?.[DISK_LABEL]?.trim();
  if (!value || !/^\d+$/.test(value)) return undefined;
  const mb = Number(value);
  return mb > 0 ? mb : undefined;
}

/** The watchdog's poll interval: `SWE_RL_DISK_CHECK_MS` when a positive integer (at least 50), else 1000. */
export function diskCheckIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[DISK_CHECK_ENV]?.trim();
  if (!raw || !/^\d+$/.test(raw)) return DEFAULT_DISK_CHECK_MS;
  const ms = Number(raw);
  return ms > 0 ? Math.max(50, ms) : DEFAULT_DISK_CHECK_MS;
}

export function storageOptSize(limitMb: number): string {
  return `${limitMb}M`;
}

/** True for the engine's refusal of `StorageOpt` (overlay2 on ext4, vfs without quota, ...). */
export function refusesStorageOpt(err: unknown): boolean {
  const text = errorText(err);
  return /storage[- ]?opt|project quota|pquota|quota is not supported/i.test(text);
}

function errorText(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as { message?: unknown; json?: unknown; reason?: unknown };
  const json = e.json && typeof e.json === 'object' ? JSON.stringify(e.json) : String(e.json ?? '');
  return [e.message, json, e.reason].filter(Boolean).join(' ');
}

/** Labels and HostConfig fields createSandbox adds for the disk limit. */
export function diskLimitContainerSettings(
  diskMb: number,
  quotaSupported: boolean,
): { labels: Record<string, string>; hostConfig: { StorageOpt?: Record<string, string> } } {
  return {
    labels: { [DISK_LABEL]: String(diskMb) },
    hostConfig: quotaSupported ? { StorageOpt: { size: storageOptSize(diskMb) } } : {},
  };
}

// ---------------------------------------------------------------- engine quota probe

let quotaProbe: Promise<boolean> | undefined;

/**
 * Whether the engine accepts `StorageOpt: { size }`, asked once per process by creating (never
 * starting) a throwaway container of `image` with the quota. Only a definite answer is cached: an
 * error that is not a refusal of the option (a missing image, an engine hiccup) is rethrown.
 */
export function storageQuotaSupported(image: string, sizeMb: number): Promise<boolean> {
  if (process.env[DISK_QUOTA_ENV]?.trim().toLowerCase() === 'off') return Promise.resolve(false);
  quotaProbe ??= probeStorageQuota(image, sizeMb).catch((err) => {
    quotaProbe = undefined;
    throw err;
  });
  return quotaProbe;
}

/** Forgets the cached probe answer (tests). */
export function resetStorageQuotaProbe(): void {
  quotaProbe = undefined;
}

async function probeStorageQuota(image: string, sizeMb: number): Promise<boolean> {
  let probe: Docker.Container;
  try {
    probe = await docker().createContainer({
      name: `swe-rl-disk-probe-${process.pid}-${randomBytes(4).toString('hex')}`,
      Image: image,
      Entrypoint: ['true'],
      Labels: { 'swe-rl.disk-probe': '1' },
      NetworkDisabled: true,
      HostConfig: { NetworkMode: 'none', StorageOpt: { size: storageOptSize(sizeMb) } },
    });
  } catch (err) {
    if (refusesStorageOpt(err)) return false;
    throw err;
  }
  await probe.remove({ force: true, v: true }).catch(() => undefined);
  return true;
}

/** Labels and HostConfig fields for a new sandbox of `image` limited to `diskMb`. */
export async function diskLimitFor(image: string, diskMb: number) {
  return diskLimitContainerSettings(diskMb, await storageQuotaSupported(image, diskMb));
}

// ---------------------------------------------------------------- usage watchdog

/** Writable-layer size in bytes, or null when the engine cannot tell (or the container is gone). */
export async function writableLayerBytes(container: Docker.Container): Promise<number | null> {
  try {
    const info = (await container.inspect({ size: true } as Docker.ContainerInspectOptions)) as { SizeRw?: number };
    return typeof info.SizeRw === 'number' ? info.SizeRw : null;
  } catch {
    return null;
  }
}

export interface DiskWatchdog {
  /** Stops polling, checks once more, and returns the failure when the sandbox went over its limit. */
  finish(): Promise<DiskLimitExceeded | undefined>;
}

/** Shortest wait between two polls, however fast the sandbox writes. */
export const MIN_DISK_CHECK_MS = 50;

export interface DiskSample {
  atMs: number;
  bytes: number;
}

/**
 * Wait before the next poll: the interval, or sooner when the last two samples show the layer
 * growing fast enough to reach the limit before then (half the projected time, at least 50 ms).
 */
export function nextDiskCheckMs(intervalMs: number, limitMb: number, previous: DiskSample | undefined, current: DiskSample | undefined): number {
  if (!previous || !current || current.atMs <= previous.atMs) return intervalMs;
  const rate = (current.bytes - previous.bytes) / (current.atMs - previous.atMs); // bytes per ms
  if (!(rate > 0)) return intervalMs;
  const toLimitMs = Math.max(0, limitMb * MIB - current.bytes) / rate;
  return Math.round(Math.min(intervalMs, Math.max(MIN_DISK_CHECK_MS, toLimitMs / 2)));
}

/**
 * Polls the container's writable-layer size every `intervalMs` (sooner while it grows fast, see
 * {@link nextDiskCheckMs}) until {@link DiskWatchdog.finish}; over `limitMb` it kills the
 * container (every write stops at once) and remembers the failure.
 */
export function startDiskWatchdog(container: Docker.Container, sandboxId: string, limitMb: number, intervalMs: number): DiskWatchdog {
  let exceeded: DiskLimitExceeded | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  // Counting from an empty layer overstates the first rate: the second poll may come sooner, never later.
  let previous: DiskSample | undefined = { atMs: Date.now(), bytes: 0 };
  let current: DiskSample | undefined;

  const check = async () => {
    if (exceeded) return;
    const used = await writableLayerBytes(container);
    if (used !== null) [previous, current] = [current ?? previous, { atMs: Date.now(), bytes: used }];
    if (exceeded || !isOverDiskLimit(used, limitMb)) return;
    exceeded = new DiskLimitExceeded(sandboxId, bytesToMb(used!), limitMb);
    try {
      await container.kill({ signal: 'SIGKILL' });
    } catch (err) {
      // 409: not running (already stopped), 404: already removed; both stop the writes too.
      if (!isDockerStatus(err, 404) && !isDockerStatus(err, 409)) throw err;
    }
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      inFlight = check()
        .catch(() => undefined)
        .finally(() => {
          if (!stopped && !exceeded) schedule(nextDiskCheckMs(intervalMs, limitMb, previous, current));
        });
    }, delayMs);
  };
  schedule(intervalMs);

  return {
    async finish() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      await check().catch(() => undefined);
      return exceeded;
    },
  };
}
